"""The S6 layer, the Mamba block and the Mamba language model.

Checked: parameter names, shapes and initialisation against the reference
implementations; the block's output and every gradient against finite
differences (float64) and against a PyTorch transcription loaded from the
block's own state_dict; recurrent `step` against the full-sequence forward,
with memory that stays flat however many tokens are generated; a small model
that learns.
"""

import gc
import math
import tracemalloc

import numpy as np
import pytest

import minigrad as mg
from minigrad import backend
from minigrad.nn import functional as F
from minigrad.models.mamba import CausalConv1d, Mamba, MambaBlock, MambaConfig, SelectiveSSM
from minigrad.models.ssm import METHODS


def small_block(method="manual", dtype="float64", device=None, seed=0):
    mg.manual_seed(seed)
    return MambaBlock(4, d_state=3, d_conv=4, expand=2, scan_method=method, device=device, dtype=dtype)


def small_model(method="manual", dtype="float64", device=None, seed=0, vocab=7, n_layers=2):
    mg.manual_seed(seed)
    config = MambaConfig(vocab_size=vocab, d_model=4, n_layers=n_layers, d_state=3, scan_method=method)
    return Mamba(config, device=device, dtype=dtype)


def random_input(shape, device=None, seed=1):
    return mg.tensor(np.random.default_rng(seed).standard_normal(shape), dtype="float64", device=device,
                     requires_grad=True)


# ---- names, shapes, initialisation ------------------------------------------

def test_parameter_names_and_shapes_are_the_reference_ones():
    d_model, N, K = 32, 16, 4
    block = MambaBlock(d_model, d_state=N, d_conv=K, expand=2)
    d_inner, R = 64, math.ceil(d_model / 16)
    assert {name: p.shape for name, p in block.named_parameters()} == {
        "in_proj.weight": (2 * d_inner, d_model),
        "conv1d.weight": (d_inner, 1, K),
        "conv1d.bias": (d_inner,),
        "x_proj.weight": (R + 2 * N, d_inner),
        "dt_proj.weight": (d_inner, R),
        "dt_proj.bias": (d_inner,),
        "A_log": (d_inner, N),
        "D": (d_inner,),
        "out_proj.weight": (d_model, d_inner),
    }


def test_initialisation():
    mg.manual_seed(0)
    block = MambaBlock(64, d_state=16)                         # d_inner 128, dt_rank 4
    np.testing.assert_allclose(-np.exp(block.A_log.numpy()), -np.tile(np.arange(1, 17), (128, 1)), rtol=1e-6)
    np.testing.assert_array_equal(block.D.numpy(), 1.0)
    dt = np.log1p(np.exp(block.dt_proj.bias.numpy().astype(np.float64)))   # softplus(bias) = Δ₀
    assert dt.min() >= 0.001 * (1 - 1e-5) and dt.max() <= 0.1 * (1 + 1e-5)
    assert dt.min() < 0.003 and dt.max() > 0.03                 # spread log-uniformly over the range
    assert np.abs(block.dt_proj.weight.numpy()).max() <= 4 ** -0.5
    assert np.abs(block.conv1d.weight.numpy()).max() <= 0.5
    assert all(backend.dtype_name(p.dtype) == "float32" for p in block.parameters())


def test_lm_head_is_tied_to_the_embedding():
    model = small_model()
    assert model.lm_head.weight is model.embedding.weight
    names = list(model.state_dict())
    assert "embedding.weight" in names and "lm_head.weight" in names
    assert sum(1 for _ in model.parameters()) == len(names) - 1


# ---- gradients ----------------------------------------------------------------

def check_parameter_gradients(module, fn, eps=1e-6, seed=0):
    """Every parameter's gradient against central differences along a random direction."""
    rng = np.random.default_rng(seed)
    out = fn()
    v = mg.tensor(rng.standard_normal(out.shape), dtype="float64", device=out.device)
    module.zero_grad()
    (out * v).sum().backward()
    for name, p in module.named_parameters():
        d = rng.standard_normal(p.shape)
        original = p._data
        values = []
        for sign in (1, -1):
            p._data = original + backend.of(original).asarray(sign * eps * d, "float64")
            with mg.no_grad():
                values.append(float((fn() * v).sum().item()))
        p._data = original
        numeric = (values[0] - values[1]) / (2 * eps)
        analytic = float((p.grad.numpy() * d).sum())
        assert abs(analytic - numeric) <= 1e-6 + 1e-5 * abs(numeric), f"{name}: {analytic} vs {numeric}"


@pytest.mark.parametrize("method", METHODS)
def test_block_gradients_match_finite_differences(method):
    block = small_block(method)
    u = random_input((2, 5, 4))
    assert mg.gradcheck(block, [u])
    check_parameter_gradients(block, lambda: block(u))


def test_selective_ssm_gradients_match_finite_differences():
    mg.manual_seed(3)
    layer = SelectiveSSM(6, dt_rank=2, d_state=3, dtype="float64")
    x, z = random_input((2, 4, 6), seed=1), random_input((2, 4, 6), seed=2)
    assert mg.gradcheck(layer, [x, z])
    check_parameter_gradients(layer, lambda: layer(x, z))


def test_lm_gradients_match_finite_differences():
    model = small_model()
    tokens = mg.tensor(np.random.default_rng(0).integers(0, 7, (2, 5)))
    check_parameter_gradients(model, lambda: model(tokens))


def test_scan_methods_give_one_block():
    results = []
    for method in METHODS:
        block = small_block(method)
        u = random_input((2, 9, 4))
        out = block(u)
        out.backward(mg.tensor(np.random.default_rng(5).standard_normal(out.shape), dtype="float64"))
        results.append([out.numpy(), u.grad.numpy()] + [p.grad.numpy() for p in block.parameters()])
    for other in results[1:]:
        for a, b in zip(results[0], other):
            np.testing.assert_allclose(b, a, rtol=0, atol=1e-10)


# ---- against PyTorch, through the state_dict -------------------------------------

def torch_reference_block(torch, d_model, d_inner, dt_rank, d_state, d_conv):
    """The Mamba block in PyTorch, with the reference code's module names."""
    nn, Fn = torch.nn, torch.nn.functional

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.in_proj = nn.Linear(d_model, 2 * d_inner, bias=False)
            self.conv1d = nn.Conv1d(d_inner, d_inner, d_conv, groups=d_inner, padding=d_conv - 1, bias=True)
            self.x_proj = nn.Linear(d_inner, dt_rank + 2 * d_state, bias=False)
            self.dt_proj = nn.Linear(dt_rank, d_inner, bias=True)
            self.A_log = nn.Parameter(torch.zeros(d_inner, d_state))
            self.D = nn.Parameter(torch.zeros(d_inner))
            self.out_proj = nn.Linear(d_inner, d_model, bias=False)

        def forward(self, u):
            L = u.shape[1]
            x, z = self.in_proj(u).chunk(2, dim=-1)
            x = Fn.silu(self.conv1d(x.transpose(1, 2))[:, :, :L].transpose(1, 2))
            dt, B, C = self.x_proj(x).split([dt_rank, d_state, d_state], dim=-1)
            delta = Fn.softplus(self.dt_proj(dt))
            A = -torch.exp(self.A_log)
            h = torch.zeros(u.shape[0], d_inner, d_state, dtype=u.dtype)
            ys = []
            for t in range(L):
                h = torch.exp(delta[:, t, :, None] * A) * h + (delta[:, t] * x[:, t])[:, :, None] * B[:, t, None, :]
                ys.append(torch.einsum("bdn,bn->bd", h, C[:, t]) + self.D * x[:, t])
            return self.out_proj(torch.stack(ys, 1) * Fn.silu(z))

    return Block().double()


def test_block_matches_pytorch_through_its_state_dict():
    torch = pytest.importorskip("torch")
    block = small_block("parallel")
    reference = torch_reference_block(torch, 4, 8, 1, 3, 4)
    reference.load_state_dict({k: torch.tensor(np.asarray(v)) for k, v in block.state_dict().items()}, strict=True)
    u = random_input((2, 6, 4))
    g = np.random.default_rng(2).standard_normal((2, 6, 4))
    out = block(u)
    out.backward(mg.tensor(g, dtype="float64"))
    u_t = torch.tensor(u.numpy(), requires_grad=True)
    out_t = reference(u_t)
    out_t.backward(torch.tensor(g))
    np.testing.assert_allclose(out.numpy(), out_t.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(u.grad.numpy(), u_t.grad.numpy(), rtol=1e-10, atol=1e-12)
    torch_grads = dict(reference.named_parameters())
    for name, p in block.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), torch_grads[name].grad.numpy(), rtol=1e-9, atol=1e-12,
                                   err_msg=name)


def test_a_pytorch_state_dict_loads():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    reference = torch_reference_block(torch, 4, 8, 1, 3, 4)
    with torch.no_grad():
        reference.A_log.copy_(torch.log(torch.arange(1, 4, dtype=torch.float64)).expand(8, 3))
        reference.D.fill_(1.0)
    block = small_block()
    block.load_state_dict({k: v.numpy() for k, v in reference.state_dict().items()})
    u = random_input((1, 5, 4))
    expected = reference(torch.tensor(u.numpy())).detach().numpy()
    np.testing.assert_allclose(block(u).numpy(), expected, rtol=1e-10, atol=1e-12)


# ---- recurrent inference ---------------------------------------------------------

def test_conv_step_matches_the_convolution():
    mg.manual_seed(0)
    conv = CausalConv1d(3, 4, dtype="float64")
    x = random_input((2, 6, 3))
    full = conv(x).numpy()
    state = mg.zeros(2, 3, 4, dtype="float64")
    for t in range(6):
        y, state = conv.step(x[:, t, :], state)
        np.testing.assert_allclose(y.numpy(), full[:, t], rtol=1e-12, atol=1e-14)


def test_block_step_reproduces_the_forward(device):
    block = small_block(device=device)
    u = random_input((2, 7, 4), device=device)
    full = block(u).numpy()
    state = block.initial_state(2)
    for t in range(7):
        out, state = block.step(u[:, t, :], state)
        np.testing.assert_allclose(out.numpy(), full[:, t], rtol=1e-10, atol=1e-12)


def test_model_step_reproduces_the_forward(device):
    model = small_model(device=device)
    tokens = np.random.default_rng(0).integers(0, 7, (3, 8))
    full = model(mg.tensor(tokens, device=device)).numpy()
    states = model.initial_state(3)
    for t in range(8):
        logits, states = model.step(mg.tensor(tokens[:, t], device=device), states)
        np.testing.assert_allclose(logits.numpy(), full[:, t], rtol=1e-10, atol=1e-12)


def test_generation_memory_does_not_grow_with_the_number_of_tokens():
    model = small_model(dtype="float32")
    states = model.initial_state(1)
    shapes = [(c.shape, h.shape) for c, h in states]
    token = mg.tensor([0])
    with mg.no_grad():
        # NumPy keeps a cache of small freed buffers, which fills over the first
        # ~200 steps of this model; warm it up, then measure
        for _ in range(250):
            logits, states = model.step(token, states)
        tracemalloc.start()
        for n in range(300):
            logits, states = model.step(token, states)
            token = mg.tensor([int(logits.numpy().argmax())])
            if n == 49:
                gc.collect()         # a full collection empties CPython's free lists, which are not growth
                after_50 = tracemalloc.get_traced_memory()[0]
        gc.collect()
        after_300 = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
    assert [(c.shape, h.shape) for c, h in states] == shapes
    # a cache that grew by one d_model vector per layer and token (2 × 16 bytes)
    # would add 8 kB over these 250 tokens; the state here is fixed
    assert abs(after_300 - after_50) < 1000, f"memory grew by {after_300 - after_50} bytes over 250 tokens"


# ---- training ----------------------------------------------------------------------

def test_a_small_mamba_learns_to_recall_past_its_convolution():
    # a token in 1..7, then 7 fillers (0); at the end, name the first token.
    # The convolution sees only the last 4 positions, so the answer must travel
    # through the SSM state. Guessing scores ln 7 ≈ 1.95.
    rng = np.random.default_rng(0)
    mg.manual_seed(0)
    model = Mamba(MambaConfig(vocab_size=8, d_model=32, n_layers=1, d_state=8, scan_method="parallel"))
    params = list(model.parameters())
    m = [np.zeros(p.shape, np.float32) for p in params]
    v = [np.zeros(p.shape, np.float32) for p in params]
    losses = []
    for step in range(1, 251):
        seq = np.zeros((16, 8), np.int64)
        seq[:, 0] = rng.integers(1, 8, 16)
        logits = model(mg.tensor(seq))[:, -1, :]              # (16, 8) at the last position
        loss = F.cross_entropy(logits, mg.tensor(seq[:, 0]))
        model.zero_grad()
        loss.backward()
        losses.append(loss.item())
        for p, mi, vi in zip(params, m, v):                   # Adam, lr 0.005
            g = p.grad.numpy()
            mi[:] = 0.9 * mi + 0.1 * g
            vi[:] = 0.999 * vi + 0.001 * g * g
            p._data = p._data - 0.005 * (mi / (1 - 0.9 ** step)) / (np.sqrt(vi / (1 - 0.999 ** step)) + 1e-8)
    assert np.mean(losses[:10]) > 1.8
    assert np.mean(losses[-10:]) < 0.2, f"loss went from {losses[0]:.2f} to {losses[-1]:.2f}"


# ---- dtypes, devices, bad input -------------------------------------------------------

def test_float32_stays_float32(device):
    block = small_block(dtype="float32", device=device)
    u = mg.tensor(np.ones((1, 3, 4)), dtype="float32", device=device, requires_grad=True)
    out = block(u)
    out.sum().backward()
    assert backend.dtype_name(out.dtype) == "float32"
    assert all(backend.dtype_name(p.grad.dtype) == "float32" for p in block.parameters())


def test_wrong_input_width_is_named():
    block = small_block()
    with pytest.raises(ValueError, match=r"MambaBlock: expected input \(batch, length, d_model=4\), got \(2, 5, 3\)"):
        block(mg.zeros(2, 5, 3, dtype="float64"))
    with pytest.raises(ValueError, match=r"got \(5, 4\)"):
        block(mg.zeros(5, 4, dtype="float64"))


def test_selective_ssm_names_its_expected_input():
    layer = SelectiveSSM(6, dt_rank=2, d_state=3)
    with pytest.raises(ValueError, match=r"SelectiveSSM: expected x \(batch, length, d_inner=6\), got \(1, 2, 5\)"):
        layer(mg.zeros(1, 2, 5))


def test_unknown_scan_method_is_refused_at_construction():
    with pytest.raises(ValueError, match=r"MambaBlock: unknown scan_method 'fast'; expected one of \('sequential'"):
        MambaBlock(4, scan_method="fast")
