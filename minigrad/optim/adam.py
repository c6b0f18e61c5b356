"""Adam (Kingma & Ba 2015, Algorithm 1) and AdamW (Loshchilov & Hutter 2019),
with AMSGrad (Reddi et al. 2018), as torch.optim computes them."""

import math

from minigrad import backend
from minigrad.optim import checks
from minigrad.optim.optimizer import Optimizer, assign, buffer_like


class Adam(Optimizer):
    """At step t, with g the gradient:

        g ← -g                              if maximize
        g ← g + weight_decay · θ            (Adam: an L2 penalty in the gradient)
        θ ← θ (1 - lr · weight_decay)       (instead, with decoupled_weight_decay: AdamW)
        m ← β₁ m + (1 - β₁) g               running mean of g
        v ← β₂ v + (1 - β₂) g²              running mean of g²
        v_max ← max(v_max, v)               amsgrad: the denominator never shrinks
        θ ← θ - lr · m̂ / (sqrt(v̂) + eps),   m̂ = m / (1 - β₁ᵗ),  v̂ = v / (1 - β₂ᵗ)  (v_max with amsgrad)

    m̂ and v̂ undo the bias toward the zeros m and v start from. The last line
    is computed as PyTorch does, θ - (lr / (1 - β₁ᵗ)) · m / (sqrt(v) / sqrt(1 - β₂ᵗ) + eps),
    and m's update as the lerp m + (1 - β₁)(g - m).

    Args:
        params: an iterable of Tensors, or of dicts with "params" and per-group settings.
        lr: the learning rate, ≥ 0.
        betas: (β₁, β₂), each in [0, 1).
        eps: added to the denominator, ≥ 0.
        weight_decay: ≥ 0; an L2 penalty, or the decoupled decay with decoupled_weight_decay.
        amsgrad: use the running maximum of v (AMSGrad).
        maximize: ascend the objective instead of descending it.
        decoupled_weight_decay: decay θ directly, as AdamW does.
    """

    hyperparameters = dict(lr=checks.nonnegative, betas=checks.betas, eps=checks.nonnegative,
                           weight_decay=checks.nonnegative, amsgrad=checks.flag, maximize=checks.flag,
                           decoupled_weight_decay=checks.flag)
    state_keys = ("step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq")
    required_state = ("step", "exp_avg", "exp_avg_sq")

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 maximize=False, decoupled_weight_decay=False):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize, decoupled_weight_decay=decoupled_weight_decay))

    def update(self, param, grad, state, group):
        """One Adam step for one parameter (see the class docstring).

        Args: param, grad, state, group, as for Optimizer.update.
        """
        lr, (beta1, beta2), eps, wd = group["lr"], group["betas"], group["eps"], group["weight_decay"]
        if not state:
            state.update(step=0, exp_avg=buffer_like(param), exp_avg_sq=buffer_like(param))
        if group["amsgrad"] and "max_exp_avg_sq" not in state:
            state["max_exp_avg_sq"] = buffer_like(param)
        if group["maximize"]:
            grad = -grad
        theta = param._data
        if wd != 0 and group["decoupled_weight_decay"]:
            theta = theta * (1 - lr * wd)
        elif wd != 0:
            grad = grad + wd * theta
        state["step"] += 1
        t = state["step"]
        m, v = state["exp_avg"], state["exp_avg_sq"]
        assign(m, m._data + (1 - beta1) * (grad - m._data))
        assign(v, beta2 * v._data + (1 - beta2) * (grad * grad))
        if group["amsgrad"]:
            v_max = state["max_exp_avg_sq"]
            assign(v_max, backend.of(theta).xp.maximum(v_max._data, v._data))
            v = v_max
        step_size = lr / (1 - beta1 ** t)
        denom = backend.of(theta).xp.sqrt(v._data) / math.sqrt(1 - beta2 ** t) + eps
        assign(param, theta - step_size * (m._data / denom))


class AdamW(Adam):
    """Adam with decoupled weight decay: θ ← θ (1 - lr · weight_decay) before the
    Adam step, instead of adding weight_decay · θ to the gradient, where Adam's
    per-element scaling would weaken the decay exactly on the weights with
    large gradients (Loshchilov & Hutter 2019, Algorithm 2). As in PyTorch it
    is Adam with decoupled_weight_decay=True and weight_decay 1e-2 by default.

    Args:
        as Adam's; weight_decay defaults to 1e-2.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True)
