"""Loss modules: each holds its options (reduction, weights, ...) and calls
the function of the same name in nn.functional. As in PyTorch, a class
weight or pos_weight is a buffer: it moves with to() and is saved in
state_dict under "weight" / "pos_weight".

Options after `weight` are keyword-only (MSELoss(reduction="sum")), since
PyTorch's deprecated size_average and reduce, which sit before them in its
positional order, do not exist here.
"""

from minigrad.nn import functional as F
from minigrad.nn.functional.losses import _REDUCTIONS
from minigrad.nn.module import Module
from minigrad.tensor import Tensor


class _Loss(Module):
    reductions = _REDUCTIONS

    def __init__(self, reduction="mean"):
        super().__init__()
        if reduction not in self.reductions:
            raise ValueError(f"{type(self).__name__}: reduction must be one of {self.reductions}, got {reduction!r}")
        self.reduction = reduction

    def _buffer(self, name, value):
        if value is not None and not isinstance(value, Tensor):
            raise TypeError(f"{type(self).__name__}: {name} must be a minigrad.Tensor or None, "
                            f"got {type(value).__name__}")
        self.register_buffer(name, value)


class CrossEntropyLoss(_Loss):
    """F.cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing).

    Args: weight (C,) or None; ignore_index; reduction; label_smoothing in [0, 1].
    forward: input (N, C) or (N, C, d1, ...), target (N,) / (N, d1, ...) indices or
    probabilities like input -> 0-d, or per position with reduction="none".
    """

    def __init__(self, weight=None, *, ignore_index=-100, reduction="mean", label_smoothing=0.0):
        super().__init__(reduction)
        self._buffer("weight", weight)
        self.ignore_index, self.label_smoothing = ignore_index, label_smoothing

    def forward(self, input, target):
        """Args: input and target as the class docstring says. Returns: the loss (0-d, or per element)."""
        return F.cross_entropy(input, target, self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)


class NLLLoss(_Loss):
    """F.nll_loss: -w[y] · logp[y] for log-probabilities (N, C, ...) and indices (N, ...).
    Args: weight (C,) or None; ignore_index; reduction."""

    def __init__(self, weight=None, *, ignore_index=-100, reduction="mean"):
        super().__init__(reduction)
        self._buffer("weight", weight)
        self.ignore_index = ignore_index

    def forward(self, input, target):
        """Args: input and target as the class docstring says. Returns: the loss (0-d, or per element)."""
        return F.nll_loss(input, target, self.weight, self.ignore_index, self.reduction)


class MSELoss(_Loss):
    """(x - y)². forward: input, target (*) -> 0-d, or (*) with reduction="none"."""

    def __init__(self, *, reduction="mean"):
        super().__init__(reduction)

    def forward(self, input, target):
        """Args: input and target as the class docstring says. Returns: the loss (0-d, or per element)."""
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """|x - y|. forward: input, target (*) -> 0-d, or (*) with reduction="none"."""

    def __init__(self, *, reduction="mean"):
        super().__init__(reduction)

    def forward(self, input, target):
        """Args: input and target as the class docstring says. Returns: the loss (0-d, or per element)."""
        return F.l1_loss(input, target, reduction=self.reduction)


class SmoothL1Loss(_Loss):
    """½d²/β if |d| < β else |d| - ½β. Args: reduction, beta ≥ 0.
    forward: input, target (*) -> 0-d, or (*)."""

    def __init__(self, *, reduction="mean", beta=1.0):
        super().__init__(reduction)
        self.beta = beta

    def forward(self, input, target):
        """Args: input and target as the class docstring says. Returns: the loss (0-d, or per element)."""
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """½d² if |d| < δ else δ(|d| - ½δ). Args: reduction, delta > 0.
    forward: input, target (*) -> 0-d, or (*)."""

    def __init__(self, *, reduction="mean", delta=1.0):
        super().__init__(reduction)
        self.delta = delta

    def forward(self, input, target):
        """Args: input and target as the class docstring says. Returns: the loss (0-d, or per element)."""
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class BCELoss(_Loss):
    """-w [y log p + (1 - y) log(1 - p)] on probabilities. Args: weight
    (broadcastable to the input) or None; reduction. forward: input, target (*)."""

    def __init__(self, weight=None, *, reduction="mean"):
        super().__init__(reduction)
        self._buffer("weight", weight)

    def forward(self, input, target):
        """Args: input and target as the class docstring says. Returns: the loss (0-d, or per element)."""
        return F.binary_cross_entropy(input, target, self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """The logistic loss on logits, with weight and pos_weight (see
    F.binary_cross_entropy_with_logits). forward: input, target (*).

    Args:
        weight: broadcastable to the input, or None
        reduction: 'mean', 'sum' or 'none'
        pos_weight: a weight on the positive term, or None
    """

    def __init__(self, weight=None, *, reduction="mean", pos_weight=None):
        super().__init__(reduction)
        self._buffer("weight", weight)
        self._buffer("pos_weight", pos_weight)

    def forward(self, input, target):
        """Args: input and target as the class docstring says. Returns: the loss (0-d, or per element)."""
        return F.binary_cross_entropy_with_logits(input, target, self.weight, reduction=self.reduction,
                                                  pos_weight=self.pos_weight)


class KLDivLoss(_Loss):
    """y (log y - x), x given as log-probabilities. Args: reduction ('mean',
    'batchmean', 'sum', 'none'), log_target. forward: input, target (*)."""

    reductions = ("mean", "batchmean", "sum", "none")

    def __init__(self, *, reduction="mean", log_target=False):
        super().__init__(reduction)
        self.log_target = log_target

    def forward(self, input, target):
        """Args: input and target as the class docstring says. Returns: the loss (0-d, or per element)."""
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)
