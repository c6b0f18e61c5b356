"""The benchmark harness: bad settings fail clearly, a tiny run works, JSON round-trips.

No timing is asserted here: the numbers depend on the machine and its load.
"""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from benchmarks import recurrent_cases, report, scan_cases
from benchmarks.__main__ import all_cases, main, select
from benchmarks.harness import QUICK, Case, Settings, _peak_bytes, measure

ROOT = Path(__file__).resolve().parents[1]
TINY = ["engine/chain300-n16/numpy-forward", "engine/chain300-n16/forward", "rnn/B32-T100-I64-H128/floor"]


def run_main(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_unknown_case_name_exits_2_and_names_it(capsys):
    code, out, err = run_main(capsys, "engine", "lstm/B9-nothing")
    assert code == 2
    assert "unknown case name(s): lstm/B9-nothing" in err
    assert "--list" in err


def test_bad_threads_and_missing_json_directory_exit_2(capsys, tmp_path):
    code, _, err = run_main(capsys, "engine", "--threads", "0")
    assert code == 2 and "--threads must be at least 1, got 0" in err
    code, _, err = run_main(capsys, "engine", "--json", str(tmp_path / "no" / "such" / "dir.json"))
    assert code == 2 and "directory does not exist" in err


@pytest.mark.parametrize("content, message", [
    (None, "cannot read"),
    ("not json", "is not JSON"),
    ('{"results": []}', "is not a file written by"),
])
def test_bad_compare_file_exits_2(capsys, tmp_path, content, message):
    path = tmp_path / "old.json"
    if content is not None:
        path.write_text(content)
    code, out, err = run_main(capsys, TINY[0], "--quick", "--compare", str(path))
    assert code == 2
    assert message in err
    assert "median" not in out                      # failed before running anything


def test_missing_torch_skips_its_cases_with_a_note(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)   # import torch now raises ImportError
    chosen, notes = select(all_cases(), ["lstm/B32-T100-I64-H128"])
    names = [c.name for c in chosen]
    assert "lstm/B32-T100-I64-H128/floor" in names
    assert "lstm/B32-T100-I64-H128/torch" not in names
    assert notes == ["skipped lstm/B32-T100-I64-H128/torch: PyTorch is not installed (pip install torch); "
                     "it is only a reference here"]


def test_missing_torch_is_an_error_when_only_torch_cases_are_asked_for(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "torch", None)
    code, out, err = run_main(capsys, "*/torch", "--quick")
    assert code == 2
    assert "'*/torch' needs torch: PyTorch is not installed" in err


def test_missing_threadpoolctl_exits_2_with_the_extra_to_install(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)
    code, out, err = run_main(capsys, TINY[0], "--quick")
    assert code == 2
    assert "threadpoolctl is not installed" in err and ".[bench]" in err


def test_selection_by_name_prefix_and_pattern():
    cases = all_cases()
    names = [c.name for c in select(cases, ["engine/chain300-n16/forward"])[0]]
    assert names == ["engine/chain300-n16/forward"]          # a full name, not its prefix siblings
    names = [c.name for c in select(cases, ["gru/B32-T100-I64-H128"])[0]]
    assert all(n.startswith("gru/B32-T100-I64-H128/") for n in names)
    assert {n.rsplit("/", 1)[1] for n in names} >= {"manual", "autograd", "floor"}
    names = [c.name for c in select(cases, ["*/floor"])[0]]
    assert len(names) == 6 and all(n.endswith("/floor") for n in names)


def test_case_names_are_unique_and_ratios_point_at_cases():
    cases = all_cases()
    names = [c.name for c in cases]
    assert len(names) == len(set(names))
    for c in cases:
        for _, other in c.ratios:
            assert other in names, (c.name, other)


@pytest.fixture
def keep_torch_threads():
    """The command line sets PyTorch's thread count; give other tests theirs back."""
    try:
        import torch
    except ImportError:
        yield
        return
    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


def test_a_tiny_run_prints_the_table_and_round_trips_through_json(capsys, tmp_path, keep_torch_threads):
    path = tmp_path / "run.json"
    code, out, err = run_main(capsys, *TINY, "--quick", "--threads", "1", "--json", str(path))
    assert code == 0, err
    assert "BLAS: " in out and "threads" in out
    for name in TINY:
        assert name in out
    assert "x numpy" in out                           # the forward's ratio to plain NumPy
    assert "us/op" in out

    saved = json.loads(path.read_text())
    assert saved["format"] == report.FORMAT
    assert [r["name"] for r in saved["results"]] == TINY
    for r in saved["results"]:
        assert r["kind"] == "time" and QUICK.min_repeats <= r["repeats"] <= QUICK.max_repeats
        assert 0 < r["min_s"] <= r["median_s"] <= r["max_s"]
    meta = saved["meta"]
    assert meta["threads"] == 1 and [b["threads"] for b in meta["blas"]] == [1] * len(meta["blas"])
    if meta["torch"]:
        assert meta["torch_threads"] == 1

    code, out, err = run_main(capsys, TINY[0], "--quick", "--compare", str(path))
    assert code == 0, err
    assert "new/old" in out
    line = next(s for s in out.splitlines() if s.startswith(TINY[0]) and s.endswith("x"))
    assert float(line.split()[-1][:-1]) > 0


def test_compare_divides_new_by_old_and_marks_new_cases():
    old = {"meta": {"date": "then", "command": "python -m benchmarks"},
           "results": [{"name": "a", "kind": "time", "median_s": 2.0},
                       {"name": "m", "kind": "memory", "peak_bytes": 2 ** 20}]}
    new = [{"name": "a", "kind": "time", "median_s": 3.0},
           {"name": "m", "kind": "memory", "peak_bytes": 2 ** 21},
           {"name": "b", "kind": "time", "median_s": 1.0}]
    text = report.compare(new, old)
    assert "2.00 s" in text and "3.00 s" in text and "1.50x" in text
    assert "1.0 MiB" in text and "2.0 MiB" in text and "2.00x" in text
    assert "(not in the old run)" in text


def test_peak_memory_sees_numpy_allocations():
    def step():
        a = np.ones(2 ** 21, dtype=np.float32)        # 8 MiB, freed on return
        return float(a[0])
    peak = _peak_bytes(step)
    assert 2 ** 23 <= peak < 2 ** 23 + 2 ** 20


def test_measure_takes_the_median_of_the_step_times():
    times = iter([9.0, 9.0, 1.0, 3.0, 2.0])           # two warm-up calls, then three repeats

    def setup():
        return lambda: next(times)
    result, = measure([Case("x", setup)], Settings(warmup=2, min_repeats=3, max_repeats=3, budget=0))
    assert result["median_s"] == 2.0 and result["min_s"] == 1.0 and result["max_s"] == 3.0
    assert result["repeats"] == 3


def test_cases_of_a_group_take_turns_and_stop_on_budget():
    calls = []

    def setup(name, seconds):
        def step():
            calls.append(name)
            return seconds
        return lambda: step
    a, b = Case("g/a", setup("a", 1.0)), Case("g/b", setup("b", 0.5))
    ra, rb = measure([a, b], Settings(warmup=1, min_repeats=2, max_repeats=10, budget=2.0))
    # warm-ups a, b; then rounds of a, b until 2 rounds and 2 s per case (4 s) are done: 3 rounds of 1.5 s
    assert calls == ["a", "b"] + ["a", "b"] * 3
    assert ra["repeats"] == rb["repeats"] == 3 and ra["median_s"] == 1.0 and rb["median_s"] == 0.5


def test_a_failing_case_is_reported_and_the_others_still_run(monkeypatch, capsys):
    def broken():
        raise RuntimeError("lstm: expected input of shape (T, B, 64), got (T, B, 65)")

    def fine():
        return lambda: 0.5
    import benchmarks.__main__ as cli
    monkeypatch.setattr(cli, "all_cases", lambda: [Case("t/broken", broken), Case("t/fine", fine)])
    code, out, err = run_main(capsys, "--quick")
    assert code == 1
    assert "FAILED" in out and "RuntimeError: lstm: expected input of shape (T, B, 64)" in out
    assert "t/fine" in out and "500.00 ms" in out
    assert "1 case(s) failed: t/broken" in err
    assert "failed: t/broken" in err


def test_memory_cases_get_their_own_table_and_markdown_renders(monkeypatch, capsys):
    def allocate():
        def step():
            a = np.ones(2 ** 21, dtype=np.float32)   # 8 MiB
            return float(a[0])
        return step
    import benchmarks.__main__ as cli
    monkeypatch.setattr(cli, "all_cases", lambda: [Case("m/eight", allocate, kind="memory", note="8 MiB array"),
                                                   Case("t/half", lambda: (lambda: 0.5))])
    code, out, err = run_main(capsys, "--quick", "--markdown")
    assert code == 0, err
    assert "| t/half | 500.00 ms | 2 |  |  |" in out
    assert "peak memory of one step, above what existed before it (tracemalloc):" in out
    row = next(s for s in out.splitlines() if s.startswith("| m/eight |"))
    assert 8.0 <= float(row.split("|")[2].split()[0]) < 9.0 and "8 MiB array" in row


def test_command_line_entry_point():
    done = subprocess.run([sys.executable, "-m", "benchmarks", "--list"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0
    assert "lstm/B32-T100-I64-H128/manual" in done.stdout.splitlines()
    done = subprocess.run([sys.executable, "-m", "benchmarks", "nope"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 2
    assert "benchmarks: error: unknown case name(s): nope" in done.stderr


# ---- every case's setup works against the current models, at a tiny size ----

@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("bptt", ["manual", "autograd"])
def test_recurrent_training_step_runs_at_a_tiny_size(kind, bptt):
    step = recurrent_cases.minigrad_step(kind, bptt, 2, 3, 4, 5)
    assert step() > 0


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_torch_and_floor_steps_run_at_a_tiny_size(kind):
    assert recurrent_cases.floor_step(kind, 2, 3, 4, 5)() > 0
    pytest.importorskip("torch")
    assert recurrent_cases.torch_step(kind, 2, 3, 4, 5)() > 0


@pytest.mark.parametrize("method", scan_cases.METHODS)
def test_scan_steps_run_at_a_tiny_size(method):
    assert scan_cases.scan_step(method, 1, 5, 3, 2)() > 0


@pytest.mark.parametrize("method", scan_cases.BLOCK_METHODS)
def test_mamba_block_steps_run_at_a_tiny_size(method):
    assert scan_cases.block_step(method, 1, 5, 4)() > 0


# ---- an engine change the profile asked for ---------------------------------

def test_sigmoid_without_where_is_exact_in_both_tails_and_keeps_float32(device):
    # The profile showed sigmoid's xp.where costing several times the rest of the
    # op; the where-free form must keep its stability and relative precision.
    import minigrad as mg
    x64 = np.array([-1000.0, -88.0, -30.0, -1.5, -1e-3, 0.0, 1e-3, 1.5, 30.0, 88.0, 1000.0])
    expected = np.exp(-np.logaddexp(0.0, -x64))                       # 1 / (1 + e^-x) without overflow
    for dtype, rtol in (("float64", 1e-14), ("float32", 1e-6)):
        with np.errstate(over="raise", invalid="raise", divide="raise"):    # underflow to 0 is fine
            y = mg.sigmoid(mg.tensor(x64, dtype=dtype, device=device))
        assert mg.backend.dtype_name(y.dtype) == dtype
        got = y.numpy()
        tiny = expected < np.finfo(dtype).tiny                        # underflows in this dtype
        np.testing.assert_allclose(got[~tiny], expected[~tiny], rtol=rtol, atol=0)
        assert np.all(got[tiny] < 10 * np.finfo(dtype).tiny)
