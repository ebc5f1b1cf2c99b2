"""Texts prepared once for ROUGE: interned token ids and Lsum sentences, shared across calls.

Why: tokenising, stemming and sentence splitting cost more than the counting. A text
is prepared once per process and profile (references repeat across every system of
a run, and across calls), and tokens become small integers so the counting compares
ints. With the C core the ids are packed int32 bytes that C reads directly, and the
default ``rouge-score`` profile is tokenised in C too (words it has not seen yet are
stemmed here, once).
"""

from __future__ import annotations

import itertools
import threading
from array import array
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from benchmark.metrics.tokenizers import PROFILES, RougeScoreTokenizer, Tokenizer
from benchmark.sentences import split_sentences

SHARED_TEXTS = 200_000
"""Prepared texts kept per profile across calls before that cache starts afresh."""


@dataclass(slots=True)
class PreparedText:
    """One text: token ids, Lsum sentences (or None), the token count, n-gram memo.

    Python backend: ``tokens`` is a list of ids and ``sentences`` a list of such
    lists. C backend: ``tokens`` is packed int32 bytes and ``sentences`` a pair
    (packed ids of all sentences, packed sentence lengths).
    """

    tokens: Any
    sentences: Any = None
    n: int = 0
    ngrams: dict[int, Counter[object]] = field(default_factory=dict)


class Vocab:
    """Token -> int id; ids come from one shared counter, so threads never reuse one."""

    def __init__(self) -> None:
        self.known: dict[str, int] = {}
        self.table: Any = None  # C tokenizer: word -> id of its token (core.new_words())
        self._next = itertools.count()

    def ids(self, tokens: list[str]) -> list[int]:
        """Ids of ``tokens``, new tokens numbered as they come."""
        known = self.known
        try:
            return [known[t] for t in tokens]
        except KeyError:
            nxt = self._next
            return [known[t] if t in known else known.setdefault(t, next(nxt))
                    for t in tokens]


_shared: dict[tuple[object, ...], tuple[Vocab, dict[str, PreparedText]]] = {}
_shared_lock = threading.Lock()


def _state(key: tuple[object, ...]) -> tuple[Vocab, dict[str, PreparedText]]:
    with _shared_lock:
        got = _shared.get(key)
        if got is None:
            got = _shared[key] = (Vocab(), {})
        return got


def clear_shared() -> None:
    """Forget every shared prepared text (benchmarks measure cold runs with it)."""
    with _shared_lock:
        _shared.clear()


def pack(ids: list[int]) -> bytes:
    """Token ids as the packed int32 bytes the C core reads."""
    return array("i", ids).tobytes()


class TextPreparer:
    """Prepares texts for one tokenizer profile, Lsum setting and backend."""

    def __init__(self, profile: str, tokenizer: Tokenizer, *, language: str | None,
                 stem: bool, lsum: bool, split: str, core: Any) -> None:
        self.tokenizer = tokenizer
        self.lsum = lsum
        self.split = split
        self.language = language or "en"
        self.core = core
        # built-in profiles are pure functions of the text: share their prepared texts
        # with every later call and system; a custom tokenizer gets a fresh cache per call
        self.shared = profile in PROFILES
        key = (profile, language, stem, lsum, split, core is not None)
        self.vocab, self._texts = _state(key) if self.shared else (Vocab(), {})
        native = core is not None and isinstance(tokenizer, RougeScoreTokenizer)
        if native:
            with _shared_lock:
                if self.vocab.table is None:
                    self.vocab.table = core.new_words()
        self._ctok: Callable[..., Any] | None = core.tokenize if native else None
        self._cmany: Callable[..., Any] | None = core.tokenize_many if native else None

    def cache(self) -> dict[str, PreparedText]:
        """The dict one ``score`` call uses: the shared one, or a new one."""
        return self._texts if self.shared else {}

    def _sentences(self, text: str) -> list[str]:
        if self.split == "newline":  # rouge-score's own rule: lines, empty ones dropped
            return [s for s in text.split("\n") if s]
        return split_sentences(text, self.language)

    def prepare(self, text: str, cache: dict[str, PreparedText]) -> PreparedText:
        """The prepared text, from ``cache`` or made now (and kept there)."""
        got = cache.get(text)
        if got is None:
            got = self._packed(text) if self.core is not None else self._lists(text)
            if len(cache) >= SHARED_TEXTS:  # bound memory across long sessions
                cache.clear()
            cache[text] = got
        return got

    def prepare_many(self, texts: list[str], cache: dict[str, PreparedText]) -> None:
        """Prepare every text of ``texts`` not in ``cache`` yet (the C tokenizer takes them
        all in one call; other tokenizers one by one)."""
        todo = [t for t in dict.fromkeys(texts) if t not in cache]
        if not todo:
            return
        if self._cmany is None:
            for text in todo:
                self.prepare(text, cache)
            return
        if len(cache) + len(todo) > SHARED_TEXTS:
            cache.clear()
        if self.lsum and self.split == "newline":
            for text, (ids, lens) in zip(todo, self._c_many(todo, True), strict=True):
                cache[text] = PreparedText(ids, (ids, lens), len(ids) // 4)
            return
        sents = [self._sentences(t) for t in todo] if self.lsum else []
        got = self._c_many(todo + [x for ss in sents for x in ss], False)
        at = len(todo)
        for i, text in enumerate(todo):
            ids = got[i][0]
            sentences = None
            if self.lsum:
                parts = got[at:at + len(sents[i])]
                at += len(sents[i])
                sentences = (b"".join(x[0] for x in parts), b"".join(x[1] for x in parts))
            cache[text] = PreparedText(ids, sentences, len(ids) // 4)

    def _c_many(self, texts: list[str], lines: bool) -> list[tuple[bytes, bytes]]:
        assert self._cmany is not None
        return self._cmany(texts, self.vocab.table, lines, self._add_word)

    def _add_word(self, word: str) -> int:
        """Id of a word's token, stemmed once (-1: rouge-score drops it); C calls this."""
        assert isinstance(self.tokenizer, RougeScoreTokenizer)
        t = self.tokenizer.word_token(word)
        return self.vocab.ids([t])[0] if t else -1

    def _lists(self, text: str) -> PreparedText:
        tok, ids = self.tokenizer.tokenize, self.vocab.ids
        tokens = ids(tok(text))
        sents = [ids(tok(s)) for s in self._sentences(text)] if self.lsum else None
        return PreparedText(tokens, sents, len(tokens))

    def _packed(self, text: str) -> PreparedText:
        if self._ctok is None:
            lists = self._lists(text)
            sents = lists.sentences
            return PreparedText(
                pack(lists.tokens),
                None if sents is None else (pack([t for s in sents for t in s]),
                                            pack([len(s) for s in sents])),
                lists.n,
            )
        if self.lsum and self.split == "newline":
            ids, lens = self._c_words(text, True)
            return PreparedText(ids, (ids, lens), len(ids) // 4)
        ids, _ = self._c_words(text, False)
        sentences = None
        if self.lsum:
            parts = [self._c_words(s, False) for s in self._sentences(text)]
            sentences = (b"".join(p[0] for p in parts), b"".join(p[1] for p in parts))
        return PreparedText(ids, sentences, len(ids) // 4)

    def _c_words(self, text: str, lines: bool) -> tuple[bytes, bytes]:
        assert self._ctok is not None
        return self._ctok(text, self.vocab.table, lines, self._add_word)
