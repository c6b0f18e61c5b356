"""Optimizer: the loop every optimizer shares.

An optimizer holds a list of parameters and, for each, a small dict of state
(momentum buffers, moment estimates) kept as arrays on the parameter's own
device. step() hands each parameter that has a gradient to the subclass's
`update`, which works on raw arrays, outside the graph: an update is not
something to differentiate.
"""

from minigrad import backend


class Optimizer:
    def __init__(self, params, lr):
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{type(self).__name__}: got an empty list of parameters")
        if lr < 0:
            raise ValueError(f"{type(self).__name__}: lr must be ≥ 0, got {lr}")
        self.lr = lr
        self.state = [{} for _ in self.params]       # state[i] belongs to params[i]

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    def step(self):
        for p, state in zip(self.params, self.state):
            if p.grad is None:                       # unused this step: no update, no state change
                continue
            if p.grad.shape != p.shape or p.grad.dtype != p.dtype:
                raise ValueError(f"{type(self).__name__}.step: gradient of shape {p.grad.shape} and dtype "
                                 f"{backend.dtype_name(p.grad.dtype)} for a parameter of shape {p.shape} "
                                 f"and dtype {backend.dtype_name(p.dtype)}")
            p.data = self.update(p.data, p.grad.data, state)

    def update(self, param, grad, state):
        """The new value of one parameter array, given its gradient and state."""
        raise NotImplementedError


def zeros_like(a):
    """A zero array beside `a`: same shape, dtype and device."""
    return backend.of(a).zeros(tuple(a.shape), a.dtype)
