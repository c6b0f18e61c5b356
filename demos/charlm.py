"""charlm — a character-level language model: LSTM, GRU and a small Mamba, side by side.

The text is real English that ships with Python: the docstrings of a fixed
list of standard-library modules, their classes and functions (no download;
the exact text depends on the Python version, which the demo prints). Each
model reads characters and predicts the next one, trained with
cross-entropy on every position of random 64-character windows; the
last tenth of the text is held out for validation.

The three models have about the same number of parameters:
    LSTM / GRU   Embedding(V, 32) → one layer, hidden 64 → Linear(64, V)
    Mamba        Embedding(V, 64) → one residual Mamba block (d_state 8) → RMSNorm → tied head

Samples are drawn one character at a time from softmax(logits / τ): low
temperatures τ pick the likeliest characters (repetitive), high ones take
risks (inventive, then garbled). The recurrent models carry their state from
character to character; Mamba carries its fixed-size (conv, SSM) state via step().

    python -m demos charlm [--full] [--seed N]
"""

# %%
import importlib
import inspect
import math
import sys
import warnings
from dataclasses import dataclass
from functools import partial

import numpy as np

import minigrad as mg
from demos.common import fmt, line, pyplot, save, table
from demos.train import fit
from minigrad import nn
from minigrad.nn.functional import cross_entropy
from minigrad.models import GRU, LSTM
from minigrad.models.mamba import Mamba, MambaConfig

MODULES = ("abc", "argparse", "bisect", "calendar", "collections", "contextlib", "copy", "csv", "dataclasses",
           "datetime", "decimal", "difflib", "enum", "fractions", "functools", "heapq", "inspect", "itertools",
           "json", "logging", "numbers", "operator", "os", "pathlib", "pprint", "random", "re", "shutil",
           "statistics", "string", "subprocess", "tempfile", "textwrap", "threading", "typing", "unittest")


@dataclass
class Settings:
    kinds: tuple = ("lstm", "gru", "mamba")
    steps: int = 300                  # Adam steps per model
    batch: int = 32                   # windows per step
    window: int = 64                  # characters per window (BPTT length)
    hidden: int = 64                  # recurrent hidden size; Mamba's d_model
    lr: float = 3e-3
    temperatures: tuple = (0.5, 0.8, 1.0)
    sample_length: int = 160
    prompt: str = "Return the "


FULL = Settings(steps=3000, window=128)


# %% [1] The text: docstrings of the standard library
def docstring_corpus():
    """Module, class, function and method docstrings of MODULES, in a fixed order, once each, ASCII only."""
    seen, texts = set(), []

    def add(obj):
        doc = inspect.getdoc(obj) if obj is not None else None
        if doc and doc not in seen and doc.isascii():
            seen.add(doc)
            texts.append(doc)

    with warnings.catch_warnings():             # reading typing.io's docstring warns that it is deprecated
        warnings.simplefilter("ignore", DeprecationWarning)
        for name in MODULES:
            module = importlib.import_module(name)
            add(module)
            for attr, obj in sorted(vars(module).items()):
                if attr.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                    continue
                add(obj)
                if inspect.isclass(obj):
                    for member_name, member in sorted(vars(obj).items()):
                        if not member_name.startswith("_") and callable(member):
                            add(member)
    return "\n\n".join(texts)


# %% [2] The models: next-character logits (B, T, V) from characters (B, T)
class CharRNN(nn.Module):
    def __init__(self, kind, vocab, embed, hidden):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed)
        self.core = (LSTM if kind == "lstm" else GRU)(embed, hidden, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, tokens, state=None):
        """tokens (B, T) -> logits (B, T, V), and the state to continue from."""
        out, state = self.core(self.embed(tokens), state)         # (B, T, H)
        return self.head(out), state


def make_model(kind, vocab, s):
    if kind == "mamba":
        return Mamba(MambaConfig(vocab_size=vocab, d_model=s.hidden, n_layers=1, d_state=8))
    return CharRNN(kind, vocab, 32, s.hidden)


def next_char_loss(output, targets):
    """Cross-entropy of every position: logits (B, T, V) — or CharRNN's (logits, state) — and targets (B, T)."""
    logits = output[0] if isinstance(output, tuple) else output
    B, T, V = logits.shape
    return cross_entropy(logits.reshape(B * T, V), targets.reshape(B * T))


# %% [3] Sampling, one character at a time, carrying the state
def step(model, token, state):
    """One character in; the next character's logits (1, V) and the new state out."""
    if isinstance(model, Mamba):
        return model.step(mg.tensor([token]), state)          # fixed-size (conv, SSM) state per block
    logits, state = model(mg.tensor([[token]]), state)        # the LSTM's (h, c) or the GRU's h
    return logits[:, -1], state


def sample(model, stoi, itos, s, temperature, rng):
    """The prompt, then s.sample_length characters drawn from softmax(logits / temperature)."""
    with mg.no_grad():
        state = model.initial_state(1) if isinstance(model, Mamba) else None
        for c in s.prompt:
            logits, state = step(model, stoi[c], state)
        text = []
        for _ in range(s.sample_length):
            z = logits.numpy()[0].astype(np.float64) / temperature
            p = np.exp(z - z.max())
            token = int(rng.choice(len(p), p=p / p.sum()))
            text.append(itos[token])
            logits, state = step(model, token, state)
    return s.prompt + "".join(text)


# %% [4] Train all three on the same windows; report validation loss and samples
def run(settings=None, seed=0, out="demos/out"):
    s = settings or Settings()
    text = docstring_corpus()
    chars = sorted(set(text))
    stoi, itos = {c: i for i, c in enumerate(chars)}, chars
    data = np.array([stoi[c] for c in text])
    split = int(0.9 * len(data))
    train_data, val_data = data[:split], data[split:]
    print(f"text: {len(text):,} characters of docstrings from {len(MODULES)} standard-library modules "
          f"(Python {sys.version.split()[0]}), {len(chars)} distinct; {len(val_data):,} held out")

    def windows(source, rng, batch):
        starts = rng.integers(0, len(source) - s.window - 1, size=batch)
        w = np.stack([source[i:i + s.window + 1] for i in starts])             # (B, T + 1)
        return mg.tensor(w[:, :-1]), mg.tensor(w[:, 1:])

    results, rows = {}, []
    for kind in s.kinds:
        mg.manual_seed(seed)
        model = make_model(kind, len(chars), s)
        rng = np.random.default_rng(seed)
        history = fit(model, partial(windows, train_data, rng, s.batch), next_char_loss, s.steps, lr=s.lr, desc=kind)
        val_rng = np.random.default_rng(seed + 1)
        with mg.no_grad():
            val = float(np.mean([next_char_loss(model(x), y).item()
                                 for x, y in (windows(val_data, val_rng, 64) for _ in range(4))]))
        results[kind] = {"loss": history["loss"], "val": val, "model": model}
        rows.append((kind, f"{model.num_parameters():,}", fmt(float(np.mean(history["loss"][-20:]))),
                     fmt(val), fmt(val / math.log(2))))
    table(("model", "parameters", "train loss (last 20)", "validation loss (nats/char)", "bits/char"), rows,
          title=f"Character-level language models, {s.steps} steps of {s.batch} × {s.window} characters "
                f"(uniform guessing: ln {len(chars)} = {math.log(len(chars)):.2f} nats/char)")

    sample_rng = np.random.default_rng(seed + 2)
    for kind in s.kinds:
        print(f"\n{kind} samples:")
        for temperature in s.temperatures:
            text = sample(results[kind]["model"], stoi, itos, s, temperature, sample_rng)
            print(f"  τ = {temperature}: {text.replace(chr(10), '↵')}")             # ↵ marks a newline

    plt = pyplot()
    if plt is not None:
        fig, ax = plt.subplots(figsize=(8, 4.5))
        window = 10
        for i, kind in enumerate(s.kinds):
            c = np.convolve(results[kind]["loss"], np.ones(window) / window, mode="valid")
            ax.plot(np.arange(len(c)) + window - 1, c, label=f"{kind} (validation {results[kind]['val']:.2f})",
                    **line(i, len(c)))
        ax.axhline(math.log(len(chars)), color="k", ls="--", lw=1, label=f"uniform guessing (ln {len(chars)})")
        ax.set_xlabel("training step (Adam updates)")
        ax.set_ylabel(f"train loss (nats/char)\nrunning mean of {window} steps")
        ax.set_title("character-level language models on Python's docstrings")
        ax.grid(True, alpha=0.3)
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), borderaxespad=0, frameon=False)
        print(f"\nplot: {save(fig, out, 'charlm')}")
    return results


# %%
if __name__ == "__main__":
    run()
