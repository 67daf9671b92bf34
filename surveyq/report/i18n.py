"""Locale facts and translated labels, as data (great_tables' habit: locale is data).

Every visible string of the documents comes from i18n/<lang>.yaml (labels) or
i18n/messages.<lang>.yaml (sentences, :mod:`surveyq.messages`); numbers are formatted by
:func:`surveyq.messages.format_number` and nowhere else (Indonesian 1.234,56; English 1,234.56).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from surveyq.messages import LOCALES, format_number, load_package_yaml

__all__ = ["LOCALES", "format_number", "labels"]


@cache
def labels(lang: str, catalogue: str = "") -> dict[str, Any]:
    """The translated strings of a language (report/i18n/<lang>.yaml).

    ``catalogue`` names another file of the same folder, ``<catalogue>.<lang>.yaml`` (the
    web page's strings are ``web``).
    """
    if lang not in LOCALES:
        raise ValueError(f"language must be one of {', '.join(LOCALES)}, not {lang!r}")
    name = f"{catalogue}.{lang}.yaml" if catalogue else f"{lang}.yaml"
    text = resources.files("surveyq.report").joinpath("i18n", name).read_text("utf-8")
    return load_package_yaml(text)
