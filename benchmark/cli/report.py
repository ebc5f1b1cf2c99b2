"""``sumbench report``: one offline HTML page with the leaderboard, tests and plots."""

from __future__ import annotations

import time
from pathlib import Path

import click


@click.command("report")
@click.argument("runs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The HTML file to write, e.g. report.html.")
@click.option("--overwrite", is_flag=True, help="Replace --out if it already exists.")
@click.option("--baseline", default="lead-3", show_default=True,
              help="System the others are tested against (skipped if absent and not given).")
@click.option("--alpha", type=float, default=0.05, show_default=True,
              help="Significance level after Holm correction.")
@click.option("--metric", default="rouge1_f", show_default=True,
              type=click.Choice(["rouge1_f", "rouge2_f", "rougeL_f", "rougeLsum_f"]),
              help="Metric of the per-example plots and the largest-differences table.")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True,
              help="Rows in the largest-differences table.")
def command(runs: tuple[Path, ...], out: Path, overwrite: bool, baseline: str, alpha: float,
            metric: str, top: int) -> None:
    """Write one self-contained HTML page about the runs in RUNS (result JSON files
    and/or folders of them, as `sumbench run` writes).

    The page shows the scoring signature and dataset fingerprint, every run's
    warnings (failures, copies, token audit), the leaderboard with 95% CIs and
    Holm-corrected paired tests against the baseline (as `sumbench leaderboard`),
    plots (mean scores with CI whiskers, per-example score distributions, summary
    length against score) and the examples where the two best systems differ most.
    It opens offline: inline CSS and SVG, no script. Same runs give the same bytes.
    Needs matplotlib: pip install 'sumbench[report]'.
    """
    from benchmark.reports.html import check_report_target, load_run_inputs, write_html_report

    check_report_target(out, overwrite=overwrite)
    start = time.perf_counter()
    loaded = load_run_inputs(runs)
    path = write_html_report([r for _, r in loaded], out, overwrite=overwrite,
                             sources={r.system: p.name for p, r in loaded},
                             baseline=baseline, alpha=alpha, metric=metric, top=top)
    click.echo(f"wrote {path} ({len(loaded)} runs, {path.stat().st_size // 1024} KiB) in "
               f"{time.perf_counter() - start:.1f} s", err=True)
