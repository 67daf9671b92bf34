"""Issue 16 acceptance: a city-wide SKM export, as a Pemda or ministry exports it, goes
through `surveyq init` and then `surveyq run` on what init wrote (no hand edits), and each
unit's index equals an independent computation by the regulation's formula written out
here (PermenPAN-RB 14/2017: NRR per element = mean of the element's answers, weighted NRR
= NRR x 1/9, IKM = sum of weighted NRR, converted = IKM x 25)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from surveyq.cli import app
from surveyq.messages import localise_results
from tests.test_infer import SKM_QUESTIONS

runner = CliRunner()

#: Service units of a city, with unequal sizes; the last three are tiny, and "Kelurahan
#: Sukamaju" answers identically throughout (no spread at all).
UNITS = {
    "Dinas Kependudukan dan Pencatatan Sipil": 180,
    "Dinas Penanaman Modal dan PTSP": 140,
    "RSUD Kota": 120,
    "Puskesmas Cibeunying": 75,
    "Puskesmas Sukajadi": 60,
    "Kecamatan Coblong": 45,
    "Dinas Perhubungan": 38,
    "Samsat Kota": 30,
    "Kantor Pertanahan": 22,
    "Kecamatan Andir": 12,
    "Kelurahan Sukamaju": 3,
    "UPT Pasar Baru": 2,
    "Perpustakaan Daerah": 1,
}
FLAT_UNIT = "Kelurahan Sukamaju"
GENDER = ["Laki-laki", "Perempuan"]
AGE = ["< 25 tahun", "25 - 40 tahun", "41 - 55 tahun", "> 55 tahun"]
EDUCATION = ["SD", "SMP", "SMA/SMK", "D3", "S1", "S2"]
OCCUPATION = ["PNS", "TNI/Polri", "Pegawai Swasta", "Wiraswasta", "Pelajar/Mahasiswa",
              "Lainnya"]


def city_export(path: Path, unit_header: str, seed: int = 16) -> dict[str, np.ndarray]:
    """A Google Forms export of the city's SKM: timestamp, unit, profile, the nine
    questions answered with their Indonesian labels, suggestions. Returns each unit's
    answer codes (1-4, NaN blank) as the test knows them."""
    rng = np.random.default_rng(seed)
    codes: dict[str, np.ndarray] = {}
    rows = []
    for number, (unit, n) in enumerate(UNITS.items()):
        level = rng.uniform(2.2, 3.8)  # units differ; every band can appear
        answers = np.clip(np.rint(rng.normal(level, 0.7, size=(n, 9))), 1, 4)
        if unit == FLAT_UNIT:
            answers[:] = 3
        answers[rng.random(answers.shape) < 0.02] = np.nan  # a few skipped questions
        if unit == FLAT_UNIT:
            answers[:] = 3
        codes[unit] = answers
        for r in range(n):
            day = 1 + (number + r) % 28
            rows.append([f"2026/03/{day:02d} 9:{r % 60:02d}:00 AM GMT+7", unit,
                         GENDER[rng.integers(2)], AGE[rng.integers(4)],
                         EDUCATION[rng.integers(6)], OCCUPATION[rng.integers(6)],
                         *["" if np.isnan(a) else labels[int(a) - 1]
                           for a, (_, labels) in zip(answers[r], SKM_QUESTIONS, strict=True)],
                         ["", "Pelayanan sudah baik", "Antrian terlalu lama"][r % 3]])
    order = rng.permutation(len(rows))  # a form's rows come in time order, units mixed
    header = ["Timestamp", unit_header, "Jenis Kelamin", "Usia", "Pendidikan Terakhir",
              "Pekerjaan", *[text for text, _ in SKM_QUESTIONS], "Kritik dan Saran"]
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(rows[i] for i in order)
    return codes


def by_the_formula(answers: np.ndarray) -> float:
    """Converted IKM by PermenPAN-RB 14/2017, written out: each element's NRR is the mean of
    its answers (blanks left out), each weighted by 1/9, summed, times 25."""
    total = 0.0
    for element in range(9):
        column = [a for a in answers[:, element] if not np.isnan(a)]
        nrr = sum(column) / len(column)
        total += nrr * (1 / 9)
    return total * 25


@pytest.mark.parametrize("unit_header", ["Unit Layanan", "Nama OPD", "Puskesmas", "Kecamatan",
                                         "Satker"])
def test_city_export_through_init_and_run(tmp_path, unit_header):
    export = tmp_path / "skm-kota-2026.csv"
    codes = city_export(export, unit_header)
    made = runner.invoke(app, ["init", str(export), "--out", str(tmp_path / "proj")])
    assert made.exit_code == 0, made.output
    project = (tmp_path / "proj" / "project.yaml").read_text(encoding="utf-8")
    assert "units:" in project and "min_n: 30" in project  # init set up the units section
    assert "#   Kelurahan Sukamaju: 1000" in project        # every unit listed to fill
    ran = runner.invoke(app, ["run", str(tmp_path / "proj" / "project.yaml"),
                              "--out", str(tmp_path / "out")])
    assert ran.exit_code in (0, 1), ran.output
    results = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    survey = next(iter(results["surveys"].values()))
    block = survey["analyses"]["ikm"]["units"]
    assert block.get("error") is None and block["field"] == "unit"
    rows = {row["unit"]: row for row in block["units"]}
    assert set(rows) == set(UNITS)  # every unit, the tiny ones too
    for unit, answers in codes.items():
        row = rows[unit]
        assert row["n"] == UNITS[unit]
        assert row["converted"] == pytest.approx(by_the_formula(answers), abs=1e-9), unit
        assert row["below_min_n"] is (UNITS[unit] < 30), unit
    everyone = np.vstack(list(codes.values()))  # the organisation: every respondent pooled
    assert block["aggregate"]["converted"] == pytest.approx(by_the_formula(everyone))
    assert survey["analyses"]["ikm"]["summary"]["converted"] == pytest.approx(
        by_the_formula(everyone))
    # the unit of identical answers: marked as a small sample, its interval not estimated
    flat = rows[FLAT_UNIT]
    assert flat["converted"] == pytest.approx(75.0) and flat["below_min_n"] is True
    assert flat["no_spread"] is True and flat["low"] is None and flat["high"] is None
    assert flat["p_in_band"] is None
    one = rows["Perpustakaan Daerah"]  # a single respondent: an index, no interval
    assert one["low"] is None and "2 respondents" in one["error"]
    # the reason keeps its code in results.json, so an Indonesian reader gets it in Indonesian
    localised = {row["unit"]: row for row in localise_results(block, "id")["units"]}
    assert localised["Perpustakaan Daerah"]["error"] == (
        "tanpa interval: interval memerlukan sedikitnya 2 responden yang menjawab; hanya ada 1")
    html = (tmp_path / "out" / "skm-publication-units.html").read_text(encoding="utf-8")
    sheet = next(page for page in html.split('<div class="page">')[1:]
                 if f'<div class="unit">{FLAT_UNIT}</div>' in page)
    assert "Tanpa interval: semua responden memberi jawaban yang sama" in sheet
    assert "75,00 sampai 75,00" not in sheet
    assert "tidak dapat ditaksir" in sheet  # nor whether it differs from the rest
    report = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    page = next(part for part in report.split('<div class="unit-page">')[1:]
                if f"<h4>{FLAT_UNIT}</h4>" in part)
    assert "intervalnya tidak dapat ditaksir" in page and "Kurang dari 30 responden" in page
