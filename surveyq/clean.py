"""Clean a raw export into a questionnaire-typed item matrix plus a cleaning log.

Steps, each of which logs what it changes or excludes (../shared/spec/design.md, "Data flow";
formulas.md section 1):

1. match the export's columns to the questionnaire's items and respondent fields;
2. turn every item cell into its scale code (labels, aliases, "4 (Baik)", numbers), setting
   unknown labels, out-of-range and non-integer codes to missing;
3. exclude rows without any item answer, duplicate respondent ids and exact duplicate rows;
4. apply reverse keying to the rows kept, x' = (min + max) - x, from the questionnaire's scale ends.

Nothing is dropped silently: the rows kept plus the rows excluded add up to the rows in the file
(:meth:`surveyq.log.CleaningLog.row_accounting`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from surveyq.errors import InputError
from surveyq.io import RawTable
from surveyq.log import Action, CleaningLog, Reason
from surveyq.questionnaire import Item, Questionnaire, RespondentField, Scale, normalise_label
from surveyq.readers.table import UnsavedFormula

_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


@dataclass
class Responses:
    """The cleaned survey: item matrix, respondent fields and the log of every change.

    Attributes
    ----------
    items : DataFrame
        Respondents x items (columns are item ids), float codes after reverse keying,
        NaN for a missing answer. The index is the row number in the source file.
    fields : DataFrame
        Respondent characteristics and free text (columns are field ids), same index.
    log : CleaningLog
        One entry per change or exclusion, and the row accounting of the file.
    questionnaire : Questionnaire
        The questionnaire the file was read with.
    """

    items: pd.DataFrame
    fields: pd.DataFrame
    log: CleaningLog
    questionnaire: Questionnaire
    file: str = ""
    timestamps: pd.Series | None = None
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.items)

    def items_with(self, role: str | None = None) -> pd.DataFrame:
        """The item columns whose role is ``role`` (perception, expectation, ...)."""
        return self.items[[item.id for item in self.questionnaire.items_with(role)]]

    def _repr_html_(self) -> str:
        return (
            f"<p>{self.n} respondents x {self.items.shape[1]} items from {self.file}; "
            f"{len(self.log)} log entries</p>" + self.items.head().to_html()
        )


# ---------------------------------------------------------------- column matching


def _matches(header: str, target: Item | RespondentField) -> bool:
    folded = normalise_label(header)
    if any(folded == normalise_label(candidate) for candidate in target.header_candidates):
        return True
    return bool(target.column_pattern and _pattern_search(target, header))


#: Seconds one ``column_pattern`` may spend on one header before it is refused.
PATTERN_TIMEOUT = 0.25


def _pattern_search(target: Item | RespondentField, header: str) -> bool:
    """``column_pattern`` searched in ``header``, bounded in time.

    Patterns are full regular expressions (the shipped questionnaires need ``^``, ``.*`` and
    character classes), so a pattern with nested quantifiers such as ``(a+)+$`` could
    backtrack for hours on a long header. The ``regex`` engine checks a timeout while it
    matches; a pattern that runs over it is a questionnaire error naming the key, rather
    than a hang. Rejecting risky shapes up front would refuse harmless patterns too, and
    adjacent ``.*`` runs are polynomial, not caught by such a test.
    """
    import regex

    try:
        return regex.search(target.column_pattern, header, timeout=PATTERN_TIMEOUT) is not None
    except TimeoutError:
        kind = "item" if isinstance(target, Item) else "field"
        raise InputError(
            f"{kind} {target.id}: column_pattern {target.column_pattern!r} takes too long on "
            f"the header {header[:60]!r} (nested repeats such as (a+)+ backtrack without end); "
            "write a simpler pattern, or give the header in `column:`"
        ) from None
    except regex.error as error:
        raise InputError(f"column_pattern {target.column_pattern!r} of {target.id} is not a "
                         f"valid regular expression ({error})") from None


def match_columns(raw: RawTable, q: Questionnaire, log: CleaningLog) -> dict[str, str]:
    """Map item and field ids to the export's headers; problems go to the log.

    An item whose column is missing or matched twice is fatal; a missing optional field is
    noted; every header nobody claims is reported as an extra column.
    """
    headers = [str(h) for h in raw.frame.columns]
    mapping: dict[str, str] = {}
    claimed: dict[str, str] = {}
    for target in [*q.items, *q.fields]:
        try:
            found = [h for h in headers if _matches(h, target)]
        except InputError as error:
            index = (q.items if isinstance(target, Item) else q.fields).index(target)
            key = f"{'items' if isinstance(target, Item) else 'fields'}[{index}].column_pattern"
            raise InputError(error.detail, q.path or q.id, key) from None
        kind = "item" if isinstance(target, Item) else "field"
        if not found:
            fatal = kind == "item" or target.required
            wanted = target.header_candidates or [f"/{target.column_pattern}/"]
            log.add(
                raw.file,
                None,
                None,
                None,
                Action.FATAL if fatal else Action.NOTED,
                Reason.MISSING_COLUMN,
                f"{kind} {target.id}: no column {wanted[0]!r} in the file: "
                f"fix `column:` of {kind} {target.id} in {q.path or q.id} or the export's header",
            )
            continue
        if len(found) > 1:
            log.add(
                raw.file,
                None,
                found[1],
                None,
                Action.FATAL,
                Reason.AMBIGUOUS_COLUMN,
                f"{kind} {target.id} matches {len(found)} columns ({', '.join(map(repr, found))}): "
                f"make its `column:` or `column_pattern:` match exactly one",
            )
            continue
        header = found[0]
        if header in claimed:
            log.add(
                raw.file,
                None,
                header,
                None,
                Action.FATAL,
                Reason.AMBIGUOUS_COLUMN,
                f"column {header!r} is claimed by both {claimed[header]} and {target.id}: "
                "give each its own column",
            )
            continue
        claimed[header] = target.id
        mapping[target.id] = header
    for header in headers:
        if header not in claimed and header != raw.timestamp_column:
            log.add(
                raw.file,
                None,
                header,
                None,
                Action.COLUMN_IGNORED,
                Reason.EXTRA_COLUMN,
                f"column {header!r} is not in questionnaire {q.id}: ignored",
            )
    return mapping


# ---------------------------------------------------------------- cell coding


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _as_number(value: Any) -> float | None:
    if isinstance(value, (bool, np.bool_)):
        return float(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    text = str(value).strip()
    if not _NUMBER.match(text):
        return None
    # A comma here is a decimal comma ("3,5"): nobody writes thousands separators in codes.
    text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class _Coded:
    code: float
    reason: Reason | None = None
    detail: str = ""


def code_answer(
    value: Any, scale: Scale, scale_name: str, missing_codes: tuple[float, ...] = ()
) -> _Coded:
    """Turn one raw cell into a scale code, or NaN with the reason.

    ``missing_codes`` are the file's own user-missing values (SPSS), which mean "no answer"
    even when they fall inside the scale.
    """
    if isinstance(value, UnsavedFormula):
        return _Coded(
            math.nan,
            Reason.FORMULA_WITHOUT_VALUE,
            f"the cell holds the formula {str(value)[:60]!r} without a saved value: open and "
            "save the file in Excel (or LibreOffice) so its values are stored, then read it again",
        )
    if _is_blank(value):
        return _Coded(math.nan, Reason.MISSING_ANSWER, "no answer")
    if isinstance(value, (bool, np.bool_)):
        return _boolean(value, scale_name)
    number = _as_number(value)
    if number is not None and number in missing_codes:
        return _Coded(
            math.nan,
            Reason.DECLARED_MISSING,
            f"{value!r} is declared missing in the file's metadata",
        )
    if number is not None:
        if not math.isfinite(number) or number != int(number):
            return _Coded(
                math.nan,
                Reason.NON_INTEGER,
                f"{value!r} is not a whole code of scale {scale_name} ({scale.low}-{scale.high})",
            )
        if int(number) not in scale.points:
            return _Coded(
                math.nan,
                Reason.OUT_OF_RANGE,
                f"{value!r} is outside scale {scale_name} ({scale.low}-{scale.high})",
            )
        return _Coded(float(number))
    if scale.is_declared_missing(value):
        return _Coded(math.nan, Reason.DECLARED_MISSING, f"{value!r} means no answer")
    point = scale.code_for(value)
    if point is None and normalise_label(value) in ("true", "false"):
        return _boolean(value, scale_name)
    if point is None:
        return _Coded(
            math.nan,
            Reason.UNKNOWN_LABEL,
            f"{str(value)!r} is not a label of scale {scale_name}: fix the answer, "
            f"or add it under scales.{scale_name}.aliases",
        )
    return _Coded(float(point))


def _boolean(value: Any, scale_name: str) -> _Coded:
    """TRUE and FALSE are yes/no cells, never answer codes (TRUE is not 1, FALSE is not 0)."""
    return _Coded(
        math.nan,
        Reason.BOOLEAN_CELL,
        f"{str(value).upper()!r} is a TRUE/FALSE cell, not an answer of scale {scale_name}: "
        "type the answer's code or label in the cell",
    )


def _code_column(
    raw: RawTable, header: str, item: Item, scale: Scale, log: CleaningLog, rows: list[int]
) -> np.ndarray:
    values = raw.frame[header].tolist()
    missing_codes = tuple(
        float(v) for v in raw.declared_missing.get(header, []) if _as_number(v) is not None
    )
    cache: dict[Any, _Coded] = {}
    codes = np.empty(len(values))
    for position, value in enumerate(values):
        key = ("blank",) if _is_blank(value) else (type(value).__name__, str(value))
        coded = cache.get(key)
        if coded is None:
            coded = cache[key] = code_answer(value, scale, item.scale, missing_codes)
        codes[position] = coded.code
        if coded.reason is Reason.MISSING_ANSWER:
            log.add(
                raw.file,
                rows[position],
                header,
                None,
                Action.CELL_MISSING,
                Reason.MISSING_ANSWER,
                f"item {item.id}: no answer",
            )
        elif coded.reason is not None:
            log.add(
                raw.file,
                rows[position],
                header,
                value,
                Action.CELL_SET_MISSING,
                coded.reason,
                f"item {item.id}: {coded.detail}",
            )
    return codes


def _reverse(
    codes: np.ndarray, item: Item, scale: Scale, header: str, file: str, log: CleaningLog
) -> np.ndarray:
    if not item.reverse:
        return codes
    answered = int(np.isfinite(codes).sum())
    log.add(
        file,
        None,
        header,
        None,
        Action.RECODED,
        Reason.REVERSE_KEYED,
        f"item {item.id} is reverse-worded: {answered} answers recoded as "
        f"{scale.low + scale.high} - x",
    )
    return (scale.low + scale.high) - codes


# ---------------------------------------------------------------- rows


def _exclude(
    frame_rows: list[int],
    mask: np.ndarray,
    raw: RawTable,
    log: CleaningLog,
    reason: Reason,
    messages: list[str],
) -> None:
    for position in np.flatnonzero(mask):
        log.add(
            raw.file,
            frame_rows[position],
            None,
            None,
            Action.ROW_EXCLUDED,
            reason,
            messages[position],
        )


def _duplicate_rows(raw: RawTable, rows: list[int]) -> tuple[np.ndarray, list[str]]:
    """Exact copies of an earlier row in every column (a form submitted twice)."""
    as_text = raw.frame.astype("string").fillna("\x00")
    duplicated = as_text.duplicated(keep="first").to_numpy()
    first_row: dict[tuple, int] = {}
    messages = []
    for position, record in enumerate(as_text.itertuples(index=False, name=None)):
        first_row.setdefault(record, rows[position])
        messages.append(
            f"exact copy of row {first_row[record]}: excluded as a duplicate submission"
        )
    return duplicated, messages


def _duplicate_ids(ids: pd.Series, rows: list[int], column: str) -> tuple[np.ndarray, list[str]]:
    text = ids.astype("string").str.strip()
    duplicated = (text.duplicated(keep="first") & text.notna() & (text != "")).to_numpy()
    first_row = {value: rows[pos] for pos, value in reversed(list(enumerate(text)))}
    messages = [
        f"respondent id {value!r} in column {column!r} already on row {first_row.get(value)}: "
        "excluded (the first submission is kept)"
        for value in text
    ]
    return duplicated, messages


# ---------------------------------------------------------------- fields


def _field_values(raw: RawTable, header: str, fld: RespondentField) -> pd.Series:
    labels = raw.value_labels.get(header, {})
    folded = _category_lookup(fld)
    seen: dict[tuple[str, str], str | None] = {}  # a field has few distinct answers
    values = []
    for value in raw.frame[header].tolist():
        key = (type(value).__name__, str(value))
        if key not in seen:
            seen[key] = _field_value(value, labels, folded)
        values.append(seen[key])
    return pd.Series(values, dtype="object")


def _category_lookup(fld: RespondentField) -> dict[str, str]:
    """Folded code, Indonesian and English label -> category code."""
    folded = {normalise_label(code): code for code in fld.categories}
    folded.update({normalise_label(t.id): c for c, t in fld.categories.items()})
    folded.update({normalise_label(t.en): c for c, t in fld.categories.items()})
    return folded


def _field_value(value: Any, labels: dict[Any, Any], folded: dict[str, str]) -> str | None:
    """One respondent-field cell as text, mapped to its category code when it names one."""
    if _is_blank(value):
        return None
    if labels and value in labels:
        value = labels[value]
    text = " ".join(str(value).split())
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    if folded:
        text = folded.get(normalise_label(text), text)
    return text


# ---------------------------------------------------------------- entry point


def clean(raw: RawTable, q: Questionnaire) -> Responses:
    """Clean a :class:`~surveyq.io.RawTable` with a questionnaire into :class:`Responses`.

    Fatal problems (an item's column is missing, a column matches two items) are logged with
    action ``fatal``: :func:`read_responses` raises on them, ``surveyq check`` lists them all.
    """
    log = CleaningLog()
    log.extend(raw.log)
    mapping = match_columns(raw, q, log)
    rows = list(raw.rows)
    item_codes: dict[str, np.ndarray] = {}
    for item in q.items:
        if item.id in mapping:
            header = mapping[item.id]
            scale = q.scale_of(item)
            item_codes[item.id] = _code_column(raw, header, item, scale, log, rows)
    items = pd.DataFrame(item_codes, index=pd.Index(rows, name="row"), columns=list(item_codes))
    fields = pd.DataFrame(
        {
            f.id: _field_values(raw, mapping[f.id], f).to_numpy()
            for f in q.fields
            if f.id in mapping
        },
        index=items.index,
    )
    keep = _exclude_rows(raw, q, mapping, items, fields, rows, log)
    items = items[keep].copy()
    for item in q.items:
        if item.id in mapping:  # after exclusions, so the log counts respondents kept
            items[item.id] = _reverse(
                items[item.id].to_numpy(), item, q.scale_of(item), mapping[item.id], raw.file, log
            )
    timestamps = None
    if raw.timestamp_column:
        stamps = raw.frame[raw.timestamp_column].to_numpy()
        timestamps = pd.Series(stamps, index=fields.index)[keep]
    log.files[raw.file] = {"rows_in_file": raw.rows_in_file, "rows_kept": int(keep.sum())}
    return Responses(items, fields[keep], log, q, raw.file, timestamps, mapping)


def _exclude_rows(
    raw: RawTable,
    q: Questionnaire,
    mapping: dict[str, str],
    items: pd.DataFrame,
    fields: pd.DataFrame,
    rows: list[int],
    log: CleaningLog,
) -> np.ndarray:
    """Decide which rows stay; each excluded row is logged once, under its first reason."""
    keep = np.ones(len(rows), dtype=bool)
    if items.shape[1]:
        empty = items.isna().all(axis=1).to_numpy()
        _exclude(
            rows,
            empty & keep,
            raw,
            log,
            Reason.NO_ANSWERS,
            ["no answer to any item: excluded"] * len(rows),
        )
        keep &= ~empty
    item_headers = {mapping[item.id] for item in q.items if item.id in mapping}
    if set(map(str, raw.frame.columns)) - item_headers:
        duplicated, messages = _duplicate_rows(raw, rows)
        _exclude(rows, duplicated & keep, raw, log, Reason.DUPLICATE_ROW, messages)
        keep &= ~duplicated
    else:
        # Without a timestamp, id or profile column, two respondents giving the same answers
        # are indistinguishable from a double submission: keep both and say so.
        log.add(
            raw.file,
            None,
            None,
            None,
            Action.NOTED,
            Reason.DUPLICATE_ROW,
            "the file has only item columns, so identical rows cannot be told from "
            "double submissions: no row was excluded as a duplicate",
        )
    for fld in q.fields:
        if fld.kind == "id" and fld.id in mapping:
            ids = pd.Series(np.where(keep, fields[fld.id].to_numpy(), None))
            dup_ids, messages = _duplicate_ids(ids, rows, mapping[fld.id])
            _exclude(rows, dup_ids & keep, raw, log, Reason.DUPLICATE_ID, messages)
            keep &= ~dup_ids
    return keep


def read_responses(
    path: str, questionnaire: Questionnaire | str, *, strict: bool = True, **read_options: Any
) -> Responses:
    """Read an export and clean it with a questionnaire.

    Parameters
    ----------
    path : str or path-like
        CSV, XLSX/XLS, Google Forms, KoboToolbox/ODK, LimeSurvey, SPSS .sav, Stata .dta or
        Parquet (see :func:`surveyq.io.read_raw`).
    questionnaire : Questionnaire or str
        A loaded questionnaire, a YAML path, or the id of a shipped questionnaire.
    strict : bool
        Raise :class:`~surveyq.errors.InputError` listing every fatal problem (default);
        with False the problems stay in ``responses.log`` for ``surveyq check``.
    **read_options
        Passed to :func:`surveyq.io.read_raw` (``encoding``, ``delimiter``, ``sheet``, ...).

    Examples
    --------
    >>> import surveyq as sq
    >>> resp = sq.read_responses("questionnaires/demo/skm-2025.xlsx",
    ...                          "skm-permenpanrb-14-2017")   # doctest: +SKIP
    >>> resp.items.shape                                      # doctest: +SKIP
    (398, 9)
    """
    from surveyq.io import read_raw
    from surveyq.questionnaire import load_questionnaire

    q = (
        questionnaire
        if isinstance(questionnaire, Questionnaire)
        else load_questionnaire(questionnaire)
    )
    responses = clean(read_raw(path, **read_options), q)
    fatal = responses.log.fatal
    if strict and fatal:
        raise InputError("; ".join(entry.message for entry in fatal), responses.file)
    return responses
