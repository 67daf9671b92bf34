"""Render the report model with logic-free jinja2 templates (autoescape on, StrictUndefined).

Respondent free text reaches the page only through autoescaping; the one ``|safe`` in the
templates is for chart SVG, which :func:`surveyq.report.build.check_svg` has checked. The
page loads nothing from the network: styles are inline, charts are inline SVG and a
Content-Security-Policy meta tag forbids every outside source.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from surveyq.report.build import build_report

__all__ = ["ENVIRONMENT", "render_html", "render_model"]

#: The one jinja2 environment of every page (autoescaped, strict); the report and the
#: SKM publication sheet share it.
ENVIRONMENT = Environment(
    loader=PackageLoader("surveyq.report", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_model(model: dict[str, Any]) -> str:
    """Fill ``report.html`` with a report model from :func:`~surveyq.report.build.build_report`.

    Raises
    ------
    jinja2.UndefinedError
        When the model lacks a key the template uses (StrictUndefined: never a blank).
    """
    return ENVIRONMENT.get_template("report.html").render(report=model)


def render_html(results: dict[str, Any], lang: str = "id", *, strict: bool = False) -> str:
    """The self-contained HTML report for a results mapping.

    Parameters
    ----------
    results : dict
        The results mapping (docs/results-schema.md), with ``scorecard`` when there is one.
    lang : {"id", "en"}, default "id"
        Report language and number format.
    strict : bool, default False
        Let a chart's exception propagate instead of printing a note in its place.

    Returns
    -------
    str
        One HTML document: inline CSS and SVG, nothing loaded from elsewhere.
    """
    return render_model(build_report(results, lang, strict=strict))
