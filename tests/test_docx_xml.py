"""The Word appendix's body is written as text (:mod:`surveyq.report.docx`), not through
python-docx's proxies: it must be what python-docx and lxml would have written.

Three checks that do not reuse the writer's own text: a run of awkward text beside the run
python-docx's API makes of it; word/document.xml beside lxml's serialisation of its own
parse (an element written in a form lxml does not write, such as an empty ``w:t`` left
open or a raw carriage return, fails); and the document read back by python-docx (tables,
cell texts in order, sections and their orientation, pictures, captions).
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

import docx
import numpy as np
import pandas as pd
import pytest
from docx.enum.section import WD_ORIENT
from lxml import etree
from PIL import Image

from surveyq.report.appendix import Table
from surveyq.report.docx import _run, document_bytes

TEXTS = ["plain", " leading", "trailing ", "tab\tinside", "line\nbreak\r\nend",
         '<a & b> "quoted"', "ünïcödé – 𝛼", " ", "\t", "two  spaces"]


def _without_declarations(xml: str) -> str:
    return re.sub(r' xmlns:\w+="[^"]*"', "", xml)


@pytest.mark.parametrize("italic", [False, True])
@pytest.mark.parametrize("text", TEXTS)
def test_a_run_is_what_python_docx_writes(text: str, italic: bool) -> None:
    run = docx.Document().add_paragraph().add_run(text)
    if italic:
        run.italic = True
    expected = _without_declarations(etree.tostring(run._r, encoding="unicode"))
    assert _run(text, "<w:i/>" if italic else "") == expected


def test_a_run_drops_what_xml_cannot_hold() -> None:
    run = docx.Document().add_paragraph().add_run("ab c")
    assert _run("a\x07b\x0b c\ufffe") == _without_declarations(
        etree.tostring(run._r, encoding="unicode"))


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, format="png", dpi=(72, 72))
    return buffer.getvalue()


@pytest.fixture(scope="module")
def written() -> bytes:
    small = Table("profile", "Small <table> & friends", pd.DataFrame({
        "Item": ["a\rb", "", "x<y", "  padded  "],
        "Mean": [1.2345, np.nan, 3.0, -0.5]}), {"Mean": "0.00"}, note="Note\twith a tab")
    wide = Table("tabulation", "Wide", pd.DataFrame(
        {f"Column {i}": [i, i + 0.5] for i in range(40)}),
        {f"Column {i}": "0.0" for i in range(40)}, sheet="tabulation", stub=1)
    keyed = Table("validity", "Keyed", pd.DataFrame({
        "Item": ["P1", "P2"], "Statement": ["The first statement", "The second"],
        "r": [0.5, 0.25]}), {"r": "0.000"}, key=("Statement",), sheet="validity")
    figures = [("Wide figure", _png(2000, 400), ()), ("Narrow figure", _png(400, 300), ())]
    return document_bytes([small, wide, keyed], "Title: A & B", "en",
                          datetime(2025, 6, 30, 8), figures)


def test_document_xml_is_as_lxml_writes_it(written: bytes) -> None:
    xml = zipfile.ZipFile(io.BytesIO(written)).read("word/document.xml")
    assert etree.tostring(etree.fromstring(xml), encoding="UTF-8", standalone=True) == xml


def test_the_document_reads_back(written: bytes) -> None:
    document = docx.Document(io.BytesIO(written))
    tables = document.tables
    small = [[cell.text for cell in row.cells] for row in tables[0].rows]
    assert small == [["Item", "Mean"], ["a\rb", "1.23"], ["", ""], ["x<y", "3.00"],
                     ["  padded  ", "-0.50"]]
    # the 40 columns print in landscape parts, each repeating the first column
    parts = tables[1:-2]
    assert len(parts) > 1
    assert all(part.rows[0].cells[0].text == "Column 0" for part in parts)
    headers = [cell.text for part in parts for cell in part.rows[0].cells[1:]]
    assert headers == [f"Column {i}" for i in range(1, 40)]
    assert [cell.text for cell in parts[0].rows[2].cells[:3]] == ["0.5", "1.5", "2.5"]
    # the keyed table prints without its statements, which follow as a key
    assert [cell.text for cell in tables[-2].rows[1].cells] == ["P1", "0.500"]
    assert [[cell.text for cell in row.cells] for row in tables[-1].rows] == [
        ["Item", "Statement"], ["P1", "The first statement"], ["P2", "The second"]]
    orientations = [section.orientation for section in document.sections]
    assert orientations == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT,
                            WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    assert len(document.inline_shapes) == 2
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert captions == ["Table A.1 Small <table> & friends", "Table A.2 Wide",
                        "Table A.3 Keyed", "Figure A.1 Wide figure", "Figure A.2 Narrow figure"]
    notes = [p.text for p in document.paragraphs if p.text.startswith("Note")]
    assert notes == ["Note: Note\twith a tab"]
    assert document.paragraphs[0].text == "Title: A & B"


def test_the_package_holds_what_python_docx_saves() -> None:
    """The entries are collected without python-docx's zip writer: the same names, in the
    same order, with the same contents as ``Document.save`` writes."""
    from surveyq.report.docx import _entries

    document = docx.Document()
    document.add_paragraph("text")
    document.add_picture(io.BytesIO(_png(40, 30)))
    saved = io.BytesIO()
    document.save(saved)
    archive = zipfile.ZipFile(saved)
    expected = [(name, archive.read(name)) for name in archive.namelist()]
    assert _entries(document, {}) == expected
    replaced = _entries(document, {"word/document.xml": b"<new/>"})
    assert dict(replaced)["word/document.xml"] == b"<new/>"
    assert [name for name, _ in replaced] == [name for name, _ in expected]


def test_a_column_of_numbers_prints_each_cell_as_itself() -> None:
    """Numbers are printed once per distinct value; zero and negative zero (equal as keys)
    and each missing value still print as themselves."""
    from surveyq.report.docx import _texts

    frame = pd.DataFrame({"x": [0.0, -0.0, np.nan, 1.5, 1.5, np.nan], "n": [1, 2, 1, 0, 0, 2]})
    assert _texts(frame, {"x": "0.00", "n": "0"}, "id") == [
        ["0,00", "-0,00", "", "1,50", "1,50", ""], ["1", "2", "1", "0", "0", "2"]]
