"""Composite ops, built from the primitives: their gradients come for free.

mean is sum / n, var is mean((x - mean x)²), log_softmax is x - logsumexp(x),
squeeze and unsqueeze are reshapes.
"""

import builtins
import math

from minigrad.ops.operands import _normalize_axis
from minigrad.ops.reductions import logsumexp, sum
from minigrad.ops.shape import reshape


# ==== composites: built from the primitives above ================================

def mean(x, axis=None, keepdims=False):
    axes = _normalize_axis(axis, x.ndim, "mean")
    n = math.prod(x.shape[a] for a in axes)
    return sum(x, axes, keepdims) / n


def var(x, axis=None, keepdims=False, correction=1):
    """Variance; correction=1 divides by n - 1 (PyTorch's default), 0 by n."""
    axes = _normalize_axis(axis, x.ndim, "var")
    n = math.prod(x.shape[a] for a in axes)
    d = x - mean(x, axes, keepdims=True)
    return sum(d * d, axes, keepdims) / builtins.max(n - correction, 0)


def log_softmax(x, axis=-1):
    # x - logsumexp(x): stable, since logsumexp is
    return x - logsumexp(x, axis, keepdims=True)


def squeeze(x, axis=None):
    if axis is None:
        return reshape(x, tuple(s for s in x.shape if s != 1))
    axes = _normalize_axis(axis, x.ndim)
    for a in axes:
        if x.shape[a] != 1:
            raise ValueError(f"squeeze: axis {a} of shape {x.shape} has size {x.shape[a]}, not 1")
    return reshape(x, tuple(s for i, s in enumerate(x.shape) if i not in axes))


def unsqueeze(x, axis):
    axis = axis % (x.ndim + 1)
    return reshape(x, x.shape[:axis] + (1,) + x.shape[axis:])
