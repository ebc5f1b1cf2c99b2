"""Encoder vectors of a distributed build, made where the texts are.

The texts the encoders read stay on the workers, a dict per partition
(:func:`texts_task`). The driver holds the vector cache (one SQLite file) and
goes through it a partition at a time: it asks the workers for the partition's
text keys, looks them up, has the workers encode the texts it lacks (in chunks
of at most :data:`ENCODE_CHUNK`, all partitions' chunks side by side), stores
what they made and sends the partition's vectors back out. So the driver holds
the ids, the keys and one partition's vectors at a time; the vectors are those
:func:`~benchmark.group.encoders.encode_texts` gives (the same bytes from the
cache or from any process).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from benchmark.distributed.executor import Executor
from benchmark.group.encoders import _encode_chunk, cache_key, model_key
from benchmark.group.features import encoder_text
from benchmark.schema import Article

#: Texts a worker encodes per task (the local build's pool sends at most 256 too).
ENCODE_CHUNK = 256

Texts = dict[str, str]
"""Article id -> the text the encoders read (:func:`~benchmark.group.features.encoder_text`)."""


def texts_task(articles: list[Article]) -> Texts:
    """A partition's encoder texts (kept on the worker that made them)."""
    return {a.id: encoder_text(a) for a in articles}


def _keys_task(job: tuple[Texts, list[str] | None], kind: str) -> tuple[list[str], list[str]]:
    """The ids (all, or the wanted ones, in id order) of a partition and their text keys."""
    texts, wanted = job
    ids = sorted(texts) if wanted is None else wanted
    return ids, [cache_key(kind, texts[i]) for i in ids]


def _encode_task(job: tuple[Texts, list[str]], kind: str) -> list[bytes]:
    """The vectors of some of a partition's texts, as little-endian float32 bytes."""
    texts, ids = job
    return _encode_chunk(kind, [texts[i] for i in ids])


def encode_partitions(executor: Executor, kind: str, text_parts: Sequence[Any],
                      cache: Any = None, wanted: Sequence[list[str]] | None = None,
                      as_block: bool = True) -> tuple[list[Any], int]:
    """Each partition's vectors, kept on the workers: a float32 block (rows in id order)
    with ``as_block``, else a dict id -> vector of the ``wanted`` ids (one id list per
    partition, sorted; None = every text). Returns the handles and how many distinct
    texts came from ``cache`` (a :class:`~benchmark.group.vectorcache.VectorCache`)."""
    import numpy as np

    model = model_key(kind)
    jobs = [(part, None if wanted is None else wanted[k]) for k, part in enumerate(text_parts)]
    keyed = executor.map(_keys_task, jobs, kind=kind)
    hits: set[str] = set()
    todo: list[list[list[str]]] = []  # per partition, chunks of ids whose keys are new
    for ids, keys in keyed:
        stored = cache.get_many(model, keys) if cache is not None else {}
        hits.update(stored)
        first = {k: i for i, k in zip(ids, keys, strict=True) if k not in stored}
        fresh = sorted(first.values())
        todo.append([fresh[s : s + ENCODE_CHUNK] for s in range(0, len(fresh), ENCODE_CHUNK)])
    items = [(part, chunk) for part, chunks in zip(text_parts, todo, strict=True)
             for chunk in chunks]
    made = executor.keep(_encode_task, items, kind=kind)  # every partition's, side by side
    out: list[Any] = []
    at = 0
    for (ids, keys), chunks in zip(keyed, todo, strict=True):  # one partition at a time
        vectors: dict[str, Any] = {}
        key_of = dict(zip(ids, keys, strict=True))
        for chunk, blobs in zip(chunks, executor.gather(made[at : at + len(chunks)]),
                                strict=True):
            vectors.update((key_of[i], np.frombuffer(b, dtype="<f4"))
                           for i, b in zip(chunk, blobs, strict=True))
        at += len(chunks)
        if cache is not None:
            if vectors:
                cache.put_many(model, vectors)
            vectors.update(cache.get_many(model, set(keys) - set(vectors)))
        rows = [np.asarray(vectors[k], dtype=np.float32) for k in keys]
        value: Any = (np.vstack(rows) if rows else np.empty((0, 0), dtype=np.float32)) \
            if as_block else dict(zip(ids, rows, strict=True))
        out += executor.put([value])
        del vectors, rows, value
    return out, len(hits)

