"""The seed papers' tables reproduced through a project YAML and ``surveyq run``.

Each folder under tests/projects/ is one paper's table(s) as a project: the printed inputs
verbatim in YAML (and an actuals CSV), run through :func:`surveyq.pipeline.run_project`
(one of them through the ``surveyq run`` command itself), and compared with the printed
figures. Where a paper's own arithmetic differs from its printed inputs the expected value
is what the printed inputs give, and the comment says what the paper prints.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from surveyq.cli import app
from surveyq.pipeline import run_project

PROJECTS = Path(__file__).parent / "projects"


def _results(name: str) -> dict:
    return run_project(PROJECTS / name / "project.yaml").results


# --------------------------------------------------------------------------- Nugrahini et al.


@pytest.fixture(scope="module")
def tabanan() -> dict:
    return _results("nugrahini-tabanan")


def test_nugrahini_tabel_4_to_7_value_for_money(tabanan):
    vfm = tabanan["finance"]["value_for_money"]
    assert vfm["convention"] == "target/realised"  # the paper's reciprocal effectiveness
    by = {(r["ratio"], r["period"]): r["value"] for r in vfm["rows"]}
    # Tabel 4 economy (2011: 95.1161, the paper truncates to 95.11), Tabel 5 efficiency,
    # Tabel 6 effectiveness as the paper computes it
    assert [by["economy", y] for y in ("2010", "2011", "2012", "2013", "2014")] == \
        pytest.approx([96.75, 95.12, 94.97, 97.18, 95.95], abs=0.005)
    assert [by["efficiency", y] for y in ("2010", "2011", "2012", "2013", "2014")] == \
        pytest.approx([17.55, 26.33, 45.72, 37.57, 46.22], abs=0.005)
    assert [by["effectiveness", y] for y in ("2010", "2011", "2012", "2013", "2014")] == \
        pytest.approx([103.63, 142.93, 93.60, 70.72, 63.11], abs=0.005)
    # Tabel 7: means 95.99 / 34.68 / 94.80, each "ekonomis / efisien / efektif"
    means = vfm["means"]
    assert [means[k]["value"] for k in ("economy", "efficiency", "effectiveness")] == \
        pytest.approx([95.99, 34.68, 94.80], abs=0.005)
    assert [means[k]["label"]["id"] for k in ("economy", "efficiency")] == \
        ["Ekonomis", "Efisien"]
    assert means["effectiveness"]["criterion"] == "effective"
    assert vfm["score"] == pytest.approx(75.16, abs=0.005)  # (95.99 + 34.68 + 94.80) / 3


def test_nugrahini_tabel_11_12_productivity_and_growth(tabanan):
    prod = tabanan["finance"]["productivity"]
    assert [r["productivity"] for r in prod["rows"]] == pytest.approx(
        [71.26, 73.02, 95.32, 125.42, 117.31], abs=0.005)  # the paper rounds to 71 ... 117
    assert prod["mean"] == pytest.approx(96.46, abs=0.005)  # paper: 96 = 481 / 5 (rounded)
    assert [r["growth_pct"] for r in prod["rows"][1:]] == pytest.approx(
        [2.46, 30.55, 31.57, -6.47], abs=0.005)  # paper, from rounded values: 2.8 30 31.58 -6.4
    permits = tabanan["finance"]["growth"]["permits"]["rows"]
    assert permits[0]["growth_pct"] is None
    # permits 4,062 -> 4,089: (4089 - 4062) / 4062 x 100 = 0.6647%
    assert permits[1]["growth_pct"] == pytest.approx(27 / 4062 * 100)


def test_nugrahini_tabel_13_composite_index_takes_finance_as_an_iku(tabanan):
    card = tabanan["scorecard"]
    financial = next(i for i in card["indicators"] if i["id"] == "F1")
    assert financial["source"] == "finance: value_for_money.score"
    assert financial["realisation"] == pytest.approx(75.16, abs=0.005)
    # 0.10 x 75.16 + 0.50 x 75.46 + 0.20 x 20.67 + 0.20 x 50.10 = 59.40, LAN 1999 "Sedang"
    assert card["score"] == pytest.approx(59.40, abs=0.005)
    assert card["predicate"]["label"]["id"] == "Sedang"
    contributions = [p["contribution"] for p in card["perspectives"]]
    assert contributions == pytest.approx([7.516, 37.73, 4.134, 10.02], abs=0.001)


# --------------------------------------------------------------------------- Harumantaka et al.


@pytest.fixture(scope="module")
def bogor() -> dict:
    return _results("harumantaka-bogor")


def test_harumantaka_tabel_2_3_ife_efe_and_ie_cell(bogor):
    strategy = bogor["strategy"]
    # printed weights x ratings: IFE 2.80 (paper 2.81); EFE 2.97 (paper 2.94), its weights
    # sum to 1.01 and the result says so
    assert strategy["ife"]["total"] == pytest.approx(2.80, abs=0.005)
    assert strategy["ife"]["warning"] is None
    assert strategy["efe"]["total"] == pytest.approx(2.97, abs=0.005)
    assert strategy["efe"]["weight_sum"] == pytest.approx(1.01)
    assert "1.01" in strategy["efe"]["warning"]
    # Compliance: 0.08 x 3.00 = 0.24
    compliance = next(f for f in strategy["ife"]["factors"] if f["name"]["id"] == "Compliance")
    assert compliance["score"] == pytest.approx(0.24)
    assert strategy["ie"]["cell"] == "V"  # both axes 2.0-2.99: hold and maintain
    assert strategy["ie"]["label"]["id"] == "Pertahankan dan pelihara"
    assert len(strategy["swot"]["strength"]) == 6 and len(strategy["swot"]["threat"]) == 6


def test_harumantaka_tabel_4_qspm(bogor):
    qspm = bogor["strategy"]["qspm"]
    # from the printed weights and AS: 5.08 / 4.16 / 2.55 / 4.31 (the paper's printed TAS
    # columns sum to 5.03 / 4.14 / 2.53 / 4.28); both weight blocks sum to 1.01
    assert list(qspm["totals"].values()) == pytest.approx([5.08, 4.16, 2.55, 4.31], abs=0.005)
    assert qspm["chosen"] == "A1"  # Mengoptimalkan pendapatan
    assert qspm["weight_sums"] == pytest.approx({"internal": 1.01, "external": 1.01})
    assert sum("1.01" in w for w in qspm["warnings"]) == 2
    regulation = next(r for r in qspm["rows"] if r["factor"] == "O4")  # Peraturan daerah BUMD
    assert regulation["tas"]["A1"] == pytest.approx(0.13 * 3.67)  # printed 0.47


# --------------------------------------------------------------------------- Hartini & Habibi


def test_hartini_tabel_5_6_nko_through_surveyq_run(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(PROJECTS / "hartini-merak" / "project.yaml"),
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    card = json.loads((out / "results.json").read_text(encoding="utf-8"))["scorecard"]
    # 0.25 x 116.66 + 0.15 x 112.61 + 0.30 x 116.10 + 0.30 x 112.20 = 114.5465 (paper 114.55)
    assert card["score"] == pytest.approx(114.5465)
    assert card["predicate"]["label"]["id"] == "Istimewa"
    assert (out / "appendix.docx").exists()
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "114,55" in html  # the NKO rounded half-up, in the Indonesian number format
    assert "Survei dalam laporan ini" not in html  # no empty survey table without surveys


# --------------------------------------------------------------------------- Heitasari et al.


def test_heitasari_tabel_9_from_the_printed_scores():
    card = _results("heitasari-bojonegoro")["scorecard"]
    weights = {p["id"]: p["weight"] for p in card["perspectives"]}
    rows = {i["id"]: weights[i["perspective"]] * i["weight"] * i["ici"]
            for i in card["indicators"]}
    # perspective weight x indicator weight x score / 3, as Tabel 9 prints each row:
    # 0.15, 0.09, 0.06 | 0.20 | 0.08, 0.08 | 0.05 (paper 0.04), 0.10 (paper 0.15, which
    # needs score 3 where it prints 2)
    assert [rows[k] for k in ("growth", "expenditure", "efficiency", "satisfaction", "waiting",
                              "service", "capability", "employee")] == pytest.approx(
        [0.15, 0.09, 0.06, 0.20, 0.08, 0.08, 0.05, 0.10])
    assert card["score"] == pytest.approx(0.81)  # 0.86 with the score 3 the row value needs
    assert [i["score"] for i in card["indicators"]] == [3, 3, 3, 3, 2, 3, 1, 2]


# --------------------------------------------------------------------------- Sembiring & Fadli


def test_sembiring_tabel_5_iku_design_through_surveyq_run(tmp_path):
    """Tabel 5, the IKU design of KPPBC Tanjung Perak: definitions without realisations or
    weights. The run prints the design and the lint and states that no score is computed."""
    from test_lint import E10_ROWS  # the printed table, transcribed row by row

    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(PROJECTS / "sembiring-tanjung-perak" /
                                                 "project.yaml"), "--out", str(out),
                                      "--lang", "id"])
    assert result.exit_code == 0, result.output
    assert "Tidak dihitung" in result.output  # the console says so too
    card = json.loads((out / "results.json").read_text(encoding="utf-8"))["scorecard"]
    assert card["score"] is None and card["predicate"] is None  # never a number
    assert card["period"] == "2010"  # project.yaml's period labels the design (not "-")
    assert "no IKU has a realisation" in card["not_computed"]
    assert card["not_computed_code"]["code"] == "scorecard.not_computed_unweighted"
    perspectives = {p["id"]: p["name"]["id"] for p in card["perspectives"]}
    objectives = {o["id"]: o["name"]["id"] for o in card["objectives"]}
    # every printed row: perspective, objective, IKU, polarity, target (with its unit),
    # type and validity weight, controllability and its weight
    written = [(perspectives[d["perspective"]], objectives[d["objective"]], d["name"]["id"],
                d["polarity"], f"{d['target']:g}{d['unit']}", d["iku_type"],
                d["validity_weight"], d["controllability"], d["controllability_weight"])
               for d in card["definitions"]]
    printed = [(p, o, iku, pol.replace("Max", "max").replace("Min", "min"),
                target.replace(" ", ""), kind.lower(), vw, ctl.lower(), cw)
               for p, o, iku, pol, target, kind, vw, ctl, cw in E10_ROWS]
    assert written == printed
    # the lint the seed lists: 20 IKU within 20-25; financial 5% and learning 40% far from
    # about 22%; downtime an Activity-Low IKU; the two Activity rows printed with 0.35
    lint = {(f["code"], f["message"].split(":")[0]) for f in card["lint"]}
    assert {("iku-count", "20 IKU"), ("perspective-share", "financial"),
            ("perspective-share", "learning"), ("forbidden-combination", "IKU-PP7"),
            ("validity-weight-mismatch", "IKU-PP4"),
            ("validity-weight-mismatch", "IKU-PP7")} <= lint
    # the appendix prints the design: the definitions sheets, one row per printed IKU
    sheets = pd.read_excel(out / "appendix.xlsx", sheet_name=None, header=None,
                           engine="openpyxl")
    measure = next(f for name, f in sheets.items() if name.endswith("Pengukuran Indikator"))
    header = measure.index[measure[0] == "Kode"][0]
    rows = measure.iloc[header + 1:]
    rows = rows[rows[0].astype(str).str.startswith("IKU-")]  # not the note and back-link
    columns = measure.iloc[header].tolist()
    assert len(rows) == 20
    assert rows[columns.index("Bobot validitas")].astype(float).tolist() == \
        [row[6] for row in E10_ROWS]
    assert rows[columns.index("Bobot kendali")].astype(float).tolist() == \
        [row[8] for row in E10_ROWS]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Tidak dihitung" in html and "Rancangan indikator (manual IKU)" in html
    assert "Peta strategi" in html  # the objectives per perspective, without arrows


def test_check_reads_the_strategy_weights_a_scorecard_takes():
    # the demo's customer IKU take their weights from strategy.comparisons.customer-iku:
    # `surveyq check` evaluates the strategy section too instead of reporting it missing
    demo = Path(__file__).resolve().parents[1] / "questionnaires" / "demo" / "project.yaml"
    result = CliRunner().invoke(app, ["check", str(demo)])
    assert result.exit_code == 0, result.output
    assert "customer-iku" not in result.output


def test_design_appendix_in_indonesian(tmp_path):
    # the design's appendix: no achievement table (it would be empty), the reason in the
    # summary's note, the lint severities in the document's language
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(PROJECTS / "sembiring-tanjung-perak" /
                                                 "project.yaml"), "--out", str(out),
                                      "--lang", "id"])
    assert result.exit_code == 0, result.output
    sheets = pd.read_excel(out / "appendix.xlsx", sheet_name=None, header=None,
                           engine="openpyxl")
    assert not any(name.endswith("Kartu Kinerja IKU") for name in sheets)
    text = "\n".join(f.astype(str).to_string() for f in sheets.values())
    assert "Tidak dihitung: belum ada IKU yang memiliki realisasi" in text
    lint = next(f for name, f in sheets.items() if name.endswith("Kartu Kinerja Catatan"))
    assert "galat" in set(lint[1]) and "error" not in set(lint[1])


def test_check_validates_appendix_max_rows(tmp_path):
    # options.appendix_max_rows was read only when the appendix was written: `surveyq check`
    # passed a value the run then refused
    text = (PROJECTS / "harumantaka-bogor" / "project.yaml").read_text(encoding="utf-8")
    path = tmp_path / "project.yaml"
    path.write_text(text + "options:\n  appendix_max_rows: -5\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 2
    # the project's language (Indonesian) writes the line: "... -5 tidak sah; isi dengan ..."
    assert "options.appendix_max_rows: -5" in result.output
