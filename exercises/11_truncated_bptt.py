"""Exercise 11 — truncated backpropagation through time.

Read first: models/rnn.py (the models' interface: model(x, state) ->
(output, state)), then tests/test_bptt.py's truncated-BPTT section
(test_detached_state_stops_the_gradient_at_the_chunk_boundary). Williams &
Peng, "An efficient gradient-based algorithm for on-line training of
recurrent network trajectories" (1990) for truncated BPTT; the form here, a
chunk of k steps forward then its backward, is the usual way to train a
recurrent language model on a long text.

Why. Full BPTT over a long sequence keeps every step's activations until
the backward pass: memory grows with T, and one update waits for the whole
sequence. Truncated BPTT cuts the sequence into chunks of k steps. The state
is carried from chunk to chunk — the model still sees the whole past — but
the gradient is not: at each boundary the state is detached from the graph,
so each chunk's backward stops there.

    state = None                                     (zeros)
    for each chunk x[s : s+k], y[s : s+k]:
        output, state = model(x_chunk, state)
        loss = mean((output - y_chunk)²)
        loss.backward()                              accumulates into every parameter's .grad
        state = state.detach()                       for an LSTM the pair (h, c): detach both

Three slips to avoid: never detaching (the second chunk's backward runs into
the first chunk's graph, already freed — or, with one backward at the end,
the result is full BPTT); starting each chunk from zeros instead of the
carried state; clearing .grad between chunks (the gradients of all chunks
add up). The last chunk may be shorter than k.

Shapes: x (T, B, I), y (T, B, H), the model's output (T, B, H); k ≥ 1.
The explicit loop is the library's practice too (state passed explicitly,
truncation explicit: `h = h.detach()`), never a hidden state on the layer.

The grader (python -m exercises check 11): an RNN (T = 7, k = 3) and an
LSTM (T = 6, k = 2) from minigrad.models; every parameter's .grad and the
chunk losses against the library's own loop, and against the three slips,
named when your result equals one of them.
"""


def truncated_bptt(model, x, y, k):
    """Accumulate the truncated-BPTT gradient of Σ_chunks mean((output - y)²) into .grad.

    Args:
        model: a minigrad.models RNN, LSTM or GRU: model(x, state) -> (output, state).
        x: (T, B, I) inputs.  y: (T, B, H) targets.  k: steps per chunk.
    Returns:
        the chunk losses, a list of floats, in order.
    """
    raise NotImplementedError
