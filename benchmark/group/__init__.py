"""Near-duplicate grouping: reprints (MinHash) and same-event rewrites (combined evidence).

Public API: :class:`GroupConfig`, :func:`group_articles`, :func:`pair_features`,
:class:`CorpusStats`, :func:`corpus_stats`, :func:`profile`. How it works and
what it measured: ``docs/grouping.md``.
"""

from __future__ import annotations

from benchmark.group.cluster import PairJudge, group_articles, group_profiles
from benchmark.group.config import GroupConfig
from benchmark.group.event import (
    EVENT_MODEL,
    EVENT_MODEL_NO_EMBEDDINGS,
    EVENT_MODEL_USE,
    EventModel,
)
from benchmark.group.features import (
    FEATURE_NAMES,
    CorpusStats,
    Profile,
    corpus_stats,
    pair_features,
    profile,
    profile_features,
)
from benchmark.group.neighbours import candidate_pairs

__all__ = [
    "EVENT_MODEL",
    "EVENT_MODEL_NO_EMBEDDINGS",
    "EVENT_MODEL_USE",
    "FEATURE_NAMES",
    "CorpusStats",
    "EventModel",
    "GroupConfig",
    "PairJudge",
    "Profile",
    "candidate_pairs",
    "corpus_stats",
    "group_articles",
    "group_profiles",
    "pair_features",
    "profile",
    "profile_features",
]
