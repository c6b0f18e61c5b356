"""Backpropagation through time: truncation, long sequences, memory, and the
limits of the hand-written path (first order only, one backward unless retained)."""

import tracemalloc

import numpy as np
import pytest

import minigrad as mg
from minigrad import models
from minigrad import backend

MODELS = ["RNN", "LSTM", "GRU"]


def _model(name, bptt, I=3, H=4, dtype="float64", **kwargs):
    mg.manual_seed(3)
    return getattr(models, name)(I, H, bptt=bptt, dtype=dtype, **kwargs)


def _h(result):
    """The hidden part of the state a model returns (LSTM: the pair)."""
    return result[1]


def _detach(state):
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


# ---- first order only on the manual path -----------------------------------------

@pytest.mark.parametrize("name", MODELS)
def test_manual_path_refuses_create_graph(name):
    model = _model(name, "manual")
    x = mg.randn(4, 2, 3, dtype="float64", requires_grad=True)
    loss = (model(x)[0] ** 2).sum()
    with pytest.raises(RuntimeError, match="first-order"):
        mg.grad(loss, x, create_graph=True)


@pytest.mark.parametrize("name", MODELS)
def test_autograd_path_gives_second_order_gradients(name):
    """x ↦ ∂L/∂x through the autograd path is itself differentiable, and its
    gradient (a Hessian-vector product) passes gradcheck."""
    model = _model(name, "autograd", I=2, H=2)
    x = mg.randn(3, 1, 2, dtype="float64", requires_grad=True)

    def grad_of_loss(x):
        loss = (model(x)[0] ** 2).sum()
        return mg.grad(loss, x, create_graph=True)

    assert mg.gradcheck(grad_of_loss, [x])


@pytest.mark.parametrize("name", MODELS)
def test_manual_backward_twice_needs_retain_graph(name):
    model = _model(name, "manual")
    x = mg.randn(4, 2, 3, dtype="float64")
    loss = (model(x)[0] ** 2).sum()
    loss.backward(retain_graph=True)
    first = [p.grad.numpy() for p in model.parameters()]
    loss.backward()                                     # the saved buffers were not touched
    for g1, p in zip(first, model.parameters()):
        np.testing.assert_allclose(p.grad.numpy(), 2 * g1, rtol=1e-12)
    with pytest.raises(RuntimeError, match="second time"):
        loss.backward()


@pytest.mark.parametrize("name", ["RNN", "LSTM"])
def test_bias_gradients_are_separate_arrays(name):
    """b_ih and b_hh get equal gradients; an in-place change to one must not reach the other."""
    model = _model(name, "manual")
    (model(mg.randn(4, 2, 3, dtype="float64"))[0] ** 2).sum().backward()
    np.testing.assert_array_equal(model.bias_ih_l0.grad.numpy(), model.bias_hh_l0.grad.numpy())
    before = model.bias_hh_l0.grad.numpy()
    model.bias_ih_l0.grad._data *= 0
    np.testing.assert_array_equal(model.bias_hh_l0.grad.numpy(), before)


@pytest.mark.parametrize("bptt", ["manual", "autograd"])
@pytest.mark.parametrize("name", MODELS)
def test_float32_stays_float32(name, bptt, device):
    model = _model(name, bptt, dtype="float32", num_layers=2, bidirectional=True).to(device)
    x = mg.randn(5, 2, 3, device=device, requires_grad=True)
    output, state = model(x)
    (output * output).sum().backward()
    for t in [output, x.grad] + [p.grad for p in model.parameters()]:
        assert backend.dtype_name(t.dtype) == "float32"


# ---- truncated BPTT ---------------------------------------------------------------

@pytest.mark.parametrize("bptt", ["manual", "autograd"])
@pytest.mark.parametrize("name", MODELS)
def test_detached_state_stops_the_gradient_at_the_chunk_boundary(name, bptt):
    """Two chunks, the state carried from the first to the second. The loss on
    the second chunk reaches the first chunk's input only if the state is not
    detached; detached, the parameter gradients equal those of the second
    chunk run alone from a constant state."""
    model = _model(name, bptt)
    x1 = mg.randn(4, 2, 3, dtype="float64", requires_grad=True)
    x2 = mg.randn(4, 2, 3, dtype="float64", requires_grad=True)

    _, state = model(x1)
    (model(x2, state)[0] ** 2).sum().backward()          # carried, not detached
    assert x1.grad is not None and np.abs(x1.grad.numpy()).max() > 0

    x1.grad = None
    model.zero_grad()
    _, state = model(x1)
    state = _detach(state)                               # the truncation boundary
    (model(x2, state)[0] ** 2).sum().backward()
    assert x1.grad is None                               # nothing crossed the boundary
    truncated = [p.grad.numpy() for p in model.parameters()]

    model.zero_grad()
    constant = tuple(mg.tensor(s.numpy()) for s in state) if name == "LSTM" else mg.tensor(state.numpy())
    (model(x2, constant)[0] ** 2).sum().backward()
    for g, p in zip(truncated, model.parameters()):
        np.testing.assert_allclose(g, p.grad.numpy(), rtol=0, atol=1e-14)


# ---- long sequences ---------------------------------------------------------------

LONG = 10_000


@pytest.mark.parametrize("name,bptt", [("RNN", "manual"), ("LSTM", "manual"), ("GRU", "manual"),
                                       ("LSTM", "autograd")])
def test_length_10000_trains_without_recursion_error(name, bptt):
    """Forward and backward over 10,000 steps: the graph is 10,000 ops deep on
    the autograd path, and the walk over it must not recurse."""
    model = _model(name, bptt, I=2, H=3, dtype="float32")
    x = mg.randn(LONG, 2, 2)
    output, _ = model(x)
    assert output.shape == (LONG, 2, 3)
    (output * output).mean().backward()
    for p in model.parameters():
        g = p.grad.numpy()
        assert np.isfinite(g).all() and np.abs(g).max() > 0


def _peak_bytes(name, bptt, T, B=2, I=2, H=3):
    model = _model(name, bptt, I=I, H=H, dtype="float32")
    x = mg.randn(T, B, I)
    tracemalloc.start()
    output, _ = model(x)
    (output * output).mean().backward()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


@pytest.mark.parametrize("name", MODELS)
def test_manual_memory_is_linear_in_length(name):
    """Peak memory of a training step: 4× the length, ~4× the memory (a
    quadratic term would give 16×), and a few dozen numbers per step and unit."""
    T, B, H = 1_000, 2, 3
    small, large = _peak_bytes(name, "manual", T, B, H=H), _peak_bytes(name, "manual", 4 * T, B, H=H)
    assert 3.0 < large / small < 5.0
    assert large < 24 * (4 * T) * B * H * 4           # float32; LSTM and GRU peak at ~16 numbers per (t, b, h)


def test_autograd_memory_is_linear_in_length():
    small, large = _peak_bytes("RNN", "autograd", 500), _peak_bytes("RNN", "autograd", 2_000)
    assert 3.0 < large / small < 5.0


@pytest.mark.parametrize("name", MODELS)
def test_autograd_path_takes_input_steps_in_one_op(name, monkeypatch):
    """The autograd path takes the T steps of the input's projection with one
    unbind, whose gradient is one stack: O(T·B·G) elements in backward. (T
    slices x[t] would each send back a zero-filled array the size of x: T²·B·G.)"""
    from minigrad import ops

    T, B = 64, 2
    sent = []
    forward = ops.IndexAdd.forward
    monkeypatch.setattr(ops.IndexAdd, "forward",
                        staticmethod(lambda ctx, g, shape, index: sent.append(np.prod(shape)) or
                                     forward(ctx, g, shape, index)))
    model = _model(name, "autograd")
    x = mg.randn(T, B, 3, dtype="float64", requires_grad=True)
    output = model(x)[0]
    weights = np.random.default_rng(0).standard_normal(output.shape)
    (output * mg.tensor(weights)).sum().backward()
    assert sent == []                                  # no slice sent back a zero-filled x-sized array
    manual = _model(name, "manual")
    y = mg.tensor(x.numpy(), requires_grad=True)
    (manual(y)[0] * mg.tensor(weights)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), y.grad.numpy(), rtol=1e-10, atol=1e-12)


# ---- the layer ops on their own -------------------------------------------------

@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("bias", [True, False])
def test_lstm_layer_gradcheck_with_gradients_on_every_cell_state(reverse, bias, device):
    """Through the model, ∂L/∂c_t from outside reaches only the last step (c_n).
    Called directly, LSTMLayer returns every h_t and every c_t, and
    gradcheck's random projection of both outputs sends a gradient into each
    c_t: the `dc += ∂L/∂c_t` of every step, in both directions."""
    from minigrad.models.bptt import LSTMLayer

    T, B, I, H = 4, 2, 3, 2
    mg.manual_seed(5)

    def rand(*shape):
        return mg.randn(*shape, dtype="float64", device=device, requires_grad=True)
    x, h0, c0, w_ih, w_hh = rand(T, B, I), rand(B, H), rand(B, H), rand(4 * H, I), rand(4 * H, H)
    biases = [rand(4 * H), rand(4 * H)] if bias else []

    def layer(x, h0, c0, w_ih, w_hh, *b):
        b_ih, b_hh = b if b else (None, None)
        return LSTMLayer.apply(x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse)

    assert mg.gradcheck(layer, [x, h0, c0, w_ih, w_hh] + biases)


@pytest.mark.parametrize("which", ["output", "h_n", "c_n"])
def test_lstm_gradient_from_one_result_alone(which):
    """The manual LSTM layer has two outputs, h and c; a loss on just one of
    the model's results leaves the other without a gradient (None in the
    layer's backward), and both paths still agree."""
    x = mg.randn(5, 2, 3, dtype="float64", requires_grad=True)
    grads = {}
    for bptt in ("manual", "autograd"):
        model = _model("LSTM", bptt, num_layers=2, bidirectional=True)
        output, (h_n, c_n) = model(x)
        loss = {"output": output, "h_n": h_n, "c_n": c_n}[which].sum()
        grads[bptt] = mg.grad(loss, [x] + list(model.parameters()))
    for manual, autograd in zip(grads["manual"], grads["autograd"]):
        np.testing.assert_allclose(manual.numpy(), autograd.numpy(), rtol=1e-10, atol=1e-12)
