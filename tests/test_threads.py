"""Grad mode is per thread, as in PyTorch: one thread's no_grad() or backward()
never changes whether another thread records its graph."""

import threading

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn

STEPS = 12


def _train(seed, barrier=None, record=None):
    """A small MLP trained by hand-written SGD for STEPS steps; the losses and
    final parameters, bit for bit. With a barrier, waits for the other
    thread before every forward, every backward and every update, so the two
    threads' no_grad blocks and backward walks overlap."""
    rng = np.random.default_rng(seed)
    x = mg.tensor(rng.standard_normal((8, 3)).astype("float32"))
    y = mg.tensor(rng.standard_normal((8, 1)).astype("float32"))
    w1 = mg.tensor(rng.standard_normal((3, 5)).astype("float32") * 0.5, requires_grad=True)
    w2 = mg.tensor(rng.standard_normal((5, 1)).astype("float32") * 0.5, requires_grad=True)
    wait = barrier.wait if barrier is not None else (lambda: None)
    losses = []
    for _ in range(STEPS):
        wait()
        loss = ((mg.tanh(x @ w1) @ w2 - y) ** 2).mean()
        wait()
        loss.backward()
        losses.append(loss.item())
        wait()
        with mg.no_grad():
            for p in (w1, w2):
                p -= 0.1 * p.grad
                p.grad = None
            wait()                      # the other thread runs its forward while this one is in no_grad
        if record is not None:
            record.append(mg.is_grad_enabled())
    return losses, [w1.numpy(), w2.numpy()]


def test_two_threads_train_as_each_does_alone():
    alone = [_train(0), _train(1)]
    barrier = threading.Barrier(2)
    results, modes = [None, None], [[], []]

    def run(i):
        results[i] = _train(i, barrier, modes[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for (losses, params), (losses_alone, params_alone) in zip(results, alone):
        assert losses == losses_alone                          # bit for bit
        for p, q in zip(params, params_alone):
            assert p.tobytes() == q.tobytes()
        assert losses[-1] < losses[0]                          # and it trained
    assert all(all(m) for m in modes)                          # grad mode back on after every step


def test_nested_blocks_overlapping_across_threads_restore_each_threads_mode():
    barrier = threading.Barrier(2)
    seen = {0: [], 1: []}

    def run(i):
        log = seen[i]
        if i == 0:
            with mg.no_grad():
                barrier.wait()                     # 1: thread 1 is in enable_grad inside no_grad
                log.append(mg.is_grad_enabled())
                with mg.enable_grad():
                    barrier.wait()                 # 2: thread 1 has left its enable_grad
                    log.append(mg.is_grad_enabled())
                barrier.wait()                     # 3
                log.append(mg.is_grad_enabled())
            barrier.wait()                         # 4: thread 1 is still in its no_grad
            log.append(mg.is_grad_enabled())
        else:
            with mg.no_grad():
                with mg.enable_grad():
                    barrier.wait()                 # 1
                    log.append(mg.is_grad_enabled())
                barrier.wait()                     # 2
                log.append(mg.is_grad_enabled())
                barrier.wait()                     # 3
                barrier.wait()                     # 4
                log.append(mg.is_grad_enabled())
            log.append(mg.is_grad_enabled())

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen[0] == [False, True, False, True]
    assert seen[1] == [True, False, False, True]
    assert mg.is_grad_enabled()


def test_a_new_thread_starts_with_grad_enabled():
    out = []
    with mg.no_grad():
        t = threading.Thread(target=lambda: out.append(mg.is_grad_enabled()))
        t.start()
        t.join()
        assert not mg.is_grad_enabled()
    assert out == [True]


def test_another_threads_backward_leaves_this_threads_recording_on():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    barrier = threading.Barrier(2)

    def other():
        y = (mg.tensor([1.0], requires_grad=True) * 3).sum()
        barrier.wait()
        y.backward()            # runs its walk under no_grad, in its own thread
        barrier.wait()

    t = threading.Thread(target=other)
    t.start()
    barrier.wait()
    barrier.wait()
    z = x * 2                   # recorded here whatever the other thread did
    t.join()
    assert z.requires_grad and z.grad_fn is not None


def test_set_grad_enabled_as_a_function_and_as_a_block():
    mg.set_grad_enabled(False)
    try:
        assert not mg.is_grad_enabled()
        assert (mg.tensor([1.0], requires_grad=True) * 2).grad_fn is None
    finally:
        mg.set_grad_enabled(True)
    with mg.set_grad_enabled(False):
        assert not mg.is_grad_enabled()
        with mg.set_grad_enabled(True):
            assert mg.is_grad_enabled()
        assert not mg.is_grad_enabled()
    assert mg.is_grad_enabled()
    with pytest.raises(TypeError, match="set_grad_enabled"):
        mg.set_grad_enabled("no")
    assert mg.is_grad_enabled()


def test_decorators_run_each_call_in_its_mode():
    @mg.no_grad()
    def evaluate(x):
        return x * 2, mg.is_grad_enabled()

    @mg.set_grad_enabled(False)
    def also(x):
        return mg.is_grad_enabled()

    assert mg.is_grad_enabled()                 # decorating switched nothing
    y, mode = evaluate(mg.tensor([1.0], requires_grad=True))
    assert mode is False and y.grad_fn is None and mg.is_grad_enabled()
    assert also(1) is False and mg.is_grad_enabled()


def test_inference_mode_records_nothing_and_restores():
    lin = nn.Linear(3, 2)
    with mg.inference_mode():
        assert mg.is_inference_mode_enabled() and not mg.is_grad_enabled()
        y = lin(mg.ones(1, 3))
    assert y.grad_fn is None and not y.requires_grad
    assert mg.is_grad_enabled() and not mg.is_inference_mode_enabled()
    with mg.inference_mode(False):
        assert mg.is_grad_enabled() and not mg.is_inference_mode_enabled()


def test_inference_tensors_may_join_a_graph_later():
    """docs/differences.md: PyTorch refuses an inference tensor in a recorded op
    that saves it; minigrad's are ordinary constants."""
    with mg.inference_mode():
        c = mg.ones(3) * 2
    w = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (c * w).sum().backward()
    assert w.grad.tolist() == [2.0, 2.0, 2.0]


def test_grad_mode_is_per_asyncio_task_too():
    """docs/differences.md: the flag is a ContextVar, so each asyncio task has
    its own copy; in PyTorch (thread-local) tasks on one thread share it."""
    import asyncio
    seen = {}

    async def evaluating():
        with mg.no_grad():
            await asyncio.sleep(0.01)          # the other task runs meanwhile
            seen["evaluating"] = mg.is_grad_enabled()

    async def training():
        await asyncio.sleep(0.005)             # inside the other task's no_grad block
        seen["training"] = mg.is_grad_enabled()

    async def main():
        await asyncio.gather(evaluating(), training())

    asyncio.run(main())
    assert seen == {"evaluating": False, "training": True}
