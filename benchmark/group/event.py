"""The same-event decision: a small logistic regression over the pair features.

One cosine cannot tell two events about the same actors apart (the seeds: the
2021 commission article has word TF-IDF cosine >= 0.20 with every 2012
article). The model combines lexical, entity, number and year evidence and the
encoder cosines, with separate weights for cross-language pairs
(``x_cross:<feature>`` terms): a character n-gram or e5 cosine of 0.3 means
something different across languages. Inputs are standardised before the
weights apply, so the regularisation treats a feature with a narrow range (e5
cosines live in 0.7-0.95) like any other.

The shipped weights (:data:`EVENT_MODEL`, :data:`EVENT_MODEL_USE`,
:data:`EVENT_MODEL_NO_EMBEDDINGS`) are a fit on the whole public SemEval-2022
Task 8 training file; reproduce them with ``python bench/grouping.py
--print-model``. Benchmark figures come from 5-fold cross-validation, not from
these weights.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from benchmark.group.features import FEATURE_NAMES

#: Lexical features every model reads; the embedding models add ``len_min`` and the
#: encoder cosines. ``cross_language`` is the switch of the cross terms;
#: ``date_gap_days`` and ``published_year_conflict`` are left to explicit rules because
#: the public training pairs carry (almost) no publication dates.
LEXICAL_FEATURES: tuple[str, ...] = tuple(
    f for f in FEATURE_NAMES
    if f not in ("cross_language", "date_gap_days", "published_year_conflict", "cos_embed",
                 "cos_e5", "len_min")
)
#: Standardised inputs are clipped to this many standard deviations of the training pairs,
#: so the model never extrapolates far past what it saw (cross-language pairs share a
#: 5-word shingle so rarely that one shared quotation would otherwise be ~500 sd out).
CLIP_SD = 5.0
#: Regularisation of the fit (scikit-learn's default): CV in docs/grouping.md is flat
#: between 0.3 and 10 once inputs are standardised.
FIT_C = 1.0


def model_features(embeddings: bool, e5: bool) -> tuple[str, ...]:
    """The features a configuration's model reads, in order."""
    if not embeddings:
        return LEXICAL_FEATURES
    return (*LEXICAL_FEATURES, "len_min", "cos_embed", *(("cos_e5",) if e5 else ()))


@dataclass(frozen=True)
class EventModel:
    """Logistic-regression weights over standardised inputs, and the decision threshold."""

    features: tuple[str, ...]
    weights: tuple[float, ...]
    cross_weights: tuple[float, ...]
    cross_bias: float
    intercept: float
    threshold: float
    center: tuple[float, ...] = ()  # per design column; empty = no standardisation
    scale: tuple[float, ...] = ()

    def design(self, features: Mapping[str, float]) -> list[float]:
        """The model's raw input row: features, features x cross-language, cross-language."""
        cross = features.get("cross_language", 0.0)
        base = [float(features[name]) for name in self.features]
        return [*base, *(x * cross for x in base), cross]

    def probability(self, features: Mapping[str, float]) -> float:
        """P(same event) for one pair's features (pure; fixed summation order)."""
        coefs = [*self.weights, *self.cross_weights, self.cross_bias]
        row = self.design(features)
        if self.center:
            row = [max(-CLIP_SD, min(CLIP_SD, (x - c) / s))
                   for x, c, s in zip(row, self.center, self.scale, strict=True)]
        z = self.intercept + math.fsum(w * x for w, x in zip(coefs, row, strict=True))
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def fit_event_model(
    rows: Sequence[Mapping[str, float]], labels: Sequence[bool], *,
    features: Sequence[str], c: float = FIT_C,
) -> EventModel:
    """Fit standardised weights and the F1-best threshold on labelled pairs (used by the bench).

    The threshold is the probability cut that maximises F1 on the same rows, so
    a cross-validated score must call this on training folds only. Centres,
    scales and weights are rounded to 6 decimals, and the threshold is chosen
    with the rounded model, so the printed model is exactly the fitted one.
    """
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    names = tuple(features)
    k = len(names)
    proto = EventModel(names, (0.0,) * k, (0.0,) * k, 0.0, 0.0, 0.5)
    x = np.array([proto.design(r) for r in rows], dtype=float)
    center = [round(float(v), 6) for v in x.mean(axis=0)]
    scale = [round(float(v), 6) or 1.0 for v in x.std(axis=0)]
    xs = np.clip((x - np.array(center)) / np.array(scale), -CLIP_SD, CLIP_SD)
    lr = LogisticRegression(C=c, max_iter=5000).fit(xs, np.array(labels, dtype=bool))
    coef = [round(float(v), 6) for v in lr.coef_[0]]
    model = EventModel(names, tuple(coef[:k]), tuple(coef[k : 2 * k]), coef[2 * k],
                       round(float(lr.intercept_[0]), 6), 0.5, tuple(center), tuple(scale))
    probs = [model.probability(r) for r in rows]
    return EventModel(model.features, model.weights, model.cross_weights, model.cross_bias,
                      model.intercept, best_threshold(probs, labels), model.center, model.scale)


def best_threshold(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """Score cut (``score >= cut`` is positive) with the best F1; ties take the lowest cut.

    The cut is placed halfway between two neighbouring distinct scores, rounded
    to 6 decimals, so it does not sit exactly on a training example.
    """
    pairs = sorted(zip(scores, labels, strict=True), key=lambda p: -p[0])
    positives = sum(1 for _, lab in pairs if lab)
    best_f1, best_cut = -1.0, 1.0
    tp = fp = 0
    for i, (score, label) in enumerate(pairs):
        tp += label
        fp += not label
        if i + 1 < len(pairs) and pairs[i + 1][0] == score:
            continue
        f1 = 2 * tp / (tp + fp + positives) if tp else 0.0
        nxt = pairs[i + 1][0] if i + 1 < len(pairs) else score
        if f1 > best_f1:
            best_f1, best_cut = f1, round((score + nxt) / 2, 6)
    return best_cut


# Fitted by `python bench/grouping.py --print-model` on all 1,233 binarised pairs of
# shared/eval/semeval2022_task8_train.csv (Overall <= 2 positive, >= 3 negative), texts
# cleaned by benchmark.ingest (as the build pipeline does), encoder cosines rounded to 4
# decimals, inputs standardised, LogisticRegression(C=FIT_C).
EVENT_MODEL = EventModel(
    features=model_features(True, True),
    weights=(-0.078993, 0.61592, -0.830254, 0.365306, -0.203369, 0.098703, -0.103455, -0.06141,
        -0.037575, -0.006771, -0.490675, 0.549271, 1.976636),
    cross_weights=(0.373696, -0.587479, 0.242489, -0.06709, -0.019103, 0.393358, 0.015569, 0.056106,
        0.117383, -0.058888, -0.4656, 0.695088, 0.503708),
    cross_bias=0.545042,
    intercept=-0.993003,
    threshold=0.375841,
    center=(0.151834, 0.203631, 0.008517, 0.223182, 0.102082, 0.018924, 0.104393, 0.064882, 0.02352,
        0.030008, 0.659805, 0.448088, 0.8543, 0.013541, 0.023716, 4e-06, 0.052806, 0.015932,
        0.004604, 0.029379, 0.019465, 0.005677, 0.013788, 0.192818, 0.124943, 0.242139, 0.296837),
    scale=(0.140255, 0.157549, 0.052064, 0.250697, 0.136592, 0.079299, 0.2687, 0.246318, 0.151548,
        0.17061, 0.054393, 0.223794, 0.055396, 0.033817, 0.050621, 9.9e-05, 0.146464, 0.048548,
        0.037831, 0.141667, 0.138152, 0.075133, 0.116608, 0.298684, 0.224736, 0.37342, 0.456864),
)
EVENT_MODEL_USE = EventModel(
    features=model_features(True, False),
    weights=(-0.180807, 0.884692, -0.939108, 0.322801, -0.041882, 0.112119, -0.032323, -0.104213,
        0.00312, -0.029351, -0.638049, 1.717165),
    cross_weights=(0.374077, -0.155994, 0.21001, -0.078161, 0.070561, 0.243526, 0.004285, 0.010837,
        0.035485, -0.004824, -0.098335, 0.218935),
    cross_bias=0.066245,
    intercept=-0.867784,
    threshold=0.455832,
    center=(0.151834, 0.203631, 0.008517, 0.223182, 0.102082, 0.018924, 0.104393, 0.064882, 0.02352,
        0.030008, 0.659805, 0.448088, 0.013541, 0.023716, 4e-06, 0.052806, 0.015932, 0.004604,
        0.029379, 0.019465, 0.005677, 0.013788, 0.192818, 0.124943, 0.296837),
    scale=(0.140255, 0.157549, 0.052064, 0.250697, 0.136592, 0.079299, 0.2687, 0.246318, 0.151548,
        0.17061, 0.054393, 0.223794, 0.033817, 0.050621, 9.9e-05, 0.146464, 0.048548, 0.037831,
        0.141667, 0.138152, 0.075133, 0.116608, 0.298684, 0.224736, 0.456864),
)
EVENT_MODEL_NO_EMBEDDINGS = EventModel(
    features=model_features(False, False),
    weights=(0.621494, 1.216172, -1.236982, 0.535582, -0.152403, 0.224224, -0.0264, -0.047257,
        -0.051229, -0.078834),
    cross_weights=(0.67928, -0.577143, 0.299533, 0.159609, 0.075678, 0.324155, 0.044125, 0.057101,
        0.078804, -0.054103),
    cross_bias=0.654579,
    intercept=-0.598268,
    threshold=0.371688,
    center=(0.151834, 0.203631, 0.008517, 0.223182, 0.102082, 0.018924, 0.104393, 0.064882, 0.02352,
        0.030008, 0.013541, 0.023716, 4e-06, 0.052806, 0.015932, 0.004604, 0.029379, 0.019465,
        0.005677, 0.013788, 0.296837),
    scale=(0.140255, 0.157549, 0.052064, 0.250697, 0.136592, 0.079299, 0.2687, 0.246318, 0.151548,
        0.17061, 0.033817, 0.050621, 9.9e-05, 0.146464, 0.048548, 0.037831, 0.141667, 0.138152,
        0.075133, 0.116608, 0.456864),
)


#: The e5 gate on corpora larger than ``exhaustive_below``: a pair goes to the full (USE + e5)
#: model only when the USE-only model's probability lies in this band; elsewhere the
#: USE-only verdict stands. Chosen under cross-validation on the public pairs
#: (bench/grouping.py, docs/grouping.md).
E5_GATE: tuple[float, float] = (0.15, 0.85)


def shipped_model(embeddings: bool, e5: bool = True) -> EventModel:
    """The default model for a configuration (``e5`` counts only with ``embeddings``)."""
    if not embeddings:
        return EVENT_MODEL_NO_EMBEDDINGS
    return EVENT_MODEL if e5 else EVENT_MODEL_USE
