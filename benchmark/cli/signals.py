"""SIGTERM handled like Ctrl-C, for every command.

``kill``, ``timeout`` and CI runners send SIGTERM. Python's default is to die on
the spot, which leaves a build's encoder worker processes, ``cmd:`` process groups
and ``--timeout`` workers running under PID 1; raised as an exception instead, the
same clean-up as after Ctrl-C runs (pools shut down, staged output removed), and
the exit status is the shell's 143.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from typing import Any

#: exit status after SIGTERM (128 + 15, the shell's convention)
EXIT_TERMINATED = 143


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C would be, so that the same clean-up runs: ``cmd:``
    process groups and ``--timeout`` workers are killed instead of left to PID 1."""


def _raise_terminated(signum: int, frame: Any) -> None:
    raise Terminated


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM raises :class:`Terminated` (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
