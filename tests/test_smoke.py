"""The README's examples, run as written: if these fail, the front page lies."""

import numpy as np

import minigrad as mg


def test_ten_lines(device):
    x = mg.tensor([[0.5, -1.0, 2.0]], device=device, requires_grad=True)    # (1, 3)
    W = mg.randn(3, 4, device=device, requires_grad=True)                    # (3, 4)
    h = mg.tanh(x @ W)                                                       # (1, 4)
    loss = (h ** 2).sum()
    loss.backward()
    assert W.grad.shape == (3, 4) and x.grad.shape == (1, 3)
    assert mg.gradcheck(lambda x, W: mg.tanh(x @ W), [x, W])


class Cube(mg.Function):
    # y = x³;   dx = g · 3x²
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * 3 * x * x


def test_custom_op_example(device):
    x = mg.tensor([0.5, -1.0, 2.0], dtype="float64", device=device, requires_grad=True)
    assert mg.gradcheck(Cube.apply, [x])
    Cube.apply(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 3 * np.array([0.5, -1.0, 2.0]) ** 2)


def test_a_tiny_mlp_fits(device):
    """Thirty steps of gradient descent on y = sin(x) bring the loss down."""
    mg.manual_seed(0)
    xs = mg.tensor(np.linspace(-2, 2, 32).reshape(32, 1), dtype="float32", device=device)
    ys = mg.tensor(np.sin(np.linspace(-2, 2, 32)).reshape(32, 1), dtype="float32", device=device)
    w1, b1 = mg.randn(1, 16, device=device, requires_grad=True), mg.zeros(16, device=device, requires_grad=True)
    w2, b2 = mg.randn(16, 1, device=device, requires_grad=True), mg.zeros(1, device=device, requires_grad=True)
    losses = []
    for _ in range(30):
        loss = ((mg.tanh(xs @ w1 + b1) @ w2 * 0.25 + b2 - ys) ** 2).mean()
        loss.backward()
        losses.append(loss.item())
        with mg.no_grad():
            for p in (w1, b1, w2, b2):
                p._data = (p - 0.2 * p.grad)._data
                p.grad = None
    assert losses[-1] < 0.5 * losses[0]
