"""Grouping: seed expectation, contract of group_articles, reprints, caps, determinism."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from pydantic import ValidationError

from benchmark.errors import InputError
from benchmark.group import (
    FEATURE_NAMES,
    CorpusStats,
    GroupConfig,
    corpus_stats,
    group_articles,
    pair_features,
    profile,
)
from benchmark.group.encoders import E5_HEAD_CHARS, EMBED_DECIMALS, e5_head, embed_cosine
from benchmark.group.event import best_threshold
from benchmark.group.features import LEN_FLOOR_CHARS, _days
from benchmark.group.lexical import lsh_pairs
from benchmark.ingest import load_articles
from benchmark.schema import Article, Cluster


def _article(aid: str, body: str, title: str | None = None,
             published: dt.date | None = None) -> Article:
    return Article(id=aid, title=title, body=body, published=published, language="en",
                   content_hash=hashlib.sha256(body.encode("utf-8")).hexdigest())


@pytest.fixture(scope="module")
def seeds(seeds_dir: Path) -> list[Article]:
    """The seeds as ingest reads and cleans them, renamed to their 3-digit prefix."""
    articles = load_articles(seeds_dir).articles
    return [a.model_copy(update={"id": a.id[:3]}) for a in articles]


@pytest.fixture(scope="module")
def seed_clusters(seeds: list[Article]) -> list[Cluster]:
    return group_articles(seeds)


def _cluster_of(clusters: list[Cluster], aid: str) -> Cluster:
    return next(c for c in clusters if aid in c.members)


def test_seeds_default_groups_the_minsk_meeting_and_keeps_2021_out(
        seed_clusters: list[Cluster]) -> None:
    minsk = _cluster_of(seed_clusters, "000")
    assert {"000", "001", "003"} <= set(minsk.members)
    assert "004" not in minsk.members
    assert _cluster_of(seed_clusters, "004").members == ["004"]


def test_seeds_with_ingest_ids(seeds_dir: Path) -> None:
    clusters = group_articles(load_articles(seeds_dir).articles)
    minsk = _cluster_of(clusters, "000_456d49786a4be5be")
    assert {"001_0910d14dd6ca0188", "003_83f5c0aa1171c3d4"} <= set(minsk.members)
    assert minsk.id == "000_456d49786a4be5be"
    assert _cluster_of(clusters, "004_d8b360385ce3ca33").members == ["004_d8b360385ce3ca33"]


def test_seeds_without_publication_dates(seeds: list[Article]) -> None:
    assert {a.id: a.published for a in seeds if a.published} == {
        "002": dt.date(2012, 10, 29), "004": dt.date(2021, 10, 9)}
    # 004's publication year (2021) is not among 000's years (2012, 2015) and 001's
    # "23 October" is two weeks from 004's 9-10 October: both conflicts block the edge
    stats = corpus_stats(profile(a) for a in seeds)
    assert pair_features(seeds[0], seeds[4], stats)["published_year_conflict"] == 1.0
    assert pair_features(seeds[1], seeds[4], stats)["date_mention_conflict"] == 1.0
    # the 2012 cluster keeps 004 out even without the one dated 2012 article (002)
    without_002 = group_articles([a for a in seeds if a.id != "002"])
    assert _cluster_of(without_002, "000").members == ["000", "001", "003"]
    # Known shortfall (docs/grouping.md): with no publication date anywhere, years merely
    # mentioned in the text are left to the model (on the public pairs they block more
    # same-story pairs than different ones), and 004 joins; dates keep it out.
    undated = [a.model_copy(update={"published": None}) for a in seeds]
    assert all(pair_features(x, y, stats)["published_year_conflict"] == 0.0
               for x in undated for y in undated if x.id < y.id)
    assert "004" in _cluster_of(group_articles(undated), "000").members
    lexical = GroupConfig(use_embeddings=False)
    assert "004" in _cluster_of(group_articles(undated, lexical), "000").members
    assert "004" not in _cluster_of(group_articles(seeds, lexical), "000").members


def test_cluster_contract(seeds: list[Article], seed_clusters: list[Cluster]) -> None:
    seen = [m for c in seed_clusters for m in c.members]
    assert sorted(seen) == sorted(a.id for a in seeds)
    assert [c.id for c in seed_clusters] == sorted(c.id for c in seed_clusters)
    for c in seed_clusters:
        assert c.members == sorted(c.members) and c.id == c.members[0]
        assert [(e.a, e.b) for e in c.edges] == sorted((e.a, e.b) for e in c.edges)
        for e in c.edges:
            assert e.a < e.b and e.a in c.members and e.b in c.members
            assert e.kind in ("reprint", "event")
            # the default evidence carries both encoder cosines
            assert set(FEATURE_NAMES) <= set(e.evidence)
            key = "event_probability" if e.kind == "event" else "shingle_jaccard"
            assert e.score == e.evidence[key]
    assert len(_cluster_of(seed_clusters, "000").edges) >= 2


def test_a_shuffled_seed_order_groups_the_same(seeds: list[Article],
                                               seed_clusters: list[Cluster]) -> None:
    shuffled = [seeds[i] for i in (3, 0, 4, 2, 1)]
    again = group_articles(shuffled)
    assert [c.model_dump() for c in again] == [c.model_dump() for c in seed_clusters]


def test_pair_features_pure_and_symmetric(seeds: list[Article]) -> None:
    stats = corpus_stats(profile(a) for a in seeds)
    ab = pair_features(seeds[0], seeds[4], stats)
    assert ab == pair_features(seeds[4], seeds[0], stats)
    assert set(ab) == set(FEATURE_NAMES) - {"cos_embed", "cos_e5"}
    # every seed pair has word cosine >= 0.2: a single cosine cannot separate 004
    assert ab["cos_word"] >= 0.2
    assert ab["year_conflict"] == 1.0  # 000 mentions 2012-2015, 004 was published in 2021


def test_stats_are_summable(seeds: list[Article]) -> None:
    profiles = [profile(a) for a in seeds]
    whole = corpus_stats(profiles)
    merged = corpus_stats(profiles[:2]).merge(corpus_stats(profiles[2:]))
    assert merged == whole
    assert isinstance(whole, CorpusStats) and whole.n_docs == 5


def test_lightly_edited_copy_is_a_reprint(seeds: list[Article]) -> None:
    src = seeds[0]
    edited = src.body.replace("Mr. Lukashenko", "President Lukashenko").replace(
        "co-operation", "cooperation", 3)
    copy = _article("999", edited, src.title)
    clusters = group_articles([*seeds, copy])
    minsk = _cluster_of(clusters, "000")
    assert "999" in minsk.members
    reprint = next(e for e in minsk.edges if (e.a, e.b) == ("000", "999"))
    assert reprint.kind == "reprint" and reprint.score >= 0.5


def test_cap_limits_cluster_size_and_chaining(seeds: list[Article]) -> None:
    capped = group_articles(seeds, GroupConfig(max_cluster_size=2))
    assert max(len(c.members) for c in capped) == 2
    strict = group_articles(seeds, GroupConfig(min_link_fraction=1.0))
    for c in strict:
        n = len(c.members)
        assert len(c.edges) == n * (n - 1) // 2  # complete linkage: every pair is an edge


def test_publication_dates_far_apart_veto_event_edges(seeds: list[Article]) -> None:
    moved = [a.model_copy(update={"published": dt.date(2012, 10, 23 if a.id != "003" else 1)})
             for a in seeds[:4]]
    moved[3] = moved[3].model_copy(update={"published": dt.date(2013, 3, 1)})
    clusters = group_articles(moved)
    assert _cluster_of(clusters, "003").members == ["003"]
    loose = group_articles(moved, GroupConfig(max_date_gap_days=None))
    assert "003" in _cluster_of(loose, "000").members


def test_candidate_generation_matches_exhaustive(seeds: list[Article]) -> None:
    copy = _article("999", seeds[2].body.replace("Vladimir Semashko", "V. Semashko"))
    corpus = [*seeds, copy]
    cfg = GroupConfig(use_embeddings=False)
    full = group_articles(corpus, cfg)
    blocked = group_articles(corpus, cfg.model_copy(update={"exhaustive_below": 0,
                                                            "neighbours": 4}))
    assert [c.model_dump() for c in blocked] == [c.model_dump() for c in full]
    assert any(e.kind == "reprint" and (e.a, e.b) == ("002", "999")
               for c in blocked for e in c.edges)
    # MinHash LSH alone proposes exactly the reprint, none of the rewrites
    assert lsh_pairs([profile(a) for a in corpus], 0.5, 128, 12345) == {("002", "999")}


def test_text_without_words_is_no_reprint() -> None:
    a, b = _article("a", "... !!!"), _article("b", "— ?")
    stats = corpus_stats([profile(a), profile(b)])
    assert pair_features(a, b, stats)["shingle_jaccard"] == 0.0
    assert [c.members for c in group_articles([a, b])] == [["a"], ["b"]]


def test_duplicate_ids_are_an_input_error(seeds: list[Article]) -> None:
    with pytest.raises(InputError, match="duplicate article id '000'"):
        group_articles([seeds[0], seeds[0]])


def test_config_is_frozen_and_strict() -> None:
    with pytest.raises(ValidationError):
        GroupConfig(max_cluster_sise=3)  # type: ignore[call-arg]
    cfg = GroupConfig()
    with pytest.raises(ValidationError):
        cfg.max_cluster_size = 3


def test_mentioned_dates_and_threshold_fit() -> None:
    assert _days("on 23 October 2012") == _days("am 23. Oktober") == _days("23.10.2012")
    assert _days("October 29, 2012") == frozenset([303])
    assert best_threshold([0.9, 0.8, 0.3, 0.1], [True, True, False, False]) == 0.55


def test_evidence_table_and_module_cli(seeds_dir: Path, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    from benchmark.group.__main__ import main

    assert main([str(seeds_dir), "--short-ids", "3"]) == 0
    out = capsys.readouterr().out
    assert "cluster 004_d8b360385ce3ca33: 004_d8b360385ce3ca33 (0 edges)" in out
    rows = [line for line in out.splitlines() if line.startswith("| 0")]
    assert len(rows) == 10
    assert next(r for r in rows if r.startswith("| 002–004")).endswith(
        "| no: publication dates too far apart |")
    assert main([str(tmp_path / "missing")]) == 2
    assert "error:" in capsys.readouterr().err


def test_encoder_cosine_is_rounded_so_last_bit_noise_cannot_change_it(
        seeds: list[Article], seed_clusters: list[Cluster]) -> None:
    edges = [e for c in seed_clusters for e in c.edges]
    for key in ("cos_embed", "cos_e5"):
        assert edges and all(round(e.evidence[key], EMBED_DECIMALS) == e.evidence[key]
                             for e in edges)
    for attr in ("embedding", "embedding_e5"):
        a, b = (getattr(profile(x, embeddings=True, e5=True), attr) for x in seeds[:2])
        # what another CPU/BLAS/SIMD path may do to a float32 forward pass: flip the last bits
        noisy = (a.view("uint32") ^ 1).view("float32")
        assert (noisy != a).all()
        assert embed_cosine(noisy, b) == embed_cosine(a, b)


def test_e5_reads_the_head_and_can_be_switched_off(seeds: list[Article]) -> None:
    long_text = "word " * 1000
    head = e5_head(long_text)
    assert len(head) <= E5_HEAD_CHARS and long_text.startswith(head) and not head.endswith("wo")
    assert e5_head("short text") == "short text"
    # an article longer than the head: e5 sees the same vector whatever follows the head
    body = seeds[0].body
    assert len(body) > E5_HEAD_CHARS
    tail_changed = seeds[0].model_copy(update={"body": body + " Unrelated closing line."})
    assert (profile(seeds[0], embeddings=True, e5=True).embedding_e5
            == profile(tail_changed, embeddings=True, e5=True).embedding_e5).all()
    off = GroupConfig(use_e5=False)
    assert not off.e5 and GroupConfig().e5 and not GroupConfig(use_embeddings=False).e5
    edges = [e for c in group_articles(seeds, off) for e in c.edges]
    assert edges and all("cos_e5" not in e.evidence and "cos_embed" in e.evidence
                         for e in edges)


def test_len_min_reads_the_shorter_text() -> None:
    import math

    brief = _article("a", "Ferry service to the islands suspended for the winter after storms "
                     "damaged the pier, the operator said on Monday.")
    story = _article("b", "The ferry service to the islands was suspended on Monday. " * 20)
    headline = _article("c", "Ferry service suspended")
    stats = corpus_stats(profile(x) for x in (brief, story, headline))
    assert pair_features(story, brief, stats)["len_min"] == math.log1p(len(brief.body)) / 10
    # below LEN_FLOOR_CHARS the public pairs are too few to learn from: the floor holds
    floored = pair_features(story, headline, stats)["len_min"]
    assert floored == math.log1p(LEN_FLOOR_CHARS) / 10 > math.log1p(len(headline.body)) / 10
