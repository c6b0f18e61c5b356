"""Grades exercise 09: clip_grad_norm, against minigrad.nn.utils.clip_grad_norm_.

The total norm is checked first, then each gradient; a result that equals
clipping each gradient by its own norm is named.
"""

import numpy as np

import minigrad as mg
from exercises.grade import Failure, call, compare, rng

SHAPES = [(3, 4), (4,), (2, 2, 3)]           # a weight, a bias, something 3-d
CASES = [("a total above max_norm", 3.0, 1.0), ("a total below max_norm", 0.05, 10.0)]   # (name, scale, max_norm)


def _library(grads, max_norm):
    params = [mg.tensor(np.zeros_like(g), requires_grad=True) for g in grads]
    for p, g in zip(params, grads):
        p.grad = mg.tensor(g)
    total = mg.nn.utils.clip_grad_norm_(params, max_norm)
    return [p.grad.numpy() for p in params], float(total.item())


def check(module):
    """Grade the learner's module.

    Args:
        module: the learner's module (a file loaded by exercises.grade.load).
    Returns:
        a one-line summary of what passed; raises Failure, or NotImplementedYet
        while a function still raises NotImplementedError.
    """
    r = rng(0)
    for name, scale, max_norm in CASES:
        grads = [scale * r.standard_normal(s) for s in SHAPES]
        expected, total = _library(grads, max_norm)
        context = f"{name}: grads of shapes {SHAPES}, max_norm={max_norm}, seed 0"
        got = call(module, "clip_grad_norm", [g.copy() for g in grads], max_norm)
        if not (isinstance(got, tuple) and len(got) == 2 and len(got[0]) == len(grads)):
            raise Failure(f"clip_grad_norm should return (clipped, total) with {len(grads)} clipped arrays "
                          f"(input: {context})")
        compare("the total norm sqrt(Σ_i Σ_j g_i[j]²)", np.asarray(float(got[1])), np.asarray(total), context)
        for i, (g, want) in enumerate(zip(got[0], expected)):
            try:
                compare(f"grads[{i}] (shape {SHAPES[i]}) after clipping", g, want, context)
            except Failure as e:
                own = grads[i] * min(1.0, max_norm / (np.linalg.norm(grads[i]) + 1e-6))
                if np.allclose(g, own, rtol=1e-9, atol=0):
                    raise Failure(f"{e}\n  it was clipped by its own norm; every gradient is scaled by one "
                                  "factor, max_norm / (total + 1e-6), from the norm of all of them") from None
                if total < max_norm:
                    raise Failure(f"{e}\n  the total norm is below max_norm, so the gradients stay as they "
                                  "are: the factor is min(1, max_norm / (total + 1e-6))") from None
                raise
    return ("the total norm and every clipped gradient equal to minigrad.nn.utils.clip_grad_norm_, "
            "above and below max_norm")
