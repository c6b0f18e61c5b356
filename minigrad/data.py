"""Training helpers: mini-batches over arrays, and a progress bar.

    for epoch in range(epochs):
        for xb, yb in progress(Batches((X, Y), batch_size=64, shuffle=True, seed=epoch)):
            ...

Batches slices NumPy arrays or Tensors along their first axis; what it yields
is of the same kind (a Tensor batch stays on its device). progress() shows a
tqdm bar when tqdm is installed (the `demos` extra) and stdout is a terminal,
and is silent otherwise, so logs and test output stay clean.
"""

import math
import sys

from minigrad import backend
from minigrad.tensor import Tensor


class Batches:
    """An iterable of mini-batches: tuples (a[idx], b[idx], ...) of rows of the arrays.

    Each pass yields len(self) batches; a batch of arrays of shapes (n, ...) has
    shapes (batch_size, ...), the last one smaller unless drop_last.

    Args:
        arrays: a sequence of arrays or Tensors with the same first-axis length n
        batch_size: rows per batch; the last batch is smaller unless drop_last
        shuffle: a new random order of the rows on every pass (epoch)
        seed: with shuffle, makes the sequence of orders reproducible; None
            draws from the generator minigrad.manual_seed seeds
        drop_last: skip the final batch if it is smaller than batch_size
    """

    def __init__(self, arrays, batch_size, shuffle=False, seed=None, drop_last=False):
        self.arrays = tuple(arrays)
        if not self.arrays:
            raise ValueError("Batches: needs at least one array")
        for a in self.arrays:
            if not (isinstance(a, Tensor) or backend.is_host_array(a)):
                raise TypeError(f"Batches: expected NumPy arrays or Tensors, got {type(a).__name__}")
        lengths = [a.shape[0] if a.ndim else None for a in self.arrays]
        if None in lengths or len(set(lengths)) != 1:
            raise ValueError(f"Batches: every array needs the same first-axis length, got shapes "
                             f"{[tuple(a.shape) for a in self.arrays]}")
        if not (isinstance(batch_size, int) and batch_size > 0):
            raise ValueError(f"Batches: batch_size must be a positive integer, got {batch_size!r}")
        self.n, self.batch_size = lengths[0], batch_size
        self.shuffle, self.drop_last = shuffle, drop_last
        self.rng = backend.NUMPY.xp.random.default_rng(seed) if seed is not None else None

    def __len__(self):
        if self.drop_last:
            return self.n // self.batch_size
        return math.ceil(self.n / self.batch_size)

    def __iter__(self):
        if self.shuffle:
            order = (self.rng or backend.generator()).permutation(self.n)    # host int64 indices
        for i in range(len(self)):
            start, stop = i * self.batch_size, min((i + 1) * self.batch_size, self.n)
            if self.shuffle:
                yield tuple(_rows(a, order[start:stop]) for a in self.arrays)
            else:
                yield tuple(a[start:stop] for a in self.arrays)


def _rows(a, idx):
    """Rows idx (host integers) of a NumPy array, or of a Tensor on its own device."""
    if isinstance(a, Tensor):
        b = backend.of(a._data)
        return Tensor(b.xp.take(a._data, b.asarray(idx), axis=0))
    return a[idx]


def progress(iterable, total=None, desc=None, **tqdm_kwargs):
    """`iterable` with a tqdm progress bar on a terminal; silent otherwise.

    Either way the result has tqdm's set_postfix(...) and close(), so a
    training loop can report its loss without caring which it got.

    Args:
        iterable: what to iterate over.
        total: the number of items, for the bar, when len(iterable) does not give it.
        desc: the bar's label.
        **tqdm_kwargs: passed on to tqdm (leave=False, ...).
    Returns:
        an iterable over the same items.
    """
    if sys.stdout.isatty():
        try:
            from tqdm import tqdm
        except ImportError:
            pass
        else:
            return tqdm(iterable, total=total, desc=desc, file=sys.stdout, **tqdm_kwargs)
    return _Silent(iterable)


class _Silent:
    """What progress() returns off a terminal: the iterable, and no output."""

    def __init__(self, iterable):
        self.iterable = iterable

    def __iter__(self):
        return iter(self.iterable)

    def __len__(self):
        return len(self.iterable)

    def set_postfix(self, *args, **kwargs):
        pass

    def set_description(self, *args, **kwargs):
        pass

    def close(self):
        pass
