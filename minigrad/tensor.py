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

import minigrad.backend as backend

DEFAULT_DTYPE = "float32"


class Tensor:
    __slots__ = ("_data", "grad", "grad_fn", "_requires_grad", "_output_nr", "_version", "__weakref__")
    __array_ufunc__ = None     # `ndarray * tensor` calls Tensor.__rmul__, not NumPy

    def __init__(self, data, requires_grad=False, grad_fn=None):
        self._data = backend.ensure_array(data)   # the backend array (NumPy's 0-d scalars made arrays)
        self.grad = None                 # a Tensor like self, filled by backward()
        self.grad_fn = grad_fn           # the node that made this tensor, None for leaves
        self._output_nr = None           # i if this is output i of a multi-output op
        self._version = Version()        # counts in-place writes; shared by every alias of the array
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
            raise TypeError(f"only floating-point tensors can require gradients; "
                            f"this one has dtype {backend.dtype_name(self._data.dtype)}")
        if not value and self.grad_fn is not None:
            raise RuntimeError("requires_grad can only be switched off on a leaf; use .detach()")
        self._requires_grad = bool(value)

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
            raise ValueError(f"item(): only one-element tensors can be converted; shape is {self.shape}")
        return self.numpy().reshape(()).item()

    def tolist(self):
        return self.numpy().tolist()

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __bool__(self):
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

    def _write(self, array):
        """Write `array` (broadcastable to self's shape) into self's own array, in
        place, and count the write: every alias sees it, backward can check it.
        The one way the library changes a tensor's values (in-place ops,
        optimizer steps, initialisers, load_state_dict)."""
        b = backend.of(self._data)
        self._data[...] = array if backend.of(array) is b else b.asarray(backend.of(array).to_host(array))
        self._version.value += 1

    def to(self, device):
        """A copy on `device`; differentiable (the gradient moves back)."""
        return ops.to_device(self, device)

    def cpu(self):
        return self.to("cpu")

    def astype(self, dtype):
        return ops.astype(self, dtype)

    def float(self):
        return ops.astype(self, "float32")

    def double(self):
        return ops.astype(self, "float64")

    def zero_(self):
        """Set the data to zeros in place (outside the graph)."""
        self._data = backend.of(self._data).zeros(self.shape, self.dtype)
        return self

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

    @property
    def T(self):
        return ops.permute(self, tuple(reversed(range(self.ndim))))

    # ---- sorting, selection, special functions, products, norms, logic, copies ----
    # Thin calls into ops/special.py ... ops/memory.py and creation.py, where the
    # math and the full docstrings are.
    def sin(self):
        """sin elementwise (see ops.sin). Returns: a float Tensor of self's shape."""
        return ops.sin(self)

    def cos(self):
        """cos elementwise (see ops.cos). Returns: a float Tensor of self's shape."""
        return ops.cos(self)

    def log1p(self):
        """log(1 + x) elementwise, accurate for small x (see ops.log1p). Returns: a float Tensor of self's shape."""
        return ops.log1p(self)

    def expm1(self):
        """eˣ - 1 elementwise, accurate for small x (see ops.expm1). Returns: a float Tensor of self's shape."""
        return ops.expm1(self)

    def square(self):
        """x² elementwise (see ops.square). Returns: a Tensor of self's shape (bool becomes int64)."""
        return ops.square(self)

    def rsqrt(self):
        """1/√x elementwise (see ops.rsqrt). Returns: a float Tensor of self's shape."""
        return ops.rsqrt(self)

    def erf(self):
        """The error function elementwise (see ops.erf). Returns: a float Tensor of self's shape."""
        return ops.erf(self)

    def sign(self):
        """-1, 0 or 1 by sign, elementwise (see ops.sign). Returns: a Tensor of self's shape and dtype."""
        return ops.sign(self)

    def clamp(self, min=None, max=None):
        """self limited to [min, max] (see ops.clamp).

        Args:
            min, max: numbers, tensors broadcastable with self, or None (not both).
        Returns:
            A Tensor of the broadcast shape.
        """
        return ops.clamp(self, min, max)

    def argmax(self, dim=None, keepdim=False):
        """The index of the largest value (see ops.argmax).

        Args:
            dim: the dim to search along; None for the flattened tensor.
            keepdim: keep dim as size 1.
        Returns:
            An int64 Tensor: self's shape without dim (0-d for dim=None).
        """
        return ops.argmax(self, dim, keepdim)

    def argmin(self, dim=None, keepdim=False):
        """The index of the smallest value (see ops.argmin).

        Args:
            dim: the dim to search along; None for the flattened tensor.
            keepdim: keep dim as size 1.
        Returns:
            An int64 Tensor: self's shape without dim (0-d for dim=None).
        """
        return ops.argmin(self, dim, keepdim)

    def sort(self, dim=-1, descending=False, stable=False):
        """self sorted along dim (see ops.sort).

        Args:
            dim: the dim to sort along.
            descending: largest first.
            stable: keep ties in order (always so).
        Returns:
            (values, indices), both of self's shape.
        """
        return ops.sort(self, dim, descending, stable)

    def argsort(self, dim=-1, descending=False, stable=False):
        """The indices that sort self along dim (see ops.argsort).

        Args:
            dim: the dim to sort along.
            descending: largest first.
            stable: keep ties in order (always so).
        Returns:
            An int64 Tensor of self's shape.
        """
        return ops.argsort(self, dim, descending, stable)

    def topk(self, k, dim=-1, largest=True, sorted=True):
        """The k largest (or smallest) values along dim (see ops.topk).

        Args:
            k: how many, at most self.shape[dim].
            dim: the dim to choose along.
            largest: the largest or the smallest.
            sorted: in order (always so).
        Returns:
            (values, indices): self's shape with dim of size k.
        """
        return ops.topk(self, k, dim, largest, sorted)

    def gather(self, dim, index):
        """Values along dim at index's positions (see ops.gather).

        Args:
            dim: the dim to read along.
            index: an int64 Tensor with self's number of dims.
        Returns:
            A Tensor of index's shape.
        """
        return ops.gather(self, dim, index)

    def masked_fill(self, mask, value):
        """self with value where mask is True (see ops.masked_fill).

        Args:
            mask: a bool Tensor broadcastable with self.
            value: a number or a 0-d Tensor.
        Returns:
            A Tensor of the broadcast shape, self's dtype.
        """
        return ops.masked_fill(self, mask, value)

    def tril(self, diagonal=0):
        """The lower triangle of the last two dims, the rest 0 (see ops.tril).

        Args:
            diagonal: which diagonal bounds it (0 the main one).
        Returns:
            A Tensor (..., n, m) of self's shape.
        """
        return ops.tril(self, diagonal)

    def triu(self, diagonal=0):
        """The upper triangle of the last two dims, the rest 0 (see ops.triu).

        Args:
            diagonal: which diagonal bounds it (0 the main one).
        Returns:
            A Tensor (..., n, m) of self's shape.
        """
        return ops.triu(self, diagonal)

    def roll(self, shifts, dims=None):
        """self shifted along dims, wrapping around (see ops.roll).

        Args:
            shifts: an int or a tuple, one per dim.
            dims: an int, a tuple, or None for the flattened tensor.
        Returns:
            A Tensor of self's shape.
        """
        return ops.roll(self, shifts, dims)

    def repeat(self, *sizes):
        """self tiled sizes times along each dim (see ops.repeat).

        Args:
            sizes: ints, at least one per dim of self (extra ones lead).
        Returns:
            A Tensor (r_1 s_1, ..., r_k s_k).
        """
        return ops.repeat(self, *sizes)

    def repeat_interleave(self, repeats, dim=None):
        """Each element repeated in place (see ops.repeat_interleave).

        Args:
            repeats: an int, or an integer Tensor or list of one count per element.
            dim: the dim to repeat along; None flattens self first.
        Returns:
            A Tensor like self with dim's size multiplied (or summed counts).
        """
        return ops.repeat_interleave(self, repeats, dim)

    def prod(self, dim=None, keepdim=False, dtype=None):
        """The product of all elements, or along one dim (see ops.prod).

        Args:
            dim: an int, or None for every element.
            keepdim: keep dim as size 1.
            dtype: the dtype to multiply in.
        Returns:
            A 0-d Tensor, or self's shape without dim.
        """
        return ops.prod(self, dim, keepdim, dtype)

    def cumprod(self, dim, dtype=None):
        """Running products along dim (see ops.cumprod).

        Args:
            dim: the dim to multiply along.
            dtype: the dtype to multiply in.
        Returns:
            A Tensor of self's shape.
        """
        return ops.cumprod(self, dim, dtype)

    def norm(self, p="fro", dim=None, keepdim=False, dtype=None):
        """The p-norm over all elements or over dims (see ops.norm).

        Args:
            p: 'fro', 2, 1, inf, -inf, 0 or another number.
            dim: None, an int or a tuple of ints.
            keepdim: keep the reduced dims as size 1.
            dtype: cast self to this dtype first.
        Returns:
            A float Tensor: self's shape without the reduced dims.
        """
        return ops.norm(self, p, dim, keepdim, dtype)

    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        """The standard deviation over all elements or over dims (see ops.std).

        Args:
            dim: None, an int or a tuple of ints.
            unbiased: the older spelling of correction (True is 1, False is 0).
            keepdim: keep the reduced dims as size 1.
            correction: 1 by default (Bessel's), 0 divides by n.
        Returns:
            A float Tensor: self's shape without the reduced dims.
        """
        return ops.std(self, dim, unbiased, keepdim, correction=correction)

    def outer(self, vec2):
        """The outer product of two vectors (see ops.outer).

        Args:
            vec2: a 1-D Tensor (m,); self is (n,).
        Returns:
            A Tensor (n, m).
        """
        return ops.outer(self, vec2)

    def bmm(self, mat2):
        """The batched matrix product (see ops.bmm).

        Args:
            mat2: a Tensor (B, k, m); self is (B, n, k).
        Returns:
            A Tensor (B, n, m).
        """
        return ops.bmm(self, mat2)

    def isnan(self):
        """Where self is nan (see ops.isnan). Returns: a bool Tensor of self's shape."""
        return ops.isnan(self)

    def isfinite(self):
        """Where self is neither ±inf nor nan (see ops.isfinite). Returns: a bool Tensor of self's shape."""
        return ops.isfinite(self)

    def all(self, dim=None, keepdim=False):
        """Whether every element is nonzero, of all or over dims (see ops.all).

        Args:
            dim: None, an int or a tuple of ints.
            keepdim: keep the reduced dims as size 1.
        Returns:
            A bool Tensor: self's shape without the reduced dims.
        """
        return ops.all(self, dim, keepdim)

    def any(self, dim=None, keepdim=False):
        """Whether some element is nonzero, of all or over dims (see ops.any).

        Args:
            dim: None, an int or a tuple of ints.
            keepdim: keep the reduced dims as size 1.
        Returns:
            A bool Tensor: self's shape without the reduced dims.
        """
        return ops.any(self, dim, keepdim)

    def logical_and(self, other):
        """self AND other elementwise (see ops.logical_and).

        Args:
            other: a Tensor broadcastable with self.
        Returns:
            A bool Tensor of the broadcast shape.
        """
        return ops.logical_and(self, other)

    def logical_or(self, other):
        """self OR other elementwise (see ops.logical_or).

        Args:
            other: a Tensor broadcastable with self.
        Returns:
            A bool Tensor of the broadcast shape.
        """
        return ops.logical_or(self, other)

    def logical_not(self):
        """NOT self elementwise (see ops.logical_not). Returns: a bool Tensor of self's shape."""
        return ops.logical_not(self)

    def clone(self):
        """A copy with its own storage, in the graph (see ops.clone). Returns: a Tensor like self."""
        return ops.clone(self)

    def contiguous(self):
        """self if laid out row-major, else a row-major copy (see ops.contiguous). Returns: a Tensor like self."""
        return ops.contiguous(self)

    def multinomial(self, num_samples, replacement=False):
        """Category indices drawn in proportion to self's weights (see creation.multinomial).

        Args:
            num_samples: draws per row.
            replacement: whether a category may repeat.
        Returns:
            An int64 Tensor (num_samples,) or (R, num_samples) for self (C,) or (R, C).
        """
        return creation.multinomial(self, num_samples, replacement)


class Version:
    """The number of in-place writes to one array, shared by all its aliases."""
    __slots__ = ("value",)

    def __init__(self):
        self.value = 0


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
    """
    b = backend.get(device)
    if isinstance(data, Tensor):
        data = data.numpy()                    # a host copy
    elif backend.is_device_array(data):        # an array of a backend (CuPy, the stand-in): via the host
        data = backend.of(data).to_host(data)
    if dtype is None:
        dtype = backend.infer_dtype(data, DEFAULT_DTYPE)
    return Tensor(b.asarray(data, dtype), requires_grad=requires_grad)


def _shape(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    if not all(isinstance(s, numbers.Integral) and s >= 0 for s in shape):
        raise ValueError(f"shape must be non-negative integers, got {shape}")
    return tuple(int(s) for s in shape)


def zeros(*shape, dtype=DEFAULT_DTYPE, device=None, requires_grad=False):
    b = backend.get(device)
    return Tensor(b.zeros(_shape(shape), dtype), requires_grad=requires_grad)


def ones(*shape, dtype=DEFAULT_DTYPE, device=None, requires_grad=False):
    return full(_shape(shape), 1.0, dtype=dtype, device=device, requires_grad=requires_grad)


def full(shape, fill_value, dtype=DEFAULT_DTYPE, device=None, requires_grad=False):
    shape = _shape((shape,))
    return Tensor(backend.get(device).full(shape, fill_value, dtype), requires_grad=requires_grad)


def zeros_like(t, requires_grad=False):
    return Tensor(backend.of(t._data).zeros(t.shape, t.dtype), requires_grad=requires_grad)


def ones_like(t, requires_grad=False):
    return Tensor(backend.of(t._data).full(t.shape, 1, t.dtype), requires_grad=requires_grad)


def randn(*shape, dtype=DEFAULT_DTYPE, device=None, requires_grad=False):
    """Standard normal samples from the generator manual_seed seeds."""
    b = backend.get(device)
    return Tensor(backend.random_normal(_shape(shape), dtype, b), requires_grad=requires_grad)


def rand(*shape, dtype=DEFAULT_DTYPE, device=None, requires_grad=False):
    """Uniform samples in [0, 1) from the generator manual_seed seeds."""
    b = backend.get(device)
    return Tensor(backend.random_uniform(_shape(shape), 0.0, 1.0, dtype, b), requires_grad=requires_grad)


def arange(start, stop=None, step=1, dtype=None, device=None):
    """Evenly spaced values in [start, stop): int64 for integer arguments, else float32."""
    if stop is None:
        start, stop = 0, start
    if dtype is None:
        is_int = all(isinstance(v, numbers.Integral) for v in (start, stop, step))
        dtype = "int64" if is_int else DEFAULT_DTYPE
    return Tensor(backend.arange(start, stop, step, dtype, backend.get(device)))


# imported last: ops and autograd build on Tensor, and Tensor's methods call them
from minigrad import autograd, ops  # noqa: E402
from minigrad import creation  # noqa: E402
