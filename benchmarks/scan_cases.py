"""The selective scan (Mamba's S6) forward + backward, by each of its three methods.

    sequential   a time loop of minigrad ops; BPTT by autograd
    manual       one op: the loop forwards, the adjoint loop backwards, by hand
    parallel     log-depth associative scans over chunks of the length, the
                 chunk sized by models.ssm.chunk_length
    one-chunk    the parallel method with chunk = L: one scan of depth log2(L)
                 over the whole sequence, the textbook form

Two shapes, lengths 256, 1024 and 4096:
    large   batch 8, d_inner 64, d_state 16: 8,192 numbers of state per step.
            Each step is real work, the loop's per-step overhead is amortised,
            and a scan over the whole sequence streams (B, L, D, N) arrays
            through memory: the chunked scan (chunks of 8 steps) stays in cache.
    tiny    batch 1, d_inner 4, d_state 4: 16 numbers of state per step. The
            loop is nothing but per-step overhead, which the parallel scan
            replaces with log2(L) vectorised passes (one chunk up to L = 4096).

A small Mamba block (d_model 32, so d_inner 64 and d_state 16, batch 8,
length 256) is timed the same way, one training step per scan method: its
in_proj, causal conv, x_proj and dt_proj, the scan, the gate and out_proj.

A step here is: y = selective_scan(u, Δ, A, B, C, D, z), a mean-squared loss
on every output, backward to all seven inputs. Inputs as a Mamba layer feeds
them: Δ = softplus(·) around 0.01–0.1, A = −[1..N] (S4D-real) in every channel.
"""

from functools import partial
from time import perf_counter

import numpy as np

import minigrad as mg
from benchmarks.harness import Case

METHODS = ("sequential", "manual", "parallel", "one-chunk")
BLOCK_METHODS = ("sequential", "manual", "parallel")          # MambaBlock's scan_method
SHAPES = {"large": (8, 64, 16), "tiny": (1, 4, 4)}      # (batch, d_inner, d_state)
LENGTHS = (256, 1024, 4096)
MEMORY_LENGTH = 4096
BLOCK = (8, 256, 32)           # (batch, length, d_model): d_inner 64, d_state 16, as the large scan


def size_name(batch, L, D, N):
    return f"B{batch}-D{D}-N{N}-L{L}"


def scan_inputs(batch, L, D, N):
    rng = np.random.default_rng(0)

    def leaf(a):
        return mg.tensor(a.astype(np.float32), requires_grad=True)
    u = leaf(rng.standard_normal((batch, L, D)))                                      # (B, L, D)
    delta = leaf(np.log1p(np.exp(rng.standard_normal((batch, L, D)) - 3.0)))         # (B, L, D), ~0.05
    A = leaf(-np.tile(np.arange(1, N + 1), (D, 1)))                                   # (D, N)
    B = leaf(rng.standard_normal((batch, L, N)))                                      # (B, L, N)
    C = leaf(rng.standard_normal((batch, L, N)))                                      # (B, L, N)
    D_skip = leaf(np.ones(D))                                                         # (D,)
    z = leaf(rng.standard_normal((batch, L, D)))                                      # (B, L, D)
    return [u, delta, A, B, C, D_skip, z]


def scan_step(method, batch, L, D, N):
    from minigrad.models.ssm import selective_scan
    options = {"method": "parallel", "chunk": L} if method == "one-chunk" else {"method": method}
    inputs = scan_inputs(batch, L, D, N)
    target = mg.tensor(np.random.default_rng(1).standard_normal((batch, L, D)).astype(np.float32))

    def step():
        start = perf_counter()
        for x in inputs:
            x.grad = None
        y = selective_scan(*inputs, **options)                                        # (B, L, D)
        loss = ((y - target) ** 2).mean()
        loss.backward()
        return perf_counter() - start
    return step


def block_step(method, batch, L, d_model):
    from minigrad.models.mamba import MambaBlock
    mg.manual_seed(0)
    block = MambaBlock(d_model, scan_method=method)
    rng = np.random.default_rng(0)
    u = mg.tensor(rng.standard_normal((batch, L, d_model)).astype(np.float32))          # (B, L, d_model)
    target = mg.tensor(rng.standard_normal((batch, L, d_model)).astype(np.float32))     # (B, L, d_model)

    def step():
        start = perf_counter()
        block.zero_grad()
        loss = ((block(u) - target) ** 2).mean()
        loss.backward()
        return perf_counter() - start
    return step


def cases():
    out = []
    for batch, D, N in SHAPES.values():
        for L in LENGTHS:
            base = f"scan/{size_name(batch, L, D, N)}"
            sequential = f"{base}/sequential"
            for method in METHODS:
                ratios = {"sequential": (), "manual": (("sequential", sequential),),
                          "parallel": (("sequential", sequential), ("manual", f"{base}/manual")),
                          "one-chunk": (("sequential", sequential), ("parallel", f"{base}/parallel"))}[method]
                out.append(Case(f"{base}/{method}", partial(scan_step, method, batch, L, D, N), ratios=ratios))
    batch, L, d_model = BLOCK
    base = f"mamba-block/B{batch}-L{L}-dm{d_model}"
    for method in BLOCK_METHODS:
        ratios = () if method == "sequential" else (("sequential", f"{base}/sequential"),)
        out.append(Case(f"{base}/{method}", partial(block_step, method, batch, L, d_model), ratios=ratios))
    batch, D, N = SHAPES["large"]
    one_tensor = batch * MEMORY_LENGTH * D * N * 4
    note = f"one ({batch}, {MEMORY_LENGTH}, {D}, {N}) float32 tensor: {one_tensor / 2 ** 20:.0f} MiB"
    for method in METHODS:
        out.append(Case(f"memory/scan/{size_name(batch, MEMORY_LENGTH, D, N)}/{method}",
                        partial(scan_step, method, batch, MEMORY_LENGTH, D, N), kind="memory", note=note))
    return out
