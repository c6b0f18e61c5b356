"""Every op's gradient against central finite differences, as one table.

One row per op: how to draw its inputs (shapes with broadcasting pairs,
size-1 axes and 0-d tensors; values in the op's safe domain, away from kinks
and ties) and the function to check. Each row runs on every backend of the
`device` fixture (NumPy, the array-api-strict stand-in for a GPU, CuPy when
present), in float64, through mg.gradcheck: a random upstream projection,
every element of every input checked.

A second table compares values and gradients with PyTorch when it is
installed, and a few tests pin down behaviour a finite difference cannot
see (ties, masks, repeated indices, the stable functions at ±1000).
"""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad as mg
from minigrad.backend import dtype_name

# the `device` fixture returns a plain string, the same for every example
fixture_ok = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])

SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3)
ND_SHAPES = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3)
PAIRS = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, min_side=1, max_side=3)


# ---- drawing inputs ------------------------------------------------------------

def rng(draw):
    return np.random.default_rng(draw(st.integers(0, 2**32 - 1)))


def uniform(draw, shape, lo=-2.0, hi=2.0):
    return rng(draw).uniform(lo, hi, shape)


def away_from_zero(draw, shape, lo=0.2, hi=2.0):
    """Values with |v| in [lo, hi], either sign: clear of the kink at 0."""
    r = rng(draw)
    return r.uniform(lo, hi, shape) * r.choice([-1.0, 1.0], shape)


def distinct(draw, shape):
    """Values at least 0.1 apart, so max and min have no ties."""
    n = int(np.prod(shape))
    return (rng(draw).permutation(n).reshape(shape) - n / 2) * 0.1 + 0.01


def leaf(v, device):
    return mg.tensor(np.asarray(v, dtype=np.float64), dtype="float64", device=device, requires_grad=True)


def axis_and_keepdims(draw, ndim):
    """None, one axis (maybe negative) or a tuple of axes; keepdims either way."""
    if ndim == 0:
        axis = draw(st.sampled_from([None, 0, -1, ()]))
    else:
        axis = draw(st.one_of(st.none(), st.integers(-ndim, ndim - 1),
                              st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True)
                              .map(tuple)))
    return axis, draw(st.booleans())


# ---- the table: name -> draw(draw, device) returning (fn, inputs) ------------------

def unary(fn, values=uniform):
    def make(draw, device):
        shape = draw(SHAPES)
        return fn, [leaf(values(draw, shape), device)]
    return make


def binary(fn, a_values=uniform, b_values=uniform):
    def make(draw, device):
        a_shape, b_shape = draw(PAIRS).input_shapes
        return fn, [leaf(a_values(draw, a_shape), device), leaf(b_values(draw, b_shape), device)]
    return make


def same_shape_pair(fn):
    def make(draw, device):
        shape = draw(SHAPES)
        return fn, [leaf(uniform(draw, shape), device), leaf(uniform(draw, shape, -0.99, 0.99), device)]
    return make


def with_number(fn, values=uniform):
    """An op between a tensor and a Python number (the number is weak: no upcast)."""
    def make(draw, device):
        c = draw(st.floats(0.5, 2.0))
        shape = draw(SHAPES)
        return (lambda x: fn(x, c)), [leaf(values(draw, shape), device)]
    return make


def positive(draw, shape):
    return uniform(draw, shape, 0.2, 2.0)


def not_tied(fn):
    """maximum / minimum of a broadcast pair, with the two at least 0.05 apart."""
    def make(draw, device):
        a_shape, b_shape = draw(PAIRS).input_shapes
        a, b = uniform(draw, a_shape), uniform(draw, b_shape)
        gap = np.broadcast_to(a, np.broadcast_shapes(a_shape, b_shape)) - b
        if np.any(np.abs(gap) < 0.05):
            b = b - 0.5                  # clear of ties without changing shapes; re-check below
            gap = np.broadcast_to(a, gap.shape) - b
            if np.any(np.abs(gap) < 0.05):
                a = np.round(a, 1) + 0.025
                b = np.round(b, 1) - 0.025
        return fn, [leaf(a, device), leaf(b, device)]
    return make


def clip_row(draw, device):
    shape = draw(SHAPES)
    v = uniform(draw, shape)
    v = np.where(np.abs(np.abs(v) - 0.5) < 0.05, v * 1.3, v)       # clear of the bounds ±0.5
    lo, hi = draw(st.sampled_from([(-0.5, 0.5), (None, 0.5), (-0.5, None)]))
    return (lambda x: mg.clip(x, lo, hi)), [leaf(v, device)]


def reduction(fn, values=uniform):
    def make(draw, device):
        shape = draw(SHAPES)
        axis, keepdims = axis_and_keepdims(draw, len(shape))
        return (lambda x: fn(x, axis=axis, keepdims=keepdims)), [leaf(values(draw, shape), device)]
    return make


def var_row(draw, device):
    shape = draw(ND_SHAPES)
    axis, keepdims = axis_and_keepdims(draw, len(shape))
    n = int(np.prod([shape[a] for a in np.atleast_1d(axis if axis is not None else range(len(shape)))]))
    correction = draw(st.sampled_from([0, 1] if n > 1 else [0]))
    return (lambda x: mg.var(x, axis, keepdim=keepdims, correction=correction)), [leaf(uniform(draw, shape), device)]


def along_axis(fn):
    def make(draw, device):
        shape = draw(ND_SHAPES)
        axis = draw(st.integers(-len(shape), len(shape) - 1))
        return (lambda x: fn(x, axis)), [leaf(uniform(draw, shape), device)]
    return make


def max_along_row(fn):
    """max(x, dim) / min(x, dim): the values along one dim (no ties), keepdim either way."""
    def make(draw, device):
        shape = draw(SHAPES)
        dim = draw(st.integers(-len(shape), len(shape) - 1)) if shape else draw(st.sampled_from([0, -1]))
        keepdim = draw(st.booleans())
        return (lambda x: fn(x, dim, keepdim).values), [leaf(distinct(draw, shape), device)]
    return make


def expand_row(draw, device):
    shape = draw(SHAPES)
    sizes = tuple(-1 if s != 1 else draw(st.sampled_from([-1, 1, 3])) for s in shape)
    sizes = draw(st.sampled_from([(), (2,)])) + sizes                   # maybe a new leading dim
    return (lambda x: x.expand(*sizes) * 1.5), [leaf(uniform(draw, shape), device)]


def flatten_row(draw, device):
    shape = draw(SHAPES)
    n = max(len(shape), 1)
    start = draw(st.integers(-n, n - 1))
    end = draw(st.integers(start % n, n - 1))
    return (lambda x: mg.flatten(x, start, end) * 2.0), [leaf(uniform(draw, shape), device)]



def matmul_row(draw, device):
    n, k, m = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kind = draw(st.sampled_from(["vv", "vm", "mv", "mm", "batched"]))
    a_shape, b_shape = {"vv": ((k,), (k,)), "vm": ((k,), (k, m)), "mv": ((n, k), (k,)),
                        "mm": ((n, k), (k, m)), "batched": (None, None)}[kind]
    if kind == "batched":                         # batch axes broadcast against each other
        batch_a, batch_b = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=2,
                                                                   max_side=3)).input_shapes
        a_shape, b_shape = batch_a + (n, k), batch_b + (k, m)
    return (lambda a, b: a @ b), [leaf(uniform(draw, a_shape), device), leaf(uniform(draw, b_shape), device)]


def reshape_row(draw, device):
    shape = draw(SHAPES)
    size = int(np.prod(shape))
    target = draw(st.sampled_from([(size,), (1, size), (size, 1), tuple(reversed(shape)), (-1,)]))
    return (lambda x: x.reshape(target)), [leaf(uniform(draw, shape), device)]


def permute_row(draw, device):
    shape = draw(ND_SHAPES)
    axes = tuple(draw(st.permutations(range(len(shape)))))
    return (lambda x: mg.permute(x, axes)), [leaf(uniform(draw, shape), device)]


def transpose_row(draw, device):
    shape = draw(ND_SHAPES)
    a0, a1 = draw(st.integers(-len(shape), len(shape) - 1)), draw(st.integers(-len(shape), len(shape) - 1))
    return (lambda x: mg.transpose(x, a0, a1)), [leaf(uniform(draw, shape), device)]


def broadcast_row(draw, device):
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=1, min_dims=0, max_dims=3, max_side=3))
    small, big = shapes.input_shapes[0], shapes.result_shape
    big = draw(st.sampled_from([big, (2,) + big]))                 # also a new leading axis
    return (lambda x: mg.broadcast_to(x, big)), [leaf(uniform(draw, small), device)]


def sum_to_row(draw, device):
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=1, min_dims=0, max_dims=3, max_side=3))
    small, big = shapes.input_shapes[0], shapes.result_shape
    return (lambda x: mg.sum_to(x, small)), [leaf(uniform(draw, big), device)]


def squeeze_row(draw, device):
    shape = draw(SHAPES)
    axis = draw(st.integers(0, len(shape)))
    return (lambda x: mg.squeeze(mg.unsqueeze(x, axis) * 2.0, axis)), [leaf(uniform(draw, shape), device)]


def squeeze_all_row(draw, device):
    shape = draw(SHAPES)
    return (lambda x: mg.squeeze(x)), [leaf(uniform(draw, shape), device)]


def basic_index(draw, shape):
    """A NumPy basic index for `shape`: ints (maybe negative), slices with steps, None, Ellipsis."""
    parts = []
    for s in shape:
        parts.append(draw(st.one_of(st.integers(-s, s - 1),
                                    st.builds(slice, st.none() | st.integers(-s, s), st.none() | st.integers(-s, s),
                                              st.sampled_from([None, 1, 2, -1])))))
    if parts and draw(st.booleans()):
        parts = parts[:draw(st.integers(0, len(parts) - 1))] + [Ellipsis]       # the rest implied
    if draw(st.booleans()):
        parts.insert(draw(st.integers(0, len(parts))), None)
    return tuple(parts)


def getitem_basic_row(draw, device):
    shape = draw(ND_SHAPES)
    index = basic_index(draw, shape)
    return (lambda x: x[index]), [leaf(uniform(draw, shape), device)]


def getitem_take_row(draw, device):
    """x[idx] with an integer array of any shape: an embedding lookup; repeats add up."""
    shape = draw(ND_SHAPES)
    idx_shape = draw(hnp.array_shapes(min_dims=1, max_dims=2, max_side=4))
    idx = rng(draw).integers(-shape[0], shape[0], idx_shape)
    as_tensor = draw(st.booleans())
    index = mg.tensor(idx, device=device) if as_tensor else idx
    return (lambda x: x[index]), [leaf(uniform(draw, shape), device)]


def getitem_pairs_row(draw, device):
    """x[i0, i1]: integer arrays on both axes (the standard's form); repeated pairs add up."""
    rows, cols = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    n = draw(st.integers(1, 5))
    r = rng(draw)
    i0, i1 = r.integers(0, rows, n), r.integers(0, cols, n)
    index = (mg.tensor(i0, device=device), mg.tensor(i1, device=device))
    return (lambda x: x[index]), [leaf(uniform(draw, (rows, cols)), device)]


def getitem_mask_row(draw, device):
    shape = draw(ND_SHAPES)
    mask_ndim = draw(st.integers(1, len(shape)))
    mask = rng(draw).random(shape[:mask_ndim]) < 0.6
    m = mg.tensor(mask, device=device)
    return (lambda x: x[m]), [leaf(uniform(draw, shape), device)]


def take_row(draw, device):
    shape = draw(ND_SHAPES)
    axis = draw(st.integers(0, len(shape) - 1))
    idx = rng(draw).integers(0, shape[axis], draw(st.integers(1, 5)))
    return (lambda x: mg.ops.take(x, idx, axis)), [leaf(uniform(draw, shape), device)]


def concat_row(draw, device):
    shape = draw(ND_SHAPES)
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    sizes = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    shapes = [shape[:axis % len(shape)] + (s,) + shape[axis % len(shape) + 1:] for s in sizes]
    return (lambda *xs: mg.concatenate(xs, axis)), [leaf(uniform(draw, s), device) for s in shapes]


def stack_row(draw, device):
    shape = draw(SHAPES)
    axis = draw(st.integers(-len(shape) - 1, len(shape)))
    n = draw(st.integers(1, 3))
    return (lambda *xs: mg.stack(xs, axis)), [leaf(uniform(draw, shape), device) for _ in range(n)]


def split_row(draw, device):
    shape = draw(ND_SHAPES)
    axis = draw(st.integers(0, len(shape) - 1))
    size = draw(st.integers(1, 3))
    return (lambda x: mg.split(x, size, axis)), [leaf(uniform(draw, shape), device)]


def split_sizes_row(draw, device):
    shape = draw(ND_SHAPES)
    n = shape[0]
    cut = draw(st.integers(0, n))
    return (lambda x: mg.split(x, [cut, n - cut], 0)), [leaf(uniform(draw, shape), device)]


def chunk_row(draw, device):
    shape = draw(ND_SHAPES)
    axis = draw(st.integers(0, len(shape) - 1))
    chunks = draw(st.integers(1, 3))
    return (lambda x: mg.chunk(x, chunks, axis)), [leaf(uniform(draw, shape), device)]


def unbind_row(draw, device):
    shape = draw(ND_SHAPES)
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    return (lambda x: mg.unbind(x, axis)), [leaf(uniform(draw, shape), device)]


def where_row(draw, device):
    (c_shape, a_shape, b_shape), _ = draw(hnp.mutually_broadcastable_shapes(
        num_shapes=3, min_dims=0, max_dims=3, max_side=3))
    cond = mg.tensor(rng(draw).random(c_shape) < 0.5, device=device)
    return ((lambda a, b: mg.where(cond, a, b)),
            [leaf(uniform(draw, a_shape), device), leaf(uniform(draw, b_shape), device)])


def where_number_row(draw, device):
    shape = draw(SHAPES)
    cond = mg.tensor(rng(draw).random(shape) < 0.5, device=device)
    return (lambda a: mg.where(cond, a, 0.5)), [leaf(uniform(draw, shape), device)]


def pad_row(draw, device):
    shape = draw(SHAPES)
    widths = tuple((draw(st.integers(0, 2)), draw(st.integers(0, 2))) for _ in shape)
    return (lambda x: mg.pad(x, widths)), [leaf(uniform(draw, shape), device)]


def flip_row(draw, device):
    shape = draw(SHAPES)
    axis, _ = axis_and_keepdims(draw, len(shape))
    return (lambda x: mg.flip(x, axis)), [leaf(uniform(draw, shape), device)]


def pow_tensor_row(draw, device):
    a_shape, b_shape = draw(PAIRS).input_shapes
    return (lambda a, b: a ** b), [leaf(positive(draw, a_shape), device), leaf(uniform(draw, b_shape), device)]


def pow_scalar_row(draw, device):
    c = draw(st.sampled_from([2, 3, -1, 0.5, 1.5, -0.5, 0]))
    shape = draw(SHAPES)
    return (lambda x: x ** c), [leaf(positive(draw, shape), device)]


def number_base_row(draw, device):
    shape = draw(SHAPES)
    return (lambda x: 2.0 ** x), [leaf(uniform(draw, shape), device)]


def astype_row(draw, device):
    shape = draw(SHAPES)
    return (lambda x: mg.ops.astype(x, "float64") * 2.0), [leaf(uniform(draw, shape), device)]


ROWS = {
    # arithmetic, broadcasting both ways
    "add": binary(lambda a, b: a + b),
    "sub": binary(lambda a, b: a - b),
    "mul": binary(lambda a, b: a * b),
    "div": binary(lambda a, b: a / b, b_values=away_from_zero),
    "neg": unary(lambda x: -x),
    "pow_tensor": pow_tensor_row,
    "pow_scalar": pow_scalar_row,
    "number_minus_tensor": with_number(lambda x, c: c - x),
    "number_over_tensor": with_number(lambda x, c: c / x, values=away_from_zero),
    "tensor_times_number": with_number(lambda x, c: x * c),
    "number_pow_tensor": number_base_row,
    "matmul": matmul_row,
    # elementwise
    "exp": unary(mg.exp),
    "log": unary(mg.log, values=positive),
    "sqrt": unary(mg.sqrt, values=positive),
    "tanh": unary(mg.tanh),
    "tanh_backward": same_shape_pair(mg.ops.TanhBackward.apply),          # (g, y): the op tanh's backward is
    "sigmoid": unary(mg.sigmoid),
    "sigmoid_backward": same_shape_pair(mg.ops.SigmoidBackward.apply),
    "relu": unary(mg.relu, values=away_from_zero),
    "softplus": unary(mg.softplus),
    "silu": unary(mg.silu),
    "abs": unary(mg.abs, values=away_from_zero),
    "maximum": not_tied(mg.maximum),
    "minimum": not_tied(mg.minimum),
    "clip": clip_row,
    # reductions
    "sum": reduction(mg.sum),
    "mean": reduction(mg.mean),
    "amax": reduction(mg.amax, values=distinct),
    "amin": reduction(mg.amin, values=distinct),
    "max": max_along_row(mg.max),
    "min": max_along_row(mg.min),
    "var": var_row,
    "logsumexp": reduction(mg.logsumexp),
    "softmax": along_axis(mg.softmax),
    "log_softmax": along_axis(mg.log_softmax),
    "cumsum": along_axis(mg.cumsum),
    # shape
    "reshape": reshape_row,
    "permute": permute_row,
    "transpose": transpose_row,
    "broadcast_to": broadcast_row,
    "expand": expand_row,
    "flatten": flatten_row,
    "sum_to": sum_to_row,
    "squeeze_unsqueeze": squeeze_row,
    "squeeze_all": squeeze_all_row,
    "getitem_basic": getitem_basic_row,
    "getitem_integer_array": getitem_take_row,
    "getitem_integer_pairs": getitem_pairs_row,
    "getitem_mask": getitem_mask_row,
    "take": take_row,
    "concatenate": concat_row,
    "stack": stack_row,
    "split": split_row,
    "split_sizes": split_sizes_row,
    "chunk": chunk_row,
    "unbind": unbind_row,
    "where": where_row,
    "where_number": where_number_row,
    "pad": pad_row,
    "flip": flip_row,
    "astype": astype_row,
}


@pytest.mark.parametrize("name", list(ROWS))
@fixture_ok
@given(data=st.data())
def test_gradient_matches_finite_differences(name, device, data):
    fn, inputs = ROWS[name](data.draw, device)
    assert mg.gradcheck(fn, inputs)


@pytest.mark.parametrize("name", list(ROWS))
@fixture_ok
@given(data=st.data())
def test_second_derivatives_match_finite_differences(name, device, data):
    """The same table, one order up: the gradient, recorded with create_graph=True,
    checked as a function of the inputs against central differences of itself.
    (Rows whose gradient does not depend on the inputs, the linear ops, have
    nothing to check here and pass trivially; their first order is above.)"""
    fn, inputs = ROWS[name](data.draw, device)

    def gradient(*xs):
        outs = fn(*xs)
        outs = outs if isinstance(outs, tuple) else (outs,)
        total = 0.0
        for o in outs:       # a fixed, non-uniform projection (a uniform one hides transpositions)
            v = np.cos(np.arange(o.numel())).reshape(o.shape) + 0.3
            total = total + (o * mg.tensor(v, dtype="float64", device=device)).sum()
        grads = mg.grad(total, list(xs), create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None and g.requires_grad)

    if gradient(*inputs):
        assert mg.gradcheck(gradient, inputs)


# which rows prove each public op of minigrad.ops (the masks and the device move are tested elsewhere)
COVERAGE = {
    "add": ["add"], "sub": ["sub", "number_minus_tensor"], "mul": ["mul", "tensor_times_number"],
    "div": ["div", "number_over_tensor"], "neg": ["neg"], "pow": ["pow_tensor", "pow_scalar", "number_pow_tensor"],
    "matmul": ["matmul"], "exp": ["exp"], "log": ["log"], "sqrt": ["sqrt"], "tanh": ["tanh", "tanh_backward"],
    "sigmoid": ["sigmoid", "sigmoid_backward"], "relu": ["relu"], "softplus": ["softplus"], "silu": ["silu"],
    "abs": ["abs"],
    "maximum": ["maximum"], "minimum": ["minimum"], "clip": ["clip"], "sum": ["sum"], "mean": ["mean"],
    "max": ["max"], "min": ["min"], "amax": ["amax"], "amin": ["amin"], "expand": ["expand"],
    "flatten": ["flatten"], "result_type": [], "promote_types": [],
    "var": ["var"], "logsumexp": ["logsumexp"], "softmax": ["softmax"],
    "log_softmax": ["log_softmax"], "cumsum": ["cumsum"], "reshape": ["reshape"], "permute": ["permute"],
    "transpose": ["transpose"], "broadcast_to": ["broadcast_to"], "sum_to": ["sum_to"],
    "squeeze": ["squeeze_unsqueeze", "squeeze_all"], "unsqueeze": ["squeeze_unsqueeze"],
    "getitem": ["getitem_basic", "getitem_integer_array", "getitem_integer_pairs", "getitem_mask"],
    "take": ["take"], "concatenate": ["concatenate"], "cat": ["concatenate"], "stack": ["stack"],
    "split": ["split", "split_sizes"],
    "chunk": ["chunk"], "unbind": ["unbind"], "where": ["where", "where_number"], "pad": ["pad"], "flip": ["flip"],
    "astype": ["astype"], "compare": [], "to_device": [],
}


# the ops of these files have a table of their own, with its own coverage test: tests/test_new_ops.py
TABLED_IN_TEST_NEW_OPS = {f"minigrad.ops.{m}" for m in
                          ("special", "sorting", "selection", "products", "norms", "linalg", "logical", "memory")}


def test_every_public_op_has_rows_in_the_table():
    public = {n for n, f in vars(mg.ops).items() if not n.startswith("_") and callable(f)
              and not isinstance(f, type) and getattr(f, "__module__", "").startswith("minigrad.ops.")
              and f.__module__ not in TABLED_IN_TEST_NEW_OPS}
    assert public == set(COVERAGE)
    assert {r for rows in COVERAGE.values() for r in rows} == set(ROWS)


# ---- what finite differences cannot see ------------------------------------------

def test_amax_shares_the_gradient_among_ties(device):
    x = mg.tensor([[1.0, 3.0, 3.0], [2.0, 0.0, 2.0]], device=device, requires_grad=True)
    mg.amax(x, dim=1).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[0, 0.5, 0.5], [0.5, 0, 0.5]])


def test_maximum_and_minimum_share_the_gradient_at_a_tie(device):
    a = mg.tensor([1.0, 2.0, 3.0], device=device, requires_grad=True)
    b = mg.tensor([1.0, 1.0, 4.0], device=device, requires_grad=True)
    (mg.maximum(a, b) + 10 * mg.minimum(a, b)).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [5.5, 1.0, 10.0])
    np.testing.assert_allclose(b.grad.numpy(), [5.5, 10.0, 1.0])


def test_repeated_indices_accumulate(device):
    w = mg.tensor(np.arange(6.0).reshape(3, 2), device=device, requires_grad=True)
    idx = mg.tensor([[0, 2], [2, 2]], device=device)                 # an embedding lookup, (2, 2) -> (2, 2, 2)
    out = w[idx]
    assert out.shape == (2, 2, 2)
    out.sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), [[1, 1], [0, 0], [3, 3]])
    w.grad = None
    w[mg.tensor([1, 1], device=device), mg.tensor([0, 0], device=device)].sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), [[0, 0], [2, 0], [0, 0]])


def test_getitem_values_match_numpy(device):
    v = np.arange(24.0).reshape(2, 3, 4)
    x = mg.tensor(v, device=device)
    for index in [1, -1, (slice(None), 2), (Ellipsis, 1), (None, 0, ..., None), (slice(None, None, -1), 1, 2),
                  (1, slice(0, 3, 2))]:
        np.testing.assert_array_equal(x[index].numpy(), v[index])
    mask = v[:, :, 0] > 5
    np.testing.assert_array_equal(x[mg.tensor(mask, device=device)].numpy(), v[mask])
    np.testing.assert_array_equal(x[[1, 0, 1]].numpy(), v[[1, 0, 1]])


def test_comparisons_give_masks_outside_the_graph(device):
    x = mg.tensor([1.0, 2.0, 3.0], device=device, requires_grad=True)
    for mask, expected in [(x > 2.0, [0, 0, 1]), (x >= 2, [0, 1, 1]), (x < 2.0, [1, 0, 0]), (x <= 2.0, [1, 1, 0]),
                           (x == 2.0, [0, 1, 0]), (x != 2.0, [1, 0, 1]), (x > np.float32(1.5), [0, 1, 1])]:
        assert dtype_name(mask.dtype) == "bool" and not mask.requires_grad and mask.grad_fn is None
        assert mask.numpy().tolist() == [bool(e) for e in expected]


def test_integer_tensors_compute_and_stay_out_of_the_graph(device):
    i = mg.tensor([1, 2, 3], device=device)
    assert dtype_name((i + 1).dtype) == "int64" and (i * 2).numpy().tolist() == [2, 4, 6]
    x = mg.tensor([1.5, 2.5], device=device, requires_grad=True)
    n = x.astype("int64")                                  # leaving the floats leaves the graph
    assert dtype_name(n.dtype) == "int64" and not n.requires_grad


PROMOTIONS = {                  # expression on i = [0, 1, 2] (int64), f = [.5, .5, .5] (float32), m = i > 0
    "i * 0.5": (lambda i, f, m: i * 0.5, "float32", [0.0, 0.5, 1.0]),
    "2.5 - i": (lambda i, f, m: 2.5 - i, "float32", [2.5, 1.5, 0.5]),
    "i ** 0.5": (lambda i, f, m: i ** 0.5, "float32", [0.0, 1.0, np.sqrt(2)]),
    "i + f": (lambda i, f, m: i + f, "float32", [0.5, 1.5, 2.5]),
    "f / (i + 1)": (lambda i, f, m: f / (i + 1), "float32", [0.5, 0.25, 1 / 6]),
    "i + 1": (lambda i, f, m: i + 1, "int64", [1, 2, 3]),
    "m * 1.5": (lambda i, f, m: m * 1.5, "float32", [0.0, 1.5, 1.5]),
    "maximum(i, 0.5)": (lambda i, f, m: mg.maximum(i, 0.5), "float32", [0.5, 1.0, 2.0]),
    "where(m, i, 0.5)": (lambda i, f, m: mg.where(m, i, 0.5), "float32", [0.5, 1.0, 2.0]),
    "i >= 0.5": (lambda i, f, m: i >= 0.5, "bool", [False, True, True]),
}


@pytest.mark.parametrize("name", list(PROMOTIONS))
def test_integer_tensors_meeting_floats_become_float32_on_every_backend(name, device):
    """PyTorch's rule, not NumPy's (int64 * 0.5 is float64 there) nor a refusal
    (array-api-strict's): the same dtype and values on every backend."""
    fn, dtype, expected = PROMOTIONS[name]
    i, f = mg.tensor([0, 1, 2], device=device), mg.tensor([0.5, 0.5, 0.5], device=device)
    y = fn(i, f, i > 0)
    assert dtype_name(y.dtype) == dtype
    np.testing.assert_allclose(y.numpy(), expected, rtol=1e-6)


def test_a_float_tensor_gets_its_gradient_through_a_mixed_op(device):
    f = mg.tensor([0.5, 1.5], device=device, requires_grad=True)
    (f * mg.tensor([2, 3], device=device)).sum().backward()
    assert dtype_name(f.grad.dtype) == "float32" and f.grad.numpy().tolist() == [2.0, 3.0]


STABLE = {
    "sigmoid": (mg.sigmoid, [0.0, 1.0]),
    "softplus": (mg.softplus, [0.0, 1000.0]),
    "logsumexp": (lambda x: mg.logsumexp(x, axis=0), 1000.0),
    "log_softmax": (lambda x: mg.log_softmax(x, axis=0), [-2000.0, 0.0]),
    "softmax": (lambda x: mg.softmax(x, axis=0), [0.0, 1.0]),
    "silu": (mg.silu, [0.0, 1000.0]),
    "tanh": (mg.tanh, [-1.0, 1.0]),
}


@pytest.mark.parametrize("name", list(STABLE))
def test_stable_at_plus_minus_1000_in_float32(name, device):
    fn, expected = STABLE[name]
    x = mg.tensor([-1000.0, 1000.0], device=device, requires_grad=True)
    # every warning is an error, and so are overflow, division by zero and
    # invalid values; underflow is not: σ(-1000) rounds to 0, correctly
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        y = fn(x)
        y.backward(mg.ones_like(y))
    assert dtype_name(y.dtype) == "float32" and dtype_name(x.grad.dtype) == "float32"
    assert np.all(np.isfinite(y.numpy())) and np.all(np.isfinite(x.grad.numpy()))
    np.testing.assert_allclose(y.numpy(), expected)


def test_stable_functions_keep_their_values_far_out(device):
    x = mg.tensor([-1000.0, -30.0, 30.0, 1000.0], dtype="float64", device=device)
    np.testing.assert_allclose(mg.sigmoid(x).numpy(), [0.0, np.exp(-30.0) / (1 + np.exp(-30.0)), 1 / (1 + np.exp(-30)),
                                                       1.0], rtol=1e-12)
    np.testing.assert_allclose(mg.softplus(x).numpy(), [0.0, np.log1p(np.exp(-30.0)), 30 + np.log1p(np.exp(-30.0)),
                                                        1000.0], rtol=1e-12)
    np.testing.assert_allclose(mg.logsumexp(x).item(), 1000.0)
    np.testing.assert_allclose(mg.log_softmax(x, 0).numpy()[-1], 0.0, atol=1e-12)


def test_logsumexp_of_all_minus_infinity_rows_is_minus_infinity(device):
    x = mg.tensor([[-np.inf, -np.inf], [0.0, 0.0]], device=device)
    with np.errstate(divide="ignore"):                  # log(0) = -inf is the answer here
        y = mg.logsumexp(x, axis=1).numpy()
    assert y[0] == -np.inf and np.isclose(y[1], np.log(2))


# ---- against PyTorch, when it is installed ---------------------------------------

TORCH_ROWS = {
    "tanh(a @ b) * c": (lambda m, a, b, c: m.tanh(a @ b) * c, [(2, 3, 4), (4, 5), (5,)]),
    "softmax": (lambda m, a: m.softmax(a, -1) if m is mg else m.softmax(a, dim=-1), [(3, 4)]),
    "log_softmax": (lambda m, a: m.log_softmax(a, 0) if m is mg else m.log_softmax(a, dim=0), [(3, 4)]),
    "logsumexp": (lambda m, a: m.logsumexp(a, 1) if m is mg else m.logsumexp(a, dim=1), [(3, 4)]),
    "var": (lambda m, a: m.var(a, 0) if m is mg else m.var(a, dim=0), [(5, 3)]),
    "softplus/silu/sigmoid": (lambda m, a: (m.nn.functional.softplus(a) if m is not mg else mg.softplus(a))
                              * (m.nn.functional.silu(a) if m is not mg else mg.silu(a)) + m.sigmoid(a), [(3, 4)]),
    "pow/div/sqrt": (lambda m, a, b: m.sqrt(a * a + 1) / (b * b + 1) + (a * a + 1) ** b, [(3, 1), (1, 4)]),
    "cumsum/flip": (lambda m, a: m.cumsum(m.flip(a, (0,)) if m is not mg else mg.flip(a, 0), 0)
                    if m is not mg else mg.cumsum(mg.flip(a, 0), 0), [(4, 3)]),
    "getitem": (lambda m, a: a[1:, None, ::2] * a[[0, 2, 2]].sum(), [(3, 5)]),
}


@pytest.mark.parametrize("name", list(TORCH_ROWS))
def test_values_and_gradients_match_pytorch(name):
    torch = pytest.importorskip("torch")
    fn, shapes = TORCH_ROWS[name]
    r = np.random.default_rng(0)
    arrays = [r.uniform(0.2, 2.0, s) for s in shapes]
    ours = [mg.tensor(a, dtype="float64", requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    y, yt = fn(mg, *ours), fn(torch, *theirs)
    g = r.standard_normal(yt.shape)
    np.testing.assert_allclose(y.numpy(), yt.detach().numpy(), rtol=1e-12, atol=1e-12)
    grads = mg.grad(y, ours, mg.tensor(g, dtype="float64"))
    grads_t = torch.autograd.grad(yt, theirs, torch.tensor(g))
    for ours_g, theirs_g in zip(grads, grads_t):
        np.testing.assert_allclose(ours_g.numpy(), theirs_g.numpy(), rtol=1e-10, atol=1e-12)
