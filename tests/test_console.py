"""The console script: Ctrl-C while surveyq loads ends in one line and exit 130 (issue 11).

Interrupting a real start at a chosen millisecond is timing-dependent, so the interrupt is
sent by the process itself at the point where the command would start; the interrupt inside
a command (staged output set kept) is tested in test_trust_run.py and test_hostile_battery.py.
The line is the catalogue's ``cli.interrupted`` in the language of the command line
(Indonesian, the CLI's default, without ``--lang``).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from surveyq.console import interrupted_text
from surveyq.messages import catalogue

SELF_INTERRUPT = (
    "import os, signal, sys, surveyq.cli as cli\n"
    "sys.argv = ['surveyq', *{args!r}]\n"
    "cli.entry = lambda: os.kill(os.getpid(), signal.SIGINT)\n"
    "from surveyq.console import main\n"
    "main()\n"
    "print('not reached')\n"
)


INDONESIAN = "Dihentikan: tidak ada yang diubah di folder keluaran."
ENGLISH = "Interrupted: nothing was changed in the output folder."


@pytest.mark.parametrize(("args", "line"), [
    ([], INDONESIAN),
    (["run", "project.yaml", "--lang", "en"], ENGLISH),
    (["check", "project.yaml", "--lang=id"], INDONESIAN),
])
def test_ctrl_c_before_a_command_is_one_line_and_exit_130(args, line) -> None:
    done = subprocess.run([sys.executable, "-c", SELF_INTERRUPT.format(args=args)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 130
    assert done.stderr.strip() == line
    assert "not reached" not in done.stdout


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_loading_time_line_is_the_catalogue_text(lang) -> None:
    """The handler reads its line without the YAML loader: it must be the loader's text."""
    assert interrupted_text([], lang) == catalogue(lang)["cli.interrupted"]
    assert interrupted_text(["--lang", lang]) == catalogue(lang)["cli.interrupted"]


def test_python_m_surveyq_is_the_console_script() -> None:
    done = subprocess.run([sys.executable, "-m", "surveyq", "--help"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0
    assert "Usage: surveyq" in done.stdout


ENDING = (
    "import atexit, sys, surveyq.cli as cli\n"
    "class Teardown:\n"
    "    def __del__(self, _open=open):  # open itself is gone late in teardown\n"
    "        _open({folder!r} + '/teardown', 'w').close()\n"
    "kept = Teardown()  # freed only by the interpreter's teardown\n"
    "def entry():\n"
    "    atexit.register(lambda: open({folder!r} + '/atexit', 'w').close())\n"
    "    sys.stdout.write('the last line, unflushed')\n"
    "    {ending}\n"
    "cli.entry = entry\n"
    "from surveyq.console import main\n"
    "main()\n"
)


@pytest.mark.parametrize(("ending", "status", "stderr"), [
    ("return", 0, ""),
    ("raise SystemExit(0)", 0, ""),
    ("raise SystemExit(2)", 2, ""),
    ("raise SystemExit(None)", 0, ""),
    ("raise SystemExit('a message')", 1, "a message"),
])
def test_a_finished_command_leaves_without_teardown(tmp_path, ending, status, stderr) -> None:
    """The status and every line are kept, later atexit handlers still run, and the
    interpreter's teardown (which would free ``kept``) is skipped."""
    script = ENDING.format(folder=str(tmp_path), ending=ending)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == status
    assert done.stdout == "the last line, unflushed"
    assert done.stderr.strip() == stderr
    assert (tmp_path / "atexit").exists()
    assert not (tmp_path / "teardown").exists()


def test_an_uncaught_exception_keeps_pythons_own_ending(tmp_path) -> None:
    script = ENDING.format(folder=str(tmp_path), ending="raise RuntimeError('a bug')")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1
    assert "RuntimeError: a bug" in done.stderr
