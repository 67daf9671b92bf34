"""Streaming readers (CSV, Parquet, Dask) give the Moments of the whole data in memory.

Integer codes make every sum exact, so streamed and in-memory Moments are compared bit for
bit; the R reference values (tests/reference, written by make_reference.R) are matched from
a streamed CSV. IKM and SERVQUAL from Moments are compared with their DataFrame paths.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from surveyq.errors import InputError
from surveyq.ikm import ikm
from surveyq.moments import Moments
from surveyq.reliability import cronbach_alpha
from surveyq.servqual import servqual, servqual_from_moments
from surveyq.streaming import moments_from_batches
from surveyq.validity import item_validity

REFERENCE = Path(__file__).parent / "reference"
FIELDS = ("gram", "item_count", "item_sum", "item_sumsq", "pair_count", "pair_sum",
          "pair_sumsq", "pair_cross")
ITEMS = ["Q1", "Q 2", "Q3", "Q4"]


def assert_same(left: Moments, right: Moments) -> None:
    assert left.items == right.items and left.n_rows == right.n_rows
    np.testing.assert_array_equal(left.shift, right.shift)
    for name in FIELDS:
        ours, theirs = getattr(left, name), getattr(right, name)
        if ours is None or theirs is None:
            assert ours is None and theirs is None, name
        else:
            np.testing.assert_array_equal(ours, theirs, err_msg=name)


def survey(n_rows: int = 300, seed: int = 7) -> pd.DataFrame:
    """Codes 1..5 with 8 % missing, plus a text column with commas and quotes."""
    rng = np.random.default_rng(seed)
    codes = rng.integers(1, 6, size=(n_rows, len(ITEMS))).astype(float)
    codes[rng.random(codes.shape) < 0.08] = np.nan
    frame = pd.DataFrame(codes, columns=ITEMS)
    frame.insert(1, "comment", [f'said "ok", row {i}' for i in range(n_rows)])
    return frame


@pytest.fixture(scope="module")
def answers() -> pd.DataFrame:
    return survey()


@pytest.fixture(scope="module")
def quoted_csv(tmp_path_factory, answers) -> Path:
    """Every field quoted, a UTF-8 byte-order mark, blanks and "NA" for missing."""
    path = tmp_path_factory.mktemp("csv") / "answers.csv"
    text = answers.astype(object).where(answers.notna(), None)
    text[ITEMS] = text[ITEMS].map(lambda v: "" if v is None else str(int(v)))
    text.loc[::17, "Q3"] = text.loc[::17, "Q3"].replace("", "NA")
    text.to_csv(path, index=False, quoting=csv.QUOTE_ALL, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    return path


# ---- CSV -------------------------------------------------------------------------------------


@pytest.mark.parametrize("chunksize", [1, 7, 1000])
@pytest.mark.parametrize("pairwise", [False, True])
def test_csv_equals_in_memory(quoted_csv, answers, chunksize, pairwise):
    streamed = Moments.from_csv(quoted_csv, ITEMS, chunksize=chunksize, pairwise=pairwise)
    assert_same(streamed, Moments.from_frame(answers[ITEMS], pairwise=pairwise))


@pytest.mark.parametrize("block_size", [1024, 1500, 4099])
def test_csv_block_boundaries_fall_anywhere(quoted_csv, answers, block_size):
    streamed = Moments.from_csv(quoted_csv, ITEMS, block_size=block_size, chunksize=13)
    assert_same(streamed, Moments.from_frame(answers[ITEMS], pairwise=False))


def test_csv_streams_more_than_one_batch_per_kernel_thread(tmp_path):
    frame = survey(4000, seed=3)[ITEMS]
    path = tmp_path / "big.csv"
    frame.to_csv(path, index=False)
    streamed = Moments.from_csv(path, ITEMS, block_size=2048, chunksize=50, threads=2)
    assert_same(streamed, Moments.from_frame(frame, pairwise=False))


def test_csv_line_endings_last_line_and_header_only(tmp_path):
    frame = pd.DataFrame({"Q1": [4, 5, np.nan, 2], "Q2": [3, 1, 4, np.nan]})
    expected = Moments.from_frame(frame, pairwise=False)
    crlf = tmp_path / "crlf.csv"
    crlf.write_bytes(b"Q1,Q2\r\n4,3\r\n5,1\r\n,4\r\n2,\r\n")
    unterminated = tmp_path / "unterminated.csv"
    unterminated.write_bytes(b"Q1,Q2\n4,3\n5,1\n,4\n2,")
    for path in (crlf, unterminated):
        assert_same(Moments.from_csv(path, ["Q1", "Q2"], block_size=1024), expected)
    header_only = tmp_path / "header.csv"
    header_only.write_text("Q1,Q2\n")
    assert Moments.from_csv(header_only, ["Q1", "Q2"]).n_rows == 0


def test_csv_with_line_breaks_inside_quoted_values(tmp_path, answers):
    path = tmp_path / "notes.csv"
    frame = answers.assign(comment=[f"line one\nline {i}" for i in range(len(answers))])
    frame.to_csv(path, index=False)
    streamed = Moments.from_csv(path, ITEMS, newlines_in_values=True, block_size=2048)
    assert_same(streamed, Moments.from_frame(answers[ITEMS], pairwise=False))


def test_csv_missing_and_valid_codes(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text("Q1,Q2\n1,9\n2,3\n0,4\n4,7\n5,5\n")
    expected = Moments.from_frame(pd.DataFrame({"Q1": [1, 2, np.nan, 4, 5],
                                                "Q2": [np.nan, 3, 4, np.nan, 5]}))
    assert_same(Moments.from_csv(path, ["Q1", "Q2"], missing_codes=[0, 9, 7], pairwise=True),
                expected)
    assert_same(Moments.from_csv(path, ["Q1", "Q2"], valid_codes=range(1, 6), pairwise=True),
                expected)


def test_csv_codes_that_need_an_offset(tmp_path):
    # 0..10 scale (0 is an answer) and a -3..3 item: shifted into 1..127 for the kernel.
    frame = pd.DataFrame({"Q1": [0, 10, 5, np.nan, 0], "Q2": [-3, 3, 0, 1, np.nan]})
    path = tmp_path / "wide.csv"
    frame.to_csv(path, index=False)
    assert_same(Moments.from_csv(path, ["Q1", "Q2"], pairwise=True), Moments.from_frame(frame))


def test_csv_non_integer_values_are_read_as_floats(tmp_path):
    frame = pd.DataFrame({"Q1": [3.5, 4.0, np.nan, 2.25, 5.0, 1.0],
                          "Q2": [3.0, 4.0, 1.0, 2.0, np.nan, 2.5]})
    path = tmp_path / "means.csv"
    frame.to_csv(path, index=False)
    streamed = Moments.from_csv(path, ["Q1", "Q2"], chunksize=2, pairwise=True)
    whole = Moments.from_frame(frame)
    np.testing.assert_allclose(streamed.means(), whole.means(), rtol=1e-12)
    np.testing.assert_allclose(streamed.covariance("pairwise"), whole.covariance("pairwise"),
                               rtol=1e-12)


def test_csv_errors(tmp_path, quoted_csv):
    with pytest.raises(InputError, match=r"\['Q9'\] are not in"):
        Moments.from_csv(quoted_csv, ["Q1", "Q9"])
    with pytest.raises(InputError, match="no such file"):
        Moments.from_csv(tmp_path / "absent.csv", ["Q1"])
    labels = tmp_path / "labels.csv"
    labels.write_text("Q1,Q2\n4,SS\n3,S\n")
    with pytest.raises(InputError, match="not a number.*codes first"):
        Moments.from_csv(labels, ["Q1", "Q2"])


# ---- Parquet and Arrow batches --------------------------------------------------------------


@pytest.mark.parametrize("arrow_type", [pa.int8(), pa.int64(), pa.float64()])
@pytest.mark.parametrize("chunksize", [7, 1000])
def test_parquet_with_row_groups_equals_in_memory(tmp_path, answers, arrow_type, chunksize):
    table = pa.table({item: pa.array(answers[item], pa.float64(), from_pandas=True)
                      .cast(arrow_type) for item in ITEMS})
    path = tmp_path / "answers.parquet"
    pq.write_table(table, path, row_group_size=64)
    assert pq.ParquetFile(path).num_row_groups == 5
    streamed = Moments.from_parquet(path, ITEMS, chunksize=chunksize, pairwise=True)
    assert_same(streamed, Moments.from_frame(answers[ITEMS]))


def test_parquet_errors(tmp_path):
    path = tmp_path / "labels.parquet"
    pq.write_table(pa.table({"Q1": [1, 2], "Q2": ["SS", "S"]}), path)
    with pytest.raises(InputError, match="'Q2' holds string"):
        Moments.from_parquet(path, ["Q1", "Q2"])
    with pytest.raises(InputError, match="not in"):
        Moments.from_parquet(path, ["Q3"])


def test_arrow_batches_and_tables(answers):
    table = pa.Table.from_pandas(answers[ITEMS], preserve_index=False)
    pieces = [table.slice(0, 100), table.slice(100, 150).to_batches()[0], table.slice(250)]
    assert_same(moments_from_batches(pieces, ITEMS),
                Moments.from_frame(answers[ITEMS], pairwise=False))


def test_empty_stream():
    empty = moments_from_batches([], ["Q1", "Q2"])
    assert empty.n_rows == 0 and empty.n_complete == 0


# ---- Dask -----------------------------------------------------------------------------------


@pytest.mark.parametrize("scheduler", ["synchronous", "threads"])
def test_dask_equals_in_memory(answers, scheduler):
    dd = pytest.importorskip("dask.dataframe")
    import dask

    frame = answers[ITEMS]
    with dask.config.set(scheduler=scheduler):
        result = Moments.from_dask(dd.from_pandas(frame, npartitions=11), ITEMS, pairwise=True)
    assert_same(result, Moments.from_frame(frame))


def test_dask_distributed_client_by_address(answers):
    pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("distributed")
    import dask.dataframe as dd

    frame = answers[ITEMS]
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster.scheduler_address):
        result = Moments.from_dask(dd.from_pandas(frame, npartitions=4), ITEMS)
    assert_same(result, Moments.from_frame(frame, pairwise=False))


# ---- statistics from streamed Moments against R (tests/reference) ---------------------------


@pytest.fixture(scope="module")
def bfi_agreeableness_csv(tmp_path_factory) -> Path:
    """psychTools::bfi scale A as the R script analysed it (A1 reversed as 7 - x)."""
    data = pd.read_csv(REFERENCE / "input_bfi.csv")[["A1", "A2", "A3", "A4", "A5"]]
    data["A1"] = 7 - data["A1"]
    path = tmp_path_factory.mktemp("bfi") / "bfi_a.csv"
    data.to_csv(path, index=False, na_rep="NA")
    return path


def psych_reference(missing: str) -> tuple[dict, pd.DataFrame]:
    table = pd.read_csv(REFERENCE / "expected_psych.csv", keep_default_na=False,
                        na_values={"value": ["NA"]})
    rows = table[(table["dataset"] == "bfi") & (table["scale"] == "A")
                 & (table["missing"] == missing)]
    totals = dict(zip(rows.loc[rows["item"] == "", "statistic"],
                      rows.loc[rows["item"] == "", "value"], strict=True))
    items = rows[rows["item"] != ""].pivot(index="item", columns="statistic", values="value")
    return totals, items


@pytest.mark.parametrize("missing", ["listwise", "pairwise"])
def test_streamed_reliability_matches_psych(bfi_agreeableness_csv, missing):
    moments = Moments.from_csv(bfi_agreeableness_csv, ["A1", "A2", "A3", "A4", "A5"],
                               chunksize=333, pairwise=(missing == "pairwise"))
    result = cronbach_alpha(moments, missing=missing)
    totals, items = psych_reference(missing)
    assert result.n == totals["n"]
    for ours, theirs in [(result.alpha, "raw_alpha"), (result.std_alpha, "std_alpha"),
                         (result.ci[0], "feldt_lower"), (result.ci[1], "feldt_upper")]:
        assert ours == pytest.approx(totals[theirs], abs=1e-10)
    table = result.item_total
    for column, statistic in [("alpha_if_deleted", "alpha_drop_raw"),
                              ("corrected_item_total_r", "r_drop"), ("mean", "mean")]:
        np.testing.assert_allclose(table[column], items.loc[table.index, statistic],
                                   rtol=1e-12, atol=1e-10)


def test_streamed_validity_matches_r(bfi_agreeableness_csv):
    reference = pd.read_csv(REFERENCE / "expected_validity.csv")
    reference = reference[(reference["dataset"] == "bfi") & (reference["scale"] == "A")
                          & (reference["missing"] == "listwise")]
    moments = Moments.from_csv(bfi_agreeableness_csv, ["A1", "A2", "A3", "A4", "A5"],
                               chunksize=1000)
    for against, corrected in [("total", False), ("rest", True)]:
        expected = reference[reference["against"] == against].set_index("item")
        ours = item_validity(moments, corrected=corrected)
        np.testing.assert_allclose(ours["r"], expected.loc[ours.index, "r"], rtol=1e-12)
        np.testing.assert_allclose(ours["p_value"], expected.loc[ours.index, "p_two_sided"],
                                   rtol=1e-9, atol=1e-300)
        assert (ours["n"] == expected.loc[ours.index, "n"]).all()


# ---- IKM and SERVQUAL from Moments ----------------------------------------------------------


def skm_answers(missing: bool) -> pd.DataFrame:
    rng = np.random.default_rng(11)
    frame = pd.DataFrame(rng.integers(1, 5, size=(200, 9)),
                         columns=[f"U{j}" for j in range(1, 10)]).astype(float)
    if missing:
        frame = frame.mask(rng.random(frame.shape) < 0.1)
    return frame


@pytest.mark.parametrize("missing", [False, True])
@pytest.mark.parametrize(("standard", "mode"), [("permenpanrb-14-2017", None),
                                                ("permenpanrb-14-2017", "0.111"),
                                                ("kep25-2004", "exact")])
def test_ikm_from_moments_equals_the_frame(tmp_path, missing, standard, mode):
    frame = skm_answers(missing)
    path = tmp_path / "skm.csv"
    frame.to_csv(path, index=False)
    streamed = Moments.from_csv(path, list(frame.columns), valid_codes=[1, 2, 3, 4])
    ours, theirs = ikm(streamed, standard, mode), ikm(frame, standard, mode)
    pd.testing.assert_frame_equal(ours.elements, theirs.elements, check_exact=False,
                                  rtol=1e-13, check_index_type=False)
    assert ours.index == pytest.approx(theirs.index, rel=1e-13)
    assert (ours.band, ours.n) == (theirs.band, theirs.n)


def test_ikm_from_moments_notes_rows_without_any_answer():
    frame = pd.DataFrame({"U1": [4, np.nan, 3], "U2": [3, np.nan, 2]})
    result = ikm(Moments.from_frame(frame))
    assert result.n == 3 and ikm(frame).n == 2
    assert "between 2 and 3 respondents" in result.notes[0]
    with pytest.raises(InputError, match="outside 1-4"):
        ikm(Moments.from_frame(pd.DataFrame({"U1": [4, 5, 3], "U2": [1, 2, 3]})))


@pytest.mark.parametrize("missing", [False, True])
def test_servqual_from_moments_equals_the_frames(missing):
    rng = np.random.default_rng(5)
    both = pd.DataFrame(rng.integers(1, 6, size=(150, 8)),
                        columns=[f"P{j}" for j in range(4)] + [f"E{j}" for j in range(4)])
    both = both.astype(float).mask(rng.random(both.shape) < (0.1 if missing else 0))
    perception = both[[f"P{j}" for j in range(4)]]
    expectation = both[[f"E{j}" for j in range(4)]].set_axis(perception.columns, axis=1)
    dimensions = {"P0": "tangibles", "P1": "tangibles", "P2": "empathy", "P3": "empathy"}
    expected = servqual(perception, expectation, dimensions=dimensions)
    ours = servqual_from_moments(Moments.from_frame(both), list(perception.columns),
                                 [f"E{j}" for j in range(4)], dimensions=dimensions)
    columns = [c for c in expected.items.columns if not c.startswith("wilcoxon")]
    pd.testing.assert_frame_equal(ours.items[columns], expected.items[columns],
                                  check_exact=False, rtol=1e-10, check_dtype=False)
    assert ours.items["wilcoxon_p"].isna().all()
    if missing:
        assert ours.dimensions.empty
    else:
        columns = [c for c in expected.dimensions.columns if not c.startswith("wilcoxon")]
        pd.testing.assert_frame_equal(ours.dimensions[columns], expected.dimensions[columns],
                                      check_exact=False, rtol=1e-10, check_dtype=False)
        assert ours.overall["unweighted"] == pytest.approx(expected.overall["unweighted"])


def test_servqual_from_listwise_moments_needs_pairs_under_missing_data():
    both = pd.DataFrame({"P": [4, 5, np.nan, 3], "E": [3, 4, 4, np.nan]})
    listwise = servqual_from_moments(Moments.from_frame(both, pairwise=False), ["P"], ["E"])
    assert np.isnan(listwise.items.loc["P", "gap"])
    assert listwise.items.loc["P", "p_mean"] == 4.0
    assert any("pairwise=True" in note for note in listwise.notes)
