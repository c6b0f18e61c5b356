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

import heapq
import itertools
import weakref

from minigrad import backend
from minigrad.grad_mode import _enabled, enable_grad, no_grad

_NDARRAY = backend.NUMPY.xp.ndarray      # the common case, recognised by type alone
_sequence = itertools.count()            # numbers nodes in the order they are created


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
    _saved_versions = ()     # for each saved tensor, its version when saved (None: a constant)
    _freed = False           # set by _release after a backward without retain_graph
    _hooks = None            # {output number: [hook, ...]}: hooks of the tensors this node made

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
        """What forward passed to save_for_backward, as Tensors (see there).
        Raises RuntimeError if one of them was changed in place since."""
        if self._freed:
            raise RuntimeError(_FREED_MESSAGE.format(type(self).__name__))
        # each saved tensor's version then and now: an in-place write since
        # (through any alias) would make this backward silently wrong
        for t, then in zip(self._saved, self._saved_versions):
            if then is not None and _version_now(self, t) != then:
                raise RuntimeError(_modified_message(self, t, then))
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
        """Run the op on args and, when autograd records, make this node of the graph.

        Args:
            *args: the op's arguments; Tensors are passed to forward as their arrays.
        Returns:
            a Tensor (a tuple of Tensors for an op with several outputs).
        """
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
        if not (_enabled.get() and any(needs) and backend.is_float(result.dtype)):   # integers carry no gradient
            return Tensor(result)

        ctx.needs_input_grad = tuple(needs)
        ctx.out_shape = tuple(result.shape)
        # where each input's gradient goes: its node, the leaf itself, or nowhere
        # (_edge_of written inline: this line runs for every op)
        ctx.edges = tuple([((a.grad_fn or a) if a._output_nr is None else Output(a.grad_fn, a._output_nr))
                           if need else None for a, need in zip(args, needs)])
        ctx._seq = next(_sequence)
        y = Tensor(result, grad_fn=ctx)
        y._requires_grad = True             # a float output of an op that needs grad (checked above)
        if ctx._to_save:
            ctx._saved_versions = versions = []
            ctx._saved = tuple([_saved_form(arr, args, result, ctx, (y,), versions) for arr in ctx._to_save])
        return y

    def _release(self):
        """Drop everything forward stored (PyTorch's retain_graph=False); keep
        only the edges, so that the graph can still be drawn and a second
        backward can say clearly what happened."""
        self.__dict__ = {"needs_input_grad": self.needs_input_grad, "edges": self.edges,
                         "out_shape": self.out_shape, "n_outputs": self.n_outputs,
                         "_seq": self._seq, "_freed": True}


class View(Function):
    """An op whose output can share its input's memory: reshape, permute, basic
    indexing, split/unbind, broadcast_to (NumPy's views).

    Where the output does share memory (the backend tells), it also shares the
    input's version counter, so that a write through either is seen by the
    checks that read the other, and it is entered in the counter's list of
    views, which the in-place ops consult (ops/inplace.py)."""

    @classmethod
    def apply(cls, x, *args):
        out = super().apply(x, *args)
        if isinstance(x, Tensor):
            for y in (out if type(out) is tuple else (out,)):
                if backend.of(x._data).shares_memory(y._data, x._data):
                    y._version = x._version
                    # (views made under no_grad are not listed: as in PyTorch, they
                    # stay constants whatever is later recorded on what they view)
                    if _enabled.get():
                        x._version.add_view(y, x, cls, args)
        return out


class StaleHistory(Function):
    """The history given to a tensor whose values an in-place op recorded by
    autograd changed through another tensor sharing its memory (a view of it,
    or the tensor it is a view of). Its old history no longer matches its
    values, so a gradient through it would be wrong: backward raises instead."""

    def __init__(self, shape=()):
        self.edges, self.needs_input_grad, self.out_shape = (), (), shape
        self._seq = next(_sequence)

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError(
            f"backward: a tensor of shape {ctx.out_shape} was used after an in-place op changed its values "
            "through another tensor sharing its memory (a view of it, or the tensor it is a view of), while "
            "autograd recorded that op; its history no longer matches its values. Take the view again "
            "after the in-place op, or write out of place (y = x * 2 instead of x *= 2).")


def _apply_multi(ctx, args, needs, results):
    """apply's second half for an op whose forward returned a tuple of arrays:
    a tuple of Tensors, output i knowing it is output i of this node."""
    if not (_enabled.get() and any(needs) and backend.is_float(results[0].dtype)):
        return tuple([Tensor(r) for r in results])
    ctx.needs_input_grad = tuple(needs)
    ctx.n_outputs = len(results)
    ctx.out_shape = tuple([tuple(r.shape) for r in results])     # one shape per output
    ctx.edges = tuple([_edge_of(a) if need else None for a, need in zip(args, needs)])
    ctx._seq = next(_sequence)
    ys = []
    for i, r in enumerate(results):
        y = Tensor(r, grad_fn=ctx)
        y._requires_grad, y._output_nr = True, i
        ys.append(y)
    if ctx._to_save:
        ctx._saved_versions = versions = []
        ctx._saved = tuple([_saved_form(arr, args, results, ctx, ys, versions) for arr in ctx._to_save])
    return tuple(ys)


def _version_now(node, saved):
    """The version of a saved input Tensor or of output i of the node, now.
    A tensor that never got a Version (nothing aliased or wrote it) is at 0."""
    if isinstance(saved, Tensor):
        return 0 if saved._counter is None else saved._counter.value
    return node._out_versions[0 if saved is _OUTPUT else saved].value


def _saved_form(arr, args, result, ctx, outputs, versions):
    """What save_for_backward keeps of one array: the output (as a marker, so
    that no Tensor refers to its own node), an input Tensor, or a constant.
    Appends to `versions` the version it has now, for backward to check
    (None for a constant: nothing else holds it). Only what is saved is
    counted, so ops that save nothing pay nothing."""
    if arr is result:
        ctx._out_data = backend.ensure_array(result)
        counter = outputs[0]._version                    # the output's counter, made now
        ctx._out_versions = (counter,)
        versions.append(counter.value)
        return _OUTPUT
    if type(result) is tuple:                        # a multi-output op: is it output i?
        for i, r in enumerate(result):
            if arr is r:
                ctx._out_data = tuple([backend.ensure_array(r) for r in result])
                ctx._out_versions = tuple([y._version for y in outputs])
                versions.append(outputs[i]._version.value)
                return _OutputNumber(i)
    for a in args:
        if isinstance(a, Tensor) and a._data is arr:
            v = a._counter
            versions.append(0 if v is None else v.value)
            return a
    versions.append(None)
    if hasattr(arr, "shape"):
        return Tensor(arr)                           # an array forward made: a constant
    return arr                                       # a Python number stays one


def _modified_message(node, saved, then):
    """PyTorch's error for a saved tensor changed in place, naming the op that saved it."""
    op = type(node).__name__
    if isinstance(saved, Tensor):
        what = f"[{backend.dtype_name(saved.dtype)} tensor of shape {saved.shape}], saved by {op},"
    else:
        i = 0 if saved is _OUTPUT else int(saved)
        data = node._out_data if saved is _OUTPUT else node._out_data[i]
        what = (f"[{backend.dtype_name(data.dtype)} tensor of shape {tuple(data.shape)}], "
                f"which is output {i} of {op},")
    return ("one of the variables needed for gradient computation has been modified by an inplace "
            f"operation: {what} is at version {_version_now(node, saved)}; expected version {then} instead. "
            f"Hint: {op} saved it for its backward; make the in-place change after backward, or "
            "compute out of place (y = x * 2 instead of x *= 2).")


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
            if type(node) is StaleHistory:                              # sees its parents' verdicts;
                leads.add(id(node))                                     # a stale history might lead
            for e in node.edges:                                        # anywhere: it must run (and raise)
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
            if node._hooks is not None:        # hooks of the tensors it made: they see g first
                g = _run_node_hooks(node, g)
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
                    _accumulate(pending, waiting, edge, _check_grad(node, edge, gi))

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
    """A backward's result for one input: a Tensor of that input's shape; for a
    leaf, also of its dtype (a float32 leaf used with a float64 tensor gets a
    float32 gradient, as in PyTorch)."""
    if not isinstance(g, Tensor):
        raise TypeError(f"{type(node).__name__}.backward returned a {type(g).__name__}, not a Tensor; "
                        "a backward working on raw arrays wraps its results with mg.Tensor(array)")
    expected = edge.shape if isinstance(edge, Tensor) else edge.out_shape
    if g.shape != expected:
        raise RuntimeError(f"{type(node).__name__}.backward returned a gradient of shape {g.shape} for an "
                           f"input of shape {expected}; each gradient must have its input's shape")
    if isinstance(edge, Tensor) and g.dtype is not edge.dtype and _dtype_differs(g, edge):
        g = g.astype(edge.dtype)
    return g


def _dtype_differs(a, b):
    return backend.dtype_name(a.dtype) != backend.dtype_name(b.dtype)


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
        if not (backend.is_host_array(grad) or isinstance(grad, (int, float, list, tuple))
                or backend.is_host_scalar(grad)):
            raise TypeError(f"{op}: grad must be a Tensor (or an array or a number), got {type(grad).__name__}")
        try:
            grad = Tensor(backend.of(t._data).asarray(grad, t.dtype))
        except (TypeError, ValueError) as e:
            raise TypeError(f"{op}: grad must be a Tensor of numbers: {e}") from None
    if grad.shape != t.shape:
        raise RuntimeError(f"{op}: Mismatch in shape: grad has shape {grad.shape} but the output has "
                           f"shape {t.shape}")
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
        hooks = getattr(leaf, "_hooks", None)
        if hooks:
            gi = _run_hooks(hooks, gi, leaf)
        if not create_graph:
            gi = gi.detach()
        leaf.grad = gi if leaf.grad is None else leaf.grad + gi


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False):
    """The gradients of `outputs` with respect to `inputs`, returned, not accumulated.

    PyTorch's torch.autograd.grad. With create_graph=True the returned
    gradients are themselves part of a graph, so they can be differentiated
    again: Hessian-vector products, gradient penalties, Newton steps.

    Args:
        outputs: a Tensor or a sequence of them (scalars unless grad_outputs is given).
        inputs: a Tensor or a sequence of them, each requiring grad.
        grad_outputs: None, or one gradient per output, of its shape (the vector of the
            vector-Jacobian product).
        retain_graph: keep the graph for another walk (default: create_graph).
        create_graph: record the backward pass, so the results can be differentiated.
        allow_unused: give None for an input the outputs do not depend on, instead of raising.
    Returns:
        One gradient per input, each of that input's shape and dtype (a Tensor alone
        when `inputs` was one Tensor).
    """
    single = isinstance(inputs, Tensor)
    outputs = _tensors(outputs, "outputs")
    inputs = _tensors(inputs, "inputs")
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif isinstance(grad_outputs, Tensor):
        grad_outputs = [grad_outputs]
    grad_outputs = list(grad_outputs)
    if len(grad_outputs) != len(outputs):
        raise RuntimeError(f"grad: got {len(grad_outputs)} grad_outputs for {len(outputs)} outputs; "
                           "give one per output (None for a scalar output)")
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
        if gi is not None and _dtype_differs(gi, inputs[i]):   # a non-leaf input's gradient, too
            gi = gi.astype(inputs[i].dtype)
        hooks = getattr(inputs[i], "_hooks", None) if inputs[i].is_leaf else None
        if gi is not None and hooks:
            gi = _run_hooks(hooks, gi, inputs[i])
        if gi is not None and not create_graph:
            gi = gi.detach()
        grads.append(gi)
    return grads[0] if single else tuple(grads)


def _tensors(ts, what):
    """grad()'s outputs or inputs: a Tensor or a sequence of them, as a list."""
    if isinstance(ts, Tensor):
        return [ts]
    if isinstance(ts, (list, tuple)) and ts and all(isinstance(t, Tensor) for t in ts):
        return list(ts)
    got = type(ts).__name__ if not isinstance(ts, (list, tuple)) else \
        f"a {type(ts).__name__} of {', '.join(sorted({type(t).__name__ for t in ts})) or 'nothing'}"
    raise TypeError(f"grad: {what} must be a Tensor or a non-empty sequence of Tensors, got {got}")


# ---- hooks: seeing, and replacing, the gradient of one tensor -------------------
# A leaf keeps its hooks in `._hooks`; a tensor made by an op keeps them on
# that op's node, under its output number, since the walk meets the node, not
# the tensor: the node's gradient (for that output) is the tensor's.

class RemovableHandle:
    """What register_hook returns: `.remove()` takes the hook off again."""

    def __init__(self, hooks, hook):
        self.hooks, self.hook = hooks, hook

    def remove(self):
        """Take the hook off (again: no effect)."""
        if self.hook in self.hooks:
            self.hooks.remove(self.hook)


def register_hook(t, hook):
    """Call hook(grad) each time t's gradient is computed, as Tensor.register_hook.

    Args:
        t: a Tensor that requires grad.
        hook: a function of the gradient (a Tensor like t) returning None, or a
            Tensor of t's shape to use instead.
    Returns:
        a RemovableHandle.
    """
    if not callable(hook):
        raise TypeError(f"register_hook: expected a function of the gradient, got {type(hook).__name__}")
    if not t.requires_grad:
        raise RuntimeError("register_hook: cannot register a hook on a tensor that doesn't require gradient")
    return _add_hook(t, hook)


def _add_hook(t, hook, retains=False):
    if t.grad_fn is None:
        if getattr(t, "_hooks", None) is None:
            t._hooks = []
        hooks = t._hooks
    else:
        node = t.grad_fn
        if node._hooks is None:
            node._hooks = {}
        hooks = node._hooks.setdefault(t._output_nr or 0, [])
        hook = _ForTensor(hook, t, retains)
    # retain_grad's hook stays last, so that .grad holds what the other hooks made of it
    at = len(hooks) - 1 if hooks and getattr(hooks[-1], "retains", False) and not retains else len(hooks)
    hooks.insert(at, hook)
    return RemovableHandle(hooks, hook)


class _ForTensor:
    """A non-leaf tensor's hook, kept on its node with the tensor's shape and
    dtype (the gradient it sees has them), not the tensor itself."""

    def __init__(self, hook, t, retains):
        self.hook, self.shape, self.dtype, self.retains = hook, t.shape, t.dtype, retains

    def __call__(self, g):
        return self.hook(g)


def retain_grad(t):
    """Keep the gradient of a non-leaf tensor in its .grad, as Tensor.retain_grad
    (a leaf keeps its own anyway). Runs after the tensor's other hooks."""
    if not t.requires_grad:
        raise RuntimeError("retain_grad: can't retain_grad on Tensor that has requires_grad=False")
    if t.grad_fn is None or getattr(t, "_retains_grad", False):
        return
    ref = weakref.ref(t)                # the node must not keep the tensor alive

    def keep(g):
        target = ref()
        if target is not None:
            g = g.detach()
            target.grad = g if target.grad is None else target.grad + g
    _add_hook(t, keep, retains=True)
    t._retains_grad = True


def _run_node_hooks(node, g):
    if type(g) is list:                                     # a multi-output node: one slot per output
        return [gi if gi is None or i not in node._hooks else _run_hooks(node._hooks[i], gi, None)
                for i, gi in enumerate(g)]
    return _run_hooks(node._hooks.get(0, ()), g, None)


def _run_hooks(hooks, g, leaf):
    """g through each hook in turn; a hook returning a Tensor replaces g."""
    for hook in list(hooks):
        like = leaf if leaf is not None else hook
        if _dtype_differs(g, like):                          # the gradient of a tensor has its dtype
            g = g.astype(like.dtype)
        out = hook(g)
        if out is not None:
            if not isinstance(out, Tensor) or out.shape != like.shape:
                what = out.shape if isinstance(out, Tensor) else type(out).__name__
                raise RuntimeError(f"register_hook: a hook returned {what} for a gradient of shape "
                                   f"{like.shape}; return None or a Tensor of that shape")
            g = out
    return g


# imported last: Tensor's methods call back into this module
from minigrad.tensor import Tensor  # noqa: E402
