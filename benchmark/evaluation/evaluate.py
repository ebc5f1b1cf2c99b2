"""Score a system's predictions: per-example metrics, exact means with bootstrap CIs,
a signature, a tokenisation audit, and a :class:`~benchmark.schema.RunResult`.

Why this shape: everything a paper quotes (signature, per-example scores,
aggregates) is computed deterministically from the inputs and the seed and kept
apart from ``meta`` (timings, host, date, versions), so two runs give byte-identical
results except ``meta``. Bad input is never skipped: missing ids are an error unless
``missing='zero'`` (then they score 0, are flagged and counted), extra and
duplicate ids are errors, empty outputs score 0 and are flagged, runner failures
score 0 and are listed.
"""

from __future__ import annotations

import math
import platform
import time
import warnings
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from benchmark.errors import ConfigError, InputError
from benchmark.evaluation.predictions import (
    check_fingerprint,
    read_predictions_file,
)
from benchmark.evaluation.results import (
    preview,
)
from benchmark.evaluation.signature import build_signature
from benchmark.limits import DEFAULT_LIMITS, ReadLimits
from benchmark.metrics.base import Metric, MetricOutput, gc_paused
from benchmark.metrics.lengths import COPY_FLAG, EMPTY_FLAG, is_empty
from benchmark.metrics.loader import build_metrics
from benchmark.schema import Aggregate, Example, ExampleScore, RunResult, TokenAudit


class TokenisationWarning(UserWarning):
    """The tokenizer profile drops a meaningful share of letters (e.g. non-ASCII text)."""


MISSING_FLAG = "missing-prediction"
FAILURE_FLAG = "system-failure"

_VERSIONED_PACKAGES = (
    "sumbench",
    "rouge-score",
    "numpy",
    "nupunkt",
    "sentencex",
    "pysbd",
    "pydantic",
    "nltk",
)


DEFAULT_MAX_TEXT_CHARS = 100_000


class EvalConfig(BaseModel):
    """Every evaluation setting; all of them that change numbers go into the signature.

    ``rouge155`` holds a ROUGE-1.5.5 Perl option string; setting it swaps the
    ``rouge`` metric for the Perl-compatible ``rouge155`` profile.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    metrics: list[str] = Field(default_factory=lambda: ["rouge", "lengths"])
    tokenizer: str = "rouge-score"
    stem: bool = True
    multiref: str = "max"
    rouge155: str | None = None
    n_resamples: int = Field(default=1000, ge=1)
    confidence: float = Field(default=0.95, gt=0.0, lt=1.0)
    seed: int = 12345
    missing: Literal["error", "zero"] = "error"
    language: str | None = None
    #: longest prediction or reference scored, in characters: ROUGE-L is quadratic, so a
    #: 50 MB output would hang the run instead of failing (``--max-text-chars``)
    max_text_chars: int = Field(default=DEFAULT_MAX_TEXT_CHARS, ge=1)
    jobs: int = Field(default=1, ge=1)
    """Processes that score examples (metrics built from this config); never changes numbers."""


def config_or_default(config: EvalConfig | None) -> EvalConfig:
    return config if config is not None else EvalConfig()


def make_config(**settings: Any) -> EvalConfig:
    """Build an :class:`EvalConfig`, turning validation errors into a ConfigError."""
    try:
        return EvalConfig(**settings)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"invalid evaluation setting '{where}': {first['msg']}") from None


# --------------------------------------------------------------------------- metrics


def make_metrics(config: EvalConfig | None = None) -> list[Metric]:
    """Instantiate the configured metrics (see :mod:`benchmark.metrics.loader`)."""
    return build_metrics(config_or_default(config))


def _check_outputs(metric: Metric, outputs: Sequence[MetricOutput], n: int) -> None:
    if len(outputs) != n:
        raise ConfigError(f"metric '{metric.name}' returned {len(outputs)} results for {n} items")
    for out in outputs:
        for key, value in out.scores.items():
            if not math.isfinite(value):
                raise ConfigError(f"metric '{metric.name}' returned a non-finite {key}={value}")


def _claim(owners: dict[str, str], metric: str, outputs: Sequence[MetricOutput]) -> None:
    """Record which metric produces each key; two metrics producing one key is an error."""
    keys: set[str] = set().union(*(o.scores.keys() for o in outputs),
                                 *(o.per_reference.keys() for o in outputs))
    for key in sorted(keys):
        if owners.get(key, metric) != metric:
            raise ConfigError(
                f"metrics '{owners[key]}' and '{metric}' both produce '{key}'; select only one"
            )
        owners[key] = metric


def _example_score(ex_id: str, scores: dict[str, float], per_ref: dict[str, list[float]],
                   flags: list[str]) -> ExampleScore:
    """An :class:`ExampleScore`, built without re-validation when every value is already a
    float in a list (validating 10,000 of them was a large share of a run's overhead)."""
    if ({type(v) for v in scores.values()} <= {float}
            and {type(v) for v in per_ref.values()} <= {list}
            and {type(x) for v in per_ref.values() for x in v} <= {float}):
        return ExampleScore.model_construct(id=ex_id, scores=scores, per_reference=per_ref,
                                            flags=flags)
    return ExampleScore(id=ex_id, scores=scores, per_reference=per_ref, flags=flags)


# --------------------------------------------------------------------------- core


def _aggregate(examples: Sequence[ExampleScore], cfg: EvalConfig) -> dict[str, Aggregate]:
    import numpy as np

    from benchmark.evaluation.stats import bootstrap_cis

    keys = sorted({k for ex in examples for k in ex.scores})
    for ex in examples:
        lacking = [k for k in keys if k not in ex.scores]
        if lacking:
            raise ConfigError(f"example '{ex.id}' has no {', '.join(lacking)}: a metric skipped it")
    if not keys or not examples:
        return {}
    matrix = np.array([[ex.scores[k] for k in keys] for ex in examples], dtype=np.float64)
    cis = bootstrap_cis(
        matrix, n_resamples=cfg.n_resamples, confidence=cfg.confidence, seed=cfg.seed
    )
    means = matrix.mean(axis=0)
    return {
        k: Aggregate(
            mean=float(means[j]), low=float(cis[j, 0]), high=float(cis[j, 1]), n=len(examples)
        )
        for j, k in enumerate(keys)
    }


def _audit(
    metrics: Sequence[Metric],
    cfg: EvalConfig,
    ids: Sequence[str],
    predictions: Sequence[str],
    references: Sequence[Sequence[str]],
) -> TokenAudit | None:
    """Tokenisation audit of what the ROUGE tokenizer sees (outputs and references)."""
    names = {m.name for m in metrics}
    if "rouge" not in names and "rouge155" not in names:
        return None
    from benchmark.metrics.audit import token_audit

    # ROUGE-1.5.5 keeps only ASCII letters and digits, like the rouge-score profile.
    profile = "rouge-score" if "rouge155" in names else cfg.tokenizer
    texts = {
        i: "\n".join([p, *refs]) for i, p, refs in zip(ids, predictions, references, strict=True)
    }
    audit: TokenAudit = token_audit(texts, profile, language=cfg.language)
    return audit


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for pkg in _VERSIONED_PACKAGES:
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            continue
    return out


_MIN_PARALLEL = 2000
"""Fewer examples than this are scored in one process: starting workers costs more."""


def _score_chunk(config: EvalConfig, index: int, predictions: list[str],
                 references: list[list[str]], documents: list[str]) -> list[MetricOutput]:
    """In a worker: metric ``index`` of ``config`` on one contiguous chunk of examples."""
    return make_metrics(config)[index].score(predictions, references, documents)


def _score_metric(metric: Metric, index: int, cfg: EvalConfig, jobs: int,
                  predictions: list[str], references: list[list[str]],
                  documents: list[str]) -> Sequence[MetricOutput]:
    """``metric.score`` on every example, split over ``jobs`` processes when asked.

    Every example is scored on its own, so the outputs equal one process's. Workers
    are forked where the platform allows (they inherit the imports and prepared texts).
    """
    if jobs <= 1:
        return metric.score(predictions, references, documents)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    size = -(-len(predictions) // jobs)
    bounds = [(a, min(a + size, len(predictions))) for a in range(0, len(predictions), size)]
    with ProcessPoolExecutor(max_workers=jobs,
                             mp_context=multiprocessing.get_context(method)) as pool:
        parts = [pool.submit(_score_chunk, cfg, index, predictions[a:b], references[a:b],
                             documents[a:b]) for a, b in bounds]
        return [out for part in parts for out in part.result()]


def _backends(metrics: Sequence[Metric]) -> dict[str, str]:
    """Which engine computed each metric (``rouge-backend: c-1``): recorded, never signed,
    since every backend must give the same numbers."""
    return {f"{m.name}-backend": str(getattr(m, "backend_version", getattr(m, "backend", "")))
            for m in metrics if getattr(m, "backend", None)}


def score_items(
    ids: Sequence[str],
    predictions: Sequence[str],
    references: Sequence[Sequence[str]],
    documents: Sequence[str],
    *,
    config: EvalConfig | None = None,
    metrics: Sequence[Metric] | None = None,
    reasons: Mapping[str, str] | None = None,
    dataset_name: str = "",
    fingerprint: str = "",
    split: str = "test",
    system: str = "system",
    system_config: Mapping[str, Any] | None = None,
    failures: Mapping[str, str] | None = None,
    counts: Mapping[str, int] | None = None,
) -> RunResult:
    """Score aligned lists (the core of :func:`evaluate_predictions` and of
    :func:`benchmark.evaluation.texts.score`).

    ``reasons`` maps ids that were scored as empty on purpose (missing, failed) to
    their flag; every empty output scores 0 on every metric.
    """
    with gc_paused():
        return _score_items(ids, predictions, references, documents, config=config,
                            metrics=metrics, reasons=reasons, dataset_name=dataset_name,
                            fingerprint=fingerprint, split=split, system=system,
                            system_config=system_config, failures=failures, counts=counts)


def _score_items(
    ids: Sequence[str],
    predictions: Sequence[str],
    references: Sequence[Sequence[str]],
    documents: Sequence[str],
    *,
    config: EvalConfig | None,
    metrics: Sequence[Metric] | None,
    reasons: Mapping[str, str] | None,
    dataset_name: str,
    fingerprint: str,
    split: str,
    system: str,
    system_config: Mapping[str, Any] | None,
    failures: Mapping[str, str] | None,
    counts: Mapping[str, int] | None,
) -> RunResult:
    cfg = config_or_default(config)
    started = time.perf_counter()
    metric_objs = list(metrics) if metrics is not None else make_metrics(cfg)
    n = len(ids)
    if n == 0:
        raise InputError(
            f"split '{split}' of dataset '{dataset_name or 'unnamed'}' has no examples"
        )
    check_text_sizes(ids, predictions, references, cfg.max_text_chars)
    reasons = dict(reasons or {})
    scores: list[dict[str, float]] = [{} for _ in range(n)]
    per_ref: list[dict[str, list[float]]] = [{} for _ in range(n)]
    flags: list[set[str]] = [set() for _ in range(n)]
    owners: dict[str, str] = {}
    timings: dict[str, float] = {}
    jobs = cfg.jobs if metrics is None and n >= _MIN_PARALLEL else 1
    for k, metric in enumerate(metric_objs):
        t0 = time.perf_counter()
        outputs = _score_metric(metric, k, cfg, jobs, list(predictions),
                                [list(r) for r in references], list(documents))
        timings[metric.name or type(metric).__name__] = round(time.perf_counter() - t0, 6)
        _check_outputs(metric, outputs, n)
        _claim(owners, metric.name, outputs)
        for i, out in enumerate(outputs):
            scores[i].update(out.scores)
            per_ref[i].update(out.per_reference)
            flags[i].update(out.flags)
    examples: list[ExampleScore] = []
    for i, ex_id in enumerate(ids):
        if ex_id in reasons:
            flags[i].add(reasons[ex_id])
        if is_empty(predictions[i]):
            flags[i].add(EMPTY_FLAG)
            scores[i] = {k: 0.0 for k in scores[i]}
            per_ref[i] = {k: [0.0] * len(v) for k, v in per_ref[i].items()}
        examples.append(_example_score(ex_id, dict(sorted(scores[i].items())),
                                       dict(sorted(per_ref[i].items())), sorted(flags[i])))
    t0 = time.perf_counter()
    aggregates = _aggregate(examples, cfg)
    timings["bootstrap"] = round(time.perf_counter() - t0, 6)
    audit = _audit(metric_objs, cfg, ids, predictions, references)
    if audit is not None and audit.warning:
        warnings.warn(f"tokenisation audit: {audit.warning}", TokenisationWarning, stacklevel=4)
    all_counts = {
        "examples": n,
        "empty_predictions": sum(
            1 for e in examples if EMPTY_FLAG in e.flags and e.id not in reasons
        ),
        "missing_scored_zero": sum(1 for r in reasons.values() if r == MISSING_FLAG),
        "system_failures": sum(1 for r in reasons.values() if r == FAILURE_FLAG),
        "exact_copies": sum(1 for e in examples if COPY_FLAG in e.flags),
        **(counts or {}),
    }
    timings["total"] = round(time.perf_counter() - started, 6)
    return RunResult(
        signature=build_signature(metric_objs, cfg, fingerprint),
        dataset=dataset_name,
        dataset_fingerprint=fingerprint,
        split=split,
        system=system,
        system_config=dict(system_config or {}),
        aggregates=aggregates,
        examples=examples,
        audit=audit,
        failures=dict(sorted((failures or {}).items())),
        counts=dict(sorted(all_counts.items())),
        meta={
            "timings_s": timings,
            "host": platform.node(),
            "platform": platform.platform(),
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "versions": {**_versions(), **_backends(metric_objs)},
            "eval_config": cfg.model_dump(mode="json"),
        },
    )


def check_known_ids(
    predictions: Iterable[str], known: set[str], where: str, source: str | None = None
) -> None:
    """Refuse predictions for ids that ``where`` (a split of a dataset) does not have.

    Shared by ``sumbench evaluate`` and the ``file:`` system of ``sumbench run``, so
    both paths refuse the same files with the same message.
    """
    extra = sorted(set(predictions) - known)
    if extra:
        raise InputError(
            f"{len(extra)} prediction id(s) are not in {where}: {preview(extra)} "
            "(predictions for another split or dataset?)",
            path=source,
            field="id",
        )


def check_text_sizes(ids: Sequence[str], predictions: Sequence[str],
                     references: Sequence[Sequence[str]], limit: int) -> None:
    """Refuse, before any scoring, a prediction or reference longer than ``limit`` characters."""
    for ex_id, pred, refs in zip(ids, predictions, references, strict=True):
        for what, text in [("prediction", pred), *(("reference", r) for r in refs)]:
            if len(text) > limit:
                raise InputError(
                    f"example '{ex_id}': the {what} has {len(text):,} characters, over the "
                    f"scoring limit of {limit:,} (raise it with --max-text-chars, or "
                    "EvalConfig(max_text_chars=...))")


def evaluate_predictions(
    examples: Sequence[Example],
    predictions: Mapping[str, str],
    *,
    config: EvalConfig | None = None,
    dataset_name: str = "",
    fingerprint: str = "",
    split: str = "test",
    system: str = "system",
    system_config: dict[str, Any] | None = None,
    failures: Mapping[str, str] | None = None,
    metrics: Sequence[Metric] | None = None,
    source: str | None = None,
) -> RunResult:
    """Score ``predictions`` (id -> summary) against ``examples`` of one split.

    Extra ids are an error; missing ids are an error unless ``config.missing`` is
    ``'zero'``; ids in ``failures`` (the runner's id -> reason) score 0 and are
    listed. ``source`` (the predictions file) only sharpens error messages.
    """
    cfg = config_or_default(config)
    ids = [ex.id for ex in examples]
    seen: set[str] = set()
    for ex_id in ids:
        if ex_id in seen:
            raise InputError(f"dataset '{dataset_name}' split '{split}' has duplicate id '{ex_id}'")
        seen.add(ex_id)
    failures = dict(failures or {})
    where = f"split '{split}' of dataset '{dataset_name or 'unnamed'}'"
    unknown_failures = sorted(set(failures) - seen)
    if unknown_failures:
        raise InputError(f"failures name ids not in {where}: {preview(unknown_failures)}")
    check_known_ids(predictions, seen, where, source)
    missing = [i for i in ids if i not in predictions and i not in failures]
    if missing and cfg.missing == "error":
        raise InputError(
            f"{len(missing)} of {len(ids)} examples in {where} have no prediction: "
            f"{preview(missing)}; use missing='zero' (--missing zero) to score them 0, "
            "flagged and counted",
            path=source,
            field="id",
        )
    reasons = {i: MISSING_FLAG for i in missing}
    reasons.update({i: FAILURE_FLAG for i in failures})
    texts = ["" if i in reasons else predictions[i] for i in ids]
    return score_items(
        ids,
        texts,
        [ex.references for ex in examples],
        [ex.document for ex in examples],
        config=cfg,
        metrics=metrics,
        reasons=reasons,
        dataset_name=dataset_name,
        fingerprint=fingerprint,
        split=split,
        system=system,
        system_config=system_config,
        failures=failures,
    )


def evaluate_dataset(
    dataset: str | Path,
    predictions: str | Path,
    *,
    split: str = "test",
    config: EvalConfig | None = None,
    system: str | None = None,
    expect_fingerprint: str | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> RunResult:
    """Evaluate a predictions file against an exported sumbench dataset directory.

    The Python twin of ``sumbench evaluate``; ``limits`` bounds each predictions row.
    """
    from benchmark.dataset.folder import load_dataset_dir, resolve_dataset

    path = resolve_dataset(dataset)
    loaded = load_dataset_dir(path)
    if split not in loaded.splits:
        raise InputError(
            f"no split '{split}' (available: {', '.join(sorted(loaded.splits))})",
            path=path,
            field="split",
        )
    preds = read_predictions_file(predictions, limits=limits)
    check_fingerprint(
        expect_fingerprint,
        loaded.fingerprint,
        source="--expect-fingerprint",
        who="expected",
        dataset=loaded.name,
    )
    check_fingerprint(preds.fingerprint, loaded.fingerprint, source=preds.path, dataset=loaded.name)
    return evaluate_predictions(
        loaded.splits[split],
        preds.predictions,
        config=config,
        dataset_name=loaded.name,
        fingerprint=loaded.fingerprint,
        split=split,
        system=system or Path(predictions).stem,
        system_config={"predictions": Path(predictions).name},
        source=preds.path,
    )
