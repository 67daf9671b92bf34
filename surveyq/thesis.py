"""A thesis's chapter 4 as project analyses: descriptives with interpretation, normality,
construct validity, omega, regression and group differences of the survey's variables.

A *variable* is a scale score per respondent (the mean of its items by default, or their sum,
or a perception - expectation gap), named in the project (``surveys.<name>.variables``) or,
by default, one per dimension of each role. A respondent missing an item of a variable has no
score for it; the count is stated with each result. The statistics live in descriptives.py,
factor.py, assumptions.py, regression.py and groups.py; this module only feeds them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from surveyq.assumptions import normality as normality_test
from surveyq.descriptives import LABEL_SETS, interpret_mean
from surveyq.errors import AnalysisError, error_message
from surveyq.factor import bartlett_sphericity, factor_analysis, kmo
from surveyq.factor import omega as omega_of
from surveyq.groups import compare_groups
from surveyq.messages import msg
from surveyq.regression import regression as ols
from surveyq.thesis_spec import ResolvedVariable, resolve_variables

if TYPE_CHECKING:
    from surveyq.pipeline import SurveyRun

__all__ = ["THESIS_ANALYSES", "variable_scores"]

#: Conventions unless the project's ``options`` say otherwise.
DEFAULTS = {"mean_labels": "level", "alpha": 0.05, "loading_threshold": 0.5,
            "kmo_threshold": 0.5}
#: Respondent fields compared by default (those a breakdown is made for).
BY_KINDS = ("gender", "age_band", "education", "occupation", "service_type")


def _options(run: SurveyRun) -> dict[str, Any]:
    return {**DEFAULTS, **{k: v for k, v in run.spec_options.items() if k in DEFAULTS}}


def _variables(run: SurveyRun) -> dict[str, ResolvedVariable]:
    return resolve_variables(run.spec, run.responses.questionnaire)


def variable_scores(run: SurveyRun, variable: ResolvedVariable) -> tuple[pd.Series, int]:
    """Scores of the respondents who answered every item, and how many did not."""
    answers = run.responses.items[list(variable.items)]
    if variable.score == "gap":
        expectation = run.responses.items[list(variable.expectation_items)]
        complete = answers.notna().all(axis=1) & expectation.notna().all(axis=1)
        score = answers.mean(axis=1) - expectation.mean(axis=1)
    else:
        complete = answers.notna().all(axis=1)
        score = answers.sum(axis=1) if variable.score == "sum" else answers.mean(axis=1)
    return score[complete].rename(variable.name), int((~complete).sum())


def _base(variable: ResolvedVariable) -> dict[str, Any]:
    return {"variable": variable.name, "label": variable.label, "score": variable.score,
            "items": list(variable.items), "k": len(variable.items)}


def _each(run: SurveyRun, compute: Callable[[ResolvedVariable], dict[str, Any]]
          ) -> list[dict[str, Any]]:
    records = []
    for variable in _variables(run).values():
        record = _base(variable)
        try:
            record.update(compute(variable))
        except AnalysisError as exc:
            record["error"] = error_message(exc)
        records.append(record)
    return records


def _missing_note(dropped: int) -> list[str]:
    return [msg("descriptives.no_score", dropped=dropped)] if dropped else []


# ---- descriptives -------------------------------------------------------------------------------


def _scale_range(run: SurveyRun, variable: ResolvedVariable) -> tuple[float, float] | None:
    q = run.responses.questionnaire
    scale = q.scale_of(q.item(variable.items[0]))
    if variable.score == "gap":
        return None
    k = len(variable.items) if variable.score == "sum" else 1
    return float(scale.low * k), float(scale.high * k)


Range = tuple[float, float]


def _classified(targets: list[tuple[Range, float]], labels: str
                ) -> tuple[list[dict[str, Any]], dict[Range, tuple[list[dict[str, Any]], float]]]:
    """Each ``(range, mean)``'s ``class``, ``label_id`` and ``label_en``, and each range's
    class table (records) and class width: the means on one range interpreted together,
    one :func:`interpret_mean` per language."""
    places: dict[Range, list[int]] = {}
    for place, (bounds, _) in enumerate(targets):
        places.setdefault(bounds, []).append(place)
    found: list[dict[str, Any]] = [{} for _ in targets]
    tables = {}
    for bounds, on_range in places.items():
        means = pd.Series([targets[place][1] for place in on_range], dtype=float)
        ident, english = (interpret_mean(means, *bounds, labels=labels, lang=lang)
                          for lang in ("id", "en"))
        for place, number, label_id, label_en in zip(
                on_range, ident.means["class"], ident.means["label"], english.means["label"],
                strict=True):
            found[place] = {"class": number, "label_id": label_id, "label_en": label_en}
        classes = ident.classes.assign(label_en=english.classes["label"])
        tables[bounds] = (classes.rename(columns={"label": "label_id"}).to_dict("records"),
                          ident.width)
    return found, tables


def descriptives(run: SurveyRun) -> dict[str, Any]:
    """Mean, SD, range and interpreted class of each variable and of its items."""
    options = _options(run)
    labels = options["mean_labels"]
    if labels not in LABEL_SETS:
        raise AnalysisError(msg("error.at", where="options.mean_labels", detail=msg(
            "descriptives.label_set_unknown_option", value=repr(labels),
            known=", ".join(LABEL_SETS))))
    scored: list[ResolvedVariable] = []

    def compute(variable: ResolvedVariable) -> dict[str, Any]:
        scores, dropped = variable_scores(run, variable)
        if scores.empty:
            raise AnalysisError(msg("error.variable_no_complete"))
        scored.append(variable)
        record = {"n": len(scores), "missing": dropped, "mean": scores.mean(),
                  "sd": scores.std(ddof=1), "min": scores.min(), "max": scores.max(),
                  "notes": _missing_note(dropped)}
        if _scale_range(run, variable) is None:
            record["notes"].append(msg("descriptives.gap_not_interpreted"))
        return record

    records = _each(run, compute)
    _interpret_variables(run, {r["variable"]: r for r in records}, scored, labels)
    return {"conventions": {"labels": labels, "boundary": "upper"}, "variables": records,
            "items": _item_rows(run, scored, labels)}


def _interpret_variables(run: SurveyRun, records: dict[str, dict[str, Any]],
                         scored: list[ResolvedVariable], labels: str) -> None:
    """Each scored variable's class, interpreted with the others on the same range."""
    ranged = [(bounds, variable.name) for variable in scored
              if (bounds := _scale_range(run, variable)) is not None]
    found, tables = _classified([(bounds, records[name]["mean"]) for bounds, name in ranged],
                                labels)
    for (bounds, name), classed in zip(ranged, found, strict=True):
        classes, width = tables[bounds]
        records[name].update(scale_min=bounds[0], scale_max=bounds[1], width=width,
                             classes=classes, **classed)


def _item_rows(run: SurveyRun, scored: list[ResolvedVariable], labels: str
               ) -> list[dict[str, Any]]:
    """The items of each scored variable (not of gaps) with their mean's class, in order."""
    q = run.responses.questionnaire
    rows: list[dict[str, Any]] = []
    ranges: list[Range] = []  # each row's answer range
    for variable in (v for v in scored if v.score != "gap"):
        answers = run.responses.items[list(variable.items)]
        scale = q.scale_of(q.item(variable.items[0]))
        for item, mean in answers.mean().items():
            ranges.append((float(scale.low), float(scale.high)))
            rows.append({"variable": variable.name, "item": item,
                         "n": int(answers[item].notna().sum()), "mean": mean,
                         "sd": answers[item].std(ddof=1)})
    found, _ = _classified([(bounds, row["mean"]) for bounds, row in zip(ranges, rows,
                                                                         strict=True)], labels)
    for row, classed in zip(rows, found, strict=True):
        row.update(classed)
    return rows


# ---- normality, construct validity, omega -----------------------------------------------------


def normality(run: SurveyRun) -> dict[str, Any]:
    """Kolmogorov-Smirnov (Lilliefors) and Shapiro-Wilk of each variable's scores."""
    alpha = _options(run)["alpha"]

    def compute(variable: ResolvedVariable) -> dict[str, Any]:
        scores, dropped = variable_scores(run, variable)
        result = normality_test(scores, alpha=alpha)
        return {**result.to_frame().iloc[0].to_dict(), "ks_p_display": result.ks_p_display,
                "notes": _missing_note(dropped) + list(result.notes)}

    return {"conventions": {"alpha": alpha, "lilliefors_p": "nortest",
                            "spss_display": ".200* above .200"},
            "variables": _each(run, compute)}


def _item_frame(run: SurveyRun, variable: ResolvedVariable) -> pd.DataFrame:
    if variable.score == "gap":
        raise AnalysisError(msg("error.gap_variable"))
    if len(variable.items) < 3:
        raise AnalysisError(msg("error.variable_three_items", k=len(variable.items)))
    return run.responses.items[list(variable.items)]


def construct_validity(run: SurveyRun) -> dict[str, Any]:
    """KMO, Bartlett and principal components with varimax for each variable's items."""
    options = _options(run)

    def compute(variable: ResolvedVariable) -> dict[str, Any]:
        return _factor_record(_item_frame(run, variable))

    records = _each(run, compute)
    if joint := _joint_predictors(run):
        records.append(joint)
    return {"conventions": {"method": "pca", "rotation": "varimax", "missing": "listwise",
                            "kmo_threshold": options["kmo_threshold"],
                            "loading_threshold": options["loading_threshold"]},
            "variables": records}


def _factor_record(items: pd.DataFrame, owner: dict[str, str] | None = None) -> dict[str, Any]:
    adequacy, sphericity = kmo(items), bartlett_sphericity(items)
    fa = factor_analysis(items)
    loadings = fa.loadings.assign(communality=fa.communalities).rename_axis("item")
    if owner is not None:
        loadings.insert(0, "variable", [owner[item] for item in loadings.index])
    return {"n": fa.n, "kmo": adequacy.overall, "bartlett_chi2": sphericity.chi2,
            "bartlett_df": sphericity.df, "bartlett_p": sphericity.p_value,
            "n_factors": fa.n_factors,
            "msa": [{"item": k, "msa": v} for k, v in adequacy.items.items()],
            "variance": fa.variance.reset_index().to_dict("records"),
            "loadings": loadings.reset_index().to_dict("records"),
            "notes": list(dict.fromkeys(adequacy.notes + fa.notes))}


def _joint_predictors(run: SurveyRun) -> dict[str, Any] | None:
    """The items of every regression predictor factored together: do they part as the
    variables say? (The construct validity of the instrument, as theses report it.)"""
    spec = run.spec.regression
    variables = _variables(run)
    chosen = [variables[name] for name in spec.x] if spec is not None else []
    chosen = [v for v in chosen if v.score != "gap"]
    if len(chosen) < 2:
        return None
    owner = {item: v.name for v in chosen for item in v.items}
    record: dict[str, Any] = {
        "variable": "+".join(v.name for v in chosen), "joint": True, "score": chosen[0].score,
        "label": {"id": f"Butir {', '.join(v.name for v in chosen)} bersama",
                  "en": f"Items of {', '.join(v.name for v in chosen)} together"},
        "items": list(owner), "k": len(owner)}
    try:
        record.update(_factor_record(run.responses.items[list(owner)], owner))
    except AnalysisError as exc:
        record["error"] = error_message(exc)
    return record


def omega(run: SurveyRun) -> dict[str, Any]:
    """Omega total, composite reliability and AVE of each variable's items."""
    def compute(variable: ResolvedVariable) -> dict[str, Any]:
        result = omega_of(_item_frame(run, variable))
        return {**result.to_frame().iloc[0].to_dict(),
                "loadings": result.loadings.rename_axis("item").reset_index().to_dict("records"),
                "notes": list(result.notes)}

    return {"conventions": {"omega": "psych::omega, one factor, minres",
                            "cr_ave": "one-factor maximum likelihood, standardized",
                            "missing": "listwise"},
            "variables": _each(run, compute)}


# ---- regression and group differences ---------------------------------------------------------


def regression(run: SurveyRun) -> dict[str, Any]:
    """The project's regression of y on x, with SPSS's tables and the assumption tests."""
    spec = run.spec.regression
    if spec is None:
        raise AnalysisError(msg("error.no_regression_spec"))
    variables = _variables(run)
    chosen = [variables[name] for name in [spec.y, *spec.x]]
    columns = {v.name: variable_scores(run, v)[0] for v in chosen}
    frame = pd.DataFrame(columns)  # aligned on respondents; missing scores become NaN
    result = ols(frame, y=spec.y, x=spec.x)
    normal = result.residual_normality
    return {
        "y": spec.y, "x": list(spec.x),
        "labels": {v.name: v.label for v in chosen},
        "score": {v.name: v.score for v in chosen},
        "coefficients": result.coefficients.reset_index().to_dict("records"),
        "summary": {**result.summary.to_dict(), "n": int(result.summary["n"])},
        "anova": result.anova.reset_index().to_dict("records"),
        "glejser": result.glejser.reset_index().to_dict("records"),
        "residual_normality": None if normal is None else {
            **normal.to_frame().iloc[0].to_dict(), "ks_p_display": normal.ks_p_display},
        "notes": list(result.notes),
    }


def _by_fields(run: SurveyRun) -> list[str]:
    spec = run.spec.group_differences
    if spec is not None and spec.by:
        return list(spec.by)
    q = run.responses.questionnaire
    return [f.id for f in q.fields if f.kind in BY_KINDS]


def group_differences(run: SurveyRun) -> dict[str, Any]:
    """Each variable compared across the groups of each respondent field."""
    spec = run.spec.group_differences
    variables = _variables(run)
    names = list(spec.variables) if spec is not None and spec.variables else list(variables)
    fields = run.responses.fields
    records = []
    for name in names:
        scores, dropped = variable_scores(run, variables[name])
        for by in _by_fields(run):
            record = {"variable": name, "label": variables[name].label, "by": by,
                      "score": variables[name].score}
            try:
                if by not in fields or fields[by].isna().all():
                    raise AnalysisError(msg("error.field_no_answers", field=repr(by)))
                groups = fields[by].reindex(scores.index)
                record.update(_comparison(compare_groups(scores, groups), dropped))
            except AnalysisError as exc:
                record["error"] = error_message(exc)
            records.append(record)
    return {"conventions": {"levene": "mean", "mann_whitney": "asymptotic, tie-corrected, "
                            "no continuity correction", "alpha": _options(run)["alpha"]},
            "comparisons": records}


def _comparison(result: Any, dropped: int) -> dict[str, Any]:
    record: dict[str, Any] = {
        "groups": result.groups.reset_index().to_dict("records"),
        "levene": result.levene.to_dict(),
        "notes": _missing_note(dropped) + list(result.notes),
    }
    for key in ("t_test", "welch", "mann_whitney", "anova", "kruskal"):
        value = getattr(result, key)
        record[key] = None if value is None else {k: _plain(v) for k, v in value.items()}
    return record


def _plain(value: Any) -> Any:
    return float(value) if isinstance(value, (np.floating, float)) else value


THESIS_ANALYSES: dict[str, Callable[[SurveyRun], dict[str, Any]]] = {
    "descriptives": descriptives,
    "normality": normality,
    "construct_validity": construct_validity,
    "omega": omega,
    "regression": regression,
    "group_differences": group_differences,
}
