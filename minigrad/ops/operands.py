"""What an op is given: its operands, with PyTorch's type promotion, and its dims.

Every public op reads its arguments through these helpers, so the rules live
in one place.

Type promotion, as torch.result_type. Dtypes fall in three categories,
bool < integer < float. Operands fall in three tiers: tensors with dims,
0-d tensors (and NumPy 0-d arrays), and numbers (Python or NumPy scalars).
The result takes the highest category present; within it, the dtype comes
from the highest tier that reaches that category:

    float32 (3,) * float64 0-d   -> float32   (a 0-d tensor decides only the category)
    int32 (3,)   + int64 0-d     -> int32
    int32 (3,)   * 2.5           -> float32   (a float number: the default float dtype)
    int32 (3,)   * float64 0-d   -> float64   (the 0-d tensor raised the category)
    float32 (3,) + float64 (3,)  -> float64   (two tensors with dims: the wider)

Functions that only make sense on floats (true division, exp, log, sqrt,
tanh, sigmoid, mean, ...) turn integer and bool inputs into the default
float dtype, float32, first.

Dims: `dim=` is PyTorch's name and `axis=` NumPy's; every op takes both (one at
a time), and a dim out of range is an IndexError, as in PyTorch.
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


# ---- type promotion -----------------------------------------------------------

_BOOL, _INT, _FLOAT = 0, 1, 2
_CATEGORY = {"bool": _BOOL, "uint8": _INT, "int8": _INT, "int16": _INT, "int32": _INT, "int64": _INT,
             "float32": _FLOAT, "float64": _FLOAT}
_INT_ORDER = ("int8", "int16", "int32", "int64")


def promote_types(a, b):
    """The dtype two tensors with dims promote to (torch.promote_types).

    Args:
        a, b: dtype names or dtype objects.
    Returns:
        The dtype name: the higher category; within floats the wider; within
        integers the wider, uint8 with a signed type needing one step wider.
    """
    a, b = backend.dtype_name(a), backend.dtype_name(b)
    if a == b:
        return a
    ca, cb = _CATEGORY[a], _CATEGORY[b]
    if ca != cb:
        return a if ca > cb else b
    if ca == _FLOAT:
        return "float64"
    if "uint8" in (a, b):                       # uint8 with a signed int: wide enough for both
        other = b if a == "uint8" else a
        return "int16" if other == "int8" else other
    return builtins.max(a, b, key=_INT_ORDER.index)


def _number_dtype(x):
    """The dtype a Python number stands for: bool, int64, or the default float."""
    if isinstance(x, bool):
        return "bool"
    if isinstance(x, numbers.Integral):
        return "int64"
    if isinstance(x, numbers.Real):
        return DEFAULT_DTYPE
    raise TypeError(f"expected a tensor or a real number, got {type(x).__name__}")


def _combine(higher, lower):
    """PyTorch's rule for two tiers: the higher tier's dtype, unless the lower
    tier brings a higher category (then the lower tier's dtype decides)."""
    if higher is None:
        return lower
    if lower is None or _CATEGORY[higher] == _FLOAT:
        return higher
    if _CATEGORY[higher] == _BOOL or _CATEGORY[lower] > _CATEGORY[higher]:
        return promote_types(higher, lower)
    return higher


def result_type(*operands):
    """The dtype an op of these operands gives, as torch.result_type.

    Args:
        *operands: Tensors (with dims, or 0-d) and Python or NumPy numbers.
    Returns:
        The dtype name (see the module docstring for the rule).
    """
    dims = zero = number = None
    for x in operands:
        if isinstance(x, Tensor):
            name = backend.dtype_name(x.dtype)
            if x.ndim:
                dims = name if dims is None else promote_types(dims, name)
            else:
                zero = name if zero is None else promote_types(zero, name)
        else:
            name = _number_dtype(x.item() if backend.is_host_scalar(x) else x)
            number = name if number is None else promote_types(number, name)
    return _combine(dims, _combine(zero, number))


def _operand(x):
    """Tensors stay; numbers stay Python numbers (NumPy scalars become them);
    lists and arrays (NumPy 0-d arrays too) become Tensors."""
    if isinstance(x, Tensor):
        return x
    if backend.is_host_scalar(x):          # a NumPy scalar: weak, like a Python number
        return x.item()
    if isinstance(x, numbers.Number):
        return x
    return tensor(x)


def _as_dtype(x, dtype):
    """x converted to `dtype`: a Tensor by astype (its gradient comes back in its
    own dtype), a number to the Python type of dtype's category."""
    if isinstance(x, Tensor):
        return x if backend.dtype_name(x.dtype) == dtype else astype(x, dtype)
    category = _CATEGORY[dtype]
    return float(x) if category == _FLOAT else int(x) if category == _INT else bool(x)


def _operands(a, b):
    """Both operands of a binary op, converted to their result_type, so that
    every backend computes in the dtype PyTorch gives (NumPy alone would make
    int64 * 0.5 float64, float32 * a float64 0-d array float64, and
    array-api-strict refuses mixed dtypes outright)."""
    if type(a) is Tensor and (type(b) is float or type(b) is int) and backend.is_float(a._data.dtype):
        return a, b                                     # x * 0.5, the commonest case, before any conversion
    a, b = _operand(a), _operand(b)
    if type(a) is Tensor:
        if type(b) is Tensor:
            if a.dtype is b.dtype:                      # the common cases first: one test each
                return a, b
        elif (type(b) is float or type(b) is int) and backend.is_float(a.dtype):
            return a, b
    elif (type(a) is float or type(a) is int) and type(b) is Tensor and backend.is_float(b.dtype):
        return a, b
    dtype = result_type(a, b)
    return _as_dtype(a, dtype), _as_dtype(b, dtype)


def _float_input(x, op):
    """x for an op defined on floats only: an integer or bool tensor becomes
    the default float dtype (float32), as in PyTorch; a float tensor stays."""
    if type(x) is Tensor and backend.is_float(x._data.dtype):     # the common case: one test
        return x
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: expected a Tensor, got {type(x).__name__}")
    return x if backend.is_float(x.dtype) else astype(x, DEFAULT_DTYPE)


def _tensor_arg(x, op, name="input"):
    """A Tensor argument, or a TypeError naming the op."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: argument '{name}' must be a Tensor, got {type(x).__name__}")
    return x


# ---- dims ----------------------------------------------------------------------

def _dim_arg(dim, axis, op, default=None):
    """The dim an op was given: PyTorch's `dim=` or NumPy's `axis=`, not both."""
    if axis is None:
        return dim
    if dim != default:
        raise TypeError(f"{op}: got both dim={dim!r} and axis={axis!r}; pass one (axis is an alias of dim)")
    return axis


def _keepdim_arg(keepdim, keepdims, op):
    """keepdim, PyTorch's name, or keepdims, NumPy's, not both."""
    if keepdims is None:
        return keepdim
    if keepdim:
        raise TypeError(f"{op}: got both keepdim and keepdims; pass one (keepdims is an alias of keepdim)")
    return keepdims


def _check_dim(d, ndim, op):
    """One dim as a non-negative int; a 0-d tensor accepts 0 and -1 (as PyTorch)."""
    if isinstance(d, bool) or not isinstance(d, numbers.Integral):
        raise TypeError(f"{op}: dim must be an integer, got {type(d).__name__} {d!r}")
    n = builtins.max(ndim, 1)
    if not -n <= d < n:
        raise IndexError(f"{op}: dim {d} is out of range for a tensor of {ndim} dims "
                         f"(expected one in [{-n}, {n - 1}])")
    return int(d) % n


def _normalize_axis(axis, ndim, op="reduction"):
    """Dims as a sorted tuple of non-negative ints; None means all of them.
    A 0-d tensor has no dims: None, 0 and -1 all mean "nothing to reduce"."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, numbers.Integral) and not isinstance(axis, bool):
        return (_check_dim(axis, ndim, op),) if ndim else ()
    if not isinstance(axis, (tuple, list)):
        raise TypeError(f"{op}: dim must be an integer or a tuple of integers, got {type(axis).__name__}")
    out = {_check_dim(a, ndim, op) for a in axis}
    if len(out) != len(axis):
        raise RuntimeError(f"{op}: dim {tuple(axis)} names one dim more than once")
    return tuple(sorted(out)) if ndim else ()


def _one_axis(axis, ndim, op):
    """One dim, as a non-negative int, for ops that work along a single dim
    (and need a tensor with at least one: cat, split, unbind, take)."""
    if ndim == 0:
        raise IndexError(f"{op}: needs a tensor with at least 1 dim, got a 0-d tensor")
    return _check_dim(axis, ndim, op)
