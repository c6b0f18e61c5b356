"""Bad arguments to the sorting, selection, special, product, norm, linear
algebra, logical, copying and creation functions: each raises the error
PyTorch raises, with a message naming the function, and changes nothing.
"""

import math

import numpy as np
import pytest
from badargs import Bad, check

import minigrad as mg


def x23():
    return mg.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)


X = x23()                           # shared by the rows; each row's state check proves it unchanged
V = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
I = mg.tensor([[0, 1, 2], [2, 1, 0]])
P = mg.tensor([0.2, 0.0, 0.8])


def same(*ts):
    return lambda: list(ts)


ROWS = [
    # sorting
    Bad("argmax dim out of range", lambda: mg.argmax(X, 2), IndexError, "argmax", same(X)),
    Bad("argmax dim not an int", lambda: mg.argmax(X, 1.5), TypeError, "argmax", same(X)),
    Bad("argmax of a bool tensor", lambda: mg.argmax(X > 2), RuntimeError, "argmax", same(X)),
    Bad("argmin of an empty dim", lambda: mg.argmin(mg.zeros(0, 3), 0), IndexError, "argmin"),
    Bad("argmax of an empty tensor", lambda: mg.argmax(mg.zeros(0)), IndexError, "argmax"),
    Bad("sort dim out of range", lambda: mg.sort(X, -3), IndexError, "sort", same(X)),
    Bad("argsort dim out of range", lambda: mg.argsort(X, 5), IndexError, "argsort", same(X)),
    Bad("topk k > size", lambda: mg.topk(X, 4), RuntimeError, "topk", same(X)),
    Bad("topk k < 0", lambda: mg.topk(X, -1), RuntimeError, "topk", same(X)),
    Bad("topk k not an int", lambda: mg.topk(X, 1.0), TypeError, "topk", same(X)),
    Bad("topk dim out of range", lambda: mg.topk(X, 1, dim=2), IndexError, "topk", same(X)),
    # selection
    Bad("gather float index", lambda: mg.gather(X, 1, mg.tensor([[0.0, 1.0]])), RuntimeError, "gather", same(X)),
    Bad("gather index not a tensor", lambda: mg.gather(X, 1, [[0, 1]]), TypeError, "gather", same(X)),
    Bad("gather index of other ndim", lambda: mg.gather(X, 1, mg.tensor([0, 1])), RuntimeError, "gather", same(X)),
    Bad("gather index too large on another dim", lambda: mg.gather(X, 1, mg.tensor([[0], [1], [0]])),
        RuntimeError, "gather", same(X)),
    Bad("gather index value out of range", lambda: mg.gather(X, 1, mg.tensor([[3]])), RuntimeError, "gather",
        same(X)),
    Bad("gather negative index", lambda: mg.gather(X, 1, mg.tensor([[-1]])), RuntimeError, "gather", same(X)),
    Bad("gather dim out of range", lambda: mg.gather(X, 2, I), IndexError, "gather", same(X, I)),
    Bad("masked_fill mask not bool", lambda: mg.masked_fill(X, mg.tensor([1, 0, 1]), 0.0), RuntimeError,
        "masked_fill", same(X)),
    Bad("masked_fill value not 0-d", lambda: mg.masked_fill(X, X > 2, mg.tensor([1.0, 2.0])), RuntimeError,
        "masked_fill", same(X)),
    Bad("masked_fill value a string", lambda: mg.masked_fill(X, X > 2, "a"), TypeError, "masked_fill", same(X)),
    Bad("tril of a vector", lambda: mg.tril(V), RuntimeError, "tril", same(V)),
    Bad("triu diagonal not an int", lambda: mg.triu(X, 0.5), TypeError, "triu", same(X)),
    Bad("roll shifts and dims of other lengths", lambda: mg.roll(X, (1, 2), 0), RuntimeError, "roll", same(X)),
    Bad("roll dim out of range", lambda: mg.roll(X, 1, 3), IndexError, "roll", same(X)),
    Bad("roll two shifts without dims", lambda: mg.roll(X, (1, 1)), RuntimeError, "roll", same(X)),
    Bad("repeat fewer sizes than dims", lambda: X.repeat(2), RuntimeError, "repeat", same(X)),
    Bad("repeat without sizes", lambda: X.repeat(), TypeError, "repeat", same(X)),
    Bad("repeat negative size", lambda: X.repeat(1, -1), RuntimeError, "repeat", same(X)),
    Bad("repeat_interleave negative", lambda: mg.repeat_interleave(V, -1), RuntimeError, "repeat_interleave",
        same(V)),
    Bad("repeat_interleave wrong count", lambda: mg.repeat_interleave(V, mg.tensor([1, 2]), 0), RuntimeError,
        "repeat_interleave", same(V)),
    Bad("repeat_interleave float repeats", lambda: mg.repeat_interleave(V, mg.tensor([1.0, 2.0, 1.0])),
        RuntimeError, "repeat_interleave", same(V)),
    # special functions
    Bad("gelu bad approximate", lambda: mg.gelu(X, approximate="fast"), RuntimeError, "gelu", same(X)),
    Bad("gelu of an integer tensor", lambda: mg.gelu(I), TypeError, "gelu", same(I)),
    Bad("clamp without bounds", lambda: mg.clamp(X), RuntimeError, "clamp", same(X)),
    Bad("sin of a string", lambda: mg.sin("x"), TypeError, "sin"),
    # products, norms
    Bad("prod dim a tuple", lambda: mg.prod(X, (0, 1)), TypeError, "prod", same(X)),
    Bad("prod dim out of range", lambda: mg.prod(X, 2), IndexError, "prod", same(X)),
    Bad("cumprod dim out of range", lambda: mg.cumprod(X, -3), IndexError, "cumprod", same(X)),
    Bad("norm p a bad string", lambda: mg.norm(X, "max"), RuntimeError, "norm", same(X)),
    Bad("norm p nuclear", lambda: mg.norm(X, "nuc"), RuntimeError, "norm", same(X)),
    Bad("norm p a list", lambda: mg.norm(X, [2]), TypeError, "norm", same(X)),
    Bad("norm of an integer tensor", lambda: mg.norm(I), RuntimeError, "norm", same(I)),
    Bad("norm dim repeated", lambda: mg.norm(X, 2, (1, -1)), RuntimeError, "norm", same(X)),
    Bad("norm 'fro' over 3 dims", lambda: mg.norm(mg.ones(2, 2, 2), "fro", (0, 1, 2)), RuntimeError, "norm"),
    Bad("norm dim out of range", lambda: mg.norm(X, 2, 2), IndexError, "norm", same(X)),
    Bad("norm inf of an empty dim", lambda: mg.norm(mg.zeros(0, 2), math.inf, 0), RuntimeError, "norm"),
    Bad("std of an integer tensor", lambda: mg.std(I), RuntimeError, "std", same(I)),
    Bad("std dim out of range", lambda: mg.std(X, 2), IndexError, "std", same(X)),
    Bad("std axis and dim", lambda: mg.std(X, 0, axis=1), TypeError, "std", same(X)),
    Bad("argmax keepdim and keepdims", lambda: mg.argmax(X, 0, True, keepdims=True), TypeError, "argmax", same(X)),
    Bad("std unbiased and correction", lambda: mg.std(X, 1, True, correction=0), TypeError, "std", same(X)),
    # linear algebra
    Bad("outer of a matrix", lambda: mg.outer(X, V), RuntimeError, "outer", same(X, V)),
    Bad("bmm of matrices", lambda: mg.bmm(X, X), RuntimeError, "bmm", same(X)),
    Bad("bmm batch mismatch", lambda: mg.bmm(mg.zeros(2, 2, 3), mg.zeros(3, 3, 2)), RuntimeError, "bmm"),
    Bad("einsum too many subscripts", lambda: mg.einsum("ij,jk->ik", X), RuntimeError, "einsum", same(X)),
    Bad("einsum subscripts misfit", lambda: mg.einsum("ijk->i", X), RuntimeError, "einsum", same(X)),
    Bad("einsum sizes disagree", lambda: mg.einsum("ij,ij->i", X, X.T), RuntimeError, "einsum", same(X)),
    Bad("einsum bad character", lambda: mg.einsum("i1->i", X), RuntimeError, "einsum", same(X)),
    Bad("einsum output letter unknown", lambda: mg.einsum("ij->k", X), RuntimeError, "einsum", same(X)),
    Bad("einsum output letter twice", lambda: mg.einsum("ij->ii", X), RuntimeError, "einsum", same(X)),
    Bad("einsum diagonal (unsupported)", lambda: mg.einsum("ii->i", mg.zeros(2, 2)), RuntimeError, "einsum"),
    Bad("einsum equation not a string", lambda: mg.einsum(3, X), TypeError, "einsum", same(X)),
    Bad("einsum mixed dtypes", lambda: mg.einsum("i,i->", V, V.double()), RuntimeError, "einsum", same(V)),
    # logical
    Bad("all dim out of range", lambda: mg.all(X > 1, 2), IndexError, "all", same(X)),
    Bad("any dim not an int", lambda: mg.any(X > 1, "0"), TypeError, "any", same(X)),
    # creation and sampling
    Bad("eye negative n", lambda: mg.eye(-1), RuntimeError, "eye"),
    Bad("eye float n", lambda: mg.eye(2.0), TypeError, "eye"),
    Bad("linspace negative steps", lambda: mg.linspace(0, 1, -2), RuntimeError, "linspace"),
    Bad("randint low >= high", lambda: mg.randint(3, 3, (2,)), RuntimeError, "randint"),
    Bad("randint without size", lambda: mg.randint(3), TypeError, "randint"),
    Bad("rand_like of an int dtype", lambda: mg.rand_like(I), RuntimeError, "rand_like", same(I)),
    Bad("full_like value a list", lambda: mg.full_like(X, [1]), TypeError, "full_like", same(X)),
    Bad("multinomial negative num_samples", lambda: mg.multinomial(P, -1), RuntimeError, "multinomial", same(P)),
    Bad("multinomial zero num_samples", lambda: mg.multinomial(P, 0), RuntimeError, "multinomial", same(P)),
    Bad("multinomial negative weight", lambda: mg.multinomial(mg.tensor([0.5, -0.1]), 1), RuntimeError,
        "multinomial"),
    Bad("multinomial nan weight", lambda: mg.multinomial(mg.tensor([0.5, math.nan]), 1), RuntimeError,
        "multinomial"),
    Bad("multinomial all zero", lambda: mg.multinomial(mg.tensor([0.0, 0.0]), 1), RuntimeError, "multinomial"),
    Bad("multinomial too many without replacement", lambda: mg.multinomial(P, 3), RuntimeError, "multinomial",
        same(P)),
    Bad("multinomial 3-D", lambda: mg.multinomial(mg.ones(2, 2, 2), 1), RuntimeError, "multinomial"),
    Bad("multinomial int weights", lambda: mg.multinomial(mg.tensor([1, 2]), 1), RuntimeError, "multinomial"),
]


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_bad_argument(row):
    check(row)


def test_a_failed_sampling_leaves_the_generator_as_it_was():
    """multinomial checks everything before it draws: a bad call does not advance the generator."""
    mg.manual_seed(3)
    with pytest.raises(RuntimeError):
        mg.multinomial(mg.tensor([0.0, 0.0]), 1)
    after_failure = mg.rand(4).numpy()
    mg.manual_seed(3)
    np.testing.assert_array_equal(after_failure, mg.rand(4).numpy())
