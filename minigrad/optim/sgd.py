"""Stochastic gradient descent, with momentum, as torch.optim.SGD computes it."""

from minigrad.optim.optimizer import Optimizer


class SGD(Optimizer):
    """θ ← θ - lr · v, where, with g the gradient,

        g ← g + weight_decay · θ                 (L2 penalty, added to the gradient)
        b ← g                          at the first step
        b ← momentum · b + (1 - dampening) · g   after it
        v = g + momentum · b   with nesterov;   v = b   without;   v = g   if momentum = 0

    This is PyTorch's form (Sutskever et al. 2013 put lr inside the buffer;
    with a constant lr the two are the same).
    """

    def __init__(self, params, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        super().__init__(params, lr)
        if momentum < 0 or weight_decay < 0:
            raise ValueError(f"SGD: momentum and weight_decay must be ≥ 0, got {momentum} and {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("SGD: nesterov momentum needs momentum > 0 and dampening = 0")
        self.momentum, self.dampening = momentum, dampening
        self.weight_decay, self.nesterov = weight_decay, nesterov

    def update(self, param, grad, state):
        if self.weight_decay:
            grad = grad + self.weight_decay * param
        if self.momentum:
            if "momentum_buffer" not in state:
                buf = grad
            else:
                buf = self.momentum * state["momentum_buffer"] + (1 - self.dampening) * grad
            state["momentum_buffer"] = buf
            grad = grad + self.momentum * buf if self.nesterov else buf
        return param - self.lr * grad
