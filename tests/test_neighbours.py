"""Approximate candidate search: recall of the exact top ``k``, determinism, ties by id."""

from __future__ import annotations

import csv
import hashlib
import random
from pathlib import Path

import pytest
from conftest import shared_file

from benchmark.group import GroupConfig, PairJudge, candidate_pairs, corpus_stats, profile
from benchmark.group.features import CorpusStats, Profile
from benchmark.group.lexical import (
    exact_neighbour_pairs,
    exact_neighbour_pairs_by_space,
    lsh_pairs,
)
from benchmark.group.neighbours import neighbour_pairs
from benchmark.ingest import load_articles
from benchmark.ingest.synthetic import write_synthetic_corpus
from benchmark.schema import Article


def _article(pid: str, text: str, language: str | None) -> Article:
    return Article(id=pid, body=text, language=language,
                   content_hash=hashlib.sha256(text.encode()).hexdigest())


@pytest.fixture(scope="module")
def semeval() -> tuple[list[Profile], CorpusStats]:
    """Every 6th public SemEval text (404 texts in 10 languages, Chinese among them)."""
    path = shared_file("eval/semeval2022_task8_train.csv")
    csv.field_size_limit(2**31 - 1)
    texts: dict[str, tuple[str, str]] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            for side, pid in zip("12", row["pair_id"].split("_"), strict=True):
                if row[f"text{side}"].strip():
                    texts.setdefault(pid, (row[f"text{side}"], row[f"lang{side}"]))
    articles = [_article(pid, *texts[pid]) for pid in sorted(texts)[::6]]
    profiles = [profile(a) for a in articles]
    return profiles, corpus_stats(profiles)


def test_recall_of_exact_neighbours_on_multilingual_news(
        semeval: tuple[list[Profile], CorpusStats]) -> None:
    # the search before the rare/frequent-term pools found 0.962 of these pairs: an article
    # in a script with few texts (Chinese) has exact neighbours through common terms only
    profiles, stats = semeval
    exact = exact_neighbour_pairs_by_space(profiles, stats, 10)
    approx = neighbour_pairs(profiles, stats, 10)
    for space, pairs in exact.items():
        assert len(pairs & approx) / len(pairs) >= 0.99, space
    union = set().union(*exact.values())
    assert len(union & approx) / len(union) >= 0.99


def test_same_candidates_on_a_rerun_and_in_any_input_order(
        semeval: tuple[list[Profile], CorpusStats]) -> None:
    profiles, stats = semeval
    first = neighbour_pairs(profiles, stats, 10)
    shuffled = list(profiles)
    random.Random(7).shuffle(shuffled)
    assert neighbour_pairs(shuffled, stats, 10) == first
    assert neighbour_pairs(profiles, stats, 10) == first


def test_ties_are_broken_by_id() -> None:
    # 40 copies of one text are equally near each other: each copy's 3 nearest are the
    # 3 lowest other ids, in the approximate search as in the exact one
    text = "The central bank raised its key interest rate by half a point on Tuesday."
    others = ["Floods closed the coastal highway after three days of rain in the north.",
              "The striker scored twice as the home side won the cup final in extra time."]
    articles = [_article(f"c{i:02d}", text, "en") for i in range(40)]
    articles += [_article(f"o{i}", t, "en") for i, t in enumerate(others)]
    profiles = [profile(a) for a in articles]
    stats = corpus_stats(profiles)
    approx = neighbour_pairs(profiles, stats, 3)
    assert approx == exact_neighbour_pairs(profiles, stats, 3)
    copies = {p for p in approx if p[0].startswith("c") and p[1].startswith("c")}
    lowest = {"c00", "c01", "c02", "c03"}
    assert all(a in lowest for a, _ in copies)
    assert len(copies) == 6 + 36 * 3  # c00..c03 among themselves, and each other copy's 3


def test_date_vetoed_neighbour_pairs_are_not_judged_and_no_edge_is_lost(
        tmp_path: Path) -> None:
    # on a dated crawl most neighbour pairs lie months apart; the judge vetoes them as
    # events, so candidate_pairs drops them (74 % of the pairs on 1,000 synthetic articles)
    path = tmp_path / "crawl.jsonl"
    write_synthetic_corpus(path, 400, seed=11)
    articles = sorted(load_articles(path).articles, key=lambda a: a.id)
    profiles = [profile(a) for a in articles]
    stats = corpus_stats(profiles)
    config = GroupConfig(use_embeddings=False, use_e5=False)
    assert len(profiles) > config.exhaustive_below
    kept = set(candidate_pairs(profiles, stats, config))
    lsh = lsh_pairs(profiles, config.reprint_threshold, config.num_perm, config.seed)
    every = lsh | neighbour_pairs(profiles, stats, config.neighbours)
    assert kept <= every and len(kept) < 0.6 * len(every)
    date = {p.id: p.published_ordinal for p in profiles}
    gap = config.max_date_gap_days
    assert gap is not None
    for a, b in kept - lsh:
        assert date[a] is None or date[b] is None or abs(date[a] - date[b]) <= gap
    judge = PairJudge(profiles, stats, config)
    assert ({p for p in every if judge.edge(*p) is not None}
            == {p for p in kept if judge.edge(*p) is not None})


def test_lsh_band_sort_finds_what_a_datasketch_index_finds(tmp_path: Path) -> None:
    """The reprint candidates come from sorting each band's MinHash values: the same pairs as
    querying datasketch's MinHashLSH with every article (reprints, edits, shingle-less texts)."""
    from datasketch import MinHash, MinHashLSH

    from benchmark.group.lexical import MINHASH_SCHEME, minhash_values

    path = tmp_path / "crawl.jsonl"
    write_synthetic_corpus(path, 400, seed=5)
    articles = sorted(load_articles(path).articles, key=lambda a: a.id)
    articles += [_article(f"zz{i}", "Too short.", "en") for i in range(3)]  # no 5-word shingle
    profiles = [profile(a) for a in articles]
    signatures = minhash_values(profiles, 128, 7)
    for p, row in list(zip(profiles, signatures, strict=True))[:20]:  # datasketch's own values
        fresh = MinHash(num_perm=128, seed=7, scheme=MINHASH_SCHEME)
        fresh.update_batch([h.tobytes() for h in p.shingles])
        assert (fresh.hashvalues == row).all()
    for threshold in (0.3, 0.5, 0.8):
        index = MinHashLSH(threshold=threshold, num_perm=128)
        hashes = {}
        for p, row in zip(profiles, signatures, strict=True):
            hashes[p.id] = _lean(row)
            index.insert(p.id, hashes[p.id])
        expected = {(min(a, b), max(a, b)) for a in hashes for b in index.query(hashes[a])
                    if a != b}
        got = lsh_pairs(profiles, threshold, 128, 7)
        assert got == expected and len(got) > 20
        assert {("zz0", "zz1"), ("zz0", "zz2"), ("zz1", "zz2")} <= got


def _lean(values: object) -> object:
    from datasketch import LeanMinHash, MinHash

    from benchmark.group.lexical import MINHASH_SCHEME

    return LeanMinHash(MinHash(num_perm=128, seed=7, hashvalues=values, scheme=MINHASH_SCHEME))


def test_every_step_of_the_search_counts_its_articles(tmp_path: Path) -> None:
    """The candidate search shows each step (sketches, pools, graphs, ranking per space) as a
    count that reaches its total: a 100,000-article build printed nothing for 11 minutes."""
    from contextlib import contextmanager
    from dataclasses import replace

    import numpy as np

    path = tmp_path / "crawl.jsonl"
    write_synthetic_corpus(path, 300, seed=3)
    articles = sorted(load_articles(path).articles, key=lambda a: a.id)
    rng = np.random.default_rng(0)
    profiles = [replace(profile(a), embedding=(v / np.linalg.norm(v)).astype(np.float32))
                for a, v in zip(articles, rng.normal(size=(len(articles), 16)), strict=True)]
    stats = corpus_stats(profiles)
    shown: dict[str, list[int]] = {}

    @contextmanager
    def recorder(what: str, total: int):  # type: ignore[no-untyped-def]
        counts = shown.setdefault(what, [total])
        yield counts.append

    config = GroupConfig(exhaustive_below=100)
    quiet = candidate_pairs(profiles, stats, config)
    assert candidate_pairs(profiles, stats, config, progress=recorder) == quiet
    assert list(shown) == [
        "reprint sketches", "rare word terms", "rare character terms",
        "frequent word terms (graph)", "frequent word terms",
        "frequent character terms (graph)", "frequent character terms",
        "USE vectors (graph)", "USE vectors",
        "ranking by word", "ranking by character", "ranking by USE"]
    for what, (total, *steps) in shown.items():
        assert total == len(profiles) and sum(steps) == total and min(steps) > 0, what


def _reference_top(pairs: list[tuple[int, int]], ranks: list[int], k: int) -> set[tuple[int, int]]:
    """Each row's ``k`` best partners by (higher rank, lower index), ranks > 0 only."""
    per_row: dict[int, list[tuple[int, int]]] = {}
    for (a, b), r in zip(pairs, ranks, strict=True):
        if r > 0:
            per_row.setdefault(a, []).append((-r, b))
            per_row.setdefault(b, []).append((-r, a))
    out = set()
    for row, partners in per_row.items():
        for _, other in sorted(partners)[:k]:
            out.add((min(row, other), max(row, other)))
    return out


def test_ranking_blocks_equal_a_plain_per_row_sort(monkeypatch: pytest.MonkeyPatch) -> None:
    """The block-wise ranking (adjacency list, int32 quantized sims, both row orders) picks
    what sorting every row's partners would, with ties, empty rows and zero sims."""
    import numpy as np

    from benchmark.group import ranking as nb

    monkeypatch.setattr(nb, "CHUNK", 997)  # the chunked counts and counting sort, many chunks

    rng = np.random.default_rng(7)
    n = 3 * nb.TOP_ROWS + 17  # several blocks, the last one short
    a = rng.integers(0, n - 1, 40_000)
    b = a + 1 + rng.integers(0, 50, a.size)
    keep = b < n
    codes = np.unique(a[keep] * n + b[keep])
    sims = np.round(rng.random(codes.size) * 4) / 4 - 0.25  # many ties, some <= 0
    rows = nb.PairRows.of_codes([codes], n)
    assert np.array_equal(rows.codes(), codes)
    pairs = [(int(c // n), int(c % n)) for c in codes]
    for decimals in (9, 4):  # int32 counts (TF-IDF) and int16 ones (embeddings)
        ranks = nb.quantized(sims, decimals)
        got = {(int(c // n), int(c % n)) for c in rows.top(ranks, 3)}
        assert got == _reference_top(pairs, ranks.tolist(), 3)
        # the path a Dask worker takes (codes and floats) gives the same codes
        assert np.array_equal(nb.top_of_sims(codes, sims, 3, decimals, n), rows.top(ranks, 3))


def test_pool_rows_hold_each_pooled_pair_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The adjacency list built straight from the pools (two passes, per-row dedupe in
    chunks) holds exactly the unique pairs ``i < j`` of every row and its pool entries,
    without self pairs or the -1 pads, in code order."""
    import numpy as np

    from benchmark.group import neighbours as nb
    from benchmark.group import ranking

    monkeypatch.setattr(nb, "BLOCK", 37)
    monkeypatch.setattr(nb, "CHUNK", 101)  # many dedupe chunks, some a single long row
    monkeypatch.setattr(ranking, "CHUNK", 101)
    rng = np.random.default_rng(11)
    n = 500
    pools = [rng.integers(-1, n, (n, width)).astype(np.int32) for width in (7, 1, 30)]
    pools[2][:5] = np.arange(5)[:, None]  # self pairs only
    pools[0][3] = 499  # one row's whole pool the same partner
    expected = {(min(i, int(j)), max(i, int(j))) for p in pools for i in range(n)
                for j in p[i] if j >= 0 and j != i}
    taken = list(pools)
    rows = nb.pool_rows(taken, n)
    assert taken == []  # the pools are released once read
    codes = rows.codes()
    assert rows.b.dtype == np.int32 and np.all(np.diff(codes) > 0)
    assert [(int(c // n), int(c % n)) for c in codes] == sorted(expected)
    assert np.array_equal(nb.pool_codes(pools, n), codes)
    assert nb.pool_rows([np.full((4, 2), -1, dtype=np.int32)], 4).codes().size == 0


def test_quantized_ranks_order_and_tie_exactly_as_rounded_floats() -> None:
    import numpy as np

    from benchmark.group.ranking import quantized as _quantized

    rng = np.random.default_rng(3)
    x = np.concatenate([rng.random(50_000) * 2 - 1, [0.0, -0.0, 1.0, 5e-10, -5e-10, 0.1234567895]])
    for decimals in (4, 9):
        rounded, counts = np.round(x, decimals), _quantized(x, decimals)
        assert counts.dtype == (np.int16 if decimals == 4 else np.int32)
        order = np.lexsort((np.arange(x.size), -rounded))
        assert np.array_equal(order, np.lexsort((np.arange(x.size), -counts)))
        assert np.array_equal(rounded > 0, counts > 0)


def test_pruned_rows_and_union_keep_what_scipy_and_numpy_give() -> None:
    import numpy as np
    from scipy.sparse import csr_matrix

    from benchmark.group.neighbours import _pruned
    from benchmark.group.ranking import union_codes as _union
    from benchmark.group.ranking import value_counts

    rng = np.random.default_rng(5)
    dense = rng.random((300, 80)) * (rng.random((300, 80)) < 0.1)
    dense[[0, 7, 299]] = 0.0  # empty rows, the last one among them
    matrix = csr_matrix(dense)
    keep = rng.random(80) < 0.5
    pruned, selected = _pruned(matrix, keep), matrix[:, np.flatnonzero(keep)]
    assert np.array_equal((pruned @ pruned.T.tocsr()).toarray(),
                          (selected @ selected.T.tocsr()).toarray())  # bit for bit
    assert np.array_equal(_pruned(matrix[10:20], keep).toarray(), pruned[10:20].toarray())
    parts = [rng.integers(0, 1000, s) for s in (0, 5, 3000, 1)]
    assert np.array_equal(_union([p.copy() for p in parts]), np.unique(np.concatenate(parts)))
    from benchmark.group.arrays import distinct

    for part in (*parts, parts[2].astype(np.uint64)):
        assert np.array_equal(distinct(part.copy()), np.unique(part))
    assert np.array_equal(value_counts(parts[2], 1000), np.bincount(parts[2], minlength=1000))
