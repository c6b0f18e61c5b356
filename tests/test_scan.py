"""The selective scan: three methods, one set of numbers.

Every method is checked against central finite differences (gradcheck, in
float64) for every input, and against the other two to 1e-10 in outputs and
gradients — at lengths from 1 to 4096, where exp(Δ·A) underflows to 0, and at
tens of thousands of steps. A plain NumPy loop and (when installed) PyTorch's
autograd serve as references written independently of minigrad.
"""

import tracemalloc

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from minigrad.models.ssm import METHODS, checkpoint_interval, chunk_length, linear_scan, selective_scan


def make_inputs(batch, length, d_inner, d_state, device="cpu", dtype="float64", seed=0,
                delta_range=(0.01, 1.0), gate=True):
    """u, Δ, A, B, C, D, z with Δ > 0 and A < 0, all requiring grad."""
    rng = np.random.default_rng(seed)
    arrays = [
        rng.standard_normal((batch, length, d_inner)),                  # u
        rng.uniform(*delta_range, (batch, length, d_inner)),            # Δ
        -rng.uniform(0.5, 2.0, (d_inner, d_state)),                     # A
        rng.standard_normal((batch, length, d_state)),                  # B
        rng.standard_normal((batch, length, d_state)),                  # C
        rng.standard_normal(d_inner),                                   # D
        rng.standard_normal((batch, length, d_inner)) if gate else None,  # z
    ]
    return [None if a is None else mg.tensor(a, dtype=dtype, device=device, requires_grad=True)
            for a in arrays]


def run(inputs, method, seed=1, **options):
    """Output and the gradient of every input for a random upstream gradient."""
    out = selective_scan(*inputs, method=method, **options)
    g = np.random.default_rng(seed).standard_normal(out.shape)
    used = [x for x in inputs if x is not None]
    grads = mg.grad(out, used, mg.tensor(g, dtype="float64", device=out.device))
    return [out.numpy()] + [gi.numpy() for gi in grads]


def reference_numpy(u, delta, A, B, C, D, z):
    """The equations as a plain NumPy loop, written independently of minigrad."""
    batch, length, d_inner = u.shape
    h = np.zeros((batch, d_inner, A.shape[1]))
    y = np.zeros_like(u)
    for t in range(length):
        h = np.exp(delta[:, t, :, None] * A) * h + (delta[:, t] * u[:, t])[:, :, None] * B[:, t, None, :]
        y[:, t] = np.einsum("bdn,bn->bd", h, C[:, t]) + D * u[:, t]
    return y * z / (1 + np.exp(-z))


def assert_agree(results, atol=1e-10):
    names = ["out", "u", "delta", "A", "B", "C", "D", "z"]
    reference, *others = results
    for method in others:
        for name, a, b in zip(names, results[reference], results[method]):
            assert np.isfinite(b).all(), f"{method}: {name} is not finite"
            np.testing.assert_allclose(b, a, rtol=0, atol=atol, err_msg=f"{method} vs {reference}: {name}")


# ---- agreement --------------------------------------------------------------

@pytest.mark.parametrize("length", [1, 2, 3, 5, 16, 17, 50])
def test_methods_agree(device, length):
    inputs = make_inputs(2, length, 3, 4, device=device)
    assert_agree({m: run(inputs, m) for m in METHODS})


def test_methods_agree_at_4096():
    inputs = make_inputs(1, 4096, 2, 3, delta_range=(0.001, 0.1), gate=False)
    assert_agree({m: run(inputs, m) for m in METHODS})


def test_methods_agree_where_the_decay_underflows(device):
    # Δ up to 1000 with A ≤ -0.5 gives exp(ΔA) < exp(-500): below float64's
    # smallest normal number, and exactly 0 for the steps with ΔA < -745
    inputs = make_inputs(2, 40, 3, 4, device=device, delta_range=(0.01, 1000.0))
    results = {m: run(inputs, m) for m in METHODS}
    assert_agree(results)


def test_a_step_whose_decay_is_zero_forgets_the_past():
    # where Ā_t = 0 exactly, h_t = Δ_t B_t u_t, so y_t depends on step t alone
    u, delta, A, B, C, _, _ = make_inputs(1, 9, 2, 3, gate=False)
    delta_np = delta.numpy()
    delta_np[:, 4] = 2000.0                                   # exp(2000·A) == 0 in float64
    delta = mg.tensor(delta_np, dtype="float64")
    for method in METHODS:
        y = selective_scan(u, delta, A, B, C, method=method).numpy()
        expected = (2000.0 * u.numpy()[0, 4]) * (B.numpy()[0, 4] @ C.numpy()[0, 4])
        np.testing.assert_allclose(y[0, 4], expected, rtol=1e-13, err_msg=method)


def test_manual_and_parallel_agree_over_tens_of_thousands_of_steps():
    # a cumulative product of Ā reaches 0 after a few thousand of these steps,
    # so a scan that divided by it would give inf or nan here
    inputs = make_inputs(1, 20000, 2, 2, delta_range=(0.05, 0.5), gate=False)
    manual, parallel = run(inputs, "manual"), run(inputs, "parallel")
    for name, a, b in zip(["out", "u", "delta", "A", "B", "C", "D"], manual, parallel):
        assert np.isfinite(b).all(), name
        np.testing.assert_allclose(b, a, rtol=1e-10, atol=1e-10, err_msg=name)


@given(batch=st.integers(1, 3), length=st.integers(1, 12), d_inner=st.integers(1, 4),
       d_state=st.integers(1, 4), skip=st.booleans(), gate=st.booleans(), seed=st.integers(0, 2**16))
def test_methods_agree_over_shapes(batch, length, d_inner, d_state, skip, gate, seed):
    inputs = make_inputs(batch, length, d_inner, d_state, seed=seed, gate=gate)
    if not skip:
        inputs[5] = None
    assert_agree({m: run(inputs, m) for m in METHODS})


# ---- against references written without minigrad ----------------------------

def test_matches_a_plain_numpy_loop(device):
    inputs = make_inputs(2, 7, 3, 4, device=device)
    expected = reference_numpy(*(x.numpy() for x in inputs))
    for method in METHODS:
        np.testing.assert_allclose(selective_scan(*inputs, method=method).numpy(), expected,
                                   rtol=1e-12, atol=1e-12, err_msg=method)


def test_gradients_match_pytorch():
    torch = pytest.importorskip("torch")
    inputs = make_inputs(2, 6, 3, 4)
    u, delta, A, B, C, D, z = (torch.tensor(x.numpy(), requires_grad=True) for x in inputs)
    h = torch.zeros(2, 3, 4, dtype=torch.float64)
    ys = []
    for t in range(6):
        h = torch.exp(delta[:, t, :, None] * A) * h + (delta[:, t] * u[:, t])[:, :, None] * B[:, t, None, :]
        ys.append(torch.einsum("bdn,bn->bd", h, C[:, t]) + D * u[:, t])
    out = torch.stack(ys, 1) * torch.nn.functional.silu(z)
    g = np.random.default_rng(1).standard_normal(out.shape)
    grads = torch.autograd.grad(out, (u, delta, A, B, C, D, z), torch.tensor(g))
    expected = [out.detach().numpy()] + [gi.numpy() for gi in grads]
    for method in METHODS:
        for a, b in zip(run(inputs, method), expected):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12, err_msg=method)


# ---- finite differences ---------------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
def test_gradcheck_every_input(device, method):
    inputs = make_inputs(2, 4, 3, 2, device=device)
    assert mg.gradcheck(lambda *x: selective_scan(*x, method=method), inputs)


@pytest.mark.parametrize("method", METHODS)
def test_gradcheck_across_checkpoint_segments(method):
    # length 10 with ⌈√10⌉ = 4 steps per segment: segments of 4, 4 and 2;
    # for the parallel scan, chunks of 4, 4 and 2 steps
    assert checkpoint_interval(10) == 4
    options = {"chunk": 4} if method == "parallel" else {}
    inputs = make_inputs(1, 10, 2, 2, gate=False, seed=3)
    assert mg.gradcheck(lambda *x: selective_scan(*x, method=method, **options), inputs)


# ---- the parallel scan's chunks ----------------------------------------------------

@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 16, 17, 50, 1000])
def test_every_chunk_length_gives_the_same_numbers(device, chunk):
    # length 17: chunks that divide it, that leave a short last chunk, one step
    # per chunk (the loop), and one chunk for the whole sequence (chunk >= L)
    inputs = make_inputs(2, 17, 3, 4, device=device, delta_range=(0.01, 3.0))
    assert_agree({"manual": run(inputs, "manual"), "parallel": run(inputs, "parallel", chunk=chunk)})


@pytest.mark.parametrize("method", METHODS)
def test_a_retained_graph_gives_the_same_gradients_twice(method):
    # the parallel scan keeps its last chunk's Ā and h for the backward: the
    # first backward must leave them as they were
    inputs = make_inputs(1, 11, 2, 3, gate=False, seed=4)
    options = {"chunk": 4} if method == "parallel" else {}
    y = selective_scan(*inputs, method=method, **options).sum()
    used = [x for x in inputs if x is not None]
    first = [g.numpy() for g in mg.grad(y, used, retain_graph=True)]
    second = [g.numpy() for g in mg.grad(y, used)]
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)


@given(length=st.integers(1, 40), chunk=st.integers(1, 45), seed=st.integers(0, 2**16))
def test_chunks_agree_over_lengths(length, chunk, seed):
    inputs = make_inputs(1, length, 2, 3, seed=seed, gate=False)
    assert_agree({"manual": run(inputs, "manual"), "parallel": run(inputs, "parallel", chunk=chunk)})


def test_chunk_length_fills_a_chunk_with_about_65536_numbers_of_state():
    assert chunk_length(8, 64, 16) == 8                   # state of 8192 numbers
    assert chunk_length(1, 64, 16) == 64
    assert chunk_length(1, 4, 4) == 4096                  # state of 16: a 4096-step sequence is one chunk
    assert chunk_length(64, 64, 64) == 1                  # a state bigger than a chunk: one step each


@pytest.mark.parametrize("method, chunk, message", [
    ("parallel", 0, "chunk must be a positive int (steps per chunk), got 0"),
    ("parallel", 2.5, "chunk must be a positive int (steps per chunk), got 2.5"),
    ("manual", 4, "chunk is an option of the parallel method, got chunk=4 with method='manual'"),
])
def test_bad_chunks_are_named(method, chunk, message):
    with pytest.raises(ValueError) as info:
        selective_scan(*make_inputs(1, 5, 2, 2), method=method, chunk=chunk)
    assert message in str(info.value)


# ---- the parallel scan on its own ---------------------------------------------

@pytest.mark.parametrize("length", [1, 2, 3, 4, 7, 8, 9, 33, 100])
def test_linear_scan_matches_the_loop(length):
    rng = np.random.default_rng(length)
    a = rng.uniform(0, 1, (length, 2, 3))
    a[::5] = 0.0                                              # steps that forget the past
    b = rng.standard_normal((length, 2, 3))
    h, expected = np.zeros((2, 3)), np.zeros_like(b)
    for t in range(length):
        h = a[t] * h + b[t]
        expected[t] = h
    np.testing.assert_allclose(linear_scan(a, b.copy()), expected, rtol=1e-13, atol=1e-14)


# ---- dtypes, devices, memory ------------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
def test_float32_stays_float32(device, method):
    inputs = make_inputs(2, 5, 3, 4, device=device, dtype="float32")
    out = selective_scan(*inputs, method=method)
    out.sum().backward()
    assert mg.backend.dtype_name(out.dtype) == "float32"
    assert all(mg.backend.dtype_name(x.grad.dtype) == "float32" for x in inputs)


def peak_bytes(fn):
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_manual_and_chunked_parallel_keep_memory_below_one_state_per_step():
    batch, length, d_inner, d_state = 1, 4096, 32, 16
    inputs = make_inputs(batch, length, d_inner, d_state, gate=False, seed=5)[:5]
    all_states = batch * length * d_inner * d_state * 8          # one (B, L, Dn, N) float64 tensor: 16 MiB

    def forward_backward(method, **options):
        return lambda: mg.grad(selective_scan(*inputs, method=method, **options), inputs,
                               mg.ones(batch, length, d_inner, dtype="float64"))

    manual = peak_bytes(forward_backward("manual"))
    parallel = peak_bytes(forward_backward("parallel"))                 # 32 chunks of 128 steps
    one_chunk = peak_bytes(forward_backward("parallel", chunk=length))
    assert manual < all_states / 2, f"manual peaked at {manual / 1e6:.1f} MB"
    assert parallel < all_states, f"parallel peaked at {parallel / 1e6:.1f} MB"
    assert one_chunk > all_states, "the measurement should see the one-chunk scan's (B, L, Dn, N) tensors"


# ---- bad input ------------------------------------------------------------------

BAD = [
    # (which argument, replacement shape, words the message must contain)
    ("u", (2, 5), "u must have 3 dims (batch, length, d_inner), got shape (2, 5)"),
    ("delta", (2, 4, 3), "delta must have u's shape (batch, length, d_inner) = (2, 5, 3), got (2, 4, 3)"),
    ("A", (4, 3), "A must have shape (d_inner, d_state) = (3, N), got (4, 3)"),
    ("A", (3,), "A must have shape (d_inner, d_state) = (3, N), got (3,)"),
    ("B", (2, 5, 3), "B must have (batch, length, d_state) = (2, 5, 4), got (2, 5, 3)"),
    ("C", (5, 4), "C must have (batch, length, d_state) = (2, 5, 4), got (5, 4)"),
    ("D", (3, 1), "D must have (d_inner,) = (3,), got (3, 1)"),
    ("z", (2, 5, 4), "z must have u's shape (batch, length, d_inner) = (2, 5, 3), got (2, 5, 4)"),
]


@pytest.mark.parametrize("name, shape, message", BAD)
def test_bad_shapes_are_named(name, shape, message):
    inputs = make_inputs(2, 5, 3, 4)
    names = ["u", "delta", "A", "B", "C", "D", "z"]
    inputs[names.index(name)] = mg.zeros(*shape, dtype="float64")
    with pytest.raises(ValueError) as info:
        selective_scan(*inputs)
    assert message in str(info.value)


def test_unknown_method_names_the_choices():
    with pytest.raises(ValueError, match=r"unknown method 'blelloch'; expected one of \('sequential', 'manual'"):
        selective_scan(*make_inputs(1, 2, 1, 1), method="blelloch")


def test_mixed_dtypes_are_refused():
    inputs = make_inputs(1, 3, 2, 2)
    inputs[3] = inputs[3].astype("float32")
    with pytest.raises(TypeError, match="one floating dtype, got .*'B': 'float32'"):
        selective_scan(*inputs)


def test_mixed_devices_are_refused():
    inputs = make_inputs(1, 3, 2, 2)
    inputs[4] = inputs[4].to("array_api_strict")
    with pytest.raises(RuntimeError, match="one device, got .*'C': 'array_api_strict'"):
        selective_scan(*inputs)
