"""``sumbench evaluate``: score a predictions file against a sumbench dataset.

Also holds the result printer and the option set (the shared scoring options of
:mod:`benchmark.cli.scoring_options` plus ``--json``/``--out``) that ``sumbench score`` shares.
Heavy imports (the metrics, numpy) happen inside the command, so listing commands
stays fast.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from benchmark.cli.read_limits import read_limit_options
from benchmark.cli.scoring_options import config_from_options
from benchmark.cli.scoring_options import scoring_options as rouge_options
from benchmark.limits import ReadLimits

if TYPE_CHECKING:
    from benchmark.schema import RunResult

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["format_table", "report", "scoring_options"]


def scoring_options(default_metrics: tuple[str, ...]) -> Callable[[F], F]:
    """The shared scoring options plus ``--json`` and ``--out`` (evaluate and score)."""
    shared = rouge_options(default_metrics)
    as_json = click.option(
        "--json", "as_json", is_flag=True,
        help="Print the signature and aggregates as JSON instead of a table.",
    )
    out = click.option(
        "--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
        help="Write the full result (per-example scores, audit, meta) as JSON.",
    )

    jobs = click.option(
        "--jobs", default=1, show_default=True, type=click.IntRange(min=1),
        help="Processes that score the examples (never changes a number; pays from a few "
        "thousand examples up, on idle cores).",
    )

    def deco(f: F) -> F:
        return shared(as_json(out(jobs(f))))

    return deco


def _order(key: str) -> tuple[int, str]:
    return (0 if key.startswith("rouge") else 1, key)


def format_table(result: RunResult, confidence: float = 0.95) -> str:
    """Aggregates as an aligned text table: shares x 100, counts as they are."""
    from benchmark.metrics.loader import display_scale

    level = f"{confidence * 100:g}% CI"
    rows = [("metric", "mean", level, "n")]
    for key in sorted(result.aggregates, key=_order):
        agg = result.aggregates[key]
        s = display_scale(key)
        rows.append(
            (key, f"{agg.mean * s:.2f}", f"[{agg.low * s:.2f}, {agg.high * s:.2f}]", str(agg.n))
        )
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = [
        f"{r[0]:<{widths[0]}}  {r[1]:>{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]:>{widths[3]}}"
        for r in rows
    ]
    return "\n".join(lines)


def report(result: RunResult, *, as_json: bool, out: Path | None, confidence: float) -> None:
    """Print the table (or JSON) with the signature, warnings to stderr, write ``--out``."""
    from benchmark.evaluation.results import result_warnings, write_result

    for warning in result_warnings(result):
        click.secho(f"WARNING: {warning}", fg="yellow", bold=True, err=True)
    if as_json:
        payload = {
            "signature": result.signature,
            "system": result.system,
            "dataset": result.dataset,
            "counts": result.counts,
            "aggregates": {k: v.model_dump() for k, v in result.aggregates.items()},
        }
        click.echo(json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False))
    else:
        click.echo(format_table(result, confidence))
        engines = {k: v for k, v in result.meta.get("versions", {}).items()
                   if k.endswith("-backend")}
        if engines:  # which engine scored: never part of the signature (same numbers)
            click.echo("scored by: " + ", ".join(f"{k} {v}" for k, v in sorted(engines.items())))
        click.echo(f"signature: {result.signature}")
    if out is not None:
        write_result(result, out)
        click.echo(f"wrote {out}", err=True)


DEFAULT_METRICS = ("rouge", "lengths")


@click.command("evaluate")
@click.option(
    "--dataset",
    required=True,
    type=click.Path(path_type=Path),
    help="An exported sumbench dataset directory, or a dataset under data/ (e.g. seeds).",
)
@click.option("--split", default="test", show_default=True, help="Which split to score.")
@click.option(
    "--predictions",
    required=True,
    type=click.Path(path_type=Path),
    help='Predictions file: JSONL {"id": ..., "summary": ...}, CSV or Parquet; - reads '
    "JSON lines from standard input.",
)
@click.option("--system", default=None, help="System name in the result (default: file stem).")
@click.option(
    "--missing",
    type=click.Choice(["error", "zero"]),
    default="error",
    show_default=True,
    help="Examples without a prediction: stop with an error, or score 0 (flagged and counted).",
)
@click.option(
    "--expect-fingerprint",
    default=None,
    metavar="HEX",
    help="Refuse to score unless the dataset has this fingerprint (prefix).",
)
@scoring_options(DEFAULT_METRICS)
@read_limit_options
def command(
    dataset: Path,
    split: str,
    predictions: Path,
    system: str | None,
    expect_fingerprint: str | None,
    as_json: bool,
    out: Path | None,
    limits: ReadLimits,
    **opts: Any,
) -> None:
    """Score PREDICTIONS against a sumbench dataset split: ROUGE and length metrics
    per example, exact means with bootstrap confidence intervals, a tokenisation
    audit, and a signature naming every setting.

    \b
    Example:
      sumbench evaluate --dataset out/seeds --predictions lead3.jsonl --out lead3.json
    """
    from benchmark.evaluation.evaluate import evaluate_dataset

    config = config_from_options(DEFAULT_METRICS, **opts)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # report() prints them, louder
        result = evaluate_dataset(
            dataset,
            predictions,
            split=split,
            config=config,
            system=system or ("stdin" if str(predictions) == "-" else None),
            expect_fingerprint=expect_fingerprint,
            limits=limits,
        )
    report(result, as_json=as_json, out=out, confidence=config.confidence)
