"""Generate the surveyq demo data for a fictitious office, "Kantor Pelayanan Perizinan Terpadu
Kota Contoh" (KPPT Kota Contoh): a customer SERVQUAL survey, SKM surveys for 2025 and 2024 and
an employee satisfaction survey, plus the two demo questionnaire copies.

    python questionnaires/demo/make_demo.py            # rewrite the committed files
    python questionnaires/demo/make_demo.py --out DIR  # write them elsewhere (tests compare)

Answers come from a latent-trait model: every respondent has a general latent satisfaction
theta (expectation and perception latents correlated) and one factor per dimension, every item
a loading on each and an offset, and a normal latent answer is cut at fixed thresholds into the
scale points. Item offsets are solved
so that each item's expected mean hits a target taken from the papers (Heitasari et al. Tabel 5 and
Tabel 8, shifted so that expectations exceed perceptions for most items), so items correlate
the way real answers do. Everything is seeded: the output is byte-identical on every run with
the same numpy, openpyxl and zlib (the XLSX files have fixed document and zip timestamps).

Planted flaws (the cleaning log must catch each one; README.md lists the same). Rows are as a
person opening the file sees them: CSV header = row 1; XLSX = the sheet row.

customer-2025.csv (Google Forms CSV, UTF-8, label answers)
  C1  row 44: exact duplicate of row 43, every column including "Stempel waktu"
  C2  row 20, "Kenyataan [Kecepatan petugas dalam melayani]": label typo "Setju"
  C3  row 77, "Harapan [Kebersihan ruang layanan dan toilet]": label typo "Sangat Setuju sekali"
  C4  missing answers (empty cells): row 31 "Kenyataan [Kejelasan informasi persyaratan dan
      prosedur]", row 98 "Harapan [Kesopanan petugas layanan]", row 120 "Kenyataan [Jam
      layanan yang sesuai dengan kebutuhan pengguna jasa]"
employee-2025.csv (semicolon CSV, UTF-8 with BOM, CRLF, codes 1..5)
  E1  row 25: completely empty row (separators only)
  E2  row 63: respondent id "PG-018" again (first at row 19), a resubmission with other answers
  E3  out-of-range codes: row 12 "P5" = 6; row 40 "H9" = 0
  E4  missing answers: row 33 "P8", row 50 "H2"
  E5  "P13" is reverse-worded (all rows): answers generated reversed; the demo questionnaire
      employee-satisfaction-demo.yaml flags it reverse: true
skm-2025.xlsx (office tabulation, codes 1..4; title rows 1-2, header row 4, data rows 5-405)
  S1  rows 407-410: summary rows JUMLAH, NRR / Unsur, NRR Tertimbang, IKM (row 406 blank);
      their values are the office's: they include the out-of-range code and use weight 0.111
  S2  row 150: completely empty row inside the data
  S3  row 88, "U3": out-of-range code 5 on the 1-4 scale
  S4  missing answers: row 60 "U5", row 203 "U8", row 311 "U2", row 377 "U9"
skm-2024.xlsx (same layout; data rows 5-354)
  S5  rows 356-359: summary rows (row 355 blank)
  S6  missing answers: row 41 "U4", row 260 "U7"
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import math
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

HERE = Path(__file__).resolve().parent
SHIPPED = HERE.parent
SEED = 20250312
FIXED_TIME = dt.datetime(2025, 12, 31, 16, 0, 0)
ZIP_TIME = (2025, 12, 31, 16, 0, 0)
OFFICE = "KANTOR PELAYANAN PERIZINAN TERPADU KOTA CONTOH"

CUTS5 = np.array([-1.6, -0.8, 0.0, 0.9])  # latent thresholds between the 5 agreement points
CUTS4 = np.array([-1.8, -0.8, 0.8])  # ... between the 4 SKM points

SERVICES = [
    "Izin Usaha",
    "Persetujuan Bangunan Gedung (PBG)",
    "Izin Reklame",
    "Izin Praktik Tenaga Kesehatan",
]
SERVICE_P = [0.40, 0.25, 0.15, 0.20]
SERVICE_SHIFT = np.array([0.10, -0.35, 0.05, 0.15])  # latent shift per service type

# Heitasari et al. Tabel 5 (customer) and Tabel 8 (employee): perception and expectation means.
SEED2_CUSTOMER_P = [4.3, 4.4, 4.42, 4.7, 4.43, 4.49, 4.4, 4.55, 4.77, 4.53,
                    4.49, 4.32, 4.4, 4.4, 4.63, 4.52, 4.4, 4.46, 4.3, 4.21]
SEED2_CUSTOMER_E = [4.2, 4.3, 4.34, 4.4, 4.48, 4.46, 4.68, 4.4, 4.66, 4.59,
                    4.59, 4.78, 4.56, 4.73, 4.72, 4.67, 4.58, 4.62, 4.5, 4.71]
SEED2_EMPLOYEE_P = [4.39, 4.52, 4.28, 4.42, 4.30, 4.40, 4.36, 4.46, 4.30, 4.48, 4.38, 4.46,
                    4.31, 4.58]
SEED2_EMPLOYEE_E = [4.40, 4.53, 4.30, 4.40, 4.33, 4.44, 4.38, 4.48, 4.36, 4.53, 4.36, 4.42,
                    4.32, 4.56]
# SKM NRR targets per element U1..U9 (2025); 2024 is SKM_2024_SHIFT lower.
SKM_TARGETS = [3.30, 3.25, 3.10, 3.55, 3.30, 3.35, 3.45, 3.05, 3.20]
SKM_2024_SHIFT = 0.12
# Customer satisfaction items K1..K4 (the regression's Y): text, target mean.
SATISFACTION_ITEMS = [
    ("K1", "Saya puas dengan layanan kantor ini", "I am satisfied with this office's service",
     3.95),
    ("K2", "Layanan yang saya terima sesuai dengan harapan saya",
     "The service I received met my expectations", 3.85),
    ("K3", "Saya akan merekomendasikan layanan ini kepada orang lain",
     "I would recommend this service to others", 3.90),
    ("K4", "Saya akan kembali menggunakan layanan kantor ini",
     "I would use this office's service again", 4.00),
]
# How much each perception dimension score drives satisfaction (standardized weights).
SATISFACTION_DRIVERS = {"tangibles": 0.15, "reliability": 0.40, "responsiveness": 0.25,
                        "assurance": 0.10, "empathy": 0.20}


@dataclass(frozen=True)
class Flaw:
    """One planted flaw: file, row as seen when opening the file, column, value, reason code."""

    code: str
    file: str
    row: int
    column: str | None
    value: Any
    reason: str


CUSTOMER_DUPLICATE_ROW = 44
EMPLOYEE_EMPTY_ROW = 25
EMPLOYEE_DUPLICATE_ID = ("PG-018", 19, 63)  # id, first row, resubmission row
SKM_EMPTY_ROW = 150

PLANTED: list[Flaw] = [
    Flaw("C1", "customer-2025.csv", 44, None, "copy of row 43", "duplicate_row"),
    Flaw("C2", "customer-2025.csv", 20, "Kenyataan [Kecepatan petugas dalam melayani]",
         "Setju", "unknown_label"),
    Flaw("C3", "customer-2025.csv", 77, "Harapan [Kebersihan ruang layanan dan toilet]",
         "Sangat Setuju sekali", "unknown_label"),
    Flaw("C4", "customer-2025.csv", 31,
         "Kenyataan [Kejelasan informasi persyaratan dan prosedur]", "", "missing_answer"),
    Flaw("C4", "customer-2025.csv", 98, "Harapan [Kesopanan petugas layanan]", "",
         "missing_answer"),
    Flaw("C4", "customer-2025.csv", 120,
         "Kenyataan [Jam layanan yang sesuai dengan kebutuhan pengguna jasa]", "",
         "missing_answer"),
    Flaw("E1", "employee-2025.csv", 25, None, "", "blank_row"),
    Flaw("E2", "employee-2025.csv", 63, "ID Responden", "PG-018", "duplicate_id"),
    Flaw("E3", "employee-2025.csv", 12, "P5", "6", "out_of_range"),
    Flaw("E3", "employee-2025.csv", 40, "H9", "0", "out_of_range"),
    Flaw("E4", "employee-2025.csv", 33, "P8", "", "missing_answer"),
    Flaw("E4", "employee-2025.csv", 50, "H2", "", "missing_answer"),
    Flaw("E5", "employee-2025.csv", 0, "P13", "reverse-worded", "reverse_keyed"),
    Flaw("S1", "skm-2025.xlsx", 407, "No", "JUMLAH", "summary_row"),
    Flaw("S1", "skm-2025.xlsx", 408, "No", "NRR / Unsur", "summary_row"),
    Flaw("S1", "skm-2025.xlsx", 409, "No", "NRR Tertimbang", "summary_row"),
    Flaw("S1", "skm-2025.xlsx", 410, "No", "IKM", "summary_row"),
    Flaw("S2", "skm-2025.xlsx", SKM_EMPTY_ROW, None, None, "blank_row"),
    Flaw("S3", "skm-2025.xlsx", 88, "U3", 5, "out_of_range"),
    Flaw("S4", "skm-2025.xlsx", 60, "U5", None, "missing_answer"),
    Flaw("S4", "skm-2025.xlsx", 203, "U8", None, "missing_answer"),
    Flaw("S4", "skm-2025.xlsx", 311, "U2", None, "missing_answer"),
    Flaw("S4", "skm-2025.xlsx", 377, "U9", None, "missing_answer"),
    Flaw("S5", "skm-2024.xlsx", 356, "No", "JUMLAH", "summary_row"),
    Flaw("S5", "skm-2024.xlsx", 357, "No", "NRR / Unsur", "summary_row"),
    Flaw("S5", "skm-2024.xlsx", 358, "No", "NRR Tertimbang", "summary_row"),
    Flaw("S5", "skm-2024.xlsx", 359, "No", "IKM", "summary_row"),
    Flaw("S6", "skm-2024.xlsx", 41, "U4", None, "missing_answer"),
    Flaw("S6", "skm-2024.xlsx", 260, "U7", None, "missing_answer"),
]

CUSTOMER_SUGGESTIONS_LOW = [
    "Antrean terlalu lama, mohon ditambah petugas loket.",
    "Waktu penyelesaian sering tidak sesuai janji.",
    "Petugas kurang ramah saat jam sibuk.",
    "Informasi persyaratan di website belum diperbarui.",
    "Ruang tunggu panas, AC sering mati.",
    "Mohon jam layanan diperpanjang sampai sore.",
    "Toilet kurang bersih.",
    "Status permohonan susah dipantau, tolong ada notifikasi lewat WA.",
    "Berkas saya harus bolak-balik diperbaiki karena info awal tidak lengkap.",
]
CUSTOMER_SUGGESTIONS_HIGH = [
    "Pelayanan sudah baik, pertahankan.",
    "Petugas ramah dan membantu. Terima kasih.",
    "Sudah cepat, semoga bisa lebih cepat lagi.",
    "Mantap, prosesnya jelas.",
    "Tambah kursi di ruang tunggu.",
    "Parkir motor kurang luas.",
    "Sebaiknya ada layanan konsultasi online.",
    "Terima kasih, pelayanan memuaskan.",
]
SKM_SUGGESTIONS = [
    "Pelayanan sudah baik.",
    "Antrean PBG terlalu lama.",
    "Mohon persyaratan ditempel di papan informasi.",
    "Sistem OSS sering gangguan.",
    "Petugas ramah, terima kasih.",
    "Perlu ruang tunggu yang lebih nyaman.",
    "Kotak pengaduan tidak jelas tindak lanjutnya.",
    "Biaya retribusi PBG mohon dijelaskan lebih rinci.",
    "Pertahankan.",
    "Tolong tambah loket pada hari Senin.",
]


# ---------------------------------------------------------------------------------------------
# Latent-trait model
# ---------------------------------------------------------------------------------------------


def normal_cdf(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def expected_point(offset: float, cuts: np.ndarray) -> float:
    """Mean answer (points 1..k) when the latent answer is N(offset, 1) cut at ``cuts``."""
    return 1.0 + sum(normal_cdf(offset - c) for c in cuts)


def solve_offset(target: float, cuts: np.ndarray) -> float:
    """The latent offset whose expected answer is ``target`` (bisection)."""
    low, high = -6.0, 6.0
    for _ in range(60):
        mid = (low + high) / 2
        if expected_point(mid, cuts) < target:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def draw_answers(
    rng: np.random.Generator,
    theta: np.ndarray,
    targets: Sequence[float],
    loadings: np.ndarray,
    cuts: np.ndarray,
    shift: np.ndarray | None = None,
    groups: Sequence[str] | None = None,
    specific: float = 0.0,
) -> np.ndarray:
    """Ordinal answers (n x k, points 1..len(cuts)+1) from latent theta (n,).

    latent_ij = offset_j + shift_ij + loading_j * theta_i + specific * g_i,group(j)
                + sqrt(1 - loading_j^2 - specific^2) * e_ij,
    with theta, g (one factor per dimension) and e standard normal, so each latent answer is
    N(offset_j, 1) before the shift; items of one dimension share g and correlate more.
    """
    offsets = np.array([solve_offset(t, cuts) for t in targets])
    latent = offsets + np.outer(theta, loadings)
    unique = 1 - loadings**2
    if groups is not None:
        names = sorted(set(groups))
        factors = rng.standard_normal((theta.size, len(names)))
        latent = latent + specific * factors[:, [names.index(g) for g in groups]]
        unique = unique - specific**2
    latent = latent + np.sqrt(unique) * rng.standard_normal((theta.size, len(targets)))
    if shift is not None:
        latent = latent + shift
    return 1 + np.searchsorted(cuts, latent)


def correlated(rng: np.random.Generator, theta: np.ndarray, rho: float) -> np.ndarray:
    return rho * theta + math.sqrt(1 - rho**2) * rng.standard_normal(theta.size)


def choose(
    rng: np.random.Generator, options: Sequence[str], p: Sequence[float], n: int
) -> list[str]:
    return [options[i] for i in rng.choice(len(options), size=n, p=np.asarray(p) / sum(p))]


# ---------------------------------------------------------------------------------------------
# Shipped questionnaires -> demo copies
# ---------------------------------------------------------------------------------------------


def shipped(qid: str) -> dict[str, Any]:
    return yaml.safe_load((SHIPPED / f"{qid}.yaml").read_text(encoding="utf-8"))


def grid_header(item: dict[str, Any]) -> str:
    """Google Forms grid header "Title [Row]" for an expectation/perception item."""
    title = "Harapan" if item["role"] == "expectation" else "Kenyataan"
    return f"{title} [{item['text']['id']}]"


def customer_questionnaire() -> dict[str, Any]:
    q = shipped("servqual-customer-20")
    q["id"] = "customer-servqual-demo"
    q["title"] = {
        "id": "Survei Kualitas Layanan Pengguna Jasa KPPT Kota Contoh 2025",
        "en": "KPPT Kota Contoh customer service quality survey 2025",
    }
    q["source"] = "Demo copy of servqual-customer-20.yaml with Google Forms grid headers."
    for item in q["items"]:
        item["column"] = grid_header(item)
        item.pop("columns", None)
    for code, text_id, text_en, _ in SATISFACTION_ITEMS:  # the thesis's Y variable
        q["items"].append({"id": code, "role": "satisfaction", "scale": "setuju5",
                           "text": {"id": text_id, "en": text_en},
                           "column": f"Kepuasan [{text_id}]"})
    q["source"] += " Satisfaction items K1-K4 added for the regression example."
    return q


def employee_questionnaire() -> dict[str, Any]:
    q = shipped("employee-satisfaction")
    q["id"] = "employee-satisfaction-demo"
    q["title"] = {
        "id": "Survei Kepuasan Pegawai KPPT Kota Contoh 2025",
        "en": "KPPT Kota Contoh employee satisfaction survey 2025",
    }
    q["source"] = "Demo copy of employee-satisfaction.yaml; P13 reworded negatively."
    p13 = next(item for item in q["items"] if item["id"] == "P13")
    p13["text"] = {
        "id": "Ruang kerja saya sempit, panas, dan bising",
        "en": "My workspace is cramped, hot and noisy",
    }
    p13["reverse"] = True
    return q


def dump_questionnaire(q: dict[str, Any], source: str) -> str:
    head = (
        f"# GENERATED by make_demo.py from ../{source}.yaml: do not edit, edit the shipped file\n"
        "# or make_demo.py and rerun it. Differences from the shipped file are set in\n"
        "# make_demo.py (customer_questionnaire / employee_questionnaire).\n"
    )
    body = yaml.safe_dump(
        q, allow_unicode=True, sort_keys=False, width=120, default_flow_style=None
    )
    return head + body


# ---------------------------------------------------------------------------------------------
# Customer survey: Google Forms CSV
# ---------------------------------------------------------------------------------------------


def timestamps(rng: np.random.Generator, n: int, year: int, month: int) -> list[str]:
    """Sorted Indonesian-locale Google Sheets timestamps, office hours, working days."""
    start = dt.datetime(year, month, 3, 8, 0, 0)
    days = [d for d in range(26) if (start + dt.timedelta(days=d)).weekday() < 5]
    picks = sorted(
        start + dt.timedelta(days=int(rng.choice(days)), seconds=int(rng.integers(0, 7 * 3600)))
        for _ in range(n)
    )
    return [
        f"{t.day:02d}/{t.month:02d}/{t.year} {t.hour}:{t.minute:02d}:{t.second:02d}"
        for t in picks
    ]


def customer_rows(q: dict[str, Any], n: int = 150) -> tuple[list[str], list[list[str]]]:
    rng = np.random.default_rng(SEED + 1)
    labels = q["scales"]["setuju5"]["labels"]["id"]
    services = choose(rng, SERVICES, SERVICE_P, n)
    shift = SERVICE_SHIFT[[SERVICES.index(s) for s in services]]
    theta_p = rng.standard_normal(n) + shift
    theta_e = correlated(rng, theta_p - shift, 0.3)
    p_targets = [m - 0.30 for m in SEED2_CUSTOMER_P]
    e_targets = [m - 0.10 for m in SEED2_CUSTOMER_E]
    dims = [i["dimension"] for i in q["items"] if i["role"] == "perception"]
    perception = draw_answers(rng, theta_p, p_targets, rng.uniform(0.5, 0.65, 20), CUTS5,
                              groups=dims, specific=0.5)
    expectation = draw_answers(rng, theta_e, e_targets, rng.uniform(0.5, 0.65, 20), CUTS5,
                               groups=dims, specific=0.5)
    profile = {
        "Jenis Kelamin": choose(rng, ["Laki-laki", "Perempuan"], [0.58, 0.42], n),
        "Usia": choose(rng, ["< 25 tahun", "25-34 tahun", "35-44 tahun", "45-54 tahun",
                             "≥ 55 tahun"], [0.12, 0.33, 0.28, 0.18, 0.09], n),
        "Pendidikan Terakhir": choose(rng, ["SMA/SMK", "Diploma (D1-D3)", "Sarjana (D4/S1)",
                                            "Pascasarjana (S2/S3)"], [0.30, 0.15, 0.45, 0.10], n),
        "Pekerjaan": choose(rng, ["Pegawai swasta", "Wiraswasta", "PNS/TNI/Polri",
                                  "Pelajar/Mahasiswa", "Lainnya"],
                            [0.35, 0.35, 0.10, 0.05, 0.15], n),
        "Jenis Layanan": services,
    }
    suggestions = customer_suggestions(rng, perception.mean(axis=1))
    e_items = [i for i in q["items"] if i["role"] == "expectation"]
    p_items = [i for i in q["items"] if i["role"] == "perception"]
    s_items = [i for i in q["items"] if i["role"] == "satisfaction"]
    satisfaction = satisfaction_answers(perception, dims)
    header = ["Stempel waktu", *profile, *(grid_header(i) for i in e_items),
              *(grid_header(i) for i in p_items), *(i["column"] for i in s_items),
              "Kritik dan Saran"]
    stamps = timestamps(rng, n, 2025, 3)
    rows = [
        [stamps[r], *(profile[k][r] for k in profile),
         *(labels[c - 1] for c in expectation[r]), *(labels[c - 1] for c in perception[r]),
         *(labels[c - 1] for c in satisfaction[r]), suggestions[r]]
        for r in range(n)
    ]
    return header, rows


def satisfaction_answers(perception: np.ndarray, dims: list[str]) -> np.ndarray:
    """K1-K4 from the perception dimension scores, with their own generator so the other
    answers stay as they were: theta = standardized weighted sum of the standardized
    dimension means (weights SATISFACTION_DRIVERS), each item loading 0.7 on it."""
    rng = np.random.default_rng(SEED + 5)
    drive = np.zeros(perception.shape[0])
    for dimension, weight in SATISFACTION_DRIVERS.items():
        score = perception[:, [d == dimension for d in dims]].mean(axis=1)
        drive += weight * (score - score.mean()) / score.std()
    theta = (drive - drive.mean()) / drive.std()
    targets = [target for *_, target in SATISFACTION_ITEMS]
    return draw_answers(rng, theta, targets, np.full(len(targets), 0.7), CUTS5)


def customer_suggestions(rng: np.random.Generator, mean_p: np.ndarray) -> list[str]:
    """About a third write something; unhappier respondents write complaints."""
    out = []
    for m in mean_p:
        if rng.random() > 0.35:
            out.append("")
        elif m < 3.9:
            out.append(str(rng.choice(CUSTOMER_SUGGESTIONS_LOW)))
        else:
            out.append(str(rng.choice(CUSTOMER_SUGGESTIONS_HIGH)))
    return out


def plant_cells(header: list[str], rows: list[list[Any]], file: str, first_row: int) -> None:
    """Write the cell flaws of ``file`` into ``rows`` (rows[0] is sheet/file row first_row)."""
    cell_reasons = {"missing_answer", "unknown_label", "out_of_range"}
    for flaw in PLANTED:
        if flaw.file == file and flaw.column in header and flaw.reason in cell_reasons:
            rows[flaw.row - first_row][header.index(flaw.column)] = flaw.value


def write_customer(out: Path, q: dict[str, Any]) -> None:
    header, rows = customer_rows(q)
    dup = CUSTOMER_DUPLICATE_ROW
    rows.insert(dup - 2, list(rows[dup - 3]))
    plant_cells(header, rows, "customer-2025.csv", 2)
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    (out / "customer-2025.csv").write_bytes(buffer.getvalue().encode("utf-8"))


# ---------------------------------------------------------------------------------------------
# Employee survey: semicolon CSV as saved by Indonesian-locale Excel
# ---------------------------------------------------------------------------------------------


TENURE = ["< 5 tahun", "5-10 tahun", "11-20 tahun", "> 20 tahun"]
TENURE_BY_AGE = {  # age band -> probabilities of the tenure bands
    "< 30": [0.7, 0.3, 0.0, 0.0],
    "30-39": [0.2, 0.5, 0.3, 0.0],
    "40-49": [0.05, 0.25, 0.5, 0.2],
    ">= 50": [0.0, 0.1, 0.4, 0.5],
}


def employee_rows(n: int = 60) -> tuple[list[str], list[list[str]]]:
    rng = np.random.default_rng(SEED + 2)
    theta_p = rng.standard_normal(n + 1)  # the last one is the resubmitting respondent's
    theta_e = correlated(rng, theta_p, 0.4)
    p_targets = [m - 0.45 for m in SEED2_EMPLOYEE_P]
    p_targets[12] = 3.5  # I13 Kenyamanan: the workspace is the office's sore point
    e_targets = [m - 0.10 for m in SEED2_EMPLOYEE_E]
    p_load, e_load = rng.uniform(0.5, 0.65, 14), rng.uniform(0.5, 0.65, 14)
    dims = [i["dimension"] for i in shipped("employee-satisfaction")["items"]
            if i["role"] == "perception"]
    perception = draw_answers(rng, theta_p, p_targets, p_load, CUTS5, groups=dims, specific=0.6)
    expectation = draw_answers(rng, theta_e, e_targets, e_load, CUTS5, groups=dims, specific=0.6)
    perception[:, 12] = 6 - perception[:, 12]  # P13 is worded negatively (E5)
    gender = choose(rng, ["L", "P"], [0.55, 0.45], n)
    age = choose(rng, list(TENURE_BY_AGE), [0.2, 0.35, 0.3, 0.15], n)
    tenure = [choose(rng, TENURE, TENURE_BY_AGE[a], 1)[0] for a in age]
    unit = choose(rng, ["Front Office", "Back Office", "Pengaduan", "Tata Usaha"],
                  [0.35, 0.35, 0.1, 0.2], n)
    header = ["No", "ID Responden", "Jenis Kelamin", "Usia", "Masa Kerja", "Unit Kerja",
              *(f"P{k}" for k in range(1, 15)), *(f"H{k}" for k in range(1, 15))]
    dup_id, first_row, _ = EMPLOYEE_DUPLICATE_ID
    pool = [k for k in range(1, 76) if f"PG-{k:03d}" != dup_id]  # 75 staff, ids PG-001..PG-075
    ids = [f"PG-{k:03d}" for k in rng.permutation(pool)[:n]]
    ids[first_row - 2] = dup_id
    rows = [
        ["", ids[r], gender[r], age[r], tenure[r], unit[r],
         *map(str, perception[r]), *map(str, expectation[r])]
        for r in range(n)
    ]
    rows.append([""] + rows[first_row - 2][1:6]
                + [*map(str, perception[n]), *map(str, expectation[n])])
    return header, rows


def write_employee(out: Path) -> None:
    header, rows = employee_rows()
    rows.insert(EMPLOYEE_EMPTY_ROW - 2, [""] * len(header))
    number = 0
    for row in rows:
        if any(row[1:]):
            number += 1
            row[0] = str(number)
    plant_cells(header, rows, "employee-2025.csv", 2)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    (out / "employee-2025.csv").write_bytes(buffer.getvalue().encode("utf-8-sig"))


# ---------------------------------------------------------------------------------------------
# SKM: office tabulation workbook with summary rows
# ---------------------------------------------------------------------------------------------

SKM_HEADER = ["No", "Jenis Kelamin", "Usia", "Pendidikan", "Pekerjaan", "Jenis Layanan",
              *(f"U{k}" for k in range(1, 10)), "Saran"]


def skm_rows(year: int, n: int, seed: int) -> list[list[Any]]:
    rng = np.random.default_rng(seed)
    services = choose(rng, SERVICES, SERVICE_P, n)
    kind = np.array([SERVICES.index(s) for s in services])
    theta = rng.standard_normal(n) + SERVICE_SHIFT[kind]
    shift = np.zeros((n, 9))
    shift[kind == 1, 3] = -1.2  # U4 biaya: PBG carries a retribution, the others are free
    targets = [t - (SKM_2024_SHIFT if year == 2024 else 0.0) for t in SKM_TARGETS]
    answers = draw_answers(rng, theta, targets, rng.uniform(0.6, 0.78, 9), CUTS4, shift)
    gender = choose(rng, ["L", "P"], [0.56, 0.44], n)
    age = choose(rng, ["17-25 tahun", "26-35 tahun", "36-45 tahun", "46-55 tahun", "> 55 tahun"],
                 [0.15, 0.32, 0.28, 0.17, 0.08], n)
    education = choose(rng, ["SD", "SMP", "SMA", "D1-D3", "D4/S1", "S2", "S3"],
                       [0.03, 0.07, 0.38, 0.12, 0.33, 0.06, 0.01], n)
    job = choose(rng, ["PNS", "TNI", "POLRI", "SWASTA", "WIRAUSAHA", "LAINNYA"],
                 [0.08, 0.02, 0.02, 0.33, 0.40, 0.15], n)
    saran = [str(rng.choice(SKM_SUGGESTIONS)) if rng.random() < 0.15 else None for _ in range(n)]
    return [
        [r + 1, gender[r], age[r], education[r], job[r], services[r],
         *(int(a) for a in answers[r]), saran[r]]
        for r in range(n)
    ]


def excel_summary(rows: list[list[Any]]) -> list[tuple[str, list[float]]]:
    """The office's summary rows, computed as its spreadsheet does (SUM/AVERAGE of numbers)."""
    weight = 0.111  # as offices print 1/9 (docs/methods.md section 6: never mix modes)
    sums, nrr = [], []
    for k in range(6, 15):
        values = [row[k] for row in rows if isinstance(row[k], int)]
        sums.append(float(sum(values)))
        nrr.append(round(sum(values) / len(values), 4))
    weighted = [round(v * weight, 4) for v in nrr]
    return [
        ("JUMLAH", sums),
        ("NRR / Unsur", nrr),
        ("NRR Tertimbang", weighted),
        ("IKM", [round(sum(weighted) * 25, 2)]),
    ]


def write_skm(out: Path, year: int, n: int, seed: int, empty_row: int | None) -> None:
    file = f"skm-{year}.xlsx"
    rows = skm_rows(year, n, seed)
    first_data = 5
    if empty_row is not None:
        rows.insert(empty_row - first_data, [None] * len(SKM_HEADER))
        number = 0
        for row in rows:
            if row[1] is not None:
                number += 1
                row[0] = number
    plant_cells(SKM_HEADER, rows, file, first_data)
    wb = Workbook()
    ws = wb.active
    ws.title = f"SKM {year}"
    last = get_column_letter(len(SKM_HEADER))
    for r, text in ((1, "SURVEI KEPUASAN MASYARAKAT"), (2, f"{OFFICE} - TAHUN {year}")):
        ws.cell(r, 1, text).font = Font(bold=True, size=12)
        ws.cell(r, 1).alignment = Alignment(horizontal="center")
        ws.merge_cells(f"A{r}:{last}{r}")
    for c, name in enumerate(SKM_HEADER, 1):
        ws.cell(4, c, name).font = Font(bold=True)
    for r, row in enumerate(rows, first_data):
        for c, value in enumerate(row, 1):
            if value is not None:
                ws.cell(r, c, value)
    summary_start = first_data + len(rows) + 1
    for r, (label, values) in enumerate(excel_summary(rows), summary_start):
        ws.cell(r, 1, label).font = Font(bold=True)
        ws.merge_cells(f"A{r}:F{r}")
        for c, value in enumerate(values, 7):
            ws.cell(r, c, value)
    for c, width in enumerate([6, 13, 13, 11, 12, 32, *[5] * 9, 40], 1):
        ws.column_dimensions[get_column_letter(c)].width = width
    save_reproducible(wb, out / file)


def save_reproducible(wb: Workbook, path: Path) -> None:
    """Save with fixed document properties and zip timestamps, so reruns are byte-identical."""
    wb.properties.creator = "surveyq make_demo.py"
    wb.properties.lastModifiedBy = "surveyq make_demo.py"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    raw = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()
    fixed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, \
            zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            dst.writestr(member, src.read(info.filename))
    path.write_bytes(fixed.getvalue())


# ---------------------------------------------------------------------------------------------


def generate(out: Path) -> list[Path]:
    """Write every demo file into ``out``; returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    customer_q = customer_questionnaire()
    employee_q = employee_questionnaire()
    (out / "customer-servqual-demo.yaml").write_text(
        dump_questionnaire(customer_q, "servqual-customer-20"), encoding="utf-8")
    (out / "employee-satisfaction-demo.yaml").write_text(
        dump_questionnaire(employee_q, "employee-satisfaction"), encoding="utf-8")
    write_customer(out, customer_q)
    write_employee(out)
    write_skm(out, 2025, 400, SEED + 3, SKM_EMPTY_ROW)
    write_skm(out, 2024, 350, SEED + 4, None)
    return [out / name for name in GENERATED]


GENERATED = [
    "customer-servqual-demo.yaml",
    "employee-satisfaction-demo.yaml",
    "customer-2025.csv",
    "employee-2025.csv",
    "skm-2025.xlsx",
    "skm-2024.xlsx",
]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE, help="output folder (default: here)")
    args = parser.parse_args(argv)
    for path in generate(args.out):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
