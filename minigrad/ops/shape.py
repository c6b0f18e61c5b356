"""Shape ops: reshape, permute, concatenation and its inverses, flip, cumsum.

Each backward undoes its forward's rearrangement: reshape back, the inverse
permutation, split what was concatenated, stack what was unbound.
"""

import builtins
import math
import numbers

from minigrad import backend
from minigrad.autograd import Function
from minigrad.tensor import Tensor
from minigrad.ops.broadcast import broadcast_to
from minigrad.ops.operands import (
    _as_dtype, _check_dim, _dim_arg, _normalize_axis, _one_axis, _operand, _tensor_arg, _xp, result_type
)


# ---- shape ------------------------------------------------------------------

# y = x with a new shape;   dx = g with the old shape
class Reshape(Function):
    @staticmethod
    def forward(ctx, x, shape):
        ctx.x_shape = tuple(x.shape)
        return _xp(x).reshape(x, shape)

    @staticmethod
    def backward(ctx, g):
        return reshape(g, ctx.x_shape), None


def reshape(x, shape):
    """x with a new shape of the same number of elements; one size may be -1,
    inferred from the others.

    Args:
        x: a Tensor, any shape.
        shape: a tuple of ints.
    Returns:
        A Tensor of that shape with x's elements in order.
    """
    shape = tuple(shape)
    if x.shape == shape and all(type(s) is int for s in shape):
        return x
    return Reshape.apply(x, _infer_shape(shape, x, "reshape"))


def _infer_shape(shape, x, op):
    """shape with its -1 (if any) filled in, or a RuntimeError as PyTorch's."""
    n = math.prod(x.shape)
    known = 1
    for s in shape:
        if isinstance(s, bool) or not isinstance(s, numbers.Integral):
            raise TypeError(f"{op}: sizes must be integers, got {type(s).__name__} {s!r} in {shape}")
        if s < -1:
            raise RuntimeError(f"{op}: invalid size {s} in shape {shape}")
        if s != -1:
            known *= s
    if shape.count(-1) > 1:
        raise RuntimeError(f"{op}: only one size can be -1, got shape {shape}")
    if -1 in shape:
        if known == 0 or n % known:
            raise RuntimeError(f"{op}: shape {shape} is invalid for a tensor of {n} elements")
        shape = tuple(n // known if s == -1 else int(s) for s in shape)
    elif known != n:
        raise RuntimeError(f"{op}: shape {shape} is invalid for a tensor of {n} elements (shape {x.shape})")
    return shape


# y = x with axes permuted;   dx = g with the inverse permutation
class Permute(Function):
    @staticmethod
    def forward(ctx, x, axes):
        ctx.axes = axes
        return _xp(x).permute_dims(x, axes)

    @staticmethod
    def backward(ctx, g):
        inverse = [0] * len(ctx.axes)
        for i, a in enumerate(ctx.axes):
            inverse[a] = i
        return permute(g, tuple(inverse)), None


def permute(x, dims):
    """x with its dims reordered: dim i of the result is dim dims[i] of x.

    Args:
        x: a Tensor of n dims.
        dims: a permutation of range(n); negative dims count from the end.
    Returns:
        A Tensor of shape (x.shape[dims[0]], ..., x.shape[dims[n-1]]).
    """
    _tensor_arg(x, "permute")
    if isinstance(dims, numbers.Integral) or not isinstance(dims, (tuple, list)):
        raise TypeError(f"permute: dims must be a tuple of ints, got {type(dims).__name__} {dims!r}")
    if len(dims) != x.ndim:
        raise RuntimeError(f"permute: got {len(dims)} dims {tuple(dims)} for a tensor of {x.ndim} dims "
                           f"(shape {x.shape})")
    axes = tuple(_check_dim(d, x.ndim, "permute") for d in dims) if x.ndim else ()
    if len(set(axes)) != len(axes):
        raise RuntimeError(f"permute: dims {tuple(dims)} repeat a dim")
    return Permute.apply(x, axes)


def transpose(x, dim0=-2, dim1=-1):
    """x with two dims swapped.

    Args:
        x: a Tensor of at least 2 dims (0-d and 1-d with dims 0 and -1 are returned as they are).
        dim0, dim1: the dims to swap.
    Returns:
        A Tensor with dims dim0 and dim1 exchanged.
    """
    _tensor_arg(x, "transpose")
    a, b = _check_dim(dim0, x.ndim, "transpose"), _check_dim(dim1, x.ndim, "transpose")
    if x.ndim < 2:
        return x
    axes = list(range(x.ndim))
    axes[a], axes[b] = axes[b], axes[a]
    return Permute.apply(x, tuple(axes))


# y = concat(xs, axis);   dx_i = the slice of g where x_i sits (one split)
class Concat(Function):
    @staticmethod
    def forward(ctx, axis, *xs):
        ctx.axis, ctx.sizes = axis, [x.shape[axis] for x in xs]
        return _xp(xs[0]).concat(xs, axis=axis)

    @staticmethod
    def backward(ctx, g):
        grads = split(g, ctx.sizes, ctx.axis)
        return (None,) + tuple(gi if need else None for gi, need in zip(grads, ctx.needs_input_grad[1:]))


def _tensor_list(tensors, op):
    """The tensors of cat/stack: a list or tuple of Tensors, promoted to one dtype."""
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{op}: expected a list or tuple of Tensors, got {type(tensors).__name__}")
    if not tensors:
        raise ValueError(f"{op}: expected a non-empty list of Tensors")
    for t in tensors:
        if not isinstance(t, (Tensor, list)) and not hasattr(t, "shape"):
            raise TypeError(f"{op}: expected a list of Tensors, got an element of type {type(t).__name__}")
    tensors = [_operand(t) for t in tensors]
    dtype = result_type(*tensors)
    return [_as_dtype(t, dtype) for t in tensors]


def concatenate(tensors, dim=0, *, axis=None):
    """The tensors joined along an existing dim (cat), promoted to one dtype.

    Args:
        tensors: a list of Tensors of one shape except along dim.
        dim: the dim to join along (`axis` is an alias).
    Returns:
        A Tensor whose size along dim is the sum of theirs.
    """
    tensors = _tensor_list(tensors, "cat")
    axis = _one_axis(_dim_arg(dim, axis, "cat", 0), tensors[0].ndim, "cat")
    first = tensors[0].shape
    for t in tensors[1:]:
        if t.ndim != len(first):
            raise RuntimeError(f"cat: all tensors must have {len(first)} dims, got shapes {first} and {t.shape}")
        for d, (a, b) in enumerate(zip(first, t.shape)):
            if d != axis and a != b:
                raise RuntimeError(f"cat: sizes must match except in dim {axis}: got size {a} and size {b} "
                                   f"in dim {d}, shapes {first} and {t.shape}")
    return Concat.apply(axis, *tensors)


cat = concatenate


# y_1, …, y_k = the pieces of x along axis;   dx = concat(g_1, …, g_k)
# One op with k outputs: backward gets one gradient per piece (None for a piece
# no gradient reached, which contributes zeros) and makes dx in one concat.
class Split(Function):
    @staticmethod
    def forward(ctx, x, sizes, axis):
        ctx.x_shape, ctx.sizes, ctx.axis = tuple(x.shape), sizes, axis
        pieces, start = [], 0
        for size in sizes:
            pieces.append(x[(slice(None),) * axis + (slice(start, start + size), Ellipsis)])
            start += size
        return tuple(pieces)

    @staticmethod
    def backward(ctx, *grads):
        shape = ctx.x_shape
        piece_shapes = [shape[:ctx.axis] + (size,) + shape[ctx.axis + 1:] for size in ctx.sizes]
        return concatenate(_zeros_for_missing(grads, piece_shapes), ctx.axis), None, None


# y_t = x[t] along axis, for every t;   dx = stack(g_0, …, g_{T-1}) along axis
# One op with T outputs, split's sibling for slices of size 1 with the axis
# dropped: a sequence's T time steps, whose gradients meet in one stack.
class Unbind(Function):
    @staticmethod
    def forward(ctx, x, axis):
        ctx.axis = axis
        ctx.slice_shape = tuple(x.shape[:axis] + x.shape[axis + 1:])
        return tuple(x[(slice(None),) * axis + (t, Ellipsis)] for t in range(x.shape[axis]))

    @staticmethod
    def backward(ctx, *grads):
        return stack(_zeros_for_missing(grads, [ctx.slice_shape] * len(grads)), ctx.axis), None


def _zeros_for_missing(grads, shapes):
    """The gradients of a multi-output op's outputs, with zeros (of each
    output's shape) where no gradient arrived (None)."""
    some = next(g for g in grads if g is not None)      # the node ran, so one did
    return [Tensor(backend.of(some._data).zeros(shape, some.dtype)) if g is None else g
            for g, shape in zip(grads, shapes)]


# y = stack(xs, axis): the xs along a new axis;   dx_t = g[t] along that axis (unbind)
class Stack(Function):
    @staticmethod
    def forward(ctx, axis, *xs):
        ctx.axis = axis
        return _xp(xs[0]).stack(xs, axis=axis)

    @staticmethod
    def backward(ctx, g):
        grads = unbind(g, ctx.axis)
        return (None,) + tuple(gi if need else None for gi, need in zip(grads, ctx.needs_input_grad[1:]))


def split(x, split_size_or_sections, dim=0, *, axis=None):
    """Pieces of x along dim: of split_size each (the last may be smaller), or
    of the given sizes.

    Args:
        x: a Tensor of at least 1 dim.
        split_size_or_sections: an int, the size of each piece, or a list of sizes adding up to x.shape[dim].
        dim: the dim to split along (`axis` is an alias).
    Returns:
        A tuple of Tensors (an empty tuple for an empty dim split by size).
    """
    _tensor_arg(x, "split")
    axis = _one_axis(_dim_arg(dim, axis, "split", 0), x.ndim, "split")
    n = x.shape[axis]
    size_or_sizes = split_size_or_sections
    if isinstance(size_or_sizes, numbers.Integral) and not isinstance(size_or_sizes, bool):
        if size_or_sizes <= 0:
            raise RuntimeError(f"split: the piece size must be positive, got {size_or_sizes}")
        sizes = [builtins.min(size_or_sizes, n - s) for s in range(0, n, size_or_sizes)]
    elif isinstance(size_or_sizes, (list, tuple)):
        if not all(isinstance(s, numbers.Integral) and not isinstance(s, bool) for s in size_or_sizes):
            raise TypeError(f"split: sizes must be integers, got {size_or_sizes!r}")
        sizes = [int(s) for s in size_or_sizes]
        if builtins.min(sizes, default=0) < 0:
            raise RuntimeError(f"split: sizes {sizes} must be non-negative")
        if builtins.sum(sizes) != n:
            raise RuntimeError(f"split: sizes {sizes} do not add up to {n}, the length of dim {axis} "
                               f"of shape {x.shape}")
    else:
        raise TypeError(f"split: split_size_or_sections must be an int or a list of ints, "
                        f"got {type(size_or_sizes).__name__}")
    if not sizes:                                       # an empty dim has no pieces
        return ()
    return Split.apply(x, tuple(sizes), axis)


def chunk(x, chunks, dim=0, *, axis=None):
    """`chunks` pieces of equal size along dim (the last may be smaller; fewer if they run out).

    Args:
        x: a Tensor of at least 1 dim.
        chunks: a positive int.
        dim: the dim to split along (`axis` is an alias).
    Returns:
        A tuple of Tensors.
    """
    _tensor_arg(x, "chunk")
    if isinstance(chunks, bool) or not isinstance(chunks, numbers.Integral):
        raise TypeError(f"chunk: chunks must be an int, got {type(chunks).__name__}")
    if chunks <= 0:
        raise RuntimeError(f"chunk: the number of chunks must be positive, got {chunks}")
    axis = _dim_arg(dim, axis, "chunk", 0)
    n = x.shape[_one_axis(axis, x.ndim, "chunk")]
    return split(x, builtins.max(-(-n // chunks), 1), axis)


def unbind(x, dim=0, *, axis=None):
    """The slices of x along dim, that dim removed: x (T, B, H) -> T tensors (B, H).
    One op, however long T is.

    Args:
        x: a Tensor of at least 1 dim.
        dim: the dim to unbind (`axis` is an alias).
    Returns:
        A tuple of x.shape[dim] Tensors.
    """
    _tensor_arg(x, "unbind")
    axis = _one_axis(_dim_arg(dim, axis, "unbind", 0), x.ndim, "unbind")
    if x.shape[axis] == 0:
        return ()
    return Unbind.apply(x, axis)


def stack(tensors, dim=0, *, axis=None):
    """The tensors, all of one shape, along a new dim, promoted to one dtype.

    Args:
        tensors: a list of Tensors of one shape S (n dims).
        dim: where the new dim goes, in [-n-1, n] (`axis` is an alias).
    Returns:
        A Tensor of shape S with len(tensors) inserted at dim.
    """
    tensors = _tensor_list(tensors, "stack")
    shapes = {t.shape for t in tensors}
    if len(shapes) > 1:
        raise RuntimeError(f"stack: all tensors must have one shape, got {sorted(shapes)}")
    axis = _check_dim(_dim_arg(dim, axis, "stack", 0), tensors[0].ndim + 1, "stack")
    return Stack.apply(axis, *tensors)


# y_i = Σ_{j ≤ i} x_j along axis;   dx_j = Σ_{i ≥ j} g_i = flip(cumsum(flip(g)))
class Cumsum(Function):
    @staticmethod
    def forward(ctx, x, axis):
        ctx.axis = axis
        return _xp(x).cumulative_sum(x, axis=axis)

    @staticmethod
    def backward(ctx, g):
        return flip(cumsum(flip(g, ctx.axis), ctx.axis), ctx.axis), None


def cumsum(x, dim=None, *, axis=None):
    """Running sums along dim: y_i = Σ_{j ≤ i} x_j.

    Args:
        x: a Tensor, any shape (a 0-d tensor is its own sum).
        dim: the dim to sum along (`axis` is an alias); required.
    Returns:
        A Tensor of x's shape; integer and bool tensors give int64, as in PyTorch.
    """
    _tensor_arg(x, "cumsum")
    dim = _dim_arg(dim, axis, "cumsum")
    if dim is None:
        raise TypeError("cumsum: missing the argument 'dim'")
    d = _check_dim(dim, x.ndim, "cumsum")
    if not backend.is_float(x.dtype) and backend.dtype_name(x.dtype) != "int64":
        x = x.astype("int64")
    if x.ndim == 0:
        return x + 0
    return Cumsum.apply(x, d)


# y = x reversed along dims;   dx = g reversed along them
class Flip(Function):
    @staticmethod
    def forward(ctx, x, axis):
        ctx.axis = axis
        return _xp(x).flip(x, axis=axis)

    @staticmethod
    def backward(ctx, g):
        return flip(g, ctx.axis), None


def flip(x, dims=None, *, axis=None):
    """x reversed along dims.

    Args:
        x: a Tensor, any shape.
        dims: an int or a tuple of ints (`axis` is an alias); None reverses every dim.
    Returns:
        A Tensor of x's shape.
    """
    _tensor_arg(x, "flip")
    return Flip.apply(x, _normalize_axis(_dim_arg(dims, axis, "flip"), x.ndim, "flip"))


def expand(x, *sizes):
    """x broadcast to a larger shape without copying; -1 keeps a dim's size,
    new dims may be added in front (as torch.Tensor.expand).

    Args:
        x: a Tensor, any shape.
        *sizes: the new shape, as ints or one tuple; its last x.ndim sizes
            must equal x's or be -1 where x has a size other than 1.
    Returns:
        A Tensor of the new shape (its gradient sums back to x's shape).
    """
    sizes = tuple(sizes[0]) if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)) else tuple(sizes)
    _tensor_arg(x, "expand")
    if len(sizes) < x.ndim:
        raise RuntimeError(f"expand: the number of sizes ({len(sizes)}) must be at least the tensor's "
                           f"number of dims ({x.ndim}), got {sizes} for shape {x.shape}")
    lead = len(sizes) - x.ndim
    shape = []
    for i, s in enumerate(sizes):
        if isinstance(s, bool) or not isinstance(s, numbers.Integral):
            raise TypeError(f"expand: sizes must be integers, got {type(s).__name__} {s!r}")
        old = x.shape[i - lead] if i >= lead else None
        if s == -1:
            if old is None:
                raise RuntimeError(f"expand: -1 is not allowed for a new leading dim ({sizes})")
            s = old
        elif s < 0:
            raise RuntimeError(f"expand: invalid size {s} in {sizes}")
        elif old is not None and old != 1 and old != s:
            raise RuntimeError(f"expand: the expanded size {s} must match the existing size {old} "
                               f"at non-singleton dim {i} (shape {x.shape}, sizes {sizes})")
        shape.append(int(s))
    return broadcast_to(x, tuple(shape))
