"""Indexing: x[index], take, where, pad, and the scatter-adds that are their backward.

The gradient of reading some elements is zeros with g written back at the
places read; where an index repeats, the gradients add (scatter-add).
"""

import builtins
import numbers

from minigrad import backend
from minigrad.autograd import Function
from minigrad.tensor import DEFAULT_DTYPE, Tensor, tensor, zeros_like
from minigrad.ops.broadcast import sum_to
from minigrad.ops.elementwise import _as_pair
from minigrad.ops.operands import _one_axis, _shape, _xp
from minigrad.ops.shape import reshape


# y = x[index];   dx = zeros with g added at index (repeated indices add up)
class GetItem(Function):
    @staticmethod
    def forward(ctx, x, index):
        ctx.x_shape, ctx.index = tuple(x.shape), index
        return x[index]

    @staticmethod
    def backward(ctx, g):
        return IndexAdd.apply(g, ctx.x_shape, ctx.index), None


# y = zeros(shape) with x added at index;   dx = g[index]
class IndexAdd(Function):
    @staticmethod
    def forward(ctx, x, shape, index):
        ctx.index = index
        b = backend.of(x)
        y = b.zeros(shape, x.dtype)
        if _is_basic(index):
            # slices and ints never hit one place twice; None only added size-1 axes
            place = tuple(i for i in index if i is not None)
            y[place] = _xp(x).reshape(x, tuple(y[place].shape))
        else:
            b.scatter_add(y, index, _xp(x).broadcast_to(x, tuple(y[index].shape)))
        return y

    @staticmethod
    def backward(ctx, g):
        return getitem(g, ctx.index), None, None


def _is_basic(index):
    parts = index if isinstance(index, tuple) else (index,)
    return all(p is None or p is Ellipsis or isinstance(p, (slice, numbers.Integral)) for p in parts)


def getitem(x, index):
    """x[index] with ints, slices, None, Ellipsis, integer arrays and boolean masks.

    A lone integer array, x[idx], is `take` along axis 0 (an embedding lookup),
    which every backend has. The array API standard allows integer arrays
    elsewhere only beside integers, covering every axis (x[i0, i1]); NumPy and
    CuPy allow them beside slices too, and so does minigrad on those backends.
    """
    if isinstance(index, (list, Tensor)) or backend.is_host_array(index) or backend.is_device_array(index):
        idx = _backend_index(index, x)
        if backend.dtype_name(idx.dtype).startswith(("int", "uint")):
            flat = take(x, reshape(Tensor(idx), (-1,))._data, 0)
            return reshape(flat, tuple(idx.shape) + x.shape[1:])
    index = index if isinstance(index, tuple) else (index,)
    if not _is_basic(index):
        return GetItem.apply(x, _backend_index(index, x))
    if builtins.sum(i is not None for i in index) < x.ndim and Ellipsis not in index:
        index = index + (Ellipsis,)      # NumPy's implicit trailing ':'s, made explicit for the standard
    return GetItem.apply(x, index)


# y = take(x, idx, axis): slices of x along axis;   dx = zeros with g added at idx
class Take(Function):
    @staticmethod
    def forward(ctx, x, idx, axis):
        ctx.x_shape, ctx.idx, ctx.axis = tuple(x.shape), idx, axis
        return _xp(x).take(x, idx, axis=axis)

    @staticmethod
    def backward(ctx, g):
        return PutAdd.apply(g, ctx.x_shape, ctx.idx, ctx.axis), None, None


# y = zeros(shape) with slice i of x added at position idx[i] along axis;   dx = take(g, idx, axis)
class PutAdd(Function):
    @staticmethod
    def forward(ctx, x, shape, idx, axis):
        ctx.idx, ctx.axis = idx, axis
        b = backend.of(x)
        y = b.zeros(shape, x.dtype)
        b.scatter_add(y, (slice(None),) * axis + (idx,), x)
        return y

    @staticmethod
    def backward(ctx, g):
        return Take.apply(g, ctx.idx, ctx.axis), None, None, None


def take(x, indices, axis=0):
    """Slices of x at 1-D integer `indices` along `axis` (repeats allowed)."""
    idx = _backend_index(indices, x)
    if idx.ndim != 1:
        raise ValueError(f"take: indices must be 1-D, got shape {tuple(idx.shape)}")
    return Take.apply(x, idx, _one_axis(axis, x.ndim, "take"))


def _backend_index(index, x):
    """Index parts that are lists, NumPy arrays or Tensors become arrays of x's backend."""
    b = backend.of(x._data)
    if isinstance(index, tuple):
        return tuple(_backend_index(i, x) for i in index)
    if isinstance(index, Tensor):
        index = index._data
        if backend.of(index) is b:
            return index
        index = backend.of(index).to_host(index)
    if isinstance(index, list) or backend.is_host_array(index):
        return b.asarray(index)
    return index


# y = where(cond, a, b);   da = g where cond, db = g where not cond
class Where(Function):
    @staticmethod
    def forward(ctx, cond, a, b):
        ctx.cond, ctx.a_shape, ctx.b_shape = cond, _shape(a), _shape(b)
        return _xp(cond).where(cond, a, b)

    @staticmethod
    def backward(ctx, g):
        cond, zero = Tensor(ctx.cond), zeros_like(g)
        da = sum_to(where(cond, g, zero), ctx.a_shape) if ctx.needs_input_grad[1] else None
        db = sum_to(where(cond, zero, g), ctx.b_shape) if ctx.needs_input_grad[2] else None
        return None, da, db


def where(cond, a, b):
    """a where cond is true, else b; cond is a bool tensor (a mask), outside the graph."""
    if not isinstance(cond, Tensor):
        is_array = backend.is_host_array(cond) or backend.is_device_array(cond)
        cond = Tensor(cond) if is_array else tensor(cond)
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):    # two numbers: a float tensor of cond's shape
        a = Tensor(backend.of(cond._data).full(cond.shape, a, DEFAULT_DTYPE))
    a, b = _as_pair(a, b)
    return Where.apply(cond, a, b)


# y = x padded with zeros;   dx = the middle of g
class Pad(Function):
    @staticmethod
    def forward(ctx, x, widths):
        shape = tuple(s + lo + hi for s, (lo, hi) in zip(x.shape, widths))
        ctx.middle = tuple(slice(lo, lo + s) for s, (lo, _) in zip(x.shape, widths))
        y = backend.of(x).zeros(shape, x.dtype)
        y[ctx.middle] = x
        return y

    @staticmethod
    def backward(ctx, g):
        return getitem(g, ctx.middle), None


def pad(x, widths):
    """Zero padding, as np.pad with zeros.

    Args:
        x: a Tensor of n dims.
        widths: n pairs (before, after) of non-negative ints, one per dim.
    Returns:
        A Tensor of shape (s + before + after for each dim).
    """
    widths = tuple((int(lo), int(hi)) for lo, hi in widths)
    if len(widths) != x.ndim:
        raise ValueError(f"pad: got {len(widths)} (before, after) pairs for a tensor of shape {x.shape}")
    return Pad.apply(x, widths)
