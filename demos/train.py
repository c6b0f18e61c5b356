"""The one training loop the demos share: Adam, optional gradient clipping,
and a record of the loss and the gradient norm at every step."""

import math

from minigrad.data import progress
from minigrad.nn.utils import clip_grad_norm_
from minigrad.optim import Adam


def fit(model, make_batch, loss_fn, steps, lr=3e-3, clip=1.0, optimizer=Adam, desc="training"):
    """Train `model` for `steps` optimizer steps, each on a fresh batch.

    Args:
        make_batch: () -> (x, y), a new batch each call.
        loss_fn: (model(x), y) -> scalar loss.
        clip: the max_norm of clip_grad_norm_, or None for no clipping (the norm is still measured).
        optimizer: the optimizer class, called as optimizer(parameters, lr=lr).
    Returns:
        {"loss": [one float per step], "grad_norm": [the norm before clipping, per step]}
    """
    opt = optimizer(list(model.parameters()), lr=lr)
    history = {"loss": [], "grad_norm": []}
    bar = progress(range(steps), desc=desc, leave=False)     # a bar on a terminal, silent elsewhere
    for step in bar:
        x, y = make_batch()
        loss = loss_fn(model(x), y)
        opt.zero_grad()
        loss.backward()
        norm = clip_grad_norm_(model.parameters(), clip if clip is not None else math.inf)
        opt.step()
        history["loss"].append(loss.item())
        history["grad_norm"].append(float(norm))
        if step % 20 == 0:
            bar.set_postfix(loss=f"{history['loss'][-1]:.4f}")
    return history
