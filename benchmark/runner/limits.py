"""The failure tolerance of ``sumbench run`` (``--max-failures``) and each system's verdict.

Kept apart from :mod:`benchmark.runner.run` (which re-exports both) so the runner stays small.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from benchmark.errors import ConfigError


@dataclass(frozen=True)
class FailureLimit:
    """How many failed examples a system may have before the run counts as failed.

    Why both forms: a count suits a fixed CI set ("tolerate 2 timeouts"), a fraction
    a set whose size changes. The default, 0, fails a run on any failed example.
    """

    count: int = 0
    fraction: float | None = None

    @classmethod
    def parse(cls, value: str | int | float | FailureLimit) -> FailureLimit:
        """``3`` (a count), ``0.05`` (a fraction) or ``5%`` (a percentage)."""
        if isinstance(value, FailureLimit):
            return value
        text = str(value).strip()
        problem = (f"--max-failures must be a count (3), a fraction (0.05) or a "
                   f"percentage (5%), got '{value}'")
        if isinstance(value, bool):
            raise ConfigError(problem)
        if text.isdigit():
            return cls(count=int(text))
        try:
            fraction = float(text[:-1]) / 100 if text.endswith("%") else float(text)
        except ValueError:
            raise ConfigError(problem) from None
        if not 0 <= fraction <= 1:
            raise ConfigError(problem)
        return cls(fraction=fraction)

    def allowed(self, n: int) -> int:
        """Failed examples tolerated out of ``n``."""
        if self.fraction is None:
            return self.count
        return math.floor(self.fraction * n + 1e-9)

    def __str__(self) -> str:
        if self.fraction is None:
            return str(self.count)
        return f"{100 * self.fraction:g}%"


@dataclass(frozen=True)
class SystemVerdict:
    """Whether one system stayed within the failure limit, and its first failure."""

    system: str
    failed: int
    examples: int
    allowed: int
    first_failure: tuple[str, str] | None  # (example id, reason), in example order

    @property
    def ok(self) -> bool:
        """True if the system failed on no more examples than allowed."""
        return self.failed <= self.allowed
