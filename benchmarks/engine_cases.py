"""The engine's own cost: a chain of tiny ops, where the arithmetic is nearly free.

On arrays of 16 numbers NumPy's work per op is a fraction of a microsecond, so
the time per op is the price of the machinery around it: NumPy's call and
allocation (the floor every array library pays), then minigrad's Function.apply
(unwrapping Tensors, the device check, the graph node, the output Tensor) and,
in backward, the topological sort, the summing of gradients and the node's
backward written with Tensor ops. This is what a model built of many small ops
— an RNN's time loop of elementwise gates — pays on every step.

The chain is `x = tanh(x * 0.9 + 0.1)` repeated: 3 ops per block. The NumPy
rows compute the same chain, forward and its backward by hand
(dx = g · (1 − y²) · 0.9), with no engine at all.
"""

from time import perf_counter

import numpy as np

import minigrad as mg
from benchmarks.harness import Case

BLOCKS = 100
OPS = 3 * BLOCKS          # mul, add, tanh per block
SIZE = 16


def _x():
    return np.linspace(-1.0, 1.0, SIZE, dtype=np.float32)


def _chain(x):
    for _ in range(BLOCKS):
        x = mg.tanh(x * 0.9 + 0.1)
    return x


def forward_recording():
    x = mg.tensor(_x(), requires_grad=True)

    def step():
        start = perf_counter()
        _chain(x)
        return perf_counter() - start
    return step


def forward_no_grad():
    x = mg.tensor(_x(), requires_grad=True)

    def step():
        start = perf_counter()
        with mg.no_grad():
            _chain(x)
        return perf_counter() - start
    return step


def backward():
    x = mg.tensor(_x(), requires_grad=True)
    g = mg.ones(SIZE)

    def step():
        y = _chain(x)                    # built outside the clock
        x.grad = None
        start = perf_counter()
        y.backward(g)
        return perf_counter() - start
    return step


def numpy_forward():
    x0 = _x()

    def step():
        start = perf_counter()
        x = x0
        for _ in range(BLOCKS):
            x = np.tanh(x * 0.9 + 0.1)
        return perf_counter() - start
    return step


def numpy_backward():
    x0 = _x()

    def step():
        ys, x = [], x0                   # forward, keeping what backward needs, outside the clock
        for _ in range(BLOCKS):
            x = np.tanh(x * 0.9 + 0.1)
            ys.append(x)
        start = perf_counter()
        g = np.ones(SIZE, dtype=np.float32)
        for y in reversed(ys):
            g = g * (1 - y * y) * 0.9    # tanh', then the mul's 0.9; the add passes g through
        return perf_counter() - start
    return step


def cases():
    name = f"engine/chain{OPS}-n{SIZE}"
    per = (OPS, "op")
    return [
        Case(f"{name}/numpy-forward", numpy_forward, per=per),
        Case(f"{name}/forward", forward_recording, per=per, ratios=(("numpy", f"{name}/numpy-forward"),)),
        Case(f"{name}/forward-no-grad", forward_no_grad, per=per, ratios=(("numpy", f"{name}/numpy-forward"),)),
        Case(f"{name}/numpy-backward", numpy_backward, per=per),
        Case(f"{name}/backward", backward, per=per, ratios=(("numpy", f"{name}/numpy-backward"),)),
    ]
