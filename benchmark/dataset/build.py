"""The dataset build pipeline: ingest -> clean -> group -> pairs -> split -> export.

:class:`BuildConfig` holds every setting (all of it lands in ``build.json``), and
:func:`build_dataset` runs the stages in order. Each stage is a function over
records sorted by stable ids, so the same inputs and seed give byte-identical
output folders, whatever the input order.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

__all__ = ["BuildConfig", "BuildReport", "build_config", "build_dataset"]

from benchmark.dataset.export import check_output_dir, write_dataset
from benchmark.dataset.pairs import (
    STRATEGIES,
    FilterConfig,
    Strategy,
    build_examples,
    build_examples_on,
)
from benchmark.dataset.profiles import PROFILE_NOTES, ProfileName, apply_profile
from benchmark.dataset.progress import (
    StageClock,
    format_memory,
    format_times,
    meter,
    peak_rss_mb,
    track,
)
from benchmark.dataset.split import check_ratios, split_examples
from benchmark.distributed.executor import as_executor
from benchmark.errors import ConfigError, InputError
from benchmark.group import GroupConfig, group_articles
from benchmark.group.scaleout import group_articles_distributed
from benchmark.ingest import load_articles
from benchmark.ingest.store import ArticleStore, RecordStore
from benchmark.limits import DEFAULT_LIMITS, ReadLimits
from benchmark.rows import is_stdin
from benchmark.schema import Article, Cluster
from benchmark.sentences import SPLITTER_NAME


class BuildConfig(BaseModel):
    """Every setting of a build, with its default; recorded verbatim in build.json."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(default="", description="dataset name; empty = the output folder's name")
    strategy: list[Strategy] = Field(
        default_factory=lambda: list[Strategy](["cross-lede"]), min_length=1
    )
    seed: int = 12345
    train: float = Field(default=0.8, ge=0, le=1, description="share of clusters in train")
    validation: float = Field(
        default=0.1, ge=0, le=1, description="share of clusters in validation"
    )
    test: float = Field(default=0.1, ge=0, le=1, description="share of clusters in test")
    chronological: bool = Field(default=False, description="split by each cluster's earliest date")
    min_split_clusters: int = Field(
        default=10,
        ge=0,
        description="below this many example-bearing clusters, everything goes to test",
    )
    filters: FilterConfig = Field(default_factory=FilterConfig)
    profile: ProfileName = Field(
        default="default",
        description="grouping profile: "
        + "; ".join(f"{k}: {v}" for k, v in PROFILE_NOTES.items())
        + " (sets group.use_embeddings and group.use_e5)",
    )
    group: GroupConfig = Field(default_factory=GroupConfig)
    license: str = Field(default="unknown", description="licence written to the dataset card")
    description: str = Field(default="", description="first paragraph of the dataset card")
    source_url: str = Field(default="", description="where the input articles came from (card)")
    citation: str = Field(default="", description="how to cite the input (card)")

    @model_validator(mode="before")
    @classmethod
    def _apply_profile(cls, data: Any) -> Any:
        """The profile fixes the encoder settings; without one it is derived from them."""
        if not isinstance(data, dict):
            return data
        group = data.get("group")
        if isinstance(group, GroupConfig):
            values, explicit = group.model_dump(), set(group.model_fields_set)
        elif isinstance(group, Mapping) or group is None:
            values, explicit = dict(group or {}), set(group or {})
        else:
            return data  # the field's validator says what is wrong
        name, values = apply_profile(data.get("profile"), values, explicit)
        return {**data, "profile": name, "group": values}

    @field_validator("strategy")
    @classmethod
    def _canonical_strategies(cls, value: list[Strategy]) -> list[Strategy]:
        return sorted(set(value), key=STRATEGIES.index)

    @model_validator(mode="after")
    def _ratios_sum_to_one(self) -> BuildConfig:
        check_ratios(self.ratios)
        return self

    @property
    def ratios(self) -> dict[str, float]:
        """Split ratios keyed by split name."""
        return {"train": self.train, "validation": self.validation, "test": self.test}


class BuildReport(BaseModel):
    """What a build (or import) did, stage by stage; ``summary()`` is the CLI's last words."""

    name: str
    path: str
    fingerprint: str
    articles_read: int = 0
    articles_cleaned: int = 0
    articles_rejected: int = 0
    clusters: int = 0
    multi_article_clusters: int = 0
    candidates: dict[str, int] = Field(default_factory=dict)
    examples: dict[str, int] = Field(default_factory=dict, description="examples per split")
    strategies: dict[str, int] = Field(default_factory=dict, description="examples per strategy")
    filtered: dict[str, dict[str, int]] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)
    notes: list[str] = Field(
        default_factory=list, description="what the reader should know, e.g. the column mapping"
    )
    rejects_path: str | None = None
    unit: str = Field(
        default="articles", description="what was read: 'articles' (build) or 'rows' (import)"
    )
    profile: str | None = Field(default=None, description="the build profile (builds only)")
    seconds: dict[str, float] = Field(
        default_factory=dict, description="wall time per stage and 'total' (not in build.json)"
    )
    peak_rss_mb: float | None = Field(
        default=None, description="peak resident memory of the process in MB (not in build.json)"
    )

    def summary(self) -> str:
        """A short, human-readable account of the build."""
        total = sum(self.examples.values())
        per_split = ", ".join(f"{s} {n}" for s, n in self.examples.items())
        if self.unit == "articles":
            lines = [
                f"articles: {self.articles_read} read, {self.articles_cleaned} cleaned, "
                f"{self.articles_rejected} rejected",
                f"clusters: {self.clusters} ({self.multi_article_clusters} with 2+ articles)"
                + (f", profile {self.profile}" if self.profile else ""),
            ]
        else:
            lines = [
                f"{self.unit}: {self.articles_read} read, {self.articles_cleaned} imported, "
                f"{self.articles_rejected} rejected"
            ]
        lines.append(f"examples: {total} ({per_split})")
        if self.strategies:
            lines.append(
                "strategies: "
                + ", ".join(
                    f"{s} {self.strategies.get(s, 0)} of {self.candidates.get(s, 0)} candidates"
                    for s in (self.candidates or self.strategies)
                )
            )
        for strategy, counts in self.filtered.items():
            dropped = ", ".join(f"{k} {v}" for k, v in counts.items() if v) or "nothing"
            lines.append(f"filtered ({strategy}): {dropped}")
        lines += self.notes
        if self.rejects_path:
            lines.append(f"rejected rows written to {self.rejects_path}")
        lines += [f"warning: {w}" for w in self.warnings]
        if self.seconds:
            lines.append(f"time: {format_times(self.seconds)}")
        if self.peak_rss_mb:
            lines.append(f"memory: peak RSS {format_memory(self.peak_rss_mb)}")
        lines.append(f"wrote {self.path} (fingerprint {self.fingerprint[:16]})")
        return "\n".join(lines)


def build_config(
    path: str | Path | None = None, overrides: Mapping[str, Any] | None = None
) -> BuildConfig:
    """A BuildConfig from an optional YAML/JSON file plus overrides (which win).

    Invalid settings raise :class:`ConfigError` naming the file and the field.
    """
    data: dict[str, Any] = {}
    where = "command line"
    if path is not None:
        import yaml

        where = str(path)
        try:
            loaded = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read ({exc.strerror or exc})") from None
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path}: not valid YAML/JSON ({exc})") from None
        if loaded is not None and not isinstance(loaded, dict):
            raise ConfigError(f"{path}: expected a mapping of settings")
        data = dict(loaded or {})
    data.update(overrides or {})
    try:
        return BuildConfig.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"]) or "config"
        raise ConfigError(f"{where}: setting '{loc}': {err['msg']}") from None


def _stage(message: str, enabled: bool) -> None:
    if enabled:
        print(f"sumbench: {message} ...", file=sys.stderr, flush=True)


#: Rows per cleaning task on Dask (small enough that a few thousand rows make many tasks).
EXECUTOR_BATCH_ROWS = 250
#: Stages of a build in the order they run (the summary lists them in this order).
STAGES = ("ingest", "group", "profiling", "encoding", "candidates", "judging", "linking",
          "examples", "split", "export")


@contextmanager
def _memory_advice(clock: StageClock, out: Path, profile: str) -> Iterator[None]:
    """A MemoryError becomes a message saying what to change, not a traceback.

    (An operating system may kill the process before Python sees a MemoryError;
    then only the progress lines say how far the build got.)
    """
    try:
        yield
    except MemoryError:
        lighter = {"default": "--profile fast or --profile lexical",
                   "fast": "--profile lexical"}.get(profile, "a smaller group.neighbours")
        raise ConfigError(
            f"out of memory during the {clock.current or 'build'} stage: build with "
            f"{lighter}, lower group.neighbours, or build the corpus in parts; nothing was "
            f"written to {out}") from None


def _kept_without_edges(store: RecordStore[Cluster], cluster: Cluster) -> Cluster:
    """Write a cluster (its edges' evidence included) to ``store``; keep its members only."""
    store.add(cluster)
    return Cluster.model_construct(id=cluster.id, members=cluster.members, edges=[])


def _group(articles: Sequence[Article], config: GroupConfig, clock: StageClock,
           progress: bool) -> list[Cluster]:
    """Group with a progress display and a time for each step of the grouper."""
    said: list[bool] = []

    def searching() -> None:
        # say once that the search starts (each of its steps then shows a count of its own)
        if not said:
            said.append(True)
            _stage(f"finding candidate pairs among {len(articles)} articles", progress)

    def profiling(arts: Sequence[Article]) -> Iterator[Article]:
        yield from clock.timed(track(arts, "profiling", unit="article", enabled=progress),
                               "profiling")
        if not config.use_embeddings:
            searching()

    @contextmanager
    def timer(name: str) -> Iterator[None]:
        with clock.stage(name):
            yield
        searching()  # the search starts once the USE vectors are there
        clock.current = "group"

    def judging(pairs: list[tuple[str, str]]) -> Iterable[tuple[str, str]]:
        _stage(f"judging {len(pairs)} candidate pairs", progress)
        return clock.timed(track(pairs, "judging", unit="pair", enabled=progress), "judging")

    def linking(edges: int) -> AbstractContextManager[Callable[[int], Any]]:
        _stage(f"linking {edges} accepted edges", progress)
        return meter("linking", unit="edge", total=edges, enabled=progress)

    with clock.stage("group"):
        clusters = group_articles(articles, config, progress=profiling, pair_progress=judging,
                                  log=lambda message: _stage(message, progress),
                                  timer=timer,
                                  encode_progress=lambda what, total: meter(
                                      what, unit="article", total=total, enabled=progress),
                                  search_progress=lambda what, total: meter(
                                      f"candidates: {what}", unit="article", total=total,
                                      enabled=progress),
                                  link_progress=linking)
    marks = clock.marks
    if {"profiling", "judging"} <= marks.keys():  # the grouper called both hooks
        # encoders run between profiling and judging (USE, then the e5 the gate asks for)
        clock.seconds["candidates"] = (marks["judging"][0] - marks["profiling"][1]
                                       - clock.seconds.get("encoding", 0.0))
        clock.seconds["linking"] = marks["group"][1] - marks["judging"][1]
        del clock.seconds["group"]
    return sorted(clusters, key=lambda c: c.id)


def _announced(clock: StageClock, progress: bool,
               ) -> Callable[[str], AbstractContextManager[None]]:
    """``clock.stage`` that also says which step of a distributed grouping starts."""
    def stage(name: str) -> AbstractContextManager[None]:
        _stage(f"{name} (on Dask)", progress)
        return clock.stage(name)
    return stage


def build_dataset(
    input_path: str | Path,
    out: str | Path,
    config: BuildConfig | None = None,
    *,
    field_map: Mapping[str, str] | None = None,
    skip_invalid: bool = False,
    overwrite: bool = False,
    progress: bool = False,
    input_format: str | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
    client: Any = None,
    partitions: int | None = None,
) -> BuildReport:
    """Build a benchmark dataset folder from a corpus of news articles.

    ``input_path`` is anything :func:`benchmark.ingest.load_articles` reads (a
    folder of .txt, JSONL, CSV, Parquet, a saved ``datasets`` dataset). With
    ``skip_invalid`` bad rows go to ``<out>/rejects.jsonl`` instead of stopping
    the build. ``out`` is written atomically; an ``out`` that already holds a
    different dataset raises :class:`~benchmark.errors.OutputError` unless
    ``overwrite``. ``limits`` bounds each input row (:class:`benchmark.rows.ReadLimits`).
    """
    config = config or BuildConfig()
    clock = StageClock()
    started = clock.clock()
    input_path, out = Path(input_path), Path(out)
    if not input_path.exists() and not is_stdin(input_path):
        raise InputError("input not found", path=input_path)
    check_output_dir(out, overwrite=overwrite, inputs=[input_path])
    name = config.name or out.resolve().name
    out.resolve().parent.mkdir(parents=True, exist_ok=True)
    with _memory_advice(clock, out, config.profile), tempfile.TemporaryDirectory(
        prefix=f".{out.name}.{os.getpid()}.build-", suffix=".tmp", dir=out.resolve().parent
    ) as tmpd, ArticleStore(Path(tmpd) / "articles.jsonl") as store, \
            RecordStore(Cluster, Path(tmpd) / "clusters.jsonl") as cluster_store:
        rejects = Path(tmpd) / "rejects.jsonl" if skip_invalid else None
        _stage(f"reading {input_path} (profile {config.profile})", progress)
        executor = None if client is None else as_executor(client, partitions)
        if executor is not None and progress:
            executor.meter = lambda desc, total: meter(desc, unit="task", total=total)
        with clock.stage("ingest"), meter("ingest", unit="row", enabled=progress) as update:
            ingested = load_articles(
                input_path,
                field_map=dict(field_map) if field_map else None,
                input_format=input_format,
                skip_invalid=skip_invalid,
                rejects_path=rejects,
                limits=limits,
                on_batch=update,
                store=store,  # the articles wait on disk, read one at a time when needed
                workers=config.group.workers,
                executor=executor,
                batch_size=1000 if executor is None else EXECUTOR_BATCH_ROWS,
            )
        articles, by_id = store, store.by_id
        _stage(f"grouping {len(articles)} articles", progress)
        if executor is None:
            clusters = _group(articles, config.group, clock, progress)
        else:
            # the articles are read from the store a partition at a time; the clusters'
            # edges, evidence included, go to a second store as they arrive
            clusters = group_articles_distributed(
                articles, config.group, executor, timer=_announced(clock, progress),
                log=lambda message: _stage(message, progress),
                keep=partial(_kept_without_edges, cluster_store))
        with clock.stage("examples"):
            if executor is None:
                pairs = build_examples(
                    track(clusters, "examples", unit="cluster", enabled=progress),
                    by_id,
                    config.strategy,
                    config.filters,
                )
            else:
                pairs = build_examples_on(executor, clusters, by_id, config.strategy,
                                          config.filters)
        with clock.stage("split"):
            splits, warnings = split_examples(
                pairs.examples, clusters, by_id, seed=config.seed, ratios=config.ratios,
                chronological=config.chronological, min_clusters=config.min_split_clusters)
        filtered = {s: dict(pairs.filtered[s]) for s in config.strategy}
        strategies = dict(sorted(Counter(e.strategy for e in pairs.examples).items()))
        if not pairs.examples:
            multi = sum(len(c.members) > 1 for c in clusters)
            dropped = {s: {k: v for k, v in c.items() if v} for s, c in filtered.items()}
            raise InputError(
                f"no examples could be built: {len(articles)} article(s) formed {len(clusters)} "
                f"cluster(s), {multi} of them with two or more articles (every strategy needs "
                f"one); filters dropped {dropped}",
                path=input_path,
            )
        counts: dict[str, Any] = {
            "articles_read": ingested.read,
            "articles_cleaned": len(articles),
            "articles_rejected": ingested.rejected,
            "clusters": len(clusters),
            "multi_article_clusters": sum(len(c.members) > 1 for c in clusters),
            "candidates": dict(pairs.candidates),
            "examples_per_strategy": strategies,
            "filtered": filtered,
            "title_sources": dict(sorted(Counter(a.title_source for a in articles).items())),
            "warnings": warnings,
        }
        settings = {
            **config.model_dump(mode="json"),
            "name": name,
            "field_map": dict(sorted((field_map or {}).items())),
            "skip_invalid": skip_invalid,
            "input_format": input_format,
            "sentence_splitter": SPLITTER_NAME,
        }
        has_rejects = rejects is not None and rejects.exists() and ingested.rejected > 0
        _stage(f"writing {sum(map(len, splits.values()))} examples to {out}", progress)
        with clock.stage("export"):
            info = write_dataset(
                out,
                name=name,
                splits=splits,
                settings=settings,
                counts=counts,
                articles=articles,
                clusters=clusters,
                cluster_store=cluster_store,
                extra_files={"rejects.jsonl": rejects} if has_rejects and rejects else None,
                license=config.license,
                description=config.description,
                overwrite=overwrite,
            )
    return BuildReport(
        name=name,
        path=str(out),
        fingerprint=info.fingerprint,
        articles_read=ingested.read,
        articles_cleaned=len(articles),
        articles_rejected=ingested.rejected,
        clusters=len(clusters),
        multi_article_clusters=counts["multi_article_clusters"],
        candidates=dict(pairs.candidates),
        examples=info.splits,
        strategies={str(k): v for k, v in strategies.items()},
        filtered={str(k): v for k, v in filtered.items()},
        warnings=warnings,
        rejects_path=str(out / "rejects.jsonl") if has_rejects else None,
        profile=config.profile,
        seconds={**{k: round(v, 3) for k, v in sorted(
                    clock.seconds.items(), key=lambda kv: STAGES.index(kv[0]))},
                 "total": round(clock.clock() - started, 3)},
        peak_rss_mb=peak_rss_mb(),
    )
