"""Exercise 02 — sum_to: undo broadcasting.

Read first: minigrad/ops/broadcast.py (SumTo and BroadcastTo, each other's
backward), then minigrad/ops/arithmetic.py (every broadcasting op ends its
backward with sum_to).

Why. When an op broadcast an input x of shape s up to the output's shape,
every element of x was used many times, so its gradient is the SUM of the
upstream gradient over the copies:

    y = x + w,  x (B, T, H), w (H,)     ->  ∂L/∂w = Σ_{b,t} g[b, t, :]      shape (H,)
    y = x ⊙ w,  x (B, T, H), w (B, 1, H) ->  ∂L/∂w = Σ_t (g ⊙ x)[:, t, :]   shape (B, 1, H)

Broadcasting (NumPy's rules) aligns shapes at the right; it (1) prepends
axes to the shorter shape, then (2) stretches axes of size 1. sum_to undoes
both: sum over the prepended (leading) axes, and over the axes where the
target has 1 but g does not — keeping those as size 1.

    sum_to(g, shape):  g (..., *shape broadcast)  ->  (*shape)

Examples: (2, 3, 4) -> (4,)     sum axes 0, 1
          (2, 3, 4) -> (3, 1)   sum axis 0, and axis 2 keeping it: (1, 3, 1) -> (3, 1)
          (2, 3, 4) -> ()       sum everything: a 0-d array
          (2, 3)    -> (2, 3)   nothing to do

The trap: code that works when g and shape have the same number of axes,
and fails on (B, T, H) -> (H,) — a bias's gradient in every RNN.

Use the array namespace of g, xp = mg.backend.of(g).xp (xp.sum with
axis=tuple and keepdims=True, xp.reshape), so that it runs on every device;
the grader uses NumPy and "array_api_strict".

The grader (python -m exercises check 02): a table of named rank-changing
cases, then hypothesis draws random shapes and shrinks any failure to the
smallest case it can find; each result is compared with minigrad.sum_to.
"""

import minigrad as mg  # noqa: F401  (for your code: xp = mg.backend.of(g).xp)


def sum_to(g, shape):
    """Sum g down to `shape`, the inverse of broadcasting an array of that shape up to g's.

    Args:
        g: an array (NumPy, or another backend's) whose shape `shape` broadcasts to.
        shape: a tuple, the target shape.
    Returns:
        an array of shape `shape`, g's dtype.
    """
    raise NotImplementedError
