"""A battery of hostile and messy inputs (issue 11), each run through ``surveyq run`` and
``surveyq check``.

Every case writes its own small project into ``tmp_path`` and states by hand what must
happen: the exit code (0 done, 1 an analysis could not be computed, 2 the user's input is
wrong, never 3 or a traceback), the key words of the one ``Error:`` line, and, where rows
are planted, the number of respondents kept. Nothing expected here is computed by surveyq.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from helpers import LABELS, skm_questionnaire
from typer.testing import CliRunner

from surveyq.cli import app
from surveyq.outputs import MANIFEST, MANIFEST_SCHEMA

runner = CliRunner()
ITEMS = ["U1", "U2", "U3"]
HEADER = [*ITEMS, "Saran"]
#: Eight respondents, every element answered with at least two different values.
ROWS = [[1, 2, 3, "a"], [2, 3, 4, "b"], [3, 4, 1, "c"], [4, 1, 2, "d"],
        [1, 3, 2, "e"], [2, 4, 3, "f"], [3, 1, 4, "g"], [4, 2, 1, "h"]]


def questionnaire(**scale_extra) -> dict:
    """The test questionnaire (tests/helpers.py) with this file's id and items."""
    return skm_questionnaire("hostile", ITEMS, **scale_extra)


def write_project(folder: Path, responses: str = "data.csv", *, survey: dict | None = None,
                  q: dict | None = None, top: dict | None = None) -> Path:
    (folder / "q.yaml").write_text(yaml.safe_dump(q or questionnaire()), encoding="utf-8")
    spec = {"questionnaire": "q.yaml", "responses": responses, "analyses": ["ikm"],
            **(survey or {})}
    doc = {"organisation": "Kantor Uji", "period": "2025", "surveys": {"skm": spec},
           **(top or {})}
    path = folder / "project.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def csv_text(rows=ROWS, header=HEADER, sep: str = ",", newline: str = "\n") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


@dataclass(frozen=True)
class Case:
    """What one hostile input must produce."""

    build: Callable[[Path], list[str]]  # writes the files; returns extra CLI args
    code: int
    words: tuple[str, ...] = ()  # key words of the Error: line (exit 2) or listed reasons (1)
    n: int | None = None  # respondents kept (exit 0/1)
    check_code: int | None = None  # exit of `check` when it differs from `run`'s
    after: Callable[[Path], None] | None = None  # further hand-written checks on the folder
    extra: dict = field(default_factory=dict)


CASES: dict[str, Case] = {}


def case(name: str, code: int, *words: str, **kw):
    def register(build):
        CASES[name] = Case(build, code, tuple(words), **kw)
        return build
    return register


def data(folder: Path, text: str | bytes, name: str = "data.csv", **project) -> list[str]:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    write_project(folder, name, **project)
    return []


def logged(**planted: int) -> Callable[[Path], None]:
    """Check the cleaning log holds exactly ``planted`` cell entries (row and column named)
    of each reason; file-level notes (no row) are not counted."""
    def check(out: Path) -> None:
        log = pd.read_csv(out / "cleaning-log.csv", dtype=str, keep_default_na=False)
        for reason, count in planted.items():
            rows = log[(log["reason"] == reason) & (log["row"] != "")]
            assert len(rows) == count, (reason, log.to_string())
            assert (rows["column"] != "").all()
    return check


# ---- CSV: encodings, separators, line ends -----------------------------------------------

case("utf8", 0, n=8)(lambda f: data(f, csv_text()))
case("utf8-bom", 0, n=8)(lambda f: data(f, codecs.BOM_UTF8 + csv_text().encode()))
case("utf16-le-bom", 0, n=8)(lambda f: data(f, csv_text().encode("utf-16")))
case("utf16-be-bom", 0, n=8)(
    lambda f: data(f, codecs.BOM_UTF16_BE + csv_text().encode("utf-16-be")))
case("latin1-whole", 0, n=8)(lambda f: data(
    f, csv_text([[*r[:3], "café déjà vu ñ"] for r in ROWS]).encode("latin-1")))
case("cp1252-whole", 0, n=8)(lambda f: data(
    f, csv_text([[*r[:3], "“kutip” – € ≥"[:9]] for r in ROWS]).encode("cp1252")))


@case("utf8-one-stray-byte", 0, n=8, after=logged(encoding=1))
def _stray(folder):
    text = csv_text([[*r[:3], "umur ≥ 55"] for r in ROWS]).encode()
    text = text.replace(b"umur", b"umur\x92", 1)  # one Windows-1252 apostrophe
    data(folder, text)
    return []


case("semicolon", 0, n=8)(lambda f: data(f, csv_text(sep=";")))
case("tab", 0, n=8)(lambda f: data(f, csv_text(sep="\t")))
case("crlf", 0, n=8)(lambda f: data(f, csv_text(newline="\r\n")))
case("trailing-blank-lines", 0, n=8)(lambda f: data(f, csv_text() + "\n\n\n"))
case("blank-lines-inside", 0, n=8)(lambda f: data(f, csv_text().replace("\n", "\n\n", 3)))
case("delimiter-option", 0, n=8)(
    lambda f: data(f, csv_text(sep="|"), survey={"read": {"delimiter": "|"}}))
case("encoding-option-latin1", 0, n=8)(lambda f: data(
    f, csv_text([[*r[:3], "é"] for r in ROWS]).encode("latin-1"),
    survey={"read": {"encoding": "latin-1"}}))
case("unknown-encoding-name", 2, "encoding", "klingon")(
    lambda f: data(f, csv_text(), survey={"read": {"encoding": "klingon"}}))

# ---- CSV: empty and degenerate ------------------------------------------------------------

case("empty-file", 2, "data.csv", "empty")(lambda f: data(f, b""))
case("whitespace-only", 2, "data.csv")(lambda f: data(f, "\n \n\t\n"))
case("header-only", 1, "n", n=0, check_code=0)(lambda f: data(f, csv_text(rows=[])))
case("missing-item-column", 2, "data.csv", "U3")(
    lambda f: data(f, csv_text([r[:2] + r[3:] for r in ROWS], ["U1", "U2", "Saran"])))
case("duplicate-header", 2, "data.csv", "U1")(
    lambda f: data(f, csv_text([[*r, 1] for r in ROWS], [*HEADER, "U1"])))
case("binary-garbage", 2, "data.csv")(lambda f: data(f, bytes(range(256)) * 20))
case("all-rows-blank", 1, n=0, check_code=0)(
    lambda f: data(f, csv_text([["", "", "", ""]] * 5)))
case("short-rows", 0, n=8)(
    lambda f: data(f, csv_text([r[:2] for r in ROWS[:4]] + ROWS[4:])))
case("all-rows-short", 1, "U3", n=8, check_code=0)(
    lambda f: data(f, csv_text([r[:2] for r in ROWS])))
def _row_named(out: Path) -> None:
    log = (out / "cleaning-log.csv").read_text(encoding="utf-8-sig")
    assert "holds values (row 4)" in log, log  # the planted shifted row


case("row-wider-than-header", 0, n=8, after=_row_named)(  # "baik, cepat" unquoted on row 4
    lambda f: data(f, quoted([*PLAIN[:2], "3,4,1,baik, cepat", *PLAIN[3:]])))
case("very-wide-header", 0, n=8)(lambda f: data(f, csv_text(
    [[*r, *range(300)] for r in ROWS], [*HEADER, *[f"X{i}" for i in range(300)]])))
case("long-file", 0, n=1000)(lambda f: data(f, csv_text(ROWS * 125)))
case("long-free-text", 0, n=8)(  # one answer of 160 KB, past the old 128 KiB limit
    lambda f: data(f, csv_text([[*ROWS[0][:3], "panjang " * 20_000], *ROWS[1:]])))
case("nul-byte-in-cell", 0, n=8, after=logged(nul_byte=1))(
    lambda f: data(f, csv_text().replace("a\n", "a\x00b\n", 1)))
case("only-header-no-newline", 1, n=0, check_code=0)(lambda f: data(f, ",".join(HEADER)))

# ---- CSV: quotes ---------------------------------------------------------------------------


def quoted(rows_text: list[str]) -> str:
    return ",".join(HEADER) + "\n" + "\n".join(rows_text) + "\n"


PLAIN = [",".join(map(str, r)) for r in ROWS]
case("quote-never-closes-last-row", 2, "data.csv", "quote")(
    lambda f: data(f, quoted([*PLAIN[:7], '4,2,1,"tidak ditutup'])))
case("quote-swallows-records", 2, "data.csv", "quote")(
    lambda f: data(f, quoted([PLAIN[0], '2,3,4,"buka', *PLAIN[2:], *PLAIN, *PLAIN])))
case("quote-opens-in-header", 2, "data.csv", "quote")(
    lambda f: data(f, 'U1,U2,"U3,Saran\n' + "\n".join(PLAIN) + "\n"))
case("quote-opens-in-item-cell", 2, "data.csv", "quote")(
    lambda f: data(f, quoted([*PLAIN[:2], '"3,4,1,c', *PLAIN[3:], *PLAIN, *PLAIN])))
case("multiline-free-text", 0, n=8)(lambda f: data(f, quoted(
    [*PLAIN[:3], '4,1,2,"baris satu, dengan koma\nbaris ""dua""\nbaris tiga"', *PLAIN[4:]])))
case("doubled-quotes-inside", 0, n=8)(
    lambda f: data(f, quoted([*PLAIN[:7], '4,2,1,"kata ""bagus"" sekali"'])))
case("stray-quote-mid-field", 0, n=8)(
    lambda f: data(f, quoted([*PLAIN[:7], '4,2,1,ini"aneh'])))

# ---- CSV: cell values ----------------------------------------------------------------------

case("true-false-items", 0, n=8, after=logged(boolean_cell=4))(lambda f: data(
    f, csv_text([["TRUE", *r[1:]] for r in ROWS[:2]] + [["FALSE", *r[1:]] for r in ROWS[2:4]]
                + ROWS[4:])))
case("label-answers", 0, n=8, after=logged(unknown_label=0, out_of_range=0))(
    lambda f: data(f, csv_text([[LABELS[r[0] - 1], *r[1:]] for r in ROWS])))
case("out-of-range-and-decimal", 0, n=8,
     after=logged(out_of_range=1, non_integer=1))(
    lambda f: data(f, csv_text([[7, *ROWS[0][1:]], ["2.5", *ROWS[1][1:]], *ROWS[2:]])))
case("identical-rows-no-id-kept", 0, n=10)(lambda f: data(f, csv_text(ROWS + [ROWS[0]] * 2)))
FORMULAS = ["=1+1", "+62", "-x", "@SUM(A1)", '=HYPERLINK("http://x")', "a", "b", "c"]
case("formula-free-text", 0, n=8, after=lambda out: _no_live_formula(out))(lambda f: [
    "--csv", *data(f, csv_text([[*r[:3], s] for r, s in zip(ROWS, FORMULAS, strict=True)]))])


def _no_live_formula(out: Path) -> None:
    for path in [out / "cleaning-log.csv", *sorted((out / "tables").glob("*.csv"))]:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    assert not cell or cell[0] not in "=+-@", (path.name, cell)


case("formula-junk-answers", 0, n=8, after=lambda out: _no_live_formula(out))(lambda f: data(
    f, csv_text([["=cmd|' /C calc'!A0", *ROWS[0][1:]], ["@x", *ROWS[1][1:]], *ROWS[2:]])))

# ---- small surveys, constant and missing items --------------------------------------------

case("n0-all-items-blank", 1, n=0, check_code=0)(
    lambda f: data(f, csv_text([["", "", "", "x"]] * 4)))
# The SKM default analyses (validity, reliability, IKM): n < 3 cannot give the first two.
case("n1", 1, "validity", n=1, check_code=0)(
    lambda f: data(f, csv_text(ROWS[:1]), survey={"analyses": None}))
case("n2", 1, "reliability", n=2, check_code=0)(
    lambda f: data(f, csv_text(ROWS[:2]), survey={"analyses": None}))


def _index_without_interval(out: Path) -> None:
    ikm = json.loads((out / "results.json").read_text())["surveys"]["skm"]["analyses"]["ikm"]
    # One respondent answering 1, 2, 3: mean 2.0, converted x 25 = 50.00.
    assert round(ikm["summary"]["converted"], 2) == 50.00 and ikm["intervals"] == []
    assert ikm["interval_missing"]


case("n1-ikm-only", 0, n=1, after=_index_without_interval)(
    lambda f: data(f, csv_text(ROWS[:1])))
case("element-all-missing", 1, "U2", n=8, check_code=0)(
    lambda f: data(f, csv_text([[r[0], "", r[2], r[3]] for r in ROWS])))
case("constant-item-reliability", 1, "U1", n=8, check_code=0)(lambda f: data(
    f, csv_text([[3, *r[1:]] for r in ROWS]), survey={"analyses": ["ikm", "reliability"]}))
case("constant-everything-ikm", 0, n=8)(lambda f: data(f, csv_text([[3, 3, 3, "x"]] * 8)))

# ---- XLSX, SAV, Parquet ---------------------------------------------------------------------


def workbook(folder: Path, rows=ROWS, header=HEADER, name="data.xlsx", **project) -> list[str]:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    book.save(folder / name)
    write_project(folder, name, **project)
    return []


case("xlsx", 0, n=8)(lambda f: workbook(f))
case("xlsx-header-only", 1, n=0, check_code=0)(lambda f: workbook(f, rows=[]))
case("xlsx-empty-sheet", 2, "data.xlsx")(lambda f: workbook(f, rows=[], header=[]))
case("xlsx-formula-no-cached-value", 0, n=8,
     after=logged(formula_without_value=1))(
    lambda f: workbook(f, rows=[["=1+2", *ROWS[0][1:]], *ROWS[1:]]))
case("xlsx-bool-cell", 0, n=8, after=logged(boolean_cell=1))(
    lambda f: workbook(f, rows=[[True, *ROWS[0][1:]], *ROWS[1:]]))
@case("xlsx-answers-on-second-sheet", 2, "data.xlsx", "sheet 'Intro'", "read: {sheet")
def _second_sheet(folder):
    book = openpyxl.Workbook()
    book.active.title = "Intro"
    book.active.append(["Survei kepuasan 2025"])
    sheet = book.create_sheet("Data")
    for row in [HEADER, *ROWS]:
        sheet.append(row)
    book.save(folder / "data.xlsx")
    write_project(folder, "data.xlsx")
    return []


case("xlsx-second-sheet-chosen", 0, n=8)(lambda f: (
    _second_sheet(f), write_project(f, "data.xlsx", survey={"read": {"sheet": "Data"}}))[0])
case("xlsx-missing-sheet", 2, "Nope")(
    lambda f: workbook(f, survey={"read": {"sheet": "Nope"}}))
case("xlsx-corrupt", 2, "data.xlsx")(lambda f: data(f, b"PK\x03\x04garbage" * 50, "data.xlsx"))
case("xlsx-is-csv", 0, n=8)(lambda f: data(f, csv_text(), "data.xlsx"))
case("xlsx-long-text", 0, n=8)(
    lambda f: workbook(f, rows=[[*r[:3], "x" * 30_000] for r in ROWS]))


def sav(folder: Path, frame: pd.DataFrame) -> list[str]:
    pyreadstat = pytest.importorskip("pyreadstat")
    pyreadstat.write_sav(frame, str(folder / "data.sav"))
    write_project(folder, "data.sav")
    return []


def frame(rows=ROWS) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=HEADER)


case("sav", 0, n=8)(lambda f: sav(f, frame()))
case("sav-n1-ikm-only", 0, n=1, after=_index_without_interval)(
    lambda f: sav(f, frame(ROWS[:1])))
case("sav-corrupt", 2, "data.sav")(lambda f: data(f, b"$FL2" + b"\x00" * 300, "data.sav"))


def parquet(folder: Path, table: pd.DataFrame, **project) -> list[str]:
    table.to_parquet(folder / "data.parquet")
    write_project(folder, "data.parquet", **project)
    return []


case("parquet", 0, n=8)(lambda f: parquet(f, frame()))
case("parquet-streamed", 0, n=8)(lambda f: parquet(f, frame(), survey={"stream": True}))
case("parquet-string-items", 0, n=8)(lambda f: parquet(f, frame().astype(str)))
case("parquet-corrupt", 2, "data.parquet")(
    lambda f: data(f, b"PAR1" + b"\x01" * 99, "data.parquet"))
case("parquet-missing-column", 2, "U3")(lambda f: parquet(f, frame().drop(columns="U3")))
case("csv-streamed-stray-quote", 2, "data.csv", "quote")(lambda f: data(
    f, quoted([PLAIN[0], '2,3,4,"buka', *PLAIN[2:], *PLAIN]), survey={"stream": True}))
case("csv-streamed", 0, n=16)(
    lambda f: data(f, csv_text(ROWS * 2), survey={"stream": True}))

# ---- YAML ----------------------------------------------------------------------------------


def project_text(folder: Path, text: str) -> list[str]:
    data(folder, csv_text())
    (folder / "project.yaml").write_text(text, encoding="utf-8")
    return []


def q_text(folder: Path, text: str) -> list[str]:
    data(folder, csv_text())
    (folder / "q.yaml").write_text(text, encoding="utf-8")
    return []


case("project-tab-indent", 2, "project.yaml")(lambda f: project_text(
    f, "organisation: X\nsurveys:\n\tskm:\n\t\tquestionnaire: q.yaml\n"))
case("project-empty", 2, "project.yaml")(lambda f: project_text(f, ""))
case("project-scalar", 2, "project.yaml")(lambda f: project_text(f, "just a string\n"))
case("project-surveys-list", 2, "project.yaml", "surveys")(
    lambda f: project_text(f, "organisation: X\nsurveys: [a, b]\n"))
case("project-unknown-key", 2, "project.yaml", "colour")(
    lambda f: data(f, csv_text(), top={"colour": "red"}))
case("survey-unknown-key", 2, "project.yaml", "respones")(
    lambda f: data(f, csv_text(), survey={"respones": "x.csv"}))
case("survey-wrong-type-stream", 2, "project.yaml", "stream")(
    lambda f: data(f, csv_text(), survey={"stream": "sometimes"}))
case("unknown-analysis", 2, "project.yaml", "analyses")(
    lambda f: data(f, csv_text(), survey={"analyses": ["astrology"]}))
case("duplicates-option-bad", 2, "duplicates")(
    lambda f: data(f, csv_text(), survey={"options": {"duplicates": "banana"}}))
case("project-alias-bomb", 2, "project.yaml", "alias")(lambda f: project_text(
    f, "a: &a [x, x, x, x, x, x, x, x, x]\n"
       + "".join(f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
                 for p, c in zip("abcdefgh", "bcdefghi", strict=True))
       + "organisation: X\n"))
case("project-duplicate-survey-key", 2, "project.yaml", "line 5", "skm")(lambda f: project_text(
    f, "organisation: X\nsurveys:\n  skm: {questionnaire: q.yaml, responses: data.csv}\n"
       "  other: {questionnaire: q.yaml, responses: data.csv}\n"
       "  skm: {questionnaire: q.yaml, responses: data.csv}\n"))
case("project-merge-key-override", 0, n=8)(lambda f: project_text(
    f, "organisation: X\nsurveys:\n  skm:\n    <<: {questionnaire: q.yaml, responses: x.csv}\n"
       "    responses: data.csv\n    analyses: [ikm]\n"))
case("questionnaire-duplicate-item-key", 2, "q.yaml", "appears twice")(lambda f: q_text(
    f, yaml.safe_dump(questionnaire()).replace("column: U2\n", "column: U2\n  column: U9\n")))
case("questionnaire-tab-indent", 2, "q.yaml")(
    lambda f: q_text(f, "id: x\nitems:\n\t- id: U1\n"))
case("questionnaire-missing", 2, "missing.yaml")(
    lambda f: data(f, csv_text(), survey={"questionnaire": "missing.yaml"}))
case("questionnaire-unknown-name", 2, "no-such-questionnaire")(
    lambda f: data(f, csv_text(), survey={"questionnaire": "no-such-questionnaire"}))
case("questionnaire-items-not-list", 2, "q.yaml", "items")(
    lambda f: q_text(f, yaml.safe_dump({**questionnaire(), "items": "U1"})))
case("questionnaire-label-collision", 2, "q.yaml", "Sesuai")(
    lambda f: data(f, csv_text(), q=questionnaire(aliases={"Sesuai": 1})))
case("questionnaire-not-utf8", 2, "q.yaml")(lambda f: (
    data(f, csv_text()), (f / "q.yaml").write_bytes(b"id: \xff\xfe\x00bad\n"))[0])
case("column-pattern-catastrophic", 2, "U3", "q.yaml")(lambda f: data(
    f, csv_text([[*r, 1] for r in ROWS], [*HEADER, "a" * 40 + "!"]),
    q={**questionnaire(), "items": [*questionnaire()["items"][:2],
                                    {**questionnaire()["items"][2], "column": None,
                                     "column_pattern": "^(a+)+$"}]}))
case("responses-empty-path", 2, "project.yaml", "responses")(
    lambda f: data(f, csv_text(), survey={"responses": ""}))
case("questionnaire-is-a-folder", 2, "project.yaml", "questionnaire", "folder")(
    lambda f: data(f, csv_text(), survey={"questionnaire": str(f)}))
case("population-negative", 2, "project.yaml", "population")(
    lambda f: data(f, csv_text(), survey={"population": -3}))
case("duplicate-header-streamed", 2, "data.csv", "U1")(lambda f: data(
    f, csv_text([[*r, 1] for r in ROWS], [*HEADER, "U1"]), survey={"stream": True}))
case("duplicate-header-xlsx", 2, "data.xlsx", "U1")(
    lambda f: workbook(f, rows=[[*r, 1] for r in ROWS], header=[*HEADER, "U1"]))
case("duplicate-unused-header-noted", 0, n=8)(
    lambda f: data(f, csv_text([[*r, 1, 2] for r in ROWS], [*HEADER, "X", "X"])))
case("nul-byte-streamed", 0, n=8, after=logged(nul_byte=1))(lambda f: data(
    f, csv_text().replace("a\n", "a\x00b\n", 1), survey={"stream": True}))
case("missing-responses-file", 2, "nothere.csv")(
    lambda f: (write_project(f, "nothere.csv"), [])[1])

# ---- paths: outside, symlinks, special files ------------------------------------------------


@case("responses-outside-project-folder", 0, n=8)
def _outside(folder):
    (folder / "other").mkdir()
    (folder / "other" / "data.csv").write_text(csv_text(), encoding="utf-8")
    (folder / "proj").mkdir()
    write_project(folder / "proj", "../other/data.csv")
    return ["--project-dir", "proj"]


@case("responses-symlink", 0, n=8)
def _symlink(folder):
    (folder / "real.csv").write_text(csv_text(), encoding="utf-8")
    (folder / "data.csv").symlink_to(folder / "real.csv")
    write_project(folder)
    return []


@case("responses-symlink-loop", 2, "data.csv")
def _loop(folder):
    (folder / "data.csv").symlink_to(folder / "loop.csv")
    (folder / "loop.csv").symlink_to(folder / "data.csv")
    write_project(folder)
    return []


@case("responses-dangling-symlink", 2, "data.csv")
def _dangling(folder):
    (folder / "data.csv").symlink_to(folder / "gone.csv")
    write_project(folder)
    return []


@case("responses-fifo", 2, "data.csv")
def _fifo(folder):
    os.mkfifo(folder / "data.csv")
    write_project(folder)
    return []


@case("responses-directory", 2, "data.csv")
def _directory(folder):
    (folder / "data.csv").mkdir()
    write_project(folder)
    return []


case("responses-dev-null", 2, "null")(lambda f: (write_project(f, "/dev/null"), [])[1])


@case("questionnaire-fifo", 2, "q.yaml")
def _q_fifo(folder):
    data(folder, csv_text())
    (folder / "q.yaml").unlink()
    os.mkfifo(folder / "q.yaml")
    return []


# ---- --out variants -------------------------------------------------------------------------


@case("out-is-a-file", 2, "--out", check_code=0)
def _out_file(folder):
    data(folder, csv_text())
    (folder / "afile").write_text("x")
    return ["--out", str(folder / "afile")]


case("out-dev-null", 2, "/dev/null", check_code=0)(
    lambda f: [*data(f, csv_text()), "--out", "/dev/null"])
case("out-under-a-file", 2, "--out", check_code=0)(
    lambda f: [*data(f, csv_text()), "--out", "/dev/null/reports"])


@case("out-would-overwrite-input", 2, "cleaning-log.csv", check_code=0)
def _out_input(folder):
    data(folder, csv_text(), name="cleaning-log.csv")
    return ["--out", str(folder)]


@case("out-stranger-folder-kept", 0, n=8,
      after=lambda out: (out / "keep.txt").read_text() == "mine" or pytest.fail("deleted"))
def _out_stranger(folder):
    data(folder, csv_text())
    (folder / "out").mkdir()
    (folder / "out" / "keep.txt").write_text("mine")
    return []


def _kept_outside(out: Path) -> None:
    assert (out.parent / "elsewhere" / "x.csv").read_text() == "precious"


@case("out-manifest-through-linked-folder", 0, n=8, after=_kept_outside)
def _out_linked(folder):
    # A manifest listing tables/x.csv while out/tables links to a folder outside: the stale
    # file is not this run's to remove, and the run still ends well.
    data(folder, csv_text())
    (folder / "elsewhere").mkdir()
    (folder / "elsewhere" / "x.csv").write_text("precious")
    (folder / "out").mkdir()
    (folder / "out" / "tables").symlink_to(folder / "elsewhere")
    (folder / "out" / MANIFEST).write_text(
        json.dumps({"schema": MANIFEST_SCHEMA, "files": ["tables/x.csv"]}))
    return []


# ---- running the battery ---------------------------------------------------------------------


def invoke(args: list[str]) -> tuple[int, str]:
    result = runner.invoke(app, args)
    return result.exit_code, result.output


def error_line(output: str, words: tuple[str, ...]) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), output
    for word in words:
        assert word.lower() in lines[0].lower(), (word, lines[0])
    return lines[0]


def cli_args(folder: Path, extra: list[str]) -> tuple[Path, list[str]]:
    base = folder
    if "--project-dir" in extra:  # a project in a sub-folder of tmp_path
        at = extra.index("--project-dir")
        base = folder / extra[at + 1]
        extra = extra[:at] + extra[at + 2:]
    return base / "project.yaml", extra


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_input(tmp_path, name):
    spec = CASES[name]
    project, extra = cli_args(tmp_path, spec.build(tmp_path))
    out = tmp_path / "out"
    if "--out" not in extra:
        extra = [*extra, "--out", str(out)]
    if "--lang" not in extra:  # terminal and cleaning log speak the run's language (issue 12)
        extra = [*extra, "--lang", "en"]
    code, output = invoke(["run", str(project), *extra])
    assert "Traceback" not in output and "internal error" not in output.lower(), output
    assert code == spec.code, output
    if code == 2:
        error_line(output, spec.words)
    else:
        for word in spec.words:
            assert word.lower() in output.lower(), (word, output)
        results = json.loads((out / "results.json").read_text(encoding="utf-8"))
        assert (out / "cleaning-log.csv").is_file() and (out / "report.html").is_file()
        if spec.n is not None:
            assert results["surveys"]["skm"]["n"] == spec.n
        if spec.after:
            spec.after(out)
    check_code, check_output = invoke(["check", str(project), "--lang", "en"])  # as run
    assert "Traceback" not in check_output, check_output
    assert check_code == (spec.code if spec.check_code is None else spec.check_code), check_output
    if check_code == 2:
        assert "Error" in check_output or "fatal" in check_output, check_output


def test_battery_is_large_enough():
    assert len(CASES) >= 60


# ---- Ctrl-C ----------------------------------------------------------------------------------

SURVEYQ = Path(sys.executable).with_name("surveyq")


@pytest.mark.skipif(not SURVEYQ.exists(), reason="surveyq console script not installed")
def test_sigint_mid_run_exits_130_and_keeps_previous_set(tmp_path):
    data(tmp_path, csv_text(ROWS * 50))
    out = tmp_path / "out"
    first = subprocess.run([str(SURVEYQ), "run", str(tmp_path / "project.yaml"), "--out",
                            str(out)], capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stdout + first.stderr
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    # A second run on other data, interrupted while it works.
    (tmp_path / "data.csv").write_text(csv_text(ROWS[:4] * 30), encoding="utf-8")
    process = subprocess.Popen([str(SURVEYQ), "run", str(tmp_path / "project.yaml"), "--out",
                                str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    deadline = time.monotonic() + 90
    while not list(out.glob(".surveyq-staging-*")) and process.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)  # while it writes the new set
    stdout, stderr = process.communicate(timeout=60)
    if process.returncode == 0:
        pytest.skip("the run finished before the signal arrived")
    assert process.returncode == 130, stdout + stderr
    assert "Traceback" not in stdout + stderr
    assert len([line for line in (stdout + stderr).splitlines() if line.strip()]) <= 2
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before  # the previous complete set, untouched
    assert not list(out.glob(".surveyq-staging-*"))
