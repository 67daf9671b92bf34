"""Jobs of the web page: one folder per upload under the data folder, and the run queue.

A job folder ``<data>/jobs/<id>/`` holds ``input/`` (the uploaded files under sanitised names,
and the project YAML that ``surveyq init`` would write, confirmed in the page), ``out/`` (what
``surveyq run`` writes), ``meta.json`` (original names, as text only) and ``status.json``.
The id is random (128 bits), so one office's job cannot be guessed from another's.

Runs go through :func:`surveyq.pipeline.run_project`, the function ``surveyq run`` calls, in
worker processes (:class:`Runner`).
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import re
import secrets
import shutil
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from surveyq.errors import SurveyqError
from surveyq.outputs import write_atomic

JOB_ID = re.compile(r"[0-9a-f]{32}")
STATES = ("new", "confirmed", "queued", "running", "done", "failed")
logger = logging.getLogger("surveyq.web")
_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


@dataclass
class Status:
    """What ``GET /jobs/{id}/status`` answers."""

    state: str = "new"
    rows_read: int = 0
    step: str = ""
    message: str = ""


class Job:
    """One upload's folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.id = folder.name
        self.input = folder / "input"
        self.out = folder / "out"
        with _LOCKS_GUARD:    # one lock per job folder, whichever request holds the Job
            self._lock = _LOCKS.setdefault(self.id, threading.Lock())

    # ---------------------------------------------------------------- metadata
    @property
    def meta(self) -> dict[str, Any]:
        try:
            return json.loads((self.folder / "meta.json").read_text("utf-8"))
        except (OSError, ValueError):
            return {}

    def save_meta(self, **changes: Any) -> None:
        with self._lock:
            write_atomic(self.folder / "meta.json",
                         json.dumps({**self.meta, **changes}, ensure_ascii=False, indent=1))

    @property
    def project_file(self) -> Path | None:
        name = self.meta.get("project")
        return self.input / name if name else None

    @property
    def confirmed(self) -> bool:
        return bool(self.meta.get("confirmed"))

    # ---------------------------------------------------------------- status
    def status(self) -> Status:
        try:
            raw = json.loads((self.folder / "status.json").read_text("utf-8"))
            return Status(**{k: raw[k] for k in asdict(Status()) if k in raw})
        except (OSError, ValueError, TypeError):
            return Status(state="confirmed" if self.confirmed else "new")

    def set_status(self, **changes: Any) -> Status:
        with self._lock:
            status = Status(**{**asdict(self.status()), **changes})
            write_atomic(self.folder / "status.json", json.dumps(asdict(status)))
            return status

    def results(self) -> dict[str, Any] | None:
        try:
            return json.loads((self.out / "results.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None

    def display(self, text: str) -> str:
        """A message with the job folder's path left out (it means nothing to the reader)."""
        for prefix in (str(self.input.resolve()) + "/", str(self.input) + "/",
                       str(self.folder.resolve()) + "/", str(self.folder) + "/"):
            text = text.replace(prefix, "")
        return text


class JobStore:
    """The jobs under ``<data_dir>/jobs``."""

    def __init__(self, data_dir: Path):
        self.root = Path(data_dir) / "jobs"
        self.root.mkdir(parents=True, exist_ok=True)

    def new(self) -> Job:
        job = Job(self.root / secrets.token_hex(16))
        job.input.mkdir(parents=True)
        job.save_meta(created=datetime.now(timezone.utc).isoformat(timespec="seconds"))
        return job

    def get(self, job_id: str) -> Job | None:
        """The job, or None for an id that is not one (never a path from the request)."""
        if not JOB_ID.fullmatch(job_id):
            return None
        folder = self.root / job_id
        return Job(folder) if (folder / "meta.json").is_file() else None

    def all(self) -> list[Job]:
        jobs = [Job(f) for f in self.root.iterdir()
                if JOB_ID.fullmatch(f.name) and (f / "meta.json").is_file()]
        return sorted(jobs, key=lambda job: job.meta.get("created", ""), reverse=True)

    def discard(self, job: Job) -> None:
        shutil.rmtree(job.folder, ignore_errors=True)

    def interrupted(self) -> None:
        """Jobs left queued or running by a server that stopped are marked failed."""
        for job in self.all():
            if job.status().state in ("queued", "running"):
                job.set_status(state="failed", message="interrupted")


class Runner:
    """Queued runs on a small pool of worker processes (one per core, at most two).

    A process per run keeps runs apart (a run that exhausts memory takes its worker down,
    not the page) and lets two runs use two cores. Workers write the job's status.json
    themselves, so progress crosses the process boundary as a file. Started on first use,
    with ``spawn`` on every OS (no fork of a threaded server), and shared by every app of the
    process (the jobs name their folders).
    """

    _pool: ProcessPoolExecutor | None = None
    _lock = threading.Lock()

    def __init__(self, lang_of: Any):
        self.lang_of = lang_of      # job -> UI language of its step messages

    def submit(self, job: Job, pdf: bool = False) -> None:
        job.set_status(state="queued", rows_read=0, step="", message="")
        with Runner._lock:
            if Runner._pool is None:
                workers = max(1, min(2, os.cpu_count() or 1))
                Runner._pool = ProcessPoolExecutor(
                    workers, mp_context=multiprocessing.get_context("spawn"))
            try:
                future = Runner._pool.submit(run_job_in_folder, str(job.folder),
                                             self.lang_of(job), pdf)
            except (BrokenProcessPool, RuntimeError):   # broken, or shut down meanwhile
                Runner._pool = None
                job.set_status(state="failed", message="the run's worker stopped; run again")
                return
        future.add_done_callback(lambda done: self._finished(job, done))

    def _finished(self, job: Job, future: Future) -> None:
        error = future.exception() if not future.cancelled() else None
        if error is None and job.status().state in ("done", "failed"):
            return
        if isinstance(error, BrokenProcessPool):
            with Runner._lock:
                Runner._pool = None
        logger.error("run of job %s ended without a result: %r", job.id, error)
        job.set_status(state="failed", message=(
            "the run stopped unexpectedly (its worker process ended, for example out of "
            "memory); run again, or run `surveyq run` on the project to see why"))

    @classmethod
    def shutdown(cls) -> None:
        with cls._lock:
            if cls._pool is not None:
                cls._pool.shutdown(wait=False, cancel_futures=True)
                cls._pool = None


def run_job_in_folder(folder: str, lang: str, pdf: bool = False) -> str:
    """A worker process's entry: run the job in ``folder``; its state is in status.json."""
    return run_job(Job(Path(folder)), lang, pdf).state


def run_job(job: Job, lang: str, pdf: bool = False) -> Status:
    """Run a confirmed job's project into its ``out/`` as ``surveyq run`` does."""
    from surveyq.errors import error_text
    from surveyq.messages import translate
    from surveyq.pipeline import run_project

    rows: dict[str, int] = {}

    def step(message: Any) -> None:
        job.set_status(step=job.display(translate(message, lang)))

    def rows_read(survey: str, count: int, fraction: float | None) -> None:
        rows[survey] = count
        job.set_status(rows_read=sum(rows.values()))

    job.set_status(state="running", rows_read=0, step="", message="")
    try:
        result = run_project(job.project_file, out=job.out, progress=step,
                             rows_progress=rows_read, pdf=pdf)
    except SurveyqError as exc:
        return job.set_status(state="failed", message=job.display(error_text(exc, lang)))
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        return job.set_status(state="failed", message=job.display(
            f"{where}{exc.strerror or exc}; check the path and its permissions"))
    except Exception as exc:  # a bug: one line for the page, the traceback in the server log
        logger.exception("run of job %s failed", job.id)
        return job.set_status(state="failed", message=(
            f"internal error ({type(exc).__name__}: {exc}); this is a bug in surveyq: "
            "report it with the server's log"))
    total = sum(f["rows_in_file"] for s in result.results["surveys"].values()
                for f in s["row_accounting"])
    return job.set_status(state="done", rows_read=total, step="", message="")
