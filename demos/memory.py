"""memory — can gating carry information across a long sequence when plain recurrence can't?

Two tasks whose answer sits far from where it is asked for:

  The adding problem (Le, Jaitly & Hinton 2015; Bai et al. 2018). Each step
  carries a value in [0, 1] and a marker; one marker falls in each half of
  the sequence, and the target at the end is the sum of the two marked
  values. Always answering the mean, 1, scores MSE 1/6 ≈ 0.167 — a model
  must get below that line to have remembered anything.

  The article's "I grew up in France, so I speak fluent ___", made
  synthetic: the label is the first token; everything after it is filler.
  Chance is accuracy 0.5 and cross-entropy ln 2.

Every model has the same budget: hidden 64, batch 32, Adam at 3e-3, gradient
norm clipped to 1, the same number of steps, the same data.

    python -m demos memory [--full] [--seed N]
"""

# %%
import math
from dataclasses import dataclass
from functools import partial

import numpy as np

import minigrad as mg
from demos.common import fmt, legend_under, line, pyplot, save, table
from demos.nets import LABELS, SequenceModel
from demos.tasks import ADDING_BASELINE, adding_problem, first_token
from demos.train import fit
from minigrad.nn.functional import cross_entropy, mse_loss

# Bai, Kolter & Koltun (2018), "An Empirical Evaluation of Generic Convolutional and
# Recurrent Networks for Sequence Modeling", Table 1: adding problem at length 600, test MSE
BAI_2018_T600 = {"gru": 5.3e-5, "lstm": 0.164, "rnn": 0.177}


@dataclass
class Settings:
    adding_lengths: tuple = (50,)                    # T of the adding problem
    adding_kinds: tuple = ("rnn", "gru")             # models on the adding problem (see demos/nets.py)
    adding_steps: int = 600                          # Adam steps per model
    first_token_lengths: tuple = (20,)               # T of the first-token task (empty: skip it)
    first_token_kinds: tuple = ("lstm", "lstm-fb1")  # models on the first-token task
    first_token_steps: int = 400
    hidden: int = 64
    batch: int = 32


FULL = Settings(adding_lengths=(50, 100), adding_kinds=("rnn", "lstm", "lstm-fb1", "gru", "ssm"), adding_steps=1500,
                first_token_lengths=(20, 100), first_token_kinds=("rnn", "lstm", "lstm-fb1", "gru", "ssm"),
                first_token_steps=1000)


# %% [1] The adding problem: regression from the last step, MSE against the 1/6 baseline
def train_adding(kind, length, s, seed):
    mg.manual_seed(seed)
    model = SequenceModel(kind, 2, s.hidden, 1)
    history = fit(model, partial(adding_problem, np.random.default_rng(seed), s.batch, length),
                  mse_loss, s.adding_steps, desc=f"adding {LABELS[kind]} T={length}")
    x, y = adding_problem(np.random.default_rng(seed + 10_000), 1000, length)      # held-out
    with mg.no_grad():
        test_mse = mse_loss(model(x), y).item()
    return history["loss"], test_mse


# %% [2] The first-token task: classification from the last step
def train_first_token(kind, length, s, seed):
    mg.manual_seed(seed)
    model = SequenceModel(kind, 8, s.hidden, 2)
    history = fit(model, partial(first_token, np.random.default_rng(seed), s.batch, length),
                  cross_entropy, s.first_token_steps, desc=f"first token {LABELS[kind]} T={length}")
    x, y = first_token(np.random.default_rng(seed + 10_000), 1000, length)          # held-out
    with mg.no_grad():
        accuracy = float((model(x).numpy().argmax(-1) == y.numpy()).mean())
    return history["loss"], accuracy


def first_step_below(curve, level, window=25):
    """The first step at which the running mean of the loss is below `level` (None if never)."""
    smooth = np.convolve(curve, np.ones(window) / window, mode="valid")
    below = np.flatnonzero(smooth < level)
    return int(below[0]) + window - 1 if len(below) else None


# %% [3] Run both and report
def run(settings=None, seed=0, out="demos/out"):
    s = settings or Settings()
    results = {"adding": {}, "first_token": {}}
    rows = []
    for length in s.adding_lengths:
        for kind in s.adding_kinds:
            curve, test_mse = train_adding(kind, length, s, seed)
            results["adding"][kind, length] = (curve, test_mse)
            solved = first_step_below(curve, 0.05)
            published = fmt(BAI_2018_T600[kind]) if kind in BAI_2018_T600 else ""
            rows.append((LABELS[kind], length, fmt(float(np.mean(curve[-50:]))), fmt(test_mse),
                         "never" if solved is None else solved, published))
    table(("model", "T", "train MSE (last 50)", "held-out MSE", "step MSE < 0.05", "Bai et al. T=600"), rows,
          title=f"The adding problem, {s.adding_steps} steps (baseline: predict the mean, MSE 1/6 = "
                f"{ADDING_BASELINE:.3f}; Bai et al. 2018 at length 600, for scale)")

    if s.first_token_lengths:
        rows = []
        for length in s.first_token_lengths:
            for kind in s.first_token_kinds:
                curve, accuracy = train_first_token(kind, length, s, seed)
                results["first_token"][kind, length] = (curve, accuracy)
                rows.append((LABELS[kind], length, fmt(float(np.mean(curve[-50:]))), f"{accuracy:.3f}"))
        table(("model", "T", "train loss (last 50)", "held-out accuracy"), rows,
              title=f"'I grew up in France … I speak fluent ___': the label is the first token, {s.first_token_steps} "
                    f"steps (chance: loss ln 2 = {math.log(2):.3f}, accuracy 0.5)")

    plt = pyplot()
    if plt is not None:
        panels = 2 if s.first_token_lengths else 1
        fig, axes = plt.subplots(1, panels, figsize=(7 * panels, 4.5), squeeze=False)
        window = 25
        ax = axes[0][0]
        for i, ((kind, length), (curve, _)) in enumerate(results["adding"].items()):
            smooth = np.convolve(curve, np.ones(window) / window, mode="valid")
            ax.semilogy(np.arange(len(smooth)) + window - 1, smooth, label=f"{LABELS[kind]}, T={length}",
                        **line(i, len(smooth)))
        ax.axhline(ADDING_BASELINE, color="k", ls="--", lw=1, label="predict the mean (MSE 1/6)")
        ax.set_title("adding problem")
        ax.set_xlabel("training step (Adam updates)")
        ax.set_ylabel(f"MSE (running mean of {window} steps, log scale)")
        ax.grid(True, alpha=0.3)
        legend_under(ax)
        if s.first_token_lengths:
            ax = axes[0][1]
            for i, ((kind, length), (curve, _)) in enumerate(results["first_token"].items()):
                smooth = np.convolve(curve, np.ones(window) / window, mode="valid")
                ax.plot(np.arange(len(smooth)) + window - 1, smooth, label=f"{LABELS[kind]}, T={length}",
                        **line(i, len(smooth)))
            ax.axhline(math.log(2), color="k", ls="--", lw=1, label="chance (ln 2 nats)")
            ax.set_title("first-token task")
            ax.set_xlabel("training step (Adam updates)")
            ax.set_ylabel(f"cross-entropy (nats, running mean of {window} steps)")
            ax.grid(True, alpha=0.3)
            legend_under(ax)
        print(f"\nplot: {save(fig, out, 'memory')}")
    return results


# %%
if __name__ == "__main__":
    run()
