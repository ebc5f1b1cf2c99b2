"""``sumbench build``: corpus of news articles -> validated, cluster-split dataset folder."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import cast

import click

from benchmark.errors import ConfigError


def parse_field_map(pairs: tuple[str, ...]) -> dict[str, str]:
    """``("text=content", ...)`` -> ``{"text": "content"}``; malformed items are a ConfigError."""
    out: dict[str, str] = {}
    for item in pairs:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ConfigError(f"--field-map expects OUR_FIELD=INPUT_COLUMN, got {item!r}")
        out[key.strip()] = value.strip()
    return out


#: shared by `build` and `import`
license_option = click.option(
    "--license",
    "license_",
    default="unknown",
    show_default=True,
    help="Licence for the dataset card (an SPDX id or Hub licence name).",
)


@click.command("build")
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option(
    "--out", "out", required=True, type=click.Path(path_type=Path), help="Output dataset folder."
)
@click.option(
    "--strategy",
    "strategies",
    multiple=True,
    default=("cross-lede",),
    show_default=True,
    type=click.Choice(["cross-lede", "multi-doc", "compression"]),
    help="Example strategy; repeat for several.",
)
@click.option("--seed", default=12345, show_default=True, help="Seed of the split assignment.")
@click.option("--name", default="", help="Dataset name (default: the output folder's name).")
@click.option(
    "--field-map",
    "field_map",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="Map an input column to an article field, e.g. text=content; repeatable.",
)
@click.option(
    "--skip-invalid", is_flag=True, help="Write bad rows to OUT/rejects.jsonl instead of stopping."
)
@click.option(
    "--overwrite", is_flag=True, help="Replace an output folder holding a different dataset."
)
@click.option(
    "--chronological",
    is_flag=True,
    help="Split by each cluster's earliest date instead of by hash.",
)
@license_option
def command(
    input_path: Path,
    out: Path,
    strategies: tuple[str, ...],
    seed: int,
    name: str,
    field_map: tuple[str, ...],
    skip_invalid: bool,
    overwrite: bool,
    chronological: bool,
    license_: str,
) -> None:
    """Build a benchmark dataset from INPUT (a folder of .txt, JSONL, CSV, Parquet or a
    saved `datasets` dataset): ingest, clean, group near-duplicates, build examples,
    split by cluster and export (Parquet, JSONL, save_to_disk, card, schemas).

    Example: sumbench build data/raw --out data/seeds
    """
    from benchmark.build import BuildConfig, build_dataset
    from benchmark.pairs import Strategy

    config = BuildConfig(
        name=name,
        strategy=[cast(Strategy, s) for s in strategies],
        seed=seed,
        chronological=chronological,
        license=license_,
    )
    report = build_dataset(
        input_path,
        out,
        config,
        field_map=parse_field_map(field_map) or None,
        skip_invalid=skip_invalid,
        overwrite=overwrite,
        progress=sys.stderr.isatty(),
    )
    click.echo(report.summary())
