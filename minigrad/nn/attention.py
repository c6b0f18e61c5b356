"""MultiheadAttention, with PyTorch's parameters, so its state_dict loads as it is.

    q, k, v = query W_qᵀ + b_q,  key W_kᵀ + b_k,  value W_vᵀ + b_v    (W_q; W_k; W_v = in_proj_weight)
    head_h  = softmax(q_h k_hᵀ / √hd + mask) v_h                      h = 1 … nh, hd = E / nh
    out     = concat(heads) W_oᵀ + b_o                                 (out_proj)

Vaswani et al. (2017), section 3.2.2. Shape letters: L target (query)
length, S source (key) length, N batch, E embed_dim, nh heads, hd head size.
"""

import math

from minigrad import backend
from minigrad.nn import functional as F
from minigrad.nn import init
from minigrad.nn.checks import check_like, check_probability, check_size, check_tensor
from minigrad.nn.functional.attention import attention_mask_scores
from minigrad.nn.layers import Linear
from minigrad.nn.module import Module, Parameter
from minigrad.ops import mean, softmax, split
from minigrad.tensor import DEFAULT_DTYPE, Tensor, zeros


class MultiheadAttention(Module):
    """Multi-head attention of queries over keys and values, as torch.nn.MultiheadAttention.

    Args:
        embed_dim: E, the width of queries and outputs;  num_heads: nh, dividing E
        dropout: the probability of zeroing an attention weight, in training mode
        bias: whether the projections have biases
        kdim, vdim: the widths of keys and values (E if None); when they differ
            from E the three projections are separate weights
        batch_first: inputs and outputs (N, L, E) instead of (L, N, E)
        add_bias_kv, add_zero_attn: False only (see docs/differences.md)
    Parameters:
        in_proj_weight (3E, E) and in_proj_bias (3E,), or q_proj_weight (E, E),
        k_proj_weight (E, kdim), v_proj_weight (E, vdim); out_proj (a Linear E -> E).
    Init (PyTorch's): xavier_uniform_ for the input projections, zero biases,
    out_proj.weight as a Linear's.
    """

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False, add_zero_attn=False,
                 kdim=None, vdim=None, batch_first=False, device=None, dtype=DEFAULT_DTYPE):
        super().__init__()
        E = self.embed_dim = check_size("MultiheadAttention", "embed_dim", embed_dim)
        self.num_heads = check_size("MultiheadAttention", "num_heads", num_heads)
        if E % self.num_heads:
            raise ValueError(f"MultiheadAttention: embed_dim must be divisible by num_heads, got {E} and {num_heads}")
        if add_bias_kv or add_zero_attn:
            raise NotImplementedError("MultiheadAttention: add_bias_kv and add_zero_attn are not supported")
        self.dropout = check_probability("MultiheadAttention", "dropout", dropout)
        self.kdim = E if kdim is None else check_size("MultiheadAttention", "kdim", kdim)
        self.vdim = E if vdim is None else check_size("MultiheadAttention", "vdim", vdim)
        self._qkv_same_embed_dim = self.kdim == E and self.vdim == E
        self.head_dim, self.batch_first = E // self.num_heads, batch_first
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(zeros(3 * E, E, dtype=dtype, device=device))     # W_q; W_k; W_v
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.register_parameter("in_proj_weight", None)
            self.q_proj_weight = Parameter(zeros(E, E, dtype=dtype, device=device))
            self.k_proj_weight = Parameter(zeros(E, self.kdim, dtype=dtype, device=device))
            self.v_proj_weight = Parameter(zeros(E, self.vdim, dtype=dtype, device=device))
        if bias:
            self.in_proj_bias = Parameter(zeros(3 * E, dtype=dtype, device=device))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = Linear(E, E, bias=bias, device=device, dtype=dtype)
        self._reset_parameters()

    def _reset_parameters(self):
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            for w in (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
                init.xavier_uniform_(w)
        if self.in_proj_bias is not None:
            init.zeros_(self.in_proj_bias)
            init.zeros_(self.out_proj.bias)

    def _projections(self, query, key, value):
        """q (.., L, E), k (.., S, E), v (.., S, E): the three input projections."""
        E = self.embed_dim
        b_q = b_k = b_v = None
        if self.in_proj_bias is not None:
            b_q, b_k, b_v = split(self.in_proj_bias, E)
        if self._qkv_same_embed_dim:
            w_q, w_k, w_v = split(self.in_proj_weight, E)
        else:
            w_q, w_k, w_v = self.q_proj_weight, self.k_proj_weight, self.v_proj_weight
        return F.linear(query, w_q, b_q), F.linear(key, w_k, b_k), F.linear(value, w_v, b_v)

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
                average_attn_weights=True, is_causal=False):
        """
        Args:
            query: (L, N, E), or (N, L, E) with batch_first, or unbatched (L, E)
            key: (S, N, kdim) / (N, S, kdim) / (S, kdim);  value: the same with vdim
            key_padding_mask: (N, S) or (S,); bool True (or float -inf) = ignore that key
            need_weights: whether to return the attention weights
            attn_mask: (L, S) or (N·nh, L, S); bool True = may NOT attend
                (the opposite of scaled_dot_product_attention's), or float, added
            average_attn_weights: average the returned weights over the heads
            is_causal: a hint that attn_mask is the causal mask; it needs attn_mask
        Returns:
            attn_output (L, N, E) / (N, L, E) / (L, E), and the weights
            (N, L, S) averaged or (N, nh, L, S) — (L, S) / (nh, L, S) unbatched —
            or None when need_weights is False
        """
        name = "MultiheadAttention"
        for what, t in (("query", query), ("key", key), ("value", value)):
            check_like(name, what, t, self.out_proj.weight)
        if query.ndim not in (2, 3) or key.ndim != query.ndim or value.ndim != query.ndim:
            raise ValueError(f"{name}: expected query, key and value all 3-d (batched) or all 2-d (unbatched), "
                             f"got shapes {query.shape}, {key.shape}, {value.shape}")
        if is_causal and attn_mask is None:
            raise RuntimeError(f"{name}: need attn_mask if specifying the is_causal hint")
        unbatched = query.ndim == 2
        if unbatched:
            query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)   # (L, 1, E)
            if key_padding_mask is not None:
                check_tensor(name, "key_padding_mask", key_padding_mask)
                key_padding_mask = key_padding_mask.unsqueeze(0)                            # (1, S)
        elif self.batch_first:
            query, key, value = (t.transpose(0, 1) for t in (query, key, value))          # (L, N, E)
        L, N, E = query.shape
        S = key.shape[0]
        if E != self.embed_dim or key.shape[2] != self.kdim or value.shape[2] != self.vdim or \
                key.shape[:2] != value.shape[:2] or key.shape[1] != N:
            raise ValueError(f"{name}: expected query (L, N, {self.embed_dim}), key (S, N, {self.kdim}), value "
                             f"(S, N, {self.vdim}) (batch first if batch_first); got {query.shape}, {key.shape}, "
                             f"{value.shape} after moving the batch to axis 1")
        nh, hd = self.num_heads, self.head_dim
        q, k, v = self._projections(query, key, value)                         # (L, N, E), (S, N, E) ×2
        q = q.reshape(L, N, nh, hd).permute(1, 2, 0, 3)                       # (N, nh, L, hd)
        k = k.reshape(S, N, nh, hd).permute(1, 2, 0, 3)                       # (N, nh, S, hd)
        v = v.reshape(S, N, nh, hd).permute(1, 2, 0, 3)                       # (N, nh, S, hd)
        scores = q @ k.transpose(-1, -2) / math.sqrt(hd)                      # (N, nh, L, S)
        if attn_mask is not None:
            scores = attention_mask_scores(scores, self._mask(attn_mask, N, L, S), name)
        if key_padding_mask is not None:
            check_tensor(name, "key_padding_mask", key_padding_mask)
            if key_padding_mask.shape != (N, S):
                raise ValueError(f"{name}: expected key_padding_mask of shape ({N}, {S}), got {key_padding_mask.shape}")
            scores = attention_mask_scores(scores, self._keep(key_padding_mask).reshape(N, 1, 1, S), name)
        weights = softmax(scores, -1)                                         # (N, nh, L, S)
        if self.training and self.dropout > 0:
            weights = F.dropout(weights, self.dropout, True)
        out = (weights @ v).permute(2, 0, 1, 3).reshape(L, N, E)              # (L, N, E)
        out = self.out_proj(out)
        if unbatched:
            out = out.squeeze(1)                                              # (L, E)
        elif self.batch_first:
            out = out.transpose(0, 1)                                         # (N, L, E)
        if not need_weights:
            return out, None
        if average_attn_weights:
            weights = mean(weights, 1)                                        # (N, L, S)
        return out, (weights.squeeze(0) if unbatched else weights)

    def _keep(self, mask):
        """A bool "ignore" mask as a "keep" mask; a float mask as it is (added)."""
        if backend.dtype_name(mask.dtype) == "bool":
            return Tensor(backend.of(mask._data).xp.logical_not(mask._data))
        return mask

    def _mask(self, attn_mask, N, L, S):
        """attn_mask (L, S) or (N·nh, L, S) as a keep-or-add mask broadcasting to (N, nh, L, S)."""
        check_tensor("MultiheadAttention", "attn_mask", attn_mask)
        if attn_mask.shape == (L, S):
            return self._keep(attn_mask)
        if attn_mask.shape == (N * self.num_heads, L, S):
            return self._keep(attn_mask).reshape(N, self.num_heads, L, S)
        raise RuntimeError(f"MultiheadAttention: expected attn_mask of shape ({L}, {S}) or "
                           f"({N * self.num_heads}, {L}, {S}), got {attn_mask.shape}")
