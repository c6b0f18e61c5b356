"""Running one function on minigrad and on PyTorch with the same inputs.

A row of a differential table is a function of (F, *inputs) written once: F is
minigrad.nn.functional or torch.nn.functional, which share names and
arguments, so the same lambda runs on both. Inputs are made by `make` from a
spec, the same NumPy arrays handed to both libraries:

    ("n", shape)       standard normal, requires grad
    ("u", shape)       uniform in (0.05, 0.95) (probabilities), requires grad
    ("c", shape)       standard normal, a constant (no grad)
    ("p", shape)       uniform in (0.05, 0.95), a constant
    ("i", shape, C)    int64 class indices in [0, C)
    ("i", shape, C, v) the same with every third one set to v (an ignore_index)
    ("b", shape)       a random bool mask
    ("b", shape, r)    the same with row r all False (a query that sees nothing)
"""

import numpy as np

import minigrad as mg


def arrays(specs, seed):
    rng = np.random.default_rng(seed)
    out = []
    for spec in specs:
        kind, shape = spec[0], spec[1]
        if kind in ("n", "c"):
            out.append((rng.standard_normal(shape), kind == "n"))
        elif kind in ("u", "p"):
            out.append((rng.uniform(0.05, 0.95, shape), kind == "u"))
        elif kind == "i":
            a = rng.integers(0, spec[2], shape)
            if len(spec) > 3:
                a.reshape(-1)[::3] = spec[3]
            out.append((a, False))
        elif kind == "b":
            a = rng.uniform(size=shape) < 0.7
            if len(spec) > 2:
                a[..., spec[2], :] = False
            out.append((a, False))
        else:
            raise ValueError(kind)
    return out


def make_mg(values, dtype, device="cpu"):
    return [mg.tensor(a.astype(dtype) if a.dtype.kind == "f" else a, device=device, requires_grad=g)
            for a, g in values]


def make_torch(torch, values, dtype):
    return [torch.tensor(a.astype(dtype) if a.dtype.kind == "f" else a, requires_grad=g) for a, g in values]


TOL = {"float64": 1e-10, "float32": 1e-5}


def compare(torch, ours_out, ours_inputs, theirs_out, theirs_inputs, dtype, seed=0):
    """Outputs equal, and gradients of Σ v ⊙ out equal, v a random upstream gradient."""
    tol = TOL[dtype]
    o, t = np.asarray(ours_out), theirs_out.detach().numpy()
    assert o.shape == t.shape, (o.shape, t.shape)
    assert str(ours_out.dtype) == str(t.dtype), (ours_out.dtype, t.dtype)
    np.testing.assert_allclose(o, t, rtol=tol, atol=tol)
    if not theirs_out.requires_grad:
        return
    v = np.random.default_rng(seed + 1).standard_normal(o.shape).astype(dtype)
    (ours_out * mg.tensor(v)).sum().backward()
    (theirs_out * torch.tensor(v)).sum().backward()
    for a, b in zip(ours_inputs, theirs_inputs):
        if b.requires_grad:
            assert a.grad is not None or b.grad is None
            if b.grad is not None:
                np.testing.assert_allclose(np.asarray(a.grad), b.grad.numpy(), rtol=tol, atol=tol)
