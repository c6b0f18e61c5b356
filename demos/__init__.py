"""The experiments of the source articles, run on minigrad: `python -m demos NAME`,
or `python -m demos` for the tour (see __main__.py).

One file per demo, in tour order:
    forward.py        the articles' code examples, on minigrad, with their shapes
    vanishing.py      the simulated gradient decay against measured ‖∂loss/∂x_t‖
    exploding.py      a large recurrent gain, with and without gradient clipping
    memory.py         the adding problem and the first-token task: gated against plain recurrence
    bottleneck.py     a seq2seq GRU through one fixed vector, against attention
    parallel.py       the RNN's loop against the SSM's scan; constant state against a KV cache
    charlm.py         character-level LSTM, GRU and Mamba on Python's docstrings
    article_table.py  the article's RNN/LSTM/GRU table, rerun, beside a real task

and what they share:
    tasks.py          the synthetic tasks
    nets.py           the sequence-to-one network (RNN, LSTM, GRU or SSM core, linear head)
    train.py          the training loop
    common.py         tables, plots, timing
"""
