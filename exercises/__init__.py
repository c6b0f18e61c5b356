"""Exercises graded by minigrad's own checks: python -m exercises list | check NAME.

Each exercise is a stub file here, NN_name.py, that you fill in. Its grader,
graders/NN_name.py, calls your functions on inputs it makes and compares
them with the library (gradcheck, the hand-written BPTT layers of
models/bptt.py, the scans of models/ssm.py, minigrad.optim). solutions/
holds reference solutions: the test suite uses them to prove that each
grader passes a right answer and catches wrong ones.
"""

import importlib
import traceback

from exercises.grade import HERE, Failure, NotImplementedYet, load

# name -> one line: what you write. In the order of the guide (docs/learn/).
EXERCISES = {
    "01_op_backward": "Function subclasses Tanh, Mul, Softplus: forward and backward, checked by gradcheck",
    "02_sum_to": "sum_to: undo broadcasting, rank-changing cases included, checked over random shapes",
    "03_backward_walk": "the iterative backward walk: a topological order without recursion, and backward()",
    "04_rnn_bptt": "RNN backpropagation through time by hand: dW_ih, dW_hh, db, dh0, dx from the cache",
    "05_lstm_bptt": "LSTM backpropagation through time by hand: the two streams dh and dc",
    "06_scan_backward": "the selective scan's backward: the reversed scan, then du, dΔ, dA, dB, dC",
    "07_scan_combine": "the associative combine (a₁, b₁)∘(a₂, b₂) and a log-depth scan built on it",
    "08_adam": "one Adam step with bias correction (Kingma & Ba 2015, Algorithm 1)",
    "09_clip_grad_norm": "gradient clipping by the global norm (Pascanu et al. 2013)",
    "10_cross_entropy": "softmax cross-entropy as one op, with the fused backward (softmax - onehot) / N",
    "11_truncated_bptt": "truncated BPTT: chunks of k steps, the state carried and detached, the gradients summed",
    "12_gru_bptt": "GRU backpropagation through time by hand: b_hn inside the reset product, the direct path",
}


def resolve(name):
    """The exercise a learner means: its full name, its number ("4", "04") or
    the part after the number ("rnn_bptt").

    Args:
        name: what the learner typed.
    Returns:
        the full name, a key of EXERCISES; raises KeyError listing them if none fits.
    """
    for full in EXERCISES:
        number, _, short = full.partition("_")
        if name in (full, short, number) or (name.isdigit() and int(name) == int(number)):
            return full
    raise KeyError(f"no exercise {name!r}; the exercises are: {', '.join(EXERCISES)}")


def run(name, source=None):
    """Grade one exercise.

    Args:
        name: an exercise name (see resolve).
        source: the solution to grade: a path to a .py file, a module, or None
            for the stub file exercises/NN_name.py that you fill in.
    Returns:
        (passed, message): True and what was checked, or False and what is wrong.
    """
    full = resolve(name)
    source = HERE / f"{full}.py" if source is None else source
    try:
        grader = importlib.import_module(f"exercises.graders.{full}")
    except ModuleNotFoundError as e:       # hypothesis, for one: pip install -e ".[test]"
        return False, f"CANNOT GRADE {full}: its grader needs {e.name}; install it (pip install {e.name})"
    try:
        module = load(source)
    except FileNotFoundError as e:
        return False, f"FAIL {full}: {e}"
    except Exception as e:                 # a syntax error, or an error at import time
        return False, f"FAIL {full}: your file does not load: {type(e).__name__}: {e}"
    try:
        return True, f"PASS {full}: {grader.check(module)}"
    except NotImplementedYet as e:
        return False, f"NOT DONE {full}: {e}; fill it in {getattr(module, '__file__', module.__name__)}"
    except Failure as e:
        return False, f"FAIL {full}: {e}"
    except NotImplementedError as e:       # raised deeper than the grader's call (a backward, say)
        frame = traceback.extract_tb(e.__traceback__)[-1]
        return False, (f"NOT DONE {full}: {frame.name} is not implemented yet (it still raises "
                       f"NotImplementedError at {frame.filename}:{frame.lineno})")
    except Exception as e:                 # the learner's code raised: show where, in their file
        mine = [f for f in traceback.extract_tb(e.__traceback__) if f.filename == getattr(module, "__file__", None)]
        if not mine:                       # not from the learner's file: the grader's own error
            raise
        return False, f"FAIL {full}: your code raised {type(e).__name__}: {e} at {mine[-1].filename}:{mine[-1].lineno}"
