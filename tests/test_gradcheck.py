"""gradcheck itself: it passes right gradients and catches wrong ones.

A checker that cannot fail proves nothing, so most of these tests hand it a
deliberately broken backward and expect the error, naming the input, the
element and both values.
"""

import numpy as np
import pytest

import minigrad as mg
from minigrad.backend import dtype_name


class Square(mg.Function):
    # y = x²;   dx = 2 g x
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return 2 * g * x


class WrongScale(Square):
    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return 2.01 * g * x                  # one percent off


class Transposed(mg.Function):
    # y = x @ w, but dw = gᵀ-ish: right shape for square w, wrong values
    @staticmethod
    def forward(ctx, x, w):
        ctx.save_for_backward(x, w)
        return x @ w

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        return g @ w.T, (x.T @ g).T


class NaNGradient(Square):
    @staticmethod
    def backward(ctx, g):
        return g * float("nan")


class OneElementWrong(Square):
    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        bump = mg.zeros_like(x)
        bump._data[(1,) * x.ndim] = 0.5
        return 2 * g * x + g * bump


def x64(v, device="cpu"):
    return mg.tensor(np.asarray(v, dtype=np.float64), dtype="float64", device=device, requires_grad=True)


def test_passes_a_right_gradient(device):
    x = x64(np.linspace(-1, 1, 6).reshape(2, 3), device)
    assert mg.gradcheck(lambda x: Square.apply(x), [x]) is True
    assert mg.gradcheck(lambda x: Square.apply(x), x, fast_mode=True) is True


@pytest.mark.parametrize("fast_mode", [False, True])
def test_catches_a_one_percent_error(device, fast_mode):
    x = x64([[0.5, -1.0, 2.0]], device)
    with pytest.raises(mg.GradcheckError):
        mg.gradcheck(lambda x: WrongScale.apply(x), [x], fast_mode=fast_mode)


def test_catches_a_transposed_gradient_that_an_all_ones_projection_would_miss():
    r = np.random.default_rng(5)
    x, w = x64(r.standard_normal((3, 3))), x64(r.standard_normal((3, 3)))
    # with upstream gradient ones, (xᵀ g)ᵀ and xᵀ g can agree on the sum; elementwise they do not
    with pytest.raises(mg.GradcheckError, match="input 1"):
        mg.gradcheck(lambda x, w: Transposed.apply(x, w), [x, w])


def test_catches_nan_gradients(device):
    x = x64([1.0, 2.0], device)
    with pytest.raises(mg.GradcheckError):
        mg.gradcheck(lambda x: NaNGradient.apply(x), [x])
    with pytest.raises(mg.GradcheckError):
        mg.gradcheck(lambda x: NaNGradient.apply(x), [x], fast_mode=True)


def test_names_the_input_the_worst_element_and_both_values():
    x = x64(np.full((2, 3), 0.5))
    with pytest.raises(mg.GradcheckError) as err:
        mg.gradcheck(lambda a, x: a + OneElementWrong.apply(x), [x64(1.0), x])
    message = str(err.value)
    assert "input 1" in message and "(1, 1)" in message
    assert "autograd gives" in message and "finite differences give" in message


def test_checks_float64_copies_and_leaves_the_inputs_alone():
    x = mg.tensor([0.5, 1.5], requires_grad=True)            # float32
    seen = []

    def f(x):
        seen.append(dtype_name(x.dtype))
        return mg.tanh(x)

    assert mg.gradcheck(f, [x])
    assert set(seen) == {"float64"}
    assert dtype_name(x.dtype) == "float32" and x.grad is None
    np.testing.assert_array_equal(x.numpy(), np.float32([0.5, 1.5]))


def test_several_outputs_and_inputs_that_need_no_grad():
    a = x64([1.0, 2.0])
    b = mg.tensor([3.0, 4.0], dtype="float64")               # not checked
    assert mg.gradcheck(lambda a, b, k: (a * b * k, mg.exp(a)), [a, b, 2])


def test_refuses_when_nothing_requires_grad():
    with pytest.raises(ValueError, match="no input requires grad"):
        mg.gradcheck(lambda x: x * 2, [mg.tensor([1.0])])


def test_zero_d_inputs(device):
    assert mg.gradcheck(lambda x, y: x * x * y, [x64(1.5, device), x64(-2.0, device)])
    with pytest.raises(mg.GradcheckError, match=r"input 0 \(shape \(\)\)"):
        mg.gradcheck(lambda x: WrongScale.apply(x), [x64(1.5, device)])
