"""Broadcasting and its inverse: the one place broadcasting is undone.

When an op broadcast an input up, the input's gradient is summed back down to
its own shape by `sum_to`; `broadcast_to` and `sum_to` are each other's
backward.
"""


from minigrad.autograd import Function
from minigrad.ops.operands import _xp


# ---- undoing broadcasting ---------------------------------------------------

# y = sum of x over the axes broadcasting added;  dx = broadcast_to(g, x.shape)
class SumTo(Function):
    @staticmethod
    def forward(ctx, x, shape):
        ctx.x_shape = tuple(x.shape)
        lead = x.ndim - len(shape)                       # axes broadcasting prepended
        axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape)
                                          if s == 1 and x.shape[i + lead] != 1)
        y = _xp(x).sum(x, axis=axes, keepdims=True) if axes else x
        return _xp(x).reshape(y, shape)

    @staticmethod
    def backward(ctx, g):
        return broadcast_to(g, ctx.x_shape), None


def sum_to(x, shape):
    """Sum x down to `shape` — the inverse of broadcasting it up.

    Args:
        x: a Tensor whose shape `shape` broadcasts to.
        shape: the target shape, a tuple of ints.
    Returns:
        A Tensor of that shape.
    """
    shape = tuple(shape)
    if x.shape == shape:
        return x
    return SumTo.apply(x, shape)


# y = x broadcast to shape;  dx = sum_to(g, x.shape)
class BroadcastTo(Function):
    @staticmethod
    def forward(ctx, x, shape):
        ctx.x_shape = tuple(x.shape)
        return _xp(x).broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, g):
        return sum_to(g, ctx.x_shape), None


def broadcast_to(x, shape):
    """x broadcast to `shape` (NumPy's rule); its gradient sums back.

    Args:
        x: a Tensor.
        shape: a tuple of ints that x's shape broadcasts to.
    Returns:
        A Tensor of that shape.
    """
    shape = tuple(shape)
    if x.shape == shape:
        return x
    return BroadcastTo.apply(x, shape)
