"""``surveyq serve --shortcut``: desktop launchers for Linux, Windows and macOS (issue 15).

Each written file is read back by its format's own rules (the Desktop Entry specification's
quoting for ``Exec=``, cmd.exe's for ``.bat``, the shell's for ``.command``) and the command
recovered must be exactly the one asked for, with paths holding spaces, quotes, ``$``, ``%``
and non-ASCII letters. The Linux and macOS launchers are also run, against a stand-in
``surveyq`` that records its arguments.
"""

from __future__ import annotations

import configparser
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from surveyq.web.shortcut import desktop_folder, launcher_command, write_shortcut

AWKWARD = "Dinas Pendidikan $HOME 100% `x` \"q\" it's (2025) & é"


def desktop_exec(path: Path) -> list[str]:
    """The argv of a .desktop file's Exec key, unquoted as the Desktop Entry spec says:
    string escapes first, then the quoting rule, then %% as a literal percent."""
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keys are case-sensitive
    entry.read_string(path.read_text("utf-8"))
    value = entry["Desktop Entry"]["Exec"]
    unescaped = re.sub(r"\\(.)", lambda m: {"s": " ", "n": "\n", "t": "\t", "r": "\r"}.get(
        m.group(1), m.group(1)), value)
    assert "%" not in unescaped.replace("%%", ""), "a stray field code"
    return [argument.replace("%%", "%") for argument in exec_arguments(unescaped)]


def exec_arguments(value: str) -> list[str]:
    """Split an unescaped Exec value: spaces separate, double quotes group, and inside them
    a backslash makes the next of " ` $ \\ literal (shlex leaves \\$ and \\` alone)."""
    arguments = []
    for quoted, bare in re.findall(r'"((?:[^"\\]|\\.)*)"|(\S+)', value):
        if bare:
            assert not re.search(r'["\'\\><~|&;$*?#()`]', bare), bare
            arguments.append(bare)
        else:
            assert not re.search(r'\\[^"`$\\]', quoted), quoted
            arguments.append(re.sub(r'\\(["`$\\])', r"\1", quoted))
    return arguments


def batch_command(path: Path) -> list[str]:
    """The argv of a .bat file's last line as cmd.exe reads it (quotes group, %% is %)."""
    raw = path.read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")  # CRLF only
    line = raw.decode("utf-8").split("\r\n")[-2]
    assert not re.search(r"(?<!%)%(?!%)", line.replace("%%", "")), "an expanding %VAR%"
    return [quoted or bare.replace("%%", "%")
            for quoted, bare in ((q.replace("%%", "%"), b) for q, b in
                                 re.findall(r'"([^"]*)"|(\S+)', line))]


def fake_surveyq(folder: Path) -> Path:
    """A stand-in ``surveyq`` recording its arguments, one per line, beside itself."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "surveyq"
    script.write_text('#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done > '
                      f'{shlex.quote(str(folder / "argv.txt"))}\n', "utf-8")
    script.chmod(0o755)
    return script


def test_linux_desktop_entry(tmp_path: Path) -> None:
    exe = fake_surveyq(tmp_path / "my tools" / AWKWARD)
    data = tmp_path / AWKWARD / "data"
    path = write_shortcut(tmp_path / "Desktop", "linux", data_dir=data, port=8765, lang="en",
                          executable=exe)
    assert path == tmp_path / "Desktop" / "surveyq.desktop"
    assert path.stat().st_mode & stat.S_IXUSR
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read_string(path.read_text("utf-8"))
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application" and section["Terminal"] == "false"
    assert section["Name"] and section["Name[id]"] and section["Comment[id]"]
    argv = desktop_exec(path)
    assert argv == [str(exe), "serve", "--data-dir", str(data), "--port", "8765", "--lang", "en"]
    assert Path(argv[0]).is_absolute()

    subprocess.run(argv, check=True, timeout=30)  # what a desktop would run
    assert (exe.parent / "argv.txt").read_text("utf-8").splitlines() == argv[1:]


def test_windows_batch_file(tmp_path: Path) -> None:
    exe = "C:\\Program Files\\surveyq env\\Scripts\\surveyq.exe"
    data = "C:\\Users\\Ani Rahma\\Documents\\surveyq 100% data & more (é)"
    path = write_shortcut(tmp_path, "win32", data_dir=data, port=8000, executable=exe)
    assert path.name == "surveyq.bat"
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("@echo off\r\nchcp 65001 >nul\r\n")
    assert batch_command(path) == [exe, "serve", "--data-dir", data, "--port", "8000"]


def test_windows_paths_cannot_hold_a_double_quote(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="double quote"):
        write_shortcut(tmp_path, "win32", data_dir='C:\\a"b', executable="C:\\s.exe")


def test_macos_command_file(tmp_path: Path) -> None:
    exe = fake_surveyq(tmp_path / "Applications" / AWKWARD)
    data = tmp_path / "Library" / AWKWARD
    path = write_shortcut(tmp_path / "Desktop", "darwin", data_dir=data, executable=exe)
    assert path.name == "surveyq.command" and path.stat().st_mode & stat.S_IXUSR
    lines = path.read_text("utf-8").splitlines()
    assert lines[0] == "#!/bin/sh" and lines[-1].startswith("exec ")
    argv = shlex.split(lines[-1])[1:]
    assert argv == [str(exe), "serve", "--data-dir", str(data)]

    subprocess.run([str(path)], check=True, timeout=30)  # what Finder would run
    assert (exe.parent / "argv.txt").read_text("utf-8").splitlines() == argv[1:]


def test_a_relative_data_folder_is_made_absolute(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    command = launcher_command("data", executable="/usr/bin/surveyq")
    assert command == ["/usr/bin/surveyq", "serve", "--data-dir", str(tmp_path / "data")]


def test_the_surveyq_of_this_environment_is_run(tmp_path: Path) -> None:
    executable = launcher_command()[0]
    assert Path(executable).is_absolute()
    beside = Path(sys.executable).parent / "surveyq"
    if beside.is_file():  # an installed package: its own console script, not one on PATH
        assert executable == str(beside.absolute())


def test_an_earlier_launcher_is_replaced(tmp_path: Path) -> None:
    write_shortcut(tmp_path, "linux", port=1, executable="/bin/surveyq")
    path = write_shortcut(tmp_path, "linux", port=2, executable="/bin/surveyq")
    assert desktop_exec(path)[-1] == "2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["surveyq.desktop"]


# --------------------------------------------------------------------------- the desktop


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.setenv("USERPROFILE", str(folder))
    for name in ("XDG_DESKTOP_DIR", "XDG_CONFIG_HOME", "ONEDRIVE"):
        monkeypatch.delenv(name, raising=False)
    return folder


def test_the_desktop_falls_back_to_home(home: Path) -> None:
    for platform in ("linux", "win32", "darwin"):
        assert desktop_folder(platform) == home
    path = write_shortcut(platform="darwin", executable="/bin/surveyq")
    assert path == home / "surveyq.command"


def test_the_desktop_folder_of_each_platform(home: Path, monkeypatch) -> None:
    (home / "Desktop").mkdir()
    assert desktop_folder("darwin") == desktop_folder("win32") == home / "Desktop"
    (home / "Schreibtisch").mkdir()
    (home / ".config").mkdir()
    (home / ".config" / "user-dirs.dirs").write_text(
        '# written by xdg-user-dirs-update\nXDG_DESKTOP_DIR="$HOME/Schreibtisch"\n')
    assert desktop_folder("linux") == home / "Schreibtisch"
    monkeypatch.setenv("XDG_DESKTOP_DIR", str(home / "Desktop"))
    assert desktop_folder("linux") == home / "Desktop"
    (home / "OneDrive" / "Desktop").mkdir(parents=True)
    monkeypatch.setenv("ONEDRIVE", str(home / "OneDrive"))
    assert desktop_folder("win32") == home / "OneDrive" / "Desktop"
    path = write_shortcut(platform="linux", executable="/bin/surveyq")
    assert path == home / "Desktop" / "surveyq.desktop"


@pytest.mark.skipif(os.name != "posix", reason="runs the POSIX launchers")
def test_no_temporary_file_is_left(tmp_path: Path) -> None:
    write_shortcut(tmp_path, "darwin", executable="/bin/surveyq")
    assert [p.name for p in tmp_path.iterdir()] == ["surveyq.command"]


def test_serve_shortcut_writes_the_launcher(home: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from surveyq.cli import app

    (home / "Desktop").mkdir()
    data = tmp_path / "survei kantor"
    answer = CliRunner().invoke(app, ["serve", "--shortcut", "--port", "8800", "--lang", "en",
                                      "--data-dir", str(data), "--host", "0.0.0.0"])
    assert answer.exit_code == 0, answer.output
    written = {"linux": "surveyq.desktop", "darwin": "surveyq.command"}.get(sys.platform,
                                                                            "surveyq.bat")
    path = home / "Desktop" / written
    assert path.is_file() and str(path) in answer.output.replace("\n", "")
    if sys.platform == "linux":
        argv = desktop_exec(path)
        assert argv[1:] == ["serve", "--data-dir", str(data), "--port", "8800", "--lang", "en"]
        assert Path(argv[0]).is_absolute() and "--host" not in argv


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-validate (desktop-file-utils) not installed")
def test_the_desktop_entry_passes_the_freedesktop_validator(tmp_path: Path) -> None:
    path = write_shortcut(tmp_path, "linux", data_dir=f"/srv/{AWKWARD}", port=8000,
                          executable="/opt/my tools/surveyq")
    checked = subprocess.run(["desktop-file-validate", str(path)], capture_output=True,
                             text=True, timeout=60)
    assert checked.returncode == 0 and checked.stdout.strip() == "", checked.stdout
