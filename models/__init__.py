"""minigrad.models: the sequence models minigrad trains, one file per family.

    cells.py   RNNCell, LSTMCell, GRUCell: one step of each recurrence, in minigrad ops
    bptt.py    the same recurrences over whole sequences, with backpropagation
               through time written by hand (one op per layer and direction)
    rnn.py     RNN, LSTM, GRU: multi-layer, bidirectional, PyTorch's interface
    ssm.py     selective_scan: Mamba's S6 recurrence, sequential, hand-written and parallel
    mamba.py   SelectiveSSM, MambaBlock, Mamba: the S6 layer, the block, a language model
    attention.py  AdditiveAttention (Bahdanau), CausalSelfAttention with a KV cache

In the repository this is the top-level folder models/; minigrad/models links
to it, so it is imported, and installed, as minigrad.models (one name only).
"""

from minigrad.models.cells import GRUCell, LSTMCell, RNNCell, gru_cell, lstm_cell, rnn_cell
from minigrad.models.rnn import GRU, LSTM, RNN
from minigrad.models.ssm import selective_scan
from minigrad.models.mamba import Mamba, MambaBlock, MambaConfig, SelectiveSSM
from minigrad.models.attention import AdditiveAttention, CausalSelfAttention, scaled_dot_product_attention
