"""On-disk cache of encoder vectors, keyed by model and input text.

An encoder vector is a pure function of (model, text), so a rebuild after
adding 1,000 articles to a 100,000-article corpus needs to encode only the new
texts. The store is one SQLite file (stdlib, transactional, safe for two builds
at once): a row per (model key, SHA-256 of the exact text the encoder reads)
holding the float32 bytes. The model key names the encoder package and its
version and whatever shapes the input (e5's head length and role prefix), so a
new model or a new head length misses instead of returning stale vectors.

Where: ``$SUMBENCH_CACHE_DIR`` if set, else the user's cache directory
(``platformdirs``: ``~/.cache/sumbench`` on Linux). Never the network.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from benchmark.errors import ConfigError

#: Environment variable that moves the cache (e.g. to a bigger disk).
CACHE_ENV = "SUMBENCH_CACHE_DIR"
#: File name of the store inside the cache directory.
CACHE_FILE = "vectors.sqlite"
#: Rows per SQL statement (SQLite's default limit on bound variables is 32,766).
_CHUNK = 500


def default_cache_dir() -> Path:
    """``$SUMBENCH_CACHE_DIR``, else the platform's user cache directory for sumbench."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("sumbench", appauthor=False))


def text_key(text: str) -> str:
    """SHA-256 hex digest of the exact text an encoder reads."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class VectorCache:
    """Float32 vectors by (model key, text key) in one SQLite file.

    ``hits`` and ``misses`` count look-ups since creation, so a build can say
    how many vectors came from the cache.
    """

    def __init__(self, directory: str | Path | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_cache_dir()
        self.path = self.directory / CACHE_FILE
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=60)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS vectors (model TEXT NOT NULL, text TEXT NOT NULL, "
                "dim INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (model, text))")
            self._db.commit()
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(
                f"cannot use the encoder vector cache at {self.path}: {exc}; set "
                f"{CACHE_ENV} to a writable directory, or group.vector_cache: false"
            ) from exc
        self.hits = 0
        self.misses = 0

    def get_many(self, model: str, keys: Iterable[str]) -> dict[str, Any]:
        """Stored vectors of the given text keys under ``model`` (absent keys are left out)."""
        import numpy as np

        wanted = sorted(set(keys))
        found: dict[str, Any] = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT text, dim, data FROM vectors WHERE model = ? AND text IN ({marks})",
                (model, *chunk)).fetchall()
            for key, dim, data in rows:
                vec = np.frombuffer(data, dtype="<f4")
                if vec.shape[0] == dim:
                    found[key] = vec
        self.hits += len(found)
        self.misses += len(wanted) - len(found)
        return found

    def put_many(self, model: str, vectors: Mapping[str, Any]) -> None:
        """Store vectors (float32, little-endian) under ``model``; one transaction."""
        import numpy as np

        rows = [(model, key, int(v.shape[0]), np.asarray(v, dtype="<f4").tobytes())
                for key, v in sorted(vectors.items())]
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?, ?)", rows)

    def count(self, model: str | None = None) -> int:
        """Number of stored vectors (of one model, or all)."""
        if model is None:
            return int(self._db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])
        return int(self._db.execute("SELECT COUNT(*) FROM vectors WHERE model = ?",
                                    (model,)).fetchone()[0])

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()
