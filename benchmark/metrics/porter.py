"""The Porter stemmer exactly as rouge-score applies it, without importing NLTK.

Why: rouge-score stems with ``nltk.stem.porter.PorterStemmer()`` in its default
``NLTK_EXTENSIONS`` mode, and ``import nltk`` pulls in scipy.stats and
scikit-learn (2-3 s of start-up, most of a short ``sumbench score``). This module
implements the same rules (Porter 1980 with the later revisions and the NLTK
variants) in plain Python: ``tests/test_porter.py`` checks it word by word against
NLTK on every word of the shared SemEval and XSum texts plus a generated list.

The rules, step by step (``m`` is the measure of the stem left once the suffix is
removed; a rule list stops at the first suffix that matches, applied or not):

* irregular forms (``skies`` -> ``sky``, ``dying`` -> ``die``, ...) map directly;
  words of one or two letters are returned as they are;
* 1a: ``sses``->``ss``, ``ies``->``i`` (``ie`` in a 4-letter word), ``ss``, ``s``->"";
* 1b: ``ied``->``i`` (``ie`` in a 4-letter word); ``eed``->``ee`` if m>0; ``ed``/``ing``
  removed if the rest has a vowel, then ``at``/``bl``/``iz`` get an ``e``, a double
  consonant other than l/s/z loses one letter, or m=1 and cvc gets an ``e``;
* 1c: final ``y``->``i`` after a consonant that is not the word's only letter;
* 2, 3, 4: the suffix tables below; 5a: final ``e`` dropped if m>1, or m=1 and not
  cvc; 5b: ``ll``->``l`` if m>1.
"""

from __future__ import annotations

from collections.abc import Callable

_VOWELS = frozenset("aeiou")

_IRREGULAR = {
    "skies": "sky", "sky": "sky", "dying": "die", "lying": "lie", "tying": "tie",
    "news": "news", "innings": "inning", "inning": "inning", "outings": "outing",
    "outing": "outing", "cannings": "canning", "canning": "canning", "howe": "howe",
    "proceed": "proceed", "exceed": "exceed", "succeed": "succeed",
}

# (suffix, replacement) with the condition m(stem) > 0, in the order they are tried.
_STEP2 = (
    ("ational", "ate"), ("tional", "tion"), ("enci", "ence"), ("anci", "ance"),
    ("izer", "ize"), ("bli", "ble"), ("alli", "al"), ("entli", "ent"), ("eli", "e"),
    ("ousli", "ous"), ("ization", "ize"), ("ation", "ate"), ("ator", "ate"),
    ("alism", "al"), ("iveness", "ive"), ("fulness", "ful"), ("ousness", "ous"),
    ("aliti", "al"), ("iviti", "ive"), ("biliti", "ble"), ("fulli", "ful"),
)
_STEP3 = (
    ("icate", "ic"), ("ative", ""), ("alize", "al"), ("iciti", "ic"), ("ical", "ic"),
    ("ful", ""), ("ness", ""),
)
# Removed when m(stem) > 1 ("ion" also needs the stem to end in s or t).
_STEP4 = (
    "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent",
    "ion", "ou", "ism", "ate", "iti", "ous", "ive", "ize",
)


def _cv(word: str) -> str:
    """'c'/'v' per letter; ``y`` is a consonant at the start or after a vowel."""
    out: list[str] = []
    prev_c = False
    for i, ch in enumerate(word):
        if ch in _VOWELS:
            cons = False
        elif ch == "y":
            cons = True if i == 0 else not prev_c
        else:
            cons = True
        out.append("c" if cons else "v")
        prev_c = cons
    return "".join(out)


def _measure(word: str, length: int | None = None) -> int:
    """Porter's m of ``word[:length]`` (the number of vowel-consonant sequences)."""
    cv = _cv(word)
    return (cv if length is None else cv[:length]).count("vc")


def _ends_cvc(stem: str) -> bool:
    """*o: consonant-vowel-consonant, the last not w/x/y; or a two-letter vowel-consonant."""
    cv = _cv(stem)
    if len(stem) >= 3 and cv.endswith("cvc") and stem[-1] not in "wxy":
        return True
    return cv == "vc"


def _step1a(word: str) -> str:
    if word.endswith("ies") and len(word) == 4:
        return word[:-1]
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("ies"):
        return word[:-2]
    if word.endswith("ss"):
        return word
    if word.endswith("s"):
        return word[:-1]
    return word


def _step1b(word: str) -> str:
    if word.endswith("ied"):
        return word[:-1] if len(word) == 4 else word[:-2]
    if word.endswith("eed"):
        return word[:-1] if _measure(word, len(word) - 3) > 0 else word
    if word.endswith("ed"):
        stem = word[:-2]
    elif word.endswith("ing"):
        stem = word[:-3]
    else:
        return word
    if "v" not in _cv(stem):
        return word
    if stem.endswith(("at", "bl", "iz")):
        return stem + "e"
    if len(stem) >= 2 and stem[-1] == stem[-2] and _cv(stem)[-1] == "c":
        return stem if stem[-1] in "lsz" else stem[:-1]
    if _measure(stem) == 1 and _ends_cvc(stem):
        return stem + "e"
    return stem


def _step1c(word: str) -> str:
    if word.endswith("y") and len(word) > 2 and _cv(word[:-1])[-1] == "c":
        return word[:-1] + "i"
    return word


def _by_last_letter(
    rules: tuple[tuple[str, str], ...],
) -> dict[str, tuple[tuple[str, str], ...]]:
    """The rules whose suffix ends in each letter, in their order: a word can only match
    those, so the first match is the same and most words try no suffix at all."""
    return {c: tuple(r for r in rules if r[0].endswith(c)) for c in {r[0][-1] for r in rules}}


_STEP2_BY = _by_last_letter(_STEP2)
_STEP3_BY = _by_last_letter(_STEP3)
_STEP4_BY = _by_last_letter(tuple((suffix, "") for suffix in _STEP4))


def _rule_list(
    word: str, rules: dict[str, tuple[tuple[str, str], ...]], ok: Callable[[str], bool]
) -> str:
    """Apply the first rule whose suffix matches (if ``ok(stem)``), else keep the word."""
    for suffix, replacement in rules.get(word[-1:], ()):
        if word.endswith(suffix):
            stem = word[: len(word) - len(suffix)]
            return stem + replacement if ok(stem) else word
    return word


def _positive(stem: str) -> bool:
    return _measure(stem) > 0


def _step2(word: str) -> str:
    if word.endswith("alli") and _measure(word, len(word) - 4) > 0:
        return _step2(word[:-2])
    if word.endswith("logi"):  # no other step-2 suffix ends in "gi"
        # the 'l' stays with the stem when measuring, so 'geologi' -> 'geolog'
        return word[:-1] if _measure(word, len(word) - 3) > 0 else word
    return _rule_list(word, _STEP2_BY, _positive)


def _step4(word: str) -> str:
    for suffix, _ in _STEP4_BY.get(word[-1:], ()):
        if word.endswith(suffix):
            stem = word[: len(word) - len(suffix)]
            ok = _measure(stem) > 1 and (suffix != "ion" or stem[-1:] in ("s", "t"))
            return stem if ok else word
    return word


def _step5(word: str) -> str:
    if word.endswith("e"):
        stem = word[:-1]
        m = _measure(stem)
        if m > 1 or (m == 1 and not _ends_cvc(stem)):
            word = stem
    if word.endswith("ll") and _measure(word, len(word) - 1) > 1:
        word = word[:-1]
    return word


def stem(word: str) -> str:
    """The stem NLTK's ``PorterStemmer().stem(word)`` returns (lower-cased first)."""
    w = word.lower()
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if len(word) <= 2:
        return w
    w = _step1c(_step1b(_step1a(w)))
    w = _rule_list(_step2(w), _STEP3_BY, _positive)
    return _step5(_step4(w))
