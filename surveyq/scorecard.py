"""Balanced Scorecards described in YAML, evaluated against IKU actuals and survey results.

A scorecard file (docs/scorecard-format.md) names the scheme, the perspectives and their
weights, the strategic objectives, and the IKU (indikator kinerja utama) with their targets,
polarity, consolidation, weight and source: a code in the actuals file (CSV/XLSX with columns
indicator, period, realisation and optionally target) or a number in a survey's results
(``survey: skm, value: analyses.ikm.summary.converted``). :meth:`Scorecard.evaluate` runs
the Kementerian Keuangan chain (KMK 467/KMK.01/2014, replaced by KMK 300/KMK.01/2022;
docs/methods.md section 7): period values -> consolidation -> indeks capaian IKU
(ICI) by polarity, capped -> objective and perspective values (NP) -> Nilai Kinerja
Organisasi (NKO) -> predicate; or the composite index with LAN (1999) bands (section 8,
Nugrahini et al.) or Heitasari et al.'s weighted score table. The arithmetic is in
:mod:`surveyq.scorecard_math`; the design checks in :func:`surveyq.lint.lint_scorecard`.

Example
-------
>>> import pandas as pd
>>> card = parse_scorecard({
...     "title": {"id": "Contoh", "en": "Example"},
...     "perspectives": [{"id": "customer", "name": {"id": "Pelanggan", "en": "Customer"},
...                       "weight": 1}],
...     "indicators": [{"id": "c1", "name": {"id": "Indeks", "en": "Index"},
...                     "perspective": "customer", "target": 80, "polarity": "max"}],
... })
>>> res = card.evaluate(pd.DataFrame({"indicator": ["c1"], "period": ["2025"],
...                                   "realisation": [88]}))
>>> res.score, res.predicate["label"]["id"]
(110.0, 'Istimewa')
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from numbers import Real
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from surveyq.bands import BANDS, band_table, classify
from surveyq.errors import InputError
from surveyq.io import read_raw
from surveyq.lint import _canonical_perspective, lint_iku_manual, lint_scorecard
from surveyq.messages import joined, msg
from surveyq.questionnaire import Text, normalise_label
from surveyq.scorecard_math import (
    NKO_PREDICATES,
    POLARITIES,
    WEIGHT_TOLERANCE,
    composite_index,
    consolidate_periods,
    ici_colour,
    iku_index,
    nko,
    perspective_value,
    weighted_score,
)
from surveyq.yamlfile import read_yaml

__all__ = [
    "ACTUALS_COLUMNS",
    "DEFAULT_PREDICATES",
    "TRANSFORMS",
    "Actuals",
    "IciOptions",
    "Indicator",
    "LintOptions",
    "Objective",
    "Perspective",
    "Scorecard",
    "ScorecardResult",
    "Source",
    "evaluate_project_scorecard",
    "load_scorecard",
    "parse_scorecard",
    "read_actuals",
]

Scheme = Literal["kemenkeu-nko", "composite", "weighted-score"]
Polarity = Literal["max", "min", "stabilize"]
Consolidation = Literal["sum", "average", "last"]
IkuType = Literal["exact", "proxy", "activity", "project"]
Controllability = Literal["high", "moderate", "low"]
Transform = Literal["none", "rescale", "servqual-conformity"]
ReportingPeriod = Literal["monthly", "quarterly", "semester", "annual"]
TrendBy = Literal["year", "period", "to-date"]

#: Predicate (band) table used when the YAML names none, by scheme.
DEFAULT_PREDICATES: dict[str, str] = {
    "kemenkeu-nko": "kemenkeu-lakin",
    "composite": "lan-1999",
    "weighted-score": "company-score-harumantaka",
}

#: Named transforms of a survey value into an IKU realisation.
TRANSFORMS: dict[str, str] = {
    "none": "the value as it is in the survey's results",
    "rescale": (
        "value / scale_max x scale_to: a mean on a 1..scale_max scale as an index on scale "
        "scale_to (default 100); scale_max defaults to the survey's highest scale point"
    ),
    "servqual-conformity": (
        "mean of the items' conformity (tingkat kesesuaian, perception / expectation x 100) of "
        "the SERVQUAL result at `value` (default analyses.servqual)"
    ),
}

#: Columns of an actuals file and the header spellings accepted for each.
ACTUALS_COLUMNS: dict[str, tuple[str, ...]] = {
    "indicator": ("indicator", "iku", "kode", "kode iku", "code", "indikator"),
    "period": ("period", "periode"),
    "realisation": ("realisation", "realization", "realisasi", "value", "nilai"),
    "target": ("target",),
}

_DOCS = "see docs/scorecard-format.md"
_SORTABLE_PERIOD = re.compile(r"^\d{4}(-(Q[1-4]|S[12]|H[12]|0[1-9]|1[0-2]))?$", re.IGNORECASE)
_RECORD_KEYS = ("id", "item", "dimension", "element", "code")


# --------------------------------------------------------------------------- YAML models


def _polarity(value: Any) -> Any:
    key = str(value).strip().lower()
    for canonical, spellings in POLARITIES.items():
        if key in spellings:
            return canonical
    return value


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise ValueError(msg("scorecard.not_a_number", what=what, value=repr(value)))
    return float(value)


def _target(value: Any) -> float | tuple[float, float] | None:
    """A positive number, or [low, high] with 0 <= low <= high and high > 0."""
    if value is None:
        return None
    if isinstance(value, list | tuple):
        if len(value) != 2:
            raise ValueError(msg("scorecard.range_two_numbers", value=repr(value)))
        low, high = _number(value[0], "target low"), _number(value[1], "target high")
        if low > high:
            raise ValueError(msg("scorecard.range_low_above_high", low=low, high=high))
        if low < 0 or high <= 0:
            raise ValueError(msg("scorecard.range_bounds"))
        return (low, high)
    number = _number(value, "target")
    if number <= 0:
        raise ValueError(msg("scorecard.target_positive", number=number))
    return number


class Source(BaseModel):
    """Where an IKU's realisation comes from: the actuals file or a survey's results.

    Give ``actuals`` (the indicator code in the actuals file), or ``survey`` with ``value``
    (a dotted path into that survey's results) and optionally a named ``transform``
    (:data:`TRANSFORMS`).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    actuals: str | None = None
    survey: str | None = None
    finance: str | None = None
    value: str | None = None
    transform: Transform = "none"
    scale_to: float | None = Field(default=None, gt=0)
    scale_max: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _one_kind(self) -> Source:
        kinds = [k for k in ("actuals", "survey", "finance") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError(msg("scorecard.source_one_kind"))
        if self.finance is not None and (self.value is not None or self.transform != "none"):
            raise ValueError(msg("scorecard.source_finance_path"))
        survey_keys = {"value": self.value, "scale_to": self.scale_to, "scale_max": self.scale_max}
        if self.actuals is not None and (any(v is not None for v in survey_keys.values())
                                         or self.transform != "none"):
            raise ValueError(msg("scorecard.source_survey_keys"))
        if self.survey is not None and self.value is None \
                and self.transform != "servqual-conformity":
            raise ValueError(msg("scorecard.source_needs_value"))
        if self.transform != "rescale" and (self.scale_to or self.scale_max):
            raise ValueError(msg("scorecard.rescale_only"))
        return self

    @property
    def path(self) -> str:
        """The dotted path read from the survey's results."""
        return self.value or "analyses.servqual"


class Perspective(BaseModel):
    """A BSC perspective and its weight in the score (fractions or percentages)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    name: Text
    weight: float | None = Field(default=None, ge=0)


class Objective(BaseModel):
    """A strategic objective (sasaran strategis) of one perspective.

    ``supports`` lists the objectives this one drives (the cause-effect arrows of the
    strategy map, drawn from this objective to each of them).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    name: Text
    perspective: str
    supports: list[str] = Field(default_factory=list)


class Indicator(BaseModel):
    """One IKU: target, polarity, consolidation, weight within its perspective, source."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    name: Text
    objective: str | None = None
    perspective: str | None = None
    target: Any = None
    unit: Text | str = ""
    polarity: Polarity
    consolidation: Consolidation = "last"
    weight: float | None = Field(default=None, ge=0)
    iku_type: IkuType | None = None
    controllability: Controllability | None = None
    validity_weight: float | None = Field(default=None, ge=0, le=1)
    controllability_weight: float | None = Field(default=None, ge=0, le=1)
    cap: float | None = Field(default=None, gt=0)
    source: Source | None = None
    description: Text | str | None = None
    formula: Text | str | None = None
    data_source: Text | str | None = None
    responsible: str | None = None
    reporting_period: ReportingPeriod | None = None
    score_table: str | None = None

    @field_validator("target")
    @classmethod
    def _check_target(cls, value: Any) -> float | tuple[float, float] | None:
        return _target(value)

    @field_validator("polarity", mode="before")
    @classmethod
    def _check_polarity(cls, value: Any) -> Any:
        return _polarity(value)

    @field_validator("iku_type", "controllability", "reporting_period", mode="before")
    @classmethod
    def _lower_case(cls, value: Any) -> Any:
        # IKU manuals print "Exact", "Moderate", "Quarterly": accept them as written
        return value.strip().lower() if isinstance(value, str) else value

    @property
    def source_or_default(self) -> Source:
        """The source, or ``actuals: <id>`` when none is given."""
        return self.source or Source(actuals=self.id)

    @property
    def is_range(self) -> bool:
        return isinstance(self.target, tuple)


class IciOptions(BaseModel):
    """How a capaian becomes the ICI scored (:func:`surveyq.scorecard_math.iku_index`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    cap: float = 120.0
    floor: float = 0.0
    rule: Literal["kemenkeu", "permenpanrb-110"] = "kemenkeu"
    stabilize: Literal["nearest-bound"] = "nearest-bound"
    colours: str = "ici-colour"

    @model_validator(mode="after")
    def _cap_above_floor(self) -> IciOptions:
        if self.cap <= self.floor:
            raise ValueError(msg("scorecard.cap_above_floor", cap=self.cap, floor=self.floor))
        return self


class LintOptions(BaseModel):
    """Options passed to :func:`surveyq.lint.lint_scorecard`."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    contract_level: Literal["eselon-1", "eselon-2", "eselon-3", "other"] | None = None
    strategy_map_owner: bool = False
    iku_manual: bool | None = None


class TrendOptions(BaseModel):
    """Score the scorecard period by period (the NKO series of a LAKIN).

    ``by``: ``year`` groups the actuals periods by their year (2025-Q1..2025-Q4 -> 2025,
    each IKU consolidated within the year by its own consolidation); ``period`` scores each
    period on its own; ``to-date`` scores each period cumulatively from the start of its
    year (Kemenkeu's quarterly "s.d. triwulan"). ``periods`` keeps only those groups;
    ``note`` is printed with the series (say so when the figures are illustrative).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    by: TrendBy = "year"
    periods: list[str] | None = None
    note: Text | None = None


class ScoreRule(BaseModel):
    """One row of an achievement-to-score table: achievement >= ``min`` scores ``score``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    min: float | None = None
    score: int = Field(ge=1)


class ScoreTable(BaseModel):
    """A named achievement-to-score table for the weighted-score scheme.

    The achievement is the IKU's capaian (ICI before the cap, in percent, by polarity);
    the rules are read top down and the first whose ``min`` it reaches gives the score;
    the last rule has no ``min`` (everything below). ``source`` says where the thresholds
    come from: surveyq ships none, because the papers print scores, not thresholds.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    title: Text | None = None
    source: Text | str | None = None
    scale_max: int = Field(ge=2)
    rules: list[ScoreRule] = Field(min_length=2)

    @model_validator(mode="after")
    def _ordered(self) -> ScoreTable:
        mins = [r.min for r in self.rules]
        if mins[-1] is not None or any(m is None for m in mins[:-1]):
            raise ValueError(msg("scorecard.rules_min"))
        if any(a <= b for a, b in zip(mins[:-2], mins[1:-1], strict=True)):
            raise ValueError(msg("scorecard.rules_order"))
        if any(r.score > self.scale_max for r in self.rules):
            raise ValueError(msg("scorecard.rules_scores", scale_max=self.scale_max))
        return self

    def score(self, achievement: float) -> int:
        """The score of an achievement (percent)."""
        return next(r.score for r in self.rules if r.min is None or achievement >= r.min)


class Scorecard(BaseModel):
    """A whole scorecard as read from YAML; evaluate it with :meth:`evaluate`.

    See docs/scorecard-format.md for every key and questionnaires/demo/scorecard.yaml for
    an example modelled on Hartini & Habibi (2023, LAKIN KPPBC TMP Merak).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    scheme: Scheme = "kemenkeu-nko"
    title: Text
    source: str | None = None
    predicate: str | None = None
    normalise_weights: bool = False
    ici: IciOptions = Field(default_factory=IciOptions)
    scale_max: int = Field(default=3, ge=2)
    lint: LintOptions = Field(default_factory=LintOptions)
    perspectives: list[Perspective] = Field(min_length=1)
    objectives: list[Objective] = Field(default_factory=list)
    indicators: list[Indicator] = Field(min_length=1)
    weights_from: dict[str, str] = Field(default_factory=dict)
    trend: TrendOptions | None = None
    score_tables: dict[str, ScoreTable] = Field(default_factory=dict)
    score_table: str | None = None
    _file: str = PrivateAttr(default="<scorecard>")

    @property
    def file(self) -> str:
        """The file the scorecard was read from (for messages)."""
        return self._file

    @property
    def unweighted(self) -> bool:
        """No perspective has a weight and none comes from a comparison: a design (IKU
        definitions), which is linted and printed but scores only once weights are given."""
        return "perspectives" not in self.weights_from \
            and all(p.weight is None for p in self.perspectives)

    @property
    def predicate_table(self) -> str:
        """Name of the predicate table in :data:`surveyq.bands.BANDS`."""
        name = self.predicate or DEFAULT_PREDICATES[self.scheme]
        return NKO_PREDICATES.get(name, name)

    def perspective_of(self, indicator: Indicator) -> str:
        """The perspective id of an IKU (from its objective when it names one)."""
        if indicator.objective is not None:
            return next(o.perspective for o in self.objectives if o.id == indicator.objective)
        return str(indicator.perspective)

    def indicators_of(self, perspective: str) -> list[Indicator]:
        return [i for i in self.indicators if self.perspective_of(i) == perspective]

    def evaluate(
        self,
        actuals: pd.DataFrame | str | Path | Actuals | None = None,
        surveys: Mapping[str, Mapping[str, Any]] | None = None,
        period: str | None = None,
        project: Mapping[str, Any] | None = None,
    ) -> ScorecardResult:
        """Score the scorecard: ICI per IKU, objective and perspective values, NKO, predicate.

        Parameters
        ----------
        actuals : DataFrame, path or Actuals, optional
            IKU realisations per period: columns ``indicator``, ``period``, ``realisation``
            and optionally ``target`` (overrides the YAML target for that period); a CSV or
            XLSX file with those columns (see :func:`read_actuals`).
        surveys : mapping, optional
            Survey name -> that survey's JSON-ready results (``results["surveys"]`` of a
            project run; a whole results mapping is accepted too).
        period : str, optional
            Consolidate the periods up to and including this one (default: all; with
            ``trend``, a trend label such as ``2024`` or, by default, the latest one).
        project : mapping, optional
            The project's results (``finance`` and ``strategy`` entries): read by IKU with
            ``source: {finance: <path>}`` and by ``weights_from``.

        Returns
        -------
        ScorecardResult

        Raises
        ------
        InputError
            A bad actuals file, an unknown period, a survey source whose survey or path is
            not in the results, a realisation the scheme cannot score. Every problem at once.

        Notes
        -----
        ICI by polarity (max R/T x 100; min (1 + (1 - R/T)) x 100; stabilize 100 inside the
        band, else nearest-bound), clamped to [floor, cap]; NP_p = sum w_i ICI_i / sum w_i
        over the IKU with data; NKO = sum_p B_p NP_p (docs/methods.md section 7, KMK
        467/KMK.01/2014 and KMK 300/KMK.01/2022). An IKU without data is reported, left out
        of its perspective's weights, and named in ``notes``.
        """
        card = _with_comparison_weights(self, project)
        table = read_actuals(actuals)
        context = _Context(_survey_mapping(surveys), project)
        trend = _trend(card, table, context) if card.trend is not None else None
        periods = None
        if trend is not None and (period is None or str(period) in trend.groups):
            label = str(period) if period is not None else trend.labels[-1]
            current = trend.results[label]
            if label == trend.labels[-1] and isinstance(current, ScorecardResult):
                # _trend scored the current period with these arguments: not again
                return _with_trend(current, trend)
            periods, period = trend.groups[label], label
        elif trend is not None:  # a period inside a year: that year's periods up to it
            periods = tuple(p for p in table.up_to(period) if _year(p) == _year(str(period)))
        result = _evaluate(card, table, context, period, periods)
        return result if trend is None else _with_trend(result, trend)


# --------------------------------------------------------------------------- loading


def _duplicates(kind: str, ids: list[str]) -> list[tuple[str, str]]:
    seen: dict[str, int] = {}
    problems = []
    for index, ident in enumerate(ids):
        if ident in seen:
            problems.append((f"{kind}[{index}] (id {ident}).id",
                             msg("scorecard.duplicate_id", id=ident,
                                 first=f"{kind}[{seen[ident]}]")))
        seen.setdefault(ident, index)
    return problems


def _reference_problems(card: Scorecard) -> list[tuple[str, str]]:
    perspectives = {p.id for p in card.perspectives}
    objectives = {o.id: o.perspective for o in card.objectives}
    problems = []
    for index, obj in enumerate(card.objectives):
        if obj.perspective not in perspectives:
            problems.append((f"objectives[{index}] (id {obj.id}).perspective",
                             msg("scorecard.unknown_perspective", perspective=obj.perspective,
                                 known=str(sorted(perspectives)))))
    for index, ind in enumerate(card.indicators):
        where = f"indicators[{index}] (id {ind.id})"
        problems += _indicator_references(card, where, ind, perspectives, objectives)
    return problems


def _indicator_references(card: Scorecard, where: str, ind: Indicator, perspectives: set[str],
                          objectives: dict[str, str]) -> list[tuple[str, str]]:
    problems = []
    if ind.objective is None and ind.perspective is None:
        problems.append((where, msg("scorecard.objective_missing")))
    if ind.objective is not None and ind.objective not in objectives:
        problems.append((f"{where}.objective", msg("scorecard.unknown_objective",
                                                   objective=ind.objective,
                                                   known=str(sorted(objectives)))))
    if ind.perspective is not None and ind.perspective not in perspectives:
        problems.append((f"{where}.perspective", msg("scorecard.unknown_perspective",
                                                     perspective=ind.perspective,
                                                     known=str(sorted(perspectives)))))
    elif ind.objective in objectives and ind.perspective not in (None, objectives[ind.objective]):
        problems.append((f"{where}.perspective", msg(
            "scorecard.objective_other_perspective", objective=ind.objective,
            belongs=objectives[ind.objective], given=ind.perspective)))
    if ind.target is None and card.scheme != "weighted-score":
        problems.append((f"{where}.target", msg("scorecard.target_missing", scheme=card.scheme)))
    return problems


def _link_problems(card: Scorecard) -> list[tuple[str, str]]:
    """Unknown objectives in ``supports``, unknown score tables, unknown weights_from keys."""
    objectives = {o.id for o in card.objectives}
    problems = []
    for index, obj in enumerate(card.objectives):
        for target in obj.supports:
            if target not in objectives or target == obj.id:
                problems.append((f"objectives[{index}] (id {obj.id}).supports",
                                 msg("scorecard.supports_unknown", target=target,
                                     known=str(sorted(objectives - {obj.id})))))
    tables = set(card.score_tables)
    if card.score_table is not None and card.score_table not in tables:
        problems.append(("score_table", msg("scorecard.score_table_unknown",
                                            table=card.score_table, defined=str(sorted(tables)))))
    for index, ind in enumerate(card.indicators):
        if ind.score_table is not None and ind.score_table not in tables:
            problems.append((f"indicators[{index}] (id {ind.id}).score_table",
                             msg("scorecard.score_table_unknown", table=ind.score_table,
                                 defined=str(sorted(tables)))))
    for name, table in card.score_tables.items():
        if card.scheme == "weighted-score" and table.scale_max != card.scale_max:
            problems.append((f"score_tables.{name}.scale_max", msg(
                "scorecard.score_table_scale_max", given=table.scale_max,
                scale_max=card.scale_max)))
    keys = {"perspectives", *(p.id for p in card.perspectives)}
    for key in card.weights_from:
        if key not in keys:
            problems.append((f"weights_from.{key}", msg(
                "scorecard.weights_from_key", known=str(sorted(keys - {"perspectives"})))))
    return problems


def _weights_sum(total: float) -> bool:
    return abs(total - 1.0) <= WEIGHT_TOLERANCE or abs(total - 100.0) <= WEIGHT_TOLERANCE * 100


def _weight_problems(card: Scorecard) -> list[tuple[str, str]]:
    fix = msg("scorecard.weights_fix")
    problems = []
    if "perspectives" not in card.weights_from:
        missing = [p.id for p in card.perspectives if p.weight is None]
        total = sum(p.weight or 0 for p in card.perspectives)
        if card.unweighted:
            pass  # a design (an IKU manual): evaluated only when it is scored
        elif missing:
            problems.append(("perspectives", msg("scorecard.perspectives_unweighted",
                                                 missing=str(missing))))
        elif total <= 0 or not (card.normalise_weights or _weights_sum(total)):
            problems.append(("perspectives", msg("scorecard.weights_sum", total=total, fix=fix)))
    for perspective in card.perspectives:
        if perspective.id not in card.weights_from:
            problems += _indicator_weight_problems(card, perspective.id, fix)
    return problems


def _indicator_weight_problems(card: Scorecard, perspective: str,
                               fix: str) -> list[tuple[str, str]]:
    members = card.indicators_of(perspective)
    if not members:
        return [(f"perspectives (id {perspective})", msg("scorecard.perspective_empty"))]
    given = [i.weight for i in members]
    ids = [i.id for i in members]
    if all(w is None for w in given):
        return []
    if any(w is None for w in given):
        missing = [i for i, w in zip(ids, given, strict=True) if w is None]
        return [(f"indicators (perspective {perspective}).weight",
                 msg("scorecard.iku_weights_partial", missing=str(missing)))]
    total = float(sum(given))
    if total <= 0 or not (card.normalise_weights or _weights_sum(total)):
        return [(f"indicators (perspective {perspective}).weight",
                 msg("scorecard.iku_weights_sum", ids=str(ids), total=total, fix=fix))]
    return []


def _option_problems(card: Scorecard) -> list[tuple[str, str]]:
    problems = []
    if card.predicate_table not in BANDS:
        known = sorted({*NKO_PREDICATES, *BANDS})
        problems.append(("predicate", msg("scorecard.predicate_unknown", table=card.predicate,
                                          known=str(known))))
    if card.ici.colours not in BANDS:
        problems.append(("ici.colours", msg("scorecard.colours_unknown", table=card.ici.colours,
                                            known=str(sorted(BANDS)))))
    return problems


def _cross_check(card: Scorecard) -> list[tuple[str, str]]:
    """Problems pydantic cannot see: references, targets, weights. (key path, message)."""
    problems = (
        _duplicates("perspectives", [p.id for p in card.perspectives])
        + _duplicates("objectives", [o.id for o in card.objectives])
        + _duplicates("indicators", [i.id for i in card.indicators])
        + _reference_problems(card)
        + _option_problems(card)
        + _link_problems(card)
    )
    if not problems:  # weights need every reference resolved
        problems += _weight_problems(card)
    return problems


def parse_scorecard(raw: Any, file: str = "<scorecard>") -> Scorecard:
    """Validate a scorecard mapping; every problem is reported in one InputError.

    Parameters
    ----------
    raw : mapping
        The YAML content.
    file : str
        The file's name, used in messages.

    Returns
    -------
    Scorecard

    Raises
    ------
    InputError
        Naming the file, each key path (``indicators[3] (id 5a).target``) and the fix.
    """
    if not isinstance(raw, dict):
        raise InputError(msg("error.see_page", detail=msg("error.scorecard_not_mapping"),
                             page="docs/scorecard-format.md"), file)
    try:
        card = Scorecard.model_validate(raw)
    except ValidationError as exc:
        from surveyq.validation import describe_errors

        raise InputError(msg("error.see_page", detail=describe_errors(exc, raw, model=Scorecard),
                             page="docs/scorecard-format.md"), file) from None
    problems = _cross_check(card)
    if problems:
        raise InputError(msg("error.see_page", page="docs/scorecard-format.md",
                             detail=joined([msg("error.at", where=path, detail=message)
                                            for path, message in problems])), file)
    card._file = file
    return card


def load_scorecard(path: str | Path) -> Scorecard:
    """Read and validate a scorecard YAML file (format: docs/scorecard-format.md).

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    Scorecard

    Raises
    ------
    InputError
        A missing or unreadable file, invalid YAML (with line and column), or every problem
        in its content, each with its key path and fix.
    """
    file = Path(path)
    raw = read_yaml(file, "scorecard file")
    return parse_scorecard(raw, str(path))


# --------------------------------------------------------------------------- actuals


@dataclass(frozen=True)
class Actuals:
    """IKU realisations per period, as read by :func:`read_actuals`.

    Attributes
    ----------
    frame : DataFrame
        Columns indicator, period (str), realisation and target (float, NaN when blank) and
        row (the row number a person sees in the file).
    periods : tuple of str
        Every period in order: sorted when all are sortable labels (2025, 2025-Q1, 2025-S1,
        2025-H1, 2025-01), otherwise in order of first appearance.
    file : str or None
    notes : tuple of str
        Rows the reader left out (summary rows such as "Jumlah") and similar remarks.
    """

    frame: pd.DataFrame
    periods: tuple[str, ...] = ()
    file: str | None = None
    notes: tuple[str, ...] = ()

    def up_to(self, period: str | None) -> tuple[str, ...]:
        """The periods up to and including ``period`` (all when None)."""
        if period is None or not self.periods:  # no actuals: the period only labels a design
            return self.periods
        key = str(period)
        if key not in self.periods:
            raise InputError(msg("scorecard.period_unknown", period=repr(key),
                                 periods=str(list(self.periods))), self.file)
        return self.periods[: self.periods.index(key) + 1]

    def series(self, code: str, periods: tuple[str, ...]) -> tuple[pd.Series, pd.Series]:
        """Realisations and targets of one indicator code over ``periods`` (NaN = none)."""
        values, targets = self.arrays(code, periods)
        index = pd.Index(list(periods), dtype=self.frame["period"].dtype)
        return pd.Series(values, index=index), pd.Series(targets, index=index)

    def arrays(self, code: str, periods: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`series` as two float arrays lined up with ``periods``."""
        by_period = self._rows_by_code.get(code, {})
        pairs = [by_period.get(period, (math.nan, math.nan)) for period in periods]
        return (np.array([p[0] for p in pairs], dtype=float),
                np.array([p[1] for p in pairs], dtype=float))

    @cached_property
    def _rows_by_code(self) -> dict[str, dict[Any, tuple[float, float]]]:
        # A scorecard reads every indicator for every period of its trend: one dictionary
        # lookup each (code, then period) instead of pandas selections per reading.
        frame = self.frame
        table: dict[str, dict[Any, tuple[float, float]]] = {}
        for code, period, realisation, target in zip(
                frame["indicator"], frame["period"], frame["realisation"].astype(float),
                frame["target"].astype(float), strict=True):
            if not pd.isna(code):  # as grouping by indicator leaves such rows out
                table.setdefault(str(code), {})[period] = (realisation, target)
        return table


def _header_map(columns: Iterable[Any], file: str | None) -> dict[Any, str]:
    found: dict[Any, str] = {}
    for column in columns:
        key = normalise_label(column).replace("_", " ")
        for canonical, spellings in ACTUALS_COLUMNS.items():
            if key in spellings and canonical not in found.values():
                found[column] = canonical
    lacking = [c for c in ("indicator", "period", "realisation") if c not in found.values()]
    if lacking:
        raise InputError(msg("scorecard.actuals_columns", lacking=str(lacking),
                             columns=str(list(columns))), file)
    return found


def _cell_number(cell: Any, decimal: str) -> float:
    """A float from a cell; NaN when blank; ValueError when it is not a number."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return math.nan
    if isinstance(cell, bool):
        raise ValueError(cell)
    if isinstance(cell, Real):
        return float(cell)
    text = str(cell).strip().rstrip("%").strip().replace(" ", "")
    if not text:
        return math.nan
    if decimal == ",":
        text = text.replace(".", "").replace(",", ".")
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(cell)
    return number


def _label(cell: Any) -> str | None:
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return None
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    text = str(cell).strip()
    return text or None


def _parse_rows(frame: pd.DataFrame, rows: list[int], decimal: str,
                file: str | None) -> pd.DataFrame:
    problems, records = [], []
    for (_, record), row in zip(frame.iterrows(), rows, strict=True):
        parsed = {"indicator": _label(record["indicator"]), "period": _label(record["period"]),
                  "row": row}
        for column in ("indicator", "period"):
            if parsed[column] is None:
                problems.append(msg("scorecard.cell_empty", row=row, column=column))
        for column in ("realisation", "target"):
            try:
                parsed[column] = _cell_number(record.get(column), decimal)
            except ValueError:
                problems.append(msg("scorecard.cell_not_number", row=row, column=column,
                                    value=repr(record.get(column))))
        records.append(parsed)
    if problems:
        raise InputError(joined(problems), file)
    return pd.DataFrame(records, columns=["indicator", "period", "realisation", "target", "row"])


def _check_duplicates(frame: pd.DataFrame, file: str | None) -> None:
    repeated = frame[frame.duplicated(["indicator", "period"], keep=False)]
    if not repeated.empty:
        lines = [msg("scorecard.repeated_row", code=key[0], period=key[1],
                     rows=str(list(group["row"])))
                 for key, group in repeated.groupby(["indicator", "period"], sort=False)]
        raise InputError(msg("scorecard.repeated_rows", lines=joined(lines)), file)


def _period_order(labels: Iterable[str]) -> tuple[str, ...]:
    ordered = tuple(dict.fromkeys(labels))
    if ordered and all(_SORTABLE_PERIOD.match(label) for label in ordered):
        return tuple(sorted(ordered, key=str.upper))
    return ordered


def _reader_notes(raw: Any) -> tuple[str, ...]:
    skipped = {"row_excluded", "column_dropped", "column_ignored"}
    return tuple(
        msg("scorecard.actuals_log", file=entry.file, message=entry.message)
        for entry in raw.log.entries
        if getattr(entry.action, "value", entry.action) in skipped
        and getattr(entry.reason, "value", entry.reason) != "blank_row"
    )


def _raw_actuals(source: pd.DataFrame | str | Path) -> tuple[pd.DataFrame, list[int], str,
                                                             str | None, tuple[str, ...]]:
    """(frame, row numbers, decimal mark, file, reader notes) of a DataFrame or a file."""
    if isinstance(source, pd.DataFrame):  # row numbers as in a sheet with a header row
        return source, [i + 2 for i in range(len(source))], ".", None, ()
    raw = read_raw(Path(source))
    return raw.frame, list(raw.rows), raw.decimal, str(source), _reader_notes(raw)


def read_actuals(source: pd.DataFrame | str | Path | Actuals | None) -> Actuals:
    """Read IKU actuals: a CSV or XLSX file, or a DataFrame, with one row per IKU and period.

    Parameters
    ----------
    source : DataFrame, path, Actuals or None
        Columns ``indicator`` (the code an IKU's ``source.actuals`` names, by default its
        id), ``period`` (e.g. 2025-Q1), ``realisation`` and optionally ``target`` (that
        period's target, overriding the YAML target). Indonesian headers (kode, periode,
        realisasi) are accepted. None gives an empty table.

    Returns
    -------
    Actuals

    Raises
    ------
    InputError
        A missing file or column, a cell that is not a number, an empty code or period, or
        an indicator repeated within a period; every such cell is listed, by row.

    Notes
    -----
    Files are read with :func:`surveyq.io.read_raw` (encoding, separator and decimal comma
    detected). A blank realisation means "no data for that period". Rows the reader leaves
    out (a "Jumlah"/"Total" summary row) are listed in :attr:`Actuals.notes`.
    """
    if isinstance(source, Actuals):
        return source
    if source is None:
        empty = pd.DataFrame(columns=["indicator", "period", "realisation", "target", "row"])
        return Actuals(frame=empty)
    frame, rows, decimal, file, notes = _raw_actuals(source)
    renamed = frame.rename(columns=_header_map(frame.columns, file))
    if "target" not in renamed.columns:
        renamed = renamed.assign(target=None)
    parsed = _parse_rows(renamed, rows, decimal, file)
    _check_duplicates(parsed, file)
    return Actuals(frame=parsed, periods=_period_order(parsed["period"]), file=file,
                   notes=tuple(notes))


# --------------------------------------------------------------------------- survey values


def _survey_mapping(surveys: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    if surveys is None:
        return None
    if not isinstance(surveys, Mapping):
        raise InputError(msg("scorecard.surveys_mapping"))
    if "surveys" in surveys and "schema" in surveys:
        return surveys["surveys"]
    return surveys


def _record(node: list[Any], part: str) -> Any:
    if re.fullmatch(r"-?\d+", part):
        index = int(part)
        if -len(node) <= index < len(node):
            return node[index]
        raise KeyError(part)
    for record in node:
        if isinstance(record, Mapping):
            keys = [k for k in _RECORD_KEYS if k in record] + list(record)[:1]
            if any(str(record[k]) == part for k in keys):
                return record
    raise KeyError(part)


def _step(node: Any, parts: list[str], position: int) -> tuple[Any, int]:
    """One step of a dotted path; keys holding dots ("summary.n") are tried longest first."""
    if isinstance(node, Mapping):
        for end in range(len(parts), position, -1):
            key = ".".join(parts[position:end])
            if key in node:
                return node[key], end
        raise KeyError(parts[position])
    if isinstance(node, list):
        return _record(node, parts[position]), position + 1
    raise KeyError(parts[position])


def _available(node: Any) -> str:
    if isinstance(node, Mapping):
        return msg("scorecard.path_keys", keys=str(list(node)[:15]))
    if isinstance(node, list):
        return msg("scorecard.path_list", n=len(node))
    return msg("scorecard.path_value", value=repr(node))


def _resolve(results: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path; KeyError with a readable reason when it is not there."""
    parts = [p for p in path.split(".") if p]
    node, position, walked = results, 0, []
    while position < len(parts):
        try:
            node, end = _step(node, parts, position)
        except KeyError:
            where = ".".join(walked) or msg("scorecard.path_root")
            raise KeyError(msg("scorecard.path_missing", where=where,
                               part=repr(parts[position]), available=_available(node))) from None
        walked.append(".".join(parts[position:end]))
        position = end
    return node


def _as_number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise InputError(msg("scorecard.value_not_number", what=what, value=repr(value)))
    return float(value)


def _scale_max(results: Mapping[str, Any], source: Source) -> float:
    if source.scale_max is not None:
        return source.scale_max
    tops = set()
    for scale in (results.get("scales") or {}).values():
        points = [float(p) for p in scale.get("points", []) if re.fullmatch(r"-?\d+(\.\d+)?",
                                                                             str(p))]
        if points:
            tops.add(max(points))
    if len(tops) != 1:
        raise InputError(msg("scorecard.scale_max_unknown", survey=repr(source.survey),
                             tops=str(sorted(tops))))
    return tops.pop()


def _conformity(node: Any, what: str) -> float:
    items = node.get("items") if isinstance(node, Mapping) else node
    values = [r.get("conformity") for r in items or [] if isinstance(r, Mapping)]
    numbers = [float(v) for v in values if isinstance(v, Real) and math.isfinite(v)]
    if not numbers:
        raise InputError(msg("scorecard.no_conformity", what=what))
    return float(np.mean(numbers))


def _transformed(value: Any, results: Mapping[str, Any], source: Source,
                 what: str) -> tuple[float, str]:
    """(realisation, description of how it was obtained)."""
    survey = _text_of(results.get("title")) or {"id": source.survey, "en": source.survey}
    where = {"survey": survey["en"], "survey_id": survey["id"], "path": source.path}
    if source.transform == "servqual-conformity":
        return _conformity(value, what), msg("scorecard.source_survey_conformity", **where)
    number = _as_number(value, what)
    if source.transform == "rescale":
        top, scale_to = _scale_max(results, source), source.scale_to or 100.0
        return number / top * scale_to, msg("scorecard.source_survey_rescaled", **where,
                                            value=number, scale_to=scale_to, top=top)
    return number, msg("scorecard.source_survey_value", **where)


def _text_of(title: Any) -> dict[str, str] | None:
    """A survey's bilingual title ({"id", "en"}) from its results, when it has one."""
    if isinstance(title, Mapping) and title.get("id"):
        return {"id": str(title["id"]), "en": str(title.get("en") or title["id"])}
    return None


def _failed_analysis(results: Mapping[str, Any], path: str) -> str | None:
    """The recorded problem when the path's analysis failed in the run, else None."""
    parts = path.split(".")
    if len(parts) < 2 or parts[0] != "analyses" or parts[1] in (results.get("analyses") or {}):
        return None
    return next((p for p in results.get("problems") or [] if str(p).startswith(f"{parts[1]}:")),
                None)


# --------------------------------------------------------------------------- evaluation


@dataclass
class _Reading:
    """One IKU's consolidated realisation and target, or why it has none."""

    realisation: float | None
    target: Any
    source: str
    missing: str | None = None
    periods: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()


def _actuals_reading(ind: Indicator, actuals: Actuals, periods: tuple[str, ...]) -> _Reading:
    code = str(ind.source_or_default.actuals)
    values, targets = actuals.arrays(code, periods)
    label = msg("scorecard.source_actuals", code=code)
    reported = ~np.isnan(values)
    if not reported.any():
        why = "no_actuals_row" if actuals.file or not actuals.frame.empty else "no_actuals"
        return _Reading(None, ind.target, label, missing=msg(f"scorecard.{why}", code=repr(code)))
    overridden = bool((~np.isnan(targets[reported])).any())
    if overridden and ind.is_range:
        raise InputError(msg("scorecard.range_target_override", iku=ind.id), actuals.file)
    try:
        result = consolidate_periods(periods, values, ind.consolidation,
                                     targets if overridden else None)
    except InputError as exc:
        raise InputError(msg("scorecard.iku_code", iku=ind.id, code=code, detail=exc.detail),
                         actuals.file) from None
    target = ind.target if result.target is None else result.target
    how = msg(f"scorecard.consolidation_{ind.consolidation}")
    return _Reading(result.realisation, target,
                    msg("scorecard.source_actuals_consolidated", code=code, how=how),
                    periods=tuple(result.periods), skipped=tuple(result.skipped))


def _survey_reading(ind: Indicator, surveys: Mapping[str, Any] | None, file: str,
                    index: int) -> _Reading:
    source = ind.source_or_default
    where = f"indicators[{index}] (id {ind.id}).source"
    label = msg("scorecard.source_survey", survey=source.survey, path=source.path)
    if surveys is None:
        return _Reading(None, ind.target, label, missing=msg("scorecard.no_survey_results"))
    if source.survey not in surveys:
        raise InputError(msg("scorecard.survey_unknown", iku=ind.id, survey=repr(source.survey),
                             known=str(sorted(surveys))), file, f"{where}.survey")
    results = surveys[source.survey]
    if not isinstance(results, Mapping):
        raise InputError(msg("scorecard.survey_not_mapping", iku=ind.id,
                             survey=repr(source.survey)), file, where)
    failed = _failed_analysis(results, source.path)
    if failed:
        return _Reading(None, ind.target, label,
                        missing=msg("scorecard.analysis_failed", problem=failed))
    try:
        value = _resolve(results, source.path)
    except KeyError as exc:
        raise InputError(msg("scorecard.survey_no_value", iku=ind.id, survey=repr(source.survey),
                             path=repr(source.path), reason=exc.args[0]),
                         file, f"{where}.value") from None
    what = msg("scorecard.what_survey", iku=ind.id, survey=repr(source.survey),
               path=repr(source.path))
    try:
        number, description = _transformed(value, results, source, what)
    except InputError as exc:
        raise InputError(exc.detail, file, where) from None
    return _Reading(number, ind.target, description)


def _finance_reading(ind: Indicator, project: Mapping[str, Any] | None, file: str,
                     index: int) -> _Reading:
    path = str(ind.source_or_default.finance)
    label = msg("scorecard.source_finance", path=path)
    finance = (project or {}).get("finance")
    if not finance:
        return _Reading(None, ind.target, label, missing=msg("scorecard.no_finance"))
    try:
        value = _resolve(finance, path)
    except KeyError as exc:
        raise InputError(msg("scorecard.finance_no_value", iku=ind.id, path=repr(path),
                             reason=exc.args[0]), file,
                         f"indicators[{index}] (id {ind.id}).source.finance") from None
    what = msg("scorecard.what_finance", iku=ind.id, path=repr(path))
    return _Reading(_as_number(value, what), ind.target, label)


@dataclass(frozen=True)
class _Context:
    """What IKU may be read from besides the actuals: survey and project results."""

    surveys: Mapping[str, Any] | None
    project: Mapping[str, Any] | None
    history: bool = False  # an earlier trend period: every IKU reads the actuals


def _readings(card: Scorecard, actuals: Actuals, context: _Context,
              periods: tuple[str, ...]) -> dict[str, _Reading]:
    readings, problems = {}, []
    for index, ind in enumerate(card.indicators):
        source = ind.source_or_default
        try:
            if context.history and source.actuals is None:
                readings[ind.id] = _actuals_reading(
                    ind.model_copy(update={"source": Source(actuals=ind.id)}), actuals, periods)
            elif source.survey is not None:
                readings[ind.id] = _survey_reading(ind, context.surveys, card.file, index)
            elif source.finance is not None:
                readings[ind.id] = _finance_reading(ind, context.project, card.file, index)
            else:
                readings[ind.id] = _actuals_reading(ind, actuals, periods)
        except InputError as exc:
            problems.append(exc.args[0])
    if problems:
        raise InputError(joined(problems))
    return readings


def _ici(card: Scorecard, ind: Indicator, reading: _Reading) -> tuple[float, float]:
    """(ICI, capaian before the cap) for the nko and composite schemes."""
    target = reading.target
    options = card.ici
    cap = ind.cap or options.cap
    try:
        ici = iku_index(reading.realisation, target, ind.polarity, cap=cap, floor=options.floor,
                        rule=options.rule, stabilize=options.stabilize)
        raw = iku_index(reading.realisation, target, ind.polarity, cap=1e300, floor=-1e300,
                        stabilize=options.stabilize)
    except InputError as exc:
        raise InputError(msg("scorecard.iku_detail", iku=ind.id, detail=exc.args[0]),
                         card.file) from None
    return ici, raw


def _score_table(card: Scorecard, ind: Indicator) -> str | None:
    return ind.score_table or card.score_table


def _table_score(card: Scorecard, ind: Indicator, reading: _Reading) -> tuple[float, int]:
    """(achievement in percent, score) of an IKU scored through a score table."""
    name = str(_score_table(card, ind))
    if reading.target is None:
        raise InputError(msg("scorecard.score_table_needs_target", iku=ind.id, table=repr(name)),
                         card.file)
    try:
        achievement = iku_index(reading.realisation, reading.target, ind.polarity, cap=1e300,
                                floor=-1e300, stabilize=card.ici.stabilize)
    except InputError as exc:
        raise InputError(msg("scorecard.iku_detail", iku=ind.id, detail=exc.args[0]),
                         card.file) from None
    return achievement, card.score_tables[name].score(achievement)


def _score_fraction(card: Scorecard, ind: Indicator, reading: _Reading) -> float:
    score = float(reading.realisation)
    if not 1 <= score <= card.scale_max:
        raise InputError(msg("scorecard.score_outside", iku=ind.id, score=score,
                             scale_max=card.scale_max), card.file)
    return score / card.scale_max


def _target_fields(target: Any) -> dict[str, float | None]:
    if isinstance(target, tuple):
        return {"target": None, "target_low": target[0], "target_high": target[1]}
    return {"target": None if target is None else float(target), "target_low": None,
            "target_high": None}


def _indicator_row(card: Scorecard, ind: Indicator, reading: _Reading,
                   notes: list[str]) -> dict[str, Any]:
    ici = colour = achievement = score = None
    if reading.missing is None and card.scheme == "weighted-score" \
            and _score_table(card, ind) is not None:
        achievement, score = _table_score(card, ind, reading)
        ici = score / card.scale_max
    elif reading.missing is None and card.scheme == "weighted-score":
        ici = _score_fraction(card, ind, reading)  # a fraction; no status colour
        score = reading.realisation
    elif reading.missing is None:
        ici, raw = _ici(card, ind, reading)
        colour = ici_colour(ici, card.ici.colours)
        if abs(raw - ici) > 1e-9:
            notes.append(msg("scorecard.ici_clamped", iku=ind.id, raw=raw, ici=ici,
                             rule=card.ici.rule, cap=ind.cap or card.ici.cap))
        if _score_table(card, ind) is not None:  # shown beside the ICI; not in the score
            achievement, score = _table_score(card, ind, reading)
    return {
        "id": ind.id, "name": ind.name.id, "name_en": ind.name.en,
        "perspective": card.perspective_of(ind), "objective": ind.objective,
        **_target_fields(reading.target), "unit": _plain_text(ind.unit),
        "polarity": ind.polarity,
        "consolidation": ind.consolidation, "weight": None, "weight_given": None,
        "realisation": reading.realisation, "ici": ici, "colour": colour,
        "source": reading.source, "periods": list(reading.periods),
        "iku_type": ind.iku_type, "controllability": ind.controllability,
        "achievement": achievement, "score": score, "score_table": _score_table(card, ind),
    }


def _normalised_note(perspective: str | None, total: float) -> str:
    """Perspective weights (``perspective`` None) or the IKU weights of one perspective."""
    if perspective is None:
        return msg("scorecard.perspective_weights_normalised", total=total)
    return msg("scorecard.iku_weights_normalised", perspective=perspective, total=total)


def _design_weights(card: Scorecard, notes: list[str]) -> tuple[pd.Series, pd.Series, bool]:
    """(perspective fractions, IKU fractions within their perspective, normalised?)."""
    given = pd.Series({p.id: p.weight for p in card.perspectives}, dtype=float)
    perspectives, normalised = (given, False) if card.unweighted \
        else _to_fractions(given, None, notes)
    within = {}
    for perspective in card.perspectives:
        members = card.indicators_of(perspective.id)
        if all(i.weight is None for i in members):
            if len(members) > 1:
                notes.append(msg("scorecard.equal_weights", perspective=perspective.id,
                                 count=len(members)))
            within.update({i.id: 1 / len(members) for i in members})
            continue
        fractions, changed = _to_fractions(
            pd.Series({i.id: i.weight for i in members}, dtype=float),
            perspective.id, notes)
        within.update(fractions.to_dict())
        normalised = normalised or changed
    return perspectives, pd.Series(within, dtype=float), normalised


def _to_fractions(weights: pd.Series, what: str | None,
                  notes: list[str]) -> tuple[pd.Series, bool]:
    total = float(weights.sum())
    if abs(total - 100.0) <= WEIGHT_TOLERANCE * 100:
        return weights / 100.0, False
    if abs(total - 1.0) <= WEIGHT_TOLERANCE:
        return weights, False
    notes.append(_normalised_note(what, total))
    return weights / total, True


def _effective_weights(frame: pd.DataFrame, within: pd.Series) -> pd.Series:
    """IKU weights rescaled over the IKU with data in each perspective; NaN for the others."""
    has_data = frame["ici"].notna()
    weights = frame["id"].map(within).where(has_data)
    totals = weights.groupby(frame["perspective"]).transform("sum")
    return weights / totals.where(totals > 0)


def _missing_notes(card: Scorecard, frame: pd.DataFrame,
                   readings: dict[str, _Reading]) -> list[str]:
    notes = []
    for ind in card.indicators:
        reading = readings[ind.id]
        if reading.missing:
            notes.append(msg("scorecard.no_realisation", iku=ind.id, name=ind.name.en,
                             name_id=ind.name.id, why=reading.missing,
                             perspective=card.perspective_of(ind)))
        if reading.skipped:
            notes.append(msg("scorecard.periods_skipped", iku=ind.id,
                             periods=str(list(reading.skipped))))
    return notes


def _objective_frame(card: Scorecard, frame: pd.DataFrame) -> pd.DataFrame:
    rows = []
    # each objective's IKU by position, looked up once (a mask over the frame per objective
    # cost more than the arithmetic); the sums stay pandas' on the same values
    ici = frame["ici"].to_numpy(dtype=float)
    given = frame["weight_given"].to_numpy(dtype=float)
    positions: dict[Any, list[int]] = {}
    for position, objective in enumerate(frame["objective"].tolist()):
        if not math.isnan(ici[position]):
            positions.setdefault(objective, []).append(position)
    for obj in card.objectives:
        members = positions.get(obj.id, [])
        weights = pd.Series(given[members])
        value = float((pd.Series(ici[members]) * weights).sum() / weights.sum()) \
            if members and weights.sum() > 0 else None
        colour = None if value is None or card.scheme == "weighted-score" \
            else ici_colour(value, card.ici.colours)
        rows.append({"id": obj.id, "name": obj.name.id, "name_en": obj.name.en,
                     "perspective": obj.perspective, "value": value, "colour": colour,
                     "supports": list(obj.supports)})
    return pd.DataFrame(rows, columns=["id", "name", "name_en", "perspective", "value",
                                       "colour", "supports"])


def _perspective_values(card: Scorecard, frame: pd.DataFrame) -> pd.Series:
    # each perspective's weighted IKU picked by position in numpy (a mask over the frame and
    # two set_index per perspective cost more than perspective_value's arithmetic)
    ids = frame["id"].to_numpy(dtype=object)
    perspectives = frame["perspective"].to_numpy(dtype=object)
    ici = frame["ici"].to_numpy(dtype=float)
    weight = frame["weight"].to_numpy(dtype=float)
    weighted = ~np.isnan(weight)
    values = {}
    for perspective in card.perspectives:
        members = (perspectives == perspective.id) & weighted
        index = pd.Index(ids[members], name="id")
        values[perspective.id] = perspective_value(
            pd.Series(ici[members], index=index, name="ici"),
            pd.Series(weight[members], index=index, name="weight"),
        ) if members.any() else math.nan
    return pd.Series(values, dtype=float)


def _perspective_colour(card: Scorecard, value: float) -> str | None:
    """A perspective's traffic light, by the same rule as its IKU (none for weighted scores)."""
    if math.isnan(value) or card.scheme == "weighted-score":
        return None
    return ici_colour(value, card.ici.colours)


def _scheme_score(card: Scorecard, values: pd.Series, weights: pd.Series,
                  frame: pd.DataFrame) -> tuple[float, Any, pd.Series]:
    """(score, band, contributions) for the scheme."""
    table = card.predicate_table
    if card.scheme == "weighted-score":
        rows = frame[frame["weight"].notna()]
        result = weighted_score(
            pd.DataFrame({"perspective": rows["perspective"], "indicator": rows["id"],
                          "weight": rows["weight"],
                          "score": rows["ici"] * card.scale_max}),
            perspective_weights=weights, scale_max=card.scale_max)
        return result.total, classify(result.total, table), result.perspectives["value"]
    compute = nko if card.scheme == "kemenkeu-nko" else composite_index
    result = compute(values, weights, table)
    return result.value, result.band, result.contributions


#: Notes a scorecard that is not scored leaves out (its reason says it for every IKU).
_DESIGN_SILENT = ("scorecard.no_realisation", "scorecard.equal_weights")


def _not_scored(card: Scorecard, perspectives: pd.Series) -> pd.DataFrame:
    """The perspectives of a scorecard that is not scored: no value, no contribution."""
    return pd.DataFrame([
        {"id": p.id, "name": p.name.id, "name_en": p.name.en, "weight": math.nan,
         "weight_given": float(perspectives[p.id]), "value": math.nan,
         "contribution": math.nan, "colour": None} for p in card.perspectives])


def _score(card: Scorecard, frame: pd.DataFrame, perspectives: pd.Series,
           notes: list[str]) -> tuple[float | None, dict[str, Any] | None, pd.DataFrame]:
    """(score, predicate, perspectives); score and predicate None when nothing has data."""
    values = _perspective_values(card, frame)
    present = values.notna()
    if not present.any():
        return None, None, _not_scored(card, perspectives)
    if card.unweighted:
        missing = [p.id for p in card.perspectives]
        raise InputError(msg("error.at", where="perspectives", detail=msg(
            "scorecard.perspectives_unweighted", missing=str(missing))), card.file)
    if not present.all():
        notes.append(msg("scorecard.perspectives_without_data",
                         perspectives=str(list(values.index[~present]))))
    weights = perspectives[present] / perspectives[present].sum()
    score, band, contributions = _scheme_score(card, values[present], weights, frame)
    table = band_table(card.predicate_table)
    if table.note:
        notes.append(msg("scorecard.predicate_note", table=table.name, note=table.note))
    predicate = {"code": band.code, "label": {"id": band.label_id, "en": band.label_en},
                 "table": table.name, "source": table.source}
    frame_p = pd.DataFrame([
        {"id": p.id, "name": p.name.id, "name_en": p.name.en,
         "weight": float(weights.get(p.id, math.nan)), "weight_given": float(perspectives[p.id]),
         "value": float(values[p.id]), "contribution": float(contributions.get(p.id, math.nan)),
         "colour": _perspective_colour(card, float(values[p.id]))}
        for p in card.perspectives])
    return float(score), predicate, frame_p


def _lint_rows(card: Scorecard, within: pd.Series) -> list[dict[str, Any]]:
    labels = {}
    for p in card.perspectives:
        candidates = (p.id, p.name.id, p.name.en)
        labels[p.id] = next((c for c in candidates if _canonical_perspective(c)), p.id)
    rows = []
    for ind in card.indicators:
        target = ind.target
        rows.append({
            "perspective": labels[card.perspective_of(ind)], "objective": ind.objective,
            "iku": ind.id,
            "target": f"{target[0]:g}-{target[1]:g}" if isinstance(target, tuple) else target,
            "weight": ind.weight if ind.weight is not None else float(within[ind.id]),
            "type": ind.iku_type, "controllability": ind.controllability,
            "validity_weight": ind.validity_weight,
            "controllability_weight": ind.controllability_weight,
        })
    return rows


def _lint(card: Scorecard, within: pd.Series) -> pd.DataFrame:
    rows = _lint_rows(card, within)
    optional = ("type", "controllability", "validity_weight", "controllability_weight")
    frame = pd.DataFrame(rows)
    frame = frame.drop(columns=[c for c in optional if frame[c].isna().all()])
    if card.scheme == "weighted-score":  # scored on 1..m, no target needed
        frame["target"] = f"score 1-{card.scale_max}"
    findings = lint_scorecard(
        frame, perspective_weights=None if card.unweighted
        else {p.id: p.weight for p in card.perspectives},
        contract_level=card.lint.contract_level,
        strategy_map_owner=card.lint.strategy_map_owner)
    manual = card.lint.iku_manual
    if manual is None:  # checked once the scorecard starts filling in the IKU manual
        manual = any(getattr(i, key) is not None for i in card.indicators
                     for key in _MANUAL_KEYS)
    if manual:
        findings = pd.concat([findings, lint_iku_manual(_definitions(card))], ignore_index=True)
    return findings


_MANUAL_KEYS = ("description", "formula", "data_source", "responsible", "reporting_period")


def _plain_text(value: Any) -> Any:
    return value.model_dump() if isinstance(value, Text) else value


def _definitions(card: Scorecard) -> list[dict[str, Any]]:
    """The IKU manual of each indicator (Kemenkeu's manual IKU fields)."""
    return [{"id": i.id, "name": i.name.model_dump(), "objective": i.objective,
             "perspective": card.perspective_of(i), "unit": _plain_text(i.unit),
             "polarity": i.polarity,
             "consolidation": i.consolidation, "iku_type": i.iku_type,
             "controllability": i.controllability, "target": _plain_target(i.target),
             "validity_weight": i.validity_weight,
             "controllability_weight": i.controllability_weight,
             **{key: _plain_text(getattr(i, key)) for key in _MANUAL_KEYS}}
            for i in card.indicators]


def _plain_target(target: Any) -> Any:
    return list(target) if isinstance(target, tuple) else target


def _score_table_records(card: Scorecard) -> list[dict[str, Any]]:
    return [{"name": name, "title": _plain_text(t.title), "source": _plain_text(t.source),
             "scale_max": t.scale_max,
             "rules": [{"min": r.min, "score": r.score} for r in t.rules]}
            for name, t in card.score_tables.items()]


def _evaluate(card: Scorecard, actuals: Actuals, context: _Context, period: str | None,
              periods: tuple[str, ...] | None = None,
              lint: pd.DataFrame | None = None) -> ScorecardResult:
    """The scorecard scored over ``periods`` (default: up to ``period``); ``lint``, the design
    findings of ``card`` when already known (they do not depend on the period)."""
    periods = actuals.up_to(period) if periods is None else periods
    readings = _readings(card, actuals, context, periods)
    notes: list[str] = []
    perspectives, within, normalised = _design_weights(card, notes)
    frame = pd.DataFrame([_indicator_row(card, ind, readings[ind.id], notes)
                          for ind in card.indicators])
    # object dtype keeps each source a Message (pandas would make it a plain str)
    frame["source"] = pd.Series([readings[i.id].source for i in card.indicators], dtype=object)
    frame["weight_given"] = frame["id"].map(within)
    frame["weight"] = _effective_weights(frame, within)
    notes += _missing_notes(card, frame, readings)
    score, predicate, perspective_frame = _score(card, frame, perspectives, notes)
    not_computed = None
    if score is None:
        not_computed = msg("scorecard.not_computed_unweighted" if card.unweighted
                           else "scorecard.not_computed")
        # the reason covers every IKU: no line per IKU without data, no weights to share
        notes = [n for n in notes if getattr(n, "code", None) not in _DESIGN_SILENT]
    codes = {i.source_or_default.actuals or i.id for i in card.indicators}
    unknown = sorted(set(actuals.frame["indicator"]) - codes)
    if unknown:
        notes.append(msg("scorecard.unknown_actuals", codes=str(unknown)))
    notes += list(actuals.notes)
    return ScorecardResult(
        scheme=card.scheme, title=card.title,
        period=str(period) if period is not None else (periods[-1] if periods else None),
        score=score, predicate=predicate, normalised=normalised, notes=tuple(notes),
        not_computed=not_computed, lint=_lint(card, within) if lint is None else lint,
        perspectives=perspective_frame,
        objectives=_objective_frame(card, frame), indicators=frame,
        definitions=_definitions(card), score_tables=_score_table_records(card),
        weights_from=dict(card.weights_from),
    )


# --------------------------------------------------------------------------- trend


@dataclass(frozen=True)
class _Trend:
    """The scorecard scored per trend period: label -> periods, and one result each."""

    groups: dict[str, tuple[str, ...]]
    results: dict[str, ScorecardResult | str]  # a str: why that period has no score
    note: Text | None
    by: str

    @property
    def labels(self) -> list[str]:
        return list(self.groups)


_YEAR = re.compile(r"^(\d{4})")


def _year(period: str) -> str:
    """The year a period label starts with (2025-Q1 -> 2025), else the label itself."""
    match = _YEAR.match(period)
    return match.group(1) if match else period


def _trend_groups(card: Scorecard, actuals: Actuals) -> dict[str, tuple[str, ...]]:
    options = card.trend
    assert options is not None
    groups: dict[str, list[str]] = {}
    for index, period in enumerate(actuals.periods):
        year = _year(period)
        if options.by == "year":
            groups.setdefault(year, []).append(period)
        elif options.by == "period":
            groups[period] = [period]
        else:  # to-date: from the first period of its year up to this one
            groups[period] = [p for p in actuals.periods[: index + 1] if _year(p) == year]
    if options.periods is not None:
        unknown = [p for p in options.periods if p not in groups]
        if unknown:
            raise InputError(msg("scorecard.trend_periods_unknown", unknown=str(unknown),
                                 known=str(list(groups))), card.file)
        groups = {p: groups[p] for p in options.periods}
    if not groups:
        raise InputError(msg("scorecard.trend_no_periods"), card.file)
    return {label: tuple(periods) for label, periods in groups.items()}


def _trend(card: Scorecard, actuals: Actuals, context: _Context) -> _Trend:
    groups = _trend_groups(card, actuals)
    last = list(groups)[-1]
    results: dict[str, ScorecardResult | str] = {}
    lint = None  # the design findings, the same for every period: found once
    for label, periods in groups.items():
        if label == last:  # the current period: problems are errors, as without a trend
            results[label] = _evaluate(card, actuals, context, label, periods, lint)
            continue
        try:
            result = _evaluate(card, actuals, _Context(None, None, history=True),
                               label, periods, lint)
        except InputError as exc:  # an earlier period that cannot be scored: say why
            results[label] = msg("scorecard.period_not_scored", period=label, reason=exc.detail)
            continue
        lint = result.lint
        results[label] = result if result.score is not None \
            else msg("scorecard.period_not_scored", period=label, reason=result.not_computed)
    assert card.trend is not None
    return _Trend(groups, results, card.trend.note, card.trend.by)


def _with_trend(result: ScorecardResult, trend: _Trend) -> ScorecardResult:
    rows = []
    for label, res in trend.results.items():
        if isinstance(res, str) or res.predicate is None:
            rows.append({"period": label, "periods": list(trend.groups[label]), "score": None,
                         "predicate": None, "label": None})
            continue
        row = {"period": label, "periods": list(trend.groups[label]), "score": res.score,
               "predicate": res.predicate["code"], "label": res.predicate["label"]}
        row.update({f"perspective:{p['id']}": p["value"]
                    for p in res.perspectives.to_dict("records")})
        rows.append(row)
    history_notes = {label: [res] if isinstance(res, str)
                     else [*([res.not_computed] if res.not_computed else []), *res.notes]
                     for label, res in trend.results.items()}
    return replace(result, trend={"by": trend.by, "note": _plain_text(trend.note),
                                  "rows": rows, "notes": history_notes})


# --------------------------------------------------------------------------- comparison weights


def _comparison_weights(name: str, key: str, project: Mapping[str, Any] | None,
                        file: str) -> dict[str, float]:
    comparisons = ((project or {}).get("strategy") or {}).get("comparisons") or {}
    if name not in comparisons:
        raise InputError(msg("scorecard.comparison_unknown", key=key, name=repr(name),
                             known=str(sorted(comparisons))), file)
    return dict(comparisons[name]["group"]["weights"])


def _with_comparison_weights(card: Scorecard, project: Mapping[str, Any] | None) -> Scorecard:
    """The scorecard with the weights ``weights_from`` takes from paired comparisons."""
    if not card.weights_from:
        return card
    update: dict[str, Any] = {}
    for key, name in card.weights_from.items():
        weights = _comparison_weights(name, key, project, card.file)
        members = [p.id for p in card.perspectives] if key == "perspectives" \
            else [i.id for i in card.indicators_of(key)]
        if set(weights) != set(members):
            raise InputError(msg("scorecard.comparison_members", key=key, name=repr(name),
                                 compared=str(sorted(weights)), members=str(sorted(members))),
                             card.file)
        if key == "perspectives":
            update["perspectives"] = [p.model_copy(update={"weight": weights[p.id]})
                                      for p in card.perspectives]
        else:
            indicators = update.get("indicators", list(card.indicators))
            update["indicators"] = [i.model_copy(update={"weight": weights[i.id]})
                                    if i.id in weights else i for i in indicators]
    copy = card.model_copy(update=update)
    copy._file = card.file
    return copy


# --------------------------------------------------------------------------- result


def _plain(value: Any) -> Any:
    """A JSON-ready value: NaN -> None, numpy scalars -> Python."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


_INDICATOR_KEYS = ("perspective", "objective", "target", "target_low", "target_high", "unit",
                   "polarity", "consolidation", "weight", "realisation", "ici", "colour",
                   "source", "achievement", "score", "score_table")


def _plain_trend(trend: dict[str, Any] | None) -> dict[str, Any] | None:
    if trend is None:
        return None
    rows = [{k: _plain(v) for k, v in row.items()} for row in trend["rows"]]
    return {**trend, "rows": rows}


@dataclass(frozen=True, eq=False)
class ScorecardResult:
    """What :meth:`Scorecard.evaluate` returns.

    Attributes
    ----------
    scheme : str
        "kemenkeu-nko", "composite" or "weighted-score".
    title : Text
    period : str or None
        The last period consolidated (the ``period`` asked for, or the latest in the actuals).
    score : float or None
        The NKO, the composite index, or the weighted score (a fraction of 1); None when no
        IKU has a realisation (a design: ``not_computed`` says why).
    predicate : dict or None
        ``code``, ``label`` {id, en}, ``table`` (band table name) and ``source`` (citation).
    normalised : bool
        True when weights that did not sum to 1 were divided by their sum
        (``normalise_weights: true``); the notes say which.
    notes : tuple of str
        Normalised or equal weights, IKU without data (left out of their perspective's
        weights), clamped ICI, period gaps, unused actuals rows, the predicate table's caveat.
    lint : DataFrame
        :func:`surveyq.lint.lint_scorecard` findings: code, severity, subject, message.
    perspectives : DataFrame
        id, name, name_en, weight (fraction used), weight_given, value (NP), contribution.
    objectives : DataFrame
        id, name, name_en, perspective, value (weighted mean ICI of its IKU with data).
    indicators : DataFrame
        One row per IKU: id, name, name_en, perspective, objective, target, target_low,
        target_high, unit, polarity, consolidation, weight (fraction of its perspective used;
        NaN without data), weight_given, realisation, ici, colour, source, periods,
        iku_type, controllability. For weighted-score, ``ici`` is score / scale_max (a
        fraction of 1) and ``colour`` is None.
    """

    scheme: str
    title: Text
    period: str | None
    score: float | None
    predicate: dict[str, Any] | None
    normalised: bool
    notes: tuple[str, ...]
    not_computed: str | None
    lint: pd.DataFrame
    perspectives: pd.DataFrame
    objectives: pd.DataFrame
    indicators: pd.DataFrame = field(repr=False)
    definitions: list[dict[str, Any]] = field(default_factory=list, repr=False)
    score_tables: list[dict[str, Any]] = field(default_factory=list, repr=False)
    weights_from: dict[str, str] = field(default_factory=dict)
    trend: dict[str, Any] | None = field(default=None, repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The per-IKU table (a copy of :attr:`indicators`)."""
        return self.indicators.copy()

    def _lint_dicts(self) -> list[dict[str, str]]:
        out = []
        for row in self.lint.itertuples(index=False):
            message = row.message if row.subject in ("scorecard", None) else \
                msg("lint.subject", subject=row.subject, message=row.message)
            out.append({"code": row.code, "severity": row.severity, "message": message})
        return out

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready result (keys documented in docs/scorecard-format.md)."""
        return {
            "scheme": self.scheme, "title": self.title.model_dump(), "period": self.period,
            "score": _plain(self.score), "predicate": self.predicate,
            "not_computed": self.not_computed, "normalised": self.normalised,
            "notes": list(self.notes), "lint": self._lint_dicts(),
            "perspectives": [
                {"id": r["id"], "name": {"id": r["name"], "en": r["name_en"]},
                 **{k: _plain(r[k]) for k in ("weight", "value", "contribution", "colour")}}
                for r in self.perspectives.to_dict("records")],
            "objectives": [
                {"id": r["id"], "name": {"id": r["name"], "en": r["name_en"]},
                 "perspective": r["perspective"], "value": _plain(r["value"]),
                 "colour": r["colour"], "supports": list(r["supports"])}
                for r in self.objectives.to_dict("records")],
            "indicators": [
                {"id": r["id"], "name": {"id": r["name"], "en": r["name_en"]},
                 **{k: _plain(r[k]) for k in _INDICATOR_KEYS}}
                for r in self.indicators.to_dict("records")],
            "definitions": self.definitions,
            "score_tables": self.score_tables,
            "weights_from": self.weights_from,
            "trend": _plain_trend(self.trend),
        }

    def _repr_html_(self) -> str:
        status = (f"{self.score:.2f} ({self.predicate['label']['id']})"
                  if self.score is not None and self.predicate is not None
                  else str(self.not_computed))
        head = f"<h4>{html.escape(self.title.en)}: {html.escape(status)}</h4>"
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        columns = ["id", "name", "target", "realisation", "ici", "colour", "weight"]
        return (head + self.perspectives.to_html(index=False)
                + self.indicators[columns].to_html(index=False)
                + (f"<ul>{notes}</ul>" if notes else ""))


def evaluate_project_scorecard(
    scorecard_path: str | Path,
    actuals_path: str | Path | None,
    survey_results: Mapping[str, Mapping[str, Any]] | None,
    period: str | None = None,
    project_results: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Load a scorecard, evaluate it, and return :meth:`ScorecardResult.to_dict`.

    Parameters
    ----------
    scorecard_path : str or Path
        The scorecard YAML.
    actuals_path : str or Path, optional
        The IKU actuals file (CSV or XLSX), or None.
    survey_results : mapping
        ``results["surveys"]`` of a project run: survey name -> its JSON-ready results.
    period : str, optional
        Consolidate up to this period (default: all).
    project_results : mapping, optional
        The project's results, for IKU read from ``finance`` and ``weights_from``.

    Returns
    -------
    dict
        The JSON-ready scorecard result (docs/scorecard-format.md, "Result").

    References
    ----------
    .. [1] KMK 467/KMK.01/2014 and KMK 300/KMK.01/2022; docs/methods.md section 7;
       Hartini & Habibi (2023).
    """
    card = load_scorecard(scorecard_path)
    return card.evaluate(actuals_path, survey_results, period, project_results).to_dict()
