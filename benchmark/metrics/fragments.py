"""Newsroom extractive-fragment statistics (Grusky et al., 2018).

A fragment is a maximal run of summary tokens that also appears, contiguously, in
the article; fragments are found greedily left to right through the summary.
With F the fragments, A the article and S the summary tokens:
coverage = sum|f| / |S|, density = sum|f|^2 / |S|, compression = |A| / |S|.
Density <= 1.5 reads as abstractive, <= 8.1875 mixed, above as extractive.
"""

from __future__ import annotations

import re
from collections import defaultdict

from benchmark.schema import FragmentStats

_WORD = re.compile(r"\w+", re.UNICODE)

ABSTRACTIVE_MAX_DENSITY = 1.5
MIXED_MAX_DENSITY = 8.1875


def fragment_tokens(text: str) -> list[str]:
    """Lower-cased Unicode word tokens, the unit all fragment statistics count."""
    return [t.lower() for t in _WORD.findall(text)]


def extractive_fragments(article: list[str], summary: list[str]) -> list[list[str]]:
    """Greedy shared fragments of ``summary`` in ``article`` (Newsroom's algorithm)."""
    positions: dict[str, list[int]] = defaultdict(list)
    for j, tok in enumerate(article):
        positions[tok].append(j)
    fragments: list[list[str]] = []
    i = 0
    while i < len(summary):
        best = 0
        next_free = 0  # article positions before this are inside an earlier match
        for j in positions.get(summary[i], ()):
            if j < next_free:
                continue
            k = 0
            limit = min(len(summary) - i, len(article) - j)
            while k < limit and summary[i + k] == article[j + k]:
                k += 1
            best = max(best, k)
            next_free = j + k
        if best:
            fragments.append(summary[i : i + best])
            i += best
        else:
            i += 1
    return fragments


def fragment_stats(document: str, summary: str) -> FragmentStats:
    """Coverage, density and compression of ``summary`` against ``document``.

    An empty summary gets coverage 0, density 0 and compression 0 (undefined
    ratios are reported as 0, never as inf/NaN, so records stay JSON-valid).
    """
    return fragment_stats_tokens(fragment_tokens(document), fragment_tokens(summary))


def fragment_stats_tokens(article: list[str], summary: list[str]) -> FragmentStats:
    """:func:`fragment_stats` on pre-tokenised text, so a document shared by several
    summaries is tokenised once."""
    if not summary:
        return FragmentStats(coverage=0.0, density=0.0, compression=0.0)
    frags = extractive_fragments(article, summary)
    return FragmentStats(
        coverage=sum(len(f) for f in frags) / len(summary),
        density=sum(len(f) ** 2 for f in frags) / len(summary),
        compression=len(article) / len(summary),
    )
