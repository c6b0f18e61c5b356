"""The new ops against PyTorch: forward values, output dtype, first derivatives
of a random projection and, where the op has them, Hessian-vector products
(tests/torchdiff.py runs each case).

One row per op: it draws the inputs (hypothesis shapes: 0-d, size-1, empty,
broadcast pairs; negative and tuple dims; keepdim both ways) and returns the
minigrad function, the torch function and the inputs. Every row runs in
float32 and float64, on every backend of the `device` fixture, and half of
the draws hand torch transposed (non-contiguous) inputs. Values are drawn
clear of kinks and ties, where the two libraries may rightly differ.
"""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

torch = pytest.importorskip("torch")

from torchdiff import compare  # noqa: E402

import minigrad as mg  # noqa: E402

# half the profile's examples per row: 41 rows × 2 dtypes × each backend make many tests
fixture_ok = settings(suppress_health_check=[HealthCheck.function_scoped_fixture],
                      max_examples=max(5, settings().max_examples // 2))

SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3)           # empty ones too
NONEMPTY = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3)
ND = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3)
ND_OR_EMPTY = hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=3)
MATRICES = hnp.array_shapes(min_dims=2, max_dims=3, min_side=0, max_side=3)
PAIRS = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, min_side=1, max_side=3)


def rng(draw):
    return np.random.default_rng(draw(st.integers(0, 2**32 - 1)))


def uniform(draw, shape, lo=-2.0, hi=2.0):
    return rng(draw).uniform(lo, hi, shape)


def distinct(draw, shape):
    n = int(np.prod(shape))
    return (rng(draw).permutation(n).reshape(shape) - n / 2) * 0.1 + 0.01


def away_from_zero(draw, shape):
    r = rng(draw)
    return r.uniform(0.2, 2.0, shape) * r.choice([-1.0, 1.0], shape)


def a_dim(draw, ndim):
    return draw(st.integers(-max(ndim, 1), max(ndim, 1) - 1))


def dims(draw, ndim):
    """None, one dim or a tuple of distinct dims (negative ones too)."""
    if ndim == 0:
        return draw(st.sampled_from([None, 0, -1]))
    return draw(st.one_of(st.none(), st.integers(-ndim, ndim - 1),
                          st.lists(st.integers(-ndim, ndim - 1), min_size=1, max_size=ndim,
                                   unique_by=lambda d: d % ndim).map(tuple)))


def elementwise(mg_fn, torch_fn, values=uniform, shapes=SHAPES, **options):
    def make(draw):
        return mg_fn, torch_fn, [values(draw, draw(shapes))], options
    return make


def clamp_row(draw):
    (xs, ls, hs), xs = draw(hnp.mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=3, max_side=3))
    # x of the broadcast shape: torch's backward cannot broadcast x up to its bounds
    x = np.round(uniform(draw, xs), 1) + 0.05
    lo, hi = np.round(uniform(draw, ls, -1.5, -0.5), 1), np.round(uniform(draw, hs, 0.5, 1.5), 1)
    if draw(st.booleans()):
        lo, hi = -lo, -hi                     # min > max: the result is max, and so is the gradient's path
    if draw(st.booleans()):
        return (lambda x: mg.clamp(x, -0.5, 0.5)), (lambda x: torch.clamp(x, -0.5, 0.5)), [x]
    return mg.clamp, torch.clamp, [x, lo, hi]


def arg_row(name):
    def make(draw):
        shape = draw(NONEMPTY)
        dim = draw(st.one_of(st.none(), st.integers(-max(len(shape), 1), max(len(shape), 1) - 1)))
        keepdim = draw(st.booleans())
        f = lambda lib: lambda x: getattr(lib, name)(x, dim=dim, keepdim=keepdim)    # noqa: E731
        return f(mg), f(torch), [distinct(draw, shape)]
    return make


def sort_row(draw):
    shape = draw(SHAPES)
    dim, descending = a_dim(draw, len(shape)), draw(st.booleans())
    return ((lambda x: tuple(mg.sort(x, dim, descending))), (lambda x: tuple(torch.sort(x, dim=dim,
            descending=descending))), [distinct(draw, shape)])


def argsort_row(draw):
    shape = draw(SHAPES)
    dim, descending = a_dim(draw, len(shape)), draw(st.booleans())
    return ((lambda x: mg.argsort(x, dim, descending)), (lambda x: torch.argsort(x, dim=dim, descending=descending)),
            [distinct(draw, shape)])


def topk_row(draw):
    shape = draw(SHAPES)
    dim, largest = a_dim(draw, len(shape)), draw(st.booleans())
    k = draw(st.integers(0, shape[dim] if shape else 1))
    return ((lambda x: tuple(mg.topk(x, k, dim, largest))), (lambda x: tuple(torch.topk(x, k, dim, largest))),
            [distinct(draw, shape)])


def gather_row(draw):
    shape = draw(ND)
    dim = a_dim(draw, len(shape))
    r = rng(draw)
    index_shape = tuple(int(r.integers(0, s + 1)) if d != dim % len(shape) else int(r.integers(0, 4))
                        for d, s in enumerate(shape))
    index = r.integers(0, shape[dim], index_shape)
    return ((lambda x, i: mg.gather(x, dim, i)), (lambda x, i: torch.gather(x, dim, i)),
            [uniform(draw, shape), index])


def masked_fill_row(draw):
    (xs, ms), _ = draw(PAIRS)
    mask = rng(draw).random(ms) < 0.5
    return ((lambda x, m, v: mg.masked_fill(x, m, v)), (lambda x, m, v: x.masked_fill(m, v)),
            [uniform(draw, xs), mask, np.float64(uniform(draw, ()))])


def triangle_row(name):
    def make(draw):
        shape, diagonal = draw(MATRICES), draw(st.integers(-3, 3))
        return ((lambda x: getattr(mg, name)(x, diagonal)), (lambda x: getattr(torch, name)(x, diagonal)),
                [uniform(draw, shape)])
    return make


def roll_row(draw):
    shape = draw(SHAPES)
    if not shape or draw(st.booleans()):
        s = draw(st.integers(-4, 4))
        return (lambda x: mg.roll(x, s)), (lambda x: torch.roll(x, s)), [uniform(draw, shape)]
    ds = tuple(draw(st.lists(st.integers(-len(shape), len(shape) - 1), min_size=1, max_size=2)))
    ss = tuple(draw(st.integers(-4, 4)) for _ in ds)
    return (lambda x: mg.roll(x, ss, ds)), (lambda x: torch.roll(x, ss, ds)), [uniform(draw, shape)]


def repeat_row(draw):
    shape = draw(SHAPES)
    sizes = tuple(draw(st.integers(0, 2)) for _ in range(len(shape) + draw(st.integers(0 if shape else 1, 2))))
    return (lambda x: x.repeat(*sizes)), (lambda x: x.repeat(*sizes)), [uniform(draw, shape)]


def repeat_interleave_row(draw):
    shape = draw(SHAPES)
    dim = draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1))) if shape else None
    n = int(np.prod(shape)) if dim is None else shape[dim]
    if draw(st.booleans()):
        r = draw(st.integers(0, 3))
        return ((lambda x: mg.repeat_interleave(x, r, dim)), (lambda x: torch.repeat_interleave(x, r, dim)),
                [uniform(draw, shape)])
    counts = np.array(draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)), dtype=np.int64)
    return ((lambda x, c: mg.repeat_interleave(x, c, dim)), (lambda x, c: torch.repeat_interleave(x, c, dim)),
            [uniform(draw, shape), counts])


def with_zeros(draw, shape):
    r = rng(draw)
    v = r.uniform(0.5, 1.5, shape) * r.choice([-1.0, 1.0], shape)
    return np.where(r.random(shape) < 0.25, 0.0, v)


def prod_row(draw):
    shape = draw(SHAPES)
    if not shape or draw(st.booleans()):
        return mg.prod, torch.prod, [with_zeros(draw, shape)]
    dim, keepdim = a_dim(draw, len(shape)), draw(st.booleans())
    return ((lambda x: mg.prod(x, dim, keepdim)), (lambda x: torch.prod(x, dim, keepdim)), [with_zeros(draw, shape)])


def cumprod_row(draw):
    shape = draw(SHAPES)
    dim = a_dim(draw, len(shape))
    return (lambda x: mg.cumprod(x, dim)), (lambda x: torch.cumprod(x, dim)), [with_zeros(draw, shape)]


def norm_row(draw):
    shape = draw(NONEMPTY)
    p = draw(st.sampled_from(["fro", 2, 1, math.inf, -math.inf, 3, 0.5, 0]))
    dim, keepdim = dims(draw, len(shape)), draw(st.booleans())
    if p == "fro" and isinstance(dim, tuple) and len(dim) > 2:
        dim = dim[:2]                                   # torch's 'fro' takes at most two dims
    values = distinct if p in (math.inf, -math.inf) else away_from_zero
    # p = 1, ±inf, 0 are piecewise linear: no second derivatives (torch gives none to compare)
    return ((lambda x: mg.norm(x, p, dim, keepdim)), (lambda x: torch.norm(x, p, dim, keepdim)),
            [values(draw, shape)], {"second_order": p not in (1, math.inf, -math.inf, 0)})


def std_row(draw):
    shape = draw(ND)
    dim, keepdim = dims(draw, len(shape)), draw(st.booleans())
    axes = range(len(shape)) if dim is None else np.atleast_1d(dim)
    n = int(np.prod([shape[a] for a in axes]))
    correction = draw(st.sampled_from([0, 1] if n > 1 else [0]))
    # float32 Hessian-vector products of std are sums of many rounded terms: an absolute tolerance of 1e-5.
    # Over n ≤ 2 elements std is |x₀ - x₁| times a constant, piecewise linear: its second derivative is 0,
    # and each library's float32 result is rounding noise around it, nothing to compare.
    return ((lambda x: mg.std(x, dim, keepdim=keepdim, correction=correction)),
            (lambda x: torch.std(x, dim, keepdim=keepdim, correction=correction)), [uniform(draw, shape)],
            {"float32": {"atol": 1e-5}, "second_order": n > 2})


def outer_row(draw):
    n, m = draw(st.integers(0, 4)), draw(st.integers(0, 4))
    return mg.outer, torch.outer, [uniform(draw, (n,)), uniform(draw, (m,))]


def bmm_row(draw):
    b, n, k, m = (draw(st.integers(0, 3)) for _ in range(4))
    return mg.bmm, torch.bmm, [uniform(draw, (b, n, k)), uniform(draw, (b, k, m))]


EINSUMS = [("ij,jk->ik", [(2, 3), (3, 4)]), ("ij,jk", [(2, 3), (3, 2)]), ("i,i->", [(3,), (3,)]),
           ("i,j->ij", [(2,), (3,)]), ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]), ("ij->ji", [(2, 3)]),
           ("ij->i", [(2, 3)]), ("ij", [(2, 3)]), ("ba", [(2, 3)]), ("...ij,...jk->...ik", [(2, 2, 3), (3, 2)]),
           ("bhtd,bhsd->bhts", [(1, 2, 3, 2), (1, 2, 2, 2)]), ("ij,jk,kl->il", [(2, 3), (3, 2), (2, 2)]),
           ("ab,ab->ab", [(2, 3), (2, 3)]), ("i,i", [(0,), (0,)])]


def einsum_row(draw):
    equation, shapes = draw(st.sampled_from(EINSUMS))
    return ((lambda *xs: mg.einsum(equation, *xs)), (lambda *xs: torch.einsum(equation, *xs)),
            [uniform(draw, s) for s in shapes])


def nan_inf(draw, shape):
    return rng(draw).choice([0.0, -1.5, 2.0, np.nan, np.inf, -np.inf], shape)


def logical_pair(name):
    def make(draw):
        (a, b), _ = draw(PAIRS)
        f = lambda lib: lambda x, y: getattr(lib, name)(x, y)     # noqa: E731
        return f(mg), f(torch), [rng(draw).choice([0.0, 1.0, -2.0], a), rng(draw).random(b) < 0.5]
    return make


def reduce_logical(name):
    def make(draw):
        shape = draw(SHAPES)
        dim, keepdim = dims(draw, len(shape)), draw(st.booleans())
        f = lambda lib: lambda x: getattr(lib, name)(x, dim=dim, keepdim=keepdim)    # noqa: E731
        return f(mg), f(torch), [rng(draw).random(shape) < 0.7]
    return make


def copy_row(name):
    def make(draw):
        shape = draw(MATRICES)
        f = lambda lib: lambda x: getattr(lib.transpose(x, 0, 1), name)() * 2       # noqa: E731
        return f(mg), f(torch), [uniform(draw, shape)]
    return make


ROWS = {
    "sin": elementwise(mg.sin, torch.sin),
    "cos": elementwise(mg.cos, torch.cos),
    "log1p": elementwise(mg.log1p, torch.log1p, lambda d, s: uniform(d, s, -0.8, 2.0)),
    "expm1": elementwise(mg.expm1, torch.expm1),
    "square": elementwise(mg.square, torch.square),
    "rsqrt": elementwise(mg.rsqrt, torch.rsqrt, lambda d, s: uniform(d, s, 0.2, 2.0)),
    "erf": elementwise(mg.erf, torch.erf, lambda d, s: uniform(d, s, -5.0, 5.0)),
    "erf_far": elementwise(mg.erf, torch.erf, lambda d, s: away_from_zero(d, s) * 500),
    "gelu": elementwise(mg.gelu, torch.nn.functional.gelu, lambda d, s: uniform(d, s, -5.0, 5.0)),
    # float32 near x = -4: 1 ± tanh(u) cancels to ~1e-5 in both libraries, each rounding its own way
    "gelu_tanh": elementwise(lambda x: mg.gelu(x, approximate="tanh"),
                             lambda x: torch.nn.functional.gelu(x, approximate="tanh"),
                             lambda d, s: uniform(d, s, -5.0, 5.0), float32={"atol": 1e-5}),
    "gelu_far": elementwise(mg.gelu, torch.nn.functional.gelu, lambda d, s: away_from_zero(d, s) * 500),
    "sign": elementwise(lambda x: mg.sign(x) * x, lambda x: torch.sign(x) * x, away_from_zero),
    "clamp": clamp_row,
    "argmax": arg_row("argmax"),
    "argmin": arg_row("argmin"),
    "sort": sort_row,
    "argsort": argsort_row,
    "topk": topk_row,
    "gather": gather_row,
    "masked_fill": masked_fill_row,
    "tril": triangle_row("tril"),
    "triu": triangle_row("triu"),
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
    "isnan": elementwise(mg.isnan, torch.isnan, nan_inf),
    "isfinite": elementwise(mg.isfinite, torch.isfinite, nan_inf),
    "logical_not": elementwise(mg.logical_not, torch.logical_not, lambda d, s: rng(d).choice([0.0, 1.0, -3.0], s)),
    "logical_and": logical_pair("logical_and"),
    "logical_or": logical_pair("logical_or"),
    "all": reduce_logical("all"),
    "any": reduce_logical("any"),
    "clone": copy_row("clone"),
    "contiguous": copy_row("contiguous"),
}

# ops whose derivatives are constant in their inputs: no Hessian-vector product to compare
LINEAR = {"sign", "clamp", "sort", "topk", "gather", "masked_fill", "tril", "triu", "roll", "repeat",
          "repeat_interleave", "clone", "contiguous"}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", list(ROWS))
@fixture_ok
@given(data=st.data())
def test_matches_torch(name, dtype, device, data):
    mg_fn, torch_fn, inputs, *options = ROWS[name](data.draw)
    options = dict(options[0]) if options else {}
    options.update(options.pop("float32", {}) if dtype == "float32" else {})
    options.pop("float32", None)
    options.setdefault("second_order", name not in LINEAR)
    compare(mg_fn, torch_fn, *inputs, dtype=dtype, device=device, noncontiguous=data.draw(st.booleans()), **options)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("n, m", [(0, None), (3, None), (2, 4), (4, 1)])
def test_eye_matches_torch(n, m, dtype, device):
    compare(lambda: mg.eye(n, m, dtype=dtype, device=device),
            lambda: torch.eye(n, m if m is not None else n, dtype=getattr(torch, dtype)), device=device)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
@pytest.mark.parametrize("start, end, steps", [(0, 1, 5), (-3.5, 2.0, 7), (1, 1, 1), (2, -2, 0), (0, 10, 11),
                                               (-1, 1, 1000)])
def test_linspace_matches_torch(start, end, steps, dtype, device):
    compare(lambda: mg.linspace(start, end, steps, dtype=dtype, device=device),
            lambda: torch.linspace(start, end, steps, dtype=getattr(torch, dtype)), device=device)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_like_constructors_match_torch(dtype, device):
    x = np.ones((2, 3))
    compare(lambda x: mg.full_like(x, 2.5), lambda x: torch.full_like(x, 2.5), x, dtype=dtype, device=device,
            grad=False)
    for like in (mg.rand_like, mg.randn_like):
        y = like(mg.tensor(x, dtype=dtype, device=device))
        assert y.shape == (2, 3) and mg.backend.dtype_name(y.dtype) == dtype and y.device == device


# integer and bool inputs: the output dtypes PyTorch gives (int64 products, float32 for float functions, ...)
INTEGER_CASES = {
    "prod": lambda lib, x: lib.prod(x), "prod_dim": lambda lib, x: lib.prod(x, 1),
    "cumprod": lambda lib, x: lib.cumprod(x, 1), "sort": lambda lib, x: tuple(lib.sort(x, 1)),
    "topk": lambda lib, x: tuple(lib.topk(x, 2)), "argmax": lambda lib, x: lib.argmax(x, 0),
    "sin": lambda lib, x: lib.sin(x), "erf": lambda lib, x: lib.erf(x), "rsqrt": lambda lib, x: lib.rsqrt(x + 1),
    "square": lambda lib, x: lib.square(x), "sign": lambda lib, x: lib.sign(x - 2),
    "clamp": lambda lib, x: lib.clamp(x, 1, 4), "tril": lambda lib, x: lib.tril(x),
    "roll": lambda lib, x: lib.roll(x, 1, 1), "repeat_interleave": lambda lib, x: lib.repeat_interleave(x, 2, 0),
    "all": lambda lib, x: lib.all(x, 1), "any": lambda lib, x: lib.any(x), "isfinite": lambda lib, x: lib.isfinite(x),
    "masked_fill": lambda lib, x: x.masked_fill(x > 2, 9), "outer": lambda lib, x: lib.outer(x[0], x[1]),
    "sort_bool": lambda lib, x: lib.sort(x > 2, 1)[0], "square_bool": lambda lib, x: lib.square(x > 2),
    "sign_bool": lambda lib, x: lib.sign(x > 2), "logical_and": lambda lib, x: lib.logical_and(x, x > 2),
}


@pytest.mark.parametrize("dtype", ["int32", "int64"])
@pytest.mark.parametrize("name", list(INTEGER_CASES))
def test_integer_inputs_match_torch(name, dtype, device):
    f = INTEGER_CASES[name]
    x = np.array([[3, 1, 2], [0, 5, 4]], dtype=dtype)
    compare(lambda x: f(mg, x), lambda x: f(torch, x), x, device=device, grad=False)


@pytest.mark.parametrize("x_dtype, bound_dtype, bound_shape", [
    ("float32", "float64", (3,)), ("float32", "float64", ()), ("int32", "float32", ()), ("int32", "int64", (3,)),
    ("float64", "float32", (3,)), ("int64", "float64", (2, 3))])
def test_clamp_promotes_as_torch(x_dtype, bound_dtype, bound_shape, device):
    x = np.array([[-2, 0, 3], [1, 5, -1]], dtype=x_dtype)
    lo = np.full(bound_shape, -1, dtype=bound_dtype)
    hi = np.full(bound_shape, 2, dtype=bound_dtype)
    compare(mg.clamp, torch.clamp, x, lo, hi, device=device)
