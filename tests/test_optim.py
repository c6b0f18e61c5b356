"""optim: each optimizer against a plain-NumPy reference written here from the
update formulas (and against torch.optim when installed) over 20 steps of a
fixed least-squares problem; schedules; gradient clipping."""

import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim
from minigrad.nn import functional as F

STEPS = 20


# ---- the fixed problem: L(W, b) = mean((X W + b - Y)²) -------------------------------

def _data():
    rng = np.random.default_rng(42)
    X, Y = rng.standard_normal((8, 4)), rng.standard_normal((8, 3))
    W0, b0 = rng.standard_normal((4, 3)) * 0.5, rng.standard_normal(3) * 0.5
    return X, Y, W0, b0


def numpy_grads(W, b, X, Y):
    R = X @ W + b - Y                                 # (8, 3)
    scale = 2.0 / R.size
    return [scale * X.T @ R, scale * R.sum(0)]


# ---- the references: the published update rules, in NumPy ------------------------------

def ref_sgd(params, grads, state, t, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    for i, (p, g) in enumerate(zip(params, grads)):
        g = g + weight_decay * p
        if momentum:
            state[i] = g.copy() if t == 1 else momentum * state[i] + (1 - dampening) * g
            g = g + momentum * state[i] if nesterov else state[i]
        params[i] = p - lr * g


def ref_adam(params, grads, state, t, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, decoupled=False):
    b1, b2 = betas
    for i, (p, g) in enumerate(zip(params, grads)):
        if decoupled:
            p = p * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * p
        m, v = state.get(i, (np.zeros_like(p), np.zeros_like(p)))
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g ** 2
        state[i] = (m, v)
        m_hat, v_hat = m / (1 - b1 ** t), v / (1 - b2 ** t)      # the paper's form
        params[i] = p - lr * m_hat / (np.sqrt(v_hat) + eps)


def ref_adamw(params, grads, state, t, lr, weight_decay=1e-2, **kw):
    ref_adam(params, grads, state, t, lr, weight_decay=weight_decay, decoupled=True, **kw)


def ref_rmsprop(params, grads, state, t, lr, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
    for i, (p, g) in enumerate(zip(params, grads)):
        g = g + weight_decay * p
        v, g_avg, buf = state.get(i, (0.0, 0.0, 0.0))
        v = alpha * v + (1 - alpha) * g * g
        if centered:
            g_avg = alpha * g_avg + (1 - alpha) * g
            d = np.sqrt(v - g_avg ** 2) + eps
        else:
            d = np.sqrt(v) + eps
        if momentum:
            buf = momentum * buf + g / d
            params[i] = p - lr * buf
        else:
            params[i] = p - lr * g / d
        state[i] = (v, g_avg, buf)


CASES = [
    ("SGD", ref_sgd, dict(lr=0.1)),
    ("SGD", ref_sgd, dict(lr=0.1, momentum=0.9)),
    ("SGD", ref_sgd, dict(lr=0.1, momentum=0.9, dampening=0.3)),
    ("SGD", ref_sgd, dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("SGD", ref_sgd, dict(lr=0.1, momentum=0.5, weight_decay=0.1)),
    ("Adam", ref_adam, dict(lr=0.05)),
    ("Adam", ref_adam, dict(lr=0.05, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.1)),
    ("AdamW", ref_adamw, dict(lr=0.05)),
    ("AdamW", ref_adamw, dict(lr=0.05, weight_decay=0.3, betas=(0.85, 0.99))),
    ("RMSprop", ref_rmsprop, dict(lr=0.01)),
    ("RMSprop", ref_rmsprop, dict(lr=0.01, centered=True)),
    ("RMSprop", ref_rmsprop, dict(lr=0.01, momentum=0.9)),
    ("RMSprop", ref_rmsprop, dict(lr=0.01, alpha=0.9, weight_decay=0.1, momentum=0.5, centered=True)),
]
IDS = [f"{name}-{'-'.join(f'{k}={v}' for k, v in hp.items())}" for name, _, hp in CASES]


def run_minigrad(name, hp, device="cpu"):
    X, Y, W0, b0 = _data()
    W = nn.Parameter(mg.tensor(W0, device=device))
    b = nn.Parameter(mg.tensor(b0, device=device))
    opt = getattr(optim, name)([W, b], **hp)
    Xt, Yt = mg.tensor(X, device=device), mg.tensor(Y, device=device)
    for _ in range(STEPS):
        opt.zero_grad()
        r = Xt @ W + b - Yt
        (r * r).mean().backward()
        opt.step()
    return [W.numpy(), b.numpy()], opt


def run_reference(ref, hp):
    X, Y, W0, b0 = _data()
    params, state = [W0.copy(), b0.copy()], {}
    for t in range(1, STEPS + 1):
        ref(params, numpy_grads(*params, X, Y), state, t, **hp)
    return params


@pytest.mark.parametrize("name,ref,hp", CASES, ids=IDS)
def test_matches_numpy_reference_over_20_steps(name, ref, hp):
    ours, _ = run_minigrad(name, hp)
    expected = run_reference(ref, hp)
    start = _data()[2:]
    for p, e, p0 in zip(ours, expected, start):
        assert not np.allclose(e, p0)                  # the reference moved, so the match means something
        np.testing.assert_allclose(p, e, rtol=1e-6, atol=1e-10)


@pytest.mark.parametrize("name,ref,hp", CASES, ids=IDS)
def test_matches_torch_optim_over_20_steps(name, ref, hp):
    torch = pytest.importorskip("torch")
    X, Y, W0, b0 = (torch.from_numpy(a) for a in _data())
    W, b = W0.clone().requires_grad_(), b0.clone().requires_grad_()
    opt = getattr(torch.optim, name)([W, b], **hp)
    for _ in range(STEPS):
        opt.zero_grad()
        ((X @ W + b - Y) ** 2).mean().backward()
        opt.step()
    ours, _ = run_minigrad(name, hp)
    for p, e in zip(ours, (W.detach().numpy(), b.detach().numpy())):
        np.testing.assert_allclose(p, e, rtol=1e-6, atol=1e-10)


@pytest.mark.parametrize("name,hp", [("SGD", dict(lr=0.1, momentum=0.9)), ("Adam", dict(lr=0.05)),
                                     ("RMSprop", dict(lr=0.01, centered=True, momentum=0.5))])
def test_state_lives_on_the_parameters_device(name, hp, device):
    ours, opt = run_minigrad(name, hp, device)
    on_cpu, _ = run_minigrad(name, hp)
    for p, e in zip(ours, on_cpu):
        np.testing.assert_allclose(p, e, rtol=1e-12)
    buffers = [v for state in opt.state.values() for v in state.values() if isinstance(v, mg.Tensor)]
    assert buffers and all(b.device == mg.backend.get(device).name for b in buffers)


def test_float32_parameters_stay_float32(device):
    for make in (lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9), optim.Adam, optim.AdamW, optim.RMSprop):
        w = nn.Parameter(mg.randn(3, device=device))
        opt = make([w])
        (w * w).sum().backward()
        opt.step()
        assert mg.backend.dtype_name(w.dtype) == "float32"


def test_parameters_without_grad_are_left_alone():
    used, unused = nn.Parameter(mg.ones(2)), nn.Parameter(mg.ones(2))
    opt = optim.Adam([used, unused], lr=0.1)
    (used * used).sum().backward()
    opt.step()
    assert not np.allclose(used.numpy(), 1.0)
    np.testing.assert_array_equal(unused.numpy(), np.ones(2))
    assert unused not in opt.state
    opt.zero_grad()
    assert used.grad is None


def test_bad_hyperparameters_raise():
    p = [nn.Parameter(mg.ones(2))]
    for call, message in [(lambda: optim.SGD([], lr=0.1), "SGD: got an empty list of parameters"),
                          (lambda: optim.SGD(p, lr=-1.0), "SGD: lr must be ≥ 0, got -1.0"),
                          (lambda: optim.SGD(p, lr=0.1, nesterov=True), "SGD: nesterov momentum needs"),
                          (lambda: optim.Adam(p, betas=(0.9, 1.0)), r"Adam: betas\[1\] must lie in \[0, 1\)"),
                          (lambda: optim.RMSprop(p, alpha=2.0), r"RMSprop: alpha must lie in \[0, 1\]")]:
        with pytest.raises(ValueError, match=message):
            call()


def test_gradient_of_the_wrong_shape_is_refused():
    w = nn.Parameter(mg.ones(2))
    w.grad = mg.ones(3)
    with pytest.raises(ValueError, match=r"SGD.step: the gradient of parameter 0 in group 0 has shape \(3,\), "
                                         r"dtype float32 and device 'cpu'; the parameter has shape \(2,\)"):
        optim.SGD([w], lr=0.1).step()
    np.testing.assert_array_equal(w.numpy(), np.ones(2))


# ---- schedules -----------------------------------------------------------------------

def _lrs(scheduler, n):
    lrs = [scheduler.get_last_lr()[0]]               # one lr per parameter group; here one group
    for _ in range(n):
        scheduler.optimizer.step()
        scheduler.step()
        lrs.append(scheduler.get_last_lr()[0])
    return lrs


def test_step_lr_and_cosine_closed_forms():
    p = [nn.Parameter(mg.ones(1))]
    lrs = _lrs(optim.StepLR(optim.SGD(p, lr=1.0), step_size=3, gamma=0.5), 7)
    assert lrs == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25]
    lrs = _lrs(optim.CosineAnnealingLR(optim.SGD(p, lr=1.0), T_max=4, eta_min=0.1), 8)
    expected = [0.1 + 0.9 * (1 + math.cos(math.pi * e / 4)) / 2 for e in range(9)]
    np.testing.assert_allclose(lrs, expected, rtol=1e-12)
    assert lrs[4] == pytest.approx(0.1) and lrs[8] == pytest.approx(1.0)


def test_schedules_match_torch():
    torch = pytest.importorskip("torch")
    for ours_cls, theirs_cls, kw in [(optim.StepLR, torch.optim.lr_scheduler.StepLR, dict(step_size=4, gamma=0.3)),
                                     (optim.CosineAnnealingLR, torch.optim.lr_scheduler.CosineAnnealingLR,
                                      dict(T_max=6, eta_min=0.01))]:
        ours = ours_cls(optim.SGD([nn.Parameter(mg.ones(1))], lr=0.5), **kw)
        w = torch.zeros(1, requires_grad=True)
        theirs = theirs_cls(torch.optim.SGD([w], lr=0.5), **kw)
        expected = [theirs.get_last_lr()[0]]
        for _ in range(15):
            theirs.optimizer.step()
            theirs.step()
            expected.append(theirs.get_last_lr()[0])
        np.testing.assert_allclose(_lrs(ours, 15), expected, rtol=1e-9, atol=1e-12)


# ---- gradient clipping ---------------------------------------------------------------------

def _with_grads(grads, device="cpu"):
    params = []
    for g in grads:
        p = nn.Parameter(mg.zeros(*np.shape(g), device=device))
        p.grad = mg.tensor(np.asarray(g, dtype=np.float32), device=device)
        params.append(p)
    return params


def test_clip_grad_norm_returns_the_norm_before_clipping(device):
    params = _with_grads([[3.0, 0.0], [[0.0, 4.0]]], device) + [nn.Parameter(mg.ones(3, device=device))]
    total = nn.utils.clip_grad_norm_(params, max_norm=1.0)
    assert total.item() == pytest.approx(5.0)
    np.testing.assert_allclose(params[0].grad.numpy(), [0.6, 0.0], rtol=1e-5)
    np.testing.assert_allclose(params[1].grad.numpy(), [[0.0, 0.8]], rtol=1e-5)
    assert params[2].grad is None                           # a parameter without a grad is skipped
    assert mg.backend.dtype_name(params[0].grad.dtype) == "float32" and params[0].grad.device == params[0].device


def test_clip_grad_norm_leaves_small_gradients_and_handles_zero_and_inf():
    params = _with_grads([[0.3, -0.4]])
    assert nn.utils.clip_grad_norm_(params, max_norm=1.0).item() == pytest.approx(0.5)
    np.testing.assert_allclose(params[0].grad.numpy(), [0.3, -0.4])
    assert nn.utils.clip_grad_norm_(params, max_norm=0.0).item() == pytest.approx(0.5)
    np.testing.assert_array_equal(params[0].grad.numpy(), [0.0, 0.0])
    params = _with_grads([[0.3, -2.0], [1.5]])
    assert nn.utils.clip_grad_norm_(params, 1.0, norm_type=float("inf")).item() == pytest.approx(2.0)
    np.testing.assert_allclose(params[0].grad.numpy(), [0.15, -1.0], rtol=1e-5)
    assert nn.utils.clip_grad_norm_([nn.Parameter(mg.ones(2))], 1.0).item() == 0.0


def test_clip_grad_norm_matches_torch():
    torch = pytest.importorskip("torch")
    grads = [np.random.default_rng(i).standard_normal(s).astype(np.float32) for i, s in enumerate([(3, 4), (5,)])]
    for norm_type in (2.0, 1.0, 3.0, float("inf")):
        ours = _with_grads(grads)
        theirs = [torch.zeros(g.shape, requires_grad=True) for g in grads]
        for t, g in zip(theirs, grads):
            t.grad = torch.from_numpy(g.copy())
        n_ours = nn.utils.clip_grad_norm_(ours, 0.7, norm_type).item()
        n_theirs = torch.nn.utils.clip_grad_norm_(theirs, 0.7, norm_type).item()
        assert n_ours == pytest.approx(n_theirs, rel=1e-5)
        for o, t in zip(ours, theirs):
            np.testing.assert_allclose(o.grad.numpy(), t.grad.numpy(), rtol=1e-5, atol=1e-7)


def test_clip_grad_value(device):
    params = _with_grads([[-3.0, 0.5, 2.0]], device)
    nn.utils.clip_grad_value_(params, 1.0)
    np.testing.assert_array_equal(params[0].grad.numpy(), [-1.0, 0.5, 1.0])


# ---- resuming from a checkpoint -------------------------------------------------------------

def _train(model, opt, scheduler, X, Y, steps):
    for _ in range(steps):
        opt.zero_grad()
        F.mse_loss(model(X), Y).backward()
        opt.step()
        scheduler.step()


@pytest.mark.parametrize("make", [lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
                                  lambda ps: optim.AdamW(ps, lr=0.05),
                                  lambda ps: optim.RMSprop(ps, lr=0.01, centered=True, momentum=0.5)],
                         ids=["SGD", "AdamW", "RMSprop"])
def test_a_run_resumed_from_a_checkpoint_continues_bit_for_bit(make, tmp_path, device):
    X, Y = mg.randn(16, 4, device=device), mg.randn(16, 2, device=device)
    mg.manual_seed(0)
    model = nn.Linear(4, 2).to(device)
    opt = make(list(model.parameters()))
    scheduler = optim.CosineAnnealingLR(opt, T_max=10)
    _train(model, opt, scheduler, X, Y, 5)
    mg.save(model.state_dict(), tmp_path / "model.npz")
    mg.save(optim.flatten_state_dict(opt.state_dict()), tmp_path / "opt.npz")
    mg.save(optim.flatten_state_dict(scheduler.state_dict()), tmp_path / "sched.npz")
    _train(model, opt, scheduler, X, Y, 5)

    mg.manual_seed(1)
    resumed = nn.Linear(4, 2).to(device)
    resumed.load_state_dict(mg.load(tmp_path / "model.npz"))
    opt2 = make(list(resumed.parameters()))
    scheduler2 = optim.CosineAnnealingLR(opt2, T_max=10)
    opt2.load_state_dict(optim.unflatten_state_dict(mg.load(tmp_path / "opt.npz")))
    scheduler2.load_state_dict(optim.unflatten_state_dict(mg.load(tmp_path / "sched.npz")))
    _train(resumed, opt2, scheduler2, X, Y, 5)
    for a, b in zip(model.parameters(), resumed.parameters()):
        assert a.numpy().tobytes() == b.numpy().tobytes()
    assert opt2.param_groups[0]["lr"] == opt.param_groups[0]["lr"]


def test_a_bad_optimizer_state_raises_and_changes_nothing():
    w = nn.Parameter(mg.ones(3))
    opt = optim.Adam([w], lr=0.1)
    (w * w).sum().backward()
    opt.step()
    state = opt.state_dict()
    assert list(state["state"][0]) == ["step", "exp_avg", "exp_avg_sq"]
    before = optim.flatten_state_dict(opt.state_dict())
    wrong_shape = {"state": {0: {**state["state"][0], "exp_avg": np.zeros(4, dtype=np.float32)}},
                   "param_groups": state["param_groups"]}
    unknown_index = {"state": {5: state["state"][0]}, "param_groups": state["param_groups"]}
    no_groups = {"state": state["state"]}
    for bad, message in [(wrong_shape, "Adam.load_state_dict: state of parameter 0: 'exp_avg' has shape (4,)"),
                         (unknown_index, "'state' has an entry for parameter 5, which no group lists"),
                         (no_groups, "Adam.load_state_dict: missing key 'param_groups'")]:
        with pytest.raises(ValueError) as info:
            opt.load_state_dict(bad)
        assert message in str(info.value)
        after = optim.flatten_state_dict(opt.state_dict())
        assert list(before) == list(after)
        assert all(np.array_equal(np.asarray(before[k]), np.asarray(after[k])) for k in before)


def test_optimizer_state_of_a_0d_parameter_round_trips():
    t = nn.Parameter(mg.tensor(2.0))
    opt = optim.Adam([t], lr=0.1)
    (t * t).backward()
    opt.step()
    opt2 = optim.Adam([nn.Parameter(mg.tensor(2.0))], lr=0.1)
    opt2.load_state_dict(opt.state_dict())
    t2 = opt2.param_groups[0]["params"][0]
    assert opt2.state[t2]["step"] == 1 and opt2.state[t2]["exp_avg"].shape == ()
    assert mg.backend.dtype_name(opt2.state[t2]["exp_avg"].dtype) == "float32"


def test_0d_parameters_and_gradients_stay_arrays():
    for make in (lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9), optim.Adam, optim.RMSprop):
        t = nn.Parameter(mg.tensor(2.0))
        (t * t).backward()
        nn.utils.clip_grad_norm_([t], 1.0)
        nn.utils.clip_grad_value_([t], 0.5)
        assert t.grad.item() == 0.5
        make([t]).step()
        assert t.shape == () and t.item() < 2.0


# ---- dtypes hold: float32 stays float32 with NumPy-typed settings everywhere ---------------------

F64, F32 = np.float64, np.float32
NUMPY_TYPED_OPTIMIZERS = [
    lambda ps: optim.SGD(ps, lr=F64(0.1), momentum=F64(0.9), nesterov=np.bool_(True), weight_decay=F32(0.01)),
    lambda ps: optim.Adam(ps, lr=np.array(0.01), betas=(F64(0.9), F64(0.99)), eps=F64(1e-8), amsgrad=True),
    lambda ps: optim.AdamW(ps, lr=F64(0.01), weight_decay=F64(0.1), maximize=np.bool_(False)),
    lambda ps: optim.RMSprop(ps, lr=F64(0.01), alpha=F64(0.9), momentum=F64(0.5), centered=True),
    lambda ps: optim.Adagrad(ps, lr=F64(0.1), lr_decay=F64(0.01), initial_accumulator_value=F64(0.1)),
]
NUMPY_TYPED_SCHEDULERS = [
    lambda s, o: s.StepLR(o, np.int64(2), F64(0.5)),
    lambda s, o: s.MultiStepLR(o, [np.int64(1), np.int64(3)], F64(0.5)),
    lambda s, o: s.ConstantLR(o, F64(0.5), np.int64(2)),
    lambda s, o: s.LinearLR(o, F64(0.5), F64(1.0), np.int64(3)),
    lambda s, o: s.ExponentialLR(o, F64(0.9)),
    lambda s, o: s.CosineAnnealingLR(o, np.int64(3), F64(0.001)),
    lambda s, o: s.LambdaLR(o, lambda e: F64(0.9) ** e),
    lambda s, o: s.MultiplicativeLR(o, lambda e: F64(0.9)),
    lambda s, o: s.CosineAnnealingWarmRestarts(o, np.int64(2), np.int64(2), F64(0.001)),
    lambda s, o: s.OneCycleLR(o, F64(0.1), total_steps=np.int64(10), base_momentum=F64(0.8),
                              cycle_momentum="momentum" in o.defaults or "betas" in o.defaults),
    lambda s, o: s.ReduceLROnPlateau(o, factor=F64(0.5), patience=np.int64(0), min_lr=F64(1e-4)),
    lambda s, o: s.SequentialLR(o, [s.ConstantLR(o, F64(0.5), 2), s.ExponentialLR(o, F64(0.9))], [np.int64(2)]),
]


def test_float32_stays_float32_with_every_optimizer_scheduler_and_clipper(device):
    for make_opt in NUMPY_TYPED_OPTIMIZERS:
        for make_sched in NUMPY_TYPED_SCHEDULERS:
            mg.manual_seed(0)
            w, b = nn.Parameter(mg.randn(3, 2, device=device)), nn.Parameter(mg.randn(2, device=device))
            opt = make_opt([{"params": [w]}, {"params": [b], "lr": F32(0.02)}])
            sched = make_sched(optim.lr_scheduler, opt)
            for _ in range(5):
                opt.zero_grad()
                ((w * w).sum() + (b * b * b).sum()).backward()
                nn.utils.clip_grad_norm_([w, b], F64(1.0), norm_type=F64(2.0))
                nn.utils.clip_grad_value_([w, b], F64(0.5))
                opt.param_groups[1]["lr"] = F64(0.01)         # a user writing a NumPy number into a group
                opt.step()
                if isinstance(sched, optim.ReduceLROnPlateau):
                    sched.step(F64(1.0))                        # its step takes the metric
                else:
                    sched.step()
            tensors = [w, b, w.grad, b.grad] + [v for s in opt.state.values() for v in s.values()
                                                 if isinstance(v, mg.Tensor)]
            assert all(mg.backend.dtype_name(t.dtype) == "float32" for t in tensors), (make_opt, make_sched)
            assert all(type(lr) is float for lr in sched.get_last_lr())
            assert np.isfinite(w.numpy()).all() and not np.allclose(w.numpy(), 0)


@pytest.mark.parametrize("make", NUMPY_TYPED_OPTIMIZERS, ids=["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"])
def test_every_optimizer_gives_the_same_steps_on_every_device(make, device):
    def run(dev):
        mg.manual_seed(1)
        w = nn.Parameter(mg.randn(4, 3, dtype="float64", device=dev))
        opt = make([w])
        for _ in range(6):
            opt.zero_grad()
            (w * w * w).sum().backward()
            opt.step()
        return w, opt
    w, opt = run(device)
    np.testing.assert_allclose(w.numpy(), run("cpu")[0].numpy(), rtol=1e-12)
    assert all(v.device == w.device for s in opt.state.values() for v in s.values() if isinstance(v, mg.Tensor))


def test_a_step_writes_in_place_and_counts_the_version():
    w = nn.Parameter(mg.ones(3))
    alias, before = w.detach(), w._version.value
    opt = optim.SGD([w], lr=0.5)
    (w * w).sum().backward()
    opt.step()
    np.testing.assert_array_equal(alias.numpy(), np.zeros(3))     # the same storage, updated
    assert w._version.value == before + 1


def test_zero_grad_sets_to_none_by_default_or_zeroes_in_place():
    w = nn.Parameter(mg.ones(2))
    opt = optim.SGD([w], lr=0.1)
    (w * w).sum().backward()
    grad = w.grad
    opt.zero_grad(set_to_none=False)
    assert w.grad is grad and w.grad.numpy().tolist() == [0.0, 0.0]
    opt.zero_grad()
    assert w.grad is None


def test_add_param_group_fills_defaults_and_refuses_a_parameter_twice():
    w, b = nn.Parameter(mg.ones(2)), nn.Parameter(mg.ones(1))
    opt = optim.SGD([w], lr=0.1, momentum=0.9)
    opt.add_param_group({"params": b, "lr": 0.01})
    assert opt.param_groups[1]["params"] == [b] and opt.param_groups[1]["momentum"] == 0.9
    assert opt.param_groups[1]["lr"] == 0.01 and opt.defaults["lr"] == 0.1
    with pytest.raises(ValueError, match="SGD.add_param_group: some parameters appear in more than one"):
        opt.add_param_group({"params": [w]})
    assert len(opt.param_groups) == 2


def test_adam_and_adamw_state_dicts_are_interchangeable_but_not_sgds():
    w = nn.Parameter(mg.ones(2))
    adamw = optim.AdamW([w])
    (w * w).sum().backward()
    adamw.step()
    adam = optim.Adam([w])
    adam.load_state_dict(adamw.state_dict())             # AdamW is Adam with decoupled_weight_decay, as in PyTorch
    assert adam.param_groups[0]["decoupled_weight_decay"] is True
    with pytest.raises(ValueError, match="Adam.load_state_dict: parameter group 0 has no 'betas', 'eps'"):
        adam.load_state_dict(optim.SGD([w], lr=0.1).state_dict())


def test_flatten_and_unflatten_round_trip_nested_state_dicts():
    nested = {"state": {0: {"step": 3, "buf": mg.ones(2)}, 1: {}}, "param_groups": [{"lr": 0.1, "params": [0, 1]}],
              "sched": {"mode": "min", "milestones": {3: 1, 5: 2}, "_schedulers": [{"a": 1}, {"b": [1.0, 2.0]}]}}
    flat = optim.flatten_state_dict(nested)
    assert all(isinstance(k, str) for k in flat)
    back = optim.unflatten_state_dict({k: np.asarray(v) for k, v in flat.items()})
    assert back["state"][1] == {} and int(back["state"][0]["step"]) == 3
    assert back["param_groups"][0]["params"].tolist() == [0, 1] and str(back["sched"]["mode"]) == "min"
    assert back["sched"]["_schedulers"][1]["b"].tolist() == [1.0, 2.0] and int(back["sched"]["milestones"][5]) == 2
    with pytest.raises(TypeError, match="flatten_state_dict: 'x' is a NoneType"):
        optim.flatten_state_dict({"x": None})
