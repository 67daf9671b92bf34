"""Time surveyq against the alternatives, side by side, in one run (not part of the tests).

The job (methods.md "Computation"): Cronbach's alpha, standardised alpha, the Feldt interval,
alpha if item deleted, corrected and uncorrected item-total r with p-values, and item
means, under listwise deletion. Paths:

==========================  ===========================================================
``floor``                   numpy floor: int8 matrix in memory, complete rows to float32
                            ``[1, X]``, one GEMM (the faster of BLAS on 1 or all threads)
``gemm``                    the GEMM alone on pre-converted float32 rows (reference)
``surveyq_memory``          ``Moments.from_array`` (int8 in memory) + the whole battery
``surveyq_frame``           ``Moments.from_frame`` of a float64 DataFrame with NaN + battery
``surveyq_csv``             ``Moments.from_csv`` (streamed) + battery: end to end
``surveyq_parquet``         ``Moments.from_parquet`` (streamed) + battery: end to end
``surveyq_dask``            ``dd.read_parquet(split_row_groups=True)`` (a partition per
                            row group) + ``Moments.from_dask`` on Dask's local threaded
                            scheduler + battery
``surveyq_dask_cluster``    the same on a ``dask.distributed`` LocalCluster (2 worker
                            processes) reached by address; cluster start not timed
``naive``                   pingouin.cronbach_alpha + alpha if deleted by refitting + a
                            scipy.stats.pearsonr loop (DataFrame in memory; compute only)
``psych``                   R: data.table::fread, na.omit, psych::alpha; compute part
                            timed inside R with system.time (when Rscript is available)
``arrow_csv``               pyarrow.csv.read_csv of the file (bare read)
``arrow_parquet``           pyarrow.parquet.read_table of the file (bare read)
==========================  ===========================================================

Every path runs in a fresh process per repetition, repetitions interleaved; the clock
excludes imports, loading in-memory data and one warm-up on the n = 1000 file. Peak is the
process's VmHWM (interpreter and libraries included). Ratios are medians over repetitions
of t / t(reference in the same repetition). Agreement: largest |difference| from
surveyq_memory over alpha, standardised alpha, alpha if deleted, both r and the means.

Usage::

    python benchmarks/bench.py --sizes 1e6 --items 30 --repeat 5
    python benchmarks/bench.py --sizes 5e6 --items 30 --repeat 3 \\
        --paths floor surveyq_memory surveyq_csv surveyq_parquet arrow_csv arrow_parquet
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

import numpy as np

# Run against this checkout (not an installed surveyq), with gen_data beside this file.
sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parent)]
import gen_data  # noqa: E402

ALL_PATHS = ["floor", "gemm", "surveyq_memory", "surveyq_frame", "surveyq_csv",
             "surveyq_parquet", "surveyq_dask", "surveyq_dask_cluster", "naive", "psych",
             "arrow_csv", "arrow_parquet"]
DEFAULT_PATHS = [path for path in ALL_PATHS if path != "surveyq_dask_cluster"]
WARM_UP_ROWS = 1000
# Reference for the "x bare read" column.
BARE_READ = {"surveyq_csv": "arrow_csv", "surveyq_parquet": "arrow_parquet",
             "surveyq_dask": "arrow_parquet", "surveyq_dask_cluster": "arrow_parquet",
             "psych": "arrow_csv"}


# ---- in the child process ---------------------------------------------------------------------


def peak_mib() -> float:
    """VmHWM of this process in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def surveyq_battery(moments) -> dict[str, list[float]]:
    """Every statistic of the job, from one Moments."""
    from surveyq.reliability import cronbach_alpha
    from surveyq.validity import item_validity

    reliability = cronbach_alpha(moments)
    uncorrected = item_validity(moments)
    corrected = item_validity(moments, corrected=True)
    table = reliability.item_total
    return {"alpha": [reliability.alpha], "std_alpha": [reliability.std_alpha],
            "ci": list(reliability.ci), "alpha_if_deleted": table["alpha_if_deleted"].tolist(),
            "r": uncorrected["r"].tolist(), "p": uncorrected["p_value"].tolist(),
            "r_corrected": corrected["r"].tolist(), "means": table["mean"].tolist()}


def naive_battery(frame) -> dict[str, list[float]]:
    """What a user writes: pingouin, a refit per deleted item, a pearsonr loop."""
    import pingouin
    from scipy import stats

    data = frame.dropna()
    alpha, ci = pingouin.cronbach_alpha(data=data)
    correlation = data.corr().to_numpy()
    k = data.shape[1]
    mean_r = (correlation.sum() - k) / (k * (k - 1))
    std_alpha = k * mean_r / (1 + (k - 1) * mean_r)
    dropped = [pingouin.cronbach_alpha(data=data.drop(columns=column))[0]
               for column in data.columns]
    total = data.sum(axis=1)
    uncorrected = [stats.pearsonr(data[column], total) for column in data.columns]
    corrected = [stats.pearsonr(data[column], total - data[column]) for column in data.columns]
    return {"alpha": [alpha], "std_alpha": [std_alpha], "ci": list(ci),
            "alpha_if_deleted": dropped, "r": [result[0] for result in uncorrected],
            "p": [result[1] for result in uncorrected],
            "r_corrected": [result[0] for result in corrected],
            "means": data.mean().tolist()}


def blas_variants(function):
    """Time ``function`` with BLAS on all threads and on one; return the faster time."""
    from threadpoolctl import threadpool_limits

    times = []
    for limit in (None, 1):
        with threadpool_limits(limits=limit, user_api="blas"):
            function()
            start = time.perf_counter()
            function()
            times.append(time.perf_counter() - start)
    return min(times)


def child_setup(path: str, csv_path: Path, parquet_path: Path, items: list[str]):
    """(function to time, or None when the child times itself) for one file."""
    if path in ("floor", "gemm"):
        codes = gen_data.load_codes(parquet_path)
        k = codes.shape[1]
        if path == "gemm":
            complete = codes[(codes != 0).all(axis=1)]
            augmented = np.empty((complete.shape[0], k + 1), np.float32)
            augmented[:, 0], augmented[:, 1:] = 1, complete
            return lambda: augmented.T @ augmented

        def floor():
            complete = codes[(codes != 0).all(axis=1)]
            augmented = np.empty((complete.shape[0], k + 1), np.float32)
            augmented[:, 0], augmented[:, 1:] = 1, complete
            return augmented.T @ augmented
        return floor
    if path == "surveyq_memory":
        from surveyq.moments import Moments

        codes = gen_data.load_codes(parquet_path)
        return lambda: surveyq_battery(Moments.from_array(codes, items, missing_codes=[0]))
    if path == "surveyq_frame":
        import pandas as pd

        from surveyq.moments import Moments

        frame = pd.read_parquet(parquet_path).astype("float64")
        return lambda: surveyq_battery(Moments.from_frame(frame, pairwise=False))
    if path == "surveyq_csv":
        from surveyq.moments import Moments

        return lambda: surveyq_battery(Moments.from_csv(csv_path, items))
    if path == "surveyq_parquet":
        from surveyq.moments import Moments

        return lambda: surveyq_battery(Moments.from_parquet(parquet_path, items))
    if path in ("surveyq_dask", "surveyq_dask_cluster"):
        import dask.dataframe as dd

        from surveyq.moments import Moments

        return lambda: surveyq_battery(Moments.from_dask(
            dd.read_parquet(parquet_path, split_row_groups=True), items))
    if path == "naive":
        import pandas as pd

        frame = pd.read_parquet(parquet_path).astype("float64")
        return lambda: naive_battery(frame)
    if path == "arrow_csv":
        import pyarrow.csv as csv

        return lambda: csv.read_csv(csv_path)
    if path == "arrow_parquet":
        import pyarrow.parquet as pq

        return lambda: pq.read_table(parquet_path)
    raise ValueError(path)


def child(path: str, data_dir: Path, n: int, k: int) -> None:
    """Warm up on n = 1000, time one run on n, print JSON."""
    items = gen_data.item_names(k)
    cluster = client = None
    if path == "surveyq_dask_cluster":
        from distributed import Client, LocalCluster

        cluster = LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None)
        client = Client(cluster.scheduler_address)
    warm = child_setup(path, *gen_data.paths(data_dir, WARM_UP_ROWS, k), items)
    warm()
    run = child_setup(path, *gen_data.paths(data_dir, n, k), items)
    if path in ("floor", "gemm"):
        seconds, result = blas_variants(run), None
    else:
        start = time.perf_counter()
        result = run()
        seconds = time.perf_counter() - start
    statistics = result if isinstance(result, dict) else None
    print(json.dumps({"seconds": seconds, "peak_mib": peak_mib(), "stats": statistics}))
    if client is not None:
        client.close()
        cluster.close()


# ---- R psych ----------------------------------------------------------------------------------

R_SCRIPT = r"""
suppressMessages({library(data.table); library(psych)})
args <- commandArgs(TRUE)
battery <- function(path) {
  read <- system.time(d <- fread(path))[["elapsed"]]
  compute <- system.time({
    x <- na.omit(as.data.frame(d))
    a <- psych::alpha(x, warnings = FALSE, check.keys = FALSE)
  })[["elapsed"]]
  list(read = read, compute = compute, a = a)
}
invisible(battery(args[1]))
r <- battery(args[2])
status <- readLines("/proc/self/status")
hwm <- as.numeric(gsub("[^0-9]", "", status[grepl("^VmHWM", status)])) / 1024
num <- function(x) paste(sprintf("%.17g", x), collapse = ",")
cat("compute", r$compute, "\n")
cat("read", r$read, "\n")
cat("peak", hwm, "\n")
cat("alpha", num(r$a$total$raw_alpha), "\n")
cat("std_alpha", num(r$a$total$std.alpha), "\n")
cat("alpha_if_deleted", num(r$a$alpha.drop$raw_alpha), "\n")
cat("r", num(r$a$item.stats$raw.r), "\n")
cat("r_corrected", num(r$a$item.stats$r.drop), "\n")
cat("means", num(r$a$item.stats$mean), "\n")
"""


def run_psych(data_dir: Path, n: int, k: int) -> dict | None:
    rscript = shutil.which("Rscript")
    if rscript is None:
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".R", delete=False) as script:
        script.write(R_SCRIPT)
    try:
        output = subprocess.run(
            [rscript, script.name, str(gen_data.paths(data_dir, WARM_UP_ROWS, k)[0]),
             str(gen_data.paths(data_dir, n, k)[0])],
            capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    values = dict(line.split(" ", 1) for line in output.strip().splitlines())
    statistics = {key: [float(x) for x in values[key].strip().split(",")]
                  for key in ("alpha", "std_alpha", "alpha_if_deleted", "r", "r_corrected",
                              "means")}
    return {"seconds": float(values["compute"]), "read_seconds": float(values["read"]),
            "peak_mib": float(values["peak"]), "stats": statistics}


# ---- in the parent ----------------------------------------------------------------------------


def run_path(path: str, data_dir: Path, n: int, k: int) -> dict | None:
    if path == "psych":
        return run_psych(data_dir, n, k)
    command = [sys.executable, __file__, "--child", path, "--data-dir", str(data_dir),
               "--n", str(n), "--k", str(k)]
    completed = subprocess.run(command, capture_output=True, text=True)
    if completed.returncode != 0:
        print(f"  {path} failed:\n{completed.stderr[-2000:]}", file=sys.stderr)
        return None
    return json.loads(completed.stdout.strip().splitlines()[-1])


def agreement(result: dict | None, reference: dict | None) -> float:
    if not result or not reference or not result.get("stats") or not reference.get("stats"):
        return float("nan")
    worst = 0.0
    for key in ("alpha", "std_alpha", "alpha_if_deleted", "r", "r_corrected", "means"):
        ours, theirs = np.asarray(result["stats"][key]), np.asarray(reference["stats"][key])
        worst = max(worst, float(np.max(np.abs(ours - theirs))))
    return worst


def ratio(runs: list[dict], path: str, reference: str) -> float:
    values = [run[path]["seconds"] / run[reference]["seconds"] for run in runs
              if run.get(path) and run.get(reference)]
    return median(values) if values else float("nan")


def report(n: int, k: int, paths: list[str], runs: list[dict]) -> str:
    lines = [f"\n### n = {n:,} x k = {k} ({len(runs)} repetition(s))\n",
             "| path | seconds | x floor | x surveyq_memory | x bare read | peak MiB | "
             "max abs diff |", "|---|---:|---:|---:|---:|---:|---:|"]
    for path in paths:
        done = [run[path] for run in runs if run.get(path)]
        if not done:
            lines.append(f"| {path} | failed or skipped | | | | | |")
            continue
        seconds = median(result["seconds"] for result in done)
        peak = median(result["peak_mib"] for result in done)
        bare = BARE_READ.get(path)
        cells = [f"{seconds:.4f}", f"{ratio(runs, path, 'floor'):.2f}",
                 f"{ratio(runs, path, 'surveyq_memory'):.2f}",
                 f"{ratio(runs, path, bare):.2f}" if bare else "",
                 f"{peak:.0f}",
                 f"{agreement(done[-1], runs[-1].get('surveyq_memory')):.1e}"]
        lines.append(f"| {path} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="surveyq benchmarks (see module docstring)")
    parser.add_argument("--sizes", type=float, nargs="+", default=[1e3, 1e5, 1e6])
    parser.add_argument("--items", type=int, nargs="+", default=[30])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--paths", nargs="+", default=DEFAULT_PATHS, choices=ALL_PATHS)
    parser.add_argument("--data-dir", type=Path,
                        default=Path(tempfile.gettempdir()) / "surveyq-bench")
    parser.add_argument("--child")
    parser.add_argument("--n", type=int)
    parser.add_argument("--k", type=int)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.data_dir, args.n, args.k)
        return
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPU(s), data in {args.data_dir}")
    for k in args.items:
        gen_data.generate(args.data_dir, WARM_UP_ROWS, k)
        for size in args.sizes:
            n = int(size)
            gen_data.generate(args.data_dir, n, k)
            runs = []
            for repetition in range(args.repeat):
                run = {path: run_path(path, args.data_dir, n, k) for path in args.paths}
                runs.append(run)
                print(f"  n={n} k={k} rep {repetition + 1}: " + ", ".join(
                    f"{path} {result['seconds']:.3f}s" for path, result in run.items()
                    if result), flush=True)
            print(report(n, k, args.paths, runs), flush=True)


if __name__ == "__main__":
    main()
