"""Per-unit IKM in a streamed pass: the grouped pass beside the ungrouped one, same process.

Not part of the test run. Writes a seeded SKM export (a unit column naming one of
``--units`` service units of unequal size, the nine elements U1..U9 coded 1..4, 2 % of
answers blank) of ``--rows`` rows to a temporary folder, then, in this one process and with
repetitions interleaved, times:

- ``ungrouped``: ``run_project`` with ``stream: true`` and a questionnaire without a unit
  field (validity, reliability and the pooled IKM with its analytic interval; no documents);
- ``grouped``: the same run with the unit field, so the pass also folds every batch into
  per-unit sums (:class:`surveyq.units.UnitSums`) and the run computes every unit's index,
  interval, band, NRR, ranking, the aggregate and each unit against the rest;
- ``figures``: :func:`surveyq.ikm_units` alone on the grouped sums of the last grouped run
  (the part after the pass);
- ``repool`` (only with ``--repool N``): what the rest of the organisation cost before it
  came from sums: the IKM and analytic interval of every row outside a unit, for N units of
  the file in memory, reported per unit and extrapolated to all units.

- ``profiles`` (only with ``--profiles N``): each unit's respondent profile (gender,
  education, occupation) of N rows in memory, counted at once
  (:func:`surveyq.describe.profile_by`) beside the per-unit loop it replaced (select each
  unit's rows, :func:`surveyq.describe.profile` of them); their tables are checked equal.

- ``files`` (only with ``--files``): the same rows given as one export per unit
  (``units.files``, the unit column dropped) with ``stream: true``: every file goes through
  the streamed pass with its unit as a constant; timed beside ``grouped``.

Wall-clock and CPU seconds (``time.process_time``, all threads) are recorded; on a shared
machine the CPU time is the steadier. The grouped sums' size is reported (it does not grow
with the rows), and the process's peak RSS after each run.

    python benchmarks/bench_units.py --rows 1e6 --units 500 --repeat 3 --repool 5

benchmarks/README.md records a run.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
QUESTIONNAIRE = ROOT / "questionnaires" / "skm-permenpanrb-14-2017.yaml"
ELEMENTS = [f"U{number}" for number in range(1, 10)]


def write_data(folder: Path, rows: int, units: int, seed: int = 16) -> Path:
    """The export: unit sizes from a lognormal law (largest about 20x the median)."""
    path = folder / f"city-{rows}-{units}.csv"
    if path.exists():
        return path
    rng = np.random.default_rng(seed)
    weights = rng.lognormal(0, 1, units)
    names = np.array([f"Unit {u:03d}" for u in range(units)], dtype=object)
    level = rng.uniform(-0.8, 0.8, units)  # units differ in their typical answer
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("Unit Layanan," + ",".join(ELEMENTS) + "\n")
        for start in range(0, rows, 250_000):
            size = min(250_000, rows - start)
            unit = rng.choice(units, size=size, p=weights / weights.sum())
            latent = rng.normal(level[unit], 1.0)[:, None] + rng.normal(0, 0.8, (size, 9))
            codes = np.clip(np.rint(2.9 + 0.7 * latent), 1, 4).astype(int).astype(str)
            codes[rng.random(codes.shape) < 0.02] = ""
            table = np.column_stack([names[unit], codes])
            handle.write("\n".join(",".join(row) for row in table) + "\n")
    return path


def write_projects(folder: Path, data: Path) -> dict[str, Path]:
    shipped = yaml.safe_load(QUESTIONNAIRE.read_text(encoding="utf-8"))
    plain = dict(shipped, id="skm-plain")
    with_unit = dict(shipped, id="skm-units", fields=[*shipped.get("fields", []), {
        "id": "unit", "kind": "unit", "column": "Unit Layanan",
        "text": {"id": "Unit layanan", "en": "Service unit"}}])
    projects = {}
    for name, questionnaire in (("ungrouped", plain), ("grouped", with_unit)):
        (folder / f"{name}.yaml").write_text(yaml.safe_dump(questionnaire), encoding="utf-8")
        project = {"organisation": "Bench city", "period": "2026", "surveys": {"skm": {
            "questionnaire": f"{name}.yaml", "responses": data.name, "stream": True,
            "analyses": ["validity", "reliability", "ikm"]}}}
        projects[name] = folder / f"project-{name}.yaml"
        projects[name].write_text(yaml.safe_dump(project), encoding="utf-8")
    return projects


def write_unit_files(folder: Path, data: Path) -> Path:
    """The export split into one CSV per unit (no unit column) and a project listing them."""
    split = folder / f"{data.stem}-files"
    frame = pd.read_csv(data, dtype=str, keep_default_na=False)
    files = {}
    if not split.exists():
        split.mkdir()
    for number, (unit, rows) in enumerate(frame.groupby("Unit Layanan", sort=False)):
        files[unit] = f"{split.name}/unit-{number:03d}.csv"
        if not (folder / files[unit]).exists():
            rows.drop(columns="Unit Layanan").to_csv(folder / files[unit], index=False)
    project = {"organisation": "Bench city", "period": "2026", "surveys": {"skm": {
        "questionnaire": "ungrouped.yaml", "stream": True, "units": {"files": files},
        "analyses": ["validity", "reliability", "ikm"]}}}
    path = folder / "project-files.yaml"
    path.write_text(yaml.safe_dump(project, allow_unicode=True), encoding="utf-8")
    return path


def _peak_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def timed(work) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    value = work()
    return time.perf_counter() - wall, time.process_time() - cpu, value


def repool(data: Path, units: int) -> tuple[float, float]:
    """Seconds per unit of the old leave-one-out: the pooled IKM and interval of the rest's
    rows, recomputed from the rows for each unit."""
    from surveyq.ikm import ikm
    from surveyq.uncertainty import ikm_ci

    frame = pd.read_csv(data)
    labels = frame.pop("Unit Layanan")
    names = list(pd.unique(labels))[:units]
    wall, cpu = time.perf_counter(), time.process_time()
    for name in names:
        rest = frame.loc[labels != name]
        ikm(rest)
        ikm_ci(rest, method="analytic")
    return (time.perf_counter() - wall) / len(names), (time.process_time() - cpu) / len(names)


def profiles(rows: int, units: int, seed: int = 16) -> dict[str, tuple[float, float]]:
    """(wall, CPU) seconds of the per-unit profiles: the old loop and profile_by."""
    import dataclasses

    from surveyq.clean import Responses
    from surveyq.describe import profile, profile_by
    from surveyq.questionnaire import load_questionnaire

    q = load_questionnaire("skm-permenpanrb-14-2017")
    rng = np.random.default_rng(seed)
    fields = pd.DataFrame({
        "gender": rng.choice(["L", "P", None], size=rows, p=[0.5, 0.45, 0.05]),
        "education": rng.choice(["SD", "SMP", "SMA", "D3", "S1", "S2"], size=rows),
        "occupation": rng.choice(["PNS", "TNI/Polri", "Swasta", "Wiraswasta", "Lainnya"],
                                 size=rows)})
    labels = pd.Series(rng.choice([f"Unit {u:03d}" for u in range(units)], size=rows))
    responses = Responses(pd.DataFrame(index=range(rows)), fields, None, q)

    def loop() -> pd.DataFrame:
        frames = []
        for unit in pd.unique(labels.dropna()):
            keep = (labels == unit).to_numpy()
            part = dataclasses.replace(responses, items=responses.items[keep],
                                       fields=responses.fields[keep])
            frames.append(profile(part).assign(unit=unit))
        return pd.concat(frames, ignore_index=True)

    wall_loop, cpu_loop, old = timed(loop)
    wall_now, cpu_now, new = timed(lambda: profile_by(responses, labels, "unit"))
    pd.testing.assert_frame_equal(new, old)
    return {"loop": (wall_loop, cpu_loop), "profile_by": (wall_now, cpu_now)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=float, default=1e6)
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--repool", type=int, default=0, help="units to time the old rest on")
    parser.add_argument("--files", action="store_true",
                        help="also time the rows given as one streamed export per unit")
    parser.add_argument("--profiles", type=float, default=0,
                        help="rows to time the per-unit profiles on (in memory), then stop")
    parser.add_argument("--folder", type=Path,
                        default=Path(tempfile.gettempdir()) / "surveyq-bench-units")
    options = parser.parse_args()
    from surveyq.pipeline import run_project
    from surveyq.units import ikm_units

    if options.profiles:
        print(f"per-unit profiles, {int(options.profiles):,} rows, {options.units} units")
        print("| path | wall s | CPU s |\n|---|---:|---:|")
        for name, (wall, cpu) in profiles(int(options.profiles), options.units).items():
            print(f"| {name} | {wall:.3f} | {cpu:.3f} |")
        return
    rows = int(options.rows)
    options.folder.mkdir(parents=True, exist_ok=True)
    data = write_data(options.folder, rows, options.units)
    projects = write_projects(options.folder, data)
    if options.files:
        projects["files"] = write_unit_files(options.folder, data)
    run_project(projects["grouped"])  # warm-up: imports, caches (untimed)
    times: dict[str, list[tuple[float, float]]] = {
        "ungrouped": [], "grouped": [], **({"files": []} if options.files else {}),
        "figures": []}
    peak: dict[str, float] = {}
    for _ in range(options.repeat):
        for name in ("ungrouped", "grouped", *(["files"] if options.files else [])):
            wall, cpu, run = timed(lambda name=name: run_project(projects[name]))
            times[name].append((wall, cpu))
            peak[name] = _peak_mib()
            if name == "grouped":
                grouped = run.surveys["skm"].stream.unit_moments
                block = run.surveys["skm"].analyses["ikm"]["units"]
            elif name == "files":  # the same figures from the files
                split = run.surveys["skm"].analyses["ikm"]["units"]
                assert run.surveys["skm"].stream is not None, "the unit files were not streamed"
                assert abs(split["aggregate"]["converted"]
                           - block["aggregate"]["converted"]) < 1e-9
                assert len(split["units"]) == len(block["units"])
        wall, cpu, result = timed(lambda grouped=grouped: ikm_units(grouped, None))
        times["figures"].append((wall, cpu))
    sums_mib = options.units * 45 * 2 * 25 * 8 / 2**20
    print(f"{rows:,} rows, {len(block['units'])} units ({data.stat().st_size / 2**20:.0f} MiB "
          f"CSV); grouped sums {sums_mib:.1f} MiB; {options.repeat} repetitions (median)")
    print("| path | wall s | CPU s | x ungrouped (wall) | peak MiB after |")
    print("|---|---:|---:|---:|---:|")
    base = statistics.median(wall for wall, _ in times["ungrouped"])
    for name, values in times.items():
        wall = statistics.median(w for w, _ in values)
        cpu = statistics.median(c for _, c in values)
        print(f"| {name} | {wall:.3f} | {cpu:.3f} | {wall / base:.2f} | "
              f"{peak.get(name, float('nan')):.0f} |")
    if options.repool:
        wall, cpu = repool(data, options.repool)
        print(f"| repool (old rest, per unit) | {wall:.3f} | {cpu:.3f} | | |")
        print(f"| repool x {len(block['units'])} units (extrapolated) | "
              f"{wall * len(block['units']):.1f} | {cpu * len(block['units']):.1f} | | |")
    print(f"aggregate {result.aggregate['converted']:.2f}, units differing from the rest: "
          f"{int((result.units['differs'] != 'no').sum())}")


if __name__ == "__main__":
    main()
