"""Hooks (register_hook, retain_grad, requires_grad_) and the dtype of gradients,
each against PyTorch."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim


def _both(fn):
    """fn(lib, make) run with minigrad and with PyTorch; the two results."""
    torch = pytest.importorskip("torch")
    return (fn(mg, lambda a: mg.tensor(np.asarray(a, dtype="float64"), requires_grad=True)),
            fn(torch, lambda a: torch.tensor(np.asarray(a, dtype="float64"), requires_grad=True)))


def test_hooks_see_and_replace_gradients_as_in_pytorch():
    def run(lib, make):
        x = make([1.0, -2.0, 3.0])
        h = x * x
        seen = []
        h.register_hook(lambda g: seen.append(np.asarray(g).copy()))
        h.register_hook(lambda g: g * 2)                  # replaces h's gradient
        x.register_hook(lambda g: g + 1)                  # a leaf's hook: before .grad
        h.retain_grad()
        (h * lib.tensor([1.0, 10.0, 100.0], dtype=x.dtype)).sum().backward()
        return seen[0], np.asarray(h.grad), np.asarray(x.grad), h.retains_grad, x.retains_grad

    ours, theirs = _both(run)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)


def test_retained_grads_add_up_over_backward_calls_as_in_pytorch():
    def run(lib, make):
        x = make([1.0, 2.0])
        h = x * 3
        h.retain_grad()
        (h * h).sum().backward(retain_graph=True)
        (h * h).sum().backward()
        return np.asarray(h.grad), np.asarray(x.grad)

    ours, theirs = _both(run)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)


def test_a_removed_hook_runs_no_more(device):
    x = mg.tensor([1.0, 2.0], device=device, requires_grad=True)
    calls = []
    handle = x.register_hook(lambda g: calls.append(1))
    (x * 2).sum().backward()
    handle.remove()
    handle.remove()                                        # twice: no effect
    (x * 2).sum().backward()
    assert calls == [1] and x.grad.tolist() == [4.0, 4.0]


def test_hooks_on_outputs_of_a_multi_output_op(device):
    x = mg.tensor([1.0, 2.0, 3.0, 4.0], device=device, requires_grad=True)
    a, b = (x * 1).split(2)
    b.register_hook(lambda g: g * 0)                       # b's gradient switched off
    b.retain_grad()
    (a * 3 + b * 5).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0, 0.0, 0.0] and b.grad.tolist() == [0.0, 0.0]


def test_hooks_run_in_grad_too(device):
    x = mg.tensor([1.0, 2.0], device=device, requires_grad=True)
    h = x * 2
    h.register_hook(lambda g: g * 10)
    assert mg.grad((h * h).sum(), x).tolist() == [80.0, 160.0]


def test_vanishing_gradients_seen_by_hooks_on_each_hidden_state(device):
    """An RNN unrolled by hand, tanh(W h + U x_t) with small weights: the
    gradient reaching h_t shrinks at every step back from the loss."""
    rng = np.random.default_rng(0)
    T, H = 12, 8
    W = mg.tensor(rng.standard_normal((H, H)).astype("float32") * 0.15, device=device, requires_grad=True)
    U = mg.tensor(rng.standard_normal((H, H)).astype("float32") * 0.5, device=device, requires_grad=True)
    xs = mg.tensor(rng.standard_normal((T, H)).astype("float32"), device=device)
    norms = {}
    h = mg.zeros(H, device=device)
    for t in range(T):
        h = mg.tanh(W @ h + U @ xs[t])
        h.register_hook(lambda g, t=t: norms.__setitem__(t, float(np.sqrt((g.numpy() ** 2).sum()))))
    h.sum().backward()
    assert sorted(norms) == list(range(T))
    ratios = [norms[t] / norms[t + 1] for t in range(T - 1)]
    assert all(r < 0.6 for r in ratios), ratios           # every step back shrinks it
    assert norms[0] < 1e-3 * norms[T - 1]


def test_requires_grad_():
    torch = pytest.importorskip("torch")
    x = mg.ones(2)
    assert x.requires_grad_() is x and x.requires_grad
    assert not x.requires_grad_(False).requires_grad
    with pytest.raises(TypeError, match="requires_grad_"):
        x.requires_grad_("yes")
    with pytest.raises(TypeError):
        torch.ones(2).requires_grad_("yes")
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype can require gradients"):
        mg.tensor([1, 2]).requires_grad_()
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype can require gradients"):
        torch.tensor([1, 2]).requires_grad_()


def test_hook_errors():
    with pytest.raises(RuntimeError, match="register_hook: cannot register a hook on a tensor that doesn't require"):
        mg.ones(2).register_hook(lambda g: g)
    x = mg.ones(2, requires_grad=True)
    with pytest.raises(TypeError, match="register_hook"):
        x.register_hook("not a function")
    h = x * 2
    h.register_hook(lambda g: mg.ones(3))
    with pytest.raises(RuntimeError, match=r"register_hook: a hook returned \(3,\) for a gradient of shape \(2,\)"):
        h.sum().backward()


# ---- gradients keep their tensor's dtype ------------------------------------------

def test_a_float32_leaf_used_with_float64_gets_a_float32_grad(device):
    torch = pytest.importorskip("torch")
    x = mg.tensor([1.0, 2.0], device=device, requires_grad=True)
    y = mg.tensor([3.0, 4.0], dtype="float64", device=device, requires_grad=True)
    h = x * 2
    h.retain_grad()
    (h * y).sum().backward()
    assert mg.backend.dtype_name(x.grad.dtype) == "float32"
    assert mg.backend.dtype_name(y.grad.dtype) == "float64"
    assert mg.backend.dtype_name(h.grad.dtype) == "float32"
    assert mg.backend.dtype_name(mg.grad((h * y).sum(), h).dtype) == "float32"
    t = torch.tensor([1.0, 2.0], requires_grad=True)
    (t * torch.tensor([3.0, 4.0], dtype=torch.float64)).sum().backward()
    assert t.grad.dtype == torch.float32


def test_float32_parameters_stay_float32_when_trained_beside_float64(device):
    lin = nn.Linear(2, 1).to(device)
    scale = mg.tensor([[2.0]], dtype="float64", device=device)
    for opt in (optim.SGD(lin.parameters(), lr=0.1, momentum=0.9), optim.Adam(lin.parameters(), lr=0.1)):
        for _ in range(3):
            opt.zero_grad()
            (lin(mg.ones(4, 2, device=device)) * scale).sum().backward()
            opt.step()
    assert all(mg.backend.dtype_name(p.dtype) == "float32" for p in lin.parameters())
