"""Checking gradients against finite differences — the test every op must pass.

    ∂f/∂x_i ≈ (f(x + ε e_i) - f(x - ε e_i)) / 2ε

Why central differences: their error shrinks as ε² (one-sided ones as ε), so
with ε = 1e-6 the truncation error is ~1e-12. Why float64: the subtraction
cancels all but the last digits of f; in float32 (7 digits) that leaves
noise of ~1e-7/ε = 0.1, bigger than most gradients. In float64 (16 digits)
the noise is ~1e-10. So inputs are checked as float64 copies.

Why a random projection: we check the scalar Σ_k v_k · out_k with a random v,
not sum(out). With v = ones, a backward that returns gᵀ where g was meant, or
mixes up two output elements, can still pass; with a random v it cannot.
"""

import itertools

from minigrad import backend
from minigrad.autograd import grad
from minigrad.tensor import Tensor


class GradcheckError(AssertionError):
    """Autograd and finite differences disagree (an AssertionError, so tests fail on it)."""


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, fast_mode=False, seed=0):
    """Compare autograd's gradient of `fn` with central finite differences.

    Args:
        fn: a function of the tensors in `inputs`, returning a Tensor or a tuple of Tensors.
        inputs: a Tensor or a sequence of them (other values are passed through);
            those with requires_grad=True are checked, as float64 copies.
        eps, atol, rtol: step size and tolerance, |analytic - numeric| ≤ atol + rtol·|numeric|.
        fast_mode: check one random direction per input instead of every element:
            two evaluations of fn instead of two per element, for large inputs.
        seed: seeds the random projection (and direction), so a check repeats
            exactly; None draws them from the generator manual_seed seeds.
    Returns:
        True, or raises GradcheckError naming the input, the worst element and both values.
    """
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    inputs = [_as_float64(x) for x in inputs]
    checked = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input requires grad, so there is nothing to check")
    rng = backend.generator() if seed is None else backend.NUMPY.xp.random.default_rng(seed)

    outputs = _as_tuple(fn(*inputs))
    projections = [rng.standard_normal(o.shape) for o in outputs]
    grads = grad([o for o in outputs if o.requires_grad],
                 [inputs[i] for i in checked],
                 [Tensor(backend.of(o._data).asarray(v, "float64"))
                  for o, v in zip(outputs, projections) if o.requires_grad],
                 allow_unused=True)
    analytic = [g.numpy() if g is not None else inputs[i].numpy() * 0.0 for g, i in zip(grads, checked)]

    def f():
        # grad mode stays on: fn may itself call mg.grad (checking second derivatives)
        return builtins_sum((o.numpy() * v).sum() for o, v in zip(_as_tuple(fn(*inputs)), projections))

    if fast_mode:
        directions = [rng.standard_normal(inputs[i].shape) for i in checked]
        originals = [inputs[i]._data for i in checked]
        values = []
        for sign in (1.0, -1.0):
            for i, d, x0 in zip(checked, directions, originals):
                inputs[i]._data = x0 + backend.of(x0).asarray(sign * eps * d, "float64")
            values.append(f())
        for i, x0 in zip(checked, originals):
            inputs[i]._data = x0
        numeric = (values[0] - values[1]) / (2 * eps)
        exact = builtins_sum((a * d).sum() for a, d in zip(analytic, directions))
        if not abs(exact - numeric) <= atol + rtol * abs(numeric):     # nan fails too
            raise GradcheckError(f"gradcheck (fast mode): along a random direction autograd gives "
                                 f"{exact:.10g} but finite differences give {numeric:.10g}")
        return True

    for n, i in enumerate(checked):
        x = inputs[i]
        worst = None
        for index in itertools.product(*(range(s) for s in x.shape)):
            old = x._data[index] if index else x._data
            x._data = _set(x._data, index, old + eps)
            up = f()
            x._data = _set(x._data, index, old - eps)
            down = f()
            x._data = _set(x._data, index, old)
            numeric = (up - down) / (2 * eps)
            a = float(analytic[n][index])
            excess = abs(a - numeric) - (atol + rtol * abs(numeric))
            if excess != excess:            # nan on either side is a failure, never a pass
                excess = float("inf")
            if excess > 0 and (worst is None or excess > worst[0]):
                worst = (excess, index, a, numeric)
        if worst is not None:
            _, index, a, numeric = worst
            raise GradcheckError(f"gradcheck: input {i} (shape {x.shape}), element {index}: autograd gives "
                                 f"{a:.10g}, finite differences give {numeric:.10g}")
    return True


builtins_sum = sum


def _set(a, index, value):
    if not index:                       # a 0-d array: replace it whole
        return backend.of(a).asarray(backend.of(a).to_host(value), "float64")
    a[index] = value
    return a


def _as_float64(x):
    if not isinstance(x, Tensor) or not backend.is_float(x.dtype):
        return x
    copy = Tensor(backend.of(x._data).xp.astype(x._data, backend.of(x._data).dtype("float64"), copy=True))
    copy.requires_grad = x.requires_grad
    return copy


def _as_tuple(out):
    return tuple(out) if isinstance(out, (tuple, list)) else (out,)
