"""The analyses a project can ask for, each turning a survey's responses into JSON-ready results.

Each entry of :data:`ANALYSES` takes a :class:`~surveyq.pipeline.SurveyRun` and returns a
mapping; the statistics themselves live in their own modules (validity.py, reliability.py, ...).

Validity and reliability are computed for every *scale* of a questionnaire: the items sharing
a role (perception, expectation, importance, or plain items) as a whole, and each dimension
(or service element group) within that role when the questionnaire has more than one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from surveyq.clean import Responses
from surveyq.errors import AnalysisError, SurveyqError, error_message
from surveyq.ikm import (
    AnswerArrays,
    _check_codes,
    _ikm_answers,
    group_sums,
    ikm_by,
    ikm_by_sums,
    ikm_trend,
    sample_adequate,
    sample_size,
)
from surveyq.ikm import ikm as ikm_index
from surveyq.messages import msg
from surveyq.moments import Moments
from surveyq.project import UnitsSpec
from surveyq.questionnaire import DEFAULT_ANALYSES, ScaleSpec, questionnaire_scales
from surveyq.readers.table import distinct_values
from surveyq.reliability import cronbach_alpha
from surveyq.servqual import csi as csi_index
from surveyq.servqual import ipa as ipa_quadrants
from surveyq.servqual import servqual as servqual_gaps
from surveyq.servqual import servqual_by
from surveyq.thesis import THESIS_ANALYSES
from surveyq.uncertainty import BOOTSTRAP_MAX_N, ikm_ci
from surveyq.units import UnitMoments, ikm_units, unit_field_id, units_change, units_pairs
from surveyq.validity import item_validity

if TYPE_CHECKING:
    from surveyq.ikm import Ikm
    from surveyq.pipeline import SurveyRun

#: Conventions used unless a project's ``options`` say otherwise (docs/methods.md sections 2-3).
DEFAULTS = {
    "corrected": False,
    "missing": "listwise",
    "alpha": 0.05,
    "tail": "two-sided",
    "threshold": 0.60,
    "ci": 0.95,
}


def scales_of(run: SurveyRun) -> list[ScaleSpec]:
    """Whole scale per role, then one scale per dimension within the role (if several)."""
    return questionnaire_scales(run.responses.questionnaire)


def _options(run: SurveyRun) -> dict[str, Any]:
    return {**DEFAULTS, **{k: v for k, v in run.spec_options.items() if k in DEFAULTS}}


def _per_scale(
    run: SurveyRun, compute: Callable[[pd.DataFrame | Moments, dict[str, Any]], dict[str, Any]]
) -> list[dict[str, Any]]:
    options = _options(run)
    records = []
    for spec in scales_of(run):
        record: dict[str, Any] = {
            "scale": spec.key,
            "role": spec.role,
            "dimension": spec.dimension,
            "items": spec.items,
        }
        try:
            # listwise, validity and reliability need only the Moments: one pass for both
            data = (run.listwise_moments(spec.items) if options["missing"] == "listwise"
                    else run.scale_data(spec.items))
            record.update(compute(data, options))
        except AnalysisError as exc:
            record["error"] = error_message(exc)
        records.append(record)
    return records


def _validity(items: pd.DataFrame | Moments, options: dict[str, Any]) -> dict[str, Any]:
    table = item_validity(
        items,
        corrected=options["corrected"],
        alpha=options["alpha"],
        tail=options["tail"],
        missing=options["missing"],
    )
    return {"table": table, "notes": list(table.attrs.get("notes", []))}


def _reliability(items: pd.DataFrame | Moments, options: dict[str, Any]) -> dict[str, Any]:
    result = cronbach_alpha(
        items, missing=options["missing"], ci=options["ci"], threshold=options["threshold"]
    )
    summary = result.to_frame().iloc[0].to_dict()
    return {
        **summary,
        "item_total": result.item_total,
        "reverse_keyed": list(result.reverse_keyed),
        "notes": list(result.notes),
    }


def validity(run: SurveyRun) -> dict[str, Any]:
    """Pearson item-total validity (r hitung vs r tabel) for every scale of the survey."""
    options = _options(run)
    conventions = {k: options[k] for k in ("corrected", "missing", "alpha", "tail")}
    return {"conventions": conventions, "scales": _per_scale(run, _validity)}


def reliability(run: SurveyRun) -> dict[str, Any]:
    """Cronbach's alpha with SPSS Item-Total Statistics for every scale of the survey."""
    options = _options(run)
    conventions = {k: options[k] for k in ("missing", "threshold", "ci")}
    return {"conventions": conventions, "scales": _per_scale(run, _reliability)}


#: Respondent fields a breakdown is made for (docs/methods.md section 6; issue 4 item 4).
BREAKDOWN_KINDS = ("gender", "age_band", "education", "occupation", "service_type", "unit")
#: The bootstrap seed, fixed so a report can be reproduced to the digit.
BOOTSTRAP_SEED = 20170414
#: Bootstrap replicates drawn for the report's interval.
BOOTSTRAP_REPLICATES = 2000


def paired_frames(run: SurveyRun, first: str, second: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Items of two roles side by side, columns keyed by the attribute they rate (``pair``)."""
    q = run.responses.questionnaire
    by_pair = {
        role: {item.pair or item.id: item.id for item in q.items_with(role)}
        for role in (first, second)
    }
    shared = [key for key in by_pair[first] if key in by_pair[second]]
    if not shared:
        raise AnalysisError(
            msg("error.no_pairs", questionnaire=q.id, first=msg(f"error.role_{first}"),
                second=msg(f"error.role_{second}"))
        )
    frames = [
        run.responses.items[[by_pair[role][key] for key in shared]].set_axis(shared, axis=1)
        for role in (first, second)
    ]
    return frames[0], frames[1]


def _dimension_map(run: SurveyRun, role: str) -> dict[str, str] | None:
    q = run.responses.questionnaire
    mapping = {
        item.pair or item.id: item.dimension for item in q.items_with(role) if item.dimension
    }
    return mapping or None


def _breakdown_fields(run: SurveyRun) -> dict[str, pd.Series]:
    q = run.responses.questionnaire
    fields = run.responses.fields
    return {
        f.id: fields[f.id]
        for f in q.fields
        if f.kind in BREAKDOWN_KINDS and f.id in fields and fields[f.id].notna().any()
    }


def _ordered(run: SurveyRun, field_id: str, frame: Any) -> Any:
    """A breakdown's rows in the order readers expect (questionnaire order, bands ascending)."""
    from surveyq.describe import in_order

    field = next(f for f in run.responses.questionnaire.fields if f.id == field_id)
    return in_order(field, frame) if isinstance(frame, pd.DataFrame) else frame


def _adequacy(run: SurveyRun) -> dict[str, Any]:
    population = run.spec.population
    if population is None:
        return {"population": None}
    return {
        "population": population,
        "required": sample_size(population),
        "n": run.n,
        "adequate": sample_adequate(run.n, population),
        "rule": msg("ikm.sample_rule", chi2=3.841, p=0.5, d=0.05),
    }


def servqual(run: SurveyRun) -> dict[str, Any]:
    """P - E gaps per item, dimension and overall, with breakdowns by respondent group."""
    perception, expectation = paired_frames(run, "perception", "expectation")
    dimensions = _dimension_map(run, "perception")
    result = servqual_gaps(perception, expectation, dimensions=dimensions)
    groups: dict[str, Any] = {}
    group_notes: list[str] = []
    for field_id, values in _breakdown_fields(run).items():
        answered = _groups_answering(values, field_id, group_notes, perception, expectation)
        try:
            groups[field_id] = _ordered(run, field_id, servqual_by(
                perception, expectation, answered, dimensions=dimensions))
        except AnalysisError as exc:
            groups[field_id] = {"error": error_message(exc)}
    return {
        "conventions": {
            "model": result.model,
            "zero_method": result.zero_method,
            "wilcoxon_method": result.wilcoxon_method,
            "level": result.level,
            "matched_by": result.matched_by,
        },
        "items": result.items,
        "dimensions": result.dimensions,
        "overall": result.overall,
        "by": {k: _flatten(v) for k, v in groups.items()},
        "notes": list(result.notes) + group_notes,
    }


def _groups_answering(values: pd.Series, field_id: str, notes: list[str],
                      *frames: pd.DataFrame) -> pd.Series:
    """The group of each respondent, blank for a group in which some item has no answers.

    Such a group has no figure (no number from no data); it is named in the notes, and
    the other groups are still computed.
    """
    kept = values.copy()
    answered = []  # per frame: group -> its answer count per column
    for frame in frames:
        found = group_sums(frame.loc[values.index], values)
        answered.append(dict(zip(found.keys, found.counts, strict=True)))
    for group in values.dropna().unique():
        empty = sorted({str(column) for frame, counts in zip(frames, answered, strict=True)
                        for column in frame.columns[counts[group] == 0]})
        if empty:
            kept[values == group] = None
            notes.append(msg("groups.no_answers_items", field=field_id, group=repr(group),
                             items=empty))
    return kept


def _flatten(frame: Any) -> Any:
    """Two-level breakdown columns ('summary', 'converted') as 'summary.converted'."""
    if isinstance(frame, pd.DataFrame) and isinstance(frame.columns, pd.MultiIndex):
        frame = frame.set_axis([".".join(map(str, c)) for c in frame.columns], axis=1)
    return frame


def _importance_performance(run: SurveyRun) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Importance items when the questionnaire has them, else expectation (the Indonesian norm)."""
    q = run.responses.questionnaire
    role = "importance" if q.items_with("importance") else "expectation"
    performance, importance = paired_frames(run, "perception", role)
    return importance, performance, role


def ipa(run: SurveyRun) -> dict[str, Any]:
    """Importance-performance quadrants and the CSI."""
    importance, performance, role = _importance_performance(run)
    table = ipa_quadrants(importance, performance, crosshair="mean")
    scale = run.responses.questionnaire.scale_of(
        run.responses.questionnaire.items_with("perception")[0]
    )
    satisfaction = csi_index(importance, performance, scale_max=scale.high)
    return {
        "conventions": {"importance_from": role, "crosshair": "mean"},
        "items": table,
        "crosshair": {"x": table.attrs.get("x_crosshair"), "y": table.attrs.get("y_crosshair")},
        "csi": {
            "value": satisfaction.csi,
            "band": satisfaction.band,
            "label": satisfaction.label,
            "label_en": satisfaction.label_en,
            "scale_max": satisfaction.scale_max,
            "items": satisfaction.items,
            "notes": list(satisfaction.notes),
        },
    }


def _element_frame(run: SurveyRun) -> pd.DataFrame | Moments:
    """The element answers: a frame, or their Moments (keyed by element) when streamed."""
    if run.stream is None:
        return _elements_of(run.responses)
    _rated_items(run.responses)  # the same error as in memory when no item has an element
    return run.stream.element_moments()


def _element_moments(run: SurveyRun, elements: pd.DataFrame | Moments) -> Moments | None:
    """The in-memory elements' pairwise Moments, shared with validity and reliability
    (:meth:`SurveyRun.pairwise_moments`), named by element; None when streamed."""
    if isinstance(elements, Moments):
        return None
    rated = [item.id for item in _rated_items(run.responses)]
    moments = run.pairwise_moments(rated)
    return dataclasses.replace(moments, items=tuple(str(code) for code in elements.columns))


def _intervals(
    elements: pd.DataFrame | Moments, standard: str, weight_mode: str | None,
    point: Ikm | None = None, moments: Moments | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """The bootstrap interval (from the rows, up to ``BOOTSTRAP_MAX_N`` respondents) and the
    analytic one (from the rows or, when streamed, from the moments).

    ``point`` (the index of ``elements``) and ``moments`` (their pairwise Moments) when the
    caller has them, so neither is computed again.

    An interval the data cannot support (one respondent) is left out and the reason
    returned, so the point index is still reported.
    """
    options = {"standard": standard, "weight_mode": weight_mode, "seed": BOOTSTRAP_SEED,
               "n_boot": BOOTSTRAP_REPLICATES, "point": point, "moments": moments}
    first = ikm_ci(elements, method="auto", **options)
    if first.reason:
        return [], first.reason
    intervals = [first]
    if first.method == "bootstrap":
        intervals.append(ikm_ci(elements, method="analytic", **options))
    return [interval.to_frame().iloc[0].to_dict() for interval in intervals], None


def _interval_notes(run: SurveyRun, intervals: list[dict[str, Any]]) -> list[str]:
    """Why an in-memory run has no bootstrap interval (a streamed one says it in ``omitted``)."""
    if run.stream is not None or not intervals:
        return []
    if any(i["method"] == "bootstrap" for i in intervals):
        return []
    return [f"the bootstrap interval is computed up to {BOOTSTRAP_MAX_N:,} respondents; with "
            f"n = {run.n:,} the analytic interval is given, which agrees with it to within "
            "Monte Carlo error at that size"]


def _ikm_breakdown(
    elements: pd.DataFrame, values: pd.Series, field_id: str, notes: list[str],
    order: Any = None, codes: tuple[np.ndarray, list[str]] | None = None,
    answers: AnswerArrays | None = None, **kwargs: Any
) -> Any:
    """:func:`ikm_by` over the groups whose members answered every element; the others noted.

    A group too small for a figure is a note of the report, not a failure of the run.
    ``codes`` (``pandas.factorize(values, sort=True)``) and ``answers`` (the elements'
    :class:`AnswerArrays`) when the caller has them.
    """
    keep = pd.Series(True, index=values.index)
    aligned = values.reindex(elements.index)
    if not values.index.equals(elements.index):
        codes = None  # they number the rows of values
    found = group_sums(elements, aligned, codes=codes, answers=answers)
    for group, answered in zip(found.keys, found.counts, strict=True):
        empty = [str(code) for code in elements.columns[answered == 0]]
        if empty:
            keep &= values != group
            notes.append(msg("groups.no_answers_elements", field=field_id, group=repr(group),
                             elements=empty))
    if not keep.any():
        return {"error": msg("groups.none_complete", field=field_id)}
    if keep.all() and not (found.counts == 0).any():  # the sums found are every group's
        frame = ikm_by_sums(found, elements.columns, aligned, **kwargs)
    else:
        frame = ikm_by(elements, values.where(keep), **kwargs)
    return _flatten(order(frame) if order else frame)


def ikm(run: SurveyRun) -> dict[str, Any]:
    """The IKM / SKM index per element and overall, its interval, breakdowns and trend."""
    q = run.responses.questionnaire
    standard = run.spec_options.get("ikm_standard") or q.standard or "permenpanrb-14-2017"
    weight_mode = run.spec_options.get("weight_mode")
    elements = _element_frame(run)
    answers = None  # the in-memory answers as ikm counts them, shared by the breakdowns
    if isinstance(elements, Moments):
        result = ikm_index(elements, standard=standard, weight_mode=weight_mode)
    else:
        result, answers = _ikm_answers(elements, standard=standard, weight_mode=weight_mode,
                                       answers=_clean_answers(run.responses))
    intervals, interval_missing = _intervals(elements, standard, weight_mode, result,
                                             _element_moments(run, elements))
    group_notes: list[str] = []
    by = {}
    breakdowns = {} if run.stream else _breakdown_fields(run)
    for field_id, values in breakdowns.items():
        by[field_id] = _ikm_breakdown(
            elements, values, field_id, group_notes,
            order=lambda frame, field_id=field_id: _ordered(run, field_id, frame),
            codes=run.responses.field_codes(field_id), answers=answers,
            standard=standard, weight_mode=weight_mode)
    trend = None
    if run.previous:
        periods = {
            period: ikm_index(_previous_elements(data), standard=standard, weight_mode=weight_mode)
            for period, data in run.previous.items()
        }
        periods[run.period] = result
        trend = ikm_trend(periods)
    units = _units(run, standard, weight_mode)
    return {
        "summary": result.summary().iloc[0].to_dict(),
        "elements": result.elements.rename_axis("element"),
        "units": units,
        "intervals": intervals,
        "interval_missing": interval_missing,
        "interval_rule": {"bootstrap_max_n": BOOTSTRAP_MAX_N, "n_boot": BOOTSTRAP_REPLICATES,
                          "seed": BOOTSTRAP_SEED},
        "by": by,
        "sample": _adequacy(run),
        "trend": None
        if trend is None
        else {
            "summary": trend.summary,
            "nrr": trend.nrr,
            "change": trend.change,
            "notes": list(trend.notes),
        },
        "notes": _ikm_notes(run, result.notes)
        + ([f"no confidence interval: {interval_missing}"] if interval_missing else [])
        + _interval_notes(run, intervals)
        + group_notes,
    }


def _unit_field(run: SurveyRun) -> str | None:
    """The respondent field naming each respondent's service unit, if the survey has one."""
    return unit_field_id(run.spec, run.responses.questionnaire)


def _units(run: SurveyRun, standard: str, weight_mode: str | None) -> dict[str, Any] | None:
    """Per-unit figures (:func:`surveyq.ikm_units`) when the survey has a unit field: from
    the rows grouped by unit, or from the unit sums a streamed pass kept."""
    field_id = _unit_field(run)
    if field_id is None:
        return None
    grouped = _unit_sums(run.stream if run.stream is not None else run.responses, field_id)
    if grouped is None:
        return {"field": field_id, "error": msg("units.field_unknown", field=field_id)}
    spec = run.spec.units or UnitsSpec()
    try:
        result = ikm_units(grouped, None, spec.population or None, standard, weight_mode,
                           aggregate=spec.aggregate, min_n=spec.min_n, lowest=spec.lowest)
    except SurveyqError as exc:  # a stated reason in the results, the pooled IKM still stands
        return {"field": field_id, "error": error_message(exc)}
    changes, change_notes = _units_changes(run, field_id, result, spec, standard, weight_mode)
    unknown = sorted(set(spec.population) - set(result.units.index))
    unplanned = sorted(set(spec.follow_up) - set(result.units.index))
    notes = list(result.notes) + (
        [msg("units.population_unknown", units=", ".join(map(str, unknown)))]
        if unknown else []) + (
        [msg("units.follow_up_unknown", units=", ".join(map(str, unplanned)))]
        if unplanned else []) + change_notes
    return {"field": field_id, "aggregate": result.aggregate, "level": result.level,
            "min_n": result.min_n, "units": result.units, "change": changes,
            "pairs": units_pairs(result) if spec.pairs else None,
            "nrr": result.nrr.rename_axis("unit"),
            "nrr_converted": result.nrr_converted.rename_axis("unit"),
            "nrr_band": result.nrr_band.rename_axis("unit"),
            "profile": _unit_profiles(run, field_id), "notes": notes,
            "follow_up": {unit: {code: plan.model_dump() for code, plan in plans.items()}
                          for unit, plans in spec.follow_up.items()}}


def _unit_profiles(run: SurveyRun, field_id: str) -> pd.DataFrame | None:
    """Each unit's respondents by characteristic (:func:`surveyq.describe.profile` of its
    rows, counted for all units at once), for its publication sheet; None when streamed."""
    from surveyq.describe import profile_by

    if run.stream is not None:
        return None
    frame = profile_by(run.responses, _unit_labels(run.responses.fields[field_id]), "unit")
    return frame if len(frame) else None


def _unit_sums(data: Responses | Any, field_id: str) -> UnitMoments | None:
    """The elements' sums per unit: grouped from the rows, or kept by the streamed pass."""
    if not isinstance(data, Responses):
        grouped = data.unit_moments
        return grouped if grouped is not None and grouped.moments else None
    values = data.fields.get(field_id)
    if values is None or not values.notna().any():
        return None
    elements = _elements_of(data)
    return UnitMoments.from_frame(_check_codes(elements), _unit_labels(values))


def _unit_labels(values: pd.Series) -> pd.Series:
    """Unit names as text, so they match the `units.population` keys (7.0 reads as "7").

    Each distinct value is named once (a Python call per row took 0.35 s for 10^5 rows):
    the rows where a value first occurs are mapped, keeping ``Series.map``'s result dtype,
    and every row takes its value's name."""
    def label(value: Any) -> Any:
        if pd.isna(value):
            return None
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()

    indices, _ = distinct_values(values)  # keyed by type and text: True and 1 stay apart
    found, first_rows = np.unique(indices, return_index=True)
    named = values.iloc[first_rows].map(label)
    position = np.empty(int(found.max(initial=-1)) + 1, np.intp)
    position[found] = np.arange(len(found))
    return named.iloc[position[indices]].set_axis(values.index)


def _units_changes(run: SurveyRun, field_id: str, current: Any, spec: UnitsSpec,
                   standard: str, weight_mode: str | None) -> tuple[dict[str, Any], list[str]]:
    """Each unit against itself in every earlier period (period -> table)."""
    changes, notes = {}, []
    for period, data in run.previous.items():
        grouped = _unit_sums(data, field_id)
        if grouped is None:
            notes.append(msg("units.period_no_field", period=period, field=field_id))
            continue
        try:
            before = ikm_units(grouped, None, spec.population or None, standard, weight_mode,
                               aggregate=spec.aggregate, min_n=spec.min_n)
            table = units_change(current, before)
        except SurveyqError as exc:
            notes.append(msg("units.period_no_change", period=period,
                             detail=error_message(exc)))
            continue
        changes[str(period)] = table.rename_axis("unit")
    return changes, notes


def _ikm_notes(run: SurveyRun, notes: list[str]) -> list[str]:
    """Result notes. A streamed pass sums the elements over the rows answering one of them,
    so the Moments' n is exact and the note that it may count unanswered rows is dropped."""
    if run.stream is None:
        return list(notes)
    return [note for note in notes if getattr(note, "code", None) != "ikm.moments_n_rows"]


def _previous_elements(data: Any) -> pd.DataFrame | Moments:
    """An earlier period's elements: from its rows, or its sums when it was streamed."""
    if isinstance(data, Responses):
        return _elements_of(data)
    return data.element_moments()


def _rated_items(responses: Responses) -> list[Any]:
    q = responses.questionnaire
    rated = [item for item in q.items if item.element]
    if not rated:
        raise AnalysisError(msg("error.no_elements", questionnaire=q.id))
    return rated


def _clean_answers(responses: Responses) -> AnswerArrays | None:
    """The elements' :class:`AnswerArrays` from :func:`clean`'s int8 codes while they are
    the answers of ``responses.items`` (:meth:`Responses.item_codes`), else None (the IKM
    turns the frame into codes itself; the counts are the same either way)."""
    codes = [responses.item_codes(item.id) for item in _rated_items(responses)]
    if any(column is None for column in codes):
        return None
    return AnswerArrays.of_codes(codes)


def _elements_of(responses: Responses) -> pd.DataFrame:
    """Answers keyed by the questionnaire's element codes (U1, U2, ...)."""
    rated = _rated_items(responses)
    return responses.items[[i.id for i in rated]].set_axis([i.element for i in rated], axis=1)


def analyses_for(run: SurveyRun) -> list[str]:
    """The project's list for this survey, else the default for the questionnaire's kind."""
    if run.spec.analyses is not None:
        return list(run.spec.analyses)
    return DEFAULT_ANALYSES[run.responses.questionnaire.kind]


ANALYSES: dict[str, Callable[[SurveyRun], dict[str, Any]]] = {
    "validity": validity,
    "reliability": reliability,
    "servqual": servqual,
    "ipa": ipa,
    "csi": ipa,
    "ikm": ikm,
}
ANALYSES.update(THESIS_ANALYSES)  # descriptives, normality, construct_validity, omega, ...
