"""minigrad.nn: modules, layers, losses and initialisers, shaped like torch.nn.

    module.py      Module (the tree of weights and buffers, state_dict) and Parameter
    layers.py      Linear, Embedding, LayerNorm, RMSNorm, Dropout, Identity, Flatten, Unflatten
    activation.py  ReLU, Tanh, Sigmoid, GELU, SiLU, LeakyReLU, Softmax, LogSoftmax
    loss.py        CrossEntropyLoss, NLLLoss, MSELoss, L1Loss, SmoothL1Loss, HuberLoss,
                   BCELoss, BCEWithLogitsLoss, KLDivLoss
    conv.py        Conv1d
    attention.py   MultiheadAttention
    containers.py  Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict
    functional/    the same layers and the losses as functions (imported as F)
    checks.py      the argument checks every layer makes, worded alike
    init.py        in-place initialisers drawing from minigrad's one generator
    utils.py       gradient clipping
"""

from minigrad.nn import functional, init, utils
from minigrad.nn.activation import GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, SiLU, Softmax, Tanh
from minigrad.nn.attention import MultiheadAttention
from minigrad.nn.containers import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from minigrad.nn.conv import Conv1d
from minigrad.nn.layers import Dropout, Embedding, Flatten, Identity, LayerNorm, Linear, RMSNorm, Unflatten
from minigrad.nn.loss import (
    BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, KLDivLoss, L1Loss, MSELoss, NLLLoss, SmoothL1Loss,
)
from minigrad.nn.module import Module, Parameter
