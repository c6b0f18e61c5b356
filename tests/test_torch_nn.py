"""nn modules against torch.nn: each module built with the same arguments in
both libraries, torch's state_dict loaded into ours as it is; then the same
input gives the same output, the same input gradient and the same parameter
gradients (float64 to 1e-10, float32 to 1e-5). Also the state_dict keys,
shapes and order, and each module gradient-checked with its weights."""

from collections import OrderedDict

import numpy as np
import pytest

import minigrad as mg
from minigrad.nn.utils import functional_call
from torch_rows import TOL, arrays, make_mg, make_torch

torch = pytest.importorskip("torch")


def w(lib, values, dtype):
    """A constant tensor of the library `lib` (a class weight, a mask)."""
    return lib.tensor(np.asarray(values, dtype=dtype))


ROWS = [
    # name, make(lib, dtype) -> module, input specs, call(module, *inputs) -> output tensor
    ("ReLU", lambda lib, d: lib.nn.ReLU(), [("n", (3, 4))], None),
    ("Tanh", lambda lib, d: lib.nn.Tanh(), [("n", (3, 4))], None),
    ("Sigmoid", lambda lib, d: lib.nn.Sigmoid(), [("n", (3, 4))], None),
    ("SiLU", lambda lib, d: lib.nn.SiLU(), [("n", (3, 4))], None),
    ("GELU", lambda lib, d: lib.nn.GELU(), [("n", (3, 4))], None),
    ("GELU tanh", lambda lib, d: lib.nn.GELU(approximate="tanh"), [("n", (3, 4))], None),
    ("LeakyReLU", lambda lib, d: lib.nn.LeakyReLU(0.1), [("n", (3, 4))], None),
    ("Softmax", lambda lib, d: lib.nn.Softmax(dim=-1), [("n", (3, 4))], None),
    ("LogSoftmax", lambda lib, d: lib.nn.LogSoftmax(dim=1), [("n", (2, 3, 4))], None),
    ("Identity", lambda lib, d: lib.nn.Identity(3, x=1), [("n", (3, 4))], None),
    ("Flatten", lambda lib, d: lib.nn.Flatten(), [("n", (2, 3, 4))], None),
    ("Flatten 0..1", lambda lib, d: lib.nn.Flatten(0, 1), [("n", (2, 3, 4))], None),
    ("Unflatten", lambda lib, d: lib.nn.Unflatten(1, (2, -1)), [("n", (3, 4))], None),
    ("Linear", lambda lib, d: lib.nn.Linear(4, 3), [("n", (2, 4))], None),
    ("Linear no bias", lambda lib, d: lib.nn.Linear(4, 3, bias=False), [("n", (2, 5, 4))], None),
    ("Embedding padding_idx", lambda lib, d: lib.nn.Embedding(6, 3, padding_idx=2), [("i", (2, 5), 6, 2)], None),
    ("Conv1d", lambda lib, d: lib.nn.Conv1d(3, 4, 3), [("n", (2, 3, 7))], None),
    ("Conv1d unbatched", lambda lib, d: lib.nn.Conv1d(3, 4, 3), [("n", (3, 7))], None),
    ("Conv1d stride padding dilation", lambda lib, d: lib.nn.Conv1d(3, 4, 3, stride=2, padding=2, dilation=2),
     [("n", (2, 3, 11))], None),
    ("Conv1d groups no bias", lambda lib, d: lib.nn.Conv1d(4, 6, 2, groups=2, bias=False), [("n", (2, 4, 6))], None),
    ("Conv1d depthwise causal (Mamba's)", lambda lib, d: lib.nn.Conv1d(4, 4, 4, groups=4, padding=3),
     [("n", (2, 4, 6))], lambda m, x: m(x)[..., :6]),
    ("Conv1d same", lambda lib, d: lib.nn.Conv1d(3, 2, 4, padding="same"), [("n", (2, 3, 6))], None),
    ("Conv1d reflect", lambda lib, d: lib.nn.Conv1d(3, 2, 3, padding=1, padding_mode="reflect"), [("n", (2, 3, 6))], None),
    ("Conv1d replicate", lambda lib, d: lib.nn.Conv1d(3, 2, 3, padding=2, padding_mode="replicate"), [("n", (2, 3, 6))], None),
    ("Conv1d circular", lambda lib, d: lib.nn.Conv1d(3, 2, 3, padding=1, padding_mode="circular"), [("n", (2, 3, 6))], None),
    ("MultiheadAttention self", lambda lib, d: lib.nn.MultiheadAttention(8, 2),
     [("n", (5, 2, 8))], lambda m, x: m(x, x, x)[0]),
    ("MultiheadAttention weights", lambda lib, d: lib.nn.MultiheadAttention(8, 2),
     [("n", (5, 2, 8)), ("n", (4, 2, 8)), ("n", (4, 2, 8))], lambda m, q, k, v: m(q, k, v)[1]),
    ("MultiheadAttention per-head weights", lambda lib, d: lib.nn.MultiheadAttention(8, 4),
     [("n", (5, 2, 8)), ("n", (4, 2, 8))], lambda m, q, k: m(q, k, k, average_attn_weights=False)[1]),
    ("MultiheadAttention batch_first", lambda lib, d: lib.nn.MultiheadAttention(6, 3, batch_first=True),
     [("n", (2, 5, 6)), ("n", (2, 4, 6)), ("n", (2, 4, 6))], lambda m, q, k, v: m(q, k, v)[0]),
    ("MultiheadAttention unbatched", lambda lib, d: lib.nn.MultiheadAttention(6, 2),
     [("n", (5, 6)), ("n", (4, 6))], lambda m, q, k: m(q, k, k)[0]),
    ("MultiheadAttention unbatched weights", lambda lib, d: lib.nn.MultiheadAttention(6, 2),
     [("n", (5, 6)), ("n", (4, 6))], lambda m, q, k: m(q, k, k)[1]),
    ("MultiheadAttention no bias", lambda lib, d: lib.nn.MultiheadAttention(6, 2, bias=False),
     [("n", (3, 2, 6))], lambda m, x: m(x, x, x, need_weights=False)[0]),
    ("MultiheadAttention kdim vdim", lambda lib, d: lib.nn.MultiheadAttention(6, 2, kdim=4, vdim=5),
     [("n", (3, 2, 6)), ("n", (4, 2, 4)), ("n", (4, 2, 5))], lambda m, q, k, v: m(q, k, v)[0]),
    ("MultiheadAttention causal bool mask", lambda lib, d: lib.nn.MultiheadAttention(6, 2),
     [("n", (4, 2, 6))], lambda m, x: m(x, x, x, attn_mask=_causal(m, 4), is_causal=True)[0]),
    ("MultiheadAttention float mask", lambda lib, d: lib.nn.MultiheadAttention(6, 2),
     [("n", (4, 2, 6)), ("c", (4, 3))], lambda m, x, mask: m(x, x[:3], x[:3], attn_mask=mask)[0]),
    ("MultiheadAttention 3-d mask", lambda lib, d: lib.nn.MultiheadAttention(6, 2),
     [("n", (4, 2, 6)), ("c", (4, 4, 3))], lambda m, x, mask: m(x, x[:3], x[:3], attn_mask=mask)[0]),
    ("MultiheadAttention key_padding_mask", lambda lib, d: lib.nn.MultiheadAttention(6, 2),
     [("n", (4, 2, 6)), ("b", (2, 4))], lambda m, x, keep: m(x, x, x, key_padding_mask=_not(keep))[0]),
    ("MultiheadAttention both masks", lambda lib, d: lib.nn.MultiheadAttention(6, 2),
     [("n", (4, 2, 6)), ("b", (2, 4))],
     lambda m, x, keep: m(x, x, x, key_padding_mask=_not(keep), attn_mask=_causal(m, 4))[0]),
]

for r in ("none", "mean", "sum"):
    ROWS += [
        (f"CrossEntropyLoss {r}", lambda lib, d, r=r: lib.nn.CrossEntropyLoss(reduction=r),
         [("n", (5, 3)), ("i", (5,), 3)], None),
        (f"CrossEntropyLoss weight ignore smoothing {r}", lambda lib, d, r=r: lib.nn.CrossEntropyLoss(
            weight=w(lib, [0.5, 2.0, 1.0], d), ignore_index=1, reduction=r, label_smoothing=0.1),
         [("n", (2, 3, 4)), ("i", (2, 4), 3, 1)], None),
        (f"NLLLoss weight {r}", lambda lib, d, r=r: lib.nn.NLLLoss(weight=w(lib, [0.5, 2.0, 1.0], d), reduction=r),
         [("n", (5, 3)), ("i", (5,), 3, -100)], None),
        (f"MSELoss {r}", lambda lib, d, r=r: lib.nn.MSELoss(reduction=r), [("n", (3, 4)), ("n", (3, 4))], None),
        (f"L1Loss {r}", lambda lib, d, r=r: lib.nn.L1Loss(reduction=r), [("n", (3, 4)), ("n", (3, 4))], None),
        (f"SmoothL1Loss {r}", lambda lib, d, r=r: lib.nn.SmoothL1Loss(reduction=r, beta=0.5),
         [("n", (3, 4)), ("n", (3, 4))], None),
        (f"HuberLoss {r}", lambda lib, d, r=r: lib.nn.HuberLoss(reduction=r, delta=0.7),
         [("n", (3, 4)), ("n", (3, 4))], None),
        (f"BCELoss {r}", lambda lib, d, r=r: lib.nn.BCELoss(weight=w(lib, [1.0, 2.0, 0.5, 1.5], d), reduction=r),
         [("u", (3, 4)), ("p", (3, 4))], None),
        (f"BCEWithLogitsLoss {r}", lambda lib, d, r=r: lib.nn.BCEWithLogitsLoss(
            weight=w(lib, [[1.0], [2.0], [0.5]], d), reduction=r, pos_weight=w(lib, [1.0, 3.0, 0.5, 2.0], d)),
         [("n", (3, 4)), ("p", (3, 4))], None),
        (f"KLDivLoss {r}", lambda lib, d, r=r: lib.nn.KLDivLoss(reduction=r), [("n", (3, 4)), ("p", (3, 4))], None),
    ]
ROWS += [
    ("KLDivLoss batchmean log_target", lambda lib, d: lib.nn.KLDivLoss(reduction="batchmean", log_target=True),
     [("n", (3, 4)), ("c", (3, 4))], None),
    ("Sequential MLP", lambda lib, d: lib.nn.Sequential(lib.nn.Linear(2, 8), lib.nn.ReLU(), lib.nn.Linear(8, 3),
                                                        lib.nn.LogSoftmax(dim=1)), [("n", (5, 2))], None),
    ("Sequential OrderedDict", lambda lib, d: lib.nn.Sequential(OrderedDict(
        [("conv", lib.nn.Conv1d(2, 4, 3, padding=1)), ("act", lib.nn.GELU(approximate="tanh")),
         ("flat", lib.nn.Flatten())])), [("n", (2, 2, 5))], None),
]


def _lib(m):
    return torch if isinstance(m, torch.nn.Module) else mg


def _causal(m, L):
    """The bool (L, L) mask MultiheadAttention takes: True above the diagonal (may not attend)."""
    i = np.arange(L)
    if _lib(m) is torch:
        return torch.tensor(i[None, :] > i[:, None])
    return mg.tensor(i[None, :] > i[:, None], device=m.out_proj.weight.device)


def _not(mask):
    return torch.logical_not(mask) if isinstance(mask, torch.Tensor) else mask == False  # noqa: E712


IDS = [r[0] for r in ROWS]


def _pair(make, dtype):
    torch.manual_seed(0)
    theirs = make(torch, dtype)
    ours = make(mg, dtype)
    if dtype == "float64":
        theirs, ours = theirs.double(), ours.double()
    ours.load_state_dict(theirs.state_dict())          # torch tensors, as they are
    return ours, theirs


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name,make,specs,call", ROWS, ids=IDS)
def test_module_matches_torch(name, make, specs, call, dtype):
    ours, theirs = _pair(make, dtype)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [tuple(v.shape) for v in ours.state_dict().values()] == [tuple(v.shape) for v in theirs.state_dict().values()]
    call = call or (lambda m, *xs: m(*xs))
    values = arrays(specs, seed=len(name))
    xs, ts = make_mg(values, dtype), make_torch(torch, values, dtype)
    o, t = call(ours, *xs), call(theirs, *ts)
    tol = TOL[dtype]
    np.testing.assert_allclose(np.asarray(o), t.detach().numpy(), rtol=tol, atol=tol)
    assert str(o.dtype) == str(t.dtype).replace("torch.", "")
    v = np.random.default_rng(1).standard_normal(o.shape).astype(dtype)
    (o * mg.tensor(v)).sum().backward()
    (t * torch.tensor(v)).sum().backward()
    for a, b in zip(xs, ts):
        if b.requires_grad and b.grad is None:         # an input the output does not depend on
            assert a.grad is None
        elif b.requires_grad:
            np.testing.assert_allclose(np.asarray(a.grad), b.grad.numpy(), rtol=tol, atol=tol)
    theirs_params = dict(theirs.named_parameters())
    for key, p in ours.named_parameters():
        if theirs_params[key].grad is None:            # a weight the output does not depend on
            assert p.grad is None, key
        else:
            np.testing.assert_allclose(np.asarray(p.grad), theirs_params[key].grad.numpy(), rtol=tol, atol=tol,
                                       err_msg=key)


GRADCHECKED = [r for r in ROWS if "padding_idx" not in r[0]]   # the padding row has no gradient by design


class _Call(mg.nn.Module):
    """A row's call as a module, so functional_call can swap in the weights."""

    def __init__(self, module, call):
        super().__init__()
        self.m, self.call = module, call

    def forward(self, *xs):
        return self.call(self.m, *xs)


@pytest.mark.parametrize("name,make,specs,call", GRADCHECKED, ids=[r[0] for r in GRADCHECKED])
def test_module_gradcheck(name, make, specs, call, device):
    module = _Call(make(mg, "float64").double().to(device), call or (lambda m, *xs: m(*xs)))
    names = [k for k, _ in module.named_parameters()]
    inputs = make_mg(arrays(specs, seed=len(name)), "float64", device)
    weights = [mg.tensor(p, dtype="float64", device=device, requires_grad=True) for p in module.parameters()]
    n = len(inputs)
    assert mg.gradcheck(lambda *ts: functional_call(module, dict(zip(names, ts[n:])), *ts[:n]), inputs + weights)


def test_mambas_causal_conv_is_a_grouped_conv1d(device):
    """CausalConv1d (B, L, Dn) is nn.Conv1d(Dn, Dn, K, groups=Dn, padding=K-1) on (B, Dn, L), first L kept."""
    from minigrad.models.mamba import CausalConv1d
    mg.manual_seed(0)
    causal = CausalConv1d(4, 3, dtype="float64", device=device)
    conv = mg.nn.Conv1d(4, 4, 3, groups=4, padding=2, dtype="float64", device=device)
    conv.load_state_dict(causal.state_dict())
    x = mg.randn(2, 6, 4, dtype="float64", device=device)
    expected = conv(x.transpose(1, 2))[..., :6].transpose(1, 2)
    np.testing.assert_allclose(np.asarray(causal(x)), np.asarray(expected), rtol=1e-12, atol=1e-12)
