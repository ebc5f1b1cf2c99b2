"""Seeded, vectorised statistics for scores: bootstrap CIs and paired significance.

Why hand-written rather than ``scipy.stats.bootstrap``: sumbench needs every metric
of a run resampled with the *same* example indices (so the CIs of ROUGE-1 and
ROUGE-2 describe the same resampled test sets, as SacreBLEU does), the exact mean
reported beside a percentile interval, and byte-identical numbers for a seed on
any machine. Resampling draws index blocks and gathers the
score columns, in fixed-size blocks, so 10,000 examples x 4 metrics x 1,000
resamples takes a fraction of a second and bounded memory.

Paired tests follow SacreBLEU (Koehn 2004; Riezler & Maxwell 2005): a paired
bootstrap whose p-value comes from the resampled differences shifted to the null,
and approximate randomisation (random swaps of the two systems' outputs per
example). Both are two-sided, with the ``(hits + 1) / (trials + 1)`` estimate so a
p-value is never 0. Holm's step-down correction controls the family-wise error
when several systems are compared with one baseline.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from benchmark.errors import ConfigError, InputError

DEFAULT_RESAMPLES = 1000
DEFAULT_CONFIDENCE = 0.95
DEFAULT_SEED = 12345
DEFAULT_TRIALS = 10000

#: Upper bound on resample-block cells (block rows x examples) held in memory.
_BLOCK_CELLS = 2_000_000

PairedMethod = Literal["paired-bootstrap", "approximate-randomization"]


def _check_params(n_resamples: int, confidence: float) -> None:
    if n_resamples < 1:
        raise ConfigError(f"the number of resamples must be at least 1, got {n_resamples}")
    if not 0.0 < confidence < 1.0:
        raise ConfigError(f"confidence must be strictly between 0 and 1, got {confidence}")


def _as_matrix(values: ArrayLike, what: str) -> NDArray[np.float64]:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise InputError(f"{what} must be a vector or an (examples x metrics) matrix")
    if arr.shape[0] == 0:
        raise InputError(f"{what} is empty: no examples to aggregate")
    if not np.isfinite(arr).all():
        raise InputError(f"{what} contains NaN or infinite values")
    return arr


def resample_indices(n: int, n_resamples: int, seed: int) -> Iterator[NDArray[np.int64]]:
    """Yield blocks of bootstrap index matrices (rows: resamples, columns: draws).

    Row ``r`` lists the examples drawn (with replacement) for resample ``r``. The
    stream depends only on ``(n, n_resamples, seed)``, never on how many metrics
    are scored, so every caller sees the same resampled test sets for a seed.
    """
    rng = np.random.default_rng(seed)
    block = max(1, min(n_resamples, _BLOCK_CELLS // max(n, 1)))
    done = 0
    while done < n_resamples:
        rows = min(block, n_resamples - done)
        yield rng.integers(0, n, size=(rows, n))
        done += rows


def bootstrap_means(
    matrix: ArrayLike, *, n_resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED
) -> NDArray[np.float64]:
    """Means of every metric over every bootstrap resample: ``(n_resamples x n_metrics)``.

    Exposed so callers can build other statistics (e.g. a CI of a ratio) from the
    same resamples the CIs use. Columns are gathered one at a time (contiguous
    copies), which measured faster than a count-matrix product or a 3-D gather.
    """
    m = _as_matrix(matrix, "scores")
    n, k = m.shape
    cols = [np.ascontiguousarray(m[:, j]) for j in range(k)]
    parts = [
        np.column_stack([col[idx].sum(axis=1) for col in cols])
        for idx in resample_indices(n, n_resamples, seed)
    ]
    return np.vstack(parts) / n


def _percentile_bounds(samples: NDArray[np.float64], confidence: float) -> NDArray[np.float64]:
    alpha = 1.0 - confidence
    q = np.quantile(samples, [alpha / 2.0, 1.0 - alpha / 2.0], axis=0)
    return np.asarray(q.T, dtype=np.float64)


def bootstrap_cis(
    matrix: ArrayLike,
    *,
    n_resamples: int = DEFAULT_RESAMPLES,
    confidence: float = DEFAULT_CONFIDENCE,
    seed: int = DEFAULT_SEED,
) -> NDArray[np.float64]:
    """Percentile bootstrap CIs of the mean for every column: ``(n_metrics x 2)``.

    All columns share the same resampled example sets. The exact mean is not the
    centre of the interval and should be reported separately (``matrix.mean(0)``),
    unlike rouge-score's BootstrapAggregator, whose "mid" is a bootstrap median.
    """
    _check_params(n_resamples, confidence)
    means = bootstrap_means(matrix, n_resamples=n_resamples, seed=seed)
    return _percentile_bounds(means, confidence)


def bootstrap_ci(
    values: ArrayLike,
    *,
    n_resamples: int = DEFAULT_RESAMPLES,
    confidence: float = DEFAULT_CONFIDENCE,
    seed: int = DEFAULT_SEED,
) -> tuple[float, float]:
    """Percentile bootstrap CI ``(low, high)`` of the mean of one metric's values."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1:
        raise InputError("bootstrap_ci takes a 1-D sequence of per-example values")
    low, high = bootstrap_cis(arr, n_resamples=n_resamples, confidence=confidence, seed=seed)[0]
    return float(low), float(high)


# --------------------------------------------------------------------------- paired tests


@dataclass
class PairedResult:
    """Outcome of a paired test of system B against system A on one metric.

    ``delta`` is mean(b) - mean(a) (exact), ``low``/``high`` its bootstrap CI,
    ``effect_size`` the standardised mean difference of the paired differences
    (Cohen's d_z = mean(d) / sd(d); 0 when all differences are 0, +-inf when they
    are all the same non-zero value) with its bootstrap CI in ``effect_low`` /
    ``effect_high``. ``p_adjusted`` is filled by :func:`compare_to_baseline`.
    """

    metric: str
    delta: float
    low: float
    high: float
    p_value: float
    method: str
    effect_size: float
    p_adjusted: float | None = None
    effect_low: float = 0.0
    effect_high: float = 0.0
    mean_a: float = 0.0
    mean_b: float = 0.0
    n: int = 0
    resamples: int = 0
    seed: int = DEFAULT_SEED

    def significant(self, alpha: float = 0.05) -> bool:
        """True when the (Holm-adjusted, if set) p-value is below ``alpha``."""
        p = self.p_adjusted if self.p_adjusted is not None else self.p_value
        return p < alpha

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict (non-finite effect sizes become ``None``)."""
        out = asdict(self)
        for key in ("effect_size", "effect_low", "effect_high"):
            if not math.isfinite(out[key]):
                out[key] = None
        return out


def _paired(a: ArrayLike, b: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    xa = np.asarray(a, dtype=np.float64)
    xb = np.asarray(b, dtype=np.float64)
    if xa.ndim != 1 or xb.ndim != 1:
        raise InputError("paired tests take two 1-D sequences of per-example scores")
    if xa.shape != xb.shape:
        raise InputError(
            "paired tests need the same examples for both systems: "
            f"got {xa.size} and {xb.size} scores"
        )
    if xa.size == 0:
        raise InputError("paired tests need at least one example")
    if not (np.isfinite(xa).all() and np.isfinite(xb).all()):
        raise InputError("paired scores contain NaN or infinite values")
    return xa, xb


def _cohen_dz(
    mean: NDArray[np.float64], meansq: NDArray[np.float64], n: int
) -> NDArray[np.float64]:
    """d_z from first and second moments, vectorised over resamples."""
    var = np.maximum(meansq - mean * mean, 0.0) * (n / (n - 1) if n > 1 else 0.0)
    sd = np.sqrt(var)
    tiny = 1e-12 * np.maximum(1.0, np.abs(mean))
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.where(sd > tiny, mean / np.where(sd > tiny, sd, 1.0), np.sign(mean) * np.inf)
    return np.asarray(np.where(np.abs(mean) <= tiny, 0.0, d), dtype=np.float64)


def _bootstrap_diff(
    diff: NDArray[np.float64], n_resamples: int, seed: int, confidence: float
) -> tuple[NDArray[np.float64], tuple[float, float], tuple[float, float]]:
    """Resampled mean differences plus the CIs of the delta and of d_z."""
    n = diff.size
    moments = bootstrap_means(
        np.column_stack([diff, diff * diff]), n_resamples=n_resamples, seed=seed
    )
    deltas = moments[:, 0]
    dz = _cohen_dz(moments[:, 0], moments[:, 1], n)
    # d_z is +-inf on resamples whose differences are all equal; quantiles need finite values
    big = np.finfo(np.float64).max / 4
    bounds = _percentile_bounds(np.column_stack([deltas, np.clip(dz, -big, big)]), confidence)
    (lo, hi), (elo, ehi) = np.where(np.abs(bounds) >= big, np.copysign(np.inf, bounds), bounds)
    return deltas, (float(lo), float(hi)), (float(elo), float(ehi))


def _result(
    metric: str,
    xa: NDArray[np.float64],
    xb: NDArray[np.float64],
    p: float,
    method: str,
    ci: tuple[float, float],
    eci: tuple[float, float],
    resamples: int,
    seed: int,
) -> PairedResult:
    diff = xb - xa
    n = diff.size
    dz = _cohen_dz(np.array([diff.mean()]), np.array([(diff * diff).mean()]), n)[0]
    return PairedResult(
        metric=metric,
        delta=float(diff.mean()),
        low=ci[0],
        high=ci[1],
        p_value=float(p),
        method=method,
        effect_size=float(dz),
        effect_low=eci[0],
        effect_high=eci[1],
        mean_a=float(xa.mean()),
        mean_b=float(xb.mean()),
        n=n,
        resamples=resamples,
        seed=seed,
    )


def paired_bootstrap(
    a: ArrayLike,
    b: ArrayLike,
    *,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    confidence: float = DEFAULT_CONFIDENCE,
    metric: str = "",
) -> PairedResult:
    """Paired bootstrap test of mean(b) - mean(a) (two-sided).

    Both systems are resampled with the same example indices. The p-value is the
    share of resampled differences, shifted to have mean zero (the null), that are
    at least as far from zero as the observed difference, as in SacreBLEU.
    """
    _check_params(n_resamples, confidence)
    xa, xb = _paired(a, b)
    diff = xb - xa
    deltas, ci, eci = _bootstrap_diff(diff, n_resamples, seed, confidence)
    observed = abs(diff.mean())
    shifted = np.abs(deltas - deltas.mean())
    hits = int(np.count_nonzero(shifted >= observed - 1e-12 * max(1.0, observed)))
    p = (hits + 1) / (n_resamples + 1)
    return _result(metric, xa, xb, p, "paired-bootstrap", ci, eci, n_resamples, seed)


def approximate_randomization(
    a: ArrayLike,
    b: ArrayLike,
    *,
    trials: int = DEFAULT_TRIALS,
    seed: int = DEFAULT_SEED,
    confidence: float = DEFAULT_CONFIDENCE,
    n_resamples: int = DEFAULT_RESAMPLES,
    metric: str = "",
) -> PairedResult:
    """Approximate randomisation test of mean(b) - mean(a) (two-sided).

    Each trial swaps the two systems' scores on a random half of the examples
    (a sign flip of the paired difference) and records how often the shuffled
    |mean difference| reaches the observed one. The delta's CI and the effect
    size CI come from a paired bootstrap with the same seed.
    """
    _check_params(trials, confidence)
    xa, xb = _paired(a, b)
    diff = xb - xa
    n = diff.size
    observed = abs(diff.mean())
    rng = np.random.default_rng(seed)
    block = max(1, min(trials, _BLOCK_CELLS // n))
    hits = 0
    done = 0
    tol = observed - 1e-12 * max(1.0, observed)
    while done < trials:
        rows = min(block, trials - done)
        signs = rng.integers(0, 2, size=(rows, n)).astype(np.float64) * 2.0 - 1.0
        stats = np.abs(signs @ diff) / n
        hits += int(np.count_nonzero(stats >= tol))
        done += rows
    p = (hits + 1) / (trials + 1)
    _, ci, eci = _bootstrap_diff(diff, n_resamples, seed, confidence)
    return _result(metric, xa, xb, p, "approximate-randomization", ci, eci, trials, seed)


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm-Bonferroni adjusted p-values, in the input order.

    Step-down: the k-th smallest p (k from 0) is multiplied by (m - k), then a
    running maximum keeps the adjusted values monotone, capped at 1. Rejecting
    where adjusted p < alpha controls the family-wise error rate at alpha.
    """
    ps = [float(p) for p in p_values]
    for p in ps:
        if not 0.0 <= p <= 1.0 or math.isnan(p):
            raise InputError(f"p-values must lie in [0, 1], got {p}")
    m = len(ps)
    order = sorted(range(m), key=lambda i: (ps[i], i))
    adjusted = [0.0] * m
    running = 0.0
    for k, i in enumerate(order):
        running = max(running, min(1.0, (m - k) * ps[i]))
        adjusted[i] = running
    return adjusted


def compare_to_baseline(
    baseline: ArrayLike,
    systems: Mapping[str, ArrayLike],
    *,
    metric: str = "",
    method: PairedMethod = "paired-bootstrap",
    n_resamples: int = DEFAULT_RESAMPLES,
    trials: int = DEFAULT_TRIALS,
    seed: int = DEFAULT_SEED,
    confidence: float = DEFAULT_CONFIDENCE,
) -> dict[str, PairedResult]:
    """Test every system against one baseline and Holm-adjust the p-values.

    Why one call: the correction must see the whole family of comparisons, so a
    leaderboard should not adjust p-values one pair at a time.
    """
    results: dict[str, PairedResult] = {}
    for name in sorted(systems):
        if method == "paired-bootstrap":
            res = paired_bootstrap(
                baseline,
                systems[name],
                n_resamples=n_resamples,
                seed=seed,
                confidence=confidence,
                metric=metric,
            )
        elif method == "approximate-randomization":
            res = approximate_randomization(
                baseline,
                systems[name],
                trials=trials,
                seed=seed,
                confidence=confidence,
                n_resamples=n_resamples,
                metric=metric,
            )
        else:
            raise ConfigError(
                f"unknown paired test '{method}': "
                "use 'paired-bootstrap' or 'approximate-randomization'"
            )
        results[name] = res
    names = list(results)
    for name, adj in zip(names, holm([results[n].p_value for n in names]), strict=True):
        results[name].p_adjusted = adj
    return results
