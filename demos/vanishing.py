"""vanishing — how fast does the gradient fade with distance from the loss?

The source article simulates it: each backward step multiplies the gradient by
an average tanh derivative of 0.6, so after T steps 0.6^T is left — 4e-45 at
T = 200 — and with 0.99 ("what ReLU allows") far less is lost. Here the same
question is put to the real models. Backpropagation through time gives
∂loss/∂x_t for every step t of one sequence; its norm against the distance
T − 1 − t from the loss shows the decay each architecture really has, at
initialisation and after training on the adding problem (trained in float32,
Adam 3e-3, clip 1, as every demo trains). Measured in float64,
whose range (down to ~1e-308) holds what float32 (~1e-45) cannot — the
float32 run at the end, on a longer sequence, shows what happens then.

    python -m demos vanishing [--full] [--seed N]
"""

# %%
from dataclasses import dataclass
from functools import partial

import numpy as np

import minigrad as mg
from demos.common import fmt, legend_below, line, pyplot, save, table
from demos.nets import KINDS, LABELS, SequenceModel
from demos.tasks import adding_problem
from demos.train import fit
from minigrad.nn.functional import mse_loss


@dataclass
class Settings:
    length: int = 200            # T: how far the gradient travels back from the loss
    batch: int = 16              # sequences averaged in each measurement
    hidden: int = 64             # H of every model
    train_steps: int = 600       # Adam steps on the adding problem before the second measurement (0: skip)
    train_length: int = 50       # the adding problem's length while training
    train_batch: int = 32        # sequences per training step
    float32_length: int = 400    # length of the float32 RNN run (long enough to underflow)
    kinds: tuple = KINDS         # which models to measure (see demos/nets.py)


FULL = Settings(train_steps=1500, train_length=100)


# %% [1] The article's simulation: a constant factor per step
def simulated_decay(factor, steps):
    """What is left of a gradient after `steps` multiplications by `factor`."""
    return factor ** steps


# what the article prints for 0.6^T (its code's output, as published)
ARTICLE_PRINTS = {10: 6.05e-03, 30: 2.19e-07, 50: 7.94e-12, 100: 6.30e-23, 200: 3.98e-45}


def simulation_table(lengths=(10, 30, 50, 100, 200)):
    rows = [(T, f"{simulated_decay(0.6, T):.2e}", f"{ARTICLE_PRINTS[T]:.2e}", f"{simulated_decay(0.99, T):.2e}")
            for T in lengths]
    table(("T", "0.6^T", "article prints", "0.99^T"), rows,
          title="The article's simulation: the gradient left at step 0 after T steps")
    off = [T for T in lengths if f"{simulated_decay(0.6, T):.2e}" != f"{ARTICLE_PRINTS[T]:.2e}"]
    if off:
        print(f"(0.6^T computed here differs from the article's printed output at T = {', '.join(map(str, off))}: "
              f"the printed numbers are not what its loop computes, though the order of magnitude is.)")
    return {T: (simulated_decay(0.6, T), simulated_decay(0.99, T)) for T in lengths}


# %% [2] The measurement: ‖∂loss/∂x_t‖ by backpropagation through time
def gradient_by_distance(model, x, rng):
    """‖∂loss/∂x_t‖ for each step t, listed by distance from the loss (index 0 = the last step).

    loss = v · model(x) with a random v: a random direction, not a sum, so no
    output can cancel another. The norm runs over the batch and the features.
    """
    x = mg.tensor(x.numpy(), dtype=x.dtype, device=x.device, requires_grad=True)     # a fresh leaf
    out = model(x)                                                                  # (B, 1)
    v = mg.tensor(rng.standard_normal(out.shape), dtype=out.dtype, device=out.device)
    g = mg.grad((out * v).sum(), x).numpy()                                         # (B, T, I)
    norms = np.sqrt((g.astype(np.float64) ** 2).sum(axis=(0, 2)))                  # (T,)
    return norms[::-1]


def orders_of_magnitude(norms):
    """log10 of last step's gradient over the first step's: how much is lost across the whole sequence."""
    return np.inf if norms[-1] == 0 else float(np.log10(norms[0] / norms[-1]))


# %% [3] Run it
def run(settings=None, seed=0, out="demos/out"):
    s = settings or Settings()
    results = {"simulation": simulation_table()}
    rng = np.random.default_rng(seed)
    x, _ = adding_problem(rng, s.batch, s.length, dtype="float64")        # inputs the models are trained on

    measured = {"init": {}, "trained": {}}
    models = {}
    for kind in s.kinds:
        mg.manual_seed(seed)
        model = SequenceModel(kind, 2, s.hidden, 1)
        models[kind] = model
        measured["init"][kind] = gradient_by_distance(model.to(dtype="float64"), x, np.random.default_rng(seed + 1))

    if s.train_steps:
        print(f"\nTraining each model for {s.train_steps} steps on the adding problem (length {s.train_length}) …")
        for kind, model in models.items():
            batches = partial(adding_problem, np.random.default_rng(seed + 2), s.train_batch, s.train_length)
            history = fit(model.to(dtype="float32"), batches, mse_loss, s.train_steps, desc=LABELS[kind])
            print(f"  {LABELS[kind]:20s} final MSE (mean of last 50 steps) {np.mean(history['loss'][-50:]):.4f}")
            measured["trained"][kind] = gradient_by_distance(model.to(dtype="float64"), x,
                                                             np.random.default_rng(seed + 1))

    distances = [d for d in (0, 10, 30, 50, 100, 150, 199, 299, 399) if d < s.length]
    for stage in [st for st in ("init", "trained") if measured[st]]:
        rows = [(f"{f}^d (article)", *(fmt(simulated_decay(f, d)) for d in distances),
                 fmt(-(s.length - 1) * np.log10(f))) for f in (0.6, 0.99)]
        for kind, norms in measured[stage].items():
            ratio = norms / norms[0]
            rows.append((LABELS[kind], *(fmt(ratio[d]) for d in distances), fmt(orders_of_magnitude(norms))))
        table(("", *(f"d={d}" for d in distances), "orders lost"), rows,
              title=f"‖∂loss/∂x_t‖ relative to the last step, d = distance from the loss, length {s.length}, "
                    f"float64, {'at initialisation' if stage == 'init' else 'after training'} "
                    f"(orders lost: log10 of the ratio across the whole sequence)")
    results["measured"] = measured

    # float32: the same RNN at initialisation, in double and in single precision, on a longer sequence
    if "rnn" in s.kinds:
        x_long, _ = adding_problem(np.random.default_rng(seed), s.batch, s.float32_length, dtype="float64")
        norms = {}
        for dtype in ("float64", "float32"):
            mg.manual_seed(seed)
            rnn = SequenceModel("rnn", 2, s.hidden, 1).to(dtype=dtype)
            norms[dtype] = gradient_by_distance(rnn, x_long.astype(dtype), np.random.default_rng(seed + 1))
        zero = np.flatnonzero(norms["float32"] == 0)
        results["float32_zeros"] = len(zero)
        if len(zero):
            print(f"\nfloat32: the same RNN at initialisation, length {s.float32_length}. ∂loss/∂x_t is exactly 0 "
                  f"at {len(zero)} of {s.float32_length} steps, from distance {zero[0]} on, where float64 measures "
                  f"{fmt(norms['float64'][zero[0]])} down to {fmt(norms['float64'][-1])}. float32 cannot hold a "
                  f"number below ~1.4e-45: there the gradient is not small but nothing, and no update can come "
                  f"from those steps.")
        else:
            print(f"\nfloat32: the same RNN at initialisation, length {s.float32_length}: no gradient underflows "
                  f"to 0 (the smallest is {fmt(float(norms['float32'][-1]))}; float32 reaches down to ~1.4e-45).")

    plt = pyplot()
    if plt is not None:
        stages = [st for st in ("init", "trained") if measured[st]]
        fig, axes = plt.subplots(1, len(stages), figsize=(7 * len(stages), 4.5), sharey=True, squeeze=False)
        d = np.arange(s.length)
        for ax, stage in zip(axes[0], stages):
            for kind, norms in measured[stage].items():
                ax.semilogy(d, norms / norms[0], label=LABELS[kind], **line(KINDS.index(kind), len(d)))
            ax.semilogy(d, 0.6 ** d, color="k", ls="--", lw=1, label="0.6^d (the article's simulation)")
            ax.semilogy(d, 0.99 ** d, color="k", ls=":", lw=1, label="0.99^d (the article's simulation)")
            ax.set_title("at initialisation" if stage == "init" else f"after {s.train_steps} training steps")
            ax.set_xlabel("distance from the loss, d = T − 1 − t (time steps)")
            ax.grid(True, which="major", alpha=0.3)
        axes[0][0].set_ylabel("‖∂loss/∂x_t‖ relative to d = 0 (ratio)")
        axes[0][0].set_ylim(1e-60, 10)
        legend_below(fig, axes[0], columns=4)
        print(f"\nplot: {save(fig, out, 'vanishing')}")
    return results


# %%
if __name__ == "__main__":
    run()
