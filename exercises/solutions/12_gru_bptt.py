"""Reference solution of exercise 12 (there to prove the grader; try the exercise first)."""

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
    T = x.shape[0]
    dx = np.zeros_like(x)
    dW_ih, dW_hh = np.zeros_like(W_ih), np.zeros_like(W_hh)
    db_ih, db_hh = np.zeros(W_ih.shape[0]), np.zeros(W_hh.shape[0])
    dh_next = np.zeros_like(h0)                                    # nothing after the last step
    for t in reversed(range(T)):
        r, z, n, h_n = rs[t], zs[t], ns[t], hns[t]                 # (B, H) each
        h_prev = hs[t - 1] if t > 0 else h0
        dh = dhs[t] + dh_next
        d_n = dh * (1 - z) * (1 - n ** 2)
        d_z = dh * (h_prev - n) * z * (1 - z)
        d_r = d_n * h_n * r * (1 - r)
        d_input = np.concatenate([d_r, d_z, d_n], axis=1)         # δˣ (B, 3H)
        d_hidden = np.concatenate([d_r, d_z, d_n * r], axis=1)    # δʰ: δ_hn = δ_n ⊙ r
        dx[t] = d_input @ W_ih
        dW_ih += d_input.T @ x[t]
        db_ih += d_input.sum(axis=0)
        dW_hh += d_hidden.T @ h_prev
        db_hh += d_hidden.sum(axis=0)
        dh_next = d_hidden @ W_hh + dh * z                         # and the direct path
    return {"dx": dx, "dh0": dh_next, "dW_ih": dW_ih, "dW_hh": dW_hh, "db_ih": db_ih, "db_hh": db_hh}
