"""The dataset card (``README.md``): Hub-style YAML front matter plus honest statistics.

The numbers are computed from the exported examples themselves, so the card can
never disagree with the data. Everything is formatted deterministically (fixed
decimals, sorted keys), so two builds of the same data give the same card.
"""

from __future__ import annotations

import itertools
import math
import sys
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from benchmark.dataset.profiles import PROFILE_NOTES
from benchmark.dataset.split import RANKING_RULE
from benchmark.metrics.fragments import (
    ABSTRACTIVE_MAX_DENSITY,
    MIXED_MAX_DENSITY,
    fragment_tokens,
)
from benchmark.schema import BuildInfo, Example

#: density histogram bin edges (upper bounds); the last bin is open
DENSITY_BINS: tuple[float, ...] = (1.0, ABSTRACTIVE_MAX_DENSITY, 3.0, 5.0, MIXED_MAX_DENSITY)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def size_category(n: int) -> str:
    """The Hub's ``size_categories`` bucket for ``n`` examples."""
    for limit, label in (
        (1_000, "n<1K"),
        (10_000, "1K<n<10K"),
        (100_000, "10K<n<100K"),
        (1_000_000, "100K<n<1M"),
        (10_000_000, "1M<n<10M"),
    ):
        if n < limit:
            return label
    return "n>10M"


@dataclass
class CardStats:
    """Statistics shown on the card, computed from the exported examples."""

    examples: dict[str, int]
    clusters: dict[str, int]
    strategies: dict[str, int]
    languages: list[str]
    mean_document_words: float
    mean_reference_words: float
    mean_references: float
    mean_coverage: float
    mean_density: float
    mean_compression: float
    density_histogram: list[tuple[str, int]] = field(default_factory=list)
    n_articles: int | None = None

    @classmethod
    def from_splits(
        cls, splits: Mapping[str, list[Example]], n_articles: int | None = None
    ) -> CardStats:
        """Compute every statistic in one pass over the examples."""
        acc = CardAccumulator()
        for split, exs in splits.items():
            acc.start_split(split)
            for ex in exs:
                acc.add(split, ex)
        return acc.result(n_articles=n_articles)


class _Sum:
    """A running float sum that equals the built-in ``sum()`` over the same values.

    Python 3.12 made ``sum()`` of floats compensated (Neumaier); adding one
    value at a time the same way keeps the card's means identical to summing
    a whole list, whatever the batch boundaries.
    """

    _COMPENSATED = sys.version_info >= (3, 12)

    def __init__(self) -> None:
        self.total = 0.0
        self.carry = 0.0
        self.count = 0

    def add(self, x: float) -> None:
        """Add one value."""
        self.count += 1
        if not self._COMPENSATED:
            self.total += x
            return
        t = self.total + x
        if abs(self.total) >= abs(x):
            self.carry += (self.total - t) + x
        else:
            self.carry += (x - t) + self.total
        self.total = t

    def mean(self) -> float:
        """The mean of the values added (0.0 for none)."""
        if not self.count:
            return 0.0
        total = self.total
        if self.carry and math.isfinite(self.carry):
            total += self.carry
        return total / self.count


class CardAccumulator:
    """Card statistics gathered one example at a time (memory: per split and cluster, not per text).

    Feed every exported example with :meth:`add` (splits in export order);
    :meth:`result` gives the same :class:`CardStats` as
    :meth:`CardStats.from_splits` over the full lists.
    """

    def __init__(self) -> None:
        self._examples: dict[str, int] = {}
        self._clusters: dict[str, set[str]] = {}
        self._strategies: Counter[str] = Counter()
        self._languages: set[str] = set()
        self._document_words = 0
        self._reference_words = 0
        self._references = 0
        self._fragment_stats = {k: _Sum() for k in ("coverage", "density", "compression")}
        self._histogram: Counter[int] = Counter()

    def start_split(self, split: str) -> None:
        """Register a split (so an empty one still shows on the card)."""
        self._examples.setdefault(split, 0)
        self._clusters.setdefault(split, set())

    def add(self, split: str, ex: Example) -> None:
        """Count one example of ``split``."""
        self.start_split(split)
        self._examples[split] += 1
        self._clusters[split].add(ex.cluster_id)
        self._strategies[ex.strategy] += 1
        if ex.language:
            self._languages.add(ex.language)
        self._document_words += len(fragment_tokens(ex.document))
        self._reference_words += sum(len(fragment_tokens(r)) for r in ex.references)
        self._references += len(ex.references)
        for f in ex.fragments:
            self._fragment_stats["coverage"].add(f.coverage)
            self._fragment_stats["density"].add(f.density)
            self._fragment_stats["compression"].add(f.compression)
            self._histogram[sum(f.density >= b for b in DENSITY_BINS)] += 1

    def result(self, n_articles: int | None = None) -> CardStats:
        """The statistics of everything added so far."""
        n = sum(self._examples.values())
        edges = [0.0, *DENSITY_BINS]
        labels = [f"{lo:g}–{hi:g}" for lo, hi in itertools.pairwise(edges)] + [f">={edges[-1]:g}"]
        return CardStats(
            examples=dict(self._examples),
            clusters={s: len(c) for s, c in self._clusters.items()},
            strategies=dict(sorted(self._strategies.items())),
            languages=sorted(self._languages),
            mean_document_words=self._document_words / n if n else 0.0,
            mean_reference_words=self._reference_words / self._references
            if self._references
            else 0.0,
            mean_references=self._references / n if n else 0.0,
            mean_coverage=self._fragment_stats["coverage"].mean(),
            mean_density=self._fragment_stats["density"].mean(),
            mean_compression=self._fragment_stats["compression"].mean(),
            density_histogram=[(labels[i], self._histogram[i]) for i in range(len(labels))],
            n_articles=n_articles,
        )


def _front_matter(
    info: BuildInfo,
    stats: CardStats,
    features_yaml: list[Any],
    split_bytes: Mapping[str, int],
    license: str,
) -> str:
    import yaml

    total = sum(stats.examples.values())
    meta: dict[str, Any] = {
        "configs": [
            {
                "config_name": "default",
                "data_files": [{"split": s, "path": f"data/{s}.parquet"} for s in stats.examples],
            }
        ],
        "license": license,
        "language": stats.languages or ["und"],
        "task_categories": ["summarization"],
        "size_categories": [size_category(total)],
        "pretty_name": info.name,
        "dataset_info": {
            "features": features_yaml,
            "splits": [
                {"name": s, "num_bytes": int(split_bytes.get(s, 0)), "num_examples": n}
                for s, n in stats.examples.items()
            ],
        },
    }
    dumped: str = yaml.safe_dump(
        meta, sort_keys=False, allow_unicode=True, default_flow_style=False
    )
    return f"---\n{dumped}---\n"


#: what a reader must know about each strategy's document and references
STRATEGY_TEXT: dict[str, str] = {
    "cross-lede": "document = one article's body (its own headline removed); references = "
    "the headline and first sentence of every *other* article in its event cluster, so "
    "another outlet wrote each reference and copying the document's lead is no free win",
    "multi-doc": "documents = every article of an event cluster but one (joined with "
    "` ||||| `); reference = the held-out article's headline and first sentence "
    "(leave-one-out, as in Multi-News and WCEP)",
    "compression": "document = the longest version of a story; references = whole "
    "versions at least twice shorter (in words)",
}

#: how the card names each place a headline came from (``Article.title_source``)
TITLE_SOURCES: dict[str, str] = {
    "metadata": "a title column",
    "breadcrumb": "a navigation breadcrumb",
    "first-line": "a headline-shaped first line",
}


def _strategy_lines(stats: CardStats, settings: Mapping[str, Any]) -> str:
    lines = []
    for strategy, n in stats.strategies.items():
        if strategy == "imported":
            fmap = settings.get("field_map") or {}
            text = (f"document = the input's `{fmap.get('document', 'document')}` column; "
                    f"references = its `{fmap.get('reference', 'summary')}` column (the "
                    "dataset's own summaries, imported as given)")
        else:
            text = STRATEGY_TEXT.get(strategy, "see build.json")
        lines.append(f"- `{strategy}` ({n} examples): {text}.")
    return "\n".join(lines)


def _limit_lines(counts: Mapping[str, Any]) -> str:
    lines = [f"- Ranking: {RANKING_RULE}; the splits below that size are listed under "
             "Warnings."]
    titles = counts.get("title_sources")
    if titles:
        total = sum(titles.values())
        have = total - titles.get("none", 0)
        found = ", ".join(f"{TITLE_SOURCES.get(k, k)} {v}" for k, v in sorted(titles.items())
                          if k not in ("none", "run-on") and v)
        lines.append(
            f"- Headlines: {have} of {total} articles have one ({found or 'none otherwise'}); "
            f"titles separated from body by heuristic: {titles.get('run-on', 0)} of {total} "
            "(a headline run into its body on one line, split at a repeat, dateline or "
            "case cue; see docs/building.md). "
            f"{titles.get('none', 0)} article(s) have none, so a reference taken from them "
            "starts with the body's first sentence, and where a headline ran into the body "
            "without a cue to split it, that sentence holds both."
        )
    return "\n".join(lines)


def _provenance(settings: Mapping[str, Any]) -> str:
    parts = []
    if settings.get("source_url"):
        parts.append(f"Source: <{settings['source_url']}>")
    if settings.get("citation"):
        parts.append(f"Cite the source as: {settings['citation']}")
    return "".join(f"{p}\n\n" for p in parts)


def _histogram(rows: list[tuple[str, int]], width: int = 40) -> str:
    top = max((n for _, n in rows), default=0) or 1
    lines = [f"{label:>10} | {'#' * round(width * n / top):<{width}} {n}" for label, n in rows]
    return "\n".join(lines)


def _profile_note(profile: Any) -> str:
    """`` with the `fast` build profile (...)`` for the card, when the build recorded one."""
    if profile not in PROFILE_NOTES:
        return ""
    return f" with the `{profile}` build profile ({PROFILE_NOTES[profile]})"


def render_card(
    info: BuildInfo,
    stats: CardStats,
    *,
    features_yaml: list[Any],
    split_bytes: Mapping[str, int],
    license: str = "unknown",
    description: str = "",
) -> str:
    """The full README.md text of an exported dataset."""
    counts = info.counts
    split_rows = "\n".join(
        f"| {s} | {n} | {stats.clusters[s]} |" for s, n in stats.examples.items()
    )
    strategy_rows = ", ".join(f"{k}: {v}" for k, v in stats.strategies.items())
    filtered = counts.get("filtered") or {}
    filter_lines = (
        "\n".join(
            f"- {strategy}: " + ", ".join(f"{k} {v}" for k, v in c.items())
            for strategy, c in sorted(filtered.items())
        )
        or "- none (imported dataset: no filters apply)"
    )
    source = ""
    if stats.n_articles is not None:
        source = (
            f"Built from {counts.get('articles_read', '?')} input articles "
            f"({counts.get('articles_cleaned', stats.n_articles)} kept after cleaning, "
            f"{counts.get('articles_rejected', 0)} rejected) grouped into "
            f"{counts.get('clusters', '?')} event clusters "
            f"({counts.get('multi_article_clusters', '?')} with two or more articles)"
            f"{_profile_note(info.settings.get('profile'))}.\n\n"
        )
    elif "rows_read" in counts:
        rejected = counts.get("rows_rejected", 0)
        see = " (see rejects.jsonl)" if rejected else ""
        source = (
            f"{counts['rows_read']} input rows, {rejected} rejected{see}; "
            "each row is one example and its own cluster.\n\n"
        )
    warnings = counts.get("warnings") or []
    warn_text = "".join(f"- {w}\n" for w in warnings) or "- none\n"
    first_split = next(iter(stats.examples))
    provenance = _provenance(info.settings)
    body = f"""# {info.name}

{description or "A summarisation benchmark built with sumbench from near-duplicate news articles."}

{provenance}{source}Fingerprint (sha256 over the canonical example records): `{info.fingerprint}`

## Splits

Whole clusters go to one split, so no event appears in two splits.

| split | examples | clusters |
|---|---|---|
{split_rows}

Examples per strategy: {strategy_rows}.

## What the examples are

{_strategy_lines(stats, info.settings)}

## Known limits

{_limit_lines(counts)}

## Statistics

- mean document length: {stats.mean_document_words:.1f} words
- mean reference length: {stats.mean_reference_words:.1f} words
- mean references per example: {stats.mean_references:.2f}
- mean fragment coverage: {stats.mean_coverage:.3f}, density: {stats.mean_density:.3f}, \
compression: {stats.mean_compression:.2f} (Newsroom; per reference)

Fragment density histogram (per reference; <= {ABSTRACTIVE_MAX_DENSITY:g} abstractive, \
<= {MIXED_MAX_DENSITY:g} mixed, above extractive):

```
{_histogram(stats.density_histogram)}
```

## Filters

What each quality filter dropped (see build.json for every setting):

{filter_lines}

## Warnings

{warn_text}
## Files

- `data/<split>.parquet`, `data/<split>.jsonl`: the examples (JSONL is canonical JSON, sorted by id)
- `hf/`: the same as a `datasets.DatasetDict` (`load_from_disk`)
- `schemas/`: JSON Schema of every record type
- `articles.jsonl` (built datasets): the cleaned articles
- `clusters.jsonl` (built datasets): clusters with every edge's evidence
- `build.json`: every setting, counts and the fingerprint

## Loading

```python
from datasets import load_dataset, load_from_disk
ds = load_dataset("parquet", data_files={{"{first_split}": "data/{first_split}.parquet"}})
ds = load_from_disk("hf")
```

or `benchmark.load_dataset_dir(".")`, and `sumbench validate .` to check the folder.
"""
    return _front_matter(info, stats, features_yaml, split_bytes, license) + "\n" + body
