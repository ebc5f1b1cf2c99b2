"""ROUGE-1.5.5's counting: n-grams, skip-bigrams, summary-level LCS and WLCS, A/B formulas.

Why: the Perl's numbers come from specific choices that other implementations
do not make: per reference it counts hits, reference units and peer units; ``-f A``
sums the three over references (precision divides by the peer count once per
reference), ``-f B`` keeps the reference with the best recall (first one on ties);
recall and precision are rounded to 5 decimals *before* F is computed from them;
skip-bigrams never start at the last token (so ``-u`` never counts it); ROUGE-L
marks, for every reference sentence, the union of its LCS positions with every
peer sentence and then clips hits by unigram counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from benchmark.metrics.rouge155.text import ReadText


@dataclass(frozen=True)
class Counts:
    """One peer/reference comparison: hits, reference units, peer units, B-mode selection key."""

    hit: float
    model: float
    peer: float
    key: float


def _round5(value: float) -> float:
    """Perl's ``sprintf("%7.5f", x)`` read back as a number."""
    return float(f"{value:.5f}")


def prf(hit: float, model: float, peer: float, alpha: float) -> tuple[float, float, float]:
    """Recall, precision and F exactly as the Perl prints them (F from the rounded R and P)."""
    r = _round5(hit / model) if model else 0.0
    p = _round5(hit / peer) if peer else 0.0
    denom = (1 - alpha) * p + alpha * r
    f = _round5(p * r / denom) if denom > 0 else 0.0
    return r, p, f


def combine(per_ref: Sequence[Counts], formula: str) -> Counts:
    """``-f A``: sum over references; ``-f B``: the first reference with the highest key."""
    if formula == "B":
        best: Counts | None = None
        for c in per_ref:
            if best is None or c.key > best.key:
                best = c
        return best or Counts(0, 0, 0, 0)
    return Counts(
        sum(c.hit for c in per_ref),
        sum(c.model for c in per_ref),
        sum(c.peer for c in per_ref),
        0.0,
    )


def ngrams(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    """Counts of contiguous n-grams (across sentence boundaries, as the Perl joins the text)."""
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def skip_bigrams(tokens: Sequence[str], distance: int, unigrams: bool) -> Counter[tuple[str, ...]]:
    """Ordered pairs at most ``distance`` tokens apart (any if < 0), plus unigrams with ``-u``.

    As in 1.5.5, no pair or unigram starts at the last token.
    """
    grams: Counter[tuple[str, ...]] = Counter()
    last = len(tokens) - 1
    for i in range(last):
        if unigrams:
            grams[(tokens[i],)] += 1
        stop = last if distance < 0 else min(last, i + distance + 1)
        for j in range(i + 1, stop + 1):
            grams[(tokens[i], tokens[j])] += 1
    return grams


def overlap_counts(model: Counter[tuple[str, ...]], peer: Counter[tuple[str, ...]]) -> Counts:
    """Clipped hits; the B-mode key is the rounded recall, as the Perl compares it."""
    hit = sum(min(c, peer[g]) for g, c in model.items() if g in peer)
    total = sum(model.values())
    return Counts(hit, total, sum(peer.values()), _round5(hit / total) if total else 0.0)


def _lcs_mask(
    model: Sequence[str], peer: Sequence[str], mask: list[bool], weight: float | None
) -> None:
    """Mark the model positions on one LCS (or WLCS) path with the Perl's tie-breaking."""
    m, n = len(model), len(peer)
    if m == 0:
        return
    score = [[0.0] * (n + 1) for _ in range(m + 1)]
    run = [[0] * (n + 1) for _ in range(m + 1)]
    move = [[0] * (n + 1) for _ in range(m + 1)]  # 1 diagonal, 2 up, 3 left
    for i in range(1, m + 1):
        row, prev, mi = score[i], score[i - 1], model[i - 1]
        for j in range(1, n + 1):
            if mi == peer[j - 1]:
                if weight is None:
                    row[j] = prev[j - 1] + 1
                else:
                    k = run[i - 1][j - 1]
                    row[j] = prev[j - 1] + (k + 1) ** weight - k**weight
                    run[i][j] = k + 1
                move[i][j] = 1
            elif prev[j] >= row[j - 1]:
                row[j] = prev[j]
                move[i][j] = 2
            else:
                row[j] = row[j - 1]
                move[i][j] = 3
    i, j = m, n
    while i and j:
        step = move[i][j]
        if step == 1:
            i, j = i - 1, j - 1
            mask[i] = True
        elif step == 2:
            i -= 1
        else:
            j -= 1


def lcs_counts(model: ReadText, peer: ReadText, weight: float | None = None) -> Counts:
    """Summary-level ROUGE-L (``weight`` None) or ROUGE-W counts for one reference."""
    model_left = Counter(model.tokens)
    peer_left = Counter(peer.tokens)
    hit = 0.0
    base = 0.0
    for unit in model.units:
        mask = [False] * len(unit)
        base += len(unit) if weight is None else len(unit) ** weight
        vocab = set(unit)
        for peer_unit in peer.units:
            if not vocab.isdisjoint(peer_unit):  # no shared token: the LCS marks nothing
                _lcs_mask(unit, peer_unit, mask, weight)
        run = 0
        for j, tok in enumerate(unit):
            if not mask[j] or model_left[tok] <= 0 or peer_left[tok] <= 0:
                continue
            model_left[tok] -= 1
            peer_left[tok] -= 1
            if weight is None:
                hit += 1
                continue
            # ROUGE-W credits each run of consecutive hits with run**weight; like the Perl,
            # a run is closed only at a hit followed by an unmarked token or the sentence end.
            run += 1
            if (j + 1 < len(unit) and not mask[j + 1]) or j + 1 == len(unit):
                hit += run**weight
                run = 0
    if weight is None:
        return Counts(hit, base, len(peer.tokens), hit / base if base else 0.0)
    key = (hit / base) ** (1 / weight) if base else 0.0
    return Counts(hit, base**weight, len(peer.tokens) ** weight, key)


def weighted_prf(c: Counts, weight: float, alpha: float) -> tuple[float, float, float]:
    """ROUGE-W's R/P/F: the ratios are mapped back through the 1/weight power before rounding."""
    r = _round5((c.hit / c.model) ** (1 / weight)) if c.model else 0.0
    p = _round5((c.hit / c.peer) ** (1 / weight)) if c.peer else 0.0
    denom = (1 - alpha) * p + alpha * r
    f = _round5(p * r / denom) if denom > 0 else 0.0
    return r, p, f
