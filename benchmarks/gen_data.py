"""Latent-trait Likert data for the benchmarks (not part of the test run).

methods.md "Computation", "Method": a one-factor model with loadings U(.45, .80), each item cut
to 1..5 at satisfaction-survey thresholds (about 3/8/24/44/20 %), 2 % of cells missing
completely at random (blank in CSV, null in Parquet). Written in slices of rows, so 5M x 44
needs no more than a few hundred MiB. Seeded: the same (n, k) always gives the same file.

Usage::

    python benchmarks/gen_data.py --out /tmp/surveyq-bench --sizes 1e3 1e5 1e6 5e6 \\
        --items 9 30 44
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as csv
import pyarrow.parquet as pq
from scipy import stats

#: Share of answers 1..5 (methods.md "Computation", Method).
CATEGORY_SHARES = (0.03, 0.08, 0.24, 0.44, 0.20)
MISSING_SHARE = 0.02
LOADINGS = (0.45, 0.80)
SLICE_ROWS = 250_000
ROW_GROUP_ROWS = 131_072
SEED = 20240607


def item_names(k: int) -> list[str]:
    """Q1..Qk."""
    return [f"Q{j + 1}" for j in range(k)]


def likert_slice(rng: np.random.Generator, loadings: np.ndarray, rows: int) -> np.ndarray:
    """rows x k int8 codes 1..5, 0 where missing."""
    cuts = stats.norm.ppf(np.cumsum(CATEGORY_SHARES)[:-1])
    trait = rng.standard_normal((rows, 1))
    noise = rng.standard_normal((rows, loadings.size))
    latent = trait * loadings + noise * np.sqrt(1 - loadings**2)
    codes = (np.searchsorted(cuts, latent.ravel()).reshape(latent.shape) + 1).astype(np.int8)
    codes[rng.random(codes.shape) < MISSING_SHARE] = 0
    return codes


def _table(codes: np.ndarray, names: list[str]) -> pa.Table:
    columns = {name: pa.array(codes[:, j], pa.int8(), mask=codes[:, j] == 0)
               for j, name in enumerate(names)}
    return pa.table(columns)


def paths(out: Path, n: int, k: int) -> tuple[Path, Path]:
    """(csv, parquet) file names for n x k under ``out``."""
    stem = out / f"likert_n{n}_k{k}"
    return stem.with_suffix(".csv"), stem.with_suffix(".parquet")


def generate(out: Path, n: int, k: int) -> tuple[Path, Path]:
    """Write n x k to CSV and Parquet (int8, row groups of 128 Ki rows) unless present."""
    csv_path, parquet_path = paths(out, n, k)
    if csv_path.exists() and parquet_path.exists():
        return csv_path, parquet_path
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng([SEED, n, k])
    loadings = rng.uniform(*LOADINGS, size=k)
    names = item_names(k)
    schema = _table(np.ones((1, k), np.int8), names).schema
    csv_tmp, parquet_tmp = csv_path.with_suffix(".csv.tmp"), parquet_path.with_suffix(".tmp")
    with csv.CSVWriter(csv_tmp, schema) as csv_writer, \
            pq.ParquetWriter(parquet_tmp, schema) as parquet_writer:
        for start in range(0, n, SLICE_ROWS):
            table = _table(likert_slice(rng, loadings, min(SLICE_ROWS, n - start)), names)
            csv_writer.write_table(table)
            parquet_writer.write_table(table, row_group_size=ROW_GROUP_ROWS)
    csv_tmp.rename(csv_path)
    parquet_tmp.rename(parquet_path)
    return csv_path, parquet_path


def load_codes(parquet_path: Path) -> np.ndarray:
    """The n x k int8 matrix (0 = missing), column-major, from the Parquet file."""
    table = pq.read_table(parquet_path)
    codes = np.empty((table.num_rows, table.num_columns), np.int8, order="F")
    for j, column in enumerate(table.columns):
        codes[:, j] = column.fill_null(0).to_numpy()
    return codes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path,
                        default=Path(tempfile.gettempdir()) / "surveyq-bench")
    parser.add_argument("--sizes", type=float, nargs="+", default=[1e3, 1e5, 1e6, 5e6])
    parser.add_argument("--items", type=int, nargs="+", default=[9, 30, 44])
    args = parser.parse_args()
    for n in args.sizes:
        for k in args.items:
            csv_path, parquet_path = generate(args.out, int(n), k)
            print(f"{csv_path} ({csv_path.stat().st_size / 2**20:.0f} MiB), "
                  f"{parquet_path} ({parquet_path.stat().st_size / 2**20:.0f} MiB)")


if __name__ == "__main__":
    main()
