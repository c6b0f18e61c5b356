"""The primitive ops: each forward beside its vector-Jacobian product.

Read this file as a table of derivatives. For each op, the comment above the
class states the forward and the backward, with g = ∂L/∂out, the gradient
arriving from above:

    # y = x * w;   dx = g * w,  dw = g * x

forward works on raw arrays and may use only functions of the array namespace
`xp` that NumPy, CuPy and the array API standard share. backward works on
Tensors, with these same ops, so that it can itself be differentiated
(create_graph=True). When an input was broadcast, its gradient is summed back
to its own shape by `sum_to` — the one place broadcasting is undone.

Composite ops (mean, var, log_softmax, squeeze, ...) are built from
the primitives at the end of the file; their gradients come for free.
"""

import builtins
import math
import numbers

from minigrad import backend
from minigrad.autograd import Function
from minigrad.tensor import DEFAULT_DTYPE, Tensor, tensor, zeros_like


def _xp(a):
    return backend.of(a).xp


def _shape(a):
    return tuple(a.shape) if hasattr(a, "shape") else ()


def _operand(x):
    """Tensors stay; numbers stay Python numbers, which take the other operand's
    dtype (so float32 stays float32); lists and arrays become Tensors."""
    if isinstance(x, Tensor):
        return x
    if backend.is_host_scalar(x):          # a NumPy scalar: made as weak as a Python number
        return x.item()
    if isinstance(x, numbers.Number):
        return x
    return tensor(x)


def _operands(a, b):
    """Both operands of a binary op, with PyTorch's promotion on every backend:
    an integer or bool tensor meeting a float (a number or a tensor) becomes
    float first — float32 for a number, the tensor's float dtype otherwise.
    (NumPy would make int64 * 0.5 float64, and array-api-strict refuses it.)"""
    a, b = _operand(a), _operand(b)
    if isinstance(a, Tensor):
        if isinstance(b, Tensor):
            if a.dtype is not b.dtype:                 # the common case, same dtype, is one test
                a_float, b_float = backend.is_float(a.dtype), backend.is_float(b.dtype)
                if a_float and not b_float:
                    b = astype(b, a.dtype)
                elif b_float and not a_float:
                    a = astype(a, b.dtype)
        elif isinstance(b, float) and not backend.is_float(a.dtype):
            a = astype(a, DEFAULT_DTYPE)
    elif isinstance(a, float) and isinstance(b, Tensor) and not backend.is_float(b.dtype):
        b = astype(b, DEFAULT_DTYPE)
    return a, b


def _normalize_axis(axis, ndim, op="reduction"):
    """Axes as a sorted tuple of non-negative ints; None means all of them.
    A 0-d tensor has no axes: None, 0 and -1 all mean "nothing to reduce"."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, numbers.Integral):
        axis = (axis,)
    out = []
    for a in axis:
        if not -builtins.max(ndim, 1) <= a < builtins.max(ndim, 1):
            raise ValueError(f"{op}: axis {a} is out of range for a tensor of {ndim} dims")
        if ndim:
            out.append(a % ndim)
    return tuple(sorted(set(out)))


def _one_axis(axis, ndim, op):
    """One axis, as a non-negative int, for ops that work along a single axis."""
    if ndim == 0:
        raise ValueError(f"{op}: needs a tensor with at least 1 dim, got a 0-d tensor")
    if not isinstance(axis, numbers.Integral):
        raise TypeError(f"{op}: axis must be one integer, got {axis!r}")
    return _normalize_axis(axis, ndim, op)[0]


# ---- undoing broadcasting ---------------------------------------------------

# y = sum of x over the axes broadcasting added;  dx = broadcast_to(g, x.shape)
class SumTo(Function):
    @staticmethod
    def forward(ctx, x, shape):
        ctx.x_shape = tuple(x.shape)
        lead = x.ndim - len(shape)                       # axes broadcasting prepended
        axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape)
                                          if s == 1 and x.shape[i + lead] != 1)
        y = _xp(x).sum(x, axis=axes, keepdims=True) if axes else x
        return _xp(x).reshape(y, shape)

    @staticmethod
    def backward(ctx, g):
        return broadcast_to(g, ctx.x_shape), None


def sum_to(x, shape):
    """Sum x down to `shape` — the inverse of broadcasting it up."""
    shape = tuple(shape)
    if x.shape == shape:
        return x
    return SumTo.apply(x, shape)


# y = x broadcast to shape;  dx = sum_to(g, x.shape)
class BroadcastTo(Function):
    @staticmethod
    def forward(ctx, x, shape):
        ctx.x_shape = tuple(x.shape)
        return _xp(x).broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, g):
        return sum_to(g, ctx.x_shape), None


def broadcast_to(x, shape):
    shape = tuple(shape)
    if x.shape == shape:
        return x
    return BroadcastTo.apply(x, shape)


# ---- arithmetic (broadcasting both ways) -------------------------------------

# y = a + b;   da = g,  db = g
class Add(Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.a_shape, ctx.b_shape = _shape(a), _shape(b)
        return a + b

    @staticmethod
    def backward(ctx, g):
        da = sum_to(g, ctx.a_shape) if ctx.needs_input_grad[0] else None
        db = sum_to(g, ctx.b_shape) if ctx.needs_input_grad[1] else None
        return da, db


def add(a, b):
    return Add.apply(*_operands(a, b))


# y = a - b;   da = g,  db = -g
class Sub(Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.a_shape, ctx.b_shape = _shape(a), _shape(b)
        return a - b

    @staticmethod
    def backward(ctx, g):
        da = sum_to(g, ctx.a_shape) if ctx.needs_input_grad[0] else None
        db = sum_to(-g, ctx.b_shape) if ctx.needs_input_grad[1] else None
        return da, db


def sub(a, b):
    return Sub.apply(*_operands(a, b))


# y = a * b;   da = g * b,  db = g * a
class Mul(Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        da = sum_to(g * b, _shape(a)) if ctx.needs_input_grad[0] else None
        db = sum_to(g * a, _shape(b)) if ctx.needs_input_grad[1] else None
        return da, db


def mul(a, b):
    return Mul.apply(*_operands(a, b))


# y = a / b;   da = g / b,  db = -g * a / b²
class Div(Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a / b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        da = sum_to(g / b, _shape(a)) if ctx.needs_input_grad[0] else None
        db = sum_to(-g * a / (b * b), _shape(b)) if ctx.needs_input_grad[1] else None
        return da, db


def div(a, b):
    return Div.apply(*_operands(a, b))


# y = -x;   dx = -g
class Neg(Function):
    @staticmethod
    def forward(ctx, x):
        return -x

    @staticmethod
    def backward(ctx, g):
        return -g


def neg(x):
    return Neg.apply(x)


# y = x ** c  (c a number);   dx = g * c * x^(c-1)
class PowScalar(Function):
    @staticmethod
    def forward(ctx, x, c):
        ctx.save_for_backward(x)
        ctx.c = c
        return x ** c

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        c = ctx.c
        if c == 0:
            return g * 0.0, None
        if c == 2:
            return g * (x * 2), None          # x ** 1 would be one more pass over x
        return g * c * x ** (c - 1), None


# y = a ** b  (both tensors);   da = g * b * a^(b-1),  db = g * y * log(a)
class Pow(Function):
    @staticmethod
    def forward(ctx, a, b):
        y = a ** b
        ctx.save_for_backward(a, b, y)
        return y

    @staticmethod
    def backward(ctx, g):
        a, b, y = ctx.saved_tensors
        da = sum_to(g * b * a ** (b - 1), a.shape) if ctx.needs_input_grad[0] else None
        db = sum_to(g * y * log(a), b.shape) if ctx.needs_input_grad[1] else None
        return da, db


def pow(a, b):
    a, b = _operands(a, b)
    if isinstance(a, Tensor) and not isinstance(b, Tensor):
        return PowScalar.apply(a, b)
    if not isinstance(a, Tensor):                   # 2 ** x: the base takes x's dtype
        a = Tensor(backend.of(b.data).asarray(a, b.dtype))
    return Pow.apply(a, b)


# y = a @ b over the last two axes, batch axes broadcasting;
# da = g @ bᵀ,  db = aᵀ @ g   (then summed back over broadcast batch axes)
class MatMul(Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _xp(a).matmul(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        da = sum_to(g @ b.transpose(-1, -2), a.shape) if ctx.needs_input_grad[0] else None
        db = sum_to(a.transpose(-1, -2) @ g, b.shape) if ctx.needs_input_grad[1] else None
        return da, db


def matmul(a, b):
    """Matrix product as in NumPy: 1-D operands are promoted to a row (left)
    or a column (right) and the added axis is removed from the result."""
    a, b = _operand(a), _operand(b)
    if not (isinstance(a, Tensor) and isinstance(b, Tensor)):
        raise TypeError("matmul: both operands must be tensors or arrays, not scalars")
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(f"matmul: operands must have at least 1 dim, got shapes {a.shape} and {b.shape}")
    a_vec, b_vec = a.ndim == 1, b.ndim == 1
    if a_vec:
        a = reshape(a, (1, a.shape[0]))
    if b_vec:
        b = reshape(b, (b.shape[0], 1))
    if a.shape[-1] != b.shape[-2]:
        raise ValueError(f"matmul: inner dimensions differ: {a.shape} @ {b.shape} "
                         f"({a.shape[-1]} != {b.shape[-2]})")
    y = MatMul.apply(a, b)
    if a_vec and b_vec:
        return reshape(y, y.shape[:-2])
    if a_vec:
        return reshape(y, y.shape[:-2] + y.shape[-1:])
    if b_vec:
        return reshape(y, y.shape[:-1])
    return y


# ---- elementwise functions ----------------------------------------------------

# y = exp(x);   dx = g * y
class Exp(Function):
    @staticmethod
    def forward(ctx, x):
        y = _xp(x).exp(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * y


def exp(x):
    return Exp.apply(x)


# y = log(x);   dx = g / x
class Log(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _xp(x).log(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g / x


def log(x):
    return Log.apply(x)


# y = √x;   dx = g / (2y)
class Sqrt(Function):
    @staticmethod
    def forward(ctx, x):
        y = _xp(x).sqrt(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g / (2 * y)


def sqrt(x):
    return Sqrt.apply(x)


# y = tanh(x);   dx = g * (1 - y²)
class Tanh(Function):
    @staticmethod
    def forward(ctx, x):
        y = _xp(x).tanh(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return TanhBackward.apply(g, y)


# z = g * (1 - y²): tanh's backward as one op rather than three, since every
# gate of every RNN step pays it (PyTorch has tanh_backward for this reason);
# its own backward carries second derivatives:   dg = gz * (1 - y²),  dy = -2 gz g y
class TanhBackward(Function):
    @staticmethod
    def forward(ctx, g, y):
        ctx.save_for_backward(g, y)
        return g * (1 - y * y)

    @staticmethod
    def backward(ctx, gz):
        g, y = ctx.saved_tensors
        dg = gz * (1 - y * y) if ctx.needs_input_grad[0] else None
        dy = -2 * gz * g * y if ctx.needs_input_grad[1] else None
        return dg, dy


def tanh(x):
    return Tanh.apply(x)


def _sigmoid(xp, x):
    # σ(x) = 1 / (1 + e^-x) overflows e^-x for x << 0. Both exponents below
    # are ≤ 0, so nothing overflows: σ(x) = e^min(x,0) / (1 + e^-|x|), which is
    # 1/(1+e^-x) for x ≥ 0 and e^x/(1+e^x) for x < 0. (No xp.where on x ≥ 0:
    # on a random sign pattern it costs several times the whole formula.)
    return xp.exp(xp.minimum(x, 0)) / (1 + xp.exp(-xp.abs(x)))


# y = σ(x);   dx = g * y * (1 - y)
class Sigmoid(Function):
    @staticmethod
    def forward(ctx, x):
        y = _sigmoid(_xp(x), x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return SigmoidBackward.apply(g, y)


# z = g * y * (1 - y): σ's backward as one op, as for tanh;
# dg = gz * y * (1 - y),  dy = gz * g * (1 - 2y)
class SigmoidBackward(Function):
    @staticmethod
    def forward(ctx, g, y):
        ctx.save_for_backward(g, y)
        return g * y * (1 - y)

    @staticmethod
    def backward(ctx, gz):
        g, y = ctx.saved_tensors
        dg = gz * y * (1 - y) if ctx.needs_input_grad[0] else None
        dy = gz * g * (1 - 2 * y) if ctx.needs_input_grad[1] else None
        return dg, dy


def sigmoid(x):
    return Sigmoid.apply(x)


# y = max(x, 0);   dx = g * [x > 0]
class Relu(Function):
    @staticmethod
    def forward(ctx, x):
        xp = _xp(x)
        ctx.save_for_backward(xp.astype(x > 0, x.dtype))
        return xp.maximum(x, xp.zeros_like(x))

    @staticmethod
    def backward(ctx, g):
        mask, = ctx.saved_tensors
        return g * mask


def relu(x):
    return Relu.apply(x)


# y = log(1 + eˣ) = max(x, 0) + log(1 + e^-|x|)  (stable);   dx = g * σ(x)
class Softplus(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        xp = _xp(x)
        return xp.maximum(x, xp.zeros_like(x)) + xp.log1p(xp.exp(-xp.abs(x)))

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * sigmoid(x)


def softplus(x):
    return Softplus.apply(x)


# y = x σ(x);   dx = g * (σ(x) + x σ(x)(1 - σ(x)))
class Silu(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * _sigmoid(_xp(x), x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        s = sigmoid(x)
        return g * (s + x * s * (1 - s))


def silu(x):
    return Silu.apply(x)


# y = |x|;   dx = g * sign(x)
class Abs(Function):
    @staticmethod
    def forward(ctx, x):
        xp = _xp(x)
        ctx.save_for_backward(xp.sign(x))
        return xp.abs(x)

    @staticmethod
    def backward(ctx, g):
        sign, = ctx.saved_tensors
        return g * sign


def abs(x):
    return Abs.apply(x)


# y = max(a, b);   da = g * m,  db = g * (1 - m),  m = [a > b] + ½[a = b]
# (at a tie the gradient is shared, as PyTorch does and central differences see)
class Maximum(Function):
    @staticmethod
    def forward(ctx, a, b):
        xp = _xp(a)
        ctx.a_shape, ctx.b_shape = _shape(a), _shape(b)
        y = xp.maximum(a, b)
        ctx.save_for_backward((xp.astype(a > b, y.dtype) + xp.astype(a >= b, y.dtype)) / 2)
        return y

    @staticmethod
    def backward(ctx, g):
        m, = ctx.saved_tensors
        da = sum_to(g * m, ctx.a_shape) if ctx.needs_input_grad[0] else None
        db = sum_to(g * (1 - m), ctx.b_shape) if ctx.needs_input_grad[1] else None
        return da, db


# y = min(a, b);   da = g * m,  db = g * (1 - m),  m = [a < b] + ½[a = b]
class Minimum(Function):
    @staticmethod
    def forward(ctx, a, b):
        xp = _xp(a)
        ctx.a_shape, ctx.b_shape = _shape(a), _shape(b)
        y = xp.minimum(a, b)
        ctx.save_for_backward((xp.astype(a < b, y.dtype) + xp.astype(a <= b, y.dtype)) / 2)
        return y

    @staticmethod
    def backward(ctx, g):
        m, = ctx.saved_tensors
        da = sum_to(g * m, ctx.a_shape) if ctx.needs_input_grad[0] else None
        db = sum_to(g * (1 - m), ctx.b_shape) if ctx.needs_input_grad[1] else None
        return da, db


def _as_pair(a, b):
    """Binary elementwise functions of the namespace want arrays, not numbers."""
    a, b = _operands(a, b)
    if not isinstance(a, Tensor):
        a = Tensor(backend.of(b.data).asarray(a, b.dtype))
    if not isinstance(b, Tensor):
        b = Tensor(backend.of(a.data).asarray(b, a.dtype))
    return a, b


def maximum(a, b):
    return Maximum.apply(*_as_pair(a, b))


def minimum(a, b):
    return Minimum.apply(*_as_pair(a, b))


# y = clip(x, lo, hi);   dx = g * [lo ≤ x ≤ hi]
class Clip(Function):
    @staticmethod
    def forward(ctx, x, lo, hi):
        y = _xp(x).clip(x, lo, hi)
        ctx.save_for_backward(_xp(x).astype(y == x, x.dtype))   # 1 where x was inside [lo, hi]
        return y

    @staticmethod
    def backward(ctx, g):
        inside, = ctx.saved_tensors
        return g * inside, None, None


def clip(x, min=None, max=None):
    return Clip.apply(x, min, max)


# ---- reductions ----------------------------------------------------------------

# y = Σ x over axes;   dx = g broadcast back over those axes
class Sum(Function):
    @staticmethod
    def forward(ctx, x, axis, keepdims):
        ctx.x_shape, ctx.axis, ctx.keepdims = tuple(x.shape), axis, keepdims
        return _xp(x).sum(x, axis=axis, keepdims=keepdims)

    @staticmethod
    def backward(ctx, g):
        if not ctx.keepdims:
            g = reshape(g, _kept_shape(ctx.x_shape, ctx.axis))
        return broadcast_to(g, ctx.x_shape), None, None


def _kept_shape(shape, axis):
    """The shape a reduction over `axis` has with keepdims=True."""
    return tuple(1 if i in axis else s for i, s in enumerate(shape))


def sum(x, axis=None, keepdims=False):
    return Sum.apply(x, _normalize_axis(axis, x.ndim, "sum"), keepdims)


# y = max of x over axes;   dx = g * [x == y] / (number of ties)
class Max(Function):
    @staticmethod
    def forward(ctx, x, axis, keepdims, smallest):
        xp = _xp(x)
        y = (xp.min if smallest else xp.max)(x, axis=axis, keepdims=True)
        ties = xp.astype(x == y, x.dtype)
        ctx.save_for_backward(ties / xp.sum(ties, axis=axis, keepdims=True))
        ctx.axis, ctx.keepdims = axis, keepdims
        return y if keepdims else xp.reshape(y, tuple(s for i, s in enumerate(x.shape) if i not in axis))

    @staticmethod
    def backward(ctx, g):
        share, = ctx.saved_tensors
        if not ctx.keepdims:
            g = reshape(g, _kept_shape(share.shape, ctx.axis))
        return g * share, None, None, None


def max(x, axis=None, keepdims=False):
    return Max.apply(x, _normalize_axis(axis, x.ndim, "max"), keepdims, False)


def min(x, axis=None, keepdims=False):
    return Max.apply(x, _normalize_axis(axis, x.ndim, "min"), keepdims, True)


# y = log Σ exp(x) = m + log Σ exp(x - m), m = max x  (stable);   dx = g * exp(x - y)
class LogSumExp(Function):
    @staticmethod
    def forward(ctx, x, axis, keepdims):
        xp = _xp(x)
        m = xp.max(x, axis=axis, keepdims=True)
        m = xp.where(xp.isfinite(m), m, xp.zeros_like(m))   # all -inf rows stay -inf, not nan
        y = m + xp.log(xp.sum(xp.exp(x - m), axis=axis, keepdims=True))
        if not keepdims:
            y = xp.reshape(y, tuple(s for i, s in enumerate(x.shape) if i not in axis))
        ctx.save_for_backward(x, y)            # y is the output: second derivatives flow through it
        ctx.axis = axis
        return y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        kept = _kept_shape(x.shape, ctx.axis)
        return g.reshape(kept) * exp(x - y.reshape(kept)), None, None


def logsumexp(x, axis=None, keepdims=False):
    return LogSumExp.apply(x, _normalize_axis(axis, x.ndim, "logsumexp"), keepdims)


# y = exp(x - logsumexp(x));   dx = y * (g - Σ g y)
class Softmax(Function):
    @staticmethod
    def forward(ctx, x, axis):
        xp = _xp(x)
        e = xp.exp(x - xp.max(x, axis=axis, keepdims=True))
        y = e / xp.sum(e, axis=axis, keepdims=True)
        ctx.save_for_backward(y)
        ctx.axis = axis
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return y * (g - sum(g * y, axis=ctx.axis, keepdims=True)), None


def softmax(x, axis=-1):
    return Softmax.apply(x, _one_axis(axis, x.ndim, "softmax"))


# ---- shape ------------------------------------------------------------------

# y = x with a new shape;   dx = g with the old shape
class Reshape(Function):
    @staticmethod
    def forward(ctx, x, shape):
        ctx.x_shape = tuple(x.shape)
        return _xp(x).reshape(x, shape)

    @staticmethod
    def backward(ctx, g):
        return reshape(g, ctx.x_shape), None


def reshape(x, shape):
    shape = tuple(shape)
    if x.shape == shape:
        return x
    return Reshape.apply(x, shape)


# y = x with axes permuted;   dx = g with the inverse permutation
class Permute(Function):
    @staticmethod
    def forward(ctx, x, axes):
        ctx.axes = axes
        return _xp(x).permute_dims(x, axes)

    @staticmethod
    def backward(ctx, g):
        inverse = [0] * len(ctx.axes)
        for i, a in enumerate(ctx.axes):
            inverse[a] = i
        return permute(g, tuple(inverse)), None


def permute(x, axes):
    axes = tuple(a % x.ndim for a in axes)
    if sorted(axes) != list(range(x.ndim)):
        raise ValueError(f"permute: {axes} is not a permutation of the {x.ndim} axes of shape {x.shape}")
    return Permute.apply(x, axes)


def transpose(x, axis0=-2, axis1=-1):
    axes = list(range(x.ndim))
    axes[axis0], axes[axis1] = axes[axis1], axes[axis0]
    return permute(x, tuple(axes))


# y = x[index];   dx = zeros with g added at index (repeated indices add up)
class GetItem(Function):
    @staticmethod
    def forward(ctx, x, index):
        ctx.x_shape, ctx.index = tuple(x.shape), index
        return x[index]

    @staticmethod
    def backward(ctx, g):
        return IndexAdd.apply(g, ctx.x_shape, ctx.index), None


# y = zeros(shape) with x added at index;   dx = g[index]
class IndexAdd(Function):
    @staticmethod
    def forward(ctx, x, shape, index):
        ctx.index = index
        b = backend.of(x)
        y = b.zeros(shape, x.dtype)
        if _is_basic(index):
            # slices and ints never hit one place twice; None only added size-1 axes
            place = tuple(i for i in index if i is not None)
            y[place] = _xp(x).reshape(x, tuple(y[place].shape))
        else:
            b.scatter_add(y, index, _xp(x).broadcast_to(x, tuple(y[index].shape)))
        return y

    @staticmethod
    def backward(ctx, g):
        return getitem(g, ctx.index), None, None


def _is_basic(index):
    parts = index if isinstance(index, tuple) else (index,)
    return all(p is None or p is Ellipsis or isinstance(p, (slice, numbers.Integral)) for p in parts)


def getitem(x, index):
    """x[index] with ints, slices, None, Ellipsis, integer arrays and boolean masks.

    A lone integer array, x[idx], is `take` along axis 0 (an embedding lookup),
    which every backend has. The array API standard allows integer arrays
    elsewhere only beside integers, covering every axis (x[i0, i1]); NumPy and
    CuPy allow them beside slices too, and so does minigrad on those backends.
    """
    if isinstance(index, (list, Tensor)) or backend.is_host_array(index) or backend.is_device_array(index):
        idx = _backend_index(index, x)
        if backend.dtype_name(idx.dtype).startswith(("int", "uint")):
            flat = take(x, reshape(Tensor(idx), (-1,)).data, 0)
            return reshape(flat, tuple(idx.shape) + x.shape[1:])
    index = index if isinstance(index, tuple) else (index,)
    if not _is_basic(index):
        return GetItem.apply(x, _backend_index(index, x))
    if builtins.sum(i is not None for i in index) < x.ndim and Ellipsis not in index:
        index = index + (Ellipsis,)      # NumPy's implicit trailing ':'s, made explicit for the standard
    return GetItem.apply(x, index)


# y = take(x, idx, axis): slices of x along axis;   dx = zeros with g added at idx
class Take(Function):
    @staticmethod
    def forward(ctx, x, idx, axis):
        ctx.x_shape, ctx.idx, ctx.axis = tuple(x.shape), idx, axis
        return _xp(x).take(x, idx, axis=axis)

    @staticmethod
    def backward(ctx, g):
        return PutAdd.apply(g, ctx.x_shape, ctx.idx, ctx.axis), None, None


# y = zeros(shape) with slice i of x added at position idx[i] along axis;   dx = take(g, idx, axis)
class PutAdd(Function):
    @staticmethod
    def forward(ctx, x, shape, idx, axis):
        ctx.idx, ctx.axis = idx, axis
        b = backend.of(x)
        y = b.zeros(shape, x.dtype)
        b.scatter_add(y, (slice(None),) * axis + (idx,), x)
        return y

    @staticmethod
    def backward(ctx, g):
        return Take.apply(g, ctx.idx, ctx.axis), None, None, None


def take(x, indices, axis=0):
    """Slices of x at 1-D integer `indices` along `axis` (repeats allowed)."""
    idx = _backend_index(indices, x)
    if idx.ndim != 1:
        raise ValueError(f"take: indices must be 1-D, got shape {tuple(idx.shape)}")
    return Take.apply(x, idx, _one_axis(axis, x.ndim, "take"))


def _backend_index(index, x):
    """Index parts that are lists, NumPy arrays or Tensors become arrays of x's backend."""
    b = backend.of(x.data)
    if isinstance(index, tuple):
        return tuple(_backend_index(i, x) for i in index)
    if isinstance(index, Tensor):
        index = index.data
        if backend.of(index) is b:
            return index
        index = backend.of(index).to_host(index)
    if isinstance(index, list) or backend.is_host_array(index):
        return b.asarray(index)
    return index


# y = concat(xs, axis);   dx_i = the slice of g where x_i sits (one split)
class Concat(Function):
    @staticmethod
    def forward(ctx, axis, *xs):
        ctx.axis, ctx.sizes = axis, [x.shape[axis] for x in xs]
        return _xp(xs[0]).concat(xs, axis=axis)

    @staticmethod
    def backward(ctx, g):
        grads = split(g, ctx.sizes, ctx.axis)
        return (None,) + tuple(gi if need else None for gi, need in zip(grads, ctx.needs_input_grad[1:]))


def concatenate(tensors, axis=0):
    tensors = [_operand(t) for t in tensors]
    if not tensors:
        raise ValueError("concatenate: needs at least one tensor")
    axis = _one_axis(axis, tensors[0].ndim, "concatenate")
    return Concat.apply(axis, *tensors)


cat = concatenate


# y_1, …, y_k = the pieces of x along axis;   dx = concat(g_1, …, g_k)
# One op with k outputs: backward gets one gradient per piece (None for a piece
# no gradient reached, which contributes zeros) and makes dx in one concat.
class Split(Function):
    @staticmethod
    def forward(ctx, x, sizes, axis):
        ctx.x_shape, ctx.sizes, ctx.axis = tuple(x.shape), sizes, axis
        pieces, start = [], 0
        for size in sizes:
            pieces.append(x[(slice(None),) * axis + (slice(start, start + size), Ellipsis)])
            start += size
        return tuple(pieces)

    @staticmethod
    def backward(ctx, *grads):
        shape = ctx.x_shape
        piece_shapes = [shape[:ctx.axis] + (size,) + shape[ctx.axis + 1:] for size in ctx.sizes]
        return concatenate(_zeros_for_missing(grads, piece_shapes), ctx.axis), None, None


# y_t = x[t] along axis, for every t;   dx = stack(g_0, …, g_{T-1}) along axis
# One op with T outputs, split's sibling for slices of size 1 with the axis
# dropped: a sequence's T time steps, whose gradients meet in one stack.
class Unbind(Function):
    @staticmethod
    def forward(ctx, x, axis):
        ctx.axis = axis
        ctx.slice_shape = tuple(x.shape[:axis] + x.shape[axis + 1:])
        return tuple(x[(slice(None),) * axis + (t, Ellipsis)] for t in range(x.shape[axis]))

    @staticmethod
    def backward(ctx, *grads):
        return stack(_zeros_for_missing(grads, [ctx.slice_shape] * len(grads)), ctx.axis), None


def _zeros_for_missing(grads, shapes):
    """The gradients of a multi-output op's outputs, with zeros (of each
    output's shape) where no gradient arrived (None)."""
    some = next(g for g in grads if g is not None)      # the node ran, so one did
    return [Tensor(backend.of(some.data).zeros(shape, some.dtype)) if g is None else g
            for g, shape in zip(grads, shapes)]


# y = stack(xs, axis): the xs along a new axis;   dx_t = g[t] along that axis (unbind)
class Stack(Function):
    @staticmethod
    def forward(ctx, axis, *xs):
        ctx.axis = axis
        return _xp(xs[0]).stack(xs, axis=axis)

    @staticmethod
    def backward(ctx, g):
        grads = unbind(g, ctx.axis)
        return (None,) + tuple(gi if need else None for gi, need in zip(grads, ctx.needs_input_grad[1:]))


def split(x, size_or_sizes, axis=0):
    """Pieces of `size` along axis (the last may be smaller), or of the given sizes."""
    axis = _one_axis(axis, x.ndim, "split")
    n = x.shape[axis]
    if isinstance(size_or_sizes, numbers.Integral):
        if size_or_sizes <= 0:
            raise ValueError(f"split: the piece size must be positive, got {size_or_sizes}")
        sizes = [builtins.min(size_or_sizes, n - s) for s in range(0, n, size_or_sizes)]
    else:
        sizes = [int(s) for s in size_or_sizes]
        if builtins.sum(sizes) != n:
            raise ValueError(f"split: sizes {sizes} do not add up to {n}, the length of axis {axis} "
                             f"of shape {x.shape}")
        if builtins.min(sizes, default=0) < 0:
            raise ValueError(f"split: sizes {sizes} must be non-negative")
    if not sizes:                                       # an empty axis has no pieces
        return ()
    return Split.apply(x, tuple(sizes), axis)


def chunk(x, chunks, axis=0):
    """`chunks` pieces of equal size along axis (the last may be smaller; fewer if they run out)."""
    if not isinstance(chunks, numbers.Integral) or chunks <= 0:
        raise ValueError(f"chunk: the number of chunks must be a positive integer, got {chunks!r}")
    n = x.shape[_one_axis(axis, x.ndim, "chunk")]
    return split(x, builtins.max(-(-n // chunks), 1), axis)


def unbind(x, axis=0):
    """The slices of x along axis, that axis removed (PyTorch's unbind):
    x (T, B, H) -> T tensors (B, H). One op, however long T is."""
    axis = _one_axis(axis, x.ndim, "unbind")
    if x.shape[axis] == 0:
        return ()
    return Unbind.apply(x, axis)


def stack(tensors, axis=0):
    """The tensors, all of one shape, along a new axis."""
    tensors = [_operand(t) for t in tensors]
    if not tensors:
        raise ValueError("stack: needs at least one tensor")
    shapes = {t.shape for t in tensors}
    if len(shapes) > 1:
        raise ValueError(f"stack: all tensors must have one shape, got {sorted(shapes)}")
    axis = _normalize_axis(axis, tensors[0].ndim + 1, "stack")[0]
    return Stack.apply(axis, *tensors)


# y = where(cond, a, b);   da = g where cond, db = g where not cond
class Where(Function):
    @staticmethod
    def forward(ctx, cond, a, b):
        ctx.cond, ctx.a_shape, ctx.b_shape = cond, _shape(a), _shape(b)
        return _xp(cond).where(cond, a, b)

    @staticmethod
    def backward(ctx, g):
        cond, zero = Tensor(ctx.cond), zeros_like(g)
        da = sum_to(where(cond, g, zero), ctx.a_shape) if ctx.needs_input_grad[1] else None
        db = sum_to(where(cond, zero, g), ctx.b_shape) if ctx.needs_input_grad[2] else None
        return None, da, db


def where(cond, a, b):
    """a where cond is true, else b; cond is a bool tensor (a mask), outside the graph."""
    if not isinstance(cond, Tensor):
        is_array = backend.is_host_array(cond) or backend.is_device_array(cond)
        cond = Tensor(cond) if is_array else tensor(cond)
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):    # two numbers: a float tensor of cond's shape
        a = Tensor(backend.of(cond.data).full(cond.shape, a, DEFAULT_DTYPE))
    a, b = _as_pair(a, b)
    return Where.apply(cond, a, b)


# y = x padded with zeros;   dx = the middle of g
class Pad(Function):
    @staticmethod
    def forward(ctx, x, widths):
        shape = tuple(s + lo + hi for s, (lo, hi) in zip(x.shape, widths))
        ctx.middle = tuple(slice(lo, lo + s) for s, (lo, _) in zip(x.shape, widths))
        y = backend.of(x).zeros(shape, x.dtype)
        y[ctx.middle] = x
        return y

    @staticmethod
    def backward(ctx, g):
        return getitem(g, ctx.middle), None


def pad(x, widths):
    """Zero padding; widths is ((before, after), ...) per axis, as in np.pad."""
    widths = tuple((int(lo), int(hi)) for lo, hi in widths)
    if len(widths) != x.ndim:
        raise ValueError(f"pad: got {len(widths)} (before, after) pairs for a tensor of shape {x.shape}")
    return Pad.apply(x, widths)


# y_i = Σ_{j ≤ i} x_j along axis;   dx_j = Σ_{i ≥ j} g_i = flip(cumsum(flip(g)))
class Cumsum(Function):
    @staticmethod
    def forward(ctx, x, axis):
        ctx.axis = axis
        return _xp(x).cumulative_sum(x, axis=axis)

    @staticmethod
    def backward(ctx, g):
        return flip(cumsum(flip(g, ctx.axis), ctx.axis), ctx.axis), None


def cumsum(x, axis):
    return Cumsum.apply(x, _one_axis(axis, x.ndim, "cumsum"))


# y = x reversed along axes;   dx = g reversed along them
class Flip(Function):
    @staticmethod
    def forward(ctx, x, axis):
        ctx.axis = axis
        return _xp(x).flip(x, axis=axis)

    @staticmethod
    def backward(ctx, g):
        return flip(g, ctx.axis), None


def flip(x, axis=None):
    return Flip.apply(x, _normalize_axis(axis, x.ndim, "flip"))


# y = x as dtype;   dx = g as x's dtype
class AsType(Function):
    @staticmethod
    def forward(ctx, x, dtype):
        ctx.dtype = x.dtype
        return _xp(x).astype(x, backend.of(x).dtype(dtype))

    @staticmethod
    def backward(ctx, g):
        return astype(g, ctx.dtype), None


def astype(x, dtype):
    return AsType.apply(x, backend.dtype_name(dtype))


# y = x on another device;   dx = g moved back
class ToDevice(Function):
    @staticmethod
    def forward(ctx, x, device):
        source = backend.of(x)
        ctx.device = source.name
        target = backend.get(device)
        if target is source:
            return x
        return target.asarray(source.to_host(x))

    @staticmethod
    def backward(ctx, g):
        return to_device(g, ctx.device), None


def to_device(x, device):
    target = backend.get(device)          # raises for unknown or missing devices
    if target is backend.of(x.data):
        return x
    return ToDevice.apply(x, target.name)


# ---- comparisons: masks, outside the graph ------------------------------------

_COMPARE = {"lt": "less", "le": "less_equal", "gt": "greater", "ge": "greater_equal",
            "eq": "equal", "ne": "not_equal"}


def compare(how, a, b):
    a, b = _operands(a, b)
    xa = a.data if isinstance(a, Tensor) else a
    xb = b.data if isinstance(b, Tensor) else b
    t = a if isinstance(a, Tensor) else b
    xp = t.xp
    if not hasattr(xa, "shape"):
        xa = backend.of(t.data).asarray(xa, t.dtype)
    if not hasattr(xb, "shape"):
        xb = backend.of(t.data).asarray(xb, t.dtype)
    return Tensor(getattr(xp, _COMPARE[how])(xa, xb))


# ==== composites: built from the primitives above ================================

def mean(x, axis=None, keepdims=False):
    axes = _normalize_axis(axis, x.ndim, "mean")
    n = math.prod(x.shape[a] for a in axes)
    return sum(x, axes, keepdims) / n


def var(x, axis=None, keepdims=False, correction=1):
    """Variance; correction=1 divides by n - 1 (PyTorch's default), 0 by n."""
    axes = _normalize_axis(axis, x.ndim, "var")
    n = math.prod(x.shape[a] for a in axes)
    d = x - mean(x, axes, keepdims=True)
    return sum(d * d, axes, keepdims) / builtins.max(n - correction, 0)


def log_softmax(x, axis=-1):
    # x - logsumexp(x): stable, since logsumexp is
    return x - logsumexp(x, axis, keepdims=True)


def squeeze(x, axis=None):
    if axis is None:
        return reshape(x, tuple(s for s in x.shape if s != 1))
    axes = _normalize_axis(axis, x.ndim)
    for a in axes:
        if x.shape[a] != 1:
            raise ValueError(f"squeeze: axis {a} of shape {x.shape} has size {x.shape[a]}, not 1")
    return reshape(x, tuple(s for i, s in enumerate(x.shape) if i not in axes))


def unsqueeze(x, axis):
    axis = axis % (x.ndim + 1)
    return reshape(x, x.shape[:axis] + (1,) + x.shape[axis:])
