"""Progress for a log file: a plain line every few seconds, never a ``\\r`` frame.

Why: a tqdm bar redraws itself with carriage returns, which a CI log stores as one
endless line of frames; without any progress, a long run in CI is silent for
minutes. On a terminal the runner draws tqdm bars; elsewhere it uses this.
"""

from __future__ import annotations

import sys
import time
from typing import IO, Any


def _clock(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:d}:{secs:02d}"


class LineProgress:
    """A tqdm-like counter (``update``, context manager) that prints
    ``label: done/total (pct), rate, ETA`` at most every ``every`` seconds and once
    at the end, if it printed anything before or took that long."""

    def __init__(self, total: int, initial: int = 0, desc: str = "", every: float = 10.0,
                 file: IO[str] | None = None) -> None:
        self.total, self.done, self.desc, self.every = total, initial, desc, every
        self.file = file if file is not None else sys.stderr
        self.start = self.last = time.monotonic()
        self.first = initial
        self.printed = False
        self.shown = -1  # the count the last line showed

    def __enter__(self) -> LineProgress:
        return self

    def __exit__(self, *exc: Any) -> None:
        long = self.printed or time.monotonic() - self.start >= self.every
        if exc[0] is None and long and self.shown != self.done:
            self._line(time.monotonic())

    def update(self, n: int = 1) -> None:
        """Count ``n`` more finished items; print a line if ``every`` seconds passed."""
        self.done += n
        now = time.monotonic()
        if now - self.last >= self.every:
            self._line(now)

    def _line(self, now: float) -> None:
        self.last, self.printed, self.shown = now, True, self.done
        elapsed = now - self.start
        rate = (self.done - self.first) / elapsed if elapsed > 0 else 0.0
        left = self.total - self.done
        eta = _clock(left / rate) if rate > 0 and left > 0 else "0:00" if left <= 0 else "?"
        pct = 100 * self.done / self.total if self.total else 100.0
        print(f"{self.desc}: {self.done}/{self.total} ({pct:.0f}%), {rate:.1f} ex/s, "
              f"elapsed {_clock(elapsed)}, ETA {eta}", file=self.file, flush=True)
