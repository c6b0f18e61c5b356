"""The checks every layer, loss and model makes of what it is given.

A wrong argument should fail at the call that received it, with a message
that names that call, what it expected and what it got — not three frames
down as "'list' object has no attribute 'ndim'". These helpers word those
messages the same way everywhere in nn and models.
"""

import numbers

from minigrad import backend
from minigrad.backend import type_name
from minigrad.tensor import Tensor


def describe(t):
    """'shape (2, 3), dtype float32' for a Tensor."""
    return f"shape {t.shape}, dtype {backend.dtype_name(t.dtype)}"


def check_tensor(name, what, x):
    """x must be a minigrad Tensor. A torch.Tensor gets told how to convert."""
    if isinstance(x, Tensor):
        return
    if type(x).__module__.split(".")[0] == "torch":         # torch.Tensor, torch.nn.Parameter
        raise TypeError(f"{name}: expected {what} as a minigrad.Tensor, got a torch.Tensor; "
                        "convert it with minigrad.tensor(x) (a copy) or minigrad.from_numpy(x.numpy())")
    raise TypeError(f"{name}: expected {what} as a minigrad.Tensor, got {type_name(x)}")


def check_float(name, what, x):
    """x must be a float32 or float64 Tensor."""
    check_tensor(name, what, x)
    if not backend.is_float(x.dtype):
        raise TypeError(f"{name}: {what} must be float32 or float64, got {describe(x)}")


def check_like(name, what, x, weight):
    """x must be a float Tensor with `weight`'s dtype and device, as a layer's input."""
    check_float(name, what, x)
    if x.device != weight.device:
        raise RuntimeError(f"{name}: {what} is on device {x.device!r} but the parameters are on {weight.device!r}")
    if x.dtype != weight.dtype:
        raise TypeError(f"{name}: {what} has dtype {backend.dtype_name(x.dtype)} but the parameters have "
                        f"{backend.dtype_name(weight.dtype)}; convert one with .to(dtype) / .double() / .float()")


def check_size(name, what, value, minimum=1):
    """A size argument: an int (not a bool) of at least `minimum`. Returns it as int."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: {what} must be an integer, got {value!r} ({type_name(value)})")
    if value < minimum:
        raise ValueError(f"{name}: {what} must be at least {minimum}, got {value}")
    return int(value)


def check_probability(name, what, value):
    """A number in [0, 1] (a dropout rate, a smoothing factor)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: {what} must be a number in [0, 1], got {value!r} ({type_name(value)})")
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name}: {what} must be in [0, 1], got {value}")
    return float(value)


def check_dim(name, dim, ndim):
    """One axis in [-ndim, ndim), never wrapped beyond; returned non-negative."""
    if isinstance(dim, bool) or not isinstance(dim, numbers.Integral):
        raise TypeError(f"{name}: dim must be an integer, got {dim!r}")
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"{name}: dim {dim} is out of range for a tensor of {ndim} dims "
                         f"(expected to be in range of [{-n}, {n - 1}])")
    return dim % n


def index_array(name, what, index, device):
    """Class or token indices (a Tensor, array or list) as an int64 array on `device`."""
    if isinstance(index, Tensor):
        if index.device != device:
            raise RuntimeError(f"{name}: {what} is on device {index.device!r} but the input is on {device!r}")
        index = index._data
    elif backend.is_foreign_array(index):
        check_tensor(name, what, index)                  # a torch.Tensor: told how to convert
    elif index is None or isinstance(index, (str, float)):
        raise TypeError(f"{name}: expected {what} as a Tensor of integer indices, got {type_name(index)}")
    else:
        from minigrad.tensor import tensor
        index = tensor(index, device=device)._data
    if not backend.dtype_name(index.dtype).startswith(("int", "uint")):
        raise TypeError(f"{name}: {what} must hold integer indices, got dtype {backend.dtype_name(index.dtype)}")
    b = backend.of(index)
    return b.xp.astype(index, b.dtype("int64"))
