"""The guide, docs/learn/: every chapter's code runs as written, and what it points at exists.

Each chapter is Markdown with ```python cells (jupytext's "md" format, so
`make notebooks` turns it into a notebook). Here every chapter's cells run in
order in one namespace, as a notebook would run them; the asserts inside the
cells are the chapter's claims, checked. One chapter also runs as a notebook
through a real Jupyter kernel (nbclient + ipykernel, the `test` extra).

The pointers are checked too: each `path.py: name` a chapter tells the
reader to read names a file of the repository that defines `name`; each
`minigrad.dotted.name` can be imported or looked up; each
`python -m demos NAME` names a demo; each `python -m exercises check NAME`
names an exercise (once exercises/ exists).
"""

import contextlib
import importlib
import io
import os
import re
import subprocess
import sys
import time

import pytest
from threadpoolctl import threadpool_limits

from demos.__main__ import DEMOS

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LEARN = os.path.join(ROOT, "docs", "learn")
CHAPTERS = sorted(f for f in os.listdir(LEARN) if re.match(r"\d\d-.*\.md$", f))
ARTICLES = ("Sequence Modeling and RNNs: The Problem That Made Transformers Inevitable", "Limitations of RNN/LSTM")
CELL = re.compile(r"^```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def read(name):
    with open(os.path.join(LEARN, name), encoding="utf-8") as f:
        return f.read()


def cells(text):
    return CELL.findall(text)


def test_the_guide_has_its_chapters_in_order():
    assert len(CHAPTERS) >= 13
    numbers = [int(name[:2]) for name in CHAPTERS]
    assert numbers == list(range(1, len(CHAPTERS) + 1))
    index = read("README.md")
    for name in CHAPTERS:
        assert name in index, f"docs/learn/README.md does not list {name}"


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_has_the_parts_every_chapter_has(name):
    text = read(name)
    assert text.startswith(f"# {int(name[:2])}. "), "a chapter opens with its number and title"
    for heading in ("## What you will learn", "## Read, in order", "## Exercises"):
        assert heading in text, f"{name} has no '{heading}' section"
    assert cells(text), f"{name} has no code"
    if re.search(r"\barticles?\b", text, re.IGNORECASE):
        flowing = " ".join(text.split())              # titles may wrap across lines
        assert any(title in flowing for title in ARTICLES), f"{name} mentions an article without naming it"


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_points_at_code_that_exists(name):
    text = read(name)
    for path, symbol in re.findall(r"`((?:minigrad|models|tests|demos|benchmarks)/[\w/]+\.py): (\w+)`", text):
        source = os.path.join(ROOT, path)
        assert os.path.isfile(source), f"{name} points at {path}, which does not exist"
        with open(source, encoding="utf-8") as f:
            code = f.read()
        assert re.search(rf"^\s*(def|class) {symbol}\b|^{symbol}\s*=", code, re.MULTILINE), \
            f"{name} points at {path}: {symbol}, which {path} does not define"
    for dotted in re.findall(r"`(minigrad(?:\.\w+)+)`", text):      # `minigrad.nn.functional.cross_entropy`
        module, _, attribute = dotted.rpartition(".")
        try:
            found = hasattr(importlib.import_module(dotted), "__name__")
        except ImportError:
            found = hasattr(importlib.import_module(module), attribute)
        assert found, f"{name} names {dotted}, which does not exist"
    for demo in re.findall(r"python -m demos ([\w-]+)", text):
        assert demo in DEMOS, f"{name} runs `python -m demos {demo}`, which is not a demo"


def _exercise_list():
    if not os.path.isdir(os.path.join(ROOT, "exercises")):
        return None
    out = subprocess.run([sys.executable, "-m", "exercises", "list"], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    return out.stdout if out.returncode == 0 else None


def test_every_exercise_a_chapter_names_exists():
    named = {n for chapter in CHAPTERS for n in re.findall(r"python -m exercises check ([\w-]+)", read(chapter))}
    listing = _exercise_list()
    if listing is None:
        assert not named, "chapters name exercises, but there is no exercises/ package to grade them"
        return
    missing = sorted(n for n in named if not re.search(rf"\b{re.escape(n)}\b", listing))
    assert not missing, f"`python -m exercises list` does not list {missing}"


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_code_runs(name, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace = {"__name__": "__chapter__"}
    out = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out), threadpool_limits(1):
        for i, source in enumerate(cells(read(name))):
            exec(compile(source, f"{name}, cell {i + 1}", "exec"), namespace)
    seconds = time.perf_counter() - start
    assert out.getvalue().strip(), f"{name} prints nothing: its numbers come from its code"
    print(f"{name}: {seconds:.1f} s")


def test_a_chapter_runs_as_a_notebook_in_a_jupyter_kernel(monkeypatch):
    jupytext = pytest.importorskip("jupytext")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    notebook = jupytext.reads(read(CHAPTERS[0]), fmt="md")
    which = jupytext.reads("```python\nimport minigrad\nprint(minigrad.__file__)\n```", fmt="md")
    notebook.cells.append(which.cells[0])                   # which minigrad the kernel imported
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")        # the kernel inherits it, as the demos set it
    client = nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": ROOT}})
    client.execute()
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert len(code) == len(cells(read(CHAPTERS[0]))) + 1
    for c in code:
        assert not [o for o in c.outputs if o.output_type == "error"]
    printed = "".join(o.get("text", "") for o in code[-1].outputs)
    assert os.path.realpath(printed.strip()).startswith(os.path.realpath(ROOT)), \
        "the kernel imported a minigrad other than this checkout's"


DEMO_SCRIPTS = sorted(f for f in os.listdir(os.path.join(ROOT, "demos")) if f.endswith(".py")
                      and "\n# %%" in open(os.path.join(ROOT, "demos", f), encoding="utf-8").read())


def test_every_chapter_and_demo_converts_to_a_notebook():
    """What `make notebooks` does, without writing files: each chapter's cells and each demo's
    `# %%` cells become the code cells of a notebook."""
    jupytext = pytest.importorskip("jupytext")
    for name in CHAPTERS:
        notebook = jupytext.reads(read(name), fmt="md")
        assert sum(c.cell_type == "code" for c in notebook.cells) == len(cells(read(name))), name
    assert {"forward.py", "memory.py", "charlm.py"} <= set(DEMO_SCRIPTS)
    for name in DEMO_SCRIPTS:
        with open(os.path.join(ROOT, "demos", name), encoding="utf-8") as f:
            notebook = jupytext.reads(f.read(), fmt="py:percent")
        assert sum(c.cell_type == "code" for c in notebook.cells) >= 2, name
