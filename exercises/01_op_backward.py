"""Exercise 01 — an op's backward: write three ops as Function subclasses.

Read first: minigrad/autograd.py (the Function docstring: ctx, apply,
save_for_backward, saved_tensors), then minigrad/ops/elementwise.py, where
every op sits beside its backward with the rule as a one-line comment.

An op is a subclass of minigrad.Function with two static methods:

    forward(ctx, *arrays) -> array     works on raw arrays (NumPy, or another backend's)
    backward(ctx, g)      -> grads     works on Tensors: g = ∂L/∂y, one gradient per input

The chain rule, one input at a time: if y = f(x) elementwise, then
∂L/∂x = g ⊙ f'(x). Write these three:

    y = tanh(x)                      dx = g ⊙ (1 - y²)         save y, the output: it is all backward needs
    out = a ⊙ b  (Mul, two inputs)   da = g ⊙ b,  db = g ⊙ a    one gradient per input, in order
    y = softplus(x) = log(1 + eˣ)    dx = g ⊙ σ(x)             σ(x) = 1 / (1 + e⁻ˣ)

Shapes: every input and the output have one shape (broadcasting is exercise 02).

Three things the grader checks besides the gradients:
  * The ops must work on every device minigrad supports, so forward uses
    only the array namespace of its input: `xp = mg.backend.of(x).xp`, then
    xp.tanh, xp.exp, xp.log1p, ... — never numpy functions. The grader runs
    your ops on NumPy ("cpu") and on "array_api_strict", the stand-in for a
    GPU, whose arrays refuse NumPy functions.
  * Softplus must not overflow: log(1 + eˣ) is inf at x = 1000 in float64.
    Use the identity softplus(x) = max(x, 0) + log1p(exp(-|x|)).
  * float32 stays float32: the output has the input's dtype.

backward may use Tensor ops (g * y, 1 - y * y, ...): it then also works for
second derivatives. saved_tensors gives back Tensors.

The grader (python -m exercises check 01): gradcheck (central finite
differences in float64, minigrad/gradcheck.py) on each op and each input,
on both devices, plus the forward against NumPy.
"""

import minigrad as mg


class Tanh(mg.Function):
    """y = tanh(x); x and y of one shape."""

    @staticmethod
    def forward(ctx, x):
        """Args: x (...) an array. Returns: tanh(x) (...), x's dtype."""
        raise NotImplementedError

    @staticmethod
    def backward(ctx, g):
        """Args: g (...) a Tensor, ∂L/∂y. Returns: ∂L/∂x (...), a Tensor."""
        raise NotImplementedError


class Mul(mg.Function):
    """out = a ⊙ b; a, b and out of one shape."""

    @staticmethod
    def forward(ctx, a, b):
        """Args: a, b (...) arrays of one shape. Returns: a ⊙ b (...)."""
        raise NotImplementedError

    @staticmethod
    def backward(ctx, g):
        """Args: g (...) a Tensor, ∂L/∂out. Returns: (∂L/∂a, ∂L/∂b), Tensors (...)."""
        raise NotImplementedError


class Softplus(mg.Function):
    """y = log(1 + exp(x)), computed without overflow; x and y of one shape."""

    @staticmethod
    def forward(ctx, x):
        """Args: x (...) an array. Returns: log(1 + eˣ) (...), x's dtype, finite for any finite x."""
        raise NotImplementedError

    @staticmethod
    def backward(ctx, g):
        """Args: g (...) a Tensor, ∂L/∂y. Returns: ∂L/∂x (...), a Tensor."""
        raise NotImplementedError
