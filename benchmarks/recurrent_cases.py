"""One training step of RNN, LSTM and GRU: minigrad's two paths, PyTorch, and the floor.

A training step is: forward over the whole sequence (time-major input
(T, B, I), no initial state), a mean-squared loss on every output against a
fixed target, backward to every parameter. No optimizer update (it is the
same few array ops for every library). The input is data and requires no
gradient, as in a first layer.

    manual     models.{RNN,LSTM,GRU}(bptt="manual"): one op per layer, BPTT by hand
    autograd   models.{RNN,LSTM,GRU}(bptt="autograd"): the time loop in minigrad ops
    torch      torch.nn.{RNN,LSTM,GRU} on the CPU, at the same thread count
    floor      the matrix products the step cannot avoid, alone, in NumPy with
               preallocated outputs — what any implementation on this BLAS pays:

      forward    X Wᵢₕᵀ          (T·B, I) @ (I, G)    the input projection, all steps at once
                 hₜ₋₁ Wₕₕᵀ       (B, H) @ (H, G)      T times, one per step (h must be known first)
      backward   dAₜ Wₕₕ         (B, G) @ (G, H)      T times: the gradient into hₜ₋₁
                 dAᵀ H₋₁         (G, T·B) @ (T·B, H)  ∂Wₕₕ, one product over all steps
                 dAᵀ X           (G, T·B) @ (T·B, I)  ∂Wᵢₕ, one product over all steps

   with G = H, 4H, 3H gate rows for RNN, LSTM, GRU, and dA the gradient of the
   pre-activations. No dX: the input requires no gradient. Each per-step
   product is taken in the faster of two forms, timed at set-up outside the
   clock: as above, or batched per gate as models/bptt.py does it,
   (B, H) @ (gates, H, H) forward and (gates, B, H) @ (gates, H, H) backward
   (at B = 32, H = 128 the batched form is about 1/3 faster forward and 1/6
   backward for the LSTM; at B = 64, H = 256 the single product is a few
   percent faster). The hoisted products are single 2-D products, which beat
   their batched forms.
"""

import timeit
from functools import partial
from time import perf_counter

import numpy as np

import minigrad as mg
from benchmarks.harness import Case

SIZES = [(32, 100, 64, 128), (64, 128, 256, 256)]      # (B, T, I, H)
GATES = {"rnn": 1, "lstm": 4, "gru": 3}                  # G = gates · H
MODEL_NAMES = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}
MEMORY_SIZE = (32, 1000, 64, 128)                        # the length-1,000 LSTM step


def size_name(B, T, I, H):
    return f"B{B}-T{T}-I{I}-H{H}"


def minigrad_step(kind, bptt, B, T, I, H):
    from minigrad import models
    mg.manual_seed(0)
    layer = getattr(models, MODEL_NAMES[kind])(I, H, bptt=bptt)
    x = mg.randn(T, B, I)                                # (T, B, I)
    target = mg.randn(T, B, H)                           # (T, B, H)

    def step():
        start = perf_counter()
        layer.zero_grad()
        out, _ = layer(x)                                # (T, B, H)
        loss = ((out - target) ** 2).mean()
        loss.backward()
        return perf_counter() - start
    return step


def torch_step(kind, B, T, I, H):
    import torch
    torch.manual_seed(0)
    layer = getattr(torch.nn, MODEL_NAMES[kind])(I, H)
    x = torch.randn(T, B, I)
    target = torch.randn(T, B, H)

    def step():
        start = perf_counter()
        layer.zero_grad(set_to_none=True)
        out, _ = layer(x)
        loss = ((out - target) ** 2).mean()
        loss.backward()
        return perf_counter() - start
    return step


def floor_step(kind, B, T, I, H):
    gates = GATES[kind]
    G = gates * H
    rng = np.random.default_rng(0)

    def rand(*shape):
        return rng.standard_normal(shape, dtype=np.float32)
    X, W_ih, W_hh = rand(T * B, I), rand(G, I), rand(G, H)
    # Wᵀ copied to row-major once, outside the clock: for these thin products
    # OpenBLAS runs faster on it than on the transposed view.
    W_ih_t, W_hh_t = np.ascontiguousarray(W_ih.T), np.ascontiguousarray(W_hh.T)   # (I, G), (H, G)
    W_hh_k = W_hh.reshape(gates, H, H)                                            # W_k (gates, H, H)
    W_hh_kt = np.ascontiguousarray(W_hh_k.transpose(0, 2, 1))                     # W_kᵀ
    H_prev, dA = rand(T, B, H), rand(T, B, G)             # stand-ins for the states and gate gradients
    dA_k = rand(T, gates, B, H)                           # the same, per gate, for the per-step products
    Ax, dW_ih, dW_hh = np.empty((T * B, G), np.float32), np.empty((G, I), np.float32), np.empty((G, H), np.float32)
    Ah, Ah_k = np.empty((B, G), np.float32), np.empty((gates, B, H), np.float32)
    dh, dh_k = np.empty((B, H), np.float32), np.empty((gates, B, H), np.float32)
    forward = _faster(T, lambda t: np.matmul(H_prev[t], W_hh_t, out=Ah),           # (B, G)
                      lambda t: np.matmul(H_prev[t], W_hh_kt, out=Ah_k))        # (gates, B, H)
    backward = _faster(T, lambda t: np.matmul(dA[t], W_hh, out=dh),               # (B, H)
                       lambda t: np.matmul(dA_k[t], W_hh_k, out=dh_k))          # (gates, B, H), then Σ_k

    def step():
        start = perf_counter()
        np.matmul(X, W_ih_t, out=Ax)                     # (T·B, G)
        for t in range(T):
            forward(t)
        for t in reversed(range(T)):
            backward(t)
        dA_all = dA.reshape(T * B, G)
        np.matmul(dA_all.T, H_prev.reshape(T * B, H), out=dW_hh)   # (G, H)
        np.matmul(dA_all.T, X, out=dW_ih)                          # (G, I)
        return perf_counter() - start
    return step


def _faster(T, *forms):
    """Of functions of a step t doing the same product, the one that runs
    fastest here (best of 5 rounds of up to 10 steps, timed outside any clock)."""
    def steps(form):
        return lambda: [form(t) for t in range(min(T, 10))]
    return min(forms, key=lambda form: min(timeit.repeat(steps(form), number=1, repeat=5)))


def cases():
    out = []
    for kind in ("rnn", "lstm", "gru"):
        for size in SIZES:
            base = f"{kind}/{size_name(*size)}"
            floor, torch = f"{base}/floor", f"{base}/torch"
            out += [
                Case(f"{base}/manual", partial(minigrad_step, kind, "manual", *size),
                     ratios=(("torch", torch), ("floor", floor))),
                Case(f"{base}/autograd", partial(minigrad_step, kind, "autograd", *size),
                     ratios=(("torch", torch), ("floor", floor))),
                Case(torch, partial(torch_step, kind, *size), requires=("torch",), ratios=(("floor", floor),)),
                Case(floor, partial(floor_step, kind, *size)),
            ]
    B, T, I, H = MEMORY_SIZE
    activations = T * B * (6 * H) * 4                     # gates (4H), c and h (2H) per step, float32
    note = f"its gates, c and h at every step, float32: {activations / 2 ** 20:.1f} MiB"
    for bptt in ("manual", "autograd"):
        out.append(Case(f"memory/lstm/{size_name(*MEMORY_SIZE)}/{bptt}",
                        partial(minigrad_step, "lstm", bptt, *MEMORY_SIZE), kind="memory", note=note))
    return out
