"""Property tests: whatever the bytes, read_raw returns a RawTable or raises InputError.

Every RawTable must also keep its row accounting: kept rows plus logged row exclusions equal
the rows in the file, one row number per kept row, unique column names.
"""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from surveyq.errors import InputError
from surveyq.io import RawTable, read_raw
from surveyq.log import Action

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
EXTENSIONS = [".csv", ".tsv", ".txt", ".xlsx", ".xls", ".ods", ".sav", ".dta", ".parquet"]

# Text an exporter could write: separators, quotes, line breaks, summary words, non-Latin text.
CELL_TEXT = st.lists(
    st.sampled_from(list("ab ,;\t|\"'\r\n.-0123456789") +
                    ["Setuju", "JUMLAH", "NRR", "Rata-rata", "é", "–", "대", "\u00a0"]),
    max_size=12).map("".join)


def read_or_input_error(path: Path, **options) -> RawTable | None:
    """The property: a RawTable with sound accounting, or an InputError naming the file."""
    try:
        table = read_raw(path, **options)
    except InputError as error:
        assert str(path) in str(error)
        return None
    exclusions = [e for e in table.log.entries if e.action is Action.ROW_EXCLUDED]
    assert len(table.rows) == len(table.frame)
    assert len(table.rows) + len(exclusions) == table.rows_in_file
    assert table.frame.columns.is_unique
    assert all(isinstance(name, str) for name in table.frame.columns)
    return table


_NUMBERS = itertools.count()


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    """One folder for the module (hypothesis runs many examples per test function)."""
    return tmp_path_factory.mktemp("fuzz")


def written(folder: Path, data: bytes, suffix: str) -> Path:
    path = folder / f"input{next(_NUMBERS)}{suffix}"
    path.write_bytes(data)
    return path


@SETTINGS
@given(data=st.binary(max_size=2000), suffix=st.sampled_from(EXTENSIONS))
def test_random_bytes_under_any_extension(scratch, data, suffix):
    read_or_input_error(written(scratch, data, suffix))


@SETTINGS
@given(rows=st.lists(st.lists(CELL_TEXT, max_size=6), max_size=8),
       separator=st.sampled_from([",", ";", "\t"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "cp949", "utf-16"]),
       newline=st.sampled_from(["\n", "\r\n", "\r"]))
def test_random_csv_text_in_any_encoding(scratch, rows, separator, encoding, newline):
    text = newline.join(separator.join(row) for row in rows)
    path = written(scratch, text.encode(encoding, errors="replace"), ".csv")
    read_or_input_error(path)


@SETTINGS
@given(text=st.text(max_size=300), encoding=st.sampled_from(["utf-8", "ascii", "cp1252"]))
def test_wrong_explicit_encoding(scratch, text, encoding):
    path = written(scratch, text.encode("utf-8"), ".csv")
    read_or_input_error(path, encoding=encoding)


SHEET_VALUE = st.one_of(
    st.none(),
    st.integers(min_value=-(2**62), max_value=2**62),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)),
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=20),
    st.sampled_from(["JUMLAH", "NRR / Unsur", "IKM", "Nilai IKM", "Rata-rata", "TESTING", ""]),
)


@SETTINGS
@given(grid=st.lists(st.lists(SHEET_VALUE, max_size=6), max_size=10),
       header_row=st.one_of(st.none(), st.integers(min_value=1, max_value=12)))
def test_random_workbooks(scratch, grid, header_row):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in grid:
        sheet.append(row)
    path = written(scratch, b"", ".xlsx")
    workbook.save(path)
    read_or_input_error(path, header_row=header_row)


@SETTINGS
@given(values=st.lists(st.tuples(
    st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False, width=64),
              st.integers(-(10**15), 10**15)),
    st.text(alphabet=st.characters(codec="utf-8", blacklist_categories=("Cc", "Cs")),
            max_size=10)), max_size=8))
def test_random_spss_files(scratch, values):
    import pyreadstat

    frame = pd.DataFrame({
        "q1": [np.nan if value is None else float(value) for value, _ in values],
        "nama": [text for _, text in values],
    })
    path = written(scratch, b"", ".sav")
    try:
        pyreadstat.write_sav(frame, str(path))
    except Exception:  # noqa: BLE001 - the writer's own limits are not under test
        assume(False)
    table = read_or_input_error(path)
    assert table is not None
    assert table.rows_in_file == len(values)


# Derandomized: readstat (C, under pyreadstat) was seen to segfault once on a randomly
# damaged .sav/.dta, killing the whole test run; a fixed set of examples keeps CI
# reproducible while a crash on a damaged SPSS/Stata file stays a known upstream risk.
@settings(SETTINGS, derandomize=True)
@given(flips=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), max_size=12),
       name=st.sampled_from(["office_tabulation.xlsx", "office_tabulation.xls", "survey.sav",
                             "survey.dta", "survey.parquet", "semicolon_cp1252.csv"]))
def test_damaged_fixtures(scratch, flips, name):
    data = bytearray((FIXTURES / name).read_bytes())
    for position, value in flips:
        data[position % len(data)] = value
    read_or_input_error(written(scratch, bytes(data), Path(name).suffix))


@pytest.mark.parametrize("suffix", EXTENSIONS)
def test_empty_file_of_every_type(scratch, suffix):
    with pytest.raises(InputError, match="empty"):
        read_raw(written(scratch, b"", suffix))


def test_huge_and_mixed_values_in_csv(scratch):
    text = "a,b,c\n" + "9" * 5000 + ",-1e308,x\n1e999,NaN,\n\n,,\n"
    table = read_or_input_error(written(scratch, text.encode(), ".csv"))
    assert table is not None
    assert table.frame.loc[0, "a"] == "9" * 5000 and table.frame.loc[1, "b"] == "NaN"


def test_unbalanced_quote_is_an_input_error_or_one_field(scratch):
    text = 'a,b\n1,"never closed\n' + "x" * 200_000
    read_or_input_error(written(scratch, text.encode(), ".csv"))
