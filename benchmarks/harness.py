"""How a case is timed and measured, and what the machine was.

A case is a name and a `setup()` that builds its inputs and returns a function
`step()`. The step runs the work once and returns the seconds its own timed
region took, so every case shows in its code exactly what is inside the clock
(a backward-only case builds the graph before it starts the clock).

Timing: `setup()`, then a warm-up call (caches, BLAS buffers, lazy imports),
then repeated calls until both a minimum count and a time budget are reached
(or a maximum count); the case's time is the median of the repeats, all in
this one process. The cases of one group (the same model and size, say:
manual, autograd, torch, floor) take turns, one call each per round, so that
other work on a shared machine weighs on all of them alike. The garbage
collector stays on, as it is in training, but a full collection runs before
every call so one call's garbage does not bill the next.

Memory: one call of `step()` after a warm-up, under tracemalloc, which traces
every allocation NumPy makes (NumPy reports its data buffers to it) and every
Python object. The number is the peak of memory allocated during the step
and not yet freed, above what existed before the step: activations saved for
backward, gradients, temporaries. It does not see PyTorch's allocator, so
PyTorch has no memory cases.
"""

import dataclasses
import datetime
import gc
import importlib
import os
import platform
import statistics
import subprocess
import tracemalloc


@dataclasses.dataclass
class Case:
    name: str                        # "group/size/variant", e.g. "lstm/B32-T100-I64-H128/manual"
    setup: object                    # () -> step; step() -> seconds of its timed region
    kind: str = "time"               # "time": median seconds; "memory": peak bytes of one step
    requires: tuple = ()             # optional packages the case needs, e.g. ("torch",)
    per: tuple = None                # (count, unit): also report time per unit, e.g. (300, "op")
    ratios: tuple = ()               # (label, other case name): table shows this / other
    note: str = ""                   # shown beside the result


@dataclasses.dataclass
class Settings:
    warmup: int = 1                  # untimed calls first
    min_repeats: int = 3             # slow cases (seconds a call) stop here
    max_repeats: int = 50            # fast cases repeat until the budget is spent
    budget: float = 3.0              # seconds of timed calls to aim for, per case


QUICK = Settings(warmup=1, min_repeats=2, max_repeats=3, budget=0.2)


def missing(requires):
    """The packages of `requires` that cannot be imported here."""
    absent = []
    for name in requires:
        try:
            importlib.import_module(name)
        except ImportError:
            absent.append(name)
    return absent


def measure(cases, settings):
    """Measure cases that are compared with one another; one result dict per case.

    Timed cases take turns: each round calls every step once, so a burst of
    other work on the machine slows all of them alike and their ratios stay
    fair. A case that raises is reported as failed; the others go on.
    """
    steps, results = {}, {}
    for case in cases:
        try:
            step = case.setup()
            for _ in range(settings.warmup):
                step()
            if case.kind == "memory":
                results[case.name] = {"name": case.name, "kind": "memory", "peak_bytes": _peak_bytes(step),
                                      "how": "tracemalloc", "note": case.note}
            else:
                steps[case.name] = step
        except Exception as e:
            results[case.name] = _failed(case, e)

    times = {name: [] for name in steps}
    rounds = 0
    while steps and rounds < settings.max_repeats:
        spent = sum(sum(times[name]) for name in steps)
        if rounds >= settings.min_repeats and spent >= settings.budget * len(steps):
            break
        for name, step in list(steps.items()):
            gc.collect()
            try:
                times[name].append(step())
            except Exception as e:
                results[name] = _failed(next(c for c in cases if c.name == name), e)
                del steps[name]
        rounds += 1

    for case in cases:
        if case.name in steps:
            t = times[case.name]
            results[case.name] = {"name": case.name, "kind": "time", "median_s": statistics.median(t),
                                  "min_s": min(t), "max_s": max(t), "repeats": len(t),
                                  "ratios": [list(pair) for pair in case.ratios], "note": case.note}
            if case.per:
                results[case.name]["per"] = {"count": case.per[0], "unit": case.per[1]}
    return [results[case.name] for case in cases]


def _failed(case, error):
    return {"name": case.name, "kind": "error", "error": f"{type(error).__name__}: {error}"}


def _peak_bytes(step):
    gc.collect()
    tracemalloc.start()
    try:
        step()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


# ---- the machine ------------------------------------------------------------

def machine(threads, quick, argv):
    """Everything a reader needs to judge the numbers: cores, BLAS, versions, load."""
    import numpy
    import threadpoolctl

    import minigrad

    blas = [{"library": lib.get("internal_api"), "version": lib.get("version"),
             "kernel": lib.get("architecture"), "threads": lib.get("num_threads"),
             "file": os.path.basename(lib.get("filepath", ""))}
            for lib in threadpoolctl.threadpool_info() if lib.get("user_api") == "blas"]
    info = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
        "threads": threads,
        "blas": blas,
        "env": {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS",
                                           "OMP_NUM_THREADS", "MKL_NUM_THREADS") if k in os.environ},
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "minigrad": minigrad.__version__,
        "torch": None,
        "quick": quick,
        "command": " ".join(["python -m benchmarks", *argv]),
        "commit": commit(),
    }
    if not missing(["torch"]):
        import torch
        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
    return info


def commit():
    """The checkout's commit, `git rev-parse --short HEAD`, and whether files differed from it.

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


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()
