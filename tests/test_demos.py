"""Every demo, run end to end at a tiny setting, so that none can rot; the
command line; the synthetic tasks; and the tables' and plots' plumbing."""

import math
import os
import sys

import numpy as np
import pytest

import minigrad as mg
from demos import (
    article_table, bottleneck, charlm, common, exploding, forward, memory, parallel, tasks, vanishing,
)
from demos.__main__ import DEMOS, main
from test_plots import check_plot


def pngs(folder):
    return sorted(f for f in os.listdir(folder) if f.endswith(".png")) if os.path.isdir(folder) else []


def plots(folder):
    """The PNG files in folder, each checked readable (width and dpi, tests/test_plots.py)."""
    names = pngs(folder)
    for name in names:
        check_plot(os.path.join(folder, name))
    return names


# ---- the tasks ----------------------------------------------------------------------

def test_adding_problem_has_one_marker_per_half_and_sums_them():
    x, y = tasks.adding_problem(np.random.default_rng(0), 64, 10)
    x, y = x.numpy(), y.numpy()
    assert x.shape == (64, 10, 2) and y.shape == (64, 1)
    markers = x[..., 1]
    assert np.all(markers[:, :5].sum(1) == 1) and np.all(markers[:, 5:].sum(1) == 1)
    np.testing.assert_allclose(y[:, 0], (x[..., 0] * markers).sum(1), rtol=1e-6)
    assert np.all((x[..., 0] >= 0) & (x[..., 0] < 1))


def test_adding_baseline_is_the_variance_of_the_target():
    _, y = tasks.adding_problem(np.random.default_rng(1), 20_000, 8, dtype="float64")
    assert abs(((y.numpy() - 1.0) ** 2).mean() - tasks.ADDING_BASELINE) < 0.01


def test_first_token_label_is_the_first_token_and_the_rest_is_filler():
    x, y = tasks.first_token(np.random.default_rng(2), 50, 7, vocab=8)
    tokens = x.numpy().argmax(-1)
    assert np.all(x.numpy().sum(-1) == 1)                              # one-hot
    assert np.array_equal(tokens[:, 0], y.numpy())
    assert set(np.unique(tokens[:, 0])) <= {0, 1} and np.all(tokens[:, 1:] >= 2)


# ---- each demo at a tiny setting -------------------------------------------------------

def test_forward(tmp_path):
    r = forward.run(forward.Settings(batch=2, length=3, embed=8, hidden=6), out=str(tmp_path))
    assert r["rnn"] < 1e-5 and r["lstm"] < 1e-5          # the article's RNN and LSTM are PyTorch's recurrences
    assert r["gru"] > 1e-3                                # its GRU is not (reset before the matrix)
    assert r["ssm_shapes"] == ((4, 100), (4, 100, 64))
    assert all(n > 0 for n in r["bptt_grad_norms"])


def test_vanishing(tmp_path):
    s = vanishing.Settings(length=12, batch=2, hidden=6, train_steps=2, train_length=6, train_batch=2,
                           float32_length=400)
    r = vanishing.run(s, out=str(tmp_path))
    assert r["simulation"][200][0] == 0.6 ** 200
    for stage in ("init", "trained"):
        assert set(r["measured"][stage]) == set(s.kinds)
        for norms in r["measured"][stage].values():
            assert norms.shape == (12,) and np.all(np.isfinite(norms)) and norms[0] > 0
    assert r["measured"]["init"]["rnn"][-1] < r["measured"]["init"]["rnn"][0]     # it does fade
    assert isinstance(r["float32_zeros"], int)
    assert plots(tmp_path) == ["vanishing.png"]


def test_gradient_by_distance_matches_finite_differences():
    mg.manual_seed(0)
    model = vanishing.SequenceModel("gru", 2, 4, 1).to(dtype="float64")
    x, _ = tasks.adding_problem(np.random.default_rng(0), 1, 5, dtype="float64")
    norms = vanishing.gradient_by_distance(model, x, np.random.default_rng(7))
    v = np.random.default_rng(7).standard_normal((1, 1))
    base, eps = x.numpy(), 1e-6
    numeric = np.zeros_like(base)
    for index in np.ndindex(base.shape):
        up, down = base.copy(), base.copy()
        up[index] += eps
        down[index] -= eps
        numeric[index] = ((model(mg.tensor(up)).numpy() - model(mg.tensor(down)).numpy()) * v).sum() / (2 * eps)
    expected = np.sqrt((numeric ** 2).sum(axis=(0, 2)))[::-1]
    np.testing.assert_allclose(norms, expected, rtol=1e-5, atol=1e-9)


def test_exploding(tmp_path):
    s = exploding.Settings(gains=(0.5, 3.0), lengths=(10,), gain=3.0, length=10, steps=5, hidden=8, batch=4)
    r = exploding.run(s, out=str(tmp_path))
    assert r["norms_at_init"][3.0, 10] > 10 * r["norms_at_init"][0.5, 10]
    clipped = r["runs"]["clipped"]
    assert len(clipped["loss"]) == 5 and np.all(np.isfinite(clipped["loss"]))
    assert r["runs"]["unclipped"]["grad_norm"][0] == clipped["grad_norm"][0]      # same start
    assert plots(tmp_path) == ["exploding.png"]


def test_memory(tmp_path):
    s = memory.Settings(adding_lengths=(6,), adding_kinds=("rnn", "ssm"), adding_steps=3, first_token_lengths=(4,),
                        first_token_kinds=("lstm-fb1",), first_token_steps=3, hidden=8, batch=4)
    r = memory.run(s, out=str(tmp_path))
    assert set(r["adding"]) == {("rnn", 6), ("ssm", 6)}
    assert all(np.isfinite(mse) and len(curve) == 3 for curve, mse in r["adding"].values())
    assert 0 <= r["first_token"]["lstm-fb1", 4][1] <= 1
    assert plots(tmp_path) == ["memory.png"]


def test_first_step_below():
    assert memory.first_step_below([1.0] * 30 + [0.0] * 30, 0.5, window=10) == 35
    assert memory.first_step_below([1.0] * 30, 0.5, window=10) is None


def test_forget_bias_is_set():
    from demos.nets import SequenceModel
    model = SequenceModel("lstm-fb1", 3, 5, 1)
    b_ih, b_hh = model.core.bias_ih_l0.numpy(), model.core.bias_hh_l0.numpy()
    np.testing.assert_array_equal(b_ih[5:10] + b_hh[5:10], 1.0)
    assert np.any(b_ih[:5] != 1.0)                                    # the other gates keep their init


def test_bottleneck(tmp_path):
    s = bottleneck.Settings(min_length=2, max_length=3, eval_lengths=(2, 3), embed=4, hidden=8, steps=3, batch=4)
    r = bottleneck.run(s, out=str(tmp_path))
    for name in ("fixed vector", "attention"):
        for L in (2, 3):
            symbols, sequences = r[name][L]
            assert 0 <= sequences <= symbols <= 1
    assert plots(tmp_path) == ["bottleneck.png"]


def test_bottleneck_reverse_targets():
    s = bottleneck.Settings(task="reverse")
    src, tgt_in, tgt = bottleneck.make_batch(np.random.default_rng(0), s, 5, 3)
    assert np.array_equal(tgt.numpy(), src.numpy()[:, ::-1])
    assert np.all(tgt_in.numpy()[:, 0] == bottleneck.START)
    assert np.array_equal(tgt_in.numpy()[:, 1:], tgt.numpy()[:, :-1])


def test_parallel(tmp_path):
    s = parallel.Settings(lengths=(8, 16), width=4, d_state=2, repeats=1, large_state=(2, 4, 3), large_lengths=(8,),
                          d_model=8, generate=(1, 5))
    r = parallel.run(s, out=str(tmp_path))
    assert set(r["timings"]) == {8, 16} and all(t > 0 for ts in r["timings"].values() for t in ts)
    assert set(r["large_state"]) == {8} and len(r["large_state"][8]) == 3 and all(t > 0 for t in r["large_state"][8])
    (ssm1, kv1, _, _), (ssm5, kv5, _, _) = r["generation"][1], r["generation"][5]
    assert ssm1 == ssm5                         # the SSM state does not grow
    assert kv5 == 5 * kv1                       # the KV cache grows by one entry per token
    assert r["step_agrees"] < 1e-5
    assert plots(tmp_path) == ["parallel.png"]


def test_charlm(tmp_path, capsys):
    s = charlm.Settings(steps=2, batch=2, window=8, hidden=8, temperatures=(1.0,), sample_length=5, prompt="The ")
    r = charlm.run(s, out=str(tmp_path))
    for kind in s.kinds:
        assert len(r[kind]["loss"]) == 2 and math.isfinite(r[kind]["val"])
    printed = capsys.readouterr().out
    assert printed.count("τ = 1.0: The ") == 3              # a sample per model, continuing the prompt
    assert plots(tmp_path) == ["charlm.png"]


def test_docstring_corpus_is_english_text():
    text = charlm.docstring_corpus()
    assert len(text) > 100_000 and text.isascii()
    assert text.count(" the ") > 1000


def test_article_table(tmp_path):
    s = article_table.Settings(lengths=(5, 20), steps=3, batch=4, input_size=3, hidden=8, real_task_lengths=(4,))
    r = article_table.run(s, out=str(tmp_path))
    assert set(r["article"]) == {(k, L) for k in ("rnn", "lstm", "gru") for L in (5, 20)}
    assert set(r["real"]) == {("rnn", 4), ("lstm", 4), ("gru", 4)}
    assert plots(tmp_path) == ["article_table.png"]


# ---- the command line and the plumbing ---------------------------------------------------

def test_every_demo_is_registered_and_readable_as_cells():
    assert list(DEMOS) == ["forward", "vanishing", "exploding", "memory", "bottleneck", "parallel", "charlm",
                           "article-table"]
    for demo in DEMOS.values():
        assert callable(demo.run) and isinstance(demo.FULL, demo.Settings)
        with open(demo.__file__) as f:
            assert f.read().count("\n# %%") >= 2


def test_cli_runs_one_demo(tmp_path, capsys):
    assert main(["forward", "--seed", "3", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "forward  (seed 3)" in out and "The article's examples on minigrad" in out


def test_cli_rejects_an_unknown_demo(capsys):
    with pytest.raises(SystemExit):
        main(["nonesuch"])
    assert "unknown demo nonesuch" in capsys.readouterr().err


def test_without_matplotlib_tables_still_print(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)          # makes `import matplotlib` fail
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    s = exploding.Settings(gains=(1.0,), lengths=(5,), length=5, steps=2, hidden=4, batch=2)
    exploding.run(s, out=str(tmp_path))
    out = capsys.readouterr().out
    assert "‖∂loss/∂θ‖ at initialisation" in out
    assert "no plots: matplotlib is not installed" in out and 'pip install -e ".[demos]"' in out
    assert pngs(tmp_path) == []


def test_table_and_fmt(capsys):
    common.table(("a", "bb"), [(1, "x"), ("long", 2.5)], title="T")
    lines = capsys.readouterr().out.splitlines()
    assert lines[1:] == ["T", "   a   bb", "----  ---", "   1    x", "long  2.5"]
    assert common.fmt(0.5) == "0.500" and common.fmt(1e-9) == "1.00e-09" and common.fmt(0) == "0"
    assert common.fmt(float("nan")) == "nan"
