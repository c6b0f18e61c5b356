"""minigrad.nn.init: filling weights in place, as torch.nn.init does.

Each function overwrites `tensor._data` (a Parameter's, usually) outside the
graph and returns the tensor. Every random number comes from the one host
generator that minigrad.manual_seed seeds, so a seed fixes a model's initial
weights on every device.

Fans. For a weight of shape (out, in, *kernel), fan_in = in · prod(kernel)
and fan_out = out · prod(kernel): the number of inputs feeding one output, and
of outputs one input feeds.
"""

import math

from minigrad import backend

__all__ = ["calculate_gain", "uniform_", "normal_", "constant_", "zeros_", "ones_",
           "xavier_uniform_", "kaiming_uniform_", "orthogonal_"]


def uniform_(tensor, a=0.0, b=1.0):
    """Fill with samples of U(a, b)."""
    tensor._data = backend.random_uniform(tensor.shape, a, b, tensor.dtype, backend.of(tensor._data))
    return tensor


def normal_(tensor, mean=0.0, std=1.0):
    """Fill with samples of N(mean, std²)."""
    z = backend.random_normal(tensor.shape, tensor.dtype, backend.of(tensor._data))
    tensor._data = backend.ensure_array(z * std + mean)
    return tensor


def constant_(tensor, val):
    tensor._data = backend.of(tensor._data).full(tensor.shape, val, tensor.dtype)
    return tensor


def zeros_(tensor):
    return constant_(tensor, 0.0)


def ones_(tensor):
    return constant_(tensor, 1.0)


def _fans(name, shape):
    if len(shape) < 2:
        raise ValueError(f"{name}: fan in and fan out need a tensor of at least 2 dims, got shape {shape}")
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def calculate_gain(nonlinearity, param=None):
    """The factor that keeps activations' variance steady through the nonlinearity
    (the values of torch.nn.init.calculate_gain)."""
    if nonlinearity in ("linear", "conv1d", "sigmoid"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1 + slope ** 2))
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}")


def xavier_uniform_(tensor, gain=1.0):
    """U(-a, a) with a = gain · sqrt(6 / (fan_in + fan_out)): the variance
    2 / (fan_in + fan_out) of Glorot & Bengio (2010), eq. 16."""
    fan_in, fan_out = _fans("xavier_uniform_", tensor.shape)
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -a, a)


def kaiming_uniform_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu"):
    """U(-bound, bound) with bound = gain · sqrt(3 / fan), so the variance is
    gain² / fan (He et al. 2015). `a` is the leaky-relu slope that sets the gain.
    nn.Linear's default init is this with a = √5: bound = 1 / sqrt(fan_in)."""
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"kaiming_uniform_: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = _fans("kaiming_uniform_", tensor.shape)
    fan = fan_in if mode == "fan_in" else fan_out
    bound = calculate_gain(nonlinearity, a) * math.sqrt(3.0 / fan)
    return uniform_(tensor, -bound, bound)


def orthogonal_(tensor, gain=1.0):
    """A (semi-)orthogonal matrix times gain (Saxe et al. 2014): the tensor is
    viewed as (rows, cols) = (shape[0], the rest), filled with the Q of the QR
    decomposition of a standard normal matrix, with Q's columns signed by
    R's diagonal so that Q is uniformly distributed. Orthogonal recurrent
    weights neither grow nor shrink the hidden state at the start of training.
    """
    if tensor.ndim < 2:
        raise ValueError(f"orthogonal_: needs a tensor of at least 2 dims, got shape {tensor.shape}")
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    # drawn and factorised on the host, where the generator lives
    host = backend.NUMPY
    flat = backend.random_normal((rows, cols), "float64", host)
    if rows < cols:
        flat = flat.T                                   # QR of the tall way round
    q, r = host.xp.linalg.qr(flat)
    q = q * host.xp.sign(host.xp.diagonal(r))           # Q's columns signed by diag(R)
    if rows < cols:
        q = q.T
    q = (gain * q).reshape(tensor.shape)
    tensor._data = backend.of(tensor._data).asarray(q, tensor.dtype)
    return tensor
