"""Checking hyperparameters: each check turns what the user gave into a plain
Python value or raises an error that names the caller, the hyperparameter,
what it must be and what it was.

Why Python numbers: NumPy scalars carry a dtype (NEP 50), so `np.float64(0.1)
* float32_array` is float64, and one optimizer step would turn float32
weights into float64. A Python float adapts to the array it meets.

    lr = nonnegative("Adam", "lr", np.float64(1e-3))    # -> 0.001, a float
    nonnegative("Adam", "lr", "0.1")                     # TypeError: Adam: lr must be a real number, got str '0.1'
"""

import math
import numbers

from minigrad import backend
from minigrad.tensor import Tensor


def _describe(value):
    kind = type(value)
    return f"{kind.__module__ + '.' if kind.__module__ != 'builtins' else ''}{kind.__qualname__} {value!r}"


def real(where, name, value):
    """value as a finite Python float.

    Args:
        where: the caller, named in the error ("Adam", "StepLR.load_state_dict").
        name: the hyperparameter's name.
        value: an int, a float, a NumPy scalar, or a 0-d array or Tensor.
    Returns:
        float.
    Raises:
        TypeError: not a real number (bool, str, None, a non-0-d array, ...).
        ValueError: nan or infinite.
    """
    if isinstance(value, Tensor):
        value = value._data
    if backend.is_host_array(value) or backend.is_device_array(value):
        if value.ndim != 0 or backend.dtype_name(value.dtype) == "bool":
            raise TypeError(f"{where}: {name} must be a real number, got an array of shape "
                            f"{tuple(value.shape)} and dtype {backend.dtype_name(value.dtype)}")
        value = backend.of(value).to_host(value).item()
    is_bool = isinstance(value, bool) or backend.is_host_scalar(value) and value.dtype.kind == "b"
    if is_bool or not isinstance(value, numbers.Real):
        raise TypeError(f"{where}: {name} must be a real number, got {_describe(value)}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{where}: {name} must be finite, got {value}")
    return value


def nonnegative(where, name, value):
    """real(...) that must be ≥ 0.

    Args: where, name, value, as for real().
    Returns: float.
    """
    value = real(where, name, value)
    if value < 0:
        raise ValueError(f"{where}: {name} must be ≥ 0, got {value}")
    return value


def limit(where, name, value):
    """A bound ≥ 0 that may be float("inf") (no bound).

    Args: where, name, value, as for real().
    Returns: float.
    """
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and float(value) == math.inf:
        return math.inf
    return nonnegative(where, name, value)


def positive(where, name, value):
    """real(...) that must be > 0.

    Args: where, name, value, as for real().
    Returns: float.
    """
    value = real(where, name, value)
    if value <= 0:
        raise ValueError(f"{where}: {name} must be > 0, got {value}")
    return value


def in_range(where, name, value, low, high, high_open=False):
    """real(...) in [low, high] (or [low, high) with high_open).

    Args: where, name, value, as for real(); low, high: the bounds; high_open: exclude high.
    Returns: float.
    """
    value = real(where, name, value)
    if not (low <= value and (value < high if high_open else value <= high)):
        raise ValueError(f"{where}: {name} must lie in [{low:g}, {high:g}{')' if high_open else ']'}, got {value}")
    return value


def unit_interval(where, name, value):
    """real(...) in [0, 1].

    Args: where, name, value, as for real().
    Returns: float.
    """
    return in_range(where, name, value, 0.0, 1.0)


def betas(where, name, value):
    """A pair (β₁, β₂) with 0 ≤ β < 1, as a tuple of two floats.

    Args:
        value: a tuple or list of two real numbers (or a 1-d array of two, as
            a checkpoint holds it).
    Returns:
        (float, float).
    """
    if isinstance(value, Tensor):
        value = value._data
    if backend.is_host_array(value) or backend.is_device_array(value):
        value = list(backend.of(value).to_host(value).tolist()) if value.ndim == 1 else value
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{where}: {name} must be a pair of numbers (β₁, β₂), got {_describe(value)}")
    return tuple(in_range(where, f"{name}[{i}]", b, 0.0, 1.0, high_open=True) for i, b in enumerate(value))


def integer(where, name, value, low=None):
    """value as a Python int (a NumPy integer or a 0-d integer array is accepted; a bool or float is not).

    Args:
        low: the smallest value allowed, or None.
    Returns:
        int.
    """
    if isinstance(value, Tensor):
        value = value._data
    if backend.is_host_array(value) or backend.is_device_array(value):
        if value.ndim == 0 and backend.dtype_name(value.dtype).startswith(("int", "uint")):
            value = backend.of(value).to_host(value).item()
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{where}: {name} must be an integer, got {_describe(value)}")
    value = int(value)
    if low is not None and value < low:
        raise ValueError(f"{where}: {name} must be ≥ {low}, got {value}")
    return value


def flag(where, name, value):
    """value as a Python bool (True, False, a NumPy bool or a 0-d bool array).

    Args: where, name, value, as for real().
    Returns: bool.
    """
    if backend.is_host_array(value) and value.ndim == 0:
        value = value.item()
    if not isinstance(value, bool) and not (backend.is_host_scalar(value) and value.dtype.kind == "b"):
        raise TypeError(f"{where}: {name} must be True or False, got {_describe(value)}")
    return bool(value)


def choice(where, name, value, options):
    """value, one of the strings in `options` (a 0-d string array is read as its string).

    Args: where, name, value, as for real(); options: the strings allowed.
    Returns: str.
    """
    if backend.is_host_array(value) and value.ndim == 0 and value.dtype.kind == "U":
        value = str(value.item())
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{where}: {name} must be one of {', '.join(map(repr, options))}, got {value!r}")
    return value


def real_list(where, name, value, length):
    """A list of `length` finite floats (from a list, a tuple or a 1-d array).

    Args: where, name, value, as for real(); length: how many.
    Returns: list of float.
    """
    if isinstance(value, Tensor):
        value = value._data
    if backend.is_host_array(value) or backend.is_device_array(value):
        value = backend.of(value).to_host(value).tolist() if value.ndim == 1 else value
    if not isinstance(value, (tuple, list)) or len(value) != length:
        raise ValueError(f"{where}: {name} must be a list of {length} numbers (one per parameter group), "
                         f"got {_describe(value)}")
    return [real(where, f"{name}[{i}]", v) for i, v in enumerate(value)]
