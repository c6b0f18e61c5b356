"""models: the sequence models minigrad trains, one file per family.

    cells.py   RNNCell, LSTMCell, GRUCell: one step of each recurrence, in minigrad ops
    bptt.py    the same recurrences over whole sequences, with backpropagation
               through time written by hand (one op per layer and direction)
    rnn.py     RNN, LSTM, GRU: multi-layer, bidirectional, PyTorch's interface
"""

from models.cells import GRUCell, LSTMCell, RNNCell, gru_cell, lstm_cell, rnn_cell
from models.rnn import GRU, LSTM, RNN
