"""conv1d: a 1-d convolution (PyTorch's cross-correlation), with stride,
padding, dilation and groups, built from slices and one matrix product.

    out[n, o, l] = bias[o] + Σ_c Σ_k weight[o, c, k] · x[n, g·C_g + c, l·stride + k·dilation]

for output channel o in group g = o // O_g, where the input's C_in channels
and the C_out outputs are split into `groups` equal groups of C_g and O_g.
groups = C_in = C_out is a depthwise convolution: each channel its own filter
(Mamba's causal conv, with padding K - 1 and the first L outputs kept).

How: the K taps read K strided slices of the padded input ("im2col"), stacked
into (N, G, C_g·K, L_out); then one batched product with the weight as
(G, O_g, C_g·K) does every sum at once. Slicing and matmul have their own
backward, so the gradient comes from the engine.
"""

import numbers

from minigrad.nn.checks import check_float, type_name
from minigrad.ops import pad as zero_pad
from minigrad.ops import reshape, stack


def _one_int(name, what, value, minimum):
    if isinstance(value, (tuple, list)) and len(value) == 1:
        value = value[0]
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: {what} must be an int or a tuple of one int, got {value!r} ({type_name(value)})")
    if value < minimum:
        raise ValueError(f"{name}: {what} must be at least {minimum}, got {value}")
    return int(value)


def conv1d_padding(name, padding, kernel_size, stride, dilation):
    """(left, right) zeros for padding = an int, 'valid' (none) or 'same'
    (the output as long as the input; stride 1 only; the odd zero on the right)."""
    if isinstance(padding, str):
        if padding == "valid":
            return 0, 0
        if padding == "same":
            if stride != 1:
                raise ValueError(f"{name}: padding='same' is not supported for strided convolutions")
            total = dilation * (kernel_size - 1)
            return total // 2, total - total // 2
        raise ValueError(f"{name}: padding must be an int, 'valid' or 'same', got {padding!r}")
    p = _one_int(name, "padding", padding, 0)
    return p, p


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """A 1-d convolution over time, as torch.nn.functional.conv1d.

    Args:
        input: (N, C_in, L), or unbatched (C_in, L)
        weight: (C_out, C_in / groups, K)
        bias: (C_out,) or None
        stride, dilation: ints ≥ 1;  padding: an int ≥ 0, 'valid' or 'same'
        groups: splits the channels into this many independent convolutions
    Returns:
        (N, C_out, L_out), or (C_out, L_out) unbatched, with
        L_out = ⌊(L + left + right - dilation·(K - 1) - 1) / stride⌋ + 1
    """
    check_float("conv1d", "input", input)
    check_float("conv1d", "weight", weight)
    stride = _one_int("conv1d", "stride", stride, 1)
    dilation = _one_int("conv1d", "dilation", dilation, 1)
    groups = _one_int("conv1d", "groups", groups, 1)
    if input.ndim not in (2, 3):
        raise ValueError(f"conv1d: expected input of shape (N, C_in, L) or (C_in, L), got shape {input.shape}")
    if weight.ndim != 3:
        raise ValueError(f"conv1d: expected weight of shape (C_out, C_in / groups, K), got shape {weight.shape}")
    if input.device != weight.device or input.dtype != weight.dtype:
        raise TypeError(f"conv1d: input ({input.dtype} on {input.device!r}) and weight ({weight.dtype} on "
                        f"{weight.device!r}) must have the same dtype and device")
    unbatched = input.ndim == 2
    x = reshape(input, (1,) + input.shape) if unbatched else input              # (N, C_in, L)
    N, C_in, L = x.shape
    C_out, C_g, K = weight.shape
    if C_in % groups or C_out % groups:
        raise ValueError(f"conv1d: in_channels {C_in} and out_channels {C_out} must both be divisible "
                         f"by groups={groups}")
    if C_g * groups != C_in:
        raise RuntimeError(f"conv1d: weight of shape {weight.shape} with groups={groups} expects input with "
                           f"{C_g * groups} channels, got input of shape {input.shape}")
    if bias is not None and bias.shape != (C_out,):
        raise RuntimeError(f"conv1d: expected bias of shape ({C_out},), got {bias.shape}")
    left, right = conv1d_padding("conv1d", padding, K, stride, dilation)
    if left or right:
        x = zero_pad(x, ((0, 0), (0, 0), (left, right)))                      # (N, C_in, L + left + right)
    span = dilation * (K - 1) + 1                                              # the receptive field
    L_out = (x.shape[2] - span) // stride + 1
    if L_out < 1:
        raise RuntimeError(f"conv1d: the padded input of length {x.shape[2]} is shorter than the kernel's "
                           f"span {span} (K={K}, dilation={dilation})")
    end = stride * (L_out - 1) + 1
    taps = [x[:, :, k * dilation:k * dilation + end:stride] for k in range(K)]  # K × (N, C_in, L_out)
    cols = stack(taps, axis=2)                                                  # (N, C_in, K, L_out)
    cols = reshape(cols, (N, groups, C_g * K, L_out))                           # (N, G, C_g·K, L_out)
    w = reshape(weight, (groups, C_out // groups, C_g * K))                    # (G, O_g, C_g·K)
    out = reshape(w @ cols, (N, C_out, L_out))                                  # (N, C_out, L_out)
    if bias is not None:
        out = out + reshape(bias, (C_out, 1))
    return reshape(out, out.shape[1:]) if unbatched else out
