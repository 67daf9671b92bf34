"""A survey's thesis variables: which items make each scale score, checked against the
questionnaire when the project is loaded (so a wrong name is one line naming its YAML key)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from surveyq.project import SurveySpec, Variable
    from surveyq.questionnaire import Questionnaire

__all__ = ["ResolvedVariable", "resolve_variables", "thesis_problems"]

#: Names of the roles for the labels of default variables (results carry both languages).
ROLE_NAMES = {
    "perception": {"id": "Persepsi", "en": "Perception"},
    "expectation": {"id": "Harapan", "en": "Expectation"},
    "importance": {"id": "Kepentingan", "en": "Importance"},
    "satisfaction": {"id": "Kepuasan", "en": "Satisfaction"},
    "item": {"id": "Butir", "en": "Items"},
}


@dataclass(frozen=True)
class ResolvedVariable:
    """A variable with its items (and, for a gap, the paired expectation items)."""

    name: str
    label: dict[str, str]
    items: tuple[str, ...]
    score: str  # "mean", "sum" or "gap"
    role: str | None = None
    dimension: str | None = None
    expectation_items: tuple[str, ...] = ()


def resolve_variables(survey: SurveySpec, q: Questionnaire) -> dict[str, ResolvedVariable]:
    """The survey's variables, or by default one per dimension of each role (or the role)."""
    if survey.variables:
        return {name: _resolve(name, spec, q) for name, spec in survey.variables.items()}
    from surveyq.questionnaire import questionnaire_scales

    specs = questionnaire_scales(q)
    split = {spec.role for spec in specs if spec.dimension}
    resolved = {}
    for spec in specs:
        if spec.dimension is None and spec.role in split:
            continue
        label = _default_label(q, spec.role, spec.dimension)
        resolved[spec.key] = ResolvedVariable(spec.key, label, tuple(spec.items), "mean",
                                              spec.role, spec.dimension)
    return resolved


def _default_label(q: Questionnaire, role: str, dimension: str | None) -> dict[str, str]:
    names = ROLE_NAMES.get(role, {"id": role, "en": role})
    if dimension is None:
        return dict(names)
    return {lang: f"{names[lang]} – {q.group_label(dimension, lang)}" for lang in ("id", "en")}


def _resolve(name: str, spec: Variable, q: Questionnaire) -> ResolvedVariable:
    items = list(spec.items) or [item.id for item in q.items
                                 if (spec.role is None or item.role == spec.role)
                                 and (spec.dimension is None or item.dimension == spec.dimension)]
    label = spec.label.model_dump() if spec.label else {"id": name, "en": name}
    expectation: list[str] = []
    if spec.gap:
        pairs = {item.pair: item.id for item in q.items_with("expectation") if item.pair}
        expectation = [pairs.get(q.item(i).pair or "", "") for i in items if _known(q, i)]
    return ResolvedVariable(name, label, tuple(items), "gap" if spec.gap else spec.score,
                            spec.role, spec.dimension, tuple(expectation))


def _known(q: Questionnaire, item_id: str) -> bool:
    return item_id in q.item_ids


def thesis_problems(name: str, survey: SurveySpec, q: Questionnaire) -> list[str]:
    """Every problem with the survey's variables, regression and group comparisons."""
    where = f"surveys.{name}"
    problems = []
    for key, spec in survey.variables.items():
        problems += _variable_problems(f"{where}.variables.{key}", spec, q)
    names = set(resolve_variables(survey, q)) if not problems else set(survey.variables)
    wanted = set(survey.analyses or [])
    if survey.regression is not None:
        for key, value in [("y", survey.regression.y)] + [
                (f"x[{i}]", x) for i, x in enumerate(survey.regression.x)]:
            if value not in names:
                problems.append(f"{where}.regression.{key}: unknown variable {value!r}; "
                                f"use one of {', '.join(sorted(names)) or '(none defined)'}")
        if survey.regression.y in survey.regression.x:
            problems.append(f"{where}.regression: y ({survey.regression.y}) is also among x")
    elif "regression" in wanted:
        problems.append(f"{where}.analyses: 'regression' needs `regression: {{y: ..., x: [...]}}`"
                        " naming variables of the survey")
    if survey.group_differences is not None:
        problems += _group_problems(where, survey, q, names)
    return problems


def _variable_problems(where: str, spec: Variable, q: Questionnaire) -> list[str]:
    if not spec.items and spec.role is None and spec.dimension is None:
        return [f"{where}: name its items (`items: [...]`) or a `role` and/or `dimension`"]
    unknown = [item for item in spec.items if not _known(q, item)]
    if unknown:
        return [f"{where}.items: unknown item(s) {', '.join(unknown)} in questionnaire {q.id}"]
    problems = []
    if spec.dimension is not None and spec.dimension not in q.dimensions:
        problems.append(f"{where}.dimension: unknown dimension {spec.dimension!r}; use one of "
                        f"{', '.join(q.dimensions) or '(none)'}")
    if spec.role is not None and not q.items_with(spec.role):
        roles = sorted({item.role for item in q.items})
        problems.append(f"{where}.role: no items have role {spec.role!r}; use one of "
                        f"{', '.join(roles)}")
    if problems:
        return problems
    resolved = _resolve("", spec, q)
    if not resolved.items:
        return [f"{where}: no item matches this role and dimension"]
    if spec.gap and (not all(resolved.expectation_items)
                     or any(q.item(i).role != "perception" for i in resolved.items)):
        return [f"{where}.gap: a gap needs perception items, each with an expectation item of "
                "the same `pair:` code"]
    return []


def _group_problems(where: str, survey: SurveySpec, q: Questionnaire,
                    names: set[str]) -> list[str]:
    spec: Any = survey.group_differences
    problems = [f"{where}.group_differences.variables: unknown variable {value!r}"
                for value in spec.variables or [] if value not in names]
    fields = {f.id for f in q.fields}
    problems += [f"{where}.group_differences.by: unknown respondent field {value!r}; use one "
                 f"of {', '.join(sorted(fields)) or '(none)'}"
                 for value in spec.by or [] if value not in fields]
    return problems
