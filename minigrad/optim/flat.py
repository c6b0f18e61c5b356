"""Nested state_dicts as flat {name: array} dicts, the form minigrad.save writes.

An optimizer's state_dict is nested, as PyTorch's is; minigrad.save writes
one array per name into an .npz (no pickle, so no nesting). These two turn
one into the other, writing the nesting into the names:

    {"state": {0: {"step": 3, "exp_avg": t}},          "state.0.step":          array(3)
     "param_groups": [{"lr": 0.1, "params": [0]}]}  ↔  "state.0.exp_avg":       t's array
                                                       "param_groups[0].lr":    array(0.1)
                                                       "param_groups[0].params": array([0])

The rules: a dict's entry is ".key" (an int key as its digits); an entry of a
list of dicts is "[i]"; an empty dict is its name + "{}"; anything else (a
number, a bool, a string, a list or tuple of them, an array, a Tensor) is one
array. Coming back, numbers are 0-d arrays and lists 1-d arrays: each
load_state_dict reads them as the Python values it expects.

    minigrad.save(optim.flatten_state_dict(opt.state_dict()), "opt.npz")
    opt.load_state_dict(optim.unflatten_state_dict(minigrad.load("opt.npz")))
"""

import re
from collections.abc import Mapping

from minigrad import backend
from minigrad.tensor import Tensor

_host = backend.NUMPY
_LIST_ENTRY = re.compile(r"^(.*)\[(\d+)\]$")


def flatten_state_dict(state_dict):
    """A nested state_dict as {dotted name: array}, ready for minigrad.save.

    Args:
        state_dict: dicts (str or int keys) and lists of dicts, holding numbers,
            bools, strings, lists of those, arrays and Tensors.
    Returns:
        dict {str: array or Tensor}.
    Raises:
        TypeError: a value that has no array form (None, a function, ...), or
            a key that cannot be written into a name.
    """
    flat = {}
    _flatten(state_dict, "", flat)
    return flat


def _flatten(value, name, flat):
    if isinstance(value, Mapping):
        if not value:
            flat[name + "{}"] = _host.asarray([], "int64")
        for key, item in value.items():
            if not _writable(key):
                raise TypeError(f"flatten_state_dict: the key {key!r} under {name or 'the top'!r} cannot "
                                "be written into a name (use non-empty strings without '.[]{}', or ints)")
            _flatten(item, f"{name}.{key}" if name else str(key), flat)
    elif isinstance(value, (list, tuple)) and value and all(isinstance(v, Mapping) for v in value):
        for i, item in enumerate(value):
            _flatten(item, f"{name}[{i}]", flat)
    elif isinstance(value, Tensor):
        flat[name] = value
    elif backend.is_host_array(value) or backend.is_device_array(value):
        flat[name] = value
    else:
        array = _host.xp.asarray(value) if _is_plain(value) else None
        if array is None or array.dtype.kind not in "biufU":
            raise TypeError(f"flatten_state_dict: {name!r} is a {type(value).__name__}, which has no array form")
        flat[name] = array


def _writable(key):
    """An int, or a string that cannot be mistaken for one or for the name's punctuation."""
    if isinstance(key, int) and not isinstance(key, bool):
        return True
    return isinstance(key, str) and key != "" and not key.isdigit() and not any(c in key for c in ".[]{}")


def _is_plain(value):
    if isinstance(value, (list, tuple)):
        return all(isinstance(v, (bool, int, float, str)) or backend.is_host_scalar(v) for v in value)
    return isinstance(value, (bool, int, float, str)) or backend.is_host_scalar(value)


def unflatten_state_dict(flat):
    """The inverse of flatten_state_dict: {dotted name: array} back to nested dicts and lists.

    Args:
        flat: a dict as minigrad.load returns it.
    Returns:
        the nested dict; leaves stay arrays (load_state_dict reads them).
    Raises:
        ValueError: names that do not form one nested dict (a list with a gap,
            a name used both as a value and as a container).
    """
    root = {}
    for name, value in flat.items():
        if not isinstance(name, str) or not name:
            raise ValueError(f"unflatten_state_dict: names must be non-empty strings, got {name!r}")
        parts = name.split(".")
        empty = parts[-1].endswith("{}")
        if empty:
            parts[-1] = parts[-1][:-2]
        node = root
        for depth, part in enumerate(parts):
            last = depth == len(parts) - 1
            match = _LIST_ENTRY.match(part)
            key = _key(match.group(1) if match else part)
            if match:
                items = node.setdefault(key, [])
                if not isinstance(items, list):
                    raise ValueError(f"unflatten_state_dict: {name!r} uses {key!r} as a list and as a value")
                i = int(match.group(2))
                items.extend({} for _ in range(i + 1 - len(items)))
                node, key = items, i
            if last and not empty:
                if isinstance(node, dict) and key in node or isinstance(node, list) and node[key]:
                    raise ValueError(f"unflatten_state_dict: {name!r} is both a value and a container")
                node[key] = value
            else:
                child = node[key] if isinstance(node, list) else node.setdefault(key, {})
                if not isinstance(child, dict):
                    raise ValueError(f"unflatten_state_dict: {name!r} is both a value and a container")
                node = child
    for items in _lists(root):
        if any(not item for item in items):
            raise ValueError("unflatten_state_dict: a list of dicts has a gap (an entry with no names)")
    return root


def _key(part):
    return int(part) if part.isdigit() else part


def _lists(node):
    if isinstance(node, dict):
        for v in node.values():
            yield from _lists(v)
    elif isinstance(node, list) and all(isinstance(v, dict) for v in node):
        yield node
        for v in node:
            yield from _lists(v)
