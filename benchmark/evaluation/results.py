"""Reading, writing and summarising evaluation results (:class:`~benchmark.schema.RunResult`).

Why apart from the evaluator: the leaderboard, the regression check and the CLI
read results without needing the metrics; writes are atomic and key-sorted so the
same result always has the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from benchmark.errors import ConfigError, InputError
from benchmark.evaluation.predictions import read_text_strict
from benchmark.evaluation.signature import describe_differences
from benchmark.files import canonical_json, pretty_json, write_text_atomic
from benchmark.rows import is_stdin
from benchmark.schema import RunResult

if TYPE_CHECKING:
    from benchmark.evaluation.stats import PairedMethod, PairedResult


def preview(ids: Sequence[str], k: int = 5) -> str:
    """The first ``k`` ids, quoted, and how many more: for messages about many ids."""
    shown = ", ".join(f"'{i}'" for i in ids[:k])
    return shown + (f" and {len(ids) - k} more" if len(ids) > k else "")


def result_warnings(result: RunResult) -> list[str]:
    """Things a user must see next to the numbers: zero-scored items, copies, audit."""
    out: list[str] = []
    c = result.counts
    n = c.get("examples", len(result.examples))
    if c.get("missing_scored_zero"):
        out.append(f"{c['missing_scored_zero']} of {n} examples had no prediction "
                   "and scored 0 (missing=zero)")
    if c.get("system_failures"):
        out.append(f"{c['system_failures']} of {n} examples failed in the system and scored 0: "
                   + preview(sorted(result.failures)))
    if c.get("empty_predictions"):
        out.append(f"{c['empty_predictions']} of {n} predictions are empty and scored 0")
    if c.get("exact_copies"):
        out.append(f"{c['exact_copies']} of {n} predictions copy the document or a reference "
                   "verbatim")
    if result.audit is not None and result.audit.warning:
        out.append(f"TOKENISATION: {result.audit.warning}")
    return out


def write_result(result: RunResult, path: str | Path) -> None:
    """Write a result as pretty, key-sorted JSON, atomically."""
    write_text_atomic(path, pretty_json(result))


def load_result(path: str | Path) -> RunResult:
    """Read a result JSON back, with a clear error if it is not one."""
    text = read_text_strict(path)
    try:
        return RunResult.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(f"not a sumbench result: {first['msg']}",
                         path="<stdin>" if is_stdin(path) else path,
                         field=where or None) from None


def reproducible_part(result: RunResult) -> str:
    """The result as canonical JSON without ``meta``: equal across runs with equal inputs."""
    return canonical_json(result.model_dump(mode="json", exclude={"meta"}))


def compare_runs(
    baseline: RunResult,
    others: Sequence[RunResult],
    *,
    metric: str = "rouge1_f",
    method: PairedMethod = "paired-bootstrap",
    n_resamples: int = 1000,
    trials: int = 10000,
    seed: int = 12345,
    confidence: float = 0.95,
) -> dict[str, PairedResult]:
    """Paired tests of every run against ``baseline`` on one metric, Holm-adjusted.

    Why a check first: a paired test is only meaningful on the same examples scored
    the same way, so runs must share the signature and the example ids (matched by
    id, not by position).
    """
    from benchmark.evaluation.stats import compare_to_baseline

    base = {e.id: e.scores for e in baseline.examples}
    if not base:
        raise InputError(f"run '{baseline.system}' has no examples")
    series: dict[str, list[float]] = {}
    for run in others:
        if run.signature != baseline.signature:
            shown = describe_differences(baseline.signature, run.signature)
            raise ConfigError(f"runs '{baseline.system}' and '{run.system}' were scored with "
                              f"different settings ({shown})")
        mine = {e.id: e.scores for e in run.examples}
        if set(mine) != set(base):
            odd = sorted(set(mine) ^ set(base))
            raise InputError(f"runs '{baseline.system}' and '{run.system}' cover different "
                             f"examples: {preview(odd)}")
        if run.system in series or run.system == baseline.system:
            raise ConfigError(f"system '{run.system}' appears twice")
        if metric not in base[next(iter(base))] or any(metric not in s for s in mine.values()):
            raise ConfigError(f"metric '{metric}' is not in every example of '{run.system}'")
        series[run.system] = [mine[i][metric] for i in sorted(base)]
    ids = sorted(base)
    return compare_to_baseline(
        [base[i][metric] for i in ids], series, metric=metric, method=method,
        n_resamples=n_resamples, trials=trials, seed=seed, confidence=confidence,
    )
