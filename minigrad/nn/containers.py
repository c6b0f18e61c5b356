"""Containers: modules that hold other modules or parameters under names, so
their weights are named "layers.0.weight", "blocks.encoder.bias" as in PyTorch.

    Sequential      modules called in order, each on the previous one's output
    ModuleList      a list of modules (no forward)
    ModuleDict      a dict of modules (no forward)
    ParameterList   a list of Parameters
    ParameterDict   a dict of Parameters
"""

from collections import OrderedDict

from minigrad.nn.module import Module, Parameter, _kind
from minigrad.tensor import Tensor


def _check_module(name, m):
    if not isinstance(m, Module):
        raise TypeError(f"{name}: expected a Module, got {_kind(m)}"
                        + (" (wrap a function in a Module, e.g. nn.ReLU() for relu)" if callable(m) else ""))
    return m


def _as_parameter(name, value):
    """A Parameter as it is; a plain Tensor made a Parameter (sharing its array), as in PyTorch."""
    if isinstance(value, Parameter):
        return value
    if isinstance(value, Tensor):
        return Parameter(value)
    raise TypeError(f"{name}: expected a Parameter or a Tensor, got {_kind(value)}")


def _index(name, i, n):
    """An int index in [-n, n) as one in [0, n)."""
    if isinstance(i, bool) or not isinstance(i, int):
        raise TypeError(f"{name}: indices must be integers or slices, got {_kind(i)}")
    if not -n <= i < n:
        raise IndexError(f"{name}: index {i} is out of range for {n} modules")
    return i % n


class ModuleList(Module):
    """A list of modules that registers them under "0", "1", ...; no forward of its own.

    Args: modules, an iterable of Modules.
    """

    def __init__(self, modules=()):
        super().__init__()
        self.extend(modules)

    def append(self, module):
        """Add one module at the end. Returns self."""
        self.add_module(str(len(self._modules)), _check_module(f"{type(self).__name__}.append", module))
        return self

    def extend(self, modules):
        """Add every module of an iterable. Returns self.

        Args: modules: an iterable of Modules
        """
        for m in modules:
            self.append(m)
        return self

    def __getitem__(self, i):
        """self[i] a module; self[a:b] a new ModuleList of those modules."""
        mods = list(self._modules.values())
        if isinstance(i, slice):
            return ModuleList(mods[i])
        return mods[_index(type(self).__name__, i, len(mods))]

    def __setitem__(self, i, module):
        key = str(_index(type(self).__name__, i, len(self._modules)))
        setattr(self, key, _check_module(type(self).__name__, module))

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())


class Sequential(ModuleList):
    """Modules called in order, each on the previous one's output.

    Sequential(m0, m1, ...) names them "0", "1", ...; Sequential(OrderedDict)
    names them by its keys, as in PyTorch.

    forward: x -> m_last(...(m1(m0(x))))
    """

    def __init__(self, *modules):
        Module.__init__(self)
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            for name, m in modules[0].items():
                self.add_module(name, _check_module("Sequential", m))
        else:
            for m in modules:
                self.append(_check_module("Sequential", m))

    def append(self, module):
        """Add one module at the end. Returns self."""
        self.add_module(str(len(self._modules)), _check_module("Sequential.append", module))
        return self

    def __getitem__(self, i):
        """self[i] a module; self[a:b] a Sequential of those, keeping their names."""
        if isinstance(i, slice):
            return Sequential(OrderedDict(list(self._modules.items())[i]))
        return super().__getitem__(i)

    def forward(self, input):
        """Args: input, what the first module takes. Returns: what the last one returns."""
        for m in self:
            input = m(input)
        return input


class ModuleDict(Module):
    """A dict of modules, registered under their keys; no forward of its own.

    Args: modules, a dict (or iterable of (key, module) pairs) or None.
    """

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key):
        return self._modules[key]

    def __setitem__(self, key, module):
        self.add_module(key, _check_module("ModuleDict", module))

    def __delitem__(self, key):
        delattr(self, key)

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def __contains__(self, key):
        return key in self._modules

    def keys(self):
        """The keys, in insertion order."""
        return self._modules.keys()

    def values(self):
        """The modules, in insertion order."""
        return self._modules.values()

    def items(self):
        """(key, module) pairs, in insertion order."""
        return self._modules.items()

    def pop(self, key):
        """Remove `key` and return its module."""
        m = self._modules[key]
        del self[key]
        return m

    def update(self, modules):
        """Add (or replace) the entries of a dict or of (key, module) pairs.

        Args: modules: a dict or an iterable of (key, Module) pairs
        """
        pairs = modules.items() if hasattr(modules, "items") else modules
        for key, m in pairs:
            self[key] = m


class ParameterList(Module):
    """A list of Parameters, registered under "0", "1", ...

    Args: values, an iterable of Parameters (a plain Tensor is made a Parameter, as in PyTorch).
    """

    def __init__(self, values=None):
        super().__init__()
        for v in values or ():
            self.append(v)

    def append(self, value):
        """Add one parameter at the end. Returns self.

        Args: value: a Parameter, or a Tensor made one
        """
        setattr(self, str(len(self._parameters)), _as_parameter(type(self).__name__, value))
        return self

    def extend(self, values):
        """Add every parameter of an iterable. Returns self.

        Args: values: an iterable of Parameters or Tensors
        """
        for v in values:
            self.append(v)
        return self

    def __getitem__(self, i):
        params = list(self._parameters.values())
        return params[_index("ParameterList", i, len(params))]

    def __setitem__(self, i, value):
        setattr(self, str(_index("ParameterList", i, len(self._parameters))), _as_parameter(type(self).__name__, value))

    def __len__(self):
        return len(self._parameters)

    def __iter__(self):
        return iter(self._parameters.values())

    def extra_repr(self):
        """The settings repr() prints inside the parentheses, as PyTorch's."""
        return "\n".join(f"({i}): Parameter containing: [minigrad.Tensor of size {'x'.join(map(str, p.shape))}]"
                          for i, p in enumerate(self))


class ParameterDict(Module):
    """A dict of Parameters, registered under their keys.

    Args: parameters, a dict (or iterable of (key, Parameter) pairs) or None.
    """

    def __init__(self, parameters=None):
        super().__init__()
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key):
        return self._parameters[key]

    def __setitem__(self, key, value):
        self.register_parameter(key, _as_parameter(type(self).__name__, value))

    def __delitem__(self, key):
        delattr(self, key)

    def __len__(self):
        return len(self._parameters)

    def __iter__(self):
        return iter(self._parameters)

    def __contains__(self, key):
        return key in self._parameters

    def keys(self):
        """The keys, in insertion order."""
        return self._parameters.keys()

    def values(self):
        """The parameters, in insertion order."""
        return self._parameters.values()

    def items(self):
        """(key, Parameter) pairs, in insertion order."""
        return self._parameters.items()

    def update(self, parameters):
        """Add (or replace) the entries of a dict or of (key, Parameter) pairs.

        Args: parameters: a dict or an iterable of (key, Parameter or Tensor) pairs
        """
        pairs = parameters.items() if hasattr(parameters, "items") else parameters
        for key, p in pairs:
            self[key] = p

    def extra_repr(self):
        """The settings repr() prints inside the parentheses, as PyTorch's."""
        return "\n".join(f"({k}): Parameter containing: [minigrad.Tensor of size {'x'.join(map(str, p.shape))}]"
                         for k, p in self.items())
