"""Reference solution of exercise 02 (there to prove the grader; try the exercise first)."""

import minigrad as mg


def sum_to(g, shape):
    """Sum g down to `shape`, the inverse of broadcasting an array of that shape up to g's.

    Args:
        g: an array (NumPy, or another backend's) whose shape `shape` broadcasts to.
        shape: a tuple, the target shape.
    Returns:
        an array of shape `shape`, g's dtype.
    """
    xp = mg.backend.of(g).xp
    lead = g.ndim - len(shape)                                  # axes broadcasting prepended
    stretched = tuple(lead + i for i, s in enumerate(shape) if s == 1 and g.shape[lead + i] != 1)
    summed = xp.sum(g, axis=tuple(range(lead)) + stretched, keepdims=True)   # (1, ..., 1, *shape)
    return xp.reshape(summed, tuple(shape))
