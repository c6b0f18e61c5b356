"""Tensor: an array plus what reverse-mode autodiff needs to know about it.

A Tensor wraps one backend array (`._data`: NumPy on "cpu", CuPy on "cuda");
`.data` is, as in PyTorch, a detached Tensor sharing that array.
If it requires grad and was made by an op, `.grad_fn` is that op's node in the
graph (a Function instance, see autograd.py); leaves have grad_fn None. An
output of a multi-output op (split, unbind) also knows which output it is.
Calling `.backward()` on a scalar walks the graph from it and leaves
d(scalar)/d(leaf) in every leaf's `.grad`, added to what was there.

Every method here is a thin call into ops/ or autograd.py, where the math is.
"""

import numbers
import weakref

import minigrad.backend as backend

DEFAULT_DTYPE = "float32"
_NDARRAY = backend.NUMPY.xp.ndarray      # the common case, recognised by type alone


class Tensor:
    __slots__ = ("_data", "grad", "grad_fn", "_requires_grad", "_output_nr", "_counter", "__weakref__",
                 "_hooks", "_retains_grad")        # these two set only when used (see hooks below)
    __array_ufunc__ = None     # `ndarray * tensor` calls Tensor.__rmul__, not NumPy

    def __init__(self, data, requires_grad=False, grad_fn=None):
        if type(data) is not _NDARRAY:            # NumPy's 0-d scalars made arrays; lists refused
            data = _backend_array(data)
        self._data = data                         # the backend array
        self.grad = None                 # a Tensor like self, filled by backward()
        self.grad_fn = grad_fn           # the node that made this tensor, None for leaves
        self._output_nr = None           # i if this is output i of a multi-output op
        self._counter = None             # its Version, made when first needed (see _version)
        self._requires_grad = False
        if requires_grad:
            self.requires_grad = True

    # ---- what it is ---------------------------------------------------------
    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        if value and not backend.is_float(self._data.dtype):
            raise RuntimeError(f"requires_grad: only Tensors of floating point dtype can require gradients; "
                               f"this one has dtype {backend.dtype_name(self._data.dtype)}")
        if not value and self.grad_fn is not None:
            raise RuntimeError("requires_grad: can only be switched off on a leaf; use .detach()")
        self._requires_grad = bool(value)

    @property
    def _version(self):
        """The Version counting in-place writes to this tensor's array, shared by
        every alias of it. Made when first asked for: most tensors are never
        written, aliased or saved, and never need one."""
        v = self._counter
        if v is None:
            v = self._counter = Version()
        return v

    @_version.setter
    def _version(self, version):
        self._counter = version

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def shape(self):
        return tuple(self._data.shape)

    @property
    def ndim(self):
        return self._data.ndim

    @property
    def size(self):
        n = 1
        for s in self._data.shape:
            n *= s
        return n

    @property
    def data(self):
        """This tensor's values as a new leaf outside the graph, sharing its array
        (and its version counter: a write through .data is seen by backward)."""
        return self._alias()

    @data.setter
    def data(self, value):
        if not isinstance(value, Tensor):
            raise TypeError(f"data: expected a Tensor, got {type(value).__module__}.{type(value).__name__}")
        self._data = value._data

    def __array__(self, dtype=None, copy=None):
        """np.asarray(t): the values as a NumPy array on the host."""
        a = backend.of(self._data).to_host(self._data)
        return a if dtype is None else a.astype(dtype)

    def __len__(self):
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    @property
    def dtype(self):
        return self._data.dtype

    @property
    def device(self):
        return backend.of(self._data).name

    @property
    def xp(self):
        """The array namespace of this tensor's backend (numpy, cupy, ...)."""
        return backend.of(self._data).xp

    def numpy(self):
        """A NumPy copy on the host, detached from the graph."""
        return backend.of(self._data).to_host(self._data).copy()

    def item(self):
        if self.size != 1:
            raise RuntimeError(f"item(): a Tensor with {self.size} elements cannot be converted to Scalar "
                               f"(shape {self.shape})")
        return self.numpy().reshape(()).item()

    def tolist(self):
        return self.numpy().tolist()

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __bool__(self):
        if self.size != 1:
            raise RuntimeError(f"bool(): Boolean value of Tensor with more than one value is ambiguous "
                               f"(shape {self.shape})")
        return bool(self.item())

    def __repr__(self):
        extra = ""
        if self.grad_fn is not None:
            extra = f", grad_fn={type(self.grad_fn).__name__}"
        elif self.requires_grad:
            extra = ", requires_grad=True"
        if self.device != "cpu":
            extra = f", device='{self.device}'" + extra
        body = repr(self.numpy()).replace("array(", "tensor(", 1)
        if body.endswith(")"):
            body = body[:-1]
        return f"{body}{extra})"

    # ---- leaving and moving the graph ---------------------------------------
    def detach(self):
        """The same data as a new leaf that does not require grad (shares the array)."""
        return self._alias()

    def _alias(self):
        """A new leaf on the same array, with the same version counter."""
        t = Tensor(self._data)
        t._version = self._version
        return t

    def _write(self, array, index=Ellipsis):
        """Write `array` (or a number; broadcastable to self[index]) into self's
        own array, in place, and count the write: every alias sees it, backward
        can check it. The one way the library changes a tensor's values
        (in-place ops, optimizer steps, initialisers, load_state_dict)."""
        b = backend.of(self._data)
        array = backend.ensure_array(array)
        if hasattr(array, "shape") and backend.of(array) is not b:      # from another device: via the host
            array = b.asarray(backend.of(array).to_host(array))
        b.put(self._data, index, array)
        self._version.value += 1

    def to(self, device):
        """A copy on `device`; differentiable (the gradient moves back)."""
        return ops.to_device(self, _backend_for(device, "to").name)

    def cpu(self):
        return self.to("cpu")

    def astype(self, dtype):
        return ops.astype(self, dtype)

    def float(self):
        return ops.astype(self, "float32")

    def double(self):
        return ops.astype(self, "float64")

    # ---- hooks: watching a gradient (autograd.py) ------------------------------
    def requires_grad_(self, requires_grad=True):
        """Set requires_grad in place, as torch.Tensor.requires_grad_.

        Args:
            requires_grad (bool): True (the default) or False (leaves only).
        Returns:
            self.
        """
        if not isinstance(requires_grad, bool):
            raise TypeError(f"requires_grad_(): argument 'requires_grad' must be bool, "
                            f"not {type(requires_grad).__name__}")
        self.requires_grad = requires_grad
        return self

    def register_hook(self, hook):
        """hook(grad) runs each time this tensor's gradient is computed; it may
        return a Tensor of the same shape to use instead.

        Args:
            hook: a function of a Tensor shaped like self.
        Returns:
            a handle whose .remove() takes the hook off.
        """
        return autograd.register_hook(self, hook)

    def retain_grad(self):
        """Keep this non-leaf tensor's gradient in .grad after backward
        (added up over backward calls, as a leaf's is). Returns None."""
        autograd.retain_grad(self)

    @property
    def retains_grad(self):
        """True if retain_grad() was called on this non-leaf tensor."""
        return self.grad_fn is not None and getattr(self, "_retains_grad", False)

    def backward(self, grad=None, retain_graph=False, create_graph=False):
        """Accumulate d(self)/d(leaf) into every leaf's .grad. See autograd.backward."""
        autograd.backward(self, grad, retain_graph=retain_graph, create_graph=create_graph)

    # ---- operators: each a call into ops -------------------------------------
    def __add__(self, other): return ops.add(self, other)
    def __radd__(self, other): return ops.add(other, self)
    def __sub__(self, other): return ops.sub(self, other)
    def __rsub__(self, other): return ops.sub(other, self)
    def __mul__(self, other): return ops.mul(self, other)
    def __rmul__(self, other): return ops.mul(other, self)
    def __truediv__(self, other): return ops.div(self, other)
    def __rtruediv__(self, other): return ops.div(other, self)
    def __pow__(self, other): return ops.pow(self, other)
    def __rpow__(self, other): return ops.pow(other, self)
    def __matmul__(self, other): return ops.matmul(self, other)
    def __rmatmul__(self, other): return ops.matmul(other, self)
    def __neg__(self): return ops.neg(self)
    def __pos__(self): return self
    def __abs__(self): return ops.abs(self)
    def __getitem__(self, index): return ops.getitem(self, index)

    # comparisons give masks: bool tensors outside the graph
    def __lt__(self, other): return ops.compare("lt", self, other)
    def __le__(self, other): return ops.compare("le", self, other)
    def __gt__(self, other): return ops.compare("gt", self, other)
    def __ge__(self, other): return ops.compare("ge", self, other)
    def __eq__(self, other): return ops.compare("eq", self, other)
    def __ne__(self, other): return ops.compare("ne", self, other)
    __hash__ = object.__hash__

    # ---- methods: the same ops, called as x.f() -----------------------------
    def exp(self): return ops.exp(self)
    def log(self): return ops.log(self)
    def sqrt(self): return ops.sqrt(self)
    def tanh(self): return ops.tanh(self)
    def sigmoid(self): return ops.sigmoid(self)
    def relu(self): return ops.relu(self)
    def abs(self): return ops.abs(self)
    def clip(self, min=None, max=None): return ops.clip(self, min, max)
    def sum(self, axis=None, keepdims=False): return ops.sum(self, axis, keepdims)
    def mean(self, axis=None, keepdims=False): return ops.mean(self, axis, keepdims)
    def max(self, axis=None, keepdims=False): return ops.max(self, axis, keepdims)
    def min(self, axis=None, keepdims=False): return ops.min(self, axis, keepdims)
    def var(self, axis=None, keepdims=False, correction=1): return ops.var(self, axis, keepdims, correction)
    def reshape(self, *shape): return ops.reshape(self, _shape_arg(shape))
    def view(self, *shape): return ops.reshape(self, _shape_arg(shape))
    def flatten(self): return ops.reshape(self, (-1,))
    def permute(self, *axes): return ops.permute(self, _shape_arg(axes))
    def transpose(self, axis0=-2, axis1=-1): return ops.transpose(self, axis0, axis1)
    def expand(self, *shape): return ops.broadcast_to(self, _shape_arg(shape))
    def broadcast_to(self, shape): return ops.broadcast_to(self, shape)
    def squeeze(self, axis=None): return ops.squeeze(self, axis)
    def unsqueeze(self, axis): return ops.unsqueeze(self, axis)
    def split(self, size_or_sizes, axis=0): return ops.split(self, size_or_sizes, axis)
    def chunk(self, chunks, axis=0): return ops.chunk(self, chunks, axis)
    def unbind(self, axis=0): return ops.unbind(self, axis)
    def cumsum(self, axis): return ops.cumsum(self, axis)
    def flip(self, axis): return ops.flip(self, axis)
    def softmax(self, axis=-1): return ops.softmax(self, axis)
    def log_softmax(self, axis=-1): return ops.log_softmax(self, axis)
    def logsumexp(self, axis=None, keepdims=False): return ops.logsumexp(self, axis, keepdims)

    # ---- in-place ops: written into this tensor's own array (ops/inplace.py) ----
    def __iadd__(self, other): return ops.add_(self, other)
    def __isub__(self, other): return ops.sub_(self, other)
    def __imul__(self, other): return ops.mul_(self, other)
    def __itruediv__(self, other): return ops.div_(self, other)
    def __setitem__(self, index, value): ops.setitem(self, index, value)
    def add_(self, other, alpha=1): return ops.add_(self, other, alpha)
    def sub_(self, other, alpha=1): return ops.sub_(self, other, alpha)
    def mul_(self, other): return ops.mul_(self, other)
    def div_(self, other): return ops.div_(self, other)
    def clamp_(self, min=None, max=None): return ops.clamp_(self, min, max)
    def fill_(self, value): return ops.fill_(self, value)
    def zero_(self): return ops.zero_(self)
    def copy_(self, src): return ops.copy_(self, src)

    @property
    def T(self):
        return ops.permute(self, tuple(reversed(range(self.ndim))))


class Version:
    """The number of in-place writes to one array, shared by all its aliases.

    `views` lists the tensors that share the array through view ops (reshape,
    basic indexing, ...), the one they were taken from first, as
    [weakref to the tensor, weakref to its source, the view op, its arguments]
    (source, op and arguments None for the first): what an in-place op
    recorded by autograd must update or mark stale (ops/inplace.py). None until
    a view is taken. Aliases made by detach() and .data share the count but
    are not listed: they are outside the graph by definition."""
    __slots__ = ("value", "views")

    def __init__(self):
        self.value = 0
        self.views = None

    def add_view(self, view, source, op, args):
        """Enter `view`, made from `source` by `op(source, *args)`, in the list."""
        views = self.views
        if views is None:
            views = self.views = [[weakref.ref(source), None, None, None]]
        views.append([weakref.ref(view), weakref.ref(source), op, args])
        n = len(views)
        if n >= 16 and n & (n - 1) == 0:        # at 16, 32, 64, ...: drop the dead, so
            views[:] = [e for e in views if e[0]() is not None]   # the list stays ~ the live views


def _shape_arg(args):
    """Accept both x.reshape(2, 3) and x.reshape((2, 3))."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return tuple(args[0])
    return tuple(args)


# ---- making tensors ---------------------------------------------------------

def tensor(data, dtype=None, device=None, requires_grad=False):
    """A new leaf tensor from a list, scalar, NumPy array or Tensor (copied).

    Python floats become float32 (the default dtype), ints int64, bools bool;
    a NumPy array keeps its dtype unless `dtype` is given.

    Args:
        data: nested lists of numbers, a number, an array of any backend, or a Tensor.
        dtype: a name such as "float32" (default: inferred as above).
        device: "cpu" (default), "cuda", "cuda:N" or "array_api_strict".
        requires_grad (bool): whether autograd tracks it (floating point only).
    Returns:
        a Tensor of data's shape.
    """
    _check_requires_grad(requires_grad, "tensor")
    b = _backend_for(device, "tensor")
    if isinstance(data, Tensor):
        data = data.numpy()                    # a host copy
    elif backend.is_device_array(data):        # an array of a backend (CuPy, the stand-in): via the host
        data = backend.of(data).to_host(data)
    with _named("tensor()"):
        if dtype is None:
            dtype = backend.infer_dtype(data, DEFAULT_DTYPE)
        array = b.asarray(data, dtype)
    if requires_grad and not backend.is_float(array.dtype):
        raise RuntimeError(f"tensor(): only Tensors of floating point dtype can require gradients, "
                           f"got dtype {backend.dtype_name(array.dtype)}")
    return Tensor(array, requires_grad=requires_grad)


def _backend_array(data):
    """Tensor(data)'s check: an array of a backend (a NumPy scalar made a 0-d array)."""
    if isinstance(data, _NDARRAY) or backend.is_device_array(data):
        return data
    if backend.is_host_scalar(data):
        return backend.ensure_array(data)
    raise TypeError(f"Tensor: expected an array of a minigrad backend, got {type(data).__name__}; "
                    "use mg.tensor(data) to make a tensor from lists and numbers")


def _backend_for(device, op):
    with _named(op):
        return backend.get(device)


def _check_requires_grad(requires_grad, op):
    if not isinstance(requires_grad, bool):
        raise TypeError(f"{op}(): argument 'requires_grad' must be bool, not {type(requires_grad).__name__}")


class _named:
    """Errors raised inside (by NumPy or the backend) come out as the same
    type, the message prefixed with the op the user called."""

    def __init__(self, op):
        self.op = op

    def __enter__(self):
        return self

    def __exit__(self, kind, e, tb):
        if kind in (TypeError, ValueError, IndexError, RuntimeError) and not str(e).startswith(self.op):
            raise kind(f"{self.op}: {e}") from None
        return False


def _shape(shape, op="shape"):
    """Sizes given as f(2, 3) or f((2, 3)), checked: non-negative integers."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    for s in shape:
        if not isinstance(s, numbers.Integral) or isinstance(s, bool):
            raise TypeError(f"{op}(): size must be a tuple of ints, but found element of type "
                            f"{type(s).__name__} in {shape}")
        if s < 0:
            raise ValueError(f"{op}(): trying to create tensor with negative dimension {s}: {shape}")
    return tuple(int(s) for s in shape)


def _made(op, make, requires_grad):
    """make() under op's name; then requires_grad, checked."""
    _check_requires_grad(requires_grad, op)
    with _named(op + "()"):
        array = make()
    if requires_grad and not backend.is_float(array.dtype):
        raise RuntimeError(f"{op}(): only Tensors of floating point dtype can require gradients, "
                           f"got dtype {backend.dtype_name(array.dtype)}")
    return Tensor(array, requires_grad=requires_grad)


def zeros(*shape, dtype=DEFAULT_DTYPE, device=None, requires_grad=False):
    """A tensor of zeros. Args: sizes (ints, or one tuple), dtype, device, requires_grad.
    Returns: a Tensor of that shape."""
    shape, b = _shape(shape, "zeros"), _backend_for(device, "zeros")
    return _made("zeros", lambda: b.zeros(shape, dtype), requires_grad)


def ones(*shape, dtype=DEFAULT_DTYPE, device=None, requires_grad=False):
    """A tensor of ones. Args: sizes (ints, or one tuple), dtype, device, requires_grad.
    Returns: a Tensor of that shape."""
    shape, b = _shape(shape, "ones"), _backend_for(device, "ones")
    return _made("ones", lambda: b.full(shape, 1, dtype), requires_grad)


def full(shape, fill_value, dtype=DEFAULT_DTYPE, device=None, requires_grad=False):
    """A tensor filled with fill_value. Args: shape (int or tuple), fill_value
    (a number), dtype, device, requires_grad. Returns: a Tensor of that shape."""
    shape, b = _shape((shape,), "full"), _backend_for(device, "full")
    if not isinstance(fill_value, numbers.Number) and not backend.is_host_scalar(fill_value):
        raise TypeError(f"full(): fill_value must be a number, got {type(fill_value).__name__}")
    return _made("full", lambda: b.full(shape, fill_value, dtype), requires_grad)


def zeros_like(t, requires_grad=False):
    """Zeros of t's shape, dtype and device. Args: t (a Tensor). Returns: a Tensor."""
    _check_tensor(t, "zeros_like")
    return _made("zeros_like", lambda: backend.of(t._data).zeros(t.shape, t.dtype), requires_grad)


def ones_like(t, requires_grad=False):
    """Ones of t's shape, dtype and device. Args: t (a Tensor). Returns: a Tensor."""
    _check_tensor(t, "ones_like")
    return _made("ones_like", lambda: backend.of(t._data).full(t.shape, 1, t.dtype), requires_grad)


def _check_tensor(t, op):
    if not isinstance(t, Tensor):
        raise TypeError(f"{op}(): argument 'input' must be Tensor, not {type(t).__name__}")


def randn(*shape, dtype=DEFAULT_DTYPE, device=None, requires_grad=False):
    """Standard normal samples from the generator manual_seed seeds.
    Args: sizes (ints, or one tuple), dtype (floating point), device, requires_grad.
    Returns: a Tensor of that shape."""
    shape, b = _shape(shape, "randn"), _backend_for(device, "randn")
    _check_float(dtype, "randn")
    return _made("randn", lambda: backend.random_normal(shape, dtype, b), requires_grad)


def rand(*shape, dtype=DEFAULT_DTYPE, device=None, requires_grad=False):
    """Uniform samples in [0, 1) from the generator manual_seed seeds.
    Args: sizes (ints, or one tuple), dtype (floating point), device, requires_grad.
    Returns: a Tensor of that shape."""
    shape, b = _shape(shape, "rand"), _backend_for(device, "rand")
    _check_float(dtype, "rand")
    return _made("rand", lambda: backend.random_uniform(shape, 0.0, 1.0, dtype, b), requires_grad)


def _check_float(dtype, op):
    with _named(op + "()"):
        name = backend.dtype_name(backend.NUMPY.dtype(dtype))    # an unknown dtype: TypeError
    if not backend.is_float(name):
        raise RuntimeError(f"{op}(): random samples need a floating point dtype, got {name}")


def arange(start, stop=None, step=1, dtype=None, device=None):
    """Evenly spaced values in [start, stop): int64 for integer arguments, else float32.
    Args: start, stop, step (numbers; step not 0), dtype, device. Returns: a 1-d Tensor."""
    if stop is None:
        start, stop = 0, start
    for name, v in (("start", start), ("end", stop), ("step", step)):
        if not isinstance(v, numbers.Real) or isinstance(v, bool):
            raise TypeError(f"arange(): argument '{name}' must be a number, not {type(v).__name__}")
    if step == 0:
        raise ValueError("arange(): step must be nonzero")
    if dtype is None:
        is_int = all(isinstance(v, numbers.Integral) for v in (start, stop, step))
        dtype = "int64" if is_int else DEFAULT_DTYPE
    b = _backend_for(device, "arange")
    with _named("arange()"):
        return Tensor(backend.arange(start, stop, step, dtype, b))


# imported last: ops and autograd build on Tensor, and Tensor's methods call them
from minigrad import autograd, ops  # noqa: E402
