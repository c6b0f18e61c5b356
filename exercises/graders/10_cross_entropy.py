"""Grades exercise 10: CrossEntropy as one Function, against
minigrad.nn.functional.cross_entropy, by gradcheck, at large logits and in float32."""

import numpy as np

import minigrad as mg
from exercises.grade import Failure, NotImplementedYet, compare, rng

N, C = 4, 5


def _apply(op, logits, target):
    try:
        return op.apply(logits, target)
    except NotImplementedError:
        raise NotImplementedYet("CrossEntropy is not implemented yet (it still raises NotImplementedError)") from None


def check(module):
    """Grade the learner's module.

    Args:
        module: the learner's module (a file loaded by exercises.grade.load).
    Returns:
        a one-line summary of what passed; raises Failure, or NotImplementedYet
        while a function still raises NotImplementedError.
    """
    op = getattr(module, "CrossEntropy", None)
    if op is None:
        raise Failure("the file defines no CrossEntropy; keep the names the stub gives")
    r = rng(0)
    x, t = r.standard_normal((N, C)), r.integers(0, C, N)
    target = mg.tensor(t)
    context = f"logits ({N}, {C}) float64, target {t.tolist()}, seed 0"
    expected = mg.nn.functional.cross_entropy(mg.tensor(x), target).numpy()
    loss = _apply(op, mg.tensor(x, requires_grad=True), target)
    compare("CrossEntropy.forward (the mean loss)", loss.numpy(), expected, context)

    big = 1000 * x
    with np.errstate(over="ignore", invalid="ignore"):
        got = _apply(op, mg.tensor(big), target).numpy()
    compare("CrossEntropy.forward at logits of about ±1000 (subtract each row's max before exp)", got,
            mg.nn.functional.cross_entropy(mg.tensor(big), target).numpy(), "logits × 1000, seed 0")

    dtype = mg.backend.dtype_name(_apply(op, mg.tensor(x, dtype="float32"), target).dtype)
    if dtype != "float32":
        raise Failure(f"CrossEntropy.forward turned float32 logits into {dtype}; keep the logits' dtype")

    try:
        mg.gradcheck(lambda logits: op.apply(logits, target), [mg.tensor(x, requires_grad=True)])
    except mg.GradcheckError as e:
        raise Failure(f"CrossEntropy.backward is wrong (it should be g · (softmax(x) - onehot(t)) / N): {e} "
                      f"(input: {context})") from None
    return ("the loss equal to minigrad.nn.functional.cross_entropy, finite at ±1000, float32 kept; "
            "the gradient by gradcheck")
