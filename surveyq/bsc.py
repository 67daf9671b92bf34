"""A project's finance and strategy sections evaluated into JSON-ready results.

:func:`evaluate_finance` turns the ``finance`` section (:class:`surveyq.bsc_spec.FinanceSpec`)
into value-for-money ratios with their criteria, growth and productivity tables
(:mod:`surveyq.finance`); :func:`evaluate_strategy` turns the ``strategy`` section into the
IFE and EFE matrices, the Internal-External cell, the SWOT/TOWS lists, the QSPM totals and
the paired-comparison weights of each rater and of the panel (:mod:`surveyq.strategy`).
Both results go into ``results.json`` under ``finance`` and ``strategy``; a scorecard can
read an IKU from them (``source: {finance: value_for_money.score}``) and take its weights
from a comparison (``weights_from``). The report and appendix only print them.

Example
-------
>>> from surveyq.bsc_spec import FinanceSpec
>>> spec = FinanceSpec.model_validate({"productivity": {
...     "output": {2010: 4062, 2011: 4089}, "employees": {2010: 57, 2011: 56}}})
>>> out = evaluate_finance(spec)
>>> [round(r["productivity"], 2) for r in out["productivity"]["rows"]]
[71.26, 73.02]
"""

from __future__ import annotations

import warnings
from typing import Any

import pandas as pd

from surveyq.bands import band_table
from surveyq.bsc_spec import FinanceSpec, StrategySpec
from surveyq.errors import InputError
from surveyq.finance import EFFECTIVENESS_CONVENTIONS, growth, productivity, value_for_money
from surveyq.messages import msg
from surveyq.outputs import to_jsonable
from surveyq.scorecard_math import WEIGHT_TOLERANCE
from surveyq.strategy import group_ahp, ie_matrix, ife_efe, qspm

__all__ = ["evaluate_finance", "evaluate_strategy"]


def _text(value: Any) -> Any:
    return None if value is None else value.model_dump()


def _label(band: Any) -> dict[str, str]:
    return {"id": band.label_id, "en": band.label_en}


def _series(values: dict[str, float]) -> pd.Series:
    return pd.Series(values, dtype=float)


# --------------------------------------------------------------------------- finance


def _vfm(spec: Any) -> dict[str, Any]:
    inputs = {name: _series(getattr(spec, name)) for name in (
        "budgeted_spending", "realised_spending", "direct_spending", "realised_revenue",
        "target_revenue")}
    if spec.revenue_for_effectiveness is not None:
        inputs["revenue_for_effectiveness"] = _series(spec.revenue_for_effectiveness)
    res = value_for_money(**inputs, effectiveness=spec.effectiveness,
                          effectiveness_criteria=spec.effectiveness_criteria)
    rows = [{"period": str(r["year"]), "ratio": r["ratio"], "value": r["value"],
             "criterion": r["criterion"], "label": {"id": r["label_id"], "en": r["label_en"]}}
            for r in res.table.to_dict("records")]
    means = {ratio: {"value": float(res.means[ratio]), "criterion": band.code,
                     "label": _label(band), "table": res.criteria_tables[ratio],
                     "source": band_table(res.criteria_tables[ratio]).source}
             for ratio, band in res.mean_criteria.items()}
    by_period = {str(period): {ratio: float(row[ratio]) for ratio in row.index}
                 for period, row in res.ratios.iterrows()}
    return {"convention": res.effectiveness_convention,
            "convention_formula": EFFECTIVENESS_CONVENTIONS[res.effectiveness_convention][0],
            "periods": list(inputs["budgeted_spending"].index), "rows": rows, "means": means,
            "score": res.score, "by_period": by_period,
            "latest": by_period[str(res.ratios.index[-1])],
            "inputs": {k: v.to_dict() for k, v in inputs.items()}}


def _growth(name: str, spec: Any) -> dict[str, Any]:
    table = growth(_series(spec.values))
    rows = [{"period": str(period), "value": row["value"], "growth_pct": row["growth_pct"]}
            for period, row in table.iterrows()]
    unit = spec.unit if isinstance(spec.unit, str) else _text(spec.unit)
    return {"name": _text(spec.name), "unit": unit, "rows": rows}


def _productivity(spec: Any) -> dict[str, Any]:
    res = productivity(_series(spec.output), _series(spec.employees))
    rows = [{"period": str(period), **{k: row[k] for k in (
        "output", "employees", "productivity", "growth_pct")}}
            for period, row in res.table.iterrows()]
    return {"output_name": _text(spec.output_name), "rows": rows, "mean": res.mean,
            "pooled": res.pooled}


def evaluate_finance(spec: FinanceSpec) -> dict[str, Any]:
    """The ``finance`` section's results: value for money, growth and productivity.

    Parameters
    ----------
    spec : FinanceSpec
        The validated ``finance`` section of a project.

    Returns
    -------
    dict
        JSON-ready: ``title``, ``note``, ``value_for_money`` (``convention``, ``rows`` per
        period and ratio with value in percent and criterion, ``means`` per ratio with its
        criterion and band table, ``score`` = mean of the three means), ``growth`` (name ->
        rows of value and growth_pct) and ``productivity`` (rows, ``mean``, ``pooled``).

    Raises
    ------
    InputError
        Series for different periods, a zero denominator, a negative amount (the message
        names the ``finance`` key).

    References
    ----------
    .. [1] Nugrahini et al., BPMPD Kabupaten Tabanan: value for money (Tabel 4-7),
       productivity (Tabel 11-12).
    """
    out: dict[str, Any] = {"title": _text(spec.title), "note": _text(spec.note)}
    parts = [("value_for_money", lambda: _vfm(spec.value_for_money)
              if spec.value_for_money else None),
             ("productivity", lambda: _productivity(spec.productivity)
              if spec.productivity else None)]
    for key, compute in parts:
        try:
            out[key] = compute()
        except InputError as exc:
            raise InputError(msg("error.at", where=f"finance.{key}", detail=exc.detail)) from None
    out["growth"] = {}
    for name, series in spec.growth.items():
        try:
            out["growth"][name] = _growth(name, series)
        except InputError as exc:
            raise InputError(msg("error.at", where=f"finance.growth.{name}",
                                 detail=exc.detail)) from None
    return to_jsonable(out)


# --------------------------------------------------------------------------- strategy


def _factor_rows(factors: list[Any], result: Any) -> list[dict[str, Any]]:
    table = result.table
    return [{"id": f.id, "name": f.name.model_dump(), "kind": f.kind,
             "weight": float(table.loc[f.id, "weight"]), "rating": float(table.loc[f.id, "rating"]),
             "ratings": f.rating if isinstance(f.rating, list) else [f.rating],
             "score": float(table.loc[f.id, "score"])} for f in factors]


def _matrix(side: str, factors: list[Any]) -> tuple[dict[str, Any] | None, Any]:
    if not factors:
        return None, None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the warning is kept in the result
        result = ife_efe({f.id: f.mean_rating for f in factors}, {f.id: f.weight for f in factors})
    return {"factors": _factor_rows(factors, result), "total": result.total,
            "weight_sum": result.weight_sum,
            "warning": result.warning}, result


def _qspm_weight(factor: Any) -> float:
    """The weight a factor carries in the QSPM: its IFE/EFE weight unless the source prints
    another one there (``qspm_weight``)."""
    return factor.weight if factor.qspm_weight is None else factor.qspm_weight


def _qspm(spec: StrategySpec) -> dict[str, Any] | None:
    if not spec.strategies:
        return None
    factors = [*spec.internal, *spec.external]
    scores = pd.DataFrame({o.id: {f.id: o.score(f.id) for f in factors} for o in spec.strategies})
    blank = scores.isna()
    notes = []
    if blank.to_numpy().any():
        notes.append(msg("strategy.qspm_blank_zero"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        result = qspm({f.id: _qspm_weight(f) for f in factors}, scores.fillna(0.0),
                      groups={f.id: ("internal" if f in spec.internal else "external")
                              for f in factors})
    rows = [{"factor": f.id, "weight": _qspm_weight(f),
             "scores": {o.id: (None if blank.loc[f.id, o.id] else float(scores.loc[f.id, o.id]))
                        for o in spec.strategies},
             "tas": {o.id: (None if blank.loc[f.id, o.id] else float(result.tas.loc[f.id, o.id]))
                     for o in spec.strategies}} for f in factors]
    return {"rows": rows, "totals": {k: float(v) for k, v in result.totals.items()},
            "chosen": result.chosen, "ties": list(result.ties),
            "weight_sums": result.weight_sums,
            "weight_sums_off": [block for block, total in result.weight_sums.items()
                                if abs(total - 1.0) > WEIGHT_TOLERANCE],
            "warnings": list(result.warnings) + notes}


def _ahp_record(res: Any) -> dict[str, Any]:
    return {"weights": {str(k): float(v) for k, v in res.weights.items()},
            "lambda_max": res.lambda_max, "ci": res.ci, "ri": res.ri, "cr": res.cr,
            "consistent": res.consistent}


def _comparison(name: str, comparison: Any) -> dict[str, Any]:
    try:
        res = group_ahp({r.name: r.matrix for r in comparison.raters}, items=comparison.items,
                        rater_weights={r.name: r.weight for r in comparison.raters},
                        random_index=comparison.random_index)
    except InputError as exc:
        raise InputError(msg("error.at", where=f"strategy.comparisons.{name}",
                             detail=exc.detail)) from None
    return {"title": _text(comparison.title), "items": list(comparison.items),
            "method": "aij-geometric-mean" if len(comparison.raters) > 1 else "single-rater",
            "raters": [{"name": r.name, "weight": float(res.rater_weights[r.name]),
                        **_ahp_record(res.raters[r.name])} for r in comparison.raters],
            "group": _ahp_record(res.group),
            "matrix": [[float(v) for v in row] for row in res.matrix.to_numpy()],
            "panel": _panel(res),
            "notes": list(res.notes)}


def _panel(res: Any) -> dict[str, Any]:
    """What a large panel's table shows instead of a column per rater: the spread of the
    raters' weights per item and who is inconsistent."""
    weights = pd.DataFrame({name: own.weights for name, own in res.raters.items()})
    return {"raters": len(res.raters),
            "inconsistent": [name for name, own in res.raters.items() if not own.consistent],
            "lowest": weights.min(axis=1).to_dict(), "highest": weights.max(axis=1).to_dict()}


def evaluate_strategy(spec: StrategySpec) -> dict[str, Any]:
    """The ``strategy`` section's results: IFE, EFE, IE cell, SWOT/TOWS, QSPM, weights.

    Parameters
    ----------
    spec : StrategySpec
        The validated ``strategy`` section.

    Returns
    -------
    dict
        JSON-ready: ``ife`` and ``efe`` (factors with weight, mean rating, score; total;
        weight sum and its warning), ``ie`` (cell, axis positions, strategy; when both
        matrices are given), ``swot`` (factor ids by kind), ``tows`` (strategy ids by type),
        ``strategies`` (id, name, type), ``qspm`` (rows, totals, chosen, warnings) and
        ``comparisons`` (name -> each rater's weights and CR, the group matrix, weights
        and CR, and ``panel``: the number of raters, the inconsistent ones and each item's
        lowest and highest rater weight).

    References
    ----------
    .. [1] David, F. R., Strategic Management: Concepts and Cases (IFE, EFE, IE, QSPM).
    .. [2] Harumantaka et al., BUMD ABC Kota Bogor, Tabel 2-4.
    """
    ife, ife_res = _matrix("internal", spec.internal)
    efe, efe_res = _matrix("external", spec.external)
    ie = None
    if ife_res is not None and efe_res is not None:
        try:
            cell = ie_matrix(ife_res.total, efe_res.total)
        except InputError as exc:
            raise InputError(msg("error.at", where="strategy", detail=exc.detail)) from None
        ie = {"cell": cell.cell, "ife_position": cell.ife_position.code,
              "efe_position": cell.efe_position.code, "strategy": cell.strategy,
              "label": {"id": cell.strategy_id, "en": cell.strategy_en},
              "ife_total": ife_res.total, "efe_total": efe_res.total}
    factors = [*spec.internal, *spec.external]
    swot = {kind: [f.id for f in factors if f.kind == kind]
            for kind in ("strength", "weakness", "opportunity", "threat")}
    tows = {kind: [o.id for o in spec.strategies if o.type == kind]
            for kind in ("SO", "WO", "ST", "WT")}
    return to_jsonable({
        "title": _text(spec.title), "note": _text(spec.note), "ife": ife, "efe": efe, "ie": ie,
        "swot": swot, "tows": tows,
        "strategies": [{"id": o.id, "name": o.name.model_dump(), "type": o.type}
                       for o in spec.strategies],
        "qspm": _qspm(spec),
        "comparisons": {name: _comparison(name, c) for name, c in spec.comparisons.items()},
    })
