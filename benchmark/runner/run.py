"""Run systems over a dataset: cached, resumable, failure-tolerant, then evaluated.

``run_systems`` is what ``sumbench run`` calls. For each system it (1) reads back the
predictions already in its on-disk cache (:mod:`benchmark.runner.cache`), (2) asks the
system only for the rest, batch by batch, checking every output and caching it the
moment it exists, (3) scores the predictions (``scoring``, an
:class:`~benchmark.evaluation.evaluate.EvalConfig`; default: the evaluator's defaults) and
writes ``<out>/<name>.json`` (a :class:`~benchmark.schema.RunResult`; names and the
folder lock: :mod:`benchmark.runner.outdir`), and finally writes
``<out>/_summary.json`` with what failed and why. What the scoring
profile changes besides the scores: :mod:`benchmark.runner.scoring`.

A crash, a hang (``timeout``), an empty string, a non-text value or a wrong number
of outputs is recorded for that example and the run goes on, unless ``fail_fast``.
Failed examples are retried on the next run; finished ones are never recomputed.
"""

from __future__ import annotations

import contextlib
import functools
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from benchmark.errors import ConfigError, SumbenchError
from benchmark.files import pretty_json, write_text_atomic
from benchmark.runner.cache import CachedPrediction, PredictionCache
from benchmark.runner.limits import FailureLimit, SystemVerdict
from benchmark.runner.outdir import locked, refuse_overwrites, result_stem, result_stems, slugify
from benchmark.runner.progress import LineProgress
from benchmark.schema import Example, RunResult
from benchmark.systems.adapters import resolve_system, system_label
from benchmark.systems.code import code_unknown
from benchmark.systems.registry import System

if TYPE_CHECKING:
    from benchmark.evaluation.evaluate import EvalConfig
from benchmark.systems.worker import (
    Worker,
    WorkerStartError,
    check_outputs,
    recipe_for,
    reuse_workers,
    stop_children,
)

CACHE_DIRNAME = ".cache"
SUMMARY_NAME = "_summary.json"


class SystemRunError(SumbenchError):
    """A system failed on an example and the run was told to stop (``fail_fast``)."""


@dataclass
class SystemPredictions:
    """One system's outcomes on the selected examples, in example order."""

    label: str
    slug: str
    system: System
    outcomes: dict[str, CachedPrediction] = field(default_factory=dict)
    computed: int = 0
    cached: int = 0
    #: what the user must know about this system's cache (a changed or unseen code)
    notes: list[str] = field(default_factory=list)

    @property
    def predictions(self) -> dict[str, str]:
        """Example id -> summary, for the examples that succeeded."""
        return {k: o.summary for k, o in self.outcomes.items() if o.summary is not None}

    @property
    def failures(self) -> dict[str, str]:
        """Example id -> why it failed."""
        return {k: o.failure for k, o in self.outcomes.items() if o.failure is not None}


def _call(fn: Callable[[], Any], timeout: float | None) -> Any:
    """``fn()``, abandoned after ``timeout`` seconds (a hung thread cannot be killed).

    Only for systems that cannot be rebuilt in a worker process (see
    :func:`benchmark.systems.worker.recipe_for`); the others are killed instead.
    """
    if timeout is None:
        return fn()
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed back to the caller below
            box["error"] = exc

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise TimeoutError(f"timed out after {timeout:g} s (call abandoned in a thread: this "
                           "system cannot be rebuilt in a worker process)")
    if "error" in box:
        raise box["error"]
    return box["value"]


def _predict_here(system: System, batch: Sequence[Example],
                  timeout: float | None) -> list[tuple[str | None, str | None]]:
    """Checked outputs of one batch computed in this process; exceptions become failures."""
    try:
        return check_outputs(_call(functools.partial(system.predict_batch, batch), timeout),
                             batch)
    except Exception as exc:
        reason = str(exc) if isinstance(exc, TimeoutError) else (
            f"crash: {type(exc).__name__}: {exc}")
        return [(None, reason)] * len(batch)


def _start(fn: Callable[[], Any]) -> Any:
    """``fn()``, where a worker that hangs while starting stops the run (a system failure)."""
    try:
        return fn()
    except WorkerStartError as exc:
        raise SystemRunError(str(exc)) from None


def _batches(items: Sequence[Example], size: int) -> Iterator[Sequence[Example]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def predict(
    system: System,
    examples: Sequence[Example],
    *,
    fingerprint: str,
    cache_dir: str | Path | None,
    label: str | None = None,
    slug: str | None = None,
    fail_fast: bool = False,
    timeout: float | None = None,
    progress: bool | Literal["lines"] = False,
    position: int = 0,
    stop: threading.Event | None = None,
) -> SystemPredictions:
    """Every example's outcome for ``system``, from the cache where possible.

    Each new outcome is appended (and fsynced) to the cache before the next batch
    starts, so an interruption loses nothing that finished. ``timeout`` bounds each
    batch: the system then runs in a worker process (:mod:`benchmark.systems.worker`)
    that is killed when a batch overruns, and the batch is recorded as timed out.
    Command and HTTP adapters keep their own timeouts; a system that cannot be rebuilt
    in a worker runs in a thread that is abandoned instead. Without ``timeout``
    everything runs in this process. KeyboardInterrupt and other BaseExceptions
    propagate; ordinary exceptions become failures.
    """
    from tqdm import tqdm

    label = label or system_label(system)
    run = SystemPredictions(label=label, slug=slug or result_stem(label), system=system)
    cache = None
    if cache_dir is not None and system.cacheable:
        cache = PredictionCache(cache_dir, run.slug, system.identity(), fingerprint)
        missed = cache.why_missed()
        if missed:
            run.notes.append(missed)
    stored = cache.load() if cache else {}
    wanted = {ex.id for ex in examples}
    run.outcomes = {k: v for k, v in stored.items() if k in wanted and v.failure is None}
    run.cached = len(run.outcomes)
    unseen = code_unknown(system.identity()) if cache else None
    if unseen:
        reused = (f"{run.cached} cached predictions were reused and may come from older code"
                  if run.cached else "cached predictions will be reused on the next run")
        run.notes.append(f"cannot tell whether the code changed ({unseen}): {reused}; give "
                         "#version=<something you change with the code> or use --no-cache")
    todo = [ex for ex in examples if ex.id not in run.outcomes]
    size = int(getattr(system.config, "batch_size", type(system).batch_size))
    if system.own_timeout:
        timeout = None  # cmd:/http: enforce their own timeouts and clean up after them
    recipe = recipe_for(system) if timeout is not None and todo else None
    with contextlib.ExitStack() as stack:
        worker: Worker | None = None
        if recipe is not None and timeout is not None:
            worker = stack.enter_context(Worker(system, recipe, timeout, label, stop))
        bar: Any = stack.enter_context(LineProgress(
            len(examples), run.cached, label[:40]) if progress == "lines" else tqdm(
            total=len(examples), initial=run.cached, desc=label[:40], unit="ex",
            position=position, file=sys.stderr, disable=not progress, leave=True,
            dynamic_ncols=True))
        for batch in _batches(todo, max(1, size)):
            if stop is not None and stop.is_set():
                raise KeyboardInterrupt  # another system's thread was interrupted
            if worker:
                _start(worker.ensure_started)  # not counted in any example's seconds
            start = time.perf_counter()
            checked = worker.predict(batch) if worker else _predict_here(system, batch, timeout)
            seconds = (time.perf_counter() - start) / len(batch)
            for ex, (summary, failure) in zip(batch, checked, strict=True):
                outcome = CachedPrediction(ex.id, summary, failure, seconds)
                if cache:
                    cache.append(outcome)
                run.outcomes[ex.id] = outcome
                run.computed += 1
                if failure and fail_fast:
                    raise SystemRunError(f"system '{label}' failed on example '{ex.id}': "
                                         f"{failure} (stopped by --fail-fast)")
            bar.update(len(batch))
    run.outcomes = {ex.id: run.outcomes[ex.id] for ex in examples}
    return run


# --------------------------------------------------------------------------- whole runs

#: Exit codes of ``sumbench run`` (pytest's convention: 1 = what was run failed).
EXIT_OK = 0
EXIT_SYSTEM_FAILED = 1
EXIT_USAGE = 2


@dataclass
class SystemRun:
    """A finished system: its outcomes, its scored result and where that was written."""

    predictions: SystemPredictions | None
    result: RunResult
    path: Path


@dataclass
class RunReport:
    """What :func:`run_systems` did: one entry per system (and the human ceiling)."""

    out: Path
    dataset: str
    fingerprint: str
    split: str
    n_examples: int
    systems: list[SystemRun]
    limit: FailureLimit = field(default_factory=FailureLimit)
    scoring: EvalConfig | None = None  # what every result was scored with
    advice: str | None = None  # the token audit's warning, with the options to pass

    def verdicts(self) -> list[SystemVerdict]:
        """One verdict per system that made predictions (not the human ceiling)."""
        out = []
        for run in self.systems:
            if run.predictions is None:
                continue
            failures = run.predictions.failures  # in example order
            first = next(iter(failures.items()), None)
            n = len(run.predictions.outcomes)
            out.append(SystemVerdict(run.result.system, len(failures), n,
                                     self.limit.allowed(n), first))
        return out

    @property
    def exit_code(self) -> int:
        """:data:`EXIT_OK` if every system is within the failure limit, else
        :data:`EXIT_SYSTEM_FAILED` (what ``sumbench run`` exits with)."""
        return EXIT_OK if all(v.ok for v in self.verdicts()) else EXIT_SYSTEM_FAILED

    def summary(self) -> dict[str, Any]:
        """Failures per system and the verdict, as written to ``_summary.json``."""
        verdicts = {v.system: v for v in self.verdicts()}
        rows = []
        for run in self.systems:
            failures = dict(sorted(run.result.failures.items()))
            row: dict[str, Any] = {"system": run.result.system, "file": run.path.name,
                                   "failed": len(failures), "failures": failures}
            if run.predictions is not None and run.predictions.notes:
                row["notes"] = run.predictions.notes
            if run.predictions is not None:
                row["cached"] = run.predictions.cached
                row["computed"] = run.predictions.computed
                row["allowed_failures"] = verdicts[run.result.system].allowed
                row["over_limit"] = not verdicts[run.result.system].ok
            rows.append(row)
        out = {"dataset": self.dataset, "dataset_fingerprint": self.fingerprint,
               "split": self.split, "examples": self.n_examples,
               "max_failures": str(self.limit), "exit_code": self.exit_code, "systems": rows}
        if self.systems:
            out["signature"] = self.systems[0].result.signature
        if self.scoring is not None:
            out["eval_config"] = self.scoring.model_dump(mode="json")
        if self.advice:
            out["audit_advice"] = self.advice
        return out


def select_examples(splits: dict[str, list[Example]], split: str,
                    limit: int | None = None) -> list[Example]:
    """The examples of ``split`` (``all``: every split, by name), at most ``limit``."""
    if split == "all":
        examples = [ex for name in sorted(splits) for ex in splits[name]]
    elif split in splits:
        examples = list(splits[split])
    else:
        sizes = ", ".join(f"{k} ({len(v)})" for k, v in sorted(splits.items()))
        raise ConfigError(f"dataset has no split '{split}'; it has: {sizes}, or use 'all'")
    if not examples:
        sizes = ", ".join(f"{k} ({len(v)})" for k, v in sorted(splits.items()))
        raise ConfigError(f"split '{split}' has no examples; splits: {sizes}, or use 'all'")
    if limit is not None:
        if limit < 1:
            raise ConfigError(f"--limit must be at least 1, got {limit}")
        examples = examples[:limit]
    return examples


def _run_meta(preds: SystemPredictions) -> dict[str, Any]:
    seconds = {k: round(o.seconds, 6) for k, o in preds.outcomes.items()}
    total = sum(seconds.values())
    return {
        "spec": preds.label,
        "identity": preds.system.identity(),
        "uses_references": preds.system.uses_references,
        "uses_reference_length": preds.system.uses_reference_length(),
        "predictions_cached": preds.cached,
        "predictions_computed": preds.computed,
        "seconds_total": round(total, 6),
        "seconds_mean": round(total / len(seconds), 6) if seconds else 0.0,
        "seconds_per_example": seconds,
    }


def run_systems(
    dataset: str | Path,
    specs: Sequence[str],
    *,
    out: str | Path,
    split: str = "test",
    limit: int | None = None,
    fail_fast: bool = False,
    jobs: int = 1,
    timeout: float | None = None,
    progress: bool | Literal["lines"] = False,
    human_ceiling: bool = True,
    use_cache: bool = True,
    max_failures: str | int | float | FailureLimit = 0,
    scoring: EvalConfig | None = None,
) -> RunReport:
    """Run every system spec over a dataset directory, evaluate, write one result each.

    Systems are resolved first (a bad spec fails before any work). With ``jobs`` > 1,
    systems marked ``parallel_safe`` run in threads side by side (useful for command
    and HTTP systems, which wait on other processes). Results go to
    ``<out>/<name>.json`` (:func:`~benchmark.runner.outdir.result_stem`; a file holding
    another system's result is never replaced), the cache to ``<out>/.cache/``, the
    failure summary to ``<out>/_summary.json``; ``<out>/.lock`` keeps a second run out
    (:class:`~benchmark.errors.ConfigError`). A ``file:`` system for another dataset or
    split is refused before any work, as ``evaluate`` refuses it. ``max_failures`` (a
    count, fraction or percentage per system) decides :attr:`RunReport.exit_code`; it
    never stops the run early. ``progress``: True draws a tqdm bar per system,
    ``"lines"`` prints a plain line every 10 s instead (for logs: no ``\r`` frames).
    ``scoring`` is what every result is scored with (default ``EvalConfig()``, the
    evaluator's defaults); if it sets a tokenizer profile field explicitly
    (``EvalConfig(tokenizer="unicode", language="ru")``), an oracle at
    ``tokenizer=auto`` selects with that profile instead (a separate cache entry). A
    token audit that finds letters dropped becomes :attr:`RunReport.advice` (and one
    :class:`~benchmark.evaluation.evaluate.TokenisationWarning`) naming the options to pass.
    """
    from benchmark.dataset.folder import load_dataset_dir
    from benchmark.runner.scoring import audit_advice, profile_chosen

    if not specs and not human_ceiling:
        raise ConfigError("no systems to run: give at least one --system")
    if jobs < 1:
        raise ConfigError(f"--jobs must be at least 1, got {jobs}")
    if timeout is not None and not timeout > 0:
        raise ConfigError(f"--timeout must be a positive number of seconds, got {timeout:g}")
    failure_limit = FailureLimit.parse(max_failures)
    from benchmark.evaluation.evaluate import EvalConfig, TokenisationWarning, make_metrics

    config = scoring if scoring is not None else EvalConfig()
    make_metrics(config)  # a bad metric or tokenizer profile fails before any prediction
    systems = [resolve_system(spec) for spec in specs]
    labels = [system_label(s) for s in systems]
    if profile_chosen(scoring):  # the oracle is an upper bound for this evaluation
        systems = [s.for_evaluation(config) for s in systems]
    dupes = sorted({x for x in labels if labels.count(x) > 1})
    if dupes:
        raise ConfigError(f"system given more than once: {', '.join(dupes)}")
    loaded = load_dataset_dir(dataset)
    examples = select_examples(loaded.splits, split, limit)
    whole_split = select_examples(loaded.splits, split)
    for system in systems:  # a predictions file for another dataset or split: stop here
        system.check_dataset(whole_split, fingerprint=loaded.fingerprint, dataset=loaded.name,
                             split=split)
    out = Path(out)
    slugs = result_stems(labels)
    with locked(out):  # one run per folder: no system called twice, one cache header
        refuse_overwrites(out, {f"{s}.json": x for s, x in zip(slugs, labels, strict=True)})
        done = _predict_all(systems, labels, slugs, examples, loaded.fingerprint,
                            cache_dir=out / CACHE_DIRNAME if use_cache else None, jobs=jobs,
                            fail_fast=fail_fast, timeout=timeout, progress=progress)
        report = RunReport(out, loaded.name, loaded.fingerprint, split, len(examples), [],
                           failure_limit, config)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", TokenisationWarning)  # one message for all, below
            _score_all(report, examples, done, config, human_ceiling)
        report.advice = audit_advice([r.result for r in report.systems], examples, config)
        if report.advice:
            warnings.warn(report.advice, TokenisationWarning, stacklevel=2)
        write_text_atomic(out / SUMMARY_NAME, pretty_json(report.summary()))
    return report


def _predict_all(systems: Sequence[System], labels: Sequence[str], slugs: Sequence[str],
                 examples: list[Example], fingerprint: str, *, cache_dir: Path | None,
                 jobs: int, fail_fast: bool, timeout: float | None,
                 progress: bool | Literal["lines"]) -> dict[int, SystemPredictions]:
    """Every system's predictions (:func:`predict`), ``parallel_safe`` ones side by side."""
    stop = threading.Event()
    parallel = [i for i, s in enumerate(systems) if jobs > 1 and s.parallel_safe]

    def one(i: int) -> SystemPredictions:
        # Bars of systems running side by side need their own terminal lines.
        position = parallel.index(i) if i in parallel else 0
        return predict(systems[i], examples, fingerprint=fingerprint, cache_dir=cache_dir,
                       label=labels[i], slug=slugs[i], fail_fast=fail_fast, timeout=timeout,
                       progress=progress, position=position, stop=stop)

    done: dict[int, SystemPredictions] = {}
    pool = ThreadPoolExecutor(max_workers=jobs) if parallel else None
    with reuse_workers():  # worker processes (--timeout) stay warm between systems
        try:
            futures = {i: pool.submit(one, i) for i in parallel} if pool else {}
            for i in range(len(systems)):
                if i not in futures:
                    done[i] = one(i)
            for fut in as_completed(futures.values()):
                fut.result()  # the first failure (or Ctrl-C) in any thread, as it happens
            done.update({i: fut.result() for i, fut in futures.items()})
        except BaseException:
            stop.set()  # tell the other threads to stop after their current batch
            stop_children()  # ... and end the cmd: batches they are waiting for now
            if pool:
                pool.shutdown(wait=True, cancel_futures=True)
            raise
    if pool:
        pool.shutdown()
    return done


def _score_all(report: RunReport, examples: list[Example], done: dict[int, SystemPredictions],
               config: EvalConfig, human_ceiling: bool) -> None:
    """Score and write every system's predictions (and the human ceiling) into ``report``."""
    from benchmark.evaluation.evaluate import evaluate_predictions
    from benchmark.evaluation.results import write_result

    out = report.out
    common: dict[str, Any] = {"config": config, "dataset_name": report.dataset,
                              "fingerprint": report.fingerprint, "split": report.split}
    for i in range(len(done)):
        preds = done[i]
        result = evaluate_predictions(
            examples, preds.predictions, system=preds.label,
            system_config=preds.system.identity()["config"], failures=preds.failures, **common,
        )
        result = result.model_copy(update={"meta": {**result.meta, "run": _run_meta(preds)}})
        path = out / f"{preds.slug}.json"
        write_result(result, path)
        report.systems.append(SystemRun(preds, result, path))
    if human_ceiling:
        from benchmark.systems.registry import get_ceiling

        evaluate_human_ceiling = get_ceiling("human")

        def score(exs: list[Example], preds: list[Any]) -> RunResult:
            return evaluate_predictions(exs, {p.id: p.summary for p in preds}, system="human",
                                        system_config={}, failures={}, **common)

        human = evaluate_human_ceiling(examples, score)
        if human is not None:
            human = human.model_copy(update={"meta": {**human.meta, "run": {
                "spec": human.system, "uses_references": True}}})
            path = out / f"{slugify(human.system)}.json"
            refuse_overwrites(out, {path.name: human.system})
            write_result(human, path)
            report.systems.append(SystemRun(None, human, path))
