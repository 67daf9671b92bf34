"""``surveyq run`` end to end on a large SKM file, each path beside the floor in its process.

Not part of the test run. Writes a seeded latent-trait SKM export (an id, two profile
columns and the nine elements U1..U9 coded 1..4, 2 % of answers blank) of each size to a
temporary folder, then times each path in a fresh process (so peak RSS is the path's own):

- ``floor``: the vectorised floor of the same work, in numpy/pyarrow: pyarrow's read of the
  nine item columns (dictionary-encoded), coding each column by its distinct values, the
  moments with pairwise sums (``Moments.from_array``), the statistics (item-total validity,
  Cronbach's alpha, the IKM) and the analytic IKM interval;
- ``stream``: ``run_project`` with ``stream: true`` (validity, reliability, IKM, the item
  frequencies and the cleaning log; no documents written);
- ``memory``: ``run_project`` with ``stream: false`` on the same file, no documents;
- ``docs``: ``run_project`` with ``stream: false`` writing every document (report.html,
  appendix.xlsx/.docx, results.json, cleaning-log.csv and the data-matrix files);
- ``arrow``: ``pyarrow.csv.read_csv`` of the nine item columns as int16, the floor of any
  path that reads the file.

Every child imports what the paths need first (imports are not timed), then times the floor
and then its path on the same file, so ``x floor`` is a ratio measured in one process, under
the same load. Both wall-clock and CPU seconds (``time.process_time``, all threads) are
recorded: on a shared machine the CPU time is the steadier of the two. ``cpu s`` is the
parent's; ``child cpu`` is that of the children it waited for (the forked Word appendix
writer of ``docs``), so the two add up to the path's CPU. Peak RSS is the process's
high-water mark after its path.

    python benchmarks/bench_run.py --sizes 1e3 1e4 1e5 1e6 --repeat 3
    python benchmarks/bench_run.py --sizes 1e6 --repeat 1 --paths memory docs

benchmarks/README.md records a run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
QUESTIONNAIRE = ROOT / "questionnaires" / "skm-permenpanrb-14-2017.yaml"
ITEMS = [f"U{number}" for number in range(1, 10)]
MEMORY_LIMIT = 1_000_000
#: The file the floor runs on once, untimed, before the timed runs.
WARM_UP = 1000


def write_data(folder: Path, n: int, seed: int = 2025) -> Path:
    """The SKM export and its project file; the CSV is written in 10^6-row pieces."""
    path = folder / f"skm-{n}.csv"
    if not path.exists():
        rng = np.random.default_rng(seed)
        loadings = rng.uniform(0.45, 0.8, len(ITEMS))
        with open(path, "w", encoding="utf-8") as handle:
            handle.write("id,Jenis Kelamin,Pendidikan," + ",".join(ITEMS) + "\n")
            for start in range(0, n, 1_000_000):
                rows = min(1_000_000, n - start)
                trait = rng.normal(size=(rows, 1))
                latent = trait * loadings + rng.normal(size=(rows, len(ITEMS))) * 0.6
                codes = np.digitize(latent, [-1.2, -0.4, 0.7]) + 1
                text = codes.astype(str).astype(object)
                text[rng.random(codes.shape) < 0.02] = ""
                sex = np.where(rng.random(rows) < 0.5, "L", "P")
                lines = (f"R{start + i},{sex[i]},SMA," + ",".join(text[i]) for i in range(rows))
                handle.write("\n".join(lines) + "\n")
    for mode in ("stream", "memory"):
        project = folder / f"project-{n}-{mode}.yaml"
        project.write_text(json.dumps({
            "organisation": "Benchmark", "period": "2025",
            "surveys": {"skm": {"questionnaire": str(QUESTIONNAIRE), "responses": path.name,
                                "stream": mode == "stream",
                                "analyses": ["validity", "reliability", "ikm"]}},
        }), encoding="utf-8")
    return path


def floor(folder: Path, n: int) -> dict:
    """The vectorised floor: read, code by distinct values, moments, statistics, interval."""
    import pyarrow as pa
    import pyarrow.csv as csv

    from surveyq.moments import Moments
    from surveyq.reliability import cronbach_alpha
    from surveyq.uncertainty import ikm_ci
    from surveyq.validity import item_validity

    start, cpu = time.perf_counter(), time.process_time()
    text = pa.dictionary(pa.int32(), pa.string())
    table = csv.read_csv(folder / f"skm-{n}.csv", convert_options=csv.ConvertOptions(
        include_columns=ITEMS, column_types=dict.fromkeys(ITEMS, text)))
    codes = np.zeros((table.num_rows, len(ITEMS)), dtype=np.int8, order="F")  # 0 = missing
    for j, name in enumerate(ITEMS):
        column = table.column(name).combine_chunks()
        lookup = np.array([_code(value) for value in column.dictionary.to_pylist()] + [0],
                          dtype=np.int8)  # one code per distinct value, 0 for a null
        indices = column.indices.fill_null(len(lookup) - 1).to_numpy()
        codes[:, j] = lookup[indices]
    moments = Moments.from_array(codes[codes.any(axis=1)], ITEMS, missing_codes=[0],
                                 pairwise=True)
    item_validity(moments)
    cronbach_alpha(moments)
    interval = ikm_ci(moments, method="analytic")
    return {"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu,
            "check": interval.converted}


def _code(value: str | None) -> int:
    """An answer cell's code 1..4, or 0 (missing) for anything else."""
    return int(value) if value in ("1", "2", "3", "4") else 0


def run_path(path_name: str, folder: Path, n: int) -> dict:
    """Time the floor and then one path in this process; seconds, peak RSS and the IKM."""
    import surveyq.analyses  # noqa: F401  (imports are not timed)
    import surveyq.report.appendix  # noqa: F401
    import surveyq.report.build  # noqa: F401
    from surveyq.pipeline import run_project

    floor(folder, WARM_UP)  # first calls (thread pools, caches) are not timed either
    base = floor(folder, n)
    if path_name == "floor":
        return {**base, "floor": base["seconds"], "floor_cpu": base["cpu"],
                "peak_mib": _peak_mib()}
    if path_name == "arrow":
        import pyarrow as pa
        import pyarrow.csv as csv

        start, cpu = time.perf_counter(), time.process_time()
        table = csv.read_csv(folder / f"skm-{n}.csv", convert_options=csv.ConvertOptions(
            include_columns=ITEMS, column_types=dict.fromkeys(ITEMS, pa.int16())))
        seconds, check = time.perf_counter() - start, table.num_rows
    else:
        mode = "stream" if path_name == "stream" else "memory"
        out = folder / f"out-{n}" if path_name == "docs" else None
        start, cpu, child = time.perf_counter(), time.process_time(), _children_cpu()
        run = run_project(folder / f"project-{n}-{mode}.yaml", out=out)
        seconds = time.perf_counter() - start
        check = run.results["surveys"]["skm"]["analyses"]["ikm"]["summary"]["converted"]
        return {"seconds": seconds, "cpu": time.process_time() - cpu, "floor": base["seconds"],
                "floor_cpu": base["cpu"], "child_cpu": _children_cpu() - child,
                "peak_mib": _peak_mib(), "check": check}
    return {"seconds": seconds, "cpu": time.process_time() - cpu, "floor": base["seconds"],
            "floor_cpu": base["cpu"], "child_cpu": 0.0, "peak_mib": _peak_mib(), "check": check}


def _children_cpu() -> float:
    """CPU seconds of this process's waited-for children (the forked document writer)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _peak_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=[1e3, 1e4, 1e5, 1e6])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--paths", nargs="+",
                        default=["floor", "arrow", "stream", "memory", "docs"])
    parser.add_argument("--folder", type=Path,
                        default=Path(tempfile.gettempdir()) / "surveyq-bench-run")
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)  # path, n: child process
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    if args.one:
        print(json.dumps(run_path(args.one[0], args.folder, int(args.one[1]))))
        return
    print(f"{'n':>9} {'path':>7} {'seconds':>9} {'floor s':>8} {'x floor':>8} {'cpu s':>8} "
          f"{'x floor':>8} {'child cpu':>9} {'peak MiB':>9}  check", flush=True)
    write_data(args.folder, WARM_UP)
    for n in (int(size) for size in args.sizes):
        write_data(args.folder, n)
        paths = [p for p in args.paths if p not in ("memory", "docs") or n <= MEMORY_LIMIT]
        runs: dict[str, list[dict]] = {p: [] for p in paths}
        for _ in range(args.repeat):
            for path_name in paths:  # interleaved, so load on the machine hits every path
                output = subprocess.run(
                    [sys.executable, __file__, "--folder", str(args.folder), "--one",
                     path_name, str(n)], check=True, capture_output=True, text=True,
                    env={**os.environ, "PYTHONWARNINGS": "ignore"}).stdout
                runs[path_name].append(json.loads(output.strip().splitlines()[-1]))
        for path_name in paths:
            done = runs[path_name]
            ratio = statistics.median(r["seconds"] / r["floor"] for r in done)
            cpu_ratio = statistics.median(r["cpu"] / r["floor_cpu"] for r in done)
            seconds = statistics.median(r["seconds"] for r in done)
            base = statistics.median(r["floor"] for r in done)
            cpu = statistics.median(r["cpu"] for r in done)
            child = statistics.median(r.get("child_cpu", 0.0) for r in done)
            peak = max(r["peak_mib"] for r in done)
            print(f"{n:>9} {path_name:>7} {seconds:>9.3f} {base:>8.3f} {ratio:>8.2f} "
                  f"{cpu:>8.3f} {cpu_ratio:>8.2f} {child:>9.3f} {peak:>9.0f}  {done[0]['check']}",
                  flush=True)


if __name__ == "__main__":
    main()
