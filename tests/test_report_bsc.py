"""The report and appendix print the finance, strategy and scorecard results of the demo.

The numbers come from the results (checked against the papers in test_seed_projects.py and
test_scorecard_bsc.py); here: every new table and chart is there in both languages, in the
language's number format, the strategy map has one box per objective and an arrow per link,
and the Word appendix carries the map as a picture.
"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from surveyq.pipeline import run_project
from surveyq.report.appendix import build_tables, write_docx
from surveyq.report.build import build_report, check_svg

DEMO = Path(__file__).resolve().parents[1] / "questionnaires" / "demo" / "project.yaml"


@pytest.fixture(scope="module")
def results() -> dict:
    return run_project(DEMO).results


def _section(model: dict, section_id: str) -> dict:
    return next(s for s in model["sections"] if s["id"] == section_id)


def _captions(section: dict, kind: str) -> list[str]:
    return [b["caption"] for b in section["blocks"] if b["kind"] == kind]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_finance_and_strategy_sections(results, lang):
    model = build_report(results, lang, strict=True)
    finance, strategy = _section(model, "finance"), _section(model, "strategy")
    assert len(_captions(finance, "table")) == 3  # value for money, productivity, growth
    assert len(_captions(strategy, "table")) == 5  # IFE, EFE, TOWS, QSPM, comparison
    (ie_chart,) = [b for b in strategy["blocks"] if b["kind"] == "chart"]
    assert check_svg(ie_chart["svg"]) == []
    vfm = next(b for b in finance["blocks"] if b["kind"] == "table")
    mean_row = [c["text"] for c in vfm["rows"][-1]["cells"]]
    # mean economy 95.67: 95,67 in Indonesian, 95.67 in English
    assert mean_row[1] == ("95,67" if lang == "id" else "95.67")
    text = " ".join(b.get("text", "") for b in strategy["blocks"])
    assert ("sel V" if lang == "id" else "cell V") in text


@pytest.mark.parametrize("lang", ["id", "en"])
def test_scorecard_trend_and_strategy_map(results, lang):
    model = build_report(results, lang, strict=True)
    scorecard = _section(model, "scorecard")
    charts = [b for b in scorecard["blocks"] if b["kind"] == "chart"]
    assert len(charts) == 3  # perspective bars, trend, strategy map
    trend = next(b for b in scorecard["blocks"] if b["kind"] == "table"
                 and [c["text"] for c in b["rows"][0]["cells"]][0] == "2023")
    assert [r["cells"][0]["text"] for r in trend["rows"]] == ["2023", "2024", "2025"]
    assert "ilustratif" in trend["note"] if lang == "id" else "illustrative" in trend["note"]
    card = results["scorecard"]
    svg = charts[-1]["svg"]
    assert check_svg(svg) == []
    for objective in card["objectives"]:  # one box per objective, labelled by its id
        assert f">{objective['id']} · " in svg
    # scorecard.yaml's supports: SS5 2, SS6 2, SS7 1, SS8 1, SS9 2, SS10 2, SS11 2, SS12 2,
    # SS13 1 links reach the results as given
    assert sum(len(o["supports"]) for o in card["objectives"]) == 15
    lint = [b for b in scorecard["blocks"] if b["kind"] == "table"][-1]  # the IKU checks
    expected = "manual IKU tidak memuat formula" if lang == "id" else "gives no formula"
    assert any(expected in c["text"] for r in lint["rows"] for c in r["cells"])


def test_appendix_tables_and_docx_figure(results, tmp_path):
    names = [t.name for t in build_tables(results, None, "id")]
    for name in ("vfm", "productivity", "growth", "ife", "efe", "ie", "qspm", "ahp",
                 "definitions", "definitions_measure", "trend"):
        assert name in names, name
    definitions = next(t for t in build_tables(results, None, "en")
                       if t.name == "definitions")
    row = definitions.frame.set_index("Code").loc["2a-CP"]
    # the demo gives the manual in both languages: the English appendix prints the English
    assert row["Formula"] == "working days to completion / licences issued"
    path = write_docx(results, None, tmp_path / "appendix.docx", "id")
    document = docx.Document(str(path))
    captions = [p.text for p in document.paragraphs if p.text.startswith("Gambar L.")]
    # the strategy map follows the scorecard tables, so it is the first figure; the report's
    # charts (issue 12) follow all the tables, one picture per caption
    assert len(document.inline_shapes) == len(captions)
    assert captions[0] == ("Gambar L.1 Peta strategi, Kartu Kinerja Kantor Pelayanan Perizinan "
                           "Terpadu Kota Contoh 2025")
    # each page turn (the landscape scorecard tables) rides on the paragraph before it: an
    # empty paragraph of its own went to a blank page after a table that filled its page
    breaks = [p for p in document.paragraphs if p._p.pPr is not None
              and p._p.pPr.sectPr is not None]
    assert len(breaks) >= 2  # into landscape and back
    assert all(p.text.strip() or p._p.getprevious() is None
               or p._p.getprevious().tag.endswith("}tbl") for p in breaks)


def _keys(node, prefix=""):
    if isinstance(node, dict):
        return {k for key, value in node.items() for k in _keys(value, f"{prefix}.{key}")}
    return {prefix}


def test_both_languages_have_every_new_text():
    from surveyq.report.appendix import texts
    from surveyq.report.i18n import labels

    assert _keys(labels("id")["bsc"]) == _keys(labels("en")["bsc"])
    assert _keys(texts("id")["bsc"]) == _keys(texts("en")["bsc"])
    for section in ("finance", "strategy"):
        assert set(labels("id")["sections"][section]) == {"title", "intro", "empty"}


def test_strategy_map_orders_boxes_by_what_they_support(results):
    from surveyq.report.bsc_charts import _ordered

    card = results["scorecard"]
    bands = [[o["id"] for o in band] for band in _ordered(card["perspectives"],
                                                           card["objectives"])]
    # By hand, positions (i + 0.5) / n: stakeholder SS1 .125, SS2 .375, SS3 .625, SS4 .875;
    # customer SS5 -> SS1, SS2 = .25 and SS6 -> SS3, SS1 = .375 (order kept: .25, .75);
    # internal SS7 (no link upwards: own .125), SS8 -> SS6 = .75, SS9 -> SS5, SS6 = .5,
    # SS10 -> SS6, SS4 = .8125; learning SS11 -> SS9, SS10 = (.375 + .875) / 2 = .625,
    # SS12 -> SS9, SS8 = .5, SS13 -> SS7 = .125
    assert bands == [["SS1", "SS2", "SS3", "SS4"], ["SS5", "SS6"],
                     ["SS7", "SS9", "SS8", "SS10"], ["SS13", "SS12", "SS11"]]


@pytest.mark.parametrize(("lang", "days", "million"), [("id", "hari", "Rp juta"),
                                                       ("en", "days", "IDR million")])
def test_units_are_in_the_document_language(results, lang, days, million):
    # scorecard.yaml gives units as {id, en}: 2a-CP in hari / days, 3a-CP in Rp juta / IDR
    # million; the finance growth series in Rp juta / IDR million as well
    model = build_report(results, lang, strict=True)
    indicators = next(b for b in _section(model, "scorecard")["blocks"] if b["kind"] == "table"
                      and any(r["cells"][0]["text"] == "2a-CP" for r in b.get("rows", [])))
    units = {r["cells"][0]["text"]: r["cells"][5]["text"] for r in indicators["rows"]}
    assert (units["2a-CP"], units["3a-CP"]) == (days, million)
    growth = [b for b in _section(model, "finance")["blocks"] if b["kind"] == "table"][-1]
    assert any(million in h["text"] for row in growth["head"] for h in row)


def test_strategy_map_links_between_bands_stay_in_the_gap():
    # A link from a box to one far to the side in the band above used to bow into that
    # band and pass behind the boxes there. The curve's control points all lie between the
    # source box's top edge and the target box's bottom edge, so the curve (inside their
    # convex hull) never enters either band's boxes.
    from surveyq.report.bsc_charts import _BOX_H, _edge

    low, high = 0.5, 1.5  # band centres, one band apart
    ys = [y for _, y in _edge((9.0, low), (2.0, high))]
    assert ys[0] == pytest.approx(low + _BOX_H / 2) and ys[-1] == pytest.approx(high - _BOX_H / 2)
    assert all(low + _BOX_H / 2 - 1e-12 <= y <= high - _BOX_H / 2 + 1e-12 for y in ys)


def test_strategy_map_arrows_follow_their_curve_to_a_head_at_the_target():
    from surveyq.report.bsc_charts import _curve, _trim

    # a quadratic Bézier (0,0), (1,2), (2,0): its middle is at (1, 1) by hand
    points = _curve([(0.0, 0.0), (1.0, 2.0), (2.0, 0.0)], steps=2)
    assert points == [(0.0, 0.0), (1.0, 1.0), (2.0, 0.0)]
    # 10 points of a straight run less 3 at the end: it stops at 7
    assert _trim([(0.0, 0.0), (5.0, 0.0), (10.0, 0.0)], 3.0, at_end=True) == [
        (0.0, 0.0), (5.0, 0.0), (7.0, 0.0)]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_word_appendix_prints_the_strategy_map_once(results, tmp_path, lang):
    # it follows the scorecard's tables on a landscape page; the report's figures at the end
    # of the appendix held it a second time, at 14 cm
    document = docx.Document(str(write_docx(results, None, tmp_path / "a.docx", lang)))
    caption = {"id": "Peta strategi", "en": "Strategy map"}[lang]
    assert sum(caption in p.text for p in document.paragraphs
               if p.text.startswith(("Gambar", "Figure"))) == 1


def test_a_wide_strategy_map_gets_a_landscape_page(results, tmp_path):
    # the demo's map has four objectives in a band, about 10 inches wide: on a 14 cm portrait
    # figure its 7-point lettering would print at 4 points
    from docx.enum.section import WD_ORIENT

    document = docx.Document(str(write_docx(results, None, tmp_path / "a.docx", "en")))
    picture = document.inline_shapes[0]  # the strategy map is the first figure
    assert picture.width > docx.shared.Cm(20)
    # the section holding it: the first section break after the picture
    paragraph = picture._inline.getparent().getparent().getparent()
    after = paragraph.itersiblings()
    holder = next(p for p in [paragraph, *after] if p.tag.endswith("}p")
                  and p.pPr is not None and p.pPr.sectPr is not None)
    assert holder.pPr.sectPr.orientation == WD_ORIENT.LANDSCAPE
