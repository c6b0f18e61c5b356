"""python -m exercises list | check [NAME] [--file PATH]

`list` names the exercises with what each asks. `check NAME` grades one: it
exits 0 when it passes and 1 when it does not, saying what is wrong (the
worst element, the input, the time step). NAME is the full name, its number
or the part after the number: `check 04`, `check rnn_bptt`. `--file PATH`
grades another file instead of the stub exercises/NN_name.py. `check` alone
grades every exercise, one line each: your progress.
"""

import argparse
import sys

from exercises import EXERCISES, resolve, run


def main(argv=None):
    """The command line. Returns the exit status: 0 pass, 1 fail, 2 usage error."""
    parser = argparse.ArgumentParser(prog="python -m exercises", description=__doc__.split("\n\n")[1])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="name every exercise")
    check = commands.add_parser("check", help="grade one exercise")
    check.add_argument("name", metavar="NAME", nargs="?",
                       help="an exercise: 04_rnn_bptt, 04, 4 or rnn_bptt (none: every exercise)")
    check.add_argument("--file", metavar="PATH", help="grade this file instead of exercises/NAME.py")
    args = parser.parse_args(argv)

    if args.command == "list":
        width = max(map(len, EXERCISES))
        for name, what in EXERCISES.items():
            print(f"{name:<{width}}  {what}")
        return 0
    if args.name is None:
        if args.file:
            parser.error("--file grades one exercise: name it (check NAME --file PATH)")
        results = [run(name) for name in EXERCISES]
        for _, message in results:
            print(message.splitlines()[0])
        done = sum(passed for passed, _ in results)
        print(f"{done} of {len(results)} exercises pass")
        return 0 if done == len(results) else 1
    try:
        resolve(args.name)
    except KeyError as e:
        parser.error(e.args[0])
    passed, message = run(args.name, args.file)
    print(message)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
