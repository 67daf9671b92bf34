"""surveyq.ranktests: average ranks, Wilcoxon signed-rank and Kruskal-Wallis without
scipy.stats.

The reference is ``scipy.stats`` itself (``rankdata``, ``wilcoxon`` with the options
surveyq.servqual uses, ``kruskal``): the same numbers bit for bit on random, Likert
(tie-heavy), zero-heavy and incomplete (NaN) data; and small cases by hand. R's
kruskal.test on the datasets in tests/reference is checked through surveyq.groups in
tests/test_thesis_stats.py.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy import stats

from surveyq.ranktests import average_ranks, kruskal_wallis, wilcoxon_p


def _same(mine, theirs) -> bool:
    """Equal bit for bit, NaN where scipy has NaN (of either sign)."""
    a, b = np.asarray(mine, dtype=float), np.asarray(theirs, dtype=float)
    gaps = np.isnan(a)
    return (a.shape == b.shape and np.array_equal(gaps, np.isnan(b))
            and a[~gaps].tobytes() == b[~gaps].tobytes())


def _differences(rng: np.random.Generator, trial: int) -> np.ndarray:
    n, k = int(rng.integers(1, 400)), int(rng.integers(1, 9))
    d = (rng.integers(1, 6, (n, k)) - rng.integers(1, 6, (n, k))).astype(float)
    if trial % 4 == 1:
        d = d / 3 + rng.normal(size=(n, k)) * (trial % 8 == 1)  # means of 3 items, or continuous
    if trial % 4 == 2:
        d[rng.random((n, k)) < 0.3] = np.nan  # incomplete pairs
    if trial % 4 == 3:
        d[rng.random((n, k)) < 0.8] = 0.0  # mostly zero differences
    return d


@pytest.mark.parametrize("zero_method", ["wilcox", "pratt", "zsplit"])
def test_wilcoxon_the_same_p_as_scipy(zero_method):
    rng = np.random.default_rng(13)
    compared = 0
    for trial in range(300):
        d = _differences(rng, trial)
        d = d[:, np.nan_to_num(d).any(axis=0)]  # the caller tests columns with a nonzero
        if d.shape[1] == 0:
            continue
        policy = "omit" if np.isnan(d).any() else "propagate"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # scipy: a column with a single pair
            theirs = stats.wilcoxon(d, zero_method=zero_method, method="approx", axis=0,
                                    nan_policy=policy).pvalue
        assert _same(wilcoxon_p(d, zero_method), theirs), (trial, d.shape)
        assert _same(wilcoxon_p(d[:, 0], zero_method), theirs[:1])
        compared += 1
    assert compared > 250


def test_wilcoxon_by_hand():
    # d = 1, -2, 3, 4, 0 with the zero dropped: ranks 1..4, R+ = 1 + 3 + 4 = 8, n = 4,
    # mean n(n+1)/4 = 5, variance n(n+1)(2n+1)/24 = 7.5, z = 3 / sqrt(7.5)
    z = 3 / math.sqrt(7.5)
    assert wilcoxon_p(np.array([1.0, -2.0, 3.0, 4.0, 0.0]))[0] == pytest.approx(
        math.erfc(z / math.sqrt(2)), rel=1e-14)
    # ties: d = 1, 1, -1, 2: |d| ranks 2, 2, 2, 4; R+ = 8, mean 5,
    # variance (4*5*9 - (3^3 - 3)/2) / 24 = (180 - 12) / 24 = 7
    assert wilcoxon_p(np.array([1.0, 1.0, -1.0, 2.0]))[0] == pytest.approx(
        math.erfc(3 / math.sqrt(7) / math.sqrt(2)), rel=1e-14)
    with pytest.raises(ValueError, match="zero_method"):
        wilcoxon_p(np.ones(3), "none")


def _groups(rng: np.random.Generator, trial: int) -> list[np.ndarray]:
    sizes = rng.integers(1 if trial % 3 else 2, 60, int(rng.integers(2, 7)))
    if trial % 2:
        return [rng.integers(1, 6, n).astype(float) for n in sizes]  # Likert: ties
    return [rng.normal(i * 0.3, 1, n) for i, n in enumerate(sizes)]


def test_kruskal_and_ranks_the_same_as_scipy():
    rng = np.random.default_rng(1952)
    for trial in range(300):
        groups = _groups(rng, trial)
        assert _same(kruskal_wallis(groups), tuple(stats.kruskal(*groups))), trial
        values = np.concatenate(groups)
        assert _same(average_ranks(values), stats.rankdata(values)), trial
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # every value equal: 0/0
        same_value = [np.full(3, 2.0), np.full(4, 2.0)]
        assert _same(kruskal_wallis(same_value), tuple(stats.kruskal(*same_value)))


def test_kruskal_and_ranks_by_hand():
    assert average_ranks([10.0, 30.0, 20.0, 20.0]).tolist() == [1.0, 4.0, 2.5, 2.5]
    # 1, 2, 3 against 4, 5, 6: rank sums 6 and 15, H = 12/(6*7) (36/3 + 225/3) - 3*7 = 27/7;
    # chi-squared on 1 df: P(X > H) = erfc(sqrt(H/2))
    h, p = kruskal_wallis([np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0])])
    assert h == pytest.approx(27 / 7, rel=1e-14)
    assert p == pytest.approx(math.erfc(math.sqrt(27 / 14)), rel=1e-12)
