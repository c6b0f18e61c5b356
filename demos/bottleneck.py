"""bottleneck — one fixed vector between encoder and decoder, against attention.

The source article: "in sequence-to-sequence models, the entire input is
compressed into a single fixed-size context vector before being handed to
the decoder … The longer the source, the more gets dropped", and attention
(Bahdanau et al. 2015) "let the decoder look back at all the encoder hidden
states rather than only the final one".

Both models here are the same GRU encoder–decoder (Cho et al. 2014), trained
to copy a random sequence of symbols. They differ in one line: the context
the decoder reads at every step is

    fixed vector   c_t = h_S, the encoder's last state, the same at every step
    attention      c_t = Σ_j α_tj h_j, with α_t from AdditiveAttention (models/attention.py)

Both train on lengths drawn from a range, and are scored by greedy decoding
(each output fed back as the next input) on held-out sequences, per length.

    python -m demos bottleneck [--full] [--seed N]
"""

# %%
from dataclasses import dataclass

import numpy as np

import minigrad as mg
from demos.common import line, pyplot, save, table
from demos.train import fit
from minigrad import nn
from minigrad.nn.functional import cross_entropy
from minigrad.models import GRU, GRUCell
from minigrad.models.attention import AdditiveAttention

START = 0       # the decoder's first input; the symbols are 1 … vocab


@dataclass
class Settings:
    task: str = "copy"               # "copy" or "reverse" (reverse is easier without attention: last in, first out)
    vocab: int = 8                   # symbols 1 … vocab
    min_length: int = 4              # training lengths are drawn from [min_length, max_length]
    max_length: int = 12
    eval_lengths: tuple = (4, 8, 12)
    embed: int = 32                  # E
    hidden: int = 64                 # H of encoder, decoder and attention
    steps: int = 800                 # Adam steps per model
    batch: int = 32


FULL = Settings(max_length=30, eval_lengths=(5, 10, 15, 20, 25, 30), steps=3000)


# %% [1] The task: a random sequence, to be written back (or backwards)
def make_batch(rng, s, length, batch):
    """src (B, S) symbols; decoder inputs (B, S) = START then the targets shifted right; targets (B, S)."""
    src = rng.integers(1, s.vocab + 1, size=(batch, length))
    tgt = src if s.task == "copy" else src[:, ::-1]
    tgt_in = np.concatenate([np.full((batch, 1), START), tgt[:, :-1]], axis=1)
    return mg.tensor(src), mg.tensor(tgt_in), mg.tensor(np.ascontiguousarray(tgt))


# %% [2] The model: GRU encoder, GRU decoder reading a context at every step
class Seq2Seq(nn.Module):
    """Encoder–decoder. With attention=False the context is the encoder's final
    state at every step (the fixed vector); with attention=True it is the
    additive-attention average of all encoder states, recomputed each step
    from the decoder's previous state (Bahdanau et al. 2015, eq. 5–6)."""

    def __init__(self, vocab, embed, hidden, attention):
        super().__init__()
        self.embed = nn.Embedding(vocab + 1, embed)                 # + 1 for START
        self.encoder = GRU(embed, hidden, batch_first=True)
        self.decoder = GRUCell(embed + hidden, hidden)              # input: [previous symbol, context]
        self.attention = AdditiveAttention(hidden, hidden, hidden) if attention else None
        self.out = nn.Linear(2 * hidden, vocab + 1)                 # logits from [h_t, context]

    def encode(self, src):
        """src (B, S) -> encoder states (B, S, H), their projection for attention, decoder's h_0 (B, H)."""
        states, h_n = self.encoder(self.embed(src))                 # (B, S, H), (1, B, H)
        keys = self.attention.project_keys(states) if self.attention is not None else None
        return states, keys, h_n[0]

    def step(self, token, h, states, keys):
        """One decoder step: previous symbols (B,), state (B, H) -> logits (B, vocab + 1), new state."""
        if self.attention is not None:
            context, _ = self.attention(h, states, keys)            # (B, H): looks at every encoder state
        else:
            context = states[:, -1]                                 # (B, H): the one fixed vector
        h = self.decoder(mg.cat([self.embed(token), context], axis=-1), h)
        return self.out(mg.cat([h, context], axis=-1)), h

    def forward(self, batch):
        """Teacher forcing: batch = (src, tgt_in) -> logits (B, vocab + 1, S) for cross_entropy."""
        src, tgt_in = batch
        states, keys, h = self.encode(src)
        logits = []
        for t in range(tgt_in.shape[1]):
            y, h = self.step(tgt_in[:, t], h, states, keys)
            logits.append(y)
        return mg.stack(logits, axis=2)                            # (B, vocab + 1, S): classes on axis 1

    def greedy(self, src):
        """Decode without teacher forcing: each prediction is the next input. (B, S) -> (B, S)."""
        with mg.no_grad():
            states, keys, h = self.encode(src)
            token = mg.zeros(src.shape[0], dtype="int64")
            out = []
            for _ in range(src.shape[1]):
                y, h = self.step(token, h, states, keys)
                token = mg.tensor(y.numpy().argmax(-1))
                out.append(token.numpy())
        return np.stack(out, axis=1)


# %% [3] Train both, score both per length
def train(attention, s, seed):
    mg.manual_seed(seed)
    model = Seq2Seq(s.vocab, s.embed, s.hidden, attention)
    rng = np.random.default_rng(seed)

    def batches():                       # one length per batch, drawn afresh each step
        src, tgt_in, tgt = make_batch(rng, s, int(rng.integers(s.min_length, s.max_length + 1)), s.batch)
        return (src, tgt_in), tgt

    history = fit(model, batches, cross_entropy, s.steps, desc="attention" if attention else "fixed vector")
    return model, history


def accuracy(model, s, length, seed, n=500):
    """Fraction of symbols right, and of whole sequences right, by greedy decoding."""
    src, _, tgt = make_batch(np.random.default_rng(seed + 10_000 + length), s, length, n)
    correct = model.greedy(src) == tgt.numpy()
    return float(correct.mean()), float(correct.all(axis=1).mean())


def run(settings=None, seed=0, out="demos/out"):
    s = settings or Settings()
    results = {}
    for attention in (False, True):
        name = "attention" if attention else "fixed vector"
        model, history = train(attention, s, seed)
        results[name] = {L: accuracy(model, s, L, seed) for L in s.eval_lengths}
        results[name]["loss"] = history["loss"]
    rows = []
    for L in s.eval_lengths:
        (a, sa), (b, sb) = results["fixed vector"][L], results["attention"][L]
        rows.append((L, f"{a:.3f}", f"{sa:.3f}", f"{b:.3f}", f"{sb:.3f}"))
    table(("length", "fixed: symbols", "fixed: sequences", "attention: symbols", "attention: sequences"), rows,
          title=f"{s.task.capitalize()} task, greedy decoding, {s.steps} steps trained on lengths "
                f"{s.min_length}–{s.max_length} (chance per symbol 1/{s.vocab} = {1 / s.vocab:.3f})")

    plt = pyplot()
    if plt is not None:
        fig, ax = plt.subplots(figsize=(8, 4.5))
        for i, name in enumerate(("fixed vector", "attention")):
            ax.plot(s.eval_lengths, [results[name][L][0] for L in s.eval_lengths], label=name, **line(i))
        ax.axhline(1 / s.vocab, color="k", ls="--", lw=1, label=f"chance (1/{s.vocab})")
        ax.set_xlabel("sequence length (symbols to copy)")
        ax.set_ylabel("symbols right, greedy decoding (fraction)")
        ax.set_ylim(0, 1.05)
        ax.grid(True, alpha=0.3)
        ax.set_title(f"{s.task}: one fixed vector against attention")
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), borderaxespad=0, frameon=False)
        print(f"\nplot: {save(fig, out, 'bottleneck')}")
    return results


# %%
if __name__ == "__main__":
    run()
