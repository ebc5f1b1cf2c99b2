"""The stemming ROUGE-1.5.5 applies under ``-m``: WordNet exceptions, then its Porter variant.

Why a reimplementation: the Perl's stemmer is Porter's 1980 algorithm in the
form of Martin Porter's reference Perl code (``bli -> ble``, ``logi -> log``)
with one change by C.-Y. Lin (2004) in step 4 (``-ement`` does not block the
``-ment`` and ``-ent`` rules, which are then tried in turn), so it differs from
every NLTK mode on words such as "agreement" -> "agreem". It is written here from
the algorithm's definitions (measure, ``*v*``, ``*d``, ``*o``) and verified word
by word against the Perl (tests/test_rouge155.py, docs/rouge155.md).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

_VOWELS = frozenset("aeiou")

# Step 2 and step 3 suffix tables: the longest listed suffix that ends the word is the one tried.
_STEP2 = {
    "ational": "ate", "tional": "tion", "enci": "ence", "anci": "ance", "izer": "ize",
    "bli": "ble", "alli": "al", "entli": "ent", "eli": "e", "ousli": "ous",
    "ization": "ize", "ation": "ate", "ator": "ate", "alism": "al", "iveness": "ive",
    "fulness": "ful", "ousness": "ous", "aliti": "al", "iviti": "ive", "biliti": "ble",
    "logi": "log",
}  # fmt: skip
_STEP3 = {
    "icate": "ic", "ative": "", "alize": "al", "iciti": "ic", "ical": "ic", "ful": "", "ness": "",
}  # fmt: skip
_STEP4 = (
    "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ou", "ism", "ate",
    "iti", "ous", "ive", "ize",
)  # fmt: skip


def _pattern(word: str) -> str:
    """'c'/'v' per letter. y is a vowel after a consonant; a word-initial y is a consonant."""
    out: list[str] = []
    for i, ch in enumerate(word):
        vowel = ch in _VOWELS or (ch == "y" and i > 0 and out[-1] == "c")
        out.append("v" if vowel else "c")
    return "".join(out)


def _measure(word: str) -> int:
    """Porter's m: the number of vowel-sequence/consonant-sequence pairs in [C](VC)^m[V]."""
    return _pattern(word).count("vc")


def _has_vowel(word: str) -> bool:
    return "v" in _pattern(word)


def _cvc(word: str) -> bool:
    """Porter's m=1 *o: one consonant run, one vowel, then a consonant other than w, x, y."""
    pattern = _pattern(word)
    return (
        len(word) >= 3
        and pattern.endswith("cvc")
        and "v" not in pattern[:-2]
        and word[-1] not in "wxy"
    )


def _longest_suffix(word: str, suffixes: tuple[str, ...] | dict[str, str]) -> str | None:
    best = None
    for suffix in suffixes:
        if word.endswith(suffix) and (best is None or len(suffix) > len(best)):
            best = suffix
    return best


def _step1(w: str) -> str:
    if w.endswith("sses") or w.endswith("ies"):
        w = w[:-2]
    elif w.endswith("s") and len(w) >= 2 and w[-2] != "s":
        w = w[:-1]
    if w.endswith("eed"):
        if _measure(w[:-3]) > 0:
            w = w[:-1]
    else:
        suffix = "ed" if w.endswith("ed") else "ing" if w.endswith("ing") else None
        if suffix and _has_vowel(w[: -len(suffix)]):
            w = w[: -len(suffix)]
            if w.endswith(("at", "bl", "iz")):
                w += "e"
            elif len(w) >= 2 and w[-1] == w[-2] and w[-1] not in "aeiouylsz":
                w = w[:-1]
            elif _cvc(w):
                w += "e"
    if w.endswith("y") and _has_vowel(w[:-1]):
        w = w[:-1] + "i"
    return w


def _replace(w: str, table: dict[str, str]) -> str:
    suffix = _longest_suffix(w, table)
    if suffix is not None and _measure(w[: -len(suffix)]) > 0:
        w = w[: -len(suffix)] + table[suffix]
    return w


def _step4(w: str) -> str:
    suffix = _longest_suffix(w, _STEP4)
    if suffix is not None and _measure(w[: -len(suffix)]) > 1:
        w = w[: -len(suffix)]
    # Lin's change: -ment and then -ent are tried even after the list above.
    if w.endswith("ment") and _measure(w[:-4]) > 1:
        w = w[:-4]
    if w.endswith("ent"):
        if _measure(w[:-3]) > 1:
            w = w[:-3]
    elif w.endswith(("sion", "tion")) and _measure(w[:-3]) > 1:
        w = w[:-3]
    return w


def _step5(w: str) -> str:
    if w.endswith("e"):
        stem = w[:-1]
        m = _measure(stem)
        if m > 1 or (m == 1 and not _cvc(stem)):
            w = stem
    if w.endswith("ll") and _measure(w) > 1:
        w = w[:-1]
    return w


def porter_stem(word: str) -> str:
    """ROUGE-1.5.5's Porter stem of a lower-case ASCII word (words under 3 letters unchanged)."""
    if len(word) < 3:
        return word
    # A leading y is a consonant: mark it so no rule can read it as a vowel.
    initial_y = word[0] == "y"
    w = "Y" + word[1:] if initial_y else word
    w = _step5(_step4(_replace(_replace(_step1(w), _STEP2), _STEP3)))
    return "y" + w[1:] if initial_y else w


@lru_cache(maxsize=1)
def wordnet_exceptions() -> dict[str, str]:
    """The WordNet 2.0 exception table shipped with the package (built from the Perl's .db)."""
    text = (
        resources.files("benchmark.metrics.rouge155")
        .joinpath("data/wordnet-2.0-exceptions.txt")
        .read_text(encoding="ascii")
    )
    table: dict[str, str] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, value = line.split(" ", 1)
            table[key] = value
    return table


@lru_cache(maxsize=1)
def smart_stopwords() -> frozenset[str]:
    """ROUGE-1.5.5's stop-word list (``smart_common_words.txt``), used by ``-s``."""
    text = (
        resources.files("benchmark.metrics.rouge155")
        .joinpath("data/smart_common_words.txt")
        .read_text(encoding="ascii")
    )
    return frozenset(line for line in text.split("\n") if line)


def rouge155_stem(token: str) -> str:
    """What ``-m`` maps a token to: tokens over 3 characters go through exceptions, then Porter."""
    if len(token) <= 3:
        return token
    exceptions = wordnet_exceptions()
    if token in exceptions:
        return exceptions[token]
    return _stem_cached(token)


@lru_cache(maxsize=200_000)
def _stem_cached(token: str) -> str:
    return porter_stem(token)
