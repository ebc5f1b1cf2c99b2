"""The ``rouge155`` metric: ROUGE-1.5.5's per-evaluation scores without Perl."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from benchmark.errors import ConfigError, InputError
from benchmark.metrics.base import Metric, MetricOutput, register_metric
from benchmark.metrics.rouge155.options import Rouge155Options, parse_perl_options
from benchmark.metrics.rouge155.scoring import (
    Counts,
    combine,
    lcs_counts,
    ngrams,
    overlap_counts,
    prf,
    skip_bigrams,
    weighted_prf,
)
from benchmark.metrics.rouge155.text import ReadText, read_text

DEFAULT_OPTIONS = "-n 2 -m -f A -p 0.5"

_Counter = Callable[[ReadText, ReadText], Counts]


@register_metric("rouge155")
class Rouge155Metric(Metric):
    """ROUGE exactly as ROUGE-1.5.5.pl computes it, from a pasted Perl option string.

    Why: DUC/TAC-era papers report the Perl's numbers; reproducing them needs its
    tokenisation, stemmer, truncation and multi-reference formulas, not rouge-score's.
    Scores are the Perl's per-evaluation values (``-d``), i.e. rounded to 5 decimals.
    """

    def __init__(self, options: Rouge155Options | str = DEFAULT_OPTIONS) -> None:
        if isinstance(options, str):
            options = parse_perl_options(options)
        if not options.metric_names():
            raise ConfigError(
                "rouge155: these options compute no ROUGE measure (add -n N or drop -x)"
            )
        self.options = options

    def signature(self) -> str:
        """``rouge155:`` plus the canonical Perl options that change the numbers."""
        return f"rouge155:{self.options.perl_options()}"

    def _measures(self) -> list[tuple[str, _Counter, float | None]]:
        """(score-key prefix, per-reference counter, ROUGE-W weight) in the Perl's order."""
        o = self.options
        out: list[tuple[str, _Counter, float | None]] = []
        for n in range(1, (o.n or 0) + 1):
            out.append((f"rouge{n}", _ngram_counter(n), None))
        if o.lcs:
            out.append(("rougeL", lcs_counts, None))
        names = o.metric_names()
        if o.wlcs_weight is not None:
            weight = o.wlcs_weight
            out.append((names[len(out)], _wlcs_counter(weight), weight))
        if o.skip_distance is not None:
            dist = o.skip_distance
            for name in names[len(out) :]:
                out.append((name, _skip_counter(dist, name.startswith("rougeSU")), None))
        return out

    def score(
        self,
        predictions: Sequence[str],
        references: Sequence[Sequence[str]],
        documents: Sequence[str] | None = None,
    ) -> list[MetricOutput]:
        """Per-example R/P/F (keys ``<measure>_r/_p/_f``) and per-reference F values."""
        if len(predictions) != len(references):
            raise InputError(
                f"rouge155: {len(predictions)} predictions but {len(references)} reference lists"
            )
        measures = self._measures()
        outputs: list[MetricOutput] = []
        for index, (prediction, refs) in enumerate(zip(predictions, references, strict=True)):
            if not refs:
                raise InputError(
                    f"rouge155: example {index + 1} has no reference",
                    line=index + 1,
                    field="references",
                )
            peer = read_text(prediction, self.options)
            models = [read_text(ref, self.options) for ref in refs]
            scores: dict[str, float] = {}
            per_reference: dict[str, list[float]] = {}
            for name, counter, weight in measures:
                per_ref = [counter(model, peer) for model in models]
                total = combine(per_ref, self.options.formula)
                r, p, f = self._prf(total, weight)
                scores.update({f"{name}_r": r, f"{name}_p": p, f"{name}_f": f})
                per_reference[f"{name}_f"] = [self._prf(c, weight)[2] for c in per_ref]
            flags = ["empty_prediction"] if not peer.tokens else []
            outputs.append(MetricOutput(scores=scores, per_reference=per_reference, flags=flags))
        return outputs

    def _prf(self, counts: Counts, weight: float | None) -> tuple[float, float, float]:
        if weight is None:
            return prf(counts.hit, counts.model, counts.peer, self.options.alpha)
        return weighted_prf(counts, weight, self.options.alpha)


def _ngram_counter(n: int) -> _Counter:
    def count(model: ReadText, peer: ReadText) -> Counts:
        return overlap_counts(ngrams(model.tokens, n), ngrams(peer.tokens, n))

    return count


def _skip_counter(distance: int, unigrams: bool) -> _Counter:
    def count(model: ReadText, peer: ReadText) -> Counts:
        return overlap_counts(
            skip_bigrams(model.tokens, distance, unigrams),
            skip_bigrams(peer.tokens, distance, unigrams),
        )

    return count


def _wlcs_counter(weight: float) -> _Counter:
    def count(model: ReadText, peer: ReadText) -> Counts:
        return lcs_counts(model, peer, weight)

    return count
