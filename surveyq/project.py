"""Project files: which surveys to read with which questionnaires, and what to compute.

A project YAML ties everything together (../shared/spec/design.md, "Files")::

    organisation: {id: "KPPBC Contoh", en: "Customs Office Contoh"}
    period: "2025"
    language: id
    surveys:
      skm:
        questionnaire: skm-permenpanrb-14-2017     # a shipped id, or a YAML path
        responses: skm-2025.xlsx                   # relative to the project file
        population: 15000
        analyses: [validity, reliability, ikm]

Paths are relative to the project file. :func:`load_project` checks every file exists and every
questionnaire is valid, collecting every problem into one error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from surveyq.bsc_spec import FinanceSpec, StrategySpec
from surveyq.errors import InputError
from surveyq.questionnaire import (
    Questionnaire,
    Text,
    _key_path,
    load_questionnaire,
    resolve_questionnaire_path,
)
from surveyq.yamlfile import read_yaml

Analysis = Literal["validity", "reliability", "servqual", "ipa", "csi", "ikm"]


class ReadOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | int | None = None
    header_row: int | None = None
    format: str | None = None


class SurveySpec(BaseModel):
    """One survey in a project."""

    model_config = ConfigDict(extra="forbid")
    questionnaire: str
    responses: str
    title: Text | None = None
    population: int | None = Field(default=None, gt=0)
    analyses: list[Analysis] | None = None  # None: what the questionnaire's kind calls for
    previous: dict[str, str] = Field(default_factory=dict)
    options: dict[str, Any] = Field(default_factory=dict)
    read: ReadOptions = Field(default_factory=ReadOptions)
    stream: bool | None = None  # None: stream a CSV/Parquet file above streaming.threshold_mb


class StreamingOptions(BaseModel):
    """When and how a large survey file is streamed instead of read in memory.

    Attributes
    ----------
    threshold_mb : float, default 32
        A CSV or Parquet responses file larger than this (MiB) is streamed, unless its
        survey says ``stream: false`` (32 MiB is about a million SKM responses, where the
        in-memory run takes minutes; benchmarks/README.md).
    dask_scheduler : str, optional
        A ``dask.distributed`` scheduler address (e.g. ``tcp://10.0.0.5:8786``), or one of
        Dask's local schedulers (``threads``, ``processes``, ``synchronous``), to code and
        sum the file's partitions on; default: read locally with pyarrow.
    chunk_rows : int, optional
        Rows per batch (default :data:`surveyq.streaming.DEFAULT_CHUNKSIZE`).
    """

    model_config = ConfigDict(extra="forbid")
    threshold_mb: float = Field(default=32, ge=0)
    dask_scheduler: str | None = None
    chunk_rows: int | None = Field(default=None, gt=0)


class ProjectSpec(BaseModel):
    """A whole project file."""

    model_config = ConfigDict(extra="forbid")
    organisation: Text | str
    period: str | int | None = None
    language: Literal["id", "en"] = "id"
    surveys: dict[str, SurveySpec] = Field(default_factory=dict)
    scorecard: str | None = None
    actuals: str | None = None
    finance: FinanceSpec | None = None
    strategy: StrategySpec | None = None
    options: dict[str, Any] = Field(default_factory=dict)
    streaming: StreamingOptions = Field(default_factory=StreamingOptions)


class Project:
    """A validated project: the spec, its folder, and the loaded questionnaires."""

    def __init__(self, spec: ProjectSpec, path: Path, questionnaires: dict[str, Questionnaire]):
        self.spec = spec
        self.path = path
        self.questionnaires = questionnaires

    @property
    def folder(self) -> Path:
        return self.path.parent

    def resolve(self, relative: str) -> Path:
        """A path from the project file, shown relative to the working folder when inside it."""
        candidate = Path(relative)
        full = candidate if candidate.is_absolute() else self.folder / candidate
        try:
            return full.resolve().relative_to(Path.cwd())
        except ValueError:
            return full

    def organisation(self, lang: str) -> str:
        org = self.spec.organisation
        return org if isinstance(org, str) else org.get(lang)


def load_project(path: str | Path) -> Project:
    """Read a project YAML, check its files and load its questionnaires; all problems at once."""
    file = Path(path)
    raw = read_yaml(file, "project file")
    if not isinstance(raw, dict):
        raise InputError(
            "a project file must be a YAML mapping with organisation and surveys", str(file)
        )
    try:
        spec = ProjectSpec.model_validate(raw)
    except ValidationError as exc:
        lines = [f"{_key_path(err['loc'], raw)}: {err['msg']}" for err in exc.errors()]
        raise InputError("; ".join(lines), str(file)) from None
    problems: list[str] = []
    if not (spec.surveys or spec.scorecard or spec.finance or spec.strategy):
        problems.append("surveys: give at least one survey (or a scorecard, finance or "
                        "strategy section)")
    questionnaires: dict[str, Questionnaire] = {}
    project = Project(spec, file, questionnaires)
    for name, survey in spec.surveys.items():
        q_path = survey.questionnaire
        local = project.resolve(q_path)
        try:
            questionnaires[name] = load_questionnaire(
                local if local.exists() else resolve_questionnaire_path(q_path)
            )
        except InputError as exc:
            problems.append(f"surveys.{name}.questionnaire: {exc}")
        for key, relative in [
            ("responses", survey.responses),
            *[(f"previous.{p}", f) for p, f in survey.previous.items()],
        ]:
            if not project.resolve(relative).exists():
                problems.append(
                    f"surveys.{name}.{key}: file {relative!r} not found next to the project file"
                )
    for key in ("scorecard", "actuals"):
        relative = getattr(spec, key)
        if relative and not project.resolve(relative).exists():
            problems.append(f"{key}: file {relative!r} not found next to the project file")
    if problems:
        raise InputError("; ".join(problems), str(file))
    return project
