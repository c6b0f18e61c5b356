"""Checkpoints: a state_dict saved as an .npz file, never as a pickle.

    minigrad.save(model.state_dict(), "model.npz")
    model.load_state_dict(minigrad.load("model.npz"))

Why .npz: it is a zip of .npy files, each a short text header (dtype, shape)
and the raw bytes; NumPy reads it anywhere, and PyTorch users can open it with
numpy.load. Why no pickle: unpickling runs code named in the file, so a
pickled checkpoint from a stranger is a program from a stranger. load() uses
allow_pickle=False, which refuses any object array.

Two properties worth having, and tested:
- Bit for bit. Arrays are written as they are (no dtype change), and every
  zip entry gets the same fixed timestamp, so save → load → save writes the
  very same bytes.
- Atomic. The file is written to a temporary name in the same directory and
  renamed over the final name only once complete (os.replace is atomic on
  one file system). A crash or an error half-way leaves any previous
  checkpoint intact and never a truncated one under the final name; an
  error removes the temporary file, and a process killed half-way leaves
  one that the next save to that path removes.
"""

import os
import re
import secrets
import zipfile
from collections import OrderedDict
from collections.abc import Mapping

from minigrad import backend
from minigrad.tensor import Tensor

# Checkpoints are host files: the one place outside the backend seam that
# calls NumPy by name goes through the backend's own host namespace.
_host = backend.NUMPY.xp

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)     # the earliest time a zip entry can carry


def save(state_dict, path):
    """Write {name: array or Tensor} to `path` as .npz (the name is kept as given).

    Args:
        state_dict: a dict of arrays (any device) or Tensors, e.g. model.state_dict().
        path: a str or os.PathLike; its folder must exist.
    Returns:
        None. Raises TypeError for a value that is not an array or Tensor,
        before anything is written; an OSError of the write names `path`
        (never the temporary file), and leaves no temporary file behind.
    """
    if not isinstance(state_dict, Mapping):
        raise TypeError(f"save: expected a dict of arrays or Tensors (a state_dict), "
                        f"got {type(state_dict).__name__}")
    path = _path(path, "save")
    arrays = OrderedDict()
    for name, value in state_dict.items():
        if not isinstance(name, str) or not name:
            raise TypeError(f"save: keys must be non-empty strings, got {name!r}")
        value = backend.ensure_array(value._data if isinstance(value, Tensor) else value)
        if not (hasattr(value, "shape") and hasattr(value, "dtype")):
            raise TypeError(f"save: {name!r} is a {type(value).__name__}, not an array or Tensor")
        arrays[name] = _host.asarray(backend.of(value).to_host(value), order="C")   # 0-d stays 0-d

    _remove_stale_temporaries(path)
    # same directory, so os.replace is a rename; the writer's pid in the name
    # tells a later save whether the file is a dead process's leftover
    tmp = f"{path}.{os.getpid()}-{secrets.token_hex(4)}.tmp"
    try:
        with open(tmp, "xb") as f:                  # "x": never write over another file
            with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED) as archive:
                for name, a in arrays.items():
                    entry = zipfile.ZipInfo(name + ".npy", date_time=_FIXED_TIME)
                    with archive.open(entry, "w", force_zip64=True) as out:
                        _host.lib.format.write_array(out, a, allow_pickle=False)
            f.flush()
            os.fsync(f.fileno())                    # the bytes are on disk before the rename
        os.replace(tmp, path)
    except BaseException as e:
        _unlink_quietly(tmp)                        # a failed save leaves no temporary behind
        if isinstance(e, OSError):
            raise _named_os_error(e, "save", "cannot write", path) from None
        raise


def _path(path, op):
    try:
        path = os.fspath(path)
    except TypeError:
        raise TypeError(f"{op}: path must be a str or os.PathLike, got {type(path).__name__}") from None
    return os.fsdecode(path) if isinstance(path, bytes) else path


def _named_os_error(e, op, doing, path):
    """The same kind of OSError, its message naming the op and the user's path."""
    reason = e.strerror or str(e)
    try:
        return type(e)(e.errno, f"{op}: {doing} {path!r}: {reason}") if e.errno else \
            type(e)(f"{op}: {doing} {path!r}: {reason}")
    except Exception:                              # an OSError subclass wanting other arguments
        return OSError(f"{op}: {doing} {path!r}: {reason}")


def _unlink_quietly(tmp):
    try:
        os.unlink(tmp)
    except OSError:
        pass


def _remove_stale_temporaries(path):
    """Remove `path`'s temporary files left by saves whose process died
    (killed half-way): their names carry the writer's pid. Files of live
    processes (this one, or another saving the same path now) stay."""
    folder, base = os.path.split(path)
    try:
        names = os.listdir(folder or ".")
    except OSError:
        return                                     # the save itself will say what is wrong
    for name in names:
        m = _TEMPORARY.fullmatch(name)
        if m and m.group(1) == base and not _process_alive(int(m.group(2))):
            _unlink_quietly(os.path.join(folder, name))


_TEMPORARY = re.compile(r"(.+)\.(\d+)-[0-9a-f]{8}\.tmp")


def _process_alive(pid):
    if pid == os.getpid():
        return True
    if os.name != "posix":                         # no safe probe elsewhere (os.kill would kill)
        return True
    try:
        os.kill(pid, 0)                            # signal 0: only asks whether pid exists
    except ProcessLookupError:
        return False
    except OSError:                                # exists, owned by someone else
        return True
    return True


def load(path):
    """Read a checkpoint written by save (or any .npz without object arrays).

    Args:
        path: a str or os.PathLike.
    Returns:
        an OrderedDict {name: NumPy array} in the order saved; pass it to
        Module.load_state_dict, which copies each array to its parameter's
        device. All or nothing: a file that cannot be read whole raises
        (FileNotFoundError, IsADirectoryError, PermissionError, or ValueError
        for a damaged file or one holding pickles), naming `path`.
    """
    path = _path(path, "load")
    try:
        archive = _host.load(path, allow_pickle=False)
    except (FileNotFoundError, IsADirectoryError, PermissionError) as e:
        raise _named_os_error(e, "load", "cannot read", path) from None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        raise ValueError(f"load: {path!r} is not a readable .npz checkpoint: {e}") from None
    if not isinstance(archive, _host.lib.npyio.NpzFile):
        raise ValueError(f"load: {path!r} holds a single array (.npy), not a checkpoint (.npz)")
    with archive:
        try:
            return OrderedDict((name, archive[name]) for name in archive.files)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
            raise ValueError(f"load: {path!r} is damaged or holds pickled objects: {e}") from None
