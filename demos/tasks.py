"""The synthetic tasks the demos train on, each a function from a seeded NumPy
generator to one batch of minigrad tensors.

    adding_problem      Le, Jaitly & Hinton (2015) form; Bai et al. (2018) report it
    first_token         the source article's "I grew up in France … I speak fluent ___"
    random_labels       the source article's own table: inputs and labels drawn at random

Data is made on the host with NumPy (the demos may use it; minigrad itself
names NumPy only in its backend) and moved to the demo's device once.
"""

import numpy as np

import minigrad as mg

ADDING_BASELINE = 1 / 6     # MSE of always predicting the mean, 1: Var(a + b) for a, b ~ U[0, 1]


def adding_problem(rng, batch, length, device="cpu", dtype="float32"):
    """Inputs (B, T, 2): a value U[0, 1] and a marker, exactly one marker in each
    half of the sequence; target (B, 1): the sum of the two marked values.

    Predicting the mean, 1, scores Var(a + b) = 2 · 1/12 = 1/6 ≈ 0.167: a model
    below that has learned to find and add the marked values.
    """
    values = rng.uniform(0.0, 1.0, size=(batch, length))
    markers = np.zeros((batch, length))
    half = length // 2
    first = rng.integers(0, half, size=batch)
    second = rng.integers(half, length, size=batch)
    rows = np.arange(batch)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    x = np.stack([values, markers], axis=-1)                                  # (B, T, 2)
    y = (values[rows, first] + values[rows, second]).reshape(batch, 1)        # (B, 1)
    return mg.tensor(x, dtype=dtype, device=device), mg.tensor(y, dtype=dtype, device=device)


def first_token(rng, batch, length, vocab=8, device="cpu", dtype="float32"):
    """"I grew up in France, so I speak fluent ___": the answer is fixed by the
    first token and everything after it is filler.

    Token 0 or 1 (the country) comes first; then length − 1 filler tokens drawn
    from 2 … vocab − 1. Inputs are one-hot (B, T, vocab); the label (B,) is the
    first token. Chance accuracy is 0.5 and chance cross-entropy ln 2 ≈ 0.693.
    """
    country = rng.integers(0, 2, size=batch)
    tokens = rng.integers(2, vocab, size=(batch, length))
    tokens[:, 0] = country
    x = np.eye(vocab)[tokens]                                                 # (B, T, vocab)
    return mg.tensor(x, dtype=dtype, device=device), mg.tensor(country, device=device)


def random_labels(rng, batch, length, input_size, classes=2, device="cpu", dtype="float32"):
    """The source article's table: x ~ N(0, 1) of shape (B, T, I) and labels
    drawn uniformly, independent of x — there is nothing to learn, and the best
    possible expected cross-entropy is ln(classes)."""
    x = rng.standard_normal((batch, length, input_size))
    y = rng.integers(0, classes, size=batch)
    return mg.tensor(x, dtype=dtype, device=device), mg.tensor(y, device=device)
