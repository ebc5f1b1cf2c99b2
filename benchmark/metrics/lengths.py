"""Per-example descriptive metrics of a summary: length, extractiveness, novelty, flags.

Why beside ROUGE: a system can win ROUGE by writing longer outputs or by copying
the document; these numbers make that visible per example. Fragment statistics
are Newsroom's (Grusky et al., 2018), computed by
:func:`benchmark.metrics.fragments.fragment_stats` so the dataset card and the
evaluator use the same definition. Novel n-gram share is the share of the
summary's distinct n-grams (n = 1..4, lower-cased Unicode words) that never occur
in the document, as in See et al. (2017) and Narayan et al. (2018).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from benchmark.errors import ConfigError
from benchmark.metrics.base import Metric, MetricOutput, register_metric
from benchmark.metrics.fragments import fragment_stats, fragment_tokens
from benchmark.sentences import split_sentences

NOVEL_ORDERS = (1, 2, 3, 4)

EMPTY_FLAG = "empty-prediction"
COPY_FLAG = "exact-copy"


def is_empty(text: str) -> bool:
    """True for outputs with nothing but whitespace: they score 0 and are flagged."""
    return not text.strip()


def normalize_whitespace(text: str) -> str:
    """Collapse every whitespace run to one space and strip: the exact-copy comparison."""
    return " ".join(text.split())


def _ngrams(tokens: Sequence[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def novel_ngram_share(
    document_tokens: Sequence[str], summary_tokens: Sequence[str], n: int
) -> float:
    """Share of the summary's distinct n-grams absent from the document (0 if it has none)."""
    summary = _ngrams(summary_tokens, n)
    if not summary:
        return 0.0
    return len(summary - _ngrams(document_tokens, n)) / len(summary)


def is_exact_copy(prediction: str, document: str, references: Sequence[str]) -> bool:
    """True when a non-empty output equals the document or a reference up to whitespace.

    A copy of the document means the system did not summarise; a copy of a
    reference means it saw the answer (a leak). Either makes its scores meaningless.
    """
    pred = normalize_whitespace(prediction)
    if not pred:
        return False
    return pred == normalize_whitespace(document) or any(
        pred == normalize_whitespace(r) for r in references
    )


@register_metric("lengths")
class LengthsMetric(Metric):
    """Length, compression, Newsroom coverage/density and novel n-gram shares.

    Score keys: ``len_words``, ``len_sents``, ``compression`` (document words /
    summary words), ``coverage``, ``density``, ``novel_1`` .. ``novel_4``. Flags:
    ``empty-prediction``, ``exact-copy``. Undefined ratios (empty output) are 0.
    """

    #: keys that are counts or ratios, not shares in [0, 1]: shown unscaled in tables.
    raw_keys: ClassVar[frozenset[str]] = frozenset(
        {"len_words", "len_sents", "compression", "density"}
    )

    def __init__(self, language: str = "en") -> None:
        self.language = language

    def signature(self) -> str:
        """Names the word tokens and n-gram orders (sentences: the project splitter)."""
        return f"lengths:unicode-words|novel:{NOVEL_ORDERS[0]}-{NOVEL_ORDERS[-1]}"

    def score_one(self, prediction: str, references: Sequence[str], document: str) -> MetricOutput:
        """Every length/extractiveness number and flag for one output."""
        summary_tokens = fragment_tokens(prediction)
        document_tokens = fragment_tokens(document)
        frag = fragment_stats(document, prediction)
        scores = {
            "len_words": float(len(summary_tokens)),
            "len_sents": float(len(split_sentences(prediction, self.language))),
            "compression": frag.compression,
            "coverage": frag.coverage,
            "density": frag.density,
        }
        for n in NOVEL_ORDERS:
            scores[f"novel_{n}"] = novel_ngram_share(document_tokens, summary_tokens, n)
        flags = []
        if is_empty(prediction):
            flags.append(EMPTY_FLAG)
        if is_exact_copy(prediction, document, references):
            flags.append(COPY_FLAG)
        return MetricOutput(scores=scores, flags=flags)

    def score(
        self,
        predictions: Sequence[str],
        references: Sequence[Sequence[str]],
        documents: Sequence[str] | None = None,
    ) -> list[MetricOutput]:
        """Score a batch; ``documents[i]`` is the (joined) source text of item ``i``."""
        if documents is None:
            raise ConfigError("the 'lengths' metric needs the source documents")
        return [
            self.score_one(p, r, d)
            for p, r, d in zip(predictions, references, documents, strict=True)
        ]
