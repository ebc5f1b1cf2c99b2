"""``sumbench score``: score plain parallel text files, outside any sumbench dataset."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import click

from benchmark.cli.evaluate import report, scoring_options
from benchmark.cli.scoring_options import config_from_options

DEFAULT_METRICS = ("rouge",)


def read_parallel(
    predictions: Path, references: tuple[Path, ...], documents: Path | None
) -> tuple[list[str], list[list[str]], list[str] | None]:
    """Read one item per line from every file; counts must match, references be non-empty."""
    from benchmark.errors import InputError
    from benchmark.evaluation.predictions import read_lines

    preds = read_lines(predictions)
    files = [(p, read_lines(p)) for p in references]
    if documents is not None:
        files.append((documents, read_lines(documents)))
    for path, lines in files:
        if len(lines) != len(preds):
            raise InputError(
                f"has {len(lines)} lines but {predictions} has {len(preds)}: parallel files "
                "need one line per item",
                path=path,
            )
    for path, lines in files[: len(references)]:
        for i, line in enumerate(lines, start=1):
            if not line.strip():
                raise InputError("empty reference line", path=path, line=i)
    refs = [[lines[i] for _, lines in files[: len(references)]] for i in range(len(preds))]
    docs = files[-1][1] if documents is not None else None
    return preds, refs, docs


@click.command("score")
@click.option(
    "--references",
    "-r",
    required=True,
    multiple=True,
    type=click.Path(path_type=Path),
    help="Reference file, one reference per line; repeat for several references "
    "(- reads standard input).",
)
@click.option(
    "--predictions",
    "-p",
    required=True,
    type=click.Path(path_type=Path),
    help="System outputs, one per line, parallel to the references (- reads standard "
    "input).",
)
@click.option(
    "--documents",
    type=click.Path(path_type=Path),
    default=None,
    help="Optional source documents, one per line (needed by --metric lengths).",
)
@click.option("--system", default=None, help="System name in the result (default: file stem).")
@scoring_options(DEFAULT_METRICS)
def command(
    references: tuple[Path, ...],
    predictions: Path,
    documents: Path | None,
    system: str | None,
    as_json: bool,
    out: Path | None,
    **opts: Any,
) -> None:
    """Score PREDICTIONS (one summary per line) against one or more parallel
    REFERENCES files. Prints exact means with bootstrap confidence intervals and
    the signature. An empty prediction line scores 0 and is counted; a line-count
    mismatch is an error naming the files.

    \b
    Examples:
      sumbench score -r refs.txt -p outputs.txt
      python my_sum.py < docs.txt | sumbench score -r refs.txt -p -
      sumbench score -r m1.txt -r m2.txt -p peers.txt --multiref jackknife
      sumbench score -r m1.txt -r m2.txt -p peers.txt \\
          --rouge155 "-n 4 -m -a -l 100 -p 0.5 -c 95 -r 1000 -f A -t 0"
    """
    from benchmark.evaluation.texts import score as score_texts

    config = config_from_options(DEFAULT_METRICS, **opts)
    preds, refs, docs = read_parallel(predictions, references, documents)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # report() prints them, louder
        name = system or ("stdin" if str(predictions) == "-" else predictions.stem)
        result = score_texts(preds, refs, config=config, documents=docs, system=name)
    report(result, as_json=as_json, out=out, confidence=config.confidence)
