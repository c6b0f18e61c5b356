"""Gradient clipping, and calling a module with other tensors as its weights."""

import contextlib
import math

from minigrad import backend
from minigrad.grad_mode import no_grad
from minigrad.optim import checks
from minigrad.tensor import Tensor, tensor


def _grads(parameters, where):
    """The parameters that have a gradient, checked: a Tensor, or an iterable of Tensors."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    try:
        parameters = list(parameters)
    except TypeError:
        raise TypeError(f"{where}: parameters must be a Tensor or an iterable of Tensors, "
                        f"got {type(parameters).__name__}") from None
    for i, p in enumerate(parameters):
        if not isinstance(p, Tensor):
            raise TypeError(f"{where}: parameters must be Tensors, but item {i} is a {type(p).__name__}")
        if p.grad is not None and not isinstance(p.grad, Tensor):
            raise TypeError(f"{where}: the .grad of item {i} is a {type(p.grad).__name__}, not a Tensor")
    return [p for p in parameters if p.grad is not None]


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False):
    """Scale all gradients together, in place, so that their joint norm is at most max_norm.

        total = ‖(‖g_1‖, ‖g_2‖, ...)‖ = the norm of all gradients as one vector
        g_i ← g_i · min(1, max_norm / (total + 1e-6))

    The direction of the update is kept; only its length is capped (Pascanu
    et al. 2013, the fix for exploding gradients in RNNs). Parameters without
    a gradient are skipped; max_norm = 0 zeroes every gradient. Gradients
    keep their dtype (a NumPy-typed max_norm is read as a Python number).

    Args:
        parameters: a Tensor or an iterable of Tensors.
        max_norm: the largest norm allowed, ≥ 0 (float("inf"): only measure the norm).
        norm_type: p > 0 of the p-norm, or float("inf") (the largest |g|).
        error_if_nonfinite: raise RuntimeError, changing nothing, if the total
            norm is nan or infinite (otherwise the gradients are scaled by it).
    Returns:
        the total norm before clipping, a 0-d Tensor (the gradients' dtype;
        float32 zero if no parameter has a gradient).
    """
    where = "clip_grad_norm_"
    max_norm = checks.limit(where, "max_norm", max_norm)          # inf: measure the norm, clip nothing
    norm_type = checks.real(where, "norm_type", norm_type) if norm_type != math.inf else math.inf
    if norm_type <= 0:
        raise ValueError(f"{where}: norm_type must be > 0 or inf, got {norm_type}")
    error_if_nonfinite = checks.flag(where, "error_if_nonfinite", error_if_nonfinite)
    params = _grads(parameters, where)
    if not params:
        return tensor(0.0)
    xp = backend.of(params[0].grad._data).xp
    grads = [p.grad._data for p in params]
    if norm_type == math.inf:
        norms = [xp.max(xp.abs(g)) if g.size else xp.zeros((), dtype=g.dtype) for g in grads]
        total = xp.max(xp.stack(norms))
    elif norm_type == 2.0:                     # the usual case: g·g is cheaper than |g|^p
        total = xp.sqrt(xp.sum(xp.stack([xp.sum(g * g) for g in grads])))
    else:
        total = xp.sum(xp.stack([xp.sum(xp.abs(g) ** norm_type) for g in grads])) ** (1.0 / norm_type)
    total = backend.ensure_array(total)          # NumPy reduces to a scalar; keep an array
    if error_if_nonfinite and not bool(xp.all(xp.isfinite(total))):
        raise RuntimeError(f"{where}: the total norm of order {norm_type} of the gradients is "
                           f"{float(total)}, so they cannot be clipped; nothing was changed (pass "
                           "error_if_nonfinite=False to scale them by it anyway)")
    coef = xp.clip(max_norm / (total + 1e-6), None, 1.0)
    with no_grad():
        for p, g in zip(params, grads):
            p.grad._write(backend.ensure_array(g * xp.astype(coef, g.dtype)))
    return Tensor(total)


def clip_grad_value_(parameters, clip_value):
    """Clip every gradient element into [-clip_value, clip_value], in place.

    Args:
        parameters: a Tensor or an iterable of Tensors; those without a gradient are skipped.
        clip_value: ≥ 0 (a NumPy-typed one is read as a Python number, so gradients keep their dtype).
    Returns:
        None.
    """
    clip_value = checks.nonnegative("clip_grad_value_", "clip_value", clip_value)
    with no_grad():
        for p in _grads(parameters, "clip_grad_value_"):
            g = p.grad._data
            p.grad._write(backend.ensure_array(backend.of(g).xp.clip(g, -clip_value, clip_value)))


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

    Args:
        module: the Module to call.
        tensors: {dotted parameter name: Tensor} to use instead of those parameters.
        *args, **kwargs: the call's arguments.
    Returns:
        what module(*args, **kwargs) returns.
    """
    with _swapped(module, tensors):
        return module(*args, **kwargs)
