"""The backend seam: the one module that names NumPy and CuPy.

Every other file in minigrad works on "an array" and asks this module for the
namespace `xp` that owns it. The ops use only functions that NumPy 2, CuPy and
the Python array API standard share (xp.exp, xp.matmul, xp.permute_dims, ...),
so one op serves every backend. What the standard lacks, or what differs
between libraries, lives here and only here:

    device names      "cpu" -> NumPy,  "cuda" / "cuda:N" -> CuPy,
                      "array_api_strict" -> the portability stand-in (below)
    moving data       to_host(a) -> numpy.ndarray, Backend.asarray(data, dtype)
    scatter-add       x[idx] += v with repeated indices accumulating
                      (the gradient of indexing); NumPy's np.add.at,
                      CuPy's cupyx.scatter_add
    einsum            np.einsum, cupy.einsum
    memory layout     is_contiguous(a), contiguous(a): row-major or not
    random numbers    one generator for all devices (see manual_seed)

The stand-in. No GPU exists where the test suite runs, so portability is
proven with array-api-strict on its non-CPU device 'device1'. Arrays there
refuse NumPy functions and implicit conversion to NumPy, just as CuPy's arrays
do, and refuse to mix with arrays of another device. If an op works there, it
works on any library that implements the standard.
"""

import numpy as np

FLOAT_DTYPES = ("float32", "float64")
_DTYPE_NAMES = ("bool", "int8", "int16", "int32", "int64", "uint8", "float32", "float64")


class Backend:
    """One array library on one device: its namespace and the few extras.

    Args:
        name: the device string minigrad shows ("cpu", "cuda:0", "array_api_strict").
        xp: the library's array namespace (numpy, cupy, array_api_strict).
        device: the library's own device object, None for NumPy.
    """

    def __init__(self, name, xp, device=None):
        self.name = name          # the device string minigrad shows: "cpu", "cuda:0", ...
        self.xp = xp              # the array namespace the ops call
        self.device = device      # the library's own device object (None for NumPy)

    def dtype(self, name):
        """The library's dtype object for a dtype name.

        Args:
            name: a name such as "float32", or any dtype object dtype_name understands.
        Returns:
            the dtype of this backend's library; TypeError for dtypes minigrad does not support.
        """
        if not isinstance(name, str):
            name = dtype_name(name)
        if name not in _DTYPE_NAMES:
            raise TypeError(f"unsupported dtype {name!r}; expected one of {_DTYPE_NAMES}")
        return getattr(self.xp, name)

    def asarray(self, data, dtype=None):
        """A copy of host data on this backend, never a view: a tensor must not
        change when the caller's array does.

        Args:
            data: a list, scalar or NumPy array (any shape).
            dtype: a dtype name, or None for the data's own.
        Returns:
            an array of this backend, of data's shape.
        """
        if dtype is not None:
            dtype = self.dtype(dtype)
        if self.device is None:
            return np.array(data, dtype=dtype)
        return self.xp.asarray(np.asarray(data), dtype=dtype, device=self.device, copy=True)

    def full(self, shape, value, dtype):
        """A new array of `shape` filled with `value`.

        Args:
            shape: a tuple of ints.  value: a Python number.  dtype: a dtype name.
        Returns:
            an array of this backend.
        """
        if self.device is None:
            return np.full(shape, value, dtype=self.dtype(dtype))
        return self.xp.full(shape, value, dtype=self.dtype(dtype), device=self.device)

    def zeros(self, shape, dtype):
        """A new array of zeros.

        Args:
            shape: a tuple of ints.  dtype: a dtype name.
        Returns:
            an array of this backend.
        """
        if self.device is None:
            return np.zeros(shape, dtype=self.dtype(dtype))
        return self.xp.zeros(shape, dtype=self.dtype(dtype), device=self.device)

    def scatter_add(self, target, index, values):
        """target[index] += values in place, repeated indices accumulating (the
        gradient of indexing, where one element may have been read many times).

        Args:
            target: an array of this backend, changed in place.
            index: an index as for target[index] (integer arrays may repeat entries).
            values: an array broadcastable to target[index]'s shape.
        Returns:
            None.
        """
        np.add.at(target, index, values)

    def put(self, target, index, values):
        """target[index] = values in place, for any index x[index] reads
        (the standard's __setitem__ takes only basic indices and masks)."""
        target[index] = values

    def einsum(self, subscripts, *arrays):
        """np.einsum on this backend's arrays (the standard has no einsum).

        Args:
            subscripts: the einsum equation, e.g. "bij,bjk->bik".
            *arrays: the operands, arrays of this backend.
        Returns:
            an array of this backend.
        """
        return np.asarray(np.einsum(subscripts, *arrays))

    def is_contiguous(self, a):
        """Whether a is laid out row-major without gaps (the standard has no notion of layout)."""
        return a.flags.c_contiguous

    def contiguous(self, a):
        """A row-major copy of a."""
        return np.ascontiguousarray(a)

    def to_host(self, a):
        """The values of array `a` as a NumPy array on the host (a view where the library allows).

        Args:
            a: an array of this backend.
        Returns:
            numpy.ndarray of a's shape and dtype.
        """
        return np.asarray(a)

    def shares_memory(self, a, b):
        """Whether arrays a and b may share memory (one a view of the other);
        a check of their bounds, so cheap."""
        return np.may_share_memory(a, b)

    def writeable(self, a):
        """False for a read-only array (NumPy's broadcast_to returns one)."""
        return a.flags.writeable


class _CuPy(Backend):
    def asarray(self, data, dtype=None):
        with self.device:
            return self.xp.asarray(data, dtype=None if dtype is None else self.dtype(dtype))

    def full(self, shape, value, dtype):
        with self.device:
            return self.xp.full(shape, value, dtype=self.dtype(dtype))

    def zeros(self, shape, dtype):
        with self.device:
            return self.xp.zeros(shape, dtype=self.dtype(dtype))

    def scatter_add(self, target, index, values):
        import cupyx
        cupyx.scatter_add(target, index, values)

    def einsum(self, subscripts, *arrays):
        return self.xp.einsum(subscripts, *arrays)

    def contiguous(self, a):
        return self.xp.ascontiguousarray(a)

    def to_host(self, a):
        return a.get()

    def shares_memory(self, a, b):
        return self.xp.may_share_memory(a, b)

    def writeable(self, a):
        return True


class _Strict(Backend):
    # array-api-strict keeps a NumPy array inside each of its arrays. The
    # standard has no scatter-add, so here (and only here) we reach inside,
    # as the CuPy backend reaches for cupyx.scatter_add.
    def scatter_add(self, target, index, values):
        index = _strict_unwrap(index)
        np.add.at(target._array, index, values._array)

    def put(self, target, index, values):
        target._array[_strict_unwrap(index)] = getattr(values, "_array", values)

    def einsum(self, subscripts, *arrays):
        result = np.einsum(subscripts, *[a._array for a in arrays])
        return self.xp.asarray(np.asarray(result), device=self.device)

    def is_contiguous(self, a):
        return a._array.flags.c_contiguous

    def contiguous(self, a):
        return self.xp.asarray(np.ascontiguousarray(a._array), device=self.device)

    def to_host(self, a):
        return np.asarray(a._array).copy()

    def shares_memory(self, a, b):
        return np.may_share_memory(a._array, b._array)

    def writeable(self, a):
        return a._array.flags.writeable


def _strict_unwrap(index):
    if isinstance(index, tuple):
        return tuple(_strict_unwrap(i) for i in index)
    return getattr(index, "_array", index)


NUMPY = Backend("cpu", np)
_by_name = {"cpu": NUMPY}
_by_type = {np.ndarray: NUMPY}


def get(device):
    """The backend for a device string.

    Args:
        device: "cpu", "cuda" (= "cuda:0"), "cuda:N", "array_api_strict", or None for "cpu".
    Returns:
        the Backend; RuntimeError, naming what to install, when its library or device is missing.
    """
    if device is None:
        return NUMPY
    if not isinstance(device, str):
        raise TypeError(f"device must be a string such as 'cpu' or 'cuda', got {device!r}")
    if device == "cuda":
        device = "cuda:0"
    if device in _by_name:
        return _by_name[device]
    if device.startswith("cuda:") and device[5:].isdigit():
        return _register(_make_cupy(int(device[5:])))
    if device == "array_api_strict":
        return _register(_make_strict())
    raise ValueError(f"unknown device {device!r}; expected 'cpu', 'cuda', 'cuda:N' or 'array_api_strict'")


def _register(backend):
    _by_name[backend.name] = backend
    return backend


def _make_cupy(index):
    try:
        import cupy
    except ImportError:
        raise RuntimeError(
            f"device 'cuda:{index}' needs CuPy, which is not installed; "
            "install it with `pip install minigrad[gpu]` (CuPy for CUDA 12)") from None
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as e:
        raise RuntimeError(f"device 'cuda:{index}': CuPy is installed but no CUDA device is usable ({e})") from None
    if index >= count:
        raise RuntimeError(f"device 'cuda:{index}' does not exist; this machine has {count} CUDA device(s)")
    _by_type[cupy.ndarray] = None   # resolved per array by its .device, see of()
    return _CuPy(f"cuda:{index}", cupy, cupy.cuda.Device(index))


def _make_strict():
    try:
        import array_api_strict
    except ImportError:
        raise RuntimeError("device 'array_api_strict' needs `pip install array-api-strict`") from None
    _by_type[type(array_api_strict.asarray(0))] = None
    return _Strict("array_api_strict", array_api_strict, array_api_strict.Device("device1"))


def of(a):
    """The backend that owns an array.

    Args:
        a: an array of NumPy, CuPy or array-api-strict.
    Returns:
        its Backend; TypeError for anything else.
    """
    backend = _by_type.get(type(a), False)
    if backend:
        return backend
    if backend is None:        # CuPy or the stand-in: one backend per device
        if type(a).__module__.startswith("cupy"):
            return get(f"cuda:{a.device.id}")
        if a.device == _by_name["array_api_strict"].device:
            return _by_name["array_api_strict"]
        raise ValueError(f"array on unsupported device {a.device!r}; minigrad's stand-in uses Device('device1')")
    raise TypeError(f"expected an array of a minigrad backend, got {type(a).__name__}")


def dtype_name(dtype):
    """The name of a dtype, whichever library's object it is.

    Args:
        dtype: np.float32, np.dtype('float32'), array_api_strict.float32, CuPy's, or a name.
    Returns:
        str, e.g. 'float32'.
    """
    if isinstance(dtype, str):
        return dtype
    # Asked on the hot path (every op's output), so cached. The key holds the
    # type too: NumPy's and array-api-strict's float32 hash alike, and comparing
    # them directly warns.
    key = (type(dtype), dtype)
    name = _dtype_names.get(key)
    if name is None:
        if isinstance(dtype, (type, np.dtype)):       # np.float32, np.dtype('float32'), CuPy's too
            name = np.dtype(dtype).name
        else:                                         # array_api_strict.float32 and the like
            name = str(getattr(dtype, "name", dtype)).rsplit(".", 1)[-1]
        _dtype_names[key] = name
    return name


_dtype_names = {}


def infer_dtype(data, default_float):
    """The dtype tensor(data) takes: NumPy arrays keep theirs; Python floats
    take the default float dtype, Python ints int64, bools bool.

    Args:
        data: a list, scalar or NumPy array.
        default_float: the dtype name Python floats take ("float32").
    Returns:
        a dtype name; TypeError for data that is not numbers.
    """
    a = np.asarray(data)
    kind = a.dtype.kind
    keeps_own = isinstance(data, (np.ndarray, np.generic))
    if kind == "f":
        return a.dtype.name if keeps_own else default_float
    if kind == "b":
        return "bool"
    if kind in "iu":
        return a.dtype.name if keeps_own else "int64"
    raise TypeError(f"tensor(): cannot make a tensor from data of dtype {a.dtype}")


def arange(start, stop, step, dtype, backend):
    """Evenly spaced values in [start, stop), made on the host and copied to `backend`.

    Args:
        start, stop, step: Python numbers, as for range.  dtype: a dtype name.  backend: a Backend.
    Returns:
        a 1-d array of `backend`.
    """
    return backend.asarray(np.arange(start, stop, step), dtype)


def ensure_array(a):
    """NumPy reductions return scalars (np.float32), not 0-d arrays; make them arrays.

    Args:
        a: an array or a NumPy scalar.
    Returns:
        a itself, or a 0-d array holding the scalar.
    """
    return np.asarray(a) if isinstance(a, np.generic) else a


def is_host_scalar(x):
    """Whether x is a NumPy scalar (np.float32(1.5), ...).

    Args:
        x: anything.
    Returns:
        bool.
    """
    return isinstance(x, np.generic)


def is_host_array(x):
    """Whether x is a NumPy array.

    Args:
        x: anything.
    Returns:
        bool.
    """
    return isinstance(x, np.ndarray)


def is_device_array(x):
    """Whether x is an array of a backend other than NumPy (CuPy, array-api-strict).

    Args:
        x: anything.
    Returns:
        bool.
    """
    return type(x).__module__.split(".")[0] in ("cupy", "array_api_strict")


def is_float(dtype):
    """Whether a dtype is one of the floating-point dtypes minigrad differentiates.

    Args:
        dtype: a dtype object or name.
    Returns:
        bool: True for float32 and float64.
    """
    if dtype is _NUMPY_FLOAT32 or dtype is _NUMPY_FLOAT64:     # asked for every op: NumPy's first
        return True
    return dtype_name(dtype) in FLOAT_DTYPES


_NUMPY_FLOAT32, _NUMPY_FLOAT64 = np.dtype("float32"), np.dtype("float64")


def is_dtype(x):
    """Whether x names a dtype minigrad has: "float32", np.float32, a library's dtype object."""
    if isinstance(x, str):
        return x in _DTYPE_NAMES
    try:
        return dtype_name(x) in _DTYPE_NAMES
    except TypeError:
        return False


# ---- random numbers ---------------------------------------------------------
# One NumPy generator on the host feeds every device: the same seed gives the
# same numbers on the CPU and on a GPU, at the price of a copy to the device.

_generator = np.random.default_rng(0)


def manual_seed(seed):
    """Reseed the one generator every random tensor and initialiser draws from, on every device.

    Args:
        seed: an int (or anything numpy.random.default_rng accepts).
    Returns:
        None.
    """
    global _generator
    _generator = np.random.default_rng(seed)


def generator():
    """The generator manual_seed seeds.

    Returns:
        numpy.random.Generator, on the host.
    """
    return _generator


def random_normal(shape, dtype, backend):
    """Standard normal samples drawn on the host and copied to `backend`.

    Args:
        shape: a tuple of ints.  dtype: a dtype name.  backend: a Backend.
    Returns:
        an array of `shape` on `backend`.
    """
    return backend.asarray(_generator.standard_normal(shape).astype(dtype_name(dtype)), dtype)


def random_uniform(shape, low, high, dtype, backend):
    """Uniform samples in [low, high) drawn on the host and copied to `backend`.

    Args:
        shape: a tuple of ints.  low, high: the interval.  dtype: a dtype name.  backend: a Backend.
    Returns:
        an array of `shape` on `backend`.
    """
    return backend.asarray(_generator.uniform(low, high, shape).astype(dtype_name(dtype)), dtype)


def random_integers(low, high, shape, dtype, backend):
    """Integers uniform in [low, high) from the one generator, copied to `backend`.

    Args:
        low, high: the interval.  shape: a tuple of ints.  dtype: a dtype name.  backend: a Backend.
    Returns:
        an array of `shape` on `backend`.
    """
    return backend.asarray(_generator.integers(low, high, shape), dtype)


def random_categories(weights, num_samples, replacement, backend):
    """For each row of `weights` (an array (R, C) of `backend`, non-negative,
    every row with a positive sum), num_samples category indices drawn with
    probability weight / row sum; without replacement, each category at most
    once. Drawn on the host; int64 (R, num_samples) on `backend`."""
    host = backend.to_host(weights).astype("float64")
    rows = [_generator.choice(host.shape[1], size=num_samples, replace=replacement, p=w / w.sum()) for w in host]
    return backend.asarray(np.array(rows, dtype="int64").reshape(len(rows), num_samples), "int64")


# ---- arrays of other libraries ------------------------------------------------

def type_name(value):
    """A value's type as a reader knows it, for error messages: 'minigrad.Tensor',
    'torch.Tensor', 'numpy.ndarray'; builtins plainly: 'list', 'NoneType'."""
    cls = type(value)
    module = cls.__module__.split(".")[0]
    return cls.__qualname__ if module == "builtins" else f"{module}.{cls.__qualname__}"


# A torch.Tensor (or a JAX array, ...) is read through the protocols NumPy
# understands, __dlpack__ and __array__, so minigrad never imports torch.

def is_foreign_array(x):
    """Whether x is an array of a library minigrad does not run on, readable
    through __dlpack__ or __array__ (a torch.Tensor); not a NumPy or backend array.

    Args:
        x: anything.
    Returns:
        bool.
    """
    if isinstance(x, (np.ndarray, np.generic)) or is_device_array(x):
        return False
    return hasattr(x, "__dlpack__") or hasattr(x, "__array__")


def foreign_to_host(x):
    """A NumPy copy of a foreign array (see is_foreign_array), its dtype kept.

    Args:
        x: an array for which is_foreign_array(x) is True.
    Returns:
        numpy.ndarray of x's shape and dtype; TypeError, saying what to do, when x cannot be read.
    """
    try:
        return np.array(np.from_dlpack(x) if hasattr(x, "__dlpack__") else np.asarray(x), copy=True)
    except (RuntimeError, TypeError, BufferError) as e:
        raise TypeError(f"cannot read the values of a {type_name(x)} ({e}); a tensor that requires grad "
                        "must be detached first: x.detach()") from None
