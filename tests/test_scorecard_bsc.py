"""Scorecard over several periods, score tables, weights from paired comparisons, the IKU
manual lint, and the panel (group) AHP. Expected values are worked by hand in the comments.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from surveyq.bsc import evaluate_strategy
from surveyq.bsc_spec import StrategySpec
from surveyq.errors import InputError
from surveyq.scorecard import parse_scorecard
from surveyq.strategy import ahp_weights, group_ahp


def text(value: str) -> dict:
    return {"id": value, "en": value}


def card(**extra) -> dict:
    base = {
        "title": text("Contoh"),
        "perspectives": [{"id": "a", "name": text("A"), "weight": 60},
                         {"id": "b", "name": text("B"), "weight": 40}],
        "objectives": [{"id": "O1", "perspective": "a", "name": text("O1")},
                       {"id": "O2", "perspective": "b", "name": text("O2"),
                        "supports": ["O1"]}],
        "indicators": [
            {"id": "x", "name": text("x"), "objective": "O1", "target": 100, "polarity": "max",
             "consolidation": "sum"},
            {"id": "y", "name": text("y"), "objective": "O2", "target": 10, "polarity": "min",
             "consolidation": "average"}],
    }
    base.update(extra)
    return base


def actuals(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["indicator", "period", "realisation"])


# --------------------------------------------------------------------------- trend


TREND_ROWS = [("x", "2024", 90), ("y", "2024", 12),
              ("x", "2025-Q1", 50), ("x", "2025-Q2", 60), ("y", "2025-Q1", 8),
              ("y", "2025-Q2", 10)]


def test_trend_by_year_consolidates_within_each_year():
    res = parse_scorecard(card(trend={"by": "year", "note": text("illustrative")})).evaluate(
        actuals(TREND_ROWS))
    rows = {r["period"]: r for r in res.trend["rows"]}
    assert list(rows) == ["2024", "2025"]
    # 2024: x 90/100 -> 90; y min: (1 + (1 - 12/10)) x 100 = 80; NKO 0.6 x 90 + 0.4 x 80 = 86
    assert rows["2024"]["score"] == pytest.approx(86.0)
    assert rows["2024"]["perspective:b"] == pytest.approx(80.0)
    # 2025: x sum 110 -> 110; y average 9 -> 110; NKO 110 (only 2025's quarters)
    assert rows["2025"]["score"] == pytest.approx(110.0)
    assert rows["2025"]["periods"] == ["2025-Q1", "2025-Q2"]
    # the headline is the latest trend period, not 2024 and 2025 added together
    assert res.score == pytest.approx(110.0) and res.period == "2025"
    assert res.trend["note"] == text("illustrative")


def test_trend_to_date_and_by_period():
    rows = actuals(TREND_ROWS)
    to_date = parse_scorecard(card(trend={"by": "to-date"})).evaluate(rows).trend["rows"]
    # 2025-Q1 alone: x 50 -> 50, y 8 -> 120; 0.6 x 50 + 0.4 x 120 = 78
    assert [r["period"] for r in to_date] == ["2024", "2025-Q1", "2025-Q2"]
    assert to_date[1]["score"] == pytest.approx(78.0)
    assert to_date[2]["score"] == pytest.approx(110.0)  # Q1+Q2 to date, as by year
    by_period = parse_scorecard(card(trend={"by": "period"})).evaluate(rows).trend["rows"]
    # 2025-Q2 alone: x 60 -> 60; y 10 -> 100; 0.6 x 60 + 0.4 x 100 = 76
    assert by_period[-1]["score"] == pytest.approx(76.0)


def test_trend_period_without_data_is_reported_not_scored():
    # 2023 has a row only for a code no IKU uses: that year cannot be scored, the others are
    rows = actuals([("z", "2023", 1), *TREND_ROWS])
    res = parse_scorecard(card(trend={"by": "year"})).evaluate(rows)
    first = res.trend["rows"][0]
    assert (first["period"], first["score"], first["label"]) == ("2023", None, None)
    assert "no IKU has a realisation" in res.trend["notes"]["2023"][0]
    assert res.trend["rows"][1]["score"] == pytest.approx(86.0)


def test_trend_periods_must_exist():
    with pytest.raises(InputError, match="2023"):
        parse_scorecard(card(trend={"periods": ["2023"]})).evaluate(actuals(TREND_ROWS))


# --------------------------------------------------------------------------- score tables


def scored(**extra) -> dict:
    table = {"scale_max": 3, "source": "hand-made test thresholds",
             "rules": [{"min": 100, "score": 3}, {"min": 80, "score": 2}, {"score": 1}]}
    return card(scheme="weighted-score", scale_max=3, score_tables={"three": table},
                score_table="three", **extra)


def test_score_table_turns_achievement_into_a_score():
    res = parse_scorecard(scored()).evaluate(actuals([("x", "2025", 85), ("y", "2025", 13)]))
    rows = res.to_frame().set_index("id")
    # x: 85 / 100 -> 85% -> score 2 (>= 80); y min: (1 + (1 - 13/10)) x 100 = 70% -> score 1
    assert rows.loc["x", "achievement"] == pytest.approx(85.0)
    assert (rows.loc["x", "score"], rows.loc["y", "score"]) == (2, 1)
    # 0.6 x 2/3 + 0.4 x 1/3 = 0.5333
    assert res.score == pytest.approx(0.6 * 2 / 3 + 0.4 / 3)


def test_score_table_errors():
    with pytest.raises(InputError, match="unknown score table"):
        parse_scorecard(scored(indicators=[{**card()["indicators"][0], "score_table": "nine"},
                                           card()["indicators"][1]]))
    bad = {"scale_max": 3, "rules": [{"min": 80, "score": 2}, {"min": 100, "score": 3},
                                     {"score": 1}]}
    with pytest.raises(InputError, match="highest"):
        parse_scorecard(card(scheme="weighted-score", score_tables={"t": bad}))


def test_score_table_beside_the_nko_is_shown_not_scored():
    table = {"scale_max": 5, "source": "hand-made test thresholds",
             "rules": [{"min": 110, "score": 5}, {"min": 100, "score": 4}, {"min": 90, "score": 3},
                       {"min": 80, "score": 2}, {"score": 1}]}
    rows = actuals([("x", "2025", 95), ("y", "2025", 9)])
    with_table = parse_scorecard(card(score_tables={"five": table}, score_table="five"))
    res = with_table.evaluate(rows)
    frame = res.to_frame().set_index("id")
    # x: 95% -> 3; y min: (1 + (1 - 9/10)) x 100 = 110% -> 5; the NKO is the ICI's
    assert (frame.loc["x", "score"], frame.loc["y", "score"]) == (3, 5)
    assert res.score == pytest.approx(parse_scorecard(card()).evaluate(rows).score)
    assert res.score == pytest.approx(0.6 * 95 + 0.4 * 110)


# --------------------------------------------------------------------------- weights_from


def strategy_results(matrix: list[list[float]]) -> dict:
    spec = StrategySpec.model_validate({"comparisons": {"persp": {
        "items": ["a", "b"], "raters": [{"name": "r1", "matrix": matrix}]}}})
    return {"strategy": evaluate_strategy(spec)}


def test_perspective_weights_from_a_comparison():
    spec = card(weights_from={"perspectives": "persp"})
    for p in spec["perspectives"]:
        del p["weight"]
    # a judged 3 times as important as b: weights 0.75 / 0.25
    project = strategy_results([[1, 3], ["1/3", 1]])
    res = parse_scorecard(spec).evaluate(actuals([("x", "2025", 100), ("y", "2025", 10)]),
                                         project=project)
    assert res.perspectives.set_index("id")["weight"].to_dict() == pytest.approx(
        {"a": 0.75, "b": 0.25})
    assert res.weights_from == {"perspectives": "persp"}
    with pytest.raises(InputError, match="no comparison 'persp'"):
        parse_scorecard(spec).evaluate(actuals([("x", "2025", 100)]), project={})
    missing = card()
    del missing["perspectives"][0]["weight"]
    with pytest.raises(InputError, match="have no weight"):
        parse_scorecard(missing)


# --------------------------------------------------------------------------- IKU manual lint


def test_iku_manual_lint_names_each_gap():
    indicators = [{**card()["indicators"][0], "formula": "realisasi / target x 100",
                   "data_source": "SIMKEU", "unit": "%", "responsible": "Kasubbag Umum",
                   "reporting_period": "quarterly", "description": text("Penerimaan")},
                  card()["indicators"][1]]
    res = parse_scorecard(card(indicators=indicators)).evaluate(
        actuals([("x", "2025", 100), ("y", "2025", 10)]))
    found = res.lint[res.lint.code.str.startswith(("manual-", "smart-"))]
    assert set(found.loc[found.subject == "x", "code"]) == set()
    assert set(found.loc[found.subject == "y", "code"]) == {
        "manual-formula-missing", "manual-source-missing", "smart-specific", "smart-measurable",
        "smart-achievable", "smart-time-bound"}  # y has an objective: relevant
    definition = res.definitions[0]
    assert definition["formula"] == "realisasi / target x 100"
    assert definition["reporting_period"] == "quarterly"
    # no manual field anywhere: the manual is not linted (a scorecard without a manual)
    plain = parse_scorecard(card()).evaluate(actuals([("x", "2025", 100), ("y", "2025", 10)]))
    assert not plain.lint.code.str.startswith("smart-").any()


# --------------------------------------------------------------------------- group AHP


def test_group_ahp_published_apple_orange_example():
    # Decision Lens, "Combining group members' judgments" (blog, June 2007), after Aczél &
    # Saaty (1983): three people judge an apple 2, 3 and 4 times larger than an orange; the
    # group judgment is the geometric mean (2 x 3 x 4)^(1/3) = 24^(1/3), and its reciprocal is
    # (1/24)^(1/3) -- which the arithmetic mean fails: (1/2 + 1/3 + 1/4) / 3 = 13/36, not 1/3.
    res = group_ahp({"first": [[1, 2], [1 / 2, 1]], "second": [[1, 3], [1 / 3, 1]],
                     "third": [[1, 4], [1 / 4, 1]]}, items=["apple", "orange"])
    g = 24 ** (1 / 3)
    assert res.matrix.loc["apple", "orange"] == pytest.approx(g)  # 2.8845
    assert res.matrix.loc["orange", "apple"] == pytest.approx((1 / 24) ** (1 / 3))
    assert res.matrix.loc["orange", "apple"] != pytest.approx(13 / 36)
    # a 2 x 2 reciprocal matrix is consistent; its weights are g / (1 + g) and 1 / (1 + g)
    assert res.weights.tolist() == pytest.approx([g / (1 + g), 1 / (1 + g)])
    assert res.group.cr == 0.0


def test_group_ahp_geometric_mean_by_hand():
    # Two raters on 2 items: 3 and 5 -> group judgment sqrt(15) = 3.873; the eigenvector of a
    # 2 x 2 reciprocal matrix [[1, g], [1/g, 1]] is (g, 1) / (g + 1) = 0.7948 / 0.2052.
    res = group_ahp({"r1": [[1, 3], [1 / 3, 1]], "r2": [[1, 5], [1 / 5, 1]]}, items=["a", "b"])
    g = math.sqrt(15)
    assert res.matrix.loc["a", "b"] == pytest.approx(g)
    assert res.matrix.loc["b", "a"] == pytest.approx(1 / g)  # stays reciprocal
    assert res.weights.tolist() == pytest.approx([g / (g + 1), 1 / (g + 1)])
    # rater weights 3:1 -> 3^0.75 x 5^0.25
    weighted = group_ahp({"r1": [[1, 3], [1 / 3, 1]], "r2": [[1, 5], [1 / 5, 1]]},
                         rater_weights={"r1": 3, "r2": 1})
    assert weighted.matrix.iloc[0, 1] == pytest.approx(3 ** 0.75 * 5 ** 0.25)


def test_group_ahp_of_consistent_raters_is_the_geometric_mean_of_their_weights():
    # Each rater's matrix is consistent (a_ij = w_i / w_j), so the group matrix is consistent
    # with weights proportional to the element-wise geometric mean of the raters' weights
    # (aggregating judgments and priorities agree here; Barzilai & Golany 1994).
    w1, w2, w3 = [0.5, 0.3, 0.2], [0.2, 0.5, 0.3], [0.6, 0.3, 0.1]
    mats = {f"r{k}": [[wi / wj for wj in w] for wi in w] for k, w in enumerate((w1, w2, w3))}
    res = group_ahp(mats)
    geo = [(a * b * c) ** (1 / 3) for a, b, c in zip(w1, w2, w3, strict=True)]
    assert res.weights.tolist() == pytest.approx([g / sum(geo) for g in geo])
    assert res.group.cr == pytest.approx(0.0, abs=1e-9)
    assert all(r.cr == pytest.approx(0.0, abs=1e-9) for r in res.raters.values())


def test_group_ahp_reports_each_raters_consistency():
    cyclic = [[1, 3, "1/3"], ["1/3", 1, 3], [3, "1/3", 1]]  # a > b > c > a
    spec = StrategySpec.model_validate({"comparisons": {"c": {
        "items": ["a", "b", "c"],
        "raters": [{"name": "cyclic", "matrix": cyclic},
                   {"name": "ok", "matrix": [[1, 2, 4], [0.5, 1, 2], [0.25, 0.5, 1]]}]}}})
    out = evaluate_strategy(spec)["comparisons"]["c"]
    raters = {r["name"]: r for r in out["raters"]}
    assert raters["cyclic"]["consistent"] is False
    assert raters["cyclic"]["cr"] == pytest.approx(ahp_weights(
        [[1, 3, 1 / 3], [1 / 3, 1, 3], [3, 1 / 3, 1]]).cr)
    assert raters["ok"]["cr"] == pytest.approx(0.0, abs=1e-9)
    assert out["method"] == "aij-geometric-mean"
    assert any("cyclic" in note for note in out["notes"])


def test_strategy_section_errors():
    with pytest.raises(ValueError, match="2 x 2"):
        StrategySpec.model_validate({"comparisons": {"c": {
            "items": ["a", "b"], "raters": [{"name": "r", "matrix": [[1, 2, 3]]}]}}})
    with pytest.raises(ValueError, match="strengths or weaknesses"):
        StrategySpec.model_validate({"internal": [
            {"id": "O1", "name": text("o"), "kind": "opportunity", "weight": 1, "rating": 3}]})
    with pytest.raises(ValueError, match="judgment"):
        StrategySpec.model_validate({"comparisons": {"c": {
            "items": ["a", "b"], "raters": [{"name": "r", "matrix": [[1, "x"], [1, 1]]}]}}})


# --------------------------------------------------------------------------- a design


def test_scorecard_without_realisations_is_not_scored_and_says_why():
    res = parse_scorecard(card()).evaluate(None)
    assert res.score is None and res.predicate is None
    assert res.not_computed.code == "scorecard.not_computed"
    assert "no IKU has a realisation" in res.not_computed
    # the reason covers every IKU: no per-IKU "no realisation" notes
    assert not any(getattr(n, "code", "") == "scorecard.no_realisation" for n in res.notes)
    out = res.to_dict()
    assert out["score"] is None and out["perspectives"][0]["value"] is None
    assert len(out["definitions"]) == 2 and out["lint"]


def test_unweighted_design_loads_but_scores_only_with_weights():
    perspectives = [{"id": "a", "name": text("A")}, {"id": "b", "name": text("B")}]
    design = parse_scorecard(card(perspectives=perspectives))
    res = design.evaluate(None)
    assert res.score is None
    assert res.not_computed.code == "scorecard.not_computed_unweighted"
    # with realisations the missing weights are an error, as for any scorecard
    with pytest.raises(InputError, match=r"\['a', 'b'\] have no weight"):
        design.evaluate(actuals([("x", "2025", 90), ("y", "2025", 10)]))
    # one weight given and one missing stays an error when the file is read
    with pytest.raises(InputError, match=r"\['b'\] have no weight"):
        parse_scorecard(card(perspectives=[{"id": "a", "name": text("A"), "weight": 1},
                                           {"id": "b", "name": text("B")}]))
