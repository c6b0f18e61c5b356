"""Sorting: argmax, argmin, sort, argsort, topk.

The rules this file holds:
- Indices are int64 tensors outside the graph, as in PyTorch.
- sort and topk return (values, indices), and their values are a gather of
  the input at the indices, so the gradient of each value goes back to the
  one element it came from (gather's scatter-add), with second derivatives.
- Among equal values PyTorch's order is unspecified unless stable=True;
  here sorting is always stable (ties keep their order), which is one of the
  orders PyTorch may give. argmax/argmin give the first of tied extremes, as
  PyTorch does.
"""

import collections
import numbers

from minigrad import backend
from minigrad.tensor import Tensor
from minigrad.ops.operands import _check_dim, _dim_arg, _keepdim_arg, _tensor_arg
from minigrad.ops.selection import Gather

# what sort and topk return, as torch.return_types.sort / topk: a pair with names
ValuesIndices = collections.namedtuple("ValuesIndices", ["values", "indices"])


def _arg_extreme(input, dim, keepdim, op):
    _tensor_arg(input, op)
    b = backend.of(input._data)
    xp = b.xp
    if input.ndim and 0 in input.shape and (dim is None or input.shape[_check_dim(dim, input.ndim, op)] == 0):
        raise IndexError(f"{op}: cannot take the {op[3:]} of an empty dim (input shape {input.shape})")
    x = input._data
    if backend.dtype_name(x.dtype) == "bool":
        raise RuntimeError(f"{op}: does not support bool input (as in PyTorch); convert it first, e.g. x.int()")
    if dim is None:
        flat = xp.reshape(x, (-1,))
        where = (xp.argmax if op == "argmax" else xp.argmin)(flat)
        if keepdim:
            where = xp.reshape(where, (1,) * input.ndim)
        return Tensor(xp.astype(where, b.dtype("int64")))
    dim = _check_dim(dim, input.ndim, op)
    if input.ndim == 0:
        return Tensor(b.zeros((), "int64"))
    where = (xp.argmax if op == "argmax" else xp.argmin)(x, axis=dim, keepdims=keepdim)
    return Tensor(xp.astype(where, b.dtype("int64")))


def argmax(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """The index of the largest value (the first, among ties; nan counts as largest).

    Args:
        input: a tensor of any shape.
        dim: the dim to search along; None searches the flattened tensor.
        keepdim: keep dim (or, with dim=None, every dim) as size 1.
        axis, keepdims: NumPy's names for dim and keepdim.
    Returns:
        an int64 tensor: input's shape without dim (or 0-d for dim=None).
    """
    return _arg_extreme(input, _dim_arg(dim, axis, "argmax"), _keepdim_arg(keepdim, keepdims, "argmax"), "argmax")


def argmin(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """The index of the smallest value (the first, among ties; nan counts as smallest).

    Args:
        input: a tensor of any shape.
        dim: the dim to search along; None searches the flattened tensor.
        keepdim: keep dim (or, with dim=None, every dim) as size 1.
        axis, keepdims: NumPy's names for dim and keepdim.
    Returns:
        an int64 tensor: input's shape without dim (or 0-d for dim=None).
    """
    return _arg_extreme(input, _dim_arg(dim, axis, "argmin"), _keepdim_arg(keepdim, keepdims, "argmin"), "argmin")


def _order(input, dim, descending, op):
    """The int64 array that sorts input along dim (stable)."""
    b = backend.of(input._data)
    x = input._data
    if backend.dtype_name(x.dtype) == "bool":
        x = b.xp.astype(x, b.dtype("int8"))
    if input.ndim == 0:
        return b.zeros((), "int64")
    xp = b.xp
    if not descending:
        return xp.astype(xp.argsort(x, axis=dim, stable=True), b.dtype("int64"))
    # largest first, ties in their order (NumPy's argsort has no `descending`): sort
    # the reversed x ascending, read that backwards, and map positions back (n - 1 - i)
    order = xp.flip(xp.argsort(xp.flip(x, axis=dim), axis=dim, stable=True), axis=dim)
    return xp.astype(x.shape[dim] - 1 - order, b.dtype("int64"))


def argsort(input, dim=-1, descending=False, stable=False, *, axis=None):
    """The indices that sort input along dim.

    Args:
        input: a tensor of any shape.
        dim: the dim to sort along.
        descending: largest first.
        stable: keep tied values in their order (always done here; accepted for PyTorch's signature).
        axis: NumPy's name for dim.
    Returns:
        an int64 tensor of input's shape.
    """
    _tensor_arg(input, "argsort")
    dim = _check_dim(_dim_arg(dim, axis, "argsort", -1), input.ndim, "argsort")
    return Tensor(_order(input, dim, descending, "argsort"))


def sort(input, dim=-1, descending=False, stable=False, *, axis=None):
    """input sorted along dim, and where each value came from.

    Args:
        input: a tensor of any shape.
        dim: the dim to sort along.
        descending: largest first.
        stable: keep tied values in their order (always done here).
        axis: NumPy's name for dim.
    Returns:
        (values, indices), both of input's shape: values = gather(input, dim,
        indices), so each value's gradient goes back to its element.
    """
    _tensor_arg(input, "sort")
    dim = _check_dim(_dim_arg(dim, axis, "sort", -1), input.ndim, "sort")
    indices = Tensor(_order(input, dim, descending, "sort"))
    return ValuesIndices(Gather.apply(input, dim, indices), indices)


def topk(input, k, dim=-1, largest=True, sorted=True, *, axis=None):
    """The k largest (or smallest) values along dim, and their indices.

    Args:
        input: a tensor of any shape.
        k: how many, 0 ≤ k ≤ input.shape[dim].
        dim: the dim to choose along.
        largest: the largest (True) or the smallest (False).
        sorted: the k in order (always so here, which is one order PyTorch allows when False).
        axis: NumPy's name for dim.
    Returns:
        (values, indices), input's shape with dim of size k; values is the
        gather of input at indices (gradients go back to those elements).
    """
    _tensor_arg(input, "topk")
    if not isinstance(k, numbers.Integral) or isinstance(k, bool):
        raise TypeError(f"topk: k must be an integer, got {k!r}")
    dim = _check_dim(_dim_arg(dim, axis, "topk", -1), input.ndim, "topk")
    size = input.shape[dim] if input.ndim else 1
    if not 0 <= k <= size:
        raise RuntimeError(f"topk: k ({k}) is out of range for dim {dim} of size {size} (input shape {input.shape})")
    order = _order(input, dim, largest, "topk")
    if input.ndim == 0:                       # PyTorch gives the 0-d tensor itself, for k = 0 or 1
        return ValuesIndices(Gather.apply(input, 0, Tensor(order)), Tensor(order))
    first_k = tuple(slice(0, k) if d == dim else slice(None) for d in range(input.ndim))
    indices = Tensor(order[first_k])
    return ValuesIndices(Gather.apply(input, dim, indices), indices)
