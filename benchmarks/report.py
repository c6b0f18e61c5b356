"""Printing the results as one table, saving them as JSON, comparing two runs."""

import json

FORMAT = "minigrad-benchmarks/1"     # written into every JSON file, checked on reading


def header(meta):
    blas = "; ".join(f"{b['library']} {b['version']} ({b['kernel']} kernel, {b['threads']} threads)"
                     for b in meta["blas"]) or "none found"
    torch = (f"torch {meta['torch']} ({meta['torch_threads']} threads)" if meta["torch"]
             else "torch not installed: its columns are skipped")
    quick = "  [--quick: few repeats]" if meta["quick"] else ""
    lines = [
        f"minigrad {meta['minigrad']} benchmarks, {meta['date']}{quick}",
        f"machine: {meta['cpu']}, {meta['cores']} cores ({meta['cores_usable']} usable), "
        f"load average {meta['load_average']}",
        f"BLAS: {blas}",
        f"python {meta['python']}, numpy {meta['numpy']}, {torch}",
    ]
    if meta["env"]:
        lines.append("environment: " + ", ".join(f"{k}={v}" for k, v in meta["env"].items()))
    lines.append(f"command: {meta['command']}")
    return "\n".join(lines)


def table(results):
    """One row per case: the median time (or the peak memory) and its ratios."""
    by_name = {r["name"]: r for r in results}
    width = max([len(r["name"]) for r in results] + [4])
    lines = [f"{'case':<{width}}  {'median':>10}  {'n':>3}  {'per unit':>12}  ratios",
             "-" * (width + 46)]
    for r in results:
        if r["kind"] == "error":
            lines.append(f"{r['name']:<{width}}  {'FAILED':>10}  {'':>3}  {'':>12}  {r['error']}")
            continue
        if r["kind"] == "memory":
            lines.append(f"{r['name']:<{width}}  {_bytes(r['peak_bytes']):>10}  {'':>3}  {'':>12}  "
                         f"peak of one step ({r['how']})" + _note(r))
            continue
        per = ""
        if "per" in r:
            per = f"{_seconds(r['median_s'] / r['per']['count'])}/{r['per']['unit']}"
        ratios = []
        for label, other in r.get("ratios", []):
            if by_name.get(other, {}).get("kind") == "time":
                ratios.append(f"{r['median_s'] / by_name[other]['median_s']:.3g}x {label}")
        lines.append(f"{r['name']:<{width}}  {_seconds(r['median_s']):>10}  {r['repeats']:>3}  {per:>12}  "
                     + "  ".join(ratios) + _note(r))
    return "\n".join(lines)


def compare(results, old):
    """Each case found in both runs: old value, new value, new / old."""
    old_by_name = {r["name"]: r for r in old["results"]}
    width = max([len(r["name"]) for r in results] + [4])
    lines = [f"compared with {old['meta']['date']} ({old['meta']['command']})",
             f"{'case':<{width}}  {'old':>10}  {'new':>10}  new/old"]
    for r in results:
        o = old_by_name.get(r["name"])
        if r["kind"] == "error":
            lines.append(f"{r['name']:<{width}}  {'':>10}  {'FAILED':>10}")
            continue
        if o is None or o["kind"] != r["kind"]:
            lines.append(f"{r['name']:<{width}}  {'-':>10}  {_value(r):>10}  (not in the old run)")
            continue
        key = "peak_bytes" if r["kind"] == "memory" else "median_s"
        lines.append(f"{r['name']:<{width}}  {_value(o):>10}  {_value(r):>10}  {r[key] / o[key]:.2f}x")
    return "\n".join(lines)


def save(path, meta, results):
    with open(path, "w") as f:
        json.dump({"format": FORMAT, "meta": meta, "results": results}, f, indent=1)
        f.write("\n")


def load(path):
    """A run saved with --json; raises ValueError saying what is wrong with the file."""
    try:
        with open(path) as f:
            data = json.load(f)
    except OSError as e:
        raise ValueError(f"cannot read {path}: {e.strerror}") from None
    except json.JSONDecodeError as e:
        raise ValueError(f"{path} is not JSON ({e})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"{path} is not a file written by `python -m benchmarks --json` "
                         f"(expected format {FORMAT!r})")
    return data


def _note(r):
    return f"  ({r['note']})" if r.get("note") else ""


def _value(r):
    return _bytes(r["peak_bytes"]) if r["kind"] == "memory" else _seconds(r["median_s"])


def _seconds(s):
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.2f} ms"
    return f"{s * 1e6:.2f} us"


def _bytes(n):
    return f"{n / 2 ** 20:.1f} MiB"
