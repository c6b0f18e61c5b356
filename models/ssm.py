"""The selective scan of Mamba's S6 layer, three ways.

Gu & Dao, "Mamba: Linear-Time Sequence Modeling with Selective State Spaces"
(2023), Algorithm 2 and Section 3.3. Reference code: state-spaces/mamba,
`selective_scan_ref` in mamba_ssm/ops/selective_scan_interface.py.

Glossary (the paper's letters; the paper's D for channels is `d_inner` here,
to keep D for the skip connection):
    B   batch               L   length (time)
    Dn  d_inner, channels   N   d_state, state size per channel

    u, Δ, z   (B, L, Dn)   input, step size (Δ > 0), gate
    A         (Dn, N)      continuous-time decay rates (negative)
    B, C      (B, L, N)    input and output projections, one per time step
    D         (Dn,)        skip connection

The recurrence, with one state h of shape (B, Dn, N) per sequence and h_{-1} = 0:

    Ā_t = exp(Δ_t A)                    zero-order hold for A          (B, Dn, N)
    B̄_t u_t = Δ_t B_t u_t               Euler step for B               (B, Dn, N)
    h_t = Ā_t ⊙ h_{t-1} + B̄_t u_t
    y_t = Σ_n C_t[n] h_t[..., n] + D ⊙ u_t                             (B, Dn)
    out = y ⊙ silu(z)                   (when a gate z is given)

The mix of zero-order hold for A and Euler for B is the paper's code, kept
on purpose (maintainers in state-spaces/mamba issue #114): for small Δ the
two agree to first order, and Euler is cheaper.

Why this escapes the RNN's sequential bottleneck. An RNN's h_t = tanh(W h_{t-1}
+ ...) can only be computed after h_{t-1}. Here the step is *linear* in h:
h_t = a_t h_{t-1} + b_t. Two such steps compose into one of the same form,

    (a₁, b₁) ∘ (a₂, b₂) = (a₁ a₂,  a₂ b₁ + b₂),

and composition is associative, so the L steps can be combined in any
bracketing — as a tree of depth log₂ L, each level a vectorised operation
over the whole sequence. That is the "parallel" method below. The selection
(Δ, B, C depend on the input) makes the coefficients vary in time, which rules
out the convolution trick of earlier SSMs, but not the scan.

Three methods, all giving the same numbers:
    "sequential"  a time loop of minigrad ops mirroring the equations;
                  backpropagation through time by autograd. The reference.
    "manual"      one op: the forward loop, and a hand-written backward loop
                  running the adjoint recurrence; memory O(√L) states.
    "parallel"    one op: a log-depth associative scan for the forward and
                  for the backward (itself a reversed linear scan), over
                  chunks of the length sized to fill the vector units and
                  stay in cache; few but wide vectorised operations.

The skip D ⊙ u and the gate silu(z) are ordinary minigrad ops applied to the
scan's output, shared by the three methods; each method computes
y_t = Σ_n C_t[n] h_t[..., n].
"""

import math

from minigrad import backend, ops
from minigrad.autograd import Function
from minigrad.tensor import Tensor, zeros

METHODS = ("sequential", "manual", "parallel")


def selective_scan(u, delta, A, B, C, D=None, z=None, method="manual", chunk=None):
    """The S6 selective scan: h_t = exp(Δ_t A) ⊙ h_{t-1} + Δ_t B_t u_t,  y_t = h_t C_t + D ⊙ u_t.

    Args:
        u: (B, L, Dn) input.
        delta: (B, L, Dn) step sizes Δ, positive (softplus of a projection in Mamba).
        A: (Dn, N) decay rates, negative (A = -exp(A_log)).
        B: (B, L, N) input projection.
        C: (B, L, N) output projection.
        D: (Dn,) skip connection, or None for none.
        z: (B, L, Dn) gate, or None; the output is then y ⊙ silu(z).
        method: "sequential", "manual" or "parallel" (see the module docstring).
        chunk: the parallel method's steps per chunk (see ParallelScan); None
            picks chunk_length(B, Dn, N), and chunk >= L scans the whole
            sequence at once.
    Returns:
        (B, L, Dn), the dtype and device of u.
    """
    _check(u, delta, A, B, C, D, z, method, chunk)
    if method == "sequential":
        y = _scan_sequential(u, delta, A, B, C)
    elif method == "manual":
        y = ManualScan.apply(u, delta, A, B, C)
    else:
        if chunk is None:
            chunk = chunk_length(u.shape[0], u.shape[2], A.shape[1])
        y = ParallelScan.apply(u, delta, A, B, C, chunk)
    if D is not None:
        y = y + u * D                     # (B, L, Dn) + (B, L, Dn) ⊙ (Dn,)
    if z is not None:
        y = y * ops.silu(z)
    return y


# ---- "sequential": the equations as a loop of minigrad ops -------------------

def _scan_sequential(u, delta, A, B, C):
    batch, length, d_inner = u.shape
    d_state = A.shape[1]
    h = zeros(batch, d_inner, d_state, dtype=backend.dtype_name(u.dtype), device=u.device)   # h_{-1} = 0
    ys = []
    for t in range(length):
        delta_t = delta[:, t, :, None]                           # (B, Dn, 1)
        A_bar = ops.exp(delta_t * A)                             # (B, Dn, N)
        Bu = delta_t * u[:, t, :, None] * B[:, t, None, :]       # (B, Dn, N)
        h = A_bar * h + Bu                                       # (B, Dn, N)
        y_t = h @ C[:, t, :, None]                               # (B, Dn, 1)
        ys.append(ops.reshape(y_t, (batch, d_inner)))            # (B, Dn)
    return ops.stack(ys, axis=1)                                 # (B, L, Dn)


# ---- "manual": forward loop, hand-written adjoint loop, checkpoints ----------

def _step(xp, h, u_t, delta_t, A, B_t):
    """One step of the recurrence on raw arrays; returns (Ā_t, h_t)."""
    A_bar = xp.exp(delta_t[:, :, None] * A)                      # (B, Dn, N)
    Bu = (delta_t * u_t)[:, :, None] * B_t[:, None, :]           # (B, Dn, N)
    return A_bar, A_bar * h + Bu


def checkpoint_interval(length):
    """Steps between saved states, ⌈√L⌉ (for L ≥ 1): L/K checkpoints and a
    segment of K states cost least together when K = √L."""
    return math.isqrt(length - 1) + 1


class ManualScan(Function):
    """y_t = Σ_n C_t[n] h_t[..., n] by an explicit loop, differentiated by hand.

    Memory. Storing every state h_t for the backward pass would cost one
    (B, L, Dn, N) tensor — N times the input, 134 MB in float32 at B = 8,
    L = 4096, Dn = 64, N = 16. Mamba's CUDA kernel does not store them: it
    recomputes the states in fast on-chip memory during the backward pass.
    We do the same in spirit with checkpoints: the forward pass keeps only
    the state entering every K-th step (K = ⌈√L⌉), and the backward pass
    recomputes one segment of K states at a time from its checkpoint. Memory
    for states: L/K checkpoints + one segment's K states and K decays Ā_t
    ≈ 3√L arrays of (B, Dn, N) instead of L (192 instead of 4096 at
    L = 4096). The price: the forward recurrence runs twice, roughly a
    quarter more work for the whole forward + backward. Ā_t = exp(Δ_t A) is
    formed inside the loop, one step at a time, never as a (B, L, Dn, N) tensor.
    """

    once_differentiable = True

    @staticmethod
    def forward(ctx, u, delta, A, B, C):
        xp = backend.of(u).xp
        batch, length, d_inner = u.shape
        every = checkpoint_interval(length)
        h = backend.of(u).zeros((batch, d_inner, A.shape[1]), u.dtype)    # h_{-1} = 0
        checkpoints, ys = [], []
        for t in range(length):
            if t % every == 0:
                checkpoints.append(h)                                       # the state entering step t
            _, h = _step(xp, h, u[:, t, :], delta[:, t, :], A, B[:, t, :])
            ys.append(xp.matmul(h, C[:, t, :, None])[:, :, 0])             # (B, Dn)
        ctx.save_for_backward(u, delta, A, B, C)
        ctx.checkpoints, ctx.every = checkpoints, every
        return xp.stack(ys, axis=1)                                         # (B, L, Dn)

    # The adjoint recurrence, run backwards. With g_y = ∂L/∂y (B, L, Dn):
    #
    #   y_t = Σ_n C_t[n] h_t[n]      →  direct gradient into h_t:  g_t = g_y,t ⊗ C_t        (B, Dn, N)
    #                                    ∂C_t[n] = Σ_d g_y,t[d] h_t[d, n]
    #   h_t feeds h_{t+1} = Ā_{t+1} ⊙ h_t + ...,  so the total gradient of h_t is
    #       Ḡ_t = g_t + Ā_{t+1} ⊙ Ḡ_{t+1},        Ḡ_L = 0
    #   h_t = Ā_t ⊙ h_{t-1} + Δ_t B_t u_t   →  ∂Ā_t = Ḡ_t ⊙ h_{t-1},   ∂(Δ_t B_t u_t) = Ḡ_t
    #   Ā_t = exp(Δ_t A)                    →  with s_t = ∂Ā_t ⊙ Ā_t:
    #       ∂Δ_t[d] += Σ_n s_t[d, n] A[d, n],      ∂A[d, n] += Σ_b s_t[d, n] Δ_t[d]
    #   Δ_t B_t u_t, with r_t[d] = Σ_n Ḡ_t[d, n] B_t[n]:
    #       ∂u_t = r_t Δ_t,   ∂Δ_t += r_t u_t,   ∂B_t[n] = Σ_d Ḡ_t[d, n] Δ_t[d] u_t[d]
    #
    # `carry` holds Ā_{t+1} ⊙ Ḡ_{t+1}, the part of Ḡ_t that comes from the future.
    @staticmethod
    def backward(ctx, grad):
        u, delta, A, B, C = (t._data for t in ctx.saved_tensors)
        b = backend.of(u)
        xp = b.xp
        g_y = grad._data                                                     # (B, L, Dn)
        batch, length, d_inner = u.shape
        d_state = A.shape[1]
        du, ddelta = b.zeros(u.shape, u.dtype), b.zeros(u.shape, u.dtype)   # (B, L, Dn)
        dB, dC = b.zeros(B.shape, u.dtype), b.zeros(B.shape, u.dtype)       # (B, L, N)
        dA = b.zeros(A.shape, u.dtype)                                      # (Dn, N)
        carry = b.zeros((batch, d_inner, d_state), u.dtype)                 # Ā_L ⊙ Ḡ_L = 0
        for segment in reversed(range(len(ctx.checkpoints))):
            start = segment * ctx.every
            stop = min(start + ctx.every, length)
            # recompute this segment's states from its checkpoint: states[i] = h_{start+i-1}
            states, decays = [ctx.checkpoints[segment]], []
            for t in range(start, stop):
                A_bar, h = _step(xp, states[-1], u[:, t, :], delta[:, t, :], A, B[:, t, :])
                decays.append(A_bar)
                states.append(h)
            for t in reversed(range(start, stop)):
                A_bar, h_prev, h = decays[t - start], states[t - start], states[t - start + 1]
                u_t, delta_t, g_y_t = u[:, t, :], delta[:, t, :], g_y[:, t, :]      # (B, Dn)
                G = g_y_t[:, :, None] * C[:, t, None, :] + carry                      # Ḡ_t (B, Dn, N)
                dC[:, t, :] = xp.matmul(g_y_t[:, None, :], h)[:, 0, :]                 # (B, N)
                r = xp.matmul(G, B[:, t, :, None])[:, :, 0]                            # (B, Dn)
                dB[:, t, :] = xp.matmul((delta_t * u_t)[:, None, :], G)[:, 0, :]       # (B, N)
                s = G * h_prev * A_bar                                                 # (B, Dn, N)
                du[:, t, :] = r * delta_t
                ddelta[:, t, :] = r * u_t + xp.sum(s * A, axis=-1)
                dA = dA + xp.sum(s * delta_t[:, :, None], axis=0)
                carry = A_bar * G
        return Tensor(du), Tensor(ddelta), Tensor(dA), Tensor(dB), Tensor(dC)


# ---- "parallel": a log-depth associative scan, chunk by chunk ----------------

def linear_scan(a, b):
    """h_t = a_t ⊙ h_{t-1} + b_t along axis 0, with h_{-1} = 0, in log₂ L levels.

    Odd-even reduction (the recursive form of Blelloch's work-efficient scan):
    compose neighbours (2i, 2i+1) into one step with (a₁, b₁) ∘ (a₂, b₂) =
    (a₁a₂, a₂b₁ + b₂); scan the half-length sequence of pairs, which gives
    h at the odd positions; then one more step from each of those gives h at
    the even positions. Work O(L), depth O(log L), every level a few
    vectorised operations over the whole sequence.

    Only products and sums of the a_t, never a division: formulas that divide
    by a cumulative product Π a_k break once the product underflows to 0
    (after a few thousand steps of a_t = 0.95 in float32), and this one stays
    exact there, including when a_t itself is 0.

    Memory: h is written over b, level by level, so the scan allocates only
    the half-length pairs of each level (L in all) — on a CPU, touching fresh
    memory costs as much as the arithmetic.

    Args:
        a, b: (L, ...) arrays of one shape, time first. b is overwritten.
    Returns:
        h: (L, ...), the array b now holds.
    """
    length = a.shape[0]
    if length == 1:
        return b                                                   # h_0 = a_0 ⊙ 0 + b_0
    half = length // 2                                             # number of (even, odd) pairs
    a_even, a_odd = a[0::2, ...], a[1::2, ...]                     # (⌈L/2⌉, ...), (⌊L/2⌋, ...)
    b_even, b_odd = b[0::2, ...], b[1::2, ...]
    a_pair = a_even[:half, ...] * a_odd                            # step 2i then step 2i+1
    b_pair = a_odd * b_even[:half, ...]
    b_pair += b_odd
    h_odd = linear_scan(a_pair, b_pair)                            # h_1, h_3, h_5, ...
    # h_{2i} = a_{2i} ⊙ h_{2i-1} + b_{2i} for i ≥ 1; h_0 = b_0 is in place already
    b[2::2, ...] += a_even[1:, ...] * h_odd[:a_even.shape[0] - 1, ...]
    b[1::2, ...] = h_odd
    return b


PARALLEL_WIDTH = 2 ** 16    # numbers of state in one chunk of the parallel scan (256 KiB in float32)


def chunk_length(batch, d_inner, d_state):
    """Steps per chunk of the parallel scan: enough that a chunk holds about
    PARALLEL_WIDTH numbers of state, at least one. 8 steps at B·Dn·N = 8192,
    4096 steps at B·Dn·N = 16 (see ParallelScan)."""
    return max(1, PARALLEL_WIDTH // (batch * d_inner * d_state))


def _chunk_states(xp, h_in, u, delta, A, B):
    """Ā_t and h_t for the K steps of one chunk, time-major, from the state
    h_in entering it: u, Δ (K, B, Dn), B (K, B, N), h_in (B, Dn, N) ->
    Ā, h (K, B, Dn, N)."""
    A_bar = xp.exp(delta[..., None] * A)                           # Ā_t = exp(Δ_t A)
    Bu = (delta * u)[..., None] * B[:, :, None, :]                 # B̄_t u_t = Δ_t B_t u_t
    Bu[0, ...] += A_bar[0, ...] * h_in                             # the chunk starts from h_in, not 0
    return A_bar, linear_scan(A_bar, Bu)


def _swap_batch_time(xp, x):
    """(B, L, ...) <-> (L, B, ...), a view."""
    return xp.permute_dims(x, (1, 0) + tuple(range(2, x.ndim)))


def _time_major(b, x):
    """(B, L, ...) -> (L, B, ...) as a new array laid out time-major, so that
    a chunk of steps is one block of memory: the op runs about a fifth
    faster than on strided views of (B, L, ...) inputs."""
    swapped = _swap_batch_time(b.xp, x)
    out = b.zeros(swapped.shape, x.dtype)
    out[...] = swapped
    return out


class ParallelScan(Function):
    """y_t = Σ_n C_t[n] h_t[..., n], the states from associative scans over chunks of the length.

    A scan turns time into width: linear_scan does the K steps of a chunk in
    log₂ K rounds, each round one vectorised operation over all K steps'
    states at once. Width pays only until each operation is wide enough to
    hide its fixed cost per call; past that point, a wider operation just
    streams arrays that no longer fit in cache, and the scan's extra work
    (about twice the loop's arithmetic, and passes over K·B·Dn·N numbers
    instead of B·Dn·N) costs more than it saves. So the op scans the sequence
    in chunks of K steps: log-depth inside a chunk, and from one chunk to the
    next the carried state, which enters as the first step's h_{-1} — the
    structure of Mamba's CUDA kernel, which scans chunks of 2048 steps inside
    a thread block and carries the running state from chunk to chunk.

    K comes from chunk_length: a chunk holds about 65,536 numbers of state.
    With a tiny state (B·Dn·N = 16) that is the whole of a 4096-step sequence,
    one scan of depth 12 where the loop takes 4096 steps; with a state of
    8192 numbers K = 8, and the width comes from the state itself. chunk = L
    gives the textbook form, one scan of depth log₂ L over all L·B·Dn·N
    numbers — the right choice on a GPU, where each round is one kernel over
    all of them (`python -m benchmarks scan` times both here).

    Memory, as in ManualScan: the forward keeps the state entering each chunk,
    and the backward recomputes one chunk's Ā and h from it: L/K + a few K
    states of (B, Dn, N), never a (B, L, Dn, N) tensor (unless K = L). The
    last chunk's Ā and h the forward keeps as they are: the backward needs
    them first, and with a single chunk nothing is recomputed at all.

    Backward, one chunk at a time from the last. With Q_t = Ā_t ⊙ Ḡ_t — the
    gradient step t passes back to h_{t-1} — the adjoint recurrence of
    ManualScan.backward, Ḡ_t = g_t + Ā_{t+1} ⊙ Ḡ_{t+1}, becomes
        Q_t = Ā_t ⊙ g_t + Ā_t ⊙ Q_{t+1},
    a linear recurrence with the forward's own coefficients, run from the
    end: linear_scan again, on the time-reversed chunk. Q at the first step
    of the next chunk is the carry, added to g at the chunk's last step. Then
    Ḡ_t = g_t + Q_{t+1}, and the gradient into exp(Δ_t A) is
    s_t = ∂Ā_t ⊙ Ā_t = Q_t ⊙ h_{t-1}; the other equations are ManualScan's,
    for all K steps at once.
    """

    once_differentiable = True

    @staticmethod
    def forward(ctx, u, delta, A, B, C, chunk):
        b = backend.of(u)
        xp = b.xp
        batch, length, d_inner = u.shape
        u_T, delta_T, B_T, C_T = (_time_major(b, x) for x in (u, delta, B, C))   # (L, B, ...)
        h = b.zeros((batch, d_inner, A.shape[1]), u.dtype)                # h_{-1} = 0
        y = b.zeros((length, batch, d_inner), u.dtype)                     # time-major
        checkpoints = []
        for start in range(0, length, chunk):
            k = slice(start, min(start + chunk, length))
            checkpoints.append(h)                                          # the state entering the chunk
            A_bar, h_k = _chunk_states(xp, h, u_T[k, ...], delta_T[k, ...], A, B_T[k, ...])   # (K, B, Dn, N)
            y[k, ...] = xp.matmul(h_k, C_T[k, ..., None])[..., 0]          # (K, B, Dn)
            h = xp.astype(h_k[-1, ...], h_k.dtype, copy=True)             # a view would keep the chunk alive
        ctx.save_for_backward(u, delta, A, B, C)
        ctx.checkpoints, ctx.chunk = checkpoints, chunk
        ctx.last_chunk = A_bar, h_k                                        # the backward starts there
        return _swap_batch_time(xp, y)                                     # (B, L, Dn)

    @staticmethod
    def backward(ctx, grad):
        u, delta, A, B, C = (t._data for t in ctx.saved_tensors)
        b = backend.of(u)
        xp = b.xp
        u, delta, B, C, g_y = (_time_major(b, x) for x in (u, delta, B, C, grad._data))   # (L, B, ...)
        du, ddelta = b.zeros(u.shape, u.dtype), b.zeros(u.shape, u.dtype)   # (L, B, Dn)
        dB, dC = b.zeros(B.shape, u.dtype), b.zeros(B.shape, u.dtype)       # (L, B, N)
        dA = b.zeros(A.shape, u.dtype)                                      # (Dn, N)
        Q_next = b.zeros(ctx.checkpoints[0].shape, u.dtype)                # Q at the next chunk's first step
        ones = b.full((A.shape[1], 1), 1.0, u.dtype)                        # Σ_n as a product: NumPy's sum over
                                                                            # a short last axis is several times slower
        for segment in reversed(range(len(ctx.checkpoints))):
            k = slice(segment * ctx.chunk, min((segment + 1) * ctx.chunk, u.shape[0]))
            h_in = ctx.checkpoints[segment]                                # (B, Dn, N)
            if segment == len(ctx.checkpoints) - 1:
                A_bar, h = ctx.last_chunk                                  # kept by the forward (K, B, Dn, N)
            else:
                A_bar, h = _chunk_states(xp, h_in, u[k, ...], delta[k, ...], A, B[k, ...])   # recomputed
            g = g_y[k, ..., None] * C[k, :, None, :]                       # ∂y_t/∂h_t part (K, B, Dn, N)
            g[-1, ...] += Q_next                                           # the last state also feeds the next chunk
            Q = xp.flip(linear_scan(xp.flip(A_bar, axis=0), xp.flip(A_bar * g, axis=0)), axis=0)
            G = g
            G[:-1, ...] += Q[1:, ...]                                      # Ḡ_t = g_t + Q_{t+1}
            Q_next = A_bar[0, ...] * G[0, ...]                              # Q at this chunk's first step
            s = Q                                                          # s_t = Q_t ⊙ h_{t-1}, in place
            s[1:, ...] *= h[:-1, ...]
            s[0, ...] *= h_in
            r = xp.matmul(G, B[k, ..., None])[..., 0]                      # Σ_n Ḡ_t B_t (K, B, Dn)
            du[k, ...] = r * delta[k, ...]
            ddelta[k, ...] = r * u[k, ...] + xp.matmul(s * A, ones)[..., 0]   # + Σ_n s_t A
            s *= delta[k, ..., None]
            dA = dA + xp.sum(s, axis=(0, 1))                                # Σ_{t,b} s_t Δ_t (Dn, N)
            dB[k, ...] = xp.matmul((delta[k, ...] * u[k, ...])[:, :, None, :], G)[:, :, 0, :]   # Σ_d Ḡ_t Δ_t u_t
            dC[k, ...] = xp.matmul(g_y[k, :, None, :], h)[:, :, 0, :]                          # Σ_d g_y,t h_t
        return (Tensor(_swap_batch_time(xp, du)), Tensor(_swap_batch_time(xp, ddelta)), Tensor(dA),
                Tensor(_swap_batch_time(xp, dB)), Tensor(_swap_batch_time(xp, dC)), None)


# ---- checking the arguments --------------------------------------------------

def _check(u, delta, A, B, C, D, z, method, chunk):
    named = {"u": u, "delta": delta, "A": A, "B": B, "C": C, "D": D, "z": z}
    for name, x in named.items():
        if x is not None and not isinstance(x, Tensor):
            raise TypeError(f"selective_scan: {name} must be a Tensor, got {type(x).__name__}")
    if method not in METHODS:
        raise ValueError(f"selective_scan: unknown method {method!r}; expected one of {METHODS}")
    if chunk is not None and method != "parallel":
        raise ValueError(f"selective_scan: chunk is an option of the parallel method, got chunk={chunk!r} "
                         f"with method={method!r}")
    if chunk is not None and (not isinstance(chunk, int) or isinstance(chunk, bool) or chunk < 1):
        raise ValueError(f"selective_scan: chunk must be a positive int (steps per chunk), got {chunk!r}")
    if u.ndim != 3:
        raise ValueError(f"selective_scan: u must have 3 dims (batch, length, d_inner), got shape {u.shape}")
    batch, length, d_inner = u.shape
    if length == 0:
        raise ValueError(f"selective_scan: u has length 0 (shape {u.shape}); the scan needs at least one step")
    if A.ndim != 2 or A.shape[0] != d_inner:
        raise ValueError(f"selective_scan: A must have shape (d_inner, d_state) = ({d_inner}, N), "
                         f"got {A.shape}")
    d_state = A.shape[1]
    expected = {"delta": u.shape, "B": (batch, length, d_state), "C": (batch, length, d_state),
                "D": (d_inner,), "z": u.shape}
    what = {"delta": "u's shape (batch, length, d_inner)", "B": "(batch, length, d_state)",
            "C": "(batch, length, d_state)", "D": "(d_inner,)", "z": "u's shape (batch, length, d_inner)"}
    for name, shape in expected.items():
        x = named[name]
        if x is not None and x.shape != shape:
            raise ValueError(f"selective_scan: {name} must have {what[name]} = {shape}, got {x.shape}")
    dtypes = {name: backend.dtype_name(x.dtype) for name, x in named.items() if x is not None}
    if dtypes["u"] not in backend.FLOAT_DTYPES or len(set(dtypes.values())) > 1:
        raise TypeError(f"selective_scan: all inputs must share one floating dtype, got {dtypes}")
    devices = {name: x.device for name, x in named.items() if x is not None}
    if len(set(devices.values())) > 1:
        raise RuntimeError(f"selective_scan: all inputs must be on one device, got {devices}")
