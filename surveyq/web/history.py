"""Earlier runs in the data folder, and the IKM trend where a questionnaire recurs.

Nothing is computed here that a run did not already compute: each run's headline comes from
its results.json, and the trend is :func:`surveyq.ikm.ikm_trend` over each period's element
NRRs (:func:`surveyq.ikm.ikm_from_nrr`), drawn by the report's own
:func:`surveyq.report.charts.trend_line`.
"""

from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass, field
from typing import Any

from surveyq.web.jobs import JobStore


@dataclass
class RunRow:
    job: str
    created: str
    period: str
    organisation: str
    survey: str
    title: str
    n: int
    ikm: float | None
    band: str
    label: str
    signature: tuple[Any, ...]
    ikm_detail: dict[str, Any] | None = None


@dataclass
class Trend:
    title: str
    rows: list[dict[str, Any]]
    svg: str = ""            # the chart as a data: URI of its SVG (an image: no inline style)
    notes: list[str] = field(default_factory=list)


def _text(value: Any, lang: str) -> str:
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("id") or "")
    return "" if value is None else str(value)


def runs(store: JobStore, lang: str) -> list[RunRow]:
    """One row per survey of every finished run, newest first."""
    rows = []
    for job in store.all():
        results = job.results()
        if results is None or job.status().state != "done":
            continue
        project = results.get("project") or {}
        for name, survey in (results.get("surveys") or {}).items():
            q = survey.get("questionnaire") or {}
            ikm = (survey.get("analyses") or {}).get("ikm")
            summary = (ikm or {}).get("summary") or {}
            items = tuple(sorted((i["item"], i.get("element") or i.get("dimension") or "")
                                 for i in survey.get("items") or []))
            rows.append(RunRow(
                job=job.id, created=job.meta.get("created", ""),
                period=_text(project.get("period"), lang),
                organisation=_text(project.get("organisation"), lang),
                survey=name, title=_text(survey.get("title"), lang), n=survey.get("n") or 0,
                ikm=summary.get("converted"), band=summary.get("band") or "",
                label=summary.get("label_en" if lang == "en" else "label") or "",
                # one office's one questionnaire: the same organisation, kind and items
                signature=(json.dumps(project.get("organisation"), sort_keys=True),
                           q.get("kind"), q.get("standard"), items),
                ikm_detail=ikm))
    return rows


def trends(rows: list[RunRow], lang: str, labels: dict[str, str]) -> list[Trend]:
    """The IKM across periods for each questionnaire run in two periods or more."""
    from surveyq.ikm import ikm_from_nrr, ikm_trend
    from surveyq.report import charts

    groups: dict[tuple[Any, ...], dict[str, RunRow]] = {}
    for row in sorted(rows, key=lambda r: r.created):      # the latest run of a period wins
        if row.ikm is not None and row.period and row.ikm_detail:
            groups.setdefault(row.signature, {})[row.period] = row
    out = []
    for by_period in groups.values():
        if len(by_period) < 2:
            continue
        periods = sorted(by_period)
        results = {}
        for period in periods:
            detail = by_period[period].ikm_detail or {}
            elements = detail.get("elements") or []
            summary = detail["summary"]
            results[period] = ikm_from_nrr(
                {e["element"]: e["nrr"] for e in elements}, standard=summary["standard"],
                weight_mode=summary.get("weight_mode"),
                n={e["element"]: e["n"] for e in elements})
        trend = ikm_trend(results)
        table = []
        for period, record in trend.summary.iterrows():
            change = record["converted_change"]
            table.append({"period": period, "n": by_period[period].n, "job": by_period[period].job,
                          "converted": record["converted"], "band": record["band"],
                          "label": by_period[period].label,
                          "change": None if change is None or math.isnan(change) else change})
        latest = by_period[periods[-1]]
        svg = charts.trend_line(table, thresholds=_thresholds(latest), y_label=labels["ikm"],
                                lang=lang)
        if svg:   # an <img>: the page's CSP allows no inline style, an image keeps its own
            svg = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
        out.append(Trend(title=latest.title, rows=table, svg=svg,
                         notes=[str(n) for n in trend.notes]))
    return out


def _thresholds(row: RunRow) -> list[tuple[float, str]]:
    from surveyq.bands import BANDS
    from surveyq.ikm import IKM_STANDARDS

    rules = IKM_STANDARDS.get((row.ikm_detail or {}).get("summary", {}).get("standard"))
    table = BANDS.get(rules.band_table) if rules else None
    if table is None:
        return []
    return [(float(band.lower), band.code) for band in table.bands if band.lower is not None]
