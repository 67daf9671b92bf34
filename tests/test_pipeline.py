"""The whole pipeline on the demo project: every planted flaw is caught where it was planted,
every reason code of the log can occur, and results.json carries the conventions used."""

from __future__ import annotations

import importlib.util
import json
import sys

import pandas as pd
import pytest

from surveyq.clean import clean
from surveyq.demo import demo_project_path
from surveyq.io import RawTable, read_raw
from surveyq.log import CleaningLog, Reason
from surveyq.pipeline import run_project
from surveyq.questionnaire import parse_questionnaire
from surveyq.readers.table import UnsavedFormula

DEMO = demo_project_path().parent


def planted_flaws():
    """The flaws make_demo.py planted (its own list: the script wrote them into the files)."""
    spec = importlib.util.spec_from_file_location("make_demo", DEMO / "make_demo.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_demo", module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module.PLANTED


@pytest.fixture(scope="module")
def demo():
    return run_project(demo_project_path())


def test_every_planted_flaw_is_in_the_log_at_its_row_and_column(demo):
    frames = [run.responses.log.to_frame() for run in demo.surveys.values()]
    frames += [r.log.to_frame() for run in demo.surveys.values() for r in run.previous.values()]
    log = pd.concat(frames)
    log["file_name"] = log["file"].map(lambda f: f.replace("\\", "/").rsplit("/", 1)[-1])
    for flaw in planted_flaws():
        found = log[(log["file_name"] == flaw.file) & (log["reason"] == flaw.reason)]
        if flaw.row:  # row 0 marks a whole-column flaw (a reverse-worded item)
            found = found[found["row"] == flaw.row]
        if flaw.column and flaw.reason not in ("summary_row",):
            found = found[found["column"].isna() | (found["column"] == flaw.column)]
        assert len(found) >= 1, f"planted flaw {flaw} not in the log"


def test_rows_add_up_for_every_file(demo):
    for run in demo.surveys.values():
        for responses in [run.responses, *run.previous.values()]:
            record = responses.log.row_accounting().iloc[0]
            excluded = record.drop(["file", "rows_in_file", "rows_kept"]).sum()
            assert record["rows_in_file"] == record["rows_kept"] + excluded
            assert record["rows_kept"] == responses.n


def test_results_name_the_conventions_used(demo):
    results = json.loads(json.dumps(demo.results))  # what results.json holds
    skm = results["surveys"]["skm"]["analyses"]
    assert skm["validity"]["conventions"] == {
        "corrected": False,
        "missing": "listwise",
        "alpha": 0.05,
        "tail": "two-sided",
    }
    assert skm["reliability"]["conventions"] == {
        "missing": "listwise",
        "threshold": 0.6,
        "ci": 0.95,
    }
    assert skm["ikm"]["summary"]["standard"] == "permenpanrb-14-2017"
    assert skm["ikm"]["summary"]["weight_mode"] == "exact"
    scales = [
        s["scale"] for s in results["surveys"]["customer"]["analyses"]["reliability"]["scales"]
    ]
    assert "perception" in scales and "perception/tangibles" in scales


def test_planted_reverse_item_is_recoded_before_reliability(demo):
    employee = demo.results["surveys"]["employee"]["analyses"]["reliability"]["scales"]
    perception = next(s for s in employee if s["scale"] == "perception")
    # After reverse keying P13 no item should look reverse-keyed.
    assert perception["reverse_keyed"] == []


def _synthetic_raw(records, file="x.csv"):
    frame = pd.DataFrame(records, dtype=object)
    return RawTable(
        frame=frame,
        rows=list(range(2, len(records) + 2)),
        file=file,
        format="csv",
        rows_in_file=len(records),
        log=CleaningLog(),
        declared_missing={"A": [9]},
    )


def test_every_reason_code_can_occur(demo, tmp_path):
    seen = set()
    for run in demo.surveys.values():
        seen |= set(run.responses.log.to_frame()["reason"])
    seen |= set(read_raw("tests/fixtures/kobo_export.csv").log.to_frame()["reason"])
    scale = {"points": [1, 2, 3], "labels": {"id": ["a", "b", "c"]}}
    q = parse_questionnaire(
        {
            "id": "r",
            "title": {"id": "r", "en": "r"},
            "scales": {"s": scale},
            "items": [
                {"id": "A", "text": {"id": "A", "en": "A"}, "scale": "s", "column": "A"},
                {"id": "B", "text": {"id": "B", "en": "B"}, "scale": "s", "column": "B"},
                {
                    "id": "C",
                    "text": {"id": "C", "en": "C"},
                    "scale": "s",
                    "column_pattern": "^B|^C",
                },
                {"id": "D", "text": {"id": "D", "en": "D"}, "scale": "s", "column": "D"},
            ],
        },
        "r.yaml",
    )
    resp = clean(_synthetic_raw([{"A": 9, "B": "2,5", "C": 1}, {"A": 1, "B": 2, "C": 3}]), q)
    seen |= set(resp.log.to_frame()["reason"])
    # Issue 11 added boolean_cell, formula_without_value (cells) and nul_byte (a repair).
    odd = clean(_synthetic_raw([{"A": True, "B": UnsavedFormula("=A2"), "C": 1, "D": 2}]), q)
    seen |= set(odd.log.to_frame()["reason"])
    (tmp_path / "nul.csv").write_bytes(b"A,B\n1,x\x00y\n")
    seen |= set(read_raw(tmp_path / "nul.csv").log.to_frame()["reason"])
    assert seen == {reason.value for reason in Reason}


def test_the_customer_iku_is_the_skm_index_the_survey_produced(demo):
    indicators = {i["id"]: i for i in demo.results["scorecard"]["indicators"]}
    skm = demo.results["surveys"]["skm"]["analyses"]["ikm"]["summary"]["converted"]
    assert indicators["5a-N"]["realisation"] == skm
    assert indicators["5a-N"]["source"].startswith("survey")
