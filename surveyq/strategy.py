"""Strategy matrices: IFE / EFE, the Internal-External matrix, QSPM and AHP weights.

The input and matching stages of David's strategy formulation framework, as Harumantaka et al.
(Harumantaka et al., BUMD ABC Kota Bogor) applies them before designing its scorecard,
plus Saaty's paired-comparison (AHP) weights used to weight KPIs. Weights that do not sum
to 1 are reported (in the result and as a ``UserWarning``), not silently fixed. Formulas
and conventions: docs/methods.md section 9.
"""

from __future__ import annotations

import html
import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from surveyq.bands import Band, BandTable, classify
from surveyq.errors import InputError
from surveyq.messages import msg
from surveyq.scorecard_math import WEIGHT_TOLERANCE, _as_series, _matched, _number

__all__ = [
    "IE_STRATEGIES",
    "SAATY_RANDOM_INDEX",
    "Ahp",
    "FactorEvaluation",
    "GroupAhp",
    "IeCell",
    "Qspm",
    "ahp_weights",
    "group_ahp",
    "ie_matrix",
    "ife_efe",
    "qspm",
]

#: Saaty's random consistency index by matrix order n (Saaty 1980, p. 21).
SAATY_RANDOM_INDEX: dict[int, float] = {
    1: 0.00, 2: 0.00, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49,
}

#: Consistency ratios above this are flagged (Saaty).
CR_THRESHOLD = 0.10

#: IE strategy per cell: code, English, Indonesian.
IE_STRATEGIES: dict[str, tuple[str, str, str]] = {
    "grow_and_build": ("I II IV", "Grow and build", "Tumbuh dan bina"),
    "hold_and_maintain": ("III V VII", "Hold and maintain", "Pertahankan dan pelihara"),
    "harvest_or_divest": ("VI VIII IX", "Harvest or divest", "Panen atau divestasi"),
}

_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX")

_IFE_AXIS = BandTable(
    name="ie-axis-ife",
    title="IE matrix x axis: IFE total weighted score",
    source=msg("bands.source.ie-axis"),
    bands=(
        Band(code="strong", lower=3.0, label_id="Kuat", label_en="Strong"),
        Band(code="average", lower=2.0, label_id="Rata-rata", label_en="Average"),
        Band(code="weak", lower=None, label_id="Lemah", label_en="Weak"),
    ),
)

_EFE_AXIS = BandTable(
    name="ie-axis-efe",
    title="IE matrix y axis: EFE total weighted score",
    source=msg("bands.source.ie-axis"),
    bands=(
        Band(code="high", lower=3.0, label_id="Tinggi", label_en="High"),
        Band(code="medium", lower=2.0, label_id="Pertengahan", label_en="Medium"),
        Band(code="low", lower=None, label_id="Rendah", label_en="Low"),
    ),
)


def _weight_warning(total: float, block: str | None = None) -> str | None:
    """A warning text when weights do not sum to 1 (and emit it), else None; ``block`` names
    a QSPM block, None means the IFE/EFE weights."""
    if abs(total - 1.0) <= WEIGHT_TOLERANCE:
        return None
    message = msg("strategy.weights_sum_qspm" if block is not None else "strategy.weights_sum",
                  block=repr(block), total=total, tolerance=WEIGHT_TOLERANCE)
    warnings.warn(message, UserWarning, stacklevel=3)
    return message


def _html(title: str, summary: pd.DataFrame, table: pd.DataFrame, notes: Sequence[str]) -> str:
    items = "".join(f"<li>{html.escape(note)}</li>" for note in notes)
    return (
        f"<h4>{html.escape(title)}</h4>" + summary.to_html(index=False) + table.to_html()
        + (f"<ul>{items}</ul>" if items else "")
    )


# --------------------------------------------------------------------------- IFE / EFE


@dataclass(frozen=True, kw_only=True, eq=False)
class FactorEvaluation:
    """Result of :func:`ife_efe`.

    Attributes
    ----------
    table : DataFrame
        Indexed by factor: ``weight``, ``rating`` (mean over raters), ``score``
        (weight x rating).
    total : float
        Total weighted score (1-4 when the weights sum to 1).
    weight_sum : float
    warning : str or None
        Set when the weights do not sum to 1 (within 0.005).
    """

    table: pd.DataFrame
    total: float
    weight_sum: float
    warning: str | None = None

    def to_frame(self) -> pd.DataFrame:
        """The per-factor table (a copy of :attr:`table`)."""
        return self.table.copy()

    def _repr_html_(self) -> str:
        summary = pd.DataFrame([{"total": self.total, "weight_sum": self.weight_sum}])
        notes = [self.warning] if self.warning else []
        return _html("Factor evaluation", summary, self.table, notes)


def _ratings(ratings: Any) -> pd.Series:
    if isinstance(ratings, pd.DataFrame):
        values = ratings.apply(pd.to_numeric, errors="coerce")
        if values.isna().to_numpy().any():
            raise InputError(msg("strategy.ratings_blank"))
        bad = (values < 1) | (values > 4)
        if bad.to_numpy().any():
            outside = list(values.index[bad.any(axis=1)])
            raise InputError(msg("strategy.rater_ratings_range", factors=str(outside)))
        return values.mean(axis=1).astype(float)
    series = _as_series(ratings, "ratings")
    if ((series < 1) | (series > 4)).any():
        outside = list(series.index[(series < 1) | (series > 4)])
        raise InputError(msg("strategy.ratings_range", factors=str(outside)))
    return series


def ife_efe(
    ratings: Mapping[Hashable, float] | pd.Series | pd.DataFrame | Sequence[float],
    weights: Mapping[Hashable, float] | pd.Series | Sequence[float],
) -> FactorEvaluation:
    """IFE or EFE matrix: total weighted score of internal or external factors.

    Parameters
    ----------
    ratings : mapping, Series, list or DataFrame
        Rating (1-4) per factor, or a DataFrame factors x raters whose row means are used.
    weights : mapping, Series or list
        Weight per factor, same keys (or length) as ``ratings``; they should sum to 1.

    Returns
    -------
    FactorEvaluation
        ``table``, ``total``, ``weight_sum`` and ``warning`` (None when the weights sum to 1).

    Raises
    ------
    InputError
        Keys that differ, ratings outside 1-4, missing values or negative weights.

    Warns
    -----
    UserWarning
        When the weights do not sum to 1 within 0.005 (the message gives the sum).

    Notes
    -----
    total = sum_i w_i r_i. The same computation serves IFE (strengths and weaknesses) and
    EFE (opportunities and threats); totals above 2.5 are read as above average.

    References
    ----------
    .. [1] David, F. R., Strategic Management: Concepts and Cases (IFE and EFE matrices).
    .. [2] Harumantaka et al., BUMD ABC Kota Bogor, Tabel 2-3;
       docs/methods.md example E9.

    Examples
    --------
    >>> res = ife_efe({"S1": 3.8, "S2": 3.0, "W1": 2.0}, {"S1": 0.5, "S2": 0.3, "W1": 0.2})
    >>> round(res.total, 2), res.warning is None
    (3.2, True)
    """
    rated = _ratings(ratings)
    weight = _matched(rated, _as_series(weights, "weights"), "ife_efe")
    if (weight < 0).any():
        negative = list(weight.index[weight < 0])
        raise InputError(msg("strategy.weights_negative", factors=str(negative)))
    table = pd.DataFrame({"weight": weight, "rating": rated, "score": weight * rated})
    weight_sum = float(weight.sum())
    return FactorEvaluation(
        table=table, total=float(table["score"].sum()), weight_sum=weight_sum,
        warning=_weight_warning(weight_sum),
    )


# --------------------------------------------------------------------------- IE matrix


@dataclass(frozen=True, kw_only=True, eq=False)
class IeCell:
    """Result of :func:`ie_matrix`.

    Attributes
    ----------
    cell : str
        Roman numeral I-IX, numbered row by row from the top left.
    ife_position, efe_position : Band
        Axis bands: strong / average / weak (IFE), high / medium / low (EFE).
    strategy : str
        ``"grow_and_build"``, ``"hold_and_maintain"`` or ``"harvest_or_divest"``.
    strategy_en, strategy_id : str
        The strategy in English and Indonesian.
    ife_total, efe_total : float
    """

    cell: str
    ife_position: Band
    efe_position: Band
    strategy: str
    strategy_en: str
    strategy_id: str
    ife_total: float
    efe_total: float

    def to_frame(self) -> pd.DataFrame:
        """One row with the cell, axis positions and strategy."""
        return pd.DataFrame([{
            "ife_total": self.ife_total, "efe_total": self.efe_total, "cell": self.cell,
            "ife_position": self.ife_position.code, "efe_position": self.efe_position.code,
            "strategy": self.strategy, "strategy_en": self.strategy_en,
            "strategy_id": self.strategy_id,
        }])

    def _repr_html_(self) -> str:
        return _html(f"IE matrix: cell {self.cell}", self.to_frame(), pd.DataFrame(), [])


def _total(value: Any, name: str) -> float:
    total = _number(value, name)
    if not 1.0 <= total <= 4.0:
        raise InputError(msg("strategy.total_range", name=name, total=total))
    return total


def ie_matrix(ife_total: float, efe_total: float) -> IeCell:
    """Cell of the Internal-External matrix and its strategy.

    Parameters
    ----------
    ife_total : float
        IFE total weighted score (x axis), 1-4.
    efe_total : float
        EFE total weighted score (y axis), 1-4.

    Returns
    -------
    IeCell
        ``cell`` (I-IX), axis positions, and ``strategy`` with English and Indonesian names.

    Raises
    ------
    InputError
        A total outside 1-4.

    Notes
    -----
    Each axis, on the total rounded half-up to 2 decimals: >= 3.00 strong / high;
    >= 2.00 average / medium; otherwise weak / low. Rows from the top: EFE high, medium,
    low; columns from the left: IFE strong, average, weak; cells numbered row by row from
    the top left. Cells I, II, IV: grow and build; III, V, VII: hold and maintain; VI,
    VIII, IX: harvest or divest.

    References
    ----------
    .. [1] David, F. R., Strategic Management: Concepts and Cases (Internal-External matrix).
    .. [2] Harumantaka et al.: IFE 2.81, EFE 2.94 -> cell V, pertahankan dan
       pelihara; docs/methods.md example E9.

    Examples
    --------
    >>> res = ie_matrix(2.81, 2.94)
    >>> res.cell, res.strategy_en, res.strategy_id
    ('V', 'Hold and maintain', 'Pertahankan dan pelihara')
    """
    x, y = _total(ife_total, "ife_total"), _total(efe_total, "efe_total")
    ife_position, efe_position = classify(x, _IFE_AXIS), classify(y, _EFE_AXIS)
    number = _EFE_AXIS.codes.index(efe_position.code) * 3 + _IFE_AXIS.codes.index(
        ife_position.code)
    cell = _ROMAN[number]
    strategy = next(code for code, (cells, _, _) in IE_STRATEGIES.items()
                    if cell in cells.split())
    _, english, indonesian = IE_STRATEGIES[strategy]
    return IeCell(
        cell=cell, ife_position=ife_position, efe_position=efe_position, strategy=strategy,
        strategy_en=english, strategy_id=indonesian, ife_total=x, efe_total=y,
    )


# --------------------------------------------------------------------------- QSPM


@dataclass(frozen=True, kw_only=True, eq=False)
class Qspm:
    """Result of :func:`qspm`.

    Attributes
    ----------
    tas : DataFrame
        Factors x strategies: total attractiveness score, weight x AS.
    totals : Series
        Sum of TAS per strategy (the sum of total attractiveness scores).
    chosen : str
        The strategy with the largest total (the first of them when tied).
    ties : tuple
        Every strategy sharing the largest total, when more than one does.
    weight_sums : dict
        Group -> sum of its weights (one group, "all", without ``groups``).
    warnings : tuple of str
        Weight sums that are not 1, ties.
    """

    tas: pd.DataFrame
    totals: pd.Series
    chosen: str
    ties: tuple[Hashable, ...]
    weight_sums: dict[Hashable, float]
    warnings: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """The TAS table with a final ``total`` row."""
        return pd.concat([self.tas, self.totals.to_frame("total").T])

    def _repr_html_(self) -> str:
        summary = pd.DataFrame([{"chosen": self.chosen, "total": self.totals[self.chosen]}])
        return _html("QSPM", summary, self.to_frame(), self.warnings)


def _attractiveness(attractiveness: Any) -> pd.DataFrame:
    frame = attractiveness if isinstance(attractiveness, pd.DataFrame) else pd.DataFrame(
        dict(attractiveness)
    )
    values = frame.apply(pd.to_numeric, errors="coerce").astype(float)
    if values.empty:
        raise InputError(msg("strategy.attractiveness_empty"))
    if values.isna().to_numpy().any():
        raise InputError(msg("strategy.attractiveness_blank"))
    bad = (values < 0) | (values > 4)
    if bad.to_numpy().any():
        raise InputError(msg("strategy.attractiveness_range",
                             factors=str(list(values.index[bad.any(axis=1)]))))
    return values


def qspm(
    weights: Mapping[Hashable, float] | pd.Series,
    attractiveness: pd.DataFrame | Mapping[Hashable, Mapping[Hashable, float]],
    groups: Mapping[Hashable, Hashable] | pd.Series | None = None,
) -> Qspm:
    """Quantitative Strategic Planning Matrix: total attractiveness of each strategy.

    Parameters
    ----------
    weights : mapping or Series
        Weight per key factor (from the IFE and EFE matrices).
    attractiveness : DataFrame or mapping
        Attractiveness scores (AS, 0-4; 0 = not relevant; rater averages allowed) as a
        DataFrame factors x strategies, or a mapping strategy -> {factor: AS}.
    groups : mapping or Series, optional
        Factor -> block ("external", "internal"...). Each block's weights should sum to 1;
        without groups the weights are one block that should sum to 1.

    Returns
    -------
    Qspm
        ``tas``, ``totals``, ``chosen``, ``ties``, ``weight_sums`` and ``warnings``.

    Raises
    ------
    InputError
        Factors that differ between weights, attractiveness and groups; AS outside 0-4;
        negative weights.

    Warns
    -----
    UserWarning
        For each block whose weights do not sum to 1, and for a tie.

    Notes
    -----
    TAS_ij = w_i AS_ij; total_j = sum_i TAS_ij; the strategy with the largest total is
    chosen. Totals use the weights as given.

    References
    ----------
    .. [1] David, F. R., Strategic Management: Concepts and Cases (QSPM).
    .. [2] Harumantaka et al., BUMD ABC Kota Bogor, Tabel 4;
       docs/methods.md example E9.

    Examples
    --------
    >>> res = qspm({"O1": 0.6, "T1": 0.4},
    ...            {"expand": {"O1": 4, "T1": 1}, "defend": {"O1": 2, "T1": 3}})
    >>> res.totals.round(2).to_dict(), res.chosen
    ({'expand': 2.8, 'defend': 2.4}, 'expand')
    """
    scores = _attractiveness(attractiveness)
    weight = _matched(scores.iloc[:, 0], _as_series(weights, "weights"), "qspm")
    if (weight < 0).any():
        negative = list(weight.index[weight < 0])
        raise InputError(msg("strategy.weights_negative", factors=str(negative)))
    blocks = _groups(weight, groups)
    messages, sums = [], {}
    for block, members in blocks.groupby(blocks, sort=False).groups.items():
        sums[block] = float(weight[members].sum())
        message = _weight_warning(sums[block], block)
        if message:
            messages.append(message)
    tas = scores.mul(weight, axis=0)
    totals = tas.sum()
    best = totals.max()
    tied = tuple(totals.index[np.isclose(totals, best, rtol=0, atol=1e-12)])
    if len(tied) > 1:
        message = msg("strategy.qspm_tie", strategies=str(list(tied)), total=float(best))
        warnings.warn(message, UserWarning, stacklevel=2)
        messages.append(message)
    return Qspm(
        tas=tas, totals=totals, chosen=tied[0], ties=tied if len(tied) > 1 else (),
        weight_sums=sums, warnings=tuple(messages),
    )


def _groups(weight: pd.Series, groups: Any) -> pd.Series:
    if groups is None:
        return pd.Series("all", index=weight.index)
    given = pd.Series(dict(groups)) if not isinstance(groups, pd.Series) else groups
    return _matched(weight, given, "qspm groups")


# --------------------------------------------------------------------------- AHP


@dataclass(frozen=True, kw_only=True, eq=False)
class Ahp:
    """Result of :func:`ahp_weights`.

    Attributes
    ----------
    weights : Series
        Principal right eigenvector, normalised to sum to 1.
    lambda_max : float
        Principal eigenvalue.
    ci, ri, cr : float
        Consistency index (lambda_max - n) / (n - 1), random index, consistency ratio CI / RI
        (0 for n <= 2, where every reciprocal matrix is consistent).
    consistent : bool
        ``cr <= 0.10``.
    notes : tuple of str
        The flag when CR > 0.10.
    """

    weights: pd.Series
    lambda_max: float
    ci: float
    ri: float
    cr: float
    consistent: bool
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """The weights as a one-column DataFrame."""
        return self.weights.to_frame("weight")

    def _repr_html_(self) -> str:
        summary = pd.DataFrame([{
            "lambda_max": self.lambda_max, "ci": self.ci, "ri": self.ri, "cr": self.cr,
            "consistent": self.consistent,
        }])
        return _html("AHP weights", summary, self.to_frame(), self.notes)


def _comparison_matrix(matrix: Any, tolerance: float) -> pd.DataFrame:
    if isinstance(matrix, pd.DataFrame):
        frame = matrix.copy()
    else:
        try:
            array = np.asarray(matrix, dtype=float)
        except (TypeError, ValueError):
            raise InputError(msg("strategy.matrix_numbers")) from None
        if array.ndim != 2:
            raise InputError(msg("strategy.matrix_square", shape=str(array.shape)))
        frame = pd.DataFrame(array)
    values = frame.to_numpy(dtype=float)
    if values.ndim != 2 or values.shape[0] == 0 or values.shape[0] != values.shape[1]:
        raise InputError(msg("strategy.matrix_square", shape=str(values.shape)))
    if isinstance(matrix, pd.DataFrame) and not frame.index.equals(frame.columns):
        raise InputError(msg("strategy.matrix_labels"))
    if not np.isfinite(values).all() or (values <= 0).any():
        raise InputError(msg("strategy.matrix_positive"))
    off = np.abs(values * values.T - 1.0) > tolerance
    if off.any():
        i, j = np.argwhere(off)[0]
        raise InputError(msg("strategy.matrix_reciprocal",
                             cell=f"a[{frame.index[i]!r}, {frame.columns[j]!r}]",
                             value=float(values[i, j]), mirror=float(values[j, i])))
    return frame.astype(float)


def ahp_weights(
    matrix: pd.DataFrame | Sequence[Sequence[float]] | np.ndarray,
    random_index: Mapping[int, float] | None = None,
    reciprocal_tolerance: float = 0.05,
) -> Ahp:
    """Paired-comparison (AHP) weights with Saaty's consistency ratio.

    Parameters
    ----------
    matrix : DataFrame or 2-D array
        Positive reciprocal matrix: a_ij says how many times more important i is than j
        (Saaty's 1-9 scale), a_ji = 1 / a_ij, a_ii = 1. A DataFrame's index labels the
        weights.
    random_index : mapping, optional
        Random index by matrix order; default :data:`SAATY_RANDOM_INDEX` (n <= 10).
    reciprocal_tolerance : float, default 0.05
        Allowed |a_ij a_ji - 1|, so judgments typed as 0.33 for 1/3 are accepted.

    Returns
    -------
    Ahp
        ``weights``, ``lambda_max``, ``ci``, ``ri``, ``cr``, ``consistent`` and ``notes``.

    Raises
    ------
    InputError
        A matrix that is not square, positive and reciprocal, or an order with no random
        index.

    Notes
    -----
    A w = lambda_max w with w the principal (Perron) eigenvector, normalised so that
    sum w = 1. CI = (lambda_max - n) / (n - 1); CR = CI / RI(n). CR > 0.10 is flagged as
    inconsistent (``consistent`` False, with a note). Saaty's random indices (1980):
    n = 3..10 -> 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49; published extensions for
    larger n differ, so give them with ``random_index``.

    References
    ----------
    .. [1] Saaty, T. L. (1980). The Analytic Hierarchy Process. McGraw-Hill.
    .. [2] Saaty, T. L. (2008). Decision making with the analytic hierarchy process.
       International Journal of Services Sciences, 1(1), 83-98.
    .. [3] docs/methods.md section 9; Harumantaka et al. weights its KPIs by paired
       comparison.

    Examples
    --------
    >>> res = ahp_weights([[1, 2, 4], [1/2, 1, 2], [1/4, 1/2, 1]])   # perfectly consistent
    >>> res.weights.round(4).tolist(), round(res.cr, 6)
    ([0.5714, 0.2857, 0.1429], 0.0)
    """
    frame = _comparison_matrix(matrix, reciprocal_tolerance)
    n = frame.shape[0]
    eigenvalues, eigenvectors = np.linalg.eig(frame.to_numpy())
    principal = int(np.argmax(eigenvalues.real))
    lambda_max = float(eigenvalues[principal].real)
    vector = np.abs(eigenvectors[:, principal].real)
    weights = pd.Series(vector / vector.sum(), index=frame.index)
    indices = SAATY_RANDOM_INDEX if random_index is None else dict(random_index)
    if n not in indices:
        raise InputError(msg("strategy.random_index_missing", n=n, known=str(sorted(indices))))
    ri = float(indices[n])
    # lambda_max >= n for every positive reciprocal matrix (Saaty 1980), so a CI a hair
    # below 0 is floating-point error in the eigenvalue: it is 0.
    ci = 0.0 if n <= 2 else max((lambda_max - n) / (n - 1), 0.0)
    cr = 0.0 if n <= 2 or ri == 0 else ci / ri
    consistent = cr <= CR_THRESHOLD
    notes = () if consistent else (msg("strategy.ahp_inconsistent", cr=cr, threshold=CR_THRESHOLD),)
    return Ahp(weights=weights, lambda_max=lambda_max, ci=ci, ri=ri, cr=cr,
               consistent=consistent, notes=notes)


# --------------------------------------------------------------------------- group AHP


@dataclass(frozen=True, kw_only=True, eq=False)
class GroupAhp:
    """Result of :func:`group_ahp`.

    Attributes
    ----------
    matrix : DataFrame
        The group matrix: element-wise (weighted) geometric mean of the raters' judgments.
    group : Ahp
        Weights and consistency of the group matrix (the weights used).
    raters : dict
        Rater name -> that rater's own :class:`Ahp` (weights and consistency ratio).
    rater_weights : Series
        The raters' weights in the geometric mean, normalised to sum to 1.
    notes : tuple of str
        Raters whose own judgments are inconsistent (CR > 0.10), and the group's flag.
    """

    matrix: pd.DataFrame
    group: Ahp
    raters: dict[str, Ahp]
    rater_weights: pd.Series
    notes: tuple[str, ...] = ()

    @property
    def weights(self) -> pd.Series:
        """The group weights (``group.weights``)."""
        return self.group.weights

    def to_frame(self) -> pd.DataFrame:
        """Items x (each rater's weight, then ``group``)."""
        columns = {name: res.weights for name, res in self.raters.items()}
        columns["group"] = self.group.weights
        return pd.DataFrame(columns)

    def _repr_html_(self) -> str:
        summary = pd.DataFrame([{"rater": name, "cr": res.cr, "consistent": res.consistent}
                                for name, res in self.raters.items()]
                               + [{"rater": "group", "cr": self.group.cr,
                                   "consistent": self.group.consistent}])
        return _html("Group AHP weights", summary, self.to_frame(), self.notes)


def group_ahp(
    matrices: Mapping[str, pd.DataFrame | Sequence[Sequence[float]] | np.ndarray],
    items: Sequence[Hashable] | None = None,
    rater_weights: Mapping[str, float] | None = None,
    random_index: Mapping[int, float] | None = None,
) -> GroupAhp:
    """Paired-comparison weights of a panel: aggregation of individual judgments (AIJ).

    Parameters
    ----------
    matrices : mapping
        Rater name -> that rater's positive reciprocal matrix (as :func:`ahp_weights`
        takes), all of the same order and item order.
    items : sequence, optional
        Labels of the rows and columns (default: a DataFrame's index, else 0..n-1).
    rater_weights : mapping, optional
        Rater name -> weight in the geometric mean (default: equal weights).
    random_index : mapping, optional
        As in :func:`ahp_weights`.

    Returns
    -------
    GroupAhp
        ``matrix`` (the group judgments), ``group`` (its weights and CR), each rater's
        ``raters[name]`` (weights and CR) and the notes.

    Raises
    ------
    InputError
        No matrices, matrices of different orders, a matrix that is not positive and
        reciprocal, or rater weights that do not name the raters.

    Notes
    -----
    a^G_ij = prod_k (a^k_ij)^(v_k) with rater weights v_k summing to 1 (the plain geometric
    mean with equal weights). The geometric mean is the aggregation that keeps the group
    matrix reciprocal (a^G_ji = 1 / a^G_ij), which an arithmetic mean does not (Aczél &
    Saaty 1983); the group weights are then the principal eigenvector of a^G, and its
    consistency ratio is Saaty's. Each rater's CR is reported as well: a panel should
    revise the judgments of a rater above 0.10 before combining (Forman & Peniwati 1998).

    References
    ----------
    .. [1] Aczél, J., & Saaty, T. L. (1983). Procedures for synthesizing ratio judgements.
       Journal of Mathematical Psychology, 27(1), 93-102.
    .. [2] Forman, E., & Peniwati, K. (1998). Aggregating individual judgments and
       priorities with the analytic hierarchy process. European Journal of Operational
       Research, 108(1), 165-169.

    Examples
    --------
    >>> res = group_ahp({"A": [[1, 3], [1/3, 1]], "B": [[1, 5], [1/5, 1]]}, items=["x", "y"])
    >>> round(float(res.matrix.loc["x", "y"]), 4), res.weights.round(4).tolist()  # sqrt(15)
    (3.873, [0.7948, 0.2052])
    """
    if not matrices:
        raise InputError(msg("strategy.no_raters"))
    frames = {}
    for name, matrix in matrices.items():
        if items is not None and not isinstance(matrix, pd.DataFrame) \
                and np.shape(matrix) == (len(items), len(items)):
            matrix = pd.DataFrame(matrix, index=list(items), columns=list(items))
        try:
            frames[name] = _comparison_matrix(matrix, 0.05)
        except InputError as exc:
            raise InputError(msg("strategy.rater_detail", rater=repr(name),
                                 detail=exc.detail)) from None
    orders = {name: frame.shape[0] for name, frame in frames.items()}
    if len(set(orders.values())) != 1:
        raise InputError(msg("strategy.orders_differ", orders=str(orders)))
    first = next(iter(frames.values()))
    labels = list(items) if items is not None else list(first.index)
    if len(labels) != first.shape[0]:
        raise InputError(msg("strategy.labels_count", labels=len(labels), n=first.shape[0]))
    weights = pd.Series({name: 1.0 for name in frames}, dtype=float) if rater_weights is None \
        else pd.Series(dict(rater_weights), dtype=float)
    if set(weights.index) != set(frames) or (weights <= 0).any():
        raise InputError(msg("strategy.rater_weights", raters=str(list(frames))))
    weights = weights[list(frames)] / weights.sum()
    logs = sum(np.log(frame.to_numpy()) * weights[name] for name, frame in frames.items())
    matrix = pd.DataFrame(np.exp(logs), index=labels, columns=labels)
    raters = {name: ahp_weights(pd.DataFrame(frame.to_numpy(), index=labels, columns=labels),
                                random_index)
              for name, frame in frames.items()}
    group = ahp_weights(matrix, random_index)
    notes = [msg("strategy.ahp_rater_inconsistent", rater=name, cr=res.cr,
                 threshold=CR_THRESHOLD) for name, res in raters.items() if not res.consistent]
    if not group.consistent:
        notes.append(msg("strategy.ahp_group_inconsistent", cr=group.cr, threshold=CR_THRESHOLD))
    return GroupAhp(matrix=matrix, group=group, raters=raters, rater_weights=weights,
                    notes=tuple(notes))
