"""Score parallel texts: item ``i`` of the predictions against item ``i`` of the references.

The Python twin of ``sumbench score``: no dataset folder, just aligned lists (or
files of lines). The result is the same signed :class:`~benchmark.schema.RunResult`
as a dataset evaluation, named by a fingerprint of its reference texts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from benchmark.errors import ConfigError, InputError
from benchmark.evaluation.evaluate import EvalConfig, config_or_default, make_config, score_items
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


def reference_sets(references: Sequence[str | Sequence[str]]) -> list[list[str]]:
    """One list of references per item: a plain string is that item's only reference.

    Why: ``evaluate``-style callers pass ``references=["ref 1", "ref 2"]``; iterating
    such a string would give its characters, so each is wrapped instead.
    """
    out: list[list[str]] = []
    for i, refs in enumerate(references, start=1):
        if isinstance(refs, str):
            out.append([refs])
        elif isinstance(refs, Sequence) and all(isinstance(r, str) for r in refs):
            out.append(list(refs))
        else:
            raise InputError(
                f"item {i}: a reference must be a string or a list of strings, "
                f"got {type(refs).__name__}"
            )
    return out


def _settings(config: EvalConfig | None, options: dict[str, Any]) -> tuple[EvalConfig, bool]:
    """The config and whether the user chose the metrics (else ``lengths`` may be dropped)."""
    if config is not None and options:
        raise ConfigError(
            f"pass either config= or keyword settings ({', '.join(sorted(options))}), not both"
        )
    cfg = make_config(**options) if options else config_or_default(config)
    return cfg, "metrics" in cfg.model_fields_set


def score(
    predictions: Sequence[str],
    references: Sequence[str | Sequence[str]],
    *,
    config: EvalConfig | None = None,
    documents: Sequence[str] | None = None,
    name: str = "parallel-text",
    system: str = "system",
    **options: Any,
) -> RunResult:
    """Score aligned outputs and references: ``benchmark.score(predictions, references)``.

    ``references[i]`` is item ``i``'s reference (a string) or its references (a
    list of strings; ``multiref`` says how they combine). ``options`` are
    :class:`~benchmark.evaluation.evaluate.EvalConfig` fields (``metrics``,
    ``tokenizer``, ``stem``, ``multiref``, ``language``, ``n_resamples``, ``seed``,
    ...), or pass a whole ``config``. Item ``i`` gets id ``str(i + 1)``, its line.

    Returns the signed :class:`~benchmark.schema.RunResult`: ``result.aggregates``
    maps a score key (``rouge1_f``, ``rougeL_f`` ...) to its exact mean and bootstrap
    CI as a share in [0, 1], ``result.examples`` holds per-item scores and
    ``result.signature`` every setting.

    The default metrics are ``rouge`` and ``lengths``; ``lengths`` reads the source
    text, so without ``documents`` it is left out (a ``metrics`` list that names it
    explicitly then raises :class:`~benchmark.errors.ConfigError`).
    """
    cfg, chosen = _settings(config, options)
    refs = reference_sets(references)
    if isinstance(predictions, str):
        raise InputError("predictions must be a list of strings, got one string")
    if len(predictions) != len(refs):
        raise InputError(f"{len(predictions)} predictions but {len(refs)} reference sets")
    for i, item in enumerate(refs, start=1):
        if not item or any(not r.strip() for r in item):
            raise InputError(f"item {i} has an empty or missing reference")
    if documents is None:
        if "lengths" in metric_names(cfg.metrics, cfg.rouge155):
            if chosen:
                raise ConfigError(
                    "the 'lengths' metric needs the source documents; drop it or pass documents"
                )
            cfg = cfg.model_copy(update={"metrics": [m for m in cfg.metrics if m != "lengths"]})
        documents = [""] * len(predictions)
    elif len(documents) != len(predictions):
        raise InputError(f"{len(predictions)} predictions but {len(documents)} documents")
    ids = [str(i) for i in range(1, len(predictions) + 1)]
    return score_items(
        ids,
        predictions,
        refs,
        documents,
        config=cfg,
        dataset_name=name,
        fingerprint=references_fingerprint(refs),
        split="all",
        system=system,
    )


#: the name this function had before it became ``benchmark.score``; kept for old callers
score_parallel = score
