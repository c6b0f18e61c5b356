"""exploding — the other half of the article's "vanishing and exploding gradients".

Backpropagation through time multiplies the gradient by the recurrent
Jacobian diag(1 − h_t²) W_hh once per step. When W_hh's gain is above 1 and
the units are not saturated, the product grows geometrically with the length.
This demo gives an RNN an orthogonal recurrent matrix scaled by a gain
(every singular value equal to the gain), measures the gradient norm at
initialisation, then trains it with plain SGD twice from the same start:
once as it is, once with clip_grad_norm_ (Pascanu, Mikolov & Bengio 2013,
"On the difficulty of training recurrent neural networks", Section 3.2),
which rescales the whole gradient to length ≤ max_norm and keeps its direction.

    python -m demos exploding [--full] [--seed N]
"""

# %%
from dataclasses import dataclass
from functools import partial

import numpy as np

import minigrad as mg
from demos.common import fmt, legend_below, line, pyplot, save, table
from demos.nets import SequenceModel
from demos.tasks import ADDING_BASELINE, adding_problem
from demos.train import fit
from minigrad.nn import init
from minigrad.nn.functional import mse_loss
from minigrad.optim import SGD


@dataclass
class Settings:
    gains: tuple = (0.5, 1.0, 1.5, 2.0, 3.0)    # recurrent gains measured at initialisation
    lengths: tuple = (20, 50)                   # sequence lengths measured at initialisation
    gain: float = 2.0                           # the gain of the two training runs
    length: int = 20                            # the adding problem's length while training
    steps: int = 300                            # SGD steps per run
    lr: float = 0.05                            # SGD learning rate
    max_norm: float = 1.0                       # clip_grad_norm_'s threshold
    hidden: int = 64
    batch: int = 32


FULL = Settings(gains=(0.5, 1.0, 1.5, 2.0, 3.0, 5.0), lengths=(20, 50, 100), steps=1000)


# %% [1] An RNN whose recurrent matrix has every singular value equal to `gain`
def make_rnn(gain, s, seed):
    mg.manual_seed(seed)
    model = SequenceModel("rnn", 2, s.hidden, 1)
    init.orthogonal_(model.core.weight_hh_l0, gain=gain)
    return model


def gradient_norm_at_init(gain, length, s, seed):
    """‖∂loss/∂θ‖ over all parameters, for one batch of the adding problem."""
    model = make_rnn(gain, s, seed)
    x, y = adding_problem(np.random.default_rng(seed), s.batch, length)
    mse_loss(model(x), y).backward()
    return float(np.sqrt(sum((p.grad.numpy().astype(np.float64) ** 2).sum() for p in model.parameters())))


# %% [2] Train twice from the same start: without and with clipping
def train(clip, s, seed):
    model = make_rnn(s.gain, s, seed)
    batches = partial(adding_problem, np.random.default_rng(seed), s.batch, s.length)
    with np.errstate(all="ignore"):        # the unclipped run overflows on purpose: inf, then nan
        history = fit(model, batches, mse_loss, s.steps, lr=s.lr, clip=clip, optimizer=SGD,
                      desc="clipped" if clip else "unclipped")
    return history


def first_nonfinite(values):
    bad = np.flatnonzero(~np.isfinite(values))
    return int(bad[0]) if len(bad) else None


# %% [3] Run and report
def run(settings=None, seed=0, out="demos/out"):
    s = settings or Settings()
    norms = {(g, T): gradient_norm_at_init(g, T, s, seed) for g in s.gains for T in s.lengths}
    table(("gain", *(f"T={T}" for T in s.lengths)),
          [(g, *(fmt(norms[g, T]) for T in s.lengths)) for g in s.gains],
          title="‖∂loss/∂θ‖ at initialisation: RNN, orthogonal W_hh × gain, adding problem, one batch")

    runs = {"unclipped": train(None, s, seed), "clipped": train(s.max_norm, s, seed)}
    rows = []
    for name, h in runs.items():
        loss, g = np.array(h["loss"]), np.array(h["grad_norm"])
        bad = first_nonfinite(loss)
        finite = loss[np.isfinite(loss)]
        rows.append((name, fmt(g[0]), fmt(np.nanmax(g[np.isfinite(g)])), "—" if bad is None else bad,
                     fmt(float(np.mean(loss[-50:]))), fmt(float(finite.max()))))
    table(("run", "‖g‖ at step 0", "largest finite ‖g‖", "first inf/nan loss", "loss (last 50)", "largest finite loss"),
          rows, title=f"SGD, lr {s.lr}, gain {s.gain}, adding problem T={s.length}, {s.steps} steps "
                      f"(clipped: max_norm {s.max_norm}; baseline MSE {ADDING_BASELINE:.3f})")
    loss, g = np.array(runs["unclipped"]["loss"]), np.array(runs["unclipped"]["grad_norm"])
    bad = first_nonfinite(loss)
    if bad is not None:
        print(f"\nWithout clipping, SGD steps of length lr·‖g‖ (‖g‖ up to {fmt(np.nanmax(g[np.isfinite(g)]))}) throw "
              f"the weights so far that the loss overflows (step {bad}); from there every number is inf or nan "
              f"and the run is lost. With clipping no step moves the weights by more than lr·max_norm = "
              f"{s.lr * s.max_norm:g}, and the loss stays finite.")
    else:
        print("\nThe unclipped run stayed finite at these settings.")

    plt = pyplot()
    if plt is not None:
        fig, axes = plt.subplots(1, 2, figsize=(14, 4.5))
        for i, (name, h) in enumerate(runs.items()):
            axes[0].semilogy(h["grad_norm"], label=name, lw=1.4, **line(i, len(h["grad_norm"])))
            axes[1].semilogy(h["loss"], label=name, lw=1.4, **line(i, len(h["loss"])))
        axes[0].axhline(s.max_norm, color="k", ls=":", lw=1, label=f"max_norm = {s.max_norm} (the clipping threshold)")
        axes[0].set_title("gradient norm, before clipping")
        axes[0].set_ylabel("‖∂loss/∂θ‖ (L2 norm, log scale)")
        axes[1].axhline(ADDING_BASELINE, color="k", ls="--", lw=1, label="predict the mean (MSE 1/6)")
        axes[1].set_title("training loss (gaps: the loss is inf or nan)")
        axes[1].set_ylabel("training loss, MSE (log scale)")
        for ax in axes:
            ax.set_xlabel("SGD step (updates)")
            ax.grid(True, alpha=0.3)
        legend_below(fig, axes, columns=4)
        print(f"\nplot: {save(fig, out, 'exploding')}")
    return {"norms_at_init": norms, "runs": runs}


# %%
if __name__ == "__main__":
    run()
