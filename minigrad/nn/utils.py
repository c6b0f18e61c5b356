"""Gradient clipping, and calling a module with other tensors as its weights."""

import contextlib

from minigrad import backend
from minigrad.tensor import Tensor, tensor


def _with_grads(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p for p in parameters if p.grad is not None]


def clip_grad_norm_(parameters, max_norm, norm_type=2.0):
    """Scale all gradients together so that their joint norm is at most max_norm.

        total = ‖(‖g_1‖, ‖g_2‖, ...)‖ = the norm of all gradients as one vector
        g_i ← g_i · min(1, max_norm / (total + 1e-6))

    The direction of the update is kept; only its length is capped (Pascanu
    et al. 2013, the fix for exploding gradients in RNNs). Parameters without
    a gradient are skipped; max_norm = 0 zeroes every gradient.
    norm_type may be any p ≥ 1 or float("inf") (the largest |g|).
    Returns: the total norm before clipping, a 0-d Tensor.
    """
    params = _with_grads(parameters)
    if not params:
        return tensor(0.0)
    xp = backend.of(params[0].grad._data).xp
    if norm_type == float("inf"):
        norms = [xp.max(xp.abs(p.grad._data)) for p in params]
        total = xp.max(xp.stack(norms))
    elif norm_type == 2.0:                     # the usual case: g·g is cheaper than |g|^p
        norms = [xp.sum(p.grad._data * p.grad._data) for p in params]
        total = xp.sqrt(xp.sum(xp.stack(norms)))
    else:
        norms = [xp.sum(xp.abs(p.grad._data) ** norm_type) for p in params]
        total = xp.sum(xp.stack(norms)) ** (1.0 / norm_type)
    total = backend.ensure_array(total)          # NumPy reduces to a scalar; keep an array
    coef = xp.clip(max_norm / (total + 1e-6), None, 1.0)
    for p in params:
        g = p.grad._data
        p.grad = Tensor(backend.ensure_array(g * xp.astype(coef, g.dtype)))
    return Tensor(total)


def clip_grad_value_(parameters, clip_value):
    """Clip every gradient element into [-clip_value, clip_value]."""
    for p in _with_grads(parameters):
        clipped = backend.of(p.grad._data).xp.clip(p.grad._data, -clip_value, clip_value)
        p.grad = Tensor(backend.ensure_array(clipped))


@contextlib.contextmanager
def _swapped(module, tensors):
    owners = {}
    for name, t in tensors.items():
        path, _, attr = name.rpartition(".")
        owner = module
        for part in path.split(".") if path else ():
            owner = owner._modules[part]
        if attr not in owner._parameters:
            raise KeyError(f"functional_call: {type(module).__name__} has no parameter {name!r}")
        owners[name] = (owner, attr, getattr(owner, attr))
        object.__setattr__(owner, attr, t)        # read by forward, not registered
    try:
        yield
    finally:
        for owner, attr, original in owners.values():
            object.__setattr__(owner, attr, original)


def functional_call(module, tensors, *args, **kwargs):
    """module(*args, **kwargs) computed with `tensors` ({dotted name: Tensor})
    in place of the parameters of those names, as torch.func.functional_call.

    The module is left as it was. This is how a whole layer is gradient-checked:
    gradcheck perturbs float64 copies of the weights, and this call runs the
    layer on those copies.
    """
    with _swapped(module, tensors):
        return module(*args, **kwargs)
