"""surveyq.meantests: the paired t-test, the one-way ANOVA and Levene's test without scipy.stats.

The reference is ``scipy.stats`` itself (``ttest_rel`` with ``confidence_interval``,
``levene(center="mean")``): the same numbers bit for bit on random, Likert and incomplete
(NaN) data; and Student's sleep data as R prints it. R's leveneTest on the datasets in
tests/reference is checked through surveyq.groups in tests/test_thesis_stats.py.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from surveyq.meantests import levene_mean, oneway_anova, paired_t

REFERENCE = Path(__file__).parent / "reference"


def _same(mine, theirs) -> bool:
    """Equal bit for bit, NaN where scipy has NaN (of either sign)."""
    a, b = np.asarray(mine, dtype=float), np.asarray(theirs, dtype=float)
    gaps = np.isnan(a)
    return (a.shape == b.shape and np.array_equal(gaps, np.isnan(b))
            and a[~gaps].tobytes() == b[~gaps].tobytes())


def _pairs(rng: np.random.Generator, trial: int) -> tuple[np.ndarray, np.ndarray]:
    n, k = int(rng.integers(3, 500)), int(rng.integers(1, 9))
    a = rng.integers(1, 6, (n, k)).astype(float)
    b = rng.integers(1, 6, (n, k)).astype(float)
    if trial % 3 == 1:
        a = a / 4 + rng.normal(size=(n, k))
    if trial % 3 == 2:
        a[rng.random((n, k)) < 0.2] = np.nan
        b[rng.random((n, k)) < 0.2] = np.nan
    return a, b


@pytest.mark.filterwarnings("ignore::RuntimeWarning:scipy")  # scipy: fewer than 2 pairs
@pytest.mark.parametrize("level", [0.95, 0.9, 0.99])
def test_paired_t_the_same_as_scipy(level):
    rng = np.random.default_rng(1908)
    for trial in range(200):
        a, b = _pairs(rng, trial)
        policy = "omit" if np.isnan(a - b).any() else "propagate"
        result = stats.ttest_rel(a, b, axis=0, nan_policy=policy)
        interval = result.confidence_interval(confidence_level=level)
        mine = paired_t(a, b, level)
        for got, expected in zip(mine, (result.statistic, result.df, result.pvalue,
                                        interval.low, interval.high), strict=True):
            assert _same(got, expected), (trial, a.shape)
        result = stats.ttest_rel(a[:, 0], b[:, 0], nan_policy=policy)  # 1-D: other sums
        interval = result.confidence_interval(confidence_level=level)
        one = paired_t(a[:, 0], b[:, 0], level)
        for got, expected in zip(one, (result.statistic, result.df, result.pvalue,
                                       interval.low, interval.high), strict=True):
            assert _same(got, np.atleast_1d(expected)), trial


def test_paired_t_on_students_sleep_data():
    # R: t.test(extra[group == 1], extra[group == 2], paired = TRUE) on datasets::sleep:
    # t = -4.0621, df = 9, p-value = 0.002833, 95 % CI -2.4598858 -0.7001142
    sleep = pd.read_csv(REFERENCE / "input_sleep.csv")
    first, second = (sleep.loc[sleep["group"] == g, "extra"].to_numpy() for g in (1, 2))
    t, df, p, low, high = (float(v[0]) for v in paired_t(first, second))
    assert (round(t, 4), df, round(p, 6)) == (-4.0621, 9.0, 0.002833)
    assert (round(low, 7), round(high, 7)) == (-2.4598858, -0.7001142)


def test_levene_the_same_as_scipy():
    rng = np.random.default_rng(1960)
    for trial in range(300):
        sizes = rng.integers(2, 80, int(rng.integers(2, 7)))
        groups = ([rng.integers(1, 6, n).astype(float) for n in sizes] if trial % 2 else
                  [rng.normal(0, 1 + i, n) for i, n in enumerate(sizes)])
        assert _same(levene_mean(groups), tuple(stats.levene(*groups, center="mean"))), trial
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # no spread within any group: 0/0
        flat = [np.array([1.0, 1.0]), np.array([2.0, 2.0, 2.0])]
        assert _same(levene_mean(flat), tuple(stats.levene(*flat, center="mean")))


def test_levene_by_hand():
    # |x - group mean|: (1, 2, 6) -> 2, 1, 3 (mean 2); (2, 4, 9) -> 3, 1, 4 (mean 8/3);
    # grand mean 7/3; between = 3 (1/3)^2 + 3 (1/3)^2 = 2/3 on 1 df;
    # within = (0 + 1 + 1) + (1/9 + 25/9 + 16/9) = 2 + 42/9 = 20/3 on 4 df; F = (2/3) / (20/12)
    f, _ = levene_mean([np.array([1.0, 2.0, 6.0]), np.array([2.0, 4.0, 9.0])])
    assert f == pytest.approx((2 / 3) / (20 / 3 / 4), rel=1e-13)


def test_oneway_anova_agrees_with_scipy_f_oneway():
    """The group comparisons' ANOVA: F and p as scipy's ``f_oneway`` (its own sums, so to
    rounding), on random and Likert groups."""
    rng = np.random.default_rng(1925)
    for trial in range(200):
        sizes = rng.integers(2, 60, int(rng.integers(2, 6)))
        groups = ([rng.integers(1, 6, n).astype(float) for n in sizes] if trial % 2 else
                  [rng.normal(i, 1, n) for i, n in enumerate(sizes)])
        found, theirs = oneway_anova(groups), stats.f_oneway(*groups)
        assert found.f == pytest.approx(theirs.statistic, rel=1e-12, abs=1e-12), trial
        assert found.p_value == pytest.approx(theirs.pvalue, rel=1e-10, abs=1e-15), trial
        assert (found.df1, found.df2) == (len(sizes) - 1, int(sizes.sum()) - len(sizes))


def test_oneway_anova_by_hand():
    # groups (1, 2, 6) mean 3 and (2, 4, 9) mean 5, grand mean 4:
    # SS_between = 3 (3 - 4)^2 + 3 (5 - 4)^2 = 6; SS_within = (4 + 1 + 9) + (9 + 1 + 16) = 40;
    # F = (6 / 1) / (40 / 4) = 0.6
    found = oneway_anova([np.array([1.0, 2.0, 6.0]), np.array([2.0, 4.0, 9.0])])
    assert found.ss_between == pytest.approx(6.0, rel=1e-14)
    assert found.ss_within == pytest.approx(40.0, rel=1e-14)
    assert found.f == pytest.approx(0.6, rel=1e-14)
