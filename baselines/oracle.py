"""Greedy extractive oracle: the upper bound of sentence extraction. READS THE REFERENCES.

Start from the empty summary; at each step add the pooled sentence that most
increases ROUGE-1 F + ROUGE-2 F (mean over the references) of the summary, printed
in pool order; stop when no sentence increases it (or at ``max_sentences``). At
least one sentence is always taken. Clipped n-gram overlap, F = 2PR/(P+R), bigrams
across sentence boundaries counted as rouge-score does on the joined text. The
n-gram arithmetic is done here on cached tokens (tens of candidates per step, each
re-scored by the metric would be slow); ``tests/test_baselines.py`` checks it
equals rouge-score's numbers.

**Tokenizer.** An upper bound is only an upper bound for the evaluation that uses
the same tokens, so the oracle selects with one of the evaluator's tokenizer profiles
(:mod:`benchmark.metrics.tokenizers`), chosen by ``tokenizer`` (see
:func:`resolve_profile` for the ``auto`` rule) with the evaluator's ``stem`` and
``language`` settings. Under ``rouge-score`` a Russian or Chinese sentence has no
token, every candidate scores 0 and the "oracle" is just the first sentence; ``auto``
therefore switches to ``unicode`` for such text. :func:`config_for_evaluation` pins
the profile to a known evaluation's settings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import Field, field_validator

from benchmark.metrics.audit import token_audit
from benchmark.metrics.tokenizers import (
    PROFILES,
    Tokenizer,
    get_tokenizer,
    normalize_language,
    stemmer_name,
)
from benchmark.schema import Example
from benchmark.systems.registry import System, SystemConfig, register_system

from .common import Pooled, sentence_pool

AUTO = "auto"
"""``tokenizer``/``language`` value meaning "decide per example" (see :func:`resolve_profile`)."""

AUTO_RULE = (
    "auto: rouge-score where the example's language is English or unknown and the "
    "rouge-score tokenizer keeps its text (the evaluator's token audit would not warn: "
    "no text loses more than 5% of its letters), else unicode with the example's language"
)
"""The ``auto`` rule in words, recorded in the oracle's identity (run metadata)."""


class OracleConfig(SystemConfig):
    """Oracle settings: a sentence cap and the tokenizer profile it selects with."""

    max_sentences: int | None = Field(default=None, ge=1, description="stop after this many")
    tokenizer: str = Field(
        default=AUTO,
        description="ROUGE tokenizer profile to select with: auto (per example, see "
        "docs/baselines.md), rouge-score, unicode or module:attr; use the evaluation's",
    )
    stem: bool = Field(default=True, description="stem as the evaluation does (--no-stem)")
    language: str | None = Field(
        default=AUTO,
        description="language of the unicode profile's stemmer: auto = the example's, "
        "null = none (like evaluating without --language), or an ISO code",
    )

    @field_validator("tokenizer")
    @classmethod
    def _known_profile(cls, value: str) -> str:
        if value != AUTO and value not in PROFILES and ":" not in value:
            raise ValueError(
                f"unknown tokenizer profile '{value}': use auto, {', '.join(PROFILES)} "
                "or module:attr"
            )
        return value


@dataclass(frozen=True)
class SelectionProfile:
    """The tokenizer profile the oracle selected one example with, and why."""

    tokenizer: str
    stem: bool
    language: str | None
    reason: str

    def get(self) -> Tokenizer:
        """The profile's (cached) tokenizer, as the evaluator builds it."""
        return get_tokenizer(self.tokenizer, language=self.language, stem=self.stem)

    def signature(self) -> str:
        """``tok:..|stem:..[|lang:..]`` in the evaluator's signature format."""
        parts = [f"tok:{self.tokenizer}", f"stem:{stemmer_name(self.get())}"]
        if self.language and self.tokenizer == "unicode":
            parts.append(f"lang:{self.language}")
        return "|".join(parts)


def _rouge_score_loses_text(example: Example) -> bool:
    """True where the evaluator's token audit would warn about the rouge-score profile."""
    texts = {f"d{i}": d for i, d in enumerate(example.documents)}
    texts.update({f"r{i}": r for i, r in enumerate(example.references)})
    return token_audit(texts, "rouge-score").warning is not None


def resolve_profile(config: OracleConfig, example: Example) -> SelectionProfile:
    """The profile the oracle selects ``example`` with.

    An explicit ``tokenizer`` is used as given. ``auto`` (the default) picks
    ``rouge-score`` (the evaluator's default, bit-compatible with rouge-score) when the
    example's language is English or unknown *and* rouge-score keeps its text (no
    document or reference loses more than 5 % of its letters, the evaluator's audit
    threshold); otherwise ``unicode``, with the example's language for stemming. Why:
    selecting with a tokenizer that drops the text scores every sentence 0.
    ``language`` ``auto`` means the example's language (only the ``unicode`` profile
    uses it).
    """
    language = normalize_language(example.language if config.language == AUTO else config.language)
    if config.tokenizer != AUTO:
        lang = language if config.tokenizer == "unicode" else None
        return SelectionProfile(config.tokenizer, config.stem, lang, "configured")
    if language not in (None, "en"):
        return SelectionProfile("unicode", config.stem, language, f"language {language}")
    if _rouge_score_loses_text(example):
        return SelectionProfile(
            "unicode", config.stem, language, "rouge-score drops over 5% of the letters"
        )
    return SelectionProfile("rouge-score", config.stem, None, "English text")


def config_for_evaluation(settings: Any, base: OracleConfig | None = None) -> OracleConfig:
    """An oracle config that selects with a known evaluation's tokenizer settings.

    ``settings`` is an :class:`~benchmark.evaluation.evaluate.EvalConfig` (or anything with its
    ``tokenizer``, ``stem``, ``language`` and ``rouge155`` attributes). Why: a runner
    that lets the user pick the evaluation profile passes it here so the oracle is an
    upper bound for exactly that evaluation. ``rouge155`` (the Perl profile) maps to
    ``rouge-score``: both keep only ASCII letters and digits.
    """
    base = base if base is not None else OracleConfig()
    tokenizer = "rouge-score" if getattr(settings, "rouge155", None) else settings.tokenizer
    return base.model_copy(update={
        "tokenizer": tokenizer, "stem": bool(settings.stem),
        "language": getattr(settings, "language", None),
    })


def ngrams(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    """Counts of the n-grams of ``tokens``."""
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def f_measure(pred: Counter[tuple[str, ...]], ref: Counter[tuple[str, ...]]) -> float:
    """rouge-score's F1 from clipped n-gram overlap (0 when either side is empty)."""
    overlap = sum((pred & ref).values())
    if overlap == 0:
        return 0.0
    precision = overlap / sum(pred.values())
    recall = overlap / sum(ref.values())
    return 2 * precision * recall / (precision + recall)


def rouge_tokenizer() -> Tokenizer:
    """The ``rouge-score`` profile with stemming: rouge-score's tokens, memoised stems."""
    return get_tokenizer("rouge-score", stem=True)


def greedy_oracle(
    sentences: Sequence[str],
    references: Sequence[str],
    max_sentences: int | None = None,
    tokenizer: Any = None,
) -> list[int]:
    """Indices (ascending) of the greedy ROUGE-1+ROUGE-2 oracle extract.

    ``tokenizer`` is anything with ``tokenize(str) -> list[str]`` (default: the
    ``rouge-score`` profile). Why public: the XSum sanity benchmark and tests call it
    on raw sentence lists.
    """
    tok = tokenizer if tokenizer is not None else rouge_tokenizer()
    sent_tokens = [tok.tokenize(s) for s in sentences]
    ref_grams = [(ngrams(t, 1), ngrams(t, 2)) for t in (tok.tokenize(r) for r in references)]

    def objective(chosen: Sequence[int]) -> float:
        tokens = [t for i in sorted(chosen) for t in sent_tokens[i]]
        uni, bi = ngrams(tokens, 1), ngrams(tokens, 2)
        total = sum(f_measure(uni, r1) + f_measure(bi, r2) for r1, r2 in ref_grams)
        return total / len(ref_grams)

    chosen: list[int] = []
    current = 0.0
    limit = max_sentences if max_sentences is not None else len(sentences)
    while len(chosen) < limit:
        best, best_score = -1, current
        for i in range(len(sentences)):
            if i in chosen:
                continue
            score = objective([*chosen, i])
            if score > best_score or (not chosen and best < 0):
                best, best_score = i, score
        if best < 0:
            break
        chosen.append(best)
        current = best_score
    return sorted(chosen)


@register_system("oracle", "greedy extractive oracle, ROUGE-1+2 F vs the references (upper bound)")
class Oracle(System):
    """Greedy ROUGE oracle over the sentence pool; an upper bound, not a system."""

    Config = OracleConfig
    config: OracleConfig
    uses_references = True

    def summarize(self, example: Example) -> str:
        pool: list[Pooled] = sentence_pool(example)
        tokenizer = resolve_profile(self.config, example).get()
        picked = greedy_oracle([p.text for p in pool], example.references,
                               self.config.max_sentences, tokenizer)
        return "\n".join(pool[i].text for i in picked)

    def profiles(self, examples: Iterable[Example]) -> dict[str, list[str]]:
        """Example ids by the profile signature they were selected with (for reports)."""
        out: dict[str, list[str]] = {}
        for ex in examples:
            out.setdefault(resolve_profile(self.config, ex).signature(), []).append(ex.id)
        return dict(sorted(out.items()))

    def for_evaluation(self, settings: Any) -> Oracle:
        """Left at ``tokenizer=auto``, a copy that selects with the scoring profile the
        user chose (:func:`config_for_evaluation`); otherwise unchanged."""
        if self.config.tokenizer != AUTO:
            return self
        return type(self)(config_for_evaluation(settings, self.config))

    def identity(self) -> dict[str, Any]:
        """Name and config plus, under ``auto``, the rule in words: what the run records."""
        out = super().identity()
        if self.config.tokenizer == AUTO:
            out["tokenizer_rule"] = AUTO_RULE
        return out
