"""What an op is given: its operands, with PyTorch's type promotion, and its axes.

Every public op reads its arguments through these helpers, so the rules live
in one place: a Python or NumPy number takes the other operand's dtype (so
float32 stays float32), an integer tensor meeting a float becomes float, and
an axis argument is checked against the tensor's number of dims.
"""

import builtins
import numbers

from minigrad import backend
from minigrad.tensor import DEFAULT_DTYPE, Tensor, tensor
from minigrad.ops.conversion import astype


def _xp(a):
    return backend.of(a).xp


def _shape(a):
    return tuple(a.shape) if hasattr(a, "shape") else ()


def _operand(x):
    """Tensors stay; numbers stay Python numbers, which take the other operand's
    dtype (so float32 stays float32); lists and arrays become Tensors."""
    if isinstance(x, Tensor):
        return x
    if backend.is_host_scalar(x):          # a NumPy scalar: made as weak as a Python number
        return x.item()
    if isinstance(x, numbers.Number):
        return x
    return tensor(x)


def _operands(a, b):
    """Both operands of a binary op, with PyTorch's promotion on every backend:
    an integer or bool tensor meeting a float (a number or a tensor) becomes
    float first — float32 for a number, the tensor's float dtype otherwise.
    (NumPy would make int64 * 0.5 float64, and array-api-strict refuses it.)"""
    a, b = _operand(a), _operand(b)
    if isinstance(a, Tensor):
        if isinstance(b, Tensor):
            if a.dtype is not b.dtype:                 # the common case, same dtype, is one test
                a_float, b_float = backend.is_float(a.dtype), backend.is_float(b.dtype)
                if a_float and not b_float:
                    b = astype(b, a.dtype)
                elif b_float and not a_float:
                    a = astype(a, b.dtype)
        elif isinstance(b, float) and not backend.is_float(a.dtype):
            a = astype(a, DEFAULT_DTYPE)
    elif isinstance(a, float) and isinstance(b, Tensor) and not backend.is_float(b.dtype):
        b = astype(b, DEFAULT_DTYPE)
    return a, b


def _normalize_axis(axis, ndim, op="reduction"):
    """Axes as a sorted tuple of non-negative ints; None means all of them.
    A 0-d tensor has no axes: None, 0 and -1 all mean "nothing to reduce"."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, numbers.Integral):
        axis = (axis,)
    out = []
    for a in axis:
        if not -builtins.max(ndim, 1) <= a < builtins.max(ndim, 1):
            raise ValueError(f"{op}: axis {a} is out of range for a tensor of {ndim} dims")
        if ndim:
            out.append(a % ndim)
    return tuple(sorted(set(out)))


def _one_axis(axis, ndim, op):
    """One axis, as a non-negative int, for ops that work along a single axis."""
    if ndim == 0:
        raise ValueError(f"{op}: needs a tensor with at least 1 dim, got a 0-d tensor")
    if not isinstance(axis, numbers.Integral):
        raise TypeError(f"{op}: axis must be one integer, got {axis!r}")
    return _normalize_axis(axis, ndim, op)[0]
