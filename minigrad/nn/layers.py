"""The layers: Linear, Embedding, LayerNorm, RMSNorm, Dropout.

Each holds its Parameters and calls the function of the same name in
nn/functional.py, where the math is. Shapes, parameter names and default
initialisations are PyTorch's, so state_dicts move between the two.
Every constructor takes device= and dtype= for where its weights are made.
"""

import math

from minigrad.nn import functional as F
from minigrad.nn import init
from minigrad.nn.module import Module, Parameter
from minigrad.tensor import DEFAULT_DTYPE, zeros


class Linear(Module):
    """y = x Wᵀ + b.

    Args:
        in_features, out_features: sizes of the last axis of x and y
        bias: whether to learn b
    Shapes:
        weight (out_features, in_features), bias (out_features,);
        forward: x (*, in_features) -> (*, out_features)
    Init (PyTorch's): weight and bias both U(-1/√in_features, 1/√in_features),
    the bound kaiming_uniform_(weight, a=√5) gives.
    """

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=DEFAULT_DTYPE):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        self.weight = Parameter(zeros(out_features, in_features, dtype=dtype, device=device))
        self.bias = Parameter(zeros(out_features, dtype=dtype, device=device)) if bias else None
        self.reset_parameters()

    def reset_parameters(self):
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features) if self.in_features > 0 else 0.0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x):
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Embedding(Module):
    """A table of num_embeddings vectors; forward looks rows up by index.

    Shapes: weight (num_embeddings, embedding_dim); forward: indices (*) -> (*, embedding_dim).
    Init (PyTorch's): weight ~ N(0, 1).
    """

    def __init__(self, num_embeddings, embedding_dim, device=None, dtype=DEFAULT_DTYPE):
        super().__init__()
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.weight = Parameter(zeros(num_embeddings, embedding_dim, dtype=dtype, device=device))
        self.reset_parameters()

    def reset_parameters(self):
        init.normal_(self.weight)

    def forward(self, indices):
        return F.embedding(indices, self.weight)

    def extra_repr(self):
        return f"{self.num_embeddings}, {self.embedding_dim}"


class LayerNorm(Module):
    """Normalise over the last axes to zero mean and unit variance, then scale
    and shift: y = (x - μ) / sqrt(σ² + eps) ⊙ weight + bias.

    Shapes: weight, bias normalized_shape; forward: (*, *normalized_shape) -> same.
    Init: weight = 1, bias = 0.
    """

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, device=None,
                 dtype=DEFAULT_DTYPE):
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.normalized_shape, self.eps = shape, eps
        self.weight = Parameter(zeros(shape, dtype=dtype, device=device)) if elementwise_affine else None
        self.bias = Parameter(zeros(shape, dtype=dtype, device=device)) if elementwise_affine and bias else None
        self.reset_parameters()

    def reset_parameters(self):
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, x):
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.weight is not None}"


class RMSNorm(Module):
    """Scale by the root mean square over the last axes: y = x / sqrt(mean(x²) + eps) ⊙ weight.

    Shapes: weight normalized_shape; forward: (*, *normalized_shape) -> same.
    Init: weight = 1. eps defaults to 1e-5, Mamba's value (torch.nn.RMSNorm's
    default is the dtype's machine epsilon).
    """

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, device=None, dtype=DEFAULT_DTYPE):
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.normalized_shape, self.eps = shape, eps
        self.weight = Parameter(zeros(shape, dtype=dtype, device=device)) if elementwise_affine else None
        self.reset_parameters()

    def reset_parameters(self):
        if self.weight is not None:
            init.ones_(self.weight)

    def forward(self, x):
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self):
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.weight is not None}"


class Dropout(Module):
    """Zero elements with probability p in training mode, scaling the rest by
    1/(1-p); the identity in eval mode. Shapes: any -> same."""

    def __init__(self, p=0.5):
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: p must be in [0, 1], got {p}")
        self.p = p

    def forward(self, x):
        return F.dropout(x, self.p, self.training)

    def extra_repr(self):
        return f"p={self.p}"
