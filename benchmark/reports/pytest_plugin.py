"""The regression gate as a pytest plugin: a ``sumbench`` fixture, registered through the
``pytest11`` entry point, so installing sumbench is the whole set-up::

    def test_model_did_not_regress(sumbench):
        sumbench.assert_no_regression("runs/v1.json", "runs/v2.json", min_delta=1.3)

Why a fixture and not only a function: it needs no import in the test, and its
failure message is the Markdown summary ``sumbench check`` prints. The plugin is
loaded in *every* pytest run of an environment where sumbench is installed, so
importing this module costs nothing: the gate (pydantic, numpy) loads only when a
test asks for the fixture, and the plugin adds no option, hook or collection.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from benchmark.reports.check import CheckReport
    from benchmark.schema import RunResult

__all__ = ["SumbenchGate", "assert_no_regression", "sumbench"]


def _load(run: str | Path | RunResult) -> RunResult:
    from benchmark.evaluation.results import load_result
    from benchmark.schema import RunResult

    return run if isinstance(run, RunResult) else load_result(run)


class SumbenchGate:
    """What the ``sumbench`` fixture hands a test: ``check`` and ``assert_no_regression``.

    Both take result files (``sumbench run``/``evaluate`` JSON) or loaded results;
    keywords are :func:`benchmark.reports.check.check_runs`'s (``metrics``, ``method``,
    ``alpha``, ``min_delta``, ``seed``, ``top``): use ``sumbench calibrate`` to pick
    ``min_delta`` and ``alpha`` for your system.
    """

    def check(self, baseline: str | Path | RunResult, candidate: str | Path | RunResult,
              **opts: Any) -> CheckReport:
        """The gate's report, pass or fail (``report.passed``), without asserting."""
        from benchmark.reports.check import check_runs

        return check_runs(_load(baseline), _load(candidate), **opts)

    def assert_no_regression(self, baseline: str | Path | RunResult,
                             candidate: str | Path | RunResult, **opts: Any) -> CheckReport:
        """Fail the test (``AssertionError`` with the Markdown summary) on a regression.

        Runs that cannot be compared (other settings, dataset or examples) raise the
        usual :class:`~benchmark.errors.SumbenchError`, so a broken set-up is not
        mistaken for a regression. Returns the report when the check passes.
        """
        __tracebackhide__ = True  # pytest shows the test's line and the summary, not ours
        report = self.check(baseline, candidate, **opts)
        if not report.passed:
            raise AssertionError(report.to_markdown())
        return report


def assert_no_regression(baseline_path: str | Path | RunResult,
                         candidate_path: str | Path | RunResult, **opts: Any) -> CheckReport:
    """:meth:`SumbenchGate.assert_no_regression` as a plain function (no fixture needed)."""
    __tracebackhide__ = True
    return SumbenchGate().assert_no_regression(baseline_path, candidate_path, **opts)


@pytest.fixture
def sumbench() -> SumbenchGate:
    """The regression gate: ``sumbench.assert_no_regression(baseline, candidate)``."""
    return SumbenchGate()
