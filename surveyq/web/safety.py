"""What an upload may do to the disk: file names, confinement to a folder, zip extraction.

The local web page (``surveyq serve``) stores every upload in its own folder. Nothing a
browser sends is used as a path as it is:

* :func:`safe_filename` turns a client's file name into one plain name (no folder, no
  control character, no reserved Windows device name, no leading dot), keeping its extension;
* :func:`confine` resolves a path (symbolic links included) and refuses it outside a root;
* :func:`extract_zip_safely` unpacks a zipped project folder entry by entry, refusing absolute
  paths, ``..``, drive letters, links and special files, too many entries, too many bytes and
  decompression bombs, and counting the bytes it writes rather than trusting the headers (the
  checks OWASP's file-upload guidance and CWE-22/CWE-409 describe);
* :func:`check_project_paths` refuses an uploaded project whose YAML names a file outside its
  own folder (:func:`surveyq.project.load_project` takes the same ``root=`` when loading).

Each refusal is an :class:`UnsafeUploadError` whose message is a
:class:`~surveyq.messages.Message`: one English line by default, ``translate(error.message,
"id")`` in Indonesian.
"""

from __future__ import annotations

import re
import shutil
import stat
import unicodedata
import uuid
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import IO, Any

from surveyq.errors import InputError
from surveyq.messages import Message, joined, msg, translate

__all__ = [
    "UnsafeUploadError",
    "check_project_paths",
    "confine",
    "extract_zip_safely",
    "safe_filename",
]

#: Device names Windows reserves in any folder, with any extension (``con.csv`` included).
WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{stem}{n}" for stem in ("COM", "LPT") for n in [*"123456789", "¹", "²", "³"]]
)
#: Characters no Windows file name may hold (the separators among them).
FORBIDDEN_CHARACTERS = re.compile(r'[<>:"/\\|?*]')
#: Longest name most file systems take, in UTF-8 bytes.
MAX_NAME_BYTES = 255
#: Longest path of a zip entry accepted, in UTF-8 bytes (well inside Linux's 4096 with the
#: folders above it).
MAX_PATH_BYTES = 1024
#: The name given when nothing usable is left of a client's name.
FALLBACK_NAME = "upload"
#: Bytes read from a zip entry at a time.
CHUNK = 1 << 16
#: A zip entry smaller than this is never called a bomb (a few KiB of one repeated answer
#: compresses far beyond any sensible ratio, and cannot hurt anyone).
RATIO_FLOOR = 1 << 20
#: Entries that macOS and Windows add to a zipped folder and that are never data.
JUNK_PARTS = frozenset({"__MACOSX", ".DS_Store", "Thumbs.db", "desktop.ini"})


class UnsafeUploadError(InputError):
    """An upload refused for safety; ``message`` is the coded one-line reason.

    >>> error = UnsafeUploadError(msg("upload.traversal", file="p.zip", entry="../x"))
    >>> str(error)
    'p.zip: entry ../x points outside the folder (..): zip the folder again'
    >>> error.text("id")
    'p.zip: entri ../x menunjuk ke luar folder (..): zip ulang foldernya'
    """

    def __init__(self, message: Message | str) -> None:
        self.message = message  # a plain str is shown as it is in either language
        super().__init__(message)

    def text(self, lang: str) -> str:
        """The reason in ``lang`` (``id`` or ``en``)."""
        return translate(self.message, lang)


# --------------------------------------------------------------------------- names


def _is_unsafe_character(character: str) -> bool:
    # Cc: control characters (NUL, newline, ESC); Cf: invisible format characters such as
    # the right-to-left override that makes "gpj.exe" display as "exe.jpg"; Cs: lone
    # surrogates (undecodable bytes of a name), which no file system stores as sent.
    return unicodedata.category(character) in ("Cc", "Cf", "Cs") or bool(
        FORBIDDEN_CHARACTERS.match(character))


def _truncate(name: str) -> str:
    """``name`` cut to :data:`MAX_NAME_BYTES` UTF-8 bytes, the extension kept when short."""
    if len(name.encode("utf-8")) <= MAX_NAME_BYTES:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or len(extension.encode("utf-8")) > 16:
        stem, extension = name, ""
    room = MAX_NAME_BYTES - len(extension.encode("utf-8")) - (1 if extension else 0)
    cut = stem.encode("utf-8")[:room].decode("utf-8", errors="ignore").rstrip(" .")
    return f"{cut or FALLBACK_NAME}.{extension}" if extension else cut or FALLBACK_NAME


def safe_filename(name: str) -> str:
    """A plain file name made from a client's ``name``: never a path, never empty.

    The last component after either separator is kept (browsers on Windows once sent
    ``C:\\Users\\...\\data.csv``); control and invisible format characters and those Windows
    forbids are dropped; leading dots and spaces and trailing ones (which Windows ignores)
    are stripped; a reserved device name (``CON``, ``NUL``, ``COM1``...) gains a leading
    ``_``; the result is cut to 255 UTF-8 bytes keeping the extension.

    >>> safe_filename("../../etc/passwd")
    'passwd'
    >>> safe_filename("C:\\\\Users\\\\ani\\\\SKM 2025.xlsx")
    'SKM 2025.xlsx'
    >>> safe_filename("con.csv"), safe_filename(".bashrc"), safe_filename("..")
    ('_con.csv', 'bashrc', 'upload')
    """
    name = unicodedata.normalize("NFC", str(name))
    last = re.split(r"[/\\]", name)[-1]
    cleaned = "".join(c for c in last if not _is_unsafe_character(c))
    cleaned = cleaned.strip(" .")
    if not cleaned:
        return FALLBACK_NAME
    if cleaned.split(".")[0].rstrip(" ").upper() in WINDOWS_RESERVED:
        cleaned = f"_{cleaned}"
    return _truncate(cleaned)


# --------------------------------------------------------------------------- confinement


def confine(path: str | Path, root: str | Path) -> Path:
    """``path`` (relative paths taken from ``root``) resolved, refused outside ``root``.

    Symbolic links are followed before the test, so a link inside ``root`` that points out
    is refused too; the resolved path is returned.

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> confine("a/b.csv", root) == root.resolve() / "a" / "b.csv"
    True
    >>> confine("../x", root)
    Traceback (most recent call last):
    ...
    surveyq.web.safety.UnsafeUploadError: ../x is outside the upload's own folder: refused
    """
    base = Path(root).resolve()
    candidate = Path(path)
    try:
        full = (candidate if candidate.is_absolute() else base / candidate).resolve()
    except (OSError, RuntimeError):  # a symlink loop
        raise UnsafeUploadError(msg("upload.outside_root", path=str(path))) from None
    if not full.is_relative_to(base):
        raise UnsafeUploadError(msg("upload.outside_root", path=str(path)))
    return full


# --------------------------------------------------------------------------- zip files


def _refused(code: str, file: str, entry: zipfile.ZipInfo | str, **params: Any
             ) -> UnsafeUploadError:
    """The refusal ``upload.<code>`` of one entry of the zip ``file``."""
    name = entry.filename if isinstance(entry, zipfile.ZipInfo) else entry
    return UnsafeUploadError(msg(f"upload.{code}", file=file, entry=_shown(name), **params))


def _shown(name: str) -> str:
    """An entry's name for a one-line message: as written, or quoted with escapes when it
    holds a newline or another character that does not print."""
    return name if name.isprintable() else repr(name)


def _entry_parts(info: zipfile.ZipInfo, file: str) -> tuple[str, ...]:
    """The folder parts of an entry's name as written, refused when it could leave the folder
    (an absolute path, a drive letter, ``..``) or is too long to create."""
    name = info.filename
    posix = name.replace("\\", "/")  # zips made on Windows may use either separator
    if posix.startswith("/") or re.match(r"^[A-Za-z]:", posix):
        raise _refused("absolute_path", file, name)
    parts = tuple(part for part in posix.split("/") if part not in ("", "."))
    if ".." in parts:
        raise _refused("traversal", file, name)
    if len(posix.encode("utf-8")) > MAX_PATH_BYTES:
        raise _refused("path_too_long", file, name[:80] + "...")
    return parts


def _is_link_or_special(info: zipfile.ZipInfo) -> bool:
    """True for a symbolic link, device, FIFO or socket (Unix mode in the high 16 bits)."""
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)
    return kind not in (0, stat.S_IFREG, stat.S_IFDIR)


def _check_declared(infos: list[zipfile.ZipInfo], file: str, max_bytes: int, max_files: int,
                    max_ratio: float, archive_size: int) -> None:
    """Refuse on the central directory alone: counts, declared sizes, ratios, links.

    The ratio is tested per entry and for the whole archive: entries that overlap (many
    central-directory records pointing at one compressed stream, Fifield 2019, "A better
    zip bomb") each stay small, but together expand far beyond the archive's size.
    """
    if len(infos) > max_files:
        raise UnsafeUploadError(msg("upload.too_many_entries", file=file, count=len(infos),
                                    limit=max_files))
    declared = sum(info.file_size for info in infos)
    if declared > max_bytes:
        raise UnsafeUploadError(msg("upload.too_large", file=file, size=_mb(declared),
                                    limit=_mb(max_bytes)))
    for info in infos:
        if _is_link_or_special(info):
            raise _refused("link", file, info)
        if info.flag_bits & 0x1:
            raise _refused("encrypted", file, info)
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= RATIO_FLOOR and ratio > max_ratio:
            raise _refused("bomb", file, info, ratio=round(ratio), limit=round(max_ratio))
    whole = declared / max(archive_size, 1)
    if declared >= RATIO_FLOOR and whole > max_ratio:
        raise UnsafeUploadError(msg("upload.bomb_total", file=file, ratio=round(whole),
                                    limit=round(max_ratio)))


def _mb(size: int) -> float:
    return round(size / 2**20, 1)


def _copy_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, file: str,
                budget: int) -> int:
    """Write one entry counting real bytes; refuse past its declared size or the budget."""
    written = 0
    with archive.open(info) as source, open(target, "xb") as sink:
        while chunk := _read(source, info, file):
            written += len(chunk)
            if written > info.file_size:
                raise _refused("size_lie", file, info)
            if written > budget:
                raise UnsafeUploadError(msg("upload.too_large", file=file, size=_mb(written),
                                            limit=_mb(budget)))
            sink.write(chunk)
    return written


def _read(source: IO[bytes], info: zipfile.ZipInfo, file: str) -> bytes:
    """The next chunk of an entry; a checksum or stream error means a forged or damaged entry
    (zipfile stops at the declared size and then finds the CRC wrong)."""
    try:
        return source.read(CHUNK)
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise _refused("size_lie", file, info) from None


Planned = list[tuple[zipfile.ZipInfo, PurePosixPath, bool]]


def _plan(infos: list[zipfile.ZipInfo], file: str) -> Planned:
    """(entry, relative path, is a folder) of every entry to write; hidden entries skipped."""
    planned, seen = [], set()
    for info in infos:
        parts = _entry_parts(info, file)
        if not parts or any(p in JUNK_PARTS or p.startswith(".") for p in parts):
            continue  # hidden files and folders (.git, ._x from macOS) are never data
        # A name some system cannot store (CON, a<b>.csv, a trailing dot, a control
        # character) is written under its safe_filename; a project naming it then reports
        # the file missing, and the page lists what was stored.
        relative = PurePosixPath(*map(safe_filename, parts))
        folded = str(relative).casefold()  # Windows and macOS fold case
        if folded in seen:
            raise _refused("duplicate_entry", file, info)
        seen.add(folded)
        planned.append((info, relative, info.filename.replace("\\", "/").endswith("/")))
    return planned


def extract_zip_safely(zip_path: str | Path, dest: str | Path, *, max_bytes: int,
                       max_files: int, max_ratio: float) -> list[Path]:
    """Unpack the zip ``zip_path`` into the new folder ``dest``; the files written.

    Refused with :class:`UnsafeUploadError`, leaving nothing behind: more than ``max_files``
    entries; more than ``max_bytes`` declared or actually written in total; an entry over
    1 MiB expanding more than ``max_ratio``-fold; an entry writing more bytes than its
    header declares (headers are not trusted: bytes are counted while streaming); absolute
    paths, drive letters, ``..``, links and special files, encrypted entries, paths over 1024
    bytes, and the same name twice. A name some system cannot store is written under its
    :func:`safe_filename`. Zips inside are written as files, not opened. Hidden entries
    (``.git/``, ``__MACOSX/``, ``.DS_Store``) are skipped.

    >>> import io, tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> with zipfile.ZipFile(folder / "p.zip", "w") as z:
    ...     z.writestr("project/project.yaml", "organisation: x")
    >>> [p.name for p in extract_zip_safely(folder / "p.zip", folder / "out",
    ...                                     max_bytes=2**20, max_files=10, max_ratio=100)]
    ['project.yaml']
    """
    file = Path(zip_path).name
    target = Path(dest)
    if target.exists() and any(target.iterdir()):
        raise FileExistsError(f"{target} is not empty")
    staging = target.parent / f".{target.name}.partial-{uuid.uuid4().hex}"
    staging.mkdir(parents=True)
    try:
        written = _extract(Path(zip_path), staging, file, max_bytes, max_files, max_ratio)
        if target.exists():
            target.rmdir()
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [target / relative for relative in written]


def _extract(zip_path: Path, staging: Path, file: str, max_bytes: int, max_files: int,
             max_ratio: float) -> list[PurePosixPath]:
    try:
        with zipfile.ZipFile(zip_path) as archive:
            infos = archive.infolist()
            _check_declared(infos, file, max_bytes, max_files, max_ratio,
                            zip_path.stat().st_size)
            return _write_all(archive, _plan(infos, file), staging, file, max_bytes)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError) as exc:
        if isinstance(exc, UnsafeUploadError):
            raise
        raise UnsafeUploadError(msg("upload.not_a_zip", file=file)) from None


def _write_all(archive: zipfile.ZipFile, planned: Planned, staging: Path, file: str,
               max_bytes: int) -> list[PurePosixPath]:
    written, total = [], 0
    for info, relative, is_folder in planned:
        path = confine(staging / relative, staging)
        try:
            if is_folder:
                path.mkdir(parents=True, exist_ok=True)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            total += _copy_entry(archive, info, path, file, max_bytes - total)
        except RuntimeError:  # zipfile: "password required"
            raise _refused("encrypted", file, info) from None
        except (FileExistsError, NotADirectoryError, IsADirectoryError):  # "a" and "a/b"
            raise _refused("duplicate_entry", file, info) from None
        written.append(relative)
    return written


# --------------------------------------------------------------------------- projects


def check_project_paths(project_yaml: str | Path, root: str | Path) -> None:
    """Refuse an uploaded project whose YAML names a file outside ``root`` (its folder).

    Only the YAML is read: no responses, questionnaire or scorecard file is opened before
    every path is known to stay inside. A questionnaire may also be a shipped id. Loading
    the project afterwards with ``load_project(path, root=root)`` applies the same test.
    """
    from surveyq.project import outside_paths, read_project_spec

    yaml_path = confine(project_yaml, root)
    problems = outside_paths(read_project_spec(yaml_path), yaml_path.parent, Path(root))
    if problems:  # every one at once, as load_project reports problems
        raise UnsafeUploadError(joined(problems))
