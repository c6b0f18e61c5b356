"""Exercise 09 — gradient clipping by the global norm.

Read first: minigrad/nn/utils.py (clip_grad_norm_), then demos/exploding.py,
which measures what clipping does to an RNN's exploding gradients. Pascanu,
Mikolov & Bengio, "On the difficulty of training recurrent neural networks"
(ICML 2013), §3.2 and Algorithm 1.

Why. An RNN's gradient through k steps is multiplied by W_hh ⊙ φ' k times;
when that grows, one step of gradient descent can throw the weights far off
(the "cliffs" the paper draws). Clipping keeps the direction of the
update and caps its length:

    total = ‖(g_1, g_2, …)‖ = sqrt(Σ_i Σ_j g_i[j]²)      ALL gradients as one vector
    if total > max_norm:
        g_i ← g_i · max_norm / (total + 1e-6)              the same factor for every g_i
    (PyTorch's form, which minigrad follows: the factor is
     min(1, max_norm / (total + 1e-6)), so a total below max_norm is left alone)

Clipping each gradient by its own norm would change the direction of the
whole update: the global norm is the point.

Shapes: grads is a list of arrays of any shapes; the clipped list has the
same shapes. Return new arrays (do not change the ones passed in).

The grader (python -m exercises check 09): lists of differently shaped
gradients, with totals above and below max_norm, against
minigrad.nn.utils.clip_grad_norm_ — the total first, then each gradient.
"""

import numpy as np  # noqa: F401  (np.sum, np.sqrt, for your code)


def clip_grad_norm(grads, max_norm):
    """Scale the gradients together so that their global 2-norm is at most max_norm.

    Args:
        grads: a list of arrays (any shapes).  max_norm: a float > 0.
    Returns:
        (clipped, total): the list of scaled arrays (same shapes), and the
        global norm before clipping, a float.
    """
    raise NotImplementedError
