"""The layers: Linear, Embedding, LayerNorm, RMSNorm, Dropout, and the
shape helpers Identity, Flatten, Unflatten.

Each holds its Parameters and calls the function of the same name in
nn/functional/, where the math is. Shapes, parameter names and default
initialisations are PyTorch's, so state_dicts move between the two.
Every constructor takes device= and dtype= for where its weights are made.
"""

import math

from minigrad import backend
from minigrad.nn import functional as F
from minigrad.nn.checks import check_dim, check_float, check_like, check_size, check_tensor
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
        self.in_features = check_size("Linear", "in_features", in_features)
        self.out_features = check_size("Linear", "out_features", out_features)
        self.weight = Parameter(zeros(out_features, in_features, dtype=dtype, device=device))
        if bias:
            self.bias = Parameter(zeros(out_features, dtype=dtype, device=device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """PyTorch's init: kaiming_uniform_(a=√5) for the weight, U(±1/√in_features) for the bias."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features) if self.in_features > 0 else 0.0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x):
        """Args: x (*, in_features). Returns: (*, out_features)."""
        check_like("Linear", "input", x, self.weight)
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self):
        """The settings repr() prints inside the parentheses, as PyTorch's."""
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Embedding(Module):
    """A table of num_embeddings vectors; forward looks rows up by index.

    Args:
        num_embeddings, embedding_dim: the table's size
        padding_idx: a row initialised to zeros that gets no gradient (a
            padding token), negative counting from the end; or None
    Shapes: weight (num_embeddings, embedding_dim); forward: indices (*) -> (*, embedding_dim).
    Init (PyTorch's): weight ~ N(0, 1), the padding row zeros.
    """

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, device=None, dtype=DEFAULT_DTYPE):
        super().__init__()
        self.num_embeddings = check_size("Embedding", "num_embeddings", num_embeddings)
        self.embedding_dim = check_size("Embedding", "embedding_dim", embedding_dim)
        self.padding_idx = F.layers._padding_idx("Embedding", padding_idx, num_embeddings)
        self.weight = Parameter(zeros(num_embeddings, embedding_dim, dtype=dtype, device=device))
        self.reset_parameters()

    def reset_parameters(self):
        """weight ~ N(0, 1), then the padding row set to zeros."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight._write(self.weight._data * _row_mask(self.weight, self.padding_idx))

    def forward(self, indices):
        """Args: indices, integers (*). Returns: (*, embedding_dim)."""
        return F.embedding(indices, self.weight, self.padding_idx)

    def extra_repr(self):
        """The settings repr() prints inside the parentheses, as PyTorch's."""
        return f"{self.num_embeddings}, {self.embedding_dim}" + \
            (f", padding_idx={self.padding_idx}" if self.padding_idx is not None else "")


def _row_mask(weight, row):
    """(n, 1) array of ones with a 0 at `row`."""
    b = backend.of(weight._data)
    n = weight.shape[0]
    return b.xp.astype(backend.arange(0, n, 1, "int64", b) != row, weight.dtype)[:, None]


class LayerNorm(Module):
    """Normalise over the last axes to zero mean and unit variance, then scale
    and shift: y = (x - μ) / sqrt(σ² + eps) ⊙ weight + bias.

    Shapes: weight, bias normalized_shape; forward: (*, *normalized_shape) -> same.
    Init: weight = 1, bias = 0.

    Args:
        normalized_shape: the trailing shape normalised over
        eps: added to the variance
        elementwise_affine: learn weight (and bias)
        bias: learn the bias
        device, dtype: where and how the weights are made
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
        """weight = 1 (and bias = 0): the identity at the start."""
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, x):
        """Args: x (*, *normalized_shape). Returns: the same shape."""
        _check_input(self, x)
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        """The settings repr() prints inside the parentheses, as PyTorch's."""
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.weight is not None}"


class RMSNorm(Module):
    """Scale by the root mean square over the last axes: y = x / sqrt(mean(x²) + eps) ⊙ weight.

    Shapes: weight normalized_shape; forward: (*, *normalized_shape) -> same.
    Init: weight = 1. eps defaults to 1e-5, Mamba's value (torch.nn.RMSNorm's
    default is the dtype's machine epsilon).

    Args:
        normalized_shape: the trailing shape normalised over
        eps: added to the mean square
        elementwise_affine: learn the weight
        device, dtype: where and how the weight is made
    """

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, device=None, dtype=DEFAULT_DTYPE):
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.normalized_shape, self.eps = shape, eps
        self.weight = Parameter(zeros(shape, dtype=dtype, device=device)) if elementwise_affine else None
        self.reset_parameters()

    def reset_parameters(self):
        """weight = 1: the identity at the start."""
        if self.weight is not None:
            init.ones_(self.weight)

    def forward(self, x):
        """Args: x (*, *normalized_shape). Returns: the same shape."""
        _check_input(self, x)
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self):
        """The settings repr() prints inside the parentheses, as PyTorch's."""
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
        """Args: x (*). Returns: (*)."""
        check_float("Dropout", "input", x)
        return F.dropout(x, self.p, self.training)

    def extra_repr(self):
        """The settings repr() prints inside the parentheses, as PyTorch's."""
        return f"p={self.p}"


def _check_input(norm, x):
    """A norm layer's input: a float Tensor, with the weight's dtype and device if it has one."""
    if norm.weight is None:
        check_float(type(norm).__name__, "input", x)
    else:
        check_like(type(norm).__name__, "input", x, norm.weight)


class Identity(Module):
    """Returns its input unchanged (a placeholder in a Sequential). Arguments are ignored, as in PyTorch."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        """Args: input (*). Returns: input itself."""
        return input


class Flatten(Module):
    """Merge axes start_dim … end_dim into one: (N, C, L) -> (N, C·L) by default."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, input):
        """Args: input (*). Returns: the same numbers with axes start_dim … end_dim merged."""
        check_tensor("Flatten", "input", input)
        if input.ndim == 0:
            return input.reshape(1)
        start = check_dim("Flatten", self.start_dim, input.ndim)
        end = check_dim("Flatten", self.end_dim, input.ndim)
        if start > end:
            raise RuntimeError(f"Flatten: start_dim {self.start_dim} cannot come after end_dim {self.end_dim} "
                               f"for a tensor of {input.ndim} dims")
        merged = math.prod(input.shape[start:end + 1])
        return input.reshape(input.shape[:start] + (merged,) + input.shape[end + 1:])

    def extra_repr(self):
        """The settings repr() prints inside the parentheses, as PyTorch's."""
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split axis `dim` into the shape `unflattened_size` (one entry may be -1):
    Unflatten(1, (2, 3)) maps (N, 6) to (N, 2, 3)."""

    def __init__(self, dim, unflattened_size):
        super().__init__()
        if not isinstance(unflattened_size, (tuple, list)) or \
                not all(isinstance(s, int) and not isinstance(s, bool) for s in unflattened_size):
            raise TypeError(f"Unflatten: unflattened_size must be a tuple of ints, got {unflattened_size!r}")
        self.dim, self.unflattened_size = dim, tuple(unflattened_size)

    def forward(self, input):
        """Args: input (..., d, ...). Returns: (..., *unflattened_size, ...)."""
        check_tensor("Unflatten", "input", input)
        dim = check_dim("Unflatten", self.dim, input.ndim)
        sizes, n = list(self.unflattened_size), input.shape[dim]
        known = math.prod(s for s in sizes if s != -1)
        if sizes.count(-1) == 1 and known and n % known == 0:
            sizes[sizes.index(-1)] = n // known
        if math.prod(sizes) != n or any(s < 0 for s in sizes):
            raise RuntimeError(f"Unflatten: unflattened_size {self.unflattened_size} does not multiply to the size "
                               f"{n} of dim {self.dim} of input of shape {input.shape}")
        return input.reshape(input.shape[:dim] + tuple(sizes) + input.shape[dim + 1:])

    def extra_repr(self):
        """The settings repr() prints inside the parentheses, as PyTorch's."""
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
