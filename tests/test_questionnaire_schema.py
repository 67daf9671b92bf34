"""The questionnaire schema: label matching and the errors a mistaken YAML file gets."""

from __future__ import annotations

import pytest

from surveyq.errors import InputError
from surveyq.questionnaire import Scale, load_questionnaire, normalise_label, parse_questionnaire

LIKERT5 = {
    "points": [1, 2, 3, 4, 5],
    "labels": {
        "id": ["Sangat tidak setuju", "Tidak setuju", "Netral", "Setuju", "Sangat setuju"],
        "en": ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"],
    },
    "aliases": {1: ["STS"], 2: ["TS"], 3: ["N", "RR", "KS"], 4: ["S"], 5: ["SS"]},
    "missing": ["Tidak tahu"],
}


def minimal(**changes):
    doc = {
        "id": "mini",
        "title": {"id": "Mini", "en": "Mini"},
        "scales": {"likert5-id": LIKERT5},
        "items": [
            {
                "id": "Q1",
                "text": {"id": "Satu", "en": "One"},
                "scale": "likert5-id",
                "column": "Q1",
            },
            {"id": "Q2", "text": {"id": "Dua", "en": "Two"}, "scale": "likert5-id", "column": "Q2"},
        ],
    }
    doc.update(changes)
    return doc


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        ("Sangat Setuju", 5),
        ("  sangat   setuju ", 5),
        ("SS", 5),
        ("ss", 5),
        ("Strongly agree", 5),
        ("RR", 3),
        ("KS", 3),
        ("N", 3),
        ("Tidak setuju", 2),
        ("STS", 1),
        ("4 (Setuju)", 4),
        ("2. Tidak setuju", 2),
        ("Setju", None),
        ("Sangat setuju sekali", None),
        ("9 (x)", None),
    ],
)
def test_scale_reads_labels_aliases_and_leading_codes(answer, code):
    assert Scale.model_validate(LIKERT5).code_for(answer) == code


def test_declared_missing_is_recognised_whatever_the_case():
    assert Scale.model_validate(LIKERT5).is_declared_missing("tidak TAHU")


def test_normalise_label_ignores_case_spacing_and_punctuation():
    assert normalise_label("Kurang-Sesuai.") == normalise_label(" kurang sesuai ")


def test_unknown_scale_names_the_key_path_and_the_fix():
    doc = minimal()
    doc["items"][1]["scale"] = "likert7"
    with pytest.raises(InputError) as info:
        parse_questionnaire(doc, "q.yaml")
    message = str(info.value)
    assert message.startswith("q.yaml: ")
    assert "items[1] (id Q2).scale" in message
    assert "unknown scale 'likert7'" in message and "likert5-id" in message


def test_duplicate_item_id_is_rejected():
    doc = minimal()
    doc["items"][1]["id"] = "Q1"
    with pytest.raises(InputError, match=r"items\[1\] \(id Q1\)\.id: duplicate item id 'Q1'"):
        parse_questionnaire(doc, "q.yaml")


def test_item_without_column_is_rejected():
    doc = minimal()
    del doc["items"][0]["column"]
    with pytest.raises(
        InputError, match=r"items\[0\] \(id Q1\): item has no column: add `column:`"
    ):
        parse_questionnaire(doc, "q.yaml")


def test_every_problem_is_reported_at_once():
    doc = minimal()
    doc["items"][0]["scale"] = "nope"
    doc["items"][1]["id"] = "Q1"
    with pytest.raises(InputError) as info:
        parse_questionnaire(doc, "q.yaml")
    assert "unknown scale 'nope'" in str(info.value) and "duplicate item id" in str(info.value)


def test_schema_errors_name_the_key_path():
    doc = minimal()
    doc["scales"]["likert5-id"] = {**LIKERT5, "labels": {"id": ["a", "b"]}}
    with pytest.raises(
        InputError, match=r"scales\.likert5-id: .*labels\.id has 2 labels for 5 points"
    ):
        parse_questionnaire(doc, "q.yaml")


def test_unknown_key_is_rejected_with_its_path():
    doc = minimal()
    doc["items"][0]["revers"] = True
    # Issue 14: the message says what to write instead of pydantic's "Extra inputs ...".
    with pytest.raises(
        InputError, match=r"items\[0\] \(id Q1\)\.revers: unknown key; did you mean `reverse`"
    ):
        parse_questionnaire(doc, "q.yaml")


def test_broken_yaml_names_line_and_column(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("id: x\nitems: [\n  - a: b\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"broken\.yaml, line \d+, column \d+: not valid YAML"):
        load_questionnaire(path)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        load_questionnaire(tmp_path / "absent.yaml")
