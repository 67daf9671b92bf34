r"""Comparing a variable across respondent groups, as SPSS prints it: Levene's test, the
independent-samples t test (equal variances assumed and not), Mann-Whitney, one-way ANOVA and
Kruskal-Wallis."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from surveyq.distributions import norm_sf, t_ppf, t_sf
from surveyq.errors import AnalysisError, InputError
from surveyq.meantests import levene_mean, oneway_anova
from surveyq.messages import msg
from surveyq.ranktests import average_ranks, kruskal_wallis
from surveyq.tables import html_block

__all__ = ["GroupComparison", "compare_groups"]


@dataclass(frozen=True, eq=False)
class GroupComparison:
    """Result of :func:`compare_groups`.

    Attributes
    ----------
    groups : DataFrame
        Per group (in sorted order): ``n``, ``mean``, ``sd``, ``mean_rank``.
    levene : Series
        ``f``, ``df1``, ``df2``, ``p_value`` (centred on the group means, as SPSS).
    t_test, welch : Series or None
        Two groups: ``t``, ``df``, ``p_value``, ``mean_difference`` (first minus second),
        ``se_difference``, ``ci_low``, ``ci_high`` with equal variances assumed (Student) and
        not assumed (Welch).
    mann_whitney : Series or None
        Two groups: ``u`` (the smaller U, as SPSS prints), ``u_first`` (U of the first group,
        R's W), ``z``, ``p_value`` (asymptotic, tie-corrected, no continuity correction).
    anova : Series or None
        Three or more groups: ``ss_between``, ``ss_within``, ``f``, ``df1``, ``df2``,
        ``p_value``.
    kruskal : Series or None
        Three or more groups: ``h``, ``df``, ``p_value`` (tie-corrected).
    """

    groups: pd.DataFrame = field(repr=False)
    levene: pd.Series = field(repr=False)
    t_test: pd.Series | None = field(default=None, repr=False)
    welch: pd.Series | None = field(default=None, repr=False)
    mann_whitney: pd.Series | None = field(default=None, repr=False)
    anova: pd.Series | None = field(default=None, repr=False)
    kruskal: pd.Series | None = field(default=None, repr=False)
    notes: tuple[str, ...] = ()

    @property
    def k(self) -> int:
        """Number of groups."""
        return len(self.groups)

    def tests(self) -> pd.DataFrame:
        """Every test as one row: ``test``, ``statistic``, ``df``, ``p_value``."""
        rows = [("levene", self.levene["f"], f"{self.levene['df1']:g}, {self.levene['df2']:g}",
                 self.levene["p_value"])]
        if self.t_test is not None and self.welch is not None and self.mann_whitney is not None:
            rows += [("t_test", self.t_test["t"], f"{self.t_test['df']:g}",
                      self.t_test["p_value"]),
                     ("welch", self.welch["t"], f"{self.welch['df']:.3f}", self.welch["p_value"]),
                     ("mann_whitney_z", self.mann_whitney["z"], "", self.mann_whitney["p_value"])]
        if self.anova is not None and self.kruskal is not None:
            rows += [("anova", self.anova["f"], f"{self.anova['df1']:g}, {self.anova['df2']:g}",
                      self.anova["p_value"]),
                     ("kruskal", self.kruskal["h"], f"{self.kruskal['df']:g}",
                      self.kruskal["p_value"])]
        return pd.DataFrame(rows, columns=["test", "statistic", "df", "p_value"])

    def to_frame(self) -> pd.DataFrame:
        """The group statistics (n, mean, sd, mean rank)."""
        return self.groups.copy()

    def _repr_html_(self) -> str:
        return html_block("surveyq-groups", [("Group Statistics", self.groups),
                                             ("Tests", self.tests().set_index("test"))],
                          self.notes)


def compare_groups(values: Sequence[float] | pd.Series | np.ndarray,
                   groups: Sequence[object] | pd.Series | np.ndarray,
                   ci: float = 0.95) -> GroupComparison:
    r"""Levene, t / Welch / Mann-Whitney for two groups, ANOVA / Kruskal-Wallis for more.

    Parameters
    ----------
    values : sequence, Series or array
        The variable (e.g. a scale score per respondent).
    groups : sequence, Series or array
        The group of each respondent (e.g. gender); same length as ``values``. Rows missing a
        value or a group are left out and counted in ``notes``. Groups are ordered by sorting
        their labels; with two groups, differences are first minus second.
    ci : float, default 0.95
        Confidence level of the mean-difference intervals.

    Returns
    -------
    GroupComparison
        ``groups``, ``levene``; two groups: ``t_test``, ``welch``, ``mann_whitney``; three or
        more: ``anova``, ``kruskal``.

    Notes
    -----
    **Levene** (SPSS's "Levene's Test for Equality of Variances", car::leveneTest(center =
    mean)): one-way ANOVA F of :math:`|x_{ij} - \bar x_j|`, df k - 1 and N - k. R's car
    package centres on the median by default (Brown-Forsythe); SPSS and this function on
    the mean.

    **t tests**: Student :math:`t = (\bar x_1 - \bar x_2)/(s_p\sqrt{1/n_1 + 1/n_2})` on
    :math:`n_1 + n_2 - 2` df; Welch :math:`t = (\bar x_1 - \bar x_2)/\sqrt{s_1^2/n_1 +
    s_2^2/n_2}` with Satterthwaite's df, as R's ``t.test(var.equal = TRUE / FALSE)``.

    **Mann-Whitney**: ranks over both groups (ties get their mean rank),
    :math:`U_1 = R_1 - n_1(n_1+1)/2`, U = min(U_1, n_1 n_2 - U_1),

    .. math:: z = \frac{U - n_1 n_2/2}{\sqrt{\frac{n_1 n_2}{12}\left((N + 1) -
              \frac{\sum_t (t^3 - t)}{N(N - 1)}\right)}}

    with t the size of each group of ties; p = 2(1 - Phi(|z|)). This is SPSS's "Asymp. Sig.
    (2-tailed)" (no continuity correction), equal to R's ``wilcox.test(correct = FALSE,
    exact = FALSE)``, whose default (with continuity correction) differs.

    **ANOVA** F = (SS_between/(k-1))/(SS_within/(N-k)); **Kruskal-Wallis** H with the tie
    correction on k - 1 df, as R's ``aov`` and ``kruskal.test`` and SPSS.

    Checked against R (t.test, car::leveneTest(center = mean), wilcox.test, aov,
    kruskal.test) on ToothGrowth, PlantGrowth, InsectSprays, sleep, mtcars and
    psychTools::bfi (Likert items by gender and education, with many ties).

    References
    ----------
    .. [1] Levene, H. (1960). Robust tests for equality of variances. In Olkin (ed.),
       *Contributions to Probability and Statistics*, Stanford University Press, 278-292.
    .. [2] Welch, B. L. (1947). The generalization of "Student's" problem when several
       different population variances are involved. *Biometrika*, 34(1/2), 28-35.
    .. [3] Mann, H. B. & Whitney, D. R. (1947). On a test of whether one of two random
       variables is stochastically larger than the other. *Ann. Math. Statist.*, 18(1), 50-60.
    .. [4] Kruskal, W. H. & Wallis, W. A. (1952). Use of ranks in one-criterion variance
       analysis. *JASA*, 47(260), 583-621.
    .. [5] IBM SPSS Statistics, T-TEST, NPAR TESTS /M-W, ONEWAY, NPAR TESTS /K-W.

    Examples
    --------
    >>> from surveyq.groups import compare_groups
    >>> score = [3.2, 4.1, 2.8, 4.5, 3.9, 2.5, 4.8, 3.6, 3.0, 4.2]
    >>> gender = ["F", "M", "F", "M", "M", "F", "M", "F", "F", "M"]
    >>> result = compare_groups(score, gender)
    >>> result.t_test[["t", "df", "p_value"]].round(4).tolist()  # R: t.test(var.equal=TRUE)
    [-5.2519, 8.0, 0.0008]
    >>> result.mann_whitney[["u", "z", "p_value"]].round(4).tolist()
    [0.0, -2.6112, 0.009]
    """
    v, g, notes = _clean(values, groups)
    labels = sorted(pd.unique(g), key=_sort_key)
    samples = [v[g == label] for label in labels]
    if len(samples) < 2:
        raise AnalysisError(msg("error.one_group", group=repr(labels[0])))
    small = [str(label) for label, s in zip(labels, samples, strict=True) if len(s) < 2]
    if small:
        raise AnalysisError(msg("error.small_groups", groups=small))
    ranks = average_ranks(v)
    table = pd.DataFrame({
        "n": [len(s) for s in samples],
        "mean": [s.mean() for s in samples],
        "sd": [s.std(ddof=1) for s in samples],
        "mean_rank": [ranks[g == label].mean() for label in labels],
    }, index=pd.Index([str(label) for label in labels], name="group"))
    levene = _levene(samples)
    if len(samples) == 2:
        return GroupComparison(groups=table, levene=levene,
                               t_test=_t_test(*samples, equal=True, ci=ci),
                               welch=_t_test(*samples, equal=False, ci=ci),
                               mann_whitney=_mann_whitney(v, g == labels[0]),
                               notes=tuple(notes))
    return GroupComparison(groups=table, levene=levene, anova=_anova(samples),
                           kruskal=_kruskal(samples), notes=tuple(notes))


def _sort_key(label: object) -> tuple[int, object]:
    return (0, label) if isinstance(label, (int, float, np.number)) else (1, str(label))


def _clean(values: object, groups: object) -> tuple[np.ndarray, np.ndarray, list[str]]:
    try:
        v = pd.to_numeric(pd.Series(np.asarray(values)), errors="raise").astype(float)
    except (TypeError, ValueError) as exc:
        raise InputError(msg("tables.values_not_numbers", what="values", reason=str(exc))) \
            from None
    g = pd.Series(np.asarray(groups, dtype=object))
    if len(v) != len(g):
        raise InputError(msg("groups.lengths", values=len(v), groups=len(g)))
    keep = v.notna().to_numpy() & g.notna().to_numpy()
    notes = []
    if (~keep).any():
        notes.append(msg("groups.rows_left_out", dropped=int((~keep).sum()), rows=len(v)))
    return v.to_numpy()[keep], g.to_numpy()[keep], notes


def _levene(samples: list[np.ndarray]) -> pd.Series:
    with np.errstate(invalid="ignore", divide="ignore"):
        f, p = levene_mean(samples)
    if not np.isfinite(f):  # every value sits at the same distance from its group mean
        f, p = np.nan, np.nan
    n = sum(len(s) for s in samples)
    return pd.Series({"f": float(f), "df1": len(samples) - 1, "df2": n - len(samples),
                      "p_value": float(p)})


def _t_test(a: np.ndarray, b: np.ndarray, equal: bool, ci: float) -> pd.Series:
    n1, n2 = len(a), len(b)
    v1, v2 = a.var(ddof=1), b.var(ddof=1)
    difference = a.mean() - b.mean()
    if equal:
        df = n1 + n2 - 2
        pooled = ((n1 - 1) * v1 + (n2 - 1) * v2) / df
        se = np.sqrt(pooled * (1 / n1 + 1 / n2))
    else:
        se = np.sqrt(v1 / n1 + v2 / n2)
        df = (v1 / n1 + v2 / n2) ** 2 / ((v1 / n1) ** 2 / (n1 - 1) + (v2 / n2) ** 2 / (n2 - 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        t = difference / se
    margin = t_ppf(1 - (1 - ci) / 2, df) * se
    return pd.Series({"t": float(t), "df": float(df), "p_value": float(2 * t_sf(abs(t), df)),
                      "mean_difference": float(difference), "se_difference": float(se),
                      "ci_low": float(difference - margin), "ci_high": float(difference + margin)})


def _mann_whitney(v: np.ndarray, first: np.ndarray) -> pd.Series:
    ranks = average_ranks(v)
    n1, n2 = int(first.sum()), int((~first).sum())
    n = n1 + n2
    u_first = ranks[first].sum() - n1 * (n1 + 1) / 2
    u = min(u_first, n1 * n2 - u_first)
    _, ties = np.unique(v, return_counts=True)
    variance = n1 * n2 / 12 * ((n + 1) - np.sum(ties**3 - ties) / (n * (n - 1)))
    z = (u - n1 * n2 / 2) / np.sqrt(variance) if variance > 0 else np.nan
    return pd.Series({"u": float(u), "u_first": float(u_first), "z": float(z),
                      "p_value": float(2 * norm_sf(abs(z)))})


def _anova(samples: list[np.ndarray]) -> pd.Series:
    return pd.Series(oneway_anova(samples)._asdict())


def _kruskal(samples: list[np.ndarray]) -> pd.Series:
    h, p = kruskal_wallis(samples)
    return pd.Series({"h": float(h), "df": len(samples) - 1, "p_value": float(p)})
