"""The SKM publication sheet (PermenPAN-RB 14/2017): one A4 page per IKM survey.

Checked against the demo's results: the printed index, band and respondent count are the
results' own values in the language's format; the three lowest elements are the elements
with the smallest NRR (found here by sorting the results); an element with a plan in the
project prints it, one without is marked for the office to fill. With Chromium, the page
prints as exactly one A4 page.
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
from functools import cache
from typing import Any

import pytest

from surveyq.demo import demo_project_path
from surveyq.pipeline import run_project
from surveyq.report.i18n import format_number
from surveyq.report.pdf import find_browser, print_pdf
from surveyq.report.publication import publication_model, publication_sheets, sheet_file_names


@cache
def results() -> dict[str, Any]:
    return run_project(demo_project_path()).results


def test_one_sheet_per_ikm_survey_named_for_it() -> None:
    sheets = publication_sheets(results(), "id")
    assert list(sheets) == ["skm"]  # the only demo survey with an IKM result
    assert sheet_file_names(["skm"]) == {"skm": "skm-publication.html"}
    assert sheet_file_names(["a", "b"]) == {"a": "skm-publication-a.html",
                                           "b": "skm-publication-b.html"}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_sheet_prints_the_results(lang: str) -> None:
    skm = results()["surveys"]["skm"]
    summary = skm["analyses"]["ikm"]["summary"]
    html = publication_sheets(results(), lang)["skm"]
    assert format_number(summary["converted"], 2, lang) in html  # 82,09 / 82.09
    assert f'class="total">{format_number(summary["n"], 0, lang)} <small>' in html
    assert ("Baik" if lang == "id" else "Good") in html
    for element in skm["analyses"]["ikm"]["elements"]:
        assert element["element"] in html  # every element is in the chart
    for row in skm["profile"]:
        if row["kind"] in ("gender", "education", "occupation"):
            assert (row[f"category_{lang}"] or row["category"]) in html
    assert "<svg" in html and "http://" not in re.sub(r'xmlns(:\w+)?="[^"]*"', "", html)


def test_lowest_elements_and_their_plans() -> None:
    data = copy.deepcopy(results())
    elements = data["surveys"]["skm"]["analyses"]["ikm"]["elements"]
    by_nrr = [e["element"] for e in sorted(elements, key=lambda e: e["nrr"])][:3]
    data["surveys"]["skm"]["follow_up"] = {
        by_nrr[0]: {"action": {"id": "Membuka kanal <aduan>", "en": "Open a channel"},
                    "when": "Q1", "who": "Umum"}}
    model = publication_model(data, "skm", "id")
    assert [row["code"] for row in model["lowest"]] == by_nrr
    first, second = model["lowest"][:2]
    assert (first["action"], first["when"], first["who"]) == ("Membuka kanal <aduan>", "Q1",
                                                             "Umum")
    assert second["action"] == "" and second["cls"] == "to-fill"
    html = publication_sheets(data, "id")["skm"]
    assert "Membuka kanal &lt;aduan&gt;" in html  # escaped
    assert html.count("Diisi oleh unit layanan") == 2


@pytest.mark.skipif(find_browser() is None or shutil.which("pdfinfo") is None,
                    reason="needs headless Chromium and pdfinfo")
def test_sheet_prints_on_one_a4_page(tmp_path) -> None:
    page = tmp_path / "skm-publication.html"
    page.write_text(publication_sheets(results(), "en")["skm"], encoding="utf-8")
    info = subprocess.run(["pdfinfo", str(print_pdf(page, tmp_path / "sheet.pdf"))],
                          capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+1\n", info)
    assert "(A4)" in info  # the page does not clip: an overflow would make a second page
