"""minigrad's benchmarks: speed and memory beside the references, in one run.

    python -m benchmarks                     every case, one table
    python -m benchmarks lstm '*/torch'      a group prefix, a shell pattern
    python -m benchmarks --quick --json new.json --compare old.json
    python -m benchmarks --list

Where things live:
    harness.py          Case, how a case is timed (median after warm-up) and
                        measured (tracemalloc), and the machine it ran on
    report.py           the table, the JSON file, the comparison of two runs
    engine_cases.py     the engine's per-op overhead, against plain NumPy
    recurrent_cases.py  RNN / LSTM / GRU training steps, PyTorch, the matmul floor
    scan_cases.py       the selective scan's three methods, a Mamba block step
    __main__.py         the command line
"""
