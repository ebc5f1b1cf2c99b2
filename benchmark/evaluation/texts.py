"""Score parallel texts: item ``i`` of the predictions against item ``i`` of the references.

The Python twin of ``sumbench score``: no dataset folder, just aligned lists (or
files of lines). The result is the same signed :class:`~benchmark.schema.RunResult`
as a dataset evaluation, named by a fingerprint of its reference texts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from benchmark.errors import ConfigError, InputError
from benchmark.evaluation.evaluate import EvalConfig, config_or_default, score_items
from benchmark.metrics.loader import metric_names
from benchmark.schema import RunResult


def references_fingerprint(references: Sequence[Sequence[str]]) -> str:
    """sha256 over the reference texts, so a plain-text result names its reference set."""
    h = hashlib.sha256()
    for refs in references:
        for r in refs:
            h.update(r.encode("utf-8"))
            h.update(b"\x1f")
        h.update(b"\x1e")
    return h.hexdigest()


def score(
    predictions: Sequence[str],
    references: Sequence[Sequence[str]],
    *,
    config: EvalConfig | None = None,
    documents: Sequence[str] | None = None,
    name: str = "parallel-text",
    system: str = "system",
) -> RunResult:
    """Score aligned outputs and references (item ``i`` has id ``str(i + 1)``, its line).

    The Python twin of ``sumbench score``. Without ``documents`` the ``lengths``
    metric (which needs the source text) cannot run.
    """
    cfg = config_or_default(config)
    if len(predictions) != len(references):
        raise InputError(f"{len(predictions)} predictions but {len(references)} reference sets")
    for i, refs in enumerate(references, start=1):
        if not refs or any(not r.strip() for r in refs):
            raise InputError(f"item {i} has an empty or missing reference")
    if documents is None:
        if "lengths" in metric_names(cfg.metrics, cfg.rouge155):
            raise ConfigError(
                "the 'lengths' metric needs the source documents; drop it or pass documents"
            )
        documents = [""] * len(predictions)
    elif len(documents) != len(predictions):
        raise InputError(f"{len(predictions)} predictions but {len(documents)} documents")
    ids = [str(i) for i in range(1, len(predictions) + 1)]
    return score_items(
        ids,
        predictions,
        references,
        documents,
        config=cfg,
        dataset_name=name,
        fingerprint=references_fingerprint(references),
        split="all",
        system=system,
    )


#: the name this function had before it became ``benchmark.score``; kept for old callers
score_parallel = score
