"""The deliberate differences from torch.nn listed in docs/differences.md
("nn and models") that no other test pins: each test fails if the difference
goes away or changes."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn import functional as F


def test_loss_options_after_weight_are_keyword_only():
    # torch: CrossEntropyLoss(weight, size_average, ignore_index, reduce, reduction, ...); the
    # deprecated size_average and reduce do not exist here, so the rest must be named
    with pytest.raises(TypeError):
        nn.CrossEntropyLoss(None, None, -100)
    with pytest.raises(TypeError):
        nn.MSELoss(None, None, "sum")
    assert nn.MSELoss(reduction="sum").reduction == "sum"


def test_multihead_attention_has_no_bias_kv_nor_zero_attn():
    for kwargs in ({"add_bias_kv": True}, {"add_zero_attn": True}):
        with pytest.raises(NotImplementedError, match="MultiheadAttention"):
            nn.MultiheadAttention(4, 2, **kwargs)


def test_sdpa_has_no_grouped_query_attention():
    q = mg.randn(1, 2, 3, 4)
    with pytest.raises(NotImplementedError, match="enable_gqa"):
        F.scaled_dot_product_attention(q, q, q, enable_gqa=True)


def test_a_class_weight_that_requires_grad_gets_its_gradient():
    # torch refuses weight.requires_grad ("not differentiable with respect to argument 'weight'")
    x = mg.randn(4, 3, dtype="float64")
    w = mg.tensor([1.0, 2.0, 0.5], dtype="float64", requires_grad=True)
    F.cross_entropy(x, mg.tensor([0, 1, 2, 1]), w).backward()
    assert w.grad is not None and np.all(np.isfinite(np.asarray(w.grad)))
    assert mg.gradcheck(lambda w: F.cross_entropy(x, mg.tensor([0, 1, 2, 1]), w, reduction="sum"), [w])
