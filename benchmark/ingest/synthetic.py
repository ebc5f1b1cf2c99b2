"""A seeded synthetic news crawl with ground-truth stories, for tests and scale benchmarks.

A real crawl has no labels, so grouping quality at 100,000 articles cannot be
measured on one. This generator makes a corpus that looks like one to the
grouper (same entities, numbers and dates told in different words, reprints
with outlet boilerplate, edited and truncated copies, rewrites in five
languages, stories about the same people on other dates, undated articles)
and records which story each article tells, so :func:`pairwise_scores` can
report precision, recall and F1 of a grouping at any size.

Rows are the JSONL an ingest reads (``id``, ``title``, ``text``, ``source``,
``url``, ``date``) plus :data:`STORY_FIELD`, which ingest ignores. Each story
is drawn from its own seed (``stable_seed(seed, story)``), so the output is
byte-identical for a seed and is streamed without holding the corpus.

    python -m benchmark.ingest.synthetic --articles 1000 --seed 12345 --out corpus.jsonl
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections import Counter, deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from random import Random
from typing import Any

from benchmark.errors import ConfigError, InputError
from benchmark.files import write_jsonl_atomic
from benchmark.ingest.synthetic_text import (
    AMOUNT,
    BOILERPLATE,
    CITY_ENDINGS,
    COMPANY_KINDS,
    COUNTRIES,
    CYRILLIC,
    DAY_FORMAT,
    EVENTS,
    FILLER,
    FIRST_NAMES,
    LANGUAGES,
    MONTHS,
    OUTLETS,
    SURNAME_ENDINGS,
    SYLLABLES,
    TOPICS,
)
from benchmark.seeding import stable_seed

__all__ = ["STORY_FIELD", "PairScores", "pairwise_scores", "read_story_labels",
           "synthetic_articles", "write_synthetic_corpus"]

#: The ground-truth column: the story an article tells (ingest ignores unknown columns).
STORY_FIELD = "story"
#: Share of articles per language of a story's first telling (English dominates, as online).
LANGUAGE_WEIGHTS = {"en": 0.7, "de": 0.075, "es": 0.075, "fr": 0.075, "ru": 0.075}
#: How later articles of a story relate to earlier ones.
VARIANT_WEIGHTS = {"reprint": 0.22, "edit": 0.15, "truncation": 0.1, "rewrite": 0.53}
#: A rewrite switches language this often (cross-language versions of a story).
CROSS_LANGUAGE = 0.15
#: Share of stories about the actors of an earlier story on another date (like seed 004).
DISTRACTOR = 0.15
#: Share of articles published without a date.
UNDATED = 0.12
FIRST_DAY = dt.date(2010, 1, 1)
SPAN_DAYS = 15 * 365
_ALT = re.compile(r"\{([^{}]*)\}")
_SLOT = re.compile(r"\$([A-Z][A-Z0-9]*)")


@dataclass(frozen=True)
class _Actors:
    p: str
    q: str
    o: str
    o2: str
    city: str
    k: int
    k2: int
    y0: int


@dataclass(frozen=True)
class _Story:
    key: str
    kind: str
    lang: str
    day: dt.date
    actors: _Actors
    n: int
    amount: int  # tenths
    unit: int
    mag: int  # tenths (quake magnitude) or percent (strike)
    topic: int


@dataclass(frozen=True)
class _Telling:
    lang: str
    title: str
    paragraphs: tuple[str, ...]


def _word(rng: Random, endings: tuple[str, ...]) -> str:
    syl = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 2)))
    return (syl + rng.choice(endings)).capitalize()


def _actors(rng: Random) -> _Actors:
    k, k2 = rng.sample(range(len(COUNTRIES["en"])), 2)
    return _Actors(
        p=f"{rng.choice(FIRST_NAMES)} {_word(rng, SURNAME_ENDINGS)}",
        q=f"{rng.choice(FIRST_NAMES)} {_word(rng, SURNAME_ENDINGS)}",
        o=f"{_word(rng, ('a', 'o', 'ex', 'is', 'on'))} {rng.choice(COMPANY_KINDS)}",
        o2=f"{_word(rng, ('a', 'o', 'ex', 'is', 'on'))} {rng.choice(COMPANY_KINDS)}",
        city=_word(rng, CITY_ENDINGS), k=k, k2=k2, y0=rng.randint(1995, 2009))


def _story(seed: int, index: int, history: deque[_Story]) -> _Story:
    rng = Random(stable_seed(seed, f"story/{index}"))
    kinds = sorted(EVENTS["en"])
    kind = rng.choice(kinds)
    day = FIRST_DAY + dt.timedelta(days=rng.randrange(SPAN_DAYS))
    actors = _actors(rng)
    if history and rng.random() < DISTRACTOR:
        old = rng.choice(list(history))
        actors = old.actors
        kind = old.kind if rng.random() < 0.5 else kind
        gap = rng.randint(60, 1500) * rng.choice((-1, 1))
        day = old.day + dt.timedelta(days=gap)
        day = min(max(day, FIRST_DAY), FIRST_DAY + dt.timedelta(days=SPAN_DAYS))
    lang = rng.choices(list(LANGUAGE_WEIGHTS), weights=list(LANGUAGE_WEIGHTS.values()))[0]
    mag = rng.randint(51, 79) if kind == "quake" else rng.randint(3, 15)
    n = rng.randint(2, 25) if kind == "court" else rng.randint(12, 980)  # years in prison
    return _Story(key=f"story-{index:07d}", kind=kind, lang=lang, day=day, actors=actors,
                  n=n, amount=rng.randint(10, 999), unit=rng.randint(0, 1),
                  mag=mag, topic=rng.randrange(len(TOPICS["en"])))


def _cyrillic(name: str) -> str:
    out, i, low = [], 0, name.lower()
    while i < len(low):
        for lat, cyr in CYRILLIC:
            if low.startswith(lat, i):
                out.append(cyr)
                i += len(lat)
                break
        else:
            out.append(low[i])
            i += 1
    text = "".join(out)
    return " ".join(w[:1].upper() + w[1:] for w in text.split(" "))


def _decimal(tenths: int, lang: str) -> str:
    text = f"{tenths // 10}.{tenths % 10}"
    return text if lang == "en" else text.replace(".", ",")


def _facts(story: _Story, lang: str, rng: Random) -> dict[str, str]:
    a = story.actors
    name = _cyrillic if lang == "ru" else str
    day = rng.choice(DAY_FORMAT[lang]).format(d=story.day.day,
                                               m=MONTHS[lang][story.day.month - 1])
    mag = _decimal(story.mag, lang) if story.kind == "quake" else str(story.mag)
    return {
        "P": name(a.p), "Q": name(a.q), "PS": name(a.p.split()[-1]), "QS": name(a.q.split()[-1]),
        "O": name(a.o), "O2": name(a.o2), "C": name(a.city),
        "K": COUNTRIES[lang][a.k], "K2": COUNTRIES[lang][a.k2], "T": TOPICS[lang][story.topic],
        "N": str(story.n), "M": f"{_decimal(story.amount, lang)} {AMOUNT[lang][story.unit]}",
        "D": day, "Y": str(story.day.year), "Y0": str(a.y0), "MAG": mag,
        "R": str(rng.randint(2, 90)),
    }


def _fill(template: str, facts: Mapping[str, str], rng: Random) -> str:
    text = _ALT.sub(lambda m: rng.choice(m.group(1).split("|")), template)
    text = _SLOT.sub(lambda m: facts[m.group(1)], text)
    return re.sub(r"\s{2,}", " ", text).strip()


def _render(story: _Story, lang: str, rng: Random) -> _Telling:
    """One outlet's telling: headline, lead, a random subset of details and background."""
    facts = _facts(story, lang, rng)
    event = EVENTS[lang][story.kind]
    title = _fill(rng.choice(event["head"]), facts, rng)
    lead = _fill(rng.choice(event["lead"]), facts, rng)
    details = rng.sample(event["detail"], rng.randint(2, len(event["detail"])))
    filler = rng.sample(FILLER[lang], min(rng.randint(6, 14), len(FILLER[lang])))
    sentences = list(dict.fromkeys(_fill(t, facts | {"R": str(rng.randint(2, 90))}, rng)
                                   for t in details + filler))
    rng.shuffle(sentences)
    paragraphs = [lead]
    while sentences:
        take = rng.randint(1, 2)
        paragraphs.append(" ".join(sentences[:take]))
        sentences = sentences[take:]
    return _Telling(lang, title, tuple(paragraphs))


def _outlet(rng: Random, lang: str) -> tuple[str, str]:
    place = _word(rng, CITY_ENDINGS)
    name = rng.choice(OUTLETS[lang]).replace("$X", _cyrillic(place) if lang == "ru" else place)
    host = re.sub(r"[^a-z]", "", place.lower()) + rng.choice(("news", "times", "post", "info"))
    return name, f"{host}.{rng.choice(('com', 'net', 'org'))}"


def _variant(story: _Story, made: list[_Telling], rng: Random) -> tuple[str, _Telling]:
    if not made:
        return "original", _render(story, story.lang, rng)
    kind = rng.choices(list(VARIANT_WEIGHTS), weights=list(VARIANT_WEIGHTS.values()))[0]
    base = rng.choice(made)
    paras = list(base.paragraphs)
    if kind == "reprint":
        return kind, base
    if kind == "edit" and len(paras) > 2:
        paras.pop(rng.randrange(1, len(paras)))
        fresh = _render(story, base.lang, rng)
        paras.insert(rng.randrange(1, len(paras) + 1), fresh.paragraphs[-1])
        return kind, _Telling(base.lang, rng.choice((base.title, fresh.title)), tuple(paras))
    if kind == "truncation" and len(paras) > 2:
        return kind, _Telling(base.lang, base.title, tuple(paras[: rng.randint(2, 3)]))
    lang = story.lang
    if rng.random() < CROSS_LANGUAGE:
        lang = rng.choice([x for x in LANGUAGES if x != story.lang])
    return "rewrite", _render(story, lang, rng)


def _row(story: _Story, telling: _Telling, kind: str, aid: str, rng: Random) -> dict[str, Any]:
    """One JSONL row: the telling dressed as one outlet's page (boilerplate, dateline, date)."""
    outlet, host = _outlet(rng, telling.lang)
    paras = list(telling.paragraphs)
    published = story.day + dt.timedelta(days=rng.choice((0, 0, 0, 1, 1, 2)))
    if telling.lang == "en" and rng.random() < 0.25:
        city = story.actors.city
        paras[0] = (f"{city.upper()}, {MONTHS['en'][published.month - 1]} {published.day} "
                    f"({outlet}) - {paras[0]}")
    if kind == "reprint" or rng.random() < 0.3:
        furniture = [_fill(t, {"Y": str(published.year), "OUT": outlet}, rng)
                     for t in rng.sample(BOILERPLATE[telling.lang], 2)]
        paras = [furniture[0], *paras] if rng.random() < 0.3 else paras
        paras.append(furniture[-1])
    row: dict[str, Any] = {"id": aid, STORY_FIELD: story.key}
    where = rng.random()
    if where < 0.8:
        row["title"] = telling.title
    elif where < 0.9:
        paras.insert(0, telling.title)
    row["text"] = "\n\n".join(paras)
    if rng.random() < 0.7:
        row["source"] = outlet
    if rng.random() < 0.5:
        slug = "-".join(re.findall(r"\w+", telling.title.lower())[:6])
        row["url"] = f"https://www.{host}/{published.year}/{published.month:02d}/{slug}"
    if rng.random() >= UNDATED:
        row["date"] = published.isoformat()
    return row


def _size(rng: Random) -> int:
    """Articles per story: a third alone, the rest 2-12 with a geometric tail."""
    if rng.random() < 0.35:
        return 1
    size = 2
    while size < 12 and rng.random() < 0.5:
        size += 1
    return size


def synthetic_articles(n_articles: int, seed: int = 12345) -> Iterator[dict[str, Any]]:
    """Yield ``n_articles`` JSONL-ready rows, story by story (the last story may be cut).

    Same ``n`` and ``seed`` -> the same rows; a larger ``n`` extends a smaller
    corpus (its first rows are the smaller corpus). Ids are hashes, so sorting by
    id (as ingest does) scatters a story's articles.
    """
    if n_articles < 0:
        raise ConfigError(f"number of articles must be at least 0, got {n_articles}")
    history: deque[_Story] = deque(maxlen=64)
    made_total, index = 0, 0
    while made_total < n_articles:
        story = _story(seed, index, history)
        history.append(story)
        size = min(_size(Random(stable_seed(seed, f"size/{index}"))), n_articles - made_total)
        made: list[_Telling] = []
        for j in range(size):
            rng = Random(stable_seed(seed, f"{story.key}/{j}"))
            kind, telling = _variant(story, made, rng)
            made.append(telling)
            aid = f"syn-{stable_seed(seed, f'id/{story.key}/{j}'):016x}"
            yield _row(story, telling, kind, aid, rng)
        made_total += size
        index += 1


def write_synthetic_corpus(path: str | Path, n_articles: int, seed: int = 12345) -> int:
    """Write :func:`synthetic_articles` to a JSONL file atomically; return the row count."""
    return write_jsonl_atomic(path, synthetic_articles(n_articles, seed))


def read_story_labels(path: str | Path) -> dict[str, str]:
    """``{article id: story}`` from a generated JSONL file (the ground truth)."""
    labels: dict[str, str] = {}
    with open(path, encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            row = json.loads(line)
            if STORY_FIELD not in row or "id" not in row:
                raise InputError(f"no '{STORY_FIELD}' label: not a generated corpus",
                                 path=path, line=line_no, field=STORY_FIELD)
            labels[str(row["id"])] = str(row[STORY_FIELD])
    return labels


@dataclass(frozen=True)
class PairScores:
    """Pairwise grouping quality: a pair is positive when both articles share a cluster."""

    precision: float
    recall: float
    f1: float
    true_positives: int
    predicted_pairs: int
    true_pairs: int


def _pairs(sizes: Counter[Any]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes.values())


def pairwise_scores(predicted: Mapping[str, str], truth: Mapping[str, str]) -> PairScores:
    """Pairwise P/R/F1 of ``predicted`` (id -> cluster) against ``truth`` (id -> story).

    Counted from cluster sizes, not pairs, so it is linear in the corpus. Ids
    must match: an article missing on either side is an error, not a silent skip.
    Precision (or recall) is 1.0 when there is no predicted (or true) pair.
    """
    if predicted.keys() != truth.keys():
        missing = sorted(set(predicted) ^ set(truth))[:3]
        raise InputError(f"predicted and true labels cover different articles, e.g. {missing}")
    tp = _pairs(Counter((predicted[i], truth[i]) for i in truth))
    pp, tt = _pairs(Counter(predicted.values())), _pairs(Counter(truth.values()))
    precision = tp / pp if pp else 1.0
    recall = tp / tt if tt else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairScores(precision, recall, f1, tp, pp, tt)


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmark.ingest.synthetic``: write a generated corpus."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmark.ingest.synthetic",
        description="Write a seeded synthetic news corpus (JSONL) whose 'story' column is "
        "the ground-truth grouping.")
    parser.add_argument("--articles", type=int, required=True, help="number of articles")
    parser.add_argument("--seed", type=int, default=12345, help="seed [12345]")
    parser.add_argument("--out", type=Path, required=True, help="output .jsonl file")
    args = parser.parse_args(argv)
    try:
        n = write_synthetic_corpus(args.out, args.articles, args.seed)
    except (ConfigError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {n} articles to {args.out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
