"""Grades exercise 04: RNN BPTT by hand, against models/bptt.py's RNNLayer.

One step first (T = 1: an error within a step), then five (T = 5: an error
in what flows from step t+1 back to step t).
"""

import numpy as np

import minigrad as mg
from minigrad.models.bptt import RNNLayer
from exercises.grade import call, compare, explain_bptt, rng

B, I, H = 2, 3, 4
NAMES = ("dx", "dh0", "dW_ih", "dW_hh", "db")
RULES = {                                   # each gradient's equation, shown when it is wrong
    "dx": "δ_t W_ih at each step, δ_t = dh_t ⊙ (1 - h_t²), dh_t = dhs[t] + δ_(t+1) W_hh",
    "dh0": "δ_0 W_hh (a_t = h_(t-1) W_hhᵀ, so ∂a_t/∂h_(t-1) hands back δ_t W_hh, not δ_t W_hhᵀ)",
    "dW_ih": "Σ_t δ_tᵀ x_t",
    "dW_hh": "Σ_t δ_tᵀ h_(t-1), with the state step t read (h0 at t = 0)",
    "db": "Σ_t Σ_b δ_t",
}
SUMS = ("dW_ih", "dW_hh", "db")


def _case(T, seed):
    """Inputs, an upstream gradient and the library's gradients, float64."""
    r = rng(seed)
    x, h0 = r.standard_normal((T, B, I)), 0.5 * r.standard_normal((B, H))
    W_ih, W_hh = r.standard_normal((H, I)) / np.sqrt(I), 0.8 * r.standard_normal((H, H)) / np.sqrt(H)
    b = 0.1 * r.standard_normal(H)
    dhs = r.standard_normal((T, B, H))
    leaves = [mg.tensor(a, requires_grad=True) for a in (x, h0, W_ih, W_hh, b)]
    hs = RNNLayer.apply(*leaves, mg.zeros(H, dtype="float64"), False, "tanh")     # b_hh = 0: b is b_ih
    expected = dict(zip(NAMES, (g.numpy() for g in mg.grad(hs, leaves, mg.tensor(dhs)))))
    return (x, h0, W_ih, W_hh, b), dhs, hs.numpy(), expected


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
        hs, cache = call(module, "rnn_forward", *inputs)
        compare("rnn_forward's hs (the forward is given: keep it as it is)", hs, hs_expected, context)
        got = call(module, "rnn_backward", dhs, cache)
        explain_bptt(got, expected, context, T, RULES, SUMS)
    return "dx, dh0, dW_ih, dW_hh, db equal to models/bptt.py's RNNLayer at T = 1 and T = 5"
