"""The ``surveyq`` command: a thin skin over the library (run, check, demo).

Errors a user can cause print as one line, ``Error: ...``, with exit code 2 and no traceback
unless ``--debug`` is given (sqlite-utils' habit).
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from surveyq.errors import SurveyqError

app = typer.Typer(
    help="surveyq: Likert questionnaire data to validity, reliability, SERVQUAL, IKM/SKM and "
    "Balanced Scorecard results.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # click's plain help: typer's boxed help imports rich.markdown and markdown-it (about
    # 0.1 s, a third of `surveyq --help`) even for help written without markup
    rich_markup_mode=None,
)
console = Console(stderr=True)
EXIT_OK, EXIT_ANALYSIS, EXIT_INPUT, EXIT_BUG = 0, 1, 2, 3
EXIT_INTERRUPTED = 130


class Lang(str, Enum):
    id = "id"
    en = "en"


_state: dict[str, Any] = {"debug": False}


@app.callback()
def main(debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False) -> None:
    _state["debug"] = debug


def _language(lang: Lang | str | None, project: Path | None = None) -> str:
    """The language the command speaks: ``--lang``, else the project's ``language:`` (read
    leniently, so a project that fails validation still gets its errors in its language),
    else Indonesian, the default of a project's report."""
    if lang is not None:
        return lang.value if isinstance(lang, Lang) else lang
    if project is not None and project.suffix.lower() in (".yaml", ".yml"):
        from surveyq.yamlfile import read_yaml

        try:
            raw = read_yaml(project)
        except (SurveyqError, OSError):
            raw = None
        if isinstance(raw, dict) and raw.get("language") in ("id", "en"):
            return str(raw["language"])
    return "id"


def _error(lang: str, text: str, exit_code: int) -> typer.Exit:
    """Print ``Error: text`` (in ``lang``) as one line; the Exit to raise."""
    console.print(f"[bold red]{_say(lang, 'cli.error')}[/] {escape(text)}", highlight=False,
                  soft_wrap=True)
    return typer.Exit(exit_code)


def _guarded(action: Callable[[], int], lang: str = "id") -> None:
    """Run a command; errors a user can cause are one line in ``lang``, never a traceback."""
    from surveyq.errors import error_text

    _state["lang"] = lang
    # From here on Ctrl-C is a KeyboardInterrupt, so a run can leave its output set whole
    # (the console script's loading-time handler just exits).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        code = action()
    except KeyboardInterrupt:
        console.print(_say(lang, "cli.interrupted"), highlight=False)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except SurveyqError as exc:
        if _state["debug"]:
            raise
        raise _error(lang, error_text(exc, lang), EXIT_INPUT) from None
    except OSError as exc:  # the file system refused (permissions, disk full...): not a bug
        if _state["debug"]:
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        raise _error(lang, where + _say(lang, "cli.os_error", reason=str(exc.strerror or exc)),
                     EXIT_INPUT) from None
    except Exception as exc:  # a bug in surveyq: still one line, with the way to report it
        if _state["debug"]:
            raise
        raise _error(lang, _say(lang, "cli.internal_error", error=f"{type(exc).__name__}: {exc}"),
                     EXIT_BUG) from None
    raise typer.Exit(code)


class _RunProgress:
    """A spinner with the current step, and a bar of rows read while a survey streams."""

    def __init__(self, lang: str = "id") -> None:
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.lang = lang

        self.bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                            TextColumn("{task.fields[rows]}"), TimeElapsedColumn(),
                            console=console, transient=True)
        self.step = self.bar.add_task("surveyq", total=None, rows="")
        self.streams: dict[str, Any] = {}

    def __enter__(self) -> _RunProgress:
        if console.is_terminal:  # a pipe or a log file gets the summary only
            self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if console.is_terminal:
            self.bar.stop()

    def message(self, text: str) -> None:
        self.bar.update(self.step, description=text)

    def rows(self, survey: str, rows: int, fraction: float | None) -> None:
        """Rows read so far; the bar fills by the share of the file read when known."""
        task = self.streams.get(survey)
        if task is None:
            task = self.streams[survey] = self.bar.add_task(
                _say(self.lang, "cli.streaming", survey=survey),
                total=100 if fraction is not None else None, rows="")
        completed = 100 * fraction if fraction is not None else None
        self.bar.update(task, completed=completed, rows=_say(self.lang, "cli.rows_read",
                                                             rows=rows))


def _pdf_possible(pdf: bool, lang: str = "id") -> bool:
    """--pdf with a browser to print with; without one, a line saying how to get one."""
    if not pdf:
        return False
    from surveyq.report.pdf import INSTALL_HINT, find_browser

    if find_browser() is None:
        console.print(f"[yellow]{_say(lang, 'cli.no_pdf')}[/] {_in(lang, INSTALL_HINT)}",
                      highlight=False, soft_wrap=True)
        return False
    return True


def _run(project: Path, out: Path, lang: str | None, csv_tables: bool = False,
         pdf: bool = False) -> int:
    from surveyq.pipeline import run_project

    pdf = _pdf_possible(pdf, _state.get("lang", "id"))
    with _RunProgress(_state.get("lang", "id")) as progress:
        result = run_project(project, out=out, lang=lang, progress=progress.message,
                             csv_tables=csv_tables, rows_progress=progress.rows, pdf=pdf)
    surveys, language = result.results["surveys"], result.results["language"]
    for name, survey in surveys.items():
        if survey.get("streaming"):
            console.print(_say(language, "cli.streamed", survey=name,
                               rows=survey["streaming"]["rows_read"],
                               omitted=survey["streaming"]["omitted"]), highlight=False)
    Console().print(_headline_table(result.results, out))
    for path in result.written:
        Console().print(_say(language, "cli.wrote", path=str(path)), highlight=False,
                        soft_wrap=True)
    problems = [(name, problem) for name, survey in surveys.items()
                for problem in survey["problems"]]
    if problems:
        console.print(f"[bold yellow]{_say(language, 'cli.not_computed')}[/] ({len(problems)}):",
                      highlight=False)
        for name, problem in problems:
            console.print(f"  {name}: {_in(language, problem)}", highlight=False,
                          soft_wrap=True)
    bugs = [exc for run in result.surveys.values() for exc in run.internal_errors]
    if bugs and _state["debug"]:
        raise bugs[0]
    if bugs:
        return EXIT_BUG
    return EXIT_ANALYSIS if problems else EXIT_OK


def _headline_table(results: dict[str, Any], out: Path) -> Table:
    """Each survey's headline figures: n, rows excluded, IKM and band, alpha range; the NKO."""
    lang = results["language"]
    table = Table(title=f"surveyq → {out}")
    for column in ("survey", "n", "items", "excluded_rows", "ikm", "alpha", "not_computed"):
        table.add_column(_say(lang, f"cli.column_{column}"))
    for name, survey in results["surveys"].items():
        excluded = sum(f["rows_in_file"] - f["rows_kept"] for f in survey["row_accounting"])
        table.add_row(name, str(survey["n"]), str(survey["k"]), str(excluded),
                      _ikm_headline(survey, lang), _alpha_range(survey, lang),
                      str(len(survey["problems"])) if survey["problems"] else "–")
    card = results.get("scorecard")
    if card and card.get("score") is not None:
        predicate = (card.get("predicate") or {}).get("code", "")
        table.caption = f"NKO {_number(card['score'], 2, lang)}" + (
            f" ({predicate})" if predicate else "")
    elif card and card.get("not_computed"):  # a design: the reason there is no score
        from surveyq.messages import translate

        table.caption = translate(card["not_computed"], lang)
    return table


def _number(value: float, decimals: int, lang: str) -> str:
    from surveyq.messages import format_number

    return format_number(value, decimals, lang)


def _ikm_headline(survey: dict[str, Any], lang: str = "en") -> str:
    ikm = survey["analyses"].get("ikm")
    if not ikm:
        return "–"
    summary = ikm["summary"]
    return f"{_number(summary['converted'], 2, lang)} ({summary['band']})"


def _alpha_range(survey: dict[str, Any], lang: str = "en") -> str:
    reliability = survey["analyses"].get("reliability") or {}
    alphas = [s["alpha"] for s in reliability.get("scales", []) if s.get("alpha") is not None]
    if not alphas:
        return "–"
    low, high = min(alphas), max(alphas)
    low_text, high_text = _number(low, 3, lang), _number(high, 3, lang)
    return low_text if low == high else f"{low_text}–{high_text}"


@app.command(short_help="Read, clean and analyse a project; write its documents.")
def run(
    project: Annotated[Path, typer.Argument(help="The project YAML file.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("reports/out"),
    lang: Annotated[Lang | None, typer.Option("--lang", help="Report language.")] = None,
    csv: Annotated[bool, typer.Option("--csv", help="Also write each table as a CSV.")] = False,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also print report.pdf (and the SKM "
                                      "publication sheet's PDF/PNG) with headless Chromium.")
                   ] = False,
) -> None:
    """Read, clean and analyse every survey of a project and write its documents.

    Given an export instead of a project YAML, infers the questionnaire as `surveyq init`
    would (in memory) and runs it, for a first look.

    Writes report.html, appendix.xlsx, appendix.docx, results.json, cleaning-log.csv and,
    for an SKM survey, skm-publication.html to the output folder (tables/*.csv with --csv;
    report.pdf and the publication sheet's PDF/PNG with --pdf).

    \b
    Example: surveyq run questionnaires/demo/project.yaml --out reports/demo --lang id
    """
    if project.suffix.lower() not in (".yaml", ".yml"):
        _guarded(lambda: _run_export([project], out, lang.value if lang else None, csv, pdf),
                 _language(lang))
    else:
        _guarded(lambda: _run(project, out, lang.value if lang else None, csv, pdf),
                 _language(lang, project))


@app.command(short_help="Run the bundled demo project.")
def demo(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("reports/demo"),
    lang: Annotated[Lang | None, typer.Option("--lang", help="Report language.")] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also print the PDFs with Chromium.")
                   ] = False,
) -> None:
    """Run the bundled demo project (a fictitious office's three surveys).

    \b
    Example: surveyq demo --out reports/demo
    """
    from surveyq.demo import demo_project_path

    _guarded(lambda: _run(demo_project_path(), out, lang.value if lang else None, pdf=pdf),
             _language(lang, demo_project_path()))


def _say(lang: str, code: str, **params: Any) -> str:
    """The message ``code`` in the run's language (catalogue report/i18n/messages.*.yaml)."""
    from surveyq.messages import Message, translate

    return translate(Message(code, params), lang)


def _in(lang: str, text: Any) -> str:
    """A Message (a note, problem or log entry) in the run's language; other text as it is."""
    from surveyq.messages import translate

    return translate(text, lang)


def _check(project: Path, lang: str | None = None) -> int:
    from surveyq.pipeline import check_project

    loaded, logs = check_project(project)
    lang = lang or loaded.spec.language
    fatal_total = 0
    for name, log in logs.items():
        problems = [e for e in log.entries if e.action.value != "cell_missing"]
        fatal = log.fatal
        fatal_total += len(fatal)
        Console().print(f"[bold]{name}[/]: " + _say(lang, "cli.check_counts", fatal=len(fatal),
                                                    other=len(problems) - len(fatal)))
        for entry in problems:
            where = ", ".join(
                part
                for part in (
                    _say(lang, "cli.row", row=entry.row) if entry.row is not None else None,
                    _say(lang, "cli.column", column=repr(entry.column)) if entry.column else None,
                )
                if part
            )
            mark = f"[red]{_say(lang, 'cli.fatal')}[/] " if entry.fatal else ""
            Console().print(
                f"  {mark}{entry.file}{' ' + where if where else ''}: "
                f"{_in(lang, entry.message)}",
                highlight=False,
                soft_wrap=True,
            )
    return EXIT_INPUT if fatal_total else EXIT_OK


@app.command(short_help="List every problem in a project's files (exit 2 if fatal).")
def check(
    project: Annotated[Path, typer.Argument(help="The project YAML file.")],
    lang: Annotated[Lang | None, typer.Option(
        "--lang", help="Language of the messages (default: the project's).")] = None,
) -> None:
    """Read every file of a project and list every problem found (exit 2 when any is fatal).

    \b
    Example: surveyq check questionnaires/demo/project.yaml
    """
    _guarded(lambda: _check(project, lang.value if lang else None), _language(lang, project))


def _print_proposal(proposal: Any, lang: str = "en") -> None:
    out = Console()
    table = Table(title=_say(lang, "cli.init_title"))
    for column in ("survey", "kind", "items", "scales", "fields", "analyses"):
        table.add_column(_say(lang, f"cli.init_column_{column}"))
    for name, survey in proposal.surveys.items():
        q = survey.questionnaire
        scales = ", ".join(f"{key} {s.points[0]}-{s.points[-1]}" for key, s in q.scales.items())
        if survey.based_on:
            scales = _say(lang, "cli.init_standard_scales", count=len(q.scales))
        table.add_row(name, q.kind + (f" ({survey.based_on})" if survey.based_on else ""),
                      str(len(q.items)), scales, str(len(q.fields)),
                      ", ".join(_say(lang, f"problem.analysis_{a}")
                                for a in survey.spec.analyses or []))
    out.print(table)
    out.print(f"[bold]{_say(lang, 'cli.init_decisions', count=len(proposal.decisions))}[/]")
    for decision in proposal.decisions:
        out.print(f"  - {decision.line(lang)}", highlight=False, soft_wrap=True)


def _init(exports: list[Path], out: Path, codebook: Path | None, lang: str) -> int:
    from surveyq.infer import propose
    from surveyq.infer_write import write_proposal

    proposal = propose(exports, codebook=codebook, language=lang)
    written = write_proposal(proposal, out)
    _print_proposal(proposal, lang)
    Console().print(_say(lang, "cli.init_wrote", files=", ".join(str(p) for p in written),
                         project=str(out / "project.yaml")), highlight=False)
    return EXIT_OK


@app.command(short_help="Infer questionnaires and a project from raw exports.")
def init(
    exports: Annotated[list[Path], typer.Argument(help="Raw export files, one per survey.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the YAML files.")] = Path(
        "survey"),
    codebook: Annotated[Path | None, typer.Option(
        "--codebook", help="Codebook: item column, text, reverse keying, dimension.")] = None,
    lang: Annotated[Lang, typer.Option("--lang", help="Report language of the project.")] = (
        Lang.id),
) -> None:
    """Infer questionnaires and a project from raw exports, as commented YAML to review.

    Writes OUT/project.yaml and OUT/<survey>.yaml per export and prints every decision a
    person should confirm. The project runs as written: surveyq run OUT/project.yaml

    \b
    Example: surveyq init responses.csv --out survey
    """
    _guarded(lambda: _init(exports, out, codebook, lang.value), lang.value)


def _run_export(exports: list[Path], out: Path, lang: str | None, csv_tables: bool,
                pdf: bool = False) -> int:
    import tempfile

    from surveyq.infer import propose
    from surveyq.infer_write import write_proposal

    proposal = propose(exports, language=lang or "id")
    console.print(_say(lang or "id", "cli.inferred", file=str(exports[0]),
                       count=len(proposal.decisions)), highlight=False)
    with tempfile.TemporaryDirectory(prefix="surveyq-") as folder:
        write_proposal(proposal, folder)
        return _run(Path(folder) / "project.yaml", out, lang, csv_tables, pdf)


@app.command(short_help="Start the local web page (upload, confirm, report).")
def serve(
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8765,
    host: Annotated[str, typer.Option("--host", help="Address to listen on (default loopback: "
                                      "only this computer).")] = "127.0.0.1",
    data_dir: Annotated[Path | None, typer.Option(
        "--data-dir", help="Folder for uploads and results (default: the OS's per-user data "
        "folder, or $SURVEYQ_DATA).")] = None,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Do not open the browser."
                                             )] = False,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the page.")] = Lang.id,
    shortcut: Annotated[bool, typer.Option(
        "--shortcut", help="Put a launcher for this command on the desktop (.desktop, .bat or "
        ".command) and exit.")] = False,
) -> None:
    """Start the local web page: upload an export, confirm the questionnaire, get the report.

    \b
    Example: surveyq serve
    """
    if shortcut:
        _guarded(lambda: _write_shortcut(data_dir, port, lang))
        return

    def start() -> int:
        try:
            import uvicorn  # noqa: F401  (imported when the server starts; checked here)

            from surveyq.web.server import serve as run_server
        except ImportError as exc:
            if (exc.name or "").split(".")[0] not in ("starlette", "uvicorn", "multipart",
                                                      "python_multipart", "platformdirs"):
                raise
            console.print(f"[bold red]Error:[/] the web page needs its extra ({exc.name} is "
                          'missing): pip install "surveyq\\[web]"', highlight=False,
                          soft_wrap=True)
            return EXIT_INPUT
        run_server(host=host, port=port, data_dir=data_dir, open_browser=not no_browser,
                   lang=lang.value)
        return EXIT_OK

    _guarded(start)


def _write_shortcut(data_dir: Path | None, port: int, lang: Lang) -> int:
    """``serve --shortcut``: the launcher runs ``surveyq serve`` with the options given (on
    loopback whatever ``--host`` says: a double-click never opens the page to the network)."""
    from surveyq.messages import msg
    from surveyq.web.shortcut import write_shortcut

    path = write_shortcut(data_dir=data_dir, port=port, lang=lang.value)
    console.print(msg("cli.wrote", path=path).strip(), highlight=False, soft_wrap=True)
    return EXIT_OK


class SchemaName(str, Enum):
    questionnaire = "questionnaire"
    project = "project"
    scorecard = "scorecard"


@app.command(short_help="Print the JSON Schema of a YAML format.")
def schema(name: Annotated[SchemaName, typer.Argument(help="Which file format.")]) -> None:
    """Print the JSON Schema of a YAML format (for editors that validate and complete YAML).

    \b
    Example: surveyq schema project > project.schema.json
    """
    def show() -> int:
        import json

        from surveyq.formats import json_schema

        try:
            print(json.dumps(json_schema(name.value), indent=2, ensure_ascii=False))
        except BrokenPipeError:   # `surveyq schema project | head`: the reader stopped early
            sys.stderr.close()
        return EXIT_OK

    _guarded(show)


def entry(argv: list[str] | None = None) -> Any:
    """The console script: the app, with Ctrl-C outside a command's guard (while Python and
    typer start, before ``_guarded`` runs) also ending in one line and exit 130."""
    args = argv if argv is not None else sys.argv[1:]
    try:
        return app(args=args, prog_name="surveyq")
    except KeyboardInterrupt:
        from surveyq.console import interrupted_text

        console.print(interrupted_text(args, _state.get("lang")), highlight=False)
        raise SystemExit(EXIT_INTERRUPTED) from None
