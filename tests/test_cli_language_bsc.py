"""A bad scorecard, actuals file, finance or strategy section is one Indonesian error line.

Each case writes a small project whose scorecard, actuals, finance or strategy input is wrong
in one way a user could get it wrong, and runs ``surveyq run --lang id``: exit 2, exactly one
``Kesalahan:`` line, none of the English message's own words (listed by hand per case), the
key words of the Indonesian text, and no English sentence by the detector of
tests/test_language.py. The same project under ``--lang en`` gives the English words, so the
English text is still there for the library and the tests that match it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from test_cli_language import _prose
from test_hostile_battery import ROWS, csv_text, invoke, questionnaire
from test_language import english_sentences

from surveyq.messages import catalogue

CARD = {
    "title": {"id": "Kartu uji", "en": "Test card"},
    "perspectives": [{"id": "customer", "name": {"id": "Pelanggan", "en": "Customer"},
                      "weight": 1}],
    "indicators": [{"id": "C1", "name": {"id": "Indeks", "en": "Index"},
                    "perspective": "customer", "target": 80, "polarity": "max"}],
}
ACTUALS = "indicator,period,realisation\nC1,2025,88\n"
#: A valid finance section (Nugrahini et al.'s productivity inputs, two years).
FINANCE = {"productivity": {"output": {2010: 4062, 2011: 4089},
                            "employees": {2010: 57, 2011: 56}}}
#: A valid strategy section: one comparison of two perspectives by one rater.
COMPARISON = {"items": ["customer", "internal"],
              "raters": [{"name": "A", "matrix": [[1, 3], ["1/3", 1]]}]}


def _write(folder: Path, top: dict, card: dict | None = None, actuals: str | None = None,
           survey: bool = False) -> Path:
    doc: dict = {"organisation": "Kantor Uji", "period": "2025", **top}
    if card is not None:
        (folder / "scorecard.yaml").write_text(yaml.safe_dump(card, allow_unicode=True),
                                               encoding="utf-8")
        doc["scorecard"] = "scorecard.yaml"
    if actuals is not None:
        (folder / "actuals.csv").write_text(actuals, encoding="utf-8")
        doc["actuals"] = "actuals.csv"
    if survey:
        (folder / "q.yaml").write_text(yaml.safe_dump(questionnaire()), encoding="utf-8")
        (folder / "data.csv").write_text(csv_text(ROWS), encoding="utf-8")
        doc["surveys"] = {"skm": {"questionnaire": "q.yaml", "responses": "data.csv",
                                  "analyses": ["ikm"]}}
    path = folder / "project.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def _survey_card() -> dict:
    indicator = {**CARD["indicators"][0],
                 "source": {"survey": "skm", "value": "analyses.ikm.summary.no_such_value"}}
    return {**CARD, "indicators": [indicator]}


@dataclass(frozen=True)
class Case:
    """A broken project and what its error line must and must not say."""

    build: Callable[[Path], Path]
    indonesian: tuple[str, ...]  # key words of the Indonesian line
    english: tuple[str, ...]  # the English message's own words: in the en line, not in id


CASES = {
    "actuals-period-absent": Case(  # the trend asks for a period the actuals do not hold
        lambda f: _write(f, {}, {**CARD, "trend": {"by": "period", "periods": ["2010"]}},
                         ACTUALS),
        ("trend.periods ['2010'] tidak ada di antara periode tren dalam berkas realisasi",
         "['2025']"),
        ("are not among the trend periods", "of the actuals")),
    "actuals-columns-missing": Case(
        lambda f: _write(f, {}, CARD, "kode,tahun,nilai\nC1,2025,88\n"),
        ("berkas realisasi memerlukan kolom", "tidak ditemukan di antara kolom", "actuals.csv"),
        ("the actuals need columns", "not found among", "optionally target")),
    "actuals-cell-not-a-number": Case(
        lambda f: _write(f, {}, CARD, "indicator,period,realisation\nC1,2025,banyak\n"),
        ("baris 2, kolom realisation", "bukan angka", "82,5"),
        ("is not a number", "write it as 82.5")),
    "iku-survey-path-absent": Case(
        lambda f: _write(f, {}, _survey_card(), survey=True),
        ("IKU C1: survei 'skm' tidak memiliki nilai pada jalur", "no_such_value",
         "tidak memiliki 'no_such_value'", "kunci yang ada"),
        ("has no value at path", "its keys are")),
    "finance-growth-from-zero": Case(
        lambda f: _write(f, {"finance": {"growth": {"levy": {
            "name": {"id": "Retribusi", "en": "Levy"}, "values": {2020: 0, 2021: 5}}}}}),
        ("finance.growth.levy", "pertumbuhan dari nilai 0 tidak terdefinisi", "periode"),
        ("growth from a value of 0 is undefined", "drop those periods")),
    "finance-section-empty": Case(
        lambda f: _write(f, {"finance": {"title": {"id": "Keuangan", "en": "Finance"}}}),
        ("finance", "isi sedikitnya salah satu dari value_for_money, growth, productivity"),
        ("give at least one of",)),
    "finance-year-not-a-number": Case(
        lambda f: _write(f, {"finance": {"productivity": {
            **FINANCE["productivity"], "employees": {2010: 57, 2011: "lima puluh"}}}}),
        ("employees untuk 2011", "bukan angka"),
        ("is not a number",)),
    "strategy-matrix-not-reciprocal": Case(
        lambda f: _write(f, {"strategy": {"comparisons": {"bobot": {
            **COMPARISON, "raters": [{"name": "A", "matrix": [[1, 3], [3, 1]]}]}}}}),
        ("strategy.comparisons.bobot", "penilai 'A'", "matriks tidak resiprokal",
         "hasil kali keduanya harus 1"),
        ("is not reciprocal", "but its mirror is", "their product must be 1")),
    "strategy-factor-wrong-side": Case(
        lambda f: _write(f, {"strategy": {"external": [
            {"id": "S1", "kind": "strength", "weight": 1, "rating": 3,
             "name": {"id": "Layanan daring", "en": "Online service"}}]}}),
        ("faktor eksternal S1 berjenis strength", "faktor internal berupa kekuatan"),
        ("is a strength", "internal factors are strengths or weaknesses")),
}


def _error_line(case, tmp_path, lang: str) -> str:
    """``surveyq run`` of the case's project in ``lang``: exit 2 and its one output line."""
    project = case.build(tmp_path)
    code, output = invoke(["run", str(project), "--out", str(tmp_path / "out"), "--lang", lang])
    assert code == 2, output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in output, output
    return lines[0]


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_bsc_input_is_one_indonesian_line(tmp_path, name):
    case = CASES[name]
    line = _error_line(case, tmp_path, "id").replace(str(tmp_path), "<folder>")
    assert line.startswith("Kesalahan: "), line
    assert line.count("Kesalahan:") == 1, line
    for words in case.indonesian:
        assert words in line, (words, line)
    for words in case.english:
        assert words not in line, (words, line)
    assert english_sentences([_prose(line)]) == [], line


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_same_input_in_english_keeps_its_english_line(tmp_path, name):
    case = CASES[name]
    line = _error_line(case, tmp_path, "en")
    assert line.startswith("Error: "), line
    for words in case.english:
        assert words in line, (words, line)


#: Codes the code picks at run time (``msg(code)`` with ``code`` chosen by a condition, or a
#: code written on the line after ``msg(``), which the literal-code test of
#: tests/test_language.py cannot see.
CHOSEN_CODES = [
    "strategy.factor_side_internal", "strategy.factor_side_external",
    "finance.must_be_positive", "finance.must_be_non_negative",
    "factor.n_rule_listwise", "factor.n_rule_pairwise",
    "scorecard.objective_other_perspective", "scorecard.score_table_scale_max",
    "scorecard.weights_from_key", "scorecard.perspectives_unweighted",
    "descriptives.label_set_unknown_option",
]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_codes_chosen_at_run_time_are_catalogued(lang):
    assert [code for code in CHOSEN_CODES if code not in catalogue(lang)] == []
