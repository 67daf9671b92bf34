"""The ``surveyq`` console script: Ctrl-C at any moment ends in one line and exit 130.

Python, typer and rich take a few tenths of a second to load before the commands' own guard
(:func:`surveyq.cli._guarded`) is in place; a signal handler covers that window (and
Click's own parsing), so an interrupt never prints a traceback.
"""

from __future__ import annotations

import os
import signal
import sys

EXIT_INTERRUPTED = 130


def _interrupted_while_loading(signum: int, frame: object) -> None:
    sys.stderr.write("Interrupted.\n")
    sys.stderr.flush()
    os._exit(EXIT_INTERRUPTED)  # nothing written yet: no cleanup to run


def main() -> None:
    signal.signal(signal.SIGINT, _interrupted_while_loading)
    from surveyq.cli import entry

    entry()  # each command's guard restores Python's KeyboardInterrupt before it acts
