"""Conv1d: a 1-d convolution over time as a module, PyTorch's parameters and init.

The math is nn.functional.conv1d's. Padding modes other than zeros pad the
input with F.pad first and convolve without padding, as PyTorch does.
"""

import math

from minigrad.nn import functional as F
from minigrad.nn import init
from minigrad.nn.checks import check_like, check_size
from minigrad.nn.functional.conv import _one_int, conv1d_padding
from minigrad.nn.module import Module, Parameter
from minigrad.tensor import DEFAULT_DTYPE, zeros

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class Conv1d(Module):
    """y = conv1d(x, weight, bias) with stride, padding, dilation and groups.

    Args:
        in_channels, out_channels: C_in and C_out, both divisible by groups
        kernel_size: K;  stride, dilation: ≥ 1
        padding: an int, 'valid' or 'same';  padding_mode: 'zeros', 'reflect',
            'replicate' or 'circular'
        groups: independent channel groups (groups = C_in: depthwise)
        bias: whether to learn a bias
    Shapes:
        weight (C_out, C_in / groups, K), bias (C_out,);
        forward: x (N, C_in, L) or (C_in, L) -> (N, C_out, L_out) or (C_out, L_out)
    Init (PyTorch's): weight and bias U(±1/√(C_in / groups · K)), the bound
    kaiming_uniform_(weight, a=√5) gives.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", device=None, dtype=DEFAULT_DTYPE):
        super().__init__()
        in_channels = check_size("Conv1d", "in_channels", in_channels)
        out_channels = check_size("Conv1d", "out_channels", out_channels)
        K = _one_int("Conv1d", "kernel_size", kernel_size, 1)
        stride = _one_int("Conv1d", "stride", stride, 1)
        dilation = _one_int("Conv1d", "dilation", dilation, 1)
        groups = check_size("Conv1d", "groups", groups)
        if in_channels % groups or out_channels % groups:
            raise ValueError(f"Conv1d: in_channels {in_channels} and out_channels {out_channels} must be "
                             f"divisible by groups={groups}")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"Conv1d: padding_mode must be one of {_PADDING_MODES}, got {padding_mode!r}")
        self._pads = conv1d_padding("Conv1d", padding, K, stride, dilation)   # (left, right), checked
        self.in_channels, self.out_channels, self.groups, self.padding_mode = \
            in_channels, out_channels, groups, padding_mode
        self.kernel_size, self.stride, self.dilation = (K,), (stride,), (dilation,)
        self.padding = padding if isinstance(padding, str) else (self._pads[0],)
        self.weight = Parameter(zeros(out_channels, in_channels // groups, K, dtype=dtype, device=device))
        if bias:
            self.bias = Parameter(zeros(out_channels, dtype=dtype, device=device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """PyTorch's init: kaiming_uniform_(a=√5) for the weight, U(±1/√fan_in) for the bias."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.weight.shape[1] * self.weight.shape[2])
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        """Args: input (N, C_in, L) or (C_in, L). Returns: (N, C_out, L_out) or (C_out, L_out)."""
        check_like("Conv1d", "input", input, self.weight)
        if self.padding_mode == "zeros":
            return F.conv1d(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)
        padded = F.pad(input, self._pads, mode=self.padding_mode)
        return F.conv1d(padded, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)

    def extra_repr(self):
        """The settings repr() prints inside the parentheses, as PyTorch's."""
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,):
            s += f", padding={self.padding!r}" if isinstance(self.padding, str) else f", padding={self.padding}"
        if self.dilation != (1,):
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s
