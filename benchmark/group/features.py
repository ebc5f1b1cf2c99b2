"""Per-article evidence and the pure pair-feature function of the grouper.

Each article is reduced once to a :class:`Profile` (word and character n-gram
counts, 5-word shingles, named-entity keys, numbers, years). Corpus statistics
(:class:`CorpusStats`) are integer document frequencies, so shards of a large
corpus can be counted separately and summed (:meth:`CorpusStats.merge`) with
the same result. :func:`pair_features` is a pure function of two articles and
the statistics; it orders its input canonically (``a.id < b.id``) so that the
score of a pair never depends on which side came first.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from benchmark.group.encoders import embed, embed_cosine, embed_e5
from benchmark.group.terms import (
    DocFreq,
    SparseVector,
    TermCounts,
    char_gram_hashes,
    dot,
    key_jaccard,
    shingle_keys,
    tfidf,
    token_hashes,
)
from benchmark.ingest.dates import MONTHS
from benchmark.schema import Article

#: Width of the word shingles used for reprint detection (MinHash and Jaccard).
SHINGLE_WORDS = 5
#: Character n-gram widths of the cross-language TF-IDF vector.
CHAR_NGRAMS = (3, 4, 5)
#: Entity keys are the first letters of a capitalised word (absorbs inflection:
#: Lukashenko / Lukaschenko / Lukashenka share ``lukas``).
ENTITY_PREFIX = 5

_WORD = re.compile(r"\w+", re.UNICODE)
_CAPWORD = re.compile(r"(?<![\w'’-])([^\W\d_][\w'’-]*)", re.UNICODE)
_NUMBER = re.compile(r"(?<![\w.,])(\d[\d.,]*\d|\d)(?![\w])")
_YEAR = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")
#: month names: the one table ingest's date parser uses (abbreviations, Russian, Turkish ...)
_MONTHS: dict[str, int] = MONTHS
_MONTH_RE = "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True))
_DAY_MONTH = re.compile(
    rf"(?<!\d)(\d{{1,2}})(?:\.|er|st|nd|rd|th)?\s+(?:de\s+)?({_MONTH_RE})\b"
    rf"|\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?!\d)",
    re.IGNORECASE,
)
_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})[./](\d{1,2})[./](?:19|20)\d\d(?!\d)"
                           r"|(?<!\d)(?:19|20)\d\d-(\d{2})-(\d{2})(?!\d)")
#: ``len_min`` counts a shorter text as this many characters: the public pairs hold only 17
#: pairs below it, and without the floor the fitted model extrapolated (two texts without
#: a word got P(same event) 0.90).
LEN_FLOOR_CHARS = 100
#: Pseudo-count added to the union of numbers (see ``_smoothed_overlap``).
NUMBER_SMOOTHING = 2
#: Two mentioned calendar days closer than this (ignoring the year) "agree".
DATE_MENTION_WINDOW = 7
_SENT_END = re.compile(r"[.!?:;\"“”«»„()\[\]\n]\s*$")

FEATURE_NAMES: tuple[str, ...] = (
    "cos_word",
    "cos_char",
    "shingle_jaccard",
    "entity_overlap",
    "entity_jaccard",
    "number_overlap",
    "year_jaccard",
    "year_conflict",
    "date_mention_match",
    "date_mention_conflict",
    "cross_language",
    "date_gap_days",
    "published_year_conflict",
    "len_min",
    "cos_embed",
    "cos_e5",
)
"""Every key :func:`pair_features` returns, in a fixed order."""


@dataclass(frozen=True)
class Profile:
    """What the grouper needs of one article, computed once (pure of the text)."""

    id: str
    language: str | None
    published_ordinal: int | None
    words: TermCounts  # word hashes and counts (lower-cased \w+ tokens)
    chars: TermCounts  # character 3/4/5-gram hashes and counts of the space-padded words
    shingles: Any  # sorted unique uint64 hashes of the 5-word shingles (8 bytes each, not a str)
    entities: frozenset[str]
    numbers: frozenset[str]
    years: frozenset[int]
    days: frozenset[int]  # day of year (1..366, leap-year calendar) of dates mentioned in the text
    embedding: Any = None  # unit-length float32 USE vector, or None when embeddings are off
    embedding_e5: Any = None  # unit-length float32 e5 vector of the head, or None
    length: int = 0  # characters of the normalised title + body


@dataclass
class CorpusStats:
    """Integer document frequencies over a corpus (summable across shards)."""

    n_docs: int = 0
    df_word: DocFreq = field(default_factory=DocFreq)
    df_char: DocFreq = field(default_factory=DocFreq)
    df_entity: Counter[str] = field(default_factory=Counter)
    _entity_idf: dict[str, float] = field(default_factory=dict, repr=False, compare=False)

    def add(self, profile: Profile) -> None:
        """Count one document; order of calls does not matter."""
        self.n_docs += 1
        self.df_word.add(profile.words.keys)
        self.df_char.add(profile.chars.keys)
        self.df_entity.update(profile.entities)
        if self._entity_idf:
            self._entity_idf.clear()

    def merge(self, other: CorpusStats) -> CorpusStats:
        """Sum of two shards' counts (what a distributed reduce step does)."""
        return CorpusStats(
            self.n_docs + other.n_docs,
            self.df_word.merge(other.df_word),
            self.df_char.merge(other.df_char),
            self.df_entity + other.df_entity,
        )

    def idf(self, df: int) -> float:
        """Smoothed inverse document frequency (scikit-learn's formula)."""
        return math.log((1 + self.n_docs) / (1 + df)) + 1.0

    def entity_idf(self, entity: str) -> float:
        """:meth:`idf` of an entity key, memoised (the pair loop asks for each many times)."""
        got = self._entity_idf.get(entity)
        if got is None:
            got = self._entity_idf[entity] = self.idf(self.df_entity.get(entity, 0))
        return got


def _text_of(article: Article) -> str:
    if article.title and not article.body.startswith(article.title):
        return f"{article.title}\n{article.body}"
    return article.body


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _entities(text: str) -> frozenset[str]:
    """Keys of capitalised words that do not open a sentence (proper-noun proxy).

    Language-independent as far as capitals go: Latin, Cyrillic and Greek
    scripts; scripts without case (Chinese, Arabic) yield only their Latin-
    script names. Short words and all-caps words longer than 6 letters
    (shouting headlines) are skipped.
    """
    keys: set[str] = set()
    for m in _CAPWORD.finditer(text):
        word = m.group(1).strip("'’-")
        if len(word) < 3 or not word[0].isupper():
            continue
        if word.isupper() and len(word) > 6:
            continue
        start = m.start(1)
        before = text[max(0, start - 3) : start]
        if start == 0 or _SENT_END.search(before):
            continue
        keys.add(word.lower()[:ENTITY_PREFIX])
    return frozenset(keys)


def _numbers(text: str) -> tuple[frozenset[str], frozenset[int]]:
    years = frozenset(int(y) for y in _YEAR.findall(text))
    nums: set[str] = set()
    for raw in _NUMBER.findall(text):
        digits = re.sub(r"\D", "", raw)
        if len(digits) < 3 or (len(digits) == 4 and int(digits) in years):
            continue
        nums.add(digits.lstrip("0") or "0")
    return frozenset(nums), years


def _day_of_year(month: int, day: int) -> int | None:
    try:
        return dt.date(2000, month, day).timetuple().tm_yday
    except ValueError:
        return None


def _days(text: str) -> frozenset[int]:
    """Calendar days (month + day) the text mentions, in several languages and numeric forms."""
    found: set[int] = set()
    for m in _DAY_MONTH.finditer(text):
        if m.group(1):
            day, month = int(m.group(1)), _MONTHS.get(m.group(2).lower(), 0)
        else:
            day, month = int(m.group(4)), _MONTHS.get(m.group(3).lower(), 0)
        found.add(_day_of_year(month, day) or 0)
    for m in _NUMERIC_DATE.finditer(text):
        if m.group(1):
            day, month = int(m.group(1)), int(m.group(2))
        else:
            month, day = int(m.group(3)), int(m.group(4))
        found.add(_day_of_year(month, day) or 0)
    found.discard(0)
    return frozenset(found)


def _day_distance(a: frozenset[int], b: frozenset[int]) -> int:
    """Smallest distance in days between two sets of days of year (wrapping at new year)."""
    return min(min(abs(x - y), 366 - abs(x - y)) for x in a for y in b)


def encoder_text(article: Article) -> str:
    """The text the encoders read (normalised title + body; e5 then cuts its head)."""
    return _normalise(_text_of(article))


def profile(article: Article, *, embeddings: bool = False, e5: bool = False,
            text: str | None = None) -> Profile:
    """Reduce an article to the evidence the grouper compares (pure).

    ``embeddings`` adds the USE vector, ``e5`` the multilingual-e5-small vector.
    ``text`` is the article's :func:`encoder_text` when the caller has it already.
    """
    text = encoder_text(article) if text is None else text
    words = [w.lower() for w in _WORD.findall(text)]
    tokens = token_hashes(words)
    numbers, years = _numbers(text)
    if article.published is not None:
        years = years | {article.published.year}
    return Profile(
        id=article.id,
        language=article.language,
        published_ordinal=article.published.toordinal() if article.published else None,
        words=TermCounts.of(tokens),
        chars=TermCounts.of(char_gram_hashes(words, CHAR_NGRAMS)),
        shingles=shingle_keys(tokens, SHINGLE_WORDS),
        entities=_entities(text),
        numbers=numbers,
        years=years,
        days=_days(text),
        embedding=embed(text) if embeddings else None,
        embedding_e5=embed_e5(text) if e5 else None,
        length=len(text),
    )


#: Articles per profiling task, and the corpus size from which a pool of ``config.workers``
#: processes profiles them (starting one costs about a second).
PROFILE_CHUNK = 256
POOL_MIN_ARTICLES = 2000


def profile_chunk(task: tuple[list[Article], bool]) -> list[tuple[Profile, str]]:
    """Profiles of a chunk of articles, with their encoder texts when asked (a pool task)."""
    articles, with_texts = task
    texts = [encoder_text(a) for a in articles]  # normalised once, for the profile and encoders
    return [(profile(a, text=t), t if with_texts else "")
            for a, t in zip(articles, texts, strict=True)]


def chunked(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    """Lists of ``size`` items (the last one shorter)."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def corpus_stats(profiles: Iterable[Profile]) -> CorpusStats:
    """Document frequencies of a corpus (integer counts)."""
    stats = CorpusStats()
    for p in profiles:
        stats.add(p)
    return stats


Vectors = tuple[SparseVector, SparseVector]
"""An article's (word, char) TF-IDF vectors under some corpus statistics."""


def vectors(p: Profile, stats: CorpusStats) -> Vectors:
    """The word and character TF-IDF vectors of a profile."""
    return tfidf(p.words, stats.df_word, stats.idf), tfidf(p.chars, stats.df_char, stats.idf)


def _jaccard(a: frozenset[str] | frozenset[int], b: frozenset[str] | frozenset[int]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def _smoothed_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared / (union + NUMBER_SMOOTHING): one shared number alone is weak evidence.

    A plain Jaccard gives 1.0 to two texts that each mention only "20", which
    merged unrelated cross-language articles in a corpus test.
    """
    return len(a & b) / (len(a | b) + NUMBER_SMOOTHING)


def _published_year_conflict(pa: Profile, pb: Profile) -> float:
    """1 if one side's publication year is missing from the years of the other (which has some).

    Unlike ``year_conflict`` (any years, mostly mentioned in passing), this one
    rests on a date the article carries, so the grouper's conflict rule reads it.
    """
    for x, y in ((pa, pb), (pb, pa)):
        published = x.published_ordinal
        if published is not None and y.years and dt.date.fromordinal(published).year not in y.years:
            return 1.0
    return 0.0


def profile_features(pa: Profile, pb: Profile, stats: CorpusStats,
                     cache: dict[str, Vectors] | None = None, *, e5: bool = True,
                     ) -> dict[str, float]:
    """Pair features of two profiles (pure; symmetric by canonical ordering).

    ``cache`` (profile id -> :func:`vectors`) only saves recomputing the TF-IDF
    vectors; it must belong to the same ``stats``. ``e5=False`` leaves ``cos_e5``
    out even when both profiles carry e5 vectors (the gate's first look).
    """
    if pb.id < pa.id:
        pa, pb = pb, pa
    if cache is None:
        va, vb = vectors(pa, stats), vectors(pb, stats)
    else:
        for p in (pa, pb):
            if p.id not in cache:
                cache[p.id] = vectors(p, stats)
        va, vb = cache[pa.id], cache[pb.id]
    ent_w = {e: stats.entity_idf(e) for e in sorted(pa.entities | pb.entities)}
    shared = math.fsum(ent_w[e] for e in sorted(pa.entities & pb.entities))
    wa = math.fsum(ent_w[e] for e in sorted(pa.entities))
    wb = math.fsum(ent_w[e] for e in sorted(pb.entities))
    union = wa + wb - shared
    both_years = bool(pa.years) and bool(pb.years)
    both_days = bool(pa.days) and bool(pb.days)
    day_dist = _day_distance(pa.days, pb.days) if both_days else -1
    gap = (
        float(abs(pa.published_ordinal - pb.published_ordinal))
        if pa.published_ordinal is not None and pb.published_ordinal is not None
        else -1.0
    )
    out = {
        "cos_word": dot(va[0], vb[0]),
        "cos_char": dot(va[1], vb[1]),
        "shingle_jaccard": key_jaccard(pa.shingles, pb.shingles),
        "entity_overlap": shared / min(wa, wb) if min(wa, wb) > 0 else 0.0,
        "entity_jaccard": shared / union if union > 0 else 0.0,
        "number_overlap": _smoothed_overlap(pa.numbers, pb.numbers),
        "year_jaccard": _jaccard(pa.years, pb.years),
        "year_conflict": 1.0 if both_years and not (pa.years & pb.years) else 0.0,
        "date_mention_match": 1.0 if both_days and day_dist <= 1 else 0.0,
        "date_mention_conflict": 1.0 if both_days and day_dist > DATE_MENTION_WINDOW else 0.0,
        "cross_language": 1.0 if (pa.language or "") != (pb.language or "") else 0.0,
        "date_gap_days": gap,
        "published_year_conflict": _published_year_conflict(pa, pb),
        # a short side (a headline-only page, a brief) makes every overlap score small
        "len_min": math.log1p(max(min(pa.length, pb.length), LEN_FLOOR_CHARS)) / 10,
    }
    if pa.embedding is not None and pb.embedding is not None:
        out["cos_embed"] = embed_cosine(pa.embedding, pb.embedding)
    if e5 and pa.embedding_e5 is not None and pb.embedding_e5 is not None:
        out["cos_e5"] = embed_cosine(pa.embedding_e5, pb.embedding_e5)
    return out


def pair_features(
    a: Article, b: Article, stats: CorpusStats, *, embeddings: bool = False, e5: bool = False
) -> dict[str, float]:
    """Evidence that two articles report the same event, one value per feature.

    Keys are :data:`FEATURE_NAMES` (``cos_embed`` only with ``embeddings``, ``cos_e5``
    only with ``e5``);
    ``date_gap_days`` is -1 when either publication date is unknown; ``len_min``
    is ln(1 + characters of the shorter text, at least ``LEN_FLOOR_CHARS``) / 10. Pure: same
    inputs, same floats, either order.
    """
    return profile_features(
        profile(a, embeddings=embeddings, e5=e5), profile(b, embeddings=embeddings, e5=e5), stats
    )
