"""Charts of the report as inline SVG strings.

Every function takes plain rows from ``results.json`` plus already-translated labels and
returns one ``<svg>`` element as a string, ready to be inlined in the HTML report:

* no XML declaration or doctype, no metadata block, no link to anything outside the SVG;
* text stays text with a generic ``sans-serif`` fallback, so it is searchable, selectable and
  small; ``<``, ``>`` and ``&`` are escaped;
* deterministic: the same data gives the same bytes (no date, fixed ids).

Every chart is drawn directly on a fixed layout (:mod:`surveyq.report.svgchart`): the same
shapes are written as SVG for the report and painted as PNG by :func:`render_png` for the
Word appendix. The scorecard's and strategy charts are in :mod:`surveyq.report.bsc_charts`.

Empty input returns ``""`` (the template then prints its own translated "no data" line).
NaN or None values draw nothing and print an en dash. The charts compute no statistics: the
only arithmetic is the percentage of given counts (Likert and profile bars) and positions.

Palette
-------
Colours are data, defined once below: the Okabe-Ito palette (Okabe & Ito 2008, safe for
protan, deutan and tritan vision) for categories, and ColorBrewer's diverging ``RdBu``
classes (Brewer 2003, marked colour-blind safe at colorbrewer2.org) for Likert levels, with
the near-white middle class replaced by a light grey so the neutral level shows on white.
``tests/test_charts.py`` checks that neighbouring colours stay apart under simulated CVD.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
import textwrap
import threading
import warnings
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from surveyq.bands import round_half_up
from surveyq.report import svgchart
from surveyq.report.i18n import format_number

__all__ = [
    "BAND_COLOURS",
    "OKABE_ITO",
    "QUADRANT_COLOURS",
    "RDBU",
    "SERIES_COLOURS",
    "TRAFFIC_LIGHTS",
    "gap_bars",
    "ipa_scatter",
    "likert_bars",
    "likert_colours",
    "nrr_bars",
    "perspective_bars",
    "profile_bars",
    "render_png",
    "trend_line",
]

# --------------------------------------------------------------------------- palette (data)

OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
GREY = "#999999"
NEUTRAL = "#BDBDBD"
INK = "#222222"

#: ColorBrewer RdBu, lowest answer (red) to highest (blue), by number of classes.
RDBU: dict[int, tuple[str, ...]] = {
    3: ("#ef8a62", "#f7f7f7", "#67a9cf"),
    4: ("#ca0020", "#f4a582", "#92c5de", "#0571b0"),
    5: ("#ca0020", "#f4a582", "#f7f7f7", "#92c5de", "#0571b0"),
    6: ("#b2182b", "#ef8a62", "#fddbc7", "#d1e5f0", "#67a9cf", "#2166ac"),
    7: ("#b2182b", "#ef8a62", "#fddbc7", "#f7f7f7", "#d1e5f0", "#67a9cf", "#2166ac"),
    8: ("#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#d1e5f0", "#92c5de", "#4393c3",
        "#2166ac"),
    9: ("#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#f7f7f7", "#d1e5f0", "#92c5de",
        "#4393c3", "#2166ac"),
    10: ("#67001f", "#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#d1e5f0", "#92c5de",
         "#4393c3", "#2166ac", "#053061"),
    11: ("#67001f", "#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#f7f7f7", "#d1e5f0",
         "#92c5de", "#4393c3", "#2166ac", "#053061"),
}
#: IKM/SKM service quality bands, best (A) to worst (D).
BAND_COLOURS: dict[str, str] = {
    "A": OKABE_ITO["blue"],
    "B": OKABE_ITO["sky_blue"],
    "C": OKABE_ITO["orange"],
    "D": OKABE_ITO["vermillion"],
}
#: Scorecard status colours (the codes of :func:`surveyq.scorecard_math.ici_colour`).
TRAFFIC_LIGHTS: dict[str, str] = {
    "green": OKABE_ITO["bluish_green"],
    "yellow": OKABE_ITO["yellow"],
    "red": OKABE_ITO["vermillion"],
}
#: Default legend of the status colours (the default ``ici-colour`` band table).
TRAFFIC_LIGHT_LABELS: dict[str, str] = {"green": "≥ 100", "yellow": "80 – < 100", "red": "< 80"}
SERIES_COLOURS: dict[str, str] = {
    "perception": OKABE_ITO["blue"],
    "expectation": OKABE_ITO["sky_blue"],
    "gap_negative": OKABE_ITO["vermillion"],
    "gap_positive": OKABE_ITO["bluish_green"],
    "count": OKABE_ITO["blue"],
}
#: IPA quadrants: I concentrate here, II keep up, III low priority, IV possible overkill.
QUADRANT_COLOURS: dict[str, str] = {
    "I": OKABE_ITO["vermillion"],
    "II": OKABE_ITO["bluish_green"],
    "III": "#666666",
    "IV": OKABE_ITO["blue"],
}

# --------------------------------------------------------------------------- rendering

_WIDTH = 8.0


#: Font files of the fallback for Korean, Chinese and Japanese text (Debian fonts-noto-cjk).
_CJK_FILES = re.compile(r"NotoSansCJK\w*-(Regular|Bold)\.(ttc|otf)$")


class GlyphWarning(UserWarning):
    """Chart text holds characters no installed font can draw (they show as boxes)."""


@cache
def _fonts() -> tuple[str, ...]:
    """The charts' font families: DejaVu Sans, then Noto Sans CJK when installed (each
    character is taken from the first font of the list that has it).

    The CJK family is named as FreeType reads it (Pillow, which draws the charts, has it
    open in 5 ms; fontTools took 0.13 s to read the collection's name table, in each process
    that draws a chart): the first, regular face's family, "Noto Sans CJK JP"."""
    from PIL import ImageFont

    files = _cjk_files()
    if not files:
        return ("DejaVu Sans",)
    family, _ = ImageFont.truetype(files[0], 10, index=0).getname()  # a collection: 1st face
    return ("DejaVu Sans", str(family))


_WARNED = threading.Event()


def _warn_once(missing: set[str], stacklevel: int) -> None:
    """Say once per process that chart text holds characters no font can draw."""
    if missing and not _WARNED.is_set():
        _WARNED.set()
        warnings.warn(f"chart text holds characters no installed font can draw "
                      f"({''.join(sorted(missing)[:10])}...); they show as boxes: install Noto "
                      "Sans CJK (Debian/Ubuntu: apt-get install fonts-noto-cjk)", GlyphWarning,
                      stacklevel=stacklevel + 1)


_RASTER = threading.local()


def render_png(draw: Any, *args: Any, dpi: int = 150, **kwargs: Any) -> bytes:
    """A chart of this module as PNG bytes (for documents that cannot hold SVG, like Word).

    ``draw`` is one of the chart functions; it draws exactly as for the report, and the
    chart is painted at ``dpi`` instead of written as SVG. Empty input gives ``b""``.
    """
    _RASTER.dpi = dpi
    try:
        image = draw(*args, **kwargs)
    finally:
        _RASTER.dpi = None
    return image if isinstance(image, bytes) else b""


@cache
def _cjk_files() -> tuple[str, ...]:
    """Noto Sans CJK's regular and bold files where installed (regular first)."""
    files = {path for path in _font_files() if _CJK_FILES.search(path)}
    return tuple(sorted(files, key=lambda path: ("Bold" in path, path)))


#: Where Linux keeps font files (matplotlib's ``X11FontDirectories``).
_FONT_FOLDERS = ("/usr/X11R6/lib/X11/fonts/TTF/", "/usr/X11/lib/X11/fonts", "/usr/share/fonts/",
                 "/usr/local/share/fonts/", "/usr/lib/openoffice/share/fonts/truetype/",
                 "~/.local/share/fonts", "~/.fonts")
_FONT_SUFFIXES = (".otf", ".ttc", ".ttf")


def _font_files() -> list[str]:
    """The installed font files, as matplotlib's ``findSystemFonts`` lists them: on Linux
    fontconfig's list and the files under :data:`_FONT_FOLDERS`, found here without
    importing matplotlib (0.12 s before the documents, on the run's longest path); elsewhere
    (Windows, macOS) by matplotlib."""
    if os.getenv("MPL_IGNORE_SYSTEM_FONTS"):
        return []
    if sys.platform in ("win32", "darwin", "emscripten"):
        from matplotlib import font_manager

        return list(font_manager.findSystemFonts(fontext="ttf"))
    found = {path for path in _fontconfig_files() if path.lower().endswith(_FONT_SUFFIXES)}
    for folder in _FONT_FOLDERS:
        found.update(os.path.abspath(os.path.join(root, name))
                     for root, _, names in os.walk(os.path.expanduser(folder))
                     for name in names if name.lower().endswith(_FONT_SUFFIXES))
    return [path for path in found if os.path.exists(path)]


def _fontconfig_files() -> list[str]:
    """The font files fontconfig's ``fc-list`` knows (none without fontconfig)."""
    try:
        out = subprocess.run(["fc-list", "--format=%{file}\\n"], capture_output=True,
                             check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    return [os.fsdecode(name) for name in out.split(b"\n") if name]


def _svg_fonts() -> svgchart.Fonts:
    """The font list of :func:`_fonts` with its files, for :mod:`surveyq.report.svgchart`."""
    faces = [("DejaVu Sans", svgchart.dejavu(), svgchart.dejavu(bold=True))]
    cjk = _cjk_files()
    for family in _fonts()[1:]:
        bold = next((path for path in cjk if "Bold" in path), cjk[0])
        faces.append((family, cjk[0], bold))
    return svgchart.Fonts(tuple(faces))


def _canvas(height: float, width: float = _WIDTH) -> svgchart.Drawing:
    """A drawing of ``width`` x ``height`` inches (at least 1.6 high)."""
    return svgchart.Drawing(72 * width, 72 * max(height, 1.6), _svg_fonts())


def _finish(drawing: svgchart.Drawing, title: str) -> str:
    """The drawing as an ``<svg>`` element, or as PNG bytes when :func:`render_png` asked.

    Characters no font of the list can draw are said once per process (:class:`GlyphWarning`),
    not once per glyph and chart."""
    _warn_once(drawing.missing(), stacklevel=3)
    dpi = getattr(_RASTER, "dpi", None)
    return drawing.to_png(dpi) if dpi else drawing.to_svg(title)  # type: ignore[return-value]


def _tick_text(ticks: Sequence[float], lang: str) -> Any:
    """Tick labels in the report language with just enough decimals to tell them apart."""
    decimals = next((d for d in range(5) if all(abs(round(x, d) - x) < 1e-9 for x in ticks)), 4)
    return lambda x: format_number(float(x), decimals, lang)


# --------------------------------------------------------------------------- small helpers


def _number(value: Any) -> float:
    """A finite float, or NaN for None, NaN, infinities and non-numbers."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number if math.isfinite(number) else math.nan


def _wrap(text: Any, width: int, lines: int) -> str:
    """Wrap ``text`` to at most ``lines`` lines of ``width`` characters, ending in an ellipsis."""
    words = " ".join(str("" if text is None else text).split())
    return "\n".join(textwrap.wrap(words, width, max_lines=lines, placeholder=" …"))


def _line_count(labels: Sequence[str]) -> int:
    return sum(label.count("\n") + 1 for label in labels)


def _rgb(colour: str) -> tuple[float, ...]:
    """matplotlib's ``to_rgb``: ``#rrggbb`` (every colour of these charts) read here, as it
    reads it; any other colour by matplotlib."""
    if _HEX.fullmatch(colour):
        return tuple(int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    from matplotlib.colors import to_rgb

    return tuple(to_rgb(colour))


_HEX = re.compile("#[a-fA-F0-9]{6}")


def _ink_on(colour: str) -> str:
    """Dark or white text, whichever reads better on ``colour`` (WCAG relative luminance)."""
    channels = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
                for c in _rgb(colour)]
    luminance = 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
    return "white" if luminance < 0.2 else INK


def _legend_columns(labels: Sequence[str], width: float) -> int:
    """One row when the labels fit across a ``width``-inch figure, else as few rows as fit."""
    room = width * 13
    if sum(len(label) + 6 for label in labels) <= room:
        return max(len(labels), 1)
    widest = max(len(label) for label in labels) + 6
    return max(1, min(len(labels), int(room // widest)))


# --------------------------------------------------------------------------- Likert bars


def likert_colours(k: int) -> list[str]:
    """Colours of a ``k``-point scale, lowest to highest (red to blue, grey neutral).

    Parameters
    ----------
    k : int
        Number of scale points.

    Returns
    -------
    list of str
        Hex colours; ColorBrewer RdBu classes for 3 to 11 points, interpolated beyond.

    Examples
    --------
    >>> likert_colours(5)
    ['#ca0020', '#f4a582', '#BDBDBD', '#92c5de', '#0571b0']
    """
    if k < 1:
        raise ValueError(f"a scale needs at least one point, not {k}")
    if k in RDBU:
        colours = list(RDBU[k])
    elif k < 3:
        colours = [RDBU[4][1], RDBU[4][2]][:k] if k == 2 else [NEUTRAL]
    else:  # beyond ColorBrewer's 11 classes (rare): matplotlib interpolates
        from matplotlib.colors import LinearSegmentedColormap, to_hex

        ramp = LinearSegmentedColormap.from_list("rdbu", RDBU[11])
        colours = [to_hex(ramp(i / (k - 1))) for i in range(k)]
    if k % 2:
        colours[k // 2] = NEUTRAL
    return colours


def _shares(item: Mapping[str, Any], points: Sequence[Any]) -> list[float]:
    """Percentage of the given counts at each point (NaN when nobody answered)."""
    counts = [_number(item.get(f"count_{point}")) for point in points]
    counts = [0.0 if math.isnan(c) else c for c in counts]
    total = sum(counts)
    return [100 * c / total for c in counts] if total > 0 else [math.nan] * len(counts)


def _net_agreement(shares: Sequence[float]) -> float:
    """Share of answers above the midpoint minus the share below it."""
    middle = (len(shares) - 1) / 2
    above = sum(s for i, s in enumerate(shares) if i > middle)
    below = sum(s for i, s in enumerate(shares) if i < middle)
    return above - below


def _segments(shares: Sequence[float]) -> list[float]:
    """Left edge of each level's segment, the neutral level centred on zero."""
    k = len(shares)
    half = shares[k // 2] / 2 if k % 2 else 0.0
    lefts = [0.0] * k
    edge = -half
    for i in range(k // 2 - 1, -1, -1):
        edge -= shares[i]
        lefts[i] = edge
    if k % 2:
        lefts[k // 2] = -half
    edge = half
    for i in range((k + 1) // 2, k):
        lefts[i] = edge
        edge += shares[i]
    return lefts


def _likert_order(items: Sequence[Mapping[str, Any]], points: Sequence[Any]
                  ) -> list[tuple[Mapping[str, Any], list[float]]]:
    """Items with their shares, highest net agreement first (no answers last, ties stable)."""
    rows = [(item, _shares(item, points)) for item in items]

    def key(index: int) -> tuple[bool, float, int]:
        net = _net_agreement(rows[index][1])
        return (math.isnan(net), 0.0 if math.isnan(net) else -net, index)

    return [rows[i] for i in sorted(range(len(rows)), key=key)]


def _likert_limits(rows: Sequence[list[float]]) -> tuple[float, float]:
    """The x range: the longest bar on each side of zero, up to the next 10 %."""
    left, right = 10.0, 10.0
    for shares in rows:
        if not math.isnan(shares[0]):
            lefts = _segments(shares)
            left = max(left, -lefts[0])
            right = max(right, lefts[-1] + shares[-1])
    return (-min(100.0, math.ceil(left / 10 - 1e-9) * 10),
            min(100.0, math.ceil(right / 10 - 1e-9) * 10))


def _draw_likert(panel: svgchart.Panel, rows: Sequence[list[float]],
                 colours: Sequence[str]) -> None:
    for position, shares in enumerate(rows):
        if math.isnan(shares[0]):
            panel.drawing.text(panel.x(0.0), panel.y(position), "–", 9.0, anchor="middle",
                               colour=INK)
            continue
        for share, left, colour in zip(shares, _segments(shares), colours, strict=True):
            panel.bar(position, left, share, 0.72, colour, stroke="white", stroke_width=0.6)
        for share, left, colour in zip(shares, _segments(shares), colours, strict=True):
            if share >= 7:
                panel.drawing.text(panel.x(left + share / 2), panel.y(position),
                                   f"{share:.0f}%", 7.5, anchor="middle",
                                   colour=_ink_on(colour))


def likert_bars(items: list[dict], scale: dict, labels: list[str], title: str = "",
                text_key: str = "text_id", axis_label: str = "") -> str:
    """Diverging stacked bars of the answer percentages of each item.

    Parameters
    ----------
    items : list of dict
        Rows of ``results["surveys"][s]["items"]`` on the same scale: ``item``, the text
        under ``text_key`` and ``count_<point>`` for every point of ``scale``.
    scale : dict
        One entry of ``results["surveys"][s]["scales"]`` (its ``points`` are used).
    labels : list of str
        Translated label of each point, lowest first (one per point).
    title : str, optional
        Chart title.
    text_key : str, default "text_id"
        Key of the item text shown next to the item id (wrapped to two lines).
    axis_label : str, optional
        Translated label of the x axis (both sides are shares of the answers).

    Returns
    -------
    str
        An ``<svg>`` element, or ``""`` when ``items`` is empty.

    Notes
    -----
    Each bar is 100 % of the item's answers. Levels below the midpoint go left of zero, those
    above go right; the neutral level of an odd scale straddles zero (half each side). Items
    run from the highest net agreement (share above the midpoint minus share below) down;
    items nobody answered come last with an empty bar. Every level is in the legend, even
    with no answers.
    """
    points = list(scale["points"])
    if len(labels) != len(points):
        raise ValueError(f"{len(points)} scale points but {len(labels)} labels")
    if not items:
        return ""
    ordered = _likert_order(items, points)
    names = [f"{item.get('item', '')}  {_wrap(item.get(text_key), 52, 2)}".strip()
             for item, _ in ordered]
    colours = likert_colours(len(points))
    rows = math.ceil(len(labels) / _legend_columns(labels, _WIDTH))
    height = 1.1 + 0.2 * _line_count(names) + 0.15 * len(names) + 0.25 * (
        rows + (2 if title else 0))
    drawing = _canvas(height)
    entries = [svgchart.Entry(c, label, "#888888", 0.4) for c, label in zip(colours, labels,
                                                                               strict=True)]
    columns = _legend_columns(labels, _WIDTH)
    heading = _wrap(title, 90, 2)
    above = svgchart.legend_height(drawing, entries, columns, heading)
    text = ""
    if axis_label:  # wrapped to the plot's width, so the margins are found twice
        (trial,) = svgchart.panels(drawing, names, above)
        text = svgchart.wrap_to(drawing, axis_label, trial.right - trial.left, 8.0, 3)
    (panel,) = svgchart.panels(drawing, names, above, below=svgchart.x_label_room(text, 8.0))
    panel.low, panel.high = _likert_limits([shares for _, shares in ordered])
    # behind the bars: the neutral segment straddles zero and its label sits on it
    panel.vline(0.0, "#555555", 0.8)
    _draw_likert(panel, [shares for _, shares in ordered], colours)
    ticks = svgchart.tick_values(panel.low, panel.high,
                                 step=20 if panel.high - panel.low > 100 else 10)
    # both sides are shares of the answers, so both read as positive percentages
    panel.x_axis(ticks, lambda v: f"{abs(v):.0f}%", left_spine=False)
    panel.categories(names)
    if text:
        svgchart.x_label(drawing, panel.left, panel.right, panel.bottom, text, 8.0, INK)
    svgchart.legend(drawing, entries, columns, heading)
    return _finish(drawing, title)


# --------------------------------------------------------------------------- SERVQUAL gaps


def _draw_means(panel: svgchart.Panel, rows: Sequence[Mapping[str, Any]], lang: str) -> None:
    top = max((v for row in rows for v in (_number(row.get("p_mean")),
                                            _number(row.get("e_mean"))) if not math.isnan(v)),
              default=1.0)
    panel.low, panel.high = 0.0, max(1.0, math.ceil(top))
    for key, column, shift in (("perception", "p_mean", -0.2), ("expectation", "e_mean", 0.2)):
        for position, row in enumerate(rows):
            panel.bar(position + shift, 0.0, _number(row.get(column)), 0.38,
                      SERIES_COLOURS[key])
    ticks = svgchart.tick_values(panel.low, panel.high, step=1)
    panel.x_axis(ticks, _tick_text(ticks, lang))


def _draw_gaps(panel: svgchart.Panel, rows: Sequence[Mapping[str, Any]], lang: str) -> None:
    gaps = [_number(row.get("gap")) for row in rows]
    finite = [g for g in gaps if not math.isnan(g)] or [0.0]
    low, high = min(0.0, *finite), max(0.0, *finite)
    span = max(high - low, 0.1)
    panel.low = low - 0.45 * span if low < 0 else -0.05 * span
    panel.high = high + 0.45 * span if high > 0 else 0.05 * span
    for position, gap in enumerate(gaps):
        panel.bar(position, 0.0, gap, 0.6,
                  SERIES_COLOURS["gap_negative" if gap < 0 else "gap_positive"])
    panel.vline(0.0, "#555555", 0.8)
    # a tick label per 45 points of the narrow gap panel, at steps of 1, 2 or 5 (with
    # 0.25 steps the labels "-0.75" ran into each other when long names narrowed it)
    ticks = svgchart.tick_values(panel.low, panel.high,
                                 bins=max(2, int((panel.right - panel.left) // 45)),
                                 steps=(1, 2, 5, 10))
    panel.x_axis(ticks, _tick_text(ticks, lang), left_spine=False)
    for position, gap in enumerate(gaps):
        panel.value_label(position, gap, format_number(gap, 2, lang), 0.03 * span)


def gap_bars(rows: list[dict], label_key: str, labels: dict[str, str], title: str = "", *,
             lang: str = "id") -> str:
    """Perception and expectation means side by side, with the gap beside them.

    Parameters
    ----------
    rows : list of dict
        ``analyses.servqual.items`` or ``.dimensions`` rows: ``p_mean``, ``e_mean``, ``gap``
        and the row label under ``label_key``. Drawn in the given order, top to bottom.
    label_key : str
        Key of each row's (already translated) label, e.g. ``"item"``.
    labels : dict
        Translated legend strings: ``"perception"``, ``"expectation"`` and ``"gap"`` (the
        title of the gap panel).
    title : str, optional
        Chart title.
    lang : {"id", "en"}, keyword-only, default "id"
        Decimal mark of the numbers printed.

    Returns
    -------
    str
        An ``<svg>`` element, or ``""`` when ``rows`` is empty.

    Notes
    -----
    Left panel: paired bars of the P and E means from zero. Right panel: the gap as given in
    ``rows`` (not recomputed), vermillion when negative, bluish green when positive.
    """
    if not rows:
        return ""
    names = [_wrap(row.get(label_key), 34, 2) for row in rows]
    height = 1.3 + 0.16 * _line_count(names) + 0.24 * len(rows) + (0.35 if title else 0)
    drawing = _canvas(height)
    entries = [svgchart.Entry(SERIES_COLOURS[key], labels.get(key, key))
               for key in ("perception", "expectation")]
    columns = _legend_columns([entry.label for entry in entries], _WIDTH)
    heading = _wrap(title, 90, 2)
    # and the gap panel's title above it
    above = (svgchart.legend_height(drawing, entries, columns, heading)
             + 1.2 * 9 + svgchart.GAP)
    means, gaps = svgchart.panels(drawing, names, above, ratios=(3, 2), space=0.15)
    _draw_means(means, rows, lang)
    means.categories(names)
    _draw_gaps(gaps, rows, lang)
    drawing.text(gaps.left, gaps.top - 6.0, labels.get("gap", "gap"), 9.0, valign="baseline",
                 bold=True)
    svgchart.legend(drawing, entries, columns, heading)
    return _finish(drawing, title)


# --------------------------------------------------------------------------- IPA scatter

#: Label offsets tried in turn (direction unit vector), at growing distances in points.
_DIRECTIONS = ((1, 0), (0.7, 0.7), (0, 1), (-0.7, 0.7), (-1, 0), (-0.7, -0.7), (0, -1),
               (0.7, -0.7))
_RADII = (4.0, 9.0, 15.0, 22.0, 30.0, 40.0)
_CORNERS = {"I": (0.01, 0.99, "left", "top"), "II": (0.99, 0.99, "right", "top"),
            "III": (0.01, 0.01, "left", "bottom"), "IV": (0.99, 0.01, "right", "bottom")}


def _ipa_limits(values: Sequence[float], centre: float) -> tuple[float, float]:
    """Axis range covering the data and the crosshair, with room for the corner names."""
    finite = [v for v in (*values, centre) if not math.isnan(v)] or [0.0, 1.0]
    low, high = min(finite), max(finite)
    pad = max((high - low) * 0.12, 0.1)
    return low - pad, high + pad


Box = tuple[float, float, float, float]  # left, top, right, bottom, in points (y down)


def _overlap(a: Box, b: Box) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return width * height if width > 0 and height > 0 else 0.0


def _candidate(anchor: tuple[float, float], size: tuple[float, float],
               direction: tuple[float, float], radius: float) -> Box:
    """Box of a label placed ``radius`` points from ``anchor`` towards ``direction`` (its
    y component points up, the drawing's y axis down)."""
    (x, y), (w, h), (ux, uy) = anchor, size, direction
    x, y = x + ux * radius, y - uy * radius
    x0 = x if ux > 0 else x - w if ux < 0 else x - w / 2
    y0 = y - h if uy > 0 else y if uy < 0 else y - h / 2
    return (x0, y0, x0 + w, y0 + h)


def _best_place(anchor: tuple[float, float], size: tuple[float, float], taken: list[Box],
                frame: Box) -> tuple[float, Box]:
    """First free spot around ``anchor``, else the least crowded one (deterministic):
    the distance and the label's box."""
    best: tuple[float, float, Box] | None = None
    for radius in _RADII:
        for direction in _DIRECTIONS:
            box = _candidate(anchor, size, direction, radius)
            outside = (box[2] - box[0]) * (box[3] - box[1]) - _overlap(box, frame)
            score = sum(_overlap(box, other) for other in taken) + 4 * outside
            if best is None or score < best[0]:
                best = (score, radius, box)
            if score == 0:
                return radius, box
    assert best is not None
    return best[1], best[2]


def _leader(box: Box, point: tuple[float, float]) -> tuple[float, float, float, float]:
    """A line from the edge of a label's box to 3 points short of its point."""
    cx = min(max(point[0], box[0]), box[2])
    cy = min(max(point[1], box[1]), box[3])
    dx, dy = point[0] - cx, point[1] - cy
    length = math.hypot(dx, dy) or 1.0
    return cx, cy, point[0] - 3 * dx / length, point[1] - 3 * dy / length


def _place_labels(area: svgchart.Plot, points: Sequence[tuple[float, float, str]],
                  taken: list[Box]) -> None:
    """Write each point's id where it overlaps no other label, point or corner name."""
    drawing, size = area.drawing, 8.0
    anchors = [(area.x(x), area.y(y)) for x, y, _ in points]
    taken = [(x - 4, y - 4, x + 4, y + 4) for x, y in anchors] + taken
    frame = (area.left, area.top, area.right, area.bottom)
    for anchor, (_, _, text) in zip(anchors, points, strict=True):
        extent = (drawing.width_of(text, size), 1.2 * size)
        radius, box = _best_place(anchor, extent, taken, frame)
        taken.append(box)
        if radius > _RADII[1]:
            x1, y1, x2, y2 = _leader(box, anchor)
            drawing.line(x1, y1, x2, y2, "#888888", 0.5)
        drawing.text((box[0] + box[2]) / 2, (box[1] + box[3]) / 2, text, size,
                     anchor="middle", colour=INK)


def _ipa_corners(area: svgchart.Plot, labels: Mapping[str, str]) -> list[Box]:
    """The quadrants' names in the plot's corners; returns their boxes."""
    boxes = []
    width, height = area.right - area.left, area.bottom - area.top
    for key, (fx, fy, ha, va) in _CORNERS.items():
        text, size = f"{key}: {labels.get(key, '')}", 8.5
        x, y = area.left + fx * width, area.bottom - fy * height
        w = area.drawing.width_of(text, size, bold=True)
        x0 = x if ha == "left" else x - w
        y0 = y if va == "top" else y - 1.2 * size
        area.drawing.text(x0, y0 + 0.6 * size, text, size, bold=True,
                          colour=QUADRANT_COLOURS[key])
        boxes.append((x0, y0, x0 + w, y0 + 1.2 * size))
    return boxes


def ipa_scatter(items: list[dict], crosshair: dict, labels: dict[str, str], title: str = "",
                *, lang: str = "id") -> str:
    """Importance-performance map: performance across, importance up, quadrants named.

    Parameters
    ----------
    items : list of dict
        ``analyses.ipa.items`` rows: ``item`` (the label drawn), ``x`` (performance mean),
        ``y`` (importance mean) and optionally ``quadrant_number`` (I..IV, colours the point).
    crosshair : dict
        ``{"x": ..., "y": ...}``: where the dashed dividing lines go.
    labels : dict
        Translated strings: ``"I"``, ``"II"``, ``"III"``, ``"IV"`` (quadrant names, written
        after their numeral in the corners: I top left, II top right, III bottom left,
        IV bottom right) and ``"x"``, ``"y"`` (axis titles).
    title : str, optional
        Chart title.
    lang : {"id", "en"}, keyword-only, default "id"
        Decimal mark of the tick labels.

    Returns
    -------
    str
        An ``<svg>`` element, or ``""`` when ``items`` is empty.

    Notes
    -----
    Item ids are placed by a greedy search: for each point in turn, the first of 48 offsets
    (8 directions, 6 distances) whose label box overlaps no earlier label, point or corner
    name and stays inside the axes; failing that, the least overlapping one. Far labels get a
    thin leader line. Points with a missing coordinate are left out.
    """
    if not items:
        return ""
    cx, cy = _number(crosshair.get("x")), _number(crosshair.get("y"))
    left, right = _ipa_limits([_number(i.get("x")) for i in items], cx)
    low, high = _ipa_limits([_number(i.get("y")) for i in items], cy)
    room = (high - low) * 0.1
    drawing = _canvas(6.4 + (0.35 if title else 0), 7.5)
    heading = _wrap(title, 90, 2)
    area, y_ticks = svgchart.plot(drawing, svgchart.title_height(heading), low - room,
                                  high + room, left, right,
                                  below=svgchart.x_label_room(labels.get("x", ""), 9.0))
    y_text = _tick_text(y_ticks, lang)
    svgchart.place_left(area, [y_text(t) for t in y_ticks], labels.get("y", ""), 9.0)
    x_ticks = svgchart.tick_values(left, right, room=area.right - area.left)
    area.x_axis(x_ticks, _tick_text(x_ticks, lang), grid="#eeeeee")
    area.y_axis(y_ticks, y_text, grid="#eeeeee")
    if not math.isnan(cx):
        drawing.line(area.x(cx), area.top, area.x(cx), area.bottom, "#555555", 0.9,
                     dash=(3.33, 1.44))
    if not math.isnan(cy):
        area.hline(cy, "#555555", 0.9, dash=(3.33, 1.44))
    corners = _ipa_corners(area, labels)
    shown = [(x, y, str(i.get("item", "")), i.get("quadrant_number")) for i in items
             for x, y in [(_number(i.get("x")), _number(i.get("y")))]
             if not (math.isnan(x) or math.isnan(y))]
    for x, y, _, quadrant in shown:  # area 28 pt², as matplotlib's scatter s=28
        drawing.circle(area.x(x), area.y(y), 2.65, QUADRANT_COLOURS.get(str(quadrant), GREY),
                       stroke="white", stroke_width=0.5)
    _place_labels(area, [p[:3] for p in shown], corners)
    if labels.get("x"):
        svgchart.x_label(drawing, area.left, area.right, area.bottom, labels["x"], 9.0)
    if labels.get("y"):
        area.y_label(labels["y"], 9.0, colour="#000000")
    if heading:
        drawing.text(drawing.width / 2, svgchart.GAP, heading, svgchart.TITLE_SIZE,
                     anchor="middle", valign="top", bold=True)
    return _finish(drawing, title)




def nrr_bars(elements: list[dict], names: dict[str, str],
             band_colours: dict[str, str] | None = None, title: str = "", *,
             value_key: str = "converted", band_labels: Mapping[str, str] | None = None,
             lang: str = "id") -> str:
    """The value of each IKM/SKM element, coloured by its band, with a band legend.

    Parameters
    ----------
    elements : list of dict
        ``analyses.ikm.elements`` rows: ``element``, ``band`` and the value under
        ``value_key``. Drawn in the given order, top to bottom.
    names : dict
        Translated element names by element id (shown after the id).
    band_colours : dict, optional
        Colour of each band; default :data:`BAND_COLOURS` (A..D). Every band in it appears in
        the legend, present or not.
    title : str, optional
        Chart title.
    value_key : str, keyword-only, default "converted"
        ``"converted"`` (0-100 axis) or ``"nrr"`` (0-4 axis).
    band_labels : dict, optional, keyword-only
        Translated band names (e.g. ``{"A": "Sangat baik"}``) for the legend; the letter alone
        otherwise.
    lang : {"id", "en"}, keyword-only, default "id"
        Decimal mark of the values printed.

    Returns
    -------
    str
        An ``<svg>`` element, or ``""`` when ``elements`` is empty.
    """
    if not elements:
        return ""
    colours = dict(band_colours or BAND_COLOURS)
    rows = [f"{e.get('element', '')}  {_wrap(names.get(str(e.get('element')), ''), 40, 2)}"
            .strip() for e in elements]
    values = [_number(e.get(value_key)) for e in elements]
    top = 100.0 if value_key == "converted" else 4.0
    top = max([top] + [v * 1.08 for v in values if not math.isnan(v)])
    height = 1.2 + 0.16 * _line_count(rows) + 0.2 * len(rows) + (0.35 if title else 0)
    drawing = _canvas(height, 7.5)
    legend = [f"{band} – {band_labels[band]}" if band_labels and band in band_labels
              else band for band in colours]
    entries = [svgchart.Entry(c, label) for c, label in zip(colours.values(), legend,
                                                            strict=True)]
    columns = _legend_columns(legend, 7.5)
    heading = _wrap(title, 90, 2)
    (panel,) = svgchart.panels(drawing, rows,
                               svgchart.legend_height(drawing, entries, columns, heading))
    panel.low, panel.high = 0.0, top * 1.1
    for position, (element, value) in enumerate(zip(elements, values, strict=True)):
        panel.bar(position, 0.0, value, 0.65, colours.get(str(element.get("band")), GREY))
    ticks = svgchart.tick_values(panel.low, panel.high, room=panel.right - panel.left)
    panel.x_axis(ticks, _tick_text(ticks, lang))
    panel.categories(rows)
    for position, value in enumerate(values):
        panel.value_label(position, value, format_number(value, 2, lang), top * 0.01)
    svgchart.legend(drawing, entries, columns, heading)
    return _finish(drawing, title)


def trend_line(rows: list[dict], title: str = "", *, value_key: str = "converted",
               period_key: str = "period", thresholds: Sequence[tuple[float, str]] = (),
               y_label: str = "", lang: str = "id") -> str:
    """A value across periods (the IKM of each survey year), with band thresholds.

    Parameters
    ----------
    rows : list of dict
        One row per period, oldest first: the period under ``period_key`` and the value
        under ``value_key`` (``analyses.ikm.trend.summary``).
    title : str, optional
        Chart title.
    value_key, period_key : str, keyword-only
        Keys of the value and of the period label.
    thresholds : sequence of (float, str), keyword-only
        Lower bounds of bands drawn as dashed lines, each labelled (``(88.31, "A")``).
    y_label : str, keyword-only
        Translated label of the value axis.
    lang : {"id", "en"}, keyword-only
        Decimal mark of the values printed.

    Returns
    -------
    str
        An ``<svg>`` element, or ``""`` with fewer than two periods (no trend to draw).
    """
    if len(rows) < 2:
        return ""
    periods = [str(row.get(period_key, "")) for row in rows]
    values = [_number(row.get(value_key)) for row in rows]
    known = [v for v in values if not math.isnan(v)] or [0.0]
    low = min(known + [t for t, _ in thresholds if t <= max(known)]) - 5
    high = max(known) + 5
    drawing = _canvas(2.6 + (0.35 if title else 0), 6.5)
    heading = _wrap(title, 90, 2)
    area, ticks = svgchart.plot(drawing, svgchart.title_height(heading) + 8, low, high + 2,
                                -0.5, len(periods) - 0.5)
    tick_text = _tick_text(ticks, lang)
    svgchart.place_left(area, [tick_text(t) for t in ticks], y_label)
    for bound, label in thresholds:
        if low <= bound <= high:
            area.hline(bound, GREY, 0.8, dash=(2.96, 1.28))
            drawing.text(area.x(len(periods) - 0.55), area.y(bound) - 2.0, label, 7.5,
                         anchor="end", valign="baseline", colour="#555555")
    area.series(values, OKABE_ITO["blue"], 1.8, 3.5)  # matplotlib's 6 pt marker and edge
    for x, value in enumerate(values):
        # half-up, as the report's tables print it (80.125 -> 80,13)
        text = "–" if math.isnan(value) else format_number(round_half_up(value, 2), 2, lang)
        drawing.text(area.x(x), area.y(0 if math.isnan(value) else value) - 7.0, text, 8.0,
                     anchor="middle", valign="baseline", colour=INK)
    area.y_axis(ticks, tick_text)
    area.periods(periods)
    if y_label:
        area.y_label(y_label, 8.0)
    if heading:
        drawing.text(drawing.width / 2, svgchart.GAP, heading, svgchart.TITLE_SIZE,
                     anchor="middle", valign="top", bold=True)
    return _finish(drawing, title)


# --------------------------------------------------------------------------- profile


def profile_bars(rows: list[dict], title: str = "", label_key: str = "category", *,
                 lang: str = "id") -> str:
    """Respondents per category of one profile field: count and percentage.

    Parameters
    ----------
    rows : list of dict
        The ``results["surveys"][s]["profile"]`` rows of one field: ``count``, ``percent``
        (else the share of the counts given) and a label. Drawn in the given order.
    title : str, optional
        Chart title (e.g. the translated field name).
    label_key : str, default "category"
        Key of the category label; rows where it is empty fall back to ``"category"``.
    lang : {"id", "en"}, keyword-only, default "id"
        Decimal mark of the percentages printed.

    Returns
    -------
    str
        An ``<svg>`` element, or ``""`` when ``rows`` is empty.
    """
    if not rows:
        return ""
    names = [_wrap(row.get(label_key) or row.get("category") or "–", 40, 2) for row in rows]
    counts = [_number(row.get("count")) for row in rows]
    total = sum(c for c in counts if not math.isnan(c))
    shares = [_number(row["percent"]) if "percent" in row
              else (100 * c / total if total else math.nan)
              for row, c in zip(rows, counts, strict=True)]
    texts = [f"{format_number(c, 0, lang)} ({format_number(s, 1, lang)}%)"
             for c, s in zip(counts, shares, strict=True)]
    height = 0.9 + 0.16 * _line_count(names) + 0.2 * len(rows) + (0.35 if title else 0)
    drawing = _canvas(height, 6.5)
    heading = _wrap(title, 90, 2)
    (panel,) = svgchart.panels(drawing, names, svgchart.title_height(heading))
    top = max([c for c in counts if not math.isnan(c)] + [1.0])
    panel.low, panel.high = 0.0, top * 1.3
    for position, count in enumerate(counts):
        panel.bar(position, 0.0, 0.0 if math.isnan(count) else count, 0.65,
                  SERIES_COLOURS["count"])
    ticks = svgchart.tick_values(panel.low, panel.high, room=panel.right - panel.left)
    panel.x_axis(ticks, _tick_text(ticks, lang))
    panel.categories(names)
    for position, (count, text) in enumerate(zip(counts, texts, strict=True)):
        panel.value_label(position, count, text, top * 0.01)
    if heading:
        drawing.text(drawing.width / 2, svgchart.GAP, heading, svgchart.TITLE_SIZE,
                     anchor="middle", valign="top", bold=True)
    return _finish(drawing, title)


# --------------------------------------------------------------------------- scorecard


def _perspective_name(row: Mapping[str, Any], key: str) -> str:
    """``row["name"][key]`` when ``name`` is a per-language dict holding ``key``, else
    ``row[key]``."""
    name = row.get("name")
    if isinstance(name, Mapping) and key in name:
        return str(name[key] or "")
    value = row.get(key)
    return "" if value is None else str(value)


def _status(row: Mapping[str, Any], value: float) -> str:
    """The row's ``colour`` as the scorecard classified it ("" when it has none)."""
    return str(row["colour"]) if row.get("colour") in TRAFFIC_LIGHTS else ""


def perspective_bars(perspectives: list[dict], name_key: str = "id", title: str = "", *,
                     colour_labels: Mapping[str, str] | None = None, lang: str = "id") -> str:
    """Value of each scorecard perspective against the 100 mark, in traffic-light colours.

    Parameters
    ----------
    perspectives : list of dict
        ``results["scorecard"]["perspectives"]`` rows: ``value``, a name and optionally
        ``colour`` (green / yellow / red). Drawn in the given order, top to bottom.
    name_key : str, default "id"
        Which name to show: ``row["name"][name_key]`` when ``name`` is a per-language dict
        (so ``"id"`` or ``"en"``), otherwise ``row[name_key]``.
    title : str, optional
        Chart title.
    colour_labels : dict, optional, keyword-only
        Legend text per colour; default :data:`TRAFFIC_LIGHT_LABELS` (the thresholds 80/100
        of :func:`surveyq.scorecard_math.ici_colour`).
    lang : {"id", "en"}, keyword-only, default "id"
        Decimal mark of the values printed.

    Returns
    -------
    str
        An ``<svg>`` element, or ``""`` when ``perspectives`` is empty.

    Notes
    -----
    Bars take the ``colour`` the scorecard gave each perspective (its ICI colour rule); the
    chart classifies nothing itself, so a row without one is drawn in neutral grey.
    """
    if not perspectives:
        return ""
    names = [_wrap(_perspective_name(row, name_key), 36, 2) for row in perspectives]
    values = [_number(row.get("value")) for row in perspectives]
    status = [_status(row, v) for row, v in zip(perspectives, values, strict=True)]
    legend = dict(colour_labels or TRAFFIC_LIGHT_LABELS)
    top = max([120.0] + [v * 1.1 for v in values if not math.isnan(v)])
    height = 1.2 + 0.16 * _line_count(names) + 0.3 * len(names) + (0.35 if title else 0)
    drawing = _canvas(height, 7.0)
    entries = [svgchart.Entry(TRAFFIC_LIGHTS.get(c, GREY), label, "#444444", 0.5)
               for c, label in legend.items()]
    columns = _legend_columns(list(legend.values()), 7.0)
    heading = _wrap(title, 90, 2)
    (panel,) = svgchart.panels(drawing, names,
                               svgchart.legend_height(drawing, entries, columns, heading))
    panel.low, panel.high = 0.0, top
    for position, (value, colour) in enumerate(zip(values, status, strict=True)):
        panel.bar(position, 0.0, value, 0.6, TRAFFIC_LIGHTS.get(colour, GREY),
                  stroke="#444444", stroke_width=0.5)
    panel.vline(100.0, INK, 1.0)
    panel.vline(80.0, GREY, 0.8, dash=(2.96, 1.28))
    ticks = svgchart.tick_values(panel.low, panel.high, room=panel.right - panel.left)
    panel.x_axis(ticks, _tick_text(ticks, lang))
    panel.categories(names)
    for position, value in enumerate(values):
        panel.value_label(position, value, format_number(value, 2, lang), 1.0)
    svgchart.legend(drawing, entries, columns, heading)
    return _finish(drawing, title)
