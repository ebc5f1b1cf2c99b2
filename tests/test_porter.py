"""sumbench's own Porter stemmer equals NLTK's (the one rouge-score uses), word by word."""

from __future__ import annotations

import itertools
import random
import re

from conftest import SHARED

from benchmark.metrics.porter import stem

SUFFIXES = [
    "", "s", "ies", "sses", "ied", "eed", "ed", "ing", "y", "ational", "tional", "enci",
    "anci", "izer", "bli", "alli", "entli", "eli", "ousli", "ization", "ation", "ator",
    "alism", "iveness", "fulness", "ousness", "aliti", "iviti", "biliti", "fulli", "logi",
    "icate", "ative", "alize", "iciti", "ical", "ful", "ness", "al", "ance", "ence", "er",
    "ic", "able", "ible", "ant", "ement", "ment", "ent", "sion", "tion", "ou", "ism", "ate",
    "iti", "ous", "ive", "ize", "e", "ll", "at", "bl", "iz",
]


def word_list() -> list[str]:
    """Every word of the shared SemEval and XSum texts, plus generated suffix stress cases."""
    words: set[str] = set()
    for name in ("semeval2022_task8_train.csv", "xsum_human_eval.txt"):
        text = (SHARED / "eval" / name).read_text(encoding="utf-8", errors="replace")
        words |= set(re.findall(r"[a-z0-9]+", text.lower()))
    rng = random.Random(12345)
    letters = "aeiouybcdfghjklmnpqrstvwxzyy"
    for _ in range(60000):
        stem_part = "".join(rng.choice(letters) for _ in range(rng.randint(1, 7)))
        words.add(stem_part + rng.choice(SUFFIXES) + rng.choice(["", "", "s", "ed", "ing", "e"]))
    for a, b, c in itertools.product(letters, repeat=3):
        words.update((a + b + c, a + b + c + "y", a + b + "e" + c))
    return sorted(words)


def test_equal_to_nltk_porter_on_a_large_word_list() -> None:
    from nltk.stem.porter import PorterStemmer  # rouge-score's stemmer, default mode

    nltk_stem = PorterStemmer().stem
    words = word_list()
    assert len(words) > 100_000
    different = [(w, nltk_stem(w), stem(w)) for w in words if nltk_stem(w) != stem(w)]
    assert different == []


def test_irregular_forms_short_words_and_case() -> None:
    assert stem("skies") == "sky" and stem("dying") == "die" and stem("news") == "news"
    assert stem("at") == "at" and stem("Running") == "run"
    assert stem("generalizations") == "gener" and stem("happy") == "happi"
