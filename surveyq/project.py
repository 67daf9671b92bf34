"""Project files: which surveys to read with which questionnaires, and what to compute.

A project YAML ties everything together (docs/methods.md, "Files")::

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

import os
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from surveyq.bsc_spec import FinanceSpec, StrategySpec
from surveyq.errors import InputError
from surveyq.messages import Message, joined, msg
from surveyq.questionnaire import (
    Questionnaire,
    Text,
    load_questionnaire,
    resolve_questionnaire_path,
    shipped_questionnaires_dir,
)
from surveyq.thesis_spec import thesis_problems
from surveyq.yamlfile import read_yaml

Analysis = Literal[
    "validity", "reliability", "servqual", "ipa", "csi", "ikm",
    # A thesis's chapter 4 (surveyq.thesis): scale scores and what is done with them.
    "descriptives", "normality", "construct_validity", "omega", "regression",
    "group_differences",
]


class Variable(BaseModel):
    """A variable of a thesis: a scale score per respondent from a set of items.

    Name the items, or a role (perception, expectation, importance, satisfaction, item)
    with an optional dimension; ``score`` is the mean of the items (default) or their sum;
    ``gap: true`` scores perception minus expectation (the paired items' means).
    """

    model_config = ConfigDict(extra="forbid")
    label: Text | None = None
    items: list[str] = Field(default_factory=list)
    role: str | None = None
    dimension: str | None = None
    score: Literal["mean", "sum"] = "mean"
    gap: bool = False


class RegressionSpec(BaseModel):
    """A multiple regression of one variable on others, by variable name."""

    model_config = ConfigDict(extra="forbid")
    y: str
    x: list[str] = Field(min_length=1)


class GroupDifferencesSpec(BaseModel):
    """Variables compared across the groups of respondent fields (default: all of each)."""

    model_config = ConfigDict(extra="forbid")
    variables: list[str] | None = None
    by: list[str] | None = None


class ReadOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | int | None = None
    header_row: int | None = None
    format: str | None = None


class FollowUpAction(BaseModel):
    """The office's planned improvement for one service element (or SERVQUAL attribute)."""

    model_config = ConfigDict(extra="forbid")
    action: Text | str = Field(description="what the office will do")
    when: Text | str | None = Field(default=None, description="when (a month, a quarter)")
    who: Text | str | None = Field(default=None, description="who is responsible")


class UnitsSpec(BaseModel):
    """Service units of a city- or ministry-wide survey (issue 16; :func:`surveyq.ikm_units`).

    ``field`` names the respondent field holding the unit (default: the questionnaire's field
    of kind ``unit``); ``population`` gives each unit's service users for Krejcie & Morgan
    adequacy and the ``population`` aggregate; ``aggregate`` is how the organisation's figure
    combines units (``pooled``, ``mean``, ``respondents``, ``population``); units with fewer
    than ``min_n`` respondents are marked in every table (never hidden); ``pairs: true`` adds
    every pair of units compared, Holm-corrected; ``follow_up`` gives a unit its own
    follow-up plan for its lowest elements (unit -> element -> action), where the survey's
    ``follow_up`` for the element is used otherwise.
    """

    model_config = ConfigDict(extra="forbid")
    field: str | None = None
    population: dict[str, int] = Field(default_factory=dict)
    aggregate: Literal["pooled", "mean", "respondents", "population"] = "pooled"
    min_n: int | None = Field(default=None, gt=0)
    lowest: int = Field(default=3, gt=0)
    pairs: bool = False  # every pair of units compared, Holm-corrected (only when asked)
    files: dict[str, str] = Field(default_factory=dict)  # unit -> its own export
    # unit -> element code -> planned action (rencana tindak lanjut); else the survey's
    follow_up: dict[str, dict[str, FollowUpAction]] = Field(default_factory=dict)


class SurveySpec(BaseModel):
    """One survey in a project."""

    model_config = ConfigDict(extra="forbid")
    # An empty path would resolve to the project's own folder.
    questionnaire: str = Field(min_length=1)
    responses: str | None = Field(default=None, min_length=1)  # None: units.files instead
    title: Text | None = None
    population: int | None = Field(default=None, gt=0)
    analyses: list[Analysis] | None = None  # None: what the questionnaire's kind calls for
    # period -> its export, or unit -> export when each unit sent its own (as units.files)
    previous: dict[str, str | dict[str, str]] = Field(default_factory=dict)
    options: dict[str, Any] = Field(default_factory=dict)
    read: ReadOptions = Field(default_factory=ReadOptions)
    stream: bool | None = None  # None: stream a CSV/Parquet file above streaming.threshold_mb
    variables: dict[str, Variable] = Field(default_factory=dict)
    regression: RegressionSpec | None = None
    group_differences: GroupDifferencesSpec | None = None
    follow_up: dict[str, FollowUpAction] = Field(
        default_factory=dict,
        description="planned actions by element or attribute code (U1 ... U9); printed in the "
        "follow-up plan and the SKM publication sheet",
    )
    units: UnitsSpec | None = None  # per-unit IKM; None: only if the questionnaire has a unit field

    @model_validator(mode="after")
    def _one_source(self) -> SurveySpec:
        """The answers come from ``responses`` or from one export per unit, not both."""
        files = self.units.files if self.units else {}
        if self.responses is None and not files:
            raise ValueError(msg("error.survey_source_missing"))
        if self.responses is not None and files:
            raise ValueError(msg("error.survey_source_both"))
        return self


def unit_files(survey: SurveySpec, period: str | None = None) -> dict[str, str]:
    """The answer files of the survey (or of an earlier ``period``): unit -> file when each
    unit sent its own export (``units.files``, or a mapping under ``previous``), else
    ``{"": file}``."""
    if period is not None:
        given = survey.previous[period]
        return dict(given) if isinstance(given, dict) else {"": given}
    if survey.responses is not None:
        return {"": survey.responses}
    return dict(survey.units.files) if survey.units else {}


def previous_files(survey: SurveySpec) -> list[tuple[str, str]]:
    """(key under the survey, file) of every earlier period's export: ``previous.2025``, or
    ``previous.2025.<unit>`` for one export per unit."""
    return [(f"previous.{period}" + (f".{unit}" if unit else ""), file)
            for period in survey.previous for unit, file in unit_files(survey, period).items()]


#: Dask's local schedulers, named instead of an address.
LOCAL_SCHEDULERS = ("threads", "processes", "synchronous", "single-threaded", "sync")
#: A ``dask.distributed`` scheduler address: [protocol://]host:port (IPv6 in brackets), or
#: an in-process one (``inproc://...``).
SCHEDULER_ADDRESS = re.compile(
    r"inproc://\S+"
    r"|(?:(?:tcp|tls|ucx|ws|wss)://)?(?:\[[0-9A-Fa-f:.]+\]|[^\s/:\[\]]+):\d{1,5}")


class StreamingOptions(BaseModel):
    """When and how a large survey file is streamed instead of read in memory.

    Attributes
    ----------
    threshold_mb : float, default 64
        A CSV or Parquet responses file larger than this (MiB) is streamed, unless its
        survey says ``stream: false`` (64 MiB is about two million coded SKM responses,
        where an in-memory run writing every document nears 900 MiB of memory;
        benchmarks/README.md).
    dask_scheduler : str, optional
        A ``dask.distributed`` scheduler address (e.g. ``tcp://10.0.0.5:8786``), or one of
        Dask's local schedulers (``threads``, ``processes``, ``synchronous``), to code and
        sum the file's partitions on; default: read locally with pyarrow.
    chunk_rows : int, optional
        Rows per batch (default :data:`surveyq.streaming.DEFAULT_CHUNKSIZE`).
    scheduler_timeout : float, default 30
        Seconds to wait for the Dask scheduler to answer and for a first worker; past them
        the run stops with an error naming ``streaming.dask_scheduler``.
    """

    model_config = ConfigDict(extra="forbid")
    threshold_mb: float = Field(default=64, ge=0)
    dask_scheduler: str | None = None
    chunk_rows: int | None = Field(default=None, gt=0)
    scheduler_timeout: float = Field(default=30, gt=0)

    @field_validator("dask_scheduler")
    @classmethod
    def _scheduler_address(cls, value: str | None) -> str | None:
        if value is None or value in LOCAL_SCHEDULERS or SCHEDULER_ADDRESS.fullmatch(value):
            return value
        raise ValueError(msg("error.scheduler", value=repr(value)))


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
        except (ValueError, RuntimeError, OSError):  # outside cwd; a symlink loop: read reports it
            return full

    def inputs(self) -> list[Path]:
        """Every file the project reads: itself, questionnaires, responses, scorecard, actuals."""
        files = [self.path]
        files += [Path(q.path) for q in self.questionnaires.values() if getattr(q, "path", None)]
        for survey in self.spec.surveys.values():
            files += [self.resolve(f) for f in unit_files(survey).values()]
            files += [self.resolve(f) for _, f in previous_files(survey)]
        files += [self.resolve(f) for f in (self.spec.scorecard, self.spec.actuals) if f]
        return files

    def organisation(self, lang: str) -> str:
        org = self.spec.organisation
        return org if isinstance(org, str) else org.get(lang)


# ---- when to stream (here, so that deciding does not load surveyq.streamed) -------------------

#: The file suffixes a survey can be streamed from, and their format.
STREAMABLE = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".parquet": "parquet",
              ".pq": "parquet"}


def stream_format(path: Path, spec: SurveySpec) -> str | None:
    """``"csv"`` or ``"parquet"`` when the responses file can be streamed, else None."""
    declared = spec.read.format
    if declared:
        return declared if declared in ("csv", "parquet") else None
    return STREAMABLE.get(path.suffix.lower())


def should_stream(project: Project, spec: SurveySpec, file: str | None = None) -> bool:
    """Whether to stream a survey's file: its ``stream:`` if set, else the file's size.

    Only CSV and Parquet stream; any other format is read in memory whatever its size.
    """
    path = project.resolve(file or spec.responses)
    if stream_format(path, spec) is None or not path.is_file():
        return False
    if spec.stream is not None:
        return spec.stream
    return path.stat().st_size > project.spec.streaming.threshold_mb * 2**20


def _proportion(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < 1


def _option_checks() -> dict[str, tuple[Any, str]]:
    """Known ``options:`` keys: a test of the value and what a valid value is."""
    from surveyq.ikm import IKM_STANDARDS, IKM_WEIGHT_MODES

    def one_of(*allowed: Any) -> tuple[Any, Any]:
        return (lambda v: v in allowed), msg("error.option_one_of",
                                              allowed=[str(a) for a in allowed])

    return {
        "corrected": ((lambda v: isinstance(v, bool)), msg("validation.form_bool")),
        "missing": one_of("listwise", "pairwise"),
        "alpha": (_proportion, msg("error.option_alpha")),
        "tail": one_of("two-sided", "one-sided"),
        "threshold": ((lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)),
                      msg("error.option_threshold")),
        "ci": (_proportion, msg("error.option_ci")),
        "ikm_standard": one_of(*IKM_STANDARDS),
        "weight_mode": one_of(None, "exact", *IKM_WEIGHT_MODES),
        "duplicates": one_of("exclude", "flag", "keep"),
        "duplicate_window": ((lambda v: isinstance(v, (int, float))
                              and not isinstance(v, bool) and v >= 0),
                             msg("error.option_window")),
        "appendix_max_rows": ((lambda v: isinstance(v, int) and not isinstance(v, bool)
                               and v >= 0), msg("error.option_rows")),
    }


def check_options(options: dict[str, Any], where: str) -> list[str]:
    """Problems with the known keys of an ``options:`` mapping, each naming its key path.

    A key close to a known one is taken for a typo; other keys are left to their readers.
    """
    import difflib

    checks = _option_checks()
    problems = []
    for key, value in options.items():
        if key in checks:
            test, wanted = checks[key]
            if not test(value):
                problems.append(msg("error.option_invalid", key=f"{where}.{key}",
                                    value=repr(value), wanted=wanted))
            continue
        close = difflib.get_close_matches(str(key), list(checks), n=1, cutoff=0.8)
        if close:
            problems.append(msg("error.option_unknown", key=f"{where}.{key}",
                                close=repr(close[0])))
    return problems


def read_project_spec(file: Path) -> ProjectSpec:
    """The validated spec of a project YAML, nothing else read (one-line error otherwise)."""
    raw = read_yaml(file, "project file")
    if not isinstance(raw, dict):
        raise InputError(msg("error.project_not_mapping"), str(file))
    try:
        spec = ProjectSpec.model_validate(raw)
    except ValidationError as exc:
        from surveyq.validation import describe_errors

        raise InputError(msg("error.see_page", detail=describe_errors(exc, raw, model=ProjectSpec),
                             page="docs/project-format.md"), str(file)) from None
    return spec


def file_references(spec: ProjectSpec) -> list[tuple[str, str]]:
    """(YAML key path, path as written) of every file a project names."""
    references = []
    for name, survey in spec.surveys.items():
        references.append((f"surveys.{name}.questionnaire", survey.questionnaire))
        references += [(f"surveys.{name}." + (f"units.files.{unit}" if unit else "responses"), f)
                       for unit, f in unit_files(survey).items()]
        references += [(f"surveys.{name}.{key}", f) for key, f in previous_files(survey)]
    return references + [(key, getattr(spec, key)) for key in ("scorecard", "actuals")
                         if getattr(spec, key)]


def outside_paths(spec: ProjectSpec, folder: Path, root: Path) -> list[Message]:
    """A problem for each file ``spec`` names outside ``root`` (links followed).

    A questionnaire may instead be a shipped id (``skm-permenpanrb-14-2017``) when no file of
    that name is in the folder. Used for uploaded projects (:mod:`surveyq.web.safety`).
    """
    base = Path(root).resolve()
    problems = []
    for key, relative in file_references(spec):
        if key.endswith(".questionnaire"):
            file = _confined_questionnaire(folder, relative)
            if file is None and _bare_id(relative):
                problems.append(msg("upload.questionnaire_unknown", key=key, path=relative))
                continue
            if file is not None and file.parent == shipped_questionnaires_dir():
                continue
        if not (folder / relative).resolve().is_relative_to(base):
            problems.append(msg("upload.path_outside", key=key, path=relative))
    return problems


def _confined_questionnaire(folder: Path, written: str) -> Path | None:
    """The file a questionnaire key names, never looked up from the working folder: the
    folder's own file, else a shipped questionnaire of that id, else None."""
    local = folder / written
    if os.path.lexists(local):
        return local
    shipped = shipped_questionnaires_dir() / f"{written}.yaml"
    return shipped if _bare_id(written) and shipped.exists() else None


def _bare_id(written: str) -> bool:
    """True for a name that may be a shipped questionnaire's id (no folder, no extension)."""
    return len(Path(written).parts) == 1 and not Path(written).suffix


def load_project(path: str | Path, *, root: str | Path | None = None) -> Project:
    """Read a project YAML, check its files and load its questionnaires; all problems at once.

    With ``root``, every file the project names must lie inside ``root`` (an uploaded
    project's own folder): checked before any of them is read.
    """
    file = Path(path)
    spec = read_project_spec(file)
    if root is not None:
        outside = outside_paths(spec, file.parent, Path(root))
        if outside:
            raise InputError(joined(outside), str(file))
    problems: list[str] = check_options(spec.options, "options")
    for name, survey in spec.surveys.items():
        problems += check_options(survey.options, f"surveys.{name}.options")
    if not (spec.surveys or spec.scorecard or spec.finance or spec.strategy):
        problems.append(msg("error.no_surveys"))
    questionnaires: dict[str, Questionnaire] = {}
    project = Project(spec, file, questionnaires)
    for name, survey in spec.surveys.items():
        q_path = survey.questionnaire
        local = project.resolve(q_path)
        if root is not None:  # an upload: never looked up from the server's working folder
            local = _confined_questionnaire(project.folder, q_path) or local
        try:
            questionnaires[name] = load_questionnaire(
                local if local.exists() else resolve_questionnaire_path(q_path)
            )
        except InputError as exc:
            problems.append(msg("error.at", where=f"surveys.{name}.questionnaire",
                                detail=exc.args[0]))
        if name in questionnaires:
            problems += thesis_problems(name, survey, questionnaires[name])
        sources = {"responses": survey.responses} if survey.responses else {
            f"units.files.{unit}": f for unit, f in unit_files(survey).items()}
        for key, relative in [
            *sources.items(),
            *previous_files(survey),
        ]:
            if not os.path.lexists(project.resolve(relative)):  # a looping link: read says so
                problems.append(msg("error.file_not_beside", key=f"surveys.{name}.{key}",
                                    file=repr(relative)))
    for key in ("scorecard", "actuals"):
        relative = getattr(spec, key)
        if relative and not project.resolve(relative).exists():
            problems.append(msg("error.file_not_beside", key=key, file=repr(relative)))
    if problems:
        raise InputError(joined(problems), str(file))
    return project


def duplicate_options(project: Project, name: str) -> dict[str, Any]:
    """A survey's ``duplicates`` policy and ``duplicate_window`` (its options over the project's).

    Defaults: exclude duplicate submissions, a 60-second window (:mod:`surveyq.clean`).
    """
    from surveyq.clean import DEFAULT_DUPLICATE_WINDOW

    options = {**project.spec.options, **project.spec.surveys[name].options}
    return {"duplicates": options.get("duplicates", "exclude"),
            "duplicate_window": options.get("duplicate_window", DEFAULT_DUPLICATE_WINDOW)}
