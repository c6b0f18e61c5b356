"""python -m demos [NAME ...] [--full] [--seed N] [--out DIR]

With no NAME, the tour: every demo in order, at settings that finish in about
three minutes on two CPU cores. `--full` runs the larger settings each demo
describes. Tables print to the terminal; plots go to DIR (demos/out by
default) as PNG files, named at the end of each demo.

Every demo is a module of this package with the same three names:
    Settings   a dataclass of its knobs, with commented defaults (the tour's)
    FULL       the larger settings for --full
    run(settings, seed, out)   runs it, prints its tables, saves its plots,
                               and returns its numbers as a dict
"""

import argparse
import os
import sys

# One BLAS thread. The demos multiply small matrices (batch 32 × hidden 64): a
# thread pool costs more in hand-offs than it saves, 3× more on the 2 shared
# cores where these demos were tuned. Set before NumPy loads, and only when run
# as `python -m demos` (not when imported); a value the user exported wins.
if __name__ == "__main__":
    for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_var, "1")

from demos import article_table, bottleneck, charlm, exploding, forward, memory, parallel, vanishing  # noqa: E402
from demos.common import Stopwatch  # noqa: E402

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
    args = parser.parse_args(argv)

    unknown = [n for n in args.names if n not in DEMOS]
    if unknown:
        parser.error(f"unknown demo {', '.join(unknown)}; the demos are: {', '.join(DEMOS)}")
    names = args.names or list(DEMOS)
    with Stopwatch() as total:
        for name in names:
            demo = DEMOS[name]
            settings = demo.FULL if args.full else demo.Settings()
            print(f"\n{'=' * 78}\n{name}  (seed {args.seed}{', full' if args.full else ''})\n{'=' * 78}")
            with Stopwatch() as t:
                demo.run(settings, seed=args.seed, out=args.out)
            print(f"[{name}: {t.seconds:.1f} s]")
    if len(names) > 1:
        print(f"\nall {len(names)} demos in {total.seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
