"""What every extractive baseline shares: the sentence pool, the length budget, selection.

A baseline only decides an *order* over the pooled sentences; this module turns the
order into a summary under a length budget, the same way for every system, so two
baselines differ only in what they rank first.

Rules (also in docs/baselines.md):

* **Pool.** Each source document is split with :func:`benchmark.sentences.split_sentences`
  (the evaluator's splitter, never a split on ". "); sentences are pooled in document
  order (all of document 1, then document 2, ...). A sentence whose whitespace- and
  case-normalised text already occurred earlier in the pool is dropped: multi-doc
  inputs built from near-duplicate articles repeat sentences verbatim.
* **Budget.** ``unit`` is ``sentences``, ``words`` (whitespace tokens) or ``chars``;
  ``k=N`` is shorthand for ``unit=sentences, budget=N`` (so ``lead-k:k=2`` works).
  An explicit ``budget`` wins; otherwise, if ``match_reference`` is true, the budget is
  the mean length of the example's references in that unit, rounded to the nearest
  integer (at least 1). With neither, there is no limit.
* **Selection.** Sentences are taken in the system's order until the summary length
  reaches the budget: the last sentence may overshoot (at most one sentence), at least
  one sentence is always taken. With ``truncate`` the summary is then cut to exactly the
  budget (first N words, or first N characters). Chosen sentences are printed in pool
  order unless the system says otherwise (lead's round-robin order), one per line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from pydantic import Field, model_validator

from benchmark.errors import InputError
from benchmark.metrics.tokenizers import UnicodeTokenizer
from benchmark.schema import Example
from benchmark.sentences import split_sentences
from benchmark.systems.registry import System, SystemConfig

Unit = Literal["sentences", "words", "chars"]


class BudgetConfig(SystemConfig):
    """Length budget shared by every extractive baseline (see the module docstring)."""

    unit: Unit = Field(default="words", description="budget unit: sentences, words or chars")
    budget: float | None = Field(
        default=None, gt=0, description="explicit budget in `unit`; None = see match_reference"
    )
    match_reference: bool = Field(
        default=True, description="without a budget, use the mean reference length in `unit`"
    )
    truncate: bool = Field(
        default=False, description="cut the summary to exactly the budget (words/chars)"
    )
    k: int | None = Field(
        default=None, ge=1, description="shorthand for unit='sentences', budget=k"
    )

    @model_validator(mode="before")
    @classmethod
    def _k_alone(cls, data: Any) -> Any:
        """``k`` replaces unit and budget; giving both is a contradiction."""
        if not isinstance(data, dict) or data.get("k") is None:
            return data
        if "unit" in data or "budget" in data:
            raise ValueError("k=N means N sentences: give k, or unit and budget, not both")
        return data

    @property
    def effective_unit(self) -> Unit:
        """The unit the budget is counted in (``sentences`` when ``k`` is set)."""
        return "sentences" if self.k is not None else self.unit


@dataclass(frozen=True)
class Pooled:
    """One pooled sentence: its text and which document / position it came from."""

    text: str
    doc: int
    pos: int


def _normalise(text: str) -> str:
    return " ".join(text.lower().split())


def sentence_pool(example: Example) -> list[Pooled]:
    """Sentences of every document in document order, exact repeats removed.

    Why: every baseline must see the same units the evaluator sees, and multi-doc
    inputs of near-duplicate news repeat whole sentences.
    """
    seen: set[str] = set()
    pool: list[Pooled] = []
    language = example.language or "en"
    for d, doc in enumerate(example.documents):
        for p, sent in enumerate(split_sentences(doc, language)):
            key = _normalise(sent)
            if key in seen:
                continue
            seen.add(key)
            pool.append(Pooled(sent, d, p))
    if not pool:
        raise InputError(
            f"example {example.id!r} has no sentence in its documents", field="documents"
        )
    return pool


def length(text: str, unit: Unit, language: str = "en") -> int:
    """Length of ``text`` in ``unit``: sentences (project splitter), words (whitespace), chars."""
    if unit == "sentences":
        return len(split_sentences(text, language))
    if unit == "words":
        return len(text.split())
    return len(text)


def resolve_budget(config: BudgetConfig, example: Example) -> int | None:
    """The budget for this example in ``config.effective_unit``, or None for no limit.

    Why a function: the matched budget reads the references' lengths (and only
    that), so the rule must be one place that the docs and tests can point at.
    """
    if config.k is not None:
        return config.k
    if config.budget is not None:
        return max(1, round(config.budget))
    if not config.match_reference:
        return None
    language = example.language or "en"
    lengths = [length(r, config.effective_unit, language) for r in example.references]
    return max(1, round(sum(lengths) / len(lengths)))


def select(
    pool: Sequence[Pooled],
    order: Sequence[int],
    config: BudgetConfig,
    example: Example,
    keep_order: bool = False,
) -> str:
    """Take pool sentences in ``order`` until the budget is reached; return the summary.

    ``keep_order`` prints them in ``order`` (lead's round-robin); otherwise in pool order.
    """
    budget = resolve_budget(config, example)
    unit = config.effective_unit
    chosen: list[int] = []
    used = 0
    for i in order:
        if chosen and budget is not None and used >= budget:
            break
        chosen.append(i)
        if unit == "sentences":
            used += 1
        elif unit == "words":
            used += len(pool[i].text.split())
        else:
            used += len(pool[i].text) + (1 if len(chosen) > 1 else 0)
    if not keep_order:
        chosen.sort()
    summary = "\n".join(pool[i].text for i in chosen)
    if config.truncate and budget is not None:
        if unit == "words" and len(summary.split()) > budget:
            summary = " ".join(summary.split()[:budget])
        elif unit == "chars":
            summary = summary[:budget].rstrip()
    return summary


@lru_cache(maxsize=1)
def _unicode_words() -> UnicodeTokenizer:
    return UnicodeTokenizer(stem=False)


def words(text: str) -> list[str]:
    """Word tokens for the rankers' bag-of-words: the ``unicode`` ROUGE profile's words.

    NFKC, case-folded runs of letters, combining marks and digits; one token per
    Han/Hiragana/Katakana character. Why not ``\\w+``: it cuts Devanagari (and other
    Indic) words apart at their vowel signs (marks, not ``\\w``) and keeps a whole
    Chinese clause as one "word", so two Chinese sentences almost never shared a
    token and the rankers' similarities were 0. On ASCII text the tokens are the
    same, lower-cased (and an underscore now separates words).
    """
    return _unicode_words().words(text)


class ProjectTokenizer:
    """sumy-compatible tokenizer backed by the project's sentence splitter.

    Why: sumy's own ``Tokenizer("english")`` needs NLTK's punkt download and fails
    offline; sumy only calls ``to_sentences`` and ``to_words``.
    """

    def __init__(self, language: str = "en") -> None:
        self.language = language

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return tuple(split_sentences(paragraph, self.language))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(words(sentence))


def ranked(scores: Sequence[float]) -> list[int]:
    """Indices by descending score, ties broken by pool position (deterministic).

    Scores are rounded to 12 decimals first so that last-bit float differences
    between platforms cannot reorder near-ties.
    """
    return sorted(range(len(scores)), key=lambda i: (-round(scores[i], 12), i))


class Extractive(System):
    """Base of the ranking baselines: ``order`` decides, :func:`select` cuts."""

    Config = BudgetConfig
    config: BudgetConfig

    def order(self, pool: Sequence[Pooled], example: Example) -> list[int]:
        """Pool indices, most summary-worthy first."""
        raise NotImplementedError

    def uses_reference_length(self) -> bool:
        """True when :func:`resolve_budget` reads the references' length (no k, no budget)."""
        return self.config.k is None and self.config.budget is None \
            and self.config.match_reference

    def summarize(self, example: Example) -> str:
        pool = sentence_pool(example)
        return select(pool, self.order(pool, example), self.config, example)
