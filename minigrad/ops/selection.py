"""Selection: gather, masked_fill, tril, triu, roll, repeat, repeat_interleave.

The rules this file holds:
- Reading elements at indices (gather) has as its backward the scatter-add
  of g back to those places, through the backend seam (repeated indices add
  up); the scatter-add's own backward is the gather again, so both have
  second derivatives.
- The rest are built from primitives (where, broadcast_to, reshape, take),
  whose gradients they inherit: masked_fill, tril and triu route g through
  `where`; repeat is a broadcast; repeat_interleave is a broadcast or a take.
- roll is its own op: its backward rolls g back.
- Dims are PyTorch's: an int in [-ndim, ndim), negative counting from the end.
"""

import numbers

from minigrad import backend
from minigrad.autograd import Function
from minigrad.tensor import Tensor
from minigrad.ops.broadcast import broadcast_to
from minigrad.ops.conversion import astype
from minigrad.ops.indexing import take, where
from minigrad.ops.operands import _check_dim, _tensor_arg, _xp
from minigrad.ops.shape import reshape


# ---- gather and its scatter-add ------------------------------------------------

# y[..., i, ...] = x[..., index[..., i, ...], ...] along dim;   dx = zeros with g added at index
class Gather(Function):
    @staticmethod
    def forward(ctx, x, dim, index):
        ctx.x_shape, ctx.dim, ctx.index = tuple(x.shape), dim, index
        xp = _xp(x)
        if x.ndim == 0:
            return x[...]
        # PyTorch lets index be smaller than x on the other dims: read only that corner
        corner = tuple(slice(0, n) if d != dim else slice(None) for d, n in enumerate(index.shape))
        return xp.take_along_axis(x[corner], index, axis=dim)

    @staticmethod
    def backward(ctx, g):
        return ScatterAdd.apply(g, ctx.x_shape, ctx.dim, ctx.index), None, None


# y = zeros(shape) with x[..., i, ...] added at index[..., i, ...] along dim;   dx = gather(g, dim, index)
class ScatterAdd(Function):
    @staticmethod
    def forward(ctx, x, shape, dim, index):
        ctx.dim, ctx.index = dim, index
        b = backend.of(x)
        y = b.zeros(shape, x.dtype)
        if x.ndim == 0:
            return y + x
        b.scatter_add(y, _full_index(b, index, dim), x)
        return y

    @staticmethod
    def backward(ctx, g):
        return Gather.apply(g, ctx.dim, Tensor(ctx.index)), None, None, None


def _full_index(b, index, dim):
    """The tuple of integer arrays that addresses, for each element of `index`,
    the place gather reads: its own position on every dim but `dim`, where it
    is index's value."""
    xp = b.xp
    parts = []
    for d, n in enumerate(index.shape):
        if d == dim:
            parts.append(index)
            continue
        shape = [1] * index.ndim
        shape[d] = n
        positions = xp.reshape(b.asarray(list(range(n)), "int64"), tuple(shape))
        parts.append(xp.broadcast_to(positions, tuple(index.shape)))
    return tuple(parts)


def gather(input, dim, index):
    """Values of input along `dim` at the positions `index` gives, as torch.gather:
    out[i][j][k] = input[index[i][j][k]][j][k] for dim = 0 (and so on).

    Args:
        input: a tensor of n dims.
        dim: the dim to read along (negative counts from the end).
        index: an integer tensor of n dims, index.shape[d] ≤ input.shape[d]
            for every d ≠ dim, values in [0, input.shape[dim]).
    Returns:
        a tensor of index's shape, input's dtype. The gradient adds g back
        to the places read (repeated indices add up).
    """
    _tensor_arg(input, "gather")
    _tensor_arg(index, "gather", "index")
    if not backend.dtype_name(index.dtype).startswith(("int", "uint")):
        raise RuntimeError(f"gather: index must be an integer tensor, got dtype {backend.dtype_name(index.dtype)}")
    if index.device != input.device:
        raise RuntimeError(f"gather: index is on {index.device} but input is on {input.device}")
    dim = _check_dim(dim, input.ndim, "gather")
    if index.ndim != input.ndim:
        raise RuntimeError(f"gather: index must have as many dims as input ({input.ndim}), got {index.ndim}")
    for d, (n, m) in enumerate(zip(index.shape, input.shape)):
        if d != dim and n > m:
            raise RuntimeError(f"gather: index has size {n} on dim {d}, larger than input's {m} "
                               f"(input shape {input.shape}, index shape {index.shape})")
    idx = index._data
    size = input.shape[dim] if input.ndim else 1
    xp = _xp(idx)
    if idx.size and (int(xp.min(idx)) < 0 or int(xp.max(idx)) >= size):
        bad = int(xp.min(idx)) if int(xp.min(idx)) < 0 else int(xp.max(idx))
        raise RuntimeError(f"gather: index {bad} is out of bounds for dim {dim} with size {size} "
                           "(gather takes no negative indices, as in PyTorch)")
    idx = xp.astype(idx, backend.of(idx).dtype("int64"))
    return Gather.apply(input, dim, idx)


# ---- built from where: masked_fill, tril, triu ------------------------------------

def masked_fill(input, mask, value):
    """input with `value` wherever mask is True, as torch.Tensor.masked_fill.

    Args:
        input: a tensor of any shape.
        mask: a bool tensor broadcastable with input.
        value: a number, or a 0-d tensor (then the gradient reaches it too),
            cast to input's dtype.
    Returns:
        a tensor of input's dtype and of the shape input and mask broadcast
        to (PyTorch's out-of-place masked_fill broadcasts both); the gradient
        flows to input where mask is False.
    """
    _tensor_arg(input, "masked_fill")
    _tensor_arg(mask, "masked_fill", "mask")
    if backend.dtype_name(mask.dtype) != "bool":
        raise RuntimeError(f"masked_fill: mask must be a bool tensor, got dtype {backend.dtype_name(mask.dtype)}")
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(f"masked_fill: value must be a number or a 0-d tensor, got shape {value.shape}")
        value = astype(value, input.dtype)
    elif isinstance(value, numbers.Number):
        value = Tensor(backend.of(input._data).asarray(value, input.dtype))
    else:
        raise TypeError(f"masked_fill: value must be a number or a 0-d tensor, got {type(value).__name__}")
    return where(mask, value, input)


def _triangle(input, diagonal, op, lower):
    _tensor_arg(input, op)
    if input.ndim < 2:
        raise RuntimeError(f"{op}: input must have at least 2 dims, got shape {input.shape}")
    if not isinstance(diagonal, numbers.Integral) or isinstance(diagonal, bool):
        raise TypeError(f"{op}: diagonal must be an integer, got {diagonal!r}")
    b = backend.of(input._data)
    xp = b.xp
    n, m = input.shape[-2:]
    rows = xp.reshape(b.asarray(list(range(n)), "int64"), (n, 1))     # (n, 1)
    cols = xp.reshape(b.asarray(list(range(m)), "int64"), (1, m))     # (1, m)
    keep = cols - rows <= diagonal if lower else cols - rows >= diagonal      # (n, m)
    zero = Tensor(b.zeros((), input.dtype))
    return where(Tensor(keep), input, zero)


def tril(input, diagonal=0):
    """The lower triangle of the last two dims: elements with col - row ≤ diagonal kept, the rest 0.

    Args:
        input: a tensor (..., n, m).
        diagonal: 0 the main diagonal, > 0 above it, < 0 below.
    Returns:
        a tensor (..., n, m) of input's dtype; the gradient is tril(g).
    """
    return _triangle(input, diagonal, "tril", lower=True)


def triu(input, diagonal=0):
    """The upper triangle of the last two dims: elements with col - row ≥ diagonal kept, the rest 0.

    Args:
        input: a tensor (..., n, m).
        diagonal: 0 the main diagonal, > 0 above it, < 0 below.
    Returns:
        a tensor (..., n, m) of input's dtype; the gradient is triu(g).
    """
    return _triangle(input, diagonal, "triu", lower=False)


# ---- roll ---------------------------------------------------------------------------

# y = x shifted by `shifts` along dims, wrapping around;   dx = g shifted back
class Roll(Function):
    @staticmethod
    def forward(ctx, x, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        return _xp(x).roll(x, shift=shifts, axis=dims)

    @staticmethod
    def backward(ctx, g):
        return Roll.apply(g, tuple(-s for s in ctx.shifts), ctx.dims), None, None


def roll(input, shifts, dims=None):
    """Elements shifted along dims, those pushed off one end coming back at the other.

    Args:
        input: a tensor of any shape.
        shifts: an int or a tuple of ints, one per dim.
        dims: an int, a tuple of ints, or None to roll the flattened tensor
            (then shifts is one int) and restore the shape.
    Returns:
        a tensor of input's shape and dtype.
    """
    _tensor_arg(input, "roll")
    shifts = (shifts,) if isinstance(shifts, numbers.Integral) else tuple(shifts)
    if not all(isinstance(s, numbers.Integral) for s in shifts):
        raise TypeError(f"roll: shifts must be integers, got {shifts!r}")
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"roll: with dims=None shifts must be one integer, got {shifts!r}")
        flat = reshape(input, (-1,))
        return reshape(Roll.apply(flat, (int(shifts[0]),), (0,)), input.shape)
    dims = (dims,) if isinstance(dims, numbers.Integral) else tuple(dims)
    if len(dims) != len(shifts):
        raise RuntimeError(f"roll: shifts and dims must have the same length, got shifts={shifts!r}, dims={dims!r}")
    dims = tuple(_check_dim(d, input.ndim, "roll") for d in dims)
    if input.ndim == 0:
        return input * 1
    return Roll.apply(input, tuple(int(s) for s in shifts), dims)


# ---- built from broadcast and take: repeat, repeat_interleave ---------------------------

def repeat(input, *sizes):
    """input tiled `sizes` times along each dim, as torch.Tensor.repeat (NumPy's tile).

    Args:
        input: a tensor (s_1, ..., s_n).
        sizes: ints (r_1, ..., r_k), k ≥ n, given separately or as one tuple;
            the first k - n add new leading dims.
    Returns:
        a tensor (r_1, ..., r_{k-n}, r_{k-n+1} s_1, ..., r_k s_n): each new
        dim r·s reads as (r, s), repeat-major, so the gradient sums g over the r's.
    """
    _tensor_arg(input, "repeat")
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    if not sizes:
        raise TypeError("repeat: missing the sizes, one per dim (e.g. x.repeat(2, 1))")
    if not all(isinstance(r, numbers.Integral) and not isinstance(r, bool) for r in sizes):
        raise TypeError(f"repeat: sizes must be integers, got {sizes!r}")
    if len(sizes) < input.ndim:
        raise RuntimeError(f"repeat: the number of repeat dims ({len(sizes)}) can not be smaller than "
                           f"the number of tensor dims ({input.ndim})")
    if any(r < 0 for r in sizes):
        raise RuntimeError(f"repeat: sizes must be non-negative, got {sizes!r}")
    shape = (1,) * (len(sizes) - input.ndim) + input.shape
    spread = reshape(input, tuple(d for s in shape for d in (1, s)))            # (1, s_1, 1, s_2, ...)
    tiled = broadcast_to(spread, tuple(d for r, s in zip(sizes, shape) for d in (r, s)))   # (r_1, s_1, ...)
    return reshape(tiled, tuple(r * s for r, s in zip(sizes, shape)))


def repeat_interleave(input, repeats, dim=None):
    """Each element repeated in place, as torch.repeat_interleave: [a, b] -> [a, a, b, b].

    Args:
        input: a tensor of any shape.
        repeats: an int (every element the same), or a 1-D integer tensor or
            list of one count per element along dim (or one count for all).
        dim: the dim to repeat along; None flattens input first.
    Returns:
        a tensor like input with dim's size multiplied (or the sum of the
        counts); 1-D if dim is None. The gradient sums g over each element's copies.
    """
    _tensor_arg(input, "repeat_interleave")
    if dim is None:
        input, dim = reshape(input, (-1,)), 0
    else:
        dim = _check_dim(dim, input.ndim, "repeat_interleave")
        if input.ndim == 0:
            input = reshape(input, (1,))
    n = input.shape[dim]
    if isinstance(repeats, Tensor):
        if not backend.dtype_name(repeats.dtype).startswith(("int", "uint")):
            raise RuntimeError(f"repeat_interleave: repeats must be an integer tensor, got dtype "
                               f"{backend.dtype_name(repeats.dtype)}")
        if repeats.ndim > 1:
            raise RuntimeError(f"repeat_interleave: repeats must be 0-d or 1-D, got shape {repeats.shape}")
        repeats = repeats.tolist()
    if isinstance(repeats, numbers.Integral) and not isinstance(repeats, bool):
        counts = None
        if repeats < 0:
            raise RuntimeError(f"repeat_interleave: repeats must be non-negative, got {repeats}")
        r = int(repeats)
    else:
        counts = [repeats] if isinstance(repeats, numbers.Integral) else list(repeats)
        if len(counts) == 1:
            counts = counts * n
        if len(counts) != n:
            raise RuntimeError(f"repeat_interleave: repeats must have {n} counts (the size of dim {dim}), "
                               f"got {len(counts)}")
        if any(c < 0 for c in counts):
            raise RuntimeError(f"repeat_interleave: repeats must be non-negative, got {counts}")
    if counts is not None:
        positions = [i for i, c in enumerate(counts) for _ in range(int(c))]    # [0, 0, 1, 2, 2, 2, ...]
        return take(input, backend.of(input._data).asarray(positions, "int64"), dim)
    shape = input.shape
    spread = reshape(input, shape[:dim + 1] + (1,) + shape[dim + 1:])          # (..., n, 1, ...)
    copies = broadcast_to(spread, shape[:dim + 1] + (r,) + shape[dim + 1:])    # (..., n, r, ...)
    return reshape(copies, shape[:dim] + (n * r,) + shape[dim + 1:])
