"""minigrad.nn: modules, layers, losses and initialisers, shaped like torch.nn.

    module.py      Module (the tree of weights, state_dict) and Parameter
    layers.py      Linear, Embedding, LayerNorm, RMSNorm, Dropout
    containers.py  Sequential, ModuleList
    functional.py  the same layers and the losses as functions (imported as F)
    init.py        in-place initialisers drawing from minigrad's one generator
    utils.py       gradient clipping
"""

from minigrad.nn import functional, init, utils
from minigrad.nn.containers import ModuleList, Sequential
from minigrad.nn.layers import Dropout, Embedding, LayerNorm, Linear, RMSNorm
from minigrad.nn.module import Module, Parameter
