"""The Shapiro-Wilk W test by Royston's algorithm AS R94, without importing ``scipy.stats``.

Written by hand because importing ``scipy.stats`` costs about a second (it builds every
distribution and test and rewrites their docstrings), more than every statistic of the demo
project; see :mod:`surveyq.distributions`. This is a port of the published algorithm
(Royston 1995, the remark AS R94 on algorithm AS 181) as ``scipy.stats.shapiro`` (its Cython
``swilk``) and R's ``shapiro.test`` (swilk.c) run it: the coefficients from the AS 111 normal
quantiles with Royston's polynomial corrections for the two outermost, W from the sorted
sample, and the p-value from Royston's normalising transformation (log(1 - W) for n >= 12,
-log(gamma - log(1 - W)) below). The running sums are taken in the algorithm's order
(``np.cumsum`` adds one term at a time) and the scalar steps use :mod:`math` (the C
library), so W and p are the numbers ``scipy.stats.shapiro`` gives, bit for bit
(tests/test_shapiro.py).

References
----------
Royston, P. (1995). Remark AS R94: A remark on algorithm AS 181: The W-test for normality.
*Journal of the Royal Statistical Society, Series C (Applied Statistics)*, 44(4), 547-551.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

__all__ = ["shapiro_wilk"]

# Royston (1995): polynomial coefficients, lowest power first
_C1 = (0.0, 0.221157, -0.147981, -2.07119, 4.434685, -2.706056)  # a_n, in 1/sqrt(n)
_C2 = (0.0, 0.042981, -0.293762, -1.752461, 5.682633, -3.582633)  # a_(n-1), in 1/sqrt(n)
_C3 = (0.5440, -0.39978, 0.025054, -6.714e-4)  # mean, n <= 11, in n
_C4 = (1.3822, -0.77857, 0.062767, -0.0020322)  # log sd, n <= 11, in n
_C5 = (-1.5861, -0.31082, -0.083751, 0.0038915)  # mean, n >= 12, in log n
_C6 = (-0.4803, -0.082676, 0.0030302)  # log sd, n >= 12, in log n
_GAMMA = (-2.273, 0.459)  # n <= 11, in n
_SMALL = 1e-19


def _poly(c: tuple[float, ...], x: float) -> float:
    """c[0] + c[1] x + ... by Horner's rule, as AS R94's POLY evaluates it."""
    if len(c) == 1:
        return c[0]
    p = x * c[-1]
    for coefficient in c[-2:0:-1]:
        p = (p + coefficient) * x
    return c[0] + p


def _normal_quantiles(p: np.ndarray) -> np.ndarray:
    """Normal quantiles of p < 0.5 by AS 111 (PPND, about 7 digits), as AS R94 uses them."""
    q = p - 0.5
    central = np.abs(q) <= 0.42
    r = q * q
    out = q * (((-25.44106049637 * r + 41.39119773534) * r - 18.61500062529) * r
               + 2.50662823884)
    out = out / ((((3.13082909833 * r - 21.06224101826) * r + 23.08336743743) * r
                  - 8.47351093090) * r + 1.)
    tail = ~central  # p < 0.08: the C library's log, as the compiled algorithm
    r = np.sqrt(-np.array([math.log(v) for v in p[tail]]))
    value = ((2.32121276858 * r + 4.85014127135) * r - 2.29796479134) * r - 2.78718931138
    out[tail] = -(value / ((1.63706781897 * r + 3.54388924762) * r + 1.))
    return out


def _coefficients(n: int) -> np.ndarray:
    """The n // 2 coefficients a_n, a_(n-1), ... with the sign AS R94 stores them."""
    if n == 3:
        return np.array([math.sqrt(2) / 2])
    m = _normal_quantiles((np.arange(1, n // 2 + 1) - 0.375) / (n + 0.25))
    summ2 = np.cumsum(m * m)[-1] * 2.
    ssumm2 = math.sqrt(summ2)
    rsn = 1 / math.sqrt(n)
    a1 = _poly(_C1, rsn) - float(m[0]) / ssumm2
    if n > 5:
        first = 2
        a2 = -float(m[1]) / ssumm2 + _poly(_C2, rsn)
        fac = math.sqrt((summ2 - (2 * float(m[0])**2) - 2 * float(m[1])**2)
                        / (1 - (2 * a1**2) - 2 * a2**2))
        m[1] = a2
    else:
        first = 1
        fac = math.sqrt((summ2 - 2 * float(m[0])**2) / (1 - 2 * a1**2))
    m[0] = a1
    m[first:] *= -1. / fac
    return m


def _statistic(x: np.ndarray, a: np.ndarray, span: float) -> tuple[float, float]:
    """W and 1 - W of the sorted sample ``x`` (the correlation form of AS R94)."""
    n = x.size
    half = a.size
    weights = np.zeros(n)
    weights[:half] = -a  # a[i] goes with x[n-1-i], -a[i] with x[i]; 0 in the middle
    weights[n - half:] = a[::-1]
    scaled = x / span
    mean_weight = np.cumsum(weights)[-1] / n
    mean_x = np.cumsum(scaled)[-1] / n
    dev_weight = weights - mean_weight
    if n % 2:
        dev_weight[half] = -mean_weight
    dev_x = scaled - mean_x
    ssa = np.cumsum(dev_weight * dev_weight)[-1]
    ssx = np.cumsum(dev_x * dev_x)[-1]
    sax = np.cumsum(dev_weight * dev_x)[-1]
    ssassx = math.sqrt(ssa * ssx)
    w1 = float((ssassx - sax) * (ssassx + sax) / (ssa * ssx))
    return 1 - w1, w1


def _upper_normal_tail(z: float) -> float:
    """P(Z > z) by algorithm AS 66 (ALNORM, Hill 1973) as AS R94 uses it."""
    upper = z > 0
    z = z if upper else -z
    if not (z <= 7. or (upper and z <= 38.)):
        return 0. if upper else 1.
    y = 0.5 * z * z
    if z <= 1.28:
        temp = 0.5 - z * (0.398942280444 - 0.399903438504 * y
                          / (y + 5.75885480458 - 29.8213557808
                             / (y + 2.62433121679 + 48.6959930692 / (y + 5.92885724438))))
    else:
        temp = 0.398942280385 * math.exp(-y) / (
            z - 3.8052e-8 + 1.00000615302 / (
                z + 3.98064794e-4 + 1.98615381364 / (
                    z - 0.151679116635 + 5.29330324926 / (
                        z + 4.8385912808 - 15.1508972451 / (
                            z + 0.742380924027 + 30.789933034 / (z + 3.99019417011))))))
    return temp if upper else 1 - temp


def _p_value(w: float, w1: float, n: int) -> tuple[float, float]:
    """(W, p): exact for n = 3, Royston's normalising transformation of 1 - W above."""
    if n == 3:  # W >= 0.75 in theory; rounding can put it just below
        return (0.75, 0.0) if w < 0.75 else (w, 1. - 6 / math.pi * math.acos(math.sqrt(w)))
    y = math.log(w1)
    if n <= 11:
        gamma = _poly(_GAMMA, float(n))
        if y >= gamma:
            return w, _SMALL
        y = -math.log(gamma - y)
        mean, sd = _poly(_C3, float(n)), math.exp(_poly(_C4, float(n)))
    else:
        log_n = math.log(n)
        mean, sd = _poly(_C5, log_n), math.exp(_poly(_C6, log_n))
    return w, _upper_normal_tail((y - mean) / sd)


def shapiro_wilk(values: Sequence[float] | np.ndarray) -> tuple[float, float]:
    """Shapiro-Wilk W and its p-value (``scipy.stats.shapiro``; R's ``shapiro.test``).

    Royston's (1995) algorithm AS R94: W is the squared correlation between the sorted sample
    and the coefficients a approximating the expected normal order statistics' weights, and
    its p-value comes from Royston's normal approximation of log(1 - W), fitted for
    3 <= n <= 5000 (R refuses more values; scipy warns). Like scipy, the sample is first
    shifted by one of its values (a fixed element near the middle) for accuracy; a sample
    whose values are all equal gives W = p = 1 (scipy warns), a NaN gives NaN.

    Parameters
    ----------
    values : sequence of float
        At least 3 values.

    Returns
    -------
    (float, float)
        W and p.
    """
    x = np.ravel(np.asarray(values, dtype=np.float64))
    n = x.size
    if n < 3:
        raise ValueError("Shapiro-Wilk needs at least 3 values")
    if np.isnan(x).any():
        return math.nan, math.nan
    y = np.sort(x) - x[n // 2]
    span = float(y[-1] - y[0])
    if span < _SMALL:
        return 1.0, 1.0
    w, w1 = _statistic(y, _coefficients(n), span)
    return _p_value(w, w1, n)
