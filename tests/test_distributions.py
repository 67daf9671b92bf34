"""surveyq.distributions: the t, F, chi-squared and normal functions without scipy.stats.

They must be the numbers scipy.stats gives, bit for bit (the results of every analysis
depend on it), at the support's edges and outside the parameters' domain too; and the
familiar table values.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
from scipy import stats

from surveyq import distributions as dist

XS = [0.0, -0.0, 1e-300, 0.5, 1.0, 2.3, -1.7, 40.0, -40.0, np.inf, -np.inf, np.nan, 3, -2]
QS = [0.0, 1.0, 0.5, 0.025, 0.975, 1e-12, 1 - 1e-12, -0.1, 1.1, np.nan]
DFS = [1, 2, 3.5, 30, 1e6, np.inf, 0, -1, np.nan]


def _same(mine, theirs) -> bool:
    """Equal bit for bit (sign of zero and NaN included), and of the same type."""
    if type(mine) is not type(theirs):
        return False
    a, b = np.asarray(mine), np.asarray(theirs)
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def _pairs():
    rng = np.random.default_rng(13)
    grid = []
    for x, df in itertools.product(XS, DFS):
        grid += [(dist.t_sf, stats.t.sf, (x, df)), (dist.chi2_sf, stats.chi2.sf, (x, df))]
        grid += [(dist.f_sf, stats.f.sf, (x, df, dfd)) for dfd in DFS]
    for q, df in itertools.product(QS, DFS):
        grid += [(dist.t_ppf, stats.t.ppf, (q, df))]
        grid += [(dist.f_ppf, stats.f.ppf, (q, df, dfd)) for dfd in DFS]
    for x in XS:
        grid += [(dist.norm_sf, stats.norm.sf, (x,)), (dist.norm_cdf, stats.norm.cdf, (x,))]
        grid += [(dist.norm_cdf, stats.norm.cdf, (x, loc, scale))
                 for loc, scale in itertools.product([0, 1.5, np.nan], [1, 0.3, 0, -1, np.nan])]
    grid += [(dist.norm_ppf, stats.norm.ppf, (q,)) for q in QS]
    array = np.array(XS, dtype=float)
    grid += [(dist.t_sf, stats.t.sf, (np.abs(array), 7)), (dist.norm_cdf, stats.norm.cdf, (array,)),
             (dist.t_ppf, stats.t.ppf, (np.array(QS), 5)), (dist.f_sf, stats.f.sf, (array, 3, 40)),
             (dist.chi2_sf, stats.chi2.sf, (array, 4)), (dist.t_sf, stats.t.sf, (np.arange(4), 4))]
    for _ in range(500):
        x, df, q = float(rng.normal() * 10), float(rng.integers(1, 500)), float(rng.random())
        grid += [(dist.t_sf, stats.t.sf, (x, df)), (dist.t_ppf, stats.t.ppf, (q, df)),
                 (dist.f_sf, stats.f.sf, (abs(x), df, df + 3)),
                 (dist.f_ppf, stats.f.ppf, (q, df, df + 7)),
                 (dist.chi2_sf, stats.chi2.sf, (abs(x), df)),
                 (dist.norm_cdf, stats.norm.cdf, (x, 0.3, 1.7)),
                 (dist.norm_ppf, stats.norm.ppf, (q,)), (dist.norm_sf, stats.norm.sf, (x,))]
    return grid


def test_the_same_numbers_as_scipy_stats():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # scale 0: both divide by zero
        differ = [(mine.__name__, args, mine(*args), theirs(*args))
                  for mine, theirs, args in _pairs() if not _same(mine(*args), theirs(*args))]
    assert differ == []


@pytest.mark.parametrize(("value", "expected"), [
    # two-sided 5 % critical values, as printed in every statistics table
    (lambda: dist.t_ppf(0.975, 10), 2.228),
    (lambda: dist.t_ppf(0.975, 30), 2.042),
    (lambda: dist.f_ppf(0.95, 2, 10), 4.103),
    (lambda: dist.norm_ppf(0.975), 1.960),
    # and the tail areas at them
    (lambda: 2 * dist.t_sf(2.228, 10), 0.050),
    (lambda: dist.chi2_sf(3.841, 1), 0.050),
    (lambda: dist.f_sf(4.103, 2, 10), 0.050),
    (lambda: dist.norm_cdf(1.96), 0.975),
])
def test_table_values(value, expected):
    assert value() == pytest.approx(expected, abs=5e-4)
