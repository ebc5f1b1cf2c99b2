"""Run a sumy summariser on our sentence pool and read back its full ranking.

Why a bridge: sumy's own parsers split with NLTK punkt (a network download) and
treat upper-case lines as headings; we hand it a document model built from the
project's sentences instead, and capture every sentence's rating through sumy's
callable ``sentences_count`` hook, so our budget rule (not sumy's count) decides.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .common import Pooled, ProjectTokenizer, ranked


def sumy_language_tools(language: str) -> tuple[Callable[[str], str], frozenset[str]]:
    """sumy stemmer and stop words for an ISO code; no stemming / no stop words if absent.

    The stemmer is tried once: sumy's Polish one is listed but raises ValueError on
    every word unless the optional ``pystempel`` is installed, which crashed textrank
    and sumbasic and made lexrank/centroid's tf-idf silently empty (lead order).
    """
    from sumy.nlp.stemmers import Stemmer, null_stemmer
    from sumy.utils import get_stop_words

    stemmer: Callable[[str], str]
    try:
        stemmer = Stemmer(language)
        stemmer("probe")
    except (LookupError, ValueError, ImportError):
        stemmer = null_stemmer
    try:
        stop = frozenset(get_stop_words(language))
    except LookupError:
        stop = frozenset()
    return stemmer, stop


def sumy_order(summarizer_cls: Any, pool: Sequence[Pooled], language: str) -> list[int]:
    """Pool indices ordered by the sumy summariser's ratings (ties: pool order)."""
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence

    tokenizer = ProjectTokenizer(language)
    sentences = [Sentence(p.text, tokenizer) for p in pool]
    document = ObjectDocumentModel([Paragraph(sentences)])
    stemmer, stop = sumy_language_tools(language)
    summarizer = summarizer_cls(stemmer)
    summarizer.stop_words = stop
    ratings: dict[int, float] = {}

    def capture(infos: list[Any]) -> list[Any]:
        for info in infos:
            ratings[info.order] = float(info.rating)
        return infos

    summarizer(document, capture)
    return ranked([ratings.get(i, float("-inf")) for i in range(len(pool))])
