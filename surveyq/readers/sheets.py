"""Workbooks: .xlsx through openpyxl (read-only, cached values); .xls and .ods through
python-calamine, which also reads an .xlsx that openpyxl rejects.

Cells keep their values: numbers stay numbers, text stays text, empty cells are None.
Calamine returns every number as a float; integral ones become ``int`` so that both readers
give the same values (Excel itself stores every number as a double).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from surveyq.errors import InputError
from surveyq.messages import msg
from surveyq.readers.table import UnsavedFormula

_FIX = "error.fix_workbook"


def column_letter(index: int) -> str:
    """Spreadsheet letters of a 0-based column index: 0 -> A, 27 -> AB."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def read_sheet(path: Path, kind: str, sheet: str | int | None,
               file: str) -> tuple[list[list[Any]], str, list[str], str | None]:
    """Rows of the chosen sheet (row ``i`` is sheet row ``i + 1``), its name, all sheet names,
    and a note when openpyxl failed and calamine read the file instead."""
    if kind == "xlsx":
        try:
            return (*_openpyxl_rows(path, sheet, file), None)
        except InputError:
            raise
        except Exception as error:  # noqa: BLE001 - any parser failure on a damaged workbook
            failure = f"{type(error).__name__}: {error}"
        try:
            return (*_calamine_rows(path, sheet, file),
                    msg("log.read_with_calamine", reason=failure))
        except InputError:
            raise
        except Exception:  # noqa: BLE001
            raise InputError(msg("error.workbook_unreadable", kind=".xlsx", reason=failure,
                                 fix=msg(_FIX)), file) from None
    try:
        return (*_calamine_rows(path, sheet, file), None)
    except InputError:
        raise
    except ImportError:
        raise InputError(msg("error.needs_package", kind=f".{kind}", package="python-calamine"),
                         file) from None
    except Exception as error:  # noqa: BLE001
        raise InputError(msg("error.workbook_unreadable", kind=f".{kind}",
                             reason=f"{type(error).__name__}: {error}", fix=msg(_FIX)),
                         file) from None


def _pick(names: list[str], sheet: str | int | None, file: str) -> str:
    """The sheet asked for: a name, a 0-based position, or the first sheet."""
    if not names:
        raise InputError(msg("error.no_worksheet", fix=msg(_FIX)), file)
    if sheet is None:
        return names[0]
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        if 0 <= sheet < len(names):
            return names[sheet]
    elif sheet in names:
        return str(sheet)
    raise InputError(msg("error.no_such_sheet", sheet=repr(sheet),
                         sheets=[repr(name) for name in names]), file)


def _openpyxl_rows(path: Path, sheet: str | int | None,
                   file: str) -> tuple[list[list[Any]], str, list[str]]:
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        names = [worksheet.title for worksheet in workbook.worksheets]
        name = _pick(names, sheet, file)
        worksheet = workbook[name]
        # The stored dimension can be wrong (files written by other tools): read every row.
        worksheet.reset_dimensions()
        rows = [list(row) for row in worksheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    if _has_formulas(path):
        _mark_unsaved_formulas(path, name, rows)
    return rows, name, names


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet stores a formula (cheap: a look at the XML, no parsing)."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                with archive.open(info) as stream:
                    while chunk := stream.read(1 << 20):
                        if b"<f>" in chunk or b"<f " in chunk or b":f>" in chunk:
                            return True
    return False


def _mark_unsaved_formulas(path: Path, name: str, rows: list[list[Any]]) -> None:
    """Empty cells that hold a formula become :class:`UnsavedFormula` (the value was never
    saved), so the cleaner can say so instead of "no answer"."""
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        worksheet = workbook[name]
        worksheet.reset_dimensions()
        for row, formulas in zip(rows, worksheet.iter_rows(values_only=True), strict=False):
            for column, formula in enumerate(formulas[:len(row)]):
                if row[column] is None and isinstance(formula, str) and formula.startswith("="):
                    row[column] = UnsavedFormula(formula)
    finally:
        workbook.close()


def _calamine_rows(path: Path, sheet: str | int | None,
                   file: str) -> tuple[list[list[Any]], str, list[str]]:
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    workbook = CalamineWorkbook.from_path(str(path))
    try:
        names = [meta.name for meta in workbook.sheets_metadata
                 if meta.typ == SheetTypeEnum.WorkSheet]
        name = _pick(names, sheet, file)
        # skip_empty_area=False starts at A1, so list position = sheet row - 1.
        rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    finally:
        close = getattr(workbook, "close", None)
        if close is not None:
            close()
    return [[_calamine_value(cell) for cell in row] for row in rows], name, names


def _calamine_value(cell: Any) -> Any:
    if isinstance(cell, str) and cell == "":
        return None
    if isinstance(cell, float) and cell.is_integer() and abs(cell) < 2**53:
        return int(cell)
    return cell
