"""Progress a person can follow, and how long each stage of a build took.

On a terminal a stage shows a tqdm bar (count, rate, ETA). Anywhere else (a log
file, CI) a bar would be one unreadable line of carriage returns, so the stage
prints a plain line every :data:`LOG_INTERVAL` seconds instead::

    sumbench: profiling: 1200/10000 articles (12%), 85/s, ETA 1m43s

:class:`StageClock` keeps the wall time of every stage for the build summary
(never for ``build.json``: times differ between runs, the output must not).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sized
from contextlib import contextmanager
from typing import IO, Any, TypeVar

T = TypeVar("T")

#: Seconds between two plain progress lines when the stream is not a terminal.
LOG_INTERVAL = 5.0


def duration(seconds: float) -> str:
    """``75.3`` -> ``'1m15s'``; under a minute with one decimal (``'4.2s'``)."""
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def _rate(per_second: float) -> str:
    """``1104.2`` -> ``'1104/s'``, ``0.4517`` -> ``'0.452/s'``: readable at any speed."""
    return f"{per_second:.0f}/s" if per_second >= 100 else f"{per_second:.3g}/s"


class _Lines:
    """The non-terminal display: one line per interval, and one when the stage ends."""

    def __init__(self, desc: str, total: int | None, unit: str, stream: IO[str],
                 interval: float, clock: Callable[[], float]) -> None:
        self.desc, self.total, self.unit, self.stream = desc, total, unit, stream
        self.interval, self.clock = interval, clock
        self.start = self.last = clock()
        self.n = 0

    def update(self, n: int = 1) -> None:
        self.n += n
        now = self.clock()
        finished = self.total is not None and self.n >= self.total  # close() says it
        if now - self.last >= self.interval and not finished:
            self.last = now
            self._print(self.line(now))

    def line(self, now: float) -> str:
        elapsed = max(now - self.start, 1e-9)
        rate = self.n / elapsed
        if self.total:
            done = f"{self.n}/{self.total} {self.unit}s ({100 * self.n / self.total:.0f}%)"
            eta = f", ETA {duration((self.total - self.n) / rate)}" if rate > 0 else ""
        else:
            done, eta = f"{self.n} {self.unit}s", ""
        return f"{self.desc}: {done}, {_rate(rate)}{eta}"

    def close(self) -> None:
        now = self.clock()
        if now - self.start >= self.interval:  # short stages stay silent
            rate = self.n / max(now - self.start, 1e-9)
            self._print(f"{self.desc}: {self.n} {self.unit}s in {duration(now - self.start)} "
                        f"({_rate(rate)})")

    def _print(self, text: str) -> None:
        print(f"sumbench: {text}", file=self.stream, flush=True)


@contextmanager
def meter(desc: str, *, unit: str = "item", total: int | None = None, enabled: bool = True,
          stream: IO[str] | None = None, interval: float = LOG_INTERVAL,
          clock: Callable[[], float] = time.monotonic) -> Iterator[Callable[[int], Any]]:
    """Yield an ``update(n)`` function that advances the stage's display by ``n``."""
    if not enabled:
        yield lambda n: None
        return
    out = stream if stream is not None else sys.stderr
    if out.isatty():
        from tqdm import tqdm

        bar = tqdm(desc=desc, unit=unit, total=total, file=out, leave=False,
                   dynamic_ncols=True)
        try:
            yield bar.update
        finally:
            bar.close()
        return
    lines = _Lines(desc, total, unit, out, interval, clock)
    try:
        yield lines.update
    finally:
        lines.close()


def track(items: Iterable[T], desc: str, *, unit: str = "item", total: int | None = None,
          enabled: bool = True, stream: IO[str] | None = None,
          interval: float = LOG_INTERVAL,
          clock: Callable[[], float] = time.monotonic) -> Iterator[T]:
    """Yield ``items`` unchanged while showing progress (a bar on a terminal, lines elsewhere)."""
    if total is None and isinstance(items, Sized):
        total = len(items)
    with meter(desc, unit=unit, total=total, enabled=enabled, stream=stream,
               interval=interval, clock=clock) as update:
        for item in items:
            yield item
            update(1)


class StageClock:
    """Wall time per named stage, in the order the stages ran."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.seconds: dict[str, float] = {}
        self.marks: dict[str, tuple[float, float]] = {}
        self.current: str | None = None  # the stage running now (for error messages)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the block as ``name`` (added to any earlier time of the same name)."""
        start = self.clock()
        self.current = name
        try:
            yield
        finally:
            self._add(name, start, self.clock())

    def timed(self, items: Iterable[T], name: str) -> Iterator[T]:
        """Yield ``items``, timing from the first request to exhaustion as ``name``."""
        start = self.clock()
        self.current = name
        yield from items
        self._add(name, start, self.clock())

    def _add(self, name: str, start: float, end: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + (end - start)
        first = self.marks.get(name, (start, end))[0]
        self.marks[name] = (first, end)


def peak_rss_mb() -> float | None:
    """Peak resident memory of this process so far in MB (None where the OS does not say)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (2**20 if sys.platform == "darwin" else 2**10), 1)  # bytes on macOS


def format_memory(mb: float) -> str:
    """``1536.0`` -> ``'1.5 GB'``, ``312.4`` -> ``'312 MB'``."""
    return f"{mb / 1024:.1f} GB" if mb >= 1024 else f"{mb:.0f} MB"


def format_times(seconds: dict[str, Any]) -> str:
    """``'ingest 1.2s, profiling 30.1s, ... (total 42.0s)'`` for a build summary."""
    parts = [f"{name} {duration(float(s))}" for name, s in seconds.items() if name != "total"]
    total = seconds.get("total", sum(float(s) for s in seconds.values()))
    return ", ".join(parts) + f" (total {duration(float(total))})"
