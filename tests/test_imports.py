"""The package loads its public names on first use, so the CLI starts fast (issue 13 item 4).

Each check runs in a fresh interpreter: the test session itself has imported everything.
"""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

import surveyq

HEAVY = ("scipy", "scipy.stats", "pandas", "matplotlib", "surveyq.report", "surveyq.analyses",
         "surveyq.reliability", "surveyq.servqual", "surveyq.uncertainty")


def _fresh(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                          text=True).stdout.strip()


def test_every_public_name_resolves_and_is_listed():
    exported = {name for names in surveyq._EXPORTS.values() for name in names}
    assert set(surveyq.__all__) == exported | {"__version__"}
    for name in surveyq.__all__:
        assert getattr(surveyq, name) is not None
    assert set(surveyq.__all__) <= set(dir(surveyq))


def test_the_cli_imports_no_statistics_or_report_stack():
    loaded = _fresh(
        "import sys, surveyq.cli\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    assert loaded == "[]"



def test_help_is_printed_without_the_markdown_renderer():
    # typer's boxed help imports rich.markdown and markdown-it, a third of `surveyq --help`
    loaded = _fresh(
        "import contextlib, io, sys\n"
        "from surveyq.cli import app\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    app(['run', '--help'])\n"
        "print(sorted(m for m in ('typer.rich_utils', 'rich.markdown', 'markdown_it',\n"
        "                         *" + repr(HEAVY) + ") if m in sys.modules))"
    )
    assert loaded == "[]"

def test_check_reads_without_the_statistics_or_report_stack():
    # `surveyq check` reads every file (pandas and the readers) but computes no statistic
    loaded = _fresh(
        "import sys\n"
        "from surveyq.demo import demo_project_path\n"
        "from surveyq.pipeline import check_project\n"
        "check_project(demo_project_path())\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules and m != 'pandas'))"
    )
    assert loaded == "[]"


def test_functions_named_like_their_modules_stay_functions():
    # importing surveyq.ikm binds the submodule to the package; the function must win
    out = _fresh(
        "import surveyq.ikm, surveyq.clean, surveyq.servqual, surveyq.regression, surveyq\n"
        "from surveyq.analyses import ANALYSES\n"
        "print([callable(f) and f.__module__ for f in "
        "(surveyq.ikm, surveyq.clean, surveyq.servqual, surveyq.regression)])"
    )
    assert out == "['surveyq.ikm', 'surveyq.clean', 'surveyq.servqual', 'surveyq.regression']"


def test_unknown_names_raise_attribute_error():
    try:
        surveyq.no_such_function  # noqa: B018
    except AttributeError as error:
        assert "no_such_function" in str(error)
    else:
        raise AssertionError("expected AttributeError")


def test_charts_are_drawn_without_matplotlibs_figures():
    # every chart is drawn directly; matplotlib's figure machinery took about half a CPU
    # second to import in each process that drew one
    loaded = _fresh(
        "import sys\n"
        "from surveyq.report import bsc_charts, charts\n"
        "rows = [{'category': 'a', 'count': 3}, {'category': 'b', 'count': 1}]\n"
        "charts.profile_bars(rows, 't'); charts.render_png(charts.profile_bars, rows, 't')\n"
        "charts.trend_line([{'period': '2024', 'converted': 80}, "
        "{'period': '2025', 'converted': 82}])\n"
        "bsc_charts.ie_matrix_chart(2.4, 2.6, {'grow_and_build': 'g'}, ('x', 'y'))\n"
        "bsc_charts.strategy_map_png([{'id': 'p'}], [{'id': 'o', 'perspective': 'p', "
        "'value': 101, 'colour': 'green', 'label': 'O'}], {'p': 'P'}, {'green': 'G'})\n"
        "print(sorted(m for m in ('matplotlib.figure', 'matplotlib.backends.backend_agg',"
        " 'matplotlib.pyplot') if m in sys.modules))"
    )
    assert loaded == "[]"


def test_charts_fonts_and_table_layout_import_no_matplotlib():
    # matplotlib only ships the fonts and metrics: its import (0.1 s, in the report's process
    # and again in the forked Word writer) is not needed to find them, to find the installed
    # CJK font, to pick ticks (MaxNLocator's algorithm) or to read a hex colour
    loaded = _fresh(
        "import sys\n"
        "from surveyq.report import charts, layout\n"
        "rows = [{'category': 'a', 'count': 3}, {'category': 'b', 'count': 1}]\n"
        "charts.profile_bars(rows, 't'); charts.render_png(charts.profile_bars, rows, 't')\n"
        "charts._fonts(); charts.likert_colours(7); charts._ink_on('#ca0020')\n"
        "layout.text_width('Keterangan', 10)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))"
    )
    assert loaded == "[]"


def _loaded_by_an_skm_run(tmp_path, survey_keys: str, check: str,
                          modules: tuple[str, ...], responses: str | None = None) -> str:
    """Which of ``modules`` a fresh interpreter loaded running a one-survey SKM project
    (the demo's 2025 workbook, or ``responses``, plus ``survey_keys``), after asserting
    ``check`` on its run."""
    from surveyq.demo import demo_project_path

    demo = demo_project_path().parent
    project = tmp_path / "project.yaml"
    project.write_text(
        "organisation: {id: Contoh, en: Example}\nperiod: '2025'\nsurveys:\n  skm:\n"
        "    questionnaire: skm-permenpanrb-14-2017\n"
        f"    responses: {responses or (demo / 'skm-2025.xlsx').as_posix()}\n"
        + survey_keys.format(demo=demo.as_posix()), encoding="utf-8")
    return _fresh(
        "import sys\n"
        "from surveyq.pipeline import run_project\n"
        f"run = run_project({str(project)!r})\n"
        f"assert {check}\n"
        f"print(sorted(m for m in {modules!r} if m in sys.modules))"
    )


def test_an_skm_survey_is_analysed_without_scipy_stats(tmp_path):
    # the distributions come from scipy.special (surveyq.distributions): scipy.stats' import
    # alone would cost more than the SKM's statistics; a project without finance or
    # strategy sections does not load their evaluation (surveyq.bsc, about 20 ms)
    loaded = _loaded_by_an_skm_run(
        tmp_path, "    population: 15000\n    previous: {{'2024': {demo}/skm-2024.xlsx}}\n",
        "run.results['surveys']['skm']['analyses']['ikm']",
        ("scipy.stats", "scipy.optimize", "pingouin", "surveyq.bsc"))
    assert loaded == "[]"


@pytest.mark.parametrize("keys, csv", [("    stream: false\n", False), ("", False), ("", True)])
def test_a_survey_read_in_memory_does_not_load_the_streamed_reader(tmp_path, keys, csv):
    # stream: false, a workbook, or a CSV below the streaming threshold: deciding does not
    # load surveyq.streamed (about 6 ms of imports); the survey is read in memory
    responses = None
    if csv:
        from surveyq.demo import demo_project_path

        workbook = demo_project_path().parent / "skm-2025.xlsx"
        responses = (tmp_path / "skm-2025.csv").as_posix()
        pd.read_excel(workbook, header=None, engine="openpyxl").to_csv(
            responses, index=False, header=False)
    loaded = _loaded_by_an_skm_run(
        tmp_path, keys, "run.results['surveys']['skm']['mode'] == 'in-memory'",
        ("surveyq.streamed", "surveyq.streaming"), responses)
    assert loaded == "[]"


def test_the_demo_is_analysed_without_scipy_stats_or_optimize():
    # SERVQUAL's paired tests, the normality tests and the group comparisons run on
    # surveyq.meantests, .ranktests and .shapiro (scipy.special): scipy.stats' import cost
    # about a second of every `surveyq demo`; omega's one-factor ML fit is a NumPy projected
    # Newton (surveyq.factor): scipy.optimize (with scipy.linalg and scipy.sparse) cost
    # about 0.35 s. One process (SURVEYQ_SERIAL), so the surveys a forked child would
    # analyse are seen importing too.
    loaded = _fresh(
        "import os, sys\n"
        "os.environ['SURVEYQ_SERIAL'] = '1'\n"
        "from surveyq.demo import demo_project_path\n"
        "from surveyq.pipeline import run_project\n"
        "run = run_project(demo_project_path())\n"
        "done = {a for s in run.results['surveys'].values() for a in s['analyses']}\n"
        "assert {'servqual', 'normality', 'group_differences', 'omega'} <= done, done\n"
        "print(sorted(m for m in ('scipy.stats', 'pingouin', 'scipy.optimize', 'scipy.linalg', "
        "'scipy.sparse') if m in sys.modules))"
    )
    assert loaded == "[]"
