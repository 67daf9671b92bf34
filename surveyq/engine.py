"""The read engine: item columns coded batch by batch, with the cleaning log's tallies.

Every read of a survey, in memory or streamed, goes through one :class:`BatchCoder`. A
batch is the item columns of some rows, each given as its distinct values (``indices``,
``uniques``; :func:`column_distinct` for an Arrow column). For each batch the coder

* codes every column by its distinct values (:func:`surveyq.coding.code_column`: labels,
  aliases, "4 (Baik)", decimal commas, declared-missing answers), once per distinct value
  and column for the whole file, and applies reverse keying, giving the batch's kernel
  codes (items x rows, 1.. the scale's points, 0 for no valid answer);
* counts every cell set missing per column, reason and raw value, with its first rows
  (:class:`CellCount`), and the rows without any valid answer;
* keeps the kept rows' answer patterns (:class:`Patterns`), counted when the caller knows
  which rows are kept.

The in-memory run (:func:`surveyq.clean.clean`) codes the reader's whole table as one batch
and keeps its codes: its log lists every cell and row (``CodedBatch.columns`` holds where
each cell set missing is). The streamed run (:mod:`surveyq.streamed`) codes each batch of
the file, folds the codes into sums and lets them go: its log has one entry per counted
(column, reason, value). Only the reading differs, and what each run keeps.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np

from surveyq.coding import CodedColumn, ItemRule, _Coded, arrow_distinct, code_column
from surveyq.coding import integer_distinct as _integer_table
from surveyq.log import Reason

#: Rows listed in a counted log message (the count covers them all).
SAMPLE_ROWS = 5
#: Distinct integers a column may span before its values are hashed instead of tabulated.
_TABULATED_SPAN = 1 << 16

Distinct = tuple[np.ndarray, list]  # (each cell's position in the values, the values)


# ---- answer patterns ----------------------------------------------------------------------------

_FNV_OFFSET, _FNV_PRIME = np.uint64(14695981039346656037), np.uint64(1099511628211)


def row_hashes(codes: np.ndarray) -> np.ndarray:
    """A 64-bit FNV-1a hash of each column of ``codes`` (items x rows): one per answer pattern."""
    hashes = np.full(codes.shape[1], _FNV_OFFSET, np.uint64)
    # kernel codes are never negative: read as unsigned of their width they are the same
    # numbers, widened by the ufunc chunk by chunk instead of into a uint64 copy per item
    unsigned = np.dtype(f"u{codes.dtype.itemsize}")
    with np.errstate(over="ignore"):
        for row in codes:
            np.bitwise_xor(hashes, row.view(unsigned), out=hashes)
            np.multiply(hashes, _FNV_PRIME, out=hashes)
    return hashes


@dataclasses.dataclass
class Patterns:
    """How many kept rows gave each answer pattern, by hash (bounded: one hash per pattern)."""

    hashes: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0, np.uint64))
    counts: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0, np.int64))
    _pending: list[tuple[np.ndarray, np.ndarray]] = dataclasses.field(default_factory=list)

    def count(self, codes: np.ndarray) -> None:
        """Count the answer patterns of kept rows' kernel codes (items x rows); without
        items there are no patterns."""
        if codes.shape[0]:
            self.add(row_hashes(codes))

    def add(self, hashes: np.ndarray) -> None:
        unique, counts = np.unique(hashes, return_counts=True)
        self._pending.append((unique, counts.astype(np.int64)))
        if sum(len(h) for h, _ in self._pending) > 1 << 20:
            self._compact()

    def merge(self, other: Patterns) -> None:
        self._pending += [(other.hashes, other.counts), *other._pending]
        self._compact()

    def _compact(self) -> None:
        hashes = np.concatenate([self.hashes, *(h for h, _ in self._pending)])
        counts = np.concatenate([self.counts, *(c for _, c in self._pending)])
        self._pending = []
        self.hashes, inverse = np.unique(hashes, return_inverse=True)
        self.counts = np.bincount(inverse, weights=counts, minlength=len(self.hashes)
                                  ).astype(np.int64)

    def summary(self) -> dict[str, int]:
        """As :func:`surveyq.clean.identical_patterns`."""
        self._compact()
        total = int(self.counts.sum())
        return {"identical_answer_rows": total - len(self.counts),
                "identical_answer_patterns": int((self.counts > 1).sum()),
                "largest_pattern": int(self.counts.max()) if len(self.counts) else 0}


# ---- tallies ------------------------------------------------------------------------------------


@dataclasses.dataclass
class CellCount:
    """Cells of one column with one reason and raw value: how many, and the first rows."""

    item: int
    raw: Any
    coded: _Coded
    count: int = 0
    samples: list[tuple[int, int]] = dataclasses.field(default_factory=list)  # (batch, index)

    def merge(self, other: CellCount) -> None:
        self.count += other.count
        self.samples = sorted(self.samples + other.samples)[:SAMPLE_ROWS]

    def add(self, sequence: int, positions: np.ndarray) -> None:
        """Count the cells (or rows) at ``positions`` of batch ``sequence``, keeping the
        first as samples."""
        self.count += len(positions)
        room = SAMPLE_ROWS - len(self.samples)
        if room > 0:
            self.samples.extend((sequence, int(index)) for index in positions[:room])


@dataclasses.dataclass(frozen=True)
class CodedBatch:
    """One batch coded: kernel codes (items x rows, 0 for no valid answer, after reverse
    keying), the rows with at least one valid answer, and each column's coding."""

    codes: np.ndarray
    answered: np.ndarray
    columns: tuple[CodedColumn, ...]

    def missing_cells(self, j: int) -> tuple[np.ndarray, np.ndarray, list[int]]:
        """Column ``j``'s cells set missing: ``(positions, value index)`` in row order, and
        the indices of the distinct values set missing."""
        column = self.columns[j]
        return (*column.missing_cells, column.set_missing())


def code_dtype(rules: Sequence[ItemRule]) -> type:
    """The smallest integer type holding every rule's kernel codes (int8 for any Likert
    scale up to 127 points)."""
    largest = max((rule.largest for rule in rules), default=1)
    return np.int8 if largest <= 127 else np.int16 if largest <= 32767 else np.int32


class BatchCoder:
    """Codes batches of a survey's item columns and tallies what the cleaning log says.

    ``rules``: one :class:`~surveyq.coding.ItemRule` per item column, in the order of the
    batch's columns. The tallies add up over the batches it codes.
    """

    def __init__(self, rules: Sequence[ItemRule]) -> None:
        self.rules = tuple(rules)
        self.dtype = code_dtype(self.rules)
        self.cache: list[dict[tuple[str, str], _Coded]] = [{} for _ in self.rules]
        self.cells: dict[tuple[int, str, str], CellCount] = {}
        self.blank_rows = CellCount(-1, None, _Coded(np.nan, Reason.NO_ANSWERS))
        self.batch_rows: dict[int, int] = {}
        self.patterns = Patterns()

    def code(self, sequence: int, columns: Sequence[Distinct], n_rows: int) -> CodedBatch:
        """Code batch ``sequence`` (its columns' distinct values, ``n_rows`` rows), counting
        the cells set missing and the rows without answers."""
        self.batch_rows[sequence] = n_rows
        codes = np.empty((len(self.rules), n_rows), self.dtype)
        coded = []
        for j, (rule, (indices, uniques)) in enumerate(zip(self.rules, columns, strict=True)):
            column = code_column(rule, indices, uniques, self.cache[j])
            column.kernel_codes(self.dtype, out=codes[j])
            self._count(j, sequence, column)
            coded.append(column)
        answered = codes.any(axis=0)  # no rows answered when there are no items
        if not answered.all():
            self.blank_rows.add(sequence, np.flatnonzero(~answered))
        return CodedBatch(codes, answered, tuple(coded))

    def _count(self, j: int, sequence: int, column: CodedColumn) -> None:
        """Count the column's cells set missing per reason and value, with their first rows."""
        positions, which = column.missing_cells
        if not len(positions):
            return
        counts = np.bincount(which, minlength=len(column.uniques))
        for u in np.flatnonzero(counts).tolist():
            value, why = column.uniques[u], column.coded[u]
            blank = why.reason is Reason.MISSING_ANSWER
            key = (j, why.reason.value, "" if blank else str(value))
            cell = self.cells.get(key)
            if cell is None:
                cell = self.cells[key] = CellCount(j, None if blank else value, why)
            if len(cell.samples) < SAMPLE_ROWS:
                cell.add(sequence, positions[which == u])
            else:
                cell.count += int(counts[u])


def column_distinct(column: Any) -> Distinct:
    """The distinct values of an Arrow column: integers through a table over their range,
    anything else through Arrow's dictionary (:func:`surveyq.coding.arrow_distinct`)."""
    import pyarrow as pa

    found = _integer_distinct(column) if pa.types.is_integer(column.type) else None
    return found if found is not None else arrow_distinct(column)


def _integer_distinct(column: Any) -> Distinct | None:
    """Integer cells' distinct values through a table over their range (None: too wide)."""
    import pyarrow.compute as pc

    if column.null_count == len(column):
        return np.full(len(column), 0, np.intp), [None]
    answered = None
    if column.null_count:
        answered = column.is_valid().to_numpy(zero_copy_only=False)
        column = column.fill_null(pc.min_max(column)["min"])
    return _integer_table(column.to_numpy(zero_copy_only=False), answered, _TABULATED_SPAN)
