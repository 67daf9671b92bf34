"""The report layer: turns results (the results.json mapping) into documents. It computes nothing."""

from surveyq.report.build import build_report
from surveyq.report.render import render_html

__all__ = ["build_report", "render_html"]
