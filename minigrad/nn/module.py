"""Module and Parameter: how a model finds its weights.

Assigning a Parameter or a Module to an attribute registers it, so
`model.parameters()` can walk the tree and `state_dict()` can name every
weight with a dotted path as PyTorch does ("encoder.weight_ih_l0",
"layers.0.bias"). A buffer (`register_buffer`) is a tensor the module keeps
and saves but does not train (a running mean, a fixed mask). With the same
names, a state_dict saved here loads into the PyTorch model of the same
architecture, and the other way round.
"""

from collections import OrderedDict, namedtuple
from collections.abc import Mapping

from minigrad import backend
from minigrad.tensor import Tensor


class Parameter(Tensor):
    """A leaf tensor that a Module registers as a weight; requires grad by default.

    Args:
        data: a Tensor (its array is shared, as torch.nn.Parameter shares
            storage) or a backend array;  requires_grad: as for a Tensor
    """

    __slots__ = ()

    def __init__(self, data=None, requires_grad=True):
        if data is None:
            data = backend.NUMPY.zeros((0,), "float32")
        version = data._version if isinstance(data, Tensor) else None
        if isinstance(data, Tensor):
            data = data._data
        elif not (backend.is_host_array(data) or backend.is_device_array(data)):
            raise TypeError(f"Parameter: expected a minigrad.Tensor or an array, got {_kind(data)}")
        super().__init__(data, requires_grad=requires_grad)
        if version is not None:
            self._version = version                  # an alias of data's storage: one counter

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()


# what load_state_dict(strict=False) reports, as PyTorch's _IncompatibleKeys
IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


_kind = backend.type_name


class Module:
    """Base class of every layer and model.

    Subclasses set Parameters and sub-Modules as attributes in __init__ and
    write forward(); calling the module calls forward.
    """

    def __init__(self):
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent_buffers_set", set())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "training", True)

    # ---- registering -----------------------------------------------------------
    def __setattr__(self, name, value):
        """Registers a Parameter or a Module by its attribute name; a Tensor
        assigned to a buffer's name replaces the buffer. As in PyTorch, a
        registered parameter may only be replaced by a Parameter or None."""
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"{type(self).__name__}: call super().__init__() before assigning attributes")
        if isinstance(value, Parameter):
            if name not in self._parameters:       # a replaced one keeps its place in the order
                self._forget(name)
            self._parameters[name] = value
        elif name in self._parameters:
            if value is not None:
                raise TypeError(f"cannot assign '{_kind(value)}' as parameter '{name}' "
                                "(nn.Parameter or None expected)")
            self._parameters[name] = None
        elif isinstance(value, Module):
            if name not in self._modules:
                self._forget(name)
            self._modules[name] = value
        elif name in self._modules:
            if value is not None:
                raise TypeError(f"cannot assign '{_kind(value)}' as child module '{name}' "
                                "(nn.Module or None expected)")
            self._modules[name] = None
        elif name in self._buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{_kind(value)}' as buffer '{name}' "
                                "(minigrad.Tensor or None expected)")
            self._buffers[name] = value
        object.__setattr__(self, name, value)

    def _forget(self, name):
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        self._buffers.pop(name, None)
        self._non_persistent_buffers_set.discard(name)

    def __delattr__(self, name):
        self._forget(name)
        object.__delattr__(self, name)

    def _check_name(self, what, name):
        method = f"{type(self).__name__}.{what}"
        if not isinstance(name, str):
            raise TypeError(f"{method}: name must be a str, got {_kind(name)}")
        if name == "" or "." in name:
            raise KeyError(f"{method}: name must be non-empty and contain no '.', got {name!r}")
        if hasattr(self, name) and name not in self._parameters and name not in self._buffers \
                and name not in self._modules:
            raise KeyError(f"{method}: attribute '{name}' already exists")

    def register_buffer(self, name, tensor, persistent=True):
        """Keep `tensor` as a buffer: moved by to(), saved in state_dict() if
        persistent, never returned by parameters(). tensor may be None.

        Args:
            name: the attribute name;  tensor: a Tensor or None
            persistent: whether state_dict() holds it
        """
        self._check_name("register_buffer", name)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"{type(self).__name__}.register_buffer: cannot assign '{_kind(tensor)}' object to "
                            f"buffer '{name}' (minigrad.Tensor or None required)")
        self._forget(name)
        self._buffers[name] = tensor
        if not persistent:
            self._non_persistent_buffers_set.add(name)
        object.__setattr__(self, name, tensor)

    def register_parameter(self, name, param):
        """Register `param` (a Parameter, or None for an absent weight such as
        bias=False) under `name`, as assigning it does."""
        self._check_name("register_parameter", name)
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"{type(self).__name__}.register_parameter: cannot assign '{_kind(param)}' object to "
                            f"parameter '{name}' (nn.Parameter or None required)")
        self._forget(name)
        self._parameters[name] = param
        object.__setattr__(self, name, param)

    def add_module(self, name, module):
        """Register the child `module` (or None) under `name`, as assigning it does."""
        self._check_name("add_module", name)
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(self).__name__}.add_module: {_kind(module)} is not a Module subclass")
        self._forget(name)
        self._modules[name] = module
        object.__setattr__(self, name, module)

    register_module = add_module

    def forward(self, *args, **kwargs):
        """What calling the module computes; every subclass defines it."""
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    # ---- walking the tree ---------------------------------------------------
    def named_modules(self, memo=None, prefix="", remove_duplicate=True):
        """(dotted name, module) for this module and every one below it, depth first.
        A module reachable twice is listed once, unless remove_duplicate=False.

        Args:
            memo: ids already listed (used by the recursion)
            prefix: put before every name
            remove_duplicate: list a shared module once
        """
        if memo is None:
            memo = set()
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, m in self._modules.items():
            if m is not None:
                yield from m.named_modules(memo, f"{prefix}.{name}" if prefix else name, remove_duplicate)

    def modules(self):
        """Every module of the tree, this one first."""
        for _, m in self.named_modules():
            yield m

    def named_children(self):
        """(name, module) for the direct children."""
        for name, m in self._modules.items():
            if m is not None:
                yield name, m

    def children(self):
        """The direct children."""
        for _, m in self.named_children():
            yield m

    def _named_members(self, table, prefix, recurse, remove_duplicate):
        walk = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse else [(prefix, self)]
        seen = set()
        for mod_prefix, m in walk:
            for name, t in getattr(m, table).items():
                if t is None or (remove_duplicate and id(t) in seen):
                    continue
                seen.add(id(t))
                yield (f"{mod_prefix}.{name}" if mod_prefix else name), t

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        """(dotted name, Parameter) pairs. A weight tied to two places (an LM
        head sharing the embedding) is listed once, unless remove_duplicate=False;
        recurse=False lists this module's own only.

        Args:
            prefix: put before every name
            recurse: also the modules below
            remove_duplicate: list a tied weight once
        """
        yield from self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse=True):
        """Every Parameter of the tree, each once.

        Args: recurse: also the parameters of every module below
        """
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        """(dotted name, Tensor) for every buffer, persistent or not.

        Args:
            prefix: put before every name
            recurse: also the modules below
            remove_duplicate: list a shared buffer once
        """
        yield from self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse=True):
        """Every buffer of the tree.

        Args: recurse: also the buffers of every module below (else this module's own)
        """
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def apply(self, fn):
        """Call fn(module) on every child (recursively), then on self, as
        PyTorch does (for custom initialisation). Returns self."""
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    # ---- modes and housekeeping ---------------------------------------------
    def train(self, mode=True):
        """Set training mode (dropout active) on the whole tree. Returns self."""
        if not isinstance(mode, bool):
            raise ValueError(f"{type(self).__name__}.train: training mode is expected to be boolean, got {mode!r}")
        for m in self.modules():
            object.__setattr__(m, "training", mode)
        return self

    def eval(self):
        """train(False). Returns self."""
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        """Switch gradient recording on or off for every parameter (freezing a
        part of a model). Returns self.

        Args: requires_grad: True to train the parameters, False to freeze them
        """
        if not isinstance(requires_grad, bool):
            raise TypeError(f"{type(self).__name__}.requires_grad_: requires_grad must be a bool, "
                            f"got {requires_grad!r}")
        for p in self.parameters():
            p.requires_grad = requires_grad
        return self

    def zero_grad(self, set_to_none=True):
        """Forget every parameter's gradient: .grad = None (PyTorch 2's default),
        or, with set_to_none=False, zeros written into the gradient in place."""
        for p in self.parameters():
            if p.grad is None:
                continue
            if set_to_none:
                p.grad = None
            else:
                p.grad._write(backend.of(p.grad._data).zeros(p.grad.shape, p.grad.dtype))

    def to(self, *args, device=None, dtype=None):
        """Move every parameter, gradient and buffer to `device` and/or cast the
        floating-point ones to the float `dtype`, as torch's Module.to: the
        Parameter objects stay the same (an optimizer holding them keeps
        working); their arrays are replaced. Integer buffers keep their dtype.

        Called as to(device), to(dtype), to(device, dtype) or with keywords;
        a dtype is "float32"/"float64" (minigrad.float64) or a NumPy dtype.
        Returns self.
        """
        name = f"{type(self).__name__}.to"
        for a in args:
            if isinstance(a, str) and a not in backend.FLOAT_DTYPES and not a.startswith("int") and a != "bool":
                device = a
            elif isinstance(a, Tensor):
                device, dtype = a.device, a.dtype
            else:
                dtype = a
        if len(args) > 2:
            raise TypeError(f"{name}: expected at most a device and a dtype, got {len(args)} arguments")
        if dtype is not None:
            try:
                dtype = backend.dtype_name(dtype)
            except Exception:
                raise TypeError(f"{name}: expected a dtype such as 'float32', got {dtype!r}") from None
            if not backend.is_float(dtype):
                raise TypeError(f"{name}: parameters must stay floating point, got dtype {dtype!r}")
        target = None if device is None else backend.get(device)
        for m in self.modules():
            for p in m._parameters.values():
                if p is None:
                    continue
                p.data = Tensor(_convert(p._data, target, dtype))
                if p.grad is not None:
                    p.grad = Tensor(_convert(p.grad._data, target, dtype))
            for _key, b in m._buffers.items():
                if b is not None:
                    cast = dtype if backend.is_float(b.dtype) else None
                    b.data = Tensor(_convert(b._data, target, cast))
        return self

    def cpu(self):
        """to("cpu")."""
        return self.to("cpu")

    def double(self):
        """to(float64)."""
        return self.to(dtype="float64")

    def float(self):
        """to(float32)."""
        return self.to(dtype="float32")

    def num_parameters(self):
        """The number of trainable numbers, tied weights counted once."""
        return sum(p.numel() for p in self.parameters())

    # ---- saving and loading --------------------------------------------------
    def _state_items(self):
        """(dotted name, tensor) for each parameter and persistent buffer, in
        PyTorch's order: a module's own parameters, its buffers, then each child."""
        for prefix, m in self.named_modules(remove_duplicate=False):
            dot = prefix + "." if prefix else ""
            for name, p in m._parameters.items():
                if p is not None:
                    yield dot + name, p
            for name, b in m._buffers.items():
                if b is not None and name not in m._non_persistent_buffers_set:
                    yield dot + name, b

    def state_dict(self, prefix=""):
        """{dotted name: Tensor} for every parameter and persistent buffer, in
        PyTorch's order.

        As in PyTorch, each value is detached and shares its parameter's
        storage: a later optimizer step shows in it. Copy it for a snapshot
        ({k: mg.tensor(v) for k, v in sd.items()}), or save it with
        minigrad.save(model.state_dict(), path). A tied weight appears under
        each of its names.

        Args: prefix: put before every key (a model saved as part of a bigger one)
        """
        return OrderedDict((prefix + name, t.detach()) for name, t in self._state_items())

    def load_state_dict(self, state_dict, strict=True):
        """Copy the values of `state_dict` into the parameters and buffers of the same name.

        Values may be minigrad Tensors, arrays of any backend, or arrays of
        another library (a torch.Tensor, read through __dlpack__ / __array__);
        they are copied to each tensor's device, in place (p._write), so the
        Parameter objects, their aliases and any optimizer holding them stay.

        Every problem is collected first — keys missing or unexpected (these
        only when strict), shapes or dtypes that differ (always) — and raised
        as one RuntimeError, as PyTorch does; nothing is changed unless
        everything fits. Unlike PyTorch, a dtype that differs is an error, not
        a silent cast.

        Args:
            state_dict: a mapping {dotted name: tensor or array}
            strict: whether missing and unexpected keys are errors
        Returns:
            (missing_keys, unexpected_keys), a named tuple of two lists
        """
        name = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"{name}: expected state_dict to be dict-like, got {_kind(state_dict)}")
        own = OrderedDict(self._state_items())
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        problems = []
        if strict:
            problems += [f"missing key {k!r}" for k in missing]
            problems += [f"unexpected key {k!r}" for k in unexpected]
        new_data = {}
        for key, p in own.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            if isinstance(value, Tensor):
                value = value._data
            elif backend.is_foreign_array(value):
                try:
                    value = backend.foreign_to_host(value)
                except TypeError as e:
                    problems.append(f"{key!r}: {e}")
                    continue
            if not (backend.is_host_array(value) or backend.is_host_scalar(value) or backend.is_device_array(value)):
                problems.append(f"{key!r}: expected an array, got {_kind(value)}")
                continue
            shape, dtype = tuple(value.shape), backend.dtype_name(value.dtype)
            if shape != p.shape:
                problems.append(f"{key!r}: shape {shape} in the checkpoint, {p.shape} in the model")
            if dtype != backend.dtype_name(p.dtype):
                problems.append(f"{key!r}: dtype {dtype} in the checkpoint, {backend.dtype_name(p.dtype)} in the model")
            if shape == p.shape and dtype == backend.dtype_name(p.dtype):
                new_data[key] = _copy(backend.ensure_array(value), backend.of(p._data))
        if problems:
            raise RuntimeError(f"{name}: Error(s) in loading state_dict for {type(self).__name__}, "
                               f"{len(problems)} problem(s), nothing was loaded:\n  " + "\n  ".join(problems))
        for key, data in new_data.items():
            own[key]._write(data)
        return IncompatibleKeys(missing, unexpected)

    # ---- printing ------------------------------------------------------------
    def extra_repr(self):
        """The text inside the parentheses of this module's line in repr()."""
        return ""

    def __repr__(self):
        """The module tree as PyTorch prints it: one line per child, indented."""
        lines = []
        extra = self.extra_repr()
        for name, m in self._modules.items():
            child = repr(m).replace("\n", "\n  ")
            lines.append(f"({name}): {child}")
        body = (extra.split("\n") if extra else []) + lines
        if not body:
            return f"{type(self).__name__}()"
        if len(body) == 1 and not lines:
            return f"{type(self).__name__}({body[0]})"
        return f"{type(self).__name__}(\n  " + "\n  ".join(body) + "\n)"


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
