"""The ``--out`` folder of ``sumbench run``: one writer at a time, one file per system.

Why a lock: two runs on one folder would call every system twice and could both
start a cache file, after which every load of it fails. Why names with a hash: a
file name is a lossy form of a system's label (``cmd:python s.py --words=30`` and
``--words 30`` both slugify to ``cmd-python-s.py-words-30``), and the second system
would silently replace the first one's result. A label that already is a safe file
name (``lead-3``) is its own name; any other gets 8 hex digits of its SHA-256. And a
result file that holds another system's result is never overwritten.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from benchmark.errors import ConfigError

LOCK_NAME = ".lock"


def slugify(label: str) -> str:
    """A file-name-safe form of a label (``cmd:python x.py`` -> ``cmd-python-x.py``); lossy."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", label).strip("-.")
    return slug[:80] or "system"


def result_stem(label: str) -> str:
    """The result file name (without ``.json``) of a system label, unique per label.

    ``lead-3`` -> ``lead-3``; ``py:my_mod:run`` -> ``py-my_mod-run-<8 hex>``.
    """
    slug = slugify(label)
    if slug == label:
        return slug
    return f"{slug}-{hashlib.sha256(label.encode('utf-8')).hexdigest()[:8]}"


def result_stems(labels: Sequence[str]) -> list[str]:
    """:func:`result_stem` of each label, made unique where file systems fold case."""
    stems = [result_stem(x) for x in labels]
    folded = [s.lower() for s in stems]
    return [
        s if folded.count(s.lower()) == 1
        else f"{s}-{hashlib.sha256(x.encode('utf-8')).hexdigest()[:8]}"
        for s, x in zip(stems, labels, strict=True)
    ]


def stored_system(path: Path) -> str | None:
    """The ``system`` a result file names (None if absent or unreadable as a result)."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return None
    system = data.get("system") if isinstance(data, dict) else None
    return system if isinstance(system, str) else None


def refuse_overwrites(out: Path, targets: dict[str, str]) -> None:
    """Stop before any work if a result file (name -> label) holds another system's
    result, or anything that is not a result: it was not this run's to replace."""
    for name, label in targets.items():
        path = out / name
        if not path.exists():
            continue
        held = stored_system(path)
        if held != label:
            what = f"the result of '{held}'" if held else "something that is not a result"
            raise ConfigError(
                f"{path} holds {what}; a run of '{label}' would overwrite it. Move it away "
                "or use another --out")


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold ``<out>/.lock`` while the block runs; another holder is a clear error.

    Why fail rather than wait: the other run may take hours, and two CI jobs that
    share a folder are a set-up mistake worth seeing at once.
    """
    from filelock import FileLock, Timeout

    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot use {out} as --out: {exc.strerror or exc}") from None
    lock = FileLock(str(out / LOCK_NAME), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise ConfigError(
            f"another sumbench run is writing to {out} (it holds {out / LOCK_NAME}); wait "
            "for it to finish or use another --out") from None
    try:
        yield
    finally:
        lock.release()
