"""Linear algebra beyond @: outer, bmm, einsum.

The rules this file holds:
- outer and bmm are matmul and broadcasting with their shapes checked, so
  their gradients are those of * and @.
- einsum is one op. Its forward is the backend's einsum (the array API
  standard has none: see backend.py). Its backward is einsum again: the
  gradient of operand i swaps i's subscripts with the output's,

      y = einsum("ij,jk->ik", a, b):   da = einsum("ik,jk->ij", g, b),   db = einsum("ij,ik->jk", a, g)

  and a letter only operand i has (summed away, as j in "ij->i") is
  broadcast back. So einsum has derivatives of every order.
- einsum supports the explicit form ("ij,jk->ik"), the implicit form
  ("ij,jk": the letters seen once, in alphabetical order) and "..." for
  leading dims. It raises for what it does not support: a letter repeated
  within one operand (diagonals and traces, "ii->i"), and size-1 dims
  broadcast against larger ones under one letter.
"""

import string

from minigrad import backend
from minigrad.autograd import Function
from minigrad.tensor import Tensor
from minigrad.ops.arithmetic import matmul
from minigrad.ops.broadcast import broadcast_to
from minigrad.ops.shape import reshape


def outer(input, vec2):
    """The outer product of two vectors: out[i, j] = input[i] · vec2[j].

    Args:
        input: a 1-D tensor (n,).
        vec2: a 1-D tensor (m,).
    Returns:
        a tensor (n, m).
    """
    for name, v in (("input", input), ("vec2", vec2)):
        if not isinstance(v, Tensor):
            raise TypeError(f"outer: {name} must be a Tensor, got {type(v).__name__}")
        if v.ndim != 1:
            raise RuntimeError(f"outer: expected 1-D {name}, got {v.ndim}-D of shape {v.shape}")
    return reshape(input, (input.shape[0], 1)) * reshape(vec2, (1, vec2.shape[0]))    # (n, 1) * (1, m)


def bmm(input, mat2):
    """Batched matrix product without broadcasting, as torch.bmm.

    Args:
        input: a tensor (B, n, k).
        mat2: a tensor (B, k, m), the same B.
    Returns:
        a tensor (B, n, m): out[b] = input[b] @ mat2[b].
    """
    for name, v in (("input", input), ("mat2", mat2)):
        if not isinstance(v, Tensor):
            raise TypeError(f"bmm: {name} must be a Tensor, got {type(v).__name__}")
        if v.ndim != 3:
            raise RuntimeError(f"bmm: {name} must be a 3-D tensor (B, n, k), got shape {v.shape}")
    if mat2.shape[:2] != (input.shape[0], input.shape[2]):
        raise RuntimeError(f"bmm: mat2 must have shape ({input.shape[0]}, {input.shape[2]}, m) for input of "
                           f"shape {input.shape}, got {mat2.shape}")
    return matmul(input, mat2)


# ---- einsum ------------------------------------------------------------------------

# y = einsum(terms -> out, x_1, ..., x_n);   dx_i = einsum(out, terms without i -> term_i)(g, the others),
#                                            broadcast over the letters only x_i has
class Einsum(Function):
    @staticmethod
    def forward(ctx, equation, *xs):
        ctx.equation = equation
        ctx.save_for_backward(*xs)
        return backend.of(xs[0]).einsum(equation, *xs)

    @staticmethod
    def backward(ctx, g):
        xs = ctx.saved_tensors
        terms, out = ctx.equation.split("->")
        terms = terms.split(",")
        grads = [None]
        for i, (x, term) in enumerate(zip(xs, terms)):
            if not ctx.needs_input_grad[i + 1]:
                grads.append(None)
                continue
            others = [t for j, t in enumerate(terms) if j != i]
            seen = set(out).union(*others)
            kept = "".join(c for c in term if c in seen)              # the letters g and the others carry
            dx = Einsum.apply(",".join([out] + others) + "->" + kept, g, *[xs[j] for j in range(len(xs)) if j != i])
            if kept != term:                                          # letters summed away in forward: spread back
                dx = broadcast_to(reshape(dx, tuple(s if c in seen else 1 for c, s in zip(term, x.shape))), x.shape)
            grads.append(dx)
        return tuple(grads)


def einsum(equation, *operands):
    """Sums of products named by subscripts, as torch.einsum: "ij,jk->ik" is a matrix product.

    Args:
        equation: comma-separated subscripts, one letter per dim of each
            operand, optionally "->" and the output's letters; "..." stands
            for leading dims (the same, or fewer, in every operand). Without
            "->" the output is the letters seen once, in alphabetical order.
        operands: the tensors, one per subscript (or one list of them), of one dtype.
    Returns:
        a tensor with one dim per output letter, in order.
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not isinstance(equation, str):
        raise TypeError(f"einsum: the equation must be a string, got {type(equation).__name__}")
    if not operands:
        raise RuntimeError("einsum: needs at least one operand")
    for k, x in enumerate(operands):
        if not isinstance(x, Tensor):
            raise TypeError(f"einsum: operand {k} must be a Tensor, got {type(x).__name__}")
    dtypes = {backend.dtype_name(x.dtype) for x in operands}
    if len(dtypes) > 1:
        raise RuntimeError(f"einsum: the operands must have one dtype, got {sorted(dtypes)}")
    return Einsum.apply(_explicit(equation, operands), *operands)


def _explicit(equation, operands):
    """The equation in explicit form, letters only ("...", the implicit output
    and spaces resolved), after checking it against the operands' shapes."""
    equation = equation.replace(" ", "")
    lhs, arrow, out = equation.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(operands):
        raise RuntimeError(f"einsum: the equation {equation!r} has {len(terms)} operand subscripts but "
                         f"{len(operands)} operands were given")
    letters = set(string.ascii_letters)
    for t in terms + [out]:
        if set(t.replace("...", "")) - letters or t.count("...") > 1:
            raise RuntimeError(f"einsum: subscripts are letters and at most one '...', got {t!r} in {equation!r}")
    free = [c for c in string.ascii_letters if c not in equation]        # letters for the dims of "..."
    ellipsis_dims = 0
    for t, x in zip(terms, operands):
        named = len(t.replace("...", ""))
        if ("..." in t and x.ndim < named) or ("..." not in t and x.ndim != named):
            raise RuntimeError(f"einsum: subscripts {t!r} do not fit operand of shape {x.shape} in {equation!r}")
        if "..." in t:
            ellipsis_dims = max(ellipsis_dims, x.ndim - named)
    batch = "".join(free[:ellipsis_dims])
    expanded = []
    for t, x in zip(terms, operands):
        if "..." in t:
            n = x.ndim - len(t.replace("...", ""))
            t = t.replace("...", batch[len(batch) - n:] if n else "")
        if len(set(t)) != len(t):
            raise RuntimeError(f"einsum: a letter repeated within one operand ({t!r} in {equation!r}: diagonals "
                             "and traces) is not supported")
        expanded.append(t)
    if arrow:
        if "..." in out:
            out = out.replace("...", batch)
        elif batch:
            raise RuntimeError(f"einsum: {equation!r} has '...' in its operands, so its output needs it too")
    else:
        counts = {c: "".join(expanded).count(c) for c in set("".join(expanded)) if c not in batch}
        out = batch + "".join(sorted(c for c, n in counts.items() if n == 1))
    if len(set(out)) != len(out):
        raise RuntimeError(f"einsum: a letter appears twice in the output of {equation!r}")
    if set(out) - set("".join(expanded)):
        raise RuntimeError(f"einsum: output letters {sorted(set(out) - set(''.join(expanded)))} of {equation!r} "
                         "appear in no operand")
    sizes = {}
    for t, x in zip(expanded, operands):
        for c, s in zip(t, x.shape):
            if sizes.setdefault(c, s) != s:
                raise RuntimeError(f"einsum: subscript {c!r} of {equation!r} has size {sizes[c]} in one operand and "
                                 f"{s} in another (shapes {[x.shape for x in operands]})")
    return ",".join(expanded) + "->" + out
