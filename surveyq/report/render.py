"""Render the report model with logic-free jinja2 templates (autoescape on, StrictUndefined).

Respondent free text reaches the page only through autoescaping, and the page loads nothing
from the network: styles are inline and charts will be inline SVG.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from surveyq.report.build import build_report

_ENVIRONMENT = Environment(
    loader=PackageLoader("surveyq.report", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_html(results: dict[str, Any], lang: str = "id") -> str:
    """The self-contained HTML report for a results mapping."""
    return _ENVIRONMENT.get_template("report.html").render(report=build_report(results, lang))
