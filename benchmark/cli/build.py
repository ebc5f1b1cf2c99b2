"""``sumbench build``: corpus of news articles -> validated, cluster-split dataset folder."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any, TypeVar

import click

from benchmark.cli.read_limits import read_limit_options
from benchmark.errors import ConfigError
from benchmark.limits import ReadLimits


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
    default=None,
    help="Licence for the dataset card (an SPDX id or Hub licence name) [unknown].",
)


F = TypeVar("F", bound=Callable[..., Any])


def provenance_options(fn: F) -> F:
    """--description, --source-url, --citation: what the card tells a reader about the data."""
    for option in reversed((
        click.option("--description", default=None,
                     help="First paragraph of the dataset card: what the data is."),
        click.option("--source-url", default=None,
                     help="Where the input came from (shown on the card)."),
        click.option("--citation", default=None,
                     help="How to cite the input (shown on the card)."),
    )):
        fn = option(fn)
    return fn


@click.command("build")
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option(
    "--out", "out", required=True, type=click.Path(path_type=Path), help="Output dataset folder."
)
@click.option(
    "--strategy",
    "strategies",
    multiple=True,
    type=click.Choice(["cross-lede", "multi-doc", "compression"]),
    help="Example strategy; repeat for several [cross-lede].",
)
@click.option("--seed", type=int, default=None, help="Seed of the split assignment [12345].")
@click.option("--name", default=None, help="Dataset name (default: the output folder's name).")
@click.option(
    "--field-map",
    "field_map",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="Map an input column to an article field, e.g. text=content; repeatable.",
)
@click.option(
    "--format",
    "input_format",
    type=click.Choice(["txt", "jsonl", "csv", "parquet", "hf"]),
    default=None,
    help="Input format (default: guessed from the path).",
)
@click.option(
    "--skip-invalid", is_flag=True, help="Write bad rows to OUT/rejects.jsonl instead of stopping."
)
@click.option(
    "--overwrite", is_flag=True, help="Replace an output folder holding a different dataset."
)
@click.option(
    "--chronological/--no-chronological",
    default=None,
    help="Split by each cluster's earliest date instead of by hash [no].",
)
@click.option(
    "--ratios",
    default=None,
    metavar="TRAIN,VALIDATION,TEST",
    help="Split ratios of clusters, summing to 1 [0.8,0.1,0.1].",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    default=None,
    help="YAML/JSON file with any BuildConfig setting (filters, group, ...); options given "
    "on the command line win.",
)
@click.option(
    "--profile",
    type=click.Choice(["default", "fast", "lexical"]),
    default=None,
    help="Grouping profile: default = TF-IDF, entities, dates, USE and e5 encoders; fast = "
    "without e5 (e5 is most of the CPU); lexical = no sentence encoder [default].",
)
@click.option(
    "--progress/--no-progress",
    default=True,
    show_default=True,
    help="Progress on stderr: a bar with rate and ETA on a terminal, a line every few "
    "seconds otherwise (logs, CI).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Run the build on a local Dask cluster of N single-threaded worker processes bound "
    "to 127.0.0.1 (needs sumbench[distributed]); same output bytes as without. The local "
    "build's encoder pool is group.workers in --config.",
)
@click.option(
    "--scheduler",
    default=None,
    metavar="tcp://HOST:PORT",
    help="Run the build on an existing Dask cluster (needs sumbench[distributed]).",
)
@click.option(
    "--partitions",
    type=click.IntRange(min=1),
    default=None,
    help="With --workers/--scheduler: partitions per step [2 x the cluster's threads]; "
    "never changes the output.",
)
@license_option
@provenance_options
@read_limit_options
def command(
    input_path: Path,
    out: Path,
    strategies: tuple[str, ...],
    seed: int | None,
    name: str | None,
    field_map: tuple[str, ...],
    input_format: str | None,
    skip_invalid: bool,
    overwrite: bool,
    chronological: bool | None,
    ratios: str | None,
    config_path: Path | None,
    profile: str | None,
    progress: bool,
    license_: str | None,
    description: str | None,
    source_url: str | None,
    citation: str | None,
    limits: ReadLimits,
    workers: int | None,
    scheduler: str | None,
    partitions: int | None,
) -> None:
    """Build a benchmark dataset from INPUT (a folder of .txt, JSONL, CSV, Parquet or a
    saved `datasets` dataset; - reads JSON lines, or CSV with --format csv, from standard
    input): ingest, clean, group near-duplicates, build examples,
    split by cluster and export (Parquet, JSONL, save_to_disk, card, schemas).

    Example: sumbench build data/raw --out data/seeds

    A large corpus: sumbench build crawl.jsonl --out bench --profile fast

    On Dask: sumbench build crawl.jsonl --out bench --workers 8 (or --scheduler
    tcp://HOST:8786); see docs/distributed.md.
    """
    from benchmark.dataset.build import build_config, build_dataset

    overrides: dict[str, Any] = {
        "name": name,
        "strategy": list(strategies) or None,
        "seed": seed,
        "chronological": chronological,
        "license": license_,
        "description": description,
        "source_url": source_url,
        "citation": citation,
        "profile": profile,
    }
    if ratios is not None:
        parts = ratios.split(",")
        try:
            values = [float(p) for p in parts]
        except ValueError:
            values = []
        if len(values) != 3:
            raise ConfigError(f"--ratios expects TRAIN,VALIDATION,TEST numbers, got {ratios!r}")
        overrides.update(zip(("train", "validation", "test"), values, strict=True))
    config = build_config(config_path, {k: v for k, v in overrides.items() if v is not None})
    if partitions is not None and workers is None and scheduler is None:
        raise ConfigError("--partitions needs --workers N or --scheduler ADDRESS (a Dask build)")
    with ExitStack() as stack:
        client = None
        if workers is not None or scheduler is not None:
            from benchmark.distributed.engine import dask_client

            client = stack.enter_context(dask_client(workers, scheduler))
        report = build_dataset(
            input_path,
            out,
            config,
            field_map=parse_field_map(field_map) or None,
            input_format=input_format,
            skip_invalid=skip_invalid,
            overwrite=overwrite,
            progress=progress,
            limits=limits,
            client=client,
            partitions=partitions,
        )
    click.echo(report.summary())
