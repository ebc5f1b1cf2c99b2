"""The evidence table of a small corpus: every pair, every feature, the decision.

Used by ``python -m benchmark.group PATH`` and by docs/grouping.md to show why
the seeds were grouped as they were.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

from benchmark.group.cluster import PairJudge
from benchmark.group.config import GroupConfig
from benchmark.group.features import corpus_stats, profile
from benchmark.schema import Article

_COLUMNS = ("cos_word", "cos_char", "cos_embed", "cos_e5", "shingle_jaccard", "entity_overlap",
            "entity_jaccard", "number_overlap", "year_jaccard", "year_conflict",
            "date_mention_match", "date_mention_conflict", "date_gap_days",
            "published_year_conflict", "len_min")


def evidence_table(articles: Sequence[Article], config: GroupConfig | None = None,
                   short_ids: int | None = None) -> str:
    """Markdown table of every pair's features, P(same event) and edge verdict.

    Quadratic in the number of articles: meant for a handful (the seeds), not
    a corpus. ``short_ids`` cuts ids to that many characters for display.
    """
    config = config or GroupConfig()
    ordered = sorted(articles, key=lambda a: a.id)
    profiles = [profile(a, embeddings=config.use_embeddings, e5=config.e5) for a in ordered]
    judge = PairJudge(profiles, corpus_stats(profiles), config)
    off = {"cos_embed": not config.use_embeddings, "cos_e5": not config.e5}
    cols = [c for c in _COLUMNS if not off.get(c, False)]
    lines = ["| pair | " + " | ".join(cols) + " | P(event) | verdict |",
             "|---" * (len(cols) + 3) + "|"]
    for a, b in combinations([p.id for p in profiles], 2):
        features, prob = judge.evidence(a, b)
        name = f"{a[:short_ids]}–{b[:short_ids]}" if short_ids else f"{a}–{b}"
        cells = [f"{features[c]:.3f}" if c != "date_gap_days" else f"{features[c]:.0f}"
                 for c in cols]
        lines.append(f"| {name} | " + " | ".join(cells)
                     + f" | {prob:.3f} | {judge.verdict(features, prob)} |")
    return "\n".join(lines)
