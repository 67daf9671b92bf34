r"""Construct validity and model-based reliability: KMO, Bartlett, PCA with varimax, omega.

SPSS's FACTOR procedure prints "KMO and Bartlett's Test", "Total Variance Explained" and the
"Rotated Component Matrix"; psych::omega and a one-factor maximum-likelihood model give omega
total, composite reliability and the average variance extracted. Every function here starts
from the Pearson correlation matrix of the items.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from surveyq.distributions import chi2_sf
from surveyq.errors import AnalysisError, InputError
from surveyq.messages import Message, msg
from surveyq.tables import html_block, numeric_frame

__all__ = [
    "Bartlett",
    "FactorAnalysis",
    "Kmo",
    "Omega",
    "bartlett_sphericity",
    "factor_analysis",
    "kmo",
    "omega",
]



def _n_rule(missing: str) -> Message:
    """What n counts under the missing-answer rule (a note of every result)."""
    return msg("factor.n_rule_listwise" if missing == "listwise" else "factor.n_rule_pairwise")

# Eigenvalues of R below this fraction of the largest count as zero (R singular).
SINGULAR_TOLERANCE = 1e-10


def _correlation(items: pd.DataFrame, missing: str) -> tuple[np.ndarray, int, list[str]]:
    frame, notes = numeric_frame(items, msg("tables.what_items"), min_rows=3, missing=missing)
    if frame.shape[1] < 2:
        raise AnalysisError(msg("error.factor_two_items", k=frame.shape[1]))
    if missing == "listwise":
        return np.corrcoef(frame.to_numpy(), rowvar=False), len(frame), notes
    matrix = frame.corr(min_periods=3).to_numpy()
    if np.isnan(matrix).any():
        raise AnalysisError(msg("error.factor_pair_n"))
    return matrix, len(frame), notes


def _require_positive_definite(matrix: np.ndarray, what: str) -> np.ndarray:
    eigenvalues = np.linalg.eigvalsh(matrix)
    if eigenvalues.min() <= SINGULAR_TOLERANCE * eigenvalues.max():
        raise AnalysisError(msg("error.factor_singular", what=what))
    return eigenvalues


# ---- KMO --------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Kmo:
    """Result of :func:`kmo`: ``overall`` MSA and per-item ``items`` (a Series)."""

    overall: float
    items: pd.Series = field(repr=False)
    n: int
    missing: str
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """Per-item MSA (the anti-image diagonal); ``attrs['overall']`` holds the overall KMO."""
        frame = self.items.rename("msa").rename_axis("item").to_frame()
        frame.attrs["overall"] = self.overall
        return frame

    def _repr_html_(self) -> str:
        return html_block("surveyq-kmo", [(f"KMO = {self.overall:.3f}", self.to_frame())],
                          self.notes)


def kmo(items: pd.DataFrame, missing: str = "listwise") -> Kmo:
    r"""Kaiser-Meyer-Olkin measure of sampling adequacy, overall and per item.

    Parameters
    ----------
    items : DataFrame
        Respondents x items (numbers; NaN = missing).
    missing : {"listwise", "pairwise"}
        Listwise (SPSS's default) uses the respondents who answered every item; pairwise
        computes each correlation over the respondents who answered both (psych's default).

    Returns
    -------
    Kmo
        ``overall`` (SPSS's "Kaiser-Meyer-Olkin Measure of Sampling Adequacy"), ``items``
        (the diagonal of SPSS's anti-image correlation matrix), ``n``, ``notes``.

    Notes
    -----
    With R the correlation matrix and :math:`Q = R^{-1}`, the partial correlations are
    :math:`q_{ij} = -Q_{ij} / \sqrt{Q_{ii} Q_{jj}}` and

    .. math::

        KMO = \frac{\sum_{i \ne j} r_{ij}^2}{\sum_{i \ne j} r_{ij}^2 + \sum_{i \ne j} q_{ij}^2},
        \qquad
        MSA_j = \frac{\sum_{i \ne j} r_{ij}^2}{\sum_{i \ne j} r_{ij}^2
                + \sum_{i \ne j} q_{ij}^2}

    (the second sum over i only). Kaiser's labels: >= .90 marvelous, .80 meritorious,
    .70 middling, .60 mediocre, .50 miserable, below .50 unacceptable. Checked against
    psych::KMO on psychTools::bfi, psychTools::ability and datasets::attitude.

    References
    ----------
    .. [1] Kaiser, H. F. (1970). A second generation little jiffy. *Psychometrika*, 35(4),
       401-415.
    .. [2] Kaiser, H. F. & Rice, J. (1974). Little jiffy, mark IV. *Educational and
       Psychological Measurement*, 34(1), 111-117.
    .. [3] Revelle, W. psych, function ``KMO``; IBM SPSS Statistics, FACTOR /PRINT KMO AIC.

    Examples
    --------
    >>> import pandas as pd
    >>> from surveyq.factor import kmo
    >>> df = pd.DataFrame({"Q1": [4, 5, 3, 4, 2, 5, 3, 4], "Q2": [4, 4, 3, 5, 2, 4, 3, 5],
    ...                    "Q3": [5, 5, 2, 4, 3, 4, 2, 4]})
    >>> result = kmo(df)   # In R: psych::KMO(df)
    >>> round(result.overall, 4)
    0.7127
    >>> result.items.round(4).tolist()
    [0.6587, 0.745, 0.7528]
    """
    matrix, n, notes = _correlation(items, missing)
    _require_positive_definite(matrix, "KMO")
    inverse = np.linalg.inv(matrix)
    scale = 1 / np.sqrt(np.diag(inverse))
    partial = inverse * np.outer(scale, scale)
    np.fill_diagonal(partial, 0.0)
    off = matrix.copy()
    np.fill_diagonal(off, 0.0)
    r2, q2 = off**2, partial**2
    overall = r2.sum() / (r2.sum() + q2.sum())
    per_item = r2.sum(axis=0) / (r2.sum(axis=0) + q2.sum(axis=0))
    names = [str(c) for c in items.columns]
    return Kmo(overall=float(overall), items=pd.Series(per_item, index=names, name="msa"),
               n=n, missing=missing, notes=tuple(notes + [_n_rule(missing)]))


# ---- Bartlett ---------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Bartlett:
    """Result of :func:`bartlett_sphericity`."""

    chi2: float
    df: int
    p_value: float
    n: int
    missing: str
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """One row: chi2, df, p_value, n."""
        return pd.DataFrame([{"chi2": self.chi2, "df": self.df, "p_value": self.p_value,
                              "n": self.n}])

    def _repr_html_(self) -> str:
        return html_block("surveyq-bartlett", [("Bartlett's Test of Sphericity",
                                                self.to_frame())], self.notes)


def bartlett_sphericity(items: pd.DataFrame, missing: str = "listwise") -> Bartlett:
    r"""Bartlett's test that the item correlation matrix is an identity matrix.

    Parameters
    ----------
    items : DataFrame
        Respondents x items (numbers; NaN = missing).
    missing : {"listwise", "pairwise"}
        As in :func:`kmo`; with pairwise correlations n is the number of rows (psych's choice).

    Returns
    -------
    Bartlett
        ``chi2`` ("Approx. Chi-Square"), ``df``, ``p_value`` ("Sig."), ``n``.

    Notes
    -----
    For p items, n respondents and correlation matrix R:

    .. math::

        \chi^2 = -\left(n - 1 - \frac{2p + 5}{6}\right)\ln\lvert R\rvert,
        \qquad df = \frac{p(p-1)}{2}

    A small p-value says the items correlate enough for factor analysis. Checked against
    psych::cortest.bartlett.

    References
    ----------
    .. [1] Bartlett, M. S. (1951). The effect of standardization on a chi square
       approximation in factor analysis. *Biometrika*, 38(3/4), 337-344.
    .. [2] IBM SPSS Statistics, FACTOR /PRINT KMO (Bartlett's test of sphericity).

    Examples
    --------
    >>> import pandas as pd
    >>> from surveyq.factor import bartlett_sphericity
    >>> df = pd.DataFrame({"Q1": [4, 5, 3, 4, 2, 5, 3, 4], "Q2": [4, 4, 3, 5, 2, 4, 3, 5],
    ...                    "Q3": [5, 5, 2, 4, 3, 4, 2, 4]})
    >>> result = bartlett_sphericity(df)  # In R: psych::cortest.bartlett(cor(df), n = 8)
    >>> round(result.chi2, 4), result.df, round(result.p_value, 4)
    (8.0038, 3, 0.0459)
    """
    matrix, n, notes = _correlation(items, missing)
    p = matrix.shape[0]
    sign, log_det = np.linalg.slogdet(matrix)
    if sign <= 0 or not np.isfinite(log_det):
        raise AnalysisError(msg("error.bartlett_determinant"))
    chi2 = -(n - 1 - (2 * p + 5) / 6) * log_det
    df = p * (p - 1) // 2
    return Bartlett(chi2=float(chi2), df=df, p_value=float(chi2_sf(chi2, df)), n=n,
                    missing=missing, notes=tuple(notes + [_n_rule(missing)]))


# ---- principal components with varimax -----------------------------------------------------------


@dataclass(frozen=True, eq=False)
class FactorAnalysis:
    """Result of :func:`factor_analysis`.

    Attributes
    ----------
    eigenvalues : Series
        All eigenvalues of the correlation matrix, largest first (SPSS's "Initial
        Eigenvalues").
    n_factors : int
        Components kept.
    loadings : DataFrame
        Items x components after rotation (SPSS's "Rotated Component Matrix"); the
        unrotated matrix when ``rotation="none"``.
    unrotated : DataFrame
        Items x components before rotation (SPSS's "Component Matrix").
    communalities : Series
        Sum of squared unrotated loadings per item (SPSS's "Extraction" communality).
    variance : DataFrame
        SPSS's "Total Variance Explained": per component ``eigenvalue``, ``pct_variance``,
        ``cumulative_pct``, and for the kept ones ``rotation_ss``, ``rotation_pct``,
        ``rotation_cumulative_pct``.
    """

    eigenvalues: pd.Series = field(repr=False)
    n_factors: int
    loadings: pd.DataFrame = field(repr=False)
    unrotated: pd.DataFrame = field(repr=False)
    communalities: pd.Series = field(repr=False)
    variance: pd.DataFrame = field(repr=False)
    method: str
    rotation: str
    n: int
    missing: str
    notes: tuple[str, ...] = ()

    @property
    def explained_variance(self) -> pd.Series:
        """Percent of the total variance each kept component explains after rotation."""
        column = "rotation_pct" if self.rotation != "none" else "pct_variance"
        return self.variance[column].iloc[: self.n_factors]

    @property
    def explained_variance_ratio(self) -> pd.Series:
        """Sum of squared (rotated) loadings of each kept component over the number of items:
        psych's "Proportion Var" (``explained_variance`` / 100)."""
        return self.explained_variance / 100

    def to_frame(self) -> pd.DataFrame:
        """The rotated loadings with each item's communality."""
        return self.loadings.assign(communality=self.communalities)

    def _repr_html_(self) -> str:
        return html_block("surveyq-factor", [
            ("Total Variance Explained", self.variance),
            ("Rotated Component Matrix" if self.rotation != "none" else "Component Matrix",
             self.loadings)], self.notes)


def factor_analysis(
    items: pd.DataFrame,
    n_factors: int | None = None,
    method: str = "pca",
    rotation: str = "varimax",
    missing: str = "listwise",
    eps: float = 1e-5,
) -> FactorAnalysis:
    r"""Principal component extraction with varimax rotation, as SPSS FACTOR's defaults.

    Parameters
    ----------
    items : DataFrame
        Respondents x items (numbers; NaN = missing).
    n_factors : int, optional
        Components to keep; by default those with an eigenvalue above 1 (Kaiser's rule,
        SPSS's default MINEIGEN(1)).
    method : {"pca"}
        Extraction: principal components of the correlation matrix (SPSS's default).
    rotation : {"varimax", "none"}
        Varimax with Kaiser normalisation (SPSS's default for VARIMAX), or none.
    missing : {"listwise", "pairwise"}
        As in :func:`kmo`.
    eps : float, default 1e-5
        Convergence tolerance of the varimax iterations (R's ``stats::varimax`` default).

    Returns
    -------
    FactorAnalysis
        ``eigenvalues``, ``n_factors``, ``loadings`` (rotated), ``unrotated``,
        ``communalities``, ``variance`` (Total Variance Explained), ``explained_variance``.

    Notes
    -----
    With :math:`R = V \Lambda V'` the eigen-decomposition of the correlation matrix, the
    unrotated loadings of the first m components are :math:`A = V_m \Lambda_m^{1/2}`. Varimax
    (Kaiser 1958) rows are first divided by :math:`h_i = \sqrt{\sum_j a_{ij}^2}` (Kaiser
    normalisation), then the orthogonal T maximising
    :math:`\sum_j [\frac1p \sum_i b_{ij}^4 - (\frac1p \sum_i b_{ij}^2)^2]` for
    :math:`B = AT` is found by the SVD iteration of R's ``stats::varimax``, and rows are
    multiplied back by :math:`h_i`. As psych::principal does, rotated components are then
    ordered by their sum of squared loadings and each column is signed so that it sums to a
    positive number; SPSS neither reorders nor re-signs them, so a column of SPSS's rotated
    matrix may appear elsewhere here or with all signs flipped. SPSS rotates by Kaiser's
    pairwise-angle iterations; both converge to the same varimax solution within the
    printed digits. Checked against psych::principal(rotate = "varimax") on
    psychTools::bfi, psychTools::ability and datasets::attitude.

    References
    ----------
    .. [1] Kaiser, H. F. (1958). The varimax criterion for analytic rotation in factor
       analysis. *Psychometrika*, 23(3), 187-200.
    .. [2] Kaiser, H. F. (1960). The application of electronic computers to factor analysis.
       *Educational and Psychological Measurement*, 20(1), 141-151 (eigenvalue > 1 rule).
    .. [3] R Core Team, ``stats::varimax``; Revelle, W. psych, function ``principal``.
    .. [4] IBM SPSS Statistics, FACTOR (Algorithms: principal components, varimax).

    Examples
    --------
    >>> import pandas as pd
    >>> from surveyq.factor import factor_analysis
    >>> df = pd.DataFrame({"A1": [4, 5, 3, 4, 2, 5, 3, 4, 2, 5],
    ...                    "A2": [4, 4, 3, 5, 2, 4, 3, 5, 1, 5],
    ...                    "A3": [5, 4, 3, 4, 2, 5, 2, 4, 2, 4],
    ...                    "B1": [2, 3, 5, 3, 4, 1, 4, 2, 3, 5],
    ...                    "B2": [1, 3, 4, 3, 5, 2, 4, 2, 3, 4],
    ...                    "B3": [2, 2, 5, 3, 4, 2, 5, 1, 3, 4]})
    >>> fa = factor_analysis(df)  # In R: psych::principal(df, 2, rotate = "varimax")
    >>> fa.n_factors, fa.eigenvalues.round(3).tolist()[:3]
    (2, [4.078, 1.352, 0.23])
    >>> fa.loadings.round(3)
           C1     C2
    A1 -0.222  0.931
    A2 -0.108  0.945
    A3 -0.532  0.801
    B1  0.959 -0.094
    B2  0.887 -0.311
    B3  0.888 -0.289
    """
    if method != "pca":
        raise InputError(msg("factor.method", value=repr(method)))
    if rotation not in ("varimax", "none"):
        raise InputError(msg("factor.rotation", value=repr(rotation)))
    matrix, n, notes = _correlation(items, missing)
    eigenvalues, vectors = np.linalg.eigh(matrix)
    order = np.argsort(eigenvalues)[::-1]
    eigenvalues, vectors = eigenvalues[order], vectors[:, order]
    m = _n_factors(n_factors, eigenvalues)
    unrotated = vectors[:, :m] * np.sqrt(np.clip(eigenvalues[:m], 0, None))
    unrotated = unrotated * _column_signs(unrotated)
    rotated = unrotated
    if rotation == "varimax" and m > 1:
        rotated = _varimax(unrotated, eps)
        rotated = rotated[:, np.argsort(-(rotated**2).sum(axis=0), kind="stable")]
        rotated = rotated * _column_signs(rotated)
    names = [str(c) for c in items.columns]
    columns = [f"C{j + 1}" for j in range(m)]
    communalities = pd.Series((unrotated**2).sum(axis=1), index=names, name="communality")
    if rotation == "varimax" and m == 1:
        notes.append(msg("factor.one_component"))
    return FactorAnalysis(
        eigenvalues=pd.Series(eigenvalues, index=range(1, len(eigenvalues) + 1),
                              name="eigenvalue"),
        n_factors=m,
        loadings=pd.DataFrame(rotated, index=names, columns=columns),
        unrotated=pd.DataFrame(unrotated, index=names, columns=columns),
        communalities=communalities,
        variance=_variance_table(eigenvalues, rotated if rotation != "none" else None),
        method=method, rotation=rotation, n=n, missing=missing,
        notes=tuple(notes + [_n_rule(missing)]),
    )


def _n_factors(n_factors: int | None, eigenvalues: np.ndarray) -> int:
    p = len(eigenvalues)
    if n_factors is None:
        m = int((eigenvalues > 1).sum())
        if m == 0:
            raise AnalysisError(msg("error.no_eigenvalue_above_1"))
        return m
    if isinstance(n_factors, bool) or not isinstance(n_factors, (int, np.integer)) \
            or not 1 <= n_factors <= p:
        raise InputError(msg("factor.n_factors", p=p, value=repr(n_factors)))
    return int(n_factors)


def _column_signs(loadings: np.ndarray) -> np.ndarray:
    signs = np.sign(loadings.sum(axis=0))
    signs[signs == 0] = 1
    return signs


def _varimax(loadings: np.ndarray, eps: float, max_iter: int = 1000) -> np.ndarray:
    """R's stats::varimax(normalize = TRUE): SVD iterations until the criterion stalls."""
    norms = np.sqrt((loadings**2).sum(axis=1))
    x = loadings / norms[:, None]
    p, k = x.shape
    rotation = np.eye(k)
    criterion = 0.0
    for _ in range(max_iter):
        z = x @ rotation
        gradient = x.T @ (z**3 - z @ np.diag((z**2).sum(axis=0)) / p)
        u, singular, vt = np.linalg.svd(gradient)
        rotation = u @ vt
        previous, criterion = criterion, singular.sum()
        if criterion < previous * (1 + eps):
            break
    return (x @ rotation) * norms[:, None]


def _variance_table(eigenvalues: np.ndarray, rotated: np.ndarray | None) -> pd.DataFrame:
    p = len(eigenvalues)
    pct = eigenvalues / p * 100
    table = pd.DataFrame({"eigenvalue": eigenvalues, "pct_variance": pct,
                          "cumulative_pct": np.cumsum(pct)},
                         index=pd.Index(range(1, p + 1), name="component"))
    if rotated is not None:
        ss = (rotated**2).sum(axis=0)
        padded = np.full(p, np.nan)
        padded[: len(ss)] = ss
        table["rotation_ss"] = padded
        table["rotation_pct"] = padded / p * 100
        table["rotation_cumulative_pct"] = np.nancumsum(padded / p * 100)
        table.loc[table["rotation_ss"].isna(), "rotation_cumulative_pct"] = np.nan
    return table


# ---- omega, composite reliability, AVE -----------------------------------------------------


@dataclass(frozen=True, eq=False)
class Omega:
    """Result of :func:`omega`.

    Attributes
    ----------
    omega_total : float
        psych::omega's omega total from a one-factor minres solution.
    composite_reliability : float
        (sum l)^2 / ((sum l)^2 + sum(1 - l^2)) from standardized ML loadings l.
    ave : float
        Average variance extracted, the mean of l^2 (same loadings).
    loadings : DataFrame
        Per item: ``minres`` and ``ml`` standardized loadings.
    """

    omega_total: float
    composite_reliability: float
    ave: float
    loadings: pd.DataFrame = field(repr=False)
    n: int
    missing: str
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """One row: omega_total, composite_reliability, ave, sqrt_ave, n, k."""
        return pd.DataFrame([{
            "omega_total": self.omega_total,
            "composite_reliability": self.composite_reliability,
            "ave": self.ave,
            "sqrt_ave": float(np.sqrt(self.ave)),
            "n": self.n,
            "k": len(self.loadings),
        }])

    def _repr_html_(self) -> str:
        return html_block("surveyq-omega", [("Omega, composite reliability and AVE",
                                             self.to_frame()), ("Loadings", self.loadings)],
                          self.notes)


def omega(items: pd.DataFrame, missing: str = "listwise") -> Omega:
    r"""Omega total (psych::omega), composite reliability and AVE of one scale.

    Parameters
    ----------
    items : DataFrame
        Respondents x items of one scale, keyed in the same direction (NaN = missing).
    missing : {"listwise", "pairwise"}
        Listwise (default) uses the respondents who answered every item; pairwise uses
        ``cor(x, use = "pairwise")`` as psych::omega does for raw data with missing answers.

    Returns
    -------
    Omega
        ``omega_total``, ``composite_reliability``, ``ave``, ``loadings`` (minres and ML).

    Notes
    -----
    **Omega total** follows psych::omega(nfactors = 1): a one-factor minimum-residual
    (minres, unweighted least squares) solution minimises
    :math:`\sum_{i \ne j}(r_{ij} - \lambda_i\lambda_j)^2`; it is found here by iterated
    principal-axis factoring (communalities start at the squared multiple correlations and
    are replaced by :math:`\lambda_i^2` of the first eigenvector of R with communalities on
    its diagonal until they change by less than 1e-12), whose fixed point is the minres
    solution. Items with a negative loading are reflected (psych's ``flip = TRUE``), then

    .. math:: \omega_t = \frac{\mathbf{1}'R\mathbf{1} - \sum_i (1 - \lambda_i^2)}
                              {\mathbf{1}'R\mathbf{1}}

    **Composite reliability** and **AVE** (Fornell & Larcker 1981) use the standardized
    loadings :math:`l_i` of a one-factor maximum-likelihood model (R's ``factanal``, equal to
    lavaan's ``std.all`` for a one-factor CFA), found by minimising factanal's objective over
    the uniquenesses (bounded to [0.005, 1] as factanal does; factanal uses L-BFGS-B, here a
    projected Newton method reaches the same minimum, see ``_ml_uniquenesses``):

    .. math:: CR = \frac{(\sum_i l_i)^2}{(\sum_i l_i)^2 + \sum_i (1 - l_i^2)}, \qquad
              AVE = \frac1k \sum_i l_i^2

    Thresholds commonly quoted: omega and CR >= 0.70, AVE >= 0.50 (Hair et al.). Checked
    against psych::omega, factanal and lavaan::cfa on psychTools::bfi, psychTools::ability
    and datasets::attitude. psych optimises minres numerically, so its omega agrees with the
    converged value here to about 1e-6.

    References
    ----------
    .. [1] McDonald, R. P. (1999). *Test Theory: A Unified Treatment*. Erlbaum.
    .. [2] Revelle, W. & Zinbarg, R. E. (2009). Coefficients alpha, beta, omega, and the glb.
       *Psychometrika*, 74(1), 145-154; psych, function ``omega``.
    .. [3] Fornell, C. & Larcker, D. F. (1981). Evaluating structural equation models with
       unobservable variables and measurement error. *Journal of Marketing Research*, 18(1),
       39-50.
    .. [4] Joreskog, K. G. (1967). Some contributions to maximum likelihood factor analysis.
       *Psychometrika*, 32(4), 443-482 (R's ``factanal``).

    Examples
    --------
    >>> import pandas as pd
    >>> from surveyq.factor import omega
    >>> df = pd.DataFrame({"Q1": [4, 5, 3, 4, 2, 5, 3, 4], "Q2": [4, 4, 3, 5, 2, 4, 3, 5],
    ...                    "Q3": [5, 5, 2, 4, 3, 4, 2, 4], "Q4": [3, 5, 3, 4, 2, 4, 2, 5]})
    >>> result = omega(df)  # In R: psych::omega(df, nfactors = 1)$omega.tot
    >>> round(result.omega_total, 4), round(result.composite_reliability, 4)
    (0.9145, 0.9144)
    >>> round(result.ave, 4)
    0.7288
    """
    matrix, n, notes = _correlation(items, missing)
    if matrix.shape[0] < 3:
        raise AnalysisError(msg("error.omega_three_items"))
    minres, minres_notes = _minres_one_factor(matrix)
    reflect = np.where(minres < 0, -1.0, 1.0)
    reflected = matrix * np.outer(reflect, reflect)
    total = reflected.sum()
    omega_total = (total - (1 - minres**2).sum()) / total
    ml_notes: list[str] = []
    ml = _ml_one_factor(matrix, ml_notes)
    ml = ml if ml.sum() >= 0 else -ml
    cr = ml.sum() ** 2 / (ml.sum() ** 2 + (1 - ml**2).sum())
    if (minres < 0).any():
        notes.append(msg("factor.omega_reflected"))
    names = [str(c) for c in items.columns]
    loadings = pd.DataFrame({"minres": minres,
                             "ml": ml}, index=names)
    return Omega(omega_total=float(omega_total), composite_reliability=float(cr),
                 ave=float((ml**2).mean()), loadings=loadings, n=n, missing=missing,
                 notes=tuple(notes + minres_notes + ml_notes + [_n_rule(missing)]))


def _minres_one_factor(matrix: np.ndarray, tol: float = 1e-12,
                       max_iter: int = 100_000) -> tuple[np.ndarray, list[str]]:
    """Iterated principal axes (one factor) to convergence: the minres / ULS solution."""
    eigenvalues = _require_positive_definite(matrix, "omega")
    del eigenvalues
    communality = 1 - 1 / np.diag(np.linalg.inv(matrix))
    reduced = matrix.copy()
    notes: list[str] = []
    for _ in range(max_iter):
        np.fill_diagonal(reduced, communality)
        values, vectors = np.linalg.eigh(reduced)
        loading = vectors[:, -1] * np.sqrt(max(values[-1], 0.0))
        updated = loading**2
        if np.max(np.abs(updated - communality)) < tol:
            break
        communality = updated
    else:
        notes.append(msg("factor.minres_not_converged"))
    if (loading**2 > 1).any():
        notes.append(msg("factor.heywood"))
    return loading if loading.sum() >= 0 else -loading, notes


# Uniquenesses are kept in factanal's box (its control$lower and optim's upper bound).
ML_LOWER, ML_UPPER = 0.005, 1.0
# The ML objective at some uniquenesses: its value, gradient, Hessian and the loadings.
_Evaluation = tuple[float, np.ndarray, np.ndarray, np.ndarray]


def _ml_one_factor(matrix: np.ndarray, notes: list[str] | None = None) -> np.ndarray:
    """Standardized one-factor ML loadings: factanal's objective over the uniquenesses."""
    return _ml_discrepancy(matrix, _ml_uniquenesses(matrix, notes=notes))[3]


def _ml_uniquenesses(matrix: np.ndarray, tol: float = 1e-10, max_iter: int = 200,
                     notes: list[str] | None = None) -> np.ndarray:
    """The uniquenesses minimising factanal's one-factor objective, from factanal's start.

    R's factanal minimises this objective with optim's L-BFGS-B. It is minimised here by a
    projected Newton method (Bertsekas 1982) with the exact Hessian and an Armijo line
    search along the projection arc, hand-written rather than scipy.optimize's L-BFGS-B
    because importing scipy.optimize alone costs about 0.35 s of a demo that has 5 s.
    Stops when a Newton step moves no uniqueness by more than ``tol``, or when no step
    decreases the objective beyond its rounding; after ``max_iter`` steps without either,
    the last point is returned and a note (appended to ``notes``) says the fit did not
    converge, as factanal warns.
    """
    psi = np.clip((1 - 0.5 / matrix.shape[0]) / np.diag(np.linalg.inv(matrix)),
                  ML_LOWER, ML_UPPER)
    value, gradient, hessian, _ = _ml_discrepancy(matrix, psi)
    for _ in range(max_iter):
        step = _projected_newton_step(psi, gradient, hessian)
        trial = np.clip(psi - step, ML_LOWER, ML_UPPER)
        if np.max(np.abs(trial - psi)) <= tol:
            psi = trial
            break
        if gradient @ (psi - trial) < 1e-14 * (np.diag(matrix) / psi).sum():
            # a decrease below the objective's rounding (its largest term's): plain Newton
            found = trial, _ml_discrepancy(matrix, trial)
        else:
            found = _armijo(matrix, psi, value, gradient, step)
        if found is None:  # no decrease left at rounding level: psi is the minimum
            break
        psi, (value, gradient, hessian, _) = found
    else:
        if notes is not None:
            notes.append(msg("factor.ml_not_converged"))
    return psi


def _armijo(matrix: np.ndarray, psi: np.ndarray, value: float, gradient: np.ndarray,
            step: np.ndarray) -> tuple[np.ndarray, _Evaluation] | None:
    """Halve the step along the projection arc until it decreases the objective enough.

    Sufficient decrease: f(x(a)) <= f(x) - 1e-4 g'(x - x(a)), x(a) the step a projected on
    the bounds (Kelley 1999, *Iterative Methods for Optimization*, section 5.5).
    """
    alpha = 1.0
    while alpha >= 1e-10:
        trial = np.clip(psi - alpha * step, ML_LOWER, ML_UPPER)
        found = _ml_discrepancy(matrix, trial)
        if found[0] <= value - 1e-4 * gradient @ (psi - trial):
            return trial, found
        alpha /= 2
    return None


def _projected_newton_step(psi: np.ndarray, gradient: np.ndarray,
                           hessian: np.ndarray) -> np.ndarray:
    """Bertsekas' (1982) step: Newton on the free uniquenesses, scaled gradient on the binding.

    A uniqueness binds when it lies within eps of a bound its gradient pushes it against,
    eps the size of the projected gradient step (at least 1e-9 against rounding, at most
    1e-3). A Hessian that is not positive definite has its eigenvalues replaced by their
    absolute values (Nocedal & Wright 2006, section 3.4).
    """
    eps = float(np.max(np.abs(psi - np.clip(psi - gradient, ML_LOWER, ML_UPPER))))
    eps = min(max(eps, 1e-9), 1e-3)
    binding = (((psi <= ML_LOWER + eps) & (gradient > 0))
               | ((psi >= ML_UPPER - eps) & (gradient < 0)))
    step = np.zeros_like(psi)
    curvature = np.abs(np.diag(hessian))
    step[binding] = gradient[binding] / np.where(curvature[binding] > 0, curvature[binding], 1)
    free = ~binding
    values, vectors = np.linalg.eigh(hessian[np.ix_(free, free)])
    values = np.maximum(np.abs(values), 1e-12 * max(np.max(np.abs(values), initial=0), 1e-300))
    step[free] = vectors @ ((vectors.T @ gradient[free]) / values)
    return step


def _ml_discrepancy(matrix: np.ndarray, psi: np.ndarray) -> _Evaluation:
    r"""factanal's one-factor objective at ``psi``, its gradient and Hessian, the loadings.

    With :math:`S = \Psi^{-1/2}R\Psi^{-1/2}`, eigenvalues :math:`e_1 > e_2 \ge \dots` and
    unit eigenvectors :math:`u_k`, the objective is :math:`\sum_{k>1}(e_k - \ln e_k - 1)`
    (Joreskog 1967) and the loadings :math:`\Psi^{1/2}u_1\sqrt{e_1 - 1}`. In
    :math:`t = \ln\psi`, :math:`\partial e_1/\partial t_i = -e_1u_{1i}^2` and the second
    derivatives of :math:`e_1` follow from first-order eigenvector perturbation:
    :math:`\tfrac12[\delta_{ij}e_1u_{1i}^2 + u_{1i}u_{1j}(S_{ij} + \sum_{k>1}
    \tfrac{(e_1+e_k)^2}{e_1-e_k}u_{ki}u_{kj})]`.
    """
    scale = 1 / np.sqrt(psi)
    scaled = matrix * np.outer(scale, scale)
    values, vectors = np.linalg.eigh(scaled)
    top, first, rest, others = values[-1], vectors[:, -1], values[:-1], vectors[:, :-1]
    unique = np.diag(matrix) / psi
    # sum(e_k - ln e_k) over k > 1 as tr S - ln det S less the first term: the small e_k of a
    # near-singular R lose their relative precision in eigh, ln det R (Cholesky) does not
    log_det = 2 * np.log(np.diag(np.linalg.cholesky(matrix))).sum()
    value = float(unique.sum() + np.log(psi).sum() - log_det - top + np.log(top) - len(rest))
    grad_t = 1 - unique + (top - 1) * first**2
    paired = (others * ((top + rest) ** 2 / (top - rest))) @ others.T
    second = 0.5 * (np.diag(top * first**2) + np.outer(first, first) * (scaled + paired))
    hess_t = np.diag(unique) - np.outer(first**2, first**2) - (1 - 1 / top) * second
    hessian = (hess_t - np.diag(grad_t)) / np.outer(psi, psi)
    loadings = np.sqrt(psi) * first * np.sqrt(max(top - 1, 0.0))
    return value, grad_t / psi, hessian, loadings
