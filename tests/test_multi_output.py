"""Ops with several outputs: split, chunk, unbind, and a Function of your own.

A multi-output op is one node of the graph however many outputs it has;
output i knows its node and its number, the walk sums the gradients that
reach each output separately, and backward gets one per output — None for an
output nothing reached. These tests check the gradients against central
finite differences (first and second order, on every backend of the `device`
fixture) with some outputs unused, and the engine's properties for such
nodes: accumulation, linearity, no graph under no_grad, mg.grad with an
output as the input, freed graphs, and the picture.
"""

import numpy as np
import pytest

import minigrad as mg
from minigrad import ops


def leaf(v, device):
    return mg.tensor(np.asarray(v, dtype=np.float64), dtype="float64", device=device, requires_grad=True)


def values(shape, seed=0):
    return np.random.default_rng(seed).uniform(-2.0, 2.0, shape)


def weights(t, seed):
    """A fixed non-uniform projection for t (a uniform one hides transpositions)."""
    return mg.tensor(np.random.default_rng(seed).standard_normal(t.shape), dtype="float64", device=t.device)


def second_order(fn):
    """x ↦ d/dx of Σ (fn(x) · w)², recorded with create_graph=True: its own
    gradient is a second derivative of fn's projection."""
    def gradient(x):
        total = 0.0
        for k, o in enumerate(fn(x)):
            total = total + ((o * weights(o, 10 + k)) ** 2).sum()
        return mg.grad(total, x, create_graph=True)
    return gradient


# (name, function of x (3, 4, 5) giving the outputs that are used)
USING_SOME = [
    ("split: first and last of three", lambda x: mg.split(x, 2, axis=1)[::2]),
    ("split sizes: the middle piece only", lambda x: mg.split(x, [1, 3, 1], axis=-1)[1:2]),
    ("split: a piece used twice", lambda x: (lambda a, b: (a * b[:, :1], a))(*mg.split(x, [1, 2], axis=0))),
    ("chunk: two of three", lambda x: mg.chunk(x, 3, axis=2)[1:]),
    ("unbind axis 0: steps 0 and 2", lambda x: mg.unbind(x, 0)[::2]),
    ("unbind axis 1: one step", lambda x: mg.unbind(x, 1)[3:]),
    ("unbind axis -1: all", lambda x: mg.unbind(x, -1)),
    ("unbind: tanh of a step times another", lambda x: (lambda s: (mg.tanh(s[0]) * s[1],))(mg.unbind(x, 2))),
]


@pytest.mark.parametrize("name, fn", USING_SOME, ids=[n for n, _ in USING_SOME])
def test_gradient_with_some_outputs_unused(name, fn, device):
    x = leaf(values((3, 4, 5)), device)
    assert mg.gradcheck(fn, [x])


@pytest.mark.parametrize("name, fn", USING_SOME, ids=[n for n, _ in USING_SOME])
def test_second_derivatives_with_some_outputs_unused(name, fn, device):
    x = leaf(values((3, 4, 5), seed=1), device)
    assert mg.gradcheck(second_order(fn), [x])


def test_unused_pieces_get_zeros_and_used_pieces_their_gradient(device):
    x = leaf(values((6, 2)), device)
    a, b, c = mg.split(x, 2)
    (b * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.r_[np.zeros((2, 2)), np.full((2, 2), 3.0), np.zeros((2, 2))])


def test_outputs_know_their_node_and_number():
    x = mg.randn(4, 3, requires_grad=True)
    steps = mg.unbind(x)
    assert len(steps) == 4 and all(s.shape == (3,) for s in steps)
    assert all(s.grad_fn is steps[0].grad_fn for s in steps)
    assert [s._output_nr for s in steps] == [0, 1, 2, 3]
    assert type(steps[0].grad_fn).__name__ == "Unbind" and steps[0].grad_fn.out_shape == ((3,),) * 4
    np.testing.assert_array_equal(np.stack([s.numpy() for s in steps]), x.numpy())
    np.testing.assert_array_equal(np.stack([s.numpy() for s in x.unbind(1)], 1), x.numpy())


def test_unbind_backward_is_one_stack_not_t_full_size_arrays(monkeypatch):
    """The T steps of a sequence: backward makes one (T, …) array, where T
    slices x[t] would each send back a full-size array (O(T²) in all)."""
    T, B, I = 64, 2, 3
    x = mg.randn(T, B, I, dtype="float64", requires_grad=True)
    made = []
    stack_forward = ops.Stack.forward
    monkeypatch.setattr(ops.Stack, "forward", staticmethod(
        lambda ctx, axis, *xs: made.append(len(xs)) or stack_forward(ctx, axis, *xs)))
    monkeypatch.setattr(ops.IndexAdd, "forward", staticmethod(lambda *a: pytest.fail("a slice's gradient")))
    w = np.random.default_rng(0).standard_normal((T, B, I))
    sum((s * mg.tensor(w_t)).sum() for s, w_t in zip(mg.unbind(x), w)).backward()
    np.testing.assert_array_equal(x.grad.numpy(), w)
    assert made == [T]


def test_split_and_chunk_backward_is_one_concat(monkeypatch):
    x = mg.randn(10, 3, requires_grad=True)
    made = []
    concat_forward = ops.Concat.forward
    monkeypatch.setattr(ops.Concat, "forward", staticmethod(
        lambda ctx, axis, *xs: made.append(len(xs)) or concat_forward(ctx, axis, *xs)))
    a, b, c, d = x.chunk(4)                          # sizes 3, 3, 3, 1
    (a.sum() + d.sum() * 2).backward()
    assert made == [4]
    np.testing.assert_array_equal(x.grad.numpy()[:, 0], [1, 1, 1, 0, 0, 0, 0, 0, 0, 2])


def test_gradients_accumulate_across_calls_and_uses(device):
    x = leaf(values((4, 3)), device)
    a, b = mg.split(x, 2)
    y = (a * a).sum() + (a * 2).sum() + b.sum()      # a reached twice: its slot sums both
    y.backward(retain_graph=True)
    y.backward()
    expected = 2 * np.r_[2 * x.numpy()[:2] + 2, np.ones((2, 3))]
    np.testing.assert_allclose(x.grad.numpy(), expected)


def test_backward_is_linear_in_the_upstream_gradients(device):
    x = leaf(values((3, 2)), device)

    def grads(ga, gc):
        a, _, c = mg.unbind(mg.tanh(x))
        return mg.grad([a, c], x, grad_outputs=[ga, gc]).numpy()

    u1, u2, v1, v2 = (values((2,), seed=s) for s in range(4))
    t = lambda v: mg.tensor(v, dtype="float64", device=device)   # noqa: E731
    combined = grads(t(2 * u1 - 3 * v1), t(2 * u2 - 3 * v2))
    np.testing.assert_allclose(combined, 2 * grads(t(u1), t(u2)) - 3 * grads(t(v1), t(v2)), atol=1e-12)


def test_no_grad_builds_nothing():
    x = mg.randn(4, 3, requires_grad=True)
    with mg.no_grad():
        pieces = mg.split(x, [1, 3]) + mg.unbind(x, 1) + mg.chunk(x, 2)
    assert all(p.grad_fn is None and not p.requires_grad and p._output_nr is None for p in pieces)


def test_float32_stays_float32_through_the_gradient():
    x = mg.randn(6, 4, requires_grad=True)
    a, b = mg.split(x, [2, 4])
    (mg.unbind(b)[1] * 0.5).sum().backward()
    assert mg.backend.dtype_name(x.grad.dtype) == "float32" and mg.backend.dtype_name(a.dtype) == "float32"


def test_grad_with_respect_to_one_output_of_a_multi_output_op(device):
    x = leaf(values((4, 3)), device)
    a, b, c = mg.split(x, [1, 2, 1])
    y = (a * a).sum() + (b * 3).sum()
    ga, gb = mg.grad(y, [a, b], retain_graph=True)
    np.testing.assert_allclose(ga.numpy(), 2 * a.numpy())
    np.testing.assert_allclose(gb.numpy(), np.full((2, 3), 3.0))
    assert mg.grad(y, [c], allow_unused=True, retain_graph=True) == (None,)
    with pytest.raises(RuntimeError, match="input 0 was not used"):
        mg.grad(y, c, retain_graph=True)
    # and one order up: d/da of the gradient 2a is 2
    ga, = mg.grad(y, [a], create_graph=True)
    np.testing.assert_allclose(mg.grad(ga.sum(), a).numpy(), np.full((1, 3), 2.0))


def test_backward_from_an_output_itself(device):
    x = leaf(values((3, 2)), device)
    _, middle, _ = mg.unbind(x)
    middle.backward(mg.tensor([1.0, -1.0], dtype="float64", device=device))
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 0], [1, -1], [0, 0]])


def test_a_freed_multi_output_node_says_so():
    x = mg.randn(4, requires_grad=True)
    a, b = mg.split(x, 2)
    y = (a * b).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_to_dot_draws_one_node_with_every_output():
    x = mg.randn(4, 3, requires_grad=True)
    a, b = mg.split(x, [1, 3])
    dot = mg.to_dot(a.sum() + b.sum())
    assert dot.count("Split") == 1 and "((1, 3), (3, 3))" in dot
    split_node = f"n{id(a.grad_fn)}"
    assert dot.count(f"{split_node} -> ") == 2           # to each of the two sums
    assert f"n{id(x)} -> {split_node}" in dot


def test_empty_axis_and_bad_sizes():
    assert mg.unbind(mg.zeros(0, 3)) == () and mg.split(mg.zeros(0, 3), 2) == ()
    x = mg.randn(4, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"split: sizes \[2, 3\] do not add up to 4"):
        mg.split(x, [2, 3])
    with pytest.raises(RuntimeError, match="split: the piece size must be positive, got 0"):
        mg.split(x, 0)
    with pytest.raises(RuntimeError, match="chunk: the number of chunks must be positive"):
        mg.chunk(x, 0)
    with pytest.raises(IndexError, match="unbind: dim 2 is out of range for a tensor of 2 dims"):
        mg.unbind(x, 2)
    assert x.grad is None and x.grad_fn is None


# ---- a multi-output Function of your own ------------------------------------------

# (s, c) = (sin x, cos x);   dx = g_s · c − g_c · s
# backward uses the saved outputs, so it can be differentiated again.
class SinCos(mg.Function):
    received = []                  # what backward was handed, for the test below

    @staticmethod
    def forward(ctx, x):
        xp = mg.backend.of(x).xp
        s, c = xp.sin(x), xp.cos(x)
        ctx.save_for_backward(s, c)
        return s, c

    @staticmethod
    def backward(ctx, g_s, g_c):
        SinCos.received.append((g_s is None, g_c is None))
        s, c = ctx.saved_tensors
        dx = 0
        if g_s is not None:
            dx = dx + g_s * c
        if g_c is not None:
            dx = dx - g_c * s
        return dx


def test_a_custom_multi_output_function(device):
    x = leaf(values((3, 2)), device)
    s, c = SinCos.apply(x)
    np.testing.assert_allclose(s.numpy(), np.sin(x.numpy()))
    np.testing.assert_allclose(c.numpy(), np.cos(x.numpy()))
    assert mg.gradcheck(lambda x: SinCos.apply(x), [x])
    assert mg.gradcheck(lambda x: SinCos.apply(x)[1] * 3, [x])
    assert mg.gradcheck(second_order(SinCos.apply), [x])

    SinCos.received.clear()
    (SinCos.apply(x)[1] * 2).sum().backward()       # only c is used: backward gets None for s
    assert SinCos.received == [(True, False)]
    np.testing.assert_allclose(x.grad.numpy(), -2 * np.sin(x.numpy()))


def test_a_backward_returning_the_wrong_count_is_named():
    class Bad(mg.Function):
        @staticmethod
        def forward(ctx, x):
            return x, x

        @staticmethod
        def backward(ctx, g1, g2):
            return g1, g2

    a, b = Bad.apply(mg.randn(3, requires_grad=True))
    with pytest.raises(RuntimeError, match="Bad.backward returned 2 gradients for 1 forward arguments"):
        (a + b).sum().backward()
