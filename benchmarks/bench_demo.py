"""Start-up and the demo: ``surveyq --help``, ``surveyq check`` and ``surveyq demo`` end to end.

Not part of the test run. Each command runs as a fresh process (``python -m surveyq ...``),
the repetitions interleaved, and is timed by wall clock and by CPU seconds (user + system of
the process and every process it waited for, so the forked writer of the Word appendix
counts). Each sits beside its floor, timed in the same repetition:

- ``help`` beside ``python``: the bare interpreter starting and leaving (``-c pass``);
- ``check`` (every file of the demo project read and checked) beside ``help``;
- ``demo`` (every analysis and every document) beside ``analyses``: the same project run by
  ``run_project`` without an output folder, i.e. reading, cleaning, the statistics and the
  scorecard with their imports, which the documents cannot go below;
- ``demo_serial``: ``demo`` with ``SURVEYQ_SERIAL=1`` (no forked writer), to show what the
  second core gives.

``--source DIR`` times another checkout of surveyq (its ``surveyq`` package is put first on
``PYTHONPATH``), e.g. the commit before a change exported with ``git archive``, on the same
interpreter and packages::

    python benchmarks/bench_demo.py --repeat 3
    git archive <commit> | tar -x -C /tmp/before
    python benchmarks/bench_demo.py --repeat 3 --source /tmp/before

``--documents`` instead times each document of the demo in one process (CPU seconds, the
least of the repetitions, after one untimed warm-up): report.html, appendix.xlsx,
appendix.docx written in this process (its chart PNGs also alone) and the publication
sheet, on one run's results. CPU seconds of one process are steadier than wall clock on a
shared machine, and show which document a change moved::

    python benchmarks/bench_demo.py --documents --repeat 3

``--charts`` times each chart the Word appendix holds, drawn as SVG (the report) and as PNG
(the Word appendix), in one process on the demo's results (CPU milliseconds a chart)::

    python benchmarks/bench_demo.py --charts --repeat 3

``--timeline`` runs ``surveyq demo`` in fresh processes and times, in each, the parent's
first survey beside the forked child's other surveys and how long the parent then waited
for them, the scorecard's evaluation, the appendix tables, the forked writer's
``write_docx`` and the parent from the fork to asking for its result (report.html,
appendix.xlsx and the rest meanwhile), how long the parent then waited (which of the two is
the run's longest path), and the whole span from the scorecard's start to the documents'
end (wall seconds)::

    python benchmarks/bench_demo.py --timeline --repeat 3

benchmarks/README.md ("Start-up and the demo", "The demo's documents") records runs.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ANALYSES = ("from surveyq.demo import demo_project_path; from surveyq.pipeline import "
            "run_project; run_project(demo_project_path())")
PATHS = ("python", "help", "check", "analyses", "demo", "demo_serial")
FLOORS = {"help": "python", "check": "help", "demo": "analyses", "demo_serial": "analyses"}


def command(path: str, out: Path, project: Path) -> tuple[list[str], dict[str, str]]:
    """The command line and extra environment of one path."""
    python = [sys.executable]
    if path == "python":
        return [*python, "-c", "pass"], {}
    if path == "help":
        return [*python, "-m", "surveyq", "--help"], {}
    if path == "check":
        return [*python, "-m", "surveyq", "check", str(project)], {}
    if path == "analyses":
        return [*python, "-c", ANALYSES], {}
    serial = {"SURVEYQ_SERIAL": "1"} if path == "demo_serial" else {}
    return [*python, "-m", "surveyq", "demo", "--out", str(out / path)], serial


def timed(args: list[str], env: dict[str, str], cwd: Path | None = None) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, waited-for descendants included) of one run.

    Run it outside any checkout (``cwd``): ``python -c`` and ``python -m`` put the working
    folder first on ``sys.path``, so from a checkout's root its ``surveyq`` would shadow the
    one ``--source`` puts on ``PYTHONPATH``.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True, check=False, cwd=cwd)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):  # the demo exits 1: an analysis it cannot compute
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


DOCUMENTS = """
import os, sys, tempfile, time
os.environ["SURVEYQ_SERIAL"] = "1"
from pathlib import Path
from surveyq.demo import demo_project_path
from surveyq.pipeline import run_project, _appendix_rows
from surveyq.report import render_html
from surveyq.report.appendix import TABULATION_MAX_ROWS, write_docx, write_xlsx
from surveyq.report.build import chart_images
from surveyq.report.publication import publication_sheets
run = run_project(demo_project_path())
items = {name: s.responses.items for name, s in run.surveys.items() if not s.stream}
rows = _appendix_rows(run.project, TABULATION_MAX_ROWS)
out = Path(tempfile.mkdtemp())
parts = {
    "report.html": lambda: render_html(run.results, lang="id"),
    "appendix.xlsx": lambda: write_xlsx(run.results, run.log, out / "a.xlsx", "id", items, rows),
    "appendix.docx": lambda: write_docx(run.results, run.log, out / "a.docx", "id", items, rows),
    "docx chart PNGs": lambda: chart_images(run.results, "id"),
    "publication sheet": lambda: publication_sheets(run.results, "id"),
}
best = {}
for repetition in range(int(sys.argv[1]) + 1):
    for name, write in parts.items():
        start = time.process_time()
        write()
        if repetition:
            best[name] = min(best.get(name, 1e9), time.process_time() - start)
for name, seconds in best.items():
    print(f"| {name} | {seconds:.2f} |")
"""
CHARTS = """
import sys, time
from surveyq.demo import demo_project_path
from surveyq.pipeline import run_project
from surveyq.report import build, charts
run = run_project(demo_project_path())
render_png, calls = charts.render_png, []
def record(draw, *args, **kwargs):
    calls.append((draw, args, kwargs))
    return render_png(draw, *args, **kwargs)
charts.render_png = record
build.chart_images(run.results, "id")  # every chart of the Word appendix, with its arguments
charts.render_png = render_png
best = {}
for repetition in range(int(sys.argv[1]) + 1):
    for number, (draw, args, kwargs) in enumerate(calls):
        for kind in ("svg", "png"):
            start = time.process_time()
            draw(*args, **kwargs) if kind == "svg" else render_png(draw, *args, **kwargs)
            if repetition:
                each = best.setdefault((draw.__name__, kind), {})
                each[number] = min(each.get(number, 1e9), time.process_time() - start)
for (name, kind), each in best.items():
    print(f"| {name} | {kind} | {len(each)} | {1000 * sum(each.values()) / len(each):.1f} |")
"""

TIMELINE = """
import sys, tempfile, time
from surveyq import background, pipeline
from surveyq.cli import app
from surveyq.report import appendix
write_docx, start, result = (appendix.write_docx, background.Pending.__init__,
                             background.Pending.result)
marks = {}
def timed(module, name):
    function = getattr(module, name)
    def run(*args, **kwargs):
        begun = time.perf_counter()
        value = function(*args, **kwargs)
        marks[name] = (begun, time.perf_counter())
        return value
    setattr(module, name, run)
def timed_docx(*args, **kwargs):
    begun = time.perf_counter()
    path = write_docx(*args, **kwargs)
    print(f"child {time.perf_counter() - begun:.3f}", file=sys.stderr, flush=True)
    return path
def timed_start(self, job):
    self.begun = time.perf_counter()
    start(self, job)
asked_before = []  # the first fork is the surveys' (analyses), the second the Word writer's
def timed_result(self):
    asked = time.perf_counter()
    value = result(self)
    which = "parent" if asked_before else "analyses"
    asked_before.append(which)
    print(f"{which} {asked - self.begun:.3f} {time.perf_counter() - asked:.3f}",
          file=sys.stderr, flush=True)
    return value
appendix.write_docx = timed_docx
background.Pending.__init__, background.Pending.result = timed_start, timed_result
for module, name in ((pipeline, "evaluate_scorecard"), (pipeline, "write_outputs"),
                     (appendix, "build_tables")):
    timed(module, name)
try:
    app(["demo", "--out", tempfile.mkdtemp()])
except SystemExit:
    pass
(s0, s1), (t0, t1), (_, w1) = (marks[k] for k in ("evaluate_scorecard", "build_tables",
                                                   "write_outputs"))
print(f"stages {s1 - s0:.3f} {t1 - t0:.3f} {w1 - s0:.3f}", file=sys.stderr, flush=True)
"""


def timeline(repeat: int, env: dict[str, str]) -> None:
    """Time the forked Word writer and the parent beside it in ``repeat`` fresh demos."""
    print(f"load average {os.getloadavg()[0]:.2f}")
    print("| run | analyses: parent's first survey s | analyses: parent waited s | scorecard s "
          "| tables s | child: write_docx s | parent: fork to asking s | parent waited s "
          "| scorecard start to documents end s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    rows = []
    for run in range(repeat):
        done = subprocess.run([sys.executable, "-c", TIMELINE], env=env, check=False,
                              capture_output=True, text=True, cwd=tempfile.gettempdir())
        marks = {line.split()[0]: [float(x) for x in line.split()[1:]]
                 for line in done.stderr.splitlines()
                 if line.startswith(("analyses", "child", "parent", "stages"))}
        if not {"analyses", "child", "parent", "stages"} <= set(marks):
            raise SystemExit(f"the demo did not fork its surveys and Word writer:\n"
                             f"{done.stderr}")
        stages = marks["stages"]
        rows.append((*marks["analyses"], *stages[:2], marks["child"][0], *marks["parent"],
                     stages[2]))
        print("| " + " | ".join([str(run + 1), *(f"{x:.2f}" for x in rows[-1])]) + " |")
    medians = [statistics.median(column) for column in zip(*rows, strict=True)]
    print("| median | " + " | ".join(f"{x:.2f}" for x in medians) + " |")
    print(f"load average now {os.getloadavg()[0]:.2f}")


def documents(repeat: int, env: dict[str, str]) -> None:
    """Time each document of the demo in one process (CPU seconds, least of ``repeat``)."""
    print(f"load average {os.getloadavg()[0]:.2f}")
    print("| document | CPU s (least) |\n|---|---:|", flush=True)
    subprocess.run([sys.executable, "-c", DOCUMENTS, str(repeat)], env=env, check=True,
                   cwd=tempfile.gettempdir())  # not a checkout's root: see timed
    print(f"load average now {os.getloadavg()[0]:.2f}")


def chart_times(repeat: int, env: dict[str, str]) -> None:
    """Time each chart of the Word appendix as SVG and as PNG, on the demo's results (CPU
    milliseconds a chart, the least of ``repeat`` after a warm-up)."""
    print(f"load average {os.getloadavg()[0]:.2f}")
    print("| chart | format | charts | CPU ms a chart |\n|---|---|---:|---:|", flush=True)
    subprocess.run([sys.executable, "-c", CHARTS, str(repeat)], env=env, check=True,
                   cwd=tempfile.gettempdir())  # not a checkout's root: its surveyq first
    print(f"load average now {os.getloadavg()[0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--paths", nargs="+", default=list(PATHS), choices=PATHS)
    parser.add_argument("--source", type=Path, help="another checkout of surveyq to time")
    parser.add_argument("--documents", action="store_true",
                        help="time each document in one process instead")
    parser.add_argument("--charts", action="store_true",
                        help="time each chart of the Word appendix, SVG and PNG, instead")
    parser.add_argument("--timeline", action="store_true",
                        help="time the forked Word writer and the parent beside it instead")
    options = parser.parse_args()
    env = dict(os.environ)
    if options.source:
        env["PYTHONPATH"] = os.pathsep.join(
            [str(options.source.resolve()), *filter(None, [env.get("PYTHONPATH")])])
    if options.documents:
        documents(options.repeat, env)
        return
    if options.charts:
        chart_times(options.repeat, env)
        return
    if options.timeline:
        timeline(options.repeat, env)
        return
    project = (options.source or ROOT) / "questionnaires" / "demo" / "project.yaml"
    paths = list(dict.fromkeys([*options.paths, *(FLOORS[p] for p in options.paths
                                                  if p in FLOORS)]))
    runs: dict[str, list[tuple[float, float]]] = {path: [] for path in paths}
    ratios: dict[str, list[float]] = {path: [] for path in paths if path in FLOORS}
    with tempfile.TemporaryDirectory(prefix="surveyq-bench-demo-") as folder:
        for repetition in range(options.repeat):
            print(f"repetition {repetition + 1}, load average {os.getloadavg()[0]:.2f}",
                  file=sys.stderr)
            for path in paths:
                args, extra = command(path, Path(folder) / str(repetition), project)
                runs[path].append(timed(args, {**env, **extra}, cwd=Path(folder)))
            for path in ratios:
                ratios[path].append(runs[path][-1][0] / runs[FLOORS[path]][-1][0])
    print(f"source: {options.source or 'this checkout'}, {options.repeat} repetitions, "
          f"{os.cpu_count()} cores, load average now {os.getloadavg()[0]:.2f}")
    print("| path | wall s (median) | CPU s (median) | wall x floor | floor |")
    print("|---|---:|---:|---:|---|")
    for path in paths:
        wall = statistics.median(w for w, _ in runs[path])
        cpu = statistics.median(c for _, c in runs[path])
        ratio = f"{statistics.median(ratios[path]):.2f}" if path in ratios else ""
        print(f"| {path} | {wall:.2f} | {cpu:.2f} | {ratio} | {FLOORS.get(path, '')} |")


if __name__ == "__main__":
    main()
