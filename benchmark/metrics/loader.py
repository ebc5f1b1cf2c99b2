"""Finding and building metrics by name: built-ins, ``module:name`` plug-ins, entry points.

Why a separate module: the evaluator, the CLI tables and the leaderboard all need
to turn a metric name into a class (and know which score keys are counts rather
than shares) without importing every metric up front; ``rouge_score``-backed
metrics load only when named.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from importlib import metadata
from typing import Any, Protocol

from benchmark.errors import ConfigError
from benchmark.metrics.base import Metric, available_metrics

ENTRY_POINT_GROUP = "sumbench.metrics"

#: built-in metric name -> module whose import registers it
BUILTIN_METRICS: dict[str, str] = {
    "rouge": "benchmark.metrics.rouge",
    "rouge155": "benchmark.metrics.rouge155",
    "lengths": "benchmark.metrics.lengths",
}


class MetricSettings(Protocol):
    """The evaluation settings metrics are built from (EvalConfig has them)."""

    metrics: list[str]
    tokenizer: str
    stem: bool
    multiref: str
    rouge155: str | None
    language: str | None


def _load_entry_points() -> None:
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        ep.load()


def metric_class(name: str) -> type[Metric]:
    """Find a metric class by registered name, ``module:name``, or entry point.

    Why three ways: built-ins load by name; a user's plug-in is one class decorated
    with :func:`~benchmark.metrics.base.register_metric` in their own module
    (``--metric mypkg.metrics:bertscore``) or announced by an installed package in
    the ``sumbench.metrics`` entry-point group.
    """
    module, sep, reg = name.rpartition(":")
    if sep:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise ConfigError(f"cannot import metric module '{module}': {exc}") from None
    elif name in BUILTIN_METRICS:
        importlib.import_module(BUILTIN_METRICS[name])
    found = available_metrics()
    if reg not in found:
        _load_entry_points()
        found = available_metrics()
    if reg not in found:
        known = sorted({*found, *BUILTIN_METRICS})
        raise ConfigError(f"unknown metric '{name}' (available: {', '.join(known)})")
    return found[reg]


def metric_names(metrics: Sequence[str], rouge155: str | None) -> list[str]:
    """The metric names to run: duplicates dropped; ``rouge155`` options swap in that profile."""
    names = list(dict.fromkeys(metrics))
    if not names:
        raise ConfigError("no metric selected")
    if rouge155 is not None and "rouge155" not in names:
        names = ["rouge155" if n == "rouge" else n for n in names]
        if "rouge155" not in names:
            names.insert(0, "rouge155")
    return names


def build_metrics(settings: MetricSettings) -> list[Metric]:
    """Instantiate the configured metrics, passing each the settings it understands."""
    metrics: list[Metric] = []
    for name in metric_names(settings.metrics, settings.rouge155):
        cls: Any = metric_class(name)
        if cls.name == "rouge":
            metrics.append(cls(tokenizer=settings.tokenizer, stem=settings.stem,
                               multiref=settings.multiref, language=settings.language))
        elif cls.name == "rouge155":
            metrics.append(cls(options=settings.rouge155) if settings.rouge155 else cls())
        elif cls.name == "lengths":
            metrics.append(cls(language=settings.language or "en"))
        else:
            metrics.append(cls())
    return metrics


def display_scale(key: str) -> float:
    """100 for shares in [0, 1] (shown as percentages), 1 for counts and ratios.

    A metric class lists its unscaled keys in a ``raw_keys`` class attribute.
    """
    importlib.import_module(BUILTIN_METRICS["lengths"])
    for cls in available_metrics().values():
        if key in getattr(cls, "raw_keys", ()):
            return 1.0
    return 100.0
