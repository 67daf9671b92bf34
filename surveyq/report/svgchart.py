"""Charts drawn directly: SVG for the report, PNG for the Word appendix.

The report's charts (Likert bars, SERVQUAL gaps, element values, profiles, scorecard
perspectives, the trends and the IPA map) are rectangles, lines, dots and text on a fixed
layout: the margins follow from the measured labels, the legend block and the title (the
fixed layout :mod:`surveyq.report.charts` used to give matplotlib). matplotlib built a tree
of artists, transforms and tick objects for each chart and laid every string out again:
60-350 ms a chart in SVG and again for the Word appendix's PNG, most of the demo's
documents. A :class:`Drawing` records the shapes once and writes them as SVG
(:meth:`Drawing.to_svg`, a few milliseconds) or paints them with Pillow
(:meth:`Drawing.to_png`), so the report and the Word appendix show one drawing. Pillow is
the rasteriser (text through FreeType, as matplotlib's Agg); what is written here is the
layout, which the charts computed themselves already.

Text is measured with the font files the SVG names (DejaVu Sans, which matplotlib ships,
then Noto Sans CJK for characters DejaVu lacks, where installed) through Pillow's FreeType
advances, without kerning. Coordinates are points (the ``viewBox`` is the figure in points,
as in matplotlib's SVG), origin top left.
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import numpy as np

#: Font size of category and tick labels (matplotlib's 9 pt of the charts' style).
SIZE = 9.0
#: Points of white around the plot.
GAP = 6.0
#: Tick marks: length, label pad, line width (matplotlib's defaults).
TICK, PAD, LINE = 3.5, 3.5, 0.8
SPINE = "#555555"
INK = "#222222"
#: Share of a text's width left of its anchor point.
_ANCHOR_SHARE = {"start": 0.0, "middle": 0.5, "end": 1.0}
#: Baseline below the middle of a line of text, in em (DejaVu Sans' cap height is 0.73 em).
MIDDLE = 0.36
LEADING = 1.2
#: Points between an axis' label and its tick labels (matplotlib's ``axes.labelpad``).
LABEL_PAD = 4.0


# --------------------------------------------------------------------------- fonts


def matplotlib_fonts() -> Path:
    """matplotlib's bundled TrueType fonts (``mpl-data/fonts/ttf``), found without importing
    matplotlib (0.1 s)."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("matplotlib is not installed (it ships the charts' DejaVu Sans)")
    return Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"


@cache
def dejavu(bold: bool = False) -> str:
    """Path of DejaVu Sans (regular or bold)."""
    return str(matplotlib_fonts() / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"))


@cache
def _face(path: str) -> Any:
    from PIL import ImageFont

    # basic layout: advances without shaping, the same on every machine
    return ImageFont.truetype(path, 1000, layout_engine=ImageFont.Layout.BASIC)


@cache
def covered(path: str) -> frozenset[int]:
    """Code points the font file has glyphs for."""
    from fontTools.ttLib import TTCollection, TTFont

    if path.endswith(".ttc"):
        font = TTCollection(path, lazy=True).fonts[0]
    else:
        font = TTFont(path, lazy=True)
    return frozenset(font.getBestCmap())


@dataclass(frozen=True)
class Fonts:
    """The font list of a chart: ``(family, regular file, bold file)``, first match wins."""

    faces: tuple[tuple[str, str, str], ...]

    @property
    def family(self) -> str:
        return ", ".join([name for name, *_ in self.faces] + ["sans-serif"])

    def width(self, text: str, size: float, bold: bool = False) -> float:
        """Advance width of one line of ``text`` in points (a character no font has takes
        the first font's missing-glyph box)."""
        total = 0.0
        for run, path in self.runs(text, bold):
            total += _face(path).getlength(run)
        return total * size / 1000

    def missing(self, text: str) -> set[str]:
        """Characters of ``text`` no font of the list has."""
        return {char for char in set(text) if char.isprintable() and not char.isspace()
                and not any(ord(char) in covered(regular) for _, regular, _ in self.faces)}

    def runs(self, text: str, bold: bool) -> list[tuple[str, str]]:
        """``text`` cut into runs of one font file each: ``(characters, file)``."""
        first = self.faces[0][2 if bold else 1]
        if text.isascii():  # DejaVu Sans has every ASCII character
            return [(text, first)] if text else []
        runs: list[tuple[str, str]] = []
        for char in text:
            path = next((b if bold else r for _, r, b in self.faces if ord(char) in covered(r)),
                        first)
            if runs and runs[-1][1] == path:
                runs[-1] = (runs[-1][0] + char, path)
            else:
                runs.append((char, path))
        return runs


# --------------------------------------------------------------------------- drawing


def _num(value: float) -> str:
    """A coordinate with at most 2 decimals (``12``, ``12.5``, ``12.34``)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _colour(colour: str) -> str:
    """Hex colours in lower case, as matplotlib writes them (names stay as they are)."""
    return colour.lower() if colour.startswith("#") else colour


def _fill_style(fill: str, stroke: str | None, stroke_width: float, opacity: float = 1.0
                ) -> str:
    """The style attribute of a filled shape, with its outline when it has one."""
    style = f"fill: {_colour(fill)}"
    if opacity < 1:
        style += f"; fill-opacity: {opacity:g}"
    if stroke and stroke_width:
        style += f"; stroke: {_colour(stroke)}; stroke-width: {stroke_width:g}"
    return style


def _path(points: Sequence[tuple[float, float]]) -> str:
    """SVG path data through ``points``."""
    return "M " + " L ".join(f"{_num(x)} {_num(y)}" for x, y in points)


@dataclass(frozen=True)
class _Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    stroke: str | None
    stroke_width: float
    opacity: float
    radius: float = 0.0  # of rounded corners

    def svg(self) -> str:
        style = _fill_style(self.fill, self.stroke, self.stroke_width, self.opacity)
        corners = f' rx="{_num(self.radius)}"' if self.radius else ""
        return (f'<rect x="{_num(self.x)}" y="{_num(self.y)}" width="{_num(self.w)}" '
                f'height="{_num(self.h)}"{corners} style="{style}"/>')

    def paint(self, canvas: _Raster) -> None:
        box = canvas.box(self.x, self.y, self.x + self.w, self.y + self.h)
        radius = round(self.radius * canvas.scale)
        canvas.draw.rounded_rectangle(box, radius,
                                      fill=canvas.rgb(self.fill, round(255 * self.opacity)))
        if self.stroke and self.stroke_width:
            # Pillow draws an outline inside the box, SVG strokes on the edge: widen the box
            # by half the stroke so neighbouring cells share one line, as in the SVG
            half = self.stroke_width / 2
            canvas.draw.rounded_rectangle(
                canvas.box(self.x - half, self.y - half, self.x + self.w + half,
                           self.y + self.h + half), radius, outline=canvas.rgb(self.stroke),
                width=canvas.pixels(self.stroke_width))


@dataclass(frozen=True)
class _Line:
    x1: float
    y1: float
    x2: float
    y2: float
    colour: str
    width: float
    dash: tuple[float, float] | None

    def svg(self) -> str:
        style = f"stroke: {_colour(self.colour)}; stroke-width: {self.width:g}"
        if self.dash:
            style += f"; stroke-dasharray: {self.dash[0]:g} {self.dash[1]:g}"
        return f'<path d="{_path(((self.x1, self.y1), (self.x2, self.y2)))}" style="{style}"/>'

    def paint(self, canvas: _Raster) -> None:
        length = math.hypot(self.x2 - self.x1, self.y2 - self.y1)
        on, off = self.dash or (length, 0.0)
        start = 0.0
        while start < length:  # Pillow draws no dashes: one segment per dash
            end = min(start + on, length)
            canvas.draw.line([self._at(canvas, start / length), self._at(canvas, end / length)],
                             fill=canvas.rgb(self.colour), width=canvas.pixels(self.width))
            start = end + off

    def _at(self, canvas: _Raster, share: float) -> tuple[float, float]:
        return canvas.point(self.x1 + share * (self.x2 - self.x1),
                            self.y1 + share * (self.y2 - self.y1))


@dataclass(frozen=True)
class _Circle:
    x: float
    y: float
    radius: float
    fill: str
    stroke: str | None
    stroke_width: float

    def svg(self) -> str:
        style = _fill_style(self.fill, self.stroke, self.stroke_width)
        return (f'<circle cx="{_num(self.x)}" cy="{_num(self.y)}" r="{_num(self.radius)}" '
                f'style="{style}"/>')

    def paint(self, canvas: _Raster) -> None:
        x, y = canvas.point(self.x, self.y)
        r = self.radius * canvas.scale
        outline = canvas.rgb(self.stroke) if self.stroke and self.stroke_width else None
        canvas.draw.ellipse((x - r, y - r, x + r, y + r), fill=canvas.rgb(self.fill),
                            outline=outline, width=canvas.pixels(self.stroke_width))


@dataclass(frozen=True)
class _Polyline:
    points: tuple[tuple[float, float], ...]
    colour: str
    width: float

    def svg(self) -> str:
        return (f'<path d="{_path(self.points)}" style="fill: none; '
                f'stroke: {_colour(self.colour)}; stroke-width: {self.width:g}; '
                'stroke-linejoin: round; stroke-linecap: round"/>')

    def paint(self, canvas: _Raster) -> None:
        canvas.draw.line([canvas.point(x, y) for x, y in self.points],
                         fill=canvas.rgb(self.colour), width=canvas.pixels(self.width),
                         joint="curve")


@dataclass(frozen=True)
class _Polygon:
    points: tuple[tuple[float, float], ...]
    fill: str

    def svg(self) -> str:
        return f'<path d="{_path(self.points)} Z" style="fill: {_colour(self.fill)}"/>'

    def paint(self, canvas: _Raster) -> None:
        canvas.draw.polygon([canvas.point(x, y) for x, y in self.points],
                            fill=canvas.rgb(self.fill))


@dataclass(frozen=True)
class _Text:
    x: float
    y: float  # baseline
    line: str
    size: float
    anchor: str
    bold: bool
    colour: str
    upright: bool = False  # turned a quarter anticlockwise about (x, y), read bottom to top

    def svg(self) -> str:
        weight = ' font-weight="bold"' if self.bold else ""
        turn = (f' transform="rotate(-90 {_num(self.x)} {_num(self.y)})"' if self.upright
                else "")
        return (f'<text x="{_num(self.x)}" y="{_num(self.y)}" font-size="{self.size:g}" '
                f'text-anchor="{self.anchor}"{weight}{turn} '
                f'style="fill: {_colour(self.colour)}">{escape(self.line)}</text>')

    def paint(self, canvas: _Raster) -> None:
        runs = canvas.fonts.runs(self.line, self.bold)
        pixels = round(self.size * canvas.scale * 4) / 4
        # measured at the size drawn: FreeType's hinted advances, not the scaled outline's
        widths = [_sized(path, pixels).getlength(run) for run, path in runs]
        shift = _ANCHOR_SHARE[self.anchor] * sum(widths)
        if self.upright:
            self._paint_upright(canvas, runs, widths, pixels, shift)
            return
        x = self.x * canvas.scale - shift
        for (run, path), width in zip(runs, widths, strict=True):
            canvas.draw.text((x, self.y * canvas.scale), run, fill=canvas.rgb(self.colour),
                             font=_sized(path, pixels), anchor="ls")
            x += width

    def _paint_upright(self, canvas: _Raster, runs: list[tuple[str, str]],
                       widths: list[float], pixels: float, shift: float) -> None:
        """Draw the line level on a clear strip, turn it and lay it on the canvas."""
        from PIL import Image, ImageDraw

        ascent = round(1.2 * pixels)
        strip = Image.new("RGBA", (max(1, math.ceil(sum(widths))), round(1.5 * pixels)))
        pen, x = ImageDraw.Draw(strip), 0.0
        for (run, path), width in zip(runs, widths, strict=True):
            pen.text((x, ascent), run, fill=canvas.rgb(self.colour),
                     font=_sized(path, pixels), anchor="ls")
            x += width
        turned = strip.rotate(90, expand=True)  # the strip's baseline ends up at its right
        left = round(self.x * canvas.scale) - ascent
        top = round(self.y * canvas.scale - turned.height + shift)
        canvas.image.paste(turned, (left, top), turned)


@cache
def _sized(path: str, pixels: float) -> Any:
    from PIL import ImageFont

    return ImageFont.truetype(path, pixels, layout_engine=ImageFont.Layout.BASIC)


class _Raster:
    """A Pillow canvas at ``scale`` pixels per point, for :meth:`Drawing.to_png`."""

    def __init__(self, width: float, height: float, scale: float, fonts: Fonts) -> None:
        from PIL import Image, ImageDraw

        self.scale, self.fonts = scale, fonts
        self.image = Image.new("RGB", (round(width * scale), round(height * scale)), "white")
        self.draw = ImageDraw.Draw(self.image, "RGBA")  # blends the translucent label boxes

    @staticmethod
    def rgb(colour: str, alpha: int = 255) -> tuple[int, int, int, int]:
        from PIL import ImageColor

        return (*ImageColor.getrgb(colour)[:3], alpha)

    def point(self, x: float, y: float) -> tuple[float, float]:
        return x * self.scale, y * self.scale

    def box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
        # Pillow fills whole pixels, both corners included
        left, top = round(x0 * self.scale), round(y0 * self.scale)
        return (left, top, max(left, round(x1 * self.scale) - 1),
                max(top, round(y1 * self.scale) - 1))

    def pixels(self, width: float) -> int:
        return max(1, round(width * self.scale))


@dataclass
class Drawing:
    """A chart canvas in points, top-left origin, shapes in drawing order; written as SVG
    (:meth:`to_svg`) or painted as PNG (:meth:`to_png`) from the same shapes."""

    width: float
    height: float
    fonts: Fonts
    shapes: list[_Rect | _Line | _Circle | _Polyline | _Polygon | _Text] = field(
        default_factory=list)

    @property
    def smooth(self) -> bool:
        """Whether a shape has slanted or round edges, which :meth:`to_png` anti-aliases."""
        return any(isinstance(shape, _Circle | _Polyline | _Polygon)
                   or (isinstance(shape, _Rect) and shape.radius) for shape in self.shapes)

    def rect(self, x: float, y: float, w: float, h: float, fill: str, *,
             stroke: str | None = None, stroke_width: float = 0.0, opacity: float = 1.0,
             radius: float = 0.0) -> None:
        if w < 0:
            x, w = x + w, -w
        self.shapes.append(_Rect(x, y, w, h, fill, stroke, stroke_width, opacity, radius))

    def polygon(self, points: Sequence[tuple[float, float]], fill: str) -> None:
        self.shapes.append(_Polygon(tuple(points), fill))

    def line(self, x1: float, y1: float, x2: float, y2: float, colour: str, width: float, *,
             dash: tuple[float, float] | None = None) -> None:
        self.shapes.append(_Line(x1, y1, x2, y2, colour, width, dash))

    def circle(self, x: float, y: float, radius: float, fill: str, *,
               stroke: str | None = None, stroke_width: float = 0.0) -> None:
        self.shapes.append(_Circle(x, y, radius, fill, stroke, stroke_width))

    def polyline(self, points: Sequence[tuple[float, float]], colour: str, width: float
                 ) -> None:
        if len(points) > 1:
            self.shapes.append(_Polyline(tuple(points), colour, width))

    def label(self, x: float, y: float, text: str, size: float, *, anchor: str = "middle",
              valign: str = "middle", colour: str = INK) -> None:
        """``text`` on a translucent white box that keeps it readable over lines."""
        width = self.width_of(text, size)
        left = x - _ANCHOR_SHARE[anchor] * width
        middle = {"middle": y, "bottom": y - 0.65 * size, "top": y + 0.65 * size}[valign]
        box = 0.6 + 0.15 * size
        self.rect(left - box, middle - 0.65 * size, width + 2 * box, 1.3 * size, "#ffffff",
                  opacity=0.85)
        self.text(x, middle, text, size, anchor=anchor, colour=colour)

    def text(self, x: float, y: float, text: str, size: float, *, anchor: str = "start",
             valign: str = "middle", bold: bool = False, colour: str = "#000000") -> None:
        """``text`` (lines split at ``\\n``) at ``x``; ``y`` is the block's middle, top or
        first baseline (``valign``)."""
        lines = text.split("\n")
        first = {"middle": y + MIDDLE * size - (len(lines) - 1) * LEADING * size / 2,
                 "top": y + (MIDDLE + 0.5) * size, "baseline": y}[valign]
        for number, line in enumerate(lines):
            self.shapes.append(_Text(x, first + number * LEADING * size, line, size, anchor,
                                     bold, colour))

    def upright(self, x: float, y: float, text: str, size: float, colour: str = INK) -> None:
        """One line of ``text`` read bottom to top, centred on ``y``, its baseline at ``x``."""
        self.shapes.append(_Text(x, y, text, size, "middle", False, colour, upright=True))

    def width_of(self, text: str, size: float, bold: bool = False) -> float:
        """Width of the widest line of ``text`` in points."""
        return max((self.fonts.width(line, size, bold) for line in text.split("\n")),
                   default=0.0)

    def missing(self) -> set[str]:
        """Characters of the drawing's text no font of its list has."""
        return self.fonts.missing("".join(shape.line for shape in self.shapes
                                          if isinstance(shape, _Text)))

    def to_svg(self, title: str) -> str:
        label = f"<title>{escape(title)}</title>" if title else ""
        family = quoteattr(self.fonts.family)
        body = "".join(shape.svg() for shape in self.shapes)
        return (f'<svg role="img" xmlns="http://www.w3.org/2000/svg" version="1.1" '
                f'width="{_num(self.width)}pt" height="{_num(self.height)}pt" '
                f'viewBox="0 0 {_num(self.width)} {_num(self.height)}">{label}'
                f'<rect width="100%" height="100%" style="fill: #ffffff"/>'
                f'<g font-family={family} xml:space="preserve" style="white-space: pre">'
                f'{body}</g></svg>')

    def to_png(self, dpi: float) -> bytes:
        """The same shapes painted by Pillow at ``dpi`` on white, as an RGB PNG that keeps
        its dpi (Word sizes the image by it).

        Pillow draws lines and circles without anti-aliasing: a drawing with slanted lines
        or dots (:attr:`smooth`) is painted at twice the size and averaged down, as
        an anti-aliasing rasteriser would cover each pixel; bars and axes stand on whole
        pixels and need no more."""
        factor = 2 if self.smooth else 1
        canvas = _Raster(self.width, self.height, factor * dpi / 72, self.fonts)
        for shape in self.shapes:
            shape.paint(canvas)
        image = canvas.image.reduce(factor) if factor > 1 else canvas.image
        return _png(image, dpi)


def _png(image: Any, dpi: float) -> bytes:
    """An RGB image as PNG with its dpi (a pHYs chunk, as Pillow writes it), its rows
    unfiltered and deflated at zlib level 3.

    Pillow's encoder tries every PNG filter on every row (adaptive filtering) before
    deflating: half the CPU of the Word appendix's 16 charts (0.51 s of filtering and
    deflating against 0.24 s unfiltered, load about 3, 2026-12-03), and these flat-coloured
    charts come out a little smaller unfiltered (1.22 against 1.25 MB). The pixels are the
    same (tests/test_svgchart.py decodes them).
    """
    import struct
    import zlib

    import numpy as np

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    width, height = image.size
    rows = np.zeros((height, 1 + 3 * width), np.uint8)  # each row: filter type 0, RGB
    rows[:, 1:] = np.asarray(image.convert("RGB")).reshape(height, 3 * width)
    per_metre = int(dpi / 0.0254 + 0.5)
    return b"".join((b"\x89PNG\r\n\x1a\n",
                     chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)),
                     chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
                     chunk(b"IDAT", zlib.compress(rows.tobytes(), 3)),
                     chunk(b"IEND", b"")))


# --------------------------------------------------------------------------- axes


@dataclass
class Panel:
    """One plot area of horizontal bars: categories top to bottom, values left to right."""

    drawing: Drawing
    left: float
    right: float
    top: float
    bottom: float
    count: int
    low: float = 0.0
    high: float = 1.0

    def x(self, value: float) -> float:
        return self.left + (value - self.low) / (self.high - self.low) * (self.right - self.left)

    def y(self, position: float) -> float:
        """Middle of category ``position`` (0 at the top)."""
        return self.top + (position + 0.5) / self.count * (self.bottom - self.top)

    @property
    def band(self) -> float:
        """Points one category takes."""
        return (self.bottom - self.top) / self.count

    def bar(self, position: float, start: float, length: float, thickness: float, fill: str,
            *, stroke: str | None = None, stroke_width: float = 0.0) -> None:
        """A bar ``thickness`` categories high from ``start`` to ``start + length``; a bar of
        no length draws nothing."""
        if not length or math.isnan(length):
            return
        x0, x1 = self.x(start), self.x(start + length)
        half = thickness * self.band / 2
        self.drawing.rect(min(x0, x1), self.y(position) - half, abs(x1 - x0), 2 * half, fill,
                          stroke=stroke, stroke_width=stroke_width)

    def vline(self, value: float, colour: str, width: float,
              dash: tuple[float, float] | None = None) -> None:
        x = self.x(value)
        self.drawing.line(x, self.top, x, self.bottom, colour, width, dash=dash)

    def categories(self, names: Sequence[str]) -> None:
        """Category names right-aligned left of the plot, each beside its bar."""
        for position, name in enumerate(names):
            self.drawing.text(self.left - PAD, self.y(position), name, SIZE, anchor="end")

    def value_label(self, position: float, value: float, text: str, pad: float) -> None:
        """``text`` just past the end of the bar (at zero when there is none), on a white
        box that keeps it readable over lines."""
        value = 0.0 if math.isnan(value) else value
        ahead = value >= 0
        self.drawing.label(self.x(value + (pad if ahead else -pad)), self.y(position), text,
                           8.0, anchor="start" if ahead else "end")

    def x_axis(self, ticks: Sequence[float], label: Callable[[float], str],
               left_spine: bool = True) -> None:
        """The bottom spine, tick marks and labels (and the left spine)."""
        draw = self.drawing
        draw.line(self.left, self.bottom, self.right, self.bottom, SPINE, LINE)
        if left_spine:
            draw.line(self.left, self.top, self.left, self.bottom, SPINE, LINE)
        _ticks_below(draw, [self.x(tick) for tick in ticks], [label(tick) for tick in ticks],
                     self.bottom)


def _ticks_below(drawing: Drawing, xs: Sequence[float], texts: Sequence[str], bottom: float
                 ) -> None:
    """A tick mark down from ``bottom`` at each of ``xs``, its text under it."""
    for x, text in zip(xs, texts, strict=True):
        drawing.line(x, bottom, x, bottom + TICK, "#000000", LINE)
        drawing.text(x, bottom + TICK + PAD, text, SIZE, anchor="middle", valign="top")


def x_label_room(text: str, size: float) -> float:
    """Points an x axis' label (its lines and pad) takes under the tick labels."""
    return (text.count("\n") + 1) * LEADING * size + LABEL_PAD if text else 0.0


def x_label(drawing: Drawing, left: float, right: float, bottom: float, text: str,
            size: float, colour: str = "#000000") -> None:
    """An x axis' label centred under the tick labels of a plot from ``left`` to ``right``
    whose axis is at ``bottom``."""
    drawing.text((left + right) / 2, bottom + TICK + PAD + LEADING * SIZE + LABEL_PAD, text,
                 size, anchor="middle", valign="top", colour=colour)


def tick_values(low: float, high: float, *, step: float | None = None, room: float = 0.0,
                bins: int | None = None, steps: Sequence[float] = (1, 2, 2.5, 5, 10),
                spacing: float = 3.0) -> list[float]:
    """Tick positions within ``[low, high]``: every ``step``, or matplotlib's ``MaxNLocator``
    choice (``bins`` intervals, else as many as fit ``room`` points at ``spacing`` font sizes
    each, as matplotlib's automatic axes do: 3 across, 2 up; at most 9)."""
    if step is not None:
        first = math.ceil(low / step - 1e-9)
        values = [i * step for i in range(first, math.floor(high / step + 1e-9) + 1)]
    else:
        count = bins if bins is not None else max(1, min(9, int(room // (spacing * SIZE))))
        values = list(max_n_ticks(low, high, count, steps))
    span = (high - low) * 1e-9
    return [float(v) for v in values if low - span <= v <= high + span]


def max_n_ticks(low: float, high: float, bins: int, steps: Sequence[float]) -> Any:
    """matplotlib's ``MaxNLocator(nbins=bins, steps=steps).tick_values(low, high)`` (its
    code, for these arguments and the default ``axes.autolimit_mode``), without importing
    matplotlib: 0.1 s in each process that draws a chart, the report's and the forked Word
    writer's. tests/test_svgchart.py compares the two."""
    given = np.asarray(steps)
    if given[0] != 1:
        given = np.concatenate([[1], given])
    if given[-1] != 10:
        given = np.concatenate([given, [10]])
    extended = np.concatenate([0.1 * given[:-1], given, [10 * given[1]]])
    vmin, vmax = _nonsingular(low, high)
    scale, offset = _scale_range(vmin, vmax, bins)
    _vmin, _vmax = vmin - offset, vmax - offset
    candidates = extended * scale
    large = candidates >= (_vmax - _vmin) / bins
    last = np.nonzero(large)[0][0] if any(large) else len(candidates) - 1
    for step in candidates[:last + 1][::-1]:
        best_vmin = (_vmin // step) * step
        first = _edge_le(_vmin - best_vmin, step, offset)
        final = _edge_ge(_vmax - best_vmin, step, offset)
        ticks = np.arange(first, final + 1) * step + best_vmin
        if ((ticks <= _vmax) & (ticks >= _vmin)).sum() >= 2:  # min_n_ticks
            break
    return ticks + offset


def _nonsingular(vmin: float, vmax: float, expander: float = 1e-13, tiny: float = 1e-14
                 ) -> tuple[float, float]:
    """matplotlib's ``transforms._nonsingular`` with MaxNLocator's arguments."""
    if not np.isfinite(vmin) or not np.isfinite(vmax):
        return -expander, expander
    if vmax < vmin:
        vmin, vmax = vmax, vmin
    vmin, vmax = float(vmin), float(vmax)
    largest = max(abs(vmin), abs(vmax))
    if largest < (1e6 / tiny) * np.finfo(float).tiny:
        return -expander, expander
    if vmax - vmin <= largest * tiny:
        if vmax == 0 and vmin == 0:
            return -expander, expander
        return vmin - expander * abs(vmin), vmax + expander * abs(vmax)
    return vmin, vmax


def _scale_range(vmin: float, vmax: float, n: int, threshold: float = 100) -> tuple[Any, Any]:
    """matplotlib's ``ticker.scale_range``."""
    dv = abs(vmax - vmin)
    meanv = (vmax + vmin) / 2
    offset: float = 0
    if abs(meanv) / dv >= threshold:
        offset = math.copysign(10 ** (math.log10(abs(meanv)) // 1), meanv)
    return 10 ** (math.log10(dv / n) // 1), offset


def _edge_close(ms: Any, edge: float, step: Any, offset: float) -> Any:
    """matplotlib's ``ticker._Edge_integer.closeto``."""
    tol = 1e-10
    if abs(offset) > 0:
        tol = min(0.4999, max(1e-10, 10 ** (np.log10(abs(offset) / step) - 12)))
    return abs(ms - edge) < tol


def _edge_le(x: Any, step: Any, offset: float) -> Any:
    """The largest n with n * step <= x (``_Edge_integer.le``)."""
    d, m = divmod(x, step)
    return d + 1 if _edge_close(m / step, 1, step, offset) else d


def _edge_ge(x: Any, step: Any, offset: float) -> Any:
    """The smallest n with n * step >= x (``_Edge_integer.ge``)."""
    d, m = divmod(x, step)
    return d if _edge_close(m / step, 0, step, offset) else d + 1


# --------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class Entry:
    """A legend entry: a swatch and its label."""

    colour: str
    label: str
    edge: str | None = None
    edge_width: float = 0.0
    line: float = 0.0  # a line of this width with a round marker instead of a swatch


LEGEND_SIZE, TITLE_SIZE = 8.5, 11.0
#: Points from one legend row to the next.
LEGEND_PITCH = 1.5 * LEGEND_SIZE


def _legend_widths(drawing: Drawing, entries: Sequence[Entry], columns: int) -> list[float]:
    """Column widths (points) of the legend laid out row by row."""
    widths = [0.0] * columns
    for index, entry in enumerate(entries):
        width = 2.8 * LEGEND_SIZE + drawing.width_of(entry.label, LEGEND_SIZE)
        widths[index % columns] = max(widths[index % columns], width)
    return widths


def legend_height(drawing: Drawing, entries: Sequence[Entry], columns: int, title: str
                  ) -> float:
    """Points the title and legend block take at the top (with the gap under it)."""
    rows = math.ceil(len(entries) / max(columns, 1)) if entries else 0
    lines = title.count("\n") + 1 if title else 0
    return GAP + lines * LEADING * TITLE_SIZE + rows * LEGEND_PITCH + GAP


def legend(drawing: Drawing, entries: Sequence[Entry], columns: int, title: str) -> float:
    """Draw the title and the legend centred at the top; returns the points they take."""
    y = GAP
    if title:
        drawing.text(drawing.width / 2, y, title, TITLE_SIZE, anchor="middle", valign="top",
                     bold=True)
        y += (title.count("\n") + 1) * LEADING * TITLE_SIZE
    if entries:
        widths = _legend_widths(drawing, entries, columns)
        spacing = 2.0 * LEGEND_SIZE
        x0 = (drawing.width - sum(widths) - spacing * (len(widths) - 1)) / 2
        for index, entry in enumerate(entries):
            column, row = index % columns, index // columns
            x = x0 + sum(widths[:column]) + spacing * column
            middle = y + (row + 0.5) * LEGEND_PITCH
            if entry.line:
                drawing.line(x, middle, x + 2.0 * LEGEND_SIZE, middle, entry.colour, entry.line)
                drawing.circle(x + LEGEND_SIZE, middle, 3.0, entry.colour)
            else:
                drawing.rect(x, middle - 0.35 * LEGEND_SIZE, 2.0 * LEGEND_SIZE,
                             0.7 * LEGEND_SIZE, entry.colour, stroke=entry.edge,
                             stroke_width=entry.edge_width)
            drawing.text(x + 2.8 * LEGEND_SIZE, middle, entry.label, LEGEND_SIZE)
    return legend_height(drawing, entries, columns, title)


def title_height(title: str, size: float = TITLE_SIZE) -> float:
    """Points above the plot: a gap, and a (wrapped) title with a gap under it."""
    return GAP + ((title.count("\n") + 1) * LEADING * size + GAP if title else 0.0)


def panels(drawing: Drawing, names: Sequence[str], above: float, *, below: float = 0.0,
           ratios: Sequence[float] = (1.0,), space: float = 0.15) -> list[Panel]:
    """Plot areas side by side under ``above`` points, their left edge past the widest
    category name; ``space`` is the gap between panels as a share of their mean width."""
    widest = max((drawing.width_of(name, SIZE) for name in names), default=0.0)
    left = widest + PAD + GAP
    right = drawing.width - GAP - 1.6 * SIZE  # half of the last tick label may stand past
    bottom = drawing.height - (LEADING * SIZE + TICK + PAD + GAP + below)
    total = sum(ratios)
    room = right - left
    mean = room / (len(ratios) + space * (len(ratios) - 1))
    unit = (room - space * mean * (len(ratios) - 1)) / total
    result, x = [], left
    for ratio in ratios:
        result.append(Panel(drawing, x, x + ratio * unit, above, bottom, max(len(names), 1)))
        x += ratio * unit + space * mean
    return result


def wrap_to(drawing: Drawing, text: str, room: float, size: float, lines: int) -> str:
    """``text`` wrapped to lines no wider than ``room`` points (at most ``lines``)."""
    import textwrap

    width = drawing.width_of(text, size)
    fits = int(len(text) * room / width) if width > room > 0 else len(text)
    return "\n".join(textwrap.wrap(" ".join(text.split()), max(fits, 10), max_lines=lines,
                                   placeholder=" …"))


# --------------------------------------------------------------------------- values by period


@dataclass
class Plot:
    """A plot area of values up (``low``..``high``) over periods across (``first``..``last``
    on the x scale, period ``i`` at ``i``)."""

    drawing: Drawing
    left: float
    right: float
    top: float
    bottom: float
    first: float
    last: float
    low: float
    high: float
    tick_room: float = 0.0  # points of the y tick marks and labels, left of the plot

    def x(self, value: float) -> float:
        return self.left + (value - self.first) / (self.last - self.first) * (
            self.right - self.left)

    def y(self, value: float) -> float:
        return self.bottom - (value - self.low) / (self.high - self.low) * (
            self.bottom - self.top)

    def hline(self, value: float, colour: str, width: float, dash: tuple[float, float] | None
              = None) -> None:
        self.drawing.line(self.left, self.y(value), self.right, self.y(value), colour, width,
                          dash=dash)

    def y_axis(self, ticks: Sequence[float], label: Callable[[float], str],
               grid: str | None = None) -> None:
        """The left spine, tick marks and labels, and light grid lines across."""
        draw = self.drawing
        for tick in ticks:
            y = self.y(tick)
            if grid:
                draw.line(self.left, y, self.right, y, grid, 0.6)
            draw.line(self.left - TICK, y, self.left, y, "#000000", LINE)
            draw.text(self.left - TICK - PAD, y, label(tick), SIZE, anchor="end")
        draw.line(self.left, self.top, self.left, self.bottom, SPINE, LINE)

    def y_label(self, text: str, size: float, colour: str = INK) -> None:
        """The y axis' label, read upwards in the column :func:`place_left` kept for it (its
        baseline ``size`` points in), centred on the plot's height."""
        column = self.left - self.tick_room - LABEL_PAD - LEADING * size
        self.drawing.upright(column + size, (self.top + self.bottom) / 2, text, size, colour)

    def x_axis(self, ticks: Sequence[float], label: Callable[[float], str],
               grid: str | None = None) -> None:
        """The bottom spine, tick marks and labels of a value axis across, and light grid
        lines up."""
        draw = self.drawing
        xs = [self.x(tick) for tick in ticks]
        for x in xs if grid else ():
            draw.line(x, self.top, x, self.bottom, grid, 0.6)
        _ticks_below(draw, xs, [label(tick) for tick in ticks], self.bottom)
        draw.line(self.left, self.bottom, self.right, self.bottom, SPINE, LINE)

    def periods(self, names: Sequence[str]) -> None:
        """The bottom spine and a tick and name under each period."""
        self.drawing.line(self.left, self.bottom, self.right, self.bottom, SPINE, LINE)
        _ticks_below(self.drawing, [self.x(index) for index in range(len(names))], names,
                     self.bottom)

    def series(self, values: Sequence[float], colour: str, width: float, radius: float
               ) -> None:
        """A line through the values (broken where one is missing), a dot on each."""
        run: list[tuple[float, float]] = []
        for index, value in enumerate([*values, math.nan]):
            if math.isnan(value):
                self.drawing.polyline(run, colour, width)
                run = []
            else:
                run.append((self.x(index), self.y(value)))
        for index, value in enumerate(values):
            if not math.isnan(value):
                self.drawing.circle(self.x(index), self.y(value), radius, colour)


def plot(drawing: Drawing, above: float, low: float, high: float, first: float, last: float,
         below: float = 0.0) -> tuple[Plot, list[float]]:
    """A plot area under ``above`` points (and ``below`` points over the x tick labels) with
    its y ticks (matplotlib's automatic choice); :func:`place_left` then moves its left edge
    past their labels."""
    bottom = drawing.height - (GAP + LEADING * SIZE + TICK + PAD + below)
    ticks = tick_values(low, high, room=bottom - above, spacing=2.0)
    return Plot(drawing, GAP, drawing.width - GAP - 1.6 * SIZE, above, bottom, first, last,
                low, high), ticks


def place_left(area: Plot, texts: Sequence[str], y_label: str = "",
               label_size: float = 8.0) -> None:
    """Move the plot's left edge past its widest y tick label (and a column for the y axis'
    label, :meth:`Plot.y_label`)."""
    widest = max((area.drawing.width_of(text, SIZE) for text in texts), default=0.0)
    area.tick_room = widest + PAD + TICK
    area.left = GAP + area.tick_room + (LEADING * label_size + LABEL_PAD if y_label else 0.0)
