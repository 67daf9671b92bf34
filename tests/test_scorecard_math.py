"""Tests of surveyq.scorecard_math against docs/methods.md and its worked examples.

Expected values come from docs/methods.md section 7-8 and docs/methods.md (worked examples)
(E4, E7, E8), or are worked by hand in the comments beside them; never from the code.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from surveyq.errors import InputError
from surveyq.scorecard_math import (
    CompositeIndex,
    Nko,
    company_score_band,
    composite_index,
    consolidate,
    ici_colour,
    iku_index,
    nko,
    perspective_value,
    weighted_score,
)

# --------------------------------------------------------------------------- iku_index


def test_range_target_example_of_formulas_section_7():
    # minimize, target 7-8 months (docs/methods.md section 7)
    assert iku_index(6.5, (7, 8), "min") == pytest.approx(107.1, abs=0.05)  # (1+(1-6.5/7))*100
    assert iku_index(9, (7, 8), "min") == pytest.approx(87.5)  # (1+(1-9/8))*100
    assert iku_index(7.5, (7, 8), "min") == 100.0


@pytest.mark.parametrize(
    ("realisation", "target", "polarity", "expected"),
    [
        (95, 100, "max", 95.0),  # 95/100*100
        (90, 100, "min", 110.0),  # (1+(1-0.9))*100
        (100, 100, "stabilize", 100.0),
        (120, (90, 110), "stabilize", 90.909090909),  # (1-10/110)*100
        (80, (90, 110), "stabilize", 88.888888889),  # (1-10/90)*100
        (105, (90, 110), "stabilize", 100.0),
        (12, (8, 10), "max", 120.0),  # above the range: 12/10*100
        (6, (8, 10), "max", 75.0),  # below the range: 6/8*100
        (0, 100, "max", 0.0),
        (3.4, 4, "Maximize", 85.0),  # spelling accepted
        (4.5, 5, "minimise", 110.0),  # (1+(1-0.9))*100
    ],
)
def test_iku_index_by_polarity(realisation, target, polarity, expected):
    assert iku_index(realisation, target, polarity) == pytest.approx(expected)


def test_iku_index_is_clamped_to_0_and_120():
    assert iku_index(300, 100, "max") == 120.0  # raw 300
    assert iku_index(120, 100, "max") == 120.0  # exactly the cap
    assert iku_index(250, 100, "min") == 0.0  # raw (1+(1-2.5))*100 = -50
    assert iku_index(300, (90, 110), "stabilize") == 0.0  # raw (1-190/110)*100 < 0
    assert iku_index(0, 100, "min") == 120.0  # raw 200
    assert iku_index(130, 100, "max", cap=150) == pytest.approx(130.0)
    assert iku_index(50, 100, "max", floor=60) == 60.0


def test_permenpanrb_110_rule():
    assert iku_index(111, 100, "max", rule="permenpanrb-110") == 120.0
    assert iku_index(110, 100, "max", rule="permenpanrb-110") == pytest.approx(110.0)
    assert iku_index(105, 100, "max", rule="permenpanrb-110") == pytest.approx(105.0)
    # 110.005 prints as 110.01 (half-up), which is above 110
    assert iku_index(110.005, 100, "max", rule="permenpanrb-110") == 120.0
    assert iku_index(110.004, 100, "max", rule="permenpanrb-110") == pytest.approx(110.004)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"realisation": 5, "target": 0, "polarity": "max"}, "target is 0"),
        ({"realisation": 5, "target": (0, 0), "polarity": "min"}, "target is 0"),
        ({"realisation": -1, "target": 10, "polarity": "max"}, "negative"),
        ({"realisation": 5, "target": -10, "polarity": "max"}, "negative"),
        ({"realisation": 5, "target": (8, 7), "polarity": "min"}, "low > high"),
        ({"realisation": 5, "target": 10, "polarity": "up"}, "polarity"),
        ({"realisation": 5, "target": 10, "polarity": "max", "rule": "x"}, "rule"),
        ({"realisation": 5, "target": 10, "polarity": "max", "cap": 0}, "cap"),
        ({"realisation": float("nan"), "target": 10, "polarity": "max"}, "missing"),
        ({"realisation": "5", "target": 10, "polarity": "max"}, "number"),
        ({"realisation": 5, "target": (1, 2, 3), "polarity": "max"}, "interval"),
    ],
)
def test_iku_index_input_errors(kwargs, fragment):
    with pytest.raises(InputError, match=fragment):
        iku_index(**kwargs)


def test_zero_lower_bound_of_a_range_is_allowed():
    # "0-2 complaints", minimize: realisation 3 is compared with 2: (1+(1-3/2))*100 = 50
    assert iku_index(3, (0, 2), "min") == pytest.approx(50.0)
    assert iku_index(0, (0, 2), "min") == 100.0


# --------------------------------------------------------------------------- ici_colour


@pytest.mark.parametrize(
    ("ici", "colour"),
    [(120, "green"), (100, "green"), (99.995, "green"), (99.99, "yellow"), (80, "yellow"),
     (79.99, "red"), (79.994, "red"), (0, "red")],
)
def test_ici_colour_boundaries(ici, colour):
    assert ici_colour(ici) == colour


def test_ici_colour_with_another_table():
    from surveyq.bands import Band, BandTable

    strict = BandTable(
        name="strict-colours", title="t", source="test",
        bands=(Band(code="green", lower=105, label_id="Hijau", label_en="Green"),
               Band(code="red", lower=None, label_id="Merah", label_en="Red")),
    )
    assert ici_colour(104.99, strict) == "red"
    assert ici_colour(105, strict) == "green"


# --------------------------------------------------------------------------- consolidate

# Hand-worked series: quarters Q1..Q4, Q3 not reported.
#   realisations 10, 20, -, 30; targets 15, 15, 15, 15
#   sum:     R = 10 + 20 + 30 = 60;   T = 15 + 15 + 15 = 45 (Q3's target left out with it)
#   average: R = 60 / 3 = 20;         T = 45 / 3 = 15
#   last:    R = 30 (Q4);             T = 15
SERIES = {"Q1": 10, "Q2": 20, "Q3": None, "Q4": 30}
TARGETS = {"Q1": 15, "Q2": 15, "Q3": 15, "Q4": 15}


@pytest.mark.parametrize(
    ("how", "realisation", "target"), [("sum", 60, 45), ("average", 20, 15), ("last", 30, 15)]
)
def test_consolidate_hand_worked_series(how, realisation, target):
    res = consolidate(SERIES, how, targets=TARGETS)
    assert res.realisation == pytest.approx(realisation)
    assert res.target == pytest.approx(target)
    assert res.periods == ("Q1", "Q2", "Q4")
    assert res.skipped == ("Q3",)


# Second series, rising targets and no data after Q2 (a half-year report):
#   realisations 5, 7, -, -; targets 4, 6, 8, 10
#   sum: 5 + 7 = 12, targets to date 4 + 6 = 10; average 6 and 5; last 7 (Q2) and 6
@pytest.mark.parametrize(
    ("how", "realisation", "target"), [("sum", 12, 10), ("average", 6, 5), ("last", 7, 6)]
)
def test_consolidate_to_date(how, realisation, target):
    res = consolidate([5, 7, None, float("nan")], how, targets=[4, 6, 8, 10])
    assert (res.realisation, res.target) == (pytest.approx(realisation), pytest.approx(target))
    assert res.skipped == ()
    assert res.periods == (0, 1)


def test_consolidate_without_targets_and_from_a_series():
    res = consolidate(pd.Series([2.0, None, 4.0], index=[2021, 2022, 2023]), "average")
    assert res.realisation == pytest.approx(3.0)  # (2 + 4) / 2
    assert res.target is None
    assert res.to_frame().loc[0, "how"] == "average"


@pytest.mark.parametrize(
    ("values", "how", "targets", "fragment"),
    [
        ([None, None], "sum", None, "no period"),
        ([1, 2], "median", None, "consolidation"),
        ([1, 2], "sum", [1, 2, 3], "same periods"),
        ([1, 2], "sum", [1, None], "no target"),
        ([1, "a"], "sum", None, "not numbers"),
    ],
)
def test_consolidate_errors(values, how, targets, fragment):
    with pytest.raises(InputError, match=fragment):
        consolidate(values, how, targets=targets)


# --------------------------------------------------------------------------- perspective value


def test_perspective_value_hand_computed():
    # (0.5*110 + 0.3*95 + 0.2*80) / 1.0 = 55 + 28.5 + 16 = 99.5
    value = perspective_value({"a": 110, "b": 95, "c": 80}, {"a": 0.5, "b": 0.3, "c": 0.2})
    assert value == pytest.approx(99.5)
    # weights on any scale: (2*100 + 1*70) / 3 = 90
    assert perspective_value({"x": 100, "y": 70}, {"y": 1, "x": 2}) == pytest.approx(90.0)


def test_perspective_value_errors():
    with pytest.raises(InputError, match="keys must match"):
        perspective_value({"a": 100}, {"b": 1})
    with pytest.raises(InputError, match="negative"):
        perspective_value({"a": 100, "b": 90}, {"a": 2, "b": -1})
    with pytest.raises(InputError, match="sum to 0"):
        perspective_value({"a": 100}, {"a": 0})


# --------------------------------------------------------------------------- NKO


def test_e7_nko_kppbc_merak():
    # docs/methods.md example E7 (Hartini & Habibi (2023), Tabel 5-6)
    res = nko(
        {"stakeholder": 116.66, "customer": 112.61, "internal": 116.10, "learning": 112.20},
        {"stakeholder": 0.25, "customer": 0.15, "internal": 0.30, "learning": 0.30},
    )
    assert isinstance(res, Nko)
    assert res.value == pytest.approx(114.5465, abs=1e-9)
    assert res.predicate.label_id == "Istimewa"
    assert res.predicate.code == "istimewa"
    assert res.table == "nko-kemenkeu-lakin"
    assert "Merak" in res.source
    # contributions by hand: 116.66*.25, 112.61*.15, 116.10*.30, 112.20*.30
    expected = {"stakeholder": 29.165, "customer": 16.8915, "internal": 34.83, "learning": 33.66}
    for perspective, contribution in expected.items():
        assert res.contributions[perspective] == pytest.approx(contribution)
    assert not res.normalised


def test_nko_weights_as_percentages():
    # same E7 inputs with the weights printed as 25 / 15 / 30 / 30 percent
    res = nko({"S": 116.66, "C": 112.61, "IP": 116.10, "LG": 112.20},
              {"S": 25, "C": 15, "IP": 30, "LG": 30})
    assert res.value == pytest.approx(114.5465, abs=1e-9)
    assert res.weights["S"] == pytest.approx(0.25)
    assert res.weight_sum == pytest.approx(100)


def test_hand_computed_nko_for_a_small_scorecard():
    # Stakeholder (40%): S1 max 95 vs 100 -> 95; S2 min 4 vs 5 -> (1+(1-0.8))*100 = 120
    #   weights 60/40 -> NP = 0.6*95 + 0.4*120 = 57 + 48 = 105
    # Customer (30%): C1 max 3.78 vs 4.2 -> 90; C2 stabilize 12 vs band 8-10 -> (1-2/10)*100 = 80
    #   weights 50/50 -> NP = 85
    # Learning (30%): L1 max 150 vs 100 -> 150, capped 120; L2 max 80 vs 100 -> 80
    #   weights 1/3 -> NP = (120 + 3*80) / 4 = 90
    # NKO = 0.4*105 + 0.3*85 + 0.3*90 = 42 + 25.5 + 27 = 94.5 -> Baik (90 <= NKO <= 100)
    stakeholder = perspective_value(
        {"S1": iku_index(95, 100, "max"), "S2": iku_index(4, 5, "min")}, {"S1": 60, "S2": 40}
    )
    customer = perspective_value(
        {"C1": iku_index(3.78, 4.2, "max"), "C2": iku_index(12, (8, 10), "stabilize")},
        {"C1": 1, "C2": 1},
    )
    learning = perspective_value(
        {"L1": iku_index(150, 100, "max"), "L2": iku_index(80, 100, "max")}, {"L1": 1, "L2": 3}
    )
    assert (stakeholder, customer, learning) == (
        pytest.approx(105), pytest.approx(85), pytest.approx(90)
    )
    res = nko({"S": stakeholder, "C": customer, "L": learning}, {"S": 0.4, "C": 0.3, "L": 0.3})
    assert res.value == pytest.approx(94.5)
    assert res.predicate.label_id == "Baik"
    assert res.predicate.label_en == "Good"


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (100.01, "Istimewa"), (100.0, "Baik"), (100.004, "Baik"), (100.005, "Istimewa"),
        (90.0, "Baik"), (89.99, "Butuh Perbaikan"), (70.0, "Butuh Perbaikan"),
        (69.99, "Kurang"), (50.0, "Kurang"), (49.99, "Sangat Kurang"), (0.0, "Sangat Kurang"),
    ],
)
def test_nko_predicate_boundaries_as_e7_states(value, label):
    assert nko({"p": value}, {"p": 1}).predicate.label_id == label


def test_nko_alternative_predicate_table():
    assert nko({"p": 110}, {"p": 1}, predicate="alternative").predicate.label_id == "Sangat Baik"
    res = nko({"p": 100.01}, {"p": 1}, predicate="alternative")
    assert res.predicate.label_id == "Baik"
    assert res.table == "nko-alternative"


def test_nko_weights_must_sum_to_one():
    with pytest.raises(InputError, match="sum to 0.99"):
        nko({"a": 100, "b": 90}, {"a": 0.5, "b": 0.49})
    with pytest.raises(InputError, match="normalise=True"):
        nko({"a": 100, "b": 90}, {"a": 60, "b": 30})
    # within 0.005 is accepted as given: 0.5*100 + 0.496*90 = 94.64
    assert nko({"a": 100, "b": 90}, {"a": 0.5, "b": 0.496}).value == pytest.approx(94.64)


def test_nko_normalise():
    # weights 1, 1, 2 -> 0.25, 0.25, 0.5: 25 + 20 + 45 = 90
    res = nko({"a": 100, "b": 80, "c": 90}, {"a": 1, "b": 1, "c": 2}, normalise=True)
    assert res.normalised
    assert res.value == pytest.approx(90.0)
    assert any("normalised" in note for note in res.notes)
    assert res.weights.to_dict() == pytest.approx({"a": 0.25, "b": 0.25, "c": 0.5})


def test_nko_keys_must_match():
    with pytest.raises(InputError, match="no weight for"):
        nko({"a": 100, "b": 90}, {"a": 1})


def test_nko_result_frame_and_html():
    res = nko({"a": 100, "b": 90}, {"a": 0.5, "b": 0.5})
    frame = res.to_frame()
    assert list(frame.columns) == ["value", "weight", "contribution"]
    assert frame.loc["b", "contribution"] == pytest.approx(45.0)
    assert "Baik" in res._repr_html_()


# --------------------------------------------------------------------------- composite index


def test_e4_composite_index_tabanan():
    # docs/methods.md example E4 (Nugrahini et al., Tabel 13)
    res = composite_index(
        {"Keuangan": 75.16, "Pelanggan": 75.46, "Proses Bisnis Internal": 20.67,
         "Pembelajaran dan Pertumbuhan": 50.10},
        {"Keuangan": 10, "Pelanggan": 50, "Proses Bisnis Internal": 20,
         "Pembelajaran dan Pertumbuhan": 20},
    )
    assert isinstance(res, CompositeIndex)
    assert res.value == pytest.approx(59.40, abs=1e-9)
    expected = {"Keuangan": 7.516, "Pelanggan": 37.73, "Proses Bisnis Internal": 4.134,
                "Pembelajaran dan Pertumbuhan": 10.02}
    for perspective, contribution in expected.items():
        assert res.contributions[perspective] == pytest.approx(contribution, abs=1e-9)
    assert res.band.label_id == "Sedang"
    assert res.band.secondary_id == "Cukup berhasil"
    assert res.table == "lan-1999"


def test_e5_note_composite_with_standard_effectiveness():
    # E5: with the financial score 81.77 the composite is 60.06, still Sedang
    res = composite_index({"K": 81.77, "P": 75.46, "PBI": 20.67, "PP": 50.10},
                          {"K": 0.1, "P": 0.5, "PBI": 0.2, "PP": 0.2})
    assert res.value == pytest.approx(60.061, abs=1e-9)
    assert res.band.label_id == "Sedang"


@pytest.mark.parametrize(
    ("value", "label", "secondary"),
    [(120, "Sangat baik", "Sangat berhasil"), (85, "Sangat baik", "Sangat berhasil"),
     (84.99, "Baik", "Berhasil"), (70, "Baik", "Berhasil"), (69.99, "Sedang", "Cukup berhasil"),
     (55, "Sedang", "Cukup berhasil"), (54.99, "Kurang baik", "Tidak berhasil")],
)
def test_lan_1999_band_edges(value, label, secondary):
    band = composite_index({"x": value}, {"x": 1}).band
    assert (band.label_id, band.secondary_id) == (label, secondary)


# --------------------------------------------------------------------------- weighted score

E8_ROWS = [
    # Heitasari et al., Tabel 9, scores on a 1-3 scale
    {"perspective": "Financial", "perspective_weight": 0.30, "indicator": "Pertumbuhan",
     "weight": 0.5, "score": 3},
    {"perspective": "Financial", "perspective_weight": 0.30, "indicator": "Pengeluaran",
     "weight": 0.3, "score": 3},
    {"perspective": "Financial", "perspective_weight": 0.30, "indicator": "Efisiensi",
     "weight": 0.2, "score": 3},
    {"perspective": "Pelanggan", "perspective_weight": 0.2, "indicator": "Customer Satisfaction",
     "weight": 1, "score": 3},
    {"perspective": "Proses Bisnis Internal", "perspective_weight": 0.20,
     "indicator": "Waktu Tunggu", "weight": 0.6, "score": 2},
    {"perspective": "Proses Bisnis Internal", "perspective_weight": 0.20,
     "indicator": "Kinerja Pelayanan", "weight": 0.4, "score": 3},
    {"perspective": "Pembelajaran dan Pertumbuhan", "perspective_weight": 0.30,
     "indicator": "Peningkatan Kapabilitas", "weight": 0.5, "score": 1},
    {"perspective": "Pembelajaran dan Pertumbuhan", "perspective_weight": 0.30,
     "indicator": "Kepuasan Pegawai", "weight": 0.5, "score": 3},
]


def test_e8_weighted_score_with_score_3():
    res = weighted_score(E8_ROWS, scale_max=3)
    # row values of E8: 0.15, 0.09, 0.06, 0.20, 0.08, 0.08, 0.05 (paper 0.04), 0.15
    expected_rows = [0.15, 0.09, 0.06, 0.20, 0.08, 0.08, 0.05, 0.15]
    assert res.indicators["value"].tolist() == pytest.approx(expected_rows)
    assert res.total == pytest.approx(0.86)
    achievement = res.perspectives["achievement"]
    assert achievement["Financial"] == pytest.approx(1.0)
    assert achievement["Pelanggan"] == pytest.approx(1.0)
    assert achievement["Proses Bisnis Internal"] == pytest.approx(0.80)
    assert achievement["Pembelajaran dan Pertumbuhan"] == pytest.approx(0.667, abs=5e-4)
    assert res.perspectives.loc["Proses Bisnis Internal", "value"] == pytest.approx(0.16)
    assert res.perspectives.loc["Pembelajaran dan Pertumbuhan", "value"] == pytest.approx(0.20)


def test_e8_weighted_score_with_printed_score_2():
    rows = [dict(row) for row in E8_ROWS]
    rows[-1]["score"] = 2  # the paper prints score 2 for Kepuasan Pegawai
    res = weighted_score(rows)
    assert res.indicators["value"].iloc[-1] == pytest.approx(0.10)
    assert res.total == pytest.approx(0.81)
    assert res.perspectives.loc["Pembelajaran dan Pertumbuhan", "achievement"] == pytest.approx(0.5)


def test_weighted_score_with_perspective_weights_argument():
    rows = [{key: value for key, value in row.items() if key != "perspective_weight"}
            for row in E8_ROWS]
    weights = {"Financial": 30, "Pelanggan": 20, "Proses Bisnis Internal": 20,
               "Pembelajaran dan Pertumbuhan": 30}
    assert weighted_score(rows, weights).total == pytest.approx(0.86)


def test_weighted_score_errors():
    rows = [dict(row) for row in E8_ROWS]
    rows[0]["score"] = 4
    with pytest.raises(InputError, match="1..3"):
        weighted_score(rows)
    rows = [dict(row) for row in E8_ROWS]
    rows[0]["weight"] = 0.6  # Financial indicator weights now sum to 1.1
    with pytest.raises(InputError, match="Financial"):
        weighted_score(rows)
    with pytest.raises(InputError, match="perspective_weight"):
        weighted_score([{"perspective": "a", "indicator": "i", "weight": 1, "score": 2}])
    with pytest.raises(InputError, match="lacks column"):
        weighted_score([{"perspective": "a", "weight": 1, "score": 2}])


# --------------------------------------------------------------------------- company score


@pytest.mark.parametrize(
    ("value", "code"),
    [(1.0, "istimewa"), (0.90, "istimewa"), (0.89, "baik_sekali"), (0.70, "baik_sekali"),
     (0.69, "baik"), (0.59, "baik"), (0.58, "cukup"), (0.0, "cukup")],
)
def test_company_score_bands_harumantaka(value, code):
    # printed as 0.90-1.00 istimewa; 0.70-0.89 baik sekali; 0.59-0.69 baik; < 0.59 cukup
    assert company_score_band(value).code == code


def test_company_score_band_rejects_missing():
    with pytest.raises(InputError):
        company_score_band(math.nan)


def test_stabilize_rule_is_replaceable():
    # a stricter rule given as a function: 0 outside the band
    def outside_is_zero(realisation: float, low: float, high: float) -> float:
        return 0.0

    assert iku_index(12, (8, 10), "stabilize", stabilize=outside_is_zero) == 0.0
    assert iku_index(9, (8, 10), "stabilize", stabilize=outside_is_zero) == 100.0
    # the default, named: (1 - 2/10) * 100 = 80
    assert iku_index(12, (8, 10), "stabilize", stabilize="nearest-bound") == pytest.approx(80.0)
    with pytest.raises(InputError, match="stabilize rule"):
        iku_index(12, (8, 10), "stabilize", stabilize="midpoint")
