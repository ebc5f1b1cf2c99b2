"""Atomic, deterministic file writing shared by every stage.

Everything sumbench writes goes through here so that (a) an interrupted run never
leaves a half-written file and (b) the same records always give the same bytes.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from benchmark.errors import OutputError

#: what an errno means to someone choosing where to write
_OS_HINTS: dict[int, str] = {
    errno.ENOSPC: "the disk is full; free some space or choose another place",
    errno.EDQUOT: "the disk quota is used up; free some space or choose another place",
    errno.EROFS: "the file system is read-only; choose another place",
    errno.EACCES: "permission denied; choose a place you can write to",
    errno.EPERM: "permission denied; choose a place you can write to",
    errno.ENOTDIR: "part of the path is a file, not a folder",
    errno.EEXIST: "a file is in the way where a folder is needed",
    errno.EISDIR: "it is a folder, not a file",
    errno.ENAMETOOLONG: "the path is too long",
}


def describe_os_error(exc: OSError) -> str:
    """``path: what went wrong (strerror)``: an OSError told without a traceback, with a way out."""
    where = exc.filename if exc.filename is not None else "file system"
    reason = exc.strerror or str(exc)
    hint = _OS_HINTS.get(exc.errno or 0)
    return f"{where}: {hint} ({reason})" if hint else f"{where}: {reason}"


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


_log = logging.getLogger("sumbench")
#: marks a scratch folder whose new output is complete: the swap may be finished
COMPLETE_MARK = "COMPLETE"
#: where a folder being replaced waits, inside the scratch folder, during the swap
OLD_NAME = "old"


def scratch_dir(target: Path, kind: str = "write") -> Path:
    """A new private folder beside ``target``: ``.<name>.<pid>.<kind>-XXXXXXXX.tmp``.

    The process id in the name lets :func:`recover` tell a live writer's folder
    (left alone) from one a killed process left behind (finished, restored or removed).
    """
    return Path(tempfile.mkdtemp(prefix=f".{target.name}.{os.getpid()}.{kind}-", suffix=".tmp",
                                 dir=target.parent))


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists but is not ours
        return True
    return True


def recover(target: str | Path) -> list[str]:
    """Finish or undo what a killed writer of ``target`` left beside it; say what was done.

    A directory is replaced in two renames (old -> scratch/old, new -> target). If
    the writer died between them, ``target`` is missing: the new output is moved in
    when its scratch folder is marked complete, else the old one is put back. Then
    every dead writer's scratch folder (a half-written build, a leftover old copy)
    is removed. Each action is logged as a warning and returned.
    """
    target = Path(target)
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.(\d+)\.[a-z]+-[^/]*\.tmp$")
    try:
        found = sorted(p for p in target.parent.iterdir() if pattern.match(p.name))
    except OSError:
        return []
    done: list[str] = []
    for scratch in found:
        match = pattern.match(scratch.name)
        if match is None or _alive(int(match.group(1))) or not scratch.is_dir():
            continue
        new, old = scratch / target.name, scratch / OLD_NAME
        with contextlib.suppress(OSError):
            if not target.exists() and (scratch / COMPLETE_MARK).exists() and new.exists():
                os.replace(new, target)
                done.append(f"finished an interrupted replacement of {target} (the new "
                            "output was complete)")
            elif not target.exists() and old.exists():
                os.replace(old, target)
                done.append(f"restored {target}: a replacement was interrupted before the new "
                            "output was complete")
        shutil.rmtree(scratch, ignore_errors=True)
        if not scratch.exists():
            done.append(f"removed {scratch}, left by an interrupted write (process "
                        f"{match.group(1)})")
    for message in done:
        _log.warning("sumbench: %s", message)
    return done


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it over ``target`` on success.

    Works for files and directories. On any exception (including Ctrl-C) the
    temporary is removed and ``target`` is left untouched. A process killed
    outright mid-swap leaves enough behind for :func:`recover` (run first by every
    later write of ``target``) to finish or undo the swap. An OSError (read-only
    place, full disk, a file where a folder should be) becomes an
    :class:`~benchmark.errors.OutputError` naming ``target``.
    """
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        recover(target)
        tmp = scratch_dir(target)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {describe_os_error(exc)}") from None
    inner = tmp / target.name
    try:
        yield inner
        if target.is_dir() and not target.is_symlink():
            (tmp / COMPLETE_MARK).touch()  # from here on a recovery finishes the swap
            os.replace(target, tmp / OLD_NAME)
            os.replace(inner, target)
        else:
            os.replace(inner, target)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {describe_os_error(exc)}") from None
    finally:
        if (tmp / OLD_NAME).exists() and not target.exists():  # failed mid-swap: put it back
            with contextlib.suppress(OSError):
                os.replace(tmp / OLD_NAME, target)
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
