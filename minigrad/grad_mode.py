"""Grad mode: whether ops record the graph, one flag per thread.

As in PyTorch, each thread has its own grad mode, and a new thread starts with
grad enabled: one thread's no_grad() (or its backward) never turns recording
off in another. The flag is a ContextVar rather than a threading.local: the
same per thread (a new thread starts from the default), and three times as
fast to read, on the path every op takes (Function.apply reads `_enabled`).
"""

import contextvars
import functools

_enabled = contextvars.ContextVar("minigrad_grad_enabled", default=True)
_inference = contextvars.ContextVar("minigrad_inference_mode", default=False)


def is_grad_enabled():
    """Whether ops record the graph in this thread (PyTorch's torch.is_grad_enabled).

    Returns:
        bool.
    """
    return _enabled.get()


class _GradModeBlock:
    """A block of code run in one grad mode: a context manager, or a decorator
    (each call of the decorated function runs in a fresh block, so that calls
    in several threads or recursive calls never share what is restored)."""

    enabled, inference = False, False          # the mode inside the block

    def __enter__(self):
        self.previous = (_enabled.get(), _inference.get())
        _enabled.set(self.enabled)
        _inference.set(self.inference or self.previous[1])

    def __exit__(self, *exc):
        _enabled.set(self.previous[0])
        _inference.set(self.previous[1])
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self._fresh():
                return fn(*args, **kwargs)
        return wrapper

    def _fresh(self):
        block = object.__new__(type(self))
        block.enabled, block.inference = self.enabled, self.inference
        return block


class no_grad(_GradModeBlock):
    """Inside this block ops build no graph (for evaluation and parameter updates),
    in this thread only. A context manager, or a decorator (`@mg.no_grad()`)."""


class enable_grad(_GradModeBlock):
    """Inside this block ops record the graph again, even within no_grad (this
    thread only). A context manager or a decorator."""

    enabled = True


class set_grad_enabled(_GradModeBlock):
    """Switch grad mode on or off in this thread, as torch.set_grad_enabled.

    Called as a function it switches at once; used as a context manager (or a
    decorator) it also switches back on leaving the block.

        mg.set_grad_enabled(False)         # from here on, no graph
        with mg.set_grad_enabled(is_train):
            loss = model(x)

    Args:
        mode (bool): True to record the graph, False not to.
    """

    def __init__(self, mode):
        if not isinstance(mode, bool):
            raise TypeError(f"set_grad_enabled(): argument 'mode' must be bool, not {type(mode).__name__}")
        self.enabled = mode
        self.__enter__()                       # switch now: a plain call is a switch

    def __enter__(self):
        if not hasattr(self, "previous"):      # entered already by __init__
            super().__enter__()

    def __call__(self, fn):
        self.__exit__()                        # as a decorator it switches only while fn runs
        return super().__call__(fn)


class inference_mode(_GradModeBlock):
    """no_grad for inference, as torch.inference_mode: no graph inside the block.

    PyTorch also marks the tensors made inside as inference tensors, which
    later refuse to join a graph; minigrad's are ordinary tensors without a
    history, so using them later as constants is allowed (docs/differences.md).

    Args:
        mode (bool): True (the default) for no graph; False changes nothing.
    """

    def __init__(self, mode=True):
        if not isinstance(mode, bool):
            raise TypeError(f"inference_mode(): argument 'mode' must be bool, not {type(mode).__name__}")
        self.enabled, self.inference = (False, True) if mode else (None, False)

    def __enter__(self):
        if not self.inference:                 # inference_mode(False): leave the mode as it is
            self.previous = (_enabled.get(), _inference.get())
            return
        super().__enter__()


def is_inference_mode_enabled():
    """Whether this thread is inside inference_mode(). Returns: bool."""
    return _inference.get()
