"""The bad-argument tables' one check: the right exception, a message that
names the callee, and nothing changed.

Each tests/test_bad_arguments_*.py file is a table of `Bad` rows, one per
wrong call, for one part of the public API:

    Bad("Linear(0, 3)", lambda: nn.Linear(0, 3), ValueError, "Linear"),
    Bad("step, bad grad", lambda: opt.step(), ValueError, "SGD.step", state=lambda: [model, opt]),

`state` gives the objects the call must leave as they were: tensors (values,
dtype, device, .grad), modules (every parameter and buffer and its .grad),
optimizers and schedulers (their state_dict), and paths (the file's bytes,
and which files stand in its folder). They are snapshotted before the call
and compared bit for bit after it.
"""

import os
from dataclasses import dataclass, field
from collections.abc import Callable

import numpy as np
import pytest

import minigrad as mg


@dataclass
class Bad:
    name: str                      # the row's id, shown by pytest
    call: Callable                 # the wrong call
    error: type                    # the exception it must raise
    callee: str                    # a name the message must contain
    state: Callable = field(default=lambda: [])   # what must not change


def _snap(obj):
    if isinstance(obj, mg.Tensor):
        grad = None if obj.grad is None else _snap(obj.grad)
        return ("tensor", obj.numpy().tobytes(), obj.shape, str(obj.dtype), obj.device, obj.requires_grad, grad)
    if isinstance(obj, mg.nn.Module):
        return ("module", tuple((n, _snap(p)) for n, p in obj.state_dict().items()),
                tuple((n, _snap(p)) for n, p in obj.named_parameters()))
    if isinstance(obj, (str, os.PathLike)):
        path = os.fspath(obj)
        folder = os.path.dirname(path) or "."
        content = open(path, "rb").read() if os.path.exists(path) else None
        return ("path", content, tuple(sorted(os.listdir(folder))))
    if hasattr(obj, "state_dict"):
        return ("stateful", _snap_value(obj.state_dict()))
    raise TypeError(f"badargs: cannot snapshot {type(obj).__name__}")


def _snap_value(v):
    if isinstance(v, dict):
        return tuple((k, _snap_value(x)) for k, x in v.items())
    if isinstance(v, (list, tuple)):
        return tuple(_snap_value(x) for x in v)
    if isinstance(v, mg.Tensor):
        return _snap(v)
    if hasattr(v, "shape") and hasattr(v, "dtype"):
        a = np.asarray(v)
        return ("array", a.tobytes(), a.shape, str(a.dtype))
    return repr(v)


def check(row):
    """Run one row: the error, its message, and the state before and after."""
    objects = row.state()
    before = [_snap(o) for o in objects]
    with pytest.raises(row.error) as caught:
        row.call()
    message = str(caught.value)
    assert row.callee in message, f"the message does not name {row.callee!r}: {message!r}"
    after = [_snap(o) for o in objects]
    for i, (b, a) in enumerate(zip(before, after)):
        assert b == a, f"state {i} ({type(objects[i]).__name__}) changed although the call failed"
