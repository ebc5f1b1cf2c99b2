"""Greedy extractive oracle: the upper bound of sentence extraction. READS THE REFERENCES.

Start from the empty summary; at each step add the pooled sentence that most
increases ROUGE-1 F + ROUGE-2 F (mean over the references) of the summary, printed
in pool order; stop when no sentence increases it (or at ``max_sentences``). At
least one sentence is always taken. Scoring is rouge-score's own: its default
tokenizer with Porter stemming, clipped n-gram overlap, F = 2PR/(P+R), bigrams
across sentence boundaries counted as rouge-score does on the joined text. The
n-gram arithmetic is done here on cached tokens (tens of candidates per step, each
re-scored by rouge-score would be slow); ``tests/test_baselines.py`` checks it
equals rouge-score's numbers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from pydantic import Field

from benchmark.schema import Example
from benchmark.systems.registry import System, SystemConfig, register_system

from .common import Pooled, sentence_pool


class OracleConfig(SystemConfig):
    """Oracle settings: an optional cap on the number of sentences."""

    max_sentences: int | None = Field(default=None, ge=1, description="stop after this many")


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


def rouge_tokenizer() -> Any:
    """rouge-score's default tokenizer with stemming (imported lazily: ~2 s)."""
    from rouge_score.tokenizers import DefaultTokenizer

    return DefaultTokenizer(use_stemmer=True)


def greedy_oracle(
    sentences: Sequence[str],
    references: Sequence[str],
    max_sentences: int | None = None,
    tokenizer: Any = None,
) -> list[int]:
    """Indices (ascending) of the greedy ROUGE-1+ROUGE-2 oracle extract.

    Why public: the XSum sanity benchmark and tests call it on raw sentence lists.
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
        texts = [p.text for p in pool]
        picked = greedy_oracle(texts, example.references, self.config.max_sentences)
        return "\n".join(pool[i].text for i in picked)
