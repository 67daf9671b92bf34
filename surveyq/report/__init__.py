"""The report layer: turns results (the results.json mapping) into documents.

It computes nothing: :func:`build_report` rounds and translates, :func:`render_html` fills
logic-free templates.
"""

from surveyq.report.build import build_report
from surveyq.report.render import render_html, render_model

__all__ = ["build_report", "render_html", "render_model"]
