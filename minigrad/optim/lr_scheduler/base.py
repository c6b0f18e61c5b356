"""LRScheduler: what every learning-rate scheduler shares, as torch.optim.lr_scheduler.

    scheduler = StepLR(optimizer, step_size=30, gamma=0.1)
    for epoch in range(100):
        train_one_epoch(...)          # optimizer.step() inside
        scheduler.step()              # then move the schedule on

A scheduler writes `group["lr"]` of every parameter group of its optimizer.
At construction it records each group's starting lr as `group["initial_lr"]`
(and `base_lrs`) and takes its first step, to epoch 0. Each step()
increments `last_epoch` and sets the new lrs from get_lr(), which, as in
PyTorch, usually works from the lrs in the groups now ("chainable": two
schedulers on one optimizer compose), not from base_lrs alone.

state_dict() holds the scheduler's position and settings under PyTorch's
attribute names; load_state_dict() checks all of it before it applies any.
Neither touches the optimizer: its own state_dict carries the lrs.
"""

from collections.abc import Mapping

from minigrad.optim import checks
from minigrad.optim.optimizer import Optimizer


class LRScheduler:
    """The base of the schedulers: a subclass writes get_lr() and lists its state.

    Args:
        optimizer: the Optimizer whose groups' lrs this scheduler sets.
        last_epoch: -1 to start; the epoch to resume at otherwise (then every
            group must hold "initial_lr", as a scheduler started earlier left it).
    """

    def __init__(self, optimizer, last_epoch=-1):
        where = type(self).__name__
        last_epoch = self._check_start(optimizer, last_epoch, where)
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        self.optimizer = optimizer
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._initial_step()

    @staticmethod
    def _check_start(optimizer, last_epoch, where):
        """Check the constructor's optimizer and last_epoch before anything changes. Returns: last_epoch, an int."""
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{where}: expected an Optimizer, got {type(optimizer).__module__}."
                            f"{type(optimizer).__name__}")
        last_epoch = checks.integer(where, "last_epoch", last_epoch, low=-1)
        if last_epoch != -1:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise ValueError(f"{where}: resuming at last_epoch={last_epoch} needs 'initial_lr' in every "
                                     f"parameter group, and group {i} has none (load the optimizer's state_dict "
                                     "first, or start at last_epoch=-1)")
        return last_epoch

    def _initial_step(self):
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    # ---- stepping ------------------------------------------------------------------
    def step(self):
        """Move to the next epoch and set every group's lr for it."""
        self._check_groups(f"{type(self).__name__}.step")
        self._step_count += 1
        self.last_epoch += 1
        self._set_lrs(self.get_lr())

    def _jump_to(self, epoch):
        """Set the lrs for `epoch` directly (what SequentialLR does at a milestone):
        the closed form where the scheduler has one, as PyTorch's step(epoch)."""
        self.last_epoch = epoch
        closed_form = getattr(self, "closed_form_lr", None)
        self._set_lrs(closed_form() if closed_form else self.get_lr())

    def _set_lrs(self, lrs):
        where = f"{type(self).__name__}.step"
        lrs = [checks.real(where, "the new lr", lr) for lr in lrs]
        for group, lr in zip(self.optimizer.param_groups, lrs):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _check_groups(self, where):
        n = len(self.optimizer.param_groups)
        if n != len(self.base_lrs):
            raise ValueError(f"{where}: the optimizer now has {n} parameter groups; this scheduler was made "
                             f"for {len(self.base_lrs)}")

    def get_lr(self):
        """The lr of every group at `last_epoch`. Returns: a list of floats, one per group."""
        raise NotImplementedError

    def get_last_lr(self):
        """The lrs the last step set. Returns: a list of floats, one per parameter group."""
        return list(self._last_lr)

    # ---- resuming ----------------------------------------------------------------
    def state_checks(self):
        """The checks of every entry of the state_dict; subclasses add their own settings.

        Returns: {name: check(where, name, value) -> value}.
        """
        n = len(self.optimizer.param_groups)
        return dict(base_lrs=lambda w, k, v: checks.real_list(w, k, v, n),
                    last_epoch=lambda w, k, v: checks.integer(w, k, v, low=-1),
                    _step_count=lambda w, k, v: checks.integer(w, k, v, low=0),
                    _last_lr=lambda w, k, v: checks.real_list(w, k, v, n))

    def state_dict(self):
        """The scheduler's position and settings, under PyTorch's attribute names.

        Returns:
            dict {name: int, float, str, list or dict}; nested only for
            SequentialLR. Save it with minigrad.save(optim.flatten_state_dict(sd), path).
        """
        return {name: _copy(getattr(self, name)) for name in self.state_checks()}

    def load_state_dict(self, state_dict):
        """Restore what state_dict() returned. Everything is checked first (the
        keys, each value's kind and range, a list per parameter group); if one
        is wrong, nothing changes.

        Args:
            state_dict: a dict from state_dict(), or unflatten_state_dict(minigrad.load(path)).
        Raises:
            TypeError / ValueError: saying what does not fit.
        """
        where = f"{type(self).__name__}.load_state_dict"
        self._apply(self._checked_state(state_dict, where))

    def _checked_state(self, state_dict, where):
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"{where}: expected a dict, got {type(state_dict).__name__}")
        expected = self.state_checks()
        missing = [k for k in expected if k not in state_dict]
        unexpected = [k for k in state_dict if k not in expected]
        if missing or unexpected:
            raise ValueError(f"{where}: missing keys {missing}, unexpected keys {unexpected}; "
                             f"a {type(self).__name__} state_dict has {list(expected)}")
        return {k: check(where, k, state_dict[k]) for k, check in expected.items()}

    def _apply(self, values):
        for name, value in values.items():
            setattr(self, name, value)


def _copy(value):
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def per_group(where, name, value, optimizer):
    """One value per parameter group: a list as long as the groups, or one value for all.

    Args: where, name, value, as for checks.real(); optimizer: whose groups count.
    Returns: list of floats.
    """
    n = len(optimizer.param_groups)
    if isinstance(value, (list, tuple)):
        return checks.real_list(where, name, value, n)
    return [checks.real(where, name, value)] * n
