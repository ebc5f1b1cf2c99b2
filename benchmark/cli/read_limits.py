"""The input-size options (``--max-line-bytes`` ...) of every command that reads rows:
``sumbench build``, ``import`` and ``evaluate``.

Why one place: the limits of :class:`benchmark.rows.ReadLimits` stop hostile input
(gzip bombs, 100k-deep JSON, 50 MB lines) with a located error; each message names
the option that raises its limit, so the options must exist, with the same names, on
every command that can hit one.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

from benchmark.limits import DEFAULT_LIMITS, ReadLimits

F = TypeVar("F", bound=Callable[..., Any])

_OPTIONS = [
    click.option(
        "--max-line-bytes", type=click.IntRange(min=1), default=DEFAULT_LIMITS.max_line_bytes,
        show_default=True, help="Longest JSONL/CSV line read; a longer one is a bad row.",
    ),
    click.option(
        "--max-field-chars", type=click.IntRange(min=1),
        default=DEFAULT_LIMITS.max_field_chars, show_default=True,
        help="Longest text value (or .txt file) in characters; a longer one is a bad row.",
    ),
    click.option(
        "--max-json-depth", type=click.IntRange(min=1), default=DEFAULT_LIMITS.max_json_depth,
        show_default=True, help="Deepest nesting of a JSON row; deeper is a bad row.",
    ),
    click.option(
        "--max-gzip-ratio", type=click.FloatRange(min=1), default=DEFAULT_LIMITS.max_gzip_ratio,
        show_default=True,
        help="Refuse a .gz input that expands past this many times its size (after 16 MiB).",
    ),
]


def read_limit_options(f: F) -> F:
    """Add the four limit options; the command receives them as one ``limits: ReadLimits``."""

    @functools.wraps(f)
    def wrapper(*args: Any, max_line_bytes: int, max_field_chars: int, max_json_depth: int,
                max_gzip_ratio: float, **kwargs: Any) -> Any:
        limits = ReadLimits(max_line_bytes=max_line_bytes, max_field_chars=max_field_chars,
                            max_json_depth=max_json_depth, max_gzip_ratio=max_gzip_ratio)
        return f(*args, limits=limits, **kwargs)

    out: Any = wrapper
    for option in reversed(_OPTIONS):
        out = option(out)
    return out
