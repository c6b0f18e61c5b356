"""RNN, LSTM, GRU and their cells against torch.nn, when PyTorch is installed.

A PyTorch state_dict, converted to NumPy arrays, loads into the minigrad model
of the same configuration; both then give the same outputs, final states and
gradients (parameters, input, initial states) in float64, on both bptt paths.
This pins down everything the agreement tests between our two paths cannot:
gate order, where b_hn sits, h_n row order, the reverse direction, batch_first.
"""

import numpy as np
import pytest

import minigrad as mg
from minigrad import models

torch = pytest.importorskip("torch")

T, B, I, H = 5, 3, 4, 3

#        model   layers bias   bidir  batch_first batched nonlinearity
CONFIGS = [
    ("RNN",  1, True,  False, False, True,  "tanh"),
    ("RNN",  2, True,  True,  True,  True,  "relu"),
    ("RNN",  2, False, False, False, False, "tanh"),
    ("LSTM", 1, True,  False, False, True,  None),
    ("LSTM", 2, True,  True,  True,  True,  None),
    ("LSTM", 2, False, True,  False, False, None),
    ("GRU",  1, True,  False, True,  True,  None),
    ("GRU",  2, True,  True,  False, True,  None),
    ("GRU",  1, False, True,  False, False, None),
]


def _id(config):
    name, layers, bias, bidir, batch_first, batched, act = config
    return f"{name}{'' if act in (None, 'tanh') else '_relu'}-L{layers}-{'bias' if bias else 'nobias'}-" \
           f"{'bi' if bidir else 'uni'}-{'bf' if batch_first else 'tf'}-{'batched' if batched else 'unbatched'}"


def _pair(config, bptt):
    name, layers, bias, bidir, batch_first, batched, act = config
    extra = {"nonlinearity": act} if name == "RNN" else {}
    torch.manual_seed(0)
    reference = getattr(torch.nn, name)(I, H, num_layers=layers, bias=bias, batch_first=batch_first,
                                        bidirectional=bidir, dtype=torch.float64, **extra)
    ours = getattr(models, name)(I, H, num_layers=layers, bias=bias, batch_first=batch_first,
                                 bidirectional=bidir, bptt=bptt, dtype="float64", **extra)
    ours.load_state_dict({k: v.detach().numpy() for k, v in reference.state_dict().items()})
    return reference, ours


@pytest.mark.parametrize("bptt", ["manual", "autograd"])
@pytest.mark.parametrize("config", CONFIGS, ids=_id)
def test_same_outputs_and_gradients_as_torch(config, bptt):
    name, layers, bias, bidir, batch_first, batched, act = config
    reference, ours = _pair(config, bptt)
    assert [k for k, _ in ours.named_parameters()] == list(reference.state_dict())
    rng = np.random.default_rng(1)
    rows = (2 if bidir else 1) * layers
    x = rng.standard_normal(((B, T, I) if batch_first else (T, B, I)) if batched else (T, I))
    states = [0.5 * rng.standard_normal((rows, B, H) if batched else (rows, H)) for _ in range(2)]

    tx, ts = torch.tensor(x, requires_grad=True), [torch.tensor(s, requires_grad=True) for s in states]
    mx, ms = mg.tensor(x, requires_grad=True), [mg.tensor(s, requires_grad=True) for s in states]
    if name == "LSTM":
        t_out, (t_h, t_c) = reference(tx, tuple(ts))
        m_out, (m_h, m_c) = ours(mx, tuple(ms))
        t_results, m_results = [t_out, t_h, t_c], [m_out, m_h, m_c]
    else:
        ts, ms = ts[:1], ms[:1]
        t_out, t_h = reference(tx, ts[0])
        m_out, m_h = ours(mx, ms[0])
        t_results, m_results = [t_out, t_h], [m_out, m_h]

    vs = [rng.standard_normal(tuple(r.shape)) for r in t_results]
    sum((r * torch.tensor(v)).sum() for r, v in zip(t_results, vs)).backward()
    sum((r * mg.tensor(v)).sum() for r, v in zip(m_results, vs)).backward()

    for t_r, m_r in zip(t_results, m_results):
        np.testing.assert_allclose(m_r.numpy(), t_r.detach().numpy(), rtol=0, atol=1e-12)
    for (k, t_p), m_p in zip(reference.named_parameters(), ours.parameters()):
        np.testing.assert_allclose(m_p.grad.numpy(), t_p.grad.numpy(), rtol=0, atol=1e-10, err_msg=k)
    for t_leaf, m_leaf in zip([tx] + ts, [mx] + ms):
        np.testing.assert_allclose(m_leaf.grad.numpy(), t_leaf.grad.numpy(), rtol=0, atol=1e-10)


def test_init_matches_torch_distribution():
    """Every parameter, biases included, uniform in ±1/√H, as torch.nn initialises them."""
    for name in ("RNN", "LSTM", "GRU"):
        model = getattr(models, name)(7, 16, num_layers=2, bidirectional=True)
        reference = getattr(torch.nn, name)(7, 16, num_layers=2, bidirectional=True)
        for (k, p), (tk, tp) in zip(model.named_parameters(), reference.named_parameters()):
            assert k == tk and p.shape == tuple(tp.shape)
            assert 0.2 < np.abs(p.numpy()).max() <= 0.25                   # 1/√16 = 0.25
        pooled = np.concatenate([p.numpy().ravel() for p in model.parameters()])   # thousands of draws
        assert abs(pooled.mean()) < 0.01 and abs(pooled.std() - 0.25 / np.sqrt(3)) < 0.01


@pytest.mark.parametrize("name", ["RNNCell", "LSTMCell", "GRUCell"])
@pytest.mark.parametrize("batched", [True, False])
def test_cells_match_torch(name, batched):
    torch.manual_seed(0)
    reference = getattr(torch.nn, name)(I, H, dtype=torch.float64)
    ours = getattr(models, name)(I, H, dtype="float64")
    ours.load_state_dict({k: v.detach().numpy() for k, v in reference.state_dict().items()})
    rng = np.random.default_rng(2)
    shape = (B,) if batched else ()
    x, h, c = (rng.standard_normal(shape + (n,)) for n in (I, H, H))
    tx, th, tc = (torch.tensor(a, requires_grad=True) for a in (x, h, c))
    mx, mh, mc = (mg.tensor(a, requires_grad=True) for a in (x, h, c))
    if name == "LSTMCell":
        t_res, m_res = list(reference(tx, (th, tc))), list(ours(mx, (mh, mc)))
        t_leaves, m_leaves = [tx, th, tc], [mx, mh, mc]
    else:
        t_res, m_res = [reference(tx, th)], [ours(mx, mh)]
        t_leaves, m_leaves = [tx, th], [mx, mh]
    vs = [rng.standard_normal(tuple(r.shape)) for r in t_res]
    sum((r * torch.tensor(v)).sum() for r, v in zip(t_res, vs)).backward()
    sum((r * mg.tensor(v)).sum() for r, v in zip(m_res, vs)).backward()
    for t_r, m_r in zip(t_res, m_res):
        np.testing.assert_allclose(m_r.numpy(), t_r.detach().numpy(), rtol=0, atol=1e-12)
    for (k, t_p), m_p in zip(reference.named_parameters(), ours.parameters()):
        np.testing.assert_allclose(m_p.grad.numpy(), t_p.grad.numpy(), rtol=0, atol=1e-12, err_msg=k)
    for t_leaf, m_leaf in zip(t_leaves, m_leaves):
        np.testing.assert_allclose(m_leaf.grad.numpy(), t_leaf.grad.numpy(), rtol=0, atol=1e-12)
