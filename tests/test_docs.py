"""The project documents itself (issue 12 item 9): a clone without ../shared is complete.

docs/methods.md names every band table surveyq ships, and no code, document or questionnaire
cites the working material beside the repository (../shared) or its internal names
("seed 000", "formulas.md"): they cite the regulation or the paper instead.
"""

from __future__ import annotations

import re
from pathlib import Path

from surveyq.bands import BANDS

ROOT = Path(__file__).resolve().parents[1]
METHODS = ROOT / "docs" / "methods.md"
#: Citations of material that is not in the repository.
INTERNAL = re.compile(r"\.\./shared/spec|shared/seeds|seeds?[-/_]?\s?0\d\d\b"
                      r"|seed-examples\.md|formulas\.md|style-models\.md|performance-notes\.md"
                      r"|design\.md", re.IGNORECASE)


def _texts() -> list[Path]:
    folders = ("surveyq", "docs", "questionnaires", "tests", "benchmarks", "notebooks")
    files = [ROOT / "README.md"]
    for folder in folders:
        files += [p for p in (ROOT / folder).rglob("*")
                  if p.suffix in (".py", ".md", ".yaml", ".ipynb", ".html", ".txt")
                  and "__pycache__" not in p.parts]
    return [p for p in files if p.name != Path(__file__).name]


def test_no_citation_of_material_outside_the_repository():
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
             for path in _texts()
             for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
             if INTERNAL.search(line)]
    assert found == []


def test_methods_names_every_band_table_and_its_source():
    text = METHODS.read_text("utf-8")
    for name in BANDS:
        if name.startswith("vfm-") and name != "vfm-effectiveness-kepmendagri-1996":
            continue  # the three Mardiasmo ratios are stated in one paragraph of section 8
        assert f"`{name}`" in text, name
    for source in ("KEP/25/M.PAN/2/2004", "Nomor 14 Tahun 2017", "Krejcie", "Feldt",
                   "Parasuraman", "Martilla", "Hartini", "KMK.01/2022"):
        assert source in text, source
