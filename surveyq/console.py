"""The ``surveyq`` console script: Ctrl-C at any moment ends in one line and exit 130.

Python, typer and rich take a few tenths of a second to load before the commands' own guard
(:func:`surveyq.cli._guarded`) is in place; a signal handler covers that window (and
Click's own parsing), so an interrupt never prints a traceback. The line is the message
``cli.interrupted`` in the language the command line asks for (``--lang``; Indonesian, the
CLI's default, otherwise).

When the command is over, the process leaves without Python's interpreter teardown (module
by module deallocation and a last garbage collection of everything pandas, SciPy and the
report writers loaded: 0.4-0.5 s of a 6 s demo here), after every ``atexit`` handler has run
and the standard streams are flushed; the pattern Instagram described for their servers
("Dismissing Python Garbage Collection at Instagram", 2017). Every file surveyq writes is
closed (and renamed into place) before the command returns, so nothing waits for teardown.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import sys

EXIT_INTERRUPTED = 130
_CATALOGUE = os.path.join(os.path.dirname(__file__), "report", "i18n", "messages.{}.yaml")


def _asked_language(argv: list[str]) -> str:
    """``--lang id|en`` (or ``--lang=en``) of a command line; "id" when absent or unknown."""
    for index, arg in enumerate(argv):
        value = argv[index + 1] if arg == "--lang" and index + 1 < len(argv) else \
            arg.partition("=")[2] if arg.startswith("--lang=") else None
        if value in ("id", "en"):
            return value
    return "id"


def interrupted_text(argv: list[str], lang: str | None = None) -> str:
    """The catalogue's ``cli.interrupted`` in ``lang`` (else the command line's language).

    A signal handler may run in the middle of an import, so the one line is read from the
    catalogue directly instead of through :mod:`surveyq.messages` and its YAML loader.
    """
    lang = lang if lang in ("id", "en") else _asked_language(argv)
    try:
        with open(_CATALOGUE.format(lang), encoding="utf-8") as handle:
            section = ""
            for line in handle:
                if line[:1].isalpha():
                    section = line.split(":", 1)[0]
                elif section == "cli" and line.strip().startswith("interrupted:"):
                    return line.split(":", 1)[1].strip().strip('"')
    except OSError:
        pass
    return "Interrupted."


def _interrupted_while_loading(signum: int, frame: object) -> None:
    sys.stderr.write(interrupted_text(sys.argv[1:]) + "\n")
    sys.stderr.flush()
    os._exit(EXIT_INTERRUPTED)  # nothing written yet: no cleanup to run


def exit_status(code: object) -> int:
    """The process status Python gives ``SystemExit(code)``: None is 0, an int itself, any
    other value (printed to stderr by Python) 1."""
    if code is None:
        return 0
    return code if isinstance(code, int) else 1


_leaving: list[int] = []  # the status, once the command is over


def _leave_without_teardown() -> None:
    """The last ``atexit`` handler: flush the streams and end the process with the command's
    status, skipping the interpreter's teardown."""
    if not _leaving:  # an uncaught exception: Python's own ending (traceback, status 1)
        return
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more to say
            stream.flush()
    os._exit(_leaving[0])


def main() -> None:
    signal.signal(signal.SIGINT, _interrupted_while_loading)
    atexit.register(_leave_without_teardown)  # registered first, so it runs last
    from surveyq.cli import entry

    try:
        entry()  # each command's guard restores Python's KeyboardInterrupt before it acts
    except SystemExit as leaving:
        _leaving.append(exit_status(leaving.code))
        raise
    _leaving.append(0)
