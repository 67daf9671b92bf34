"""Tests for surveyq.reliability: Cronbach's alpha and SPSS's Item-Total Statistics.

Expected values come from R psych::alpha and psych::smc (written by
tests/reference/make_reference.R), from a published SPSS RELIABILITY output (Denis, cited
below), from pingouin, and from hand calculations written out below.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pingouin
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surveyq.errors import AnalysisError, InputError
from surveyq.moments import Moments
from surveyq.reliability import Reliability, cronbach_alpha

REFERENCE = Path(__file__).parent / "reference"

# psychTools::bfi.keys: "-" items are reversed as 7 - x on the 1..6 scale.
BFI_KEYS = {
    "A": ["-A1", "A2", "A3", "A4", "A5"],
    "C": ["C1", "C2", "C3", "-C4", "-C5"],
    "E": ["-E1", "-E2", "E3", "E4", "E5"],
    "N": ["N1", "N2", "N3", "N4", "N5"],
    "O": ["O1", "-O2", "O3", "O4", "-O5"],
}


def load_items(dataset: str, scale: str) -> pd.DataFrame:
    """The item data exactly as the R script analysed it (reverse keyed for bfi)."""
    data = pd.read_csv(REFERENCE / f"input_{dataset}.csv")
    if dataset != "bfi":
        return data
    keys = BFI_KEYS[scale]
    data = data[[key.lstrip("-") for key in keys]].copy()
    reversed_items = [key[1:] for key in keys if key.startswith("-")]
    data[reversed_items] = 7 - data[reversed_items]
    return data


PSYCH = pd.read_csv(REFERENCE / "expected_psych.csv", keep_default_na=False,
                    na_values={"value": ["NA"]})
CASES = sorted({(row.dataset, row.scale, row.missing) for row in PSYCH.itertuples()})


def psych_values(dataset: str, scale: str, missing: str) -> tuple[dict, pd.DataFrame]:
    rows = PSYCH[(PSYCH["dataset"] == dataset) & (PSYCH["scale"] == scale)
                 & (PSYCH["missing"] == missing)]
    scale_rows = rows[rows["item"] == ""]
    item_rows = rows[rows["item"] != ""]
    totals = dict(zip(scale_rows["statistic"], scale_rows["value"], strict=True))
    items = item_rows.pivot(index="item", columns="statistic", values="value")
    return totals, items


# psych's item statistics -> surveyq's item_total columns.
PSYCH_ITEM_COLUMNS = {
    "alpha_drop_raw": "alpha_if_deleted",
    "alpha_drop_std": "std_alpha_if_deleted",
    "r_drop": "corrected_item_total_r",
    "mean": "mean",
    "smc": "squared_multiple_r",
    "scale_mean_if_deleted": "scale_mean_if_deleted",
    "scale_var_if_deleted": "scale_var_if_deleted",
    "raw_r": "raw_r",
}
# std_alpha and alpha_drop_std under pairwise deletion follow psych 2.4.1+ (R from
# cor(use = "pairwise")), computed by make_reference.R itself since Debian ships psych 2.2.9.


# ---- against R psych -----------------------------------------------------------------------


@pytest.mark.parametrize(("dataset", "scale", "missing"), CASES)
def test_scale_statistics_match_psych(dataset, scale, missing):
    # The listwise references were computed by psych::alpha on na.omit(data); surveyq gets
    # the data with its missing values and deletes listwise itself.
    totals, _ = psych_values(dataset, scale, missing)
    result = cronbach_alpha(load_items(dataset, scale), missing=missing)
    assert result.n == totals["n"]
    assert result.alpha == pytest.approx(totals["raw_alpha"], abs=1e-10)
    assert result.std_alpha == pytest.approx(totals["std_alpha"], abs=1e-10)
    assert result.ci[0] == pytest.approx(totals["feldt_lower"], abs=1e-10)
    assert result.ci[1] == pytest.approx(totals["feldt_upper"], abs=1e-10)


@pytest.mark.parametrize(("dataset", "scale", "missing"), CASES)
@pytest.mark.parametrize("statistic", list(PSYCH_ITEM_COLUMNS))
def test_item_statistics_match_psych(dataset, scale, missing, statistic):
    _, items = psych_values(dataset, scale, missing)
    result = cronbach_alpha(load_items(dataset, scale), missing=missing).item_total
    expected = items.loc[list(result.index), statistic]
    ours = result[PSYCH_ITEM_COLUMNS[statistic]]
    np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-10)


@pytest.mark.parametrize("missing", ["listwise", "pairwise"])
def test_merged_chunks_match_psych(missing):
    data = load_items("bfi", "N")
    chunks = [Moments.from_frame(data.iloc[start:start + 500]) for start in range(0, 2800, 500)]
    result = cronbach_alpha(sum(chunks), missing=missing)
    totals, items = psych_values("bfi", "N", missing)
    assert result.alpha == pytest.approx(totals["raw_alpha"], abs=1e-10)
    assert result.n == totals["n"]
    np.testing.assert_allclose(result.item_total["alpha_if_deleted"],
                               items.loc[list(data), "alpha_drop_raw"], atol=1e-10)


# ---- against a published SPSS output -------------------------------------------------------

# Denis, D. J. Applied Univariate, Bivariate, and Multivariate Statistics (Wiley), section on
# Cronbach's alpha: 10 x 5 raw data (Item_1..Item_5) and the SPSS output of
#   RELIABILITY /VARIABLES=Item_1 Item_2 Item_3 Item_4 Item_5 /SCALE('ALL VARIABLES') ALL
#   /MODEL=ALPHA /STATISTICS=DESCRIPTIVE SCALE CORR /SUMMARY=TOTAL.
# Read at https://livelib.biz/read_928329/p38 and https://livelib.biz/read_928329/p39.
# The data are in tests/reference/input_denis.csv.
SPSS_RELIABILITY = {"alpha": 0.633, "std_alpha": 0.691, "k": 5}
SPSS_ITEM_STATISTICS = {  # Mean (4 decimals), Std. Deviation (5 decimals), N
    "Item_1": (7.3000, 2.71006, 10),
    "Item_2": (8.8000, 5.05085, 10),
    "Item_3": (9.1000, 4.74810, 10),
    "Item_4": (9.4000, 2.71621, 10),
    "Item_5": (7.0000, 3.80058, 10),
}
SPSS_INTER_ITEM_R = {  # upper triangle, 3 decimals
    ("Item_1", "Item_2"): 0.679, ("Item_1", "Item_3"): 0.351, ("Item_1", "Item_4"): 0.827,
    ("Item_1", "Item_5"): 0.022, ("Item_2", "Item_3"): 0.612, ("Item_2", "Item_4"): 0.743,
    ("Item_2", "Item_5"): -0.463, ("Item_3", "Item_4"): 0.462, ("Item_3", "Item_5"): -0.129,
    ("Item_4", "Item_5"): -0.011,
}
SPSS_ITEM_TOTAL = {
    # Scale Mean if Item Deleted, Scale Variance if Item Deleted, Corrected Item-Total
    # Correlation, Squared Multiple Correlation, Cronbach's Alpha if Item Deleted
    "Item_1": (34.3000, 108.900, 0.712, 0.726, 0.478),
    "Item_2": (32.8000, 80.400, 0.558, 0.841, 0.476),
    "Item_3": (32.5000, 88.278, 0.512, 0.448, 0.507),
    "Item_4": (32.2000, 104.844, 0.796, 0.776, 0.445),
    "Item_5": (34.6000, 164.267, -0.228, 0.541, 0.824),
}
SPSS_ITEM_TOTAL_DECIMALS = (4, 3, 3, 3, 3)
# The book then drops Item_5 and prints alpha .824, standardized .863, 4 items.
SPSS_WITHOUT_ITEM_5 = {"alpha": 0.824, "std_alpha": 0.863}


def assert_printed(value: float, printed: float, decimals: int) -> None:
    assert abs(value - printed) <= 0.5 * 10.0**-decimals + 1e-12, (value, printed)


def test_spss_reliability_statistics():
    result = cronbach_alpha(load_items("denis", "all"))
    assert_printed(result.alpha, SPSS_RELIABILITY["alpha"], 3)
    assert_printed(result.std_alpha, SPSS_RELIABILITY["std_alpha"], 3)
    assert result.k == SPSS_RELIABILITY["k"]


def test_spss_item_statistics_and_inter_item_correlations():
    moments = Moments.from_frame(load_items("denis", "all"))
    means, sds = moments.means("listwise"), np.sqrt(np.diag(moments.covariance()))
    for position, (item, (mean, sd, n)) in enumerate(SPSS_ITEM_STATISTICS.items()):
        assert_printed(means[item], mean, 4)
        assert_printed(sds[position], sd, 5)
        assert moments.counts("listwise")[item] == n
    correlation = moments.correlation()
    for (row, column), printed in SPSS_INTER_ITEM_R.items():
        assert_printed(correlation.loc[row, column], printed, 3)


def test_spss_item_total_statistics():
    table = cronbach_alpha(load_items("denis", "all")).item_total
    columns = ["scale_mean_if_deleted", "scale_var_if_deleted", "corrected_item_total_r",
               "squared_multiple_r", "alpha_if_deleted"]
    for item, printed_row in SPSS_ITEM_TOTAL.items():
        for column, printed, decimals in zip(columns, printed_row, SPSS_ITEM_TOTAL_DECIMALS,
                                             strict=True):
            assert_printed(table.loc[item, column], printed, decimals)


def test_spss_alpha_after_dropping_item_5():
    result = cronbach_alpha(load_items("denis", "all").drop(columns="Item_5"))
    assert_printed(result.alpha, SPSS_WITHOUT_ITEM_5["alpha"], 3)
    assert_printed(result.std_alpha, SPSS_WITHOUT_ITEM_5["std_alpha"], 3)


def test_summary_prints_spss_digits():
    text = cronbach_alpha(load_items("denis", "all")).summary()
    lines = text.splitlines()
    assert lines[0] == "Reliability Statistics"
    assert "Cronbach's Alpha Based on Standardized Items" in lines[1]
    assert lines[2].split() == [".633", ".691", "5"]
    start = lines.index("Item-Total Statistics")
    assert "Scale Mean if Item Deleted" in lines[start + 1]
    # SPSS prints correlations without the leading zero (the book re-typeset them as 0.712).
    for line, (item, printed) in zip(lines[start + 2:start + 7], SPSS_ITEM_TOTAL.items(),
                                     strict=True):
        expected = [item, f"{printed[0]:.4f}", f"{printed[1]:.3f}",
                    *(f"{value:.3f}".replace("0.", ".", 1) for value in printed[2:])]
        assert line.split() == expected
    assert "N = 10: respondents who answered every item" in text
    assert "possibly reverse-keyed): Item_5" in text
    assert str(cronbach_alpha(load_items("denis", "all"))) == text


# ---- pingouin cross-check ------------------------------------------------------------------


@pytest.mark.parametrize(("dataset", "scale"), [("attitude", "all"), ("denis", "all"),
                                                ("bfi", "A"), ("bfi", "O"),
                                                ("ability", "all")])
def test_alpha_matches_pingouin_on_complete_data(dataset, scale):
    data = load_items(dataset, scale).dropna()
    expected_alpha, expected_ci = pingouin.cronbach_alpha(data=data)
    result = cronbach_alpha(data)
    assert result.alpha == pytest.approx(expected_alpha, abs=1e-10)
    # pingouin rounds its interval to 3 decimals.
    np.testing.assert_array_equal(np.round(result.ci, 3), expected_ci)


def test_listwise_interval_uses_the_n_analysed():
    # pingouin 0.7.0 with nan_policy="listwise" builds the Feldt interval with the n before
    # deletion (1525 rows of ability); psych on na.omit data (the R reference) uses the 1248
    # respondents analysed, and so does surveyq.
    data = load_items("ability", "all")
    totals, _ = psych_values("ability", "all", "listwise")
    result = cronbach_alpha(data)
    assert result.n == totals["n"] == 1248
    assert result.ci[0] == pytest.approx(totals["feldt_lower"], abs=1e-10)
    assert result.ci[1] == pytest.approx(totals["feldt_upper"], abs=1e-10)
    _, pingouin_ci = pingouin.cronbach_alpha(data=data, nan_policy="listwise")
    assert not np.array_equal(np.round(result.ci, 3), pingouin_ci)


# ---- conventions and result object ---------------------------------------------------------


def test_hand_calculation_two_items():
    # Q1 = 1, 2, 3 (variance 1); Q2 = 2, 1, 3 (variance 1); covariance 1/2.
    # alpha = 2/1 * (1 - (1 + 1) / (1 + 1 + 2 * 1/2)) = 2 * (1 - 2/3) = 2/3.
    # Corrected item-total r with 2 items is r(Q1, Q2) = 1/2.
    result = cronbach_alpha(pd.DataFrame({"Q1": [1, 2, 3], "Q2": [2, 1, 3]}))
    assert result.alpha == pytest.approx(2 / 3, abs=1e-15)
    assert result.std_alpha == pytest.approx(2 / 3, abs=1e-15)
    np.testing.assert_allclose(result.item_total["corrected_item_total_r"], [0.5, 0.5],
                               atol=1e-15)
    # Scale mean if deleted: the other item's mean, 2; variance if deleted: the other's, 1.
    np.testing.assert_allclose(result.item_total["scale_mean_if_deleted"], [2, 2], atol=1e-15)
    np.testing.assert_allclose(result.item_total["scale_var_if_deleted"], [1, 1], atol=1e-15)
    # SMC with 2 items is r^2 = 1/4.
    np.testing.assert_allclose(result.item_total["squared_multiple_r"], [0.25, 0.25],
                               atol=1e-15)
    # Alpha if deleted is undefined for one remaining item.
    assert result.item_total["alpha_if_deleted"].isna().all()
    assert any("2 items" in note for note in result.notes)


def test_threshold_is_strict():
    data = load_items("denis", "all")
    result = cronbach_alpha(data)
    assert result.reliable and result.threshold == 0.60
    assert not cronbach_alpha(data, threshold=result.alpha).reliable
    assert not cronbach_alpha(data, threshold=0.70).reliable


def test_reverse_keyed_flag():
    result = cronbach_alpha(load_items("denis", "all"))
    assert result.reverse_keyed == ("Item_5",)
    assert result.item_total["possibly_reverse_keyed"].tolist() == [False] * 4 + [True]


def test_unreversed_bfi_items_are_flagged():
    # Without reversing A1 (psychTools::bfi.keys marks it "-"), its corrected r is negative.
    data = pd.read_csv(REFERENCE / "input_bfi.csv")[["A1", "A2", "A3", "A4", "A5"]]
    assert cronbach_alpha(data).reverse_keyed == ("A1",)


def test_pairwise_notes_the_n_used():
    result = cronbach_alpha(load_items("bfi", "E"), missing="pairwise")
    assert result.n == 2800 and result.missing == "pairwise"
    assert any("n = 2800 (all rows), as psych::alpha does" in note for note in result.notes)


def test_to_frame_and_html():
    result = cronbach_alpha(load_items("denis", "all"), ci=0.90)
    frame = result.to_frame()
    assert list(frame.columns) == ["alpha", "std_alpha", "ci_low", "ci_high", "ci_level", "n",
                                   "k", "reliable", "threshold", "missing"]
    assert frame.shape == (1, 10) and frame.loc[0, "ci_level"] == 0.90
    html = result._repr_html_()
    assert "Item-Total Statistics" in html and "Item_5" in html and "90% CI" in html


def test_result_is_frozen():
    result = cronbach_alpha(load_items("denis", "all"))
    assert isinstance(result, Reliability)
    with pytest.raises(AttributeError):
        result.alpha = 0.9


def test_item_names_are_escaped_in_html():
    data = load_items("denis", "all").rename(columns={"Item_1": "<b>Q1</b>"})
    html = cronbach_alpha(data)._repr_html_()
    assert "<b>Q1</b>" not in html and "&lt;b&gt;Q1&lt;/b&gt;" in html


@settings(max_examples=25, deadline=None)
@given(st.permutations(list(range(10))))
def test_alpha_is_invariant_to_row_order(order):
    data = load_items("denis", "all")
    expected = cronbach_alpha(data)
    shuffled = cronbach_alpha(data.iloc[order])
    assert shuffled.alpha == pytest.approx(expected.alpha, abs=1e-12)
    pd.testing.assert_frame_equal(shuffled.item_total, expected.item_total, atol=1e-12)


# ---- degenerate input ----------------------------------------------------------------------

BASE = pd.DataFrame({"Q1": [4, 5, 3, 4, 2, 5], "Q2": [4, 4, 3, 5, 2, 4],
                     "Q3": [5, 5, 2, 4, 3, 4]}, dtype=float)


def test_fewer_than_two_items():
    with pytest.raises(AnalysisError, match="at least 2 items"):
        cronbach_alpha(BASE[["Q1"]])


def test_fewer_than_three_complete_respondents():
    data = BASE.copy()
    data.loc[2:, "Q1"] = np.nan
    with pytest.raises(AnalysisError, match=r"only 2 respondent\(s\).*missing='pairwise'"):
        cronbach_alpha(data)


def test_constant_item():
    with pytest.raises(AnalysisError, match="constant item.*'Q3'.*drop the item"):
        cronbach_alpha(BASE.assign(Q3=3.0))


def test_item_nobody_answered():
    with pytest.raises(AnalysisError, match=r"no respondent answered item\(s\) \['Q2'\]"):
        cronbach_alpha(BASE.assign(Q2=np.nan), missing="pairwise")


def test_total_that_does_not_vary():
    data = pd.DataFrame({"Q1": [1.0, 2, 3, 4], "Q2": [4.0, 3, 2, 1]})
    with pytest.raises(AnalysisError, match="total score does not vary.*reverse keying"):
        cronbach_alpha(data)


def test_collinear_items_give_nan_smc_with_reason():
    # Q4 = Q1 + Q2: the correlation matrix is singular, so 1 - 1/(R^-1)_jj is undefined.
    data = BASE.assign(Q4=BASE["Q1"] + BASE["Q2"])
    result = cronbach_alpha(data)
    assert result.item_total["squared_multiple_r"].isna().all()
    assert any("collinear" in note for note in result.notes)
    assert np.isfinite(result.alpha)


def test_more_items_than_respondents_gives_nan_smc_with_reason():
    # 4 respondents, 5 items: R has rank at most 3.
    data = pd.DataFrame({"Q1": [1, 2, 3, 4], "Q2": [2, 2, 3, 5], "Q3": [1, 3, 3, 4],
                         "Q4": [2, 1, 4, 4], "Q5": [1, 2, 2, 5]}, dtype=float)
    result = cronbach_alpha(data)
    assert result.item_total["squared_multiple_r"].isna().all()
    assert any("5 items but only 4 respondents" in note for note in result.notes)


def test_negative_alpha_is_noted():
    # Q1 and Q2 covary negatively: cov = -1/2 with variances 1 -> alpha = 2 (1 - 2/1) = -2.
    result = cronbach_alpha(pd.DataFrame({"Q1": [1, 2, 3], "Q2": [3, 1, 2]}))
    assert result.alpha == pytest.approx(-2, abs=1e-14)
    assert not result.reliable
    assert any("negative" in note for note in result.notes)


def test_bad_arguments():
    with pytest.raises(InputError, match="missing must be"):
        cronbach_alpha(BASE, missing="all")
    with pytest.raises(InputError, match="ci must be"):
        cronbach_alpha(BASE, ci=95)
    with pytest.raises(InputError, match="threshold must be"):
        cronbach_alpha(BASE, threshold="0.7")
    with pytest.raises(InputError, match="DataFrame"):
        cronbach_alpha([[1, 2], [3, 4]])
