"""The losses, as torch.nn.functional has them: each takes reduction='mean'
(the average), 'sum' or 'none' (one loss per element or position).

They reach for the stable fused primitives where the naive formula would
overflow: cross_entropy goes through log_softmax (x - logsumexp x), the
logistic loss through softplus (max(x, 0) + log(1 + e^-|x|)).

    nll_loss                 -w_y · logp_y                     logp: log-probabilities
    cross_entropy            nll_loss(log_softmax(x)), with label smoothing
    binary_cross_entropy     -w [y log p + (1 - y) log(1 - p)] p: probabilities
    ..._with_logits          the same from logits, with pos_weight
    mse_loss, l1_loss        (x - y)², |x - y|
    smooth_l1_loss           ½d²/β if |d| < β else |d| - ½β   (Girshick 2015)
    huber_loss               ½d² if |d| < δ else δ(|d| - ½δ)   (Huber 1964)
    kl_div                   y (log y - x),  x the log-probabilities
"""

import math
import numbers

from minigrad import backend
from minigrad.nn.checks import check_float, check_probability, describe, index_array, type_name
from minigrad.ops import abs, exp, log, log_softmax, maximum, mean, reshape, softplus, sum, where
from minigrad.tensor import Tensor, tensor

_REDUCTIONS = ("mean", "sum", "none")


def _check_reduction(name, reduction):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{name}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def _reduce(losses, reduction):
    if reduction == "mean":
        return mean(losses)
    if reduction == "sum":
        return sum(losses)
    return losses


def _check_weight(name, what, weight, input, shape):
    """An optional float Tensor of `shape` (or broadcastable to it, shape None) beside input."""
    if weight is None:
        return None
    check_float(name, what, weight)
    if weight.device != input.device:
        raise RuntimeError(f"{name}: {what} is on device {weight.device!r} but the input is on {input.device!r}")
    if shape is not None and weight.shape != shape:
        raise ValueError(f"{name}: expected {what} of shape {shape}, got {weight.shape}")
    return weight


# ---- class targets -----------------------------------------------------------------

def _class_target(name, input, target, ignore_index):
    """The checks on (N, C, d1, ...) scores and (N, d1, ...) class indices.
    Returns the indices as an array, the target shape, C, and the kept mask."""
    check_float(name, "input", input)
    if input.ndim == 0:
        raise ValueError(f"{name}: input must have a class axis, got a 0-d tensor")
    t = index_array(name, "target", target, input.device)
    expected = () if input.ndim == 1 else (input.shape[0],) + input.shape[2:]
    if tuple(t.shape) != expected:
        raise ValueError(f"{name}: target of shape {tuple(t.shape)} does not fit input of shape "
                         f"{input.shape}; expected target shape {expected}")
    C = input.shape[0] if input.ndim == 1 else input.shape[1]
    b = backend.of(t)
    keep = t != ignore_index                                              # (N, d1, ...)
    if b.to_host(b.xp.any(keep & ((t < 0) | (t >= C)))):
        raise IndexError(f"{name}: target values must lie in [0, {C}) or equal ignore_index={ignore_index}")
    return t, expected, C, keep


def _classes_last(x):
    """(N, C, d1, ...) -> (N, d1, ..., C); (C,) and (N, C) as they are."""
    if x.ndim <= 2:
        return x
    return x.permute((0,) + tuple(range(2, x.ndim)) + (1,))


def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):
    """Negative log-likelihood of class indices given log-probabilities:

        loss_i = -w[y_i] · logp_i[y_i]

    Args:
        input: log-probabilities (N, C), (N, C, d1, ...) with the classes on
            axis 1, or (C,) for one example
        target: class indices (N,), (N, d1, ...) or (); positions equal to
            ignore_index contribute nothing
        weight: (C,) a weight per class, or None for ones
        reduction: "mean" = Σ loss / Σ w[y] over the positions not ignored
            (nan if none are, as PyTorch), "sum", or "none" (shaped like target)
    Returns:
        a 0-d tensor, or target's shape with reduction="none"
    """
    _check_reduction("nll_loss", reduction)
    t, expected, C, keep = _class_target("nll_loss", input, target, ignore_index)
    weight = _check_weight("nll_loss", "weight", weight, input, (C,))
    return _nll(input, t, expected, C, keep, weight, reduction)


def _nll(input, t, expected, C, keep, weight, reduction):
    """nll_loss on checked arguments: t the indices, keep the positions counted."""
    b = backend.of(t)
    M = math.prod(expected)
    t = b.xp.reshape(b.xp.where(keep, t, b.xp.zeros_like(t)), (M,))      # (M,) ignored -> class 0
    # pick logp[i, t_i] from the flattened (M·C,) log-probabilities: a gather
    # that every backend has; its gradient scatters back into those places
    rows = backend.arange(0, M, 1, "int64", b)                            # (M,)
    picked = reshape(_classes_last(input), (M * C,))[Tensor(rows * C + t)]   # (M,)
    w = Tensor(b.xp.astype(b.xp.reshape(keep, (M,)), input.dtype))        # (M,) 1 = counted
    if weight is not None:
        w = weight[Tensor(t)] * w                                         # (M,) w[y_i], 0 if ignored
    losses = -picked * w                                                  # (M,)
    if reduction == "mean":
        return sum(losses) / sum(w)
    if reduction == "none":
        return reshape(losses, expected)
    return sum(losses)


def cross_entropy(input, target, weight=None, *, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """Softmax cross-entropy, as torch's: logits in, a loss per position out.

        class indices:   loss_i = -w[y_i] · log softmax(x_i)[y_i]
        probabilities:   loss_i = -Σ_c w_c · p_ic · log softmax(x_i)_c

    With label smoothing ε (Szegedy et al. 2016) the target is mixed with the
    uniform distribution: (1 - ε) of the loss above plus ε/C of
    -Σ_c w_c log softmax(x_i)_c.

    Args:
        input: logits (N, C), (N, C, d1, ...) with the classes on axis 1
            (a sequence model's (B, C, T)), or (C,) for one example
        target: class indices (N,), (N, d1, ...) or () — or class
            probabilities, a float tensor shaped like input
        weight: (C,) a weight per class, or None
        ignore_index: positions whose index equals it contribute nothing
            (class-index targets only)
        reduction: "mean" (over the positions not ignored, weighted as
            nll_loss; over all positions for probability targets), "sum" or "none"
        label_smoothing: ε in [0, 1]
    Returns:
        a 0-d tensor, or one loss per position with reduction="none"
    """
    check_float("cross_entropy", "input", input)
    _check_reduction("cross_entropy", reduction)
    eps = check_probability("cross_entropy", "label_smoothing", label_smoothing)
    if input.ndim == 0:
        raise ValueError("cross_entropy: input must have a class axis, got a 0-d tensor")
    class_axis = 0 if input.ndim == 1 else 1
    C = input.shape[class_axis]
    weight = _check_weight("cross_entropy", "weight", weight, input, (C,))
    # the per-class weight as a shape that broadcasts along the class axis
    w_c = None if weight is None else reshape(weight, (C,) + (1,) * (input.ndim - 1 - class_axis))
    logp = log_softmax(input, axis=class_axis)

    # a float target shaped like the input holds probabilities (any other is read as indices)
    if isinstance(target, Tensor) and backend.is_float(target.dtype) and target.shape == input.shape:
        if target.device != input.device:
            raise RuntimeError(f"cross_entropy: target is on device {target.device!r} but the input is on "
                               f"{input.device!r}")
        p = target * (1 - eps) + eps / C if eps else target
        terms = logp * p if w_c is None else logp * p * w_c
        losses = -sum(terms, class_axis)                                  # (N, d1, ...)
        if reduction == "mean":
            return sum(losses) / (input.numel() // C)              # over positions, as PyTorch
        return _reduce(losses, reduction)

    t, expected, _, keep = _class_target("cross_entropy", input, target, ignore_index)
    nll = _nll(logp, t, expected, C, keep, weight, reduction)
    if not eps:
        return nll
    b = backend.of(t)
    kept = Tensor(b.xp.astype(keep, input.dtype))                          # (N, d1, ...)
    smooth = -sum(logp if w_c is None else logp * w_c, class_axis) * kept  # (N, d1, ...)
    if reduction == "mean":
        if weight is None:
            smooth = sum(smooth) / sum(kept)
        else:
            safe = b.xp.where(keep, t, b.xp.zeros_like(t))
            smooth = sum(smooth) / sum(weight[Tensor(b.xp.reshape(safe, (-1,)))] *
                                       reshape(kept, (math.prod(expected),)))
    elif reduction == "sum":
        smooth = sum(smooth)
    return nll * (1 - eps) + smooth * (eps / C)


# ---- elementwise losses ------------------------------------------------------------

def _elementwise_target(name, input, target, reduction):
    """The checks an elementwise loss makes; the target as a Tensor like input."""
    check_float(name, "input", input)
    _check_reduction(name, reduction)
    if target is None or isinstance(target, str):
        raise TypeError(f"{name}: expected target as a Tensor, got {type_name(target)}")
    if not isinstance(target, Tensor):
        target = tensor(target, dtype=input.dtype, device=input.device)
    if target.shape != input.shape:
        raise ValueError(f"{name}: input has shape {input.shape} but target has shape {target.shape}; "
                         "they must match (no broadcasting)")
    if target.device != input.device:
        raise RuntimeError(f"{name}: target is on device {target.device!r} but the input is on {input.device!r}")
    if not backend.is_float(target.dtype):
        raise TypeError(f"{name}: target must be float32 or float64, got {describe(target)}")
    return target


def mse_loss(input, target, reduction="mean"):
    """(x - y)² per element. Args: input, target (*), the same shape.
    Returns: 0-d, or (*) with reduction="none"."""
    target = _elementwise_target("mse_loss", input, target, reduction)
    d = input - target
    return _reduce(d * d, reduction)


def l1_loss(input, target, reduction="mean"):
    """|x - y| per element. Args: input, target (*), the same shape.
    Returns: 0-d, or (*) with reduction="none"."""
    target = _elementwise_target("l1_loss", input, target, reduction)
    return _reduce(abs(input - target), reduction)


def _nonnegative(name, what, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: {what} must be a number, got {value!r}")
    if not value >= 0:
        raise ValueError(f"{name}: {what} must be non-negative, got {value}")
    return float(value)


def smooth_l1_loss(input, target, reduction="mean", beta=1.0):
    """½d²/β where |d| < β, else |d| - ½β, with d = x - y: quadratic near 0,
    linear beyond; beta=0 is l1_loss. Args: input, target (*), the same shape.
    Returns: 0-d, or (*) with reduction="none"."""
    target = _elementwise_target("smooth_l1_loss", input, target, reduction)
    beta = _nonnegative("smooth_l1_loss", "beta", beta)
    d = input - target
    if beta == 0:
        return _reduce(abs(d), reduction)
    return _reduce(where(abs(d) < beta, d * d * (0.5 / beta), abs(d) - 0.5 * beta), reduction)


def huber_loss(input, target, reduction="mean", delta=1.0):
    """½d² where |d| < δ, else δ(|d| - ½δ), with d = x - y: smooth_l1_loss
    with β = δ, times δ. Args: input, target (*), the same shape.
    Returns: 0-d, or (*) with reduction="none".

    Args: input, target: (*), the same shape;  reduction: 'mean', 'sum' or 'none';  delta: δ > 0
    """
    target = _elementwise_target("huber_loss", input, target, reduction)
    delta = _nonnegative("huber_loss", "delta", delta)
    if delta == 0:
        raise ValueError("huber_loss: delta must be positive, got 0")
    d = input - target
    return _reduce(where(abs(d) < delta, d * d * 0.5, (abs(d) - 0.5 * delta) * delta), reduction)


def _probabilities_in_range(name, input):
    b = backend.of(input._data)
    x = input._data
    if b.to_host(b.xp.any((x < 0) | (x > 1) | (x != x))):
        raise RuntimeError(f"{name}: all elements of input should be between 0 and 1")


def binary_cross_entropy(input, target, weight=None, reduction="mean"):
    """-w [y log p + (1 - y) log(1 - p)] for probabilities p = input.

    Each log is clamped at -100, as PyTorch does, so p = 0 or 1 gives a large
    finite loss, not inf. Prefer binary_cross_entropy_with_logits on logits.

    Args:
        input: probabilities in [0, 1] (*);  target: (*), the same shape
        weight: broadcastable to (*), or None
    Returns:
        0-d, or (*) with reduction="none"
    """
    target = _elementwise_target("binary_cross_entropy", input, target, reduction)
    weight = _check_weight("binary_cross_entropy", "weight", weight, input, None)
    _probabilities_in_range("binary_cross_entropy", input)
    losses = -(target * maximum(log(input), -100.0) + (1 - target) * maximum(log(1 - input), -100.0))
    return _reduce(losses if weight is None else losses * weight, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, reduction="mean", pos_weight=None):
    """The logistic loss on logits x with targets y in [0, 1]:

        -w [q y log σ(x) + (1 - y) log(1 - σ(x))] = w [(1 - y) x + (1 + (q - 1) y) softplus(-x)]

    which never takes the log of a rounded-to-zero probability, so it stays
    finite for logits of any size. q = pos_weight weighs the positive term
    (q > 1 raises recall), one q per class on the last axis.

    Args:
        input: logits (*);  target: (*), the same shape
        weight: broadcastable to (*), or None
        pos_weight: broadcastable to (*), typically (C,) for (N, C), or None
    Returns:
        0-d, or (*) with reduction="none"
    """
    name = "binary_cross_entropy_with_logits"
    target = _elementwise_target(name, input, target, reduction)
    weight = _check_weight(name, "weight", weight, input, None)
    pos_weight = _check_weight(name, "pos_weight", pos_weight, input, None)
    if pos_weight is None:
        losses = softplus(input) - input * target           # the same as q = 1, one op fewer
    else:
        losses = (1 - target) * input + (1 + (pos_weight - 1) * target) * softplus(-input)
    return _reduce(losses if weight is None else losses * weight, reduction)


_KL_REDUCTIONS = ("mean", "sum", "none", "batchmean")


def kl_div(input, target, reduction="mean", log_target=False):
    """Kullback–Leibler divergence KL(y ‖ x) per element, x given as log-probabilities:

        loss = y (log y - x)        (0 where y = 0)
        loss = e^y (y - x)          with log_target=True (y given as log-probabilities)

    Args:
        input: log-probabilities (*);  target: probabilities (or log-probabilities) (*)
        reduction: "batchmean" (the sum divided by the batch size input.shape[0],
            the true KL divergence of a batch), "sum", "none", or "mean" (over
            every element, PyTorch's default, which is not the KL divergence)
    Returns:
        0-d, or (*) with reduction="none"
    """
    check_float("kl_div", "input", input)
    if reduction not in _KL_REDUCTIONS:
        raise ValueError(f"kl_div: reduction must be one of {_KL_REDUCTIONS}, got {reduction!r}")
    target = _elementwise_target("kl_div", input, target, "none")
    if log_target:
        losses = exp(target) * (target - input)
    else:
        positive = target > 0
        # y log y with 0 log 0 = 0; the log reads 1 where y = 0, so its gradient stays finite
        y_log_y = where(positive, target * log(where(positive, target, 1.0)), 0.0)
        losses = y_log_y - target * input
    if reduction == "batchmean":
        return sum(losses) / (input.shape[0] if input.ndim else 1)
    return _reduce(losses, reduction)
