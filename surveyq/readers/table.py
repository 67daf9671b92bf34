"""The :class:`RawTable` every reader returns: the file's cells as they were, with row numbers.

The contract between the readers and the cleaning step (surveyq/clean.py) is set out in
docs/methods.md ("io: read the file, keep every cell as it was"): a reader keeps
every respondent record, names columns by the header text a person sees, numbers rows as a
person sees them, and logs every row or column it leaves out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import InitVar, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from surveyq.log import CleaningLog


class UnsavedFormula(str):
    """A workbook cell holding a formula whose value was never saved (the text is the formula).

    Files written by programs other than Excel (or saved with calculation off) store
    formulas without their results; the cleaner logs such an answer as a formula, with the
    fix ("open and save the file in Excel"), rather than as "no answer".
    """


#: Values of :attr:`RawTable.format` and of the ``format=`` option of :func:`read_raw`.
FORMATS = ("csv", "gforms", "kobo", "limesurvey", "xlsx", "xls", "ods", "sav", "dta", "parquet")


@dataclass(frozen=True)
class LazyFrame:
    """A :class:`RawTable`'s frame before it is built: its column names, its length and how
    to build it from the reader's cells. The cleaning step reads columns by their distinct
    values (:meth:`RawTable.distinct_values`), so a run that asks for nothing else never
    makes a Python object of every cell (at 10^6 rows, 0.1 s and 100 MiB for an id and two
    profile columns)."""

    columns: list[str]
    length: int
    build: Callable[[], pd.DataFrame]

    def __len__(self) -> int:
        return self.length


@dataclass
class RawTable:
    """One file's respondent records, before any cleaning.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per record kept. Columns are the header texts as written (Kobo/ODK group
        prefixes stripped; embedded newlines and tabs kept). Text formats keep every cell as
        ``str`` (``None`` when empty); spreadsheets keep values as read (numbers stay numbers,
        integral floats become ``int``, empty cells ``None``); sav/dta/parquet keep numeric
        codes (``NaN`` for system-missing). A reader may give a :class:`LazyFrame`: the
        frame is then built from its cells the first time ``frame`` is read
        (:attr:`columns` and :attr:`n` never build it).
    rows : list of int
        For each frame row, the row number a person sees: in a CSV the record number with the
        header as row 1 (a record holding a quoted line break counts once, as a spreadsheet
        shows it); in a workbook the sheet row; in sav/dta/parquet the case number. A reader
        may give them as an int64 array: the list is then made from it on first use.
    row_numbers : numpy.ndarray
        The same numbers as an int64 array (read-only; made from ``rows`` on first use when
        a list was given), for the cleaning step's log and index.
    file : str
        The path as given, used in every message.
    format : str
        One of :data:`FORMATS`. A detected export flavour wins over the container:
        a KoboToolbox XLSX export is ``"kobo"``.
    rows_in_file : int
        Records below the header before anything was dropped; ``len(rows)`` plus the row
        exclusions in ``log`` add up to it.
    log : CleaningLog
        Summary/blank rows excluded, meta columns dropped, encoding and format notes.
    encoding, delimiter, decimal : str
        How a text file was read (``decimal`` is ``","`` for decimal-comma files).
    value_labels, column_labels : dict
        SPSS/Stata value labels (per column, code -> label) and variable labels.
    timestamp_column : str or None
        The submission-time column kept in ``frame`` (Google Forms ``Timestamp``, Kobo
        ``_submission_time``), if any.
    sheet : str or None
        The worksheet read from a workbook.
    declared_missing : dict
        SPSS user-missing values per column (values, or ``(low, high)`` ranges); the codes
        themselves stay in ``frame`` for the cleaner to set missing and log.
    """

    frame: InitVar[pd.DataFrame | LazyFrame]
    rows: InitVar[list[int] | np.ndarray]
    file: str
    format: str
    rows_in_file: int
    log: CleaningLog
    encoding: str | None = None
    delimiter: str | None = None
    decimal: str = "."
    value_labels: dict[str, dict[Any, str]] = field(default_factory=dict)
    column_labels: dict[str, str] = field(default_factory=dict)
    timestamp_column: str | None = None
    sheet: str | None = None
    declared_missing: dict[str, list[Any]] = field(default_factory=dict)
    #: Per column, the reader's ``(indices, uniques)`` of :func:`distinct_values` for this
    #: ``frame`` (the cleaning step codes by distinct values and need not find them again);
    #: read them through :meth:`distinct_values` (an id column's are :class:`ArrowCells`).
    distinct: dict[str, tuple[np.ndarray, list[Any]]] = field(
        default_factory=dict, repr=False, compare=False)
    _distinct_for: int | None = field(default=None, repr=False, compare=False)
    _frame: Any = field(default=None, init=False, repr=False, compare=False)
    _rows: list[int] | None = field(default=None, init=False, repr=False, compare=False)
    _row_array: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self, frame: pd.DataFrame | LazyFrame,
                      rows: list[int] | np.ndarray) -> None:
        self._frame = frame
        _set_rows(self, rows)
        if self.distinct and self._distinct_for is None:
            self._distinct_for = id(frame)

    @property
    def columns(self) -> list[str]:
        """The column names, without building a :class:`LazyFrame`."""
        return list(self._frame.columns)

    @property
    def n(self) -> int:
        """Records kept (rows of ``frame``), without building a :class:`LazyFrame`."""
        return len(self._frame)

    def distinct_values(self, column: str) -> tuple[np.ndarray, list[Any]]:
        """:func:`distinct_values` of one column, the reader's when it still describes
        ``frame`` (the same frame object, of the same length)."""
        found = self.distinct.get(column) if self._distinct_for == id(self._frame) else None
        if found is None or len(found[0]) != len(self._frame):
            return distinct_values(self.frame[column])
        return found[0], python_values(found[1])

    def replace_frame(self, frame: pd.DataFrame, rename: dict[str, str]) -> None:
        """Set ``frame`` to a copy with columns dropped or renamed, keeping the distinct
        values of the columns left."""
        known = self._distinct_for == id(self._frame)
        back = {new: old for old, new in rename.items()}
        self.distinct = {name: self.distinct[back.get(name, name)] for name in frame.columns
                         if known and back.get(name, name) in self.distinct}
        self._frame = frame
        self._distinct_for = id(frame) if self.distinct else None

    def _repr_html_(self) -> str:
        kept = f"{len(self.rows)} of {self.rows_in_file} rows kept"
        title = f"<p><b>{self.file}</b> ({self.format}): {kept}</p>"
        return title + self.frame.head(20).to_html()


def _built_frame(self: RawTable) -> pd.DataFrame:
    frame = self._frame
    if isinstance(frame, LazyFrame):
        built = frame.build()
        if self._distinct_for == id(frame):  # the same cells: the reader's values still hold
            self._distinct_for = id(built)
        self._frame = frame = built
    return frame


def _set_frame(self: RawTable, frame: pd.DataFrame) -> None:
    self._frame = frame


def _row_list(self: RawTable) -> list[int]:
    if self._rows is None:  # one C loop: a million Python ints made only when asked for
        self._rows = self._row_array.tolist()
    return self._rows


def _set_rows(self: RawTable, rows: list[int] | np.ndarray) -> None:
    if isinstance(rows, np.ndarray):
        self._rows, self._row_array = None, _read_only(rows.astype(np.int64, copy=False))
    else:
        self._rows, self._row_array = rows if isinstance(rows, list) else list(rows), None


def _row_numbers(self: RawTable) -> np.ndarray:
    if self._row_array is None:  # a list given (or replaced) by its user: read it once
        self._row_array = _read_only(np.asarray(self._rows, dtype=np.int64))
    return self._row_array


def _read_only(array: np.ndarray) -> np.ndarray:
    view = array.view()  # the caller's own array stays writeable
    view.flags.writeable = False
    return view


# Set after the class: a property in its body would be the dataclass field's default.
RawTable.frame = property(_built_frame, _set_frame, doc="The records kept as a DataFrame "
                          "(built from the reader's cells on first use).")
RawTable.rows = property(_row_list, _set_rows, doc="The row number of each record kept "
                         "(made from :attr:`row_numbers` on first use when a reader gave them "
                         "as an array).")
RawTable.row_numbers = property(_row_numbers, doc="The row numbers as a read-only int64 array.")


class TextValues(list):
    """The distinct values of a column pyarrow read (text, None last), with the Arrow strings
    they came from (``arrow``: the values but the last), so that a test of every distinct
    value (a regular expression over an id column's million values) runs on them in C++
    without turning the list back into Arrow strings."""

    __slots__ = ("arrow",)

    def __init__(self, arrow: Any) -> None:
        super().__init__([*arrow.to_pylist(), None])
        self.arrow = arrow


class ArrowCells:
    """A column pyarrow read as plain text, each cell its own value (an id column):
    :class:`TextValues` of its Arrow strings (``arrow``), made only when its Python strings
    are asked for (:meth:`values`, cached). Not a list: code that reads a list's items in C
    never meets it. The readers test it in pyarrow and read single values from it
    (:meth:`__getitem__`); :meth:`RawTable.distinct_values` and the frame give its
    :meth:`values`, so a run that asks neither makes no Python string of its 10^6 cells."""

    __slots__ = ("_values", "arrow")

    def __init__(self, arrow: Any) -> None:
        self.arrow = arrow
        self._values: TextValues | None = None

    def values(self) -> TextValues:
        """The values as :class:`TextValues` (made once)."""
        if self._values is None:
            self._values = TextValues(self.arrow)
        return self._values

    def __len__(self) -> int:
        return len(self.arrow) + 1

    def __getitem__(self, position: Any) -> Any:
        if self._values is not None or not isinstance(position, (int, np.integer)):
            return self.values()[position]
        position = int(position) + (len(self) if position < 0 else 0)
        if not 0 <= position < len(self):
            raise IndexError("ArrowCells index out of range")
        return None if position == len(self.arrow) else self.arrow[position].as_py()

    def __iter__(self) -> Iterator[Any]:
        return iter(self.values())


def python_values(values: Sequence[Any]) -> list[Any]:
    """``values`` as a list: :meth:`ArrowCells.values` of :class:`ArrowCells`, else as is."""
    return values.values() if isinstance(values, ArrowCells) else values  # type: ignore[return-value]


#: Below this many distinct values a Python test per value is cheaper than an Arrow pass.
ARROW_VALUES = 256


def own_arrow(values: list[Any]) -> Any:
    """:class:`TextValues`' Arrow strings (``values`` but the last, None), or None when
    ``values`` has none or no longer matches them."""
    arrow = getattr(values, "arrow", None)
    if arrow is not None and len(arrow) == len(values) - 1 and values[-1] is None:
        return arrow
    return None


def arrow_texts(values: list[Any]) -> Any:
    """``values`` as pyarrow strings (None as null), from :class:`TextValues`' own Arrow
    strings when it has them; raises pyarrow's error when a value is not text."""
    import pyarrow as pa

    arrow = own_arrow(values)
    if arrow is not None:
        return pa.concat_arrays([arrow, pa.nulls(1, pa.string())])
    return pa.array(values, pa.string())


#: Column kinds (``pandas.api.types.infer_dtype``) whose distinct values pandas can find by
#: equality without merging cells that read differently (True == 1 == 1.0 in Python).
_FACTORIZABLE = frozenset({"string", "empty", "integer", "floating", "boolean"})


def value_key(value: Any) -> tuple[str, str]:
    """What makes two cells the same: blank (None, NaN, spaces) alike, else type and text."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or (
            isinstance(value, str) and not value.strip()):
        return ("blank", "")
    return (type(value).__name__, str(value))


def distinct_values(values: pd.Series | np.ndarray | Sequence[Any]) -> tuple[np.ndarray, list]:
    """``(indices, uniques)``: each cell's position in ``uniques``; a null cell (None, NaN)
    points at the last entry of ``uniques``, which is None.

    A column of a few thousand respondents holds a handful of distinct answers, so readers
    and coders decide once per distinct value and gather the result with ``table[indices]``.
    ``pandas.factorize`` finds the values in C where equality cannot merge cells that read
    differently; a column mixing kinds (a workbook's numbers beside labels, TRUE beside 1,
    or a formula without a saved value) is keyed by type and text instead
    (:func:`value_key`), so ``"1"``, ``1`` and ``True`` stay apart.
    """
    series = values if isinstance(values, pd.Series) else pd.Series(
        _object_array(values), dtype=object)
    kind = pd.api.types.infer_dtype(series, skipna=True) if series.dtype == object else "numeric"
    if kind in _FACTORIZABLE or kind == "numeric":
        indices, found = pd.factorize(series, use_na_sentinel=True)
        uniques = found.tolist()
        # only text can hold a formula without its value (types gathered in C: an id
        # column has a million values)
        if kind != "string" or UnsavedFormula not in set(map(type, uniques)):
            return _null_last(indices, uniques)
    cells = series.tolist()
    keys = [None if value is None or (isinstance(value, float) and math.isnan(value))
            else (type(value).__name__, str(value)) for value in cells]
    indices, found = pd.factorize(pd.Series(keys, dtype=object), use_na_sentinel=True)
    first = np.full(len(found), len(cells), np.intp)
    answered = indices >= 0
    np.minimum.at(first, indices[answered], np.flatnonzero(answered))
    return _null_last(indices, [cells[position] for position in first])


def _object_array(values: Any) -> np.ndarray:
    if isinstance(values, np.ndarray):
        return values
    array = np.empty(len(values), dtype=object)
    array[:] = list(values)
    return array


def _null_last(indices: np.ndarray, uniques: list) -> tuple[np.ndarray, list]:
    indices = np.asarray(indices, np.intp)
    null = len(uniques)
    if len(indices) and indices.min() < 0:
        indices = np.where(indices < 0, null, indices)
    return indices, [*uniques, None]
