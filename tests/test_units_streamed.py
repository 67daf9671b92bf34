"""Per-unit IKM from grouped sums (issue 16 item 6): batches, streamed and Dask passes give
the figures of the rows in memory, and the planted units keep their hand-computed values."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from surveyq.moments import Moments
from surveyq.pipeline import run_project
from surveyq.units import UnitMoments, UnitSums, ikm_units
from tests.test_units import planted_city, write_city_project


def test_grouped_sums_of_a_planted_unit_by_hand():
    answers, units, _ = planted_city()
    grouped = UnitMoments.from_frame(answers, units)
    b = grouped.moments["P-B"].with_shift(0)
    # P-B: 5 respondents answer 4 everywhere, 5 answer 3: n = 10, each element's sum
    # 5 x 4 + 5 x 3 = 35, sum of squares 5 x 16 + 5 x 9 = 125, every cross-product 125 too.
    assert b.n_rows == 10 and b.n_complete == 10
    assert b.item_sum.tolist() == [35.0] * 9
    assert b.item_sumsq.tolist() == [125.0] * 9
    assert (b.pair_cross == 125).all() and (b.pair_count == 10).all()
    assert b.gram[0, 0] == 10 and (b.gram[1:, 1:] == 125).all()
    assert grouped.unassigned == 0 and len(grouped.moments) == 30


def test_grouped_sums_with_missing_answers_equal_moments_of_each_unit():
    rng = np.random.default_rng(4)
    values = rng.integers(1, 5, size=(400, 9)).astype(float)
    values[rng.random(values.shape) < 0.15] = np.nan
    values[7] = np.nan  # a row with no answer: no respondent of its unit
    answers = pd.DataFrame(values, columns=[f"U{i}" for i in range(1, 10)])
    units = pd.Series(rng.choice(["a", "b", "c", None], size=400), dtype=object)
    grouped = UnitMoments.from_frame(answers, units)
    for name, moments in grouped.moments.items():
        rows = answers[units == name].dropna(how="all")
        alone = Moments.from_frame(rows)
        assert moments.n_rows == len(rows) and moments.n_complete == len(rows.dropna())
        np.testing.assert_allclose(moments.means(), rows.mean())
        np.testing.assert_allclose(moments.covariance("pairwise"), rows.cov(), atol=1e-12)
        np.testing.assert_array_equal(moments.pair_count, alone.pair_count)
    assert grouped.unassigned == int((units.isna() & answers.notna().any(axis=1)).sum())


def test_batches_merged_equal_one_pass():
    answers, units, populations = planted_city()
    codes = answers.to_numpy().astype(np.int8).T
    halves = []
    for part in (slice(0, 333), slice(333, None)):  # units split across the two batches
        sums = UnitSums(tuple(answers.columns), 4)
        sums.add(units.to_numpy(dtype=object)[part], codes[:, part])
        halves.append(sums)
    merged = halves[1].merge(halves[0]).result()  # merged out of order: matched by name
    whole = ikm_units(answers, units, populations, min_n=10)
    batched = ikm_units(merged, None, populations, min_n=10)
    pd.testing.assert_frame_equal(batched.units, whole.units, check_exact=False, rtol=1e-12)
    assert batched.aggregate["converted"] == pytest.approx(whole.aggregate["converted"])


def _units_block(folder):
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    survey = results["surveys"]["skm"]
    return survey.get("mode"), survey["analyses"]["ikm"]["units"]


def _same_units(streamed: dict, memory: dict) -> None:
    assert "error" not in streamed, streamed.get("error")
    rows = {row["unit"]: row for row in streamed["units"]}
    assert [row["unit"] for row in streamed["units"]] == [row["unit"] for row in memory["units"]]
    for row in memory["units"]:
        other = rows[row["unit"]]
        for key in ("n", "converted", "se", "low", "high", "p_in_band", "rest_converted",
                    "diff_low", "diff_high"):
            assert other[key] == pytest.approx(row[key], rel=1e-9, nan_ok=True), key
        for key in ("band", "differs", "lowest_elements", "rank", "below_min_n"):
            assert other[key] == row[key], key
    assert streamed["aggregate"]["converted"] == pytest.approx(
        memory["aggregate"]["converted"])
    assert streamed["aggregate"]["se"] == pytest.approx(memory["aggregate"]["se"])
    assert streamed["nrr"] == memory["nrr"]


@pytest.fixture(scope="module")
def in_memory(tmp_path_factory):
    folder = tmp_path_factory.mktemp("memory")
    path, *_ = write_city_project(folder, previous=True)
    run_project(path, folder / "out")
    return _units_block(folder / "out")[1]


def _planted(block: dict) -> None:
    rows = {row["unit"]: row for row in block["units"]}
    # the planted units (by hand in tests/test_units.py): 100, 87.5, 75, 50, 34/9 x 25
    assert [rows[u]["converted"] for u in ("P-A", "P-B", "P-C", "P-D")] == \
        pytest.approx([100.0, 87.5, 75.0, 50.0])
    assert rows["P-U5"]["converted"] == pytest.approx(34 / 9 * 25)
    assert rows["P-B"]["se"] == pytest.approx(12.5 / 3)
    change = {row["unit"]: row for row in block["change"]["2025"]}
    assert change["P-C"]["change"] == pytest.approx(25.0)  # 75 now, 50 in 2025


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_streamed_per_unit_figures_equal_in_memory(tmp_path, in_memory, fmt):
    path, *_ = write_city_project(tmp_path, previous=True, survey={"stream": True})
    if fmt == "parquet":
        for name in ("city", "city-2025"):
            frame = pd.read_csv(tmp_path / f"{name}.csv")
            frame.to_parquet(tmp_path / f"{name}.parquet", index=False)
        text = path.read_text(encoding="utf-8").replace(".csv", ".parquet")
        path.write_text(text, encoding="utf-8")
    run_project(path, tmp_path / "out")
    mode, block = _units_block(tmp_path / "out")
    assert mode == "streamed"
    _same_units(block, in_memory)
    _planted(block)


def test_dask_per_unit_figures_equal_in_memory(tmp_path, in_memory):
    pytest.importorskip("dask.dataframe")
    path, *_ = write_city_project(tmp_path, previous=True, survey={"stream": True},
                                  settings={"streaming": {"dask_scheduler": "synchronous"}})
    run_project(path, tmp_path / "out")
    mode, block = _units_block(tmp_path / "out")
    assert mode == "streamed"
    _same_units(block, in_memory)
    _planted(block)


def test_streamed_rows_without_a_unit_are_counted(tmp_path):
    path, answers, units = write_city_project(tmp_path, survey={"stream": True})
    frame = pd.read_csv(tmp_path / "city.csv")
    frame.loc[[0, 1], "Unit Layanan"] = ""  # two P-A respondents lose their unit
    frame.to_csv(tmp_path / "city.csv", index=False)
    run_project(path, tmp_path / "out")
    _, block = _units_block(tmp_path / "out")
    rows = {row["unit"]: row for row in block["units"]}
    assert rows["P-A"]["n"] == 10
    assert any("2 respondent(s) without a unit" in note for note in block["notes"])
    values = answers.to_numpy()[2:]  # the pooled figure leaves them out
    assert block["aggregate"]["converted"] == pytest.approx(
        25 * (values.sum(axis=0) / len(values)).sum() / 9)


def _stream_per_unit_files(folder, settings: dict | None = None):
    """The city as one export per unit, earlier period too, with `stream: true`."""
    import yaml

    from tests.test_units import write_per_unit_files

    path, answers, units = write_per_unit_files(folder, previous=True)
    project = yaml.safe_load(path.read_text(encoding="utf-8"))
    project["surveys"]["skm"]["stream"] = True
    project.update(settings or {})
    path.write_text(yaml.safe_dump(project, allow_unicode=True), encoding="utf-8")
    return path, answers, units


@pytest.mark.parametrize("scheduler", [None, "synchronous"])
def test_one_file_per_unit_streamed_equals_in_memory(tmp_path, in_memory, scheduler):
    """`stream: true` beside `units.files` (once refused): every unit's file goes through
    the streamed pass with its unit as a constant; the figures equal the in-memory run of
    the single file, and each file keeps its row accounting."""
    from typer.testing import CliRunner

    from surveyq.cli import app

    if scheduler:
        pytest.importorskip("dask.dataframe")
    settings = {"streaming": {"dask_scheduler": scheduler}} if scheduler else None
    path, answers, _ = _stream_per_unit_files(tmp_path, settings)
    result = CliRunner().invoke(app, ["run", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    mode, block = _units_block(tmp_path / "out")
    assert mode == "streamed"
    _same_units(block, in_memory)
    _planted(block)
    survey = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8")
                        )["surveys"]["skm"]
    assert survey["n"] == len(answers)
    accounting = [row for row in survey["row_accounting"] if "unit-" in row["file"]]
    assert len(accounting) == 30 and sum(r["rows_kept"] for r in accounting) == len(answers)
    values = answers.to_numpy()  # the pooled figure by the formula, over every file
    assert survey["analyses"]["ikm"]["summary"]["converted"] == pytest.approx(
        25 * (values.sum(axis=0) / len(values)).sum() / 9)
    checked = CliRunner().invoke(app, ["check", str(path)])
    assert checked.exit_code == 0, checked.output


def test_stream_true_with_an_excel_unit_file_is_read_in_memory_and_said(tmp_path, in_memory):
    """One file per unit streams only when every file can (CSV or Parquet); with an Excel
    file among them the run reads them in memory and states that `stream: true` was not
    applied to that file, with the same figures."""
    import yaml

    path, *_ = _stream_per_unit_files(tmp_path)
    project = yaml.safe_load(path.read_text(encoding="utf-8"))
    files = project["surveys"]["skm"]["units"]["files"]
    first = files["P-A"]
    pd.read_csv(tmp_path / first).to_excel(tmp_path / "units" / "p-a.xlsx", index=False)
    files["P-A"] = "units/p-a.xlsx"
    path.write_text(yaml.safe_dump(project, allow_unicode=True), encoding="utf-8")
    run_project(path, tmp_path / "out")
    mode, block = _units_block(tmp_path / "out")
    assert mode == "in-memory"
    survey = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8")
                        )["surveys"]["skm"]
    assert any("p-a.xlsx" in problem and "only CSV and Parquet" in problem
               for problem in survey["problems"])
    _same_units(block, in_memory)
