"""minigrad.optim: optimizers and learning-rate schedules, shaped like torch.optim.

    opt = optim.Adam(model.parameters(), lr=1e-3)
    loss.backward(); opt.step(); opt.zero_grad()

Each optimizer takes one list of parameters and its hyperparameters as
arguments (no parameter groups); its `lr` attribute is what schedules change.
Optimizers and schedules have state_dict() / load_state_dict() for resuming.

    optimizer.py      the shared step loop and the state_dict
    sgd.py, adam.py, rmsprop.py   one update rule each, the formula above the code
    lr_scheduler.py   StepLR, CosineAnnealingLR
"""

from minigrad.optim.adam import Adam, AdamW
from minigrad.optim.lr_scheduler import CosineAnnealingLR, LRScheduler, StepLR
from minigrad.optim.optimizer import Optimizer
from minigrad.optim.rmsprop import RMSprop
from minigrad.optim.sgd import SGD
