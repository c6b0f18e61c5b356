"""Schedulers that decide when: SequentialLR hands over from one scheduler to
the next at milestones; ReduceLROnPlateau cuts the lr when a metric stalls."""

import math
import numbers
from bisect import bisect_right

from minigrad import backend
from minigrad.optim import checks
from minigrad.optim.lr_scheduler.base import LRScheduler, per_group
from minigrad.optim.optimizer import Optimizer
from minigrad.tensor import Tensor


class SequentialLR(LRScheduler):
    """Run schedulers[0] until milestones[0], then schedulers[1] (started afresh
    at its epoch 0), and so on: e.g. a LinearLR warm-up followed by a cosine.

    Args:
        optimizer: the Optimizer all the schedulers belong to.
        schedulers: a list of schedulers (not ReduceLROnPlateau), made on `optimizer`.
        milestones: the epochs of the hand-overs, non-decreasing ints ≥ 0,
            one fewer than the schedulers.
        last_epoch: -1 to start.
    """

    def __init__(self, optimizer, schedulers, milestones, last_epoch=-1):
        where = "SequentialLR"
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{where}: expected an Optimizer, got {type(optimizer).__name__}")
        if isinstance(schedulers, LRScheduler) or not isinstance(schedulers, (list, tuple)) or not schedulers:
            raise ValueError(f"{where}: schedulers must be a non-empty list of schedulers, got {schedulers!r}")
        for i, s in enumerate(schedulers):
            if not isinstance(s, LRScheduler) or isinstance(s, ReduceLROnPlateau):
                raise TypeError(f"{where}: schedulers[{i}] must be a scheduler other than ReduceLROnPlateau "
                                f"(whose step needs a metric), got {type(s).__name__}")
            if s.optimizer is not optimizer:
                raise ValueError(f"{where}: schedulers[{i}] ({type(s).__name__}) belongs to another optimizer")
        if not isinstance(milestones, (list, tuple)) or len(milestones) != len(schedulers) - 1:
            raise ValueError(f"{where}: expected {len(schedulers) - 1} milestones (one fewer than the "
                             f"schedulers), got {milestones!r}")
        milestones = _milestone_list(where, "milestones", milestones)
        last_epoch = self._check_start(optimizer, last_epoch, where)
        self._schedulers, self._milestones = list(schedulers), milestones
        self.optimizer, self.last_epoch = optimizer, last_epoch + 1
        for group in optimizer.param_groups:        # undo what the schedulers' first steps did
            group["lr"] = group["initial_lr"]
        self._undo_first_steps(self)
        first = self._schedulers[bisect_right(milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    def _undo_first_steps(self, scheduler):
        for s in getattr(scheduler, "_schedulers", ()):
            if hasattr(s, "_schedulers"):
                self._undo_first_steps(s)
            else:
                s.last_epoch -= 1

    def _check_groups(self, where):
        self._schedulers[0]._check_groups(where)

    def step(self):
        """One epoch on: the scheduler in charge steps, or, at a milestone, the next one starts at epoch 0."""
        self._check_groups("SequentialLR.step")
        self.last_epoch += 1
        i = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[i]
        if i > 0 and self._milestones[i - 1] == self.last_epoch:
            scheduler._jump_to(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()

    def _jump_to(self, epoch):
        raise TypeError("SequentialLR: cannot be nested inside another SequentialLR")

    def state_checks(self):
        """_milestones, last_epoch, _last_lr, and _schedulers (each one's own state_dict).

        Returns: {name: check(where, name, value) -> value}.
        """
        n = len(self.optimizer.param_groups)

        def inner(where, name, value):
            if not isinstance(value, (list, tuple)) or len(value) != len(self._schedulers):
                raise ValueError(f"{where}: {name} must be a list of {len(self._schedulers)} state_dicts, "
                                 f"got {type(value).__name__}")
            return [s._checked_state(v, f"{where} ({name}[{i}], {type(s).__name__})")
                    for i, (s, v) in enumerate(zip(self._schedulers, value))]

        return dict(_milestones=_milestone_list, last_epoch=lambda w, k, v: checks.integer(w, k, v, low=0),
                    _last_lr=lambda w, k, v: checks.real_list(w, k, v, n), _schedulers=inner)

    def state_dict(self):
        """As LRScheduler.state_dict, with each scheduler's state_dict in '_schedulers'.

        Returns: dict {_milestones, last_epoch, _last_lr, _schedulers: [dict, ...]}.
        """
        return dict(_milestones=list(self._milestones), last_epoch=self.last_epoch, _last_lr=list(self._last_lr),
                    _schedulers=[s.state_dict() for s in self._schedulers])

    def _apply(self, values):
        for s, state in zip(self._schedulers, values.pop("_schedulers")):
            s._apply(state)
        super()._apply(values)


def _milestone_list(where, name, value):
    if backend.is_host_array(value) and value.ndim == 1:          # as a checkpoint holds a list
        value = value.tolist()
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"{where}: {name} must be a list of epochs, got {type(value).__name__}")
    out = [checks.integer(where, f"{name}[{i}]", m, low=0) for i, m in enumerate(value)]
    if out != sorted(out):
        raise ValueError(f"{where}: {name} must not decrease, got {out}")
    return out


class ReduceLROnPlateau(LRScheduler):
    """Multiply every group's lr by `factor` once the metric has not improved
    for more than `patience` epochs; then wait `cooldown` epochs before counting again.

        improved:  metric < best · (1 - threshold)   (mode "min", threshold_mode "rel")
                   metric < best - threshold          ("min", "abs"); mirrored for "max"
        new lr   = max(lr · factor, min_lr), applied only if it moves lr by more than eps

    Args:
        optimizer: the Optimizer.
        mode: "min" (a loss) or "max" (an accuracy).
        factor: in [0, 1).
        patience: the bad epochs tolerated, an int ≥ 0.
        threshold: the improvement that counts, ≥ 0.
        threshold_mode: "rel" or "abs".
        cooldown: epochs to wait after a cut, an int ≥ 0.
        min_lr: the lowest lr, ≥ 0, or a list, one per group.
        eps: the smallest change of lr that is applied, ≥ 0.
    """

    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0, eps=1e-8):
        where = "ReduceLROnPlateau"
        self._check_start(optimizer, -1, where)
        self.factor = checks.in_range(where, "factor", factor, 0.0, 1.0, high_open=True)
        self.default_min_lr = None if isinstance(min_lr, (list, tuple)) else checks.nonnegative(where, "min_lr", min_lr)
        self.min_lrs = [checks.nonnegative(where, "min_lr", m) for m in per_group(where, "min_lr", min_lr, optimizer)]
        self.patience = checks.integer(where, "patience", patience, low=0)
        self.cooldown = checks.integer(where, "cooldown", cooldown, low=0)
        self.eps = checks.nonnegative(where, "eps", eps)
        self.mode = checks.choice(where, "mode", mode, ("min", "max"))
        self.threshold = checks.nonnegative(where, "threshold", threshold)
        self.threshold_mode = checks.choice(where, "threshold_mode", threshold_mode, ("rel", "abs"))
        self.optimizer = optimizer
        self.last_epoch = 0
        self._last_lr = [group["lr"] for group in optimizer.param_groups]
        self.mode_worse = math.inf if self.mode == "min" else -math.inf
        self.best, self.cooldown_counter, self.num_bad_epochs = self.mode_worse, 0, 0

    def _is_better(self, a, best):
        if self.mode == "min":
            return a < (best * (1.0 - self.threshold) if self.threshold_mode == "rel" else best - self.threshold)
        return a > (best * (self.threshold + 1.0) if self.threshold_mode == "rel" else best + self.threshold)

    def step(self, metrics):
        """Record this epoch's metric and cut the lrs if it has stalled.

        Args:
            metrics: a number (or a 0-d Tensor), e.g. the validation loss.
        """
        where = "ReduceLROnPlateau.step"
        current = _metric(where, metrics)
        groups = self.optimizer.param_groups
        if len(groups) != len(self.min_lrs) and self.default_min_lr is None:
            raise RuntimeError(f"{where}: the optimizer has {len(groups)} parameter groups but min_lrs has "
                               f"{len(self.min_lrs)} entries; set min_lrs to match")
        self.last_epoch += 1
        if self._is_better(current, self.best):
            self.best, self.num_bad_epochs = current, 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0                   # bad epochs in the cooldown do not count
        if self.num_bad_epochs > self.patience:
            if len(groups) != len(self.min_lrs):
                self.min_lrs = [self.default_min_lr] * len(groups)
            for group, floor in zip(groups, self.min_lrs):
                old = float(group["lr"])
                new = max(old * self.factor, floor)
                if old - new > self.eps:
                    group["lr"] = new
            self.cooldown_counter, self.num_bad_epochs = self.cooldown, 0
        self._last_lr = [group["lr"] for group in groups]

    def state_checks(self):
        """Every setting and counter, under PyTorch's names (default_min_lr is not saved).

        Returns: {name: check(where, name, value) -> value}.
        """
        n = len(self.optimizer.param_groups)
        count = lambda w, k, v: checks.integer(w, k, v, low=0)    # noqa: E731
        return dict(factor=lambda w, k, v: checks.in_range(w, k, v, 0.0, 1.0, high_open=True),
                    min_lrs=lambda w, k, v: [checks.nonnegative(w, k, m) for m in checks.real_list(w, k, v, n)],
                    patience=count, cooldown=count, eps=checks.nonnegative, last_epoch=count,
                    _last_lr=lambda w, k, v: checks.real_list(w, k, v, n),
                    mode=lambda w, k, v: checks.choice(w, k, v, ("min", "max")), threshold=checks.nonnegative,
                    threshold_mode=lambda w, k, v: checks.choice(w, k, v, ("rel", "abs")),
                    best=_metric_value, mode_worse=_metric_value, cooldown_counter=count, num_bad_epochs=count)


def _metric(where, value):
    if isinstance(value, Tensor):
        if value.numel() != 1:
            raise ValueError(f"{where}: metrics must be one number, got a Tensor of shape {value.shape}")
        value = value.item()
    return _metric_value(where, "metrics", value)


def _metric_value(where, name, value):
    """A float that may be infinite (best starts at ±inf) or nan (as in PyTorch, a nan metric is a bad epoch)."""
    if (backend.is_host_array(value) or backend.is_device_array(value)) and value.ndim == 0:
        value = backend.of(value).to_host(value).item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{where}: {name} must be a number, got {type(value).__name__}")
    return float(value)
