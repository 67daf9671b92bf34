"""Average ranks, the Wilcoxon signed-rank test and the Kruskal-Wallis test, without
importing ``scipy.stats``.

Written by hand because importing ``scipy.stats`` costs about a second (it builds every
distribution and test and rewrites their docstrings), more than every statistic of the demo
project; see :mod:`surveyq.distributions`. The formulas are those ``scipy.stats`` implements
(``rankdata``, ``wilcoxon`` with the normal approximation, ``kruskal``: scipy/stats/
_stats_py.py and _wilcoxon.py), in the same order of operations: ranks and tie counts are
halves and integers, exact in floating point, so the statistics and p-values are the same
numbers bit for bit (tests/test_ranktests.py checks them against ``scipy.stats``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from surveyq.distributions import chi2_sf, norm_sf

__all__ = ["average_ranks", "kruskal_wallis", "wilcoxon_p"]

ZERO_METHODS = ("wilcox", "pratt", "zsplit")


def _ranks_and_ties(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Average ranks along the last axis, and the size of every group of ties.

    The tie sizes sit where each group starts in sorted order (0 elsewhere), so the first
    entry is the size of the smallest values' group. NaN sorts last and ties with nothing.
    """
    order = np.argsort(x, axis=-1, kind="stable")
    ordered = np.take_along_axis(x, order, axis=-1)
    starts = np.concatenate([np.ones(x.shape[:-1] + (1,), dtype=bool),
                             ordered[..., :-1] != ordered[..., 1:]], axis=-1)
    first = np.flatnonzero(starts)  # positions in the flattened array
    counts = np.diff(first, append=x.size)
    ordinal = np.broadcast_to(np.arange(1, x.shape[-1] + 1, dtype=np.float64), x.shape)
    sorted_ranks = np.repeat(ordinal[starts] + (counts - 1) / 2, counts).reshape(x.shape)
    ranks = np.empty(x.shape, dtype=np.float64)
    np.put_along_axis(ranks, order, sorted_ranks, axis=-1)
    ties = np.zeros(x.shape, dtype=np.float64)
    ties[starts] = counts
    return ranks, ties


def average_ranks(values: Sequence[float] | np.ndarray) -> np.ndarray:
    """Ranks 1..n of a 1-D array, ties given their average rank (``scipy.stats.rankdata``).

    The values must not be NaN (the callers drop missing values first).
    """
    return _ranks_and_ties(np.asarray(values, dtype=np.float64))[0]


def wilcoxon_p(differences: np.ndarray, zero_method: str = "wilcox") -> np.ndarray:
    """Two-sided Wilcoxon signed-rank p of each column of paired differences.

    ``scipy.stats.wilcoxon(d, zero_method=..., method="approx", correction=False, axis=0,
    nan_policy="omit")``: the normal approximation with the tie correction
    :math:`\\sigma^2 = (n(n+1)(2n+1) - \\tfrac12\\sum(t^3 - t)) / 24` and no continuity
    correction (Wilcoxon 1945). ``zero_method`` "wilcox" drops zero differences, "pratt" ranks
    them and then subtracts their share from the mean and the variance (Cureton 1967),
    "zsplit" splits their ranks between the two sums. A NaN difference (an incomplete pair)
    is left out of its column only.

    Parameters
    ----------
    differences : ndarray
        1-D, or 2-D with one column per test.
    zero_method : {"wilcox", "pratt", "zsplit"}

    Returns
    -------
    ndarray
        One p-value per column (NaN when a column has no nonzero difference).
    """
    if zero_method not in ZERO_METHODS:
        raise ValueError(f"zero_method must be one of {ZERO_METHODS}, not {zero_method!r}")
    d = np.asarray(differences, dtype=np.float64)
    columns = d.reshape(d.shape[0], -1).T  # one row per test
    missing = np.isnan(columns)
    with np.errstate(invalid="ignore", divide="ignore"):
        if not missing.any():
            return _signed_rank_p(columns, zero_method)
        return np.array([_signed_rank_p(row[~gap][np.newaxis], zero_method)[0]
                         for row, gap in zip(columns, missing, strict=True)])


def _signed_rank_p(d: np.ndarray, zero_method: str) -> np.ndarray:
    """Wilcoxon p along the last axis of ``d`` (no NaN), as scipy's _wilcoxon_statistic."""
    zeros = d == 0
    if zero_method == "wilcox":
        d = np.where(zeros, np.nan, d)  # ranked last, counted nowhere
    count = d.shape[-1] - np.count_nonzero(np.isnan(d), axis=-1).astype(np.float64)
    ranks, ties = _ranks_and_ties(np.abs(d))
    r_plus = np.sum((d > 0) * ranks, axis=-1)
    if zero_method == "zsplit":
        r_plus = r_plus + np.sum(zeros * ranks, axis=-1) / 2
    mean = count * (count + 1.) * 0.25
    variance = count * (count + 1.) * (2. * count + 1.)
    if zero_method == "pratt":
        n_zero = np.count_nonzero(zeros, axis=-1).astype(np.float64)
        mean = mean - n_zero * (n_zero + 1.) * 0.25
        variance = variance - n_zero * (n_zero + 1.) * (2. * n_zero + 1.)
        ties[..., 0] = np.where(zeros.any(axis=-1), 0.0, ties[..., 0])  # the zeros' group
    se = np.sqrt((variance - np.sum(ties**3 - ties, axis=-1) / 2) / 24)
    z = (r_plus - mean) / se
    return 2 * norm_sf(np.abs(z))


def kruskal_wallis(samples: Sequence[np.ndarray]) -> tuple[float, float]:
    """Kruskal-Wallis H with the tie correction and its chi-squared p (``scipy.stats.kruskal``).

    :math:`H = \\frac{12}{N(N+1)} \\sum_i R_i^2 / n_i - 3(N+1)`, divided by
    :math:`1 - \\sum(t^3 - t) / (N^3 - N)` (Kruskal & Wallis 1952), on k - 1 degrees of
    freedom. The samples are 1-D without NaN. Every value equal: H and p are NaN.
    """
    sizes = [len(sample) for sample in samples]
    total = sum(sizes)
    ranks, ties = _ranks_and_ties(np.concatenate([np.asarray(s, dtype=np.float64)
                                                  for s in samples]))
    correction = 1 - np.sum(ties**3 - ties) / (total**3 - total)
    bounds = np.cumsum([0, *sizes])
    ssbn = sum(np.sum(ranks[bounds[i]:bounds[i + 1]])**2 / sizes[i] for i in range(len(sizes)))
    h = 12.0 / (total * (total + 1)) * ssbn - 3 * (total + 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        h = h / correction
    return float(h), float(chi2_sf(h, len(samples) - 1))
