"""Where a first in-memory ``surveyq run`` of a bench SKM file spends its time, by stage.

Not part of the test run. In one fresh process: the imports ``bench_run.py`` makes, the
floor once on the 10^3 file (untimed, as there), the floor on the file, then the first
``run_project`` of its in-memory project with each stage wrapped by a wall-clock timer:
loading the YAML files, reading (``read_raw``, with the plain-CSV reader's parts: pyarrow's
parse, ``split_cells``, ``split_grid``), cleaning, each analysis and the IKM breakdowns, the
survey summary and the JSON conversion. Milliseconds; a stage inside another is counted in
both. The files and projects are ``bench_run.py``'s (``--folder``, written if missing)::

    python benchmarks/bench_stages.py --size 1e5 --repeat 3
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bench_run

#: (module, function) pairs timed, by the name printed.
STAGES = {
    "yaml": ("surveyq.pipeline", "load_project"),
    "read": ("surveyq.pipeline", "read_raw"),
    "parse": ("surveyq.readers.text", "parsed_blocks"),
    "split_cells": ("surveyq.readers", "split_cells"),
    "split_grid": ("surveyq.readers", "split_grid"),
    "clean": ("surveyq.pipeline", "clean"),
    "breakdowns": ("surveyq.analyses", "_ikm_breakdown"),
    "summary": ("surveyq.pipeline", "_survey_summary"),
    "json": ("surveyq.pipeline", "to_jsonable"),
}


def _timed(function: Callable[..., Any], name: str, spent: dict[str, float]) -> Callable:
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - start
    return timed


def one_run(folder: Path, n: int) -> dict[str, float]:
    """The floor and a first in-memory run of the size-``n`` file, by stage (seconds)."""
    import importlib

    import surveyq.analyses
    import surveyq.report.build  # noqa: F401  (imports are not timed)
    from surveyq.pipeline import run_project

    spent: dict[str, float] = {}
    for name, (module_name, function_name) in STAGES.items():
        module = importlib.import_module(module_name)
        setattr(module, function_name, _timed(getattr(module, function_name), name, spent))
    for analysis, function in list(surveyq.analyses.ANALYSES.items()):
        surveyq.analyses.ANALYSES[analysis] = _timed(function, analysis, spent)
    bench_run.floor(folder, bench_run.WARM_UP)
    floor = bench_run.floor(folder, n)["seconds"]
    spent.clear()
    start = time.perf_counter()
    run_project(folder / f"project-{n}-memory.yaml", out=None)
    return {"floor": floor, "run": time.perf_counter() - start, **spent}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=float, default=1e5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--folder", type=Path,
                        default=Path(tempfile.gettempdir()) / "surveyq-bench-run")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # child process
    args = parser.parse_args()
    n = int(args.size)
    if args.one:
        print(" ".join(f"{name}={seconds * 1000:.0f}"
                       for name, seconds in one_run(args.folder, n).items()))
        return
    args.folder.mkdir(parents=True, exist_ok=True)
    bench_run.write_data(args.folder, bench_run.WARM_UP)
    bench_run.write_data(args.folder, n)
    print(f"n = {n}, ms of wall clock, one fresh process a line", flush=True)
    for _ in range(args.repeat):
        subprocess.run([sys.executable, __file__, "--folder", str(args.folder), "--size",
                        str(n), "--one"], check=True)


if __name__ == "__main__":
    main()
