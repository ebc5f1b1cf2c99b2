"""``sumbench validate``: re-check an exported dataset folder (import-light: JSONL + pydantic)."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("validate")
@click.argument("path", metavar="DIR", type=click.Path(path_type=Path))
@click.option(
    "--deep", is_flag=True, help="Also compare the Parquet and hf/ copies with the JSONL (slower)."
)
def command(path: Path, deep: bool) -> None:
    """Re-validate the dataset folder DIR: every record against the schemas, ids and
    clusters unique across splits, the content fingerprint, and the expected files.
    Exits 0 when valid, 2 with the problems listed otherwise.
    """
    from benchmark.dataset.folder import validate_dataset_dir

    problems = validate_dataset_dir(path, deep=deep)
    if problems:
        click.echo(f"{path}: {len(problems)} problem(s)", err=True)
        for p in problems:
            click.echo(f"  {p}", err=True)
        sys.exit(2)
    click.echo(f"{path}: valid")
