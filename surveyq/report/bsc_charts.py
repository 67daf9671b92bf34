"""Scorecard and strategy charts: the IE matrix, the score trend and the strategy map.

Same rules as :mod:`surveyq.report.charts` (drawn directly by
:mod:`surveyq.report.svgchart`, text kept as text, deterministic, nothing loaded from
outside): each function takes rows of ``results.json`` and already translated labels, and
returns one ``<svg>`` element, or ``""`` when there is nothing to draw.
:func:`strategy_map_png` paints the same strategy map as PNG bytes for the Word appendix.
No function computes a statistic: positions, colours and arrows come from the results as
they are.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

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
    render_png,
)
from surveyq.report.i18n import format_number

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
    area, _ = svgchart.plot(drawing, above, 1.0, 4.0, 4.0, 1.0,
                            below=svgchart.x_label_room(axis_labels[0], svgchart.SIZE))
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
    svgchart.x_label(drawing, area.left, area.right, area.bottom, axis_labels[0], svgchart.SIZE)
    area.y_label(axis_labels[1], svgchart.SIZE, colour="#000000")
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


def _edge(a: tuple[float, float], b: tuple[float, float]
          ) -> tuple[tuple[float, float], ...]:
    """The Bézier control points (map units, y up) of the arrow from box centre ``a`` to box
    centre ``b``: three for a quadratic curve, four for a cubic one.

    Within a band: top edge to top edge, arched over the boxes between them (a straight
    line would pass behind them and seem to start at the box it leaves); the arch's control
    point is matplotlib's ``arc3`` one, placed on the page by :func:`_link`. Between bands: from the
    source box's edge to the target box's edge as a cubic curve leaving and arriving
    vertically, so a link to a box far to the side runs through the gap between the bands
    instead of behind the boxes next to its target."""
    (x1, y1), (x2, y2) = a, b
    if abs(y1 - y2) < 1e-9:
        top = _BOX_H / 2
        rad = min(0.28, 0.5 / abs(x2 - x1))  # an arch about a quarter band high
        return ((x1, y1 + top), (-rad if x2 > x1 else rad, 0.0), (x2, y2 + top))
    sign = 1 if y2 > y1 else -1
    start, end = (x1, y1 + sign * _BOX_H / 2), (x2, y2 - sign * _BOX_H / 2)
    # control points a little short of the gap's middle: the curve stays inside the gap
    # (its height is monotone between the two edges) and meets each box upright
    reach = 0.45 * (end[1] - start[1])
    return (start, (start[0], start[1] + reach), (end[0], end[1] - reach), end)


def _curve(points: Sequence[tuple[float, float]], steps: int = 24
           ) -> list[tuple[float, float]]:
    """Points along the Bézier curve of ``points`` (De Casteljau), ends included."""
    samples = []
    for step in range(steps + 1):
        t, level = step / steps, list(points)
        while len(level) > 1:
            level = [((1 - t) * p[0] + t * q[0], (1 - t) * p[1] + t * q[1])
                     for p, q in zip(level, level[1:], strict=False)]
        samples.append(level[0])
    return samples


def _trim(points: list[tuple[float, float]], length: float, at_end: bool
          ) -> list[tuple[float, float]]:
    """``points`` less ``length`` points of their run at one end."""
    run = points[::-1] if at_end else points
    while len(run) > 2 and math.dist(run[0], run[1]) <= length:
        length -= math.dist(run[0], run[1])
        run = run[1:]
    (x0, y0), (x1, y1) = run[0], run[1]
    share = min(length / (math.dist(run[0], run[1]) or 1.0), 1.0)
    run = [(x0 + share * (x1 - x0), y0 + share * (y1 - y0)), *run[1:]]
    return run[::-1] if at_end else run


def _arrow(drawing: svgchart.Drawing, points: list[tuple[float, float]]) -> None:
    """A line along ``points`` ending in a filled head, both ends 2 points short of the
    boxes: matplotlib's ``-|>`` at mutation scale 11 (a head 4.4 points long, 2.2 each
    side) with its 1-point outline, so 5 points long and 2.7 each side."""
    points = _trim(_trim(points, 2.0, at_end=False), 2.0, at_end=True)
    tip, before = points[-1], points[-2]
    length = math.dist(tip, before) or 1.0
    ux, uy = (tip[0] - before[0]) / length, (tip[1] - before[1]) / length
    base = (tip[0] - 5.0 * ux, tip[1] - 5.0 * uy)
    drawing.polyline(_trim(points, 5.0, at_end=True), "#444444", 1.0)
    drawing.polygon([tip, (base[0] - 2.7 * uy, base[1] + 2.7 * ux),
                     (base[0] + 2.7 * uy, base[1] - 2.7 * ux)], "#444444")


def _map_drawing(perspectives: Sequence[Mapping[str, Any]],
                 objectives: Sequence[Mapping[str, Any]], names: Mapping[str, str],
                 colour_labels: Mapping[str, str], no_data: str, lang: str, title: str = ""
                 ) -> svgchart.Drawing:
    centres, width = _layout(perspectives, objectives)
    height = len(perspectives) * _BAND_H
    drawing = _canvas(len(perspectives) * 1.05 + 0.7, max(7.0, width * 0.95))
    entries = [svgchart.Entry(TRAFFIC_LIGHTS.get(c, "#d9d9d9"), label, "#444444", 0.8)
               for c, label in colour_labels.items()]
    heading = _wrap(title, 90, 2)
    top = max(0.1 * drawing.height,
              svgchart.legend_height(drawing, entries, len(entries), heading))
    sx = drawing.width / width
    sy = (drawing.height - top) / (height + 0.1)

    def at(x: float, y: float) -> tuple[float, float]:
        return x * sx, drawing.height - (y + 0.05) * sy

    _bands(drawing, perspectives, names, width, at)
    _boxes(drawing, objectives, centres, no_data, lang, at, min(sx, sy))
    for obj in objectives:
        for target in obj.get("supports") or []:
            if obj["id"] in centres and target in centres:
                _link(drawing, _edge(centres[obj["id"]], centres[target]), at)
    svgchart.legend(drawing, entries, len(entries), heading)
    return drawing


def _bands(drawing: svgchart.Drawing, perspectives: Sequence[Mapping[str, Any]],
           names: Mapping[str, str], width: float, at: Any) -> None:
    """One shaded band per perspective, its name at the left."""
    for row, perspective in enumerate(perspectives):
        y0 = (len(perspectives) - row - 1) * _BAND_H
        (left, bottom), (right, top) = at(0.02, y0 + 0.03), at(width - 0.02, y0 + _BAND_H - 0.03)
        drawing.rect(left, top, right - left, bottom - top,
                     "#f2f4f7" if row % 2 == 0 else "#e8ecf1")
        x, y = at(0.1, y0 + _BAND_H / 2)
        drawing.text(x, y, _wrap(names.get(perspective["id"], perspective["id"]), 18, 4), 8.5,
                     bold=True, colour=INK)


def _boxes(drawing: svgchart.Drawing, objectives: Sequence[Mapping[str, Any]],
           centres: Mapping[str, tuple[float, float]], no_data: str, lang: str, at: Any,
           unit: float) -> None:
    """Each objective's box in its status colour: its id, value and (wrapped) name."""
    for obj in objectives:
        if obj["id"] not in centres:
            continue
        x, y = centres[obj["id"]]
        colour = TRAFFIC_LIGHTS.get(str(obj.get("colour")), "#d9d9d9")
        (left, bottom) = at(x - _BOX_W / 2 - 0.02, y - _BOX_H / 2 - 0.02)
        (right, top) = at(x + _BOX_W / 2 + 0.02, y + _BOX_H / 2 + 0.02)
        drawing.rect(left, top, right - left, bottom - top, colour, stroke="#444444",
                     stroke_width=0.7, radius=0.08 * unit)
        value = _number(obj.get("value"))
        shown = no_data if math.isnan(value) else format_number(value, 2, lang)
        label = f"{obj['id']} · {shown}\n{_wrap(obj.get('label', ''), 30, 2)}"
        drawing.text(*at(x, y), label, 7.0, anchor="middle", colour=_ink_on(colour))


def _link(drawing: svgchart.Drawing, control: Sequence[tuple[float, float]], at: Any) -> None:
    """An arrow along the Bézier curve of map ``control`` points (the arc of :func:`_edge`
    within a band)."""
    if len(control) == 3:  # arc3: its control point is found on the page, as matplotlib's
        (x1, y1), (x2, y2) = at(*control[0]), at(*control[2])
        rad = control[1][0]
        middle = ((x1 + x2) / 2 - rad * (y2 - y1), (y1 + y2) / 2 + rad * (x2 - x1))
        points = [(x1, y1), middle, (x2, y2)]
    else:
        points = [at(x, y) for x, y in control]
    _arrow(drawing, _curve(points))


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
    return _finish(_map_drawing(perspectives, objectives, names, colour_labels, no_data, lang,
                                title), title)


def strategy_map_png(perspectives: list[dict], objectives: list[dict], names: Mapping[str, str],
                     colour_labels: Mapping[str, str], *, no_data: str = "–", lang: str = "id",
                     dpi: int = 150) -> bytes:
    """The strategy map of :func:`strategy_map` as PNG bytes (for Word); b"" without
    objectives."""
    if not objectives:
        return b""
    return render_png(strategy_map, perspectives, objectives, names, colour_labels,
                      no_data=no_data, lang=lang, dpi=dpi)
