"""Checks before opening a file the user named: a regular, readable file, or a clear error.

``open()`` on a named pipe (FIFO) blocks until another program writes to it, a device such
as ``/dev/null`` reads as empty or never ends, a symbolic link that loops fails with an
errno. Each is refused here with one line naming the file and the fix, before anything is
opened, so reading never hangs and never ends in a traceback.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from surveyq.errors import InputError
from surveyq.messages import Message, msg

_SPECIAL = (
    (stat.S_ISFIFO, "error.special_fifo"),
    (stat.S_ISCHR, "error.special_device"),
    (stat.S_ISBLK, "error.special_block"),
    (stat.S_ISSOCK, "error.special_socket"),
)


def _what(what: str) -> Message | str:
    """The kind of file as a message ("project file" -> "berkas proyek")."""
    code = "error.what_" + what.replace(" ", "_")
    return msg(code) if code in _WHATS else what


_WHATS = {"error.what_file", "error.what_project_file", "error.what_scorecard_file",
          "error.what_questionnaire_file"}


def check_regular_file(path: str | os.PathLike[str], what: str = "file") -> None:
    """Raise :class:`InputError` unless ``path`` is an existing, readable regular file.

    ``what`` names the file in the message ("project file", "questionnaire file").
    """
    file = os.fspath(path)
    what = _what(what)
    try:
        status = os.stat(file)
    except FileNotFoundError:
        raise InputError(msg("error.what_not_found", what=what, folder=os.getcwd()),
                         file) from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise InputError(msg("error.link_loop"), file) from None
        raise InputError(msg("error.what_cannot_open", what=what,
                             reason=str(error.strerror or error)), file) from None
    if stat.S_ISDIR(status.st_mode):
        raise InputError(msg("error.what_is_folder", what=what), file)
    for test, kind in _SPECIAL:
        if test(status.st_mode):
            raise InputError(msg("error.special_file", kind=msg(kind)), file)
    if not os.access(file, os.R_OK):
        raise InputError(msg("error.what_permission", what=what), file)


def read_bytes(path: Path, what: str = "file") -> bytes:
    """The whole file, after :func:`check_regular_file`; OS errors become InputErrors."""
    check_regular_file(path, what)
    try:
        return path.read_bytes()
    except OSError as error:
        raise InputError(msg("error.what_cannot_read", what=_what(what),
                             reason=str(error.strerror or error)), str(path)) from None
