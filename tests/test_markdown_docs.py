"""The Markdown pages written by a command: docs/demos.md (`python -m demos --markdown`)
and docs/benchmarks.md (`python -m benchmarks --output`), from small runs."""

import re
from pathlib import Path

import pytest

from benchmarks import report
from benchmarks.__main__ import main as benchmarks_main
from demos import exploding, forward
from demos.__main__ import main as demos_main
from demos.__main__ import page
from test_plots import check_plot

ROOT = Path(__file__).resolve().parents[1]
TINY = ["engine/chain300-n16/numpy-forward", "engine/chain300-n16/forward", "rnn/B32-T100-I64-H128/floor"]


def test_benchmarks_output_writes_the_run_with_its_commit_machine_and_sections(tmp_path, capsys):
    path = tmp_path / "benchmarks.md"
    assert benchmarks_main([*TINY, "--quick", "--threads", "1", "--output", str(path)]) == 0
    text = path.read_text()
    assert text.startswith("# Benchmarks\n")
    assert f"Written by `python -m benchmarks {' '.join(TINY)} --quick --threads 1 --output {path}`" in text
    assert re.search(r"^- commit: `([0-9a-f]{7,}|unknown)", text, re.M)
    for fact in ("- machine: ", " cores (", "- BLAS: ", " at 1 thread(s)", "- python ", "numpy ", "- load average: ",
                 "`--quick`: few repeats"):
        assert fact in text
    assert "## The engine's cost per op" in text and "## RNN, LSTM and GRU: one training step" in text
    assert "## The selective scan" not in text                  # no case of it ran
    assert "| engine | numpy-forward | forward | forward / numpy |" in text
    row = next(line for line in text.splitlines() if line.startswith("| chain300-n16 |"))
    assert row.count("us/op") == 2 and row.endswith("× |")
    assert "| rnn | floor |" in text
    assert f"wrote {path}" in capsys.readouterr().out


def test_benchmarks_output_to_a_missing_folder_exits_2(tmp_path, capsys):
    assert benchmarks_main([TINY[0], "--quick", "--output", str(tmp_path / "no" / "b.md")]) == 2
    assert "--output" in capsys.readouterr().err


def test_pivot_puts_sizes_in_rows_variants_in_columns_and_divides_medians():
    results = [{"name": "lstm/B1/manual", "kind": "time", "median_s": 0.002, "ratios": [["torch", "lstm/B1/torch"]]},
               {"name": "lstm/B1/torch", "kind": "time", "median_s": 0.0005, "ratios": []},
               {"name": "lstm/B2/manual", "kind": "error", "error": "RuntimeError: no"},
               {"name": "lstm/B2/torch", "kind": "time", "median_s": 1.5, "ratios": []}]
    table = report.pivot(results, {r["name"]: r for r in results}).splitlines()
    assert table[0] == "| lstm | manual | torch | manual / torch |"
    assert table[2] == "| B1 | 2.00 ms | 500.00 us | 4× |"
    assert table[3] == "| B2 | FAILED | 1.50 s |  |"


def test_demos_markdown_writes_what_the_run_printed_with_its_commit_and_machine(tmp_path, capsys):
    path = tmp_path / "demos.md"
    assert demos_main(["forward", "--out", str(tmp_path / "figures"), "--markdown", str(path)]) == 0
    text = path.read_text()
    assert text.startswith("# The demos")
    assert f"Written by `python -m demos forward --out {tmp_path / 'figures'} --markdown {path}`" in text
    assert re.search(r"^- commit: `([0-9a-f]{7,}|unknown)", text, re.M)
    for fact in ("- machine: ", " cores", "numpy ", "BLAS: ", "- threads: ", "for 1 demo(s)"):
        assert fact in text
    assert "## " + forward.__doc__.splitlines()[0] in text
    assert "```text\n" in text and "The article's examples on minigrad" in text
    assert "=" * 78 not in text                                 # the terminal's banners stay out
    assert f"wrote {path}" in capsys.readouterr().out


def test_demos_page_links_each_plot_relative_to_the_page(tmp_path):
    printed = "a table\n\nplot: docs/figures/exploding.png\n"
    text = page("python -m demos exploding", "abc1234", [("exploding", exploding, printed, 2.5)], "docs", 2.5)
    assert "![exploding](figures/exploding.png)" in text
    assert "Ran in 2.5 s:" in text and "- commit: `abc1234`" in text


def test_the_committed_pages_were_written_by_their_commands():
    demos, benchmarks = (ROOT / "docs" / "demos.md").read_text(), (ROOT / "docs" / "benchmarks.md").read_text()
    assert "Written by `python -m demos " in demos and "--markdown" in demos
    assert "Written by `python -m benchmarks " in benchmarks and "--output docs/benchmarks.md" in benchmarks
    for name in ("forward", "vanishing", "exploding", "memory", "bottleneck", "parallel", "charlm", "article-table"):
        assert f"## {name} — " in demos
    for title in ("The engine's cost per op", "RNN, LSTM and GRU: one training step",
                  "The selective scan and a Mamba block"):
        assert f"## {title}" in benchmarks


TOUR_PLOTS = ["article_table", "bottleneck", "charlm", "exploding", "memory", "parallel", "vanishing"]


@pytest.mark.parametrize("name", TOUR_PLOTS)
def test_the_tours_figures_in_docs_are_readable(name):
    check_plot(ROOT / "docs" / "figures" / f"{name}.png")


def test_docs_figures_are_exactly_the_tours_plots_and_the_page_shows_each():
    assert sorted(p.stem for p in (ROOT / "docs" / "figures").glob("*.png")) == TOUR_PLOTS
    demos = (ROOT / "docs" / "demos.md").read_text()
    for name in TOUR_PLOTS:
        assert f"(figures/{name}.png)" in demos


def test_tee_keeps_a_copy_and_answers_what_a_progress_bar_asks(capsys):
    import sys

    from demos.common import Tee
    from minigrad.data import progress
    tee = Tee(sys.stdout)
    tee.write("one ")
    tee.write("two\n")
    assert tee.text() == "one two\n" and tee.isatty() is sys.stdout.isatty()
    from contextlib import redirect_stdout
    with redirect_stdout(tee):
        assert list(progress(range(3))) == [0, 1, 2]
    assert capsys.readouterr().out.startswith("one two\n")


def test_demos_markdown_refuses_a_demo_name_or_a_missing_folder_as_its_path(tmp_path, capsys):
    with pytest.raises(SystemExit):
        demos_main(["--markdown", "forward"])
    assert "--markdown forward: expected a path ending in .md" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        demos_main(["forward", "--markdown", str(tmp_path / "no" / "demos.md")])
    assert "its directory does not exist" in capsys.readouterr().err
