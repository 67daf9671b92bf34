"""The YAML scorecard: loading, errors with key paths, evaluation, and the demo end to end.

Expected numbers are worked out by hand in the comments (docs/methods.md section 7) or taken
from the papers (docs/methods.md example E4, E7, E8), never from the code under test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from surveyq.errors import InputError
from surveyq.scorecard import (
    evaluate_project_scorecard,
    load_scorecard,
    parse_scorecard,
    read_actuals,
)

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "questionnaires" / "demo"


def text(word: str) -> dict[str, str]:
    return {"id": word, "en": word}


def write_yaml(tmp_path: Path, content: dict, name: str = "scorecard.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
    return path


def actuals(rows: list[tuple]) -> pd.DataFrame:
    columns = ["indicator", "period", "realisation", "target"][: len(rows[0])]
    return pd.DataFrame(rows, columns=columns)


def one_per_perspective(values: dict[str, float], weights: dict[str, float],
                        **extra) -> tuple[dict, pd.DataFrame]:
    """One IKU per perspective, target 100, max: the ICI equals the realisation (<= cap)."""
    card = {
        "title": text("Uji"),
        **extra,
        "perspectives": [{"id": p, "name": text(p), "weight": w} for p, w in weights.items()],
        "indicators": [{"id": f"i-{p}", "name": text(p), "perspective": p, "target": 100,
                        "polarity": "max"} for p in values],
    }
    data = actuals([(f"i-{p}", "2022", v) for p, v in values.items()])
    return card, data


# --------------------------------------------------------------------------- hand-computed NKO

SMALL = {
    "scheme": "kemenkeu-nko",
    "title": {"id": "Kartu uji", "en": "Test card"},
    "perspectives": [
        {"id": "A", "name": text("Pelanggan"), "weight": 40},
        {"id": "B", "name": text("Proses"), "weight": 60},
    ],
    "objectives": [
        {"id": "OA", "name": text("Sasaran A"), "perspective": "A"},
        {"id": "OB", "name": text("Sasaran B"), "perspective": "B"},
    ],
    "indicators": [
        {"id": "a1", "name": text("a1"), "objective": "OA", "target": 80, "unit": "%",
         "polarity": "max", "consolidation": "average", "weight": 60},
        {"id": "a2", "name": text("a2"), "objective": "OA", "target": 5, "unit": "hari",
         "polarity": "min", "consolidation": "last", "weight": 40},
        {"id": "b1", "name": text("b1"), "objective": "OB", "target": [90, 100], "unit": "%",
         "polarity": "stabilize", "consolidation": "average", "weight": 50},
        {"id": "b2", "name": text("b2"), "objective": "OB", "target": 50, "unit": "orang",
         "polarity": "max", "consolidation": "sum", "weight": 50},
    ],
}
SMALL_ACTUALS = actuals([
    ("a1", "Q1", 85, None), ("a1", "Q2", 95, None),
    ("a2", "Q1", 7, None), ("a2", "Q2", 6, None),
    ("b1", "Q1", 100, None), ("b1", "Q2", 110, None),
    ("b2", "Q1", 30, 25), ("b2", "Q2", 40, 25),
])


def test_hand_computed_nko(tmp_path):
    card = load_scorecard(write_yaml(tmp_path, SMALL))
    res = card.evaluate(SMALL_ACTUALS)
    ind = res.indicators.set_index("id")
    # a1 max, average of 85 and 95 = 90, T 80: ICI = 90 / 80 x 100 = 112.5
    # a2 min, last = 6, T 5: ICI = (1 + (1 - 6 / 5)) x 100 = 80
    # b1 stabilize [90, 100], average 105, above the band: (1 - |105 - 100| / 100) x 100 = 95
    # b2 max, sum 30 + 40 = 70 against the period targets 25 + 25 = 50: 140, capped at 120
    assert ind.loc["a1", "realisation"] == pytest.approx(90)
    assert ind.loc["a1", "ici"] == pytest.approx(112.5)
    assert ind.loc["a2", "ici"] == pytest.approx(80)
    assert ind.loc["b1", "ici"] == pytest.approx(95)
    assert ind.loc["b2", "target"] == pytest.approx(50)
    assert ind.loc["b2", "ici"] == pytest.approx(120)
    # colours: >= 100 green, 80 <= ICI < 100 yellow
    assert list(ind["colour"]) == ["green", "yellow", "yellow", "green"]
    # NP_A = (60 x 112.5 + 40 x 80) / 100 = 99.5; NP_B = (50 x 95 + 50 x 120) / 100 = 107.5
    persp = res.perspectives.set_index("id")
    assert persp.loc["A", "value"] == pytest.approx(99.5)
    assert persp.loc["B", "value"] == pytest.approx(107.5)
    # NKO = 0.40 x 99.5 + 0.60 x 107.5 = 39.8 + 64.5 = 104.3 > 100: Istimewa
    assert persp.loc["A", "contribution"] == pytest.approx(39.8)
    assert res.score == pytest.approx(104.3)
    assert res.predicate["code"] == "istimewa"
    assert res.predicate["label"] == {"id": "Istimewa", "en": "Outstanding"}
    assert res.predicate["table"] == "nko-kemenkeu-lakin"
    # The source is cited as a reader would cite it (issue 12): the article, not an internal name.
    assert "Hartini & Habibi (2023)" in res.predicate["source"]
    assert res.objectives.set_index("id")["value"].to_dict() == pytest.approx(
        {"OA": 99.5, "OB": 107.5})
    assert any("b2" in note and "120" in note for note in res.notes)  # the clamp is noted
    assert res.period == "Q2" and not res.normalised


def test_hand_computed_nko_up_to_a_period(tmp_path):
    res = load_scorecard(write_yaml(tmp_path, SMALL)).evaluate(SMALL_ACTUALS, period="Q1")
    # a1 85 / 80 = 106.25; a2 (1 + (1 - 7 / 5)) x 100 = 60; NP_A = 0.6 x 106.25 + 0.4 x 60
    # = 87.75; b1 100 inside the band = 100; b2 30 / 25 = 120; NP_B = 110
    # NKO = 0.4 x 87.75 + 0.6 x 110 = 35.1 + 66 = 101.1
    assert res.score == pytest.approx(101.1)
    assert res.period == "Q1"
    with pytest.raises(InputError, match="'Q3' is not in the actuals"):
        load_scorecard(write_yaml(tmp_path, SMALL)).evaluate(SMALL_ACTUALS, period="Q3")


def test_to_dict_shape(tmp_path):
    out = load_scorecard(write_yaml(tmp_path, SMALL)).evaluate(SMALL_ACTUALS).to_dict()
    json.dumps(out)  # JSON-ready
    # Issue 17 added the IKU manual (definitions), score tables, weights_from and trend,
    # and not_computed (the reason a design without realisations has no score; null here).
    assert out["not_computed"] is None
    assert list(out) == ["scheme", "title", "period", "score", "predicate", "not_computed",
                         "normalised",
                         "notes", "lint", "perspectives", "objectives", "indicators",
                         "definitions", "score_tables", "weights_from", "trend"]
    assert set(out["predicate"]) == {"code", "label", "table", "source"}
    assert list(out["perspectives"][0]) == ["id", "name", "weight", "value", "contribution",
                                            "colour"]
    # Perspective lights follow the IKU rule: green >= 100, yellow >= 80, red below.
    for perspective in out["perspectives"]:
        value = perspective["value"]
        expected = "green" if value >= 100 else "yellow" if value >= 80 else "red"
        assert perspective["colour"] == expected
    # Issue 17: objectives carry their colour and cause-effect links (strategy map), and
    # indicators the achievement and score of the weighted-score scheme's score tables.
    assert list(out["objectives"][0]) == ["id", "name", "perspective", "value", "colour",
                                          "supports"]
    assert list(out["indicators"][0]) == [
        "id", "name", "perspective", "objective", "target", "target_low", "target_high", "unit",
        "polarity", "consolidation", "weight", "realisation", "ici", "colour", "source",
        "achievement", "score", "score_table"]
    b1 = out["indicators"][2]
    assert (b1["target"], b1["target_low"], b1["target_high"]) == (None, 90, 100)
    assert out["perspectives"][0]["weight"] == pytest.approx(0.4)
    assert all(set(f) == {"code", "severity", "message"} for f in out["lint"])


# --------------------------------------------------------------------------- papers


def test_seed_e7_nko_through_yaml():
    # E7 (Hartini & Habibi 2023, Tabel 5-6): indices 116.66 / 112.61 / 116.10 / 112.20,
    # weights 25/15/30/30;
    # all four are below the default cap 120, so ICI = index.
    card, data = one_per_perspective(
        {"stakeholder": 116.66, "customer": 112.61, "internal": 116.10, "learning": 112.20},
        {"stakeholder": 25, "customer": 15, "internal": 30, "learning": 30})
    res = parse_scorecard(card).evaluate(data)
    # 0.25 x 116.66 + 0.15 x 112.61 + 0.30 x 116.10 + 0.30 x 112.20 = 114.5465
    assert res.score == pytest.approx(114.5465)
    assert res.predicate["label"]["id"] == "Istimewa"


def test_seed_e4_composite_through_yaml():
    # E4 (Nugrahini et al. Tabel 13): 75.16 / 75.46 / 20.67 / 50.10 weighted 10/50/20/20 -> 59.40,
    # LAN (1999) band Sedang (55 <= X < 70)
    card, data = one_per_perspective(
        {"keuangan": 75.16, "pelanggan": 75.46, "proses": 20.67, "pembelajaran": 50.10},
        {"keuangan": 10, "pelanggan": 50, "proses": 20, "pembelajaran": 20},
        scheme="composite")
    res = parse_scorecard(card).evaluate(data)
    assert res.score == pytest.approx(59.4, abs=0.005)
    assert res.predicate["label"]["id"] == "Sedang"
    assert res.predicate["table"] == "lan-1999"


def test_seed_e8_weighted_score_through_yaml():
    # E8 (Heitasari et al. Tabel 9), scores on 1-3: 0.30 x (0.5 + 0.3 + 0.2) x 3/3 = 0.30;
    # 0.20 x 1.0 x 3/3 = 0.20; 0.20 x (0.6 x 2/3 + 0.4 x 3/3) = 0.16;
    # 0.30 x (0.5 x 1/3 + 0.5 x 3/3) = 0.20; total 0.86
    rows = [("fin", "growth", 0.5, 3), ("fin", "spending", 0.3, 3), ("fin", "efficiency", 0.2, 3),
            ("cus", "satisfaction", 1.0, 3), ("int", "waiting", 0.6, 2),
            ("int", "service", 0.4, 3), ("lrn", "capability", 0.5, 1),
            ("lrn", "employee", 0.5, 3)]
    card = {
        "scheme": "weighted-score", "scale_max": 3, "title": text("Bojonegoro"),
        "perspectives": [{"id": p, "name": text(p), "weight": w}
                         for p, w in {"fin": 0.3, "cus": 0.2, "int": 0.2, "lrn": 0.3}.items()],
        "indicators": [{"id": i, "name": text(i), "perspective": p, "polarity": "max",
                        "weight": w} for p, i, w, _ in rows],
    }
    res = parse_scorecard(card).evaluate(actuals([(i, "2019", s) for _, i, _, s in rows]))
    assert res.score == pytest.approx(0.86)
    assert res.perspectives.set_index("id")["value"].to_dict() == pytest.approx(
        {"fin": 1.0, "cus": 1.0, "int": 0.8, "lrn": 2 / 3})
    assert res.predicate["code"] == "baik_sekali"  # Harumantaka et al. bands: 0.70-0.89


# --------------------------------------------------------------------------- targets, gaps


def test_range_targets():
    # docs/methods.md section 7: minimize with target 7-8 months: 6.5 -> (1 + (1 - 6.5/7)) x 100
    # = 107.14; 9 -> (1 + (1 - 9/8)) x 100 = 87.5; 7.5 -> 100. Stabilize band [20, 25]:
    # 18 -> (1 - |18 - 20| / 20) x 100 = 90.
    card = {
        "title": text("Rentang"),
        "perspectives": [{"id": "P", "name": text("Proses"), "weight": 1}],
        "indicators": [
            {"id": "low", "name": text("x"), "perspective": "P", "target": [7, 8],
             "polarity": "minimize"},
            {"id": "high", "name": text("x"), "perspective": "P", "target": [7, 8],
             "polarity": "min"},
            {"id": "inside", "name": text("x"), "perspective": "P", "target": [7, 8],
             "polarity": "min"},
            {"id": "band", "name": text("x"), "perspective": "P", "target": [20, 25],
             "polarity": "stabilize"},
        ],
    }
    data = actuals([("low", "2025", 6.5), ("high", "2025", 9), ("inside", "2025", 7.5),
                    ("band", "2025", 18)])
    ici = parse_scorecard(card).evaluate(data).indicators.set_index("id")["ici"]
    assert ici["low"] == pytest.approx(107.142857, abs=1e-5)
    assert ici["high"] == pytest.approx(87.5)
    assert ici["inside"] == pytest.approx(100)
    assert ici["band"] == pytest.approx(90)
    # equal weights (none given): NP = (107.142857 + 87.5 + 100 + 90) / 4 = 96.160714
    res = parse_scorecard(card).evaluate(data)
    assert res.score == pytest.approx(96.160714, abs=1e-5)
    assert res.predicate["label"]["id"] == "Baik"


def test_missing_actuals_reported_and_excluded():
    card = {
        "title": text("Celah"),
        "perspectives": [{"id": "P", "name": text("Pelanggan"), "weight": 100}],
        "indicators": [
            {"id": "has", "name": text("ada"), "perspective": "P", "target": 100,
             "polarity": "max", "weight": 70},
            {"id": "none", "name": text("tidak ada"), "perspective": "P", "target": 100,
             "polarity": "max", "weight": 30},
        ],
    }
    res = parse_scorecard(card).evaluate(actuals([("has", "2025", 110)]))
    ind = res.indicators.set_index("id")
    # 'none' has no data: NP = 110 from 'has' alone (its weight rescaled from 0.7 to 1)
    assert res.score == pytest.approx(110)
    assert ind.loc["has", "weight"] == pytest.approx(1.0)
    assert pd.isna(ind.loc["none", "ici"]) and pd.isna(ind.loc["none", "weight"])
    assert "none" in ind.index  # reported, not dropped
    note = next(n for n in res.notes if "IKU none" in n)
    assert "left out of perspective P's weights" in note
    out = res.to_dict()["indicators"][1]
    assert (out["realisation"], out["ici"], out["colour"], out["weight"]) == (None,) * 4


def test_survey_source_without_results_is_missing_not_an_error():
    card = {
        "title": text("Survei"),
        "perspectives": [{"id": "P", "name": text("Pelanggan"), "weight": 1}],
        "indicators": [
            {"id": "skm", "name": text("SKM"), "perspective": "P", "target": 80,
             "polarity": "max", "source": {"survey": "skm",
                                           "value": "analyses.ikm.summary.converted"}},
            {"id": "x", "name": text("x"), "perspective": "P", "target": 80, "polarity": "max"},
        ],
    }
    res = parse_scorecard(card).evaluate(actuals([("x", "2025", 80)]))
    assert res.score == pytest.approx(100)
    assert any("IKU skm" in n and "no survey results" in n for n in res.notes)


# --------------------------------------------------------------------------- weights


def test_weights_not_summing_to_one_are_an_error(tmp_path):
    card = dict(SMALL, perspectives=[
        {"id": "A", "name": text("A"), "weight": 40}, {"id": "B", "name": text("B"), "weight": 50}])
    with pytest.raises(InputError) as info:
        load_scorecard(write_yaml(tmp_path, card))
    message = str(info.value)
    assert "scorecard.yaml" in message and "perspectives: the weights sum to 90" in message
    assert "normalise_weights: true" in message
    indicators = [dict(i, weight=50) if i["id"] == "a1" else i for i in SMALL["indicators"]]
    with pytest.raises(InputError, match=r"indicators \(perspective A\)\.weight: the weights "
                                         r"of IKU \['a1', 'a2'\] sum to 90"):
        parse_scorecard(dict(SMALL, indicators=indicators))


def test_normalised_weights_are_noted():
    card, data = one_per_perspective({"A": 100, "B": 110}, {"A": 40, "B": 50},
                                     normalise_weights=True)
    res = parse_scorecard(card).evaluate(data)
    # (40 x 100 + 50 x 110) / 90 = 9500 / 90 = 105.5556
    assert res.score == pytest.approx(105.555556, abs=1e-6)
    assert res.normalised
    assert any("sum to 90" in n and "normalised" in n for n in res.notes)
    assert res.to_dict()["normalised"] is True
    # the design problem is still a lint finding
    assert "weights-sum" in set(res.lint["code"])


# --------------------------------------------------------------------------- YAML errors


def test_yaml_errors_name_file_and_key_paths(tmp_path):
    card = {
        "title": text("Salah"),
        "perspectives": [{"id": "P", "name": text("P"), "weight": 1}],
        "indicators": [
            {"id": "a", "name": text("a"), "perspective": "P", "target": 10, "polarty": "max"},
            {"id": "b", "name": text("b"), "perspective": "P", "target": [8, 7],
             "polarity": "max", "consolidation": "median"},
            {"id": "c", "name": text("c"), "perspective": "P", "target": 10, "polarity": "max",
             "source": {"survey": "skm"}},
        ],
    }
    with pytest.raises(InputError) as info:
        load_scorecard(write_yaml(tmp_path, card, "broken.yaml"))
    message = str(info.value)
    assert message.startswith(str(tmp_path / "broken.yaml"))
    # Issue 14: each error says what was found and what to write (surveyq.validation).
    for expected in ("indicators[0] (id a).polarty: unknown key; did you mean `polarity`?",
                     "indicators[0] (id a).polarity: missing; add `polarity:`",
                     "indicators[1] (id b).target: target [8, 7] has low > high: swap them",
                     "indicators[1] (id b).consolidation:",
                     "indicators[2] (id c).source: a survey source needs `value:`",
                     "docs/scorecard-format.md"):
        assert expected in message


def test_reference_errors_all_at_once():
    card = {
        "title": text("Rujukan"),
        "perspectives": [{"id": "P", "name": text("P"), "weight": 1}],
        "objectives": [{"id": "O", "name": text("O"), "perspective": "Q"}],
        "indicators": [
            {"id": "a", "name": text("a"), "objective": "X", "target": 1, "polarity": "max"},
            {"id": "a", "name": text("a"), "perspective": "P", "polarity": "max"},
        ],
        "predicate": "no-such-table",
    }
    with pytest.raises(InputError) as info:
        parse_scorecard(card, "card.yaml")
    message = str(info.value)
    for expected in ("indicators[1] (id a).id: duplicate id 'a'",
                     "objectives[0] (id O).perspective: unknown perspective 'Q'",
                     "indicators[0] (id a).objective: unknown objective 'X'",
                     "indicators[1] (id a).target: missing",
                     "predicate: unknown predicate table 'no-such-table'"):
        assert expected in message


def test_invalid_yaml_names_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("title: {id: x, en: y\nperspectives: []\n", encoding="utf-8")
    with pytest.raises(InputError, match="not valid YAML"):
        load_scorecard(path)
    with pytest.raises(InputError, match="not found"):
        load_scorecard(tmp_path / "none.yaml")


# --------------------------------------------------------------------------- survey sources

SURVEY_CARD = {
    "title": text("Survei"),
    "perspectives": [{"id": "P", "name": text("Pelanggan"), "weight": 1}],
    "indicators": [
        {"id": "ikm", "name": text("IKM"), "perspective": "P", "target": 80, "polarity": "max",
         "weight": 1, "source": {"survey": "skm", "value": "analyses.ikm.summary.convertd"}},
    ],
}
SURVEYS = {"skm": {"analyses": {"ikm": {"summary": {"converted": 82.0}}}, "problems": []}}


def test_survey_source_missing_path_is_a_clear_error():
    with pytest.raises(InputError) as info:
        parse_scorecard(SURVEY_CARD, "card.yaml").evaluate(None, SURVEYS)
    message = str(info.value)
    assert "IKU ikm" in message and "'analyses.ikm.summary.convertd'" in message
    assert "indicators[0] (id ikm).source.value" in message
    assert "['converted']" in message  # what is there instead
    wrong_survey = {"customer": SURVEYS["skm"]}
    with pytest.raises(InputError, match=r"survey 'skm' is not among the survey results"):
        parse_scorecard(SURVEY_CARD).evaluate(None, wrong_survey)


def test_survey_transforms_and_record_lookup():
    results = {"customer": {
        "scales": {"s5": {"points": ["1", "2", "3", "4", "5"]}},
        "analyses": {"servqual": {
            "overall": {"p_mean": 4.0},
            "items": [{"item": "A1", "conformity": 90.0}, {"item": "A2", "conformity": 96.0}],
            "dimensions": [{"dimension": "tangibles", "conformity": 99.0}]}},
    }}
    sources = {
        "rescaled": {"value": "analyses.servqual.overall.p_mean", "transform": "rescale"},
        "conformity": {"transform": "servqual-conformity"},
        "dimension": {"value": "analyses.servqual.dimensions.tangibles.conformity"},
        "item": {"value": "analyses.servqual.items.A2.conformity"},
    }
    card = dict(SURVEY_CARD, indicators=[
        {"id": k, "name": text(k), "perspective": "P", "target": 100, "polarity": "max",
         "source": {"survey": "customer", **v}} for k, v in sources.items()])
    real = parse_scorecard(card).evaluate(None, results).indicators.set_index("id")["realisation"]
    # 4.0 / 5 x 100 = 80; (90 + 96) / 2 = 93; the tangibles record; item A2
    assert real.to_dict() == pytest.approx(
        {"rescaled": 80.0, "conformity": 93.0, "dimension": 99.0, "item": 96.0})


def test_failed_analysis_is_missing_data():
    surveys = {"skm": {"analyses": {}, "problems": ["ikm: too few respondents"]}}
    card = dict(SURVEY_CARD, indicators=[
        dict(SURVEY_CARD["indicators"][0], weight=50,
             source={"survey": "skm", "value": "analyses.ikm.summary.converted"}),
        {"id": "x", "name": text("x"), "perspective": "P", "target": 1, "polarity": "max",
         "weight": 50}])
    res = parse_scorecard(card).evaluate(actuals([("x", "2025", 1)]), surveys)
    assert any("too few respondents" in n for n in res.notes)


# --------------------------------------------------------------------------- actuals files


def test_actuals_file_errors(tmp_path):
    path = tmp_path / "actuals.csv"
    path.write_text("indicator,period,realisation\na1,Q1,abc\na1,Q1,3\n,Q2,4\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_actuals(path)
    message = str(info.value)
    assert "row 2, column realisation: 'abc' is not a number" in message
    assert "row 4, column indicator: empty" in message
    path.write_text("indicator,period,realisation\na1,Q1,1\na1,Q1,3\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"a1 in Q1 \(rows \[2, 3\]\)"):
        read_actuals(path)
    path.write_text("indicator,period\na1,Q1\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"\['realisation'\] not found"):
        read_actuals(path)
    with pytest.raises(InputError, match="file not found"):
        read_actuals(tmp_path / "nothing.csv")
    path.write_text("kode,periode,nilai\na1,Q1,1\n", encoding="utf-8")
    assert read_actuals(path).frame["realisation"].tolist() == [1.0]


def test_actuals_notes_and_range_override(tmp_path):
    path = tmp_path / "actuals.csv"
    path.write_text("indicator,period,realisation,target\nhas,2025,110,\nzzz,2025,1,\n"
                    "Jumlah,,111,\n", encoding="utf-8")
    card = {
        "title": text("Catatan"),
        "perspectives": [{"id": "P", "name": text("Pelanggan"), "weight": 1}],
        "indicators": [{"id": "has", "name": text("x"), "perspective": "P", "target": [90, 100],
                        "polarity": "max"}],
    }
    notes = parse_scorecard(card).evaluate(path).notes
    assert any("['zzz'] match no IKU" in n for n in notes)
    assert any("summary row" in n for n in notes)  # the Jumlah row is named, not lost
    with pytest.raises(InputError, match="IKU has has a range target"):
        parse_scorecard(card).evaluate(actuals([("has", "2025", 110, 100)]))


def test_periods_sorted_when_sortable():
    data = actuals([("a", "2025-Q3", 3), ("a", "2025-Q1", 1), ("a", "2025-Q2", 2)])
    assert read_actuals(data).periods == ("2025-Q1", "2025-Q2", "2025-Q3")
    data = actuals([("a", "Triwulan II", 2), ("a", "Triwulan I", 1)])
    assert read_actuals(data).periods == ("Triwulan II", "Triwulan I")  # as they appear


# --------------------------------------------------------------------------- demo end to end


@pytest.fixture(scope="module")
def demo_results() -> dict:
    from surveyq.pipeline import run_project

    return run_project(DEMO / "project.yaml", out=None).results


@pytest.fixture(scope="module")
def demo_surveys(demo_results) -> dict:
    return demo_results["surveys"]


def test_demo_scorecard_end_to_end(demo_results, demo_surveys):
    # Issue 17: the customer IKU's weights come from the project's strategy section, so the
    # project's results are passed too.
    out = evaluate_project_scorecard(DEMO / "scorecard.yaml", DEMO / "actuals.csv",
                                     demo_surveys, project_results=demo_results)
    json.dumps(out)
    iku = {i["id"]: i for i in out["indicators"]}
    assert len(iku) == 19
    converted = demo_surveys["skm"]["analyses"]["ikm"]["summary"]["converted"]
    assert iku["5a-N"]["realisation"] == converted
    assert iku["5a-N"]["ici"] == pytest.approx(converted / 80 * 100)
    items = demo_surveys["customer"]["analyses"]["servqual"]["items"]
    conformity = sum(i["conformity"] for i in items) / len(items)
    assert iku["5b-N"]["realisation"] == pytest.approx(conformity)
    p_mean = demo_surveys["employee"]["analyses"]["servqual"]["overall"]["p_mean"]
    assert iku["11b-N"]["realisation"] == pytest.approx(p_mean / 5 * 100)
    # an actuals IKU by hand: 3a-CP sums 1050 + 1180 + 1310 + 1420 = 4960 against 4 x 1200
    assert iku["3a-CP"]["ici"] == pytest.approx(4960 / 4800 * 100)
    assert [p["weight"] for p in out["perspectives"]] == pytest.approx([0.25, 0.15, 0.3, 0.3])
    assert sum(p["contribution"] for p in out["perspectives"]) == pytest.approx(out["score"])
    assert out["predicate"]["table"] == "nko-kemenkeu-lakin"
    # Issue 17: the demo scores by year (2023 and 2024 illustrative), so the headline period
    # is the year 2025, consolidated from its quarters 2025-Q1..Q4 as before.
    assert out["period"] == "2025"
    assert [r["period"] for r in out["trend"]["rows"]] == ["2023", "2024", "2025"]
    assert out["trend"]["rows"][-1]["score"] == pytest.approx(out["score"])
    assert out["lint"] and {"code", "severity", "message"} <= set(out["lint"][0])
    assert "iku-count" in {f["code"] for f in out["lint"]}


def test_demo_actuals_as_xlsx(tmp_path, demo_results, demo_surveys):
    frame = pd.read_csv(DEMO / "actuals.csv")
    frame.to_excel(tmp_path / "actuals.xlsx", index=False)
    card = load_scorecard(DEMO / "scorecard.yaml")
    args = {"surveys": demo_surveys, "project": demo_results}
    from_csv = card.evaluate(DEMO / "actuals.csv", period="2025-Q2", **args)
    from_xlsx = card.evaluate(tmp_path / "actuals.xlsx", period="2025-Q2", **args)
    assert from_xlsx.score == pytest.approx(from_csv.score)
    assert from_csv.score < card.evaluate(DEMO / "actuals.csv", **args).score
