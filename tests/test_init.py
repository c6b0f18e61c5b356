"""nn.init: distributions and bounds as PyTorch defines them, one seeded
generator for every device, in place and outside the graph."""

import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn import init


def _param(*shape, device="cpu", dtype="float32"):
    return nn.Parameter(mg.zeros(*shape, device=device, dtype=dtype))


def test_in_place_outside_the_graph_keeping_dtype_and_device(device):
    for fill in (lambda p: init.uniform_(p, -1, 1), init.normal_, init.zeros_, init.ones_,
                 lambda p: init.constant_(p, 0.5), init.xavier_uniform_, init.kaiming_uniform_, init.orthogonal_):
        for dtype in ("float32", "float64"):
            p = _param(4, 3, device=device, dtype=dtype)
            assert fill(p) is p
            assert p.grad_fn is None and p.requires_grad and p.shape == (4, 3)
            assert mg.backend.dtype_name(p.dtype) == dtype and p.device == mg.backend.get(device).name


def test_one_seed_gives_the_same_weights_on_every_device(device):
    for fill in (lambda p: init.uniform_(p, -2, 3), lambda p: init.normal_(p, 1.0, 0.5), init.orthogonal_):
        mg.manual_seed(7)
        here = fill(_param(5, 4, device=device)).numpy()
        mg.manual_seed(7)
        on_cpu = fill(_param(5, 4)).numpy()
        np.testing.assert_array_equal(here, on_cpu)
        assert not np.array_equal(here, fill(_param(5, 4)).numpy())     # the stream moves on


def test_uniform_and_normal_statistics():
    mg.manual_seed(0)
    u = init.uniform_(_param(200, 100), -2.0, 3.0).numpy()
    assert u.min() >= -2.0 and u.max() < 3.0 and abs(u.mean() - 0.5) < 0.03
    z = init.normal_(_param(200, 100), mean=1.0, std=0.5).numpy()
    assert abs(z.mean() - 1.0) < 0.01 and abs(z.std() - 0.5) < 0.01
    np.testing.assert_array_equal(init.constant_(_param(2), 0.25).numpy(), [0.25, 0.25])


def test_xavier_and_kaiming_bounds_as_pytorch_defines_them():
    mg.manual_seed(0)
    w = init.xavier_uniform_(_param(300, 200), gain=2.0).numpy()
    bound = 2.0 * math.sqrt(6 / 500)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound
    w = init.kaiming_uniform_(_param(300, 200, 3)).numpy()          # fan_in = 200·3, leaky_relu slope 0
    bound = math.sqrt(2) * math.sqrt(3 / 600)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound
    w = init.kaiming_uniform_(_param(300, 200), mode="fan_out", nonlinearity="relu").numpy()
    bound = math.sqrt(2) * math.sqrt(3 / 300)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound


@pytest.mark.parametrize("shape", [(6, 6), (8, 3), (3, 8), (4, 2, 3)])
def test_orthogonal(shape):
    mg.manual_seed(0)
    w = init.orthogonal_(_param(*shape, dtype="float64"), gain=1.5).numpy().reshape(shape[0], -1)
    rows, cols = w.shape
    gram = w.T @ w if rows >= cols else w @ w.T          # orthonormal columns (tall) or rows (wide), times gain²
    np.testing.assert_allclose(gram, 2.25 * np.eye(min(rows, cols)), atol=1e-12)


def test_calculate_gain_matches_torch():
    torch = pytest.importorskip("torch")
    for args in [("linear",), ("sigmoid",), ("tanh",), ("relu",), ("leaky_relu",), ("leaky_relu", 0.2)]:
        assert init.calculate_gain(*args) == pytest.approx(torch.nn.init.calculate_gain(*args))


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match=r"xavier_uniform_: fan in and fan out need .* got shape \(5,\)"):
        init.xavier_uniform_(_param(5))
    with pytest.raises(ValueError, match="kaiming_uniform_: mode must be 'fan_in' or 'fan_out', got 'fan'"):
        init.kaiming_uniform_(_param(2, 2), mode="fan")
    with pytest.raises(ValueError, match=r"orthogonal_: needs a tensor of at least 2 dims, got shape \(3,\)"):
        init.orthogonal_(_param(3))
    with pytest.raises(ValueError, match="calculate_gain: unsupported nonlinearity 'gelu'"):
        init.calculate_gain("gelu")


def test_0d_tensors_can_be_filled():
    for fill in (init.normal_, lambda p: init.uniform_(p, -1, 1), init.ones_):
        p = fill(nn.Parameter(mg.tensor(0.0)))
        assert p.shape == () and np.isfinite(p.item()) and p.item() != 0.0
