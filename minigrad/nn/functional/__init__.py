"""minigrad.nn.functional (imported as F): layers, activations and losses as
plain functions of tensors, with torch.nn.functional's names and arguments.

    activations.py  relu, gelu, silu, tanh, sigmoid, leaky_relu, logsigmoid, glu, softmax, log_softmax
    layers.py       linear, embedding, dropout, layer_norm, rms_norm, pad, normalize,
                    cosine_similarity, one_hot
    conv.py         conv1d
    attention.py    scaled_dot_product_attention
    losses.py       cross_entropy, nll_loss, mse_loss, l1_loss, smooth_l1_loss, huber_loss,
                    binary_cross_entropy, binary_cross_entropy_with_logits, kl_div

Each is a composite of engine ops, so its gradient comes from the engine and
is checked by the same gradcheck as the primitives.
"""

from minigrad.nn.functional.activations import (
    gelu, glu, leaky_relu, log_softmax, logsigmoid, relu, sigmoid, silu, softmax, tanh,
)
from minigrad.nn.functional.attention import scaled_dot_product_attention
from minigrad.nn.functional.conv import conv1d
from minigrad.nn.functional.layers import (
    cosine_similarity, dropout, embedding, layer_norm, linear, normalize, one_hot, pad, rms_norm,
)
from minigrad.nn.functional.losses import (
    binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, huber_loss, kl_div, l1_loss,
    mse_loss, nll_loss, smooth_l1_loss,
)

__all__ = ["relu", "gelu", "silu", "tanh", "sigmoid", "leaky_relu", "logsigmoid", "glu", "softmax",
           "log_softmax", "linear", "embedding", "dropout", "layer_norm", "rms_norm", "pad", "normalize",
           "cosine_similarity", "one_hot", "conv1d", "scaled_dot_product_attention", "cross_entropy",
           "nll_loss", "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "kl_div"]
