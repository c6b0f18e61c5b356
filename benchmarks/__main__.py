"""python -m benchmarks [CASE ...] [--quick] [--threads N] [--json PATH] [--compare OLD.json] [--markdown]
                      [--output PATH] [--list]

Runs every case (or those named: a full name, a group prefix such as `lstm`
or `scan/B1-D4-N4-L4096`, or a shell pattern such as '*/torch'), prints one
table, and optionally saves it as JSON or compares it with an earlier JSON.
`--output docs/benchmarks.md` also writes the run as a Markdown page: the
commit and machine it came from, then each group's description and tables.
Exit status 2, with a message, for settings it cannot honour: an unknown case
name, a case whose optional dependency is missing, an unreadable JSON file.
Exit status 1 if a case raised: the table shows its error, the others run.
"""

import argparse
import fnmatch
import os
import sys

from benchmarks import engine_cases, recurrent_cases, report, scan_cases
from benchmarks.harness import QUICK, Settings, machine, measure, missing

INSTALL_HINTS = {
    "torch": "PyTorch is not installed (pip install torch); it is only a reference here",
    "threadpoolctl": "threadpoolctl is not installed; install the bench extra: pip install -e '.[bench]'",
}


CASE_MODULES = {
    "The engine's cost per op": engine_cases,
    "RNN, LSTM and GRU: one training step": recurrent_cases,
    "The selective scan and a Mamba block": scan_cases,
}


def all_cases():
    return [case for module in CASE_MODULES.values() for case in module.cases()]


def sections():
    """(title, description, case names) per case module, for report.document."""
    return [(title, module.__doc__, [c.name for c in module.cases()]) for title, module in CASE_MODULES.items()]


def matches(name, selector):
    return name == selector or name.startswith(selector.rstrip("/") + "/") or fnmatch.fnmatchcase(name, selector)


def select(cases, selectors):
    """The cases to run and the notes about skipped ones; raises ValueError on bad settings."""
    if not selectors:
        chosen = cases
    else:
        unknown = [s for s in selectors if not any(matches(c.name, s) for c in cases)]
        if unknown:
            raise ValueError(f"unknown case name(s): {', '.join(unknown)}; "
                             "run `python -m benchmarks --list` to see the cases")
        for s in selectors:                       # a selector that can run nothing is an error
            hits = [c for c in cases if matches(c.name, s)]
            absent = sorted({dep for c in hits for dep in missing(c.requires)})
            if all(missing(c.requires) for c in hits):
                raise ValueError(f"{s!r} needs {', '.join(absent)}: "
                                 + "; ".join(INSTALL_HINTS.get(d, f"{d} is not installed") for d in absent))
        chosen = [c for c in cases if any(matches(c.name, s) for s in selectors)]
    runnable = [c for c in chosen if not missing(c.requires)]
    notes = [f"skipped {c.name}: {INSTALL_HINTS.get(d, d + ' is not installed')}"
             for c in chosen if c not in runnable for d in missing(c.requires)]
    return runnable, notes


def groups(cases):
    """Consecutive cases that differ only in their last name part: measured together, taking turns."""
    out = []
    for case in cases:
        if out and out[-1][0].name.rsplit("/", 1)[0] == case.name.rsplit("/", 1)[0]:
            out[-1].append(case)
        else:
            out.append([case])
    return out


def parse(argv):
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[1])
    p.add_argument("cases", nargs="*", help="case names, group prefixes or shell patterns (default: all)")
    p.add_argument("--quick", action="store_true", help="few repeats: for a quick look and for the tests")
    p.add_argument("--threads", type=int, default=None,
                   help="BLAS and PyTorch thread count (default: the BLAS's own, as threadpoolctl reports)")
    p.add_argument("--json", metavar="PATH", help="also write the results to this JSON file")
    p.add_argument("--compare", metavar="OLD.json", help="print each case's ratio against an earlier --json run")
    p.add_argument("--markdown", action="store_true", help="print the result tables as Markdown (for the README)")
    p.add_argument("--output", metavar="PATH",
                   help="also write the run as a Markdown page with its commit and machine (docs/benchmarks.md)")
    p.add_argument("--list", action="store_true", help="list the case names and exit")
    return p.parse_args(argv)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parse(argv)
    try:
        return run(args, argv)
    except ValueError as e:
        print(f"benchmarks: error: {e}", file=sys.stderr)
        return 2


def run(args, argv):
    cases = all_cases()
    if args.list:
        for c in cases:
            absent = missing(c.requires)
            print(c.name + (f"   (needs {', '.join(absent)})" if absent else ""))
        return 0
    if missing(["threadpoolctl"]):
        raise ValueError(INSTALL_HINTS["threadpoolctl"])
    if args.threads is not None and args.threads < 1:
        raise ValueError(f"--threads must be at least 1, got {args.threads}")
    for option, path in (("--json", args.json), ("--output", args.output)):
        if path and not os.path.isdir(os.path.dirname(os.path.abspath(path))):
            raise ValueError(f"{option} {path}: its directory does not exist")
    old = report.load(args.compare) if args.compare else None
    chosen, notes = select(cases, args.cases)

    import threadpoolctl
    threads = args.threads or max([lib["num_threads"] for lib in threadpoolctl.threadpool_info()
                                   if lib.get("user_api") == "blas"] + [1])
    if not missing(["torch"]):
        import torch
        torch.set_num_threads(threads)
    settings = QUICK if args.quick else Settings()

    with threadpoolctl.threadpool_limits(limits=threads, user_api="blas"):
        meta = machine(threads, args.quick, argv)
        print(report.header(meta), flush=True)
        for note in notes:
            print(note, flush=True)
        results = []
        for group in groups(chosen):
            print(f"  running {group[0].name.rsplit('/', 1)[0]}/ ({len(group)} cases) ...",
                  end="", file=sys.stderr, flush=True)
            results += measure(group, settings)
            failed = [r["name"] for r in results[-len(group):] if r["kind"] == "error"]
            print(f" failed: {', '.join(failed)}" if failed else " done", file=sys.stderr, flush=True)
    meta["load_average_end"] = [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None

    print()
    print(report.table(results, markdown=args.markdown))
    print(f"\nload average at the end: {meta['load_average_end']} (other work on the machine slows every case)")
    if old is not None:
        print()
        print(report.compare(results, old))
    if args.json:
        report.save(args.json, meta, results)
        print(f"\nwrote {args.json}")
    if args.output:
        with open(args.output, "w") as f:
            f.write(report.document(meta, results, sections()))
        print(f"wrote {args.output}")
    failed = [r["name"] for r in results if r["kind"] == "error"]
    if failed:
        print(f"benchmarks: {len(failed)} case(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
