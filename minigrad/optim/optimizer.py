"""Optimizer: parameter groups, the checked step loop, and the state_dict, as torch.optim.

    opt = optim.SGD([{"params": model.body.parameters()},
                     {"params": model.head.parameters(), "lr": 1e-2}], lr=1e-3, momentum=0.9)

Each parameter group is a dict: "params" (a list of tensors) and every
hyperparameter, the ones the group did not set filled from the constructor's
(`opt.defaults`). Groups are plain, mutable dicts: a scheduler changes
`group["lr"]`, and so may you.

`opt.state[p]` is the per-parameter state (momentum buffers, moment
estimates, step counts) as Tensors on p's device, created at p's first step.

Two promises, for step() and load_state_dict() alike: all or nothing. Every
gradient (and every hyperparameter) is checked before any parameter or state
changes, and a state_dict is checked whole before any of it is applied, so a
failed call leaves everything as it was. Subclasses write only `update`: the
new values of one parameter and its state, on raw arrays (an update is not
something to differentiate), written with Tensor._write, in place.
"""

from collections import defaultdict
from collections.abc import Mapping

from minigrad import backend
from minigrad.grad_mode import enable_grad, no_grad
from minigrad.optim import checks
from minigrad.tensor import Tensor


class Optimizer:
    """The base of every optimizer: parameter groups, step, zero_grad, state_dict.

    A subclass sets `hyperparameters` ({name: check}, the checks of
    optim/checks.py, in the constructor's order), `state_keys` (the state
    entries it may make; `required_state` those present after the first step)
    and writes `update`.

    Args:
        params: an iterable of Tensors, or of dicts each with "params" (an
            iterable of Tensors) and any hyperparameters for that group.
        defaults: {name: value} for every hyperparameter, used where a group
            does not set its own.
    """

    hyperparameters = {}          # {name: check}, set by each subclass
    state_keys = ()               # every entry update() may put in a parameter's state
    required_state = ()           # the entries a non-empty state must hold

    def __init__(self, params, defaults):
        name = type(self).__name__
        self.defaults = self._check_hyperparameters(defaults, name)
        self.state = defaultdict(dict)          # {parameter: {"step": int, "exp_avg": Tensor, ...}}
        self.param_groups = []
        if isinstance(params, Tensor):
            raise TypeError(f"{name}: params must be an iterable of Tensors or of dicts, got a single Tensor "
                            "(wrap it in a list)")
        if isinstance(params, (set, frozenset)):
            raise TypeError(f"{name}: params must be an ordered iterable (a list), not a set: "
                            "a set's order changes between runs")
        try:
            groups = list(params)
        except TypeError:
            raise TypeError(f"{name}: params must be an iterable of Tensors or of dicts, "
                            f"got {type(params).__name__}") from None
        if not groups:
            raise ValueError(f"{name}: got an empty list of parameters")
        if not isinstance(groups[0], Mapping):
            groups = [{"params": groups}]
        for group in groups:
            self._add_group(group, name)

    def __repr__(self):
        """As PyTorch prints an optimizer: each group's settings, sorted by name."""
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {group[k]}" for k in sorted(group) if k != "params"]
        return "\n".join(lines + [")"])

    # ---- parameter groups --------------------------------------------------------
    def add_param_group(self, param_group):
        """Add a group of parameters with its own hyperparameters (e.g. layers unfrozen later).

        Args:
            param_group: a dict with "params" (a Tensor or an iterable of
                Tensors) and any hyperparameters; the rest come from `defaults`.
        Raises:
            TypeError / ValueError: a malformed group, a bad hyperparameter, or a
                parameter already in a group. Nothing is added then.
        """
        self._add_group(param_group, f"{type(self).__name__}.add_param_group")

    def _add_group(self, param_group, where):
        if not isinstance(param_group, Mapping):
            raise TypeError(f"{where}: a parameter group must be a dict, got {type(param_group).__name__}")
        if "params" not in param_group:
            raise ValueError(f"{where}: a parameter group must have a 'params' entry; got keys {sorted(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError(f"{where}: a group's params must be an ordered iterable (a list), not a set")
        else:
            try:
                params = list(params)
            except TypeError:
                raise TypeError(f"{where}: a group's params must be a Tensor or an iterable of Tensors, "
                                f"got {type(params).__name__}") from None
        seen = set()
        for i, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(f"{where}: can only optimize Tensors, but parameter {i} is a "
                                f"{type(p).__module__}.{type(p).__name__}")
            if not p.is_leaf:
                raise ValueError(f"{where}: can't optimize a non-leaf Tensor (parameter {i}); use a leaf, "
                                 "e.g. nn.Parameter(t.detach())")
            if id(p) in seen:
                raise ValueError(f"{where}: parameter {i} appears twice in one group")
            seen.add(id(p))
        if not params:
            raise ValueError(f"{where}: a parameter group must hold at least one parameter")
        held = {id(p) for group in self.param_groups for p in group["params"]}
        if seen & held:
            raise ValueError(f"{where}: some parameters appear in more than one parameter group")
        settings = {k: v for k, v in param_group.items() if k != "params"}
        hyper = self._check_hyperparameters({**self.defaults, **settings}, where)
        self.param_groups.append({"params": params, **settings, **hyper})

    def _check_hyperparameters(self, group, where, index=None):
        """The group's hyperparameters, each checked and made a Python value."""
        at = "" if index is None else f" (parameter group {index})"
        missing = [k for k in self.hyperparameters if k not in group]
        if missing:
            # another optimizer's state_dict lands here: its groups lack this one's settings
            raise ValueError(f"{where}: parameter group {index} has no {', '.join(map(repr, missing))}; "
                             f"a {type(self).__name__} group holds {', '.join(map(repr, self.hyperparameters))}")
        hyper = {k: check(where, k + at, group[k]) for k, check in self.hyperparameters.items()}
        self.check_combination(hyper, where + at)
        if "initial_lr" in group:                # set by a scheduler
            hyper["initial_lr"] = checks.nonnegative(where, "initial_lr" + at, group["initial_lr"])
        return hyper

    def check_combination(self, hyper, where):
        """Raise ValueError if the hyperparameters, each valid alone, do not go together.

        Args:
            hyper: {name: value}, each already checked.
            where: the caller, for the message.
        """

    # ---- the step --------------------------------------------------------------
    def zero_grad(self, set_to_none=True):
        """Forget the gradients before the next backward.

        Args:
            set_to_none: True (the default, as in PyTorch 2): p.grad = None.
                False: fill each existing gradient with zeros in place.
        """
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    with no_grad():
                        p.grad._write(backend.of(p.grad._data).zeros(p.grad.shape, p.grad.dtype))

    def step(self, closure=None):
        """Update every parameter that has a gradient, then return closure's loss.

        All or nothing: every group's hyperparameters and every gradient
        (a Tensor of the parameter's shape, dtype and device) are checked
        first; if one is wrong nothing is updated. Parameters whose .grad is
        None are skipped and their state is left alone.

        Args:
            closure: optional; a function that recomputes the loss (with grad
                enabled) and returns it, as some optimizers need.
        Returns:
            closure's result, or None.
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        where = f"{type(self).__name__}.step"
        work = []
        for g, group in enumerate(self.param_groups):
            hyper = self._check_hyperparameters(group, where, g)
            pairs = [(p, self._checked_grad(p, g, i, where)) for i, p in enumerate(group["params"])
                     if p.grad is not None]
            work.append((hyper, pairs))
        with no_grad():                              # an update is outside the graph, as in PyTorch
            for hyper, pairs in work:
                for p, grad in pairs:
                    self.update(p, grad, self.state[p], hyper)
        return loss

    @staticmethod
    def _checked_grad(p, g, i, where):
        grad = p.grad
        if not isinstance(grad, Tensor):
            raise TypeError(f"{where}: the .grad of parameter {i} in group {g} is a {type(grad).__name__}, "
                            "not a Tensor")
        if grad.shape != p.shape or grad.device != p.device or \
                backend.dtype_name(grad.dtype) != backend.dtype_name(p.dtype):
            raise ValueError(f"{where}: the gradient of parameter {i} in group {g} has shape {grad.shape}, "
                             f"dtype {backend.dtype_name(grad.dtype)} and device {grad.device!r}; the "
                             f"parameter has shape {p.shape}, dtype {backend.dtype_name(p.dtype)} and "
                             f"device {p.device!r}")
        return grad._data

    def update(self, param, grad, state, group):
        """Update one parameter in place (param._write) and its state.

        Args:
            param: the parameter, a Tensor.
            grad: its gradient, a raw array of the same shape and dtype.
            state: its state dict (empty before its first step), changed in place.
            group: its group's hyperparameters, checked, as Python values.
        """
        raise NotImplementedError

    # ---- resuming ----------------------------------------------------------------
    def state_dict(self):
        """The optimizer's state in PyTorch's layout, as copies.

        Returns:
            {"state": {index: {name: Tensor or int}},
             "param_groups": [{hyperparameter: value, ..., "params": [index, ...]}]}
            where index numbers the parameters across groups in order. Nested:
            save it with minigrad.save(optim.flatten_state_dict(sd), path).
        """
        index = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append(packed)
        state = {index[id(p)]: {k: _copy(v) for k, v in s.items()} for p, s in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restore what state_dict() returned, for the same groups of parameters.

        The whole dict is checked first — its keys, the group count and sizes,
        every hyperparameter (so another optimizer's state_dict is refused),
        every state entry's name, kind and shape — and only then applied.
        Buffers are copied to each parameter's device and dtype, as PyTorch does.

        Args:
            state_dict: a dict from state_dict(), or unflatten_state_dict(minigrad.load(path)).
        Raises:
            TypeError / ValueError: saying what does not fit; nothing changed then.
        """
        where = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"{where}: expected a dict, got {type(state_dict).__name__}")
        if any("." in str(k) for k in state_dict):
            raise ValueError(f"{where}: got a flat dict (as minigrad.load returns); pass it through "
                             "optim.unflatten_state_dict first")
        for key in ("state", "param_groups"):
            if key not in state_dict:
                raise ValueError(f"{where}: missing key {key!r}; an optimizer's state_dict has 'state' and "
                                 "'param_groups'")
        extra = set(state_dict) - {"state", "param_groups"}
        if extra:
            raise ValueError(f"{where}: unexpected keys {sorted(map(str, extra))}")
        saved_groups, saved_state = state_dict["param_groups"], state_dict["state"]
        if not isinstance(saved_groups, (list, tuple)) or not isinstance(saved_state, Mapping):
            raise ValueError(f"{where}: 'param_groups' must be a list and 'state' a dict, got "
                             f"{type(saved_groups).__name__} and {type(saved_state).__name__}")
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"{where}: the state_dict has {len(saved_groups)} parameter groups; "
                             f"this optimizer has {len(self.param_groups)}")
        param_of, new_groups = {}, []
        for g, (saved, group) in enumerate(zip(saved_groups, self.param_groups)):
            if not isinstance(saved, Mapping) or "params" not in saved:
                raise ValueError(f"{where}: parameter group {g} must be a dict with 'params'")
            indices = _index_list(saved["params"], where, g)
            if len(indices) != len(group["params"]):
                raise ValueError(f"{where}: parameter group {g} of the state_dict has {len(indices)} "
                                 f"parameters; this optimizer's has {len(group['params'])}")
            for k, p in zip(indices, group["params"]):
                if k in param_of:
                    raise ValueError(f"{where}: parameter index {k} appears twice in 'param_groups'")
                param_of[k] = p
            hyper = self._check_hyperparameters(saved, where, g)
            others = {k: _plain(v) for k, v in saved.items() if k != "params" and k not in hyper}
            new_groups.append({"params": group["params"], **others, **hyper})
        new_state = defaultdict(dict)
        for key, entry in saved_state.items():
            k = checks.integer(where, "a key of 'state'", key)
            if k not in param_of:
                raise ValueError(f"{where}: 'state' has an entry for parameter {k}, which no group lists")
            new_state[param_of[k]] = self._checked_entry(entry, param_of[k], f"{where}: state of parameter {k}")
        self.param_groups = new_groups
        self.state = new_state

    def _checked_entry(self, entry, p, where):
        if not isinstance(entry, Mapping):
            raise ValueError(f"{where} must be a dict, got {type(entry).__name__}")
        unknown = [k for k in entry if k not in self.state_keys]
        if unknown:
            raise ValueError(f"{where} has unexpected entries {unknown}; {type(self).__name__} keeps "
                             f"{', '.join(map(repr, self.state_keys))}")
        missing = [k for k in self.required_state if k not in entry]
        if entry and missing:
            raise ValueError(f"{where} lacks {', '.join(map(repr, missing))}")
        out = {}
        for name, value in entry.items():
            if name == "step":
                out[name] = checks.integer(where, "'step'", _count(value), low=0)
                continue
            array = value._data if isinstance(value, Tensor) else value
            if not (backend.is_host_array(array) or backend.is_device_array(array)):
                raise ValueError(f"{where}: {name!r} must be an array or Tensor, got {type(value).__name__}")
            if tuple(array.shape) != p.shape or not backend.is_float(array.dtype):
                raise ValueError(f"{where}: {name!r} has shape {tuple(array.shape)} and dtype "
                                 f"{backend.dtype_name(array.dtype)}; expected a floating-point array of "
                                 f"the parameter's shape {p.shape}")
            host = backend.of(array).to_host(array)
            out[name] = Tensor(backend.of(p._data).asarray(host, p.dtype))
        return out


def _copy(value):
    """A state entry's copy: Tensors get their own array; ints are immutable."""
    if isinstance(value, Tensor):
        xp = backend.of(value._data).xp
        return Tensor(xp.astype(value._data, value._data.dtype, copy=True))
    return value


def _plain(value):
    """A group's other entries (a scheduler's bounds, your own): a 0-d host array, as a
    checkpoint holds a number, becomes the Python number; anything else is kept."""
    if backend.is_host_array(value) and value.ndim == 0:
        return value.item()
    return value


def _count(value):
    """A step count as saved: an int, or a 0-d array or Tensor (a float one if it holds a whole number)."""
    array = value._data if isinstance(value, Tensor) else value
    if (backend.is_host_array(array) or backend.is_device_array(array)) and array.ndim == 0 \
            and backend.is_float(array.dtype):
        number = backend.of(array).to_host(array).item()
        return int(number) if number == int(number) else number
    return value


def _index_list(value, where, g):
    if backend.is_host_array(value) and value.ndim == 1:
        value = value.tolist()
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"{where}: 'params' of parameter group {g} must be a list of indices, "
                         f"got {type(value).__name__}")
    return [checks.integer(where, f"'params' of parameter group {g}", k, low=0) for k in value]


# ---- for the update rules ---------------------------------------------------------
def assign(t, array):
    """t ← array in place (Tensor._write: every alias sees it, the version counts it).
    NumPy turns 0-d results into scalars; they are made arrays again.

    Args:
        t: the Tensor written to.
        array: its new values, t's shape (or broadcastable to it), on t's device.
    """
    t._write(backend.ensure_array(array))


def buffer_like(p, fill=0.0):
    """A new state buffer beside parameter `p`.

    Args:
        p: the parameter, a Tensor.
        fill: the starting value.
    Returns:
        a Tensor of p's shape, dtype and device, filled with `fill`.
    """
    return Tensor(backend.of(p._data).full(p.shape, fill, p.dtype))


def buffer_of(array):
    """A new state buffer holding its own copy of `array` (never the gradient's own array).

    Args:
        array: a backend array.
    Returns:
        a Tensor of its shape, dtype and device.
    """
    array = backend.ensure_array(array)
    return Tensor(backend.of(array).xp.astype(array, array.dtype, copy=True))
