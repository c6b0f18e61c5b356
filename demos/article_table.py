"""article-table — the source article's RNN / LSTM / GRU table, run as the article runs it.

The article trains each model for 300 steps on x ~ N(0, 1) of shape
(16, T, 16) with labels drawn at random, afresh every step (hidden 64,
AdamW lr 1e-3 with PyTorch's default weight decay 0.01, clip 1.0), prints
the last step's loss, and reads its table as "at longer sequences vanilla
RNN degrades while LSTM and GRU hold up".

But the labels do not depend on the inputs. No model can do better than
predicting 1/2 for each class, whose cross-entropy is ln 2 ≈ 0.693 — and the
last step's loss on 16 fresh random labels is a noisy sample around that
floor, whichever model produced it. Run the same setting here and every model
sits at ln 2; the spread between rows is the noise of one batch.

The same three models, with the same budget, on a task that has something to
learn (demos/tasks.py first_token: the label is the first token of the
sequence) do separate: that is a measurement of memory.

    python -m demos article-table [--full] [--seed N]
"""

# %%
import math
from dataclasses import dataclass
from functools import partial

import numpy as np

import minigrad as mg
from demos.common import line, pyplot, save, table
from demos.nets import LABELS, SequenceModel
from demos.tasks import first_token, random_labels
from demos.train import fit
from minigrad.nn.functional import cross_entropy
from minigrad.optim import AdamW

# the article's printed numbers: final loss at seq_len 20 and 100
ARTICLE = {"rnn": (0.6419, 0.7012), "lstm": (0.6021, 0.6398), "gru": (0.6108, 0.6431)}


@dataclass
class Settings:
    lengths: tuple = (20, 100)      # the article's two sequence lengths
    steps: int = 300                # the article's 300 steps
    batch: int = 16                 # the article's batch of 16
    input_size: int = 16            # the article's 16 input features
    hidden: int = 64                # the article's hidden 64
    real_task_lengths: tuple = (20,)   # lengths of the learnable first-token task (empty: skip it)
    repeats: int = 1                # runs per cell, different seeds (the article ran 1)


FULL = Settings(repeats=3, real_task_lengths=(20, 100))


# %% [1] The article's setting: random inputs, random labels, AdamW, clip 1.0
def article_run(kind, length, s, seed):
    mg.manual_seed(seed)
    model = SequenceModel(kind, s.input_size, s.hidden, 2)
    batches = partial(random_labels, np.random.default_rng(seed), s.batch, length, s.input_size)
    history = fit(model, batches, cross_entropy, s.steps, lr=1e-3, clip=1.0,
                  optimizer=AdamW, desc=f"{LABELS[kind]} T={length}")
    return history["loss"]


# %% [2] The real task: the label is the first token (one-hot inputs, vocabulary 8)
def real_run(kind, length, s, seed):
    mg.manual_seed(seed)
    model = SequenceModel(kind, 8, s.hidden, 2)
    batches = partial(first_token, np.random.default_rng(seed), s.batch, length)
    history = fit(model, batches, cross_entropy, s.steps, lr=1e-3, clip=1.0,
                  optimizer=AdamW, desc=f"{LABELS[kind]} first token T={length}")
    x, y = first_token(np.random.default_rng(seed + 10_000), 512, length)        # a held-out batch
    with mg.no_grad():
        accuracy = float((model(x).numpy().argmax(-1) == y.numpy()).mean())
    return history["loss"], accuracy


# %% [3] Run and compare
def run(settings=None, seed=0, out="demos/out"):
    s = settings or Settings()
    kinds = ("rnn", "lstm", "gru")
    curves, every_run, rows = {}, [], []
    for kind in kinds:
        for length in s.lengths:
            runs = [article_run(kind, length, s, seed + r) for r in range(s.repeats)]
            curves[kind, length] = runs[0]                  # plotted
            every_run += runs
            last = [r[-1] for r in runs]
            tail = [float(np.mean(r[-50:])) for r in runs]
            published = ARTICLE[kind][(20, 100).index(length)] if length in (20, 100) else None
            rows.append((LABELS[kind], length, "" if published is None else f"{published:.4f}",
                         " ".join(f"{v:.4f}" for v in last), " ".join(f"{v:.4f}" for v in tail)))
    table(("model", "T", "article", "ours: last step", "ours: mean of last 50"), rows,
          title=f"The article's table, rerun: random labels, {s.steps} steps, batch {s.batch} "
                f"({s.repeats} seed{'s' if s.repeats > 1 else ''} from {seed})")
    last50 = [float(np.mean(c[-50:])) for c in every_run]
    print(f"\nln 2 = {math.log(2):.4f}. With labels independent of the inputs, predicting 1/2 for both classes "
          f"is the best any model can do, and its cross-entropy is ln 2. Every run here averages "
          f"{min(last50):.3f}–{max(last50):.3f} over its last 50 steps: there is nothing else to learn. "
          f"The last step's loss is one batch of {s.batch} fresh random labels, so it "
          f"scatters around ln 2 by ±{np.std([c[-1] for c in every_run]):.3f} here — the article's "
          f"differences between rows are that noise, not memory.")

    results = {"article": {k: v[-1] for k, v in curves.items()}, "article_last50": last50}
    if s.real_task_lengths:
        real_rows, results["real"] = [], {}
        for kind in kinds:
            for length in s.real_task_lengths:
                losses, accuracy = real_run(kind, length, s, seed)
                results["real"][kind, length] = (float(np.mean(losses[-50:])), accuracy)
                real_rows.append((LABELS[kind], length, f"{np.mean(losses[-50:]):.4f}", f"{accuracy:.3f}"))
        table(("model", "T", "loss, mean of last 50", "held-out accuracy"), real_rows,
              title=f"The same models and budget on a task with something to learn: the label is the first token "
                    f"(chance: loss {math.log(2):.3f}, accuracy 0.5)")

    plt = pyplot()
    if plt is not None:
        fig, ax = plt.subplots(figsize=(8, 4.5))
        window = 25
        for i, ((kind, length), c) in enumerate(curves.items()):
            smooth = np.convolve(c, np.ones(window) / window, mode="valid")
            ax.plot(np.arange(len(smooth)) + window - 1, smooth, label=f"{LABELS[kind]}, T={length}",
                    **line(i, len(smooth)))
        ax.axhline(math.log(2), color="k", ls="--", lw=1.2, label="ln 2 (predicting 1/2)")
        ax.set_xlabel("training step (AdamW updates)")
        ax.set_ylabel(f"cross-entropy (nats)\nrunning mean of {window} steps")
        ax.set_title("The article's setting: random labels — every model at ln 2")
        ax.grid(True, alpha=0.3)
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), borderaxespad=0, frameon=False)
        print(f"\nplot: {save(fig, out, 'article_table')}")
    return results


# %%
if __name__ == "__main__":
    run()
