"""``sumbench run``: run systems over a dataset (cached, resumable) and evaluate them."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import click

from benchmark.cli.scoring_options import config_from_options, scoring_options
from benchmark.cli.signals import EXIT_TERMINATED, Terminated, sigterm_as_interrupt
from benchmark.cli.systems import load_plugin_options, plugin_option

if TYPE_CHECKING:
    from benchmark.runner.run import RunReport


def _echo_reason(prefix: str, why: str, suffix: str = "", *, err: bool = False) -> None:
    """A failure reason: its first line, then up to 5 more (a stderr tail)."""
    lines = why.strip().splitlines() or [why]
    click.echo(f"{prefix}{lines[0]}{suffix}", err=err)
    for extra in lines[1:6]:
        click.echo(f"          {extra}", err=err)


def print_summary(report: RunReport) -> None:
    """The results on stdout: one line per system (score, failures, cache use), up to 3
    failure reasons, the signature; the token audit's advice (which options to pass)
    goes to stderr with the other diagnostics."""
    click.echo(f"{report.dataset} [{report.split}]: {report.n_examples} examples")
    for run in report.systems:
        res = run.result
        r1 = res.aggregates.get("rouge1_f")
        score = f"R1 {100 * r1.mean:.2f}" if r1 else "no score"
        cache = ""
        if run.predictions is not None:
            cache = f", {run.predictions.computed} computed, {run.predictions.cached} cached"
        click.echo(f"  {res.system}: {score}, {len(res.failures)} failed{cache} -> {run.path}")
        for note in run.predictions.notes if run.predictions is not None else []:
            if note.startswith("cannot tell"):  # the cache may hold an old model's output
                click.secho(f"      WARNING: {note}", fg="yellow", bold=True, err=True)
            else:
                click.echo(f"      note: {note}", err=True)
        by_reason: dict[str, list[str]] = {}
        for ex_id, why in sorted(res.failures.items()):
            by_reason.setdefault(why, []).append(ex_id)
        for why, ids in list(by_reason.items())[:3]:
            shown = ", ".join(ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")
            _echo_reason(f"      {len(ids)} x ", why, f"  [{shown}]")
        if len(by_reason) > 3:
            click.echo(f"      ... {len(by_reason) - 3} more reasons in "
                       f"{report.out / '_summary.json'}")
    if report.systems:
        click.echo(f"signature: {report.systems[0].result.signature}")
    if report.advice:
        click.secho(f"WARNING: {report.advice}", fg="yellow", bold=True, err=True)


def print_verdict(report: RunReport) -> None:
    """Why the run passes or fails: per failing system, how many failed and the first error."""
    verdicts = report.verdicts()
    bad = [v for v in verdicts if not v.ok]
    limit = report.limit
    if not bad:
        failed = sum(v.failed for v in verdicts)
        if failed:
            click.echo(f"ok: {failed} failed example(s), within --max-failures {limit}",
                       err=True)
        return
    click.echo(f"FAILED: {len(bad)} of {len(verdicts)} system(s) failed on more examples "
               f"than --max-failures {limit} allows:", err=True)
    for v in bad:
        click.echo(f"  {v.system}: {v.failed} of {v.examples} examples failed "
                   f"(allowed {v.allowed})", err=True)
        if v.first_failure is not None:
            ex_id, why = v.first_failure
            _echo_reason(f"      first: {ex_id}: ", why, err=True)


DEFAULT_METRICS = ("rouge", "lengths")
@click.command("run", epilog="Exit status: 0 = every system produced every prediction (or "
               "failed on no more examples than --max-failures allows); 1 = some system "
               "failed on more examples than that, or --fail-fast stopped the run; 2 = bad "
               "input or usage (unknown system, bad config, missing dataset or split); "
               "130 = interrupted (Ctrl-C), 143 = terminated (SIGTERM); either way the "
               "systems' processes are stopped and finished predictions stay cached.")
@click.option("--dataset", "dataset", required=True, type=click.Path(path_type=Path),
              help="An exported sumbench dataset folder (from `sumbench build` or `import`).")
@click.option("--system", "systems", multiple=True, metavar="SPEC",
              help="Repeatable. A registered name (lead-3, textrank, lead-k:k=2), "
                   "py:pkg.mod:func, cmd:'python my_sum.py', file:preds.jsonl or "
                   "http:BASE_URL#model=NAME; a System class takes its config as "
                   "py:mysys:MyClass#k=1. See docs/running.md.")
@plugin_option
@click.option("--split", default="test", show_default=True,
              help="Split to run on ('all' = every split).")
@click.option("--limit", type=int, default=None, help="Only the first N examples of the split.")
@click.option("--out", "out", default="runs", show_default=True, type=click.Path(path_type=Path),
              help="Where results (<system>.json), _summary.json and the cache (.cache/) go; "
                   "locked while the run writes.")
@click.option("--fail-fast", is_flag=True, help="Stop at the first failed example.")
@click.option("--jobs", type=int, default=1, show_default=True,
              help="Systems run side by side (threads; helps cmd:/http: systems).")
@click.option("--timeout", type=float, default=None, metavar="SECONDS",
              help="Per batch. Python systems (py:, built-ins) then run in a worker process "
                   "that is killed when a batch runs longer; the batch is recorded as timed "
                   "out and the run goes on. cmd:/http: use their own #timeout.")
@click.option("--max-failures", default="0", show_default=True, metavar="N|FRAC|PCT",
              help="Failed examples tolerated per system before the exit status is 1: "
                   "a count (3), a fraction (0.05) or a percentage (5%).")
@click.option("--human-ceiling/--no-human-ceiling", default=True, show_default=True,
              help="Also score references against each other (leave-one-out).")
@click.option("--no-cache", is_flag=True, help="Recompute everything; keep no cache.")
@click.option("--progress/--no-progress", default=None,
              help="A progress bar per system on stderr [default: a bar on a terminal; "
                   "in a log, a plain line every 10 s instead of bar frames].")
@scoring_options(DEFAULT_METRICS)
def command(dataset: Path, systems: tuple[str, ...], split: str, limit: int | None, out: Path,
            fail_fast: bool, jobs: int, timeout: float | None, max_failures: str,
            human_ceiling: bool, no_cache: bool, progress: bool | None, plugins: tuple[str, ...],
            **scoring: Any) -> None:
    """Run summarisation systems over a dataset, then score each one.

    Every prediction is cached the moment it exists (append-only, fsynced), keyed by
    the system's full config and code (module source, files a command names, or
    #version=), the example id and the dataset fingerprint: after Ctrl-C, SIGTERM or
    a kill, the same command resumes where it stopped; edited code is recomputed.
    One run at a time per --out folder (a lock); a result file holding another
    system's result is never overwritten. A system that crashes,
    hangs, returns empty or non-text output, or the wrong number of outputs, fails
    that example only (unless --fail-fast); failures score 0 and are listed, and
    the exit status is 1 if a system failed on more examples than --max-failures.

    Scoring takes the options of `sumbench evaluate` (--tokenizer, --language,
    --no-stem, --metric, --bootstrap ...), with the same defaults: non-English text
    needs e.g. --tokenizer unicode --language ru (the summary says so when the
    token audit finds letters dropped). Predictions are cached independently of
    scoring, except the oracle's: with a tokenizer option given, it selects with
    that profile (an upper bound for this evaluation) and is cached apart.

    \b
    Example:
      sumbench run --dataset out/seeds --system lead-3 --system textrank \\
        --system cmd:"python my_sum.py" --split all --out runs/
      sumbench run --dataset news-ru --system lead-3 --system oracle \\
        --tokenizer unicode --language ru
      sumbench run --dataset out/seeds --plugin ./mysys.py --system longest-k:k=2
    """
    from benchmark.evaluation.evaluate import TokenisationWarning
    from benchmark.runner.run import EXIT_SYSTEM_FAILED, SystemRunError, run_systems

    load_plugin_options(plugins)
    shown: bool | Literal["lines"] = progress if progress is not None else (
        True if sys.stderr.isatty() else "lines")
    config = config_from_options(DEFAULT_METRICS, **scoring)
    try:
        with sigterm_as_interrupt(), warnings.catch_warnings():
            warnings.simplefilter("ignore", TokenisationWarning)  # print_summary says it
            report = run_systems(dataset, systems, out=out, split=split, limit=limit,
                                 fail_fast=fail_fast, jobs=jobs, timeout=timeout,
                                 progress=shown, human_ceiling=human_ceiling,
                                 use_cache=not no_cache, max_failures=max_failures,
                                 scoring=config)
    except SystemRunError as exc:  # a system failed, not the user's input: exit 1, not 2
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_SYSTEM_FAILED)
    except KeyboardInterrupt as exc:
        if not no_cache:
            click.echo(f"\ninterrupted: finished predictions are cached in {out / '.cache'}; "
                       "run the same command again to resume", err=True)
        if isinstance(exc, Terminated):
            sys.exit(EXIT_TERMINATED)
        raise
    print_summary(report)
    click.echo(f"next: sumbench leaderboard {out}", err=True)
    print_verdict(report)
    if report.exit_code:
        sys.exit(report.exit_code)
