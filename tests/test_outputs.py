"""Atomic writes and formula neutralisation."""

from __future__ import annotations

import math
import os

import numpy as np
import pandas as pd
import pytest

from surveyq.outputs import dumps_json, neutralise_formula, neutralise_frame, records, write_atomic


def test_write_atomic_replaces_the_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "report.html"
    target.write_text("old", encoding="utf-8")
    write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_a_failed_write_keeps_the_old_file(tmp_path):
    target = tmp_path / "results.json"
    target.write_text("old", encoding="utf-8")

    def half_written(path):
        path.write_text("partial", encoding="utf-8")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomic(target, half_written)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]


def test_written_files_get_ordinary_permissions(tmp_path):
    umask = os.umask(0o022)
    try:
        path = write_atomic(tmp_path / "x.csv", b"a,b\n")
    finally:
        os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "=HYPERLINK(\"x\")"])
def test_formula_like_text_is_neutralised(text):
    assert neutralise_formula(text) == "'" + text


@pytest.mark.parametrize("value", ["Saran: antrean lama", -2.5, 3, None, "1 + 1"])
def test_other_values_are_unchanged(value):
    assert neutralise_formula(value) == value


def test_json_has_no_nan():
    assert dumps_json({"a": math.nan, "b": [1.5, math.inf]}) == (
        '{\n  "a": null,\n  "b": [\n    1.5,\n    null\n  ]\n}\n'
    )


@pytest.mark.parametrize("frame", [
    pd.DataFrame({"n": [1, 2], "x": [1.5, np.nan], "t": ["a", None],
                  "k": pd.array([1, None], dtype="Int64"), "b": [True, False],
                  "o": np.array([np.int64(3), "s"], dtype=object),
                  "s": pd.Series(["p", None], dtype="str")}),
    pd.DataFrame({"t": ["a", None], "o": np.array([np.float64(3.5), 2], dtype=object)}),
    pd.DataFrame({("summary", "n"): [1], ("nrr", "U1"): [3.25]}),
    pd.DataFrame(index=range(2)),
    pd.DataFrame({"a": []}),
])
def test_records_are_pandas_records_value_for_value(frame):
    # the results' JSON conversion takes records without pandas' per-column iloc
    found, expected = records(frame), frame.to_dict(orient="records")
    assert repr(found) == repr(expected)
    assert [list(map(type, row.values())) for row in found] == [
        list(map(type, row.values())) for row in expected]


def test_neutralise_frame_changes_exactly_the_cells_a_spreadsheet_would_run():
    """Every kind of column a CSV gets: text (object, pandas strings, categories), numbers,
    booleans, dates, mixed objects and a header that reads as a formula."""
    frame = pd.DataFrame({
        "text": ["=1+1", "ok", None], "number": [-1, 2, 3], "yes": [True, False, True],
        "category": pd.Categorical(["-x", "y", "y"]),
        "string": pd.Series(["@a", "b", None], dtype="string"), "mixed": [1, "+2", 2.5],
        "=date": [pd.Timestamp(0)] * 3, "empty": [None, None, None], "plain": ["a", "b", "c"]})
    safe = neutralise_frame(frame)
    assert list(safe.columns) == ["text", "number", "yes", "category", "string", "mixed",
                                  "'=date", "empty", "plain"]
    assert safe["text"].tolist()[:2] == ["'=1+1", "ok"]
    assert safe["category"].tolist() == ["'-x", "y", "y"]
    assert safe["string"].tolist()[:2] == ["'@a", "b"]
    assert safe["mixed"].tolist() == [1, "'+2", 2.5]
    assert safe["number"].tolist() == [-1, 2, 3]
    assert safe["plain"].tolist() == ["a", "b", "c"]
    assert frame["text"].tolist()[0] == "=1+1"  # the input is left as it was


def test_ctrl_c_as_the_staging_folder_is_made_leaves_no_folder(tmp_path, monkeypatch):
    # Ctrl-C right after mkdtemp made the folder, before OutputSet.__enter__ returned (so no
    # __exit__), left .surveyq-staging-* behind; now it is removed and the interrupt goes on
    import signal
    import tempfile

    from surveyq.outputs import OutputSet

    made = tempfile.mkdtemp

    def interrupted(*args, **kwargs):
        folder = made(*args, **kwargs)
        signal.raise_signal(signal.SIGINT)
        return folder

    monkeypatch.setattr(tempfile, "mkdtemp", interrupted)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt), OutputSet(out, inputs=[]):
        pytest.fail("the body runs after an interrupt")
    assert list(out.iterdir()) == []
