"""Exercise 03 — the backward walk: a topological order without recursion, and backward().

Read first: minigrad/autograd.py, from "the backward walk" down:
_run_backward (the library's walk: a heap keyed by creation order) and
_topological_order (an iterative depth-first search, the one you write here).

The graph. Every tensor an op made knows its node, `y.grad_fn` (a
minigrad.Function instance). A node knows where its inputs came from:
`node.edges` is a tuple with one entry per argument of the op's forward —

    a node (a Function)    the input was made by that op
    a Tensor               the input is a leaf (made by you, e.g. requires_grad=True)
    None                   the input needs no gradient (a constant, an axis, ...)

and `type(node).backward(node, g)` is the op's backward: given g = ∂L/∂(its
output), a Tensor, it returns the gradient of each argument (a Tensor, or a
tuple of them, one per entry of node.edges, None where there is none).
(The graphs here contain no op with several outputs.)

Part 1, topological_order(root): every node behind root, each before every
node that feeds it (consumers first), so that when the walk reaches a node,
every gradient it will ever receive has arrived. Two traps:

  * Recursion. A depth-first search written as a recursive function fails on
    deep graphs: backpropagation through time makes graphs as deep as the
    sequence is long, and Python stops at ~1000 nested calls. Keep an
    explicit stack. The grader uses a chain of 3000 steps.
  * Order. Breadth-first order is not topological: in y = a + tanh(tanh(a))
    it reaches a by the short path before the long path has delivered a's
    second gradient.

  A post-order depth-first search (a node is finished after all its inputs
  are) gives inputs first; reversed, consumers first (topological sort:
  Cormen et al., Introduction to Algorithms, 3rd ed., §22.4).

Part 2, backward(y): the walk. For a scalar y, set leaf.grad for every leaf
that requires grad to ∂y/∂leaf:

    start with ∂y/∂y = ones like y, given to y.grad_fn
    for each node in topological order:
        g = the sum of everything its consumers gave it
        grads = type(node).backward(node, g)           (a tuple, or one Tensor)
        for each edge, grad: give grad to the edge — ADD it to what the edge
        already has (a node reached twice, or x * x reaching x twice, gets the
        sum; assigning instead makes d(x·x)/dx come out as x, half of 2x)

  Leaves collect in leaf.grad (add to it when it is not None). Run the walk
  inside `with mg.no_grad():` so that it builds no graph of its own, and
  compare the ids of nodes (id(node)) rather than the nodes.

The grader (python -m exercises check 03): four graphs (a leaf used twice; a
diamond; a short and a long path to one node; a 3000-step recurrence) —
your order is checked for completeness and order, your leaf gradients
against minigrad.grad.
"""

import minigrad as mg  # noqa: F401  (for your code: mg.Function, mg.Tensor, mg.no_grad, mg.ones_like)


def topological_order(root):
    """The nodes behind `root`, each before every node that feeds it.

    Args:
        root: a node (a minigrad.Function instance, y.grad_fn).
    Returns:
        a list of nodes, root first; leaves (Tensors) and None are not in it.
    """
    raise NotImplementedError


def backward(y):
    """Add ∂y/∂leaf to leaf.grad for every leaf behind the scalar y.

    Args:
        y: a Tensor of shape () made by ops, with y.grad_fn not None.
    Returns:
        None; the leaves' .grad hold the gradients.
    """
    raise NotImplementedError
