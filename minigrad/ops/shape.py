"""Shape ops: reshape, permute, concatenation and its inverses, flip, cumsum.

Each backward undoes its forward's rearrangement: reshape back, the inverse
permutation, split what was concatenated, stack what was unbound.
"""

import builtins
import numbers

from minigrad import backend
from minigrad.autograd import Function, View
from minigrad.tensor import Tensor
from minigrad.ops.operands import _normalize_axis, _one_axis, _operand, _xp


# ---- shape ------------------------------------------------------------------

# y = x with a new shape;   dx = g with the old shape
class Reshape(View):
    @staticmethod
    def forward(ctx, x, shape):
        ctx.x_shape = tuple(x.shape)
        return _xp(x).reshape(x, shape)

    @staticmethod
    def backward(ctx, g):
        return reshape(g, ctx.x_shape), None


def reshape(x, shape):
    shape = tuple(shape)
    if x.shape == shape:
        return x
    return Reshape.apply(x, shape)


# y = x with axes permuted;   dx = g with the inverse permutation
class Permute(View):
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


def permute(x, axes):
    axes = tuple(a % x.ndim for a in axes)
    if sorted(axes) != list(range(x.ndim)):
        raise ValueError(f"permute: {axes} is not a permutation of the {x.ndim} axes of shape {x.shape}")
    return Permute.apply(x, axes)


def transpose(x, axis0=-2, axis1=-1):
    axes = list(range(x.ndim))
    axes[axis0], axes[axis1] = axes[axis1], axes[axis0]
    return permute(x, tuple(axes))


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


def concatenate(tensors, axis=0):
    tensors = [_operand(t) for t in tensors]
    if not tensors:
        raise ValueError("concatenate: needs at least one tensor")
    axis = _one_axis(axis, tensors[0].ndim, "concatenate")
    return Concat.apply(axis, *tensors)


cat = concatenate


# y_1, …, y_k = the pieces of x along axis;   dx = concat(g_1, …, g_k)
# One op with k outputs: backward gets one gradient per piece (None for a piece
# no gradient reached, which contributes zeros) and makes dx in one concat.
class Split(View):
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
class Unbind(View):
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


def split(x, size_or_sizes, axis=0):
    """Pieces of `size` along axis (the last may be smaller), or of the given sizes."""
    axis = _one_axis(axis, x.ndim, "split")
    n = x.shape[axis]
    if isinstance(size_or_sizes, numbers.Integral):
        if size_or_sizes <= 0:
            raise ValueError(f"split: the piece size must be positive, got {size_or_sizes}")
        sizes = [builtins.min(size_or_sizes, n - s) for s in range(0, n, size_or_sizes)]
    else:
        sizes = [int(s) for s in size_or_sizes]
        if builtins.sum(sizes) != n:
            raise ValueError(f"split: sizes {sizes} do not add up to {n}, the length of axis {axis} "
                             f"of shape {x.shape}")
        if builtins.min(sizes, default=0) < 0:
            raise ValueError(f"split: sizes {sizes} must be non-negative")
    if not sizes:                                       # an empty axis has no pieces
        return ()
    return Split.apply(x, tuple(sizes), axis)


def chunk(x, chunks, axis=0):
    """`chunks` pieces of equal size along axis (the last may be smaller; fewer if they run out)."""
    if not isinstance(chunks, numbers.Integral) or chunks <= 0:
        raise ValueError(f"chunk: the number of chunks must be a positive integer, got {chunks!r}")
    n = x.shape[_one_axis(axis, x.ndim, "chunk")]
    return split(x, builtins.max(-(-n // chunks), 1), axis)


def unbind(x, axis=0):
    """The slices of x along axis, that axis removed (PyTorch's unbind):
    x (T, B, H) -> T tensors (B, H). One op, however long T is."""
    axis = _one_axis(axis, x.ndim, "unbind")
    if x.shape[axis] == 0:
        return ()
    return Unbind.apply(x, axis)


def stack(tensors, axis=0):
    """The tensors, all of one shape, along a new axis."""
    tensors = [_operand(t) for t in tensors]
    if not tensors:
        raise ValueError("stack: needs at least one tensor")
    shapes = {t.shape for t in tensors}
    if len(shapes) > 1:
        raise ValueError(f"stack: all tensors must have one shape, got {sorted(shapes)}")
    axis = _normalize_axis(axis, tensors[0].ndim + 1, "stack")[0]
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


def cumsum(x, axis):
    return Cumsum.apply(x, _one_axis(axis, x.ndim, "cumsum"))


# y = x reversed along axes;   dx = g reversed along them
class Flip(Function):
    @staticmethod
    def forward(ctx, x, axis):
        ctx.axis = axis
        y = _xp(x).flip(x, axis=axis)             # NumPy's flip is a view; PyTorch's, and this, a copy
        return _xp(x).astype(y, y.dtype, copy=True)

    @staticmethod
    def backward(ctx, g):
        return flip(g, ctx.axis), None


def flip(x, axis=None):
    return Flip.apply(x, _normalize_axis(axis, x.ndim, "flip"))
