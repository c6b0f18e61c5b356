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
     forms the sum after the loop. The loop itself holds one (B, G) @ (G, H)
     product per step — the only work that truly is sequential.
  3. Buffers for every step are allocated once; each step writes its slice.

Glossary: B batch, T time, I input features, H hidden, G gate rows (H, 3H, 4H).
Conventions: row-vector batches, weights (out, in) as in PyTorch, gate order
i, f, g, o (LSTM) and r, z, n (GRU). δ_t = ∂L/∂a_t is the gradient with
respect to a step's pre-activations a_t (the G-wide vector inside σ / tanh).

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


def _input_projection(x, w_ih, bias):
    """x_t W_ihᵀ + bias for every step at once:  (T, B, I) -> (T, B, G)."""
    xp = backend.of(x).xp
    T, B, I = x.shape
    a = xp.matmul(xp.reshape(x, (T * B, I)), xp.permute_dims(w_ih, (1, 0)))   # (T·B, G)
    if bias is not None:
        a += bias
    return xp.reshape(a, (T, B, w_ih.shape[0]))


def _row_major_transpose(w, scale=None):
    """Wᵀ (times `scale` per column) as a fresh row-major array. BLAS multiplies
    h @ Wᵀ about 1.5× faster from a row-major copy than from the transposed view."""
    b = backend.of(w)
    wt = b.zeros((w.shape[1], w.shape[0]), w.dtype)
    wt[...] = b.xp.permute_dims(w, (1, 0)) if scale is None else b.xp.permute_dims(w, (1, 0)) * scale
    return wt


def _copy(t):
    """b_ih and b_hh get equal gradients, but each its own array, so that an
    in-place update of one .grad never changes the other."""
    return None if t is None else Tensor(backend.of(t.data).xp.asarray(t.data, copy=True))


def _flat(a):
    """(T, B, n) -> (T·B, n): every step's rows, for one product over all steps."""
    return backend.of(a).xp.reshape(a, (a.shape[0] * a.shape[1], a.shape[2]))


def _input_grads(dA, x, w_ih, need_dx, need_dw_ih, with_bias):
    """The gradients that are sums over time, each one product after the loop:
    dx_t = δ_t W_ih,  ∂L/∂W_ih = Σ_t δ_tᵀ x_t,  ∂L/∂b = Σ_t Σ_batch δ_t."""
    xp = backend.of(dA).xp
    dx = dw_ih = db = None
    if need_dx:
        dx = Tensor(xp.reshape(xp.matmul(_flat(dA), w_ih), x.shape))                  # (T, B, I)
    if need_dw_ih:
        dw_ih = Tensor(xp.matmul(xp.permute_dims(_flat(dA), (1, 0)), _flat(x)))       # (G, I)
    if with_bias:
        db = Tensor(xp.sum(dA, axis=(0, 1)))              # (G,)
    return dx, dw_ih, db


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
        bias = None if b_ih is None else b_ih + b_hh
        a = _input_projection(x, w_ih, bias)              # (T, B, H), hoisted
        w_hh_t = _row_major_transpose(w_hh)               # (H, H)
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
        dy = g.data                                       # (T, B, H)
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
        dx, dw_ih, db = _input_grads(dA, ctx.x, ctx.w_ih, need[0], need[2], ctx.with_bias)
        dw_hh = Tensor(xp.matmul(xp.permute_dims(_flat(dA), (1, 0)), _flat(h_prev)))   # Σ_t δ_tᵀ h_{t-1}
        dh0 = Tensor(dh_next) if need[1] else None
        return dx, dh0, dw_ih, dw_hh, db, _copy(db), None, None


# ==== LSTM =====================================================================
#
#   forward   [a_i, a_f, a_g, a_o] = x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh      (B, 4H)
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
#   Speed: σ(u) = (1 + tanh(u/2)) / 2, so with the i, f, o columns of the
#   projections halved in advance (scale s = ½ there, 1 for g), one tanh over
#   all 4H columns gives every gate: act = s ⊙ tanh(s ⊙ a) + (1 - s).
#   In backward, every δ above has a factor (1 - gate) — for g since
#   1 - g² = (1 - g)(1 + g) — so δ_t = (1 - act_t) ⊙ m_t with
#       m_t = [dc ⊙ i ⊙ g,  dc ⊙ f ⊙ c_{t-1},  dc ⊙ i ⊙ (1 + g),  dh ⊙ h_t]
#   using o ⊙ tanh(c_t) = h_t, and dc ⊙ f = the dc_next this step sends back.
#   (1 - act) for all steps is one pass before the loop; the loop multiplies m_t in.

class LSTMLayer(Function):
    """One direction of one layer of an LSTM over a whole sequence.

    apply(x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse):
        x (T, B, I), h0 and c0 (B, H), w_ih (4H, I), w_hh (4H, H), b_ih and b_hh (4H,) or None.
    Returns (2, T, B, H): the hidden states h_t and the cell states c_t, in time order.
    """

    once_differentiable = True

    @staticmethod
    def forward(ctx, x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse):
        b = backend.of(x)
        xp = b.xp
        T, B, _ = x.shape
        H = w_hh.shape[1]
        # s and 1 - s as full (B, 4H) arrays: NumPy multiplies two (B, 4H) arrays
        # about twice as fast as it broadcasts a (4H,) row over B rows
        s = b.full((B, 4 * H), 0.5, x.dtype)              # ½ on the σ gates, 1 on g
        s[:, 2 * H:3 * H] = 1
        shift = 1 - s                                     # ½ on the σ gates, 0 on g
        # Both projections come out scaled by s: W_ih's rows and the bias are
        # scaled here (small arrays), W_hhᵀ's columns by _row_major_transpose.
        bias = None if b_ih is None else (b_ih + b_hh) * s[0, ...]
        # act holds the input projection of every step, hoisted; step t reads
        # its slice and overwrites it with its gates i, f, g, o (no second buffer)
        act = _input_projection(x, w_ih * xp.reshape(s[0, ...], (4 * H, 1)), bias)   # (T, B, 4H)
        w_hh_t = _row_major_transpose(w_hh, s[0, ...])    # (H, 4H)
        hc = b.zeros((2, T + 1, B, H), x.dtype)           # h and c: initial state, then every step
        hs, cs = hc[0, ...], hc[1, ...]
        hs[T if reverse else 0, ...] = h0
        cs[T if reverse else 0, ...] = c0
        for t in _steps(T, reverse):
            read, write = _slots(t, reverse)
            z = xp.matmul(hs[read, ...], w_hh_t)          # (B, 4H)
            z += act[t, ...]
            z = xp.tanh(z)
            z *= s
            z += shift
            act[t, ...] = z                               # [i, f, g, o] replace the projection
            i, f, g, o = z[:, :H], z[:, H:2 * H], z[:, 2 * H:3 * H], z[:, 3 * H:]
            c = f * cs[read, ...]
            c += i * g
            cs[write, ...] = c
            hs[write, ...] = o * xp.tanh(c)
        ctx.x, ctx.w_ih, ctx.w_hh = x, w_ih, w_hh
        ctx.act, ctx.hc = act, hc
        ctx.reverse, ctx.with_bias = reverse, b_ih is not None
        return hc[:, :-1, ...] if reverse else hc[:, 1:, ...]

    @staticmethod
    def backward(ctx, grad):
        xp = backend.of(ctx.act).xp
        dy, dc_out = grad.data[0, ...], grad.data[1, ...]    # ∂L/∂h_t, ∂L/∂c_t from outside: (T, B, H)
        T, B, H = dy.shape
        act = ctx.act                                     # the gates of every step (T, B, 4H)
        h, h_prev = _new_and_previous(ctx.hc[0, ...], ctx.reverse)   # (T, B, H) each
        c, c_prev = _new_and_previous(ctx.hc[1, ...], ctx.reverse)
        dA = 1 - act                                      # (1 - gates); becomes δ step by step
        dh_next = xp.zeros_like(dy[0, ...])               # δ_{t+1} W_hh: nothing after the last step
        dc_next = xp.zeros_like(dy[0, ...])               # dc_{t+1} ⊙ f_{t+1}
        for t in reversed(_steps(T, ctx.reverse)):
            gates = act[t, ...]                           # (B, 4H)
            i, f, g, o = gates[:, :H], gates[:, H:2 * H], gates[:, 2 * H:3 * H], gates[:, 3 * H:]
            h_t = h[t, ...]                               # (B, H)
            tc = xp.tanh(c[t, ...])
            dh = dy[t, ...] + dh_next
            dc = o - h_t * tc                             # o ⊙ (1 - tanh²c_t)
            dc *= dh
            dc += dc_next
            dc += dc_out[t, ...]
            dc_next = dc * f
            di = dc * i
            dig = di * g
            m = xp.concat([dig, dc_next * c_prev[t, ...], di + dig, dh * h_t], axis=1)   # m_t  (B, 4H)
            dA[t, ...] *= m                               # δ_t = (1 - act_t) ⊙ m_t
            dh_next = xp.matmul(dA[t, ...], ctx.w_hh)     # (B, H)
        need = ctx.needs_input_grad                       # x, h0, c0, w_ih, ...
        dx, dw_ih, db = _input_grads(dA, ctx.x, ctx.w_ih, need[0], need[3], ctx.with_bias)
        dw_hh = Tensor(xp.matmul(xp.permute_dims(_flat(dA), (1, 0)), _flat(h_prev)))   # Σ_t δ_tᵀ h_{t-1}
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
        bias = None
        if b_ih is not None:                              # b_hr, b_hz join b_ih; b_hn cannot
            bias = b_ih + xp.concat([b_hh[:2 * H], xp.zeros_like(b_hh[2 * H:])])
        a = _input_projection(x, w_ih, bias)              # (T, B, 3H), hoisted
        w_hh_t = _row_major_transpose(w_hh)               # (H, 3H)
        saved = b.zeros((T, B, 4 * H), x.dtype)           # r, z, n, h_n of every step
        hs = b.zeros((T + 1, B, H), x.dtype)
        hs[T if reverse else 0, ...] = h0
        for t in _steps(T, reverse):
            read, write = _slots(t, reverse)
            gh = xp.matmul(hs[read, ...], w_hh_t)         # (B, 3H)
            h_n = gh[:, 2 * H:]
            if b_hh is not None:
                h_n += b_hh[2 * H:]
            rz = gh[:, :2 * H]
            rz += a[t, :, :2 * H]
            rz = xp.tanh(0.5 * rz)                        # σ(u) = (1 + tanh(u/2)) / 2
            rz *= 0.5
            rz += 0.5
            r, z = rz[:, :H], rz[:, H:]
            n = r * h_n
            n += a[t, :, 2 * H:]
            n = xp.tanh(n)
            saved[t, :, :2 * H] = rz
            saved[t, :, 2 * H:3 * H] = n
            saved[t, :, 3 * H:] = h_n
            h = hs[read, ...] - n
            h *= z
            h += n
            hs[write, ...] = h
        ctx.x, ctx.w_ih, ctx.w_hh, ctx.saved, ctx.hs = x, w_ih, w_hh, saved, hs
        ctx.reverse, ctx.with_bias = reverse, b_ih is not None
        return _new_and_previous(hs, reverse)[0]

    @staticmethod
    def backward(ctx, grad):
        xp = backend.of(ctx.hs).xp
        dy = grad.data                                    # (T, B, H)
        T, B, H = dy.shape
        saved = ctx.saved                                 # r, z, n, h_n of every step: (T, B, 4H)
        h_prev = _new_and_previous(ctx.hs, ctx.reverse)[1]
        dA = xp.empty_like(saved)                         # [δ_r, δ_z, δ_hn, δ_n] of every step
        dh_next = xp.zeros_like(dy[0, ...])
        for t in reversed(_steps(T, ctx.reverse)):
            step = saved[t, ...]                          # (B, 4H)
            r, z, n, h_n = step[:, :H], step[:, H:2 * H], step[:, 2 * H:3 * H], step[:, 3 * H:]
            dh = dy[t, ...] + dh_next                     # (B, H)
            delta = dA[t, ...]                            # (B, 4H), a view: written in place
            d_n = 1 - n * n                               # δ_n = dh ⊙ (1 - z) ⊙ (1 - n²)
            d_n *= 1 - z
            d_n *= dh
            d_z = h_prev[t, ...] - n                      # δ_z = dh ⊙ (h_{t-1} - n) ⊙ z(1-z)
            d_z *= z - z * z
            d_z *= dh
            d_r = d_n * h_n                               # δ_r = δ_n ⊙ h_n ⊙ r(1-r)
            d_r *= r - r * r
            delta[:, :H] = d_r
            delta[:, H:2 * H] = d_z
            delta[:, 2 * H:3 * H] = d_n * r               # δ_hn = δ_n ⊙ r
            delta[:, 3 * H:] = d_n
            dh_next = xp.matmul(delta[:, :3 * H], ctx.w_hh)   # δ^h_t W_hh          (B, H)
            dh_next += dh * z                             # + the interpolation's direct path
        d_hidden = dA[..., :3 * H]                        # δ^h  (T, B, 3H)
        d_input = xp.concat([dA[..., :2 * H], dA[..., 3 * H:]], axis=-1)   # δ^x = [δ_r, δ_z, δ_n]
        need = ctx.needs_input_grad                       # x, h0, w_ih, ...
        dx, dw_ih, db_ih = _input_grads(d_input, ctx.x, ctx.w_ih, need[0], need[2], ctx.with_bias)
        dw_hh = Tensor(xp.matmul(xp.permute_dims(_flat(d_hidden), (1, 0)), _flat(h_prev)))
        db_hh = Tensor(xp.sum(d_hidden, axis=(0, 1))) if ctx.with_bias else None
        dh0 = Tensor(dh_next) if need[1] else None
        return dx, dh0, dw_ih, dw_hh, db_ih, db_hh, None
