"""The appendix workbook's cells, written by surveyq/report/xlsx.py without openpyxl's cells.

The rows of each worksheet are formatted as XML by surveyq (openpyxl's per-cell writer was
most of the workbook's time); everything else in the file is openpyxl's. The XML of the
cells is checked here against openpyxl's own worksheet writer, given the same values and
styles, and the file against openpyxl's reader.
"""

from __future__ import annotations

import io
import math
import re

import openpyxl
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet._writer import WorksheetWriter

from surveyq.report.appendix import Sheet
from surveyq.report.xlsx import _Grid, _restyle, _set, _sheet_data, cell_value, workbook_bytes

#: Values whose XML differs: escaping (& < > and carriage return, quotes left alone), kept
#: spaces, characters outside ASCII (written as references), empty text, truth values,
#: integers openpyxl writes with 16 digits, infinity (written empty) and missing values.
VALUES = ["plain", "  lead", "trail ", 'a&b<c>d"e\'f ]]>', "line\r\nbreak\ttab",
          "é ü 中文 \U0001f600", "", None, True, False, 0, -7, 12345678901234567, 0.1, -2.5,
          1e300, math.inf, "=SUM(A1)", "@x", "-3+4"]


def _rows(data: bytes) -> bytes:
    return re.search(rb"<sheetData>.*</sheetData>", data, re.S).group(0)


def test_cells_are_the_xml_openpyxl_writes_for_them():
    workbook = Workbook()
    reference, ours = workbook.active, workbook.create_sheet("ours")
    grid = _Grid()
    values = [cell_value(value) for value in VALUES]
    for row in range(1, 4):  # unstyled, a number format, a wrapped alignment
        cells = [Cell(reference, value=value) for value in values]
        reference.append(cells)
        light = grid.append(values)
        if row == 2:
            for cell in cells:
                cell.number_format = "0.000"
            _restyle(ours, light, _set("number_format", "0.000"))
        if row == 3:
            for cell in cells:
                cell.alignment = openpyxl.styles.Alignment(wrap_text=True, vertical="top")
            _restyle(ours, light, _set("alignment", openpyxl.styles.Alignment(
                wrap_text=True, vertical="top")))
    reference.row_dimensions[2].height = 30
    ours.row_dimensions[2].height = 30
    reference.row_dimensions[5].height = 12  # a row with a height and no cells
    ours.row_dimensions[5].height = 12
    writer = WorksheetWriter(reference, out=io.BytesIO())
    writer.write()
    expected = _rows(writer.read())
    ours._hyperlinks = []
    assert _sheet_data(ours, grid) == expected
    assert b"&#233;" in expected and b"&#13;" in expected and b"<v></v>" in expected


def test_the_workbook_reads_back_as_written(tmp_path):
    frame = pd.DataFrame({"text": [v for v in VALUES if isinstance(v, str)][:8],
                          "number": [3.1801256667148738e-12, 0.1, -2.5, 1e300, None, 7.0,
                                     2 / 3, 1e-310]})
    sheet = Sheet("t", "Tabel", frame, {"number": "0.00"}, title="Tabel L.1 Judul", note="Catatan")
    path = tmp_path / "a.xlsx"
    path.write_bytes(workbook_bytes([sheet], "Judul", "id", pd.Timestamp(2025, 1, 1)))
    ws = openpyxl.load_workbook(path)["Tabel"]
    assert ws["A1"].value == "Tabel L.1 Judul" and ws["A1"].font.b
    assert [c.value for c in ws[2]] == ["text", "number"]
    body = list(ws.iter_rows(min_row=3, max_row=10, values_only=True))
    assert [row[0] for row in body] == [cell_value(v) or None for v in frame["text"]]
    numbers = [row[1] for row in body]
    assert numbers[:4] == [3.1801256667148738e-12, 0.1, -2.5, 1e300]  # every digit kept
    assert numbers[4] is None and numbers[6] == 2 / 3 and numbers[7] == 1e-310
    assert ws["B3"].number_format == "0.00" and ws["A3"].number_format == "General"
    assert ws["A12"].value == "Catatan" and ws["A12"].font.i
    assert {str(r) for r in ws.merged_cells.ranges} == {"A1:B1", "A12:B12"}
    assert ws.freeze_panes == "A3"


def test_text_xml_cannot_hold_is_removed():
    assert cell_value("a\x00b\x1fc\ufffed\uffffe\udc80f") == "abcdef"
    assert cell_value("=1+1") == "'=1+1"


def test_equal_keys_of_different_values_keep_their_own_xml():
    """Cells are written once per (value, style): values that are equal as keys but written
    differently (0.0 and -0.0; 1, 1.0 and True) each keep their own XML."""
    workbook = Workbook()
    grid = _Grid()
    for value in (0.0, -0.0, 1, 1.0, True, 0.0):
        grid.append([value])
    cells = re.findall(rb"<c [^>]*>.*?</c>", _sheet_data(workbook.active, grid))
    assert cells == [b'<c r="A1" t="n"><v>0.0</v></c>', b'<c r="A2" t="n"><v>-0.0</v></c>',
                     b'<c r="A3" t="n"><v>1</v></c>', b'<c r="A4" t="n"><v>1.0</v></c>',
                     b'<c r="A5" t="b"><v>1</v></c>', b'<c r="A6" t="n"><v>0.0</v></c>']
