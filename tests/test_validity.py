"""Tests for surveyq.validity: item-total Pearson r and r tabel.

Expected values come from R (cor.test, psych::alpha's r.drop, qt; written by
tests/reference/make_reference.R), from printed r tables (sources cited at each table) and
from hand calculations written out below.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from surveyq.errors import AnalysisError, InputError
from surveyq.moments import Moments
from surveyq.validity import item_validity, r_table

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
    items = [key.lstrip("-") for key in keys]
    data = data[items].copy()
    reversed_items = [key[1:] for key in keys if key.startswith("-")]
    data[reversed_items] = 7 - data[reversed_items]
    return data


EXPECTED = pd.read_csv(REFERENCE / "expected_validity.csv")
CASES = sorted({(row.dataset, row.scale, row.missing) for row in EXPECTED.itertuples()})


def expected_for(dataset: str, scale: str, missing: str, against: str) -> pd.DataFrame:
    rows = EXPECTED[(EXPECTED["dataset"] == dataset) & (EXPECTED["scale"] == scale)
                    & (EXPECTED["missing"] == missing) & (EXPECTED["against"] == against)]
    return rows.set_index("item")


# ---- r tabel -------------------------------------------------------------------------------

# docs/methods.md section 2 check values (two-sided, alpha 0.05).
SPEC_CHECK_VALUES = [(30, 0.361, 3), (100, 0.1966, 4)]

# Bungin, B. (2010). Metodologi Penelitian Kuantitatif. Jakarta: Kencana, p. 268, "Tabel r
# Product-Moment", indexed by N, two-sided 5 % and 1 %, 3 decimals (as reproduced at
# https://123dok.com/document/zx5pk2vq-suku-aljabar-lampiran-lampiran-lampiran-tebel-product-moment.html).
# Its row N = 100 prints 0.195, which is df = 100 rather than N - 2 = 98 (0.197): not used.
BUNGIN_2010 = [
    # (n, alpha, printed r)
    (10, 0.05, 0.632), (10, 0.01, 0.765),
    (20, 0.05, 0.444), (20, 0.01, 0.561),
    (25, 0.05, 0.396), (25, 0.01, 0.505),
    (30, 0.05, 0.361), (30, 0.01, 0.463),
    (50, 0.05, 0.279), (50, 0.01, 0.361),
    (60, 0.05, 0.254), (60, 0.01, 0.330),
    (1000, 0.05, 0.062), (1000, 0.01, 0.081),
]

# "Tabel R Statistika dan Cara Membacanya" (rumushitung.com, 8 June 2013, reproduced at
# https://id.scribd.com/document/390730602/Tabel-R-Statistika-Dan-Cara-Membacanya), indexed
# by df = n - 2, 4 decimals; columns one-sided 0.05 / 0.025 and two-sided 0.1 / 0.05 /
# 0.02 / 0.01 / 0.001.
RUMUSHITUNG_2013 = [
    # (df, alpha, tail, printed r)
    (3, 0.05, "one-sided", 0.8054), (3, 0.05, "two-sided", 0.8783),
    (8, 0.05, "one-sided", 0.5494), (8, 0.05, "two-sided", 0.6319),
    (18, 0.05, "one-sided", 0.3783), (18, 0.025, "one-sided", 0.4438),
    (18, 0.10, "two-sided", 0.3783), (18, 0.05, "two-sided", 0.4438),
    (18, 0.02, "two-sided", 0.5155), (18, 0.01, "two-sided", 0.5614),
    (18, 0.001, "two-sided", 0.6788),
]

# "Tabel r dua sisi (two tail)", alpha 0.05, indexed by df, 4 decimals
# (https://pdfcoffee.com/download/lamp6-tabel-r-pdf-free.html).
TWO_TAIL_BY_DF = [(1, 0.9969), (28, 0.3610), (43, 0.2940), (48, 0.2787), (97, 0.1975)]


def within_printed_digits(value: float, printed: float, decimals: int) -> bool:
    return abs(value - printed) <= 0.5 * 10.0**-decimals + 1e-12


@pytest.mark.parametrize(("n", "printed", "decimals"), SPEC_CHECK_VALUES)
def test_r_table_spec_check_values(n, printed, decimals):
    assert within_printed_digits(r_table(n), printed, decimals)


@pytest.mark.parametrize(("n", "alpha", "printed"), BUNGIN_2010)
def test_r_table_against_bungin_2010(n, alpha, printed):
    assert within_printed_digits(r_table(n, alpha=alpha), printed, 3)


@pytest.mark.parametrize(("df", "alpha", "tail", "printed"), RUMUSHITUNG_2013)
def test_r_table_against_df_table_with_one_sided_columns(df, alpha, tail, printed):
    assert within_printed_digits(r_table(df + 2, alpha=alpha, tail=tail), printed, 4)


@pytest.mark.parametrize(("df", "printed"), TWO_TAIL_BY_DF)
def test_r_table_against_two_tail_table(df, printed):
    assert within_printed_digits(r_table(df + 2), printed, 4)


@pytest.mark.parametrize("row", list(pd.read_csv(REFERENCE / "expected_r_table.csv")
                                     .itertuples(index=False)))
def test_r_table_against_r_qt(row):
    assert r_table(int(row.n), alpha=row.alpha, tail=row.tail) == pytest.approx(
        row.r_table, abs=1e-12)


def test_r_table_accepts_numpy_integers():
    assert within_printed_digits(r_table(np.int64(30)), 0.361, 3)


@pytest.mark.parametrize("n", [2, 1, 0, -5])
def test_r_table_needs_three_respondents(n):
    with pytest.raises(AnalysisError, match="at least 3 respondents"):
        r_table(n)


@pytest.mark.parametrize("n", [30.0, "30", True])
def test_r_table_needs_whole_n(n):
    with pytest.raises(InputError, match="whole number"):
        r_table(n)


@pytest.mark.parametrize("alpha", [0, 1, -0.1, 5, "0.05"])
def test_r_table_rejects_bad_alpha(alpha):
    with pytest.raises(InputError, match="alpha must be strictly between 0 and 1"):
        r_table(30, alpha=alpha)


def test_r_table_rejects_bad_tail():
    with pytest.raises(InputError, match="tail must be"):
        r_table(30, tail="greater")


# ---- item validity against R -------------------------------------------------------------


@pytest.mark.parametrize("corrected", [False, True], ids=["total", "rest"])
@pytest.mark.parametrize(("dataset", "scale", "missing"), CASES)
def test_item_validity_matches_r(dataset, scale, missing, corrected):
    expected = expected_for(dataset, scale, missing, "rest" if corrected else "total")
    result = item_validity(load_items(dataset, scale), corrected=corrected, missing=missing)
    assert list(result.index) == list(expected.index)
    assert result["n"].tolist() == expected["n"].tolist()
    np.testing.assert_allclose(result["r"], expected["r"], rtol=0, atol=1e-10)
    np.testing.assert_allclose(result["p_value"], expected["p_two_sided"], rtol=1e-8,
                               atol=1e-300)
    # Valid means r > r tabel, i.e. a positive r with p < alpha (R's p-values).
    expected_valid = (expected["r"] > 0) & (expected["p_two_sided"] < 0.05)
    assert result["valid"].tolist() == expected_valid.tolist()


@pytest.mark.parametrize(("dataset", "scale", "missing"), CASES)
def test_one_sided_p_values_match_r(dataset, scale, missing):
    expected = expected_for(dataset, scale, missing, "rest")
    result = item_validity(load_items(dataset, scale), corrected=True, tail="one-sided",
                           missing=missing)
    np.testing.assert_allclose(result["p_value"], expected["p_one_sided"], rtol=1e-8,
                               atol=1e-300)
    expected_valid = (expected["r"] > 0) & (expected["p_one_sided"] < 0.05)
    assert result["valid"].tolist() == expected_valid.tolist()


def test_item_validity_from_merged_moments_matches_r():
    data = load_items("bfi", "C")
    chunks = [Moments.from_frame(data.iloc[start:start + 700]) for start in range(0, 2800, 700)]
    result = item_validity(sum(chunks), corrected=True, missing="pairwise")
    expected = expected_for("bfi", "C", "pairwise", "rest")
    np.testing.assert_allclose(result["r"], expected["r"], rtol=0, atol=1e-10)
    assert result["n"].tolist() == expected["n"].tolist()


def test_attitude_at_n_30_uses_r_tabel_0361():
    result = item_validity(load_items("attitude", "all"))
    assert (result["n"] == 30).all()
    assert within_printed_digits(result["r_table"].iloc[0], 0.361, 3)


def test_negative_r_is_never_valid():
    # Denis's Item_5 has corrected r = -0.228 (SPSS printout; R cor.test -0.2281).
    result = item_validity(load_items("denis", "all"), corrected=True, alpha=0.5)
    assert result.loc["Item_5", "r"] < 0
    assert not result.loc["Item_5", "valid"]


def test_conventions_are_stored_in_attrs():
    result = item_validity(load_items("denis", "all"), corrected=True, alpha=0.01,
                           tail="one-sided")
    assert result.attrs["corrected"] is True
    assert result.attrs["missing"] == "listwise"
    assert result.attrs["alpha"] == 0.01
    assert result.attrs["tail"] == "one-sided"
    assert "every item" in result.attrs["n_rule"]
    assert result.attrs["notes"] == ()
    assert list(result.columns) == ["n", "r", "r_table", "p_value", "valid"]
    assert result.index.name == "item"
    assert result["valid"].dtype == bool


def test_hand_calculation_three_items():
    # Totals T = 13, 14, 8, 13, 7, 13. With n = 6: sum Q1 = 23, sum T = 68,
    # sum Q1*T = 52 + 70 + 24 + 52 + 14 + 65 = 277, sum Q1^2 = 95, sum T^2 = 816.
    # Sxy = 277 - 23 * 68 / 6 = 49/3; Sxx = 95 - 23^2 / 6 = 41/6; Syy = 816 - 68^2 / 6 = 136/3.
    data = pd.DataFrame({"Q1": [4, 5, 3, 4, 2, 5], "Q2": [4, 4, 3, 5, 2, 4],
                         "Q3": [5, 5, 2, 4, 3, 4]})
    expected_r = (49 / 3) / np.sqrt(41 / 6 * 136 / 3)
    assert item_validity(data).loc["Q1", "r"] == pytest.approx(expected_r, abs=1e-14)


# ---- degenerate input ----------------------------------------------------------------------

BASE = pd.DataFrame({"Q1": [4, 5, 3, 4, 2, 5], "Q2": [4, 4, 3, 5, 2, 4],
                     "Q3": [5, 5, 2, 4, 3, 4]}, dtype=float)


def test_fewer_than_two_items():
    with pytest.raises(AnalysisError, match="at least 2 items"):
        item_validity(BASE[["Q1"]])


def test_fewer_than_three_complete_respondents():
    data = BASE.copy()
    data.loc[2:, "Q3"] = np.nan
    with pytest.raises(AnalysisError, match=r"only 2 respondent\(s\) answered every item.*'Q3'"):
        item_validity(data)


def test_pairwise_pair_with_fewer_than_three_respondents():
    data = BASE.copy()
    data.loc[:3, "Q1"] = np.nan
    data.loc[4:, "Q2"] = np.nan
    with pytest.raises(AnalysisError, match="answered both 'Q1' and 'Q2'"):
        item_validity(data, missing="pairwise")


def test_constant_item():
    message = r"constant item\(s\): 'Q2' \(every analysed answer is 4\)"
    with pytest.raises(AnalysisError, match=message):
        item_validity(BASE.assign(Q2=4.0))


def test_item_nobody_answered():
    with pytest.raises(AnalysisError, match=r"no respondent answered item\(s\) \['Q3'\]"):
        item_validity(BASE.assign(Q3=np.nan))


def test_total_that_does_not_vary_gives_nan_with_a_note():
    # Q2 = 6 - Q1: the total Q1 + Q2 is 6 for everyone, so r with the total is undefined.
    data = pd.DataFrame({"Q1": [1.0, 2, 3, 4, 5], "Q2": [5.0, 4, 3, 2, 1]})
    result = item_validity(data)
    assert result["r"].isna().all() and not result["valid"].any()
    assert len(result.attrs["notes"]) == 2 and "does not vary" in result.attrs["notes"][0]


def test_bad_arguments():
    with pytest.raises(InputError, match="missing must be"):
        item_validity(BASE, missing="available")
    with pytest.raises(InputError, match="tail must be"):
        item_validity(BASE, tail="two")
    with pytest.raises(InputError, match="alpha must be"):
        item_validity(BASE, alpha=1.5)
    with pytest.raises(InputError, match="DataFrame"):
        item_validity(BASE.to_numpy())


def test_pairwise_needs_pairwise_moments():
    with pytest.raises(InputError, match="pairwise=True"):
        item_validity(Moments.from_frame(BASE, pairwise=False), missing="pairwise")
