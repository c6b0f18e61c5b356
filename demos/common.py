"""What every demo shares: printing a table, saving a plot, timing a block.

Plots need matplotlib (the `demos` extra: `pip install -e ".[demos]"`). Without
it every demo still runs and prints its tables, and says once how to get the
plots. matplotlib is imported here, lazily, and never by minigrad itself.
"""

import os
import platform
import subprocess
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


# ---- plots ------------------------------------------------------------------------------
# Every figure is saved at DPI dots per inch and at least 7 inches wide, so a plot is
# over 1000 px across; text is sized for reading at that width.
DPI = 150
FONTS = {"font.size": 11, "axes.titlesize": 12, "axes.labelsize": 11, "legend.fontsize": 10,
         "xtick.labelsize": 10, "ytick.labelsize": 10, "lines.linewidth": 1.8}

# Lines are told apart by dash pattern and marker as well as colour, so two curves that
# coincide (the RNN's and the GRU's decay at initialisation) both stay visible, and the
# plot reads in grey. Colours: Okabe & Ito's palette, safe for colour-blind readers.
LINES = [
    {"color": "#0072B2", "ls": "-", "marker": "o"},
    {"color": "#D55E00", "ls": "--", "marker": "s"},
    {"color": "#009E73", "ls": "-.", "marker": "^"},
    {"color": "#CC79A7", "ls": ":", "marker": "D"},
    {"color": "#E69F00", "ls": (0, (6, 2, 1, 2, 1, 2)), "marker": "v"},
    {"color": "#56B4E9", "ls": (0, (10, 3)), "marker": "P"},
]


def line(i, points=None):
    """The i-th line style (colour, dashes, marker) as keyword arguments for ax.plot.

    Args:
        i: the line's index in its plot; styles repeat after len(LINES).
        points: the number of points the line has; with many points only about ten
            of them get a marker (markevery), spread along the line.
    Returns:
        A dict: color, ls, marker, markersize, and markevery when points is given.
    """
    style = dict(LINES[i % len(LINES)], markersize=6)
    if points is not None and points > 12:
        # shifted per line, so that the markers of two coinciding lines do not sit on one another
        step = max(1, points // 10)
        style["markevery"] = (i * step // len(LINES), step)
    return style


def pyplot():
    """matplotlib.pyplot drawing to files only (the Agg backend), or None if matplotlib is absent."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(no plots: matplotlib is not installed; `pip install -e \".[demos]\"` installs it)")
        return None
    plt.rcParams.update(FONTS)
    return plt


def legend_below(fig, axes, columns=3):
    """One legend for the whole figure, below the panels, so it covers no data.

    Args:
        fig: the figure.
        axes: the panels whose labelled lines the legend lists (each label once).
        columns: entries per row.
    """
    entries = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            entries.setdefault(label, handle)
    fig.tight_layout()
    fig.legend(list(entries.values()), list(entries), loc="upper center", bbox_to_anchor=(0.5, 0.0),
               ncol=min(columns, len(entries)), frameon=False)


def legend_under(ax, columns=2):
    """The panel's legend, below its x-axis label, so it covers no data.

    Args:
        ax: the panel.
        columns: entries per row.
    """
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.17), ncol=columns, frameon=False)


def save(fig, out, name):
    """Write a figure as out/name.png at DPI, cropped to what is drawn (nothing cut off).

    Args:
        fig: the figure (closed afterwards: a tour draws many).
        out: the folder, created if missing.
        name: the file name without .png.
    Returns:
        The path written.
    """
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, f"{name}.png")
    if not fig.legends:
        fig.tight_layout()
    fig.savefig(path, dpi=DPI, bbox_inches="tight", pad_inches=0.15)
    import matplotlib.pyplot as plt
    plt.close(fig)
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


# ---- where a run came from ------------------------------------------------------------------

def commit():
    """The checkout's commit, `git rev-parse --short HEAD`, and whether tracked files differed from it.

    Returns:
        e.g. "9f0bd36", "9f0bd36 with uncommitted changes", or "unknown (not a git checkout)".
    """
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True)
        status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                                capture_output=True, text=True)
    except OSError:
        return "unknown (git is not installed)"
    if head.returncode != 0:
        return "unknown (not a git checkout)"
    return head.stdout.strip() + (" with uncommitted changes" if status.stdout.strip() else "")


def machine():
    """The CPU, cores, load, Python, NumPy and its BLAS (with thread count) this process runs on.

    Returns:
        A list of short strings, one fact each.
    """
    import numpy as np
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    try:                                   # threadpoolctl (the bench extra) knows the BLAS's threads
        import threadpoolctl
        blas = "; ".join(f"{lib['internal_api']} {lib['version']} ({lib.get('architecture')} kernel) "
                         f"at {lib['num_threads']} thread(s)"
                         for lib in threadpoolctl.threadpool_info() if lib.get("user_api") == "blas")
    except ImportError:
        info = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        blas = f"{info.get('name')} {info.get('version')}"
    threads = ", ".join(f"{k}={os.environ[k]}" for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
                        if k in os.environ)
    load = [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else "unknown"
    return [f"machine: {cpu}, {os.cpu_count()} cores; load average {load} (other work slows the timings)",
            f"python {platform.python_version()}, numpy {np.__version__}; BLAS: {blas or 'none found'}",
            f"threads: {threads or 'the BLAS default'}"]


class Tee:
    """A stream that writes to `stream` and keeps a copy: `with redirect_stdout(Tee(sys.stdout)) as t`."""

    def __init__(self, stream):
        self.stream, self.parts = stream, []

    def write(self, text):
        self.parts.append(text)
        return self.stream.write(text)

    def flush(self):
        self.stream.flush()

    def isatty(self):
        """Whether the stream is a terminal (progress bars ask)."""
        return self.stream.isatty()

    def text(self):
        """Everything written so far, as one string."""
        return "".join(self.parts)


class Stopwatch:
    """with Stopwatch() as t: ...;  t.seconds — wall-clock time of the block."""

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
