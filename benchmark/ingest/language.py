"""Language identification with py3langid, loaded on first use.

py3langid is deterministic (a naive Bayes model over byte n-grams, no sampling)
and offline; its model takes ~0.6 s to load, so it loads only when an article
without a metadata language is cleaned, never at import time.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_CODE_RE = re.compile(r"^[a-z]{2,3}$")


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid import langid  # lazy: loads the model file

    return langid.LanguageIdentifier.from_modelpath(
        langid.MODEL_DIR / langid.MODEL_FILE, norm_probs=False
    )


def detect_language(text: str, *, max_chars: int = 2000) -> str | None:
    """ISO 639-1 code of ``text`` (its first ``max_chars``), or None for text without letters."""
    sample = text[:max_chars]
    if not any(ch.isalpha() for ch in sample):
        return None
    code, _score = _identifier().classify(sample)
    return str(code)


def normalise_language(value: str | None) -> str | None:
    """Metadata language to a bare lower-case code: 'en-US' -> 'en', 'EN' -> 'en'.

    Returns None for empty values; leaves values that are not a code unchanged
    in lower case so the user sees their own value rather than a guess.
    """
    if value is None or not value.strip():
        return None
    code = value.strip().lower().replace("_", "-").split("-")[0]
    return code if _CODE_RE.match(code) else value.strip().lower()
