"""Balanced Scorecard arithmetic, as pure functions.

The chain a Kementerian Keuangan scorecard follows (KMK 467/KMK.01/2014, replaced by
KMK 300/KMK.01/2022): IKU realisation per period -> :func:`consolidate` -> indeks capaian
IKU (:func:`iku_index`, coloured by :func:`ici_colour`) -> perspective value
(:func:`perspective_value`) -> Nilai Kinerja Organisasi (:func:`nko`) and its predicate.
Two other schemes the cited papers use sit beside it: the composite index with LAN (1999) bands
(:func:`composite_index`, Nugrahini et al.) and the weighted score table (:func:`weighted_score`,
Heitasari et al.) with Harumantaka et al.'s company score bands (:func:`company_score_band`).

The YAML-driven scorecard (surveyq/scorecard.py) is built on these functions. Formulas,
conventions and sources: docs/methods.md sections 7-8. Every band is taken from
:mod:`surveyq.bands` and classified on the value rounded half-up to 2 decimals.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from surveyq.bands import Band, BandTable, band_table, classify, round_half_up
from surveyq.errors import InputError
from surveyq.messages import msg

__all__ = [
    "CONSOLIDATIONS",
    "ICI_RULES",
    "NKO_PREDICATES",
    "POLARITIES",
    "STABILIZE_RULES",
    "WEIGHT_TOLERANCE",
    "CompositeIndex",
    "Consolidated",
    "Nko",
    "WeightedIndex",
    "WeightedScore",
    "company_score_band",
    "composite_index",
    "consolidate",
    "consolidate_periods",
    "ici_colour",
    "iku_index",
    "nko",
    "perspective_value",
    "weighted_score",
]

#: Weights must sum to 1 within this (or to 100 within 100 times this) unless normalised.
WEIGHT_TOLERANCE = 0.005

#: Accepted spellings of each polarity (Kemenkeu's "polarisasi data"; Sembiring & Fadli 2016,
#: Tabel 4).
POLARITIES: dict[str, tuple[str, ...]] = {
    "max": ("max", "maximize", "maximise", "maks", "maksimal"),
    "min": ("min", "minimize", "minimise", "minimal"),
    "stabilize": ("stabilize", "stabilise", "stabil", "stable"),
}

#: Named rules that turn a raw capaian into the ICI actually scored.
ICI_RULES: dict[str, str] = {
    "kemenkeu": (
        "Clamp the capaian to [floor, cap] (0 and 120 by default): KMK 467/KMK.01/2014 and "
        "KMK 300/KMK.01/2022 practice, docs/methods.md section 7"
    ),
    "permenpanrb-110": (
        "A capaian above 110 (rounded half-up to 2 decimals) scores cap (120); otherwise it "
        "is clamped to [floor, cap]. The PermenPAN-RB performance-management rule as "
        "docs/methods.md section 7 describes it; not confirmed in a primary source we could read"
    ),
}

#: Period consolidation types (Sembiring & Fadli (2016): Sum / Take Last Known Value / Average).
CONSOLIDATIONS: dict[str, str] = {
    "sum": "sum of the realisations (and of the targets) of the periods with data",
    "average": "mean of the realisations (and of the targets) of the periods with data",
    "last": "the latest period with data (take last known value), and its target",
}

#: Short names of the NKO predicate tables in surveyq.bands.
NKO_PREDICATES: dict[str, str] = {
    "kemenkeu-lakin": "nko-kemenkeu-lakin",
    "alternative": "nko-alternative",
}

_PERCENT_SUM = 100.0


# --------------------------------------------------------------------------- input helpers


def _number(value: Any, name: str) -> float:
    """A finite real number, or an InputError naming the argument."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise InputError(msg("scorecard.not_a_number", what=name, value=repr(value)))
    number = float(value)
    if not math.isfinite(number):
        raise InputError(msg("scorecard.not_finite", name=name, value=repr(value)))
    return number


def _as_series(values: Any, name: str, *, allow_missing: bool = False) -> pd.Series:
    """A float Series from a Series, a mapping (keys become the index) or a sequence."""
    if isinstance(values, pd.DataFrame):
        raise InputError(msg("scorecard.values_frame", name=name))
    if isinstance(values, pd.Series):
        series = values.copy()
    elif isinstance(values, Mapping):
        series = pd.Series(dict(values), dtype=object)
    elif isinstance(values, Iterable) and not isinstance(values, str | bytes):
        series = pd.Series(list(values), dtype=object)
    else:
        raise InputError(msg("scorecard.values_type", name=name, value=repr(values)))
    if series.empty:
        raise InputError(msg("scorecard.values_empty", name=name))
    if series.index.has_duplicates:
        repeated = list(series.index[series.index.duplicated()])
        raise InputError(msg("scorecard.values_repeated", name=name, keys=str(repeated)))
    if series.dtype == np.float64:  # numbers already (a copy): nothing to convert
        converted = series
    else:
        converted = pd.to_numeric(series, errors="coerce").astype(float)
        not_numbers = series.notna() & converted.isna()
        if not_numbers.any():
            bad = series[not_numbers].tolist()[:3]
            raise InputError(msg("scorecard.values_not_numbers", name=name, bad=str(bad)))
    numbers = converted.to_numpy()
    if np.isinf(numbers).any():
        raise InputError(msg("scorecard.values_infinite", name=name))
    if not allow_missing and np.isnan(numbers).any():
        missing = list(converted.index[np.isnan(numbers)])
        raise InputError(msg("scorecard.values_missing", name=name, keys=str(missing)))
    return converted


def _matched(values: pd.Series, weights: pd.Series, what: str) -> pd.Series:
    """``weights`` reordered like ``values``; an InputError if the keys differ."""
    missing = [key for key in values.index if key not in weights.index]
    extra = [key for key in weights.index if key not in values.index]
    if missing or extra:
        raise InputError(msg("scorecard.weight_keys", what=what, missing=str(missing),
                             extra=str(extra)))
    return weights.reindex(values.index)


def _check_non_negative(weights: pd.Series, what: str) -> None:
    if (weights < 0).any():
        negative = list(weights.index[weights < 0])
        raise InputError(msg("scorecard.weights_negative", what=what, keys=str(negative)))
    if weights.sum() <= 0:
        raise InputError(msg("scorecard.weights_zero", what=what))


def _fractions(
    weights: pd.Series, normalise: bool, what: str
) -> tuple[pd.Series, float, bool]:
    """Weights as fractions of 1: (fractions, sum as given, normalised?).

    Fractions summing to 1, or percentages summing to 100, within :data:`WEIGHT_TOLERANCE`
    (x 100 for percentages) are used as given; any other sum is an InputError unless
    ``normalise`` is True, when the weights are divided by their sum.
    """
    _check_non_negative(weights, what)
    total = float(weights.sum())
    if abs(total - _PERCENT_SUM) <= WEIGHT_TOLERANCE * _PERCENT_SUM:
        return weights / _PERCENT_SUM, total, False
    if abs(total - 1.0) <= WEIGHT_TOLERANCE:
        return weights.copy(), total, False
    if normalise:
        return weights / total, total, True
    raise InputError(msg("scorecard.weights_sum_api", what=what, total=total,
                         tolerance=str(WEIGHT_TOLERANCE)))


def _canonical(value: Any, choices: Mapping[str, Sequence[str]], name: str) -> str:
    key = str(value).strip().lower()
    for canonical, spellings in choices.items():
        if key in spellings:
            return canonical
    raise InputError(msg("scorecard.unknown_choice", name=name, value=repr(value),
                         known=str(list(choices))))


def _result_html(title: str, summary: pd.DataFrame, table: pd.DataFrame,
                 notes: Sequence[str] = ()) -> str:
    items = "".join(f"<li>{html.escape(note)}</li>" for note in notes)
    return (
        f"<h4>{html.escape(title)}</h4>"
        + summary.to_html(index=False)
        + table.to_html()
        + (f"<ul>{items}</ul>" if items else "")
    )


# --------------------------------------------------------------------------- ICI


def _target_bounds(target: Any) -> tuple[float, float]:
    """(low, high) from a number or an interval; both equal for a single target."""
    if isinstance(target, Real) and not isinstance(target, bool):
        low = high = _number(target, "target")
    elif isinstance(target, Sequence | np.ndarray) and not isinstance(target, str) \
            and len(target) == 2:
        low, high = _number(target[0], "target low"), _number(target[1], "target high")
    else:
        raise InputError(msg("scorecard.target_type", value=repr(target)))
    if low > high:
        raise InputError(msg("scorecard.interval_low_above_high", low=low, high=high))
    if low < 0:
        raise InputError(msg("scorecard.target_negative", value=repr(target)))
    if high == 0:
        raise InputError(msg("scorecard.target_zero"))
    return low, high


def _nearest_bound(realisation: float, low: float, high: float) -> float:
    """Stabilize outside the band: (1 - |R - B| / B) x 100, B the nearest bound."""
    bound = high if realisation > high else low
    return (1.0 - abs(realisation - bound) / bound) * 100.0


#: Stabilize scoring outside the band, by name; a rule takes (realisation, low, high) and
#: returns the raw capaian. Only "nearest-bound" ships: it is common practice but is not
#: confirmed in a primary source, so it is a named, replaceable convention.
STABILIZE_RULES: dict[str, Callable[[float, float, float], float]] = {
    "nearest-bound": _nearest_bound,
}


def _raw_index(realisation: float, low: float, high: float, polarity: str,
               stabilize: Callable[[float, float, float], float]) -> float:
    """Capaian before any cap: 100 inside [low, high], else compared with the nearest bound."""
    if low <= realisation <= high:
        return 100.0
    if polarity == "stabilize":
        return float(stabilize(realisation, low, high))
    ratio = realisation / (high if realisation > high else low)
    if polarity == "max":
        return ratio * 100.0
    return (1.0 + (1.0 - ratio)) * 100.0


def _stabilize_rule(stabilize: str | Callable[[float, float, float], float]) -> Callable:
    if callable(stabilize):
        return stabilize
    if stabilize not in STABILIZE_RULES:
        raise InputError(msg("scorecard.stabilize_unknown", value=repr(stabilize),
                             known=str(list(STABILIZE_RULES))))
    return STABILIZE_RULES[stabilize]


def iku_index(
    realisation: float,
    target: float | tuple[float, float],
    polarity: str,
    cap: float = 120.0,
    floor: float = 0.0,
    rule: str = "kemenkeu",
    stabilize: str | Callable[[float, float, float], float] = "nearest-bound",
) -> float:
    """Indeks capaian IKU (ICI): an indicator's achievement against its target, in percent.

    Parameters
    ----------
    realisation : float
        The consolidated realisation (0 or more).
    target : float or (float, float)
        A positive number, or an interval ``(low, high)``: a range target, or the band of a
        stabilize IKU.
    polarity : {"max", "min", "stabilize"}
        Polarisasi data: higher is better, lower is better, or inside a band is best
        ("maximize", "minimise"... are accepted too).
    cap, floor : float, default 120 and 0
        The ICI is clamped to ``[floor, cap]``.
    rule : {"kemenkeu", "permenpanrb-110"}
        "kemenkeu" clamps; "permenpanrb-110" scores any capaian above 110 as ``cap``
        (120) and clamps the rest. See :data:`ICI_RULES`.
    stabilize : str or callable, default "nearest-bound"
        How a stabilize IKU outside its band scores: a name in :data:`STABILIZE_RULES` or a
        function ``(realisation, low, high) -> capaian`` (before the cap).

    Returns
    -------
    float
        The ICI, in percent (100 = target met).

    Raises
    ------
    InputError
        A negative or missing realisation, a zero, negative or reversed target, an unknown
        polarity or rule, or ``cap <= floor``.

    Notes
    -----
    With R the realisation and T the target:

    - maximize: ICI = R / T x 100
    - minimize: ICI = (1 + (1 - R / T)) x 100
    - stabilize: 100 when R is inside the band, otherwise
      (1 - abs(R - B) / B) x 100 with B the nearest bound of the band ("nearest-bound").
      This formula is common practice but is not confirmed in a primary source we could
      read: it is a named convention, replaceable through ``stabilize``.

    A range target ``(low, high)`` scores 100 for a realisation inside it; above it, T is
    ``high``; below it, T is ``low`` (docs/methods.md section 7: minimize with target 7-8
    months gives 107.1 for 6.5, 87.5 for 9 and 100 for 7.5). The result is then clamped to
    ``[floor, cap]`` (0 <= ICI <= 120 in Kemenkeu practice).

    References
    ----------
    .. [1] Keputusan Menteri Keuangan 467/KMK.01/2014, Pengelolaan Kinerja di Lingkungan
       Kementerian Keuangan; replaced by KMK 300/KMK.01/2022.
    .. [2] Sembiring & Fadli (2016, student paper), Tabel 4: polarisasi data Maximize / Minimize /
       Stabilize, after Kemenkeu's Panduan Pengelolaan Kinerja berbasis BSC (2010).
    .. [3] docs/methods.md section 7.

    Examples
    --------
    >>> iku_index(95, 100, "max")
    95.0
    >>> round(iku_index(6.5, (7, 8), "min"), 1)   # range target 7-8 months
    107.1
    >>> iku_index(9, (7, 8), "min")
    87.5
    >>> iku_index(300, 100, "max")                # clamped to the cap
    120.0
    >>> iku_index(112, 100, "max", rule="permenpanrb-110")
    120.0
    """
    value = _number(realisation, "realisation")
    if value < 0:
        raise InputError(msg("scorecard.realisation_negative", value=value))
    low, high = _target_bounds(target)
    direction = _canonical(polarity, POLARITIES, "polarity")
    top, bottom = _number(cap, "cap"), _number(floor, "floor")
    if top <= bottom:
        raise InputError(msg("scorecard.cap_above_floor", cap=top, floor=bottom))
    raw = _raw_index(value, low, high, direction, _stabilize_rule(stabilize))
    return _apply_rule(raw, rule, top, bottom)


def _apply_rule(raw: float, rule: str, cap: float, floor: float) -> float:
    if rule not in ICI_RULES:
        raise InputError(msg("scorecard.unknown_choice", name="ICI rule", value=repr(rule),
                             known=str(list(ICI_RULES))))
    if rule == "permenpanrb-110" and round_half_up(raw, 2) > 110:
        return cap
    return min(max(raw, floor), cap)


def ici_colour(ici: float, thresholds: BandTable | str = "ici-colour") -> str:
    """Status colour of an IKU from its ICI: ``"green"``, ``"yellow"`` or ``"red"``.

    Parameters
    ----------
    ici : float
        The achievement index, in percent.
    thresholds : BandTable or str, default "ici-colour"
        A band table (or its name in :data:`surveyq.bands.BANDS`) whose band codes are the
        colours.

    Returns
    -------
    str
        The band code. ``surveyq.bands.classify(ici, thresholds)`` gives the whole band with
        its Indonesian and English labels (Hijau / Kuning / Merah).

    Notes
    -----
    Default table: green ICI >= 100; yellow 80 <= ICI < 100; red ICI < 80 (common Kemenkeu
    practice, configurable; docs/methods.md section 7). The ICI is rounded half-up to 2
    decimals first, so 99.995 is green and 79.994 red.

    Examples
    --------
    >>> ici_colour(100), ici_colour(99.99), ici_colour(80), ici_colour(79.99)
    ('green', 'yellow', 'yellow', 'red')
    """
    return classify(_number(ici, "ici"), thresholds).code


# --------------------------------------------------------------------------- consolidation


@dataclass(frozen=True, kw_only=True, eq=False)
class Consolidated:
    """Result of :func:`consolidate`.

    Attributes
    ----------
    realisation : float
        The consolidated realisation.
    target : float or None
        The target consolidated the same way over the same periods (None without targets).
    how : str
        ``"sum"``, ``"average"`` or ``"last"``.
    periods : tuple
        Labels of the periods used (positions for a plain list).
    skipped : tuple
        Periods before the last one used that had no value (left out, with their targets).
    """

    realisation: float
    target: float | None
    how: str
    periods: tuple[Hashable, ...]
    skipped: tuple[Hashable, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """One row: how, realisation, target, periods used and skipped."""
        return pd.DataFrame([{
            "how": self.how,
            "realisation": self.realisation,
            "target": self.target,
            "periods": list(self.periods),
            "skipped": list(self.skipped),
        }])

    def _repr_html_(self) -> str:
        notes = [f"No value for period(s) {list(self.skipped)}: left out"] if self.skipped else []
        return _result_html("Consolidated IKU", self.to_frame(), pd.DataFrame(), notes)


def consolidate(
    values: Sequence[float | None] | Mapping[Hashable, float | None] | pd.Series,
    how: str,
    targets: Sequence[float] | Mapping[Hashable, float] | pd.Series | None = None,
) -> Consolidated:
    """Consolidate an IKU's period values (and targets) into one realisation.

    Parameters
    ----------
    values : list, mapping or Series
        Realisation per period, in period order; None or NaN where a period has no data.
    how : {"sum", "average", "last"}
        Kemenkeu's consolidation types: Sum, Average, Take Last Known Value.
    targets : list, mapping or Series, optional
        Target per period, with the same periods (keys or length) as ``values``.

    Returns
    -------
    Consolidated
        ``realisation``, ``target`` (None without targets), the periods used and skipped.

    Raises
    ------
    InputError
        No period has data, values are not numbers, ``how`` is unknown, the targets do not
        line up with the values, or a period used has no target.

    Notes
    -----
    Over the periods P with data (missing values are skipped, never read as 0):

    - sum: R = sum_{p in P} R_p, T = sum_{p in P} T_p (targets to date);
    - average: R = mean_{p in P} R_p, T = mean_{p in P} T_p;
    - last: R = R_q, T = T_q, q the latest period in P (take last known value).

    A gap before the last reported period leaves its target out too, so realisation and
    target always cover the same periods; the result lists such periods in ``skipped``.

    References
    ----------
    .. [1] Sembiring & Fadli (2016, student paper): jenis konsolidasi data Sum / Take last
       known value / Average, after Kemenkeu's Panduan Pengelolaan Kinerja berbasis BSC (2010).
    .. [2] docs/methods.md section 7.

    Examples
    --------
    >>> res = consolidate([10, 20, None, 30], "sum", targets=[15, 15, 15, 15])
    >>> res.realisation, res.target, res.skipped
    (60.0, 45.0, (2,))
    >>> consolidate({"Q1": 3.1, "Q2": 3.4, "Q3": None}, "last").realisation
    3.4
    """
    _known(how)  # an unknown consolidation is refused before the values are looked at
    series = _as_series(values, "values", allow_missing=True)
    if not series.notna().any():
        raise InputError(msg("scorecard.no_period_with_data"))
    target_array = None
    if targets is not None:
        target_series = _as_series(targets, "targets", allow_missing=True)
        if len(target_series) != len(series) or not target_series.index.equals(series.index):
            raise InputError(msg("scorecard.target_periods", values=str(list(series.index)),
                                 targets=str(list(target_series.index))))
        target_array = target_series.to_numpy(dtype=float)
    return consolidate_periods(tuple(series.index), series.to_numpy(dtype=float), how,
                               target_array)


def consolidate_periods(periods: tuple[Hashable, ...], values: np.ndarray, how: str,
                        targets: np.ndarray | None = None) -> Consolidated:
    """:func:`consolidate` of float arrays over distinct periods (NaN where a period has no
    value), the arrays lined up with ``periods``.

    What :func:`consolidate` does once its input is checked and lined up; the scorecard calls
    it directly for each IKU and trend period, which spares a Series per reading. Infinite
    values or targets, no period with a value and a used period without a target are an
    InputError, as there.
    """
    method = _known(how)
    _finite(values, "values")
    used = np.flatnonzero(~np.isnan(values))
    if not used.size:
        raise InputError(msg("scorecard.no_period_with_data"))
    if targets is not None:
        _finite(targets, "targets")
        lacking = [periods[i] for i in used if np.isnan(targets[i])]
        if lacking:
            raise InputError(msg("scorecard.target_lacking", periods=str(lacking)))
    skipped = tuple(periods[i] for i in range(used[-1]) if np.isnan(values[i]))
    # pandas' reductions, as consolidate has always used (its sum and mean, bottleneck's
    # where installed): the same numbers whichever way the values came
    reduce = _REDUCERS[method]
    return Consolidated(
        realisation=reduce(pd.Series(values[used])),
        target=None if targets is None else reduce(pd.Series(targets[used])),
        how=method, periods=tuple(periods[i] for i in used), skipped=skipped,
    )


def _known(how: str) -> str:
    """The consolidation named (case and spaces ignored), or an InputError."""
    method = str(how).strip().lower()
    if method not in CONSOLIDATIONS:
        raise InputError(msg("scorecard.unknown_choice", name="consolidation", value=repr(how),
                             known=str(list(CONSOLIDATIONS))))
    return method


def _finite(values: np.ndarray, name: str) -> None:
    if np.isinf(values).any():
        raise InputError(msg("scorecard.values_infinite", name=name))


_REDUCERS: dict[str, Callable[[pd.Series], float]] = {
    "sum": lambda series: float(series.sum()),
    "average": lambda series: float(series.mean()),
    "last": lambda series: float(series.iloc[-1]),
}


# --------------------------------------------------------------------------- perspective, NKO


def perspective_value(
    ici_by_indicator: Mapping[Hashable, float] | pd.Series,
    weights: Mapping[Hashable, float] | pd.Series,
) -> float:
    """Perspective value NP: the weighted mean of its indicators' ICI.

    Parameters
    ----------
    ici_by_indicator : mapping or Series
        ICI of each IKU in the perspective, keyed by indicator id.
    weights : mapping or Series
        IKU weights with the same keys (any positive scale: they are divided by their sum).

    Returns
    -------
    float

    Raises
    ------
    InputError
        Keys that differ, a missing ICI or weight, negative weights, or weights summing to 0.

    Notes
    -----
    NP_p = sum_i w_i ICI_i / sum_i w_i over the IKU i of perspective p (docs/methods.md
    section 7; KMK 467/KMK.01/2014 chain ICI -> NP -> NKO).

    Examples
    --------
    >>> perspective_value({"iku1": 110.0, "iku2": 95.0}, {"iku1": 60, "iku2": 40})
    104.0
    """
    values = _as_series(ici_by_indicator, "ici_by_indicator")
    matched = _matched(values, _as_series(weights, "weights"), "perspective_value")
    _check_non_negative(matched, "perspective_value")
    return float((values * matched).sum() / matched.sum())


@dataclass(frozen=True, kw_only=True, eq=False)
class WeightedIndex:
    """A weighted sum of perspective values with its band: base of :class:`Nko` and
    :class:`CompositeIndex`.

    Attributes
    ----------
    value : float
        sum_p w_p x_p with the weights as fractions of 1.
    band : Band
        The band of ``value`` (rounded half-up to 2 decimals): code, label_id, label_en and,
        for LAN 1999, secondary_id / secondary_en.
    table, source, table_note : str
        Name of the band table, its citation and how sure that source is.
    contributions : Series
        w_p x_p per perspective; they sum to ``value``.
    values, weights : Series
        The perspective values and the weights as fractions actually used.
    weight_sum : float
        The weights' sum as given (100 for percentages).
    normalised : bool
        True when the weights did not sum to 1 and were divided by their sum.
    """

    value: float
    band: Band
    table: str
    source: str
    table_note: str
    contributions: pd.Series
    values: pd.Series
    weights: pd.Series
    weight_sum: float
    normalised: bool

    @property
    def notes(self) -> tuple[str, ...]:
        """What a reader should know about the weights and the band table."""
        notes = []
        if self.normalised:
            notes.append(msg("scorecard.weights_normalised", total=self.weight_sum))
        if self.table_note:
            notes.append(msg("scorecard.band_table_note", table=self.table, note=self.table_note))
        return tuple(notes)

    def summary(self) -> pd.DataFrame:
        """One row: value, band code and labels, table, normalised."""
        return pd.DataFrame([{
            "value": self.value,
            "band": self.band.code,
            "label_id": self.band.label_id,
            "label_en": self.band.label_en,
            "secondary_id": self.band.secondary_id,
            "table": self.table,
            "normalised": self.normalised,
        }])

    def to_frame(self) -> pd.DataFrame:
        """One row per perspective: value, weight (fraction), contribution."""
        return pd.DataFrame({
            "value": self.values,
            "weight": self.weights,
            "contribution": self.contributions,
        })

    def _repr_html_(self) -> str:
        title = f"{type(self).__name__}: {self.value:.2f} ({self.band.label_id})"
        return _result_html(title, self.summary(), self.to_frame(), self.notes)


@dataclass(frozen=True, kw_only=True, eq=False)
class Nko(WeightedIndex):
    """Result of :func:`nko`; :attr:`predicate` is the band (Istimewa, Baik...)."""

    @property
    def predicate(self) -> Band:
        """The NKO predicate: code, label_id, label_en (the table is :attr:`table`)."""
        return self.band


@dataclass(frozen=True, kw_only=True, eq=False)
class CompositeIndex(WeightedIndex):
    """Result of :func:`composite_index`; :attr:`band` carries both LAN label sets."""


def _weighted(values: Any, weights: Any, table: BandTable | str, normalise: bool,
              what: str) -> dict[str, Any]:
    scores = _as_series(values, what)
    matched = _matched(scores, _as_series(weights, "weights"), what)
    fractions, given_sum, normalised = _fractions(matched, normalise, what)
    contributions = scores * fractions
    value = float(contributions.sum())
    resolved = band_table(table)
    return {
        "value": value,
        "band": classify(value, resolved),
        "table": resolved.name,
        "source": resolved.source,
        "table_note": resolved.note,
        "contributions": contributions,
        "values": scores,
        "weights": fractions,
        "weight_sum": given_sum,
        "normalised": normalised,
    }


def nko(
    perspective_values: Mapping[Hashable, float] | pd.Series,
    weights: Mapping[Hashable, float] | pd.Series,
    predicate: BandTable | str = "kemenkeu-lakin",
    normalise: bool = False,
) -> Nko:
    """Nilai Kinerja Organisasi: the weighted sum of perspective values, with its predicate.

    Parameters
    ----------
    perspective_values : mapping or Series
        NP of each perspective, keyed by any perspective id.
    weights : mapping or Series
        Perspective weights with the same keys, as fractions summing to 1 or percentages
        summing to 100 (within 0.005, or 0.5 points).
    predicate : str or BandTable, default "kemenkeu-lakin"
        "kemenkeu-lakin" (Hartini & Habibi 2023), "alternative" (a circulating one), any table
        name in :data:`surveyq.bands.BANDS`, or a BandTable.
    normalise : bool, default False
        Divide weights that do not sum to 1 by their sum instead of raising; the result says
        so (``normalised``, ``notes``).

    Returns
    -------
    Nko
        ``value``, ``predicate`` (a Band: code, label_id, label_en), ``table``, ``source``,
        ``contributions`` and the weights used.

    Raises
    ------
    InputError
        Keys that differ, missing values, negative weights, or weights not summing to 1
        (or 100) without ``normalise=True``.

    Notes
    -----
    NKO = sum_p B_p NP_p with sum_p B_p = 1 (docs/methods.md section 7). Default predicate
    table "nko-kemenkeu-lakin", printed by Hartini & Habibi (2023, LAKIN KPPBC TMP Merak) and not
    confirmed in a regulation we could read: Istimewa NKO > 100; Baik 90 <= NKO <= 100;
    Butuh Perbaikan 70 <= NKO < 90; Kurang 50 <= NKO < 70; Sangat Kurang NKO < 50. The
    printed table overlaps at 90 and 70; the boundaries are resolved as written here. The
    NKO is rounded half-up to 2 decimals before it is classified, so 100.00 is Baik and
    100.01 Istimewa.

    References
    ----------
    .. [1] KMK 467/KMK.01/2014 and KMK 300/KMK.01/2022 (Kementerian Keuangan).
    .. [2] Hartini & Habibi (2023), Tabel 5-6: KPPBC TMP Merak, NKO 114.55.
    .. [3] docs/methods.md section 7; docs/methods.md example E7.

    Examples
    --------
    >>> res = nko({"stakeholder": 116.66, "customer": 112.61, "internal": 116.10,
    ...            "learning": 112.20}, {"stakeholder": 25, "customer": 15,
    ...            "internal": 30, "learning": 30})
    >>> round(res.value, 4), res.predicate.label_id
    (114.5465, 'Istimewa')
    """
    table = NKO_PREDICATES.get(predicate, predicate) if isinstance(predicate, str) else predicate
    return Nko(**_weighted(perspective_values, weights, table, normalise, "nko"))


def composite_index(
    scores: Mapping[Hashable, float] | pd.Series,
    weights: Mapping[Hashable, float] | pd.Series,
    bands: BandTable | str = "lan-1999",
    normalise: bool = False,
) -> CompositeIndex:
    """Composite index (indeks komposit): weighted sum of perspective scores, with its band.

    Parameters
    ----------
    scores : mapping or Series
        Score of each perspective (0-100 scale), keyed by any perspective id.
    weights : mapping or Series
        Weights with the same keys: fractions summing to 1 or percentages summing to 100.
    bands : str or BandTable, default "lan-1999"
        Band table name in :data:`surveyq.bands.BANDS`, or a BandTable.
    normalise : bool, default False
        As in :func:`nko`.

    Returns
    -------
    CompositeIndex
        ``value``, ``band`` (label_id "Sedang" and secondary_id "Cukup berhasil" for
        55 <= X < 70), ``contributions`` and the weights used.

    Raises
    ------
    InputError
        As :func:`nko`.

    Notes
    -----
    IK = sum_p w_p S_p. LAN (1999) bands as Nugrahini et al. prints them (not found in a primary
    source): >= 85 Sangat baik / Sangat berhasil (values above 100 included); >= 70 Baik /
    Berhasil; >= 55 Sedang / Cukup berhasil; otherwise Kurang baik / Tidak berhasil.

    References
    ----------
    .. [1] Nugrahini et al., BPMPD Kabupaten Tabanan, Tabel 3 and 13.
    .. [2] docs/methods.md section 8; docs/methods.md example E4.

    Examples
    --------
    >>> res = composite_index({"keuangan": 75.16, "pelanggan": 75.46, "proses": 20.67,
    ...                        "pembelajaran": 50.10}, {"keuangan": 10, "pelanggan": 50,
    ...                        "proses": 20, "pembelajaran": 20})
    >>> round(res.value, 2), res.band.label_id, res.band.secondary_id
    (59.4, 'Sedang', 'Cukup berhasil')
    """
    return CompositeIndex(**_weighted(scores, weights, bands, normalise, "composite_index"))


# --------------------------------------------------------------------------- weighted score


@dataclass(frozen=True, kw_only=True, eq=False)
class WeightedScore:
    """Result of :func:`weighted_score`.

    Attributes
    ----------
    indicators : DataFrame
        One row per indicator: perspective, indicator, perspective_weight, weight, score,
        fraction (score / scale_max), value (perspective_weight x weight x fraction).
    perspectives : DataFrame
        Indexed by perspective: weight, value (sum of its indicators' values), achievement
        (value / weight, a fraction of 1).
    total : float
        Sum of every indicator's value (a fraction of 1).
    scale_max : int
        m, the top of the score scale.
    normalised : bool
        True when weights were divided by their sum.
    """

    indicators: pd.DataFrame
    perspectives: pd.DataFrame
    total: float
    scale_max: int
    normalised: bool = False

    def to_frame(self) -> pd.DataFrame:
        """The per-indicator table (a copy of :attr:`indicators`)."""
        return self.indicators.copy()

    def _repr_html_(self) -> str:
        summary = pd.DataFrame([{"total": self.total, "scale_max": self.scale_max}])
        return _result_html("Weighted score", summary, self.perspectives)


_WEIGHTED_COLUMNS = ("perspective", "indicator", "weight", "score")


def _indicator_rows(indicators: Any) -> pd.DataFrame:
    frame = indicators.copy() if isinstance(indicators, pd.DataFrame) else pd.DataFrame(
        list(indicators) if not isinstance(indicators, Mapping) else indicators
    )
    missing = [column for column in _WEIGHTED_COLUMNS if column not in frame.columns]
    if missing:
        raise InputError(msg("scorecard.indicators_columns", missing=str(missing)))
    if frame.empty:
        raise InputError(msg("scorecard.indicators_empty"))
    return frame


def _perspective_weights(frame: pd.DataFrame, perspective_weights: Any) -> pd.Series:
    order = pd.Index(pd.unique(frame["perspective"]))
    if perspective_weights is not None:
        given = _as_series(perspective_weights, "perspective_weights")
        return _matched(pd.Series(index=order, dtype=float), given, "weighted_score")
    if "perspective_weight" not in frame.columns:
        raise InputError(msg("scorecard.perspective_weights_missing"))
    per_row = _as_series(frame["perspective_weight"], "perspective_weight")
    distinct = per_row.groupby(frame["perspective"].to_numpy()).nunique()
    if (distinct > 1).any():
        raise InputError(msg("scorecard.perspective_weight_differs",
                             perspectives=str(list(distinct.index[distinct > 1]))))
    return per_row.groupby(frame["perspective"].to_numpy()).first().reindex(order)


def weighted_score(
    indicators: pd.DataFrame | Sequence[Mapping[str, Any]],
    perspective_weights: Mapping[Hashable, float] | pd.Series | None = None,
    scale_max: int = 3,
    normalise: bool = False,
) -> WeightedScore:
    """Weighted score table: scores on a 1..m scale weighted by indicator and perspective.

    Parameters
    ----------
    indicators : DataFrame or list of dicts
        Columns ``perspective``, ``indicator``, ``weight`` (the indicator's weight within
        its perspective) and ``score`` (1..m); optionally ``perspective_weight``.
    perspective_weights : mapping or Series, optional
        Weight of each perspective; if omitted, read from the ``perspective_weight`` column.
    scale_max : int, default 3
        m, the top of the score scale (Heitasari et al. scores 1-3).
    normalise : bool, default False
        Divide weights that do not sum to 1 by their sum instead of raising.

    Returns
    -------
    WeightedScore
        Per-indicator values, per-perspective values and achievement, and the total.

    Raises
    ------
    InputError
        Missing columns, scores outside 1..m, negative weights, or perspective weights (or
        indicator weights within a perspective) not summing to 1 without ``normalise``.

    Notes
    -----
    For indicator i of perspective p with score s_i on a 1..m scale:
    v_i = W_p x w_i x s_i / m. Perspective value V_p = sum_i v_i; achievement
    A_p = V_p / W_p; total = sum_p V_p. Weights are fractions of 1 (percentages summing to
    100 are accepted).

    References
    ----------
    .. [1] Heitasari et al., KPPBC Bojonegoro, Tabel 9 "Hasil Akhir Perhitungan
       Kinerja".
    .. [2] docs/methods.md section 8; docs/methods.md example E8.

    Examples
    --------
    >>> rows = [
    ...     {"perspective": "internal", "indicator": "waiting time", "weight": 0.6, "score": 2},
    ...     {"perspective": "internal", "indicator": "service", "weight": 0.4, "score": 3},
    ...     {"perspective": "customer", "indicator": "satisfaction", "weight": 1.0, "score": 3},
    ... ]
    >>> res = weighted_score(rows, {"internal": 0.5, "customer": 0.5})
    >>> round(res.total, 4), round(float(res.perspectives.loc["internal", "achievement"]), 4)
    (0.9, 0.8)
    """
    frame = _indicator_rows(indicators)
    if isinstance(scale_max, bool) or not isinstance(scale_max, int | np.integer) \
            or scale_max < 2:
        raise InputError(msg("scorecard.scale_max_type", value=repr(scale_max)))
    scores = _as_series(frame["score"], "score")
    if ((scores < 1) | (scores > scale_max)).any():
        bad = scores[(scores < 1) | (scores > scale_max)].tolist()
        raise InputError(msg("scorecard.scores_outside", scale_max=scale_max, bad=str(bad)))
    p_weights, _, p_normalised = _fractions(
        _perspective_weights(frame, perspective_weights), normalise, "perspective weights"
    )
    weights, w_normalised = _within_weights(frame, normalise)
    table = pd.DataFrame({
        "perspective": frame["perspective"].to_numpy(),
        "indicator": frame["indicator"].to_numpy(),
        "perspective_weight": p_weights.reindex(frame["perspective"]).to_numpy(),
        "weight": weights.to_numpy(),
        "score": scores.to_numpy(),
        "fraction": (scores / scale_max).to_numpy(),
    })
    table["value"] = table["perspective_weight"] * table["weight"] * table["fraction"]
    sums = table.groupby("perspective", sort=False)["value"].sum()
    perspectives = pd.DataFrame({"weight": p_weights, "value": sums.reindex(p_weights.index)})
    perspectives["achievement"] = perspectives["value"] / perspectives["weight"]
    return WeightedScore(
        indicators=table, perspectives=perspectives, total=float(table["value"].sum()),
        scale_max=int(scale_max), normalised=p_normalised or w_normalised,
    )


def _within_weights(frame: pd.DataFrame, normalise: bool) -> tuple[pd.Series, bool]:
    weights = _as_series(frame["weight"].reset_index(drop=True), "weight")
    groups = frame["perspective"].reset_index(drop=True)
    result, normalised = weights.copy(), False
    for perspective, positions in groups.groupby(groups, sort=False).groups.items():
        block, _, changed = _fractions(
            weights[positions], normalise, f"indicator weights of perspective {perspective!r}"
        )
        result[positions] = block
        normalised = normalised or changed
    return result, normalised


def company_score_band(value: float, table: BandTable | str = "company-score-harumantaka") -> Band:
    """Band of a final company score on a 0-1 scale (Harumantaka et al.'s table).

    Parameters
    ----------
    value : float
        The company score, a fraction of 1 (for instance :attr:`WeightedScore.total`).
    table : BandTable or str, default "company-score-harumantaka"

    Returns
    -------
    Band
        ``code`` and labels: istimewa, baik sekali, baik or cukup.

    Notes
    -----
    Printed as 0.90-1.00 istimewa, 0.70-0.89 baik sekali, 0.59-0.69 baik, < 0.59 cukup; read
    without gaps as >= 0.90, >= 0.70, >= 0.59, otherwise, on the value rounded half-up to 2
    decimals. It is the company's own design, not a regulation.

    References
    ----------
    .. [1] Harumantaka et al., BUMD ABC Kota Bogor; docs/methods.md example E9.

    Examples
    --------
    >>> company_score_band(0.86).label_id
    'Baik sekali'
    >>> company_score_band(0.895).code   # rounds to 0.90
    'istimewa'
    """
    return classify(_number(value, "value"), table)
