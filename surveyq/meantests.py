"""The paired t-test, the one-way ANOVA and Levene's test, without importing ``scipy.stats``.

Written by hand because importing ``scipy.stats`` costs about a second (it builds every
distribution and test and rewrites their docstrings), more than every statistic of the demo
project; see :mod:`surveyq.distributions`. The formulas are those ``scipy.stats`` implements
(``ttest_rel`` with its ``confidence_interval``, ``levene(center="mean")``: scipy/stats/
_stats_py.py and _morestats.py) with the same NumPy reductions in the same order over the
same memory layout, so they give the same numbers bit for bit (tests/test_meantests.py
checks them against ``scipy.stats``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from surveyq.distributions import f_sf, t_ppf, t_sf

__all__ = ["OneWay", "PairedT", "levene_mean", "oneway_anova", "paired_t"]


class PairedT(NamedTuple):
    """Paired t-tests, one entry per column."""

    t: np.ndarray
    df: np.ndarray
    p_value: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray


def paired_t(a: np.ndarray, b: np.ndarray, level: float = 0.95) -> PairedT:
    """Two-sided paired t-test of each column of ``a`` against ``b``, with the confidence
    interval of the mean difference.

    ``scipy.stats.ttest_rel(a, b, axis=0, nan_policy="omit")`` and its
    ``confidence_interval(level)``: with d = a - b over the complete pairs,
    :math:`t = \\bar d / (s_d / \\sqrt n)` on n - 1 degrees of freedom (Student 1908) and
    :math:`\\bar d \\pm t_{(1+level)/2,\\,n-1}\\, s_d/\\sqrt n`. A pair with a NaN on either
    side is left out of its column only; each column needs two pairs and differences that
    are not all equal.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.ndim == 1:
        a, b = a[:, np.newaxis], b[:, np.newaxis]
    missing = np.isnan(a) | np.isnan(b)
    if not missing.any():
        return _one_sample_t(a - b, level)
    # scipy tests each column on its own then: the reductions run over contiguous copies
    columns = [_one_sample_t((a[~gap, j] - b[~gap, j])[:, np.newaxis], level)
               for j, gap in enumerate(missing.T)]
    return PairedT(*(np.concatenate(parts) for parts in zip(*columns, strict=True)))


def _one_sample_t(d: np.ndarray, level: float) -> PairedT:
    """t-test of mean 0 down the columns of ``d``, as scipy's ``ttest_1samp``."""
    n = d.shape[0]
    mean = np.mean(d, axis=0)
    centred = d - np.mean(d, axis=0, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):  # NaN for fewer than 2 pairs
        variance = np.mean(centred**2, axis=0) * (np.float64(n) / (np.float64(n) - 1))
        se = np.sqrt(variance / n)
        t = mean / se
    df = np.full(mean.shape, n - 1, dtype=np.float64)
    tail = (1 - np.float64(level)) / 2
    return PairedT(t=t, df=df, p_value=2 * t_sf(np.abs(t), df),
                   ci_low=t_ppf(tail, df) * se + mean, ci_high=t_ppf(1 - tail, df) * se + mean)


class OneWay(NamedTuple):
    """A one-way ANOVA: sums of squares between and within the groups, F and its p."""

    ss_between: float
    ss_within: float
    f: float
    df1: int
    df2: int
    p_value: float


def levene_mean(samples: Sequence[np.ndarray]) -> tuple[float, float]:
    """Levene's test centred on the group means (``scipy.stats.levene(center="mean")``).

    The one-way ANOVA F of the absolute deviations :math:`|x_{ij} - \\bar x_i|` (Levene
    1960), on k - 1 and N - k degrees of freedom; SPSS's "based on mean". The samples are 1-D
    without NaN.
    """
    found = oneway_anova([np.abs(s - np.mean(s, keepdims=True))
                          for s in (np.asarray(s, dtype=np.float64) for s in samples)])
    return found.f, found.p_value


def oneway_anova(groups: Sequence[np.ndarray]) -> OneWay:
    """One-way ANOVA of 1-D groups without NaN (the group comparisons' F test), summed in
    the order of scipy's ``levene`` (so Levene's F is scipy's bit for bit):

    .. math:: SS_B = \\sum_i n_i(\\bar x_i - \\bar x)^2, \\quad
              SS_W = \\sum_i\\sum_j (x_{ij} - \\bar x_i)^2, \\quad
              F = \\frac{SS_B\\,(N - k)}{SS_W\\,(k - 1)}
    """
    groups = [np.asarray(g, dtype=np.float64) for g in groups]
    sizes = [len(g) for g in groups]
    total, k = sum(sizes), len(groups)
    means = [np.mean(g, keepdims=True) for g in groups]
    grand = sum(n * m for n, m in zip(sizes, means, strict=True)) / total
    dfd, dfn = total - k, k - 1.0
    ss_between = sum(n * (m - grand)**2 for n, m in zip(sizes, means, strict=True))
    ss_within = sum(np.sum((g - m)**2, keepdims=True) for g, m in zip(groups, means, strict=True))
    with np.errstate(divide="ignore", invalid="ignore"):
        f = (dfd * ss_between / (dfn * ss_within))[0]
    return OneWay(float(ss_between[0]), float(ss_within[0]), float(f), k - 1, total - k,
                  float(f_sf(f, dfn, dfd)))
