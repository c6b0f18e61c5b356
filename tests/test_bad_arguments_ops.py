"""Bad arguments to the ops and Tensor methods: each raises PyTorch's
exception type, names the callee, and leaves its inputs as they were.

One row per wrong call (see tests/badargs.py for the check).
"""

import pytest

import minigrad as mg
from badargs import Bad, check

x = mg.randn(2, 3, requires_grad=True)        # (2, 3), a leaf every row may use
v = mg.randn(4)                               # (4,)
s = mg.tensor(2.0)                            # 0-d
i = mg.tensor([1, 2, 3])                      # int64
xs = lambda: [x, v, s, i]                     # noqa: E731  what no row may change

ROWS = [
    # reductions: dims out of range, wrong types, both spellings
    Bad("sum dim 2", lambda: x.sum(2), IndexError, "sum", xs),
    Bad("sum dim -3", lambda: x.sum(-3), IndexError, "sum", xs),
    Bad("sum dim str", lambda: x.sum("0"), TypeError, "sum", xs),
    Bad("sum dim float", lambda: x.sum(1.0), TypeError, "sum", xs),
    Bad("sum dim repeated", lambda: x.sum((0, 0)), RuntimeError, "sum", xs),
    Bad("sum dim and axis", lambda: x.sum(dim=0, axis=1), TypeError, "sum", xs),
    Bad("sum keepdim and keepdims", lambda: x.sum(0, keepdim=True, keepdims=True), TypeError, "sum", xs),
    Bad("sum of a list", lambda: mg.sum([1.0, 2.0]), TypeError, "sum", xs),
    Bad("mean dim 5", lambda: x.mean(5), IndexError, "mean", xs),
    Bad("mean of None", lambda: mg.mean(None), TypeError, "mean", xs),
    Bad("mean dim and axis", lambda: mg.mean(x, 0, axis=0), TypeError, "mean", xs),
    Bad("var dim 2", lambda: x.var(2), IndexError, "var", xs),
    Bad("var unbiased and correction", lambda: x.var(0, True, correction=1), TypeError, "var", xs),
    Bad("var correction str", lambda: x.var(correction="1"), TypeError, "var", xs),
    Bad("max dim 2", lambda: x.max(2), IndexError, "max", xs),
    Bad("max dim tuple", lambda: x.max((0, 1)), TypeError, "max", xs),
    Bad("max dim str", lambda: x.max("1"), TypeError, "max", xs),
    Bad("max of an empty dim", lambda: mg.zeros(0, 3).max(0), IndexError, "max", xs),
    Bad("max() of an empty tensor", lambda: mg.zeros(0).max(), IndexError, "max", xs),
    Bad("min dim -3", lambda: x.min(-3), IndexError, "min", xs),
    Bad("min of a list", lambda: mg.min([1, 2]), TypeError, "min", xs),
    Bad("amax dim 2", lambda: x.amax(2), IndexError, "amax", xs),
    Bad("amax of an empty dim", lambda: mg.zeros(2, 0).amax(1), IndexError, "amax", xs),
    Bad("amin dim str", lambda: x.amin("a"), TypeError, "amin", xs),
    Bad("logsumexp dim 2", lambda: x.logsumexp(2), IndexError, "logsumexp", xs),
    Bad("logsumexp of a list", lambda: mg.logsumexp([1.0]), TypeError, "logsumexp", xs),
    Bad("softmax dim 2", lambda: x.softmax(2), IndexError, "softmax", xs),
    Bad("softmax dim tuple", lambda: x.softmax((0, 1)), TypeError, "softmax", xs),
    Bad("softmax dim and axis", lambda: mg.softmax(x, 0, axis=1), TypeError, "softmax", xs),
    Bad("softmax of None", lambda: mg.softmax(None), TypeError, "softmax", xs),
    Bad("log_softmax dim -3", lambda: x.log_softmax(-3), IndexError, "log_softmax", xs),
    Bad("cumsum without dim", lambda: x.cumsum(), TypeError, "cumsum", xs),
    Bad("cumsum dim 2", lambda: x.cumsum(2), IndexError, "cumsum", xs),
    # shape ops
    Bad("reshape wrong size", lambda: x.reshape(4, 2), RuntimeError, "reshape", xs),
    Bad("reshape two -1", lambda: x.reshape(-1, -1), RuntimeError, "reshape", xs),
    Bad("reshape -2", lambda: x.reshape(-2, 3), RuntimeError, "reshape", xs),
    Bad("reshape -1 not dividing", lambda: x.reshape(-1, 4), RuntimeError, "reshape", xs),
    Bad("reshape float size", lambda: x.reshape(2.0, 3), TypeError, "reshape", xs),
    Bad("reshape str size", lambda: x.reshape("6"), TypeError, "reshape", xs),
    Bad("view wrong size", lambda: x.view(5), RuntimeError, "reshape", xs),
    Bad("view None size", lambda: x.view(None, 6), TypeError, "reshape", xs),
    Bad("expand smaller", lambda: x.expand(3), RuntimeError, "expand", xs),
    Bad("expand non-singleton", lambda: x.expand(2, 4), RuntimeError, "expand", xs),
    Bad("expand -1 leading", lambda: x.expand(-1, 2, 3), RuntimeError, "expand", xs),
    Bad("expand -2", lambda: x.expand(2, -2), RuntimeError, "expand", xs),
    Bad("expand float", lambda: x.expand(2, 3.0), TypeError, "expand", xs),
    Bad("permute too few", lambda: x.permute(0), RuntimeError, "permute", xs),
    Bad("permute repeated", lambda: x.permute(0, 0), RuntimeError, "permute", xs),
    Bad("permute out of range", lambda: x.permute(0, 2), IndexError, "permute", xs),
    Bad("permute str", lambda: mg.permute(x, "01"), TypeError, "permute", xs),
    Bad("transpose dim 2", lambda: x.transpose(0, 2), IndexError, "transpose", xs),
    Bad("transpose dim -3", lambda: x.transpose(-3, 0), IndexError, "transpose", xs),
    Bad("t of 3-d", lambda: mg.zeros(2, 2, 2).t(), RuntimeError, "t", xs),
    Bad("mT of 1-d", lambda: v.mT, RuntimeError, "mT", xs),
    Bad("flatten start after end", lambda: mg.zeros(2, 3, 4).flatten(2, 1), RuntimeError, "flatten", xs),
    Bad("flatten dim 3", lambda: x.flatten(0, 3), IndexError, "flatten", xs),
    Bad("squeeze dim 2", lambda: x.squeeze(2), IndexError, "squeeze", xs),
    Bad("squeeze dim str", lambda: x.squeeze("0"), TypeError, "squeeze", xs),
    Bad("unsqueeze dim 3", lambda: x.unsqueeze(3), IndexError, "unsqueeze", xs),
    Bad("unsqueeze dim -4", lambda: x.unsqueeze(-4), IndexError, "unsqueeze", xs),
    Bad("unsqueeze without dim", lambda: x.unsqueeze(), TypeError, "unsqueeze", xs),
    Bad("unsqueeze of a list", lambda: mg.unsqueeze([1.0], 0), TypeError, "unsqueeze", xs),
    Bad("flip dim 2", lambda: x.flip(2), IndexError, "flip", xs),
    Bad("cat of nothing", lambda: mg.cat([]), ValueError, "cat", xs),
    Bad("cat of a tensor", lambda: mg.cat(x), TypeError, "cat", xs),
    Bad("cat of None", lambda: mg.cat([x, None]), TypeError, "cat", xs),
    Bad("cat mismatched", lambda: mg.cat([x, v]), RuntimeError, "cat", xs),
    Bad("cat dim 2", lambda: mg.cat([x, x], dim=2), IndexError, "cat", xs),
    Bad("cat of 0-d", lambda: mg.cat([s, s]), IndexError, "cat", xs),
    Bad("cat dim and axis", lambda: mg.cat([x, x], 1, axis=0), TypeError, "cat", xs),
    Bad("stack of nothing", lambda: mg.stack([]), ValueError, "stack", xs),
    Bad("stack mismatched", lambda: mg.stack([x, x.t()]), RuntimeError, "stack", xs),
    Bad("stack dim 3", lambda: mg.stack([x, x], 3), IndexError, "stack", xs),
    Bad("split size 0", lambda: x.split(0), RuntimeError, "split", xs),
    Bad("split sizes not adding up", lambda: x.split([1, 2]), RuntimeError, "split", xs),
    Bad("split negative size", lambda: x.split([3, -1]), RuntimeError, "split", xs),
    Bad("split str", lambda: x.split("1"), TypeError, "split", xs),
    Bad("split dim 2", lambda: x.split(1, 2), IndexError, "split", xs),
    Bad("split of 0-d", lambda: s.split(1), IndexError, "split", xs),
    Bad("chunk 0", lambda: x.chunk(0), RuntimeError, "chunk", xs),
    Bad("chunk float", lambda: x.chunk(1.5), TypeError, "chunk", xs),
    Bad("chunk dim 2", lambda: x.chunk(2, 2), IndexError, "chunk", xs),
    Bad("unbind dim 2", lambda: x.unbind(2), IndexError, "unbind", xs),
    Bad("unbind of 0-d", lambda: s.unbind(), IndexError, "unbind", xs),
    # arithmetic and elementwise
    Bad("matmul dtypes", lambda: x @ mg.randn(3, 2, dtype="float64"), RuntimeError, "matmul", xs),
    Bad("matmul inner", lambda: x @ x, ValueError, "matmul", xs),
    Bad("matmul 0-d", lambda: x @ s, ValueError, "matmul", xs),
    Bad("matmul number", lambda: mg.matmul(x, 2.0), TypeError, "matmul", xs),
    Bad("add mismatched", lambda: x + v, ValueError, "add", xs),
    Bad("mul mismatched", lambda: x * mg.ones(4, 3), ValueError, "mul", xs),
    Bad("add a string", lambda: x + "a", TypeError, "tensor", xs),
    Bad("clip no bounds", lambda: x.clip(), ValueError, "clip", xs),
    Bad("clip tensor bound", lambda: x.clip(v, None), TypeError, "clip", xs),
    Bad("clip of a list", lambda: mg.clip([1.0], 0, 1), TypeError, "clip", xs),
    Bad("exp of a list", lambda: mg.exp([1.0]), TypeError, "exp", xs),
    Bad("tanh of None", lambda: mg.tanh(None), TypeError, "tanh", xs),
    # size, to, format, dlpack
    Bad("size dim 2", lambda: x.size(2), IndexError, "size", xs),
    Bad("size dim str", lambda: x.size("0"), TypeError, "size", xs),
    Bad("size of 0-d", lambda: s.size(0), IndexError, "size", xs),
    Bad("to unknown string", lambda: x.to("float16"), ValueError, "Tensor.to", xs),
    Bad("to a number", lambda: x.to(3), TypeError, "Tensor.to", xs),
    Bad("to unknown device", lambda: x.to(device="tpu"), ValueError, "Tensor.to", xs),
    Bad("to bad dtype keyword", lambda: x.to(dtype="complex64"), TypeError, "Tensor.to", xs),
    Bad("to device None type", lambda: x.to(device=5), TypeError, "Tensor.to", xs),
    Bad("astype unknown", lambda: x.astype("float16"), TypeError, "astype", xs),
    Bad("type_as a list", lambda: x.type_as([1]), TypeError, "type_as", xs),
    Bad("format of a vector", lambda: format(v, ".3f"), TypeError, "Tensor.__format__", xs),
    Bad("dlpack of a grad tensor", lambda: x.__dlpack__(), RuntimeError, "__dlpack__", xs),
    Bad("item of a vector", lambda: v.item(), RuntimeError, "item", xs),
    # constructors
    Bad("zeros(-1)", lambda: mg.zeros(-1), RuntimeError, "zeros", xs),
    Bad("zeros(2.5)", lambda: mg.zeros(2.5), TypeError, "zeros", xs),
    Bad("zeros('3')", lambda: mg.zeros("3"), TypeError, "zeros", xs),
    Bad("zeros bad dtype", lambda: mg.zeros(2, dtype="float16"), TypeError, "zeros", xs),
    Bad("ones(-2, 3)", lambda: mg.ones(-2, 3), RuntimeError, "ones", xs),
    Bad("full(-1)", lambda: mg.full((-1,), 1.0), RuntimeError, "full", xs),
    Bad("randn(2.5)", lambda: mg.randn(2.5), TypeError, "randn", xs),
    Bad("rand(None)", lambda: mg.rand(None), TypeError, "rand", xs),
    Bad("arange step 0", lambda: mg.arange(0, 1, 0), RuntimeError, "arange", xs),
    Bad("arange str", lambda: mg.arange("3"), TypeError, "arange", xs),
    Bad("arange wrong sign", lambda: mg.arange(0, 5, -1), RuntimeError, "arange", xs),
    Bad("tensor of a string", lambda: mg.tensor("abc"), TypeError, "tensor", xs),
]


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_bad_argument(row):
    check(row)


def test_the_table_has_many_rows():
    assert len(ROWS) >= 80 and len({r.name for r in ROWS}) == len(ROWS)
