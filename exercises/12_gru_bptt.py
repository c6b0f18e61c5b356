"""Exercise 12 — backpropagation through time for a GRU, by hand.

Read first: models/bptt.py, the GRU section (the equations above GRULayer
and its backward loop); models/cells.py's gru_cell; then exercises 04 and
05. Cho et al., "Learning Phrase Representations using RNN Encoder–Decoder
for Statistical Machine Translation" (2014), §2.3 (the gated hidden unit);
the variant here, with b_hn inside the reset product, is PyTorch's and
cuDNN's.

The forward (given below; PyTorch's gate order r, z, n):

    [x_r, x_z, x_n] = x_t W_ihᵀ + b_ih          [h_r, h_z, h_n] = h_{t-1} W_hhᵀ + b_hh      (B, 3H)
    r = σ(x_r + h_r),   z = σ(x_z + h_z)
    n = tanh(x_n + r ⊙ h_n)                     b_hn sits INSIDE the reset product
    h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}             h_{-1} = h0

You write the backward, t = T-1 … 0, with dh_t = dhs[t] + (what step t+1
sends back to h_t):

    δ_n  = dh_t ⊙ (1 - z) ⊙ (1 - n²)            (the pre-activation of n)
    δ_z  = dh_t ⊙ (h_{t-1} - n) ⊙ z(1-z)
    δ_r  = δ_n ⊙ h_n ⊙ r(1-r)
    δ_hn = δ_n ⊙ r                              (the gradient of h_n = h W_hnᵀ + b_hn)

The two sides see different δ in the n block, because b_hn and W_hn sit
inside the product with r:

    input side   δˣ = [δ_r, δ_z, δ_n]:   dx_t = δˣ W_ih,   dW_ih += δˣᵀ x_t,      db_ih += Σ_b δˣ
    hidden side  δʰ = [δ_r, δ_z, δ_hn]:                    dW_hh += δʰᵀ h_{t-1},  db_hh += Σ_b δʰ
    back to h_{t-1}:  δʰ W_hh + dh_t ⊙ z         (the interpolation's direct path)
    dh0 is that, after step 0.

With z ≈ 1 the direct path copies the gradient unchanged, as the LSTM's
cell path does with f ≈ 1.

Shapes: x (T, B, I), h0 (B, H), W_ih (3H, I), W_hh (3H, H), b_ih, b_hh (3H,).
The cache holds r, z, n and h_n of every step, each (T, B, H).

The grader (python -m exercises check 12): your gradients against
minigrad.models.bptt.GRULayer's, on one step (each gate's δ checked through
its blocks of db_ih and db_hh), then on T = 5, listing the wrong steps of dx.
"""

import numpy as np


def sigmoid(a):
    """σ(a) = 1 / (1 + e⁻ᵃ), elementwise."""
    return 1 / (1 + np.exp(-a))


def gru_forward(x, h0, W_ih, W_hh, b_ih, b_hh):
    """The GRU over a sequence; keep this as it is (the grader checks it).

    Args:
        x: (T, B, I).  h0: (B, H).  W_ih: (3H, I), W_hh: (3H, H), b_ih, b_hh: (3H,).
    Returns:
        hs: (T, B, H), h_t of every step; cache: what backward needs.
    """
    T, H = x.shape[0], h0.shape[1]
    h = h0
    rs, zs, ns, hns, hs = [], [], [], [], []
    for t in range(T):
        gi = x[t] @ W_ih.T + b_ih                                  # [x_r, x_z, x_n] (B, 3H)
        gh = h @ W_hh.T + b_hh                                     # [h_r, h_z, h_n] (B, 3H)
        r = sigmoid(gi[:, :H] + gh[:, :H])
        z = sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
        h_n = gh[:, 2 * H:]
        n = np.tanh(gi[:, 2 * H:] + r * h_n)
        h = (1 - z) * n + z * h                                    # (B, H)
        for saved, value in zip((rs, zs, ns, hns, hs), (r, z, n, h_n, h)):
            saved.append(value)
    rs, zs, ns, hns, hs = (np.stack(v) for v in (rs, zs, ns, hns, hs))   # (T, B, H) each
    return hs, (x, h0, W_ih, W_hh, rs, zs, ns, hns, hs)


def gru_backward(dhs, cache):
    """Backpropagation through time for gru_forward.

    Args:
        dhs: (T, B, H), ∂L/∂h_t from outside at every step.
        cache: what gru_forward returned beside hs.
    Returns:
        a dict: "dx" (T, B, I), "dh0" (B, H), "dW_ih" (3H, I), "dW_hh" (3H, H),
        "db_ih" (3H,), "db_hh" (3H,).
    """
    x, h0, W_ih, W_hh, rs, zs, ns, hns, hs = cache
    raise NotImplementedError
