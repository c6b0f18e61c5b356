"""Schedulers that are a formula of the epoch: each get_lr below is PyTorch's
chainable form (from the groups' current lrs), and closed_form_lr, where
there is one, the same schedule from base_lrs (used by SequentialLR at a
milestone, as PyTorch's step(epoch) uses it)."""

import math
from bisect import bisect_right
from collections import Counter

from minigrad.optim import checks
from minigrad.optim.lr_scheduler.base import LRScheduler


def _lrs(optimizer):
    return [group["lr"] for group in optimizer.param_groups]


class LambdaLR(LRScheduler):
    """lr = base_lr · lr_lambda(epoch).

    Args:
        optimizer: the Optimizer.
        lr_lambda: a function of the epoch (an int) returning a factor, or a
            list of such functions, one per parameter group.
        last_epoch: -1 to start (see LRScheduler).

    The functions are not in the state_dict (a closure cannot be saved), as in PyTorch.
    """

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        self.lr_lambdas = _functions(type(self).__name__, lr_lambda, optimizer)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """base_lr · f(last_epoch) for each group. Returns: list of floats."""
        return [base * _factor(self, f) for f, base in zip(self.lr_lambdas, self.base_lrs)]


class MultiplicativeLR(LRScheduler):
    """lr ← lr · lr_lambda(epoch) at every step after the first.

    Args:
        optimizer: the Optimizer.
        lr_lambda: a function of the epoch returning a factor, or one per group.
        last_epoch: -1 to start (see LRScheduler).
    """

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        self.lr_lambdas = _functions(type(self).__name__, lr_lambda, optimizer)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """The groups' lrs, each times f(last_epoch). Returns: list of floats."""
        if self._is_initial:
            return _lrs(self.optimizer)
        return [g["lr"] * _factor(self, f) for f, g in zip(self.lr_lambdas, self.optimizer.param_groups)]


def _functions(where, lr_lambda, optimizer):
    n = len(optimizer.param_groups) if hasattr(optimizer, "param_groups") else 1
    functions = list(lr_lambda) if isinstance(lr_lambda, (list, tuple)) else [lr_lambda] * n
    if len(functions) != n:
        raise ValueError(f"{where}: expected {n} lr_lambdas (one per parameter group), got {len(functions)}")
    for f in functions:
        if not callable(f):
            raise TypeError(f"{where}: lr_lambda must be a function of the epoch, got {type(f).__name__}")
    return functions


def _factor(scheduler, f):
    return checks.real(type(scheduler).__name__, f"lr_lambda({scheduler.last_epoch})", f(scheduler.last_epoch))


class StepLR(LRScheduler):
    """lr = base_lr · gamma^⌊epoch / step_size⌋: decay by gamma every step_size epochs.

    Args:
        optimizer: the Optimizer.
        step_size: the period, an int ≥ 1.
        gamma: the factor, ≥ 0.
        last_epoch: -1 to start (see LRScheduler).
    """

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        self.step_size = checks.integer("StepLR", "step_size", step_size, low=1)
        self.gamma = checks.nonnegative("StepLR", "gamma", gamma)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """The groups' lrs, times gamma at each multiple of step_size. Returns: list of floats."""
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return _lrs(self.optimizer)
        return [lr * self.gamma for lr in _lrs(self.optimizer)]

    def closed_form_lr(self):
        """base_lr · gamma^⌊last_epoch / step_size⌋. Returns: list of floats."""
        return [base * self.gamma ** (self.last_epoch // self.step_size) for base in self.base_lrs]

    def state_checks(self):
        """The base's entries and step_size, gamma.

        Returns: {name: check(where, name, value) -> value}.
        """
        return {**super().state_checks(), "step_size": lambda w, k, v: checks.integer(w, k, v, low=1),
                "gamma": checks.nonnegative}


class MultiStepLR(LRScheduler):
    """lr = base_lr · gamma^(the number of milestones ≤ epoch).

    Args:
        optimizer: the Optimizer.
        milestones: the epochs (ints ≥ 0) at which to decay; a repeated one decays twice.
        gamma: the factor, ≥ 0.
        last_epoch: -1 to start (see LRScheduler).
    """

    def __init__(self, optimizer, milestones, gamma=0.1, last_epoch=-1):
        self.milestones = _milestones("MultiStepLR", "milestones", milestones)
        self.gamma = checks.nonnegative("MultiStepLR", "gamma", gamma)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """The groups' lrs, times gamma^count at a milestone. Returns: list of floats."""
        if self.last_epoch not in self.milestones:
            return _lrs(self.optimizer)
        return [lr * self.gamma ** self.milestones[self.last_epoch] for lr in _lrs(self.optimizer)]

    def closed_form_lr(self):
        """base_lr · gamma^(milestones passed). Returns: list of floats."""
        passed = bisect_right(sorted(self.milestones.elements()), self.last_epoch)
        return [base * self.gamma ** passed for base in self.base_lrs]

    def state_checks(self):
        """The base's entries and milestones ({epoch: count}, as PyTorch's Counter), gamma.

        Returns: {name: check(where, name, value) -> value}.
        """
        return {**super().state_checks(), "milestones": _counter, "gamma": checks.nonnegative}


def _milestones(where, name, milestones):
    if isinstance(milestones, (str, bytes)) or not hasattr(milestones, "__iter__"):
        raise TypeError(f"{where}: {name} must be a list of epochs, got {type(milestones).__name__}")
    return Counter(checks.integer(where, f"{name}[{i}]", m, low=0) for i, m in enumerate(milestones))


def _counter(where, name, value):
    if not hasattr(value, "items"):
        raise ValueError(f"{where}: {name} must be a dict {{epoch: count}}, got {type(value).__name__}")
    return Counter({checks.integer(where, f"{name} key", k, low=0): checks.integer(where, f"{name}[{k}]", c, low=1)
                    for k, c in value.items()})


class ConstantLR(LRScheduler):
    """lr = base_lr · factor for the first total_iters epochs, then base_lr.

    Args:
        optimizer: the Optimizer.
        factor: in [0, 1].
        total_iters: how many epochs the factor applies, an int ≥ 0.
        last_epoch: -1 to start (see LRScheduler).
    """

    def __init__(self, optimizer, factor=1.0 / 3, total_iters=5, last_epoch=-1):
        self.factor = checks.unit_interval("ConstantLR", "factor", factor)
        self.total_iters = checks.integer("ConstantLR", "total_iters", total_iters, low=0)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """The groups' lrs times factor at epoch 0, divided by it at total_iters. Returns: list of floats."""
        if self.last_epoch == 0:
            return [lr * self.factor for lr in _lrs(self.optimizer)]
        if self.last_epoch != self.total_iters:
            return _lrs(self.optimizer)
        return [lr * (1.0 / self.factor) for lr in _lrs(self.optimizer)]

    def closed_form_lr(self):
        """base_lr · (factor before total_iters, 1 from it). Returns: list of floats."""
        return [base * (self.factor + (self.last_epoch >= self.total_iters) * (1 - self.factor))
                for base in self.base_lrs]

    def state_checks(self):
        """The base's entries and factor, total_iters.

        Returns: {name: check(where, name, value) -> value}.
        """
        return {**super().state_checks(), "factor": checks.unit_interval,
                "total_iters": lambda w, k, v: checks.integer(w, k, v, low=0)}


class LinearLR(LRScheduler):
    """lr = base_lr · (start_factor + (end_factor - start_factor) · min(epoch, total_iters) / total_iters):
    a straight line from start_factor to end_factor (a warm-up when start_factor < 1).

    Args:
        optimizer: the Optimizer.
        start_factor: in (0, 1].
        end_factor: in [0, 1].
        total_iters: the epochs the line takes, an int ≥ 1.
        last_epoch: -1 to start (see LRScheduler).
    """

    def __init__(self, optimizer, start_factor=1.0 / 3, end_factor=1.0, total_iters=5, last_epoch=-1):
        self.start_factor = _start_factor("LinearLR", "start_factor", start_factor)
        self.end_factor = checks.unit_interval("LinearLR", "end_factor", end_factor)
        self.total_iters = checks.integer("LinearLR", "total_iters", total_iters, low=1)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """The groups' lrs moved one step along the line. Returns: list of floats."""
        if self.last_epoch == 0:
            return [lr * self.start_factor for lr in _lrs(self.optimizer)]
        if self._is_initial or self.last_epoch > self.total_iters:
            return _lrs(self.optimizer)
        span = self.end_factor - self.start_factor
        ratio = 1.0 + span / (self.total_iters * self.start_factor + (self.last_epoch - 1) * span)
        return [lr * ratio for lr in _lrs(self.optimizer)]

    def closed_form_lr(self):
        """The line's value at last_epoch, from base_lrs. Returns: list of floats."""
        span = self.end_factor - self.start_factor
        return [base * (self.start_factor + span * min(self.total_iters, self.last_epoch) / self.total_iters)
                for base in self.base_lrs]

    def state_checks(self):
        """The base's entries and start_factor, end_factor, total_iters.

        Returns: {name: check(where, name, value) -> value}.
        """
        return {**super().state_checks(), "start_factor": _start_factor, "end_factor": checks.unit_interval,
                "total_iters": lambda w, k, v: checks.integer(w, k, v, low=1)}


def _start_factor(where, name, value):
    value = checks.unit_interval(where, name, value)
    if value == 0:
        raise ValueError(f"{where}: {name} must lie in (0, 1], got 0.0")
    return value


class ExponentialLR(LRScheduler):
    """lr = base_lr · gamma^epoch.

    Args:
        optimizer: the Optimizer.
        gamma: the factor per epoch, ≥ 0.
        last_epoch: -1 to start (see LRScheduler).
    """

    def __init__(self, optimizer, gamma, last_epoch=-1):
        self.gamma = checks.nonnegative("ExponentialLR", "gamma", gamma)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """The groups' lrs times gamma. Returns: list of floats."""
        if self._is_initial:
            return _lrs(self.optimizer)
        return [lr * self.gamma for lr in _lrs(self.optimizer)]

    def closed_form_lr(self):
        """base_lr · gamma^last_epoch. Returns: list of floats."""
        return [base * self.gamma ** self.last_epoch for base in self.base_lrs]

    def state_checks(self):
        """The base's entries and gamma.

        Returns: {name: check(where, name, value) -> value}.
        """
        return {**super().state_checks(), "gamma": checks.nonnegative}


class CosineAnnealingLR(LRScheduler):
    """lr = eta_min + (base_lr - eta_min) · (1 + cos(π · epoch / T_max)) / 2:
    half a cosine from base_lr down to eta_min over T_max epochs
    (Loshchilov & Hutter 2017, eq. 5, without restarts); past T_max it rises
    again, as PyTorch's does. get_lr is PyTorch's recursive form of it.

    Args:
        optimizer: the Optimizer.
        T_max: the half-period in epochs, an int ≥ 1.
        eta_min: the lowest lr, ≥ 0.
        last_epoch: -1 to start (see LRScheduler).
    """

    def __init__(self, optimizer, T_max, eta_min=0.0, last_epoch=-1):
        self.T_max = checks.integer("CosineAnnealingLR", "T_max", T_max, low=1)
        self.eta_min = checks.nonnegative("CosineAnnealingLR", "eta_min", eta_min)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """The cosine's next value, from the groups' lrs. Returns: list of floats."""
        e, T, lo = self.last_epoch, self.T_max, self.eta_min
        groups = self.optimizer.param_groups
        if self._is_initial:
            return _lrs(self.optimizer)
        if self._step_count == 1 and e > 0:                # resumed at last_epoch > 0
            return [lo + (base - lo) * (1 + math.cos(e * math.pi / T)) / 2 for base in self.base_lrs]
        if (e - 1 - T) % (2 * T) == 0:                     # the trough: the ratio below would be 0 / 0
            return [g["lr"] + (base - lo) * (1 - math.cos(math.pi / T)) / 2 for base, g in zip(self.base_lrs, groups)]
        ratio = (1 + math.cos(math.pi * e / T)) / (1 + math.cos(math.pi * (e - 1) / T))
        return [ratio * (g["lr"] - lo) + lo for g in groups]

    def closed_form_lr(self):
        """The cosine at last_epoch, from base_lrs. Returns: list of floats."""
        return [self.eta_min + (base - self.eta_min) * (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
                for base in self.base_lrs]

    def state_checks(self):
        """The base's entries and T_max, eta_min.

        Returns: {name: check(where, name, value) -> value}.
        """
        return {**super().state_checks(), "T_max": lambda w, k, v: checks.integer(w, k, v, low=1),
                "eta_min": checks.nonnegative}
