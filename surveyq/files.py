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

_SPECIAL = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device (such as /dev/null)"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def check_regular_file(path: str | os.PathLike[str], what: str = "file") -> None:
    """Raise :class:`InputError` unless ``path`` is an existing, readable regular file.

    ``what`` names the file in the message ("project file", "questionnaire file").
    """
    file = os.fspath(path)
    try:
        status = os.stat(file)
    except FileNotFoundError:
        raise InputError(f"{what} not found; check the path (relative paths start from "
                         f"{os.getcwd()})", file) from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise InputError("this is a symbolic link that loops (it leads back to itself); "
                             "point it at the real file or give the file's own path",
                             file) from None
        raise InputError(f"cannot open the {what} ({error.strerror or error}); check the path "
                         "and its permissions", file) from None
    if stat.S_ISDIR(status.st_mode):
        raise InputError(f"this is a folder, not a file; give the path of the {what}", file)
    for test, kind in _SPECIAL:
        if test(status.st_mode):
            raise InputError(f"this is {kind}, not a regular file; surveyq reads only ordinary "
                             f"files: save the data to a file and give its path", file)
    if not os.access(file, os.R_OK):
        raise InputError(f"the {what} cannot be read (permission denied); check its "
                         "permissions, or copy it somewhere you can read it", file)


def read_bytes(path: Path, what: str = "file") -> bytes:
    """The whole file, after :func:`check_regular_file`; OS errors become InputErrors."""
    check_regular_file(path, what)
    try:
        return path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read the {what} ({error.strerror or error}); check its "
                         "permissions and that no other program locks it", str(path)) from None
