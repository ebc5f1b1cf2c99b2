"""``sumbench leaderboard``: one table from stored runs, in four formats."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("leaderboard")
@click.argument("runs", type=click.Path(path_type=Path))
@click.option("--baseline", default="lead-3", show_default=True,
              help="System the others are tested against (skipped if absent and not given).")
@click.option("--format", "formats", default="md,csv,tex,json", show_default=True,
              help="Comma-separated files to write: md, csv, tex, json.")
@click.option("--out", "out", type=click.Path(path_type=Path), default=None,
              help="Folder for leaderboard.<fmt> files [default: the RUNS folder].")
@click.option("--alpha", type=float, default=0.05, show_default=True,
              help="Significance level after Holm correction.")
def command(runs: Path, baseline: str, formats: str, out: Path | None, alpha: float) -> None:
    """Print a leaderboard of the results in RUNS and write it as Markdown/CSV/LaTeX/JSON.

    Columns: ROUGE-1/2/L/Lsum F x100 with 95% bootstrap CIs, mean length, density.
    ▲/▼ mark a significant difference from the baseline (paired bootstrap, Holm-
    corrected over systems per metric). Systems that read the references (oracle,
    human leave-one-out) are listed apart as upper bounds.
    """
    from benchmark.reports.leaderboard import (
        build_leaderboard,
        load_runs,
        parse_formats,
        to_markdown,
        write_leaderboard,
    )

    wanted = parse_formats(formats)
    board = build_leaderboard(load_runs(runs), baseline, alpha=alpha)
    click.echo(to_markdown(board), nl=False)
    for path in write_leaderboard(board, out if out is not None else runs, wanted):
        click.echo(f"wrote {path}", err=True)
