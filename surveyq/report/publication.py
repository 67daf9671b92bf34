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
    _level,
    _plan,
    _signed,
    _standard_bands,
    _timestamp,
    _unit_changes,
    _unit_name,
    lowest_elements,
)
from surveyq.report.i18n import labels
from surveyq.report.render import ENVIRONMENT

__all__ = ["PROFILE_KINDS", "publication_model", "publication_sheets", "unit_publication_models"]

#: Respondent fields the sheet shows, by kind, in this order.
PROFILE_KINDS = ("gender", "education", "occupation")



def _respondents(ctx: _Context, survey: dict[str, Any],
                 profile: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Gender, education and occupation: each category's count and share."""
    names = _field_names(ctx, survey)
    groups = []
    for kind in PROFILE_KINDS:
        rows = [row for row in (survey["profile"] if profile is None else profile)
                if row.get("kind") == kind]
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
        "basis_source": standard.citation if standard else summary["standard"],
        "unit": None, "extra": [], "bars": [], "compare": [],
        "generated": t["generated"].format(version=results["surveyq_version"],
                                           when=_timestamp(results["generated_at"])),
    }


def unit_publication_models(results: dict[str, Any], survey_key: str, lang: str = "id",
                            *, strict: bool = False) -> list[dict[str, Any]]:
    """One publication sheet per service unit (ranking order), as strings ready to print.

    The same page as the organisation's, for the unit: its index and band, its rank and
    interval, its respondents (when the rows were read in memory), its NRR per element
    (bars coloured by the element's band) and its lowest elements with the project's
    ``follow_up`` plan for them. Units without an index get no sheet.
    """
    sheet = publication_model(results, survey_key, lang, strict=strict)
    t = labels(lang)
    ctx = _Context(lang=lang, t=t, strict=strict)
    p, survey = t["publication"], results["surveys"][survey_key]
    block = survey["analyses"]["ikm"]["units"]
    standard = survey["analyses"]["ikm"]["summary"]["standard"]
    bands = _standard_bands(ctx, standard)
    nrr = {row["unit"]: row for row in block["nrr"]}
    nrr_band = {row["unit"]: row for row in block["nrr_band"]}
    profiles = block.get("profile") or []
    pages = []
    for u in block["units"]:
        if u["converted"] is None:
            continue
        pages.append({
            **sheet, "charts": [],
            "unit": _unit_name(ctx, survey, block["field"], u["unit"]),
            "index": ctx.num(u["converted"], "converted"), "raw_index": ctx.num(u["index"],
                                                                               "index"),
            "band": u["band"], "band_label": bands.get(str(u["band"]), ""),
            "n": ctx.int(u["n"]),
            "extra": [p["unit_rank"].format(rank=ctx.int(u["rank"]),
                                            of=ctx.int(len(block["units"]))),
                      p["unit_interval"].format(level=_level(ctx, block["level"]),
                                                low=ctx.num(u["low"], "converted"),
                                                high=ctx.num(u["high"], "converted"))
                      if u["low"] is not None else
                      p["unit_no_spread"] if u.get("no_spread") else p["unit_no_interval"]]
            + ([ctx.t["units"]["unit_small"].format(min_n=ctx.int(block["min_n"]))]
               if u["below_min_n"] else []),
            "respondents": _respondents(ctx, survey, [r for r in profiles
                                                      if r.get("unit") == u["unit"]]),
            "bars": _unit_bars(ctx, survey, nrr[u["unit"]], nrr_band.get(u["unit"], {})),
            "bars_note": p["unit_bars_note"],
            "compare": _unit_compare(ctx, block, u),
            "lowest": _unit_lowest(ctx, survey, u, nrr[u["unit"]]),
            "basis": p["basis"].format(source=sheet["basis_source"], n=ctx.int(u["n"])),
        })
    return pages


def _unit_compare(ctx: _Context, block: dict[str, Any], u: dict[str, Any]) -> list[str]:
    """The unit against the rest of the organisation and against its earlier periods."""
    t = ctx.t["units"]
    lines = []
    if u.get("differs") is not None or u.get("no_spread"):  # a flat unit: "not estimable"
        lines.append(ctx.t["publication"]["unit_rest"].format(
            rest=ctx.num(u["rest_converted"], "converted"), diff=_signed(ctx, u["diff"]),
            verdict=t["differs"].get(str(u["differs"]), "")))
    return lines + _unit_changes(ctx, block, u["unit"])


def _unit_bars(ctx: _Context, survey: dict[str, Any], nrr: dict[str, Any],
               bands: dict[str, Any]) -> list[dict[str, str]]:
    """A unit's NRR per element as bars on the 1-4 scale (width = NRR / 4)."""
    return [{"label": f"{code} {_group(ctx, survey, code)}", "nrr": ctx.num(value, "nrr"),
             "band": str(bands.get(code) or ""), "width": f"{100 * value / 4:.1f}"}
            for code, value in nrr.items() if code != "unit" and value is not None]


def _unit_lowest(ctx: _Context, survey: dict[str, Any], u: dict[str, Any],
                 nrr: dict[str, Any]) -> list[dict[str, str]]:
    rows = []
    for code in u["lowest_elements"]:
        action, when, who = _plan(ctx, survey, code, u["unit"])
        rows.append({"code": code, "name": _group(ctx, survey, code),
                     "nrr": ctx.num(nrr.get(code), "nrr"), "action": action, "when": when,
                     "who": who, "cls": "" if action else "to-fill"})
    return rows


def publication_sheets(results: dict[str, Any], lang: str = "id", *, strict: bool = False
                       ) -> dict[str, str]:
    """The publication sheet (HTML) of every survey with an IKM result, by survey key; and
    for a survey with service units, one file with a sheet per unit (key ``<survey>/units``).
    """
    template = ENVIRONMENT.get_template("publication.html")
    sheets = {}
    for key, survey in results["surveys"].items():
        if "ikm" not in survey["analyses"]:
            continue
        sheets[key] = template.render(sheets=[publication_model(results, key, lang,
                                                                strict=strict)])
        units = survey["analyses"]["ikm"].get("units") or {}
        if units.get("units"):
            pages = unit_publication_models(results, key, lang, strict=strict)
            if pages:
                sheets[f"{key}/units"] = template.render(sheets=pages)
    return sheets


def sheet_file_names(keys: list[str]) -> dict[str, str]:
    """``skm-publication.html`` for one survey, ``skm-publication-<survey>.html`` for several;
    the per-unit sheets of a survey (key ``<survey>/units``) go to
    ``skm-publication-units.html`` (``skm-publication-units-<survey>.html`` for several)."""
    surveys = [key for key in keys if not key.endswith("/units")]
    names = {}
    for key in keys:
        survey, _, units = key.partition("/")
        stem = "skm-publication-units" if units else "skm-publication"
        names[key] = f"{stem}.html" if len(surveys) == 1 else f"{stem}-{survey}.html"
    return names
