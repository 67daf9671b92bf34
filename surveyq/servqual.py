"""SERVQUAL gaps, Importance-Performance Analysis and the Customer Satisfaction Index.

``servqual`` compares perception (P) with expectation (E) per item and per dimension, with
paired tests; ``servqual_by`` breaks the gaps down by group; ``ipa`` places items in the
Martilla & James quadrants; ``csi`` gives the Customer Satisfaction Index and its band.
Formulas and conventions: docs/methods.md sections 4 and 5.
"""

from __future__ import annotations

import html
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from surveyq.bands import classify, round_half_up
from surveyq.distributions import t_ppf, t_sf
from surveyq.errors import AnalysisError, InputError, NoDataError
from surveyq.ikm import _aligned_groups, _numeric_answers
from surveyq.meantests import paired_t
from surveyq.messages import catalogue, joined, msg
from surveyq.moments import Moments
from surveyq.ranktests import ZERO_METHODS, wilcoxon_p

__all__ = [
    "SERVQUAL_DIMENSIONS",
    "IPA_QUADRANTS",
    "SERVQUAL_1988_ITEMS",
    "Csi",
    "Servqual",
    "csi",
    "ipa",
    "servqual",
    "servqual_by",
    "servqual_from_moments",
]

#: The five SERVQUAL dimensions: code -> (Indonesian, English).
SERVQUAL_DIMENSIONS: dict[str, tuple[str, str]] = {
    "tangibles": ("Bukti fisik", "Tangibles"),
    "reliability": ("Kehandalan", "Reliability"),
    "responsiveness": ("Daya tanggap", "Responsiveness"),
    "assurance": ("Jaminan", "Assurance"),
    "empathy": ("Empati", "Empathy"),
}

#: Parasuraman, Zeithaml & Berry (1988) 22-item form: item number -> dimension code.
#: Items 10-13 and 18-22 are negatively worded in that form (reverse-key them on reading).
SERVQUAL_1988_ITEMS: dict[int, str] = {
    **dict.fromkeys(range(1, 5), "tangibles"),
    **dict.fromkeys(range(5, 10), "reliability"),
    **dict.fromkeys(range(10, 14), "responsiveness"),
    **dict.fromkeys(range(14, 18), "assurance"),
    **dict.fromkeys(range(18, 23), "empathy"),
}

#: IPA quadrants keyed by meaning: key -> (number, Indonesian, English).
IPA_QUADRANTS: dict[str, tuple[str, str, str]] = {
    "concentrate": ("I", "Prioritas Utama", "Concentrate here"),
    "keep_up": ("II", "Pertahankan Prestasi", "Keep up the good work"),
    "low_priority": ("III", "Prioritas Rendah", "Low priority"),
    "overkill": ("IV", "Berlebihan", "Possible overkill"),
}

_MODELS = ("servqual", "servperf")
_WEIGHTINGS = ("per-respondent", "aggregate")
_MATCHES = ("auto", "name", "position")
#: Wilcoxon p-values: normal approximation with tie correction, no continuity correction.
WILCOXON_METHOD = "approx"

_PAIRED_COLUMNS = [
    "p_mean",
    "e_mean",
    "gap",
    "n_p",
    "n_e",
    "n",
    "t",
    "df",
    "p_value",
    "p_holm",
    "ci_low",
    "ci_high",
    "d_z",
    "wilcoxon_p",
    "wilcoxon_p_holm",
    "conformity",
]
_SERVPERF_COLUMNS = ["p_mean", "p_sd", "n_p"]


# --------------------------------------------------------------------------- input checks


def _numeric(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    values = _numeric_answers(frame, name)
    if values.index.has_duplicates:
        raise InputError(msg("servqual.rows_repeated", name=_role(name)))
    return values


def _match_columns(
    first: pd.DataFrame, second: pd.DataFrame, names: tuple[str, str], match: str
) -> tuple[pd.DataFrame, str]:
    """``second`` with ``first``'s column names, matched by name or position."""
    if match not in _MATCHES:
        raise InputError(msg("servqual.option", name="match", allowed=str(_MATCHES),
                             value=repr(match)))
    same_names = set(first.columns) == set(second.columns)
    if match == "name" or (match == "auto" and same_names):
        if not same_names:
            only_first = sorted(map(str, set(first.columns) - set(second.columns)))
            only_second = sorted(map(str, set(second.columns) - set(first.columns)))
            raise InputError(msg("servqual.columns_by_name", first=_role(names[0]),
                                 second=_role(names[1]), only_first=str(only_first),
                                 only_second=str(only_second)))
        return second[list(first.columns)], "name"
    if first.shape[1] != second.shape[1]:
        raise InputError(msg("servqual.item_counts", first=_role(names[0]), k=first.shape[1],
                             second=_role(names[1]), other=second.shape[1]))
    if match == "auto" and set(first.columns) & set(second.columns):
        raise InputError(msg("servqual.columns_partly_shared", first=_role(names[0]),
                             second=_role(names[1])))
    return second.set_axis(first.columns, axis=1), "position"


def _pair_frames(
    first: pd.DataFrame, second: pd.DataFrame, names: tuple[str, str], match: str
) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Both frames numeric, with the same columns and the same rows (union of respondents)."""
    first = _numeric(first, names[0])
    second, matched_by = _match_columns(first, _numeric(second, names[1]), names, match)
    if first.index.intersection(second.index).empty:
        raise InputError(msg("servqual.no_common_rows", first=_role(names[0]),
                             second=_role(names[1])))
    rows = first.index.union(second.index, sort=False)
    return first.reindex(rows), second.reindex(rows), matched_by


def _role(name: str) -> str:
    """A role word as a message where the catalogue has it ("perception" -> "persepsi")."""
    return msg(f"error.role_{name}") if f"error.role_{name}" in catalogue("en") else name


def _require_answers(statistic: str, **frames: pd.DataFrame | None) -> None:
    """No number from no data: every item of every frame must have at least one answer."""
    empty = {name: [str(c) for c in frame.columns[frame.notna().sum() == 0]]
             for name, frame in frames.items() if frame is not None}
    empty = {name: columns for name, columns in empty.items() if columns}
    if empty:
        listed = joined([msg("error.role_items", role=_role(name), items=columns)
                         for name, columns in empty.items()])
        raise NoDataError(msg("error.no_answers_to", statistic=statistic, listed=listed))


def _dimension_map(items: pd.Index, dimensions: Mapping | pd.Series | None) -> pd.Series | None:
    if dimensions is None:
        return None
    mapping = pd.Series(dict(dimensions) if not isinstance(dimensions, pd.Series) else dimensions)
    unmapped = [item for item in items if item not in mapping.index]
    unknown = [item for item in mapping.index if item not in items]
    if unmapped or unknown:
        raise InputError(msg("servqual.dimension_map", unmapped=str(unmapped),
                             unknown=str(unknown)))
    return mapping.reindex(items)


# --------------------------------------------------------------------------- statistics


def _holm(p_values: np.ndarray) -> np.ndarray:
    """Holm (1979) step-down adjusted p-values; NaN stays NaN and is not counted."""
    p_values = np.asarray(p_values, dtype=float)
    adjusted = np.full_like(p_values, np.nan)
    present = np.flatnonzero(~np.isnan(p_values))
    order = present[np.argsort(p_values[present], kind="stable")]
    m = len(order)
    scaled = (m - np.arange(m)) * p_values[order]
    adjusted[order] = np.minimum(np.maximum.accumulate(scaled), 1.0)
    return adjusted


def _paired_stats(
    p_scores: np.ndarray, e_scores: np.ndarray
) -> tuple[dict[str, float], np.ndarray, np.ndarray]:
    """Means, gap, counts and conformity of one item or dimension, and its P and E pairs."""
    paired = ~np.isnan(p_scores) & ~np.isnan(e_scores)
    p_pairs, e_pairs = p_scores[paired], e_scores[paired]
    differences = p_pairs - e_pairs
    row = {
        **_column_means(p_scores, e_scores),
        "n_p": int(np.sum(~np.isnan(p_scores))),
        "n_e": int(np.sum(~np.isnan(e_scores))),
        "n": int(paired.sum()),
        "conformity": 100 * p_pairs.sum() / e_pairs.sum() if e_pairs.sum() else np.nan,
        "d_z": np.nan,
    }
    if differences.size >= 2 and (spread := differences.std(ddof=1)) > 0:
        row["d_z"] = float(differences.mean() / spread)
    return row, np.where(paired, p_scores, np.nan), np.where(paired, e_scores, np.nan)


def _column_means(p_scores: np.ndarray, e_scores: np.ndarray) -> dict[str, float]:
    """P mean and E mean of all answers, and the gap: the mean P - E over the pairs."""
    paired = ~np.isnan(p_scores) & ~np.isnan(e_scores)
    return {"p_mean": _mean(p_scores), "e_mean": _mean(e_scores),
            "gap": _mean(p_scores[paired] - e_scores[paired])}


def _mean(values: np.ndarray) -> float:
    present = values[~np.isnan(values)]
    return float(present.mean()) if present.size else np.nan


def _t_tests(p_pairs: np.ndarray, e_pairs: np.ndarray, n: np.ndarray, spread_ok: np.ndarray,
             level: float) -> pd.DataFrame:
    """Paired t-tests of every column at once (NaN outside the pairs); undefined with fewer
    than 2 pairs or constant differences (then only df is given)."""
    columns = ("t", "df", "p_value", "ci_low", "ci_high")
    out = {name: np.full(n.size, np.nan) for name in columns}
    out["df"] = np.where(n >= 2, n - 1.0, np.nan)
    tested = (n >= 2) & spread_ok
    if tested.any():
        result = paired_t(p_pairs[:, tested], e_pairs[:, tested], level)
        for name, values in zip(columns, result, strict=True):
            out[name][tested] = values
    return pd.DataFrame(out)


def _wilcoxon_ps(differences: np.ndarray, zero_method: str) -> np.ndarray:
    """Wilcoxon signed-rank p of every column (NaN outside the pairs); NaN when no difference
    is nonzero."""
    p_values = np.full(differences.shape[1], np.nan)
    tested = np.nan_to_num(differences).any(axis=0)
    if tested.any():
        p_values[tested] = wilcoxon_p(differences[:, tested], zero_method)
    return p_values


def _perception_stats(p_scores: np.ndarray) -> dict[str, float]:
    present = p_scores[~np.isnan(p_scores)]
    sd = float(present.std(ddof=1)) if present.size > 1 else np.nan
    return {"p_mean": _mean(p_scores), "p_sd": sd, "n_p": int(present.size)}


def _table(
    p_scores: pd.DataFrame,
    e_scores: pd.DataFrame | None,
    level: float,
    zero_method: str,
) -> pd.DataFrame:
    """One row per column of the score frames (items or dimensions)."""
    if e_scores is None:
        rows = {name: _perception_stats(p_scores[name].to_numpy()) for name in p_scores}
        return pd.DataFrame.from_dict(rows, orient="index", columns=_SERVPERF_COLUMNS)
    p_values = p_scores.to_numpy(dtype=float)
    e_values = e_scores[p_scores.columns].to_numpy(dtype=float)
    rows, p_pairs, e_pairs = {}, [], []
    for j, name in enumerate(p_scores.columns):
        rows[name], p_column, e_column = _paired_stats(p_values[:, j], e_values[:, j])
        p_pairs.append(p_column)
        e_pairs.append(e_column)
    table = pd.DataFrame.from_dict(rows, orient="index")
    p_matrix, e_matrix = np.column_stack(p_pairs), np.column_stack(e_pairs)
    tests = _t_tests(p_matrix, e_matrix, table["n"].to_numpy(), table["d_z"].notna().to_numpy(),
                     level)
    table[tests.columns] = tests.to_numpy()
    table["wilcoxon_p"] = _wilcoxon_ps(p_matrix - e_matrix, zero_method)
    table["p_holm"] = _holm(table["p_value"].to_numpy())
    table["wilcoxon_p_holm"] = _holm(table["wilcoxon_p"].to_numpy())
    return table[_PAIRED_COLUMNS]


def _dimension_scores(
    perception: pd.DataFrame, expectation: pd.DataFrame | None, mapping: pd.Series
) -> tuple[pd.DataFrame, pd.DataFrame | None, pd.DataFrame, pd.DataFrame | None]:
    """Respondent x dimension scores: (P all answers, E all answers, P paired, E paired).

    A respondent's dimension score is the mean of the dimension's items they answered; the
    paired scores use only items with both P and E, so paired P minus paired E is the mean
    of the respondent's item gaps.
    """
    codes = list(dict.fromkeys(mapping))
    p_values = perception.to_numpy(dtype=float)
    e_values = (None if expectation is None
                else expectation[perception.columns].to_numpy(dtype=float))
    scores = _dimension_arrays(p_values, e_values, _members(mapping, codes))

    def framed(means: np.ndarray | None) -> pd.DataFrame | None:
        return None if means is None else pd.DataFrame(means, index=perception.index,
                                                      columns=codes)

    if expectation is None:
        p_all = framed(scores[0])
        return p_all, None, p_all.copy(), None
    p_all, e_all, p_pair, e_pair = map(framed, scores)
    return p_all, e_all, p_pair, e_pair


def _members(mapping: pd.Series, codes: list[Hashable]) -> np.ndarray:
    """Items x dimensions: 1.0 where the item belongs to the dimension."""
    return np.column_stack([(mapping == code).to_numpy(float) for code in codes])


def _by_dimension(values: np.ndarray, answered: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Each row's mean of the answered items of every dimension (NaN: none answered)."""
    # item sums and answer counts per dimension in two products (sums of whole codes are
    # exact, so this equals DataFrame.mean(axis=1) per dimension)
    sums = np.where(answered, values, 0.0) @ members
    counts = answered.astype(float) @ members
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / counts, np.nan)


def _dimension_arrays(
    p_values: np.ndarray, e_values: np.ndarray | None, members: np.ndarray
) -> tuple[np.ndarray, ...]:
    """(P all answers,) or (P all, E all, P paired, E paired) respondent x dimension means."""
    p_answered = ~np.isnan(p_values)
    if e_values is None:
        return (_by_dimension(p_values, p_answered, members),)
    e_answered = ~np.isnan(e_values)
    both = p_answered & e_answered
    return (
        _by_dimension(p_values, p_answered, members),
        _by_dimension(e_values, e_answered, members),
        _by_dimension(p_values, both, members),
        _by_dimension(e_values, both, members),
    )


def _dimension_table(
    perception: pd.DataFrame,
    expectation: pd.DataFrame | None,
    mapping: pd.Series,
    level: float,
    zero_method: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(dimension table, respondent x dimension scores: gaps, or P under SERVPERF)."""
    p_all, e_all, p_pair, e_pair = _dimension_scores(perception, expectation, mapping)
    if expectation is None:
        table = _table(p_all, None, level, zero_method)
        scores = p_all
    else:
        table = _table(p_pair, e_pair, level, zero_method)
        table["p_mean"] = p_all.mean()
        table["e_mean"] = e_all.mean()
        table["n_p"] = p_all.notna().sum()
        table["n_e"] = e_all.notna().sum()
        scores = p_pair - e_pair
    table.insert(0, "k", mapping.value_counts().reindex(table.index).astype(int))
    table.index.name = "dimension"
    return table, scores


# --------------------------------------------------------------------------- weighting


def _fractions_per_respondent(
    weights: pd.DataFrame, codes: list[Hashable], rows: pd.Index
) -> tuple[pd.DataFrame, list[str]]:
    """Each respondent's importance points as fractions summing to 1, with notes."""
    if not isinstance(weights, pd.DataFrame):
        raise InputError(msg("servqual.weights_frame"))
    _check_weight_codes(list(weights.columns), codes)
    points = weights[codes].apply(pd.to_numeric, errors="coerce").reindex(rows)
    if (points < 0).to_numpy().any():
        raise InputError(msg("servqual.weights_negative"))
    totals = points.sum(axis=1, min_count=len(codes))
    usable = totals.notna() & (totals > 0)
    notes = []
    if (~usable).any():
        notes.append(msg("servqual.points_incomplete", count=int((~usable).sum())))
    off = usable & ~np.isclose(totals, 100)
    if off.any():
        examples = ", ".join(map(str, totals.index[off][:5]))
        notes.append(msg("servqual.points_normalised", count=int(off.sum()), rows=examples))
    return points[usable].div(totals[usable], axis=0), notes


def _check_weight_codes(given: list[Hashable], codes: list[Hashable]) -> None:
    if set(given) != set(codes):
        raise InputError(msg("servqual.weights_codes", codes=str(codes), given=str(given)))


def _aggregate_fractions(
    weights: pd.DataFrame | Mapping | pd.Series, codes: list[Hashable], rows: pd.Index
) -> tuple[pd.Series, list[str]]:
    if isinstance(weights, pd.DataFrame):
        fractions, notes = _fractions_per_respondent(weights, codes, rows)
        return fractions.mean(), notes + [msg("servqual.aggregate_mean_weights")]
    given = pd.Series(dict(weights) if not isinstance(weights, pd.Series) else weights, dtype=float)
    _check_weight_codes(list(given.index), codes)
    given = given.reindex(codes)
    if given.isna().any() or (given < 0).any() or given.sum() <= 0:
        raise InputError(msg("servqual.weights_values", given=str(given.to_dict())))
    notes = []
    if not np.isclose(given.sum(), 1.0):
        notes.append(msg("servqual.weights_normalised", total=float(given.sum())))
    return given / given.sum(), notes


def _weighted_score(
    scores: pd.DataFrame,
    dimension_means: pd.Series,
    weights: pd.DataFrame | Mapping | pd.Series,
    weighting: str,
) -> tuple[float, list[str]]:
    codes = list(scores.columns)
    if weighting == "aggregate":
        fractions, notes = _aggregate_fractions(weights, codes, scores.index)
        return float((fractions * dimension_means.reindex(codes)).sum()), notes
    fractions, notes = _fractions_per_respondent(weights, codes, scores.index)
    per_respondent = (fractions * scores.loc[fractions.index, codes]).sum(
        axis=1, min_count=len(codes)
    )
    incomplete = int(per_respondent.isna().sum())
    if incomplete:
        notes.append(msg("servqual.weighted_incomplete", count=incomplete))
    if per_respondent.notna().sum() == 0:
        raise AnalysisError(
            msg("error.no_weighted_respondent")
        )
    return float(per_respondent.mean()), notes


# --------------------------------------------------------------------------- result


@dataclass(frozen=True, kw_only=True, eq=False)
class Servqual:
    """Result of :func:`servqual`.

    Attributes
    ----------
    items : DataFrame
        Indexed by item. SERVQUAL: ``p_mean``, ``e_mean`` (every available answer), ``gap``
        (mean of P - E over pairs), ``n_p``, ``n_e``, ``n`` (pairs), ``t``, ``df``,
        ``p_value`` (paired t), ``p_holm`` (Holm across items), ``ci_low``, ``ci_high``
        (CI of the mean gap), ``d_z`` (gap / sd of differences), ``wilcoxon_p``,
        ``wilcoxon_p_holm``, ``conformity`` (sum P / sum E x 100 over pairs), and
        ``dimension`` when a mapping was given. SERVPERF: ``p_mean``, ``p_sd``, ``n_p``.
    dimensions : DataFrame
        The same per dimension (plus ``k``, its number of items), from respondent-level
        dimension scores; Holm across dimensions. Empty without a mapping.
    overall : Series
        ``p_mean`` and ``e_mean`` (means of the item means), ``item_mean_gap`` (plain mean of
        the item gaps, what Heitasari et al. prints), ``unweighted`` (mean of the dimension scores),
        ``weighted`` (NaN without weights). Under SERVPERF the scores are perceptions.
    model : str
        ``"servqual"`` or ``"servperf"``.
    weighting : str or None
        ``"per-respondent"`` or ``"aggregate"`` when weights were given.
    matched_by : str
        How expectation items were paired with perception items: ``"name"`` or
        ``"position"`` (``"none"`` under SERVPERF).
    zero_method, wilcoxon_method : str
        The scipy Wilcoxon options used.
    level : float
        Confidence level of the intervals.
    notes : tuple of str
    """

    items: pd.DataFrame
    dimensions: pd.DataFrame
    overall: pd.Series
    model: str
    weighting: str | None
    matched_by: str
    zero_method: str
    wilcoxon_method: str
    level: float
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """Items and dimensions in one table, indexed by (``level``, name)."""
        parts = {"item": self.items.drop(columns="dimension", errors="ignore")}
        if not self.dimensions.empty:
            parts["dimension"] = self.dimensions.drop(columns="k")
        frame = pd.concat(parts, names=["level", "name"])
        return frame

    def _repr_html_(self) -> str:
        settings = (
            f"model={self.model}, weighting={self.weighting}, matched_by={self.matched_by}, "
            f"Wilcoxon zero_method={self.zero_method}, level={self.level:g}"
        )
        notes = "".join(f"<li>{html.escape(note)}</li>" for note in self.notes)
        return (
            f"<h4>SERVQUAL</h4><p>{html.escape(settings)}</p>"
            + self.items.to_html()
            + (self.dimensions.to_html() if not self.dimensions.empty else "")
            + self.overall.to_frame("value").to_html()
            + (f"<ul>{notes}</ul>" if notes else "")
        )


def _check_options(model: str, weighting: str, zero_method: str, level: float) -> None:
    for value, name, allowed in (
        (model, "model", _MODELS),
        (weighting, "weighting", _WEIGHTINGS),
        (zero_method, "zero_method", ZERO_METHODS),
    ):
        if value not in allowed:
            raise InputError(msg("servqual.option", name=name, allowed=str(allowed),
                                 value=repr(value)))
    if not 0 < level < 1:
        raise InputError(msg("servqual.level", value=repr(level)))


def servqual(
    perception: pd.DataFrame,
    expectation: pd.DataFrame | None = None,
    dimensions: Mapping[Hashable, Hashable] | pd.Series | None = None,
    weights: pd.DataFrame | Mapping[Hashable, float] | pd.Series | None = None,
    weighting: str = "per-respondent",
    model: str = "servqual",
    *,
    match: str = "auto",
    zero_method: str = "wilcox",
    level: float = 0.95,
) -> Servqual:
    """SERVQUAL gaps (perception - expectation) per item, per dimension and overall.

    Parameters
    ----------
    perception, expectation : DataFrame
        Respondents x items, numeric codes, NaN for missing. Rows pair by index (the same
        respondent has the same row label in both). Items pair by column name when both
        frames have the same set of names (any order); otherwise, when no name is shared
        and the counts agree, by position, named after ``perception`` (``match`` forces one
        rule). ``expectation`` is not used under ``model="servperf"``.
    dimensions : Mapping or Series, optional
        Item -> dimension code (e.g. ``"tangibles"``); every item must be mapped.
    weights : DataFrame, Mapping or Series, optional
        Importance of each dimension. Per respondent: a DataFrame respondents x dimensions
        of points summing to 100 (rows that do not are normalised and noted). Aggregate: a
        mapping dimension -> fraction (normalised to sum 1 if needed), or a DataFrame whose
        rows are averaged.
    weighting : {"per-respondent", "aggregate"}
        Default ``"per-respondent"``: mean over respondents of sum_d w_id SQ_id. Aggregate:
        sum_d wbar_d SQ_d.
    model : {"servqual", "servperf"}
        SERVPERF reports perceptions only: ``p_mean``, ``p_sd`` and ``n_p`` per item and
        dimension, their means overall, and no tests (there is nothing to test against).
    match : {"auto", "name", "position"}
        How expectation items pair with perception items (see above).
    zero_method : {"wilcox", "pratt", "zsplit"}
        scipy's handling of zero differences in the Wilcoxon signed-rank test. Default
        ``"wilcox"`` drops them, as R's ``wilcox.test`` and SPSS do.
    level : float, default 0.95
        Confidence level of the mean-gap intervals.

    Returns
    -------
    Servqual

    Raises
    ------
    InputError
        Frames that cannot be paired, unmapped items, weights that do not name the
        dimensions, unknown options.

    Notes
    -----
    Item gap over the n_j respondents who answered both, with d_ij = P_ij - E_ij:

    .. math:: G_j = \\bar d_j, \\quad t = \\frac{\\bar d_j}{s_{d_j} / \\sqrt{n_j}}, \\;
              df = n_j - 1, \\quad d_z = \\bar d_j / s_{d_j}

    ``p_mean`` and ``e_mean`` use every available answer, so with missing data
    ``p_mean - e_mean`` can differ from ``gap``. Tingkat kesesuaian (Supranto):
    conformity_j = sum_i P_ij / sum_i E_ij x 100 over the pairs. Dimension score: each
    respondent's mean gap over the dimension's items they answered both ways, averaged
    over respondents; the unweighted overall score is the mean of the dimension scores, not
    of all items (the plain item mean is ``overall["item_mean_gap"]``). The paired t-test
    is ``scipy.stats.ttest_rel``'s (:func:`surveyq.meantests.paired_t`); the Wilcoxon
    signed-rank p-value is ``scipy.stats.wilcoxon``'s (:func:`surveyq.ranktests.wilcoxon_p`)
    with the normal approximation, tie correction and no
    continuity correction (SPSS's "Asymp. Sig."). Holm's step-down correction is applied
    across items (and, separately, across dimensions). A test whose differences are all
    equal is undefined and reported as NaN.

    References
    ----------
    .. [1] Parasuraman, A., Zeithaml, V. A. & Berry, L. L. (1988). SERVQUAL: a multiple-item
       scale for measuring consumer perceptions of service quality. Journal of Retailing,
       64(1), 12-40.
    .. [2] Cronin, J. J. & Taylor, S. A. (1992). Measuring service quality: a reexamination
       and extension (SERVPERF). Journal of Marketing, 56(3), 55-68.
    .. [3] Holm, S. (1979). A simple sequentially rejective multiple test procedure.
       Scandinavian Journal of Statistics, 6(2), 65-70.
    .. [4] Heitasari et al., BSC for import services at KPPBC Bojonegoro (Tabel 5).
    .. [5] docs/methods.md section 4.

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"q1": [4, 5, 3, 4, 5], "q2": [3, 4, 4, 4, 5]})
    >>> e = pd.DataFrame({"q1": [3, 4, 4, 2, 3], "q2": [4, 4, 5, 5, 4]})
    >>> result = servqual(p, e, dimensions={"q1": "tangibles", "q2": "empathy"})
    >>> result.items.loc["q1", ["gap", "t", "df"]].round(4).tolist()
    [1.0, 1.8257, 4.0]
    >>> result.items["gap"].tolist()
    [1.0, -0.4]
    >>> round(float(result.overall["unweighted"]), 4)
    0.3
    """
    _check_options(model, weighting, zero_method, level)
    notes: list[str] = []
    if model == "servperf":
        if expectation is not None:
            notes.append(msg("servqual.servperf_ignores_expectation"))
        perception, expectation, matched_by = _numeric(perception, "perception"), None, "none"
    else:
        if expectation is None:
            raise InputError(msg("servqual.needs_expectation"))
        perception, expectation, matched_by = _pair_frames(
            perception, expectation, ("perception", "expectation"), match
        )
    _require_answers("SERVQUAL", perception=perception, expectation=expectation)
    mapping = _dimension_map(perception.columns, dimensions)
    if weights is not None and mapping is None:
        raise InputError(msg("servqual.weights_need_dimensions"))
    items = _table(perception, expectation, level, zero_method)
    items.index.name = "item"
    dimension_table, scores = pd.DataFrame(), None
    if mapping is not None:
        items["dimension"] = mapping
        dimension_table, scores = _dimension_table(
            perception, expectation, mapping, level, zero_method
        )
    score_column = "p_mean" if model == "servperf" else "gap"
    overall = _overall(items, dimension_table, score_column)
    if weights is not None:
        overall["weighted"], weight_notes = _weighted_score(
            scores, dimension_table[score_column], weights, weighting
        )
        notes.extend(weight_notes)
    return Servqual(
        items=items,
        dimensions=dimension_table,
        overall=overall,
        model=model,
        weighting=weighting if weights is not None else None,
        matched_by=matched_by,
        zero_method=zero_method,
        wilcoxon_method=WILCOXON_METHOD,
        level=level,
        notes=tuple(notes + _undefined_test_notes(items)),
    )


def _overall(items: pd.DataFrame, dimensions: pd.DataFrame, score_column: str) -> pd.Series:
    columns = ["p_mean", "e_mean", "gap"] if score_column == "gap" else ["p_mean"]
    item_columns = {name: items[name].to_numpy(dtype=float) for name in columns}
    dimension_columns = (None if dimensions.empty
                         else {score_column: dimensions[score_column].to_numpy(dtype=float)})
    return pd.Series(_overall_of(item_columns, dimension_columns, score_column), dtype=float)


def _undefined_test_notes(items: pd.DataFrame) -> list[str]:
    if "t" not in items:
        return []
    undefined = list(items.index[items["t"].isna()])
    if not undefined:
        return []
    return [msg("servqual.tests_undefined", items=str(undefined))]


def servqual_by(
    perception: pd.DataFrame,
    expectation: pd.DataFrame | None,
    groups: pd.Series,
    **servqual_kwargs,
) -> pd.DataFrame:
    """SERVQUAL gaps per group of respondents.

    Parameters
    ----------
    perception, expectation : DataFrame
        As in :func:`servqual`.
    groups : Series
        Group of each respondent, indexed like the answer frames; rows whose group is
        missing are left out (count in ``attrs["ungrouped"]``).
    **servqual_kwargs
        Passed to :func:`servqual` for every group.

    Returns
    -------
    DataFrame
        One row per group (sorted), two-level columns: ``("summary", name)`` for ``n``
        (respondents) and the entries of :attr:`Servqual.overall`, ``("item_gap", item)``
        and ``("dimension_gap", dimension)`` (``p_mean`` instead of gaps under SERVPERF).

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"q1": [4, 5, 3, 4], "q2": [3, 4, 4, 4]})
    >>> e = pd.DataFrame({"q1": [3, 4, 4, 4], "q2": [4, 4, 5, 5]})
    >>> table = servqual_by(p, e, pd.Series(["a", "a", "b", "b"]))
    >>> table["item_gap"].round(2)
        q1   q2
    a  1.0 -0.5
    b -0.5 -1.0
    """
    rows = (
        perception.index
        if expectation is None
        else perception.index.union(expectation.index, sort=False)
    )
    aligned = _aligned_groups(pd.DataFrame(index=rows), groups)
    scores = _GroupScores.prepare(perception, expectation, servqual_kwargs)
    result_rows = {}
    for group, members in aligned.groupby(aligned, sort=True):
        row = (None if scores is None
               else scores.row(aligned.index.get_indexer(members.index), len(members)))
        if row is None:  # an unusual input, or a group servqual would refuse: its own message
            result = _servqual_for_group(perception, expectation, members.index, group,
                                         servqual_kwargs)
            row = _group_row(result, len(members))
        result_rows[group] = row
    frame = pd.DataFrame.from_dict(result_rows, orient="index")
    frame.columns = pd.MultiIndex.from_tuples(frame.columns)
    frame.index.name = aligned.name
    frame.attrs["ungrouped"] = int(aligned.isna().sum())
    return frame


#: servqual options the group scores below follow; weights need the respondents' points.
_GROUP_SCORE_OPTIONS = frozenset({"dimensions", "model", "match", "zero_method", "level"})


@dataclass(frozen=True)
class _GroupScores:
    """What :func:`servqual_by` keeps of each group's :func:`servqual` (the overall scores,
    the item and dimension gaps, or P means under SERVPERF), from the frames checked and
    paired once. The tests servqual adds are not in a group's row, so they are not run; each
    mean is the same numpy operation on the same values as in :func:`servqual`."""

    p_values: np.ndarray
    e_values: np.ndarray | None
    items: pd.Index
    codes: list[Hashable]
    members: np.ndarray | None

    @classmethod
    def prepare(cls, perception: pd.DataFrame, expectation: pd.DataFrame | None,
                kwargs: dict) -> _GroupScores | None:
        """None when the inputs are not the plain case (weights, frames whose rows differ,
        anything servqual would refuse): then each group runs :func:`servqual` itself."""
        if not set(kwargs) <= _GROUP_SCORE_OPTIONS:
            return None
        try:
            return cls._checked(perception, expectation, **kwargs)
        except (InputError, AnalysisError, TypeError):
            return None

    @classmethod
    def _checked(cls, perception: pd.DataFrame, expectation: pd.DataFrame | None,
                 dimensions: Mapping | pd.Series | None = None, model: str = "servqual",
                 match: str = "auto", zero_method: str = "wilcox",
                 level: float = 0.95) -> _GroupScores | None:
        _check_options(model, "per-respondent", zero_method, level)
        if model == "servperf":
            paired, e_values = _numeric(perception, "perception"), None
            if expectation is not None and not paired.index.equals(expectation.index):
                return None
        else:
            if expectation is None or not perception.index.equals(expectation.index):
                return None
            paired, e_frame, _ = _pair_frames(perception, expectation,
                                              ("perception", "expectation"), match)
            e_values = e_frame[paired.columns].to_numpy(dtype=float)
        mapping = _dimension_map(paired.columns, dimensions)
        codes = [] if mapping is None else list(dict.fromkeys(mapping))
        return cls(paired.to_numpy(dtype=float), e_values, paired.columns, codes,
                   None if mapping is None else _members(mapping, codes))

    def row(self, positions: np.ndarray, n: int) -> dict[tuple[str, Hashable], float] | None:
        """The row of :func:`servqual_by` of the group of ``n`` respondents at ``positions``;
        None when some item of the group has no answer (servqual refuses it, with a message
        naming the group)."""
        p_values = self.p_values[positions]
        e_values = None if self.e_values is None else self.e_values[positions]
        if any(values is not None and not (~np.isnan(values)).any(axis=0).all()
               for values in (p_values, e_values)):
            return None
        item_table = _score_table(p_values, e_values)
        dimension_table = None
        if self.members is not None:
            dimensions = _dimension_arrays(p_values, e_values, self.members)
            dimension_table = (_score_table(dimensions[0], None) if e_values is None
                               else _score_table(dimensions[2], dimensions[3]))
        score = "p_mean" if e_values is None else "gap"
        row: dict[tuple[str, Hashable], float] = {("summary", "n"): n}
        row.update({("summary", name): value
                    for name, value in _overall_of(item_table, dimension_table, score).items()})
        row.update({("item_gap", item): value
                    for item, value in zip(self.items, item_table[score], strict=True)})
        if dimension_table is not None:
            row.update({("dimension_gap", code): value
                        for code, value in zip(self.codes, dimension_table[score], strict=True)})
        return row


def _overall_of(items: Mapping[str, Any], dimensions: Mapping[str, Any] | None,
                score: str) -> dict[str, float]:
    """The overall scores from item (and dimension) score columns: the mean of each, as
    ``Series.mean`` takes it (one path for :func:`servqual` and :func:`servqual_by`)."""
    values = {"p_mean": _series_mean(items["p_mean"])}
    if score == "gap":
        values["e_mean"] = _series_mean(items["e_mean"])
        values["item_mean_gap"] = _series_mean(items["gap"])
    values["unweighted"] = np.nan if dimensions is None else _series_mean(dimensions[score])
    values["weighted"] = np.nan
    return values


def _series_mean(values: list[float]) -> float:
    """The mean as ``Series.mean`` takes it: missing values left out, the others summed in
    order as one float64 array and divided by their count (NaN when there are none)."""
    array = np.asarray(values, dtype=float)
    missing = np.isnan(array)
    count = float(array.size - missing.sum())
    return float(np.where(missing, 0.0, array).sum() / count) if count > 0 else np.nan


def _score_table(p_values: np.ndarray, e_values: np.ndarray | None) -> dict[str, list[float]]:
    """Per column, the means :func:`_table` gives: p_mean, and e_mean and gap with E."""
    columns = range(p_values.shape[1])
    if e_values is None:
        return {"p_mean": [_mean(p_values[:, j]) for j in columns]}
    means = [_column_means(p_values[:, j], e_values[:, j]) for j in columns]
    return {key: [column[key] for column in means] for key in ("p_mean", "e_mean", "gap")}


def _servqual_for_group(perception, expectation, rows, group, kwargs) -> Servqual:
    p_rows = perception.loc[perception.index.intersection(rows, sort=False)]
    e_rows = (
        None
        if expectation is None
        else expectation.loc[expectation.index.intersection(rows, sort=False)]
    )
    try:
        return servqual(p_rows, e_rows, **kwargs)
    except (InputError, AnalysisError) as error:
        raise type(error)(msg("error.group_detail", group=repr(group),
                              detail=error.args[0])) from error


def _group_row(result: Servqual, n: int) -> dict[tuple[str, Hashable], float]:
    score = "p_mean" if result.model == "servperf" else "gap"
    row: dict[tuple[str, Hashable], float] = {("summary", "n"): n}
    row.update({("summary", name): value for name, value in result.overall.items()})
    row.update({("item_gap", item): value for item, value in result.items[score].items()})
    if not result.dimensions.empty:
        row.update(
            {("dimension_gap", code): value for code, value in result.dimensions[score].items()}
        )
    return row


# --------------------------------------------------------------------------- from Moments


def servqual_from_moments(
    moments: Moments,
    perception: list[Hashable] | tuple[Hashable, ...],
    expectation: list[Hashable] | tuple[Hashable, ...] | None = None,
    dimensions: Mapping[Hashable, Hashable] | pd.Series | None = None,
    *,
    level: float = 0.95,
) -> Servqual:
    """SERVQUAL item (and, for complete data, dimension) results from a Moments.

    For surveys too large for memory: build the Moments of the P and E columns side by side
    (``Moments.from_csv(path, p_items + e_items, pairwise=True)``) and pass their names.

    Parameters
    ----------
    moments : Moments
        Moments of a frame holding the perception and expectation items of the same
        respondents, one row per respondent.
    perception : sequence
        Perception item names in ``moments``.
    expectation : sequence, optional
        Expectation item names, paired with ``perception`` by position (named after it in
        the result). None gives SERVPERF (perceptions only).
    dimensions : Mapping or Series, optional
        Perception item -> dimension code, as in :func:`servqual`.
    level : float, default 0.95
        Confidence level of the mean-gap intervals.

    Returns
    -------
    Servqual
        What :func:`servqual` gives, with these differences (all noted in ``notes``):

        - ``p_mean``, ``e_mean``, ``n_p``, ``n_e`` (every available answer) are always
          there, and so is SERVPERF's ``p_sd``.
        - The gap, n of pairs, paired t-test, CI, d_z and conformity come from the sums
          over respondents who answered both P and E of the item: they need
          ``pairwise=True`` Moments, or complete data (then the listwise sums suffice).
          Otherwise they are NaN.
        - Wilcoxon signed-rank p-values need ranks, which moments do not hold: NaN.
        - Dimension scores are means of each respondent's answered items: with complete
          data that is a fixed linear combination of the items, so the dimension table
          (and ``overall["unweighted"]``) come from the listwise sums; with missing data
          they are left out. Importance weights are per respondent: not available.

    Notes
    -----
    With d = P - E over the n pairs of an item: gap = mean d, t = gap / (s_d / sqrt(n)),
    df = n - 1, two-sided p, CI gap +- t_{(1+level)/2, df} s_d / sqrt(n), d_z = gap / s_d,
    as ``scipy.stats.ttest_rel`` computes them; sum d and sum d^2 come from the pairwise sums
    (sum d^2 = sum P^2 + sum E^2 - 2 sum PE), exact for integer codes. docs/methods.md
    section 4.

    Examples
    --------
    >>> import pandas as pd
    >>> from surveyq.moments import Moments
    >>> answers = pd.DataFrame({"p1": [4, 5, 3, 4, 5], "p2": [3, 4, 4, 4, 5],
    ...                         "e1": [3, 4, 4, 2, 3], "e2": [4, 4, 5, 5, 4]})
    >>> result = servqual_from_moments(Moments.from_frame(answers), ["p1", "p2"],
    ...                                ["e1", "e2"])
    >>> result.items.loc["p1", ["gap", "t", "df"]].round(4).tolist()
    [1.0, 1.8257, 4.0]
    """
    if not isinstance(moments, Moments):
        raise InputError(msg("servqual.moments_type", type=type(moments).__name__))
    _check_options("servqual", "per-respondent", "wilcox", level)
    p_index = _moment_indices(moments, perception, "perception")
    e_index = None if expectation is None else _moment_indices(moments, expectation,
                                                               "expectation")
    if e_index is not None and len(e_index) != len(p_index):
        raise InputError(msg("servqual.moment_counts", p=len(p_index), e=len(e_index)))
    counts = np.asarray(moments.item_count)
    empty = {what: [str(moments.items[i]) for i in index if counts[i] == 0]
             for what, index in (("perception", p_index), ("expectation", e_index or []))}
    if any(empty.values()):
        listed = joined([msg("error.role_items", role=_role(what), items=items)
                         for what, items in empty.items() if items])
        raise NoDataError(msg("error.no_answers_to", statistic="SERVQUAL", listed=listed))
    names = pd.Index(list(perception), name="item")
    mapping = _dimension_map(names, dimensions)
    complete = moments.n_complete == moments.n_rows
    notes: list[str] = []
    items = _moment_item_table(moments, names, p_index, e_index, level, notes)
    dimension_table = pd.DataFrame()
    if mapping is not None:
        items["dimension"] = mapping
        if complete:
            dimension_table = _moment_dimension_table(moments, mapping, p_index, e_index, level)
        else:
            notes.append(msg("servqual.moments_no_dimensions"))
    score = "p_mean" if e_index is None else "gap"
    if e_index is not None:
        notes.append(msg("servqual.moments_no_wilcoxon"))
    return Servqual(
        items=items,
        dimensions=dimension_table,
        overall=_overall(items, dimension_table, score),
        model="servperf" if e_index is None else "servqual",
        weighting=None,
        matched_by="none" if e_index is None else "position",
        zero_method="wilcox",
        wilcoxon_method=WILCOXON_METHOD,
        level=level,
        notes=tuple(notes + _undefined_test_notes(items)),
    )


def _moment_indices(moments: Moments, names, what: str) -> list[int]:
    names = [str(name) for name in names]
    absent = [name for name in names if name not in moments.items]
    if absent:
        raise InputError(msg("servqual.moment_items_absent", what=_role(what), absent=str(absent),
                             items=str(list(moments.items))))
    return [moments.items.index(name) for name in names]


def _moment_item_table(moments: Moments, names: pd.Index, p_index: list[int],
                       e_index: list[int] | None, level: float, notes: list[str]) -> pd.DataFrame:
    means, counts = moments.means().to_numpy(), moments.counts().to_numpy()
    if e_index is None:
        sd = np.sqrt(_available_variance(moments))
        return pd.DataFrame({"p_mean": means[p_index], "p_sd": sd[p_index],
                             "n_p": counts[p_index]}, index=names)
    rows = []
    pairs_known = moments.has_pairwise or moments.n_complete == moments.n_rows
    if not pairs_known:
        notes.append(msg("servqual.moments_no_pairs"))
    for i, j in zip(p_index, e_index, strict=True):
        sums = _pair_sums(moments, i, j) if pairs_known else None
        row = {"p_mean": means[i], "e_mean": means[j], "n_p": int(counts[i]),
               "n_e": int(counts[j])}
        row.update(_paired_from_sums(sums, level))
        rows.append(row)
    table = pd.DataFrame(rows, index=names)
    table["p_holm"] = _holm(table["p_value"].to_numpy())
    table["wilcoxon_p"] = np.nan
    table["wilcoxon_p_holm"] = np.nan
    return table[_PAIRED_COLUMNS]


def _available_variance(moments: Moments) -> np.ndarray:
    count = moments.item_count.astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        variance = ((count * moments.item_sumsq - moments.item_sum**2)
                    / (count * (count - 1)))
    return np.where(count > 1, variance, np.nan)


def _pair_sums(moments: Moments, i: int, j: int) -> dict[str, float]:
    """n, P and E totals, and the centred sum and sum of squares of d = P - E over pairs."""
    c_p, c_e = moments.shift[i], moments.shift[j]
    if moments.has_pairwise:
        n = float(moments.pair_count[i, j])
        sum_p, sum_e = moments.pair_sum[i, j], moments.pair_sum[j, i]
        square = (moments.pair_sumsq[i, j] + moments.pair_sumsq[j, i]
                  - 2 * moments.pair_cross[i, j])
    else:  # complete data: every row is a pair
        gram = moments.gram
        n, sum_p, sum_e = gram[0, 0], gram[0, i + 1], gram[0, j + 1]
        square = gram[i + 1, i + 1] + gram[j + 1, j + 1] - 2 * gram[i + 1, j + 1]
    return {"n": n, "total_p": sum_p + n * c_p, "total_e": sum_e + n * c_e,
            "sum_d": sum_p - sum_e, "square_d": square, "shift_d": c_p - c_e}


def _paired_from_sums(sums: dict[str, float] | None, level: float) -> dict[str, float]:
    """gap, n, paired t-test, CI, d_z and conformity from sums over the pairs."""
    row = {"gap": np.nan, "n": 0, "conformity": np.nan, "t": np.nan, "df": np.nan,
           "p_value": np.nan, "ci_low": np.nan, "ci_high": np.nan, "d_z": np.nan}
    if sums is None or sums["n"] == 0:
        return row
    n = sums["n"]
    row["n"] = int(round(n))
    row["gap"] = sums["sum_d"] / n + sums["shift_d"]
    row["conformity"] = 100 * sums["total_p"] / sums["total_e"] if sums["total_e"] else np.nan
    if n < 2:
        return row
    deviation_square = (n * sums["square_d"] - sums["sum_d"] ** 2) / n
    row["df"] = n - 1
    if deviation_square <= 1e-12 * max(1.0, abs(sums["square_d"])):
        return row
    spread = np.sqrt(deviation_square / (n - 1))
    error = spread / np.sqrt(n)
    t_value = row["gap"] / error
    quantile = t_ppf((1 + level) / 2, n - 1)
    row.update(t=t_value, p_value=float(2 * t_sf(abs(t_value), n - 1)),
               ci_low=row["gap"] - quantile * error, ci_high=row["gap"] + quantile * error,
               d_z=row["gap"] / spread)
    return row


def _moment_dimension_table(moments: Moments, mapping: pd.Series, p_index: list[int],
                            e_index: list[int] | None, level: float) -> pd.DataFrame:
    """Dimension rows for complete data: each score is a fixed mean of the items."""
    gram, shift = moments.gram, moments.shift
    n = gram[0, 0]
    rows = {}
    for code in dict.fromkeys(mapping):
        members = np.flatnonzero((mapping == code).to_numpy())
        p_weights = _weights(moments.k, [p_index[m] for m in members])
        row = {"k": len(members)}
        p_total = p_weights @ gram[0, 1:] + n * (p_weights @ shift)
        if e_index is None:
            variance = (n * p_weights @ gram[1:, 1:] @ p_weights
                        - (p_weights @ gram[0, 1:]) ** 2) / (n * (n - 1))
            row.update(p_mean=p_total / n, p_sd=np.sqrt(variance), n_p=int(n))
        else:
            e_weights = _weights(moments.k, [e_index[m] for m in members])
            d = p_weights - e_weights
            e_total = e_weights @ gram[0, 1:] + n * (e_weights @ shift)
            sums = {"n": n, "total_p": p_total, "total_e": e_total, "sum_d": d @ gram[0, 1:],
                    "square_d": d @ gram[1:, 1:] @ d, "shift_d": d @ shift}
            row.update(p_mean=p_total / n, e_mean=e_total / n, n_p=int(n), n_e=int(n))
            row.update(_paired_from_sums(sums, level))
        rows[code] = row
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "dimension"
    if e_index is None:
        return table[["k", *_SERVPERF_COLUMNS]]
    table["p_holm"] = _holm(table["p_value"].to_numpy())
    table["wilcoxon_p"] = np.nan
    table["wilcoxon_p_holm"] = np.nan
    return table[["k", *_PAIRED_COLUMNS]]


def _weights(k: int, members: list[int]) -> np.ndarray:
    weights = np.zeros(k)
    weights[members] = 1 / len(members)
    return weights


# --------------------------------------------------------------------------- IPA and CSI


_CROSSHAIRS = ("mean", "median", "midpoint")


def _crosshair(
    means: pd.Series, crosshair: str, scale_min: float | None, scale_max: float | None
) -> float:
    if crosshair == "mean":
        return float(means.mean())
    if crosshair == "median":
        return float(means.median())
    if scale_min is None or scale_max is None:
        raise InputError(msg("servqual.midpoint_needs_scale"))
    return (scale_min + scale_max) / 2


def _quadrant(x: float, y: float, x_line: float, y_line: float) -> str:
    important = y >= y_line
    performing = x >= x_line
    if important:
        return "keep_up" if performing else "concentrate"
    return "overkill" if performing else "low_priority"


def ipa(
    importance: pd.DataFrame,
    performance: pd.DataFrame,
    crosshair: str = "mean",
    scale_min: float | None = None,
    scale_max: float | None = None,
    *,
    match: str = "auto",
    decimals: int | None = 2,
) -> pd.DataFrame:
    """Importance-Performance Analysis: each item's quadrant (Martilla & James 1977).

    Parameters
    ----------
    importance, performance : DataFrame
        Respondents x items (importance or expectation; performance or perception), paired
        as in :func:`servqual`.
    crosshair : {"mean", "median", "midpoint"}
        Where the axes cross: the grand mean of the item means (default, the Indonesian
        norm after Supranto), their median, or the scale midpoint (needs ``scale_min`` and
        ``scale_max``), on each axis.
    scale_min, scale_max : float, optional
        The answer scale's ends, for ``crosshair="midpoint"``.
    match : {"auto", "name", "position"}
        How items pair (see :func:`servqual`).
    decimals : int or None, default 2
        Means and crosshairs are compared after rounding half-up to this many decimals, so
        the quadrant agrees with the printed numbers; None compares unrounded values.

    Returns
    -------
    DataFrame
        Indexed by item: ``x`` (mean performance), ``y`` (mean importance), ``n_x``,
        ``n_y``, ``conformity`` (Tk = sum performance / sum importance x 100 over
        respondents who answered both), ``quadrant`` (``"concentrate"``, ``"keep_up"``,
        ``"low_priority"``, ``"overkill"``), ``quadrant_number`` (I-IV), ``label_id``,
        ``label_en``. ``attrs`` holds ``crosshair``, ``x_crosshair``, ``y_crosshair``,
        ``decimals`` and ``matched_by``.

    Notes
    -----
    Quadrants, ties going to the upper/right side:
    I Prioritas Utama / Concentrate here (y >= ybar, x < xbar);
    II Pertahankan Prestasi / Keep up the good work (y >= ybar, x >= xbar);
    III Prioritas Rendah / Low priority (y < ybar, x < xbar);
    IV Berlebihan / Possible overkill (y < ybar, x >= xbar).

    References
    ----------
    .. [1] Martilla, J. A. & James, J. C. (1977). Importance-performance analysis. Journal
       of Marketing, 41(1), 77-79.
    .. [2] Supranto, J. Pengukuran Tingkat Kepuasan Pelanggan.
    .. [3] docs/methods.md section 5.

    Examples
    --------
    >>> import pandas as pd
    >>> importance = pd.DataFrame({"a": [5, 5], "b": [4, 4], "c": [3, 3], "d": [4, 4]})
    >>> performance = pd.DataFrame({"a": [3, 3], "b": [5, 5], "c": [3, 3], "d": [4, 4]})
    >>> table = ipa(importance, performance)
    >>> table["x"].tolist(), table["y"].tolist()
    ([3.0, 5.0, 3.0, 4.0], [5.0, 4.0, 3.0, 4.0])
    >>> table.attrs["x_crosshair"], table.attrs["y_crosshair"]
    (3.75, 4.0)
    >>> table["quadrant"].tolist()
    ['concentrate', 'keep_up', 'low_priority', 'keep_up']
    """
    if crosshair not in _CROSSHAIRS:
        raise InputError(msg("servqual.option", name="crosshair", allowed=str(_CROSSHAIRS),
                             value=repr(crosshair)))
    performance, importance, matched_by = _pair_frames(
        performance, importance, ("performance", "importance"), match
    )
    _require_answers("IPA", performance=performance, importance=importance)
    both = performance.notna() & importance.notna()
    table = pd.DataFrame(
        {
            "x": performance.mean(),
            "y": importance.mean(),
            "n_x": performance.notna().sum(),
            "n_y": importance.notna().sum(),
            "conformity": 100 * performance.where(both).sum() / importance.where(both).sum(),
        }
    )
    x_line = _crosshair(table["x"], crosshair, scale_min, scale_max)
    y_line = _crosshair(table["y"], crosshair, scale_min, scale_max)

    def shown(value: float) -> float:
        return value if decimals is None else round_half_up(value, decimals)

    table["quadrant"] = [
        _quadrant(shown(x), shown(y), shown(x_line), shown(y_line))
        for x, y in zip(table["x"], table["y"], strict=True)
    ]
    for position, column in enumerate(("quadrant_number", "label_id", "label_en")):
        table[column] = table["quadrant"].map(lambda key, i=position: IPA_QUADRANTS[key][i])
    table.index.name = "item"
    table.attrs.update(
        crosshair=crosshair,
        x_crosshair=x_line,
        y_crosshair=y_line,
        decimals=decimals,
        matched_by=matched_by,
    )
    return table


@dataclass(frozen=True, kw_only=True, eq=False)
class Csi:
    """Result of :func:`csi`.

    Attributes
    ----------
    items : DataFrame
        Indexed by item: ``mis`` (mean importance), ``mss`` (mean performance), ``n_mis``,
        ``n_mss``, ``wf`` (weighting factor), ``ws`` (weighted score).
    csi : float
        The index in percent.
    band, label, label_en : str
        Band of the CSI rounded half-up to 2 decimals (table ``"csi"``).
    scale_max : float
        The scale maximum HS used.
    notes : tuple of str
    """

    items: pd.DataFrame
    csi: float
    band: str
    label: str
    label_en: str
    scale_max: float
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """The per-item table (a copy of :attr:`items`)."""
        return self.items.copy()

    def _repr_html_(self) -> str:
        notes = "".join(f"<li>{html.escape(note)}</li>" for note in self.notes)
        heading = (
            f"<h4>CSI = {self.csi:.2f}% ({html.escape(self.label)} / "
            f"{html.escape(self.label_en)})</h4><p>scale max = {self.scale_max:g}</p>"
        )
        return heading + self.items.to_html() + (f"<ul>{notes}</ul>" if notes else "")


def csi(
    importance: pd.DataFrame,
    performance: pd.DataFrame,
    scale_max: float | None = None,
    *,
    match: str = "auto",
) -> Csi:
    """Customer Satisfaction Index from importance and performance answers.

    Parameters
    ----------
    importance, performance : DataFrame
        Respondents x items, paired as in :func:`servqual`; means use every available
        answer per item.
    scale_max : float, optional
        The answer scale's maximum HS (5 on a 1-5 scale). If omitted, the largest answer
        in the data is used and a note says so: pass it whenever nobody may have used the
        top of the scale.
    match : {"auto", "name", "position"}
        How items pair.

    Returns
    -------
    Csi

    Raises
    ------
    InputError
        An answer above ``scale_max``: the scale maximum is wrong, and the CSI could pass
        100%. Every answer at most HS keeps every MSS, hence the CSI, at most 100.

    Notes
    -----
    With MIS_j the mean importance and MSS_j the mean performance of item j:

    .. math:: WF_j = \\frac{MIS_j}{\\sum_j MIS_j}, \\quad WS_j = WF_j \\, MSS_j, \\quad
              CSI = \\frac{\\sum_j WS_j}{HS} \\times 100

    Bands on the CSI rounded to 2 decimals: >= 81 Sangat puas; >= 66 Puas; >= 51 Cukup
    puas; >= 35 Kurang puas; otherwise Tidak puas.

    References
    ----------
    .. [1] docs/methods.md section 5.

    Examples
    --------
    >>> import pandas as pd
    >>> importance = pd.DataFrame({"a": [5, 3], "b": [4, 4]})
    >>> performance = pd.DataFrame({"a": [4, 4], "b": [3, 5]})
    >>> result = csi(importance, performance, scale_max=5)
    >>> result.csi, result.label
    (80.0, 'Puas')
    """
    performance, importance, _ = _pair_frames(
        performance, importance, ("performance", "importance"), match
    )
    _require_answers("CSI", performance=performance, importance=importance)
    observed_max = float(np.nanmax([performance.max().max(), importance.max().max()]))
    notes = []
    if scale_max is not None and not scale_max > 0:
        raise InputError(msg("servqual.scale_max_positive", value=repr(scale_max)))
    if scale_max is None:
        scale_max = observed_max
        notes.append(msg("servqual.scale_max_observed", scale_max=scale_max))
    elif observed_max > scale_max:
        raise InputError(msg("servqual.scale_max_exceeded", observed=observed_max,
                             scale_max=scale_max))
    table = pd.DataFrame(
        {
            "mis": importance.mean(),
            "mss": performance.mean(),
            "n_mis": importance.notna().sum(),
            "n_mss": performance.notna().sum(),
        }
    )
    table["wf"] = table["mis"] / table["mis"].sum()
    table["ws"] = table["wf"] * table["mss"]
    table.index.name = "item"
    index = float(table["ws"].sum() / scale_max * 100)
    band = classify(index, "csi")
    return Csi(
        items=table,
        csi=index,
        band=band.code,
        label=band.label_id,
        label_en=band.label_en,
        scale_max=float(scale_max),
        notes=tuple(notes),
    )
