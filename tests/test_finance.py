"""Tests of surveyq.finance against docs/methods.md examples E5 and E6 (Nugrahini et al.,
BPMPD Kabupaten Tabanan).

Inputs are the paper's printed figures, verbatim; expected values are those written in
docs/methods.md (worked examples), or worked by hand in the comments beside them.
"""

from __future__ import annotations

import pandas as pd
import pytest

from surveyq.errors import InputError
from surveyq.finance import growth, productivity, value_for_money

YEARS = [2010, 2011, 2012, 2013, 2014]

# Tabel 4: anggaran belanja, realisasi belanja
BUDGETED_SPENDING = dict(zip(YEARS, [3_014_794_000.00, 3_399_024_500.00, 4_034_374_440.00,
                                     4_053_378_940.00, 4_633_262_500.00], strict=True))
REALISED_SPENDING = dict(zip(YEARS, [2_916_935_211.00, 3_233_019_299.00, 3_831_633_873.00,
                                     3_939_150_502.00, 4_445_458_746.00], strict=True))
# Tabel 5: realisasi pendapatan, realisasi belanja langsung
REVENUE_TABEL_5 = dict(zip(YEARS, [1_910_816_500.00, 1_576_093_300.00, 1_735_797_000.00,
                                   2_385_488_500.00, 2_635_501_500.00], strict=True))
DIRECT_SPENDING = dict(zip(YEARS, [335_439_667.00, 414_962_111.00, 793_621_653.00,
                                   896_270_356.00, 1_218_105_386.00], strict=True))
# Tabel 6: anggaran pendapatan, realisasi pendapatan (2010 and 2014 differ from Tabel 5)
TARGET_REVENUE = dict(zip(YEARS, [1_979_667_500.00, 2_252_750_000.00, 1_624_650_000.00,
                                  1_687_050_000.00, 1_674_650_000.00], strict=True))
REVENUE_TABEL_6 = dict(zip(YEARS, [1_910_386_500.00, 1_576_093_300.00, 1_735_797_000.00,
                                   2_385_488_500.00, 2_653_501_500.00], strict=True))


def _e5(effectiveness: str = "realised/target", **kwargs):
    return value_for_money(
        budgeted_spending=BUDGETED_SPENDING, realised_spending=REALISED_SPENDING,
        direct_spending=DIRECT_SPENDING, realised_revenue=REVENUE_TABEL_5,
        target_revenue=TARGET_REVENUE, revenue_for_effectiveness=REVENUE_TABEL_6,
        effectiveness=effectiveness, **kwargs,
    )


def test_e5_economy_and_efficiency_per_year_and_means():
    res = _e5()
    ratios = res.ratios
    assert ratios["economy"].tolist() == pytest.approx(
        [96.75, 95.12, 94.97, 97.18, 95.95], abs=0.005)
    assert ratios.loc[2011, "economy"] == pytest.approx(95.1161, abs=5e-5)  # paper truncates
    assert ratios["efficiency"].tolist() == pytest.approx(
        [17.55, 26.33, 45.72, 37.57, 46.22], abs=0.005)
    assert res.means["economy"] == pytest.approx(95.99, abs=0.005)
    assert res.means["efficiency"] == pytest.approx(34.68, abs=0.005)
    table = res.table
    assert set(table.loc[table.ratio == "economy", "label_id"]) == {"Ekonomis"}
    assert set(table.loc[table.ratio == "efficiency", "label_id"]) == {"Efisien"}


def test_e5_effectiveness_paper_variant():
    res = _e5("target/realised")
    assert res.effectiveness_convention == "target/realised"
    assert res.ratios["effectiveness"].tolist() == pytest.approx(
        [103.63, 142.93, 93.60, 70.72, 63.11], abs=0.005)
    assert res.means["effectiveness"] == pytest.approx(94.80, abs=0.005)
    assert res.score == pytest.approx(75.16, abs=0.005)  # (95.99 + 34.68 + 94.80) / 3
    # under the reciprocal, <= 100 is effective: 2010 and 2011 are not
    verdicts = res.table.loc[res.table.ratio == "effectiveness", "criterion"].tolist()
    assert verdicts == ["not_effective", "not_effective", "effective", "effective", "effective"]
    assert res.criteria_tables["effectiveness"] == "vfm-effectiveness-reciprocal-nugrahini"
    assert res.mean_criteria["effectiveness"].code == "effective"  # 94.80 <= 100


def test_e5_effectiveness_standard_convention_is_the_default():
    res = _e5()
    assert res.effectiveness_convention == "realised/target"
    assert res.means["effectiveness"] == pytest.approx(114.63, abs=0.005)
    assert res.score == pytest.approx(81.77, abs=0.005)  # (95.99 + 34.68 + 114.63) / 3
    # same verdicts as the paper's variant: 2010 1,910,386,500 / 1,979,667,500 = 96.50 < 100
    verdicts = res.table.loc[res.table.ratio == "effectiveness", "criterion"].tolist()
    assert verdicts == ["not_effective", "not_effective", "effective", "effective", "effective"]
    assert res.criteria_tables["effectiveness"] == "vfm-effectiveness"
    assert "realised revenue / target revenue" in res.notes[0]


def test_kepmendagri_criteria_for_the_standard_convention():
    res = _e5(effectiveness_criteria="vfm-effectiveness-kepmendagri-1996")
    # realised / target by hand: 2010 96.50 (>= 90 efektif), 2011 1,576,093,300 /
    # 2,252,750,000 = 69.96 (>= 60 kurang efektif), 2012 106.84, 2013 141.40, 2014 158.45
    # (> 100 sangat efektif)
    labels = res.table.loc[res.table.ratio == "effectiveness", "label_id"].tolist()
    assert labels == ["Efektif", "Kurang efektif", "Sangat efektif", "Sangat efektif",
                      "Sangat efektif"]


def test_criteria_must_follow_the_convention():
    with pytest.raises(InputError, match="realised/target"):
        _e5("target/realised", effectiveness_criteria="vfm-effectiveness-kepmendagri-1996")
    with pytest.raises(InputError, match="convention"):
        _e5("realised-over-target")


def test_value_for_money_from_a_dataframe():
    data = pd.DataFrame({
        "budgeted_spending": BUDGETED_SPENDING, "realised_spending": REALISED_SPENDING,
        "direct_spending": DIRECT_SPENDING, "realised_revenue": REVENUE_TABEL_5,
        "target_revenue": TARGET_REVENUE, "revenue_for_effectiveness": REVENUE_TABEL_6,
    })
    res = value_for_money(data, effectiveness="target/realised")
    assert res.means["effectiveness"] == pytest.approx(94.80, abs=0.005)
    assert res.ratios.loc[2010, "efficiency"] == pytest.approx(17.55, abs=0.005)
    tidy = res.to_frame()
    assert list(tidy.columns) == ["year", "ratio", "value", "criterion", "label_id", "label_en"]
    assert len(tidy) == 15
    assert "Value for money" in res._repr_html_()


def test_value_for_money_errors():
    with pytest.raises(InputError, match="needs"):
        value_for_money(budgeted_spending=BUDGETED_SPENDING)
    with pytest.raises(InputError, match="same years"):
        value_for_money(
            budgeted_spending=BUDGETED_SPENDING, realised_spending=REALISED_SPENDING,
            direct_spending=DIRECT_SPENDING, realised_revenue=REVENUE_TABEL_5,
            target_revenue={2010: 1.0},
        )
    with pytest.raises(InputError, match="0 or more"):
        value_for_money(
            budgeted_spending=BUDGETED_SPENDING, realised_spending=REALISED_SPENDING,
            direct_spending={**DIRECT_SPENDING, 2012: -1.0},
            realised_revenue=REVENUE_TABEL_5, target_revenue=TARGET_REVENUE,
        )
    with pytest.raises(InputError, match="greater than 0"):
        value_for_money(
            budgeted_spending={2010: 0}, realised_spending={2010: 1}, direct_spending={2010: 1},
            realised_revenue={2010: 1}, target_revenue={2010: 1},
        )


# --------------------------------------------------------------------------- E6 productivity

EMPLOYEES = dict(zip(YEARS, [57, 56, 56, 53, 49], strict=True))  # Tabel 11
PERMITS = dict(zip(YEARS, [4_062, 4_089, 5_338, 6_647, 5_748], strict=True))


def test_e6_productivity_and_growth():
    res = productivity(PERMITS, EMPLOYEES)
    table = res.table
    assert table["productivity"].tolist() == pytest.approx(
        [71.26, 73.02, 95.32, 125.42, 117.31], abs=0.005)
    assert res.mean == pytest.approx(96.46, abs=0.005)
    assert res.pooled == pytest.approx(95.51, abs=0.005)  # 25,884 / 271
    assert pd.isna(table["growth_pct"].iloc[0])
    assert table["growth_pct"].iloc[1:].tolist() == pytest.approx(
        [2.46, 30.55, 31.57, -6.47], abs=0.005)
    assert res.to_frame().index.tolist() == YEARS


def test_e6_growth_from_the_papers_rounded_productivity():
    res = growth(dict(zip(YEARS, [71, 73, 95, 125, 117], strict=True)))
    assert res["growth_pct"].iloc[1:].tolist() == pytest.approx(
        [2.82, 30.14, 31.58, -6.40], abs=0.005)
    assert res["value"].tolist() == [71, 73, 95, 125, 117]


def test_growth_hand_worked():
    # 200 -> 250: +25%; 250 -> 200: -20%
    assert growth([200, 250, 200])["growth_pct"].tolist()[1:] == pytest.approx([25.0, -20.0])


def test_growth_and_productivity_errors():
    with pytest.raises(InputError, match="value of 0"):
        growth([0, 5])
    with pytest.raises(InputError, match="no value"):
        growth([1, None, 3])
    with pytest.raises(InputError, match="employees"):
        productivity({2010: 10}, {2010: 0})
    with pytest.raises(InputError, match="covers years"):
        productivity({2010: 10, 2011: 12}, {2010: 2, 2012: 3})
