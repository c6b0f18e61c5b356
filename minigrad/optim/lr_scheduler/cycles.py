"""Schedulers that cycle: cosine annealing with warm restarts (SGDR) and the 1cycle policy."""

import math

from minigrad.optim import checks
from minigrad.optim.lr_scheduler.base import LRScheduler, per_group


class CosineAnnealingWarmRestarts(LRScheduler):
    """lr = eta_min + (base_lr - eta_min) · (1 + cos(π · T_cur / T_i)) / 2, where
    T_cur counts the epochs since the last restart and T_i is the current
    period: T_0 at first, times T_mult at each restart (Loshchilov & Hutter
    2017, SGDR, eq. 5).

    Args:
        optimizer: the Optimizer.
        T_0: the first period, an int ≥ 1.
        T_mult: the factor on the period after each restart, an int ≥ 1.
        eta_min: the lowest lr, ≥ 0.
        last_epoch: -1 to start (see LRScheduler).
    """

    def __init__(self, optimizer, T_0, T_mult=1, eta_min=0.0, last_epoch=-1):
        where = "CosineAnnealingWarmRestarts"
        self.T_0 = self.T_i = checks.integer(where, "T_0", T_0, low=1)
        self.T_mult = checks.integer(where, "T_mult", T_mult, low=1)
        self.eta_min = checks.nonnegative(where, "eta_min", eta_min)
        self.T_cur = checks.integer(where, "last_epoch", last_epoch, low=-1)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """The cosine at T_cur of the period T_i. Returns: list of floats."""
        return [self.eta_min + (base - self.eta_min) * (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2
                for base in self.base_lrs]

    def step(self):
        """Move one epoch along the current period, restarting at its end."""
        self._check_groups("CosineAnnealingWarmRestarts.step")
        self._step_count += 1
        if self.last_epoch < 0:                 # the first step: epoch 0 of the first period
            self.last_epoch, self.T_cur, self.T_i = 0, 0, self.T_0
        else:
            self.last_epoch += 1
            self.T_cur += 1
            if self.T_cur >= self.T_i:          # a restart
                self.T_cur = self.T_cur % self.T_i
                self.T_i = self.T_i * self.T_mult
        self._set_lrs(self.get_lr())

    def state_checks(self):
        """The base's entries and T_0, T_i, T_mult, eta_min, T_cur.

        Returns: {name: check(where, name, value) -> value}.
        """
        positive = lambda w, k, v: checks.integer(w, k, v, low=1)    # noqa: E731
        return {**super().state_checks(), "T_0": positive, "T_i": positive, "T_mult": positive,
                "eta_min": checks.nonnegative, "T_cur": lambda w, k, v: checks.integer(w, k, v, low=-1)}


class OneCycleLR(LRScheduler):
    """The 1cycle policy (Smith & Topin 2019): the lr rises from max_lr /
    div_factor to max_lr over the first pct_start of total_steps, then anneals
    to initial_lr / final_div_factor; momentum (or Adam's β₁) moves the other
    way, between max_momentum and base_momentum. Stepped after every batch.
    three_phase=True follows the paper: up, down to initial_lr, then down to
    the minimum. Not chainable: each lr comes from the group's own bounds.

    Args:
        optimizer: the Optimizer.
        max_lr: the peak lr, ≥ 0, or a list, one per group.
        total_steps: the steps in the cycle (an int ≥ 1), or None to use
            epochs · steps_per_epoch.
        epochs, steps_per_epoch: ints ≥ 1, used when total_steps is None.
        pct_start: the share of the cycle spent rising, in [0, 1].
        anneal_strategy: "cos" or "linear".
        cycle_momentum: also cycle "momentum" (or β₁ of "betas").
        base_momentum, max_momentum: the momentum's bounds, or a list per group.
        div_factor: initial_lr = max_lr / div_factor, > 0.
        final_div_factor: the last lr = initial_lr / final_div_factor, > 0.
        three_phase: the paper's three phases instead of fastai's two.
        last_epoch: -1 to start (see LRScheduler); the batches done when resuming.
    """

    def __init__(self, optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None, pct_start=0.3,
                 anneal_strategy="cos", cycle_momentum=True, base_momentum=0.85, max_momentum=0.95,
                 div_factor=25.0, final_div_factor=1e4, three_phase=False, last_epoch=-1):
        where = "OneCycleLR"
        last_epoch = self._check_start(optimizer, last_epoch, where)
        if total_steps is not None:
            self.total_steps = checks.integer(where, "total_steps", total_steps, low=1)
        elif epochs is not None and steps_per_epoch is not None:
            self.total_steps = (checks.integer(where, "epochs", epochs, low=1)
                                * checks.integer(where, "steps_per_epoch", steps_per_epoch, low=1))
        else:
            raise ValueError(f"{where}: give total_steps, or both epochs and steps_per_epoch")
        pct_start = checks.unit_interval(where, "pct_start", pct_start)
        self._anneal_func_type = checks.choice(where, "anneal_strategy", anneal_strategy, ("cos", "linear"))
        max_lrs = [checks.nonnegative(where, "max_lr", lr) for lr in per_group(where, "max_lr", max_lr, optimizer)]
        div_factor = checks.positive(where, "div_factor", div_factor)
        final_div_factor = checks.positive(where, "final_div_factor", final_div_factor)
        self.cycle_momentum = checks.flag(where, "cycle_momentum", cycle_momentum)
        if self.cycle_momentum:
            if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
                raise ValueError(f"{where}: cycle_momentum needs an optimizer with momentum or betas; "
                                 f"{type(optimizer).__name__} has neither (pass cycle_momentum=False)")
            self.use_beta1 = "betas" in optimizer.defaults
            max_momenta = per_group(where, "max_momentum", max_momentum, optimizer)
            base_momenta = per_group(where, "base_momentum", base_momentum, optimizer)
        else:
            self.use_beta1 = False
        three_phase = checks.flag(where, "three_phase", three_phase)
        self._schedule_phases = _phases(pct_start, self.total_steps, three_phase)
        if last_epoch == -1:                   # all checked: now write the groups' bounds
            for group, top in zip(optimizer.param_groups, max_lrs):
                group["initial_lr"] = top / div_factor
                group["max_lr"] = top
                group["min_lr"] = group["initial_lr"] / final_div_factor
            if self.cycle_momentum:
                for group, top, bottom in zip(optimizer.param_groups, max_momenta, base_momenta):
                    if self.use_beta1:
                        group["betas"] = (top, *group["betas"][1:])
                    else:
                        group["momentum"] = top
                    group["max_momentum"] = top
                    group["base_momentum"] = bottom
        super().__init__(optimizer, last_epoch)

    def _anneal(self, start, end, pct):
        if self._anneal_func_type == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def get_lr(self):
        """Each group's lr at step last_epoch of its phase (and its momentum, set in the group).
        Returns: list of floats."""
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(f"OneCycleLR.step: tried to step {step} times; the cycle has total_steps "
                             f"{self.total_steps}")
        lrs = []
        for group in self.optimizer.param_groups:
            start_step = 0.0
            for i, phase in enumerate(self._schedule_phases):
                if step <= phase["end_step"] or i == len(self._schedule_phases) - 1:
                    pct = (step - start_step) / (phase["end_step"] - start_step)
                    lrs.append(self._anneal(group[phase["start_lr"]], group[phase["end_lr"]], pct))
                    if self.cycle_momentum:
                        m = self._anneal(group[phase["start_momentum"]], group[phase["end_momentum"]], pct)
                        if self.use_beta1:
                            group["betas"] = (m, *group["betas"][1:])
                        else:
                            group["momentum"] = m
                    break
                start_step = phase["end_step"]
        return lrs

    def step(self):
        """Move one batch along the cycle. Raises ValueError past total_steps, changing nothing."""
        if self.last_epoch + 1 > self.total_steps:
            raise ValueError(f"OneCycleLR.step: tried to step {self.last_epoch + 1} times; the cycle has "
                             f"total_steps {self.total_steps}")
        super().step()

    def state_checks(self):
        """The base's entries and total_steps, _schedule_phases, _anneal_func_type, cycle_momentum, use_beta1.

        Returns: {name: check(where, name, value) -> value}.
        """
        return {**super().state_checks(), "total_steps": lambda w, k, v: checks.integer(w, k, v, low=1),
                "_schedule_phases": _checked_phases,
                "_anneal_func_type": lambda w, k, v: checks.choice(w, k, v, ("cos", "linear")),
                "cycle_momentum": checks.flag, "use_beta1": checks.flag}


def _phases(pct_start, total_steps, three_phase):
    """The phases as PyTorch lists them: where each ends and which group entries it goes between."""
    up = dict(end_step=float(pct_start * total_steps) - 1, start_lr="initial_lr", end_lr="max_lr",
              start_momentum="max_momentum", end_momentum="base_momentum")
    if three_phase:
        return [up,
                dict(end_step=float(2 * pct_start * total_steps) - 2, start_lr="max_lr", end_lr="initial_lr",
                     start_momentum="base_momentum", end_momentum="max_momentum"),
                dict(end_step=total_steps - 1, start_lr="initial_lr", end_lr="min_lr",
                     start_momentum="max_momentum", end_momentum="max_momentum")]
    return [up, dict(end_step=total_steps - 1, start_lr="max_lr", end_lr="min_lr",
                     start_momentum="base_momentum", end_momentum="max_momentum")]


_BOUNDS = ("initial_lr", "max_lr", "min_lr", "max_momentum", "base_momentum")


def _checked_phases(where, name, value):
    if not isinstance(value, (list, tuple)) or len(value) not in (2, 3):
        raise ValueError(f"{where}: {name} must be a list of 2 or 3 phases, got {type(value).__name__}")
    phases = []
    for i, phase in enumerate(value):
        keys = ("end_step", "start_lr", "end_lr", "start_momentum", "end_momentum")
        if not hasattr(phase, "keys") or sorted(phase.keys()) != sorted(keys):
            raise ValueError(f"{where}: {name}[{i}] must be a dict with {', '.join(keys)}")
        phases.append({k: checks.real(where, f"{name}[{i}].{k}", phase[k]) if k == "end_step"
                       else checks.choice(where, f"{name}[{i}].{k}", phase[k], _BOUNDS) for k in keys})
    return phases
