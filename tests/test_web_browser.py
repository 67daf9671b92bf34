"""The local web page end to end in real headless Chromium (issue 15).

The app of ``surveyq serve`` runs under uvicorn on a free loopback port in a thread, with its
data folder in ``tmp_path``; Chromium, driven over the DevTools protocol (``tests/cdp.py``),
does what an office clerk does: opens ``/``, puts the demo exports into the file input
(``DOM.setFileInputFiles``) and submits, names the office on the confirm page and saves,
runs (with the PDF box ticked), waits until the page shows the run done, opens the report
and fetches every download link. The downloads are then compared with what ``surveyq run``
writes for the same confirmed project: results.json equal apart from its generation time,
every appendix.xlsx sheet and every appendix.docx paragraph and table the same, the same
cleaning log, and a report.html that is the CLI's results rendered. No page may log a console
error, and no request may leave the loopback server.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cdp import (
    DevTools,
    DevToolsError,
    browser_binary,
    evaluate,
    keep,
    launch,
    open_page,
    problems,
    requests,
)
from live_server import live_server

pytest.importorskip("starlette", reason="the web page needs its extra: pip install surveyq[web]")
pytest.importorskip("uvicorn", reason="the web page needs its extra: pip install surveyq[web]")
pytest.importorskip("multipart", reason="the web page needs its extra: pip install surveyq[web]")

pytestmark = pytest.mark.skipif(
    browser_binary() is None,
    reason="headless Chromium not found (apt-get install -y chromium, or set SURVEYQ_CHROMIUM)",
)

DEMO = Path(__file__).resolve().parents[1] / "questionnaires" / "demo"
EXPORTS = ("customer-2025.csv", "employee-2025.csv", "skm-2025.xlsx")
ORGANISATION = "Kantor Pelayanan <Contoh> & Co"  # markup in a name the page must escape
RUN_TIMEOUT = 900.0  # the demo's three surveys and two PDFs on a loaded two-core machine
ALWAYS = {"report.html", "appendix.xlsx", "appendix.docx", "results.json", "cleaning-log.csv"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The app on a free loopback port in a thread: (base URL, data folder)."""
    from surveyq.web.app import create_app

    data = tmp_path_factory.mktemp("surveyq-data")
    with live_server(create_app(data, lang="en")) as base:
        yield base, data


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevTools]:
    with launch(tmp_path_factory.mktemp("chromium-profile"), size="1280,1000") as session:
        yield session


class Visit:
    """The browser's events over the whole visit, for the console and network checks."""

    def __init__(self, browser: DevTools, base: str) -> None:
        self.browser, self.base = browser, base
        self.events: list[dict[str, Any]] = []

    def collect(self) -> list[dict[str, Any]]:
        events = self.browser.take()
        self.events += events
        return events

    def open(self, path: str) -> list[dict[str, Any]]:
        events = open_page(self.browser, self.base + path)
        self.events += events
        return events

    def click(self, selector: str) -> list[dict[str, Any]]:
        """Click the element and wait for the page it leads to (a form post's redirect)."""
        self.collect()
        assert evaluate(self.browser, f"!!document.querySelector({json.dumps(selector)})"), \
            f"no {selector} on {self.path()}"
        evaluate(self.browser, f"document.querySelector({json.dumps(selector)}).click()")
        self.browser.wait("Page.loadEventFired")
        self.browser.settle(0.5)
        return self.collect()

    def snapshot(self, name: str) -> None:
        """Keep a screenshot of the page (``$SURVEYQ_REPORT_ARTIFACTS``)."""
        shot = self.browser.call("Page.captureScreenshot", format="png",
                                 captureBeyondViewport=True)
        keep(name, base64.b64decode(shot["data"]))

    def path(self) -> str:
        return evaluate(self.browser, "location.pathname")

    def state(self) -> str | None:
        """The job page's run state, or None while a reload is under way."""
        try:
            return evaluate(self.browser, "(document.getElementById('progress') || "
                                          "{dataset: {}}).dataset.state || null")
        except DevToolsError:  # the page's script reloaded it between two calls
            return None

    def download(self, href: str) -> bytes:
        """Fetch a link from inside the page, as the browser downloads it."""
        data_url = evaluate(self.browser, f"""
            fetch({json.dumps(href)}).then(r => r.ok ? r.blob() : Promise.reject(r.status))
              .then(b => new Promise(done => {{
                 const reader = new FileReader();
                 reader.onload = () => done(reader.result);
                 reader.readAsDataURL(b); }}))""", awaiting=True)
        return base64.b64decode(data_url.split(",", 1)[1])


def wait_until_done(visit: Visit) -> None:
    deadline = time.monotonic() + RUN_TIMEOUT
    seen = set()
    while (state := visit.state()) != "done":
        seen.add(state)
        assert state != "failed", evaluate(visit.browser, "document.body.innerText")
        assert time.monotonic() < deadline, f"the run did not finish; states seen: {seen}"
        visit.browser.settle(1.0)
    visit.browser.settle(1.0)
    visit.collect()


def cli_run(project: Path, out: Path) -> dict[str, Any]:
    """``surveyq run`` on the page's confirmed project, from this process's working folder
    (as the in-process server runs), so paths in the outputs are written the same way."""
    done = subprocess.run([sys.executable, "-m", "surveyq", "run", str(project), "--out",
                           str(out)], capture_output=True, text=True, timeout=RUN_TIMEOUT)
    assert done.returncode in (0, 1), done.stderr  # 1: a survey problem, reported in both
    return json.loads((out / "results.json").read_text("utf-8"))


def xlsx_tables(data: bytes) -> dict[str, list[tuple[Any, ...]]]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def docx_text(data: bytes) -> list[str]:
    from docx import Document

    document = Document(io.BytesIO(data))
    text = [p.text for p in document.paragraphs]
    return text + [cell.text for table in document.tables for row in table.rows
                   for cell in row.cells]


def test_upload_confirm_run_and_download_in_a_browser(server, browser, tmp_path: Path) -> None:
    base, data = server
    visit = Visit(browser, base)

    # 0. Both languages of the page load cleanly; English is kept (a cookie) for the rest.
    for lang in ("id", "en"):
        events = visit.open(f"/?lang={lang}")
        assert problems(events) == []
        assert evaluate(browser, "document.documentElement.lang") == lang

    # 1. The upload page, the demo exports put into its file input, submitted.
    events = visit.open("/")
    assert problems(events) == []
    visit.snapshot("web-upload.png")
    document = browser.call("DOM.getDocument")["root"]["nodeId"]
    files_input = browser.call("DOM.querySelector", nodeId=document, selector="#files")["nodeId"]
    assert files_input, "the upload page has no #files input"
    browser.call("DOM.setFileInputFiles", nodeId=files_input,
                 files=[str(DEMO / name) for name in EXPORTS])
    assert evaluate(browser, "document.getElementById('files').files.length") == len(EXPORTS)
    chosen = evaluate(browser, "document.getElementById('chosen').textContent")
    assert all(name in chosen for name in EXPORTS), chosen  # the page's script saw them
    visit.click("#upload button[type=submit]")
    path = visit.path()
    assert path.startswith("/jobs/") and path.endswith("/confirm"), \
        evaluate(browser, "document.body.innerText")[:2000]
    job_id = path.split("/")[2]

    # 2. Confirm: the inferred surveys listed; the office named; saved.
    surveys = evaluate(browser, "document.querySelectorAll('fieldset.survey').length")
    assert surveys == len(EXPORTS)
    visit.snapshot("web-confirm.png")
    evaluate(browser, f"document.querySelector('input[name=organisation]').value = "
                      f"{json.dumps(ORGANISATION)}")
    visit.click("form.confirm button[type=submit]")
    assert visit.path() == f"/jobs/{job_id}"

    # 3. Run, with report.pdf asked for when a PDF printer is there, until the page says done.
    pdf_box = "form[action$='/run'] input[name=pdf]"
    pdf = evaluate(browser, f"!!document.querySelector({json.dumps(pdf_box)})")
    if pdf:
        evaluate(browser, f"document.querySelector({json.dumps(pdf_box)}).checked = true")
    visit.click("form[action$='/run'] button[type=submit]")
    wait_until_done(visit)
    with urllib.request.urlopen(f"{base}/jobs/{job_id}/status", timeout=30) as answer:
        status = json.load(answer)
    assert status["state"] == "done" and status["rows_read"] > 0, status
    visit.snapshot("web-job-done.png")

    # 4. Every download link fetched by the page.
    links = evaluate(browser, "[...document.querySelectorAll('.downloads a[href*=\"/files/\"]')]"
                              ".map(a => a.getAttribute('href'))")
    downloads = {href.split("/files/")[1].split("?")[0]: visit.download(href) for href in links}
    assert set(downloads) >= ALWAYS, sorted(downloads)
    if pdf:
        assert downloads["report.pdf"].startswith(b"%PDF")
    assert evaluate(browser, "document.querySelectorAll('iframe').length") == 1

    # 5. The report itself, opened as the page's link opens it.
    events = visit.open(f"/jobs/{job_id}/files/report.html")
    assert problems(events) == []
    keep("web-downloads.txt", "\n".join(sorted(downloads)).encode())
    assert evaluate(browser, "document.querySelectorAll('section h2').length") > 5
    assert ORGANISATION in evaluate(browser, "document.body.innerText")
    assert evaluate(browser, "document.querySelectorAll('script, img[src^=http], iframe, "
                             "link').length") == 0

    # 6. Nothing logged as an error anywhere; no request off the loopback server.
    visit.collect()
    assert problems(visit.events) == []
    outside = [url for url in requests(visit.events)
               if not url.startswith((base + "/", "data:", "blob:", "about:"))]
    assert outside == []

    # 7. The downloads equal what the CLI writes for the same confirmed project.
    projects = list((data / "jobs" / job_id / "input").glob("project.yaml"))
    assert len(projects) == 1
    cli = cli_run(projects[0], tmp_path / "cli")
    web = json.loads(downloads["results.json"])
    assert web.pop("generated_at") and cli.pop("generated_at")
    assert web == cli
    assert downloads["cleaning-log.csv"] == (tmp_path / "cli" / "cleaning-log.csv").read_bytes()
    rows = list(csv.reader(io.StringIO(downloads["cleaning-log.csv"].decode("utf-8-sig"))))
    assert len(rows) > 1
    assert xlsx_tables(downloads["appendix.xlsx"]) == \
        xlsx_tables((tmp_path / "cli" / "appendix.xlsx").read_bytes())
    assert docx_text(downloads["appendix.docx"]) == \
        docx_text((tmp_path / "cli" / "appendix.docx").read_bytes())

    from surveyq.report import render_html

    stamped = {**cli, "generated_at": json.loads(downloads["results.json"])["generated_at"]}
    lang = stamped.get("language") or "id"
    assert downloads["report.html"].decode("utf-8") == render_html(stamped, lang)
