"""Elementwise functions (exp, log, tanh, σ, relu, softplus, silu, ...), and comparisons.

    # y = f(x);   dx = g * f'(x)

Where f' is a function of the output (exp, tanh, σ), backward saves the
output, not the input. Comparisons give bool masks, outside the graph.
"""


from minigrad import backend
from minigrad.autograd import Function
from minigrad.tensor import Tensor
from minigrad.ops.broadcast import sum_to
from minigrad.ops.operands import _as_dtype, _float_input, _operands, _shape, _xp, result_type


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
    """eˣ elementwise.

    Args:
        x: a Tensor, any shape; an integer or bool tensor is first made float32.
    Returns:
        A float Tensor of x's shape.
    """
    return Exp.apply(_float_input(x, "exp"))


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
    """The natural logarithm elementwise (-inf at 0, nan below).

    Args:
        x: a Tensor, any shape; an integer or bool tensor is first made float32.
    Returns:
        A float Tensor of x's shape.
    """
    return Log.apply(_float_input(x, "log"))


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
    """√x elementwise.

    Args:
        x: a Tensor, any shape; an integer or bool tensor is first made float32.
    Returns:
        A float Tensor of x's shape.
    """
    return Sqrt.apply(_float_input(x, "sqrt"))


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
    """tanh(x) elementwise.

    Args:
        x: a Tensor, any shape; an integer or bool tensor is first made float32.
    Returns:
        A float Tensor of x's shape.
    """
    return Tanh.apply(_float_input(x, "tanh"))


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
    """The logistic sigmoid σ(x) = 1 / (1 + e⁻ˣ) elementwise, stable for any x.

    Args:
        x: a Tensor, any shape; an integer or bool tensor is first made float32.
    Returns:
        A float Tensor of x's shape.
    """
    return Sigmoid.apply(_float_input(x, "sigmoid"))


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
    """max(x, 0) elementwise.

    Args:
        x: a Tensor, any shape and dtype.
    Returns:
        A Tensor of x's shape and dtype.
    """
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
    """log(1 + eˣ) elementwise, stable for any x.

    Args:
        x: a Tensor, any shape; an integer or bool tensor is first made float32.
    Returns:
        A float Tensor of x's shape.
    """
    return Softplus.apply(_float_input(x, "softplus"))


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
    """x·σ(x) elementwise (SiLU, also called swish).

    Args:
        x: a Tensor, any shape; an integer or bool tensor is first made float32.
    Returns:
        A float Tensor of x's shape.
    """
    return Silu.apply(_float_input(x, "silu"))


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
    """|x| elementwise.

    Args:
        x: a Tensor, any shape and dtype.
    Returns:
        A Tensor of x's shape and dtype.
    """
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
        a = Tensor(backend.of(b._data).asarray(a, b.dtype))
    if not isinstance(b, Tensor):
        b = Tensor(backend.of(a._data).asarray(b, a.dtype))
    return a, b


def maximum(a, b):
    """The larger of a and b elementwise; at a tie the gradient is shared.

    Args:
        a, b: Tensors or numbers, broadcastable to one shape.
    Returns:
        A Tensor of the broadcast shape, dtype result_type(a, b).
    """
    return Maximum.apply(*_as_pair(a, b))


def minimum(a, b):
    """The smaller of a and b elementwise; at a tie the gradient is shared.

    Args:
        a, b: Tensors or numbers, broadcastable to one shape.
    Returns:
        A Tensor of the broadcast shape, dtype result_type(a, b).
    """
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
    """x limited to [min, max] elementwise (PyTorch's clamp); the gradient
    passes where x was inside.

    Args:
        x: a Tensor, any shape.
        min, max: numbers, or None for no bound on that side.
    Returns:
        A Tensor of x's shape, dtype result_type(x, min, max): an integer
        tensor clipped to float bounds becomes float32, as in PyTorch.
    """
    if not isinstance(x, Tensor):
        raise TypeError(f"clip: argument 'input' must be a Tensor, got {type(x).__name__}")
    bounds = [v for v in (min, max) if v is not None]
    if not bounds:
        raise ValueError("clip: at least one of min and max must not be None")
    for v in bounds:
        if isinstance(v, Tensor) or not isinstance(v, (int, float)) and not backend.is_host_scalar(v):
            raise TypeError(f"clip: min and max must be numbers or None, got {type(v).__name__}")
    dtype = result_type(x, *bounds)
    lo, hi = (None if v is None else _as_dtype(v, dtype) for v in (min, max))
    return Clip.apply(_as_dtype(x, dtype), lo, hi)


# ---- comparisons: masks, outside the graph ------------------------------------

_COMPARE = {"lt": "less", "le": "less_equal", "gt": "greater", "ge": "greater_equal",
            "eq": "equal", "ne": "not_equal"}


def compare(how, a, b):
    """A comparison ("lt", "le", "gt", "ge", "eq", "ne") elementwise, after promotion.

    Args:
        how: which comparison.
        a, b: Tensors or numbers, broadcastable to one shape (one a Tensor).
    Returns:
        A bool Tensor of the broadcast shape, outside the graph.
    """
    a, b = _operands(a, b)
    xa = a._data if isinstance(a, Tensor) else a
    xb = b._data if isinstance(b, Tensor) else b
    t = a if isinstance(a, Tensor) else b
    if not hasattr(xa, "shape"):
        xa = backend.of(t._data).asarray(xa, t.dtype)
    if not hasattr(xb, "shape"):
        xb = backend.of(t._data).asarray(xb, t.dtype)
    return Tensor(getattr(t.xp, _COMPARE[how])(xa, xb))
