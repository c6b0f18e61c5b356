"""Reference solution of exercise 01 (there to prove the grader; try the exercise first)."""

import minigrad as mg


class Tanh(mg.Function):
    """y = tanh(x); x and y of one shape."""

    # y = tanh(x);  dx = g ⊙ (1 - y²)
    @staticmethod
    def forward(ctx, x):
        """Args: x (...) an array. Returns: tanh(x) (...), x's dtype."""
        y = mg.backend.of(x).xp.tanh(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        """Args: g (...) a Tensor, ∂L/∂y. Returns: ∂L/∂x (...), a Tensor."""
        y, = ctx.saved_tensors
        return g * (1 - y * y)


class Mul(mg.Function):
    """out = a ⊙ b; a, b and out of one shape."""

    # out = a ⊙ b;  da = g ⊙ b,  db = g ⊙ a
    @staticmethod
    def forward(ctx, a, b):
        """Args: a, b (...) arrays of one shape. Returns: a ⊙ b (...)."""
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, g):
        """Args: g (...) a Tensor, ∂L/∂out. Returns: (∂L/∂a, ∂L/∂b), Tensors (...)."""
        a, b = ctx.saved_tensors
        return g * b, g * a


class Softplus(mg.Function):
    """y = log(1 + exp(x)), computed without overflow; x and y of one shape."""

    # y = max(x, 0) + log1p(exp(-|x|));  dx = g ⊙ σ(x)
    @staticmethod
    def forward(ctx, x):
        """Args: x (...) an array. Returns: log(1 + eˣ) (...), x's dtype, finite for any finite x."""
        xp = mg.backend.of(x).xp
        ctx.save_for_backward(x)
        return xp.maximum(x, xp.zeros_like(x)) + xp.log1p(xp.exp(-xp.abs(x)))

    @staticmethod
    def backward(ctx, g):
        """Args: g (...) a Tensor, ∂L/∂y. Returns: ∂L/∂x (...), a Tensor."""
        x, = ctx.saved_tensors
        return g * mg.sigmoid(x)
