"""report.pdf: the browser's print of report.html (A4, page numbers, no orphaned table heads).

Chromium prints the demo report; pdftotext reads each page back. Without Chromium (or
poppler's pdfinfo/pdftotext) the printing tests skip; the command-line message for a missing
browser is checked everywhere.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

from surveyq.cli import app
from surveyq.demo import demo_project_path
from surveyq.pipeline import run_project
from surveyq.report import render_html
from surveyq.report.pdf import INSTALL_HINT, find_browser, print_pdf

needs_browser = pytest.mark.skipif(
    find_browser() is None or not (shutil.which("pdfinfo") and shutil.which("pdftotext")),
    reason="needs headless Chromium and poppler (pdfinfo, pdftotext)")
CAPTION = re.compile(r"^(Tabel|Table) \d+\. ")


@pytest.fixture(scope="module", params=["id", "en"])
def printed(request, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp(f"pdf-{request.param}")
    html = out / "report.html"
    html.write_text(render_html(_results(), request.param), "utf-8")
    return print_pdf(html, out / "report.pdf")


@cache
def _results() -> dict:
    return run_project(demo_project_path()).results


def _pages(pdf: Path) -> list[list[str]]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    count = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))
    assert "(A4)" in info.stdout
    return [[line.strip() for line in subprocess.run(
        ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True, text=True, check=True).stdout.splitlines() if line.strip()]
        for page in range(1, count + 1)]


@needs_browser
def test_report_pdf_is_numbered_a4(printed):
    pages = _pages(printed)
    assert len(pages) >= 10
    assert all(lines[-1] == str(number) for number, lines in enumerate(pages, start=1))


@needs_browser
def test_no_table_caption_and_header_alone_at_a_page_foot(printed):
    # the last lines of a page (before its number): a caption followed by one line only
    # (the header row) would leave the table's body to the next page
    orphans = [(number, lines[-3]) for number, lines in enumerate(_pages(printed), start=1)
               if len(lines) >= 3 and CAPTION.match(lines[-3])]
    assert orphans == []


def test_pdf_without_a_browser_says_how_to_install_one(tmp_path, monkeypatch):
    monkeypatch.setenv("SURVEYQ_CHROMIUM", str(tmp_path / "no-such-browser"))
    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path / "out"), "--pdf"])
    assert result.exit_code in (0, 1), result.output
    assert "apt-get install chromium" in INSTALL_HINT
    assert "apt-get install" in result.output  # one line, then the run goes on without PDF
    assert (tmp_path / "out" / "report.html").exists()
    assert not (tmp_path / "out" / "report.pdf").exists()
    assert (tmp_path / "out" / "skm-publication.html").exists()
