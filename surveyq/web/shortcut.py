"""A desktop launcher for ``surveyq serve``: double-click, and the page opens in the browser.

``surveyq serve --shortcut`` writes one for people who never open a terminal:

* Linux: ``surveyq.desktop`` (the freedesktop.org Desktop Entry format, ``Terminal=false``),
  made executable, since GNOME and KDE only launch trusted, executable entries;
* Windows: ``surveyq.bat`` (UTF-8 code page switched on first, so a user folder with
  non-ASCII letters works);
* macOS: ``surveyq.command`` (a shell script Finder opens in Terminal), made executable.

Each runs the absolute path of the ``surveyq`` executable that wrote it (the pipx or virtual
environment's own), so a launcher keeps working whatever is on ``PATH``. Paths with spaces
and shell characters are quoted by each format's own rules.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path, PurePosixPath, PureWindowsPath

__all__ = ["desktop_folder", "launcher_command", "write_shortcut"]

NAME = "surveyq"
TITLE = {"id": "surveyq: survei kepuasan", "en": "surveyq: satisfaction surveys"}
COMMENT = {"id": "Buka halaman surveyq di peramban (hanya di komputer ini)",
           "en": "Open the surveyq page in the browser (on this computer only)"}


def _family(platform: str) -> str:
    if platform.startswith("win") or platform == "cygwin":
        return "windows"
    return "macos" if platform == "darwin" else "linux"


def _xdg_desktop(home: Path) -> Path | None:
    """``XDG_DESKTOP_DIR`` from the environment or ``~/.config/user-dirs.dirs`` (which
    desktops localise: ``~/Schreibtisch``, ``~/Desktop``...)."""
    value = os.environ.get("XDG_DESKTOP_DIR")
    if not value:
        config = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config") / "user-dirs.dirs"
        try:
            found = re.search(r'^XDG_DESKTOP_DIR="([^"]*)"', config.read_text("utf-8"), re.M)
        except OSError:
            found = None
        value = found.group(1) if found else None
    if not value:
        return None
    return Path(value.replace("$HOME", str(home)))


def desktop_folder(platform: str = sys.platform) -> Path:
    """The user's desktop on ``platform``, or the home folder when there is none."""
    family = _family(platform)
    if family == "windows":
        home = Path(os.environ.get("USERPROFILE") or Path.home())
        # Windows keys are case-insensitive; OneDrive often moves the desktop into itself.
        onedrive = os.environ.get("ONEDRIVE")
        candidates = [Path(onedrive) / "Desktop"] if onedrive else []
        candidates.append(home / "Desktop")
    else:
        home = Path.home()
        xdg = _xdg_desktop(home) if family == "linux" else None
        candidates = [*([xdg] if xdg else []), home / "Desktop"]
    return next((folder for folder in candidates if folder.is_dir()), home)


def launcher_command(data_dir: str | Path | None = None, port: int | None = None,
                     lang: str | None = None, executable: str | Path | None = None) -> list[str]:
    """The command a launcher runs: ``surveyq serve`` by absolute path, and its options."""
    command = [str(executable)] if executable else _surveyq_executable()
    command.append("serve")
    if data_dir is not None:
        command += ["--data-dir", _absolute(data_dir)]
    if port is not None:
        command += ["--port", str(int(port))]
    if lang is not None:
        command += ["--lang", lang]
    return command


def _absolute(path: str | Path) -> str:
    """``path`` absolute (a launcher runs from anywhere); a Windows path kept as written."""
    text = str(path)
    if PureWindowsPath(text).is_absolute() or PurePosixPath(text).is_absolute():
        return text
    return str(Path(text).expanduser().absolute())


def _surveyq_executable() -> list[str]:
    """The ``surveyq`` script beside this Python (its venv or pipx environment), else on
    PATH, else ``python -m surveyq`` with this interpreter."""
    folder = Path(sys.executable).parent
    for name in ("surveyq", "surveyq.exe"):
        if (folder / name).is_file():
            return [str((folder / name).absolute())]
    found = shutil.which(NAME)
    return [str(Path(found).absolute())] if found else [sys.executable, "-m", NAME]


# --------------------------------------------------------------------------- formats


def _desktop_argument(argument: str) -> str:
    """One Exec argument by the Desktop Entry rules: quoted with \\ before " ` $ \\, then
    the string escape (\\ doubled again), ``%`` doubled (field codes)."""
    if argument and not re.search(r'[\s"\'\\><~|&;$*?#()`%=]', argument):
        quoted = argument
    else:
        quoted = '"' + re.sub(r'(["`$\\])', r"\\\1", argument) + '"'
    return quoted.replace("\\", "\\\\").replace("%", "%%")


def _desktop_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")


def desktop_entry(command: Sequence[str]) -> str:
    """A freedesktop.org ``.desktop`` entry running ``command`` without a terminal."""
    lines = ["[Desktop Entry]", "Type=Application", "Version=1.0",
             f"Name={_desktop_string(TITLE['en'])}", f"Name[id]={_desktop_string(TITLE['id'])}",
             f"Comment={_desktop_string(COMMENT['en'])}",
             f"Comment[id]={_desktop_string(COMMENT['id'])}",
             "Exec=" + " ".join(_desktop_argument(a) for a in command),
             "Terminal=false", "Categories=Office;", "StartupNotify=false"]
    return "\n".join(lines) + "\n"


def _batch_argument(argument: str) -> str:
    """One argument of a ``.bat`` line: double-quoted when needed, ``%`` doubled (cmd.exe
    expands %VAR% even inside quotes; Windows paths cannot hold a double quote)."""
    if '"' in argument:
        raise ValueError(f"a Windows path cannot hold a double quote: {argument!r}")
    escaped = argument.replace("%", "%%")
    return escaped if re.fullmatch(r"[\w.:\\/-]+", argument) else f'"{escaped}"'


def batch_file(command: Sequence[str]) -> str:
    """A Windows ``.bat`` running ``command`` (CRLF lines, the UTF-8 code page)."""
    lines = ["@echo off", "chcp 65001 >nul", f"title {TITLE['en']}",
             " ".join(_batch_argument(a) for a in command)]
    return "\r\n".join(lines) + "\r\n"


def command_file(command: Sequence[str]) -> str:
    """A macOS ``.command`` shell script running ``command``."""
    return f"#!/bin/sh\n# {TITLE['en']}\nexec {shlex.join(command)}\n"


FORMATS = {"linux": (".desktop", desktop_entry), "windows": (".bat", batch_file),
           "macos": (".command", command_file)}


def write_shortcut(target_dir: Path | None = None, platform: str = sys.platform,
                   data_dir: str | Path | None = None, port: int | None = None,
                   lang: str | None = None, executable: str | Path | None = None) -> Path:
    """Write the desktop launcher for ``platform`` into ``target_dir`` (default: the desktop,
    else the home folder) and return its path; an earlier one is replaced.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> path = write_shortcut(folder, "linux", port=8765, executable="/opt/my tools/surveyq")
    >>> path.name, os.access(path, os.X_OK)
    ('surveyq.desktop', True)
    >>> [line for line in path.read_text().splitlines() if line.startswith("Exec=")]
    ['Exec="/opt/my tools/surveyq" serve --port 8765']
    """
    family = _family(platform)
    suffix, render = FORMATS[family]
    folder = Path(target_dir) if target_dir is not None else desktop_folder(platform)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{NAME}{suffix}"
    text = render(launcher_command(data_dir, port, lang, executable))
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(text.encode("utf-8"))  # bytes: CRLF kept as written, on any OS
    if family != "windows":
        temporary.chmod(0o755)
    temporary.replace(path)
    return path
