"""The primitive ops: each forward beside its vector-Jacobian product.

Read these files as a table of derivatives. For each op, the comment above the
class states the forward and the backward, with g = ∂L/∂out, the gradient
arriving from above:

    # y = x * w;   dx = g * w,  dw = g * x

forward works on raw arrays and may use only functions of the array namespace
`xp` that NumPy, CuPy and the array API standard share. backward works on
Tensors, with these same ops, so that it can itself be differentiated
(create_graph=True). When an input was broadcast, its gradient is summed back
to its own shape by `sum_to` — the one place broadcasting is undone.

Where each op lives, in the order they build on one another:

    operands.py     type promotion and axis arguments, shared by every op
    conversion.py   astype, to_device
    broadcast.py    sum_to, broadcast_to
    shape.py        reshape, permute, cat/split/stack/unbind, flip, cumsum
    elementwise.py  exp, log, tanh, sigmoid, relu, ..., comparisons
    arithmetic.py   + - * / ** @
    reductions.py   sum, amax/amin, max/min, logsumexp, softmax, log_softmax
    indexing.py     x[index], take, where, pad
    composite.py    mean, var, squeeze, unsqueeze, flatten: built from the rest
    special.py      sin, cos, log1p, expm1, square, rsqrt, erf, gelu, sign, clamp
    selection.py    gather (and its scatter-add), masked_fill, tril, triu, roll, repeat, repeat_interleave
    sorting.py      argmax, argmin, sort, argsort, topk
    products.py     prod, cumprod (gradients without dividing by x)
    norms.py        norm, std (a square root whose gradient at 0 is 0)
    linalg.py       outer, bmm, einsum
    logical.py      isnan, isfinite, all, any, logical_and / or / not: masks
    memory.py       clone, contiguous
"""

from minigrad.ops.conversion import (
    AsType, astype, ToDevice, to_device
)
from minigrad.ops.broadcast import (
    SumTo, sum_to, BroadcastTo, broadcast_to
)
from minigrad.ops.operands import (
    promote_types, result_type
)
from minigrad.ops.shape import (
    Reshape, reshape, Permute, permute, transpose, Concat, concatenate, Split, Unbind, Stack, split,
    chunk, unbind, stack, Cumsum, cumsum, Flip, flip, cat, expand
)
from minigrad.ops.elementwise import (
    Exp, exp, Log, log, Sqrt, sqrt, Tanh, TanhBackward, tanh, Sigmoid, SigmoidBackward, sigmoid, Relu,
    relu, Softplus, softplus, Silu, silu, Abs, abs, Maximum, Minimum, maximum, minimum, Clip, clip,
    compare
)
from minigrad.ops.arithmetic import (
    Add, add, Sub, sub, Mul, mul, Div, div, Neg, neg, PowScalar, Pow, pow, MatMul, matmul
)
from minigrad.ops.reductions import (
    Sum, sum, Max, amax, amin, MaxAlong, max, min, max_result, min_result, LogSumExp, logsumexp,
    Softmax, softmax, LogSoftmax, log_softmax
)
from minigrad.ops.indexing import (
    GetItem, IndexAdd, getitem, Take, PutAdd, take, Where, where, Pad, pad
)
from minigrad.ops.composite import (
    mean, var, squeeze, unsqueeze, flatten
)
from minigrad.ops.special import (
    Sin, sin, Cos, cos, Log1p, log1p, Expm1, expm1, Square, square, Rsqrt, rsqrt, Erf, erf, Gelu, gelu,
    Sign, sign, Clamp, clamp
)
from minigrad.ops.selection import (
    Gather, ScatterAdd, gather, masked_fill, tril, triu, Roll, roll, repeat, repeat_interleave
)
from minigrad.ops.sorting import (
    ValuesIndices, argmax, argmin, argsort, sort, topk
)
from minigrad.ops.products import (
    Cumprod, cumprod, Prod, prod
)
from minigrad.ops.norms import (
    SqrtZeroAtZero, PNorm, norm, std
)
from minigrad.ops.linalg import (
    outer, bmm, Einsum, einsum
)
from minigrad.ops.logical import (
    isnan, isfinite, all, any, logical_and, logical_or, logical_not
)
from minigrad.ops.memory import (
    Clone, clone, Contiguous, contiguous
)
