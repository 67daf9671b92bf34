r"""Cronbach's alpha with SPSS's Item-Total Statistics and psych's conventions.

See docs/methods.md section 3. Every statistic follows from the item
covariance matrix held by :class:`surveyq.moments.Moments` in O(k^2), so the same numbers
come from data in memory, read in chunks or summed across machines.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from surveyq.distributions import f_ppf
from surveyq.errors import AnalysisError, InputError
from surveyq.messages import msg
from surveyq.moments import (
    MISSING_RULES,
    Moments,
    analysis_covariance,
    as_moments,
    cov_to_cor,
)
from surveyq.tables import spss_number

__all__ = ["Reliability", "cronbach_alpha"]

ITEM_TOTAL_COLUMNS = [
    "n",
    "mean",
    "scale_mean_if_deleted",
    "scale_var_if_deleted",
    "corrected_item_total_r",
    "squared_multiple_r",
    "alpha_if_deleted",
    "std_alpha_if_deleted",
    "possibly_reverse_keyed",
    "raw_r",
]

# SPSS's Item-Total Statistics: (column, header, decimals).
SPSS_ITEM_TOTAL = [
    ("scale_mean_if_deleted", "Scale Mean if Item Deleted", 4),
    ("scale_var_if_deleted", "Scale Variance if Item Deleted", 3),
    ("corrected_item_total_r", "Corrected Item-Total Correlation", 3),
    ("squared_multiple_r", "Squared Multiple Correlation", 3),
    ("alpha_if_deleted", "Cronbach's Alpha if Item Deleted", 3),
]

N_RULES = {
    "listwise": "respondents who answered every item (cases excluded listwise, as in SPSS)",
    "pairwise": (
        "all rows, as psych::alpha does for the Feldt interval; each covariance uses the "
        "respondents who answered both items"
    ),
}

# Eigenvalues of the correlation matrix below this fraction of the largest count as zero.
SINGULAR_TOLERANCE = 1e-10


@dataclass(frozen=True, eq=False)
class Reliability:
    """Result of :func:`cronbach_alpha`.

    Attributes
    ----------
    alpha : float
        Cronbach's alpha (raw, from the covariance matrix).
    std_alpha : float
        Alpha based on standardized items (SPSS), psych's ``std.alpha``; under pairwise
        deletion from ``cor(x, use = "pairwise")`` as psych 2.4.1 and later.
    ci : tuple of float
        (low, high) Feldt confidence interval at level ``ci_level``.
    ci_level : float
        Confidence level of ``ci``, e.g. 0.95.
    n : int
        Respondents analysed (listwise: complete respondents; pairwise: all rows, see
        :func:`cronbach_alpha`); the Feldt interval uses this n.
    k : int
        Number of items.
    reliable : bool
        ``alpha > threshold`` (strict).
    threshold : float
        The threshold used, 0.60 by default.
    missing : str
        ``"listwise"`` or ``"pairwise"``.
    item_total : DataFrame
        Indexed by item: ``n``, ``mean``, ``scale_mean_if_deleted``,
        ``scale_var_if_deleted``, ``corrected_item_total_r``, ``squared_multiple_r``,
        ``alpha_if_deleted``, ``std_alpha_if_deleted``, ``possibly_reverse_keyed``, ``raw_r``
        (psych's ``raw.r``, for data with missing answers).
    reverse_keyed : tuple of str
        Items whose corrected item-total correlation is negative ("possibly reverse-keyed").
    notes : tuple of str
        Why any value is NaN, and other facts a reader needs.
    """

    alpha: float
    std_alpha: float
    ci: tuple[float, float]
    ci_level: float
    n: int
    k: int
    reliable: bool
    threshold: float
    missing: str
    item_total: pd.DataFrame = field(repr=False)
    reverse_keyed: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """One-row summary: alpha, std_alpha, ci_low, ci_high, ci_level, n, k, reliable..."""
        return pd.DataFrame([{
            "alpha": self.alpha,
            "std_alpha": self.std_alpha,
            "ci_low": self.ci[0],
            "ci_high": self.ci[1],
            "ci_level": self.ci_level,
            "n": self.n,
            "k": self.k,
            "reliable": self.reliable,
            "threshold": self.threshold,
            "missing": self.missing,
        }])

    def summary(self) -> str:
        """SPSS-style "Reliability Statistics" and "Item-Total Statistics" as text.

        Numbers are printed as SPSS prints them (no leading zero, ``.`` for a missing
        value), followed by the conventions used and any notes.
        """
        lines = ["Reliability Statistics", _text_table(
            ["Cronbach's Alpha", "Cronbach's Alpha Based on Standardized Items", "N of Items"],
            [[spss_number(self.alpha, 3), spss_number(self.std_alpha, 3), str(self.k)]],
        ), "", "Item-Total Statistics", _text_table(
            [""] + [header for _, header, _ in SPSS_ITEM_TOTAL],
            [[str(item)] + [spss_number(row[column], decimals)
                            for column, _, decimals in SPSS_ITEM_TOTAL]
             for item, row in self.item_total.iterrows()],
        ), ""]
        lines += self._convention_lines()
        return "\n".join(lines)

    def _convention_lines(self) -> list[str]:
        verdict = "reliable" if self.reliable else "not reliable"
        low, high = (spss_number(value, 3) for value in self.ci)
        lines = [
            f"N = {self.n}: {N_RULES[self.missing]}; missing = {self.missing}",
            f"{self.ci_level:.0%} CI (Feldt): [{low}, {high}]",
            f"alpha {spss_number(self.alpha, 3)} {'>' if self.reliable else '<='} "
            f"{self.threshold:.2f}: {verdict}",
        ]
        if self.reverse_keyed:
            lines.append("Negative corrected item-total correlation (possibly reverse-keyed): "
                         + ", ".join(self.reverse_keyed))
        lines += [f"Note: {note}" for note in self.notes]
        return lines

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        conventions = "".join(f"<li>{html.escape(line)}</li>"
                              for line in self._convention_lines())
        return (
            "<div class='surveyq-reliability'>"
            "<h4>Reliability Statistics</h4>"
            + self.to_frame().to_html(index=False, float_format=lambda x: f"{x:.3f}")
            + "<h4>Item-Total Statistics</h4>"
            + self.item_total.to_html(float_format=lambda x: f"{x:.3f}")
            + f"<ul>{conventions}</ul></div>"
        )


def cronbach_alpha(
    items: pd.DataFrame | Moments,
    missing: str = "listwise",
    ci: float = 0.95,
    threshold: float = 0.60,
) -> Reliability:
    r"""Cronbach's alpha, its Feldt interval and SPSS's Item-Total Statistics.

    Parameters
    ----------
    items : DataFrame or Moments
        Respondents x items (numeric codes after reverse keying, NaN = missing), or their
        :class:`~surveyq.moments.Moments`.
    missing : {"listwise", "pairwise"}
        ``"listwise"`` (default) analyses the respondents who answered every item, SPSS
        RELIABILITY's only behaviour. ``"pairwise"`` reproduces psych::alpha's default
        (``use = "pairwise"``): covariances over the respondents who answered both items,
        item means over every answer, and n = all rows for the Feldt interval, as psych does.
    ci : float, default 0.95
        Confidence level of the Feldt interval.
    threshold : float, default 0.60
        ``reliable`` is ``alpha > threshold`` (strict; 0.70 is the common alternative).

    Returns
    -------
    Reliability
        ``alpha``, ``std_alpha``, ``ci``, ``n``, ``k``, ``reliable``, ``item_total`` (SPSS's
        Item-Total Statistics plus psych's standardized alpha if deleted and a
        possibly-reverse-keyed flag), ``reverse_keyed`` and ``notes``.

    Raises
    ------
    AnalysisError
        Fewer than 2 items, fewer than 3 respondents (complete, or behind any pairwise
        covariance), an item nobody answered, a constant item, or a total score that does
        not vary.

    Notes
    -----
    With C the k x k item covariance matrix (ddof = 1), R the correlation matrix obtained by
    scaling C by the item variances (psych's ``cov2cor``; under pairwise deletion this is
    what psych::alpha does) and :math:`\mathbf{1}` a vector of ones:

    .. math::

        \alpha = \frac{k}{k-1}\left(1 - \frac{\operatorname{tr} C}{\mathbf{1}'C\mathbf{1}}\right),
        \qquad
        \alpha_{std} = \frac{k\bar r}{1 + (k-1)\bar r}
                     = \frac{k}{k-1}\left(1 - \frac{k}{\mathbf{1}'R\mathbf{1}}\right)

    with :math:`\bar r` the mean off-diagonal correlation. Under pairwise deletion R is
    ``cor(x, use = "pairwise")`` (each correlation over the respondents who answered both
    items, with their own means and standard deviations), as psych 2.4.1 and later build
    ``std.alpha``; earlier psych versions (e.g. Debian's 2.2.9) rescaled the pairwise
    covariances instead (``cov2cor``), which differs in the third or fourth decimal when
    answers are missing. Listwise, both are the same. For item j, with
    :math:`V_j = \mathbf{1}'C\mathbf{1} - 2(C\mathbf{1})_j + C_{jj}` the variance of T - x_j:
    scale mean if deleted :math:`\sum_i m_i - m_j`; scale variance if deleted :math:`V_j`;
    corrected item-total r :math:`((C\mathbf{1})_j - C_{jj}) / \sqrt{C_{jj} V_j}`; squared
    multiple correlation :math:`1 - 1/(R^{-1})_{jj}`; alpha if deleted is alpha of the other
    k - 1 items (standardized: from R without row and column j). ``raw_r`` is psych's
    ``raw.r``: the Pearson r of each item with the mean of the items each respondent
    answered (pairwise over respondents with both; listwise the same as the item-total r);
    it needs the rows, so it is NaN with a note when ``items`` are Moments. The Feldt (1965)
    interval is

    .. math::

        \left[1 - (1-\alpha) F_{1-(1-ci)/2}(n-1, (n-1)(k-1)),\;
              1 - (1-\alpha) F_{(1-ci)/2}(n-1, (n-1)(k-1))\right]

    with n the respondents analysed (pingouin 0.7.0 uses the n before listwise deletion).

    Undefined values are NaN with a reason in ``notes``: the squared multiple correlation
    when R is singular (perfectly collinear items, or k >= n), and alpha if deleted when
    k = 2 (one item has no alpha). Checked against psych::alpha (raw_alpha, std.alpha,
    alpha.drop, r.drop, item means, Feldt interval) on psychTools::bfi, psychTools::ability
    and datasets::attitude, against psych::smc, against pingouin, and against a published
    SPSS RELIABILITY output (Denis, *Applied Univariate, Bivariate, and Multivariate
    Statistics*, Wiley).

    References
    ----------
    .. [1] Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
       *Psychometrika*, 16(3), 297-334.
    .. [2] Feldt, L. S. (1965). The approximate sampling distribution of Kuder-Richardson
       reliability coefficient twenty. *Psychometrika*, 30(3), 357-370.
    .. [3] IBM SPSS Statistics, RELIABILITY (Command Syntax Reference), /SUMMARY=TOTAL.
    .. [4] Revelle, W. psych: Procedures for Psychological, Psychometric, and Personality
       Research, functions ``alpha`` and ``smc``.
    .. [5] docs/methods.md, sections 1 (missing values) and 3 (reliability).

    Examples
    --------
    >>> import pandas as pd
    >>> from surveyq.reliability import cronbach_alpha
    >>> df = pd.DataFrame({"Q1": [4, 5, 3, 4, 2, 5], "Q2": [4, 4, 3, 5, 2, 4],
    ...                    "Q3": [5, 5, 2, 4, 3, 4]})
    >>> # In R: psych::alpha(df)$total$raw_alpha
    >>> rel = cronbach_alpha(df)
    >>> round(rel.alpha, 4), round(rel.std_alpha, 4), rel.n, rel.reliable
    (0.8713, 0.8729, 6, True)
    >>> [round(bound, 3) for bound in rel.ci]
    [0.455, 0.981]
    >>> rel.item_total["alpha_if_deleted"].round(4).tolist()
    [0.7521, 0.8286, 0.8682]
    """
    _check_arguments(missing, ci, threshold)
    moments = as_moments(items, missing)
    cov, _ = analysis_covariance(moments, missing)
    n = moments.n_complete if missing == "listwise" else moments.n_rows
    means = moments.means(missing).to_numpy()
    correlation = _standardizing_correlation(moments, cov, missing)
    scale = _scale_statistics(cov, correlation)
    notes = _scale_notes(moments, scale, missing)
    item_total, item_notes = _item_total_table(moments, cov, means, missing, correlation)
    item_total["raw_r"], raw_notes = _raw_r(items, moments, missing)
    item_notes += raw_notes
    reverse_keyed = tuple(item_total.index[item_total["possibly_reverse_keyed"]])
    return Reliability(
        alpha=scale["alpha"],
        std_alpha=scale["std_alpha"],
        ci=_feldt_interval(scale["alpha"], n, moments.k, ci),
        ci_level=ci,
        n=n,
        k=moments.k,
        reliable=bool(scale["alpha"] > threshold),
        threshold=threshold,
        missing=missing,
        item_total=item_total,
        reverse_keyed=reverse_keyed,
        notes=tuple(notes + item_notes),
    )


def _standardizing_correlation(moments: Moments, cov: np.ndarray, missing: str) -> np.ndarray:
    """R for standardized alpha: cov2cor listwise; cor(use = "pairwise") as psych >= 2.4.1."""
    if missing == "listwise":
        return cov_to_cor(cov)
    return moments.correlation("pairwise").to_numpy()


def _raw_r(items: pd.DataFrame | Moments, moments: Moments,
           missing: str) -> tuple[np.ndarray, list[str]]:
    """psych's raw.r: each item with the mean of the answered items.

    Listwise this is the item-total r, which the covariance gives; pairwise it needs the rows.
    """
    if missing == "listwise":
        cov = moments._listwise_covariance()
        return cov.sum(axis=1) / np.sqrt(np.diag(cov) * cov.sum()), []
    if not isinstance(items, pd.DataFrame):
        return np.full(moments.k, np.nan), [
            "raw_r (each item with the mean of the items answered) needs the rows under "
            "pairwise deletion; it is not computed from Moments"]
    frame = items[list(moments.items)].apply(pd.to_numeric, errors="coerce").astype(float)
    if missing == "listwise":
        frame = frame.dropna()
    total = frame.mean(axis=1, skipna=True)
    return np.array([frame[item].corr(total) for item in moments.items]), []


def _scale_statistics(cov: np.ndarray, correlation: np.ndarray) -> dict[str, float]:
    k = cov.shape[0]
    total_var = float(cov.sum())
    if total_var <= 1e-12 * float(np.trace(cov)):
        raise AnalysisError(
            msg("error.total_constant"))
    return {
        "alpha": k / (k - 1) * (1 - float(np.trace(cov)) / total_var),
        "std_alpha": k / (k - 1) * (1 - k / float(correlation.sum())),
    }


def _scale_notes(moments: Moments, scale: dict[str, float], missing: str) -> list[str]:
    notes = []
    if missing == "pairwise":
        notes.append(msg("reliability.pairwise_feldt_n", n=moments.n_rows))
    if scale["alpha"] < 0:
        notes.append(msg("reliability.alpha_negative"))
    return notes


def _item_total_table(moments: Moments, cov: np.ndarray, means: np.ndarray, missing: str,
                      correlation: np.ndarray) -> tuple[pd.DataFrame, list[str]]:
    k = cov.shape[0]
    item_var = np.diag(cov)
    item_total_cov = cov.sum(axis=1)
    rest_var = cov.sum() - 2 * item_total_cov + item_var
    rest_cov = item_total_cov - item_var
    flat_rest = rest_var <= 1e-12 * cov.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        corrected_r = np.where(flat_rest, np.nan, rest_cov / np.sqrt(item_var * rest_var))
    n_smallest = moments.n_complete if missing == "listwise" else int(moments.pair_count.min())
    smc, notes = _squared_multiple_r(cov, n_smallest)
    alpha_deleted, std_alpha_deleted = _alpha_if_deleted(cov, rest_var, correlation)
    if k == 2:
        notes.append(msg("reliability.alpha_drop_two_items"))
    notes += [msg("reliability.corrected_r_undefined", item=repr(item))
              for item, flat in zip(moments.items, flat_rest, strict=True) if flat]
    counts = moments.counts("listwise" if missing == "listwise" else "available").to_numpy()
    table = pd.DataFrame(
        {
            "n": counts,
            "mean": means,
            "scale_mean_if_deleted": means.sum() - means,
            "scale_var_if_deleted": rest_var,
            "corrected_item_total_r": corrected_r,
            "squared_multiple_r": smc,
            "alpha_if_deleted": alpha_deleted,
            "std_alpha_if_deleted": std_alpha_deleted,
            "possibly_reverse_keyed": np.nan_to_num(corrected_r, nan=0.0) < 0,
            "raw_r": np.nan,
        },
        index=pd.Index(moments.items, name="item"),
    )
    return table[ITEM_TOTAL_COLUMNS], notes


def _alpha_if_deleted(cov: np.ndarray, rest_var: np.ndarray,
                      correlation: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    k = cov.shape[0]
    if k < 3:
        return np.full(k, np.nan), np.full(k, np.nan)
    item_var = np.diag(cov)
    rest_correlation_sum = correlation.sum() - 2 * correlation.sum(axis=1) + 1
    with np.errstate(invalid="ignore", divide="ignore"):
        raw = (k - 1) / (k - 2) * (1 - (item_var.sum() - item_var) / rest_var)
        standardized = (k - 1) / (k - 2) * (1 - (k - 1) / rest_correlation_sum)
    return raw, standardized


def _squared_multiple_r(cov: np.ndarray, n_smallest: int) -> tuple[np.ndarray, list[str]]:
    k = cov.shape[0]
    undefined = np.full(k, np.nan)
    if k >= n_smallest:
        return undefined, [msg("reliability.smc_too_few", k=k, n=n_smallest)]
    correlation = cov_to_cor(cov)
    eigenvalues = np.linalg.eigvalsh(correlation)
    if eigenvalues.min() <= SINGULAR_TOLERANCE * eigenvalues.max():
        return undefined, [msg("reliability.smc_singular")]
    return 1 - 1 / np.diag(np.linalg.inv(correlation)), []


def _feldt_interval(alpha: float, n: int, k: int, level: float) -> tuple[float, float]:
    df1, df2 = n - 1, (n - 1) * (k - 1)
    tail = (1 - level) / 2
    low = 1 - (1 - alpha) * f_ppf(1 - tail, df1, df2)
    high = 1 - (1 - alpha) * f_ppf(tail, df1, df2)
    return float(low), float(high)


def _check_arguments(missing: str, ci: float, threshold: float) -> None:
    if missing not in MISSING_RULES:
        raise InputError(msg("tables.missing_option", value=repr(missing)))
    if isinstance(ci, bool) or not isinstance(ci, (int, float)) or not 0 < ci < 1:
        raise InputError(msg("reliability.ci_option", value=repr(ci)))
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
        raise InputError(msg("reliability.threshold_option", value=repr(threshold)))


def _text_table(header: list[str], rows: list[list[str]]) -> str:
    """Columns padded to their widest cell; a first column headed "" holds left-aligned labels."""
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    label_column = header[0] == ""

    def render(cells: list[str]) -> str:
        padded = [cell.ljust(width) if position == 0 and label_column else cell.rjust(width)
                  for position, (cell, width) in enumerate(zip(cells, widths, strict=True))]
        return "  ".join(padded).rstrip()

    return "\n".join(render(cells) for cells in [header, *rows])
