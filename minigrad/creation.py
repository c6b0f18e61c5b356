"""More ways to make tensors, beside tensor.py's: eye, linspace, full_like, and
the random ones — randint, rand_like, randn_like, multinomial.

Every random tensor is drawn from the one generator that
minigrad.manual_seed seeds (see backend.py), on the host, and then moved to
its device: the same seed gives the same numbers on every device.
"""

import numbers

from minigrad import backend
from minigrad.tensor import DEFAULT_DTYPE, Tensor, _shape

_INTEGER_DTYPES = ("int8", "int16", "int32", "int64", "uint8")


def _size(n, op, name):
    if not isinstance(n, numbers.Integral) or isinstance(n, bool):
        raise TypeError(f"{op}: {name} must be an integer, got {n!r}")
    if n < 0:
        raise RuntimeError(f"{op}: {name} must be non-negative, got {n}")
    return int(n)


def eye(n, m=None, dtype=None, device=None, requires_grad=False):
    """The identity matrix: ones on the diagonal, zeros elsewhere.

    Args:
        n: rows.
        m: columns (n if None).
        dtype: float32 by default.
        device: "cpu" by default.
        requires_grad: make the result a leaf that requires grad.
    Returns:
        a tensor (n, m).
    """
    n = _size(n, "eye", "n")
    m = n if m is None else _size(m, "eye", "m")
    b = backend.get(device)
    dtype = DEFAULT_DTYPE if dtype is None else backend.dtype_name(dtype)
    kwargs = {} if b.device is None else {"device": b.device}
    return Tensor(b.xp.eye(n, m, dtype=b.dtype(dtype), **kwargs), requires_grad=requires_grad)


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False):
    """`steps` evenly spaced values from start to end, both included.

    Args:
        start, end: numbers (or 0-d tensors).
        steps: how many values, ≥ 0.
        dtype: float32 by default.
        device: "cpu" by default.
        requires_grad: make the result a leaf that requires grad.
    Returns:
        a tensor (steps,). As in PyTorch, the first half is start + i·step
        and the second half end - (steps - 1 - i)·step, so both ends are exact.
    """
    start, end = (float(v) if isinstance(v, Tensor) else v for v in (start, end))
    for name, v in (("start", start), ("end", end)):
        if not isinstance(v, numbers.Real):
            raise TypeError(f"linspace: {name} must be a number, got {v!r}")
    steps = _size(steps, "linspace", "steps")
    dtype = DEFAULT_DTYPE if dtype is None else backend.dtype_name(dtype)
    step = (end - start) / (steps - 1) if steps > 1 else 0.0
    half = steps // 2
    values = [start + i * step if i < half else end - (steps - 1 - i) * step for i in range(steps)]
    if dtype in _INTEGER_DTYPES:
        values = [int(v) for v in values]        # PyTorch truncates toward zero
    return Tensor(backend.get(device).asarray(values, dtype), requires_grad=requires_grad)


def full_like(input, fill_value, dtype=None, device=None, requires_grad=False):
    """A tensor of input's shape filled with fill_value.

    Args:
        input: the tensor whose shape (and, unless given, dtype and device) to take.
        fill_value: a number.
        dtype, device: override input's.
        requires_grad: make the result a leaf that requires grad.
    Returns:
        a tensor of input's shape.
    """
    b, dtype = _like(input, dtype, device, "full_like")
    if not isinstance(fill_value, numbers.Number):
        raise TypeError(f"full_like: fill_value must be a number, got {type(fill_value).__name__}")
    return Tensor(b.full(input.shape, fill_value, dtype), requires_grad=requires_grad)


def _like(input, dtype, device, op):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: input must be a Tensor, got {type(input).__name__}")
    b = backend.of(input._data) if device is None else backend.get(device)
    return b, backend.dtype_name(input.dtype if dtype is None else dtype)


def rand_like(input, dtype=None, device=None, requires_grad=False):
    """Uniform samples in [0, 1), of input's shape.

    Args:
        input: the tensor whose shape (and, unless given, dtype and device) to take; a float dtype.
        dtype, device: override input's.
        requires_grad: make the result a leaf that requires grad.
    Returns:
        a tensor of input's shape.
    """
    b, dtype = _like(input, dtype, device, "rand_like")
    _float_only(dtype, "rand_like")
    return Tensor(backend.random_uniform(input.shape, 0.0, 1.0, dtype, b), requires_grad=requires_grad)


def randn_like(input, dtype=None, device=None, requires_grad=False):
    """Standard normal samples, of input's shape.

    Args:
        input: the tensor whose shape (and, unless given, dtype and device) to take; a float dtype.
        dtype, device: override input's.
        requires_grad: make the result a leaf that requires grad.
    Returns:
        a tensor of input's shape.
    """
    b, dtype = _like(input, dtype, device, "randn_like")
    _float_only(dtype, "randn_like")
    return Tensor(backend.random_normal(input.shape, dtype, b), requires_grad=requires_grad)


def _float_only(dtype, op):
    if not backend.is_float(dtype):
        raise RuntimeError(f"{op}: needs a floating-point dtype, got {dtype}")


def randint(*args, size=None, dtype="int64", device=None, requires_grad=False):
    """Integers uniform in [low, high), as torch.randint: randint(high, size) or randint(low, high, size).

    Args:
        low: the smallest value (0 if only high is given).
        high: one above the largest value; low < high.
        size: the shape, a tuple (positional last, or by keyword).
        dtype: int64 by default.
        device: "cpu" by default.
        requires_grad: only for a float dtype.
    Returns:
        a tensor of shape size.
    """
    if size is None and args and isinstance(args[-1], (tuple, list)):
        args, size = args[:-1], args[-1]
    if size is None:
        raise TypeError("randint: missing the size argument (a tuple), as in randint(10, (2, 3))")
    if len(args) == 1:
        low, high = 0, args[0]
    elif len(args) == 2:
        low, high = args
    else:
        raise TypeError(f"randint: expected (high, size) or (low, high, size), got {len(args) + 1} arguments")
    for name, v in (("low", low), ("high", high)):
        if not isinstance(v, numbers.Integral) or isinstance(v, bool):
            raise TypeError(f"randint: {name} must be an integer, got {v!r}")
    if low >= high:
        raise RuntimeError(f"randint: expected low < high, got low={low}, high={high}")
    shape = _shape((tuple(size),), "randint")
    b = backend.get(device)
    return Tensor(backend.random_integers(int(low), int(high), shape, backend.dtype_name(dtype), b),
                  requires_grad=requires_grad)


def multinomial(input, num_samples, replacement=False):
    """Category indices drawn with probability proportional to input's weights, as torch.multinomial.

    Args:
        input: non-negative float weights (C,) or (R, C), each row with a
            positive sum (they need not sum to 1).
        num_samples: how many draws per row, ≥ 1; without replacement at
            most the number of positive weights in each row.
        replacement: draw with replacement (a category may repeat) or not.
    Returns:
        an int64 tensor (num_samples,) or (R, num_samples), on input's device,
        outside the graph.
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"multinomial: input must be a Tensor, got {type(input).__name__}")
    if not backend.is_float(input.dtype):
        raise RuntimeError(f"multinomial: input must be a floating-point tensor, got {backend.dtype_name(input.dtype)}")
    if input.ndim not in (1, 2):
        raise RuntimeError(f"multinomial: input must be 1-D or 2-D, got shape {input.shape}")
    if not isinstance(num_samples, numbers.Integral) or isinstance(num_samples, bool):
        raise TypeError(f"multinomial: num_samples must be an integer, got {num_samples!r}")
    if num_samples <= 0:
        raise RuntimeError(f"multinomial: cannot draw num_samples={num_samples} samples; it must be at least 1")
    b = backend.of(input._data)
    xp = b.xp
    weights = input._data if input.ndim == 2 else xp.reshape(input._data, (1, -1))    # (R, C)
    if weights.shape[1] == 0:
        raise RuntimeError(f"multinomial: input of shape {input.shape} has no categories")
    if not bool(xp.all(xp.isfinite(weights))) or bool(xp.any(weights < 0)):
        raise RuntimeError("multinomial: weights must be finite and non-negative")
    if bool(xp.any(xp.sum(weights, axis=1) <= 0)):
        raise RuntimeError("multinomial: every row of weights must have a positive sum")
    if not replacement:
        if num_samples > weights.shape[1]:
            raise RuntimeError(f"multinomial: cannot draw {num_samples} samples from {weights.shape[1]} "
                               "categories without replacement")
        if bool(xp.any(xp.sum(xp.astype(weights > 0, b.dtype("int64")), axis=1) < num_samples)):
            raise RuntimeError(f"multinomial: a row has fewer than num_samples={num_samples} positive weights, "
                               "too few to draw without replacement")
    drawn = backend.random_categories(weights, int(num_samples), bool(replacement), b)
    return Tensor(drawn if input.ndim == 2 else drawn[0])
