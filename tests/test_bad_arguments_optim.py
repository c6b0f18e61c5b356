"""Bad arguments to optim and the gradient clippers: each row a wrong call, the
error it must raise, the name its message must carry, and the objects that
must come out bit for bit as they went in (parameters and their .grad,
optimizer and scheduler state)."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim
from minigrad.optim import lr_scheduler as S
from badargs import Bad, check

nan, inf = float("nan"), float("inf")
clip_grad_norm_, clip_grad_value_ = nn.utils.clip_grad_norm_, nn.utils.clip_grad_value_


def params():
    """Two fresh parameters with gradients."""
    w, b = nn.Parameter(mg.ones(2, 3)), nn.Parameter(mg.ones(3))
    ((w * w).sum() + (b * b).sum()).backward()
    return w, b


def trained(make=lambda groups: optim.Adam(groups, lr=0.1), steps=2):
    """Parameters in two groups, an optimizer that has stepped (so it has state), and fresh gradients."""
    w, b = params()
    opt = make([{"params": [w]}, {"params": [b], "lr": 0.01}])
    for _ in range(steps):
        opt.step()
    return w, b, opt


def row(name, setup, call, error, callee, state=list):
    """A row whose objects are made once by `setup` and shared by the call and the state
    (all of them, or what `state` picks from them)."""
    objects = setup()
    return Bad(name, lambda: call(*objects), error, callee, state=lambda: state(objects))


def broken(setup, damage):
    """`setup`, then `damage` applied to its objects (before the snapshot: the damage is the bad argument)."""
    def make():
        objects = setup()
        damage(*objects)
        return objects
    return make


def with_sched(make_sched, make_opt=lambda groups: optim.SGD(groups, lr=0.1, momentum=0.9)):
    def setup():
        w, b, opt = trained(make_opt)
        return w, b, opt, make_sched(opt)
    return setup


def _set_grad(t, g):
    t.grad = g
    return t


w_, b_ = params()
P = [nn.Parameter(mg.ones(2))]
f = lambda e: 1.0     # noqa: E731

ROWS = [
    # ---- constructors: hyperparameters ---------------------------------------------------------
    Bad("SGD lr str", lambda: optim.SGD(P, lr="0.1"), TypeError, "SGD"),
    Bad("SGD lr nan", lambda: optim.SGD(P, lr=nan), ValueError, "SGD"),
    Bad("SGD lr -1", lambda: optim.SGD(P, lr=-1), ValueError, "SGD"),
    Bad("SGD lr inf", lambda: optim.SGD(P, lr=inf), ValueError, "SGD"),
    Bad("SGD lr None", lambda: optim.SGD(P, lr=None), TypeError, "SGD"),
    Bad("SGD lr True", lambda: optim.SGD(P, lr=True), TypeError, "SGD"),
    Bad("SGD lr array", lambda: optim.SGD(P, lr=np.array([0.1, 0.2])), TypeError, "SGD"),
    Bad("SGD momentum -0.1", lambda: optim.SGD(P, lr=0.1, momentum=-0.1), ValueError, "SGD"),
    Bad("SGD nesterov no momentum", lambda: optim.SGD(P, lr=0.1, nesterov=True), ValueError, "SGD"),
    Bad("SGD nesterov dampening", lambda: optim.SGD(P, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
        ValueError, "SGD"),
    Bad("SGD nesterov str", lambda: optim.SGD(P, lr=0.1, momentum=0.9, nesterov="yes"), TypeError, "SGD"),
    Bad("SGD weight_decay -1", lambda: optim.SGD(P, lr=0.1, weight_decay=-1), ValueError, "SGD"),
    Bad("SGD dampening nan", lambda: optim.SGD(P, lr=0.1, dampening=nan), ValueError, "SGD"),
    Bad("Adam betas one", lambda: optim.Adam(P, betas=(0.9,)), TypeError, "Adam"),
    Bad("Adam beta1 = 1", lambda: optim.Adam(P, betas=(1.0, 0.9)), ValueError, "Adam"),
    Bad("Adam beta2 < 0", lambda: optim.Adam(P, betas=(0.9, -0.1)), ValueError, "Adam"),
    Bad("Adam betas float", lambda: optim.Adam(P, betas=0.9), TypeError, "Adam"),
    Bad("Adam betas str", lambda: optim.Adam(P, betas=("0.9", 0.99)), TypeError, "Adam"),
    Bad("Adam eps < 0", lambda: optim.Adam(P, eps=-1e-8), ValueError, "Adam"),
    Bad("Adam amsgrad str", lambda: optim.Adam(P, amsgrad="no"), TypeError, "Adam"),
    Bad("Adam weight_decay nan", lambda: optim.Adam(P, weight_decay=nan), ValueError, "Adam"),
    Bad("AdamW lr < 0", lambda: optim.AdamW(P, lr=-0.1), ValueError, "AdamW"),
    Bad("AdamW maximize None", lambda: optim.AdamW(P, maximize=None), TypeError, "AdamW"),
    Bad("RMSprop alpha 1.5", lambda: optim.RMSprop(P, alpha=1.5), ValueError, "RMSprop"),
    Bad("RMSprop momentum < 0", lambda: optim.RMSprop(P, momentum=-1), ValueError, "RMSprop"),
    Bad("RMSprop eps np.nan", lambda: optim.RMSprop(P, eps=np.float64(nan)), ValueError, "RMSprop"),
    Bad("RMSprop centered 1", lambda: optim.RMSprop(P, centered=1), TypeError, "RMSprop"),
    Bad("Adagrad lr_decay < 0", lambda: optim.Adagrad(P, lr_decay=-1), ValueError, "Adagrad"),
    Bad("Adagrad initial_accumulator_value < 0", lambda: optim.Adagrad(P, initial_accumulator_value=-0.5),
        ValueError, "Adagrad"),
    Bad("Adagrad eps < 0", lambda: optim.Adagrad(P, eps=-1.0), ValueError, "Adagrad"),
    # ---- constructors: parameters and groups ------------------------------------------------------
    Bad("empty params", lambda: optim.SGD([], lr=0.1), ValueError, "SGD"),
    Bad("a single Tensor", lambda: optim.SGD(P[0], lr=0.1), TypeError, "SGD"),
    Bad("a set", lambda: optim.SGD(set(P), lr=0.1), TypeError, "SGD"),
    Bad("not iterable", lambda: optim.SGD(5, lr=0.1), TypeError, "SGD"),
    Bad("a non-tensor param", lambda: optim.Adam([w_, 3]), TypeError, "Adam"),
    Bad("a numpy param", lambda: optim.Adam([np.ones(3)]), TypeError, "Adam"),
    Bad("a non-leaf param", lambda: optim.Adam([w_ * 2]), ValueError, "Adam"),
    Bad("duplicate in a group", lambda: optim.Adam([w_, w_]), ValueError, "Adam"),
    Bad("duplicate across groups", lambda: optim.Adam([{"params": [w_]}, {"params": [b_, w_]}]), ValueError, "Adam"),
    Bad("group without params", lambda: optim.Adam([{"params": [w_]}, {"lr": 0.1}]), ValueError, "Adam"),
    Bad("group lr str", lambda: optim.Adam([{"params": [w_]}, {"params": [b_], "lr": "x"}]), TypeError, "Adam"),
    Bad("group betas bad", lambda: optim.Adam([{"params": [w_], "betas": (0.9, 1.5)}]), ValueError, "Adam"),
    Bad("group with empty params", lambda: optim.SGD([{"params": [w_]}, {"params": []}], lr=0.1), ValueError,
        "SGD"),
    # ---- add_param_group -------------------------------------------------------------------------------
    row("add_param_group: held param", trained, lambda w, b, opt: opt.add_param_group({"params": [w]}),
        ValueError, "Adam.add_param_group"),
    row("add_param_group: not a dict", trained, lambda w, b, opt: opt.add_param_group([w]), TypeError,
        "Adam.add_param_group"),
    row("add_param_group: bad lr", trained,
        lambda w, b, opt: opt.add_param_group({"params": [nn.Parameter(mg.ones(1))], "lr": -1}), ValueError,
        "Adam.add_param_group"),
    # ---- step: every gradient checked before any update ---------------------------------------------
    row("step: grad shape, last param", broken(trained, lambda w, b, opt: _set_grad(b, mg.ones(2))),
        lambda w, b, opt: opt.step(), ValueError, "Adam.step"),
    row("step: grad dtype, last param", broken(trained, lambda w, b, opt: _set_grad(b, mg.ones(3, dtype="float64"))),
        lambda w, b, opt: opt.step(), ValueError, "Adam.step"),
    row("step: grad device, last param",
        broken(trained, lambda w, b, opt: _set_grad(b, mg.ones(3, device="array_api_strict"))),
        lambda w, b, opt: opt.step(), ValueError, "Adam.step"),
    row("step: grad an ndarray", lambda: (lambda w, b, opt: (w, opt, _set_grad(b, np.ones(3, np.float32))))(*trained()),
        lambda w, opt, b: opt.step(), TypeError, "Adam.step", state=lambda objects: objects[:2]),
    row("step: SGD momentum, bad last grad",
        broken(lambda: trained(lambda g: optim.SGD(g, lr=0.1, momentum=0.9)), lambda w, b, o: _set_grad(b, mg.ones(4))),
        lambda w, b, opt: opt.step(), ValueError, "SGD.step"),
    row("step: RMSprop, bad last grad",
        broken(lambda: trained(lambda g: optim.RMSprop(g, centered=True, momentum=0.5)),
               lambda w, b, o: _set_grad(b, mg.ones(3, 1))),
        lambda w, b, opt: opt.step(), ValueError, "RMSprop.step"),
    row("step: Adagrad, bad last grad",
        broken(lambda: trained(lambda g: optim.Adagrad(g)), lambda w, b, o: _set_grad(b, mg.ones(1))),
        lambda w, b, opt: opt.step(), ValueError, "Adagrad.step"),
    row("step: group lr set to -1", broken(trained, lambda w, b, opt: opt.param_groups[1].__setitem__("lr", -1.0)),
        lambda w, b, opt: opt.step(), ValueError, "Adam.step"),
    row("step: group lr set to str", broken(trained, lambda w, b, opt: opt.param_groups[1].__setitem__("lr", "0.1")),
        lambda w, b, opt: opt.step(), TypeError, "Adam.step"),
    # ---- optimizer load_state_dict: checked whole, then applied --------------------------------------
    row("load: SGD's state into Adam", trained,
        lambda w, b, opt: opt.load_state_dict(trained(lambda g: optim.SGD(g, lr=0.1, momentum=0.9))[2].state_dict()),
        ValueError, "Adam.load_state_dict"),
    row("load: Adam's state into SGD", lambda: trained(lambda g: optim.SGD(g, lr=0.1, momentum=0.9)),
        lambda w, b, opt: opt.load_state_dict(trained()[2].state_dict()), ValueError, "SGD.load_state_dict"),
    row("load: missing 'state'", trained,
        lambda w, b, opt: opt.load_state_dict({"param_groups": opt.state_dict()["param_groups"]}), ValueError,
        "Adam.load_state_dict"),
    row("load: missing 'param_groups'", trained,
        lambda w, b, opt: opt.load_state_dict({"state": opt.state_dict()["state"]}), ValueError,
        "Adam.load_state_dict"),
    row("load: one group too few", trained,
        lambda w, b, opt: opt.load_state_dict({**opt.state_dict(), "param_groups": opt.state_dict()["param_groups"][:1],
                                               "state": {}}), ValueError, "Adam.load_state_dict"),
    row("load: group of another size", trained,
        lambda w, b, opt: opt.load_state_dict({"state": {}, "param_groups": [
            opt.state_dict()["param_groups"][0], {**opt.state_dict()["param_groups"][1], "params": [1, 2]}]}),
        ValueError, "Adam.load_state_dict"),
    row("load: wrong shape, last entry", trained,
        lambda w, b, opt: opt.load_state_dict({**opt.state_dict(), "state": {
            0: opt.state_dict()["state"][0], 1: {**opt.state_dict()["state"][1], "exp_avg_sq": np.zeros(4)}}}),
        ValueError, "Adam.load_state_dict"),
    row("load: an int buffer", trained,
        lambda w, b, opt: opt.load_state_dict({**opt.state_dict(), "state": {
            0: opt.state_dict()["state"][0], 1: {**opt.state_dict()["state"][1], "exp_avg": np.zeros(3, "int64")}}}),
        ValueError, "Adam.load_state_dict"),
    row("load: unknown state entry", trained,
        lambda w, b, opt: opt.load_state_dict({**opt.state_dict(), "state": {
            1: {**opt.state_dict()["state"][1], "foo": np.zeros(3)}}}), ValueError, "Adam.load_state_dict"),
    row("load: state without step", trained,
        lambda w, b, opt: opt.load_state_dict({**opt.state_dict(), "state": {
            1: {k: v for k, v in opt.state_dict()["state"][1].items() if k != "step"}}}),
        ValueError, "Adam.load_state_dict"),
    row("load: negative step", trained,
        lambda w, b, opt: opt.load_state_dict({**opt.state_dict(), "state": {
            1: {**opt.state_dict()["state"][1], "step": -1}}}), ValueError, "Adam.load_state_dict"),
    row("load: state of an unlisted index", trained,
        lambda w, b, opt: opt.load_state_dict({**opt.state_dict(), "state": {7: opt.state_dict()["state"][0]}}),
        ValueError, "Adam.load_state_dict"),
    row("load: a nan lr in a group", trained,
        lambda w, b, opt: opt.load_state_dict({**opt.state_dict(), "param_groups": [
            opt.state_dict()["param_groups"][0], {**opt.state_dict()["param_groups"][1], "lr": nan}]}),
        ValueError, "Adam.load_state_dict"),
    row("load: not a dict", trained, lambda w, b, opt: opt.load_state_dict([1, 2]), TypeError,
        "Adam.load_state_dict"),
    row("load: the flat form", trained,
        lambda w, b, opt: opt.load_state_dict(optim.flatten_state_dict(opt.state_dict())), ValueError,
        "Adam.load_state_dict"),
    # ---- scheduler constructors: the optimizer is left as it was -------------------------------------
    row("StepLR step_size 0", trained, lambda w, b, opt: S.StepLR(opt, step_size=0), ValueError, "StepLR"),
    row("StepLR step_size 2.5", trained, lambda w, b, opt: S.StepLR(opt, step_size=2.5), TypeError, "StepLR"),
    Bad("StepLR not an optimizer", lambda: S.StepLR("opt", 2), TypeError, "StepLR"),
    row("StepLR gamma < 0", trained, lambda w, b, opt: S.StepLR(opt, 2, gamma=-0.1), ValueError, "StepLR"),
    row("StepLR last_epoch without initial_lr", trained, lambda w, b, opt: S.StepLR(opt, 2, last_epoch=3),
        ValueError, "StepLR"),
    row("MultiStepLR negative milestone", trained, lambda w, b, opt: S.MultiStepLR(opt, [2, -1]), ValueError,
        "MultiStepLR"),
    row("MultiStepLR milestones int", trained, lambda w, b, opt: S.MultiStepLR(opt, 3), TypeError, "MultiStepLR"),
    row("ConstantLR factor 2", trained, lambda w, b, opt: S.ConstantLR(opt, factor=2), ValueError, "ConstantLR"),
    row("LinearLR start_factor 0", trained, lambda w, b, opt: S.LinearLR(opt, start_factor=0), ValueError,
        "LinearLR"),
    row("LinearLR total_iters 0", trained, lambda w, b, opt: S.LinearLR(opt, total_iters=0), ValueError,
        "LinearLR"),
    row("ExponentialLR gamma str", trained, lambda w, b, opt: S.ExponentialLR(opt, gamma="0.9"), TypeError,
        "ExponentialLR"),
    row("CosineAnnealingLR T_max 0", trained, lambda w, b, opt: S.CosineAnnealingLR(opt, T_max=0), ValueError,
        "CosineAnnealingLR"),
    row("LambdaLR one function, two groups", trained, lambda w, b, opt: S.LambdaLR(opt, [f]), ValueError,
        "LambdaLR"),
    row("LambdaLR not callable", trained, lambda w, b, opt: S.LambdaLR(opt, 3), TypeError, "LambdaLR"),
    row("MultiplicativeLR not callable", trained, lambda w, b, opt: S.MultiplicativeLR(opt, [f, None]), TypeError,
        "MultiplicativeLR"),
    row("WarmRestarts T_0 0", trained, lambda w, b, opt: S.CosineAnnealingWarmRestarts(opt, T_0=0), ValueError,
        "CosineAnnealingWarmRestarts"),
    row("WarmRestarts T_mult 0", trained, lambda w, b, opt: S.CosineAnnealingWarmRestarts(opt, 2, T_mult=0),
        ValueError, "CosineAnnealingWarmRestarts"),
    row("OneCycleLR no length", trained, lambda w, b, opt: S.OneCycleLR(opt, max_lr=0.1), ValueError, "OneCycleLR"),
    row("OneCycleLR anneal_strategy", trained,
        lambda w, b, opt: S.OneCycleLR(opt, 0.1, total_steps=10, anneal_strategy="exp"), ValueError, "OneCycleLR"),
    row("OneCycleLR no momentum to cycle", lambda: trained(lambda g: optim.Adagrad(g)),
        lambda w, b, opt: S.OneCycleLR(opt, 0.1, total_steps=10), ValueError, "OneCycleLR"),
    row("OneCycleLR max_lr per group", trained, lambda w, b, opt: S.OneCycleLR(opt, [0.1], total_steps=10),
        ValueError, "OneCycleLR"),
    row("OneCycleLR pct_start 2", trained, lambda w, b, opt: S.OneCycleLR(opt, 0.1, total_steps=10, pct_start=2.0),
        ValueError, "OneCycleLR"),
    row("ReduceLROnPlateau mode", trained, lambda w, b, opt: S.ReduceLROnPlateau(opt, mode="median"), ValueError,
        "ReduceLROnPlateau"),
    row("ReduceLROnPlateau factor 1", trained, lambda w, b, opt: S.ReduceLROnPlateau(opt, factor=1.0), ValueError,
        "ReduceLROnPlateau"),
    row("ReduceLROnPlateau patience < 0", trained, lambda w, b, opt: S.ReduceLROnPlateau(opt, patience=-1),
        ValueError, "ReduceLROnPlateau"),
    row("SequentialLR milestone count", with_sched(lambda o: S.StepLR(o, 2)),
        lambda w, b, opt, s: S.SequentialLR(opt, [s, s], milestones=[]), ValueError, "SequentialLR"),
    row("SequentialLR with ReduceLROnPlateau", with_sched(lambda o: S.ReduceLROnPlateau(o)),
        lambda w, b, opt, s: S.SequentialLR(opt, [s], milestones=[]), TypeError, "SequentialLR"),
    row("SequentialLR another optimizer", with_sched(lambda o: S.StepLR(o, 2)),
        lambda w, b, opt, s: S.SequentialLR(trained()[2], [s], milestones=[]), ValueError, "SequentialLR"),
    # ---- scheduler steps ---------------------------------------------------------------------------------
    row("OneCycleLR past total_steps",
        broken(with_sched(lambda o: S.OneCycleLR(o, 0.1, total_steps=1)), lambda w, b, opt, s: s.step()),
        lambda w, b, opt, s: s.step(), ValueError, "OneCycleLR.step"),
    row("ReduceLROnPlateau.step str", with_sched(lambda o: S.ReduceLROnPlateau(o)),
        lambda w, b, opt, s: s.step("0.5"), TypeError, "ReduceLROnPlateau.step"),
    row("StepLR.step after add_param_group",
        broken(with_sched(lambda o: S.StepLR(o, 2)),
               lambda w, b, opt, s: opt.add_param_group({"params": [nn.Parameter(mg.ones(1))]})),
        lambda w, b, opt, s: s.step(), ValueError, "StepLR.step"),
    # ---- scheduler load_state_dict -------------------------------------------------------------------
    row("StepLR.load missing key", with_sched(lambda o: S.StepLR(o, 2)),
        lambda w, b, opt, s: s.load_state_dict({k: v for k, v in s.state_dict().items() if k != "gamma"}),
        ValueError, "StepLR.load_state_dict"),
    row("StepLR.load unexpected key", with_sched(lambda o: S.StepLR(o, 2)),
        lambda w, b, opt, s: s.load_state_dict({**s.state_dict(), "T_max": 3}), ValueError, "StepLR.load_state_dict"),
    row("StepLR.load last_epoch str", with_sched(lambda o: S.StepLR(o, 2)),
        lambda w, b, opt, s: s.load_state_dict({**s.state_dict(), "last_epoch": "3"}), TypeError,
        "StepLR.load_state_dict"),
    row("StepLR.load base_lrs length", with_sched(lambda o: S.StepLR(o, 2)),
        lambda w, b, opt, s: s.load_state_dict({**s.state_dict(), "base_lrs": [0.1]}), ValueError,
        "StepLR.load_state_dict"),
    row("StepLR.load not a dict", with_sched(lambda o: S.StepLR(o, 2)),
        lambda w, b, opt, s: s.load_state_dict(None), TypeError, "StepLR.load_state_dict"),
    row("StepLR.load a cosine's state", with_sched(lambda o: S.StepLR(o, 2)),
        lambda w, b, opt, s: s.load_state_dict(S.CosineAnnealingLR(trained()[2], 5).state_dict()), ValueError,
        "StepLR.load_state_dict"),
    row("ReduceLROnPlateau.load mode", with_sched(lambda o: S.ReduceLROnPlateau(o)),
        lambda w, b, opt, s: s.load_state_dict({**s.state_dict(), "mode": "median"}), ValueError,
        "ReduceLROnPlateau.load_state_dict"),
    row("SequentialLR.load bad inner state",
        with_sched(lambda o: S.SequentialLR(o, [S.ConstantLR(o), S.StepLR(o, 2)], milestones=[3])),
        lambda w, b, opt, s: s.load_state_dict({**s.state_dict(), "_schedulers": [
            s.state_dict()["_schedulers"][0], {**s.state_dict()["_schedulers"][1], "step_size": 0}]}),
        ValueError, "SequentialLR.load_state_dict"),
    # ---- the clippers ----------------------------------------------------------------------------------
    row("clip_grad_norm_ max_norm < 0", params, lambda w, b: clip_grad_norm_([w, b], -1.0), ValueError,
        "clip_grad_norm_"),
    row("clip_grad_norm_ max_norm nan", params, lambda w, b: clip_grad_norm_([w, b], nan), ValueError,
        "clip_grad_norm_"),
    row("clip_grad_norm_ max_norm str", params, lambda w, b: clip_grad_norm_([w, b], "1"), TypeError,
        "clip_grad_norm_"),
    row("clip_grad_norm_ norm_type 0", params, lambda w, b: clip_grad_norm_([w, b], 1.0, norm_type=0), ValueError,
        "clip_grad_norm_"),
    row("clip_grad_norm_ norm_type str", params, lambda w, b: clip_grad_norm_([w, b], 1.0, norm_type="fro"),
        TypeError, "clip_grad_norm_"),
    row("clip_grad_norm_ nonfinite", lambda: (params()[0], _set_grad(nn.Parameter(mg.ones(2)), mg.tensor([inf, 1.0]))),
        lambda w, b: clip_grad_norm_([w, b], 1.0, error_if_nonfinite=True), RuntimeError, "clip_grad_norm_"),
    row("clip_grad_norm_ a non-tensor", params, lambda w, b: clip_grad_norm_([w, b, 3], 1.0), TypeError,
        "clip_grad_norm_"),
    row("clip_grad_value_ < 0", params, lambda w, b: clip_grad_value_([w, b], -1.0), ValueError, "clip_grad_value_"),
    row("clip_grad_value_ str", params, lambda w, b: clip_grad_value_([w, b], "x"), TypeError, "clip_grad_value_"),
    row("clip_grad_value_ not iterable", params, lambda w, b: clip_grad_value_(5, 1.0), TypeError,
        "clip_grad_value_"),
]


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_bad_argument(row):
    check(row)

