"""``surveyq run`` on a streamed survey: one pass over the file gives the same validity,
reliability, IKM, item frequencies, row accounting and cleaning-log counts as the
in-memory path (itself checked against R psych and the papers' tables), and the report names
what streaming leaves out.

The reference for every number here is the in-memory pipeline on the same file; the
planted flaws (a blank row, out-of-range and non-integer codes, an unknown label, a blank
answer) are counted by hand below.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

import surveyq.streamed as streamed
from surveyq.cli import app
from surveyq.errors import InputError
from surveyq.pipeline import run_project

ITEMS = ["U1", "U2", "U3", "U4", "U5", "U6"]
LABELS = ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"]
REAL = Path(__file__).resolve().parents[2] / "shared" / "real-data"
TEST_QUESTIONNAIRES = Path(__file__).parent / "questionnaires"
# Cells set missing, by reason, that _answers() plants (hand count).
PLANTED = {"out_of_range": 2, "non_integer": 1, "unknown_label": 1}


def _questionnaire() -> dict:
    items = []
    for number, item in enumerate(ITEMS):
        items.append({
            "id": item, "element": item, "scale": "four", "column": item,
            "dimension": "service" if number < 3 else "staff",
            "text": {"id": f"Unsur {item}", "en": f"Element {item}"},
            **({"reverse": True} if item == "U3" else {}),
        })
    return {
        "id": "skm-stream-test",
        "title": {"id": "Uji streaming", "en": "Streaming test"},
        "kind": "skm",
        "standard": "permenpanrb-14-2017",
        "scales": {"four": {"points": [1, 2, 3, 4],
                            "labels": {"id": LABELS, "en": ["Poor", "Fair", "Good", "Very good"]}}},
        "dimensions": {"service": {"text": {"id": "Layanan", "en": "Service"}},
                       "staff": {"text": {"id": "Petugas", "en": "Staff"}}},
        "fields": [{"id": "saran", "kind": "suggestion", "column": "Saran",
                    "text": {"id": "Saran", "en": "Suggestion"}}],
        "items": items,
    }


def _answers(n: int = 300, seed: int = 7, labels: bool = False) -> pd.DataFrame:
    """Correlated answers with planted flaws; ``labels`` writes a third of them as text."""
    rng = np.random.default_rng(seed)
    base = rng.integers(1, 5, size=(n, 1))
    codes = np.clip(base + rng.integers(-1, 2, size=(n, len(ITEMS))), 1, 4).astype(object)
    codes[:, 2] = 5 - codes[:, 2]  # U3 is reverse-worded
    if labels:
        for row in range(0, n, 3):
            codes[row] = [LABELS[int(code) - 1] for code in codes[row]]
    frame = pd.DataFrame(codes, columns=ITEMS)
    frame.iloc[3, 1] = None  # a blank answer
    frame.iloc[10, 4] = 9  # out of range
    frame.iloc[20, 0] = 7  # out of range
    frame.iloc[30, 5] = 2.5  # not a whole code
    frame.iloc[40, 3] = "Sangat setuju sekali"  # not a label of the scale
    frame.iloc[50, :] = None  # no answer at all: the row is excluded
    frame.insert(0, "id", [f"R{i:04d}" for i in range(n)])
    frame["Saran"] = ["Lebih cepat,\nlebih ramah" if i % 7 == 0 else "" for i in range(n)]
    return frame


def _project(folder: Path, *, stream: bool | None = True, streaming: dict | None = None,
             answers: pd.DataFrame | None = None, analyses: list[str] | None = None,
             fmt: str = "csv", previous: pd.DataFrame | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "q.yaml").write_text(yaml.safe_dump(_questionnaire()), encoding="utf-8")
    frame = answers if answers is not None else _answers()
    responses = f"answers.{fmt}"
    if fmt == "parquet":
        numeric = {item: pd.to_numeric(frame[item], errors="coerce") for item in ITEMS}
        frame.drop(columns=["Saran"]).assign(**numeric).to_parquet(folder / responses,
                                                                   index=False)
    else:
        frame.to_csv(folder / responses, index=False)
    survey = {"questionnaire": "q.yaml", "responses": responses, "population": 5000}
    if previous is not None:
        previous.to_csv(folder / "answers-2024.csv", index=False)
        survey["previous"] = {"2024": "answers-2024.csv"}
    if stream is not None:
        survey["stream"] = stream
    if analyses is not None:
        survey["analyses"] = analyses
    spec = {"organisation": "Kantor Uji", "period": "2025", "surveys": {"skm": survey}}
    if streaming:
        spec["streaming"] = streaming
    path = folder / "project.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return path


def _numbers(value):
    """Every number in a results fragment, in order (text and names dropped)."""
    if isinstance(value, dict):
        return [x for key in sorted(value) if key != "notes" for x in _numbers(value[key])]
    if isinstance(value, list):
        return [x for item in value for x in _numbers(item)]
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, (int, float)):
        return [float(value)]
    return []


def _same(got, want) -> None:
    np.testing.assert_allclose(_numbers(got), _numbers(want), rtol=1e-12, atol=1e-12)


def _assert_same_results(survey: dict, reference: dict) -> None:
    got, want = survey["analyses"], reference["analyses"]
    for analysis in ("validity", "reliability"):
        assert json.dumps(got[analysis]["conventions"]) == json.dumps(want[analysis]["conventions"])
        assert len(got[analysis]["scales"]) == len(want[analysis]["scales"])
        for left, right in zip(got[analysis]["scales"], want[analysis]["scales"], strict=True):
            assert "error" not in left
            _same(left, right)
    for part in ("summary", "elements", "sample", "trend"):
        _same(got["ikm"][part], want["ikm"][part])
    assert got["ikm"]["notes"] == want["ikm"]["notes"]
    # the analytic interval follows from the sums, so a streamed run has it too (issue 13)
    assert [i["method"] for i in got["ikm"]["intervals"]] == ["analytic"]
    analytic = [i for i in want["ikm"]["intervals"] if i["method"] == "analytic"]
    _same(got["ikm"]["intervals"], analytic)
    _same(survey["items"], reference["items"])
    assert survey["n"] == reference["n"]
    assert [{**r, "file": Path(r["file"]).name} for r in survey["row_accounting"]] == \
        [{**r, "file": Path(r["file"]).name} for r in reference["row_accounting"]]


def _cell_counts(survey: dict) -> dict[str, int]:
    """Cells or rows per reason (the file's own encoding/format notes left aside)."""
    return {r["reason"]: r["count"] for r in survey["log_summary"]
            if r["reason"] not in ("encoding", "format")}


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict:
    """The in-memory results of each input variant."""
    folder = tmp_path_factory.mktemp("memory")
    return {
        variant: run_project(_project(folder / variant, stream=False, fmt=fmt,
                                      answers=_answers(labels=labels)))
        .results["surveys"]["skm"]
        for variant, fmt, labels in [("codes", "csv", False), ("labels", "csv", True),
                                     ("parquet", "parquet", False)]
    }


@pytest.mark.parametrize(("variant", "fmt", "labels"),
                         [("codes", "csv", False), ("labels", "csv", True),
                          ("parquet", "parquet", False)])
def test_streamed_equals_in_memory(tmp_path, reference, variant, fmt, labels):
    run = run_project(_project(tmp_path, fmt=fmt, answers=_answers(labels=labels)))
    survey, want = run.results["surveys"]["skm"], reference[variant]
    assert survey["mode"] == "streamed" and want["mode"] == "in-memory"
    _assert_same_results(survey, want)
    assert survey["row_accounting"][0]["rows_in_file"] == 300
    assert survey["row_accounting"][0]["no_answers"] == 1
    assert survey["n"] == 299
    assert _cell_counts(survey) == _cell_counts(want)
    planted = {**PLANTED, **({"unknown_label": 0} if fmt == "parquet" else {})}
    for reason, count in planted.items():
        assert _cell_counts(survey).get(reason, 0) == count
    assert survey["problems"] == []


@pytest.mark.parametrize("block_bytes", [700, streamed.BLOCK_BYTES])
def test_log_rows_are_the_rows_a_person_sees(tmp_path, monkeypatch, block_bytes):
    """Small blocks put quoted line breaks across block ends; rows still match memory."""
    monkeypatch.setattr(streamed, "BLOCK_BYTES", block_bytes)
    frames = {stream: run_project(_project(tmp_path / str(stream), stream=stream)).log
              for stream in (False, True)}
    memory, stream = frames[False], frames[True]
    for reason in PLANTED:
        want = memory[memory["reason"] == reason]
        got = stream[stream["reason"] == reason]
        assert sorted(got["row"].tolist()) == sorted(want["row"].tolist())
        assert sorted(got["raw_value"].tolist()) == sorted(want["raw_value"].tolist())
    blank = stream[stream["reason"] == "no_answers"]
    assert blank["row"].tolist() == [52] and blank["count"].tolist() == [1]  # header = row 1
    missing = stream[stream["reason"] == "missing_answer"]
    assert missing["count"].sum() == (memory["reason"] == "missing_answer").sum()


def test_progress_reports_rows_read(tmp_path, monkeypatch):
    monkeypatch.setattr(streamed, "BLOCK_BYTES", 2000)
    seen: list[tuple[str, int, float | None]] = []
    run_project(_project(tmp_path), rows_progress=lambda *event: seen.append(event))
    assert len(seen) > 3 and {name for name, _, _ in seen} == {"skm"}
    rows = [r for _, r, _ in seen]
    fractions = [f for _, _, f in seen]
    assert rows == sorted(rows) and rows[-1] == 300
    assert fractions == sorted(fractions) and fractions[-1] == pytest.approx(1.0)
    messages: list[str] = []
    # Progress speaks the run's language (issue 12); English is asked for here.
    run_project(_project(tmp_path / "plain"), progress=messages.append, lang="en")
    assert "streaming skm: 300 rows read" in messages


@pytest.mark.parametrize(("threshold", "mode"), [(1e-6, "streamed"), (1e3, "in-memory")])
def test_threshold_switches_mode(tmp_path, threshold, mode):
    run = run_project(_project(tmp_path, stream=None, streaming={"threshold_mb": threshold}))
    survey = run.results["surveys"]["skm"]
    assert survey["mode"] == mode
    if mode == "streamed":
        assert survey["streaming"]["reason"] == "size"
        assert survey["streaming"]["threshold_mb"] == threshold


def test_omitted_parts_are_named_and_listed_analyses_are_problems(tmp_path):
    survey = run_project(_project(tmp_path)).results["surveys"]["skm"]
    # Issue 11 point 1: the streamed pass now checks duplicate submissions (one hash set
    # over the file), so "duplicates" is no longer omitted; issue 13: the analytic IKM
    # interval follows from the sums, so only the bootstrap one is.
    assert survey["streaming"]["omitted"] == ["profile", "free_text",
                                              "data_matrix", "ikm_bootstrap", "ikm_by"]
    assert survey["profile"] == survey["free_text"] == []
    assert [i["method"] for i in survey["analyses"]["ikm"]["intervals"]] == ["analytic"]
    assert survey["analyses"]["ikm"]["by"] == {}
    listed = run_project(_project(tmp_path / "listed", analyses=["reliability", "servqual"]))
    survey = listed.results["surveys"]["skm"]
    assert set(survey["analyses"]) == {"reliability"}
    assert "servqual" in survey["streaming"]["omitted"]
    assert len(survey["problems"]) == 1 and "`stream: false`" in survey["problems"][0]


def test_previous_period_streamed_gives_the_same_trend(tmp_path):
    earlier = _answers(n=250, seed=11)
    results = {stream: run_project(_project(tmp_path / str(stream), stream=stream,
                                            previous=earlier)).results["surveys"]["skm"]
               for stream in (False, True)}
    trend = results[True]["analyses"]["ikm"]["trend"]
    assert trend is not None and list(trend["summary"][0]) == list(
        results[False]["analyses"]["ikm"]["trend"]["summary"][0])
    _same(trend, results[False]["analyses"]["ikm"]["trend"])
    assert results[True]["previous"]["2024"]["n"] == results[False]["previous"]["2024"]["n"]


@pytest.mark.parametrize("scheduler", ["synchronous", "distributed"])
def test_dask_scheduler_equals_in_memory(tmp_path, reference, scheduler):
    pytest.importorskip("dask.dataframe")
    if scheduler == "synchronous":
        run = run_project(_project(tmp_path, streaming={"dask_scheduler": "synchronous"}))
    else:
        distributed = pytest.importorskip("dask.distributed")
        with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                      dashboard_address=None) as cluster:
            run = run_project(_project(
                tmp_path, streaming={"dask_scheduler": cluster.scheduler_address}))
    survey = run.results["surveys"]["skm"]
    assert survey["mode"] == "streamed" and survey["streaming"]["scheduler"]
    _assert_same_results(survey, reference["codes"])
    assert _cell_counts(survey) == _cell_counts(reference["codes"])


def test_unreachable_dask_scheduler_is_an_input_error(tmp_path):
    pytest.importorskip("dask.distributed")
    with pytest.raises(InputError, match="dask_scheduler"):
        run_project(_project(tmp_path, streaming={"dask_scheduler": "tcp://127.0.0.1:9"}))


def test_missing_item_column_reads_as_in_memory(tmp_path):
    answers = _answers().rename(columns={"U4": "U4x"})
    errors = {}
    for stream in (False, True):
        with pytest.raises(InputError) as caught:
            run_project(_project(tmp_path / str(stream), stream=stream, answers=answers))
        errors[stream] = str(caught.value).replace(str(tmp_path / str(stream)), "")
    assert errors[True] == errors[False]
    assert "answers.csv" in errors[True] and "item U4" in errors[True]


def test_stream_true_on_a_workbook_is_read_in_memory_with_a_note(tmp_path):
    path = _project(tmp_path)
    _answers().to_excel(tmp_path / "answers.xlsx", index=False)
    spec = yaml.safe_load(path.read_text())
    spec["surveys"]["skm"]["responses"] = "answers.xlsx"
    path.write_text(yaml.safe_dump(spec))
    survey = run_project(path).results["surveys"]["skm"]
    assert survey["mode"] == "in-memory"
    assert any("only CSV and Parquet" in problem for problem in survey["problems"])


REAL_FILES = [
    ("gforms-id-qris-likert.csv", "gforms-qris.yaml"),
    ("servqual-kiosk-ko-cp949.csv", "kiosk-servqual-ko.yaml"),
    ("excel-semicolon-cp1252-navigation.csv", "navigation-cp1252.yaml"),
    ("employee-ceklok-kuisioner.csv", "ceklok-employee.yaml"),
]


@pytest.mark.parametrize(("file", "questionnaire"), REAL_FILES)
def test_real_exports_stream_like_they_read(tmp_path, file, questionnaire):
    """Google Forms labels, CP949 with TABs, cp1252 semicolons, reverse-keyed items."""
    if not (REAL / file).is_file():  # third-party exports live beside the repo, not in it
        pytest.skip(f"real export {file} not found in {REAL}")
    results = {}
    for stream in (False, True):
        spec = {"organisation": "x", "period": "2025", "surveys": {"s": {
            "questionnaire": str(TEST_QUESTIONNAIRES / questionnaire),
            "responses": str(REAL / file), "stream": stream,
            "analyses": ["validity", "reliability"]}}}
        path = tmp_path / f"{stream}.yaml"
        path.write_text(yaml.safe_dump(spec), encoding="utf-8")
        results[stream] = run_project(path).results["surveys"]["s"]
    memory, stream = results[False], results[True]
    duplicates = memory["row_accounting"][0]["duplicate_row"]
    assert stream["n"] == memory["n"] + duplicates  # streaming does not look for copies
    if duplicates:  # the navigation file's row 24 repeats row 20: n differs by that row
        return
    _assert_same_scales(stream, memory)
    assert _cell_counts(stream) == _cell_counts(memory)


def _assert_same_scales(stream: dict, memory: dict) -> None:
    for analysis in ("validity", "reliability"):
        for left, right in zip(stream["analyses"][analysis]["scales"],
                               memory["analyses"][analysis]["scales"], strict=True):
            _same(left, right)
    _same(stream["items"], memory["items"])


@pytest.mark.parametrize("lang", ["id", "en"])
def test_report_says_what_streaming_left_out(tmp_path, lang):
    out = tmp_path / "out"
    run_project(_project(tmp_path), out=out, lang=lang)
    html = (out / "report.html").read_text(encoding="utf-8")
    expected = {"id": ["dibaca secara streaming", "Karakteristik responden",
                       "Selang kepercayaan bootstrap indeks IKM", "stream: false",
                       "analitik (metode delta; bootstrap hanya sampai 20.000 responden)"],
                "en": ["This survey was streamed", "Respondent profile",
                       "bootstrap confidence interval of the IKM", "stream: false",
                       "analytic (delta method; the bootstrap runs up to 20,000 respondents)"]}
    for text in expected[lang]:
        assert text in html
    for name in ("appendix.xlsx", "appendix.docx", "results.json", "cleaning-log.csv"):
        assert (out / name).stat().st_size > 0
    log = pd.read_csv(out / "cleaning-log.csv")
    assert log.loc[log["reason"] == "no_answers", "count"].tolist() == [1]


def test_cli_run_prints_what_was_streamed(tmp_path):
    # The terminal speaks the run's language (issue 12); English is asked for here.
    result = CliRunner().invoke(app, ["run", str(_project(tmp_path)), "--out",
                                      str(tmp_path / "out"), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "skm: streamed 300 rows" in result.output and "ikm_bootstrap" in result.output


def test_check_uses_the_streamed_pass(tmp_path):
    from surveyq.pipeline import check_project

    _, logs = check_project(_project(tmp_path))
    summary = logs["skm"].summary()
    counts = dict(zip(summary["reason"], summary["count"], strict=True))
    assert {reason: counts.get(reason) for reason in PLANTED} == PLANTED
    assert any("streamed" in entry.message for entry in logs["skm"].entries)
    _, logs = check_project(_project(tmp_path / "broken",
                                     answers=_answers().rename(columns={"U4": "U4x"})))
    fatal = logs["skm"].fatal
    assert len(fatal) == 1 and "item U4: no column 'U4'" in fatal[0].message
