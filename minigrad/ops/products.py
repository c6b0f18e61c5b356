"""Products: prod, cumprod — and their gradients without dividing by x.

The textbook gradient of y = Π x is y / x_j, which is 0/0 where an element is
zero — and a product with a zero in it is exactly where the gradient matters
(the zero's own gradient is the product of the others, not 0). So neither
backward here divides:

    prod:     ∂y/∂x_j = (Π_{k<j} x_k) · (Π_{k>j} x_k)      two exclusive cumulative products
    cumprod:  ∂L/∂x_j = (Π_{k<j} x_k) · R_j,   R_j = g_j + x_{j+1} R_{j+1}   (a reversed scan)

Both are written with Tensor ops, so they have second derivatives. Integer
and bool inputs are multiplied as int64, as in PyTorch.
"""

import numbers

from minigrad import backend
from minigrad.autograd import Function
from minigrad.tensor import Tensor
from minigrad.ops.conversion import astype
from minigrad.ops.indexing import pad
from minigrad.ops.operands import _check_dim, _dim_arg, _keepdim_arg, _tensor_arg
from minigrad.ops.shape import flip, reshape, stack, unbind


def _exclusive(y, x, axis):
    """(Π_{k<j} x_k)_j along axis, from y = cumprod(x): y shifted one place on, a 1 in front."""
    n = x.shape[axis]
    head = tuple(slice(0, n - 1) if d == axis else slice(None) for d in range(x.ndim))
    shifted = y[head]
    widths = tuple((1, 0) if d == axis else (0, 0) for d in range(x.ndim))
    return pad(shifted, widths) + _ones_in_front(x, axis)


def _ones_in_front(x, axis):
    """(1, ..., n, ..., 1), n along axis: a one at position 0, zeros after; it broadcasts against x."""
    b = backend.of(x._data)
    first = [1.0] + [0.0] * (x.shape[axis] - 1)
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    return Tensor(b.xp.reshape(b.asarray(first, x.dtype), tuple(shape)))


# y_i = Π_{j ≤ i} x_j along axis;   dx_j = (Π_{k<j} x_k) · R_j,  R_j = g_j + x_{j+1} R_{j+1},  R_{n-1} = g_{n-1}
class Cumprod(Function):
    @staticmethod
    def forward(ctx, x, axis):
        ctx.axis = axis
        y = backend.of(x).xp.cumulative_prod(x, axis=axis)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        axis = ctx.axis
        if x.shape[axis] == 0:
            return g, None
        before = _exclusive(y, x, axis)                        # Π_{k<j} x_k
        xs, gs = unbind(x, axis), unbind(g, axis)
        r = [gs[-1]]
        for j in range(len(gs) - 2, -1, -1):                   # R_j = g_j + x_{j+1} R_{j+1}, from the end
            r.append(gs[j] + xs[j + 1] * r[-1])
        return before * stack(r[::-1], axis), None


def _as_product_dtype(input, dtype, op):
    _tensor_arg(input, op)
    if dtype is not None:
        return astype(input, dtype)
    if not backend.is_float(input.dtype) and backend.dtype_name(input.dtype) != "int64":
        return astype(input, "int64")
    return input


def cumprod(input, dim=None, dtype=None, *, axis=None):
    """Cumulative products along dim: y_i = x_0 x_1 ... x_i.

    Args:
        input: a tensor of any shape.
        dim: the dim to multiply along.
        dtype: the dtype to compute in; None keeps a float dtype and makes
            integers and bool int64, as PyTorch does.
        axis: NumPy's name for dim.
    Returns:
        a tensor of input's shape. Its gradient is exact with zeros in input.
    """
    x = _as_product_dtype(input, dtype, "cumprod")
    dim = _dim_arg(dim, axis, "cumprod")
    if dim is None:
        raise TypeError("cumprod: missing the dim to multiply along")
    dim = _check_dim(dim, x.ndim, "cumprod")
    if x.ndim == 0:
        return x * 1
    return Cumprod.apply(x, dim)


# y = Π x along axis;   dx_j = g · (Π_{k<j} x_k)(Π_{k>j} x_k)
class Prod(Function):
    @staticmethod
    def forward(ctx, x, axis, keepdim):
        ctx.axis, ctx.keepdim = axis, keepdim
        ctx.save_for_backward(x)
        return backend.of(x).xp.prod(x, axis=axis, keepdims=keepdim)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        axis = ctx.axis
        if x.shape[axis] == 0:
            return g.reshape(_kept(x.shape, axis)) * _zeros_like(x), None, None
        before = _exclusive(cumprod(x, axis), x, axis)                            # Π_{k<j} x_k
        after = flip(_exclusive(cumprod(flip(x, axis), axis), x, axis), axis)      # Π_{k>j} x_k
        if not ctx.keepdim:
            g = reshape(g, _kept(x.shape, axis))
        return g * before * after, None, None


def _kept(shape, axis):
    return tuple(1 if d == axis else s for d, s in enumerate(shape))


def _zeros_like(x):
    return Tensor(backend.of(x._data).zeros(x.shape, x.dtype))


def prod(input, dim=None, keepdim=False, dtype=None, *, axis=None, keepdims=None):
    """The product of the elements, of all or along one dim.

    Args:
        input: a tensor of any shape.
        dim: one dim (an int, as in PyTorch), or None for all elements.
        keepdim: keep dim as size 1 (only with dim given).
        dtype: the dtype to compute in; None keeps a float dtype and makes
            integers and bool int64.
        axis, keepdims: NumPy's names for dim and keepdim.
    Returns:
        a 0-d tensor (dim=None), or input's shape without dim. Its gradient
        is exact with zeros in input (no division).
    """
    x = _as_product_dtype(input, dtype, "prod")
    dim, keepdim = _dim_arg(dim, axis, "prod"), _keepdim_arg(keepdim, keepdims, "prod")
    if dim is None:
        if x.ndim == 0:
            return x * 1
        return Prod.apply(reshape(x, (-1,)), 0, False)
    if not isinstance(dim, numbers.Integral) or isinstance(dim, bool):
        raise TypeError(f"prod: dim must be one integer, got {dim!r}")
    dim = _check_dim(dim, x.ndim, "prod")
    if x.ndim == 0:
        return x * 1
    return Prod.apply(x, dim, keepdim)
