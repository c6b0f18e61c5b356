"""Grades exercise 07: the combine operator, and an inclusive scan built on it.

The reference is the sequential loop h_t = a_t ⊙ h_{t-1} + b_t; the grader's
own log-depth scan (the odd-even reduction of models/ssm.py's linear_scan)
runs on the learner's combine before the learner's scan is graded.
"""

import math

import numpy as np

from exercises.grade import Failure, call, compare, rng

LENGTHS = tuple(range(1, 18)) + (64,)


def _sequential(a, b):
    """The recurrence as a loop: the reference."""
    h, hs = np.zeros_like(b[0]), []
    for t in range(a.shape[0]):
        h = a[t] * h + b[t]
        hs.append(h)
    return np.stack(hs)


def _odd_even_scan(combine, a, b):
    """A log-depth scan using `combine` (models/ssm.py's linear_scan, out of place)."""
    length = a.shape[0]
    if length == 1:
        return b
    half = length // 2
    a_pair, b_pair = combine((a[0:2 * half:2], b[0:2 * half:2]), (a[1::2], b[1::2]))   # steps 2i then 2i+1
    h_odd = _odd_even_scan(combine, a_pair, b_pair)                                      # h_1, h_3, ...
    h = np.empty_like(b)
    h[1::2] = h_odd
    h[0] = b[0]
    _, h[2::2] = combine((np.zeros_like(h_odd[:(length - 1) // 2]), h_odd[:(length - 1) // 2]),
                         (a[2::2], b[2::2]))                                             # one more step
    return h


def _pair(module, name, *args):
    got = call(module, name, *args)
    if not (isinstance(got, tuple) and len(got) == 2):
        raise Failure(f"{name} returned a {type(got).__name__}; expected a pair (a, b)")
    return got


def _check_combine(module, r):
    x, y, z = [(r.uniform(0.5, 1.5, (3, 2)), r.standard_normal((3, 2))) for _ in range(3)]
    h = r.standard_normal((3, 2))
    a, b = _pair(module, "combine", x, y)
    compare("combine(step 1, step 2) applied to h (it must equal step 1 then step 2, "
            "a₂ (a₁ h + b₁) + b₂; left is the earlier step)", a * h + b, y[0] * (x[0] * h + x[1]) + y[1],
            "random (a, b) pairs of shape (3, 2), seed 0")
    left = _pair(module, "combine", _pair(module, "combine", x, y), z)
    right = _pair(module, "combine", x, _pair(module, "combine", y, z))
    for k, what in enumerate("ab"):
        compare(f"combine is not associative: the {what} of (x∘y)∘z against the {what} of x∘(y∘z)",
                left[k], right[k], "random (a, b) pairs of shape (3, 2), seed 0")


def _counting(module):
    """Wrap module.combine so that each call is counted; returns the counter."""
    calls = [0]
    inner = module.combine

    def counted(left, right):
        calls[0] += 1
        return inner(left, right)

    module.combine = counted
    return calls, inner


def check(module):
    """Grade the learner's module.

    Args:
        module: the learner's module (a file loaded by exercises.grade.load).
    Returns:
        a one-line summary of what passed; raises Failure, or NotImplementedYet
        while a function still raises NotImplementedError.
    """
    r = rng(0)
    _check_combine(module, r)
    cases = [(n, r.uniform(0.5, 1.0, (n, 2)), r.standard_normal((n, 2))) for n in LENGTHS]
    for n, a, b in cases:
        compare("the grader's log-depth scan with your combine", _odd_even_scan(module.combine, a, b),
                _sequential(a, b), f"L={n}, a, b of shape {a.shape}, seed 0", time_axis=0, forward=True)
    for n, a, b in cases:
        calls, inner = _counting(module)
        try:
            h = call(module, "inclusive_scan", a.copy(), b.copy())
        finally:
            module.combine = inner
        context = f"L={n}, a, b of shape {a.shape}, seed 0"
        compare("inclusive_scan", h, _sequential(a, b), context, time_axis=0, forward=True)
        rounds = math.ceil(math.log2(n)) if n > 1 else 0
        if calls[0] > 2 * rounds + 2:
            raise Failure(f"inclusive_scan called combine {calls[0]} times for L = {n}: a log-depth scan "
                          f"makes ⌈log₂ L⌉ = {rounds} rounds, each one combine over all positions at once")
    return ("combine composes two steps and is associative; the log-depth scans equal the sequential "
            "loop for L = 1 … 17 and 64, in about log₂ L rounds")
