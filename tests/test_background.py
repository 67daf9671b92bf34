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

