"""Atomic writes and formula neutralisation."""

from __future__ import annotations

import math
import os

import pytest

from surveyq.outputs import dumps_json, neutralise_formula, write_atomic


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
