"""``sumbench calibrate``: measure a system's run-to-run noise and propose gate settings."""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path
from typing import Any

import click

from benchmark.cli.check import METHOD_CHOICES
from benchmark.cli.scoring_options import config_from_options, scoring_options
from benchmark.cli.systems import load_plugin_options, plugin_option

DEFAULT_METRICS = ("rouge",)


@click.command("calibrate")
@click.option("--dataset", required=True, type=click.Path(path_type=Path),
              help="An exported sumbench dataset folder (or a name under data/, e.g. seeds).")
@click.option("--system", required=True, metavar="SPEC",
              help="The system to calibrate, as for `sumbench run --system`.")
@plugin_option
@click.option("--split", default="test", show_default=True, help="Split to run on ('all').")
@click.option("--limit", type=int, default=None, help="Only the first N examples.")
@click.option("--runs", type=click.IntRange(min=2), default=5, show_default=True,
              help="Runs of a stochastic system (a deterministic one stops after 2).")
@click.option("--check-metric", "check_metrics", multiple=True, metavar="NAME",
              help="Per-example metric the gate checks; repeatable "
                   "[default: rouge1_f, rouge2_f, rougeL_f].")
@click.option("--method", type=click.Choice(METHOD_CHOICES), default="paired-bootstrap",
              show_default=True, help="Paired test, as in `sumbench check`.")
@click.option("--timeout", type=float, default=None, metavar="SECONDS",
              help="Per batch, as in `sumbench run`.")
@click.option("--progress/--no-progress", default=None,
              help="Progress bars on stderr [default: a bar on a terminal, a plain line "
                   "every 10 s in a log].")
@click.option("--json", "as_json", is_flag=True, help="Print the calibration as JSON.")
@scoring_options(DEFAULT_METRICS)
def command(dataset: Path, system: str, plugins: tuple[str, ...], split: str,
            limit: int | None, runs: int, check_metrics: tuple[str, ...], method: str,
            timeout: float | None, progress: bool | None, as_json: bool,
            **scoring: Any) -> None:
    """Measure how much SYSTEM's scores move between runs and propose --min-delta and
    --alpha for `sumbench check`, so the gate never fails on noise.

    The system runs twice without the cache. Identical outputs: it is deterministic,
    its noise is zero, and the proposal is check's default min-delta (0.5). Otherwise
    it runs --runs times, every pair of runs goes through check's paired test, and
    min-delta is raised above the largest run-to-run change (and 3 x sqrt(2) x the SD
    of the run means). Then candidates with a growing share of outputs cut in half
    are checked with the proposal: the report shows the smallest drop it catches.

    \b
    Example:
      sumbench calibrate --dataset xsum --system lead-3
      sumbench calibrate --dataset out/seeds --system cmd:"python my_sum.py" --runs 5
    """
    from benchmark.evaluation.evaluate import TokenisationWarning
    from benchmark.reports.calibrate import calibrate
    from benchmark.reports.check import DEFAULT_METRICS as CHECKED

    load_plugin_options(plugins)
    config = config_from_options(DEFAULT_METRICS, **scoring)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TokenisationWarning)
        result = calibrate(dataset, system, split=split, runs=runs, limit=limit,
                           metrics=list(check_metrics) or list(CHECKED), scoring=config,
                           method=method, seed=scoring["seed"], timeout=timeout,
                           progress=("lines" if not sys.stderr.isatty() else True)
                           if progress is None else progress)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, sort_keys=True))
    else:
        click.echo(result.to_text(), nl=False)
