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
import models

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
            p.data = p.xp.abs(p.data)
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
