"""nn: Module's tree of weights, the layers and containers, state_dict and
load_state_dict, and a gradcheck of every layer with its weights."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn.utils import functional_call


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(7, 4)
        self.layers = nn.ModuleList([nn.Linear(4, 4), nn.Linear(4, 4, bias=False)])
        self.norm = nn.LayerNorm(4)
        self.head = nn.Sequential(nn.Dropout(0.1), nn.Linear(4, 3))

    def forward(self, idx):
        h = self.embed(idx)
        for layer in self.layers:
            h = h + layer(h).tanh()
        return self.head(self.norm(h))


def test_parameter_names_follow_pytorch():
    names = [n for n, _ in Net().named_parameters()]
    assert names == ["embed.weight", "layers.0.weight", "layers.0.bias", "layers.1.weight",
                     "norm.weight", "norm.bias", "head.1.weight", "head.1.bias"]
    assert list(Net().state_dict()) == names


def test_modules_train_eval_zero_grad_and_num_parameters():
    net = Net()
    assert len(list(net.modules())) == 9
    net.eval()
    assert all(not m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())
    net(mg.tensor([[1, 2, 3]])).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    assert net.num_parameters() == 7 * 4 + 2 * 16 + 4 + 4 + 4 + 12 + 3


def test_tied_weight_is_one_parameter_but_two_state_dict_keys():
    class Tied(nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(5, 3)
            self.lm_head = nn.Linear(3, 5, bias=False)
            self.lm_head.weight = self.embedding.weight
    m = Tied()
    assert [n for n, _ in m.named_parameters()] == ["embedding.weight"]
    assert list(m.state_dict()) == ["embedding.weight", "lm_head.weight"]
    m.load_state_dict(m.state_dict())


def test_repr_is_readable():
    text = repr(nn.Sequential(nn.Linear(2, 3), nn.RMSNorm(3)))
    assert text == ("Sequential(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n"
                    "  (1): RMSNorm((3,), eps=1e-05, elementwise_affine=True)\n)")


def test_containers():
    a, b = nn.Linear(2, 3), nn.Linear(3, 1)
    seq = nn.Sequential(a, b)
    assert len(seq) == 2 and seq[0] is a and seq[-1] is b and list(seq) == [a, b]
    x = mg.randn(4, 2)
    np.testing.assert_array_equal(seq(x).numpy(), b(a(x)).numpy())
    ml = nn.ModuleList()
    ml.append(a).extend([b])
    assert len(ml) == 2 and ml[1] is b
    with pytest.raises(TypeError, match="ModuleList.append: expected a Module, got int"):
        ml.append(3)


# ---- layers: defaults, shapes, and gradchecks with their weights ------------------

def test_linear_default_init_bounds_and_layout():
    mg.manual_seed(0)
    lin = nn.Linear(16, 200)
    assert lin.weight.shape == (200, 16) and lin.bias.shape == (200,)
    for p in (lin.weight, lin.bias):
        values = p.numpy()
        assert np.abs(values).max() <= 0.25 and np.abs(values).max() > 0.24   # U(±1/√16)
    assert nn.Linear(3, 2, bias=False).bias is None


def test_embedding_init_is_standard_normal():
    mg.manual_seed(0)
    w = nn.Embedding(1000, 20).weight.numpy()
    assert abs(w.mean()) < 0.02 and abs(w.std() - 1) < 0.02


def _check_layer(layer, *inputs):
    """Gradcheck a layer as a function of its inputs and all its weights, in float64."""
    layer.double()
    names = [n for n, _ in layer.named_parameters()]
    weights = [p.detach() for _, p in layer.named_parameters()]
    for w in weights:
        w.requires_grad = True
    k = len(inputs)

    def fn(*args):
        return functional_call(layer, dict(zip(names, args[k:])), *args[:k])
    return mg.gradcheck(fn, list(inputs) + weights)


def _x(*shape, device):
    rng = np.random.default_rng(5)
    return mg.tensor(rng.standard_normal(shape), dtype="float64", device=device, requires_grad=True)


LAYERS = [
    ("Linear", lambda d: nn.Linear(4, 3, device=d), (2, 3, 4)),
    ("Linear no bias", lambda d: nn.Linear(4, 3, bias=False, device=d), (5, 4)),
    ("LayerNorm", lambda d: nn.LayerNorm(4, device=d), (2, 3, 4)),
    ("LayerNorm no bias", lambda d: nn.LayerNorm((3, 4), bias=False, device=d), (2, 3, 4)),
    ("RMSNorm", lambda d: nn.RMSNorm(4, device=d), (2, 3, 4)),
    ("Sequential", lambda d: nn.Sequential(nn.Linear(4, 5, device=d), nn.RMSNorm(5, device=d),
                                           nn.Linear(5, 2, device=d)), (3, 4)),
]


@pytest.mark.parametrize("name,make,shape", LAYERS, ids=[c[0] for c in LAYERS])
def test_layer_gradcheck(name, make, shape, device):
    mg.manual_seed(1)
    layer = make(device)
    if name.startswith(("LayerNorm", "RMSNorm")):      # move off the initial ones and zeros
        for p in layer.parameters():
            nn.init.uniform_(p, 0.5, 1.5)
    assert _check_layer(layer, _x(*shape, device=device))


def test_embedding_layer_gradcheck(device):
    emb = nn.Embedding(6, 3, device=device)
    idx = mg.tensor([[0, 5, 5], [2, 0, 1]], device=device)
    emb.double()
    w = emb.weight.detach()
    w.requires_grad = True
    assert mg.gradcheck(lambda w: functional_call(emb, {"weight": w}, idx), [w])


def test_dropout_layer_respects_train_and_eval(device):
    drop = nn.Dropout(0.5)
    x = mg.ones(50, 50, device=device)
    assert (drop(x).numpy() == 0).any()
    drop.eval()
    assert drop(x) is x
    with pytest.raises(ValueError, match=r"Dropout: p must be in \[0, 1\], got -0.1"):
        nn.Dropout(-0.1)


def test_functional_call_leaves_the_module_unchanged():
    lin = nn.Linear(2, 2)
    before = lin.weight
    out = functional_call(lin, {"weight": mg.zeros(2, 2), "bias": mg.ones(2)}, mg.randn(3, 2))
    np.testing.assert_array_equal(out.numpy(), np.ones((3, 2)))
    assert lin.weight is before and list(lin.named_parameters())[0][1] is before
    with pytest.raises(KeyError, match="functional_call: Linear has no parameter 'scale'"):
        functional_call(lin, {"scale": mg.ones(2)}, mg.randn(3, 2))


# ---- moving between devices and dtypes ------------------------------------------------

def test_to_device_and_dtype_keep_the_parameter_objects(device):
    lin = nn.Linear(3, 2)
    weight = lin.weight
    lin(mg.randn(1, 3)).sum().backward()
    lin.to(device).double()
    assert lin.weight is weight and lin.weight.device == lin.bias.device == mg.backend.get(device).name
    assert mg.backend.dtype_name(lin.weight.dtype) == "float64"
    assert mg.backend.dtype_name(lin.weight.grad.dtype) == "float64" and lin.weight.grad.device == lin.weight.device
    out = lin(mg.randn(4, 3, dtype="float64", device=device))
    assert out.shape == (4, 2) and out.device == lin.weight.device
    with pytest.raises(TypeError, match="Linear.to: parameters must stay floating point, got dtype 'int64'"):
        lin.to(dtype="int64")


# ---- state_dict / load_state_dict --------------------------------------------------------

def test_state_dict_shares_storage_as_torch_and_loads_back(device):
    mg.manual_seed(0)
    a, b = Net().to(device), Net().to(device)
    state = a.state_dict()
    assert all(isinstance(v, mg.Tensor) and v.device == mg.backend.get(device).name and not v.requires_grad
               for v in state.values())
    result = b.load_state_dict(state)
    assert result.missing_keys == [] and result.unexpected_keys == []
    idx = mg.tensor([[1, 2, 6]], device=device)
    a.eval(), b.eval()
    np.testing.assert_array_equal(a(idx).numpy(), b(idx).numpy())
    w = a.layers[0].weight
    w._write(w._data * 0)                      # an in-place step shows in the state_dict, as in PyTorch
    assert np.abs(state["layers.0.weight"].numpy()).sum() == 0
    assert state["layers.0.weight"]._version is w._version


def test_load_state_dict_accepts_arrays_from_another_device():
    src = nn.Linear(3, 2).to("array_api_strict")
    dst = nn.Linear(3, 2)
    dst.load_state_dict(src.state_dict())
    np.testing.assert_array_equal(dst.weight.numpy(), src.weight.numpy())
    assert dst.weight.device == "cpu"


def _params(m):
    return {k: v.copy() for k, v in ((n, p.numpy()) for n, p in m.named_parameters())}


def test_bad_state_dict_raises_one_error_listing_every_problem_and_changes_nothing():
    net = Net()
    before = _params(net)
    state = {k: np.asarray(v) + 1.0 for k, v in Net().state_dict().items()}   # good values to be loaded
    del state["norm.bias"]
    state["extra.weight"] = np.zeros(3, dtype=np.float32)
    state["head.1.weight"] = np.zeros((4, 4), dtype=np.float32)
    state["embed.weight"] = state["embed.weight"].astype(np.float64)
    with pytest.raises(RuntimeError) as info:
        net.load_state_dict(state)
    message = str(info.value)
    for expected in ["Net.load_state_dict: Error(s) in loading state_dict for Net, 4 problem(s), nothing was loaded",
                     "missing key 'norm.bias'", "unexpected key 'extra.weight'",
                     "'head.1.weight': shape (4, 4) in the checkpoint, (3, 4) in the model",
                     "'embed.weight': dtype float64 in the checkpoint, float32 in the model"]:
        assert expected in message
    after = _params(net)
    assert all(np.array_equal(before[k], after[k]) for k in before)


def test_non_strict_load_reports_keys_but_still_refuses_bad_shapes():
    net = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))
    state = {"0.weight": np.ones((2, 2), dtype=np.float32), "other": np.zeros(1)}
    result = net.load_state_dict(state, strict=False)
    assert result.missing_keys == ["0.bias", "1.weight", "1.bias"] and result.unexpected_keys == ["other"]
    np.testing.assert_array_equal(net[0].weight.numpy(), np.ones((2, 2)))
    with pytest.raises(RuntimeError, match=r"'0.weight': shape \(3,\) in the checkpoint"):
        net.load_state_dict({"0.weight": np.ones(3, dtype=np.float32)}, strict=False)
    with pytest.raises(RuntimeError, match="'0.bias': expected an array, got list"):
        net.load_state_dict({"0.bias": [1.0, 2.0]}, strict=False)


def test_loaded_arrays_are_copies():
    lin = nn.Linear(2, 2)
    state = {"weight": np.zeros((2, 2), dtype=np.float32), "bias": np.zeros(2, dtype=np.float32)}
    lin.load_state_dict(state)
    lin.weight._write(lin.weight._data + 1.0)
    assert state["weight"].sum() == 0


def test_state_dict_loads_into_torch_and_back():
    torch = pytest.importorskip("torch")
    mg.manual_seed(0)
    ours = nn.Sequential(nn.Linear(4, 8), nn.LayerNorm(8), nn.Linear(8, 3))
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.LayerNorm(8), torch.nn.Linear(8, 3))
    theirs.load_state_dict({k: torch.from_numpy(np.asarray(v)) for k, v in ours.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    np.testing.assert_allclose(ours(mg.tensor(x)).numpy(), theirs(torch.from_numpy(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)
    back = nn.Sequential(nn.Linear(4, 8), nn.LayerNorm(8), nn.Linear(8, 3))
    back.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    np.testing.assert_array_equal(back(mg.tensor(x)).numpy(), ours(mg.tensor(x)).numpy())
