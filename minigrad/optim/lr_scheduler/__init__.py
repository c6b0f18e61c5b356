"""minigrad.optim.lr_scheduler: learning-rate schedulers, as torch.optim.lr_scheduler.

    base.py       LRScheduler: initial_lr, step, get_last_lr, the checked state_dict
    formulas.py   LambdaLR, MultiplicativeLR, StepLR, MultiStepLR, ConstantLR, LinearLR,
                  ExponentialLR, CosineAnnealingLR: formulas of the epoch
    cycles.py     CosineAnnealingWarmRestarts, OneCycleLR
    control.py    SequentialLR (one scheduler after another), ReduceLROnPlateau (on a metric)
"""

from minigrad.optim.lr_scheduler.base import LRScheduler
from minigrad.optim.lr_scheduler.control import ReduceLROnPlateau, SequentialLR
from minigrad.optim.lr_scheduler.cycles import CosineAnnealingWarmRestarts, OneCycleLR
from minigrad.optim.lr_scheduler.formulas import (
    ConstantLR, CosineAnnealingLR, ExponentialLR, LambdaLR, LinearLR, MultiplicativeLR, MultiStepLR, StepLR,
)
