"""Outlet inference at ingest: metadata, then dateline agency, then URL host; never a byline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchmark.ingest import load_articles
from benchmark.ingest.outlet import dateline_outlet, find_outlet, outlet_key, url_host
from benchmark.schema import Article, json_schemas

BODY = ("The two delegations met in Minsk on Tuesday and signed a programme of "
        "military-technical cooperation for the next three years.")


def _load(tmp_path: Path, rows: list[dict[str, Any]]) -> dict[str, Article]:
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    return {a.id: a for a in load_articles(path).articles}


def test_seed_outlets(seeds_dir: Path) -> None:
    arts = {a.id[:3]: a for a in load_articles(seeds_dir).articles}
    got = {k: (a.source, a.outlet_source) for k, a in arts.items()}
    assert got == {
        "000": (None, "none"),  # a byline (a person) and a Russian footer: no outlet named
        "001": (None, "none"),
        "002": ("OREANDA-NEWS", "dateline"),  # 'OREANDA-NEWS. October 29, 2012.'
        "003": (None, "none"),
        "004": (None, "none"),  # a 'Main/News/...' breadcrumb names no outlet
    }
    assert any(r.kind == "byline" and "Khromov" in r.text for r in arts["000"].removed)
    assert [r.text for r in arts["002"].removed if r.kind == "dateline"] == \
        ["OREANDA-NEWS. October 29, 2012."]


def test_priority_metadata_then_dateline_then_url(tmp_path: Path) -> None:
    dl = f"MOSCOW, Oct 23 (Reuters) - {BODY}"
    arts = _load(tmp_path, [
        {"id": "meta", "text": dl, "source": "  Interfax  Ukraine ", "url": "https://ap.org/x"},
        {"id": "blank-meta", "text": dl, "source": " ", "url": "https://www.ap.org/x"},
        {"id": "dateline", "text": f"OREANDA-NEWS. October 29, 2012. {BODY}",
         "url": "https://www.reuters.com/world/x"},
        {"id": "place", "text": f"MINSK – {BODY}", "url": "www.belta.by/president/view/1"},
        {"id": "url", "text": BODY, "url": "https://WWW.Reuters.com:443/world/europe/x?id=1"},
        {"id": "aggregator", "text": BODY, "url": "https://news.yahoo.com/belarus-1.html"},
        {"id": "shortener", "text": BODY, "url": "https://t.co/AbC123"},
        {"id": "ip", "text": BODY, "url": "http://10.0.0.7/news/1"},
        {"id": "byline", "text": f"Talks in Minsk end\n\nBy Jane Doe\n\n{BODY}"},
    ])
    got = {k: (a.source, a.outlet_source) for k, a in arts.items()}
    assert got == {
        "meta": ("Interfax Ukraine", "metadata"),
        "blank-meta": ("Reuters", "dateline"),
        "dateline": ("OREANDA-NEWS", "dateline"),
        "place": ("belta.by", "url-host"),  # a place is no outlet, the URL is next
        "url": ("reuters.com", "url-host"),
        "aggregator": (None, "ignored-url:'news.yahoo.com' (link, archive, aggregator or "
                             "social host)"),
        "shortener": (None, "ignored-url:'t.co' (link, archive, aggregator or social host)"),
        "ip": (None, "none"),
        "byline": (None, "none"),  # 'By Jane Doe' is removed but never read as an outlet
    }
    # the dateline is removed from the body whichever evidence won
    assert arts["meta"].body == BODY and arts["dateline"].body == BODY


@pytest.mark.parametrize(("who", "agency", "expected"), [
    ("OREANDA-NEWS", None, "OREANDA-NEWS"),
    ("MOSCOW", "Reuters", "Reuters"),
    ("WASHINGTON", "AP", "AP"),
    ("WIEN", "dpa-AFX", "dpa-AFX"),
    ("ITAR-TASS", None, "ITAR-TASS"),
    ("XINHUA", None, "XINHUA"),
    ("MINSK", None, None),
    ("NEWPORT NEWS", None, None),  # a city, not a medium: several words are never guessed
    ("BEIJING", "Agencies", None),  # no single outlet
    ("WASHINGTON", "UPDATED", None),
    ("KYIV", "Oct. 23", None),
    ("LONDON", "Tue", None),
    ("MADRID", "Marca", "Marca"),  # starts like 'March' but is a name, not a date word
    ("OTTAWA", "Monitor", "Monitor"),
    (None, None, None),
])
def test_dateline_names_an_outlet_only_when_it_is_an_agency(
        who: str | None, agency: str | None, expected: str | None) -> None:
    assert dateline_outlet(who, agency) == expected


@pytest.mark.parametrize(("url", "host"), [
    ("https://www.reuters.com/world/x", "reuters.com"),
    ("www.reuters.com/world/x", "reuters.com"),
    ("http://user:pw@M.Example.co.uk:8080/p", "example.co.uk"),
    ("http://news.bbc.co.uk/2/hi/europe/1.stm", "news.bbc.co.uk"),
    ("http://www.com", "www.com"),  # 'www.' is only stripped before a registrable name
    ("http://192.168.0.1/x", None),
    ("localhost:8000/x", None),
    ("not a url", None),
    ("", None),
])
def test_url_host(url: str, host: str | None) -> None:
    assert url_host(url) == host


def test_outlet_keys_compare_names_and_hosts() -> None:
    same = [("Reuters", "REUTERS"), ("Reuters", "reuters.com"), ("reuters.co.uk", "Reuters"),
            ("OREANDA-NEWS", "Oreanda News"), ("The Guardian", "theguardian.com"),
            ("BBC", "bbc.co.uk"), ("dpa-AFX", "DPA AFX")]
    for a, b in same:
        assert outlet_key(a) == outlet_key(b) is not None, (a, b)
    different = [("news.bbc.co.uk", "BBC"), ("alice.substack.com", "bob.substack.com"),
                 ("abcnews.go.com", "espn.go.com"), ("Reuters", "AP")]
    for a, b in different:
        assert outlet_key(a) != outlet_key(b), (a, b)
    assert outlet_key(None) is None and outlet_key("  ") is None and outlet_key("--") is None


def test_find_outlet_never_invents_from_nothing() -> None:
    assert find_outlet(None, None, None, None) == (None, "none")
    assert find_outlet(None, "MINSK", None, None) == (None, "none")
    assert find_outlet("", "OREANDA-NEWS", None, "https://www.x.com/") == \
        ("OREANDA-NEWS", "dateline")


def test_placeholder_metadata_is_missing_and_never_a_shared_outlet(tmp_path: Path) -> None:
    arts = _load(tmp_path, [
        {"id": "a", "text": f"OREANDA-NEWS. October 29, 2012. {BODY}", "source": "N/A"},
        {"id": "b", "text": BODY, "source": "unknown", "url": "https://www.belta.by/x"},
        {"id": "c", "text": BODY, "source": "null"},
    ])
    got = {k: (a.source, a.outlet_source) for k, a in arts.items()}
    assert got == {"a": ("OREANDA-NEWS", "dateline"), "b": ("belta.by", "url-host"),
                   "c": (None, "none")}
    assert outlet_key("Unknown") is None and outlet_key("N/A") is None


def test_old_articles_without_provenance_still_validate() -> None:
    old = {"id": "a", "title": None, "body": BODY, "source": "Reuters",
           "content_hash": "0" * 64}
    art = Article.model_validate(old)
    assert (art.source, art.outlet_source) == ("Reuters", None)
    prop = json_schemas()["Article"]["properties"]["outlet_source"]
    assert prop["default"] is None and "dateline" in prop["description"]
