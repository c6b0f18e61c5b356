"""Adagrad (Duchi, Hazan & Singer 2011), as torch.optim.Adagrad computes it."""

from minigrad import backend
from minigrad.optim import checks
from minigrad.optim.optimizer import Optimizer, assign, buffer_like


class Adagrad(Optimizer):
    """Scale each coordinate by the root of its summed squared gradients:

        g ← -g                                   if maximize
        g ← g + weight_decay · θ
        lr_t = lr / (1 + (t - 1) · lr_decay)
        s ← s + g²                               s starts at initial_accumulator_value
        θ ← θ - lr_t · g / (sqrt(s) + eps)

    Coordinates that have seen large gradients take small steps; rare ones
    keep large steps. As in PyTorch, the state is created when the optimizer is.

    Args:
        params: an iterable of Tensors, or of dicts with "params" and per-group settings.
        lr: the learning rate, ≥ 0.
        lr_decay: ≥ 0.
        weight_decay: the L2 penalty's coefficient, ≥ 0.
        initial_accumulator_value: s's starting value, ≥ 0.
        eps: added to the denominator, ≥ 0.
        maximize: ascend the objective instead of descending it.
    """

    hyperparameters = dict(lr=checks.nonnegative, lr_decay=checks.nonnegative, weight_decay=checks.nonnegative,
                           initial_accumulator_value=checks.nonnegative, eps=checks.nonnegative,
                           maximize=checks.flag)
    state_keys = ("step", "sum")
    required_state = ("step", "sum")

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10, *,
                 maximize=False):
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, eps=eps,
                                      maximize=maximize))
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p, self.state[p], group)

    @staticmethod
    def _init_state(p, state, group):
        state.update(step=0, sum=buffer_like(p, group["initial_accumulator_value"]))

    def update(self, param, grad, state, group):
        """One Adagrad step for one parameter (see the class docstring).

        Args: param, grad, state, group, as for Optimizer.update.
        """
        if not state:                                # a group added after construction
            self._init_state(param, state, group)
        state["step"] += 1
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * param._data
        clr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
        s = state["sum"]
        assign(s, s._data + grad * grad)
        std = backend.of(param._data).xp.sqrt(s._data) + group["eps"]
        assign(param, param._data - clr * (grad / std))
