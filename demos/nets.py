"""The sequence-to-one network every comparison demo trains: a sequence model
read out at its last step by a linear head.

    x (B, T, I) --core--> features (B, T, H) --last step--> (B, H) --head--> (B, O)

The core is one of
    "rnn"       models.RNN, tanh (Elman)
    "lstm"      models.LSTM at PyTorch's init: forget-gate bias ~ U(±1/√H), near 0
    "lstm-fb1"  the same LSTM with its forget-gate bias set to 1 (Jozefowicz et al., 2015)
    "gru"       models.GRU
    "ssm"       one Mamba block (models.MambaBlock: in_proj, causal conv, S6 scan, gate,
                out_proj) behind a linear input map, with a residual connection and RMSNorm
so that a demo compares them with everything else held equal.
"""

import minigrad as mg
from minigrad import nn
from minigrad.models import GRU, LSTM, RNN
from minigrad.models.mamba import MambaBlock

KINDS = ("rnn", "lstm", "lstm-fb1", "gru", "ssm")
LABELS = {"rnn": "RNN", "lstm": "LSTM, default init", "lstm-fb1": "LSTM, forget bias 1", "gru": "GRU",
          "ssm": "selective SSM"}


class SSMCore(nn.Module):
    """x (B, T, I) -> Linear to H -> h + MambaBlock(RMSNorm(h)) -> (B, T, H): one residual
    block of the Mamba language model (Gu & Dao 2023, Section 3.4) with a linear
    map in place of the token embedding."""

    def __init__(self, input_size, hidden_size, d_state=16):
        super().__init__()
        self.embed = nn.Linear(input_size, hidden_size)
        self.norm = nn.RMSNorm(hidden_size)
        self.mixer = MambaBlock(hidden_size, d_state=d_state)

    def forward(self, x):
        h = self.embed(x)                           # (B, T, H)
        return h + self.mixer(self.norm(h))         # (B, T, H)


class SequenceModel(nn.Module):
    """kind (one of KINDS) over x (B, T, I), a linear head on the last step: forward(x) -> (B, O)."""

    def __init__(self, kind, input_size, hidden_size, output_size):
        super().__init__()
        if kind not in KINDS:
            raise ValueError(f"SequenceModel: kind must be one of {KINDS}, got {kind!r}")
        self.kind = kind
        if kind == "rnn":
            self.core = RNN(input_size, hidden_size, batch_first=True)
        elif kind in ("lstm", "lstm-fb1"):
            self.core = LSTM(input_size, hidden_size, batch_first=True)
        elif kind == "gru":
            self.core = GRU(input_size, hidden_size, batch_first=True)
        else:
            self.core = SSMCore(input_size, hidden_size)
        if kind == "lstm-fb1":
            set_forget_bias(self.core, 1.0)
        self.head = nn.Linear(hidden_size, output_size)

    def features(self, x):
        """x (B, T, I) -> the core's output at every step (B, T, H)."""
        return self.core(x) if self.kind == "ssm" else self.core(x)[0]

    def forward(self, x):
        return self.head(self.features(x)[:, -1])   # (B, O)


def set_forget_bias(lstm, value):
    """Make the forget gate's total bias b_if + b_hf equal `value` in every layer.

    The gate rows are ordered i, f, g, o, so the forget gate is rows H … 2H − 1.
    b_ih carries the value and b_hh is zeroed there, so σ(f) starts near σ(value)."""
    H = lstm.hidden_size
    for name, p in lstm.named_parameters():
        if name.startswith("bias_"):
            b = p.numpy()
            b[H:2 * H] = value if name.startswith("bias_ih") else 0.0
            p._data = mg.tensor(b, dtype=p.dtype, device=p.device)._data

