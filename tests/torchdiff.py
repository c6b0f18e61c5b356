"""Differential testing against PyTorch: one call runs one case.

    from torchdiff import compare

    compare(lambda x, y: x * y, lambda x, y: x * y, a, b, dtype="float32", device=device)

`compare(mg_fn, torch_fn, *inputs)` takes NumPy arrays, makes a minigrad
tensor (on `device`) and a torch tensor of each, calls each library's
function on its own tensors and checks, in this order:

1. the outputs: the same structure (a tensor or a tuple of them), shapes,
   dtypes, and values (to rtol/atol; integer and bool outputs exactly);
2. first derivatives (grad=True): of the loss Σ_k y_k ⊙ R_k, a random
   projection R_k of each float output, with respect to every float input;
3. second derivatives (second_order=True): the Hessian-vector product along a
   random direction v, ∂/∂x (Σ_i ∂L/∂x_i ⊙ v_i), through create_graph=True.

A random projection, not sum(y): a gradient that mixes up two output
elements would pass against sum(y) but not against a random R.

Every call that passes adds one to `CASES`, so a run can report how many
differential cases ran and passed (tests/conftest.py prints it at the end).
"""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import minigrad as mg  # noqa: E402

CASES = {"passed": 0}

# float32 values are compared to a few units of float32's last place, float64
# to far tighter; first and second derivatives of float32 go through more
# rounding, so they get a looser rtol than the forward values.
TOLERANCES = {"float32": (1e-5, 1e-6), "float64": (1e-10, 1e-12)}
GRAD_FACTOR = {"float32": 20.0, "float64": 100.0}


def compare(mg_fn, torch_fn, *inputs, dtype=None, device="cpu", grad=True, second_order=False,
            rtol=None, atol=None, noncontiguous=False, seed=0):
    """Run one differential case against PyTorch; raise AssertionError on a mismatch.

    Args:
        mg_fn: a function of minigrad tensors (one per input), returning a Tensor or a tuple of them.
        torch_fn: the same function written with torch, of torch tensors.
        *inputs: NumPy arrays (or anything np.asarray takes), any shapes, 0-d and empty included.
        dtype: cast the float inputs to this dtype ("float32", "float64") first; None keeps theirs.
        device: the minigrad device the inputs are made on ("cpu", "array_api_strict").
        grad: check first derivatives with respect to every float input.
        second_order: also check Hessian-vector products via create_graph=True.
        rtol, atol: tolerances for the values; None picks them from the output dtype.
            Derivatives are checked to a looser rtol (× GRAD_FACTOR of the dtype).
        noncontiguous: give torch the inputs as transposed (non-contiguous) tensors of the same values.
        seed: seeds the projection R and the direction v.
    Returns:
        The minigrad outputs, as a tuple of Tensors.
    """
    arrays = [_cast(np.asarray(x), dtype) for x in inputs]
    differentiable = [grad and x.dtype.kind == "f" for x in arrays]
    xs = [mg.tensor(x, device=device, requires_grad=d) for x, d in zip(arrays, differentiable)]
    ts = [_torch_input(x, d, noncontiguous) for x, d in zip(arrays, differentiable)]

    ys, tys = _as_tuple(mg_fn(*xs)), _as_tuple(torch_fn(*ts))
    assert len(ys) == len(tys), f"minigrad gave {len(ys)} outputs, torch {len(tys)}"
    for k, (y, ty) in enumerate(zip(ys, tys)):
        _assert_close(y, ty, f"output {k}", rtol, atol)

    if any(differentiable):
        rng = np.random.default_rng(seed)
        pairs = [(y, ty) for y, ty in zip(ys, tys) if ty.dtype.is_floating_point]
        projections = [rng.standard_normal(tuple(ty.shape)) for _, ty in pairs]
        loss = sum((y * mg.tensor(r, dtype=mg.backend.dtype_name(y.dtype), device=device)).sum()
                   for (y, _), r in zip(pairs, projections))
        tloss = sum((ty * torch.tensor(r, dtype=ty.dtype)).sum() for (_, ty), r in zip(pairs, projections))
        wrt = [x for x, d in zip(xs, differentiable) if d]
        twrt = [t for t, d in zip(ts, differentiable) if d]
        used = isinstance(loss, mg.Tensor) and loss.requires_grad
        tused = isinstance(tloss, torch.Tensor) and tloss.requires_grad
        assert used == tused, f"the loss depends on the inputs in torch: {tused}, in minigrad: {used}"
        if used:
            gs = mg.grad(loss, wrt, create_graph=second_order, allow_unused=True)
            tgs = torch.autograd.grad(tloss, twrt, create_graph=second_order, allow_unused=True)
            gs = [_zeros_if_none(g, x) for g, x in zip(gs, wrt)]
            tgs = [torch.zeros_like(t) if g is None else g for g, t in zip(tgs, twrt)]
            for i, (g, tg) in enumerate(zip(gs, tgs)):
                _assert_close(g, tg, f"d/d input {i}", _loose(rtol, tg), atol)
            if second_order:
                _check_second_order(gs, tgs, wrt, twrt, rng, device, rtol, atol)
    CASES["passed"] += 1
    return ys


def _check_second_order(gs, tgs, wrt, twrt, rng, device, rtol, atol):
    directions = [rng.standard_normal(tuple(t.shape)) for t in twrt]
    s = sum((g * mg.tensor(v, dtype=mg.backend.dtype_name(g.dtype), device=device)).sum()
            for g, v in zip(gs, directions) if g.requires_grad)
    ts = sum((tg * torch.tensor(v, dtype=tg.dtype)).sum()
             for tg, v in zip(tgs, directions) if tg.requires_grad)
    used = isinstance(s, mg.Tensor) and s.requires_grad
    tused = isinstance(ts, torch.Tensor) and ts.requires_grad
    if not used and not tused:          # the op is linear in its inputs: no second derivatives
        return
    hs = mg.grad(s, wrt, allow_unused=True) if used else [None] * len(wrt)
    ths = torch.autograd.grad(ts, twrt, allow_unused=True) if tused else [None] * len(twrt)
    for i, (h, th, x, t) in enumerate(zip(hs, ths, wrt, twrt)):
        _assert_close(_zeros_if_none(h, x), torch.zeros_like(t) if th is None else th,
                      f"Hessian-vector product, input {i}", _loose(rtol, t, 5.0), atol)


def _cast(x, dtype):
    if dtype is not None and x.dtype.kind == "f":
        return x.astype(dtype)
    return x


def _torch_input(x, requires_grad, noncontiguous):
    if noncontiguous and x.ndim >= 2:
        reverse = tuple(reversed(range(x.ndim)))
        t = torch.from_numpy(np.ascontiguousarray(x.transpose(reverse))).permute(reverse)   # strides reversed
    else:
        t = torch.from_numpy(np.array(x))
    return t.detach().clone(memory_format=torch.preserve_format).requires_grad_(requires_grad)


def _as_tuple(y):
    return tuple(y) if isinstance(y, (tuple, list)) else (y,)


def _zeros_if_none(g, x):
    return mg.zeros_like(x) if g is None else g


def _loose(rtol, t, extra=1.0):
    """The derivatives' rtol: the caller's, or the dtype's default widened."""
    if rtol is not None:
        return rtol
    name = str(t.dtype).replace("torch.", "")
    return TOLERANCES[name][0] * GRAD_FACTOR[name] * extra


def _assert_close(y, ty, what, rtol, atol):
    assert isinstance(y, mg.Tensor), f"{what}: minigrad gave {type(y).__name__}, not a Tensor"
    name = str(ty.dtype).replace("torch.", "")
    assert tuple(y.shape) == tuple(ty.shape), f"{what}: shape {y.shape}, torch {tuple(ty.shape)}"
    assert mg.backend.dtype_name(y.dtype) == name, \
        f"{what}: dtype {mg.backend.dtype_name(y.dtype)}, torch {name}"
    if ty._is_zerotensor():                     # torch's symbolic zeros (second derivatives of linear ops)
        ty = torch.zeros(ty.shape, dtype=ty.dtype)
    got, want = np.asarray(y), ty.detach().numpy()
    if ty.dtype.is_floating_point:
        r, a = TOLERANCES[name]
        np.testing.assert_allclose(got, want, rtol=r if rtol is None else rtol, atol=a if atol is None else atol,
                                   err_msg=f"{what} differs from torch", equal_nan=True)
    else:
        np.testing.assert_array_equal(got, want, err_msg=f"{what} differs from torch")
