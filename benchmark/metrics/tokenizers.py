"""Named tokenizer profiles for ROUGE, each recorded in the score signature.

* ``rouge-score`` (default): bit-for-bit the tokenizer of Google's ``rouge-score``
  (lower-case, every character outside ``[a-z0-9]`` becomes a space, Porter
  stemming of tokens longer than 3 characters). Non-ASCII letters vanish, so
  Russian, Greek, Hindi or Chinese text scores 0 even against itself.
* ``unicode``: NFKC + case-folding, words are runs of Unicode letters, marks and
  digits (so Devanagari vowel signs stay inside their word), Han/Hiragana/Katakana
  are one token per character. Stemming only where a stemmer exists for the
  language: Porter (rouge-score's rule) for English or unknown language, applied
  to ASCII tokens only; NLTK's Snowball for the other Snowball languages (pure
  Python, no data download); none otherwise.
* ``module:attr``: a user's tokenizer, a callable ``str -> list[str]`` or an
  object (or class) with ``tokenize``. It does its own stemming (rouge-score
  silently ignores ``use_stemmer`` for custom tokenizers; we record
  ``stem:custom`` instead of pretending).
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Any, Protocol, runtime_checkable

from benchmark.errors import ConfigError

PROFILES = ("rouge-score", "unicode")
"""Built-in profile names; anything of the form ``module:attr`` is a custom one."""

# rouge_score.tokenize: lower(), [^a-z0-9]+ -> " ", split, stem if len > 3, keep ^[a-z0-9]+$.
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_VALID = re.compile(r"^[a-z0-9]+$")
_ASCII_WORD = re.compile(r"[a-z0-9]+")
_MEMO_LIMIT = 1 << 21

# ISO 639-1 code -> NLTK Snowball language (English uses Porter, as rouge-score does).
SNOWBALL_LANGUAGES = {
    "ar": "arabic", "da": "danish", "nl": "dutch", "fi": "finnish", "fr": "french",
    "de": "german", "hu": "hungarian", "it": "italian", "no": "norwegian",
    "nb": "norwegian", "nn": "norwegian", "pt": "portuguese", "ro": "romanian",
    "ru": "russian", "es": "spanish", "sv": "swedish",
}
# Snowball stemmers for non-Latin scripts mangle Latin words; stem only their own script.
_SCRIPT_OF = {"russian": r"\p{Cyrillic}", "arabic": r"\p{Arabic}"}


@runtime_checkable
class Tokenizer(Protocol):
    """What ROUGE needs from a tokenizer: a recorded name and ``tokenize``."""

    name: str

    def tokenize(self, text: str) -> list[str]: ...


@lru_cache(maxsize=1)
def _porter_stem() -> Callable[[str], str]:
    """The Porter stemmer rouge-score uses (NLTK's, re-implemented in
    :mod:`benchmark.metrics.porter` so scoring never imports NLTK), memoised."""
    from benchmark.metrics.porter import stem

    return lru_cache(maxsize=1 << 18)(stem)


@lru_cache(maxsize=32)
def _snowball_stem(language: str) -> Callable[[str], str]:
    from nltk.stem.snowball import SnowballStemmer

    return lru_cache(maxsize=1 << 18)(SnowballStemmer(language).stem)


def normalize_language(language: str | None) -> str | None:
    """Lower-cased ISO code or ``None``; Snowball names ('russian') map to their code."""
    if language is None or not language.strip():
        return None
    lang = language.strip().lower().replace("_", "-").split("-")[0]
    by_name = {v: k for k, v in SNOWBALL_LANGUAGES.items() if k not in ("nb", "nn")}
    by_name["english"] = "en"
    return by_name.get(lang, lang)


class RougeScoreTokenizer:
    """rouge-score's DefaultTokenizer, reimplemented with a memoised Porter stemmer.

    Equal to ``rouge_score.tokenize.tokenize`` token for token (tests check it on the
    seeds and on generated Unicode text); the stem cache is what makes it faster.
    """

    name = "rouge-score"

    def __init__(self, stem: bool = True) -> None:
        self.stem = stem
        self.stemmer_name = "porter" if stem else "none"
        self._final: dict[str, str] = {}  # word -> stemmed token, "" if rouge-score drops it

    def word_token(self, word: str) -> str:
        """The token one ``[a-z0-9]+`` word becomes ("" if rouge-score drops it)."""
        if not self.stem or len(word) <= 3:
            return word
        t = _porter_stem()(word)
        return t if _VALID.match(t) else ""

    def tokenize(self, text: str) -> list[str]:
        """Tokens exactly as rouge-score's default tokenizer yields them."""
        words = _ASCII_WORD.findall(text.lower())
        if not self.stem:
            return words
        final = self._final
        try:
            out = [final[w] for w in words]
        except KeyError:
            if len(final) > _MEMO_LIMIT:  # bound memory on huge vocabularies
                final.clear()
            stem = _porter_stem()
            for w in words:
                if w not in final:
                    t = stem(w) if len(w) > 3 else w
                    final[w] = t if _VALID.match(t) else ""
            out = [final[w] for w in words]
        return [t for t in out if t] if "" in out else out


class UnicodeTokenizer:
    """Unicode-aware words; CJK per character; stemming only where one exists."""

    name = "unicode"

    def __init__(self, language: str | None = None, stem: bool = True) -> None:
        import regex

        self.language = normalize_language(language)
        cjk = r"\p{Han}\p{Hiragana}\p{Katakana}"
        self._word = regex.compile(rf"[{cjk}]|[[\p{{L}}\p{{M}}\p{{N}}]--[{cjk}]]+", regex.V1)
        self._stem: Callable[[str], str] | None = None
        self._own_script: Any = None
        self.stemmer_name = "none"
        if not stem:
            return
        if self.language in (None, "en"):
            self.stemmer_name = "porter"
        elif self.language in SNOWBALL_LANGUAGES:
            snowball = SNOWBALL_LANGUAGES[self.language]
            self.stemmer_name = f"snowball-{snowball}"
            self._stem = _snowball_stem(snowball)
            if snowball in _SCRIPT_OF:
                self._own_script = regex.compile(_SCRIPT_OF[snowball])

    def words(self, text: str) -> list[str]:
        """Unstemmed tokens: NFKC, case-folded, letters/marks/digits, CJK per character."""
        return list(self._word.findall(unicodedata.normalize("NFKC", text).casefold()))

    def tokenize(self, text: str) -> list[str]:
        """Words, stemmed by this profile's stemmer (see the module docstring)."""
        words = self.words(text)
        if self.stemmer_name == "porter":
            stem = _porter_stem()
            return [stem(w) if len(w) > 3 and _VALID.match(w) else w for w in words]
        if self._stem is None:
            return words
        if self._own_script is not None:
            own = self._own_script
            return [self._stem(w) if own.search(w) else w for w in words]
        return [self._stem(w) for w in words]


class CustomTokenizer:
    """A user's tokenizer loaded from ``module:attr``; it stems (or not) by itself."""

    def __init__(self, spec: str, func: Callable[[str], Any], stemmer_name: str) -> None:
        self.name = spec
        self.stemmer_name = stemmer_name
        self._func = func

    def tokenize(self, text: str) -> list[str]:
        """Call the user's tokenizer and check it returned strings."""
        out = self._func(text)
        tokens = list(out) if not isinstance(out, str) else None
        if tokens is None or not all(isinstance(t, str) for t in tokens):
            raise ConfigError(f"custom tokenizer '{self.name}' must return a list of strings")
        return tokens


def _load_custom(spec: str) -> CustomTokenizer:
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise ConfigError(f"custom tokenizer '{spec}' must be written 'module:attr'")
    try:
        obj: Any = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"cannot load custom tokenizer '{spec}': {exc}") from exc
    if isinstance(obj, type):
        obj = obj()
    stemmer_name = str(getattr(obj, "stemmer_name", "custom"))
    if callable(getattr(obj, "tokenize", None)):
        return CustomTokenizer(spec, obj.tokenize, stemmer_name)
    if callable(obj):
        return CustomTokenizer(spec, obj, stemmer_name)
    raise ConfigError(
        f"custom tokenizer '{spec}' is neither callable nor has a tokenize() method"
    )


@lru_cache(maxsize=64)
def get_tokenizer(profile: str, *, language: str | None = None, stem: bool = True) -> Tokenizer:
    """The tokenizer of a named profile (cached, so stem caches are shared across calls).

    ``profile`` is ``rouge-score`` (default, bit-compatible with rouge-score),
    ``unicode`` or ``module:attr``; ``language`` only changes the ``unicode`` stemmer.
    """
    if profile == "rouge-score":
        return RougeScoreTokenizer(stem=stem)
    if profile == "unicode":
        return UnicodeTokenizer(language=language, stem=stem)
    if ":" in profile:
        return _load_custom(profile)
    raise ConfigError(
        f"unknown tokenizer profile '{profile}': use one of {', '.join(PROFILES)} "
        "or 'module:attr' for your own"
    )


def stemmer_name(tokenizer: Tokenizer) -> str:
    """Which stemmer a tokenizer applies, as recorded in signatures (``custom`` if unknown)."""
    return str(getattr(tokenizer, "stemmer_name", "custom"))
