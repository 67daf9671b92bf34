"""The ``surveyq`` console script: Ctrl-C at any moment ends in one line and exit 130.

Python, typer and rich take a few tenths of a second to load before the commands' own guard
(:func:`surveyq.cli._guarded`) is in place; a signal handler covers that window (and
Click's own parsing), so an interrupt never prints a traceback. The line is the message
``cli.interrupted`` in the language the command line asks for (``--lang``; Indonesian, the
CLI's default, otherwise).
"""

from __future__ import annotations

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


def main() -> None:
    signal.signal(signal.SIGINT, _interrupted_while_loading)
    from surveyq.cli import entry

    entry()  # each command's guard restores Python's KeyboardInterrupt before it acts
