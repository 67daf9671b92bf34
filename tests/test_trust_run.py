"""Issue 11 (run side): duplicates on evidence only, no number from no data, exit codes,
the output folder (staged, manifest, never an input), CSV cells neutralised, check == run.

Every count below is planted by hand in the files the tests write.
"""

from __future__ import annotations

import csv
import json
import socket
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from surveyq.cli import app
from surveyq.errors import NoDataError
from surveyq.ikm import ikm
from surveyq.moments import Moments
from surveyq.pipeline import check_project, run_project
from surveyq.servqual import csi, ipa, servqual, servqual_from_moments

runner = CliRunner()
SKM = "skm-permenpanrb-14-2017"
ELEMENTS = [f"U{i}" for i in range(1, 10)]

# A small questionnaire with a respondent id field: 3 items on 1-4.
ID_QUESTIONNAIRE = {
    "id": "t-id",
    "title": {"id": "T", "en": "T"},
    "kind": "generic",
    "scales": {"s4": {"points": [1, 2, 3, 4],
                      "labels": {"id": ["TS", "KS", "S", "SS"], "en": ["a", "b", "c", "d"]}}},
    "items": [{"id": f"Q{j}", "scale": "s4", "text": {"id": f"Q{j}", "en": f"Q{j}"},
               "column": f"Q{j}"} for j in (1, 2, 3)],
    "fields": [
        {"id": "rid", "kind": "id", "text": {"id": "ID", "en": "ID"}, "column": "ID"},
        {"id": "gender", "kind": "gender", "text": {"id": "JK", "en": "Gender"},
         "column": "Jenis Kelamin"},
    ],
}


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def project(folder: Path, responses: str, questionnaire: str = SKM, name: str = "project.yaml",
            **survey) -> Path:
    spec = {"questionnaire": questionnaire, "responses": responses, **survey}
    # English: the assertions read the terminal's English lines, and the CLI speaks the
    # project's language (Indonesian by default, issue 12)
    doc = {"organisation": "Kantor Contoh", "period": "2025", "language": "en",
           "surveys": {"s": spec}}
    path = folder / name
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def accounting(survey: dict) -> dict:
    row = survey["row_accounting"][0]
    excluded = sum(v for k, v in row.items() if k not in ("file", "rows_in_file", "rows_kept"))
    assert excluded + row["rows_kept"] == row["rows_in_file"]  # the log adds up
    return row


# --------------------------------------------------------------------------- point 1


def paper_tabulation(folder: Path) -> Path:
    """400 respondents of a paper SKM: 166 answered every element "Sesuai"/3, 234 differ.

    The 234 other patterns are the base-4 digits of 1..234 (+1), all different from each
    other and from the all-3 pattern (digits 2 everywhere would be 174762). No id, no time.
    """
    rows = []
    for number in range(1, 235):
        digits = [(number // 4**j) % 4 + 1 for j in range(9)]
        rows.append(["L", *digits])
    rows += [["P", "Sesuai", *[3] * 8] for _ in range(166)]
    return write_csv(folder / "paper.csv", ["Jenis Kelamin", *ELEMENTS], rows)


@pytest.mark.parametrize("stream", [False, True])
def test_identical_answers_of_a_paper_tabulation_are_all_kept(tmp_path, stream):
    paper_tabulation(tmp_path)
    path = project(tmp_path, "paper.csv", stream=stream, analyses=["ikm"])
    survey = run_project(path).results["surveys"]["s"]
    row = accounting(survey)
    assert survey["n"] == 400 and row["duplicate_row"] == row["duplicate_id"] == 0
    # 166 identical rows: 165 repeat an earlier row, one pattern given more than once.
    assert survey["duplicates"]["identical_answer_rows"] == 165
    assert survey["duplicates"]["identical_answer_patterns"] == 1
    assert survey["duplicates"]["largest_pattern"] == 166
    assert survey["duplicates"]["excluded"] == 0 and survey["duplicates"]["evidence"] == []
    assert "duplicates" not in (survey.get("streaming") or {}).get("omitted", [])


def id_file(folder: Path) -> Path:
    rows = [
        ["A1", "L", 1, 2, 3],   # row 2
        ["A2", "P", 4, 4, 4],   # row 3
        ["A1", "L", 3, 3, 3],   # row 4: id A1 again, other answers -> duplicate_id
        ["A2", "P", 4, 4, 4],   # row 5: exact copy of row 3, same id -> duplicate_row
        ["", "L", 2, 2, 2],     # rows 6-8: no id, identical answers: three respondents
        ["", "L", 2, 2, 2],
        ["", "L", 2, 2, 2],
        ["A9", "P", 1, 1, 1],   # row 9
    ]
    (folder / "q-id.yaml").write_text(yaml.safe_dump(ID_QUESTIONNAIRE), encoding="utf-8")
    return write_csv(folder / "ids.csv", ["ID", "Jenis Kelamin", "Q1", "Q2", "Q3"], rows)


@pytest.mark.parametrize("stream", [False, True])
def test_a_repeated_respondent_id_is_excluded_identical_answers_are_not(tmp_path, stream):
    id_file(tmp_path)
    path = project(tmp_path, "ids.csv", "q-id.yaml", stream=stream, analyses=["reliability"])
    run = run_project(path)
    survey = run.results["surveys"]["s"]
    row = accounting(survey)
    assert (row["rows_in_file"], row["duplicate_id"], row["duplicate_row"]) == (8, 1, 1)
    assert survey["n"] == 6
    # Kept: rows 2, 3, 6, 7, 8, 9; rows 7 and 8 repeat row 6's answers.
    assert survey["duplicates"]["identical_answer_rows"] == 2
    if not stream:
        assert run.surveys["s"].responses.items.index.tolist() == [2, 3, 6, 7, 8, 9]
        log = run.log
        excluded = log[log["action"] == "row_excluded"].set_index("row")["reason"].to_dict()
        assert excluded == {4: "duplicate_id", 5: "duplicate_row"}


def form_export(folder: Path) -> Path:
    """A Google Forms export: identical submissions 60 s apart (one), 61 s apart (two)."""
    rows = [
        ["12/03/2025 9:00:00", "L", "S", "S", "SS"],    # row 2
        ["12/03/2025 9:01:00", "L", "S", "S", "SS"],    # row 3: 60 s after row 2 -> excluded
        ["12/03/2025 10:00:00", "P", "KS", "S", "S"],   # row 4
        ["12/03/2025 10:01:01", "P", "KS", "S", "S"],   # row 5: 61 s after row 4 -> kept
        ["12/03/2025 11:00:00", "L", "TS", "TS", "KS"],  # row 6
        ["12/03/2025 11:00:10", "P", "TS", "TS", "KS"],  # row 7: other gender -> kept
    ]
    questionnaire = {**ID_QUESTIONNAIRE, "fields": ID_QUESTIONNAIRE["fields"][1:]}
    (folder / "q-form.yaml").write_text(yaml.safe_dump(questionnaire), encoding="utf-8")
    return write_csv(folder / "form.csv", ["Timestamp", "Jenis Kelamin", "Q1", "Q2", "Q3"], rows)


@pytest.mark.parametrize("stream", [False, True, "dask"])
def test_a_resubmission_within_60_seconds_is_excluded_at_61_kept(tmp_path, stream):
    form_export(tmp_path)
    path = project(tmp_path, "form.csv", "q-form.yaml", stream=bool(stream),
                   analyses=["reliability"])
    if stream == "dask":  # partitions of a Dask DataFrame: the excluded rows by position
        pytest.importorskip("dask.dataframe")
        doc = yaml.safe_load(path.read_text())
        doc["streaming"] = {"dask_scheduler": "synchronous"}
        path.write_text(yaml.safe_dump(doc))
    survey = run_project(path).results["surveys"]["s"]
    row = accounting(survey)
    assert (row["rows_in_file"], row["duplicate_row"], survey["n"]) == (6, 1, 5)
    assert survey["duplicates"]["found"] == survey["duplicates"]["excluded"] == 1
    # Kept rows 2, 4, 5, 6, 7: row 5 repeats row 4's answers (61 s later), row 7 row 6's.
    assert survey["duplicates"]["identical_answer_rows"] == 2


def test_the_window_is_configurable_and_flag_or_keep_keeps_the_rows(tmp_path):
    form_export(tmp_path)
    wide = project(tmp_path, "form.csv", "q-form.yaml", name="wide.yaml",
                   analyses=["reliability"], options={"duplicate_window": 61})
    assert run_project(wide).results["surveys"]["s"]["n"] == 4  # rows 3 and 5 excluded
    flag = project(tmp_path, "form.csv", "q-form.yaml", name="flag.yaml",
                   analyses=["reliability"], options={"duplicates": "flag"})
    run = run_project(flag)
    survey = run.results["surveys"]["s"]
    assert survey["n"] == 6 and survey["duplicates"]["found"] == 1
    noted = run.log[(run.log["action"] == "noted") & (run.log["reason"] == "duplicate_row")]
    assert noted["row"].tolist() == [3]
    keep = project(tmp_path, "form.csv", "q-form.yaml", name="keep.yaml",
                   analyses=["reliability"], options={"duplicates": "keep"})
    assert run_project(keep).results["surveys"]["s"]["n"] == 6


# --------------------------------------------------------------------------- points 5, 6


def test_csi_ipa_servqual_without_answers_give_a_reason_not_a_number():
    performance = pd.DataFrame({"a": [4.0, 3.0], "b": [3.0, 5.0]})
    blank = pd.DataFrame({"a": [np.nan, np.nan], "b": [np.nan, np.nan]})
    both = pd.concat([performance.add_prefix("p"), blank.add_prefix("e")], axis=1)
    for statistic in (lambda: csi(blank, performance, scale_max=5),
                      lambda: ipa(blank, performance),
                      lambda: servqual(performance, blank),
                      lambda: servqual_from_moments(Moments.from_frame(both), ["pa", "pb"],
                                                    ["ea", "eb"]),
                      lambda: ikm(blank)):
        with pytest.raises(NoDataError, match="no answers"):
            statistic()


def test_one_respondent_has_an_index_and_a_reason_for_no_interval(tmp_path):
    # Answers 4 x5 and 3 x4: IKM = 32 / 9 = 3.5556, converted x 25 = 88.89 -> A (>= 88.31).
    answers = [["L", 4, 4, 4, 4, 4, 3, 3, 3, 3]]
    write_csv(tmp_path / "one.csv", ["Jenis Kelamin", *ELEMENTS], answers)
    path = project(tmp_path, "one.csv", analyses=["ikm"])
    ikm = run_project(path).results["surveys"]["s"]["analyses"]["ikm"]
    assert round(ikm["summary"]["converted"], 2) == 88.89 and ikm["summary"]["band"] == "A"
    assert ikm["intervals"] == []
    assert "at least 2 respondents" in ikm["interval_missing"]


def test_all_expectations_blank_is_a_stated_problem_for_every_dependent_analysis(tmp_path):
    questionnaire = {
        **ID_QUESTIONNAIRE, "id": "t-sq", "kind": "servqual", "fields": [],
        "items": [{"id": f"{r}{j}", "scale": "s4", "role": role, "pair": f"a{j}",
                   "text": {"id": f"{r}{j}", "en": f"{r}{j}"}, "column": f"{r}{j}"}
                  for r, role in (("P", "perception"), ("E", "expectation")) for j in (1, 2, 3)],
    }
    (tmp_path / "q-sq.yaml").write_text(yaml.safe_dump(questionnaire), encoding="utf-8")
    rows = [[a, b, c, "", "", ""] for a, b, c in [(1, 2, 3), (2, 2, 4), (4, 3, 3), (3, 1, 2)]]
    write_csv(tmp_path / "sq.csv", ["P1", "P2", "P3", "E1", "E2", "E3"], rows)
    path = project(tmp_path, "sq.csv", "q-sq.yaml",
                   analyses=["validity", "reliability", "servqual", "ipa"])
    survey = run_project(path).results["surveys"]["s"]
    assert "servqual" not in survey["analyses"] and "ipa" not in survey["analyses"]
    problems = " | ".join(survey["problems"])
    assert ("servqual: SERVQUAL not computed: no answers to expectation item(s) a1, a2, a3"
            in problems)
    assert "ipa: IPA not computed" in problems
    scales = {s["scale"]: s for s in survey["analyses"]["reliability"]["scales"]}
    assert scales["perception"].get("alpha") is not None
    assert "alpha" not in scales["expectation"] and "no respondent answered" in \
        scales["expectation"]["error"]


# --------------------------------------------------------------------------- point 7


def test_runs_the_data_cannot_support_exit_1_listing_each_reason(tmp_path):
    rows = [["L", 4, 3, 2, 4, 3, 2, 4, 3, ""], ["P", 2, 3, 4, 4, 1, 2, 3, 3, ""]]
    write_csv(tmp_path / "two.csv", ["Jenis Kelamin", *ELEMENTS], rows)
    path = project(tmp_path, "two.csv")
    out = tmp_path / "out"
    # The terminal speaks the run's language (issue 12 item 1); English is asked for here.
    result = runner.invoke(app, ["run", str(path), "--out", str(out), "--lang", "en"])
    assert result.exit_code == 1, result.output
    assert "validity item: no respondent answered item(s) ['U9']" in result.output
    assert "reliability item: no respondent answered item(s) ['U9']" in result.output
    assert "ikm: element(s) ['U9'] have no answers" in result.output
    # Nothing stopped the outputs: the cleaning log and the results are written.
    assert (out / "cleaning-log.csv").is_file() and (out / "results.json").is_file()


def test_a_constant_item_is_exit_1(tmp_path):
    rows = [["L", 4, 3, 2, 4, 3, 2, 4, 3, 3], ["P", 2, 3, 4, 4, 1, 2, 3, 3, 3],
            ["L", 1, 3, 4, 2, 1, 2, 3, 1, 3], ["P", 3, 3, 1, 4, 2, 2, 2, 3, 3]]
    write_csv(tmp_path / "const.csv", ["Jenis Kelamin", *ELEMENTS], rows)
    result = runner.invoke(app, ["run", str(project(tmp_path, "const.csv")),
                                 "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and "constant item(s): 'U2'" in result.output


# --------------------------------------------------------------------------- points 8, 10


@pytest.fixture
def good_project(tmp_path) -> Path:
    rows = [["L" if i % 2 else "P", *[(i * (j + 1)) % 4 + 1 for j in range(9)]]
            for i in range(12)]
    write_csv(tmp_path / "good.csv", ["Jenis Kelamin", *ELEMENTS], rows)
    return project(tmp_path, "good.csv", analyses=["ikm"])


def one_error_line(result) -> str:
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error:"), result.output
    return lines[0]


@pytest.mark.parametrize("target", ["file", "/dev/null", "below-a-file", "read-only"])
def test_an_unusable_out_is_exit_2_with_one_error_line(good_project, target):
    folder = good_project.parent
    out = {"file": folder / "good.csv", "/dev/null": Path("/dev/null"),
           "below-a-file": folder / "good.csv" / "out", "read-only": folder / "locked"}[target]
    if target == "read-only":
        out.mkdir()
        out.chmod(0o555)
    before = (folder / "good.csv").read_bytes()
    result = runner.invoke(app, ["run", str(good_project), "--out", str(out)])
    assert result.exit_code == 2
    assert "--out" in one_error_line(result)
    assert (folder / "good.csv").read_bytes() == before
    if target == "read-only":
        out.chmod(0o755)
        assert list(out.iterdir()) == []


def test_an_out_that_would_replace_an_input_is_refused(tmp_path):
    rows = [["L", *[(i + j) % 4 + 1 for j in range(9)]] for i in range(6)]
    write_csv(tmp_path / "results.json", ["Jenis Kelamin", *ELEMENTS], rows)  # odd, but legal
    path = project(tmp_path, "results.json", analyses=["ikm"], read={"format": "csv"})
    before = (tmp_path / "results.json").read_bytes()
    result = runner.invoke(app, ["run", str(path), "--out", str(tmp_path)])
    assert result.exit_code == 2 and "a file this project reads" in one_error_line(result)
    assert (tmp_path / "results.json").read_bytes() == before


def silent_server() -> tuple[socket.socket, int]:
    """A TCP port that accepts connections and never says a word (not a Dask scheduler)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    threading.Thread(target=lambda: [server.accept() for _ in range(8)], daemon=True).start()
    return server, server.getsockname()[1]


def test_a_scheduler_that_does_not_answer_times_out_naming_the_key(tmp_path, good_project):
    server, port = silent_server()
    doc = yaml.safe_load(good_project.read_text())
    doc["surveys"]["s"]["stream"] = True
    doc["streaming"] = {"dask_scheduler": f"tcp://127.0.0.1:{port}", "scheduler_timeout": 2}
    good_project.write_text(yaml.safe_dump(doc))
    try:
        result = runner.invoke(app, ["run", str(good_project), "--out", str(tmp_path / "o")])
    finally:
        server.close()
    assert result.exit_code == 2
    assert "streaming.dask_scheduler" in one_error_line(result)


# --------------------------------------------------------------------------- point 9


def test_check_refuses_what_run_refuses(good_project):
    doc = yaml.safe_load(good_project.read_text())
    doc["options"] = {"duplicates": "sometimes", "alpha": 5}
    good_project.write_text(yaml.safe_dump(doc))
    for command in (["check", str(good_project)],
                    ["run", str(good_project), "--out", str(good_project.parent / "o")]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2
        line = one_error_line(result)
        assert "options.duplicates" in line and "options.alpha" in line


def test_check_reads_the_scorecard_as_run_does(good_project):
    card = {"title": {"id": "K", "en": "C"}, "perspectives": [{"id": "p", "name": "P"}]}
    (good_project.parent / "card.yaml").write_text(yaml.safe_dump(card))
    doc = yaml.safe_load(good_project.read_text())
    doc["scorecard"] = "card.yaml"
    good_project.write_text(yaml.safe_dump(doc))
    run = runner.invoke(app, ["run", str(good_project), "--out", str(good_project.parent / "o")])
    check = runner.invoke(app, ["check", str(good_project)])
    assert run.exit_code == 2 and check.exit_code == 2, (run.output, check.output)
    _, logs = check_project(good_project)
    assert logs["scorecard"].fatal


# --------------------------------------------------------------------------- points 12, 13


def test_the_output_set_is_replaced_whole_and_only_our_files_are_removed(good_project):
    out = good_project.parent / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")  # a file surveyq did not write: never removed
    assert runner.invoke(app, ["run", str(good_project), "--out", str(out), "--csv"]
                         ).exit_code == 0
    tables = sorted(p.name for p in (out / "tables").glob("*.csv"))
    assert tables
    manifest = json.loads((out / "surveyq-manifest.json").read_text())
    assert f"tables/{tables[0]}" in manifest["files"]
    assert runner.invoke(app, ["run", str(good_project), "--out", str(out)]).exit_code == 0
    assert not (out / "tables").exists()  # last run's tables/*.csv do not linger
    assert (out / "notes.txt").read_text() == "mine"
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no staging left


def test_without_its_manifest_nothing_is_removed(good_project):
    out = good_project.parent / "out"
    (out / "tables").mkdir(parents=True)
    (out / "tables" / "appendix-old.csv").write_text("x")
    assert runner.invoke(app, ["run", str(good_project), "--out", str(out)]).exit_code == 0
    assert (out / "tables" / "appendix-old.csv").read_text() == "x"


def test_a_failed_run_leaves_the_previous_set(good_project, monkeypatch):
    out = good_project.parent / "out"
    assert runner.invoke(app, ["run", str(good_project), "--out", str(out)]).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("surveyq.report.appendix.write_docx", broken)
    result = runner.invoke(app, ["run", str(good_project), "--out", str(out)])
    assert result.exit_code == 130
    assert len([line for line in result.output.splitlines() if line.strip()]) == 1
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_every_csv_neutralises_formula_cells(tmp_path):
    rows = [["=HYPERLINK(\"http://x\")", *[(i + j) % 4 + 1 for j in range(9)]] for i in range(5)]
    rows[0][1] = "@SUM(A1)"  # an answer that is not a label: logged with its raw value
    write_csv(tmp_path / "f.csv", ["Jenis Kelamin", *ELEMENTS], rows)
    path = project(tmp_path, "f.csv", analyses=["ikm"])
    out = tmp_path / "out"
    runner.invoke(app, ["run", str(path), "--out", str(out), "--csv"])
    log = pd.read_csv(out / "cleaning-log.csv", dtype=str)
    assert "'@SUM(A1)" in log["raw_value"].tolist()
    for table in [out / "cleaning-log.csv", *(out / "tables").glob("*.csv")]:
        cells = pd.read_csv(table, dtype=str, keep_default_na=False).to_numpy().ravel()
        assert not [c for c in cells if c[:1] in ("=", "@", "+")], table


# --------------------------------------------------------------------------- issue 12 item 8


def test_the_terminal_keeps_the_files_written_and_the_headline_figures(good_project):
    out = good_project.parent / "out"
    # The terminal speaks the run's language (issue 12 item 1); English is asked for here.
    result = runner.invoke(app, ["run", str(good_project), "--out", str(out), "--lang", "en"])
    assert result.exit_code == 0
    for name in ("results.json", "cleaning-log.csv", "report.html"):
        assert f"wrote {out / name}" in result.output
    converted = json.loads((out / "results.json").read_text())["surveys"]["s"]["analyses"][
        "ikm"]["summary"]
    assert f"{converted['converted']:.2f} ({converted['band']})" in result.output


def test_a_group_without_answers_has_no_figure_and_the_run_goes_on(tmp_path):
    questionnaire = {
        **ID_QUESTIONNAIRE, "id": "t-sq2", "kind": "servqual",
        "fields": ID_QUESTIONNAIRE["fields"][1:],
        "items": [{"id": f"{r}{j}", "scale": "s4", "role": role, "pair": f"a{j}",
                   "text": {"id": f"{r}{j}", "en": f"{r}{j}"}, "column": f"{r}{j}"}
                  for r, role in (("P", "perception"), ("E", "expectation")) for j in (1, 2)],
    }
    (tmp_path / "q.yaml").write_text(yaml.safe_dump(questionnaire), encoding="utf-8")
    # Women (P) never answered E2: their group has no SERVQUAL figure; men (L) have one.
    rows = [["L", 3, 2, 4, 4], ["L", 2, 3, 3, 4], ["L", 4, 4, 4, 3],
            ["P", 3, 3, 4, ""], ["P", 2, 2, 3, ""]]
    write_csv(tmp_path / "g.csv", ["Jenis Kelamin", "P1", "P2", "E1", "E2"], rows)
    path = project(tmp_path, "g.csv", "q.yaml", analyses=["servqual"])
    survey = run_project(path).results["surveys"]["s"]
    assert survey["problems"] == []
    servqual_result = survey["analyses"]["servqual"]
    assert [row["gender"] for row in servqual_result["by"]["gender"]] == ["L"]
    assert any("gender 'P': no answers to item(s) a2" in note
               for note in servqual_result["notes"])


def test_a_file_in_the_way_or_a_foreign_manifest_stops_before_anything_moves(good_project):
    out = good_project.parent / "out"
    out.mkdir()
    (out / "tables").write_text("a file where tables/ would go")
    result = runner.invoke(app, ["run", str(good_project), "--out", str(out), "--csv"])
    assert result.exit_code == 2 and "is a file" in one_error_line(result)
    assert sorted(p.name for p in out.iterdir()) == ["tables"]  # nothing moved in
    (out / "tables").unlink()
    (out / "surveyq-manifest.json").write_text('{"mine": true}')
    result = runner.invoke(app, ["run", str(good_project), "--out", str(out)])
    assert result.exit_code == 2 and "did not write" in one_error_line(result)
    assert (out / "surveyq-manifest.json").read_text() == '{"mine": true}'


def test_the_staging_folder_of_a_killed_run_is_cleared_and_nothing_else(good_project):
    out = good_project.parent / "out"
    orphan = out / ".surveyq-staging-999999999-abc"  # no such process
    orphan.mkdir(parents=True)
    (orphan / "results.json").write_text("{}")
    (out / ".hidden-user-folder").mkdir()
    assert runner.invoke(app, ["run", str(good_project), "--out", str(out)]).exit_code == 0
    assert not orphan.exists() and (out / ".hidden-user-folder").is_dir()
