"""Scorecard and strategy charts: the IE matrix, the score trend and the strategy map.

Same rules as :mod:`surveyq.report.charts` (matplotlib without pyplot, text kept as text,
deterministic ids, nothing loaded from outside): each function takes rows of
``results.json`` and already translated labels, and returns one ``<svg>`` element, or
``""`` when there is nothing to draw. :func:`strategy_map_png` renders the same strategy
map as PNG bytes for the Word appendix. No function computes a statistic: positions,
colours and arrows come from the results as they are.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch, Rectangle
from matplotlib.path import Path as BezierPath

from surveyq.report import svgchart
from surveyq.report.charts import (
    GREY,
    INK,
    OKABE_ITO,
    TRAFFIC_LIGHTS,
    _canvas,
    _finish,
    _ink_on,
    _legend_columns,
    _number,
    _tick_text,
    _wrap,
)
from surveyq.report.i18n import format_number
from surveyq.report.mplchart import _png, _style, _title, _to_svg

__all__ = ["ie_matrix_chart", "strategy_map", "strategy_map_png", "trend_lines"]

#: IE strategy zones: grow and build, hold and maintain, harvest or divest.
IE_COLOURS = {"grow_and_build": "#cfe8d8", "hold_and_maintain": "#fbeec2",
              "harvest_or_divest": "#f6d3c2"}
_IE_ZONES = ("grow_and_build", "grow_and_build", "hold_and_maintain",
             "grow_and_build", "hold_and_maintain", "harvest_or_divest",
             "hold_and_maintain", "harvest_or_divest", "harvest_or_divest")
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX")
_SERIES = (OKABE_ITO["blue"], OKABE_ITO["orange"], OKABE_ITO["bluish_green"],
           OKABE_ITO["reddish_purple"], OKABE_ITO["sky_blue"], OKABE_ITO["vermillion"])


# --------------------------------------------------------------------------- IE matrix


def _ie_cells(area: svgchart.Plot) -> None:
    """The nine cells, numbered I-IX from the top left (David's layout: IFE 4, strong, at the
    left to 1 at the right; EFE 4 at the top), coloured by strategy zone."""
    drawing = area.drawing
    edges = (4.0, 3.0, 2.0, 1.0)
    for number in range(9):
        row, column = divmod(number, 3)
        left, top = edges[column], edges[row]
        x0, y0 = area.x(left), area.y(top)
        drawing.rect(x0, y0, area.x(left - 1) - x0, area.y(top - 1) - y0,
                     IE_COLOURS[_IE_ZONES[number]], stroke="#777777", stroke_width=0.8)
        drawing.text(area.x(left - 0.5), area.y(top - 0.5), _ROMAN[number], 13.0,
                     anchor="middle", colour="#555555")


def ie_matrix_chart(ife_total: Any, efe_total: Any, zone_labels: Mapping[str, str],
                    axis_labels: tuple[str, str], title: str = "", *, lang: str = "id") -> str:
    """The Internal-External matrix with the organisation's position.

    Parameters
    ----------
    ife_total, efe_total : float
        The IFE (x) and EFE (y) total weighted scores, 1-4.
    zone_labels : dict
        Translated name of each strategy zone (grow_and_build, hold_and_maintain,
        harvest_or_divest), shown in the legend.
    axis_labels : (str, str)
        Translated x and y axis labels.
    title : str, optional
    lang : {"id", "en"}

    Returns
    -------
    str
        An ``<svg>`` element; ``""`` when a total is missing.
    """
    ife, efe = _number(ife_total), _number(efe_total)
    if math.isnan(ife) or math.isnan(efe):
        return ""
    drawing = _canvas(5.2, 5.4)
    entries = [svgchart.Entry(IE_COLOURS[zone], label, "#777777", 0.8)
               for zone, label in zone_labels.items()]
    columns = _legend_columns([entry.label for entry in entries], 5.4)
    heading = _wrap(title, 90, 2)
    above = svgchart.legend_height(drawing, entries, columns, heading)
    label_room = svgchart.LEADING * svgchart.SIZE + 4.0  # an axis label and its pad
    area, _ = svgchart.plot(drawing, above, 1.0, 4.0, 4.0, 1.0, below=label_room)
    ticks = [1.0, 2.0, 3.0, 4.0]
    tick_text = _tick_text(ticks, lang)
    svgchart.place_left(area, [tick_text(t) for t in ticks], axis_labels[1], svgchart.SIZE)
    # equal scales: a square plot, centred in the room left for it
    side = min(area.right - area.left, area.bottom - area.top)
    area.left += (area.right - area.left - side) / 2
    area.right, area.top = area.left + side, area.bottom - side
    _ie_cells(area)
    area.y_axis(ticks, tick_text)
    area.x_axis(ticks, tick_text)
    x, y = area.x(ife), area.y(efe)
    drawing.circle(x, y, 5.0, INK)
    drawing.label(x + 8.0, y - 8.0, f"({format_number(ife, 2, lang)}; "
                  f"{format_number(efe, 2, lang)})", 8.5, anchor="start", valign="bottom")
    drawing.text((area.left + area.right) / 2, area.bottom + svgchart.TICK + svgchart.PAD
                 + svgchart.LEADING * svgchart.SIZE + 4.0, axis_labels[0], svgchart.SIZE,
                 anchor="middle", valign="top")
    drawing.upright(area.left - svgchart.TICK - svgchart.PAD - max(
        drawing.width_of(tick_text(t), svgchart.SIZE) for t in ticks) - 4.0,
        (area.top + area.bottom) / 2, axis_labels[1], svgchart.SIZE, colour="#000000")
    svgchart.legend(drawing, entries, columns, heading)
    return _finish(drawing, title)


# --------------------------------------------------------------------------- trend


def trend_lines(periods: Sequence[str], series: Mapping[str, Sequence[Any]], title: str = "",
                *, reference: float | None = 100.0, lang: str = "id") -> str:
    """Scores by period, one line per series (the score first, then each perspective).

    Parameters
    ----------
    periods : sequence of str
        X-axis labels, in order.
    series : dict
        Translated series name -> one value per period (None draws a gap).
    title : str, optional
    reference : float, optional
        A horizontal reference line (100: the target; None for none).
    lang : {"id", "en"}

    Returns
    -------
    str
        An ``<svg>`` element; ``""`` with fewer than two periods or no series.
    """
    if len(periods) < 2 or not series:
        return ""
    numbers = {name: [_number(v) for v in values] for name, values in series.items()}
    known = [v for values in numbers.values() for v in values if not math.isnan(v)]
    known += [] if reference is None else [reference]
    low, high = (min(known), max(known)) if known else (0.0, 1.0)
    margin = 0.05 * (high - low) if high > low else 0.5  # matplotlib's default margins
    drawing = _canvas(3.6 + 0.2 * math.ceil(len(series) / 3), 7.0)
    entries = [svgchart.Entry(_line_colour(index), _wrap(name, 48, 1), line=_line_width(index))
               for index, name in enumerate(series)]
    columns = _legend_columns([entry.label for entry in entries], 7.0)
    heading = _wrap(title, 90, 2)
    above = svgchart.legend_height(drawing, entries, columns, heading)
    area, ticks = svgchart.plot(drawing, above, low - margin, high + margin, -0.3,
                                len(periods) - 0.7)
    tick_text = _tick_text(ticks, lang)
    svgchart.place_left(area, [tick_text(t) for t in ticks])
    area.y_axis(ticks, tick_text, grid="#e6e6e6")
    if reference is not None:
        area.hline(reference, GREY, 0.8, dash=(2.96, 1.28))
    # the score on top of the perspectives' lines, its values on a light ground
    for index, values in reversed(list(enumerate(numbers.values()))):
        area.series(values, _line_colour(index), _line_width(index), 2.5)
    for x, value in enumerate(next(iter(numbers.values()))):
        if not math.isnan(value):
            drawing.label(area.x(x), area.y(value) - 7.0, format_number(value, 2, lang), 8.0,
                          valign="bottom")
    area.periods(list(periods))
    svgchart.legend(drawing, entries, columns, heading)
    return _finish(drawing, title)


def _line_colour(index: int) -> str:
    """The score in ink, then each perspective in the palette's order."""
    return INK if index == 0 else _SERIES[(index - 1) % len(_SERIES)]


def _line_width(index: int) -> float:
    return 2.4 if index == 0 else 1.3


# --------------------------------------------------------------------------- strategy map


_BOX_W, _BOX_H, _BAND_H, _LABEL_W = 1.9, 0.62, 1.0, 1.55


def _ordered(perspectives: Sequence[Mapping[str, Any]], objectives: Sequence[Mapping[str, Any]]
             ) -> list[list[Mapping[str, Any]]]:
    """Objectives per band, each band below the first ordered by the mean position of the
    objectives it supports in the bands above (the barycentre heuristic of layered graph
    drawing, Sugiyama et al. 1981), so arrows cross less; ties keep the YAML order."""
    bands: list[list[Mapping[str, Any]]] = []
    position: dict[str, float] = {}
    for perspective in perspectives:
        members = [o for o in objectives if o["perspective"] == perspective["id"]]

        def key(item: tuple[int, Mapping[str, Any]], n: int = len(members)) -> float:
            index, obj = item
            above = [position[t] for t in obj.get("supports") or [] if t in position]
            return sum(above) / len(above) if above else (index + 0.5) / n

        members = [obj for _, obj in sorted(enumerate(members), key=key)]
        position.update({o["id"]: (i + 0.5) / len(members) for i, o in enumerate(members)})
        bands.append(members)
    return bands


def _layout(perspectives: Sequence[Mapping[str, Any]], objectives: Sequence[Mapping[str, Any]]
            ) -> tuple[dict[str, tuple[float, float]], float]:
    """Box centres by objective id: one band per perspective, top to bottom in order."""
    bands = _ordered(perspectives, objectives)
    widest = max([len(members) for members in bands] + [1])
    width = _LABEL_W + widest * (_BOX_W + 0.3) + 0.3
    centres = {}
    for row, members in enumerate(bands):
        room = width - _LABEL_W
        step = room / max(len(members), 1)
        y = (len(perspectives) - row - 0.5) * _BAND_H
        for index, obj in enumerate(members):
            centres[obj["id"]] = (_LABEL_W + step * (index + 0.5), y)
    return centres, width


def _edge(a: tuple[float, float], b: tuple[float, float]) -> FancyArrowPatch:
    """The arrow from box centre ``a`` to box centre ``b``.

    Within a band: top edge to top edge, arched over the boxes between them (a straight
    line would pass behind them and seem to start at the box it leaves). Between bands:
    from the source box's edge to the target box's edge as a cubic curve leaving and
    arriving vertically, so a link to a box far to the side runs through the gap between
    the bands instead of behind the boxes next to its target."""
    (x1, y1), (x2, y2) = a, b
    style = {"arrowstyle": "-|>", "mutation_scale": 11, "color": "#444444",
             "linewidth": 1.0, "zorder": 6}
    if abs(y1 - y2) < 1e-9:
        top = _BOX_H / 2
        rad = min(0.28, 0.5 / abs(x2 - x1))  # an arch about a quarter band high
        return FancyArrowPatch((x1, y1 + top), (x2, y2 + top),
                               connectionstyle=f"arc3,rad={-rad if x2 > x1 else rad:.3f}",
                               **style)
    sign = 1 if y2 > y1 else -1
    start, end = (x1, y1 + sign * _BOX_H / 2), (x2, y2 - sign * _BOX_H / 2)
    # control points a little short of the gap's middle: the curve stays inside the gap
    # (its height is monotone between the two edges) and meets each box upright
    reach = 0.45 * (end[1] - start[1])
    path = BezierPath([start, (start[0], start[1] + reach), (end[0], end[1] - reach), end],
                      [BezierPath.MOVETO, BezierPath.CURVE4, BezierPath.CURVE4,
                       BezierPath.CURVE4])
    return FancyArrowPatch(path=path, **style)


def _draw_map(fig: Figure, perspectives: Sequence[Mapping[str, Any]],
              objectives: Sequence[Mapping[str, Any]], names: Mapping[str, str],
              colour_labels: Mapping[str, str], no_data: str, lang: str) -> None:
    centres, width = _layout(perspectives, objectives)
    height = len(perspectives) * _BAND_H
    ax = fig.add_axes((0, 0, 1, 0.9))
    ax.set_xlim(0, width)
    ax.set_ylim(-0.05, height + 0.05)
    ax.axis("off")
    for row, perspective in enumerate(perspectives):
        y0 = (len(perspectives) - row - 1) * _BAND_H
        ax.add_patch(Rectangle((0.02, y0 + 0.03), width - 0.04, _BAND_H - 0.06,
                               facecolor="#f2f4f7" if row % 2 == 0 else "#e8ecf1",
                               edgecolor="none"))
        ax.text(0.1, y0 + _BAND_H / 2, _wrap(names.get(perspective["id"], perspective["id"]),
                                              18, 4), va="center", ha="left", fontsize=8.5,
                fontweight="bold", color=INK)
    for obj in objectives:
        for target in obj.get("supports") or []:
            if obj["id"] in centres and target in centres:
                ax.add_patch(_edge(centres[obj["id"]], centres[target]))
    for obj in objectives:
        if obj["id"] not in centres:
            continue
        x, y = centres[obj["id"]]
        colour = TRAFFIC_LIGHTS.get(str(obj.get("colour")), "#d9d9d9")
        ax.add_patch(FancyBboxPatch((x - _BOX_W / 2, y - _BOX_H / 2), _BOX_W, _BOX_H,
                                    boxstyle="round,pad=0.02,rounding_size=0.08",
                                    facecolor=colour, edgecolor="#444444", linewidth=0.7,
                                    zorder=4))
        value = _number(obj.get("value"))
        shown = no_data if math.isnan(value) else format_number(value, 2, lang)
        label = f"{obj['id']} · {shown}\n{_wrap(obj.get('label', ''), 30, 2)}"
        ax.text(x, y, label, ha="center", va="center", fontsize=7, zorder=5,
                color=_ink_on(colour), linespacing=1.15)
    handles = [Patch(facecolor=TRAFFIC_LIGHTS.get(c, "#d9d9d9"), edgecolor="#444444")
               for c in colour_labels]
    fig.legend(handles, list(colour_labels.values()), loc="upper center",
               ncols=len(colour_labels), fontsize=8, frameon=False)


def _map_figure(perspectives: Sequence[Mapping[str, Any]], objectives: Sequence[Mapping[str, Any]],
                names: Mapping[str, str], colour_labels: Mapping[str, str], no_data: str,
                lang: str) -> Figure:
    _, width = _layout(perspectives, objectives)
    fig = Figure(figsize=(max(7.0, width * 0.95), len(perspectives) * 1.05 + 0.7))
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    _draw_map(fig, perspectives, objectives, names, colour_labels, no_data, lang)
    return fig


def strategy_map(perspectives: list[dict], objectives: list[dict], names: Mapping[str, str],
                 colour_labels: Mapping[str, str], title: str = "", *, no_data: str = "–",
                 lang: str = "id") -> str:
    """The strategy map: perspectives as bands, objectives as boxes, cause-effect arrows.

    Parameters
    ----------
    perspectives : list of dict
        ``results["scorecard"]["perspectives"]``, drawn top to bottom in this order.
    objectives : list of dict
        ``results["scorecard"]["objectives"]`` rows: ``id``, ``perspective``, ``value``,
        ``colour`` (the scorecard's traffic light), ``supports`` (ids it drives) and a
        translated ``label``.
    names : dict
        Translated perspective names by id.
    colour_labels : dict
        Legend text per status colour.
    title : str, optional
    no_data : str
        Printed in a box without a value.
    lang : {"id", "en"}

    Returns
    -------
    str
        An ``<svg>`` element; ``""`` without objectives.
    """
    if not objectives:
        return ""
    with _style("strategy-map"):
        fig = _map_figure(perspectives, objectives, names, colour_labels, no_data, lang)
        _title(fig, title)
        return _to_svg(fig, title)


def strategy_map_png(perspectives: list[dict], objectives: list[dict], names: Mapping[str, str],
                     colour_labels: Mapping[str, str], *, no_data: str = "–", lang: str = "id",
                     dpi: int = 150) -> bytes:
    """The strategy map of :func:`strategy_map` as PNG bytes (for Word); b"" without
    objectives."""
    if not objectives:
        return b""
    with _style("strategy-map"):
        fig = _map_figure(perspectives, objectives, names, colour_labels, no_data, lang)
        return _png(fig, dpi)
