"""Reductions: sum, amax/amin, max/min with their indices, logsumexp, softmax, log_softmax.

A reduction's backward broadcasts g back over the reduced dims (after putting
them back as size-1 dims when keepdim was False).

Every function takes PyTorch's `dim=`/`keepdim=` and NumPy's `axis=`/`keepdims=`
as aliases (one of each pair at a time).
"""

import builtins
from collections import namedtuple

from minigrad import backend
from minigrad.autograd import Function
from minigrad.tensor import Tensor
from minigrad.ops.broadcast import broadcast_to
from minigrad.ops.elementwise import exp, maximum, minimum
from minigrad.ops.operands import (
    _check_dim, _dim_arg, _float_input, _keepdim_arg, _normalize_axis, _tensor_arg, _xp
)
from minigrad.ops.shape import reshape


def _kept_shape(shape, axis):
    """The shape a reduction over `axis` has with keepdim=True."""
    return tuple(1 if i in axis else s for i, s in enumerate(shape))


def _reduced_shape(shape, axis):
    """The shape a reduction over `axis` has with keepdim=False."""
    return tuple(s for i, s in enumerate(shape) if i not in axis)


# y = Σ x over dims;   dx = g broadcast back over those dims
class Sum(Function):
    @staticmethod
    def forward(ctx, x, axis, keepdims):
        ctx.x_shape, ctx.axis, ctx.keepdims = tuple(x.shape), axis, keepdims
        return _xp(x).sum(x, axis=axis, keepdims=keepdims)

    @staticmethod
    def backward(ctx, g):
        if not ctx.keepdims:
            g = reshape(g, _kept_shape(ctx.x_shape, ctx.axis))
        return broadcast_to(g, ctx.x_shape), None, None


def sum(x, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """The sum over dims.

    Args:
        x: a Tensor, any shape.
        dim: an int, a tuple of ints, or None for every dim (`axis` is an alias).
        keepdim: keep the summed dims as size 1 (`keepdims` is an alias).
    Returns:
        x's shape without the summed dims (size 1 with keepdim). Integer and
        bool tensors sum to int64, as in PyTorch.
    """
    _tensor_arg(x, "sum")
    axes = _normalize_axis(_dim_arg(dim, axis, "sum"), x.ndim, "sum")
    keepdim = _keepdim_arg(keepdim, keepdims, "sum")
    if not backend.is_float(x.dtype) and backend.dtype_name(x.dtype) != "int64":
        x = x.astype("int64")
    return Sum.apply(x, axes, keepdim)


# y = max of x over dims;   dx = g * [x == y] / (number of ties)
class Max(Function):
    @staticmethod
    def forward(ctx, x, axis, keepdims, smallest):
        xp = _xp(x)
        y = (xp.min if smallest else xp.max)(x, axis=axis, keepdims=True)
        ties = xp.astype(x == y, x.dtype)
        ctx.save_for_backward(ties / xp.sum(ties, axis=axis, keepdims=True))
        ctx.axis, ctx.keepdims = axis, keepdims
        return y if keepdims else xp.reshape(y, _reduced_shape(x.shape, axis))

    @staticmethod
    def backward(ctx, g):
        share, = ctx.saved_tensors
        if not ctx.keepdims:
            g = reshape(g, _kept_shape(share.shape, ctx.axis))
        return g * share, None, None, None


def _extreme(x, dim, keepdim, smallest, op):
    axes = _normalize_axis(dim, x.ndim, op)
    if builtins.min((x.shape[a] for a in axes), default=1) == 0:
        raise IndexError(f"{op}: cannot reduce over a dim of size 0 (shape {x.shape}, dim {dim})")
    return Max.apply(x, axes, keepdim, smallest)


def amax(x, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """The largest values over dims; the gradient is shared evenly among ties.

    Args:
        x: a Tensor, any shape.
        dim: an int, a tuple of ints, or None (or ()) for every dim (`axis` is an alias).
        keepdim: keep the reduced dims as size 1 (`keepdims` is an alias).
    Returns:
        x's shape without the reduced dims (size 1 with keepdim).
    """
    _tensor_arg(x, "amax")
    dim = _dim_arg(dim, axis, "amax")
    return _extreme(x, None if dim == () else dim, _keepdim_arg(keepdim, keepdims, "amax"), False, "amax")


def amin(x, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """The smallest values over dims; the gradient is shared evenly among ties.

    Args:
        x: a Tensor, any shape.
        dim: an int, a tuple of ints, or None (or ()) for every dim (`axis` is an alias).
        keepdim: keep the reduced dims as size 1 (`keepdims` is an alias).
    Returns:
        x's shape without the reduced dims (size 1 with keepdim).
    """
    _tensor_arg(x, "amin")
    dim = _dim_arg(dim, axis, "amin")
    return _extreme(x, None if dim == () else dim, _keepdim_arg(keepdim, keepdims, "amin"), True, "amin")


# what max(x, dim) and min(x, dim) return, as torch.return_types.max/min
max_result = namedtuple("max", ["values", "indices"])
min_result = namedtuple("min", ["values", "indices"])


# y = x[..., i, ...] at i = the first index of the max (or min) along dim;
# dx = g at that index, zero elsewhere (PyTorch's rule: one winner, not shared)
class MaxAlong(Function):
    @staticmethod
    def forward(ctx, x, axis, keepdims, smallest):
        xp, b = _xp(x), backend.of(x)
        index = (xp.argmin if smallest else xp.argmax)(x, axis=axis, keepdims=True)
        position = xp.reshape(backend.arange(0, x.shape[axis], 1, "int64", b),
                              tuple(-1 if i == axis else 1 for i in range(x.ndim)))
        ctx.save_for_backward(xp.astype(position == index, x.dtype))   # one-hot along dim
        ctx.axis, ctx.keepdims = axis, keepdims
        y = (xp.min if smallest else xp.max)(x, axis=axis, keepdims=keepdims)
        return y, index if keepdims else xp.reshape(index, _reduced_shape(x.shape, (axis,)))

    @staticmethod
    def backward(ctx, g, g_index):
        winner, = ctx.saved_tensors
        if not ctx.keepdims:
            g = reshape(g, _kept_shape(winner.shape, (ctx.axis,)))
        return g * winner, None, None, None


def _max_along(x, dim, keepdim, smallest, op, result):
    if isinstance(dim, (tuple, list)):
        raise TypeError(f"{op}: dim must be one integer, got {dim!r}; use a{op} for several dims")
    if x.ndim == 0:                                  # a 0-d tensor: itself, at index 0
        _check_dim(dim, 0, op)
        return result(x + 0, Tensor(backend.of(x._data).zeros((), "int64")))
    d = _check_dim(dim, x.ndim, op)
    if x.shape[d] == 0:
        raise IndexError(f"{op}: cannot reduce over dim {dim} of size 0 (shape {x.shape})")
    values, indices = MaxAlong.apply(x, d, keepdim, smallest)
    return result(values, indices.detach())


def max(x, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """The largest value, as torch.max, in its three forms.

    max(x): the largest element; the gradient is shared among ties.
    max(x, dim, keepdim=False): a namedtuple (values, indices) along one dim;
    the gradient goes to the first index of the largest value only.
    max(x, other): the elementwise maximum (see maximum).

    Args:
        x: a Tensor, any shape.
        dim: an int (`axis` is an alias), a Tensor for the elementwise form, or None.
        keepdim: keep the reduced dim as size 1 (`keepdims` is an alias).
    Returns:
        A 0-d Tensor; or max_result(values, indices), both of x's shape without
        dim, indices int64; or a Tensor of the broadcast shape.
    """
    _tensor_arg(x, "max")
    if isinstance(dim, Tensor):
        return maximum(x, dim)
    dim, keepdim = _dim_arg(dim, axis, "max"), _keepdim_arg(keepdim, keepdims, "max")
    if dim is None:
        return _extreme(x, None, False, False, "max")
    return _max_along(x, dim, keepdim, False, "max", max_result)


def min(x, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """The smallest value, as torch.min, in its three forms (see max).

    Args:
        x: a Tensor, any shape.
        dim: an int (`axis` is an alias), a Tensor for the elementwise form, or None.
        keepdim: keep the reduced dim as size 1 (`keepdims` is an alias).
    Returns:
        A 0-d Tensor; or min_result(values, indices); or a Tensor of the broadcast shape.
    """
    _tensor_arg(x, "min")
    if isinstance(dim, Tensor):
        return minimum(x, dim)
    dim, keepdim = _dim_arg(dim, axis, "min"), _keepdim_arg(keepdim, keepdims, "min")
    if dim is None:
        return _extreme(x, None, False, True, "min")
    return _max_along(x, dim, keepdim, True, "min", min_result)


# y = log Σ exp(x) = m + log Σ exp(x - m), m = max x  (stable);   dx = g * exp(x - y)
# A row of all -inf gives -inf (Σ = 0), without taking log(0).
class LogSumExp(Function):
    @staticmethod
    def forward(ctx, x, axis, keepdims):
        xp = _xp(x)
        if builtins.min((x.shape[a] for a in axis), default=1) == 0:     # an empty sum: log 0 = -inf
            y = backend.of(x).full(_kept_shape(x.shape, axis), -float("inf"), x.dtype)
        else:
            m = xp.max(x, axis=axis, keepdims=True)
            m = xp.where(xp.isfinite(m), m, xp.zeros_like(m))       # all -inf rows: shift by 0, not -inf
            s = xp.sum(xp.exp(x - m), axis=axis, keepdims=True)
            y = xp.where(s > 0, m + xp.log(xp.where(s > 0, s, xp.ones_like(s))), -xp.inf)
        if not keepdims:
            y = xp.reshape(y, _reduced_shape(x.shape, axis))
        ctx.save_for_backward(x, y)            # y is the output: second derivatives flow through it
        ctx.axis = axis
        return y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        kept = _kept_shape(x.shape, ctx.axis)
        return reshape(g, kept) * exp(x - reshape(y, kept)), None, None


def logsumexp(x, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """log Σ exp(x) over dims, computed stably (no overflow at x = 1000).

    Args:
        x: a Tensor, any shape; an integer tensor is made float32 first.
        dim: an int, a tuple of ints, or None for every dim (`axis` is an alias).
        keepdim: keep the reduced dims as size 1 (`keepdims` is an alias).
    Returns:
        x's shape without the reduced dims (size 1 with keepdim); -inf over an
        empty dim, as in PyTorch.
    """
    x = _float_input(x, "logsumexp")
    axes = _normalize_axis(_dim_arg(dim, axis, "logsumexp"), x.ndim, "logsumexp")
    return LogSumExp.apply(x, axes, _keepdim_arg(keepdim, keepdims, "logsumexp"))


# y = exp(x - logsumexp(x));   dx = y * (g - Σ g y)
class Softmax(Function):
    @staticmethod
    def forward(ctx, x, axis):
        xp = _xp(x)
        e = xp.exp(x - xp.max(x, axis=axis, keepdims=True))
        y = e / xp.sum(e, axis=axis, keepdims=True)
        ctx.save_for_backward(y)
        ctx.axis = axis
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return y * (g - sum(g * y, ctx.axis, True)), None


# y = (x - m) - log Σ exp(x - m), m = max x;   dx = g - exp(y) Σ g
# (x - m) first: subtracting m + log Σ at once loses float32 digits at |x| ≈ 1000
class LogSoftmax(Function):
    @staticmethod
    def forward(ctx, x, axis):
        xp = _xp(x)
        z = x - xp.max(x, axis=axis, keepdims=True)
        y = z - xp.log(xp.sum(xp.exp(z), axis=axis, keepdims=True))
        ctx.save_for_backward(y)
        ctx.axis = axis
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g - exp(y) * sum(g, ctx.axis, True), None


def _along(cls, x, dim, axis, op):
    """Run a softmax-like op along one dim: a 0-d tensor is one element, an
    empty tensor gives an empty one."""
    x = _float_input(x, op)
    d = _check_dim(_dim_arg(dim, axis, op, -1), x.ndim, op)
    if x.ndim == 0:
        return reshape(cls.apply(reshape(x, (1,)), 0), ())
    if 0 in x.shape:
        return x + 0                                # nothing to normalise: an empty result
    return cls.apply(x, d)


def softmax(x, dim=-1, *, axis=None):
    """exp(x) / Σ exp(x) along one dim, stable for any x.

    Args:
        x: a Tensor, any shape (0-d and empty included).
        dim: the dim to normalise over, last by default (`axis` is an alias).
    Returns:
        A float Tensor of x's shape whose entries along dim sum to 1.
    """
    return _along(Softmax, x, dim, axis, "softmax")


def log_softmax(x, dim=-1, *, axis=None):
    """log(softmax(x)) along one dim, computed as (x - m) - log Σ exp(x - m).

    Args:
        x: a Tensor, any shape (0-d and empty included).
        dim: the dim to normalise over, last by default (`axis` is an alias).
    Returns:
        A float Tensor of x's shape.
    """
    return _along(LogSoftmax, x, dim, axis, "log_softmax")
