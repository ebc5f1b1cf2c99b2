"""Sentence splitting, shared by cleaning, example building, baselines and ROUGE-Lsum.

One splitter for the whole project, so a baseline's "first sentence" and the
evaluator's Lsum sentences agree. It must work offline (NLTK's punkt data is a
network download), so it is not NLTK's.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

SPLITTER_NAME = "pysbd-0.3"


@lru_cache(maxsize=16)
def _segmenter(language: str) -> Any:
    import pysbd

    try:
        return pysbd.Segmenter(language=language, clean=False)
    except ValueError:
        return pysbd.Segmenter(language="en", clean=False)


def split_sentences(text: str, language: str = "en") -> list[str]:
    """Split ``text`` into sentences (stripped, non-empty), paragraph breaks respected."""
    out: list[str] = []
    for para in text.split("\n"):
        para = para.strip()
        if not para:
            continue
        out.extend(s.strip() for s in _segmenter(language or "en").segment(para) if s.strip())
    return out
