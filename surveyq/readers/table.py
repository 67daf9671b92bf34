"""The :class:`RawTable` every reader returns: the file's cells as they were, with row numbers.

The contract between the readers and the cleaning step (surveyq/clean.py) is set out in
docs/methods.md ("io: read the file, keep every cell as it was"): a reader keeps
every respondent record, names columns by the header text a person sees, numbers rows as a
person sees them, and logs every row or column it leaves out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
        codes (``NaN`` for system-missing).
    rows : list of int
        For each frame row, the row number a person sees: in a CSV the record number with the
        header as row 1 (a record holding a quoted line break counts once, as a spreadsheet
        shows it); in a workbook the sheet row; in sav/dta/parquet the case number.
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

    frame: pd.DataFrame
    rows: list[int]
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

    def _repr_html_(self) -> str:
        kept = f"{len(self.rows)} of {self.rows_in_file} rows kept"
        title = f"<p><b>{self.file}</b> ({self.format}): {kept}</p>"
        return title + self.frame.head(20).to_html()
