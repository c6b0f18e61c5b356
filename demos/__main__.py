"""Until the full tour lands: fit a tiny two-layer network on a noisy sine and
print its loss falling — every gradient by minigrad's autograd."""

import minigrad as mg


def main():
    mg.manual_seed(0)
    x = mg.tensor([[i / 32 - 1.0] for i in range(64)])                       # (64, 1)
    y = x * x * 2 - 0.5 + mg.randn(64, 1) * 0.05                              # a noisy parabola
    W1, b1 = mg.randn(1, 32, requires_grad=True), mg.zeros(32, requires_grad=True)
    W2, b2 = (mg.randn(32, 1) * 0.1).detach(), mg.zeros(1, requires_grad=True)
    W2.requires_grad = True
    lr = 0.05
    for step in range(301):
        pred = mg.tanh(x @ W1 + b1) @ W2 + b2                                 # (64, 1)
        loss = ((pred - y) ** 2).mean()
        for p in (W1, b1, W2, b2):
            p.grad = None
        loss.backward()
        with mg.no_grad():
            for p in (W1, b1, W2, b2):
                p.data = (p - lr * p.grad).data
        if step % 50 == 0:
            print(f"step {step:3d}  mse {loss.item():.5f}")


if __name__ == "__main__":
    main()
