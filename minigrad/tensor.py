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

import math
import numbers
import weakref

import minigrad.backend as backend

DEFAULT_DTYPE = "float32"
_NDARRAY = backend.NUMPY.xp.ndarray      # the common case, recognised by type alone


class Tensor:
    """An array with what reverse-mode autodiff needs to know about it.

    Made by the constructors (mg.tensor, mg.zeros, ...) and by every op;
    Tensor(array) wraps a backend array as it is (no copy).

    Args:
        data: an array of a minigrad backend (NumPy on "cpu", CuPy, array-api-strict).
        requires_grad (bool): whether autograd tracks it (floating point only).
        grad_fn: the graph node that made it (set by Function.apply; None for a leaf).
    """
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
        """Whether autograd tracks this tensor (settable on leaves; bool)."""
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
        """True if no op made this tensor inside the graph (grad_fn is None)."""
        return self.grad_fn is None

    @property
    def shape(self):
        """The sizes of the dims, a tuple of ints (() for a 0-d tensor)."""
        return tuple(self._data.shape)

    @property
    def ndim(self):
        """The number of dims, an int."""
        return self._data.ndim

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
        """The dtype of the array (the backend's dtype object; backend.dtype_name gives its name)."""
        return self._data.dtype

    @property
    def device(self):
        """The device string: "cpu", "cuda:0", "array_api_strict"."""
        return backend.of(self._data).name

    @property
    def xp(self):
        """The array namespace of this tensor's backend (numpy, cupy, ...)."""
        return backend.of(self._data).xp

    def numpy(self):
        """A NumPy copy on the host, detached from the graph."""
        return backend.of(self._data).to_host(self._data).copy()

    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self.numel() != 1:
            raise RuntimeError(f"item(): a Tensor with {self.numel()} elements cannot be converted to Scalar "
                               f"(shape {self.shape})")
        return self.numpy().reshape(()).item()

    def tolist(self):
        """The values as nested Python lists (a number for a 0-d tensor)."""
        return self.numpy().tolist()

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __bool__(self):
        if self.numel() != 1:
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
        """Accumulate d(self)/d(leaf) into every leaf's .grad. See autograd.backward.

        Args:
            grad: ∂L/∂self, of self's shape; None for a one-element self (then 1).
            retain_graph: keep the graph's saved tensors for another backward.
            create_graph: record the backward pass, for higher-order gradients.
        """
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
    # Each is a thin call into ops/ (where the docstring with the shapes is);
    # dims are PyTorch's `dim=`/`keepdim=`, with NumPy's `axis=`/`keepdims=` as aliases.
    def exp(self):
        """eˣ elementwise (see ops.exp). Returns: a float Tensor of self's shape."""
        return ops.exp(self)

    def log(self):
        """The natural logarithm elementwise (see ops.log). Returns: a float Tensor of self's shape."""
        return ops.log(self)

    def sqrt(self):
        """√x elementwise (see ops.sqrt). Returns: a float Tensor of self's shape."""
        return ops.sqrt(self)

    def tanh(self):
        """tanh elementwise (see ops.tanh). Returns: a float Tensor of self's shape."""
        return ops.tanh(self)

    def sigmoid(self):
        """σ(x) elementwise (see ops.sigmoid). Returns: a float Tensor of self's shape."""
        return ops.sigmoid(self)

    def relu(self):
        """max(x, 0) elementwise (see ops.relu). Returns: a Tensor of self's shape and dtype."""
        return ops.relu(self)

    def abs(self):
        """|x| elementwise (see ops.abs). Returns: a Tensor of self's shape and dtype."""
        return ops.abs(self)

    def clip(self, min=None, max=None):
        """self limited to [min, max] (see ops.clip).

        Args:
            min, max: numbers, or None for no bound on that side.
        Returns:
            A Tensor of self's shape.
        """
        return ops.clip(self, min, max)

    def sum(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """The sum over dims (see ops.sum).

        Args:
            dim: an int, a tuple of ints, or None for every dim.
            keepdim: keep the summed dims as size 1.
        Returns:
            self's shape without the summed dims.
        """
        return ops.sum(self, dim, keepdim, axis=axis, keepdims=keepdims)

    def mean(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """The mean over dims (see ops.mean).

        Args:
            dim: an int, a tuple of ints, or None for every dim.
            keepdim: keep the reduced dims as size 1.
        Returns:
            A float Tensor: self's shape without the reduced dims.
        """
        return ops.mean(self, dim, keepdim, axis=axis, keepdims=keepdims)

    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None):
        """The variance over dims, Σ (x - mean)² / (n - correction) (see ops.var).

        Args:
            dim: an int, a tuple of ints, or None for every dim.
            unbiased: the older spelling of correction (True is 1, False is 0).
            keepdim: keep the reduced dims as size 1.
            correction: 1 by default (Bessel's), 0 divides by n.
        Returns:
            A float Tensor: self's shape without the reduced dims.
        """
        return ops.var(self, dim, unbiased, keepdim, correction=correction, axis=axis, keepdims=keepdims)

    def max(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """The largest element; with dim, (values, indices) along it; with a
        Tensor, the elementwise maximum (see ops.max).

        Args:
            dim: None, an int, or a Tensor.
            keepdim: keep the reduced dim as size 1.
        Returns:
            A 0-d Tensor, a max_result(values, indices), or a Tensor.
        """
        return ops.max(self, dim, keepdim, axis=axis, keepdims=keepdims)

    def min(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """The smallest element; with dim, (values, indices) along it; with a
        Tensor, the elementwise minimum (see ops.min).

        Args:
            dim: None, an int, or a Tensor.
            keepdim: keep the reduced dim as size 1.
        Returns:
            A 0-d Tensor, a min_result(values, indices), or a Tensor.
        """
        return ops.min(self, dim, keepdim, axis=axis, keepdims=keepdims)

    def amax(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """The largest values over dims, the gradient shared among ties (see ops.amax).

        Args:
            dim: an int, a tuple of ints, or None for every dim.
            keepdim: keep the reduced dims as size 1.
        Returns:
            self's shape without the reduced dims.
        """
        return ops.amax(self, dim, keepdim, axis=axis, keepdims=keepdims)

    def amin(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """The smallest values over dims, the gradient shared among ties (see ops.amin).

        Args:
            dim: an int, a tuple of ints, or None for every dim.
            keepdim: keep the reduced dims as size 1.
        Returns:
            self's shape without the reduced dims.
        """
        return ops.amin(self, dim, keepdim, axis=axis, keepdims=keepdims)

    def logsumexp(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """log Σ exp(x) over dims, stably (see ops.logsumexp).

        Args:
            dim: an int, a tuple of ints, or None for every dim.
            keepdim: keep the reduced dims as size 1.
        Returns:
            A float Tensor: self's shape without the reduced dims.
        """
        return ops.logsumexp(self, dim, keepdim, axis=axis, keepdims=keepdims)

    def softmax(self, dim=-1, *, axis=None):
        """exp(x) / Σ exp(x) along dim (see ops.softmax).

        Args:
            dim: the dim to normalise over.
        Returns:
            A float Tensor of self's shape.
        """
        return ops.softmax(self, dim, axis=axis)

    def log_softmax(self, dim=-1, *, axis=None):
        """log softmax along dim, computed as (x - m) - log Σ exp(x - m) (see ops.log_softmax).

        Args:
            dim: the dim to normalise over.
        Returns:
            A float Tensor of self's shape.
        """
        return ops.log_softmax(self, dim, axis=axis)

    def cumsum(self, dim=None, *, axis=None):
        """Running sums along dim (see ops.cumsum).

        Args:
            dim: the dim to sum along (required).
        Returns:
            A Tensor of self's shape.
        """
        return ops.cumsum(self, dim, axis=axis)

    def flip(self, *dims, axis=None):
        """self reversed along dims (see ops.flip).

        Args:
            *dims: ints, or one tuple of them.
        Returns:
            A Tensor of self's shape.
        """
        return ops.flip(self, _shape_arg(dims) if dims else None, axis=axis)

    def reshape(self, *shape):
        """self with a new shape of as many elements; one size may be -1 (see ops.reshape).

        Args:
            *shape: ints, or one tuple of them.
        Returns:
            A Tensor of that shape.
        """
        return ops.reshape(self, _shape_arg(shape))

    def view(self, *shape):
        """The same as reshape (minigrad has no strides, so a view never fails).

        Args:
            *shape: ints, or one tuple of them; one may be -1.
        Returns:
            A Tensor of that shape.
        """
        return ops.reshape(self, _shape_arg(shape))

    def flatten(self, start_dim=0, end_dim=-1):
        """self with dims start_dim..end_dim merged into one (see ops.flatten).

        Args:
            start_dim, end_dim: the first and last dims to merge.
        Returns:
            A Tensor with the same elements.
        """
        return ops.flatten(self, start_dim, end_dim)

    def permute(self, *dims):
        """self with its dims reordered (see ops.permute).

        Args:
            *dims: a permutation of range(self.dim()), as ints or one tuple.
        Returns:
            A Tensor with dim i of size self.shape[dims[i]].
        """
        return ops.permute(self, _shape_arg(dims))

    def transpose(self, dim0=-2, dim1=-1):
        """self with dims dim0 and dim1 swapped (see ops.transpose).

        Args:
            dim0, dim1: the dims to swap.
        Returns:
            A Tensor with those dims exchanged.
        """
        return ops.transpose(self, dim0, dim1)

    def t(self):
        """The transpose of a matrix (a 0-d or 1-d tensor is returned as it is).

        Returns:
            (n, m) for self (m, n).
        """
        if self.ndim > 2:
            raise RuntimeError(f"t: expects a tensor with at most 2 dims, got {self.ndim} (shape {self.shape}); "
                               "use transpose or mT")
        return ops.transpose(self, 0, -1)

    # ---- in-place ops: written into this tensor's own array (ops/inplace.py) ----
    # Under no_grad they write into this tensor's array, seen by every alias;
    # with autograd recording they are recorded, so gradients flow through them.
    # Each returns self (item assignment returns nothing, as in Python).
    def __iadd__(self, other): return ops.add_(self, other)
    def __isub__(self, other): return ops.sub_(self, other)
    def __imul__(self, other): return ops.mul_(self, other)
    def __itruediv__(self, other): return ops.div_(self, other)

    def __setitem__(self, index, value):
        """self[index] = value, in place. Args: index as for self[index]; value a
        number or a Tensor broadcastable to self[index]'s shape. See ops.setitem."""
        ops.setitem(self, index, value)

    def add_(self, other, alpha=1):
        """self += alpha * other, in place. Args: other (Tensor or number, broadcastable
        to self's shape), alpha (number). Returns: self."""
        return ops.add_(self, other, alpha)

    def sub_(self, other, alpha=1):
        """self -= alpha * other, in place. Args: other (Tensor or number, broadcastable
        to self's shape), alpha (number). Returns: self."""
        return ops.sub_(self, other, alpha)

    def mul_(self, other):
        """self *= other, in place. Args: other (Tensor or number, broadcastable to
        self's shape). Returns: self."""
        return ops.mul_(self, other)

    def div_(self, other):
        """self /= other, in place (floating-point self only). Args: other (Tensor or
        number, broadcastable to self's shape). Returns: self."""
        return ops.div_(self, other)

    def clamp_(self, min=None, max=None):
        """self clipped to [min, max], in place. Args: min, max (numbers; one may be
        None). Returns: self."""
        return ops.clamp_(self, min, max)

    def fill_(self, value):
        """Every element set to value, in place. Args: value (number or 0-d Tensor).
        Returns: self."""
        return ops.fill_(self, value)

    def zero_(self):
        """Every element set to 0, in place. Returns: self."""
        return ops.zero_(self)

    def copy_(self, src):
        """src's values copied in, in place. Args: src (Tensor broadcastable to
        self's shape; cast to self's dtype, moved to self's device). Returns: self."""
        return ops.copy_(self, src)

    @property
    def T(self):
        """self with all its dims reversed: (n, m) for (m, n)."""
        return ops.permute(self, tuple(reversed(range(self.ndim))))

    @property
    def mT(self):
        """self with its last two dims swapped: (..., n, m) for (..., m, n)."""
        if self.ndim < 2:
            raise RuntimeError(f"mT: expects a tensor with at least 2 dims, got {self.ndim}")
        return ops.transpose(self, -2, -1)

    def expand(self, *sizes):
        """self broadcast to a larger shape; -1 keeps a dim's size (see ops.expand).

        Args:
            *sizes: the new shape, as ints or one tuple.
        Returns:
            A Tensor of that shape.
        """
        return ops.expand(self, *sizes)

    def broadcast_to(self, shape):
        """self broadcast to `shape` (see ops.broadcast_to).

        Args:
            shape: a tuple of ints that self's shape broadcasts to.
        Returns:
            A Tensor of that shape.
        """
        return ops.broadcast_to(self, shape)

    def squeeze(self, dim=None, *, axis=None):
        """self without size-1 dims: all, or those of dim that have size 1 (see ops.squeeze).

        Args:
            dim: an int, a tuple of ints, or None.
        Returns:
            A Tensor with the same elements.
        """
        return ops.squeeze(self, dim, axis=axis)

    def unsqueeze(self, dim=None, *, axis=None):
        """self with a new size-1 dim at dim (see ops.unsqueeze).

        Args:
            dim: where the new dim goes, in [-n-1, n].
        Returns:
            A Tensor of one more dim.
        """
        return ops.unsqueeze(self, dim, axis=axis)

    def split(self, split_size_or_sections, dim=0, *, axis=None):
        """Pieces along dim, of one size or of the given sizes (see ops.split).

        Args:
            split_size_or_sections: an int or a list of ints.
            dim: the dim to split along.
        Returns:
            A tuple of Tensors.
        """
        return ops.split(self, split_size_or_sections, dim, axis=axis)

    def chunk(self, chunks, dim=0, *, axis=None):
        """`chunks` pieces of equal size along dim (see ops.chunk).

        Args:
            chunks: a positive int.
            dim: the dim to split along.
        Returns:
            A tuple of Tensors.
        """
        return ops.chunk(self, chunks, dim, axis=axis)

    def unbind(self, dim=0, *, axis=None):
        """The slices along dim, that dim removed (see ops.unbind).

        Args:
            dim: the dim to unbind.
        Returns:
            A tuple of self.shape[dim] Tensors.
        """
        return ops.unbind(self, dim, axis=axis)

    # ---- size, dtype and device, as PyTorch spells them ---------------------
    def size(self, dim=None):
        """The shape, or the size of one dim.

        Args:
            dim: None, or an int in [-n, n - 1].
        Returns:
            The shape as a tuple of ints, or one int.
        """
        if dim is None:
            return self.shape
        if isinstance(dim, bool) or not isinstance(dim, numbers.Integral):
            raise TypeError(f"size: dim must be an int, got {type(dim).__name__}")
        if not -self.ndim <= dim < self.ndim:
            raise IndexError(f"size: dim {dim} is out of range for a tensor of {self.ndim} dims")
        return self._data.shape[dim]

    def dim(self):
        """The number of dims (as .ndim). Returns: an int."""
        return self._data.ndim

    def numel(self):
        """The number of elements. Returns: an int (1 for a 0-d tensor)."""
        return math.prod(self._data.shape)

    def to(self, *args, dtype=None, device=None):
        """self with another dtype and/or on another device, as torch.Tensor.to:
        to(dtype), to(device), to(device, dtype), to(other) (other's dtype and
        device), to(dtype=..., device=...). Differentiable: the gradient comes
        back in self's dtype and on self's device. Returns self when nothing changes.

        Args:
            *args: dtypes ("float64", mg.float64, np.float64), device strings
                ("cpu", "cuda", "array_api_strict"), or a Tensor.
            dtype, device: the same, by keyword.
        Returns:
            A Tensor of self's shape.
        """
        for a in args:
            if isinstance(a, Tensor):
                dtype, device = a.dtype, a.device
            elif backend.is_dtype(a):
                dtype = a
            elif isinstance(a, str):
                device = a
            else:
                raise TypeError(f"Tensor.to: expected a dtype, a device string or a Tensor, "
                                f"got {type(a).__name__} {a!r}")
        if dtype is not None and not backend.is_dtype(dtype):
            raise TypeError(f"Tensor.to: unsupported dtype {dtype!r}")
        t = self
        if device is not None:
            try:
                backend.get(device)
            except (TypeError, ValueError, RuntimeError) as e:
                raise type(e)(f"Tensor.to: {e}") from None
            t = ops.to_device(t, device)
        if dtype is not None and backend.dtype_name(dtype) != backend.dtype_name(t.dtype):
            t = ops.astype(t, dtype)
        return t

    def cpu(self):
        """self on the CPU (itself if it is there). Returns: a Tensor."""
        return self.to("cpu")

    def astype(self, dtype):
        """self as another dtype (NumPy's name for to(dtype)). Returns: a Tensor."""
        return ops.astype(self, dtype)

    def type_as(self, other):
        """self with other's dtype. Args: other, a Tensor. Returns: a Tensor."""
        if not isinstance(other, Tensor):
            raise TypeError(f"type_as: expected a Tensor, got {type(other).__name__}")
        return self.to(other.dtype)

    def float(self):
        """self as float32. Returns: a Tensor."""
        return self.to("float32")

    def double(self):
        """self as float64. Returns: a Tensor."""
        return self.to("float64")

    def long(self):
        """self as int64 (outside the graph: integers carry no gradient). Returns: a Tensor."""
        return self.to("int64")

    def int(self):
        """self as int32 (outside the graph). Returns: a Tensor."""
        return self.to("int32")

    def bool(self):
        """self as bool (outside the graph). Returns: a Tensor."""
        return self.to("bool")

    # ---- handing the values to other libraries and to format() -------------
    def __format__(self, spec):
        """format(t, ".3f") and f"{t:.3f}" for a 0-d tensor, as for its number."""
        if self.ndim == 0:
            return format(self.item(), spec)
        if not spec:
            return str(self)
        raise TypeError(f"Tensor.__format__: the format spec {spec!r} needs a 0-d tensor, "
                        f"got shape {self.shape}; use .item() or index an element")

    def __dlpack__(self, *, stream=None, **kwargs):
        """The DLPack capsule of the array, so np.from_dlpack(t) and
        torch.from_dlpack(t) share its memory (as PyTorch, only without grad)."""
        if self.requires_grad:
            raise RuntimeError("__dlpack__: cannot export a tensor that requires grad; use .detach() first")
        return self._data.__dlpack__(stream=stream, **kwargs)

    def __dlpack_device__(self):
        """(device type, device id) of the array, for DLPack."""
        return self._data.__dlpack_device__()

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

    def argmax(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """The index of the largest value (see ops.argmax).

        Args:
            dim: the dim to search along; None for the flattened tensor.
            keepdim: keep dim as size 1.
            axis, keepdims: NumPy's names for dim and keepdim.
        Returns:
            An int64 Tensor: self's shape without dim (0-d for dim=None).
        """
        return ops.argmax(self, dim, keepdim, axis=axis, keepdims=keepdims)

    def argmin(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """The index of the smallest value (see ops.argmin).

        Args:
            dim: the dim to search along; None for the flattened tensor.
            keepdim: keep dim as size 1.
            axis, keepdims: NumPy's names for dim and keepdim.
        Returns:
            An int64 Tensor: self's shape without dim (0-d for dim=None).
        """
        return ops.argmin(self, dim, keepdim, axis=axis, keepdims=keepdims)

    def sort(self, dim=-1, descending=False, stable=False, *, axis=None):
        """self sorted along dim (see ops.sort).

        Args:
            dim: the dim to sort along.
            descending: largest first.
            stable: keep ties in order (always so).
        Returns:
            (values, indices), both of self's shape.
        """
        return ops.sort(self, dim, descending, stable, axis=axis)

    def argsort(self, dim=-1, descending=False, stable=False, *, axis=None):
        """The indices that sort self along dim (see ops.argsort).

        Args:
            dim: the dim to sort along.
            descending: largest first.
            stable: keep ties in order (always so).
        Returns:
            An int64 Tensor of self's shape.
        """
        return ops.argsort(self, dim, descending, stable, axis=axis)

    def topk(self, k, dim=-1, largest=True, sorted=True, *, axis=None):
        """The k largest (or smallest) values along dim (see ops.topk).

        Args:
            k: how many, at most self.shape[dim].
            dim: the dim to choose along.
            largest: the largest or the smallest.
            sorted: in order (always so).
        Returns:
            (values, indices): self's shape with dim of size k.
        """
        return ops.topk(self, k, dim, largest, sorted, axis=axis)

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

    def prod(self, dim=None, keepdim=False, dtype=None, *, axis=None, keepdims=None):
        """The product of all elements, or along one dim (see ops.prod).

        Args:
            dim: an int, or None for every element.
            keepdim: keep dim as size 1.
            dtype: the dtype to multiply in.
        Returns:
            A 0-d Tensor, or self's shape without dim.
        """
        return ops.prod(self, dim, keepdim, dtype, axis=axis, keepdims=keepdims)

    def cumprod(self, dim=None, dtype=None, *, axis=None):
        """Running products along dim (see ops.cumprod).

        Args:
            dim: the dim to multiply along.
            dtype: the dtype to multiply in.
        Returns:
            A Tensor of self's shape.
        """
        return ops.cumprod(self, dim, dtype, axis=axis)

    def norm(self, p="fro", dim=None, keepdim=False, dtype=None, *, axis=None, keepdims=None):
        """The p-norm over all elements or over dims (see ops.norm).

        Args:
            p: 'fro', 2, 1, inf, -inf, 0 or another number.
            dim: None, an int or a tuple of ints.
            keepdim: keep the reduced dims as size 1.
            dtype: cast self to this dtype first.
            axis, keepdims: NumPy's names for dim and keepdim.
        Returns:
            A float Tensor: self's shape without the reduced dims.
        """
        return ops.norm(self, p, dim, keepdim, dtype, axis=axis, keepdims=keepdims)

    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None):
        """The standard deviation over all elements or over dims (see ops.std).

        Args:
            dim: None, an int or a tuple of ints.
            unbiased: the older spelling of correction (True is 1, False is 0).
            keepdim: keep the reduced dims as size 1.
            correction: 1 by default (Bessel's), 0 divides by n.
            axis, keepdims: NumPy's names for dim and keepdim.
        Returns:
            A float Tensor: self's shape without the reduced dims.
        """
        return ops.std(self, dim, unbiased, keepdim, correction=correction, axis=axis, keepdims=keepdims)

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

    def all(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """Whether every element is nonzero, of all or over dims (see ops.all).

        Args:
            dim: None, an int or a tuple of ints.
            keepdim: keep the reduced dims as size 1.
            axis, keepdims: NumPy's names for dim and keepdim.
        Returns:
            A bool Tensor: self's shape without the reduced dims.
        """
        return ops.all(self, dim, keepdim, axis=axis, keepdims=keepdims)

    def any(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """Whether some element is nonzero, of all or over dims (see ops.any).

        Args:
            dim: None, an int or a tuple of ints.
            keepdim: keep the reduced dims as size 1.
            axis, keepdims: NumPy's names for dim and keepdim.
        Returns:
            A bool Tensor: self's shape without the reduced dims.
        """
        return ops.any(self, dim, keepdim, axis=axis, keepdims=keepdims)

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
    a NumPy array keeps its dtype unless `dtype` is given. An array of another
    library (a torch.Tensor) is read through __dlpack__ or __array__, its
    dtype kept, without minigrad importing that library.

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
    elif backend.is_foreign_array(data):       # a torch.Tensor and the like: read through __dlpack__ / __array__
        data = backend.foreign_to_host(data)
    with _named("tensor()"):
        if dtype is None:
            dtype = backend.infer_dtype(data, DEFAULT_DTYPE)
        array = b.asarray(data, dtype)
    if requires_grad and not backend.is_float(array.dtype):
        raise RuntimeError(f"tensor(): only Tensors of floating point dtype can require gradients, "
                           f"got dtype {backend.dtype_name(array.dtype)}")
    return Tensor(array, requires_grad=requires_grad)


def from_numpy(ndarray):
    """A tensor that shares the memory of a NumPy array, as torch.from_numpy:
    writes to the array show in the tensor and the other way round.

    Args:
        ndarray: a numpy.ndarray of a dtype minigrad has (bool, ints, float32, float64)
    Returns:
        a leaf Tensor on "cpu" with the array's shape and dtype
    """
    if not backend.is_host_array(ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {backend.type_name(ndarray)}")
    if backend.dtype_name(ndarray.dtype) not in backend._DTYPE_NAMES:
        raise TypeError(f"from_numpy: can't convert an array of dtype {ndarray.dtype}; the supported dtypes are "
                        f"{', '.join(backend._DTYPE_NAMES)}")
    return Tensor(ndarray)


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
            raise RuntimeError(f"{op}(): trying to create tensor with negative dimension {s}: {shape}")
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
    """Zeros of t's shape, dtype and device.

    Args:
        t: a Tensor.
        requires_grad: whether the new tensor is a leaf that records (floating point only).
    Returns:
        A new Tensor of t's shape, dtype and device.
    """
    _check_tensor(t, "zeros_like")
    return _made("zeros_like", lambda: backend.of(t._data).zeros(t.shape, t.dtype), requires_grad)


def ones_like(t, requires_grad=False):
    """Ones of t's shape, dtype and device.

    Args:
        t: a Tensor.
        requires_grad: whether the new tensor is a leaf that records (floating point only).
    Returns:
        A new Tensor of t's shape, dtype and device.
    """
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
        raise RuntimeError("arange(): step must be nonzero")
    if (stop - start) * step < 0:
        raise RuntimeError(f"arange(): upper bound and larger bound inconsistent with step sign "
                           f"(start {start}, end {stop}, step {step})")
    if dtype is None:
        is_int = all(isinstance(v, numbers.Integral) for v in (start, stop, step))
        dtype = "int64" if is_int else DEFAULT_DTYPE
    b = _backend_for(device, "arange")
    with _named("arange()"):
        return Tensor(backend.arange(start, stop, step, dtype, b))


# imported last: ops and autograd build on Tensor, and Tensor's methods call them
from minigrad import autograd, ops  # noqa: E402
from minigrad import creation  # noqa: E402
