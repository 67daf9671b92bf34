"""Issue 18 statistics against R (tests/reference/make_thesis_reference.R) and hand calculations.

Tolerances: closed-form statistics (KMO, Bartlett, eigenvalues, regression, t, Levene, ANOVA,
Mann-Whitney, Kruskal-Wallis, Lilliefors, Shapiro-Wilk) agree with R to 1e-9 relative or better;
varimax to 1e-6 (both stop at the same criterion, eps = 1e-5, from the same start); omega to
1e-5 (psych reaches the minres minimum by optim, here it is iterated to 1e-12); ML loadings to
1e-5 (factanal's optim and lavaan stop near, not at, the optimum; they differ from each other by
2e-6).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import surveyq as sq
from surveyq.assumptions import spss_ks_p
from surveyq.errors import AnalysisError, InputError

REFERENCE = Path(__file__).parent / "reference"
EXPECTED = pd.read_csv(REFERENCE / "expected_thesis.csv", keep_default_na=False,
                       dtype={"row": str, "column": str})
EXPECTED["value"] = pd.to_numeric(EXPECTED["value"].replace("NA", np.nan))
BFI_KEYS = {
    "A": ["-A1", "A2", "A3", "A4", "A5"],
    "C": ["C1", "C2", "C3", "-C4", "-C5"],
    "E": ["-E1", "-E2", "E3", "E4", "E5"],
    "N": ["N1", "N2", "N3", "N4", "N5"],
    "O": ["O1", "-O2", "O3", "O4", "-O5"],
}


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE / f"input_{name}.csv")


def keyed(keys: list[str]) -> pd.DataFrame:
    bfi = read("bfi")
    columns = {}
    for key in keys:
        item = key.lstrip("-")
        columns[item] = 7 - bfi[item] if key.startswith("-") else bfi[item]
    return pd.DataFrame(columns)


def expected(dataset: str, analysis: str, statistic: str, row: str = "", column: str = ""):
    hit = EXPECTED[(EXPECTED.dataset == dataset) & (EXPECTED.analysis == analysis)
                   & (EXPECTED.statistic == statistic)]
    if row or column:
        hit = hit[(hit.row == row) & (hit.column == column)]
    assert len(hit) == 1, (dataset, analysis, statistic, row, column)
    return float(hit.value.iloc[0])


def expected_series(dataset: str, analysis: str, statistic: str) -> pd.Series:
    hit = EXPECTED[(EXPECTED.dataset == dataset) & (EXPECTED.analysis == analysis)
                   & (EXPECTED.statistic == statistic)]
    return pd.Series(hit.value.to_numpy(), index=hit.row.to_numpy())


FACTOR_SETS = {
    "bfi": lambda: read("bfi"),
    "attitude": lambda: read("attitude"),
    "ability": lambda: read("ability"),
    "bfi_A": lambda: keyed(BFI_KEYS["A"]),
}
FACTOR_CASES = [(name, missing) for name in FACTOR_SETS for missing in ("listwise", "pairwise")
                if not (missing == "pairwise" and name == "attitude")]


# ---- KMO, Bartlett, PCA -------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "missing"), FACTOR_CASES)
def test_kmo_matches_psych(name, missing):
    tag = f"{name}/{missing}"
    result = sq.kmo(FACTOR_SETS[name](), missing=missing)
    assert result.overall == pytest.approx(expected(tag, "kmo", "overall"), rel=1e-10)
    msa = expected_series(tag, "kmo", "msa")
    np.testing.assert_allclose(result.items.loc[msa.index], msa, rtol=1e-10)


@pytest.mark.parametrize(("name", "missing"), FACTOR_CASES)
def test_bartlett_matches_psych(name, missing):
    tag = f"{name}/{missing}"
    result = sq.bartlett_sphericity(FACTOR_SETS[name](), missing=missing)
    assert result.n == expected(tag, "bartlett", "n")
    assert result.chi2 == pytest.approx(expected(tag, "bartlett", "chi2"), rel=1e-10)
    assert result.df == expected(tag, "bartlett", "df")
    assert result.p_value == pytest.approx(expected(tag, "bartlett", "p_value"), rel=1e-6,
                                           abs=1e-300)


@pytest.mark.parametrize(("name", "missing"), FACTOR_CASES)
def test_pca_varimax_matches_psych_principal(name, missing):
    tag = f"{name}/{missing}"
    result = sq.factor_analysis(FACTOR_SETS[name](), missing=missing)
    np.testing.assert_allclose(result.eigenvalues,
                               expected_series(tag, "pca", "eigenvalue"), rtol=1e-10)
    assert result.n_factors == expected(tag, "pca", "n_factors")
    reference = EXPECTED[(EXPECTED.dataset == tag) & (EXPECTED.statistic == "rotated_loading")]
    ours = result.loadings.stack()
    for row in reference.itertuples():
        assert ours[(row.row, row.column)] == pytest.approx(row.value, abs=1e-6)
    unrotated = EXPECTED[(EXPECTED.dataset == tag) & (EXPECTED.statistic == "unrotated_loading")]
    ours = result.unrotated.stack()
    for row in unrotated.itertuples():
        assert ours[(row.row, row.column)] == pytest.approx(row.value, abs=1e-10)
    communality = expected_series(tag, "pca", "communality")
    np.testing.assert_allclose(result.communalities.loc[communality.index], communality,
                               rtol=1e-10)
    ss = expected_series(tag, "pca", "rotated_ss")
    np.testing.assert_allclose(result.variance["rotation_ss"].iloc[: result.n_factors], ss,
                               rtol=1e-6)
    # psych's "Proportion Var" = SS loadings / number of items.
    np.testing.assert_allclose(result.explained_variance_ratio, ss / len(communality), rtol=1e-6)


def test_total_variance_explained_by_hand():
    # Two uncorrelated pairs of identical items (a and b are orthogonal and centred): R is
    # blockdiag([[1, 1], [1, 1]], [[1, -1], [-1, 1]]), eigenvalues 2, 2, 0, 0, so each kept
    # component explains 50 % and each item loads 1 on one component.
    a = np.array([1, -1, 1, -1] * 5, dtype=float)
    b = np.array([1, 1, -1, -1] * 5, dtype=float)
    df = pd.DataFrame({"x1": a, "x2": a, "y1": b, "y2": -b})
    result = sq.factor_analysis(df, n_factors=2)
    np.testing.assert_allclose(result.eigenvalues, [2, 2, 0, 0], atol=1e-10)
    np.testing.assert_allclose(result.variance["pct_variance"], [50, 50, 0, 0], atol=1e-8)
    np.testing.assert_allclose(result.variance["rotation_cumulative_pct"].iloc[:2], [50, 100],
                               atol=1e-8)
    np.testing.assert_allclose(np.abs(result.loadings.to_numpy()).max(axis=1), 1, atol=1e-8)


def test_factor_analysis_errors():
    with pytest.raises(InputError, match="method"):
        sq.factor_analysis(read("attitude"), method="paf")
    with pytest.raises(InputError, match="n_factors"):
        sq.factor_analysis(read("attitude"), n_factors=9)
    copy = read("attitude").assign(copy=lambda d: d["rating"])
    with pytest.raises(AnalysisError, match="singular"):
        sq.kmo(copy)


# ---- omega, CR, AVE -----------------------------------------------------------------------------

OMEGA_SETS = {f"bfi_{scale}": (lambda keys=keys: keyed(keys)) for scale, keys in BFI_KEYS.items()}
OMEGA_SETS |= {"attitude": lambda: read("attitude"), "ability": lambda: read("ability"),
               "bfi_A_raw": lambda: read("bfi")[["A1", "A2", "A3", "A4", "A5"]]}
OMEGA_CASES = [(name, missing) for name in OMEGA_SETS for missing in ("listwise", "pairwise")
               if not (missing == "pairwise" and name == "attitude")]


@pytest.mark.parametrize(("name", "missing"), OMEGA_CASES)
def test_omega_cr_ave_match_psych_and_factanal(name, missing):
    tag = f"{name}/{missing}"
    result = sq.omega(OMEGA_SETS[name](), missing=missing)
    assert result.omega_total == pytest.approx(expected(tag, "omega", "omega_total"), abs=1e-5)
    minres = expected_series(tag, "omega", "minres_loading")
    np.testing.assert_allclose(result.loadings["minres"].loc[minres.index], minres, atol=1e-4)
    ml = expected_series(tag, "omega", "ml_loading")
    np.testing.assert_allclose(result.loadings["ml"].loc[ml.index], ml, atol=1e-5)
    assert result.composite_reliability == pytest.approx(
        expected(tag, "omega", "composite_reliability"), abs=1e-5)
    assert result.ave == pytest.approx(expected(tag, "omega", "ave"), abs=1e-5)


def test_ml_loadings_equal_lavaan_std_all():
    result = sq.omega(read("attitude"))
    lavaan = expected_series("attitude/listwise", "omega", "lavaan_std_all")
    np.testing.assert_allclose(result.loadings["ml"].loc[lavaan.index], lavaan, atol=1e-5)


def test_cr_and_ave_by_hand():
    # Loadings .8, .7, .6: (2.1)^2 / (4.41 + (.36 + .51 + .64)) = 4.41 / 5.92; AVE = 1.49 / 3.
    # A one-factor correlation matrix r_ij = l_i l_j is reproduced exactly by ML and minres.
    loadings = np.array([0.8, 0.7, 0.6])
    corr = np.outer(loadings, loadings)
    np.fill_diagonal(corr, 1)
    rng = np.random.default_rng(7)
    raw = rng.multivariate_normal(np.zeros(3), corr, size=200)
    # Rescale the sample to have exactly this correlation matrix.
    raw = (raw - raw.mean(0)) @ np.linalg.inv(np.linalg.cholesky(np.cov(raw.T)).T)
    data = pd.DataFrame(raw @ np.linalg.cholesky(corr).T, columns=["a", "b", "c"])
    result = sq.omega(data)
    assert result.composite_reliability == pytest.approx(4.41 / 5.92, abs=1e-6)
    assert result.ave == pytest.approx(1.49 / 3, abs=1e-6)
    # omega total = (sum R - sum u2) / sum R, sum R = 3 + 2(.56 + .48 + .42) = 5.92.
    assert result.omega_total == pytest.approx((5.92 - 1.51) / 5.92, abs=1e-9)


# ---- normality ----------------------------------------------------------------------------------

NORMALITY = {
    "attitude_rating": lambda: read("attitude")["rating"],
    "attitude_complaints": lambda: read("attitude")["complaints"],
    "attitude_critical": lambda: read("attitude")["critical"],
    "mtcars_mpg": lambda: read("mtcars")["mpg"],
    "mtcars_hp": lambda: read("mtcars")["hp"],
    "toothgrowth_len": lambda: read("toothgrowth")["len"],
    "precip": lambda: read("precip")["precip"],
    "insectsprays_count": lambda: read("insectsprays")["count"],
    "bfi_A1": lambda: read("bfi")["A1"].dropna().iloc[:1000],
    "swiss_fertility": lambda: read("swiss")["Fertility"],
}


@pytest.mark.parametrize("name", NORMALITY)
def test_normality_matches_nortest_and_shapiro(name):
    result = sq.normality(NORMALITY[name]())
    assert result.n == expected(name, "normality", "n")
    assert result.ks_statistic == pytest.approx(expected(name, "normality", "ks_statistic"),
                                                rel=1e-12)
    assert result.ks_p_value == pytest.approx(expected(name, "normality", "ks_p_value"),
                                              rel=1e-9, abs=1e-300)
    assert result.sw_statistic == pytest.approx(expected(name, "normality", "sw_statistic"),
                                                abs=1e-6)
    assert result.sw_p_value == pytest.approx(expected(name, "normality", "sw_p_value"),
                                              rel=1e-4, abs=1e-12)


def test_normality_views_name_statistic_and_p():
    result = sq.normality(NORMALITY["mtcars_mpg"]())
    assert result.ks["statistic"] == result.ks_statistic
    assert result.shapiro["p_value"] == result.sw_p_value
    assert result.shapiro["df"] == 32


def test_spss_prints_200_where_its_lilliefors_table_ends():
    assert spss_ks_p(0.8266) == ".200*"
    assert spss_ks_p(0.2) == ".200"
    assert spss_ks_p(0.0459) == ".046"


def test_lilliefors_by_hand():
    # x = 1..5: mean 3, sd sqrt(2.5); z = (-1.2649, -.6325, 0, .6325, 1.2649);
    # Phi(z) = .1030, .2635, .5, .7365, .8970; D+ = max(i/5 - Phi) = .1365 (at i = 2, 4/5 - .7365
    # = .0635 ...), D- = max(Phi - (i-1)/5) = .1030, .0635, .1, .1365, .0970 -> D = .1365.
    result = sq.normality([1, 2, 3, 4, 5])
    assert result.ks_statistic == pytest.approx(0.13646, abs=1e-5)
    with pytest.raises(AnalysisError, match="at least 5"):
        sq.normality([1, 2, 3, np.nan])


# ---- regression ---------------------------------------------------------------------------------

REGRESSIONS = {
    "attitude": ("attitude", "rating",
                 ["complaints", "privileges", "learning", "raises", "critical", "advance"]),
    "swiss": ("swiss", "Fertility",
              ["Agriculture", "Examination", "Education", "Catholic", "Infant.Mortality"]),
    "mtcars": ("mtcars", "mpg", ["wt", "hp", "qsec"]),
}


@pytest.mark.parametrize("name", REGRESSIONS)
def test_regression_matches_lm_and_car(name):
    source, y, x = REGRESSIONS[name]
    result = sq.regression(read(source), y=y, x=x)
    table = result.coefficients
    for column in ("B", "se", "t", "p_value"):
        reference = expected_series(name, "regression", column)
        np.testing.assert_allclose(table[column].loc[reference.index], reference, rtol=1e-8)
    for column in ("beta", "vif", "tolerance"):
        reference = expected_series(name, "regression", column)
        np.testing.assert_allclose(table[column].loc[reference.index], reference, rtol=1e-9)
    for key in ("r", "r2", "adj_r2", "se_estimate", "durbin_watson"):
        assert result.summary[key] == pytest.approx(expected(name, "regression", key), rel=1e-9)
    anova = result.anova
    assert anova.loc["regression", "ss"] == pytest.approx(
        expected(name, "regression", "ss_regression"), rel=1e-9)
    assert anova.loc["residual", "ss"] == pytest.approx(
        expected(name, "regression", "ss_residual"), rel=1e-9)
    assert anova.loc["residual", "df"] == expected(name, "regression", "df_residual")
    assert anova.loc["regression", "f"] == pytest.approx(expected(name, "regression", "f"),
                                                         rel=1e-9)
    assert anova.loc["regression", "p_value"] == pytest.approx(
        expected(name, "regression", "f_p_value"), rel=1e-6)
    for column, statistic in (("t", "glejser_t"), ("p_value", "glejser_p_value")):
        reference = expected_series(name, "regression", statistic)
        np.testing.assert_allclose(result.glejser[column].loc[reference.index], reference,
                                   rtol=1e-8)
    normal = result.residual_normality
    assert normal.ks_statistic == pytest.approx(
        expected(name, "regression", "residual_ks_statistic"), rel=1e-9)
    assert normal.ks_p_value == pytest.approx(
        expected(name, "regression", "residual_ks_p_value"), rel=1e-8)
    assert normal.sw_statistic == pytest.approx(
        expected(name, "regression", "residual_sw_statistic"), abs=1e-6)


def test_regression_by_hand():
    # y = 1 + 2x exactly for x = 1..4 plus residuals (+.5, -.5, -.5, +.5), orthogonal to 1 and x:
    # B = (1, 2), SS_res = 1, SS_tot = 20 + 1 = 21 (2x has SS 4 * 5 = 20), R^2 = 20/21,
    # DW = (1 + 0 + 1) / 1 = 2.
    df = pd.DataFrame({"x": [1, 2, 3, 4], "y": [3.5, 4.5, 6.5, 9.5]})
    result = sq.regression(df, y="y", x=["x"])
    np.testing.assert_allclose(result.coefficients["B"], [1, 2], atol=1e-12)
    assert result.summary["r2"] == pytest.approx(20 / 21)
    assert result.summary["durbin_watson"] == pytest.approx(2.0)
    assert result.coefficients.loc["x", "vif"] == 1
    assert result.residual_normality is None


def test_regression_errors():
    df = read("attitude")
    with pytest.raises(InputError, match="not in the data"):
        sq.regression(df, y="rating", x=["nope"])
    with pytest.raises(AnalysisError, match="collinear"):
        sq.regression(df.assign(twice=df["raises"] * 2), y="rating", x=["raises", "twice"])


# ---- group comparisons --------------------------------------------------------------------------

COMPARISONS = {
    "toothgrowth_supp": ("toothgrowth", "len", "supp"),
    "toothgrowth_dose": ("toothgrowth", "len", "dose"),
    "plantgrowth": ("plantgrowth", "weight", "group"),
    "insectsprays": ("insectsprays", "count", "spray"),
    "sleep": ("sleep", "extra", "group"),
    "mtcars_am": ("mtcars", "mpg", "am"),
    "mtcars_cyl": ("mtcars", "mpg", "cyl"),
}


def comparison_data(name: str) -> tuple[pd.Series, pd.Series]:
    if name.startswith("bfi_A1_"):
        groups = read("bfi_groups")[name.removeprefix("bfi_A1_")]
        return read("bfi")["A1"], groups
    source, value, group = COMPARISONS[name]
    data = read(source)
    return data[value], data[group]


@pytest.mark.parametrize("name", [*COMPARISONS, "bfi_A1_gender", "bfi_A1_education"])
def test_compare_groups_matches_r(name):
    values, groups = comparison_data(name)
    result = sq.compare_groups(values, groups)
    assert result.groups["n"].sum() == expected(name, "groups", "n")
    assert result.k == expected(name, "groups", "k")
    for key in ("f", "df1", "df2", "p_value"):
        assert result.levene[key] == pytest.approx(expected(name, "groups", f"levene_{key}"),
                                                   rel=1e-9)
    if result.k == 2:
        for test in ("t_test", "welch"):
            found = getattr(result, test)
            for key in ("t", "df", "p_value", "mean_difference", "ci_low", "ci_high"):
                assert found[key] == pytest.approx(expected(name, "groups", f"{test}_{key}"),
                                                   rel=1e-9)
        mw = result.mann_whitney
        assert mw["u"] == expected(name, "groups", "mann_whitney_u")
        assert mw["u_first"] == expected(name, "groups", "mann_whitney_w_first")
        assert mw["z"] == pytest.approx(expected(name, "groups", "mann_whitney_z"), rel=1e-12)
        assert mw["p_value"] == pytest.approx(expected(name, "groups", "mann_whitney_p_value"),
                                              rel=1e-9)
        assert result.anova is None
    else:
        for key in ("f", "df1", "df2", "p_value", "ss_between", "ss_within"):
            assert result.anova[key] == pytest.approx(expected(name, "groups", f"anova_{key}"),
                                                      rel=1e-9)
        for key in ("h", "df", "p_value"):
            assert result.kruskal[key] == pytest.approx(
                expected(name, "groups", f"kruskal_{key}"), rel=1e-9)
        assert result.t_test is None


def test_mann_whitney_by_hand():
    # a = (1, 2, 2), b = (2, 3, 4): ranks 1, 3, 3 | 3, 5, 6 (three 2s share rank 3).
    # U_a = 7 - 6 = 1, U = 1; ties: one group of 3 -> sum(t^3 - t) = 24;
    # var = 9/12 * (7 - 24/30) = 0.75 * 6.2 = 4.65; z = (1 - 4.5)/sqrt(4.65) = -1.62308.
    result = sq.compare_groups([1, 2, 2, 2, 3, 4], ["a", "a", "a", "b", "b", "b"])
    assert result.mann_whitney["u"] == 1
    assert result.mann_whitney["z"] == pytest.approx(-3.5 / np.sqrt(4.65), rel=1e-12)
    assert result.groups["mean_rank"].tolist() == [7 / 3, 14 / 3]


def test_compare_groups_counts_missing_rows():
    result = sq.compare_groups([1, 2, 4, np.nan, 3, 4, 7, 5], list("aaaabbb") + [None])
    assert result.groups["n"].tolist() == [3, 3]
    assert "2 of 8 rows" in result.notes[0]


# ---- interpret_mean -----------------------------------------------------------------------------


def test_interpret_mean_five_point_scale_by_hand():
    # (5 - 1) / 5 = 0.8: 1.00-1.80, 1.81-2.60, 2.61-3.40, 3.41-4.20, 4.21-5.00.
    result = sq.interpret_mean([1.0, 1.8, 1.81, 2.6, 2.61, 3.4, 3.41, 4.2, 4.21, 5.0])
    assert result.width == 0.8
    assert result.means["class"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert result.labels.tolist()[::2] == ["Sangat Rendah", "Rendah", "Sedang", "Tinggi",
                                           "Sangat Tinggi"]
    np.testing.assert_allclose(result.classes["upper"], [1.8, 2.6, 3.4, 4.2, 5.0])


def test_interpret_mean_custom_labels_and_scale():
    # A 1-4 scale in 3 classes of width 1: (1, 2], (2, 3], (3, 4].
    result = sq.interpret_mean({"X": 2.0, "Y": 2.01, "Z": np.nan}, scale_min=1, scale_max=4,
                               labels=["Kurang", "Cukup", "Baik"])
    assert result.labels.tolist()[:2] == ["Kurang", "Cukup"]
    assert result.labels.isna().tolist() == [False, False, True]
    assert result.means["class"].isna().tolist() == [False, False, True]
    with pytest.raises(InputError, match="outside the scale"):
        sq.interpret_mean(5.5)
    with pytest.raises(InputError, match="unknown label set"):
        sq.interpret_mean(3, labels="nope")


def test_results_render_html_and_frames():
    df = read("attitude")
    for result in (sq.kmo(df), sq.bartlett_sphericity(df), sq.factor_analysis(df),
                   sq.omega(df), sq.normality(df["rating"]),
                   sq.regression(df, y="rating", x=["complaints", "learning"]),
                   sq.compare_groups(df["rating"], df["critical"] > 75),
                   sq.interpret_mean(df.mean() / 20)):
        assert isinstance(result.to_frame(), pd.DataFrame)
        assert result._repr_html_().startswith("<div class='surveyq-")
