"""surveyq.shapiro: Royston's AS R94 Shapiro-Wilk test without scipy.stats.

The reference is ``scipy.stats.shapiro`` (a separate, compiled port of the same published
algorithm): the same W and p bit for bit on normal, skewed and tie-heavy Likert samples of
every size from 3 to 60 and up to 7000; and values by hand (n = 3 is exact) and from R.
R's shapiro.test on the datasets in tests/reference is checked through
surveyq.assumptions.normality in tests/test_thesis_stats.py.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy import stats

from surveyq.shapiro import shapiro_wilk

SIZES = [*range(3, 61), 99, 100, 101, 250, 999, 1000, 2345, 4999, 5000, 5001, 7000]


def _samples(n: int, rng: np.random.Generator) -> list[np.ndarray]:
    return [rng.normal(10, 3, n), rng.exponential(2, n), rng.integers(1, 6, n).astype(float),
            np.round(rng.normal(size=n), 1), rng.integers(1, 3, n) * 1e6 + 0.5]


def _scipy(x: np.ndarray) -> tuple[float, float]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # n > 5000, zero range, NaN
        result = stats.shapiro(x)
    return float(result.statistic), float(result.pvalue)


@pytest.mark.parametrize("n", SIZES)
def test_the_same_w_and_p_as_scipy_bit_for_bit(n):
    rng = np.random.default_rng(n)
    for x in _samples(n, rng):
        assert shapiro_wilk(x) == _scipy(x), (n, x[:5])


def test_edges_as_scipy():
    rng = np.random.default_rng(7)
    edges = [np.full(8, 3.0), np.array([1.0, 1.0, 2.0]), np.array([5.0, 5.0, 5.0, 5.0, 6.0]),
             np.array([1.0, 2.0, np.nan, 4.0]), np.array([0.0, 1e-300, 2e-300, 3e-300]),
             rng.normal(size=20) * 1e-10 + 1e6, np.array([1.0, 2.0, 3.0, 4.0, 100.0])]
    for x in edges:
        mine, theirs = shapiro_wilk(x), _scipy(x)
        assert np.array_equal(mine, theirs, equal_nan=True), (x, mine, theirs)
    with pytest.raises(ValueError):
        shapiro_wilk([1.0, 2.0])


def test_three_values_exactly():
    # n = 3: a = (-1/sqrt 2, 0, 1/sqrt 2), so W = (x3 - x1)^2 / 2 / SS; for 1, 2, 4 the mean is
    # 7/3, SS = 16/9 + 1/9 + 25/9 = 14/3 and W = 4.5 / (14/3) = 27/28; p = 1 - 6/pi acos(sqrt W)
    w, p = shapiro_wilk([4.0, 1.0, 2.0])
    assert w == pytest.approx(27 / 28, rel=1e-13)
    assert p == pytest.approx(1 - 6 / math.pi * math.acos(math.sqrt(27 / 28)), rel=1e-12)


def test_r_shapiro_test_value():
    # R: shapiro.test(c(2.1, 3.4, 1.9, 5.6, 4.4, 3.3, 2.8, 4.1, 3.9, 2.2)):
    # W = 0.9525, p-value = 0.6979 (the example of surveyq.assumptions.normality)
    w, p = shapiro_wilk([2.1, 3.4, 1.9, 5.6, 4.4, 3.3, 2.8, 4.1, 3.9, 2.2])
    assert (round(w, 4), round(p, 4)) == (0.9525, 0.6979)
