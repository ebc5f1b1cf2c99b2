"""Bootstrap CI speed: sumbench's vectorised resampling vs naive loops, same run, same data.

Usage: python bench/bootstrap_speed.py [--examples 10000] [--metrics 4] [--resamples 1000]

Prints the wall time of ``benchmark.evaluation.stats.bootstrap_cis`` on an examples x metrics
matrix against (a) a per-resample Python loop (numpy inside), (b) a pure-Python
loop on a sample of resamples, extrapolated, and (c) ``scipy.stats.bootstrap``
(percentile method, vectorised, one call per metric), with the ratios. The target
in issue 8 is 10,000 x 4 x 1,000 "well under a second".
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from typing import Any

import numpy as np


def best_of(fn: Callable[[], Any], repeats: int) -> float:
    """Smallest wall time of ``repeats`` calls (the least disturbed by other load)."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def naive_numpy(matrix: np.ndarray, n_resamples: int, seed: int) -> np.ndarray:
    """One resample per loop iteration, numpy for the means."""
    rng = np.random.default_rng(seed)
    n = matrix.shape[0]
    means = np.empty((n_resamples, matrix.shape[1]))
    for r in range(n_resamples):
        means[r] = matrix[rng.integers(0, n, size=n)].mean(axis=0)
    return np.quantile(means, [0.025, 0.975], axis=0).T


def naive_python(rows: list[list[float]], n_resamples: int, seed: int) -> list[list[float]]:
    """Pure Python, as a hand-rolled script would do it."""
    rng = random.Random(seed)
    n, k = len(rows), len(rows[0])
    means = []
    for _ in range(n_resamples):
        sums = [0.0] * k
        for _ in range(n):
            row = rows[rng.randrange(n)]
            for j in range(k):
                sums[j] += row[j]
        means.append([s / n for s in sums])
    return means


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=10000)
    ap.add_argument("--metrics", type=int, default=4)
    ap.add_argument("--resamples", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()

    from scipy import stats as sps

    from benchmark.evaluation.stats import bootstrap_cis

    matrix = np.random.default_rng(0).beta(2, 5, size=(args.examples, args.metrics))
    n, k, r = args.examples, args.metrics, args.resamples
    print(f"bootstrap CIs of the mean: {n} examples x {k} metrics x {r} resamples")

    ours = best_of(lambda: bootstrap_cis(matrix, n_resamples=r), args.repeats)
    loop = best_of(lambda: naive_numpy(matrix, r, 12345), 1)
    sample = max(1, r // 50)
    py = best_of(lambda: naive_python(matrix.tolist(), sample, 12345), 1) * (r / sample)

    def scipy_all() -> None:
        for j in range(k):
            sps.bootstrap((matrix[:, j],), np.mean, n_resamples=r, method="percentile",
                          vectorized=True, random_state=np.random.default_rng(12345))

    sp = best_of(scipy_all, 1)
    print(f"  sumbench.stats.bootstrap_cis      {ours:8.3f} s")
    print(f"  per-resample numpy loop           {loop:8.3f} s   ratio {loop / ours:6.1f}x")
    print(f"  scipy.stats.bootstrap (per metric){sp:8.3f} s   ratio {sp / ours:6.1f}x")
    print(f"  pure-Python loop (extrapolated)   {py:8.3f} s   ratio {py / ours:6.1f}x")
    verdict = "PASS" if ours < 0.5 else "FAIL"
    print(f"target well under 1 s (< 0.5 s): {verdict}")


if __name__ == "__main__":
    main()
