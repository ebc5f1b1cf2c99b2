"""One error family for everything a user can cause.

The CLI catches :class:`SumbenchError`, prints its message and exits 2, so every
message here must make sense to a person without a traceback.
"""

from __future__ import annotations

from pathlib import Path


class SumbenchError(Exception):
    """Base class of every error sumbench raises on purpose."""


class InputError(SumbenchError):
    """Bad user input, located as precisely as we can: file, line/row, field."""

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.path = str(path) if path is not None else None
        self.line = line
        self.field = field
        self.reason = message
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.path is not None:
            loc = self.path if self.line is None else f"{self.path}:{self.line}"
            where.append(loc)
        if self.field is not None:
            where.append(f"field '{self.field}'")
        prefix = ", ".join(where)
        return f"{prefix}: {self.reason}" if prefix else self.reason


class OutputError(SumbenchError):
    """An output location that we refuse to write (e.g. it holds other data)."""


class ConfigError(SumbenchError):
    """An invalid option or option combination."""
