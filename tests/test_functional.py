"""nn.functional: every layer function and loss, gradient-checked in float64 on
every backend, compared with PyTorch when it is installed, and fed bad input."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from minigrad.nn import functional as F


def randn(*shape, device="cpu", scale=1.0):
    return mg.tensor(np.random.default_rng(sum(shape) + 7).standard_normal(shape) * scale,
                     dtype="float64", device=device, requires_grad=True)


# ---- gradchecks: one row per function and shape --------------------------------

def _targets(shape, C, device, ignore=False):
    t = np.random.default_rng(3).integers(0, C, size=shape)
    if ignore:
        t.flat[1] = -100
    return mg.tensor(t, device=device)


GRADCHECK_CASES = [
    # name, function of (x, *weights), shapes of x and the weights
    ("linear", lambda x, w, b: F.linear(x, w, b), [(2, 3, 4), (5, 4), (5,)]),
    ("linear no bias, 1-d input", lambda x, w: F.linear(x, w), [(4,), (3, 4)]),
    ("layer_norm", lambda x, w, b: F.layer_norm(x, 4, w, b), [(2, 3, 4), (4,), (4,)]),
    ("layer_norm 2 axes", lambda x, w, b: F.layer_norm(x, (3, 4), w, b), [(2, 3, 4), (3, 4), (3, 4)]),
    ("rms_norm", lambda x, w: F.rms_norm(x, 4, w), [(2, 3, 4), (4,)]),
    ("rms_norm no weight", lambda x: F.rms_norm(x, 4), [(3, 4)]),
    ("softmax", lambda x: F.softmax(x, dim=1), [(2, 5, 3)]),
    ("log_softmax", lambda x: F.log_softmax(x, dim=-1), [(2, 5)]),
    ("mse_loss", lambda x, y: F.mse_loss(x, y), [(3, 4), (3, 4)]),
    ("mse_loss sum", lambda x, y: F.mse_loss(x, y, reduction="sum"), [(3, 4), (3, 4)]),
    ("mse_loss none", lambda x, y: F.mse_loss(x, y, reduction="none"), [(3, 4), (3, 4)]),
    ("bce_with_logits", lambda x, y: F.binary_cross_entropy_with_logits(x, y), [(3, 4), (3, 4)]),
    ("bce_with_logits none", lambda x, y: F.binary_cross_entropy_with_logits(x, y, reduction="none"),
     [(5,), (5,)]),
]


@pytest.mark.parametrize("name,fn,shapes", GRADCHECK_CASES, ids=[c[0] for c in GRADCHECK_CASES])
def test_gradcheck(name, fn, shapes, device):
    inputs = [randn(*s, device=device) for s in shapes]
    if name.startswith("bce"):       # targets are probabilities in [0, 1]
        inputs[1] = mg.tensor(np.random.default_rng(1).uniform(size=shapes[1]), dtype="float64",
                              device=device, requires_grad=True)
    assert mg.gradcheck(fn, inputs)


CE_CASES = [
    # logits shape, target shape, ignore an element
    ((5, 3), (5,), False),
    ((5, 3), (5,), True),
    ((2, 4, 3), (2, 3), False),         # (N, C, T): a sequence model's logits
    ((2, 4, 3), (2, 3), True),
    ((2, 3, 2, 2), (2, 2, 2), False),   # (N, C, d1, d2)
    ((4,), (), False),                  # one example
]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("shape,tshape,ignore", CE_CASES)
def test_cross_entropy_gradcheck(shape, tshape, ignore, reduction, device):
    x = randn(*shape, device=device)
    C = shape[0] if len(shape) == 1 else shape[1]
    t = _targets(tshape, C, device, ignore)
    assert mg.gradcheck(lambda x: F.cross_entropy(x, t, reduction=reduction), [x])


def test_embedding_gradcheck_with_repeated_indices(device):
    w = randn(5, 3, device=device)
    idx = mg.tensor([[1, 4, 1], [0, 1, 4]], device=device)      # repeats must accumulate
    assert mg.gradcheck(lambda w: F.embedding(idx, w), [w])


def test_dropout_gradcheck_with_a_fixed_mask(device):
    x = randn(4, 5, device=device)

    def fn(x):
        mg.manual_seed(11)           # the same mask on every evaluation
        return F.dropout(x, 0.4, training=True)
    assert mg.gradcheck(fn, [x])


# ---- values ----------------------------------------------------------------------

def test_cross_entropy_values_by_hand():
    x = np.array([[1.0, 2.0, 0.5], [0.1, -1.0, 3.0]])
    t = np.array([1, 2])
    logp = x - np.log(np.exp(x).sum(1, keepdims=True))
    expected = -logp[[0, 1], t]
    got = F.cross_entropy(mg.tensor(x), t, reduction="none").numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    np.testing.assert_allclose(F.cross_entropy(mg.tensor(x), t).item(), expected.mean(), rtol=1e-12)


def test_cross_entropy_is_stable_for_huge_logits():
    x = mg.tensor([[1000.0, -1000.0, 0.0]], requires_grad=True)
    loss = F.cross_entropy(x, [1])
    loss.backward()
    assert np.isfinite(loss.item()) and abs(loss.item() - 2000.0) < 1e-2
    assert np.all(np.isfinite(x.grad.numpy()))


def test_cross_entropy_mean_ignores_positions_and_all_ignored_is_nan():
    x = mg.tensor(np.random.default_rng(0).standard_normal((4, 3)))
    full = F.cross_entropy(x, [0, 1, 2, 0], reduction="none").numpy()
    part = F.cross_entropy(x, [0, -100, 2, -100]).item()
    np.testing.assert_allclose(part, (full[0] + full[2]) / 2, rtol=1e-6)
    assert F.cross_entropy(x, [0, 1, 2, 0], reduction="none").shape == (4,)
    with np.errstate(invalid="ignore"):          # 0 / 0, as in torch
        assert np.isnan(F.cross_entropy(x, [-100] * 4).item())


def test_bce_with_logits_is_stable():
    x = mg.tensor([800.0, -800.0, 0.0], requires_grad=True)
    y = mg.tensor([0.0, 1.0, 1.0])
    loss = F.binary_cross_entropy_with_logits(x, y, reduction="none")
    np.testing.assert_allclose(loss.numpy(), [800.0, 800.0, np.log(2)], rtol=1e-6)
    loss.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, -1.0, -0.5], atol=1e-6)


def test_float32_stays_float32(device):
    x = mg.randn(3, 4, device=device, requires_grad=True)
    w, b = mg.randn(2, 4, device=device), mg.randn(2, device=device)
    outs = [F.linear(x, w, b), F.layer_norm(x, 4), F.rms_norm(x, 4), F.dropout(x, 0.5),
            F.cross_entropy(x, [0, 1, 2]), F.mse_loss(x, mg.zeros(3, 4, device=device)),
            F.binary_cross_entropy_with_logits(x, mg.zeros(3, 4, device=device))]
    for out in outs:
        assert mg.backend.dtype_name(out.dtype) == "float32"


def test_one_hot(device):
    t = mg.tensor([[0, 2], [1, 2]], device=device)
    out = F.one_hot(t, 4)
    assert out.shape == (2, 2, 4) and out.device == t.device
    np.testing.assert_array_equal(out.numpy(), np.eye(4, dtype=np.int64)[[[0, 2], [1, 2]]])
    assert F.one_hot(mg.tensor([0, 3])).shape == (2, 4)
    with pytest.raises(ValueError, match=r"one_hot: indices must lie in \[0, 2\)"):
        F.one_hot(mg.tensor([0, 3]), 2)


def test_dropout_statistics_and_eval_mode():
    mg.manual_seed(0)
    x = mg.ones(200, 100)
    y = F.dropout(x, 0.3).numpy()
    kept = y != 0
    assert abs(kept.mean() - 0.7) < 0.01
    np.testing.assert_allclose(y[kept], 1 / 0.7, rtol=1e-6)
    assert F.dropout(x, 0.3, training=False) is x
    assert F.dropout(x, 0.0) is x
    assert np.all(F.dropout(x, 1.0).numpy() == 0)


# ---- against PyTorch ---------------------------------------------------------------

def test_against_torch():
    torch = pytest.importorskip("torch")
    tF = torch.nn.functional
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 4, 3))
    t = rng.integers(0, 4, size=(2, 3))
    t[0, 1] = -100
    w, b = rng.standard_normal((5, 3)), rng.standard_normal(5)
    y = rng.uniform(size=(2, 4, 3))
    T = torch.tensor
    for red in ["mean", "sum", "none"]:
        np.testing.assert_allclose(F.cross_entropy(mg.tensor(x), t, reduction=red).numpy(),
                                   tF.cross_entropy(T(x), T(t), reduction=red).numpy(), rtol=1e-10)
        np.testing.assert_allclose(F.binary_cross_entropy_with_logits(mg.tensor(x), y, reduction=red).numpy(),
                                   tF.binary_cross_entropy_with_logits(T(x), T(y), reduction=red).numpy(),
                                   rtol=1e-10)
        np.testing.assert_allclose(F.mse_loss(mg.tensor(x), y, reduction=red).numpy(),
                                   tF.mse_loss(T(x), T(y), reduction=red).numpy(), rtol=1e-10)
    pairs = [
        (F.linear(mg.tensor(x), mg.tensor(w), mg.tensor(b)), tF.linear(T(x), T(w), T(b))),
        (F.layer_norm(mg.tensor(x), 3, mg.tensor(w[0, :3]), mg.tensor(b[:3])),
         tF.layer_norm(T(x), (3,), T(w[0, :3]), T(b[:3]))),
        (F.rms_norm(mg.tensor(x), (4, 3), eps=1e-5), tF.rms_norm(T(x), (4, 3), eps=1e-5)),
        (F.embedding(mg.tensor(t.clip(0)), mg.tensor(w)), tF.embedding(T(t.clip(0)), T(w))),
        (F.one_hot(mg.tensor(t.clip(0)), 4), tF.one_hot(T(t.clip(0)), 4)),
    ]
    for ours, theirs in pairs:
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-10, atol=1e-12)


# ---- bad input: a clear error naming the function -----------------------------------

BAD_INPUT = [
    (lambda: F.linear(mg.randn(2, 3), mg.randn(4, 5)), ValueError, r"linear: input of shape \(2, 3\) has 3"),
    (lambda: F.linear(mg.randn(2, 3, dtype="float64"), mg.randn(4, 3)), TypeError, "linear: input dtype float64"),
    (lambda: F.linear(mg.randn(2, 3), mg.randn(4, 3, device="array_api_strict")), RuntimeError,
     "linear: input is on device 'cpu' but weight is on 'array_api_strict'"),
    (lambda: F.embedding(mg.tensor([0.0, 1.0]), mg.randn(5, 2)), TypeError, "embedding: input must hold integer"),
    (lambda: F.cross_entropy(mg.randn(2, 3), [0, 1, 2]), ValueError, r"expected target shape \(2,\)"),
    (lambda: F.cross_entropy(mg.randn(2, 3), [0, 3]), IndexError, r"cross_entropy: target values .* \[0, 3\)"),
    (lambda: F.cross_entropy(mg.randn(2, 3), mg.randn(2)), TypeError, "cross_entropy: target must hold integer"),
    (lambda: F.cross_entropy(mg.randn(2, 3), [0, 1], reduction="avg"), ValueError, "reduction must be one of"),
    (lambda: F.cross_entropy(mg.arange(6).reshape(2, 3), [0, 1]), TypeError, "cross_entropy: input must be float"),
    (lambda: F.mse_loss(mg.randn(2, 3), mg.randn(3)), ValueError, r"mse_loss: input has shape \(2, 3\)"),
    (lambda: F.mse_loss(mg.randn(3), mg.randn(3), reduction=None), ValueError, "mse_loss: reduction must be"),
    (lambda: F.binary_cross_entropy_with_logits(mg.randn(2), mg.randn(3)), ValueError, "binary_cross_entropy"),
    (lambda: F.embedding([0, 5], mg.randn(5, 2)), IndexError, r"embedding: indices must lie in \[0, 5\)"),
    (lambda: F.layer_norm(mg.randn(2, 3), 4), ValueError, r"layer_norm: the last axes .* \(4,\)"),
    (lambda: F.rms_norm(mg.randn(3), (2, 3)), ValueError, "rms_norm"),
    (lambda: F.dropout(mg.randn(3), 1.5), ValueError, r"dropout: p must be in \[0, 1\]"),
]


@pytest.mark.parametrize("call,error,message", BAD_INPUT)
def test_bad_input_raises_clearly(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_target_on_another_device_is_refused():
    with pytest.raises(RuntimeError, match="cross_entropy: target is on device 'array_api_strict'"):
        F.cross_entropy(mg.randn(2, 3), mg.tensor([0, 1], device="array_api_strict"))


def test_dropout_of_a_0d_tensor():
    mg.manual_seed(0)
    values = {F.dropout(mg.tensor(1.0), 0.5).item() for _ in range(20)}
    assert values == {0.0, 2.0}


@given(n=st.integers(1, 5), c=st.integers(1, 6), t=st.integers(0, 3), seed=st.integers(0, 1000),
       reduction=st.sampled_from(["mean", "sum", "none"]))
def test_cross_entropy_matches_a_numpy_formula_for_any_shape(n, c, t, seed, reduction):
    rng = np.random.default_rng(seed)
    shape = (n, c) if t == 0 else (n, c, t)
    x = rng.standard_normal(shape) * 5
    target = rng.integers(0, c, size=(n,) if t == 0 else (n, t))
    target[rng.uniform(size=target.shape) < 0.2] = -100
    logp = x - np.log(np.exp(x - x.max(1, keepdims=True)).sum(1, keepdims=True)) - x.max(1, keepdims=True)
    picked = np.take_along_axis(logp, np.expand_dims(target.clip(0), 1), axis=1).squeeze(1)
    losses = np.where(target == -100, 0.0, -picked)
    expected = {"none": losses, "sum": losses.sum(),
                "mean": losses.sum() / (target != -100).sum() if (target != -100).any() else np.nan}[reduction]
    with np.errstate(invalid="ignore"):
        got = F.cross_entropy(mg.tensor(x), target, reduction=reduction).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)
