"""Example builders and quality filters, on the seed articles and hand-made clusters."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from conftest import SEEDS

from benchmark.dataset.pairs import (
    FILTERS,
    FilterConfig,
    article_lead,
    build_examples,
    example_id,
    examples_for_cluster,
)
from benchmark.metrics.fragments import fragment_stats
from benchmark.schema import Article, Cluster


def make_article(art_id: str, body: str, title: str | None = None, **kw: object) -> Article:
    """A minimal Article (stand-in for ingest output in unit tests)."""
    return Article(
        id=art_id,
        title=title,
        body=body,
        content_hash=hashlib.sha256(body.encode()).hexdigest(),
        **kw,
    )


def seed_articles() -> list[Article]:
    """The five seeds, naively: first line = title; 002 has no title, its dateline is cut."""
    out = []
    for path in sorted(Path(SEEDS).glob("*.txt")):
        text = path.read_text(encoding="utf-8").strip()
        first, _, rest = text.partition("\n")
        if path.stem.startswith("002"):
            body = text.split("2012. ", 1)[1]  # drop "OREANDA-NEWS. October 29, 2012. "
            out.append(make_article(path.stem, body, None, language="en"))
        else:
            out.append(make_article(path.stem, rest.strip(), first.strip(), language="en"))
    return out


def seed_clusters(articles: list[Article]) -> list[Cluster]:
    """000-003 as one event, 004 alone (the grouping the issue expects)."""
    ids = [a.id for a in articles]
    return [Cluster(id=ids[0], members=ids[:4]), Cluster(id=ids[4], members=[ids[4]])]


@pytest.fixture(scope="module")
def seeds() -> tuple[dict[str, Article], list[Cluster]]:
    arts = seed_articles()
    return {a.id: a for a in arts}, seed_clusters(arts)


def test_cross_lede_references_are_the_other_articles_leads(seeds) -> None:
    by_id, clusters = seeds
    res = build_examples(clusters, by_id)
    assert len(res.examples) == 4 and res.candidates["cross-lede"] == 4
    for ex in res.examples:
        (src,) = ex.source_ids
        assert ex.documents == [by_id[src].body] and ex.document == by_id[src].body
        assert src not in ex.reference_ids
        assert ex.reference_ids == sorted(set(clusters[0].members) - {src})
        for ref_id, ref in zip(ex.reference_ids, ex.references, strict=True):
            assert ref == article_lead(by_id[ref_id])
        assert ex.fragments == [fragment_stats(ex.document, r) for r in ex.references]
        assert ex.cluster_id == clusters[0].id and ex.id == example_id("cross-lede", [src])
    # the singleton cluster (004) yields nothing
    assert all("004" not in i for e in res.examples for i in [*e.source_ids, *e.reference_ids])


def test_lead_is_headline_plus_first_sentence() -> None:
    art = make_article(
        "a", "Headline here.\n\nFirst sentence of body. Second one.", "Headline here"
    )
    assert article_lead(art) == "Headline here\nFirst sentence of body."
    untitled = make_article("b", "Only body. More body.")
    assert article_lead(untitled) == "Only body."


def test_multi_doc_is_leave_one_out(seeds) -> None:
    by_id, clusters = seeds
    res = build_examples(clusters, by_id, ["multi-doc"])
    assert len(res.examples) == 4
    for ex in res.examples:
        (held,) = ex.reference_ids
        assert sorted([*ex.source_ids, held]) == clusters[0].members
        assert ex.document == " ||||| ".join(by_id[s].body for s in ex.source_ids)
        assert ex.references == [article_lead(by_id[held])]


def test_compression_yields_nothing_on_seeds_and_says_why(seeds) -> None:
    by_id, clusters = seeds
    res = build_examples(clusters, by_id, ["compression"])
    assert res.examples == []
    assert res.candidates["compression"] == 1
    assert res.filtered["compression"]["compression_ratio"] == 3  # every shorter version < 2x
    assert res.filtered["compression"]["no_reference_left"] == 1


def test_compression_keeps_a_much_shorter_version() -> None:
    long_body = " ".join(f"word{i}" for i in range(200))
    short = " ".join(f"other{i}" for i in range(60))
    arts = {"L": make_article("L", long_body), "S": make_article("S", short)}
    res = build_examples([Cluster(id="L", members=["L", "S"])], arts, ["compression"])
    (ex,) = res.examples
    assert ex.source_ids == ["L"] and ex.reference_ids == ["S"] and ex.references == [short]
    assert ex.fragments[0].compression == pytest.approx(200 / 60)


def test_filters_count_every_drop() -> None:
    filler = " ".join(f"Filler sentence number {i} adds words." for i in range(20))
    arts = {
        "a": make_article(
            "a", "First alpha sentence has these six words. " + filler, "Alpha title words here"
        ),
        "b": make_article(
            "b", "First alpha sentence has these six words. Then b differs. " + filler
        ),
        "c": make_article(
            "c",
            "Gamma opens with its own sentence today. " + " ".join(["word"] * 25),
            "Gamma title",
        ),
    }
    res = examples_for_cluster(
        Cluster(id="a", members=["a", "b", "c"]),
        arts,
        ["cross-lede"],
        FilterConfig(min_document_words=40),
    )
    counts = res.filtered["cross-lede"]
    assert set(counts) == set(FILTERS)
    assert counts["document_too_short"] == 1  # c's 32-word body
    assert counts["exact_copy"] == 1  # b's lead is a's first sentence, verbatim
    assert sum(counts.values()) == 2
    by_doc = {e.source_ids[0]: e for e in res.examples}
    assert sorted(by_doc) == ["a", "b"]
    assert by_doc["a"].reference_ids == ["c"]
    assert by_doc["b"].reference_ids == ["a", "c"]


def test_duplicate_and_short_references() -> None:
    doc = " ".join(f"d{i}" for i in range(80))
    lead = "Same headline everywhere\nA shared standfirst sentence about the event."
    arts = {
        "a": make_article("a", doc),
        "b": make_article(
            "b", "A shared standfirst sentence about the event. More.", "Same headline everywhere"
        ),
        "c": make_article(
            "c", "A shared standfirst sentence about the event. Other.", "Same headline everywhere"
        ),
        "d": make_article("d", "Short. Yes.", None),
    }
    res = examples_for_cluster(
        Cluster(id="a", members=list(arts)),
        arts,
        ["cross-lede"],
        FilterConfig(min_document_words=60),
    )
    (ex,) = res.examples  # only a's body is long enough
    assert ex.references == [lead] and ex.reference_ids == ["b"]
    assert res.filtered["cross-lede"]["duplicate_reference"] == 1
    assert res.filtered["cross-lede"]["reference_too_short"] == 1


def test_output_is_independent_of_input_order_and_batches(seeds) -> None:
    by_id, clusters = seeds
    strategies = ["cross-lede", "multi-doc", "compression"]
    whole = build_examples(clusters, by_id, strategies)
    shuffled = {k: by_id[k] for k in reversed(list(by_id))}
    reordered = [Cluster(id=c.id, members=list(reversed(c.members))) for c in reversed(clusters)]
    again = build_examples(reordered, shuffled, strategies)
    assert [e.model_dump() for e in again.examples] == [e.model_dump() for e in whole.examples]
    assert again.filtered == whole.filtered
    # one batch per cluster, summed, gives the same counts
    parts = [examples_for_cluster(c, by_id, strategies) for c in clusters]
    assert sum((p.candidates for p in parts), start=type(whole.candidates)()) == whole.candidates


def test_multi_doc_needs_enough_sources() -> None:
    doc = " ".join(f"d{i}" for i in range(80))
    arts = {
        "a": make_article("a", doc, "Title one here now"),
        "b": make_article("b", doc + " x", "Another title here"),
    }
    res = build_examples([Cluster(id="a", members=["a", "b"])], arts, ["multi-doc"])
    assert res.examples == [] and res.filtered["multi-doc"]["too_few_sources"] == 2


def test_exact_reprint_lead_and_density_filters() -> None:
    body = "Officials opened the new harbour on Friday after years of delay. " + " ".join(
        f"Detail sentence {i} about the harbour opening." for i in range(15)
    )
    arts = {
        "a": make_article("a", body, "Harbour opens at last"),
        "b": make_article("b", body + " Reprinted.", "Harbour opens at last"),  # a reprint
        "c": make_article(
            "c", "The port finally welcomed ships this week. " + body[60:], "New port"
        ),
    }
    cluster = Cluster(id="a", members=["a", "b", "c"])
    res = examples_for_cluster(cluster, arts, ["cross-lede"])
    # b's lead equals a's own lead (and vice versa): an exact copy, not a reference
    assert res.filtered["cross-lede"]["exact_copy"] == 2
    by_doc = {e.source_ids[0]: e for e in res.examples}
    assert by_doc["a"].reference_ids == ["c"] and by_doc["b"].reference_ids == ["c"]
    density = by_doc["a"].fragments[0].density
    strict = examples_for_cluster(
        cluster, arts, ["cross-lede"], FilterConfig(max_density=density / 2)
    )
    assert strict.filtered["cross-lede"]["too_extractive"] >= 2
    assert all(f.density <= density / 2 for e in strict.examples for f in e.fragments)


def test_references_in_another_language_are_dropped_and_counted() -> None:
    en = " ".join(f"English sentence number {i} about the summit." for i in range(12))
    arts = {
        "en1": make_article("en1", en, "Summit opens in Minsk", language="en"),
        "en2": make_article(
            "en2", en.replace("summit", "meeting"), "Leaders meet in Minsk", language="en"
        ),
        "ru": make_article(
            "ru", "Саммит открылся в Минске сегодня утром. " * 12, "Саммит в Минске", language="ru"
        ),
    }
    cluster = Cluster(id="en1", members=list(arts))
    res = examples_for_cluster(cluster, arts, ["cross-lede"])
    by_doc = {e.source_ids[0]: e for e in res.examples}
    assert by_doc["en1"].reference_ids == ["en2"] and by_doc["en1"].language == "en"
    assert "ru" not in by_doc  # both its references are English
    assert res.filtered["cross-lede"]["language_mismatch"] == 4
    mixed = examples_for_cluster(cluster, arts, ["cross-lede"], FilterConfig(same_language=False))
    assert mixed.filtered["cross-lede"]["language_mismatch"] == 0
    assert {e.source_ids[0]: e for e in mixed.examples}["en1"].reference_ids == ["en2", "ru"]
