"""Issue 11, reading side: no respondent lost to a stray quote or byte, every input error
named with exit 2, nothing that can hang.

Every count below is planted by hand in the file the test writes (or in
``tests/fixtures/trust/make_trust_fixtures.py``, whose docstring lists them); none is
computed by surveyq. The in-memory reader and the streamed reader (``stream: true``) are
given the same files and must say the same thing.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import openpyxl
import pytest
import yaml
from helpers import LABELS, skm_questionnaire
from typer.testing import CliRunner

from surveyq.cli import app
from surveyq.errors import InputError
from surveyq.io import read_raw
from surveyq.log import Reason
from surveyq.pipeline import run_project
from surveyq.questionnaire import (
    load_questionnaire,
    parse_questionnaire,
    shipped_questionnaires_dir,
)
from surveyq.yamlfile import read_yaml

FIXTURES = Path(__file__).parent / "fixtures" / "trust"
REAL = Path(__file__).resolve().parents[2] / "shared" / "real-data"
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason=f"real exports not found at {REAL}")
ITEMS = ["U1", "U2", "U3", "U4"]
runner = CliRunner()


# ---- a small project around any responses file ------------------------------------------------


def questionnaire(**scale_extra) -> dict:
    """The test questionnaire (tests/helpers.py) with this file's id and items."""
    return skm_questionnaire("trust-test", ITEMS, **scale_extra)


def project(folder: Path, responses: str, *, stream: bool | None = None,
            read: dict | None = None, q: dict | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "q.yaml").write_text(yaml.safe_dump(q or questionnaire()), encoding="utf-8")
    survey = {"questionnaire": "q.yaml", "responses": responses, "analyses": ["ikm"]}
    if stream is not None:
        survey["stream"] = stream
    if read:
        survey["read"] = read
    spec = {"organisation": "Kantor Uji", "period": "2025", "surveys": {"skm": survey}}
    path = folder / "project.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return path


def cli(*args: str):
    # English: the assertions read English lines; the CLI speaks --lang, else the project's
    # language, Indonesian by default (issue 12)
    result = runner.invoke(app, [*args, "--lang", "en"])
    return result.exit_code, result.output


def one_error_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), output
    assert "Traceback" not in output and "internal error" not in output
    return lines[0]


def entries(log, reason: Reason) -> list:
    return [entry for entry in log.entries if entry.reason is reason]


# ---- point 2: a quote that never closes ----------------------------------------------------------


def test_fixtures_are_what_the_generator_writes():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make", FIXTURES / "make_trust_fixtures.py")
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    assert (FIXTURES / "quote_swallows_rows.csv").read_text(encoding="utf-8") == \
        make.quote_swallows_rows()
    assert (FIXTURES / "multiline_answers.csv").read_text(encoding="utf-8") == \
        make.multiline_answers()


def test_quote_swallowing_rows_names_the_line_where_it_opened():
    with pytest.raises(InputError) as error:
        read_raw(FIXTURES / "quote_swallows_rows.csv")
    message = str(error.value)
    # Respondent 5 is text line 6; lines 7-41 (respondents 6-40) are swallowed: 35.
    assert "quote_swallows_rows.csv" in message
    assert "quote opened on line 6" in message and "swallows 35 line(s)" in message
    assert "remove the stray" in message


def test_multiline_free_text_keeps_reading():
    table = read_raw(FIXTURES / "multiline_answers.csv")
    assert len(table.rows) == 40
    answers = dict(zip(table.frame["id"], table.frame["Saran"], strict=True))
    assert answers["11"] == 'Antrean panjang,\nloket "B" tutup,\nmohon ditambah.'
    assert answers["20"].count("\n") == 4   # five lines
    assert answers["33"] == '1, 2, 3: semua baik\n"sangat" memuaskan'
    # Rows count records: respondent 12 is row 13 although its text line is 16.
    assert table.rows[table.frame.index[table.frame["id"] == "12"][0]] == 13


def test_quote_open_at_the_end_of_the_file(tmp_path):
    path = tmp_path / "open.csv"
    path.write_text("id,U1,U2,U3,U4,Saran\n1,1,2,3,4,ok\n2,2,3,4,1,\"tidak ditutup\n"
                    "3,3,4,1,2,ok\n4,4,1,2,3,ok\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"quote opened on line 3 never closes.*line 5"):
        read_raw(path)


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_legitimate_multiline_answers_with_any_separator(tmp_path, separator):
    rows = [separator.join(["id", *ITEMS, "Saran"])]
    for number in range(1, 13):
        saran = '"Baris satu, ""dua""\nbaris dua\nbaris tiga"' if number % 4 == 0 else "ok"
        rows.append(separator.join([str(number), "1", "2", "3", "4", saran]))
    path = tmp_path / "answers.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    table = read_raw(path)
    assert len(table.rows) == 12    # 3 of them (4, 8, 12) span three lines


def test_streamed_refuses_the_same_file_with_the_same_message(tmp_path):
    messages = []
    for stream in (False, True):
        folder = tmp_path / f"stream-{stream}"
        folder.mkdir()
        (folder / "answers.csv").write_bytes((FIXTURES / "quote_swallows_rows.csv").read_bytes())
        code, output = cli("run", str(project(folder, "answers.csv", stream=stream)),
                           "--out", str(folder / "out"))
        assert code == 2
        line = one_error_line(output)
        messages.append(line.replace(str(folder), ""))
    assert messages[0] == messages[1]
    assert "line 6" in messages[0]


def test_streamed_open_quote_at_end_is_refused(tmp_path):
    (tmp_path / "answers.csv").write_text(
        "id,U1,U2,U3,U4,Saran\n1,1,2,3,4,ok\n2,2,3,4,1,\"tidak ditutup\n3,3,4,1,2,ok\n",
        encoding="utf-8")
    with pytest.raises(InputError, match="quote opened on line 3 never closes"):
        run_project(project(tmp_path, "answers.csv", stream=True), out=tmp_path / "out")


def test_streamed_multiline_answers_keep_every_respondent(tmp_path):
    (tmp_path / "answers.csv").write_bytes((FIXTURES / "multiline_answers.csv").read_bytes())
    for stream in (False, True):
        result = run_project(project(tmp_path, "answers.csv", stream=stream),
                             out=tmp_path / f"out-{stream}")
        survey = result.results["surveys"]["skm"]
        assert survey["n"] == 40
        assert survey["row_accounting"][0]["rows_in_file"] == 40


# ---- point 3: a few bytes that are not UTF-8 ---------------------------------------------------


UTF8_WITH_ONE_CP1252 = (
    "id,U1,U2,U3,U4,Saran\n"
    "1,1,2,3,4,Umur \u2265 55 tahun\n".encode() +
    b"2,2,3,4,1,caf\xe9 dekat loket\n" +           # one Windows-1252 byte: row 3, Saran
    "3,3,4,1,2,\u2265 2 jam antre\n".encode() +
    b"4,4,1,2,3,ok\n"
)


def test_utf8_file_with_one_cp1252_byte_repairs_only_that_cell(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(UTF8_WITH_ONE_CP1252)
    table = read_raw(path)
    assert table.encoding == "utf-8"
    assert list(table.frame["Saran"]) == ["Umur \u2265 55 tahun", "caf\u00e9 dekat loket",
                                          "\u2265 2 jam antre", "ok"]
    repaired = entries(table.log, Reason.ENCODING)[1:]   # the first is "read as UTF-8"
    assert [(entry.row, entry.column, entry.action.value) for entry in repaired] == \
        [(3, "Saran", "cell_repaired")]


def test_utf8_repairs_are_logged_when_streamed_too(tmp_path):
    (tmp_path / "answers.csv").write_bytes(UTF8_WITH_ONE_CP1252)
    for stream in (False, True):
        result = run_project(project(tmp_path, "answers.csv", stream=stream),
                             out=tmp_path / f"out-{stream}")
        assert result.results["surveys"]["skm"]["n"] == 4
        rows = [row for row in _log_rows(tmp_path / f"out-{stream}")
                if row["action"] == "cell_repaired"]
        assert [(row["row"], row["column"], row["reason"]) for row in rows] == \
            [("3", "Saran", "encoding")], stream


def _log_rows(out: Path) -> list[dict]:
    import csv

    with open(out / "cleaning-log.csv", encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def test_utf8_item_label_with_a_cp1252_byte_is_coded_when_streamed(tmp_path):
    # Row 3's U1 is "Sesuai" followed by a non-breaking space in Windows-1252 (0xA0).
    data = ("id,U1,U2,U3,U4,Saran\n1,Sesuai,2,3,4,\u2265 ok\n".encode()
            + b"2,Sesuai\xa0,3,4,1,ok\n3,Tidak sesuai,4,1,2,ok\n")
    (tmp_path / "answers.csv").write_bytes(data)
    for stream in (False, True):
        result = run_project(project(tmp_path, "answers.csv", stream=stream),
                             out=tmp_path / f"out-{stream}")
        items = result.results["surveys"]["skm"]["items"]
        u1 = next(item for item in items if item["item"] == "U1")
        assert u1["n"] == 3, stream


@needs_real
@pytest.mark.parametrize("name,encoding", [
    ("excel-semicolon-cp1252-navigation.csv", "cp1252"),
    ("servqual-kiosk-ko-cp949.csv", "cp949"),
])
def test_legacy_exports_are_decoded_whole(name, encoding):
    table = read_raw(REAL / name)
    assert table.encoding == encoding
    assert not [entry for entry in table.log.entries if entry.action.value == "cell_repaired"]


def test_wholly_cp1252_file_is_decoded_whole(tmp_path):
    path = tmp_path / "western.csv"
    path.write_bytes("id;Usia;U1\n1;21\u201325 tahun;4\n2;caf\u00e9;3\n".encode("cp1252"))
    table = read_raw(path)
    assert table.encoding == "cp1252"
    assert list(table.frame["Usia"]) == ["21\u201325 tahun", "caf\u00e9"]


# ---- point 4: a spelling that means two points --------------------------------------------------


def test_alias_colliding_with_another_points_label_is_a_questionnaire_error(tmp_path):
    q = questionnaire(aliases={1: ["Sesuai"]})     # "Sesuai" is point 3's label
    with pytest.raises(InputError) as error:
        parse_questionnaire(q, "q.yaml")
    message = str(error.value)
    assert message.startswith("q.yaml: scales.four")
    assert "aliases.1[0]" in message and "labels.id[2]" in message
    assert "give each spelling to one point only" in message
    (tmp_path / "answers.csv").write_text("id,U1,U2,U3,U4,Saran\n1,Sesuai,2,3,4,ok\n")
    code, output = cli("run", str(project(tmp_path, "answers.csv", q=q)),
                       "--out", str(tmp_path / "out"))
    assert code == 2 and "aliases.1[0]" in one_error_line(output)


@pytest.mark.parametrize("extra", [
    {"aliases": {2: ["SS"], 4: ["ss"]}},                       # case folds together
    {"labels": {"id": LABELS, "en": ["Poor", "Fair", "Good", "poor"]}},  # across languages
    {"missing": ["Sangat sesuai"]},                             # a label that means no answer
])
def test_other_collisions(extra):
    q = questionnaire()
    q["scales"]["four"].update(extra)
    with pytest.raises(InputError, match="give each spelling to one point only"):
        parse_questionnaire(q, "q.yaml")


def test_same_label_for_the_same_point_in_two_languages_is_fine():
    q = questionnaire()
    q["scales"]["four"]["labels"]["en"] = ["Tidak sesuai", "Fair", "Good", "Very good"]
    q["scales"]["four"]["aliases"] = {1: ["tidak  sesuai"]}
    parse_questionnaire(q, "q.yaml")


def test_shipped_questionnaires_still_load():
    folder = shipped_questionnaires_dir()
    loaded = [load_questionnaire(path) for path in sorted(folder.glob("*.yaml"))]
    loaded += [load_questionnaire(path) for path in sorted(folder.glob("demo/*.yaml"))
               if yaml.safe_load(path.read_text(encoding="utf-8")).get("items")]
    assert len(loaded) >= 5


# ---- point 5: TRUE cells and formulas without a saved value ------------------------------------


def test_true_false_and_unsaved_formulas_in_a_workbook(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["id", *ITEMS, "Saran"])
    sheet.append([1, True, 2, 3, 4, "ok"])          # row 2: U1 TRUE
    sheet.append([2, False, 3, 4, 1, "ok"])         # row 3: U1 FALSE
    sheet.append([3, 3, "=B2+1", 1, 2, "ok"])       # row 4: U2 a formula, never calculated
    sheet.append([4, 4, 1, 2, 3, "ok"])
    workbook.save(tmp_path / "answers.xlsx")        # openpyxl stores no formula values
    # cleaning-log.csv speaks the run's language (issue 12 item 1); English is asked for here.
    result = run_project(project(tmp_path, "answers.xlsx"), out=tmp_path / "out", lang="en")
    log = _log_rows(tmp_path / "out")
    boolean = [(r["row"], r["column"]) for r in log if r["reason"] == "boolean_cell"]
    formula = [r for r in log if r["reason"] == "formula_without_value"]
    assert boolean == [("2", "U1"), ("3", "U1")]
    assert [(r["row"], r["column"]) for r in formula] == [("4", "U2")]
    assert "open and save the file in Excel" in formula[0]["message"]
    assert not [r for r in log if r["reason"] == "missing_answer" and r["row"] == "4"]
    items = {item["item"]: item for item in result.results["surveys"]["skm"]["items"]}
    assert items["U1"]["n"] == 2 and items["U2"]["n"] == 3


def test_true_written_as_text_in_a_csv(tmp_path):
    (tmp_path / "answers.csv").write_text("id,U1,U2,U3,U4,Saran\n1,TRUE,2,3,4,ok\n"
                                          "2,false,3,4,1,ok\n3,3,4,1,2,ok\n")
    for stream in (False, True):
        out = tmp_path / f"out-{stream}"
        run_project(project(tmp_path, "answers.csv", stream=stream), out=out)
        boolean = [r for r in _log_rows(out) if r["reason"] == "boolean_cell"]
        assert sum(int(r["count"]) for r in boolean) == 2, stream


# ---- point 8: input errors are exit 2 with one line ---------------------------------------------


def test_unreadable_questionnaire_yaml(tmp_path):
    path = project(tmp_path, "answers.csv")
    (tmp_path / "answers.csv").write_text("id,U1,U2,U3,U4,Saran\n1,1,2,3,4,ok\n")
    (tmp_path / "q.yaml").write_bytes(b"id: t\ntitle: \xff\xfe\x00bad\n")
    code, output = cli("run", str(path), "--out", str(tmp_path / "out"))
    assert code == 2 and "q.yaml: not UTF-8" in one_error_line(output)
    (tmp_path / "q.yaml").write_text("id: [unclosed\n")
    code, output = cli("run", str(path), "--out", str(tmp_path / "out"))
    assert code == 2 and "not valid YAML" in one_error_line(output)


def test_permission_denied_is_an_input_error(tmp_path, monkeypatch):
    path = tmp_path / "q.yaml"
    path.write_text("id: t\n")
    monkeypatch.setattr(os, "access", lambda *args, **kwargs: False)
    with pytest.raises(InputError, match="permission denied"):
        read_yaml(path)


@pytest.mark.parametrize("target", ["loop", "devnull", "folder", "fifo"])
@pytest.mark.parametrize("role", ["responses", "questionnaire"])
def test_special_inputs_are_exit_2(tmp_path, target, role):
    path = project(tmp_path, "answers.csv")
    (tmp_path / "answers.csv").write_text("id,U1,U2,U3,U4,Saran\n1,1,2,3,4,ok\n")
    special = tmp_path / "special.csv"
    if target == "loop":
        os.symlink(tmp_path / "loop-b", special)
        os.symlink(special, tmp_path / "loop-b")
    elif target == "devnull":
        os.symlink("/dev/null", special)
    elif target == "folder":
        special.mkdir()
    else:
        os.mkfifo(special)
    spec = yaml.safe_load(path.read_text())
    spec["surveys"]["skm"][role] = str(special)
    path.write_text(yaml.safe_dump(spec))
    started = time.monotonic()
    code, output = cli("run", str(path), "--out", str(tmp_path / "out"))
    assert time.monotonic() - started < 30    # a FIFO is never opened
    line = one_error_line(output)
    assert code == 2 and "special.csv" in line
    assert {"loop": "loops", "devnull": "character device", "folder": "folder",
            "fifo": "named pipe"}[target] in line


def test_unknown_encoding_name_is_exit_2(tmp_path):
    (tmp_path / "answers.csv").write_text("id,U1,U2,U3,U4,Saran\n1,1,2,3,4,ok\n")
    for stream in (False, True):
        path = project(tmp_path, "answers.csv", stream=stream, read={"encoding": "klingon"})
        code, output = cli("run", str(path), "--out", str(tmp_path / "out"))
        assert code == 2 and "unknown encoding 'klingon'" in one_error_line(output)


# ---- point 10: nothing hangs ---------------------------------------------------------------------


def test_yaml_alias_bomb_is_refused_quickly(tmp_path):
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 10):
        below = ", ".join([f"*a{level - 1}"] * 9)
        levels.append(f"a{level}: &a{level} [{below}]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(levels) + "\n")
    started = time.monotonic()
    with pytest.raises(InputError, match="aliases expand it beyond"):
        read_yaml(path)
    assert time.monotonic() - started < 10


def test_yaml_with_a_few_aliases_still_loads(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text("labels: &l [a, b]\nid: *l\nen: *l\n")
    assert read_yaml(path) == {"labels": ["a", "b"], "id": ["a", "b"], "en": ["a", "b"]}


def test_recursive_and_deep_yaml_are_input_errors(tmp_path):
    path = tmp_path / "self.yaml"
    path.write_text("a: &a [*a]\n")
    with pytest.raises(InputError, match="refers to the node that contains it"):
        read_yaml(path)
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(InputError):
        read_yaml(path)


def test_slow_column_pattern_is_refused_with_its_key(tmp_path):
    q = questionnaire()
    q["items"][0] = {**q["items"][0], "column": None, "column_pattern": "(a|aa)+$"}
    header = "a" * 40 + "!"
    (tmp_path / "answers.csv").write_text(f"id,{header},U2,U3,U4,Saran\n1,1,2,3,4,ok\n")
    started = time.monotonic()
    code, output = cli("run", str(project(tmp_path, "answers.csv", q=q)),
                       "--out", str(tmp_path / "out"))
    assert time.monotonic() - started < 30
    line = one_error_line(output)
    assert code == 2 and "items[0].column_pattern" in line and "takes too long" in line


def test_ordinary_column_patterns_still_match(tmp_path):
    q = questionnaire()
    q["items"][0] = {**q["items"][0], "column": None, "column_pattern": r"^\s*1\..*puas"}
    (tmp_path / "answers.csv").write_text("id,1. Apakah anda puas,U2,U3,U4,Saran\n"
                                          "1,1,2,3,4,ok\n2,2,3,4,1,ok\n")
    result = run_project(project(tmp_path, "answers.csv", q=q), out=tmp_path / "out")
    assert result.results["surveys"]["skm"]["n"] == 2


# ---- point 14: long answers and NUL bytes ----------------------------------------------------


def test_free_text_longer_than_128_kib_is_read(tmp_path):
    essay = "Pelayanan, " * 30_000     # 330 000 characters, commas inside
    path = tmp_path / "long.csv"
    path.write_text(f'id,U1,U2,U3,U4,Saran\n1,1,2,3,4,"{essay}"\n2,2,3,4,1,ok\n',
                    encoding="utf-8")
    table = read_raw(path)
    assert len(table.rows) == 2 and table.frame["Saran"][0] == essay


def test_nul_byte_in_a_cell_is_removed_and_logged(tmp_path):
    (tmp_path / "answers.csv").write_bytes(b"id,U1,U2,U3,U4,Saran\n1,1,2,3,4,ok\n"
                                           b"2,2,3,4,1,baik\x00 sekali\n3,3,4,1,2,ok\n")
    table = read_raw(tmp_path / "answers.csv")
    assert list(table.frame["Saran"]) == ["ok", "baik sekali", "ok"]
    nul = entries(table.log, Reason.NUL_BYTE)
    assert [(entry.row, entry.column) for entry in nul] == [(3, "Saran")]
    for stream in (False, True):
        out = tmp_path / f"out-{stream}"
        result = run_project(project(tmp_path, "answers.csv", stream=stream), out=out)
        assert result.results["surveys"]["skm"]["n"] == 3
        assert [(r["row"], r["column"]) for r in _log_rows(out)
                if r["reason"] == "nul_byte"] == [("3", "Saran")], stream


def test_binary_file_named_csv_is_still_refused(tmp_path):
    import zlib

    path = tmp_path / "packed.csv"
    path.write_bytes(zlib.compress(os.urandom(4000)) + bytes(range(32)) * 20)
    with pytest.raises(InputError, match="binary"):
        read_raw(path)


# ---- more shapes of the same faults --------------------------------------------------------------


def test_quote_opened_on_the_first_respondent_is_found_without_other_records(tmp_path):
    # Line 2 opens a quote that respondent 12's quoted answer on line 13 closes: lines 3-13
    # (11 respondents) are swallowed and no respondent is left on a line of its own.
    lines = ["id,U1,U2,U3,U4,Saran", '1,1,2,3,4,"mulai']
    lines += [f"{number},2,3,4,1,ok" for number in range(2, 12)]
    lines.append('12,3,4,1,2,"akhir"')
    path = tmp_path / "first.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"line 2 runs to line 13 and swallows 11 line"):
        read_raw(path)


def test_crlf_file_with_a_stray_quote_names_the_line(tmp_path):
    lines = ["id,U1,U2,U3,U4,Saran"] + [f"{n},1,2,3,4,ok" for n in range(1, 9)]
    lines[4] = '4,1,2,3,4,"stray'                      # text line 5
    path = tmp_path / "crlf.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    with pytest.raises(InputError, match="quote opened on line 5 never closes"):
        read_raw(path)


def test_bom_file_with_one_cp1252_byte_and_a_nul_in_the_header(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfid,U1,Sa\x00ran\n1,2,caf\xe9 \xe2\x89\xa5 3\n")
    table = read_raw(path)
    assert list(table.frame.columns) == ["id", "U1", "Saran"]
    assert table.frame["Saran"][0] == "caf\u00e9 \u2265 3"
    assert [(e.row, e.column) for e in entries(table.log, Reason.NUL_BYTE)] == [(1, "Saran")]
    assert [(e.row, e.column) for e in entries(table.log, Reason.ENCODING)[1:]] == \
        [(2, "Saran")]


def test_one_long_text_aliased_many_times_is_refused(tmp_path):
    path = tmp_path / "texts.yaml"
    path.write_text(f's: &s "{"x" * 100_000}"\nl: [{", ".join(["*s"] * 500)}]\n')
    with pytest.raises(InputError, match="aliases expand it beyond"):
        read_yaml(path)


def _long_file(stray_at: int | None = None, closed_at: int | None = None,
               latin_at: int | None = None) -> bytes:
    """200 respondents; a stray quote, its closing quote and a Windows-1252 byte planted."""
    lines = [b"id,U1,U2,U3,U4,Saran"]
    for number in range(1, 201):
        saran = b"ok"
        if number == stray_at:
            saran = b'"lupa ditutup'
        elif number == closed_at:
            saran = b'"ditutup"'
        elif number == latin_at:
            saran = b"caf\xe9"
        elif number % 10 == 0:
            saran = '"dua baris,\nsebagai ""jawaban"" \u2265 2"'.encode()
        codes = ",".join(str((number * step) % 4 + 1) for step in (1, 2, 3, 5)).encode()
        lines.append(b"%d,%s,%s" % (number, codes, saran))
    return b"\n".join(lines) + b"\n"


@pytest.fixture
def small_blocks(monkeypatch):
    import surveyq.streamed as streamed

    monkeypatch.setattr(streamed, "HEAD_BYTES", 512)
    monkeypatch.setattr(streamed, "BLOCK_BYTES", 700)


def test_streamed_blocks_find_a_quote_after_the_head(tmp_path, small_blocks):
    # Respondent 150 opens the quote, 190 closes it. Respondents 10, 20, ..., 140 answer in
    # two lines, so respondent 150 is on text line 150 + 1 (header) + 14 = 165.
    (tmp_path / "answers.csv").write_bytes(_long_file(stray_at=150, closed_at=190))
    with pytest.raises(InputError, match=r"quote opened on line 165 runs to line"):
        run_project(project(tmp_path, "answers.csv", stream=True), out=tmp_path / "out")
    with pytest.raises(InputError, match=r"quote opened on line 165 runs to line"):
        read_raw(tmp_path / "answers.csv")


def test_streamed_blocks_repair_a_byte_after_the_head(tmp_path, small_blocks):
    (tmp_path / "answers.csv").write_bytes(_long_file(latin_at=123))
    result = run_project(project(tmp_path, "answers.csv", stream=True), out=tmp_path / "out")
    assert result.results["surveys"]["skm"]["n"] == 200
    repaired = [(r["row"], r["column"]) for r in _log_rows(tmp_path / "out")
                if r["action"] == "cell_repaired"]
    assert repaired == [("124", "Saran")]    # respondent 123 is row 124 (header row 1)


def test_every_field_quoted_and_one_closing_quote_missing(tmp_path):
    # A Google Forms export quotes every field; line 9 lacks its last quote, so the next
    # respondent's first quote closes it and respondent 8 swallows respondent 9 (line 10).
    rows = [f'"2025/01/{day:02d}","Responden {day:02d}","Setuju"' for day in range(1, 21)]
    rows[7] = rows[7][:-1]
    path = tmp_path / "gforms.csv"
    path.write_text('"Timestamp","Nama","Q1"\n' + "\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"line 9 runs to line 10 and swallows 1 line"):
        read_raw(path)
    rows[7] += '"'
    rows[3] = '"2025/01/04","Responden 04","Setuju, ""sekali""\nkata dia"'   # legitimate
    path.write_text('"Timestamp","Nama","Q1"\n' + "\n".join(rows) + "\n", encoding="utf-8")
    assert len(read_raw(path).rows) == 20


def test_nul_padding_at_the_end_is_not_binary(tmp_path):
    path = tmp_path / "padded.csv"
    path.write_bytes(b"id,U1,U2,U3,U4,Saran\n1,1,2,3,4,ok\n2,2,3,4,1,ok\n" + b"\x00" * 3000)
    table = read_raw(path)
    assert len(table.rows) == 2
    assert [entry.row for entry in entries(table.log, Reason.NUL_BYTE)] == [4]
