"""Calibrate the regression gate: how noisy is a system run to run, and which
``--min-delta``/``--alpha`` make ``sumbench check`` quiet on noise yet catch real drops?

Why: ``check`` fails when a drop is significant *and* at least ``min_delta`` points.
A stochastic system (sampling, an API at temperature > 0) moves between two runs of
the same model; a gate tighter than that noise flaps. A deterministic system does
not move at all, so only the statistics limit what the gate can see.

How:

1. The system runs twice (no cache). Identical outputs: deterministic, and run-to-run
   noise is zero. Otherwise it runs ``runs`` times and every pair of runs goes through
   the same paired test ``check`` uses; the noise floor is the larger of the biggest
   drop seen between two runs and 3 x sqrt(2) x the run-to-run SD of the mean (the SD
   of a difference of two runs, three times).
2. Proposal: ``min_delta`` = the noise floor rounded up to 0.1 point, never below
   ``check``'s default (0.5); ``alpha`` = 0.05, lowered to 0.01 (or 0.001) if two
   runs of the same system already differed significantly at the higher level.
3. Sensitivity, measured rather than assumed: candidates are made by giving a growing
   share of examples (seeded choice) another example's output, as a pipeline bug that
   misaligns outputs would; they are scored with the real metrics and checked against
   a run with the proposed settings. The smallest drop caught is the gate's
   resolution on this dataset. (Cutting outputs short is no test: shorter outputs
   often score higher F1 against short references.)
"""

from __future__ import annotations

import itertools
import math
import random
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

from benchmark.errors import ConfigError
from benchmark.evaluation.evaluate import EvalConfig, evaluate_predictions
from benchmark.evaluation.stats import PairedMethod
from benchmark.reports.check import DEFAULT_METRICS, check_runs, scale
from benchmark.schema import Example, RunResult

#: ``sumbench check``'s own default; calibration raises it only when noise demands.
DEFAULT_MIN_DELTA = 0.5
#: shares of examples given another example's output to make regressed candidates
DAMAGE_SHARES = (0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2)


@dataclass
class PairNoise:
    """Two runs of the same system through the gate's paired test, per metric."""

    runs: tuple[int, int]
    delta: dict[str, float]  # points, second minus first
    p_adjusted: dict[str, float]


@dataclass
class Sensitivity:
    """One damaged candidate: how much it dropped and whether the gate caught it."""

    share: float
    examples_damaged: int
    drop: dict[str, float]  # points, baseline minus candidate (positive = worse)
    caught: bool


@dataclass
class Calibration:
    """What ``sumbench calibrate`` measured and proposes."""

    system: str
    dataset: str
    split: str
    n: int
    metrics: list[str]
    runs: int
    deterministic: bool
    run_means: dict[str, list[float]]  # points, per metric, one per run
    pairs: list[PairNoise]
    noise_floor: float  # points
    min_delta: float
    alpha: float
    sensitivity: list[Sensitivity] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def smallest_caught(self) -> float | None:
        """The smallest drop (first metric, points) the proposed gate caught."""
        caught = [s.drop[self.metrics[0]] for s in self.sensitivity if s.caught]
        return min(caught) if caught else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {**asdict(self), "smallest_caught": self.smallest_caught}

    def command(self) -> str:
        """The ``check`` options this calibration proposes."""
        return f"--min-delta {self.min_delta:g} --alpha {self.alpha:g}"

    def to_text(self) -> str:
        """A short report: noise, proposal, and the drops the proposal catches."""
        first = self.metrics[0]
        kind = ("deterministic (two runs gave identical outputs)" if self.deterministic
                else f"stochastic ({self.runs} runs differ)")
        lines = [f"calibrate {self.system} on {self.dataset} [{self.split}], {self.n} examples",
                 f"system: {kind}"]
        for m in self.metrics:
            means = ", ".join(f"{x:.2f}" for x in self.run_means[m])
            lines.append(f"  {m}: run means {means}")
        if self.pairs:
            worst = max(self.pairs, key=lambda p: max(abs(d) for d in p.delta.values()))
            change = max(abs(d) for d in worst.delta.values())
            lines.append(f"run-to-run: largest change {change:.2f} points (runs "
                         f"{worst.runs[0] + 1} and {worst.runs[1] + 1}); smallest Holm p "
                         f"{min(min(p.p_adjusted.values()) for p in self.pairs):.3g}")
        lines.append(f"noise floor: {self.noise_floor:.2f} points")
        lines.append(f"proposed: sumbench check {self.command()}")
        lines.append(f"sensitivity ({first}; a share of examples given another example's "
                     "output):")
        lines.append("  share  examples   drop  caught")
        for s in self.sensitivity:
            lines.append(f"  {s.share:5.1%}  {s.examples_damaged:8d}  {s.drop[first]:5.2f}  "
                         f"{'yes' if s.caught else 'no'}")
        smallest = self.smallest_caught
        lines.append("smallest drop caught: " + (f"{smallest:.2f} points" if smallest is not None
                                                 else "none of the damaged candidates"))
        lines.extend(f"note: {n}" for n in self.notes)
        return "\n".join(lines) + "\n"


def _round_up(x: float, step: float = 0.1) -> float:
    return round(math.ceil(x / step - 1e-9) * step, 10)


def _damaged(predictions: dict[str, str], ids: Sequence[str], share: float,
             seed: int) -> tuple[dict[str, str], int]:
    """Give ``share`` of the examples (seeded choice) the output of the next example."""
    order = sorted(ids)
    k = min(max(1, round(share * len(order))), len(order))
    chosen = sorted(random.Random(seed).sample(range(len(order)), k))
    out = dict(predictions)
    for i in chosen:
        out[order[i]] = predictions[order[(i + 1) % len(order)]]
    return out, k


def propose(run_means: dict[str, list[float]], pairs: Sequence[PairNoise]) -> tuple[float, float,
                                                                                    float]:
    """(noise floor, min_delta, alpha) from the runs' means and their pairwise tests."""
    floor = 0.0
    for means in run_means.values():
        if len(means) > 1:
            floor = max(floor, 3 * math.sqrt(2) * statistics.stdev(means))
    for pair in pairs:
        floor = max(floor, *(abs(d) for d in pair.delta.values()))
    min_delta = max(DEFAULT_MIN_DELTA, _round_up(floor))
    alpha = 0.05
    smallest_p = min((p for pair in pairs for p in pair.p_adjusted.values()), default=1.0)
    for level in (0.01, 0.001):
        if smallest_p < alpha:
            alpha = level
    return floor, min_delta, alpha


def calibrate(dataset: str | Path, system: str, *, split: str = "test", runs: int = 5,
              limit: int | None = None, metrics: Sequence[str] = DEFAULT_METRICS,
              scoring: EvalConfig | None = None, method: str = "paired-bootstrap",
              seed: int = 12345, timeout: float | None = None,
              progress: bool | Literal["lines"] = False) -> Calibration:
    """Measure ``system``'s run-to-run noise on ``dataset`` and propose gate settings.

    The Python twin of ``sumbench calibrate`` (see the module docstring for the method).
    ``runs`` (at least 2) is how often a stochastic system runs; a deterministic one
    stops after two identical runs.
    """
    from benchmark.dataset.folder import load_dataset_dir, resolve_dataset
    from benchmark.runner.run import predict, select_examples
    from benchmark.systems.adapters import resolve_system, system_label

    if runs < 2:
        raise ConfigError(f"--runs must be at least 2 to see run-to-run noise, got {runs}")
    metrics = list(dict.fromkeys(metrics))
    config = scoring if scoring is not None else EvalConfig()
    sys_obj = resolve_system(system)
    label = system_label(sys_obj)
    loaded = load_dataset_dir(resolve_dataset(dataset))
    examples: list[Example] = select_examples(loaded.splits, split, limit)
    ids = [ex.id for ex in examples]

    def score(preds: dict[str, str], failures: dict[str, str], name: str) -> RunResult:
        return evaluate_predictions(examples, preds, config=config, dataset_name=loaded.name,
                                    fingerprint=loaded.fingerprint, split=split, system=name,
                                    failures=failures)

    outputs: list[tuple[dict[str, str], dict[str, str]]] = []
    for i in range(runs):
        done = predict(sys_obj, examples, fingerprint=loaded.fingerprint, cache_dir=None,
                       label=f"{label} run {i + 1}", timeout=timeout, progress=progress)
        outputs.append((done.predictions, done.failures))
        if i == 1 and outputs[0] == outputs[1]:
            break
    deterministic = all(o == outputs[0] for o in outputs[1:])
    results = [score(p, f, label) for p, f in outputs]
    for r in results:
        missing = [m for m in metrics if m not in r.aggregates]
        if missing:
            raise ConfigError(f"metric(s) {', '.join(missing)} not scored; scored: "
                              f"{', '.join(sorted(r.aggregates))}")
    run_means = {m: [r.aggregates[m].mean * scale(m) for r in results] for m in metrics}
    paired = cast("PairedMethod", method)
    pairs: list[PairNoise] = []
    if not deterministic:
        for i, j in itertools.combinations(range(len(results)), 2):
            rep = check_runs(results[i], results[j], metrics=metrics, method=paired,
                             min_delta=0.0, seed=seed, top=0)
            pairs.append(PairNoise((i, j), {c.metric: c.delta for c in rep.metrics},
                                   {c.metric: c.p_adjusted for c in rep.metrics}))
    floor, min_delta, alpha = propose(run_means, pairs)
    # a real candidate is compared with another run: under noise, not with itself
    base = results[1] if not deterministic else results[0]
    sensitivity: list[Sensitivity] = []
    preds0, fails0 = outputs[0]
    ok_ids = [i for i in ids if i in preds0]
    for share in DAMAGE_SHARES:
        damaged, k = _damaged(preds0, ok_ids, share, seed)
        cand = score(damaged, fails0, f"{label} damaged")
        rep = check_runs(base, cand, metrics=metrics, method=paired, alpha=alpha,
                         min_delta=min_delta, seed=seed, top=0)
        drop = {c.metric: -c.delta for c in rep.metrics}
        sensitivity.append(Sensitivity(share, k, drop, not rep.passed))
    notes = []
    if len(examples) < 30:
        notes.append(f"only {len(examples)} examples: the bootstrap is optimistic on so few; "
                     "calibrate on a larger split before trusting the numbers")
    if not deterministic and min_delta > 1.0:
        notes.append(f"run-to-run noise ({floor:.2f} points) hides drops below "
                     f"{min_delta:g} points: fix the system's seed or use more examples")
    return Calibration(label, loaded.name, split, len(examples), metrics, len(results),
                       deterministic, run_means, pairs, round(floor, 6), min_delta, alpha,
                       sensitivity, notes)
