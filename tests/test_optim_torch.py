"""optim against torch.optim: every optimizer and scheduler over 30 steps with
two parameter groups of different hyperparameters, in float64, matching
PyTorch's trajectory to ~1e-12; the same run saved half-way (through
minigrad.save / load) and resumed gives the same trajectory.

Both sides get the same gradients, computed here in NumPy from each side's
own parameters, so what is compared is the optimizer and nothing else.
"""

import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim

torch = pytest.importorskip("torch")

STEPS, HALF = 30, 15
RTOL, ATOL = 1e-12, 1e-14


# ---- the problem: L(W, b) = mean((X W + b - Y)²), W in group 0, b in group 1 ---------------

def _data():
    rng = np.random.default_rng(7)
    X, Y = rng.standard_normal((8, 4)), rng.standard_normal((8, 3))
    return X, Y, rng.standard_normal((4, 3)) * 0.5, rng.standard_normal(3) * 0.5


X, Y, W0, B0 = _data()


def grads(W, b):
    R = X @ W + b - Y                                 # (8, 3)
    return [2.0 / R.size * X.T @ R, 2.0 / R.size * R.sum(0)]


def metric(step):
    """ReduceLROnPlateau's metric: improves for 3 steps, stalls, improves once at 12, stalls again."""
    if step < 3:
        return 5.0 - step
    if step < 12:
        return 3.0
    return 1.0 if step == 12 else 1.0 + step * 1e-3


# ---- the two sides ---------------------------------------------------------------------------

class Run:
    """One side's parameters, optimizer and scheduler, stepped with NumPy gradients."""

    def __init__(self, lib, make_opt, make_sched, start=(W0, B0)):
        self.lib = lib
        if lib is torch:
            self.params = [torch.tensor(a.copy(), dtype=torch.float64, requires_grad=True) for a in start]
            o = torch.optim
        else:
            self.params = [nn.Parameter(mg.tensor(a.copy())) for a in start]
            o = optim
        self.opt = make_opt(o, self.params)
        self.sched = make_sched(o.lr_scheduler, self.opt) if make_sched else None

    def values(self):
        return [p.detach().numpy().copy() for p in self.params]

    def step(self, t):
        for p, g in zip(self.params, grads(*self.values())):
            p.grad = torch.from_numpy(g.copy()) if self.lib is torch else mg.tensor(g)
        self.opt.step()
        if self.sched is not None:
            if type(self.sched).__name__ == "ReduceLROnPlateau":
                self.sched.step(metric(t))
            else:
                self.sched.step()
        lrs = [float(g["lr"]) for g in self.opt.param_groups]
        last = [float(lr) for lr in self.sched.get_last_lr()] if self.sched is not None else lrs
        return self.values(), lrs, last


def _groups(params, second):
    return [{"params": [params[0]]}, {"params": [params[1]], **second}]


# ---- the cases --------------------------------------------------------------------------------

OPTIMIZERS = [
    ("SGD", dict(lr=0.1), dict(lr=0.05)),
    ("SGD", dict(lr=0.1, momentum=0.9), dict(momentum=0.5)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.3), dict(lr=0.02, dampening=0.0)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True), dict(nesterov=False, weight_decay=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.5, weight_decay=0.1), dict(weight_decay=0.0, lr=0.2)),
    ("SGD", dict(lr=0.01, momentum=0.9, maximize=True), dict(maximize=False)),
    ("Adam", dict(lr=0.05), dict(lr=0.01, betas=(0.8, 0.99))),
    ("Adam", dict(lr=0.05, amsgrad=True), dict(amsgrad=False, eps=1e-6)),
    ("Adam", dict(lr=0.05, weight_decay=0.1), dict(weight_decay=0.0)),
    ("Adam", dict(lr=0.02, maximize=True, amsgrad=True), dict(maximize=False, lr=0.05)),
    ("AdamW", dict(lr=0.05), dict(weight_decay=0.3)),
    ("AdamW", dict(lr=0.05, amsgrad=True, weight_decay=0.1), dict(betas=(0.85, 0.95), lr=0.02)),
    ("RMSprop", dict(lr=0.01), dict(lr=0.02, alpha=0.9)),
    ("RMSprop", dict(lr=0.01, centered=True), dict(centered=False, momentum=0.5)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, weight_decay=0.1), dict(momentum=0.0)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.5, centered=True, maximize=True), dict(maximize=False)),
    ("Adagrad", dict(lr=0.1), dict(lr=0.3)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.05, weight_decay=0.1), dict(lr_decay=0.0)),
    ("Adagrad", dict(lr=0.1, initial_accumulator_value=0.5, eps=1e-6), dict(maximize=True, lr=0.01)),
]
OPT_IDS = [f"{n}-{'-'.join(f'{k}={v}' for k, v in d.items())}-g1:{'-'.join(f'{k}={v}' for k, v in s.items())}"
           for n, d, s in OPTIMIZERS]


def _sgd(o, params, **kw):
    return o.SGD(_groups(params, dict(lr=0.05)), lr=0.1, momentum=0.9, **kw)


SCHEDULERS = [
    ("StepLR", _sgd, lambda s, o: s.StepLR(o, step_size=4, gamma=0.5)),
    ("MultiStepLR", _sgd, lambda s, o: s.MultiStepLR(o, milestones=[3, 8, 8, 20], gamma=0.5)),
    ("ConstantLR", _sgd, lambda s, o: s.ConstantLR(o, factor=0.25, total_iters=6)),
    ("LinearLR", _sgd, lambda s, o: s.LinearLR(o, start_factor=0.2, end_factor=0.9, total_iters=10)),
    ("ExponentialLR", _sgd, lambda s, o: s.ExponentialLR(o, gamma=0.9)),
    ("CosineAnnealingLR", _sgd, lambda s, o: s.CosineAnnealingLR(o, T_max=8, eta_min=0.001)),
    ("LambdaLR", _sgd, lambda s, o: s.LambdaLR(o, [lambda e: 1 / (1 + e), lambda e: 0.95 ** e])),
    ("MultiplicativeLR", _sgd, lambda s, o: s.MultiplicativeLR(o, lambda e: 0.9 if e % 2 else 1.0)),
    ("CosineAnnealingWarmRestarts", _sgd, lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=4, T_mult=2,
                                                                                     eta_min=0.002)),
    ("OneCycleLR-SGD", _sgd, lambda s, o: s.OneCycleLR(o, max_lr=[0.5, 0.2], total_steps=STEPS)),
    ("OneCycleLR-Adam-3phase-linear",
     lambda o, p: o.Adam(_groups(p, dict(lr=0.01)), lr=0.05),
     lambda s, o: s.OneCycleLR(o, max_lr=0.1, epochs=6, steps_per_epoch=5, pct_start=0.25,
                               anneal_strategy="linear", three_phase=True)),
    ("ReduceLROnPlateau", _sgd, lambda s, o: s.ReduceLROnPlateau(o, factor=0.5, patience=2, cooldown=1,
                                                                 min_lr=[0.01, 0.02])),
    ("ReduceLROnPlateau-max-abs", _sgd, lambda s, o: s.ReduceLROnPlateau(o, mode="max", threshold=0.1,
                                                                         threshold_mode="abs", patience=1)),
    ("SequentialLR-warmup-cosine", _sgd,
     lambda s, o: s.SequentialLR(o, [s.LinearLR(o, start_factor=0.1, total_iters=5),
                                     s.CosineAnnealingLR(o, T_max=20)], milestones=[5])),
    ("SequentialLR-three", _sgd,
     lambda s, o: s.SequentialLR(o, [s.ConstantLR(o, factor=0.5, total_iters=3), s.ExponentialLR(o, gamma=0.8),
                                     s.StepLR(o, step_size=3)], milestones=[4, 12])),
]

def _compare(ours, theirs):
    for a, b in zip(ours[0], theirs[0]):
        np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(ours[2], theirs[2], rtol=RTOL, atol=ATOL)


def _resumed(make_opt, make_sched, path, ours_at_half):
    """A fresh run, loaded from the files written at HALF, continued to STEPS."""
    run = Run(mg, make_opt, make_sched, start=ours_at_half)
    run.opt.load_state_dict(optim.unflatten_state_dict(mg.load(path / "opt.npz")))
    if make_sched:
        run.sched.load_state_dict(optim.unflatten_state_dict(mg.load(path / "sched.npz")))
    return run


def _differential(make_opt, make_sched, tmp_path):
    ours, theirs = Run(mg, make_opt, make_sched), Run(torch, make_opt, make_sched)
    trajectory = []
    for t in range(STEPS):
        if t == HALF:
            mg.save(optim.flatten_state_dict(ours.opt.state_dict()), tmp_path / "opt.npz")
            if make_sched:
                mg.save(optim.flatten_state_dict(ours.sched.state_dict()), tmp_path / "sched.npz")
            at_half = ours.values()
        step = ours.step(t)
        _compare(step, theirs.step(t))
        trajectory.append(step)
    assert not np.allclose(trajectory[-1][0][0], W0)           # the run moved, so the match means something
    resumed = _resumed(make_opt, make_sched, tmp_path, at_half)
    for t in range(HALF, STEPS):
        step = resumed.step(t)
        for a, b in zip(step[0], trajectory[t][0]):
            assert a.tobytes() == b.tobytes()                  # bit for bit the uninterrupted run
        assert step[1:] == trajectory[t][1:]


@pytest.mark.parametrize("name,defaults,second", OPTIMIZERS, ids=OPT_IDS)
def test_optimizer_matches_torch_with_two_groups_and_resumes(name, defaults, second, tmp_path):
    def make_opt(o, params):
        return getattr(o, name)(_groups(params, second), **defaults)
    _differential(make_opt, None, tmp_path)


@pytest.mark.parametrize("name,make_opt,make_sched", SCHEDULERS, ids=[c[0] for c in SCHEDULERS])
def test_scheduler_matches_torch_on_every_group_and_resumes(name, make_opt, make_sched, tmp_path):
    _differential(make_opt, make_sched, tmp_path)


def test_clip_grad_norm_matches_torch_for_every_norm_type():
    rng = np.random.default_rng(3)
    gs = [rng.standard_normal(s) for s in [(3, 4), (5,), ()]]
    for norm_type in (1.0, 2.0, 3.0, 0.5, math.inf):
        for max_norm in (0.1, 100.0, math.inf):
            ours = [nn.Parameter(mg.zeros(*g.shape, dtype="float64")) for g in gs]
            theirs = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in gs]
            for o, t, g in zip(ours, theirs, gs):
                o.grad, t.grad = mg.tensor(g), torch.from_numpy(g.copy())
            n_ours = nn.utils.clip_grad_norm_(ours, max_norm, norm_type)
            n_theirs = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type)
            np.testing.assert_allclose(n_ours.item(), n_theirs.item(), rtol=1e-12)
            for o, t in zip(ours, theirs):
                np.testing.assert_allclose(o.grad.numpy(), t.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_clip_grad_value_matches_torch():
    g = np.random.default_rng(4).standard_normal((4, 5))
    ours, theirs = nn.Parameter(mg.zeros(4, 5, dtype="float64")), torch.zeros(4, 5, dtype=torch.float64)
    ours.grad, theirs.grad = mg.tensor(g), torch.from_numpy(g.copy())
    nn.utils.clip_grad_value_([ours], 0.5)
    torch.nn.utils.clip_grad_value_([theirs], 0.5)
    np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())


def test_state_dict_layout_is_torchs():
    ours, theirs = Run(mg, lambda o, p: o.Adam(_groups(p, dict(lr=0.01)), lr=0.05, amsgrad=True), None), \
        Run(torch, lambda o, p: o.Adam(_groups(p, dict(lr=0.01)), lr=0.05, amsgrad=True), None)
    ours.step(0), theirs.step(0)
    a, b = ours.opt.state_dict(), theirs.opt.state_dict()
    assert list(a) == list(b) == ["state", "param_groups"]
    assert list(a["state"]) == list(b["state"]) == [0, 1]
    assert list(a["state"][0]) == list(b["state"][0])
    for ga, gb in zip(a["param_groups"], b["param_groups"]):
        assert ga["params"] == gb["params"]
        assert set(ga) <= set(gb)                     # PyTorch has more: foreach, fused, capturable, ...
        assert {k: ga[k] for k in ga if k != "params"} == {k: gb[k] for k in ga if k != "params"}
    assert [list(g) for g in ours.opt.param_groups] == [["params", *ours.opt.defaults], ["params", *ours.opt.defaults]]


# ---- the deliberate differences (docs/differences.md, "optim"), one test each ----------------------

def _one_step(lib, make):
    run = Run(lib, make, None)
    run.step(0)
    return run


def test_difference_state_dicts_are_saved_flat():
    run = _one_step(mg, lambda o, p: o.Adam(p, lr=0.1))
    with pytest.raises(TypeError):                     # minigrad.save writes arrays, not nested dicts
        mg.save(run.opt.state_dict(), "never-written.npz")
    flat = optim.flatten_state_dict(run.opt.state_dict())
    assert "state.0.exp_avg" in flat and "param_groups[0].lr" in flat


def test_difference_state_dict_is_a_copy():
    for lib in (mg, torch):
        run = _one_step(lib, lambda o, p: o.SGD(p, lr=0.1, momentum=0.9))
        saved = run.opt.state_dict()["state"][0]["momentum_buffer"].detach().numpy().copy()
        view = run.opt.state_dict()["state"][0]["momentum_buffer"]
        run.step(1)
        changed = not np.array_equal(view.detach().numpy(), saved)
        assert changed == (lib is torch)               # PyTorch's aliases the live buffer; minigrad's does not


def test_difference_step_counts_are_python_ints():
    ours, theirs = _one_step(mg, lambda o, p: o.Adam(p)), _one_step(torch, lambda o, p: o.Adam(p))
    assert type(ours.opt.state[ours.params[0]]["step"]) is int
    assert isinstance(theirs.opt.state[theirs.params[0]]["step"], torch.Tensor)


def test_difference_groups_hold_only_the_implemented_hyperparameters():
    params = [nn.Parameter(mg.ones(1))]
    ours, theirs = optim.SGD(params, lr=0.1), torch.optim.SGD([torch.ones(1)], lr=0.1)
    assert set(theirs.defaults) - set(ours.defaults) == {"foreach", "differentiable", "fused"}
    with pytest.raises(TypeError):
        optim.SGD(params, lr=0.1, foreach=True)
    with pytest.raises(TypeError):
        nn.utils.clip_grad_norm_(params, 1.0, foreach=True)


def test_difference_hyperparameters_are_checked_in_every_group_and_stored_as_python_numbers():
    w = torch.ones(1, requires_grad=True)
    torch.optim.SGD([{"params": [w], "lr": -1.0}], lr=0.1)             # PyTorch checks only the defaults
    with pytest.raises(ValueError, match="SGD: lr .*must be ≥ 0"):
        optim.SGD([{"params": [nn.Parameter(mg.ones(1))], "lr": -1.0}], lr=0.1)
    assert type(torch.optim.SGD([w], lr=np.float64(0.1)).param_groups[0]["lr"]) is np.float64
    assert type(optim.SGD([nn.Parameter(mg.ones(1))], lr=np.float64(0.1)).param_groups[0]["lr"]) is float
    torch.optim.RMSprop([w], alpha=2.0)
    torch.optim.SGD([w], lr=0.1, nesterov=1, momentum=0.9)
    torch.nn.utils.clip_grad_norm_([w], -1.0)
    with pytest.raises(ValueError, match="RMSprop: alpha must lie in"):
        optim.RMSprop([nn.Parameter(mg.ones(1))], alpha=2.0)
    with pytest.raises(TypeError, match="SGD: nesterov must be True or False"):
        optim.SGD([nn.Parameter(mg.ones(1))], lr=0.1, nesterov=1, momentum=0.9)
    with pytest.raises(ValueError, match="clip_grad_norm_: max_norm must be ≥ 0"):
        nn.utils.clip_grad_norm_([nn.Parameter(mg.ones(1))], -1.0)


def test_difference_a_parameter_twice_in_one_group_raises():
    w = torch.ones(1, requires_grad=True)
    with pytest.warns(UserWarning):
        torch.optim.SGD([w, w], lr=0.1)
    p = nn.Parameter(mg.ones(1))
    with pytest.raises(ValueError, match="SGD: parameter 1 appears twice in one group"):
        optim.SGD([p, p], lr=0.1)


def test_difference_add_param_group_keeps_the_given_dict_as_it_was():
    given = {"params": [nn.Parameter(mg.ones(1))]}
    optim.SGD([nn.Parameter(mg.ones(1))], lr=0.1).add_param_group(given)
    assert list(given) == ["params"]
    given_torch = {"params": [torch.ones(1, requires_grad=True)]}
    torch.optim.SGD([torch.ones(1, requires_grad=True)], lr=0.1).add_param_group(given_torch)
    assert "lr" in given_torch                         # PyTorch fills in and keeps the very dict


def test_difference_scheduler_state_dict_keys():
    def keys(lib, make):
        if lib is torch:
            return set(make(torch.optim.lr_scheduler, torch.optim.SGD([torch.ones(1)], lr=0.1)).state_dict())
        return set(make(optim.lr_scheduler, optim.SGD([nn.Parameter(mg.ones(1))], lr=0.1)).state_dict())
    transient = {"_get_lr_called_within_step", "_is_initial"}
    for make, more in [(lambda s, o: s.StepLR(o, 2), transient),
                       (lambda s, o: s.LambdaLR(o, lambda e: 1.0), transient | {"lr_lambdas"}),
                       (lambda s, o: s.ReduceLROnPlateau(o), {"default_min_lr"}),
                       (lambda s, o: s.SequentialLR(o, [s.ConstantLR(o), s.StepLR(o, 2)], [3]), set())]:
        assert keys(torch, make) - keys(mg, make) == more and keys(mg, make) <= keys(torch, make)


def test_difference_scheduler_step_takes_no_epoch():
    o = optim.SGD([nn.Parameter(mg.ones(1))], lr=0.1)
    with pytest.raises(TypeError):
        optim.lr_scheduler.StepLR(o, 2).step(5)


def test_repr_prints_the_groups_as_torch_does():
    ours = optim.SGD([nn.Parameter(mg.ones(1))], lr=0.1, momentum=0.9)
    theirs = torch.optim.SGD([torch.ones(1, requires_grad=True)], lr=0.1, momentum=0.9)
    # the same lines, less PyTorch's unimplemented settings, and with its int defaults as the floats we store
    kept = [line for line in repr(theirs).splitlines()
            if not line.strip().startswith(("foreach", "fused", "differentiable"))]
    assert repr(ours).splitlines() == [line.replace(": 0", ": 0.0") if "dampening" in line or "weight_decay" in line
                                       else line for line in kept]


@pytest.mark.parametrize("pair", ["LinearLR+ExponentialLR", "StepLR+MultiplicativeLR", "ConstantLR+CosineAnnealingLR"])
def test_two_schedulers_on_one_optimizer_compose_as_torchs(pair):
    makers = {"LinearLR": lambda s, o: s.LinearLR(o, start_factor=0.1, total_iters=6),
              "ExponentialLR": lambda s, o: s.ExponentialLR(o, gamma=0.95),
              "StepLR": lambda s, o: s.StepLR(o, step_size=5, gamma=0.5),
              "MultiplicativeLR": lambda s, o: s.MultiplicativeLR(o, lambda e: 0.98),
              "ConstantLR": lambda s, o: s.ConstantLR(o, factor=0.5, total_iters=4),
              "CosineAnnealingLR": lambda s, o: s.CosineAnnealingLR(o, T_max=10)}
    lrs = {}
    for lib in (mg, torch):
        run = Run(lib, _sgd, None)
        library = torch.optim.lr_scheduler if lib is torch else optim.lr_scheduler
        schedulers = [makers[name](library, run.opt) for name in pair.split("+")]
        lrs[lib] = []
        for t in range(STEPS):
            run.step(t)
            for s in schedulers:
                s.step()
            lrs[lib].append([s.get_last_lr() for s in schedulers])
    np.testing.assert_allclose(np.array(lrs[mg]), np.array(lrs[torch]), rtol=RTOL, atol=ATOL)
