"""The record types every stage exchanges, as pydantic v2 models.

They sit at the bottom of the import graph: every other module may import them,
they import nothing of sumbench's but :mod:`benchmark.errors`. Each model's JSON
Schema is exported with the dataset (see :func:`json_schemas`) so users outside
Python can validate what they download.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1"


class Record(BaseModel):
    """Base of all records: unknown fields are an error, records are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- dataset


class Removal(Record):
    """One piece of text the cleaner removed, kept so a user can audit it."""

    kind: str = Field(description="what was removed, e.g. 'breadcrumb', 'byline', 'footer'")
    text: str = Field(description="the removed text, verbatim")


class Article(Record):
    """One news article after ingest and cleaning."""

    id: str = Field(min_length=1, description="stable id: the input's own id, else derived from content/file name")
    title: str | None = Field(default=None, description="headline, if one was found")
    title_source: str = Field(default="none", description="where the title came from, e.g. 'metadata', 'first-line', 'breadcrumb', 'none'")
    body: str = Field(min_length=1, description="cleaned article text; paragraphs separated by blank lines")
    source: str | None = Field(default=None, description="outlet / publisher")
    outlet_source: str | None = Field(default=None, description="where the outlet (source) came from: 'metadata', 'dateline', 'url-host', 'ignored-url:<host> (...)' or 'none'; None in data written before it was recorded")
    url: str | None = None
    published: dt.date | None = Field(default=None, description="publication date, if known")
    date_source: str = Field(default="none", description="where the date came from, e.g. 'metadata', 'dateline', 'date-line', 'partial:<text> anchored on <anchor>', 'none'")
    language: str | None = Field(default=None, description="ISO 639-1 code")
    content_hash: str = Field(description="sha256 hex of the cleaned body")
    origin: str = Field(default="", description="where the article was read: 'file' or 'file:line'")
    removed: list[Removal] = Field(default_factory=list, description="what cleaning removed")


class Edge(Record):
    """Evidence that two articles report the same event (``a < b``)."""

    a: str
    b: str
    kind: Literal["reprint", "event"] = Field(description="'reprint' (lexical MinHash) or 'event' (meaning-level)")
    score: float = Field(description="the combined decision score")
    evidence: dict[str, float] = Field(default_factory=dict, description="per-feature scores")


class Cluster(Record):
    """A group of articles about one event, with every edge that joined them."""

    id: str = Field(description="derived from members (the smallest member id)")
    members: list[str] = Field(description="sorted article ids")
    edges: list[Edge] = Field(default_factory=list)


class FragmentStats(Record):
    """Newsroom extractive-fragment statistics of a summary against its document."""

    coverage: float
    density: float
    compression: float


class Example(Record):
    """One benchmark item: document(s) and one or more references."""

    id: str
    strategy: Literal["cross-lede", "multi-doc", "compression", "imported"]
    cluster_id: str
    source_ids: list[str] = Field(description="article ids of the document(s)")
    reference_ids: list[str] = Field(description="article ids the references were taken from (parallel to references)")
    documents: list[str] = Field(min_length=1, description="one text per source article")
    document: str = Field(description="the documents joined with ' ||||| ' (Multi-News convention)")
    references: list[str] = Field(min_length=1)
    fragments: list[FragmentStats] = Field(description="per reference, against the document")
    language: str | None = None
    published: dt.date | None = None


class BuildInfo(Record):
    """What ``build.json`` holds: every setting and the content fingerprint."""

    name: str
    fingerprint: str = Field(description="sha256 over the canonical example records")
    sumbench_version: str
    schema_version: str = SCHEMA_VERSION
    settings: dict[str, Any]
    counts: dict[str, Any]
    splits: dict[str, int]


# --------------------------------------------------------------------------- evaluation


class Prediction(Record):
    """A system's output for one example."""

    id: str
    summary: str


class ExampleScore(Record):
    """Every metric for one example; ``flags`` marks empty or copied outputs."""

    id: str
    scores: dict[str, float]
    per_reference: dict[str, list[float]] = Field(default_factory=dict)
    flags: list[str] = Field(default_factory=list)


class Aggregate(Record):
    """Exact mean of a per-example metric with a bootstrap percentile CI."""

    mean: float
    low: float
    high: float
    n: int


class TokenAudit(Record):
    """Share of letters the tokenizer dropped, overall and per example."""

    profile: str
    dropped_share: float
    per_example: dict[str, float] = Field(default_factory=dict)
    warning: str | None = None


class RunResult(Record):
    """One evaluation. ``scores`` is reproducible byte for byte; ``meta`` is not."""

    signature: str
    dataset: str
    dataset_fingerprint: str
    split: str
    system: str
    system_config: dict[str, Any] = Field(default_factory=dict)
    aggregates: dict[str, Aggregate]
    examples: list[ExampleScore]
    audit: TokenAudit | None = None
    failures: dict[str, str] = Field(default_factory=dict, description="example id -> why the system failed")
    counts: dict[str, int] = Field(default_factory=dict, description="examples, empty/missing/failed predictions, exact copies")
    meta: dict[str, Any] = Field(default_factory=dict, description="timings, host, date, package versions")


RECORD_TYPES: tuple[type[Record], ...] = (
    Article, Cluster, Edge, Example, BuildInfo, Prediction, ExampleScore, RunResult,
)


def json_schemas() -> dict[str, dict[str, Any]]:
    """JSON Schema of every public record type, keyed by type name."""
    return {t.__name__: t.model_json_schema() for t in RECORD_TYPES}
