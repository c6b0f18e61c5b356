"""Activation modules: ReLU, Tanh, Sigmoid, GELU, SiLU, LeakyReLU, Softmax,
LogSoftmax — each a Module around the function of the same name in
nn.functional, so that it can sit in a Sequential. No parameters.
Shapes: any input (*) -> the same shape.
"""

from minigrad.nn import functional as F
from minigrad.nn.module import Module


class ReLU(Module):
    """max(x, 0). Args: inplace (False only; see docs/differences.md)."""

    def __init__(self, inplace=False):
        super().__init__()
        F.activations._no_inplace("ReLU", inplace)
        self.inplace = inplace

    def forward(self, input):
        """Args: input (*). Returns: (*)."""
        return F.relu(input)

    def extra_repr(self):
        """The settings repr() prints inside the parentheses, as PyTorch's."""
        return "inplace=True" if self.inplace else ""


class Tanh(Module):
    """tanh(x)."""

    def forward(self, input):
        """Args: input (*). Returns: (*)."""
        return F.tanh(input)


class Sigmoid(Module):
    """σ(x) = 1 / (1 + e^-x)."""

    def forward(self, input):
        """Args: input (*). Returns: (*)."""
        return F.sigmoid(input)


class GELU(Module):
    """x Φ(x); Args: approximate 'none' (exact, erf) or 'tanh'."""

    def __init__(self, approximate="none"):
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, input):
        """Args: input (*). Returns: (*)."""
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self):
        """The settings repr() prints inside the parentheses, as PyTorch's."""
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    """x σ(x). Args: inplace (False only)."""

    def __init__(self, inplace=False):
        super().__init__()
        F.activations._no_inplace("SiLU", inplace)
        self.inplace = inplace

    def forward(self, input):
        """Args: input (*). Returns: (*)."""
        return F.silu(input)

    def extra_repr(self):
        """The settings repr() prints inside the parentheses, as PyTorch's."""
        return "inplace=True" if self.inplace else ""


class LeakyReLU(Module):
    """x if x > 0 else negative_slope · x. Args: negative_slope, inplace (False only)."""

    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__()
        F.activations._no_inplace("LeakyReLU", inplace)
        if isinstance(negative_slope, bool) or not isinstance(negative_slope, (int, float)):
            raise TypeError(f"LeakyReLU: negative_slope must be a number, got {negative_slope!r}")
        self.negative_slope, self.inplace = negative_slope, inplace

    def forward(self, input):
        """Args: input (*). Returns: (*)."""
        return F.leaky_relu(input, self.negative_slope)

    def extra_repr(self):
        """The settings repr() prints inside the parentheses, as PyTorch's."""
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")


class Softmax(Module):
    """e^x / Σ e^x along dim (None: PyTorch's implicit choice, see F.softmax)."""

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        """Args: input (*). Returns: (*), summing to 1 along dim."""
        return F.softmax(input, self.dim)

    def extra_repr(self):
        """The settings repr() prints inside the parentheses, as PyTorch's."""
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """x - logsumexp(x) along dim."""

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        """Args: input (*). Returns: (*), log-probabilities along dim."""
        return F.log_softmax(input, self.dim)

    def extra_repr(self):
        """The settings repr() prints inside the parentheses, as PyTorch's."""
        return f"dim={self.dim}"
