"""Backends, devices and bad input.

The stand-in for a GPU (array-api-strict on Device('device1')) must really
refuse NumPy, or the portability tests prove nothing. Every kind of bad
input raises an error naming the op and the shapes / dtypes / devices, and
leaves the tensors and their graph usable.
"""

import pathlib
import re

import numpy as np
import pytest

import minigrad as mg
from minigrad import backend
from minigrad.backend import dtype_name

ROOT = pathlib.Path(__file__).resolve().parent.parent


# ---- the seam and the stand-in ------------------------------------------------------

def test_only_the_backend_seam_names_numpy_or_cupy():
    offenders = []
    for folder in ("minigrad", "models"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path.name == "backend.py" and path.parent.name == "minigrad":
                continue
            if re.search(r"^\s*(import|from)\s+(numpy|cupy|cupyx)\b", path.read_text(), re.MULTILINE):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_stand_in_refuses_numpy_like_a_gpu_array():
    x = mg.tensor([1.0, 2.0], device="array_api_strict")
    with pytest.raises((RuntimeError, TypeError, ValueError)):
        np.asarray(x._data)
    with pytest.raises((RuntimeError, TypeError, ValueError)):
        np.tanh(x._data)
    assert float(x._data[0]) == 1.0                               # as with CuPy, a scalar may come back


def test_device_round_trip_carries_the_gradient_back():
    x = mg.tensor([1.0, -2.0, 0.5], requires_grad=True)
    y = x.to("array_api_strict")
    assert y.device == "array_api_strict" and y.requires_grad
    z = mg.tanh(y * y).to("cpu")
    assert z.device == "cpu"
    z.sum().backward()
    assert x.grad.device == "cpu"
    xv = np.array([1.0, -2.0, 0.5])
    np.testing.assert_allclose(x.grad.numpy(), 2 * xv * (1 - np.tanh(xv * xv) ** 2), rtol=1e-4)
    assert x.to("cpu") is x                                      # no copy, no node, when already there


def test_numpy_host_copies_and_conversions(device):
    x = mg.tensor([[1.5, 2.5]], device=device)
    h = x.numpy()
    assert isinstance(h, np.ndarray) and h.dtype == np.float32
    h[0, 0] = 99.0
    assert x.numpy()[0, 0] == 1.5                                # a copy, not a view
    assert x[0, 1].item() == 2.5 and float(x[0, 0]) == 1.5 and x.tolist() == [[1.5, 2.5]]
    assert mg.tensor(x, device=device).device == device          # from a tensor on any device
    assert mg.tensor(x._data).device == "cpu"                     # from a device array, via the host
    source = np.zeros(3)
    t, u = mg.tensor(source, device=device), mg.tensor(x, device=device)
    source[0] = 1.0
    x._data[0, 0] = 5.0
    assert t.numpy().tolist() == [0, 0, 0] and u.numpy()[0, 0] == 1.5     # tensor() copies, never aliases
    assert "device='array_api_strict'" in repr(mg.tensor([1.0], device="array_api_strict"))


def test_unknown_dtype_names_the_choices():
    with pytest.raises(TypeError, match="unsupported dtype 'float16'"):
        mg.zeros(2, dtype="float16")


# ---- bad input: each names the op and what it got, and changes nothing ---------------

def test_unknown_device_names_the_choices():
    with pytest.raises(ValueError, match="unknown device 'tpu'.*'cpu', 'cuda'"):
        mg.zeros(2, device="tpu")
    with pytest.raises(TypeError, match="device must be a string"):
        mg.zeros(2, device=0)


def test_cuda_without_cupy_says_what_to_install():
    try:
        import cupy  # noqa: F401
        pytest.skip("CuPy is installed here; the message for a missing CuPy cannot be produced")
    except ImportError:
        pass
    with pytest.raises(RuntimeError, match=r"needs CuPy.*pip install minigrad\[gpu\]"):
        mg.tensor([1.0], device="cuda")
    x = mg.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="needs CuPy"):
        x.to("cuda:0")
    assert x.device == "cpu" and x.grad is None


def test_mixed_devices_name_the_op_and_both_devices():
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    b = mg.tensor([3.0, 4.0], device="array_api_strict", requires_grad=True)
    for op in (lambda: a + b, lambda: b * a, lambda: mg.maximum(a, b), lambda: mg.where(a > 0, b, b),
               lambda: mg.concatenate([a, b]), lambda: mg.stack([b, a])):
        with pytest.raises(RuntimeError, match=r"one device.*device=cpu.*device=array_api_strict|"
                                               r"one device.*device=array_api_strict.*device=cpu"):
            op()
    (a * a).sum().backward()                                     # both still usable
    (b * b).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [2.0, 4.0])
    np.testing.assert_allclose(b.grad.numpy(), [6.0, 8.0])


def test_shape_mismatches_name_the_op_and_shapes(device):
    x = mg.randn(2, 3, device=device, requires_grad=True)
    h = x * 2.0                                                  # a graph that must survive the errors
    with pytest.raises(ValueError, match=r"matmul: inner dimensions differ: \(2, 3\) @ \(4, 5\)"):
        h @ mg.randn(4, 5, device=device)
    with pytest.raises(ValueError, match=r"add: .*\(2,\s?3\).*\(4,\)"):
        h + mg.randn(4, device=device)
    with pytest.raises(ValueError, match=r"matmul: operands must have at least 1 dim"):
        h @ mg.tensor(2.0, device=device)
    with pytest.raises(RuntimeError, match=r"cat: .*size 2 and size 3.*\(2, 3\).*\(3, 3\)"):
        mg.concatenate([h, mg.randn(3, 3, device=device)], axis=1)
    with pytest.raises(RuntimeError, match=r"stack: all tensors must have one shape"):
        mg.stack([h, mg.randn(3, 2, device=device)])
    with pytest.raises(RuntimeError, match=r"reshape: shape \(4, 2\) is invalid for a tensor of 6 elements"):
        h.reshape(4, 2)
    with pytest.raises(IndexError, match=r"sum: dim 2 is out of range for a tensor of 2 dims"):
        h.sum(axis=2)
    with pytest.raises(RuntimeError, match=r"split: sizes \[1, 1\] do not add up to 3"):
        mg.split(h, [1, 1], axis=1)
    with pytest.raises(RuntimeError, match=r"permute: dims \(0, 0\) repeat a dim"):
        mg.permute(h, (0, 0))
    h.sum().backward()                                           # the graph is intact
    np.testing.assert_allclose(x.grad.numpy(), np.full((2, 3), 2.0))


def test_gradients_of_integer_tensors_are_refused(device):
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype can require gradients.*int64"):
        mg.tensor([1, 2], device=device, requires_grad=True)
    i = mg.tensor([1, 2], device=device)
    with pytest.raises(RuntimeError, match="int64"):
        i.requires_grad = True
    assert not i.requires_grad
    x = mg.tensor([1.0, 2.0], device=device, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"grad: input 1 \(shape \(2,\), dtype int64\) does not require grad"):
        mg.grad((x * 2).sum(), [x, i])


def test_backward_of_a_non_scalar_needs_a_gradient(device):
    x = mg.randn(2, 3, device=device, requires_grad=True)
    y = mg.tanh(x)
    with pytest.raises(RuntimeError, match=r"backward: .*only for a scalar output.*\(2, 3\)"):
        y.backward()
    with pytest.raises(RuntimeError,
                       match=r"backward: Mismatch in shape: grad has shape \(3,\) but the output has shape \(2, 3\)"):
        y.backward(mg.ones(3, device=device))
    other = "cpu" if device != "cpu" else "array_api_strict"
    with pytest.raises(RuntimeError, match=f"backward: grad is on device {other} but the output is on {device}"):
        y.backward(mg.ones(2, 3, device=other))
    y.backward(mg.ones(2, 3, dtype="float64", device=device))    # the graph survived; the seed takes y's dtype
    assert x.grad.shape == (2, 3) and dtype_name(x.grad.dtype) == "float32"


def test_backward_of_something_without_a_graph_says_why(device):
    with pytest.raises(RuntimeError, match="does not require grad"):
        mg.tensor(1.0, device=device).backward()


def test_requires_grad_can_only_be_switched_off_on_leaves():
    x = mg.tensor([1.0], requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match="only be switched off on a leaf"):
        y.requires_grad = False
    x.requires_grad = False
    assert not (x * 2).requires_grad


def test_dtype_names_across_backends():
    for device in ("cpu", "array_api_strict"):
        for name in ("float32", "float64", "int64", "bool"):
            assert dtype_name(backend.get(device).dtype(name)) == name
    assert backend.is_float(np.float32) and not backend.is_float(np.dtype("int64"))


def test_numpy_scalars_become_0d_arrays():
    """NumPy returns 0-d results as scalars (np.float64); a Tensor always holds an array,
    so hand-written backwards can wrap whatever their array code returns."""
    t = mg.Tensor(np.float64(2.0))
    assert isinstance(t._data, np.ndarray) and t.shape == () and t.device == "cpu"
    x = mg.tensor(3.0, dtype="float64", requires_grad=True)
    y = (x * x).sum()                                            # 0-d all the way
    y.backward()
    assert isinstance(x.grad._data, np.ndarray) and x.grad.item() == 6.0
