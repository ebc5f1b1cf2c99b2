"""ROUGE-N/L/Lsum per example, equal to ``rouge-score`` and over a hundred times faster.

Why not call ``RougeScorer`` per pair: it re-tokenises and re-stems every text
for every pair and fills a full Python DP table per LCS. Here each distinct text
is prepared once per process (:mod:`benchmark.metrics.rouge_texts`), n-gram overlaps
are integer counts, ROUGE-L's LCS length comes from a bit-parallel algorithm, and
ROUGE-Lsum's union LCS reads the *same* DP table rouge-score backtracks through,
rebuilt from bit vectors. The counting runs in a small C core when it was built
(:mod:`benchmark.metrics.rouge_backend`), else in the Python below. Every number is
the integer rouge-score would count, divided and combined with its exact float
expressions, so results are equal, not close (tests compare them on the seeds, on
generated text and on 10,000 pairs in ``bench/scoring_throughput.py``).

Lsum sentences come from :func:`benchmark.sentences.split_sentences` (rouge-score
splits only on newlines and its NLTK option needs a download); the result equals
rouge-score given those sentences joined with newlines.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Sequence
from typing import Any, Literal, get_args

from benchmark.errors import ConfigError, InputError
from benchmark.metrics import rouge_backend
from benchmark.metrics.base import Metric, MetricOutput, gc_paused, register_metric
from benchmark.metrics.rouge_texts import PreparedText, TextPreparer, pack
from benchmark.metrics.tokenizers import (
    RougeScoreTokenizer,
    Tokenizer,
    get_tokenizer,
    stemmer_name,
)
from benchmark.sentences import SPLITTER_NAME

MultiRef = Literal["max", "mean", "pooled", "jackknife"]
Split = Literal["sentences", "newline"]
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


def _grams(text: PreparedText, n: int) -> Counter[object]:
    got = text.ngrams.get(n)
    if got is None:
        got = text.ngrams[n] = ngram_counts(text.tokens, n)
    return got


def py_counts(pred: PreparedText, ref: PreparedText, ns: tuple[int, ...],
              want_l: bool) -> tuple[int, ...]:
    """The pure-Python backend, laid out as the C core's ``counts`` (see _rougecore.c)."""
    out: list[int] = []
    for n in ns:
        p, r = _grams(pred, n), _grams(ref, n)
        out += (overlap(p, r), sum(p.values()), sum(r.values()))
    if want_l:
        out.append(lcs_length(ref.tokens, pred.tokens))
    if pred.sentences is not None and ref.sentences is not None:
        out += summary_lcs_counts(ref.sentences, pred.sentences)
    return tuple(out)


def _packed_sents(sents: list[list[int]] | None) -> tuple[bytes, bytes] | None:
    return None if sents is None else (pack([t for s in sents for t in s]),
                                       pack([len(s) for s in sents]))


def _self_check(core: Any) -> bool:
    """Does the C core return the pure-Python counts and rouge-score's tokens?"""
    for pred, ref, ps, rs, ns, want_l in rouge_backend.self_check_cases():
        expected = py_counts(PreparedText(pred, ps, len(pred)), PreparedText(ref, rs, len(ref)),
                             ns, want_l)
        got = core.counts(pack(pred), pack(ref), _packed_sents(ps), _packed_sents(rs), ns,
                          want_l)
        if got != expected:
            return False
        if ps is not None and rs is not None:  # the floats of the batch path, too
            counts = [expected[k:k + 3] for k in range(0, 3 * len(ns), 3)]  # (hits, pred, ref)
            lcs = expected[3 * len(ns)]
            want = [*counts[:len(ns)], (lcs, len(pred), len(ref)), tuple(expected[-3:])]
            row = core.score_pairs([pack(pred)], [pack(ref)], [_packed_sents(ps)],
                                   [_packed_sents(rs)], (*ns, 0, -1), None)[0]
            if row != tuple(x for c in want for x in prf(*c)):
                return False
    plain = RougeScoreTokenizer(stem=False)
    for text in rouge_backend.SELF_CHECK_TEXTS:
        lines = text.split("\n")
        words = {w: i for i, w in enumerate(sorted(set(plain.tokenize(text))))}
        names = sorted(words, key=words.__getitem__)
        for table in (words, core.new_words()):  # a dict, and the core's own word table
            ids, lens = core.tokenize(text, table, True, words.__getitem__)
            if ([names[i] for i in array("i", ids)] != plain.tokenize(text)
                    or list(array("i", lens)) != [len(plain.tokenize(x)) for x in lines]):
                return False
    return True


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
        split: Split = "sentences",
    ) -> None:
        if multiref not in MULTIREF_MODES:
            raise ConfigError(
                f"unknown multi-reference mode '{multiref}': use {', '.join(MULTIREF_MODES)}"
            )
        self.types = normalize_types(types)
        self.profile = tokenizer
        self.stem = stem
        self.multiref: str = multiref
        if split not in get_args(Split):
            raise ConfigError(f"unknown Lsum split '{split}': use sentences or newline")
        self.split: str = split
        self.language = language
        self.tokenizer: Tokenizer = get_tokenizer(tokenizer, language=language, stem=stem)
        self._ns = tuple(int(t[len("rouge"):]) for t in self.types if t[len("rouge"):].isdigit())
        self._want_l = "rougeL" in self.types
        self._want_lsum = "rougeLsum" in self.types
        # where each type's counts sit in the backend's flat tuple
        spots = {f"rouge{n}": 3 * k for k, n in enumerate(self._ns)}
        spots["rougeL"] = 3 * len(self._ns)
        spots["rougeLsum"] = 3 * len(self._ns) + int(self._want_l)
        self._layout = [(t, spots[t]) for t in self.types]
        self._keys = [(t, spots[t], f"{t}_p", f"{t}_r", f"{t}_f") for t in self.types]
        self._flat_keys = tuple(k for row in self._keys for k in row[2:])
        kind = {"rougeL": 0, "rougeLsum": -1}
        self._kinds = tuple(kind[t] if t in kind else int(t[len("rouge"):]) for t in self.types)
        self.backend, core = rouge_backend.select(_self_check)
        self._core = core.counts if core is not None else None
        self._batch = core.score_pairs if core is not None else None
        self.backend_version = rouge_backend.backend_version(self.backend)
        self._texts = TextPreparer(tokenizer, self.tokenizer, language=language, stem=stem,
                                   lsum=self._want_lsum, split=split, core=core)

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
            parts.append(f"split:{SPLITTER_NAME if self.split == 'sentences' else 'newline'}")
        parts.append(f"multiref:{self.multiref}")
        return "|".join(parts)

    def _prepare(self, text: str, cache: dict[str, PreparedText]) -> PreparedText:
        return self._texts.prepare(text, cache)

    def _counts(self, pred: PreparedText, ref: PreparedText) -> dict[str, Counts]:
        if self._core is not None:
            flat = self._core(pred.tokens, ref.tokens, pred.sentences, ref.sentences,
                              self._ns, self._want_l)
        else:
            flat = py_counts(pred, ref, self._ns, self._want_l)
        out: dict[str, Counts] = {}
        for t, at in self._layout:
            if t == "rougeL":
                out[t] = (flat[at], pred.n, ref.n)
            else:
                out[t] = (flat[at], flat[at + 1], flat[at + 2])
        return out

    def _one_reference(self, pred: PreparedText, ref: PreparedText) -> MetricOutput:
        """:meth:`score_one` for a non-empty prediction and one reference (same floats)."""
        counts = self._counts(pred, ref)
        scores: dict[str, float] = {}
        per_reference: dict[str, list[float]] = {}
        for t, _, kp, kr, kf in self._keys:
            precision, recall, f = prf(*counts[t])
            scores[kp], scores[kr], scores[kf] = precision, recall, f
            per_reference[kp], per_reference[kr], per_reference[kf] = [precision], [recall], [f]
        return MetricOutput(scores=scores, per_reference=per_reference, flags=[])

    def score_one(self, prediction: str, references: Sequence[str],
                  cache: dict[str, PreparedText] | None = None) -> MetricOutput:
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
        if len(references) == 1 and not flags:  # the common case, without the folding
            return self._one_reference(pred, self._prepare(references[0], cache))
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
        with gc_paused():
            return self._score(predictions, references)

    def _score(self, predictions: Sequence[str],
               references: Sequence[Sequence[str]]) -> list[MetricOutput]:
        cache = self._texts.cache()
        for i, refs in enumerate(references, 1):
            if isinstance(refs, str):
                raise InputError(f"example {i}: references must be a list of strings",
                                 field="references")
            if not refs:
                raise InputError(f"example {i} has no reference", field="references")
        outputs: list[MetricOutput | None] = [None] * len(predictions)
        batch: list[int] = []  # one non-blank reference, a prediction with tokens
        if self._batch is not None:
            batch = [i for i, (p, refs) in enumerate(zip(predictions, references, strict=True))
                     if len(refs) == 1 and p and not p.isspace()
                     and refs[0] and not refs[0].isspace()]
            self._texts.prepare_many([predictions[i] for i in batch]
                                     + [references[i][0] for i in batch], cache)
            prepare = self._texts.prepare
            preds = [cache.get(predictions[i]) or prepare(predictions[i], cache) for i in batch]
            keep = [k for k, pred in enumerate(preds) if pred.n]  # "no-tokens" needs its flag
            if len(keep) < len(batch):
                batch, preds = [batch[k] for k in keep], [preds[k] for k in keep]
            refs_ = [cache.get(references[i][0]) or prepare(references[i][0], cache)
                     for i in batch]
            self._score_batch(batch, preds, refs_, outputs)
        for i, out in enumerate(outputs):
            if out is None:
                outputs[i] = self.score_one(predictions[i], references[i], cache)
        return outputs  # type: ignore[return-value]  # every None was filled

    def _score_batch(self, batch: list[int], preds: list[PreparedText],
                     refs: list[PreparedText], outputs: list[MetricOutput | None]) -> None:
        """Score single-reference pairs in one C call (same floats as :meth:`score_one`)."""
        assert self._batch is not None
        rows = self._batch([p.tokens for p in preds], [r.tokens for r in refs],
                           [p.sentences for p in preds], [r.sentences for r in refs],
                           self._kinds, self._flat_keys)
        for i, (scores, per_reference) in zip(batch, rows, strict=True):
            outputs[i] = MetricOutput(scores, per_reference, [])
