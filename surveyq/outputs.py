"""Writing output files atomically, the output set as a whole, and neutralising formulas.

Each file is written to a temporary file and renamed into place, so a reader never sees a
half-written report. A run's files are staged together and swapped into the output folder as
a set (:class:`OutputSet`), so an interrupted or failed run leaves the previous set intact.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from surveyq.messages import coded_siblings, msg

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def write_atomic(path: str | Path, data: str | bytes | Callable[[Path], None]) -> Path:
    """Write ``data`` (text, bytes, or a function writing to a path) to ``path`` atomically."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
    )
    os.close(handle)
    temp_path = Path(temporary)
    try:
        if callable(data):
            data(temp_path)
        elif isinstance(data, bytes):
            temp_path.write_bytes(data)
        else:
            temp_path.write_text(data, encoding="utf-8")
        umask = os.umask(0)
        os.umask(umask)
        temp_path.chmod(0o666 & ~umask)  # mkstemp makes 0600; outputs are ordinary files
        os.replace(temp_path, target)
    except BaseException:
        temp_path.unlink(missing_ok=True)
        raise
    return target


def neutralise_formula(value: Any) -> Any:
    """Make text that a spreadsheet would run as a formula inert, by prefixing an apostrophe.

    Numbers are left alone (a negative number is data, not a formula).

    >>> neutralise_formula('=HYPERLINK("http://x", "klik")')
    '\\'=HYPERLINK("http://x", "klik")'
    >>> neutralise_formula(-0.5)
    -0.5
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def to_jsonable(value: Any) -> Any:
    """Turn results (DataFrames, numpy scalars, NaN) into plain JSON values; NaN becomes null."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:  # most of the leaves
        return value
    if kind is float:
        return value if math.isfinite(value) else None
    if hasattr(value, "model_dump"):  # pydantic models (bilingual texts, specs)
        return to_jsonable(value.model_dump())
    if isinstance(value, pd.DataFrame):
        frame = (
            value.reset_index()
            if value.index.name or not isinstance(value.index, pd.RangeIndex)
            else value
        )
        return [to_jsonable(record) for record in records(frame)]
    if isinstance(value, pd.Series):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, dict):
        return coded_siblings({str(k): to_jsonable(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def records(frame: pd.DataFrame) -> list[dict[Any, Any]]:
    """``frame.to_dict(orient="records")``, each column taken once by position.

    pandas looks every column up through ``iloc`` (about half a millisecond each), which
    made most of the results' JSON conversion; the values are the same (numbers as Python
    scalars, cells of object and extension columns boxed as pandas boxes them).
    """
    if not frame.columns.is_unique or not len(frame.columns):
        return frame.to_dict(orient="records")  # pandas' warning, or one {} per row
    from pandas.core.dtypes.cast import maybe_box_native

    columns = frame.columns.tolist()
    values = [column for _, column in frame.items()]
    boxed = [isinstance(dtype, pd.api.extensions.ExtensionDtype) or dtype == np.dtype(object)
             for dtype in frame.dtypes.values]
    if all(boxed):
        return [dict(zip(columns, map(maybe_box_native, row), strict=True))
                for row in zip(*values, strict=True)]
    rows = [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]
    object_columns = [column for column, box in zip(columns, boxed, strict=True) if box]
    for row in rows:
        for column in object_columns:
            row[column] = maybe_box_native(row[column])
    return rows


def dumps_json(payload: Any) -> str:
    return json.dumps(to_jsonable(payload), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and headers a spreadsheet would not run as formulas.

    Every CSV surveyq writes goes through this (cleaning-log.csv, tables/*.csv), as the
    cells of appendix.xlsx go through :func:`neutralise_formula`.

    >>> neutralise_frame(pd.DataFrame({"a": ["=1+1", "ok"], "b": [-1, 2]}))["a"].tolist()
    ["'=1+1", 'ok']
    """
    safe = frame.rename(columns=neutralise_formula)
    for position in range(safe.shape[1]):
        values = safe.iloc[:, position]
        if pd.api.types.is_numeric_dtype(values):
            continue
        # found in C first: a column of 10^5 cells costs ms, not a Python call per cell
        risky = values.str.startswith(FORMULA_PREFIXES, na=False) if _has_text(values) \
            else None
        if risky is None or risky.any():
            safe.isetitem(position, values.map(neutralise_formula))
    return safe


def _has_text(values: pd.Series) -> bool:
    """Whether pandas' string methods apply to the column (text, or objects holding some)."""
    try:
        values.str  # noqa: B018 - raises AttributeError for a column without text
    except AttributeError:
        return False
    return True


# ---- the output set: staged, swapped in whole, stale files of our own run removed ------------

#: The list of files a run wrote, kept in the output folder; only these are ever removed.
MANIFEST = "surveyq-manifest.json"
MANIFEST_SCHEMA = "surveyq-manifest/1"
_STAGING_PREFIX = ".surveyq-staging-"


def _writable(folder: Path) -> bool:
    """Writable for us; a folder with no write bit counts as read-only even for root."""
    if not os.access(folder, os.W_OK | os.X_OK):
        return False
    as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    return not as_root or bool(folder.stat().st_mode & 0o222)


def check_out_folder(out: Path) -> None:
    """Refuse an --out that is not a folder, or one that cannot be created or written."""
    from surveyq.errors import InputError

    if out.exists() and not out.is_dir():
        raise InputError(msg("error.out_is_file" if out.is_file() else "error.out_is_special",
                             out=repr(str(out))))
    existing = out
    while not existing.exists():
        if existing.parent == existing:
            break
        existing = existing.parent
    if not existing.is_dir():
        raise InputError(msg("error.out_below_file", out=repr(str(out)),
                             file=repr(str(existing))))
    if not _writable(existing):
        raise InputError(msg("error.out_read_only", out=repr(str(out)))
                         if existing == out else
                         msg("error.out_parent_read_only", out=repr(str(out)),
                             folder=repr(str(existing))))


def previous_manifest(out: Path) -> list[str]:
    """Files the previous run listed in its manifest (relative, inside ``out``), else []."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(data, dict) or data.get("schema") != MANIFEST_SCHEMA:
        return []
    files = data.get("files")
    if not isinstance(files, list):
        return []
    return [name for name in files if isinstance(name, str) and _inside(out, name)]


def _foreign(manifest: Path) -> bool:
    """A manifest file whose content is not one surveyq writes (an empty list is ours too)."""
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return True
    return not (isinstance(data, dict) and data.get("schema") == MANIFEST_SCHEMA)


def _inside(out: Path, name: str) -> bool:
    relative = Path(name)
    return (not relative.is_absolute() and ".." not in relative.parts and name not in ("", ".")
            and name != MANIFEST)


class OutputSet:
    """Write a run's files into a staging folder, then swap them into ``out`` as a whole.

    An interrupted or failed run leaves the previous complete set untouched (the staging
    folder is removed). On commit every file is moved into place with ``os.replace``
    (Ctrl-C held off meanwhile), files the previous run listed in its manifest that this run
    did not write are removed, and the new manifest is written. Nothing else in ``out`` is
    ever deleted; a file the project reads is never replaced.

    Example
    -------
    >>> with OutputSet(Path("reports/out"), inputs=[]) as staged:   # doctest: +SKIP
    ...     written = [write_atomic(staged.folder / "results.json", "{}")]
    ...     final = staged.commit(written)
    """

    def __init__(self, out: Path, inputs: list[Path]) -> None:
        self.out = Path(out)
        self.inputs = {_real(path) for path in inputs}
        self.folder = self.out

    def preflight(self, names: list[str]) -> None:
        """Refuse an unusable ``out`` before any work: not a folder, read-only, or one whose
        files ``names`` would replace an input."""
        from surveyq.errors import InputError

        try:
            check_out_folder(self.out)
            self._check_targets(names)
        except OSError as error:
            raise InputError(msg("error.out_os", out=repr(str(self.out)),
                                 reason=str(error.strerror or error))) from None

    def __enter__(self) -> OutputSet:
        from surveyq.errors import InputError

        try:
            check_out_folder(self.out)
            self.out.mkdir(parents=True, exist_ok=True)
            _remove_orphaned_staging(self.out)
            self._make_staging_folder()
        except OSError as error:
            raise InputError(msg("error.out_cannot_create", out=repr(str(self.out)),
                                 reason=str(error.strerror or error))) from None
        return self

    def _make_staging_folder(self) -> None:
        """Make the staging folder with Ctrl-C held, and remove it if Ctrl-C came meanwhile:
        an interrupt between its creation and the end of ``__enter__`` (no ``__exit__``
        then) would leave it behind."""
        try:
            with _holding_interrupts():
                self.folder = Path(tempfile.mkdtemp(
                    prefix=f"{_STAGING_PREFIX}{os.getpid()}-", dir=self.out))
        except KeyboardInterrupt:
            self.__exit__()
            raise

    def __exit__(self, *exc: object) -> None:
        if self.folder != self.out:
            shutil.rmtree(self.folder, ignore_errors=True)

    def commit(self, written: list[Path]) -> list[Path]:
        """Move the staged files into ``out``; returns their final paths."""
        names = [path.relative_to(self.folder).as_posix() for path in written]
        self._check_targets(names)
        stale = [name for name in previous_manifest(self.out) if name not in set(names)]
        with _holding_interrupts():
            for name in names:
                target = self.out / name
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(self.folder / name, target)
            write_atomic(self.out / MANIFEST, json.dumps(
                {"schema": MANIFEST_SCHEMA, "files": names}, indent=2) + "\n")
            for name in stale:
                self._remove_stale(name)
        return [self.out / name for name in names]

    def _check_targets(self, names: list[str]) -> None:
        from surveyq.errors import InputError

        manifest = self.out / MANIFEST
        if manifest.exists() and not previous_manifest(self.out) and _foreign(manifest):
            raise InputError(msg("error.out_foreign_manifest", out=repr(str(self.out)),
                                 manifest=MANIFEST))
        for name in [*names, MANIFEST]:
            target = self.out / name
            for parent in list(Path(name).parents)[:-1]:
                folder = self.out / parent
                if folder.exists() and not folder.is_dir():
                    raise InputError(msg("error.out_folder_is_file", out=repr(str(self.out)),
                                         folder=repr(str(folder)), name=repr(name)))
            if _real(target) in self.inputs:
                raise InputError(msg("error.out_replaces_input", out=repr(str(self.out)),
                                     target=repr(str(target))))
            if target.exists() and not target.is_file():
                raise InputError(msg("error.out_target_not_file", out=repr(str(self.out)),
                                     target=repr(str(target))))

    def _remove_stale(self, name: str) -> None:
        """Remove a file of the previous run that this run did not write (never an input)."""
        target = self.out / name
        if target.is_symlink() or not target.is_file() or _real(target) in self.inputs:
            return
        if any((self.out / folder).is_symlink() for folder in list(Path(name).parents)[:-1]):
            return  # a linked folder leads outside ``out``: its files are not ours to remove
        target.unlink(missing_ok=True)
        parent = target.parent
        while parent != self.out and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent


def _remove_orphaned_staging(out: Path) -> None:
    """Staging folders of runs killed outright (their process is gone): only ours, by name."""
    for folder in out.glob(f"{_STAGING_PREFIX}*-*"):
        pid = folder.name[len(_STAGING_PREFIX):].split("-", 1)[0]
        if folder.is_dir() and not folder.is_symlink() and pid.isdigit() \
                and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def _real(path: Path) -> Path:
    try:
        return Path(os.path.realpath(path))
    except OSError:
        return Path(os.path.abspath(path))


@contextlib.contextmanager
def _holding_interrupts() -> Iterator[None]:
    """Hold Ctrl-C while the staged files are moved in, then deliver it (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: received.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt
