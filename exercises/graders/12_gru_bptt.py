"""Grades exercise 12: GRU BPTT by hand, against models/bptt.py's GRULayer.

One step first, each gate's δ checked through its blocks of db_ih (δˣ) and
db_hh (δʰ, whose n block is δ_hn = δ_n ⊙ r); then five steps, dx first with
the wrong time steps listed.
"""

import numpy as np

import minigrad as mg
from minigrad.models.bptt import GRULayer
from exercises.grade import call, check_gate_blocks, compare, explain_bptt, rng

B, I, H = 2, 3, 4
NAMES = ("dx", "dh0", "dW_ih", "dW_hh", "db_ih", "db_hh")
INPUT_GATES = {
    "r": "δ_r = δ_n ⊙ h_n ⊙ r(1-r)",
    "z": "δ_z = dh_t ⊙ (h_(t-1) - n) ⊙ z(1-z)",
    "n": "δ_n = dh_t ⊙ (1 - z) ⊙ (1 - n²)",
}
HIDDEN_GATES = {"r": INPUT_GATES["r"], "z": INPUT_GATES["z"],
                "hn": "δ_hn = δ_n ⊙ r on the hidden side: b_hn and W_hn sit inside the reset product"}
RULES = {
    "dx": "δˣ_t W_ih at each step, δˣ = [δ_r, δ_z, δ_n]",
    "dh0": "δʰ_0 W_hh + dh_0 ⊙ z_0: the hidden side's δ, and the interpolation's direct path",
    "dW_ih": "Σ_t δˣ_tᵀ x_t",
    "dW_hh": "Σ_t δʰ_tᵀ h_(t-1), δʰ = [δ_r, δ_z, δ_hn], with the state step t read (h0 at t = 0)",
    "db_ih": "Σ_t Σ_b δˣ_t",
    "db_hh": "Σ_t Σ_b δʰ_t",
}
SUMS = ("dW_ih", "dW_hh", "db_ih", "db_hh")


def _case(T, seed):
    """Inputs, an upstream gradient and the library's gradients, float64."""
    r = rng(seed)
    x, h0 = r.standard_normal((T, B, I)), 0.5 * r.standard_normal((B, H))
    W_ih, W_hh = r.standard_normal((3 * H, I)) / np.sqrt(I), r.standard_normal((3 * H, H)) / np.sqrt(H)
    b_ih, b_hh = 0.3 * r.standard_normal(3 * H), 0.3 * r.standard_normal(3 * H)
    dhs = r.standard_normal((T, B, H))
    leaves = [mg.tensor(a, requires_grad=True) for a in (x, h0, W_ih, W_hh, b_ih, b_hh)]
    hs = GRULayer.apply(*leaves, False)
    expected = dict(zip(NAMES, (g.numpy() for g in mg.grad(hs, leaves, mg.tensor(dhs)))))
    return (x, h0, W_ih, W_hh, b_ih, b_hh), dhs, hs.numpy(), expected


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
        hs, cache = call(module, "gru_forward", *inputs)
        compare("gru_forward's hs (the forward is given: keep it as it is)", hs, hs_expected, context)
        got = call(module, "gru_backward", dhs, cache)
        if T == 1:
            check_gate_blocks(got, expected, "db_ih", INPUT_GATES, context)
            check_gate_blocks(got, expected, "db_hh", HIDDEN_GATES, context)
        explain_bptt(got, expected, context, T, RULES, SUMS)
    return ("dx, dh0, dW_ih, dW_hh, db_ih, db_hh equal to models/bptt.py's GRULayer at T = 1 "
            "(gate by gate) and T = 5")
