"""Sizes of tensors: norm (p = 2 / 'fro', 1, inf, -inf, 0 and any other p) and std.

The rules this file holds:
- Built from the primitives (abs, max, sum, pow, var), with one exception:
  a square root whose gradient at 0 is 0. √s has an infinite slope at s = 0,
  so ‖x‖₂ = √Σx² at x = 0, or std of a constant, would give 0 · ∞ = nan;
  PyTorch defines that gradient as 0 (a subgradient), and so does minigrad.
- The same holds for other p: an element that is 0 gets gradient 0, never nan.
- dims follow PyTorch: None for all, one int, or a tuple; keepdim either way.
"""

import math
import numbers

from minigrad import backend
from minigrad.autograd import Function
from minigrad.tensor import Tensor
from minigrad.ops.composite import var
from minigrad.ops.conversion import astype
from minigrad.ops.elementwise import abs
from minigrad.ops.indexing import where
from minigrad.ops.operands import _dim_arg, _keepdim_arg, _normalize_axis, _tensor_arg, _xp
from minigrad.ops.reductions import Max, sum


# y = √s;   ds = g / 2y, and 0 where y = 0 (PyTorch's subgradient, not ∞)
class SqrtZeroAtZero(Function):
    @staticmethod
    def forward(ctx, s):
        y = _xp(s).sqrt(s)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        zero = y == 0
        return where(zero, 0.0, g / (2 * where(zero, 1.0, y)))     # the inner where keeps 1/y finite


# y = (Σ|x|^p)^(1/p);   dx = g · sign(x) |x|^(p-1) / y^(p-1), and 0 where x = 0 or y = 0
class PNorm(Function):
    @staticmethod
    def forward(ctx, x, p, axis, keepdim):
        xp = _xp(x)
        ctx.p, ctx.axis, ctx.keepdim = p, axis, keepdim
        if p == 0:
            y = xp.sum(xp.astype(x != 0, x.dtype), axis=axis, keepdims=keepdim)
        else:
            y = xp.sum(xp.abs(x) ** p, axis=axis, keepdims=keepdim) ** (1 / p)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        p = ctx.p
        if p == 0:                                   # a count: flat everywhere
            return Tensor(backend.of(x._data).zeros(x.shape, x.dtype)), None, None, None
        if not ctx.keepdim:
            kept = tuple(1 if d in ctx.axis else s for d, s in enumerate(x.shape))
            g, y = g.reshape(kept), y.reshape(kept)
        x_zero, y_zero = x == 0, y == 0
        ax = where(x_zero, 1.0, abs(x))                                  # |x|, with 1 where x = 0
        sign = where(x_zero, 0.0, x / ax)
        scale = where(y_zero, 0.0, g / where(y_zero, 1.0, y) ** (p - 1))
        return where(x_zero, 0.0, sign * ax ** (p - 1)) * scale, None, None, None


def norm(input, p="fro", dim=None, keepdim=False, dtype=None, *, axis=None, keepdims=None):
    """The p-norm of input's elements, of all or over dims, as torch.norm.

    Args:
        input: a float tensor of any shape.
        p: 'fro' (√Σx², over at most 2 dims) or 2 (√Σx², over any dims), 1 (Σ|x|), inf (max |x|), -inf (min |x|),
            0 (the count of nonzeros), or any other number ((Σ|x|^p)^(1/p)).
            ('nuc', the nuclear norm, is not supported.)
        dim: None (every element), an int, or a tuple of ints.
        keepdim: keep the reduced dims as size 1.
        dtype: cast input to this dtype first.
        axis, keepdims: NumPy's names for dim and keepdim.
    Returns:
        input's shape without the reduced dims. Gradients are 0 (not nan)
        where x = 0, as PyTorch gives them.
    """
    _tensor_arg(input, "norm")
    dim, keepdim = _dim_arg(dim, axis, "norm"), _keepdim_arg(keepdim, keepdims, "norm")
    if dtype is not None:
        input = astype(input, dtype)
    if not backend.is_float(input.dtype):
        raise RuntimeError(f"norm: expected a floating-point input, got dtype {backend.dtype_name(input.dtype)}")
    if isinstance(p, str):
        if p != "fro":
            raise RuntimeError(f"norm: p must be 'fro' or a number, got {p!r}"
                               + (" (the nuclear norm is not supported)" if p == "nuc" else ""))
    elif not isinstance(p, numbers.Real) or isinstance(p, bool):
        raise TypeError(f"norm: p must be 'fro' or a number, got {p!r}")
    axes = _normalize_axis(dim, input.ndim, "norm")
    if p == "fro" and isinstance(dim, (tuple, list)) and len(dim) > 2:
        raise RuntimeError(f"norm: p='fro' takes at most 2 dims, got dim={dim!r}")
    if p in (2, "fro"):
        return SqrtZeroAtZero.apply(sum(input * input, axes, keepdim))
    if p == 1:
        return sum(abs(input), axes, keepdim)
    if p in (math.inf, -math.inf):
        if any(input.shape[a] == 0 for a in axes):
            raise RuntimeError(f"norm: p={p} over an empty dim is undefined (input shape {input.shape})")
        return Max.apply(abs(input), axes, keepdim, p < 0)       # max |x| (min for -inf), ties sharing g
    return PNorm.apply(input, float(p), axes, keepdim)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None):
    """The standard deviation √var, over all elements or over dims, as torch.std.

    Args:
        input: a float tensor of any shape.
        dim: None, an int or a tuple of ints.
        unbiased: the older spelling: True is correction=1, False correction=0.
        keepdim: keep the reduced dims as size 1.
        correction: n - correction divides the squared deviations; 1 (the
            default) is Bessel's correction, 0 the population std.
        axis, keepdims: NumPy's names for dim and keepdim.
    Returns:
        input's shape without the reduced dims. Where the deviations are all
        zero the gradient is 0, as in PyTorch (not √'s ∞ · 0).
    """
    _tensor_arg(input, "std")
    dim, keepdim = _dim_arg(dim, axis, "std"), _keepdim_arg(keepdim, keepdims, "std")
    if not backend.is_float(input.dtype):
        raise RuntimeError(f"std: expected a floating-point input, got dtype {backend.dtype_name(input.dtype)}")
    if unbiased is not None and correction is not None:
        raise TypeError("std: give unbiased or correction, not both")
    if correction is None:
        correction = 0 if unbiased is False else 1
    axes = _normalize_axis(dim, input.ndim, "std")          # checked here, so errors name std
    return SqrtZeroAtZero.apply(var(input, axes, keepdim=keepdim, correction=correction))

