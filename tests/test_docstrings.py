"""The API reference is the docstrings: every public name has one, and says what its arguments are.

The public API is every public name of minigrad, minigrad.nn,
minigrad.nn.functional, minigrad.optim, minigrad.models, minigrad.data and
minigrad.backend (the seam a new backend is written against), and every public
method and property of their public classes (inherited ones included, wherever
they are defined in minigrad). A function, class or method that takes
arguments documents them: an `Args:` section (or `Arguments:`, `Parameters:`),
or a docstring that names every argument.

Each test fails with the list of names that break its rule, and the file
each is defined in.
"""

import dataclasses
import inspect
import os
import re

import pytest

import minigrad
import minigrad.backend
import minigrad.data
import minigrad.models
import minigrad.nn
import minigrad.nn.functional
import minigrad.optim

MODULES = (minigrad, minigrad.nn, minigrad.nn.functional, minigrad.optim, minigrad.models, minigrad.data,
           minigrad.backend)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECTION = re.compile(r"^\s*(Args|Arguments|Parameters)\s*:", re.MULTILINE)


def _public_names(module):
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in vars(module) if not n.startswith("_")]
    return names


def _ours(obj):
    """Defined in minigrad (not numpy's, not the standard library's)."""
    return (getattr(obj, "__module__", "") or "").startswith("minigrad")


def _where(obj):
    """The file an object is defined in, relative to the repository (models/ for minigrad/models/)."""
    obj = inspect.unwrap(getattr(obj, "fget", obj))
    try:
        path = os.path.realpath(inspect.getsourcefile(obj))
    except TypeError:
        return "?"
    return os.path.relpath(path, os.path.realpath(ROOT))


def public_api():
    """(qualified name, object, kind) for every public function, class, method and property, once each."""
    seen, api = set(), []

    def add(name, obj, kind):
        key = id(obj)
        if key not in seen:
            seen.add(key)
            api.append((name, obj, kind))

    for module in MODULES:
        add(module.__name__, module, "module")
        for name in _public_names(module):
            obj = getattr(module, name)
            qualified = f"{module.__name__}.{name}"
            if inspect.ismodule(obj):
                if _ours(obj) or obj.__name__.startswith("minigrad"):
                    add(obj.__name__, obj, "module")
            elif inspect.isclass(obj) and _ours(obj):
                add(qualified, obj, "class")
                for attr in dir(obj):
                    if attr.startswith("_"):
                        continue
                    owner = next((c for c in obj.__mro__ if attr in vars(c)), None)
                    if owner is None or not _ours(owner):
                        continue
                    member = vars(owner)[attr]
                    if isinstance(member, (staticmethod, classmethod)):
                        member = member.__func__
                    if isinstance(member, property):
                        add(f"{owner.__module__}.{owner.__qualname__}.{attr}", member, "property")
                    elif inspect.isfunction(member):
                        add(f"{owner.__module__}.{owner.__qualname__}.{attr}", member, "method")
            elif callable(obj) and _ours(obj):
                add(qualified, obj, "function")
    return api


def _doc(obj, kind):
    if kind == "property":
        return obj.fget.__doc__ if obj.fget is not None else None
    doc = obj.__doc__
    if kind == "class" and dataclasses.is_dataclass(obj) and doc and doc.startswith(obj.__name__ + "("):
        return None                        # the signature dataclass writes is not a docstring
    return doc


def _parameters(obj, kind):
    """The argument names a reader passes: no self/cls, no *args/**kwargs."""
    if kind == "class":
        obj = obj.__init__
        if obj is object.__init__:
            return []
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        return []
    names = [p.name for p in signature.parameters.values()
             if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    return [n for n in names if n not in ("self", "cls", "ctx")]


def _documents_arguments(obj, kind, names):
    docs = [_doc(obj, kind) or ""]
    if kind == "class" and obj.__init__.__doc__ and _ours(obj.__init__):
        docs.append(obj.__init__.__doc__)
    text = "\n".join(docs)
    if SECTION.search(text):
        return True
    return all(re.search(rf"\b{re.escape(n)}\b", text) for n in names)


def test_the_public_api_is_found():
    api = {name for name, _, _ in public_api()}
    for name in ("minigrad.Tensor", "minigrad.gradcheck", "minigrad.nn.Linear", "minigrad.nn.functional.cross_entropy",
                 "minigrad.optim.Adam", "minigrad.models.Mamba", "minigrad.models.selective_scan",
                 "minigrad.nn.module.Module.state_dict", "minigrad.tensor.Tensor.backward"):
        assert name in api
    assert len(api) > 200


def test_every_public_name_has_a_docstring():
    missing = [f"{name} ({_where(obj)})" for name, obj, kind in public_api() if not (_doc(obj, kind) or "").strip()]
    assert not missing, f"{len(missing)} public names have no docstring:\n  " + "\n  ".join(missing)


def test_every_function_and_class_with_arguments_documents_them():
    undocumented = []
    for name, obj, kind in public_api():
        if kind in ("module", "property") or not (_doc(obj, kind) or "").strip():
            continue                       # properties take no arguments; the test above reports a missing docstring
        names = _parameters(obj, kind)
        if names and not _documents_arguments(obj, kind, names):
            undocumented.append(f"{name}({', '.join(names)}) ({_where(obj)})")
    assert not undocumented, (f"{len(undocumented)} public callables do not document their arguments "
                              "(an Args: section, or a docstring naming each):\n  " + "\n  ".join(undocumented))


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_every_listed_module_says_what_is_in_it(module):
    assert module.__doc__ and len(module.__doc__.strip().splitlines()) > 2
