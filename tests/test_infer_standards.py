"""The standard SKM/IKM elements recognised from question wordings collected from published forms.

tests/data/standard-wordings.csv holds question and element wordings as printed in office SKM
forms, SKM reports and the element definitions of PermenPAN-RB 14/2017, 16/2014 and
KEP/25/M.PAN/2/2004, each labelled with the element it measures and its public source (an
empty element: a question that measures none). Nobody wrote them for this code.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from surveyq.infer_standards import element_of, header_code, recognise_standard

WORDINGS = list(csv.DictReader(
    (Path(__file__).resolve().parent / "data" / "standard-wordings.csv").open(encoding="utf-8")))


@pytest.mark.parametrize("row", WORDINGS, ids=[f"{r['standard']}-{r['element'] or 'none'}-{i}"
                                              for i, r in enumerate(WORDINGS)])
def test_published_wordings_map_to_their_element(row):
    element, _ = element_of(row["wording"], row["standard"])
    assert (element or "") == row["element"]


def test_the_set_covers_every_element_of_both_standards():
    covered = {(r["standard"], r["element"]) for r in WORDINGS}
    assert {("skm", f"U{i}") for i in range(1, 10)} <= covered
    assert {("ikm", f"U{i}") for i in range(1, 15)} <= covered


def test_header_codes():
    assert [header_code(h) for h in ["U1", "u 03", "Unsur 9", "U1.1", "Usia"]] == [
        "U1", "U3", "U9", None, None]


def test_nine_or_fourteen_coded_columns_pick_the_standard_by_count():
    assert recognise_standard([f"U{i}" for i in range(1, 10)]).standard == "skm"
    assert recognise_standard([f"U{i}" for i in range(1, 15)]).standard == "ikm"
    assert recognise_standard([f"U{i}" for i in range(1, 5)]) is None


def test_reworded_questions_are_recognised_and_reordered_columns_keep_their_element():
    wordings = [r["wording"] for r in WORDINGS if r["standard"] == "skm" and r["source"]
                .startswith("https://pdfcoffee")]
    match = recognise_standard(list(reversed(wordings)))
    assert match is not None and match.standard == "skm" and len(match.elements) == 9
    assert "sarana" in match.elements["U9"] and "pengaduan" in match.elements["U8"]
