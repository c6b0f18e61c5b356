"""Reference solution of exercise 08 (there to prove the grader; try the exercise first)."""

import numpy as np


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
    beta1, beta2 = betas
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
