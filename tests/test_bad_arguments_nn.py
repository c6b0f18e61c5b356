"""Bad arguments to nn layers, losses, functional, containers, Module methods,
load_state_dict and the models: each row raises the right exception, names
the callee, and leaves the listed state as it was (tests/badargs.py)."""

from collections import OrderedDict

import pytest

import minigrad as mg
from minigrad import nn
from minigrad.models import GRU, LSTM, RNN, GRUCell, LSTMCell, Mamba, MambaBlock, MambaConfig, RNNCell
from minigrad.models.attention import AdditiveAttention, CausalSelfAttention
from minigrad.nn import functional as F
from badargs import Bad, check

mg.manual_seed(0)
lin = nn.Linear(3, 2)
emb = nn.Embedding(5, 3)
conv = nn.Conv1d(2, 4, 3)
mha = nn.MultiheadAttention(4, 2)
seq = nn.Sequential(nn.Linear(3, 4), nn.ReLU())
cell, lstm_cell, gru_cell = RNNCell(3, 4), LSTMCell(3, 4), GRUCell(3, 4)
rnn, lstm, gru = RNN(3, 4), LSTM(3, 4, batch_first=True), GRU(3, 4, num_layers=2)
block = MambaBlock(4, d_state=2)
mamba = Mamba(MambaConfig(vocab_size=7, d_model=4, n_layers=1, d_state=2))
attn = CausalSelfAttention(4, 2)
additive = AdditiveAttention(3, 4, 5)
x3 = mg.randn(2, 3)
x64 = mg.randn(2, 3, dtype="float64")
logits = mg.randn(4, 3, requires_grad=True)
targets = mg.tensor([0, 2, 1, 1])


def torch_tensor():
    torch = pytest.importorskip("torch")
    return torch.ones(2, 3)


def _good_state():
    return {k: mg.tensor(v) for k, v in lin.state_dict().items()}


def _state(**change):
    sd = _good_state()
    for k, v in change.items():
        if v is None:
            del sd[k]
        else:
            sd[k] = v
    return sd


ROWS = [
    # ---- layer constructors
    Bad("Linear(0, 3)", lambda: nn.Linear(0, 3), ValueError, "Linear"),
    Bad("Linear(3, -1)", lambda: nn.Linear(3, -1), ValueError, "Linear"),
    Bad("Linear(2.5, 3)", lambda: nn.Linear(2.5, 3), TypeError, "Linear"),
    Bad("Linear('3', 3)", lambda: nn.Linear("3", 3), TypeError, "Linear"),
    Bad("Embedding(0, 3)", lambda: nn.Embedding(0, 3), ValueError, "Embedding"),
    Bad("Embedding padding_idx out of range", lambda: nn.Embedding(5, 3, padding_idx=5), ValueError, "Embedding"),
    Bad("Embedding padding_idx float", lambda: nn.Embedding(5, 3, padding_idx=1.0), TypeError, "Embedding"),
    Bad("Dropout(p=1.5)", lambda: nn.Dropout(1.5), ValueError, "Dropout"),
    Bad("Conv1d(0, 4, 3)", lambda: nn.Conv1d(0, 4, 3), ValueError, "Conv1d"),
    Bad("Conv1d kernel 0", lambda: nn.Conv1d(2, 4, 0), ValueError, "Conv1d"),
    Bad("Conv1d groups not dividing", lambda: nn.Conv1d(3, 4, 2, groups=2), ValueError, "Conv1d"),
    Bad("Conv1d padding 'full'", lambda: nn.Conv1d(2, 4, 3, padding="full"), ValueError, "Conv1d"),
    Bad("Conv1d same with stride", lambda: nn.Conv1d(2, 4, 3, padding="same", stride=2), ValueError, "Conv1d"),
    Bad("Conv1d padding_mode", lambda: nn.Conv1d(2, 4, 3, padding_mode="mirror"), ValueError, "Conv1d"),
    Bad("MultiheadAttention heads not dividing", lambda: nn.MultiheadAttention(6, 4), ValueError, "MultiheadAttention"),
    Bad("MultiheadAttention 0 heads", lambda: nn.MultiheadAttention(6, 0), ValueError, "MultiheadAttention"),
    Bad("MultiheadAttention dropout 2", lambda: nn.MultiheadAttention(4, 2, dropout=2.0), ValueError,
        "MultiheadAttention"),
    Bad("GELU approximate", lambda: nn.GELU("fast"), ValueError, "GELU"),
    Bad("ReLU inplace", lambda: nn.ReLU(inplace=True), NotImplementedError, "ReLU"),
    Bad("LeakyReLU slope str", lambda: nn.LeakyReLU("0.1"), TypeError, "LeakyReLU"),
    Bad("CrossEntropyLoss reduction", lambda: nn.CrossEntropyLoss(reduction="avg"), ValueError, "CrossEntropyLoss"),
    Bad("MSELoss reduction", lambda: nn.MSELoss(reduction=None), ValueError, "MSELoss"),
    Bad("KLDivLoss reduction", lambda: nn.KLDivLoss(reduction="batch"), ValueError, "KLDivLoss"),
    Bad("BCEWithLogitsLoss pos_weight list", lambda: nn.BCEWithLogitsLoss(pos_weight=[1.0]), TypeError,
        "BCEWithLogitsLoss"),
    Bad("Unflatten sizes str", lambda: nn.Unflatten(1, "23"), TypeError, "Unflatten"),
    # ---- layer forwards
    Bad("Linear on a list", lambda: lin([[1.0, 2.0, 3.0]]), TypeError, "Linear", lambda: [lin]),
    Bad("Linear on None", lambda: lin(None), TypeError, "Linear", lambda: [lin]),
    Bad("Linear on int tensor", lambda: lin(mg.tensor([[1, 2, 3]])), TypeError, "Linear", lambda: [lin]),
    Bad("Linear on float64", lambda: lin(x64), TypeError, "Linear", lambda: [lin, x64]),
    Bad("Linear on a torch.Tensor", lambda: lin(torch_tensor()), TypeError, "torch.Tensor", lambda: [lin]),
    Bad("Linear wrong features", lambda: lin(mg.randn(2, 4)), ValueError, "linear", lambda: [lin]),
    Bad("Linear other device", lambda: lin(mg.randn(2, 3, device="array_api_strict")), RuntimeError, "Linear",
        lambda: [lin]),
    Bad("Embedding index out of range", lambda: emb(mg.tensor([0, 5])), IndexError, "embedding", lambda: [emb]),
    Bad("Embedding float indices", lambda: emb(mg.tensor([0.0, 1.0])), TypeError, "embedding", lambda: [emb]),
    Bad("Embedding None", lambda: emb(None), TypeError, "embedding", lambda: [emb]),
    Bad("LayerNorm on a list", lambda: nn.LayerNorm(3)([1.0, 2.0, 3.0]), TypeError, "LayerNorm"),
    Bad("RMSNorm wrong shape", lambda: nn.RMSNorm(4)(x3), ValueError, "rms_norm"),
    Bad("Conv1d 4-d input", lambda: conv(mg.randn(1, 1, 2, 5)), ValueError, "conv1d", lambda: [conv]),
    Bad("Conv1d wrong channels", lambda: conv(mg.randn(1, 3, 5)), RuntimeError, "conv1d", lambda: [conv]),
    Bad("Conv1d too short", lambda: conv(mg.randn(1, 2, 2)), RuntimeError, "conv1d", lambda: [conv]),
    Bad("Conv1d float64", lambda: conv(mg.randn(1, 2, 5, dtype="float64")), TypeError, "Conv1d", lambda: [conv]),
    Bad("MultiheadAttention mixed ndim", lambda: mha(mg.randn(3, 2, 4), mg.randn(3, 4), mg.randn(3, 4)),
        ValueError, "MultiheadAttention", lambda: [mha]),
    Bad("MultiheadAttention wrong E", lambda: mha(*[mg.randn(3, 2, 5)] * 3), ValueError, "MultiheadAttention"),
    Bad("MultiheadAttention bad mask", lambda: mha(*[mg.randn(3, 2, 4)] * 3, attn_mask=mg.zeros(2, 2)),
        RuntimeError, "MultiheadAttention"),
    Bad("MultiheadAttention key_padding_mask shape", lambda: mha(*[mg.randn(3, 2, 4)] * 3,
                                                                 key_padding_mask=mg.zeros(3, 2) > 0),
        ValueError, "MultiheadAttention"),
    Bad("MultiheadAttention is_causal without mask", lambda: mha(*[mg.randn(3, 2, 4)] * 3, is_causal=True),
        RuntimeError, "MultiheadAttention"),
    Bad("Flatten start after end", lambda: nn.Flatten(2, 1)(mg.randn(2, 3, 4)), RuntimeError, "Flatten"),
    Bad("Flatten dim out of range", lambda: nn.Flatten(1, 5)(mg.randn(2, 3)), IndexError, "Flatten"),
    Bad("Unflatten wrong product", lambda: nn.Unflatten(1, (2, 2))(mg.randn(2, 6)), RuntimeError, "Unflatten"),
    # ---- losses and functional
    Bad("cross_entropy target out of range", lambda: F.cross_entropy(logits, mg.tensor([0, 3, 1, 1])), IndexError,
        "cross_entropy", lambda: [logits]),
    Bad("cross_entropy weight shape", lambda: F.cross_entropy(logits, targets, mg.ones(4)), ValueError,
        "cross_entropy", lambda: [logits]),
    Bad("cross_entropy label_smoothing 1.5", lambda: F.cross_entropy(logits, targets, label_smoothing=1.5),
        ValueError, "cross_entropy"),
    Bad("cross_entropy target None", lambda: F.cross_entropy(logits, None), TypeError, "cross_entropy"),
    Bad("CrossEntropyLoss int logits", lambda: nn.CrossEntropyLoss()(mg.tensor([[1, 2]]), mg.tensor([0])),
        TypeError, "cross_entropy"),
    Bad("nll_loss target shape", lambda: F.nll_loss(logits, mg.tensor([0, 1])), ValueError, "nll_loss"),
    Bad("mse_loss target None", lambda: F.mse_loss(x3, None), TypeError, "mse_loss", lambda: [x3]),
    Bad("mse_loss shape mismatch", lambda: nn.MSELoss()(x3, mg.randn(3, 2)), ValueError, "mse_loss"),
    Bad("l1_loss int target", lambda: F.l1_loss(x3, mg.tensor([[1, 2, 3], [4, 5, 6]])), TypeError, "l1_loss"),
    Bad("smooth_l1_loss beta -1", lambda: F.smooth_l1_loss(x3, x3, beta=-1.0), ValueError, "smooth_l1_loss"),
    Bad("huber_loss delta 0", lambda: F.huber_loss(x3, x3, delta=0.0), ValueError, "huber_loss"),
    Bad("binary_cross_entropy out of [0, 1]", lambda: F.binary_cross_entropy(x3 * 10, mg.zeros(2, 3)), RuntimeError,
        "binary_cross_entropy"),
    Bad("bce_with_logits pos_weight device", lambda: F.binary_cross_entropy_with_logits(
        x3, mg.zeros(2, 3), pos_weight=mg.ones(3, device="array_api_strict")), RuntimeError,
        "binary_cross_entropy_with_logits"),
    Bad("kl_div reduction", lambda: F.kl_div(x3, x3, reduction="avg"), ValueError, "kl_div"),
    Bad("softmax dim 2 of 2-d", lambda: F.softmax(x3, dim=2), IndexError, "softmax"),
    Bad("log_softmax dim str", lambda: F.log_softmax(x3, dim="1"), TypeError, "log_softmax"),
    Bad("glu odd", lambda: F.glu(x3), RuntimeError, "glu"),
    Bad("leaky_relu on list", lambda: F.leaky_relu([1.0]), TypeError, "leaky_relu"),
    Bad("pad odd widths", lambda: F.pad(x3, (1,)), TypeError, "pad"),
    Bad("pad mode", lambda: F.pad(x3, (1, 1), mode="mirror"), NotImplementedError, "pad"),
    Bad("pad reflect too wide", lambda: F.pad(x3, (3, 0), mode="reflect"), ValueError, "pad"),
    Bad("normalize p 0", lambda: F.normalize(x3, p=0), ValueError, "normalize"),
    Bad("cosine_similarity dim", lambda: F.cosine_similarity(x3, x3, dim=3), IndexError, "cosine_similarity"),
    Bad("one_hot too small", lambda: F.one_hot(mg.tensor([0, 3]), 3), ValueError, "one_hot"),
    Bad("dropout p -0.1", lambda: F.dropout(x3, -0.1), ValueError, "dropout", lambda: [x3]),
    Bad("sdpa shapes", lambda: F.scaled_dot_product_attention(mg.randn(2, 3, 4), mg.randn(2, 5, 3), mg.randn(2, 5, 3)),
        RuntimeError, "scaled_dot_product_attention"),
    Bad("sdpa mask and causal", lambda: F.scaled_dot_product_attention(*[mg.randn(2, 3, 4)] * 3,
                                                                       attn_mask=mg.zeros(3, 3), is_causal=True),
        ValueError, "scaled_dot_product_attention"),
    Bad("sdpa int mask", lambda: F.scaled_dot_product_attention(*[mg.randn(2, 3, 4)] * 3,
                                                                attn_mask=mg.tensor([[1, 0, 1]])),
        TypeError, "scaled_dot_product_attention"),
    Bad("conv1d groups 0", lambda: F.conv1d(mg.randn(1, 2, 5), mg.randn(4, 2, 3), groups=0), ValueError, "conv1d"),
    Bad("conv1d stride 1.5", lambda: F.conv1d(mg.randn(1, 2, 5), mg.randn(4, 2, 3), stride=1.5), TypeError, "conv1d"),
    # ---- containers
    Bad("Sequential of a function", lambda: nn.Sequential(nn.Linear(2, 3), mg.relu), TypeError, "Sequential"),
    Bad("Sequential.append int", lambda: seq.append(3), TypeError, "Sequential.append", lambda: [seq]),
    Bad("Sequential index out of range", lambda: seq[5], IndexError, "Sequential"),
    Bad("Sequential OrderedDict of a list", lambda: nn.Sequential(OrderedDict([("a", [1])])), TypeError,
        "Sequential"),
    Bad("ModuleDict of a tensor", lambda: nn.ModuleDict({"a": x3}), TypeError, "ModuleDict"),
    Bad("ParameterList of a list", lambda: nn.ParameterList([[1.0]]), TypeError, "ParameterList"),
    Bad("ParameterDict of a float", lambda: nn.ParameterDict({"a": 1.0}), TypeError, "ParameterDict"),
    # ---- Module methods
    Bad("assign a Tensor to a parameter", lambda: setattr(lin, "weight", mg.zeros(2, 3)), TypeError,
        "parameter 'weight'", lambda: [lin]),
    Bad("assign a list to a child module", lambda: setattr(seq, "0", [1]), TypeError, "child module '0'",
        lambda: [seq]),
    Bad("register_buffer of a list", lambda: nn.Module().register_buffer("b", [1.0]), TypeError, "register_buffer"),
    Bad("register_buffer dotted name", lambda: nn.Module().register_buffer("a.b", None), KeyError, "register_buffer"),
    Bad("register_buffer over an attribute", lambda: lin.register_buffer("in_features", None), KeyError,
        "register_buffer", lambda: [lin]),
    Bad("register_parameter of a Tensor", lambda: nn.Module().register_parameter("w", mg.zeros(2)), TypeError,
        "register_parameter"),
    Bad("add_module of an int", lambda: nn.Module().add_module("m", 3), TypeError, "add_module"),
    Bad("to(int64)", lambda: lin.to("int64"), TypeError, "Linear.to", lambda: [lin]),
    Bad("to(unknown device)", lambda: lin.to(device="tpu"), ValueError, "device", lambda: [lin]),
    Bad("train('yes')", lambda: lin.train("yes"), ValueError, "Linear.train", lambda: [lin]),
    Bad("requires_grad_ 1", lambda: lin.requires_grad_(1), TypeError, "Linear.requires_grad_", lambda: [lin]),
    Bad("Parameter of a list", lambda: nn.Parameter([1.0]), TypeError, "Parameter"),
    # ---- load_state_dict: all or nothing
    Bad("load_state_dict of a list", lambda: lin.load_state_dict([1]), TypeError, "Linear.load_state_dict",
        lambda: [lin]),
    Bad("load_state_dict missing key", lambda: lin.load_state_dict(_state(bias=None)), RuntimeError,
        "missing key 'bias'", lambda: [lin]),
    Bad("load_state_dict unexpected key", lambda: lin.load_state_dict(_state(extra=mg.zeros(1))), RuntimeError,
        "unexpected key 'extra'", lambda: [lin]),
    Bad("load_state_dict shape, good key first", lambda: lin.load_state_dict(_state(bias=mg.zeros(3))),
        RuntimeError, "Linear.load_state_dict", lambda: [lin]),
    Bad("load_state_dict dtype", lambda: lin.load_state_dict(_state(weight=mg.zeros(2, 3, dtype="float64"))),
        RuntimeError, "dtype float64 in the checkpoint", lambda: [lin]),
    Bad("load_state_dict a list value", lambda: lin.load_state_dict(_state(bias=[0.0, 0.0]), strict=False),
        RuntimeError, "expected an array, got list", lambda: [lin]),
    # ---- models
    Bad("RNNCell(0, 4)", lambda: RNNCell(0, 4), ValueError, "RNNCell"),
    Bad("LSTMCell(3, 2.0)", lambda: LSTMCell(3, 2.0), TypeError, "LSTMCell"),
    Bad("RNNCell on a list", lambda: cell([[1.0, 2.0, 3.0]]), TypeError, "RNNCell", lambda: [cell]),
    Bad("RNNCell on float64", lambda: cell(x64), TypeError, "RNNCell", lambda: [cell]),
    Bad("GRUCell on int", lambda: gru_cell(mg.tensor([[1, 2, 3]])), TypeError, "GRUCell", lambda: [gru_cell]),
    Bad("GRUCell on None", lambda: gru_cell(None), TypeError, "GRUCell", lambda: [gru_cell]),
    Bad("LSTMCell state not a pair", lambda: lstm_cell(x3, mg.zeros(2, 4)), TypeError, "LSTMCell",
        lambda: [lstm_cell]),
    Bad("LSTMCell float64 state", lambda: lstm_cell(x3, (mg.zeros(2, 4, dtype="float64"), mg.zeros(2, 4))),
        TypeError, "LSTMCell", lambda: [lstm_cell]),
    Bad("LSTMCell on other device", lambda: lstm_cell(mg.randn(2, 3, device="array_api_strict")), RuntimeError,
        "LSTMCell", lambda: [lstm_cell]),
    Bad("RNN(3, 0)", lambda: RNN(3, 0), ValueError, "RNN"),
    Bad("LSTM num_layers 1.5", lambda: LSTM(3, 4, num_layers=1.5), TypeError, "LSTM"),
    Bad("GRU dropout 1", lambda: GRU(3, 4, dropout=1.0), ValueError, "GRU"),
    Bad("RNN on a list", lambda: rnn([[[1.0, 2.0, 3.0]]]), TypeError, "RNN", lambda: [rnn]),
    Bad("LSTM on a torch.Tensor", lambda: lstm(torch_tensor()), TypeError, "torch.Tensor", lambda: [lstm]),
    Bad("GRU wrong h0", lambda: gru(mg.randn(5, 2, 3), mg.zeros(1, 2, 4)), ValueError, "GRU", lambda: [gru]),
    Bad("MambaBlock(0)", lambda: MambaBlock(0), ValueError, "MambaBlock"),
    Bad("MambaBlock d_state 0", lambda: MambaBlock(4, d_state=0), ValueError, "MambaBlock"),
    Bad("MambaBlock on a list", lambda: block([[[1.0] * 4]]), TypeError, "MambaBlock", lambda: [block]),
    Bad("MambaBlock on float64", lambda: block(mg.randn(1, 3, 4, dtype="float64")), TypeError, "MambaBlock",
        lambda: [block]),
    Bad("MambaBlock wrong width", lambda: block(mg.randn(1, 3, 5)), ValueError, "MambaBlock", lambda: [block]),
    Bad("MambaBlock.step on None", lambda: block.step(None, block.initial_state(1)), TypeError, "MambaBlock.step"),
    Bad("Mamba config dict", lambda: Mamba({"d_model": 4}), TypeError, "Mamba"),
    Bad("Mamba vocab 0", lambda: Mamba(MambaConfig(vocab_size=0)), ValueError, "Mamba"),
    Bad("Mamba tokens list", lambda: mamba([[1, 2]]), TypeError, "Mamba", lambda: [mamba]),
    Bad("Mamba tokens 1-d", lambda: mamba(mg.tensor([1, 2])), ValueError, "Mamba", lambda: [mamba]),
    Bad("Mamba tokens out of range", lambda: mamba(mg.tensor([[1, 9]])), IndexError, "embedding", lambda: [mamba]),
    Bad("CausalSelfAttention(8, 0)", lambda: CausalSelfAttention(8, 0), ValueError, "CausalSelfAttention"),
    Bad("CausalSelfAttention(8, 3)", lambda: CausalSelfAttention(8, 3), ValueError, "CausalSelfAttention"),
    Bad("CausalSelfAttention on a list", lambda: attn([[[1.0] * 4]]), TypeError, "CausalSelfAttention",
        lambda: [attn]),
    Bad("CausalSelfAttention on float64", lambda: attn(mg.randn(1, 2, 4, dtype="float64")), TypeError,
        "CausalSelfAttention", lambda: [attn]),
    Bad("CausalSelfAttention.step int", lambda: attn.step(mg.tensor([[1, 2, 3, 4]])), TypeError,
        "CausalSelfAttention.step", lambda: [attn]),
    Bad("AdditiveAttention(0, 4, 5)", lambda: AdditiveAttention(0, 4, 5), ValueError, "AdditiveAttention"),
    Bad("AdditiveAttention keys None", lambda: additive(mg.randn(2, 3), None), TypeError, "AdditiveAttention",
        lambda: [additive]),
]


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_bad_argument(row):
    check(row)
