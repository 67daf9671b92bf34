"""The forked document writer: same bytes as writing in the process, errors come back whole."""

from __future__ import annotations

import os
import time

import pytest

from surveyq import background
from surveyq.background import in_background
from surveyq.errors import InputError

forks = pytest.mark.skipif(not background._can_fork(), reason="no fork here (or one core)")


@forks
def test_the_value_comes_back_from_another_process() -> None:
    parent = os.getpid()
    with in_background(lambda: (os.getpid(), [1.5, "two"])) as job:
        pid, value = job.result()
    assert pid != parent and value == [1.5, "two"]


@forks
def test_an_input_error_comes_back_as_itself() -> None:
    def fail() -> None:
        raise InputError("the file is bad", "x.csv", "row 3")

    with in_background(fail) as job, pytest.raises(InputError) as caught:
        job.result()
    assert str(caught.value) == "x.csv, row 3: the file is bad"
    assert caught.value.file == "x.csv"
    assert any("forked child of surveyq" in note for note in caught.value.__notes__)


@forks
def test_a_child_that_dies_without_answering_is_replaced_by_the_parent() -> None:
    parent = os.getpid()

    def job() -> int:
        if os.getpid() != parent:
            os._exit(7)  # as if killed: no answer
        return 42

    with in_background(job) as pending:
        assert pending.result() == 42


@forks
def test_leaving_without_asking_stops_the_child() -> None:
    with in_background(lambda: time.sleep(60)) as job:
        pid = job.pid
    assert job.pid is None
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped


def test_without_fork_the_job_runs_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SURVEYQ_SERIAL", "1")
    with in_background(os.getpid) as job:
        assert job.pid is None and job.result() == os.getpid()


def test_the_word_appendix_is_the_same_written_forked_or_not(tmp_path, monkeypatch) -> None:
    from surveyq.demo import demo_project_path
    from surveyq.pipeline import run_project, write_outputs

    run = run_project(demo_project_path())
    write_outputs(run, tmp_path / "forked", "en", lambda message: None)
    monkeypatch.setenv("SURVEYQ_SERIAL", "1")
    write_outputs(run, tmp_path / "serial", "en", lambda message: None)
    for name in ("appendix.docx", "appendix.xlsx", "report.html"):
        assert (tmp_path / "forked" / name).read_bytes() == \
            (tmp_path / "serial" / name).read_bytes(), name


@forks
def test_a_value_that_cannot_travel_is_computed_here() -> None:
    parent = os.getpid()
    with in_background(lambda: (os.getpid(), lambda: None)) as job:  # a lambda: no pickle
        pid, _ = job.result()
    assert pid == parent


def _demo_run(monkeypatch: pytest.MonkeyPatch, serial: bool, project=None):
    """The demo project's analyses (no documents), the progress messages, and the process
    each survey was analysed in."""
    from surveyq import pipeline
    from surveyq.demo import demo_project_path

    analysed = pipeline._analysed

    def marked(*args, **kwargs):
        run = analysed(*args, **kwargs)
        run.__dict__["analysed_in"] = os.getpid()  # travels with the pickled run
        return run

    monkeypatch.setattr(pipeline, "_analysed", marked)
    if serial:
        monkeypatch.setenv("SURVEYQ_SERIAL", "1")
    else:
        monkeypatch.delenv("SURVEYQ_SERIAL", raising=False)
    said: list[str] = []
    try:
        run = pipeline.run_project(project or demo_project_path(), progress=said.append)
    except InputError as exc:
        return exc, said, {}
    results = {k: v for k, v in run.results.items() if k != "generated_at"}
    return results, said, {name: s.__dict__["analysed_in"] for name, s in run.surveys.items()}


@forks
def test_the_surveys_are_the_same_analysed_forked_or_not(monkeypatch) -> None:
    serial, serial_said, serial_pids = _demo_run(monkeypatch, serial=True)
    forked, forked_said, forked_pids = _demo_run(monkeypatch, serial=False)
    assert forked == serial
    assert forked_said == serial_said
    assert forked_said[:7] == [  # each survey's messages in the project's order
        "membaca customer: customer-2025.csv", "menganalisis customer: n = 150",
        "membaca skm: skm-2025.xlsx", "membaca skm 2024: skm-2024.xlsx",
        "menganalisis skm: n = 400",
        "membaca employee: employee-2025.csv", "menganalisis employee: n = 60"]
    assert set(serial_pids.values()) == {os.getpid()}
    assert forked_pids["customer"] == os.getpid()  # the first survey: here
    assert forked_pids["skm"] == forked_pids["employee"] != os.getpid()  # the rest: a child


@forks
def test_an_error_in_a_later_survey_comes_after_its_messages(monkeypatch, tmp_path) -> None:
    import shutil

    from surveyq.demo import demo_project_path

    shutil.copytree(demo_project_path().parent, tmp_path / "demo")
    (tmp_path / "demo" / "skm-2025.xlsx").write_bytes(b"not a workbook")
    project = tmp_path / "demo" / "project.yaml"
    serial, serial_said, _ = _demo_run(monkeypatch, serial=True, project=project)
    forked, forked_said, _ = _demo_run(monkeypatch, serial=False, project=project)
    assert isinstance(serial, InputError) and "skm-2025.xlsx" in str(serial)
    assert type(forked) is type(serial) and str(forked) == str(serial)
    assert forked_said == serial_said and any("skm" in line for line in forked_said)
