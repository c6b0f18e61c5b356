"""Grades exercise 02: sum_to, against minigrad.sum_to.

First a table of named cases (the rank-changing ones an RNN meets), then
hypothesis draws (g's shape, target shape) pairs and, if one fails, shrinks
it to the smallest failing pair it can find.
"""

import importlib.util

import numpy as np
from hypothesis import HealthCheck, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

import minigrad as mg
from exercises.grade import Failure, NotImplementedYet, call, compare, rng

DEVICES = ("cpu", "array_api_strict") if importlib.util.find_spec("array_api_strict") else ("cpu",)

# (what it is, g's shape, the target shape)
CASES = [
    ("a bias (B, T, H) -> (H,)", (2, 3, 4), (4,)),
    ("a per-sequence gain (B, T, H) -> (B, 1, H)", (2, 3, 4), (2, 1, 4)),
    ("rank and size 1 at once (B, T, H) -> (T, 1)", (2, 3, 4), (3, 1)),
    ("a 0-d scalar (B, T, H) -> ()", (2, 3, 4), ()),
    ("a leading 1 (B, T, H) -> (1, T, H)", (2, 3, 4), (1, 3, 4)),
    ("nothing to do (T, H) -> (T, H)", (3, 4), (3, 4)),
    ("size 1 stays 1 (T, 1) -> (T, 1)", (3, 1), (3, 1)),
    ("a vector to (1,)", (5,), (1,)),
]


def _run_case(module, g_shape, shape, device, seed=0):
    """Returns None if sum_to is right on this case, else the Failure message."""
    g = rng(seed).standard_normal(g_shape)
    expected = mg.sum_to(mg.tensor(g), shape).numpy()
    context = f"g of shape {g_shape} -> shape {shape}, device {device!r}, seed {seed}"
    try:
        got = call(module, "sum_to", mg.backend.get(device).asarray(g), shape)
        got = got if isinstance(got, (np.ndarray, np.generic)) else mg.backend.of(got).to_host(got)
        compare("sum_to", got, expected, context)
    except NotImplementedYet:
        raise
    except Failure as e:
        return str(e)
    except Exception as e:
        return f"sum_to raised {type(e).__name__}: {e} (input: {context})"
    return None


@st.composite
def _shapes(draw):
    """(g's shape, target shape): a target of 0-3 axes, some of size 1, broadcast
    up by prepending 0-2 axes and stretching some of its 1s."""
    target = tuple(draw(st.lists(st.integers(1, 3), max_size=3)))
    stretched = tuple(draw(st.integers(1, 3)) if s == 1 else s for s in target)
    lead = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    return lead + stretched, target


def check(module):
    """Grade the learner's module.

    Args:
        module: the learner's module (a file loaded by exercises.grade.load).
    Returns:
        a one-line summary of what passed; raises Failure, or NotImplementedYet
        while a function still raises NotImplementedError.
    """
    for device in DEVICES:
        for what, g_shape, shape in CASES:
            message = _run_case(module, g_shape, shape, device)
            if message:
                raise Failure(f"case {what}: {message}")
    try:
        g_shape, shape = find(_shapes(), lambda case: _run_case(module, *case, "cpu") is not None,
                              settings=settings(max_examples=150, database=None, derandomize=True,
                                                suppress_health_check=list(HealthCheck)))
    except NoSuchExample:
        return (f"{len(CASES)} named cases on {', '.join(DEVICES)}, then 150 random shapes, "
                "all equal to minigrad.sum_to")
    raise Failure(f"the smallest failing case hypothesis found: {_run_case(module, g_shape, shape, 'cpu')}")
