"""Reductions: sum, max/min, logsumexp, softmax.

A reduction's backward broadcasts g back over the reduced axes (after putting
them back as size-1 axes when keepdims was False).
"""


from minigrad.autograd import Function
from minigrad.ops.broadcast import broadcast_to
from minigrad.ops.elementwise import exp
from minigrad.ops.operands import _normalize_axis, _one_axis, _xp
from minigrad.ops.shape import reshape


# ---- reductions ----------------------------------------------------------------

# y = Σ x over axes;   dx = g broadcast back over those axes
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


def _kept_shape(shape, axis):
    """The shape a reduction over `axis` has with keepdims=True."""
    return tuple(1 if i in axis else s for i, s in enumerate(shape))


def sum(x, axis=None, keepdims=False):
    return Sum.apply(x, _normalize_axis(axis, x.ndim, "sum"), keepdims)


# y = max of x over axes;   dx = g * [x == y] / (number of ties)
class Max(Function):
    @staticmethod
    def forward(ctx, x, axis, keepdims, smallest):
        xp = _xp(x)
        y = (xp.min if smallest else xp.max)(x, axis=axis, keepdims=True)
        ties = xp.astype(x == y, x.dtype)
        ctx.save_for_backward(ties / xp.sum(ties, axis=axis, keepdims=True))
        ctx.axis, ctx.keepdims = axis, keepdims
        return y if keepdims else xp.reshape(y, tuple(s for i, s in enumerate(x.shape) if i not in axis))

    @staticmethod
    def backward(ctx, g):
        share, = ctx.saved_tensors
        if not ctx.keepdims:
            g = reshape(g, _kept_shape(share.shape, ctx.axis))
        return g * share, None, None, None


def max(x, axis=None, keepdims=False):
    return Max.apply(x, _normalize_axis(axis, x.ndim, "max"), keepdims, False)


def min(x, axis=None, keepdims=False):
    return Max.apply(x, _normalize_axis(axis, x.ndim, "min"), keepdims, True)


# y = log Σ exp(x) = m + log Σ exp(x - m), m = max x  (stable);   dx = g * exp(x - y)
class LogSumExp(Function):
    @staticmethod
    def forward(ctx, x, axis, keepdims):
        xp = _xp(x)
        m = xp.max(x, axis=axis, keepdims=True)
        m = xp.where(xp.isfinite(m), m, xp.zeros_like(m))   # all -inf rows stay -inf, not nan
        y = m + xp.log(xp.sum(xp.exp(x - m), axis=axis, keepdims=True))
        if not keepdims:
            y = xp.reshape(y, tuple(s for i, s in enumerate(x.shape) if i not in axis))
        ctx.save_for_backward(x, y)            # y is the output: second derivatives flow through it
        ctx.axis = axis
        return y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        kept = _kept_shape(x.shape, ctx.axis)
        return g.reshape(kept) * exp(x - y.reshape(kept)), None, None


def logsumexp(x, axis=None, keepdims=False):
    return LogSumExp.apply(x, _normalize_axis(axis, x.ndim, "logsumexp"), keepdims)


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
        return y * (g - sum(g * y, axis=ctx.axis, keepdims=True)), None


def softmax(x, axis=-1):
    return Softmax.apply(x, _one_axis(axis, x.ndim, "softmax"))
