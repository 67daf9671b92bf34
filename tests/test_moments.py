"""Tests for surveyq.moments: one-pass sums, merging, and the statistics derived from them.

Expected values come from hand calculations written out below or from R (cov / cor, written
by tests/reference/make_reference.R into tests/reference/expected_matrices.csv).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surveyq.errors import AnalysisError, InputError
from surveyq.moments import Moments

REFERENCE = Path(__file__).parent / "reference"
# psychTools::bfi.keys for scale A: A1 is reverse-keyed (7 - x on the 1..6 scale).
BFI_A_KEYS = {"A1": -1, "A2": 1, "A3": 1, "A4": 1, "A5": 1}


def bfi_agreeableness() -> pd.DataFrame:
    data = pd.read_csv(REFERENCE / "input_bfi.csv")[list(BFI_A_KEYS)]
    reversed_items = [item for item, key in BFI_A_KEYS.items() if key < 0]
    data[reversed_items] = 7 - data[reversed_items]
    return data


def r_matrix(dataset: str, missing: str, kind: str) -> pd.DataFrame:
    table = pd.read_csv(REFERENCE / "expected_matrices.csv")
    rows = table[(table["dataset"] == dataset) & (table["missing"] == missing)
                 & (table["kind"] == kind)]
    return rows.pivot(index="row", columns="column", values="value")


SMALL = pd.DataFrame({"Q1": [4.0, 5.0, np.nan, 2.0], "Q2": [3.0, 5.0, 4.0, 2.0]})


class TestFromFrame:
    def test_sums_by_hand(self):
        # Default shift: each item's mean rounded: Q1 (4+5+2)/3 = 3.67 -> 4; Q2 14/4 = 3.5 -> 4
        # (numpy rounds half to even).
        m = Moments.from_frame(SMALL)
        assert m.items == ("Q1", "Q2")
        np.testing.assert_array_equal(m.shift, [4.0, 4.0])
        assert m.n_rows == 4 and m.n_complete == 3
        # Complete rows 1, 2, 4 centred: Q1 0, 1, -2; Q2 -1, 1, -2.
        expected_gram = [[3, -1, -2],
                         [-1, 0 + 1 + 4, 0 + 1 + 4],
                         [-2, 0 + 1 + 4, 1 + 1 + 4]]
        np.testing.assert_array_equal(m.gram, expected_gram)
        np.testing.assert_array_equal(m.item_count, [3, 4])
        np.testing.assert_array_equal(m.item_sum, [-1, -2])  # Q2 centred: -1, 1, 0, -2
        np.testing.assert_array_equal(m.item_sumsq, [5, 6])

    def test_pairwise_sums_by_hand(self):
        m = Moments.from_frame(SMALL)
        np.testing.assert_array_equal(m.pair_count, [[3, 3], [3, 4]])
        # pair_sum[i, j]: sum of centred item i over rows where i and j were both answered.
        np.testing.assert_array_equal(m.pair_sum, [[-1, -1], [-2, -2]])
        np.testing.assert_array_equal(m.pair_sumsq, [[5, 5], [6, 6]])
        np.testing.assert_array_equal(m.pair_cross, [[5, 5], [5, 6]])

    def test_means_available_and_listwise(self):
        m = Moments.from_frame(SMALL)
        # Available: Q1 11/3, Q2 14/4. Listwise (rows 1, 2, 4): Q1 11/3, Q2 10/3.
        np.testing.assert_allclose(m.means(), [11 / 3, 3.5], rtol=0, atol=1e-15)
        np.testing.assert_allclose(m.means("pairwise"), [11 / 3, 3.5], rtol=0, atol=1e-15)
        np.testing.assert_allclose(m.means("listwise"), [11 / 3, 10 / 3], rtol=0, atol=1e-15)
        assert m.counts().tolist() == [3, 4]
        assert m.counts("listwise").tolist() == [3, 3]

    def test_covariance_by_hand(self):
        m = Moments.from_frame(SMALL)
        # Listwise rows: Q1 4, 5, 2 (mean 11/3), Q2 3, 5, 2 (mean 10/3).
        # Deviations Q1 1/3, 4/3, -5/3; Q2 -1/3, 5/3, -4/3.
        # var Q1 = (1 + 16 + 25)/9/2 = 7/3; var Q2 = (1 + 25 + 16)/9/2 = 7/3;
        # cov = (-1 + 20 + 20)/9/2 = 13/6.
        expected = [[7 / 3, 13 / 6], [13 / 6, 7 / 3]]
        np.testing.assert_allclose(m.covariance(), expected, rtol=0, atol=1e-14)
        # Pairwise: var Q2 over its 4 answers 3, 5, 4, 2 (mean 3.5) = (0.25+2.25+0.25+2.25)/3
        expected_pairwise = [[7 / 3, 13 / 6], [13 / 6, 5 / 3]]
        np.testing.assert_allclose(m.covariance("pairwise"), expected_pairwise, atol=1e-14)
        np.testing.assert_allclose(m.correlation().to_numpy()[0, 1], 13 / 14, atol=1e-15)

    def test_shift_given_as_scale_midpoint(self):
        m = Moments.from_frame(SMALL, shift=3)
        np.testing.assert_array_equal(m.shift, [3.0, 3.0])
        # Q2 centred on 3: 0, 2, 1, -1.
        np.testing.assert_array_equal(m.item_sum[1], 2.0)
        np.testing.assert_allclose(m.means(), [11 / 3, 3.5], atol=1e-15)

    def test_nullable_integer_columns(self):
        data = pd.DataFrame({"Q1": pd.array([4, 5, None, 2], dtype="Int64"),
                             "Q2": pd.array([3, 5, 4, 2], dtype="Int64")})
        m = Moments.from_frame(data)
        assert m.n_complete == 3
        np.testing.assert_array_equal(m.gram, Moments.from_frame(SMALL).gram)

    def test_item_with_no_answers_has_nan_mean(self):
        data = SMALL.assign(Q3=np.nan)
        m = Moments.from_frame(data)
        assert m.shift[2] == 0.0 and m.n_complete == 0
        assert np.isnan(m.means()["Q3"])

    def test_empty_frame(self):
        m = Moments.from_frame(SMALL.iloc[:0])
        assert m.n_rows == 0 and m.n_complete == 0
        total = m + Moments.from_frame(SMALL)
        assert total.n_rows == 4

    def test_without_pairwise(self):
        m = Moments.from_frame(SMALL, pairwise=False)
        assert not m.has_pairwise and m.pair_count is None
        with pytest.raises(InputError, match="pairwise=True"):
            m.covariance("pairwise")
        np.testing.assert_allclose(m.covariance(), Moments.from_frame(SMALL).covariance())

    def test_arrays_are_read_only(self):
        m = Moments.from_frame(SMALL)
        with pytest.raises(ValueError):
            m.gram[0, 0] = 99

    def test_repr(self):
        assert repr(Moments.from_frame(SMALL)) == (
            "Moments(k=2, n_rows=4, n_complete=3, pairwise=True, items=['Q1', 'Q2'])")


class TestAgainstR:
    @pytest.mark.parametrize("missing", ["listwise", "pairwise"])
    @pytest.mark.parametrize("kind", ["cov", "cor"])
    def test_bfi_agreeableness(self, missing, kind):
        data = bfi_agreeableness()
        m = Moments.from_frame(data)
        ours = m.covariance(missing) if kind == "cov" else m.correlation(missing)
        expected = r_matrix("bfi", missing, kind).loc[list(data), list(data)]
        np.testing.assert_allclose(ours.to_numpy(), expected.to_numpy(), rtol=0, atol=1e-12)

    @pytest.mark.parametrize("missing", ["listwise", "pairwise"])
    def test_attitude_complete_data(self, missing):
        data = pd.read_csv(REFERENCE / "input_attitude.csv")
        m = Moments.from_frame(data)
        expected = r_matrix("attitude", missing, "cov").loc[list(data), list(data)]
        np.testing.assert_allclose(m.covariance(missing).to_numpy(), expected.to_numpy(),
                                   rtol=1e-13, atol=1e-11)


class TestMerge:
    def test_merge_equals_concatenation_by_hand(self):
        first, second = SMALL.iloc[:2], SMALL.iloc[2:]
        merged = Moments.from_frame(first) + Moments.from_frame(second)
        whole = Moments.from_frame(SMALL, shift=merged.shift)
        for name in ("gram", "item_count", "item_sum", "item_sumsq", "pair_count",
                     "pair_sum", "pair_sumsq", "pair_cross"):
            np.testing.assert_array_equal(getattr(merged, name), getattr(whole, name))
        assert merged.n_rows == 4

    def test_sum_of_parts(self):
        parts = [Moments.from_frame(SMALL.iloc[[i]]) for i in range(4)]
        merged = sum(parts)
        np.testing.assert_allclose(merged.covariance("pairwise"),
                                   [[7 / 3, 13 / 6], [13 / 6, 5 / 3]], atol=1e-14)

    def test_different_shifts_are_reconciled(self):
        low = Moments.from_frame(SMALL.iloc[:2], shift=[1, -7])
        high = Moments.from_frame(SMALL.iloc[2:], shift=[5, 9.5])
        merged = low + high
        np.testing.assert_array_equal(merged.shift, [1, -7])
        np.testing.assert_allclose(merged.covariance(), [[7 / 3, 13 / 6], [13 / 6, 7 / 3]],
                                   atol=1e-13)
        np.testing.assert_allclose(merged.means(), [11 / 3, 3.5], atol=1e-14)

    def test_merge_drops_pairwise_if_one_part_lacks_it(self):
        merged = (Moments.from_frame(SMALL.iloc[:2])
                  + Moments.from_frame(SMALL.iloc[2:], pairwise=False))
        assert not merged.has_pairwise

    def test_different_items_are_an_error(self):
        other = SMALL.rename(columns={"Q2": "Q9"})
        with pytest.raises(InputError, match=r"only in the left \['Q2'\].*\['Q9'\]"):
            Moments.from_frame(SMALL) + Moments.from_frame(other)

    def test_different_item_order_is_an_error(self):
        with pytest.raises(InputError, match="different order"):
            Moments.from_frame(SMALL) + Moments.from_frame(SMALL[["Q2", "Q1"]])

    def test_adding_something_else_is_a_type_error(self):
        with pytest.raises(TypeError):
            Moments.from_frame(SMALL) + 1


@st.composite
def frames_with_splits(draw):
    n_rows = draw(st.integers(min_value=0, max_value=40))
    k = draw(st.integers(min_value=1, max_value=5))
    cells = st.one_of(st.none(), st.integers(min_value=1, max_value=5))
    values = draw(st.lists(st.lists(cells, min_size=k, max_size=k), min_size=n_rows,
                           max_size=n_rows))
    frame = pd.DataFrame(values, columns=[f"Q{j}" for j in range(k)], dtype=float)
    cuts = sorted(draw(st.lists(st.integers(min_value=0, max_value=n_rows), max_size=3)))
    return frame, cuts


@settings(max_examples=60, deadline=None)
@given(frames_with_splits())
def test_merged_parts_equal_moments_of_concatenation(case):
    frame, cuts = case
    bounds = [0, *cuts, len(frame)]
    parts = [Moments.from_frame(frame.iloc[start:stop])
             for start, stop in zip(bounds[:-1], bounds[1:], strict=True)]
    merged = sum(parts)
    whole = Moments.from_frame(frame, shift=merged.shift)
    # Integer codes with integer shifts: every sum is exact, so the arrays are identical.
    for name in ("gram", "item_count", "item_sum", "item_sumsq", "pair_count", "pair_sum",
                 "pair_sumsq", "pair_cross"):
        np.testing.assert_array_equal(getattr(merged, name), getattr(whole, name), err_msg=name)
    assert merged.n_rows == len(frame)


@settings(max_examples=30, deadline=None)
@given(frames_with_splits(), st.floats(min_value=-1e3, max_value=1e3))
def test_merge_of_non_integer_data_matches_concatenation(case, offset):
    frame, cuts = case
    frame = frame * 0.37 + offset
    bounds = [0, *cuts, len(frame)]
    merged = sum(Moments.from_frame(frame.iloc[start:stop])
                 for start, stop in zip(bounds[:-1], bounds[1:], strict=True))
    whole = Moments.from_frame(frame)
    np.testing.assert_allclose(merged.means(), whole.means(), rtol=1e-12)
    if whole.n_complete >= 2:
        np.testing.assert_allclose(merged.covariance(), whole.covariance(), rtol=1e-9,
                                   atol=1e-9)


def test_ten_million_rows_lose_no_precision():
    # 10 answers around a large offset, replicated 2**20 times (10,485,760 rows) by merging.
    # Replicating rows c times leaves the means and correlations unchanged and multiplies
    # each covariance by c (n - 1) / (c n - 1), n = 10 (hand-derivable from the definition).
    small = pd.DataFrame({"Q1": [4, 5, 3, 4, 2, 5, 1, 3, 4, 5],
                          "Q2": [4, 4, 3, 5, 2, 4, 2, 3, 3, 5]}, dtype=float) + 1e6
    big = Moments.from_frame(small)
    for _ in range(20):
        big = big + big
    assert big.n_complete == 10 * 2**20
    # Means by hand: Q1 36/10, Q2 35/10.
    np.testing.assert_allclose(big.means() - 1e6, [3.6, 3.5], rtol=0, atol=1e-9)
    # Hand: deviations Q1 .4 1.4 -.6 .4 -1.6 1.4 -2.6 -.6 .4 1.4 (SS 16.4);
    # Q2 .5 .5 -.5 1.5 -1.5 .5 -1.5 -.5 -.5 1.5 (SS 10.5); cross products sum 11.
    np.testing.assert_allclose(big.correlation().to_numpy()[0, 1], 11 / np.sqrt(16.4 * 10.5),
                               rtol=1e-14)
    c, n = 2**20, 10
    expected_var_q1 = 16.4 / 9 * c * (n - 1) / (c * n - 1)
    np.testing.assert_allclose(big.covariance().to_numpy()[0, 0], expected_var_q1, rtol=1e-14)


class TestBadInput:
    def test_not_a_frame(self):
        with pytest.raises(InputError, match="DataFrame"):
            Moments.from_frame(np.ones((3, 2)))

    def test_text_column(self):
        data = SMALL.assign(Q3=["SS", "S", "N", "TS"])
        with pytest.raises(InputError, match="'Q3' is not numeric.*codes"):
            Moments.from_frame(data)

    def test_duplicate_columns(self):
        with pytest.raises(InputError, match="duplicate"):
            Moments.from_frame(pd.DataFrame([[1, 2]], columns=["Q1", "Q1"]))

    def test_infinite_value(self):
        with pytest.raises(InputError, match="'Q2' holds an infinite"):
            Moments.from_frame(SMALL.assign(Q2=[1, 2, np.inf, 3]))

    def test_bad_shift(self):
        with pytest.raises(InputError, match="finite"):
            Moments.from_frame(SMALL, shift=[np.nan, 1])

    def test_bad_rule(self):
        with pytest.raises(InputError, match="missing must be one of"):
            Moments.from_frame(SMALL).means("everything")

    def test_covariance_needs_two_complete_rows(self):
        with pytest.raises(AnalysisError, match="at least 2"):
            Moments.from_frame(SMALL.iloc[:1]).covariance()
