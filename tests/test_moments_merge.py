"""Merging Moments: the moments of random splits, added with ``+``, equal the whole.

Also checks the integer kernel of ``Moments.from_frame`` / ``from_array`` against the float64
path it replaces (methods.md "Computation" approach (c): exact integer sums, so bit-identical).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surveyq import moments as moments_module
from surveyq.errors import InputError
from surveyq.moments import Moments, _float_moments

FIELDS = ("gram", "item_count", "item_sum", "item_sumsq", "pair_count", "pair_sum",
          "pair_sumsq", "pair_cross")


def assert_same(left: Moments, right: Moments) -> None:
    """Bit-identical moments (integer codes make every sum exact)."""
    assert left.items == right.items
    assert left.n_rows == right.n_rows
    np.testing.assert_array_equal(left.shift, right.shift)
    for name in FIELDS:
        ours, theirs = getattr(left, name), getattr(right, name)
        if ours is None or theirs is None:
            assert ours is None and theirs is None, name
        else:
            np.testing.assert_array_equal(ours, theirs, err_msg=name)


@st.composite
def coded_frames(draw, max_rows: int = 60):
    """Integer codes (some ranges need an offset, e.g. 0..10 or -3..3) with NaN holes."""
    n_rows = draw(st.integers(min_value=0, max_value=max_rows))
    k = draw(st.integers(min_value=1, max_value=6))
    low = draw(st.sampled_from([1, 0, -3, 1, 100]))
    high = low + draw(st.sampled_from([1, 4, 6, 10, 126]))
    cells = st.one_of(st.none(), st.integers(min_value=low, max_value=high))
    rows = draw(st.lists(st.lists(cells, min_size=k, max_size=k), min_size=n_rows,
                         max_size=n_rows))
    return pd.DataFrame(rows, columns=[f"Q{j}" for j in range(k)], dtype=float)


@st.composite
def frames_and_cuts(draw):
    frame = draw(coded_frames())
    cuts = sorted(draw(st.lists(st.integers(min_value=0, max_value=len(frame)), max_size=4)))
    return frame, [0, *cuts, len(frame)]


@settings(max_examples=40, deadline=None)
@given(frames_and_cuts(), st.booleans())
def test_merged_random_splits_equal_the_whole(case, pairwise):
    frame, bounds = case
    parts = [Moments.from_frame(frame.iloc[start:stop], pairwise=pairwise)
             for start, stop in zip(bounds[:-1], bounds[1:], strict=True)]
    merged = sum(parts)
    whole = Moments.from_frame(frame, pairwise=pairwise)
    assert_same(merged.with_shift(whole.shift), whole)


@settings(max_examples=25, deadline=None)
@given(frames_and_cuts())
def test_merge_is_associative_and_order_free_in_its_statistics(case):
    frame, bounds = case
    parts = [Moments.from_frame(frame.iloc[start:stop])
             for start, stop in zip(bounds[:-1], bounds[1:], strict=True)]
    forward, backward = sum(parts), sum(reversed(parts))
    assert_same(backward.with_shift(forward.shift), forward)


@settings(max_examples=40, deadline=None)
@given(coded_frames(), st.booleans())
def test_integer_kernel_equals_the_float64_path(frame, pairwise):
    fast = Moments.from_frame(frame, pairwise=pairwise)
    slow = _float_moments(tuple(frame.columns), frame.to_numpy(float), fast.shift, pairwise)
    assert_same(fast, slow)


@settings(max_examples=25, deadline=None)
@given(coded_frames(), st.integers(min_value=1, max_value=9))
def test_kernel_blocks_and_threads_do_not_change_the_sums(frame, block_rows):
    reference = Moments.from_frame(frame)
    saved = moments_module.KERNEL_BLOCK_ROWS, moments_module.KERNEL_THREADS
    try:
        moments_module.KERNEL_BLOCK_ROWS, moments_module.KERNEL_THREADS = block_rows, 2
        assert_same(Moments.from_frame(frame), reference)
    finally:
        moments_module.KERNEL_BLOCK_ROWS, moments_module.KERNEL_THREADS = saved


@settings(max_examples=20, deadline=None)
@given(frames_and_cuts(), st.floats(min_value=-50, max_value=50))
def test_non_integer_data_merge_to_rounding(case, offset):
    frame, bounds = case
    frame = frame * 0.37 + offset
    merged = sum(Moments.from_frame(frame.iloc[start:stop])
                 for start, stop in zip(bounds[:-1], bounds[1:], strict=True))
    whole = Moments.from_frame(frame)
    np.testing.assert_allclose(merged.means(), whole.means(), rtol=1e-12, atol=1e-12)
    if whole.n_complete >= 2:
        np.testing.assert_allclose(merged.covariance(), whole.covariance(), rtol=1e-9,
                                   atol=1e-9)


class TestFromArray:
    CODES = np.array([[4, 4, 0], [5, 0, 3], [3, 2, 1], [1, 5, 5]], dtype=np.int8)

    def test_int8_with_zero_missing_equals_the_frame(self):
        frame = pd.DataFrame(self.CODES, columns=["a", "b", "c"]).replace(0, np.nan)
        for layout in (self.CODES, np.asfortranarray(self.CODES)):
            ours = Moments.from_array(layout, ["a", "b", "c"], missing_codes=[0],
                                      pairwise=True)
            assert_same(ours, Moments.from_frame(frame))

    def test_missing_and_valid_codes(self):
        values = np.array([[1, 9], [2, 3], [9, 4], [4, 7]])
        frame = pd.DataFrame([[1, np.nan], [2, 3], [np.nan, 4], [4, np.nan]], columns=["0", "1"])
        by_missing = Moments.from_array(values, missing_codes=[9, 7], pairwise=True)
        by_valid = Moments.from_array(values, valid_codes=[1, 2, 3, 4], pairwise=True)
        assert_same(by_missing, Moments.from_frame(frame))
        assert_same(by_valid, Moments.from_frame(frame))

    def test_frame_missing_codes(self):
        frame = pd.DataFrame({"Q1": [1, 0, 3], "Q2": [2, 2, 0]})
        expected = Moments.from_frame(frame.replace(0, np.nan))
        assert_same(Moments.from_frame(frame, missing_codes=[0]), expected)

    def test_wide_codes_take_the_float_path(self):
        values = np.array([[1.0, 300.0], [2.0, 5.0], [4.0, 1000.0]])
        ours = Moments.from_array(values, pairwise=True)
        expected = _float_moments(("0", "1"), values, ours.shift, True)
        assert_same(ours, expected)

    def test_bad_input(self):
        with pytest.raises(InputError, match="2-D"):
            Moments.from_array(np.ones(3))
        with pytest.raises(InputError, match="item name"):
            Moments.from_array(np.ones((2, 2)), ["a"])
        with pytest.raises(InputError, match="numeric"):
            Moments.from_array(np.array([["a", "b"]]))
        with pytest.raises(InputError, match="infinite"):
            Moments.from_array(np.array([[1.0, np.inf]]))
