"""RNN, LSTM and GRU over whole sequences, with PyTorch's interface and weights.

    model = LSTM(input_size=64, hidden_size=128, num_layers=2)
    output, (h_n, c_n) = model(x)           # x (T, B, 64) -> output (T, B, 128)

Each model stacks `num_layers` recurrent layers; layer l ≥ 1 reads the whole
output sequence of layer l - 1. With bidirectional=True each layer runs a
second copy of the recurrence from t = T-1 down to 0, and the two outputs are
concatenated along features. Dropout, if any, sits between layers (training
mode only, never after the last layer).

Two ways to the gradient, chosen with `bptt=`:
    "manual"    (default) each layer-direction is one op with backpropagation
                through time written by hand (models/bptt.py): fast, and
                first-order only — create_graph=True through it raises.
    "autograd"  the recurrences of models/cells.py applied step by step; the
                engine records every op and differentiates them, to any order.
                As in the manual path, the input's share of every step,
                x_t W_ihᵀ + b_ih (+ b_hh, except in the GRU), is one product
                over all T steps before the loop; `unbind` then hands out the
                T steps as one op, whose gradient is one stack (T slices
                x[t] would each send back a zero-filled array the size of
                x: O(T²) in backward).
The two agree to rounding error; the tests hold them to 1e-10 in float64.

Glossary: T sequence length, B batch, I input features (H_in), H hidden
features, D directions (1, or 2 if bidirectional), L num_layers.

Shapes are PyTorch's: input (T, B, I), or (B, T, I) with batch_first=True, or
unbatched (T, I); h0, c0, h_n, c_n are always (D·L, B, H) — batch_first does
not apply to them — with row 2l + d for layer l and direction d. Parameters
are named weight_ih_l{l}, weight_hh_l{l}, bias_ih_l{l}, bias_hh_l{l}, with
the suffix _reverse for the second direction, shaped and initialised as in
torch.nn (U(-1/√H, 1/√H)), so a PyTorch state_dict loads unchanged.

Simplification: PyTorch's LSTM option proj_size is not provided.
"""

import math

from minigrad import backend, nn
from minigrad.nn import functional as F
from minigrad.nn.checks import check_size, check_tensor
from minigrad.ops import cat, squeeze, stack, transpose, unbind, unsqueeze
from minigrad.tensor import Tensor
from minigrad.models.bptt import GRULayer, LSTMLayer, RNNLayer
from minigrad.models.cells import gru_step, lstm_step, rnn_step

_GATES = {"RNN": 1, "LSTM": 4, "GRU": 3}


class _RNNBase(nn.Module):
    """The layer stack shared by RNN, LSTM and GRU; `mode` picks the recurrence."""

    mode = None

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, bptt="manual", dtype="float32", device=None):
        """
        Args:
            input_size: I, the features of each input step.
            hidden_size: H, the features of the state h (and of the LSTM's cell c).
            num_layers: L, recurrent layers stacked; layer l ≥ 1 reads layer l - 1's outputs.
            bias: with False, no bias_ih / bias_hh parameters.
            batch_first: input and output (B, T, ·) instead of (T, B, ·); the states stay (D·L, B, H).
            dropout: the probability of dropping a layer's output before the next layer reads it
                (training mode only; never after the last layer).
            bidirectional: each layer also runs from t = T-1 down to 0; D = 2, outputs concatenated.
            bptt: "manual" (hand-written backward, models/bptt.py) or "autograd" (the cells, step by step).
            dtype: "float32" or "float64", of every parameter.
            device: where the parameters live ("cpu", "cuda", "array_api_strict"); None for "cpu".
        """
        super().__init__()
        name = type(self).__name__
        for what, size in (("input_size", input_size), ("hidden_size", hidden_size), ("num_layers", num_layers)):
            check_size(name, what, size)
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout < 1:
            raise ValueError(f"{name}: dropout must be in [0, 1), got {dropout}")
        if bptt not in ("manual", "autograd"):
            raise ValueError(f"{name}: bptt must be 'manual' or 'autograd', got {bptt!r}")
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, dropout
        self.bidirectional, self.bptt = bidirectional, bptt
        D = 2 if bidirectional else 1
        G, k = _GATES[self.mode] * hidden_size, 1 / math.sqrt(hidden_size)
        b = backend.get(device)
        for l in range(num_layers):
            layer_input = input_size if l == 0 else D * hidden_size
            for suffix in ("", "_reverse")[:D]:
                shapes = {"weight_ih": (G, layer_input), "weight_hh": (G, hidden_size)}
                if bias:
                    shapes.update(bias_ih=(G,), bias_hh=(G,))
                for kind, shape in shapes.items():   # PyTorch's order: weight_ih, weight_hh, bias_ih, bias_hh
                    setattr(self, f"{kind}_l{l}{suffix}",
                            nn.Parameter(backend.random_uniform(shape, -k, k, dtype, b)))

    def _weights(self, l, d):
        """(weight_ih, weight_hh, bias_ih, bias_hh) of layer l, direction d; biases None if bias=False."""
        suffix = "_reverse" if d == 1 else ""
        return tuple(getattr(self, f"{kind}_l{l}{suffix}", None)
                     for kind in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))

    def forward(self, x, hx=None):
        """Run the whole sequence.

        Args:
            x: (T, B, I), or (B, T, I) if batch_first, or unbatched (T, I).
            hx: initial state (D·L, B, H) — unbatched (D·L, H) — or None for
                zeros; for LSTM a pair (h0, c0) of that shape, or None.
        Returns:
            output: (T, B, D·H) — (B, T, D·H) if batch_first, (T, D·H) unbatched —
                the top layer's h_t at every step.
            h_n: (D·L, B, H), the last state of every layer and direction
                (LSTM: the pair (h_n, c_n)).
        """
        if self.mode == "LSTM" and hx is not None and not (isinstance(hx, (tuple, list)) and len(hx) == 2):
            raise TypeError(f"LSTM: expected the initial state as a pair (h0, c0), got {type(hx).__name__}")
        h0, c0 = hx if (self.mode == "LSTM" and hx is not None) else (hx, None)
        self._check(x, h0, c0)
        batched = x.ndim == 3
        if not batched:                                   # (T, I) -> (T, 1, I)
            x = unsqueeze(x, 1)
            h0 = None if h0 is None else unsqueeze(h0, 1)
            c0 = None if c0 is None else unsqueeze(c0, 1)
        elif self.batch_first:                            # (B, T, I) -> (T, B, I)
            x = transpose(x, 0, 1)
        T, B, _ = x.shape
        zeros = Tensor(backend.of(x._data).zeros(((2 if self.bidirectional else 1) * self.num_layers, B,
                                                 self.hidden_size), x.dtype))
        h0 = zeros if h0 is None else h0
        c0 = zeros if c0 is None else c0

        run = self._run_manual if self.bptt == "manual" else self._run_autograd
        output, h_n, c_n = run(x, h0, c0)                 # (T, B, D·H), (D·L, B, H) each

        if not batched:
            output, h_n = squeeze(output, 1), squeeze(h_n, 1)
            c_n = squeeze(c_n, 1) if c_n is not None else None
        elif self.batch_first:
            output = transpose(output, 0, 1)
        return (output, (h_n, c_n)) if self.mode == "LSTM" else (output, h_n)

    # ---- the manual path: one hand-differentiated op per layer-direction ----------
    def _run_manual(self, x, h0, c0):
        T = x.shape[0]
        D = 2 if self.bidirectional else 1
        h_n, c_n = [], []
        for l in range(self.num_layers):
            outputs = []
            for d in range(D):
                k, reverse = l * D + d, d == 1
                last = 0 if reverse else T - 1             # the reverse direction ends at t = 0
                w = self._weights(l, d)
                if self.mode == "LSTM":
                    y, c = LSTMLayer.apply(x, h0[k], c0[k], *w, reverse)  # (T, B, H) each
                    c_n.append(c[last])
                elif self.mode == "GRU":
                    y = GRULayer.apply(x, h0[k], *w, reverse)           # (T, B, H)
                else:
                    y = RNNLayer.apply(x, h0[k], *w, reverse, self.nonlinearity)
                h_n.append(y[last])
                outputs.append(y)
            x = outputs[0] if D == 1 else cat(outputs, axis=-1)          # (T, B, D·H)
            if l < self.num_layers - 1:
                x = self._between_layers(x)
        return x, stack(h_n), (stack(c_n) if c_n else None)

    # ---- the autograd path: the cells, step by step -------------------------------
    def _run_autograd(self, x, h0, c0):
        T, B, _ = x.shape
        D = 2 if self.bidirectional else 1
        h_n, c_n = [], []
        for l in range(self.num_layers):
            outputs = []
            for d in range(D):
                k, reverse = l * D + d, d == 1
                w_ih, w_hh, b_ih, b_hh = self._weights(l, d)
                # The input's share of every step does not depend on h: x_t W_ihᵀ + b_ih
                # for all t in one product, then the T steps taken out in one op. The two
                # biases only ever add, so b_hh joins that product too — except in the
                # GRU, whose b_hn sits inside the reset product r ⊙ (h W_hnᵀ + b_hn).
                if self.mode != "GRU" and b_hh is not None:
                    b_ih, b_hh = b_ih + b_hh, None
                x_proj = unbind(F.linear(x, w_ih, b_ih))                # T × (B, G)
                h, c = h0[k], c0[k]
                ys = [None] * T
                for t in (range(T - 1, -1, -1) if reverse else range(T)):
                    if self.mode == "LSTM":
                        h, c = lstm_step(x_proj[t], h, c, w_hh, b_hh)
                    elif self.mode == "GRU":
                        h = gru_step(x_proj[t], h, w_hh, b_hh)
                    else:
                        h = rnn_step(x_proj[t], h, w_hh, b_hh, self.nonlinearity)
                    ys[t] = h
                h_n.append(h)
                c_n.append(c)
                outputs.append(stack(ys))                               # (T, B, H)
            x = outputs[0] if D == 1 else cat(outputs, axis=-1)         # (T, B, D·H)
            if l < self.num_layers - 1:
                x = self._between_layers(x)
        return x, stack(h_n), (stack(c_n) if self.mode == "LSTM" else None)

    def _between_layers(self, x):
        """Dropout on a layer's output before the next layer reads it (training only)."""
        return F.dropout(x, self.dropout, self.training)

    # ---- bad input: a clear error, before anything runs ---------------------------
    def _check(self, x, h0, c0):
        name = type(self).__name__
        check_tensor(name, "the input", x)
        layout = "(B, T, I)" if self.batch_first else "(T, B, I)"
        if x.ndim not in (2, 3):
            raise ValueError(f"{name}: expected input of shape {layout} or unbatched (T, I) with "
                             f"I = {self.input_size}, got {x.ndim} dims, shape {x.shape}")
        if x.shape[-1] != self.input_size:
            raise ValueError(f"{name}: expected input with I = {self.input_size} features in the last dim, "
                             f"got shape {x.shape}")
        if 0 in x.shape:
            raise ValueError(f"{name}: the input is empty, shape {x.shape}")
        weight = self.weight_ih_l0
        if x.device != weight.device:
            raise RuntimeError(f"{name}: input is on device {x.device!r} but the parameters are on "
                               f"{weight.device!r}; move one with .to()")
        if backend.dtype_name(x.dtype) != backend.dtype_name(weight.dtype):
            raise TypeError(f"{name}: input has dtype {backend.dtype_name(x.dtype)} but the parameters "
                            f"have {backend.dtype_name(weight.dtype)}")
        rows = (2 if self.bidirectional else 1) * self.num_layers
        B = () if x.ndim == 2 else (x.shape[0 if self.batch_first else 1],)
        expected = (rows,) + B + (self.hidden_size,)
        for label, s in (("h0", h0), ("c0", c0)):
            if s is None:
                continue
            check_tensor(name, label, s)
            if s.shape != expected:
                raise ValueError(f"{name}: expected {label} of shape {expected} (D·num_layers, B, H) "
                                 f"for input of shape {x.shape}, got {s.shape}")
            if s.device != x.device:
                raise RuntimeError(f"{name}: {label} is on device {s.device!r} but the input is on {x.device!r}")
            if backend.dtype_name(s.dtype) != backend.dtype_name(x.dtype):
                raise TypeError(f"{name}: {label} has dtype {backend.dtype_name(s.dtype)} but the input has "
                                f"{backend.dtype_name(x.dtype)}")

    def extra_repr(self):
        """The sizes and every option that differs from its default, as repr() shows them."""
        s = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        for flag, default in (("bias", True), ("batch_first", False), ("dropout", 0.0),
                              ("bidirectional", False), ("bptt", "manual")):
            if getattr(self, flag) != default:
                s += f", {flag}={getattr(self, flag)!r}"
        return s


class RNN(_RNNBase):
    """Elman RNN, like torch.nn.RNN:  h_t = φ(x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh),
    φ = tanh or relu (nonlinearity=). See the module docstring for shapes and `bptt`."""

    mode = "RNN"

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, bptt="manual", dtype="float32", device=None):
        """
        Args:
            nonlinearity: φ, "tanh" or "relu".
            input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, bptt,
                dtype, device: as for LSTM and GRU (see _RNNBase.__init__).
        """
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNN: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         bptt, dtype, device)
        self.nonlinearity = nonlinearity


class LSTM(_RNNBase):
    """Long short-term memory, like torch.nn.LSTM (gate order i, f, g, o); the
    recurrence is written out in models/cells.py (lstm_cell). forward(x, (h0, c0))
    returns (output, (h_n, c_n)). See the module docstring for shapes and `bptt`."""

    mode = "LSTM"


class GRU(_RNNBase):
    """Gated recurrent unit, like torch.nn.GRU (gate order r, z, n, with b_hn
    inside the reset product); the recurrence is in models/cells.py (gru_cell).
    See the module docstring for shapes and `bptt`."""

    mode = "GRU"
