"""SERVQUAL, IPA and CSI against Heitasari et al. (E1, E2), scipy and hand calculations.

Expected values come from docs/methods.md (worked examples), from scipy.stats called directly
on the same data, or from arithmetic written beside each case.
"""

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from surveyq.bands import round_half_up
from surveyq.errors import InputError, NoDataError
from surveyq.servqual import _holm, csi, ipa, servqual, servqual_by

# Heitasari et al., KPPBC Bojonegoro, Tabel 5: item, P, E, printed gap.
E1_TABLE = [
    ("Kelengkapan fasilitas", 4.30, 4.20, 0.1),
    ("Tampilan fisik", 4.40, 4.30, 0.1),
    ("Kerapian pelayanan", 4.42, 4.34, 0.08),
    ("Kebersihan", 4.70, 4.40, 0.3),
    ("Kesesuaian layanan", 4.43, 4.48, -0.05),
    ("Kejelasan informasi", 4.49, 4.46, 0.03),
    ("Kecepatan", 4.40, 4.68, -0.28),
    ("Kemudahan", 4.55, 4.40, 0.15),
    ("Kesiapan", 4.77, 4.66, 0.11),
    ("Ketepatan", 4.53, 4.59, -0.06),
    ("Ketepatan janji", 4.49, 4.59, -0.1),
    ("Kepercayaan", 4.32, 4.78, -0.46),
    ("Rasa aman", 4.40, 4.56, -0.16),
    ("Kesopanan", 4.40, 4.73, -0.33),
    ("Pengetahuan", 4.63, 4.72, -0.09),
    ("Sepenuh hati", 4.52, 4.67, -0.15),
    ("Sikap", 4.40, 4.58, -0.18),
    ("Respon", 4.46, 4.62, -0.16),
    ("Perhatian", 4.30, 4.50, -0.2),
    ("Waktu layanan", 4.21, 4.71, -0.5),
]

# Heitasari et al., Tabel 8 (employee satisfaction): item, P, E.
E2_TABLE = [
    ("Visi dan misi", 4.39, 4.40),
    ("Manajemen kinerja", 4.52, 4.53),
    ("Partisipasi", 4.28, 4.30),
    ("Penerimaan", 4.42, 4.40),
    ("Efisiensi", 4.30, 4.33),
    ("Standar waktu pelayanan", 4.40, 4.44),
    ("Kepastian bagi pelanggan", 4.36, 4.38),
    ("Kepuasan kepada pelanggan", 4.46, 4.48),
    ("Ketepatan", 4.30, 4.36),
    ("Kepatuhan", 4.48, 4.53),
    ("Teknologi Informasi", 4.38, 4.36),
    ("Pengembangan", 4.46, 4.42),
    ("Kenyamanan", 4.31, 4.32),
    ("Masa depan", 4.58, 4.56),
]


def column_with_mean(mean: float, n: int = 100) -> list[int]:
    """n integer codes whose mean is exactly ``mean`` (mean * n must be a whole number)."""
    total = Decimal(str(mean)) * n
    if total != total.to_integral_value():
        raise ValueError(f"mean {mean} cannot be reached exactly with {n} answers")
    base, ups = divmod(int(total), n)
    return [base + 1] * ups + [base] * (n - ups)


def frames_from_means(rows) -> tuple[pd.DataFrame, pd.DataFrame]:
    perception = pd.DataFrame({row[0]: column_with_mean(row[1]) for row in rows})
    expectation = pd.DataFrame({row[0]: column_with_mean(row[2]) for row in rows})
    return perception, expectation


# --------------------------------------------------------------------------- E1, E2


def test_e1_customer_gaps_heitasari():
    perception, expectation = frames_from_means(E1_TABLE)
    result = servqual(perception, expectation)
    printed_gaps = [row[3] for row in E1_TABLE]
    assert [round_half_up(gap) for gap in result.items["gap"]] == printed_gaps
    # E1: mean P = 4.456, mean E = 4.5485, mean gap = -0.0925 (paper 4.46, 4.55, -0.092)
    assert result.overall["p_mean"] == pytest.approx(4.456, abs=1e-9)
    assert result.overall["e_mean"] == pytest.approx(4.5485, abs=1e-9)
    assert result.overall["item_mean_gap"] == pytest.approx(-0.0925, abs=1e-9)
    most_negative = result.items["gap"].nsmallest(2)
    assert most_negative.index.tolist() == ["Waktu layanan", "Kepercayaan"]
    assert most_negative.round(2).tolist() == [-0.50, -0.46]
    assert np.isnan(result.overall["unweighted"])  # the paper prints no dimension map


def test_e2_employee_gaps_heitasari():
    perception, expectation = frames_from_means(E2_TABLE)
    result = servqual(perception, expectation)
    # E2: mean P = 4.4029, mean E = 4.4150, mean gap = -0.0121
    assert round(result.overall["p_mean"], 4) == 4.4029
    assert round(result.overall["e_mean"], 4) == 4.4150
    assert round(result.overall["item_mean_gap"], 4) == -0.0121


# --------------------------------------------------------------------------- paired tests

TINY_P = pd.DataFrame({"q1": [4, 5, 3, 4, 5]})
TINY_E = pd.DataFrame({"q1": [3, 4, 4, 2, 3]})


def test_paired_tests_by_hand():
    row = servqual(TINY_P, TINY_E).items.loc["q1"]
    # d = P - E = [1, 1, -1, 2, 2]; mean 1.0; deviations [0, 0, -2, 1, 1], SS = 6
    # s^2 = 6 / 4 = 1.5, s = 1.2247449; se = s / sqrt(5) = 0.5477226
    # t = 1.0 / 0.5477226 = 1.8257419, df = 4
    se = np.sqrt(1.5) / np.sqrt(5)
    assert row["gap"] == 1.0
    assert row["t"] == pytest.approx(1.8257419, abs=1e-7)
    assert row["df"] == 4
    assert row["p_value"] == pytest.approx(2 * stats.t.sf(1.0 / se, df=4), rel=1e-12)
    # CI: 1.0 +- t(0.975, 4) x se = 1.0 +- 2.7764451 x 0.5477226
    assert row["ci_low"] == pytest.approx(1.0 - 2.7764451 * 0.5477226, abs=1e-6)
    assert row["ci_high"] == pytest.approx(1.0 + 2.7764451 * 0.5477226, abs=1e-6)
    # d_z = 1.0 / 1.2247449 = 0.8164966
    assert row["d_z"] == pytest.approx(0.8164966, abs=1e-7)
    # Wilcoxon, zeros dropped: |d| = 1, 1, 1, 2, 2 -> ranks 2, 2, 2, 4.5, 4.5
    # W+ = 2 + 2 + 4.5 + 4.5 = 13, W- = 2; T = 2; E[T] = 5 x 6 / 4 = 7.5
    # Var = 5 x 6 x 11 / 24 - [(3^3 - 3) + (2^3 - 2)] / 48 = 13.75 - 0.625 = 13.125
    # z = (2 - 7.5) / sqrt(13.125) = -1.518155; p = 2 Phi(-1.518155) = 0.128978
    assert row["wilcoxon_p"] == pytest.approx(0.128978, abs=1e-6)
    # conformity = sum P / sum E x 100 = 21 / 16 x 100 = 131.25
    assert row["conformity"] == 131.25
    assert row[["n_p", "n_e", "n"]].tolist() == [5, 5, 5]


def random_pairs(seed: int, n: int = 40, k: int = 4, missing: float = 0.1):
    rng = np.random.default_rng(seed)
    perception = pd.DataFrame(rng.integers(1, 6, size=(n, k)), columns=list("abcd")[:k])
    expectation = pd.DataFrame(
        np.clip(perception.to_numpy() + rng.integers(-1, 3, size=(n, k)), 1, 5),
        columns=perception.columns,
    ).astype(float)
    perception = perception.astype(float).mask(rng.random((n, k)) < missing)
    expectation = expectation.mask(rng.random((n, k)) < missing)
    return perception, expectation


@pytest.mark.parametrize("zero_method", ["wilcox", "pratt", "zsplit"])
def test_paired_tests_match_scipy_on_the_same_pairs(zero_method):
    perception, expectation = random_pairs(seed=3)
    result = servqual(perception, expectation, zero_method=zero_method)
    assert result.zero_method == zero_method
    for item in perception:
        both = perception[item].notna() & expectation[item].notna()
        p, e = perception.loc[both, item], expectation.loc[both, item]
        reference = stats.ttest_rel(p, e)
        interval = reference.confidence_interval(0.95)
        signed_rank = stats.wilcoxon(p - e, zero_method=zero_method, method="approx")
        row = result.items.loc[item]
        assert row["n"] == both.sum()
        assert row["t"] == pytest.approx(reference.statistic, rel=1e-12)
        assert row["p_value"] == pytest.approx(reference.pvalue, rel=1e-12)
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((interval.low, interval.high))
        assert row["wilcoxon_p"] == pytest.approx(signed_rank.pvalue, rel=1e-12)
        assert row["p_mean"] == pytest.approx(perception[item].mean())  # all available
        assert row["n_p"] == perception[item].notna().sum()


def test_holm_by_hand():
    # sorted 0.01, 0.03, 0.04 -> 3 x 0.01 = 0.03; 2 x 0.03 = 0.06; max(0.06, 1 x 0.04) = 0.06
    assert _holm(np.array([0.01, 0.04, 0.03])).tolist() == pytest.approx([0.03, 0.06, 0.06])
    # NaN is not a test: m = 2 -> 2 x 0.02 = 0.04, max(0.04, 0.04) = 0.04
    adjusted = _holm(np.array([0.02, np.nan, 0.04]))
    assert adjusted[[0, 2]].tolist() == pytest.approx([0.04, 0.04])
    assert np.isnan(adjusted[1])
    # 2 x 0.6 = 1.2 -> 1; the next is max(1.2, 1 x 0.7) -> 1 (adjusted p never decreases)
    assert _holm(np.array([0.6, 0.7])).tolist() == [1.0, 1.0]


def test_holm_across_items_matches_statsmodels():
    multitest = pytest.importorskip("statsmodels.stats.multitest")
    perception, expectation = random_pairs(seed=11)
    items = servqual(perception, expectation).items
    reference = multitest.multipletests(items["p_value"], method="holm")[1]
    assert items["p_holm"].tolist() == pytest.approx(reference.tolist(), rel=1e-12)


def test_constant_differences_give_undefined_tests_and_a_note():
    result = servqual(pd.DataFrame({"q": [4, 4, 4]}), pd.DataFrame({"q": [4, 4, 4]}))
    row = result.items.loc["q"]
    assert row["gap"] == 0 and np.isnan(row["t"]) and np.isnan(row["wilcoxon_p"])
    assert any("undefined" in note for note in result.notes)


# --------------------------------------------------------------------------- dimensions

# 3 respondents; q1, q2 -> tangibles, q3 -> empathy; NaN = not answered.
DIM_P = pd.DataFrame({"q1": [4, 5, 3], "q2": [3, np.nan, 5], "q3": [1, 2, 2]})
DIM_E = pd.DataFrame({"q1": [3, 3, 3], "q2": [4, 4, 4], "q3": [3, np.nan, 2]})
DIM_MAP = {"q1": "tangibles", "q2": "tangibles", "q3": "empathy"}


def test_dimension_scores_from_respondent_means_by_hand():
    result = servqual(DIM_P, DIM_E, dimensions=DIM_MAP)
    # item gaps over pairs: q1 [1, 2, 0] -> 1.0; q2 [-1, 1] -> 0.0; q3 [-2, 0] -> -1.0
    assert result.items["gap"].tolist() == [1.0, 0.0, -1.0]
    assert result.items.loc["q2", ["n_p", "n_e", "n"]].tolist() == [2, 3, 2]
    # q1 conformity: (4 + 5 + 3) / (3 + 3 + 3) x 100 = 133.33
    assert result.items.loc["q1", "conformity"] == pytest.approx(400 / 3)
    dims = result.dimensions
    # tangibles per respondent: r0 mean(1, -1) = 0; r1 mean(2) = 2; r2 mean(0, 1) = 0.5
    # -> SQ = 2.5 / 3 = 0.8333; empathy: r0 -2, r2 0 -> SQ = -1.0 (r1 has no pair)
    assert dims.loc["tangibles", "gap"] == pytest.approx(2.5 / 3)
    assert dims.loc["empathy", "gap"] == -1.0
    assert dims["k"].tolist() == [2, 1]
    # P dimension means from all answers: tangibles r0 3.5, r1 5, r2 4 -> 12.5 / 3
    assert dims.loc["tangibles", "p_mean"] == pytest.approx(12.5 / 3)
    assert dims.loc["empathy", ["n_p", "n_e", "n"]].tolist() == [3, 2, 2]
    # unweighted = mean of dimension scores = (0.8333 - 1.0) / 2 = -0.08333,
    # not the plain mean of item gaps (1 + 0 - 1) / 3 = 0
    assert result.overall["unweighted"] == pytest.approx((2.5 / 3 - 1.0) / 2)
    assert result.overall["item_mean_gap"] == pytest.approx(0.0)
    assert result.items["dimension"].tolist() == ["tangibles", "tangibles", "empathy"]


def test_per_respondent_weighting_by_hand():
    points = pd.DataFrame({"tangibles": [60, 50, 30], "empathy": [40, 50, 20]})
    result = servqual(DIM_P, DIM_E, dimensions=DIM_MAP, weights=points)
    # r2's points sum to 50 -> normalised to 60 / 40.
    # r0: 0.6 x 0 + 0.4 x (-2) = -0.8; r1 lacks an empathy pair -> left out
    # r2: 0.6 x 0.5 + 0.4 x 0 = 0.3; weighted = (-0.8 + 0.3) / 2 = -0.25
    assert result.weighting == "per-respondent"
    assert result.overall["weighted"] == pytest.approx(-0.25)
    assert any("normalised to 100" in note for note in result.notes)
    assert any("lacked a score" in note for note in result.notes)


def test_aggregate_weighting_by_hand():
    fractions = {"tangibles": 0.6, "empathy": 0.4}
    result = servqual(DIM_P, DIM_E, dimensions=DIM_MAP, weights=fractions, weighting="aggregate")
    # 0.6 x 0.8333 + 0.4 x (-1.0) = 0.5 - 0.4 = 0.1
    assert result.overall["weighted"] == pytest.approx(0.1)
    points = servqual(
        DIM_P,
        DIM_E,
        dimensions=DIM_MAP,
        weights={"tangibles": 60, "empathy": 40},
        weighting="aggregate",
    )
    assert points.overall["weighted"] == pytest.approx(0.1)
    assert any("normalised to 1" in note for note in points.notes)
    # respondents' points averaged: (0.6, 0.4), (0.5, 0.5), (0.6, 0.4) -> (17/30, 13/30)
    # 17/30 x 2.5/3 - 13/30 x 1.0 = 0.472222 - 0.433333 = 0.038889
    table = pd.DataFrame({"tangibles": [60, 50, 30], "empathy": [40, 50, 20]})
    mean_weights = servqual(DIM_P, DIM_E, dimensions=DIM_MAP, weights=table, weighting="aggregate")
    assert mean_weights.overall["weighted"] == pytest.approx(17 / 30 * 2.5 / 3 - 13 / 30)


def test_weight_errors():
    with pytest.raises(InputError, match="pass dimensions"):
        servqual(DIM_P, DIM_E, weights={"tangibles": 1.0})
    with pytest.raises(InputError, match="name exactly the dimensions"):
        servqual(
            DIM_P, DIM_E, dimensions=DIM_MAP, weights={"tangibles": 1.0}, weighting="aggregate"
        )
    with pytest.raises(InputError, match="needs weights as a DataFrame"):
        servqual(DIM_P, DIM_E, dimensions=DIM_MAP, weights={"tangibles": 0.5, "empathy": 0.5})
    with pytest.raises(InputError, match="every item"):
        servqual(DIM_P, DIM_E, dimensions={"q1": "tangibles"})


# --------------------------------------------------------------------------- pairing, models


def test_items_pair_by_name_in_any_order_or_by_position():
    by_name = servqual(DIM_P, DIM_E[["q3", "q1", "q2"]])
    assert by_name.matched_by == "name"
    assert by_name.items["gap"].tolist() == [1.0, 0.0, -1.0]
    renamed = DIM_E.set_axis(["e1", "e2", "e3"], axis=1)
    by_position = servqual(DIM_P, renamed)
    assert by_position.matched_by == "position"
    assert by_position.items.index.tolist() == ["q1", "q2", "q3"]
    assert by_position.items["gap"].tolist() == [1.0, 0.0, -1.0]
    with pytest.raises(InputError, match="share some column names"):
        servqual(DIM_P, DIM_E.set_axis(["q1", "x", "y"], axis=1))
    with pytest.raises(InputError, match="3 items and expectation 2"):
        servqual(DIM_P, DIM_E[["q1", "q2"]])
    with pytest.raises(InputError, match="needs expectation"):
        servqual(DIM_P)


def test_servperf_reports_perceptions_only():
    result = servqual(DIM_P, dimensions=DIM_MAP, model="servperf")
    assert list(result.items.columns) == ["p_mean", "p_sd", "n_p", "dimension"]
    # q1 [4, 5, 3]: mean 4, sd 1; q3 [1, 2, 2]: mean 5/3
    assert result.items.loc["q1", ["p_mean", "p_sd", "n_p"]].tolist() == [4.0, 1.0, 3]
    # tangibles respondent means 3.5, 5, 4 -> 12.5 / 3; empathy 5/3; unweighted = mean
    assert result.dimensions.loc["tangibles", "p_mean"] == pytest.approx(12.5 / 3)
    assert result.overall["unweighted"] == pytest.approx((12.5 / 3 + 5 / 3) / 2)
    assert "item_mean_gap" not in result.overall
    assert result.matched_by == "none"


def test_result_frame_and_html():
    result = servqual(DIM_P, DIM_E, dimensions=DIM_MAP)
    frame = result.to_frame()
    assert frame.index.names == ["level", "name"]
    assert frame.loc[("dimension", "empathy"), "gap"] == -1.0
    assert "zero_method=wilcox" in result._repr_html_()


def test_servqual_by_group_by_hand():
    perception = pd.DataFrame({"q1": [4, 5, 3, 4], "q2": [3, 4, 4, 4]})
    expectation = pd.DataFrame({"q1": [3, 4, 4, 4], "q2": [4, 4, 5, 5]})
    table = servqual_by(
        perception,
        expectation,
        pd.Series(["a", "a", "b", "b"]),
        dimensions={"q1": "tangibles", "q2": "empathy"},
    )
    # a: q1 gaps (1, 1) -> 1.0, q2 (-1, 0) -> -0.5; b: q1 (-1, 0) -> -0.5, q2 (-1, -1) -> -1
    assert table[("item_gap", "q1")].tolist() == [1.0, -0.5]
    assert table[("item_gap", "q2")].tolist() == [-0.5, -1.0]
    assert table[("dimension_gap", "empathy")].tolist() == [-0.5, -1.0]
    assert table[("summary", "unweighted")].tolist() == [0.25, -0.75]
    assert table[("summary", "n")].tolist() == [2, 2]


def _by_servqual_per_group(perception, expectation, groups, **kwargs) -> pd.DataFrame:
    """servqual_by's table rebuilt from servqual run on each group's rows."""
    rows = {}
    for group in sorted(groups.dropna().unique()):
        members = groups.index[groups == group]
        result = servqual(perception.loc[members],
                          None if expectation is None else expectation.loc[members], **kwargs)
        score = "p_mean" if result.model == "servperf" else "gap"
        row = {("summary", "n"): len(members)}
        row.update({("summary", name): value for name, value in result.overall.items()})
        row.update({("item_gap", item): value for item, value in result.items[score].items()})
        if not result.dimensions.empty:
            row.update({("dimension_gap", code): value
                        for code, value in result.dimensions[score].items()})
        rows[group] = row
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.columns = pd.MultiIndex.from_tuples(frame.columns)
    return frame


@pytest.mark.parametrize("model", ["servqual", "servperf"])
def test_servqual_by_equals_servqual_on_each_group(model):
    # Missing answers and halves: each group's figures are exactly servqual's on its rows.
    # Twelve items, so numpy's pairwise sums differ from a plain loop over the item means.
    rng = np.random.default_rng(13)
    items = list("abcdefghijkl")
    shape = (90, len(items))
    perception = pd.DataFrame(rng.integers(1, 11, shape) / 2, columns=items)
    expectation = pd.DataFrame(rng.integers(1, 11, shape) / 2, columns=items)
    perception = perception.mask(rng.random(shape) < 0.2)
    expectation = expectation.mask(rng.random(shape) < 0.2)
    groups = pd.Series(rng.choice(["x", "y", "z", None], shape[0]))
    dimensions = dict(zip(items, ["tangibles", "empathy", "assurance"] * 4, strict=True))
    table = servqual_by(perception, expectation, groups, dimensions=dimensions, model=model)
    expected = _by_servqual_per_group(perception, expectation, groups, dimensions=dimensions,
                                      model=model)
    pd.testing.assert_frame_equal(table, expected, check_exact=True, check_names=False)
    assert table.attrs["ungrouped"] == int(groups.isna().sum())


def test_servqual_by_group_without_answers_names_the_group():
    perception = pd.DataFrame({"q1": [4, 5, np.nan, np.nan], "q2": [3, 4, 4, 4]})
    expectation = pd.DataFrame({"q1": [3, 4, 4, 4], "q2": [4, 4, 5, 5]})
    with pytest.raises(NoDataError, match="'b'"):
        servqual_by(perception, expectation, pd.Series(["a", "a", "b", "b"]))


# --------------------------------------------------------------------------- IPA


def test_ipa_quadrants_and_ties_by_hand():
    # item means: x (performance) = 2, 4, 3, 3, 2, 4 -> xbar 3; y (importance) = 4, 4, 2,
    # 3, 2, 3 -> ybar 3. Ties go to the upper / right side (>=).
    x = {"a": 2, "b": 4, "c": 3, "d": 3, "e": 2, "f": 4}
    y = {"a": 4, "b": 4, "c": 2, "d": 3, "e": 2, "f": 3}
    performance = pd.DataFrame({item: [value] * 2 for item, value in x.items()})
    importance = pd.DataFrame({item: [value] * 2 for item, value in y.items()})
    table = ipa(importance, performance)
    assert table["quadrant"].to_dict() == {
        "a": "concentrate",  # y 4 >= 3, x 2 < 3
        "b": "keep_up",  # y 4 >= 3, x 4 >= 3
        "c": "overkill",  # y 2 < 3, x 3 >= 3 (tie on x)
        "d": "keep_up",  # y 3 >= 3, x 3 >= 3 (ties on both)
        "e": "low_priority",  # y 2 < 3, x 2 < 3
        "f": "keep_up",  # y 3 >= 3 (tie on y), x 4 >= 3
    }
    assert table.loc["a", ["quadrant_number", "label_id", "label_en"]].tolist() == [
        "I",
        "Prioritas Utama",
        "Concentrate here",
    ]
    assert table.loc["c", "label_id"] == "Berlebihan"
    assert (table.attrs["x_crosshair"], table.attrs["y_crosshair"]) == (3.0, 3.0)
    # conformity b: 4 + 4 over 4 + 4 -> 100; a: (2 + 2) / (4 + 4) x 100 = 50
    assert table.loc["a", "conformity"] == 50.0


def test_ipa_tie_is_judged_on_printed_values():
    # x means 1.0, 1.4, 1.8: their float mean is 1.4000000000000001, printed 1.40, so the
    # middle item ties with the crosshair and goes right; unrounded it would fall left.
    performance = pd.DataFrame({"a": [1] * 5, "b": [1, 1, 1, 2, 2], "c": [1, 2, 2, 2, 2]})
    importance = pd.DataFrame({"a": [4] * 5, "b": [4] * 5, "c": [4] * 5})
    assert ipa(importance, performance).loc["b", "quadrant"] == "keep_up"
    assert ipa(importance, performance, decimals=None).loc["b", "quadrant"] == "concentrate"


def test_ipa_median_and_midpoint_crosshairs():
    performance = pd.DataFrame({"a": [1, 1], "b": [2, 2], "c": [5, 5]})  # x 1, 2, 5
    importance = pd.DataFrame({"a": [5, 5], "b": [5, 5], "c": [1, 1]})  # y 5, 5, 1
    by_median = ipa(importance, performance, crosshair="median")  # xbar 2, ybar 5
    assert by_median["quadrant"].tolist() == ["concentrate", "keep_up", "overkill"]
    by_midpoint = ipa(importance, performance, crosshair="midpoint", scale_min=1, scale_max=5)
    assert by_midpoint.attrs["x_crosshair"] == 3.0  # (1 + 5) / 2
    assert by_midpoint["quadrant"].tolist() == ["concentrate", "concentrate", "overkill"]
    with pytest.raises(InputError, match="scale_min and scale_max"):
        ipa(importance, performance, crosshair="midpoint")


# --------------------------------------------------------------------------- CSI


def test_csi_by_hand():
    importance = pd.DataFrame({"a": [5, 5], "b": [4, 2], "c": [4, 4]})  # MIS 5, 3, 4
    performance = pd.DataFrame({"a": [4, 3], "b": [5, 5], "c": [2, 4]})  # MSS 3.5, 5, 3
    result = csi(importance, performance, scale_max=5)
    # WF = 5/12, 3/12, 4/12; WS = 5/12 x 3.5 = 1.458333, 3/12 x 5 = 1.25, 4/12 x 3 = 1.0
    # CSI = 3.708333 / 5 x 100 = 74.1667 -> Puas (66 <= CSI < 81)
    assert result.items["wf"].tolist() == pytest.approx([5 / 12, 3 / 12, 4 / 12])
    assert result.items["ws"].tolist() == pytest.approx([17.5 / 12, 1.25, 1.0])
    assert result.csi == pytest.approx(3.7083333333 / 5 * 100)
    assert (result.band, result.label, result.label_en) == ("satisfied", "Puas", "Satisfied")


def test_csi_with_a_wrong_scale_max_is_an_input_error():
    importance = pd.DataFrame({"a": [5, 5], "b": [5, 4]})
    performance = pd.DataFrame({"a": [5, 5], "b": [5, 5]})
    # with HS = 4 the CSI would be 5 / 4 x 100 = 125%
    with pytest.raises(InputError, match="scale maximum is wrong"):
        csi(importance, performance, scale_max=4)


def test_csi_without_scale_max_uses_the_largest_answer_and_says_so():
    importance = pd.DataFrame({"a": [4, 4]})
    performance = pd.DataFrame({"a": [2, 3]})
    result = csi(importance, performance)
    # HS = 4 (largest answer); CSI = 1 x 2.5 / 4 x 100 = 62.5 -> Cukup puas
    assert result.scale_max == 4
    assert result.csi == 62.5
    assert result.label == "Cukup puas"
    assert any("scale_max not given" in note for note in result.notes)


def test_groups_answering_blanks_a_group_without_answers_to_an_item():
    # Group "b" answered no q1 perception and group "c" no q2 expectation; "a" answered
    # everything, and the row without a group stays without one.
    from surveyq.analyses import _groups_answering

    perception = pd.DataFrame({"q1": [4, 5, np.nan, np.nan, 3, 2],
                               "q2": [3, 4, 4, 4, 5, 1]})
    expectation = pd.DataFrame({"q1": [3, 4, 4, 4, 5, 2],
                                "q2": [4, 4, 5, 5, np.nan, 3]})
    values = pd.Series(["a", "a", "b", "b", "c", None])
    notes: list[str] = []
    kept = _groups_answering(values, "unit", notes, perception, expectation)
    assert kept.isna().tolist() == [False, False, True, True, True, True]
    assert kept[:2].tolist() == ["a", "a"]
    assert len(notes) == 2
    assert "'b'" in notes[0] and "q1" in notes[0] and "q2" not in notes[0]
    assert "'c'" in notes[1] and "q2" in notes[1]
