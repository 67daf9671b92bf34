"""The SKM publication sheet: the one page an office publishes about its survey.

PermenPAN-RB Nomor 14 Tahun 2017 (Pedoman Penyusunan Survei Kepuasan Masyarakat) requires a
service unit to publish its SKM result. Offices usually do so as a one-page poster: the unit
and period, the index and its service-quality band, who answered (how many, by gender,
education and occupation), the mean score (NRR) of each of the nine elements, and what the
unit will improve. :func:`publication_sheets` builds that page for every survey with an IKM
result, from the results alone: the lowest elements are the IKM elements with the lowest NRR,
and their follow-up plan is the project's ``follow_up`` entry for the element, or an empty
row marked for the office to fill.

Like the report, the page is self-contained HTML (inline CSS, the chart as checked inline
SVG, nothing loaded from elsewhere) sized to one A4 page when printed;
:mod:`surveyq.report.pdf` prints it to PDF and PNG.
"""

from __future__ import annotations

from typing import Any

from surveyq.ikm import IKM_STANDARDS
from surveyq.report import charts
from surveyq.report.build import (
    _band_names,
    _category,
    _chart,
    _Context,
    _field_names,
    _group,
    _plan,
    _standard_bands,
    _timestamp,
    lowest_elements,
)
from surveyq.report.i18n import labels
from surveyq.report.render import ENVIRONMENT

__all__ = ["PROFILE_KINDS", "publication_model", "publication_sheets"]

#: Respondent fields the sheet shows, by kind, in this order.
PROFILE_KINDS = ("gender", "education", "occupation")



def _respondents(ctx: _Context, survey: dict[str, Any]) -> list[dict[str, Any]]:
    """Gender, education and occupation: each category's count and share."""
    names = _field_names(ctx, survey)
    groups = []
    for kind in PROFILE_KINDS:
        rows = [row for row in survey["profile"] if row.get("kind") == kind]
        for field in dict.fromkeys(row["field"] for row in rows):
            entries = [{"label": _category(ctx, row), "count": ctx.int(row["count"]),
                        "percent": ctx.pct(row["percent"]),
                        "width": f"{float(row['percent'] or 0):.1f}"}
                       for row in rows if row["field"] == field]
            groups.append({"title": names.get(field, field), "kind": kind, "rows": entries})
    return groups


def _lowest(ctx: _Context, survey: dict[str, Any], ikm: dict[str, Any]) -> list[dict[str, str]]:
    rows = []
    for element in lowest_elements(ikm):
        action, when, who = _plan(ctx, survey, element["element"])
        rows.append({"code": element["element"], "name": _group(ctx, survey, element["element"]),
                     "nrr": ctx.num(element["nrr"], "nrr"), "action": action, "when": when,
                     "who": who, "cls": "" if action else "to-fill"})
    return rows


def publication_model(results: dict[str, Any], survey_key: str, lang: str = "id",
                      *, strict: bool = False) -> dict[str, Any]:
    """The publication sheet of one survey as strings ready to print.

    Raises
    ------
    KeyError
        When the survey has no IKM result.
    """
    t = labels(lang)
    ctx = _Context(lang=lang, t=t, strict=strict)
    p = t["publication"]
    survey = results["surveys"][survey_key]
    ikm = survey["analyses"]["ikm"]
    summary = ikm["summary"]
    bands = {**_standard_bands(ctx, summary["standard"]),
             **_band_names(ctx, [summary, *ikm["elements"]])}
    names = {e["element"]: _group(ctx, survey, e["element"]) for e in ikm["elements"]}
    chart = _chart(ctx, p["chart"], charts.nrr_bars, ikm["elements"], names, value_key="nrr",
                   band_labels=bands, lang=lang)
    standard = IKM_STANDARDS.get(summary["standard"])
    period = results["project"].get("period")
    return {
        "lang": lang,
        "t": {k: v for k, v in p.items() if isinstance(v, str)},
        "organisation": ctx.text(results["project"]["organisation"]),
        "survey": ctx.text(survey["title"]),
        "period": p["period"].format(period=period) if period else "",
        "index": ctx.num(summary["converted"], "converted"),
        "raw_index": ctx.num(summary["index"], "index"),
        "band": summary["band"],
        "band_label": bands.get(str(summary["band"]), ""),
        "n": ctx.int(summary["n"]),
        "respondents": _respondents(ctx, survey),
        "charts": [{"svg": block["svg"]} for block in chart if block["kind"] == "chart"],
        "lowest": _lowest(ctx, survey, ikm),
        "basis": p["basis"].format(source=standard.citation if standard else summary["standard"],
                                   n=ctx.int(summary["n"])),
        "generated": t["generated"].format(version=results["surveyq_version"],
                                           when=_timestamp(results["generated_at"])),
    }


def publication_sheets(results: dict[str, Any], lang: str = "id", *, strict: bool = False
                       ) -> dict[str, str]:
    """The publication sheet (HTML) of every survey with an IKM result, by survey key."""
    template = ENVIRONMENT.get_template("publication.html")
    return {key: template.render(sheet=publication_model(results, key, lang, strict=strict))
            for key, survey in results["surveys"].items() if "ikm" in survey["analyses"]}


def sheet_file_names(keys: list[str]) -> dict[str, str]:
    """``skm-publication.html`` for one survey, ``skm-publication-<survey>.html`` for several."""
    if len(keys) == 1:
        return {keys[0]: "skm-publication.html"}
    return {key: f"skm-publication-{key}.html" for key in keys}
