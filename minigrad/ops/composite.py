"""Composite ops, built from the primitives: their gradients come for free.

mean is sum / n, var is mean((x - mean x)²); squeeze, unsqueeze and flatten
are reshapes.
"""

import builtins
import math
import numbers

from minigrad.ops.operands import (
    _check_dim, _dim_arg, _float_input, _keepdim_arg, _normalize_axis, _tensor_arg
)
from minigrad.ops.reductions import sum
from minigrad.ops.shape import reshape


def mean(x, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """The mean over dims.

    Args:
        x: a Tensor, any shape; an integer or bool tensor is made float32 first.
        dim: an int, a tuple of ints, or None for every dim (`axis` is an alias).
        keepdim: keep the reduced dims as size 1 (`keepdims` is an alias).
    Returns:
        A float Tensor: x's shape without the reduced dims (size 1 with keepdim);
        nan over an empty dim, as in PyTorch.
    """
    x = _float_input(x, "mean")
    axes = _normalize_axis(_dim_arg(dim, axis, "mean"), x.ndim, "mean")
    n = math.prod(x.shape[a] for a in axes)
    return sum(x, axes, _keepdim_arg(keepdim, keepdims, "mean")) / n


def var(x, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None):
    """The variance over dims: Σ (x - mean)² / (n - correction).

    Args:
        x: a Tensor, any shape; an integer or bool tensor is made float32 first.
        dim: an int, a tuple of ints, or None for every dim (`axis` is an alias).
        unbiased: the older spelling of correction (True is 1, False is 0).
        keepdim: keep the reduced dims as size 1 (`keepdims` is an alias).
        correction: 1 (the default, Bessel's) divides by n - 1, 0 by n.
    Returns:
        A float Tensor: x's shape without the reduced dims (size 1 with keepdim).
    """
    x = _float_input(x, "var")
    if unbiased is not None and correction is not None:
        raise TypeError("var: got both unbiased and correction; pass one")
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    if not isinstance(correction, numbers.Real) or isinstance(correction, bool):
        raise TypeError(f"var: correction must be a number, got {type(correction).__name__}")
    axes = _normalize_axis(_dim_arg(dim, axis, "var"), x.ndim, "var")
    n = math.prod(x.shape[a] for a in axes)
    d = x - mean(x, axes, keepdim=True)
    return sum(d * d, axes, _keepdim_arg(keepdim, keepdims, "var")) / builtins.max(n - correction, 0)


def squeeze(x, dim=None, *, axis=None):
    """x without size-1 dims: all of them, or those of `dim` that have size 1
    (a named dim of another size is left as it is, as in PyTorch).

    Args:
        x: a Tensor, any shape.
        dim: an int, a tuple of ints, or None for every size-1 dim (`axis` is an alias).
    Returns:
        A Tensor with the same elements, those dims removed.
    """
    _tensor_arg(x, "squeeze")
    dim = _dim_arg(dim, axis, "squeeze")
    if dim is None:
        return reshape(x, tuple(s for s in x.shape if s != 1))
    axes = [a for a in _normalize_axis(dim, x.ndim, "squeeze") if x.shape[a] == 1]
    return reshape(x, tuple(s for i, s in enumerate(x.shape) if i not in axes))


def unsqueeze(x, dim=None, *, axis=None):
    """x with a new size-1 dim at position `dim`.

    Args:
        x: a Tensor of n dims.
        dim: where the new dim goes, in [-n-1, n] (`axis` is an alias).
    Returns:
        A Tensor of n + 1 dims with the same elements.
    """
    _tensor_arg(x, "unsqueeze")
    dim = _dim_arg(dim, axis, "unsqueeze")
    if dim is None:
        raise TypeError("unsqueeze: missing the argument 'dim'")
    d = _check_dim(dim, x.ndim + 1, "unsqueeze")
    return reshape(x, x.shape[:d] + (1,) + x.shape[d:])


def flatten(x, start_dim=0, end_dim=-1):
    """x with dims start_dim..end_dim merged into one (a 0-d tensor becomes (1,)).

    Args:
        x: a Tensor, any shape.
        start_dim, end_dim: the first and last dims to merge (inclusive).
    Returns:
        A Tensor with the same elements.
    """
    _tensor_arg(x, "flatten")
    if x.ndim == 0:
        _check_dim(start_dim, 0, "flatten"), _check_dim(end_dim, 0, "flatten")
        return reshape(x, (1,))
    start, end = _check_dim(start_dim, x.ndim, "flatten"), _check_dim(end_dim, x.ndim, "flatten")
    if start > end:
        raise RuntimeError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    merged = math.prod(x.shape[start:end + 1])
    return reshape(x, x.shape[:start] + (merged,) + x.shape[end + 1:])
