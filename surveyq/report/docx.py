"""Render appendix tables as a DOCX thesis appendix (python-docx).

Each table gets a numbered caption above it ("Tabel L.1 ...", a Word SEQ field so Word can
renumber and list the tables), a header row repeated on every page, numbers right-aligned and
printed with :func:`surveyq.report.i18n.format_number` (Indonesian ``0,861``), and a note
below naming the conventions behind the numbers. Tables wider than :data:`MAX_COLUMNS` are
split into parts that repeat their label columns ("Lanjutan Tabel L.5").
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from surveyq.report.appendix import Table, caption_number, texts
from surveyq.report.i18n import LOCALES, format_number

__all__ = ["MAX_COLUMNS", "display", "document_bytes"]

#: Most columns printed side by side on a portrait A4 page.
MAX_COLUMNS = 13
LANGUAGE_TAGS = {"id": "id-ID", "en": "en-GB"}
TABLE_STYLE, NUMBER_STYLE, NOTE_STYLE = "Appendix Table", "Appendix Number", "Appendix Note"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def display(value: Any, fmt: str | None, lang: str) -> str:
    """A cell as printed: numbers with the format's decimals in the language's convention.

    >>> display(0.86137, "0.000", "id"), display(1234.5, "#,##0", "en"), display(None, "0", "id")
    ('0,861', '1,234', '')
    >>> display(20170414, "0", "id")
    '20170414'
    """
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if fmt and isinstance(value, (int, float)) and not isinstance(value, bool):
        decimals = len(fmt.split(".", 1)[1]) if "." in fmt else 0
        text = format_number(float(value), decimals, lang)
        return text if "#" in fmt else text.replace(LOCALES[lang]["group"], "")
    return str(value)


def _styles(document: DocumentObject, lang: str) -> None:
    """Paragraph styles for table cells, numbers and notes; a plain black caption."""
    styles = document.styles
    normal = styles["Normal"]
    rpr = normal.element.get_or_add_rPr()
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), LANGUAGE_TAGS[lang])
    rpr.append(language)
    cell = styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = normal
    cell.font.size = Pt(9)
    cell.paragraph_format.space_before = cell.paragraph_format.space_after = Pt(0)
    cell.paragraph_format.line_spacing = 1.0
    number = styles.add_style(NUMBER_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    number.base_style = cell
    number.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    note = styles.add_style(NOTE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = normal
    note.font.size = Pt(9)
    note.paragraph_format.space_after = Pt(12)
    caption = styles["Caption"]
    caption.font.size, caption.font.bold, caption.font.italic = Pt(11), True, False
    caption.font.color.rgb = RGBColor(0, 0, 0)
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.keep_with_next = True


def _page(document: DocumentObject) -> None:
    """A4 portrait with the usual Indonesian thesis margins (4 cm left, 3 cm elsewhere)."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(4), Cm(3)
    section.top_margin, section.bottom_margin = Cm(3), Cm(3)


def _clean(text: str) -> str:
    return _CONTROL.sub("", text)


def xml_text(text: str) -> str:
    """Text escaped for WordprocessingML, without the control characters XML cannot hold.

    >>> xml_text("a < b" + chr(7))
    'a &lt; b'
    """
    return escape(_clean(text))


def _cell(text: str, style_id: str, bold: bool = False) -> str:
    run_properties = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return (f'<w:tc><w:p><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr><w:r>{run_properties}'
            f'<w:t xml:space="preserve">{xml_text(text)}</w:t></w:r></w:p></w:tc>')


def column_parts(frame: pd.DataFrame, stub: int, limit: int = MAX_COLUMNS) -> list[pd.DataFrame]:
    """Split a wide table into parts of at most ``limit`` columns, each repeating the stub.

    >>> wide = pd.DataFrame([range(30)], columns=[f"c{i}" for i in range(30)])
    >>> [part.shape[1] for part in column_parts(wide, stub=2)]
    [13, 13, 8]
    """
    if frame.shape[1] <= limit:
        return [frame]
    stub = min(stub, limit - 1)
    body = list(frame.columns[stub:])
    step = limit - stub
    return [frame[[*frame.columns[:stub], *body[i:i + step]]] for i in range(0, len(body), step)]


class _Writer:
    """Adds appendix tables to a document; style ids are looked up once (lookups are slow)."""

    def __init__(self, document: DocumentObject, lang: str) -> None:
        self.document, self.lang, self.t = document, lang, texts(lang)
        names = (TABLE_STYLE, NUMBER_STYLE, NOTE_STYLE, "Caption", "Table Grid", "Heading 2")
        self.ids = {name: document.styles[name].style_id for name in names}

    def paragraph(self, style: str, text: str = "") -> Paragraph:
        paragraph = self.document.add_paragraph()
        paragraph._p.style = self.ids[style]
        if text:
            paragraph.add_run(_clean(text))
        return paragraph

    def field(self, paragraph: Paragraph, instruction: str, result: str) -> None:
        """A Word field (such as SEQ) showing ``result`` until Word updates it."""
        for kind, child in (("begin", None), (None, instruction), ("separate", None)):
            element = OxmlElement("w:fldChar" if kind else "w:instrText")
            if kind:
                element.set(qn("w:fldCharType"), kind)
            else:
                element.set(qn("xml:space"), "preserve")
                element.text = f" {child} "
            paragraph.add_run()._r.append(element)
        paragraph.add_run(result)
        end = OxmlElement("w:fldChar")
        end.set(qn("w:fldCharType"), "end")
        paragraph.add_run()._r.append(end)

    def caption(self, table: Table, number: int) -> None:
        label = f"{self.t['caption_label']} {self.t['caption_prefix']}"
        paragraph = self.paragraph("Caption", label)
        self.field(paragraph, f"SEQ {self.t['caption_label']} \\* ARABIC", str(number))
        paragraph.add_run(_clean(f" {table.caption}"))

    def continued(self, number: int) -> None:
        self.paragraph(NOTE_STYLE)
        text = self.t["continued"].format(number=caption_number(number, self.lang))
        paragraph = self.paragraph(NOTE_STYLE, text)
        paragraph.paragraph_format.keep_with_next = True
        paragraph.paragraph_format.space_after = Pt(3)

    def rows_xml(self, frame: pd.DataFrame, formats: dict[str, str]) -> str:
        """Header and body rows as WordprocessingML, built in one pass (python-docx's cell
        proxies take seconds for a few thousand cells)."""
        plain, number = self.ids[TABLE_STYLE], self.ids[NUMBER_STYLE]
        header = "".join(_cell(str(name), plain, bold=True) for name in frame.columns)
        rows = [f'<w:tr><w:trPr><w:tblHeader w:val="true"/></w:trPr>{header}</w:tr>']
        fmts = [formats.get(name) for name in frame.columns]
        styles = [number if fmt else plain for fmt in fmts]
        for values in frame.itertuples(index=False, name=None):
            cells = "".join(_cell(display(value, fmt, self.lang), style)
                            for value, fmt, style in zip(values, fmts, styles, strict=True))
            rows.append(f"<w:tr>{cells}</w:tr>")
        return f'<w:tbl {nsdecls("w")}>{"".join(rows)}</w:tbl>'

    def grid(self, frame: pd.DataFrame, formats: dict[str, str]) -> None:
        """One printed table: bold repeated header, numbers right-aligned."""
        grid = self.document.add_table(rows=0, cols=frame.shape[1])
        grid._tbl.tblStyle_val = self.ids["Table Grid"]
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        for row in parse_xml(self.rows_xml(frame, formats)):
            grid._tbl.append(row)

    def note(self, table: Table) -> None:
        paragraph = self.paragraph(NOTE_STYLE)
        if table.note:
            paragraph.add_run(f"{self.t['note_label']}: ").italic = True
            paragraph.add_run(_clean(table.note))

    def add(self, table: Table, number: int) -> None:
        """Caption, table (in parts when wide) and note of one appendix table."""
        self.caption(table, number)
        for index, part in enumerate(column_parts(table.frame, table.stub)):
            if index:
                self.continued(number)
            self.grid(part, table.formats)
        self.note(table)

    def heading(self, text: str) -> None:
        self.paragraph("Heading 2", text)

    def figure(self, caption: str, png: bytes, number: int) -> None:
        """A picture as wide as the text, with a numbered caption under it."""
        section = self.document.sections[-1]
        width = section.page_width - section.left_margin - section.right_margin
        picture = self.document.add_paragraph()
        picture.paragraph_format.keep_with_next = True
        picture.add_run().add_picture(io.BytesIO(png), width=width)
        label = self.t["bsc"]["figure_label"]
        paragraph = self.paragraph("Caption", f"{label} {self.t['caption_prefix']}")
        self.field(paragraph, f"SEQ {label} \\* ARABIC", str(number))
        paragraph.add_run(_clean(f" {caption}"))


def _properties(document: DocumentObject, title: str, lang: str, moment: datetime) -> None:
    core = document.core_properties
    core.title, core.author, core.last_modified_by = title, "surveyq", "surveyq"
    core.created = core.modified = core.last_printed = moment
    core.revision, core.language = 1, LANGUAGE_TAGS[lang]
    core.subject, core.keywords, core.comments = texts(lang)["document_title"], "surveyq", ""


def document_bytes(tables: Sequence[Table], title: str, lang: str, moment: datetime,
                   figures: Sequence[tuple[str, bytes, tuple[str, ...]]] = ()) -> bytes:
    """The appendix document as bytes.

    Parameters
    ----------
    tables : sequence of Table
        Tables in print order; numbered from 1.
    title : str
        Heading and title property.
    lang : str
        Language of captions and number format.
    moment : datetime
        Created/modified time of the core properties (naive UTC).
    figures : sequence of (caption, PNG bytes, table names)
        Figures ("Gambar L.n" / "Figure A.n"), each printed after the last table of one of
        the named types (at the end when there is none).
    """
    document = Document()
    _page(document)
    _styles(document, lang)
    document.add_heading(_clean(title), level=1)
    writer, section = _Writer(document, lang), None
    places = {index: [f for f in figures if tables[index].name in f[2]
                      and not any(t.name in f[2] for t in tables[index + 1:])]
              for index in range(len(tables))}
    placed = [f for group in places.values() for f in group]
    count = 0
    for number, table in enumerate(tables, start=1):
        if table.sheet != section:
            section = table.sheet
            writer.heading(table.sheet_title)
        writer.add(table, number)
        for caption, png, _ in places[number - 1]:
            count += 1
            writer.figure(caption, png, count)
    for caption, png, _ in (f for f in figures if f not in placed):
        count += 1
        writer.figure(caption, png, count)
    _properties(document, title, lang, moment)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
