"""ArticleStore and load_articles into a store / over worker processes, on the seeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmark.errors import InputError
from benchmark.files import canonical_json
from benchmark.ingest import load_articles
from benchmark.ingest.store import ArticleStore


def _seed_jsonl(seed_paths: list[Path], path: Path, copies: int = 1,
                bad_at: int | None = None) -> Path:
    """The seeds as JSONL rows (``copies`` times, distinct ids), optionally one bad row."""
    rows = []
    for c in range(copies):
        for p in seed_paths:
            rows.append({"id": f"{p.stem}-{c:03d}", "text": p.read_text(encoding="utf-8")})
    if bad_at is not None:
        rows.insert(bad_at, {"id": "broken", "text": ""})
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("on_disk", [True, False])
def test_store_round_trips_articles_in_id_order(seeds_dir: Path, tmp_path: Path,
                                                on_disk: bool) -> None:
    articles = load_articles(seeds_dir).articles
    store = ArticleStore(tmp_path / "a.jsonl" if on_disk else None)
    for a in reversed(articles):
        store.add(a)
    assert store.ids == sorted(a.id for a in articles)
    assert list(store) == sorted(articles, key=lambda a: a.id)
    assert store[0] == articles[0] and store[-1] == articles[-1]
    assert [line.decode() for line in store.lines()] == [canonical_json(a) for a in articles]
    by_id = store.by_id
    assert set(by_id) == {a.id for a in articles} and len(by_id) == len(articles)
    assert by_id[articles[2].id] == articles[2] and articles[2].id in by_id
    assert "nope" not in by_id
    with pytest.raises(KeyError):
        store.get("nope")
    # a second article of one id replaces the first
    changed = articles[1].model_copy(update={"title": "Replaced"})
    store.add(changed)
    assert len(store) == len(articles) and store.get(changed.id).title == "Replaced"
    store.close()


def test_load_into_store_equals_in_memory_and_workers(seed_paths: list[Path],
                                                      tmp_path: Path) -> None:
    src = _seed_jsonl(seed_paths, tmp_path / "in.jsonl", copies=6)
    plain = load_articles(src)
    with ArticleStore(tmp_path / "store.jsonl") as store:
        # batches of 3 rows: past the first batches, a pool of 2 processes cleans them
        pooled = load_articles(src, store=store, workers=2, batch_size=3)
        assert pooled.articles is store
        assert list(store) == list(plain.articles)
        assert pooled.read == plain.read == 30
    assert [a.id for a in plain.articles] == sorted(a.id for a in plain.articles)


def test_worker_processes_raise_the_same_first_error(seed_paths: list[Path],
                                                     tmp_path: Path) -> None:
    src = _seed_jsonl(seed_paths, tmp_path / "bad.jsonl", copies=4, bad_at=17)
    with pytest.raises(InputError) as serial:
        load_articles(src, batch_size=3)
    with pytest.raises(InputError) as pooled:
        load_articles(src, batch_size=3, workers=2)
    assert str(pooled.value) == str(serial.value)
    assert pooled.value.line == serial.value.line == 18
    assert pooled.value.field == serial.value.field


def test_duplicates_under_skip_invalid_same_with_a_store(seed_paths: list[Path],
                                                         tmp_path: Path) -> None:
    text = seed_paths[0].read_text(encoding="utf-8")
    rows = [{"id": "x", "text": "An edited first line.\n" + text}, {"id": "y", "text": text},
            {"id": "x", "text": text}]
    src = tmp_path / "dup.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    plain = load_articles(src, skip_invalid=True, rejects_path=tmp_path / "r1.jsonl")
    with ArticleStore(tmp_path / "s.jsonl") as store:
        stored = load_articles(src, skip_invalid=True, rejects_path=tmp_path / "r2.jsonl",
                               store=store)
        assert list(store) == list(plain.articles)
    assert stored.rejected == plain.rejected == 1
    assert (tmp_path / "r1.jsonl").read_bytes() == (tmp_path / "r2.jsonl").read_bytes()
    kept = next(a for a in plain.articles if a.id == "x")
    dropped = json.loads(plain.rejects[0].raw or "{}")
    assert dropped["id"] == "x" and kept.content_hash < dropped["content_hash"]


def test_record_store_keeps_the_seed_clusters_with_their_evidence(seeds_dir: Path,
                                                                   tmp_path: Path) -> None:
    """What a distributed build keeps its clusters in: the seeds' clusters, edges and
    evidence floats included, come back equal and as the same canonical JSON."""
    from benchmark.group import GroupConfig, group_articles
    from benchmark.ingest.store import RecordStore
    from benchmark.schema import Cluster

    clusters = group_articles(load_articles(seeds_dir).articles, GroupConfig(use_embeddings=False))
    assert any(c.edges and c.edges[0].evidence for c in clusters)
    with RecordStore(Cluster, tmp_path / "clusters.jsonl") as store:
        for c in reversed(clusters):
            store.add(c)
        assert list(store) == sorted(clusters, key=lambda c: c.id)
        assert [line.decode() for line in store.lines()] == [canonical_json(c) for c in
                                                              sorted(clusters,
                                                                     key=lambda c: c.id)]
