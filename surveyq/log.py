"""The cleaning log: one row per change or exclusion made between the raw file and the item matrix.

Nothing is dropped silently (docs/methods.md): every excluded respondent, every cell set to missing,
every dropped summary row or meta column is an entry here, and :meth:`CleaningLog.row_accounting`
shows that the rows kept plus the rows excluded add up to the rows in the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

import numpy as np
import pandas as pd

from surveyq.messages import translate


class Reason(str, Enum):
    """Stable reason codes (slugs) of log entries, in the spirit of frictionless' error types."""

    # Rows excluded from the item matrix
    BLANK_ROW = "blank_row"
    SUMMARY_ROW = "summary_row"
    DUPLICATE_ID = "duplicate_id"
    DUPLICATE_ROW = "duplicate_row"
    NO_ANSWERS = "no_answers"
    # Cells changed or set to missing
    MISSING_ANSWER = "missing_answer"
    UNKNOWN_LABEL = "unknown_label"
    OUT_OF_RANGE = "out_of_range"
    NON_INTEGER = "non_integer"
    DECLARED_MISSING = "declared_missing"
    REVERSE_KEYED = "reverse_keyed"
    BOOLEAN_CELL = "boolean_cell"
    FORMULA_WITHOUT_VALUE = "formula_without_value"
    NUL_BYTE = "nul_byte"
    # Rows kept: respondents whose answers repeat another's (counted, never excluded)
    IDENTICAL_ANSWERS = "identical_answers"
    # Columns
    MISSING_COLUMN = "missing_column"
    EXTRA_COLUMN = "extra_column"
    META_COLUMN = "meta_column"
    AMBIGUOUS_COLUMN = "ambiguous_column"
    # File-level facts worth telling
    ENCODING = "encoding"
    FORMAT = "format"


class Action(str, Enum):
    """What was done about an entry."""

    ROW_EXCLUDED = "row_excluded"
    CELL_SET_MISSING = "cell_set_missing"
    CELL_MISSING = "cell_missing"
    COLUMN_IGNORED = "column_ignored"
    COLUMN_DROPPED = "column_dropped"
    RECODED = "recoded"
    CELL_REPAIRED = "cell_repaired"
    NOTED = "noted"
    FATAL = "fatal"


_VALUES = {member: member.value for member in [*Reason, *Action]}

#: Row-level reasons that remove a respondent from the item matrix.
ROW_EXCLUSIONS = frozenset(
    {
        Reason.BLANK_ROW,
        Reason.SUMMARY_ROW,
        Reason.DUPLICATE_ID,
        Reason.DUPLICATE_ROW,
        Reason.NO_ANSWERS,
    }
)

#: ``message`` is a sentence (a :class:`~surveyq.messages.Message`, English until a writer
#: translates it with :func:`localised`); ``code`` is its message code.
LOG_COLUMNS = ["file", "row", "column", "raw_value", "action", "reason", "message", "count",
               "code"]


@dataclass(frozen=True)
class LogEntry:
    """One change or exclusion.

    ``row`` is the row number a person sees when opening the file (1-based, the header
    being row 1 in a CSV; the sheet row in a workbook; the case number in SPSS), or None
    for an entry about a whole column or file.

    ``count`` is how many cells or rows the entry stands for: 1, except in a streamed survey
    (:mod:`surveyq.streamed`), where one entry per column, reason and value counts every
    cell alike and ``row`` is the first of them (the message lists the first few).
    """

    file: str
    row: int | None
    column: str | None
    raw_value: Any
    action: Action
    reason: Reason
    message: str
    count: int = 1

    @property
    def fatal(self) -> bool:
        return self.action is Action.FATAL

    def as_dict(self) -> dict[str, Any]:
        raw = self.raw_value
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "raw_value": None if raw is None else str(raw),
            "action": self.action.value,
            "reason": self.reason.value,
            "message": self.message,
            "count": self.count,
            "code": getattr(self.message, "code", None),
        }


@dataclass(frozen=True)
class CellEntries:
    """The row-level entries of one column, kept as arrays until someone asks for rows.

    A column of 10^6 respondents with 2 % blank answers has 20,000 "no answer" entries that
    differ only in their row; they are held as the rows (``rows``, int64) and, per cell, the
    position in ``notes`` of what was found (``which``), one ``(raw_value, action, reason,
    message)`` per distinct value. :meth:`entries` renders them as :class:`LogEntry` rows
    (the same entries, in the same order, as one ``CleaningLog.add`` per cell).
    """

    file: str
    column: str | None
    rows: np.ndarray
    which: np.ndarray
    notes: tuple[tuple[Any, Action, Reason, str], ...]

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def fatal(self) -> bool:
        """Whether any of these entries is fatal."""
        return any(note[1] is Action.FATAL for note in self.notes)

    def entries(self) -> list[LogEntry]:
        file, column, notes = self.file, self.column, self.notes
        return [LogEntry(file, row, column, *notes[u])
                for row, u in zip(self.rows.tolist(), self.which.tolist(), strict=True)]


def _objects(values: list[Any]) -> np.ndarray:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


class CleaningLog:
    """Every change or exclusion, plus the row accounting of each file read.

    ``entries`` is the list of :class:`LogEntry`; the cleaning step adds a column's
    row-level entries as one :class:`CellEntries` block (:meth:`add_cells`), which stays in
    arrays for the log's frame, length and summaries and becomes :class:`LogEntry` rows only
    when ``entries`` is read.
    """

    def __init__(self, entries: list[LogEntry] | None = None,
                 files: dict[str, dict[str, int]] | None = None) -> None:
        self._parts: list[list[LogEntry] | CellEntries] = [[] if entries is None else entries]
        #: file -> {"rows_in_file": int, "rows_kept": int}
        self.files: dict[str, dict[str, int]] = {} if files is None else files

    @property
    def entries(self) -> list[LogEntry]:
        """Every entry as a :class:`LogEntry`, in the order added."""
        parts = self._parts
        if len(parts) != 1 or not isinstance(parts[0], list):
            merged: list[LogEntry] = []
            for part in parts:
                merged.extend(part if isinstance(part, list) else part.entries())
            self._parts = [merged]
        return self._parts[0]  # type: ignore[return-value]

    @entries.setter
    def entries(self, entries: list[LogEntry]) -> None:
        self._parts = [entries]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CleaningLog):
            return NotImplemented
        return self.entries == other.entries and self.files == other.files

    def __repr__(self) -> str:
        return f"CleaningLog({len(self)} entries, files={self.files!r})"

    def _tail(self) -> list[LogEntry]:
        tail = self._parts[-1]
        if not isinstance(tail, list):
            tail = []
            self._parts.append(tail)
        return tail

    def add(
        self,
        file: str,
        row: int | None,
        column: str | None,
        raw_value: Any,
        action: Action,
        reason: Reason,
        message: str,
        count: int = 1,
    ) -> None:
        self._tail().append(
            LogEntry(file, row, column, raw_value, action, reason, message, count)
        )

    def add_cells(self, cells: CellEntries) -> None:
        """Add a column's row-level entries as one block (kept as arrays)."""
        if len(cells):
            self._parts.append(cells)

    def extend(self, other: CleaningLog) -> None:
        for part in other._parts:
            if isinstance(part, list):
                self._tail().extend(part)
            elif len(part):
                self._parts.append(part)
        self.files.update(other.files)

    def __len__(self) -> int:
        return sum(len(part) for part in self._parts)

    @property
    def fatal(self) -> list[LogEntry]:
        found: list[LogEntry] = []
        for part in self._parts:
            if isinstance(part, list):
                found += [entry for entry in part if entry.fatal]
            elif part.fatal:
                found += [entry for entry in part.entries() if entry.fatal]
        return found

    def to_frame(self) -> pd.DataFrame:
        """One row per entry, columns file, row, column, raw_value, action, reason, message."""
        # A run asks for the frame several times (summary, row accounting, documents); the
        # log only grows, so a frame is reused while its parts are the same and as long.
        tail = self._parts[-1]
        key = (tuple((id(part), len(part)) for part in self._parts),
               id(tail[-1]) if isinstance(tail, list) and tail else None)
        cached = self.__dict__.get("_cached_frame")
        if cached is not None and cached[0] == key:
            return cached[1].copy()
        frame = self._frame()
        self.__dict__["_cached_frame"] = (key, frame)
        return frame.copy()

    def _frame(self) -> pd.DataFrame:
        if not len(self):
            return pd.DataFrame(columns=LOG_COLUMNS).astype({"row": "Int64"})
        # Built column by column (as_dict per entry was most of a large log's cost), a
        # CellEntries block by numpy takes; the values and inferred types are those of a
        # frame of LogEntry.as_dict records.
        columns: dict[str, list[np.ndarray]] = {name: [] for name in [*LOG_COLUMNS, "blank"]}
        for part in self._parts:
            for name, values in _part_columns(part).items():
                columns[name].append(values)
        joined = {name: np.concatenate(values) for name, values in columns.items()}
        frame = pd.DataFrame({
            "file": pd.Series(joined["file"]),
            "row": pd.arrays.IntegerArray(joined["row"], joined["blank"]),
            "column": pd.Series(joined["column"]),
            "raw_value": pd.Series(joined["raw_value"]),
            "action": pd.Series(joined["action"]),
            "reason": pd.Series(joined["reason"]),
            # object dtype keeps each Message (pandas would make it plain str) for translation
            "message": pd.Series(joined["message"], dtype=object),
            "count": pd.Series(joined["count"], dtype=np.int64),
            "code": pd.Series(joined["code"], dtype=object),
        }, columns=LOG_COLUMNS)
        return frame

    def _counts(self) -> dict[tuple[Any, str, str], int]:
        """The sum of the entries' counts per (file, reason, action), from the arrays of
        each :class:`CellEntries` block (no frame of the entries)."""
        counts: dict[tuple[Any, str, str], int] = {}
        for part in self._parts:
            if isinstance(part, list):
                for entry in part:
                    key = (entry.file, _VALUES[entry.reason], _VALUES[entry.action])
                    counts[key] = counts.get(key, 0) + entry.count
                continue
            cells = np.bincount(part.which, minlength=len(part.notes)).tolist()
            for (_, action, reason, _), count in zip(part.notes, cells, strict=True):
                if count:
                    key = (part.file, _VALUES[reason], _VALUES[action])
                    counts[key] = counts.get(key, 0) + count
        return counts

    def summary(self) -> pd.DataFrame:
        """Cells or rows per file, reason and action (the sum of the entries' counts)."""
        counts = self._counts()
        if not counts:
            return pd.DataFrame(columns=["file", "reason", "action", "count"])
        keys = sorted(counts)  # as groupby(["file", "reason", "action"], sort=True)
        return pd.DataFrame({
            "file": pd.Series(_objects([key[0] for key in keys])),
            "reason": pd.Series(_objects([key[1] for key in keys])),
            "action": pd.Series(_objects([key[2] for key in keys])),
            "count": np.array([counts[key] for key in keys], dtype=np.int64),
        })

    def row_accounting(self) -> pd.DataFrame:
        """Per file: rows in the file, rows excluded per reason, rows kept; they add up."""
        counts = self._counts()
        records = []
        for file, accounted in self.files.items():
            record = {"file": file, "rows_in_file": accounted["rows_in_file"]}
            for reason in sorted(ROW_EXCLUSIONS, key=lambda r: r.value):
                record[reason.value] = int(counts.get(
                    (file, reason.value, Action.ROW_EXCLUDED.value), 0))
            record["rows_kept"] = accounted["rows_kept"]
            records.append(record)
        return pd.DataFrame(records)

    def _repr_html_(self) -> str:
        return self.to_frame().to_html(index=False)


def localised(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A log frame whose ``message`` column is written in ``lang`` (cleaning-log.csv).

    A large log holds few distinct message objects (a column's block gathers one per
    distinct value, :class:`CellEntries`), so each object is translated once. The key is
    the object itself, not its value: a Message equals its English text, so a plain string,
    or a Message of another code, can compare equal and still translate differently.
    """
    texts: dict[int, str] = {}
    translated = []
    for message in frame["message"].tolist():
        text = texts.get(id(message))  # the frame holds every message: ids stay unique
        if text is None:
            text = texts[id(message)] = translate(message, lang)
        translated.append(text)
    return frame.assign(message=translated)


def _part_columns(part: list[LogEntry] | CellEntries) -> dict[str, np.ndarray]:
    """The log frame's columns of a list of entries or of a :class:`CellEntries` block."""
    if isinstance(part, list):
        messages = [entry.message for entry in part]
        blank = np.array([entry.row is None for entry in part], dtype=bool)
        return {
            "file": _objects([entry.file for entry in part]),
            "row": np.array([0 if entry.row is None else entry.row for entry in part],
                            dtype=np.int64),
            "blank": blank,
            "column": _objects([entry.column for entry in part]),
            "raw_value": _objects([None if entry.raw_value is None else str(entry.raw_value)
                                   for entry in part]),
            "action": _objects([_VALUES[entry.action] for entry in part]),
            "reason": _objects([_VALUES[entry.reason] for entry in part]),
            "message": _objects(messages),
            "count": np.array([entry.count for entry in part], dtype=np.int64),
            "code": _objects([getattr(message, "code", None) for message in messages]),
        }
    n, which, notes = len(part), part.which, part.notes

    def gathered(values: list[Any]) -> np.ndarray:
        return _objects(values)[which] if n else np.empty(0, dtype=object)

    return {
        "file": np.full(n, part.file, dtype=object),
        "row": part.rows.astype(np.int64, copy=False),
        "blank": np.zeros(n, dtype=bool),
        "column": np.full(n, part.column, dtype=object),
        "raw_value": gathered([None if raw is None else str(raw) for raw, *_ in notes]),
        "action": gathered([_VALUES[note[1]] for note in notes]),
        "reason": gathered([_VALUES[note[2]] for note in notes]),
        "message": gathered([note[3] for note in notes]),
        "count": np.ones(n, dtype=np.int64),
        "code": gathered([getattr(note[3], "code", None) for note in notes]),
    }
