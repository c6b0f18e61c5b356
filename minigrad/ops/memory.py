"""Memory: clone and contiguous — the same values in storage of their own.

A copy's gradient is g itself: y = x;  dx = g. What these ops change is not
the values but who shares them: a clone has its own array and version
counter, so an in-place write to it is not seen by x, nor x's by it.
"""

from minigrad import backend
from minigrad.autograd import Function
from minigrad.ops.operands import _tensor_arg


# y = a copy of x;   dx = g
class Clone(Function):
    @staticmethod
    def forward(ctx, x):
        return backend.of(x).xp.asarray(x, copy=True)

    @staticmethod
    def backward(ctx, g):
        return g


# y = x laid out row-major (a copy);   dx = g
class Contiguous(Function):
    @staticmethod
    def forward(ctx, x):
        return backend.of(x).contiguous(x)

    @staticmethod
    def backward(ctx, g):
        return g


def clone(input):
    """A copy of input with its own storage, in the graph (the gradient passes through).

    Args:
        input: a tensor of any shape.
    Returns:
        a tensor of input's shape, dtype and device.
    """
    return Clone.apply(_tensor_arg(input, "clone"))


def contiguous(input):
    """input itself if its array is laid out row-major without gaps, else a
    row-major copy (as clone), as torch.Tensor.contiguous.

    Args:
        input: a tensor of any shape.
    Returns:
        input, or a contiguous copy of it of the same shape, dtype and device
        (in the graph: the gradient passes through).
    """
    _tensor_arg(input, "contiguous")
    if backend.of(input._data).is_contiguous(input._data):
        return input
    return Contiguous.apply(input)
