"""Exercise 08 — one step of Adam, with bias correction.

Read first: minigrad/optim/adam.py (Adam.update), then
minigrad/optim/optimizer.py (the loop every optimizer shares). Kingma & Ba,
"Adam: A Method for Stochastic Optimization" (ICLR 2015), Algorithm 1 and
§3 (why the bias correction).

Algorithm 1, step t = 1, 2, 3, … with g the gradient at θ:

    m ← β₁ m + (1 - β₁) g             running mean of g              (m starts at 0)
    v ← β₂ v + (1 - β₂) g²            running mean of g²             (v starts at 0)
    m̂ = m / (1 - β₁ᵗ)                 bias correction
    v̂ = v / (1 - β₂ᵗ)
    θ ← θ - lr · m̂ / (√v̂ + ε)

Why the correction (§3): m and v start at 0, so early on they are biased
toward 0 — after one step m = (1 - β₁) g, a tenth of g with β₁ = 0.9, and
v = (1 - β₂) g², a thousandth of g². Dividing by (1 - βᵗ) removes exactly
that factor; as t grows, βᵗ → 0 and the correction fades. Without it the
first steps are the wrong size (m̂/√v̂ ≈ 0.1/√0.001 ≈ 3.2 times too large).
t counts from 1: at t = 0 the correction would divide by zero.

Shapes: θ, g, m, v all one shape; t an int ≥ 1; everything elementwise.
Return new arrays (do not change the ones passed in).

The grader (python -m exercises check 08): five steps on random gradients
against Algorithm 1 computed in NumPy — m, v, then θ, step by step — and the
same five steps against minigrad.optim.Adam on one parameter.
"""

import numpy as np  # noqa: F401  (np.sqrt, for your step)


def adam_step(theta, grad, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    """One Adam step (Kingma & Ba 2015, Algorithm 1).

    Args:
        theta: (...) the parameter.  grad: (...) its gradient.
        m, v: (...) the first and second moment estimates (zeros before step 1).
        t: the number of this step, 1 for the first.
        lr, betas, eps: the step size, (β₁, β₂), and ε.
    Returns:
        (theta, m, v), the new values, each (...).
    """
    raise NotImplementedError
