"""Thesis analyses in a project: variables from the YAML, scores by hand, load-time checks, and
the report and appendix tables they feed (the statistics are checked against R in
test_thesis_stats.py)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest

from surveyq.errors import InputError
from surveyq.pipeline import run_project
from surveyq.project import load_project
from surveyq.report.appendix import build_tables
from surveyq.report.build import build_report

QUESTIONNAIRE = """\
id: tiny-thesis
title: {id: Survei kecil, en: Tiny survey}
kind: servqual
scales:
  s5: {points: [1, 2, 3, 4, 5]}
dimensions:
  a: {text: {id: Dimensi A, en: Dimension A}}
  b: {text: {id: Dimensi B, en: Dimension B}}
items:
  - {id: P1, role: perception, dimension: a, pair: A1, scale: s5, text: {id: t, en: t}, column: P1}
  - {id: P2, role: perception, dimension: a, pair: A2, scale: s5, text: {id: t, en: t}, column: P2}
  - {id: P3, role: perception, dimension: a, pair: A3, scale: s5, text: {id: t, en: t}, column: P3}
  - {id: P4, role: perception, dimension: b, pair: A4, scale: s5, text: {id: t, en: t}, column: P4}
  - {id: P5, role: perception, dimension: b, pair: A5, scale: s5, text: {id: t, en: t}, column: P5}
  - {id: P6, role: perception, dimension: b, pair: A6, scale: s5, text: {id: t, en: t}, column: P6}
  - {id: E1, role: expectation, dimension: a, pair: A1, scale: s5, text: {id: t, en: t}, column: E1}
  - {id: E2, role: expectation, dimension: a, pair: A2, scale: s5, text: {id: t, en: t}, column: E2}
  - {id: E3, role: expectation, dimension: a, pair: A3, scale: s5, text: {id: t, en: t}, column: E3}
  - {id: K1, role: satisfaction, scale: s5, text: {id: t, en: t}, column: K1}
  - {id: K2, role: satisfaction, scale: s5, text: {id: t, en: t}, column: K2}
  - {id: K3, role: satisfaction, scale: s5, text: {id: t, en: t}, column: K3}
fields:
  - {id: gender, kind: gender, text: {id: Jenis kelamin, en: Gender}, column: gender}
"""

# Ten respondents; row 5 (file row 6) skipped P2, so it has no score on A.
ROWS = """\
P1,P2,P3,P4,P5,P6,E1,E2,E3,K1,K2,K3,gender
4,4,5,3,3,4,5,5,5,4,4,5,L
3,3,3,2,3,2,4,4,4,3,3,3,P
5,4,5,4,5,5,5,5,4,5,5,5,L
2,3,2,3,2,3,3,4,3,2,3,2,P
4,,4,4,4,5,4,5,5,4,4,4,L
3,4,3,3,4,3,4,4,4,3,4,3,P
5,5,4,5,4,4,5,5,5,5,4,5,L
2,2,3,2,2,3,3,3,4,2,2,3,P
4,5,4,4,5,4,5,5,5,4,5,4,L
3,3,2,3,3,3,4,3,3,3,3,2,P
"""

VARIABLES = """\
    variables:
      A: {role: perception, dimension: a, label: {id: Variabel A, en: Variable A}}
      B: {role: perception, dimension: b, score: sum}
      G: {role: perception, dimension: a, gap: true}
      Y: {items: [K1, K2, K3]}
"""


def write_project(folder: Path, extra: str = VARIABLES, analyses: str | None = None) -> Path:
    (folder / "q.yaml").write_text(QUESTIONNAIRE, encoding="utf-8")
    (folder / "data.csv").write_text(ROWS, encoding="utf-8")
    analyses = analyses or ("[descriptives, normality, construct_validity, omega, regression, "
                            "group_differences]")
    text = textwrap.dedent(f"""\
        organisation: Contoh
        surveys:
          tiny:
            questionnaire: q.yaml
            responses: data.csv
            analyses: {analyses}
        """) + extra + "    regression: {y: Y, x: [A, B]}\n"
    path = folder / "project.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return run_project(write_project(tmp_path_factory.mktemp("thesis")))


def analysis(run, name):
    return run.results["surveys"]["tiny"]["analyses"][name]


def by_variable(records):
    return {r["variable"]: r for r in records}


def test_scores_by_hand(run):
    variables = by_variable(analysis(run, "descriptives")["variables"])
    # A = mean of P1..P3 per respondent, row 5 left out (P2 missing); the item sums of the
    # other nine are 13, 9, 14, 7, 10, 14, 7, 13, 8 (total 95), so the mean is 95 / 27.
    a = [13, 9, 14, 7, 10, 14, 7, 13, 8]
    assert variables["A"]["n"] == 9 and variables["A"]["missing"] == 1
    assert variables["A"]["mean"] == pytest.approx(sum(a) / 3 / 9)
    assert variables["A"]["notes"][0].startswith("1 respondent(s)")
    # B = P4 + P5 + P6: 10, 7, 14, 8, 13, 10, 13, 7, 13, 9 -> mean 10.4, on a 3..15 range.
    assert variables["B"]["mean"] == pytest.approx(10.4)
    assert (variables["B"]["scale_min"], variables["B"]["scale_max"]) == (3, 15)
    assert variables["B"]["width"] == pytest.approx(12 / 5)
    # G = mean(P1..P3) - mean(E1..E3) over the same nine rows; E sums 15, 12, 14, 10, 12, 15,
    # 10, 15, 10 (total 113), so the mean gap is (95 - 113) / 27 = -2/3.
    assert variables["G"]["mean"] == pytest.approx(-2 / 3)
    assert "class" not in variables["G"] and variables["G"]["score"] == "gap"
    # Y: K sums 13, 9, 15, 7, 12, 10, 14, 7, 13, 8 = 108, mean 3.6, class 4 of
    # (1.8, 2.6, 3.4, 4.2, 5.0]: Tinggi / High.
    assert variables["Y"]["mean"] == pytest.approx(3.6)
    assert (variables["Y"]["label_id"], variables["Y"]["label_en"]) == ("Tinggi", "High")


def test_regression_uses_the_scores(run):
    result = analysis(run, "regression")
    assert result["summary"]["n"] == 9  # the respondent without A is left out
    assert [row["term"] for row in result["coefficients"]] == ["const", "A", "B"]
    assert result["score"] == {"Y": "mean", "A": "mean", "B": "sum"}


def test_group_differences_default_to_every_variable_by_gender(run):
    comparisons = analysis(run, "group_differences")["comparisons"]
    assert [(c["variable"], c["by"]) for c in comparisons] == [
        ("A", "gender"), ("B", "gender"), ("G", "gender"), ("Y", "gender")]
    y = comparisons[-1]
    # Y by gender, K1 + K2 + K3 of the L rows (1, 3, 5, 7, 9) and the P rows (2, 4, 6, 8, 10):
    means = {g["group"]: g["mean"] for g in y["groups"]}
    assert means["L"] == pytest.approx((13 + 15 + 12 + 14 + 13) / 15)
    assert means["P"] == pytest.approx((9 + 7 + 10 + 7 + 8) / 15)
    assert y["t_test"]["df"] == 8


def test_item_analyses_say_why_not(run):
    records = by_variable(analysis(run, "omega")["variables"])
    assert "gap variable" in records["G"]["error"]
    assert records["A"]["k"] == 3 and np.isfinite(records["A"]["omega_total"])


def test_report_and_appendix_state_the_scores(run):
    for lang, word in (("id", "jumlah butir"), ("en", "sum of the items")):
        model = build_report(run.results, lang, strict=True)
        section = next(s for s in model["sections"] if s["id"] == "thesis")
        notes = " ".join(b.get("note", "") for b in section["blocks"] if b["kind"] == "table")
        assert word in notes
        names = {t.name for t in build_tables(run.results, None, lang)}
        assert {"thesis_descriptives", "thesis_coefficients", "thesis_group_tests"} <= names


@pytest.mark.parametrize(("extra", "message"), [
    ("    variables:\n      A: {role: perception, dimension: zz}\n",
     "surveys.tiny.variables.A.dimension: unknown dimension 'zz'"),
    ("    variables:\n      A: {items: [P1, Q9]}\n",
     "surveys.tiny.variables.A.items: unknown item(s) Q9"),
    ("    variables:\n      A: {role: perception, dimension: b, gap: true}\n",
     "surveys.tiny.variables.A.gap"),
    ("    variables:\n      A: {label: {id: a, en: a}}\n",
     "surveys.tiny.variables.A: name its items"),
])
def test_bad_variables_are_one_line_naming_the_key(tmp_path, extra, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_project(write_project(tmp_path, extra))


def test_regression_names_must_be_variables(tmp_path):
    with pytest.raises(InputError, match=r"surveys\.tiny\.regression\.y: unknown variable 'Y'"):
        load_project(write_project(tmp_path, "    variables:\n      A: {items: [P1, P2]}\n"))


def test_construct_validity_also_factors_the_predictors_together(run):
    records = by_variable(analysis(run, "construct_validity")["variables"])
    joint = records["A+B"]
    assert joint["joint"] and joint["k"] == 6 and joint["n"] == 9
    assert {row["item"]: row["variable"] for row in joint["loadings"]} == {
        "P1": "A", "P2": "A", "P3": "A", "P4": "B", "P5": "B", "P6": "B"}
