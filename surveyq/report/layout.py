"""Column widths, font size and orientation of a printed table (the Word appendix).

A word processor wraps a cell's text at spaces; a column narrower than its longest word
splits that word ("Keteranga|n"). :func:`fit_table` therefore gives every column at least
its longest word (header in bold, body in regular) plus the cell margins, numbers their
whole printed width (a number never wraps), and shares what is left of the page between the
columns that want more, in proportion to what they want. It tries the table font sizes from
large to small on a portrait page, then on a landscape page; when even the smallest size on
landscape does not fit, :func:`split_columns` cuts the table into parts that do.

Text is measured with the Adobe font metrics of Times Roman and Times Bold that matplotlib
ships (``mpl-data/fonts/afm``): the document is set in Times New Roman, whose widths are
those of Times (and of Liberation Serif, LibreOffice's metric-compatible substitute), so the
widths are the same on every machine without reading a system font.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache

from surveyq.report.svgchart import matplotlib_fonts

__all__ = ["FONT_SIZES", "Fit", "fit_table", "split_columns", "text_width"]

#: Table font sizes tried, largest first (points).
FONT_SIZES = (10.0, 9.0, 8.0, 7.0)
#: Smallest size tried on portrait: below it a landscape page is the better read.
READABLE = 8.0
#: Left plus right cell margin of Word's default table style (0.19 cm each), in points.
CELL_PADDING = 10.8
#: Width of a character the metrics do not list (in 1/1000 em; Times' "n" is 500).
UNKNOWN_WIDTH = 600
#: Words are measured a little wide: renderers differ by a few per cent in kerning.
SAFETY = 1.06
_WORD = re.compile(r"\S+")


@cache
def _metrics(bold: bool) -> dict[str, int]:
    """Character -> advance width (1/1000 em) from an AFM file (codes 32-126 and Latin-1)."""
    name = "ptmb8a.afm" if bold else "ptmr8a.afm"
    path = matplotlib_fonts().parent / "afm" / name
    widths: dict[str, int] = {}
    by_name: dict[str, int] = {}
    for line in path.read_text("latin-1").splitlines():
        if not line.startswith("C "):
            continue
        fields = dict(part.strip().split(" ", 1) for part in line.split(";") if part.strip())
        code, width, glyph = int(fields["C"]), int(fields["WX"]), fields.get("N", "")
        by_name[glyph] = width
        if 32 <= code <= 126:
            widths[chr(code)] = width
    # Glyphs a table prints that the standard encoding puts elsewhere.
    for char, glyph in (("'", "quotesingle"), ("`", "grave"), ("–", "endash"),
                        ("—", "emdash"), ("’", "quoteright"), ("é", "eacute"),
                        ("×", "multiply"), ("±", "plusminus"), ("·", "periodcentered")):
        if glyph in by_name:
            widths[char] = by_name[glyph]
    return widths


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Printed width of ``text`` in points at ``size`` (Times metrics).

    >>> round(text_width("Keterangan", 10), 1), round(text_width("Keterangan", 10, True), 1)
    (46.1, 50.5)
    """
    return _units(text, bold) * size / 1000


@lru_cache(maxsize=1 << 16)
def _units(text: str, bold: bool) -> int:
    """Width of ``text`` in 1/1000 em (a width scales with the font size, so a table tried
    at four sizes measures each word once)."""
    widths = _metrics(bold)
    return sum(widths.get(char, UNKNOWN_WIDTH) for char in text)


def _longest_word(texts: Sequence[str], bold: bool) -> int:
    # each distinct text once: a column of numbers or answers repeats a few texts
    return max((_units(word, bold) for text in set(texts) for word in _WORD.findall(text)),
               default=0)


def _longest_line(texts: Sequence[str], bold: bool) -> int:
    return max((_units(line, bold) for text in set(texts) for line in text.splitlines()),
               default=0)


@dataclass(frozen=True)
class Column:
    """What one column prints: its header, its body texts, and whether they are numbers."""

    header: str
    body: tuple[str, ...]
    number: bool = False

    def least(self, size: float) -> float:
        """Narrowest width (points) that splits no word and wraps no number."""
        return SAFETY * (self._least_units * size / 1000) + CELL_PADDING

    def most(self, size: float) -> float:
        """Width (points) at which nothing in the column wraps."""
        return SAFETY * (self._most_units * size / 1000) + CELL_PADDING

    @cached_property
    def _least_units(self) -> int:
        body = (_longest_line if self.number else _longest_word)(self.body, False)
        return max(_longest_word([self.header], True), body)

    @cached_property
    def _most_units(self) -> int:
        return max(_longest_line([self.header], True), _longest_line(self.body, False))


@dataclass(frozen=True)
class Fit:
    """How a table prints: font size (pt), landscape or not, and column widths (pt)."""

    size: float
    landscape: bool
    widths: tuple[float, ...]

    @property
    def total(self) -> float:
        return sum(self.widths)


def _share(columns: Sequence[Column], size: float, room: float) -> tuple[float, ...]:
    """Each column its least width, then the rest shared in proportion to what each wants."""
    least = [column.least(size) for column in columns]
    wants = [max(column.most(size) - low, 0.0) for column, low in zip(columns, least,
                                                                        strict=True)]
    spare, wanted = room - sum(least), sum(wants)
    if wanted <= spare or wanted == 0:
        return tuple(low + want for low, want in zip(least, wants, strict=True))
    return tuple(low + spare * want / wanted for low, want in zip(least, wants, strict=True))


def fit_table(columns: Sequence[Column], portrait: float, landscape: float,
              sizes: Sequence[float] = FONT_SIZES) -> Fit | None:
    """The largest font on portrait (down to :data:`READABLE`), else on landscape, at which
    no column splits a word.

    Parameters
    ----------
    columns : sequence of Column
        The table's columns in print order.
    portrait, landscape : float
        Text width (points) of a portrait and of a landscape page.
    sizes : sequence of float
        Font sizes to try, largest first.

    Returns
    -------
    Fit or None
        None when the table does not fit even landscape at the smallest size.

    Examples
    --------
    >>> narrow = [Column("Butir", ("P1",)), Column("N", ("150",), number=True)]
    >>> fit = fit_table(narrow, portrait=400, landscape=640)
    >>> fit.size, fit.landscape, fit.total < 100
    (10.0, False, True)
    """
    readable = [size for size in sizes if size >= READABLE] or list(sizes[:1])
    small = [size for size in sizes if size not in readable]
    tries = ([(False, portrait, size) for size in readable]
             + [(True, landscape, size) for size in readable + small])
    for is_landscape, room, size in tries:
        if sum(column.least(size) for column in columns) <= room:
            return Fit(size, is_landscape, _share(columns, size, room))
    return None


def split_columns(columns: Sequence[Column], stub: int, room: float, size: float
                  ) -> list[list[int]]:
    """Column indices of each part of a table too wide for one page.

    Each part repeats the first ``stub`` columns and takes as many of the others as fit in
    ``room`` points at ``size``.

    >>> columns = [Column("Baris", ("1",))] + [Column(f"P{i}", ("5",)) for i in range(30)]
    >>> [len(part) for part in split_columns(columns, 1, 200, 10)]
    [8, 7, 6, 6, 6, 3]
    """
    stub = min(stub, len(columns) - 1)
    head = list(range(stub))
    used = sum(columns[i].least(size) for i in head)
    parts, current, width = [], list(head), used
    for index in range(stub, len(columns)):
        need = columns[index].least(size)
        if len(current) > stub and width + need > room:
            parts.append(current)
            current, width = list(head), used
        current.append(index)
        width += need
    parts.append(current)
    return parts
