"""minigrad.nn.functional: layers and losses as plain functions of tensors.

Each is a composite of engine ops, so its gradient comes from the engine and
is checked by the same gradcheck as the primitives. The losses reach for the
stable fused primitives where the naive formula would overflow: cross_entropy
goes through log_softmax (x - logsumexp x), and the logistic loss through
softplus (max(x, 0) + log(1 + e^-|x|)).

Names and arguments follow torch.nn.functional, except that the axis argument
is called `axis` here, as everywhere in minigrad.
"""

import math

from minigrad import backend
from minigrad.ops import log_softmax, mean, reshape, softmax, softplus, sqrt, sum
from minigrad.tensor import Tensor, tensor

__all__ = ["linear", "embedding", "one_hot", "dropout", "layer_norm", "rms_norm", "softmax", "log_softmax",
           "cross_entropy", "mse_loss", "binary_cross_entropy_with_logits"]

_REDUCTIONS = ("mean", "sum", "none")


def _describe(t):
    return f"shape {t.shape}, dtype {backend.dtype_name(t.dtype)}"


def _check_float(name, what, t):
    if not isinstance(t, Tensor):
        raise TypeError(f"{name}: {what} must be a Tensor, got {type(t).__name__}")
    if not backend.is_float(t.dtype):
        raise TypeError(f"{name}: {what} must be float32 or float64, got {_describe(t)}")


def _index_array(name, what, index, device):
    """Class or token indices (a Tensor, array or list) as an int64 array on `device`."""
    if isinstance(index, Tensor):
        if index.device != device:
            raise RuntimeError(f"{name}: {what} is on device {index.device!r} but the input is on {device!r}")
        index = index._data
    else:
        index = tensor(index, device=device)._data
    if not backend.dtype_name(index.dtype).startswith(("int", "uint")):
        raise TypeError(f"{name}: {what} must hold integer indices, got dtype {backend.dtype_name(index.dtype)}")
    b = backend.of(index)
    return b.xp.astype(index, b.dtype("int64"))


def _check_reduction(name, reduction):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{name}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def _reduce(losses, reduction):
    if reduction == "mean":
        return mean(losses)
    if reduction == "sum":
        return sum(losses)
    return losses


# ---- layers ------------------------------------------------------------------

def linear(input, weight, bias=None):
    """y = x Wᵀ + b, with W stored PyTorch's way, (out_features, in_features).

    Args:
        input: (*, in_features)
        weight: (out_features, in_features);  bias: (out_features,) or None
    Returns:
        (*, out_features)
    """
    _check_float("linear", "input", input)
    if input.ndim == 0 or input.shape[-1] != weight.shape[1]:
        raise ValueError(f"linear: input of shape {input.shape} has {input.shape[-1] if input.ndim else 0} "
                         f"features, but weight of shape {weight.shape} expects {weight.shape[1]}")
    if input.device != weight.device:
        raise RuntimeError(f"linear: input is on device {input.device!r} but weight is on {weight.device!r}")
    if input.dtype != weight.dtype:
        raise TypeError(f"linear: input dtype {backend.dtype_name(input.dtype)} differs from "
                        f"weight dtype {backend.dtype_name(weight.dtype)}")
    # One (M, in) @ (in, out) product over all leading axes at once: a single
    # matrix multiply forward and one for the weight's gradient, instead of a
    # batch of small ones summed afterwards.
    lead = input.shape[:-1]
    y = reshape(input, (math.prod(lead), weight.shape[1])) @ weight.T     # (M, out)
    if bias is not None:
        y = y + bias
    return reshape(y, lead + (weight.shape[0],))                          # (*, out)


def embedding(input, weight):
    """Rows of `weight` at the integer indices `input`: a lookup table.

    Args:
        input: integer indices of any shape (*), each in [0, num_embeddings)
        weight: (num_embeddings, embedding_dim)
    Returns:
        (*, embedding_dim). The gradient adds g into the rows that were read,
        repeated indices accumulating.
    """
    idx = _index_array("embedding", "input", input, weight.device)
    n = weight.shape[0]
    bad = backend.of(idx).to_host(backend.of(idx).xp.any((idx < 0) | (idx >= n)))
    if bad:
        raise IndexError(f"embedding: indices must lie in [0, {n}) for a weight of shape {weight.shape}")
    return weight[Tensor(idx)]


def one_hot(input, num_classes=-1):
    """int64 tensor (*, num_classes) with a 1 at each index of `input` (*).
    num_classes=-1 takes the largest index + 1."""
    idx = _index_array("one_hot", "input", input, input.device if isinstance(input, Tensor) else "cpu")
    b = backend.of(idx)
    host = b.to_host(idx)
    if num_classes == -1:
        num_classes = int(host.max()) + 1 if host.size else 0
    if host.size and (host.min() < 0 or host.max() >= num_classes):
        raise ValueError(f"one_hot: indices must lie in [0, {num_classes}), got values "
                         f"from {host.min()} to {host.max()}")
    classes = backend.arange(0, num_classes, 1, "int64", b)                  # (C,)
    return Tensor(b.xp.astype(idx[..., None] == classes, b.dtype("int64")))  # (*, C)


def dropout(input, p=0.5, training=True):
    """Zero each element with probability p and scale the rest by 1/(1-p), so
    the expected value is unchanged (inverted dropout; Srivastava et al. 2014).
    The identity when not training. The mask comes from the generator
    minigrad.manual_seed seeds."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: p must be in [0, 1], got {p}")
    if not training or p == 0.0:
        return input
    b = backend.of(input._data)
    if p == 1.0:
        return input * Tensor(b.zeros(input.shape, input.dtype))
    u = backend.random_uniform(input.shape, 0.0, 1.0, input.dtype, b)
    mask = b.xp.astype(u >= p, input.dtype) * (1.0 / (1.0 - p))
    return input * Tensor(backend.ensure_array(mask))


def _norm_axes(name, x, normalized_shape):
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if len(shape) > x.ndim or x.shape[x.ndim - len(shape):] != shape:
        raise ValueError(f"{name}: the last axes of input of shape {x.shape} must be normalized_shape {shape}")
    return tuple(range(x.ndim - len(shape), x.ndim))


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """y = (x - μ) / sqrt(σ² + ε) ⊙ weight + bias, with μ and σ² (biased) over
    the last len(normalized_shape) axes (Ba et al. 2016).

    Args:
        input: (*, *normalized_shape);  weight, bias: normalized_shape or None
    Returns:
        same shape as input
    """
    axes = _norm_axes("layer_norm", input, normalized_shape)
    d = input - mean(input, axes, keepdims=True)
    y = d / sqrt(mean(d * d, axes, keepdims=True) + eps)
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y


def rms_norm(input, normalized_shape, weight=None, eps=1e-5):
    """y = x / sqrt(mean(x²) + ε) ⊙ weight over the last axes: LayerNorm without
    the centring and the bias (Zhang & Sennrich 2019), as Mamba uses it.

    Args:
        input: (*, *normalized_shape);  weight: normalized_shape or None
    Returns:
        same shape as input
    """
    axes = _norm_axes("rms_norm", input, normalized_shape)
    y = input / sqrt(mean(input * input, axes, keepdims=True) + eps)
    return y * weight if weight is not None else y


# ---- losses ------------------------------------------------------------------

def cross_entropy(input, target, ignore_index=-100, reduction="mean"):
    """Softmax cross-entropy with class-index targets, as torch's.

        loss_i = -log softmax(x_i)[y_i] = logsumexp(x_i) - x_i[y_i]

    Args:
        input: logits (N, C), or (N, C, d1, ...) with the classes on axis 1
            (a sequence model's (B, C, T)), or (C,) for one example
        target: class indices (N,), (N, d1, ...) or (); positions equal to
            ignore_index contribute nothing
        reduction: "mean" (over the positions not ignored), "sum" or "none"
            (a loss per position, shaped like target)
    """
    _check_float("cross_entropy", "input", input)
    _check_reduction("cross_entropy", reduction)
    t = _index_array("cross_entropy", "target", target, input.device)
    if input.ndim == 0:
        raise ValueError("cross_entropy: input must have a class axis, got a 0-d tensor")
    expected = () if input.ndim == 1 else (input.shape[0],) + input.shape[2:]
    if tuple(t.shape) != expected:
        raise ValueError(f"cross_entropy: target of shape {tuple(t.shape)} does not fit input of shape "
                         f"{input.shape}; expected target shape {expected}")
    C = input.shape[0] if input.ndim == 1 else input.shape[1]
    b = backend.of(t)
    keep = t != ignore_index                                              # (N, d1, ...)
    bad = b.to_host(b.xp.any(keep & ((t < 0) | (t >= C))))
    if bad:
        raise IndexError(f"cross_entropy: target values must lie in [0, {C}) or equal ignore_index={ignore_index}")

    logp = log_softmax(input, axis=0 if input.ndim == 1 else 1)
    if input.ndim > 2:                                                    # classes last: (N, d1, ..., C)
        logp = logp.permute((0,) + tuple(range(2, input.ndim)) + (1,))
    M = math.prod(expected)
    t = b.xp.reshape(b.xp.where(keep, t, b.xp.zeros_like(t)), (M,))      # (M,) ignored -> class 0
    # pick log p[i, t_i] from the flattened (M·C,) log-probabilities: a gather
    # that every backend has; its gradient scatters back into those places
    rows = backend.arange(0, M, 1, "int64", b)                            # (M,)
    picked = reshape(logp, (M * C,))[Tensor(rows * C + t)]                # (M,)
    keep = b.xp.astype(b.xp.reshape(keep, (M,)), input.dtype)             # (M,) 1 = counted
    losses = -picked * Tensor(keep)                                       # (M,)
    if reduction == "mean":
        count = Tensor(backend.ensure_array(b.xp.sum(keep)))
        return sum(losses) / count      # over the counted positions; nan if none are, as torch
    if reduction == "none":
        return reshape(losses, expected)
    return sum(losses)


def _elementwise_target(name, input, target, reduction):
    """The checks an elementwise loss makes; the target as a Tensor like input."""
    _check_float(name, "input", input)
    _check_reduction(name, reduction)
    if not isinstance(target, Tensor):
        target = tensor(target, dtype=input.dtype, device=input.device)
    if target.shape != input.shape:
        raise ValueError(f"{name}: input has shape {input.shape} but target has shape {target.shape}; "
                         "they must match (no broadcasting)")
    return target


def mse_loss(input, target, reduction="mean"):
    """(input - target)², averaged (or summed, or kept) over every element."""
    target = _elementwise_target("mse_loss", input, target, reduction)
    d = input - target
    return _reduce(d * d, reduction)


def binary_cross_entropy_with_logits(input, target, reduction="mean"):
    """Logistic loss on logits x with targets y in [0, 1]:

        -[y log σ(x) + (1 - y) log(1 - σ(x))] = softplus(x) - x y

    which never takes the log of a rounded-to-zero probability, so it stays
    finite for logits of any size."""
    target = _elementwise_target("binary_cross_entropy_with_logits", input, target, reduction)
    return _reduce(softplus(input) - input * target, reduction)
