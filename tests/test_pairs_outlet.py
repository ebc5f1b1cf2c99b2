"""References come from OTHER outlets: the same_outlet filter, on the seeds and written files."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from conftest import SEEDS

from benchmark.dataset.build import BuildConfig, BuildReport, build_dataset
from benchmark.dataset.folder import load_dataset_dir
from benchmark.dataset.pairs import FILTERS, FilterConfig, build_examples, examples_for_cluster
from benchmark.ingest.outlet import outlet_key
from benchmark.schema import Article, Cluster

WORDS = ["minsk", "talks", "defence", "programme", "signed", "ministers", "industry", "plants",
         "cooperation", "delegation", "export", "markets", "commission", "agreement"]


def _article(art_id: str, source: str | None, n_words: int = 80, seed: int = 0) -> Article:
    """A distinct article of ``n_words`` words in sentences of ten (its lead passes the filters)."""
    words = [WORDS[(i * (seed + 3) + seed) % len(WORDS)] + str(i % 7 + seed)
             for i in range(n_words)]
    body = " ".join(f"{w}." if i % 10 == 9 else w for i, w in enumerate(words)).rstrip(".") + "."
    return Article(id=art_id, title=f"Headline {art_id} about the Minsk defence talks",
                   body=body, source=source, language="en",
                   content_hash=hashlib.sha256(body.encode()).hexdigest())


def _cluster(*arts: Article) -> tuple[Cluster, dict[str, Article]]:
    ids = sorted(a.id for a in arts)
    return Cluster(id=ids[0], members=ids), {a.id: a for a in arts}


def test_filter_is_named_and_reported_in_order() -> None:
    assert "same_outlet" in FILTERS
    assert FILTERS.index("same_outlet") < FILTERS.index("language_mismatch")
    assert FilterConfig().drop_same_outlet is True


def test_cross_lede_drops_same_outlet_references_case_insensitively() -> None:
    cluster, arts = _cluster(_article("a", "Reuters", seed=1), _article("b", "reuters.com", seed=2),
                             _article("c", "AP", seed=3), _article("d", None, seed=4))
    res = examples_for_cluster(cluster, arts, ["cross-lede"])
    refs = {e.source_ids[0]: e.reference_ids for e in res.examples}
    assert refs == {"a": ["c", "d"], "b": ["c", "d"], "c": ["a", "b", "d"],
                    "d": ["a", "b", "c"]}  # unknown outlet (d) never blocks
    assert res.filtered["cross-lede"]["same_outlet"] == 2
    off = examples_for_cluster(cluster, arts, ["cross-lede"],
                               FilterConfig(drop_same_outlet=False))
    assert off.filtered["cross-lede"]["same_outlet"] == 0
    assert {e.source_ids[0]: e.reference_ids for e in off.examples}["a"] == ["b", "c", "d"]


def test_only_same_outlet_references_leaves_no_example() -> None:
    cluster, arts = _cluster(_article("a", "BelTA", seed=1), _article("b", "BELTA", seed=2))
    res = examples_for_cluster(cluster, arts, ["cross-lede"])
    assert res.examples == []
    counts = res.filtered["cross-lede"]
    assert (counts["same_outlet"], counts["no_reference_left"]) == (2, 2)


def test_multi_doc_leaves_same_outlet_documents_out_and_merges_references() -> None:
    cluster, arts = _cluster(_article("a1", "Outlet A", seed=1), _article("a2", "outlet-a", seed=2),
                             _article("b1", "Outlet B", seed=3), _article("b2", "Outlet B", seed=4),
                             _article("u", None, seed=5))
    res = examples_for_cluster(cluster, arts, ["multi-doc"])
    got = {tuple(e.source_ids): e.reference_ids for e in res.examples}
    assert got == {
        ("b1", "b2", "u"): ["a1", "a2"],  # held-out a1 and a2 leave the same documents
        ("a1", "a2", "u"): ["b1", "b2"],
        ("a1", "a2", "b1", "b2"): ["u"],  # an unknown outlet keeps every document
    }
    for e in res.examples:
        ref_outlets = {arts[r].source for r in e.reference_ids}
        assert not {arts[s].source for s in e.source_ids} & ref_outlets
    assert res.filtered["multi-doc"]["same_outlet"] == 4  # documents left out, one per held-out
    assert res.candidates["multi-doc"] == 3


def test_compression_drops_a_shorter_version_from_the_same_outlet() -> None:
    cluster, arts = _cluster(_article("long", "Xinhua", n_words=300, seed=1),
                             _article("short-same", "XINHUA", n_words=60, seed=2),
                             _article("short-other", "TASS", n_words=60, seed=3))
    res = examples_for_cluster(cluster, arts, ["compression"])
    (ex,) = res.examples
    assert ex.source_ids == ["long"] and ex.reference_ids == ["short-other"]
    assert res.filtered["compression"]["same_outlet"] == 1


def test_seeds_have_one_known_outlet_so_nothing_is_dropped(tmp_path: Path) -> None:
    report = build_dataset(SEEDS, tmp_path / "out",
                           BuildConfig(strategy=["cross-lede", "multi-doc"]))
    assert all(report.filtered[s]["same_outlet"] == 0 for s in ("cross-lede", "multi-doc"))
    arts = [json.loads(x) for x in (tmp_path / "out" / "articles.jsonl").read_text().splitlines()]
    assert [a["source"] for a in arts] == [None, None, "OREANDA-NEWS", None, None]


@pytest.fixture(scope="module")
def shared_outlet_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildReport]:
    """The seeds as JSONL with a ``source`` column: 000 and 001 share an outlet."""
    tmp = tmp_path_factory.mktemp("outlets")
    outlets = {"000": "Belarus Defence Daily", "001": "BELARUS DEFENCE DAILY",
               "003": "Minsk Herald", "004": "Minsk Herald"}  # 002: its dateline names it
    rows = [{"id": p.stem, "text": p.read_text(encoding="utf-8"),
             "source": outlets.get(p.stem[:3])} for p in sorted(SEEDS.glob("*.txt"))]
    src = tmp / "seeds.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                   encoding="utf-8")
    report = build_dataset(src, tmp / "out", BuildConfig(strategy=["cross-lede", "multi-doc"]))
    return tmp, report


def test_build_drops_and_reports_same_outlet_pairs(
        shared_outlet_build: tuple[Path, BuildReport]) -> None:
    tmp, report = shared_outlet_build
    ds = load_dataset_dir(tmp / "out")
    examples = [e for exs in ds.splits.values() for e in exs]
    cross = {e.source_ids[0][:3]: [r[:3] for r in e.reference_ids]
             for e in examples if e.strategy == "cross-lede"}
    assert "001" not in cross["000"] and "000" not in cross["001"]
    assert "003" in cross["000"] and "000" in cross["003"]  # other outlets stay
    assert report.filtered["cross-lede"]["same_outlet"] == 2
    arts = [json.loads(x) for x in (tmp / "out" / "articles.jsonl").read_text().splitlines()]
    key = {a["id"]: outlet_key(a["source"]) for a in arts}
    assert key[next(i for i in key if i.startswith("002"))] == "oreandanews"
    for e in examples:  # no example pairs a document with a reference of its outlet
        assert not {key[s] for s in e.source_ids} & {key[r] for r in e.reference_ids} - {None}
    build = json.loads((tmp / "out" / "build.json").read_text())
    assert build["counts"]["filtered"]["cross-lede"]["same_outlet"] == 2
    assert build["settings"]["filters"]["drop_same_outlet"] is True
    assert "same_outlet 2" in report.summary()
    assert "same_outlet" in (tmp / "out" / "README.md").read_text(encoding="utf-8")


def test_pairs_output_does_not_depend_on_cluster_order() -> None:
    a = [_article(f"x{i}", ["A", "B", None][i % 3], seed=i) for i in range(6)]
    c1, arts = _cluster(*a[:3])
    c2, arts2 = _cluster(*a[3:])
    arts.update(arts2)
    r1 = build_examples([c1, c2], arts, ["cross-lede", "multi-doc"])
    r2 = build_examples([c2, c1], arts, ["cross-lede", "multi-doc"])
    assert r1.examples == r2.examples and r1.filtered == r2.filtered
