"""The whole stack at once: a two-layer MLP learns a generated classification
set — Linear, ReLU, cross_entropy, Adam, Batches, state_dict and checkpoints."""

import numpy as np

import minigrad as mg
from minigrad import nn, optim
from minigrad.data import Batches
from minigrad.nn import functional as F


def spirals(n_per_class=200, classes=3, seed=0):
    """Interleaved spiral arms in the plane, one per class: not linearly separable."""
    rng = np.random.default_rng(seed)
    X, y = [], []
    for c in range(classes):
        r = np.linspace(0.05, 1.0, n_per_class)
        theta = np.linspace(c * 2 * np.pi / classes, c * 2 * np.pi / classes + 1.5 * np.pi, n_per_class)
        theta += rng.normal(0, 0.1, n_per_class)
        X.append(np.stack([r * np.cos(theta), r * np.sin(theta)], axis=1))
        y.append(np.full(n_per_class, c))
    return np.concatenate(X).astype(np.float32), np.concatenate(y)


class MLP(nn.Module):
    def __init__(self, d_in, d_hidden, d_out):
        super().__init__()
        self.fc1 = nn.Linear(d_in, d_hidden)
        self.fc2 = nn.Linear(d_hidden, d_out)

    def forward(self, x):                      # (B, d_in) -> (B, d_out) logits
        return self.fc2(self.fc1(x).relu())


def accuracy(model, X, y):
    with mg.no_grad():
        return float((model(mg.tensor(X)).numpy().argmax(1) == y).mean())


def test_two_layer_mlp_learns_spirals(tmp_path):
    mg.manual_seed(0)
    X, y = spirals()
    model = MLP(2, 64, 3)
    opt = optim.Adam(model.parameters(), lr=0.02)
    assert accuracy(model, X, y) < 0.6
    batches = Batches((X, y), batch_size=64, shuffle=True, seed=1)     # a new order every epoch
    for _ in range(40):
        for xb, yb in batches:
            loss = F.cross_entropy(model(mg.tensor(xb)), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
    trained = accuracy(model, X, y)
    assert trained > 0.95, f"accuracy {trained:.3f}"

    mg.save(model.state_dict(), tmp_path / "mlp.npz")
    fresh = MLP(2, 64, 3)
    fresh.load_state_dict(mg.load(tmp_path / "mlp.npz"))
    assert accuracy(fresh, X, y) == trained
