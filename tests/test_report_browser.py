"""The HTML report in a real browser: headless Chromium driven over the DevTools protocol.

Chromium is started and driven by the shared client in ``tests/cdp.py``; the report is opened
from a ``file://`` URL (nothing is served) and the test checks:

* no console errors, no uncaught exceptions, no browser log errors (CSP violations land
  there);
* no network request other than the file itself (DevTools ``Network.requestWillBeSent``);
* every section in the DOM, charts present, no horizontal overflow;
* a screenshot that is not blank and an A4 print-to-PDF of several pages.

A control page with an outside image and a ``console.error`` is opened first, to show the
detectors do see such things. Set ``SURVEYQ_CHROMIUM`` to a browser binary to choose one,
and ``SURVEYQ_REPORT_ARTIFACTS`` to a folder to keep the screenshots and PDFs.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from cdp import (
    DevTools,
    browser_binary,
    evaluate,
    keep,
    launch,
    not_blank,
    open_page,
    problems,
    requests,
)

from surveyq.report.build import SECTION_IDS

pytestmark = pytest.mark.skipif(
    browser_binary() is None,
    reason="headless Chromium not found (apt-get install -y chromium, or set SURVEYQ_CHROMIUM); "
           "CI installs it",
)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevTools]:
    """A headless Chromium started for these tests, and a DevTools session on its page."""
    with launch(tmp_path_factory.mktemp("chromium-profile")) as session:
        yield session


# --------------------------------------------------------------------------- tests


def test_detectors_see_a_request_and_a_console_error(browser: DevTools, tmp_path: Path) -> None:
    control = tmp_path / "control.html"
    control.write_text('<!DOCTYPE html><p>control</p><img src="http://127.0.0.1:9/x.png">'
                       '<script>console.error("control error")</script>', encoding="utf-8")
    events = open_page(browser, control)
    assert any(url.startswith("http://127.0.0.1:9/") for url in requests(events))
    assert any("control error" in problem for problem in problems(events))


@pytest.mark.parametrize("lang", ["id", "en"])
def test_report_in_a_browser(browser: DevTools, tmp_path: Path, lang: str) -> None:
    from test_report import rendered

    report = tmp_path / f"report-{lang}.html"
    report.write_text(rendered(lang), encoding="utf-8")
    events = open_page(browser, report)

    assert problems(events) == []
    assert requests(events) == [report.as_uri()]

    sections = evaluate(browser, "[...document.querySelectorAll('section')].map(s => s.id)")
    assert sections == list(SECTION_IDS)
    assert evaluate(browser, "document.querySelectorAll('section h2').length") == len(SECTION_IDS)
    assert evaluate(browser, "document.querySelectorAll('figure.chart svg').length") > 10
    assert evaluate(browser, "document.querySelectorAll('script, img, iframe, link').length") == 0
    overflow = evaluate(browser, "document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the window"

    shot = base64.b64decode(browser.call("Page.captureScreenshot", format="png")["data"])
    keep(f"report-{lang}.png", shot)
    colours, inked = not_blank(shot)
    assert colours > 20 and inked > 0.02, (colours, inked)


def test_report_prints_on_a4(browser: DevTools, tmp_path: Path) -> None:
    from test_report import rendered

    report = tmp_path / "report-print.html"
    report.write_text(rendered("id"), encoding="utf-8")
    open_page(browser, report)
    pdf = base64.b64decode(browser.call("Page.printToPDF", preferCSSPageSize=True,
                                        printBackground=True)["data"])
    keep("report-id.pdf", pdf)
    assert pdf.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert boxes, "no page sizes found in the PDF"
    assert all(abs(float(w) - 595.3) < 2 and abs(float(h) - 841.9) < 2 for w, h in boxes), boxes
    assert len(boxes) > 10  # a cover, then each major section from a new page
    assert problems(browser.take()) == []
