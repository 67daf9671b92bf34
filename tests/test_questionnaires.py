"""The shipped questionnaires, the test questionnaires for the real exports, and the demo data.

- every questionnaire YAML loads, its id is its file stem, and no scale maps one label to two
  points;
- item counts, roles, pairs, dimensions and reverse flags are as the sources say;
- every item and field of the test questionnaires finds exactly one header in its real export
  (../shared/real-data, skipped when absent), and of the demo questionnaires in the demo files;
- questionnaires/demo/make_demo.py reproduces the committed demo files, and every flaw it
  plants is where its list says.
"""

from __future__ import annotations

import csv
import functools
import importlib.util
import re
import sys
import zipfile
from collections import Counter, defaultdict
from pathlib import Path
from types import ModuleType

import openpyxl
import pytest
import yaml

from surveyq.questionnaire import Questionnaire, load_questionnaire, normalise_label

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_DIR = ROOT / "questionnaires"
DEMO_DIR = SHIPPED_DIR / "demo"
TEST_Q_DIR = Path(__file__).resolve().parent / "questionnaires"
REAL = ROOT.parent / "shared" / "real-data"

SHIPPED = sorted(SHIPPED_DIR.glob("*.yaml"))
NOT_QUESTIONNAIRES = ("project.yaml", "scorecard.yaml")
DEMO_Q = sorted(p for p in DEMO_DIR.glob("*.yaml") if p.name not in NOT_QUESTIONNAIRES)
TEST_Q = sorted(TEST_Q_DIR.glob("*.yaml"))
ALL_Q = SHIPPED + DEMO_Q + TEST_Q

needs_real = pytest.mark.skipif(not REAL.is_dir(), reason=f"real exports not found at {REAL}")


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


# ---------------------------------------------------------------------------------------------
# Every questionnaire
# ---------------------------------------------------------------------------------------------


def test_expected_files_exist() -> None:
    assert {p.stem for p in SHIPPED} >= {
        "skm-permenpanrb-14-2017", "ikm-kep25-2004", "servqual-pzb-22",
        "servqual-customer-20", "employee-satisfaction",
    }
    assert {p.stem for p in TEST_Q} >= {
        "gforms-qris", "ceklok-employee", "navigation-cp1252", "kiosk-servqual-ko",
        "pallant-optimism", "pallant-stress",
    }


@pytest.mark.parametrize("path", ALL_Q, ids=_name)
def test_loads_and_id_is_stem(path: Path) -> None:
    q = load_questionnaire(path)
    assert q.id == path.stem
    assert q.items


@pytest.mark.parametrize("path", SHIPPED, ids=_name)
def test_shipped_cites_source_and_is_bilingual(path: Path) -> None:
    q = load_questionnaire(path.stem)  # by shipped id
    assert q.source
    for scale in q.scales.values():
        assert set(scale.labels) == {"id", "en"}
    for item in q.items:
        assert item.text.id and item.text.en
    for fld in q.fields:
        assert fld.text.id and fld.text.en


@pytest.mark.parametrize("path", ALL_Q, ids=_name)
def test_no_label_maps_to_two_points(path: Path) -> None:
    q = load_questionnaire(path)
    for name, scale in q.scales.items():
        points: dict[str, set[int]] = defaultdict(set)
        for labels in scale.labels.values():
            for point, label in zip(scale.points, labels, strict=True):
                points[normalise_label(label)].add(point)
        for point, aliases in scale.aliases.items():
            for alias in aliases:
                points[normalise_label(alias)].add(point)
        clashes = {label: sorted(p) for label, p in points.items() if len(p) > 1}
        assert not clashes, f"scale {name}: {clashes}"
        for label in points:
            assert label not in {"", "none", "nan", "null"}, f"scale {name}: label {label!r}"


@pytest.mark.parametrize("path", ALL_Q, ids=_name)
def test_pairs_are_complete(path: Path) -> None:
    """Each attribute rated in several roles has one item per role, in one dimension."""
    q = load_questionnaire(path)
    by_pair: dict[str, list] = defaultdict(list)
    for item in q.items:
        if item.pair:
            by_pair[item.pair].append(item)
    roles = {tuple(sorted(i.role for i in items)) for items in by_pair.values()}
    assert len(roles) <= 1, roles
    for pair, items in by_pair.items():
        assert len({i.dimension for i in items}) == 1, pair
        assert len({i.scale for i in items}) == 1, pair


# ---------------------------------------------------------------------------------------------
# What the sources say
# ---------------------------------------------------------------------------------------------


def test_servqual_pzb_22() -> None:
    q = load_questionnaire("servqual-pzb-22")
    assert len(q.items) == 44
    assert [i.id for i in q.items_with("expectation")] == [f"E{n:02d}" for n in range(1, 23)]
    assert [i.id for i in q.items_with("perception")] == [f"P{n:02d}" for n in range(1, 23)]
    reversed_numbers = {*range(10, 14), *range(18, 23)}
    for item in q.items:
        number = int(item.id[1:])
        assert item.reverse == (number in reversed_numbers), item.id
        assert item.pair == f"A{number:02d}"
    dims = Counter(i.dimension for i in q.items_with("perception"))
    assert dims == {"tangibles": 4, "reliability": 5, "responsiveness": 4, "assurance": 4,
                    "empathy": 5}
    assert q.group_label("tangibles") == "Bukti fisik"
    assert q.group_label("reliability") == "Kehandalan"
    assert q.scales["agree7"].points == list(range(1, 8))


def test_skm_2017() -> None:
    q = load_questionnaire("skm-permenpanrb-14-2017")
    assert (q.kind, q.standard) == ("skm", "permenpanrb-14-2017")
    assert [i.id for i in q.items] == [f"U{k}" for k in range(1, 10)]
    assert [i.element for i in q.items] == list(q.elements) == [f"U{k}" for k in range(1, 10)]
    assert q.group_label("U8") == "Penanganan pengaduan, saran dan masukan"
    assert q.group_label("U9") == "Sarana dan prasarana"
    for item in q.items:
        scale = q.scale_of(item)
        assert scale.points == [1, 2, 3, 4]
        assert not item.reverse
        assert item.column == item.id
    assert q.scale_of(q.item("U4")).code_for("Gratis") == 4
    assert q.scale_of(q.item("U4")).code_for("Sangat mahal") == 1
    assert q.scale_of(q.item("U1")).code_for("kurang  SESUAI") == 2
    assert q.scale_of(q.item("U7")).code_for("Sopan & ramah") == 3
    assert q.scale_of(q.item("U8")).code_for("Dikelola dengan baik") == 4
    assert q.scale_of(q.item("U9")).code_for("4 (Sangat Baik)") == 4
    # Decision documented in the YAML: letter + label is read, a bare letter is not.
    assert q.scale_of(q.item("U1")).code_for("a. Tidak sesuai") == 1
    assert q.scale_of(q.item("U1")).code_for("a") is None
    kinds = {f.kind for f in q.fields}
    assert kinds == {"gender", "age_band", "education", "occupation", "service_type", "suggestion"}


def test_ikm_2004() -> None:
    q = load_questionnaire("ikm-kep25-2004")
    assert (q.kind, q.standard) == ("ikm", "kep25-2004")
    assert [i.column for i in q.items] == [f"U{k}" for k in range(1, 15)]
    assert list(q.elements) == [f"U{k}" for k in range(1, 15)]
    assert q.group_label("U1") == "Prosedur pelayanan"
    assert q.group_label("U14") == "Keamanan pelayanan"
    assert all(q.scale_of(i).points == [1, 2, 3, 4] for i in q.items)
    fields = {f.column: f.kind for f in q.fields}
    assert fields["Kode Peserta"] == "id" and fields["Umur"] == "age"


def test_customer_servqual_20() -> None:
    q = load_questionnaire("servqual-customer-20")
    assert len(q.items_with("perception")) == len(q.items_with("expectation")) == 20
    assert Counter(i.dimension for i in q.items_with("perception")) == {
        d: 4 for d in ("tangibles", "reliability", "responsiveness", "assurance", "empathy")}
    scale = q.scales["setuju5"]
    assert scale.labels["id"] == ["Sangat Tidak Setuju", "Tidak Setuju", "Ragu-ragu", "Setuju",
                                  "Sangat Setuju"]
    for answer, point in [("STS", 1), ("TS", 2), ("RR", 3), ("N", 3), ("KS", 3), ("Netral", 3),
                          ("S", 4), ("SS", 5), ("Strongly agree", 5), ("5 (Sangat Setuju)", 5)]:
        assert scale.code_for(answer) == point, answer
    assert scale.code_for("Setju") is None
    assert scale.code_for("Sangat Setuju sekali") is None
    assert not any(i.reverse for i in q.items)
    assert {f.kind for f in q.fields} >= {"gender", "age_band", "education", "occupation",
                                          "service_type", "suggestion"}


def test_employee_satisfaction() -> None:
    q = load_questionnaire("employee-satisfaction")
    assert len(q.items_with("perception")) == len(q.items_with("expectation")) == 14
    assert set(q.dimensions) == {"mental", "rewards", "conditions", "colleagues", "fit"}
    assert {i.dimension for i in q.items} == set(q.dimensions)
    assert not any(i.reverse for i in q.items)
    demo = load_questionnaire(DEMO_DIR / "employee-satisfaction-demo.yaml")
    assert [i.id for i in demo.items if i.reverse] == ["P13"]


CEKLOK_REVERSED = {"X1.2", "X1.4", "X1.6", "X1.8", "X2.2", "X2.4", "X2.6", "X2.8",
                   "Y2", "Y4", "Y6", "Y7", "Y8"}


@pytest.mark.parametrize(
    ("stem", "n_items", "reversed_ids"),
    [
        ("gforms-qris", 3, set()),
        ("ceklok-employee", 24, CEKLOK_REVERSED),
        ("navigation-cp1252", 9, set()),
        ("kiosk-servqual-ko", 48, set()),
        ("pallant-optimism", 6, {"op2", "op4", "op6"}),
        ("pallant-stress", 10, {"pss4", "pss5", "pss7", "pss8"}),
    ],
)
def test_test_questionnaires(stem: str, n_items: int, reversed_ids: set[str]) -> None:
    q = load_questionnaire(TEST_Q_DIR / f"{stem}.yaml")
    assert len(q.items) == n_items
    assert {i.id for i in q.items if i.reverse} == reversed_ids


def test_gforms_scales() -> None:
    q = load_questionnaire(TEST_Q_DIR / "gforms-qris.yaml")
    assert q.scale_of(q.item("terbantu")).code_for("Setuju") == 3
    assert q.scale_of(q.item("dorong_ekonomi")).code_for("Setuju") == 2
    assert q.scale_of(q.item("dorong_ekonomi")).code_for("Tidak Setuju") == 1


# ---------------------------------------------------------------------------------------------
# Header matching against the real exports and the demo files
# ---------------------------------------------------------------------------------------------


def matches(headers: list[str], obj) -> list[str]:
    """Headers an item or field matches: its column(s) ignoring case/spacing, else its pattern."""
    wanted = {normalise_label(c) for c in obj.header_candidates}
    hits = [h for h in headers if normalise_label(h) in wanted]
    if not hits and obj.column_pattern:
        hits = [h for h in headers if re.search(obj.column_pattern, h)]
    return hits


def assert_all_match(q: Questionnaire, headers: list[str], fields: bool = True) -> None:
    objects = [*q.items, *(q.fields if fields else [])]
    problems = {o.id: matches(headers, o) for o in objects}
    assert {k: v for k, v in problems.items() if len(v) != 1} == {}
    used = [h for hits in problems.values() for h in hits]
    assert len(used) == len(set(used)), "two items or fields share a header"


def csv_header(path: Path, encoding: str = "utf-8", delimiter: str = ",") -> list[str]:
    with path.open(encoding=encoding, newline="") as fh:
        return next(csv.reader(fh, delimiter=delimiter))


def xlsx_row(path: Path, row: int) -> list:
    ws = openpyxl.load_workbook(path, read_only=True).active
    return [c for c in next(ws.iter_rows(min_row=row, max_row=row, values_only=True))]


@needs_real
@pytest.mark.parametrize(
    ("stem", "file", "encoding", "delimiter"),
    [
        ("gforms-qris", "gforms-id-qris-likert.csv", "utf-8", ","),
        ("ceklok-employee", "employee-ceklok-kuisioner.csv", "utf-8", ","),
        ("navigation-cp1252", "excel-semicolon-cp1252-navigation.csv", "cp1252", ";"),
        ("kiosk-servqual-ko", "servqual-kiosk-ko-cp949.csv", "cp949", ","),
    ],
)
def test_real_csv_headers_match(stem: str, file: str, encoding: str, delimiter: str) -> None:
    q = load_questionnaire(TEST_Q_DIR / f"{stem}.yaml")
    assert_all_match(q, csv_header(REAL / file, encoding, delimiter))


@needs_real
@pytest.mark.parametrize("stem", ["pallant-optimism", "pallant-stress"])
def test_real_sav_variables_match(stem: str) -> None:
    pyreadstat = pytest.importorskip("pyreadstat")
    _, meta = pyreadstat.read_sav(str(REAL / "spss-pallant-survey.sav"), metadataonly=True)
    assert_all_match(load_questionnaire(TEST_Q_DIR / f"{stem}.yaml"), list(meta.column_names))


@needs_real
def test_real_ikm_tabulation_matches() -> None:
    q = load_questionnaire("ikm-kep25-2004")
    headers = [str(h) for h in xlsx_row(REAL / "skm-14unsur-tabulation-TESTDATA.xlsx", 5) if h]
    assert_all_match(q, headers, fields=False)
    for fid in ("participant", "age"):
        assert len(matches(headers, next(f for f in q.fields if f.id == fid))) == 1


# ---------------------------------------------------------------------------------------------
# Demo: project, questionnaires vs data, reproducibility, planted flaws
# ---------------------------------------------------------------------------------------------


@functools.cache
def load_make_demo() -> ModuleType:
    name = "surveyq_demo_make_demo"
    spec = importlib.util.spec_from_file_location(name, DEMO_DIR / "make_demo.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


DEMO_FILES = {
    "customer": ("customer-2025.csv", "utf-8", ","),
    "employee": ("employee-2025.csv", "utf-8-sig", ";"),
}


def demo_project() -> dict:
    return yaml.safe_load((DEMO_DIR / "project.yaml").read_text(encoding="utf-8"))


def demo_questionnaire(ref: str) -> Questionnaire:
    return load_questionnaire(DEMO_DIR / ref if ref.endswith(".yaml") else ref)


def test_demo_project_references_exist() -> None:
    project = demo_project()
    assert set(project["surveys"]) == {"customer", "skm", "employee"}
    for survey in project["surveys"].values():
        demo_questionnaire(survey["questionnaire"])
        assert (DEMO_DIR / survey["responses"]).is_file()
        for previous in survey.get("previous", {}).values():
            assert (DEMO_DIR / previous).is_file()


def test_demo_headers_match() -> None:
    surveys = demo_project()["surveys"]
    for name, (file, encoding, delimiter) in DEMO_FILES.items():
        q = demo_questionnaire(surveys[name]["questionnaire"])
        assert_all_match(q, csv_header(DEMO_DIR / file, encoding, delimiter))
    q = demo_questionnaire(surveys["skm"]["questionnaire"])
    for file in ("skm-2025.xlsx", "skm-2024.xlsx"):
        headers = [h for h in xlsx_row(DEMO_DIR / file, 4) if h]
        assert_all_match(q, headers)


def planted_cells(make_demo: ModuleType, file: str) -> set[tuple[int, str]]:
    return {(f.row, f.column) for f in make_demo.PLANTED if f.file == file and f.column}


def test_demo_answers_valid_except_planted() -> None:
    """Apart from the planted cells every answer maps to a scale point, and categories fit."""
    make_demo = load_make_demo()
    surveys = demo_project()["surveys"]
    for name, (file, encoding, delimiter) in DEMO_FILES.items():
        q = demo_questionnaire(surveys[name]["questionnaire"])
        planted = planted_cells(make_demo, file)
        with (DEMO_DIR / file).open(encoding=encoding, newline="") as fh:
            rows = list(csv.reader(fh, delimiter=delimiter))
        header = rows[0]
        for number, row in enumerate(rows[1:], 2):
            if not any(row):
                continue
            for item in q.items:
                value = row[header.index(item.column)]
                point = int(value) if value.isdigit() else q.scale_of(item).code_for(value)
                ok = point in q.scale_of(item).points
                assert ok or (number, item.column) in planted, (file, number, item.id, value)
    q = demo_questionnaire(surveys["skm"]["questionnaire"])
    for file in ("skm-2025.xlsx", "skm-2024.xlsx"):
        planted = planted_cells(make_demo, file)
        ws = openpyxl.load_workbook(DEMO_DIR / file, read_only=True).active
        rows = list(ws.iter_rows(min_row=4, values_only=True))
        header = list(rows[0])
        categories = {f.column: set(f.categories) for f in q.fields if f.categories}
        for number, row in enumerate(rows[1:], 5):
            if not isinstance(row[0], int):
                continue  # blank or summary row
            for item in q.items:
                value = row[header.index(item.column)]
                ok = value in q.scale_of(item).points
                assert ok or (number, item.column) in planted, (file, number, item.id, value)
            for column, allowed in categories.items():
                assert row[header.index(column)] in allowed, (file, number, column)


def test_demo_flaws_are_planted() -> None:
    make_demo = load_make_demo()
    csv_rows = {}
    for file, encoding, delimiter in DEMO_FILES.values():
        with (DEMO_DIR / file).open(encoding=encoding, newline="") as fh:
            csv_rows[file] = list(csv.reader(fh, delimiter=delimiter))
    sheets = {f: openpyxl.load_workbook(DEMO_DIR / f).active
              for f in ("skm-2025.xlsx", "skm-2024.xlsx")}
    for flaw in make_demo.PLANTED:
        if flaw.file in csv_rows:
            rows = csv_rows[flaw.file]
            header = rows[0]
            if flaw.reason == "duplicate_row":
                assert rows[flaw.row - 1] == rows[flaw.row - 2]
                assert rows.count(rows[flaw.row - 1]) == 2
            elif flaw.reason == "blank_row":
                assert not any(rows[flaw.row - 1]) and len(rows[flaw.row - 1]) == len(header)
            elif flaw.reason == "duplicate_id":
                ids = [row[header.index(flaw.column)] for row in rows]
                assert ids[flaw.row - 1] == flaw.value and ids.count(flaw.value) == 2
            elif flaw.reason == "reverse_keyed":
                q = demo_questionnaire("employee-satisfaction-demo.yaml")
                assert next(i for i in q.items if i.column == flaw.column).reverse
            else:
                assert rows[flaw.row - 1][header.index(flaw.column)] == flaw.value, flaw
        else:
            ws = sheets[flaw.file]
            header = [c.value for c in ws[4]]
            cells = [c.value for c in ws[flaw.row]]
            if flaw.reason == "blank_row":
                assert all(v is None for v in cells)
            else:
                assert cells[header.index(flaw.column)] == flaw.value, flaw
    for file, ws in sheets.items():
        summary = [f for f in make_demo.PLANTED if f.file == file and f.reason == "summary_row"]
        assert len(summary) == 4
        assert all(v is None for v in (c.value for c in ws[summary[0].row - 1]))
        assert ws.max_row == summary[-1].row


def test_make_demo_reproduces_committed_files(tmp_path: Path) -> None:
    make_demo = load_make_demo()
    written = make_demo.generate(tmp_path)
    assert {p.name for p in written} == set(make_demo.GENERATED)
    for path in written:
        committed = DEMO_DIR / path.name
        if path.suffix == ".xlsx":
            # Same members byte for byte; the zip container itself may differ by zlib build.
            with zipfile.ZipFile(path) as new, zipfile.ZipFile(committed) as old:
                assert new.namelist() == old.namelist()
                for member in new.namelist():
                    assert new.read(member) == old.read(member), f"{path.name}:{member}"
        else:
            assert path.read_bytes() == committed.read_bytes(), (
                f"{path.name} differs: rerun python questionnaires/demo/make_demo.py")
    total = sum((DEMO_DIR / name).stat().st_size for name in make_demo.GENERATED)
    assert total < 400_000
