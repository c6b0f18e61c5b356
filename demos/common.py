"""What every demo shares: printing a table, saving a plot, timing a block.

Plots need matplotlib (the `demos` extra: `pip install -e ".[demos]"`). Without
it every demo still runs and prints its tables, and says once how to get the
plots. matplotlib is imported here, lazily, and never by minigrad itself.
"""

import os
import time


def table(headers, rows, title=None):
    """Print rows as an aligned text table; numbers are already formatted strings."""
    rows = [[str(c) for c in row] for row in rows]
    widths = [max(len(str(h)), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    if title:
        print(f"\n{title}")
    print("  ".join(str(h).rjust(w) for h, w in zip(headers, widths)))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(c.rjust(w) for c, w in zip(r, widths)))


def pyplot():
    """matplotlib.pyplot drawing to files only (the Agg backend), or None if matplotlib is absent."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(no plots: matplotlib is not installed; `pip install -e \".[demos]\"` installs it)")
        return None
    return plt


def save(fig, out, name):
    """Write a figure as out/name.png at a size that keeps the file small; returns the path."""
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, f"{name}.png")
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    import matplotlib.pyplot as plt
    plt.close(fig)                      # free it: a tour draws many
    return path


def fmt(x, digits=3):
    """A number for a table: fixed point when readable, else scientific."""
    if x == 0:
        return "0"
    if x != x:
        return "nan"
    if 1e-3 <= abs(x) < 1e4:
        return f"{x:.{digits}f}"
    return f"{x:.{digits - 1}e}"


class Stopwatch:
    """with Stopwatch() as t: ...;  t.seconds — wall-clock time of the block."""

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
