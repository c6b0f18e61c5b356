"""PyTorch's calling conventions on the Tensor surface, and the edge cases
where minigrad once differed from PyTorch — one regression test each."""

import contextlib
import warnings

import numpy as np
import pytest

import minigrad as mg
from minigrad.backend import dtype_name


@contextlib.contextmanager
def _quiet():
    """A block in which any warning fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


# ---- calling conventions ----------------------------------------------------------

def test_dim_keepdim_and_their_numpy_aliases_agree(device):
    x = mg.tensor(np.arange(6.0).reshape(2, 3), device=device)
    for f in ("sum", "mean", "amax", "amin", "logsumexp", "var"):
        a = getattr(x, f)(dim=1, keepdim=True).numpy()
        b = getattr(x, f)(axis=1, keepdims=True).numpy()
        c = getattr(mg, f)(x, 1, keepdim=True).numpy()
        assert a.shape == (2, 1) and np.array_equal(a, b) and np.array_equal(a, c), f
    for f in ("softmax", "log_softmax", "cumsum"):
        assert np.array_equal(getattr(x, f)(dim=0).numpy(), getattr(x, f)(axis=0).numpy()), f
    assert mg.cat([x, x], dim=1).shape == mg.cat([x, x], axis=1).shape == (2, 6)
    assert mg.stack([x, x], dim=2).shape == (2, 3, 2)
    assert [p.shape for p in x.split(2, dim=1)] == [(2, 2), (2, 1)]
    assert len(x.chunk(3, dim=1)) == 3 and len(x.unbind(dim=1)) == 3
    assert x.unsqueeze(dim=0).shape == (1, 2, 3) and x.unsqueeze(0).squeeze(dim=0).shape == (2, 3)
    assert np.array_equal(x.flip(1).numpy(), x.numpy()[:, ::-1])


def test_max_with_dim_gives_values_and_indices_and_the_gradient_to_the_first(device):
    x = mg.tensor([[1.0, 3.0, 3.0], [2.0, 0.0, 2.0]], device=device, requires_grad=True)
    out = x.max(dim=1)
    values, indices = out
    assert out.values is values and out.indices is indices
    assert values.numpy().tolist() == [3.0, 2.0] and indices.numpy().tolist() == [1, 0]
    assert dtype_name(indices.dtype) == "int64" and not indices.requires_grad
    values.sum().backward()
    assert x.grad.numpy().tolist() == [[0, 1, 0], [1, 0, 0]]             # torch's rule: the first winner only
    x.grad = None
    x.amax(dim=1).sum().backward()
    assert x.grad.numpy().tolist() == [[0, 0.5, 0.5], [0.5, 0, 0.5]]     # amax shares among ties
    m = x.min(1, keepdim=True)
    assert m.values.shape == (2, 1) and m.indices.numpy().tolist() == [[0], [1]]
    assert mg.max(x, mg.zeros(2, 3, device=device)).shape == (2, 3)       # the elementwise form


def test_size_dim_numel_and_the_transposes(device):
    x = mg.zeros(2, 3, 4, device=device)
    assert x.size() == (2, 3, 4) and x.size(1) == 3 and x.size(-1) == 4
    assert x.dim() == 3 and x.numel() == 24 and mg.tensor(1.0).numel() == 1
    assert x.mT.shape == (2, 4, 3) and x.T.shape == (4, 3, 2)
    assert mg.zeros(2, 5).t().shape == (5, 2) and mg.zeros(5).t().shape == (5,)
    assert x.flatten().shape == (24,) and x.flatten(1).shape == (2, 12) and x.flatten(0, 1).shape == (6, 4)
    assert mg.tensor(3.0).flatten().shape == (1,)
    assert x.view(-1, 4).shape == (6, 4) and x.reshape(2, -1).shape == (2, 12)


def test_to_takes_dtypes_devices_tensors_and_strings(device):
    x = mg.tensor([1.5, 2.5], device=device, requires_grad=True)
    assert dtype_name(x.to("float64").dtype) == "float64"
    assert dtype_name(x.to(mg.float64).dtype) == "float64"
    assert dtype_name(x.to(np.float64).dtype) == "float64"
    assert dtype_name(x.to(dtype="int32").dtype) == "int32"
    assert x.to(device).device == device and x.to(device) is x                # nothing to change: itself
    y = x.to("cpu", "float64")
    assert y.device == "cpu" and dtype_name(y.dtype) == "float64"
    other = mg.zeros(1, dtype="float64")
    assert x.to(other).device == "cpu" and dtype_name(x.to(other).dtype) == "float64"
    assert dtype_name(x.type_as(other).dtype) == "float64"
    assert [dtype_name(t.dtype) for t in (x.long(), x.int(), x.bool(), x.float(), x.double())] == \
        ["int64", "int32", "bool", "float32", "float64"]
    x.to("float64").sum().backward()                                          # differentiable
    assert dtype_name(x.grad.dtype) == "float32" and x.grad.numpy().tolist() == [1.0, 1.0]


def test_format_and_dlpack():
    loss = mg.tensor(0.123456)
    assert f"{loss:.3f}" == "0.123" and format(loss, "") == format(loss.item(), "")     # as torch: the number's
    assert format(mg.tensor([1.0]), "") == str(mg.tensor([1.0]))
    x = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    a = np.from_dlpack(x)
    assert a.tolist() == [[1.0, 2.0], [3.0, 4.0]] and np.asarray(x).dtype == np.float32
    torch = pytest.importorskip("torch")
    t = torch.from_dlpack(x)
    assert t.tolist() == [[1.0, 2.0], [3.0, 4.0]] and t.dtype == torch.float32
    x._write(np.zeros((2, 2), np.float32))                                     # shared memory, as DLPack promises
    assert t.sum().item() == 0.0


# ---- edge cases, each once a difference from PyTorch -----------------------------------

def test_pow_at_a_zero_base_has_torchs_gradients(device):
    a = mg.tensor([0.0, 0.0, 2.0], device=device, requires_grad=True)
    b = mg.tensor([0.0, 2.0, 3.0], device=device, requires_grad=True)
    with _quiet():
        (a ** b).sum().backward()
    assert a.grad.numpy().tolist() == [0.0, 0.0, 12.0]
    np.testing.assert_allclose(b.grad.numpy(), [0.0, 0.0, 8 * np.log(2)], rtol=1e-6)


def test_softmax_family_over_an_empty_dim(device):
    x = mg.zeros(2, 0, device=device, requires_grad=True)
    with _quiet():
        assert x.softmax(1).shape == (2, 0) and x.log_softmax(1).shape == (2, 0)
        lse = x.logsumexp(1)
    assert lse.shape == (2,) and lse.numpy().tolist() == [-np.inf, -np.inf]


def test_log_softmax_far_out_in_float32_subtracts_the_max_first(device):
    v = np.array([1000.0, 999.0, 998.5, -1000.0])
    x = mg.tensor(v, dtype="float32", device=device)
    exact = (v - v.max()) - np.log(np.exp(v - v.max()).sum())
    np.testing.assert_allclose(x.log_softmax(0).numpy(), exact, rtol=1e-6, atol=1e-6)


def test_logsumexp_of_all_minus_inf_is_minus_inf_without_a_warning(device):
    x = mg.tensor([[-np.inf, -np.inf], [0.0, -np.inf]], device=device)
    with _quiet():
        y = x.logsumexp(1)
    assert y.numpy().tolist() == [-np.inf, 0.0]


def test_division_gradient_survives_a_tiny_divisor(device):
    a = mg.tensor([1e-30], device=device, requires_grad=True)
    b = mg.tensor([1e-30], device=device, requires_grad=True)
    (a / b).sum().backward()
    np.testing.assert_allclose(b.grad.numpy(), [-1e30], rtol=1e-5)          # b² would underflow to 0


def test_softmax_of_a_0d_tensor_is_one(device):
    x = mg.tensor(3.0, device=device, requires_grad=True)
    assert x.softmax(0).item() == 1.0 and x.log_softmax(-1).item() == 0.0
    x.softmax(0).backward()
    assert x.grad.item() == 0.0


def test_expand_with_minus_one_and_squeeze_of_a_non_1_dim(device):
    x = mg.zeros(3, 1, device=device)
    assert x.expand(-1, 4).shape == (3, 4) and x.expand(2, 3, 4).shape == (2, 3, 4)
    assert x.squeeze(0).shape == (3, 1) and x.squeeze(1).shape == (3,)


@pytest.mark.parametrize("call", [lambda x: x.unsqueeze(3), lambda x: x.unsqueeze(-4),
                                  lambda x: x.permute(0, 2), lambda x: x.transpose(0, 2),
                                  lambda x: x.transpose(-3, 1)], ids=["unsqueeze 3", "unsqueeze -4",
                                                                      "permute", "transpose", "transpose -3"])
def test_out_of_range_dims_raise_instead_of_wrapping(call):
    with pytest.raises(IndexError, match="unsqueeze|permute|transpose"):
        call(mg.zeros(2, 3))


# ---- the deliberate differences (docs/differences.md, "The tensor surface") ---------------

def test_difference_split_of_an_empty_dim_gives_no_pieces():
    torch = pytest.importorskip("torch")
    assert mg.zeros(0, 3).split(2) == () and mg.zeros(0, 3).chunk(2) == ()
    assert len(torch.zeros(0, 3).split(2)) == 1                     # torch: one empty piece


def test_difference_integer_arrays_beside_slices_follow_numpy_on_the_cpu_only():
    v = np.arange(24.0).reshape(2, 3, 4)
    x = mg.tensor(v)
    idx = [0, 2]
    assert np.array_equal(x[:, idx].numpy(), v[:, idx])
    assert x[idx[:1], :, idx].shape == v[idx[:1], :, idx].shape == (2, 3)    # NumPy: the advanced dims first
    with pytest.raises(IndexError):
        mg.tensor(v, device="array_api_strict")[:, mg.tensor(idx)]      # the array API refuses the mix


def test_difference_a_numpy_bool_scalar_is_a_python_bool():
    torch = pytest.importorskip("torch")
    m = mg.tensor([True, False])
    assert dtype_name((m == np.bool_(True)).dtype) == "bool"
    assert mg.result_type(m, np.bool_(True)) == "bool"
    assert torch.result_type(torch.tensor([True]), np.bool_(True)) == torch.float32   # torch reads it as a float


def test_difference_view_never_fails():
    torch = pytest.importorskip("torch")
    assert mg.zeros(2, 3).t().view(-1).shape == (6,)                # no strides: a view is a reshape
    with pytest.raises(RuntimeError):
        torch.zeros(2, 3).t().view(-1)


def test_difference_broadcasting_mismatches_raise_value_error():
    with pytest.raises(ValueError, match="add"):
        mg.zeros(2, 3) + mg.zeros(4)                                # torch: RuntimeError


def test_difference_softmax_defaults_to_the_last_dim():
    x = mg.tensor(np.arange(24.0).reshape(2, 3, 4))
    assert np.allclose(x.softmax().numpy().sum(-1), 1.0)            # torch: an implicit dim, with a warning
