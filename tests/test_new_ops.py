"""The gradients of the ops in special.py, sorting.py, selection.py, products.py,
linalg.py, logical.py and memory.py against central finite differences, as one table.

The same form as tests/test_ops.py's table: one row per op, drawing its
inputs (0-d, size-1 and broadcast shapes; values clear of kinks and ties),
checked in float64 by mg.gradcheck on every backend of the `device` fixture,
first order and second order (the gradient, recorded with create_graph=True,
checked against central differences of itself). The coverage test at the end
holds every public function of those files to a row (or names where else it
is tested). Behaviour a finite difference cannot see follows the table.
"""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad as mg

fixture_ok = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])

SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3)
ND_SHAPES = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3)
MATRIX_SHAPES = hnp.array_shapes(min_dims=2, max_dims=3, min_side=1, max_side=3)
PAIRS = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, min_side=1, max_side=3)
MODULES = ("special", "sorting", "selection", "products", "norms", "linalg", "logical", "memory")


# ---- drawing inputs ------------------------------------------------------------

def rng(draw):
    return np.random.default_rng(draw(st.integers(0, 2**32 - 1)))


def uniform(draw, shape, lo=-2.0, hi=2.0):
    return rng(draw).uniform(lo, hi, shape)


def positive(draw, shape):
    return uniform(draw, shape, 0.2, 2.0)


def away_from_zero(draw, shape, lo=0.2, hi=2.0):
    r = rng(draw)
    return r.uniform(lo, hi, shape) * r.choice([-1.0, 1.0], shape)


def distinct(draw, shape):
    """Values at least 0.1 apart, so sorting has no ties."""
    n = int(np.prod(shape))
    return (rng(draw).permutation(n).reshape(shape) - n / 2) * 0.1 + 0.01


def leaf(v, device):
    return mg.tensor(np.asarray(v, dtype=np.float64), dtype="float64", device=device, requires_grad=True)


def dim_and_keepdim(draw, ndim):
    """None, one dim (maybe negative) or a tuple of dims; keepdim either way."""
    if ndim == 0:
        dim = draw(st.sampled_from([None, 0, -1]))
    else:
        dim = draw(st.one_of(st.none(), st.integers(-ndim, ndim - 1),
                             st.lists(st.integers(-ndim, ndim - 1), min_size=1, max_size=ndim,
                                      unique_by=lambda d: d % ndim).map(tuple)))
    return dim, draw(st.booleans())


def unary(fn, values=uniform, shapes=SHAPES):
    def make(draw, device):
        return fn, [leaf(values(draw, draw(shapes)), device)]
    return make


# ---- rows ------------------------------------------------------------------------

def clear_of_bounds(draw, shape):
    """Values k/10 + 0.05: at least 0.05 from every bound drawn by `bounds`."""
    return np.round(uniform(draw, shape), 1) + 0.05


def bounds(draw, shape, lo, hi):
    return np.round(uniform(draw, shape, lo, hi), 1)


def clamp_tensor_row(draw, device):
    (x_shape, lo_shape, hi_shape), _ = draw(hnp.mutually_broadcastable_shapes(
        num_shapes=3, min_dims=0, max_dims=3, max_side=3))
    x, lo, hi = clear_of_bounds(draw, x_shape), bounds(draw, lo_shape, -1.5, -0.5), bounds(draw, hi_shape, 0.5, 1.5)
    return mg.clamp, [leaf(x, device), leaf(lo, device), leaf(hi, device)]


def clamp_one_side_row(draw, device):
    shape = draw(SHAPES)
    x, bound = clear_of_bounds(draw, shape), bounds(draw, shape, -2.0, 2.0)
    side = draw(st.sampled_from(["min", "max"]))
    return (lambda x, b: mg.clamp(x, **{side: b})), [leaf(x, device), leaf(bound, device)]


def gather_row(draw, device):
    shape = draw(ND_SHAPES)
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    r = rng(draw)
    index_shape = tuple(r.integers(1, s + 1) if d != dim % len(shape) else r.integers(1, 5)
                        for d, s in enumerate(shape))                  # smaller on the other dims, any size on dim
    index = mg.tensor(r.integers(0, shape[dim], index_shape), device=device)
    return (lambda x: mg.gather(x, dim, index)), [leaf(uniform(draw, shape), device)]


def sort_row(draw, device):
    shape = draw(ND_SHAPES)
    dim, descending = draw(st.integers(-len(shape), len(shape) - 1)), draw(st.booleans())
    return (lambda x: mg.sort(x, dim, descending).values), [leaf(distinct(draw, shape), device)]


def topk_row(draw, device):
    shape = draw(ND_SHAPES)
    dim, largest = draw(st.integers(-len(shape), len(shape) - 1)), draw(st.booleans())
    k = draw(st.integers(0, shape[dim]))
    return (lambda x: mg.topk(x, k, dim, largest).values), [leaf(distinct(draw, shape), device)]


def masked_fill_row(draw, device):
    (x_shape, m_shape), _ = draw(PAIRS)
    mask = mg.tensor(rng(draw).random(m_shape) < 0.5, device=device)
    if draw(st.booleans()):
        return (lambda x, v: mg.masked_fill(x, mask, v)), [leaf(uniform(draw, x_shape), device),
                                                           leaf(uniform(draw, ()), device)]
    return (lambda x: mg.masked_fill(x, mask, 0.5)), [leaf(uniform(draw, x_shape), device)]


def triangle_row(fn):
    def make(draw, device):
        shape = draw(MATRIX_SHAPES)
        diagonal = draw(st.integers(-3, 3))
        return (lambda x: fn(x, diagonal)), [leaf(uniform(draw, shape), device)]
    return make


def roll_row(draw, device):
    shape = draw(SHAPES)
    if not shape or draw(st.booleans()):
        shift = draw(st.integers(-4, 4))
        return (lambda x: mg.roll(x, shift)), [leaf(uniform(draw, shape), device)]
    dims = tuple(draw(st.lists(st.integers(-len(shape), len(shape) - 1), min_size=1, max_size=2)))
    shifts = tuple(draw(st.integers(-4, 4)) for _ in dims)
    return (lambda x: mg.roll(x, shifts, dims)), [leaf(uniform(draw, shape), device)]


def repeat_row(draw, device):
    shape = draw(SHAPES)
    sizes = tuple(draw(st.integers(0, 2)) for _ in range(len(shape) + draw(st.integers(0 if shape else 1, 2))))
    return (lambda x: x.repeat(*sizes)), [leaf(uniform(draw, shape), device)]


def repeat_interleave_row(draw, device):
    shape = draw(SHAPES)
    dim = draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1))) if shape else None
    n = int(np.prod(shape)) if dim is None else shape[dim]
    repeats = draw(st.one_of(st.integers(0, 3), st.lists(st.integers(0, 3), min_size=n, max_size=n)
                             .map(lambda c: mg.tensor(c, dtype="int64", device=device))))
    return (lambda x: mg.repeat_interleave(x, repeats, dim)), [leaf(uniform(draw, shape), device)]


def prod_row(draw, device):
    """Products with zeros drawn in (one or two): the gradient must not divide by x."""
    shape = draw(SHAPES)
    v = uniform(draw, shape, 0.5, 1.5) * rng(draw).choice([-1.0, 1.0], shape)
    v = np.where(rng(draw).random(shape) < 0.25, 0.0, v)
    dim = draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1))) if shape else None
    keepdim = draw(st.booleans())
    return (lambda x: mg.prod(x, dim, keepdim) if dim is not None else mg.prod(x)), [leaf(v, device)]


def cumprod_row(draw, device):
    shape = draw(ND_SHAPES)
    v = uniform(draw, shape, 0.5, 1.5) * rng(draw).choice([-1.0, 1.0], shape)
    v = np.where(rng(draw).random(shape) < 0.25, 0.0, v)
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    return (lambda x: mg.cumprod(x, dim)), [leaf(v, device)]


def norm_row(draw, device):
    shape = draw(SHAPES)
    p = draw(st.sampled_from(["fro", 2, 1, math.inf, -math.inf, 3, 0.5, 1.5]))
    dim, keepdim = dim_and_keepdim(draw, len(shape))
    if p == "fro" and isinstance(dim, tuple) and len(dim) > 2:      # 'fro' takes at most 2 dims
        dim = dim[:2]
    values = distinct if p in (math.inf, -math.inf) else away_from_zero
    return (lambda x: mg.norm(x, p, dim, keepdim)), [leaf(values(draw, shape), device)]


def std_row(draw, device):
    shape = draw(ND_SHAPES)
    dim, keepdim = dim_and_keepdim(draw, len(shape))
    axes = range(len(shape)) if dim is None else np.atleast_1d(dim)
    n = int(np.prod([shape[a] for a in axes]))
    correction = draw(st.sampled_from([0, 1] if n > 1 else [0]))
    return (lambda x: mg.std(x, dim, keepdim=keepdim, correction=correction)), [leaf(uniform(draw, shape), device)]


def outer_row(draw, device):
    n, m = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    return mg.outer, [leaf(uniform(draw, (n,)), device), leaf(uniform(draw, (m,)), device)]


def bmm_row(draw, device):
    b, n, k, m = (draw(st.integers(1, 3)) for _ in range(4))
    return mg.bmm, [leaf(uniform(draw, (b, n, k)), device), leaf(uniform(draw, (b, k, m)), device)]


EINSUMS = [("ij,jk->ik", [(2, 3), (3, 4)]), ("ij,jk", [(2, 3), (3, 2)]), ("i,i->", [(3,), (3,)]),
           ("i,j->ij", [(2,), (3,)]), ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]), ("ij->ji", [(2, 3)]),
           ("ij->i", [(2, 3)]), ("ij->", [(2, 3)]), ("...ij,...jk->...ik", [(2, 2, 3), (3, 2)]),
           ("bhtd,bhsd->bhts", [(1, 2, 3, 2), (1, 2, 2, 2)]), ("ij,jk,kl->il", [(2, 3), (3, 2), (2, 2)]),
           (",i->i", [(), (3,)]), ("ab,ab->ab", [(2, 3), (2, 3)])]


def einsum_row(draw, device):
    equation, shapes = draw(st.sampled_from(EINSUMS))
    return (lambda *xs: mg.einsum(equation, *xs)), [leaf(uniform(draw, s), device) for s in shapes]


def copy_row(fn):
    def make(draw, device):
        shape = draw(MATRIX_SHAPES)
        return (lambda x: fn(mg.transpose(x, 0, 1)) * mg.transpose(x, 0, 1)), [leaf(uniform(draw, shape), device)]
    return make


ROWS = {
    "sin": unary(mg.sin),
    "cos": unary(mg.cos),
    "log1p": unary(mg.log1p, values=lambda d, s: uniform(d, s, -0.8, 2.0)),
    "expm1": unary(mg.expm1),
    "square": unary(mg.square),
    "rsqrt": unary(mg.rsqrt, values=positive),
    "erf": unary(mg.erf, values=lambda d, s: uniform(d, s, -5.0, 5.0)),
    "gelu": unary(mg.gelu, values=lambda d, s: uniform(d, s, -5.0, 5.0)),
    "gelu_tanh": unary(lambda x: mg.gelu(x, approximate="tanh"), values=lambda d, s: uniform(d, s, -5.0, 5.0)),
    "sign": unary(lambda x: mg.sign(x) * x, values=away_from_zero),
    "clamp_numbers": unary(lambda x: mg.clamp(x, -0.5, 0.5), values=clear_of_bounds),
    "clamp_tensors": clamp_tensor_row,
    "clamp_one_side": clamp_one_side_row,
    "gather": gather_row,
    "sort": sort_row,
    "topk": topk_row,
    "masked_fill": masked_fill_row,
    "tril": triangle_row(mg.tril),
    "triu": triangle_row(mg.triu),
    "roll": roll_row,
    "repeat": repeat_row,
    "repeat_interleave": repeat_interleave_row,
    "prod": prod_row,
    "cumprod": cumprod_row,
    "norm": norm_row,
    "std": std_row,
    "outer": outer_row,
    "bmm": bmm_row,
    "einsum": einsum_row,
    "clone": copy_row(mg.clone),
    "contiguous": copy_row(mg.contiguous),
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
    """One order up: the gradient (create_graph=True) against differences of itself.
    Rows whose gradient does not depend on the inputs have nothing to check here."""
    fn, inputs = ROWS[name](data.draw, device)

    def gradient(*xs):
        outs = fn(*xs)
        outs = outs if isinstance(outs, tuple) else (outs,)
        total = 0.0
        for o in outs:
            if not o.requires_grad:
                continue
            v = np.cos(np.arange(int(np.prod(o.shape)))).reshape(o.shape) + 0.3
            total = total + (o * mg.tensor(v, dtype="float64", device=device)).sum()
        grads = mg.grad(total, list(xs), create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None and g.requires_grad)

    if gradient(*inputs):
        assert mg.gradcheck(gradient, inputs)


# which rows prove each public function of the files above; [] where the
# function has no gradient (masks, indices, samples: tested below instead)
COVERAGE = {
    "sin": ["sin"], "cos": ["cos"], "log1p": ["log1p"], "expm1": ["expm1"], "square": ["square"],
    "rsqrt": ["rsqrt"], "erf": ["erf"], "gelu": ["gelu", "gelu_tanh"], "sign": ["sign"],
    "clamp": ["clamp_numbers", "clamp_tensors", "clamp_one_side"],
    "gather": ["gather"], "sort": ["sort"], "topk": ["topk"], "masked_fill": ["masked_fill"],
    "tril": ["tril"], "triu": ["triu"], "roll": ["roll"], "repeat": ["repeat"],
    "repeat_interleave": ["repeat_interleave"], "prod": ["prod"], "cumprod": ["cumprod"], "norm": ["norm"],
    "std": ["std"], "outer": ["outer"], "bmm": ["bmm"], "einsum": ["einsum"], "clone": ["clone"],
    "contiguous": ["contiguous"],
    "argmax": [], "argmin": [], "argsort": [], "isnan": [], "isfinite": [], "all": [], "any": [],
    "logical_and": [], "logical_or": [], "logical_not": [],
}


def test_every_new_op_has_rows_in_the_table():
    public = {n for n, f in vars(mg.ops).items() if not n.startswith("_") and callable(f)
              and not isinstance(f, type) and getattr(f, "__module__", "") in
              {f"minigrad.ops.{m}" for m in MODULES}}
    assert public == set(COVERAGE)
    assert {r for rows in COVERAGE.values() for r in rows} == set(ROWS)


# ---- what finite differences cannot see --------------------------------------------

def test_erf_is_accurate_to_float64_rounding(device):
    x = np.concatenate([np.linspace(-7, 7, 2001), [0.46875, -0.46875, 4.0, -4.0, 30.0, -30.0, 1e-300]])
    got = mg.erf(mg.tensor(x, dtype="float64", device=device)).numpy()
    want = np.array([math.erf(v) for v in x])
    assert np.max(np.abs(got - want)) <= 4e-16
    special = mg.erf(mg.tensor([np.nan, np.inf, -np.inf, -0.0], dtype="float64", device=device)).numpy()
    assert np.isnan(special[0]) and special[1] == 1.0 and special[2] == -1.0 and np.signbit(special[3])


def test_float32_stays_float32_and_integers_become_float32(device):
    x = mg.tensor([0.5, 2.0], device=device, requires_grad=True)
    i = mg.tensor([1, 2], device=device)
    for f in (mg.sin, mg.cos, mg.log1p, mg.expm1, mg.erf, mg.rsqrt):
        assert f(x).dtype == x.dtype and f(i).dtype == x.dtype
    assert mg.gelu(x).dtype == x.dtype
    assert mg.square(i).numpy().tolist() == [1, 4] and mg.square(i).dtype == i.dtype
    y = mg.gelu(x) + mg.sin(x) * mg.clamp(x, mg.tensor(-0.7, device=device), 0.2)
    y.sum().backward()
    assert x.grad.dtype == x.dtype


def test_clamp_gives_the_gradient_to_the_bound_that_was_taken(device):
    x = mg.tensor([-2.0, 0.0, 2.0, 0.5], device=device, requires_grad=True)
    lo = mg.tensor([-1.0, -1.0, -1.0, 1.0], device=device, requires_grad=True)
    hi = mg.tensor([1.0, 1.0, 1.0, 0.0], device=device, requires_grad=True)     # last: lo > hi, so hi
    y = mg.clamp(x, lo, hi)
    np.testing.assert_array_equal(y.numpy(), [-1.0, 0.0, 1.0, 0.0])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0, 1, 0, 0])
    np.testing.assert_array_equal(lo.grad.numpy(), [1, 0, 0, 0])
    np.testing.assert_array_equal(hi.grad.numpy(), [0, 0, 1, 1])


def test_norm_and_std_have_gradient_zero_where_the_root_is_zero(device):
    x = mg.zeros(3, dtype="float64", device=device, requires_grad=True)
    for f in (lambda x: mg.norm(x), lambda x: mg.norm(x, 3), lambda x: mg.norm(x, 0.5), lambda x: mg.norm(x, 1),
              lambda x: mg.std(x + 1.0)):
        (g,) = mg.grad(f(x), [x])
        np.testing.assert_array_equal(g.numpy(), [0.0, 0.0, 0.0])
    x = mg.tensor([0.0, 3.0, -4.0], dtype="float64", device=device, requires_grad=True)
    (g,) = mg.grad(mg.norm(x, 0.5), [x])
    assert g.numpy()[0] == 0.0 and np.all(np.isfinite(g.numpy()))


def test_prod_gradient_with_zeros_is_the_product_of_the_others(device):
    x = mg.tensor([[2.0, 0.0, 3.0], [0.0, 0.0, 5.0]], dtype="float64", device=device, requires_grad=True)
    mg.prod(x, 1).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0.0, 6.0, 0.0], [0.0, 0.0, 0.0]])
    x.grad = None
    mg.cumprod(x, 1).sum().backward()        # d/dx_j of x0 + x0x1 + x0x1x2
    np.testing.assert_array_equal(x.grad.numpy(), [[1.0, 2.0 + 6.0, 0.0], [1.0, 0.0, 0.0]])


def test_argmax_takes_the_first_tie_and_sort_keeps_ties_in_order(device):
    x = mg.tensor([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, 2.0, 2.0]], device=device)
    assert mg.argmax(x, 1).tolist() == [1, 0] and mg.argmin(x, 1).tolist() == [3, 0]
    assert mg.argmax(x).tolist() == 1 and mg.argmax(x, keepdim=True).shape == (1, 1)
    assert mg.sort(x, 1).indices.tolist() == [[3, 0, 1, 2], [0, 1, 2, 3]]
    assert mg.sort(x, 1, descending=True).indices.tolist() == [[1, 2, 0, 3], [0, 1, 2, 3]]
    values, indices = mg.topk(x, 2, 1)
    assert indices.tolist() == [[1, 2], [0, 1]] and mg.backend.dtype_name(indices.dtype) == "int64"


def test_gather_gradient_adds_up_at_repeated_indices(device):
    x = mg.tensor([[1.0, 2.0, 3.0]], device=device, requires_grad=True)
    mg.gather(x, 1, mg.tensor([[2, 2, 0, 2]], device=device)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[1.0, 0.0, 3.0]])


def test_clone_has_its_own_storage_and_contiguous_copies_only_when_needed(device):
    x = mg.tensor(np.arange(6.0).reshape(2, 3), device=device)
    c = mg.clone(x)
    c._write(c._data * 0)
    assert x.numpy().sum() == 15.0 and c._version is not x._version
    assert mg.contiguous(x) is x
    t = mg.transpose(x, 0, 1)
    ct = mg.contiguous(t)
    assert ct is not t and mg.backend.of(ct._data).is_contiguous(ct._data)
    np.testing.assert_array_equal(ct.numpy(), t.numpy())


def test_random_tensors_follow_the_seed_on_every_device(device):
    def draw():
        p = mg.tensor([[0.1, 0.0, 0.6, 0.3], [1.0, 1.0, 1.0, 1.0]], device=device)
        return (mg.randint(2, 9, (3, 4), device=device).numpy(), mg.multinomial(p, 3).numpy(),
                mg.multinomial(p, 6, replacement=True).numpy(), mg.rand_like(p).numpy(), mg.randn_like(p).numpy())
    mg.manual_seed(11)
    first = draw()
    mg.manual_seed(11)
    for a, b in zip(first, draw()):
        np.testing.assert_array_equal(a, b)
    ints, without, with_replacement, uniform01, _ = first
    assert ints.min() >= 2 and ints.max() < 9 and ints.dtype == np.int64
    assert all(len(set(row)) == 3 for row in without) and 1 not in without[0]     # weight 0 is never drawn
    assert 1 not in with_replacement[0] and uniform01.min() >= 0 and uniform01.max() < 1


def test_multinomial_draws_in_proportion_to_the_weights():
    mg.manual_seed(0)
    counts = np.bincount(mg.multinomial(mg.tensor([1.0, 3.0, 0.0, 6.0]), 20000, replacement=True).numpy(),
                         minlength=4) / 20000
    np.testing.assert_allclose(counts, [0.1, 0.3, 0.0, 0.6], atol=0.015)      # 3σ of 20000 draws is < 0.011


def test_einsum_implicit_form_and_ellipsis_match_numpy(device):
    r = np.random.default_rng(0)
    a, b = r.standard_normal((2, 3, 4)), r.standard_normal((4, 5))
    ta, tb = (mg.tensor(v, dtype="float64", device=device) for v in (a, b))
    np.testing.assert_allclose(mg.einsum("bij,jk", ta, tb).numpy(), np.einsum("bij,jk", a, b))
    np.testing.assert_allclose(mg.einsum("...ij,jk->...ik", ta, tb).numpy(), a @ b)
    np.testing.assert_allclose(mg.einsum("ba", tb).numpy(), b.T)      # implicit: alphabetical, so a transpose


# ---- the deliberate differences from PyTorch (docs/differences.md) -------------------

def test_einsum_refuses_diagonals_and_size_1_broadcasting():
    torch = pytest.importorskip("torch")
    a = np.arange(4.0).reshape(2, 2)
    assert torch.einsum("ii->i", torch.tensor(a)).tolist() == [0.0, 3.0]           # PyTorch computes it
    with pytest.raises(RuntimeError, match="repeated within one operand"):
        mg.einsum("ii->i", mg.tensor(a))
    assert torch.einsum("ij,ij->ij", torch.ones(1, 2), torch.ones(3, 2)).shape == (3, 2)
    with pytest.raises(RuntimeError, match="has size 1 in one operand and 3"):
        mg.einsum("ij,ij->ij", mg.ones(1, 2), mg.ones(3, 2))


def test_norm_has_no_nuclear_norm():
    torch = pytest.importorskip("torch")
    assert torch.norm(torch.eye(2), "nuc").item() == 2.0
    with pytest.raises(RuntimeError, match="nuclear norm is not supported"):
        mg.norm(mg.eye(2), "nuc")


def test_multinomial_takes_no_generator():
    torch = pytest.importorskip("torch")
    assert torch.multinomial(torch.ones(3), 1, generator=torch.Generator()).shape == (1,)
    with pytest.raises(TypeError):
        mg.multinomial(mg.ones(3), 1, generator=None)


def test_sign_of_bool_stays_bool_and_square_of_bool_is_int64(device):
    b = mg.tensor([True, False], device=device)
    assert mg.sign(b).tolist() == [True, False] and mg.backend.dtype_name(mg.sign(b).dtype) == "bool"
    assert mg.square(b).tolist() == [1, 0] and mg.backend.dtype_name(mg.square(b).dtype) == "int64"


def test_the_tensor_methods_are_the_functions(device):
    x = mg.tensor([[0.5, -0.8, 2.0], [1.5, 0.25, -0.5]], device=device)
    same = [(x.sin(), mg.sin(x)), (x.cos(), mg.cos(x)), (x.log1p().isnan(), mg.isnan(mg.log1p(x))),
            (x.expm1(), mg.expm1(x)), (x.square(), mg.square(x)), (x.abs().rsqrt(), mg.rsqrt(mg.abs(x))),
            (x.erf(), mg.erf(x)), (x.sign(), mg.sign(x)), (x.clamp(-0.5, 0.5), mg.clamp(x, -0.5, 0.5)),
            (x.argmax(1), mg.argmax(x, 1)), (x.argmin(), mg.argmin(x)), (x.sort(1).values, mg.sort(x, 1).values),
            (x.argsort(0), mg.argsort(x, 0)), (x.topk(2).values, mg.topk(x, 2).values),
            (x.gather(1, mg.tensor([[0], [2]], device=device)), mg.gather(x, 1, mg.tensor([[0], [2]], device=device))),
            (x.masked_fill(x > 0, 1.0), mg.masked_fill(x, x > 0, 1.0)), (x.tril(), mg.tril(x)),
            (x.triu(1), mg.triu(x, 1)),
            (x.roll(1, 1), mg.roll(x, 1, 1)), (x.repeat(2, 1), mg.ops.repeat(x, 2, 1)),
            (x.repeat_interleave(2), mg.repeat_interleave(x, 2)), (x.prod(1), mg.prod(x, 1)),
            (x.cumprod(0), mg.cumprod(x, 0)), (x.norm(1), mg.norm(x, 1)), (x.std(1), mg.std(x, 1)),
            (x[0].outer(x[1]), mg.outer(x[0], x[1])), (x.reshape(1, 2, 3).bmm(x.reshape(1, 3, 2)),
                                                         mg.bmm(x.reshape(1, 2, 3), x.reshape(1, 3, 2))),
            (x.isfinite(), mg.isfinite(x)), (x.all(1), mg.all(x, 1)), (x.any(), mg.any(x)),
            (x.logical_and(x > 0), mg.logical_and(x, x > 0)), (x.logical_or(x > 0), mg.logical_or(x, x > 0)),
            (x.logical_not(), mg.logical_not(x)), (x.clone(), x), (x.T.contiguous(), x.T)]
    for method, function in same:
        np.testing.assert_array_equal(method.numpy(), function.numpy())
    mg.manual_seed(5)
    drawn = x.abs().multinomial(2)
    mg.manual_seed(5)
    np.testing.assert_array_equal(drawn.numpy(), mg.multinomial(x.abs(), 2).numpy())


def test_axis_and_keepdims_are_aliases_of_dim_and_keepdim(device):
    x = mg.tensor(np.arange(1.0, 7.0).reshape(2, 3), device=device)
    pairs = [(mg.argmax(x, axis=1, keepdims=True), mg.argmax(x, 1, True)), (x.argmin(axis=0), x.argmin(0)),
             (mg.sort(x, axis=0).values, mg.sort(x, 0).values), (x.argsort(axis=0), x.argsort(0)),
             (mg.topk(x, 1, axis=0).values, mg.topk(x, 1, 0).values),
             (x.prod(axis=1, keepdims=True), x.prod(1, True)),
             (mg.cumprod(x, axis=0), mg.cumprod(x, 0)),
             (x.norm(1, axis=(0, 1), keepdims=True), x.norm(1, (0, 1), True)),
             (mg.std(x, axis=1, keepdims=True), mg.std(x, 1, keepdim=True)),
             (mg.all(x > 1, axis=1, keepdims=True), mg.all(x > 1, 1, True)), (x.any(axis=0), x.any(0))]
    for alias, own in pairs:
        np.testing.assert_array_equal(alias.numpy(), own.numpy())
    for call in (lambda: mg.argmax(x, 0, axis=1), lambda: mg.sort(x, 0, axis=1), lambda: mg.norm(x, 2, 0, axis=1),
                 lambda: mg.all(x > 1, 0, True, keepdims=True)):
        with pytest.raises(TypeError, match="alias"):
            call()
