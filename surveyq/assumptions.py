r"""Tests of normality as SPSS's EXAMINE prints them: Kolmogorov-Smirnov (Lilliefors) and
Shapiro-Wilk."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from surveyq.distributions import norm_cdf
from surveyq.errors import AnalysisError
from surveyq.messages import msg
from surveyq.shapiro import shapiro_wilk
from surveyq.tables import html_block, numeric_series, spss_number

__all__ = ["Normality", "lilliefors", "normality"]

#: SPSS's Lilliefors table ends at .200; above it SPSS prints ".200*" ("a lower bound of the
#: true significance").
SPSS_LILLIEFORS_CAP = 0.2
#: R's shapiro.test refuses more values than this (Royston's approximation was fitted to n
#: up to 5000).
SHAPIRO_MAX_N = 5000


@dataclass(frozen=True, eq=False)
class Normality:
    """Result of :func:`normality` (SPSS's "Tests of Normality").

    Attributes
    ----------
    n : int
        Values tested (missing values left out, see ``notes``).
    ks_statistic, ks_p_value : float
        Kolmogorov-Smirnov D with the Lilliefors correction and its p-value (nortest's).
    sw_statistic, sw_p_value : float
        Shapiro-Wilk W and its p-value (Royston's algorithm, as R's ``shapiro.test``).
    """

    n: int
    ks_statistic: float
    ks_p_value: float
    sw_statistic: float
    sw_p_value: float
    alpha: float = 0.05
    notes: tuple[str, ...] = ()

    @property
    def ks_p_display(self) -> str:
        """The KS p as SPSS prints it: ``.200*`` where its Lilliefors table ends."""
        return spss_ks_p(self.ks_p_value)

    @property
    def ks(self) -> pd.Series:
        """Kolmogorov-Smirnov (Lilliefors): ``statistic``, ``df``, ``p_value``."""
        return pd.Series({"statistic": self.ks_statistic, "df": self.n,
                          "p_value": self.ks_p_value}, name="kolmogorov_smirnov")

    @property
    def shapiro(self) -> pd.Series:
        """Shapiro-Wilk: ``statistic`` (W), ``df``, ``p_value``."""
        return pd.Series({"statistic": self.sw_statistic, "df": self.n,
                          "p_value": self.sw_p_value}, name="shapiro_wilk")

    @property
    def normal(self) -> bool:
        """Both p-values above ``alpha`` (the usual thesis reading)."""
        return bool(self.ks_p_value > self.alpha and self.sw_p_value > self.alpha)

    def to_frame(self) -> pd.DataFrame:
        """One row: n, ks_statistic, ks_df, ks_p_value, sw_statistic, sw_df, sw_p_value."""
        return pd.DataFrame([{
            "n": self.n,
            "ks_statistic": self.ks_statistic, "ks_df": self.n, "ks_p_value": self.ks_p_value,
            "sw_statistic": self.sw_statistic, "sw_df": self.n, "sw_p_value": self.sw_p_value,
            "normal": self.normal,
        }])

    def _repr_html_(self) -> str:
        return html_block("surveyq-normality", [("Tests of Normality", self.to_frame())],
                          self.notes)


def spss_ks_p(p_value: float) -> str:
    """``.200*`` above SPSS's table end, else the p-value to 3 decimals without a leading 0."""
    if np.isfinite(p_value) and p_value > SPSS_LILLIEFORS_CAP:
        return ".200*"
    return spss_number(p_value, 3)


def lilliefors(values: np.ndarray) -> tuple[float, float]:
    r"""Lilliefors-corrected Kolmogorov-Smirnov D and p-value, as nortest::lillie.test.

    D is the largest distance between the empirical distribution and the normal with the
    sample mean and standard deviation (n - 1). The p-value is Dallal & Wilkinson's (1986)
    approximation, and where that exceeds 0.1 Stephens' (1974) formula for the modified
    statistic :math:`D (\sqrt n - 0.01 + 0.85/\sqrt n)`, exactly as nortest 1.0-4 does.

    Examples
    --------
    >>> from surveyq.assumptions import lilliefors
    >>> d, p = lilliefors([2.1, 3.4, 1.9, 5.6, 4.4, 3.3, 2.8, 4.1, 3.9, 2.2])
    >>> round(d, 4), round(p, 4)   # In R: nortest::lillie.test(x)
    (0.1413, 0.8266)
    """
    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    if n < 5:
        raise AnalysisError(msg("tables.lilliefors_n", n=n))
    cdf = norm_cdf((x - x.mean()) / x.std(ddof=1))
    d_plus = np.max(np.arange(1, n + 1) / n - cdf)
    d_minus = np.max(cdf - np.arange(0, n) / n)
    d = float(max(d_plus, d_minus))
    return d, _lilliefors_p(d, n)


def _lilliefors_p(d: float, n: int) -> float:
    kd, nd = (d * (n / 100) ** 0.49, 100) if n > 100 else (d, n)
    p = np.exp(-7.01256 * kd**2 * (nd + 2.78019) + 2.99587 * kd * np.sqrt(nd + 2.78019)
               - 0.122119 + 0.974598 / np.sqrt(nd) + 1.67997 / nd)
    if p <= 0.1:
        return float(p)
    kk = (np.sqrt(n) - 0.01 + 0.85 / np.sqrt(n)) * d
    if kk <= 0.302:
        return 1.0
    if kk <= 0.5:
        coefficients = (2.76773, -19.828315, 80.709644, -138.55152, 81.218052)
    elif kk <= 0.9:
        coefficients = (-4.901232, 40.662806, -97.490286, 94.029866, -32.355711)
    elif kk <= 1.31:
        coefficients = (6.198765, -19.39417, 23.39751, -12.79427, 2.613333)
    else:
        return 0.0
    return float(sum(c * kk**power for power, c in enumerate(coefficients)))


def normality(values: Sequence[float] | pd.Series | np.ndarray, alpha: float = 0.05) -> Normality:
    r"""Kolmogorov-Smirnov (Lilliefors) and Shapiro-Wilk tests, SPSS's "Tests of Normality".

    Parameters
    ----------
    values : sequence, Series or array
        The values (a variable, or regression residuals); missing values are left out and
        counted in ``notes``.
    alpha : float, default 0.05
        Level for the ``normal`` verdict (both p-values above it).

    Returns
    -------
    Normality
        ``n``, ``ks_statistic``, ``ks_p_value`` (and ``ks_p_display``), ``sw_statistic``,
        ``sw_p_value``, ``normal``.

    Notes
    -----
    **Kolmogorov-Smirnov with the Lilliefors correction**:
    :math:`D = \max_i \max(i/n - \Phi(z_{(i)}), \Phi(z_{(i)}) - (i-1)/n)`, with
    :math:`z = (x - \bar x)/s`. Its p-value is nortest's (Dallal & Wilkinson 1986 below 0.1,
    Stephens 1974 above). SPSS also uses Dallal & Wilkinson's approximation but reads its
    table only to 0.2 and prints ``.200*`` ("This is a lower bound of the true
    significance") above it; ``ks_p_display`` applies that display rule. Between 0.1 and
    0.2 SPSS's value may differ from nortest's in the third decimal.

    **Shapiro-Wilk** W and p by Royston's (1995) algorithm AS R94
    (:func:`surveyq.shapiro.shapiro_wilk`: the numbers of ``scipy.stats.shapiro``, the same
    algorithm as R's ``shapiro.test``). R refuses more than 5000 values; here the test still
    runs and a note says the p-value is outside the range Royston fitted.

    Checked against nortest::lillie.test and shapiro.test on datasets::attitude, mtcars,
    ToothGrowth, precip, InsectSprays, swiss and psychTools::bfi.

    References
    ----------
    .. [1] Lilliefors, H. W. (1967). On the Kolmogorov-Smirnov test for normality with mean
       and variance unknown. *JASA*, 62(318), 399-402.
    .. [2] Dallal, G. E. & Wilkinson, L. (1986). An analytic approximation to the
       distribution of Lilliefors's test statistic for normality. *The American
       Statistician*, 40(4), 294-296.
    .. [3] Stephens, M. A. (1974). EDF statistics for goodness of fit and some comparisons.
       *JASA*, 69(347), 730-737.
    .. [4] Royston, P. (1995). Remark AS R94. *Applied Statistics*, 44(4), 547-551.
    .. [5] Gross, J. & Ligges, U. nortest, function ``lillie.test``; IBM SPSS Statistics,
       EXAMINE /PLOT NPPLOT (Tests of Normality).

    Examples
    --------
    >>> from surveyq.assumptions import normality
    >>> result = normality([2.1, 3.4, 1.9, 5.6, 4.4, 3.3, 2.8, 4.1, 3.9, 2.2])
    >>> round(result.ks_statistic, 4), result.ks_p_display   # SPSS prints .200*
    (0.1413, '.200*')
    >>> round(result.sw_statistic, 4), round(result.sw_p_value, 4)  # R: shapiro.test(x)
    (0.9525, 0.6979)
    """
    x, dropped = numeric_series(values, "values")
    notes = []
    if dropped:
        notes.append(msg("tables.missing_values_left_out", dropped=dropped))
    n = len(x)
    if n < 5:
        raise AnalysisError(msg("tables.normality_n", n=n))
    if np.ptp(x) == 0:
        raise AnalysisError(msg("tables.normality_constant"))
    d, ks_p = lilliefors(x)
    sw_statistic, sw_p_value = shapiro_wilk(x)
    if n > SHAPIRO_MAX_N:
        notes.append(f"Shapiro-Wilk with n = {n} > {SHAPIRO_MAX_N}: R refuses it and the "
                     "p-value is outside the range Royston's approximation was fitted on")
    notes.append("Lilliefors significance: nortest's (Dallal-Wilkinson below 0.1, Stephens "
                 "above); SPSS prints .200* above .200")
    return Normality(n=n, ks_statistic=d, ks_p_value=ks_p, sw_statistic=sw_statistic,
                     sw_p_value=sw_p_value, alpha=alpha, notes=tuple(notes))
