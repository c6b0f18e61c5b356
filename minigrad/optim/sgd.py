"""Stochastic gradient descent with momentum, as torch.optim.SGD computes it."""

from minigrad.optim import checks
from minigrad.optim.optimizer import Optimizer, assign, buffer_of


class SGD(Optimizer):
    """θ ← θ - lr · v, where, with g the gradient,

        g ← -g                                   if maximize
        g ← g + weight_decay · θ                 (L2 penalty, added to the gradient)
        b ← g                          at the first step
        b ← momentum · b + (1 - dampening) · g   after it
        v = g + momentum · b   with nesterov;   v = b   without;   v = g   if momentum = 0

    This is PyTorch's form (Sutskever et al. 2013 put lr inside the buffer;
    with a constant lr the two are the same).

    Args:
        params: an iterable of Tensors, or of dicts with "params" and per-group settings.
        lr: the learning rate, ≥ 0.
        momentum: ≥ 0; 0 is plain SGD.
        dampening: how much of g enters the buffer after the first step is (1 - dampening).
        weight_decay: the L2 penalty's coefficient, ≥ 0.
        nesterov: Nesterov momentum (needs momentum > 0 and dampening = 0).
        maximize: ascend the objective instead of descending it.
    """

    hyperparameters = dict(lr=checks.nonnegative, momentum=checks.nonnegative, dampening=checks.real,
                           weight_decay=checks.nonnegative, nesterov=checks.flag, maximize=checks.flag)
    state_keys = ("momentum_buffer",)

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False):
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov, maximize=maximize))

    def check_combination(self, hyper, where):
        """Nesterov momentum needs a momentum and no dampening, as in PyTorch.

        Args: hyper, where, as for Optimizer.check_combination.
        """
        if hyper["nesterov"] and (hyper["momentum"] <= 0 or hyper["dampening"] != 0):
            raise ValueError(f"{where}: nesterov momentum needs momentum > 0 and dampening = 0, got "
                             f"momentum {hyper['momentum']} and dampening {hyper['dampening']}")

    def update(self, param, grad, state, group):
        """One SGD step for one parameter (see the class docstring).

        Args: param, grad, state, group, as for Optimizer.update.
        """
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * param._data
        if group["momentum"] != 0:
            if "momentum_buffer" not in state:
                state["momentum_buffer"] = buffer_of(grad)
            else:
                buf = state["momentum_buffer"]
                assign(buf, group["momentum"] * buf._data + (1 - group["dampening"]) * grad)
            buf = state["momentum_buffer"]._data
            grad = grad + group["momentum"] * buf if group["nesterov"] else buf
        assign(param, param._data - group["lr"] * grad)
