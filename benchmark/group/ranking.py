"""Exact scores of candidate pairs and each article's ``k`` best: the second half of the
candidate search (:mod:`benchmark.group.neighbours` finds the pairs).

Every candidate pair is scored once per space and counts for both of its articles;
ties are broken by index, so the chosen pairs are a pure function of the pairs and
the vectors. The pairs are held as an adjacency list of int32 row indices and the
scores as int32 counts of the rounding unit, a block of rows at a time: at 100,000
articles the 36 M candidate pairs were the search's largest arrays.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

#: Articles whose neighbour lists are chosen at a time (memory ~ rows x pool: some 40 MB
#: at 100,000 articles, where 4,096 rows took 150 MB beside the ranks).
TOP_ROWS = 1024
#: Candidate pairs scored at a time in the embedding space (memory ~ 2 x pairs x dimensions).
PAIR_CHUNK = 4096
#: Pairs (or indices) handled at a time where a whole-array step would widen them to int64.
CHUNK = 1 << 22
#: Decimals kept of a TF-IDF cosine when ranking (as in exact search).
TFIDF_DECIMALS = 9


def union_codes(parts: list[Any]) -> Any:
    """Sorted unique values of int64 arrays (``parts`` is emptied as they are joined).

    The parts are moved one by one into one array, sorted in place and compacted in
    place: at 100,000 articles the candidate codes are some 400 MB, and ``np.unique``
    over a concatenation held three copies of them.
    """
    import numpy as np

    joined = np.empty(sum(len(part) for part in parts), dtype=np.int64)
    filled = 0
    parts.reverse()
    while parts:
        part = parts.pop()
        joined[filled : filled + len(part)] = part
        filled += len(part)
        del part
    joined.sort()
    keep = np.empty(joined.size, dtype=bool)
    keep[:1] = True
    np.not_equal(joined[1:], joined[:-1], out=keep[1:])
    kept = 0
    for start in range(0, joined.size, CHUNK):  # each chunk lands at or before itself
        chunk = joined[start : start + CHUNK][keep[start : start + CHUNK]]
        joined[kept : kept + len(chunk)] = chunk
        kept += len(chunk)
    del keep
    joined.resize(kept, refcheck=False)  # gives the tail back
    return joined


def pair_sims(matrix: Any, starts: Any, b: Any, update: Callable[[int], Any] | None = None,
               decimals: int | None = None) -> Any:
    """Similarity of every pair of rows of ``matrix`` (CSR or dense) in an adjacency list
    (row ``a``'s partners ``b[starts[a]:starts[a + 1]]``, see :class:`PairRows`); with
    ``decimals``, as :func:`quantized` counts (a block at a time, so no float array of
    every pair is ever whole).

    Sparse rows: per ``a``, its row is scattered into a dense vector once and every
    partner row ``b`` is dotted with it (one pass over ``b``'s nonzeros), about 7x
    faster than multiplying the two rows element by element. ``update`` is told of
    every :data:`TOP_ROWS` rows ``a`` done.
    """
    import numpy as np

    n = matrix.shape[0]
    out = np.empty(len(b), dtype=np.float64 if decimals is None else count_type(decimals))
    sparse = hasattr(matrix, "indptr")
    scatter = np.zeros(matrix.shape[1] if sparse else 0, dtype=np.float64)
    for first in range(0, n, TOP_ROWS):
        last = min(n, first + TOP_ROWS)
        lo, hi = int(starts[first]), int(starts[last])
        sims = np.empty(hi - lo, dtype=np.float64)
        if not sparse:
            a = _firsts(starts, first, last)
            for start in range(lo, hi, PAIR_CHUNK):
                end = min(hi, start + PAIR_CHUNK)
                sims[start - lo : end - lo] = np.einsum(
                    "ij,ij->i", matrix[a[start - lo : end - lo]].astype(np.float64),
                    matrix[b[start:end]].astype(np.float64))
        else:
            ptr, cols, vals = matrix.indptr, matrix.indices, matrix.data
            bounds = starts[first : last + 1].tolist()
            for row, start, end in zip(range(first, last), bounds, bounds[1:], strict=False):
                if end == start:
                    continue
                own = cols[ptr[row] : ptr[row + 1]]
                scatter[own] = vals[ptr[row] : ptr[row + 1]]
                sims[start - lo : end - lo] = matrix[b[start:end]] @ scatter
                scatter[own] = 0.0
        out[lo:hi] = sims if decimals is None else quantized(sims, decimals)
        if update is not None:
            update(last - first)
    return out


def count_type(decimals: int) -> Any:
    """The narrowest integer type that holds a cosine's counts of ``10**-decimals``: int16
    for the 4 decimals of an embedding (a quarter of a float's memory), else int32."""
    import numpy as np

    return np.int16 if 10**decimals < 2**15 else np.int32


def quantized(sims: Any, decimals: int) -> Any:
    """``sims`` rounded to ``decimals`` as integer counts of ``10**-decimals``
    (:func:`count_type`).

    ``np.round(x, d)`` is ``rint(x * 10**d) / 10**d``, so the counts order and tie
    exactly as the rounded floats do, in half their memory or less (cosines, |x| <= 1).
    """
    import numpy as np

    kind = count_type(decimals)
    scaled = np.rint(np.multiply(sims, 10.0**decimals))
    limit = int(np.iinfo(kind).max) + 1
    if scaled.size and np.abs(scaled).max() >= limit:
        raise ValueError(f"similarity beyond +-{limit / 10**decimals:g}: not a cosine")
    return scaled.astype(kind)


def value_counts(values: Any, size: int) -> Any:
    """How often each of ``0..size-1`` occurs in ``values`` (int64), a chunk at a time:
    ``np.bincount`` first copies its whole input to int64 (930 MB for the character
    TF-IDF's column indices at 100,000 articles)."""
    import numpy as np

    counts = np.zeros(size, dtype=np.int64)
    for start in range(0, len(values), CHUNK):
        counts += np.bincount(values[start : start + CHUNK], minlength=size)
    return counts


def index_type(n: int) -> Any:
    """The integer type of row indices among ``n`` rows: int32 below 2**31."""
    import numpy as np

    return np.int32 if n < 2**31 else np.int64


def _row_starts(firsts: Any, n: int) -> Any:
    """Where each row's pairs start among pairs sorted by their first row (``n + 1`` values)."""
    import numpy as np

    return np.concatenate([[0], np.cumsum(value_counts(firsts, n))])


def _firsts(starts: Any, lo: int, hi: int) -> Any:
    """The first row of every pair of rows ``lo..hi-1`` (pairs in :func:`_row_starts` order)."""
    import numpy as np

    return np.repeat(np.arange(lo, hi, dtype=np.int64), np.diff(starts[lo : hi + 1]))


def _split_codes(codes: Any, n: int, index: Any) -> tuple[Any, Any]:
    """The second rows ``b`` (as ``index``) of pair codes ``a * n + b`` and how many pairs
    each first row has, a chunk at a time (no int64 copy of all of them)."""
    import numpy as np

    counts = np.zeros(n, dtype=np.int64)
    second = np.empty(len(codes), dtype=index)
    for start in range(0, len(codes), CHUNK):
        part = codes[start : start + CHUNK]
        counts += np.bincount(part // n, minlength=n)
        second[start : start + len(part)] = part % n
    return second, counts


class PairRows:
    """Candidate pairs ``a < b`` as an adjacency list (row ``a``'s partners are
    ``b[starts[a]:starts[a + 1]]``, ascending), with the order that groups them by ``b``:
    what ranking each row's best partners needs, built once for every space. Two int32
    arrays of the pairs' length, where the codes and their two int64 halves were three
    int64 ones."""

    def __init__(self, b: Any, counts: Any, n: int) -> None:
        """From the partners ``b`` (int32 below 2**31 rows) and each row's count of them."""
        import numpy as np

        self.n = n
        self.b = b
        self.starts = np.concatenate([[0], np.cumsum(counts)])
        self.b_start = _row_starts(self.b, n)
        # positions grouped by b (ascending within a group): a counting sort a chunk at a
        # time, where np.argsort would return int64 positions of every pair
        self.by_b = np.empty(len(self.b), dtype=b.dtype)
        cursor = self.b_start[:-1].copy()
        for start in range(0, len(self.b), CHUNK):
            values = self.b[start : start + CHUNK]
            order = np.argsort(values, kind="stable")
            ordered = values[order]
            rank = np.arange(len(ordered)) - np.searchsorted(ordered, ordered, side="left")
            self.by_b[cursor[ordered] + rank] = order + start
            cursor += np.bincount(values, minlength=n)

    @classmethod
    def of_codes(cls, codes: list[Any], n: int) -> PairRows:
        """From ``[codes]``, one sorted unique array of pair codes ``a * n + b`` (taken out
        of the list, so that it is freed as soon as it has been read)."""
        b, counts = _split_codes(codes.pop(), n, index_type(n))  # the codes are freed here
        return cls(b, counts, n)

    def codes(self) -> Any:
        """The pairs as sorted codes ``a * n + b`` (int64)."""
        return _firsts(self.starts, 0, self.n) * self.n + self.b

    def top(self, ranks: Any, k: int) -> Any:
        """Codes of the pairs among each row's ``k`` best by ``ranks`` (higher first, > 0
        only, ties by the partner's index), every pair seen from both of its rows;
        :data:`TOP_ROWS` rows at a time."""
        import numpy as np

        n, b, starts = self.n, self.b, self.starts
        found: list[Any] = []
        for start in range(0, n, TOP_ROWS):
            end = min(n, start + TOP_ROWS)
            f0, f1 = starts[start], starts[end]
            back = self.by_b[self.b_start[start] : self.b_start[end]]
            left = np.concatenate([_firsts(starts, start, end), b[back]])
            right = np.concatenate([b[f0:f1], np.searchsorted(starts, back, side="right") - 1])
            both = np.concatenate([ranks[f0:f1], ranks[back]])
            positive = both > 0
            left, right, both = left[positive], right[positive], both[positive]
            order = np.lexsort((right, -both.astype(np.int64), left))
            left, right = left[order], right[order]
            chosen = np.arange(len(left)) - np.searchsorted(left, left, side="left") < k
            lo, hi = left[chosen].astype(np.int64), right[chosen].astype(np.int64)
            found.append(np.minimum(lo, hi) * n + np.maximum(lo, hi))
        return union_codes(found)


def space_sims(matrix: Any, codes: Any) -> Any:
    """Similarity of each coded pair in one space (each pair on its own: any slice of
    ``codes`` gives the same floats as the whole)."""
    n = matrix.shape[0]
    return pair_sims(matrix, _row_starts(codes // n, n), codes % n)


def top_of_sims(codes: Any, sims: Any, k: int, decimals: int, n: int) -> Any:
    """Codes of the pairs among each row's ``k`` best (rounded similarity > 0, ties by
    index), from every coded pair's similarity; every pair counts for both its rows."""
    return PairRows.of_codes([codes], n).top(quantized(sims, decimals), k)


def pairs_of_codes(found: Sequence[Any], n: int) -> Any:
    """Row index pairs ``(i, j)``, ``i < j``, sorted unique, of every space's codes."""
    import numpy as np

    codes = union_codes(list(found))
    return np.stack([codes // n, codes % n], axis=1)
