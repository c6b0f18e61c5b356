"""In-place ops and version counters: writes land in the tensor's own array,
every alias sees them, autograd records them, and a saved tensor that changed
makes backward raise instead of giving a wrong gradient."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim

MODIFIED = "modified by an inplace operation"


def _t(values, device, dtype="float64", requires_grad=False):
    return mg.tensor(np.asarray(values, dtype=dtype), device=device, requires_grad=requires_grad)


# ---- each op under no_grad: the values, the version, the aliases ---------------------

X0 = np.array([[1.0, -2.0, 3.0], [0.5, 4.0, -1.5]])
OTHER = np.array([2.0, -0.5, 4.0])

NO_GRAD_CASES = {                                  # name: (what the op does, what numpy says)
    "iadd": (lambda x, o: x.__iadd__(o), X0 + OTHER),
    "isub": (lambda x, o: x.__isub__(o), X0 - OTHER),
    "imul": (lambda x, o: x.__imul__(o), X0 * OTHER),
    "itruediv": (lambda x, o: x.__itruediv__(o), X0 / OTHER),
    "add_alpha": (lambda x, o: x.add_(o, alpha=2.0), X0 + 2 * OTHER),
    "sub_alpha": (lambda x, o: x.sub_(o, alpha=0.5), X0 - 0.5 * OTHER),
    "mul_": (lambda x, o: x.mul_(o), X0 * OTHER),
    "div_": (lambda x, o: x.div_(o), X0 / OTHER),
    "add_number": (lambda x, o: x.add_(1.5), X0 + 1.5),
    "clamp_": (lambda x, o: x.clamp_(-1.0, 2.0), np.clip(X0, -1.0, 2.0)),
    "clamp_min": (lambda x, o: x.clamp_(min=0.0), np.clip(X0, 0.0, None)),
    "fill_": (lambda x, o: x.fill_(7.0), np.full_like(X0, 7.0)),
    "zero_": (lambda x, o: x.zero_(), np.zeros_like(X0)),
    "copy_": (lambda x, o: x.copy_(o), np.broadcast_to(OTHER, X0.shape)),
    "setitem_row": (lambda x, o: x.__setitem__(0, o), np.stack([OTHER, X0[1]])),
    "setitem_slice": (lambda x, o: x.__setitem__((slice(None), 1), 9.0),
                      np.where(np.arange(3) == 1, 9.0, X0)),
    "setitem_mask": (lambda x, o: x.__setitem__(x > 0, 0.0), np.where(X0 > 0, 0.0, X0)),
}


@pytest.mark.parametrize("name", NO_GRAD_CASES)
def test_in_place_op_under_no_grad_writes_own_storage(name, device):
    op, expected = NO_GRAD_CASES[name]
    x = _t(X0, device, requires_grad=True)
    view, detached, data = x[0], x.detach(), x.data
    before = x._version.value
    with mg.no_grad():
        out = op(x, _t(OTHER, device))
    assert out is x or out is None                    # (item assignment returns nothing)
    np.testing.assert_allclose(x.numpy(), expected)
    assert x._version.value == before + 1
    for alias in (view, detached, data):              # every alias sees the new values
        assert alias._version is x._version
    np.testing.assert_allclose(view.numpy(), expected[0])
    np.testing.assert_allclose(detached.numpy(), expected)
    assert x.requires_grad and x.is_leaf and mg.backend.dtype_name(x.dtype) == "float64"


def test_in_place_ops_keep_float32(device):
    x = mg.ones(3, device=device)
    x += _t([1.0, 2.0, 3.0], device, "float64")              # a float64 operand: x stays float32
    x *= np.float64(2.0)
    x.div_(3)
    assert mg.backend.dtype_name(x.dtype) == "float32"
    np.testing.assert_allclose(x.numpy(), [4 / 3, 2.0, 8 / 3], rtol=1e-6)


def test_writes_through_views_and_aliases_reach_the_base(device):
    x = _t(np.arange(6.0).reshape(2, 3), device)
    x.T[0] += 10                      # a view of a view
    x.reshape(6)[5] = -1              # item assignment on a view
    x.detach()[1, 0] = 100            # through detach()
    x.data[0, 2] *= 2                 # through .data (a Tensor sharing the array)
    np.testing.assert_allclose(x.numpy(), [[10.0, 1.0, 4.0], [100.0, 4.0, -1.0]])
    assert x._version.value == 5      # x.T[0] += 10 is two writes: the view's +=, then x.T[0] = it


def test_only_view_ops_share_memory(device):
    """flip is a copy in PyTorch: writing into its output leaves x alone."""
    x = _t([1.0, 2.0, 3.0], device)
    y = x.flip(0)
    y.zero_()
    assert x.tolist() == [1.0, 2.0, 3.0] and x._version.value == 0


# ---- the plain training loops ------------------------------------------------------

def test_p_minus_equals_lr_grad_trains(device):
    """The tutorial idiom: under no_grad, p -= lr * p.grad updates p itself."""
    mg.manual_seed(0)
    first, second = nn.Linear(2, 8).to(device), nn.Linear(8, 1).to(device)
    x = mg.randn(32, 2, device=device)
    y = (x[:, :1] * x[:, 1:]).detach()
    params = list(first.parameters()) + list(second.parameters())
    losses = []
    for _ in range(60):
        loss = ((second(mg.tanh(first(x))) - y) ** 2).mean()
        for p in params:
            p.grad = None
        loss.backward()
        losses.append(loss.item())
        with mg.no_grad():
            for p in params:
                p -= 0.3 * p.grad
    assert all(p.is_leaf and p.requires_grad for p in params)
    assert losses[-1] < 0.5 * losses[0]


def test_p_data_minus_equals_trains(device):
    """micrograd's idiom: p.data -= lr * p.grad, grad mode on."""
    mg.manual_seed(1)
    w = mg.randn(3, 1, device=device, requires_grad=True)
    x = mg.randn(16, 3, device=device)
    y = x @ mg.tensor([[1.0], [-2.0], [0.5]], device=device)
    losses = []
    for _ in range(40):
        loss = ((x @ w - y) ** 2).mean()
        w.grad = None
        loss.backward()
        losses.append(loss.item())
        w.data -= 0.1 * w.grad
    assert losses[-1] < 0.05 * losses[0]


def test_the_readmes_ten_lines_then_sgd_trains(device):
    """README "Ten lines", as written, then the same loss falls under SGD."""
    import pathlib
    import re
    readme = (pathlib.Path(__file__).parents[1] / "README.md").read_text()
    code = re.search(r"## Ten lines\n\n```python\n(.*?)```", readme, re.S).group(1)
    scope = {}
    exec(code, scope)                                  # runs, prints W.grad.shape, gradchecks
    x, W = scope["x"], scope["W"]
    losses = []
    for _ in range(20):
        W.grad = None
        loss = (mg.tanh(x @ W) ** 2).sum()
        loss.backward()
        losses.append(loss.item())
        with mg.no_grad():
            W -= 0.1 * W.grad
    assert losses[-1] < 0.5 * losses[0]


# ---- the leaf rule, dtype and shape rules --------------------------------------------

@pytest.mark.parametrize("op", [lambda x: x.add_(1), lambda x: x.__imul__(2), lambda x: x.zero_(),
                                lambda x: x.__setitem__(0, 5.0), lambda x: x.fill_(1.0),
                                lambda x: x.clamp_(0, 1)])
def test_a_leaf_that_requires_grad_cannot_change_in_place(op, device):
    torch = pytest.importorskip("torch")
    x = _t([1.0, 2.0], device, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
        op(x)
    assert x.tolist() == [1.0, 2.0] and x._version.value == 0
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
        op(torch.tensor([1.0, 2.0], requires_grad=True))


def test_integer_results_and_wrong_shapes_are_refused_as_in_pytorch(device):
    i = mg.tensor([1, 2, 3], device=device)
    with pytest.raises(RuntimeError, match="result type float32 can't be cast to the desired output type int64"):
        i.add_(1.5)
    with pytest.raises(RuntimeError, match="div_: result type"):
        i /= 2
    f = mg.ones(3, device=device)
    with pytest.raises(RuntimeError, match=r"output with shape \(3,\) doesn't match the broadcast shape \(2, 3\)"):
        f.add_(mg.ones(2, 3, device=device))
    with pytest.raises(RuntimeError, match="cannot be broadcast to indexing result"):
        f[0:2] = mg.ones(3, device=device)
    assert i.tolist() == [1, 2, 3] and f.tolist() == [1.0, 1.0, 1.0]
    assert i._version.value == 0 and f._version.value == 0


def test_expanded_views_refuse_writes(device):
    x = mg.ones(1, 3, device=device)
    e = x.expand(4, 3)
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        e.add_(1)
    assert x.tolist() == [[1.0, 1.0, 1.0]]


# ---- with autograd: recorded, gradients as the out-of-place op ----------------------------

GRAD_CASES = {
    "iadd": lambda y, w: y.__iadd__(w),
    "isub": lambda y, w: y.__isub__(w),
    "imul": lambda y, w: y.__imul__(w),
    "itruediv": lambda y, w: y.__itruediv__(w * w + 1),
    "add_alpha": lambda y, w: y.add_(w, alpha=-3.0),
    "clamp_": lambda y, w: y.clamp_(-1.0, 1.0),
    "fill_tensor": lambda y, w: y.fill_(w.sum()),
    "zero_": lambda y, w: y.zero_(),
    "copy_": lambda y, w: y.copy_(w * 2),
    "setitem": lambda y, w: y.__setitem__((slice(None), 1), w[:, 0]),
    "setitem_int_array": lambda y, w: y.__setitem__(([0, 1], [2, 0]), w[:, 0]),
    "setitem_number": lambda y, w: y.__setitem__(0, 3.0),
    "view_iadd": lambda y, w: y[1].__iadd__(w[0]),            # written back through the view's base
    "index_iadd": lambda y, w: y.__setitem__(0, y[0].__imul__(w[1])),   # what y[0] *= w[1] does
}


@pytest.mark.parametrize("name", GRAD_CASES)
def test_recorded_in_place_ops_pass_gradcheck(name, device):
    op = GRAD_CASES[name]
    rng = np.random.default_rng(0)
    x = _t(rng.uniform(-1.5, 1.5, (2, 3)), device, requires_grad=True)
    w = _t(rng.uniform(0.5, 1.5, (2, 3)), device, requires_grad=True)
    if name == "clamp_":                              # away from the kinks at ±1
        x = _t([[-1.4, 0.3, 1.3], [0.6, -0.2, -1.6]], device, requires_grad=True)

    def f(x, w):
        y = x * 1.5                                   # a non-leaf, changed in place
        out = op(y, w)
        return y * 1.0 if out is None else out * 1.0

    assert mg.gradcheck(f, [x, w])


@pytest.mark.parametrize("name", ["iadd", "imul", "itruediv", "setitem", "view_iadd", "index_iadd", "copy_"])
def test_recorded_in_place_ops_match_pytorch(name):
    torch = pytest.importorskip("torch")
    op = GRAD_CASES[name]
    rng = np.random.default_rng(1)
    xs, ws = rng.uniform(-1, 1, (2, 3)), rng.uniform(0.5, 1.5, (2, 3))
    grads = []
    for lib, make in ((mg, lambda a: mg.tensor(a, requires_grad=True)),
                      (torch, lambda a: torch.tensor(a, requires_grad=True))):
        x, w = make(xs), make(ws)
        y = x * 1.5
        op(y, w)
        (y * lib.tensor(np.arange(6.0).reshape(2, 3))).sum().backward()
        grads.append((np.asarray(y.detach()), np.asarray(x.grad), np.asarray(w.grad)))
    for ours, theirs in zip(*grads):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_item_assignment_in_an_rnn_loop_sends_gradients_to_h_and_to_out(device):
    """out = zeros(B, T, H); out[:, t] = h: the learner's loop, against stacking."""
    rng = np.random.default_rng(2)
    B, T, H = 2, 4, 3
    x = _t(rng.standard_normal((B, T, H)) * 0.5, device, requires_grad=True)
    W = _t(rng.standard_normal((H, H)) * 0.5, device, requires_grad=True)
    base = _t(rng.standard_normal((B, T, H)), device, requires_grad=True)

    def by_assignment(x, W, base):
        out = base * 1.0
        h = mg.zeros(B, H, device=device, dtype="float64")
        for t in range(T - 1):                        # the last step left untouched: base's part
            h = mg.tanh(x[:, t] @ W + h)
            out[:, t] = h
        return out

    assert mg.gradcheck(by_assignment, [x, W, base])
    out = by_assignment(x, W, base)
    g = _t(rng.standard_normal((B, T, H)), device)
    (out * g).sum().backward()
    np.testing.assert_allclose(base.grad.numpy()[:, -1], g.numpy()[:, -1])   # the untouched step
    np.testing.assert_allclose(base.grad.numpy()[:, :-1], 0.0)               # overwritten: nothing


def test_assigning_into_a_zeros_buffer_makes_it_require_grad(device):
    h = _t([1.0, 2.0], device, requires_grad=True)
    out = mg.zeros(3, 2, device=device, dtype="float64")
    out[1] = h * 3
    assert out.requires_grad and not out.is_leaf
    out.sum().backward()
    assert h.grad.tolist() == [3.0, 3.0]


# ---- version counters: every silent case of old is an error now ------------------------

def _backward_raises(loss):
    with pytest.raises(RuntimeError, match=MODIFIED):
        loss.backward()


def test_zero_after_use_raises(device):
    x = _t([3.0], device, requires_grad=True)
    y = (x * x).sum()
    with mg.no_grad():
        x.zero_()
    _backward_raises(y)


def test_write_through_data_raises(device):
    x = _t([3.0, 1.0], device, requires_grad=True)
    y = (x * x).sum()
    x.data[...] = 5.0
    _backward_raises(y)


def test_write_through_detach_raises(device):
    x = _t([3.0, 1.0], device, requires_grad=True)
    y = (x * x).sum()
    x.detach()[0] = 5.0
    _backward_raises(y)


def test_optimizer_step_between_forward_and_backward_raises(device):
    lin = nn.Linear(2, 1).to(device)
    opt = optim.SGD(lin.parameters(), lr=0.1)
    loss = (lin(mg.ones(4, 2, device=device)) ** 2).mean()
    loss.backward(retain_graph=True)
    opt.step()
    _backward_raises(loss)


def test_load_state_dict_between_forward_and_backward_raises(device):
    lin = nn.Linear(2, 1).to(device)
    saved = lin.state_dict()
    loss = (lin(mg.ones(4, 2, device=device)) ** 2).mean()
    lin.load_state_dict(saved)
    _backward_raises(loss)


def test_initialiser_between_forward_and_backward_raises(device):
    lin = nn.Linear(2, 3).to(device)
    loss = (lin(mg.ones(4, 2, device=device)) ** 2).mean()
    nn.init.uniform_(lin.weight)
    _backward_raises(loss)


def test_change_between_two_walks_of_a_retained_graph_raises(device):
    x = _t([3.0, 1.0], device, requires_grad=True)
    y = (x.exp() * x).sum()
    y.backward(retain_graph=True)
    with mg.no_grad():
        x += 1
    _backward_raises(y)


def test_saved_output_changed_in_place_raises_naming_the_op(device):
    torch = pytest.importorskip("torch")
    x = _t([0.5, 1.0], device, requires_grad=True)
    y = (x * 1).exp()                              # exp saves its output
    y.mul_(2)
    with pytest.raises(RuntimeError, match=r"which is output 0 of Exp, is at version 1; expected version 0"):
        y.sum().backward()
    t = torch.tensor([0.5, 1.0], requires_grad=True)
    u = (t * 1).exp()
    u.mul_(2)
    with pytest.raises(RuntimeError, match=r"output 0 of .*is at version 1; expected version 0 instead"):
        u.sum().backward()


def test_saved_input_changed_through_a_view_raises(device):
    x = _t([[1.0, 2.0], [3.0, 4.0]], device, requires_grad=True)
    h = x * 1
    y = (h * h).sum()                              # mul saves h
    with mg.no_grad():
        h.reshape(4)[0] = 10.0                     # a view shares h's counter
    with pytest.raises(RuntimeError, match=r"saved by Mul, is at version 1; expected version 0"):
        y.backward()


def test_an_untouched_graph_still_works_after_unrelated_writes(device):
    x = _t([3.0], device, requires_grad=True)
    y = (x * x).sum()
    other = x * 1                                  # a new tensor, its own storage
    with mg.no_grad():
        other.zero_()
    y.backward()
    assert x.grad.tolist() == [6.0]


# ---- views changed in place with autograd: rebased, or an error, never wrong -----------------

def test_view_modified_in_place_rebases_the_base(device):
    torch = pytest.importorskip("torch")
    xs = np.array([[1.0, 2.0], [3.0, 4.0]])
    results = []
    for make in (lambda: mg.tensor(xs, device=device, requires_grad=True),
                 lambda: torch.tensor(xs, requires_grad=True)):
        x = make()
        b = x * 1
        row = b[0]
        row *= 3                                   # b changes through its view
        (b * b).sum().backward()
        results.append(np.asarray(x.grad.cpu() if hasattr(x.grad, "cpu") else x.grad))
    np.testing.assert_allclose(*results)


def test_a_stale_view_raises_in_backward_instead_of_a_wrong_gradient(device):
    x = _t([1.0, 2.0, 3.0], device, requires_grad=True)
    b = x * 1
    v = b[1:]                                      # a view of b
    b.mul_(x)                                      # b changes; v's history predates it
    with pytest.raises(RuntimeError, match="used after an in-place op changed its values"):
        (v * 2).sum().backward()


def test_base_of_a_reshaped_view_changed_with_autograd_is_stale(device):
    x = _t([1.0, 2.0, 3.0, 4.0], device, requires_grad=True)
    b = x * 1
    r = b.reshape(2, 2)
    r.mul_(x.reshape(2, 2))                        # recorded on r; b's history is stale
    (r * 1).sum().backward()                       # r itself is right
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.array([1.0, 2.0, 3.0, 4.0]))
    with pytest.raises(RuntimeError, match="used after an in-place op"):
        mg.grad(b.sum(), x)


def test_split_outputs_refuse_recorded_in_place_ops_as_in_pytorch(device):
    x = _t([1.0, 2.0, 3.0, 4.0], device, requires_grad=True)
    a, _ = (x * 1).split(2)
    with pytest.raises(RuntimeError, match="Output 0 of Split is a view and is being modified inplace"):
        a.mul_(2)


def test_a_view_of_a_leaf_refuses_recorded_in_place_ops(device):
    w = _t([[1.0, 2.0], [3.0, 4.0]], device, requires_grad=True)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
        w[0].mul_(2)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
        w.T.mul_(2)
    assert w.tolist() == [[1.0, 2.0], [3.0, 4.0]] and w.is_leaf


def test_views_made_under_no_grad_stay_constants():
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = x * 1
    with mg.no_grad():
        v = b[0:2]
    b.mul_(x)
    assert not v.requires_grad                    # as in PyTorch: sees the values, carries no gradient
    np.testing.assert_allclose(v.numpy(), [1.0, 4.0])
