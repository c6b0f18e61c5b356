"""Grades exercise 05: LSTM BPTT by hand, against models/bptt.py's LSTMLayer.

One step first, each gate's δ checked through its block of db (db = Σ_b δ);
then five steps, dx first with the wrong time steps listed.
"""

import numpy as np

import minigrad as mg
from minigrad.models.bptt import LSTMLayer
from exercises.grade import call, check_gate_blocks, compare, explain_bptt, rng

B, I, H = 2, 3, 4
NAMES = ("dx", "dh0", "dc0", "dW_ih", "dW_hh", "db")
GATES = {                                  # gate -> its δ, in PyTorch's order i, f, g, o
    "i": "δ_i = dc_t ⊙ g ⊙ i(1-i)",
    "f": "δ_f = dc_t ⊙ c_(t-1) ⊙ f(1-f)",
    "g": "δ_g = dc_t ⊙ i ⊙ (1-g²)",
    "o": "δ_o = dh_t ⊙ tanh(c_t) ⊙ o(1-o)",
}
RULES = {
    "dx": "δ_t W_ih at each step; dh_t = dhs[t] + δ_(t+1) W_hh, dc_t = dh_t ⊙ o ⊙ (1 - tanh²c_t) + dc_(t+1) ⊙ f_(t+1)",
    "dh0": "δ_0 W_hh",
    "dc0": "dc_0 ⊙ f_0 (the cell path: f alone, no weights)",
    "dW_ih": "Σ_t δ_tᵀ x_t",
    "dW_hh": "Σ_t δ_tᵀ h_(t-1), with the state step t read (h0 at t = 0)",
    "db": "Σ_t Σ_b δ_t",
}
SUMS = ("dW_ih", "dW_hh", "db")


def _case(T, seed):
    """Inputs, an upstream gradient and the library's gradients, float64."""
    r = rng(seed)
    x, h0, c0 = r.standard_normal((T, B, I)), 0.5 * r.standard_normal((B, H)), 0.5 * r.standard_normal((B, H))
    W_ih, W_hh = r.standard_normal((4 * H, I)) / np.sqrt(I), r.standard_normal((4 * H, H)) / np.sqrt(H)
    b = 0.1 * r.standard_normal(4 * H)
    dhs = r.standard_normal((T, B, H))
    leaves = [mg.tensor(a, requires_grad=True) for a in (x, h0, c0, W_ih, W_hh, b)]
    hs, _ = LSTMLayer.apply(*leaves, mg.zeros(4 * H, dtype="float64"), False)      # b_hh = 0: b is b_ih
    expected = dict(zip(NAMES, (g.numpy() for g in mg.grad(hs, leaves, mg.tensor(dhs)))))
    return (x, h0, c0, W_ih, W_hh, b), dhs, hs.numpy(), expected


def check(module):
    """Grade the learner's module.

    Args:
        module: the learner's module (a file loaded by exercises.grade.load).
    Returns:
        a one-line summary of what passed; raises Failure, or NotImplementedYet
        while a function still raises NotImplementedError.
    """
    for T in (1, 5):
        inputs, dhs, hs_expected, expected = _case(T, seed=T)
        context = f"T={T}, B={B}, I={I}, H={H}, seed {T}"
        hs, cache = call(module, "lstm_forward", *inputs)
        compare("lstm_forward's hs (the forward is given: keep it as it is)", hs, hs_expected, context)
        got = call(module, "lstm_backward", dhs, cache)
        if T == 1:
            check_gate_blocks(got, expected, "db", GATES, context)
        explain_bptt(got, expected, context, T, RULES, SUMS)
    return "dx, dh0, dc0, dW_ih, dW_hh, db equal to models/bptt.py's LSTMLayer at T = 1 (gate by gate) and T = 5"
