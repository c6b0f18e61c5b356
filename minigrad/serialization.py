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
  checkpoint intact and never a truncated one under the final name.
"""

import os
import secrets
import zipfile
from collections import OrderedDict

from minigrad import backend
from minigrad.tensor import Tensor

# Checkpoints are host files: the one place outside the backend seam that
# calls NumPy by name goes through the backend's own host namespace.
_host = backend.NUMPY.xp

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)     # the earliest time a zip entry can carry


def save(state_dict, path):
    """Write {name: array or Tensor} to `path` as .npz (the name is kept as given).

    Arrays on any device are copied to the host. Raises TypeError for values
    that are not arrays or Tensors, before anything is written.
    """
    arrays = OrderedDict()
    for name, value in state_dict.items():
        if not isinstance(name, str) or not name:
            raise TypeError(f"save: keys must be non-empty strings, got {name!r}")
        value = backend.ensure_array(value._data if isinstance(value, Tensor) else value)
        if not (hasattr(value, "shape") and hasattr(value, "dtype")):
            raise TypeError(f"save: {name!r} is a {type(value).__name__}, not an array or Tensor")
        arrays[name] = _host.asarray(backend.of(value).to_host(value), order="C")   # 0-d stays 0-d

    path = os.fspath(path)
    tmp = f"{path}.{secrets.token_hex(4)}.tmp"      # same directory, so os.replace is a rename
    f = open(tmp, "xb")                             # "x": never write over another file
    try:
        with f:
            with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED) as archive:
                for name, a in arrays.items():
                    entry = zipfile.ZipInfo(name + ".npy", date_time=_FIXED_TIME)
                    with archive.open(entry, "w", force_zip64=True) as out:
                        _host.lib.format.write_array(out, a, allow_pickle=False)
            f.flush()
            os.fsync(f.fileno())                    # the bytes are on disk before the rename
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def load(path):
    """Read a checkpoint written by save (or any .npz without object arrays).

    Returns: an OrderedDict {name: NumPy array} in the order saved; pass it to
    Module.load_state_dict, which copies each array to its parameter's device.
    """
    path = os.fspath(path)
    try:
        archive = _host.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        raise ValueError(f"load: {path!r} is not a readable .npz checkpoint: {e}") from None
    if not isinstance(archive, _host.lib.npyio.NpzFile):
        raise ValueError(f"load: {path!r} holds a single array (.npy), not a checkpoint (.npz)")
    with archive:
        try:
            return OrderedDict((name, archive[name]) for name in archive.files)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
            raise ValueError(f"load: {path!r} is damaged or holds pickled objects: {e}") from None
