"""Writing output files atomically, and neutralising spreadsheet formulas.

Outputs are written to a temporary file in the target folder and renamed into place, so a
reader never sees a half-written report and an interrupted run leaves the old file intact.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

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
    if hasattr(value, "model_dump"):  # pydantic models (bilingual texts, specs)
        return to_jsonable(value.model_dump())
    if isinstance(value, pd.DataFrame):
        frame = (
            value.reset_index()
            if value.index.name or not isinstance(value.index, pd.RangeIndex)
            else value
        )
        return [to_jsonable(record) for record in frame.to_dict(orient="records")]
    if isinstance(value, pd.Series):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def dumps_json(payload: Any) -> str:
    return json.dumps(to_jsonable(payload), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
