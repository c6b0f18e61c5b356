"""Module and Parameter: how a model finds its weights.

Assigning a Parameter or a Module to an attribute registers it, so
`model.parameters()` can walk the tree and `state_dict()` can name every
weight with a dotted path as PyTorch does ("encoder.weight_ih_l0",
"layers.0.bias"). With the same names, a state_dict saved here loads into
the PyTorch model of the same architecture, and the other way round.
"""

from collections import OrderedDict, namedtuple

from minigrad import backend
from minigrad.tensor import Tensor


class Parameter(Tensor):
    """A leaf tensor that a Module registers as a weight; requires grad by default."""

    __slots__ = ()

    def __init__(self, data, requires_grad=True):
        if isinstance(data, Tensor):
            data = data._data
        super().__init__(data, requires_grad=requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()


# what load_state_dict(strict=False) reports, as PyTorch's _IncompatibleKeys
IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


class Module:
    """Base class of every layer and model.

    Subclasses set Parameters and sub-Modules as attributes in __init__ and
    write forward(); calling the module calls forward.
    """

    def __init__(self):
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "training", True)

    def __setattr__(self, name, value):
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"{type(self).__name__}: call super().__init__() before assigning attributes")
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        if isinstance(value, Parameter):
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        object.__delattr__(self, name)

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    # ---- walking the tree ---------------------------------------------------
    def named_modules(self, prefix=""):
        yield prefix, self
        for name, m in self._modules.items():
            yield from m.named_modules(f"{prefix}.{name}" if prefix else name)

    def modules(self):
        for _, m in self.named_modules():
            yield m

    def children(self):
        yield from self._modules.values()

    def named_parameters(self, prefix="", remove_duplicate=True):
        """(dotted name, Parameter) pairs. A weight tied to two places (an LM
        head sharing the embedding) is listed once, unless remove_duplicate=False."""
        seen = set()
        for mod_prefix, m in self.named_modules(prefix):
            for name, p in m._parameters.items():
                if remove_duplicate and id(p) in seen:
                    continue
                seen.add(id(p))
                yield (f"{mod_prefix}.{name}" if mod_prefix else name), p

    def parameters(self):
        for _, p in self.named_parameters():
            yield p

    # ---- modes and housekeeping ---------------------------------------------
    def train(self, mode=True):
        for m in self.modules():
            object.__setattr__(m, "training", mode)
        return self

    def eval(self):
        return self.train(False)

    def zero_grad(self):
        for p in self.parameters():
            p.grad = None

    def to(self, device=None, dtype=None):
        """Move every parameter to `device` and/or cast it to the float `dtype`,
        in place: the Parameter objects stay the same (an optimizer holding them
        keeps working), their data and grads change. Returns self."""
        if dtype is not None and not backend.is_float(dtype):
            raise TypeError(f"{type(self).__name__}.to: parameters must stay floating point, "
                            f"got dtype {backend.dtype_name(dtype)!r}")
        target = None if device is None else backend.get(device)
        for p in self.parameters():
            p._data = _convert(p._data, target, dtype)
            if p.grad is not None:
                p.grad = Tensor(_convert(p.grad._data, target, dtype))
        return self

    def double(self):
        return self.to(dtype="float64")

    def float(self):
        return self.to(dtype="float32")

    def num_parameters(self):
        return sum(p.numel() for p in self.parameters())

    # ---- saving and loading --------------------------------------------------
    def state_dict(self):
        """{dotted name: array} for every parameter, in registration order.

        The arrays are copies on the parameters' device: a snapshot that later
        training does not change. A tied weight appears under each of its
        names, as in PyTorch. Save it with minigrad.save(model.state_dict(), path).
        """
        return OrderedDict((name, _copy(p._data, backend.of(p._data)))
                           for name, p in self.named_parameters(remove_duplicate=False))

    def load_state_dict(self, state_dict, strict=True):
        """Copy the arrays of `state_dict` into the parameters of the same name.

        Every problem is collected first — keys missing or unexpected (these only
        when strict), shapes or dtypes that differ (always) — and reported in one
        error; nothing is changed unless everything fits. Values may be arrays of
        any backend or Tensors; they are copied to each parameter's device.
        Returns (missing_keys, unexpected_keys).
        """
        own = OrderedDict(self.named_parameters(remove_duplicate=False))
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        problems = []
        if strict:
            problems += [f"missing key {k!r}" for k in missing]
            problems += [f"unexpected key {k!r}" for k in unexpected]
        new_data = {}
        for name, p in own.items():
            if name not in state_dict:
                continue
            value = state_dict[name]
            value = value._data if isinstance(value, Tensor) else value
            if not (hasattr(value, "shape") and hasattr(value, "dtype")):
                problems.append(f"{name!r}: expected an array, got {type(value).__name__}")
                continue
            shape, dtype = tuple(value.shape), backend.dtype_name(value.dtype)
            if shape != p.shape:
                problems.append(f"{name!r}: shape {shape} in the checkpoint, {p.shape} in the model")
            if dtype != backend.dtype_name(p.dtype):
                problems.append(f"{name!r}: dtype {dtype} in the checkpoint, "
                                f"{backend.dtype_name(p.dtype)} in the model")
            if shape == p.shape and dtype == backend.dtype_name(p.dtype):
                new_data[name] = _copy(value, backend.of(p._data))
        if problems:
            raise ValueError(f"{type(self).__name__}.load_state_dict: {len(problems)} problem(s), "
                             "nothing was loaded:\n  " + "\n  ".join(problems))
        for name, data in new_data.items():
            own[name]._write(data)               # in place: aliases see it, the version counts it
        return IncompatibleKeys(missing, unexpected)

    # ---- printing ------------------------------------------------------------
    def extra_repr(self):
        return ""

    def __repr__(self):
        lines = [f"{type(self).__name__}({self.extra_repr()}"]
        for name, m in self._modules.items():
            child = repr(m).replace("\n", "\n  ")
            lines.append(f"  ({name}): {child}")
        if len(lines) == 1:
            return lines[0] + ")"
        return "\n".join(lines) + "\n)"


def _copy(data, target):
    """A fresh copy of array `data` on the backend `target`, sharing no memory with it."""
    source = backend.of(data)
    if target is not source:
        data = target.asarray(source.to_host(data))
    return target.xp.astype(data, data.dtype, copy=True)


def _convert(data, target, dtype):
    """`data` on the backend `target` (None: where it is) as `dtype` (None: as it is)."""
    source = backend.of(data)
    if target is not None and target is not source:
        data, source = target.asarray(source.to_host(data)), target
    if dtype is not None and backend.dtype_name(data.dtype) != backend.dtype_name(dtype):
        data = source.xp.astype(data, source.dtype(dtype))
    return data
