"""Cells of a text export that are not clean UTF-8, repaired as every reader repairs them.

A stray byte that is not UTF-8 (a cell typed in a Windows-1252 program) is read as
Windows-1252 and a NUL byte is removed; each repaired cell is noted in the cleaning log
with its row and column (:func:`surveyq.readers.log_repairs`). The careful reader repairs
the decoded records (:func:`repair_cells`), the block reader each block's bytes
(:func:`repair_utf8`, :mod:`surveyq.readers.blocks`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Undecodable bytes kept as surrogate escapes (``errors="surrogateescape"``).
SURROGATES = re.compile("[\udc80-\udcff]+")


@dataclass(frozen=True)
class CellRepair:
    """A cell whose bytes were repaired: invalid UTF-8 read as Windows-1252, NULs removed."""

    record: int   # 0-based record (the header's record included)
    column: int   # 0-based position
    raw: bytes
    fixed: str
    nul: bool
    encoding: bool


def repair_cells(records: list[list[str]]) -> list[CellRepair]:
    """Fix, in place, cells holding invalid UTF-8 bytes (read as Windows-1252) or NULs."""
    repairs = []
    for row, record in enumerate(records):
        for column, cell in enumerate(record):
            if "\x00" in cell or SURROGATES.search(cell):
                fixed = SURROGATES.sub(_as_cp1252, cell).replace("\x00", "")
                raw = cell.encode("utf-8", "surrogateescape")
                repairs.append(CellRepair(row, column, raw, fixed, "\x00" in cell,
                                          bool(SURROGATES.search(cell))))
                record[column] = fixed
    return repairs


def has_surrogates(text: str) -> bool:
    """Whether undecodable bytes were kept as surrogate escapes (fast: no regex scan)."""
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def repair_utf8(data: bytes) -> bytes | None:
    """UTF-8 bytes with invalid runs read as Windows-1252 and NULs removed; None when
    ``data`` is clean UTF-8 already (the streamed reader's fast path)."""
    if b"\x00" not in data:
        try:
            data.decode("utf-8")
            return None
        except UnicodeDecodeError:
            pass
    text = data.decode("utf-8", "surrogateescape")
    return SURROGATES.sub(_as_cp1252, text).replace("\x00", "").encode("utf-8")


def _as_cp1252(match: re.Match[str]) -> str:
    # The five bytes Windows-1252 leaves undefined become U+FFFD, visibly.
    return match.group(0).encode("utf-8", "surrogateescape").decode("cp1252", "replace")


