"""models/attention.py: gradients against finite differences (float64), the KV
cache against the full forward, causality, and errors on bad input."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.nn.utils import functional_call
from minigrad.models.attention import AdditiveAttention, CausalSelfAttention, cache_bytes, scaled_dot_product_attention


def randn(*shape, device="cpu", requires_grad=False, scale=1.0):
    return mg.tensor(np.random.default_rng(sum(shape) * 7 + len(shape)).standard_normal(shape) * scale,
                     dtype="float64", device=device, requires_grad=requires_grad)


def as_float64(module, device):
    """The module's parameters as float64 on `device`, in place."""
    module.to(device)
    with mg.no_grad():
        for p in module.parameters():
            p._data = p.double()._data
    return module


def gradcheck_module(module, inputs, call):
    """gradcheck with respect to the inputs and every parameter of the module:
    gradcheck perturbs float64 copies, and functional_call runs the module on them."""
    names = [name for name, _ in module.named_parameters()]

    def fn(*args):
        xs, ps = args[:len(inputs)], args[len(inputs):]
        return functional_call(module, dict(zip(names, ps)), *xs)

    return mg.gradcheck(lambda *args: call(fn, *args), list(inputs) + [p for _, p in module.named_parameters()])


# ---- scaled dot-product attention ------------------------------------------------

@pytest.mark.parametrize("q_shape, kv_len, causal", [
    ((3, 4), 3, False),          # (T, hs), S = T
    ((2, 3, 4), 5, False),       # batched, S > T
    ((2, 2, 4, 3), 4, True),     # (B, nh, T, hs), causal
    ((1, 2, 3), 5, True),        # causal with a longer past (S > T), as with a cache
])
def test_sdpa_gradcheck(device, q_shape, kv_len, causal):
    q = randn(*q_shape, device=device, requires_grad=True)
    k = randn(*q_shape[:-2], kv_len, q_shape[-1], device=device, requires_grad=True, scale=0.7)
    v = randn(*q_shape[:-2], kv_len, 2, device=device, requires_grad=True)
    assert mg.gradcheck(lambda q, k, v: scaled_dot_product_attention(q, k, v, causal=causal)[0], [q, k, v])


def test_sdpa_weights_are_a_causal_distribution(device):
    q, k, v = randn(2, 5, 4, device=device), randn(2, 5, 4, device=device), randn(2, 5, 3, device=device)
    _, w = scaled_dot_product_attention(q, k, v, causal=True)
    w = w.numpy()
    np.testing.assert_allclose(w.sum(-1), 1.0, rtol=1e-12)
    assert np.all(w[:, np.triu_indices(5, 1)[0], np.triu_indices(5, 1)[1]] == 0)   # no weight on the future
    assert np.all(w[:, np.tril_indices(5)[0], np.tril_indices(5)[1]] > 0)


def test_sdpa_matches_the_formula():
    q, k, v = randn(3, 4), randn(6, 4), randn(6, 2)
    out, _ = scaled_dot_product_attention(q, k, v)
    s = q.numpy() @ k.numpy().T / 2.0
    e = np.exp(s - s.max(-1, keepdims=True))
    np.testing.assert_allclose(out.numpy(), (e / e.sum(-1, keepdims=True)) @ v.numpy(), rtol=1e-12)


def test_sdpa_matches_pytorch():
    torch = pytest.importorskip("torch")
    q, k, v = randn(2, 3, 5, 4), randn(2, 3, 5, 4), randn(2, 3, 5, 4)
    ours, _ = scaled_dot_product_attention(q, k, v, causal=True)
    ref = torch.nn.functional.scaled_dot_product_attention(
        *(torch.from_numpy(t.numpy()) for t in (q, k, v)), is_causal=True)
    np.testing.assert_allclose(ours.numpy(), ref.numpy(), rtol=1e-10, atol=1e-12)


def test_sdpa_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match=r"scaled_dot_product_attention.*\(3, 4\).*\(5, 3\)"):
        scaled_dot_product_attention(randn(3, 4), randn(5, 3), randn(5, 2))


# ---- additive (Bahdanau) attention ------------------------------------------------

def test_additive_gradcheck(device):
    mg.manual_seed(1)
    attn = as_float64(AdditiveAttention(query_size=3, key_size=4, hidden_size=5), device)
    query = randn(2, 3, device=device, requires_grad=True)
    keys = randn(2, 6, 4, device=device, requires_grad=True)
    assert gradcheck_module(attn, [query, keys], lambda f, *args: f(*args)[0])


def test_additive_weights_and_precomputed_keys():
    mg.manual_seed(2)
    attn = as_float64(AdditiveAttention(3, 4, 5), "cpu")
    query, keys = randn(2, 3), randn(2, 6, 4)
    context, alpha = attn(query, keys)
    np.testing.assert_allclose(alpha.numpy().sum(-1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(context.numpy(), np.einsum("bs,bsk->bk", alpha.numpy(), keys.numpy()), rtol=1e-12)
    again, _ = attn(query, keys, attn.project_keys(keys))
    np.testing.assert_allclose(again.numpy(), context.numpy(), rtol=0, atol=0)
    # the paper's formula, written out in NumPy
    W, U, v = (p.numpy() for p in (attn.W.weight, attn.U.weight, attn.v.weight))
    e = np.tanh((query.numpy() @ W.T)[:, None, :] + keys.numpy() @ U.T) @ v[0]
    np.testing.assert_allclose(alpha.numpy(), np.exp(e) / np.exp(e).sum(-1, keepdims=True), rtol=1e-12)


def test_additive_rejects_bad_shapes():
    attn = AdditiveAttention(3, 4, 5)
    keys = mg.zeros(2, 6, 4)
    with pytest.raises(ValueError, match=r"AdditiveAttention.*\(2, 3\).*\(2, 4\)"):
        attn(mg.zeros(2, 4), keys)
    with pytest.raises(ValueError, match=r"AdditiveAttention.*\(B, S, 4\).*\(2, 6, 3\)"):
        attn(mg.zeros(2, 3), mg.zeros(2, 6, 3))


# ---- causal self-attention and its KV cache -------------------------------------------

def test_self_attention_gradcheck(device):
    mg.manual_seed(3)
    attn = as_float64(CausalSelfAttention(d_model=4, n_head=2), device)
    x = randn(2, 3, 4, device=device, requires_grad=True)
    assert gradcheck_module(attn, [x], lambda f, *args: f(*args))


def test_self_attention_is_causal():
    mg.manual_seed(4)
    attn = as_float64(CausalSelfAttention(6, n_head=3), "cpu")
    x = randn(2, 7, 6)
    y = attn(x).numpy()
    changed = x.numpy().copy()
    changed[:, 4] += 1.0                       # change position 4 only
    y2 = attn(mg.tensor(changed)).numpy()
    np.testing.assert_array_equal(y2[:, :4], y[:, :4])          # the past cannot see it
    assert np.abs(y2[:, 4:] - y[:, 4:]).min() > 0               # position 4 and later do


def test_kv_cache_steps_equal_the_full_forward(device):
    mg.manual_seed(5)
    attn = as_float64(CausalSelfAttention(8, n_head=2), device)
    x = randn(3, 6, 8, device=device)
    full = attn(x).numpy()
    cache, sizes = None, []
    for t in range(6):
        y_t, cache = attn.step(x[:, t], cache)
        np.testing.assert_allclose(y_t.numpy(), full[:, t], rtol=1e-12, atol=1e-12)
        sizes.append(cache_bytes(cache))
    # the cache grows by one key and one value per head per step: 2 · B · D numbers
    assert sizes == [2 * 3 * 8 * 8 * (t + 1) for t in range(6)]


def test_self_attention_rejects_bad_shapes():
    attn = CausalSelfAttention(8, n_head=2)
    with pytest.raises(ValueError, match=r"CausalSelfAttention.*\(B, T, 8\).*\(2, 5, 6\)"):
        attn(mg.zeros(2, 5, 6))
    with pytest.raises(ValueError, match=r"CausalSelfAttention.step.*\(B, 8\).*\(2, 1, 8\)"):
        attn.step(mg.zeros(2, 1, 8))
    _, cache = attn.step(mg.zeros(2, 8))
    with pytest.raises(ValueError, match=r"cache holds batch 2.*batch 3"):
        attn.step(mg.zeros(3, 8), cache)
    with pytest.raises(ValueError, match=r"d_model 8 is not divisible by n_head 3"):
        CausalSelfAttention(8, n_head=3)
