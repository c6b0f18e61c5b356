"""In-place ops: x += y, x.mul_(y), x[index] = v, ... written into x's own array.

An in-place op changes a tensor's values where they are stored, so every
alias — a view, detach(), .data — sees the change, and the version counter
they share counts it (backward refuses a saved tensor that changed since).

Under no_grad, or when nothing involved requires grad, that is all: the new
values are computed and written. With autograd recording, an in-place op is
the out-of-place op followed by a move of history:

    old = a copy of x, with x's history       (the op may save it for backward)
    new = op(old, other)                      recorded, as any op is
    write new into x's array;  x's history := new's

so gradients flow through `x.mul_(w)` exactly as through `x = x * w`. Three
rules keep that right:
- A leaf that requires grad cannot change in place while grad mode is on
  (its .grad would belong to values that are gone): PyTorch's error.
- An in-place op on an indexed view v = b[index] is written back as item
  assignment on b, b[index] = op(v), so b's history records it too; v's
  history becomes b[index] of b's new one.
- Every other tensor sharing the memory (other views, or the base of a view
  made by reshape/permute) gets a StaleHistory: its old history no longer
  matches its values, so backward through it raises instead of being wrong.
"""

import numbers

from minigrad import backend
from minigrad.autograd import Function, StaleHistory
from minigrad.grad_mode import is_grad_enabled, no_grad
from minigrad.tensor import Tensor, _named, tensor
from minigrad.ops.broadcast import BroadcastTo, sum_to
from minigrad.ops.conversion import astype
from minigrad.ops.elementwise import clip
from minigrad.ops.indexing import GetItem, _backend_index, _is_basic
from minigrad.ops.operands import _shape, _xp
from minigrad.ops.shape import Split, Unbind, reshape

_LEAF_MESSAGE = "a leaf Variable that requires grad is being used in an in-place operation."


# ---- item assignment as an op -------------------------------------------------

# y = x with y[index] = v;   dx = g with g[index] = 0,  dv = g[index] summed to v's shape
class SetItem(Function):
    @staticmethod
    def forward(ctx, x, index, v):
        ctx.index, ctx.v_shape = index, _shape(v)
        y = _xp(x).astype(x, x.dtype, copy=True)
        backend.of(x).put(y, index, v)            # y[index] = v, for every kind of index
        return y

    @staticmethod
    def backward(ctx, g):
        dx = SetItem.apply(g, ctx.index, 0.0) if ctx.needs_input_grad[0] else None
        dv = sum_to(GetItem.apply(g, ctx.index), ctx.v_shape) if ctx.needs_input_grad[2] else None
        return dx, None, dv


def setitem(x, index, value, name="__setitem__"):
    """x[index] = value, in place: x's storage changes, and with autograd the
    gradient reaches both `value` and the part of x left untouched.

    Args:
        x: the Tensor written into.
        index: ints, slices, None, Ellipsis, integer arrays or a boolean mask, as for x[index].
        value: a number or a Tensor (or list/array) broadcastable to x[index]'s shape;
            it takes x's dtype.
    Returns:
        x.
    """
    with _named(name):
        index = _index(x, index)
        target = tuple(x._data[index].shape)                    # the shape x[index] has
        if isinstance(value, Tensor):
            v = value
        elif isinstance(value, numbers.Number) or backend.is_host_scalar(value):
            v = None
        else:
            v = tensor(value, device=x.device)
    if v is not None:
        _check_broadcast(name, v.shape, target)
        if v.ndim > len(target):                                # leading 1s, which broadcasting drops
            v = reshape(v, v.shape[v.ndim - len(target):])
        if backend.dtype_name(v.dtype) != backend.dtype_name(x.dtype):
            v = astype(v, x.dtype)                              # the value takes x's dtype, as in PyTorch
    if not _recording(x, v):
        _check_writable(x, name)
        x._write(value if v is None else v._data, index)
        return x
    # with autograd: item assignment is the op SetItem (v None: a plain number)
    value = value if v is None else v
    return _inplace(x, name, lambda old: SetItem.apply(old, index, value), value)


def _index(x, index):
    """index as the backend takes it: lists, NumPy arrays and Tensors made
    arrays of x's backend, and NumPy's implicit trailing ':' made explicit."""
    if isinstance(index, (list, Tensor)) or backend.is_host_array(index) or backend.is_device_array(index):
        return _backend_index(index, x)
    index = index if isinstance(index, tuple) else (index,)
    if not _is_basic(index):
        return _backend_index(index, x)
    if sum(i is not None for i in index) < x.ndim and Ellipsis not in index:
        index = index + (Ellipsis,)
    return index


def _check_broadcast(name, shape, target):
    """shape must broadcast to target (the value of x[index] = v)."""
    ok = all(s == 1 for s in shape[:max(len(shape) - len(target), 0)])
    for s, t in zip(reversed(shape), reversed(target)):
        ok = ok and s in (1, t)
    if not ok:
        raise RuntimeError(f"{name}: shape mismatch: value tensor of shape {shape} cannot be broadcast "
                           f"to indexing result of shape {target}")


# ---- the in-place ops ---------------------------------------------------------

def add_(x, other, alpha=1):
    """x += alpha * other, in place (Tensor.add_, x += other). Returns x."""
    return _arithmetic(x, other, "add_", lambda old: old + (other if alpha == 1 else alpha * other), alpha)


def sub_(x, other, alpha=1):
    """x -= alpha * other, in place (Tensor.sub_, x -= other). Returns x."""
    return _arithmetic(x, other, "sub_", lambda old: old - (other if alpha == 1 else alpha * other), alpha)


def mul_(x, other):
    """x *= other, in place (Tensor.mul_, x *= other). Returns x."""
    return _arithmetic(x, other, "mul_", lambda old: old * other)


def div_(x, other):
    """x /= other, in place (Tensor.div_, x /= other); an integer x raises, as in PyTorch. Returns x."""
    if not backend.is_float(x.dtype):             # true division gives floats, which x cannot hold
        raise RuntimeError(f"div_: result type float32 can't be cast to the desired output type "
                           f"{backend.dtype_name(x.dtype)}")
    return _arithmetic(x, other, "div_", lambda old: old / other)


def clamp_(x, min=None, max=None):
    """x clipped to [min, max], in place (Tensor.clamp_). Returns x."""
    if min is None and max is None:
        raise RuntimeError("clamp_: at least one of 'min' or 'max' must not be None")
    for bound in (min, max):
        if bound is not None and not isinstance(bound, numbers.Real):
            raise TypeError(f"clamp_: min and max must be numbers, got {type(bound).__name__}")
    return _inplace_or_write(x, "clamp_", lambda old: clip(old, min, max), None)


def fill_(x, value):
    """Every element of x set to value (a number or a 0-d Tensor), in place. Returns x."""
    if isinstance(value, Tensor) and value.ndim != 0:
        raise RuntimeError(f"fill_: only supports 0-dimension value tensor but got tensor with "
                           f"{value.ndim} dimensions")
    if not isinstance(value, (Tensor, numbers.Number)) and not backend.is_host_scalar(value):
        raise TypeError(f"fill_: value must be a number or a 0-d Tensor, got {type(value).__name__}")
    return setitem(x, Ellipsis, value, "fill_")


def zero_(x):
    """Every element of x set to 0, in place. Returns x."""
    return setitem(x, Ellipsis, 0, "zero_")


def copy_(x, src):
    """src's values (broadcast to x's shape, cast to x's dtype) copied into x, in place. Returns x."""
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_: argument 'src' must be Tensor, not {type(src).__name__}")
    if src.device != x.device:
        src = src.to(x.device)
    return setitem(x, Ellipsis, src, "copy_")


def _arithmetic(x, other, name, op, alpha=1):
    if not isinstance(alpha, numbers.Number) and not backend.is_host_scalar(alpha):
        raise TypeError(f"{name}: alpha must be a number, got {type(alpha).__name__}")
    if not isinstance(other, (Tensor, numbers.Number)) and not backend.is_host_scalar(other):
        if other is None or isinstance(other, (str, dict, set)):
            raise TypeError(f"{name}: expected a Tensor or a number, got {type(other).__name__}")
        with _named(name):
            other = tensor(other, device=x.device)
    return _inplace_or_write(x, name, op, other if isinstance(other, Tensor) else None)


def _inplace_or_write(x, name, op, other):
    """x ← op(x) in x's own array: recorded by autograd when that is needed."""
    if _recording(x, other):
        return _inplace(x, name, op, other)
    _check_writable(x, name)
    with no_grad(), _named(name):
        new = _fitted(op(x), x, name)
    x._write(new._data)
    return x


def _recording(x, other):
    return is_grad_enabled() and (x._requires_grad or (isinstance(other, Tensor) and other._requires_grad))


def _inplace(x, name, op, other):
    """x ← op(x), recorded: the rules in this file's docstring, in order."""
    if x.is_leaf and x._requires_grad:
        raise RuntimeError(f"{name}: {_LEAF_MESSAGE}")
    _check_writable(x, name)
    entry = _view_entry(x)
    source = entry[1]() if entry is not None and entry[1] is not None else None
    if entry is not None and entry[2] in (Split, Unbind):
        raise RuntimeError(f"{name}: Output {x._output_nr} of {entry[2].__name__} is a view and is being "
                           "modified inplace. This view is the output of a function that returns multiple "
                           "views. Such functions do not allow the output views to be modified inplace. You "
                           "should replace the inplace operation by an out-of-place one.")
    if source is not None and entry[2] is GetItem:
        # a view source[index]: written back as source[index] = op(x), recorded on source
        if source.is_leaf and source._requires_grad:
            raise RuntimeError(f"{name}: a view of a leaf Variable that requires grad is being used in an "
                               "in-place operation.")
        with _named(name):
            new = _fitted(op(_snapshot(x)), x, name)
        setitem(source, entry[3][0], new, name)
        _take_history(x, GetItem.apply(source, entry[3][0]))
        return x
    for other_entry in x._version.views or ():
        t = other_entry[0]()
        if t is not None and t is not x and t.is_leaf and t._requires_grad:
            raise RuntimeError(f"{name}: a view of a leaf Variable that requires grad is being used in an "
                               "in-place operation.")
    with _named(name):
        new = _fitted(op(_snapshot(x)), x, name)
    x._write(new._data)
    _take_history(x, new)
    for other_entry in x._version.views or ():
        t = other_entry[0]()
        if t is not None and t is not x and backend.is_float(t.dtype):
            t.grad_fn, t._requires_grad, t._output_nr = StaleHistory(t.shape), True, None
    return x


def _view_entry(x):
    """x's entry in its version counter's list of views, or None."""
    for entry in x._version.views or ():
        if entry[0]() is x:
            return entry
    return None


def _check_writable(x, name):
    """An expand()/broadcast_to view has many elements in one place: refuse to write it."""
    entry = _view_entry(x)
    if (entry is not None and entry[2] is BroadcastTo) or not backend.of(x._data).writeable(x._data):
        raise RuntimeError(f"{name}: unsupported operation: more than one element of the written-to tensor "
                           "refers to a single memory location (it was made by expand or broadcast_to). "
                           "Write into a copy instead (x * 1).")


def _snapshot(x):
    """A copy of x's values that keeps x's history: what the out-of-place op reads."""
    old = Tensor(_xp(x._data).astype(x._data, x._data.dtype, copy=True))
    old.grad_fn, old._output_nr, old._requires_grad = x.grad_fn, x._output_nr, x._requires_grad
    return old


def _take_history(x, new):
    x.grad_fn, x._output_nr, x._requires_grad = new.grad_fn, new._output_nr, new._requires_grad


_KIND = {"bool": 0, "int": 1, "uint": 1, "float": 2}


def _fitted(new, x, name):
    """The result of x's in-place op, checked to fit x: x's shape, and a dtype x can take."""
    if not isinstance(new, Tensor):
        raise TypeError(f"{name}: expected a Tensor result, got {type(new).__name__}")
    if new.shape != x.shape:
        raise RuntimeError(f"{name}: output with shape {x.shape} doesn't match the broadcast shape {new.shape}")
    have, want = backend.dtype_name(new.dtype), backend.dtype_name(x.dtype)
    if have != want:
        if _KIND[have.rstrip("0123456789")] > _KIND[want.rstrip("0123456789")]:
            raise RuntimeError(f"{name}: result type {have} can't be cast to the desired output type {want}")
        new = astype(new, want)
    return new
