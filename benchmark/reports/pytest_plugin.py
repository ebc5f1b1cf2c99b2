"""A pytest helper for the regression gate: ``assert_no_regression(baseline, candidate)``.

Why a plain function rather than a registered plugin: a project's own test suite can
call it next to its other tests, with no pytest configuration, and the failure
message is the same Markdown summary ``sumbench check`` prints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmark.reports.check import CheckReport, check_runs
from benchmark.schema import RunResult

__all__ = ["assert_no_regression"]


def _load(run: str | Path | RunResult) -> RunResult:
    if isinstance(run, RunResult):
        return run
    from benchmark.evaluation.results import load_result

    return load_result(run)


def assert_no_regression(
    baseline_path: str | Path | RunResult,
    candidate_path: str | Path | RunResult,
    **opts: Any,
) -> CheckReport:
    """Fail (``AssertionError`` with the Markdown summary) when the candidate regressed.

    ``opts`` are :func:`benchmark.reports.check.check_runs` keywords (``metrics``, ``method``,
    ``alpha``, ``min_delta``, ``seed``, ``top``). Runs that cannot be compared raise
    the usual :class:`~benchmark.errors.SumbenchError` instead, so a broken set-up is
    not mistaken for a regression. Returns the report when the check passes.
    """
    report = check_runs(_load(baseline_path), _load(candidate_path), **opts)
    if not report.passed:
        raise AssertionError(report.to_markdown())
    return report
