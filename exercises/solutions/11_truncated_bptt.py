"""Reference solution of exercise 11 (there to prove the grader; try the exercise first)."""


def truncated_bptt(model, x, y, k):
    """Accumulate the truncated-BPTT gradient of Σ_chunks mean((output - y)²) into .grad.

    Args:
        model: a minigrad.models RNN, LSTM or GRU: model(x, state) -> (output, state).
        x: (T, B, I) inputs.  y: (T, B, H) targets.  k: steps per chunk.
    Returns:
        the chunk losses, a list of floats, in order.
    """
    state, losses = None, []
    for start in range(0, x.shape[0], k):
        output, state = model(x[start:start + k], state)               # (k, B, H)
        loss = ((output - y[start:start + k]) ** 2).mean()
        loss.backward()                                                 # adds to every .grad
        losses.append(loss.item())
        state = tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
    return losses
