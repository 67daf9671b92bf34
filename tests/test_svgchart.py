"""Bar charts drawn directly: one set of shapes as SVG and as PNG, laid out by checked rules."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from surveyq.report import charts, svgchart

SVG = "{http://www.w3.org/2000/svg}"
ROWS = [{"category": "Laki-laki", "count": 30, "percent": 60.0},
        {"category": "Perempuan", "count": 20, "percent": 40.0}]


def dejavu() -> svgchart.Fonts:
    return svgchart.Fonts((("DejaVu Sans", svgchart.dejavu(), svgchart.dejavu(bold=True)),))


def test_panel_maps_values_and_categories_to_points() -> None:
    drawing = svgchart.Drawing(200, 100, dejavu())
    panel = svgchart.Panel(drawing, left=50, right=150, top=10, bottom=90, count=4,
                           low=-10, high=90)
    # 100 points for 100 units: x = 50 + (v + 10); 80 points for 4 categories: 20 each
    assert panel.x(-10) == 50 and panel.x(0) == 60 and panel.x(90) == 150
    assert [panel.y(i) for i in range(4)] == [20, 40, 60, 80]
    assert panel.band == 20
    panel.bar(1, 0, 40, 0.5, "#0072B2")  # from x 60 to 100, 10 points high around y 40
    assert drawing.to_svg("").count('<rect x="60" y="35" width="40" height="10" '
                                    'style="fill: #0072b2"/>') == 1


def test_bars_of_no_length_draw_nothing() -> None:
    drawing = svgchart.Drawing(100, 100, dejavu())
    panel = svgchart.Panel(drawing, 0, 100, 0, 100, 2)
    panel.bar(0, 0, 0.0, 0.5, "red")
    panel.bar(1, 0, float("nan"), 0.5, "red")
    assert drawing.shapes == []


def test_max_n_ticks_is_matplotlibs_max_n_locator() -> None:
    """The ticks are MaxNLocator's (matplotlib's own code, imported here), over ranges near
    zero, wide, narrow, empty, reversed and far from zero (an offset)."""
    import random

    from matplotlib.ticker import MaxNLocator

    draw = random.Random(13)
    ranges = [(0, 100), (0, 5), (-30, 100), (1, 1), (0, 0), (5, 1), (0.001, 0.0013),
              (1e6, 1e6 + 37), (-2.5, 7.5), (0, 1e-9)]
    ranges += [(low, low + draw.expovariate(0.01)) for low in
               (draw.uniform(-1e3, 1e3) for _ in range(300))]
    ranges += [(low, low + draw.uniform(0, 1000)) for low in
               (draw.uniform(1e5, 1e7) for _ in range(300))]
    for low, high in ranges:
        for bins in (1, 2, 3, 5, 9):
            for steps in ((1, 2, 2.5, 5, 10), (1, 2, 5, 10), (2, 5)):
                expected = MaxNLocator(nbins=bins, steps=list(steps)).tick_values(low, high)
                assert list(svgchart.max_n_ticks(low, high, bins, steps)) == list(expected), (
                    low, high, bins, steps)


def test_tick_values_by_step_and_within_the_limits() -> None:
    assert svgchart.tick_values(-30, 100, step=20) == [-20, 0, 20, 40, 60, 80, 100]
    assert svgchart.tick_values(0, 5, step=1) == [0, 1, 2, 3, 4, 5]
    # 0..130 over 160 points: at most 160 // 27 = 5 intervals of 1, 2, 2.5, 5 or 10 x 10^k
    assert svgchart.tick_values(0, 130, room=160) == [0, 50, 100]


def test_text_is_measured_with_the_fonts_advances() -> None:
    fonts = dejavu()
    # DejaVu Sans: "i" advances 569 and "m" 1995 units of 2048 per em (its hmtx table)
    assert fonts.width("i", 2048) == pytest.approx(569, abs=1)
    assert fonts.width("mi", 10) == pytest.approx((1995 + 569) * 10 / 2048, abs=0.01)
    assert fonts.width("", 10) == 0


def test_lines_of_a_label_are_centred_on_their_middle() -> None:
    drawing = svgchart.Drawing(100, 100, dejavu())
    drawing.text(90, 50, "one\ntwo", 10, anchor="end")
    first, second = drawing.shapes
    # two lines 12 points apart around y 50: baselines 50 - 6 + 3.6 and 50 + 6 + 3.6
    assert (first.y, second.y) == pytest.approx((47.6, 59.6))
    root = ET.fromstring(drawing.to_svg("t"))
    assert [el.text for el in root.iter(f"{SVG}text")] == ["one", "two"]


def test_png_paints_the_shapes_the_svg_holds() -> None:
    svg = charts.profile_bars(ROWS, "Jenis kelamin")
    png = charts.render_png(charts.profile_bars, ROWS, "Jenis kelamin", dpi=144)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    width, height = (float(v) for v in re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"',
                                                 svg).groups())
    assert image.size == (round(2 * width), round(2 * height))  # 144 dpi: 2 pixels a point
    assert image.info["dpi"] == pytest.approx((144, 144), abs=0.01)  # stored per metre
    bars = [el.attrib for el in ET.fromstring(svg).iter(f"{SVG}rect")
            if "#0072b2" in el.attrib.get("style", "")]
    assert len(bars) == 2
    for bar in bars:
        middle = (2 * (float(bar["x"]) + float(bar["width"]) / 2),
                  2 * (float(bar["y"]) + float(bar["height"]) / 2))
        assert image.getpixel(middle) == (0x00, 0x72, 0xB2)
    assert image.getpixel((2, 2)) == (255, 255, 255)


def test_dashed_lines_are_painted_in_dashes() -> None:
    drawing = svgchart.Drawing(20, 10, dejavu())
    drawing.line(0, 5, 20, 5, "#000000", 1, dash=(4, 4))
    assert 'stroke-dasharray: 4 4' in drawing.to_svg("")
    image = Image.open(io.BytesIO(drawing.to_png(72))).convert("L")
    row = [image.getpixel((x, 5)) for x in range(20)]
    # on 0-4, off 4-8, on 8-12, off 12-16, on 16-20
    assert row[1] < 128 and row[6] > 128 and row[9] < 128 and row[14] > 128 and row[18] < 128


def test_plot_maps_periods_and_values_and_breaks_lines_at_gaps() -> None:
    drawing = svgchart.Drawing(200, 100, dejavu())
    area = svgchart.Plot(drawing, left=20, right=180, top=10, bottom=90, first=-0.5, last=3.5,
                         low=60, high=100)
    # 160 points for 4 periods: 40 each, period 0 at 20 + 20; 80 points for 40 units, upwards
    assert [area.x(i) for i in range(4)] == [40, 80, 120, 160]
    assert (area.y(60), area.y(80), area.y(100)) == (90, 50, 10)
    area.series([70.0, 80.0, float("nan"), 90.0], "#0072B2", 1.8, 3.0)
    lines = [s for s in drawing.shapes if type(s).__name__ == "_Polyline"]
    dots = [s for s in drawing.shapes if type(s).__name__ == "_Circle"]
    assert [line.points for line in lines] == [((40, 70), (80, 50))]  # 90 alone: no line
    assert [(dot.x, dot.y) for dot in dots] == [(40, 70), (80, 50), (160, 30)]
    assert drawing.smooth  # slanted lines and dots are painted anti-aliased


def test_upright_text_turns_about_its_anchor() -> None:
    drawing = svgchart.Drawing(100, 100, dejavu())
    drawing.upright(12, 50, "Nilai", 8)
    assert 'transform="rotate(-90 12 50)"' in drawing.to_svg("")
    image = Image.open(io.BytesIO(drawing.to_png(144))).convert("L")
    # read bottom to top at x 12 pt (24 px): ink left of the baseline, around y 50 pt
    ink = [(x, y) for x in range(image.width) for y in range(image.height)
           if image.getpixel((x, y)) < 128]
    assert ink and all(x < 24 + 2 for x, _ in ink)
    ys = [y for _, y in ink]
    assert min(ys) < 100 < max(ys)


@pytest.mark.parametrize("dpi", [72, 150, 300])
def test_png_holds_every_pixel_and_the_dpi(dpi: int) -> None:
    """The PNG writer against Pillow's decoder and python-docx's reading of its size: noise
    (every byte value, no two rows alike) comes back pixel for pixel, at the dpi Pillow's
    own encoder would have stored."""
    import numpy as np
    from docx.image.image import Image as DocxImage

    pixels = np.random.default_rng(7).integers(0, 256, (37, 53, 3), dtype=np.uint8)
    data = svgchart._png(Image.fromarray(pixels, "RGB"), dpi)
    decoded = Image.open(io.BytesIO(data))
    decoded.load()
    assert decoded.mode == "RGB" and decoded.size == (53, 37)
    assert (np.asarray(decoded) == pixels).all()
    pillow = io.BytesIO()
    Image.fromarray(pixels, "RGB").save(pillow, format="png", dpi=(dpi, dpi))
    assert decoded.info["dpi"] == Image.open(pillow).info["dpi"]
    assert (DocxImage.from_blob(data).horz_dpi, DocxImage.from_blob(data).vert_dpi) == (dpi, dpi)
