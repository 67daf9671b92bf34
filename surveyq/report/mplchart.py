"""matplotlib's part of the charts: the figures :mod:`surveyq.report.bsc_charts` still draws
with it (the IE matrix and the strategy map), as inline SVG or as PNG.

The report's other charts are drawn directly (:mod:`surveyq.report.svgchart`); keeping
matplotlib's figure machinery here means a report without these two charts never imports it
(about half a CPU second). The style, fonts and glyph warning are the charts' own
(:func:`surveyq.report.charts._fonts`, :class:`surveyq.report.charts.GlyphWarning`).
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from xml.sax.saxutils import escape

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter

from surveyq.report import charts
from surveyq.report.charts import _WIDTH, _legend_columns, _wrap
from surveyq.report.i18n import format_number

_STYLE: dict[str, Any] = {
    "svg.fonttype": "none",
    "svg.image_inline": True,
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],  # and Noto Sans CJK where installed: _fonts()
    "font.size": 9,
    "text.parse_math": False,
    "text.usetex": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#555555",
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "figure.titlesize": 11,
    "figure.titleweight": "bold",
    "figure.dpi": 72,
    "figure.facecolor": "white",
    "legend.frameon": False,
    "legend.fontsize": 8.5,
}
_NO_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}

#: matplotlib warns once per missing glyph and label, thousands of times for a Korean export;
#: surveyq says it once itself (:class:`GlyphWarning`) and holds these back while it draws.
_GLYPH_MISSING = r"Glyph \d+ .*missing from"



_GLYPH_NUMBER = re.compile(r"Glyph (\d+) ")


def _warn_missing_glyphs(caught: Sequence[warnings.WarningMessage]) -> None:
    """Say once per process that chart text holds characters no font can draw, from the
    warnings matplotlib gave while drawing (it names each missing glyph); others pass on."""
    missing: set[str] = set()
    for warning in caught:
        found = _GLYPH_NUMBER.match(str(warning.message))
        if found and issubclass(warning.category, UserWarning):
            missing.add(chr(int(found.group(1))))
        else:
            warnings.warn_explicit(warning.message, warning.category, warning.filename,
                                   warning.lineno, source=warning.source)
    charts._warn_once(missing, stacklevel=4)


@contextmanager
def _style(salt: str) -> Iterator[None]:
    """Scope the chart style; ``salt`` fixes the SVG ids (deterministic output).

    matplotlib's glyph warnings are caught while the chart draws and said once
    (:func:`_warn_missing_glyphs`): listening costs nothing, where walking every artist of
    every figure for its text took about a tenth of a chart's time.
    """
    # the fallback works through a family list, not through the generic family's list;
    # "sans-serif" last keeps the SVG's generic fallback for browsers
    with warnings.catch_warnings(record=True) as caught:
        warnings.filterwarnings("always", message=_GLYPH_MISSING, category=UserWarning)
        with matplotlib.rc_context({**_STYLE, "font.family": [*charts._fonts(), "sans-serif"],
                                    "svg.hashsalt": f"surveyq-{salt}"}):
            yield
    _warn_missing_glyphs(caught)


def _figure(height: float, width: float = _WIDTH, layout: str | None = "constrained") -> Figure:
    fig = Figure(figsize=(width, max(height, 1.6)), layout=layout)
    FigureCanvasAgg(fig)
    return fig



def _to_svg(fig: Figure, title: str) -> str:
    """Serialise ``fig`` as a bare ``<svg>`` element (with a ``<title>``).

    The figure is not cleared afterwards: nothing else holds it, and clearing its artists
    one by one cost more than a tenth of a chart."""
    dpi = getattr(charts._RASTER, "dpi", None)
    if dpi:  # render_png asked for a raster image
        return _png(fig, dpi)  # type: ignore[return-value]
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata=_NO_METADATA)
    text = buffer.getvalue()
    # Drop the prolog and the group ids (never referenced; they would repeat across charts).
    text = re.sub(r'<g id="[^"]*"', "<g", text[text.index("<svg"):])
    head, rest = text.split(">", 1)
    label = f"<title>{escape(title)}</title>" if title else ""
    head = head.replace("<svg ", '<svg role="img" ', 1)
    return f"{head}>{label}{rest}"


def _png(fig: Figure, dpi: float) -> bytes:
    """``fig`` as an opaque PNG at ``dpi``.

    Charts are drawn on white, so the image is written as RGB, not matplotlib's RGBA, and at
    zlib level 3, not Pillow's 6: together 40 % less time encoding (a chart at 150 dpi is
    about 1200 x 1400 pixels) and 8 % smaller files, the pixels unchanged. No text chunks
    (matplotlib's "Software"); the dpi is kept (Word sizes the image by it).
    """
    from PIL import Image

    fig.set_dpi(dpi)
    canvas = fig.canvas
    canvas.draw()
    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw",
                             "RGBA", 0, 1)
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="png", compress_level=3, dpi=(dpi, dpi))
    return buffer.getvalue()


def _title(fig: Figure, title: str) -> None:
    if title:
        fig.suptitle(_wrap(title, 90, 2))



def _legend(fig: Figure, handles: Sequence[Any], labels: Sequence[str], title: str) -> Any:
    """Title and legend as one block at the top (a separate suptitle would overlap it).

    Under constrained layout the legend is placed outside the axes by the solver; without a
    layout engine it hangs from the top edge.
    """
    fixed = fig.get_layout_engine() is None
    return fig.legend(handles, labels, loc="upper center" if fixed else "outside upper center",
                      ncols=_legend_columns(labels, fig.get_figwidth()),
                      title=_wrap(title, 90, 2) or None,
                      title_fontproperties={"weight": "bold", "size": 11})


class _LocaleTicks(Formatter):
    """Tick labels in the report language, with just enough decimals to tell ticks apart."""

    def __init__(self, lang: str, suffix: str = "") -> None:
        self.lang, self.suffix, self.decimals = lang, suffix, 0

    def set_locs(self, locs: Sequence[float]) -> None:
        super().set_locs(locs)
        self.decimals = next((d for d in range(5)
                              if all(abs(round(x, d) - x) < 1e-9 for x in locs)), 4)

    def __call__(self, x: float, pos: int | None = None) -> str:
        return format_number(float(x), self.decimals, self.lang) + self.suffix


