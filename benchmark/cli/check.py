"""``sumbench check``: the regression gate for CI (exit 0 pass, 1 regressed, 2 refused)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import cast

import click

METHOD_CHOICES = ("paired-bootstrap", "approximate-randomization")


@click.command("check")
@click.option("--baseline", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Stored result JSON of the current model (from `sumbench run`/`evaluate`); "
                   "- reads standard input.")
@click.option("--candidate", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Result JSON of the new model, scored the same way on the same examples; "
                   "- reads standard input.")
@click.option("--metric", "metrics", multiple=True, metavar="NAME",
              help="Per-example metric to check; repeat for several "
                   "[default: rouge1_f, rouge2_f, rougeL_f]. Examples that moved are "
                   "ranked on the first metric that regressed, else the first one.")
@click.option("--method", type=click.Choice(METHOD_CHOICES), default="paired-bootstrap",
              show_default=True, help="Paired significance test.")
@click.option("--alpha", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              default=0.05, show_default=True,
              help="Significance level after Holm correction over the metrics.")
@click.option("--min-delta", type=click.FloatRange(min=0), default=0.5, show_default=True,
              help="Smallest drop that fails, in points (ROUGE x100); significant drops "
                   "below it only warn.")
@click.option("--top", type=click.IntRange(min=0), default=10, show_default=True,
              help="How many dropped and gained examples to list.")
@click.option("--junit", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write a JUnit XML report (one testcase per metric).")
@click.option("--markdown", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the Markdown summary to this file too (e.g. $GITHUB_STEP_SUMMARY).")
@click.option("--seed", type=int, default=12345, show_default=True,
              help="Seed of the paired test.")
def command(baseline: Path, candidate: Path, metrics: tuple[str, ...], method: str,
            alpha: float, min_delta: float, top: int, junit: Path | None,
            markdown: Path | None, seed: int) -> None:
    """Regression gate: is the --candidate run significantly worse than the --baseline?

    A metric fails when the paired test's Holm-adjusted p-value is below --alpha and
    the mean dropped by at least --min-delta points. Prints a Markdown summary naming
    the examples that moved most. Exit 0: no regression; 1: regressed; 2: refused
    (runs scored with different settings, on another dataset version or on other
    examples, or a bad file).
    """
    from benchmark.errors import OutputError
    from benchmark.evaluation.results import load_result
    from benchmark.evaluation.stats import PairedMethod
    from benchmark.files import write_text_atomic
    from benchmark.reports.check import DEFAULT_METRICS, check_runs

    report = check_runs(
        load_result(baseline), load_result(candidate),
        metrics=list(metrics) or list(DEFAULT_METRICS), method=cast("PairedMethod", method),
        alpha=alpha, min_delta=min_delta, seed=seed, top=top,
    )
    text = report.to_markdown()
    click.echo(text, nl=False)
    for path, body in ((junit, report.to_junit_xml()), (markdown, text)):
        if path is None:
            continue
        try:
            write_text_atomic(path, body)
        except OSError as exc:
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
        click.echo(f"wrote {path}", err=True)
    if not report.passed:
        sys.exit(1)
