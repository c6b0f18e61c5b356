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
    reductions.py   sum, max/min, logsumexp, softmax
    indexing.py     x[index], take, where, pad
    composite.py    mean, var, log_softmax, squeeze, unsqueeze: built from the rest
    inplace.py      x[index] = v, x += y, add_, mul_, zero_, ...: writing into x's own array
"""

from minigrad.ops.conversion import (
    AsType, astype, ToDevice, to_device
)
from minigrad.ops.broadcast import (
    SumTo, sum_to, BroadcastTo, broadcast_to
)
from minigrad.ops.shape import (
    Reshape, reshape, Permute, permute, transpose, Concat, concatenate, Split, Unbind, Stack, split,
    chunk, unbind, stack, Cumsum, cumsum, Flip, flip, cat
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
    Sum, sum, Max, max, min, LogSumExp, logsumexp, Softmax, softmax
)
from minigrad.ops.indexing import (
    GetItem, IndexAdd, getitem, Take, PutAdd, take, Where, where, Pad, pad
)
from minigrad.ops.composite import (
    mean, var, log_softmax, squeeze, unsqueeze
)
from minigrad.ops.inplace import (
    SetItem, setitem, add_, sub_, mul_, div_, clamp_, fill_, zero_, copy_
)
