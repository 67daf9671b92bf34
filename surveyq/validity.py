"""Item validity: Pearson correlation of each item with the total score, against r tabel.

See docs/methods.md section 2. Everything is computed from the item
covariance matrix held by :class:`surveyq.moments.Moments`, so the same numbers come from
data in memory, read in chunks or summed across machines.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from surveyq.distributions import t_ppf, t_sf
from surveyq.errors import AnalysisError, InputError
from surveyq.messages import msg
from surveyq.moments import MISSING_RULES, Moments, analysis_covariance, as_moments

__all__ = ["item_validity", "r_table"]

TAILS = ("two-sided", "one-sided")

N_RULES = {
    "listwise": "n = respondents who answered every item (the total score needs them all)",
    "pairwise": (
        "n = for each item, the fewest respondents who answered it together with any other "
        "item (the smallest pairwise count behind its covariances)"
    ),
}


def r_table(n: int | np.integer, alpha: float = 0.05, tail: str = "two-sided") -> float:
    r"""Critical Pearson r ("r tabel") for n respondents.

    Parameters
    ----------
    n : int
        Number of respondents; the test has df = n - 2, so n must be at least 3.
    alpha : float, default 0.05
        Significance level, strictly between 0 and 1.
    tail : {"two-sided", "one-sided"}
        ``"two-sided"`` uses the t quantile at 1 - alpha/2, ``"one-sided"`` at 1 - alpha
        (for the alternative r > 0).

    Returns
    -------
    float
        The smallest r that is significant: an item is valid when r > r_table.

    Notes
    -----
    .. math:: r_{crit} = \frac{t_{crit}}{\sqrt{df + t_{crit}^2}}, \qquad df = n - 2

    which inverts :math:`t = r \sqrt{df / (1 - r^2)}`. Printed r tables (e.g. Bungin 2010,
    p. 268) list the same values, to 3 or 4 decimals, indexed by n or by df = n - 2.
    See docs/methods.md section 2.

    References
    ----------
    .. [1] docs/methods.md, section 2 (item validity).
    .. [2] Fisher, R. A. & Yates, F. (1963). *Statistical Tables for Biological, Agricultural
       and Medical Research*, 6th ed., Table VII.

    Examples
    --------
    >>> from surveyq.validity import r_table
    >>> round(r_table(30), 3)
    0.361
    >>> round(r_table(100), 4)
    0.1966
    >>> round(r_table(30, tail="one-sided"), 3)
    0.306
    """
    _check_alpha(alpha)
    _check_tail(tail)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise InputError(msg("validity.n_option", value=repr(n)))
    if n < 3:
        raise AnalysisError(msg("error.r_table_n", n=n))
    return float(_critical_r(np.array([n]), alpha, tail)[0])


def item_validity(
    items: pd.DataFrame | Moments,
    corrected: bool = False,
    alpha: float = 0.05,
    tail: str = "two-sided",
    missing: str = "listwise",
) -> pd.DataFrame:
    r"""Pearson correlation of each item with the total score, its p-value and r tabel.

    Parameters
    ----------
    items : DataFrame or Moments
        Respondents x items (numeric codes after reverse keying, NaN = missing), or their
        :class:`~surveyq.moments.Moments`.
    corrected : bool, default False
        False correlates item j with the total T = sum of all items (SPSS Bivariate
        Correlations with a total column, common in Indonesian theses). True correlates it
        with T - x_j, the total of the other items (SPSS "Corrected Item-Total Correlation",
        psych's ``r.drop``).
    alpha : float, default 0.05
        Significance level for r tabel.
    tail : {"two-sided", "one-sided"}
        Two-sided by default; one-sided tests r > 0.
    missing : {"listwise", "pairwise"}
        Listwise (default) uses respondents who answered every item: the total score is only
        defined for them. Pairwise computes the item-total correlations from the pairwise
        covariance matrix C (each entry over the respondents who answered both items), as
        psych::alpha does for ``r.drop``:
        r_j = (C 1)_j / sqrt(C_jj 1'C1), corrected r_j = ((C 1)_j - C_jj) / sqrt(C_jj V_j)
        with V_j the sum of C without row and column j. Its n per item is the smallest
        number of respondents behind any covariance of item j (its row of pairwise counts);
        this is a conservative choice, as no single n stands behind such an r.

    Returns
    -------
    DataFrame
        Indexed by item, columns ``n`` (respondents behind r), ``r``, ``r_table``
        (critical r at ``alpha`` for df = n - 2), ``p_value`` and ``valid`` (r > r_table,
        strictly; a negative r is never valid). ``df.attrs`` records ``corrected``,
        ``missing``, ``alpha``, ``tail``, ``n_rule`` and ``notes`` (why any r is NaN).

    Raises
    ------
    AnalysisError
        Fewer than 2 items, fewer than 3 respondents, an item nobody answered, a constant
        item.

    Notes
    -----
    With covariance matrix C of the items (ddof = 1) and :math:`\mathbf{1}` a vector of ones:

    .. math::

        r_j = \frac{(C\mathbf{1})_j}{\sqrt{C_{jj}\,\mathbf{1}'C\mathbf{1}}}, \qquad
        r_j^{corr} = \frac{(C\mathbf{1})_j - C_{jj}}
                         {\sqrt{C_{jj}\,(\mathbf{1}'C\mathbf{1} - 2(C\mathbf{1})_j
                          + C_{jj})}}

    which equal the Pearson r of x_j with T and with T - x_j. The p-value uses
    :math:`t = r\sqrt{(n-2)/(1-r^2)}` with n - 2 degrees of freedom (two-sided, or the
    upper tail for ``tail="one-sided"``), as R's ``cor.test`` does. If the total (or the
    rest score) does not vary, r is NaN, the item is not valid and ``attrs["notes"]`` says
    why. Checked against R ``cor.test`` and ``psych::alpha`` (``r.drop``) on psychTools::bfi,
    psychTools::ability and datasets::attitude.

    References
    ----------
    .. [1] docs/methods.md, sections 1 (missing values) and 2 (item validity).
    .. [2] IBM SPSS Statistics, RELIABILITY and CORRELATIONS procedures (Command Syntax
       Reference).
    .. [3] Revelle, W. psych: Procedures for Psychological, Psychometric, and Personality
       Research, function ``alpha`` (item statistics ``r.drop``).

    Examples
    --------
    >>> import pandas as pd
    >>> from surveyq.validity import item_validity
    >>> df = pd.DataFrame({"Q1": [4, 5, 3, 4, 2, 5], "Q2": [4, 4, 3, 5, 2, 4],
    ...                    "Q3": [5, 5, 2, 4, 3, 4]})
    >>> # In R: cor.test(df$Q1, rowSums(df))
    >>> result = item_validity(df)
    >>> result.round(4)
          n       r  r_table  p_value  valid
    item
    Q1    6  0.9280   0.8114   0.0076   True
    Q2    6  0.8789   0.8114   0.0211   True
    Q3    6  0.8712   0.8114   0.0238   True
    >>> item_validity(df, corrected=True)["valid"].tolist()
    [True, False, False]
    """
    _check_alpha(alpha)
    _check_tail(tail)
    if missing not in MISSING_RULES:
        raise InputError(msg("tables.missing_option", value=repr(missing)))
    moments = as_moments(items, missing)
    cov, n_per_item = analysis_covariance(moments, missing)
    r, notes = _item_total_r(cov, moments.items, corrected)
    result = pd.DataFrame(
        {
            "n": n_per_item,
            "r": r,
            "r_table": _critical_r(n_per_item, alpha, tail),
            "p_value": _p_value(r, n_per_item, tail),
        },
        index=pd.Index(moments.items, name="item"),
    )
    result["valid"] = (result["r"] > result["r_table"]).astype(bool)
    result.attrs.update(corrected=corrected, missing=missing, alpha=alpha, tail=tail,
                        n_rule=N_RULES[missing], notes=tuple(notes))
    return result


def _item_total_r(cov: np.ndarray, items: tuple[str, ...],
                  corrected: bool) -> tuple[np.ndarray, list[str]]:
    item_var = np.diag(cov)
    item_total_cov = cov.sum(axis=1)
    total_var = cov.sum()
    if corrected:
        covariance = item_total_cov - item_var
        other_var = total_var - 2 * item_total_cov + item_var
        what = "rest"
    else:
        covariance = item_total_cov
        other_var = np.full_like(item_var, total_var)
        what = "total"
    flat = other_var <= 1e-12 * np.maximum(total_var, 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where(flat, np.nan, covariance / np.sqrt(item_var * other_var))
    notes = [msg(f"validity.r_undefined_{what}", item=repr(item))
             for item, is_flat in zip(items, flat, strict=True) if is_flat]
    return np.clip(r, -1.0, 1.0), notes


def _critical_r(n: np.ndarray, alpha: float, tail: str) -> np.ndarray:
    df = np.asarray(n, dtype=float) - 2
    quantile = 1 - alpha / 2 if tail == "two-sided" else 1 - alpha
    t_crit = t_ppf(quantile, df)
    return t_crit / np.sqrt(df + t_crit**2)


def _p_value(r: np.ndarray, n: np.ndarray, tail: str) -> np.ndarray:
    df = np.asarray(n, dtype=float) - 2
    with np.errstate(invalid="ignore", divide="ignore"):
        t_stat = r * np.sqrt(df / (1 - r**2))
    if tail == "two-sided":
        return 2 * t_sf(np.abs(t_stat), df)
    return t_sf(t_stat, df)


def _check_alpha(alpha: float) -> None:
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not 0 < alpha < 1:
        raise InputError(msg("validity.alpha_option", value=repr(alpha)))


def _check_tail(tail: str) -> None:
    if tail not in TAILS:
        raise InputError(msg("validity.tail_option", value=repr(tail)))
