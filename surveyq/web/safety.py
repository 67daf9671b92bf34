"""Upload safety: sanitised file names, checked zip extraction, paths confined to a folder.

PLACEHOLDER written by the web branch so the server works on its own; the full version
(webkit's) replaces this file at merge with the same three functions and error class.
"""

from __future__ import annotations

import re
import stat
import unicodedata
import zipfile
from pathlib import Path, PurePosixPath

from surveyq.errors import InputError

__all__ = ["UnsafeUploadError", "confine", "extract_zip_safely", "safe_filename"]


class UnsafeUploadError(InputError):
    """An upload that could reach outside its folder or exhaust the disk."""


def safe_filename(name: str) -> str:
    """A file name safe to create in a folder: no separators, no leading dots, short.

    >>> safe_filename("../../etc/passwd.csv")
    'passwd.csv'
    >>> safe_filename("Survei SKM 2025 (final).xlsx")
    'Survei_SKM_2025_final.xlsx'
    """
    base = re.split(r"[\\/]", unicodedata.normalize("NFKC", str(name)))[-1]
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    clean = lambda text: re.sub(r"[^\w.-]+", "_", text, flags=re.ASCII).strip("._-")  # noqa: E731
    stem, suffix = clean(stem)[:80] or "upload", clean(suffix)[:10]
    return f"{stem}.{suffix}" if suffix else stem


def confine(path: str | Path, root: str | Path) -> Path:
    """``path`` resolved, provided it lies inside ``root``; else UnsafeUploadError."""
    base = Path(root).resolve()
    candidate = Path(path)
    full = (candidate if candidate.is_absolute() else base / candidate).resolve()
    if full != base and base not in full.parents:
        raise UnsafeUploadError(f"{path}: the path leads outside its folder")
    return full


def extract_zip_safely(zip_path: str | Path, dest: str | Path, max_bytes: int,
                       max_files: int) -> list[Path]:
    """Extract a zip into ``dest``, refusing traversal, links, absolute paths and bombs."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    try:
        archive = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnsafeUploadError(f"{Path(zip_path).name}: not a readable zip file ({exc})") from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) > max_files:
            raise UnsafeUploadError(f"the zip holds {len(members)} files; at most {max_files}")
        if sum(m.file_size for m in members) > max_bytes:
            raise UnsafeUploadError("the zip unpacks to more than the upload limit")
        written = []
        for member in members:
            name = member.filename
            parts = PurePosixPath(name.replace("\\", "/")).parts
            if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts:
                raise UnsafeUploadError(f"{name}: a path outside the zip's folder")
            if stat.S_ISLNK(member.external_attr >> 16):
                raise UnsafeUploadError(f"{name}: links are not accepted in a zip")
            target = confine(Path(*parts), dest)
            target.parent.mkdir(parents=True, exist_ok=True)
            total = 0
            with archive.open(member) as source, open(target, "wb") as sink:
                while chunk := source.read(1 << 16):
                    total += len(chunk)
                    if total > max_bytes:
                        raise UnsafeUploadError("the zip unpacks to more than the upload limit")
                    sink.write(chunk)
            written.append(target)
    return written
