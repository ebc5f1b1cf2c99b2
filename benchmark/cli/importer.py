"""``sumbench import``: an existing document/reference dataset -> a sumbench dataset folder."""

from __future__ import annotations

from pathlib import Path

import click

from benchmark.cli.build import license_option, parse_field_map, provenance_options
from benchmark.cli.read_limits import read_limit_options
from benchmark.errors import ConfigError
from benchmark.limits import ReadLimits


@click.command("import")
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="Output folder.")
@click.option(
    "--preset",
    type=click.Choice(["xsum", "cnn_dailymail", "multi_news", "wcep", "samsum"]),
    default=None,
    help="Columns of a known dataset (multi_news: documents split on '|||||'; wcep: the "
    "authors' JSONL with an 'articles' list). Without it, a table lacking the default "
    "columns is matched by its columns; the mapping used is printed.",
)
@click.option(
    "--document-field",
    default=None,
    help="Column with the document (text, or a list of texts for multi-doc) [document].",
)
@click.option(
    "--reference-field",
    default=None,
    help="Column with the reference (text, or a list of texts) [summary].",
)
@click.option(
    "--id-field",
    default=None,
    help="Column with a unique id (absent: ids are derived from the content) [id].",
)
@click.option(
    "--field-map",
    "field_map",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="Other columns: language=lang, published=date; repeatable.",
)
@click.option("--split-field", default=None, help="Column naming each row's split.")
@click.option(
    "--split",
    default="test",
    show_default=True,
    help="Split for every row when there is no --split-field (a saved DatasetDict "
    "keeps its own splits).",
)
@click.option(
    "--format",
    "input_format",
    type=click.Choice(["jsonl", "csv", "parquet", "hf", "xsum-human-eval"]),
    default=None,
    help="Input format (default: from the suffix; the XSum human-evaluation file is "
    "recognised by its first line).",
)
@click.option(
    "--predictions-out",
    type=click.Path(path_type=Path),
    default=None,
    help="xsum-human-eval: write each published system's outputs to DIR/<system>.jsonl "
    "(score them with --system file:DIR/<system>.jsonl).",
)
@click.option("--name", default=None, help="Dataset name (default: the output folder's name).")
@license_option
@provenance_options
@click.option("--skip-invalid", is_flag=True, help="Write bad rows to OUT/rejects.jsonl and go on.")
@click.option("--overwrite", is_flag=True, help="Replace an output folder holding another dataset.")
@read_limit_options
def command(
    input_path: Path,
    out: Path,
    preset: str | None,
    document_field: str | None,
    reference_field: str | None,
    id_field: str | None,
    field_map: tuple[str, ...],
    split_field: str | None,
    split: str,
    input_format: str | None,
    predictions_out: Path | None,
    name: str | None,
    license_: str | None,
    description: str | None,
    source_url: str | None,
    citation: str | None,
    skip_invalid: bool,
    overwrite: bool,
    limits: ReadLimits,
) -> None:
    """Import INPUT (JSONL, CSV, Parquet, a `datasets` folder from save_to_disk, the XSum
    human-evaluation file, or - for JSON lines on standard input) whose
    rows already pair a document with its reference(s). No grouping: each row becomes one
    example, exported with the same schemas, card and fingerprint as `sumbench build`.

    Examples: sumbench import cnn_dm.jsonl --out cnndm --preset cnn_dailymail;
    sumbench import xsum_human_eval.txt --out xsum50 --predictions-out xsum50-preds
    """
    from benchmark.dataset.importer import import_dataset

    if split_field is not None and split != "test":
        raise ConfigError("give either --split-field or --split, not both")
    report = import_dataset(
        input_path,
        out,
        field_map=parse_field_map(field_map) or None,
        document_field=document_field,
        reference_field=reference_field,
        id_field=id_field,
        name=name,
        split_field=split_field,
        split=split,
        input_format=input_format,
        skip_invalid=skip_invalid,
        overwrite=overwrite,
        license=license_ or "unknown",
        preset=preset,
        predictions_out=predictions_out,
        description=description or "",
        source_url=source_url or "",
        citation=citation or "",
        limits=limits,
    )
    click.echo(report.summary())
