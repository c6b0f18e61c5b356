"""Grades exercise 03: topological_order and backward on four graphs.

The order is checked against the graph itself (every node there, each before
the nodes that feed it); the leaf gradients against minigrad.grad.
"""

import numpy as np

import minigrad as mg
from exercises.grade import Failure, call, compare, rng

CHAIN = 3000          # steps of the recurrence; recursion stops at ~1000


def _graphs(seed):
    """(name, y, the leaves that require grad): four graphs on float64 leaves."""
    r = rng(seed)

    def leaf(*shape):
        return mg.tensor(r.standard_normal(shape), requires_grad=True)

    x = leaf(3)
    yield "y = sum(x * x), a leaf used twice", (x * x).sum(), [x]
    x, w = leaf(2, 3), leaf(3)
    a = x * w
    yield "a = x * w; y = sum(tanh(a) + a * a), a node used three times", (mg.tanh(a) + a * a).sum(), [x, w]
    x, w = leaf(4), leaf(4)
    a = x * w
    yield ("a = x * w; y = sum(a + tanh(tanh(a))), a short and a long path to a",
           (a + mg.tanh(mg.tanh(a))).sum(), [x, w])
    w, xs = leaf(2), leaf(CHAIN, 2)
    h = mg.zeros(2, dtype="float64")
    for t in range(CHAIN):
        h = mg.tanh(h * w * 0.5 + xs[t])
    yield f"h_t = tanh(0.5 h_(t-1) w + x_t) for {CHAIN} steps, y = sum(h)", h.sum(), [w, xs]


def _reachable(root):
    """Every node behind root (the grader's own search, in no particular order)."""
    seen, todo = {id(root): root}, [root]
    while todo:
        for e in todo.pop().edges:
            if isinstance(e, mg.Function) and id(e) not in seen:
                seen[id(e)] = e
                todo.append(e)
    return seen


def _check_order(order, root, name):
    if not isinstance(order, list):
        raise Failure(f"topological_order returned a {type(order).__name__}, expected a list of nodes (graph: {name})")
    nodes = _reachable(root)
    position = {id(n): i for i, n in enumerate(order)}
    missing = [type(n).__name__ for k, n in nodes.items() if k not in position]
    if missing or len(order) != len(nodes):
        raise Failure(f"topological_order returned {len(order)} entries for the {len(nodes)} nodes behind "
                      f"the root (missing: {missing[:5]}; each node once, no leaves) (graph: {name})")
    for i, node in enumerate(order):
        for e in node.edges:
            if isinstance(e, mg.Function) and position[id(e)] < i:
                raise Failure(f"topological_order: the {type(e).__name__} node at position {position[id(e)]} "
                              f"feeds the {type(node).__name__} node at position {i}, so it must come after "
                              f"it (consumers first) (graph: {name})")


def check(module):
    """Grade the learner's module.

    Args:
        module: the learner's module (a file loaded by exercises.grade.load).
    Returns:
        a one-line summary of what passed; raises Failure, or NotImplementedYet
        while a function still raises NotImplementedError.
    """
    for name, y, leaves in _graphs(seed=0):
        expected = mg.grad(y, leaves, retain_graph=True)
        try:
            order = call(module, "topological_order", y.grad_fn)
        except RecursionError:
            raise Failure(f"topological_order recursed too deep (graph: {name}); a graph as deep as a long "
                          "sequence needs an explicit stack, not recursion") from None
        _check_order(order, y.grad_fn, name)
        for leaf in leaves:
            leaf.grad = None
        try:
            call(module, "backward", y)
        except RecursionError:
            raise Failure(f"backward recursed too deep (graph: {name}); walk the topological order in a loop") from None
        for i, (leaf, e) in enumerate(zip(leaves, expected)):
            if leaf.grad is None:
                raise Failure(f"backward left leaf {i} (shape {leaf.shape}) with .grad None (graph: {name})")
            got, want = leaf.grad.numpy(), e.numpy()
            try:
                compare(f"leaf {i}'s .grad", got, want, f"graph: {name}", atol=1e-10, rtol=1e-8)
            except Failure as e:
                half = np.allclose(got * 2, want) and not np.allclose(want, 0)
                raise Failure(f"{e}\n  it is half the right value everywhere: a gradient was assigned "
                              "where it should have been added" if half else str(e)) from None
    return ("topological order and leaf gradients right on four graphs, the deepest a "
            f"{CHAIN}-step recurrence, without recursion")
