"""Print the HTML documents to PDF (and PNG) with headless Chromium.

The PDF is the browser's own print of the very HTML the report folder holds, so the two never
differ: page size, margins, page numbers and page breaks come from the page's print CSS
(``@page`` A4 with the page number in the bottom margin box). Chromium runs with a fresh,
throw-away profile and without background networking, component updates or sync; the pages
load nothing from the network (their Content-Security-Policy forbids it).

Set ``SURVEYQ_CHROMIUM`` to a browser binary to choose one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from surveyq.errors import SurveyqError
from surveyq.messages import msg
from surveyq.outputs import write_atomic

__all__ = ["BROWSERS", "INSTALL_HINT", "BrowserMissing", "find_browser", "print_pdf",
           "screenshot"]

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
INSTALL_HINT = msg("cli.pdf_hint")  # a Message: English as a str, translated at the CLI
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-extensions", "--hide-scrollbars", "--mute-audio")
#: An A4 page at CSS 96 px per inch.
A4_PIXELS = (794, 1123)
TIMEOUT = 300


class BrowserMissing(SurveyqError):
    """No Chromium to print with."""


def find_browser() -> str | None:
    """The browser to print with: ``$SURVEYQ_CHROMIUM``, else the first Chromium on PATH."""
    chosen = os.environ.get("SURVEYQ_CHROMIUM")
    if chosen:
        return shutil.which(chosen)
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


def _run(arguments: list[str], result: Path, browser: str | None) -> bytes:
    """Run Chromium once with a fresh profile; the bytes it wrote to ``result``."""
    binary = browser or find_browser()
    if binary is None:
        raise BrowserMissing(INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="surveyq-chromium-") as profile:
        command = [binary, *FLAGS, f"--user-data-dir={profile}", *arguments]
        completed = subprocess.run(command, capture_output=True, timeout=TIMEOUT, check=False,
                                   cwd=profile)
        if not result.exists() or result.stat().st_size == 0:
            detail = completed.stderr.decode("utf-8", "replace").strip().splitlines()
            reason = detail[-1] if detail else f"exit code {completed.returncode}"
            raise SurveyqError(msg("cli.pdf_not_written", binary=binary, file=result.name,
                                   reason=reason))
        return result.read_bytes()


def print_pdf(html: str | Path, pdf: str | Path, browser: str | None = None) -> Path:
    """Print an HTML file to PDF as the browser prints it (its own ``@page`` rules).

    Parameters
    ----------
    html : str or path-like
        The page, opened as a ``file://`` URL (nothing is served).
    pdf : str or path-like
        The PDF to write (atomically).
    browser : str, optional
        Chromium binary; default :func:`find_browser`.

    Raises
    ------
    BrowserMissing
        When no Chromium is found (the message says how to install one).
    """
    source = Path(html).resolve()
    with tempfile.TemporaryDirectory(prefix="surveyq-pdf-") as folder:
        target = Path(folder) / "out.pdf"
        data = _run(["--no-pdf-header-footer", f"--print-to-pdf={target}",
                     source.as_uri()], target, browser)
    return write_atomic(pdf, data)


def screenshot(html: str | Path, png: str | Path, size: tuple[int, int] = A4_PIXELS,
               scale: float = 2.0, browser: str | None = None) -> Path:
    """A PNG of the page at ``size`` CSS pixels (A4 by default), ``scale`` device pixels each."""
    source = Path(html).resolve()
    with tempfile.TemporaryDirectory(prefix="surveyq-png-") as folder:
        target = Path(folder) / "out.png"
        data = _run([f"--window-size={size[0]},{size[1]}",
                     f"--force-device-scale-factor={scale}", f"--screenshot={target}",
                     source.as_uri()], target, browser)
    return write_atomic(png, data)
