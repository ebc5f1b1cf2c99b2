"""Compact term counts: 64-bit term hashes in numpy arrays instead of dicts of strings.

A profile's words and character n-grams used to be ``Counter[str]`` (about
100 KB per short article in Python objects); here they are two arrays, sorted
unique ``uint64`` hashes and ``uint32`` counts (12 bytes a term). Document
frequencies (:class:`DocFreq`) are the same pair of arrays over a corpus,
summable across shards. TF-IDF weights are computed with the same scalar
arithmetic as the dict version (``math.log`` per distinct value, IEEE
products, ``math.fsum`` norms and dot products), so every cosine is the same
float as before; only a 64-bit hash collision (about 1 in 10^6 for a corpus
with 10 million distinct terms) could change one.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from benchmark.distributed.pool import return_free_memory
from benchmark.group.arrays import distinct

#: Distinct words whose hash is memoised per process (cleared when full).
WORD_MEMO = 1_000_000
#: Pending term arrays a :class:`DocFreq` gathers before folding them into its counts.
FOLD_EVERY = 4_000_000
#: Rows whose TF-IDF weights :func:`tfidf_rows` computes at a time.
TFIDF_CHUNK = 2048
#: Chunks between two returns of freed heap pages while ``tfidf_rows`` releases its rows.
RELEASE_EVERY = 2

_WORD_HASH: dict[str, int] = {}
_EMPTY_KEYS = np.empty(0, dtype=np.uint64)


def _mix(x: Any) -> Any:
    """splitmix64's finaliser: a bijection on uint64 that spreads every input bit."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def word_hash(word: str) -> int:
    """Stable 64-bit hash of a word (BLAKE2b; the same on every platform and run)."""
    h = _WORD_HASH.get(word)
    if h is None:
        if len(_WORD_HASH) >= WORD_MEMO:
            _WORD_HASH.clear()
        digest = hashlib.blake2b(word.encode("utf-8", "surrogatepass"), digest_size=8).digest()
        h = _WORD_HASH[word] = int.from_bytes(digest, "little")
    return h


def token_hashes(words: Sequence[str]) -> Any:
    """The hash of every token, in text order (``uint64``)."""
    return np.fromiter(map(word_hash, words), dtype=np.uint64, count=len(words))


def shingle_keys(tokens: Any, width: int) -> Any:
    """Sorted unique hashes of every run of ``width`` consecutive tokens.

    A text shorter than ``width`` tokens is one shingle of all of them; no
    tokens, no shingles. The hash chains the token hashes in order, so the
    same words in another order are another shingle.
    """
    n = int(tokens.size)
    if n == 0:
        return _EMPTY_KEYS
    span = min(width, n)
    acc = np.full(n - span + 1, np.uint64(span), dtype=np.uint64)
    for t in range(span):
        acc = _mix(acc ^ tokens[t : t + n - span + 1])
    return distinct(acc)


@dataclass(frozen=True)
class TermCounts:
    """Sorted unique term hashes of one text and how often each occurs."""

    keys: Any = field(default_factory=lambda: _EMPTY_KEYS)  # uint64, sorted, unique
    counts: Any = field(default_factory=lambda: np.empty(0, dtype=np.uint32))

    def __len__(self) -> int:
        return int(self.keys.size)

    @classmethod
    def of(cls, hashes: Any) -> TermCounts:
        """Counts of a bag of term hashes."""
        keys, counts = np.unique(hashes, return_counts=True)
        return cls(keys.astype(np.uint64), counts.astype(np.uint32))


def char_gram_hashes(words: Sequence[str], widths: Iterable[int]) -> Any:
    """Hash of every character n-gram of the space-padded words (``" w "``), in order.

    Vectorised over code points: a gram is the ``n`` code points at a position
    of the padded words laid end to end, kept unless it spans two words (it
    would hold two spaces in a row). Its key packs the first three code points
    (21 bits each) exactly and mixes in the rest with ``n``.
    """
    padded = "".join(f" {w} " for w in words)
    cps = np.frombuffer(padded.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    c = cps.astype(np.uint64)
    size = int(c.size)
    space = c == 32
    doubled = np.zeros(size + 1, dtype=np.int64)  # doubled[j]: two-space runs ending before j
    if size > 1:
        np.cumsum(space[:-1] & space[1:], out=doubled[2:])
    parts: list[Any] = []
    for n in widths:
        m = size - n + 1
        if m <= 0:
            continue
        inside = (doubled[n : n + m] - doubled[1 : 1 + m]) == 0
        head = (c[:m] << np.uint64(42)) | (c[1 : 1 + m] << np.uint64(21)) | c[2 : 2 + m]
        tail = np.full(m, np.uint64(n), dtype=np.uint64)
        for t in range(3, n):
            tail = (tail << np.uint64(21)) | c[t : t + m]
        parts.append(_mix(head ^ _mix(tail))[inside])
    return np.concatenate(parts) if parts else _EMPTY_KEYS


@dataclass
class DocFreq:
    """Document frequency per term hash: sorted ``keys`` with ``counts`` (summable)."""

    keys: Any = field(default_factory=lambda: _EMPTY_KEYS)
    counts: Any = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    _pending: list[Any] = field(default_factory=list, repr=False, compare=False)
    _pending_size: int = field(default=0, repr=False, compare=False)

    def add(self, keys: Any) -> None:
        """Count one document's distinct terms."""
        self._pending.append(keys)
        self._pending_size += int(keys.size)
        if self._pending_size >= FOLD_EVERY:
            self._fold()

    def _fold(self, extra: Sequence[tuple[Any, Any]] = ()) -> None:
        if not self._pending and not extra:
            return
        keys = [self.keys, *self._pending, *(k for k, _ in extra)]
        counts = [self.counts, *(np.ones(p.size, dtype=np.int64) for p in self._pending),
                  *(c for _, c in extra)]
        self._pending, self._pending_size = [], 0
        uniq, inverse = np.unique(np.concatenate(keys), return_inverse=True)
        summed = np.bincount(inverse.ravel(), weights=np.concatenate(counts), minlength=uniq.size)
        self.keys, self.counts = uniq.astype(np.uint64), summed.astype(np.int64)

    def merge(self, other: DocFreq) -> DocFreq:
        """Sum of two shards' frequencies."""
        self._fold()
        other._fold()
        out = DocFreq(self.keys, self.counts)
        out._fold([(other.keys, other.counts)])
        return out

    def lookup(self, keys: Any) -> Any:
        """Document frequency of each of ``keys`` (0 for unseen terms)."""
        self._fold()
        if not self.keys.size:
            return np.zeros(len(keys), dtype=np.int64)
        at = np.minimum(np.searchsorted(self.keys, keys), self.keys.size - 1)
        return np.where(self.keys[at] == keys, self.counts[at], 0)

    def vocabulary(self) -> Any:
        """The sorted unique term hashes seen (pending documents folded in first)."""
        self._fold()
        return self.keys

    def __len__(self) -> int:
        return int(self.vocabulary().size)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DocFreq):
            return NotImplemented
        self._fold()
        other._fold()
        return bool(np.array_equal(self.keys, other.keys)
                    and np.array_equal(self.counts, other.counts))


SparseVector = tuple[Any, Any]
"""Unit-length TF-IDF weights (``float64``) over sorted unique term hashes (``uint64``)."""


def _per_value(values: Any, fn: Callable[[int], float]) -> Any:
    """``fn`` of each element, calling it once per distinct value (keeps math.log's floats)."""
    uniq, inverse = np.unique(values, return_inverse=True)
    table = np.array([fn(int(v)) for v in uniq.tolist()], dtype=np.float64)
    return table[inverse.ravel()]


def tfidf(terms: TermCounts, df: DocFreq, idf: Callable[[int], float]) -> SparseVector:
    """Unit-length sublinear-tf x idf weights of ``terms`` (same floats as the dict version)."""
    if not len(terms):
        return terms.keys, np.empty(0, dtype=np.float64)
    weights = _per_value(df.lookup(terms.keys), idf)
    tf = terms.counts
    if (tf > 1).any():
        sublinear = _per_value(tf, lambda t: 1.0 + math.log(t))
        weights = np.where(tf > 1, sublinear * weights, weights)
    norm = math.sqrt(math.fsum((weights * weights).tolist()))
    if norm <= 0:
        return _EMPTY_KEYS, np.empty(0, dtype=np.float64)
    return terms.keys, weights / norm


def dot(a: SparseVector, b: SparseVector) -> float:
    """Sparse dot product; ``math.fsum`` is exactly rounded, so term order cannot matter."""
    (ka, wa), (kb, wb) = (a, b) if a[0].size <= b[0].size else (b, a)
    if not ka.size or not kb.size:
        return 0.0
    at = np.minimum(np.searchsorted(kb, ka), kb.size - 1)
    hit = kb[at] == ka
    return math.fsum((wa[hit] * wb[at[hit]]).tolist())


def key_jaccard(a: Any, b: Any) -> float:
    """Jaccard of two sorted unique key arrays."""
    small, large = (a, b) if a.size <= b.size else (b, a)
    if not small.size:
        return 0.0
    at = np.minimum(np.searchsorted(large, small), large.size - 1)
    inter = int(np.count_nonzero(large[at] == small))
    return inter / (int(a.size) + int(b.size) - inter)


def _release(rows: Sequence[TermCounts], start: int, end: int) -> None:
    """Drop ``rows[start:end]`` (a list given up by the caller); trim the heap now and then."""
    if not isinstance(rows, list):
        raise TypeError("tfidf_rows(release=True) needs a list of rows it may empty")
    empty = TermCounts()
    for i in range(start, min(end, len(rows))):
        rows[i] = empty
    if (start // TFIDF_CHUNK) % RELEASE_EVERY == RELEASE_EVERY - 1:
        return_free_memory()


def tfidf_rows(rows: Sequence[TermCounts], df: DocFreq, idf: Callable[[int], float], *,
               release: bool = False) -> tuple[Any, list[SparseVector]]:
    """Every row's :func:`tfidf` vector, stored once: a CSR matrix and views into it.

    Columns are the positions of the terms in ``df``'s sorted keys (terms it has not
    seen get their own columns after them), so a row's columns are in key order. The
    returned vectors are views of the matrix (its column numbers as keys, its data as
    weights): the candidate search (the matrix) and the pair features (the vectors)
    share one copy. Columns are sorted like the hashes, so :func:`dot` of two views
    is the same float as of the two hash-keyed vectors (never mix the two kinds).

    The same floats as :func:`tfidf` row by row, computed :data:`TFIDF_CHUNK` rows at
    a time: ``idf`` once per distinct document frequency of the vocabulary and
    ``1 + log(tf)`` once per distinct count, gathered by column; only each row's
    exactly rounded norm (``math.fsum``) is a Python loop (a loop of :func:`tfidf`
    took 37 of the 146 CPU-seconds of the candidate stage on 30,000 articles).

    ``release=True`` takes ``rows`` (a list the caller gives up) apart as it goes: each
    chunk's counts are replaced by empty ones once written, and freed heap pages go
    back to the system, so the counts and the matrix are never both whole in memory.
    """
    from scipy.sparse import csr_matrix

    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([len(r) for r in rows], out=indptr[1:])
    vocab = df.vocabulary()
    unseen = [_EMPTY_KEYS]
    for start in range(0, len(rows), TFIDF_CHUNK):
        keys = np.concatenate([_EMPTY_KEYS, *(r.keys for r in rows[start : start + TFIDF_CHUNK])])
        unseen.append(distinct(keys[df.lookup(keys) == 0]))
    if any(u.size for u in unseen):
        vocab = np.union1d(vocab, np.concatenate(unseen)).astype(np.uint64)
    del unseen
    column_idf = _per_value(df.lookup(vocab), idf)
    top = max((int(r.counts.max()) for r in rows if len(r)), default=1)
    sublinear = np.array([1.0] + [1.0 + math.log(t) for t in range(1, top + 1)])
    cols = np.empty(int(indptr[-1]), dtype=np.int32)
    data = np.empty(int(indptr[-1]), dtype=np.float64)
    for start in range(0, len(rows), TFIDF_CHUNK):
        part = rows[start : start + TFIDF_CHUNK]
        lo, hi = int(indptr[start]), int(indptr[start + len(part)])
        if hi == lo:
            continue  # nothing to release: empty rows
        at = np.searchsorted(vocab, np.concatenate([r.keys for r in part]))
        tf = np.concatenate([r.counts for r in part])
        weights = column_idf[at]
        weights = np.where(tf > 1, sublinear[tf] * weights, weights)
        squares = (weights * weights).tolist()
        bounds = (indptr[start : start + len(part) + 1] - lo).tolist()
        for i in range(len(part)):  # idf weights are >= 1: a row with terms has a norm > 0
            a, b = bounds[i], bounds[i + 1]
            if b > a:
                weights[a:b] /= math.sqrt(math.fsum(squares[a:b]))
        cols[lo:hi] = at
        data[lo:hi] = weights
        del part, at, tf, weights, squares
        if release:
            _release(rows, start, start + TFIDF_CHUNK)
    matrix = csr_matrix((data, cols, indptr), shape=(len(rows), int(vocab.size)))
    views = [(matrix.indices[indptr[i] : indptr[i + 1]], matrix.data[indptr[i] : indptr[i + 1]])
             for i in range(len(rows))]
    return matrix, views
