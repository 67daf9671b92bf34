"""Answer cells -> scale codes, one distinct value at a time: the coder of every read.

A survey column holds a handful of distinct answers ("4", "Baik", "", "3,5") however many
respondents it has, so a column is coded by its distinct values: they are found once
(``pandas.factorize`` for a column in memory, the Arrow dictionary for a batch read by
pyarrow), each distinct value goes once through the per-value rules of
:func:`code_answer`, and the codes and the reasons of the cells set missing are gathered
back to every cell with a numpy take. The in-memory read (:mod:`surveyq.clean`) and the
streamed read (:mod:`surveyq.streamed`) both code through :func:`code_column`, so the rules
live here only.

The rules (docs/methods.md section 1): a blank cell is "no answer"; a number is the answer
when it is a point of the scale (a decimal comma is read, "3,5" is 3.5 and so not a point);
the file's own declared-missing codes and the scale's declared-missing labels mean "no
answer"; a label, alias or "4 (Baik)" is looked up in the scale; TRUE/FALSE are yes/no
cells, never codes; a workbook formula without a saved value is said as such.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
from typing import Any

import numpy as np

from surveyq.log import Reason
from surveyq.messages import msg
from surveyq.questionnaire import Scale, normalise_label
from surveyq.readers.table import (  # noqa: F401 - distinct_values is imported from here
    UnsavedFormula,
    distinct_values,
    value_key,
)

_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


@dataclasses.dataclass(frozen=True)
class _Coded:
    code: float
    reason: Reason | None = None
    detail: str = ""


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _as_number(value: Any) -> float | None:
    if isinstance(value, (bool, np.bool_)):
        return float(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    text = str(value).strip()
    if not _NUMBER.match(text):
        return None
    # A comma here is a decimal comma ("3,5"): nobody writes thousands separators in codes.
    text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def code_answer(
    value: Any, scale: Scale, scale_name: str, missing_codes: tuple[float, ...] = ()
) -> _Coded:
    """Turn one raw cell into a scale code, or NaN with the reason.

    ``missing_codes`` are the file's own user-missing values (SPSS), which mean "no answer"
    even when they fall inside the scale.
    """
    if isinstance(value, UnsavedFormula):
        return _Coded(
            math.nan,
            Reason.FORMULA_WITHOUT_VALUE,
            msg("log.formula_without_value", formula=repr(str(value)[:60])),
        )
    if _is_blank(value):
        return _Coded(math.nan, Reason.MISSING_ANSWER, msg("log.no_answer"))
    if isinstance(value, (bool, np.bool_)):
        return _boolean(value, scale_name)
    number = _as_number(value)
    if number is not None and number in missing_codes:
        return _Coded(
            math.nan,
            Reason.DECLARED_MISSING,
            msg("log.declared_missing_metadata", value=repr(value)),
        )
    if number is not None:
        if not math.isfinite(number) or number != int(number):
            return _Coded(
                math.nan,
                Reason.NON_INTEGER,
                msg("log.non_integer", value=repr(value), scale=scale_name, low=scale.low,
                    high=scale.high),
            )
        if int(number) not in scale.points:
            return _Coded(
                math.nan,
                Reason.OUT_OF_RANGE,
                msg("log.out_of_range", value=repr(value), scale=scale_name, low=scale.low,
                    high=scale.high),
            )
        return _Coded(float(number))
    if scale.is_declared_missing(value):
        return _Coded(math.nan, Reason.DECLARED_MISSING,
                      msg("log.declared_missing", value=repr(value)))
    point = scale.code_for(value)
    if point is None and normalise_label(value) in ("true", "false"):
        return _boolean(value, scale_name)
    if point is None:
        return _Coded(
            math.nan,
            Reason.UNKNOWN_LABEL,
            msg("log.unknown_label", value=repr(str(value)), scale=scale_name),
        )
    return _Coded(float(point))


def _boolean(value: Any, scale_name: str) -> _Coded:
    """TRUE and FALSE are yes/no cells, never answer codes (TRUE is not 1, FALSE is not 0)."""
    return _Coded(
        math.nan,
        Reason.BOOLEAN_CELL,
        msg("log.boolean_cell", value=repr(str(value).upper()), scale=scale_name),
    )


@dataclasses.dataclass(frozen=True)
class ItemRule:
    """How one item's raw cells become codes: its column, scale, keying and missing codes."""

    item: str
    column: str
    scale_name: str
    scale: Scale
    reverse: bool
    missing_codes: tuple[float, ...] = ()

    @property
    def offset(self) -> int:
        """Kernel code = answer code - offset (so the lowest point is 1)."""
        return self.scale.low - 1

    @property
    def largest(self) -> int:
        return self.scale.high - self.offset

    def coded(self, value: Any) -> _Coded:
        """The per-value rules of :func:`code_answer` for this item's scale."""
        return code_answer(value, self.scale, self.scale_name, self.missing_codes)

    def kernel_code(self, coded: _Coded) -> int:
        """The int8 kernel code (1..points after reverse keying), 0 for no answer."""
        if coded.reason is not None:
            return 0
        answer = coded.code
        if self.reverse:
            answer = self.scale.low + self.scale.high - answer
        return int(answer) - self.offset

    def code(self, value: Any) -> tuple[int, _Coded]:
        coded = self.coded(value)
        return self.kernel_code(coded), coded


# ---- distinct values ----------------------------------------------------------------------------


def arrow_distinct(column: Any) -> tuple[np.ndarray, list]:
    """:func:`distinct_values` of a pyarrow array (dictionary-encoded here if it is not)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pa.types.is_dictionary(column.type):
        column = pc.dictionary_encode(column)
    uniques = column.dictionary.to_pylist()
    indices = pc.fill_null(column.indices, len(uniques)).to_numpy(zero_copy_only=False)
    return indices.astype(np.intp, copy=False), [*uniques, None]


def integer_distinct(values: np.ndarray, answered: np.ndarray | None,
                     span: int) -> tuple[np.ndarray, list] | None:
    """:func:`distinct_values` of integer cells through a table over their range (no hashing);
    None when the values spread over ``span`` or more integers."""
    if not len(values):
        return np.zeros(0, np.intp), [None]
    low, high = int(values.min()), int(values.max())
    if high - low >= span:
        return None
    shifted = (values - low).astype(np.intp, copy=False)
    present = np.bincount(shifted if answered is None else shifted[answered],
                          minlength=high - low + 1) > 0
    where = np.flatnonzero(present)
    table = np.full(high - low + 1, len(where), np.intp)
    table[where] = np.arange(len(where))
    indices = table[shifted]
    if answered is not None:
        indices[~answered] = len(where)
    return indices, [int(value) + low for value in where] + [None]


# ---- coding a column ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class CodedColumn:
    """One column coded: per distinct value its :class:`_Coded`, per cell its value's index."""

    rule: ItemRule
    indices: np.ndarray
    uniques: list
    coded: list[_Coded]

    def answers(self) -> np.ndarray:
        """Float codes per cell (before reverse keying), NaN where no valid answer."""
        table = np.array([coded.code for coded in self.coded], np.float64)
        return table[self.indices]

    def kernel_codes(self, dtype: type = np.int8, out: np.ndarray | None = None) -> np.ndarray:
        """Kernel codes per cell (after reverse keying, int8 unless a wider ``dtype`` is
        given for a scale of more than 127 points), 0 where no valid answer; gathered into
        ``out`` (of ``dtype``) when given.

        A cell's kernel code is 0 exactly when its value is set missing, so the cells
        :attr:`missing_cells` lists are then found from these codes: one pass over small
        integers instead of a second gather through the values' indices."""
        table = np.array([self.rule.kernel_code(coded) for coded in self.coded], dtype)
        codes = np.take(table, self.indices, out=out)
        if "missing_cells" not in self.__dict__:  # functools.cached_property's own slot
            wanted = self.set_missing()
            positions = np.flatnonzero(codes == 0) if wanted else np.zeros(0, np.intp)
            self.__dict__["missing_cells"] = (positions, self.indices[positions])
        return codes

    def set_missing(self) -> list[int]:
        """Positions in ``uniques`` whose cells are no valid answer (blank or refused)."""
        return [u for u, coded in enumerate(self.coded) if coded.reason is not None]

    @functools.cached_property
    def missing_cells(self) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`cells_of` the values :meth:`set_missing` lists, found once for the log and
        the tallies alike."""
        return self.cells_of(self.set_missing())

    def cells_of(self, wanted: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """``(positions, value index)`` of every cell holding one of the ``wanted`` values,
        in row order."""
        if not wanted:
            return np.zeros(0, np.intp), np.zeros(0, np.intp)
        hit = np.zeros(len(self.uniques), bool)
        hit[wanted] = True
        positions = np.flatnonzero(hit[self.indices])
        return positions, self.indices[positions]


def code_column(rule: ItemRule, indices: np.ndarray, uniques: list,
                cache: dict[tuple[str, str], _Coded] | None = None) -> CodedColumn:
    """Code each distinct value once (``cache`` carries codes across a stream's batches)."""
    cache = {} if cache is None else cache
    coded = []
    for value in uniques:
        key = value_key(value)
        found = cache.get(key)
        if found is None:
            found = cache[key] = rule.coded(None if key[0] == "blank" else value)
        coded.append(found)
    return CodedColumn(rule, indices, uniques, coded)
