"""The command line: run, demo and check, exit codes, one-line errors, untouched inputs."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from surveyq.cli import app
from surveyq.demo import demo_project_path

runner = CliRunner()
DEMO = demo_project_path().parent


def digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    before = digest(DEMO)
    result = runner.invoke(app, ["demo", "--out", str(out)])
    return result, out, before


def test_demo_writes_results_log_and_report(demo_run):
    result, out, _ = demo_run
    assert result.exit_code in (0, 1), result.output
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["schema"] == "surveyq-results/1"
    assert set(results["surveys"]) == {"customer", "skm", "employee"}
    assert (
        (out / "cleaning-log.csv").read_text(encoding="utf-8").startswith("survey,file,row,column")
    )
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="data-quality"' in html
    assert (out / "appendix.xlsx").stat().st_size > 0 and (out / "appendix.docx").stat().st_size > 0
    assert not list(out.glob(".*.tmp")), "temporary files must be renamed into place"


def test_inputs_are_byte_identical_after_a_run(demo_run):
    _, _, before = demo_run
    assert digest(DEMO) == before


def test_run_in_english(tmp_path):
    result = runner.invoke(
        app, ["run", str(demo_project_path()), "--out", str(tmp_path), "--lang", "en"]
    )
    assert result.exit_code in (0, 1), result.output
    assert "Data quality" in (tmp_path / "report.html").read_text(encoding="utf-8")


def broken_project(tmp_path: Path) -> Path:
    """A copy of the demo whose SKM questionnaire expects a column the file lacks."""
    for path in DEMO.iterdir():
        if path.is_file():
            shutil.copy(path, tmp_path / path.name)
    project = yaml.safe_load((tmp_path / "project.yaml").read_text(encoding="utf-8"))
    skm = project["surveys"]["skm"]
    q = yaml.safe_load(
        Path("questionnaires", "skm-permenpanrb-14-2017.yaml").read_text(encoding="utf-8")
    )
    q["items"][0]["column"] = "U10"
    q["items"][0]["columns"] = []
    q["items"][0].pop("column_pattern", None)
    q["items"][1]["column"] = "U11"
    q["items"][1]["columns"] = []
    q["items"][1].pop("column_pattern", None)
    (tmp_path / "skm-broken.yaml").write_text(
        yaml.safe_dump(q, allow_unicode=True), encoding="utf-8"
    )
    skm["questionnaire"] = "skm-broken.yaml"
    (tmp_path / "project.yaml").write_text(
        yaml.safe_dump(project, allow_unicode=True), encoding="utf-8"
    )
    return tmp_path / "project.yaml"


def test_check_lists_every_fatal_problem_and_exits_2(tmp_path):
    result = runner.invoke(app, ["check", str(broken_project(tmp_path))])
    assert result.exit_code == 2
    # `check` speaks the project's language (issue 12); the demo project is Indonesian.
    assert "butir U1: kolom 'U10' tidak ada dalam berkas" in result.output
    assert "butir U2: kolom 'U11' tidak ada dalam berkas" in result.output


def test_run_error_is_one_line_without_traceback(tmp_path):
    result = runner.invoke(  # English asked for: the demo project is Indonesian (issue 12)
        app, ["run", str(broken_project(tmp_path)), "--out", str(tmp_path / "o"), "--lang", "en"]
    )
    assert result.exit_code == 2
    assert result.output.startswith("Error: ")
    assert "Traceback" not in result.output
    assert "no column 'U10'" in result.output


def test_missing_project_file_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["run", str(tmp_path / "nope.yaml"), "--lang", "en"])
    assert result.exit_code == 2
    assert "nope.yaml: project file not found" in result.output
