"""Statistics-package and columnar files: SPSS .sav, Stata .dta (pyreadstat), Parquet.

Numeric codes stay codes (``apply_value_formats=False``); value labels and variable labels
come back in :attr:`RawTable.value_labels` and :attr:`RawTable.column_labels`. SPSS
user-missing codes are kept (``user_missing=True``) and listed in
:attr:`RawTable.declared_missing`, so the cleaner can set them missing and log it; Stata's
extended missing values (.a-.z) are read as NaN. Rows are case numbers (1-based).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


@dataclass
class StatFile:
    frame: pd.DataFrame
    encoding: str | None = None
    value_labels: dict[str, dict[Any, str]] = field(default_factory=dict)
    column_labels: dict[str, str] = field(default_factory=dict)
    declared_missing: dict[str, list[Any]] = field(default_factory=dict)


def read_stat_file(path: Path, kind: str, encoding: str | None) -> StatFile:
    """Read a .sav, .dta or .parquet file; errors propagate for the caller to wrap."""
    if kind == "parquet":
        return StatFile(_plain_frame(pd.read_parquet(path)))
    import pyreadstat

    options: dict[str, Any] = {"apply_value_formats": False}
    if encoding is not None:
        options["encoding"] = encoding
    if kind == "sav":
        frame, meta = pyreadstat.read_sav(str(path), user_missing=True, **options)
    else:
        frame, meta = pyreadstat.read_dta(str(path), **options)
    return StatFile(
        _plain_frame(frame),
        encoding=meta.file_encoding,
        value_labels={name: dict(labels) for name, labels in meta.variable_value_labels.items()},
        column_labels={name: label for name, label in meta.column_names_to_labels.items()
                       if label},
        declared_missing={name: [_missing_value(item) for item in ranges]
                          for name, ranges in (meta.missing_ranges or {}).items() if ranges},
    )


def _missing_value(item: dict[str, Any]) -> Any:
    low, high = item.get("lo"), item.get("hi")
    return low if low == high else (low, high)


def _plain_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """String column names; categoricals and nullable dtypes as plain values; '' as None."""
    if not isinstance(frame.index, pd.RangeIndex) or frame.index.name is not None:
        frame = frame.reset_index()          # a named or stored index is data
    frame = frame.reset_index(drop=True)
    plain = frame.copy()
    plain.columns = pd.Index([str(name) for name in frame.columns], dtype=object)
    for position in range(frame.shape[1]):
        plain.isetitem(position, _plain_column(frame.iloc[:, position]))
    return plain


def _plain_column(column: pd.Series) -> pd.Series:
    if isinstance(column.dtype, pd.CategoricalDtype):
        column = column.astype(object)
    if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column):
        if isinstance(column.dtype, pd.api.extensions.ExtensionDtype):
            return column.astype("float64")  # nullable Int64/Float64: pd.NA -> NaN
        return column
    if pd.api.types.is_numeric_dtype(column.dtype) or pd.api.types.is_datetime64_any_dtype(
        column.dtype
    ):
        return column
    values = column.astype(object)
    if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
        return values.map(lambda value: None if _is_missing_text(value) else value).astype(object)
    # text and missing cells only: found at once (a Python call per cell took 1 s at 10^6)
    cells = values.to_numpy(dtype=object, copy=True)
    missing = pd.isna(cells)
    missing[~missing] = cells[~missing] == ""
    cells[missing] = None if missing.all() else _blank_text()
    return pd.Series(cells, index=values.index, name=values.name, dtype=object)


@functools.cache
def _blank_text() -> Any:
    """A blank cell of a text column as ``Series.map`` leaves it once turned back into
    objects: pandas 3 types the mapped text as its string dtype, whose blank is NaN; older
    pandas keeps the None."""
    return pd.Series(np.array(["a", None], dtype=object)).astype(object).iloc[1]


def _is_missing_text(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, str):
        return value == ""
    return isinstance(value, float) and value != value
