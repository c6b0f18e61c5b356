"""What every grader shares: loading the learner's file, comparing arrays so
that a failure names the worst element, and the two ways a check fails.

A grader (exercises/graders/NN_name.py) has one function, check(module),
that calls the learner's functions on inputs it makes, compares the results
with the library's own (gradcheck, models/bptt.py, models/ssm.py,
minigrad.optim), and raises Failure with a message saying what is wrong, or
NotImplementedYet while the stub is untouched. It returns a one-line summary
of what it checked when everything passes.
"""

import importlib.util
import pathlib
import types

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent


class Failure(AssertionError):
    """The learner's code ran but gave a wrong result; the message says where."""


class NotImplementedYet(Failure):
    """The learner's function still raises NotImplementedError."""


def load(source):
    """The learner's module, from a path (str or pathlib.Path) or a module object.

    Args:
        source: a module (returned as it is) or the path of a .py file.
    Returns:
        the module, freshly executed from the file when a path is given.
    """
    if isinstance(source, types.ModuleType):
        return source
    path = pathlib.Path(source).resolve()
    if not path.is_file():
        raise FileNotFoundError(f"exercises: no file {path}")
    spec = importlib.util.spec_from_file_location(f"exercise_{path.stem}_{abs(hash(path))}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def call(module, name, *args, **kwargs):
    """module.name(*args, **kwargs), with the two ways it can go wrong made plain.

    Args:
        module: the learner's module.  name: the function the stub defines.
        args, kwargs: passed on.
    Returns:
        what the function returns; raises Failure if the module has no such
        function, NotImplementedYet if it still raises NotImplementedError.
    """
    fn = getattr(module, name, None)
    if fn is None:
        raise Failure(f"the file defines no {name}; keep the names the stub gives")
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        raise NotImplementedYet(f"{name} is not implemented yet (it still raises NotImplementedError)") from None


def worst(got, expected, atol=1e-8, rtol=1e-6):
    """The element where got is furthest outside expected's tolerance, or None.

    Args:
        got, expected: arrays of one shape.
        atol, rtol: |got - expected| ≤ atol + rtol·|expected| passes; nan fails.
    Returns:
        None if every element passes, else (index, got value, expected value).
    """
    excess = np.abs(got - expected) - (atol + rtol * np.abs(expected))
    excess = np.where(np.isnan(excess), np.inf, excess)
    if excess.size == 0 or excess.max() <= 0:
        return None
    index = np.unravel_index(int(np.argmax(excess)), excess.shape)
    index = tuple(int(i) for i in index)
    return index, float(got[index]), float(expected[index])


def compare(what, got, expected, context="", atol=1e-8, rtol=1e-6, time_axis=None, forward=False):
    """Raise Failure unless got equals expected within tolerance.

    Args:
        what: the quantity's name as the learner knows it ("dW_hh", "h_t").
        got: what the learner's code returned (array-like).
        expected: (shape...) the right answer, a NumPy array.
        context: the input that was used ("T=4, B=2, seed 3"), added to the message.
        time_axis: the axis of got that is time, if any: the message then also
            lists the time steps that are wrong, in the order the loop visits
            them — the last step first for a backward pass (the default), the
            first step first when forward=True.
    Returns:
        None; raises Failure naming the worst element (index, got, expected).
    """
    where = f" (input: {context})" if context else ""
    if got is None:
        raise Failure(f"{what}: got None{where}")
    got = np.asarray(got)
    if got.shape != expected.shape:
        raise Failure(f"{what}: shape {got.shape}, expected {expected.shape}{where}")
    bad = worst(got.astype(np.float64), expected, atol, rtol)
    if bad is None:
        return
    index, g, e = bad
    message = f"{what}: worst element {index}: got {g:.8g}, expected {e:.8g}{where}"
    if time_axis is not None:
        T = got.shape[time_axis]
        wrong = [t for t in range(T)
                 if worst(np.take(got, t, axis=time_axis), np.take(expected, t, axis=time_axis), atol, rtol)]
        first = wrong[0] if forward else wrong[-1]
        right = range(0, first) if forward else range(first + 1, T)       # the steps visited before it
        order = wrong if forward else wrong[::-1]
        message += (f"\n  wrong at time steps t = {', '.join(map(str, order))} (of 0..{T - 1}); "
                    f"{'going forward' if forward else 'going backward'}, the first wrong step is t = {first}"
                    + (f"; {_steps(right)} right" if len(right) else ""))
    raise Failure(message)


def _steps(r):
    """'step 4 is' or 'steps 2..4 are', for a range of time steps."""
    return f"step {r[0]} is" if len(r) == 1 else f"steps {r[0]}..{r[-1]} are"


def compare_named(got, expected, context, time_axes=None, **tolerance):
    """compare() for each entry of `expected`, in its order, against the same
    key of the dict `got` the learner returned.

    Args:
        got: the learner's dict, e.g. {"dx": ..., "dW_hh": ...}.
        expected: name -> the right array, in the order to check them.
        context: the input, for the message.
        time_axes: {name: its time axis} for the arrays that have one (see compare).
    """
    if not isinstance(got, dict):
        raise Failure(f"expected a dict with keys {list(expected)}, got a {type(got).__name__}")
    missing = [k for k in expected if k not in got]
    if missing:
        raise Failure(f"the dict returned has no {', '.join(missing)}; expected keys {list(expected)}")
    for name, want in expected.items():
        compare(name, got[name], want, context, time_axis=(time_axes or {}).get(name), **tolerance)


def explain_bptt(got, expected, context, T, rules, sums):
    """compare_named for a backward through time, dx first, its axis 0 time;
    when it fails, add what the failure says about the loop.

    Args:
        got, expected, context: as compare_named's; expected starts with "dx".
        T: the sequence length of this case (1 first, then longer).
        rules: name -> the equation of that gradient, shown with the failure.
        sums: the names whose gradient is a sum over time of per-step terms.
    """
    try:
        compare_named(got, expected, context, time_axes={"dx": 0})
    except Failure as e:
        name = str(e).split(":")[0]
        rule = f"{name} = {rules[name]}" if name in rules else name
        if T == 1:
            why = f"with one step (T = 1), so the error is within one step; {rule}"
        elif name in sums:
            why = (f"T = 1 passes and dx is right at every step, so each step's δ is right; {rule} "
                   "is a sum over time: does every step add its term (+=, not =)?")
        else:
            why = f"T = 1 passes, so the error is in what step t+1 sends back to step t; {rule}"
        raise Failure(f"{e}\n  {why}") from None


def check_gate_blocks(got, expected, key, gates, context):
    """With one step (T = 1), a bias gradient's block k is Σ_b δ_k: a wrong
    block names the gate whose δ is wrong.

    Args:
        got, expected: the learner's dict and the right one.
        key: the bias gradient to split ("db", "db_hh").
        gates: {gate name: its δ's equation}, in the order of the blocks.
        context: the input, for the message.
    Returns:
        None; raises Failure naming the gate. A missing or misshapen entry
        is left for compare_named to report.
    """
    want = expected[key]
    H = want.shape[0] // len(gates)
    if not isinstance(got, dict) or np.shape(got.get(key)) != want.shape:
        return
    for k, (gate, rule) in enumerate(gates.items()):
        block = slice(k * H, (k + 1) * H)
        try:
            compare(f"{key}[{k * H}:{(k + 1) * H}], the block of δ_{gate}", np.asarray(got[key])[block],
                    want[block], context)
        except Failure as e:
            raise Failure(f"{e}\n  so δ_{gate} is wrong (one step, T = 1): {rule}; "
                          f"the blocks go in the order {', '.join('δ_' + g for g in gates)}") from None


def rng(seed):
    """The NumPy generator every grader draws its inputs from.

    Args:
        seed: an int, named in every failure message so that a case can be rerun.
    Returns:
        numpy.random.Generator.
    """
    return np.random.default_rng(seed)
