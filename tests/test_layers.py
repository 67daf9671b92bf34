"""Layers: the statistics never import the report layer, jinja2 or matplotlib.

Data flow one way (docs/methods.md): the statistics compute, the report renders.
Each module is imported in a fresh interpreter and the modules it pulled in are listed,
great_tables' ``no_pandas.py`` habit of enforcing an architectural rule mechanically.
"""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Modules below the report layer.
STATISTICS = (
    "moments", "validity", "reliability", "servqual", "ikm", "uncertainty", "bands",
    "scorecard_math", "scorecard", "finance", "strategy", "lint", "describe", "clean",
    "questionnaire", "io", "readers", "analyses", "engine", "coding", "streamed",
)
#: Every reader module too (found on disk, not imported here).
READERS = tuple(f"readers.{m.name}"
                for m in pkgutil.iter_modules([str(ROOT / "surveyq" / "readers")]))
#: What they must not load.
FORBIDDEN = ("jinja2", "matplotlib")

_PROBE = (
    "import importlib, sys; importlib.import_module({module!r}); "
    "print(sorted(m for m in sys.modules if m.split('.')[0] in {forbidden!r} "
    "or m == 'surveyq.report' or m.startswith('surveyq.report.')))"
)


def loaded_by(module: str) -> list[str]:
    """Forbidden modules present after importing ``module`` in a fresh interpreter."""
    code = _PROBE.format(module=module, forbidden=FORBIDDEN)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return ast.literal_eval(done.stdout.strip().splitlines()[-1])


@cache
def probes() -> dict[str, list[str]]:
    """Every probe at once, in parallel fresh interpreters (each import is a few seconds)."""
    modules = ["surveyq", *(f"surveyq.{name}" for name in STATISTICS + READERS)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(modules, pool.map(loaded_by, modules), strict=True))


@pytest.mark.parametrize("name", STATISTICS + READERS)
def test_statistics_do_not_import_the_report_layer(name: str) -> None:
    assert probes()[f"surveyq.{name}"] == []


def test_package_import_stays_light() -> None:
    """``import surveyq`` (run by every import above) loads no report, jinja2 or matplotlib."""
    assert probes()["surveyq"] == []


def test_probe_sees_a_violation() -> None:
    """The probe itself works: the report layer does load jinja2."""
    assert "jinja2" in loaded_by("surveyq.report.render")
