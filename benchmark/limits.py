"""Limits on what one input row may hold, so hostile or broken input fails fast.

A gzip bomb, JSON nested 100k deep or a 50 MB article would otherwise end in
``MemoryError``, ``RecursionError`` or an hour of cleaning; each limit is a CLI option of
the same name, and each message says which option raises it. Ground: the located-row
reader (:mod:`benchmark.rows`) and the record checks of ingest and import use these.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from benchmark.errors import ConfigError


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """Bounds on one input row (each a CLI option of the same name), so that a gzip bomb,
    JSON nested 100k deep or a 50 MB article fails fast with a located error instead of
    ``MemoryError``, ``RecursionError`` or an hour of cleaning."""

    max_line_bytes: int = 16 * 2**20  # one JSONL/CSV line
    max_field_chars: int = 1_000_000  # one text value, or one .txt file
    max_json_depth: int = 32  # nesting of a JSON row ({"a": [1]} is 2 deep)
    max_gzip_ratio: float = 100.0  # decompressed / compressed, past GZIP_RATIO_FLOOR bytes

    def __post_init__(self) -> None:
        for name in ("max_line_bytes", "max_field_chars", "max_json_depth", "max_gzip_ratio"):
            if not getattr(self, name) >= 1:
                raise ConfigError(f"{name} must be at least 1, got {getattr(self, name)}")


DEFAULT_LIMITS = ReadLimits()
#: a .gz input may always expand to this many bytes, whatever its ratio (small files
#: of repeated rows compress very well)
GZIP_RATIO_FLOOR = 16 * 2**20


def too_large(data: dict[str, Any], limits: ReadLimits) -> tuple[str, str] | None:
    """``(field, reason)`` for the first value past ``limits`` (text size, nesting), else None;
    iterative, so even a row nested far past the limit is no ``RecursionError``."""
    for key, value in data.items():
        stack: list[tuple[Any, int]] = [(value, 2)]  # the row itself is level 1
        while stack:
            v, depth = stack.pop()
            if isinstance(v, str):
                if len(v) > limits.max_field_chars:
                    return str(key), (f"text of {len(v):,} characters is over the limit of "
                                      f"{limits.max_field_chars:,} (raise it with "
                                      "--max-field-chars)")
            elif isinstance(v, dict | list):
                if depth > limits.max_json_depth:
                    return str(key), too_deep(limits)
                stack.extend((x, depth + 1) for x in (v.values() if isinstance(v, dict) else v))
    return None


def too_deep(limits: ReadLimits) -> str:
    return (f"JSON nested deeper than the limit of {limits.max_json_depth} levels "
            "(raise it with --max-json-depth)")


def line_too_long(limits: ReadLimits) -> str:
    return (f"line is longer than the limit of {limits.max_line_bytes:,} bytes "
            "(raise it with --max-line-bytes)")


def not_finite(value: Any) -> bool:
    """True for a float NaN or infinity (JSON's ``NaN``/``Infinity``, a Parquet float)."""
    return isinstance(value, float) and not math.isfinite(value)
