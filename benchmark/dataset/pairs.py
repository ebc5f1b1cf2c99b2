"""Example builders: turn clusters of same-event articles into benchmark examples.

Three strategies (see DESIGN.md):

* ``cross-lede`` (default): document = body of article A; references = headline +
  first sentence of every *other* article of A's cluster, so a reference is
  another outlet's lead, not A's own. A reference whose outlet is known and
  equals the document article's outlet is dropped (filter ``same_outlet``; also
  in compression); an unknown outlet never blocks.
* ``multi-doc``: leave-one-out; documents = every cluster article but one,
  reference = the held-out article's lead (Multi-News / WCEP style). Articles
  from the held-out article's own (known) outlet are left out of the documents
  (counted under ``same_outlet``), so the reference never shares an outlet with
  a document.
* ``compression``: document = the longest version; references = the versions at
  least ``compression_min_ratio`` times shorter (in words).

Everything here is a pure function of one cluster and its member articles
(:func:`examples_for_cluster`), so a distributed engine can map it over
clusters; :func:`build_examples` only sums the per-cluster filter counts, which
does not depend on batch boundaries or order.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from benchmark.distributed.executor import Executor, partition
from benchmark.ingest.outlet import outlet_key
from benchmark.metrics.fragments import fragment_stats_tokens, fragment_tokens
from benchmark.schema import Article, Cluster, Example, FragmentStats
from benchmark.sentences import split_sentences

Strategy = Literal["cross-lede", "multi-doc", "compression"]
STRATEGIES: tuple[Strategy, ...] = ("cross-lede", "multi-doc", "compression")
DOCUMENT_SEPARATOR = " ||||| "

#: Every filter's name, in report order. Units: ``too_few_sources`` and
#: ``document_too_short`` count candidate examples, ``no_reference_left`` counts
#: examples that lost all their references, ``same_outlet`` counts references
#: (cross-lede, compression) or, in multi-doc, documents left out because they
#: share the held-out reference's outlet; the others count references.
FILTERS: tuple[str, ...] = (
    "too_few_sources",
    "document_too_short",
    "compression_ratio",
    "same_outlet",
    "language_mismatch",
    "reference_too_short",
    "reference_not_shorter",
    "exact_copy",
    "too_extractive",
    "duplicate_reference",
    "no_reference_left",
)


class FilterConfig(BaseModel):
    """Quality filters with their defaults; every drop is counted, never silent."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_document_words: int = Field(
        default=50, ge=0, description="drop examples whose document is shorter"
    )
    min_reference_words: int = Field(
        default=5, ge=0, description="drop references shorter than this"
    )
    max_reference_ratio: float = Field(
        default=0.5,
        gt=0,
        description="drop references longer than this share of the document (words)",
    )
    drop_exact_copies: bool = Field(
        default=True,
        description="drop references that appear verbatim (as word sequence) in the document, "
        "or that equal a source article's own lead",
    )
    drop_same_outlet: bool = Field(
        default=True,
        description="never pair a reference with a document from the same outlet (when both "
        "outlets are known; unknown outlets never block): the reference is dropped, or in "
        "multi-doc the same-outlet documents are left out",
    )
    same_language: bool = Field(
        default=True,
        description="drop references from articles in another language than the document "
        "(when both languages are known)",
    )
    max_density: float | None = Field(
        default=None,
        gt=0,
        description="drop references whose fragment density exceeds this (None: keep all; "
        "Newsroom calls > 8.1875 extractive)",
    )
    drop_duplicate_references: bool = Field(
        default=True, description="keep one of several identical references of an example"
    )
    compression_min_ratio: float = Field(
        default=2.0,
        gt=1,
        description="compression: longest/shorter version word ratio at least this",
    )
    multi_doc_min_sources: int = Field(
        default=2,
        ge=1,
        description="multi-doc: documents per example at least this (cluster size - 1, "
        "less the articles from the held-out article's outlet)",
    )


@dataclass
class PairsResult:
    """Examples built from some clusters, with candidate and filter counts per strategy."""

    examples: list[Example] = field(default_factory=list)
    candidates: Counter[str] = field(default_factory=Counter)
    filtered: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, other: PairsResult) -> None:
        """Merge ``other`` in (sums only, so merging order never matters)."""
        self.examples.extend(other.examples)
        self.candidates.update(other.candidates)
        for strategy, counts in other.filtered.items():
            self.filtered.setdefault(strategy, Counter()).update(counts)


def example_id(strategy: str, source_ids: Iterable[str]) -> str:
    """Stable example id from strategy + source article ids (never row order).

    The documents fully determine an example's input, so predictions cached
    under this id stay valid when only its references change.
    """
    key = "\x1f".join([strategy, *sorted(source_ids)]).encode("utf-8")
    return f"{strategy}-{hashlib.blake2b(key, digest_size=8).hexdigest()}"


def _norm(text: str) -> str:
    return " ".join(fragment_tokens(text))


def article_lead(article: Article) -> str:
    """Headline + first sentence (the standfirst, when the body opens with one).

    The two parts are joined with a newline so ROUGE-Lsum sees two sentences. A
    first sentence that merely repeats the headline is skipped for the next one.
    Paragraphs are split one at a time, so a long body costs no more than its lead.
    """
    parts: list[str] = []
    if article.title:
        parts.append(article.title.strip())
    title_norm = _norm(article.title or "")
    for para in article.body.split("\n"):
        found = next(
            (
                s
                for s in split_sentences(para, article.language or "en")
                if _norm(s) not in ("", title_norm)
            ),
            None,
        )
        if found is not None:
            parts.append(found)
            break
    return "\n".join(parts)


def _stats(doc_tokens: list[str], reference: str) -> FragmentStats:
    """:func:`fragment_stats` with the document tokenised once for all its references."""
    return fragment_stats_tokens(doc_tokens, fragment_tokens(reference))


def _word_count(text: str) -> int:
    return len(fragment_tokens(text))


def _common(values: Iterable[str | None]) -> str | None:
    distinct = set(values)
    return distinct.pop() if len(distinct) == 1 else None


def _make_example(
    strategy: Strategy,
    cluster: Cluster,
    sources: list[Article],
    refs: list[tuple[str, str]],
    filters: FilterConfig,
    counts: Counter[str],
    leads: Mapping[str, str],
    languages: Mapping[str, str | None],
    outlets: Mapping[str, str | None],
) -> Example | None:
    """Apply the filters to one candidate; return the example or None (counted).

    ``leads`` holds the cluster's leads, so a reference equal to a source's own
    lead (an exact reprint's) counts as an exact copy even though the headline
    is not part of the document body. ``outlets`` maps article ids to
    :func:`outlet_key` (None when unknown).
    """
    documents = [a.body for a in sources]
    document = DOCUMENT_SEPARATOR.join(documents)
    doc_tokens = fragment_tokens(document)
    doc_norm = f" {' '.join(doc_tokens)} "
    doc_words = len(doc_tokens)
    if doc_words < filters.min_document_words:
        counts["document_too_short"] += 1
        return None
    own_leads = {_norm(leads[a.id]) for a in sources if a.id in leads}
    language = _common(a.language for a in sources)
    source_outlets = {outlets[a.id] for a in sources} - {None}
    kept: list[tuple[str, str, FragmentStats]] = []
    seen: set[str] = set()
    for ref_id, ref in refs:
        if filters.drop_same_outlet and outlets.get(ref_id) in source_outlets:
            counts["same_outlet"] += 1
            continue
        ref_lang = languages.get(ref_id)
        if filters.same_language and language and ref_lang and ref_lang != language:
            counts["language_mismatch"] += 1
            continue
        ref_norm = _norm(ref)
        ref_words = len(ref_norm.split())
        if ref_words < filters.min_reference_words:
            counts["reference_too_short"] += 1
            continue
        if ref_words > filters.max_reference_ratio * doc_words:
            counts["reference_not_shorter"] += 1
            continue
        if filters.drop_exact_copies and (f" {ref_norm} " in doc_norm or ref_norm in own_leads):
            counts["exact_copy"] += 1
            continue
        stats = _stats(doc_tokens, ref)
        if filters.max_density is not None and stats.density > filters.max_density:
            counts["too_extractive"] += 1
        elif filters.drop_duplicate_references and ref_norm in seen:
            counts["duplicate_reference"] += 1
        else:
            seen.add(ref_norm)
            kept.append((ref_id, ref, stats))
    if not kept:
        counts["no_reference_left"] += 1
        return None
    dates = [a.published for a in sources if a.published is not None]
    source_ids = [a.id for a in sources]
    return Example(
        id=example_id(strategy, source_ids),
        strategy=strategy,
        cluster_id=cluster.id,
        source_ids=source_ids,
        reference_ids=[r for r, _, _ in kept],
        documents=documents,
        document=document,
        references=[t for _, t, _ in kept],
        fragments=[f for _, _, f in kept],
        language=language,
        published=min(dates) if dates else None,
    )


def examples_for_cluster(
    cluster: Cluster,
    articles: Mapping[str, Article],
    strategies: Iterable[Strategy] = ("cross-lede",),
    filters: FilterConfig | None = None,
) -> PairsResult:
    """Every example of one cluster, for each strategy, with what each filter dropped.

    ``articles`` must hold at least the cluster's members. Singleton clusters
    give no candidate (there is no second outlet to take a reference from).
    """
    filters = filters or FilterConfig()
    strategies = tuple(strategies)
    members = [articles[m] for m in sorted(cluster.members)]
    result = PairsResult()
    languages = {a.id: a.language for a in members}
    outlets = {a.id: outlet_key(a.source) for a in members}
    leads: dict[str, str] = {}
    if len(members) > 1 and {"cross-lede", "multi-doc"} & set(strategies):
        leads = {a.id: article_lead(a) for a in members}
    for strategy in sorted(set(strategies), key=STRATEGIES.index):
        counts = result.filtered.setdefault(strategy, Counter({f: 0 for f in FILTERS}))
        if len(members) < 2:
            continue
        built: list[Example | None] = []
        make = partial(
            _make_example,
            strategy,
            cluster,
            filters=filters,
            counts=counts,
            leads=leads,
            languages=languages,
            outlets=outlets,
        )
        if strategy == "cross-lede":
            for a in members:
                result.candidates[strategy] += 1
                refs = [(b.id, leads[b.id]) for b in members if b.id != a.id]
                built.append(make([a], refs))
        elif strategy == "multi-doc":
            groups: dict[tuple[str, ...], list[tuple[str, str]]] = {}
            for held in members:
                sources = [a for a in members if a.id != held.id]
                if filters.drop_same_outlet and outlets[held.id] is not None:
                    # the held-out reference's own outlet may not also write a document
                    kept_sources = [a for a in sources if outlets[a.id] != outlets[held.id]]
                    counts["same_outlet"] += len(sources) - len(kept_sources)
                    sources = kept_sources
                if len(sources) < filters.multi_doc_min_sources:
                    result.candidates[strategy] += 1
                    counts["too_few_sources"] += 1
                    continue
                key = tuple(a.id for a in sources)
                groups.setdefault(key, []).append((held.id, leads[held.id]))
            by_id = {a.id: a for a in members}
            for key, refs in sorted(groups.items()):
                # held-out articles of one outlet leave the same documents: one
                # example with each of their leads as a reference
                result.candidates[strategy] += 1
                built.append(make([by_id[i] for i in key], refs))
        else:  # compression
            result.candidates[strategy] += 1
            words = {a.id: _word_count(a.body) for a in members}
            longest = min(members, key=lambda a: (-words[a.id], a.id))
            refs = []
            for a in members:
                if a.id == longest.id:
                    continue
                if (
                    words[a.id] == 0
                    or words[longest.id] / words[a.id] < filters.compression_min_ratio
                ):
                    counts["compression_ratio"] += 1
                else:
                    refs.append((a.id, a.body))
            if refs:
                built.append(make([longest], refs))
            else:
                counts["no_reference_left"] += 1
        result.examples.extend(e for e in built if e is not None)
    return result


def _examples_task(task: tuple[list[Cluster], dict[str, Article]],
                   strategies: tuple[Strategy, ...], filters: FilterConfig | None) -> PairsResult:
    clusters, articles = task
    return build_examples(clusters, articles, strategies, filters)


def build_examples_on(
    executor: Executor,
    clusters: Sequence[Cluster],
    articles: Mapping[str, Article],
    strategies: Iterable[Strategy] = ("cross-lede",),
    filters: FilterConfig | None = None,
) -> PairsResult:
    """:func:`build_examples` with the clusters in partitions on ``executor``; same result.

    Only clusters of two or more articles are sent (a singleton yields nothing),
    each partition with its members' articles; the counts are summed in cluster
    order, so even the order of their keys is the local one.
    """
    strategies = tuple(strategies)
    joined = [c for c in sorted(clusters, key=lambda c: c.id) if len(c.members) > 1]
    tasks = [(part, {m: articles[m] for c in part for m in c.members})
             for part in partition(joined, executor.partitions)]
    total = PairsResult(filtered={s: Counter({f: 0 for f in FILTERS}) for s in strategies})
    for result in executor.map(_examples_task, tasks, strategies=strategies, filters=filters):
        total.add(result)
    total.examples.sort(key=lambda e: e.id)
    return total


def build_examples(
    clusters: Iterable[Cluster],
    articles: Mapping[str, Article],
    strategies: Iterable[Strategy] = ("cross-lede",),
    filters: FilterConfig | None = None,
) -> PairsResult:
    """Examples of every cluster, sorted by id, with summed filter counts."""
    strategies = tuple(strategies)
    total = PairsResult(filtered={s: Counter({f: 0 for f in FILTERS}) for s in strategies})
    for cluster in clusters:
        total.add(examples_for_cluster(cluster, articles, strategies, filters))
    total.examples.sort(key=lambda e: e.id)
    return total
