"""nn.functional against torch.nn.functional: the same inputs give the same
outputs and the same gradients (float64 to 1e-10, float32 to 1e-5), row by
row of tests/functional_rows.py."""

import pytest

from minigrad.nn import functional as F
from functional_rows import IDS, ROWS
from torch_rows import arrays, compare, make_mg, make_torch

torch = pytest.importorskip("torch")



@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name,fn,specs", ROWS, ids=IDS)
def test_matches_torch(name, fn, specs, dtype):
    import torch.nn.functional as TF
    values = arrays(specs, seed=len(name))
    ours, theirs = make_mg(values, dtype), make_torch(torch, values, dtype)
    compare(torch, fn(F, *ours), ours, fn(TF, *theirs), theirs, dtype)
