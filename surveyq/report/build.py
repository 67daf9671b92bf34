"""Build the report model: the only place that rounds numbers and translates labels.

Following great_tables' build-then-render (../shared/spec/style-models.md section 3): the
model is plain data (strings ready to print), the templates hold no logic beyond loops.
Locale facts (decimal and group marks) and every visible string are data in i18n/*.yaml.
"""

from __future__ import annotations

from typing import Any

from surveyq.report.i18n import format_number, labels


def _text(value: Any, lang: str) -> str:
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("id") or "")
    return "" if value is None else str(value)


def _quality_rows(survey: dict[str, Any], lang: str) -> list[dict[str, str]]:
    names = labels(lang)
    rows = []
    for record in survey["log_summary"]:
        rows.append({
            "reason": names["reasons"].get(record["reason"], record["reason"]),
            "action": names["actions"].get(record["action"], record["action"]),
            "count": format_number(record["count"], 0, lang),
        })
    return rows


def _accounting(survey: dict[str, Any], lang: str) -> list[dict[str, str]]:
    names = labels(lang)
    rows = []
    for record in survey["row_accounting"]:
        excluded = [
            f"{names['reasons'][reason]}: {format_number(record[reason], 0, lang)}"
            for reason in sorted(names["reasons"]) if record.get(reason)
        ]
        rows.append({
            "file": record["file"],
            "rows_in_file": format_number(record["rows_in_file"], 0, lang),
            "excluded": "; ".join(excluded) or names["none"],
            "rows_kept": format_number(record["rows_kept"], 0, lang),
        })
    return rows


def build_report(results: dict[str, Any], lang: str = "id") -> dict[str, Any]:
    """Turn a results mapping into the report model for ``lang``."""
    names = labels(lang)
    surveys = []
    for name, survey in results["surveys"].items():
        surveys.append({
            "name": name,
            "title": _text(survey["title"], lang),
            "questionnaire": _text(survey["questionnaire"]["title"], lang),
            "n": format_number(survey["n"], 0, lang),
            "k": format_number(survey["k"], 0, lang),
            "population": format_number(survey["population"], 0, lang),
            "accounting": _accounting(survey, lang),
            "quality": _quality_rows(survey, lang),
            "problems": list(survey.get("problems", [])),
        })
    return {
        "lang": lang,
        "t": names,
        "title": names["report_title"],
        "organisation": _text(results["project"]["organisation"], lang),
        "period": _text(results["project"]["period"], lang),
        "generated": names["generated"].format(version=results["surveyq_version"],
                                               when=results["generated_at"]),
        "surveys": surveys,
    }
