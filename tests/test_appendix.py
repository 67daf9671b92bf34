"""The appendix (Lampiran) writers: XLSX, DOCX and CSV from one table builder.

The demo project runs once; the files are written once per language and read back with
openpyxl, python-docx and pandas. Numbers must be the very floats of the results (not
rounded), text a spreadsheet would run as a formula must be inert, and the document's
captions must be numbered like a thesis appendix ("Tabel L.1 ...").
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pandas as pd
import pytest

from surveyq.pipeline import run_project
from surveyq.report.appendix import (
    build_sheets,
    build_tables,
    write_csv_tables,
    write_docx,
    write_full_matrices,
    write_xlsx,
)
from surveyq.report.i18n import format_number

PROJECT = Path(__file__).resolve().parents[1] / "questionnaires" / "demo" / "project.yaml"
HYPERLINK = '=HYPERLINK("http://evil","klik")'
IMG = "<img src=x onerror=alert(1)>"
FORBIDDEN = set("[]:*?/\\")

SCORECARD: dict[str, Any] = {
    "scheme": "kemenkeu-nko",
    "title": {"id": "Kartu Kinerja KPPT 2025", "en": "KPPT 2025 scorecard"},
    "period": "2025",
    "score": 103.45678912345678,
    "predicate": {"code": "SB", "label": {"id": "Sangat Baik", "en": "Very good"},
                  "table": "nko-kemenkeu", "source": "KMK 467/KMK.01/2014"},
    "normalised": False,
    "notes": ["Capaian IKU dibatasi 120%."],
    "lint": [{"code": "IKU001", "severity": "warning", "message": "-2+3 looks like a formula"}],
    "perspectives": [
        {"id": "customer", "name": {"id": "Perspektif Pelanggan", "en": "Customer"},
         "weight": 0.6, "value": 101.23456789012345, "contribution": 60.74074073407407},
        {"id": "learning", "name": {"id": "Pembelajaran", "en": "Learning and growth"},
         "weight": 0.4, "value": 106.7891234567891, "contribution": 42.71564938271564},
    ],
    "objectives": [
        {"id": "SS1", "name": {"id": "Layanan prima", "en": "Excellent service"},
         "perspective": "customer", "weight": 1.0, "value": 101.23456789012345,
         "contribution": 60.74074073407407},
    ],
    "indicators": [
        {"id": "IKU-1", "name": {"id": IMG, "en": IMG}, "perspective": "customer",
         "objective": "SS1", "target": 80.0, "target_low": None, "target_high": None,
         "unit": "indeks", "polarity": "max", "consolidation": "last", "weight": 0.5,
         "realisation": 82.0905388471178, "ici": 102.61317355889725, "colour": "green",
         "source": {"survey": "skm", "value": "ikm.converted"}},
        {"id": "IKU-2", "name": {"id": "@SUM(A1)", "en": "@SUM(A1)"},
         "perspective": "learning", "objective": None, "target": None, "target_low": 2.0,
         "target_high": 4.0, "unit": "jam", "polarity": "stabilize", "consolidation": "average",
         "weight": 0.5, "realisation": 1234567.0987654321, "ici": 99.99999999999999,
         "colour": "yellow", "source": "actuals.csv"},
    ],
}


@pytest.fixture(scope="module")
def run() -> Any:
    return run_project(PROJECT)


@pytest.fixture(scope="module")
def demo(run) -> tuple[dict[str, Any], pd.DataFrame, dict[str, pd.DataFrame]]:
    """The demo's results with hostile free text and a hand-made scorecard, log, item matrices."""
    results = copy.deepcopy(run.results)
    results["surveys"]["customer"]["free_text"] += [
        {"field": "suggestion", "row": 900, "text": HYPERLINK},
        {"field": "suggestion", "row": 901, "text": "\tTAB+1"},
        {"field": "suggestion", "row": 902, "text": "bel\x07 berbunyi"},
    ]
    results["scorecard"] = copy.deepcopy(SCORECARD)
    tabulation = {name: survey.responses.items for name, survey in run.surveys.items()}
    return results, run.log, tabulation


@pytest.fixture(scope="module")
def written(demo, tmp_path_factory) -> dict[str, Any]:
    """Every file, written once per language."""
    results, log, tabulation = demo
    out = tmp_path_factory.mktemp("appendix")
    return {
        "xlsx": write_xlsx(results, log, out / "id" / "appendix.xlsx", "id", tabulation),
        "docx": write_docx(results, log, out / "id" / "appendix.docx", "id"),
        "csv": write_csv_tables(results, log, out / "csv", "id", tabulation),
        "xlsx_en": write_xlsx(results, log, out / "en" / "appendix.xlsx", "en"),
        "docx_en": write_docx(results, log, out / "en" / "appendix.docx", "en"),
    }


@pytest.fixture(scope="module")
def workbook(written) -> openpyxl.Workbook:
    return openpyxl.load_workbook(written["xlsx"])


@pytest.fixture(scope="module")
def document(written) -> docx.document.Document:
    return docx.Document(str(written["docx"]))


def _sheets(workbook: openpyxl.Workbook, kind: str) -> list[Any]:
    """The sheets of one kind of table ("L.7 Validitas", "L.8 Validitas" ...), in order.

    Issue 12 item 3: one sheet per table, titled with its caption in row 1, header in row 2
    (the tables of a kind used to be stacked on one sheet with the header in row 1).
    """
    pattern = re.compile(rf"(L|A)\.\d+ {re.escape(kind)}( \(\d+\))?")
    return [ws for ws in workbook.worksheets if pattern.fullmatch(ws.title)]


def _rows(ws: Any) -> list[dict[str, Any]]:
    """The table of a sheet as {header: cell}: header in row 2, body down to the blank row."""
    rows = list(ws.iter_rows(min_row=2))
    headers = [cell.value for cell in rows[0]]
    body = []
    for row in rows[1:]:
        if all(cell.value is None for cell in row):
            break
        body.append(dict(zip(headers, row, strict=True)))
    return body


def _cells(workbook: openpyxl.Workbook, kind: str) -> list[dict[str, Any]]:
    """Rows of every table of a kind, in order, as {header: cell}."""
    return [row for ws in _sheets(workbook, kind) for row in _rows(ws)]


def _assert_number(cell: Any, expected: float, fmt: str | None = None) -> None:
    assert cell.data_type == "n", cell.coordinate
    assert cell.value == expected, (cell.coordinate, cell.value, expected)  # every digit
    if fmt:
        assert cell.number_format == fmt


def _survey(results: dict[str, Any], name: str) -> dict[str, Any]:
    return results["surveys"][name]


# --------------------------------------------------------------------------- workbook


def test_sheet_names_are_translated_valid_and_unique(workbook, written):
    names = workbook.sheetnames
    assert names[0] == "Daftar Tabel"
    # Tabulation sheets are named by the survey's title, not its key (issue 12: no internal ids).
    # Scorecard sheets are "Kartu Kinerja ..." in Indonesian (issue 12: one language).
    for expected in ("Validitas", "Reliabilitas", "Statistik Item-Total", "Frekuensi",
                     "Karakteristik Responden", "SERVQUAL Butir", "IPA", "CSI", "IKM Unsur",
                     "Kartu Kinerja IKU", "Log Pembersihan", "Tabulasi Survei Kualitas",
                     "Tabulasi Survei Kepuasan"):
        assert _sheets(workbook, expected), expected
    assert names[1:] == [ws.title for ws in workbook.worksheets[1:]
                         if re.match(r"L\.\d+ ", ws.title)]
    numbers = [int(re.match(r"L\.(\d+) ", n).group(1)) for n in names[1:]]
    assert numbers == list(range(1, len(names)))  # one sheet per table, in caption order
    assert len({n.casefold() for n in names}) == len(names)
    assert all(len(n) <= 31 and not FORBIDDEN & set(n) for n in names)
    english = openpyxl.load_workbook(written["xlsx_en"])
    assert english.sheetnames[0] == "List of Tables"
    for kind in ("Validity", "Item-Total Statistics", "Cleaning Log"):
        assert _sheets(english, kind), kind


def test_each_table_sheet_is_titled_linked_and_set_to_print(workbook):
    contents = _rows(workbook["Daftar Tabel"])
    for entry, ws in zip(contents, workbook.worksheets[1:], strict=True):
        assert ws["A1"].value == f"{entry['No.'].value} {entry['Judul tabel'].value}"
        assert ws["A1"].value.startswith("Tabel L.")
        assert entry["No."].hyperlink.location == f"'{ws.title}'!A1"
        back = [cell for (cell,) in ws.iter_rows(min_col=1, max_col=1) if cell.hyperlink]
        assert [cell.hyperlink.location for cell in back] == ["'Daftar Tabel'!A1"]
        assert ws.print_title_rows == "$1:$2" and ws.page_setup.fitToWidth == 1
        assert ws.sheet_properties.pageSetUpPr.fitToPage
    orientation = {ws.title: ws.page_setup.orientation for ws in workbook.worksheets}
    assert orientation[_sheets(workbook, "Tabulasi Survei Kualitas")[0].title] == "landscape"
    assert orientation[_sheets(workbook, "Karakteristik Responden")[0].title] == "portrait"


def test_validity_and_reliability_cells_are_the_results_floats(workbook, demo):
    results = demo[0]
    expected = [(name, row) for name in results["surveys"]
                for scale in _survey(results, name)["analyses"]["validity"]["scales"]
                for row in scale["table"]]
    rows = _cells(workbook, "Validitas")
    assert len(rows) == len(expected)
    for cells, (_, row) in zip(rows, expected, strict=True):
        assert cells["Butir"].value == row["item"]
        _assert_number(cells["r hitung"], row["r"], "0.000")
        _assert_number(cells["r tabel"], row["r_table"], "0.000")
        _assert_number(cells["Sig. (2-tailed)"], row["p_value"], "0.000")
    scales = [s for name in results["surveys"]
              for s in _survey(results, name)["analyses"]["reliability"]["scales"]]
    for cells, scale in zip(_cells(workbook, "Reliabilitas"), scales, strict=True):
        _assert_number(cells["Cronbach's Alpha"], scale["alpha"], "0.000")
        _assert_number(cells["Cronbach's Alpha Berdasarkan Butir Terstandar"], scale["std_alpha"])
        _assert_number(cells["Jumlah Butir"], scale["k"])
    items = [row for scale in scales for row in scale["item_total"]]
    for cells, row in zip(_cells(workbook, "Statistik Item-Total"), items, strict=True):
        _assert_number(cells["Korelasi Butir-Total Terkoreksi"], row["corrected_item_total_r"],
                       "0.000")
        _assert_number(cells["Cronbach's Alpha Jika Butir Dihapus"], row["alpha_if_deleted"])
        _assert_number(cells["Varians Skala Jika Butir Dihapus"], row["scale_var_if_deleted"])


def test_servqual_ipa_csi_ikm_cells_are_the_results_floats(workbook, demo):
    customer, skm = _survey(demo[0], "customer"), _survey(demo[0], "skm")
    servqual = customer["analyses"]["servqual"]["items"]
    first = _sheets(workbook, "SERVQUAL Butir")[0]
    assert customer["title"]["id"] in first["A1"].value  # the caption names the survey
    rows = _rows(first)
    for cells, row in zip(rows, servqual, strict=True):
        _assert_number(cells["Gap (P − E)"], row["gap"], "0.000")
        _assert_number(cells["Rata-rata persepsi (P)"], row["p_mean"], "0.00")
    ipa = customer["analyses"]["ipa"]
    for cells, row in zip(_cells(workbook, "IPA"), ipa["items"], strict=True):
        _assert_number(cells["Kinerja (X)"], row["x"], "0.00")
    (csi,) = _cells(workbook, "CSI Ringkasan")
    _assert_number(csi["CSI (%)"], ipa["csi"]["value"], "0.00")
    ikm = skm["analyses"]["ikm"]
    for cells, row in zip(_cells(workbook, "IKM Unsur"), ikm["elements"], strict=True):
        _assert_number(cells["NRR"], row["nrr"], "0.00")
        _assert_number(cells["NRR tertimbang"], row["weighted_nrr"], "0.000")
        _assert_number(cells["Nilai konversi"], row["converted"], "0.00")
    (summary,) = _cells(workbook, "IKM Ringkasan")
    _assert_number(summary["Nilai konversi"], ikm["summary"]["converted"])
    _assert_number(summary["Nilai IKM"], ikm["summary"]["index"])
    assert summary["Mutu pelayanan"].value == ikm["summary"]["band"]


def test_scorecard_and_tabulation_cells(workbook, demo):
    results, _, tabulation = demo
    (summary,) = _cells(workbook, "Kartu Kinerja Ringkasan")
    _assert_number(summary["Nilai"], SCORECARD["score"], "0.00")
    assert summary["Predikat"].value == "Sangat Baik"
    indicators = _cells(workbook, "Kartu Kinerja IKU")
    for cells, row in zip(indicators, SCORECARD["indicators"], strict=True):
        _assert_number(cells["Realisasi"], row["realisation"], "#,##0.00")
        _assert_number(cells["Indeks capaian"], row["ici"])
    assert indicators[0]["Sumber"].value == "survey: skm, value: ikm.converted"
    assert indicators[1]["Target"].value is None
    items = tabulation["skm"]
    # The tabulation sheets are named by the surveys' titles (skm's is the first "Kepuasan").
    rows = _rows(_sheets(workbook, "Tabulasi Survei Kepuasan")[0])
    assert len(rows) == len(items)
    for cells, (row, answers) in zip(rows, items.iterrows(), strict=True):
        assert cells["Baris"].value == row
        for item, value in answers.items():
            expected = None if pd.isna(value) else value
            assert cells[item].value == expected


def test_every_sheet_has_bold_filled_header_and_frozen_panes(workbook):
    for ws in workbook.worksheets:
        assert ws.freeze_panes is not None and ws.freeze_panes.endswith("3"), ws.title
        header = next(ws.iter_rows(min_row=2, max_row=2))
        assert all(cell.font.bold for cell in header), ws.title
        assert all(cell.fill.fill_type == "solid" for cell in header), ws.title
        widths = [ws.column_dimensions[cell.column_letter].width for cell in header]
        assert all(6 <= width <= 62 for width in widths), ws.title
    assert _sheets(workbook, "Tabulasi Survei Kualitas")[0].freeze_panes == "B3"


def test_formula_text_is_inert_everywhere(workbook):
    texts = {}
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)
                if isinstance(cell.value, str):
                    texts[cell.value] = cell
    for value in (HYPERLINK, "@SUM(A1)", "\tTAB+1", "-2+3 looks like a formula"):
        cell = texts["'" + value]
        assert cell.data_type == "s"
    assert texts[IMG].data_type == "s"  # not a formula; stored verbatim as text
    assert "bel berbunyi" in texts  # a control character XML cannot hold is dropped
    assert not any(text.startswith(("=", "+", "-", "@", "\t", "\r")) for text in texts)


def test_list_of_tables_matches_document_numbers(workbook, document):
    contents = _rows(workbook["Daftar Tabel"])
    # table captions only: the charts and the strategy map (issue 17) have "Gambar" captions
    captions = [p.text for p in document.paragraphs
                if p.style.name == "Caption" and p.text.startswith("Tabel ")]
    # the workbook also lists the tabulation tables, printed last
    assert [f"{r['No.'].value} {r['Judul tabel'].value}" for r in contents][:len(captions)] \
        == captions


# --------------------------------------------------------------------------- document


def _captioned_tables(document: docx.document.Document) -> dict[str, Any]:
    """Each caption's text -> the first table after it."""
    tables, caption = {}, None
    paragraphs = {p._p: p for p in document.paragraphs}
    grids = {t._tbl: t for t in document.tables}
    for element in document.element.body.iterchildren():
        if element in paragraphs and paragraphs[element].style.name == "Caption":
            caption = paragraphs[element].text
        elif element in grids and caption is not None:
            tables[caption] = grids[element]
            caption = None
    return tables


def _find(tables: dict[str, Any], ending: str) -> Any:
    (table,) = [table for caption, table in tables.items() if caption.endswith(ending)]
    return table


def test_captions_are_numbered_consecutively(document, written):
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    numbers = [int(re.match(r"Tabel L\.(\d+) ", text).group(1)) for text in captions
               if text.startswith("Tabel ")]
    assert numbers == list(range(1, len(numbers) + 1))
    # the charts follow as figures, numbered on their own (issue 12 item 2)
    figures = [int(re.match(r"Gambar L\.(\d+) ", text).group(1)) for text in captions
               if not text.startswith("Tabel ")]
    assert len(figures) >= 5 and figures == list(range(1, len(figures) + 1))
    assert "Tabel L.7 Hasil Uji Validitas Survei Kualitas Layanan Pengguna Jasa (Harapan)" \
        in captions
    english = docx.Document(str(written["docx_en"]))
    first = next(p.text for p in english.paragraphs if p.style.name == "Caption")
    assert first.startswith("Table A.1 ")
    assert any(p.text.startswith("Table A.7 Validity test") for p in english.paragraphs)


def test_document_prints_numbers_like_spss_in_indonesian(document, demo):
    results = demo[0]
    tables = _captioned_tables(document)
    scale = _survey(results, "customer")["analyses"]["reliability"]["scales"][0]
    reliability = _find(tables, " Hasil Uji Reliabilitas Survei Kualitas Layanan Pengguna Jasa "
                                "(Reliability Statistics)")
    headers = [cell.text for cell in reliability.rows[0].cells]
    assert headers[:4] == ["Skala", "Cronbach's Alpha",
                           "Cronbach's Alpha Berdasarkan Butir Terstandar", "Jumlah Butir"]
    first = [cell.text for cell in reliability.rows[1].cells]
    assert first[1] == format_number(scale["alpha"], 3, "id") == "0,886"
    assert first[3] == "20"
    item_total = _find(tables, " Statistik Item-Total Survei Kualitas Layanan Pengguna Jasa "
                              "(Harapan)")
    row = scale["item_total"][0]
    printed = [cell.text for cell in item_total.rows[1].cells]
    assert printed == [row["item"], *[format_number(row[k], 3, "id") for k in (
        "scale_mean_if_deleted", "scale_var_if_deleted", "corrected_item_total_r",
        "squared_multiple_r", "alpha_if_deleted")]]
    converted = _survey(results, "skm")["analyses"]["ikm"]["summary"]["converted"]
    assert any(format_number(converted, 2, "id") == cell.text
               for table in document.tables for cell in table.rows[-1].cells)


def test_notes_name_the_conventions(document):
    notes = [p.text for p in document.paragraphs if p.text.startswith("Catatan: ")]
    validity = next(n for n in notes if "r tabel" in n)
    assert "tidak dikoreksi" in validity and "listwise" in validity and "α = 0,05" in validity
    assert any("alpha > 0,60" in n for n in notes)


def test_document_properties_are_fixed(document, demo):
    created = document.core_properties.created
    assert created.isoformat().startswith(demo[0]["generated_at"][:19])
    assert document.core_properties.modified == created
    assert document.core_properties.author == "surveyq"


def test_same_results_give_the_same_bytes(tmp_path):
    results = {"generated_at": "2025-06-30T08:00:00+00:00", "surveys": {},
               "project": {"organisation": {"id": "Kantor", "en": "Office"}, "period": "2025"},
               "scorecard": SCORECARD}
    for writer, suffix in ((write_xlsx, "xlsx"), (write_docx, "docx")):
        first = writer(results, None, tmp_path / f"a.{suffix}", "en").read_bytes()
        second = writer(results, None, tmp_path / f"b.{suffix}", "en").read_bytes()
        assert first == second
    captions = [p.text for p in docx.Document(str(tmp_path / "a.docx")).paragraphs
                if p.style.name == "Caption"]
    assert captions[0] == "Table A.1 Performance score, KPPT 2025 scorecard"


# --------------------------------------------------------------------------- csv


def test_csv_files_match_the_workbook(written, demo):
    paths = {path.name: path for path in written["csv"]}
    assert "appendix-validity.csv" in paths and "appendix-tabulation-skm.csv" in paths
    raw = paths["appendix-validity.csv"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    validity = pd.read_csv(paths["appendix-validity.csv"], encoding="utf-8-sig")
    expected = [row["r"] for name in demo[0]["surveys"]
                for s in _survey(demo[0], name)["analyses"]["validity"]["scales"]
                for row in s["table"]]
    assert validity["r hitung"].tolist() == expected
    suggestions = pd.read_csv(paths["appendix-free-text.csv"], encoding="utf-8-sig")
    assert "'" + HYPERLINK in suggestions["Jawaban"].tolist()


def test_tables_are_one_source_for_every_writer(demo, run):
    results, log, _ = demo
    tables = build_tables(results, log, "en")
    sheets = {sheet.key: sheet for sheet in build_sheets(tables)}
    for table in tables:
        sheet = sheets[table.sheet]
        assert set(table.frame.columns) <= set(sheet.frame.columns)
        assert set(table.formats.items()) <= set(sheet.formats.items())
    with pytest.raises(ValueError, match="language"):
        build_tables(results, log, "fr")
    # the pipeline's own results (whatever scorecard it produces) build as well
    names = {table.name for table in build_tables(run.results, run.log, "id")}
    assert {"validity", "item_total", "ikm_elements", "cleaning_log"} <= names


# --------------------------------------------------------------------------- long item matrices


def _sheet_text(ws: Any) -> str:
    """Every text cell of a sheet (caption, table, note), joined."""
    return " ".join(str(cell.value) for line in ws.iter_rows() for cell in line
                    if isinstance(cell.value, str))


@pytest.mark.parametrize(("lang", "sheet", "row"), [  # sheets named by the survey's title,
    ("id", "Tabulasi Survei Kepuasan", "Baris"),       # cut to Excel's 31 characters
    ("en", "Data Community", "Row"),
])
def test_a_long_item_matrix_is_cut_and_written_whole_beside_the_appendix(
        run, tmp_path, lang, sheet, row):
    items = run.surveys["skm"].responses.items
    limit = 7
    assert len(items) > limit
    files = write_full_matrices({"skm": items, "small": items.iloc[:limit]}, tmp_path, lang,
                                limit)
    assert [p.name for p in files] == ["data-matrix-skm.csv", "data-matrix-skm.parquet"]
    for whole in (pd.read_parquet(files[1]), pd.read_csv(files[0], encoding="utf-8-sig")):
        assert whole[row].tolist() == items.index.tolist()
        pd.testing.assert_frame_equal(whole.drop(columns=row), items.reset_index(drop=True),
                                      check_dtype=False, check_names=False)
    book = openpyxl.load_workbook(write_xlsx(run.results, run.log, tmp_path / "appendix.xlsx",
                                             lang, {"skm": items}, limit))
    (tabulation,) = [ws for ws in book.worksheets if re.match(rf"[LA]\.\d+ {sheet}", ws.title)]
    shown = _rows(tabulation)
    assert [cells[row].value for cells in shown] == items.index[:limit].tolist()
    note = _sheet_text(tabulation)  # the table's note follows it on its sheet
    assert f" {limit} " in note and format_number(len(items), 0, lang) in note
    assert "data-matrix-skm.csv" in note and "data-matrix-skm.parquet" in note
    document = docx.Document(write_docx(run.results, run.log, tmp_path / "appendix.docx", lang,
                                        {"skm": items}, limit))
    assert any("data-matrix-skm.parquet" in p.text for p in document.paragraphs)


def _skm_project(folder: Path, options: dict[str, Any]) -> Path:
    """A 30-respondent SKM export for the shipped questionnaire, and its project file."""
    import numpy as np
    import yaml

    codes = np.random.default_rng(3).integers(1, 5, size=(30, 9))
    frame = pd.DataFrame(codes, columns=[f"U{i}" for i in range(1, 10)])
    frame.insert(0, "id", [f"R{i}" for i in range(30)])
    frame.to_csv(folder / "skm.csv", index=False)
    spec = {"organisation": "Kantor Uji", "period": "2025", "options": options,
            "surveys": {"skm": {"questionnaire": "skm-permenpanrb-14-2017",
                                "responses": "skm.csv", "analyses": ["ikm"]}}}
    (folder / "project.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    return folder / "project.yaml"


def test_the_run_writes_the_whole_matrix_beside_a_cut_appendix(tmp_path):
    project = _skm_project(tmp_path, {"appendix_max_rows": 10})
    run_project(project, out=tmp_path / "out", lang="en")
    whole = pd.read_parquet(tmp_path / "out" / "data-matrix-skm.parquet")
    assert len(whole) == 30 and (tmp_path / "out" / "data-matrix-skm.csv").exists()
    book = openpyxl.load_workbook(tmp_path / "out" / "appendix.xlsx")
    # the tabulation sheet is named by the survey's title (cut to 31 characters), not its key
    (sheet,) = [ws for ws in book.worksheets if re.match(r"[LA]\.\d+ Data Community", ws.title)]
    assert len(_rows(sheet)) == 10


@pytest.mark.parametrize("value", [-1, "many", 2.5, True])
def test_a_bad_appendix_row_limit_names_the_key(tmp_path, value):
    from surveyq.errors import InputError

    project = _skm_project(tmp_path, {"appendix_max_rows": value})
    # read with the project's other options (so `surveyq check` reports it too), in their
    # shared wording: "<key>: <value> is not valid; give a whole number of rows, 0 or more"
    with pytest.raises(InputError, match=r"options\.appendix_max_rows: .* is not valid; give a "
                                         r"whole number"):
        run_project(project, out=tmp_path / "out")


@pytest.mark.parametrize(("lang", "sheet"), [("id", "Log Pembersihan"), ("en", "Cleaning Log")])
def test_a_long_cleaning_log_is_cut_and_points_to_the_csv(run, tmp_path, lang, sheet):
    log = run.log
    limit = 5
    assert len(log) > limit
    tables = build_tables(run.results, log, lang, None, limit)
    (table,) = [t for t in tables if t.name == "cleaning_log"]
    assert len(table.frame) == limit
    assert "cleaning-log.csv" in table.note and format_number(len(log), 0, lang) in table.note
    book = openpyxl.load_workbook(write_xlsx(run.results, log, tmp_path / "a.xlsx", lang,
                                             None, limit))
    assert len(_cells(book, sheet)) == limit
    assert "cleaning-log.csv" in _sheet_text(_sheets(book, sheet)[0])
