"""Attention: letting a model look back at every state instead of one summary.

An RNN hands its decoder one fixed vector, the encoder's last hidden state,
however long the input was (the "bottleneck" of the source article). Attention
keeps every encoder state h_1 … h_S and lets each decoder step take a weighted
average of them, with weights it computes from what it is looking for:

    scores  e_j = score(query, key_j)         one number per source position
    weights α_j = softmax_j(e_j)              positive, summing to 1
    context c   = Σ_j α_j · value_j           (values are the states themselves)

Two ways to score, both here:

  AdditiveAttention      Bahdanau, Cho & Bengio (2015), "Neural Machine
                         Translation by Jointly Learning to Align and
                         Translate", eq. (6) and appendix A.1.2:
                         e_tj = vᵀ tanh(W s_{t-1} + U h_j).  Used by the
                         sequence-to-sequence GRU of demos/bottleneck.py.
  CausalSelfAttention    Vaswani et al. (2017), "Attention Is All You Need",
                         eq. (1): softmax(Q Kᵀ / √d) V, every position
                         attending to itself and the positions before it.
                         Its step() decodes one token at a time with a
                         key/value cache that grows by one row per token —
                         the memory a selective SSM does without
                         (demos/parallel.py puts the two side by side).

Everything is written with minigrad ops, so gradients come from autograd and
are checked against finite differences in tests/test_attention.py.

Glossary of shape letters:
    B  batch
    S  source length (keys and values: encoder states, or the cached past)
    T  query length (decoder steps, or the positions of a self-attention)
    Q  query width,  K  key width,  A  attention hidden width (additive)
    D  model width = n_head · hs,   nh  heads,  hs  head size
"""

import math

import minigrad as mg
from minigrad.backend import dtype_name
from minigrad.nn import Linear, Module
from minigrad.nn.checks import check_like, check_size


def scaled_dot_product_attention(q, k, v, causal=False):
    """softmax(q kᵀ / √hs) v — Vaswani et al. (2017), eq. (1).

    Dividing by √hs keeps the scores' variance near 1 when q and k have
    unit-variance entries, so the softmax does not saturate as hs grows.

    Args:
        q: (..., T, hs) queries.   k: (..., S, hs) keys.   v: (..., S, hv) values.
        causal: query i may see key j only if j ≤ i + (S − T): with S = T, itself
            and the past; with a cache (S > T), the last T queries are the newest.
    Returns:
        out (..., T, hv) and the attention weights (..., T, S).
    """
    if q.shape[-1] != k.shape[-1] or k.shape[-2] != v.shape[-2]:
        raise ValueError(f"scaled_dot_product_attention: expected q (..., T, hs), k (..., S, hs), v (..., S, hv); "
                         f"got q {q.shape}, k {k.shape}, v {v.shape}")
    T, S, hs = q.shape[-2], k.shape[-2], q.shape[-1]
    scores = q @ k.transpose(-1, -2) / math.sqrt(hs)                  # (..., T, S)
    if causal:
        i = mg.arange(T, device=q.device).reshape(T, 1)                 # (T, 1) query positions
        j = mg.arange(S, device=q.device).reshape(1, S)                 # (1, S) key positions
        scores = mg.where(j <= i + (S - T), scores, float("-inf"))    # e^-inf = 0: the future gets no weight
    weights = mg.softmax(scores, axis=-1)                             # (..., T, S)
    return weights @ v, weights                                       # (..., T, hv)


class AdditiveAttention(Module):
    """Bahdanau attention: a one-hidden-layer network scores each source state.

        e_tj = vᵀ tanh(W s + U h_j)      s the decoder state (query), h_j encoder states
        α_tj = softmax_j(e_tj)
        c_t  = Σ_j α_tj h_j

    As in the paper (appendix A.1.2) there are no biases, and U h_j does not
    depend on the decoder step, so `project_keys` computes it once per
    sequence and every step reuses it.

    Args: query_size: Q;  key_size: K;  hidden_size: A
    """

    def __init__(self, query_size, key_size, hidden_size):
        super().__init__()
        for what, size in (("query_size", query_size), ("key_size", key_size), ("hidden_size", hidden_size)):
            check_size("AdditiveAttention", what, size)
        self.query_size, self.key_size, self.hidden_size = query_size, key_size, hidden_size
        self.W = Linear(query_size, hidden_size, bias=False)     # W: (A, Q)
        self.U = Linear(key_size, hidden_size, bias=False)       # U: (A, K)
        self.v = Linear(hidden_size, 1, bias=False)              # v: (1, A)

    def project_keys(self, keys):
        """U h_j for every source position: keys (B, S, K) -> (B, S, A)."""
        check_like("AdditiveAttention", "keys", keys, self.U.weight)
        if keys.ndim != 3 or keys.shape[-1] != self.key_size:
            raise ValueError(f"AdditiveAttention: expected keys of shape (B, S, {self.key_size}), got {keys.shape}")
        return self.U(keys)

    def forward(self, query, keys, projected_keys=None):
        """
        Args:
            query: (B, Q) the decoder state s.
            keys: (B, S, K) the encoder states h_1 … h_S (also the values).
            projected_keys: (B, S, A) from project_keys(keys), to reuse across steps.
        Returns:
            context (B, K) and weights (B, S).
        """
        check_like("AdditiveAttention", "query", query, self.W.weight)
        check_like("AdditiveAttention", "keys", keys, self.U.weight)
        if keys.ndim != 3 or keys.shape[-1] != self.key_size:
            raise ValueError(f"AdditiveAttention: expected keys of shape (B, S, {self.key_size}), got {keys.shape}")
        if query.shape != (keys.shape[0], self.query_size):
            raise ValueError(f"AdditiveAttention: expected query of shape ({keys.shape[0]}, {self.query_size}) "
                             f"for keys {keys.shape}, got {query.shape}")
        if projected_keys is None:
            projected_keys = self.project_keys(keys)
        s = self.W(query).unsqueeze(1)                                # (B, 1, A)
        e = self.v(mg.tanh(s + projected_keys)).squeeze(-1)            # (B, S)
        alpha = mg.softmax(e, axis=-1)                                # (B, S)
        context = (alpha.unsqueeze(-1) * keys).sum(axis=1)            # (B, K)
        return context, alpha

    def extra_repr(self):
        """The settings repr() prints inside the parentheses, as PyTorch's."""
        return f"query_size={self.query_size}, key_size={self.key_size}, hidden_size={self.hidden_size}"


class CausalSelfAttention(Module):
    """Multi-head causal self-attention, as in a GPT block, with a KV cache.

        q, k, v = x W_qᵀ, x W_kᵀ, x W_vᵀ          split into nh heads of size hs
        head    = softmax(q kᵀ / √hs + causal mask) v
        y       = concat(heads) W_oᵀ

    forward(x) sees the whole sequence at once. step(x_t, cache) decodes one
    position: it appends this position's key and value to the cache and
    attends over everything cached. The cache holds 2 · B · nh · t · hs
    numbers after t steps — it grows with the sequence, which is exactly the
    memory a recurrent model (RNN, or a selective SSM's fixed state) avoids.

    Args: d_model: D;  n_head: nh, dividing D
    """

    def __init__(self, d_model, n_head=1):
        super().__init__()
        check_size("CausalSelfAttention", "d_model", d_model)
        check_size("CausalSelfAttention", "n_head", n_head)
        if d_model % n_head:
            raise ValueError(f"CausalSelfAttention: d_model {d_model} is not divisible by n_head {n_head}")
        self.d_model, self.n_head = d_model, n_head
        self.qkv = Linear(d_model, 3 * d_model)      # W_q, W_k, W_v stacked: (3D, D)
        self.out = Linear(d_model, d_model)          # W_o: (D, D)

    def _heads(self, x):
        """(B, T, D) -> (B, nh, T, hs)"""
        B, T, _ = x.shape
        return x.reshape(B, T, self.n_head, self.d_model // self.n_head).permute(0, 2, 1, 3)

    def _merge(self, y):
        """(B, nh, T, hs) -> (B, T, D)"""
        B, _, T, _ = y.shape
        return y.permute(0, 2, 1, 3).reshape(B, T, self.d_model)

    def forward(self, x):
        """
        Args:
            x: (B, T, D).
        Returns:
            y (B, T, D), position t a function of x_1 … x_t only.
        """
        check_like("CausalSelfAttention", "the input", x, self.qkv.weight)
        if x.ndim != 3 or x.shape[-1] != self.d_model:
            raise ValueError(f"CausalSelfAttention: expected input of shape (B, T, {self.d_model}), got {x.shape}")
        q, k, v = self.qkv(x).chunk(3, axis=-1)                       # 3 × (B, T, D)
        y, _ = scaled_dot_product_attention(self._heads(q), self._heads(k), self._heads(v), causal=True)
        return self.out(self._merge(y))                               # (B, T, D)

    def step(self, x_t, cache=None):
        """One decoding step.

        Args:
            x_t: (B, D) the newest position.
            cache: None at the start, else the (k, v) this method returned
                last time, each (B, nh, t, hs).
        Returns:
            y_t (B, D), equal to forward(x)[:, t], and the cache grown to t + 1.
        """
        check_like("CausalSelfAttention.step", "x_t", x_t, self.qkv.weight)
        if x_t.ndim != 2 or x_t.shape[-1] != self.d_model:
            raise ValueError(f"CausalSelfAttention.step: expected x_t of shape (B, {self.d_model}), got {x_t.shape}")
        if cache is not None and cache[0].shape[0] != x_t.shape[0]:
            raise ValueError(f"CausalSelfAttention.step: the cache holds batch {cache[0].shape[0]} "
                             f"but x_t has batch {x_t.shape[0]}")
        q, k, v = self.qkv(x_t.unsqueeze(1)).chunk(3, axis=-1)        # 3 × (B, 1, D)
        q, k, v = self._heads(q), self._heads(k), self._heads(v)      # 3 × (B, nh, 1, hs)
        if cache is not None:
            k = mg.cat([cache[0], k], axis=2)                         # (B, nh, t + 1, hs)
            v = mg.cat([cache[1], v], axis=2)
        y, _ = scaled_dot_product_attention(q, k, v)                  # the one query sees the whole past: no mask
        return self.out(self._merge(y)).squeeze(1), (k, v)            # (B, D)

    def extra_repr(self):
        """The settings repr() prints inside the parentheses, as PyTorch's."""
        return f"d_model={self.d_model}, n_head={self.n_head}"


_BYTES_PER_NUMBER = {"float32": 4, "float64": 8}


def cache_bytes(cache):
    """Bytes held by a KV cache (k, v) — what step() keeps between steps."""
    return sum(t.numel() * _BYTES_PER_NUMBER[dtype_name(t.dtype)] for t in cache)
