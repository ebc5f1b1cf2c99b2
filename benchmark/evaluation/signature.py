"""SacreBLEU-style signatures: one string that names everything that changes a score.

Why: two ROUGE numbers are comparable only if tokenisation, stemming, sentence
splitting, multi-reference rule, aggregation, bootstrap settings, dataset version
and scorer version all agree. The signature is printed with every score and stored
in every result, e.g.::

    rouge:1,2,L,Lsum|tok:rouge-score|stem:porter|split:pysbd-0.3|multiref:max|
    agg:mean|boot:1000@12345|dataset:0123456789ab|sumbench:0.1.0

(one line). Each metric contributes its own ``key:value`` fields through
:meth:`benchmark.metrics.base.Metric.signature`; this module adds the rest.

The dataset is named by its fingerprint alone: identity is the content, so the
same data in two differently named folders gives comparable scores. The name is
a label, kept in the result's ``dataset`` field, never a reason to refuse.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from benchmark.metrics.base import Metric

FINGERPRINT_CHARS = 12
DEFAULT_CONFIDENCE = 0.95


class BootstrapSettings(Protocol):
    """The parts of an evaluation config a signature records (EvalConfig has them)."""

    n_resamples: int
    seed: int
    confidence: float


def build_signature(
    metrics: Sequence[Metric],
    config: BootstrapSettings,
    fingerprint: str,
    *,
    version: str | None = None,
) -> str:
    """Join the metrics' signatures with aggregation, bootstrap, dataset and version fields.

    The dataset field is the first 12 hex characters of ``fingerprint`` (``none``
    without one), not the dataset's name.

    The confidence level is written (``ci:90``) only when it is not the default 95 %.
    """
    if version is None:
        from benchmark import __version__ as version
    parts = [m.signature() for m in metrics]
    parts.append("agg:mean")
    parts.append(f"boot:{config.n_resamples}@{config.seed}")
    if abs(config.confidence - DEFAULT_CONFIDENCE) > 1e-12:
        parts.append(f"ci:{config.confidence * 100:g}")
    fp = fingerprint[:FINGERPRINT_CHARS] if fingerprint else "none"
    parts.append(f"dataset:{fp}")
    parts.append(f"sumbench:{version}")
    return "|".join(parts)


def parse_signature(signature: str) -> dict[str, str]:
    """Split a signature into ``{key: value}`` (the first occurrence of a key wins)."""
    out: dict[str, str] = {}
    for part in signature.split("|"):
        key, _, value = part.partition(":")
        out.setdefault(key, value)
    return out


def signature_differences(
    a: str, b: str, *, ignore: Sequence[str] = ()
) -> dict[str, tuple[str, str]]:
    """Fields on which two signatures differ: ``{key: (value_in_a, value_in_b)}``.

    Why: a leaderboard or regression check must refuse (or at least flag) scores
    whose signatures differ in anything but, say, ``sumbench`` version.
    """
    pa, pb = parse_signature(a), parse_signature(b)
    keys = sorted((set(pa) | set(pb)) - set(ignore))
    return {k: (pa.get(k, ""), pb.get(k, "")) for k in keys if pa.get(k) != pb.get(k)}


def describe_differences(a: str, b: str) -> str:
    """The differing fields of two signatures as text: ``tok: rouge-score vs unicode; ...``."""
    return "; ".join(f"{k}: {x or '(none)'} vs {y or '(none)'}"
                     for k, (x, y) in signature_differences(a, b).items())
