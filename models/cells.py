"""RNN, LSTM and GRU cells: one time step of each recurrence, written with minigrad ops.

This is the autograd path. Each cell is the equation of its paper written
line for line with Tensor ops; the engine records every op, and calling
`.backward()` on a loss runs backpropagation through time without a single
line of it written here. `models/bptt.py` does the same work by hand, and the
tests hold the two to 1e-10 of each other.

Glossary of dimension letters (as in every file of models/):
    B  batch size            T  sequence length (time steps)
    I  input features        H  hidden features
    G  gate rows: H for RNN, 3H for GRU, 4H for LSTM

Conventions are PyTorch's (torch.nn.RNNCell, LSTMCell, GRUCell), so weights
move between the two unchanged: row-vector batches, weights stored (out, in),
a linear map is x Wᵀ + b, and the gate rows of one weight matrix are stacked
in the order i, f, g, o (LSTM) and r, z, n (GRU).
"""

import math

from minigrad import backend, nn
from minigrad.nn.checks import check_like, check_size
from minigrad.ops import relu, sigmoid, split, tanh
from minigrad.tensor import Tensor


# ---- the recurrences, as functions of the step's input and state ---------------
# Each *_cell is one step from the raw input x; each *_step is the same step
# from the input's share x W_ihᵀ + b_ih, which does not depend on the state:
# a sequence model computes it for all T steps in one matrix product first.

def rnn_cell(x, h, w_ih, w_hh, b_ih=None, b_hh=None, nonlinearity="tanh"):
    """Elman's recurrence (Elman 1990):  h' = act(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh).

    Args: x (B, I), h (B, H), w_ih (H, I), w_hh (H, H), b_ih and b_hh (H,) or None.
    Returns: h' (B, H).
    """
    return rnn_step(_linear(x, w_ih, b_ih), h, w_hh, b_hh, nonlinearity)


def rnn_step(x_proj, h, w_hh, b_hh=None, nonlinearity="tanh"):
    """rnn_cell given the input's share x_proj = x W_ihᵀ + b_ih (B, H); the
    sequence models compute that share for all T steps in one product."""
    a = x_proj + _linear(h, w_hh, b_hh)                         # (B, H)
    return tanh(a) if nonlinearity == "tanh" else relu(a)


def lstm_cell(x, h, c, w_ih, w_hh, b_ih=None, b_hh=None):
    """Long short-term memory (Hochreiter & Schmidhuber 1997, with the forget
    gate of Gers et al. 2000), as torch.nn.LSTMCell computes it:

        i = σ(x W_iiᵀ + b_ii + h W_hiᵀ + b_hi)       input gate
        f = σ(x W_ifᵀ + b_if + h W_hfᵀ + b_hf)       forget gate
        g = tanh(x W_igᵀ + b_ig + h W_hgᵀ + b_hg)    candidate cell
        o = σ(x W_ioᵀ + b_io + h W_hoᵀ + b_ho)       output gate
        c' = f ⊙ c + i ⊙ g
        h' = o ⊙ tanh(c')

    The cell c' is a sum, not a squashing: along c the step's Jacobian is just
    diag(f), which is why gradients survive many steps when f stays near 1.

    Args: x (B, I), h and c (B, H), w_ih (4H, I), w_hh (4H, H), b_ih and b_hh (4H,) or None.
    Returns: h', c' (B, H) each.
    """
    return lstm_step(_linear(x, w_ih, b_ih), h, c, w_hh, b_hh)


def lstm_step(x_proj, h, c, w_hh, b_hh=None):
    """lstm_cell given the input's share x_proj = x W_ihᵀ + b_ih (B, 4H)."""
    gates = x_proj + _linear(h, w_hh, b_hh)                    # (B, 4H)
    i, f, g, o = split(gates, h.shape[-1], axis=-1)            # (B, H) each
    i, f, g, o = sigmoid(i), sigmoid(f), tanh(g), sigmoid(o)
    c = f * c + i * g
    h = o * tanh(c)
    return h, c


def gru_cell(x, h, w_ih, w_hh, b_ih=None, b_hh=None):
    """Gated recurrent unit (Cho et al. 2014), as torch.nn.GRUCell computes it:

        r = σ(x W_irᵀ + b_ir + h W_hrᵀ + b_hr)             reset gate
        z = σ(x W_izᵀ + b_iz + h W_hzᵀ + b_hz)             update gate
        n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn))    candidate
        h' = (1 - z) ⊙ n + z ⊙ h

    b_hn sits inside the reset product (PyTorch's and cuDNN's form; Cho et al.
    put r on h before the product, r ⊙ h W_hnᵀ, which differs when b_hn ≠ 0).

    Args: x (B, I), h (B, H), w_ih (3H, I), w_hh (3H, H), b_ih and b_hh (3H,) or None.
    Returns: h' (B, H).
    """
    return gru_step(_linear(x, w_ih, b_ih), h, w_hh, b_hh)


def gru_step(x_proj, h, w_hh, b_hh=None):
    """gru_cell given the input's share x_proj = x W_ihᵀ + b_ih (B, 3H)."""
    H = h.shape[-1]
    x_r, x_z, x_n = split(x_proj, H, axis=-1)                  # (B, H) each
    h_r, h_z, h_n = split(_linear(h, w_hh, b_hh), H, axis=-1)   # (B, H) each
    r = sigmoid(x_r + h_r)
    z = sigmoid(x_z + h_z)
    n = tanh(x_n + r * h_n)
    return (1 - z) * n + z * h


def _linear(x, w, b):
    """x Wᵀ + b:  (B, in) @ (in, out) -> (B, out)."""
    y = x @ w.T
    return y if b is None else y + b


# ---- the cells as modules, with PyTorch's interface ---------------------------

class _CellBase(nn.Module):
    """Holds weight_ih (G, I), weight_hh (G, H), bias_ih and bias_hh (G,), all
    drawn from U(-1/√H, 1/√H) as PyTorch does."""

    gate_count = 1

    def __init__(self, input_size, hidden_size, bias=True, dtype="float32", device=None):
        super().__init__()
        check_size(type(self).__name__, "input_size", input_size)
        check_size(type(self).__name__, "hidden_size", hidden_size)
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        G, k = self.gate_count * hidden_size, 1 / math.sqrt(hidden_size)
        b = backend.get(device)
        self.weight_ih = nn.Parameter(backend.random_uniform((G, input_size), -k, k, dtype, b))
        self.weight_hh = nn.Parameter(backend.random_uniform((G, hidden_size), -k, k, dtype, b))
        if bias:
            self.bias_ih = nn.Parameter(backend.random_uniform((G,), -k, k, dtype, b))
            self.bias_hh = nn.Parameter(backend.random_uniform((G,), -k, k, dtype, b))
        else:
            self.bias_ih = self.bias_hh = None

    def _check(self, x, states):
        """Input (B, I) or unbatched (I,); each state (B, H) or (H,) to match."""
        name = type(self).__name__
        check_like(name, "the input", x, self.weight_ih)
        if x.ndim not in (1, 2):
            raise ValueError(f"{name}: expected input of shape (B, {self.input_size}) or ({self.input_size},), "
                             f"got {x.ndim} dims, shape {x.shape}")
        if x.shape[-1] != self.input_size:
            raise ValueError(f"{name}: expected input with {self.input_size} features, got shape {x.shape}")
        expected = x.shape[:-1] + (self.hidden_size,)
        for s in states:
            if s is not None:
                check_like(name, "the state", s, self.weight_ih)
            if s is not None and s.shape != expected:
                raise ValueError(f"{name}: expected a state of shape {expected} for input of shape {x.shape}, "
                                 f"got {s.shape}")
            if s is not None and s.device != x.device:
                raise RuntimeError(f"{name}: a state is on device {s.device!r} but the input is on {x.device!r}")

    def _zeros(self, x):
        b = backend.of(x._data)
        return Tensor(b.zeros(x.shape[:-1] + (self.hidden_size,), x.dtype))

    def extra_repr(self):
        """The settings repr() prints inside the parentheses, as PyTorch's."""
        return f"{self.input_size}, {self.hidden_size}" + ("" if self.bias else ", bias=False")


class RNNCell(_CellBase):
    """One step of an Elman RNN, like torch.nn.RNNCell.

    forward(x, h=None): x (B, I) or (I,); h like x with H features, zeros if None.
    Returns h' (B, H) or (H,).

    Args:
        input_size: I
        hidden_size: H
        bias: learn b_ih and b_hh
        nonlinearity: 'tanh' or 'relu'
        dtype, device: of the weights
    """

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", dtype="float32", device=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNNCell: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        super().__init__(input_size, hidden_size, bias, dtype, device)
        self.nonlinearity = nonlinearity

    def forward(self, x, h=None):
        """Args: x (B, I) or (I,); h (B, H) or (H,), zeros if None. Returns: h' like h."""
        self._check(x, (h,))
        h = self._zeros(x) if h is None else h
        return rnn_cell(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh, self.nonlinearity)


class LSTMCell(_CellBase):
    """One step of an LSTM, like torch.nn.LSTMCell.

    forward(x, state=None): x (B, I) or (I,); state = (h, c), each like x with H
    features, zeros if None. Returns (h', c').

    Args: input_size: I;  hidden_size: H;  bias: learn b_ih and b_hh;  dtype, device: of the weights
    """

    gate_count = 4

    def forward(self, x, state=None):
        """Args: x (B, I) or (I,); state (h, c), each (B, H) or (H,), zeros if None. Returns: (h', c')."""
        if state is not None and not (isinstance(state, (tuple, list)) and len(state) == 2):
            raise TypeError(f"LSTMCell: expected the state as a pair (h, c), got {type(state).__name__}")
        h, c = (None, None) if state is None else state
        self._check(x, (h, c))
        h = self._zeros(x) if h is None else h
        c = self._zeros(x) if c is None else c
        return lstm_cell(x, h, c, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)


class GRUCell(_CellBase):
    """One step of a GRU, like torch.nn.GRUCell.

    forward(x, h=None): x (B, I) or (I,); h like x with H features, zeros if None.
    Returns h' (B, H) or (H,).

    Args: input_size: I;  hidden_size: H;  bias: learn b_ih and b_hh;  dtype, device: of the weights
    """

    gate_count = 3

    def forward(self, x, h=None):
        """Args: x (B, I) or (I,); h (B, H) or (H,), zeros if None. Returns: h' like h."""
        self._check(x, (h,))
        h = self._zeros(x) if h is None else h
        return gru_cell(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
