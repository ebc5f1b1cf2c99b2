"""``sumbench demo``: the whole path on the bundled seed corpus, in one command."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import click

from benchmark.errors import ConfigError

#: The seed corpus beside the package in a source checkout (``pip install -e .``).
SEED_CORPUS = Path(__file__).resolve().parents[2] / "data" / "raw"


def run_demo(out: Path, corpus: Path = SEED_CORPUS, *, progress: bool = False) -> str:
    """Build ``corpus`` into ``out/seeds``, run every registered system plus the human
    ceiling on all of it into ``out/runs``, write ``out/leaderboard.*``; return the
    Markdown leaderboard.

    Why every split: the seed corpus is five articles, too few for a held-out test
    split to say anything; the demo shows the path, not a result.
    """
    from benchmark.dataset.build import build_dataset
    from benchmark.reports.leaderboard import (
        build_leaderboard,
        load_runs,
        to_markdown,
        write_leaderboard,
    )
    from benchmark.runner.run import run_systems
    from benchmark.systems.registry import available_systems

    if not corpus.is_dir():
        raise ConfigError(f"seed corpus not found at {corpus}; pass --corpus DIR")
    start = time.perf_counter()
    report = build_dataset(corpus, out / "seeds", overwrite=True)
    click.echo(f"[demo] built {report.name}: {sum(report.examples.values())} examples "
               f"from {report.articles_read} articles -> {out / 'seeds'}", err=True)
    specs = list(available_systems())
    click.echo(f"[demo] running {len(specs)} systems + human ceiling: {', '.join(specs)}",
               err=True)
    run_systems(out / "seeds", specs, out=out / "runs", split="all", progress=progress,
                human_ceiling=True)
    board = build_leaderboard(load_runs(out / "runs"), "lead-3")
    paths = write_leaderboard(board, out)
    click.echo(f"[demo] wrote {', '.join(p.name for p in paths)} to {out} "
               f"in {time.perf_counter() - start:.1f} s", err=True)
    return to_markdown(board)


@click.command("demo")
@click.option("--out", "out", type=click.Path(path_type=Path), default=None,
              help="Folder for the dataset, runs and leaderboard [default: a new temp folder].")
@click.option("--corpus", type=click.Path(path_type=Path), default=SEED_CORPUS,
              show_default=False, help="Raw corpus to build [default: the bundled data/raw seeds].")
@click.option("--progress/--no-progress", default=False, show_default=True,
              help="Progress bars on stderr.")
def command(out: Path | None, corpus: Path, progress: bool) -> None:
    """Build the bundled seed dataset, run every baseline, the oracle and the human
    ceiling on it, and print the leaderboard (well under a minute).

    Everything it writes stays in --out for a look afterwards: seeds/ (the dataset),
    runs/ (one result JSON per system), leaderboard.{md,csv,tex,json}.
    """
    target = out if out is not None else Path(tempfile.mkdtemp(prefix="sumbench-demo-"))
    click.echo(run_demo(target, corpus, progress=progress), nl=False)
