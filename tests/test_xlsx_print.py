"""appendix.xlsx as LibreOffice Calc prints it (issue 12 item 3).

The demo's workbook is written in both languages and printed to PDF with
``soffice --headless`` (Debian ``libreoffice-calc-nogui``; skipped without it); pdftotext
and pdfinfo read the PDF back. What is checked comes from the PDF, not from surveyq's own
layout code:

* every worksheet prints, each of its pages opens with the sheet's first row (its
  "Tabel L.n" caption, repeated on every page), in the sheet's order;
* a page is landscape exactly where the sheet's print setup says landscape;
* the contents sheet links each table number to that table's sheet, and its printed pages
  list every table;
* no column mixes numbers with numbers stored as text (a period label such as "2025" or a
  raw answer copied into the log is text throughout its column, which is right);
* one page is rasterised with pdftoppm (it must not be blank).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from surveyq.pipeline import run_project
from surveyq.report.appendix import write_xlsx

PROJECT = Path(__file__).resolve().parents[1] / "questionnaires" / "demo" / "project.yaml"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
CALC = Path("/usr/lib/libreoffice/program/libsclo.so")
TOOLS = all(shutil.which(tool) for tool in ("pdftotext", "pdfinfo", "pdftoppm"))
pytestmark = pytest.mark.skipif(
    not (SOFFICE and TOOLS and (CALC.exists() or not Path("/usr/lib/libreoffice").exists())),
    reason="needs LibreOffice Calc (libreoffice-calc-nogui) and poppler-utils")
#: A stored text that reads as a number: digits with at most one decimal mark.
NUMBER_TEXT = re.compile(r"-?\d+(?:[.,]\d+)?")


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    run = run_project(PROJECT)
    tabulation = {name: survey.responses.items for name, survey in run.surveys.items()}
    out = {}
    for lang in ("id", "en"):
        folder = tmp_path_factory.mktemp(f"xlsx-{lang}")
        book = write_xlsx(run.results, run.log, folder / "appendix.xlsx", lang, tabulation)
        subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{folder}/lo",
                        "--convert-to", "pdf", "--outdir", str(folder), str(book)],
                       check=True, capture_output=True, timeout=600)
        out[lang] = (book, folder / "appendix.pdf")
    return out


def _pages(pdf: Path) -> list[tuple[str, bool]]:
    """(first line of text, landscape) of every page."""
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "100000", str(pdf)], check=True,
                          capture_output=True, text=True).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    pages = text.split("\f")[:len(sizes)]
    first = [next((line.strip() for line in page.splitlines() if line.strip()), "")
             for page in pages]
    return [(line, float(w) > float(h)) for line, (w, h) in zip(first, sizes, strict=True)]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_sheet_prints_under_its_caption_in_its_orientation(printed, lang):
    book, pdf = printed[lang]
    workbook = openpyxl.load_workbook(book)
    sheets = [(str(ws["A1"].value), ws.page_setup.orientation == "landscape")
              for ws in workbook]
    pages = _pages(pdf)
    assert len(pages) >= len(sheets)
    at = 0
    for caption, landscape in sheets:
        # the first page of the next sheet: the page whose first line opens its caption
        while at < len(pages) and not caption.startswith(pages[at][0][:40]):
            at += 1
        assert at < len(pages), f"sheet {caption!r} is not printed (or out of order)"
        assert pages[at][1] is landscape, (caption, "landscape" if landscape else "portrait")
    word = "Tabel" if lang == "id" else "Table"
    captions = [caption for caption, _ in sheets[1:]]
    assert all(re.match(rf"{word} [LA]\.\d+ ", caption) for caption in captions), captions
    numbers = [int(re.match(rf"{word} [LA]\.(\d+)", c).group(1)) for c in captions]
    assert numbers == list(range(1, len(numbers) + 1))


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_contents_sheet_links_every_table_and_prints_them(printed, lang):
    book, pdf = printed[lang]
    workbook = openpyxl.load_workbook(book)
    contents, tables = workbook.worksheets[0], workbook.worksheets[1:]
    links = {cell.hyperlink.location.split("!")[0].strip("'").replace("''", "'"): cell.value
             for row in contents.iter_rows() for cell in row if cell.hyperlink}
    assert set(links) == {ws.title for ws in tables}
    for ws in tables:   # the number in the list is the number in the sheet's caption
        assert str(ws["A1"].value).startswith(f"{links[ws.title]} "), ws.title
    text = subprocess.run(["pdftotext", "-l", str(_contents_pages(pdf)), str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout
    listed = set(re.findall(r"(?:Tabel|Table) [LA]\.\d+", text))
    assert listed == set(links.values())


def _contents_pages(pdf: Path) -> int:
    pages = _pages(pdf)
    return next(i for i, (line, _) in enumerate(pages) if re.match(r"(Tabel|Table) ", line))


@pytest.mark.parametrize("lang", ["id", "en"])
def test_numbers_are_stored_as_numbers(printed, lang):
    book, _ = printed[lang]
    workbook = openpyxl.load_workbook(book)
    mixed = []
    for ws in workbook:
        for column in ws.iter_cols(min_row=3):
            numbers = [c for c in column if isinstance(c.value, (int, float))
                       and not isinstance(c.value, bool)]
            texts = [c.coordinate for c in column if isinstance(c.value, str)
                     and NUMBER_TEXT.fullmatch(c.value.strip())]
            if numbers and texts:
                mixed.append((ws.title, texts[:3]))
    assert mixed == []


def test_a_page_rasterises_with_ink(printed, tmp_path):
    from PIL import Image, ImageStat

    _, pdf = printed["id"]
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True, timeout=120)
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    assert ImageStat.Stat(image).extrema[0][0] < 100  # some dark text on the white page


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_wrapped_header_prints_above_the_first_row(printed, lang):
    """LibreOffice keeps a row's stored height and prints wrapped lines past it, over the
    next row. "Summary row (JUMLAH, NRR, IKM)" in the row accounting's narrow column wraps
    to three lines in bold capitals; its last word must print above the first period row,
    not on it (it printed on the 2025 row while its height allowed two lines)."""
    pdf = printed[lang][1]
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True,
                           capture_output=True, text=True).stdout
    word = re.compile(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">'
                      r"([^<]*)</word>")
    checked = 0
    for page in boxes.split("<page ")[1:]:
        words = [(float(top), float(bottom), text) for top, bottom, text in word.findall(page)]
        texts = [text for _, _, text in words]
        if "(JUMLAH," not in texts or "IKM)" not in texts:
            continue
        header_top, header_end = next((top, bottom) for top, bottom, text in words
                                      if text == "(JUMLAH,")
        header_end = max(bottom for top, bottom, text in words
                         if text == "IKM)" and top >= header_top)
        rows = [top for top, _, text in words
                if re.fullmatch(r"20\d\d", text) and top > header_top]
        if not rows:  # the phrase elsewhere (the contents, a log message)
            continue
        assert header_end <= min(rows), (lang, header_end, min(rows))
        checked += 1
    assert checked  # the demo's SKM survey has a row accounting table
