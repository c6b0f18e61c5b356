"""Exercise 05 — backpropagation through time for an LSTM, by hand.

Read first: models/bptt.py, the LSTM section (the equations above
LSTMLayer); models/cells.py's lstm_cell for one step in minigrad ops; then
exercise 04, whose loop this extends. Hochreiter & Schmidhuber, "Long
short-term memory" (1997), §3.2 (constant error flow, the "constant error
carousel") and §4; the forget gate is Gers, Schmidhuber & Cummins, "Learning
to forget" (2000).

The forward (given below; PyTorch's gate order i, f, g, o):

    a_t = x_t W_ihᵀ + h_{t-1} W_hhᵀ + b          (B, 4H): the blocks a_i, a_f, a_g, a_o
    i, f, o = σ(a_i), σ(a_f), σ(a_o);   g = tanh(a_g)
    c_t = f ⊙ c_{t-1} + i ⊙ g
    h_t = o ⊙ tanh(c_t)                          h_{-1} = h0, c_{-1} = c0

You write the backward, t = T-1 … 0. Two streams arrive at each step: into
h_t (from the loss, and from step t+1 through h_t W_hhᵀ), and into c_t (from
step t+1 through c_{t+1} = f_{t+1} ⊙ c_t + …):

    dh_t = dhs[t] + δ_{t+1} W_hh
    dc_t = dh_t ⊙ o ⊙ (1 - tanh²(c_t)) + dc_{t+1} ⊙ f_{t+1}
    δ_i = dc_t ⊙ g ⊙ i(1-i)          δ_f = dc_t ⊙ c_{t-1} ⊙ f(1-f)
    δ_g = dc_t ⊙ i ⊙ (1-g²)          δ_o = dh_t ⊙ tanh(c_t) ⊙ o(1-o)
    δ_t = [δ_i, δ_f, δ_g, δ_o]       (B, 4H), in the gate order
    dx_t = δ_t W_ih;   dW_ih += δ_tᵀ x_t;   dW_hh += δ_tᵀ h_{t-1};   db += Σ_b δ_t
    what goes back to step t-1:  δ_t W_hh (to h_{t-1}) and dc_t ⊙ f_t (to c_{t-1})
    dh0, dc0 are those two after step 0.

Why it helps (the point of §3.2 of the paper): from c_t to c_{t-1} the
gradient is multiplied by f_t alone — no weight matrix, no tanh' — so with
f ≈ 1 it survives many steps, where the RNN's shrinks by W_hh ⊙ φ' each step.

Shapes: x (T, B, I), h0, c0 (B, H), W_ih (4H, I), W_hh (4H, H), b (4H,).
The cache holds the gates of every step, (T, B, 4H) in the order i, f, g, o.

The grader (python -m exercises check 05): your gradients against
minigrad.models.bptt.LSTMLayer's, on one step (with each gate's δ checked
through its block of db), then on T = 5, listing the wrong time steps of dx.
"""

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
    raise NotImplementedError
