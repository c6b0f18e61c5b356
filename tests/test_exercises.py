"""The exercises' graders, proven: for every exercise the reference solution
passes, the untouched stub says "not implemented yet", and planted mistakes
(a transposed weight, `=` for `+=`, an off-by-one step, a missing bias
correction, a wrong sign) fail with a message that points at them.

A planted solution is the reference solution with one edit, written to a
temporary file and graded with `--file`'s path, so the learner's stubs are
never touched. Each edit must apply exactly once, so a row cannot silently
grade the unedited solution.
"""

import pathlib
import subprocess
import sys
from dataclasses import dataclass

import pytest

import exercises
from exercises import EXERCISES, resolve, run
from exercises.grade import load

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "exercises" / "solutions"


@dataclass
class Planted:
    name: str                  # the row's id
    exercise: str
    edits: tuple               # (old, new) pairs applied to the reference solution, each found exactly once
    expect: tuple              # fragments the failure message must contain

    def write(self, folder):
        text = (SOLUTIONS / f"{self.exercise}.py").read_text()
        for old, new in self.edits:
            assert text.count(old) == 1, f"{self.name}: the edit {old!r} does not apply exactly once"
            text = text.replace(old, new)
        path = folder / f"{self.exercise}_{self.name}.py"
        path.write_text(text)
        return path


FIRST_STRETCHED_ONLY = ("and g.shape[lead + i] != 1)\n", "and g.shape[lead + i] != 1)[:1]\n")
RECURSIVE = ('''    finished, seen = [], {id(root)}
    stack = [(root, iter(root.edges))]          # a node and the inputs still to visit
    while stack:
        node, inputs = stack[-1]
        for e in inputs:
            if isinstance(e, mg.Function) and id(e) not in seen:
                seen.add(id(e))
                stack.append((e, iter(e.edges)))
                break
        else:                                   # every input finished: so is node
            stack.pop()
            finished.append(node)
    return finished[::-1]''', '''    finished, seen = [], {id(root)}

    def visit(node):
        for e in node.edges:
            if isinstance(e, mg.Function) and id(e) not in seen:
                seen.add(id(e))
                visit(e)
        finished.append(node)

    visit(root)
    return finished[::-1]''')
BREADTH_FIRST = (RECURSIVE[0], '''    order, seen = [root], {id(root)}
    for node in order:                          # the list grows as it is read: breadth first
        for e in node.edges:
            if isinstance(e, mg.Function) and id(e) not in seen:
                seen.add(id(e))
                order.append(e)
    return order''')
SEQUENTIAL_SCAN = ('''    A, B = a, b
    offset = 1
    while offset < a.shape[0]:''', '''    pair, hs = (a[0], b[0]), [b[0]]
    for t in range(1, a.shape[0]):              # one step at a time: L - 1 combines
        pair = combine(pair, (a[t], b[t]))
        hs.append(pair[1])
    return np.stack(hs)
    A, B = a, b
    offset = 1
    while offset < a.shape[0]:''')
DETACH = "        state = tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()\n"
ONE_BACKWARD = (("    state, losses = None, []", "    state, losses, total = None, [], 0"),
                ("        loss.backward()                                                 # adds to every .grad",
                 "        total = total + loss"),
                (DETACH, ""),
                ("    return losses", "    total.backward()\n    return losses"))

PLANTED = [
    # 01: an op's backward
    Planted("mul_grads_swapped", "01_op_backward", (("return g * b, g * a", "return g * a, g * b"),),
            ("Mul.backward is wrong", "input 0 is a", "input 0 (shape (3, 4))")),
    Planted("softplus_wrong_sign", "01_op_backward", (("g * mg.sigmoid(x)", "g * mg.sigmoid(-x)"),),
            ("Softplus.backward is wrong",)),
    Planted("tanh_with_numpy", "01_op_backward",
            (("y = mg.backend.of(x).xp.tanh(x)", "import numpy\n        y = numpy.tanh(x)"),),
            ("Tanh failed on device 'array_api_strict'", "xp = mg.backend.of(x).xp")),
    Planted("softplus_overflows", "01_op_backward",
            (("xp.maximum(x, xp.zeros_like(x)) + xp.log1p(xp.exp(-xp.abs(x)))", "xp.log(1 + xp.exp(x))"),),
            ("Softplus.forward at large |x|", "got inf")),
    # 02: sum_to
    Planted("equal_ranks_only", "02_sum_to", (("lead = g.ndim - len(shape)", "lead = 0"),),
            ("a bias (B, T, H) -> (H,)", "g of shape (2, 3, 4) -> shape (4,)")),
    Planted("keepdims_dropped", "02_sum_to", (("keepdims=True", "keepdims=False"),
                                             ("return xp.reshape(summed, tuple(shape))", "return summed")),
            ("(B, T, H) -> (B, 1, H)", "shape (2, 4), expected (2, 1, 4)")),
    Planted("first_stretched_axis_only", "02_sum_to", (FIRST_STRETCHED_ONLY,),
            ("the smallest failing case hypothesis found", "-> shape (1, 1)")),
    # 03: the backward walk
    Planted("recursive_order", "03_backward_walk", (RECURSIVE,), ("recursed too deep", "3000 steps")),
    Planted("breadth_first_order", "03_backward_walk", (BREADTH_FIRST,),
            ("must come after it (consumers first)", "a short and a long path to a")),
    Planted("leaf_gradient_assigned", "03_backward_walk",
            (("edge.grad = gi if edge.grad is None else edge.grad + gi", "edge.grad = gi"),),
            ("half the right value", "a leaf used twice")),
    Planted("node_gradient_assigned", "03_backward_walk",
            (("grads[id(edge)] = gi if id(edge) not in grads else grads[id(edge)] + gi", "grads[id(edge)] = gi"),),
            ("leaf 0's .grad", "a node used three times")),
    # 04: RNN BPTT
    Planted("transposed_w_hh", "04_rnn_bptt", (("dh_next = delta @ W_hh  ", "dh_next = delta @ W_hh.T"),),
            ("dh0: worst element", "T=1", "not δ_t W_hhᵀ")),
    Planted("w_hh_not_accumulated", "04_rnn_bptt", (("dW_hh += delta.T @ h_prev", "dW_hh = delta.T @ h_prev"),),
            ("dW_hh: worst element", "T=5", "+=, not =")),
    Planted("h_t_for_h_prev", "04_rnn_bptt", (("dW_hh += delta.T @ h_prev", "dW_hh += delta.T @ hs[t]"),),
            ("dW_hh: worst element", "T=1", "the state step t read")),
    Planted("recurrent_stream_dropped", "04_rnn_bptt", (("dh = dhs[t] + dh_next", "dh = dhs[t]"),),
            ("dx: worst element", "T=5", "the first wrong step is t = 3; step 4 is right")),
    # 05: LSTM BPTT
    Planted("cell_stream_dropped", "05_lstm_bptt",
            (("dc = dh * o * (1 - tc ** 2) + dc_next", "dc = dh * o * (1 - tc ** 2)"),),
            ("dx: worst element", "T=5", "the first wrong step is t = 3")),
    Planted("forget_gate_off_by_one", "05_lstm_bptt", (("dc * c_prev * f * (1 - f)", "dc * cs[t] * f * (1 - f)"),),
            ("db[4:8], the block of δ_f", "δ_f is wrong", "T=1")),
    Planted("cell_path_without_f", "05_lstm_bptt", (("delta @ W_hh, dc * f", "delta @ W_hh, dc"),),
            ("dc0: worst element", "f alone")),
    # 06: the selective scan's backward
    Planted("a_t_for_a_next", "06_scan_backward", (("carry = a[t] * G[t]", "carry = a[t - 1] * G[t]"),),
            ("db: worst element", "L=6", "the first wrong step is t = 4", "a_(t+1)")),
    Planted("h_t_for_h_prev", "06_scan_backward", (("return G * h_prev, G", "return G * h, G"),),
            ("da: worst element", "h_(t-1)")),
    Planted("dA_without_delta", "06_scan_backward",
            (('dA = np.einsum("bldn,bld->dn", s, delta)', 'dA = np.einsum("bldn->dn", s)'),),
            ("dA: worst element", "part 2")),
    Planted("ddelta_missing_a_path", "06_scan_backward",
            (('ddelta = r * u + np.einsum("bldn,dn->bld", s, A)', "ddelta = r * u"),),
            ("ddelta: worst element", "Δ is in both a and b")),
    # 07: the associative combine
    Planted("combine_reversed", "07_scan_combine", (("return a1 * a2, a2 * b1 + b2", "return a1 * a2, a1 * b2 + b1"),),
            ("step 1 then step 2",)),
    Planted("scan_operands_swapped", "07_scan_combine",
            (("combine((A[:-offset], B[:-offset]), (A[offset:], B[offset:]))",
              "combine((A[offset:], B[offset:]), (A[:-offset], B[:-offset]))"),),
            ("inclusive_scan: worst element", "L=2", "the first wrong step is t = 1")),
    Planted("scan_is_a_loop", "07_scan_combine", (SEQUENTIAL_SCAN,), ("called combine", "log-depth")),
    # 08: Adam
    Planted("no_bias_correction", "08_adam",
            (("m_hat = m / (1 - beta1 ** t)", "m_hat = m"), ("v_hat = v / (1 - beta2 ** t)", "v_hat = v")),
            ("step t = 1", "without bias correction")),
    Planted("t_from_zero", "08_adam",
            (("beta1 ** t)", "beta1 ** (t - 1))"), ("beta2 ** t)", "beta2 ** (t - 1))")), ("β^(t-1)",)),
    Planted("v_of_g_not_g_squared", "08_adam", (("(1 - beta2) * grad * grad", "(1 - beta2) * grad"),),
            ("v (v ← β₂ v + (1 - β₂) g²)", "step t = 1")),
    # 09: clipping
    Planted("clipped_by_own_norm", "09_clip_grad_norm",
            (("return [g * factor for g in grads], total",
              "return [g * min(1.0, max_norm / (np.linalg.norm(g) + 1e-6)) for g in grads], total"),),
            ("grads[0] (shape (3, 4))", "its own norm")),
    Planted("squared_norm", "09_clip_grad_norm",
            (("total = float(np.sqrt(sum(np.sum(g * g) for g in grads)))",
              "total = float(sum(np.sum(g * g) for g in grads))"),),
            ("the total norm",)),
    Planted("always_scaled", "09_clip_grad_norm",
            (("factor = min(1.0, max_norm / (total + 1e-6))", "factor = max_norm / (total + 1e-6)"),),
            ("below max_norm",)),
    # 10: cross-entropy
    Planted("gradient_not_averaged", "10_cross_entropy",
            (("ctx.save_for_backward((softmax - onehot) / N)", "ctx.save_for_backward(softmax - onehot)"),),
            ("CrossEntropy.backward is wrong",)),
    Planted("no_max_subtracted", "10_cross_entropy",
            (("shifted = logits - logits.max(axis=1, keepdims=True)", "shifted = logits"),), ("±1000", "got inf")),
    Planted("float32_promoted", "10_cross_entropy", (("dtype=logits.dtype", "dtype=np.float64"),), ("float32",)),
    # 11: truncated BPTT
    Planted("never_detached", "11_truncated_bptt", ((DETACH, ""),),
            ("ran into an earlier chunk's graph", "detach the state", "RNN(3, 4), T=7")),
    Planted("one_backward_at_the_end", "11_truncated_bptt", ONE_BACKWARD, ("full BPTT",)),
    Planted("state_reset_each_chunk", "11_truncated_bptt",
            (("model(x[start:start + k], state)", "model(x[start:start + k], None)"),),
            ("the chunk losses", "start from zeros")),
    Planted("grad_cleared_each_chunk", "11_truncated_bptt",
            (("        loss.backward()", "        model.zero_grad()\n        loss.backward()"),),
            ("weight_ih_l0.grad", "cleared between chunks")),
    # 12: GRU BPTT
    Planted("b_hn_outside_the_reset", "12_gru_bptt",
            (("np.concatenate([d_r, d_z, d_n * r], axis=1)", "np.concatenate([d_r, d_z, d_n], axis=1)"),),
            ("db_hh[8:12], the block of δ_hn", "inside the reset product", "T=1")),
    Planted("direct_path_dropped", "12_gru_bptt",
            (("dh_next = d_hidden @ W_hh + dh * z", "dh_next = d_hidden @ W_hh"),),
            ("dh0: worst element", "direct path")),
    Planted("update_gate_sign", "12_gru_bptt", (("d_z = dh * (h_prev - n)", "d_z = dh * (n - h_prev)"),),
            ("db_ih[4:8], the block of δ_z", "δ_z is wrong")),
]


@pytest.mark.parametrize("name", EXERCISES)
def test_reference_solution_passes(name):
    passed, message = run(name, SOLUTIONS / f"{name}.py")
    assert passed, message
    assert message.startswith(f"PASS {name}: ")


@pytest.mark.parametrize("name", EXERCISES)
def test_untouched_stub_is_not_implemented(name):
    passed, message = run(name)
    assert not passed
    assert message.startswith(f"NOT DONE {name}: ") and "is not implemented yet" in message, message


@pytest.mark.filterwarnings("ignore::RuntimeWarning")          # the planted mistakes divide by zero
@pytest.mark.parametrize("row", PLANTED, ids=lambda r: f"{r.exercise}-{r.name}")
def test_planted_mistake_fails_pointing_at_it(row, tmp_path):
    passed, message = run(row.exercise, row.write(tmp_path))
    assert not passed, f"the planted mistake passed: {message}"
    assert message.startswith(f"FAIL {row.exercise}: "), message
    for fragment in row.expect:
        assert fragment in message, f"{fragment!r} not in:\n{message}"


def test_every_exercise_has_a_planted_mistake():
    assert {row.exercise for row in PLANTED} == set(EXERCISES)


def test_every_exercise_has_a_stub_a_grader_and_a_solution():
    for name in EXERCISES:
        stub = (ROOT / "exercises" / f"{name}.py").read_text()
        assert stub.startswith('"""Exercise ') and "Read first:" in stub and "raise NotImplementedError" in stub
        assert (ROOT / "exercises" / "graders" / f"{name}.py").is_file()
        assert (SOLUTIONS / f"{name}.py").is_file()
        assert f"| `{name}` | {EXERCISES[name]} |" in (ROOT / "exercises" / "README.md").read_text()


def test_a_module_object_is_graded_like_a_path():
    module = load(SOLUTIONS / "04_rnn_bptt.py")
    assert run("04_rnn_bptt", module) == run("04_rnn_bptt", SOLUTIONS / "04_rnn_bptt.py")


def test_an_exception_in_the_learners_code_is_shown_with_its_line(tmp_path):
    boom = ("T = x.shape[0]\n    dx", "T = x.shape[0]\n    raise ValueError('boom')\n    dx")
    row = Planted("raises", "04_rnn_bptt", (boom,), ())
    path = row.write(tmp_path)
    passed, message = run("04_rnn_bptt", path)
    assert not passed
    assert "your code raised ValueError: boom" in message and f"{path}:" in message, message


@pytest.mark.parametrize("row", [
    Planted("mul_backward_left", "01_op_backward",
            (("        a, b = ctx.saved_tensors\n        return g * b, g * a",
              "        raise NotImplementedError"),), ()),
    Planted("backward_left", "10_cross_entropy",
            (("        d, = ctx.saved_tensors\n        return g * d, None", "        raise NotImplementedError"),), ()),
], ids=lambda r: r.exercise)
def test_a_forward_without_its_backward_is_not_done(row, tmp_path):
    passed, message = run(row.exercise, row.write(tmp_path))
    assert not passed
    assert message.startswith(f"NOT DONE {row.exercise}: backward is not implemented yet"), message


def test_a_file_that_does_not_load_says_so(tmp_path):
    path = tmp_path / "broken.py"
    path.write_text("def sum_to(g, shape) return g\n")
    passed, message = run("02_sum_to", path)
    assert not passed and "your file does not load: SyntaxError" in message, message


@pytest.mark.parametrize("typed", ["04_rnn_bptt", "04", "4", "rnn_bptt"])
def test_an_exercise_is_named_by_full_name_number_or_topic(typed):
    assert resolve(typed) == "04_rnn_bptt"


def test_an_unknown_exercise_lists_the_exercises():
    with pytest.raises(KeyError, match="01_op_backward"):
        resolve("rnn")


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "exercises", *args], cwd=ROOT, capture_output=True, text=True)


def test_the_command_line_lists_checks_and_exits_with_the_verdict():
    listing = _cli("list")
    assert listing.returncode == 0
    assert [line.split()[0] for line in listing.stdout.splitlines()] == list(EXERCISES)
    passing = _cli("check", "09", "--file", str(SOLUTIONS / "09_clip_grad_norm.py"))
    assert passing.returncode == 0 and passing.stdout.startswith("PASS 09_clip_grad_norm"), passing.stdout
    stub = _cli("check", "clip_grad_norm")
    assert stub.returncode == 1 and "not implemented yet" in stub.stdout, stub.stdout
    progress = _cli("check")
    assert progress.returncode == 1 and progress.stdout.splitlines()[-1] == f"0 of {len(EXERCISES)} exercises pass"
    unknown = _cli("check", "nothing")
    assert unknown.returncode == 2 and "no exercise 'nothing'" in unknown.stderr, unknown.stderr


def test_the_package_docstring_names_the_two_commands():
    assert "python -m exercises list | check NAME" in exercises.__doc__
