"""Compact term counts (benchmark/group/terms.py) give exactly the string-keyed features."""

from __future__ import annotations

import math
import re
from collections import Counter
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest

from benchmark.group.features import (
    CHAR_NGRAMS,
    SHINGLE_WORDS,
    CorpusStats,
    Profile,
    corpus_stats,
    encoder_text,
    profile,
    profile_features,
)
from benchmark.group.lexical import _sparse
from benchmark.group.terms import DocFreq, TermCounts, char_gram_hashes, dot, token_hashes
from benchmark.ingest import load_articles
from benchmark.schema import Article

_WORD = re.compile(r"\w+", re.UNICODE)


@pytest.fixture(scope="module")
def seeds(seeds_dir: Path) -> list[Article]:
    return load_articles(seeds_dir).articles


def _string_terms(article: Article) -> tuple[Counter[str], Counter[str], set[str]]:
    """Words, character n-grams and 5-word shingles as strings (the reference)."""
    words = [w.lower() for w in _WORD.findall(encoder_text(article))]
    grams = Counter(f" {w} "[i : i + n] for w in words for n in CHAR_NGRAMS
                    for i in range(len(w) + 3 - n))
    shingles = {" ".join(words[i : i + SHINGLE_WORDS])
                for i in range(len(words) - SHINGLE_WORDS + 1)}
    return Counter(words), grams, shingles


def _string_cosine(a: Counter[str], b: Counter[str], df: Counter[str], n: int) -> float:
    def vec(counts: Counter[str]) -> dict[str, float]:
        idf = {t: math.log((1 + n) / (1 + df[t])) + 1.0 for t in counts}
        w = {t: (1.0 + math.log(tf)) * idf[t] if tf > 1 else idf[t] for t, tf in counts.items()}
        norm = math.sqrt(math.fsum(x * x for x in w.values()))
        return {t: x / norm for t, x in w.items()}

    va, vb = vec(a), vec(b)
    return math.fsum(x * vb[t] for t, x in va.items() if t in vb)


def test_hashed_features_equal_string_features(seeds: list[Article]) -> None:
    """Cosines and shingle Jaccard are the very floats the string-keyed version gives."""
    terms = [_string_terms(a) for a in seeds]
    df_word = Counter(t for words, _, _ in terms for t in words)
    df_char = Counter(t for _, grams, _ in terms for t in grams)
    profiles = [profile(a) for a in seeds]
    stats = corpus_stats(profiles)
    for i, j in combinations(range(len(seeds)), 2):
        got = profile_features(profiles[i], profiles[j], stats)
        (wi, ci, si), (wj, cj, sj) = terms[i], terms[j]
        assert got["cos_word"] == _string_cosine(wi, wj, df_word, len(seeds))
        assert got["cos_char"] == _string_cosine(ci, cj, df_char, len(seeds))
        assert got["shingle_jaccard"] == len(si & sj) / len(si | sj)
    for p, (words, grams, shingles) in zip(profiles, terms, strict=True):
        assert len(p.words) == len(words) and len(p.chars) == len(grams)
        assert sorted(p.words.counts.tolist()) == sorted(words.values())
        assert sorted(p.chars.counts.tolist()) == sorted(grams.values())
        assert p.shingles.size == len(shingles)


def test_profile_is_compact_arrays(seeds: list[Article]) -> None:
    """12 bytes a distinct term, no Python strings: what lets 100k articles fit in memory."""
    p = profile(seeds[0])
    assert isinstance(p, Profile) and isinstance(p.chars, TermCounts)
    for terms in (p.words, p.chars):
        assert terms.keys.dtype == np.uint64 and terms.counts.dtype == np.uint32
        assert np.all(np.diff(terms.keys.astype(np.float64)) >= 0)
        assert terms.keys.nbytes + terms.counts.nbytes == 12 * len(terms)


def test_char_grams_stay_inside_words() -> None:
    """A gram never spans two words; short words give their one padded gram."""
    grams = char_gram_hashes(["ab", "cd"], (3,))
    ref = char_gram_hashes(["ab"], (3,)).tolist() + char_gram_hashes(["cd"], (3,)).tolist()
    assert sorted(grams.tolist()) == sorted(ref) and grams.size == 4  # " ab", "ab ", " cd", "cd "
    assert char_gram_hashes(["a"], (3, 4)).size == 1  # " a " only
    assert char_gram_hashes([], CHAR_NGRAMS).size == 0
    # the same gram in different words is the same key; different grams differ
    assert len(set(char_gram_hashes(["xab", "yab"], (3,)).tolist())) == 5


def test_doc_freq_sums_across_shards(seeds: list[Article]) -> None:
    profiles = [profile(a) for a in seeds]
    whole = corpus_stats(profiles)
    parts = CorpusStats()
    for shard in (profiles[:1], profiles[1:3], profiles[3:]):
        parts = parts.merge(corpus_stats(shard))
    assert parts == whole
    keys = token_hashes(["lukashenko", "the", "no-such-word-zz"])
    df = whole.df_word.lookup(keys)
    assert df[0] >= 3 and df[1] == 5 and df[2] == 0
    assert DocFreq().lookup(keys).tolist() == [0, 0, 0]


def test_sparse_rows_hold_the_vectors(seeds: list[Article]) -> None:
    from benchmark.group.features import vectors

    profiles = [profile(a) for a in seeds]
    stats = corpus_stats(profiles)
    vecs = [vectors(p, stats)[1] for p in profiles]
    matrix = _sparse(vecs)
    assert matrix.shape[0] == 5 and matrix.nnz == sum(k.size for k, _ in vecs)
    for i, (_, w) in enumerate(vecs):
        assert np.array_equal(matrix[i].data, w)
        assert math.isclose(float(matrix[i].multiply(matrix[i]).sum()), 1.0)


def test_tfidf_rows_share_one_copy(seeds: list[Article]) -> None:
    """The CSR rows and the judge's vectors are the same floats, stored once.

    The statistics come straight from ``corpus_stats`` (documents still pending in
    the frequency tables): columns must index the folded vocabulary.
    """
    from benchmark.group.features import vectors
    from benchmark.group.terms import tfidf_rows

    profiles = [profile(a) for a in seeds]
    stats = corpus_stats(profiles)
    matrix, views = tfidf_rows([p.chars for p in profiles], stats.df_char, stats.idf)
    assert matrix.shape == (5, len(stats.df_char)) and int(matrix.indices.max()) < matrix.shape[1]
    refs = [vectors(p, stats)[1] for p in profiles]
    for (cols, weights), (ref_keys, ref_weights) in zip(views, refs, strict=True):
        # keys are column numbers, sorted like the hashes they stand for
        assert np.array_equal(np.asarray(stats.df_char.vocabulary())[cols], ref_keys)
        assert np.array_equal(weights, ref_weights)
        assert np.shares_memory(weights, matrix.data) and np.shares_memory(cols, matrix.indices)
    for i in range(len(views)):  # the same cosines as the hash-keyed vectors, bit for bit
        for j in range(len(views)):
            assert dot(views[i], views[j]) == dot(refs[i], refs[j])
    # a term the statistics never saw gets a column of its own, after the known ones
    extra = profile(seeds[0].model_copy(update={"id": "x", "body": "Zyxwvut qqqq."}))
    matrix, _ = tfidf_rows([extra.chars], stats.df_char, stats.idf)
    assert matrix.shape[1] > len(stats.df_char) and int(matrix.indices.max()) < matrix.shape[1]


def test_tfidf_rows_in_chunks_are_the_row_by_row_floats(seeds: list[Article],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunked, table-driven weights (idf per vocabulary column, 1 + log tf per count) are the
    floats of :func:`tfidf` on every row: chunk edges, an empty row, repeated words, terms
    the statistics never saw."""
    from benchmark.group import terms
    from benchmark.group.terms import tfidf, tfidf_rows

    monkeypatch.setattr(terms, "TFIDF_CHUNK", 2)
    profiles = [profile(a) for a in seeds]
    stats = corpus_stats(profiles[:3])  # the last two seeds hold words these never saw
    empty = TermCounts()
    for rows, df in (([p.words for p in profiles], stats.df_word),
                     ([p.chars for p in profiles], stats.df_char)):
        rows = [rows[0], empty, *rows[1:]]
        assert any(int(r.counts.max()) > 3 for r in rows if len(r))
        matrix, views = tfidf_rows(rows, df, stats.idf)
        for row, (keys, weights) in zip(rows, views, strict=True):
            ref_keys, ref_weights = tfidf(row, df, stats.idf)
            # keys are the terms' columns, in the hashes' order
            assert len(keys) == len(ref_keys) and bool(np.all(np.diff(keys) > 0))
            assert np.array_equal(weights, ref_weights)
        assert matrix.nnz == sum(len(r) for r in rows)


def test_tfidf_rows_release_takes_the_counts_apart_with_the_same_rows(
        seeds: list[Article], monkeypatch: pytest.MonkeyPatch) -> None:
    """release=True empties the given list chunk by chunk and gives the same matrix."""
    from benchmark.group import terms
    from benchmark.group.terms import tfidf_rows

    monkeypatch.setattr(terms, "TFIDF_CHUNK", 2)
    profiles = [profile(a) for a in seeds]
    stats = corpus_stats(profiles)
    kept, _ = tfidf_rows([p.chars for p in profiles], stats.df_char, stats.idf)
    given = [p.chars for p in profiles]
    released, views = tfidf_rows(given, stats.df_char, stats.idf, release=True)
    assert all(len(r) == 0 for r in given)  # every row was dropped once written
    assert (kept != released).nnz == 0 and np.array_equal(kept.indptr, released.indptr)
    assert all(np.shares_memory(w, released.data) for _, w in views if len(w))
    with pytest.raises(TypeError):
        tfidf_rows(tuple(p.chars for p in profiles), stats.df_char, stats.idf, release=True)
