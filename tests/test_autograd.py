"""Properties of the backward walk beyond finite differences.

Linearity in the upstream gradient, accumulation, the shape of broadcast
gradients, no_grad, dtypes, second derivatives, a million-node chain,
memory across training steps, the freed graph, mg.grad on non-leaves, and
custom Functions.
"""

import gc
import shutil
import tracemalloc

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad as mg
from minigrad.backend import dtype_name

fixture_ok = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
PAIRS = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, min_side=1, max_side=3)


def leaf(v, device, dtype="float64"):
    return mg.tensor(np.asarray(v), dtype=dtype, device=device, requires_grad=True)


def composite(x, w):
    """A small graph that uses one input twice and broadcasts: (…, 3) and (3,)."""
    h = mg.tanh(x * w + 0.5) * mg.sigmoid(x)
    return mg.softmax(h, -1) * x + mg.logsumexp(h, -1, keepdims=True)


# ---- linearity, accumulation, shapes ----------------------------------------------

@fixture_ok
@given(seed=st.integers(0, 2**32 - 1), alpha=st.floats(-3, 3), beta=st.floats(-3, 3))
def test_backward_is_linear_in_the_upstream_gradient(device, seed, alpha, beta):
    r = np.random.default_rng(seed)
    x, w = leaf(r.standard_normal((2, 3)), device), leaf(r.standard_normal(3), device)
    y = composite(x, w)
    g1, g2 = (mg.tensor(r.standard_normal(y.shape), dtype="float64", device=device) for _ in range(2))
    d1 = mg.grad(y, [x, w], g1, retain_graph=True)
    d2 = mg.grad(y, [x, w], g2, retain_graph=True)
    d12 = mg.grad(y, [x, w], g1 * alpha + g2 * beta)
    for a, b, ab in zip(d1, d2, d12):
        np.testing.assert_allclose(ab.numpy(), alpha * a.numpy() + beta * b.numpy(), rtol=1e-9, atol=1e-9)


def test_gradients_accumulate_across_backward_calls(device):
    x = leaf([1.0, -2.0, 3.0], device)
    y = (x * x).sum()                                  # d/dx = 2x; x used twice in one op
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [4.0, -8.0, 12.0])
    (x * 3.0).sum().backward()                         # a new graph adds on top
    np.testing.assert_allclose(x.grad.numpy(), [7.0, -5.0, 15.0])
    x.grad = None
    (x + x).sum().backward()                           # add hands one gradient to both inputs
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0, 2.0])


def test_a_tensor_used_twice_gets_the_sum_of_both_paths(device):
    x = leaf(2.0, device)
    y = x * x * x + mg.exp(x) * x                      # 3x² + eˣ(1 + x)
    y.backward()
    np.testing.assert_allclose(x.grad.item(), 12 + np.exp(2) * 3)


@fixture_ok
@given(shapes=PAIRS, seed=st.integers(0, 2**32 - 1))
def test_broadcast_gradients_have_each_inputs_shape(device, shapes, seed):
    a_shape, b_shape = shapes.input_shapes
    r = np.random.default_rng(seed)
    a, b = leaf(r.standard_normal(a_shape), device), leaf(r.standard_normal(b_shape), device)
    for y in (a + b, a - b, a * b, a / (b * b + 1), mg.maximum(a, b), mg.where(a > 0, a, b)):
        a.grad = b.grad = None
        y.sum().backward()
        assert a.grad.shape == a_shape and b.grad.shape == b_shape
        assert a.grad.device == device and dtype_name(a.grad.dtype) == "float64"


@pytest.mark.parametrize("a_shape, b_shape", [((2, 3, 4), (4,)), ((2, 1, 4), (2, 3, 4)), ((), (2, 3)),
                                              ((3, 1), (1, 4)), ((1,), ())])
def test_sum_to_undoes_broadcasting(device, a_shape, b_shape):
    a, b = leaf(np.ones(a_shape), device), leaf(np.ones(b_shape), device)
    (a * b).sum().backward()
    out = np.broadcast_shapes(a_shape, b_shape)
    np.testing.assert_allclose(a.grad.numpy(), np.full(a_shape, np.prod(out) / max(np.prod(a_shape), 1)))
    np.testing.assert_allclose(b.grad.numpy(), np.full(b_shape, np.prod(out) / max(np.prod(b_shape), 1)))


def test_no_grad_builds_no_graph(device):
    x = leaf([1.0, 2.0], device)
    with mg.no_grad():
        y = composite(x, x)
        assert mg.is_grad_enabled() is False
    assert mg.is_grad_enabled() is True
    assert y.grad_fn is None and not y.requires_grad
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.sum().backward()
    z = x * 2.0                                        # grad mode is back
    assert z.grad_fn is not None and z.requires_grad


def test_detach_and_constants_stop_the_gradient(device):
    x = leaf([1.0, 2.0], device)
    y = x * x.detach()                                 # d/dx = x, not 2x
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 2.0])
    assert (x.detach() * 2).grad_fn is None


# ---- dtypes ----------------------------------------------------------------------

FLOAT32_CASES = {
    "python float": lambda x: x * 0.5 + 1.5 - 2.0 / (x * x + 1.0),
    "numpy float64 scalar": lambda x: x * np.float64(0.5) + np.float64(1.5),
    "numpy float32 scalar": lambda x: np.float32(3.0) * x - np.float32(1.0),
    "python int": lambda x: x * 2 + 1 - x ** 2,
    "pow": lambda x: (x * x + 1.0) ** 0.5 + 2.0 ** x,
    "unary": lambda x: mg.exp(x) + mg.tanh(x) + mg.sigmoid(x) + mg.softplus(x) + mg.silu(x) + mg.relu(x)
    + mg.abs(x) + mg.sqrt(x * x + 1) + mg.log(x * x + 1),
    "reductions": lambda x: x.sum(0) + x.mean(0) + x.amax(0) + x.amin(0) + x.var(0) + mg.logsumexp(x, 0),
    "softmax": lambda x: mg.softmax(x, -1) + mg.log_softmax(x, -1) + mg.cumsum(x, -1),
    "shape": lambda x: mg.concatenate([x, mg.flip(x, 0)], 0)[1:3] + mg.stack([x, x], 0).sum(0)
    + mg.pad(x, ((0, 0), (0, 0))) + mg.where(x > 0, x, 0.0) + mg.clip(x, -1.0, 1.0) + x[[0, 1]],
    "matmul": lambda x: x @ x.T @ x + mg.maximum(x, 0.0) + mg.minimum(x, 0.5),
}


@pytest.mark.parametrize("name", list(FLOAT32_CASES))
def test_float32_in_gives_float32_out_and_float32_gradients(device, name):
    x = mg.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], device=device, requires_grad=True)
    assert dtype_name(x.dtype) == "float32"
    y = FLOAT32_CASES[name](x)
    assert dtype_name(y.dtype) == "float32", name
    y.sum().backward()
    assert dtype_name(x.grad.dtype) == "float32" and x.grad.shape == x.shape


def test_float64_works_end_to_end_and_casts_carry_gradients_back(device):
    x = mg.tensor([1.0, 2.0], dtype="float64", device=device, requires_grad=True)
    y = (x.astype("float32") * 3.0).astype("float64")
    assert dtype_name(y.dtype) == "float64"
    y.sum().backward()
    assert dtype_name(x.grad.dtype) == "float64"
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 3.0])


def test_constructors_default_to_float32_and_int64(device):
    assert dtype_name(mg.tensor([1.0], device=device).dtype) == "float32"
    assert dtype_name(mg.tensor([1], device=device).dtype) == "int64"
    assert dtype_name(mg.tensor(np.array([1.0]), device=device).dtype) == "float64"      # arrays keep theirs
    for t in (mg.zeros(2, device=device), mg.ones(2, 3, device=device), mg.randn(2, device=device),
              mg.rand(2, device=device), mg.full((2,), 3.0, device=device), mg.arange(0.0, 1.0, 0.5, device=device)):
        assert dtype_name(t.dtype) == "float32" and t.device == device
    assert dtype_name(mg.arange(3, device=device).dtype) == "int64"


def test_manual_seed_repeats_the_random_numbers_on_every_device(device):
    mg.manual_seed(7)
    a = mg.randn(3, device=device).numpy()
    mg.manual_seed(7)
    b = mg.randn(3).numpy()
    np.testing.assert_array_equal(a, b)


# ---- higher order ----------------------------------------------------------------

SECOND_ORDER = {
    "tanh": lambda x: mg.tanh(x),
    "sigmoid·exp": lambda x: mg.sigmoid(x) * mg.exp(x * 0.5),
    "log/sqrt": lambda x: mg.log(x * x + 1) + mg.sqrt(x * x + 2),
    "softplus·silu": lambda x: mg.softplus(x) * mg.silu(x),
    "div/pow": lambda x: 1.0 / (x * x + 1) + (x * x + 1) ** 1.5,
    "softmax": lambda x: mg.softmax(x, -1) * mg.flip(x, -1),
    "logsumexp": lambda x: mg.logsumexp(x * x, -1),
    "matmul": lambda x: mg.tanh(x @ x.T).sum(0) * x[:, 0],
    "max/var": lambda x: mg.amax(x * x, -1) + mg.var(x, -1),
    "getitem/cat": lambda x: mg.concatenate([x[:, ::-1] ** 3, mg.cumsum(x, 0)], 0),
}


@pytest.mark.parametrize("name", list(SECOND_ORDER))
def test_second_derivatives_match_finite_differences_of_gradients(device, name):
    """gradcheck of x ↦ ∇f(x) (built with create_graph=True) checks the Hessian,
    column by column, against central differences of the gradient."""
    f = SECOND_ORDER[name]
    x = leaf(np.random.default_rng(1).uniform(-1.5, 1.5, (2, 3)), device)

    def gradient(x):
        y = f(x)
        v = mg.tensor(np.random.default_rng(2).standard_normal(y.shape), dtype="float64", device=device)
        return mg.grad(y, x, v, create_graph=True)

    assert mg.gradcheck(gradient, [x])


def test_hessian_vector_product(device):
    """f(x) = Σ x_i³ + (Σ x_i)²: H = diag(6x) + 2·11ᵀ, so Hv = 6x⊙v + 2(Σv)·1."""
    xv, v = np.array([0.5, -1.0, 2.0]), np.array([1.0, 2.0, -0.5])
    x = leaf(xv, device)
    f = (x ** 3).sum() + x.sum() ** 2
    g, = mg.grad(f, [x], create_graph=True)
    hv = mg.grad((g * mg.tensor(v, dtype="float64", device=device)).sum(), x)
    np.testing.assert_allclose(hv.numpy(), 6 * xv * v + 2 * v.sum())
    # and against finite differences of the gradient along v
    eps = 1e-6
    grad_at = [mg.grad((y ** 3).sum() + y.sum() ** 2, y) for y in (leaf(xv + eps * v, device),
                                                                     leaf(xv - eps * v, device))]
    np.testing.assert_allclose(hv.numpy(), (grad_at[0].numpy() - grad_at[1].numpy()) / (2 * eps), rtol=1e-6)


def test_backward_with_create_graph_gives_differentiable_grads(device):
    x = leaf([1.0, 2.0], device)
    (x ** 3).sum().backward(create_graph=True)
    assert x.grad.requires_grad
    gx = x.grad
    x.grad = None
    gx.sum().backward()                          # d/dx Σ 3x² = 6x
    np.testing.assert_allclose(x.grad.numpy(), [6.0, 12.0])


def test_grad_of_a_non_leaf_input(device):
    x = leaf([1.0, -2.0], device)
    h = x * 3.0                                  # a non-leaf
    y = (mg.tanh(h) * h).sum()
    dh, dx = mg.grad(y, [h, x])
    hv = np.array([3.0, -6.0])
    expected = np.tanh(hv) + hv * (1 - np.tanh(hv) ** 2)
    np.testing.assert_allclose(dh.numpy(), expected)
    np.testing.assert_allclose(dx.numpy(), 3 * expected)
    assert x.grad is None                         # grad() returns; it does not accumulate


def test_grad_needs_inputs_that_take_part(device):
    x, z = leaf([1.0], device), leaf([2.0], device)
    y = (x * 2).sum()
    with pytest.raises(RuntimeError, match="input 1 was not used"):
        mg.grad(y, [x, z], retain_graph=True)
    gx, gz = mg.grad(y, [x, z], allow_unused=True)
    assert gz is None and gx.numpy().tolist() == [2.0]


# ---- depth, memory, the freed graph ------------------------------------------------

def test_a_million_node_chain_backpropagates_without_recursion():
    """An RNN unrolled over 100,000 steps is a chain this deep."""
    x = mg.tensor(1.5, dtype="float64", requires_grad=True)
    y = x
    for _ in range(1_000_000):
        y = -y
    y.backward()
    assert x.grad.item() == 1.0
    del y
    gc.collect()


def test_memory_does_not_grow_across_training_steps():
    """Backward releases what forward saved, and nothing survives a step."""
    mg.manual_seed(0)
    w = mg.randn(64, 64, requires_grad=True)
    x = mg.randn(16, 64)

    def step():
        h = x
        for _ in range(10):
            h = mg.tanh(h @ w)
        loss = (h * h).mean()
        loss.backward()
        with mg.no_grad():
            w._data = (w - 0.01 * w.grad)._data
        w.grad = None

    tracemalloc.start()
    for _ in range(3):                          # warm up: w._data is replaced each step, once
        step()
    gc.collect()
    base = tracemalloc.get_traced_memory()[0]
    for _ in range(30):
        step()
    gc.collect()
    grown = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    assert grown < 4096                         # a graph of this step holds ~100 kB; 30 kept would be 3 MB


def test_backward_releases_saved_tensors():
    x = mg.randn(100, requires_grad=True)
    y = mg.exp(x)
    node = y.grad_fn
    assert node._saved
    y.sum().backward()
    assert node._saved == () and not hasattr(node, "_out_data")


def test_a_second_backward_through_a_freed_graph_raises_clearly(device):
    x = leaf([1.0, 2.0], device)
    y = mg.tanh(x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time.*retain_graph=True"):
        y.backward()
    z = mg.tanh(x).sum()
    z.backward(retain_graph=True)
    z.backward()                                 # retained: works, and accumulates
    np.testing.assert_allclose(x.grad.numpy(), 3 * (1 - np.tanh([1.0, 2.0]) ** 2))


def test_to_dot_draws_ops_and_leaves():
    x = mg.randn(2, 3, requires_grad=True)
    w = mg.randn(3, 4, requires_grad=True)
    y = mg.tanh(x @ w).sum()
    dot = mg.to_dot(y)
    assert dot.startswith("digraph") and dot.rstrip().endswith("}")
    for label in ("MatMul", "Tanh", "Sum", "(2, 4)", "leaf (2, 3)", "leaf (3, 4)"):
        assert label in dot
    assert dot.count("->") == 4                  # x→MatMul, w→MatMul, MatMul→Tanh, Tanh→Sum
    assert "leaf ()" in mg.to_dot(mg.tensor(1.0, requires_grad=True))


def test_render_dot_draws_with_graphviz_or_says_what_is_missing(tmp_path):
    y = mg.tanh(mg.randn(2, requires_grad=True)).sum()
    path = str(tmp_path / "graph.svg")
    if shutil.which("dot") is None:
        with pytest.raises(RuntimeError, match="Graphviz"):
            mg.render_dot(y, path)
    else:
        mg.render_dot(y, path)
        assert "<svg" in open(path).read()


# ---- custom Functions ---------------------------------------------------------------

class Bump(mg.Function):
    # y = x / (1 + x²);   dx = g * (1 - x²) / (1 + x²)²
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x / (1 + x * x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        d = 1 + x * x
        return g * (1 - x * x) / (d * d)


class ScaledAdd(mg.Function):
    # y = a + c·b (c a number);   da = g,  db = c·g
    @staticmethod
    def forward(ctx, a, b, c):
        ctx.c = c
        return a + c * b

    @staticmethod
    def backward(ctx, g):
        return g, g * ctx.c if ctx.needs_input_grad[1] else None, None


def test_custom_functions_pass_gradcheck_first_and_second_order(device):
    x = leaf(np.random.default_rng(3).standard_normal((2, 3)), device)
    b = leaf(np.random.default_rng(4).standard_normal((2, 3)), device)
    assert mg.gradcheck(lambda x: Bump.apply(x), [x])
    assert mg.gradcheck(lambda x, b: ScaledAdd.apply(x, b, 2.5), [x, b])
    assert mg.gradcheck(lambda x: mg.grad(Bump.apply(x).sum(), x, create_graph=True), [x])   # second order


class WrongShape(mg.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g.sum()


class TooMany(mg.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g, g


class RawArray(mg.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g._data * 2


def test_custom_function_mistakes_are_named():
    x = mg.randn(3, requires_grad=True)
    with pytest.raises(TypeError, match="RawArray.backward returned a ndarray, not a Tensor.*mg.Tensor"):
        RawArray.apply(x).sum().backward()
    with pytest.raises(RuntimeError, match=r"WrongShape.backward returned a gradient of shape \(\) .* \(3,\)"):
        WrongShape.apply(x).sum().backward()
    with pytest.raises(RuntimeError, match="TooMany.backward returned 2 gradients for 1 forward arguments"):
        TooMany.apply(x).sum().backward()


class HandWritten(mg.Function):
    once_differentiable = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return mg.Tensor(2 * x._data * g._data)


def test_once_differentiable_ops_give_first_order_and_refuse_create_graph():
    x = mg.tensor([1.0, 3.0], dtype="float64", requires_grad=True)
    assert mg.gradcheck(lambda x: HandWritten.apply(x), [x])
    with pytest.raises(RuntimeError, match="HandWritten.*first-order gradients only"):
        mg.grad(HandWritten.apply(x).sum(), x, create_graph=True)
