"""Position baselines: lead, random and first-sentence-of-each-source.

They need no library: the rule *is* the baseline. News puts the gist first, so
lead is the baseline every summariser must beat; random shows what any extract
scores by chance; first-sentence is the multi-doc lead (one lede per source).
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from pydantic import Field

from benchmark.schema import Example
from benchmark.seeding import stable_seed
from benchmark.systems.registry import register_system

from .common import BudgetConfig, Extractive, Pooled, Unit, select, sentence_pool


def round_robin(pool: Sequence[Pooled]) -> list[int]:
    """Sentence 1 of every document (in document order), then sentence 2 of each, ...

    Why: a multi-doc lead should not spend the whole budget on document 1.
    """
    return sorted(range(len(pool)), key=lambda i: (pool[i].pos, pool[i].doc, i))


@register_system(
    "lead-k", "first sentences (round-robin over documents), length matched to the references"
)
class Lead(Extractive):
    """Lead-k: the first sentences, k set by the budget (default: reference length in words)."""

    def order(self, pool: Sequence[Pooled], example: Example) -> list[int]:
        return round_robin(pool)

    def summarize(self, example: Example) -> str:
        pool = sentence_pool(example)
        return select(pool, self.order(pool, example), self.config, example, keep_order=True)


class Lead1Config(BudgetConfig):
    """Lead-1 defaults: exactly one sentence."""

    unit: Unit = "sentences"
    budget: float | None = Field(default=1, gt=0)


class Lead3Config(BudgetConfig):
    """Lead-3 defaults: exactly three sentences (the CNN/DailyMail convention)."""

    unit: Unit = "sentences"
    budget: float | None = Field(default=3, gt=0)


@register_system("lead-1", "first sentence (XSum's LEAD)")
class Lead1(Lead):
    """lead-k with a budget of one sentence."""

    Config = Lead1Config


@register_system("lead-3", "first three sentences (CNN/DailyMail's LEAD-3)")
class Lead3(Lead):
    """lead-k with a budget of three sentences."""

    Config = Lead3Config


@register_system("random-k", "random sentences (seeded per example), length matched to references")
class RandomK(Extractive):
    """Random-k: a seeded random order over the pool; chance-level extract."""

    def order(self, pool: Sequence[Pooled], example: Example) -> list[int]:
        idx = list(range(len(pool)))
        random.Random(stable_seed(self.config.seed, example.id)).shuffle(idx)
        return idx


@register_system("random-1", "one random sentence (seeded per example)")
class Random1(RandomK):
    """random-k with a budget of one sentence, the chance peer of lead-1."""

    Config = Lead1Config


@register_system("random-3", "three random sentences (seeded per example)")
class Random3(RandomK):
    """random-k with a budget of three sentences, the chance peer of lead-3."""

    Config = Lead3Config


class FirstSentenceConfig(BudgetConfig):
    """first-sentence defaults: no length limit (every source's first sentence)."""

    unit: Unit = "sentences"
    match_reference: bool = False


@register_system(
    "first-sentence",
    "first sentence of each source document (multi-doc lead; on one document it is lead-1)",
)
class FirstSentence(Extractive):
    """The first sentence of every source document, in document order."""

    Config = FirstSentenceConfig

    def order(self, pool: Sequence[Pooled], example: Example) -> list[int]:
        firsts: dict[int, int] = {}
        for i, s in enumerate(pool):
            firsts.setdefault(s.doc, i)
        return [firsts[d] for d in sorted(firsts)]
