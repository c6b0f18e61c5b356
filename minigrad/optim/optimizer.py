"""Optimizer: the loop every optimizer shares.

An optimizer holds a list of parameters and, for each, a small dict of state
(momentum buffers, moment estimates) kept as arrays on the parameter's own
device. step() hands each parameter that has a gradient to the subclass's
`update`, which works on raw arrays, outside the graph: an update is not
something to differentiate.

state_dict() / load_state_dict() let a run resume exactly where it stopped:
save them beside the model's, with minigrad.save.
"""

from collections import OrderedDict

from minigrad import backend
from minigrad.tensor import Tensor


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
            # (ensure_array: NumPy turns 0-d results into scalars; keep an array)
            p._write(self.update(p._data, p.grad._data, state))     # in place: the version counts it

    def update(self, param, grad, state):
        """The new value of one parameter array, given its gradient and state."""
        raise NotImplementedError

    # ---- resuming ----------------------------------------------------------------
    def state_dict(self):
        """{"lr": 0-d array, "i.name": array}: the current lr and, for the i-th
        parameter, each entry of its state (step counts as 0-d int64 arrays).
        Copies, ready for minigrad.save."""
        host = backend.NUMPY
        out = OrderedDict(lr=host.asarray(self.lr, "float64"))
        for i, state in enumerate(self.state):
            for name, value in state.items():
                if isinstance(value, int):
                    out[f"{i}.{name}"] = host.asarray(value, "int64")
                else:
                    value = backend.ensure_array(value)
                    out[f"{i}.{name}"] = backend.of(value).xp.astype(value, value.dtype, copy=True)
        return out

    def load_state_dict(self, state_dict):
        """Restore what state_dict() returned, for the same list of parameters.
        Every problem is reported in one error, and nothing changes unless all fits."""
        problems, new_state = [], [{} for _ in self.params]
        if "lr" not in state_dict:
            problems.append("missing key 'lr'")
        for key, value in state_dict.items():
            if key == "lr":
                continue
            index, _, name = key.partition(".")
            if not (index.isdigit() and int(index) < len(self.params) and name):
                problems.append(f"unexpected key {key!r} (this optimizer has {len(self.params)} parameters)")
                continue
            p = self.params[int(index)]
            value = value._data if isinstance(value, Tensor) else value
            shape, dtype = tuple(value.shape), backend.dtype_name(value.dtype)
            if shape == () and dtype.startswith("int"):          # a step count
                new_state[int(index)][name] = int(backend.of(value).to_host(value))
            elif shape != p.shape or dtype != backend.dtype_name(p.dtype):
                problems.append(f"{key!r}: shape {shape} and dtype {dtype} for a "
                                f"parameter of shape {p.shape} and dtype {backend.dtype_name(p.dtype)}")
            else:
                target = backend.of(p._data)
                data = target.asarray(backend.of(value).to_host(value))
                new_state[int(index)][name] = target.xp.astype(data, data.dtype, copy=True)
        if problems:
            raise ValueError(f"{type(self).__name__}.load_state_dict: {len(problems)} problem(s), "
                             "nothing was loaded:\n  " + "\n  ".join(problems))
        self.lr = float(backend.of(state_dict["lr"]).to_host(state_dict["lr"]))
        self.state = new_state


def zeros_like(a):
    """A zero array beside `a`: same shape, dtype and device."""
    return backend.of(a).zeros(tuple(a.shape), a.dtype)
