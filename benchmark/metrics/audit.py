"""Tokenisation audit: how many letters a tokenizer profile silently throws away.

rouge-score's default tokenizer keeps only ``[a-z0-9]``: Russian, Greek, Hindi or
Chinese text tokenises to nothing and scores 0 even against itself, and accented
Latin loses its accented letters. Every run reports, per example and overall, the
share of the text's letters (Unicode category L) that do not reach any token, and
says so loudly above :data:`WARN_SHARE`.

The audit tokenises *without* stemming, so shortening a word by stemming does not
count as dropping letters (custom tokenizers cannot be asked not to stem, so their
stems count).
"""

from __future__ import annotations

from collections.abc import Mapping

from benchmark.metrics.tokenizers import get_tokenizer
from benchmark.schema import TokenAudit

WARN_SHARE = 0.05
"""Dropped-letter share above which the audit warns (overall, or per example)."""


# every byte that is not an ASCII letter, deleted to count ASCII letters in C
_NOT_ASCII_LETTER = bytes(b for b in range(256) if not (65 <= b <= 90 or 97 <= b <= 122))
# profiles that keep every ASCII letter of a text (lower-cased) inside some token
_KEEPS_ASCII = ("rouge-score", "unicode")


def count_letters(text: str) -> int:
    """Letters (``str.isalpha``: Unicode categories Lu, Ll, Lt, Lm, Lo) in ``text``."""
    if text.isascii():  # the common case, counted in C
        return len(text.encode("ascii").translate(None, _NOT_ASCII_LETTER))
    return sum(1 for ch in text if ch.isalpha())


def token_audit(
    texts: Mapping[str, str],
    profile: str,
    *,
    language: str | None = None,
    threshold: float = WARN_SHARE,
) -> TokenAudit:
    """Share of letters ``profile`` drops, per example id and letter-weighted overall.

    The warning names the share, how many examples exceed ``threshold`` and a few of
    their ids, and suggests ``--tokenizer unicode`` when another profile is in use.
    """
    tokenizer = get_tokenizer(profile, language=language, stem=False)
    per_example: dict[str, float] = {}
    total = dropped = 0
    for key in sorted(texts):
        text = texts[key]
        letters = count_letters(text)
        if profile in _KEEPS_ASCII and text.isascii():
            kept = letters  # both built-in profiles keep every ASCII letter
        else:
            kept = count_letters("".join(tokenizer.tokenize(text)))
        lost = max(letters - kept, 0)
        per_example[key] = lost / letters if letters else 0.0
        total += letters
        dropped += lost
    share = dropped / total if total else 0.0
    over = [k for k, v in per_example.items() if v > threshold]
    warning = None
    if share > threshold or over:
        head = (
            f"tokenizer profile '{profile}' drops {share:.1%} of all letters;"
            if share > threshold
            else f"tokenizer profile '{profile}' drops {share:.1%} of letters overall, but"
        )
        examples = ", ".join(over[:5]) + (", ..." if len(over) > 5 else "")
        warning = (
            f"{head} {len(over)} of {len(per_example)} texts lose more than "
            f"{threshold:.0%} of their letters (e.g. {examples}); words with those letters "
            "are cut or lost, so ROUGE on them is understated"
        )
        if profile != "unicode":
            warning += "; non-ASCII text needs --tokenizer unicode"
    return TokenAudit(profile=profile, dropped_share=share, per_example=per_example,
                      warning=warning)
