"""Exercise 04 — backpropagation through time for an RNN, by hand.

Read first: models/bptt.py, the RNN section (the equations above RNNLayer
and its backward loop); models/cells.py's rnn_cell for one step in
minigrad ops. Werbos, "Backpropagation through time: what it does and how
to do it" (1990); Rumelhart, Hinton & Williams, "Learning internal
representations by error propagation" (1986), the section "Recurrent nets".

The forward (given below, as models/bptt.py runs it, PyTorch's conventions:
row-vector batches, weights (out, in)):

    a_t = x_t W_ihᵀ + h_{t-1} W_hhᵀ + b          (B, H)
    h_t = tanh(a_t)                              t = 0 … T-1, h_{-1} = h0

You write the backward. Given dhs[t] = ∂L/∂h_t from the loss at step t
(the gradient arriving from outside, (T, B, H)), run the steps backwards,
t = T-1 … 0, carrying what step t+1 sends back to h_t:

    dh_t = dhs[t] + δ_{t+1} W_hh                 the two streams into h_t (δ_T = 0)
    δ_t  = dh_t ⊙ (1 - h_t²)                     through tanh: ∂L/∂a_t   (B, H)
    dx_t = δ_t W_ih                              (B, I)
    dW_ih += δ_tᵀ x_t,   dW_hh += δ_tᵀ h_{t-1},   db += Σ_b δ_t      sums over time
    dh0  = δ_0 W_hh                              what reaches the initial state

Shapes: T time, B batch, I input, H hidden; x (T, B, I), h0 (B, H),
W_ih (H, I), W_hh (H, H), b (H,).

Three classic slips the grader catches and points at: a transposed weight
(δ W_hhᵀ instead of δ W_hh), `=` where a sum over time needs `+=`, and
h_t where the product needs h_{t-1} (an off-by-one step).

The grader (python -m exercises check 04): your gradients against
minigrad.models.bptt.RNNLayer's (itself proven against autograd and finite
differences in tests/test_bptt.py), first on one step (T = 1), then on
T = 5; for dx it lists the time steps that are wrong.
"""

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
    raise NotImplementedError
