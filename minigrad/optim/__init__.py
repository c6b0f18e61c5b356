"""minigrad.optim: optimizers and learning-rate schedulers, shaped like torch.optim.

    opt = optim.Adam(model.parameters(), lr=1e-3)
    scheduler = optim.lr_scheduler.StepLR(opt, step_size=30, gamma=0.1)
    loss.backward(); opt.step(); opt.zero_grad(); scheduler.step()

An optimizer takes a list of parameters or a list of parameter groups (dicts
with "params" and their own hyperparameters); `opt.param_groups` is what
schedulers change. Optimizers and schedulers have state_dict() /
load_state_dict() in PyTorch's layout, for resuming.

    optimizer.py      parameter groups, the checked step loop, the state_dict
    checks.py         hyperparameters checked and made plain Python numbers
    sgd.py, adam.py, rmsprop.py, adagrad.py   one update rule each, the formula above the code
    lr_scheduler/     the learning-rate schedulers
    flat.py           nested state_dicts as the flat dicts minigrad.save writes
"""

from minigrad.optim import lr_scheduler
from minigrad.optim.adagrad import Adagrad
from minigrad.optim.adam import Adam, AdamW
from minigrad.optim.flat import flatten_state_dict, unflatten_state_dict
from minigrad.optim.lr_scheduler import (
    ConstantLR, CosineAnnealingLR, CosineAnnealingWarmRestarts, ExponentialLR, LambdaLR, LinearLR, LRScheduler,
    MultiplicativeLR, MultiStepLR, OneCycleLR, ReduceLROnPlateau, SequentialLR, StepLR,
)
from minigrad.optim.optimizer import Optimizer
from minigrad.optim.rmsprop import RMSprop
from minigrad.optim.sgd import SGD
