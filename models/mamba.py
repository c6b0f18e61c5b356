"""Mamba: the selective state-space layer (S6), the Mamba block, and a small language model.

Gu & Dao, "Mamba: Linear-Time Sequence Modeling with Selective State Spaces"
(2023). Reference code: state-spaces/mamba (`mamba_ssm/modules/mamba_simple.py`);
a readable port: johnma2006/mamba-minimal. Parameter names and shapes follow
them, so their state_dicts load here (the language model's keys without the
"backbone." prefix of the official checkpoints, as in mamba-minimal).

Glossary (the paper's letters):
    B   batch                   L   length (time)
    d   d_model                 Dn  d_inner = expand · d_model, the channels the SSM runs on
    N   d_state                 R   dt_rank, the rank of the Δ projection
    K   d_conv, the causal convolution's width

Reading order, small parts up to the whole:
    CausalConv1d   depthwise causal convolution along time (the block's short local mixing)
    SelectiveSSM   the S6 layer: Δ, B, C computed from the input, then the selective scan
    MambaBlock     in_proj → conv → SiLU → S6 → gate → out_proj
    Mamba          embedding → residual blocks (RMSNorm, MambaBlock) → RMSNorm → tied LM head

Each layer has a `step` for recurrent inference: one token in, one out, and a
state of fixed size — the conv state (B, Dn, K) and the SSM state (B, Dn, N)
per block. Unlike attention's key-value cache, nothing grows with the number
of tokens generated.
"""

import math
from dataclasses import dataclass

from minigrad import backend, ops
from minigrad.grad_mode import no_grad
from minigrad.nn import init
from minigrad.nn.containers import ModuleList
from minigrad.nn.layers import Embedding, Linear, RMSNorm
from minigrad.nn.checks import check_like, check_size, check_tensor
from minigrad.nn.module import Module, Parameter
from minigrad.tensor import DEFAULT_DTYPE, arange, zeros
from minigrad.models.ssm import METHODS, selective_scan


@dataclass
class MambaConfig:
    """The sizes of a Mamba language model (defaults: a small model for a byte vocabulary).

    Args: the fields below, each commented with its letter in the glossary above.
    """

    vocab_size: int = 256
    d_model: int = 64           # d, the width of the residual stream
    n_layers: int = 2
    d_state: int = 16           # N, the state size per channel
    d_conv: int = 4             # K, the causal convolution's width
    expand: int = 2             # Dn = expand · d
    dt_rank: int | None = None  # R; None for ⌈d / 16⌉, the paper's choice
    dt_min: float = 0.001       # the initial Δ is log-uniform in [dt_min, dt_max]
    dt_max: float = 0.1
    scan_method: str = "manual"  # "sequential", "manual" or "parallel" (models/ssm.py)


class CausalConv1d(Module):
    """Depthwise causal convolution along time: each channel its own K-tap filter.

        x'_t = bias + Σ_{k=0}^{K-1} weight[:, 0, k] ⊙ x_{t-(K-1)+k},   x_t = 0 for t < 0

    PyTorch's nn.Conv1d(Dn, Dn, K, groups=Dn, padding=K-1) followed by
    keeping the first L outputs, as mamba_simple.py does; same parameter
    names and shapes, on the (B, L, Dn) layout used here.

    Shapes: weight (Dn, 1, K), bias (Dn,); forward x (B, L, Dn) -> (B, L, Dn).
    Init (PyTorch's Conv1d): weight and bias U(±1/√K), fan_in being K for one channel.
    """

    def __init__(self, channels, kernel_size, device=None, dtype=DEFAULT_DTYPE):
        super().__init__()
        check_size("CausalConv1d", "channels", channels)
        check_size("CausalConv1d", "kernel_size", kernel_size)
        self.channels, self.kernel_size = channels, kernel_size
        bound = 1 / math.sqrt(kernel_size)
        self.weight = Parameter(init.uniform_(zeros(channels, 1, kernel_size, dtype=dtype, device=device),
                                              -bound, bound))
        self.bias = Parameter(init.uniform_(zeros(channels, dtype=dtype, device=device), -bound, bound))

    def forward(self, x):
        """Args: x (B, L, Dn). Returns: (B, L, Dn), x'_t depending on x_{t-K+1} … x_t only."""
        check_like("CausalConv1d", "the input", x, self.weight)
        if x.ndim != 3 or x.shape[2] != self.channels:
            raise ValueError(f"CausalConv1d: expected input (batch, length, channels={self.channels}), got {x.shape}")
        length, K = x.shape[1], self.kernel_size
        padded = ops.pad(x, ((0, 0), (K - 1, 0), (0, 0)))                  # (B, K-1+L, Dn)
        out = self.bias
        for k in range(K):
            out = out + padded[:, k:k + length, :] * self.weight[:, 0, k]   # (B, L, Dn)
        return out

    def step(self, x_t, conv_state):
        """x_t (B, Dn), conv_state (B, Dn, K): the last K inputs, oldest first.
        Returns x'_t (B, Dn) and the new conv state."""
        conv_state = ops.cat([conv_state[:, :, 1:], x_t[:, :, None]], axis=2)   # (B, Dn, K)
        return (conv_state * self.weight[:, 0, :]).sum(axis=2) + self.bias, conv_state

    def extra_repr(self):
        """The settings repr() prints inside the parentheses, as PyTorch's."""
        return f"{self.channels}, kernel_size={self.kernel_size}, groups={self.channels}"


class SelectiveSSM(Module):
    """The S6 layer: a state-space model whose Δ, B and C depend on the input.

    Paper, Algorithm 2 ("S6"):
        Δ, B, C = x_proj(x) split as (R, N, N)      B, C: (B, L, N)
        Δ = softplus(dt_proj(Δ))                    (B, L, Dn), one step size per channel
        A = -exp(A_log)                             (Dn, N), fixed per channel, negative
        y = selective_scan(x, Δ, A, B, C, D, z)     h_t = exp(Δ_t A) h_{t-1} + Δ_t B_t x_t

    Selection is the point: a large Δ_t makes exp(Δ_t A) ≈ 0, so the state
    forgets the past and takes in x_t; a small Δ_t keeps the state and ignores
    x_t. The input decides, token by token (Section 3.5.2).

    Init:
        A = -[1, 2, ..., N] in every channel (S4D-real, Gu et al. 2022), stored as A_log = log[1..N];
        Δ's bias: Δ₀ log-uniform in [dt_min, dt_max], floored at 1e-4, stored as the
            inverse of softplus, Δ₀ + log(1 - exp(-Δ₀)), so that softplus(bias) = Δ₀ at the start;
        dt_proj.weight U(±1/√R); D = 1 (the skip connection passes x through).

    Shapes: x_proj.weight (R + 2N, Dn); dt_proj.weight (Dn, R), dt_proj.bias (Dn,);
    A_log (Dn, N); D (Dn,).

    Args:
        d_inner: Dn
        dt_rank: R
        d_state: N
        dt_min, dt_max: the initial Δ's range
        dt_floor: its floor
        scan_method: see models/ssm.py
        device, dtype: of the weights
    """

    def __init__(self, d_inner, dt_rank, d_state=16, dt_min=0.001, dt_max=0.1, dt_floor=1e-4,
                 scan_method="manual", device=None, dtype=DEFAULT_DTYPE):
        super().__init__()
        name = type(self).__name__
        for what, size in (("d_inner", d_inner), ("dt_rank", dt_rank), ("d_state", d_state)):
            check_size(name, what, size)
        if not 0 < dt_min <= dt_max:
            raise ValueError(f"{name}: expected 0 < dt_min <= dt_max, got dt_min={dt_min}, dt_max={dt_max}")
        if scan_method not in METHODS:
            raise ValueError(f"{type(self).__name__}: unknown scan_method {scan_method!r}; expected one of {METHODS}")
        self.d_inner, self.dt_rank, self.d_state, self.scan_method = d_inner, dt_rank, d_state, scan_method
        self.x_proj = Linear(d_inner, self.dt_rank + 2 * d_state, bias=False, device=device, dtype=dtype)
        self.dt_proj = Linear(self.dt_rank, d_inner, bias=True, device=device, dtype=dtype)
        init.uniform_(self.dt_proj.weight, -self.dt_rank ** -0.5, self.dt_rank ** -0.5)
        with no_grad():
            b = backend.get(device)
            log_dt = backend.random_uniform((d_inner,), math.log(dt_min), math.log(dt_max), "float64", b)
            dt = b.xp.clip(b.xp.exp(log_dt), min=dt_floor)                       # (Dn,)
            inverse_softplus = dt + b.xp.log(-b.xp.expm1(-dt))    # softplus⁻¹(Δ₀); expm1 is exact at small Δ₀
            self.dt_proj.bias._data = b.xp.astype(inverse_softplus, b.dtype(dtype))
            A = arange(1, d_state + 1, dtype=dtype, device=device)               # (N,)
            self.A_log = Parameter(ops.log(A) + zeros(d_inner, d_state, dtype=dtype, device=device))
            self.D = Parameter(zeros(d_inner, dtype=dtype, device=device) + 1.0)

    def _selection(self, x):
        """Δ (…, Dn), B (…, N), C (…, N) from x (…, Dn): what makes the SSM selective."""
        dt, B, C = ops.split(self.x_proj(x), [self.dt_rank, self.d_state, self.d_state], axis=-1)
        return ops.softplus(self.dt_proj(dt)), B, C

    def forward(self, x, z=None):
        """
        Args:
            x: (B, L, Dn) input; z: (B, L, Dn) gate or None.
        Returns:
            (B, L, Dn): the scan's y + D ⊙ x, times silu(z) when z is given.
        """
        check_like("SelectiveSSM", "x", x, self.D)
        if x.ndim != 3 or x.shape[2] != self.d_inner:
            raise ValueError(f"SelectiveSSM: expected x (batch, length, d_inner={self.d_inner}), got {x.shape}")
        if z is not None:
            check_like("SelectiveSSM", "z", z, self.D)
            if z.shape != x.shape:
                raise ValueError(f"SelectiveSSM: expected z of x's shape {x.shape}, got {z.shape}")
        delta, B, C = self._selection(x)                  # (B, L, Dn), (B, L, N), (B, L, N)
        A = -ops.exp(self.A_log)                          # (Dn, N)
        return selective_scan(x, delta, A, B, C, self.D, z, method=self.scan_method)

    def step(self, x_t, h, z_t=None):
        """One step of the recurrence: x_t (B, Dn), h (B, Dn, N), z_t (B, Dn) or None.
        Returns y_t (B, Dn) and the new state h_t (B, Dn, N)."""
        delta, B, C = self._selection(x_t)                                # (B, Dn), (B, N), (B, N)
        A = -ops.exp(self.A_log)                                          # (Dn, N)
        h = ops.exp(delta[:, :, None] * A) * h + (delta * x_t)[:, :, None] * B[:, None, :]   # (B, Dn, N)
        y = (h @ C[:, :, None])[:, :, 0] + self.D * x_t                   # (B, Dn)
        return (y * ops.silu(z_t) if z_t is not None else y), h

    def extra_repr(self):
        """The settings repr() prints inside the parentheses, as PyTorch's."""
        return f"d_inner={self.d_inner}, d_state={self.d_state}, dt_rank={self.dt_rank}, scan={self.scan_method!r}"


class MambaBlock(SelectiveSSM):
    """The Mamba block (paper, Figure 3): the S6 layer between projections.

        x, z = in_proj(u) split in two                       (B, L, Dn) each
        x = silu(conv1d(x))                                  local mixing along time
        y = S6(x) gated by silu(z)                           (B, L, Dn)
        out = out_proj(y)                                    (B, L, d)

    It *is* an S6 layer with more around it, and inherits rather than holds
    one, so that every parameter sits at the name the reference code uses:
    in_proj.weight, conv1d.weight, x_proj.weight, dt_proj.bias, A_log, D, ...
    (not ssm.x_proj.weight); their state_dicts load unchanged.

    Shapes: in_proj.weight (2Dn, d), conv1d.weight (Dn, 1, K), conv1d.bias (Dn,),
    out_proj.weight (d, Dn), and the S6 layer's. Projections without bias.

    Args:
        d_model: d
        d_state: N
        d_conv: K
        expand: Dn / d
        dt_rank: R, or None for ⌈d / 16⌉
        dt_min, dt_max: the initial Δ's range
        scan_method: see models/ssm.py
        device, dtype: of the weights
    """

    def __init__(self, d_model, d_state=16, d_conv=4, expand=2, dt_rank=None, dt_min=0.001, dt_max=0.1,
                 scan_method="manual", device=None, dtype=DEFAULT_DTYPE):
        for what, size in (("d_model", d_model), ("d_conv", d_conv), ("expand", expand)):
            check_size("MambaBlock", what, size)
        d_inner = expand * d_model
        super().__init__(d_inner, dt_rank if dt_rank is not None else math.ceil(d_model / 16), d_state,
                         dt_min, dt_max, scan_method=scan_method, device=device, dtype=dtype)
        self.d_model, self.d_conv = d_model, d_conv
        self.in_proj = Linear(d_model, 2 * d_inner, bias=False, device=device, dtype=dtype)
        self.conv1d = CausalConv1d(d_inner, d_conv, device=device, dtype=dtype)
        self.out_proj = Linear(d_inner, d_model, bias=False, device=device, dtype=dtype)

    def forward(self, u):
        """
        Args:
            u: (B, L, d)
        Returns:
            (B, L, d)
        """
        check_like("MambaBlock", "the input", u, self.D)
        if u.ndim != 3 or u.shape[2] != self.d_model:
            raise ValueError(f"MambaBlock: expected input (batch, length, d_model={self.d_model}), got {u.shape}")
        x, z = self._in(u)                                    # (B, L, Dn) each
        x = ops.silu(self.conv1d(x))                          # (B, L, Dn)
        return self.out_proj(super().forward(x, z))           # (B, L, d)

    def initial_state(self, batch_size):
        """The state before the first token: (conv state (B, Dn, K), SSM state (B, Dn, N)), zeros.

        Args: batch_size: B
        """
        dtype, device = backend.dtype_name(self.D.dtype), self.D.device
        return (zeros(batch_size, self.d_inner, self.d_conv, dtype=dtype, device=device),
                zeros(batch_size, self.d_inner, self.d_state, dtype=dtype, device=device))

    def step(self, u_t, state):
        """One token: u_t (B, d), state from initial_state or the previous step.
        Returns out_t (B, d) and the new state, of the same shapes as the old."""
        check_like("MambaBlock.step", "u_t", u_t, self.D)
        if u_t.ndim != 2 or u_t.shape[1] != self.d_model:
            raise ValueError(f"MambaBlock.step: expected u_t (batch, d_model={self.d_model}), got {u_t.shape}")
        conv_state, h = state
        x, z = self._in(u_t)                                  # (B, Dn) each
        x, conv_state = self.conv1d.step(x, conv_state)
        y, h = super().step(ops.silu(x), h, z)                # (B, Dn), (B, Dn, N)
        return self.out_proj(y), (conv_state, h)

    def _in(self, u):
        """in_proj, split: the first Dn features are x, the second Dn are z."""
        x, z = ops.split(self.in_proj(u), [self.d_inner, self.d_inner], axis=-1)
        return x, z

    def extra_repr(self):
        """The settings repr() prints inside the parentheses, as PyTorch's."""
        return f"d_model={self.d_model}, d_conv={self.d_conv}, " + super().extra_repr()


class ResidualBlock(Module):
    """h + mixer(norm(h)): pre-norm residual, as in the reference MambaLMHeadModel."""

    def __init__(self, config, device=None, dtype=DEFAULT_DTYPE):
        super().__init__()
        self.mixer = MambaBlock(config.d_model, config.d_state, config.d_conv, config.expand, config.dt_rank,
                                config.dt_min, config.dt_max, config.scan_method, device=device, dtype=dtype)
        self.norm = RMSNorm(config.d_model, eps=1e-5, device=device, dtype=dtype)

    def forward(self, h):
        return h + self.mixer(self.norm(h))                   # (B, L, d)

    def step(self, h_t, state):
        out, state = self.mixer.step(self.norm(h_t), state)
        return h_t + out, state


class Mamba(Module):
    """A Mamba language model: tokens (B, L) -> next-token logits (B, L, vocab).

        h = embedding(tokens)
        h = h + MambaBlock(RMSNorm(h))        for each layer
        logits = RMSNorm(h) Eᵀ                the head shares the embedding's matrix E

    The head's weight is the embedding's Parameter itself (weight tying):
    one matrix, trained by both uses. state_dict lists it under both names,
    "embedding.weight" and "lm_head.weight", as PyTorch does.

    Args: config: a MambaConfig;  device, dtype: of the weights
    """

    def __init__(self, config, device=None, dtype=DEFAULT_DTYPE):
        super().__init__()
        if not isinstance(config, MambaConfig):
            raise TypeError(f"Mamba: expected a MambaConfig, got {type(config).__name__}")
        check_size("Mamba", "config.vocab_size", config.vocab_size)
        check_size("Mamba", "config.n_layers", config.n_layers)
        self.config = config
        self.embedding = Embedding(config.vocab_size, config.d_model, device=device, dtype=dtype)
        self.layers = ModuleList([ResidualBlock(config, device=device, dtype=dtype) for _ in range(config.n_layers)])
        self.norm_f = RMSNorm(config.d_model, eps=1e-5, device=device, dtype=dtype)
        self.lm_head = Linear(config.d_model, config.vocab_size, bias=False, device=device, dtype=dtype)
        self.lm_head.weight = self.embedding.weight           # tied
        # the reference model's initialisation (mamba_ssm's _init_weights): small
        # embeddings, and each out_proj scaled by 1/√n_layers so that the residual
        # stream's variance does not grow with depth (as GPT-2 does)
        init.normal_(self.embedding.weight, std=0.02)
        for layer in self.layers:
            layer.mixer.out_proj.weight._data = layer.mixer.out_proj.weight._data / math.sqrt(config.n_layers)

    def forward(self, tokens):
        """
        Args:
            tokens: (B, L) integer token ids.
        Returns:
            (B, L, vocab_size) logits.
        """
        check_tensor("Mamba", "tokens", tokens)
        if tokens.ndim != 2:
            raise ValueError(f"Mamba: expected tokens of shape (B, L), got {tokens.shape}")
        h = self.embedding(tokens)                            # (B, L, d)
        for layer in self.layers:
            h = layer(h)
        return self.lm_head(self.norm_f(h))                   # (B, L, vocab)

    def initial_state(self, batch_size):
        """One (conv state, SSM state) pair per layer.

        Args: batch_size: B
        """
        return [layer.mixer.initial_state(batch_size) for layer in self.layers]

    def step(self, token_t, states):
        """One token per sequence: token_t (B,) ids. Returns logits (B, vocab) and the new states."""
        h = self.embedding(token_t)                           # (B, d)
        new_states = []
        for layer, state in zip(self.layers, states):
            h, state = layer.step(h, state)
            new_states.append(state)
        return self.lm_head(self.norm_f(h)), new_states
