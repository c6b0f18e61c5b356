"""Activation functions, as torch.nn.functional has them.

Most are engine primitives (relu, tanh, sigmoid, silu, softplus, gelu) called
under their PyTorch names; the rest are short composites of them, so their
gradients come from the engine:

    leaky_relu(x) = x if x > 0 else slope · x
    logsigmoid(x) = log σ(x) = -softplus(-x)          (finite for any x)
    glu(a | b)    = a ⊙ σ(b)                          (Dauphin et al. 2017)
"""

import numbers

from minigrad import ops
from minigrad.nn.checks import check_dim, check_float
from minigrad.ops import astype, chunk, log_softmax as _log_softmax, sigmoid as _sigmoid, softmax as _softmax
from minigrad.ops import softplus, where


def _no_inplace(name, inplace):
    if inplace:
        raise NotImplementedError(f"{name}: inplace=True is not supported; minigrad's activations return a "
                                  "new tensor (use inplace=False)")


def relu(input, inplace=False):
    """max(x, 0).

    Args: input: (*);  inplace: False only
    Returns: (*)
    """
    check_float("relu", "input", input)
    _no_inplace("relu", inplace)
    return ops.relu(input)


def gelu(input, approximate="none"):
    """x Φ(x), Φ the standard normal CDF (Hendrycks & Gimpel 2016); with
    approximate='tanh', ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
    Args: input (*). Returns: (*)."""
    check_float("gelu", "input", input)
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return ops.gelu(input, approximate=approximate)


def silu(input, inplace=False):
    """x σ(x), also called swish.

    Args: input: (*);  inplace: False only
    Returns: (*)
    """
    check_float("silu", "input", input)
    _no_inplace("silu", inplace)
    return ops.silu(input)


def tanh(input):
    """tanh(x). Args: input (*). Returns: (*)."""
    check_float("tanh", "input", input)
    return ops.tanh(input)


def sigmoid(input):
    """σ(x) = 1 / (1 + e^-x). Args: input (*). Returns: (*)."""
    check_float("sigmoid", "input", input)
    return _sigmoid(input)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """x where x > 0, else negative_slope · x. Returns: (*), the input's shape.
    At x = 0 the gradient is negative_slope, as PyTorch's.

    Args: input: (*);  negative_slope: the slope below 0;  inplace: False only
    """
    check_float("leaky_relu", "input", input)
    if isinstance(negative_slope, bool) or not isinstance(negative_slope, numbers.Real):
        raise TypeError(f"leaky_relu: negative_slope must be a number, got {negative_slope!r}")
    _no_inplace("leaky_relu", inplace)
    return where(input > 0, input, input * negative_slope)


def logsigmoid(input):
    """log σ(x) = -softplus(-x), finite where σ(x) rounds to 0.
    Args: input (*). Returns: (*)."""
    check_float("logsigmoid", "input", input)
    return -softplus(-input)


def glu(input, dim=-1):
    """Gated linear unit: split x in halves a, b along dim; a ⊙ σ(b).
    Args: input (..., 2n, ...) with 2n at dim. Returns: (..., n, ...)."""
    check_float("glu", "input", input)
    dim = check_dim("glu", dim, input.ndim)
    if input.ndim == 0 or input.shape[dim] % 2:
        raise RuntimeError(f"glu: halving dimension must be even, but dimension {dim} of shape "
                           f"{input.shape} has size {input.shape[dim] if input.ndim else 0}")
    a, b = chunk(input, 2, dim)
    return a * _sigmoid(b)


def _softmax_dim(name, dim, ndim):
    # PyTorch's rule when dim is not given: 0 for 0-, 1- and 3-d inputs, else 1
    if dim is None:
        return 0 if ndim in (0, 1, 3) else 1
    return check_dim(name, dim, ndim)


def softmax(input, dim=None, dtype=None):
    """e^x / Σ e^x along dim. Args: input (*); dtype: cast input first.
    Returns: (*), positive, summing to 1 along dim."""
    check_float("softmax", "input", input)
    if dtype is not None:
        input = astype(input, dtype)
    return _softmax(input, _softmax_dim("softmax", dim, input.ndim))


def log_softmax(input, dim=None, dtype=None):
    """x - logsumexp(x) along dim: log-probabilities, stable for large x.
    Args: input (*); dtype: cast input first. Returns: (*)."""
    check_float("log_softmax", "input", input)
    if dtype is not None:
        input = astype(input, dtype)
    return _log_softmax(input, _softmax_dim("log_softmax", dim, input.ndim))
