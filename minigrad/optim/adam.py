"""Adam (Kingma & Ba 2015, Algorithm 1) and AdamW (Loshchilov & Hutter 2019),
as torch.optim computes them."""

import math

from minigrad import backend
from minigrad.optim.optimizer import Optimizer, zeros_like


class Adam(Optimizer):
    """At step t, with g the gradient:

        g ← g + weight_decay · θ            (Adam: an L2 penalty in the gradient)
        m ← β₁ m + (1 - β₁) g               running mean of g
        v ← β₂ v + (1 - β₂) g²              running mean of g²
        θ ← θ - lr · m̂ / (sqrt(v̂) + eps),   m̂ = m / (1 - β₁ᵗ),  v̂ = v / (1 - β₂ᵗ)

    m̂ and v̂ undo the bias toward the zeros m and v start from. The last line
    is computed as PyTorch does, θ - (lr / (1 - β₁ᵗ)) · m / (sqrt(v) / sqrt(1 - β₂ᵗ) + eps).
    (amsgrad is not implemented.)
    """

    decoupled = False     # AdamW: decay θ directly instead of adding to g

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(params, lr)
        if not (0 <= betas[0] < 1 and 0 <= betas[1] < 1):
            raise ValueError(f"{type(self).__name__}: betas must lie in [0, 1), got {betas}")
        if eps < 0 or weight_decay < 0:
            raise ValueError(f"{type(self).__name__}: eps and weight_decay must be ≥ 0, got {eps} and {weight_decay}")
        self.betas, self.eps, self.weight_decay = betas, eps, weight_decay

    def update(self, param, grad, state):
        beta1, beta2 = self.betas
        if not state:
            state.update(step=0, exp_avg=zeros_like(param), exp_avg_sq=zeros_like(param))
        state["step"] += 1
        t = state["step"]
        if self.weight_decay and self.decoupled:
            param = param * (1 - self.lr * self.weight_decay)
        elif self.weight_decay:
            grad = grad + self.weight_decay * param
        m = state["exp_avg"] = beta1 * state["exp_avg"] + (1 - beta1) * grad
        v = state["exp_avg_sq"] = beta2 * state["exp_avg_sq"] + (1 - beta2) * grad * grad
        xp = backend.of(param).xp
        step_size = self.lr / (1 - beta1 ** t)
        denom = xp.sqrt(v) / math.sqrt(1 - beta2 ** t) + self.eps
        return param - step_size * m / denom


class AdamW(Adam):
    """Adam with decoupled weight decay: θ ← θ (1 - lr · weight_decay) before the
    Adam step, instead of adding weight_decay · θ to the gradient, where Adam's
    per-element scaling would weaken the decay exactly on the weights with
    large gradients (Loshchilov & Hutter 2019, Algorithm 2)."""

    decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
        super().__init__(params, lr, betas, eps, weight_decay)
