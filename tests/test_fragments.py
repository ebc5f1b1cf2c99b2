"""Newsroom fragment statistics, checked against hand-worked cases and the seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmark.metrics.fragments import (
    extractive_fragments,
    fragment_stats,
    fragment_stats_tokens,
    fragment_tokens,
)


def test_hand_worked_example() -> None:
    # shared fragments: "the cat sat on" (4) and "dog ran" (2); "a" is novel
    doc = "The cat sat on the mat, and the dog ran."
    summ = "The cat sat on a dog ran"
    assert extractive_fragments(fragment_tokens(doc), fragment_tokens(summ)) == [
        ["the", "cat", "sat", "on"],
        ["dog", "ran"],
    ]
    st = fragment_stats(doc, summ)
    assert st.coverage == pytest.approx(6 / 7)
    assert st.density == pytest.approx((16 + 4) / 7)
    assert st.compression == pytest.approx(10 / 7)


def test_greedy_prefers_the_longest_match() -> None:
    doc = "a b x a b c d"
    assert extractive_fragments(doc.split(), ["a", "b", "c", "d"]) == [["a", "b", "c", "d"]]


def test_empty_summary_is_zero_not_nan() -> None:
    st = fragment_stats("some text", "  ")
    assert (st.coverage, st.density, st.compression) == (0.0, 0.0, 0.0)


def test_copied_seed_lead_is_fully_extractive(seed_paths: list[Path]) -> None:
    body = seed_paths[1].read_text(encoding="utf-8")
    lead = " ".join(body.split()[:40])
    st = fragment_stats(body, lead)
    assert st.coverage == 1.0
    assert st.density == len(fragment_tokens(lead))
    other = seed_paths[4].read_text(encoding="utf-8")
    assert fragment_stats(other, lead).density < 3
    assert fragment_stats_tokens(fragment_tokens(other), fragment_tokens(lead)) == fragment_stats(
        other, lead
    )
