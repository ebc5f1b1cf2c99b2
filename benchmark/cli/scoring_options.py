"""The scoring options (``--metric``, ``--tokenizer``, ``--language`` ...) of every command
that scores: ``sumbench evaluate``, ``score`` and ``run``.

Why one place: the commands must accept the same settings with the same defaults and
help, and turn them into the same :class:`~benchmark.evaluation.evaluate.EvalConfig`, or a score
from ``run`` and one from ``evaluate`` with "the same options" could differ.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

#: Parameter names the options below define (what ``**opts`` of a command receives).
SCORING_PARAMS = ("metrics", "tokenizer", "no_stem", "multiref", "rouge155", "language",
                  "n_resamples", "confidence", "seed", "max_text_chars")


def scoring_options(default_metrics: tuple[str, ...]) -> Callable[[F], F]:
    """Add the shared scoring options to a click command (metric, tokenizer, bootstrap ...)."""
    shown = ", ".join(default_metrics)
    opts = [
        click.option(
            "--metric", "metrics", multiple=True, metavar="NAME",
            help=f"Metric to compute; repeat for several (default: {shown}). "
            "Built-ins: rouge, rouge155, lengths; plug-ins as NAME or module:NAME.",
        ),
        click.option(
            "--tokenizer", default="rouge-score", show_default=True,
            help="ROUGE tokenizer profile: rouge-score (bit-compatible; keeps only a-z and "
            "0-9) or unicode (non-English text: pair it with --language).",
        ),
        click.option("--no-stem", is_flag=True, help="Turn off stemming."),
        click.option(
            "--multiref", default="max", show_default=True,
            type=click.Choice(["max", "mean", "pooled", "jackknife"]),
            help="How several references combine.",
        ),
        click.option(
            "--rouge155", metavar="OPTIONS", default=None,
            help="Use the ROUGE-1.5.5-compatible profile with these Perl options, e.g. "
            '"-n 4 -m -a -c 95 -r 1000 -f A -p 0.5 -t 0".',
        ),
        click.option(
            "--language", default=None, metavar="ISO",
            help="Language code for stemming and sentence splitting (e.g. ru, de).",
        ),
        click.option(
            "--bootstrap", "n_resamples", default=1000, show_default=True,
            type=click.IntRange(min=1), help="Bootstrap resamples for the CIs.",
        ),
        click.option(
            "--confidence", default=0.95, show_default=True,
            type=click.FloatRange(0, 1, min_open=True, max_open=True),
            help="Confidence level of the CIs.",
        ),
        click.option("--seed", default=12345, show_default=True, type=int,
                     help="Seed of the bootstrap."),
        click.option("--max-text-chars", default=100_000, show_default=True,
                     type=click.IntRange(min=1),
                     help="Longest prediction or reference scored; a longer one stops the "
                     "scoring with an error naming the example."),
    ]

    def deco(f: F) -> F:
        for opt in reversed(opts):
            f = opt(f)
        return f

    return deco


def _given(name: str) -> bool:
    """True unless option ``name`` took its default (no click context: assume given)."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return True
    source = ctx.get_parameter_source(name)
    return source is None or source is not click.core.ParameterSource.DEFAULT


def config_from_options(default_metrics: tuple[str, ...], **opts: Any) -> Any:
    """Turn the shared options into an :class:`~benchmark.evaluation.evaluate.EvalConfig`.

    Options left at their default are not passed, so the config's ``model_fields_set``
    says what the user chose (``run`` pins the oracle only to a profile chosen on purpose);
    the defaults are the config's own, identical to the options'.
    """
    from benchmark.evaluation.evaluate import make_config

    values = {
        "tokenizer": opts["tokenizer"],
        "stem": not opts["no_stem"],
        "multiref": opts["multiref"],
        "rouge155": opts["rouge155"],
        "language": opts["language"],
        "n_resamples": opts["n_resamples"],
        "confidence": opts["confidence"],
        "seed": opts["seed"],
        "max_text_chars": opts["max_text_chars"],
    }
    param = {"stem": "no_stem"}
    settings = {k: v for k, v in values.items() if _given(param.get(k, k))}
    if opts.get("missing", "error") != "error":
        settings["missing"] = opts["missing"]
    if opts.get("jobs", 1) != 1:
        settings["jobs"] = opts["jobs"]
    return make_config(metrics=list(opts["metrics"] or default_metrics), **settings)

