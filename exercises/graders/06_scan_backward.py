"""Grades exercise 06: the reversed scan, then the selective scan's backward.

Part 1 against autograd through h_t = a_t ⊙ h_{t-1} + b_t written in
minigrad ops; part 2 against minigrad.models.selective_scan, whose
"sequential" method is that recurrence in minigrad ops, differentiated by
the engine.
"""

import numpy as np

import minigrad as mg
from minigrad.models import selective_scan
from exercises.grade import Failure, call, compare, compare_named, rng

SCAN_RULES = {
    "db": "Ḡ_t = g_t + a_(t+1) ⊙ Ḡ_(t+1) (a_(t+1): the coefficient that carries h_t into step t+1)",
    "da": "Ḡ_t ⊙ h_(t-1), with h_(-1) = 0",
}
SSM_RULES = {
    "du": "(Σ_n Ḡ_t B_t) ⊙ Δ_t",
    "ddelta": "Σ_n s_t A + (Σ_n Ḡ_t B_t) ⊙ u_t, s_t = ∂a_t ⊙ Ā_t: Δ is in both a and b",
    "dA": "Σ_(b,t) s_t ⊙ Δ_t[..., None], s_t = ∂a_t ⊙ Ā_t",
    "dB": "Σ_d Ḡ_t[d, n] Δ_t[d] u_t[d]",
    "dC": "Σ_d g_y,t[d] h_t[d, n]",
}


def _with_rule(check_all, rules):
    try:
        check_all()
    except Failure as e:
        name = str(e).split(":")[0]
        raise Failure(f"{e}\n  {name} = {rules[name]}" if name in rules else str(e)) from None


def _check_linear_scan(module, length, seed):
    r = rng(seed)
    a, b, g = r.uniform(0.5, 1.0, (length, 2, 3)), r.standard_normal((length, 2, 3)), r.standard_normal((length, 2, 3))
    a_t, b_t = mg.tensor(a, requires_grad=True), mg.tensor(b, requires_grad=True)
    h, hs = mg.zeros(2, 3, dtype="float64"), []
    for t in range(length):
        h = a_t[t] * h + b_t[t]                                     # the recurrence in minigrad ops
        hs.append(h)
    hs = mg.stack(hs)
    da, db = mg.grad(hs, [a_t, b_t], mg.tensor(g))
    got = call(module, "linear_scan_backward", a, hs.numpy(), g)
    if not (isinstance(got, tuple) and len(got) == 2):
        raise Failure(f"linear_scan_backward returned a {type(got).__name__}; expected the pair (da, db)")
    context = f"part 1, L={length}, a, b, g of shape {a.shape}, seed {seed}"
    _with_rule(lambda: compare_named({"db": got[1], "da": got[0]}, {"db": db.numpy(), "da": da.numpy()},
                                     context, time_axes={"db": 0, "da": 0}), SCAN_RULES)


def _check_selective_scan(module, seed):
    r = rng(seed)
    batch, length, d, n = 2, 5, 3, 4
    u = r.standard_normal((batch, length, d))
    delta = r.uniform(0.1, 1.0, (batch, length, d))
    A = -np.exp(0.5 * r.standard_normal((d, n)))
    B, C = r.standard_normal((batch, length, n)), r.standard_normal((batch, length, n))
    g_y = r.standard_normal((batch, length, d))
    leaves = [mg.tensor(v, requires_grad=True) for v in (u, delta, A, B, C)]
    y = selective_scan(*leaves, method="sequential")
    expected = dict(zip(("du", "ddelta", "dA", "dB", "dC"), (v.numpy() for v in mg.grad(y, leaves, mg.tensor(g_y)))))
    context = f"part 2, B={batch}, L={length}, D={d}, N={n}, seed {seed}"
    y_got, cache = call(module, "selective_scan_forward", u, delta, A, B, C)
    compare("selective_scan_forward's y (the forward is given: keep it as it is)", y_got, y.numpy(), context)
    got = call(module, "selective_scan_backward", g_y, cache)
    _with_rule(lambda: compare_named(got, expected, context, time_axes={"du": 1, "ddelta": 1, "dB": 1, "dC": 1}),
               SSM_RULES)


def check(module):
    """Grade the learner's module.

    Args:
        module: the learner's module (a file loaded by exercises.grade.load).
    Returns:
        a one-line summary of what passed; raises Failure, or NotImplementedYet
        while a function still raises NotImplementedError.
    """
    for length in (1, 6):
        _check_linear_scan(module, length, seed=length)
    _check_selective_scan(module, seed=0)
    return ("the reversed scan equal to autograd at L = 1 and L = 6; du, dΔ, dA, dB, dC equal to "
            "minigrad.models.selective_scan's gradients")
