"""Exercise 07 — the associative combine, and a log-depth scan built on it.

Read first: models/ssm.py, the module docstring ("Why this escapes the RNN's
sequential bottleneck") and linear_scan (the library's log-depth scan, odd-even
reduction). Blelloch, "Prefix sums and their applications" (1990), on scans
with any associative operator and first-order recurrences as scans; Hillis
& Steele, "Data parallel algorithms" (1986); Gu & Dao (2023) §3.3 for its
use in Mamba.

The recurrence h_t = a_t ⊙ h_{t-1} + b_t, h_{-1} = 0, is a sequential loop.
But each step is an affine map of h, h ↦ a h + b, and two affine maps in a
row are again one:

    step 1 then step 2:  a₂ (a₁ h + b₁) + b₂ = (a₁ a₂) h + (a₂ b₁ + b₂)
    (a₁, b₁) ∘ (a₂, b₂) = (a₁ a₂,  a₂ b₁ + b₂)

Composition of maps is associative, so (x ∘ y) ∘ z = x ∘ (y ∘ z): the L steps
can be grouped in any bracketing, and a scan can do them in ⌈log₂ L⌉
rounds, each round one vectorised combine over all positions.

Part 1, combine(left, right): the operator above, elementwise on arrays
(left = (a₁, b₁) is the EARLIER step; the order matters: ∘ is not commutative).

Part 2, inclusive_scan(a, b): h for every t, by Hillis & Steele's scan:

    (A, B) = (a, b)                                   (L, ...) each
    for offset = 1, 2, 4, … while offset < L:
        positions t ≥ offset become  (A_{t-offset}, B_{t-offset}) ∘ (A_t, B_t)
        (one call of combine on the slices [:-offset] and [offset:])
    now (A_t, B_t) is steps 0…t composed, and since h_{-1} = 0, h_t = B_t

Each round reads the previous round's arrays (make new ones; do not update
in place while reading). O(L log L) work, ⌈log₂ L⌉ rounds; Blelloch's
work-efficient form (models/ssm.py) does O(L) work.

The grader (python -m exercises check 07): combine composes two steps and is
associative (random arrays); the grader's own log-depth scan with your
combine, then your inclusive_scan, against the sequential loop for lengths
1 … 17 and 64, listing the wrong steps; and your scan must call combine
about log₂ L times, not L.
"""

import numpy as np  # noqa: F401  (np.concatenate, for your scan)


def combine(left, right):
    """Two steps of h ↦ a h + b as one: (a₁, b₁) ∘ (a₂, b₂) = (a₁ a₂, a₂ b₁ + b₂).

    Args:
        left: (a₁, b₁), the earlier step; right: (a₂, b₂), the later one.
            Arrays of one shape (or broadcastable), elementwise.
    Returns:
        (a, b), the two steps composed.
    """
    raise NotImplementedError


def inclusive_scan(a, b):
    """h_t = a_t ⊙ h_{t-1} + b_t (h_{-1} = 0) for every t, in ⌈log₂ L⌉ rounds of combine.

    Args:
        a, b: (L, ...) arrays, time first.
    Returns:
        h: (L, ...).
    """
    raise NotImplementedError
