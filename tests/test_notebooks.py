"""The walkthrough notebooks are committed clean: no outputs, no execution counts, python3 kernel.

Executing them is nbmake's job (``pytest --nbmake notebooks/``); these checks are static, so
they run in every test run, nbmake installed or not.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
EXPECTED = ["01-thesis-analysis.ipynb", "02-annual-skm.ipynb"]


def load(name: str) -> dict:
    return json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))


def code_cells(notebook: dict) -> list[dict]:
    return [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]


def source(cell: dict) -> str:
    text = cell["source"]
    return text if isinstance(text, str) else "".join(text)


def test_the_walkthroughs_exist():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == EXPECTED


@pytest.mark.parametrize("name", EXPECTED)
def test_committed_without_outputs(name):
    notebook = load(name)
    dirty = [
        index
        for index, cell in enumerate(notebook["cells"])
        if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count"))
    ]
    assert not dirty, (
        f"{name}: cells {dirty} hold outputs or execution counts; clear them with "
        f"`jupyter nbconvert --clear-output --inplace notebooks/{name}`"
    )


@pytest.mark.parametrize("name", EXPECTED)
def test_python3_kernel(name):
    notebook = load(name)
    assert notebook["nbformat"] == 4
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("name", EXPECTED)
def test_paths_come_from_the_first_cell(name):
    cells = code_cells(load(name))
    first = source(cells[0])
    assert "pyproject.toml" in first and "Path.cwd()" in first
    everything = "\n".join(source(cell) for cell in cells)
    assert "os.chdir" not in everything
    assert "/work/" not in everything and "C:\\" not in everything
