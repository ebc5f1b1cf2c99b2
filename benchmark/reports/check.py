"""The regression gate: is a candidate run significantly worse than a stored baseline?

Why a module of its own: CI needs one yes/no answer from two stored results, with the
evidence a reviewer needs beside it (which metric, by how much, how sure, which
examples moved). The statistics are the evaluator's own paired tests
(:func:`benchmark.evaluation.results.compare_runs`), Holm-corrected over the metrics checked, so
checking three ROUGE variants does not triple the false-alarm rate. A drop must be
both significant and at least ``min_delta`` points to fail the gate, so a large test
set does not fail CI over a change nobody would notice.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from benchmark.errors import ConfigError, InputError
from benchmark.evaluation.results import compare_runs, preview, result_warnings
from benchmark.evaluation.signature import describe_differences
from benchmark.reports.markup import md_code, md_text
from benchmark.schema import RunResult

if TYPE_CHECKING:
    from benchmark.evaluation.stats import PairedMethod

DEFAULT_METRICS = ("rouge1_f", "rouge2_f", "rougeL_f")
METHODS: tuple[PairedMethod, ...] = ("paired-bootstrap", "approximate-randomization")

REGRESSED = "REGRESSED"
IMPROVED = "improved"
SMALL_DROP = "small drop (below min-delta)"
NO_CHANGE = "no significant change"
#: Below this many examples the report warns that the p-values are unreliable.
SMALL_N = 30


def scale(metric: str) -> float:
    """Factor to report a metric in points: ROUGE scores (0..1) x100, others as they are."""
    return 100.0 if metric.startswith("rouge") else 1.0


@dataclass
class MetricCheck:
    """The verdict on one metric; means and deltas in points (see :func:`scale`)."""

    metric: str
    baseline_mean: float
    candidate_mean: float
    delta: float
    low: float
    high: float
    p_value: float
    p_adjusted: float
    verdict: str

    @property
    def regressed(self) -> bool:
        """True when this metric fails the gate."""
        return self.verdict == REGRESSED

    def message(self) -> str:
        """One line for a CI log or a JUnit failure."""
        return (f"{self.metric}: {self.baseline_mean:.2f} -> {self.candidate_mean:.2f} "
                f"(delta {self.delta:+.2f} [{self.low:+.2f}, {self.high:+.2f}], "
                f"p={self.p_adjusted:.4g} Holm): {self.verdict}")


@dataclass
class MovedExample:
    """One example's score on the first metric in both runs, in points."""

    id: str
    baseline: float
    candidate: float
    delta: float


@dataclass
class MovedExamples:
    """The examples whose score on ``metric`` dropped (``drops``) or rose (``gains``) most."""

    metric: str
    drops: list[MovedExample] = field(default_factory=list)
    gains: list[MovedExample] = field(default_factory=list)
    n_dropped: int = 0
    n_gained: int = 0


@dataclass
class CheckReport:
    """Everything ``sumbench check`` decides and prints; ``passed`` is the gate."""

    baseline_system: str
    candidate_system: str
    signature: str
    n: int
    method: str
    alpha: float
    min_delta: float
    seed: int
    metrics: list[MetricCheck]
    moved: MovedExamples
    moved_by_metric: dict[str, MovedExamples] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """True unless some metric dropped significantly by at least ``min_delta``."""
        return not any(m.regressed for m in self.metrics)

    @property
    def regressed(self) -> list[str]:
        """Names of the metrics that failed the gate."""
        return [m.metric for m in self.metrics if m.regressed]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (for tools that post-process the check)."""
        return {**asdict(self), "passed": self.passed}

    def to_markdown(self) -> str:
        """A short Markdown summary for a CI log, PR comment or job summary."""
        status = "PASSED" if self.passed else "FAILED: " + md_text(", ".join(self.regressed))
        lines = [
            f"## sumbench check: {status}",
            "",
            f"Candidate {md_text(self.candidate_system)} vs baseline "
            f"{md_text(self.baseline_system)} on "
            f"{self.n} examples; {self.method}, seed {self.seed}, Holm-corrected over "
            f"{len(self.metrics)} metric(s), alpha {self.alpha:g}, min-delta "
            f"{self.min_delta:g} points.",
            "",
            f"Signature: {md_code(self.signature)}",
            "",
            "| metric | baseline | candidate | delta [95% CI] | p (Holm) | verdict |",
            "|---|---:|---:|---|---:|---|",
        ]
        for m in self.metrics:
            verdict = f"**{m.verdict}**" if m.regressed else m.verdict
            lines.append(f"| {md_text(m.metric)} | {m.baseline_mean:.2f} | "
                         f"{m.candidate_mean:.2f} | "
                         f"{m.delta:+.2f} [{m.low:+.2f}, {m.high:+.2f}] | "
                         f"{m.p_adjusted:.4g} | {verdict} |")
        mv = self.moved
        metric = md_text(mv.metric)
        for title, rows, total in (("dropped", mv.drops, mv.n_dropped),
                                   ("gained", mv.gains, mv.n_gained)):
            if not rows:
                lines += ["", f"{total} examples {title} on {metric} (not listed)."
                          if total else f"No example {title} on {metric}."]
                continue
            lines += ["", f"### Examples that {title} most on {metric} "
                          f"({len(rows)} of {total} shown)",
                      "", "| id | baseline | candidate | delta |", "|---|---:|---:|---:|"]
            lines += [f"| {md_text(r.id)} | {r.baseline:.2f} | {r.candidate:.2f} | "
                      f"{r.delta:+.2f} |"
                      for r in rows]
        for who, notes in self.warnings.items():
            lines += ["", f"Warnings ({md_text(who)}):", *[f"- {md_text(w)}" for w in notes]]
        return "\n".join(lines) + "\n"

    def to_junit_xml(self) -> str:
        """JUnit XML: one testcase per metric, a ``failure`` element where it regressed."""
        suite = ET.Element("testsuite", {
            "name": "sumbench check",
            "tests": str(len(self.metrics)),
            "failures": str(len(self.regressed)),
            "errors": "0",
            "skipped": "0",
        })
        classname = f"sumbench.check.{self.candidate_system}"
        for m in self.metrics:
            case = ET.SubElement(suite, "testcase", {"classname": classname, "name": m.metric})
            if m.regressed:
                fail = ET.SubElement(case, "failure", {"message": m.message(),
                                                      "type": "regression"})
                drops = self.moved_by_metric.get(m.metric, self.moved).drops
                ids = ", ".join(r.id for r in drops)
                fail.text = m.message() + (f"\nexamples that dropped most on {m.metric}: {ids}"
                                           if ids else "")
            else:
                ET.SubElement(case, "system-out").text = m.message()
        ET.SubElement(suite, "system-out").text = self.to_markdown()
        ET.indent(suite)
        body = ET.tostring(suite, encoding="unicode")
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def check_comparable(baseline: RunResult, candidate: RunResult, metrics: Sequence[str]) -> None:
    """Refuse runs a paired test cannot compare, naming what differs.

    Why before any statistics: a different tokenizer, dataset version or example set
    changes scores by itself, so a "regression" there would be meaningless.
    """
    if baseline.signature != candidate.signature:
        shown = describe_differences(baseline.signature, candidate.signature)
        raise ConfigError("baseline and candidate were scored with different settings "
                          f"({shown}); re-score both the same way before checking")
    if baseline.dataset_fingerprint != candidate.dataset_fingerprint:
        raise ConfigError("baseline and candidate were scored on different dataset versions "
                          f"({baseline.dataset_fingerprint} vs {candidate.dataset_fingerprint})")
    base_ids = [e.id for e in baseline.examples]
    cand_ids = {e.id for e in candidate.examples}
    if not base_ids:
        raise InputError("the baseline run has no examples")
    if set(base_ids) != cand_ids:
        only_b = sorted(set(base_ids) - cand_ids)
        only_c = sorted(cand_ids - set(base_ids))
        parts = [f"{len(only_b)} only in baseline ({preview(only_b)})" if only_b else "",
                 f"{len(only_c)} only in candidate ({preview(only_c)})" if only_c else ""]
        raise InputError("baseline and candidate cover different examples: "
                         + "; ".join(p for p in parts if p))
    for run, who in ((baseline, "baseline"), (candidate, "candidate")):
        for metric in metrics:
            missing = [e.id for e in run.examples if metric not in e.scores]
            if missing:
                known = sorted(run.examples[0].scores)
                raise ConfigError(f"metric '{metric}' is missing from the {who} run "
                                  f"(examples {preview(missing)}); it has: {', '.join(known)}")


def moved_examples(baseline: RunResult, candidate: RunResult, metric: str,
                   top: int) -> MovedExamples:
    """The ``top`` biggest drops and gains on ``metric``, ties broken by id."""
    factor = scale(metric)
    cand = {e.id: e.scores[metric] for e in candidate.examples}
    rows = [MovedExample(e.id, e.scores[metric] * factor, cand[e.id] * factor,
                         (cand[e.id] - e.scores[metric]) * factor)
            for e in baseline.examples]
    drops = sorted((r for r in rows if r.delta < 0), key=lambda r: (r.delta, r.id))
    gains = sorted((r for r in rows if r.delta > 0), key=lambda r: (-r.delta, r.id))
    return MovedExamples(metric, drops[:top], gains[:top], len(drops), len(gains))


def check_runs(
    baseline: RunResult,
    candidate: RunResult,
    *,
    metrics: Sequence[str] = DEFAULT_METRICS,
    method: PairedMethod = "paired-bootstrap",
    alpha: float = 0.05,
    min_delta: float = 0.5,
    seed: int = 12345,
    top: int = 10,
) -> CheckReport:
    """Test ``candidate`` against ``baseline`` on each metric and decide pass/fail.

    A metric regresses when its Holm-adjusted p-value (over ``metrics``) is below
    ``alpha`` and the candidate's mean is at least ``min_delta`` points lower
    (points: x100 for ROUGE scores). ``moved`` ranks examples on the first metric
    that regressed, else the first metric; ``moved_by_metric`` has every metric.
    Raises :class:`ConfigError` / :class:`InputError` when the runs are not
    comparable (signature, dataset or example ids differ).
    """
    from benchmark.evaluation.stats import holm

    metrics = list(dict.fromkeys(metrics))
    if not metrics:
        raise ConfigError("no metrics to check")
    if method not in METHODS:
        raise ConfigError(f"unknown paired test '{method}': use {' or '.join(METHODS)}")
    if not 0.0 < alpha < 1.0:
        raise ConfigError(f"alpha must be strictly between 0 and 1, got {alpha}")
    if min_delta < 0 or top < 0:
        raise ConfigError("min-delta and top must not be negative")
    check_comparable(baseline, candidate, metrics)
    # compare_runs refuses a run named like its baseline; v1 and v2 of a model usually are.
    renamed = candidate.model_copy(update={"system": f"{candidate.system} (candidate)"})
    tests = [next(iter(compare_runs(baseline, [renamed], metric=m, method=method,
                                    seed=seed).values())) for m in metrics]
    adjusted = holm([t.p_value for t in tests])
    checks: list[MetricCheck] = []
    for m, t, p_adj in zip(metrics, tests, adjusted, strict=True):
        f = scale(m)
        significant = p_adj < alpha
        if significant and t.delta < 0 and -t.delta * f >= min_delta - 1e-9:
            verdict = REGRESSED
        elif significant and t.delta < 0:
            verdict = SMALL_DROP
        elif significant and t.delta > 0:
            verdict = IMPROVED
        else:
            verdict = NO_CHANGE
        checks.append(MetricCheck(m, t.mean_a * f, t.mean_b * f, t.delta * f, t.low * f,
                                  t.high * f, t.p_value, p_adj, verdict))
    moved = {m: moved_examples(baseline, candidate, m, top) for m in metrics}
    shown = next((c.metric for c in checks if c.regressed), metrics[0])
    notes = {who: result_warnings(run) for who, run in (("baseline", baseline),
                                                        ("candidate", candidate))}
    if len(baseline.examples) < SMALL_N:
        notes["check"] = [f"only {len(baseline.examples)} examples: p-values from so few are "
                          "unreliable (the paired bootstrap is optimistic on small samples)"]
    return CheckReport(
        baseline_system=baseline.system, candidate_system=candidate.system,
        signature=baseline.signature, n=len(baseline.examples), method=method, alpha=alpha,
        min_delta=min_delta, seed=seed, metrics=checks,
        moved=moved[shown], moved_by_metric=moved,
        warnings={k: v for k, v in notes.items() if v},
    )
