"""Reference solution of exercise 04 (there to prove the grader; try the exercise first)."""

import numpy as np


def rnn_forward(x, h0, W_ih, W_hh, b):
    """The RNN over a sequence; keep this as it is (the grader checks it).

    Args:
        x: (T, B, I) inputs.  h0: (B, H) initial state.
        W_ih: (H, I), W_hh: (H, H), b: (H,).
    Returns:
        hs: (T, B, H), h_t of every step; cache: what backward needs.
    """
    T = x.shape[0]
    h = h0
    hs = []
    for t in range(T):
        h = np.tanh(x[t] @ W_ih.T + h @ W_hh.T + b)       # (B, H)
        hs.append(h)
    hs = np.stack(hs)                                      # (T, B, H)
    return hs, (x, h0, W_ih, W_hh, hs)


def rnn_backward(dhs, cache):
    """Backpropagation through time for rnn_forward.

    Args:
        dhs: (T, B, H), ∂L/∂h_t from outside at every step.
        cache: what rnn_forward returned beside hs.
    Returns:
        a dict: "dx" (T, B, I), "dh0" (B, H), "dW_ih" (H, I), "dW_hh" (H, H), "db" (H,).
    """
    x, h0, W_ih, W_hh, hs = cache
    T = x.shape[0]
    dx = np.zeros_like(x)
    dW_ih, dW_hh, db = np.zeros_like(W_ih), np.zeros_like(W_hh), np.zeros(W_hh.shape[0])
    dh_next = np.zeros_like(h0)                            # δ_{t+1} W_hh; nothing after the last step
    for t in reversed(range(T)):
        h_prev = hs[t - 1] if t > 0 else h0
        dh = dhs[t] + dh_next                              # (B, H)
        delta = dh * (1 - hs[t] ** 2)                      # δ_t = dh_t ⊙ tanh'(a_t)
        dx[t] = delta @ W_ih                               # (B, I)
        dW_ih += delta.T @ x[t]
        dW_hh += delta.T @ h_prev
        db += delta.sum(axis=0)
        dh_next = delta @ W_hh                             # to h_{t-1}
    return {"dx": dx, "dh0": dh_next, "dW_ih": dW_ih, "dW_hh": dW_hh, "db": db}
