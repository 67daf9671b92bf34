"""Clean a raw export into a questionnaire-typed item matrix plus a cleaning log.

Steps, each of which logs what it changes or excludes (docs/methods.md, "Data flow";
docs/methods.md section 1):

1. match the export's columns to the questionnaire's items and respondent fields;
2. turn every item cell into its scale code (labels, aliases, "4 (Baik)", numbers), setting
   unknown labels, out-of-range and non-integer codes to missing;
3. exclude rows without any item answer, duplicate respondent ids and exact duplicate rows;
4. apply reverse keying to the rows kept, x' = (min + max) - x, from the questionnaire's scale ends.

Nothing is dropped silently: the rows kept plus the rows excluded add up to the rows in the file
(:meth:`surveyq.log.CleaningLog.row_accounting`).
"""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from surveyq.coding import (  # noqa: F401 - _Coded and code_answer are imported from here
    ItemRule,
    _as_number,
    _Coded,
    _is_blank,
    code_answer,
    distinct_values,
)
from surveyq.engine import BatchCoder, CodedBatch, Patterns
from surveyq.errors import InputError
from surveyq.io import RawTable
from surveyq.log import Action, CellEntries, CleaningLog, Reason
from surveyq.messages import joined, msg
from surveyq.questionnaire import Item, Questionnaire, RespondentField, Scale, normalise_label
from surveyq.readers.table import TextValues, arrow_texts

if TYPE_CHECKING:
    from surveyq.moments import Moments


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
    #: Duplicate submissions found and identical answer patterns (see :func:`clean`).
    duplicates: dict[str, Any] = field(default_factory=dict)
    #: Field id -> the column :func:`clean` built, its Arrow data and its codes
    #: (:meth:`field_codes`).
    _codes: dict[str, tuple[Any, Any, np.ndarray, list[str]]] = field(
        default_factory=dict, repr=False, compare=False)
    #: The ``items`` frame :func:`clean` built and its answers as int8 kernel codes (items x
    #: respondents, 0 for no answer), kept when every code is the answer itself
    #: (:meth:`item_moments`).
    _kernel: tuple[pd.DataFrame, np.ndarray] | None = field(
        default=None, repr=False, compare=False)

    @property
    def n(self) -> int:
        return len(self.items)

    def field_codes(self, field_id: str) -> tuple[np.ndarray, list[str]]:
        """``pandas.factorize(fields[field_id], sort=True)``: each respondent's position in
        the field's sorted values (-1 for none), and those values.

        From the reader's distinct values while the column is still the one :func:`clean`
        built (the same array holding the same Arrow data), so a breakdown by the field does
        not factorize a million labels again; otherwise factorized here.
        """
        known = self.known_field_codes(field_id)
        if known is not None:
            return known
        codes, uniques = pd.factorize(self.fields[field_id], sort=True)
        return codes, list(uniques)

    def known_field_codes(self, field_id: str) -> tuple[np.ndarray, list[str]] | None:
        """:meth:`field_codes` when they are :func:`clean`'s (nothing to compute), else None."""
        column = self.fields[field_id]
        known = self._codes.get(field_id)
        if known is not None and known[0] is column.array and known[1] is _arrow_data(column):
            return known[2], known[3]
        return None

    def item_codes(self, item_id: str) -> np.ndarray | None:
        """The item's answers as :func:`clean`'s int8 codes (each the answer itself, 0 for
        no answer) while ``items`` is the frame it built (see :meth:`item_moments`), else
        None."""
        rows = self._kernel_rows([item_id])
        return None if rows is None else self._kernel[1][rows[0]]

    def item_moments(self, items: list[str], *, pairwise: bool) -> Moments:
        """``Moments.from_frame(self.items[items], pairwise=pairwise)``.

        While ``items`` is the frame :func:`clean` built, from the int8 kernel codes it
        was built from (``Moments.from_array`` with 0 for no answer): the float path turns
        the floats back into those very codes block by block before the same integer
        kernel, so every sum is the same, without the conversion passes. A frame set in
        its place is read itself; answers written into the frame in place are not seen
        (the run never does that: set a new frame instead).
        """
        from surveyq.moments import Moments

        rows = self._kernel_rows(items)
        if rows is None:
            return Moments.from_frame(self.items[items], pairwise=pairwise)
        codes = self._kernel[1]
        codes = codes if rows == list(range(len(codes))) else codes[rows]
        return Moments.from_array(codes.T, items, missing_codes=[0], pairwise=pairwise)

    def _kernel_rows(self, items: list[str]) -> list[int] | None:
        """The rows of :attr:`_kernel`'s codes holding ``items``, while ``items`` (the
        attribute) is still the frame :func:`clean` built from them; else None."""
        columns = list(self.items.columns)
        if (self._kernel is None or self._kernel[0] is not self.items or not items
                or not set(items) <= set(columns)):
            return None
        return [columns.index(item) for item in items]

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
        raise InputError(msg(f"error.pattern_too_slow_{kind}", target=target.id,
                             pattern=repr(target.column_pattern), header=repr(header[:60]))
                         ) from None
    except regex.error as error:
        raise InputError(msg("error.pattern_invalid", pattern=repr(target.column_pattern),
                             target=target.id, reason=str(error))) from None


def _repeated_headers(file: str, log: CleaningLog) -> dict[str, list[str]]:
    """Header text -> the names the reader gave its later copies (" (2)", " (3)"...)."""
    repeated: dict[str, list[str]] = {}
    for entry in log.entries:
        if (entry.reason is Reason.AMBIGUOUS_COLUMN and entry.file == file and entry.column
                and isinstance(entry.raw_value, str)
                and entry.column.startswith(f"{entry.raw_value} (")):
            repeated.setdefault(entry.raw_value, []).append(entry.column)
    return repeated


def match_columns(raw: RawTable, q: Questionnaire, log: CleaningLog) -> dict[str, str]:
    """Map item and field ids to the export's headers; problems go to the log.

    An item whose column is missing or matched twice is fatal; a missing optional field is
    noted; every header nobody claims is reported as an extra column.
    """
    headers = [str(h) for h in raw.columns]
    repeated = _repeated_headers(raw.file, log)
    # In a workbook the answers may be on another sheet than the one read.
    sheet = msg("log.sheet_hint", sheet=repr(raw.sheet)) if raw.sheet is not None else ""
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
                msg(f"log.no_column_{kind}", target=target.id, wanted=repr(wanted[0]),
                    questionnaire=str(q.path or q.id), sheet=sheet),
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
                msg(f"log.ambiguous_{kind}", target=target.id, count=len(found),
                    columns=[repr(column) for column in found]),
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
                msg("log.column_claimed_twice", column=repr(header), first=claimed[header],
                    second=target.id),
            )
            continue
        if header in repeated:
            # Which copy holds the answers is a guess; taking the first one would invent data.
            log.add(raw.file, None, header, None, Action.FATAL, Reason.AMBIGUOUS_COLUMN,
                    msg(f"log.repeated_header_{kind}", target=target.id, header=repr(header),
                        copies=[repr(header), *map(repr, repeated[header])]))
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
                msg("log.extra_column", column=repr(header), questionnaire=q.title.en,
                    questionnaire_id=q.title.id),
            )
    return mapping


# ---------------------------------------------------------------- cell coding


def _item_rule(raw: RawTable, header: str, item: Item, scale: Scale) -> ItemRule:
    """How the read engine codes the item's column, with the file's declared-missing codes."""
    missing_codes = tuple(
        float(v) for v in raw.declared_missing.get(header, []) if _as_number(v) is not None
    )
    return ItemRule(item.id, header, item.scale, scale, item.reverse, missing_codes)


def _log_cells(batch: CodedBatch, j: int, file: str, log: CleaningLog,
               rows: np.ndarray) -> None:
    """One log entry per cell of column ``j`` set missing (kept as arrays), its message
    shared by every cell of the same value."""
    column = batch.columns[j]
    item = column.rule.item
    positions, which, problems = batch.missing_cells(j)
    notes = []
    note_of = np.zeros(len(column.uniques), dtype=np.intp)
    for u in problems:
        coded = column.coded[u]
        note_of[u] = len(notes)
        if coded.reason is Reason.MISSING_ANSWER:
            notes.append((None, Action.CELL_MISSING, Reason.MISSING_ANSWER,
                          msg("log.item_no_answer", item=item)))
        else:
            notes.append((column.uniques[u], Action.CELL_SET_MISSING, coded.reason,
                          msg("log.item_cell", item=item, detail=coded.detail)))
    log.add_cells(CellEntries(file, column.rule.column, rows[positions], note_of[which],
                              tuple(notes)))


def _log_reverse(codes: np.ndarray, rule: ItemRule, file: str, log: CleaningLog) -> None:
    """Say that a reverse-keyed item's answers (``codes``: the kept rows') were turned round."""
    if rule.reverse:
        log.add(file, None, rule.column, None, Action.RECODED, Reason.REVERSE_KEYED,
                msg("log.reverse_keyed", item=rule.item, answered=int(np.count_nonzero(codes)),
                    sum=rule.scale.low + rule.scale.high))


def _answer_frame(codes: np.ndarray, rules: list[ItemRule], index: pd.Index) -> pd.DataFrame:
    """Respondents x items answer codes (float, NaN for no answer) from the kernel codes
    (items x rows), built as one float block so every later ``to_numpy()`` is a view."""
    block = np.empty(codes.shape, np.float64)
    for row, kernel, rule in zip(block, codes, rules, strict=True):
        # answer = kernel code + offset, exact in float64; kernel code 0: no valid answer
        # (arithmetic on the small codes: a gather would first widen them to indices)
        np.add(kernel, float(rule.offset), out=row)
        np.copyto(row, np.nan, where=kernel == 0)
    return pd.DataFrame(block.T, index=index, columns=[rule.item for rule in rules], copy=False)


# ---------------------------------------------------------------- rows


def _exclude(
    frame_rows: np.ndarray,
    mask: np.ndarray,
    raw: RawTable,
    log: CleaningLog,
    reason: Reason,
    message: str,
) -> None:
    """One log entry per row of ``mask``, each saying ``message``."""
    for row in frame_rows[mask].tolist():
        log.add(raw.file, row, None, None, Action.ROW_EXCLUDED, reason, message)


#: What ``duplicates:`` may say: exclude a duplicate submission, only flag it, or keep it.
DUPLICATE_POLICIES = ("exclude", "flag", "keep")
#: Seconds within which two submissions with the same answers and fields are one submission.
DEFAULT_DUPLICATE_WINDOW = 60.0
_TIMEZONE_SUFFIX = re.compile(r"\s*(GMT|UTC)\s*[+-]?\d{0,2}(:?\d\d)?\s*$", re.IGNORECASE)


def _parse_times(text: pd.Series, dayfirst: bool) -> pd.Series:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pd.to_datetime(text, errors="coerce", dayfirst=dayfirst, utc=True, format="mixed")


def submission_seconds(stamps: pd.Series, dayfirst: bool | None = None) -> np.ndarray:
    """Submission times as seconds (NaN where a cell is not a time), for the duplicate window.

    Google Forms writes the form owner's locale ("12/03/2025 9:14:03", "2025/03/12 9:14:03
    AM GMT+7"), Kobo ISO 8601; day-first and month-first are both tried and the reading that
    parses more cells wins (unless ``dayfirst`` says). Only differences between rows are
    used, so a day/month swap applied to the whole column changes no decision within a day.
    """
    values = pd.Series(stamps).reset_index(drop=True)
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = pd.to_datetime(values, errors="coerce", utc=True)
    else:
        text = values.astype("string").str.strip().str.replace(_TIMEZONE_SUFFIX, "", regex=True)
        if dayfirst is None:  # both readings, the one with more times kept (day-first on a tie)
            readings = [_parse_times(text, first) for first in (True, False)]
            parsed = max(readings, key=lambda reading: reading.notna().sum())
        else:
            parsed = _parse_times(text, dayfirst)
    seconds = np.full(len(values), np.nan)
    valid = parsed.notna().to_numpy()
    seconds[valid] = parsed[valid].astype("int64").to_numpy() / 1e6
    return seconds


@dataclass(frozen=True)
class _Duplicate:
    row: int  # position of the row that repeats an earlier one
    reason: Reason
    message: str


def first_of_key(keys: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """For each candidate row, the position of the first candidate with its key; -1 if none.

    ``keys`` are per-row hashes; rows that are not candidates get -1. Vectorised (a stable
    sort), so the streamed pass decides exactly as the in-memory one.
    """
    positions = np.flatnonzero(candidates)
    first = np.full(len(keys), -1, np.int64)
    if not len(positions):
        return first
    order = positions[np.argsort(keys[positions], kind="stable")]
    sorted_keys = keys[order]
    starts = np.r_[True, sorted_keys[1:] != sorted_keys[:-1]]
    first[order] = order[np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))]
    return first


def previous_of_key(keys: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """For each candidate row, the position of the latest earlier candidate with its key."""
    positions = np.flatnonzero(candidates)
    previous = np.full(len(keys), -1, np.int64)
    if not len(positions):
        return previous
    order = positions[np.argsort(keys[positions], kind="stable")]
    same = np.r_[False, keys[order][1:] == keys[order][:-1]]
    previous[order[same]] = order[np.flatnonzero(same) - 1]
    return previous


def text_hashes(frame: pd.DataFrame,
                distinct: Callable[[str], tuple[np.ndarray, list]] | None = None) -> np.ndarray:
    """One 64-bit hash per row of the cells as text (blank and missing alike).

    ``distinct``: a column's ``(indices, uniques)`` when already known
    (:meth:`RawTable.distinct_values`)."""
    return row_hashes(frame, distinct)[0]


def row_hashes(frame: pd.DataFrame,
               distinct: Callable[[str], tuple[np.ndarray, list]] | None = None,
               leave_out: str | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """Per row, the hash of every cell as stripped text, and (``leave_out``) of every cell
    but that column's. Each column's cells are hashed once per distinct cell, gathered to
    the rows and folded in at once, so one column's hashes are held at a time."""
    whole, rest, _ = _row_hashes(_frame_columns(frame, distinct), len(frame), leave_out, [])
    return whole, rest


def _frame_columns(frame: pd.DataFrame,
                   distinct: Callable[[str], tuple[np.ndarray, list]] | None
                   ) -> list[tuple[str, Callable[[], tuple[np.ndarray, list]]]]:
    """Each column's name and how to get its distinct values (``distinct``, else found)."""
    if distinct is not None:
        return [(name, functools.partial(distinct, name)) for name in frame.columns]
    return [(name, functools.partial(distinct_values, frame.iloc[:, position]))
            for position, name in enumerate(frame.columns)]


def _row_hashes(columns: list[tuple[str, Callable[[], tuple[np.ndarray, list]]]], rows: int,
                leave_out: str | None, keys: list[str],
                ) -> tuple[np.ndarray, np.ndarray | None, dict[str, tuple[np.ndarray, np.ndarray]]]:
    """:func:`row_hashes` of ``rows`` rows from each column's ``(name, distinct values)``,
    and for each of the ``keys`` columns whose values are text with nothing to strip, its
    cells' hashes and whether each cell is filled."""
    whole = _RowHash(len(columns), rows)
    rest = _RowHash(len(columns) - 1, rows) if leave_out is not None else None
    kept: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for name, distinct in columns:
        indices, uniques = distinct()
        texts, plain = _texts(uniques)
        text = np.empty(len(uniques), dtype=object)
        text[:] = texts
        hashes = pd.util.hash_array(text, categorize=False)[indices]
        whole.add(hashes)
        if rest is not None and name != leave_out:
            rest.add(hashes)
        if name in keys and plain:
            kept[name] = (hashes, (text != "")[indices])
    return whole.value(), rest.value() if rest is not None else None, kept


def _key_hashes(id_columns: list[str], found: dict[str, tuple[np.ndarray, np.ndarray]],
                rows: int) -> np.ndarray | None:
    """The hash of the id columns per row (0 where every id cell is blank), from the column
    hashes :func:`_row_hashes` kept: what :func:`text_hashes` gives of their stripped text.
    None unless every id column was kept."""
    if any(column not in found for column in id_columns):
        return None
    combined = _RowHash(len(id_columns), rows)
    filled = np.zeros(rows, dtype=bool)
    for column in id_columns:
        hashes, present = found[column]
        combined.add(hashes)
        filled |= present
    return np.where(filled, combined.value(), 0)


class _RowHash:
    """pandas' combination of column hashes (``hash_pandas_object`` of a frame), in numpy."""

    def __init__(self, columns: int, rows: int) -> None:
        self.columns, self.added = columns, 0
        self.combined = np.full(rows, 0x345678, np.uint64)
        self.factor = np.uint64(1000003)

    def add(self, hashes: np.ndarray) -> None:
        self.combined ^= hashes
        self.combined *= self.factor
        self.factor += np.uint64(82520 + 2 * (self.columns - self.added))
        self.added += 1

    def value(self) -> np.ndarray:
        return self.combined + np.uint64(97531)


#: White space as Python's ``str.strip()`` sees it, for pyarrow (RE2 and utf8_trim).
_SPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
          "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


def _stripped_texts(uniques: list) -> list[str]:
    """Each value as stripped text ("" for None). Many distinct texts (an id column) are
    checked for white space at their ends by one pyarrow pass; only then stripped in Python."""
    return _texts(uniques)[0]


def _texts(uniques: list) -> tuple[list[str], bool]:
    """:func:`_stripped_texts`, and whether every value is text (or None) with nothing to
    strip (then pandas' ``astype("string")`` and ``str.strip`` give the same texts)."""
    if len(uniques) <= 256:
        texts = ["" if value is None else str(value).strip() for value in uniques]
        return texts, all(value is None or (type(value) is str and value == text)
                          for value, text in zip(uniques, texts, strict=True))
    if uniques[-1] is None:
        import pyarrow as pa
        import pyarrow.compute as pc

        try:
            texts = arrow_texts(uniques)[:-1]
        except (pa.ArrowTypeError, pa.ArrowInvalid):
            texts = None  # not all text
        ends = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in _SPACE) + "]"
        if texts is not None and not texts.null_count and not pc.any(
                pc.match_substring_regex(texts, f"^{ends}|{ends}$")).as_py():
            return [*uniques[:-1], ""], isinstance(uniques, TextValues) or all(
                type(value) is str for value in uniques[:-1])
    return ["" if value is None else str(value).strip() for value in uniques], False


def duplicate_decisions(ids: np.ndarray | None, whole: np.ndarray, pattern: np.ndarray | None,
                        seconds: np.ndarray | None, answered: np.ndarray,
                        window: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which rows are duplicate submissions, on evidence only; shared by both read paths.

    Parameters: per row, the hash of the respondent id (0 where blank) or None; the hash of
    every cell; the hash of every cell but the submission time, and that time in seconds
    (NaN where unreadable), or None; whether the row has an answer.

    Returns ``(kind, earlier, apart)``: kind 0 = not a duplicate, 1 = exact copy of an
    earlier row with the same id, 2 = same id, other answers, 3 = same answers and fields
    within ``window`` seconds; the earlier row's position; seconds apart (kind 3).
    """
    n = len(answered)
    kind, earlier, apart = np.zeros(n, np.int8), np.full(n, -1, np.int64), np.full(n, np.nan)
    if ids is not None:
        first = first_of_key(ids, answered & (ids != 0))
        repeat = (first >= 0) & (first != np.arange(n))
        earlier[repeat] = first[repeat]
        kind[repeat] = np.where(whole[repeat] == whole[first[repeat]], 1, 2)
    if pattern is not None and seconds is not None:
        candidates = answered & (kind == 0) & np.isfinite(seconds)
        previous = previous_of_key(pattern, candidates)
        has = previous >= 0
        gap = np.full(n, np.inf)
        gap[has] = np.abs(seconds[has] - seconds[previous[has]])
        timed = has & (gap <= window)
        kind[timed], earlier[timed], apart[timed] = 3, previous[timed], gap[timed]
    return kind, earlier, apart


def _found_duplicates(raw: RawTable, q: Questionnaire, mapping: dict[str, str],
                      keep: np.ndarray, rows: np.ndarray,
                      window: float) -> tuple[list[_Duplicate], list[str], int]:
    """The duplicate submissions of an in-memory file, the evidence used, unreadable times."""
    evidence: list[str] = []
    id_columns = [mapping[f.id] for f in q.fields if f.kind == "id" and f.id in mapping]
    ids = None
    if id_columns:
        evidence.append(msg("log.evidence_id", columns=", ".join(id_columns)))
    stamp = raw.timestamp_column if raw.timestamp_column in raw.columns else None
    pattern = seconds = None
    if stamp:
        evidence.append(msg("log.evidence_time", column=stamp, window=window))
    if not id_columns and not stamp:  # no evidence of a duplicate: nothing to hash
        return [], evidence, 0
    columns = [(name, functools.partial(raw.distinct_values, name)) for name in raw.columns]
    whole, pattern, kept = _row_hashes(columns, raw.n, stamp, id_columns)
    if id_columns:
        # Text ids with nothing to strip hash alike either way; others (numbers in a
        # workbook, NaN in a .sav) keep pandas' string conversion.
        ids = _key_hashes(id_columns, kept, raw.n)
        if ids is None:
            id_text = raw.frame[id_columns].astype("string").fillna("").apply(
                lambda column: column.str.strip())
            ids = np.where((id_text != "").any(axis=1).to_numpy(), text_hashes(id_text), 0)
    if stamp:
        seconds = submission_seconds(raw.frame[stamp])
    kind, earlier, apart = duplicate_decisions(ids, whole, pattern, seconds, keep, window)
    unreadable = int((keep & ~np.isfinite(seconds)).sum()) if seconds is not None else 0
    found = []
    for position in np.flatnonzero(kind):
        first = int(rows[earlier[position]])
        found.append(_Duplicate(int(position), *_duplicate_text(
            int(kind[position]), first, raw.frame, id_columns, position, apart[position],
            window)))
    return found, evidence, unreadable


def _duplicate_text(kind: int, first: int, frame: pd.DataFrame, id_columns: list[str],
                    position: int, apart: float, window: float) -> tuple[Reason, str]:
    if kind == 3:
        return Reason.DUPLICATE_ROW, msg("log.duplicate_timed", first=first, apart=float(apart),
                                         window=window)
    value = " ".join(str(frame[c].iloc[position]).strip() for c in id_columns)
    column = ", ".join(id_columns)
    if kind == 1:
        return Reason.DUPLICATE_ROW, msg("log.duplicate_copy", first=first, value=repr(value),
                                         column=repr(column))
    return Reason.DUPLICATE_ID, msg("log.duplicate_id_kept_first", first=first, value=repr(value),
                                    column=repr(column))


def identical_patterns(items: pd.DataFrame) -> dict[str, int]:
    """How often respondents gave exactly the same answers to every item (kept rows).

    ``identical_answer_rows``: rows repeating the answers of an earlier row;
    ``identical_answer_patterns``: answer patterns given by more than one row;
    ``largest_pattern``: rows sharing the most frequent pattern.
    """
    if items.empty:
        return {"identical_answer_rows": 0, "identical_answer_patterns": 0, "largest_pattern": 0}
    counts = pd.util.hash_pandas_object(items, index=False).value_counts()
    return {
        "identical_answer_rows": int(len(items) - len(counts)),
        "identical_answer_patterns": int((counts > 1).sum()),
        "largest_pattern": int(counts.max()),
    }


def identical_code_patterns(codes: np.ndarray) -> dict[str, int]:
    """:func:`identical_patterns` of kernel codes (items x kept rows, 0 for no answer), as
    the read engine counts them (:class:`surveyq.engine.Patterns`). Reverse keying maps
    codes one to one, so the patterns are the same."""
    patterns = Patterns()
    patterns.count(codes)
    return patterns.summary()


# ---------------------------------------------------------------- fields

#: Fields with up to this many distinct values keep their codes from :func:`clean` (an id
#: column's million values would cost more to sort than a breakdown saves).
CODED_FIELD_MAX = 10_000


def _field_cells(raw: RawTable, header: str,
                 fld: RespondentField) -> tuple[np.ndarray, list[str | None]]:
    """``(indices, values)``: each row's position in ``values``, the field's distinct cells
    as text (None for a blank)."""
    labels = raw.value_labels.get(header, {})
    folded = _category_lookup(fld)
    indices, uniques = raw.distinct_values(header)  # a field has few distinct answers
    return indices, [_field_value(value, labels, folded) for value in uniques]


def _field_codes(indices: np.ndarray, values: list[str | None]) -> tuple[np.ndarray, list[str]]:
    """``pandas.factorize(sort=True)`` of the cells ``values[indices]`` from the distinct
    values: the values no cell holds left out, None coded -1, codes in the smallest dtype."""
    held = np.bincount(indices, minlength=len(values)) > 0
    keys = sorted({value for value, found in zip(values, held, strict=True)
                   if found and value is not None})
    position = {key: code for code, key in enumerate(keys)}
    dtype = np.int16 if len(keys) < np.iinfo(np.int16).max else np.int32
    lookup = np.array([-1 if value is None else position.get(value, -1) for value in values],
                      dtype)
    return lookup[indices], keys


def _codable(indices: np.ndarray, values: list[str | None]) -> bool:
    """Whether a field's codes are kept: few distinct values, every cell pointing at one."""
    return len(values) <= CODED_FIELD_MAX and (len(indices) == 0 or indices.min() >= 0)


def _arrow_data(column: pd.Series) -> Any:
    """The Arrow data behind an Arrow-backed column (a new object whenever its cells are
    set), or None."""
    to_arrow = getattr(column.array, "__arrow_array__", None)
    return to_arrow() if to_arrow is not None else None


def _kept_codes(fields: pd.DataFrame, cells: dict[str, tuple[np.ndarray, list[str | None]]],
                keep: np.ndarray | None) -> dict[str, tuple[Any, Any, np.ndarray, list[str]]]:
    """:attr:`Responses._codes` of the kept rows (None: every row) of the Arrow-backed
    fields in ``cells``."""
    found = {}
    for field_id, (indices, values) in cells.items():
        column = fields[field_id]
        arrow = _arrow_data(column)
        if arrow is not None:
            kept = indices if keep is None else indices[keep]
            found[field_id] = (column.array, arrow, *_field_codes(kept, values))
    return found


def _fields_of(raw: RawTable, q: Questionnaire, mapping: dict[str, str], index: pd.Index
               ) -> tuple[pd.DataFrame, dict[str, tuple[np.ndarray, list[str | None]]]]:
    """The respondent fields' columns, and the cells of the fields whose codes are kept."""
    columns, cells = {}, {}
    for fld in q.fields:
        if fld.id in mapping:
            found = _field_cells(raw, mapping[fld.id], fld)
            columns[fld.id] = _field_series(*found).array
            if _codable(*found):
                cells[fld.id] = found
    return pd.DataFrame(columns, index=index), cells


def _field_values(raw: RawTable, header: str, fld: RespondentField) -> pd.Series:
    return _field_series(*_field_cells(raw, header, fld))


def _field_series(indices: np.ndarray, values: list[str | None]) -> pd.Series:
    """The cells ``values[indices]`` as the column pandas would infer from them."""
    text = _inferred_text_dtype()
    if text is not None and any(isinstance(value, str) for value in values):
        # text or None: gathered by Arrow into the string column pandas would infer from
        # the object column, without inferring the type of a million cells
        import pyarrow as pa

        texts = pa.array(values, pa.string()).take(pa.array(indices))
        return pd.Series(texts, dtype=text)
    table = np.array(values, dtype=object)
    return pd.Series(table[indices], dtype="object")


def _inferred_text_dtype() -> Any:
    """The Arrow-backed string dtype pandas infers for an object column of text (pandas 3),
    or None when it keeps such a column as objects."""
    dtype = pd.Series(np.array(["a", None], dtype=object)).dtype
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        return dtype
    return None


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


def clean(raw: RawTable, q: Questionnaire, duplicates: str = "exclude",
          duplicate_window: float = DEFAULT_DUPLICATE_WINDOW) -> Responses:
    """Clean a :class:`~surveyq.io.RawTable` with a questionnaire into :class:`Responses`.

    Fatal problems (an item's column is missing, a column matches two items) are logged with
    action ``fatal``: :func:`read_responses` raises on them, ``surveyq check`` lists them all.

    ``duplicates`` says what to do with a duplicate submission (the same respondent id as
    an earlier row, or the same answers and fields submitted within ``duplicate_window``
    seconds): ``"exclude"`` it (default), ``"flag"`` it in the log, or ``"keep"`` it.
    Rows that merely give identical answers are always kept, and counted.
    """
    if duplicates not in DUPLICATE_POLICIES:
        raise InputError(msg("error.duplicates_policy", policies=list(DUPLICATE_POLICIES),
                             value=repr(duplicates)))
    if not (isinstance(duplicate_window, (int, float)) and duplicate_window >= 0):
        raise InputError(msg("error.duplicate_window", value=repr(duplicate_window)))
    log = CleaningLog()
    log.extend(raw.log)
    mapping = match_columns(raw, q, log)
    # the reader's int64 array: a list of a million Python ints would cost more than this step
    rows = raw.row_numbers
    rules = [_item_rule(raw, mapping[item.id], item, q.scale_of(item))
             for item in q.items if item.id in mapping]
    # the read engine, as the streamed run uses it, on the whole table as one batch
    coder = BatchCoder(rules)
    batch = coder.code(0, [raw.distinct_values(rule.column) for rule in rules], len(rows))
    for j in range(len(rules)):
        _log_cells(batch, j, raw.file, log, rows)
    # the index from the array: pandas infers a list of a million ints one by one
    index = pd.Index(rows, name="row")
    fields, cells = _fields_of(raw, q, mapping, index)
    keep, codes, duplicate_summary = _exclude_rows(raw, q, mapping, batch, coder, rows, log,
                                                   duplicates, float(duplicate_window))
    del batch  # the kept codes are all that is left to read
    everyone = bool(keep.all())
    for row, rule in zip(codes, rules, strict=True):  # after exclusions: respondents kept
        _log_reverse(row, rule, raw.file, log)
    items = _answer_frame(codes, rules, index if everyone else index[keep])
    timestamps = None
    if raw.timestamp_column:
        stamps = raw.frame[raw.timestamp_column].to_numpy()
        timestamps = pd.Series(stamps, index=fields.index)[keep]
    log.files[raw.file] = {"rows_in_file": raw.rows_in_file, "rows_kept": int(keep.sum())}
    if not everyone:  # a filter copies every column; with every row kept they stay as built
        fields = fields[keep]
    # the codes are the answers when every scale's lowest point is 1 (no offset)
    kernel = (items, codes) if codes.dtype == np.int8 and not any(
        rule.offset for rule in rules) else None
    return Responses(items, fields, log, q, raw.file, timestamps, mapping, duplicate_summary,
                     _kept_codes(fields, cells, None if everyone else keep), kernel)


def _exclude_rows(
    raw: RawTable,
    q: Questionnaire,
    mapping: dict[str, str],
    batch: CodedBatch,
    coder: BatchCoder,
    rows: np.ndarray,
    log: CleaningLog,
    duplicates: str = "exclude",
    window: float = DEFAULT_DUPLICATE_WINDOW,
) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Decide which rows stay; each excluded row is logged once, under its first reason.
    Returns whether each row stays, the kept rows' kernel codes (``batch.codes`` itself
    when every row stays) and the duplicates' summary.

    A row is a duplicate submission only on evidence: the respondent id of an earlier row,
    or (in a form export with a submission time) every answer and field of an earlier row
    submitted within ``window`` seconds. Identical answers alone are different respondents.
    """
    keep = np.ones(len(rows), dtype=bool)
    if batch.codes.shape[0]:
        empty = ~batch.answered
        _exclude(rows, empty & keep, raw, log, Reason.NO_ANSWERS, msg("log.no_answers"))
        keep &= ~empty
    found, evidence, unreadable = _found_duplicates(raw, q, mapping, keep, rows, window)
    _act_on_duplicates(raw, rows, log, found, duplicates)
    if duplicates == "exclude" and found:
        keep[[d.row for d in found]] = False
    codes = batch.codes if keep.all() else batch.codes[:, keep]
    coder.patterns.count(codes)
    summary = {
        "policy": duplicates,
        "window_seconds": window,
        "evidence": evidence,
        "found": len(found),
        "excluded": len(found) if duplicates == "exclude" else 0,
        "unreadable_times": unreadable,
        **coder.patterns.summary(),
    }
    note_identical(log, raw.file, summary)
    return keep, codes, summary


def _act_on_duplicates(raw: RawTable, rows: np.ndarray, log: CleaningLog,
                       found: list[_Duplicate], duplicates: str) -> None:
    if duplicates == "exclude":
        for dup in found:
            log.add(raw.file, int(rows[dup.row]), None, None, Action.ROW_EXCLUDED, dup.reason,
                    msg("log.duplicate_excluded", message=dup.message))
    elif duplicates == "flag":
        for dup in found:
            log.add(raw.file, int(rows[dup.row]), None, None, Action.NOTED, dup.reason,
                    msg("log.duplicate_flagged", message=dup.message))
    elif found:
        log.add(raw.file, None, None, None, Action.NOTED, Reason.DUPLICATE_ROW,
                msg("log.duplicates_kept", count=len(found), first=int(rows[found[0].row])))


def note_identical(log: CleaningLog, file: str, summary: dict[str, Any]) -> None:
    """Say how many kept rows share their answers with another, and why they were kept."""
    repeated = summary["identical_answer_rows"]
    if not repeated:
        return
    log.add(file, None, None, None, Action.NOTED, Reason.IDENTICAL_ANSWERS,
            msg("log.identical_answers" if summary["evidence"] else "log.identical_no_evidence",
                count=repeated, patterns=summary["identical_answer_patterns"],
                largest=summary["largest_pattern"]))


def read_responses(
    path: str, questionnaire: Questionnaire | str, *, strict: bool = True,
    duplicates: str = "exclude", duplicate_window: float = DEFAULT_DUPLICATE_WINDOW,
    **read_options: Any
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
    duplicates, duplicate_window
        What to do with duplicate submissions (see :func:`clean`).
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
    responses = clean(read_raw(path, **read_options), q, duplicates, duplicate_window)
    fatal = responses.log.fatal
    if strict and fatal:
        raise InputError(joined([entry.message for entry in fatal]), responses.file)
    return responses
