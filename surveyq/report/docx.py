"""Render appendix tables as a DOCX thesis appendix (python-docx).

Each table gets a numbered caption above it ("Tabel L.1 ...", a Word SEQ field so Word can
renumber and list the tables), a header row repeated on every page, numbers right-aligned and
printed with :func:`surveyq.report.i18n.format_number` (Indonesian ``0,861``), and a note
below naming the conventions behind the numbers.

Tables are laid out to fit the page (:mod:`surveyq.report.layout`): fixed column widths from
the content (no column narrower than its longest word, numbers never wrapped), the largest
table font that fits, a landscape section for a table too wide for portrait, and parts that
repeat the label columns ("Lanjutan Tabel L.5") for a table too wide even for landscape. Long
statements are printed as a key under the table (:attr:`Table.key`). The report's charts
follow the tables as numbered figures ("Gambar L.1 ...").
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
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.image import Image as DocxImage
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from surveyq.report.appendix import Table, caption_number, texts
from surveyq.report.i18n import LOCALES, format_number
from surveyq.report.layout import Column, Fit, fit_table, split_columns

__all__ = ["display", "document_bytes"]

LANGUAGE_TAGS = {"id": "id-ID", "en": "en-GB"}
TABLE_STYLE, NUMBER_STYLE, NOTE_STYLE = "Appendix Table", "Appendix Number", "Appendix Note"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: The document's typeface: the usual one of Indonesian theses; its widths are the metrics
#: :mod:`surveyq.report.layout` measures with.
FONT = "Times New Roman"
#: A4 with the usual Indonesian thesis margins (4 cm binding side, 3 cm elsewhere).
PAGE = (Cm(21), Cm(29.7))
MARGINS = {"left": Cm(4), "right": Cm(3), "top": Cm(3), "bottom": Cm(3)}
#: Text width of a portrait and of a landscape page, in points.
PORTRAIT_ROOM = (21 - 4 - 3) / 2.54 * 72
LANDSCAPE_ROOM = (29.7 - 4 - 3) / 2.54 * 72
#: Body rows measured per column to fit widths (a tabulation can have thousands).
SAMPLE_ROWS = 400
#: Width of a figure on the page.
FIGURE_WIDTH = Cm(14)
#: A figure drawn wider than this goes on a landscape page (charts are drawn 7 inches wide).
WIDE_FIGURE = Cm(22)


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
    """Times New Roman throughout; paragraph styles for table cells, numbers and notes."""
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(11)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), LANGUAGE_TAGS[lang])
    rpr.append(language)
    for name in ("Heading 1", "Heading 2", "Caption"):
        styles[name].font.name = FONT
    cell = styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = normal
    cell.font.size = Pt(10)
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


def _break_in_last_paragraph(document: DocumentObject) -> None:
    """Carry the section break in the paragraph before it (the table's note).

    python-docx ends a section with a paragraph of its own; after a table that fills its
    page that empty paragraph moves to a page of its own, a blank page before the turned
    one. Word keeps a section's properties in its last paragraph, so the break can sit in
    the note paragraph instead."""
    breaker = document.element.body.sectPr.getprevious()  # the w:p added by add_section
    previous = breaker.getprevious() if breaker is not None else None
    if previous is None or previous.tag != qn("w:p") or previous.pPr is not None \
            and previous.pPr.sectPr is not None or breaker.xpath("./w:r"):
        return
    previous.set_sectPr(breaker.pPr.sectPr)
    breaker.getparent().remove(breaker)


def _orient(section: Any, landscape: bool) -> None:
    """A4 portrait or landscape with the thesis margins."""
    width, height = PAGE
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    for side, margin in MARGINS.items():
        setattr(section, f"{side}_margin", margin)


def _clean(text: str) -> str:
    return _CONTROL.sub("", text)


def xml_text(text: str) -> str:
    """Text escaped for WordprocessingML, without the control characters XML cannot hold.

    >>> xml_text("a < b" + chr(7))
    'a &lt; b'
    """
    return escape(_clean(text))


def _twips(points: float) -> int:
    return round(points * 20)


def _cell(text: str, style_id: str, width: int, size: str, bold: bool = False) -> str:
    run = f"<w:rPr>{'<w:b/>' if bold else ''}{size}</w:rPr>" if bold or size else ""
    return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
            f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr><w:r>{run}'
            f'<w:t xml:space="preserve">{xml_text(text)}</w:t></w:r></w:p></w:tc>')


def _texts(frame: pd.DataFrame, formats: dict[str, str], lang: str) -> list[list[str]]:
    """Every cell as printed, column by column (by position: SPSS tables repeat "df")."""
    return [[display(value, formats.get(name), lang) for value in frame.iloc[:, index].tolist()]
            for index, name in enumerate(frame.columns)]


def _columns(frame: pd.DataFrame, texts_: list[list[str]], formats: dict[str, str]
             ) -> list[Column]:
    return [Column(str(name), tuple(body[:SAMPLE_ROWS]), number=bool(formats.get(name)))
            for name, body in zip(frame.columns, texts_, strict=True)]


def column_parts(columns: Sequence[Column], stub: int, landscape: bool = False
                 ) -> tuple[list[list[int]], Fit]:
    """Column indices of each printed part of a table, and how the parts print.

    One part when the table fits a page (portrait or landscape, at some font size; only
    landscape when the page already is); otherwise landscape parts at the smallest size,
    each repeating the ``stub`` columns.
    """
    fit = fit_table(columns, LANDSCAPE_ROOM if landscape else PORTRAIT_ROOM, LANDSCAPE_ROOM)
    if fit is not None:
        return [list(range(len(columns)))], fit
    size = 7.0
    parts = split_columns(columns, stub, LANDSCAPE_ROOM, size)
    fits = [fit_table([columns[i] for i in part], LANDSCAPE_ROOM, LANDSCAPE_ROOM, (size,))
            for part in parts]
    widest = max((f for f in fits if f), key=lambda f: f.total, default=Fit(size, True, ()))
    return parts, Fit(size, True, widest.widths)


class _Writer:
    """Adds appendix tables to a document; style ids are looked up once (lookups are slow)."""

    def __init__(self, document: DocumentObject, lang: str) -> None:
        self.document, self.lang, self.t = document, lang, texts(lang)
        names = (TABLE_STYLE, NUMBER_STYLE, NOTE_STYLE, "Caption", "Table Grid", "Heading 2")
        self.ids = {name: document.styles[name].style_id for name in names}
        self.landscape = False

    def orientation(self, landscape: bool) -> None:
        """Start a new section when the page must turn."""
        if landscape != self.landscape:
            _orient(self.document.add_section(WD_SECTION.NEW_PAGE), landscape)
            _break_in_last_paragraph(self.document)
            self.landscape = landscape

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

    def numbered(self, label: str, number: int, text: str) -> Paragraph:
        """A caption: ``Tabel L.3 text`` with the number as a SEQ field of ``label``."""
        paragraph = self.paragraph("Caption", f"{label} {self.t['caption_prefix']}")
        self.field(paragraph, f"SEQ {label} \\* ARABIC", str(number))
        paragraph.add_run(_clean(f" {text}"))
        return paragraph

    def continued(self, number: int) -> None:
        self.paragraph(NOTE_STYLE)
        text = self.t["continued"].format(number=caption_number(number, self.lang))
        paragraph = self.paragraph(NOTE_STYLE, text)
        paragraph.paragraph_format.keep_with_next = True
        paragraph.paragraph_format.space_after = Pt(3)

    def rows_xml(self, frame: pd.DataFrame, texts_: list[list[str]], formats: dict[str, str],
                 fit: Fit) -> str:
        """Header and body rows as WordprocessingML, built in one pass (python-docx's cell
        proxies take seconds for a few thousand cells)."""
        plain, number = self.ids[TABLE_STYLE], self.ids[NUMBER_STYLE]
        size = "" if fit.size == 10 else f'<w:sz w:val="{round(fit.size * 2)}"/>'
        widths = [_twips(width) for width in fit.widths]
        header = "".join(_cell(str(name), plain, width, size, bold=True)
                         for name, width in zip(frame.columns, widths, strict=True))
        rows = [f'<w:tr><w:trPr><w:cantSplit/><w:tblHeader w:val="true"/></w:trPr>'
                f"{header}</w:tr>"]
        styles = [number if formats.get(name) else plain for name in frame.columns]
        for values in zip(*texts_, strict=True):
            cells = "".join(_cell(text, style, width, size)
                            for text, style, width in zip(values, styles, widths, strict=True))
            rows.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{cells}</w:tr>")
        return f'<w:tbl {nsdecls("w")}>{"".join(rows)}</w:tbl>'

    def grid(self, frame: pd.DataFrame, formats: dict[str, str], fit: Fit,
             texts_: list[list[str]]) -> None:
        """One printed table (``texts_``: its cells as printed, column by column): fixed
        column widths, bold repeated header, numbers right."""
        grid = self.document.add_table(rows=0, cols=frame.shape[1])
        grid._tbl.tblStyle_val = self.ids["Table Grid"]
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        properties = grid._tbl.tblPr
        properties.append(parse_xml(f'<w:tblW {nsdecls("w")} w:w="{_twips(fit.total)}" '
                                    'w:type="dxa"/>'))
        properties.append(parse_xml(f'<w:tblLayout {nsdecls("w")} w:type="fixed"/>'))
        for column, width in zip(grid._tbl.tblGrid.gridCol_lst, fit.widths, strict=True):
            column.w = Pt(width)
        for row in parse_xml(self.rows_xml(frame, texts_, formats, fit)):
            grid._tbl.append(row)

    def fitted(self, frame: pd.DataFrame, formats: dict[str, str], stub: int, number: int,
               caption: Paragraph | None = None, texts_: list[list[str]] | None = None,
               columns: list[Column] | None = None) -> None:
        """A table in as many parts as the page needs, turning the page when it must.

        ``columns``, when given, are :func:`_columns` of the same table: a column measures its
        words once, however often the table is fitted."""
        if texts_ is None:
            texts_ = _texts(frame, formats, self.lang)
        if columns is None:
            columns = _columns(frame, texts_, formats)
        parts, fit = column_parts(columns, stub, self.landscape)
        for index, part in enumerate(parts):
            piece = frame.iloc[:, part]
            if len(parts) > 1:
                fit = fit_table([columns[i] for i in part], LANDSCAPE_ROOM, LANDSCAPE_ROOM,
                                (fit.size,)) or fit
            if index == 0 and caption is None:
                self.orientation(fit.landscape)
            if index:
                self.continued(number)
            self.grid(piece, formats, fit, [texts_[i] for i in part])

    def note(self, table: Table) -> None:
        paragraph = self.paragraph(NOTE_STYLE)
        if table.note:
            paragraph.add_run(f"{self.t['note_label']}: ").italic = True
            paragraph.add_run(_clean(table.note))

    def key(self, table: Table, number: int) -> None:
        """The long text columns as a key under the table, by the first column."""
        first = table.frame.columns[0]
        label = self.t["key_label"].format(item=first, number=caption_number(number, self.lang))
        paragraph = self.paragraph(NOTE_STYLE, f"{label}:")
        paragraph.paragraph_format.space_before, paragraph.paragraph_format.space_after = \
            Pt(6), Pt(3)
        paragraph.paragraph_format.keep_with_next = True
        self.fitted(table.frame[[first, *table.key]], {}, 1, number, caption=paragraph)

    def add(self, table: Table, number: int, heading: str | None = None) -> None:
        """Heading (when a new kind of table starts), caption, table (in parts when wide),
        key and note of one appendix table."""
        frame = table.frame.drop(columns=list(table.key)) if table.key else table.frame
        texts_ = _texts(frame, table.formats, self.lang)
        columns = _columns(frame, texts_, table.formats)
        _, fit = column_parts(columns, table.stub)
        self.orientation(fit.landscape)
        if heading:
            self.heading(heading)
        caption = self.numbered(self.t["caption_label"], number, table.caption)
        self.fitted(frame, table.formats, table.stub, number, caption=caption, texts_=texts_,
                    columns=columns)
        if table.key:
            self.key(table, number)
        self.note(table)

    def figure(self, title: str, png: bytes, number: int) -> None:
        """A chart as a numbered figure: the image, its caption below (thesis convention).

        A figure drawn wider than a portrait page holds (a strategy map of four objectives
        per perspective is about 10 inches) goes on a landscape page at its width there, so
        its lettering is not shrunk to half size."""
        natural = DocxImage.from_blob(png).width
        wide = natural > WIDE_FIGURE
        self.orientation(wide)
        width = min(natural, Pt(LANDSCAPE_ROOM)) if wide else FIGURE_WIDTH
        # what Document.add_picture does, keeping the paragraph: document.paragraphs lists
        # every paragraph of the body each time it is read
        picture = self.document.add_paragraph()
        picture.add_run().add_picture(io.BytesIO(png), width=width)
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.paragraph_format.keep_with_next = True
        caption = self.numbered(self.t["figure_label"], number, title)
        caption.paragraph_format.keep_with_next = False

    def heading(self, text: str) -> None:
        self.paragraph("Heading 2", text)


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
        the named types; those naming none (the report's charts) follow the tables.
    """
    document = Document()
    _orient(document.sections[0], False)
    _styles(document, lang)
    document.add_heading(_clean(title), level=1)
    writer, section = _Writer(document, lang), None
    places = {index: [f for f in figures if tables[index].name in f[2]
                      and not any(t.name in f[2] for t in tables[index + 1:])]
              for index in range(len(tables))}
    placed = [f for group in places.values() for f in group]
    count = 0
    for number, table in enumerate(tables, start=1):
        heading = table.sheet_title if table.sheet != section else None
        section = table.sheet
        writer.add(table, number, heading)
        for caption, png, _ in places[number - 1]:
            count += 1
            writer.figure(caption, png, count)
    rest = [f for f in figures if f not in placed]
    if rest:
        writer.orientation(False)
        writer.heading(writer.t["figures_heading"])
    for caption, png, _ in rest:
        count += 1
        writer.figure(caption, png, count)
    _properties(document, title, lang, moment)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
