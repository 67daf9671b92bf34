"""Charts as inline SVG: well-formed, self-contained, deterministic, escaped, colour-blind safe."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from itertools import combinations
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pytest
from matplotlib.colors import to_rgb

from surveyq.report import charts

SVG = "{http://www.w3.org/2000/svg}"
NAMESPACES = ('xmlns="http://www.w3.org/2000/svg"', 'xmlns:xlink="http://www.w3.org/1999/xlink"')

SCALE5 = {"points": ["1", "2", "3", "4", "5"],
          "id": ["Sangat Tidak Setuju", "Tidak Setuju", "Ragu-ragu", "Setuju", "Sangat Setuju"],
          "en": ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]}
SCALE4 = {"points": ["1", "2", "3", "4"],
          "id": ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"]}
GAP_LABELS = {"perception": "Persepsi (P)", "expectation": "Harapan (E)",
              "gap": "Kesenjangan (P − E)"}
IPA_LABELS = {"I": "Prioritas Utama", "II": "Pertahankan Prestasi", "III": "Prioritas Rendah",
              "IV": "Berlebihan", "x": "Kinerja", "y": "Kepentingan"}
LONG = ("Petugas pelayanan memberikan informasi yang jelas, lengkap dan mudah dipahami mengenai "
        "persyaratan, prosedur, waktu penyelesaian serta biaya layanan kepada seluruh pengguna")
SCRIPT = "<script>alert('x')</script> & a > b"


def item(item_id: str, counts: list[Any], text: str = "Teks butir") -> dict[str, Any]:
    row: dict[str, Any] = {"item": item_id, "text_id": text, "text_en": text, "n": 0}
    row.update({f"count_{i + 1}": c for i, c in enumerate(counts)})
    return row


def check(svg: str) -> ET.Element:
    """Parse the SVG and check it is a bare, self-contained <svg> element."""
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert svg.startswith("<svg") and "<?xml" not in svg and "<!DOCTYPE" not in svg
    rest = svg
    for declaration in NAMESPACES:
        rest = rest.replace(declaration, "")
    assert "http" not in rest
    assert not re.search(r'(xlink:)?href="(?!#)', svg), "only in-document references"
    assert all(not el.tag.endswith(("script", "image", "foreignObject")) for el in root.iter())
    return root


def texts(root: ET.Element) -> list[str]:
    return ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]


def has_text(root: ET.Element, wanted: str) -> bool:
    return any(wanted in text for text in texts(root))


def height(svg: str) -> float:
    return float(re.search(r'height="([\d.]+)pt"', svg).group(1))


# --------------------------------------------------------------------------- Likert


def test_likert_legend_keeps_zero_count_level_and_item_ids() -> None:
    items = [item("A1", [0, 2, 3, 10, 5]), item("A2", [0, 8, 4, 6, 2])]
    svg = charts.likert_bars(items, SCALE5, SCALE5["id"], "Sebaran jawaban")
    root = check(svg)
    for label in SCALE5["id"]:
        assert has_text(root, label), label
    assert has_text(root, "A1") and has_text(root, "A2")
    assert has_text(root, "Sebaran jawaban")


def test_likert_sorted_by_net_agreement() -> None:
    items = [item("LOW", [10, 5, 0, 3, 2]), item("HIGH", [0, 0, 5, 5, 10]),
             item("MID", [2, 2, 2, 2, 2]), item("NONE", [0, 0, 0, 0, 0])]
    order = [t.split()[0] for t in texts(check(charts.likert_bars(items, SCALE5, SCALE5["id"])))
             if t.split() and t.split()[0] in {"LOW", "HIGH", "MID", "NONE"}]
    assert order == ["HIGH", "MID", "LOW", "NONE"]


def test_likert_geometry() -> None:
    # odd scale: the neutral level straddles zero; even scale: split between middle points
    assert charts._segments([10, 20, 40, 20, 10]) == [-50, -40, -20, 20, 40]
    assert charts._segments([10, 20, 30, 40]) == [-30, -20, 0, 30]
    assert charts._net_agreement([10, 20, 40, 20, 10]) == 0
    assert charts._net_agreement([10, 20, 30, 40]) == 40
    assert charts._shares(item("X", [1, None, math.nan, 3]), ["1", "2", "3", "4"]) == [25, 0,
                                                                                      0, 75]


def test_likert_zero_line_behind_bars_and_both_sides_read_as_shares() -> None:
    # issue 12 item 7: the zero line ran through the neutral segment's label, and the
    # left side must read as a share of the answers, not as a negative number
    items = [item("A1", [20, 10, 40, 10, 20])]
    svg = charts.likert_bars(items, SCALE5, SCALE5["id"], axis_label="Persentase jawaban")
    root = check(svg)
    ticks = [t for t in texts(root) if t.endswith("%")]
    assert "20%" in ticks and not any(t.startswith(("-", "−")) for t in ticks)
    assert has_text(root, "Persentase jawaban")
    zero_line = svg.index("stroke: #555555")
    first_bar = svg.index(f"fill: {charts.likert_colours(5)[0]}")
    assert zero_line < first_bar  # drawn first, so every bar and label covers it


def test_likert_even_scale_and_real_labels() -> None:
    items = [item("U1", [3, 29, 210, 158]), item("U2", [0, 12, 200, 188])]
    root = check(charts.likert_bars(items, SCALE4, SCALE4["id"], text_key="text_id"))
    assert all(has_text(root, label) for label in SCALE4["id"])


def test_likert_rejects_label_count_mismatch() -> None:
    with pytest.raises(ValueError, match="5 scale points but 4 labels"):
        charts.likert_bars([item("A", [1, 1, 1, 1, 1])], SCALE5, SCALE5["id"][:4])


def test_likert_many_items_grow_and_long_text_is_wrapped() -> None:
    one = charts.likert_bars([item("A1", [1, 2, 3, 4, 5], LONG)], SCALE5, SCALE5["id"])
    many = charts.likert_bars([item(f"B{i:02d}", [i % 3, 2, 3, 4, i % 5], LONG)
                               for i in range(60)], SCALE5, SCALE5["id"])
    root = check(many)
    assert height(many) > 5 * height(one)
    assert all(has_text(root, f"B{i:02d}") for i in range(60))
    assert not any(LONG in text for text in texts(root)), "long texts are wrapped"
    assert any(text.endswith("…") for text in texts(root)), "and truncated"


# --------------------------------------------------------------------------- escaping, rules


@pytest.mark.parametrize("make", [
    lambda: charts.likert_bars([item("S1", [1, 2, 3, 4, 5], SCRIPT)], SCALE5, SCALE5["id"],
                               SCRIPT),
    lambda: charts.gap_bars([{"item": SCRIPT, "p_mean": 4, "e_mean": 4.2, "gap": -0.2}],
                            "item", {**GAP_LABELS, "gap": SCRIPT}),
    lambda: charts.ipa_scatter([{"item": SCRIPT, "x": 4, "y": 4}], {"x": 4, "y": 4},
                               {**IPA_LABELS, "I": SCRIPT}),
    lambda: charts.nrr_bars([{"element": "U1", "converted": 80, "band": "B"}], {"U1": SCRIPT}),
    lambda: charts.profile_bars([{"category": SCRIPT, "count": 3, "percent": 100.0}]),
    lambda: charts.perspective_bars([{"id": "p", "name": {"id": SCRIPT}, "value": 90}]),
])
def test_markup_in_text_is_escaped(make: Any) -> None:
    svg = make()
    root = check(svg)
    assert "<script" not in svg and "&lt;script&gt;" in svg and "&amp; a &gt; b" in svg
    assert has_text(root, "<script>alert('x')</script>")


def test_title_element_is_escaped() -> None:
    root = check(charts.profile_bars([{"category": "a", "count": 1}], title="A & <B>"))
    assert root.find(f"{SVG}title").text == "A & <B>"


def test_deterministic() -> None:
    # matplotlib draws SVG ids from uuid4 unless svg.hashsalt is set: equal calls, equal bytes
    items = [item("A1", [1, 2, 3, 4, 5]), item("A2", [5, 4, 3, 2, 1])]
    first = charts.likert_bars(items, SCALE5, SCALE5["id"], "t")
    assert first == charts.likert_bars(items, SCALE5, SCALE5["id"], "t")
    points = [{"item": "A", "x": 4.1, "y": 4.2}, {"item": "B", "x": 3.9, "y": 4.3}]
    assert (charts.ipa_scatter(points, {"x": 4, "y": 4.25}, {})
            == charts.ipa_scatter(points, {"x": 4, "y": 4.25}, {}))


def test_no_global_state_leaks_and_no_pyplot() -> None:
    before = dict(matplotlib.rcParams)
    charts.profile_bars([{"category": "a", "count": 1}])
    assert dict(matplotlib.rcParams) == before
    source = Path(charts.__file__).read_text(encoding="utf-8")
    assert "matplotlib.pyplot" not in source and "import pyplot" not in source


@pytest.mark.parametrize("call", [
    lambda: charts.likert_bars([], SCALE5, SCALE5["id"]),
    lambda: charts.gap_bars([], "item", GAP_LABELS),
    lambda: charts.ipa_scatter([], {"x": 1, "y": 1}, IPA_LABELS),
    lambda: charts.nrr_bars([], {}),
    lambda: charts.profile_bars([]),
    lambda: charts.perspective_bars([]),
])
def test_empty_input_gives_empty_string(call: Any) -> None:
    assert call() == ""


def test_nan_and_none_values_draw_nothing_but_do_not_fail() -> None:
    nan = math.nan
    check(charts.likert_bars([item("A", [nan, None, 0, 0, 0])], SCALE5, SCALE5["id"]))
    root = check(charts.gap_bars([{"item": "G1", "p_mean": nan, "e_mean": None, "gap": nan},
                                  {"item": "G2", "p_mean": 4, "e_mean": 4.5, "gap": -0.5}],
                                 "item", GAP_LABELS))
    assert has_text(root, "–") and has_text(root, "-0,50")
    root = check(charts.ipa_scatter([{"item": "N", "x": nan, "y": 4}, {"item": "K", "x": 4,
                                                                       "y": 4}],
                                    {"x": None, "y": nan}, IPA_LABELS))
    assert has_text(root, "K") and not has_text(root, "N")
    check(charts.nrr_bars([{"element": "U1", "converted": None, "band": None}], {}))
    check(charts.profile_bars([{"category": "a", "count": nan}]))
    check(charts.perspective_bars([{"id": "p", "value": nan}]))


# --------------------------------------------------------------------------- other charts


def test_gap_bars_legend_and_labels() -> None:
    rows = [{"dimension": "Bukti fisik", "p_mean": 4.1, "e_mean": 4.2, "gap": -0.1},
            {"dimension": "Empati", "p_mean": 4.3, "e_mean": 4.0, "gap": 0.3}]
    root = check(charts.gap_bars(rows, "dimension", GAP_LABELS, "Kesenjangan"))
    for wanted in [*GAP_LABELS.values(), "Bukti fisik", "Empati", "-0,10", "0,30"]:
        assert has_text(root, wanted), wanted
    root = check(charts.gap_bars(rows, "dimension", GAP_LABELS, lang="en"))
    assert has_text(root, "-0.10")


def test_ipa_quadrants_axes_and_ids() -> None:
    items = [{"item": f"A{i:02d}", "x": 4 + 0.01 * (i % 5), "y": 4.2 + 0.01 * (i // 5),
              "quadrant_number": "I"} for i in range(20)]
    root = check(charts.ipa_scatter(items, {"x": 4.02, "y": 4.22}, IPA_LABELS, "IPA"))
    for key in ("I", "II", "III", "IV"):
        assert has_text(root, f"{key}: {IPA_LABELS[key]}")
    for wanted in ["Kinerja", "Kepentingan", *(f"A{i:02d}" for i in range(20))]:
        assert has_text(root, wanted), wanted


def test_ipa_labels_do_not_overlap(monkeypatch: pytest.MonkeyPatch,
                                   demo: dict[str, Any]) -> None:
    placed = []
    place = charts._best_place

    def keep(*args: Any) -> Any:
        placed.append(place(*args))
        return placed[-1]

    monkeypatch.setattr(charts, "_best_place", keep)
    ipa = demo["surveys"]["customer"]["analyses"]["ipa"]
    svg = charts.ipa_scatter(ipa["items"], ipa["crosshair"], IPA_LABELS)
    boxes = [box for _, box in placed]
    assert len(boxes) == len(ipa["items"])
    assert all(charts._overlap(a, b) == 0 for a, b in combinations(boxes, 2))
    # each id is written in the middle of its box
    root = check(svg)
    for item, (left, top, right, bottom) in zip(ipa["items"], boxes, strict=True):
        text = next(el for el in root.iter(f"{SVG}text") if el.text == item["item"])
        assert float(text.get("x")) == pytest.approx((left + right) / 2, abs=0.01)
        assert top < float(text.get("y")) < bottom


def test_ipa_label_overlap_is_measured_as_an_area() -> None:
    assert charts._overlap((0, 0, 10, 10), (5, 5, 20, 20)) == 25
    assert charts._overlap((0, 0, 10, 10), (10, 0, 20, 10)) == 0  # touching edges
    # a label 10 x 4 points, 4 points right of (50, 50): left edge at 54, centred on y 50
    assert charts._candidate((50, 50), (10, 4), (1, 0), 4) == (54, 48, 64, 52)
    # straight up (y grows down in the drawing): its bottom edge 4 points above the point
    assert charts._candidate((50, 50), (10, 4), (0, 1), 4) == (45, 42, 55, 46)


def test_nrr_bars_bands_and_names() -> None:
    elements = [{"element": "U1", "nrr": 3.3, "converted": 82.69, "band": "B"},
                {"element": "U8", "nrr": 3.0, "converted": 76.13, "band": "C"}]
    names = {"U1": "Persyaratan", "U8": "Penanganan pengaduan"}
    svg = charts.nrr_bars(elements, names, band_labels={"B": "Baik"})
    root = check(svg)
    for wanted in ["U1", "Persyaratan", "U8", "82,69", "B – Baik", "A", "C", "D"]:
        assert has_text(root, wanted), wanted
    assert charts.BAND_COLOURS["B"].lower() in svg and charts.BAND_COLOURS["C"].lower() in svg
    root = check(charts.nrr_bars(elements, names, {"B": "#123456", "C": "#654321"},
                                 value_key="nrr", lang="en"))
    assert has_text(root, "3.30") and not has_text(root, "D")


def test_profile_bars_counts_and_fallback_label() -> None:
    rows = [{"category": "L", "category_id": "Laki-laki", "count": 234, "percent": 58.5},
            {"category": "25-34 tahun", "category_id": None, "count": 166, "percent": 41.5}]
    root = check(charts.profile_bars(rows, "Jenis kelamin", label_key="category_id"))
    for wanted in ["Laki-laki", "25-34 tahun", "234 (58,5%)", "166 (41,5%)", "Jenis kelamin"]:
        assert has_text(root, wanted), wanted


def test_perspective_bars_names_and_traffic_lights() -> None:
    rows = [{"id": "customer", "name": {"id": "Pelanggan", "en": "Customer"}, "value": 104.2,
             "colour": "green"},
            {"id": "process", "name": {"id": "Proses", "en": "Process"}, "value": 91.5,
             "colour": "yellow"},
            {"id": "learning", "name": {"id": "Pembelajaran", "en": "Learning"}, "value": 70.0,
             "colour": "green"}]
    svg = charts.perspective_bars(rows, "id", "Nilai perspektif")
    root = check(svg)
    for wanted in ["Pelanggan", "Proses", "104,20", "≥ 100", "80 – < 100", "< 80"]:
        assert has_text(root, wanted), wanted
    fills = re.findall(r"fill: (#[0-9a-f]{6})", svg)
    assert fills.count(charts.TRAFFIC_LIGHTS["green"].lower()) >= 3  # 2 bars + legend
    assert charts.TRAFFIC_LIGHTS["yellow"].lower() in fills
    assert has_text(check(charts.perspective_bars(rows, "en")), "Customer")
    assert has_text(check(charts.perspective_bars([{"label": "Keuangan", "value": 1}],
                                                  "label")), "Keuangan")


# --------------------------------------------------------------------------- palette

_MACHADO = {  # Machado, Oliveira & Fernandes (2009), severity 1.0, linear RGB
    "protan": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
               [-0.003882, -0.048116, 1.051998]],
    "deutan": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
               [-0.011820, 0.042940, 0.968881]],
    "tritan": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
               [0.004733, 0.691367, 0.303900]],
    "normal": np.eye(3).tolist(),
}


def _lab(colour: str, vision: str) -> np.ndarray:
    c = np.asarray(to_rgb(colour))
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    linear = np.clip(np.asarray(_MACHADO[vision]) @ linear, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ linear / np.array([0.95047, 1, 1.08883])
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _delta_e(a: str, b: str, vision: str) -> float:
    return float(np.linalg.norm(_lab(a, vision) - _lab(b, vision)))


@pytest.mark.parametrize("vision", list(_MACHADO))
@pytest.mark.parametrize("k", range(2, 12))
def test_likert_neighbours_distinct_under_cvd(k: int, vision: str) -> None:
    colours = charts.likert_colours(k)
    assert len(colours) == k
    assert min(_delta_e(a, b, vision) for a, b in zip(colours, colours[1:], strict=False)) > 14


@pytest.mark.parametrize("vision", list(_MACHADO))
@pytest.mark.parametrize("palette", ["BAND_COLOURS", "TRAFFIC_LIGHTS", "QUADRANT_COLOURS",
                                     "SERIES_COLOURS"])
def test_category_colours_distinct_under_cvd(palette: str, vision: str) -> None:
    colours = sorted(set(getattr(charts, palette).values()))
    assert min(_delta_e(a, b, vision) for a, b in combinations(colours, 2)) > 14


# --------------------------------------------------------------------------- real demo run


@pytest.fixture(scope="module")
def demo() -> dict[str, Any]:
    from surveyq.pipeline import run_project

    return run_project("questionnaires/demo/project.yaml").results


def test_every_chart_on_the_demo_results(demo: dict[str, Any]) -> None:
    for survey in demo["surveys"].values():
        for key, scale in survey["scales"].items():
            items = [i for i in survey["items"] if i["scale"] == key]
            for lang in ("id", "en"):
                root = check(charts.likert_bars(items, scale, scale[lang], "t",
                                                text_key=f"text_{lang}"))
                assert all(has_text(root, label) for label in scale[lang])
                assert all(has_text(root, i["item"]) for i in items)
        for field in dict.fromkeys(row["field"] for row in survey["profile"]):
            rows = [row for row in survey["profile"] if row["field"] == field]
            root = check(charts.profile_bars(rows, rows[0]["field_id"], "category_id"))
            assert all(has_text(root, row["category_id"] or row["category"]) for row in rows)
        analyses = survey["analyses"]
        if "servqual" in analyses:
            for part, key in (("items", "item"), ("dimensions", "dimension")):
                rows = analyses["servqual"][part]
                root = check(charts.gap_bars(rows, key, GAP_LABELS))
                assert all(has_text(root, row[key]) for row in rows)
        if "ipa" in analyses:
            ipa = analyses["ipa"]
            root = check(charts.ipa_scatter(ipa["items"], ipa["crosshair"], IPA_LABELS))
            assert all(has_text(root, i["item"]) for i in ipa["items"])
        if "ikm" in analyses:
            names = {key: group["en"] for key, group in survey["groups"].items()}
            root = check(charts.nrr_bars(analyses["ikm"]["elements"], names, lang="en"))
            assert all(has_text(root, element) for element in names)
            assert all(has_text(root, name[:20]) for name in names.values())


def test_trend_line_draws_every_period_and_the_band_bounds() -> None:
    rows = [{"period": "2024", "converted": 80.125}, {"period": "2025", "converted": 82.5}]
    root = check(charts.trend_line(rows, "Tren", thresholds=[(76.61, "B"), (88.31, "A")],
                                   y_label="Nilai konversi", lang="id"))
    for text in ("2024", "2025", "80,13", "82,50", "B", "Nilai konversi", "Tren"):
        assert has_text(root, text), text
    assert charts.trend_line(rows[:1]) == ""  # one period is not a trend
