"""Exercise 10 — softmax cross-entropy as one op, with its fused backward.

Read first: minigrad/nn/functional.py (cross_entropy, composed of
log_softmax and indexing), minigrad/ops/composite.py (logsumexp), and
exercise 01 for the Function interface. Bridle (1990) for softmax outputs
trained by cross-entropy; Goodfellow, Bengio & Courville, "Deep Learning"
(2016), §6.2.2.3 and §4.1 (the log-sum-exp trick).

For logits x (N, C) and class indices t (N,), the mean loss is

    loss = (1/N) Σ_i [ logsumexp(x_i) - x_i[t_i] ],   logsumexp(x_i) = log Σ_c exp(x_i[c])

Forward without overflow: exp(1000) is inf, so subtract each row's max
first, logsumexp(x_i) = m_i + log Σ_c exp(x_i[c] - m_i), m_i = max_c x_i[c].

Backward, fused: the composition (exp, sum, log, index, mean) would record
five ops; written out by hand the whole gradient is one line,

    ∂loss/∂x = (softmax(x) - onehot(t)) / N          (N, C)

— softmax's Jacobian and the log's 1/p cancel. This is why libraries fuse
it (PyTorch's cross_entropy does). Multiply by g, the upstream gradient (a 0-d Tensor). The target is
not differentiable: return None for it.

Arrays: the grader runs this on NumPy ("cpu"); forward gets NumPy arrays
(logits float64 or float32, target int64) and may use numpy. Keep the dtype
of the logits (float32 stays float32). Save what backward needs with
ctx.save_for_backward (an array you make comes back as a constant Tensor).

The grader (python -m exercises check 10): the loss against
minigrad.nn.functional.cross_entropy (also at logits of ±1000), the
gradient by gradcheck, and the dtype.
"""

import numpy as np  # noqa: F401  (for your forward)

import minigrad as mg


class CrossEntropy(mg.Function):
    """The mean softmax cross-entropy: logits (N, C), target (N,) int -> a 0-d loss."""

    @staticmethod
    def forward(ctx, logits, target):
        """Args: logits (N, C) float array; target (N,) int64 class indices.
        Returns: the mean loss, a 0-d array of the logits' dtype."""
        raise NotImplementedError

    @staticmethod
    def backward(ctx, g):
        """Args: g () a Tensor, ∂L/∂loss. Returns: (∂L/∂logits (N, C), None for the target)."""
        raise NotImplementedError
