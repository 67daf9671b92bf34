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

benchmarks/README.md ("Start-up and the demo") records a run.
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


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, waited-for descendants included) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):  # the demo exits 1: an analysis it cannot compute
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--paths", nargs="+", default=list(PATHS), choices=PATHS)
    parser.add_argument("--source", type=Path, help="another checkout of surveyq to time")
    options = parser.parse_args()
    env = dict(os.environ)
    if options.source:
        env["PYTHONPATH"] = os.pathsep.join(
            [str(options.source.resolve()), *filter(None, [env.get("PYTHONPATH")])])
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
                runs[path].append(timed(args, {**env, **extra}))
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
