"""minigrad: a small reverse-mode autograd engine for sequence models.

    import minigrad as mg
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    x.grad            # tensor([2., 4., 6.])

Where things live:
    backend.py    the one module that names NumPy / CuPy
    tensor.py     Tensor and the constructors
    creation.py   more constructors: eye, linspace, full_like, randint, rand_like, randn_like, multinomial
    autograd.py   Function (an op and a graph node), backward(), grad(), hooks
    grad_mode.py  no_grad(), enable_grad(), set_grad_enabled(): per thread
    ops/          the primitive ops, each forward beside its backward (a package by theme)
    gradcheck.py  finite-difference gradient checking
    graph.py      the graph as Graphviz DOT text
"""

from minigrad import backend
from minigrad.autograd import Function, grad
from minigrad.grad_mode import (
    enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad, set_grad_enabled,
)
from minigrad.gradcheck import GradcheckError, gradcheck
from minigrad.graph import render_dot, to_dot
from minigrad.ops import (
    abs, add, astype, broadcast_to, cat, chunk, clip, concatenate, cumsum, div, exp, flip, getitem, log,
    log_softmax, logsumexp, matmul, max, maximum, mean, min, minimum, mul, neg, pad, permute, pow,
    relu, reshape, sigmoid, silu, softmax, softplus, split, sqrt, squeeze, stack, sub, sum,
    sum_to, take, tanh, transpose, unbind, unsqueeze, var, where,
)
from minigrad.ops import amax, amin, expand, flatten, promote_types, result_type  # noqa: F401
from minigrad.tensor import (
    Tensor, arange, from_numpy, full, ones, ones_like, rand, randn, tensor, zeros, zeros_like,
)
# ---- sorting, selection, special functions, products, norms, logic, more constructors
from minigrad.ops import (
    all, any, argmax, argmin, argsort, bmm, clamp, clone, contiguous, cos, cumprod, einsum, erf, expm1,
    gather, gelu, isfinite, isnan, log1p, logical_and, logical_not, logical_or, masked_fill, norm, outer,
    prod, repeat_interleave, roll, rsqrt, sign, sin, sort, square, std, topk, tril, triu,
)
from minigrad.creation import (
    eye, full_like, linspace, multinomial, rand_like, randint, randn_like,
)

float32 = "float32"
float64 = "float64"
int64 = "int64"
long = int64          # torch.long
# ---- the other dtypes, as torch names them --------------------------------------
int32, int16, int8, uint8, bool = "int32", "int16", "int8", "uint8", "bool"
manual_seed = backend.manual_seed

__version__ = "0.1.0"

# nn and optim build on the engine above, so they are imported last
from minigrad.serialization import load, save  # noqa: E402
from minigrad import nn, optim  # noqa: E402
