"""Reference solution of exercise 05 (there to prove the grader; try the exercise first)."""

import numpy as np


def sigmoid(a):
    """σ(a) = 1 / (1 + e⁻ᵃ), elementwise."""
    return 1 / (1 + np.exp(-a))


def lstm_forward(x, h0, c0, W_ih, W_hh, b):
    """The LSTM over a sequence; keep this as it is (the grader checks it).

    Args:
        x: (T, B, I).  h0, c0: (B, H).  W_ih: (4H, I), W_hh: (4H, H), b: (4H,).
    Returns:
        hs: (T, B, H), h_t of every step; cache: what backward needs.
    """
    T, H = x.shape[0], h0.shape[1]
    h, c = h0, c0
    gates, hs, cs = [], [], []
    for t in range(T):
        a = x[t] @ W_ih.T + h @ W_hh.T + b                         # (B, 4H)
        i, f, g, o = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H]), np.tanh(a[:, 2 * H:3 * H]), sigmoid(a[:, 3 * H:])
        c = f * c + i * g                                          # (B, H)
        h = o * np.tanh(c)
        gates.append(np.concatenate([i, f, g, o], axis=1))
        hs.append(h)
        cs.append(c)
    hs = np.stack(hs)                                              # (T, B, H)
    return hs, (x, h0, c0, W_ih, W_hh, np.stack(gates), hs, np.stack(cs))


def lstm_backward(dhs, cache):
    """Backpropagation through time for lstm_forward.

    Args:
        dhs: (T, B, H), ∂L/∂h_t from outside at every step.
        cache: what lstm_forward returned beside hs.
    Returns:
        a dict: "dx" (T, B, I), "dh0" (B, H), "dc0" (B, H), "dW_ih" (4H, I),
        "dW_hh" (4H, H), "db" (4H,).
    """
    x, h0, c0, W_ih, W_hh, gates, hs, cs = cache
    T, H = x.shape[0], h0.shape[1]
    dx = np.zeros_like(x)
    dW_ih, dW_hh, db = np.zeros_like(W_ih), np.zeros_like(W_hh), np.zeros(4 * H)
    dh_next, dc_next = np.zeros_like(h0), np.zeros_like(c0)       # nothing after the last step
    for t in reversed(range(T)):
        i, f, g, o = gates[t, :, :H], gates[t, :, H:2 * H], gates[t, :, 2 * H:3 * H], gates[t, :, 3 * H:]
        h_prev, c_prev = (hs[t - 1], cs[t - 1]) if t > 0 else (h0, c0)
        tc = np.tanh(cs[t])
        dh = dhs[t] + dh_next                                      # (B, H)
        dc = dh * o * (1 - tc ** 2) + dc_next                      # the two streams into c_t
        delta = np.concatenate([dc * g * i * (1 - i),              # δ_i
                                dc * c_prev * f * (1 - f),         # δ_f
                                dc * i * (1 - g ** 2),             # δ_g
                                dh * tc * o * (1 - o)], axis=1)    # δ_o   (B, 4H)
        dx[t] = delta @ W_ih
        dW_ih += delta.T @ x[t]
        dW_hh += delta.T @ h_prev
        db += delta.sum(axis=0)
        dh_next, dc_next = delta @ W_hh, dc * f                    # to h_{t-1} and c_{t-1}
    return {"dx": dx, "dh0": dh_next, "dc0": dc_next, "dW_ih": dW_ih, "dW_hh": dW_hh, "db": db}
