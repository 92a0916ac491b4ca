"""Ctrl-C and SIGTERM as one exception: a command stops at once, says so in one line and exits 130 or 143.

``stopping()`` turns the first SIGINT or SIGTERM into ``Stopped`` (a ``KeyboardInterrupt``, so every library
unwinds as it does for Ctrl-C) and ignores any further one while the command stops what it started.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Stopped(KeyboardInterrupt):
    """SIGINT or SIGTERM reached the process."""

    def __init__(self, signum: int = signal.SIGINT) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def _raise(signum: int, frame: object) -> None:
    for sig in SIGNALS:  # stopping is under way: a second signal must not break it off half-way
        signal.signal(sig, signal.SIG_IGN)
    raise Stopped(signum)


@contextlib.contextmanager
def stopping() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM raise ``Stopped`` (main thread only; elsewhere nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    saved = {sig: signal.signal(sig, _raise) for sig in SIGNALS}
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back until the block ends, then handle them as the handlers outside it would.

    For steps that must not be cut in two: starting a pool worker forks it before the pool records it, so a
    Ctrl-C in between would leave a worker that nobody stops, which then fails on its pool's semaphores
    once the build has gone. (A Python-level handler, not ``pthread_sigmask``: CPython runs handlers in
    the main thread whichever thread the signal reached.) Main thread only; elsewhere nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    saved = {sig: signal.signal(sig, lambda signum, frame: held.append(signum)) for sig in SIGNALS}
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
        if held:
            handler = saved[held[0]]
            if callable(handler):
                handler(held[0], None)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(held[0])


def exit_code(exc: KeyboardInterrupt) -> int:
    return exc.exit_code if isinstance(exc, Stopped) else 130
