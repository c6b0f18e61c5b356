"""Grades exercise 01: Tanh, Mul and Softplus as Function subclasses.

Forward against NumPy; backward by minigrad.gradcheck (central finite
differences in float64, a random upstream gradient) on each device; float32
kept; softplus finite at ±1000.
"""

import importlib.util

import numpy as np

import minigrad as mg
from exercises.grade import Failure, NotImplementedYet, compare, rng

DEVICES = ("cpu", "array_api_strict") if importlib.util.find_spec("array_api_strict") else ("cpu",)

# op name -> (the names of its inputs, its forward in NumPy)
OPS = {
    "Tanh": (("x",), np.tanh),
    "Mul": (("a", "b"), np.multiply),
    "Softplus": (("x",), lambda x: np.logaddexp(0.0, x)),
}


def _apply(op, name, inputs, device):
    """op.apply(*inputs), saying which device failed and why that may be."""
    try:
        return op.apply(*inputs)
    except NotImplementedError:
        raise NotImplementedYet(f"{name} is not implemented yet (it still raises NotImplementedError)") from None
    except (TypeError, RuntimeError, AttributeError) as e:
        if device == "cpu":
            raise
        raise Failure(f"{name} failed on device {device!r}, whose arrays refuse NumPy functions: "
                      f"{type(e).__name__}: {e}\n  use only the input's namespace: "
                      "xp = mg.backend.of(x).xp, then xp.tanh, xp.exp, ...") from None


def _check_op(module, name, device, seed):
    names, reference = OPS[name]
    op = getattr(module, name, None)
    if op is None:
        raise Failure(f"the file defines no {name}; keep the names the stub gives")
    r = rng(seed)
    shape = (3, 4)
    arrays = [r.standard_normal(shape) for _ in names]
    context = f"{', '.join(names)} of shape {shape}, float64, device {device!r}, seed {seed}"

    inputs = [mg.tensor(a, device=device, requires_grad=True) for a in arrays]
    out = _apply(op, name, inputs, device)
    compare(f"{name}.forward", out.numpy(), reference(*arrays), context)

    as32 = [mg.tensor(a, dtype="float32", device=device) for a in arrays]
    dtype = mg.backend.dtype_name(_apply(op, name, as32, device).dtype)
    if dtype != "float32":
        raise Failure(f"{name}.forward turned float32 inputs into {dtype}; keep the input's dtype")

    try:
        mg.gradcheck(lambda *xs: op.apply(*xs), inputs, seed=seed)
    except mg.GradcheckError as e:
        inputs_named = ", ".join(f"input {i} is {n}" for i, n in enumerate(names))
        raise Failure(f"{name}.backward is wrong ({inputs_named}): {e} (input: {context})") from None


def check(module):
    """Grade the learner's module.

    Args:
        module: the learner's module (a file loaded by exercises.grade.load).
    Returns:
        a one-line summary of what passed; raises Failure, or NotImplementedYet
        while a function still raises NotImplementedError.
    """
    for device in DEVICES:
        for name in OPS:
            _check_op(module, name, device, seed=1)
    big = np.array([-1000.0, -30.0, 0.0, 30.0, 1000.0])
    with np.errstate(over="ignore"):
        y = _apply(module.Softplus, "Softplus", [mg.tensor(big)], "cpu").numpy()
    compare("Softplus.forward at large |x| (log(1 + eˣ) overflows: use max(x, 0) + log1p(exp(-|x|)))",
            y, np.logaddexp(0.0, big), f"x = {big.tolist()}")
    return (f"Tanh, Mul, Softplus: forward against NumPy, backward by gradcheck on {', '.join(DEVICES)}; "
            "float32 kept; softplus finite at ±1000")
