"""Checkpoints: .npz without pickles, bit-for-bit round trips, atomic writes,
and bad checkpoints that raise and leave the model as it was."""

import os
import zipfile

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn


def _model(device="cpu"):
    return nn.Sequential(nn.Embedding(6, 4), nn.Linear(4, 4), nn.RMSNorm(4), nn.Linear(4, 3, bias=False)).to(device)


def _snapshot(m):
    return {n: p.numpy().copy() for n, p in m.named_parameters()}


def test_save_load_save_is_bit_for_bit(tmp_path, device):
    mg.manual_seed(0)
    model = _model(device)
    first, second = tmp_path / "a.npz", tmp_path / "b.npz"
    mg.save(model.state_dict(), first)
    loaded = mg.load(first)
    assert list(loaded) == list(model.state_dict())
    for name, p in model.named_parameters():
        assert loaded[name].dtype == p.numpy().dtype
        assert loaded[name].tobytes() == p.numpy().tobytes()
    mg.save(loaded, second)
    assert first.read_bytes() == second.read_bytes()


def test_a_loaded_checkpoint_restores_the_model(tmp_path, device):
    mg.manual_seed(0)
    a = _model(device)
    mg.manual_seed(1)
    b = _model(device)
    mg.save(a.state_dict(), tmp_path / "a.npz")
    b.load_state_dict(mg.load(tmp_path / "a.npz"))
    idx = mg.tensor([[0, 5, 2]], device=device)
    np.testing.assert_array_equal(a(idx).numpy(), b(idx).numpy())
    assert all(p.device == mg.backend.get(device).name for p in b.parameters())


def test_float64_and_integer_arrays_and_tensors_round_trip(tmp_path):
    state = {"w": mg.randn(2, 3, dtype="float64"), "steps": np.array(7, dtype=np.int64),
             "mask": np.array([True, False])}
    mg.save(state, tmp_path / "s.npz")
    back = mg.load(tmp_path / "s.npz")
    assert back["w"].dtype == np.float64 and back["w"].tobytes() == state["w"].numpy().tobytes()
    assert back["steps"].shape == () and back["steps"] == 7 and back["mask"].dtype == bool


def test_the_file_is_a_plain_npz_without_pickles(tmp_path):
    mg.save(_model().state_dict(), tmp_path / "m.npz")
    with zipfile.ZipFile(tmp_path / "m.npz") as z:
        assert z.namelist() == ["0.weight.npy", "1.weight.npy", "1.bias.npy", "2.weight.npy", "3.weight.npy"]
        assert all(entry.date_time == (1980, 1, 1, 0, 0, 0) for entry in z.infolist())    # no clock in the bytes
    with np.load(tmp_path / "m.npz", allow_pickle=False) as z:
        assert z["1.weight"].shape == (4, 4)


def test_load_refuses_pickles_and_damaged_files(tmp_path):
    np.savez(tmp_path / "objects.npz", w=np.array([{"code": 1}], dtype=object))
    with pytest.raises(ValueError, match="holds pickled objects"):
        mg.load(tmp_path / "objects.npz")
    good = tmp_path / "good.npz"
    mg.save(_model().state_dict(), good)
    (tmp_path / "cut.npz").write_bytes(good.read_bytes()[:150])
    with pytest.raises(ValueError, match="is not a readable .npz checkpoint"):
        mg.load(tmp_path / "cut.npz")
    np.save(tmp_path / "one.npy", np.ones(2))
    with pytest.raises(ValueError, match=r"holds a single array \(.npy\)"):
        mg.load(tmp_path / "one.npy")
    with pytest.raises(FileNotFoundError):
        mg.load(tmp_path / "absent.npz")


def test_save_refuses_values_that_are_not_arrays_before_writing(tmp_path):
    with pytest.raises(TypeError, match="save: 'lr' is a float, not an array or Tensor"):
        mg.save({"w": np.ones(2), "lr": 0.1}, tmp_path / "x.npz")
    assert os.listdir(tmp_path) == []


def test_a_failed_write_leaves_the_previous_checkpoint_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    mg.save({"w": np.zeros(3)}, path)
    before = path.read_bytes()

    def fail_half_way(out, array, allow_pickle):
        out.write(b"\x93NUMPY half an array")
        raise OSError("disk full")
    monkeypatch.setattr(np.lib.format, "write_array", fail_half_way)
    with pytest.raises(OSError, match="disk full"):
        mg.save({"w": np.ones(3), "v": np.ones(1000)}, path)
    assert path.read_bytes() == before                    # the old checkpoint, whole
    assert os.listdir(tmp_path) == ["model.npz"]          # no temporary left behind
    with pytest.raises(OSError, match="disk full"):
        mg.save({"w": np.ones(3)}, tmp_path / "new.npz")
    assert os.listdir(tmp_path) == ["model.npz"]          # nothing under the new name either


def test_bad_checkpoints_raise_and_leave_the_module_unchanged(tmp_path):
    mg.manual_seed(0)
    model = _model()
    before = _snapshot(model)
    other = nn.Sequential(nn.Embedding(6, 4), nn.Linear(4, 5), nn.RMSNorm(4))     # wrong shapes, keys missing
    mg.save(other.state_dict(), tmp_path / "other.npz")
    with pytest.raises(RuntimeError) as info:
        model.load_state_dict(mg.load(tmp_path / "other.npz"))
    text = str(info.value)
    for part in ["nothing was loaded", "missing key '3.weight'", "'1.weight': shape (5, 4) in the checkpoint",
                 "'1.bias': shape (5,) in the checkpoint"]:
        assert part in text
    wrong_dtype = {k: v.astype(np.float64) for k, v in mg.load(tmp_path / "other.npz").items()}
    with pytest.raises(RuntimeError, match="dtype float64 in the checkpoint, float32 in the model"):
        model.load_state_dict(wrong_dtype)
    after = _snapshot(model)
    assert all(np.array_equal(before[k], after[k]) for k in before)


def test_the_checkpoint_gets_ordinary_file_permissions(tmp_path):
    umask = os.umask(0o022)
    os.umask(umask)
    mg.save({"w": np.ones(2)}, tmp_path / "w.npz")
    assert os.stat(tmp_path / "w.npz").st_mode & 0o777 == 0o666 & ~umask


def test_numpy_scalars_are_saved_as_0d_arrays(tmp_path):
    mg.save({"loss": np.float32(0.25)}, tmp_path / "s.npz")
    loaded = mg.load(tmp_path / "s.npz")["loss"]
    assert loaded.shape == () and loaded.dtype == np.float32 and loaded == 0.25


# ---- errors name the user's path; temporary files never outlive a save ----------------

def test_save_errors_name_the_users_path_not_the_temporary(tmp_path):
    missing = tmp_path / "no" / "such" / "model.npz"
    with pytest.raises(FileNotFoundError) as caught:
        mg.save({"w": np.ones(2)}, missing)
    message = str(caught.value)
    assert "save" in message and str(missing) in message and ".tmp" not in message


def test_a_save_that_fails_on_an_unserializable_value_leaves_nothing(tmp_path):
    with pytest.raises(TypeError, match="save: 'b' is a str"):
        mg.save({"a": np.ones(2), "b": "text"}, tmp_path / "m.npz")
    assert os.listdir(tmp_path) == []


def test_a_save_that_fails_on_replace_removes_its_temporary(tmp_path, monkeypatch):
    def refuse(src, dst):
        raise PermissionError(13, "Permission denied", src)
    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(PermissionError) as caught:
        mg.save({"w": np.ones(2)}, tmp_path / "m.npz")
    assert ".tmp" not in str(caught.value) and "m.npz" in str(caught.value)
    assert os.listdir(tmp_path) == []


def test_a_save_interrupted_by_keyboard_interrupt_removes_its_temporary(tmp_path, monkeypatch):
    def interrupted(fd):
        raise KeyboardInterrupt
    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        mg.save({"w": np.ones(2)}, tmp_path / "m.npz")
    assert os.listdir(tmp_path) == []


def test_a_later_save_removes_the_temporary_of_a_killed_save(tmp_path):
    """A process killed half-way through a save (here: while it waits in fsync)
    leaves its temporary file; the next save to that path removes it, and
    leaves a live process's temporary (this one's, say) alone."""
    import subprocess
    import sys
    import time
    path = tmp_path / "model.npz"
    script = ("import os, time, numpy as np, minigrad as mg\n"
              "os.fsync = lambda fd: time.sleep(60)\n"
              f"mg.save({{'w': np.ones(1000)}}, {str(path)!r})\n")
    child = subprocess.Popen([sys.executable, "-c", script])
    try:
        for _ in range(300):
            if any(n.endswith(".tmp") for n in os.listdir(tmp_path)):
                break
            time.sleep(0.05)
    finally:
        child.kill()
        child.wait()
    orphans = [n for n in os.listdir(tmp_path) if n.endswith(".tmp")]
    assert len(orphans) == 1 and not path.exists()
    live = tmp_path / f"model.npz.{os.getpid()}-0123abcd.tmp"       # a live writer's: kept
    live.write_bytes(b"")
    mg.save({"w": np.zeros(2)}, path)
    assert sorted(os.listdir(tmp_path)) == sorted(["model.npz", live.name])
    np.testing.assert_array_equal(mg.load(path)["w"], np.zeros(2))


def test_load_errors_name_load_and_the_path(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"load: cannot read '.*absent.npz'"):
        mg.load(tmp_path / "absent.npz")
    with pytest.raises(IsADirectoryError, match="load"):
        mg.load(tmp_path)
    with pytest.raises(TypeError, match="load: path must be a str or os.PathLike, got int"):
        mg.load(3)
    with pytest.raises(TypeError, match="save: expected a dict"):
        mg.save([1, 2], tmp_path / "m.npz")
