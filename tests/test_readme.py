"""The front page keeps its promises: its code runs as written, its numbers are
the generated pages' numbers, its links and its map of the repository are true.

The Python blocks of README.md and docs/engine.md are taken from the files
themselves, so an edit that breaks one fails here.
"""

import contextlib
import io
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def python_blocks(text):
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def section(text, heading):
    """The text under `## heading`, up to the next `## `."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, flags=re.S | re.M)
    assert match, f"README.md has no '## {heading}' section"
    return match.group(1)


def run(code, tmp_path, monkeypatch):
    """Execute a block in a fresh namespace in an empty folder; returns what it printed."""
    monkeypatch.chdir(tmp_path)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "<README block>", "exec"), {"__name__": "__readme__"})
    return printed.getvalue()


BLOCKS = [("README.md", i, code) for i, code in enumerate(python_blocks(README))] + \
         [("docs/engine.md", i, code) for i, code in enumerate(python_blocks((ROOT / "docs/engine.md").read_text()))]


def test_the_front_page_has_its_examples():
    names = [code for _, _, code in BLOCKS]
    assert len(python_blocks(README)) == 3                      # ten lines, the MLP, the LSTM
    assert any("class MLP(nn.Module)" in code for code in names)
    assert any("LSTM(" in code and "clip_grad_norm_" in code for code in names)
    assert any("class Cube(mg.Function)" in code for code in names)


@pytest.mark.parametrize("where, index, code", BLOCKS, ids=[f"{w}-{i}" for w, i, _ in BLOCKS])
def test_each_python_block_runs_as_written(where, index, code, tmp_path, monkeypatch):
    printed = run(code, tmp_path, monkeypatch)
    losses = [float(x) for x in re.findall(r"^step \d+: loss ([0-9.e+-]+)$", printed, flags=re.M)]
    if "for step in range" in code:                             # a training loop: it must learn
        assert len(losses) >= 3, printed
        assert losses[-1] < losses[0] / 10, f"{where} block {index} did not train: {losses}"
    if "class Cube" in code:
        assert printed.splitlines()[0] == "True"                # gradcheck agrees


def test_the_set_up_commands_and_length():
    assert "make demo" in README and "make test" in README
    assert len(README.splitlines()) <= 300


def test_local_links_point_at_files_that_exist():
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#]+)\)", doc.read_text()):
            if "://" in target:
                continue
            assert (doc.parent / target).exists(), f"{doc.relative_to(ROOT)} links to {target}, which is missing"


NUMBER = r"\d[\d,]*\.\d+×?|\d+×"


@pytest.mark.parametrize("heading, page", [("Demos", "docs/demos.md"), ("Benchmarks", "docs/benchmarks.md")])
def test_the_numbers_quoted_come_from_the_generated_page(heading, page):
    generated = (ROOT / page).read_text()
    quoted = re.findall(NUMBER, section(README, heading))
    assert quoted, f"the {heading} section quotes no numbers"
    absent = [n for n in quoted if n not in generated]
    assert not absent, f"README's {heading} quotes {absent}, which {page} does not contain"


def test_nothing_imports_the_models_by_their_old_top_level_name():
    pattern = re.compile(r"^\s*(>>> )?(" + "import" + r" models\b|" + "from" + r" models\b)", re.M)
    files = [ROOT / "README.md", *(ROOT / "docs").rglob("*.md"), *(ROOT / "demos").rglob("*.py"),
             *(ROOT / "benchmarks").rglob("*.py"), *(ROOT / "tests").rglob("*.py"), *(ROOT / "models").rglob("*.py"),
             *(ROOT / "exercises").rglob("*.py")]
    offenders = [str(f.relative_to(ROOT)) for f in files if pattern.search(f.read_text())]
    assert not offenders, f"these import the models as a top-level package (use minigrad.models): {offenders}"


def test_the_repository_map_names_what_is_there():
    layout = section(README, "The repository")
    for module in sorted((ROOT / "minigrad").glob("*.py")):
        if module.name != "__init__.py":
            assert module.name in layout, f"README's layout does not mention minigrad/{module.name}"
    for package in ("ops", "nn", "optim"):
        assert (ROOT / "minigrad" / package / "__init__.py").exists()
        assert f"  {package}/ " in layout
    for model_file in sorted((ROOT / "models").glob("*.py")):
        if model_file.stem != "__init__":
            assert model_file.name in layout, f"README's layout does not mention models/{model_file.name}"
    for folder in re.findall(r"^(\w+)/ ", layout, flags=re.M):
        assert (ROOT / folder).is_dir(), f"README's layout lists {folder}/, which is not in the repository"
