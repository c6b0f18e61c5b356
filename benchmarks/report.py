"""Printing the results as one table, saving them as JSON, comparing two runs,
and writing the whole run as a Markdown document (docs/benchmarks.md)."""

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
        f"commit: {meta['commit']}",
    ]
    if meta["env"]:
        lines.append("environment: " + ", ".join(f"{k}={v}" for k, v in meta["env"].items()))
    lines.append(f"command: {meta['command']}")
    return "\n".join(lines)


def table(results, markdown=False):
    """The timings, one row per case with its ratios, then the peak memories."""
    by_name = {r["name"]: r for r in results}
    timed, memory = [], []
    for r in results:
        if r["kind"] == "error":
            timed.append([r["name"], "FAILED", "", "", r["error"]])
        elif r["kind"] == "memory":
            memory.append([r["name"], _bytes(r["peak_bytes"]), r["note"]])
        else:
            per = f"{_seconds(r['median_s'] / r['per']['count'])}/{r['per']['unit']}" if "per" in r else ""
            ratios = [f"{r['median_s'] / by_name[other]['median_s']:.3g}x {label}"
                      for label, other in r["ratios"] if by_name.get(other, {}).get("kind") == "time"]
            timed.append([r["name"], _seconds(r["median_s"]), str(r["repeats"]), per,
                          "  ".join(ratios + [r["note"]] if r["note"] else ratios)])
    parts = []
    if timed:
        parts.append(_render(["case", "median", "n", "per unit", "this / other"], timed, markdown))
    if memory:
        how = ", ".join(sorted({r["how"] for r in results if r["kind"] == "memory"}))
        parts.append(f"peak memory of one step, above what existed before it ({how}):")
        parts.append(_render(["case", "peak", "for scale"], memory, markdown))
    return "\n\n".join(parts)


def document(meta, results, sections):
    """The run as a Markdown page: where it came from, then one section per case module.

    Args:
        meta: the machine and run description from harness.machine (commit included).
        results: the result dicts of measure(), in case order.
        sections: (title, description, names) triples: a heading, the Markdown
            text that says what the cases measure, and the case names it covers.
    Returns:
        The page as one string, ending in a newline.
    """
    lines = [
        "# Benchmarks",
        "",
        f"Written by `{meta['command']}`; not edited by hand — run the command again to update it.",
        "Times are medians of repeated calls after a warm-up; the cases of one row take turns, one call each",
        "per round, so a ratio within a row is fairer than an absolute time on a shared machine.",
        "",
        provenance(meta),
    ]
    by_name = {r["name"]: r for r in results}
    for title, description, names in sections:
        rows = [by_name[n] for n in names if n in by_name]
        if not rows:
            continue
        summary, _, details = description.strip().partition("\n")
        lines += ["", f"## {title}", "", summary, "", "```text", details.strip(), "```"]
        timed = [r for r in rows if r["kind"] != "memory"]
        for family in dict.fromkeys(r["name"].split("/")[0] for r in timed):
            lines += ["", pivot([r for r in timed if r["name"].split("/")[0] == family], by_name)]
        memory = [r for r in rows if r["kind"] == "memory"]
        if memory:
            lines += ["", "Peak memory of one step, above what existed before it (tracemalloc):", "",
                      _render(["case", "peak", "for scale"],
                              [[r["name"], _bytes(r["peak_bytes"]), r["note"]] for r in memory], markdown=True)]
    return "\n".join(lines) + "\n"


def provenance(meta):
    """A Markdown list of the commit, machine, libraries and load a run came from."""
    blas = "; ".join(f"{b['library']} {b['version']} ({b['kernel']} kernel) at {b['threads']} thread(s)"
                     for b in meta["blas"]) or "none found"
    torch = (f"torch {meta['torch']} at {meta['torch_threads']} thread(s)" if meta["torch"]
             else "torch not installed (its columns are empty)")
    items = [
        f"commit: `{meta['commit']}`",
        f"date: {meta['date']}" + (" — `--quick`: few repeats, so the medians are rough" if meta["quick"] else ""),
        f"machine: {meta['cpu']}, {meta['cores']} cores ({meta['cores_usable']} usable)",
        f"BLAS: {blas}",
        f"python {meta['python']}, numpy {meta['numpy']}, minigrad {meta['minigrad']}, {torch}",
        f"load average: {meta['load_average']} at the start, {meta.get('load_average_end')} at the end",
    ]
    if meta["env"]:
        items.append("environment: " + ", ".join(f"{k}={v}" for k, v in meta["env"].items()))
    return "\n".join(f"- {item}" for item in items)


def pivot(rows, by_name):
    """One Markdown table for cases named family/size/variant: a row per size, a column
    per variant's median, then a column per ratio the cases ask for (variant / other)."""
    sizes = list(dict.fromkeys(r["name"].rsplit("/", 1)[0] for r in rows))
    variants = list(dict.fromkeys(r["name"].rsplit("/", 1)[1] for r in rows))
    ratios = list(dict.fromkeys((r["name"].rsplit("/", 1)[1], label)
                                for r in rows if r["kind"] == "time" for label, _ in r["ratios"]))
    table = []
    for size in sizes:
        cells = [size.split("/", 1)[-1]]
        for v in variants:
            r = by_name.get(f"{size}/{v}")
            cells.append("" if r is None else "FAILED" if r["kind"] == "error" else _time(r))
        for v, label in ratios:
            r = by_name.get(f"{size}/{v}")
            other = dict(r["ratios"]).get(label) if r and r["kind"] == "time" else None
            o = by_name.get(other)
            cells.append(f"{r['median_s'] / o['median_s']:.3g}×" if o and o["kind"] == "time" else "")
        table.append(cells)
    headers = [sizes[0].split("/")[0]] + variants + [f"{v} / {label}" for v, label in ratios]
    return _render(headers, table, markdown=True)


def compare(results, old):
    """Each case found in both runs: old value, new value, new / old."""
    old_by_name = {r["name"]: r for r in old["results"]}
    rows = []
    for r in results:
        o = old_by_name.get(r["name"])
        if r["kind"] == "error":
            rows.append([r["name"], "", "FAILED", ""])
        elif o is None or o["kind"] != r["kind"]:
            rows.append([r["name"], "-", _value(r), "(not in the old run)"])
        else:
            key = "peak_bytes" if r["kind"] == "memory" else "median_s"
            rows.append([r["name"], _value(o), _value(r), f"{r[key] / o[key]:.2f}x"])
    return (f"compared with {old['meta']['date']} ({old['meta']['command']}):\n"
            + _render(["case", "old", "new", "new/old"], rows, markdown=False))


def _render(headers, rows, markdown):
    """Aligned plain text (numbers right-aligned), or a Markdown table."""
    if markdown:
        lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(["---"] + ["---:"] * (len(headers) - 1)) + "|"]
        return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])
    widths = [max(len(row[i]) for row in [headers] + rows) for i in range(len(headers))]

    def line(row):
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:-1], widths[1:-1])] + [row[-1]]
        return "  ".join(cells).rstrip()
    return "\n".join([line(headers), "-" * (sum(widths) + 2 * len(widths))] + [line(row) for row in rows])


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


def _time(r):
    """The median, per unit where the case has one (the engine's chains: per op)."""
    if "per" in r:
        return f"{_seconds(r['median_s'] / r['per']['count'])}/{r['per']['unit']}"
    return _seconds(r["median_s"])


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
