"""RMSprop (Hinton, Coursera lecture 6e, 2012), as torch.optim.RMSprop computes it."""

from minigrad import backend
from minigrad.optim import checks
from minigrad.optim.optimizer import Optimizer, assign, buffer_like


class RMSprop(Optimizer):
    """Divide the gradient by a running root mean square of its recent values:

        g ← -g                                      if maximize
        g ← g + weight_decay · θ
        v ← α v + (1 - α) g²
        centered:  ḡ ← α ḡ + (1 - α) g,   d = sqrt(v - ḡ²) + eps   (a running std instead)
        otherwise: d = sqrt(v) + eps
        momentum:  b ← momentum · b + g / d,   θ ← θ - lr · b
        otherwise: θ ← θ - lr · g / d

    Args:
        params: an iterable of Tensors, or of dicts with "params" and per-group settings.
        lr: the learning rate, ≥ 0.
        alpha: the smoothing constant α, in [0, 1].
        eps: added to the denominator, ≥ 0.
        weight_decay: the L2 penalty's coefficient, ≥ 0.
        momentum: ≥ 0.
        centered: divide by the running standard deviation instead of the root mean square.
        maximize: ascend the objective instead of descending it.
    """

    hyperparameters = dict(lr=checks.nonnegative, alpha=checks.unit_interval, eps=checks.nonnegative,
                           weight_decay=checks.nonnegative, momentum=checks.nonnegative, centered=checks.flag,
                           maximize=checks.flag)
    state_keys = ("step", "square_avg", "momentum_buffer", "grad_avg")
    required_state = ("step", "square_avg")

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False, *,
                 maximize=False):
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                                      centered=centered, maximize=maximize))

    def update(self, param, grad, state, group):
        """One RMSprop step for one parameter (see the class docstring).

        Args: param, grad, state, group, as for Optimizer.update.
        """
        a, eps = group["alpha"], group["eps"]
        xp = backend.of(param._data).xp
        if not state:
            state.update(step=0, square_avg=buffer_like(param))
        if group["momentum"] > 0 and "momentum_buffer" not in state:
            state["momentum_buffer"] = buffer_like(param)
        if group["centered"] and "grad_avg" not in state:
            state["grad_avg"] = buffer_like(param)
        if group["maximize"]:
            grad = -grad
        state["step"] += 1
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * param._data
        v = state["square_avg"]
        assign(v, a * v._data + (1 - a) * (grad * grad))
        if group["centered"]:
            g_avg = state["grad_avg"]
            assign(g_avg, g_avg._data + (1 - a) * (grad - g_avg._data))      # a lerp, as PyTorch
            d = xp.sqrt(v._data - g_avg._data * g_avg._data) + eps
        else:
            d = xp.sqrt(v._data) + eps
        if group["momentum"] > 0:
            buf = state["momentum_buffer"]
            assign(buf, group["momentum"] * buf._data + grad / d)
            assign(param, param._data - group["lr"] * buf._data)
        else:
            assign(param, param._data - group["lr"] * (grad / d))
