"""Batches and progress: every row once per pass, seeded shuffles, drop_last,
Tensors kept on their device, and a progress bar that is silent off a terminal."""

import io
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from minigrad.data import Batches, progress


def test_batches_in_order_cover_every_row_once():
    X, y = np.arange(20).reshape(10, 2), np.arange(10)
    batches = list(Batches((X, y), batch_size=4))
    assert len(batches) == len(Batches((X, y), 4)) == 3
    assert [b[1].tolist() for b in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    np.testing.assert_array_equal(np.concatenate([b[0] for b in batches]), X)


def test_drop_last():
    batches = list(Batches((np.arange(10),), batch_size=4, drop_last=True))
    assert len(batches) == len(Batches((np.arange(10),), 4, drop_last=True)) == 2
    assert all(len(b[0]) == 4 for b in batches)


def test_shuffle_is_a_permutation_reproducible_by_seed_and_new_each_epoch():
    X, y = np.arange(30).reshape(15, 2), np.arange(15)
    a = Batches((X, y), batch_size=4, shuffle=True, seed=3)
    epoch1 = [b[1] for b in a]
    epoch2 = [b[1] for b in a]
    assert sorted(np.concatenate(epoch1).tolist()) == list(range(15))
    assert not np.array_equal(np.concatenate(epoch1), np.concatenate(epoch2))
    for xb, yb in a:
        np.testing.assert_array_equal(xb, X[yb])                  # rows stay paired
    again = Batches((X, y), batch_size=4, shuffle=True, seed=3)
    assert all(np.array_equal(p, q) for p, q in zip(epoch1, [b[1] for b in again]))


def test_shuffle_without_a_seed_follows_manual_seed():
    mg.manual_seed(5)
    first = np.concatenate([b[0] for b in Batches((np.arange(12),), 5, shuffle=True)])
    mg.manual_seed(5)
    second = np.concatenate([b[0] for b in Batches((np.arange(12),), 5, shuffle=True)])
    np.testing.assert_array_equal(first, second)


def test_tensors_are_batched_on_their_device(device):
    X = mg.tensor(np.arange(12.0).reshape(6, 2), device=device)
    y = mg.tensor(np.arange(6), device=device)
    for xb, yb in Batches((X, y), batch_size=4, shuffle=True, seed=0):
        assert isinstance(xb, mg.Tensor) and xb.device == X.device
        np.testing.assert_array_equal(xb.numpy(), np.arange(12.0).reshape(6, 2)[yb.numpy()])


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match=r"Batches: every array needs the same first-axis length, got shapes "
                                         r"\[\(3,\), \(4,\)\]"):
        Batches((np.ones(3), np.ones(4)), 2)
    with pytest.raises(TypeError, match="Batches: expected NumPy arrays or Tensors, got list"):
        Batches(([1, 2, 3],), 2)
    with pytest.raises(ValueError, match="Batches: batch_size must be a positive integer, got 0"):
        Batches((np.ones(3),), 0)


def test_progress_is_silent_off_a_terminal(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    bar = progress(range(5), desc="train")
    assert list(bar) == [0, 1, 2, 3, 4] and len(bar) == 5
    bar.set_postfix(loss=0.1)
    bar.close()
    assert sys.stdout.getvalue() == ""


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_draws_a_bar_on_a_terminal():
    pytest.importorskip("tqdm")
    out = _Terminal()
    saved, sys.stdout = sys.stdout, out
    try:
        bar = progress(range(3), desc="epoch")
        assert list(bar) == [0, 1, 2]
        bar.close()
    finally:
        sys.stdout = saved
    assert "epoch" in out.getvalue() and "3/3" in out.getvalue()


def test_progress_is_silent_without_tqdm(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)            # import tqdm now raises ImportError
    out = _Terminal()
    monkeypatch.setattr(sys, "stdout", out)
    assert list(progress(range(3))) == [0, 1, 2]
    assert out.getvalue() == ""


@given(n=st.integers(1, 40), batch_size=st.integers(1, 12), shuffle=st.booleans(), drop_last=st.booleans(),
       seed=st.integers(0, 2 ** 16))
def test_every_row_at_most_once_and_all_of_them_unless_dropped(n, batch_size, shuffle, drop_last, seed):
    batches = Batches((np.arange(n),), batch_size, shuffle=shuffle, seed=seed, drop_last=drop_last)
    seen = [b[0] for b in batches]
    assert len(seen) == len(batches)
    rows = np.concatenate(seen) if seen else np.array([], dtype=int)
    assert len(set(rows.tolist())) == len(rows)
    assert all(len(b) == batch_size for b in seen[:-1])
    assert len(rows) == (n - n % batch_size if drop_last else n)
