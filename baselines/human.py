"""Human ceiling: how well the references agree with each other (leave-one-out).

For an example with k >= 2 references, each reference in turn is the "prediction"
and is scored against the other k - 1; the example's human score is the mean over
its k folds, and the leaderboard row ("human (leave-one-out)") is the mean over
examples with a bootstrap CI, like any system. Examples with one reference have no
ceiling and are left out (the count is recorded in ``meta``). Note the asymmetry:
systems are scored against all k references, humans against k - 1, which (with
rouge-score's max-over-references) slightly favours systems.

This is not a registered System: scoring a reference against a set that still
contains it would give 100. The runner calls :func:`evaluate_human_ceiling` (or
builds on :func:`human_ceiling_examples` and :func:`merge_folds`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from benchmark.errors import InputError
from benchmark.schema import Aggregate, Example, ExampleScore, Prediction, RunResult
from benchmark.systems.registry import register_ceiling

HUMAN_SYSTEM_NAME = "human (leave-one-out)"
FOLD_SEPARATOR = "::ref"


@dataclass(frozen=True)
class HeldOut:
    """One fold: reference ``fold`` of ``example_id`` scored against the others."""

    example_id: str
    fold: int
    prediction: str
    references: list[str]


def human_ceiling(examples: Sequence[Example]) -> list[HeldOut]:
    """Every leave-one-out fold of every multi-reference example, in input order."""
    folds: list[HeldOut] = []
    for ex in examples:
        if len(ex.references) < 2:
            continue
        for k, ref in enumerate(ex.references):
            others = [r for j, r in enumerate(ex.references) if j != k]
            folds.append(HeldOut(ex.id, k, ref, others))
    return folds


def fold_id(example_id: str, fold: int) -> str:
    """Id of a fold's derived example: ``<example id>::ref<k>``."""
    return f"{example_id}{FOLD_SEPARATOR}{fold}"


def human_ceiling_examples(examples: Sequence[Example]) -> tuple[list[Example], list[Prediction]]:
    """Folds as (Example, Prediction) pairs the evaluator scores like any system.

    Each derived example keeps the documents and drops the held-out reference (and
    its id and fragment statistics, which are parallel to the references).
    """
    out_ex: list[Example] = []
    out_pred: list[Prediction] = []
    by_id = {ex.id: ex for ex in examples}
    for fold in human_ceiling(examples):
        ex = by_id[fold.example_id]
        keep = [j for j in range(len(ex.references)) if j != fold.fold]
        fid = fold_id(ex.id, fold.fold)
        out_ex.append(ex.model_copy(update={
            "id": fid,
            "references": fold.references,
            "reference_ids": [ex.reference_ids[j] for j in keep if j < len(ex.reference_ids)],
            "fragments": [ex.fragments[j] for j in keep if j < len(ex.fragments)],
        }))
        out_pred.append(Prediction(id=fid, summary=fold.prediction))
    return out_ex, out_pred


def merge_folds(scores: Sequence[ExampleScore]) -> list[ExampleScore]:
    """Average fold scores back to one :class:`ExampleScore` per original example.

    Why: the bootstrap must resample examples, not folds (folds of one example are
    not independent). Flags are unioned; metrics missing from a fold are an error.
    """
    groups: dict[str, list[ExampleScore]] = defaultdict(list)
    for s in scores:
        base, sep, _ = s.id.rpartition(FOLD_SEPARATOR)
        if not sep:
            raise InputError(f"score id {s.id!r} is not a leave-one-out fold id", field="id")
        groups[base].append(s)
    merged: list[ExampleScore] = []
    for base in sorted(groups):
        group = groups[base]
        keys = sorted(group[0].scores)
        if any(sorted(g.scores) != keys for g in group):
            raise InputError(f"folds of {base!r} report different metrics", field="scores")
        merged.append(ExampleScore(
            id=base,
            scores={k: sum(g.scores[k] for g in group) / len(group) for k in keys},
            per_reference={"fold_" + k: [g.scores[k] for g in group] for k in keys},
            flags=sorted({f for g in group for f in g.flags}),
        ))
    return merged


def aggregate(
    scores: Sequence[ExampleScore],
    seed: int = 12345,
    n_resamples: int = 1000,
    confidence: float = 0.95,
) -> dict[str, Aggregate]:
    """Exact mean and seeded percentile-bootstrap CI of every metric, over examples."""
    from benchmark.evaluation.stats import bootstrap_cis

    keys = sorted(scores[0].scores)
    matrix = [[s.scores[k] for k in keys] for s in scores]
    cis = bootstrap_cis(matrix, n_resamples=n_resamples, confidence=confidence, seed=seed)
    n = len(scores)
    return {
        k: Aggregate(mean=sum(row[j] for row in matrix) / n, low=float(cis[j][0]),
                     high=float(cis[j][1]), n=n)
        for j, k in enumerate(keys)
    }


@register_ceiling("human")
def evaluate_human_ceiling(
    examples: Sequence[Example],
    evaluate: Callable[[list[Example], list[Prediction]], RunResult],
    seed: int = 12345,
) -> RunResult | None:
    """Score the human ceiling with the caller's evaluator; None if no example has 2+ refs.

    ``evaluate`` is the evaluator with the run's settings bound, e.g.
    ``lambda ex, pr: evaluate_predictions(ex, {p.id: p.summary for p in pr}, ...)``;
    its per-fold scores are merged per example and re-aggregated over examples with
    the bootstrap settings the evaluator recorded in ``meta["eval_config"]`` (else
    ``seed``, 1000 resamples, 95 %), so the row is comparable with the systems'.
    ``counts`` keeps the evaluator's per-fold counts, with ``examples`` set to the
    number of examples scored and ``folds`` added.
    """
    fold_examples, predictions = human_ceiling_examples(examples)
    if not fold_examples:
        return None
    run = evaluate(fold_examples, predictions)
    merged = merge_folds(run.examples)
    meta = dict(run.meta)
    meta["human_ceiling"] = {
        "folds": len(fold_examples),
        "examples": len(merged),
        "skipped_single_reference": sum(1 for ex in examples if len(ex.references) < 2),
    }
    failures = {fid.rpartition(FOLD_SEPARATOR)[0]: why for fid, why in run.failures.items()}
    recorded = meta.get("eval_config")
    boot: dict[str, Any] = recorded if isinstance(recorded, dict) else {}
    aggregates = aggregate(
        merged,
        seed=int(boot.get("seed", seed)),
        n_resamples=int(boot.get("n_resamples", 1000)),
        confidence=float(boot.get("confidence", 0.95)),
    ) if merged else {}
    counts = {**run.counts, "examples": len(merged), "folds": len(fold_examples)}
    return run.model_copy(update={
        "system": HUMAN_SYSTEM_NAME,
        "system_config": {"method": "leave-one-out", "seed": seed},
        "aggregates": aggregates,
        "examples": merged,
        "failures": failures,
        "counts": dict(sorted(counts.items())),
        "meta": meta,
    })
