"""Layers as functions: linear, embedding, dropout, the norms, and reshaping helpers
(pad, normalize, cosine_similarity, one_hot).

Each is a composite of engine ops, so its gradient comes from the engine and
is checked by the same gradcheck as the primitives.
"""

import math
import numbers

from minigrad import backend
from minigrad.nn.checks import check_dim, check_float, check_probability, check_tensor, index_array
from minigrad.ops import abs, maximum, mean, reshape, sqrt, sum, take, where
from minigrad.ops import max as amax
from minigrad.ops import pad as zero_pad
from minigrad.tensor import Tensor

# ---- layers ------------------------------------------------------------------

def linear(input, weight, bias=None):
    """y = x Wᵀ + b, with W stored PyTorch's way, (out_features, in_features).

    Args:
        input: (*, in_features)
        weight: (out_features, in_features);  bias: (out_features,) or None
    Returns:
        (*, out_features)
    """
    check_float("linear", "input", input)
    if input.ndim == 0 or input.shape[-1] != weight.shape[1]:
        raise ValueError(f"linear: input of shape {input.shape} has {input.shape[-1] if input.ndim else 0} "
                         f"features, but weight of shape {weight.shape} expects {weight.shape[1]}")
    if input.device != weight.device:
        raise RuntimeError(f"linear: input is on device {input.device!r} but weight is on {weight.device!r}")
    if input.dtype != weight.dtype:
        raise TypeError(f"linear: input dtype {backend.dtype_name(input.dtype)} differs from "
                        f"weight dtype {backend.dtype_name(weight.dtype)}")
    # One (M, in) @ (in, out) product over all leading axes at once: a single
    # matrix multiply forward and one for the weight's gradient, instead of a
    # batch of small ones summed afterwards.
    lead = input.shape[:-1]
    y = reshape(input, (math.prod(lead), weight.shape[1])) @ weight.T     # (M, out)
    if bias is not None:
        y = y + bias
    return reshape(y, lead + (weight.shape[0],))                          # (*, out)


def embedding(input, weight, padding_idx=None):
    """Rows of `weight` at the integer indices `input`: a lookup table.

    Args:
        input: integer indices of any shape (*), each in [0, num_embeddings)
        weight: (num_embeddings, embedding_dim)
        padding_idx: a row that gets no gradient (a padding token's vector
            stays as it is, zeros as nn.Embedding makes it); negative counts
            from the end, as in PyTorch
    Returns:
        (*, embedding_dim). The gradient adds g into the rows that were read,
        repeated indices accumulating.
    """
    check_tensor("embedding", "weight", weight)
    idx = index_array("embedding", "input", input, weight.device)
    n = weight.shape[0]
    padding_idx = _padding_idx("embedding", padding_idx, n)
    bad = backend.of(idx).to_host(backend.of(idx).xp.any((idx < 0) | (idx >= n)))
    if bad:
        raise IndexError(f"embedding: indices must lie in [0, {n}) for a weight of shape {weight.shape}")
    rows = weight[Tensor(idx)]                                             # (*, E)
    if padding_idx is None:
        return rows
    # the padding row's value, read from a detached weight: no gradient reaches it
    is_pad = Tensor(idx[..., None] == padding_idx)                          # (*, 1)
    return where(is_pad, weight.detach()[Tensor(idx)], rows)


def _padding_idx(name, padding_idx, n):
    """padding_idx in [-n, n) as a row number in [0, n), or None."""
    if padding_idx is None:
        return None
    if isinstance(padding_idx, bool) or not isinstance(padding_idx, numbers.Integral):
        raise TypeError(f"{name}: padding_idx must be an integer or None, got {padding_idx!r}")
    if not -n <= padding_idx < n:
        raise ValueError(f"{name}: padding_idx must be within num_embeddings: in [{-n}, {n}), got {padding_idx}")
    return int(padding_idx) % n


def one_hot(input, num_classes=-1):
    """One-hot rows, as torch.nn.functional.one_hot.

    Args:
        input: integer indices (*);  num_classes: C, or -1 for the largest index + 1
    Returns:
        int64 (*, C) with a 1 at each index and 0 elsewhere (outside the graph)
    """
    idx = index_array("one_hot", "input", input, input.device if isinstance(input, Tensor) else "cpu")
    b = backend.of(idx)
    host = b.to_host(idx)
    if num_classes == -1:
        num_classes = int(host.max()) + 1 if host.size else 0
    if host.size and (host.min() < 0 or host.max() >= num_classes):
        raise ValueError(f"one_hot: indices must lie in [0, {num_classes}), got values "
                         f"from {host.min()} to {host.max()}")
    classes = backend.arange(0, num_classes, 1, "int64", b)                  # (C,)
    return Tensor(b.xp.astype(idx[..., None] == classes, b.dtype("int64")))  # (*, C)


def dropout(input, p=0.5, training=True):
    """Zero each element with probability p and scale the rest by 1/(1-p), so
    the expected value is unchanged (inverted dropout; Srivastava et al. 2014).
    The identity when not training. The mask comes from the generator
    minigrad.manual_seed seeds.

    Args:
        input: (*);  p: the probability of zeroing, in [0, 1];  training: apply it or not
    Returns:
        (*)
    """
    check_float("dropout", "input", input)
    p = check_probability("dropout", "p", p)
    if not training or p == 0.0:
        return input
    b = backend.of(input._data)
    if p == 1.0:
        return input * Tensor(b.zeros(input.shape, input.dtype))
    u = backend.random_uniform(input.shape, 0.0, 1.0, input.dtype, b)
    mask = b.xp.astype(u >= p, input.dtype) * (1.0 / (1.0 - p))
    return input * Tensor(backend.ensure_array(mask))


def _norm_axes(name, x, normalized_shape):
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if len(shape) > x.ndim or x.shape[x.ndim - len(shape):] != shape:
        raise ValueError(f"{name}: the last axes of input of shape {x.shape} must be normalized_shape {shape}")
    return tuple(range(x.ndim - len(shape), x.ndim))


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """y = (x - μ) / sqrt(σ² + ε) ⊙ weight + bias, with μ and σ² (biased) over
    the last len(normalized_shape) axes (Ba et al. 2016).

    Args:
        input: (*, *normalized_shape);  weight, bias: normalized_shape or None
    Returns:
        same shape as input
    """
    check_float("layer_norm", "input", input)
    axes = _norm_axes("layer_norm", input, normalized_shape)
    d = input - mean(input, axes, keepdims=True)
    y = d / sqrt(mean(d * d, axes, keepdims=True) + eps)
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y


def rms_norm(input, normalized_shape, weight=None, eps=1e-5):
    """y = x / sqrt(mean(x²) + ε) ⊙ weight over the last axes: LayerNorm without
    the centring and the bias (Zhang & Sennrich 2019), as Mamba uses it.

    Args:
        input: (*, *normalized_shape);  weight: normalized_shape or None
    Returns:
        same shape as input
    """
    check_float("rms_norm", "input", input)
    axes = _norm_axes("rms_norm", input, normalized_shape)
    y = input / sqrt(mean(input * input, axes, keepdims=True) + eps)
    return y * weight if weight is not None else y


# ---- reshaping and normalising ---------------------------------------------------

_PAD_MODES = ("constant", "reflect", "replicate", "circular")


def pad(input, pad, mode="constant", value=None):
    """Pad (or, with negative widths, crop) the last axes, as torch.nn.functional.pad.

    `pad` lists (before, after) widths from the last axis backwards:
    (left, right) pads the last axis, (left, right, top, bottom) the last two.

    Modes: "constant" fills with `value` (0 if None); "reflect" mirrors without
    repeating the edge (3 2 | 1 2 3 | 2 1); "replicate" repeats the edge
    (1 1 | 1 2 3 | 3 3); "circular" wraps around (2 3 | 1 2 3 | 1 2). The last
    three read x at computed indices (take), so their gradient adds back into
    the elements that were copied.

    Args:
        input: (*, d_1, ..., d_k), with k = len(pad) / 2 padded axes
        pad: a tuple of 2k ints
    Returns:
        (*, d_1 + p_1, ..., d_k + p_k), p_i the two widths of axis i summed
    """
    check_tensor("pad", "input", input)
    if not isinstance(pad, (tuple, list)) or len(pad) % 2 or \
            not all(isinstance(p, numbers.Integral) and not isinstance(p, bool) for p in pad):
        raise TypeError(f"pad: pad must be a tuple of an even number of ints, got {pad!r}")
    if len(pad) // 2 > input.ndim:
        raise ValueError(f"pad: {len(pad)} widths pad {len(pad) // 2} axes, but the input has shape {input.shape}")
    if mode not in _PAD_MODES:
        raise NotImplementedError(f"pad: mode must be one of {_PAD_MODES}, got {mode!r}")
    if mode != "constant" and value is not None:
        raise ValueError(f"pad: value is only used by mode='constant', got value={value!r} with mode={mode!r}")
    widths = [(0, 0)] * input.ndim
    for i in range(len(pad) // 2):
        widths[input.ndim - 1 - i] = (int(pad[2 * i]), int(pad[2 * i + 1]))
    x = input
    for axis, (lo, hi) in enumerate(widths):                 # negative widths crop first
        if lo < 0 or hi < 0:
            n = x.shape[axis]
            keep = slice(-lo if lo < 0 else 0, n + hi if hi < 0 else n)
            x = x[(slice(None),) * axis + (keep,)]
    widths = [(max(lo, 0), max(hi, 0)) for lo, hi in widths]
    if mode == "constant":
        y = zero_pad(x, widths)
        if value:                                             # the border gets `value`, the middle x
            border = 1 - zero_pad(Tensor(backend.of(x._data).full(x.shape, 1, x.dtype)), widths)
            y = y + border * value
        return y
    for axis, (lo, hi) in enumerate(widths):
        if lo or hi:
            x = take(x, _pad_indices(mode, x.shape[axis], lo, hi, "pad"), axis)
    return x


def _pad_indices(mode, n, lo, hi, name):
    """Where each position of a padded axis of length n reads from (host ints)."""
    if mode == "reflect" and (lo >= n or hi >= n):
        raise ValueError(f"{name}: reflect padding widths must be less than the axis length {n}, got ({lo}, {hi})")
    if mode == "circular" and (lo > n or hi > n):
        raise ValueError(f"{name}: circular padding widths must be at most the axis length {n}, got ({lo}, {hi})")
    out = []
    for i in range(-lo, n + hi):
        if mode == "replicate":
            out.append(min(max(i, 0), n - 1))
        elif mode == "circular":
            out.append(i % n)
        else:                                                  # reflect: mirror about 0 and n - 1
            out.append(-i if i < 0 else 2 * (n - 1) - i if i >= n else i)
    return out


def _vector_norm(x, p, dim, floor):
    """max(‖x‖_p along dim, floor), kept as a size-1 axis.

    Written as (max(Σ|x|^p, floor^p))^(1/p), the same number, so that a zero
    vector meets the floor before the root: the root's gradient, 1/(p·s^(1-1/p)),
    would be infinite at s = 0; beyond the floor the gradient is zero, as PyTorch's."""
    if p == float("inf"):
        return maximum(amax(abs(x), dim, keepdims=True), floor)
    if p == 2:
        return sqrt(maximum(sum(x * x, dim, keepdims=True), floor * floor))
    return maximum(sum(abs(x) ** p, dim, keepdims=True), floor ** p) ** (1.0 / p)


def normalize(input, p=2.0, dim=1, eps=1e-12):
    """x / max(‖x‖_p, eps) along `dim`: unit vectors (zero vectors stay zero).

    Args:
        input: (..., d, ...) with d at `dim`;  p: the norm's order (inf for max |x|)
    Returns:
        same shape as input
    """
    check_float("normalize", "input", input)
    if not isinstance(p, numbers.Real) or isinstance(p, bool) or p <= 0:
        raise ValueError(f"normalize: p must be a positive number, got {p!r}")
    dim = check_dim("normalize", dim, input.ndim)
    return input / _vector_norm(input, p, dim, eps)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """Σ (x1 / max(‖x1‖, eps)) ⊙ (x2 / max(‖x2‖, eps)) along `dim`: the cosine of
    the angle between the two vectors, in [-1, 1].

    Args:
        x1, x2: broadcastable shapes, the vectors along `dim`
    Returns:
        the broadcast shape without `dim`
    """
    check_float("cosine_similarity", "x1", x1)
    check_float("cosine_similarity", "x2", x2)
    ndim = max(x1.ndim, x2.ndim)
    dim = check_dim("cosine_similarity", dim, ndim)
    if x1.ndim < ndim:
        x1 = reshape(x1, (1,) * (ndim - x1.ndim) + x1.shape)
    if x2.ndim < ndim:
        x2 = reshape(x2, (1,) * (ndim - x2.ndim) + x2.shape)
    u = x1 / _vector_norm(x1, 2, dim, eps)
    v = x2 / _vector_norm(x2, 2, dim, eps)
    return sum(u * v, dim)
