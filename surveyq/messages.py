"""Message codes: every sentence a layer below the report writes, in either language.

A statistic, the scorecard or the cleaner never writes a sentence itself: it returns
``msg("reliability.alpha_drop_two_items")`` or ``msg("log.summary_row", row=407, ...)``, a
:class:`Message`. A Message *is* its English text (a ``str``), so code, tests and
results.json that read notes as strings keep working; it also carries its ``code`` and
``params``, from which :func:`translate` writes it in Indonesian or English with numbers in
that language's format (``chi2 = 3,841`` in Indonesian).

The templates live in ``surveyq/report/i18n/messages.<lang>.yaml``, read here as package
data (not through :mod:`surveyq.report`, which the statistics never import). results.json
keeps each English text field and gains a sibling ``<field>_code`` / ``<field>_codes``
({"code", "params"}) written by :func:`coded_siblings` (docs/results-schema.md).
"""

from __future__ import annotations

import math
import string
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import yaml

__all__ = [
    "LOCALES",
    "Message",
    "catalogue",
    "coded_siblings",
    "format_number",
    "joined",
    "localise_results",
    "msg",
    "translate",
]

#: Number marks per language (great_tables' habit: locale is data).
LOCALES = {"id": {"decimal": ",", "group": "."}, "en": {"decimal": ".", "group": ","}}


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
    return localise(f"{value:,.{decimals}f}", lang)


def localise(text: str, lang: str) -> str:
    """Swap the English decimal point and group comma of formatted digits for ``lang``'s."""
    marks = LOCALES[lang]
    return text.replace(",", "\x00").replace(".", marks["decimal"]).replace("\x00", marks["group"])


#: libyaml's parser when PyYAML was built with it, else PyYAML's own: the same safe constructor
#: and resolver either way, so the same data, parsed about ten times faster (a run loads three
#: catalogues of its language, 0.3 s in pure Python).
_PACKAGE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_package_yaml(text: str) -> Any:
    """YAML the package ships (the language catalogues), parsed as ``yaml.safe_load`` would."""
    return yaml.load(text, Loader=_PACKAGE_LOADER)


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Code -> template of a language (``report/i18n/messages.<lang>.yaml``)."""
    if lang not in LOCALES:
        raise ValueError(f"language must be one of {', '.join(LOCALES)}, not {lang!r}")
    path = resources.files("surveyq").joinpath("report", "i18n", f"messages.{lang}.yaml")
    tree = load_package_yaml(path.read_text("utf-8")) or {}
    return dict(_flatten(tree))


def _flatten(tree: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    pairs = []
    for key, value in tree.items():
        code = f"{prefix}{key}"
        pairs += _flatten(value, f"{code}.") if isinstance(value, Mapping) else [(code, value)]
    return pairs


class _LocaleFormatter(string.Formatter):
    """``str.format`` whose numbers take the language's marks and whose lists are joined."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, Message):
            return translate(value, self.lang)
        if isinstance(value, (list, tuple)):
            return ", ".join(self.format_field(v, format_spec) for v in value)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return format(value, format_spec)
        if isinstance(value, float) and not math.isfinite(value):
            return "–" if math.isnan(value) else format(value, format_spec)
        return localise(format(value, format_spec), self.lang)


def _render(code: str, params: Mapping[str, Any], lang: str) -> str:
    template = catalogue(lang).get(code) or catalogue("en").get(code)
    if template is None:
        raise KeyError(f"message code {code!r} is in no catalogue (report/i18n/messages.*.yaml)")
    if lang == "en":  # English marks are Python's own: str.format, fast enough per cell
        return template.format_map({k: _english(v) for k, v in params.items()})
    return _LocaleFormatter(lang).vformat(template, (), dict(params))


def _english(value: Any) -> Any:
    """A parameter as the English template takes it (lists joined, NaN as an en dash)."""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(_english(v)) for v in value)
    if isinstance(value, float) and math.isnan(value):
        return "–"
    return value


class Message(str):
    """A sentence as a code and parameters; its ``str`` value is the English text.

    >>> note = msg("reliability.alpha_drop_two_items")
    >>> note.code, note.startswith("alpha if item deleted is undefined")
    ('reliability.alpha_drop_two_items', True)
    >>> translate(msg("ikm.sample_rule", chi2=3.841, p=0.5, d=0.05), "id")
    'Krejcie & Morgan (1970), chi2 = 3,841, P = 0,5, d = 0,05'
    """

    code: str
    params: dict[str, Any]

    def __new__(cls, code: str, params: Mapping[str, Any] | None = None) -> Message:
        params = dict(params or {})
        self = super().__new__(cls, _render(code, params, "en"))
        self.code, self.params = code, params
        return self

    def __reduce__(self) -> tuple[Any, ...]:  # deepcopy / pickle keep the code
        return (Message, (self.code, self.params))

    def as_dict(self) -> dict[str, Any]:
        """``{"code", "params"}`` with JSON-ready parameters (nested messages as dicts)."""
        return {"code": self.code, "params": {k: _plain(v) for k, v in self.params.items()}}


def _plain(value: Any) -> Any:
    if isinstance(value, Message):
        return value.as_dict()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return value.item()
    return value


def msg(code: str, /, **params: Any) -> Message:
    """The message ``code`` with its parameters (see :class:`Message`)."""
    return Message(code, params)


def joined(parts: list[Any], /) -> Any:
    """Sentences joined with "; ", each keeping its translation (one error line naming
    several problems); a single part is returned as it is.

    >>> str(joined([msg("log.no_answer"), "x"]))
    'no answer; x'
    """
    parts = list(parts)
    if len(parts) <= 1:
        return parts[0] if parts else ""
    return msg("error.and", first=parts[0], rest=joined(parts[1:]))


def _from_dict(coded: Mapping[str, Any]) -> Message:
    params = {k: _from_param(v) for k, v in (coded.get("params") or {}).items()}
    return Message(coded["code"], params)


def _from_param(value: Any) -> Any:
    if isinstance(value, Mapping) and "code" in value and "params" in value:
        return _from_dict(value)
    if isinstance(value, list):
        return [_from_param(v) for v in value]
    return value


def translate(text: Any, lang: str, coded: Mapping[str, Any] | None = None) -> str:
    """``text`` in ``lang``: a Message from its code, or from ``coded`` ({"code", "params"},
    the sibling results.json keeps); any other text unchanged (respondents' own words)."""
    if coded:
        text = _from_dict(coded)
    if isinstance(text, Message):
        return _render(text.code, text.params, lang)
    return "" if text is None else str(text)


def coded_siblings(mapping: dict[str, Any]) -> dict[str, Any]:
    """``mapping`` where each Message value ``x`` gains a sibling ``x_code`` and each list
    holding Messages a sibling ``x_codes`` (None for plain entries); texts stay English.

    >>> coded_siblings({"rule": msg("ikm.sample_rule", chi2=3.841, p=0.5, d=0.05)})["rule_code"]
    {'code': 'ikm.sample_rule', 'params': {'chi2': 3.841, 'p': 0.5, 'd': 0.05}}
    """
    out = {}
    for key, value in mapping.items():
        out[key] = value
        if isinstance(value, Message):
            out[f"{key}_code"] = value.as_dict()
        elif isinstance(value, (list, tuple)) and any(isinstance(v, Message) for v in value):
            out[f"{key}_codes"] = [v.as_dict() if isinstance(v, Message) else None for v in value]
    return out


class LocalisedResults(dict):
    """What :func:`localise_results` returns for a results mapping: it remembers its
    language, so that the report and the appendix given the same localised copy do not
    walk it again (about 35 ms for the demo's results)."""

    def __init__(self, tree: Mapping, lang: str) -> None:
        super().__init__(tree)
        self.lang = lang


def localise_results(tree: Any, lang: str) -> Any:
    """A copy of a results mapping with every message written in ``lang``.

    Works on results in memory (Message values) and on results.json read back (plain
    English text with ``x_code`` / ``x_codes`` siblings); the siblings are dropped. A
    mapping already localised in ``lang`` by this function is returned as it is.
    """
    if isinstance(tree, LocalisedResults) and tree.lang == lang:
        return tree
    localised = _localised(tree, lang)
    return LocalisedResults(localised, lang) if isinstance(localised, dict) else localised


def _localised(tree: Any, lang: str) -> Any:
    if isinstance(tree, Mapping):
        out = {}
        for key, value in tree.items():
            if isinstance(key, str) and key.endswith(("_code", "_codes")) and \
                    key.rsplit("_", 1)[0] in tree:
                continue
            coded = tree.get(f"{key}_code") if isinstance(key, str) else None
            listed = tree.get(f"{key}_codes") if isinstance(key, str) else None
            if isinstance(value, str):
                out[key] = translate(value, lang, coded if isinstance(coded, Mapping) else None)
            elif isinstance(value, list) and isinstance(listed, list) and \
                    len(listed) == len(value):
                out[key] = [translate(v, lang, c) if isinstance(v, str) else
                            _localised(v, lang) for v, c in zip(value, listed, strict=True)]
            else:
                out[key] = _localised(value, lang)
        return out
    if isinstance(tree, list):
        return [translate(v, lang) if isinstance(v, Message) else _localised(v, lang)
                for v in tree]
    if isinstance(tree, Message):
        return translate(tree, lang)
    return tree
