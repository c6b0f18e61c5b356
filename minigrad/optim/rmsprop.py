"""RMSprop (Hinton, Coursera lecture 6e, 2012), as torch.optim.RMSprop computes it."""

from minigrad import backend
from minigrad.optim.optimizer import Optimizer, zeros_like


class RMSprop(Optimizer):
    """Divide the gradient by a running root mean square of its recent values:

        g ← g + weight_decay · θ
        v ← α v + (1 - α) g²
        centered:  ḡ ← α ḡ + (1 - α) g,   d = sqrt(v - ḡ²) + eps   (a running std instead)
        otherwise: d = sqrt(v) + eps
        momentum:  b ← momentum · b + g / d,   θ ← θ - lr · b
        otherwise: θ ← θ - lr · g / d
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
        super().__init__(params, lr)
        if not 0 <= alpha <= 1:
            raise ValueError(f"RMSprop: alpha must lie in [0, 1], got {alpha}")
        if eps < 0 or weight_decay < 0 or momentum < 0:
            raise ValueError(f"RMSprop: eps, weight_decay and momentum must be ≥ 0, "
                             f"got {eps}, {weight_decay} and {momentum}")
        self.alpha, self.eps, self.weight_decay = alpha, eps, weight_decay
        self.momentum, self.centered = momentum, centered

    def update(self, param, grad, state):
        a = self.alpha
        xp = backend.of(param).xp
        if self.weight_decay:
            grad = grad + self.weight_decay * param
        v = state["square_avg"] = a * state.get("square_avg", zeros_like(param)) + (1 - a) * grad * grad
        if self.centered:
            g_avg = state["grad_avg"] = a * state.get("grad_avg", zeros_like(param)) + (1 - a) * grad
            d = xp.sqrt(v - g_avg * g_avg) + self.eps
        else:
            d = xp.sqrt(v) + self.eps
        if self.momentum:
            buf = state["momentum_buffer"] = self.momentum * state.get("momentum_buffer", zeros_like(param)) + grad / d
            return param - self.lr * buf
        return param - self.lr * grad / d
