"""The t, F, chi-squared and normal distribution functions the statistics need, without
importing ``scipy.stats``.

``scipy.stats``' distribution objects compute these with ``scipy.special``: ``t.sf(x, df)``
is ``stdtr(df, -x)``, ``t.ppf`` is ``stdtrit``, ``f.sf`` and ``f.ppf`` are ``fdtrc`` and
``fdtri``, ``chi2.sf`` is ``chdtrc``, ``norm.cdf``, ``norm.sf`` and ``norm.ppf`` are ``ndtr``
and ``ndtri`` (scipy/stats/_continuous_distns.py). Importing ``scipy.stats`` costs about a
second (it builds every distribution and test and rewrites their docstrings), more than all
the statistics of an SKM survey; ``scipy.special`` about a quarter of that.

The functions below call the same ``scipy.special`` functions behind the same checks as the
generic ``rv_continuous`` methods (``loc``/``scale`` standardisation, NaN outside the
parameters' domain or for a NaN argument, the values at and beyond the support's edges,
``ppf(q) * scale + loc``), so they return the same numbers bit for bit, a NumPy scalar for
scalar arguments as ``scipy.stats`` does. The tests built on them follow the same rule:
:mod:`surveyq.meantests` (paired t, Levene), :mod:`surveyq.ranktests` (ranks, Wilcoxon,
Kruskal-Wallis) and :mod:`surveyq.shapiro` (Shapiro-Wilk).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import special

__all__ = ["chi2_sf", "f_ppf", "f_sf", "norm_cdf", "norm_ppf", "norm_sf", "t_ppf", "t_sf"]

_Array = Any  # a float, or an array of them


def _scalar_or_array(values: np.ndarray) -> _Array:
    return values[()] if values.ndim == 0 else values


def _tail(x: _Array, valid: _Array, support: tuple[float, float],
          function: Callable[[np.ndarray], np.ndarray], upper: bool,
          loc: _Array = 0.0, scale: _Array = 1.0) -> _Array:
    """``rv_continuous.cdf`` (``upper`` False) or ``.sf`` (True) of ``function``."""
    x, loc, scale = (np.asarray(v) for v in (x, loc, scale))
    z = np.asarray((x - loc) / scale, dtype=np.promote_types(x.dtype, np.float64))
    valid = np.asarray(valid) & (scale > 0)
    low, high = support
    inside = valid & (low < z) & (z < high)
    edge = valid & ((z <= low) if upper else (z >= high))  # 1 there, 0 at the other edge
    out = np.where(~valid | np.isnan(z), np.nan, np.where(edge, 1.0, 0.0))
    with np.errstate(all="ignore"):
        out = np.where(inside, function(z), out)
    return _scalar_or_array(out)


def _quantile(q: _Array, valid: _Array, support: tuple[float, float],
              function: Callable[[np.ndarray], np.ndarray]) -> _Array:
    """``rv_continuous.ppf`` of ``function`` (standard loc 0 and scale 1)."""
    q = np.asarray(q, dtype=np.float64)
    valid = np.asarray(valid)
    low, high = support
    out = np.where(valid & (q == 0), low, np.where(valid & (q == 1), high, np.nan))
    with np.errstate(all="ignore"):
        # "* 1.0 + 0.0" is scipy's "* scale + loc": it turns a -0.0 into 0.0 as there
        out = np.where(valid & (q > 0) & (q < 1), function(q) * 1.0 + 0.0, out)
    return _scalar_or_array(out)


_REAL_LINE = (-np.inf, np.inf)
_POSITIVE = (0.0, np.inf)


def t_sf(x: _Array, df: _Array) -> _Array:
    """Student's t upper tail P(T > x) (``scipy.stats.t.sf``)."""
    df = np.asarray(df, dtype=np.float64)
    return _tail(x, df > 0, _REAL_LINE, lambda z: special.stdtr(df, -z), upper=True)


def t_ppf(q: _Array, df: _Array) -> _Array:
    """Student's t quantile (``scipy.stats.t.ppf``)."""
    df = np.asarray(df, dtype=np.float64)
    return _quantile(q, df > 0, _REAL_LINE, lambda p: special.stdtrit(df, p))


def f_sf(x: _Array, dfn: _Array, dfd: _Array) -> _Array:
    """F upper tail P(F > x) (``scipy.stats.f.sf``)."""
    dfn, dfd = np.asarray(dfn, dtype=np.float64), np.asarray(dfd, dtype=np.float64)
    return _tail(x, (dfn > 0) & (dfd > 0), _POSITIVE, lambda z: special.fdtrc(dfn, dfd, z),
                 upper=True)


def f_ppf(q: _Array, dfn: _Array, dfd: _Array) -> _Array:
    """F quantile (``scipy.stats.f.ppf``)."""
    dfn, dfd = np.asarray(dfn, dtype=np.float64), np.asarray(dfd, dtype=np.float64)
    return _quantile(q, (dfn > 0) & (dfd > 0), _POSITIVE, lambda p: special.fdtri(dfn, dfd, p))


def chi2_sf(x: _Array, df: _Array) -> _Array:
    """Chi-squared upper tail P(X > x) (``scipy.stats.chi2.sf``)."""
    df = np.asarray(df, dtype=np.float64)
    return _tail(x, df > 0, _POSITIVE, lambda z: special.chdtrc(df, z), upper=True)


def norm_cdf(x: _Array, loc: _Array = 0.0, scale: _Array = 1.0) -> _Array:
    """Normal distribution function (``scipy.stats.norm.cdf``)."""
    return _tail(x, True, _REAL_LINE, special.ndtr, upper=False, loc=loc, scale=scale)


def norm_sf(x: _Array) -> _Array:
    """Standard normal upper tail (``scipy.stats.norm.sf``)."""
    return _tail(x, True, _REAL_LINE, lambda z: special.ndtr(-z), upper=True)


def norm_ppf(q: _Array) -> _Array:
    """Standard normal quantile (``scipy.stats.norm.ppf``)."""
    return _quantile(q, True, _REAL_LINE, special.ndtri)
