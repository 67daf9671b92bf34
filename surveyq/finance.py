"""Financial-perspective measures: value for money, growth and employee productivity.

Value for money (Mardiasmo) gives the economy, efficiency and effectiveness ratios of a
public body's budget; Nugrahini et al., BPMPD Kabupaten Tabanan averages them
into a financial perspective score and computes effectiveness the other way round, which
is offered as a named convention. Growth and productivity are the year-on-year measures
Heitasari et al. and Nugrahini et al. use. Formulas and conventions: docs/methods.md section 8.
Series are given per year: a DataFrame, Series, or a mapping keyed by year.
"""

from __future__ import annotations

import html
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from surveyq.bands import Band, BandTable, band_table, classify
from surveyq.errors import InputError
from surveyq.messages import msg
from surveyq.scorecard_math import _as_series

__all__ = [
    "EFFECTIVENESS_CONVENTIONS",
    "Productivity",
    "ValueForMoney",
    "growth",
    "productivity",
    "value_for_money",
]

#: Effectiveness conventions -> (formula, default criteria table in surveyq.bands).
EFFECTIVENESS_CONVENTIONS: dict[str, tuple[str, str]] = {
    "realised/target": (
        msg("finance.effectiveness_standard"),
        "vfm-effectiveness",
    ),
    "target/realised": (
        msg("finance.effectiveness_reciprocal"),
        "vfm-effectiveness-reciprocal-nugrahini",
    ),
}

#: Which convention each shipped effectiveness criteria table is written for.
_CRITERIA_CONVENTION = {
    "vfm-effectiveness": "realised/target",
    "vfm-effectiveness-kepmendagri-1996": "realised/target",
    "vfm-effectiveness-reciprocal-nugrahini": "target/realised",
}

_RATIOS = ("economy", "efficiency", "effectiveness")

_INPUTS = (
    "budgeted_spending",
    "realised_spending",
    "direct_spending",
    "realised_revenue",
    "target_revenue",
    "revenue_for_effectiveness",
)

YearlyValues = pd.Series | Mapping[Hashable, float] | Sequence[float]


def _yearly(values: Any, name: str, *, positive: bool = False) -> pd.Series:
    series = _as_series(values, name)
    invalid = (series <= 0) if positive else (series < 0)
    if invalid.any():
        code = "finance.must_be_positive" if positive else "finance.must_be_non_negative"
        raise InputError(msg(code, name=name, years=str(list(series.index[invalid]))))
    return series


def _same_years(series: Mapping[str, pd.Series]) -> pd.Index:
    names = list(series)
    years = series[names[0]].index
    for name in names[1:]:
        if not series[name].index.equals(years):
            raise InputError(msg("finance.years_differ", name=name,
                                 years=str(list(series[name].index)), first=names[0],
                                 first_years=str(list(years))))
    return years


@dataclass(frozen=True, kw_only=True, eq=False)
class ValueForMoney:
    """Result of :func:`value_for_money`.

    Attributes
    ----------
    table : DataFrame
        Tidy: one row per year and ratio with columns ``year``, ``ratio`` ("economy",
        "efficiency", "effectiveness"), ``value`` (percent), ``criterion`` (band code),
        ``label_id``, ``label_en``.
    means : Series
        Mean of the yearly ratios, by ratio.
    mean_criteria : dict
        Ratio -> Band of its mean.
    score : float
        Mean of the three means: Nugrahini et al.'s financial perspective score.
    effectiveness_convention : str
        ``"realised/target"`` or ``"target/realised"``.
    criteria_tables : dict
        Ratio -> name of the band table its criteria come from.
    """

    table: pd.DataFrame
    means: pd.Series
    mean_criteria: dict[str, Band]
    score: float
    effectiveness_convention: str
    criteria_tables: dict[str, str]

    @property
    def ratios(self) -> pd.DataFrame:
        """Years x ratios (percent), wide."""
        wide = self.table.pivot(index="year", columns="ratio", values="value")
        return wide.reindex(columns=list(_RATIOS)).rename_axis(columns=None)

    @property
    def notes(self) -> tuple[str, ...]:
        formula = EFFECTIVENESS_CONVENTIONS[self.effectiveness_convention][0]
        return (
            msg("finance.convention", convention=repr(self.effectiveness_convention),
                formula=formula),
            msg("finance.score_mean"),
        )

    def summary(self) -> pd.DataFrame:
        """One row per ratio: mean, criterion of the mean, criteria table."""
        return pd.DataFrame({
            "mean": self.means,
            "criterion": {ratio: band.code for ratio, band in self.mean_criteria.items()},
            "label_id": {ratio: band.label_id for ratio, band in self.mean_criteria.items()},
            "table": self.criteria_tables,
        }).reindex(list(_RATIOS))

    def to_frame(self) -> pd.DataFrame:
        """The tidy per-year table (a copy of :attr:`table`)."""
        return self.table.copy()

    def _repr_html_(self) -> str:
        notes = "".join(f"<li>{html.escape(note)}</li>" for note in self.notes)
        return (
            f"<h4>Value for money (score {self.score:.2f})</h4>"
            + self.summary().to_html()
            + self.ratios.to_html()
            + f"<ul>{notes}</ul>"
        )


def _effectiveness_table(convention: str, criteria: BandTable | str | None) -> BandTable:
    if convention not in EFFECTIVENESS_CONVENTIONS:
        raise InputError(msg("finance.convention_unknown", convention=repr(convention),
                             known=str(list(EFFECTIVENESS_CONVENTIONS))))
    table = band_table(EFFECTIVENESS_CONVENTIONS[convention][1] if criteria is None else criteria)
    written_for = _CRITERIA_CONVENTION.get(table.name)
    if written_for is not None and written_for != convention:
        raise InputError(msg("finance.criteria_convention", table=repr(table.name),
                             written_for=written_for, given=repr(convention),
                             convention=convention))
    return table


def _vfm_inputs(data: pd.DataFrame | None, given: dict[str, Any]) -> dict[str, pd.Series]:
    if data is not None:
        if not isinstance(data, pd.DataFrame):
            raise InputError(msg("finance.data_frame"))
        for name in _INPUTS:
            if given[name] is None and name in data.columns:
                given[name] = data[name]
    if given["revenue_for_effectiveness"] is None:
        given["revenue_for_effectiveness"] = given["realised_revenue"]
    missing = [name for name in _INPUTS if given[name] is None]
    if missing:
        raise InputError(msg("finance.vfm_needs", missing=str(missing)))
    positive = {"budgeted_spending", "realised_revenue", "target_revenue",
                "revenue_for_effectiveness"}
    series = {name: _yearly(given[name], name, positive=name in positive) for name in _INPUTS}
    _same_years(series)
    return series


def value_for_money(
    data: pd.DataFrame | None = None,
    *,
    budgeted_spending: YearlyValues | None = None,
    realised_spending: YearlyValues | None = None,
    direct_spending: YearlyValues | None = None,
    realised_revenue: YearlyValues | None = None,
    target_revenue: YearlyValues | None = None,
    revenue_for_effectiveness: YearlyValues | None = None,
    effectiveness: str = "realised/target",
    effectiveness_criteria: BandTable | str | None = None,
) -> ValueForMoney:
    """Value-for-money ratios per year: economy, efficiency and effectiveness.

    Parameters
    ----------
    data : DataFrame, optional
        Indexed by year, with any of the input names below as columns.
    budgeted_spending, realised_spending : Series, mapping or list
        Anggaran and realisasi belanja per year.
    direct_spending : Series, mapping or list
        Cost of earning revenue (realisasi belanja langsung).
    realised_revenue, target_revenue : Series, mapping or list
        Realisasi and anggaran (target) pendapatan per year.
    revenue_for_effectiveness : Series, mapping or list, optional
        The realised revenue to use for effectiveness when a source prints a different
        figure there than for efficiency (Nugrahini et al. does, for 2010 and 2014); defaults to
        ``realised_revenue``.
    effectiveness : {"realised/target", "target/realised"}
        The standard ratio (Mardiasmo, default) or Nugrahini et al.'s reciprocal.
    effectiveness_criteria : str or BandTable, optional
        Criteria table for effectiveness; the default follows the convention
        ("vfm-effectiveness" or "vfm-effectiveness-reciprocal-nugrahini").
        "vfm-effectiveness-kepmendagri-1996" gives the five-level table.

    Returns
    -------
    ValueForMoney
        Tidy per-year ``table`` with criteria, ``ratios`` (wide), ``means``,
        ``mean_criteria``, ``score`` and the convention used.

    Raises
    ------
    InputError
        A missing input, series for different years, a missing value, a negative amount, a
        zero denominator, an unknown convention, or a criteria table written for the other
        convention.

    Notes
    -----
    Per year, in percent:

    - economy = realised spending / budgeted spending x 100 (< 100 ekonomis);
    - efficiency = direct spending / realised revenue x 100 (< 100 efisien);
    - effectiveness = realised revenue / target revenue x 100 (>= 100 efektif), or, under
      Nugrahini et al.'s convention, target revenue / realised revenue x 100 (<= 100 efektif).

    Criteria follow the convention chosen, so a year gets the same verdict both ways.
    Means are means of the yearly ratios; ``score`` is the mean of the three means
    (Nugrahini et al.'s financial perspective score, 75.16 there with its reciprocal
    effectiveness). The five-level criteria attributed to Kepmendagri 690.900.327/1996 come
    from secondary sources.

    References
    ----------
    .. [1] Mardiasmo, Akuntansi Sektor Publik (value for money: ekonomi, efisiensi,
       efektivitas).
    .. [2] Nugrahini et al., BPMPD Kabupaten Tabanan, Tabel 4-7.
    .. [3] docs/methods.md section 8; docs/methods.md example E5.

    Examples
    --------
    >>> res = value_for_money(
    ...     budgeted_spending={2010: 3_014_794_000}, realised_spending={2010: 2_916_935_211},
    ...     direct_spending={2010: 335_439_667}, realised_revenue={2010: 1_910_816_500},
    ...     target_revenue={2010: 1_979_667_500})
    >>> res.ratios.round(2)
          economy  efficiency  effectiveness
    year
    2010    96.75       17.55          96.52
    >>> res.mean_criteria["economy"].label_id
    'Ekonomis'
    """
    series = _vfm_inputs(data, {
        "budgeted_spending": budgeted_spending,
        "realised_spending": realised_spending,
        "direct_spending": direct_spending,
        "realised_revenue": realised_revenue,
        "target_revenue": target_revenue,
        "revenue_for_effectiveness": revenue_for_effectiveness,
    })
    effective_table = _effectiveness_table(effectiveness, effectiveness_criteria)
    tables = {
        "economy": band_table("vfm-economy"),
        "efficiency": band_table("vfm-efficiency"),
        "effectiveness": effective_table,
    }
    ratios = {
        "economy": series["realised_spending"] / series["budgeted_spending"] * 100,
        "efficiency": series["direct_spending"] / series["realised_revenue"] * 100,
        "effectiveness": _effectiveness(series, effectiveness),
    }
    means = pd.Series({ratio: float(values.mean()) for ratio, values in ratios.items()})
    return ValueForMoney(
        table=_tidy(ratios, tables),
        means=means,
        mean_criteria={ratio: classify(means[ratio], tables[ratio]) for ratio in _RATIOS},
        score=float(means.mean()),
        effectiveness_convention=effectiveness,
        criteria_tables={ratio: table.name for ratio, table in tables.items()},
    )


def _effectiveness(series: Mapping[str, pd.Series], convention: str) -> pd.Series:
    realised, target = series["revenue_for_effectiveness"], series["target_revenue"]
    if convention == "realised/target":
        return realised / target * 100
    return target / realised * 100


def _tidy(ratios: Mapping[str, pd.Series], tables: Mapping[str, BandTable]) -> pd.DataFrame:
    rows = []
    for ratio in _RATIOS:
        for year, value in ratios[ratio].items():
            band = classify(float(value), tables[ratio])
            rows.append({
                "year": year, "ratio": ratio, "value": float(value), "criterion": band.code,
                "label_id": band.label_id, "label_en": band.label_en,
            })
    return pd.DataFrame(rows)


def growth(values: YearlyValues) -> pd.DataFrame:
    """Year-on-year growth in percent.

    Parameters
    ----------
    values : Series, mapping or list
        One value per period (year), in period order.

    Returns
    -------
    DataFrame
        Indexed by period: ``value`` and ``growth_pct`` (NaN for the first period).

    Raises
    ------
    InputError
        A missing value, or a zero value that a later period would be divided by.

    Notes
    -----
    growth_t = (value_t - value_{t-1}) / value_{t-1} x 100 (docs/methods.md section 8). The
    values should be positive quantities (revenue, assets, permits); growth from a
    negative base has no clear meaning.

    References
    ----------
    .. [1] Nugrahini et al., Tabel 12; Heitasari et al., revenue
       growth; docs/methods.md example E6.

    Examples
    --------
    >>> growth({2013: 125, 2014: 117})
          value  growth_pct
    2013  125.0         NaN
    2014  117.0        -6.4
    """
    series = _as_series(values, "values")
    previous = series.shift(1)
    if (previous.iloc[1:] == 0).any():
        zero = list(series.index[:-1][series.iloc[:-1] == 0])
        raise InputError(msg("finance.growth_from_zero", periods=str(zero)))
    return pd.DataFrame({"value": series, "growth_pct": (series - previous) / previous * 100})


@dataclass(frozen=True, kw_only=True, eq=False)
class Productivity:
    """Result of :func:`productivity`.

    Attributes
    ----------
    table : DataFrame
        Indexed by period: ``output``, ``employees``, ``productivity`` (output per
        employee) and ``growth_pct`` of productivity (NaN for the first period).
    mean : float
        Mean of the yearly productivities (what Nugrahini et al. averages).
    pooled : float
        Total output / total employee-years: a different measure, given for comparison.
    """

    table: pd.DataFrame
    mean: float
    pooled: float

    def to_frame(self) -> pd.DataFrame:
        """The per-period table (a copy of :attr:`table`)."""
        return self.table.copy()

    def _repr_html_(self) -> str:
        summary = pd.DataFrame([{"mean": self.mean, "pooled": self.pooled}])
        return "<h4>Productivity</h4>" + summary.to_html(index=False) + self.table.to_html()


def productivity(output: YearlyValues, employees: YearlyValues) -> Productivity:
    """Employee productivity (output per employee) per period, and its growth.

    Parameters
    ----------
    output : Series, mapping or list
        Output per period (permits issued, documents served...).
    employees : Series, mapping or list
        Number of employees per period, same periods as ``output``.

    Returns
    -------
    Productivity
        ``table`` (output, employees, productivity, growth_pct), ``mean`` and ``pooled``.

    Raises
    ------
    InputError
        Different periods, missing or negative values, or a period with no employees.

    Notes
    -----
    P_t = output_t / employees_t; growth as :func:`growth`; mean = mean_t P_t; pooled =
    sum_t output_t / sum_t employees_t.

    References
    ----------
    .. [1] Nugrahini et al., BPMPD Kabupaten Tabanan, Tabel 11-12;
       docs/methods.md example E6.

    Examples
    --------
    >>> res = productivity({2010: 4062, 2011: 4089}, {2010: 57, 2011: 56})
    >>> res.table["productivity"].round(2).tolist()
    [71.26, 73.02]
    """
    out = _yearly(output, "output")
    staff = _yearly(employees, "employees", positive=True)
    _same_years({"output": out, "employees": staff})
    ratio = out / staff
    table = pd.DataFrame({
        "output": out, "employees": staff, "productivity": ratio,
        "growth_pct": growth(ratio)["growth_pct"],
    })
    return Productivity(
        table=table, mean=float(ratio.mean()), pooled=float(out.sum() / staff.sum())
    )
