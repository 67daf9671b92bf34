"""Do independent work in a forked process while this one does the rest.

A run forks twice on a machine with two cores or more (:func:`in_background`): the surveys
after the first are read and analysed in a child while this process does the first (the
surveys are independent until the scorecard), and the Word appendix (its tables fitted to
the page and its charts drawn as PNG, about as long as the HTML report and the Excel
appendix together) is written in a child while this process writes the others.

The child runs the same function the run would call itself, on its copy of the process
(results, the imported modules and their caches), so the file is byte for byte the same;
it sends back what the function returned or the exception it raised, pickled, and leaves
with ``os._exit`` (no atexit handler, no stdio flush of the parent's buffers). The parent
re-raises that exception where it asks for the result, so a user's error is still one line
with exit 2. Where ``os.fork`` is missing (Windows), on one core, or when a child dies
without an answer (killed, out of memory), the function runs in the parent instead: the
same code path, only not concurrent.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import traceback
from collections.abc import Callable
from typing import Any, Generic, TypeVar

__all__ = ["Pending", "in_background", "portable"]

T = TypeVar("T")


def _can_fork() -> bool:
    """Forking pays and is safe: Linux (macOS' frameworks are not fork-safe), 2+ cores, and
    not switched off (``SURVEYQ_SERIAL=1``, e.g. to profile one process)."""
    return (sys.platform.startswith("linux") and hasattr(os, "fork")
            and (os.cpu_count() or 1) > 1 and not os.environ.get("SURVEYQ_SERIAL"))


class Pending(Generic[T]):
    """A job running in a forked child (or, without one, waiting to run here)."""

    def __init__(self, job: Callable[[], T]) -> None:
        self.job = job
        self.pid: int | None = None
        self.pipe: int | None = None
        if _can_fork():
            self._fork()

    def _fork(self) -> None:
        read, write = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: run, answer, leave
            os.close(read)
            _answer(self.job, write)
        os.close(write)
        self.pid, self.pipe = pid, read

    def result(self) -> T:
        """What the job returned; its exception is raised here."""
        if self.pid is None:
            return self.job()
        with os.fdopen(self.pipe, "rb") as pipe:  # type: ignore[arg-type]
            self.pipe = None
            data = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        if not data or not os.WIFEXITED(status):  # died without an answer: do it here
            return self.job()
        ok, value = pickle.loads(data)  # noqa: S301 - our own child's answer
        if ok:
            return value  # type: ignore[no-any-return]
        raise value

    def cancel(self) -> None:
        """Stop the child (when the run fails or is interrupted before it asks)."""
        if self.pipe is not None:
            os.close(self.pipe)
            self.pipe = None
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = None

    def __enter__(self) -> Pending[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()


def _answer(job: Callable[[], Any], pipe: int) -> None:
    """In the child: run ``job`` and write ``(ok, value or exception)`` to ``pipe``; exit."""
    code = 0
    try:
        try:
            value = job()
        except BaseException as exc:  # noqa: BLE001 - every failure goes to the parent
            payload = pickle.dumps((False, portable(exc)))
        else:  # a value that cannot be pickled is no answer: the parent does the job
            payload = pickle.dumps((True, value))
        with os.fdopen(pipe, "wb") as out:
            out.write(payload)
    except BaseException:  # noqa: BLE001 - nothing may escape into the parent's code
        code = 1
    finally:
        os._exit(code)


def portable(exc: BaseException) -> BaseException:
    """``exc`` if it survives pickling, else a RuntimeError saying what it was; either way
    with the child's traceback as a note (shown by ``--debug``)."""
    exc.add_note("raised in a forked child of surveyq:\n" + "".join(
        traceback.format_exception(type(exc), exc, exc.__traceback__)))
    try:
        pickle.loads(pickle.dumps(exc))  # noqa: S301 - round trip of our own object
    except Exception:  # noqa: BLE001 - an exception whose arguments do not pickle
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


def in_background(job: Callable[[], T]) -> Pending[T]:
    """Start ``job`` (no arguments) in a forked child; ``.result()`` gives its value.

    Use as a context manager, so a run that fails before asking stops the child::

        with in_background(lambda: write_docx(...)) as docx:
            ...  # write the other documents
            written.append(docx.result())
    """
    return Pending(job)
