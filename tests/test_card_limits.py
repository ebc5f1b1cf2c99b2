"""Honest cards: small splits warned about, provenance, what references are, headline counts."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SHARED

from benchmark.cli import cli
from benchmark.dataset.split import RANK_MIN_CLUSTERS, RANK_MIN_EXAMPLES, ranking_warnings
from benchmark.ingest import RawRecord, clean_record
from benchmark.ingest.headline import split_run_on_title

ROOT = Path(__file__).resolve().parents[1]


def test_ranking_rule_counts_examples_and_clusters() -> None:
    assert ranking_warnings({"train": 500, "test": 9}, {"train": 200, "test": 4}) == [
        "split 'test' has 9 example(s) in 4 cluster(s): too small to rank systems (rule: at "
        f"least {RANK_MIN_EXAMPLES} examples and {RANK_MIN_CLUSTERS} clusters)"
    ]
    # many examples from few events is still too few independent events
    assert len(ranking_warnings({"test": 400}, {"test": 12})) == 1
    assert ranking_warnings({"test": 100, "validation": 0}, {"test": 30}) == []


def test_seed_build_card_warns_states_rule_and_sources(tmp_path: Path) -> None:
    out = tmp_path / "seeds"
    res = CliRunner().invoke(cli, [
        "build", str(ROOT / "data" / "raw"), "--out", str(out),
        "--description", "Five Belarus-Russia articles (2012, 2021).",
        "--source-url", "https://example.org/belarus",
        "--citation", "Seed Authors. Five Articles. 2024.",
    ])
    assert res.exit_code == 0, res.output
    assert ("warning: split 'test' has 4 example(s) in 1 cluster(s): too small to rank "
            "systems") in res.output
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "Five Belarus-Russia articles (2012, 2021)." in card
    assert "Source: <https://example.org/belarus>" in card
    assert "Cite the source as: Seed Authors. Five Articles. 2024." in card
    assert "fewer than 100 examples or 30 clusters cannot rank systems reliably" in card
    assert "- split 'test' has 4 example(s) in 1 cluster(s)" in card
    assert "- `cross-lede` (4 examples): document = one article's body" in card
    # four seeds carry a headline (breadcrumb or first line); none needed the heuristic
    assert ("Headlines: 4 of 5 articles have one (a navigation breadcrumb 1, a "
            "headline-shaped first line 3); titles separated from body by heuristic: 0 of 5 ("
            ) in card
    settings = json.loads((out / "build.json").read_text())["settings"]
    assert settings["source_url"] == "https://example.org/belarus"
    # the settings change build.json and the card, never the examples
    seeds = json.loads((ROOT / "data" / "seeds" / "build.json").read_text())
    assert json.loads((out / "build.json").read_text())["fingerprint"] == seeds["fingerprint"]


def _semeval_english() -> dict[str, str]:
    texts: dict[str, str] = {}
    path = SHARED / "eval" / "semeval2022_task8_train.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["lang1"] == row["lang2"] == "en":
                a, b = row["pair_id"].split("_")
                texts[a], texts[b] = row["text1"], row["text2"]
    return texts


def test_run_on_headlines_are_split_on_semeval() -> None:
    texts = _semeval_english()
    assert len(texts) == 321
    sources: dict[str, int] = {}
    for pid, text in sorted(texts.items()):
        art = clean_record(RawRecord(id=pid, title=None, text=text, source=None, url=None,
                                     date=None, language="en", origin="x", path="x"))
        sources[art.title_source] = sources.get(art.title_source, 0) + 1
        if art.title_source == "run-on":
            # the headline is the text's opening words, and the body goes on right after it
            flat = " ".join(text.split())
            lead = " ".join(art.body.split()[:4])
            assert art.title and flat.find(art.title + " " + lead) in (0, 1), (art.title, lead)
            assert art.removed[0].kind == "title" and art.removed[0].text == art.title
    # 259 had no headline before (title and body on one line); the cues split 84 of them
    assert sources["first-line"] == 62
    assert sources["run-on"] >= 80, sources
    assert sources["none"] == 259 - sources["run-on"]


@pytest.mark.parametrize(("text", "title", "body_start", "cue"), [
    ("Jewish summer camp vandalized with racist graffiti on Gabriola Island VANCOUVER -- "
     "Police are investigating after a Jewish summer camp was vandalized.",
     "Jewish summer camp vandalized with racist graffiti on Gabriola Island",
     "VANCOUVER --", "dateline"),
    ("Ulinzi Stars welcome trio ahead of second half of KPL season Ulinzi Stars welcome "
     "trio ahead of the second half. The trio have completed medicals.",
     "Ulinzi Stars welcome trio ahead of second half of KPL season", "Ulinzi Stars", "repeat"),
    ("Israel Succeeded in Averting Terror Attacks But Militants' Motivation Still on Rise "
     "The year 2019 was successful for Israel's security agencies.",
     "Israel Succeeded in Averting Terror Attacks But Militants' Motivation Still on Rise",
     "The year 2019", "title-case"),
    ("Qatar- Penguins rout Senators but lose Guentzel to injury (MENAFN - Gulf Times) "
     "Evgeni Malkin scored twice and added an assist Monday.",
     "Qatar- Penguins rout Senators but lose Guentzel to injury", "(MENAFN - Gulf Times)",
     "dateline"),
])
def test_split_run_on_title_cues(text: str, title: str, body_start: str, cue: str) -> None:
    found = split_run_on_title(text)
    assert found is not None and found[0] == title and found[1].startswith(body_start)
    assert found[2] == cue


@pytest.mark.parametrize("text", [
    # a sentence-case headline with no cue is left alone rather than guessed
    "Emami soars for fifth straight session as the stock is quoting at Rs 314 on the NSE.",
    # a body that opens the article (no headline at all)
    "The document was adopted following the meeting of the Belarus-Russia commission.",
    # a Title-Case run whose would-be body starts with a name: ambiguous, not split
    "Ohio Gov. Mike DeWine says update on daycare response is coming this week.",
])
def test_split_run_on_title_leaves_uncued_text(text: str) -> None:
    assert split_run_on_title(text) is None
