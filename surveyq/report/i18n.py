"""Locale facts and translated labels, as data (great_tables' habit: locale is data).

Every visible string of the documents comes from i18n/<lang>.yaml; numbers are formatted
here and nowhere else (Indonesian 1.234,56; English 1,234.56).
"""

from __future__ import annotations

import math
from functools import cache
from importlib import resources
from typing import Any

import yaml

LOCALES = {"id": {"decimal": ",", "group": "."}, "en": {"decimal": ".", "group": ","}}


@cache
def labels(lang: str) -> dict[str, Any]:
    """The translated strings of a language (report/i18n/<lang>.yaml)."""
    if lang not in LOCALES:
        raise ValueError(f"language must be one of {', '.join(LOCALES)}, not {lang!r}")
    text = resources.files("surveyq.report").joinpath("i18n", f"{lang}.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def format_number(value: Any, decimals: int = 2, lang: str = "id") -> str:
    """Format a number in the language's convention; None/NaN print as an en dash.

    >>> format_number(1234.5678, 2, "id")
    '1.234,57'
    >>> format_number(1234.5678, 2, "en")
    '1,234.57'
    >>> format_number(None)
    '–'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    marks = LOCALES[lang]
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", marks["decimal"]).replace("\x00", marks["group"])
