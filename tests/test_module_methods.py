"""Module's methods against torch.nn.Module's: buffers, the tree walks,
registration, apply, requires_grad_, zero_grad, to(), repr, the containers,
and load_state_dict's in-place, all-or-nothing writes."""

from collections import OrderedDict

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn


def _tree(lib):
    """The same small tree in either library: buffers, a ModuleDict, a ParameterList."""
    class Net(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.body = lib.nn.Sequential(OrderedDict([("fc", lib.nn.Linear(2, 3)), ("act", lib.nn.Tanh())]))
            self.heads = lib.nn.ModuleDict({"a": lib.nn.Linear(3, 1), "b": lib.nn.Linear(3, 2, bias=False)})
            self.extra = lib.nn.ParameterList([lib.nn.Parameter(lib.zeros(2)), lib.nn.Parameter(lib.zeros(1, 2))])
            self.scales = lib.nn.ParameterDict({"s": lib.nn.Parameter(lib.ones(3))})
            self.register_buffer("count", lib.zeros(1))
            self.register_buffer("scratch", lib.zeros(2), persistent=False)
            self.body.register_buffer("mask", lib.ones(3))

        def forward(self, x):
            h = self.body(x) * self.scales["s"] * self.body.mask
            return self.heads["a"](h) + self.heads["b"](h).sum() + self.extra[0].sum()

    return Net()


def test_walks_names_and_repr_match_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = _tree(mg), _tree(torch)
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [n for n, _ in ours.named_children()] == [n for n, _ in theirs.named_children()]
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert list(ours.state_dict()) == list(theirs.state_dict())          # params, persistent buffers, children
    assert "scratch" not in ours.state_dict()
    assert [n for n, _ in ours.named_parameters(recurse=False)] == []
    for ours_m, theirs_m in [(ours.body, theirs.body), (nn.Linear(2, 3), torch.nn.Linear(2, 3)),
                             (nn.Conv1d(2, 4, 3, padding=1, groups=2), torch.nn.Conv1d(2, 4, 3, padding=1, groups=2)),
                             (nn.Embedding(5, 2, padding_idx=0), torch.nn.Embedding(5, 2, padding_idx=0)),
                             (nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 3), nn.LogSoftmax(dim=1)),
                              torch.nn.Sequential(torch.nn.Linear(2, 32), torch.nn.ReLU(), torch.nn.Linear(32, 3),
                                                  torch.nn.LogSoftmax(dim=1))),
                             (nn.GELU(approximate="tanh"), torch.nn.GELU(approximate="tanh")),
                             (nn.LeakyReLU(0.2), torch.nn.LeakyReLU(0.2)), (nn.Flatten(), torch.nn.Flatten()),
                             (nn.Unflatten(1, (2, 3)), torch.nn.Unflatten(1, (2, 3))),
                             (nn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss()), (nn.Identity(), torch.nn.Identity())]:
        assert repr(ours_m) == repr(theirs_m)


def test_torch_state_dict_with_buffers_loads_as_it_is():
    torch = pytest.importorskip("torch")
    ours, theirs = _tree(mg), _tree(torch)
    with torch.no_grad():
        for p in theirs.parameters():
            p.normal_()
        theirs.count += 3
    weight = ours.body.fc.weight
    version = weight._version.value
    result = ours.load_state_dict(theirs.state_dict())
    assert result == ([], []) and result.missing_keys == []
    assert ours.body.fc.weight is weight and weight._version.value == version + 1     # written in place
    for k, v in theirs.state_dict().items():
        np.testing.assert_array_equal(np.asarray(ours.state_dict()[k]), v.numpy())
    x = np.random.default_rng(0).standard_normal((4, 2)).astype(np.float32)
    np.testing.assert_allclose(np.asarray(ours(mg.tensor(x))), theirs(torch.tensor(x)).detach().numpy(), rtol=1e-6)


def test_a_failing_load_changes_nothing():
    net = _tree(mg)
    before = {k: v.numpy().copy() for k, v in net.state_dict().items()}
    versions = {k: v._version.value for k, v in net.state_dict().items()}
    bad = {k: mg.tensor(np.asarray(v) + 1) for k, v in net.state_dict().items()}
    bad["heads.b.weight"] = mg.zeros(9)                       # the one bad value, late in the dict
    with pytest.raises(RuntimeError, match="heads.b.weight"):
        net.load_state_dict(bad)
    for k, v in net.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), before[k])
        assert v._version.value == versions[k]
    missing = net.load_state_dict({"count": mg.tensor([5.0])}, strict=False)
    assert "body.fc.weight" in missing.missing_keys and missing.unexpected_keys == []
    assert net.count.item() == 5.0


def test_buffers_move_with_to_and_cast_only_floats(device):
    net = _tree(mg)
    net.register_buffer("steps", mg.tensor([3]))
    net(mg.randn(4, 2)).sum().backward()
    same = net.body.fc.weight
    net.to(device).to(mg.float64)
    assert net.body.fc.weight is same and same.dtype == net.count.dtype
    assert all(p.device == mg.backend.get(device).name and mg.backend.dtype_name(p.dtype) == "float64" for p in net.parameters())
    assert all(p.grad.device == mg.backend.get(device).name and mg.backend.dtype_name(p.grad.dtype) == "float64"
               for p in net.parameters() if p.grad is not None)
    assert net.scratch.device == mg.backend.get(device).name and mg.backend.dtype_name(net.body.mask.dtype) == "float64"
    assert mg.backend.dtype_name(net.steps.dtype) == "int64"
    net.to(device, "float32")
    assert mg.backend.dtype_name(net.body.fc.weight.dtype) == "float32"
    assert net.float() is net and net.cpu().count.device == "cpu"


def test_registration_apply_requires_grad_and_zero_grad():
    m = nn.Module()
    m.add_module("lin", nn.Linear(2, 2))
    m.register_module("lin2", nn.Linear(2, 1))
    m.register_parameter("w", nn.Parameter(mg.ones(2)))
    m.register_parameter("nothing", None)
    assert [n for n, _ in m.named_parameters()] == ["w", "lin.weight", "lin.bias", "lin2.weight", "lin2.bias"]
    seen = []
    m.apply(lambda mod: seen.append(type(mod).__name__))
    assert seen == ["Linear", "Linear", "Module"]                # children first, as PyTorch
    with pytest.raises(TypeError, match="cannot assign 'minigrad.Tensor' as parameter 'w'"):
        m.w = mg.zeros(2)
    m.w = None                                                  # None keeps the name registered
    assert "w" in m._parameters and [n for n, _ in m.named_parameters()][0] == "lin.weight"

    m.lin.requires_grad_(False)
    x = mg.randn(3, 2)
    m.lin2(m.lin(x)).sum().backward()
    assert m.lin.weight.grad is None and m.lin2.weight.grad is not None   # frozen: no .grad
    g = m.lin2.weight.grad
    m.zero_grad(set_to_none=False)
    assert m.lin2.weight.grad is g and np.all(g.numpy() == 0)
    m.zero_grad()
    assert m.lin2.weight.grad is None


def test_containers():
    a, b, c = nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)
    seq = nn.Sequential(a, b)
    seq.append(c)
    assert len(seq) == 3 and seq[-1] is c and isinstance(seq[1:], nn.Sequential) and list(seq[1:]) == [b, c]
    assert list(seq[1:]._modules) == ["1", "2"]                 # a slice keeps the names, as PyTorch
    named = nn.Sequential(OrderedDict([("first", a), ("second", c)]))
    assert list(named.state_dict()) == ["first.weight", "first.bias", "second.weight", "second.bias"]
    seq[1] = nn.Tanh()
    assert isinstance(seq[1], nn.Tanh)

    d = nn.ModuleDict({"x": a})
    d["y"] = c
    assert list(d.keys()) == ["x", "y"] and "y" in d and len(d) == 2 and d.pop("x") is a and list(d) == ["y"]
    pl = nn.ParameterList([mg.zeros(2)])
    pl.append(nn.Parameter(mg.ones(3)))
    assert len(pl) == 2 and isinstance(pl[0], nn.Parameter) and [n for n, _ in pl.named_parameters()] == ["0", "1"]
    pd = nn.ParameterDict({"p": mg.zeros(2)})
    pd["q"] = mg.ones(1)
    assert list(pd.keys()) == ["p", "q"] and isinstance(pd["q"], nn.Parameter) and len(pd) == 2


def test_parameter_shares_the_tensors_storage():
    t = mg.zeros(3)
    p = nn.Parameter(t)
    p._write(p._data + 1)
    assert t.numpy().tolist() == [1.0, 1.0, 1.0] and p._version is t._version


def test_torch_tensors_are_read_as_they_are_and_from_numpy_shares():
    torch = pytest.importorskip("torch")
    t = mg.tensor(torch.arange(6, dtype=torch.float64).reshape(2, 3).T)
    assert str(t.dtype) == "float64" and t.tolist() == [[0, 3], [1, 4], [2, 5]]
    assert str(mg.tensor(torch.tensor([1, 2])).dtype) == "int64"
    with pytest.raises(TypeError, match="torch.Tensor"):
        mg.tensor(torch.ones(2, requires_grad=True))
    a = np.zeros(3, dtype=np.float32)
    s = mg.from_numpy(a)
    a[1] = 4.0
    assert s.tolist() == [0.0, 4.0, 0.0]
    s._write(s._data + 1)
    assert a.tolist() == [1.0, 5.0, 1.0]
    with pytest.raises(TypeError, match="from_numpy: expected a numpy.ndarray, got list"):
        mg.from_numpy([1.0])
