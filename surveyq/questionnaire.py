"""Questionnaires described in YAML: scales, items and respondent fields.

A questionnaire file says everything no export format records: which answer labels mean which
code, which items are reverse-worded, which column holds which item, and which dimension or
service element an item measures (docs/methods.md, "Files"; docs/methods.md section 1).
An office adapts a survey by editing the YAML, not the code.

Example
-------
>>> from surveyq import load_questionnaire
>>> q = load_questionnaire("skm-permenpanrb-14-2017")  # a shipped questionnaire, by id
>>> len(q.items), q.items[0].element
(9, 'U1')
>>> q.scale_of(q.items[3]).code_for("Gratis")
4
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from surveyq.errors import InputError
from surveyq.messages import joined, msg
from surveyq.yamlfile import read_yaml

LANGUAGES = ("id", "en")
Role = Literal["perception", "expectation", "importance", "satisfaction", "item"]
FieldKind = Literal[
    "id",
    "name",
    "gender",
    "age_band",
    "age",
    "education",
    "occupation",
    "service_type",
    "suggestion",
    "unit",
    "period",
    "other",
]

# "4 (Baik)", "4. Baik", "4 - Baik", "4: Baik": a leading code followed by its label.
_LEADING_CODE = re.compile(r"^\s*(-?\d+)\s*[\(\.\-:)]")


def normalise_label(text: Any) -> str:
    """Fold a label or header for matching: case, accents, punctuation and spacing ignored.

    >>> normalise_label("  Sangat   Setuju! ")
    'sangat setuju'
    >>> normalise_label("Kurang-sesuai")
    'kurang sesuai'
    """
    text = str(text)
    return _folded_short(text) if len(text) <= _CACHED_LENGTH else _folded(text)


#: Column matching folds every header against every candidate of every item (18 000 calls
#: for the demo's three surveys, a few hundred distinct texts): short texts are folded once,
#: and the cache stays small (at most 4096 texts of up to 256 characters).
_CACHED_LENGTH = 256


@lru_cache(maxsize=4096)
def _folded_short(text: str) -> str:
    return _folded(text)


def _folded(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = re.sub(r"[^\w]+", " ", folded)
    return " ".join(folded.split())


class Text(BaseModel):
    """A user-facing text in Indonesian and English."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    en: str

    @model_validator(mode="before")
    @classmethod
    def _one_text_for_both(cls, value: Any) -> Any:
        """A plain text is the obvious shorthand: the same text in both languages."""
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return {"id": str(value), "en": str(value)}
        if isinstance(value, dict) and len(value) == 1 and set(value) <= {"id", "en"}:
            only = next(iter(value.values()))   # one language given: used for both
            return {"id": only, "en": only}
        return value

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.id


class Scale(BaseModel):
    """Ordered answer points with their labels per language and accepted aliases.

    ``labels[lang][i]`` is the label of ``points[i]``. ``aliases`` maps a point to further
    spellings (SS, "4 (Baik)" is handled without an alias). ``missing`` lists answers that mean
    "no answer" (for example "Tidak tahu"): they become NaN and are logged as declared missing.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    points: list[int] = Field(min_length=2)
    labels: dict[str, list[str]] = Field(default_factory=dict)
    aliases: dict[int, list[str]] = Field(default_factory=dict)
    missing: list[str] = Field(default_factory=list)

    @field_validator("points")
    @classmethod
    def _points_ascending(cls, points: list[int]) -> list[int]:
        if points != sorted(set(points)):
            raise ValueError(msg("error.points_order"))
        return points

    @model_validator(mode="after")
    def _labels_fit_points(self) -> Scale:
        for lang, labels in self.labels.items():
            if len(labels) != len(self.points):
                raise ValueError(msg("error.labels_count", lang=lang, labels=len(labels),
                                     points=len(self.points)))
        for point in self.aliases:
            if point not in self.points:
                raise ValueError(msg("error.alias_point", point=point,
                                     points=str(self.points)))
        self._one_point_per_spelling()
        return self

    def _one_point_per_spelling(self) -> None:
        """A label or alias that means two points (or also "no answer") would code answers
        silently as whichever came last: refuse it, naming both keys."""
        owner: dict[str, tuple[Any, str]] = {}
        spellings = [
            *((label, point, f"labels.{lang}[{index}]")
              for lang, labels in self.labels.items()
              for index, (point, label) in enumerate(zip(self.points, labels, strict=True))),
            *((alias, point, f"aliases.{point}[{index}]")
              for point, aliases in self.aliases.items()
              for index, alias in enumerate(aliases)),
            *((answer, "missing", f"missing[{index}]")
              for index, answer in enumerate(self.missing)),
        ]
        for text, point, key in spellings:
            folded = normalise_label(text)
            if folded in owner and owner[folded][0] != point:
                other, other_key = owner[folded]
                meaning = lambda p: msg("error.means_missing") if p == "missing" else \
                    msg("error.means_point", point=p)  # noqa: E731
                raise ValueError(msg("error.spelling_twice", text=repr(text), key=key,
                                     meaning=meaning(point), other_key=other_key,
                                     other=meaning(other)))
            owner.setdefault(folded, (point, key))

    @property
    def low(self) -> int:
        return self.points[0]

    @property
    def high(self) -> int:
        return self.points[-1]

    def label(self, point: int, lang: str = "id") -> str:
        labels = self.labels.get(lang) or next(iter(self.labels.values()), None)
        return labels[self.points.index(point)] if labels else str(point)

    def lookup(self) -> dict[str, int]:
        """Normalised label or alias -> point."""
        table: dict[str, int] = {}
        for labels in self.labels.values():
            for point, label in zip(self.points, labels, strict=True):
                table[normalise_label(label)] = point
        for point, aliases in self.aliases.items():
            for alias in aliases:
                table[normalise_label(alias)] = point
        return table

    def code_for(self, answer: Any) -> int | None:
        """The point an answer label means, or None when the answer is no label of this scale.

        Numbers are not resolved here (the cleaner checks their range); a label with a leading
        code such as "4 (Baik)" reads as that code.
        """
        point = self.lookup().get(normalise_label(answer))
        if point is not None:
            return point
        match = _LEADING_CODE.match(str(answer))
        if match and int(match.group(1)) in self.points:
            return int(match.group(1))
        return None

    def is_declared_missing(self, answer: Any) -> bool:
        return normalise_label(answer) in {normalise_label(m) for m in self.missing}


class Item(BaseModel):
    """One questionnaire item and where its answers are in the raw export.

    ``column`` is the header in the export (a column name, or the full question text of a
    Google Forms export; matching ignores case, spacing and punctuation); ``columns`` lists
    alternatives; ``column_pattern`` is a regular expression searched in the header (bounded
    in time: a pattern that backtracks without end is refused, see
    :func:`surveyq.clean.match_columns`).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    text: Text
    scale: str
    column: str | None = None
    columns: list[str] = Field(default_factory=list)
    column_pattern: str | None = None
    reverse: bool = False
    role: Role = "item"
    dimension: str | None = None
    element: str | None = None
    pair: str | None = Field(
        default=None, description="the attribute an expectation/perception/importance item rates"
    )

    @property
    def header_candidates(self) -> list[str]:
        return [c for c in [self.column, *self.columns] if c]


class RespondentField(BaseModel):
    """A respondent characteristic (gender, age band, ...) or free text (suggestion)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    kind: FieldKind = "other"
    text: Text
    column: str | None = None
    columns: list[str] = Field(default_factory=list)
    column_pattern: str | None = None
    required: bool = False
    categories: dict[str, Text] = Field(default_factory=dict)

    @property
    def header_candidates(self) -> list[str]:
        return [c for c in [self.column, *self.columns] if c]


class Group(BaseModel):
    """A dimension (SERVQUAL) or service element (IKM/SKM) label."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    text: Text


class Questionnaire(BaseModel):
    """A whole questionnaire as read from YAML; see questionnaires/*.yaml for examples."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    title: Text
    source: str | None = None
    kind: Literal["skm", "ikm", "servqual", "employee", "generic"] = "generic"
    standard: str | None = None
    scales: dict[str, Scale]
    dimensions: dict[str, Group] = Field(default_factory=dict)
    elements: dict[str, Group] = Field(default_factory=dict)
    items: list[Item] = Field(min_length=1)
    fields: list[RespondentField] = Field(default_factory=list)
    path: str | None = None

    def scale_of(self, item: Item) -> Scale:
        return self.scales[item.scale]

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def items_with(self, role: str | None = None) -> list[Item]:
        return [item for item in self.items if role is None or item.role == role]

    @property
    def item_ids(self) -> list[str]:
        return [item.id for item in self.items]

    def group_label(self, code: str, lang: str = "id") -> str:
        group = self.dimensions.get(code) or self.elements.get(code)
        return group.text.get(lang) if group else code


def _cross_check(q: Questionnaire) -> list[tuple[str, str]]:
    """Problems pydantic cannot see: references between keys. Returns (key path, message)."""
    problems: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(q.items):
        where = f"items[{index}] (id {item.id})"
        if item.id in seen:
            problems.append(
                (where + ".id", msg("error.item_id_twice", id=item.id, first=seen[item.id]))
            )
        seen.setdefault(item.id, index)
        if item.scale not in q.scales:
            known = ", ".join(sorted(q.scales))
            problems.append(
                (where + ".scale", msg("error.unknown_scale", scale=item.scale, known=known))
            )
        if not item.header_candidates and not item.column_pattern:
            problems.append(
                (where, msg("error.item_no_column"))
            )
        if item.column_pattern:
            try:
                re.compile(item.column_pattern)
            except re.error as exc:
                problems.append(
                    (where + ".column_pattern", msg("error.not_a_regex", reason=str(exc)))
                )
    field_ids = [f.id for f in q.fields]
    for index, fld in enumerate(q.fields):
        if fld.id in seen or field_ids.count(fld.id) > 1:
            problems.append(
                (f"fields[{index}] (id {fld.id}).id", msg("error.field_id_twice", id=fld.id))
            )
        if not fld.header_candidates and not fld.column_pattern:
            problems.append(
                (f"fields[{index}] (id {fld.id})", msg("error.field_no_column"))
            )
    return problems


def parse_questionnaire(raw: Any, file: str = "<questionnaire>") -> Questionnaire:
    """Validate a questionnaire mapping; every problem is reported in one InputError."""
    if not isinstance(raw, dict):
        raise InputError(msg("error.questionnaire_not_mapping"), file)
    try:
        q = Questionnaire.model_validate({**raw, "path": file})
    except ValidationError as exc:
        from surveyq.validation import describe_errors

        detail = describe_errors(exc, raw, model=Questionnaire)
        raise InputError(msg("error.see_page", detail=detail, page="docs/questionnaire-format.md"),
                         file) from None
    problems = _cross_check(q)
    if problems:
        raise InputError(joined([msg("error.at", where=path, detail=message)
                                 for path, message in problems]), file)
    return q


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read and validate a questionnaire YAML file.

    A name without a folder or suffix (``"skm-permenpanrb-14-2017"``) is looked up among the
    questionnaires that ship with surveyq.

    Raises
    ------
    InputError
        Naming the file, the key path (``items[3] (id P04).scale``) and the fix.
    """
    file = resolve_questionnaire_path(path)
    raw = read_yaml(file)
    return parse_questionnaire(raw, str(file))


def shipped_questionnaires_dir() -> Path:
    """The questionnaires/ folder that ships with surveyq (source checkout or installed copy)."""
    from importlib import resources

    packaged = resources.files("surveyq") / "data" / "questionnaires"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[1] / "questionnaires"


def resolve_questionnaire_path(path: str | Path) -> Path:
    candidate = Path(path)
    if candidate.exists() or candidate.suffix or len(candidate.parts) > 1:
        return candidate
    shipped = shipped_questionnaires_dir() / f"{candidate.name}.yaml"
    return shipped if shipped.exists() else candidate


@dataclass(frozen=True)
class ScaleSpec:
    """A set of items analysed together: a role's whole scale, or one dimension of it."""

    key: str
    role: str
    dimension: str | None
    items: list[str]


def questionnaire_scales(q: Questionnaire) -> list[ScaleSpec]:
    """Whole scale per role, then one scale per dimension within the role (if several): what
    :func:`surveyq.analyses.scales_of` analyses, from the questionnaire alone (a streamed pass
    plans its sums, a project checks its thesis variables)."""
    specs: list[ScaleSpec] = []
    for role in dict.fromkeys(item.role for item in q.items):
        members = q.items_with(role)
        specs.append(ScaleSpec(role, role, None, [item.id for item in members]))
        dimensions = list(dict.fromkeys(item.dimension for item in members if item.dimension))
        if len(dimensions) > 1:
            for dimension in dimensions:
                ids = [item.id for item in members if item.dimension == dimension]
                specs.append(ScaleSpec(f"{role}/{dimension}", role, dimension, ids))
    return specs


#: What a questionnaire calls for when the project does not list analyses.
DEFAULT_ANALYSES = {
    "skm": ["validity", "reliability", "ikm"],
    "ikm": ["validity", "reliability", "ikm"],
    "servqual": ["validity", "reliability", "servqual", "ipa"],
    "employee": ["validity", "reliability", "servqual"],
    "generic": ["validity", "reliability"],
}
