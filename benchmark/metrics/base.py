"""The metric plug-in interface: adding a metric is one registered class.

A metric scores a batch of (prediction, references, document) triples and returns
one :class:`MetricOutput` per item. Its :meth:`Metric.signature` names every
setting that changes its numbers; the evaluator joins them into the run signature.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, TypeVar

from benchmark.errors import ConfigError


@dataclass
class MetricOutput:
    """One example's scores. Keys are flat names such as ``rouge1_f``."""

    scores: dict[str, float]
    per_reference: dict[str, list[float]] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)


class Metric:
    """Base class of every metric. Subclasses set ``name`` and implement ``score``."""

    name: ClassVar[str] = ""

    def signature(self) -> str:
        """Settings that change this metric's numbers, e.g. ``rouge:1,2|tok:unicode``."""
        return self.name

    def score(
        self,
        predictions: Sequence[str],
        references: Sequence[Sequence[str]],
        documents: Sequence[str] | None = None,
    ) -> list[MetricOutput]:
        """One output per item; ``documents`` (the sources) only for metrics that read them."""
        raise NotImplementedError


M = TypeVar("M", bound=type[Metric])

_METRICS: dict[str, type[Metric]] = {}


def register_metric(name: str) -> Callable[[M], M]:
    """Class decorator: register a :class:`Metric` subclass under ``name``."""

    def deco(cls: M) -> M:
        if name in _METRICS and _METRICS[name] is not cls:
            raise ConfigError(f"metric name '{name}' is registered twice")
        cls.name = name
        _METRICS[name] = cls
        return cls

    return deco


def available_metrics() -> dict[str, type[Metric]]:
    """Registered metrics by name (importing :mod:`benchmark.metrics` registers the built-ins)."""
    return dict(sorted(_METRICS.items()))


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small dicts and lists.

    Why: scoring 10,000 examples makes hundreds of thousands of containers, and the
    collector re-scanned them over and over (a third of ROUGE's scoring time, measured);
    nothing built there forms reference cycles. Nested and concurrent uses leave the
    collector as the outermost caller found it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
