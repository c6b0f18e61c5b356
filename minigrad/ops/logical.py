"""Logical ops: isnan, isfinite, all, any, logical_and / or / not.

The rules this file holds: every result is a bool tensor outside the graph
(these ops have no gradient), as in PyTorch; any dtype goes in, a nonzero
number counting as True. all and any reduce over dim (None for every
element, an int or a tuple) with keepdim, and keep uint8 as uint8, as
PyTorch does.
"""

from minigrad import backend
from minigrad.tensor import Tensor
from minigrad.ops.operands import _dim_arg, _keepdim_arg, _normalize_axis, _tensor_arg


def _truth(x):
    """The bool array x != 0 (x itself if it is bool)."""
    b = backend.of(x._data)
    if backend.dtype_name(x.dtype) == "bool":
        return x._data
    return x._data != b.zeros((), x.dtype)


def isnan(input):
    """True where input is nan.

    Args:
        input: a tensor of any shape and dtype.
    Returns:
        a bool tensor of input's shape.
    """
    input = _tensor_arg(input, "isnan")
    return Tensor(input.xp.isnan(input._data))


def isfinite(input):
    """True where input is neither ±inf nor nan (every integer is finite).

    Args:
        input: a tensor of any shape and dtype.
    Returns:
        a bool tensor of input's shape.
    """
    input = _tensor_arg(input, "isfinite")
    return Tensor(input.xp.isfinite(input._data))


def _reduce(input, dim, keepdim, axis, keepdims, op):
    input = _tensor_arg(input, op)
    dim, keepdim = _dim_arg(dim, axis, op), _keepdim_arg(keepdim, keepdims, op)
    axes = _normalize_axis(dim, input.ndim, op)
    b = backend.of(input._data)
    result = getattr(b.xp, op)(_truth(input), axis=axes, keepdims=keepdim)
    if backend.dtype_name(input.dtype) == "uint8":
        result = b.xp.astype(result, b.dtype("uint8"))
    return Tensor(result)


def all(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """Whether every element is True (nonzero), of all or over dims.

    Args:
        input: a tensor of any shape and dtype.
        dim: None (every element), an int or a tuple of ints.
        keepdim: keep the reduced dims as size 1.
        axis, keepdims: NumPy's names for dim and keepdim.
    Returns:
        a bool tensor (uint8 for uint8 input) of input's shape without the
        reduced dims; True over an empty dim.
    """
    return _reduce(input, dim, keepdim, axis, keepdims, "all")


def any(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """Whether some element is True (nonzero), of all or over dims.

    Args:
        input: a tensor of any shape and dtype.
        dim: None (every element), an int or a tuple of ints.
        keepdim: keep the reduced dims as size 1.
        axis, keepdims: NumPy's names for dim and keepdim.
    Returns:
        a bool tensor (uint8 for uint8 input) of input's shape without the
        reduced dims; False over an empty dim.
    """
    return _reduce(input, dim, keepdim, axis, keepdims, "any")


def _pair(input, other, op):
    input, other = _tensor_arg(input, op), _tensor_arg(other, op, "other")
    if other.device != input.device:
        raise RuntimeError(f"{op}: other is on {other.device} but input is on {input.device}")
    return _truth(input), _truth(other), backend.of(input._data).xp


def logical_and(input, other):
    """Elementwise input AND other, nonzero counting as True.

    Args:
        input, other: tensors of broadcastable shapes, any dtypes.
    Returns:
        a bool tensor of the broadcast shape.
    """
    a, b, xp = _pair(input, other, "logical_and")
    return Tensor(xp.logical_and(a, b))


def logical_or(input, other):
    """Elementwise input OR other, nonzero counting as True.

    Args:
        input, other: tensors of broadcastable shapes, any dtypes.
    Returns:
        a bool tensor of the broadcast shape.
    """
    a, b, xp = _pair(input, other, "logical_or")
    return Tensor(xp.logical_or(a, b))


def logical_not(input):
    """Elementwise NOT input: True where input is zero (False).

    Args:
        input: a tensor of any shape and dtype.
    Returns:
        a bool tensor of input's shape.
    """
    input = _tensor_arg(input, "logical_not")
    return Tensor(input.xp.logical_not(_truth(input)))
