"""Appendix (Lampiran) tables: one builder, three writers (XLSX, DOCX, CSV).

:func:`build_tables` is the only place that picks columns, translates headers and chooses
number formats; :func:`write_xlsx`, :func:`write_docx` and :func:`write_csv_tables` render its
tables, so the workbook, the document and the CSV files can never disagree. Like the rest of
the report layer it computes nothing: every number is a value of the results mapping, kept at
full precision, and the writers only decide how it is displayed (``0.000`` for r and alpha,
``0.00`` for means and indices; Indonesian ``0,861`` in the document).

Captions, sheet names, headers and notes are data, in ``report/i18n/appendix.<lang>.yaml``.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from surveyq.messages import load_package_yaml, localise_results, translate
from surveyq.outputs import neutralise_formula, neutralise_frame, write_atomic
from surveyq.report.i18n import LOCALES, format_number, labels

__all__ = [
    "Sheet",
    "Table",
    "build_sheets",
    "build_tables",
    "caption_number",
    "contents_sheet",
    "table_sheets",
    "texts",
    "write_csv_tables",
    "write_docx",
    "write_full_matrices",
    "write_xlsx",
]

#: Excel number formats; the document prints the same number of decimals.
D3 = "0.000"
D2 = "0.00"
G2 = "#,##0.00"
INT = "#,##0"
CODE = "0"

Getter = str | Callable[[Mapping[str, Any]], Any]
Column = tuple[str, Getter, str | None]


@cache
def texts(lang: str) -> dict[str, Any]:
    """The appendix captions, sheet names, headers and notes of a language.

    >>> texts("id")["captions"]["validity"]
    'Hasil Uji Validitas {survey} ({scale})'
    """
    if lang not in LOCALES:
        raise ValueError(f"language must be one of {', '.join(LOCALES)}, not {lang!r}")
    name = f"appendix.{lang}.yaml"
    text = resources.files("surveyq.report").joinpath("i18n", name).read_text("utf-8")
    return load_package_yaml(text)


@dataclass(frozen=True, eq=False)
class Table:
    """One appendix table: what the document prints under one caption.

    Attributes
    ----------
    name : str
        The table type (``"validity"``, ``"item_total"`` ...); tables of one type share a sheet.
    caption : str
        Translated caption without its number.
    frame : pandas.DataFrame
        Translated headers; numbers as numbers at full precision, text as text.
    formats : dict
        Column header -> Excel number format (``"0.000"``, ``"0.00"``, ``"#,##0"``, ``"0"``).
    note : str
        The conventions behind the numbers, printed under the table.
    context : tuple of (str, str)
        Identifying columns (header, value), such as the survey and scale, prepended when the
        tables of one type are stacked on one sheet.
    sheet : str
        Sheet key (the table type, or ``tabulation:<survey>``).
    sheet_title : str
        Translated sheet name before it is made valid and unique.
    stub : int
        Leading label columns, repeated when a wide table is split in the document.
    key : tuple of str
        Long text columns (a statement) the document prints as a numbered key below the
        table, keyed by the first column, instead of squeezing them between the numbers;
        the workbook and CSV keep them in the table.
    """

    name: str
    caption: str
    frame: pd.DataFrame
    formats: dict[str, str]
    note: str = ""
    context: tuple[tuple[str, str], ...] = ()
    sheet: str = ""
    sheet_title: str = ""
    stub: int = 1
    key: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Sheet:
    """One worksheet or CSV file: one table, or the tables of one type stacked (CSV).

    ``title`` (the numbered caption) and ``note`` are printed above and below the table in
    the workbook; ``links`` maps a row index of the frame to the sheet its first cell links
    to (the list of tables).
    """

    key: str
    name: str
    frame: pd.DataFrame
    formats: dict[str, str]
    freeze: int = 0
    title: str = ""
    note: str = ""
    links: tuple[tuple[int, str], ...] = ()


# --------------------------------------------------------------------------- helpers


def _text(value: Any, lang: str) -> str:
    """Bilingual mappings in ``lang`` (Indonesian as fallback); None as empty text."""
    if isinstance(value, Mapping):
        return str(value.get(lang) or value.get("id") or value.get("en") or "")
    return "" if value is None else str(value)


def _plain(value: Any, lang: str) -> Any:
    """Numbers stay numbers; mappings and lists become readable text."""
    if isinstance(value, Mapping) and not set(value) <= {"id", "en"}:
        return ", ".join(f"{k}: {_plain(v, lang)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(str(_plain(v, lang)) for v in value)
    if isinstance(value, Mapping):
        return _text(value, lang)
    return value


def _get(record: Mapping[str, Any], source: Getter) -> Any:
    return source(record) if callable(source) else record.get(source)


def _frame(records: Iterable[Mapping[str, Any]], columns: Sequence[Column]
           ) -> tuple[pd.DataFrame, dict[str, str]]:
    """A table from records: one (header, field or getter, number format) per column."""
    rows = list(records)
    data = {header: [_get(row, source) for row in rows] for header, source, _ in columns}
    frame = pd.DataFrame(data, columns=[header for header, _, _ in columns])
    return frame, {header: fmt for header, _, fmt in columns if fmt}


def _percent(level: Any) -> str:
    return f"{float(level) * 100:g}" if level is not None else ""


def _lookup(mapping: Mapping[str, Any], key: Any) -> str:
    return str(mapping.get(key, key)) if key is not None else ""


def caption_number(number: int, lang: str) -> str:
    """The numbered caption label.

    >>> caption_number(3, "id"), caption_number(3, "en")
    ('Tabel L.3', 'Table A.3')
    """
    t = texts(lang)
    return f"{t['caption_label']} {t['caption_prefix']}{number}"


class _Survey:
    """One survey's results with the labels its tables need."""

    def __init__(self, key: str, data: Mapping[str, Any], lang: str) -> None:
        self.key, self.data, self.lang = key, data, lang
        self.t = texts(lang)
        self.title = _text(data.get("title"), lang) or key
        self.cols = self.t["columns"]

    def analysis(self, name: str) -> Mapping[str, Any] | None:
        return (self.data.get("analyses") or {}).get(name)

    def group(self, code: Any) -> str:
        groups = self.data.get("groups") or {}
        return _text(groups.get(code), self.lang) or _text(code, self.lang)

    def scale(self, record: Mapping[str, Any]) -> str:
        if record.get("role") == "item" and not record.get("dimension"):
            return self.title  # a survey with one scale: name it by the survey
        role = _lookup(self.t["roles"], record.get("role"))
        dimension = record.get("dimension")
        return f"{role} – {self.group(dimension)}" if dimension else role

    def field(self, field: str) -> str:
        for record in self.data.get("profile") or []:
            if record.get("field") == field:
                return record.get(f"field_{self.lang}") or record.get("field_id") or field
        return _lookup(self.t["free_text_fields"], field)

    def category(self, field: str, value: Any) -> str:
        for record in self.data.get("profile") or []:
            if record.get("field") == field and record.get("category") == value:
                return record.get(f"category_{self.lang}") or _text(value, self.lang)
        return _text(value, self.lang)

    def context(self, scale: str | None = None) -> tuple[tuple[str, str], ...]:
        pairs = [(self.cols["survey"], self.title)]
        if scale is not None:
            pairs.append((self.cols["scale"], scale))
        return tuple(pairs)

    def table(self, name: str, columns: Sequence[Column], records: Iterable[Mapping[str, Any]],
              note: str = "", scale: str | None = None, stub: int = 1,
              key: tuple[str, ...] = ()) -> Table:
        frame, formats = _frame(records, columns)
        caption = self.t["captions"][name].format(survey=self.title, scale=scale or "")
        return Table(name, caption, frame, formats, note.strip(), self.context(scale), name,
                     self.t["sheets"][name], stub, key)


def _join(*parts: str) -> str:
    """Note parts as sentences: each ends with a full stop (analysis notes come without)."""
    return " ".join(_sentence(part) for part in parts if part and part.strip())


def _sentence(text: str) -> str:
    text = str(text).strip()
    return text if text.endswith((".", "!", "?", ":")) else f"{text}."


def _verdict(t: Mapping[str, Any], yes: str, no: str) -> Callable[[Any], str]:
    return lambda value: "" if value is None else t["values"][yes if value else no]


def _yes_no(t: Mapping[str, Any], value: Any) -> Any:
    return t["values"]["yes" if value else "no"] if isinstance(value, bool) else value


# --------------------------------------------------------------------------- survey tables


def _profile(s: _Survey) -> list[Table]:
    records = s.data.get("profile") or []
    if not records:
        return []
    c = s.cols
    columns: list[Column] = [
        (c["field"], lambda r: r.get(f"field_{s.lang}") or r.get("field_id") or r["field"], None),
        (c["category"], lambda r: r.get(f"category_{s.lang}") or _text(r["category"], s.lang),
         None),
        (c["count"], "count", INT),
        (c["percent"], "percent", D2),
    ]
    note = s.t["notes"]["profile"].format(n=s.data.get("n", ""))
    return [s.table("profile", columns, records, note, stub=2)]


def _scale_labels(s: _Survey) -> str:
    parts = []
    for scale in (s.data.get("scales") or {}).values():
        points = zip(scale.get("points", []), scale.get(s.lang) or scale.get("id") or [],
                     strict=False)
        parts.append(", ".join(f"{p} = {label}" for p, label in points))  # not the key
    return "; ".join(parts)


def _frequencies(s: _Survey) -> list[Table]:
    records = s.data.get("items") or []
    if not records:
        return []
    c = s.cols
    points = sorted({int(k[6:]) for r in records for k in r if re.fullmatch(r"count_\d+", k)})
    columns: list[Column] = [
        (c["item"], "item", None),
        (c["text"], lambda r: r.get(f"text_{s.lang}") or r.get("text_id"), None),
        (c["role"], lambda r: _lookup(s.t["item_roles"], r.get("role")), None),
        (c["group"], lambda r: s.group(r.get("dimension") or r.get("element") or ""), None),
        (c["n"], "n", INT),
        (c["missing"], "missing", INT),
        *[(c["point"].format(point=p), f"count_{p}", INT) for p in points],
        (c["mean"], "mean", D2),
        (c["sd"], "sd", D2),
    ]
    note = s.t["notes"]["frequencies"].format(scales=_scale_labels(s))
    return [s.table("frequencies", columns, records, note, key=(c["text"], c["role"], c["group"]))]


def _scale_note(s: _Survey, record: Mapping[str, Any]) -> str:
    notes = list(record.get("notes") or [])
    if record.get("error"):
        notes.insert(0, s.t["notes"]["error"].format(error=record["error"]))
    return _join(*map(str, notes))


def _validity(s: _Survey) -> list[Table]:
    result = s.analysis("validity")
    if not result:
        return []
    conv, c, notes = result.get("conventions", {}), s.cols, s.t["notes"]
    tail = _lookup(s.t["tails"], conv.get("tail", "two-sided"))
    columns: list[Column] = [
        (c["item"], "item", None),
        (c["n"], "n", INT),
        (c["r"], "r", D3),
        (c["r_table"], "r_table", D3),
        (c["p_value"].format(tail=tail), "p_value", D3),
        (c["valid"], lambda r: _verdict(s.t, "valid", "invalid")(r.get("valid")), None),
    ]
    note = notes["validity"].format(
        corrected=notes["corrected" if conv.get("corrected") else "uncorrected"],
        missing=_lookup(s.t["missing"], conv.get("missing")),
        alpha=format_number(conv.get("alpha"), 2, s.lang), tail=tail)
    return [s.table("validity", columns, scale.get("table") or [],
                    _join(note, _scale_note(s, scale)), scale=s.scale(scale))
            for scale in result.get("scales", [])]


def _reliability(s: _Survey) -> list[Table]:
    result = s.analysis("reliability")
    if not result:
        return []
    conv, c = result.get("conventions", {}), s.cols
    level = _percent(conv.get("ci"))
    columns: list[Column] = [
        (c["scale"], s.scale, None),
        (c["alpha"], "alpha", D3),
        (c["std_alpha"], "std_alpha", D3),
        (c["k"], "k", INT),
        (c["n_cases"], "n", INT),
        (c["ci_low"].format(level=level), "ci_low", D3),
        (c["ci_high"].format(level=level), "ci_high", D3),
        (c["threshold"], "threshold", D2),
        (c["reliable"], lambda r: _verdict(s.t, "reliable", "unreliable")(r.get("reliable")), None),
    ]
    note = s.t["notes"]["reliability"].format(
        missing=_lookup(s.t["missing"], conv.get("missing")),
        threshold=format_number(conv.get("threshold"), 2, s.lang), level=level)
    extra = [f"{s.scale(r)}: {_scale_note(s, r)}" for r in result["scales"] if _scale_note(s, r)]
    return [s.table("reliability", columns, result.get("scales", []), _join(note, *extra))]


def _item_total(s: _Survey) -> list[Table]:
    result = s.analysis("reliability")
    if not result:
        return []
    conv, c = result.get("conventions", {}), s.cols
    keys = ["scale_mean_if_deleted", "scale_var_if_deleted", "corrected_item_total_r",
            "squared_multiple_r", "alpha_if_deleted"]
    columns: list[Column] = [(c["item"], "item", None), *[(c[k], k, D3) for k in keys]]
    tables = []
    for scale in result.get("scales", []):
        note = s.t["notes"]["item_total"].format(
            n=scale.get("n", ""), k=scale.get("k", ""),
            missing=_lookup(s.t["missing"], conv.get("missing")))
        flagged = scale.get("reverse_keyed") or []
        if scale.get("error"):
            note = ""
        elif flagged:
            note = _join(note, s.t["notes"]["reverse_keyed"].format(items=", ".join(flagged)))
        tables.append(s.table("item_total", columns, scale.get("item_total") or [],
                              _join(note, _scale_note(s, scale)), scale=s.scale(scale)))
    return tables


def _servqual_columns(s: _Survey, first: Sequence[Column], level: str) -> list[Column]:
    c = s.cols
    return [
        *first,
        (c["p_mean"], "p_mean", D2),
        (c["e_mean"], "e_mean", D2),
        (c["gap"], "gap", D3),
        (c["t"], "t", D3),
        (c["df"], "df", CODE),
        (c["p_two"], "p_value", D3),
        (c["p_holm"], "p_holm", D3),
        (c["ci_low"].format(level=level), "ci_low", D3),
        (c["ci_high"].format(level=level), "ci_high", D3),
        (c["wilcoxon_p_holm"], "wilcoxon_p_holm", D3),
        (c["conformity"], "conformity", D2),
    ]


def _servqual(s: _Survey) -> list[Table]:
    result = s.analysis("servqual")
    if not result:
        return []
    conv, c = result.get("conventions", {}), s.cols
    level = _percent(conv.get("level", 0.95))
    note = _join(s.t["notes"]["servqual"].format(
        level=level, zero_method=conv.get("zero_method", ""),
        matched_by=_lookup(s.t["matched_by"], conv.get("matched_by", ""))),
        *map(str, result.get("notes") or []))
    dimension: Column = (c["dimension"], lambda r: s.group(r.get("dimension")), None)
    items = _servqual_columns(s, [(c["item"], "item", None), dimension], level)
    dims = _servqual_columns(s, [dimension, (c["k"], "k", INT)], level)
    overall: list[Column] = [
        (c["p_mean"], "p_mean", D2), (c["e_mean"], "e_mean", D2),
        (c["item_mean_gap"], "item_mean_gap", D3), (c["unweighted"], "unweighted", D3),
        (c["weighted"], "weighted", D3)]
    return [
        s.table("servqual_items", items, result.get("items") or [], note, stub=2),
        s.table("servqual_dimensions", dims, result.get("dimensions") or [], note),
        s.table("servqual_overall", overall, [result.get("overall") or {}],
                s.t["notes"]["servqual_overall"]),
        *_servqual_by(s, result),
    ]


def _by_records(s: _Survey, by: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Breakdown records of every grouping field, each with its field and category labels."""
    rows = []
    for field, records in (by or {}).items():
        for record in records or []:
            rows.append({**record, "_field": s.field(field),
                         "_category": s.category(field, record.get(field))})
    return rows


def _servqual_by(s: _Survey, result: Mapping[str, Any]) -> list[Table]:
    rows = _by_records(s, result.get("by") or {})
    if not rows:
        return []
    c = s.cols
    dims = [k.split(".", 1)[1] for k in rows[0] if k.startswith("dimension_gap.")]
    columns: list[Column] = [
        (c["group_field"], "_field", None), (c["category"], "_category", None),
        (c["n"], "summary.n", INT), (c["p_mean"], "summary.p_mean", D2),
        (c["e_mean"], "summary.e_mean", D2), (c["unweighted"], "summary.unweighted", D3),
        *[(c["dimension_gap"].format(name=s.group(d)), f"dimension_gap.{d}", D3) for d in dims],
    ]
    return [s.table("servqual_by", columns, rows, s.t["notes"]["servqual_by"], stub=2)]


def _ipa(s: _Survey) -> list[Table]:
    result = s.analysis("ipa")
    if not result:
        return []
    conv, c, cross = result.get("conventions", {}), s.cols, result.get("crosshair") or {}
    note = s.t["notes"]["ipa"].format(
        importance_from=_lookup(s.t["roles"], conv.get("importance_from")),
        x=format_number(cross.get("x"), 2, s.lang), y=format_number(cross.get("y"), 2, s.lang),
        crosshair=_lookup(s.t["crosshairs"], conv.get("crosshair", "")))
    columns: list[Column] = [
        (c["item"], "item", None), (c["x"], "x", D2), (c["y"], "y", D2),
        (c["conformity"], "conformity", D2), (c["quadrant_number"], "quadrant_number", None),
        (c["quadrant"], lambda r: r.get(f"label_{s.lang}") or r.get("quadrant"), None)]
    return [s.table("ipa", columns, result.get("items") or [], note), *_csi(s, result)]


def _csi(s: _Survey, result: Mapping[str, Any]) -> list[Table]:
    csi = result.get("csi")
    if not csi:
        return []
    c, notes = s.cols, s.t["notes"]
    label = csi.get("label") if s.lang == "id" else csi.get("label_en") or csi.get("label")
    scale_max = format_number(csi.get("scale_max"), 0, s.lang)
    columns: list[Column] = [
        (c["item"], "item", None), (c["mis"], "mis", D2), (c["mss"], "mss", D2),
        (c["wf"], "wf", D3), (c["ws"], "ws", D3)]
    summary: list[Column] = [
        (c["csi"], "value", D2), (c["criterion"], lambda r: label, None),
        (c["scale_max"], "scale_max", CODE)]
    note = _join(notes["csi"].format(scale_max=scale_max), *map(str, csi.get("notes") or []))
    total = notes["csi_summary"].format(scale_max=scale_max, label=label,
                                        value=format_number(csi.get("value"), 2, s.lang))
    return [s.table("csi", columns, csi.get("items") or [], note),
            s.table("csi_summary", summary, [csi], total)]


def _label(s: _Survey) -> Callable[[Mapping[str, Any]], Any]:
    return lambda r: r.get("label") if s.lang == "id" else r.get("label_en") or r.get("label")


def _ikm(s: _Survey) -> list[Table]:
    result = s.analysis("ikm")
    if not result:
        return []
    summary = result.get("summary") or {}
    notes = s.t["notes"]
    note = _join(notes["ikm"].format(
        standard=_lookup(s.t["standards"], summary.get("standard")),
        weight_mode=_lookup(s.t["weight_modes"], summary.get("weight_mode"))),
        *map(str, result.get("notes") or []))
    return [
        _ikm_summary(s, summary, result.get("sample") or {}, note),
        _ikm_elements(s, result.get("elements") or [], note),
        *_ikm_intervals(s, result.get("intervals") or []),
        *_ikm_by(s, result.get("by") or {}),
        *_ikm_units(s, result.get("units") or {}),
        *_ikm_trend(s, result.get("trend") or {}),
    ]


def _ikm_summary(s: _Survey, summary: Mapping[str, Any], sample: Mapping[str, Any],
                 note: str) -> Table:
    c = s.cols
    columns: list[Column] = [
        (c["standard"], lambda r: _lookup(s.t["standards"], r.get("standard")), None),
        (c["weight_mode"], lambda r: _lookup(s.t["weight_modes"], r.get("weight_mode")), None),
        (c["weight"], "weight", D3), (c["n"], "n", INT), (c["index"], "index", D3),
        (c["converted"], "converted", D2), (c["band"], "band", None), (c["label"], _label(s), None),
        (c["population"], "population", INT), (c["required"], "required", INT),
        (c["adequate"], lambda r: _yes_no(s.t, r.get("adequate")), None)]
    record = {**summary, **{k: sample.get(k) for k in ("population", "required", "adequate")}}
    if sample.get("rule"):
        note = _join(note, s.t["notes"]["ikm_sample"].format(rule=sample["rule"]))
    return s.table("ikm_summary", columns, [record], note)


def _ikm_elements(s: _Survey, elements: list[Mapping[str, Any]], note: str) -> Table:
    c = s.cols
    columns: list[Column] = [
        (c["element"], "element", None),
        (c["element_name"], lambda r: s.group(r.get("element")), None),
        (c["n"], "n", INT), (c["nrr"], "nrr", D2), (c["weight"], "weight", D3),
        (c["weighted_nrr"], "weighted_nrr", D3), (c["converted"], "converted", D2),
        (c["band"], "band", None), (c["label"], _label(s), None)]
    return s.table("ikm_elements", columns, elements, note, stub=2)


def _ikm_intervals(s: _Survey, intervals: list[Mapping[str, Any]]) -> list[Table]:
    if not intervals:
        return []
    c = s.cols
    columns: list[Column] = [
        (c["method"], lambda r: _lookup(s.t["methods"], r.get("method")), None),
        (c["converted"], "converted", D2), (c["low"], "low", D2), (c["high"], "high", D2),
        (c["se"], "se", D3), (c["level"], "level", D2), (c["band"], "band", None),
        (c["p_in_band"], "p_in_band", D3), (c["n"], "n", INT), (c["n_boot"], "n_boot", INT),
        (c["seed"], "seed", CODE)]
    return [s.table("ikm_intervals", columns, intervals, s.t["notes"]["ikm_intervals"])]


def _ikm_by(s: _Survey, by: Mapping[str, Any]) -> list[Table]:
    rows = _by_records(s, by)
    if not rows:
        return []
    c = s.cols
    elements = [k.split(".", 1)[1] for k in rows[0] if k.startswith("nrr.")]
    columns: list[Column] = [
        (c["group_field"], "_field", None), (c["category"], "_category", None),
        (c["n"], "summary.n", INT), (c["index"], "summary.index", D3),
        (c["converted"], "summary.converted", D2), (c["band"], "summary.band", None),
        *[(c["nrr_element"].format(name=e), f"nrr.{e}", D2) for e in elements]]
    return [s.table("ikm_by", columns, rows, s.t["notes"]["ikm_by"], stub=2)]


def _ikm_units(s: _Survey, block: Mapping[str, Any]) -> list[Table]:
    """Per-unit figures and the unit x element NRR table (issue 16)."""
    units = block.get("units") or []
    if not units:
        return []
    c, a, field = s.cols, block["aggregate"], block["field"]
    note = s.t["notes"]["ikm_units"].format(
        method=_lookup(s.t["unit_aggregates"], a.get("method")),
        converted=format_number(a.get("converted"), 2, s.lang), band=a.get("band"))
    note = _join(note, *map(str, block.get("notes") or []))
    name = lambda r: s.category(field, r.get("unit"))  # noqa: E731
    columns: list[Column] = [
        (c["rank"], "rank", INT), (c["service_unit"], name, None), (c["n"], "n", INT),
        (c["population"], "population", INT), (c["sample_needed"], "sample_needed", INT),
        (c["adequate"], lambda r: _yes_no(s.t, r.get("adequate")), None),
        (c["below_min_n"], lambda r: _yes_no(s.t, r.get("below_min_n")), None),
        (c["index"], "index", D3), (c["converted"], "converted", D2), (c["band"], "band", None),
        (c["low"], "low", D2), (c["high"], "high", D2), (c["se"], "se", D3),
        (c["p_in_band"], "p_in_band", D3), (c["rest_converted"], "rest_converted", D2),
        (c["diff"], "diff", D2), (c["diff_low"], "diff_low", D2),
        (c["diff_high"], "diff_high", D2),
        (c["differs"], lambda r: _lookup(s.t["unit_differs"], r.get("differs")), None),
        (c["lowest_elements"], lambda r: ", ".join(map(str, r.get("lowest_elements") or [])),
         None)]
    tables = [s.table("ikm_units", columns, units, note, stub=2)]
    nrr = block.get("nrr") or []
    elements = [k for k in (nrr[0] if nrr else {}) if k != "unit"]
    columns = [(c["service_unit"], name, None),
               *[(c["nrr_element"].format(name=e), e, D2) for e in elements]]
    if nrr:
        tables.append(s.table("ikm_units_nrr", columns, nrr, "", stub=1))
    return tables + _ikm_units_change(s, block, name)


def _ikm_units_change(s: _Survey, block: Mapping[str, Any],
                      name: Callable[[Mapping[str, Any]], str]) -> list[Table]:
    """Each unit against its own earlier periods: one table, a row per unit and period."""
    current = {u.get("unit"): u.get("converted") for u in block.get("units") or []}
    rows = [{**row, "period": str(period), "current": current.get(row.get("unit"))}
            for period, table in (block.get("change") or {}).items() for row in table]
    if not rows:
        return []
    c = s.cols
    columns: list[Column] = [
        (c["service_unit"], name, None), (c["period"], "period", None),
        (c["previous_converted"], "previous", D2), (c["converted"], "current", D2),
        (c["converted_change"], "change", D2), (c["low"], "change_low", D2),
        (c["high"], "change_high", D2),
        (c["changed"], lambda r: _lookup(s.t["unit_changed"], r.get("changed")), None)]
    return [s.table("ikm_units_change", columns, rows, s.t["notes"]["ikm_units_change"],
                    stub=2)]


def _ikm_trend(s: _Survey, trend: Mapping[str, Any]) -> list[Table]:
    summary = trend.get("summary") or []
    if not summary:
        return []
    c, note = s.cols, _join(s.t["notes"]["ikm_trend"], *map(str, trend.get("notes") or []))
    columns: list[Column] = [
        (c["period"], lambda r: str(r.get("period", "")), None), (c["n"], "n", INT),
        (c["index"], "index", D3), (c["converted"], "converted", D2),
        (c["converted_change"], "converted_change", D2), (c["band"], "band", None),
        (c["label"], _label(s), None)]
    tables = [s.table("ikm_trend", columns, summary, note)]
    nrr, change = trend.get("nrr") or [], {r.get("index"): r for r in trend.get("change") or []}
    periods = [k for k in (nrr[0] if nrr else {}) if k != "index"]
    changed = [p for p in periods if any(r.get(p) is not None for r in change.values())]
    columns = [
        (c["element"], "index", None),
        (c["element_name"], lambda r: s.group(r.get("index")), None),
        *[(c["nrr_period"].format(period=p), p, D2) for p in periods],
        *[(c["change_period"].format(period=p), lambda r, p=p: change.get(r.get("index"), {})
           .get(p), D2) for p in changed]]
    if nrr:
        tables.append(s.table("ikm_trend_nrr", columns, nrr, note, stub=2))
    return tables


def _free_text(s: _Survey) -> list[Table]:
    records = s.data.get("free_text") or []
    if not records:
        return []
    c = s.cols
    columns: list[Column] = [
        (c["free_field"], lambda r: s.field(r.get("field")), None),
        (c["row"], "row", CODE), (c["answer"], "text", None)]
    return [s.table("free_text", columns, records)]


def _row_accounting(s: _Survey, period: str) -> list[Table]:
    records = [{**r, "_period": period} for r in s.data.get("row_accounting") or []]
    for name, previous in (s.data.get("previous") or {}).items():
        records += [{**r, "_period": str(name)} for r in previous.get("row_accounting") or []]
    if not records:
        return []
    c, reasons = s.cols, labels(s.lang)["reasons"]
    fixed = {"file", "rows_in_file", "rows_kept", "_period"}
    keys = list(dict.fromkeys(k for r in records for k in r if k not in fixed))
    columns: list[Column] = [
        (c["period"], "_period", None), (c["file"], "file", None),
        (c["rows_in_file"], "rows_in_file", INT),
        *[(_lookup(reasons, k), k, INT) for k in keys], (c["rows_kept"], "rows_kept", INT)]
    return [s.table("row_accounting", columns, records, s.t["notes"]["row_accounting"], stub=2)]


#: Respondent rows of the item-matrix table printed in the appendix (project option
#: ``appendix_max_rows``). A larger matrix is written whole beside the appendix as CSV and
#: Parquet (:func:`write_full_matrices`): a table of 10^5 rows took 13 s and 1.5 GiB to write.
TABULATION_MAX_ROWS = 2000


def matrix_file_names(key: str) -> tuple[str, str]:
    """The CSV and Parquet files that hold a survey's whole item matrix."""
    stem = f"data-matrix-{_slug(key)}"
    return f"{stem}.csv", f"{stem}.parquet"


def _matrix_frame(items: pd.DataFrame, row_header: str) -> pd.DataFrame:
    """The item matrix with the file's row numbers as its first column."""
    frame = items.copy()
    rows = frame.index if not isinstance(frame.index, pd.RangeIndex) else frame.index + 1
    frame.columns = [str(column) for column in frame.columns]
    frame.insert(0, row_header, list(rows))
    return frame.reset_index(drop=True)


def _tabulation(s: _Survey, items: pd.DataFrame, max_rows: int) -> Table:
    t = s.t
    shown = items.iloc[:max_rows]
    frame = _matrix_frame(shown, t["columns"]["row"])
    note = t["notes"]["tabulation"]
    if len(items) > max_rows:
        csv_name, parquet_name = matrix_file_names(s.key)
        note = _join(note, t["notes"]["tabulation_cut"].format(
            shown=format_number(max_rows, 0, s.lang), total=format_number(len(items), 0, s.lang),
            csv=csv_name, parquet=parquet_name))
    formats = dict.fromkeys(frame.columns, CODE)
    return Table("tabulation", t["captions"]["tabulation"].format(survey=s.title), frame, formats,
                 note, (), f"tabulation:{s.key}",
                 t["sheets"]["tabulation"].format(survey=s.title), stub=1)


def write_full_matrices(tabulation: Mapping[str, pd.DataFrame], folder: str | Path,
                        lang: str = "id", max_rows: int = TABULATION_MAX_ROWS) -> list[Path]:
    """Write the whole item matrix of every survey longer than the appendix table.

    Each goes to ``data-matrix-<survey>.csv`` (UTF-8 with BOM, formulas neutralised, as
    :func:`csv_bytes`) and ``data-matrix-<survey>.parquet`` in ``folder``, with the same
    columns as the appendix table; the table's note names them.

    Returns
    -------
    list of pathlib.Path
        The files written (none when every matrix fits in the appendix).
    """
    written = []
    for key, items in tabulation.items():
        if len(items) <= max_rows:
            continue
        frame = _matrix_frame(items, texts(lang)["columns"]["row"])
        csv_name, parquet_name = matrix_file_names(key)
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        written += [write_atomic(Path(folder) / csv_name, _matrix_csv(frame)),
                    write_atomic(Path(folder) / parquet_name, buffer.getvalue())]
    return written


def _matrix_csv(frame: pd.DataFrame) -> bytes:
    """:func:`csv_bytes`, through pyarrow's writer when every column holds numbers (nothing
    to neutralise): 0.5 s instead of 3.4 s for 10^6 x 10 cells."""
    if not all(pd.api.types.is_numeric_dtype(dtype) for dtype in frame.dtypes):
        return csv_bytes(frame)
    import pyarrow as pa
    import pyarrow.csv as arrow_csv

    buffer = io.BytesIO()
    buffer.write("\ufeff".encode())  # the byte-order mark csv_bytes writes, for Excel
    arrow_csv.write_csv(pa.Table.from_pandas(frame, preserve_index=False), buffer,
                        arrow_csv.WriteOptions(eol="\r\n"))
    return buffer.getvalue()


# --------------------------------------------------------------------------- project tables


def _scorecard(card: Mapping[str, Any], lang: str) -> list[Table]:
    t = texts(lang)
    c, title = t["columns"], _text(card.get("title"), lang)
    perspectives = {p.get("id"): _text(p.get("name"), lang) for p in card.get("perspectives") or []}
    objectives = {o.get("id"): _text(o.get("name"), lang) for o in card.get("objectives") or []}

    def table(name: str, columns: Sequence[Column], records: Iterable[Mapping[str, Any]],
              note: str = "", key: tuple[str, ...] = ()) -> Table:
        frame, formats = _frame(records, columns)
        return Table(name, t["captions"][name].format(title=title), frame, formats, note, (),
                     name, t["sheets"][name], key=key)

    predicate = card.get("predicate") or {}
    names = labels(lang)  # schemes and band tables as a reader names them, not their keys
    scheme = names["scorecard"]["schemes"].get(card.get("scheme"), card.get("scheme", ""))
    summary: list[Column] = [
        (c["scheme"], lambda r: scheme, None),
        (c["period"], lambda r: _text(r.get("period"), lang), None),
        (c["score"], "score", D2), (c["predicate_code"], lambda r: predicate.get("code"), None),
        (c["predicate"], lambda r: _text(predicate.get("label"), lang), None),
        (c["predicate_table"], lambda r: names["band_tables"].get(
            str(predicate.get("table")), _plain(predicate.get("table"), lang)), None),
        (c["normalised"], lambda r: _yes_no(t, r.get("normalised")), None)]
    # a design without realisations (no predicate) says why it has no score instead
    note = _join(t["notes"]["scorecard"].format(scheme=scheme,
                                                source=_plain(predicate.get("source"),
                                                              lang).rstrip("."))
                 if predicate else str(card.get("not_computed") or ""),
                 *map(str, card.get("notes") or []))
    named: list[Column] = [(c["id"], "id", None),
                           (c["name"], lambda r: _text(r.get("name"), lang), None)]
    def values(records: list[Mapping[str, Any]]) -> list[Column]:
        return [(c[k], k, D2) for k in ("weight", "value", "contribution")
                if any(r.get(k) is not None for r in records)]

    in_perspective = (c["perspective"], lambda r: perspectives.get(r.get("perspective"),
                                                                   r.get("perspective")), None)
    tables = [table("scorecard_summary", summary, [card], note)]
    if predicate:
        tables.append(table("scorecard_perspectives",
                            [*named, *values(card.get("perspectives") or [])],
                            card.get("perspectives") or []))
    if card.get("objectives"):
        tables.append(table("scorecard_objectives",
                            [*named, in_perspective, *values(card["objectives"])],
                            card["objectives"]))
    # names, perspectives, objectives and sources print as a key under the numbers (docx);
    # a design has no numbers: its indicator definitions tables print it instead
    if predicate:
        tables.append(table("scorecard_indicators",
                            _indicator_columns(t, lang, named, in_perspective, objectives),
                            card.get("indicators") or [],
                            key=(c["name"], c["perspective"], c["objective"], c["source"])))
    if card.get("lint"):
        severities = names["scorecard"]["severities"]
        lint: list[Column] = [(c["code"], "code", None),
                              (c["severity"], lambda r: severities.get(r.get("severity"),
                                                                       r.get("severity")), None),
                              (c["message"], "message", None)]
        tables.append(table("scorecard_lint", lint, card["lint"]))
    return tables


def _indicator_columns(t: Mapping[str, Any], lang: str, named: list[Column], perspective: Column,
                       objectives: Mapping[Any, str]) -> list[Column]:
    c = t["columns"]
    return [
        *named, perspective,
        (c["objective"], lambda r: objectives.get(r.get("objective"), r.get("objective")), None),
        (c["target"], "target", G2), (c["target_low"], "target_low", G2),
        (c["target_high"], "target_high", G2),
        (c["unit"], lambda r: _text(r.get("unit"), lang), None),
        (c["polarity"], lambda r: _lookup(t["polarity"], r.get("polarity")), None),
        (c["consolidation"], lambda r: _lookup(t["consolidation"], r.get("consolidation")), None),
        (c["weight"], "weight", D2), (c["realisation"], "realisation", G2),
        (c["ici"], "ici", D2),
        (c["colour"], lambda r: _lookup(t["colours"], r.get("colour")), None),
        (c["source"], lambda r: _plain(r.get("source"), lang), None)]


def _cleaning_log(results: Mapping[str, Any], log: pd.DataFrame, lang: str,
                  max_rows: int) -> list[Table]:
    t, names = texts(lang), labels(lang)
    c = t["columns"]
    titles = {k: _text(v.get("title"), lang) or k for k, v in results.get("surveys", {}).items()}
    note = t["notes"]["cleaning_log"]
    if len(log) > max_rows:  # every entry stays in cleaning-log.csv, written beside
        note = _join(note, t["notes"]["cleaning_log_cut"].format(
            shown=format_number(max_rows, 0, lang), total=format_number(len(log), 0, lang)))
        log = log.iloc[:max_rows]
    records = log.astype(object).where(log.notna(), None).to_dict(orient="records")
    columns: list[Column] = [
        (c["survey"], lambda r: titles.get(r.get("survey"), r.get("survey")), None),
        (c["file"], "file", None), (c["row"], "row", CODE), (c["column"], "column", None),
        (c["raw_value"], "raw_value", None),
        (c["action"], lambda r: _lookup(names["actions"], r.get("action")), None),
        (c["reason"], lambda r: _lookup(names["reasons"], r.get("reason")), None),
        (c["message"], lambda r: translate(r.get("message"), lang), None),
        (c["cells"], "count", CODE)]
    frame, formats = _frame(records, columns)
    return [Table("cleaning_log", t["captions"]["cleaning_log"], frame, formats,
                  note, (), "cleaning_log", t["sheets"]["cleaning_log"], 2)]


# --------------------------------------------------------------------------- thesis chapter 4


def _variable_label(s: _Survey) -> Callable[[Mapping[str, Any]], str]:
    return lambda r: _text(r.get("label"), s.lang) or str(r.get("variable", ""))


def _score_note(s: _Survey, records: Iterable[Mapping[str, Any]]) -> str:
    scores = {r["variable"]: r["score"] for r in records}
    text = "; ".join(f"{name} = {s.t['thesis_scores'][score]}" for name, score in scores.items())
    return s.t["notes"]["thesis_scores"].format(scores=text) if scores else ""


def _errors_note(s: _Survey, records: Iterable[Mapping[str, Any]]) -> str:
    return " ".join(s.t["notes"]["error"].format(error=f"{r['variable']}: {r['error']}")
                    for r in records if r.get("error"))


def _thesis_descriptives(s: _Survey) -> list[Table]:
    result = s.analysis("descriptives")
    if not result:
        return []
    c, records = s.cols, result.get("variables") or []

    def category(r: Mapping[str, Any]) -> Any:
        return r.get(f"label_{s.lang}") or r.get("label_id")

    columns: list[Column] = [
        (c["variable"], "variable", None), (c["name"], _variable_label(s), None),
        (c["n"], "n", INT), (c["minimum"], "min", D2), (c["maximum"], "max", D2),
        (c["mean"], "mean", D2), (c["sd"], "sd", D2), (c["category"], category, None)]
    sample = next((r for r in records if r.get("classes")), None)
    classes = "" if sample is None else ", ".join(
        f"{format_number(k['printed_lower'], 2, s.lang)}–{format_number(k['upper'], 2, s.lang)}"
        f" {k.get(f'label_{s.lang}') or k['label_id']}" for k in sample["classes"])
    note = _join(_score_note(s, records),
                 s.t["notes"]["thesis_classes"].format(classes=classes) if classes else "",
                 _errors_note(s, records))
    item_columns: list[Column] = [
        (c["variable"], "variable", None), (c["item"], "item", None), (c["n"], "n", INT),
        (c["mean"], "mean", D2), (c["sd"], "sd", D2), (c["category"], category, None)]
    return [s.table("thesis_descriptives", columns, [r for r in records if not r.get("error")],
                    note),
            s.table("thesis_item_means", item_columns, result.get("items") or [])]


def _thesis_normality(s: _Survey) -> list[Table]:
    result = s.analysis("normality")
    if not result:
        return []
    c, records = s.cols, result.get("variables") or []
    columns: list[Column] = [
        (c["variable"], "variable", None),
        (c["ks_statistic"], "ks_statistic", D3), (c["df"], "ks_df", INT),
        (c["ks_p"], "ks_p_value", D3), (c["ks_p_spss"], "ks_p_display", None),
        (c["sw_statistic"], "sw_statistic", D3), (c["df"], "sw_df", INT),
        (c["sw_p"], "sw_p_value", D3), (c["normal"], lambda r: _yes_no(s.t, r.get("normal")),
                                        None)]
    note = _join(s.t["notes"]["thesis_normality"], _score_note(s, records),
                 _errors_note(s, records))
    return [s.table("thesis_normality", columns, [r for r in records if not r.get("error")],
                    note)]


def _thesis_construct(s: _Survey) -> list[Table]:
    result = s.analysis("construct_validity")
    if not result:
        return []
    c = s.cols
    records = [r for r in result.get("variables") or [] if not r.get("error")]
    columns: list[Column] = [
        (c["variable"], "variable", None),
        (c["n"], "n", INT), (c["kmo"], "kmo", D3), (c["chi2"], "bartlett_chi2", D3),
        (c["df"], "bartlett_df", INT), (c["p_value_plain"], "bartlett_p", D3),
        (c["components"], "n_factors", INT)]
    note = _join(s.t["notes"]["thesis_kmo"], _errors_note(s, result.get("variables") or []))
    tables = [s.table("thesis_kmo", columns, records, note)]
    variance_rows = [{"variable": r["variable"], **row} for r in records for row in r["variance"]]
    variance_columns: list[Column] = [
        (c["variable"], "variable", None), (c["component"], "component", INT),
        (c["eigenvalue"], "eigenvalue", D3), (c["pct_variance"], "pct_variance", D3),
        (c["cumulative_pct"], "cumulative_pct", D3), (c["rotation_ss"], "rotation_ss", D3),
        (c["rotation_pct"], "rotation_pct", D3),
        (c["rotation_cumulative_pct"], "rotation_cumulative_pct", D3)]
    tables.append(s.table("thesis_variance", variance_columns, variance_rows))
    width = max((r["n_factors"] for r in records), default=1)
    msa = {(r["variable"], m["item"]): m["msa"] for r in records for m in r["msa"]}
    loading_rows = [{**row, "variable": r["variable"],
                     "msa": msa.get((r["variable"], row["item"]))}
                    for r in records for row in r["loadings"]]
    loading_columns: list[Column] = [
        (c["variable"], "variable", None), (c["item"], "item", None),
        *[(f"C{j}", f"C{j}", D3) for j in range(1, width + 1)],
        (c["communality"], "communality", D3), (c["msa"], "msa", D3)]
    tables.append(s.table("thesis_loadings", loading_columns, loading_rows,
                          s.t["notes"]["thesis_loadings"]))
    return tables


def _thesis_omega(s: _Survey) -> list[Table]:
    result = s.analysis("omega")
    if not result:
        return []
    c, records = s.cols, result.get("variables") or []
    columns: list[Column] = [
        (c["variable"], "variable", None),
        (c["k"], "k", INT), (c["n"], "n", INT), (c["omega"], "omega_total", D3),
        (c["cr"], "composite_reliability", D3), (c["ave"], "ave", D3),
        (c["sqrt_ave"], "sqrt_ave", D3)]
    note = _join(s.t["notes"]["thesis_omega"], _errors_note(s, records))
    return [s.table("thesis_omega", columns, [r for r in records if not r.get("error")], note)]


def _thesis_regression(s: _Survey) -> list[Table]:
    result = s.analysis("regression")
    if not result:
        return []
    c = s.cols
    labels = {k: _text(v, s.lang) or k for k, v in (result.get("labels") or {}).items()}

    def term(r: Mapping[str, Any]) -> str:
        return c["constant"] if r["term"] == "const" else labels.get(r["term"], r["term"])

    scores = "; ".join(f"{labels.get(k, k)} = {s.t['thesis_scores'][v]}"
                       for k, v in (result.get("score") or {}).items())
    note = s.t["notes"]["thesis_regression"].format(y=labels.get(result["y"], result["y"]),
                                                    scores=scores)
    summary_columns: list[Column] = [
        (c["n"], "n", INT), (c["multiple_r"], "r", D3), (c["r2"], "r2", D3),
        (c["adj_r2"], "adj_r2", D3),
        (c["se_estimate"], "se_estimate", D3), (c["durbin_watson"], "durbin_watson", D3)]
    normal = result.get("residual_normality")
    residual_columns: list[Column] = [
        (c["n"], "n", INT), (c["ks_statistic"], "ks_statistic", D3),
        (c["ks_p"], "ks_p_value", D3), (c["ks_p_spss"], "ks_p_display", None),
        (c["sw_statistic"], "sw_statistic", D3), (c["sw_p"], "sw_p_value", D3)]
    anova_columns: list[Column] = [
        (c["anova_source"], lambda r: s.t["anova_sources"][r["source"]], None),
        (c["ss"], "ss", D3), (c["df"], "df", INT), (c["ms"], "ms", D3), (c["f"], "f", D3),
        (c["p_value_plain"], "p_value", D3)]
    coefficient_columns: list[Column] = [
        (c["term"], term, None), (c["b"], "B", D3), (c["se"], "se", D3), (c["beta"], "beta", D3),
        (c["t"], "t", D3), (c["p_value_plain"], "p_value", D3), (c["tolerance"], "tolerance", D3),
        (c["vif"], "vif", D3)]
    glejser_columns: list[Column] = [
        (c["term"], term, None), (c["b"], "B", D3), (c["t"], "t", D3),
        (c["p_value_plain"], "p_value", D3)]
    return [
        s.table("thesis_model_summary", summary_columns, [result["summary"]], note),
        s.table("thesis_anova", anova_columns, result.get("anova") or []),
        s.table("thesis_coefficients", coefficient_columns, result.get("coefficients") or [],
                note),
        s.table("thesis_glejser", glejser_columns, result.get("glejser") or [],
                s.t["notes"]["thesis_glejser"]),
        *([s.table("thesis_residuals", residual_columns, [normal],
                   s.t["notes"]["thesis_normality"])] if normal else []),
    ]


def _thesis_groups(s: _Survey) -> list[Table]:
    result = s.analysis("group_differences")
    if not result:
        return []
    c, records = s.cols, result.get("comparisons") or []
    ok = [r for r in records if not r.get("error")]
    group_rows = [{"variable": r["variable"], "by": s.field(r["by"]),
                   **g, "group": s.category(r["by"], _category_key(g["group"]))}
                  for r in ok for g in r["groups"]]
    group_columns: list[Column] = [
        (c["variable"], "variable", None), (c["by_field"], "by", None),
        (c["group_value"], "group", None), (c["n"], "n", INT), (c["mean"], "mean", D2),
        (c["sd"], "sd", D2), (c["mean_rank"], "mean_rank", D2)]
    test_rows = [row for r in ok for row in _test_rows(s, r)]
    test_columns: list[Column] = [
        (c["variable"], "variable", None), (c["by_field"], "by", None),
        (c["test"], "test", None), (c["statistic"], "statistic", D3), (c["df1"], "df1", D3),
        (c["df2"], "df2", D3), (c["p_value_plain"], "p_value", D3)]
    note = _join(s.t["notes"]["thesis_groups"], _errors_note(s, records))
    return [s.table("thesis_groups", group_columns, group_rows),
            s.table("thesis_group_tests", test_columns, test_rows, note)]


def _category_key(value: Any) -> Any:
    text = str(value)
    return int(text) if text.lstrip("-").isdigit() else value


def _test_rows(s: _Survey, record: Mapping[str, Any]) -> list[dict[str, Any]]:
    names, by = s.t["tests"], s.field(record["by"])

    def row(test: str, statistic: Any, df1: Any, df2: Any, p: Any) -> dict[str, Any]:
        return {"variable": record["variable"], "by": by, "test": names[test],
                "statistic": statistic, "df1": df1, "df2": df2, "p_value": p}

    lev = record["levene"]
    rows = [row("levene", lev["f"], lev["df1"], lev["df2"], lev["p_value"])]
    if record.get("t_test"):
        rows += [row(key, record[key]["t"], record[key]["df"], None, record[key]["p_value"])
                 for key in ("t_test", "welch")]
        mw = record["mann_whitney"]
        rows += [row("mann_whitney_u", mw["u"], None, None, None),
                 row("mann_whitney_z", mw["z"], None, None, mw["p_value"])]
    else:
        anova, kruskal = record["anova"], record["kruskal"]
        rows += [row("anova", anova["f"], anova["df1"], anova["df2"], anova["p_value"]),
                 row("kruskal", kruskal["h"], kruskal["df"], None, kruskal["p_value"])]
    return rows


#: Per-survey table builders, in the order the appendix prints them.
SURVEY_TABLES: tuple[Callable[[_Survey], list[Table]], ...] = (
    _profile, _frequencies, _validity, _reliability, _item_total, _servqual, _ipa, _ikm,
    _thesis_descriptives, _thesis_normality, _thesis_construct, _thesis_omega,
    _thesis_regression, _thesis_groups,
)


def _bsc_tables(results: Mapping[str, Any], lang: str) -> list[Table]:
    """Finance, strategy, IKU-manual, trend and score tables (surveyq.report.appendix_bsc)."""
    from surveyq.report.appendix_bsc import bsc_tables

    return bsc_tables(results, lang)


def build_tables(results: Mapping[str, Any], log: pd.DataFrame | None = None, lang: str = "id",
                 tabulation: Mapping[str, pd.DataFrame] | None = None,
                 max_rows: int = TABULATION_MAX_ROWS) -> list[Table]:
    """Every appendix table of a results mapping, in print order.

    Parameters
    ----------
    results : mapping
        The results mapping (``results.json``).
    log : pandas.DataFrame, optional
        The cleaning log (``run_project(...).log``): survey, file, row, column, raw_value,
        action, reason, message.
    lang : {"id", "en"}
        Language of captions, headers and notes.
    tabulation : dict of str to pandas.DataFrame, optional
        Item matrix per survey (rows = respondents indexed by file row, columns = item ids);
        printed last so the numbers of the other tables do not depend on it.
    max_rows : int, default :data:`TABULATION_MAX_ROWS`
        Rows printed of the row-level tables: each item matrix (a longer one is cut and its
        note names the files :func:`write_full_matrices` writes) and the cleaning log (its
        note then points to cleaning-log.csv).

    Returns
    -------
    list of Table
        Tables grouped by type (all validity tables together), then by survey.
    """
    texts(lang)
    results = localise_results(results, lang)  # every message in the appendix's language
    surveys = [_Survey(k, v, lang) for k, v in (results.get("surveys") or {}).items()]
    tables = [table for build in SURVEY_TABLES for s in surveys for table in build(s)]
    if results.get("scorecard"):
        tables += _scorecard(results["scorecard"], lang)
    tables += _bsc_tables(results, lang)
    tables += [table for s in surveys for table in _free_text(s)]
    period = _text((results.get("project") or {}).get("period"), lang)
    tables += [table for s in surveys for table in _row_accounting(s, period)]
    if log is not None:
        tables += _cleaning_log(results, log, lang, max_rows)
    first = {name: index for index, name in reversed(list(enumerate(t.name for t in tables)))}
    tables.sort(key=lambda table: first[table.name])  # stable: surveys stay in order per type
    for s in surveys:
        if tabulation and s.key in tabulation:
            tables.append(_tabulation(s, tabulation[s.key], max_rows))
    return tables


# --------------------------------------------------------------------------- sheets


_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_name(title: str, used: set[str]) -> str:
    """A valid, unique worksheet name: no ``[]:*?/\\``, at most 31 characters.

    >>> used = set()
    >>> sheet_name("Tabulasi a/b:c", used), sheet_name("tabulasi a b c", used)
    ('Tabulasi a b c', 'tabulasi a b c (2)')
    """
    base = re.sub(r"\s+", " ", _FORBIDDEN.sub(" ", title)).strip().strip("'")
    base = base[:31].strip() or "Sheet"
    name, number = base, 1
    while name.casefold() in used:
        number += 1
        suffix = f" ({number})"
        name = base[: 31 - len(suffix)].rstrip() + suffix
    used.add(name.casefold())
    return name


def _with_context(table: Table) -> pd.DataFrame:
    frame = table.frame.copy()
    for position, (header, value) in enumerate(table.context):
        frame.insert(position, header, value)
    return frame


def _integers(frame: pd.DataFrame, formats: Mapping[str, str]) -> pd.DataFrame:
    """Whole-number columns (counts, codes) as integers, so 150 is not written as 150.0."""
    for column, fmt in formats.items():
        if fmt not in (INT, CODE):
            continue
        values = frame[column]
        if pd.api.types.is_float_dtype(values):
            numbers = values.to_numpy(dtype=float, na_value=np.nan)  # numpy: pandas' dropna
            known = numbers[~np.isnan(numbers)]  # and round cost 1 ms a column, 118 tables
            if (known == np.round(known)).all():
                frame[column] = values.astype("Int64")
    return frame


def build_sheets(tables: Sequence[Table]) -> list[Sheet]:
    """Stack the tables of each type under one header row, with their identifying columns."""
    groups: dict[str, list[Table]] = {}
    for table in tables:
        groups.setdefault(table.sheet or table.name, []).append(table)
    used: set[str] = set()
    sheets = []
    for key, members in groups.items():
        frames = [_with_context(t) for t in members]
        filled = [f for f in frames if not f.empty] or frames[:1]
        frame = pd.concat(filled, ignore_index=True) if len(filled) > 1 else filled[0]
        formats = {k: v for t in members for k, v in t.formats.items() if k in frame.columns}
        lead = len(members[0].context) + members[0].stub
        freeze = lead if frame.shape[1] > 12 or key.startswith("tabulation") else 0
        sheets.append(Sheet(key, sheet_name(members[0].sheet_title or key, used),
                            _integers(frame, formats), formats, freeze))
    return sheets


def table_sheets(tables: Sequence[Table], lang: str) -> list[Sheet]:
    """One worksheet per table, named by its number and kind (``L.7 Validitas``), titled
    with its numbered caption and followed by its note."""
    used = {texts(lang)["sheets"]["contents"].casefold()}
    sheets = []
    for number, table in enumerate(tables, start=1):
        label = f"{texts(lang)['caption_prefix']}{number} {table.sheet_title or table.name}"
        wide = table.frame.shape[1] > 12 or table.name == "tabulation"
        sheets.append(Sheet(f"table-{number}", sheet_name(label, used),
                            _integers(table.frame.copy(), table.formats), table.formats,
                            table.stub if wide else 0,
                            f"{caption_number(number, lang)} {table.caption}", table.note))
    return sheets


def contents_sheet(tables: Sequence[Table], sheets: Sequence[Sheet], lang: str) -> Sheet:
    """The list of tables: caption number (as in the document, linked to its sheet), title,
    sheet and note."""
    t = texts(lang)
    c = t["columns"]
    records = [{"number": caption_number(i, lang), "caption": table.caption,
                "sheet": sheet.name, "note": table.note}
               for i, (table, sheet) in enumerate(zip(tables, sheets, strict=True), start=1)]
    frame, formats = _frame(records, [(c[k], k, None) for k in ("number", "caption", "sheet",
                                                                "note")])
    return Sheet("contents", t["sheets"]["contents"], frame, formats,
                 title=t["sheets"]["contents"],
                 links=tuple((i, sheet.name) for i, sheet in enumerate(sheets)))


def print_key(value: Any) -> tuple[type, Any]:
    """A key under which cells print alike, for writers that print each distinct cell
    once: the value and its type (1 == 1.0 == True print differently), a zero by its text
    (-0.0 == 0.0, yet may print "-0")."""
    return value.__class__, value if value else repr(value)


def spreadsheet_text(value: Any) -> Any:
    """Text made safe for a spreadsheet: formulas neutralised; numbers untouched.

    >>> spreadsheet_text("@SUM(A1)"), spreadsheet_text(-1.5)
    ("'@SUM(A1)", -1.5)
    """
    return neutralise_formula(value) if isinstance(value, str) else value


# --------------------------------------------------------------------------- writers


def generated_at(results: Mapping[str, Any]) -> datetime:
    """The run's timestamp as naive UTC (fixed 2000-01-01 when the results have none)."""
    stamp = results.get("generated_at")
    if not stamp:
        return datetime(2000, 1, 1)
    moment = datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return max(moment, datetime(1980, 1, 1))


def document_title(results: Mapping[str, Any], lang: str) -> str:
    """'Lampiran – <organisation> <period>' for the document properties and heading."""
    project = results.get("project") or {}
    parts = [_text(project.get("organisation"), lang), _text(project.get("period"), lang)]
    return " – ".join([texts(lang)["document_title"], *[p for p in parts if p]])


def dated_zip(entries: Iterable[tuple[str, bytes]], moment: datetime) -> bytes:
    """A zip (XLSX, DOCX) of ``entries`` (name, contents) in order, each dated ``moment``:
    equal input, equal bytes. Every entry is deflated, the charts' PNG too: their IDAT,
    deflated fast at zlib level 3, shrinks by another 14 % (1.32 to 1.14 MB in the demo's
    Word appendix) for about 0.06 s."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in entries:
            entry = zipfile.ZipInfo(name, date_time=moment.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, content)
    return buffer.getvalue()


def stable_zip(data: bytes, moment: datetime) -> bytes:
    """Rewrite a zip (XLSX) with every entry dated ``moment`` (:func:`dated_zip`)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    return dated_zip(((info.filename, source.read(info.filename))
                      for info in source.infolist()), moment)


def _tables(tables: Sequence[Table] | None, results: Mapping[str, Any],
            log: pd.DataFrame | None, lang: str, tabulation: Mapping[str, pd.DataFrame] | None,
            max_rows: int) -> Sequence[Table]:
    """The tables a writer was given, or :func:`build_tables` of its arguments."""
    if tables is not None:
        return tables
    return build_tables(results, log, lang, tabulation, max_rows)


def write_xlsx(results: Mapping[str, Any], log: pd.DataFrame | None, path: str | Path,
               lang: str = "id", tabulation: Mapping[str, pd.DataFrame] | None = None,
               max_rows: int = TABULATION_MAX_ROWS, *,
               tables: Sequence[Table] | None = None) -> Path:
    """Write appendix.xlsx: a linked list of tables, then one sheet per table, each titled
    with its caption ("Tabel L.7 ..."), set to print fitted to the page width.

    Parameters
    ----------
    results : mapping
        The results mapping.
    log : pandas.DataFrame or None
        The cleaning log (``run_project(...).log``).
    path : str or path-like
        Target file, written atomically.
    lang : {"id", "en"}
        Language of sheet names, headers and notes.
    tabulation : dict of str to pandas.DataFrame, optional
        Item matrix per survey (``Responses.items``), one "Tabulasi" sheet each.
    tables : sequence of Table, optional
        The tables :func:`build_tables` made of these arguments (a run builds them once for
        every writer); built here when not given.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    from surveyq.report.xlsx import workbook_bytes

    tables = _tables(tables, results, log, lang, tabulation, max_rows)
    sheets = table_sheets(tables, lang)
    data = workbook_bytes([contents_sheet(tables, sheets, lang), *sheets],
                          title=document_title(results, lang), lang=lang,
                          moment=generated_at(results), back=texts(lang)["back_to_contents"])
    return write_atomic(path, stable_zip(data, generated_at(results)))


def write_docx(results: Mapping[str, Any], log: pd.DataFrame | None, path: str | Path,
               lang: str = "id", tabulation: Mapping[str, pd.DataFrame] | None = None,
               max_rows: int = TABULATION_MAX_ROWS, *,
               tables: Sequence[Table] | None = None) -> Path:
    """Write appendix.docx: numbered thesis-appendix tables ("Tabel L.1 ...") with notes,
    then the report's charts as numbered figures ("Gambar L.1 ...").

    Parameters
    ----------
    results : mapping
        The results mapping.
    log : pandas.DataFrame or None
        The cleaning log.
    path : str or path-like
        Target file, written atomically.
    lang : {"id", "en"}
        Language of captions, headers, notes and number format (id: 0,861; en: 0.861).
    tabulation : dict of str to pandas.DataFrame, optional
        Item matrix per survey; printed last, wide matrices split into parts.
    tables : sequence of Table, optional
        The tables :func:`build_tables` made of these arguments (a run builds them once for
        every writer); built here when not given.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    from surveyq.report.appendix_bsc import figures as bsc_figures
    from surveyq.report.build import chart_images
    from surveyq.report.docx import document_bytes

    tables = _tables(tables, results, log, lang, tabulation, max_rows)
    charts = chart_images(results, lang) if results.get("surveys") else []
    figures = bsc_figures(results, lang) + [(c["title"], c["png"], ()) for c in charts]
    data = document_bytes(tables, title=document_title(results, lang), lang=lang,
                          moment=generated_at(results), figures=figures)
    return write_atomic(path, data)  # its entries already dated by document_bytes


def _slug(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", key).strip("-").lower() or "table"


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark (Excel reads Indonesian text right), formulas neutralised."""
    safe = neutralise_frame(frame)
    return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def write_csv_tables(results: Mapping[str, Any], log: pd.DataFrame | None, folder: str | Path,
                     lang: str = "id", tabulation: Mapping[str, pd.DataFrame] | None = None,
                     max_rows: int = TABULATION_MAX_ROWS, *,
                     tables: Sequence[Table] | None = None) -> list[Path]:
    """Write one CSV per table type (the sheets of appendix.xlsx) into ``folder``.

    Files are named ``appendix-<type>.csv`` whatever the language (``appendix-validity.csv``,
    ``appendix-tabulation-<survey>.csv``); numbers keep full precision with a decimal point.

    ``tables``, when given, are those :func:`build_tables` made of the same arguments.

    Returns
    -------
    list of pathlib.Path
        The files written, in sheet order.
    """
    sheets = build_sheets(_tables(tables, results, log, lang, tabulation, max_rows))
    paths, used = [], set()
    for sheet in sheets:
        name = stem = f"appendix-{_slug(sheet.key)}"
        while name in used:
            name = f"{stem}-{len(used)}"
        used.add(name)
        paths.append(write_atomic(Path(folder) / f"{name}.csv", csv_bytes(sheet.frame)))
    return paths
