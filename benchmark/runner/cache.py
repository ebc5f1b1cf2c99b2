"""On-disk prediction cache: one append-only JSONL file per (system, dataset).

Why append-only with an fsync per record: a run killed at any moment (Ctrl-C, OOM,
power) keeps every prediction that finished, and a re-run reads them back instead
of recomputing. The file name carries a hash of the system's identity (name, full
config and code: :mod:`benchmark.systems.code`) and the dataset fingerprint; its
first line repeats both, so a cache is never reused for another system, another
version of its code, or another dataset. An old file is never rewritten: a changed
identity writes a new one, and :meth:`PredictionCache.why_missed` says why.
Within a file, records are keyed by example id (the last record for an id wins).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmark.errors import InputError
from benchmark.files import canonical_json

CACHE_VERSION = 1


@dataclass(frozen=True)
class CachedPrediction:
    """One example's outcome: a summary, or the reason it failed; and how long it took."""

    id: str
    summary: str | None
    failure: str | None
    seconds: float

    def to_json(self) -> dict[str, Any]:
        """The record as written to the cache file."""
        return {"id": self.id, "summary": self.summary, "failure": self.failure,
                "seconds": round(self.seconds, 6)}


def cache_key(identity: dict[str, Any], fingerprint: str) -> str:
    """Stable hex key of (system identity, dataset fingerprint)."""
    payload = canonical_json({"v": CACHE_VERSION, "system": identity, "dataset": fingerprint})
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _changed(old: dict[str, Any], new: dict[str, Any]) -> str:
    """Which part of a system's code differs between two identities, in words."""
    before, after = old.get("code") or {}, new.get("code") or {}
    parts = []
    for was, now in zip(before.get("modules", []), after.get("modules", []), strict=False):
        if was != now:
            parts.append(f"module {now.get('module')}")
    files = set(before.get("files", {})) | set(after.get("files", {}))
    parts += [f"file {f}" for f in sorted(files)
              if before.get("files", {}).get(f) != after.get("files", {}).get(f)]
    if before.get("version") != after.get("version"):
        parts.append(f"version {before.get('version')} -> {after.get('version')}")
    return ", ".join(parts) or "code identity"


class PredictionCache:
    """Append-only store of one system's predictions on one dataset."""

    def __init__(self, directory: str | Path, slug: str, identity: dict[str, Any],
                 fingerprint: str) -> None:
        key = cache_key(identity, fingerprint)
        self.path = Path(directory) / f"{slug}-{key[:16]}.jsonl"
        self.header: dict[str, Any] = {"cache": CACHE_VERSION, "key": key, "system": identity,
                       "dataset_fingerprint": fingerprint}

    def why_missed(self) -> str | None:
        """Why there is no cache for this key although one exists for the same system
        and dataset under another key: the system's code changed since it was written
        (the old file is kept, never rewritten). None if there is no such file."""
        if self.path.exists():
            return None
        stem = self.path.name[: -len("0123456789abcdef.jsonl")]
        mine = self.header["system"]
        for other in sorted(self.path.parent.glob(f"{stem}*.jsonl")):
            try:
                with open(other, encoding="utf-8") as fh:
                    head = json.loads(fh.readline())
                theirs = head["system"]
            except (OSError, ValueError, KeyError, TypeError):
                continue
            same = {k: v for k, v in theirs.items() if k != "code"}
            if (head.get("dataset_fingerprint") == self.header["dataset_fingerprint"]
                    and same == {k: v for k, v in mine.items() if k != "code"}
                    and theirs.get("code") != mine.get("code")):
                return (f"the code changed since the cache was written ({_changed(theirs, mine)}); "
                        f"recomputing, the old predictions stay in {other}")
        return None

    def load(self) -> dict[str, CachedPrediction]:
        """Every stored outcome by example id; repairs a line cut short by a kill."""
        if not self.path.exists():
            return {}
        raw = self.path.read_bytes()
        if raw and not raw.endswith(b"\n"):
            # The process died mid-write: drop the partial last line so that new
            # records start on a fresh line. Everything before it is intact (fsync).
            keep = raw.rfind(b"\n") + 1
            with open(self.path, "r+b") as fh:
                fh.truncate(keep)
            raw = raw[:keep]
        out: dict[str, CachedPrediction] = {}
        for n, line in enumerate(raw.decode("utf-8", errors="replace").splitlines(), 1):
            try:
                rec = json.loads(line)
            except ValueError as exc:
                raise InputError("corrupt cache record; delete the file to recompute",
                                 path=self.path, line=n) from exc
            if n == 1:
                if rec != self.header:
                    raise InputError("cache header does not match this system and dataset; "
                                     "delete the file to recompute", path=self.path, line=1)
                continue
            try:
                out[rec["id"]] = CachedPrediction(rec["id"], rec["summary"], rec["failure"],
                                                  float(rec["seconds"]))
            except (KeyError, TypeError, ValueError) as exc:
                raise InputError("corrupt cache record; delete the file to recompute",
                                 path=self.path, line=n) from exc
        return out

    def append(self, record: CachedPrediction) -> None:
        """Write one record and fsync it before returning (so it survives a kill)."""
        new = not self.path.exists() or self.path.stat().st_size == 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8", newline="\n") as fh:
            if new:
                fh.write(canonical_json(self.header) + "\n")
            fh.write(canonical_json(record.to_json()) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
