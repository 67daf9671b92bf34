"""The YAML formats: generated reference pages, JSON Schema, and one-line validation errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from surveyq.cli import app
from surveyq.errors import InputError
from surveyq.formats import DOCS, PAGES, json_schema, models, reference
from surveyq.project import load_project
from surveyq.questionnaire import load_questionnaire, parse_questionnaire

runner = CliRunner()
DEMO = Path(__file__).resolve().parents[1] / "questionnaires" / "demo"


@pytest.mark.parametrize("name", list(PAGES))
def test_reference_pages_are_up_to_date(name):
    assert (DOCS / PAGES[name][0]).read_text(encoding="utf-8") == reference(name), (
        "a model changed: regenerate the pages with `python -m surveyq.formats`")


@pytest.mark.parametrize("name", list(PAGES))
def test_every_key_of_every_model_is_described(name):
    page = reference(name)
    for line in page.splitlines():
        if line.startswith("| `"):
            assert line.split(" | ")[3].strip(), (
                f"{line}: give the key a pydantic `description=` or an entry in "
                "surveyq.formats.DESCRIPTIONS")


@pytest.mark.parametrize("which", ["EXAMPLES", "MORE_EXAMPLES"])
def test_the_documented_examples_are_valid(which):
    import surveyq.formats
    from surveyq.scorecard import parse_scorecard

    examples = getattr(surveyq.formats, which)
    parse_questionnaire(yaml.safe_load(examples["questionnaire"]), "example")
    models()["project"].model_validate(yaml.safe_load(examples["project"]))
    parse_scorecard(yaml.safe_load(examples["scorecard"]), "example")


@pytest.mark.parametrize("name", list(PAGES))
def test_every_key_has_an_example(name):
    for line in reference(name).splitlines():
        if line.startswith("| `"):
            assert line.split(" | ")[4].strip(" |"), (
                f"{line}: show the key in surveyq.formats.EXAMPLES or MORE_EXAMPLES")


@pytest.mark.parametrize("name", ["questionnaire", "project", "scorecard"])
def test_schema_command_prints_json_schema(name):
    result = runner.invoke(app, ["schema", name])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.output)
    assert schema == json_schema(name) and schema["type"] == "object"
    if "Text" in schema.get("$defs", {}):
        assert {"type": "string"} in schema["$defs"]["Text"]["anyOf"]


def test_schema_accepts_the_shipped_questionnaire():
    jsonschema = pytest.importorskip("jsonschema")
    raw = yaml.safe_load(Path(load_questionnaire("skm-permenpanrb-14-2017").path or "")
                         .read_text(encoding="utf-8"))
    jsonschema.validate(raw, json_schema("questionnaire"))


def project(tmp_path: Path, survey: dict) -> Path:
    (tmp_path / "skm-2025.xlsx").write_bytes((DEMO / "skm-2025.xlsx").read_bytes())
    doc = {"organisation": "Dinas Contoh", "surveys": {"skripsi": {
        "questionnaire": "skm-permenpanrb-14-2017", "responses": "skm-2025.xlsx", **survey}}}
    path = tmp_path / "project.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def test_a_plain_text_title_is_accepted(tmp_path):
    loaded = load_project(project(tmp_path, {"title": "Survei skripsi saya"}))
    title = loaded.spec.surveys["skripsi"].title
    assert title is not None and title.id == title.en == "Survei skripsi saya"


def test_one_language_is_accepted_for_both(tmp_path):
    loaded = load_project(project(tmp_path, {"title": {"id": "Survei saya"}}))
    assert loaded.spec.surveys["skripsi"].title.en == "Survei saya"


@pytest.mark.parametrize(
    ("survey", "message"),
    [({"title": ["a", "b"]},
      'project.yaml: surveys.skripsi.title: a list was given; write title: {id: "...", '
      'en: "..."} or just the text in one language'),
     ({"analyses": "ikm"},
      "surveys.skripsi.analyses: the text 'ikm' was given; write a list, e.g. analyses: [ikm]"),
     ({"populaton": 100},
      "surveys.skripsi.populaton: unknown key; did you mean `population`?"),
     ({"population": -5},
      "surveys.skripsi.population: the number -5 was given; write a number above 0"),
     ({"analyses": ["validty"]},
      "surveys.skripsi.analyses[0]: the text 'validty' was given; use one of"),
     ({"stream": "kadang"},
      "surveys.skripsi.stream: the text 'kadang' was given; write true or false")],
)
def test_validation_errors_say_what_was_found_and_what_to_write(tmp_path, survey, message):
    with pytest.raises(InputError) as info:
        load_project(project(tmp_path, survey))
    text = str(info.value)
    assert message in text and "\n" not in text


def test_cli_prints_the_error_on_one_line_with_exit_code_2(tmp_path):
    path = project(tmp_path, {"analyses": "ikm"})
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 2
    assert "analyses: [ikm]" in result.output and "Traceback" not in result.output


def test_what_init_writes_validates_against_the_schema(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    fixture = Path(__file__).resolve().parent / "fixtures" / "gforms_id.csv"
    result = runner.invoke(app, ["init", str(fixture), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    jsonschema.validate(yaml.safe_load((tmp_path / "gforms-id.yaml").read_text("utf-8")),
                        json_schema("questionnaire"))
    jsonschema.validate(yaml.safe_load((tmp_path / "project.yaml").read_text("utf-8")),
                        json_schema("project"))
