"""Learning-rate schedules: each sets optimizer.lr from the epoch count.

    scheduler = StepLR(optimizer, step_size=30, gamma=0.1)
    for epoch in range(100):
        train_one_epoch(...)          # optimizer.step() inside
        scheduler.step()              # then move the schedule on

Each schedule is a closed-form function of the epoch, lr_at(epoch), so
its whole state is (base_lr, last_epoch): state_dict() holds those two.
"""

import math

from minigrad import backend


class LRScheduler:
    def __init__(self, optimizer):
        self.optimizer = optimizer
        self.base_lr = optimizer.lr
        self.last_epoch = 0

    def step(self):
        self.last_epoch += 1
        self.optimizer.lr = self.lr_at(self.last_epoch)

    def get_last_lr(self):
        """The lr now in use: one float (torch gives a list, one per parameter group)."""
        return self.optimizer.lr

    def lr_at(self, epoch):
        raise NotImplementedError

    def state_dict(self):
        """0-d arrays, ready for minigrad.save."""
        host = backend.NUMPY
        return {"base_lr": host.asarray(self.base_lr, "float64"), "last_epoch": host.asarray(self.last_epoch, "int64")}

    def load_state_dict(self, state_dict):
        self.base_lr = float(state_dict["base_lr"])
        self.last_epoch = int(state_dict["last_epoch"])
        self.optimizer.lr = self.lr_at(self.last_epoch)


class StepLR(LRScheduler):
    """lr = base_lr · gamma^⌊epoch / step_size⌋: decay by gamma every step_size epochs."""

    def __init__(self, optimizer, step_size, gamma=0.1):
        if step_size < 1:
            raise ValueError(f"StepLR: step_size must be a positive integer, got {step_size}")
        super().__init__(optimizer)
        self.step_size, self.gamma = step_size, gamma

    def lr_at(self, epoch):
        return self.base_lr * self.gamma ** (epoch // self.step_size)


class CosineAnnealingLR(LRScheduler):
    """lr = eta_min + (base_lr - eta_min) · (1 + cos(π · epoch / T_max)) / 2:
    half a cosine from base_lr down to eta_min over T_max epochs
    (Loshchilov & Hutter 2017, eq. 5, without restarts); past T_max it rises
    again, as PyTorch's does."""

    def __init__(self, optimizer, T_max, eta_min=0.0):
        if T_max < 1:
            raise ValueError(f"CosineAnnealingLR: T_max must be a positive integer, got {T_max}")
        super().__init__(optimizer)
        self.T_max, self.eta_min = T_max, eta_min

    def lr_at(self, epoch):
        return self.eta_min + (self.base_lr - self.eta_min) * (1 + math.cos(math.pi * epoch / self.T_max)) / 2
