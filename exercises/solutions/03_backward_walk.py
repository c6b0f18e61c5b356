"""Reference solution of exercise 03 (there to prove the grader; try the exercise first)."""

import minigrad as mg


def topological_order(root):
    """The nodes behind `root`, each before every node that feeds it.

    Args:
        root: a node (a minigrad.Function instance, y.grad_fn).
    Returns:
        a list of nodes, root first; leaves (Tensors) and None are not in it.
    """
    finished, seen = [], {id(root)}
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
    return finished[::-1]                       # inputs last


def backward(y):
    """Add ∂y/∂leaf to leaf.grad for every leaf behind the scalar y.

    Args:
        y: a Tensor of shape () made by ops, with y.grad_fn not None.
    Returns:
        None; the leaves' .grad hold the gradients.
    """
    with mg.no_grad():
        grads = {id(y.grad_fn): mg.ones_like(y)}               # node id -> ∂y/∂(its output)
        for node in topological_order(y.grad_fn):
            g = grads.pop(id(node), None)
            if g is None:                                      # no gradient reached it
                continue
            input_grads = type(node).backward(node, g)
            if not isinstance(input_grads, tuple):
                input_grads = (input_grads,)
            for edge, gi in zip(node.edges, input_grads):
                if edge is None or gi is None:
                    continue
                if isinstance(edge, mg.Tensor):                # a leaf
                    edge.grad = gi if edge.grad is None else edge.grad + gi
                else:                                          # a node: add, never assign
                    grads[id(edge)] = gi if id(edge) not in grads else grads[id(edge)] + gi
