"""Reverse-mode autodiff: the Function node, and the one walk that runs backward.

Forward. Every op is a subclass of Function with two static methods:

    forward(ctx, *args)  -> array      on raw backend arrays; fast
    backward(ctx, grad)  -> grads      on Tensors, one per argument (None if none)

An op with several outputs (split, unbind) returns a tuple of arrays from
forward; `apply` then returns a tuple of Tensors, and backward receives one
gradient per output: `backward(ctx, *grads)`, with None for an output that no
gradient reached (the op decides what that means — usually zeros).

`Function.apply(*args)` unwraps Tensors to arrays, runs forward, and — when some
input requires grad and grad mode is on — makes the ctx a node of the graph:
it remembers, for each input, where that input's gradient must go (the node
that made it, or the leaf Tensor itself; for an output of a multi-output op,
an Output edge: the node and the output's number), and the tensors forward saved with
`ctx.save_for_backward`.

Backward. `backward(root)` runs the nodes behind `root` so that each runs
only after every node that consumes its output (youngest first, see
_run_backward), calls each node's backward once with the sum of the
gradients that reached it (per output, for a multi-output node), and passes
the results on to its inputs. Leaves add what reaches them to `.grad`.

Because each op's backward is written with Tensor ops, the same code serves
first and higher-order gradients: with create_graph=False it runs under
no_grad and builds nothing; with create_graph=True the backward pass is
itself recorded, and its results can be differentiated again.
"""

import contextlib
import heapq
import itertools

from minigrad import backend

_grad_enabled = True
_NDARRAY = backend.NUMPY.xp.ndarray      # the common case, recognised by type alone
_sequence = itertools.count()            # numbers nodes in the order they are created


@contextlib.contextmanager
def no_grad():
    """Inside this block ops build no graph (for evaluation and parameter updates)."""
    global _grad_enabled
    previous, _grad_enabled = _grad_enabled, False
    try:
        yield
    finally:
        _grad_enabled = previous


@contextlib.contextmanager
def enable_grad():
    global _grad_enabled
    previous, _grad_enabled = _grad_enabled, True
    try:
        yield
    finally:
        _grad_enabled = previous


def is_grad_enabled():
    return _grad_enabled


_OUTPUT = object()   # marks "the op's own output" among the saved tensors


class _OutputNumber(int):
    """Marks "the op's output number i" among a multi-output op's saved tensors."""


class Output:
    """An edge to output `index` of a multi-output node: where the gradient
    of that output goes. Has the output's shape, as a node has its own."""

    __slots__ = ("node", "index", "out_shape")

    def __init__(self, node, index):
        self.node, self.index, self.out_shape = node, index, node.out_shape[index]


class Function:
    """Base class of every op; an instance is both the ctx and the graph node.

    Subclass it to write an op of your own (see the README):

        class Cube(Function):
            @staticmethod
            def forward(ctx, x):                 # x: an array
                ctx.save_for_backward(x)
                return x ** 3
            @staticmethod
            def backward(ctx, g):                # g: a Tensor like the output
                x, = ctx.saved_tensors           # Tensors again
                return g * 3 * x ** 2

        y = Cube.apply(x)

    An op with several outputs returns a tuple of arrays from forward and
    gets one gradient per output in backward, None for outputs no gradient
    reached:

        class SplitHalves(Function):
            @staticmethod
            def forward(ctx, x):                 # x (2n,) -> (n,), (n,)
                n = x.shape[0] // 2
                return x[:n], x[n:]
            @staticmethod
            def backward(ctx, g1, g2):           # either may be None
                ...

        a, b = SplitHalves.apply(x)

    Set `once_differentiable = True` on ops whose backward works on raw arrays
    (the hand-written BPTT layers): asking them for create_graph=True raises.
    """

    once_differentiable = False
    n_outputs = 1            # set by apply on the nodes of multi-output ops
    _to_save = ()            # what forward passed to save_for_backward, if it called it
    _saved = ()              # the same, as backward gets them (see _saved_form)
    _freed = False           # set by _release after a backward without retain_graph

    # ---- used inside forward ------------------------------------------------
    def save_for_backward(self, *arrays):
        """Keep these for backward. Pass the input arrays forward received (they
        come back as the input Tensors), the array forward returns (comes back
        as the output Tensor), any other array (comes back as a constant
        Tensor), or Python numbers (come back as they are)."""
        self._to_save = arrays

    # ---- used inside backward -----------------------------------------------
    @property
    def saved_tensors(self):
        if self._freed:
            raise RuntimeError(_FREED_MESSAGE.format(type(self).__name__))
        # the output comes back as a Tensor made by this node, so that a backward
        # using it can be differentiated once more
        if self.n_outputs == 1:
            return tuple(Tensor(self._out_data, requires_grad=True, grad_fn=self) if t is _OUTPUT else t
                         for t in self._saved)
        return tuple(self._output(t) if type(t) is _OutputNumber else t for t in self._saved)

    def _output(self, i):
        y = Tensor(self._out_data[i], requires_grad=True, grad_fn=self)
        y._output_nr = int(i)
        return y

    # ---- building the graph -------------------------------------------------
    @classmethod
    def apply(cls, *args):
        # This runs once per op, forward and backward, so it is kept lean: one
        # pass over the arguments, and no graph bookkeeping under no_grad.
        raw, needs, all_numpy = [], [], True
        for a in args:
            if isinstance(a, Tensor):
                needs.append(a._requires_grad)
                a = a._data
                all_numpy = all_numpy and type(a) is _NDARRAY
            else:
                needs.append(False)
            raw.append(a)
        if not all_numpy:
            _check_devices(cls, args)
        ctx = cls()
        try:
            result = cls.forward(ctx, *raw)
        except (ValueError, TypeError, IndexError, RuntimeError) as e:
            raise _named(e, cls, args) from None
        if type(result) is tuple:
            return _apply_multi(ctx, args, needs, result)
        if not (_grad_enabled and any(needs) and backend.is_float(result.dtype)):   # integers carry no gradient
            return Tensor(result)

        ctx.needs_input_grad = tuple(needs)
        ctx.out_shape = tuple(result.shape)
        # where each input's gradient goes: its node, the leaf itself, or nowhere
        # (_edge_of written inline: this line runs for every op)
        ctx.edges = tuple([((a.grad_fn or a) if a._output_nr is None else Output(a.grad_fn, a._output_nr))
                           if need else None for a, need in zip(args, needs)])
        ctx._seq = next(_sequence)
        if ctx._to_save:
            ctx._saved = tuple([_saved_form(arr, args, result, ctx) for arr in ctx._to_save])
        y = Tensor(result, grad_fn=ctx)
        y._requires_grad = True             # a float output of an op that needs grad (checked above)
        return y

    def _release(self):
        """Drop everything forward stored (PyTorch's retain_graph=False); keep
        only the edges, so that the graph can still be drawn and a second
        backward can say clearly what happened."""
        self.__dict__ = {"needs_input_grad": self.needs_input_grad, "edges": self.edges,
                         "out_shape": self.out_shape, "n_outputs": self.n_outputs,
                         "_seq": self._seq, "_freed": True}


def _apply_multi(ctx, args, needs, results):
    """apply's second half for an op whose forward returned a tuple of arrays:
    a tuple of Tensors, output i knowing it is output i of this node."""
    if not (_grad_enabled and any(needs) and backend.is_float(results[0].dtype)):
        return tuple([Tensor(r) for r in results])
    ctx.needs_input_grad = tuple(needs)
    ctx.n_outputs = len(results)
    ctx.out_shape = tuple([tuple(r.shape) for r in results])     # one shape per output
    ctx.edges = tuple([_edge_of(a) if need else None for a, need in zip(args, needs)])
    ctx._seq = next(_sequence)
    if ctx._to_save:
        ctx._saved = tuple([_saved_form(arr, args, results, ctx) for arr in ctx._to_save])
    ys = []
    for i, r in enumerate(results):
        y = Tensor(r, grad_fn=ctx)
        y._requires_grad, y._output_nr = True, i
        ys.append(y)
    return tuple(ys)


def _saved_form(arr, args, result, ctx):
    """What save_for_backward keeps of one array: the output (as a marker, so
    that no Tensor refers to its own node), an input Tensor, or a constant."""
    if arr is result:
        ctx._out_data = backend.ensure_array(result)
        return _OUTPUT
    if type(result) is tuple:                        # a multi-output op: is it output i?
        for i, r in enumerate(result):
            if arr is r:
                ctx._out_data = tuple([backend.ensure_array(r) for r in result])
                return _OutputNumber(i)
    for a in args:
        if isinstance(a, Tensor) and a._data is arr:
            return a
    if hasattr(arr, "shape"):
        return Tensor(arr)                           # an array forward made: a constant
    return arr                                       # a Python number stays one


_FREED_MESSAGE = ("{}: trying to backward through the graph a second time; its saved tensors were "
                  "freed after the first backward. Pass retain_graph=True to the first call.")


def _named(e, cls, args):
    """The library's error, its message prefixed with the op and the inputs it got."""
    try:
        return type(e)(f"{cls.__name__.lower()}: {e} (inputs: {_describe(args)})")
    except Exception:                  # an error type that wants other arguments: as it was
        return e


def _check_devices(cls, args):
    devices = {a.device for a in args if isinstance(a, Tensor)}
    if len(devices) > 1:
        raise RuntimeError(f"{cls.__name__.lower()}: expected all tensors on one device, "
                           f"got {_describe(args)}")


def _describe(args):
    parts = []
    for a in args:
        if isinstance(a, Tensor):
            parts.append(f"Tensor(shape={a.shape}, dtype={backend.dtype_name(a.dtype)}, device={a.device})")
        elif hasattr(a, "shape") and hasattr(a, "dtype"):
            parts.append(f"array(shape={tuple(a.shape)}, dtype={backend.dtype_name(a.dtype)})")
        else:
            parts.append(repr(a) if len(repr(a)) < 60 else type(a).__name__)
    return ", ".join(parts)


# ---- the backward walk ------------------------------------------------------

def _run_backward(roots, grads, retain_graph, create_graph, targets=None):
    """Propagate `grads` (one Tensor per root) back through the graph.

    The order. A node may run only after every node that consumes its output
    has handed it a gradient. Every node is numbered when it is created
    (`_seq`), and an op's inputs exist before the op does, so each node is
    younger than all of its consumers. Running the waiting nodes youngest
    first — a heap keyed by that number, as PyTorch's engine does — is
    therefore a topological order, found in the same pass that runs the nodes.

    Multi-output nodes. A gradient for output i of a node waits in slot i of
    that node's entry; the node runs once, with one gradient per output (None
    in the slots nothing reached).

    No recursion. Backpropagation through time makes graphs as deep as the
    sequence is long (an RNN over 100,000 steps is a chain of a million
    nodes); a recursive walk would exceed Python's stack at ~1000 levels.

    `roots` are edges (see _edge_of). Returns {id(x): (x, gradient)} for the
    leaves reached, and for `targets` (ids of nodes or leaves whose total
    gradient the caller wants; None means just the leaves; a multi-output
    node's gradient is its list of one per output). With targets, nodes that
    lead to none are not run.
    """
    leads = None                               # with targets: the nodes whose backward leads to one
    if targets is not None:
        leads = set()
        for node in _topological_order([_node_of(r) for r in roots]):   # inputs first: a node
            for e in node.edges:                                        # sees its parents' verdicts
                if e is not None and (id(_node_of(e)) in targets or id(_node_of(e)) in leads):
                    leads.add(id(node))
                    break

    # id -> [node or leaf, summed gradient (a list of one per output for a multi-output node)]
    pending, waiting = {}, []                  # and a heap of (-seq, node)
    for root, g in zip(roots, grads):
        _accumulate(pending, waiting, root, g)

    captured = {}
    with enable_grad() if create_graph else no_grad():
        while waiting:
            _, node = heapq.heappop(waiting)   # the youngest node: all its consumers have run
            _, g = pending.pop(id(node))
            if targets is not None:
                if id(node) in targets:
                    captured[id(node)] = (node, g)
                if id(node) not in leads:
                    continue
            if node._freed:
                raise RuntimeError(_FREED_MESSAGE.format(type(node).__name__))
            if create_graph and node.once_differentiable:
                raise RuntimeError(
                    f"{type(node).__name__}: its backward is written by hand on raw arrays and gives "
                    "first-order gradients only; create_graph=True needs the op's autograd path")
            if type(g) is list:                # a multi-output node's slots: one gradient per output
                input_grads = type(node).backward(node, *g)
            else:
                input_grads = type(node).backward(node, g)
            if not isinstance(input_grads, tuple):
                input_grads = (input_grads,)
            if len(input_grads) != len(node.edges):
                raise RuntimeError(f"{type(node).__name__}.backward returned {len(input_grads)} gradients "
                                   f"for {len(node.edges)} forward arguments; return one per argument (None "
                                   "for those that need none)")
            if not retain_graph:
                node._release()
            for edge, gi in zip(node.edges, input_grads):
                if edge is not None and gi is not None:
                    _check_grad(node, edge, gi)
                    _accumulate(pending, waiting, edge, gi)

    captured.update(pending)                   # what is left has reached leaves
    return captured


def _accumulate(pending, waiting, where, g):
    if type(where) is Output:                  # output i of a multi-output node: slot i of its entry
        _accumulate_output(pending, waiting, where.node, where.index, g)
        return
    entry = pending.get(id(where))
    if entry is not None:
        # out of place: add's backward hands one tensor to both inputs, and an
        # in-place += would then double the sibling's gradient too
        entry[1] = entry[1] + g
    else:
        pending[id(where)] = [where, g]
        if not isinstance(where, Tensor):      # a node: it will run; a leaf just collects
            heapq.heappush(waiting, (-where._seq, where))


def _accumulate_output(pending, waiting, node, i, g):
    entry = pending.get(id(node))
    if entry is None:
        entry = pending[id(node)] = [node, [None] * node.n_outputs]
        heapq.heappush(waiting, (-node._seq, node))
    slots = entry[1]
    slots[i] = g if slots[i] is None else slots[i] + g


def _check_grad(node, edge, g):
    """A backward's result for one input: a Tensor of that input's shape."""
    if not isinstance(g, Tensor):
        raise TypeError(f"{type(node).__name__}.backward returned a {type(g).__name__}, not a Tensor; "
                        "a backward working on raw arrays wraps its results with mg.Tensor(array)")
    expected = edge.shape if isinstance(edge, Tensor) else edge.out_shape
    if g.shape != expected:
        raise RuntimeError(f"{type(node).__name__}.backward returned a gradient of shape {g.shape} for an "
                           f"input of shape {expected}; each gradient must have its input's shape")


def _edge_of(t):
    """Where a gradient for tensor t goes: the node that made it, or t itself
    if it is a leaf, or an Output edge if t is output i of a multi-output node."""
    if t._output_nr is not None:
        return Output(t.grad_fn, t._output_nr)
    return t.grad_fn or t


def _node_of(edge):
    """The node (or leaf) an edge leads to, whichever output of it."""
    return edge.node if type(edge) is Output else edge


def _topological_order(roots):
    """Nodes reachable from `roots`, each after all nodes that feed it (for
    grad()'s pruning and for to_dot). Iterative depth-first search with an
    explicit stack, for the same reason the walk above does not recurse."""
    order, seen = [], set()
    for root in roots:
        if root is None or isinstance(root, Tensor) or id(root) in seen:
            continue
        seen.add(id(root))
        stack = [(root, iter(root.edges))]
        while stack:
            node, parents = stack[-1]
            for p in parents:
                p = _node_of(p)
                if p is not None and not isinstance(p, Tensor) and id(p) not in seen:
                    seen.add(id(p))
                    stack.append((p, iter(p.edges)))
                    break
            else:                        # every parent done: node is finished
                stack.pop()
                order.append(node)
    return order                         # inputs first


def _seed_grad(t, grad, op):
    if grad is None:
        if t.numel() != 1:
            raise RuntimeError(f"{op}: a gradient can be created implicitly only for a scalar output; "
                               f"this output has shape {t.shape}. Pass grad= of that shape.")
        return Tensor(backend.of(t._data).full(t.shape, 1, t.dtype))
    if not isinstance(grad, Tensor):
        grad = Tensor(backend.of(t._data).asarray(grad, t.dtype))
    if grad.shape != t.shape:
        raise ValueError(f"{op}: grad has shape {grad.shape} but the output has shape {t.shape}")
    if grad.device != t.device:
        raise RuntimeError(f"{op}: grad is on device {grad.device} but the output is on {t.device}")
    if backend.dtype_name(grad.dtype) != backend.dtype_name(t.dtype):
        grad = grad.astype(t.dtype)            # as PyTorch does: gradients take their tensor's dtype
    return grad


def backward(t, grad=None, retain_graph=False, create_graph=False):
    """Accumulate d(t)/d(leaf) · grad into `.grad` of every leaf that requires grad."""
    if not t.requires_grad:
        raise RuntimeError("backward: this tensor does not require grad and has no grad_fn "
                           "(did an input have requires_grad=True? was it made under no_grad?)")
    g = _seed_grad(t, grad, "backward")
    result = _run_backward([_edge_of(t)], [g], retain_graph or create_graph, create_graph)
    for leaf, gi in result.values():
        if not isinstance(leaf, Tensor):
            continue
        if not create_graph:
            gi = gi.detach()
        leaf.grad = gi if leaf.grad is None else leaf.grad + gi


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False):
    """The gradients of `outputs` with respect to `inputs`, returned, not accumulated.

    PyTorch's torch.autograd.grad. With create_graph=True the returned
    gradients are themselves part of a graph, so they can be differentiated
    again: Hessian-vector products, gradient penalties, Newton steps.
    """
    single = isinstance(inputs, Tensor)
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    inputs = [inputs] if single else list(inputs)
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif isinstance(grad_outputs, Tensor):
        grad_outputs = [grad_outputs]
    if retain_graph is None:
        retain_graph = create_graph
    for i, x in enumerate(inputs):
        if not x.requires_grad:
            raise RuntimeError(f"grad: input {i} (shape {x.shape}, dtype {backend.dtype_name(x.dtype)}) "
                               "does not require grad")
    roots, seeds = [], []
    for o, go in zip(outputs, grad_outputs):
        if not o.requires_grad:
            raise RuntimeError("grad: an output does not require grad and has no grad_fn")
        roots.append(_edge_of(o))
        seeds.append(_seed_grad(o, go, "grad"))
    where = [_edge_of(x) for x in inputs]
    result = _run_backward(roots, seeds, retain_graph, create_graph,
                           targets={id(_node_of(w)) for w in where})
    grads = []
    for i, w in enumerate(where):
        gi = result.get(id(_node_of(w)), (None, None))[1]
        if type(w) is Output and gi is not None:       # x is output w.index of a multi-output node
            gi = gi[w.index]
        if gi is None and not allow_unused:
            raise RuntimeError(f"grad: input {i} was not used to compute the outputs "
                               "(pass allow_unused=True to get None for it)")
        if gi is not None and not create_graph:
            gi = gi.detach()
        grads.append(gi)
    return grads[0] if single else tuple(grads)


# imported last: Tensor's methods call back into this module
from minigrad.tensor import Tensor  # noqa: E402
