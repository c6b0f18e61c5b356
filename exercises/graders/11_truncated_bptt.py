"""Grades exercise 11: truncated BPTT over minigrad.models' RNN and LSTM.

The reference is the loop of the exercise run by the grader; a wrong result
is also compared with three slips (no detach, so full BPTT; a state reset
at every chunk; .grad cleared between chunks) and named when it equals one.
"""

import numpy as np

import minigrad as mg
from minigrad import models
from exercises.grade import Failure, call, compare, rng

B, I, H = 2, 3, 4
CASES = (("RNN", 7, 3), ("LSTM", 6, 2))          # (model, T, k): the RNN's last chunk is short


def _detach(state):
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


def _reference(model, x, y, k, slip=None):
    """(losses, {name: grad}) of the truncated loop, or of one of its slips."""
    model.zero_grad()
    state, losses, total = None, [], 0
    for start in range(0, x.shape[0], k):
        output, state = model(x[start:start + k], None if slip == "reset" else state)
        loss = ((output - y[start:start + k]) ** 2).mean()
        losses.append(loss.item())
        if slip == "no detach":
            total = total + loss                    # one backward at the end: full BPTT
            continue
        if slip == "cleared":
            model.zero_grad()
        loss.backward()
        state = _detach(state)
    if slip == "no detach":
        total.backward()
    return losses, {n: p.grad.numpy() for n, p in model.named_parameters()}


SLIPS = {
    "no detach": "full BPTT: the state was never detached, so gradients crossed the chunk boundaries",
    "reset": "chunks that each start from zeros: carry the state from chunk to chunk (detached)",
    "cleared": "the last chunk alone: .grad was cleared between chunks, where the chunks' gradients add up",
}


def check(module):
    """Grade the learner's module.

    Args:
        module: the learner's module (a file loaded by exercises.grade.load).
    Returns:
        a one-line summary of what passed; raises Failure, or NotImplementedYet
        while a function still raises NotImplementedError.
    """
    for name, T, k in CASES:
        mg.manual_seed(0)
        model = getattr(models, name)(I, H, dtype="float64")
        r = rng(T)
        x, y = mg.tensor(r.standard_normal((T, B, I))), mg.tensor(r.standard_normal((T, B, H)))
        context = f"{name}({I}, {H}), T={T}, B={B}, k={k}, seed {T}"
        losses, expected = _reference(model, x, y, k)
        model.zero_grad()
        try:
            got_losses = call(module, "truncated_bptt", model, x, y, k)
        except RuntimeError as e:
            if "second time" not in str(e):
                raise
            raise Failure(f"backward ran into an earlier chunk's graph ({e}) (input: {context})\n  "
                          "detach the state at every chunk boundary") from None
        got = {n: None if p.grad is None else p.grad.numpy() for n, p in model.named_parameters()}
        try:
            compare("the chunk losses", np.asarray(got_losses, dtype=float), np.asarray(losses), context)
            for n, g in expected.items():
                compare(f"{n}.grad", got[n], g, context)
        except Failure as e:
            for slip, what in SLIPS.items():
                slip_losses, slip_grads = _reference(model, x, y, k, slip)
                if all(got[n] is not None and np.allclose(got[n], slip_grads[n], rtol=1e-9, atol=1e-12)
                       for n in slip_grads):
                    raise Failure(f"{e}\n  your gradients are those of {what}") from None
            raise
    return "the chunk losses and every parameter's .grad equal to truncated BPTT, for an RNN and an LSTM"
