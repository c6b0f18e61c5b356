"""python -m demos [NAME ...] [--full] [--seed N] [--out DIR] [--markdown [PATH]]

With no NAME, the tour: every demo in order, at settings that finish in about
three minutes on two CPU cores. `--full` runs the larger settings each demo
describes. Tables print to the terminal; plots go to DIR (demos/out by
default) as PNG files, named at the end of each demo. `--markdown` also writes
what the run printed, with its plots, the commit and the machine, as a Markdown
page (docs/demos.md by default): `python -m demos --out docs/figures --markdown`.

Every demo is a module of this package with the same three names:
    Settings   a dataclass of its knobs, with commented defaults (the tour's)
    FULL       the larger settings for --full
    run(settings, seed, out)   runs it, prints its tables, saves its plots,
                               and returns its numbers as a dict
"""

import argparse
import os
import sys
from contextlib import redirect_stdout

# One BLAS thread. The demos multiply small matrices (batch 32 × hidden 64): a
# thread pool costs more in hand-offs than it saves, 3× more on the 2 shared
# cores where these demos were tuned. Set before NumPy loads, and only when run
# as `python -m demos` (not when imported); a value the user exported wins.
if __name__ == "__main__":
    for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_var, "1")

from demos import article_table, bottleneck, charlm, exploding, forward, memory, parallel, vanishing  # noqa: E402
from demos.common import Stopwatch, Tee, commit, machine  # noqa: E402

# in tour order: from what a model computes, to how its gradients behave, to what it can learn
DEMOS = {
    "forward": forward,
    "vanishing": vanishing,
    "exploding": exploding,
    "memory": memory,
    "bottleneck": bottleneck,
    "parallel": parallel,
    "charlm": charlm,
    "article-table": article_table,
}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m demos", description=__doc__.split("\n\n")[1])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"one or more of: {', '.join(DEMOS)}")
    parser.add_argument("--full", action="store_true", help="the larger settings (minutes to an hour)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--out", default="demos/out", metavar="DIR",
                        help="folder for the PNG plots (default demos/out)")
    parser.add_argument("--markdown", nargs="?", const="docs/demos.md", metavar="PATH",
                        help="also write the tables and plots as a Markdown page (default docs/demos.md)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)

    unknown = [n for n in args.names if n not in DEMOS]
    if unknown:
        parser.error(f"unknown demo {', '.join(unknown)}; the demos are: {', '.join(DEMOS)}")
    if args.markdown and not args.markdown.endswith(".md"):   # `--markdown forward` would take the name as a path
        parser.error(f"--markdown {args.markdown}: expected a path ending in .md "
                     "(give the demo names before --markdown)")
    if args.markdown and not os.path.isdir(os.path.dirname(os.path.abspath(args.markdown))):
        parser.error(f"--markdown {args.markdown}: its directory does not exist")
    names = args.names or list(DEMOS)
    sections = []
    revision = commit()                      # before the run writes its plots
    with Stopwatch() as total:
        for name in names:
            demo = DEMOS[name]
            settings = demo.FULL if args.full else demo.Settings()
            print(f"\n{'=' * 78}\n{name}  (seed {args.seed}{', full' if args.full else ''})\n{'=' * 78}")
            with Stopwatch() as t, redirect_stdout(Tee(sys.stdout)) as printed:
                demo.run(settings, seed=args.seed, out=args.out)
            print(f"[{name}: {t.seconds:.1f} s]")
            sections.append((name, demo, printed.text(), t.seconds))
    if len(names) > 1:
        print(f"\nall {len(names)} demos in {total.seconds:.0f} s")
    if args.markdown:
        command = " ".join(["python -m demos", *(sys.argv[1:] if argv is None else argv)])
        with open(args.markdown, "w") as f:
            f.write(page(command, revision, sections, os.path.dirname(args.markdown), total.seconds))
        print(f"wrote {args.markdown}")
    return 0


def page(command, revision, sections, folder, seconds):
    """The run as a Markdown page: where it came from, then per demo its description,
    what it printed and its plot.

    Args:
        command: the command line that made the run.
        revision: the commit it ran at (demos.common.commit).
        sections: (name, module, printed text, seconds) per demo, in the order run.
        folder: the folder the page goes in (plot links are relative to it).
        seconds: the whole run's wall-clock time.
    Returns:
        The page as one string, ending in a newline.
    """
    lines = ["# The demos: what one run printed", "",
             f"Written by `{command}`; not edited by hand — run the command again to update it.",
             "The same seed gives the same tables on any machine, except the wall-clock timings, as long as the",
             "engine computes the same floats.", "",
             *(f"- {fact}" for fact in [f"commit: `{revision}`", *machine(),
                                        f"wall-clock time: {seconds:.0f} s for {len(sections)} demo(s)"])]
    for name, demo, printed, took in sections:
        title, _, description = demo.__doc__.strip().partition("\n")
        lines += ["", f"## {title}", "", description.strip(), "", f"Ran in {took:.1f} s:", "",
                  "```text", printed.strip("\n"), "```"]
        for plot in (line[len("plot: "):] for line in printed.splitlines() if line.startswith("plot: ")):
            lines += ["", f"![{name}]({os.path.relpath(plot, folder or '.')})"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
