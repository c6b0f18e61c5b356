"""Conversions: to another dtype or another device; the gradient converts back."""

from minigrad import backend
from minigrad.autograd import Function


# y = x as dtype;   dx = g as x's dtype
class AsType(Function):
    @staticmethod
    def forward(ctx, x, dtype):
        ctx.dtype = x.dtype
        b = backend.of(x)
        return b.xp.astype(x, b.dtype(dtype))

    @staticmethod
    def backward(ctx, g):
        return astype(g, ctx.dtype), None


def astype(x, dtype):
    """x as another dtype; differentiable (the gradient comes back in x's dtype).

    Args:
        x: a Tensor, any shape.
        dtype: a dtype name ("float64") or object.
    Returns:
        A Tensor of x's shape.
    """
    return AsType.apply(x, backend.dtype_name(dtype))


# y = x on another device;   dx = g moved back
class ToDevice(Function):
    @staticmethod
    def forward(ctx, x, device):
        source = backend.of(x)
        ctx.device = source.name
        target = backend.get(device)
        if target is source:
            return x
        return target.asarray(source.to_host(x))

    @staticmethod
    def backward(ctx, g):
        return to_device(g, ctx.device), None


def to_device(x, device):
    """A copy of x on `device`; differentiable (the gradient moves back).

    Args:
        x: a Tensor, any shape.
        device: a device string ("cpu", "cuda", "array_api_strict").
    Returns:
        A Tensor of x's shape and dtype (x itself if it is there already).
    """
    target = backend.get(device)          # raises for unknown or missing devices
    if target is backend.of(x._data):
        return x
    return ToDevice.apply(x, target.name)
