"""minigrad.nn: modules, layers, losses and initialisers, shaped like torch.nn."""

from minigrad.nn.module import Module, Parameter
