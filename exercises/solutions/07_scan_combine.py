"""Reference solution of exercise 07 (there to prove the grader; try the exercise first)."""

import numpy as np


def combine(left, right):
    """Two steps of h ↦ a h + b as one: (a₁, b₁) ∘ (a₂, b₂) = (a₁ a₂, a₂ b₁ + b₂).

    Args:
        left: (a₁, b₁), the earlier step; right: (a₂, b₂), the later one.
            Arrays of one shape (or broadcastable), elementwise.
    Returns:
        (a, b), the two steps composed.
    """
    (a1, b1), (a2, b2) = left, right
    return a1 * a2, a2 * b1 + b2


def inclusive_scan(a, b):
    """h_t = a_t ⊙ h_{t-1} + b_t (h_{-1} = 0) for every t, in ⌈log₂ L⌉ rounds of combine.

    Args:
        a, b: (L, ...) arrays, time first.
    Returns:
        h: (L, ...).
    """
    A, B = a, b
    offset = 1
    while offset < a.shape[0]:
        a_new, b_new = combine((A[:-offset], B[:-offset]), (A[offset:], B[offset:]))   # (L - offset, ...)
        A = np.concatenate([A[:offset], a_new])              # new arrays: the round read the old ones
        B = np.concatenate([B[:offset], b_new])
        offset *= 2
    return B                                                 # steps 0…t composed, applied to h_{-1} = 0
