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
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.image import Image as DocxImage
from docx.opc.oxml import serialize_part_xml
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.shape import CT_Inline
from docx.shared import Cm, Pt, RGBColor
from lxml import etree

from surveyq.report.appendix import Table, caption_number, dated_zip, print_key, texts
from surveyq.report.i18n import LOCALES, format_number
from surveyq.report.layout import Column, Fit, fit_table, split_columns

__all__ = ["display", "document_bytes"]

LANGUAGE_TAGS = {"id": "id-ID", "en": "en-GB"}
TABLE_STYLE, NUMBER_STYLE, NOTE_STYLE = "Appendix Table", "Appendix Number", "Appendix Note"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CARRIAGE_RETURN = {"\r": "&#13;"}
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
    """Text escaped for WordprocessingML as lxml writes it (a carriage return as a character
    reference), without the control characters XML cannot hold.

    >>> xml_text("a < b" + chr(7) + chr(13))
    'a &lt; b&#13;'
    """
    return escape(_clean(text), _CARRIAGE_RETURN)


def _twips(points: float) -> int:
    return round(points * 20)


def _cell(text: str, style_id: str, width: int, size: str, bold: bool = False) -> str:
    run = f"<w:rPr>{'<w:b/>' if bold else ''}{size}</w:rPr>" if bold or size else ""
    content = xml_text(text)
    text_element = (f'<w:t xml:space="preserve">{content}</w:t>' if content
                    else '<w:t xml:space="preserve"/>')
    return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
            f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr><w:r>{run}'
            f'{text_element}</w:r></w:p></w:tc>')


_RUN_BREAKS = re.compile(r"([\t\r\n])")


def _run(text: str, properties: str = "") -> str:
    """A ``w:r`` of ``text`` as python-docx's ``Run.text`` writes it: a tab as ``w:tab``, a
    line break or carriage return as ``w:br``, the rest in ``w:t`` elements that keep their
    outer spaces (``xml:space="preserve"``); control characters XML cannot hold dropped.

    >>> _run("a" + chr(9) + "b ", "<w:i/>")
    '<w:r><w:rPr><w:i/></w:rPr><w:t>a</w:t><w:tab/><w:t xml:space="preserve">b </w:t></w:r>'
    """
    content = []
    for piece in _RUN_BREAKS.split(_clean(text)):
        if piece == "\t":
            content.append("<w:tab/>")
        elif piece in ("\r", "\n"):
            content.append("<w:br/>")
        elif piece:
            space = ' xml:space="preserve"' if len(piece.strip()) < len(piece) else ""
            content.append(f"<w:t{space}>{escape(piece)}</w:t>")
    if properties:
        content.insert(0, f"<w:rPr>{properties}</w:rPr>")
    return f"<w:r>{''.join(content)}</w:r>" if content else "<w:r/>"


def _texts(frame: pd.DataFrame, formats: dict[str, str], lang: str) -> list[list[str]]:
    """Every cell as printed, column by column (by position: SPSS tables repeat "df")."""
    return [_printed(column, formats.get(name), lang) for name, column in frame.items()]


def _printed(column: pd.Series, fmt: str | None, lang: str) -> list[str]:
    """A column's cells as printed; a column of numbers prints each distinct value once (an
    item matrix holds thousands of cells of a handful of answers)."""
    values = column.tolist()
    if column.dtype.kind not in "iuf":  # text and mixed cells: each its own
        return [display(value, fmt, lang) for value in values]
    printed: dict[Any, str] = {}
    texts_ = []
    for value in values:
        key = print_key(value)
        text = printed.get(key)
        if text is None:
            text = printed[key] = display(value, fmt, lang)
        texts_.append(text)
    return texts_


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


#: The picture paragraph python-docx's ``add_picture`` writes (centred, kept with its caption).
_PICTURE = ('<w:p><w:pPr><w:keepNext/><w:jc w:val="center"/></w:pPr>'
            "<w:r><w:drawing>{drawing}</w:drawing></w:r></w:p>")


class _Writer:
    """Writes the appendix's body as WordprocessingML text: word/document.xml is python-docx's
    document with this text for its body.

    python-docx's paragraph, run and table proxies find their place in the body child by
    child, and its picture ids search the whole body (``//@id``) for each picture: for the
    demo's 118 tables that was about half of the Word appendix's time (cProfile,
    2026-12-03). Parsing the text into the document instead cost as much again (lxml
    parsing, moving and serialising 4 MB of XML), so the text is the part itself. It is
    written as lxml serialises what python-docx builds (empty elements closed, a carriage
    return as ``&#13;``), so the file is byte for byte what python-docx wrote; this class and
    :func:`_run`, :func:`_cell` and :func:`xml_text` are the only places that write it.
    Styles, section properties and pictures stay python-docx's (the body's ``w:sectPr``, its
    copies that end sections, the image parts and their inline drawings), written here as
    lxml writes them inside the document.
    """

    def __init__(self, document: DocumentObject, lang: str) -> None:
        self.document, self.lang, self.t = document, lang, texts(lang)
        names = (TABLE_STYLE, NUMBER_STYLE, NOTE_STYLE, "Caption", "Table Grid", "Heading 1",
                 "Heading 2")
        self.ids = {name: document.styles[name].style_id for name in names}
        self.landscape = False
        self.blocks: list[str] = []
        self.breaks: set[int] = set()  # blocks that end a section
        self.section = document.sections[-1]  # the last section's (the body's) properties
        self.shape_id = document.part.next_id

    def in_document(self, element: Any) -> str:
        """A python-docx element as lxml writes it inside the document: without the
        namespace declarations the document element already makes."""
        head, rest = etree.tostring(element, encoding="unicode").split(">", 1)
        for prefix, uri in self.document.element.nsmap.items():
            head = head.replace(f' xmlns:{prefix}="{uri}"', "")
        return f"{head}>{rest}"

    def orientation(self, landscape: bool) -> None:
        """Start a new section when the page must turn.

        As ``Document.add_section`` does, the section so far keeps a copy of the body's
        section properties and the body's take the new page. The copy goes at the end of the
        last paragraph's properties (Word keeps a section's properties in its last
        paragraph): python-docx's own paragraph for it would fall on a page of its own after
        a table that fills its page, a blank page before the turned one. After a table, or a
        paragraph that already ends a section, it takes an empty paragraph."""
        if landscape == self.landscape:
            return
        properties = self.in_document(self.section._sectPr.clone())
        last = len(self.blocks) - 1
        if last < 0 or not self.blocks[last].startswith("<w:p>") or last in self.breaks:
            self.blocks.append(f"<w:p><w:pPr>{properties}</w:pPr></w:p>")
            last += 1
        else:  # every paragraph written here has its w:pPr
            self.blocks[last] = self.blocks[last].replace("</w:pPr>", f"{properties}</w:pPr>", 1)
        self.breaks.add(last)
        self.section.start_type = WD_SECTION.NEW_PAGE
        _orient(self.section, landscape)
        self.landscape = landscape

    def paragraph(self, style: str, text: str = "", properties: str = "",
                  runs: str = "") -> None:
        """A paragraph of ``style`` holding ``text`` (then ``runs``); ``properties`` follow
        the style in its ``w:pPr`` (in schema order)."""
        first = _run(text) if text else ""
        self.blocks.append(f'<w:p><w:pPr><w:pStyle w:val="{self.ids[style]}"/>{properties}'
                           f"</w:pPr>{first}{runs}</w:p>")

    def numbered(self, label: str, number: int, text: str, properties: str = "") -> None:
        """A caption: ``Tabel L.3 text`` with the number as a SEQ field of ``label`` (Word
        shows ``number`` until it updates the field)."""
        instruction = xml_text(f" SEQ {label} \\* ARABIC ")
        field = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                 f'<w:r><w:instrText xml:space="preserve">{instruction}</w:instrText></w:r>'
                 '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
                 f'{_run(str(number))}<w:r><w:fldChar w:fldCharType="end"/></w:r>')
        self.paragraph("Caption", f"{label} {self.t['caption_prefix']}", properties,
                       field + _run(f" {text}"))

    def continued(self, number: int) -> None:
        self.paragraph(NOTE_STYLE)
        text = self.t["continued"].format(number=caption_number(number, self.lang))
        self.paragraph(NOTE_STYLE, text, f'<w:keepNext/><w:spacing w:after="{Pt(3).twips}"/>')

    def rows_xml(self, names: Sequence[Any], texts_: list[list[str]], formats: dict[str, str],
                 fit: Fit) -> str:
        """Header and body rows as WordprocessingML, built in one pass (python-docx's cell
        proxies take seconds for a few thousand cells)."""
        plain, number = self.ids[TABLE_STYLE], self.ids[NUMBER_STYLE]
        size = "" if fit.size == 10 else f'<w:sz w:val="{round(fit.size * 2)}"/>'
        widths = [_twips(width) for width in fit.widths]
        header = "".join(_cell(str(name), plain, width, size, bold=True)
                         for name, width in zip(names, widths, strict=True))
        rows = [f'<w:tr><w:trPr><w:cantSplit/><w:tblHeader w:val="true"/></w:trPr>'
                f"{header}</w:tr>"]
        styles = [number if formats.get(name) else plain for name in names]
        written: dict[tuple[str, str, int], str] = {}  # a cell repeated is written once
        for values in zip(*texts_, strict=True):
            cells = []
            for key in zip(values, styles, widths, strict=True):
                cell = written.get(key)
                if cell is None:
                    cell = written[key] = _cell(*key, size)
                cells.append(cell)
            rows.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{''.join(cells)}</w:tr>")
        return "".join(rows)

    def grid(self, names: Sequence[Any], formats: dict[str, str], fit: Fit,
             texts_: list[list[str]]) -> None:
        """One printed table (``names``: its columns, ``texts_``: its cells as printed,
        column by column): fixed column widths, bold repeated header, numbers right.

        The table properties are those ``Document.add_table`` writes (its automatic width
        and look), with the grid style, centring, the fixed width and layout set after."""
        columns = "".join(f'<w:gridCol w:w="{Pt(width).twips}"/>' for width in fit.widths)
        self.blocks.append(
            f'<w:tbl><w:tblPr><w:tblStyle w:val="{self.ids["Table Grid"]}"/>'
            '<w:tblW w:type="auto" w:w="0"/><w:jc w:val="center"/>'
            '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" '
            'w:noHBand="0" w:noVBand="1" w:val="04A0"/>'
            f'<w:tblW w:w="{_twips(fit.total)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
            f"</w:tblPr><w:tblGrid>{columns}</w:tblGrid>"
            f"{self.rows_xml(names, texts_, formats, fit)}</w:tbl>")

    def fitted(self, frame: pd.DataFrame, formats: dict[str, str], stub: int, number: int,
               placed: bool = False, texts_: list[list[str]] | None = None,
               columns: list[Column] | None = None,
               layout: tuple[list[list[int]], Fit] | None = None) -> None:
        """A table in as many parts as the page needs, turning the page when it must (not
        when its caption is already ``placed``).

        ``columns``, when given, are :func:`_columns` of the same table: a column measures its
        words once, however often the table is fitted. ``layout``, when given, is
        :func:`column_parts` of them on the page the table starts on (fitting is a third of
        the tables' time)."""
        if texts_ is None:
            texts_ = _texts(frame, formats, self.lang)
        if columns is None:
            columns = _columns(frame, texts_, formats)
        parts, fit = layout or column_parts(columns, stub, self.landscape)
        names = list(frame.columns)
        for index, part in enumerate(parts):
            if len(parts) > 1:
                fit = fit_table([columns[i] for i in part], LANDSCAPE_ROOM, LANDSCAPE_ROOM,
                                (fit.size,)) or fit
            if index == 0 and not placed:
                self.orientation(fit.landscape)
            if index:
                self.continued(number)
            self.grid([names[i] for i in part], formats, fit, [texts_[i] for i in part])

    def note(self, table: Table) -> None:
        label = _run(f"{self.t['note_label']}: ", "<w:i/>") + _run(table.note) \
            if table.note else ""
        self.paragraph(NOTE_STYLE, runs=label)

    def key(self, table: Table, number: int) -> None:
        """The long text columns as a key under the table, by the first column."""
        first = table.frame.columns[0]
        label = self.t["key_label"].format(item=first, number=caption_number(number, self.lang))
        self.paragraph(NOTE_STYLE, f"{label}:", '<w:keepNext/><w:spacing '
                       f'w:before="{Pt(6).twips}" w:after="{Pt(3).twips}"/>')
        self.fitted(table.frame[[first, *table.key]], {}, 1, number, placed=True)

    def add(self, table: Table, number: int, heading: str | None = None) -> None:
        """Heading (when a new kind of table starts), caption, table (in parts when wide),
        key and note of one appendix table."""
        frame = table.frame.drop(columns=list(table.key)) if table.key else table.frame
        texts_ = _texts(frame, table.formats, self.lang)
        columns = _columns(frame, texts_, table.formats)
        # fitted on portrait first, it fits the same on the landscape page it may turn to:
        # the same size and widths (column_parts tries landscape room only after portrait)
        layout = column_parts(columns, table.stub)
        self.orientation(layout[1].landscape)
        if heading:
            self.heading(heading)
        self.numbered(self.t["caption_label"], number, table.caption)
        self.fitted(frame, table.formats, table.stub, number, placed=True, texts_=texts_,
                    columns=columns, layout=layout)
        if table.key:
            self.key(table, number)
        self.note(table)

    def figure(self, title: str, png: bytes, number: int) -> None:
        """A chart as a numbered figure: the image, its caption below (thesis convention).

        A figure drawn wider than a portrait page holds (a strategy map of four objectives
        per perspective is about 10 inches) goes on a landscape page at its width there, so
        its lettering is not shrunk to half size.

        The picture is what ``Run.add_picture`` adds (the image part, its size, an inline
        drawing), with the shape ids counted here: python-docx finds the next id by
        searching the whole body for ids, each time."""
        natural = DocxImage.from_blob(png).width
        wide = natural > WIDE_FIGURE
        self.orientation(wide)
        width = min(natural, Pt(LANDSCAPE_ROOM)) if wide else FIGURE_WIDTH
        relation, image = self.document.part.get_or_add_image(io.BytesIO(png))
        cx, cy = image.scaled_dimensions(width, None)
        inline = CT_Inline.new_pic_inline(self.shape_id, relation, image.filename, cx, cy)
        self.shape_id += 1
        self.blocks.append(_PICTURE.format(drawing=self.in_document(inline)))
        self.numbered(self.t["figure_label"], number, title, '<w:keepNext w:val="0"/>')

    def heading(self, text: str, level: int = 2) -> None:
        self.paragraph(f"Heading {level}", text)

    def finish(self) -> bytes:
        """word/document.xml: python-docx's document (holding only the body's section
        properties) with the blocks at the start of its body."""
        head, tail = serialize_part_xml(self.document.element).split(b"<w:body>", 1)
        return b"".join((head, b"<w:body>", "".join(self.blocks).encode(), tail))


def _properties(document: DocumentObject, title: str, lang: str, moment: datetime) -> None:
    core = document.core_properties
    core.title, core.author, core.last_modified_by = title, "surveyq", "surveyq"
    core.created = core.modified = core.last_printed = moment
    core.revision, core.language = 1, LANGUAGE_TAGS[lang]
    core.subject, core.keywords, core.comments = texts(lang)["document_title"], "surveyq", ""


def document_bytes(tables: Sequence[Table], title: str, lang: str, moment: datetime,
                   figures: Sequence[tuple[str, bytes, tuple[str, ...]]] = ()) -> bytes:
    """The appendix document as bytes (a zip whose entries are dated ``moment``).

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
    writer, section = _Writer(document, lang), None
    writer.heading(title, level=1)
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
    body = writer.finish()
    _properties(document, title, lang, moment)
    return dated_zip(_entries(document, {document.part.partname.membername: body}), moment)


class _Entries:
    """python-docx's physical package writer interface (``write``, ``close``), keeping the
    entries in memory in the order python-docx writes them."""

    def __init__(self, replaced: dict[str, bytes]) -> None:
        self.replaced = replaced
        self.entries: list[tuple[str, bytes]] = []

    def write(self, pack_uri: Any, blob: bytes) -> None:
        name = pack_uri.membername
        self.entries.append((name, self.replaced.get(name, blob)))

    def close(self) -> None:
        """Nothing to flush."""


def _entries(document: DocumentObject, replaced: dict[str, bytes]) -> list[tuple[str, bytes]]:
    """The package's entries as ``Document.save`` writes them (``replaced`` giving some new
    contents by name), uncompressed: its zip writer deflated every part, which
    :func:`~surveyq.report.appendix.dated_zip` then had to inflate and deflate again."""
    package = document.part.package
    for part in package.parts:  # as OpcPackage.save
        part.before_marshal()
    out = _Entries(replaced)
    PackageWriter._write_content_types_stream(out, package.parts)
    PackageWriter._write_pkg_rels(out, package.rels)
    PackageWriter._write_parts(out, package.parts)
    return out.entries
