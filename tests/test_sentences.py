"""The project's sentence splitter: offline, abbreviation-aware, measured on gold sentences."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import SHARED

from benchmark.sentences import SPLITTER_NAME, split_sentences

XSUM = SHARED / "eval" / "xsum_human_eval.txt"


def test_splitter_name_records_both_libraries_and_versions() -> None:
    from importlib.metadata import version

    assert f"nupunkt-{version('nupunkt')}/en+sentencex-{version('sentencex')}" == SPLITTER_NAME


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Dr. Smith met Mr. Jones at 3 p.m. on Oct. 23. They talked for an hour.",
         ["Dr. Smith met Mr. Jones at 3 p.m. on Oct. 23.", "They talked for an hour."]),
        ("The U.S. economy grew 2.5% last year. Analysts at J.P. Morgan expected more.",
         ["The U.S. economy grew 2.5% last year.", "Analysts at J.P. Morgan expected more."]),
        ("Is this the end? No, said the minister!  Really.",
         ["Is this the end?", "No, said the minister!", "Really."]),
        # quoted speech is split into its sentences, as news corpora do
        ("“We have indeed advanced far this year. Our groups have done a good job.”",
         ["“We have indeed advanced far this year.", "Our groups have done a good job.”"]),
    ],
)
def test_english_sentences(text: str, sentences: list[str]) -> None:
    assert split_sentences(text) == sentences


def test_newlines_always_end_sentences_and_blank_lines_vanish() -> None:
    assert split_sentences("Headline without stop\n\n  First sentence. Second one.\n") == [
        "Headline without stop", "First sentence.", "Second one."]
    assert split_sentences("") == []
    assert split_sentences(" \n \n") == []


def test_other_languages_use_their_own_rules() -> None:
    assert split_sentences("总统今天会见了副总理。双方讨论了合作！", "zh") == [
        "总统今天会见了副总理。", "双方讨论了合作！"]
    assert split_sentences("Президент прибыл в Минск. Встреча длилась час.", "ru") == [
        "Президент прибыл в Минск.", "Встреча длилась час."]
    assert split_sentences("Bir ölü var. İspanya Çin'i geçti.", "tr") == [
        "Bir ölü var.", "İspanya Çin'i geçti."]


def test_seeds_split_into_plausible_sentences(seed_paths: list[Path]) -> None:
    for path in seed_paths:
        text = path.read_text(encoding="utf-8")
        sents = split_sentences(text)
        assert len(sents) >= 10
        # every character but whitespace survives, in order
        assert re.sub(r"\s", "", "".join(sents)) == re.sub(r"\s", "", text)


def _detok(line: str) -> str:
    s = line.replace("Â #", "£").replace("Â", "")
    s = re.sub(r"`` ?", '"', s)
    s = re.sub(r" ?''", '"', s)
    s = re.sub(r"` ?", "'", s)
    s = re.sub(r" ([.,;:!?%)])", r"\1", s)
    s = re.sub(r" (n't|'s|'re|'ve|'ll|'d|'m)\b", r"\1", s)
    return s.replace("-LRB- ", "(").replace(" -RRB-", ")").replace("£ ", "£").strip()


def _boundaries(sents: list[str]) -> set[int]:
    out, n = set(), 0
    for s in sents[:-1]:
        n += len(re.sub(r"\s", "", s))
        out.add(n)
    return out


@pytest.mark.skipif(not XSUM.exists(), reason="shared XSum sample not present")
def test_boundary_f1_on_xsum_gold_sentences() -> None:
    """XSum's Document-Full has one gold sentence per line; rejoin and re-split them."""
    text = XSUM.read_text(encoding="utf-8")
    tp = fp = fn = 0
    for block in re.findall(r"Document-Full\n(.*?)\n\n", text, re.S):
        gold = [_detok(line) for line in block.split("\n") if line.strip()]
        pred = split_sentences(" ".join(gold))
        g, p = _boundaries(gold), _boundaries(pred)
        tp, fp, fn = tp + len(g & p), fp + len(p - g), fn + len(g - p)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert tp + fn > 800
    assert precision > 0.99 and recall > 0.90  # measured 0.999 / 0.927 (pysbd: 0.969 / 0.813)
