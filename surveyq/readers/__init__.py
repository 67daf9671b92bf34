"""Readers: any supported export -> :class:`RawTable` (docs/methods.md, "io").

``surveyq.io`` re-exports :func:`read_raw` and :class:`RawTable`; this package holds one
module per concern: :mod:`.detect` (which reader), :mod:`.text` (encodings, separators),
:mod:`.sheets` (workbooks), :mod:`.stats` (sav/dta/parquet), :mod:`.grid` (header row,
summary and blank rows), :mod:`.flavours` (Google Forms, Kobo/ODK, LimeSurvey).
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from surveyq.errors import InputError
from surveyq.files import check_regular_file
from surveyq.log import Action, CleaningLog, Reason
from surveyq.messages import msg
from surveyq.readers.detect import FLAVOURS, Detected, detect
from surveyq.readers.flavours import detect_flavour, plan_columns
from surveyq.readers.grid import (
    Grid,
    header_index,
    header_text,
    is_empty,
    split_cells,
    split_grid,
)
from surveyq.readers.sheets import column_letter, read_sheet
from surveyq.readers.stats import read_stat_file
from surveyq.readers.table import FORMATS, RawTable, distinct_values
from surveyq.readers.text import (
    CellRepair,
    decimal_mark,
    decimal_mark_columns,
    encoding_label,
    read_text,
    read_text_columns,
)

__all__ = ["FORMATS", "RawTable", "read_raw"]

_SEPARATOR_NAMES = {",": "','", ";": "';'", "|": "'|'"}


def separator_name(delimiter: str) -> str:
    """How a log message names a separator ('tab' is a word, so it is a message)."""
    return msg("log.tab") if delimiter == "\t" else _SEPARATOR_NAMES.get(delimiter,
                                                                          repr(delimiter))
_STAT_FIX = {"sav": "error.fix_sav", "dta": "error.fix_dta", "parquet": "error.fix_parquet"}


def read_raw(
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | int | None = None,
    header_row: int | None = None,
) -> RawTable:
    """Read a questionnaire export, keeping every cell as it was.

    Parameters
    ----------
    path : str or os.PathLike
        A .csv/.tsv/.txt, .xlsx/.xlsm, .xls, .ods, .sav/.zsav, .dta or .parquet file. The
        first bytes are checked too: an .xlsx renamed to .csv is read as a workbook.
    format : str, optional
        One of :data:`FORMATS`. ``None`` detects it: "gforms", "kobo" or "limesurvey" from
        the header (see :mod:`surveyq.readers.flavours`), else the container. "csv" forces a
        plain CSV (no flavour rules); a flavour forces its rules on a CSV or workbook.
    encoding : str, optional
        Text encoding; overrides detection (:mod:`surveyq.readers.text`). For sav/dta it is
        passed to pyreadstat.
    delimiter : str, optional
        One-character field separator; overrides sniffing.
    sheet : str or int, optional
        Worksheet name or 0-based position; the first worksheet by default.
    header_row : int, optional
        Row number (as a person sees it, 1-based) of the header; found when not given
        (:mod:`surveyq.readers.grid`).

    Returns
    -------
    RawTable
        Records kept, their row numbers, and a log of every row and column left out.

    Raises
    ------
    InputError
        The file is missing, empty, undecodable, of an unsupported type, damaged or has no
        header. The message names the file and the fix. The file is never written.
    """
    file = str(path)
    source = Path(path)
    _check_options(file, encoding, delimiter, sheet, header_row)
    found = detect(source, _head(source, file), file, format)
    log = CleaningLog()
    if found.note:
        log.add(file, None, None, None, Action.NOTED, Reason.FORMAT, found.note)
    if found.container == "text":
        _note_ignored(log, file, found.container, {"sheet": sheet})
        table = _read_text_file(source, file, found, log, encoding, delimiter, header_row)
    elif found.container in ("xlsx", "xls", "ods"):
        _note_ignored(log, file, found.container, {"encoding": encoding, "delimiter": delimiter})
        table = _read_workbook(source, file, found, log, sheet, header_row)
    else:
        _note_ignored(log, file, found.container, {
            "delimiter": delimiter, "sheet": sheet, "header_row": header_row,
            "encoding": encoding if found.container == "parquet" else None})
        table = _read_stat(source, file, found.container, log, encoding)
    log.files[file] = {"rows_in_file": table.rows_in_file, "rows_kept": len(table.row_numbers)}
    return table


def _check_options(file: str, encoding: Any, delimiter: Any, sheet: Any, header_row: Any) -> None:
    if encoding is not None and not isinstance(encoding, str):
        raise InputError(msg("error.encoding_type", value=repr(encoding)), file)
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(msg("error.encoding_unknown", value=repr(encoding)), file) from None
    if delimiter is not None and not (isinstance(delimiter, str) and len(delimiter) == 1
                                      and delimiter not in "\"\r\n"):
        raise InputError(msg("error.delimiter", value=repr(delimiter)), file)
    if isinstance(sheet, bool) or (sheet is not None and not isinstance(sheet, (str, int))):
        raise InputError(msg("error.sheet_type", value=repr(sheet)), file)
    if header_row is not None and (isinstance(header_row, bool)
                                   or not isinstance(header_row, int) or header_row < 1):
        raise InputError(msg("error.header_row_type", value=repr(header_row)), file)


def _note_ignored(log: CleaningLog, file: str, container: str, options: dict[str, Any]) -> None:
    """Options given that this kind of file has no use for: said, not silently dropped."""
    kind = "text" if container == "text" else f".{container}"
    for option, value in options.items():
        if value is not None:
            log.add(file, None, None, value, Action.NOTED, Reason.FORMAT,
                    msg("log.option_ignored", option=option, kind=kind))


def _head(source: Path, file: str) -> bytes:
    """The first bytes, after checking that the file exists, is a regular file (never a pipe
    or device, which could block) and is not empty."""
    check_regular_file(source, "file")
    try:
        with source.open("rb") as stream:
            head = stream.read(4096)
    except FileNotFoundError:
        raise InputError(msg("error.file_not_found", folder=os.getcwd()), file) from None
    except IsADirectoryError:
        raise InputError(msg("error.file_is_folder"), file) from None
    except OSError as error:
        raise InputError(msg("error.file_cannot_open", reason=str(error.strerror or error)),
                         file) from None
    if not head:
        raise InputError(msg("error.file_empty"), file)
    return head


def _read_text_file(source: Path, file: str, found: Detected, log: CleaningLog,
                    encoding: str | None, delimiter: str | None,
                    header_row: int | None) -> RawTable:
    try:
        data = source.read_bytes()
    except OSError as error:
        raise InputError(msg("error.file_cannot_read", reason=str(error)), file) from None
    if header_row in (None, 1):
        raw = _read_plain_text(data, file, found, log, encoding, delimiter)
        if raw is not None:
            return raw
    parsed = read_text(data, file, encoding, delimiter)
    numbers = range(1, len(parsed.records) + 1)
    grid = Grid(parsed.records, numbers, lambda i: f"column {i + 1}", log, file)
    index = header_index(grid, header_row, first_dense=True)
    flavour = _flavour(found, grid.records[index])
    decimal = decimal_mark(parsed.records[index + 1:], parsed.delimiter,
                           excel_locale=flavour is None)
    log.add(file, None, None, None, Action.NOTED, Reason.ENCODING,
            msg("log.read_as_decimal", encoding=encoding_label(parsed.encoding),
                separator=separator_name(parsed.delimiter), decimal=repr(decimal)))
    for note in parsed.notes:
        log.add(file, None, None, None, Action.NOTED, Reason.FORMAT, note)
    _note_rows_above(grid, index)
    log_repairs(log, file, parsed.repairs, grid.records[index], grid.row_numbers.__getitem__)
    table = split_grid(grid, index, summaries=flavour is None)
    raw = RawTable(table.frame, table.rows, file, flavour or "csv", table.rows_in_file, log,
                   encoding=parsed.encoding, delimiter=parsed.delimiter, decimal=decimal,
                   distinct=table.distinct)
    return _apply_flavour(raw, flavour)


def _read_plain_text(data: bytes, file: str, found: Detected, log: CleaningLog,
                     encoding: str | None, delimiter: str | None) -> RawTable | None:
    """A plain export whose header is its first record, parsed by pyarrow into columns
    (:func:`read_text_columns`); None sends it to the careful reader."""
    parsed = read_text_columns(data, file, encoding, delimiter)
    if parsed is None:
        return None
    numbers = range(1, parsed.rows + 2)
    probe = Grid(parsed.head, numbers[:len(parsed.head)], lambda i: f"column {i + 1}",
                 CleaningLog(), file)
    if header_index(probe, None, first_dense=True) != 0:
        return None  # title rows above the header: the careful reader says which
    grid = Grid(parsed.head[:1], numbers, lambda i: f"column {i + 1}", log, file)
    flavour = _flavour(found, grid.records[0])
    decimal = decimal_mark_columns(parsed.columns, parsed.delimiter,
                                   excel_locale=flavour is None)
    log.add(file, None, None, None, Action.NOTED, Reason.ENCODING,
            msg("log.read_as_decimal", encoding=encoding_label(parsed.encoding),
                separator=separator_name(parsed.delimiter), decimal=repr(decimal)))
    cells = split_cells(parsed.columns, parsed.rows, summaries=flavour is None)
    table = split_grid(grid, 0, summaries=flavour is None, cells=cells)
    raw = RawTable(table.frame, table.rows, file, flavour or "csv", table.rows_in_file, log,
                   encoding=parsed.encoding, delimiter=parsed.delimiter, decimal=decimal,
                   distinct=table.distinct)
    return _apply_flavour(raw, flavour)


def log_repairs(log: CleaningLog, file: str, repairs: list[CellRepair], header: list[Any],
                row_of: Callable[[int], int]) -> None:
    """One entry per repaired cell, with its row (``row_of(record)``) and column header."""
    for repair in repairs:
        cell = header[repair.column] if repair.column < len(header) else None
        column = header_text(cell) if not is_empty(cell) else f"column {repair.column + 1}"
        row = row_of(repair.record)
        if repair.encoding:
            log.add(file, row, column, repair.raw, Action.CELL_REPAIRED, Reason.ENCODING,
                    msg("log.cell_read_as_cp1252", fixed=repr(repair.fixed)))
        if repair.nul:
            log.add(file, row, column, repair.raw, Action.CELL_REPAIRED, Reason.NUL_BYTE,
                    msg("log.nul_removed", fixed=repr(repair.fixed[:80])))


def _read_workbook(source: Path, file: str, found: Detected, log: CleaningLog,
                   sheet: str | int | None, header_row: int | None) -> RawTable:
    rows, name, names, note = read_sheet(source, found.container, sheet, file)
    if note:
        log.add(file, None, None, None, Action.NOTED, Reason.FORMAT, note)
    if len(names) > 1:
        log.add(file, None, None, None, Action.NOTED, Reason.FORMAT,
                msg("log.sheet_chosen", sheet=repr(name), position=names.index(name) + 1,
                    count=len(names), sheets=list(names)))
    grid = Grid(rows, range(1, len(rows) + 1), lambda i: f"column {column_letter(i)}",
                log, file)
    index = header_index(grid, header_row, first_dense=False)
    flavour = _flavour(found, grid.records[index])
    _note_rows_above(grid, index)
    table = split_grid(grid, index, summaries=flavour is None)
    raw = RawTable(table.frame, table.rows, file, flavour or found.container,
                   table.rows_in_file, log, sheet=name, distinct=table.distinct)
    return _apply_flavour(raw, flavour)


def _flavour(found: Detected, header: list[Any]) -> str | None:
    """The flavour forced by ``format=``, none for a plain "csv", else detected."""
    if found.flavour in FLAVOURS:
        return found.flavour
    if found.flavour == "csv":
        return None
    return detect_flavour([header_text(cell) for cell in header if not is_empty(cell)])


def _apply_flavour(raw: RawTable, flavour: str | None) -> RawTable:
    """Drop and rename columns as the export flavour says, logging each change."""
    if flavour is None:
        return raw
    plan = plan_columns(flavour, [str(name) for name in raw.frame.columns])
    for name, message in plan.drop.items():
        raw.log.add(raw.file, None, name, None, Action.COLUMN_DROPPED, Reason.META_COLUMN,
                    message)
    for column, reason, message in plan.notes:
        raw.log.add(raw.file, None, column, None, Action.NOTED, reason, message)
    raw.replace_frame(raw.frame.drop(columns=list(plan.drop)).rename(columns=plan.rename),
                      plan.rename)
    raw.timestamp_column = plan.timestamp_column
    return raw


def _note_rows_above(grid: Grid, index: int) -> None:
    """Say which rows above the header were skipped (titles), without counting them as rows."""
    if index == 0:
        return
    texts = [header_text(cell) for record in grid.records[:index] for cell in record
             if not is_empty(cell)]
    first, last = grid.row_numbers[0], grid.row_numbers[index - 1]
    shown = [repr(text) for text in texts[:3]] or msg("log.none")
    grid.log.add(grid.file, None, None, None, Action.NOTED, Reason.FORMAT,
                 msg("log.rows_above_header" if first != last else "log.row_above_header",
                     header=grid.row_numbers[index], first=first, last=last, titles=shown))


def _read_stat(source: Path, file: str, kind: str, log: CleaningLog,
               encoding: str | None) -> RawTable:
    try:
        read = read_stat_file(source, kind, None if kind == "parquet" else encoding)
    except ImportError as error:
        raise InputError(msg("error.needs_package", kind=f".{kind}",
                             package=error.name or "pyreadstat"), file) from None
    except Exception as error:  # noqa: BLE001 - any parser failure on a damaged file
        raise InputError(msg("error.stat_unreadable", kind=f".{kind}",
                             reason=f"{type(error).__name__}: {str(error)[:200]}",
                             fix=msg(_STAT_FIX[kind])), file) from None
    frame = read.frame
    # a case is blank when every cell is (decided per distinct value of each column)
    found = {name: distinct_values(frame[name]) for name in frame.columns}
    cells = split_cells(list(found.values()), len(frame), summaries=False)
    blank = np.flatnonzero(~cells.filled.any(axis=1)).tolist() if len(frame.columns) else \
        list(range(len(frame)))
    for i in blank:
        log.add(file, i + 1, None, None, Action.ROW_EXCLUDED, Reason.BLANK_ROW,
                msg("log.blank_case", case=i + 1))
    kept = frame.drop(index=frame.index[blank]).reset_index(drop=True) if blank else frame
    excluded = set(blank)
    rows = [i + 1 for i in range(len(frame)) if i not in excluded]
    for column, values in read.declared_missing.items():
        log.add(file, None, column, values, Action.NOTED, Reason.FORMAT,
                msg("log.spss_user_missing", values=str(values), column=repr(column)))
    return RawTable(kept, rows, file, kind, len(frame), log, encoding=read.encoding,
                    value_labels=read.value_labels, column_labels=read.column_labels,
                    declared_missing=read.declared_missing,
                    # the values describe the kept frame when no case was dropped (and no
                    # column name repeats: the dict holds one column per name)
                    distinct=found if not blank and len(found) == frame.shape[1] else {})
