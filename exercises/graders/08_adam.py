"""Grades exercise 08: adam_step, against Algorithm 1 in NumPy and minigrad.optim.Adam.

m and v are checked before θ at every step, so a wrong θ with right
moments points at the update line; a θ that equals a known slip (no bias
correction, one side of it missing, ε inside the square root) is named.
"""

import numpy as np

import minigrad as mg
from exercises.grade import Failure, call, compare, rng

STEPS, SHAPE = 5, (3, 4)
SETTINGS = dict(lr=0.1, betas=(0.9, 0.999), eps=1e-8)


def _update(theta, m, v, t, lr, betas, eps, correct_m=True, correct_v=True, eps_inside=False, t_from=1):
    """θ after Algorithm 1's last line, or after one of the slips it is often written with."""
    t = t - 1 + t_from
    with np.errstate(divide="ignore", invalid="ignore"):
        m_hat = m / (1 - betas[0] ** t) if correct_m else m
        v_hat = v / (1 - betas[1] ** t) if correct_v else v
        return theta - lr * m_hat / (np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps)


SLIPS = {
    "Adam without bias correction (m̂ = m / (1 - β₁ᵗ), v̂ = v / (1 - β₂ᵗ) left out)":
        dict(correct_m=False, correct_v=False),
    "Adam with m corrected but not v (v̂ = v / (1 - β₂ᵗ) left out)": dict(correct_v=False),
    "Adam with v corrected but not m (m̂ = m / (1 - β₁ᵗ) left out)": dict(correct_m=False),
    "Adam with ε inside the square root (√(v̂ + ε) instead of √v̂ + ε)": dict(eps_inside=True),
    "bias correction with β^(t-1), t counted from 0 (1 - β⁰ = 0: t starts at 1)": dict(t_from=0),
}


def check(module):
    """Grade the learner's module.

    Args:
        module: the learner's module (a file loaded by exercises.grade.load).
    Returns:
        a one-line summary of what passed; raises Failure, or NotImplementedYet
        while a function still raises NotImplementedError.
    """
    r = rng(0)
    theta0 = r.standard_normal(SHAPE)
    grads = [r.standard_normal(SHAPE) * (k + 1) for k in range(STEPS)]
    beta1, beta2 = SETTINGS["betas"]

    theta, m, v = theta0.copy(), np.zeros(SHAPE), np.zeros(SHAPE)
    mine = theta0.copy(), np.zeros(SHAPE), np.zeros(SHAPE)
    trajectory = []
    for t, g in enumerate(grads, start=1):
        context = f"step t = {t} of {STEPS}, θ of shape {SHAPE}, lr={SETTINGS['lr']}, betas={SETTINGS['betas']}, seed 0"
        given = tuple(a.copy() for a in mine)
        got = call(module, "adam_step", *given[:1], g.copy(), *given[1:], t, **SETTINGS)
        if not (isinstance(got, tuple) and len(got) == 3):
            raise Failure(f"adam_step returned a {type(got).__name__}; expected (theta, m, v)")
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        compare("m (m ← β₁ m + (1 - β₁) g)", got[1], m, context)
        compare("v (v ← β₂ v + (1 - β₂) g²)", got[2], v, context)
        expected = _update(theta, m, v, t, **SETTINGS)
        try:
            compare("θ (m and v are right, so the update line is not)", got[0], expected, context)
        except Failure as e:
            for slip, how in SLIPS.items():
                if np.allclose(got[0], _update(theta, m, v, t, **SETTINGS, **how), rtol=1e-9, atol=0, equal_nan=True):
                    raise Failure(f"{e}\n  your θ is what {slip} gives") from None
            raise
        theta, mine = expected, got
        trajectory.append(np.asarray(got[0]))

    p = mg.tensor(theta0, requires_grad=True)
    optimizer = mg.optim.Adam([p], **SETTINGS)
    for t, (g, got) in enumerate(zip(grads, trajectory), start=1):
        p.grad = mg.tensor(g)
        optimizer.step()
        compare("θ against minigrad.optim.Adam", got, p.numpy(), f"step t = {t}, seed 0")
    return f"m, v and θ equal to Algorithm 1 for {STEPS} steps, and to minigrad.optim.Adam"
