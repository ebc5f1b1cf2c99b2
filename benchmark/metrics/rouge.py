"""ROUGE-N/L/Lsum per example, equal to ``rouge-score`` and several times faster.

Why not call ``RougeScorer`` per pair: it re-tokenises and re-stems every text
for every pair and fills a full Python DP table per LCS. Here each distinct text
is tokenised once per ``score`` call (stems memoised), n-gram overlaps are
integer counts, ROUGE-L's LCS length comes from a bit-parallel algorithm, and
ROUGE-Lsum's union LCS reads the *same* DP table rouge-score backtracks through,
rebuilt from bit vectors. Every number is the integer rouge-score would count,
divided and combined with its exact float expressions, so results are equal, not
close (tests compare them on the seeds and on generated text).

Lsum sentences come from :func:`benchmark.sentences.split_sentences` (rouge-score
splits only on newlines and its NLTK option needs a download); the result equals
rouge-score given those sentences joined with newlines.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, get_args

from benchmark.errors import ConfigError, InputError
from benchmark.metrics.base import Metric, MetricOutput, register_metric
from benchmark.metrics.tokenizers import Tokenizer, get_tokenizer, stemmer_name
from benchmark.sentences import SPLITTER_NAME, split_sentences

MultiRef = Literal["max", "mean", "pooled", "jackknife"]
MULTIREF_MODES: tuple[str, ...] = get_args(MultiRef)
DEFAULT_TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")
_TYPE_RE = re.compile(r"^(?:rouge)?([1-9]|L|Lsum)$")

# (hits, prediction units, reference units) for one rouge type and one reference.
Counts = tuple[int, int, int]
PRF = tuple[float, float, float]


def normalize_types(types: Sequence[str]) -> tuple[str, ...]:
    """Canonical type names ('1' or 'rouge1' -> 'rouge1'), de-duplicated, order kept."""
    out: list[str] = []
    for t in types:
        m = _TYPE_RE.match(str(t).strip())
        if not m:
            raise ConfigError(
                f"unknown ROUGE type '{t}': use rouge1..rouge9, rougeL or rougeLsum"
            )
        name = f"rouge{m.group(1)}"
        if name not in out:
            out.append(name)
    if not out:
        raise ConfigError("no ROUGE type requested")
    return tuple(out)


def fmeasure(precision: float, recall: float) -> float:
    """rouge-score's F1, written the same way so the floats are identical."""
    if precision + recall > 0:
        return 2 * precision * recall / (precision + recall)
    return 0.0


def prf(hits: int, pred_units: int, ref_units: int) -> PRF:
    """Precision, recall, F from integer counts, as rouge-score divides them."""
    precision = hits / max(pred_units, 1)
    recall = hits / max(ref_units, 1)
    return precision, recall, fmeasure(precision, recall)


def ngram_counts(tokens: Sequence[str], n: int) -> Counter[object]:
    """Multiset of the n-grams of ``tokens`` (tuples for n > 1, plain tokens for n = 1)."""
    if n == 1:
        return Counter(tokens)
    return Counter(zip(*(tokens[k:] for k in range(n)), strict=False))


def overlap(a: Counter[object], b: Counter[object]) -> int:
    """Clipped n-gram matches: sum of min counts (symmetric, so loop the smaller)."""
    if len(a) > len(b):
        a, b = b, a
    return sum(min(c, b[g]) for g, c in a.items() if g in b)


def _masks(ref: Sequence[str]) -> dict[str, int]:
    masks: dict[str, int] = {}
    for i, tok in enumerate(ref):
        masks[tok] = masks.get(tok, 0) | (1 << i)
    return masks


def _bit_columns(n: int, can: Sequence[str], masks: dict[str, int]) -> list[int]:
    """Bit-parallel LCS (Hyyrö 2004): one n-bit vector per prefix of ``can``."""
    full = (1 << n) - 1
    cols = [full]
    v = full
    for tok in can:
        m = masks.get(tok)
        if m:
            u = v & m
            v = ((v + u) | (v - u)) & full
        cols.append(v)
    return cols


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence of two token lists."""
    if not a or not b:
        return 0
    return len(a) - _bit_columns(len(a), b, _masks(a))[-1].bit_count()


def lcs_indices(ref: Sequence[str], can: Sequence[str], masks: dict[str, int]) -> list[int]:
    """rouge-score's ``lcs_ind``: the indices into ``ref`` of the LCS its backtrack picks.

    Bit ``i`` of column vector ``V_j`` is 0 where ``LCS(ref[:i+1], can[:j])`` grows, so
    the DP cell ``t[i][j]`` is ``i - popcount(V_j & (2**i - 1))``; the walk below is
    rouge-score's ``_backtrack_norec`` over exactly that table.
    """
    cols = _bit_columns(len(ref), can, masks)
    full = cols[0]
    v = cols[-1]
    out: list[int] = []
    if v == full:  # empty LCS
        return out
    i, j = len(ref), len(can)
    while i > 0 and j > 0:
        if ref[i - 1] == can[j - 1]:
            out.append(i - 1)
            i -= 1
            j -= 1
        else:
            low = (1 << (i - 1)) - 1  # t[i][j-1] > t[i-1][j], with both cells read from bits
            left = i - (cols[j - 1] & (low | (1 << (i - 1)))).bit_count()
            if left > i - 1 - (cols[j] & low).bit_count():
                j -= 1
            else:
                i -= 1
    out.reverse()
    return out


def summary_lcs_counts(ref_sents: list[list[str]], can_sents: list[list[str]]) -> Counts:
    """rouge-score's ``_summary_level_lcs`` as (hits, candidate tokens, reference tokens)."""
    m = sum(map(len, ref_sents))
    n = sum(map(len, can_sents))
    if not ref_sents or not can_sents or not n or not m:
        return 0, n, m
    cnt_r: Counter[str] = Counter()
    cnt_c: Counter[str] = Counter()
    for s in ref_sents:
        cnt_r.update(s)
    for s in can_sents:
        cnt_c.update(s)
    can_sets = [set(c) for c in can_sents]
    hits = 0
    for r in ref_sents:
        masks = _masks(r)
        union: set[int] = set()
        for c, cset in zip(can_sents, can_sets, strict=True):
            if not cset.isdisjoint(masks):
                union.update(lcs_indices(r, c, masks))
        for idx in sorted(union):
            t = r[idx]
            if cnt_c[t] > 0 and cnt_r[t] > 0:
                hits += 1
                cnt_c[t] -= 1
                cnt_r[t] -= 1
    return hits, n, m


@dataclass
class _Text:
    """A text tokenised once: tokens, n-gram counters on demand, Lsum sentences."""

    tokens: list[str]
    sentences: list[list[str]] | None = None
    ngrams: dict[int, Counter[object]] = field(default_factory=dict)

    def grams(self, n: int) -> Counter[object]:
        got = self.ngrams.get(n)
        if got is None:
            got = self.ngrams[n] = ngram_counts(self.tokens, n)
        return got


def _mean(rows: list[PRF]) -> PRF:
    k = len(rows)
    return (sum(s[0] for s in rows) / k, sum(s[1] for s in rows) / k, sum(s[2] for s in rows) / k)


def combine(per_ref: list[PRF], counts: list[Counts], mode: str) -> PRF:
    """Fold one type's per-reference (P, R, F) into one, by ``mode`` (see docs/rouge.md)."""
    if mode == "max" or len(per_ref) == 1:
        return max(per_ref, key=lambda s: s[2])  # first best F, as numpy.argmax picks
    if mode == "mean":
        return _mean(per_ref)
    if mode == "pooled":
        hits = sum(c[0] for c in counts)
        precision = hits / max(sum(c[1] for c in counts), 1)
        recall = hits / max(sum(c[2] for c in counts), 1)
        return precision, recall, fmeasure(precision, recall)
    # jackknife: best reference within every leave-one-out subset, averaged over subsets
    return _mean([max(per_ref[:k] + per_ref[k + 1:], key=lambda s: s[2])
                  for k in range(len(per_ref))])


@register_metric("rouge")
class RougeMetric(Metric):
    """ROUGE-N/L/Lsum P/R/F with a named tokenizer profile and multi-reference mode.

    The default profile equals ``RougeScorer(types, use_stemmer=True)``; scores are
    raw floats in [0, 1] under keys like ``rouge1_f``; tables multiply by 100.
    """

    def __init__(
        self,
        types: Sequence[str] = DEFAULT_TYPES,
        tokenizer: str = "rouge-score",
        stem: bool = True,
        multiref: MultiRef = "max",
        language: str | None = None,
    ) -> None:
        if multiref not in MULTIREF_MODES:
            raise ConfigError(
                f"unknown multi-reference mode '{multiref}': use {', '.join(MULTIREF_MODES)}"
            )
        self.types = normalize_types(types)
        self.profile = tokenizer
        self.stem = stem
        self.multiref: str = multiref
        self.language = language
        self.tokenizer: Tokenizer = get_tokenizer(tokenizer, language=language, stem=stem)
        self._split_language = language or "en"

    def signature(self) -> str:
        """E.g. ``rouge:1,2,L,Lsum|tok:rouge-score|stem:porter|split:...|multiref:max``."""
        parts = [
            "rouge:" + ",".join(t[len("rouge"):] for t in self.types),
            f"tok:{self.profile}",
            f"stem:{stemmer_name(self.tokenizer)}",
        ]
        if self.language:
            parts.append(f"lang:{self.language}")
        if "rougeLsum" in self.types:
            parts.append(f"split:{SPLITTER_NAME}")
        parts.append(f"multiref:{self.multiref}")
        return "|".join(parts)

    def _prepare(self, text: str, cache: dict[str, _Text]) -> _Text:
        got = cache.get(text)
        if got is None:
            tok = self.tokenizer.tokenize
            got = _Text(tokens=tok(text))
            if "rougeLsum" in self.types:
                got.sentences = [tok(s) for s in split_sentences(text, self._split_language)]
            cache[text] = got
        return got

    def _counts(self, pred: _Text, ref: _Text) -> dict[str, Counts]:
        out: dict[str, Counts] = {}
        for t in self.types:
            if t == "rougeL":
                out[t] = (lcs_length(ref.tokens, pred.tokens), len(pred.tokens), len(ref.tokens))
            elif t == "rougeLsum":
                assert pred.sentences is not None and ref.sentences is not None
                out[t] = summary_lcs_counts(ref.sentences, pred.sentences)
            else:
                n = int(t[len("rouge"):])
                p, r = pred.grams(n), ref.grams(n)
                out[t] = (overlap(p, r), sum(p.values()), sum(r.values()))
        return out

    def score_one(self, prediction: str, references: Sequence[str],
                  cache: dict[str, _Text] | None = None) -> MetricOutput:
        """Score one prediction against its references (see :meth:`score`)."""
        cache = {} if cache is None else cache
        flags: list[str] = []
        if not prediction.strip():
            flags.append("empty-prediction")
        if any(not r.strip() for r in references):
            flags.append("empty-reference")
        pred = self._prepare(prediction, cache)
        if not pred.tokens and "empty-prediction" not in flags:
            flags.append("no-tokens")
        per_ref_counts = [self._counts(pred, self._prepare(r, cache)) for r in references]
        scores: dict[str, float] = {}
        per_reference: dict[str, list[float]] = {}
        for t in self.types:
            counts = [c[t] for c in per_ref_counts]
            triples = [prf(*c) for c in counts]
            if "empty-prediction" in flags:
                triples = [(0.0, 0.0, 0.0)] * len(triples)
            folded = combine(triples, counts, self.multiref)
            if "empty-prediction" in flags:
                folded = (0.0, 0.0, 0.0)
            for k, suffix in enumerate("prf"):
                scores[f"{t}_{suffix}"] = folded[k]
                per_reference[f"{t}_{suffix}"] = [s[k] for s in triples]
        return MetricOutput(scores=scores, per_reference=per_reference, flags=flags)

    def score(
        self,
        predictions: Sequence[str],
        references: Sequence[Sequence[str]],
        documents: Sequence[str] | None = None,
    ) -> list[MetricOutput]:
        """One :class:`MetricOutput` per prediction; ``documents`` are not used by ROUGE.

        ``references[i]`` lists example ``i``'s references (at least one). A blank
        prediction scores 0 and is flagged ``empty-prediction``; one whose tokens all
        vanish under the profile is flagged ``no-tokens`` (see the tokenisation audit).
        """
        if len(predictions) != len(references):
            raise InputError(
                f"{len(predictions)} predictions but {len(references)} reference lists"
            )
        cache: dict[str, _Text] = {}
        outputs: list[MetricOutput] = []
        for i, (prediction, refs) in enumerate(zip(predictions, references, strict=True), 1):
            if isinstance(refs, str):
                raise InputError(f"example {i}: references must be a list of strings",
                                 field="references")
            if not refs:
                raise InputError(f"example {i} has no reference", field="references")
            outputs.append(self.score_one(prediction, refs, cache))
        return outputs
