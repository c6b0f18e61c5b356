"""Every row of tests/functional_rows.py gradient-checked (central differences,
float64) on every backend: the functions of nn.functional, each option."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.nn import functional as F
from functional_rows import ROWS
from torch_rows import arrays, make_mg


# The padding row of an embedding gets no gradient by design, so finite
# differences (which see it move the output) must disagree there; those rows
# are held to PyTorch's gradient instead (test_torch_functional.py), and the
# zero row is pinned by test_embedding_padding_row_gets_no_gradient.
NOT_DIFFERENTIABLE = {"embedding padding_idx", "embedding padding_idx -1"}
CHECKED = [r for r in ROWS if r[0] not in NOT_DIFFERENTIABLE]


@pytest.mark.parametrize("name,fn,specs", CHECKED, ids=[r[0] for r in CHECKED])
def test_gradcheck(name, fn, specs, device):
    inputs = make_mg(arrays(specs, seed=len(name)), "float64", device)
    assert mg.gradcheck(lambda *xs: fn(F, *xs), inputs)


def test_embedding_padding_row_gets_no_gradient(device):
    weight = mg.tensor(np.random.default_rng(0).standard_normal((5, 3)), dtype="float64", device=device,
                       requires_grad=True)
    idx = mg.tensor([[1, 2, 1], [0, 1, 4]], device=device)
    out = F.embedding(idx, weight, padding_idx=1)
    np.testing.assert_array_equal(np.asarray(out)[0, 0], np.asarray(weight)[1])   # the row is read
    (out * out).sum().backward()
    g = np.asarray(weight.grad)
    np.testing.assert_array_equal(g[1], 0.0)
    assert np.all(g[[0, 2, 4]] != 0) and np.all(g[3] == 0)
