"""Render appendix sheets as an XLSX workbook (openpyxl).

The first sheet lists the tables, each number a link to the table's own sheet; every table
sheet starts with its numbered caption ("Tabel L.7 ..."), has its header row frozen and
repeated on printed pages, its note below and a link back to the list, and prints fitted
to the page width (landscape when wide).

Numbers are written as numbers at full precision with a display format; text is written as
text, with anything a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab,
carriage return) neutralised by a leading apostrophe, and characters XML cannot hold removed.
"""

from __future__ import annotations

import io
import math
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import _writer as cell_writer
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from surveyq.report.appendix import Sheet, spreadsheet_text

__all__ = ["cell_value", "workbook_bytes"]

HEADER_FONT = Font(bold=True)
TITLE_FONT = Font(bold=True, size=12)
NOTE_FONT = Font(italic=True, size=9)
#: Total column width (characters) that still prints readably on a portrait A4 page.
PORTRAIT_CHARACTERS = 100
HEADER_FILL = PatternFill(fill_type="solid", start_color="FFDDEBF7", end_color="FFDDEBF7")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center")
WRAP = Alignment(wrap_text=True, vertical="top")
MAX_CELL_TEXT = 32767  # Excel's limit per cell
MAX_WIDTH = 60
MIN_WIDTH = 6
#: Total width (characters) that still prints readably on a landscape A4 page; wider
#: sheets wrap their long texts in narrower columns, down to NARROWEST.
LANDSCAPE_CHARACTERS = 170
NARROWEST = 25
#: Width (characters) a narrow table is widened to, so its caption is not cramped.
TITLE_ROOM = 50
SAMPLE_ROWS = 2000  # rows looked at to fit a column's width
LINE_HEIGHT = 15.0  # points per line of 11 pt text (Excel's default row height)
HEADER_LINE = 15.0
#: Rough widths in units of the digit "0" (a column width's unit) for wrapping estimates:
#: Calibri / Carlito capitals are about 1.2 zeros wide, other characters about 0.9, a space
#: half; bold text is about 8 % wider.
CAPITAL_WIDTH, CHAR_WIDTH, SPACE_WIDTH, BOLD_WIDTH = 1.2, 0.9, 0.5, 1.08
_WIDEST = max(CAPITAL_WIDTH, CHAR_WIDTH, SPACE_WIDTH)


_PRECISION_LOCK = threading.Lock()


def _round_trip(value: Any, fallback: Any) -> str:
    """A float as the shortest text that reads back as the same float (``repr``)."""
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    return fallback(value)


@contextmanager
def full_precision() -> Iterator[None]:
    """Let openpyxl write floats with every digit while a workbook is saved.

    openpyxl writes numbers as ``"%.16g"``, which changes the 17th significant digit of some
    floats (3.1801256667148738e-12 reads back as 3.180125666714874e-12); the appendix must
    hold the very floats of the results, so the number writer is swapped for ``repr`` during
    the save, and restored afterwards.
    """
    with _PRECISION_LOCK:
        original = cell_writer.safe_string
        cell_writer.safe_string = lambda value: _round_trip(value, original)
        try:
            yield
        finally:
            cell_writer.safe_string = original


def cell_value(value: Any) -> Any:
    """A value as openpyxl should store it: numbers as numbers, missing as empty, text inert.

    >>> cell_value('=HYPERLINK("http://evil","klik")')
    '\\'=HYPERLINK("http://evil","klik")'
    >>> cell_value(float("nan")) is None, cell_value(np.float64(0.5))
    (True, 0.5)
    """
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (bool, int, float)):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return spreadsheet_text(text)[:MAX_CELL_TEXT]


def _display_width(value: Any, fmt: str | None) -> int:
    if value is None:
        return 0
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        decimals = len(fmt.split(".", 1)[1]) if fmt and "." in fmt else 0
        return len(f"{value:,.{decimals}f}")
    return max((len(line) for line in str(value).splitlines()), default=0)


def _header_width(header: str) -> int:
    longest_word = max((len(word) for word in header.split()), default=0)
    return max(longest_word, min(len(header), 16))


def _fit_columns(ws: Worksheet, sheet: Sheet, body: Sequence[Sequence[Cell]]
                 ) -> tuple[float, dict[int, float], dict[int, float]]:
    """Width of each column from its header and displayed values; long text wraps.

    ``body`` holds the cells of the table's rows below its header. Returns the total width
    (characters), which decides the print orientation, each column's width and the widths
    of the columns whose text wraps.
    """
    sample = body[:SAMPLE_ROWS + 1]
    natural: dict[int, float] = {}
    for index, header in enumerate(sheet.frame.columns, start=1):
        fmt = sheet.formats.get(header)
        widest = max((_display_width(row[index - 1].value, fmt) for row in sample), default=0)
        natural[index] = max(widest, _header_width(str(header)), MIN_WIDTH) + 2
    cap = _text_cap(natural)
    widths = {index: min(width, cap) for index, width in natural.items()}
    wrapped = {index: widths[index] for index, width in natural.items() if width > cap}
    for index, width in widths.items():
        ws.column_dimensions[get_column_letter(index)].width = width
        if index in wrapped:
            _realign(ws, (row[index - 1] for row in body), lambda _: WRAP)
    return sum(widths.values()), widths, wrapped


def _text_cap(natural: dict[int, float]) -> float:
    """The widest a column may be: MAX_WIDTH, less on a sheet whose columns together would
    print too small to read on a landscape page; the long texts then wrap in their cells
    (down to NARROWEST, so a word still fits)."""
    cap = float(MAX_WIDTH)
    while cap > NARROWEST and sum(min(w, cap) for w in natural.values()) > LANDSCAPE_CHARACTERS:
        cap -= 5
    return cap


def _lines(text: Any, width: float, bold: bool = False) -> int:
    """Lines a text takes wrapped word by word in a column ``width`` characters wide (less
    one character for the cell's margins), as a spreadsheet wraps it.

    >>> _lines("Baris ringkasan (JUMLAH, NRR, IKM)", 18, bold=True), _lines("Baris dipakai", 18)
    (3, 1)
    """
    room = max(width - 1, 1.0)
    scale = BOLD_WIDTH if bold else 1.0
    return sum(_wrapped(line, room, scale) for line in str(text).splitlines() or [""])


def _wrapped(line: str, room: float, scale: float) -> int:
    """Lines of one line of text wrapped greedily at spaces; a word wider than the room
    breaks inside itself."""
    if len(line) * _WIDEST * scale < room - 1e-9:  # fits however wide its characters
        return 1
    count, used = 1, 0.0
    for word in line.split():
        size = _chars_wide(word) * scale
        if used and used + _chars_wide(" ") * scale + size > room:
            count, used = count + 1, size
        else:
            used += (_chars_wide(" ") * scale if used else 0.0) + size
        while used > room:
            count, used = count + 1, used - room
    return count


def _chars_wide(text: str) -> float:
    """Width of ``text`` in width units (the digit "0"), by a sans font's rough proportions:
    capitals are wider than the digit, lower case and punctuation a little narrower."""
    return sum(CAPITAL_WIDTH if char.isupper() else SPACE_WIDTH if char == " " else CHAR_WIDTH
               for char in text)


def _grow_rows(ws: Worksheet, rows: Iterable[tuple[int, Sequence[Cell]]],
               columns: dict[int, float], line_height: float, bold: bool = False) -> None:
    """Give rows whose wrapped text needs several lines the height for them: Excel grows a
    wrapped row on opening, LibreOffice keeps the stored height and prints lines over the
    next row's.

    ``rows`` are row numbers with every cell of the row. They are passed in, not looked up:
    ``ws[row]`` has openpyxl find ``max_column`` over every cell of the sheet, for each
    row, which made a long appendix quadratic.
    """
    moved = []
    for number, cells in rows:
        lines = max((_lines(cells[index - 1].value or "", width, bold)
                     for index, width in columns.items()), default=1)
        if lines > 1:
            ws.row_dimensions[number].height = line_height * lines
            moved += cells  # the row's other cells start at its top, beside the text
    _align_top(ws, moved)


def _align_top(ws: Worksheet, cells: Sequence[Any]) -> None:
    """Align ``cells`` to the top, each keeping its wrap setting (and nothing else)."""
    _realign(ws, cells, lambda old: Alignment(wrap_text=old.wrap_text, vertical="top"))


def _realign(ws: Worksheet, cells: Iterable[Any], change: Callable[[Alignment], Alignment]
             ) -> None:
    """Give each of ``cells`` the alignment ``change`` makes of its own.

    What ``cell.alignment = change(cell.alignment)`` does, but the workbook's index of each
    new alignment is looked up once per old one: openpyxl hashes every attribute of an
    alignment for each cell it is set on, about a second for the 20,000 cells of a long
    cleaning log. ``cell._style`` is the style array openpyxl's own documentation copies
    styles through; the indices, so the file, are the same as with the assignment.
    """
    alignments = ws.parent._alignments
    moved: dict[int, int] = {}
    for cell in cells:
        style = cell._style
        if not style:  # a cell openpyxl made for the row, never styled
            style = cell._style = StyleArray()
        old = style.alignmentId
        new = moved.get(old)
        if new is None:
            new = moved[old] = alignments.add(change(alignments[old]))
        style.alignmentId = new


def _format_numbers(sheet: Sheet, body: Sequence[Sequence[Cell]]) -> None:
    for index, header in enumerate(sheet.frame.columns, start=1):
        fmt = sheet.formats.get(header)
        if fmt:
            for row in body:
                row[index - 1].number_format = fmt


def _style_header(ws: Worksheet, header_row: int) -> None:
    for cell in ws[header_row]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGNMENT


def _link(cell: Any, sheet_name: str) -> None:
    """Make ``cell`` open another sheet of the workbook (an internal location, no address)."""
    quoted = sheet_name.replace("'", "''")
    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{quoted}'!A1")
    cell.style = "Hyperlink"


def _links(ws: Worksheet, sheet: Sheet, header_row: int) -> None:
    """The list of tables: each number opens its table's sheet."""
    for row, target in sheet.links:
        _link(ws.cell(row=header_row + 1 + row, column=1), target)


def _print_setup(ws: Worksheet, header_row: int, width: float) -> None:
    """Repeat the title and header on every printed page; fit the width; turn wide tables."""
    ws.print_title_rows = f"1:{header_row}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if width > PORTRAIT_CHARACTERS else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def write_sheet(ws: Worksheet, sheet: Sheet, back: str = "") -> None:
    """Fill a worksheet: the title (when any) above a bold filled header row, frozen below
    it, formats, widths, filter; the note and a link back to the list of tables below."""
    columns = sheet.frame.shape[1]
    header_row = 2 if sheet.title else 1
    if sheet.title:
        ws.append([cell_value(sheet.title)])
    ws.append([cell_value(header) for header in sheet.frame.columns])
    body = []  # the table's cells, kept to style them without looking each one up
    for row in sheet.frame.itertuples(index=False, name=None):
        cells = [Cell(ws, value=cell_value(value)) for value in row]
        ws.append(cells)
        body.append(cells)
    last = ws.max_row
    _style_header(ws, header_row)
    _format_numbers(sheet, body)
    width, widths, wrapped = _fit_columns(ws, sheet, body)
    width = _room_for_title(ws, sheet, columns, width)
    _links(ws, sheet, header_row)
    header = next(ws.iter_rows(min_row=header_row, max_row=header_row, max_col=ws.max_column))
    _grow_rows(ws, [(header_row, header)], widths, HEADER_LINE, bold=True)
    if wrapped:
        _grow_rows(ws, enumerate(body, start=header_row + 1), wrapped, LINE_HEIGHT)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=sheet.freeze + 1)
    if columns:
        bottom = max(last, header_row + 1)
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(columns)}{bottom}"
    if sheet.title:
        _banner(ws, 1, columns, width, TITLE_FONT, 15.0)
    if sheet.note:
        ws.cell(row=last + 2, column=1, value=cell_value(sheet.note))
        _banner(ws, last + 2, columns, width, NOTE_FONT, 12.0)
    if back:
        link = ws.cell(row=last + (4 if sheet.note else 2), column=1, value=cell_value(back))
        _link(link, ws.parent.worksheets[0].title)
    _print_setup(ws, header_row, width)
    ws.print_area = f"A1:{get_column_letter(max(columns, 1))}{ws.max_row}"


def _room_for_title(ws: Worksheet, sheet: Sheet, columns: int, width: float) -> float:
    """Widen the last column of a narrow table so its caption takes a line or two, not one
    word per line; returns the table's new width."""
    if not (sheet.title and columns):
        return width
    wanted = min(len(str(sheet.title)) * (TITLE_FONT.sz or 11) / 11, TITLE_ROOM)
    if width >= wanted:
        return width
    letter = get_column_letter(columns)
    ws.column_dimensions[letter].width = (ws.column_dimensions[letter].width or 0) + \
        wanted - width
    return wanted


def _banner(ws: Worksheet, row: int, columns: int, width: float, font: Font,
            line_height: float) -> None:
    """A title or note across the table's width, wrapped (a long text left in one cell
    would spill past the table and shrink the printed page to fit it)."""
    cell = ws.cell(row=row, column=1)
    cell.font = font
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if columns > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    characters = len(str(cell.value or "")) * (font.sz or 11) / 11
    ws.row_dimensions[row].height = line_height * max(1, math.ceil(characters / max(width, 1)))


def workbook_bytes(sheets: Sequence[Sheet], title: str, lang: str, moment: datetime,
                   back: str = "") -> bytes:
    """The workbook as bytes, one worksheet per sheet, with fixed document properties.

    Parameters
    ----------
    sheets : sequence of Sheet
        Worksheets in order (the first is the active one).
    title : str
        Document title property.
    lang : str
        Document language property.
    moment : datetime
        Created and modified time (naive UTC), so a re-run gives the same file.
    back : str, optional
        Text of a link back to the first sheet, written under every other sheet's table.
    """
    workbook = Workbook()
    workbook.remove(workbook.active)
    for index, sheet in enumerate(sheets):
        write_sheet(workbook.create_sheet(sheet.name), sheet, back if index else "")
    properties = workbook.properties
    properties.title, properties.creator, properties.lastModifiedBy = title, "surveyq", "surveyq"
    properties.created = properties.modified = moment
    properties.language = lang
    buffer = io.BytesIO()
    with (zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive,
          full_precision()):
        ExcelWriter(workbook, archive).save()  # not save_workbook: it stamps "modified" as now
    return buffer.getvalue()
