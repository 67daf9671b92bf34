r"""Multiple linear regression as SPSS's REGRESSION prints it, with the classical assumption
tests a thesis reports (multicollinearity, autocorrelation, heteroscedasticity, normality of
the residuals)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from surveyq.assumptions import Normality, normality
from surveyq.distributions import f_sf, t_sf
from surveyq.errors import AnalysisError, InputError
from surveyq.messages import msg
from surveyq.tables import html_block, numeric_frame

__all__ = ["Regression", "regression"]


@dataclass(frozen=True, eq=False)
class Regression:
    """Result of :func:`regression`.

    Attributes
    ----------
    coefficients : DataFrame
        Rows ``const`` and each predictor; columns ``B``, ``se``, ``beta`` (standardized),
        ``t``, ``p_value``, ``tolerance``, ``vif`` (SPSS's "Coefficients" with collinearity
        statistics).
    summary : Series
        ``n``, ``r``, ``r2``, ``adj_r2``, ``se_estimate``, ``durbin_watson`` (SPSS's "Model
        Summary").
    anova : DataFrame
        Rows ``regression``, ``residual``, ``total``; columns ``ss``, ``df``, ``ms``, ``f``,
        ``p_value`` (SPSS's "ANOVA").
    glejser : DataFrame
        Per predictor ``B``, ``t`` and ``p_value`` of the regression of the absolute
        residuals on the predictors (Glejser's heteroscedasticity test).
    residual_normality : Normality or None
        Kolmogorov-Smirnov (Lilliefors) and Shapiro-Wilk on the unstandardized residuals
        (None with a note when there are fewer than 5).
    residuals : Series
        Unstandardized residuals, indexed as the rows analysed.
    """

    y: str
    x: tuple[str, ...]
    coefficients: pd.DataFrame = field(repr=False)
    summary: pd.Series = field(repr=False)
    anova: pd.DataFrame = field(repr=False)
    glejser: pd.DataFrame = field(repr=False)
    residual_normality: Normality | None = field(repr=False)
    residuals: pd.Series = field(repr=False)
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """The coefficients table."""
        return self.coefficients.copy()

    def _repr_html_(self) -> str:
        return html_block("surveyq-regression", [
            ("Model Summary", self.summary.to_frame().T),
            ("ANOVA", self.anova),
            ("Coefficients", self.coefficients),
            ("Glejser test (|residual| on the predictors)", self.glejser),
            ("Normality of the residuals",
             None if self.residual_normality is None else self.residual_normality.to_frame()),
        ], self.notes)


def regression(frame: pd.DataFrame, y: str, x: Sequence[str]) -> Regression:
    r"""Ordinary least squares of y on the predictors x, with SPSS's tables and assumption tests.

    Parameters
    ----------
    frame : DataFrame
        One row per respondent; rows missing y or any x are left out (listwise, SPSS's
        default) and counted in ``notes``.
    y : str
        Column of the dependent variable.
    x : sequence of str
        Columns of the predictors.

    Returns
    -------
    Regression
        ``coefficients``, ``summary``, ``anova``, ``glejser``, ``residual_normality``,
        ``residuals``.

    Notes
    -----
    With X the n x (p + 1) design matrix (a column of ones, then the predictors):
    :math:`b = (X'X)^{-1}X'y`, :math:`e = y - Xb`, :math:`s^2 = e'e/(n - p - 1)`,
    :math:`se(b) = \sqrt{\operatorname{diag}(s^2 (X'X)^{-1})}`, :math:`t = b/se(b)` on
    n - p - 1 df. Standardized :math:`\beta_j = b_j s_{x_j}/s_y`.
    :math:`R^2 = 1 - SS_{res}/SS_{tot}`, adjusted
    :math:`1 - (1 - R^2)(n - 1)/(n - p - 1)`, standard error of the estimate s,
    :math:`F = (SS_{reg}/p)/(SS_{res}/(n - p - 1))`.
    Tolerance of :math:`x_j` is :math:`1 - R_j^2` from regressing it on the other
    predictors, :math:`VIF = 1/\text{tolerance}` (the diagonal of the inverse predictor
    correlation matrix). Durbin-Watson :math:`d = \sum_{i \ge 2}(e_i - e_{i-1})^2 / \sum e_i^2`
    in row order. Glejser (1969): regress :math:`|e|` on the same predictors; a significant
    t says the residual spread depends on that predictor. The residuals' normality is
    :func:`surveyq.assumptions.normality`. Checked against R's ``lm``, ``anova``,
    ``car::vif`` and the formulas above on datasets::attitude, swiss and mtcars.

    References
    ----------
    .. [1] Durbin, J. & Watson, G. S. (1951). Testing for serial correlation in least squares
       regression II. *Biometrika*, 38(1/2), 159-177.
    .. [2] Glejser, H. (1969). A new test for heteroskedasticity. *JASA*, 64(325), 316-323.
    .. [3] Marquardt, D. W. (1970). Generalized inverses, ridge regression, biased linear
       estimation, and nonlinear estimation. *Technometrics*, 12(3), 591-612 (VIF).
    .. [4] Ghozali, I. (2018). *Aplikasi Analisis Multivariate dengan Program IBM SPSS 25*,
       Badan Penerbit Universitas Diponegoro (the classical assumption tests in Indonesian
       theses).
    .. [5] IBM SPSS Statistics, REGRESSION /STATISTICS COEFF R ANOVA COLLIN
       /RESIDUALS DURBIN.

    Examples
    --------
    >>> import pandas as pd
    >>> from surveyq.regression import regression
    >>> df = pd.DataFrame({"y": [3.2, 4.1, 2.8, 4.5, 3.9, 2.5, 4.8, 3.6, 3.0, 4.2],
    ...                    "x1": [3.0, 4.2, 2.5, 4.4, 3.5, 2.9, 4.9, 3.1, 3.3, 4.0],
    ...                    "x2": [2.8, 3.9, 3.1, 4.6, 4.2, 2.2, 4.4, 3.9, 2.6, 4.5]})
    >>> result = regression(df, y="y", x=["x1", "x2"])  # In R: lm(y ~ x1 + x2, df)
    >>> result.coefficients[["B", "t", "vif"]].round(4)
                B       t     vif
    term
    const  0.0744  0.3891     NaN
    x1     0.5241  6.7853  2.2706
    x2     0.4722  6.9719  2.2706
    >>> result.summary[["r2", "durbin_watson"]].round(4).tolist()
    [0.9817, 1.4938]
    """
    names = _check_columns(frame, y, x)
    data, notes = numeric_frame(frame[names], msg("regression.what_data"), min_rows=len(x) + 2)
    response = data[y].to_numpy()
    predictors = data[list(x)].to_numpy()
    n, p = predictors.shape
    design = np.column_stack([np.ones(n), predictors])
    fit = _ols(design, response)
    if not np.isfinite(fit["cov"]).all():
        raise AnalysisError(msg("error.collinear"))
    residuals = response - design @ fit["b"]
    coefficients = _coefficient_table(data, y, list(x), fit)
    anova = _anova_table(response, residuals, p)
    ss_res, ss_tot = anova.loc["residual", "ss"], anova.loc["total", "ss"]
    r2 = 1 - ss_res / ss_tot
    summary = pd.Series({
        "n": n,
        "r": float(np.sqrt(max(r2, 0.0))),
        "r2": r2,
        "adj_r2": 1 - (1 - r2) * (n - 1) / (n - p - 1),
        "se_estimate": float(np.sqrt(ss_res / (n - p - 1))),
        "durbin_watson": float(np.sum(np.diff(residuals) ** 2) / np.sum(residuals**2)),
    })
    glejser = _glejser(design, residuals, list(x))
    residual_normality = None
    if n >= 5:
        residual_normality = normality(residuals)
    else:
        notes.append(msg("tables.few_residuals"))
    notes.append(msg("tables.durbin_watson_order"))
    return Regression(y=y, x=tuple(x), coefficients=coefficients, summary=summary, anova=anova,
                      glejser=glejser, residual_normality=residual_normality,
                      residuals=pd.Series(residuals, index=data.index, name="residual"),
                      notes=tuple(notes))


def _check_columns(frame: pd.DataFrame, y: str, x: Sequence[str]) -> list[str]:
    if not isinstance(frame, pd.DataFrame):
        raise InputError(msg("regression.frame_type", type=type(frame).__name__))
    if isinstance(x, str) or not len(x):
        raise InputError(msg("regression.x_list"))
    names = [y, *x]
    absent = [name for name in names if name not in frame.columns]
    if absent:
        raise InputError(msg("regression.columns_absent", absent=", ".join(map(repr, absent)),
                             available=", ".join(map(str, frame.columns))))
    if len(set(names)) != len(names):
        raise InputError(msg("regression.columns_repeated"))
    return names


def _ols(design: np.ndarray, response: np.ndarray) -> dict[str, np.ndarray]:
    n, columns = design.shape
    b, *_ = np.linalg.lstsq(design, response, rcond=None)
    residuals = response - design @ b
    sigma2 = residuals @ residuals / (n - columns)
    rank = np.linalg.matrix_rank(design)
    cov = np.full((columns, columns), np.nan)
    if rank == columns:
        cov = sigma2 * np.linalg.inv(design.T @ design)
    se = np.sqrt(np.diag(cov))
    with np.errstate(invalid="ignore", divide="ignore"):
        t = b / se
    return {"b": b, "se": se, "t": t, "p": 2 * t_sf(np.abs(t), n - columns), "cov": cov}


def _coefficient_table(data: pd.DataFrame, y: str, x: list[str],
                       fit: dict[str, np.ndarray]) -> pd.DataFrame:
    sd = data.std(ddof=1)
    beta = np.concatenate([[np.nan], fit["b"][1:] * sd[x].to_numpy() / sd[y]])
    if len(x) > 1:
        vif = np.diag(np.linalg.inv(np.corrcoef(data[x].to_numpy(), rowvar=False)))
    else:
        vif = np.ones(1)
    return pd.DataFrame({
        "B": fit["b"], "se": fit["se"], "beta": beta, "t": fit["t"], "p_value": fit["p"],
        "tolerance": np.concatenate([[np.nan], 1 / vif]),
        "vif": np.concatenate([[np.nan], vif]),
    }, index=pd.Index(["const", *x], name="term"))


def _anova_table(response: np.ndarray, residuals: np.ndarray, p: int) -> pd.DataFrame:
    n = len(response)
    ss_tot = float(np.sum((response - response.mean()) ** 2))
    ss_res = float(np.sum(residuals**2))
    ss_reg = ss_tot - ss_res
    df_reg, df_res = p, n - p - 1
    f = (ss_reg / df_reg) / (ss_res / df_res)
    return pd.DataFrame({
        "ss": [ss_reg, ss_res, ss_tot],
        "df": [df_reg, df_res, n - 1],
        "ms": [ss_reg / df_reg, ss_res / df_res, np.nan],
        "f": [f, np.nan, np.nan],
        "p_value": [float(f_sf(f, df_reg, df_res)), np.nan, np.nan],
    }, index=pd.Index(["regression", "residual", "total"], name="source"))


def _glejser(design: np.ndarray, residuals: np.ndarray, x: list[str]) -> pd.DataFrame:
    fit = _ols(design, np.abs(residuals))
    return pd.DataFrame({"B": fit["b"][1:], "t": fit["t"][1:], "p_value": fit["p"][1:]},
                        index=pd.Index(x, name="term"))
