"""IKM / SKM against Nugrahini et al. (E3), hand calculations and the Krejcie & Morgan table.

Expected values are written out from docs/methods.md (worked examples), the regulations'
band tables and arithmetic shown beside each case; none are produced by surveyq.
"""

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from surveyq.errors import InputError
from surveyq.ikm import (
    AnswerArrays,
    Ikm,
    group_sums,
    ikm,
    ikm_by,
    ikm_from_nrr,
    ikm_trend,
    sample_adequate,
    sample_size,
)

# Nugrahini et al., BPMPD Tabanan, Tabel 8: NRR of the 14 elements as printed.
SEED_004_NRR = [3.23, 3.14, 3.15, 3.22, 3.18, 3.16, 3.09, 3.09, 3.15, 3.16, 2.69, 2.33, 2.87, 3.02]


def column_with_mean(mean: float, n: int = 100) -> list[int]:
    """n integer codes whose mean is exactly ``mean`` (mean * n must be a whole number)."""
    total = Decimal(str(mean)) * n
    if total != total.to_integral_value():
        raise ValueError(f"mean {mean} cannot be reached exactly with {n} answers")
    base, ups = divmod(int(total), n)
    return [base + 1] * ups + [base] * (n - ups)


def seed_004_answers() -> pd.DataFrame:
    return pd.DataFrame(
        {f"U{i}": column_with_mean(nrr) for i, nrr in enumerate(SEED_004_NRR, start=1)}
    )


# --------------------------------------------------------------------------- E3


def test_e3_seed_004_with_the_regulations_weight_0071():
    result = ikm(seed_004_answers(), standard="kep25-2004")
    assert result.weight_mode == "0.071"
    assert result.elements["nrr"].tolist() == pytest.approx(SEED_004_NRR, abs=1e-12)
    # E3: IKM = 42.48 x 0.071 = 3.01608, converted 75.402, mutu B, kinerja "Baik"
    assert result.index == pytest.approx(3.01608, abs=1e-9)
    assert result.converted == pytest.approx(75.402, abs=1e-9)
    assert (result.band, result.label) == ("B", "Baik")
    assert result.n == 100


def test_e3_seed_004_with_exact_weights():
    result = ikm(seed_004_answers(), standard="kep25-2004", weight_mode="exact")
    # E3: 42.48 / 14 = 3.0343, x 25 = 75.857, B
    assert round(result.index, 4) == 3.0343
    assert round(result.converted, 3) == 75.857
    assert result.band == "B"


def test_e3_element_grades_from_printed_nrr():
    result = ikm_from_nrr(dict(enumerate(SEED_004_NRR, start=1)), standard="kep25-2004")
    assert result.converted == pytest.approx(75.402, abs=1e-9)
    # element 12 (NRR 2.33 -> 58.25) is C "Kurang baik"; element 11 (2.69 -> 67.25) is B
    assert result.elements.loc[12, ["band", "label"]].tolist() == ["C", "Kurang baik"]
    assert result.elements.loc[11, ["band", "label"]].tolist() == ["B", "Baik"]
    others = result.elements.drop(index=12)
    assert set(others["label"]) == {"Baik"}  # the paper grades the other 13 elements Baik
    assert result.n is None
    assert result.elements["n"].isna().all()


# --------------------------------------------------------------------------- hand-computed

# 4 respondents x 9 elements (PermenPAN-RB 14/2017). NRR per element:
# U1 (4+4+3+3)/4 = 3.5   U2 3.0   U3 (4+3+3+2)/4 = 3.0   U4 (2+2+3+3)/4 = 2.5
# U5 4.0   U6 (3+3+3+4)/4 = 3.25   U7 (4+3+4+3)/4 = 3.5   U8 (2+3+3+3)/4 = 2.75
# U9 (3+3+4+4)/4 = 3.5; sum of NRR = 29.0
NINE = pd.DataFrame(
    {
        "U1": [4, 4, 3, 3],
        "U2": [3, 3, 3, 3],
        "U3": [4, 3, 3, 2],
        "U4": [2, 2, 3, 3],
        "U5": [4, 4, 4, 4],
        "U6": [3, 3, 3, 4],
        "U7": [4, 3, 4, 3],
        "U8": [2, 3, 3, 3],
        "U9": [3, 3, 4, 4],
    }
)


def test_2017_exact_weights_by_hand():
    result = ikm(NINE)
    assert result.weight_mode == "exact"
    assert result.elements["nrr"].tolist() == [3.5, 3.0, 3.0, 2.5, 4.0, 3.25, 3.5, 2.75, 3.5]
    assert result.elements["weight"].tolist() == pytest.approx([1 / 9] * 9)
    # index = 29 / 9 = 3.2222..., converted = 80.5556 -> B (76.61 <= 80.56 < 88.31)
    assert result.index == pytest.approx(29 / 9)
    assert result.converted == pytest.approx(29 / 9 * 25)
    assert (result.band, result.label, result.label_en) == ("B", "Baik", "Good")


@pytest.mark.parametrize(
    ("mode", "index", "converted"),
    [
        ("0.111", 29 * 0.111, 80.475),  # 3.219 x 25 = 80.475 -> prints 80.48, B
        ("0.11", 29 * 0.11, 79.75),  # 3.19 x 25 = 79.75, B
    ],
)
def test_2017_fixed_decimal_weights_by_hand(mode, index, converted):
    result = ikm(NINE, weight_mode=mode)
    assert result.weight_mode == mode
    assert result.elements["weight"].unique().tolist() == [float(mode)]
    assert result.index == pytest.approx(index, abs=1e-12)
    assert result.converted == pytest.approx(converted, abs=1e-9)
    assert result.band == "B"
    assert not result.forced


# 5 respondents x 14 elements (KEP/25/2004): 12 elements answered [3, 3, 3, 3, 4] (NRR 3.2)
# and 2 answered [4, 4, 4, 3, 3] (NRR 3.6). Sum of NRR = 12 x 3.2 + 2 x 3.6 = 45.6.
FOURTEEN = pd.DataFrame(
    {f"U{i}": [3, 3, 3, 3, 4] if i <= 12 else [4, 4, 4, 3, 3] for i in range(1, 15)}
)


def test_2004_default_weight_0071_by_hand():
    result = ikm(FOURTEEN, standard="kep25-2004")
    # index = 45.6 x 0.071 = 3.2376; converted = 80.94 -> B (62.51 <= 80.94 < 81.26)
    assert result.weight_mode == "0.071"
    assert result.index == pytest.approx(3.2376, abs=1e-12)
    assert result.converted == pytest.approx(80.94, abs=1e-9)
    assert result.band == "B"


def test_2004_exact_weights_by_hand_changes_the_band():
    result = ikm(FOURTEEN, standard="kep25-2004", weight_mode="exact")
    # index = 45.6 / 14 = 3.257142857; converted = 81.428571 -> A (>= 81.26)
    assert result.index == pytest.approx(45.6 / 14)
    assert result.converted == pytest.approx(81.4285714286, abs=1e-9)
    assert (result.band, result.label) == ("A", "Sangat baik")


def test_elements_are_graded_with_the_standards_own_table():
    # NRR 3.0 -> 75.00: C under PermenPAN-RB 14/2017 (65.00-76.60), B under 2004 (62.51-81.25)
    under_2017 = ikm_from_nrr({"U1": 3.0})
    under_2004 = ikm_from_nrr({"U1": 3.0}, standard="kep25-2004", weight_mode="exact")
    assert under_2017.elements.loc["U1", "band"] == "C"
    assert under_2004.elements.loc["U1", "band"] == "B"


def test_any_number_of_elements_works_with_exact_weights():
    # an office using 5 substituted elements: NRR 3, 3, 4, 4, 3.5 -> index 17.5 / 5 = 3.5,
    # converted 87.5 -> B under 2017
    result = ikm_from_nrr({"A": 3, "B": 3, "C": 4, "D": 4, "E": 3.5})
    assert result.weight == 0.2
    assert result.converted == 87.5
    assert result.band == "B"


def test_missing_answers_are_left_out_of_their_element_only():
    answers = pd.DataFrame({"U1": [4, np.nan, 3], "U2": [2, 3, 4], "U3": [np.nan] * 2 + [4]})
    result = ikm(answers)
    # U1 (4 + 3) / 2 = 3.5, U2 9 / 3 = 3.0, U3 4 / 1 = 4.0; index 10.5 / 3 = 3.5 -> 87.5
    assert result.elements["nrr"].tolist() == [3.5, 3.0, 4.0]
    assert result.elements["n"].tolist() == [2, 3, 1]
    assert result.converted == pytest.approx(87.5)
    assert result.n == 3


# --------------------------------------------------------------------------- weight modes


def test_fixed_decimal_mode_that_does_not_fit_is_an_error():
    with pytest.raises(InputError, match="fits 14 elements, but there are 9"):
        ikm(NINE, standard="kep25-2004")  # the 2004 default 0.071 with 9 elements
    with pytest.raises(InputError, match="fits 9 elements, but there are 14"):
        ikm(FOURTEEN, weight_mode="0.111")
    with pytest.raises(InputError, match="unknown weight_mode"):
        ikm(NINE, weight_mode="0.1")


def test_forced_fixed_decimal_mode_is_used_and_noted():
    result = ikm(NINE, standard="kep25-2004", force=True)
    # 29 x 0.071 = 2.059; converted 51.475 -> C under 2004 (43.76 <= 51.48 < 62.51)
    assert result.forced
    assert result.index == pytest.approx(2.059)
    assert result.band == "C"
    assert any("force=True" in note for note in result.notes)


@pytest.mark.parametrize(
    ("nrr", "standard", "band"),
    [
        (2.5996, "permenpanrb-14-2017", "D"),  # 64.99
        (2.6, "permenpanrb-14-2017", "C"),  # 65.00
        (3.064, "permenpanrb-14-2017", "C"),  # 76.60
        (3.0644, "permenpanrb-14-2017", "B"),  # 76.61
        (3.532, "permenpanrb-14-2017", "B"),  # 88.30
        (3.5324, "permenpanrb-14-2017", "A"),  # 88.31
        (3.5322, "permenpanrb-14-2017", "A"),  # 88.305 rounds half-up to 88.31
        (1.75, "kep25-2004", "D"),  # 43.75
        (1.7504, "kep25-2004", "C"),  # 43.76
        (2.5, "kep25-2004", "C"),  # 62.50
        (2.5004, "kep25-2004", "B"),  # 62.51
        (3.25, "kep25-2004", "B"),  # 81.25
        (3.2504, "kep25-2004", "A"),  # 81.26
    ],
)
def test_converted_band_boundaries(nrr, standard, band):
    result = ikm_from_nrr({"U1": nrr}, standard=standard, weight_mode="exact")
    assert result.band == band


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("bad", [5, 0, 2.5, -1])
def test_codes_outside_1_to_4_are_input_errors(bad):
    answers = pd.DataFrame({"U1": [4, 3, bad], "U2": [3, 3, 3]})
    with pytest.raises(InputError, match="element 'U1'.*not codes 1-4"):
        ikm(answers)


def test_labels_an_empty_element_and_bad_nrr_are_input_errors():
    with pytest.raises(InputError, match="numeric answer codes"):
        ikm(pd.DataFrame({"U1": ["Baik", "Sangat baik"]}))
    with pytest.raises(InputError, match=r"\['U2'\] have no answers"):
        ikm(pd.DataFrame({"U1": [4, 3], "U2": [np.nan, np.nan]}))
    with pytest.raises(InputError, match="NRR must lie in 1-4"):
        ikm_from_nrr({"U1": 4.2})
    with pytest.raises(InputError, match="unknown IKM standard"):
        ikm(NINE, standard="permenpan-2014")


# --------------------------------------------------------------------------- sample size

# Krejcie & Morgan (1970), Table 1, every entry (N, S) as published (Educational and
# Psychological Measurement 30, 607-610), read from the article's table.
# fmt: off
KREJCIE_MORGAN_TABLE = [
    (10, 10), (15, 14), (20, 19), (25, 24), (30, 28), (35, 32), (40, 36), (45, 40),
    (50, 44), (55, 48), (60, 52), (65, 56), (70, 59), (75, 63), (80, 66), (85, 70),
    (90, 73), (95, 76), (100, 80), (110, 86), (120, 92), (130, 97), (140, 103), (150, 108),
    (160, 113), (170, 118), (180, 123), (190, 127), (200, 132), (210, 136), (220, 140),
    (230, 144), (240, 148), (250, 152), (260, 155), (270, 159), (280, 162), (290, 165),
    (300, 169), (320, 175), (340, 181), (360, 186), (380, 191), (400, 196), (420, 201),
    (440, 205), (460, 210), (480, 214), (500, 217), (550, 226), (600, 234), (650, 242),
    (700, 248), (750, 254), (800, 260), (850, 265), (900, 269), (950, 274), (1000, 278),
    (1100, 285), (1200, 291), (1300, 297), (1400, 302), (1500, 306), (1600, 310),
    (1700, 313), (1800, 317), (1900, 320), (2000, 322), (2200, 327), (2400, 331),
    (2600, 335), (2800, 338), (3000, 341), (3500, 346), (4000, 351), (4500, 354),
    (5000, 357), (6000, 361), (7000, 364), (8000, 367), (9000, 368), (10000, 370),
    (15000, 375), (20000, 377), (30000, 379), (40000, 380), (50000, 381), (75000, 382),
    (1000000, 384),
]
# fmt: on


@pytest.mark.parametrize(("population", "published"), KREJCIE_MORGAN_TABLE)
def test_sample_size_reproduces_the_published_table(population, published):
    assert sample_size(population) == published


def test_sample_size_check_values_and_adequacy():
    assert (sample_size(100), sample_size(1000), sample_size(1_000_000)) == (80, 278, 384)
    assert sample_adequate(278, 1000)
    assert not sample_adequate(277, 1000)
    # d = 0.10: s = 3.841 x 1000 x 0.25 / (0.01 x 999 + 0.96025) = 960.25 / 10.95025 = 87.69
    assert sample_size(1000, d=0.10) == 88


@pytest.mark.parametrize("bad", [0, -5, 10.5])
def test_sample_size_rejects_bad_population(bad):
    with pytest.raises(InputError, match="population"):
        sample_size(bad)


# --------------------------------------------------------------------------- breakdowns


def test_ikm_by_group_by_hand():
    answers = pd.DataFrame({"U1": [4, 3, 2, 2, 4], "U2": [4, 4, 3, 2, 1]})
    office = pd.Series(["north", "north", "south", "south", None], name="office")
    table = ikm_by(answers, office)
    # north: U1 3.5, U2 4.0 -> index 3.75, converted 93.75, A
    # south: U1 2.0, U2 2.5 -> index 2.25, converted 56.25, D
    assert table.index.tolist() == ["north", "south"]
    assert table[("nrr", "U1")].tolist() == [3.5, 2.0]
    assert table[("nrr", "U2")].tolist() == [4.0, 2.5]
    assert table[("summary", "converted")].tolist() == [93.75, 56.25]
    assert table[("summary", "band")].tolist() == ["A", "D"]
    assert table[("summary", "n")].tolist() == [2, 2]
    assert table.attrs["ungrouped"] == 1


@pytest.mark.parametrize("groups", [3, 40])  # one matrix product, and bincounts past 32
def test_ikm_by_equals_ikm_of_each_groups_rows(groups):
    # ikm_by sums every group in one pass; each row must equal ikm() of that group's rows
    rng = np.random.default_rng(13)
    answers = pd.DataFrame(rng.integers(1, 5, (400, 3)).astype(float), columns=["U1", "U2", "U3"])
    answers[answers.apply(lambda column: rng.random(len(column)) < 0.1)] = np.nan
    office = pd.Series(rng.integers(0, groups, 400).astype(str), dtype=object)
    office[rng.random(400) < 0.05] = None
    table = ikm_by(answers, office)
    expected = sorted(set(office.dropna()))
    assert table.index.tolist() == expected
    for group in expected:
        alone = ikm(answers[office == group])
        row = table.loc[group]
        assert row[("summary", "n")] == alone.n
        assert row[("summary", "converted")] == alone.converted
        assert row[("summary", "band")] == alone.band
        assert row[[("nrr", code) for code in answers]].tolist() == alone.elements["nrr"].tolist()
    assert table.attrs["ungrouped"] == int(office.isna().sum())


def test_ikm_by_names_the_group_in_errors():
    answers = pd.DataFrame({"U1": [4, 3], "U2": [np.nan, 3]})
    with pytest.raises(InputError, match="group 'a'"):
        ikm_by(answers, pd.Series(["a", "b"]))


def test_ikm_trend_by_hand():
    first = ikm_from_nrr({"U1": 3.0, "U2": 3.2, "U3": 2.8})
    second = ikm_from_nrr({"U1": 3.1, "U2": 3.6, "U3": 2.6})
    trend = ikm_trend({"2023": first, "2024": second})
    # changes: U1 +0.1, U2 +0.4, U3 -0.2; converted 75.0 -> 77.5 (+2.5), C -> B
    assert trend.change["2024"].tolist() == pytest.approx([0.1, 0.4, -0.2])
    assert trend.change["2023"].isna().all()
    assert trend.summary["converted"].tolist() == pytest.approx([75.0, 77.5])
    assert trend.summary["converted_change"].iloc[1] == pytest.approx(2.5)
    assert trend.summary["band"].tolist() == ["C", "B"]
    long = trend.to_frame()
    assert long.loc[("2024", "U2"), "change"] == pytest.approx(0.4)


def test_ikm_trend_notes_mixed_standards_and_missing_elements():
    old = ikm_from_nrr({"U1": 3.0, "U2": 3.0}, standard="kep25-2004", weight_mode="exact")
    new = ikm_from_nrr({"U1": 3.2, "U3": 3.0})
    trend = ikm_trend({2016: old, 2017: new})
    assert any("different standards" in note for note in trend.notes)
    assert np.isnan(trend.nrr.loc["U3", 2016])
    assert np.isnan(trend.change.loc["U2", 2017])


def test_result_frames_and_html():
    result = ikm(NINE)
    assert isinstance(result, Ikm)
    assert list(result.to_frame().columns) == [
        "nrr",
        "n",
        "weight",
        "weighted_nrr",
        "converted",
        "band",
        "label",
        "label_en",
    ]
    assert result.summary().loc[0, "band"] == "B"
    assert "<table" in result._repr_html_()


@pytest.mark.parametrize("n_groups", [1, 3, 40])
def test_group_sums_from_given_codes_and_shared_arrays_are_pandas_groupby(n_groups):
    rng = np.random.default_rng(5)
    answers = rng.integers(1, 5, (600, 4)).astype(float)
    answers[rng.random(answers.shape) < 0.1] = np.nan
    items = pd.DataFrame(answers, columns=["U1", "U2", "U3", "U4"])
    labels = np.array([f"g{k:02d}" for k in range(n_groups)], dtype=object)
    groups = pd.Series(labels[rng.integers(0, n_groups, 600)])
    groups[rng.random(600) < 0.05] = None
    own = group_sums(items, groups)
    codes, uniques = pd.factorize(groups, sort=True)
    given = group_sums(items, groups, codes=(codes, list(uniques)),
                       answers=AnswerArrays.of(items))
    # the reference: pandas' groupby of the same answers (rows without a group left out)
    by = items.groupby(groups)
    assert given.keys == own.keys == list(by.groups)
    assert np.array_equal(given.sums, by.sum().to_numpy())
    assert np.array_equal(given.counts, by.count().to_numpy())
    assert np.array_equal(given.respondents,
                          items.notna().any(axis=1).groupby(groups).sum().to_numpy())
    for name in ("counts", "sums", "respondents"):
        assert np.array_equal(getattr(given, name), getattr(own, name))
    assert given.ungrouped == own.ungrouped == int(groups.isna().sum())


@pytest.mark.parametrize("values, whole", [
    ((1, 2, 3, 4), True), ((0, 1, 5, 10), True), ((0, 126), True),  # counted code by code
    ((-1, 2), False), ((1.5, 3), False), ((127, 1), False), ((1000, 2), False),  # weighted
])
def test_group_sums_of_any_numbers_are_pandas_groupby(values, whole):
    # whole answers 0-126 are counted per (group, code); anything else by weighted counts;
    # both must give pandas' groupby sums and counts (rows without a group left out)
    rng = np.random.default_rng(21)
    answers = rng.choice(np.array(values, dtype=float), size=(500, 5))
    answers[rng.random(answers.shape) < 0.1] = np.nan
    items = pd.DataFrame(answers, columns=[f"U{k}" for k in range(1, 6)])
    groups = pd.Series(rng.choice(["a", "b", "c"], 500), dtype=object)
    groups[rng.random(500) < 0.05] = None
    assert (AnswerArrays.of(items).codes is not None) == whole
    found = group_sums(items, groups)
    by = items.groupby(groups)
    assert np.array_equal(found.sums, by.sum().to_numpy())
    assert np.array_equal(found.counts, by.count().to_numpy())
    assert found.ungrouped == int(groups.isna().sum())


@pytest.mark.parametrize("n_groups", [300, 70_000])  # keys past uint8, and past uint16
def test_group_sums_with_many_groups_are_pandas_groupby(n_groups):
    rng = np.random.default_rng(8)
    answers = rng.integers(1, 5, (80_000, 2)).astype(float)
    answers[rng.random(answers.shape) < 0.1] = np.nan
    items = pd.DataFrame(answers, columns=["U1", "U2"])
    groups = pd.Series(rng.integers(0, n_groups, 80_000))
    found = group_sums(items, groups)
    by = items.groupby(groups)
    assert found.keys == list(by.groups)
    assert np.array_equal(found.sums, by.sum().to_numpy())
    assert np.array_equal(found.counts, by.count().to_numpy())
    assert np.array_equal(found.respondents,
                          items.notna().any(axis=1).groupby(groups).sum().to_numpy())


def test_ikm_by_from_sums_and_group_by_group_give_the_same_table():
    # a categorical grouping takes the group-by-group path (ikm of each group's rows),
    # plain labels the path from the group sums: one table, same types, same numbers
    rng = np.random.default_rng(4)
    answers = pd.DataFrame(rng.integers(1, 5, (300, 4)).astype(float),
                           columns=["U1", "U2", "U3", "U4"])
    labels = rng.choice(["north", "south", "east"], 300)
    from_sums = ikm_by(answers, pd.Series(labels, dtype=object, name="office"))
    by_group = ikm_by(answers, pd.Series(pd.Categorical(labels), name="office"))
    pd.testing.assert_frame_equal(from_sums, by_group, check_exact=True)
    assert from_sums.attrs == by_group.attrs == {"ungrouped": 0}
    # against pandas: each group's NRR is its mean answer, and with four elements of equal
    # weight its IKM is the mean NRR x 25 (PermenPAN-RB 14/2017)
    means = answers.groupby(labels).mean()
    assert np.array_equal(from_sums["nrr"].to_numpy(), means.to_numpy())
    np.testing.assert_allclose(from_sums[("summary", "converted")].to_numpy(),
                               means.mean(axis=1).to_numpy() * 25, rtol=1e-12)
    assert from_sums[("summary", "n")].tolist() == pd.Series(labels).value_counts(
        ).sort_index().tolist()


def test_answer_arrays_of_int8_codes_equal_those_of_the_frame():
    """AnswerArrays.of_codes (clean's int8 codes: the answer, 0 for none) gives the codes,
    tally and rows answered that AnswerArrays.of gives for the same answers as floats: a
    column without answers, a row without answers and answers above the IKM's 4 included."""
    rng = np.random.default_rng(13)
    kernel = rng.integers(0, 8, size=(3, 500)).astype(np.int8)  # items x respondents
    kernel[1] = 0         # an element nobody answered
    kernel[:, 7] = 0      # a respondent who answered nothing
    frame = pd.DataFrame(np.where(kernel == 0, np.nan, kernel).T, columns=["U1", "U2", "U3"])
    fast, plain = AnswerArrays.of_codes(list(kernel)), AnswerArrays.of(frame)
    for name in ("any_answered", "codes", "tally"):
        assert np.array_equal(getattr(fast, name), getattr(plain, name)), name
    assert fast.codes.flags.f_contiguous and fast.width == plain.width
    assert np.array_equal(fast.counts(), plain.counts())
    assert np.array_equal(fast.sums(), plain.sums())
    # by hand: U1's sum and count are those of its nonzero codes
    assert fast.sums()[0] == kernel[0].sum() and fast.counts()[0] == np.count_nonzero(kernel[0])
    # codes that are not answers 1 to 126 (or not int8): none, the frame is read instead
    assert AnswerArrays.of_codes([np.array([1, -1], dtype=np.int8)]) is None
    assert AnswerArrays.of_codes([np.array([1, 127], dtype=np.int8)]) is None
    assert AnswerArrays.of_codes([np.array([1, 2], dtype=np.int16)]) is None


SCALE4 = {"points": [1, 2, 3, 4],
          "labels": {"id": ["Tidak baik", "Kurang baik", "Baik", "Sangat baik"],
                     "en": ["Poor", "Fair", "Good", "Very good"]}}


def _ikm_run(answers: list[tuple], points: list[int] | None = None):
    """A SurveyRun of three elements (U3 reverse keyed) cleaned from ``answers``."""
    from surveyq.clean import clean
    from surveyq.io import RawTable
    from surveyq.log import CleaningLog
    from surveyq.pipeline import SurveyRun
    from surveyq.project import SurveySpec
    from surveyq.questionnaire import parse_questionnaire

    scale = {**SCALE4, "points": points} if points else SCALE4
    if points and len(points) != 4:
        scale = {"points": points}
    q = parse_questionnaire({
        "id": "t", "title": {"id": "T", "en": "T"}, "scales": {"s": scale},
        "items": [{"id": f"Q{j}", "text": {"id": f"B{j}", "en": f"I{j}"}, "scale": "s",
                   "column": f"P{j}", "element": f"U{j}", "reverse": j == 3}
                  for j in (1, 2, 3)],
        "fields": [{"id": "gender", "kind": "gender", "text": {"id": "JK", "en": "Gender"},
                    "column": "JK"}],
    }, "t.yaml")
    records = [{"JK": sex, "P1": a, "P2": b, "P3": c} for sex, a, b, c in answers]
    frame = pd.DataFrame(records, dtype=object)
    raw = RawTable(frame=frame.astype(object).where(frame.notna(), None),
                   rows=list(range(2, len(records) + 2)), file="r.csv", format="csv",
                   rows_in_file=len(records), log=CleaningLog())
    return SurveyRun("skm", SurveySpec(questionnaire="t.yaml", responses="r.csv"),
                     clean(raw, q))


def _same_ikm(left: dict, right: dict) -> None:
    assert left["summary"] == right["summary"]
    pd.testing.assert_frame_equal(left["elements"], right["elements"], check_exact=True)
    assert list(left["by"]) == list(right["by"]) and left["notes"] == right["notes"]
    for field_id, frame in left["by"].items():
        pd.testing.assert_frame_equal(frame, right["by"][field_id], check_exact=True)


def test_the_run_s_ikm_from_clean_s_codes_equals_the_frame_s():
    """analyses.ikm counts clean's int8 codes while they are the answers of the items frame
    (reverse keying applied); a copy of the frame, or a frame changed after cleaning, is
    counted itself. Both give the same IKM and breakdown."""
    import dataclasses

    from surveyq import analyses

    answers = [("L", "4", "3", "1"), ("P", "3", None, "2"), ("L", "2", "4", "4"),
               ("P", None, None, None), ("P", "4", "4", "x"), ("L", "1", "2", "3")]
    run = _ikm_run(answers)
    assert analyses._clean_answers(run.responses) is not None  # the code path
    fast = analyses.ikm(run)
    copied = dataclasses.replace(run, responses=dataclasses.replace(
        run.responses, items=run.responses.items.copy()))
    assert analyses._clean_answers(copied.responses) is None  # the fallback
    _same_ikm(fast, analyses.ikm(copied))
    # by hand (the blank row excluded; U3 = 5 - x over 1, 2, 4, 3 -> 4, 3, 1, 2):
    # U1 4 + 3 + 2 + 4 + 1, U2 3 + 4 + 4 + 2: NRR 14/5, 13/4, 10/4;
    # IKM = (2.8 + 3.25 + 2.5) / 3 x 25
    assert fast["elements"]["nrr"].tolist() == [14 / 5, 13 / 4, 10 / 4]
    assert fast["summary"]["converted"] == pytest.approx((2.8 + 3.25 + 2.5) / 3 * 25)
    assert set(fast["by"]) == {"gender"}
    # a frame set after cleaning is read itself, not clean's codes
    changed = run.responses.items.copy()
    changed.iloc[0, 0] = 1.0
    run.responses.items = changed
    assert analyses._clean_answers(run.responses) is None
    assert analyses.ikm(run)["elements"]["nrr"].tolist() == [11 / 5, 13 / 4, 10 / 4]


def test_the_run_s_ikm_refuses_the_same_scales_either_way():
    """A five-point scale (clean's codes valid, not 1-4) fails with the same message from
    the codes and from the frame; a scale from 0 has no codes from clean (the frame is
    read) and fails as well."""
    import dataclasses

    from surveyq import analyses

    five = _ikm_run([("L", "5", "3", "1"), ("P", "2", "4", "3")], points=[1, 2, 3, 4, 5])
    assert analyses._clean_answers(five.responses) is not None
    with pytest.raises(InputError) as fast:
        analyses.ikm(five)
    copied = dataclasses.replace(five, responses=dataclasses.replace(
        five.responses, items=five.responses.items.copy()))
    with pytest.raises(InputError) as plain:
        analyses.ikm(copied)
    assert str(fast.value) == str(plain.value) and "'U1'" in str(fast.value)
    zero = _ikm_run([("L", "0", "3", "1"), ("P", "2", "1", "3")], points=[0, 1, 2, 3])
    assert analyses._clean_answers(zero.responses) is None
    with pytest.raises(InputError):
        analyses.ikm(zero)
