"""``surveyq run`` end to end on a large SKM file: streamed, in memory, and pyarrow's bare read.

Not part of the test run. Writes a seeded latent-trait SKM export (an id, two profile
columns and the nine elements U1..U9 coded 1..4, 2 % of answers blank) of each size to a
temporary folder, then times each path in a fresh process (so peak RSS is the path's own):

- ``stream``: ``run_project`` with ``stream: true`` (validity, reliability, IKM, the item
  frequencies and the cleaning log; no documents written);
- ``memory``: ``run_project`` with ``stream: false`` on the same file (sizes up to 10^6 by
  default: it holds every cell as a Python object while cleaning);
- ``arrow``: ``pyarrow.csv.read_csv`` of the nine item columns as int16, the floor of any
  path that reads the file.

    python benchmarks/bench_run.py --sizes 1e5 1e6 5e6 --repeat 3

The ratios are per repetition against ``arrow`` in the same repetition; benchmarks/README.md
records a run.
"""

from __future__ import annotations

import argparse
import json
import os
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


def run_path(path_name: str, folder: Path, n: int) -> dict:
    """Time one path in this process; returns seconds, peak RSS and the IKM (a check)."""
    if path_name == "arrow":
        import pyarrow as pa
        import pyarrow.csv as csv

        start = time.perf_counter()
        table = csv.read_csv(folder / f"skm-{n}.csv", convert_options=csv.ConvertOptions(
            include_columns=ITEMS, column_types=dict.fromkeys(ITEMS, pa.int16())))
        seconds, check = time.perf_counter() - start, table.num_rows
    else:
        from surveyq.pipeline import run_project

        start = time.perf_counter()
        run = run_project(folder / f"project-{n}-{path_name}.yaml")
        seconds = time.perf_counter() - start
        check = run.results["surveys"]["skm"]["analyses"]["ikm"]["summary"]["converted"]
    return {"seconds": seconds, "peak_mib": _peak_mib(), "check": check}


def _peak_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=[1e5, 1e6])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--paths", nargs="+", default=["arrow", "stream", "memory"])
    parser.add_argument("--folder", type=Path,
                        default=Path(tempfile.gettempdir()) / "surveyq-bench-run")
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)  # path, n: child process
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    if args.one:
        print(json.dumps(run_path(args.one[0], args.folder, int(args.one[1]))))
        return
    print(f"{'n':>9} {'path':>7} {'seconds':>9} {'x arrow':>8} {'peak MiB':>9}  check")
    for n in (int(size) for size in args.sizes):
        write_data(args.folder, n)
        paths = [p for p in args.paths if p != "memory" or n <= MEMORY_LIMIT]
        runs: dict[str, list[dict]] = {p: [] for p in paths}
        for _ in range(args.repeat):
            for path_name in paths:  # interleaved, so load on the machine hits every path
                output = subprocess.run(
                    [sys.executable, __file__, "--folder", str(args.folder), "--one",
                     path_name, str(n)], check=True, capture_output=True, text=True,
                    env={**os.environ, "PYTHONWARNINGS": "ignore"}).stdout
                runs[path_name].append(json.loads(output.strip().splitlines()[-1]))
        for path_name in paths:
            ratios = [r["seconds"] / a["seconds"] for r, a in zip(runs[path_name],
                                                                   runs["arrow"], strict=True)]
            seconds = statistics.median(r["seconds"] for r in runs[path_name])
            peak = max(r["peak_mib"] for r in runs[path_name])
            print(f"{n:>9} {path_name:>7} {seconds:>9.3f} {statistics.median(ratios):>8.2f} "
                  f"{peak:>9.0f}  {runs[path_name][0]['check']}")


if __name__ == "__main__":
    main()
