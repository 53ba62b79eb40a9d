"""Ctrl-C and SIGTERM end a command the same way wherever they arrive, compiled code included.

Python runs a signal handler between bytecodes. If the handler raises while a Numba-compiled function
is returning, the interpreter reports a `SystemError` ("returned a result with an exception set")
instead of the `KeyboardInterrupt`. So while compiled code may run (inside `deferred()`), the handler
only records the signal; `check()` between months, or the end of the block, raises it from plain
Python code.
"""

import contextlib
import signal
import threading
from typing import Iterator

SIGNALS = (signal.SIGINT, signal.SIGTERM)
_deferring = 0
_pending: int | None = None
_raised = False  # one interrupt per command: later signals do not cut its clean-up short
_counting = threading.Lock()  # guards _deferring: `+=` on a global is not atomic across threads


def _handler(signum: int, frame: object) -> None:
    global _pending, _raised
    if _raised:
        return
    if _deferring:
        _pending = signum
        return
    _raised = True
    raise KeyboardInterrupt


@contextlib.contextmanager
def handled() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM raise KeyboardInterrupt (held back inside `deferred`)."""
    global _pending, _raised
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.signal(number, _handler) for number in SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        _pending, _raised = None, False


def check() -> None:
    """Raise KeyboardInterrupt if a signal arrived while it was held back."""
    global _pending, _raised
    if _pending is not None:
        _pending, _raised = None, True
        raise KeyboardInterrupt


@contextlib.contextmanager
def deferred(raise_at_end: bool = True) -> Iterator[None]:
    """Hold SIGINT and SIGTERM back while the block runs; raise a held one at `check()` or when the block
    ends (unless `raise_at_end` is False, as for clean-up that must not be cut short)."""
    global _deferring
    with _counting:  # the points of a sweep defer on several threads at once
        _deferring += 1
    try:
        yield
    finally:
        with _counting:
            _deferring -= 1
    if raise_at_end and not _deferring:
        check()
