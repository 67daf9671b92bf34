"""Small helpers shared by the thesis statistics: data checks, SPSS number format, HTML blocks.

The statistics modules (descriptives, factor, assumptions, regression, groups) return frozen
result objects; these helpers keep their ``_repr_html_`` and input checks alike.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
import pandas as pd

from surveyq.errors import AnalysisError, InputError
from surveyq.messages import msg

__all__ = ["html_block", "numeric_frame", "numeric_series", "spss_number", "spss_p"]


def spss_number(value: float | None, decimals: int = 3) -> str:
    """Fixed decimals without a leading zero, '.' for a missing value, as SPSS prints."""
    if value is None or not np.isfinite(value):
        return "."
    text = f"{value:.{decimals}f}"
    if text.startswith("0."):
        return text[1:]
    if text.startswith("-0."):
        return "-" + text[2:]
    return text


def spss_p(value: float | None, decimals: int = 3) -> str:
    """A p-value as SPSS prints it: ``.000`` below half a unit of the last decimal."""
    return spss_number(value, decimals)


def numeric_frame(data: pd.DataFrame, what: str, min_rows: int = 3,
                  missing: str = "listwise") -> tuple[pd.DataFrame, list[str]]:
    """Numeric columns of ``data``; listwise: complete rows only, with a note of those dropped."""
    if not isinstance(data, pd.DataFrame):
        raise InputError(msg("tables.not_a_frame", what=what, type=type(data).__name__))
    if missing not in ("listwise", "pairwise"):
        raise InputError(msg("tables.missing_option", value=repr(missing)))
    try:
        frame = _as_floats(data)
    except (TypeError, ValueError) as exc:
        raise InputError(msg("tables.columns_not_numbers", what=what, reason=str(exc))) from None
    notes: list[str] = []
    if missing == "listwise":
        complete = frame.dropna()
        dropped = len(frame) - len(complete)
        if dropped:
            notes.append(msg("tables.listwise_dropped", dropped=dropped, rows=len(frame)))
        frame = complete
    if len(frame) < min_rows:
        raise AnalysisError(msg("tables.too_few_rows", what=what, n=len(frame), least=min_rows))
    distinct = frame.nunique(dropna=True)
    constant = [str(c) for c in frame.columns[distinct.to_numpy() < 2]]
    if constant:
        raise AnalysisError(msg("tables.constant_columns", what=what, columns=", ".join(constant)))
    return frame, notes


def _as_floats(data: pd.DataFrame) -> pd.DataFrame:
    """``data`` as floats; columns not numeric already are parsed (:func:`pandas.to_numeric`,
    raising on text), which is the slow part and rarely needed: items arrive coded."""
    if all(pd.api.types.is_numeric_dtype(dtype) for dtype in data.dtypes):
        return data.astype(float)
    return data.apply(pd.to_numeric, errors="raise").astype(float)


def numeric_series(values: Sequence[float] | pd.Series | np.ndarray,
                   what: str) -> tuple[np.ndarray, int]:
    """Finite values as floats and how many missing values were left out."""
    try:
        array = np.asarray(pd.to_numeric(pd.Series(values), errors="raise"), dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError(msg("tables.values_not_numbers", what=what, reason=str(exc))) from None
    keep = np.isfinite(array)
    return array[keep], int((~keep).sum())


def html_block(css_class: str, sections: list[tuple[str, pd.DataFrame | None]],
               notes: Sequence[str] = (), decimals: int = 3) -> str:
    """Titled tables and a list of notes, for Jupyter's ``_repr_html_``."""
    parts = [f"<div class='{css_class}'>"]
    for title, frame in sections:
        if frame is None:
            continue
        parts.append(f"<h4>{html.escape(title)}</h4>")
        parts.append(frame.to_html(float_format=lambda x: f"{x:.{decimals}f}"))
    if notes:
        parts.append("<ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in notes) + "</ul>")
    parts.append("</div>")
    return "".join(parts)
