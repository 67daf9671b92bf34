"""Write a :class:`~surveyq.infer.Proposal` as commented YAML a person can review.

Each questionnaire file opens with the decisions to confirm for its survey; each item or
field carries its own notes as comments. The files are plain YAML that
:func:`surveyq.questionnaire.load_questionnaire` and :func:`surveyq.project.load_project` read
as they are.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from surveyq.infer import Proposal, SurveyProposal
from surveyq.messages import msg, translate
from surveyq.outputs import write_atomic
from surveyq.questionnaire import Questionnaire


def _dump(value: Any, flow: bool = False) -> str:
    text = yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=100,
                          default_flow_style=flow)
    return text.removesuffix("\n").removesuffix("\n...").rstrip("\n")


def _comment(text: str, indent: str = "") -> str:
    return "\n".join(f"{indent}# {line}" if line else f"{indent}#" for line in text.splitlines())


def questionnaire_yaml(survey: SurveyProposal, lang: str = "en") -> str:
    """The questionnaire of one survey as YAML commented in ``lang``."""
    q = survey.questionnaire
    lines = [_comment(
        translate(msg("init.yaml_questionnaire_head", file=Path(survey.file).name), lang) + "\n"
        + (translate(msg("init.yaml_based_on", standard=survey.based_on), lang) + "\n"
           if survey.based_on else "")
        + "\n" + translate(msg("init.yaml_decisions"), lang))]
    lines += [_comment(translate(msg("init.yaml_decision", topic=msg(f"init.topic_{d.topic}"),
                                     subject=d.subject, choice=d.choice, evidence=d.evidence),
                                 lang))
              for d in survey.decisions]
    data = q.model_dump(exclude_none=True, exclude={"path"}, exclude_defaults=False)
    head = {key: data[key] for key in ("id", "title", "source", "kind", "standard")
            if data.get(key) is not None}
    lines += ["", _dump(head), "", "scales:"]
    for name, scale in data["scales"].items():
        lines.append(f"  {name}:")
        lines.append(f"    points: {_dump(scale['points'], flow=True)}")
        if scale.get("labels"):
            lines.append("    labels:")
            for lang, labels in scale["labels"].items():
                lines.append(f"      {lang}: {_dump(labels, flow=True)}")
        if scale.get("aliases"):
            lines.append(f"    aliases: {_dump(scale['aliases'], flow=True)}")
        if scale.get("missing"):
            lines.append(f"    missing: {_dump(scale['missing'], flow=True)}")
    for group in ("dimensions", "elements"):
        if data.get(group):
            lines += ["", f"{group}:"]
            for code, value in data[group].items():
                lines.append(f"  {_dump({code: value}, flow=True)[1:-1]}")
    lines += ["", "items:"]
    for item in q.items:
        for note in survey.notes.get(item.id, []):
            lines.append(_comment(translate(note, lang), "  "))
        lines.append(_indent_entry(_item_dict(item.model_dump(exclude_none=True))))
    if q.fields:
        lines += ["", "fields:"]
        for fld in q.fields:
            entry = fld.model_dump(exclude_none=True)
            entry = {k: v for k, v in entry.items() if v not in ([], {}, False)}
            lines.append(_indent_entry(entry))
    return "\n".join(lines) + "\n"


def _item_dict(item: dict[str, Any]) -> dict[str, Any]:
    order = ["id", "role", "pair", "dimension", "element", "scale", "reverse", "text", "column"]
    cleaned = {k: item[k] for k in order if k in item and item[k] not in ([], {}, None)}
    if not cleaned.get("reverse"):
        cleaned.pop("reverse", None)
    if cleaned.get("role") == "item":
        cleaned.pop("role")
    return cleaned


class _Flow(dict):
    """A short mapping written on one line: {id: Laki-laki, en: Male}."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Flow, lambda dumper, data: dumper.represent_mapping(
    "tag:yaml.org,2002:map", data.items(), flow_style=True))


def _texts(value: Any) -> Any:
    """Bilingual texts as one plain text when both languages are the same, else one line."""
    if isinstance(value, dict):
        if set(value) == {"id", "en"}:
            return value["id"] if value["id"] == value["en"] else _Flow(value)
        return {key: _texts(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_texts(item) for item in value]
    return value


def _indent_entry(entry: dict[str, Any]) -> str:
    text = yaml.dump([_texts(entry)], Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     width=100)
    return "\n".join(f"  {line}" for line in text.rstrip("\n").splitlines())


def project_yaml(proposal: Proposal, folder: Path) -> str:
    """The project file: one survey per export, paths relative to ``folder``; its comments
    in the project's language."""
    spec = proposal.project
    lang = spec.language

    def say(code: str) -> str:
        return translate(msg(code), lang)

    lines = [_comment(say("init.yaml_project_head"))]
    organisation = spec.organisation if isinstance(spec.organisation, str) else \
        spec.organisation.model_dump()
    placeholder = "TODO" in str(organisation)     # a name given (the web form) needs no TODO
    lines += [f"organisation: {_dump(organisation, flow=True)}"
              + ("   # " + say("init.yaml_todo_organisation") if placeholder else "")]
    period = spec.period
    inferred = {str(s.period) for s in proposal.surveys.values() if s.period}
    lines.append(f"period: {_dump(str(period) if period is not None else 'TODO')}"
                 + ("   # " + say("init.yaml_todo_period") if period is None else
                    "   # " + say("init.yaml_period_from_stamps") if str(period) in inferred
                    else ""))
    lines += [_dump({"language": spec.language}), "surveys:"]
    for name, survey in proposal.surveys.items():
        entry = survey.spec.model_dump(exclude_none=True, exclude_defaults=True)
        entry["responses"] = _relative(Path(survey.file), folder)
        entry["questionnaire"] = f"{name}.yaml"
        lines.append(f"  {name}:")
        lines.append(f"    title: {_dump(entry.pop('title'), flow=True)}")
        lines.append(f"    questionnaire: {_dump(entry.pop('questionnaire'))}")
        lines.append(f"    responses: {_dump(entry.pop('responses'))}")
        lines.append("    # population: 1000   # " + say("init.yaml_todo_population"))
        units = entry.pop("units", None)
        for key, value in entry.items():
            lines.append(f"    {key}: {_dump(value, flow=True)}")
        if units is not None:
            lines += _units_block(survey, units, say)
    return "\n".join(lines) + "\n"


def _units_block(survey: SurveyProposal, units: dict[str, Any], say: Any) -> list[str]:
    """The survey's ``units:`` section, commented: the smallest n marked, and every unit
    found listed under a commented ``population:`` for the office to fill."""
    lines = [f"    units:   # {say('init.yaml_units')}"]
    lines += [f"      {key}: {_dump(value, flow=True)}"
              + (f"   # {say('init.yaml_units_min_n')}" if key == "min_n" else "")
              for key, value in units.items()]
    lines.append(f"      # population:   # {say('init.yaml_units_population')}")
    lines += [f"      #   {_dump({name: 1000}, flow=True)[1:-1]}" for name in survey.units]
    return lines


def _relative(path: Path, folder: Path) -> str:
    try:
        return Path(os.path.relpath(path.resolve(), folder.resolve())).as_posix()
    except ValueError:          # another drive on Windows
        return str(path.resolve())


def write_proposal(proposal: Proposal, folder: str | Path) -> list[Path]:
    """Write project.yaml and one ``<survey>.yaml`` per survey into ``folder``."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    lang = proposal.project.language
    written = [write_atomic(out / f"{name}.yaml", questionnaire_yaml(survey, lang))
               for name, survey in proposal.surveys.items()]
    written.append(write_atomic(out / "project.yaml", project_yaml(proposal, out)))
    return written


def check_roundtrip(text: str) -> Questionnaire:
    """Parse written questionnaire YAML back (used by tests and by ``init`` as a guard)."""
    from surveyq.questionnaire import parse_questionnaire

    return parse_questionnaire(yaml.safe_load(text), "<proposal>")
