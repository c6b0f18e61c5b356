"""forward — the source article's code examples, on minigrad, with the same shapes.

The article writes a SimpleRNN, an LSTM cell, a GRU cell and a selective SSM
sketch in PyTorch. Each is rewritten here line for line with minigrad, run on
the article's shapes, and set beside the library's own model (models/) given
the same weights: where the two compute the same function their outputs
agree to rounding, and where they do not, the demo says why.

    python -m demos forward [--seed N]
"""

# %%
from dataclasses import dataclass

import numpy as np

import minigrad as mg
from demos.common import table
from minigrad import nn
from minigrad.nn.functional import cross_entropy
from minigrad.models import RNN, GRUCell, LSTMCell
from minigrad.models.mamba import SelectiveSSM


@dataclass
class Settings:
    batch: int = 4          # the article's batch of 4
    length: int = 20        # the article's seq_len 20 (100 for the SSM)
    embed: int = 128        # the article's input_dim 128
    hidden: int = 256       # the article's hidden_dim 256


FULL = Settings()           # the article's shapes are the whole point: --full changes nothing


# %% [1] The article's SimpleRNN: h = tanh(W_x x_t + W_h h + b), written with minigrad
class SimpleRNN(nn.Module):
    def __init__(self, input_dim, hidden_dim):
        super().__init__()
        self.W_x = nn.Linear(input_dim, hidden_dim, bias=False)     # weights applied to the current input
        self.W_h = nn.Linear(hidden_dim, hidden_dim, bias=False)    # weights applied to the previous state
        self.bias = nn.Parameter(mg.zeros(hidden_dim))

    def forward(self, x):
        B, T, _ = x.shape
        h = mg.zeros(B, self.W_h.out_features)                       # (B, H) initial state
        outputs = []
        for t in range(T):
            h = mg.tanh(self.W_x(x[:, t, :]) + self.W_h(h) + self.bias)
            outputs.append(h)
        return mg.stack(outputs, axis=1)                             # (B, T, H)


# %% [2] The article's LSTM cell: one Linear over [x_t, h] gives all four gates
class ArticleLSTMCell(nn.Module):
    def __init__(self, input_dim, hidden_dim):
        super().__init__()
        self.gates = nn.Linear(input_dim + hidden_dim, 4 * hidden_dim)

    def forward(self, x_t, h_prev, c_prev):
        all_gates = self.gates(mg.cat([x_t, h_prev], axis=1))        # (B, 4H)
        i, f, g, o = all_gates.chunk(4, axis=1)
        i, f, g, o = mg.sigmoid(i), mg.sigmoid(f), mg.tanh(g), mg.sigmoid(o)
        c_t = f * c_prev + i * g                                     # the additive cell path
        return o * mg.tanh(c_t), c_t


# %% [3] The article's GRU cell: the reset gate scales h *before* the candidate's matrix
class ArticleGRUCell(nn.Module):
    def __init__(self, input_dim, hidden_dim):
        super().__init__()
        self.W_r = nn.Linear(input_dim + hidden_dim, hidden_dim)
        self.W_z = nn.Linear(input_dim + hidden_dim, hidden_dim)
        self.W_n = nn.Linear(input_dim + hidden_dim, hidden_dim)

    def forward(self, x_t, h_prev):
        combined = mg.cat([x_t, h_prev], axis=1)
        r = mg.sigmoid(self.W_r(combined))
        z = mg.sigmoid(self.W_z(combined))
        n = mg.tanh(self.W_n(mg.cat([x_t, r * h_prev], axis=1)))
        return (1 - z) * h_prev + z * n


# %% [4] The article's selective-SSM sketch: one state of d_state, fed by the first d_state inputs
class ArticleSSMSketch(nn.Module):
    def __init__(self, d_model, d_state=16):
        super().__init__()
        self.d_state = d_state
        self.B_proj = nn.Linear(d_model, d_state)
        self.C_proj = nn.Linear(d_model, d_state)
        self.dt_proj = nn.Linear(d_model, 1)
        self.A_log = nn.Parameter(mg.randn(d_state))

    def forward(self, x):
        B, T, D = x.shape
        h = mg.zeros(B, self.d_state)
        outputs = []
        for t in range(T):
            x_t = x[:, t, :]
            B_t, C_t = self.B_proj(x_t), self.C_proj(x_t)            # (B, N) each
            dt = mg.softplus(self.dt_proj(x_t))                      # (B, 1)
            A = -mg.exp(self.A_log)                                  # (N,)
            h = mg.exp(dt * A) * h + dt * B_t * x_t[:, :self.d_state]
            outputs.append((h * C_t).sum(axis=1, keepdims=True))     # (B, 1)
        return mg.cat(outputs, axis=1)                               # (B, T): one number per step


def run_cell(cell, x, h):
    """Run a GRU-style cell, h = cell(x_t, h), over x (B, T, I); returns every h (B, T, H)."""
    outputs = []
    for t in range(x.shape[1]):
        h = cell(x[:, t, :], h)
        outputs.append(h)
    return mg.stack(outputs, axis=1)


def max_diff(a, b):
    return float(np.abs(a.numpy() - b.numpy()).max())


# %% [5] Run: the article's shapes, and the library's models given the same weights
def run(settings=None, seed=0, out="demos/out"):
    s = settings or Settings()
    mg.manual_seed(seed)
    B, T, I, H = s.batch, s.length, s.embed, s.hidden
    x = mg.randn(B, T, I)
    rows, results = [], {}

    article_rnn = SimpleRNN(I, H)
    ours = RNN(I, H, batch_first=True)
    ours.weight_ih_l0._data, ours.weight_hh_l0._data = article_rnn.W_x.weight._data, article_rnn.W_h.weight._data
    ours.bias_ih_l0._data, ours.bias_hh_l0._data = article_rnn.bias._data, mg.zeros(H)._data
    y = article_rnn(x)
    results["rnn"] = max_diff(y, ours(x)[0])
    rows.append(("SimpleRNN", (B, T, I), y.shape, "torch.Size([4, 20, 256])", "models.RNN", f"{results['rnn']:.1e}"))

    article_lstm = ArticleLSTMCell(I, H)
    lstm = LSTMCell(I, H)
    W, b = article_lstm.gates.weight._data, article_lstm.gates.bias._data
    lstm.weight_ih._data, lstm.weight_hh._data = W[:, :I], W[:, I:]              # [x, h] W^T = x W_ih^T + h W_hh^T
    lstm.bias_ih._data, lstm.bias_hh._data = b, mg.zeros(4 * H)._data
    h, c, h2, c2 = (mg.zeros(B, H) for _ in range(4))
    article_out, our_out = [], []
    for t in range(T):
        h, c = article_lstm(x[:, t, :], h, c)              # the article's call
        h2, c2 = lstm(x[:, t, :], (h2, c2))                 # PyTorch's call: state as a tuple
        article_out.append(h)
        our_out.append(h2)
    y = mg.stack(article_out, axis=1)                       # (B, T, H)
    results["lstm"] = max_diff(y, mg.stack(our_out, axis=1))
    rows.append(("LSTMCell loop", (B, T, I), y.shape, "torch.Size([4, 20, 256])", "models.LSTMCell",
                 f"{results['lstm']:.1e}"))

    # The article's update gate is PyTorch's 1 − z, and σ(−a) = 1 − σ(a): negating the z rows maps one onto
    # the other exactly. What still differs is where the reset gate acts.
    article_gru = ArticleGRUCell(I, H)
    gru = GRUCell(I, H)
    W_r, W_z, W_n = article_gru.W_r.weight, -article_gru.W_z.weight, article_gru.W_n.weight    # (H, I + H) each
    gru.weight_ih._data = mg.cat([W_r[:, :I], W_z[:, :I], W_n[:, :I]], axis=0)._data           # (3H, I)
    gru.weight_hh._data = mg.cat([W_r[:, I:], W_z[:, I:], W_n[:, I:]], axis=0)._data           # (3H, H)
    gru.bias_ih._data = mg.cat([article_gru.W_r.bias, -article_gru.W_z.bias, article_gru.W_n.bias])._data
    gru.bias_hh._data = mg.zeros(3 * H)._data
    y = run_cell(article_gru, x, mg.zeros(B, H))
    results["gru"] = max_diff(y, run_cell(gru, x, mg.zeros(B, H)))
    rows.append(("GRUCell loop", (B, T, I), y.shape, "torch.Size([4, 20, 256])", "models.GRUCell",
                 f"{results['gru']:.1e}"))

    x_ssm = mg.randn(4, 100, 64)
    sketch = ArticleSSMSketch(64, 16)
    ssm = SelectiveSSM(64, dt_rank=4, d_state=16)              # dt_rank ⌈64 / 16⌉, as Mamba picks it
    y_sketch, y_ssm = sketch(x_ssm), ssm(x_ssm)
    results["ssm_shapes"] = (y_sketch.shape, y_ssm.shape)
    rows.append(("SelectiveSSM sketch", (4, 100, 64), y_sketch.shape, "torch.Size([4, 100, 1])", "", ""))
    rows.append(("models.SelectiveSSM", (4, 100, 64), y_ssm.shape, "", "", ""))
    table(("article's model", "input", "output here", "article prints", "same weights in", "max |diff|"), rows,
          title="The article's examples on minigrad")
    print(f"""
- SimpleRNN and the LSTM cell are exactly PyTorch's recurrences with the input and
  recurrent weights stored in one matrix: the library's models, given the same
  weights, agree to rounding.
- The article's GRU cell is not PyTorch's. Its update gate is PyTorch's 1 − z
  (negating those weights maps one onto the other), but it scales h by the reset
  gate before the candidate's matrix, n = tanh(W_n [x, r ⊙ h]) (Cho et al. 2014),
  where PyTorch and cuDNN put it after, n = tanh(W_in x + r ⊙ (W_hn h + b_hn)).
  Same weights, a different function: max |diff| {results['gru']:.3f}.
- The article's SSM sketch returns one number per step. Its comment promises
  torch.Size([4, 100, 1]), but concatenating 100 tensors of shape (4, 1) along
  dim 1 gives (4, 100) — in PyTorch too — and that is what the same code gives
  here: {y_sketch.shape}. Its single state of 16 is fed by the first 16 of the 64
  input channels only. Mamba's S6 keeps a state of d_state = 16 for each of the
  64 channels, (batch, 64, 16), and returns all 64 channels, {y_ssm.shape}.""")

    # the article's BPTT example: nn.RNN(16, 32), a 5-class head on h_n, gradients through 30 steps
    rnn = RNN(16, 32, batch_first=True)
    head = nn.Linear(32, 5)
    x = mg.randn(8, 30, 16)
    y = mg.tensor(np.random.default_rng(seed).integers(0, 5, 8))
    _, h_n = rnn(x)
    loss = cross_entropy(head(h_n.squeeze(0)), y)
    loss.backward()
    results["bptt_grad_norms"] = [float(np.linalg.norm(p.grad.numpy())) for p in (rnn.weight_ih_l0, rnn.weight_hh_l0)]
    print(f"\nThe article's BPTT example (batch 8, 30 steps, 5 classes): loss {loss.item():.4f}\n"
          f"rnn weight_ih grad norm: {results['bptt_grad_norms'][0]:.6f}\n"
          f"rnn weight_hh grad norm: {results['bptt_grad_norms'][1]:.6f}")
    return results


# %%
if __name__ == "__main__":
    run()
