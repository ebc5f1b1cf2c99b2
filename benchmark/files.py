"""Atomic, deterministic file writing shared by every stage.

Everything sumbench writes goes through here so that (a) an interrupted run never
leaves a half-written file and (b) the same records always give the same bytes.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel


def canonical_json(obj: Any) -> str:
    """Serialise ``obj`` as canonical JSON: sorted keys, no spaces, UTF-8 kept."""
    if isinstance(obj, BaseModel):
        obj = obj.model_dump(mode="json")
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def pretty_json(obj: Any) -> str:
    """Serialise ``obj`` as stable, human-readable JSON (sorted keys, indented).

    The bytes are exactly ``json.dumps(obj, sort_keys=True, ensure_ascii=False,
    indent=2)``: plain dicts, lists and scalars are written by a flat recursive writer
    (json's own indented encoder is pure Python and was most of the time taken to write
    a 10,000-example result); anything else falls back to ``json.dumps``.
    """
    if isinstance(obj, BaseModel):
        obj = obj.model_dump(mode="json")
    parts: list[str] = []
    try:
        _pretty(obj, "\n", parts)
    except _NotPlain:
        return json.dumps(obj, sort_keys=True, ensure_ascii=False, indent=2) + "\n"
    parts.append("\n")
    return "".join(parts)


class _NotPlain(Exception):
    """A value :func:`_pretty` leaves to ``json.dumps`` (non-str keys, other types)."""


_STRING = json.encoder.encode_basestring  # json's ensure_ascii=False string encoder
_INF = float("inf")


def _pretty(obj: Any, newline: str, out: list[str]) -> None:
    """Append ``obj`` to ``out`` as json.dumps(indent=2, sort_keys=True) writes it;
    ``newline`` is a newline followed by the current indentation."""
    kind = type(obj)
    if kind is str:
        out.append(_STRING(obj))
    elif kind is float:
        if obj != obj or obj in (_INF, -_INF):
            raise _NotPlain
        out.append(float.__repr__(obj))
    elif kind is int:
        out.append(int.__repr__(obj))
    elif obj is None or kind is bool:
        out.append("null" if obj is None else "true" if obj else "false")
    elif kind is dict:
        if not obj:
            out.append("{}")
            return
        inner = newline + "  "
        sep = "{" + inner
        for key in sorted(obj):
            if type(key) is not str:
                raise _NotPlain
            value = obj[key]
            if type(value) is float and value - value == 0:  # finite: the common leaf
                out.append(sep + _STRING(key) + ": " + float.__repr__(value))
            else:
                out.append(sep + _STRING(key) + ": ")
                _pretty(value, inner, out)
            sep = "," + inner
        out.append(newline + "}")
    elif kind is list or kind is tuple:
        if not obj:
            out.append("[]")
            return
        inner = newline + "  "
        if all(type(x) is float and x - x == 0 for x in obj):  # finite floats
            out.append("[" + inner + ("," + inner).join(map(float.__repr__, obj))
                       + newline + "]")
            return
        sep = "[" + inner
        for item in obj:
            out.append(sep)
            _pretty(item, inner, out)
            sep = "," + inner
        out.append(newline + "]")
    else:
        raise _NotPlain


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it over ``target`` on success.

    Works for files and directories. On any exception (including Ctrl-C) the
    temporary is removed and ``target`` is left untouched.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    inner = tmp / target.name
    try:
        yield inner
        if target.is_dir() and not target.is_symlink():
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            os.replace(target, old)
            os.replace(inner, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(inner, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def write_text_atomic(target: str | Path, text: str) -> None:
    """Write ``text`` (UTF-8, ``\\n`` newlines) to ``target`` atomically."""
    with atomic_path(target) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


def write_jsonl_atomic(target: str | Path, records: Iterable[Any]) -> int:
    """Write one canonical JSON object per line, atomically; return the count."""
    n = 0
    with atomic_path(target) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        for rec in records:
            fh.write(canonical_json(rec))
            fh.write("\n")
            n += 1
    return n
