"""ModuleList and Sequential: modules that hold other modules under the names
"0", "1", ..., so their weights are named "layers.0.weight" as in PyTorch."""

from minigrad.nn.module import Module


class ModuleList(Module):
    """A list of modules that registers them; it has no forward of its own."""

    def __init__(self, modules=()):
        super().__init__()
        self.extend(modules)

    def append(self, module):
        setattr(self, str(len(self._modules)), _check_module(type(self).__name__, module))
        return self

    def extend(self, modules):
        for m in modules:
            self.append(m)
        return self

    def __getitem__(self, i):
        return list(self._modules.values())[i]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())


class Sequential(ModuleList):
    """A ModuleList with a forward: calls its modules in order, each on the
    previous one's output."""

    def __init__(self, *modules):
        super().__init__(modules)

    def forward(self, x):
        for m in self:
            x = m(x)
        return x


def _check_module(name, m):
    if not isinstance(m, Module):
        raise TypeError(f"{name}: expected a Module, got {type(m).__name__}")
    return m
