"""Run a project: read and clean every survey, compute what each asks for, write the outputs.

The results are one JSON-ready mapping (schema ``surveyq-results/1``, documented in
docs/results-schema.md); the report layer renders it and computes nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from surveyq import __version__
from surveyq.clean import Responses, clean
from surveyq.errors import InputError, SurveyqError, error_message
from surveyq.io import read_raw
from surveyq.log import LOG_COLUMNS, CleaningLog, localised
from surveyq.messages import joined, localise_results, msg, translate
from surveyq.outputs import dumps_json, to_jsonable, write_atomic
from surveyq.project import (
    Project,
    SurveySpec,
    duplicate_options,
    load_project,
    should_stream,
    stream_format,
    unit_files,
)

if TYPE_CHECKING:
    from surveyq.moments import Moments
    from surveyq.streamed import StreamedSurvey

RESULTS_SCHEMA = "surveyq-results/1"
#: The files every run writes (tables/*.csv besides with ``csv_tables``).
OUTPUT_FILES = ("results.json", "cleaning-log.csv", "report.html", "appendix.xlsx",
                "appendix.docx")
Progress = Callable[[str], None]
#: (survey, rows read so far, fraction of the file read or None) while a survey streams.
RowsProgress = Callable[[str, int, "float | None"], None]


@dataclass
class SurveyRun:
    """One survey's cleaned responses and the results of its analyses."""

    name: str
    spec: SurveySpec
    responses: Responses
    analyses: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    spec_options: dict[str, Any] = field(default_factory=dict)
    period: str = "current"
    previous: dict[str, Responses | StreamedSurvey] = field(default_factory=dict)
    stream: StreamedSurvey | None = None
    internal_errors: list[Exception] = field(default_factory=list)
    #: The survey's part of results.json, made where it was analysed (maybe a forked child).
    summary: dict[str, Any] = field(default_factory=dict, repr=False)
    _moments: dict[tuple[str, ...], Moments] = field(default_factory=dict, repr=False)
    _pairwise: dict[tuple[str, ...], Moments] = field(default_factory=dict, repr=False)

    @property
    def mode(self) -> str:
        """``"streamed"`` when the items were read into Moments batch by batch."""
        return "in-memory" if self.stream is None else "streamed"

    @property
    def n(self) -> int:
        """Respondents kept (rows with at least one valid answer)."""
        return self.responses.n if self.stream is None else self.stream.n

    def scale_data(self, items: list[str]) -> pd.DataFrame | Moments:
        """The answers to these items: their columns, or their Moments when streamed."""
        if self.stream is not None:
            return self.stream.moments(items)
        return self.responses.items[items]

    def listwise_moments(self, items: list[str]) -> Moments:
        """The answers' Moments without pairwise sums (what a listwise analysis builds from
        the columns), computed once per item set for every analysis that asks."""
        if self.stream is not None:
            return self.stream.moments(items)
        key = tuple(items)
        if key in self._moments:
            return self._moments[key]
        if key in self._pairwise_wanted():  # the listwise sums are part of the pairwise ones
            return self.pairwise_moments(items)
        self._moments[key] = self.responses.item_moments(items, pairwise=False)
        return self._moments[key]

    def pairwise_moments(self, items: list[str]) -> Moments:
        """The in-memory answers' Moments with the pairwise sums (the IKM's analytic
        interval), computed once per item set; they serve listwise requests too."""
        key = tuple(items)
        if key not in self._pairwise:
            self._pairwise[key] = self.responses.item_moments(items, pairwise=True)
        return self._pairwise[key]

    def _pairwise_wanted(self) -> set[tuple[str, ...]]:
        """The item sets whose pairwise Moments this run will build anyway: the IKM
        elements' (its analytic interval needs them)."""
        from surveyq.analyses import analyses_for

        if "ikm" not in analyses_for(self):
            return set()
        rated = [item.id for item in self.responses.questionnaire.items if item.element]
        return {tuple(rated)} if rated else set()


@dataclass
class ProjectRun:
    """Everything a run produced: the surveys' responses and the JSON-ready results."""

    project: Project
    surveys: dict[str, SurveyRun]
    results: dict[str, Any]
    written: list[Path] = field(default_factory=list)

    @property
    def log(self) -> pd.DataFrame:
        frames = [
            run.responses.log.to_frame().assign(survey=name) for name, run in self.surveys.items()
        ]
        if not frames:
            return pd.DataFrame(columns=["survey", *LOG_COLUMNS])
        return pd.concat(frames, ignore_index=True)[["survey", *LOG_COLUMNS]]


def read_survey(
    project: Project, name: str, strict: bool = True, period: str | None = None
) -> Responses:
    """Read and clean one survey of a project (an earlier period's file if ``period`` is given)."""
    spec = project.spec.surveys[name]
    options = spec.read.model_dump(exclude_none=True)
    file = unit_files(spec, period).get("")
    if file is None:  # one export per service unit (units.files, or per unit in previous)
        from surveyq.units import read_unit_files

        return read_unit_files(project, name, strict, period)
    raw = read_raw(project.resolve(file), **options)
    responses = clean(raw, project.questionnaires[name], **duplicate_options(project, name))
    if strict and responses.log.fatal:
        raise InputError(joined([e.message for e in responses.log.fatal]), responses.file)
    return responses


def _survey_summary(run: SurveyRun) -> dict[str, Any]:
    from surveyq.analyses import analyses_for
    from surveyq.describe import free_text, item_frequencies, profile, scale_labels

    q = run.responses.questionnaire
    log = run.responses.log
    streamed = run.stream is not None
    return {
        "questionnaire": {
            "id": q.id,
            "title": q.title.model_dump(),
            "kind": q.kind,
            "standard": q.standard,
            "source": q.source,
        },
        "title": run.spec.title.model_dump() if run.spec.title else q.title.model_dump(),
        "file": run.responses.file,
        "mode": run.mode,
        "streaming": run.stream.settings if streamed else None,
        "n": run.n,
        "k": run.responses.items.shape[1],
        "population": run.spec.population,
        "row_accounting": log.row_accounting(),
        "duplicates": run.responses.duplicates,
        "log_summary": log.summary(),
        "scales": scale_labels(run.responses),
        "groups": {
            code: group.text.model_dump() for code, group in {**q.dimensions, **q.elements}.items()
        },
        "items": run.stream.frequencies if streamed else item_frequencies(run.responses),
        "profile": [] if streamed else profile(run.responses),
        "free_text": [] if streamed else free_text(run.responses),
        "previous": {
            period: {"file": r.file, "n": r.n, "row_accounting": r.log.row_accounting()}
            for period, r in run.previous.items()
        },
        "analyses": run.analyses,
        "requested": analyses_for(run),
        "follow_up": {code: plan.model_dump() for code, plan in run.spec.follow_up.items()},
        "problems": run.problems,
    }


def analyse_survey(run: SurveyRun) -> None:
    """Compute every analysis the survey asks for.

    An analysis the data cannot support is a problem noted in the results, not a crash.
    A streamed survey computes what its sums allow and names the rest in
    ``streaming.omitted``; an omitted analysis the project listed itself is also a problem.
    """
    from surveyq.analyses import ANALYSES, analyses_for

    wanted = analyses_for(run)
    streamed: tuple[str, ...] = ()  # the analyses a streamed survey computes
    if run.stream is not None:  # surveyq.streamed is loaded only for a streamed survey
        from surveyq.streamed import STREAMED_ANALYSES, omitted_parts

        run.stream.settings["omitted"] = omitted_parts(wanted)
        streamed = STREAMED_ANALYSES
    for analysis in wanted:
        if run.stream is not None and analysis not in streamed:
            if run.spec.analyses is not None:
                run.problems.append(msg("problem.needs_rows", analysis=analysis,
                                        label=_analysis_label(analysis)))
            continue
        compute = ANALYSES.get(analysis)
        if compute is None:
            run.problems.append(msg("problem.unavailable", analysis=repr(analysis),
                                    version=__version__))
            continue
        try:
            run.analyses[analysis] = compute(run)
        except SurveyqError as exc:  # the data cannot support it: a stated reason, no number
            run.problems.append(msg("problem.analysis_failed", analysis=analysis,
                                    label=_analysis_label(analysis),
                                    error=error_message(exc)))
            continue
        except Exception as exc:  # a bug: the other analyses and the log are still written
            run.problems.append(msg("problem.internal_error", analysis=analysis,
                                    label=_analysis_label(analysis),
                                    error=f"{type(exc).__name__}: {exc}"))
            run.internal_errors.append(exc)
            continue
        run.problems += [msg("problem.scale_error", analysis=analysis,
                             label=_analysis_label(analysis), scale=record["scale"],
                             error=record["error"])
                         for record in run.analyses[analysis].get("scales", [])
                         if record.get("error")]


def _in_language(progress: Progress | None, lang: str) -> Progress:
    """The progress callback fed with messages written in the run's language."""
    if progress is None:
        return lambda message: None
    return lambda message: progress(translate(message, lang))


def _analysis_label(analysis: str) -> str:
    """The analysis' name for readers (a message), or its key when it has none."""
    known = ("validity", "reliability", "servqual", "ipa", "ikm")
    return msg(f"problem.analysis_{analysis}") if analysis in known else analysis


def run_project(
    path: str | Path,
    out: str | Path | None = None,
    lang: str | None = None,
    progress: Progress | None = None,
    csv_tables: bool = False,
    rows_progress: RowsProgress | None = None,
    pdf: bool = False,
) -> ProjectRun:
    """Read, clean and analyse every survey of a project, and write the outputs to ``out``.

    Writes ``results.json``, ``cleaning-log.csv``, ``report.html``, ``appendix.xlsx`` and
    ``appendix.docx`` (atomically; see :func:`write_outputs`).

    Parameters
    ----------
    path : str or path-like
        The project YAML.
    out : str or path-like, optional
        Output folder; nothing is written when None.
    lang : {"id", "en"}, optional
        Report language; default the project's ``language``.
    progress : callable, optional
        Called with a short message at each step (the CLI shows it).
    csv_tables : bool
        Also write every appendix table as a CSV under ``out/tables/``.
    rows_progress : callable, optional
        Called as a streamed survey is read, with the survey's name, the rows read so far
        and the fraction of the file read (None when unknown); without it the rows read are
        reported through ``progress``.
    pdf : bool
        Also print report.pdf and the publication sheets' PDF/PNG with headless Chromium.
    """
    project = load_project(path)
    if out is not None:  # an unusable --out is refused before any reading
        from surveyq.outputs import OutputSet

        OutputSet(Path(out), project.inputs()).preflight(list(OUTPUT_FILES))
    language = lang or project.spec.language
    notify = _in_language(progress, language)
    surveys = _analysed_surveys(project, notify, rows_progress)
    results = to_jsonable(
        {
            "schema": RESULTS_SCHEMA,
            "surveyq_version": __version__,
            "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "language": language,
            "project": {
                "file": str(project.path),
                "organisation": project.spec.organisation,
                "period": project.spec.period,
            },
        }
    )
    # each survey's part was made JSON-ready where it was analysed (maybe a forked child)
    results["surveys"] = {name: run.summary for name, run in surveys.items()}
    results.update(evaluate_project_sections(project, notify))
    if project.spec.scorecard:
        notify(msg("progress.scorecard", file=str(project.spec.scorecard)))
        results["scorecard"] = evaluate_scorecard(project, results["surveys"], results)
    project_run = ProjectRun(project, surveys, results)
    if out is not None:
        project_run.written = write_outputs(project_run, Path(out), language, notify, csv_tables,
                                            pdf)
    return project_run


def _analysed_surveys(project: Project, notify: Progress,
                      rows_progress: RowsProgress | None) -> dict[str, SurveyRun]:
    """Every survey of the project read, cleaned and analysed, in the project's order.

    The surveys are independent of each other until the scorecard, so when there are two or
    more and none streams, the surveys after the first are done in a forked child
    (:mod:`surveyq.background`) while this process does the first. The child's progress
    messages are given out, in order, when its surveys are collected, and its error (if any)
    raised after them: the messages, the results and the errors are those of a serial run.
    """
    from surveyq.background import in_background

    names = list(project.spec.surveys)
    rest = names[1:] if not _any_streams(project) else []
    if not rest:
        return {name: _analysed(project, name, notify, rows_progress) for name in names}
    parent = os.getpid()
    with in_background(lambda: _analysed_aside(project, rest, os.getpid() != parent)) as others:
        surveys = {names[0]: _analysed(project, names[0], notify, rows_progress)}
        runs, said, error = others.result()
    for message in said:
        notify(message)
    if error is not None:
        raise error
    return surveys | {run.name: run for run in runs}


def _analysed(project: Project, name: str, notify: Progress,
              rows_progress: RowsProgress | None) -> SurveyRun:
    """One survey read, cleaned and analysed, with its summary for results.json."""
    run = _survey_run(project, name, notify, rows_progress)
    notify(msg("progress.analysing", survey=name, n=run.n))
    analyse_survey(run)
    run.summary = to_jsonable(_survey_summary(run))
    return run


def _analysed_aside(project: Project, names: list[str], forked: bool
                    ) -> tuple[list[SurveyRun], list[str], BaseException | None]:
    """Surveys analysed in turn, keeping their progress messages: the runs done, the
    messages, and the error that stopped them; in a ``forked`` child the errors are made fit
    to travel to the parent, with their traceback for ``--debug``."""
    from surveyq.background import portable

    runs: list[SurveyRun] = []
    said: list[str] = []
    error: BaseException | None = None
    try:
        for name in names:
            runs.append(_analysed(project, name, said.append, None))
    except Exception as exc:  # noqa: BLE001 - raised by the caller, after the messages
        error = exc
    if forked:
        error = error and portable(error)
        for run in runs:
            run.internal_errors[:] = [portable(exc) for exc in run.internal_errors]
    return runs, said, error


def _any_streams(project: Project) -> bool:
    """Whether a survey of the project (or one of its earlier periods) will be streamed."""
    for spec in project.spec.surveys.values():
        for period in (None, *spec.previous):
            if _streams(project, spec, unit_files(spec, period), []):
                return True
    return False


def _survey_run(project: Project, name: str, notify: Progress,
                rows_progress: RowsProgress | None = None) -> SurveyRun:
    """Read one survey: in memory, or streamed when its file is large (or it says so)."""
    spec = project.spec.surveys[name]
    problems: list[str] = []
    stream = _read_streamed(project, name, None, notify, rows_progress, problems)
    responses = stream.responses if stream else read_survey(project, name)
    previous = {
        period: _read_streamed(project, name, period, notify, rows_progress, problems)
        or read_survey(project, name, period=period)
        for period in spec.previous
    }
    return SurveyRun(
        name,
        spec,
        responses,
        problems=problems,
        spec_options={**project.spec.options, **spec.options},
        period=str(project.spec.period or "current"),
        previous=previous,
        stream=stream,
    )


def _read_streamed(project: Project, name: str, period: str | None, notify: Progress,
                   rows_progress: RowsProgress | None,
                   problems: list[str]) -> StreamedSurvey | None:
    """The survey's file (or an earlier period's) streamed, or None to read it in memory."""
    spec = project.spec.surveys[name]
    files = unit_files(spec, period)
    label = f"{name} {period}" if period else name
    first = next(iter(files.values()))
    notify(msg("progress.reading", survey=label,
               file=str(first) if len(files) == 1 else f"{first} … ({len(files)})"))
    if not _streams(project, spec, files, problems):
        return None

    def report(rows: int, fraction: float | None) -> None:
        if rows_progress:
            rows_progress(label, rows, fraction)
        else:
            notify(msg("progress.streaming", survey=label, rows=rows))

    if "" not in files:  # one export per service unit: each streamed, the unit a constant
        from surveyq.units import stream_unit_files

        return stream_unit_files(project, name, period, report, bool(spec.stream))
    from surveyq.streamed import stream_survey

    return stream_survey(project, name, report, file=files[""], requested=bool(spec.stream))


def _streams(project: Project, spec: SurveySpec, files: dict[str, str],
             problems: list[str]) -> bool:
    """Whether to stream these files (one survey or period): when one of them should stream
    and all can (CSV or Parquet); ``stream: true`` that cannot apply is a stated problem.

    :mod:`surveyq.streamed` (about 6 ms of imports) is loaded only to stream."""
    if spec.stream is False:
        return False
    cannot = [f for f in files.values() if stream_format(project.resolve(f), spec) is None]
    if spec.stream:
        problems += [msg("problem.stream_ignored", file=f) for f in cannot]
    return not cannot and any(should_stream(project, spec, f) for f in files.values())


def evaluate_project_sections(project: Project, notify: Progress) -> dict[str, Any]:
    """The project's ``finance`` and ``strategy`` sections evaluated (when given).

    :mod:`surveyq.bsc` (about 20 ms of imports) is loaded only for a project that has one."""
    out: dict[str, Any] = {}
    try:
        if project.spec.finance is not None:
            from surveyq.bsc import evaluate_finance

            notify(msg("progress.finance"))
            out["finance"] = evaluate_finance(project.spec.finance)
        if project.spec.strategy is not None:
            from surveyq.bsc import evaluate_strategy

            notify(msg("progress.strategy"))
            out["strategy"] = evaluate_strategy(project.spec.strategy)
    except InputError as exc:  # name the project file: the sections are keys in it
        raise InputError(exc.detail, str(project.path)) from None
    return out


def evaluate_scorecard(project: Project, survey_results: dict[str, Any],
                       results: dict[str, Any] | None = None) -> dict[str, Any]:
    """The project's scorecard evaluated on its actuals, the surveys' results and the
    project's finance and strategy results (``results``)."""
    from surveyq.scorecard import evaluate_project_scorecard

    spec = project.spec
    actuals = project.resolve(spec.actuals) if spec.actuals else None
    # without actuals there is no period in the data: the design is the project's period's
    period = str(spec.period) if actuals is None and spec.period is not None else None
    return to_jsonable(
        evaluate_project_scorecard(project.resolve(spec.scorecard), actuals, survey_results,
                                   period, project_results=results)
    )


def write_outputs(
    run: ProjectRun, out: Path, lang: str, notify: Progress, csv_tables: bool = False,
    pdf: bool = False,
) -> list[Path]:
    """Write results.json, cleaning-log.csv, report.html, appendix.xlsx and appendix.docx,
    and skm-publication.html for every survey with an IKM result.

    With ``csv_tables`` every appendix table is also written as its own CSV under
    ``out/tables/``; with ``pdf`` Chromium prints report.pdf and the publication sheets'
    .pdf and .png (:mod:`surveyq.report.pdf`). The files are staged and swapped into ``out``
    as a whole (:class:`surveyq.outputs.OutputSet`): a failed or interrupted run leaves the
    previous set, files of the previous run not written now are removed (only those listed in
    its manifest), and a file the project reads is never replaced. Returns the files written.
    """
    from surveyq.outputs import OutputSet

    with OutputSet(out, run.project.inputs()) as staged:
        written = _write_files(run, staged.folder, lang, notify, csv_tables, pdf)
        final = staged.commit(written)
    notify(msg("progress.wrote", count=len(final), out=str(out)))
    return final


def _write_files(run: ProjectRun, folder: Path, lang: str, notify: Progress,
                 csv_tables: bool, pdf: bool = False) -> list[Path]:
    from surveyq.background import in_background
    from surveyq.outputs import neutralise_frame
    from surveyq.report import render_html
    from surveyq.report.appendix import (
        TABULATION_MAX_ROWS,
        build_tables,
        write_csv_tables,
        write_docx,
        write_full_matrices,
        write_xlsx,
    )

    tabulation = {
        name: survey.responses.items for name, survey in run.surveys.items() if not survey.stream
    }
    rows = _appendix_rows(run.project, TABULATION_MAX_ROWS)
    log = run.log
    # the report and the appendix tables read the messages in one language: localised once
    localised_results = localise_results(run.results, lang)
    # one set of tables for every appendix: built before the fork, the child has them too
    tables = build_tables(localised_results, log, lang, tabulation, rows)
    # the Word appendix takes about as long as the rest: a forked child writes it meanwhile
    with in_background(lambda: write_docx(run.results, log, folder / "appendix.docx", lang,
                                          tabulation, rows, tables=tables)) as docx:
        written = [
            write_atomic(folder / "results.json", dumps_json(run.results)),
            write_atomic(folder / "cleaning-log.csv",
                         neutralise_frame(localised(log, lang)).to_csv(index=False)),
        ]
        notify(msg("progress.report"))
        written.append(write_atomic(folder / "report.html",
                                    render_html(localised_results, lang=lang)))
        notify(msg("progress.appendix"))
        written.append(write_xlsx(run.results, log, folder / "appendix.xlsx", lang, tabulation,
                                  rows, tables=tables))
        written.append(docx.result())
    written += write_full_matrices(tabulation, folder, lang, rows)
    written += _publication(run.results, folder, lang, notify, pdf)
    if pdf:
        from surveyq.report.pdf import print_pdf

        notify(msg("progress.pdf"))
        written.append(print_pdf(folder / "report.html", folder / "report.pdf"))
    if csv_tables:
        written += write_csv_tables(run.results, log, folder / "tables", lang, tabulation, rows,
                                    tables=tables)
    return written


def _publication(results: dict[str, Any], out: Path, lang: str, notify: Progress,
                 pdf: bool) -> list[Path]:
    """The SKM publication sheet of each IKM survey (and its PDF and PNG with ``pdf``)."""
    from surveyq.report.publication import publication_sheets, sheet_file_names

    sheets = publication_sheets(results, lang)
    names = sheet_file_names(list(sheets))
    written = []
    for key, html in sheets.items():
        notify(msg("progress.writing", file=names[key]))
        page = write_atomic(out / names[key], html)
        written.append(page)
        if pdf:
            from surveyq.report.pdf import print_pdf, screenshot

            written += [print_pdf(page, page.with_suffix(".pdf")),
                        screenshot(page, page.with_suffix(".png"))]
    return written


def _appendix_rows(project: Project, default: int) -> int:
    """``options.appendix_max_rows``: rows the appendix prints of the item matrix and the log."""
    value = project.spec.options.get("appendix_max_rows", default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InputError(msg("error.appendix_rows", value=repr(value)),
                         str(project.path), "options.appendix_max_rows")
    return value


def check_project(path: str | Path) -> tuple[Project, dict[str, CleaningLog]]:
    """Read every file of a project without stopping at the first problem.

    A file the run would stream is checked by the same streamed pass (so a file of
    millions of rows is checked in seconds, with the cells set missing counted).
    """
    project = load_project(path)
    logs = {}
    for name, spec in project.spec.surveys.items():
        logs[name] = _check_file(project, name, None)
        for period in spec.previous:
            logs[f"{name} ({period})"] = _check_file(project, name, period)
    if project.spec.scorecard:
        logs["scorecard"] = _check_scorecard(project)
    return project, logs


def _check_scorecard(project: Project) -> CleaningLog:
    """The scorecard, its weights and targets and the actuals, as a run reads them.

    Indicators taken from a survey are checked for the survey's name only: their values
    need the statistics, which ``check`` does not compute.
    """
    from surveyq.log import Action, Reason
    from surveyq.scorecard import load_scorecard

    spec = project.spec
    log = CleaningLog()
    file = str(project.resolve(spec.scorecard))
    try:
        card = load_scorecard(project.resolve(spec.scorecard))
        # the finance and strategy sections too: weights_from and finance sources read them
        sections = evaluate_project_sections(project, lambda *_: None)
        card.evaluate(project.resolve(spec.actuals) if spec.actuals else None, None,
                      project=sections)
    except InputError as error:
        log.add(file, None, None, None, Action.FATAL, Reason.FORMAT, error.args[0])
        return log
    for index, indicator in enumerate(card.indicators):
        problem = _survey_source_problem(project, indicator.source_or_default)
        if problem:
            log.add(file, None, None, None, Action.FATAL, Reason.FORMAT,
                    f"indicators[{index}] (id {indicator.id}).source.{problem[0]}: IKU "
                    f"{indicator.id}: {problem[1]}")
    return log


#: The top-level keys of a survey's results (docs/results-schema.md).
SURVEY_RESULT_KEYS = ("questionnaire", "title", "file", "mode", "streaming", "n", "k",
                      "population", "row_accounting", "duplicates", "log_summary", "scales",
                      "groups", "items", "profile", "free_text", "previous", "analyses",
                      "problems")


def _survey_source_problem(project: Project, source: Any) -> tuple[str, str] | None:
    """(key, problem) when a survey source names no survey, or a path no run can have."""
    from surveyq.questionnaire import DEFAULT_ANALYSES

    if source.survey is None:
        return None
    surveys = project.spec.surveys
    if source.survey not in surveys:
        return "survey", (f"survey {source.survey!r} is not a survey of the project "
                          f"({', '.join(surveys)}); correct the name")
    parts = source.path.split(".")
    if parts[0] not in SURVEY_RESULT_KEYS:
        return "value", (f"{source.path!r} does not start with a key of a survey's results "
                         f"({', '.join(SURVEY_RESULT_KEYS)})")
    spec = surveys[source.survey]
    wanted = spec.analyses if spec.analyses is not None else \
        DEFAULT_ANALYSES[project.questionnaires[source.survey].kind]
    if parts[0] == "analyses" and len(parts) > 1 and parts[1] not in wanted:
        return "value", (f"survey {source.survey!r} does not compute {parts[1]!r} (it "
                         f"computes {', '.join(wanted)}); add it to the survey's analyses "
                         "or correct the path")
    return None


def _check_file(project: Project, name: str, period: str | None) -> CleaningLog:
    from surveyq.log import Action, Reason
    from surveyq.streamed import stream_survey

    spec = project.spec.surveys[name]
    files = unit_files(spec, period)
    if not _streams(project, spec, files, []):
        return read_survey(project, name, strict=False, period=period).log
    log = CleaningLog()
    for unit, file in files.items():
        try:
            log.extend(stream_survey(project, name, file=file, unit=unit or None).log)
        except InputError as error:  # a column problem stops the streamed pass: report it
            log.add(str(project.resolve(file)), None, None, None, Action.FATAL,
                    Reason.FORMAT, error.args[0])
    return log
