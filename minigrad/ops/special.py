"""More elementwise functions: sin, cos, log1p, expm1, square, rsqrt, erf, gelu, sign, clamp.

    # y = f(x);   dx = g * f'(x)

The rules this file holds:
- An integer or bool input to a float function (everything here but square,
  sign and clamp) is made the default float dtype first, as PyTorch does; a
  float input keeps its dtype, so float32 stays float32.
- Each backward is written with Tensor ops, so every op here has second
  derivatives (create_graph=True).
- erf is not in the array API standard, so it is computed here from the
  standard's functions (W. J. Cody's rational approximations, below), which
  gives the same values on every backend.
"""

import math

from minigrad import backend
from minigrad.autograd import Function
from minigrad.tensor import Tensor
from minigrad.ops.broadcast import sum_to
from minigrad.ops.conversion import astype
from minigrad.ops.elementwise import clip, exp, tanh
from minigrad.ops.operands import _as_dtype, _float_input, _shape, _tensor_arg, _xp, result_type


# y = sin(x);   dx = g * cos(x)
class Sin(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _xp(x).sin(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * cos(x)


def sin(input):
    """Elementwise sine.

    Args:
        input: a tensor of any shape (integers become float32).
    Returns:
        sin(input), the same shape.
    """
    return Sin.apply(_float_input(input, "sin"))


# y = cos(x);   dx = -g * sin(x)
class Cos(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _xp(x).cos(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return -g * sin(x)


def cos(input):
    """Elementwise cosine.

    Args:
        input: a tensor of any shape (integers become float32).
    Returns:
        cos(input), the same shape.
    """
    return Cos.apply(_float_input(input, "cos"))


# y = log(1 + x), accurate for small x;   dx = g / (1 + x)
class Log1p(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _xp(x).log1p(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g / (1 + x)


def log1p(input):
    """log(1 + input), without the rounding of 1 + input for small inputs.

    Args:
        input: a tensor of any shape, values > -1 (integers become float32).
    Returns:
        log1p(input), the same shape.
    """
    return Log1p.apply(_float_input(input, "log1p"))


# y = eˣ - 1, accurate for small x;   dx = g * (y + 1)
class Expm1(Function):
    @staticmethod
    def forward(ctx, x):
        y = _xp(x).expm1(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * (y + 1)


def expm1(input):
    """exp(input) - 1, without the cancellation for small inputs.

    Args:
        input: a tensor of any shape (integers become float32).
    Returns:
        expm1(input), the same shape.
    """
    return Expm1.apply(_float_input(input, "expm1"))


# y = x²;   dx = 2 g x
class Square(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return 2 * g * x


def square(input):
    """Elementwise square; integers stay integers, bool becomes int64 (as in PyTorch).

    Args:
        input: a tensor of any shape.
    Returns:
        input², the same shape.
    """
    input = _tensor_arg(input, "square")
    if backend.dtype_name(input.dtype) == "bool":
        input = astype(input, "int64")
    return Square.apply(input)


# y = 1/√x;   dx = -g y³ / 2
class Rsqrt(Function):
    @staticmethod
    def forward(ctx, x):
        y = 1 / _xp(x).sqrt(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return -0.5 * g * y * y * y


def rsqrt(input):
    """Elementwise 1 / sqrt(input).

    Args:
        input: a tensor of any shape, values > 0 (integers become float32).
    Returns:
        input^(-1/2), the same shape (inf at 0, nan below, as in PyTorch).
    """
    return Rsqrt.apply(_float_input(input, "rsqrt"))


# ---- erf ---------------------------------------------------------------------
# erf(x) = 2/√π ∫₀ˣ e^(-t²) dt is in no array API namespace. Rather than a
# per-device special-function library (SciPy, cupyx.scipy), or Python's
# math.erf one element at a time on the host, it is computed from the
# standard's own functions: W. J. Cody, "Rational Chebyshev approximations for
# the error function", Math. Comp. 23 (1969) 631-638, in the form of his
# CALERF (netlib specfun). Three rational functions, each near-minimax on its
# range, accurate to about 1e-16 relative in float64:
#     |x| ≤ 0.46875:       erf(x)  = x · A(x²) / B(x²)
#     0.46875 < |x| ≤ 4:   erfc(y) = e^(-y²) · C(y) / D(y)                 y = |x|
#     |x| > 4:             erfc(y) = e^(-y²) / y · (1/√π - R(1/y²) / S(1/y²))
# and erf(x) = sign(x) (1 - erfc(|x|)). Every branch is evaluated on the
# whole array and one is picked per element (the standard has no masked
# evaluation); the arguments are clamped so that the unused branches stay
# finite. (Cody also splits e^(-y²) to keep erfc's relative accuracy far out
# in the tail; for erf = 1 - erfc that error is far below erf's last digit.)

_A = (3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02, 3.20937758913846947e03,
      1.85777706184603153e-1)
_B = (2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03, 2.84423683343917062e03)
_C = (5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01, 2.98635138197400131e02,
      8.81952221241769090e02, 1.71204761263407058e03, 2.05107837782607147e03, 1.23033935479799725e03,
      2.15311535474403846e-8)
_D = (1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02, 1.62138957456669019e03,
      3.29079923573345963e03, 4.36261909014324716e03, 3.43936767414372164e03, 1.23033935480374942e03)
_P = (3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1, 1.60837851487422766e-2,
      6.58749161529837803e-4, 1.63153871373020978e-2)
_Q = (2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1, 6.05183413124413191e-2,
      2.33520497626869185e-3)
_SQRT_1_PI = 0.56418958354775628695          # 1/√π


def _rational(y, num, den):
    """(num[-1] y^n + num[0] y^(n-1) + ... + num[n-1]) / (y^n + den[0] y^(n-1) + ... + den[n-1]),
    by Horner's rule in Cody's ordering: the leading numerator coefficient is stored last.
    (In place: top and bottom are this function's own arrays, and erf is memory-bound.)"""
    top, bottom = num[-1] * y + num[0], y + den[0]
    for a, b in zip(num[1:len(den)], den[1:]):
        top *= y
        top += a
        bottom *= y
        bottom += b
    return top / bottom


def _erf(xp, x):
    y = xp.abs(x)
    small = xp.minimum(y, 0.46875)
    erf_small = xp.minimum(xp.maximum(x, -0.46875), 0.46875) * _rational(small * small, _A, _B)
    z = xp.maximum(y, 0.46875)                       # the two erfc ranges share one exponential
    e = xp.exp(-z * z)
    middle, far = xp.minimum(z, 4.0), xp.maximum(z, 4.0)
    erfc_middle = e * _rational(middle, _C, _D)
    inv = 1 / (far * far)
    erfc_far = e / far * (_SQRT_1_PI - inv * _rational(inv, _P, _Q))
    erfc = xp.where(z <= 4.0, erfc_middle, erfc_far)
    erf_large = xp.where(x < 0, erfc - 1, 1 - erfc)
    return xp.where(y <= 0.46875, erf_small, erf_large)      # nan fails both tests: stays nan


# y = erf(x);   dx = g * 2/√π e^(-x²)
class Erf(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _erf(_xp(x), x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * (2 / math.sqrt(math.pi)) * exp(-x * x)


def erf(input):
    """The error function, erf(x) = 2/√π ∫₀ˣ e^(-t²) dt.

    Args:
        input: a tensor of any shape (integers become float32).
    Returns:
        erf(input), the same shape, in [-1, 1].
    """
    return Erf.apply(_float_input(input, "erf"))


# ---- gelu --------------------------------------------------------------------
# GELU (Hendrycks & Gimpel 2016, "Gaussian Error Linear Units"): x weighted by
# the chance a standard normal is below it.
#   exact:  y = x Φ(x),  Φ(x) = ½(1 + erf(x/√2));       dx = g (Φ(x) + x φ(x)),  φ(x) = e^(-x²/2)/√(2π)
#   tanh:   y = ½ x (1 + tanh u),  u = √(2/π)(x + 0.044715 x³)
#           dx = g (½(1 + tanh u) + ½ x (1 - tanh² u) √(2/π)(1 + 3·0.044715 x²))

_K = math.sqrt(2 / math.pi)
_C3 = 0.044715


class Gelu(Function):
    @staticmethod
    def forward(ctx, x, approximate):
        xp = _xp(x)
        ctx.approximate = approximate
        ctx.save_for_backward(x)
        if approximate == "tanh":
            return 0.5 * x * (1 + xp.tanh(_K * (x + _C3 * x * x * x)))
        return 0.5 * x * (1 + _erf(xp, x / math.sqrt(2)))

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        if ctx.approximate == "tanh":
            t = tanh(_K * (x + _C3 * x * x * x))
            return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * _K * (1 + 3 * _C3 * x * x)), None
        cdf = 0.5 * (1 + erf(x / math.sqrt(2)))
        pdf = exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
        return g * (cdf + x * pdf), None


def gelu(input, approximate="none"):
    """The Gaussian error linear unit, as torch.nn.functional.gelu.

    Args:
        input: a float tensor of any shape.
        approximate: "none" for the exact x Φ(x) (through erf), or "tanh" for
            ½ x (1 + tanh(√(2/π)(x + 0.044715 x³))), GPT-2's approximation.
    Returns:
        gelu(input), the same shape and dtype.
    """
    if approximate not in ("none", "tanh"):
        raise RuntimeError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    input = _tensor_arg(input, "gelu")
    if not backend.is_float(input.dtype):
        raise TypeError(f"gelu: expected a floating-point tensor, got dtype {backend.dtype_name(input.dtype)}")
    return Gelu.apply(input, approximate)


# ---- sign ----------------------------------------------------------------------

# y = sign(x) ∈ {-1, 0, 1};   dx = 0 (flat everywhere but at 0, where PyTorch also gives 0)
class Sign(Function):
    @staticmethod
    def forward(ctx, x):
        return _xp(x).sign(x)

    @staticmethod
    def backward(ctx, g):
        return g * 0


def sign(input):
    """-1, 0 or 1 by the sign of each element (nan stays nan); its gradient is zero.

    Args:
        input: a tensor of any shape (bool stays bool, as in PyTorch).
    Returns:
        sign(input), the same shape and dtype.
    """
    input = _tensor_arg(input, "sign")
    if backend.dtype_name(input.dtype) == "bool":
        return input.clone()
    return Sign.apply(input)


# ---- clamp ---------------------------------------------------------------------

# y = min(max(x, lo), hi), with lo and hi tensors;
# dx = g [lo ≤ x ≤ hi],  dlo = g [x < lo],  dhi = g [x > hi]  (hi wins where lo > hi)
class Clamp(Function):
    @staticmethod
    def forward(ctx, x, lo, hi):
        xp = _xp(x)
        ctx.shapes = (_shape(x), _shape(lo), _shape(hi))
        y = xp.minimum(xp.maximum(x, lo), hi)
        hi_taken = xp.broadcast_to(xp.logical_or(x > hi, lo > hi), y.shape)        # y = hi here
        lo_taken = xp.broadcast_to(xp.logical_and(x < lo, xp.logical_not(hi_taken)), y.shape)
        from_hi, from_lo = xp.astype(hi_taken, y.dtype), xp.astype(lo_taken, y.dtype)
        ctx.save_for_backward(1 - from_hi - from_lo, from_lo, from_hi)
        return y

    @staticmethod
    def backward(ctx, g):
        from_x, from_lo, from_hi = ctx.saved_tensors
        x_shape, lo_shape, hi_shape = ctx.shapes
        dx = sum_to(g * from_x, x_shape) if ctx.needs_input_grad[0] else None
        dlo = sum_to(g * from_lo, lo_shape) if ctx.needs_input_grad[1] else None
        dhi = sum_to(g * from_hi, hi_shape) if ctx.needs_input_grad[2] else None
        return dx, dlo, dhi


def clamp(input, min=None, max=None):
    """Each element limited to [min, max], as torch.clamp (clip is the same function).

    Args:
        input: a tensor of any shape.
        min, max: numbers, tensors broadcastable with input, or None for no
            bound (not both None). Where min > max the result is max.
    Returns:
        the clamped tensor, input's shape broadcast with the bounds', of
        PyTorch's promoted dtype (result_type of input and bounds); the
        gradient goes to input where it was inside [min, max], else to the
        bound that was taken.
    """
    if min is None and max is None:
        raise RuntimeError("clamp: at least one of 'min' or 'max' must not be None")
    input = _tensor_arg(input, "clamp")
    if not isinstance(min, Tensor) and not isinstance(max, Tensor):
        return clip(input, min, max)
    dtype = result_type(input, *[v for v in (min, max) if v is not None])    # PyTorch's promotion
    input = _as_dtype(input, dtype)
    lo, hi = [_unbounded(input, side) if v is None else
              _as_dtype(v if isinstance(v, Tensor) else Tensor(backend.of(input._data).asarray(v)), dtype)
              for v, side in ((min, 0), (max, 1))]
    return Clamp.apply(input, lo, hi)


def _unbounded(input, side):
    """The bound that never binds: -inf / inf, or the integer dtype's extremes."""
    b = backend.of(input._data)
    if backend.is_float(input.dtype):
        value = (-math.inf, math.inf)[side]
    else:
        limits = b.xp.iinfo(input.dtype)
        value = (limits.min, limits.max)[side]
    return Tensor(b.full((), value, input.dtype))
