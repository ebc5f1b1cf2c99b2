"""Bootstrap CIs, paired tests and Holm correction: determinism, coverage, power, size."""

from __future__ import annotations

import numpy as np
import pytest

from benchmark.errors import ConfigError, InputError
from benchmark.evaluation import stats
from benchmark.evaluation.stats import (
    approximate_randomization,
    bootstrap_ci,
    bootstrap_cis,
    compare_to_baseline,
    holm,
    paired_bootstrap,
)


def test_bootstrap_is_deterministic_under_a_seed_and_changes_with_it() -> None:
    values = np.random.default_rng(1).random(300)
    assert bootstrap_ci(values) == bootstrap_ci(values)
    assert bootstrap_ci(values, seed=12345) == bootstrap_ci(values)
    assert bootstrap_ci(values, seed=7) != bootstrap_ci(values)
    low, high = bootstrap_ci(values)
    assert low < values.mean() < high


def test_all_metrics_share_the_same_resamples() -> None:
    matrix = np.random.default_rng(2).random((250, 3))
    cis = bootstrap_cis(matrix)
    assert cis.shape == (3, 2)
    for j in range(3):
        assert tuple(cis[j]) == bootstrap_ci(matrix[:, j])
    # a column equal to another column + 1 gets exactly the shifted interval
    shifted = np.column_stack([matrix[:, 0], matrix[:, 0] + 1.0])
    both = bootstrap_cis(shifted)
    np.testing.assert_allclose(both[1], both[0] + 1.0)


def test_block_size_does_not_change_the_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    matrix = np.random.default_rng(3).random((400, 2))
    whole = bootstrap_cis(matrix, n_resamples=300)
    monkeypatch.setattr(stats, "_BLOCK_CELLS", 400 * 7)  # 7 resamples per block
    np.testing.assert_array_equal(bootstrap_cis(matrix, n_resamples=300), whole)


def test_ci_covers_the_true_mean_at_about_the_nominal_rate() -> None:
    rng = np.random.default_rng(20240)
    true_mean = 2 / 7  # Beta(2, 5): skewed, bounded like a ROUGE score
    covered = 0
    for k in range(200):
        sample = rng.beta(2, 5, size=100)
        low, high = bootstrap_ci(sample, n_resamples=500, seed=k)
        covered += low <= true_mean <= high
    assert 0.90 <= covered / 200 <= 0.98


def test_wider_confidence_gives_wider_interval() -> None:
    values = np.random.default_rng(4).random(200)
    lo90, hi90 = bootstrap_ci(values, confidence=0.90)
    lo99, hi99 = bootstrap_ci(values, confidence=0.99)
    assert lo99 < lo90 < hi90 < hi99


def test_constant_and_single_values_give_a_point_interval() -> None:
    assert bootstrap_ci([0.25] * 10) == (0.25, 0.25)
    assert bootstrap_ci([0.5]) == (0.5, 0.5)


@pytest.mark.parametrize(
    ("values", "error"),
    [([], InputError), ([0.1, float("nan")], InputError), ([[[1.0]]], InputError)],
)
def test_bad_values_are_refused(values: list[float], error: type[Exception]) -> None:
    with pytest.raises(error):
        bootstrap_cis(values)


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ConfigError):
        bootstrap_ci([0.1, 0.2], n_resamples=0)
    with pytest.raises(ConfigError):
        bootstrap_ci([0.1, 0.2], confidence=1.0)


@pytest.mark.parametrize("test", [paired_bootstrap, approximate_randomization])
def test_paired_tests_find_a_planted_difference(test) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(5)
    a = rng.beta(2, 5, size=200)
    b = np.clip(a + 0.03 + rng.normal(0, 0.08, size=200), 0, 1)
    res = test(a, b, metric="rouge1_f")
    assert res.metric == "rouge1_f"
    assert res.p_value < 0.01
    assert res.delta == pytest.approx(b.mean() - a.mean())
    assert 0 < res.low < res.delta < res.high
    assert res.effect_size > 0.2 and res.effect_low < res.effect_size < res.effect_high
    # swapping the systems flips the sign but not the evidence
    back = test(b, a)
    assert back.delta == pytest.approx(-res.delta)
    assert back.p_value == pytest.approx(res.p_value, abs=0.005)


@pytest.mark.parametrize(
    ("test", "kwargs"),
    [(paired_bootstrap, {"n_resamples": 400}), (approximate_randomization, {"trials": 400})],
)
def test_paired_tests_keep_the_false_positive_rate_under_the_null(test, kwargs) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(6)
    rejections = 0
    runs = 500
    for k in range(runs):
        a = rng.beta(2, 5, size=60)
        b = rng.beta(2, 5, size=60)  # same distribution: no true difference
        rejections += test(a, b, seed=k, **kwargs).p_value < 0.05
    assert 0.02 <= rejections / runs <= 0.09


def test_paired_tests_are_deterministic_and_reject_mismatched_input() -> None:
    rng = np.random.default_rng(7)
    a, b = rng.random(50), rng.random(50)
    assert paired_bootstrap(a, b) == paired_bootstrap(a, b)
    assert approximate_randomization(a, b) == approximate_randomization(a, b)
    with pytest.raises(InputError, match="same examples"):
        paired_bootstrap(a, b[:-1])
    with pytest.raises(InputError):
        approximate_randomization([], [])


def test_effect_size_is_cohens_dz_of_the_differences() -> None:
    a = np.zeros(3)
    b = np.array([1.0, 2.0, 3.0])  # differences: mean 2, sd 1
    assert paired_bootstrap(a, b).effect_size == pytest.approx(2.0)
    same = paired_bootstrap(b, b)
    assert same.effect_size == 0.0 and same.delta == 0.0 and same.p_value == 1.0
    shifted = paired_bootstrap(a, a + 0.5)  # every difference identical
    assert shifted.effect_size == float("inf")
    assert shifted.to_dict()["effect_size"] is None


def test_holm_matches_hand_computed_values() -> None:
    # sorted: .005*4=.02, .01*3=.03, .03*2=.06, .04*1=.04 -> running max .06
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert holm([0.5, 0.6]) == [1.0, 1.0]
    assert holm([0.02]) == [0.02]
    assert holm([]) == []
    with pytest.raises(InputError):
        holm([1.5])


def test_compare_to_baseline_adjusts_the_whole_family() -> None:
    rng = np.random.default_rng(8)
    base = rng.beta(2, 5, size=150)
    systems = {
        "better": np.clip(base + 0.05 + rng.normal(0, 0.05, 150), 0, 1),
        "same": np.clip(base + rng.normal(0, 0.05, 150), 0, 1),
    }
    res = compare_to_baseline(base, systems, metric="rouge2_f")
    raw = [res[n].p_value for n in sorted(systems)]
    assert [res[n].p_adjusted for n in sorted(systems)] == pytest.approx(holm(raw))
    assert res["better"].significant() and not res["same"].significant()
    ar = compare_to_baseline(base, systems, method="approximate-randomization", trials=2000)
    assert ar["better"].method == "approximate-randomization"
    with pytest.raises(ConfigError):
        compare_to_baseline(base, systems, method="t-test")  # type: ignore[arg-type]
