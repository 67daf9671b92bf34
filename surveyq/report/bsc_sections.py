"""Report blocks of the finance and strategy sections and the scorecard's trend and map.

Builders in the style of :mod:`surveyq.report.build` (they use its context and block
helpers): every number is a value of ``results.json`` rounded for print, every string a
translation from ``i18n/<lang>.yaml`` (key ``bsc``). Nothing is computed here.
"""

from __future__ import annotations

from typing import Any

from surveyq.report import bsc_charts
from surveyq.report.build import (
    Block,
    _cell,
    _chart,
    _Context,
    _heading,
    _note,
    _row,
    _table,
    _text,
    _tile,
)

__all__ = ["finance_blocks", "lint_message", "scorecard_blocks", "strategy_blocks",
           "summary_blocks"]

_RATIOS = ("economy", "efficiency", "effectiveness")


def _title(ctx: _Context, section: dict[str, Any], fallback: str) -> str:
    return ctx.text(section.get("title")) or fallback


def _notes(ctx: _Context, section: dict[str, Any]) -> list[Block]:
    note = ctx.text(section.get("note"))
    return [_note(note)] if note else []


# --------------------------------------------------------------------------- finance


def _vfm(ctx: _Context, vfm: dict[str, Any], title: str) -> list[Block]:
    t = ctx.t["bsc"]["finance"]
    by = {(r["ratio"], r["period"]): r for r in vfm["rows"]}
    rows = []
    for period in vfm["periods"]:
        cells = [period]
        for ratio in _RATIOS:
            record = by.get((ratio, period)) or {}
            cells += [ctx.num(record.get("value"), "score"), ctx.text(record.get("label"))]
        rows.append(cells)
    mean = [t["mean"]]
    for ratio in _RATIOS:
        record = vfm["means"][ratio]
        mean += [ctx.num(record["value"], "score"), ctx.text(record["label"])]
    rows.append(_row(mean, "total"))
    columns = [(t["period"], "")]
    for ratio in _RATIOS:
        columns += [(t[ratio], "num"), (t["criterion"], "")]
    convention = t["conventions"].get(vfm["convention"], vfm["convention"])
    note = t["score_sentence"].format(score=ctx.num(vfm["score"], "score"),
                                      convention=convention)
    return [_table(ctx, t["vfm_caption"].format(title=title), columns, rows, note)]


def _productivity(ctx: _Context, prod: dict[str, Any], title: str) -> list[Block]:
    t = ctx.t["bsc"]["finance"]
    rows = [[r["period"], ctx.int(r["output"]), ctx.int(r["employees"]),
             ctx.num(r["productivity"], "score"), ctx.num(r["growth_pct"], "score")]
            for r in prod["rows"]]
    rows.append(_row([t["mean"], "", "", ctx.num(prod["mean"], "score"), ""], "total"))
    rows.append(_row([t["pooled"], "", "", ctx.num(prod["pooled"], "score"), ""], "total"))
    columns = [(t["period"], ""), (ctx.text(prod.get("output_name")) or t["output"], "num"),
               (t["employees"], "num"), (t["productivity"], "num"), (t["growth"], "num")]
    return [_table(ctx, t["productivity_caption"].format(title=title), columns, rows)]


def _growth(ctx: _Context, series: dict[str, Any], title: str) -> list[Block]:
    t = ctx.t["bsc"]["finance"]
    unit = ctx.text(series.get("unit"))
    rows = [[r["period"], ctx.num(r["value"], "score"), ctx.num(r["growth_pct"], "score")]
            for r in series["rows"]]
    columns = [(t["period"], ""), (f"{t['value']} {f'({unit})' if unit else ''}".strip(), "num"),
               (t["growth"], "num")]
    caption = t["growth_caption"].format(name=ctx.text(series["name"]), title=title)
    return [_table(ctx, caption, columns, rows)]


def finance_blocks(ctx: _Context, results: dict[str, Any]) -> list[Block]:
    """Value-for-money, productivity and growth tables of ``results["finance"]``."""
    finance = results.get("finance")
    if not finance:
        return []
    title = _title(ctx, finance, ctx.t["bsc"]["finance"]["default_title"])
    blocks = [_heading(title)] + _notes(ctx, finance)
    if finance.get("value_for_money"):
        blocks += _vfm(ctx, finance["value_for_money"], title)
    if finance.get("productivity"):
        blocks += _productivity(ctx, finance["productivity"], title)
    for series in (finance.get("growth") or {}).values():
        blocks += _growth(ctx, series, title)
    return blocks


# --------------------------------------------------------------------------- strategy


def _factor_table(ctx: _Context, matrix: dict[str, Any], caption: str) -> list[Block]:
    t = ctx.t["bsc"]["strategy"]
    rows = [[f["id"], ctx.text(f["name"]), t["kinds"][f["kind"]], ctx.num(f["weight"], "index"),
             ctx.num(f["rating"], "score"), ctx.num(f["score"], "index")]
            for f in matrix["factors"]]
    rows.append(_row([t["total"], "", "", ctx.num(matrix["weight_sum"], "index"), "",
                      ctx.num(matrix["total"], "index")], "total"))
    columns = [(t["code"], "code"), (t["factor"], "text"), (t["kind"], ""),
               (t["weight"], "num"), (t["rating"], "num"), (t["score"], "num")]
    note = t["weights_warning"].format(total=ctx.num(matrix["weight_sum"], "index")) \
        if matrix.get("warning") else ""
    return [_table(ctx, caption, columns, rows, note)]


def _ie(ctx: _Context, ie: dict[str, Any], title: str) -> list[Block]:
    t = ctx.t["bsc"]["strategy"]
    sentence = t["ie_sentence"].format(ife=ctx.num(ie["ife_total"], "score"),
                                       efe=ctx.num(ie["efe_total"], "score"), cell=ie["cell"],
                                       strategy=ctx.text(ie["label"]))
    return [_text(sentence)] + _chart(
        ctx, t["ie_chart"].format(title=title), bsc_charts.ie_matrix_chart, ie["ife_total"],
        ie["efe_total"], t["zones"], (t["ie_x"], t["ie_y"]), lang=ctx.lang)


def _names(ctx: _Context, strategy: dict[str, Any]) -> dict[str, str]:
    factors = [*((strategy.get("ife") or {}).get("factors") or []),
               *((strategy.get("efe") or {}).get("factors") or [])]
    names = {f["id"]: ctx.text(f["name"]) for f in factors}
    names.update({s["id"]: ctx.text(s["name"]) for s in strategy.get("strategies") or []})
    return names


def _tows(ctx: _Context, strategy: dict[str, Any], title: str) -> list[Block]:
    t = ctx.t["bsc"]["strategy"]
    swot, tows, names = strategy["swot"], strategy["tows"], _names(ctx, strategy)
    if not any(swot.values()):
        return []

    def listing(ids: list[str]) -> str:
        return "; ".join(f"{i} {names.get(i, '')}".strip() for i in ids) or ctx.t["dash"]

    plural = t["kinds_plural"]
    rows = [["", listing(swot["strength"]), listing(swot["weakness"])],
            [f"{plural['opportunity']}: {listing(swot['opportunity'])}", listing(tows["SO"]),
             listing(tows["WO"])],
            [f"{plural['threat']}: {listing(swot['threat'])}", listing(tows["ST"]),
             listing(tows["WT"])]]
    columns = [(t["swot_corner"], "text"), (plural["strength"], "text"),
               (plural["weakness"], "text")]
    return [_table(ctx, t["tows_caption"].format(title=title), columns, rows, t["tows_note"])]


def _qspm(ctx: _Context, strategy: dict[str, Any], title: str) -> list[Block]:
    qspm = strategy.get("qspm")
    if not qspm:
        return []
    t, names = ctx.t["bsc"]["strategy"], _names(ctx, strategy)
    ids = [s["id"] for s in strategy["strategies"]]
    rows = []
    for r in qspm["rows"]:
        cells = [r["factor"], names.get(r["factor"], ""), ctx.num(r["weight"], "index")]
        for sid in ids:
            cells += [ctx.num(r["scores"][sid], "score"), ctx.num(r["tas"][sid], "index")]
        rows.append(cells)
    rows.append(_row([t["total"], "", ""] + [c for sid in ids for c in (
        "", _cell(ctx.num(qspm["totals"][sid], "index"),
                  "best" if sid == qspm["chosen"] else ""))], "total"))
    columns = [(t["code"], "code"), (t["factor"], "text"), (t["weight"], "num")]
    for sid in ids:
        columns += [(t["as"].format(strategy=sid), "num"), (t["tas"].format(strategy=sid), "num")]
    legend = "; ".join(f"{sid} = {names.get(sid, '')}" for sid in ids)
    warnings = [t["qspm_weights_warning"].format(block=t["blocks"].get(b, b),
                                                 total=ctx.num(v, "index"))
                for b, v in qspm["weight_sums"].items() if b in qspm["weight_sums_off"]]
    note = " ".join([legend + ".", *warnings])
    sentence = t["chosen"].format(strategy=f"{qspm['chosen']} {names.get(qspm['chosen'], '')}",
                                  total=ctx.num(qspm["totals"][qspm["chosen"]], "index"))
    return [_table(ctx, t["qspm_caption"].format(title=title), columns, rows, note),
            _text(sentence)]


# More raters than this and the report shows the spread of their weights instead of a
# column per rater (a survey panel of 200 would not fit the page); the appendix lists each.
RATER_COLUMNS = 8


def _panel_comparison(ctx: _Context, name: str, comparison: dict[str, Any],
                      labels: dict[str, str]) -> list[Block]:
    t = ctx.t["bsc"]["strategy"]
    panel, group = comparison["panel"], comparison["group"]
    rows = [[item, labels.get(item, ""), ctx.num(panel["lowest"][item], "index"),
             ctx.num(panel["highest"][item], "index"), ctx.num(group["weights"][item], "index")]
            for item in comparison["items"]]
    rows.append(_row([t["cr"], "", "", "", ctx.num(group["cr"], "index")
                      + ("" if group["consistent"] else " *")], "total"))
    columns = [(t["code"], "code"), (t["item"], "text"), (t["lowest"], "num"),
               (t["highest"], "num"), (t["group"], "num")]
    note = " ".join([t["methods"]["aij-geometric-mean"],
                     t["panel_note"].format(raters=panel["raters"],
                                            inconsistent=len(panel["inconsistent"])),
                     "" if group["consistent"] else t["inconsistent_note"]]).strip()
    caption = t["ahp_caption"].format(comparison=ctx.text(comparison.get("title")) or name)
    return [_table(ctx, caption, columns, rows, note)]


def _comparison(ctx: _Context, name: str, comparison: dict[str, Any],
                labels: dict[str, str]) -> list[Block]:
    t = ctx.t["bsc"]["strategy"]
    raters = comparison["raters"]
    if len(raters) > RATER_COLUMNS and comparison.get("panel"):
        return _panel_comparison(ctx, name, comparison, labels)
    rows = [[item, labels.get(item, "")] + [ctx.num(r["weights"][item], "index") for r in raters]
            + [ctx.num(comparison["group"]["weights"][item], "index")]
            for item in comparison["items"]]
    cr = [ctx.num(r["cr"], "index") + ("" if r["consistent"] else " *") for r in raters]
    group_cr = comparison["group"]
    rows.append(_row([t["cr"], ""] + cr + [ctx.num(group_cr["cr"], "index")
                                            + ("" if group_cr["consistent"] else " *")],
                     "total"))
    columns = ([(t["code"], "code"), (t["item"], "text")]
               + [(r["name"], "num") for r in raters] + [(t["group"], "num")])
    note = t["methods"].get(comparison["method"], comparison["method"])
    if any(not r["consistent"] for r in raters) or not group_cr["consistent"]:
        note += " " + t["inconsistent_note"]
    caption = t["ahp_caption"].format(comparison=ctx.text(comparison.get("title")) or name)
    return [_table(ctx, caption, columns, rows, note)]


def strategy_blocks(ctx: _Context, results: dict[str, Any]) -> list[Block]:
    """IFE, EFE, IE matrix, SWOT/TOWS, QSPM and paired-comparison weights."""
    strategy = results.get("strategy")
    if not strategy:
        return []
    t = ctx.t["bsc"]["strategy"]
    title = _title(ctx, strategy, t["default_title"])
    blocks = [_heading(title)] + _notes(ctx, strategy)
    if strategy.get("ife"):
        blocks += _factor_table(ctx, strategy["ife"], t["ife_caption"].format(title=title))
    if strategy.get("efe"):
        blocks += _factor_table(ctx, strategy["efe"], t["efe_caption"].format(title=title))
    if strategy.get("ie"):
        blocks += _ie(ctx, strategy["ie"], title)
    blocks += _tows(ctx, strategy, title) + _qspm(ctx, strategy, title)
    labels = _item_labels(ctx, results)
    for name, comparison in (strategy.get("comparisons") or {}).items():
        blocks += _comparison(ctx, name, comparison, labels)
    return blocks


def _item_labels(ctx: _Context, results: dict[str, Any]) -> dict[str, str]:
    """Names of the items a comparison may weigh: the scorecard's perspectives and IKU."""
    card = results.get("scorecard") or {}
    return {r["id"]: ctx.text(r["name"]) for key in ("perspectives", "indicators")
            for r in card.get(key) or []}


# --------------------------------------------------------------------------- scorecard


def _trend(ctx: _Context, card: dict[str, Any], title: str) -> list[Block]:
    trend = card.get("trend")
    if not trend or not trend.get("rows"):
        return []
    t = ctx.t["bsc"]["scorecard"]
    perspectives = [(p["id"], ctx.text(p["name"])) for p in card["perspectives"]]
    rows = [[r["period"], ctx.num(r["score"], "score"), ctx.text(r["label"])]
            + [ctx.num(r.get(f"perspective:{pid}"), "score") for pid, _ in perspectives]
            for r in trend["rows"]]
    columns = ([(t["period"], ""), (t["score"], "num"), (t["predicate"], "")]
               + [(name, "num") for _, name in perspectives])
    history = t["trend_history"] if len(trend["rows"]) > 1 else ""
    note = " ".join(part for part in (ctx.text(trend.get("note")),
                                      t["trend_by"].get(trend["by"], ""), history) if part)
    periods = [r["period"] for r in trend["rows"]]
    series = {t["score"]: [r["score"] for r in trend["rows"]]}
    series.update({name: [r.get(f"perspective:{pid}") for r in trend["rows"]]
                   for pid, name in perspectives})
    reference = None if card["scheme"] == "weighted-score" else 100.0
    return ([_table(ctx, t["trend_caption"].format(title=title), columns, rows, note)]
            + _chart(ctx, t["trend_chart"].format(title=title), bsc_charts.trend_lines,
                     periods, series, reference=reference, lang=ctx.lang))


def _map(ctx: _Context, card: dict[str, Any], title: str) -> list[Block]:
    objectives = card.get("objectives") or []
    # the Word appendix prints the map once, on its own landscape page after the scorecard's
    # tables (appendix_bsc.figures), not again among the report's figures
    if not objectives or ctx.chart_format == "png":
        return []
    t = ctx.t["bsc"]["scorecard"]
    names = {p["id"]: ctx.text(p["name"]) for p in card["perspectives"]}
    rows = [{**o, "label": ctx.text(o["name"])} for o in objectives]
    legend = {**ctx.t["scorecard"]["colours"], "none": t["no_value"]}
    blocks = _chart(ctx, t["map_chart"].format(title=title), bsc_charts.strategy_map,
                    card["perspectives"], rows, names, legend, no_data=ctx.t["dash"],
                    lang=ctx.lang)
    if not any(o.get("supports") for o in objectives):
        blocks.append(_note(t["map_no_links"]))
    return blocks


def design_table(ctx: _Context, card: dict[str, Any], title: str) -> list[Block]:
    """A scorecard that is not scored: each IKU as designed (the IKU manual's target,
    polarity, type and controllability with their weights), in place of the empty
    realisation and status columns."""
    t, s = ctx.t["bsc"]["scorecard"], ctx.t["scorecard"]

    def weight(value: Any) -> str:
        return ctx.t["dash"] if value is None else ctx.num(value, "index")

    rows = [[d["id"], ctx.text(d["name"]), d.get("objective") or ctx.t["dash"],
             _design_target(ctx, d.get("target")), ctx.text(d.get("unit")),
             s["polarities"].get(d["polarity"], d["polarity"]),
             t["iku_types"].get(d.get("iku_type"), ctx.t["dash"]),
             weight(d.get("validity_weight")),
             t["controllabilities"].get(d.get("controllability"), ctx.t["dash"]),
             weight(d.get("controllability_weight"))] for d in card.get("definitions") or []]
    columns = [(s["code"], "code"), (s["indicator"], "text"), (s["objective"], "code"),
               (s["target"], "num"), (s["unit"], ""), (s["polarity"], ""),
               (t["iku_type"], ""), (t["validity_weight"], "num"),
               (t["controllability"], ""), (t["controllability_weight"], "num")]
    return [_table(ctx, t["design_caption"].format(title=title), columns, rows,
                   t["design_note"])]


def _design_target(ctx: _Context, target: Any) -> str:
    if isinstance(target, list):
        return f"{ctx.num(target[0], 'score')}–{ctx.num(target[1], 'score')}"
    return ctx.num(target, "score")


def _score_tables(ctx: _Context, card: dict[str, Any]) -> list[Block]:
    t = ctx.t["bsc"]["scorecard"]
    blocks = []
    for table in card.get("score_tables") or []:
        rows = [[t["at_least"].format(value=ctx.num(r["min"], "score")) if r["min"] is not None
                 else t["below"], ctx.int(r["score"])] for r in table["rules"]]
        name = ctx.text(table.get("title")) or table["name"]
        note = t["score_table_source"].format(source=ctx.text(table.get("source"))
                                              or t["no_source"])
        blocks.append(_table(ctx, t["score_table_caption"].format(name=name),
                             [(t["achievement"], "num"), (t["score_value"], "num")], rows, note))
        scored = [i for i in card["indicators"] if i.get("score_table") == table["name"]]
        if scored:
            rows = [[i["id"], ctx.text(i["name"]), ctx.num(i.get("achievement"), "score"),
                     ctx.int(i["score"]) if i.get("score") is not None else ctx.t["dash"]]
                    for i in scored]
            columns = [(t["code"], "code"), (t["indicator"], "text"), (t["achievement"], "num"),
                       (t["score_value"], "num")]
            blocks.append(_table(ctx, t["scored_caption"].format(name=name), columns, rows))
    return blocks


def _weights_from(ctx: _Context, card: dict[str, Any],
                  comparisons: dict[str, Any]) -> list[Block]:
    t = ctx.t["bsc"]["scorecard"]
    names = {p["id"]: ctx.text(p["name"]) for p in card["perspectives"]}
    lines = [t["weights_from"].format(
        what=t["perspectives_word"] if key == "perspectives"
        else t["iku_of"].format(perspective=names.get(key, key)),
        comparison=ctx.text((comparisons.get(name) or {}).get("title")) or name)
        for key, name in (card.get("weights_from") or {}).items()]
    return [_note(" ".join(lines))] if lines else []


def scorecard_blocks(ctx: _Context, results: dict[str, Any], title: str) -> list[Block]:
    """The scorecard's trend (table and chart), strategy map, score tables and weight source."""
    card = results["scorecard"]
    comparisons = (results.get("strategy") or {}).get("comparisons") or {}
    return (_weights_from(ctx, card, comparisons) + _trend(ctx, card, title)
            + _map(ctx, card, title) + _score_tables(ctx, card))


def lint_message(ctx: _Context, finding: dict[str, Any]) -> str:
    """A lint finding in the report language when its code has a translation."""
    messages = ctx.t["bsc"]["lint"]
    code = finding.get("code")
    if code not in messages:
        return str(finding.get("message", ""))
    subject = str(finding.get("message", "")).split(":", 1)[0]
    return messages[code].format(subject=subject)



# --------------------------------------------------------------------------- summary


def _finance_tiles(ctx: _Context, finance: dict[str, Any]) -> list[dict[str, str]]:
    t = ctx.t["bsc"]["summary"]
    tiles = []
    vfm = finance.get("value_for_money")
    if vfm:
        latest = vfm["periods"][-1]
        by = {(r["ratio"], r["period"]): r for r in vfm["rows"]}
        for ratio in _RATIOS:
            row = by[(ratio, latest)]
            tiles.append(_tile(t[ratio].format(period=latest),
                               ctx.pct(row["value"], "score"), ctx.text(row["label"])))
    prod = finance.get("productivity")
    if prod:
        last = prod["rows"][-1]
        tiles.append(_tile(t["productivity"].format(period=last["period"]),
                           ctx.num(last["productivity"], "score"),
                           t["productivity_detail"].format(
                               output=ctx.text(prod.get("output_name")))))
    return tiles


def _strategy_tiles(ctx: _Context, strategy: dict[str, Any]) -> list[dict[str, str]]:
    t = ctx.t["bsc"]["summary"]
    tiles = []
    if strategy.get("ie"):
        ie = strategy["ie"]
        tiles.append(_tile(t["ie"], ie["cell"], ctx.text(ie["label"])))
    if strategy.get("qspm"):
        qspm, names = strategy["qspm"], _names(ctx, strategy)
        tiles.append(_tile(t["chosen"], qspm["chosen"], names.get(qspm["chosen"], "")))
    return tiles


def summary_blocks(ctx: _Context, results: dict[str, Any]) -> list[Block]:
    """Headline tiles: the latest value-for-money ratios and productivity, the IE cell and
    the most attractive strategy."""
    blocks: list[Block] = []
    for key, build, fallback in (("finance", _finance_tiles, "finance"),
                                 ("strategy", _strategy_tiles, "strategy")):
        section = results.get(key)
        tiles = build(ctx, section) if section else []
        if tiles:
            title = _title(ctx, section, ctx.t["bsc"][fallback]["default_title"])
            blocks += [_heading(title), {"kind": "tiles", "tiles": tiles}]
    return blocks
