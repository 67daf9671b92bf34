"""Readers: fixtures written for each format, and every real export in ../shared/real-data.

Facts asserted about the real files come from ../shared/real-data/README.md.
"""

from __future__ import annotations

import hashlib
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from surveyq.errors import InputError
from surveyq.io import RawTable, read_raw
from surveyq.log import Action, Reason
from surveyq.readers.grid import summary_label

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real-data"


def real(name: str) -> Path:
    path = REAL / name
    if not path.exists():
        pytest.skip(f"real export {name} not found in {REAL} (the shared folder beside the repo)")
    return path


def excluded(table: RawTable, reason: Reason) -> list[int]:
    return [entry.row for entry in table.log.entries
            if entry.action is Action.ROW_EXCLUDED and entry.reason is reason]


def messages(table: RawTable, reason: Reason) -> list[str]:
    return [entry.message for entry in table.log.entries if entry.reason is reason]


def assert_accounted(table: RawTable) -> None:
    """Kept rows plus logged row exclusions equal the rows in the file, and say so in the log."""
    exclusions = [e for e in table.log.entries if e.action is Action.ROW_EXCLUDED]
    assert len(table.rows) == len(table.frame)
    assert len(table.rows) + len(exclusions) == table.rows_in_file
    assert len(set(table.rows) | {e.row for e in exclusions}) == table.rows_in_file
    accounting = table.log.row_accounting().iloc[0]
    assert accounting["rows_in_file"] == table.rows_in_file
    assert accounting["rows_kept"] == len(table.rows)
    assert table.frame.columns.is_unique
    # the same numbers as the int64 array the cleaning step reads, and as Python ints
    assert table.row_numbers.dtype == np.int64 and table.row_numbers.tolist() == table.rows
    assert all(type(row) is int for row in table.rows)


def text_cells_only(frame: pd.DataFrame) -> bool:
    return all(value is None or isinstance(value, str) for value in frame.to_numpy().ravel())


# --- fixtures: text exports -------------------------------------------------------------------

def test_google_forms_indonesian_export():
    table = read_raw(FIXTURES / "gforms_id.csv")
    assert table.format == "gforms"
    assert table.timestamp_column == "Stempel waktu"
    assert list(table.frame.columns)[:4] == ["Stempel waktu", "Alamat email", "Jenis Kelamin",
                                             "Kepuasan [Kebersihan]"]
    assert table.rows == [2, 3, 4, 5]            # the 2-line record counts once (row 2)
    assert table.frame.loc[0, "Saran"] == "Ruang tunggu\nlebih luas"
    assert table.frame.loc[0, "Kepuasan [Kebersihan]"] == "Sangat Setuju"
    assert table.frame.loc[1, "Saran"] is None   # empty cell -> None
    assert table.frame.loc[2, "Saran"] == "Antrean; loket; parkir"
    assert text_cells_only(table.frame)
    assert "Google Forms export: timestamp column 'Stempel waktu'" in messages(table, Reason.FORMAT)
    assert_accounted(table)


def test_kobo_export_strips_groups_and_drops_meta_columns():
    table = read_raw(FIXTURES / "kobo_export.csv")
    assert table.format == "kobo"
    assert table.delimiter == ";" and table.decimal == "."   # Kobo writes '.' decimals
    assert list(table.frame.columns) == [
        "umur", "jk", "q1", "grp_layanan/q2", "grp_lain/q2", "q5", "q5/antre", "q5/biaya",
        "q6", "_submission_time"]
    assert table.timestamp_column == "_submission_time"
    dropped = [e.column for e in table.log.entries if e.reason is Reason.META_COLUMN]
    assert all(e.action is Action.COLUMN_DROPPED for e in table.log.entries
               if e.reason is Reason.META_COLUMN)
    assert dropped == ["start", "end", "today", "deviceid", "meta/instanceID", "_id", "_uuid",
                       "_validation_status", "_notes", "_status", "_submitted_by",
                       "__version__", "_tags", "_index"]
    ambiguous = [e.column for e in table.log.entries if e.reason is Reason.AMBIGUOUS_COLUMN]
    assert ambiguous == ["grp_layanan/q2", "grp_lain/q2"]
    assert table.frame["q1"].tolist() == ["4", "2", "5"]
    assert_accounted(table)


def test_row_numbers_given_as_array_or_list_read_alike():
    from surveyq.log import CleaningLog

    given = np.array([2, 3, 5], dtype=np.int32)
    from_array = RawTable(pd.DataFrame({"a": ["x", "y", "z"]}), given, "f.csv", "csv", 4,
                          CleaningLog())
    from_list = RawTable(pd.DataFrame({"a": ["x", "y", "z"]}), [2, 3, 5], "f.csv", "csv", 4,
                         CleaningLog())
    for table in (from_array, from_list):
        assert table.rows == [2, 3, 5] and all(type(row) is int for row in table.rows)
        assert table.row_numbers.dtype == np.int64 and table.row_numbers.tolist() == [2, 3, 5]
        assert not table.row_numbers.flags.writeable
    assert given.flags.writeable  # the reader's own array is not frozen
    from_list.rows = [7, 8, 9]  # a new list replaces both views of the numbers
    assert from_list.row_numbers.tolist() == [7, 8, 9] and from_list.rows == [7, 8, 9]


def test_kobo_xlsx_export_is_kobo_with_numbers_kept():
    table = read_raw(FIXTURES / "kobo_export.xlsx")
    assert table.format == "kobo" and table.sheet == "Survei Layanan"
    assert list(table.frame.columns) == ["q1", "q2", "_submission_time"]
    assert table.frame["q1"].tolist() == [4, 2]
    assert table.rows == [2, 3]


def test_limesurvey_export_keeps_id_and_answer_codes():
    table = read_raw(FIXTURES / "limesurvey.csv")
    assert table.format == "limesurvey"
    assert list(table.frame.columns) == ["id", "G01Q01", "G01Q02[SQ001]", "G01Q02[SQ002]",
                                         "G01Q03"]
    assert table.frame["G01Q01"].tolist() == ["A1", "A2", "A1"]
    assert table.frame.loc[2, "G01Q02[SQ001]"] is None          # incomplete response kept
    meta = [e.column for e in table.log.entries if e.reason is Reason.META_COLUMN]
    assert meta == ["submitdate", "lastpage", "startlanguage", "seed", "startdate",
                    "datestamp", "ipaddr", "refurl"]
    assert_accounted(table)


def test_plain_csv_with_title_blank_summary_rows_and_odd_headers():
    table = read_raw(FIXTURES / "plain_messy.csv")
    assert table.format == "csv"
    assert list(table.frame.columns) == ["No", "Nama", "U1", "U2", "U2 (2)", "column 6",
                                         "Catatan"]
    assert table.rows == [3, 4, 7]
    assert excluded(table, Reason.BLANK_ROW) == [5, 6, 8]
    assert excluded(table, Reason.SUMMARY_ROW) == [9, 10]
    assert table.rows_in_file == 8
    assert table.frame.loc[1, "Catatan"] == "baris satu\nbaris dua"
    assert table.frame.loc[2, "column 6"] == "x"
    assert any("header is row 2" in m for m in messages(table, Reason.FORMAT))
    assert_accounted(table)


def test_semicolon_windows1252_with_decimal_commas():
    table = read_raw(FIXTURES / "semicolon_cp1252.csv")
    assert (table.encoding, table.delimiter, table.decimal) == ("cp1252", ";", ",")
    assert list(table.frame.columns) == ["Usia", "Jenis Kelamin", "Lama menjadi\ndriver",
                                         "Nilai rata\u2013rata", "Q1"]
    assert table.frame["Nilai rata\u2013rata"].tolist() == ["3,5", "4,25", "2,0"]
    assert table.frame.loc[2, "Lama menjadi\ndriver"] == "caf\u00e9 \u00ab2\u00bb"
    assert excluded(table, Reason.BLANK_ROW) == [4]
    assert messages(table, Reason.ENCODING) == [
        "read as Windows-1252, separator ';', decimal ','"]
    assert_accounted(table)


def test_utf8_bom_is_not_part_of_the_first_header():
    table = read_raw(FIXTURES / "utf8_bom.csv")
    assert table.encoding == "utf-8-sig"
    assert list(table.frame.columns) == ["Nama", "U1", "U2"]
    assert table.frame.loc[1, "U2"] is None


def test_utf16_excel_unicode_text(tmp_path):
    path = tmp_path / "unicode.txt"
    path.write_bytes("Nama\tU1\r\nAni\t4\r\n".encode("utf-16"))
    table = read_raw(path)
    assert (table.encoding, table.delimiter) == ("utf-16", "\t")
    assert table.frame.to_dict("records") == [{"Nama": "Ani", "U1": "4"}]


def test_excel_separator_hint_line(tmp_path):
    path = tmp_path / "hint.csv"
    path.write_text("sep=;\nNama;U1\nAni;4,5\n", encoding="utf-8")
    table = read_raw(path)
    assert table.delimiter == ";" and table.decimal == ","
    assert list(table.frame.columns) == ["Nama", "U1"] and table.rows == [2]
    assert any("separator hint" in m for m in messages(table, Reason.FORMAT))


def test_options_that_do_not_apply_are_noted():
    table = read_raw(FIXTURES / "survey.sav", delimiter=";", header_row=2)
    notes = messages(table, Reason.FORMAT)
    assert "delimiter= does not apply to .sav files and was ignored" in notes
    assert "header_row= does not apply to .sav files and was ignored" in notes
    sheet = read_raw(FIXTURES / "office_tabulation.xlsx", encoding="cp1252")
    assert "encoding= does not apply to .xlsx files and was ignored" in messages(
        sheet, Reason.FORMAT)


def test_explicit_options_win(tmp_path):
    path = tmp_path / "pipes.csv"
    path.write_text("a|b|c,d\n1|2|3,5\n", encoding="utf-8")
    assert list(read_raw(path).frame.columns) == ["a", "b", "c,d"]       # sniffed '|'
    assert list(read_raw(path, delimiter=",").frame.columns) == ["a|b|c", "d"]
    gforms = read_raw(FIXTURES / "gforms_id.csv", format="csv")
    assert gforms.format == "csv" and gforms.timestamp_column is None
    latin = read_raw(FIXTURES / "semicolon_cp1252.csv", encoding="latin-1")
    assert latin.encoding == "iso8859-1"


# --- fixtures: workbooks ----------------------------------------------------------------------

@pytest.mark.parametrize("name", ["office_tabulation.xlsx", "office_tabulation.xls"])
def test_office_tabulation_summary_rows_and_footer(name):
    table = read_raw(FIXTURES / name)
    assert table.format == name.rsplit(".", 1)[1]
    assert list(table.frame.columns) == ["No", "Nama", "Jenis Kelamin", "U1", "U2", "U3", "U4",
                                         "Frekuensi"]
    assert table.rows == [5, 6, 7, 9, 10, 11]
    assert excluded(table, Reason.BLANK_ROW) == [8, 12, 16, 17]
    assert excluded(table, Reason.SUMMARY_ROW) == [13, 14, 15, 18, 19]
    assert table.rows_in_file == 15
    assert table.frame["No"].tolist() == [1, 2, 3, 4, 5, 6]
    assert all(isinstance(value, int) for value in table.frame["U1"])
    # An answer option reading "Rata-rata" in a data column does not drop the respondent.
    assert table.frame.loc[1, "Frekuensi"] == "Rata-rata"
    assert table.sheet == "Tabulasi"
    assert any("header is row 4" in m for m in messages(table, Reason.FORMAT))
    assert_accounted(table)


def test_sheet_and_header_row_options():
    path = FIXTURES / "office_tabulation.xlsx"
    assert read_raw(path, header_row=4).rows == read_raw(path).rows
    other = read_raw(path, sheet="Rekap")
    assert other.sheet == "Rekap" and list(other.frame.columns) == ["IKM"]
    assert read_raw(path, sheet=1).sheet == "Rekap"
    with pytest.raises(InputError, match="no sheet 'Data'.*'Tabulasi', 'Rekap'"):
        read_raw(path, sheet="Data")
    with pytest.raises(InputError, match="header_row=99 is past the last row"):
        read_raw(path, header_row=99)
    with pytest.raises(InputError, match="header_row=3 is an empty row"):
        read_raw(path, header_row=3)


def test_workbook_renamed_to_csv_is_read_as_workbook(tmp_path):
    path = tmp_path / "responses.csv"
    shutil.copy(FIXTURES / "office_tabulation.xlsx", path)
    table = read_raw(path)
    assert table.format == "xlsx" and table.rows == [5, 6, 7, 9, 10, 11]
    assert any("is an Excel .xlsx workbook" in m for m in messages(table, Reason.FORMAT))


def test_summary_words_among_answers_keep_the_respondent(tmp_path):
    path = tmp_path / "rekap.csv"
    path.write_text(
        "No,Nama,U1,U2,Saran\n"
        "1,Ani,4,3,Total pelayanan sudah baik\n"      # free text starting with a summary word
        "Subtotal,,4,3,\n"                           # a subtotal between respondents
        "2,Budi,3,Rata-rata,Mean time to answer\n"    # label-like answers among numbers
        "JUMLAH,,7,3,\n", encoding="utf-8")
    table = read_raw(path)
    assert table.rows == [2, 4]
    assert excluded(table, Reason.SUMMARY_ROW) == [3, 5]
    assert_accounted(table)


@pytest.mark.parametrize("words,expected", [
    ("JUMLAH", True), ("Jumlah", True), ("Total", True), ("NRR", True), ("NRR / Unsur", True),
    ("NRR Tertimbang / Unsur", True), ("Rata-rata", True), ("Rerata", True), ("IKM", True),
    ("Nilai IKM", True), ("Keterangan", True), ("Semua Nilai Unsur", True), ("Mean", True),
    ("Average:", True), ("Sumarni", False), ("Meaningful", False), ("Ani", False),
    (3, False), ("Totalitas", False),
])
def test_summary_labels(words, expected):
    assert summary_label(words) is expected


# --- fixtures: statistics files ---------------------------------------------------------------

def test_spss_sav_codes_labels_and_user_missing():
    table = read_raw(FIXTURES / "survey.sav")
    assert table.format == "sav" and table.encoding == "UTF-8"
    assert list(table.frame.columns) == ["jk", "umur", "q1", "q2", "q3", "q4"]
    assert table.rows == [1, 2, 3, 4, 6]
    assert excluded(table, Reason.BLANK_ROW) == [5]
    assert table.value_labels["jk"] == {1.0: "Laki-laki", 2.0: "Perempuan"}
    assert table.column_labels["q1"] == "Persyaratan pelayanan mudah dipenuhi"
    assert table.declared_missing == {"q4": [9.0]}
    assert table.frame.loc[2, "q4"] == 9.0                 # the code stays for the cleaner
    assert math.isnan(table.frame.loc[1, "q2"])            # system-missing
    assert_accounted(table)


def test_stata_dta():
    table = read_raw(FIXTURES / "survey.dta")
    assert table.format == "dta"
    assert table.value_labels["jk"] == {1: "Laki-laki", 2: "Perempuan"}
    assert table.column_labels["umur"] == "Umur (tahun)"
    assert table.rows == [1, 2, 3, 4, 6]
    assert_accounted(table)


def test_parquet_text_reads_blanks_as_missing_and_keeps_the_distinct_values(tmp_path):
    """Blank and empty text cells are missing; the reader's distinct values of every column
    reach the cleaning step (no case was dropped), nulls last."""
    path = tmp_path / "answers.parquet"
    pd.DataFrame({"id": ["a", "", None, "d"], "U1": [1.0, 2.0, 3.0, 4.0]}).to_parquet(path)
    table = read_raw(path)
    assert table.frame["id"].tolist()[::3] == ["a", "d"]
    assert table.frame["id"].isna().tolist() == [False, True, True, False]
    indices, uniques = table.distinct_values("id")
    assert (indices.tolist(), uniques) == ([0, 2, 2, 1], ["a", "d", None])
    assert set(table.distinct) == {"id", "U1"}


def test_cleaning_a_plain_export_does_not_build_its_frame_until_asked(tmp_path):
    """The cleaning step reads the columns by their distinct values, so the reader's object
    frame is built only when someone asks for cells; then it holds them as read."""
    from surveyq.clean import clean
    from surveyq.questionnaire import load_questionnaire
    from surveyq.readers.table import LazyFrame

    path = tmp_path / "skm.csv"
    path.write_text("id,U1,U2,U3,U4,U5,U6,U7,U8,U9\nR1,4,3,,4,4,4,4,4,4\n"
                    "R2,1,2,3,4,1,2,3,4,1\nR3,2,3,,4,4,4,4,4,4\n", encoding="utf-8")
    raw = read_raw(path)
    responses = clean(raw, load_questionnaire("skm-permenpanrb-14-2017"))
    assert raw.columns[:2] == ["id", "U1"]
    assert responses.items["U1"].tolist() == [4.0, 1.0, 2.0]
    assert isinstance(raw._frame, LazyFrame)  # still: cleaning did not build it
    assert raw.frame["U3"].tolist() == [None, "3", None]
    assert raw.frame["id"].tolist() == ["R1", "R2", "R3"] and raw.n == 3


def test_parquet_plain_values():
    table = read_raw(FIXTURES / "survey.parquet")
    assert table.format == "parquet"
    assert table.frame["responden"].tolist() == ["R1", "R2", "R3", "R4"]
    assert table.frame["layanan"].tolist() == ["KTP", "KK", "KTP", "Akta"]
    assert table.frame["u1"].dtype == "float64" and math.isnan(table.frame.loc[3, "u1"])
    assert table.rows == [1, 2, 3, 4]


# --- errors -----------------------------------------------------------------------------------

def test_missing_empty_folder_and_unsupported_files(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read_raw(tmp_path / "nope.csv")
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        read_raw(tmp_path / "empty.csv")
    with pytest.raises(InputError, match="folder"):
        read_raw(tmp_path)
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(InputError, match=r"unsupported file type '\.pdf'; supported: .*\.csv"):
        read_raw(tmp_path / "notes.pdf")
    (tmp_path / "blank.csv").write_text("\n , \n\n", encoding="utf-8")
    with pytest.raises(InputError, match="no header row found"):
        read_raw(tmp_path / "blank.csv")
    with pytest.raises(InputError, match="unknown format 'excel'"):
        read_raw(FIXTURES / "utf8_bom.csv", format="excel")
    with pytest.raises(InputError, match="delimiter must be one character"):
        read_raw(FIXTURES / "utf8_bom.csv", delimiter=";;")


def test_html_saved_as_xls_names_the_fix(tmp_path):
    path = tmp_path / "laporan.xls"
    path.write_text("<html><body><table><tr><td>No</td></tr></table></body></html>")
    with pytest.raises(InputError, match="web page.*save it as .xlsx") as error:
        read_raw(path)
    assert error.value.file == str(path)


@pytest.mark.parametrize("name,content", [
    ("broken.xlsx", b"PK\x03\x04" + b"\x00" * 40),
    ("broken.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x01" * 40),
    ("broken.sav", b"$FL2" + b"\x07" * 60),
    ("broken.dta", b"<stata_dta><header>"),
    ("broken.parquet", b"PAR1 not really"),
])
def test_damaged_binary_files_raise_input_error(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as error:
        read_raw(path)
    assert str(path) in str(error.value)
    assert "Traceback" not in str(error.value)


def test_wrong_explicit_encoding_names_the_option():
    with pytest.raises(InputError, match="not valid UTF-8.*encoding="):
        read_raw(FIXTURES / "semicolon_cp1252.csv", encoding="utf-8")
    with pytest.raises(InputError, match="unknown encoding 'klingon'"):
        read_raw(FIXTURES / "semicolon_cp1252.csv", encoding="klingon")


def test_undecodable_bytes_list_the_encodings_tried(tmp_path, monkeypatch):
    import surveyq.readers.text as text

    monkeypatch.setattr(text, "_charset_normalizer_guess", lambda data: None)
    path = tmp_path / "odd.csv"
    path.write_bytes(b"a,b\n\x81 ,\x8d \n")   # undefined in Windows-1252, invalid UTF-8, CP949
    with pytest.raises(InputError, match=r"tried UTF-8, CP949, Windows-1252.*encoding="):
        read_raw(path)


# --- real exports (../shared/real-data, README.md) ----------------------------------------------

def test_real_google_forms_qris():
    table = read_raw(real("gforms-id-qris-likert.csv"))
    assert table.format == "gforms" and table.encoding == "utf-8" and table.delimiter == ","
    assert table.frame.shape == (55, 12) and table.rows_in_file == 55
    assert table.rows == list(range(2, 57))
    assert table.timestamp_column == "Timestamp"
    assert list(table.frame.columns)[:3] == ["Timestamp", "Nama", "Fakultas"]
    assert table.frame.loc[0, "Timestamp"] == "2023/09/26 3:12:17 PM GMT+7"
    assert table.frame.loc[0, "Nama"] == "Responden 01 "               # trailing space kept
    assert "Makanan & Minuman;Kebutuhan Pokok" in table.frame.iloc[:, 8].tolist()
    assert "Sangat Setuju" in table.frame.iloc[:, 4].tolist()
    assert text_cells_only(table.frame) and table.frame.notna().all().all()   # no empty cells
    assert_accounted(table)


def test_real_kiosk_servqual_cp949():
    table = read_raw(real("servqual-kiosk-ko-cp949.csv"))
    assert (table.encoding, table.delimiter, table.format) == ("cp949", ",", "csv")
    assert table.frame.shape == (211, 163) and table.rows_in_file == 211
    columns = list(table.frame.columns)
    assert columns[0] == "귀하의 성별을 선택해주세요."
    assert columns[3] == "1-1. 키오스크는 사용자가 선택한 내용을 의도대로 정확하게 반영해야 한다.(기대 설문)"  # noqa: E501
    assert sum("\t" in name for name in columns) == 2
    assert sum(name.endswith("(기대 설문)") for name in columns) == 24
    assert sum(name.endswith("(인지 설문)") for name in columns) == 24
    assert any("다양한 색감, 애니메이션" in name for name in columns)   # quoted commas intact
    assert "50대  이상" in table.frame.iloc[:, 1].tolist()                # double space kept
    # Four rows filled only in 5 profile columns are records for the cleaner to judge.
    sparse = [row for row, (_, record) in zip(table.rows, table.frame.iterrows(), strict=True)
              if record.isna().sum() == 158]
    assert sparse == [25, 81, 158, 205]
    assert not [e for e in table.log.entries if e.action is Action.ROW_EXCLUDED]
    assert messages(table, Reason.ENCODING) == [
        "read as CP949 (Korean), separator ',', decimal '.'"]
    assert_accounted(table)


def test_real_navigation_windows1252_semicolons():
    table = read_raw(real("excel-semicolon-cp1252-navigation.csv"))
    assert (table.encoding, table.delimiter, table.decimal) == ("cp1252", ";", ",")
    assert table.frame.shape == (33, 16)
    assert table.rows == list(range(2, 35))        # the 2-line header is row 1
    columns = list(table.frame.columns)
    assert columns[6] == ("Pernah Ada Informasi Tambahan dari Pelanggan \n(seperti landmark, "
                          "deskripsi lokasi, atau petunjuk arah tambahan)")
    assert columns[2] == "Platform Transportasi Berbasis Aplikasi yang Digunakan  "
    assert columns[8].startswith("2.  Landmark")
    assert table.frame.loc[0, "Usia"] == "21\u201325 tahun"
    assert table.frame.iloc[0, 7:].tolist() == ["3", "4", "3", "4", "3", "4", "5", "3", "3"]
    assert messages(table, Reason.ENCODING) == [
        "read as Windows-1252, separator ';', decimal ','"]
    assert_accounted(table)


def test_real_ceklok_employee_survey_and_codebook():
    table = read_raw(real("employee-ceklok-kuisioner.csv"))
    assert table.frame.shape == (52, 32) and table.format == "csv"
    assert list(table.frame.columns)[8] == "X1.1"
    assert table.frame.loc[0, "tanggal_isi"] == "4/17/2026 10:05"
    assert table.frame.loc[1, "masa_kerja"] == "> 10 Tahun < 15 Tahun"
    assert table.frame.loc[0, "X1.1"] == "4"
    codebook = read_raw(real("employee-ceklok-pertanyaan.csv"))
    assert codebook.frame.shape == (24, 3)
    assert list(codebook.frame.columns) == ["kode", "objek", "pertanyaan"]


def test_real_skm_tabulation_summary_rows_excluded():
    table = read_raw(real("skm-14unsur-tabulation-TESTDATA.xlsx"))
    assert table.format == "xlsx"
    assert list(table.frame.columns) == ["No", "Kode Peserta", "Umur"] + [
        f"U{i}" for i in range(1, 15)]
    assert table.rows == [6, 7, 8, 9, 10]
    assert table.frame["No"].tolist() == [1, 2, 3, 4, 5]
    assert table.frame["Kode Peserta"].tolist() == ["PS008", "PS009", "PS0010", "PS0011",
                                                    "PS0012"]
    assert table.frame.loc[0, "U1"] == 3
    assert table.rows_in_file == 19                         # rows 6-24
    assert excluded(table, Reason.SUMMARY_ROW) == [13, 14, 15, 16, 20, 23, 24]
    assert excluded(table, Reason.BLANK_ROW) == [11, 12, 17, 18, 19, 21, 22]
    summary = {e.row: e.raw_value for e in table.log.entries if e.reason is Reason.SUMMARY_ROW}
    assert [summary[row] for row in (13, 14, 15, 16, 20)] == [
        "Keterangan", "Semua Nilai Unsur", "NRR / Unsur", "NRR Tertimbang / Unsur", "Nilai IKM"]
    assert summary[24] == "TESTING"
    assert_accounted(table)


def test_real_spss_pallant_survey():
    table = read_raw(real("spss-pallant-survey.sav"))
    assert table.format == "sav" and table.encoding == "UTF-8"
    assert table.frame.shape == (439, 135) and table.rows == list(range(1, 440))
    assert table.value_labels["sex"] == {1.0: "MALES", 2.0: "FEMALES"}
    assert len(table.value_labels) == 10 and "op1" not in table.value_labels
    assert table.column_labels["op1"] == "In uncertain times I usually expect the best"
    assert int(table.frame.isna().sum().sum()) == 622
    assert set(table.frame["sex"].dropna()) == {1.0, 2.0}
    assert_accounted(table)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_reading_leaves_every_file_byte_identical():
    # Files only: fixtures/trust/ holds deliberately broken CSVs (tests/test_trust_read.py).
    paths = [p for p in sorted(FIXTURES.iterdir()) if p.is_file() and p.suffix != ".py"]
    if REAL.exists():
        paths += [p for p in sorted(REAL.iterdir()) if p.suffix != ".md"]
    before = {path: (sha256(path), path.stat().st_mtime_ns) for path in paths}
    for path in paths:
        read_raw(path)
    assert {path: (sha256(path), path.stat().st_mtime_ns) for path in paths} == before


def test_a_file_of_a_few_mib_is_parsed_in_a_block_per_core():
    """The 10^5-respondent export (3 MB) is cut in two on two cores, so both parse it; a
    large file in 8 MiB blocks, a small one in one block (the cells are the same however
    it is cut: the tests below parse in blocks of a few hundred bytes)."""
    from surveyq.readers.text import _block_bytes

    assert _block_bytes(3_070_778, 2) == 1_535_389
    assert _block_bytes(3_070_778, 1) == 3_070_778
    assert _block_bytes(31 << 20, 2) == 8 << 20
    assert _block_bytes(200_000, 2) == 1 << 20
    assert _block_bytes(3_070_778, 0) == 3_070_778  # no core count known: one block


@pytest.mark.parametrize("block_bytes", [None, 300])
def test_columns_of_different_values_read_as_the_careful_reader_reads_them(tmp_path,
                                                                            monkeypatch,
                                                                            block_bytes):
    """A plain CSV of more records than the sample, whose id and comment columns are nearly
    all different (one id repeated, one comment blank, some quoted with a comma or a quote
    inside), is read by pyarrow with those columns as plain text: the same cells, rows, log
    and cleaned responses as the careful reader (Python's csv module) gives; also when the
    file is parsed in blocks of 300 bytes (the blocks' cells joined in file order)."""
    import surveyq.readers as readers
    from surveyq.clean import clean
    from surveyq.questionnaire import load_questionnaire
    from surveyq.readers.text import _SAMPLE_RECORDS

    n = _SAMPLE_RECORDS + 500
    lines = ["id,Jenis Kelamin,U1,U2,U3,U4,U5,U6,U7,U8,U9,Saran"]
    for i in range(n):
        ident = "R7" if i == 1500 else f"R{i}"   # a duplicate id among different ones
        comment = "" if i == 9 else f'"saran, ""ke-{i}"""' if i % 7 == 0 else f"saran ke-{i}"
        answers = ",".join(str(1 + (i * (j + 3)) % 4) if (i + j) % 37 else ""
                           for j in range(9))
        lines.append(f"{ident},{'L' if i % 3 else 'P'},{answers},{comment}")
    path = tmp_path / "skm.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    q = load_questionnaire("skm-permenpanrb-14-2017")

    if block_bytes:
        monkeypatch.setattr(readers.text, "_BLOCK_BYTES", block_bytes)
    columnar = read_raw(path)
    assert readers.text.read_text_columns(path.read_bytes(), str(path), None, None) \
        is not None  # pyarrow's blocks read it, not the careful reader
    monkeypatch.undo()
    assert sorted(readers.text._nearly_unique_columns(
        path.read_text(encoding="utf-8"), ",", 12)) == [0, 11]
    monkeypatch.setattr(readers, "read_text_columns", lambda *args: None)
    careful = read_raw(path)

    pd.testing.assert_frame_equal(columnar.frame, careful.frame)
    assert columnar.rows == careful.rows and columnar.rows_in_file == n
    assert columnar.log.to_frame().equals(careful.log.to_frame())
    for name in ("id", "Saran"):
        indices, uniques = columnar.distinct_values(name)
        assert [uniques[i] or None for i in indices] == careful.frame[name].tolist()
    one, two = clean(columnar, q), clean(careful, q)
    pd.testing.assert_frame_equal(one.items, two.items)
    pd.testing.assert_frame_equal(one.fields, two.fields)
    assert one.log.to_frame().equals(two.log.to_frame())


def test_filled_test_of_many_values_agrees_with_python():
    """Above 256 distinct values the filled test runs in pyarrow (a text starting with an
    ASCII letter or digit is filled, the rest by a regular expression of Python's white
    space): each value is decided as ``is_empty`` decides it, None included."""
    import pyarrow as pa

    from surveyq.readers.grid import _filled_values, is_empty
    from surveyq.readers.table import TextValues

    spaces = ["", " ", "\t", "\u00a0", "\u3000", "\u2007 \u202f", "\x1c", "\u200b"]
    texts = [f"R{i}" for i in range(300)] + spaces + [f"{s}x{s}" for s in spaces] + [
        "é", " é", "-", "_1", "\u0660", "Ⅻ"]
    values = TextValues(pa.array(texts))
    expected = [not is_empty(value) for value in values]
    assert _filled_values(values).tolist() == expected
    # empty: the space-only texts but U+200B (no white space to Python), and None
    assert expected[-1] is False and expected.count(False) == len(spaces)


def test_label_test_of_many_values_agrees_with_python():
    """Above 256 distinct values the summary-label test runs in pyarrow, texts whose first
    two characters are ASCII letters or digits beginning no summary word ruled out before
    the regular expression: each value is decided as ``summary_label`` decides it, whatever
    its case, white space before it, or the letters Python folds to s and k (U+017F, U+212A)."""
    import pyarrow as pa

    from surveyq.readers.grid import _label_values
    from surveyq.readers.table import TextValues

    labels = ["JUMLAH", "  Rata-rata", "\u00a0nrr / unsur", "Total:", "\u212aINERJA UNIT",
              "sub total", "IKM", "Std. Dev", "Mean 3"]
    others = ["Rata2x", "R1", "R", "", " ", "rx", "Jum", "12", "Ṙata", "median3", "ikmx", "Ab",
              "ſemua", "ſUB TOTAL", "\u212aINERJA"]
    texts = [f"R{i}" for i in range(300)] + labels + others
    values = TextValues(pa.array(texts))
    expected = [summary_label(value) for value in values]
    assert _label_values(values).tolist() == expected
    assert expected[300:309] == [True] * 9  # each of the labels, by Python's own test


@pytest.mark.parametrize("block_bytes", [None, 256])
def test_columnar_reader_with_rows_left_out_agrees_with_careful_reader(tmp_path, monkeypatch,
                                                                       block_bytes):
    """Rows left out (a subtotal between respondents, a summary block at the end) and empty
    ids among a thousand different ones: the columns pyarrow read are gathered by the kept
    rows, the ids' empty texts found in pyarrow become None, as the careful reader has them."""
    import surveyq.readers as readers
    from surveyq.readers.text import _SAMPLE_RECORDS

    n = _SAMPLE_RECORDS + 300
    lines = ["id,Jenis Kelamin,U1,U2,U3"]
    for i in range(n):
        ident = "" if i % 97 == 5 else f"R{i}"
        lines.append(f"{ident},{'L' if i % 3 else 'P'},{1 + i % 4},{1 + i % 3},")
        if i == 600:
            lines.append("Total,,7,8,9")
    lines += ["JUMLAH,,100,200,300", "NRR,,3,2,1"]
    path = tmp_path / "skm.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    if block_bytes:  # parsed in many blocks
        monkeypatch.setattr(readers.text, "_BLOCK_BYTES", block_bytes)
    columnar = read_raw(path)
    assert readers.text.read_text_columns(path.read_bytes(), str(path), None, None) \
        is not None  # pyarrow's blocks read it, not the careful reader
    monkeypatch.undo()
    monkeypatch.setattr(readers, "read_text_columns", lambda *args: None)
    careful = read_raw(path)

    assert excluded(columnar, Reason.SUMMARY_ROW) == [603, n + 3, n + 4]
    pd.testing.assert_frame_equal(columnar.frame, careful.frame)
    assert columnar.rows == careful.rows and len(columnar.rows) == n
    assert columnar.frame["id"].isna().sum() == len(range(5, n, 97))
    assert columnar.log.to_frame().equals(careful.log.to_frame())
    for name in columnar.frame.columns:
        indices, uniques = columnar.distinct_values(name)
        assert [uniques[i] or None for i in indices] == careful.frame[name].tolist()


@pytest.mark.parametrize("text", ["", "\n", "a", "a\n", "a\nb", 'a\nb"\n', "a\nb\r\n\r\n",
                                  'a\r\nb"c"\r\n', "\n\n\n", "x\ny\n\n", "a\rb\n"])
def test_last_line_start_is_that_of_the_text_without_its_trailing_line_breaks(text):
    from surveyq.readers.text import _last_line_start

    assert text[_last_line_start(text):] == text[text.rstrip("\r\n").rfind("\n") + 1:]
    data = text.encode("ascii")
    assert _last_line_start(data) == _last_line_start(text)


def test_decimal_mark_of_many_values_agrees_with_the_cell_by_cell_count():
    """Of many distinct values pyarrow read (an id column), only those holding a comma or a
    point are tested as decimals: every value either pattern matches is among them, and the
    decision is the careful reader's, cell by cell, with the cells' repeats."""
    import numpy as np
    import pyarrow as pa

    from surveyq.readers.table import TextValues
    from surveyq.readers.text import (
        _DECIMAL_COMMA,
        _DECIMAL_POINT,
        _with_mark,
        decimal_mark,
        decimal_mark_columns,
    )

    texts = [f"R{i}" for i in range(300)] + ["1,5", "2.5", "\u0661,\u0665", " 3,5", "1,5,6",
                                             "x.y", "", "3,25", "-0.5", "+4,0"]
    uniques = TextValues(pa.array(texts))
    marked = set(_with_mark(uniques))
    assert {i for i, text in enumerate(texts)
            if _DECIMAL_COMMA.fullmatch(text) or _DECIMAL_POINT.fullmatch(text)} <= marked
    assert marked == {i for i, text in enumerate(texts) if "," in text or "." in text}
    for repeats in (1, 4):   # points outnumber commas once "2.5" and "-0.5" repeat
        positions = [*range(len(texts)), *[texts.index("2.5"), texts.index("-0.5")] * repeats]
        indices = np.array(positions, dtype=np.int32)
        cells = [[texts[i]] for i in positions]
        assert decimal_mark_columns([(indices, uniques)], ";") == decimal_mark(cells, ";")
    assert decimal_mark_columns([(np.arange(len(texts)), uniques)], ";") == ","


def test_cells_kept_in_arrow_read_as_their_python_values():
    """An id column's cells stay Arrow strings (:class:`ArrowCells`) until their Python
    values are asked for: each value, None last, read one at a time (positive, negative or
    numpy positions) or whole, is what :class:`TextValues` holds, and
    ``RawTable.distinct_values`` gives the list itself."""
    import numpy as np
    import pyarrow as pa

    from surveyq.readers.table import ArrowCells, TextValues, own_arrow, python_values

    arrow = pa.array(["R1", "", "é", "R4"]).slice(1)
    cells, values = ArrowCells(arrow), TextValues(arrow)
    assert not isinstance(cells, list) and len(cells) == len(values) == 4
    assert [cells[i] for i in range(4)] == values == ["", "é", "R4", None]
    assert [cells[i] for i in (-1, -4, np.int32(2), np.intp(3))] == [None, "", "R4", None]
    assert list(cells) == values and cells[1:3] == ["é", "R4"]
    assert own_arrow(cells) is arrow
    assert python_values(cells) is cells.values() is cells.values()
    assert python_values(values) is values
    for position in (4, -5):
        with pytest.raises(IndexError):
            ArrowCells(arrow)[position]


def test_an_id_column_read_by_pyarrow_is_made_python_text_only_when_asked(tmp_path):
    """Reading a plain export makes no Python string of its id column's cells; asking for
    its distinct values gives them as a list, as the frame has them."""
    from surveyq.readers.table import ArrowCells, TextValues
    from surveyq.readers.text import _SAMPLE_RECORDS

    lines = ["id,U1,U2"] + [f"R{i},{1 + i % 4},{1 + i % 3}" for i in range(_SAMPLE_RECORDS + 5)]
    path = tmp_path / "skm.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    raw = read_raw(path)
    kept = raw.distinct["id"][1]
    assert isinstance(kept, ArrowCells) and kept._values is None
    indices, uniques = raw.distinct_values("id")
    assert isinstance(uniques, TextValues) and uniques is kept.values()
    assert [uniques[i] for i in indices] == raw.frame["id"].tolist() == [
        f"R{i}" for i in range(_SAMPLE_RECORDS + 5)]


@pytest.mark.parametrize("text", [
    "a,b\n1,2\n3,4\n5,6\n7,8\n",
    'a,"b\nc"\n"1\r\n2",3\n4,"5\n\n6"\n7,8\n9,10',   # quoted line breaks
    "a;b\r1;2\r3;4\r5;6\r7;8\r",                     # CR only
    "a,b\r\n1,2\r\n\r\n3,4\r\n5,6\r\n7,8",           # CRLF, a blank line
    'a,b\n1,"2\n3,4\n5,6\n7,8\n',                    # a quote that never closes
    'a|b\n"x"y|2\n3|4\n"5|6\n7|8"\n9|0\n',
    "a,b\n1,2\n3,4567890123\n5,6\n7,8\n",            # a field over the limit set below
])
@pytest.mark.parametrize("limit", [None, 8])
def test_first_records_read_from_a_short_start_are_those_of_the_whole_text(text, limit,
                                                                           monkeypatch):
    """The separator, first record and sample are read from a short start of the text when
    it holds them: for every length of that start (cut inside a quoted line break, between
    a CR and its LF, in a record), every separator and count, the records or the error (a
    field longer than csv's limit) are those the whole text gives."""
    import csv
    from itertools import islice

    from surveyq.readers import text as module

    def outcome(read, *args):
        try:
            return read(*args)
        except csv.Error as error:
            return repr(error)

    def whole(separator, count):
        return list(islice(module._reader(text, separator), count))

    old_limit = csv.field_size_limit(limit or csv.field_size_limit())
    try:
        sniffed = module.sniff_delimiter(text)
        for short in range(1, len(text) + 2):
            monkeypatch.setattr(module, "_SHORT_CHARS", short)
            monkeypatch.setattr(module, "_RECORD_CHARS", 1)
            assert module.sniff_delimiter(text) == sniffed
            for separator in module.SEPARATORS:
                for count in (0, 1, 2, 3, 5, 50):
                    expected = outcome(whole, separator, count)
                    found = outcome(module.head_records, text, separator, count)
                    assert found == expected, (short, separator, count)
    finally:
        csv.field_size_limit(old_limit)


@pytest.mark.parametrize("tail", [[], ["x"], [" "], ["Ju"], [""], ["", ""], ["é"], ["a", ""]])
@pytest.mark.parametrize("skip", [0, 1, 299])
def test_first_bytes_read_from_arrow_buffers_decide_as_python_does(tail, skip):
    """The filled and label tests read each text's first two bytes from the Arrow buffers:
    of a sliced array (an id column without its header), one ending in a text of one
    character, an empty text or a multi-byte one, each value is decided as ``is_empty`` and
    ``summary_label`` decide it, in :class:`ArrowCells` as in :class:`TextValues`."""
    import pyarrow as pa

    from surveyq.readers.grid import _filled_values, _label_values, is_empty
    from surveyq.readers.table import ArrowCells, TextValues

    texts = ["id"] + [f"R{i}" for i in range(300)] + ["ju", "JUMLAH", "r", " nrr", "1", "ǅa",
                                                      "\u3000Total", "tx", "TO"] + tail
    arrow = pa.array(texts).slice(skip)
    for values in (TextValues(arrow), ArrowCells(arrow)):
        python = list(values)
        assert _filled_values(values).tolist() == [not is_empty(value) for value in python]
        assert _label_values(values).tolist() == [summary_label(value) for value in python]


def test_row_counts_and_last_true_are_numpy_s():
    import numpy as np

    from surveyq.readers.grid import _last_true, _row_counts

    rng = np.random.default_rng(5)
    filled = np.asfortranarray(rng.random((500, 7)) > 0.4)
    assert _row_counts(filled).tolist() == filled.sum(axis=1).tolist()
    assert _row_counts(np.zeros((3, 0), bool)).tolist() == [0, 0, 0]
    for mask in ([], [False], [True], [False, False], [True, False], [False, True],
                 [True, True, False, True, False, False]):
        found = np.flatnonzero(np.array(mask, bool))
        assert _last_true(np.array(mask, bool)) == (int(found[-1]) if len(found) else -1)


@pytest.mark.parametrize("step", [1, 3, 4, 1 << 18])
def test_count_byte_counts_as_bytes_count(step, monkeypatch):
    """The quotes and line ends of a file are counted in numpy, a few bytes at a time here:
    every count, up to any end, is ``bytes.count``'s."""
    from surveyq.readers import blocks

    monkeypatch.setattr(blocks, "_COUNT_STEP", step)
    data = b'a,"b\r\nc"\n1,2\r3\n\n"x""y"\n'
    for byte in (b'"', b"\n", b"\r", b"z"):
        for end in (None, 1, 5, 11, len(data)):
            assert blocks.count_byte(data, byte, end) == data.count(byte, 0, end)
    assert blocks.count_byte(b"", b"\n") == 0


@pytest.mark.parametrize("text", [
    "a,b\n1,2\n3,4\n", "sep=;\na;b\n1;2\n", 'a,b\n1,2\n3,"4"\n', 'a,b\n"1\n2",3\n',
    "a;b\r1;2\r", "a,b\r\n1,2\r\n", 'a,b\n1,"x,y"\n2,3', "a\n\n", "x,y\n1,2\n\n\n",
])
def test_an_ascii_file_read_as_bytes_is_read_as_its_decoded_text(text, monkeypatch):
    """An ASCII file is checked as bytes, without decoding it whole: the plain read gives
    what it gives of the decoded text (the same columns, or the careful reader)."""
    from surveyq.readers import text as module

    data = text.encode("ascii")
    assert module._ascii_or_decoded(data, None, "f.csv") == (data, "utf-8")
    fast = module.read_text_columns(data, "f.csv", None, None)
    monkeypatch.setattr(module, "_ascii_or_decoded", module.decode)
    slow = module.read_text_columns(data, "f.csv", None, None)
    assert (fast is None) == (slow is None)
    if fast is not None:
        assert (fast.head, fast.rows, fast.encoding, fast.delimiter) == (
            slow.head, slow.rows, slow.encoding, slow.delimiter)
        assert [(i.tolist(), list(v)) for i, v in fast.columns] == [
            (i.tolist(), list(v)) for i, v in slow.columns]
