"""The ``finance`` and ``strategy`` sections of a project file, as pydantic models.

Only the shapes live here (no pandas), so a project loads fast; :mod:`surveyq.bsc` evaluates
them. Every key is documented in docs/scorecard-format.md ("Project: finance" and "Project:
strategy").

Example
-------
>>> spec = FinanceSpec.model_validate({"productivity": {
...     "output": {2010: 4062, 2011: 4089}, "employees": {2010: 57, 2011: 56}}})
>>> spec.productivity.output
{'2010': 4062.0, '2011': 4089.0}
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from typing import Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from surveyq.messages import joined, msg
from surveyq.questionnaire import Text

__all__ = [
    "Comparison",
    "Factor",
    "FinanceSpec",
    "GrowthSpec",
    "ProductivitySpec",
    "Rater",
    "StrategyOption",
    "StrategySpec",
    "VfmSpec",
    "judgment",
]

EffectivenessConvention = Literal["realised/target", "target/realised"]
FactorKind = Literal["strength", "weakness", "opportunity", "threat"]
StrategyType = Literal["SO", "WO", "ST", "WT"]

_FRACTION = re.compile(r"^\s*\d+(\.\d+)?\s*(/\s*\d+(\.\d+)?)?\s*$")


def _periods(values: Any, what: str) -> dict[str, float]:
    """A mapping period -> finite number, keys as text (2010 and "2010" alike)."""
    if not isinstance(values, dict) or not values:
        raise ValueError(msg("finance.periods_mapping", what=what))
    out: dict[str, float] = {}
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | float) \
                or not math.isfinite(value):
            raise ValueError(msg("finance.period_not_number", what=what, period=key,
                                 value=repr(value)))
        out[str(key)] = float(value)
    return out


def judgment(value: Any) -> float:
    """A paired-comparison judgment: a positive number or a fraction written ``"1/3"``.

    >>> judgment("1/3"), judgment(5)
    (0.3333333333333333, 5.0)
    """
    if isinstance(value, str) and _FRACTION.match(value):
        number = float(Fraction(value.replace(" ", "")))
    elif isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        raise ValueError(msg("strategy.judgment_form", value=repr(value)))
    if not math.isfinite(number) or number <= 0:
        raise ValueError(msg("strategy.judgment_positive", value=repr(value)))
    return number


# --------------------------------------------------------------------------- finance


class VfmSpec(BaseModel):
    """Value-for-money inputs per period (:func:`surveyq.finance.value_for_money`).

    The outcome whose realisation is set against its target is revenue in Nugrahini et al.;
    ``realised_outcome`` / ``target_outcome`` are accepted as other names for it.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    budgeted_spending: dict[str, float]
    realised_spending: dict[str, float]
    direct_spending: dict[str, float]
    realised_revenue: dict[str, float] = Field(
        validation_alias=AliasChoices("realised_revenue", "realised_outcome"))
    target_revenue: dict[str, float] = Field(
        validation_alias=AliasChoices("target_revenue", "target_outcome"))
    revenue_for_effectiveness: dict[str, float] | None = None
    effectiveness: EffectivenessConvention = "realised/target"
    effectiveness_criteria: str | None = None

    @field_validator("budgeted_spending", "realised_spending", "direct_spending",
                     "realised_revenue", "target_revenue", "revenue_for_effectiveness",
                     mode="before")
    @classmethod
    def _series(cls, value: Any, info: Any) -> dict[str, float] | None:
        return None if value is None else _periods(value, info.field_name)


class GrowthSpec(BaseModel):
    """A quantity per period whose year-on-year growth is reported."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: Text
    unit: Text | str = ""
    values: dict[str, float]

    @field_validator("values", mode="before")
    @classmethod
    def _series(cls, value: Any) -> dict[str, float]:
        return _periods(value, "values")


class ProductivitySpec(BaseModel):
    """Output (permits, documents) and employees per period."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    output_name: Text = Text(id="Output", en="Output")
    output: dict[str, float]
    employees: dict[str, float]

    @field_validator("output", "employees", mode="before")
    @classmethod
    def _series(cls, value: Any, info: Any) -> dict[str, float]:
        return _periods(value, info.field_name)


class FinanceSpec(BaseModel):
    """The project's ``finance`` section: value for money, growth series, productivity."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    title: Text | None = None
    note: Text | None = None
    value_for_money: VfmSpec | None = None
    growth: dict[str, GrowthSpec] = Field(default_factory=dict)
    productivity: ProductivitySpec | None = None

    @model_validator(mode="after")
    def _something(self) -> FinanceSpec:
        if self.value_for_money is None and not self.growth and self.productivity is None:
            raise ValueError(msg("finance.section_empty"))
        return self


# --------------------------------------------------------------------------- strategy


class Factor(BaseModel):
    """An internal (strength, weakness) or external (opportunity, threat) key factor."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    name: Text
    kind: FactorKind
    weight: float = Field(ge=0, le=1)
    rating: float | list[float]
    qspm_weight: float | None = Field(default=None, ge=0, le=1)

    @field_validator("rating")
    @classmethod
    def _rating(cls, value: float | list[float]) -> float | list[float]:
        values = value if isinstance(value, list) else [value]
        if not values or any(not 1 <= v <= 4 for v in values):
            raise ValueError(msg("strategy.rating_form"))
        return value

    @property
    def mean_rating(self) -> float:
        return sum(self.rating) / len(self.rating) if isinstance(self.rating, list) \
            else float(self.rating)


class StrategyOption(BaseModel):
    """A candidate strategy (TOWS cell) with its attractiveness score per key factor."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    name: Text
    type: StrategyType | None = None
    attractiveness: dict[str, float | list[float]] = Field(default_factory=dict)

    @field_validator("attractiveness")
    @classmethod
    def _scores(cls, value: dict[str, float | list[float]]) -> dict[str, float | list[float]]:
        for factor, score in value.items():
            scores = score if isinstance(score, list) else [score]
            if not scores or any(not 0 <= s <= 4 for s in scores):
                raise ValueError(msg("strategy.attractiveness_form", factor=factor))
        return value

    def score(self, factor: str) -> float | None:
        """The (mean) attractiveness score for a factor; None when not given."""
        value = self.attractiveness.get(factor)
        if value is None:
            return None
        return sum(value) / len(value) if isinstance(value, list) else float(value)


class Rater(BaseModel):
    """One rater's paired-comparison matrix (rows and columns in the comparison's order)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    matrix: list[list[float]]
    weight: float = Field(default=1.0, gt=0)

    @field_validator("matrix", mode="before")
    @classmethod
    def _judgments(cls, value: Any) -> list[list[float]]:
        if not isinstance(value, list) or not all(isinstance(row, list) for row in value):
            raise ValueError(msg("strategy.matrix_rows"))
        return [[judgment(cell) for cell in row] for row in value]


class Comparison(BaseModel):
    """Paired comparisons of ``items`` (perspective or IKU ids) by one or several raters."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    title: Text | None = None
    items: list[str] = Field(min_length=2)
    raters: list[Rater] = Field(min_length=1)
    #: Order n -> RI, for a random-index table other than Saaty's (e.g. a package's own).
    random_index: dict[int, float] | None = None

    @field_validator("random_index")
    @classmethod
    def _positive(cls, value: dict[int, float] | None) -> dict[int, float] | None:
        if value and any(n < 3 or ri <= 0 for n, ri in value.items()):
            raise ValueError(msg("strategy.random_index_form"))
        return value

    @model_validator(mode="after")
    def _square(self) -> Comparison:
        n = len(self.items)
        for rater in self.raters:
            if len(rater.matrix) != n or any(len(row) != n for row in rater.matrix):
                raise ValueError(msg("strategy.rater_matrix_size", rater=repr(rater.name), n=n,
                                     items=str(self.items)))
        return self


class StrategySpec(BaseModel):
    """The project's ``strategy`` section (Harumantaka et al.'s matching stage and weights)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    title: Text | None = None
    note: Text | None = None
    internal: list[Factor] = Field(default_factory=list)
    external: list[Factor] = Field(default_factory=list)
    strategies: list[StrategyOption] = Field(default_factory=list)
    comparisons: dict[str, Comparison] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> StrategySpec:
        problems = []
        for side, allowed in (("internal", {"strength", "weakness"}),
                              ("external", {"opportunity", "threat"})):
            for factor in getattr(self, side):
                if factor.kind not in allowed:
                    code = "strategy.factor_side_internal" if side == "internal" \
                        else "strategy.factor_side_external"
                    problems.append(msg(code, factor=factor.id, kind=factor.kind))
        ids = [f.id for f in [*self.internal, *self.external]]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            problems.append(msg("strategy.factor_ids_twice", ids=str(repeated)))
        for option in self.strategies:
            unknown = sorted(set(option.attractiveness) - set(ids))
            if unknown:
                problems.append(msg("strategy.attractiveness_unknown", strategy=option.id,
                                    factors=str(unknown)))
        if self.strategies and not (self.internal or self.external):
            problems.append(msg("strategy.strategies_without_factors"))
        if problems:
            raise ValueError(joined(problems))
        return self
