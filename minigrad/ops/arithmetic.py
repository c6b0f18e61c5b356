"""Arithmetic: + - * / ** and the matrix product, broadcasting both ways.

Each op's comment states its forward and backward, with g = ∂L/∂out; a
broadcast input's gradient is summed back to its shape by `sum_to`.
"""


from minigrad import backend
from minigrad.autograd import Function
from minigrad.tensor import Tensor, ones_like, zeros_like
from minigrad.ops.broadcast import sum_to
from minigrad.ops.elementwise import log
from minigrad.ops.operands import DEFAULT_DTYPE, _as_dtype, _operand, _operands, _shape, _xp, result_type
from minigrad.ops.indexing import where
from minigrad.ops.shape import reshape


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
    """a + b elementwise, broadcasting.

    Args:
        a, b: Tensors or numbers, broadcastable to one shape.
    Returns:
        A Tensor of the broadcast shape, dtype result_type(a, b).
    """
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
    """a - b elementwise, broadcasting.

    Args:
        a, b: Tensors or numbers, broadcastable to one shape.
    Returns:
        A Tensor of the broadcast shape, dtype result_type(a, b).
    """
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
    """a * b elementwise, broadcasting.

    Args:
        a, b: Tensors or numbers, broadcastable to one shape.
    Returns:
        A Tensor of the broadcast shape, dtype result_type(a, b).
    """
    return Mul.apply(*_operands(a, b))


# y = a / b;   da = g / b,  db = -g * y / b
# (y / b, not a / b²: b² underflows for tiny b where a / b / b does not, as PyTorch orders it)
class Div(Function):
    @staticmethod
    def forward(ctx, a, b):
        y = a / b
        ctx.a_shape = _shape(a)
        ctx.save_for_backward(b, y)
        return y

    @staticmethod
    def backward(ctx, g):
        b, y = ctx.saved_tensors
        da = sum_to(g / b, ctx.a_shape) if ctx.needs_input_grad[0] else None
        db = sum_to(-g * (y / b), _shape(b)) if ctx.needs_input_grad[1] else None
        return da, db


def div(a, b):
    """a / b elementwise (true division), broadcasting.

    Args:
        a, b: Tensors or numbers, broadcastable to one shape.
    Returns:
        A float Tensor of the broadcast shape: result_type(a, b), or float32
        when both are integer or bool (as PyTorch).
    """
    a, b = _operands(a, b)
    if not backend.is_float(result_type(a, b)):
        a, b = _as_dtype(a, DEFAULT_DTYPE), _as_dtype(b, DEFAULT_DTYPE)
    return Div.apply(a, b)


# y = -x;   dx = -g
class Neg(Function):
    @staticmethod
    def forward(ctx, x):
        return -x

    @staticmethod
    def backward(ctx, g):
        return -g


def neg(x):
    """-x elementwise.

    Args:
        x: a Tensor, any shape.
    Returns:
        A Tensor of x's shape and dtype.
    """
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
# At a zero base the formulas meet 0 · ∞; PyTorch defines da = 0 where b = 0
# and db = 0 where a = 0 and b ≥ 0, and so does this op.
class Pow(Function):
    @staticmethod
    def forward(ctx, a, b):
        y = a ** b
        ctx.save_for_backward(a, b, y, b == 0, (a == 0) & (b >= 0))
        return y

    @staticmethod
    def backward(ctx, g):
        a, b, y, b_zero, at_zero = ctx.saved_tensors
        da = db = None
        if ctx.needs_input_grad[0]:
            da = sum_to(g * b * where(b_zero, ones_like(a), a) ** (b - 1), a.shape)
        if ctx.needs_input_grad[1]:
            db = sum_to(where(at_zero, zeros_like(g), g * y * log(where(at_zero, ones_like(a), a))), b.shape)
        return da, db


def pow(a, b):
    """a ** b elementwise, broadcasting.

    Args:
        a, b: Tensors or numbers (one a Tensor), broadcastable to one shape.
    Returns:
        A Tensor of the broadcast shape, dtype result_type(a, b).
    """
    a, b = _operands(a, b)
    if isinstance(a, Tensor) and not isinstance(b, Tensor):
        return PowScalar.apply(a, b)
    if not isinstance(a, Tensor):                   # 2 ** x: the base takes x's dtype
        a = Tensor(backend.of(b._data).asarray(a, b.dtype))
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
    """The matrix product a @ b, as torch.matmul.

    1-D operands are promoted to a row (left) or a column (right) and the added
    dim is removed from the result; batch dims broadcast. Both operands must
    have one dtype (PyTorch does not promote here either).

    Args:
        a: (..., n, k) or (k,).
        b: (..., k, m) or (k,).
    Returns:
        (..., n, m), with the dims of 1-D operands removed.
    """
    a, b = _operand(a), _operand(b)
    if not (isinstance(a, Tensor) and isinstance(b, Tensor)):
        raise TypeError("matmul: both operands must be tensors or arrays, not scalars")
    if a.dtype != b.dtype:
        raise RuntimeError(f"matmul: expected both operands to have one dtype, got "
                           f"{backend.dtype_name(a.dtype)} and {backend.dtype_name(b.dtype)}")
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
