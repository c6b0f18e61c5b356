"""Backpropagation through time, written by hand: one op per layer and direction.

The autograd path (models/cells.py) records ~20 small ops per time step and
lets the engine walk them back. Here each layer-direction is ONE minigrad op:
its forward runs the whole time loop on raw arrays and keeps what backward
needs; its backward runs the loop again, from the last step to the first,
with the chain rule written out step by step. Three things make it fast:

  1. The input projection x_t W_ihᵀ does not depend on h, so it is done for
     all T steps in one matrix product before the loop (likewise dx after it).
  2. The weight gradients are sums over time, ∂L/∂W_hh = Σ_t δ_tᵀ h_{t-1}, so
     the loop only stores each step's δ_t; one product over all T·B rows
     forms the sum after the loop. The loop itself holds one product with
     W_hh per step — the only work that truly is sequential.
  3. Buffers for every step are allocated once; each step writes its slice.
  4. Gates are kept gate-major, (gates, T, B, H): each gate of a step is one
     contiguous (B, H) block, so the elementwise work runs on contiguous
     memory, and the step's product is batched over the gates,
     h_{t-1} (B, H) @ W_kᵀ (gates, H, H) -> (gates, B, H) — at B = 32,
     H = 128 OpenBLAS does that in about 2/3 the time of the one
     (B, H) @ (H, 4H) product, and the way back, Σ_k δ_k W_k, in about 4/5.

Glossary: B batch, T time, I input features, H hidden; gates: 1 (RNN), 4
(LSTM) or 3 (GRU) blocks of H rows in the weights, G = gates·H rows in all.
Conventions: row-vector batches, weights (out, in) as in PyTorch, gate order
i, f, g, o (LSTM) and r, z, n (GRU). δ_t = ∂L/∂a_t is the gradient with
respect to a step's pre-activations a_t (the G numbers inside σ / tanh).

States live in (T + 1, B, H) buffers: the initial state at one end, then the
state after each step. The forward direction reads slot t and writes slot
t + 1; the reverse direction (t = T-1 … 0) reads slot t + 1 and writes slot t.
Either way, the outputs are the T new slots in time order, and the states
the steps read ("previous states") are the other T slots — two views of one
buffer, with no copying.

Arrays are indexed a[t, ...], not a[t]: the array API standard asks for
every axis to be accounted for. A step writes into its slice of a
buffer through the view buf[t, ...] (and, in the GRU, through a reshaped
view): NumPy, CuPy and array-api-strict all return views there.

First-order only: the backward works on raw arrays, so these ops are
`once_differentiable`; asking for create_graph=True through them raises.
Use bptt="autograd" for gradients of gradients.
"""

from minigrad import backend
from minigrad.autograd import Function
from minigrad.tensor import Tensor


def _steps(T, reverse):
    """The time steps in the order the recurrence visits them."""
    return range(T - 1, -1, -1) if reverse else range(T)


def _slots(t, reverse):
    """(slot read, slot written) in a (T + 1)-slot state buffer at step t."""
    return (t + 1, t) if reverse else (t, t + 1)


def _new_and_previous(buffer, reverse):
    """Views of a (T + 1, B, H) state buffer: the state each step wrote and the
    state it read, both (T, B, H) in time order."""
    return (buffer[:-1, ...], buffer[1:, ...]) if reverse else (buffer[1:, ...], buffer[:-1, ...])


def _copy(t):
    """b_ih and b_hh get equal gradients, but each its own array, so that an
    in-place update of one .grad never changes the other."""
    return None if t is None else Tensor(backend.of(t._data).xp.asarray(t._data, copy=True))


def _flat(a):
    """(T, B, n) -> (T·B, n): every step's rows, for one product over all steps."""
    return backend.of(a).xp.reshape(a, (a.shape[0] * a.shape[1], a.shape[2]))


def _per_gate(w, gates, scale=None):
    """W (gates·H, n) as its gate blocks transposed, W_kᵀ (gates, n, H), each
    times scale[k] (gates, 1, 1) if given: a fresh row-major array, so that
    h @ W_kᵀ for every gate is one batched product."""
    b = backend.of(w)
    H, n = w.shape[0] // gates, w.shape[1]
    blocks = b.xp.permute_dims(b.xp.reshape(w, (gates, H, n)), (0, 2, 1))   # (gates, n, H), a view
    out = b.zeros((gates, n, H), w.dtype)
    out[...] = blocks if scale is None else blocks * scale
    return out


def _ones(x):
    """The input a bias is the weight of: 1 at every step, (T, B, 1)."""
    return backend.of(x).full((x.shape[0], x.shape[1], 1), 1.0, x.dtype)


def _input_projection(x, w_ih_t, bias):
    """x_t W_kᵀ + b_k for every step and gate at once: (T, B, I) -> (gates, T, B, H).
    The bias rides in the product as the weight of an extra input that is
    always 1 — a column of ones beside x, a row b_k under W_kᵀ — which costs
    one more column of x instead of a pass over the (gates, T, B, H) result."""
    xp = backend.of(x).xp
    T, B, I = x.shape
    gates, _, H = w_ih_t.shape
    x_flat = _flat(x)                                     # (T·B, I)
    if bias is not None:
        x_flat = xp.concat([x_flat, _flat(_ones(x))], axis=1)                    # [x, 1]  (T·B, I + 1)
        w_ih_t = xp.concat([w_ih_t, bias], axis=1)                               # [W_kᵀ; b_k]  (gates, I + 1, H)
    return xp.reshape(xp.matmul(x_flat, w_ih_t), (gates, T, B, H))


def _sums_over_time(dA, inputs):
    """The gradients that are sums over time, ∂L/∂W = Σ_t δ_tᵀ v_t, for
    gate-major δ (gates, T, B, H) and each input v (T, B, n): one batched
    product per input over all T·B rows. A bias is the weight of an input
    that is always 1, so a (T, B, 1) array of ones among the inputs gives
    ∂L/∂b. Returns one (gates·H, n) array per input, rows in PyTorch's order."""
    xp = backend.of(dA).xp
    gates, T, B, H = dA.shape
    d = xp.permute_dims(xp.reshape(dA, (gates, T * B, H)), (0, 2, 1))   # (gates, H, T·B)
    return [xp.reshape(xp.matmul(d, _flat(v)), (gates * H, v.shape[-1])) for v in inputs]


def _input_grad(dA, w_ih):
    """dx_t = Σ_k δ_k,t W_k for gate-major δ (gates, T, B, H): (T, B, I)."""
    xp = backend.of(dA).xp
    gates, T, B, H = dA.shape
    w_k = xp.reshape(w_ih, (gates, H, w_ih.shape[1]))                    # W_k (gates, H, I)
    return xp.sum(xp.matmul(dA, w_k[:, None, :, :]), axis=0)            # (T, B, I)


def _grads(dA, x, h_prev, w_ih, need_dx, with_bias):
    """dx, ∂L/∂W_ih, ∂L/∂W_hh, ∂L/∂b as Tensors (dx, ∂L/∂b None when not
    needed), when one δ (gates, T, B, H) drives both products (RNN, LSTM)."""
    xp = backend.of(dA).xp
    dw_ih, dw_hh, *db = _sums_over_time(dA, [x, h_prev] + ([_ones(x)] if with_bias else []))
    db = Tensor(xp.reshape(db[0], (dw_ih.shape[0],))) if with_bias else None
    dx = Tensor(_input_grad(dA, w_ih)) if need_dx else None
    return dx, Tensor(dw_ih), Tensor(dw_hh), db


# ==== RNN ======================================================================
#
#   forward   a_t = x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh,    h_t = φ(a_t),  φ = tanh or relu
#   caches    h_t of every step: it gives φ'(a_t), and as h_{t-1} the product for ∂L/∂W_hh
#
#   backward  ∂L/∂h_t gathers two streams: the loss at step t (dy_t) and what
#             flows back from step t+1 through h_t W_hhᵀ:
#                 dh_t = dy_t + δ_{t+1} W_hh
#                 δ_t  = dh_t ⊙ φ'(a_t),   φ' = 1 - h_t²  (tanh)  or  [h_t > 0]  (relu)
#             Each step multiplies the gradient by W_hh and by φ' ≤ 1: over k
#             steps by ~ (‖W_hh‖·max φ')^k, which vanishes or explodes — the
#             reason for the LSTM's additive cell below.

class RNNLayer(Function):
    """One direction of one layer of an Elman RNN over a whole sequence.

    apply(x, h0, w_ih, w_hh, b_ih, b_hh, reverse, nonlinearity):
        x (T, B, I), h0 (B, H), w_ih (H, I), w_hh (H, H), b_ih and b_hh (H,) or None.
    Returns the hidden states (T, B, H) in time order.
    """

    once_differentiable = True

    @staticmethod
    def forward(ctx, x, h0, w_ih, w_hh, b_ih, b_hh, reverse, nonlinearity):
        b = backend.of(x)
        xp = b.xp
        T, B, _ = x.shape
        H = w_hh.shape[1]
        bias = None if b_ih is None else xp.reshape(b_ih + b_hh, (1, 1, H))
        a = _input_projection(x, _per_gate(w_ih, 1), bias)[0, ...]   # (T, B, H), hoisted
        w_hh_t = _per_gate(w_hh, 1)[0, ...]               # W_hhᵀ (H, H)
        hs = b.zeros((T + 1, B, H), x.dtype)              # h0, then every h_t
        hs[T if reverse else 0, ...] = h0
        for t in _steps(T, reverse):
            read, write = _slots(t, reverse)
            a_t = xp.matmul(hs[read, ...], w_hh_t)        # (B, H)
            a_t += a[t, ...]
            hs[write, ...] = xp.tanh(a_t) if nonlinearity == "tanh" else xp.maximum(a_t, xp.zeros_like(a_t))
        ctx.x, ctx.w_ih, ctx.w_hh, ctx.hs = x, w_ih, w_hh, hs
        ctx.reverse, ctx.nonlinearity, ctx.with_bias = reverse, nonlinearity, b_ih is not None
        return _new_and_previous(hs, reverse)[0]

    @staticmethod
    def backward(ctx, g):
        xp = backend.of(ctx.hs).xp
        dy = g._data                                       # (T, B, H)
        T = dy.shape[0]
        h, h_prev = _new_and_previous(ctx.hs, ctx.reverse)   # (T, B, H) each
        # φ'(a_t) for all steps in one pass; the loop turns it into δ_t in place
        if ctx.nonlinearity == "tanh":
            dA = 1 - h * h
        else:
            dA = xp.astype(h > 0, h.dtype)
        dh_next = xp.zeros_like(dy[0, ...])               # δ_{t+1} W_hh: nothing after the last step
        for t in reversed(_steps(T, ctx.reverse)):
            dh = dy[t, ...] + dh_next                     # (B, H)
            dA[t, ...] *= dh                              # δ_t = dh_t ⊙ φ'(a_t)
            dh_next = xp.matmul(dA[t, ...], ctx.w_hh)     # (B, H)
        need = ctx.needs_input_grad                       # x, h0, w_ih, ...
        dA = xp.reshape(dA, (1,) + dA.shape)              # one gate: (1, T, B, H)
        dx, dw_ih, dw_hh, db = _grads(dA, ctx.x, h_prev, ctx.w_ih, need[0], ctx.with_bias)
        dh0 = Tensor(dh_next) if need[1] else None
        return dx, dh0, dw_ih, dw_hh, db, _copy(db), None, None


# ==== LSTM =====================================================================
#
#   forward   [a_i, a_f, a_g, a_o] = x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh      (4, B, H)
#             i, f, o = σ(a_i), σ(a_f), σ(a_o);   g = tanh(a_g)
#             c_t = f ⊙ c_{t-1} + i ⊙ g
#             h_t = o ⊙ tanh(c_t)
#   caches    the gates i, f, g, o and the states c_t, h_t of every step
#             (tanh(c_t) is recomputed in backward, one tanh per step, rather
#             than kept in a (T, B, H) buffer of its own)
#
#   backward  Two streams arrive at step t: dh_t = dy_t + δ_{t+1} W_hh as in the
#             RNN, and dc from step t+1 through c_{t+1} = f_{t+1} ⊙ c_t + …:
#                 dc_t = dh_t ⊙ o ⊙ (1 - tanh²(c_t)) + dc_{t+1} ⊙ f_{t+1}
#             then the gates, each through its own nonlinearity:
#                 δ_i = dc_t ⊙ g ⊙ i(1-i)          δ_f = dc_t ⊙ c_{t-1} ⊙ f(1-f)
#                 δ_g = dc_t ⊙ i ⊙ (1-g²)          δ_o = dh_t ⊙ tanh(c_t) ⊙ o(1-o)
#             Why the cell path does not vanish: from c_t to c_{t-1} the
#             gradient is multiplied by f alone — no W_hh, no tanh'. With the
#             forget gate open (f ≈ 1) it passes through many steps intact,
#             where the RNN's multiplies by W_hh ⊙ φ' at every step.
#
#   Speed: σ(u) = (1 + tanh(u/2)) / 2, so with the i, f, o blocks of the
#   projections halved in advance (scale s = ½ there, 1 for g), one tanh over
#   all four blocks gives every gate: act = s ⊙ tanh(s ⊙ a) + (1 - s).
#   In backward, every δ above has a factor (1 - gate) — for g since
#   1 - g² = (1 - g)(1 + g) — so δ_t = (1 - act_t) ⊙ m_t with
#       m_t = [dc ⊙ i ⊙ g,  dc ⊙ f ⊙ c_{t-1},  dc ⊙ i ⊙ (1 + g),  dh ⊙ h_t]
#   using o ⊙ tanh(c_t) = h_t, and dc ⊙ f = the dc_next this step sends back.
#   (1 - act) for all steps is one pass before the loop; the loop multiplies m_t in.

class LSTMLayer(Function):
    """One direction of one layer of an LSTM over a whole sequence.

    apply(x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse):
        x (T, B, I), h0 and c0 (B, H), w_ih (4H, I), w_hh (4H, H), b_ih and b_hh (4H,) or None.
    Returns two outputs, in time order: the hidden states h_t (T, B, H) and
    the cell states c_t (T, B, H).
    """

    once_differentiable = True

    @staticmethod
    def forward(ctx, x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse):
        b = backend.of(x)
        xp = b.xp
        T, B, _ = x.shape
        H = w_hh.shape[1]
        # s and 1 - s as full (4, B, H) arrays: NumPy multiplies two arrays of
        # one shape about twice as fast as it broadcasts a (4, 1, 1) one
        s = b.full((4, B, H), 0.5, x.dtype)               # ½ on the σ gates i, f, o; 1 on g
        s[2, ...] = 1
        shift = 1 - s                                     # ½ on the σ gates, 0 on g
        scale = s[:, :1, :1]                              # (4, 1, 1)
        # Both projections come out scaled by s: the weights are scaled here
        # (small arrays), gate by gate.
        bias = None if b_ih is None else xp.reshape(b_ih + b_hh, (4, 1, H)) * scale
        # act holds the input projection of every step, hoisted; step t reads
        # its slice and overwrites it with its gates i, f, g, o (no second buffer)
        act = _input_projection(x, _per_gate(w_ih, 4, scale), bias)   # (4, T, B, H)
        w_hh_t = _per_gate(w_hh, 4, scale)                # W_kᵀ, scaled: (4, H, H)
        hs, cs = b.zeros((T + 1, B, H), x.dtype), b.zeros((T + 1, B, H), x.dtype)   # initial state, then every step
        hs[T if reverse else 0, ...] = h0
        cs[T if reverse else 0, ...] = c0
        for t in _steps(T, reverse):
            read, write = _slots(t, reverse)
            z = xp.matmul(hs[read, ...], w_hh_t)          # (4, B, H)
            z += act[:, t, ...]
            z = xp.tanh(z)
            z *= s
            z += shift
            act[:, t, ...] = z                            # [i, f, g, o] replace the projection
            i, f, g, o = z[0, ...], z[1, ...], z[2, ...], z[3, ...]
            c = f * cs[read, ...]
            c += i * g
            cs[write, ...] = c
            hs[write, ...] = o * xp.tanh(c)
        ctx.x, ctx.w_ih, ctx.w_hh = x, w_ih, w_hh
        ctx.act, ctx.hs, ctx.cs = act, hs, cs
        ctx.reverse, ctx.with_bias = reverse, b_ih is not None
        return _new_and_previous(hs, reverse)[0], _new_and_previous(cs, reverse)[0]

    @staticmethod
    def backward(ctx, dy, dc_out):
        xp = backend.of(ctx.act).xp
        act = ctx.act                                     # the gates of every step (4, T, B, H)
        _, T, B, H = act.shape
        h, h_prev = _new_and_previous(ctx.hs, ctx.reverse)   # (T, B, H) each
        c, c_prev = _new_and_previous(ctx.cs, ctx.reverse)
        dy = None if dy is None else dy._data              # ∂L/∂h_t from outside (T, B, H), or None
        dc_out = None if dc_out is None else dc_out._data  # ∂L/∂c_t from outside, or None
        w_hh = xp.reshape(ctx.w_hh, (4, H, H))            # W_k (4, H, H): δ_k W_k back to h
        dA = 1 - act                                      # (1 - gates); becomes δ step by step
        dh_next = xp.zeros_like(h[0, ...])                # δ_{t+1} W_hh: nothing after the last step
        dc_next = xp.zeros_like(h[0, ...])                # dc_{t+1} ⊙ f_{t+1}
        for t in reversed(_steps(T, ctx.reverse)):
            i, f, g, o = act[0, t, ...], act[1, t, ...], act[2, t, ...], act[3, t, ...]   # (B, H) each
            h_t = h[t, ...]
            tc = xp.tanh(c[t, ...])
            dh = dh_next if dy is None else dy[t, ...] + dh_next
            dc = o - h_t * tc                             # o ⊙ (1 - tanh²c_t)
            dc *= dh
            dc += dc_next
            if dc_out is not None:
                dc += dc_out[t, ...]
            dc_next = dc * f
            di = dc * i
            dig = di * g
            delta = dA[:, t, ...]                         # (4, B, H), a view: δ_t = (1 - act_t) ⊙ m_t
            delta[0, ...] *= dig
            delta[1, ...] *= dc_next * c_prev[t, ...]
            delta[2, ...] *= di + dig
            delta[3, ...] *= dh * h_t
            dh_next = xp.sum(xp.matmul(delta, w_hh), axis=0)   # Σ_k δ_k W_k  (B, H)
        need = ctx.needs_input_grad                       # x, h0, c0, w_ih, ...
        dx, dw_ih, dw_hh, db = _grads(dA, ctx.x, h_prev, ctx.w_ih, need[0], ctx.with_bias)
        dh0 = Tensor(dh_next) if need[1] else None
        dc0 = Tensor(dc_next) if need[2] else None
        return dx, dh0, dc0, dw_ih, dw_hh, db, _copy(db), None


# ==== GRU ======================================================================
#
#   forward   [x_r, x_z, x_n] = x_t W_ihᵀ + b_ih,   [h_r, h_z, h_n] = h_{t-1} W_hhᵀ + b_hh
#             r = σ(x_r + h_r),   z = σ(x_z + h_z),   n = tanh(x_n + r ⊙ h_n)
#             h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}  =  n + z ⊙ (h_{t-1} - n)
#   caches    r, z, n, h_n and h_t of every step
#
#   backward  With dh_t = dy_t + (what step t+1 sends back to h_t):
#                 δ_n  = dh_t ⊙ (1 - z) ⊙ (1 - n²)             (pre-activation of n)
#                 δ_z  = dh_t ⊙ (h_{t-1} - n) ⊙ z(1-z)
#                 δ_r  = δ_n ⊙ h_n ⊙ r(1-r)
#                 δ_hn = δ_n ⊙ r                                (gradient of h_n = h W_hnᵀ + b_hn)
#             The input side sees δ^x = [δ_r, δ_z, δ_n], the hidden side
#             δ^h = [δ_r, δ_z, δ_hn] (b_hn sits inside the reset product, so the
#             two differ in the n block), and h_{t-1} also gets the direct
#             path of the interpolation:
#                 step t+1 sends back  δ^h_{t+1} W_hh + dh_{t+1} ⊙ z_{t+1}
#             With z ≈ 1 the direct path copies the gradient unchanged, like
#             the LSTM's cell path with f ≈ 1.

class GRULayer(Function):
    """One direction of one layer of a GRU over a whole sequence.

    apply(x, h0, w_ih, w_hh, b_ih, b_hh, reverse):
        x (T, B, I), h0 (B, H), w_ih (3H, I), w_hh (3H, H), b_ih and b_hh (3H,) or None.
    Returns the hidden states (T, B, H) in time order.
    """

    once_differentiable = True

    @staticmethod
    def forward(ctx, x, h0, w_ih, w_hh, b_ih, b_hh, reverse):
        b = backend.of(x)
        xp = b.xp
        T, B, _ = x.shape
        H = w_hh.shape[1]
        bias = b_hn = None
        if b_ih is not None:                              # b_hr, b_hz join b_ih; b_hn cannot
            bias = xp.reshape(b_ih + xp.concat([b_hh[:2 * H], xp.zeros_like(b_hh[2 * H:])]), (3, 1, H))
            b_hn = b_hh[2 * H:]
        a = _input_projection(x, _per_gate(w_ih, 3), bias)   # x_r, x_z, x_n: (3, T, B, H), hoisted
        w_hh_t = _per_gate(w_hh, 3)                       # W_rᵀ, W_zᵀ, W_nᵀ (3, H, H)
        saved = b.zeros((4, T, B, H), x.dtype)            # r, z, n, h_n of every step
        hs = b.zeros((T + 1, B, H), x.dtype)
        hs[T if reverse else 0, ...] = h0
        for t in _steps(T, reverse):
            read, write = _slots(t, reverse)
            gh = xp.matmul(hs[read, ...], w_hh_t)         # h_r, h_z, h_n (3, B, H)
            h_n = gh[2, ...]
            if b_hn is not None:
                h_n += b_hn
            rz = gh[:2, ...]
            rz += a[:2, t, ...]
            rz = xp.tanh(0.5 * rz)                        # σ(u) = (1 + tanh(u/2)) / 2
            rz *= 0.5
            rz += 0.5
            r, z = rz[0, ...], rz[1, ...]
            n = r * h_n
            n += a[2, t, ...]
            n = xp.tanh(n)
            saved[:2, t, ...] = rz
            saved[2, t, ...] = n
            saved[3, t, ...] = h_n
            h = hs[read, ...] - n
            h *= z
            h += n
            hs[write, ...] = h
        ctx.x, ctx.w_ih, ctx.w_hh, ctx.saved, ctx.hs = x, w_ih, w_hh, saved, hs
        ctx.reverse, ctx.with_bias = reverse, b_ih is not None
        return _new_and_previous(hs, reverse)[0]

    @staticmethod
    def backward(ctx, grad):
        b = backend.of(ctx.hs)
        xp = b.xp
        dy = grad._data                                    # (T, B, H)
        T, B, H = dy.shape
        saved = ctx.saved                                 # r, z, n, h_n of every step: (4, T, B, H)
        h_prev = _new_and_previous(ctx.hs, ctx.reverse)[1]
        w_hh = xp.reshape(ctx.w_hh, (3, H, H))            # W_r, W_z, W_n: δ_k W_k back to h
        dA = b.zeros(saved.shape, dy.dtype)               # δ_r, δ_z, δ_hn, δ_n of every step
        dh_next = xp.zeros_like(dy[0, ...])
        for t in reversed(_steps(T, ctx.reverse)):
            r, z, n, h_n = saved[0, t, ...], saved[1, t, ...], saved[2, t, ...], saved[3, t, ...]   # (B, H)
            dh = dy[t, ...] + dh_next
            d_n = 1 - n * n                               # δ_n = dh ⊙ (1 - z) ⊙ (1 - n²)
            d_n *= 1 - z
            d_n *= dh
            d_z = h_prev[t, ...] - n                      # δ_z = dh ⊙ (h_{t-1} - n) ⊙ z(1-z)
            d_z *= z - z * z
            d_z *= dh
            d_r = d_n * h_n                               # δ_r = δ_n ⊙ h_n ⊙ r(1-r)
            d_r *= r - r * r
            dA[0, t, ...] = d_r
            dA[1, t, ...] = d_z
            dA[2, t, ...] = d_n * r                       # δ_hn = δ_n ⊙ r
            dA[3, t, ...] = d_n
            dh_next = xp.sum(xp.matmul(dA[:3, t, ...], w_hh), axis=0)   # δ^h_t W_hh   (B, H)
            dh_next += dh * z                             # + the interpolation's direct path
        d_hidden = dA[:3, ...]                            # δ^h = [δ_r, δ_z, δ_hn]  (3, T, B, H)
        d_input = xp.concat([dA[:2, ...], dA[3:, ...]], axis=0)   # δ^x = [δ_r, δ_z, δ_n]
        need = ctx.needs_input_grad                       # x, h0, w_ih, ...
        ones = [_ones(ctx.x)] if ctx.with_bias else []
        dw_ih, *db_ih = _sums_over_time(d_input, [ctx.x] + ones)            # db_ih: [(3H, 1)], or []
        dw_hh, *db_hh = _sums_over_time(d_hidden, [h_prev] + ones)
        if ctx.with_bias:
            db_ih, db_hh = Tensor(xp.reshape(db_ih[0], (3 * H,))), Tensor(xp.reshape(db_hh[0], (3 * H,)))
        else:
            db_ih = db_hh = None
        dx = Tensor(_input_grad(d_input, ctx.w_ih)) if need[0] else None
        dh0 = Tensor(dh_next) if need[1] else None
        return dx, dh0, Tensor(dw_ih), Tensor(dw_hh), db_ih, db_hh, None
