"""RNN, LSTM, GRU: the two gradient paths agree and both pass gradcheck.

One table of configurations covers every option at least once against every
other (bias, layers, directions, batch_first, given or default state,
batched or not, and relu for the RNN); each row runs on every backend of the
`device` fixture. For each row:
  * bptt="manual" and bptt="autograd" give the same outputs, final states and
    gradients (parameters, input, initial states) to 1e-10 in float64, under
    random upstream gradients on output, h_n and c_n;
  * both paths pass gradcheck against central finite differences, with
    respect to the input, the initial states and every parameter.
"""

import numpy as np
import pytest

import minigrad as mg
from minigrad import models

T, B, I, H = 4, 2, 3, 3

#        model   bias   layers bidir  batch_first state  batched nonlinearity
CASES = [
    ("RNN",  True,  1, False, False, False, True,  "tanh"),
    ("RNN",  False, 2, True,  True,  True,  True,  "tanh"),
    ("RNN",  True,  2, False, False, True,  False, "relu"),
    ("RNN",  True,  1, True,  False, True,  False, "tanh"),
    ("LSTM", True,  1, False, False, False, True,  None),
    ("LSTM", False, 1, False, True,  True,  False, None),
    ("LSTM", True,  2, True,  False, True,  True,  None),
    ("LSTM", True,  1, True,  True,  False, True,  None),
    ("LSTM", False, 2, False, True,  False, True,  None),
    ("GRU",  True,  1, False, False, True,  True,  None),
    ("GRU",  False, 1, True,  False, False, False, None),
    ("GRU",  True,  2, True,  True,  True,  True,  None),
    ("GRU",  True,  2, False, False, False, False, None),
]


def _ids(case):
    name, bias, layers, bidir, batch_first, state, batched, act = case
    return "-".join([name + ("" if act in (None, "tanh") else "_relu"), "bias" if bias else "nobias", f"L{layers}",
                     "bi" if bidir else "uni", "bf" if batch_first else "tf",
                     "h0" if state else "zero", "batched" if batched else "unbatched"])


def make(case, device, bptt="manual", dtype="float64"):
    """The model of a table row, and its inputs (x, h0, c0) as float64 tensors
    that require grad (h0, c0 None when the row uses the default zeros)."""
    name, bias, layers, bidir, batch_first, state, batched, act = case
    mg.manual_seed(sum(map(ord, _ids(case))))
    kwargs = {"nonlinearity": act} if name == "RNN" else {}
    model = getattr(models, name)(I, H, num_layers=layers, bias=bias, batch_first=batch_first,
                                  bidirectional=bidir, bptt=bptt, dtype=dtype, device=device, **kwargs)
    rows = (2 if bidir else 1) * layers
    shape = ((B, T, I) if batch_first else (T, B, I)) if batched else (T, I)
    state_shape = (rows, B, H) if batched else (rows, H)
    rng = np.random.default_rng(len(CASES))
    x = mg.tensor(rng.standard_normal(shape), dtype, device, requires_grad=True)
    h0 = c0 = None
    if state:
        h0 = mg.tensor(0.5 * rng.standard_normal(state_shape), dtype, device, requires_grad=True)
        if name == "LSTM":
            c0 = mg.tensor(0.5 * rng.standard_normal(state_shape), dtype, device, requires_grad=True)
    if name == "RNN" and act == "relu":
        # keep the pre-activations away from relu's kink at 0: positive inputs and weights
        for p in model.parameters():
            p._data = p.xp.abs(p._data)
        x = mg.tensor(np.abs(x.numpy()) + 0.1, device=device, requires_grad=True)
    return model, x, h0, c0


def run(model, x, h0, c0):
    """Flatten the model's results to a tuple of tensors: output, h_n (, c_n)."""
    if model.mode == "LSTM":
        hx = None if h0 is None else (h0, c0)
        output, (h_n, c_n) = model(x, hx)
        return output, h_n, c_n
    output, h_n = model(x, h0)
    return output, h_n


def as_function(model):
    """The model as a function of (x, h0, c0, *parameters), for gradcheck, which
    perturbs copies of its inputs: the copies stand in for the parameters."""
    names = [n for n, _ in model.named_parameters()]

    def f(x, h0, c0, *params):
        originals = [getattr(model, n) for n in names]
        for n, p in zip(names, params):
            object.__setattr__(model, n, p)     # bypass registration: a temporary stand-in
        try:
            return run(model, x, h0, c0)
        finally:
            for n, p in zip(names, originals):
                object.__setattr__(model, n, p)
    return f


def gradients(model, x, h0, c0, bptt):
    """Outputs and every gradient of Σ v ⊙ outputs, with fixed random v."""
    model.bptt = bptt
    model.zero_grad()
    x.grad = None
    leaves = [t for t in (x, h0, c0) if t is not None]
    for t in leaves:
        t.grad = None
    outs = run(model, x, h0, c0)
    rng = np.random.default_rng(0)
    loss = sum((o * mg.tensor(rng.standard_normal(o.shape), device=o.device)).sum() for o in outs)
    loss.backward()
    grads = [p.grad.numpy() for p in model.parameters()] + [t.grad.numpy() for t in leaves]
    return [o.numpy() for o in outs], grads


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_manual_and_autograd_agree(case, device):
    model, x, h0, c0 = make(case, device)
    outs_m, grads_m = gradients(model, x, h0, c0, "manual")
    outs_a, grads_a = gradients(model, x, h0, c0, "autograd")
    expected = len(list(model.parameters())) + 1 + (case[5] and 1) + (case[5] and case[0] == "LSTM")
    assert len(grads_m) == len(grads_a) == expected
    for a, b in zip(outs_m + grads_m, outs_a + grads_a):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-10)
    assert all(np.abs(g).max() > 0 for g in grads_m)       # every gradient really reached


@pytest.mark.parametrize("bptt", ["manual", "autograd"])
@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_gradcheck(case, bptt, device):
    model, x, h0, c0 = make(case, device, bptt)
    inputs = [x, h0, c0] + list(model.parameters())
    # every element for one-layer, one-direction rows; a random direction for the larger ones
    fast = case[2] > 1 or case[3]
    assert mg.gradcheck(as_function(model), inputs, fast_mode=fast)


# ---- the interface -------------------------------------------------------------

@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_parameter_names_shapes_and_order(name):
    model = getattr(models, name)(5, 4, num_layers=2, bidirectional=True)
    G = {"RNN": 4, "LSTM": 16, "GRU": 12}[name]
    expected = []
    for l, width in ((0, 5), (1, 8)):
        for suffix in ("", "_reverse"):
            expected += [(f"weight_ih_l{l}{suffix}", (G, width)), (f"weight_hh_l{l}{suffix}", (G, 4)),
                         (f"bias_ih_l{l}{suffix}", (G,)), (f"bias_hh_l{l}{suffix}", (G,))]
    assert [(k, p.shape) for k, p in model.named_parameters()] == expected
    no_bias = getattr(models, name)(5, 4, bias=False)
    assert [k for k, _ in no_bias.named_parameters()] == ["weight_ih_l0", "weight_hh_l0"]


@pytest.mark.parametrize("bptt", ["manual", "autograd"])
@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_h_n_rows_are_layer_major_and_reverse_ends_at_t0(name, bptt):
    """h_n row 2l + d; the top layer's forward row is output[-1, :, :H], its
    reverse row output[0, :, H:] — the reverse direction finishes at t = 0."""
    model = getattr(models, name)(3, 4, num_layers=2, bidirectional=True, bptt=bptt, dtype="float64")
    output, state = model(mg.randn(5, 2, 3, dtype="float64"))
    h_n = state[0] if name == "LSTM" else state
    assert output.shape == (5, 2, 8) and h_n.shape == (4, 2, 4)
    np.testing.assert_array_equal(h_n.numpy()[2], output.numpy()[-1, :, :4])
    np.testing.assert_array_equal(h_n.numpy()[3], output.numpy()[0, :, 4:])


@pytest.mark.parametrize("bptt", ["manual", "autograd"])
@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_unbatched_and_batch_first_are_the_same_computation(name, bptt):
    model = getattr(models, name)(3, 4, num_layers=2, bptt=bptt, dtype="float64")
    x = mg.randn(5, 2, 3, dtype="float64")                 # (T, B, I)
    reference = model(x)[0].numpy()
    model.batch_first = True
    np.testing.assert_array_equal(model(x.transpose(0, 1))[0].numpy(), reference.transpose(1, 0, 2))
    model.batch_first = False
    single = model(x[:, 0])[0]                              # unbatched (T, I)
    assert single.shape == (5, 4)
    np.testing.assert_allclose(single.numpy(), reference[:, 0], rtol=0, atol=1e-14)


@pytest.mark.parametrize("bptt", ["manual", "autograd"])
def test_dropout_only_between_layers_and_only_in_training(bptt):
    x = mg.randn(5, 2, 3, dtype="float64")
    two = models.LSTM(3, 4, num_layers=2, dropout=0.5, bptt=bptt, dtype="float64")
    eval_out = two.eval()(x)[0].numpy()
    plain = models.LSTM(3, 4, num_layers=2, bptt=bptt, dtype="float64")
    plain.load_state_dict(two.state_dict())
    np.testing.assert_array_equal(plain(x)[0].numpy(), eval_out)          # eval: no dropout at all
    assert np.abs(two.train()(x)[0].numpy() - eval_out).max() > 1e-3     # training: dropout acts
    one = models.LSTM(3, 4, dropout=0.5, bptt=bptt, dtype="float64")     # one layer: nothing between layers
    np.testing.assert_array_equal(one.train()(x)[0].numpy(), one.eval()(x)[0].numpy())


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_same_results_on_every_device(name, device):
    model = getattr(models, name)(3, 4, num_layers=2, bidirectional=True, dtype="float64")
    x = mg.randn(5, 2, 3, dtype="float64")
    (model(x)[0] ** 2).sum().backward()
    on_cpu = [p.grad.numpy() for p in model.parameters()]
    model.zero_grad()
    model.to(device)
    output = model(x.to(device))[0]
    assert output.device == mg.tensor(0.0, device=device).device
    (output ** 2).sum().backward()
    for g, p in zip(on_cpu, model.parameters()):
        np.testing.assert_allclose(p.grad.numpy(), g, rtol=0, atol=1e-12)


# ---- bad input: a clear error, and nothing changes ----------------------------

def _bad_inputs(name, device):
    """(what is wrong, x, hx, words the message must contain) for a 2-layer,
    bidirectional model with I = 3, H = 4, so h0 is (4, B, 4)."""
    f64 = {"dtype": "float64", "device": device}
    x = mg.randn(5, 2, 3, **f64)
    h = mg.zeros(4, 2, 4, **f64)
    pair = (lambda h0, c0: (h0, c0)) if name == "LSTM" else (lambda h0, c0: h0)
    rows = [
        ("input size", mg.randn(5, 2, 7, **f64), None, ["I = 3", "(5, 2, 7)"]),
        ("input dims", mg.randn(5, 2, 3, 1, **f64), None, ["(T, B, I)", "(5, 2, 3, 1)"]),
        ("input dims", mg.randn(3, **f64), None, ["(T, B, I)", "(3,)"]),
        ("h0 shape", x, pair(mg.zeros(2, 2, 4, **f64), h), ["(4, 2, 4)", "(2, 2, 4)"]),
        ("h0 batch", x, pair(mg.zeros(4, 3, 4, **f64), h), ["(4, 2, 4)", "(4, 3, 4)"]),
        ("input dtype", mg.randn(5, 2, 3, device=device), None, ["float32", "float64"]),
        ("input device", mg.randn(5, 2, 3, dtype="float64", device="array_api_strict" if device == "cpu"
                                  else "cpu"), None, ["device"]),
    ]
    if name == "LSTM":
        rows.append(("c0 shape", x, (h, mg.zeros(4, 2, 5, **f64)), ["c0", "(4, 2, 4)", "(4, 2, 5)"]))
        rows.append(("state not a pair", x, h, ["(h0, c0)", "Tensor"]))
    rows.append(("empty input", mg.randn(0, 2, 3, **f64), None, ["empty", "(0, 2, 3)"]))
    return rows


@pytest.mark.parametrize("bptt", ["manual", "autograd"])
@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_bad_input_raises_a_clear_error_and_changes_nothing(name, bptt, device):
    model = getattr(models, name)(3, 4, num_layers=2, bidirectional=True, bptt=bptt, dtype="float64",
                                  device=device)
    before = {k: p.numpy() for k, p in model.named_parameters()}
    for what, x, hx, words in _bad_inputs(name, device):
        with pytest.raises((ValueError, TypeError, RuntimeError)) as info:
            model(x, hx)
        message = str(info.value)
        assert name in message, what
        for w in words:
            assert w in message, f"{what}: {w!r} not in {message!r}"
    for k, p in model.named_parameters():
        np.testing.assert_array_equal(p.numpy(), before[k])
        assert p.grad is None


@pytest.mark.parametrize("name", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cells_check_their_input(name):
    cell = getattr(models, name)(3, 4)
    state = (lambda h: (h, h)) if name == "LSTMCell" else (lambda h: h)
    with pytest.raises(ValueError, match=r"3 features.*\(2, 5\)"):
        cell(mg.randn(2, 5))
    with pytest.raises(ValueError, match=r"\(2, 4\).*\(2, 3\)"):
        cell(mg.randn(2, 3), state(mg.zeros(2, 3)))
    with pytest.raises(ValueError, match="3 dims"):
        cell(mg.randn(1, 2, 3))
    h = cell(mg.randn(3))                                   # unbatched
    assert (h[0] if name == "LSTMCell" else h).shape == (4,)


def test_constructor_rejects_bad_options():
    with pytest.raises(ValueError, match="bptt"):
        models.LSTM(3, 4, bptt="fast")
    with pytest.raises(ValueError, match="nonlinearity"):
        models.RNN(3, 4, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="dropout"):
        models.GRU(3, 4, dropout=1.0)


@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("name", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cells_pass_gradcheck(name, batched, device):
    mg.manual_seed(5)
    cell = getattr(models, name)(3, 2, dtype="float64", device=device)
    rng = np.random.default_rng(5)
    shape = (2,) if batched else ()
    x, h, c = (mg.tensor(rng.standard_normal(shape + (n,)), "float64", device, requires_grad=True)
               for n in (3, 2, 2))
    names = [n for n, _ in cell.named_parameters()]

    def f(x, h, c, *params):
        for n, p in zip(names, params):
            object.__setattr__(cell, n, p)
        return cell(x, (h, c)) if name == "LSTMCell" else cell(x, h)

    originals = list(cell.parameters())
    try:
        assert mg.gradcheck(f, [x, h, c] + originals)
    finally:
        for n, p in zip(names, originals):
            object.__setattr__(cell, n, p)
