"""Group AHP (aggregation of individual judgments) against a published worked example.

The example is the one of the R package ahpsurvey (Cho, version 0.4.1, CRAN): its data set
``city200``, 200 decision-makers comparing five criteria for choosing a city to live in
(Saaty's 2004 example), and its vignette "Analytic Hierarchy Process for Survey Data in R",
which prints

* the group matrix of ``ahp.aggjudge(aggmethod = "geometric")``, to three decimals
  (section "Aggregated individual judgements"), and
* that 70 of the 200 decision-makers have a consistency ratio above 0.1 and 130 do not
  (section "Measuring consistency"; ahpsurvey's random index for n = 5 is 1.1081014).

tests/reference/make_group_ahp_reference.R ran the package's own R code on ``city200`` and
wrote every rater's and the group's eigenvector weights, lambda_max and CI (base R
``eigen()``) and ahpsurvey's per-rater CR to tests/reference/expected_group_ahp.csv; the
data are in tests/reference/input_ahpsurvey_city200.csv, as ahpsurvey ships them.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from surveyq.cli import app
from surveyq.messages import translate
from surveyq.strategy import group_ahp

REFERENCE = Path(__file__).parent / "reference"
ATTS = ["cult", "fam", "house", "jobs", "trans"]
AHPSURVEY_RI_5 = 1.1081014  # ahp.cr's random index for five attributes

# The vignette's printed ahp.aggjudge(aggmethod = "geometric") matrix for city200
VIGNETTE_GROUP_MATRIX = [
    [1.000, 0.220, 3.093, 0.488, 4.64],
    [4.541, 1.000, 6.461, 1.704, 6.15],
    [0.323, 0.155, 1.000, 0.249, 2.93],
    [2.048, 0.587, 4.019, 1.000, 7.04],
    [0.216, 0.163, 0.342, 0.142, 1.00],
]
VIGNETTE_TOLERANCE = [[5e-4] * 4 + [5e-3]] * 5  # the last column is printed to two decimals


def _survey_to_fraction(value: int) -> str:
    """ahpsurvey's survey coding of column A_B (ahp.mat with negconvert = TRUE): -k means
    A is k times as important as B (a_AB = k); +k means B is k times as important
    (a_AB = 1/k); 1 is equal importance."""
    return str(-value) if value < 0 else ("1" if value == 1 else f"1/{value}")


def _matrices_as_typed() -> dict[str, list[list[str]]]:
    """Each decision-maker's full matrix as a user would type it in the project file."""
    survey = pd.read_csv(REFERENCE / "input_ahpsurvey_city200.csv")
    out = {}
    for number, row in enumerate(survey.itertuples(index=False), start=1):
        cells = [["1"] * len(ATTS) for _ in ATTS]
        for (i, a), (j, b) in ((x, y) for x in enumerate(ATTS) for y in enumerate(ATTS)
                               if x[0] < y[0]):
            upper = _survey_to_fraction(int(getattr(row, f"{a}_{b}")))
            cells[i][j] = upper
            cells[j][i] = upper[2:] if upper.startswith("1/") else (
                "1" if upper == "1" else f"1/{upper}")
        out[str(number)] = cells
    return out


def _number(text: str) -> float:
    top, _, bottom = text.partition("/")
    return float(top) / float(bottom or 1)


@pytest.fixture(scope="module")
def expected() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "expected_group_ahp.csv", keep_default_na=False,
                       dtype={"rater": str})


@pytest.fixture(scope="module")
def typed() -> dict[str, list[list[str]]]:
    return _matrices_as_typed()


def _r(expected: pd.DataFrame, quantity: str, rater: str) -> pd.Series:
    rows = expected[(expected["quantity"] == quantity) & (expected["rater"] == rater)]
    return pd.Series(rows["value"].to_numpy(dtype=float), index=rows["row"].to_numpy())


def _r_matrix(expected: pd.DataFrame, rater: str) -> np.ndarray:
    rows = expected[(expected["quantity"] == "matrix") & (expected["rater"] == rater)]
    return rows["value"].to_numpy(dtype=float).reshape(len(ATTS), len(ATTS))


def test_the_survey_coding_gives_ahpsurvey_s_matrices(expected, typed):
    # ahp.mat's matrices of the first three decision-makers (the vignette prints them too)
    for rater in ("1", "2", "3"):
        ours = np.array([[_number(c) for c in row] for row in typed[rater]])
        assert ours == pytest.approx(_r_matrix(expected, rater), rel=1e-15)


def test_group_ahp_reproduces_the_ahpsurvey_vignette(expected, typed):
    matrices = {name: [[_number(c) for c in row] for row in cells]
                for name, cells in typed.items()}
    res = group_ahp(matrices, items=ATTS, random_index={5: AHPSURVEY_RI_5})
    # the printed group matrix (three decimals) and R's at full precision
    assert np.abs(res.matrix.to_numpy() - np.array(VIGNETTE_GROUP_MATRIX)).max() < 5e-3
    assert (np.abs(res.matrix.to_numpy() - np.array(VIGNETTE_GROUP_MATRIX))
            <= np.array(VIGNETTE_TOLERANCE)).all()
    assert res.matrix.to_numpy() == pytest.approx(_r_matrix(expected, "group"), rel=1e-12)
    # group weights: the principal eigenvector of the group matrix (R's eigen())
    assert res.weights.to_dict() == pytest.approx(_r(expected, "weight", "group").to_dict(),
                                                  abs=1e-12)
    assert res.group.lambda_max == pytest.approx(
        _r(expected, "lambda_max", "group").iloc[0], abs=1e-12)
    # every decision-maker's own weights and consistency ratio
    for name, own in res.raters.items():
        assert own.weights.to_dict() == pytest.approx(
            _r(expected, "weight", name).to_dict(), abs=1e-10), name
        assert own.cr == pytest.approx(_r(expected, "cr_ahpsurvey", name).iloc[0],
                                       abs=1e-10), name
    # the vignette: table(cr <= 0.1) -> FALSE 70, TRUE 130
    assert sum(not own.consistent for own in res.raters.values()) == 70
    assert sum(own.consistent for own in res.raters.values()) == 130
    assert len([n for n in res.notes if n.startswith("rater")]) == 70
    # the notes are messages: the same sentence in Indonesian for an Indonesian document
    assert {n.code for n in res.notes} == {"strategy.ahp_rater_inconsistent"}
    assert translate(res.notes[0], "id").startswith("penilai ")


def test_group_ahp_through_surveyq_run(tmp_path, expected, typed):
    """The same 200 matrices typed into a project's strategy section and run."""
    city, out = _run_city(tmp_path, typed, title={"id": "Kriteria memilih kota",
                                                  "en": "Criteria for choosing a city"})
    assert city["method"] == "aij-geometric-mean"
    assert (np.abs(np.array(city["matrix"]) - np.array(VIGNETTE_GROUP_MATRIX))
            <= np.array(VIGNETTE_TOLERANCE)).all()
    assert city["group"]["weights"] == pytest.approx(
        _r(expected, "weight", "group").to_dict(), abs=1e-12)
    # A project uses Saaty's random index (1.12 for n = 5), so each CR is R's
    # CI = (lambda_max - 5) / 4 divided by 1.12; 67 decision-makers are then above 0.10
    # (ahpsurvey's smaller RI, 1.1081, flags 70).
    for rater in city["raters"]:
        ci = _r(expected, "ci", rater["name"]).iloc[0]
        assert rater["ci"] == pytest.approx(ci, abs=1e-10)
        assert rater["cr"] == pytest.approx(ci / 1.12, abs=1e-10)
        assert rater["weights"] == pytest.approx(
            _r(expected, "weight", rater["name"]).to_dict(), abs=1e-10)
    assert sum(not r["consistent"] for r in city["raters"]) == 67
    assert city["group"]["ri"] == 1.12
    # 200 raters do not become 200 columns: the report shows the spread of their weights,
    # the appendix a row per rater
    assert city["panel"]["raters"] == 200 and len(city["panel"]["inconsistent"]) == 67
    weights = {r["name"]: r["weights"]["fam"] for r in city["raters"]}
    assert city["panel"]["highest"]["fam"] == max(weights.values())
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "200 raters, 67 of them with CR above 0.10" in html
    assert "Highest rater weight" in html
    sheets = pd.read_excel(out / "appendix.xlsx", sheet_name=None, header=None,
                           engine="openpyxl")
    ahp = next(frame for name, frame in sheets.items() if name.endswith("Paired Comparisons"))
    header = ahp.index[ahp[0] == "Rater"][0]
    assert ahp.iloc[header].tolist()[:7] == ["Rater", *ATTS, "CR"]
    assert ahp.iloc[header + 1: header + 201, 0].astype(str).tolist() == [
        str(k) for k in range(1, 201)]


def test_a_comparison_may_name_the_random_index_it_follows(tmp_path, typed):
    """With ahpsurvey's RI for five items the project flags the vignette's 70 raters
    (``table(cr <= 0.1)``: FALSE 70, TRUE 130) instead of the 67 of Saaty's 1.12."""
    city, _ = _run_city(tmp_path, typed, random_index={5: AHPSURVEY_RI_5})
    assert city["group"]["ri"] == AHPSURVEY_RI_5
    assert sum(not r["consistent"] for r in city["raters"]) == 70


def _run_city(tmp_path, typed, **comparison):
    """``surveyq run`` of a project comparing the five criteria by the 200 typed matrices;
    the comparison's results and the output folder."""
    project = {
        "organisation": {"id": "Contoh ahpsurvey", "en": "ahpsurvey example"},
        "period": "2018", "language": "en",
        "strategy": {"comparisons": {"city": {
            **comparison, "items": ATTS,
            "raters": [{"name": name, "matrix": cells} for name, cells in typed.items()],
        }}},
    }
    path = tmp_path / "project.yaml"
    path.write_text(yaml.safe_dump(project, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    city = json.loads((out / "results.json").read_text(encoding="utf-8"))[
        "strategy"]["comparisons"]["city"]
    return city, out
