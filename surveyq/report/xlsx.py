"""Render appendix sheets as an XLSX workbook (openpyxl).

The first sheet lists the tables, each number a link to the table's own sheet; every table
sheet starts with its numbered caption ("Tabel L.7 ..."), has its header row frozen and
repeated on printed pages, its note below and a link back to the list, and prints fitted
to the page width (landscape when wide).

Numbers are written as numbers at full precision with a display format; text is written as
text, with anything a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab,
carriage return) neutralised by a leading apostrophe, and characters XML cannot hold removed.

openpyxl holds the workbook (styles, widths, heights, merges, panes, links, print setup)
and writes every part of the file except the cells: those are kept in a light grid
(:class:`_Grid`) and written as XML by :func:`_sheet_data`, the only hand-written XML here.
openpyxl's own cells and cell writer were three quarters of the demo workbook's time
(benchmarks/README.md, "The demo's appendix.xlsx"); tests/test_xlsx_cells.py checks the
cells' XML against openpyxl's writer.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Callable, Generator, Iterable, Sequence
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import tostring  # lxml when installed, else ElementTree

from surveyq.report.appendix import Sheet, print_key, spreadsheet_text

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


#: Characters that XML 1.0 cannot hold and ILLEGAL_CHARACTERS_RE leaves: lone surrogates
#: (text decoded with ``surrogateescape``) and the non-characters U+FFFE, U+FFFF.
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


class _Cell:
    """A cell as this writer keeps it: its value (as :func:`cell_value` made it), its
    openpyxl style array and an optional link.

    Style arrays are shared between cells and never changed in place: :func:`_restyle`
    gives a cell a new one. openpyxl's own ``Cell`` costs about 3 us to make and style, and
    its writer about 10 us to write (``lxml_write_cell``): for the demo's 22,000 cells that
    was most of the workbook's time.
    """

    __slots__ = ("value", "style", "link")

    def __init__(self, value: Any, style: StyleArray) -> None:
        self.value = value
        self.style = style
        self.link: Hyperlink | None = None


_PLAIN = StyleArray()  # shared by every unstyled cell; never changed in place


class _Grid:
    """The cells of one worksheet by row (a list by column, None where there is no cell),
    kept beside openpyxl's worksheet, which holds everything else (widths, heights,
    merges, panes, print setup) and writes it."""

    def __init__(self) -> None:
        self.rows: dict[int, list[_Cell | None]] = {}
        self.appended = 0  # the last row append wrote

    @property
    def max_row(self) -> int:
        return max(self.rows, default=1)

    @property
    def max_column(self) -> int:
        """The last column holding a cell, at least 1 (as openpyxl's ``max_column``)."""
        return max(1, max((len(row) for row in self.rows.values()), default=0))

    def append(self, values: Iterable[Any]) -> list[_Cell]:
        """A new row under the last appended one, a cell for each value (as ``ws.append``)."""
        cells = [_Cell(value, _PLAIN) for value in values]
        self.appended += 1
        self.rows[self.appended] = list(cells)
        return cells

    def cell(self, row: int, column: int) -> _Cell:
        """The cell at ``row``, ``column``, made empty when there is none (as ``ws.cell``)."""
        cells = self.rows.setdefault(row, [])
        if len(cells) < column:
            cells += [None] * (column - len(cells))
        found = cells[column - 1]
        if found is None:
            found = cells[column - 1] = _Cell(None, _PLAIN)
        return found


def _restyle(ws: Worksheet, cells: Iterable[_Cell], change: Callable[[Cell], None]) -> None:
    """Give each of ``cells`` the style ``change`` makes of its own.

    ``change`` sets style attributes (``font``, ``alignment``, ``number_format``, the named
    ``style``) on an openpyxl cell, which registers them in the workbook as openpyxl
    always does; it is applied once per distinct old style, on a cell that is not in the
    sheet, and the cells share the resulting style array.
    """
    made: dict[int, StyleArray] = {}
    for cell in cells:
        new = made.get(id(cell.style))
        if new is None:
            scratch = Cell(ws)
            scratch._style = StyleArray(cell.style)
            change(scratch)
            new = made[id(cell.style)] = scratch._style
        cell.style = new


def _number_text(value: bool | int | float) -> str:
    """A number as written in the sheet: a float as the shortest text that reads back as
    the same float (``repr``; openpyxl's ``"%.16g"`` changes the 17th significant digit of
    some floats, 3.1801256667148738e-12 would read back as 3.180125666714874e-12), an
    integer or truth value as openpyxl writes it, infinity as nothing."""
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""
    return f"{value:.16g}"


def _text(value: str) -> str:
    """Text escaped for XML as lxml escapes element text (``&``, ``<``, ``>``, carriage
    return); non-ASCII characters become references when the sheet is encoded."""
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


def _cell_tail(value: Any, style: int | None) -> str:
    """A ``<c>`` element, as openpyxl's cell writer writes it (inline strings), after its
    reference: style, type and value."""
    styled = "" if style is None else f' s="{style}"'
    if isinstance(value, str):
        if not value:
            return f'{styled} t="inlineStr"></c>'
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'{styled} t="inlineStr"><is><t{space}>{_text(value)}</t></is></c>'
    if value is None:
        return f'{styled} t="n"></c>'
    kind = "b" if isinstance(value, bool) else "n"
    return f'{styled} t="{kind}"><v>{_number_text(value)}</v></c>'


def _sheet_data(ws: Worksheet, grid: _Grid) -> bytes:
    """The ``<sheetData>`` of a worksheet: its rows (with their heights) and cells.

    Written here rather than by openpyxl's cell writer (lxml's incremental writer, an
    element per cell), which took 0.5 of the demo workbook's 1.2 s: formatted strings give
    the same XML (tests/test_xlsx_cells.py compares the two) about ten times faster.
    Hyperlinks are collected for openpyxl's writer, which writes them after the rows.
    """
    styles = ws.parent._cell_styles
    heights = ws.row_dimensions
    letters: list[str] = []
    parts = ["<sheetData>"]
    # style arrays are shared and never changed in place: each registered once by identity;
    # a repeated (value, style) is written once (:func:`print_key`)
    indices: dict[int, int | None] = {}
    tails: dict[tuple[Any, ...], str] = {}
    for number in sorted(grid.rows.keys() | heights.keys()):
        row = grid.rows.get(number, [])
        extra = "".join(f' {key}="{value}"' for key, value in heights.get(number, {}))
        parts.append(f'<row r="{number}"{extra}>')
        while len(letters) < len(row):
            letters.append(get_column_letter(len(letters) + 1))
        for letter, cell in zip(letters, row, strict=False):
            if cell is None:
                continue
            value, style = cell.value, cell.style
            if id(style) in indices:
                index = indices[id(style)]
            else:
                index = indices[id(style)] = styles.add(style) if any(style) else None
            if value is None and index is None:
                continue
            if cell.link is not None:
                ws._hyperlinks.append(cell.link)
            key = (*print_key(value), index)
            tail = tails.get(key)
            if tail is None:
                tail = tails[key] = _cell_tail(value, index)
            parts.append(f'<c r="{letter}{number}"{tail}')
        parts.append("</row>")
    parts.append("</sheetData>")
    return "".join(parts).encode("ascii", "xmlcharrefreplace")


class _SheetWriter(WorksheetWriter):
    """openpyxl's worksheet writer with the rows of a :class:`_Grid`, in memory.

    Everything but the rows is openpyxl's: the parts before and after them are its
    elements, serialised one by one as its incremental writer does. In memory rather than
    in openpyxl's temporary file per sheet, whose removal alone took about 2 ms a sheet
    here (119 sheets in the demo).
    """

    def __init__(self, ws: Worksheet, grid: _Grid) -> None:
        self.grid = grid
        self.parts: list[bytes] = []
        super().__init__(ws, out=io.BytesIO())

    def get_stream(self) -> Generator[None, Any, None]:
        self.parts.append(f'<worksheet xmlns="{SHEET_MAIN_NS}">'.encode())
        try:
            while True:
                element = yield
                if element is not None:
                    self.parts.append(tostring(element, encoding="us-ascii"))  # as xmlfile
        except GeneratorExit:
            self.parts.append(b"</worksheet>")

    def write_dimensions(self) -> None:
        merged = [r.max_col for r in self.ws.merged_cells.ranges]
        last = get_column_letter(max([self.grid.max_column, *merged]))
        self.parts.append(f'<dimension ref="A1:{last}{self.grid.max_row}"/>'.encode())

    def write_rows(self) -> None:
        self.parts.append(_sheet_data(self.ws, self.grid))

    def read(self) -> bytes:
        self.close()
        return b"".join(self.parts)

    def cleanup(self) -> None:
        """Nothing to remove: the sheet was written in memory."""


class _Writer(ExcelWriter):
    """openpyxl's workbook writer, with each worksheet's rows taken from its grid."""

    def __init__(self, workbook: Workbook, archive: zipfile.ZipFile,
                 grids: dict[Worksheet, _Grid]) -> None:
        super().__init__(workbook, archive)
        self.grids = grids

    def write_worksheet(self, ws: Worksheet) -> None:
        # ExcelWriter.write_worksheet for a standard workbook, the sheet written in memory
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = _SheetWriter(ws, self.grids[ws])
        writer.write()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], writer.read())
        self.manifest.append(ws)


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
    text = _NOT_XML.sub("", ILLEGAL_CHARACTERS_RE.sub("", str(value)))
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


def _fit_columns(ws: Worksheet, sheet: Sheet, body: Sequence[Sequence[_Cell]]
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
            _restyle(ws, (row[index - 1] for row in body), _set("alignment", WRAP))
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


def _grow_rows(ws: Worksheet, rows: Iterable[tuple[int, Sequence[_Cell]]],
               columns: dict[int, float], line_height: float, bold: bool = False) -> None:
    """Give rows whose wrapped text needs several lines the height for them: Excel grows a
    wrapped row on opening, LibreOffice keeps the stored height and prints lines over the
    next row's.

    ``rows`` are row numbers with every cell of the row.
    """
    moved: list[_Cell] = []
    for number, cells in rows:
        lines = max((_lines(cells[index - 1].value or "", width, bold)
                     for index, width in columns.items()), default=1)
        if lines > 1:
            ws.row_dimensions[number].height = line_height * lines
            moved += cells  # the row's other cells start at its top, beside the text
    _restyle(ws, moved, _top)


def _set(name: str, value: Any) -> Callable[[Cell], None]:
    """A style change for :func:`_restyle`: set one attribute (``font``, ``alignment``...)."""
    return lambda cell: setattr(cell, name, value)


def _top(cell: Cell) -> None:
    """Align to the top, keeping the wrap setting (and nothing else)."""
    cell.alignment = Alignment(wrap_text=cell.alignment.wrap_text, vertical="top")


def _format_numbers(ws: Worksheet, sheet: Sheet, body: Sequence[Sequence[_Cell]]) -> None:
    for index, header in enumerate(sheet.frame.columns, start=1):
        fmt = sheet.formats.get(header)
        if fmt:
            _restyle(ws, (row[index - 1] for row in body), _set("number_format", fmt))


def _header(cell: Cell) -> None:
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.alignment = HEADER_ALIGNMENT


def _link(ws: Worksheet, grid: _Grid, row: int, sheet_name: str) -> None:
    """Make the first cell of ``row`` open another sheet of the workbook (an internal
    location, no address)."""
    quoted = sheet_name.replace("'", "''")
    cell = grid.cell(row, 1)
    cell.link = Hyperlink(ref=f"A{row}", location=f"'{quoted}'!A1")
    _restyle(ws, [cell], _set("style", "Hyperlink"))


def _print_setup(ws: Worksheet, header_row: int, width: float) -> None:
    """Repeat the title and header on every printed page; fit the width; turn wide tables."""
    ws.print_title_rows = f"1:{header_row}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if width > PORTRAIT_CHARACTERS else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def write_sheet(ws: Worksheet, grid: _Grid, sheet: Sheet, back: str = "") -> None:
    """Fill a worksheet (its cells in ``grid``): the title (when any) above a bold filled
    header row, frozen below it, formats, widths, filter; the note and a link back to the
    list of tables below."""
    columns = sheet.frame.shape[1]
    header_row = 2 if sheet.title else 1
    if sheet.title:
        grid.append([cell_value(sheet.title)])
    grid.append([cell_value(header) for header in sheet.frame.columns])
    columns_values = [values.tolist() for _, values in sheet.frame.items()]  # itertuples'
    body = [grid.append([cell_value(value) for value in row])  # values, a third of its time
            for row in zip(*columns_values, strict=True)]
    last = grid.max_row
    header = [grid.cell(header_row, column) for column in range(1, grid.max_column + 1)]
    _restyle(ws, header, _header)
    _format_numbers(ws, sheet, body)
    width, widths, wrapped = _fit_columns(ws, sheet, body)
    width = _room_for_title(ws, sheet, columns, width)
    for row, target in sheet.links:  # the list of tables: each number opens its sheet
        _link(ws, grid, header_row + 1 + row, target)
    _grow_rows(ws, [(header_row, header)], widths, HEADER_LINE, bold=True)
    if wrapped:
        _grow_rows(ws, enumerate(body, start=header_row + 1), wrapped, LINE_HEIGHT)
    grid.cell(header_row + 1, sheet.freeze + 1)  # as openpyxl's freeze_panes = ws.cell(...)
    ws.freeze_panes = f"{get_column_letter(sheet.freeze + 1)}{header_row + 1}"
    if columns:
        bottom = max(last, header_row + 1)
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(columns)}{bottom}"
    if sheet.title:
        _banner(ws, grid, 1, columns, width, TITLE_FONT, 15.0)
    if sheet.note:
        grid.cell(last + 2, 1).value = cell_value(sheet.note)
        _banner(ws, grid, last + 2, columns, width, NOTE_FONT, 12.0)
    if back:
        row = last + (4 if sheet.note else 2)
        grid.cell(row, 1).value = cell_value(back)
        _link(ws, grid, row, ws.parent.worksheets[0].title)
    _print_setup(ws, header_row, width)
    ws.print_area = f"A1:{get_column_letter(max(columns, 1))}{grid.max_row}"


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


def _banner(ws: Worksheet, grid: _Grid, row: int, columns: int, width: float, font: Font,
            line_height: float) -> None:
    """A title or note across the table's width, wrapped (a long text left in one cell
    would spill past the table and shrink the printed page to fit it)."""
    cell = grid.cell(row, 1)

    def banner(scratch: Cell) -> None:
        scratch.font = font
        scratch.alignment = Alignment(wrap_text=True, vertical="top")

    _restyle(ws, [cell], banner)
    if columns > 1:
        ws.merged_cells.add(CellRange(min_col=1, min_row=row, max_col=columns, max_row=row))
    characters = len(str(cell.value or "")) * (font.sz or 11) / 11
    ws.row_dimensions[row].height = line_height * max(1, math.ceil(characters / max(width, 1)))


def workbook_bytes(sheets: Sequence[Sheet], title: str, lang: str, moment: datetime,
                   back: str = "") -> bytes:
    """The workbook as bytes (a zip of stored, uncompressed parts), one worksheet per sheet,
    with fixed document properties.

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
    grids: dict[Worksheet, _Grid] = {}
    for index, sheet in enumerate(sheets):
        ws = workbook.create_sheet(sheet.name)
        write_sheet(ws, grids.setdefault(ws, _Grid()), sheet, back if index else "")
    properties = workbook.properties
    properties.title, properties.creator, properties.lastModifiedBy = title, "surveyq", "surveyq"
    properties.created = properties.modified = moment
    properties.language = lang
    buffer = io.BytesIO()
    # stored, not compressed: write_xlsx compresses the parts once, in stable_zip
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        _Writer(workbook, archive, grids).save()  # not save_workbook: it stamps "modified"
    return buffer.getvalue()
