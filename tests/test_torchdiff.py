"""The differential harness itself: it passes what agrees with PyTorch and
catches each kind of disagreement (values, dtype, first and second derivatives)."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import minigrad as mg  # noqa: E402
from torchdiff import compare  # noqa: E402

A = np.random.default_rng(0).standard_normal((2, 3))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_agreement_passes(device, dtype):
    compare(lambda x, y: x * y, lambda x, y: x * y, A, A[0], dtype=dtype, device=device, second_order=True)
    compare(lambda x: x.tanh(), lambda x: x.tanh(), A, dtype=dtype, device=device, second_order=True,
            noncontiguous=True)


def test_catches_wrong_values():
    with pytest.raises(AssertionError, match="output 0"):
        compare(lambda x: x * 2, lambda x: x * 3, A)


def test_catches_wrong_dtype():
    with pytest.raises(AssertionError, match="dtype"):
        compare(lambda x: x * 2, lambda x: (x * 2).double(), A.astype("float32"))


def test_catches_wrong_gradient():
    wrong = lambda x: mg.tensor(np.asarray(x) ** 2, dtype="float64") + x * 0   # noqa: E731  x² with gradient 0
    with pytest.raises(AssertionError, match="d/d input 0"):
        compare(wrong, lambda x: x * x, A, dtype="float64")


def test_catches_wrong_second_derivative():
    # x ** 3 with a gradient 3x² built outside the graph: right first, wrong second derivative
    class Cube(mg.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return g * mg.tensor(3 * np.asarray(x) ** 2, dtype="float64")

    compare(Cube.apply, lambda x: x ** 3, A, dtype="float64")
    with pytest.raises(AssertionError, match="Hessian-vector"):
        compare(Cube.apply, lambda x: x ** 3, A, dtype="float64", second_order=True)
