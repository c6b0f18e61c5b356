"""scaled_dot_product_attention, as torch.nn.functional has it:

    softmax(q kᵀ · scale + mask) v,   scale = 1/√E by default

(Vaswani et al. 2017, eq. 1). A bool attn_mask says which keys each query may
see (True = take part); a float one is added to the scores; is_causal lets
query i see keys j ≤ i (PyTorch's top-left aligned lower triangle).
"""

import math
import numbers

from minigrad import backend
from minigrad.nn.checks import check_float, check_probability, check_tensor
from minigrad.nn.functional.layers import dropout
from minigrad.ops import softmax, where
from minigrad.tensor import Tensor


def attention_mask_scores(scores, attn_mask, name):
    """scores (..., L, S) with a bool mask (True = keep) or a float mask (added) applied."""
    check_tensor(name, "attn_mask", attn_mask)
    if attn_mask.device != scores.device:
        raise RuntimeError(f"{name}: attn_mask is on device {attn_mask.device!r} but the query is on "
                           f"{scores.device!r}")
    m, s = attn_mask.shape, scores.shape
    if len(m) > len(s) or any(a not in (1, b) for a, b in zip(reversed(m), reversed(s))):
        raise RuntimeError(f"{name}: attn_mask of shape {m} does not broadcast to the "
                           f"attention scores' shape {s} (..., L, S)")
    if backend.dtype_name(attn_mask.dtype) == "bool":
        return where(attn_mask, scores, float("-inf"))          # e^-inf = 0: a masked key gets no weight
    if not backend.is_float(attn_mask.dtype):
        raise TypeError(f"{name}: attn_mask must be bool or float, got dtype {backend.dtype_name(attn_mask.dtype)}")
    return scores + attn_mask


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False):
    """Attention of every query over every key.

    Args:
        query: (..., L, E);  key: (..., S, E);  value: (..., S, Ev)
        attn_mask: bool (True = may attend) or float (added to the scores),
            broadcastable to (..., L, S); or None
        dropout_p: the probability of zeroing an attention weight (always
            applied when > 0, as PyTorch's function does; pass 0 in evaluation)
        is_causal: query i sees keys j ≤ i only; not together with attn_mask
        scale: the factor on q kᵀ, 1/√E if None
    Returns:
        (..., L, Ev). A query whose keys are all masked gets zeros, as PyTorch's.
    """
    name = "scaled_dot_product_attention"
    for what, t in (("query", query), ("key", key), ("value", value)):
        check_float(name, what, t)
    if enable_gqa:
        raise NotImplementedError(f"{name}: enable_gqa=True is not supported")
    if min(query.ndim, key.ndim, value.ndim) < 2 or query.shape[-1] != key.shape[-1] or \
            key.shape[-2] != value.shape[-2]:
        raise RuntimeError(f"{name}: expected query (..., L, E), key (..., S, E), value (..., S, Ev); "
                           f"got query {query.shape}, key {key.shape}, value {value.shape}")
    if not (query.dtype == key.dtype == value.dtype) or not (query.device == key.device == value.device):
        raise RuntimeError(f"{name}: query, key and value must have one dtype and one device")
    dropout_p = check_probability(name, "dropout_p", dropout_p)
    if is_causal and attn_mask is not None:
        raise ValueError(f"{name}: give attn_mask or is_causal, not both")
    if scale is not None and (isinstance(scale, bool) or not isinstance(scale, numbers.Real)):
        raise TypeError(f"{name}: scale must be a number or None, got {scale!r}")
    L, S = query.shape[-2], key.shape[-2]
    scale = 1 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = (query @ key.transpose(-1, -2)) * scale                   # (..., L, S)
    if is_causal:
        b = backend.of(query._data)
        i = backend.arange(0, L, 1, "int64", b)[:, None]               # (L, 1) query positions
        j = backend.arange(0, S, 1, "int64", b)[None, :]               # (1, S) key positions
        attn_mask = Tensor(j <= i)                                     # (L, S) lower triangle
    if attn_mask is not None:
        scores = attention_mask_scores(scores, attn_mask, name)
    weights = _safe_softmax(scores)                                    # (..., L, S)
    if dropout_p > 0:
        weights = dropout(weights, dropout_p, training=True)
    return weights @ value                                             # (..., L, Ev)


def _safe_softmax(scores):
    """softmax over the last axis, with 0 (not nan) in a row that is all -inf."""
    b = backend.of(scores._data)
    dead = b.xp.all(scores._data == float("-inf"), axis=-1, keepdims=True)      # (..., L, 1)
    if not b.to_host(b.xp.any(dead)):
        return softmax(scores, -1)
    dead = Tensor(dead)
    return where(dead, 0.0, softmax(where(dead, 0.0, scores), -1))
