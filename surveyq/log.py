"""The cleaning log: one row per change or exclusion made between the raw file and the item matrix.

Nothing is dropped silently (docs/methods.md): every excluded respondent, every cell set to missing,
every dropped summary row or meta column is an entry here, and :meth:`CleaningLog.row_accounting`
shows that the rows kept plus the rows excluded add up to the rows in the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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


@dataclass
class CleaningLog:
    """Every change or exclusion, plus the row accounting of each file read."""

    entries: list[LogEntry] = field(default_factory=list)
    #: file -> {"rows_in_file": int, "rows_kept": int}
    files: dict[str, dict[str, int]] = field(default_factory=dict)

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
        self.entries.append(
            LogEntry(file, row, column, raw_value, action, reason, message, count)
        )

    def extend(self, other: CleaningLog) -> None:
        self.entries.extend(other.entries)
        self.files.update(other.files)

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def fatal(self) -> list[LogEntry]:
        return [entry for entry in self.entries if entry.fatal]

    def to_frame(self) -> pd.DataFrame:
        """One row per entry, columns file, row, column, raw_value, action, reason, message."""
        # A run asks for the frame several times (summary, row accounting, documents); the
        # log only grows, so a frame is reused while the entries are the same list and length.
        key = (id(self.entries), len(self.entries),
               id(self.entries[-1]) if self.entries else None)
        cached = self.__dict__.get("_cached_frame")
        if cached is not None and cached[0] == key:
            return cached[1].copy()
        frame = self._frame()
        self.__dict__["_cached_frame"] = (key, frame)
        return frame.copy()

    def _frame(self) -> pd.DataFrame:
        entries = self.entries
        if not entries:
            return pd.DataFrame(columns=LOG_COLUMNS).astype({"row": "Int64"})
        # Built column by column (as_dict per entry was most of a large log's cost); the
        # values and inferred types are those of a frame of LogEntry.as_dict records.
        messages = [entry.message for entry in entries]
        frame = pd.DataFrame({
            "file": pd.Series([entry.file for entry in entries]),
            "row": pd.array([entry.row for entry in entries], dtype="Int64"),
            "column": pd.Series([entry.column for entry in entries]),
            "raw_value": pd.Series([None if entry.raw_value is None else str(entry.raw_value)
                                    for entry in entries]),
            "action": pd.Series([_VALUES[entry.action] for entry in entries]),
            "reason": pd.Series([_VALUES[entry.reason] for entry in entries]),
            # object dtype keeps each Message (pandas would make it plain str) for translation
            "message": pd.Series(messages, dtype=object),
            "count": pd.Series([entry.count for entry in entries], dtype=np.int64),
            "code": pd.Series([getattr(message, "code", None) for message in messages],
                              dtype=object),
        }, columns=LOG_COLUMNS)
        return frame

    def summary(self) -> pd.DataFrame:
        """Cells or rows per file, reason and action (the sum of the entries' counts)."""
        frame = self.to_frame()
        if frame.empty:
            return pd.DataFrame(columns=["file", "reason", "action", "count"])
        counts = frame.groupby(["file", "reason", "action"], sort=True)["count"].sum()
        return counts.rename("count").reset_index()

    def row_accounting(self) -> pd.DataFrame:
        """Per file: rows in the file, rows excluded per reason, rows kept; they add up."""
        frame = self.to_frame()
        records = []
        for file, counts in self.files.items():
            excluded = frame[
                (frame["file"] == file) & (frame["action"] == Action.ROW_EXCLUDED.value)
            ]
            record = {"file": file, "rows_in_file": counts["rows_in_file"]}
            for reason in sorted(ROW_EXCLUSIONS, key=lambda r: r.value):
                record[reason.value] = int(
                    excluded.loc[excluded["reason"] == reason.value, "count"].sum()
                )
            record["rows_kept"] = counts["rows_kept"]
            records.append(record)
        return pd.DataFrame(records)

    def _repr_html_(self) -> str:
        return self.to_frame().to_html(index=False)


def localised(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A log frame whose ``message`` column is written in ``lang`` (cleaning-log.csv)."""
    return frame.assign(message=[translate(m, lang) for m in frame["message"]])
