"""Appendix tables of the finance and strategy sections and of the scorecard's IKU manual,
trend and score tables; and the strategy map as a figure for the Word appendix.

Built like the other appendix tables (:mod:`surveyq.report.appendix`): numbers stay numbers
at full precision, headers and captions come from ``i18n/appendix.<lang>.yaml`` (key
``bsc``), and nothing is computed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from surveyq.report.appendix import D2, D3, G2, INT, Column, Table, _frame, _lookup, _text, texts

__all__ = ["bsc_tables", "figures"]

_RATIOS = ("economy", "efficiency", "effectiveness")


def _table(lang: str, name: str, columns: Sequence[Column], records: Iterable[Mapping[str, Any]],
           title: str, note: str = "") -> Table:
    t = texts(lang)["bsc"]
    frame, formats = _frame(records, columns)
    return Table(name, t["captions"][name].format(title=title), frame, formats, note, (), name,
                 t["sheets"][name])


# --------------------------------------------------------------------------- finance


def _finance(finance: Mapping[str, Any], lang: str) -> list[Table]:
    c = texts(lang)["bsc"]["columns"]
    title = _text(finance.get("title"), lang) or texts(lang)["bsc"]["finance_title"]
    tables = []
    vfm = finance.get("value_for_money")
    if vfm:
        columns: list[Column] = [
            (c["period"], "period", None), (c["ratio"], lambda r: c[r["ratio"]], None),
            (c["value_pct"], "value", D2), (c["criterion"], lambda r: _text(r["label"], lang),
                                             None)]
        means = [{"period": c["mean"], "ratio": k, "value": v["value"], "label": v["label"]}
                 for k, v in vfm["means"].items()]
        note = texts(lang)["bsc"]["vfm_note"].format(score=f"{vfm['score']:.4f}",
                                                     convention=vfm["convention"])
        tables.append(_table(lang, "vfm", columns, [*vfm["rows"], *means], title, note))
    prod = finance.get("productivity")
    if prod:
        columns = [(c["period"], "period", None), (c["output"], "output", INT),
                   (c["employees"], "employees", INT), (c["productivity"], "productivity", D2),
                   (c["growth_pct"], "growth_pct", D2)]
        extra = [{"period": c["mean"], "productivity": prod["mean"]},
                 {"period": c["pooled"], "productivity": prod["pooled"]}]
        tables.append(_table(lang, "productivity", columns, [*prod["rows"], *extra], title))
    for series in (finance.get("growth") or {}).values():
        columns = [(c["period"], "period", None), (c["value"], "value", D2),
                   (c["growth_pct"], "growth_pct", D2)]
        name = _text(series["name"], lang)
        tables.append(_table(lang, "growth", columns, series["rows"], f"{name}, {title}"))
    return tables


# --------------------------------------------------------------------------- strategy


def _factors(matrix: Mapping[str, Any], lang: str, name: str, title: str) -> Table:
    t = texts(lang)["bsc"]
    c = t["columns"]
    columns: list[Column] = [
        (c["code"], "id", None), (c["factor"], lambda r: _text(r.get("name"), lang), None),
        (c["kind"], lambda r: _lookup(t["kinds"], r.get("kind")), None),
        (c["weight"], "weight", D3), (c["rating"], "rating", D2), (c["score"], "score", D3)]
    total = {"id": c["total"], "weight": matrix["weight_sum"], "score": matrix["total"]}
    note = t["weights_warning"].format(total=f"{matrix['weight_sum']:.3f}") \
        if matrix.get("warning") else ""
    return _table(lang, name, columns, [*matrix["factors"], total], title, note)


def _qspm(strategy: Mapping[str, Any], lang: str, title: str) -> Table:
    c = texts(lang)["bsc"]["columns"]
    qspm = strategy["qspm"]
    ids = [s["id"] for s in strategy["strategies"]]
    columns: list[Column] = [(c["code"], "factor", None), (c["weight"], "weight", D3)]
    for sid in ids:
        columns += [(f"AS {sid}", lambda r, s=sid: (r.get("scores") or {}).get(s), D2),
                    (f"TAS {sid}", lambda r, s=sid: (r.get("tas") or {}).get(s), D3)]
    total = {"factor": c["total"], "tas": qspm["totals"]}
    names = "; ".join(f"{s['id']} = {_text(s['name'], lang)}" for s in strategy["strategies"])
    t = texts(lang)["bsc"]
    sums = [t["qspm_weights_warning"].format(block=t["blocks"].get(b, b), total=f"{v:.3f}")
            for b, v in qspm["weight_sums"].items() if b in qspm["weight_sums_off"]]
    note = " ".join([names + ".", *sums])
    return _table(lang, "qspm", columns, [*qspm["rows"], total], title, note)


# More raters than this and the table has a row per rater instead of a column per rater.
RATER_COLUMNS = 8


def _panel_rows(comp: Mapping[str, Any], lang: str, title: str) -> Table:
    """A large panel: one row per rater (weights per item and CR), the panel last."""
    c, t = texts(lang)["bsc"]["columns"], texts(lang)["bsc"]
    items = comp["items"]
    columns: list[Column] = [(c["rater"], "rater", None)]
    columns += [(item, lambda row, i=item: row["weights"][i], D3) for item in items]
    columns += [("CR", "cr", D3), (c["consistent"], "flag", None)]
    flag = {True: "", False: t["inconsistent_flag"]}
    rows = [{**r, "rater": r["name"], "flag": flag[r["consistent"]]} for r in comp["raters"]]
    rows.append({**comp["group"], "rater": c["group"], "flag": flag[comp["group"]["consistent"]]})
    note = " ".join([t["ahp_note"], t["ahp_panel"].format(
        raters=len(comp["raters"]), inconsistent=len(comp["panel"]["inconsistent"]))])
    return _table(lang, "ahp", columns, rows, title, note)


def _comparisons(strategy: Mapping[str, Any], lang: str) -> list[Table]:
    c = texts(lang)["bsc"]["columns"]
    tables = []
    for name, comp in (strategy.get("comparisons") or {}).items():
        raters = comp["raters"]
        if len(raters) > RATER_COLUMNS and comp.get("panel"):
            tables.append(_panel_rows(comp, lang, _text(comp.get("title"), lang) or name))
            continue
        columns: list[Column] = [(c["item"], "item", None)]
        columns += [(r["name"], lambda row, n=r["name"]: row.get(n), D3) for r in raters]
        columns.append((c["group"], "group", D3))
        rows = [{"item": item, **{r["name"]: r["weights"][item] for r in raters},
                 "group": comp["group"]["weights"][item]} for item in comp["items"]]
        rows.append({"item": "CR", **{r["name"]: r["cr"] for r in raters},
                     "group": comp["group"]["cr"]})
        title = _text(comp.get("title"), lang) or name
        flagged = [r["name"] for r in raters if not r["consistent"]]
        if not comp["group"]["consistent"]:
            flagged.append(c["group"])
        t = texts(lang)["bsc"]
        note = " ".join([t["ahp_note"], t["ahp_inconsistent"].format(raters=", ".join(flagged))
                         if flagged else ""]).strip()
        tables.append(_table(lang, "ahp", columns, rows, title, note))
    return tables


def _strategy(strategy: Mapping[str, Any], lang: str) -> list[Table]:
    title = _text(strategy.get("title"), lang) or texts(lang)["bsc"]["strategy_title"]
    tables = []
    if strategy.get("ife"):
        tables.append(_factors(strategy["ife"], lang, "ife", title))
    if strategy.get("efe"):
        tables.append(_factors(strategy["efe"], lang, "efe", title))
    if strategy.get("ie"):
        c = texts(lang)["bsc"]["columns"]
        ie = strategy["ie"]
        columns: list[Column] = [(c["ife_total"], "ife_total", D3),
                                 (c["efe_total"], "efe_total", D3), (c["cell"], "cell", None),
                                 (c["strategy"], lambda r: _text(r["label"], lang), None)]
        tables.append(_table(lang, "ie", columns, [ie], title))
    if strategy.get("qspm"):
        tables.append(_qspm(strategy, lang, title))
    return tables + _comparisons(strategy, lang)


# --------------------------------------------------------------------------- scorecard


def _definitions(card: Mapping[str, Any], lang: str, title: str) -> list[Table]:
    """The IKU manual in two tables (what is measured; how it is measured and by whom), so
    each fits a printed page."""
    t = texts(lang)
    c = t["bsc"]["columns"]
    code: Column = (c["code"], "id", None)
    what: list[Column] = [
        code, (c["indicator"], lambda r: _text(r["name"], lang), None),
        (c["objective"], "objective", None),
        (c["target"], lambda r: _target(r.get("target")), G2),
        (c["description"], lambda r: _text(r.get("description"), lang), None),
        (c["formula"], lambda r: _text(r.get("formula"), lang), None)]
    how: list[Column] = [
        code, (c["unit"], lambda r: _text(r.get("unit"), lang), None),
        (c["data_source"], lambda r: _text(r.get("data_source"), lang), None),
        (c["responsible"], "responsible", None),
        (c["reporting_period"], lambda r: _lookup(t["bsc"]["periods"], r.get("reporting_period")),
         None),
        (c["polarity"], lambda r: _lookup(t["bsc"]["polarity"], r.get("polarity")), None),
        (c["consolidation"], lambda r: _lookup(t["consolidation"], r.get("consolidation")), None),
        (c["iku_type"], lambda r: _lookup(t["bsc"]["iku_types"], r.get("iku_type")), None),
        (c["validity_weight"], "validity_weight", D2),
        (c["controllability"], lambda r: _lookup(t["bsc"]["controllability"],
                                                 r.get("controllability")), None),
        (c["controllability_weight"], "controllability_weight", D2)]
    note = t["bsc"]["definitions_note"]
    return [_table(lang, "definitions", what, card["definitions"], title, note),
            _table(lang, "definitions_measure", how, card["definitions"], title, note)]


def _target(target: Any) -> Any:
    """A number stays a number; a range [low, high] reads low-high."""
    return f"{target[0]:g}-{target[1]:g}" if isinstance(target, list) else target


def _trend(card: Mapping[str, Any], lang: str, title: str) -> Table:
    c = texts(lang)["bsc"]["columns"]
    trend = card["trend"]
    columns: list[Column] = [(c["period"], "period", None), (c["score"], "score", D2),
                             (c["predicate"], lambda r: _text(r.get("label"), lang), None)]
    columns += [(_text(p["name"], lang), f"perspective:{p['id']}", D2)
                for p in card["perspectives"]]
    return _table(lang, "trend", columns, trend["rows"], title,
                  _text(trend.get("note"), lang))


def _score_tables(card: Mapping[str, Any], lang: str) -> list[Table]:
    c = texts(lang)["bsc"]["columns"]
    tables = []
    for table in card.get("score_tables") or []:
        columns: list[Column] = [(c["min_achievement"], "min", D2), (c["score"], "score", INT)]
        tables.append(_table(lang, "score_table", columns, table["rules"],
                             _text(table.get("title"), lang) or table["name"],
                             _text(table.get("source"), lang)))
    return tables


def _card(card: Mapping[str, Any], lang: str) -> list[Table]:
    title = _text(card.get("title"), lang)
    tables = []
    if card.get("definitions"):
        tables += _definitions(card, lang, title)
    if (card.get("trend") or {}).get("rows"):
        tables.append(_trend(card, lang, title))
    return tables + _score_tables(card, lang)


def bsc_tables(results: Mapping[str, Any], lang: str) -> list[Table]:
    """Finance, strategy, IKU-manual, trend and score tables of a results mapping."""
    tables = []
    if results.get("finance"):
        tables += _finance(results["finance"], lang)
    if results.get("strategy"):
        tables += _strategy(results["strategy"], lang)
    if results.get("scorecard"):
        tables += _card(results["scorecard"], lang)
    return tables


#: The strategy map follows the last scorecard table in the Word appendix.
_MAP_AFTER = ("scorecard_objectives", "scorecard_indicators", "scorecard_lint", "definitions",
              "trend", "score_table")


def figures(results: Mapping[str, Any], lang: str) -> list[tuple[str, bytes, tuple[str, ...]]]:
    """Figures for the Word appendix: (caption, PNG bytes, table types it follows); the
    strategy map when the scorecard has objectives."""
    from surveyq.report.bsc_charts import strategy_map_png
    from surveyq.report.i18n import labels

    card = results.get("scorecard") or {}
    objectives = card.get("objectives") or []
    if not objectives:
        return []
    t = labels(lang)
    names = {p["id"]: _text(p["name"], lang) for p in card["perspectives"]}
    rows = [{**o, "label": _text(o["name"], lang)} for o in objectives]
    legend = {**t["scorecard"]["colours"], "none": t["bsc"]["scorecard"]["no_value"]}
    png = strategy_map_png(card["perspectives"], rows, names, legend, no_data=t["dash"],
                           lang=lang)
    caption = texts(lang)["bsc"]["captions"]["strategy_map"].format(
        title=_text(card.get("title"), lang))
    return [(caption, png, _MAP_AFTER)] if png else []
