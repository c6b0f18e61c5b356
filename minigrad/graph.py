"""A picture of the graph: Graphviz DOT text for the ops behind a tensor.

    print(minigrad.to_dot(loss))            # paste into any Graphviz viewer
    minigrad.render_dot(loss, "graph.png")  # needs the `dot` program

Ops are boxes labelled with their name and output shape (one per output for
split, unbind and other multi-output ops, whose arrows carry the output's
number); leaves that require grad are ellipses with their shape; arrows run
the way the forward pass did.
"""

import shutil
import subprocess

from minigrad.autograd import Output, _topological_order
from minigrad.tensor import Tensor


def to_dot(t, name="minigrad"):
    """DOT text of the graph behind `t`: a box per op (its name and output shape), an
    ellipse per leaf that requires grad, arrows the way the forward pass ran.

    Args:
        t: a Tensor made with grad enabled (a leaf gives a graph of one ellipse).
        name: the graph's name in the DOT text.
    Returns:
        str, the DOT source; paste it into any Graphviz viewer.
    """
    lines = [f'digraph "{name}" {{', "  rankdir=LR;", '  node [fontname="Helvetica", fontsize=10];']
    if t.grad_fn is None:
        lines.append(f'  n{id(t)} [label="leaf {t.shape}", shape=ellipse];')
        return "\n".join(lines + ["}"])
    for node in _topological_order([t.grad_fn]):
        lines.append(f'  n{id(node)} [label="{type(node).__name__}\\n{node.out_shape}", shape=box];')
        for e in node.edges:
            if e is None:
                continue
            if type(e) is Output:                  # output i of a multi-output op: a labelled arrow
                lines.append(f'  n{id(e.node)} -> n{id(node)} [label="{e.index}"];')
                continue
            if isinstance(e, Tensor):
                lines.append(f'  n{id(e)} [label="leaf {e.shape}", shape=ellipse];')
            lines.append(f"  n{id(e)} -> n{id(node)};")
    return "\n".join(lines + ["}"])


def render_dot(t, path, fmt=None):
    """Write the graph behind `t` as an image with Graphviz's `dot` program.

    Args:
        t: a Tensor made with grad enabled, as for to_dot.
        path: the image file to write, e.g. "graph.png".
        fmt: the image format ("png", "svg", "pdf", ...); None takes it from path's extension.
    Returns:
        None. Raises RuntimeError, naming the fix, when `dot` is not installed.
    """
    dot = shutil.which("dot")
    if dot is None:
        raise RuntimeError("render_dot needs Graphviz's `dot` program (e.g. apt-get install graphviz); "
                           "to_dot(t) gives the text without it")
    fmt = fmt or path.rsplit(".", 1)[-1]
    subprocess.run([dot, f"-T{fmt}", "-o", path], input=to_dot(t).encode(), check=True)
