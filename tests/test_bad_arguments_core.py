"""Bad arguments to the engine's core — making tensors, in-place ops, item
assignment, backward and grad, hooks, grad mode, save and load: each row a
wrong call, the error it must raise, a name its message must contain, and the
state it must leave as it was (see tests/badargs.py)."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from tests.badargs import Bad, check


def _leaf():
    return mg.tensor([1.0, 2.0, 3.0], requires_grad=True)


def _x():
    return mg.tensor([1.0, 2.0, 3.0])


def _with(make, call):
    """A row's objects made once, shared by the call and the state to check."""
    objs = make()
    return (lambda: call(*objs)), (lambda: list(o for o in objs if isinstance(o, (mg.Tensor, nn.Module))))


def row(name, make, call, error, callee, extra_state=None):
    objs = make() if make is not None else ()
    state = [o for o in objs if isinstance(o, (mg.Tensor, nn.Module))] + (extra_state or [])
    return Bad(name, lambda: call(*objs), error, callee, state=lambda: state)


def _used():
    """x saved by Mul for backward, then changed under no_grad."""
    x = _leaf()
    y = (x * x).sum()
    with mg.no_grad():
        x += 1
    return y, x


def _twice():
    x = _leaf()
    y = (x * x).sum()
    y.backward()
    return y, x


def _split():
    x = _leaf()
    a, b = (mg.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True) * 1).split(2)
    return a, x


def _bad_hook():
    x = _leaf()
    h = x * 2
    h.register_hook(lambda g: mg.ones(7))
    return h, x


def _files(tmp):
    good = tmp / "good.npz"
    mg.save({"w": np.ones(2)}, good)
    (tmp / "garbage.npz").write_bytes(b"not a zip file at all")
    (tmp / "cut.npz").write_bytes(good.read_bytes()[:60])
    np.save(tmp / "one.npy", np.ones(2))
    np.savez(tmp / "objects.npz", w=np.array([{"code": 1}], dtype=object))
    (tmp / "folder").mkdir()
    return tmp


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return _files(tmp_path_factory.mktemp("checkpoints"))


ROWS = [
    # ---- making tensors ------------------------------------------------------------
    row("tensor of a string", None, lambda: mg.tensor("abc"), TypeError, "tensor"),
    row("tensor of None", None, lambda: mg.tensor(None), TypeError, "tensor"),
    row("tensor of a ragged list", None, lambda: mg.tensor([[1.0, 2.0], [3.0]]), ValueError, "tensor"),
    row("tensor of a dict", None, lambda: mg.tensor({"a": 1}), TypeError, "tensor"),
    row("tensor, unknown dtype", None, lambda: mg.tensor([1.0], dtype="float16"), TypeError, "tensor"),
    row("tensor, dtype not a name", None, lambda: mg.tensor([1.0], dtype=3), TypeError, "tensor"),
    row("tensor, unknown device", None, lambda: mg.tensor([1.0], device="gpu"), ValueError, "tensor"),
    row("tensor, int requires grad", None, lambda: mg.tensor([1, 2], requires_grad=True), RuntimeError,
        "tensor"),
    row("tensor, requires_grad a string", None, lambda: mg.tensor([1.0], requires_grad="yes"), TypeError,
        "tensor"),
    row("Tensor of a list", None, lambda: mg.Tensor([1.0, 2.0]), TypeError, "Tensor"),
    row("Tensor of a string", None, lambda: mg.Tensor("abc"), TypeError, "Tensor"),
    row("zeros, negative size", None, lambda: mg.zeros(2, -1), RuntimeError, "zeros"),
    row("zeros, float size", None, lambda: mg.zeros(2.5), TypeError, "zeros"),
    row("zeros, string size", None, lambda: mg.zeros("3"), TypeError, "zeros"),
    row("zeros, bool size", None, lambda: mg.zeros(True), TypeError, "zeros"),
    row("zeros, complex dtype", None, lambda: mg.zeros(2, dtype="complex64"), TypeError, "zeros"),
    row("ones, negative size", None, lambda: mg.ones(-2), RuntimeError, "ones"),
    row("full, negative size", None, lambda: mg.full((-1,), 0.0), RuntimeError, "full"),
    row("full, string value", None, lambda: mg.full((2,), "x"), TypeError, "full"),
    row("full, None value", None, lambda: mg.full((2,), None), TypeError, "full"),
    row("randn, negative size", None, lambda: mg.randn(3, -1), RuntimeError, "randn"),
    row("randn, integer dtype", None, lambda: mg.randn(2, dtype="int64"), RuntimeError, "randn"),
    row("rand, integer dtype", None, lambda: mg.rand(2, dtype="int64"), RuntimeError, "rand"),
    row("rand, float size", None, lambda: mg.rand(1.5), TypeError, "rand"),
    row("arange, zero step", None, lambda: mg.arange(0, 5, 0), RuntimeError, "arange"),
    row("arange, string", None, lambda: mg.arange("a"), TypeError, "arange"),
    row("zeros_like of a list", None, lambda: mg.zeros_like([1.0, 2.0]), TypeError, "zeros_like"),
    row("ones_like of None", None, lambda: mg.ones_like(None), TypeError, "ones_like"),
    row("requires_grad on an int tensor", lambda: (mg.tensor([1, 2]),),
        lambda t: setattr(t, "requires_grad", True), RuntimeError, "requires_grad"),
    row("requires_grad off on a non-leaf", lambda: ((_leaf() * 2),),
        lambda t: setattr(t, "requires_grad", False), RuntimeError, "requires_grad"),
    row("requires_grad_ a string", lambda: (_x(),), lambda t: t.requires_grad_("yes"), TypeError,
        "requires_grad_"),
    row(".data = a list", lambda: (_x(),), lambda t: setattr(t, "data", [1.0, 2.0, 3.0]), TypeError, "data"),
    row("item of three elements", lambda: (_x(),), lambda t: t.item(), RuntimeError, "item"),
    row("bool of three elements", lambda: (_x(),), lambda t: bool(t), RuntimeError, "bool"),
    row("len of a 0-d tensor", lambda: (mg.tensor(1.0),), lambda t: len(t), TypeError, "len"),
    row("to an unknown device", lambda: (_x(),), lambda t: t.to("gpu"), ValueError, "to"),
    row("to a non-string device", lambda: (_x(),), lambda t: t.to(3), TypeError, "to"),

    # ---- in-place ops --------------------------------------------------------------
    row("add_ on a leaf", lambda: (_leaf(),), lambda x: x.add_(1), RuntimeError, "add_"),
    row("+= on a leaf", lambda: (_leaf(),), lambda x: x.__iadd__(1), RuntimeError, "add_"),
    row("mul_ on a leaf", lambda: (_leaf(),), lambda x: x.mul_(2), RuntimeError, "mul_"),
    row("zero_ on a leaf", lambda: (_leaf(),), lambda x: x.zero_(), RuntimeError, "zero_"),
    row("add_ a string", lambda: (_x(),), lambda x: x.add_("a"), TypeError, "add_"),
    row("sub_ None", lambda: (_x(),), lambda x: x.sub_(None), TypeError, "sub_"),
    row("mul_ a dict", lambda: (_x(),), lambda x: x.mul_({}), TypeError, "mul_"),
    row("add_ alpha a string", lambda: (_x(), _x()), lambda x, y: x.add_(y, alpha="2"), TypeError, "add_"),
    row("add_ a wider tensor", lambda: (_x(), mg.ones(2, 3)), lambda x, y: x.add_(y), RuntimeError, "add_"),
    row("add_ a mismatched tensor", lambda: (_x(), mg.ones(4)), lambda x, y: x.add_(y), ValueError, "add_"),
    row("add_ 1.5 to an int tensor", lambda: (mg.tensor([1, 2]),), lambda x: x.add_(1.5), RuntimeError,
        "add_"),
    row("/= on an int tensor", lambda: (mg.tensor([1, 2]),), lambda x: x.__itruediv__(2), RuntimeError, "div_"),
    row("add_ 1 to a bool tensor", lambda: (mg.tensor([True]),), lambda x: x.add_(1), RuntimeError, "add_"),
    row("add_ on another device", lambda: (_x(), mg.ones(3, device="array_api_strict")),
        lambda x, y: x.add_(y), RuntimeError, "add_"),
    row("clamp_ without bounds", lambda: (_x(),), lambda x: x.clamp_(), RuntimeError, "clamp_"),
    row("clamp_ a string bound", lambda: (_x(),), lambda x: x.clamp_("a"), TypeError, "clamp_"),
    row("fill_ a 1-d tensor", lambda: (_x(), mg.ones(2)), lambda x, v: x.fill_(v), RuntimeError, "fill_"),
    row("fill_ a string", lambda: (_x(),), lambda x: x.fill_("a"), TypeError, "fill_"),
    row("copy_ a list", lambda: (_x(),), lambda x: x.copy_([1.0, 2.0, 3.0]), TypeError, "copy_"),
    row("copy_ a wrong shape", lambda: (_x(), mg.ones(5)), lambda x, s: x.copy_(s), RuntimeError, "copy_"),
    row("add_ into an expanded view", lambda: (mg.ones(1, 3),), lambda x: x.expand(2, 3).add_(1),
        RuntimeError, "add_"),
    row("mul_ a split output with grad", _split, lambda a, x: a.mul_(2), RuntimeError, "mul_"),
    row("mul_ a view of a leaf", lambda: (_leaf(),), lambda x: x[0:2].mul_(2), RuntimeError, "mul_"),
    row("mul_ a transposed leaf", lambda: (mg.ones(2, 2, requires_grad=True),), lambda x: x.T.mul_(2),
        RuntimeError, "mul_"),

    # ---- item assignment -----------------------------------------------------------
    row("setitem, string index", lambda: (_x(),), lambda x: x.__setitem__("a", 1.0), IndexError,
        "__setitem__"),
    row("setitem, out of bounds", lambda: (_x(),), lambda x: x.__setitem__(5, 1.0), IndexError, "__setitem__"),
    row("setitem, too many indices", lambda: (_x(),), lambda x: x.__setitem__((0, 0), 1.0), IndexError,
        "__setitem__"),
    row("setitem, float index", lambda: (_x(),), lambda x: x.__setitem__(1.5, 1.0), IndexError, "__setitem__"),
    row("setitem, string value", lambda: (_x(),), lambda x: x.__setitem__(0, "a"), TypeError, "__setitem__"),
    row("setitem, None value", lambda: (_x(),), lambda x: x.__setitem__(0, None), TypeError, "__setitem__"),
    row("setitem, wrong shape", lambda: (_x(), mg.ones(3)), lambda x, v: x.__setitem__(slice(0, 2), v),
        RuntimeError, "__setitem__"),
    row("setitem on a leaf", lambda: (_leaf(),), lambda x: x.__setitem__(0, 5.0), RuntimeError, "__setitem__"),
    row("setitem, mask of a wrong shape", lambda: (_x(),),
        lambda x: x.__setitem__(mg.tensor([True, False]), 0.0), IndexError, "__setitem__"),

    # ---- backward and grad misuse ----------------------------------------------------
    row("backward twice", _twice, lambda y, x: y.backward(), RuntimeError, "backward"),
    row("backward of a vector without grad", lambda: ((_leaf() * 2), ), lambda y: y.backward(), RuntimeError,
        "backward"),
    row("backward, grad of a wrong shape", lambda: ((_leaf() * 2),), lambda y: y.backward(mg.ones(2)),
        RuntimeError, "backward"),
    row("backward, grad a string", lambda: ((_leaf() * 2),), lambda y: y.backward("a"), TypeError,
        "backward"),
    row("backward, grad on another device", lambda: ((_leaf() * 2),),
        lambda y: y.backward(mg.ones(3, device="array_api_strict")), RuntimeError, "backward"),
    row("backward of a constant", lambda: (_x(),), lambda y: y.sum().backward(), RuntimeError, "backward"),
    row("backward of what no_grad made", lambda: (_leaf(),), lambda x: _no_grad_sum(x).backward(), RuntimeError,
        "backward"),
    row("backward after an in-place change", _used, lambda y, x: y.backward(), RuntimeError, "Mul"),
    row("grad of an input without grad", lambda: (_leaf(), _x()), lambda x, c: mg.grad((x * c).sum(), c),
        RuntimeError, "grad"),
    row("grad of an unused input", lambda: (_leaf(), _leaf()), lambda x, u: mg.grad((x * 2).sum(), u),
        RuntimeError, "grad"),
    row("grad of a constant output", lambda: (_leaf(),), lambda x: mg.grad(_x().sum(), x), RuntimeError, "grad"),
    row("grad, inputs a string", lambda: (_leaf(),), lambda x: mg.grad((x * 2).sum(), "x"), TypeError, "grad"),
    row("grad, outputs a list of numbers", lambda: (_leaf(),), lambda x: mg.grad([1.0], x), TypeError, "grad"),
    row("grad, too many grad_outputs", lambda: (_leaf(),),
        lambda x: mg.grad([(x * 2).sum()], [x], grad_outputs=[mg.ones(()), mg.ones(())]), RuntimeError, "grad"),
    row("grad, grad_outputs of a wrong shape", lambda: (_leaf(),),
        lambda x: mg.grad([x * 2], [x], grad_outputs=[mg.ones(2)]), RuntimeError, "grad"),

    # ---- hooks and grad mode ------------------------------------------------------------
    row("register_hook without grad", lambda: (_x(),), lambda x: x.register_hook(lambda g: g), RuntimeError,
        "register_hook"),
    row("register_hook, not a function", lambda: (_leaf(),), lambda x: x.register_hook("f"), TypeError,
        "register_hook"),
    row("a hook returning a wrong shape", _bad_hook, lambda h, x: h.sum().backward(), RuntimeError,
        "register_hook"),
    row("retain_grad without grad", lambda: (_x(),), lambda x: x.retain_grad(), RuntimeError, "retain_grad"),
    row("set_grad_enabled a string", None, lambda: mg.set_grad_enabled("no"), TypeError, "set_grad_enabled"),
    row("set_grad_enabled None", None, lambda: mg.set_grad_enabled(None), TypeError, "set_grad_enabled"),
    row("inference_mode a number", None, lambda: mg.inference_mode(0), TypeError, "inference_mode"),
]


def _no_grad_sum(x):
    with mg.no_grad():
        return (x * 2).sum()


def _file_rows(files):
    good = files / "good.npz"
    listing = [files / "good.npz"]
    return [
        Bad("save a list", lambda: mg.save([1, 2], good), TypeError, "save", state=lambda: listing),
        Bad("save, key not a string", lambda: mg.save({1: np.ones(2)}, good), TypeError, "save",
            state=lambda: listing),
        Bad("save, empty key", lambda: mg.save({"": np.ones(2)}, good), TypeError, "save", state=lambda: listing),
        Bad("save, a string value", lambda: mg.save({"a": np.ones(2), "b": "x"}, good), TypeError, "save",
            state=lambda: listing),
        Bad("save, a None value", lambda: mg.save({"a": None}, good), TypeError, "save", state=lambda: listing),
        Bad("save, an object array", lambda: mg.save({"a": np.array([{}], dtype=object)}, good), ValueError,
            "save", state=lambda: listing),
        Bad("save, path a number", lambda: mg.save({"a": np.ones(2)}, 3), TypeError, "save",
            state=lambda: listing),
        Bad("save, path None", lambda: mg.save({"a": np.ones(2)}, None), TypeError, "save", state=lambda: listing),
        Bad("save into a missing folder", lambda: mg.save({"a": np.ones(2)}, files / "absent" / "m.npz"),
            FileNotFoundError, "save", state=lambda: listing),
        Bad("save over a folder", lambda: mg.save({"a": np.ones(2)}, files / "folder"), IsADirectoryError, "save",
            state=lambda: listing),
        Bad("load a missing file", lambda: mg.load(files / "absent.npz"), FileNotFoundError, "load",
            state=lambda: listing),
        Bad("load a folder", lambda: mg.load(files / "folder"), IsADirectoryError, "load", state=lambda: listing),
        Bad("load garbage", lambda: mg.load(files / "garbage.npz"), ValueError, "load", state=lambda: listing),
        Bad("load a truncated file", lambda: mg.load(files / "cut.npz"), ValueError, "load",
            state=lambda: listing),
        Bad("load a .npy", lambda: mg.load(files / "one.npy"), ValueError, "load", state=lambda: listing),
        Bad("load pickled objects", lambda: mg.load(files / "objects.npz"), ValueError, "load",
            state=lambda: listing),
        Bad("load, path None", lambda: mg.load(None), TypeError, "load", state=lambda: listing),
        Bad("load, path a list", lambda: mg.load(["a.npz"]), TypeError, "load", state=lambda: listing),
    ]


FILE_ROW_NAMES = [r.name for r in _file_rows(__import__("pathlib").Path("."))]


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_bad_argument(row):
    check(row)


@pytest.mark.parametrize("name", FILE_ROW_NAMES)
def test_bad_file_argument(name, files):
    check(next(r for r in _file_rows(files) if r.name == name))


def test_the_table_has_at_least_60_rows():
    assert len(ROWS) + len(FILE_ROW_NAMES) >= 60
