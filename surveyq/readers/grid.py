"""Rows of cells (a parsed CSV or a worksheet) -> header, kept rows, excluded rows.

Header row (spreadsheets, and CSVs that start with title lines): the first row that is
*dense* -- at least half as many filled cells as the widest row near the top, and at least
two -- and whose filled cells are mostly (90 %) distinct. Titles such as a merged
"SURVEI KEPUASAN MASYARAKAT" or a year fill one cell and are skipped; a data row repeats its
answer codes. When no row qualifies the first dense row is the header. A header cell left
empty by a vertically merged cell takes the text of the row above it.

Rows below the header (real-data README, skm-14unsur-tabulation-TESTDATA.xlsx):

* an empty row is excluded as BLANK_ROW;
* a *summary row* has a text cell (in any column) that is a summary label -- JUMLAH, Total,
  NRR, NRR / Unsur, NRR Tertimbang, Rata-rata, Rerata, IKM, Nilai IKM, Keterangan, Semua
  Nilai Unsur, Mean, Average ... Numbers are never read as labels, so a ``No`` column
  counting 4, 3, 2, 1 beside the labels does not make those rows respondents;
* a label counts as a *row label* only in the first three columns or left of every number
  in the row (``JUMLAH | 9 | 10``), where tabulations put row labels: a free-text answer or
  an answer option reading "Rata-rata" among the answers does not drop a respondent;
* the *summary block* starts at the first row with a row label after the last dense row
  without one. From there down every row is excluded: summary rows and sparse footers (a
  date, a signature, "TESTING") as SUMMARY_ROW, empty rows as BLANK_ROW;
* above the block, a row with a row label (a subtotal between respondents) is excluded too.

Machine exports (Google Forms, Kobo, LimeSurvey) have no summary rows: only empty rows go.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from surveyq.errors import InputError
from surveyq.log import Action, CleaningLog, Reason
from surveyq.messages import msg
from surveyq.readers.table import (
    ARROW_VALUES,
    LazyFrame,
    arrow_texts,
    distinct_values,
    own_arrow,
    python_values,
)

_HEADER_SCAN_ROWS = 50
_DISTINCT_SHARE = 0.9
_LABEL_COLUMNS = 3
_SUMMARY_LABEL = re.compile(
    r"(?:(?:grand|sub)\s*-?\s*)?total|jumlah|rata\s*-?\s*rata|rerata|mean|average|median"
    r"|nrr|ikm|skm|nilai\s+(?:ikm|skm|rata\s*-?\s*rata|indeks|interval|persepsi|unsur|mutu)"
    r"|indeks(?:\s+kepuasan)?|keterangan|semua\s+nilai\s+unsur|mutu\s+pelayanan"
    r"|kinerja\s+unit|standar\s+deviasi|simpangan\s+baku|std\.?\s*dev",
)
_LABEL_END = re.compile(r"$|\W")
# A cheap first test on the raw cell: most cells fail at their first letters.
_LABEL_WORDS = (r"(?:grand|sub|total|jumlah|rata|rerata|mean|average|median|nrr|ikm|skm"
                r"|nilai|indeks|keterangan|semua|mutu|kinerja|standar|simpangan|std)")
_LABEL_START = re.compile(r"\s*" + _LABEL_WORDS, re.IGNORECASE)
_LABEL_SUBSTRINGS = ("total", "jumlah", "rata", "mean", "average", "median", "nrr", "ikm",
                     "skm", "nilai", "indeks", "keterangan", "semua", "mutu", "kinerja",
                     "standar", "simpangan", "std")
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def is_empty(cell: Any) -> bool:
    """None, NaN, or text that is only whitespace."""
    if cell is None:
        return True
    if isinstance(cell, str):
        return not cell.strip()
    return isinstance(cell, float) and math.isnan(cell)


def filled(record: list[Any]) -> int:
    """How many cells of ``record`` are not empty (a tight loop: it runs on every row)."""
    count = 0
    for cell in record:
        if cell is None:
            continue
        if isinstance(cell, str):
            count += bool(cell) and not cell.isspace()
        elif not (isinstance(cell, float) and cell != cell):
            count += 1
    return count


def summary_label(cell: Any) -> bool:
    """True when ``cell`` is text starting with a summary word (JUMLAH, NRR / Unsur ...)."""
    if not isinstance(cell, str) or _LABEL_START.match(cell) is None:
        return False
    text = " ".join(cell.lower().split()).strip(" :.=")
    match = _SUMMARY_LABEL.match(text)
    return match is not None and _LABEL_END.match(text, match.end()) is not None


def find_header(records: list[list[Any]], first_dense: bool) -> int | None:
    """Index of the header record (see module docstring), or None when every row is empty."""
    top = records[:_HEADER_SCAN_ROWS]
    counts = [filled(record) for record in top]
    widest = max(counts, default=0)
    if widest == 0:
        return None
    needed = 1 if widest == 1 else max(2, math.ceil(widest / 2))
    dense = [i for i, count in enumerate(counts) if count >= needed]
    if first_dense:
        return dense[0]
    for i in dense:
        values = [header_text(cell) for cell in top[i] if not is_empty(cell)]
        if len(set(values)) >= _DISTINCT_SHARE * len(values):
            return i
    return dense[0]


def header_text(cell: Any) -> str:
    """A header cell as text: integral floats without ".0", dates in ISO form."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, (dt.datetime, dt.date, dt.time)):
        return cell.isoformat()
    return str(cell)


@dataclass
class Grid:
    """Rows of cells as read, with the row number a person sees for each."""

    records: list[list[Any]]
    row_numbers: Sequence[int]             # 1, 2, 3 ... as a range (a million ints cost)
    unnamed: Callable[[int], str]          # name for a column without header text (0-based)
    log: CleaningLog
    file: str


@dataclass
class Table:
    """What :func:`split_grid` returns: the kept rows as a frame (built on first use), with
    the row accounting."""

    frame: pd.DataFrame | LazyFrame
    rows: np.ndarray  # int64, as RawTable takes them (the list is made only if asked for)
    rows_in_file: int
    distinct: dict[str, tuple[np.ndarray, list[Any]]] = field(default_factory=dict)


def header_index(grid: Grid, header_row: int | None, first_dense: bool) -> int:
    """The index of the header record: ``header_row`` when given, else found."""
    if header_row is not None:
        if header_row not in grid.row_numbers:
            last = grid.row_numbers[-1] if grid.row_numbers else 0
            raise InputError(msg("error.header_row_past_end", row=header_row, last=last), grid.file)
        index = grid.row_numbers.index(header_row)
        if not filled(grid.records[index]):
            raise InputError(msg("error.header_row_empty", row=header_row), grid.file)
        return index
    found = find_header(grid.records, first_dense)
    if found is None:
        raise InputError(msg("error.no_header_row", rows=_HEADER_SCAN_ROWS), grid.file)
    return found


def header_names(grid: Grid, index: int, width: int) -> tuple[list[str], set[int]]:
    """Header texts as written, made unique, and the positions of columns without a name.

    An empty header cell takes the text of the row above when that row is a header row too
    (a vertically merged cell keeps its text in the top cell); otherwise it is named by
    ``grid.unnamed``.
    """
    header = _padded(grid.records[index], width)
    above = _row_above(grid, index)
    names: list[str] = []
    unnamed: set[int] = set()
    for column, cell in enumerate(header):
        if is_empty(cell) and above is not None and column < len(above) and not is_empty(
            above[column]
        ):
            cell = above[column]
            grid.log.add(grid.file, grid.row_numbers[index], header_text(cell), cell,
                         Action.NOTED, Reason.FORMAT,
                         msg("log.merged_header", text=repr(header_text(cell))))
        if is_empty(cell):
            unnamed.add(column)
            names.append(grid.unnamed(column))
        else:
            names.append(header_text(cell))
    return _unique(names, grid), unnamed


def _padded(record: list[Any], width: int) -> list[Any]:
    return (list(record) + [None] * width)[:width]


def _row_above(grid: Grid, index: int) -> list[Any] | None:
    """The non-empty row just above the header when it holds 2+ cells (a header row too)."""
    for above in range(index - 1, max(index - 3, -1), -1):
        count = filled(grid.records[above])
        if count:
            return list(grid.records[above]) if count >= 2 else None
    return None


def _unique(names: list[str], grid: Grid) -> list[str]:
    """Repeated header texts get " (2)", " (3)"... so every column can be named."""
    seen: set[str] = set()
    result: list[str] = []
    for name in names:
        candidate, copy = name, 1
        while candidate in seen:
            copy += 1
            candidate = f"{name} ({copy})"
        if candidate != name:
            grid.log.add(grid.file, None, candidate, name, Action.NOTED, Reason.AMBIGUOUS_COLUMN,
                         msg("log.repeated_header", header=repr(name), name=repr(candidate)))
        seen.add(candidate)
        result.append(candidate)
    return result


@dataclass
class _Cells:
    """The data records as columns of distinct values, and per cell the facts the row rules
    need.

    Each column is held as ``(indices, uniques)`` (:func:`distinct_values`, or a pyarrow
    dictionary), classified once per distinct value, and the answers gathered back to every
    cell; so a file of a million respondents costs a few numpy passes, not a Python loop
    over its cells.
    """

    indices: list[np.ndarray]      # per column, each cell's distinct value
    uniques: list[list[Any]]       # per column, the distinct values (None last: no cell)
    filled: np.ndarray             # records x columns: the cell is not empty
    label: np.ndarray | None       # records x columns: the cell is a summary label

    @classmethod
    def of(cls, records: list[list[Any]], summaries: bool) -> _Cells:
        n = len(records)
        columns = [_object_column(cells, n) for cells in itertools.zip_longest(*records)]
        return cls.distinct([distinct_values(column) for column in columns], n, summaries)

    @classmethod
    def distinct(cls, found: list[tuple[np.ndarray, list[Any]]], n: int,
                 summaries: bool) -> _Cells:
        indices = [index for index, _ in found]
        uniques = [values for _, values in found]
        filled = _gathered(indices, uniques, n, _filled_values)
        label = _gathered(indices, uniques, n, _label_values) if summaries else None
        return cls(indices, uniques, filled, label)

    def head(self, n: int) -> _Cells:
        """The first ``n`` records."""
        return _Cells([index[:n] for index in self.indices], self.uniques, self.filled[:n],
                      None if self.label is None else self.label[:n])

    def record(self, i: int) -> list[Any]:
        return [values[index[i]] for index, values in zip(self.indices, self.uniques,
                                                          strict=True)]

    def cell(self, j: int, i: int) -> Any:
        return self.uniques[j][self.indices[j][i]]


def split_cells(columns: list[tuple[np.ndarray, list[Any]]], n: int, summaries: bool) -> _Cells:
    """``n`` records held as columns of distinct values, ready for :func:`split_grid`."""
    return _Cells.distinct(columns, n, summaries)


def _object_column(cells: tuple | list, n: int) -> np.ndarray:
    # fromiter: each cell one object (no nested sequences looked for), about twice as fast
    return np.fromiter(cells, dtype=object, count=n)


#: A character Python's ``str.strip()`` keeps (RE2's ``\s`` is narrower, so listed).
_NOT_SPACE = (r"[^\t\n\x0b\x0c\r\x1c-\x1f \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}"
              r"\x{2029}\x{202f}\x{205f}\x{3000}]")


def _filled_values(values: list[Any]) -> np.ndarray:
    """Per distinct value: not empty (text: holds a character other than white space)."""
    return _per_value(values, lambda value: not is_empty(value), _NOT_SPACE, exact=True)


def _label_values(values: list[Any]) -> np.ndarray:
    """Per distinct value: a summary label. Text without any summary word is ruled out by
    one pyarrow regular-expression pass (RE2 in C++) before the Python test."""
    return _per_value(values, summary_label, _LABEL_WORDS, exact=False)


def _per_value(values: list[Any], test: Callable[[Any], bool], pattern: str,
               exact: bool) -> np.ndarray:
    """``test`` of each value; many text values go through pyarrow's ``pattern`` first, which
    decides them (``exact``) or rules out those it does not match."""
    if len(values) < ARROW_VALUES:
        return np.fromiter((test(value) for value in values), bool, len(values))
    import pyarrow as pa

    try:  # text only (None as null): the usual column of a text export
        texts = arrow_texts(values)
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return np.fromiter((test(value) for value in values), bool, len(values))
    matched = _matched(texts, pattern, exact)
    result = matched if exact else np.zeros(len(values), bool)
    if not exact:
        for position in np.flatnonzero(matched).tolist():
            result[position] = test(values[position])
    for position in np.flatnonzero(texts.is_null().to_numpy(zero_copy_only=False)).tolist():
        result[position] = test(values[position])
    return result


def _matched(texts: Any, pattern: str, exact: bool) -> np.ndarray:
    """pyarrow's ``pattern`` searched in every text (False for null). For the filled test
    (``exact``), a text starting with an ASCII letter or digit is filled without the regular
    expression, which costs about 0.1 CPU s for a million different ids; for the label test
    only texts that may start a summary word (:func:`_may_start_a_label`) go to it."""
    import pyarrow as pa
    import pyarrow.compute as pc

    lengths, pairs = _first_bytes(texts)
    if not exact:
        matched = np.zeros(len(texts), bool)
        rest = np.flatnonzero(_may_start_a_label(lengths, pairs))
        if len(rest):
            found = pc.match_substring_regex(texts.take(pa.array(rest)), pattern,
                                             ignore_case=True)
            matched[rest] = found.fill_null(False).to_numpy(zero_copy_only=False).astype(bool)
        return matched
    matched = (lengths >= 1) & _ascii_alnum(pairs & 0xFF)
    rest = np.flatnonzero(~matched)
    if len(rest):
        found = pc.match_substring_regex(texts.take(pa.array(rest)), pattern)
        matched[rest] = found.fill_null(False).to_numpy(zero_copy_only=False).astype(bool)
    return matched


def _first_bytes(texts: Any) -> tuple[np.ndarray, np.ndarray]:
    """Each text's length in UTF-8 bytes (0 for null) and its first two bytes as one uint16
    (the first the low byte; any bytes past a shorter text), read from the Arrow buffers in
    numpy rather than by slicing every text in pyarrow. A byte below 128 is an ASCII
    character; one of 128 or more is part of another (never an ASCII letter or digit)."""
    import pyarrow as pa

    if texts.type != pa.string():
        texts = texts.cast(pa.string())
    _, offsets, data = texts.buffers()
    bounds = np.frombuffer(offsets, np.int32, len(texts) + 1, texts.offset * 4)
    starts, lengths = bounds[:-1], np.diff(bounds)
    if texts.null_count:  # a null's bytes (if any) are no text
        lengths[texts.is_null().to_numpy(zero_copy_only=False)] = 0
    size = 0 if data is None else data.size
    if not size:
        return lengths, np.zeros(len(texts), np.uint16)
    content = np.frombuffer(data, np.uint8)
    at = np.minimum(starts, size - 1, dtype=np.intp)  # clipped: lengths say which count
    first = np.take(content, at)
    np.minimum(at + 1, size - 1, out=at)
    return lengths, first | (np.take(content, at).astype(np.uint16) << 8)


def _ascii_alnum(byte: np.ndarray) -> np.ndarray:
    """Per byte (any unsigned integer below 256): an ASCII letter or digit."""
    byte = byte.astype(np.uint8, copy=False)
    return ((byte - np.uint8(48)) < 10) | (((byte | np.uint8(32)) - np.uint8(97)) < 26)


#: The first two letters of every summary word (:data:`_LABEL_WORDS`).
_LABEL_PREFIXES = sorted({word[:2] for word in _LABEL_WORDS[3:-1].split("|")})
#: Per two bytes as :func:`_first_bytes` gives them (the first the low byte), lower-cased
#: by setting bit 5 of each (which leaves a digit as it is): the first two letters of a
#: summary word.
_PREFIX_PAIRS = np.zeros(1 << 16, bool)
_PREFIX_PAIRS[[ord(pair[1]) << 8 | ord(pair[0]) for pair in _LABEL_PREFIXES]] = True


def _may_start_a_label(lengths: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """False for a text whose first two characters are ASCII letters or digits that begin no
    summary word in any case: it cannot start with one (:func:`summary_label`), so the
    regular expression is spared it (each of an id column's 10^5 different values, which
    cost RE2 about as much as the rest of their column's tests). White space, other
    characters (``ſ`` and ``K`` fold to ``s`` and ``k``) and shorter texts still go to it.
    Setting bit 5 lower-cases a letter and leaves a digit as it is."""
    excluded = (lengths >= 2) & _ascii_alnum(pairs & 0xFF) & _ascii_alnum(pairs >> 8)
    excluded &= ~np.take(_PREFIX_PAIRS, pairs | 0x2020)
    return ~excluded


def _gathered(indices: list[np.ndarray], uniques: list[list[Any]], n: int,
              test: Callable[[list[Any]], np.ndarray]) -> np.ndarray:
    """records x columns: ``test`` of each cell, decided once per distinct value."""
    result = np.zeros((n, len(indices)), bool, order="F")  # filled column by column
    for j, (index, values) in enumerate(zip(indices, uniques, strict=True)):
        _gather(test(values), index, result[:, j])
    return result


#: Up to this many values passing (or failing) a test, its cells are found by comparing
#: each cell's index with theirs (about 0.3 ms a value at 10^6 cells, np.take about 2.5).
_FEW_VALUES = 4


def _gather(passed: np.ndarray, index: np.ndarray, out: np.ndarray) -> None:
    """``out[i] = passed[index[i]]`` (``out`` all False on entry; every index in range)."""
    count = int(np.count_nonzero(passed))
    if not count:  # the column stays False (a label test of an answer column)
        return
    if count == len(passed):
        out[:] = True
    elif count <= _FEW_VALUES:  # Python ints: the comparisons keep the index's dtype
        for value in np.flatnonzero(passed).tolist():
            out |= index == value
    elif len(passed) - count <= _FEW_VALUES:  # an answer column's blank and None; an id's None
        first, *rest = np.flatnonzero(~passed).tolist()
        np.not_equal(index, first, out=out)
        for value in rest:
            out &= index != value
    else:  # "clip": every index is in range, and numpy makes no buffered copy for it
        np.take(passed, index, out=out, mode="clip")


def _kinds(cells: _Cells, header_filled: int, summaries: bool,
           ) -> tuple[np.ndarray, dict[int, tuple[int, Any]]]:
    """Per record 0 keep, 1 blank, 2 summary; for each summary record its column and cell."""
    n = cells.filled.shape[0]
    counts = _row_counts(cells.filled)
    dense_at = max(2, math.ceil(header_filled / 2))
    has_label = np.zeros(n, bool) if cells.label is None else (cells.label.any(axis=1)
                                                               & (counts > 0))
    first_label = np.zeros(n, np.intp)  # the first label's column, where a row has one
    labelled = np.flatnonzero(has_label)
    if len(labelled):
        first_label[labelled] = cells.label[labelled].argmax(axis=1)
    row_label = has_label.copy()
    for i in np.flatnonzero(has_label & (first_label >= _LABEL_COLUMNS)):
        numbers = [j for j, cell in enumerate(cells.record(int(i))) if _is_number(cell)]
        row_label[i] = bool(numbers) and min(numbers) > first_label[i]
    last_dense_data = _last_true(~row_label & (counts >= dense_at))
    after = np.flatnonzero(row_label[last_dense_data + 1:])
    block = last_dense_data + 1 + int(after[0]) if len(after) and summaries else n
    kinds = np.zeros(n, np.int8)
    kinds[block:] = 2
    kinds[row_label] = 2
    kinds[counts == 0] = 1
    where: dict[int, tuple[int, Any]] = {}
    for i in np.flatnonzero(kinds == 2).tolist():
        column = int(first_label[i] if has_label[i] else np.argmax(cells.filled[i]))
        where[i] = (column, cells.cell(column, i))
    return kinds, where


def _row_counts(filled: np.ndarray) -> np.ndarray:
    """Per row, its True cells: added column by column (the matrix is held by column),
    about twice as fast as ``filled.sum(axis=1)``."""
    counts = np.zeros(filled.shape[0], np.int32)
    for column in filled.T:
        counts += column
    return counts


def _last_true(mask: np.ndarray) -> int:
    """The position of the last True in ``mask``, -1 when none (found from the end)."""
    last = len(mask) - 1 - int(np.argmax(mask[::-1])) if len(mask) else -1
    return last if last >= 0 and mask[last] else -1


def classify(records: list[list[Any]], header_filled: int, summaries: bool) -> list[tuple]:
    """Per data record: ``("keep",)``, ``("blank",)`` or ``("summary", column, label)``."""
    kinds, where = _kinds(_Cells.of(records, summaries), header_filled, summaries)
    names = {0: ("keep",), 1: ("blank",)}
    return [names[kind] if kind != 2 else ("summary",) + where[i]
            for i, kind in enumerate(kinds.tolist())]


def _is_number(cell: Any) -> bool:
    if isinstance(cell, bool):
        return False
    if isinstance(cell, (int, float)):
        return True
    return isinstance(cell, str) and _NUMBER.fullmatch(cell.strip()) is not None


def split_grid(grid: Grid, index: int, summaries: bool, cells: _Cells | None = None) -> Table:
    """The kept rows below the header at ``index``; every exclusion goes into ``grid.log``.

    ``cells``: the records below the header already as columns of distinct values (a text
    file read by pyarrow); ``grid.records`` then holds the header and the rows above it.
    """
    numbers = grid.row_numbers[index + 1:]
    if cells is None:
        cells = _Cells.of(grid.records[index + 1:], summaries)
    n = len(cells.filled)
    if n and not cells.filled[-1].any():  # empty rows after the last used one are no rows
        used = np.flatnonzero(cells.filled.any(axis=1))
        n = int(used[-1]) + 1 if len(used) else 0
        cells = cells.head(n)
    numbers = numbers[:n]
    header = grid.records[index]
    kinds, where = _kinds(cells, filled(header), summaries)
    kept = np.flatnonzero(kinds == 0)
    everyone = len(kept) == n  # no row left out: the columns are taken as they are
    used = np.flatnonzero((cells.filled if everyone else cells.filled[kept]).any(axis=0)) \
        if len(kept) else []
    width = max(_last_filled(header), int(used[-1]) + 1 if len(used) else 0)
    names, unnamed = header_names(grid, index, width)
    for i in np.flatnonzero(kinds).tolist():
        kind = ("blank",) if kinds[i] == 1 else ("summary",) + where[i]
        _log_exclusion(grid, numbers[i], kind, names)
    found = [_kept_distinct(cells, j, None if everyone else kept, len(kept))
             for j in range(width)]
    rows = _number_array(numbers) if everyone else _number_array(numbers)[kept]
    distinct = dict(zip(names, found, strict=True))
    build = functools.partial(_object_frame, names, found, len(kept))
    if unnamed:  # rare: whether such a column holds anything is read from its cells
        frame = _drop_unnamed(grid, build(), [names[i] for i in sorted(unnamed)],
                              rows.tolist())
    else:  # built when someone asks for cells: cleaning reads the distinct values
        frame = LazyFrame(list(names), len(kept), build)
    return Table(frame, rows, n, {name: distinct[name] for name in frame.columns})


def _object_frame(names: list[str], columns: list[tuple[np.ndarray, list[Any]]],
                  rows: int) -> pd.DataFrame:
    """The kept cells (empty text as None) as one object block: a frame of separate columns
    would be copied into one block, twice the cells' pointers at the peak."""
    block = np.empty((len(columns), rows if columns else 0), dtype=object)
    for out, (indices, uniques) in zip(block, columns, strict=True):
        # every index is in range: "clip" spares numpy the buffered copy "raise" makes
        np.take(_cell_table(uniques), indices, out=out, mode="clip")
    return pd.DataFrame(block.T, columns=pd.Index(names, dtype=object), dtype=object,
                        copy=False)


def _number_array(numbers: Sequence[int]) -> np.ndarray:
    if isinstance(numbers, range):  # numpy reads a range number by number
        return np.arange(numbers.start, numbers.stop, numbers.step, dtype=np.int64)
    return np.asarray(numbers, dtype=np.int64)


def _last_filled(record: list[Any]) -> int:
    for position in range(len(record), 0, -1):
        if not is_empty(record[position - 1]):
            return position
    return 0


def _kept_distinct(cells: _Cells, j: int, kept: np.ndarray | None,
                   rows: int) -> tuple[np.ndarray, list[Any]]:
    """Column ``j``'s distinct values over the kept records (``kept`` None: every record;
    None past the data's width), null last, for the cleaning step and the frame."""
    if j >= len(cells.indices):
        return np.zeros(rows, np.intp), [None]
    indices = cells.indices[j] if kept is None else cells.indices[j][kept]
    return indices, cells.uniques[j]


def _cell_table(uniques: list[Any]) -> np.ndarray:
    """``uniques`` as an object array with empty text as None (the frame's cells)."""
    table = _object_column(python_values(uniques), len(uniques))
    table[_empty_texts(uniques, table)] = None
    return table


def _empty_texts(uniques: list[Any], table: np.ndarray) -> np.ndarray:
    """Where ``uniques`` holds empty text; many values pyarrow read (an id column's) are
    compared in C++, from their own Arrow strings (:class:`TextValues`)."""
    arrow = own_arrow(uniques) if len(uniques) >= ARROW_VALUES else None
    if arrow is None:
        return table == ""
    import pyarrow.compute as pc

    empty = pc.equal(arrow, "").fill_null(False).to_numpy(zero_copy_only=False)
    return np.append(empty, False)  # the last value, None, is no text


def _drop_unnamed(grid: Grid, frame: pd.DataFrame, unnamed: list[str],
                  rows: list[int]) -> pd.DataFrame:
    """Columns without a header: dropped when empty too (stray separators), else named."""
    empty = []
    for name in unnamed:
        if all(is_empty(value) for value in frame[name]):
            empty.append(name)
            grid.log.add(grid.file, None, name, None, Action.COLUMN_DROPPED, Reason.FORMAT,
                         msg("log.empty_unnamed_column", column=name))
        else:
            # A few rows longer than the header are usually an unquoted separator in a
            # free-text answer, which shifts that row's answers: say which rows.
            holding = [row for row, value in zip(rows, frame[name], strict=True)
                       if not is_empty(value)]
            where = ", ".join(map(str, holding[:5])) + (", ..." if len(holding) > 5 else "")
            grid.log.add(grid.file, None, name, None, Action.NOTED, Reason.FORMAT,
                         msg("log.unnamed_column_rows" if len(holding) > 1 else
                             "log.unnamed_column_row", column=repr(name), rows=where))
    return frame.drop(columns=empty)


def _log_exclusion(grid: Grid, number: int, kind: tuple, names: list[str]) -> None:
    if kind[0] == "blank":
        grid.log.add(grid.file, number, None, None, Action.ROW_EXCLUDED, Reason.BLANK_ROW,
                     msg("log.blank_row", row=number))
    elif kind[0] == "summary":
        column, value = kind[1], kind[2]
        name = names[column] if column < len(names) else grid.unnamed(column)
        code = "log.summary_row" if summary_label(value) else "log.footer_row"
        grid.log.add(grid.file, number, name, value, Action.ROW_EXCLUDED, Reason.SUMMARY_ROW,
                     msg(code, row=number, value=repr(header_text(value)), column=repr(name)))
