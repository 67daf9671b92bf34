"""The web page of ``surveyq serve``: upload, confirm, run, download, history.

Server-rendered pages (Starlette, the project's jinja2) with a little plain ``fetch``; nothing
is loaded from the network. Routes::

    GET  /                          upload page
    POST /upload                    files (+ csrf_token) -> 303 /jobs/{id}/confirm
    GET  /jobs/{id}/confirm         the inferred questionnaire as a form, with check's problems
    POST /jobs/{id}/confirm         save the confirmed YAML -> 303 /jobs/{id}
    GET  /jobs/{id}                 the job: run button, progress, report and downloads
    POST /jobs/{id}/run             start the run (worker thread) -> 303 /jobs/{id}
    GET  /jobs/{id}/status          {"state", "rows_read", "step", "message"}
    GET  /jobs/{id}/project.zip     the confirmed project YAML
    GET  /jobs/{id}/files/{name}    one whitelisted output (or YAML) file
    GET  /history                   earlier runs and IKM trends
    GET  /static/...                the page's CSS and JS

Example
-------
>>> from surveyq.web.app import create_app
>>> app = create_app("/tmp/surveyq-doctest")                      # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from surveyq.errors import SurveyqError, error_text
from surveyq.web.jobs import Job, JobStore, Runner, logger
from surveyq.web.security import (
    CSRF_COOKIE,
    BodyLimit,
    Forbidden,
    HostCheck,
    TooLarge,
    check_csrf,
    csrf_token,
)

HERE = Path(__file__).resolve().parent
LANG_COOKIE = "surveyq_lang"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
DEFAULT_MAX_UPLOAD_MB = 100
#: Output files a job may serve (nothing else under its folder is reachable).
OUTPUT_NAMES = ("report.html", "report.pdf", "skm-publication.html", "skm-publication.pdf",
                "skm-publication.png", "appendix.xlsx", "appendix.docx", "results.json",
                "cleaning-log.csv")
#: The SKM publication sheets of several surveys, and per unit (surveyq.report.publication).
PUBLICATION = re.compile(r"skm-publication(-units)?(?:-([a-z0-9][a-z0-9-]*))?\.(html|pdf|png)")
INLINE = {".html", ".pdf", ".png", ".json"}
PAGE_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
DOCUMENT_CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
                "frame-ancestors 'self'; base-uri 'none'; form-action 'none'")


def ui_labels(lang: str) -> dict[str, Any]:
    """The page's strings (report/i18n/web.<lang>.yaml, read by the documents' loader)."""
    from surveyq.report.i18n import labels

    return labels(lang, "web")


def create_app(data_dir: Path | str, lang: str = "id",
               max_upload_mb: int = DEFAULT_MAX_UPLOAD_MB,
               allowed_hosts: Sequence[str] | None = None) -> Starlette:
    """The web application over a data folder (one folder per job under ``jobs/``).

    Parameters
    ----------
    data_dir : path
        Where uploads, confirmed projects and outputs are kept.
    lang : {"id", "en"}
        The page's language unless the visitor switches (``?lang=en``, kept in a cookie).
    max_upload_mb : int
        Largest request body accepted; a larger upload gets a 413 page.
    allowed_hosts : sequence of str, optional
        Host names the page answers to (default: loopback names only, which also stops DNS
        rebinding from reaching it).
    """
    store = JobStore(Path(data_dir))
    store.interrupted()
    max_bytes = int(max_upload_mb) * 1024 * 1024
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals["max_upload_mb"] = max_upload_mb
    runner = Runner(lambda job: job.meta.get("lang", lang))

    def language(request: Request) -> str:
        chosen = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
        return chosen if chosen in ("id", "en") else lang

    def page(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
        chosen = language(request)
        token, new = csrf_token(request)
        response = templates.TemplateResponse(
            request, name, {"t": ui_labels(chosen), "lang": chosen, "csrf": token,
                            **_numbers(chosen), **context},
            status_code=status_code)
        if new:
            response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict")
        if request.query_params.get("lang") == chosen:
            response.set_cookie(LANG_COOKIE, chosen, samesite="lax", max_age=365 * 86400)
        response.headers["Content-Security-Policy"] = PAGE_CSP
        return response

    def job_or_404(request: Request) -> Job:
        job = store.get(request.path_params["job_id"])
        if job is None:
            raise HTTPException(404)
        return job

    async def form_of(request: Request) -> Any:
        form = await request.form(max_files=50, max_fields=20_000)   # 4 fields a column
        check_csrf(request, form)
        return form

    def error_line(request: Request, job: Job | None, exc: BaseException) -> str:
        if isinstance(exc, SurveyqError):
            text = error_text(exc, language(request))   # the page's language, as the CLI does
        elif isinstance(exc, OSError):
            text = f"{exc.strerror or exc}; check the file"
        else:
            logger.exception("internal error")   # the traceback for the server's log
            text = (f"internal error ({type(exc).__name__}: {exc}); this is a bug in surveyq: "
                    "report it with the server's log")
        return job.display(text) if job else text

    # ---------------------------------------------------------------- routes
    async def home(request: Request) -> Response:
        return page(request, "upload.html")

    async def upload(request: Request) -> Response:
        form = await form_of(request)
        from surveyq.web.intake import Upload, receive

        files = [Upload(f.filename or "upload", f.file) for f in form.getlist("files")
                 if isinstance(f, UploadFile) and f.filename]
        job = store.new()
        job.save_meta(lang=language(request))
        try:
            await run_in_threadpool(receive, job, files, language(request), max_bytes)
        except Exception as exc:  # noqa: BLE001 - any failure is the upload page's one line
            message = error_line(request, job, exc)
            store.discard(job)
            return page(request, "upload.html", 400, error=message)
        finally:
            for f in form.getlist("files"):
                if isinstance(f, UploadFile):
                    await f.close()
        return RedirectResponse(f"/jobs/{job.id}/confirm", status_code=303)

    async def confirm(request: Request) -> Response:
        job = job_or_404(request)
        from surveyq.web.intake import EDITABLE_ANALYSES, KINDS, ROLES, apply_form, confirm_form

        error = None
        if request.method == "POST":
            form = await form_of(request)
            if job.status().state in ("queued", "running"):   # not under a running job's feet
                return RedirectResponse(f"/jobs/{job.id}", status_code=303)
            try:
                await run_in_threadpool(apply_form, job, dict(form))
                return RedirectResponse(f"/jobs/{job.id}", status_code=303)
            except Exception as exc:  # noqa: BLE001
                error = error_line(request, job, exc)
        try:
            words = ui_labels(language(request))["confirm"]
            head, surveys = await run_in_threadpool(
                confirm_form, job, language(request),
                {"row": words["row"], "fatal": words["fatal_tag"]})
        except Exception as exc:  # noqa: BLE001
            return page(request, "job.html", 400, job=job, error=error_line(request, job, exc),
                        status=job.status(), files=[], yaml_files=[], problems=[])
        return page(request, "confirm.html", 400 if error else 200, job=job, head=head,
                    surveys=surveys, error=error, kinds=KINDS, roles=ROLES,
                    analyses=EDITABLE_ANALYSES)

    async def show_job(request: Request) -> Response:
        job = job_or_404(request)
        results = job.results() if job.status().state == "done" else None
        chosen = language(request)
        from surveyq.messages import localise_results

        surveys = localise_results((results or {}).get("surveys") or {}, chosen)
        problems = [f"{name}: {problem}" for name, survey in surveys.items()
                    for problem in survey.get("problems") or []]
        files = _outputs(job) if results else []
        from surveyq.report.pdf import find_browser

        return page(request, "job.html", job=job, status=job.status(), files=files,
                    yaml_files=_yaml_files(job) if job.confirmed else [], problems=problems,
                    results=results, pdf_possible=find_browser() is not None)

    async def run(request: Request) -> Response:
        job = job_or_404(request)
        form = await form_of(request)
        if not job.confirmed:
            return RedirectResponse(f"/jobs/{job.id}/confirm", status_code=303)
        if job.status().state not in ("queued", "running"):
            runner.submit(job, pdf=bool(form.get("pdf")))
        if request.headers.get("accept", "").startswith("application/json"):
            return JSONResponse(_status(job), status_code=202)
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    async def status(request: Request) -> Response:
        job = job_or_404(request)
        return JSONResponse(_status(job), headers={"Cache-Control": "no-store"})

    async def project_zip(request: Request) -> Response:
        job = job_or_404(request)
        if not job.confirmed:
            raise HTTPException(404)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in _yaml_files(job):
                archive.write(job.input / name, name)
        return Response(buffer.getvalue(), media_type="application/zip", headers={
            "Content-Disposition": 'attachment; filename="surveyq-project.zip"'})

    async def output_file(request: Request) -> Response:
        job = job_or_404(request)
        name = request.path_params["name"]
        if name in OUTPUT_NAMES or PUBLICATION.fullmatch(name):
            path = job.out / name
        elif job.confirmed and "/" not in name and name in _yaml_files(job):
            path = job.input / name
        else:
            raise HTTPException(404)
        from surveyq.web.safety import confine

        path = confine(path, store.root)
        if not path.is_file():
            raise HTTPException(404)
        inline = path.suffix in INLINE and not request.query_params.get("download")
        response = FileResponse(path, filename=name,
                                content_disposition_type="inline" if inline else "attachment")
        response.headers["Content-Security-Policy"] = DOCUMENT_CSP
        return response

    async def history(request: Request) -> Response:
        from surveyq.web.history import runs, trends

        chosen = language(request)
        rows = await run_in_threadpool(runs, store, chosen)
        found = await run_in_threadpool(trends, rows, chosen, ui_labels(chosen)["history"])
        pending = [job for job in store.all() if job.status().state != "done"]
        return page(request, "history.html", rows=rows, trends=found, pending=pending)

    # ---------------------------------------------------------------- errors
    async def not_found(request: Request, exc: Exception) -> Response:
        code = getattr(exc, "status_code", 404)
        return page(request, "error.html", code, code=code)

    async def forbidden(request: Request, exc: Exception) -> Response:
        return page(request, "error.html", 403, code=403)

    async def too_large(request: Request, exc: Exception) -> Response:
        return page(request, "error.html", 413, code=413)

    def too_large_asgi(scope: dict[str, Any]) -> Any:
        async def answer(scope: dict[str, Any], receive: Any, send: Any) -> None:
            response = await too_large(Request(scope), TooLarge())
            await response(scope, receive, send)
        return answer

    routes = [
        Route("/", home),
        Route("/upload", upload, methods=["POST"]),
        Route("/jobs/{job_id}/confirm", confirm, methods=["GET", "POST"]),
        Route("/jobs/{job_id}", show_job),
        Route("/jobs/{job_id}/run", run, methods=["POST"]),
        Route("/jobs/{job_id}/status", status),
        Route("/jobs/{job_id}/project.zip", project_zip),
        Route("/jobs/{job_id}/files/{name}", output_file),
        Route("/history", history),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    hosts = list(allowed_hosts) if allowed_hosts is not None else list(LOOPBACK_HOSTS)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        runner.shutdown()      # queued runs are marked failed ("interrupted") on next start

    app = Starlette(
        lifespan=lifespan,
        routes=routes,
        middleware=[Middleware(HostCheck, allowed=hosts),
                    Middleware(BodyLimit, max_bytes=max_bytes, too_large=too_large_asgi)],
        exception_handlers={HTTPException: not_found, Forbidden: forbidden,
                            TooLarge: too_large})
    app.state.store, app.state.runner = store, runner
    return app


def _numbers(lang: str) -> dict[str, Any]:
    """Number formatting for the templates, in the page's language (1.234,56 / 1,234.56)."""
    from surveyq.messages import format_number

    def signed(value: float | None) -> str:
        text = format_number(value, 2, lang)
        return f"+{text}" if value is not None and value > 0 else text

    return {"number": lambda value, decimals=2: format_number(value, decimals, lang),
            "signed": signed}


def _outputs(job: Job) -> list[tuple[str, str, str]]:
    """(file name, its label's key, what distinguishes it) of each output the run wrote."""
    found = [(name, name, "") for name in OUTPUT_NAMES if (job.out / name).is_file()]
    for path in sorted(job.out.glob("skm-publication*")):
        match = PUBLICATION.fullmatch(path.name)
        if match and path.name not in OUTPUT_NAMES:
            units, survey, suffix = match.groups()
            found.append((path.name, f"skm-publication.{suffix}",
                          " ".join(part for part in ("units" if units else "", survey or "")
                                   if part)))
    return found


def _status(job: Job) -> dict[str, Any]:
    """queued, running, done or failed once a run was asked for ("new" / "confirmed" before)."""
    status = job.status()
    return {"state": status.state, "rows_read": status.rows_read, "step": status.step,
            "message": status.message}


def _yaml_files(job: Job) -> list[str]:
    """The project's YAML files (project.yaml and its questionnaires), relative to input/."""
    project = job.project_file
    if project is None or not project.is_file():
        return []
    names = [project.relative_to(job.input).as_posix()]
    names += sorted(p.relative_to(job.input).as_posix() for p in project.parent.rglob("*.yaml")
                    if p != project and not p.is_symlink())
    return names
