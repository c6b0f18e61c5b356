"""Reference solution of exercise 06 (there to prove the grader; try the exercise first)."""

import numpy as np


def linear_scan_backward(a, h, g):
    """The backward of h_t = a_t ⊙ h_{t-1} + b_t (h_{-1} = 0) along axis 0.

    Args:
        a: (L, ...) the coefficients.  h: (L, ...) the states the forward computed.
        g: (L, ...) ∂L/∂h_t from outside.
    Returns:
        (da, db), both (L, ...).
    """
    G = np.zeros_like(g)                                   # Ḡ_t, the total gradient of h_t
    carry = np.zeros_like(g[0])                            # a_{t+1} ⊙ Ḡ_{t+1}: 0 after the last step
    for t in reversed(range(g.shape[0])):
        G[t] = g[t] + carry
        carry = a[t] * G[t]
    h_prev = np.concatenate([np.zeros_like(h[:1]), h[:-1]])   # h_{t-1}, with h_{-1} = 0
    return G * h_prev, G


def selective_scan_forward(u, delta, A, B, C):
    """The S6 recurrence; keep this as it is (the grader checks it).

    Args:
        u, delta: (B, L, D).  A: (D, N).  B, C: (B, L, N).
    Returns:
        y: (B, L, D); cache: (u, delta, A, B, C, A_bar, hs), A_bar and hs (L, B, D, N).
    """
    batch, length, d = u.shape
    h = np.zeros((batch, d, A.shape[1]))                                # h_{-1} = 0
    A_bar, hs, ys = [], [], []
    for t in range(length):
        a_t = np.exp(delta[:, t, :, None] * A)                          # Ā_t (B, D, N)
        b_t = (delta[:, t] * u[:, t])[:, :, None] * B[:, t, None, :]    # Δ_t B_t u_t (B, D, N)
        h = a_t * h + b_t
        ys.append(np.einsum("bdn,bn->bd", h, C[:, t]))                  # y_t (B, D)
        A_bar.append(a_t)
        hs.append(h)
    return np.stack(ys, axis=1), (u, delta, A, B, C, np.stack(A_bar), np.stack(hs))


def selective_scan_backward(g_y, cache):
    """The backward of selective_scan_forward.

    Args:
        g_y: (B, L, D), ∂L/∂y.
        cache: what selective_scan_forward returned beside y.
    Returns:
        a dict: "du" (B, L, D), "ddelta" (B, L, D), "dA" (D, N), "dB" (B, L, N), "dC" (B, L, N).
    """
    u, delta, A, B, C, A_bar, hs = cache
    g_y_T, B_T, C_T = (np.swapaxes(v, 0, 1) for v in (g_y, B, C))   # time-major (L, B, ...)
    g = g_y_T[..., None] * C_T[:, :, None, :]              # ∂y_t/∂h_t part (L, B, D, N)
    dC = np.einsum("lbd,lbdn->bln", g_y_T, hs)             # Σ_d g_y,t h_t
    da, G = linear_scan_backward(A_bar, hs, g)             # ∂a_t, Ḡ_t (L, B, D, N)
    G, s = np.swapaxes(G, 0, 1), np.swapaxes(da * A_bar, 0, 1)   # (B, L, D, N)
    r = np.einsum("bldn,bln->bld", G, B)                   # Σ_n Ḡ_t B_t
    du = r * delta
    ddelta = r * u + np.einsum("bldn,dn->bld", s, A)
    dA = np.einsum("bldn,bld->dn", s, delta)
    dB = np.einsum("bldn,bld->bln", G, delta * u)
    return {"du": du, "ddelta": ddelta, "dA": dA, "dB": dB, "dC": dC}
