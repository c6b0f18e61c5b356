"""Exercise 06 — the selective scan's backward: a scan run in reverse.

Read first: models/ssm.py — the module docstring (the recurrence), then
ManualScan.backward and the comment above it (the adjoint recurrence you
write here). Gu & Dao, "Mamba: Linear-Time Sequence Modeling with Selective
State Spaces" (2023), §3.2–3.3 and Algorithm 2; the reference code is
state-spaces/mamba, selective_scan_ref.

Part 1 — linear_scan_backward. The forward is the linear recurrence

    h_t = a_t ⊙ h_{t-1} + b_t,      h_{-1} = 0,    t = 0 … L-1

Given g_t = ∂L/∂h_t from outside (what the output at step t sends into h_t),
the TOTAL gradient of h_t also collects what flows back from h_{t+1} =
a_{t+1} ⊙ h_t + …, so it is itself a linear recurrence, run from the end:

    Ḡ_t = g_t + a_{t+1} ⊙ Ḡ_{t+1},     Ḡ_{L-1} = g_{L-1}
    ∂b_t = Ḡ_t                      (b_t enters h_t with coefficient 1)
    ∂a_t = Ḡ_t ⊙ h_{t-1}            (0 at t = 0: h_{-1} = 0)

Note a_{t+1}, not a_t: the coefficient that carries h_t into the next step.

Part 2 — selective_scan_backward. Mamba's S6 layer fills a and b from
the input (the selection, §3.2), with A discretised by zero-order hold and B
by Euler (see models/ssm.py; the reference code mixes the two on purpose):

    a_t = Ā_t = exp(Δ_t A)           (B, D, N)  per step:  Δ_t (B, D) times A (D, N)
    b_t = Δ_t B_t u_t                (B, D, N)  Δ_t u_t (B, D) times B_t (B, N)
    y_t = Σ_n C_t[n] h_t[..., n]     (B, D)

Given g_y = ∂L/∂y (B, L, D), chain backwards through these:

    g_t     = g_y,t ⊗ C_t            (B, D, N): g_y,t[:, :, None] * C_t[:, None, :]
    dC_t[n] = Σ_d g_y,t[d] h_t[d, n]
    Ḡ, ∂a  from part 1 (on the time-major arrays)
    s_t     = ∂a_t ⊙ Ā_t             through exp: ∂(exp x)/∂x = exp x
    dΔ_t    = Σ_n s_t A + Σ_n Ḡ_t B_t ⊙ u_t          (Δ is in both a and b)
    dA      = Σ_{b,t} s_t ⊙ Δ_t[..., None]           (A is shared by every step and sequence)
    du_t    = (Σ_n Ḡ_t B_t) ⊙ Δ_t
    dB_t[n] = Σ_d Ḡ_t[d, n] Δ_t[d] u_t[d]

Shapes: B batch, L length, D channels (d_inner), N state size.
u, Δ (B, L, D); A (D, N); B, C (B, L, N). The cache holds Ā and h time-major,
(L, B, D, N), so that part 1 works along axis 0.

The grader (python -m exercises check 06): part 1 against autograd through
the recurrence written in minigrad ops (L = 1, then L = 6, listing the wrong
steps), part 2 against minigrad.models.selective_scan (method="sequential").
"""

import numpy as np


def linear_scan_backward(a, h, g):
    """The backward of h_t = a_t ⊙ h_{t-1} + b_t (h_{-1} = 0) along axis 0.

    Args:
        a: (L, ...) the coefficients.  h: (L, ...) the states the forward computed.
        g: (L, ...) ∂L/∂h_t from outside.
    Returns:
        (da, db), both (L, ...).
    """
    raise NotImplementedError


def selective_scan_forward(u, delta, A, B, C):
    """The S6 recurrence; keep this as it is (the grader checks it).

    Args:
        u, delta: (B, L, D).  A: (D, N).  B, C: (B, L, N).
    Returns:
        y: (B, L, D); cache: (u, delta, A, B, C, A_bar, hs), A_bar and hs (L, B, D, N).
    """
    batch, length, d = u.shape
    h = np.zeros((batch, d, A.shape[1]))                                # h_{-1} = 0
    A_bar, hs, ys = [], [], []
    for t in range(length):
        a_t = np.exp(delta[:, t, :, None] * A)                          # Ā_t (B, D, N)
        b_t = (delta[:, t] * u[:, t])[:, :, None] * B[:, t, None, :]    # Δ_t B_t u_t (B, D, N)
        h = a_t * h + b_t
        ys.append(np.einsum("bdn,bn->bd", h, C[:, t]))                  # y_t (B, D)
        A_bar.append(a_t)
        hs.append(h)
    return np.stack(ys, axis=1), (u, delta, A, B, C, np.stack(A_bar), np.stack(hs))


def selective_scan_backward(g_y, cache):
    """The backward of selective_scan_forward.

    Args:
        g_y: (B, L, D), ∂L/∂y.
        cache: what selective_scan_forward returned beside y.
    Returns:
        a dict: "du" (B, L, D), "ddelta" (B, L, D), "dA" (D, N), "dB" (B, L, N), "dC" (B, L, N).
    """
    u, delta, A, B, C, A_bar, hs = cache
    raise NotImplementedError
