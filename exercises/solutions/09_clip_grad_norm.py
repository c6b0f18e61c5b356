"""Reference solution of exercise 09 (there to prove the grader; try the exercise first)."""

import numpy as np


def clip_grad_norm(grads, max_norm):
    """Scale the gradients together so that their global 2-norm is at most max_norm.

    Args:
        grads: a list of arrays (any shapes).  max_norm: a float > 0.
    Returns:
        (clipped, total): the list of scaled arrays (same shapes), and the
        global norm before clipping, a float.
    """
    total = float(np.sqrt(sum(np.sum(g * g) for g in grads)))      # all gradients as one vector
    factor = min(1.0, max_norm / (total + 1e-6))                     # one factor for every gradient
    return [g * factor for g in grads], total
