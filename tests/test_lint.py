"""Tests of surveyq.lint against docs/methods.md example E10 and the rules of docs/methods.md s. 7.

E10's data is Sembiring & Fadli (2016, a student paper) Tabel 5, "Contoh Rancangan Indikator
Kinerja Utama (IKU) dan target capaian KPPBC Tipe Madya Pabean Tanjung Perak", read from the
PDF's text (the text columns and the
number columns are extracted separately; rows are matched in order).
"""

from __future__ import annotations

import pandas as pd
import pytest

from surveyq.errors import InputError
from surveyq.lint import lint_scorecard

K, P, PBI, PP = ("Keuangan / Stakeholder", "Pelanggan", "Proses Bisnis Internal",
                 "Pembelajaran dan Pertumbuhan")
SS_SDM = "Pengembangan dan pembinaan sumber daya manusia"
SS_ORG = "Pengelolaan organisasi yang selaras dengan proses bisnis"
SS_TI = "Pemanfaatan sistem teknologi informasi yang optimal"
SS_ANGGARAN = "Perencanaan dan penyerapan anggaran yang efisien dan efektif"

# perspective, strategic objective, IKU, polarity, target, type, validity weight,
# controllability, controllability weight -- as printed
E10_ROWS = [
    (K, "Pendapatan yang optimal", "Realisasi penerimaan bea dan cukai",
     "Max", "100%", "Exact", 0.50, "Moderate", 0.35),
    (P, "Kepuasan layanan yang tinggi", "Indeks kepuasan layanan",
     "Max", "75", "Exact", 0.50, "Moderate", 0.35),
    (P, "Kepatuhan pengguna jasa yang tinggi", "Persentase jumlah pengguna jasa yang diblokir",
     "Min", "1%", "Proxy", 0.35, "Low", 0.20),
    (P, "Kepatuhan pengguna jasa yang tinggi", "Persentase jumlah SPTNP yang dibayar tepat waktu",
     "Max", "85%", "Proxy", 0.35, "Low", 0.20),
    (PBI, "Pelayanan yang optimal",
     "Realisasi janji pelayanan pemeriksaan fisik barang impor",
     "Max", "70%", "Proxy", 0.35, "Moderate", 0.35),
    (PBI, "Pelayanan yang optimal", "Realisasi janji pelayanan penelitian dokumen impor",
     "Max", "70%", "Proxy", 0.35, "Moderate", 0.35),
    (PBI, "Peningkatan pemahaman pengguna jasa", "Jumlah sosialisasi yang diselenggarakan",
     "Max", "24", "Activity", 0.20, "High", 0.50),
    (PBI, "Peningkatan pemahaman pengguna jasa", "Indeks sosialisasi yang efektif",
     "Max", "75", "Exact", 0.50, "Moderate", 0.35),
    (PBI, "Pengawasan yang efektif", "Persentase keakuratan Nota Hasil Intelijen (NHI)",
     "Max", "50%", "Proxy", 0.35, "Moderate", 0.35),
    (PBI, "Pengawasan yang efektif",
     "Persentase tindak lanjut penyelesaian kasus berdasarkan Nota Pemberitahuan dari internal",
     "Max", "90%", "Proxy", 0.35, "Moderate", 0.35),
    (PBI, "Pengawasan yang efektif",
     "Persentase tindak pidana di bidang kepabeanan dan cukai yang diserahkan ke Kejaksaan",
     "Max", "100%", "Proxy", 0.35, "Moderate", 0.35),
    (PBI, "Pengawasan yang efektif",
     "Persentase pemanfaatan sarana intelijen, penindakan dan penyidikan",
     "Max", "90%", "Proxy", 0.35, "High", 0.50),
    (PP, SS_SDM,
     "Jumlah pelaksanaan Program Pembinaan Keterampilan Pegawai (PPKP) pada tahun 2010",
     "Max", "24", "Activity", 0.20, "High", 0.50),
    (PP, SS_SDM, "Persentase penjatuhan sanksi disiplin",
     "Min", "10%", "Proxy", 0.35, "High", 0.50),
    (PP, SS_ORG, "Jumlah rancangan SOP yang diusulkan ke tingkat pusat",
     "Max", "12", "Proxy", 0.35, "High", 0.50),
    (PP, SS_ORG, "Frekuensi rapat evaluasi kinerja yang dilakukan oleh KPPBC",
     "Max", "12", "Activity", 0.35, "High", 0.50),
    # First row of the table's next page; its objective cell is not repeated there, so it is
    # read as continuing the objective above (the extraction cannot show the cell's span).
    (PP, SS_ORG,
     "Persentase temuan Inspektorat Jenderal (ITJEN) Kementerian Keuangan yang ditindaklanjuti",
     "Max", "90%", "Proxy", 0.35, "Moderate", 0.35),
    (PP, SS_TI, "Persentase jumlah PC yang terhubung dalam jaringan",
     "Max", "90%", "Proxy", 0.35, "High", 0.50),
    (PP, SS_TI, "Jumlah downtime yang terjadi pada tahun 2010",
     "Min", "6", "Activity", 0.35, "Low", 0.20),
    (PP, SS_ANGGARAN, "Tingkat realisasi penyerapan anggaran pada tahun 2010",
     "Max", "85 %", "Proxy", 0.35, "Moderate", 0.35),
]
COLUMNS = ["perspective", "objective", "iku", "polarity", "target", "type", "validity_weight",
           "controllability", "controllability_weight"]
DOWNTIME = "Jumlah downtime yang terjadi pada tahun 2010"
RAPAT = "Frekuensi rapat evaluasi kinerja yang dilakukan oleh KPPBC"


@pytest.fixture
def e10() -> pd.DataFrame:
    return pd.DataFrame(E10_ROWS, columns=COLUMNS)


def test_e10_data_matches_the_seed_counts(e10):
    # E10: 20 IKU; Keuangan 1, Pelanggan 3, PBI 8, PP 8; Exact 3, Proxy 13, Activity 4;
    # Max 17, Min 3
    assert len(e10) == 20
    assert e10["perspective"].value_counts().to_dict() == {PBI: 8, PP: 8, P: 3, K: 1}
    assert e10["type"].value_counts().to_dict() == {"Proxy": 13, "Activity": 4, "Exact": 3}
    assert e10["polarity"].value_counts().to_dict() == {"Max": 17, "Min": 3}


def _codes(findings: pd.DataFrame, code: str) -> pd.DataFrame:
    return findings[findings["code"] == code]


def test_e10_count_is_within_guidance(e10):
    findings = lint_scorecard(e10)
    count = _codes(findings, "iku-count")
    assert count["severity"].tolist() == ["info"]
    assert "within" in count["message"].item()


def test_e10_perspective_proportions(e10):
    shares = _codes(lint_scorecard(e10), "perspective-share")
    # financial 5% (17 points under 22%) and learning & growth 40% (18 over 22%) warn;
    # customer 15% (7 points) and internal process 40% (inside 34-44%) do not
    assert sorted(shares["subject"]) == ["financial", "learning"]
    assert set(shares["severity"]) == {"warning"}
    assert "5%" in shares.loc[shares.subject == "financial", "message"].item()
    assert "40%" in shares.loc[shares.subject == "learning", "message"].item()


def test_e10_downtime_is_a_forbidden_activity_low(e10):
    forbidden = _codes(lint_scorecard(e10), "forbidden-combination")
    assert forbidden["subject"].tolist() == [DOWNTIME]
    assert forbidden["severity"].tolist() == ["error"]


def test_e10_activity_rows_weighted_0_35(e10):
    mismatches = _codes(lint_scorecard(e10), "validity-weight-mismatch")
    assert sorted(mismatches["subject"]) == sorted([RAPAT, DOWNTIME])
    assert set(mismatches["severity"]) == {"warning"}
    # controllability weights are all consistent in the paper's table
    assert _codes(lint_scorecard(e10), "controllability-weight-mismatch").empty


def test_e10_objectives_and_targets(e10):
    findings = lint_scorecard(e10)
    crowded = set(_codes(findings, "objective-iku-count")["subject"])
    assert "Pengawasan yang efektif" in crowded  # 4 IKU, guidance 1-2
    for objective in ("Pendapatan yang optimal", "Kepatuhan pengguna jasa yang tinggi",
                      "Pelayanan yang optimal", SS_SDM, SS_TI, SS_ANGGARAN):
        assert objective not in crowded
    assert _codes(findings, "missing-target").empty


def test_e10_activity_high_only_matters_for_strategy_map_owners(e10):
    plain = _codes(lint_scorecard(e10), "forbidden-combination")
    owner = _codes(lint_scorecard(e10, strategy_map_owner=True), "forbidden-combination")
    assert len(plain) == 1
    # three Activity-High rows: sosialisasi, PPKP, rapat evaluasi kinerja
    assert len(owner) == 4
    assert RAPAT in set(owner["subject"])


def test_errors_come_first(e10):
    severities = lint_scorecard(e10)["severity"].tolist()
    assert severities == sorted(severities, key=["error", "warning", "info"].index)


# --------------------------------------------------------------------------- other rules


def _scorecard(n: int, **extra) -> list[dict]:
    # n IKU spread over the four perspectives in guidance proportions where possible
    names = ["Keuangan", "Pelanggan", "Proses Bisnis Internal", "Proses Bisnis Internal",
             "Pembelajaran dan Pertumbuhan"]
    return [
        {"perspective": names[i % 5], "objective": f"SS{i // 2}", "iku": f"IKU{i}",
         "type": "Proxy", "controllability": "Moderate", "validity_weight": 0.35,
         "target": 100, **extra}
        for i in range(n)
    ]


@pytest.mark.parametrize(
    ("n", "severity"), [(10, "info"), (20, "info"), (25, "info"), (26, "warning"),
                        (30, "warning"), (31, "error")],
)
def test_iku_count_thresholds(n, severity):
    assert _codes(lint_scorecard(_scorecard(n)), "iku-count")["severity"].item() == severity


def test_contract_maxima():
    assert _codes(lint_scorecard(_scorecard(21), contract_level="eselon-2"),
                  "iku-count-contract")["severity"].item() == "error"
    assert _codes(lint_scorecard(_scorecard(20), contract_level="eselon-3"),
                  "iku-count-contract").empty
    assert not _codes(lint_scorecard(_scorecard(11), contract_level="other"),
                      "iku-count-contract").empty
    assert _codes(lint_scorecard(_scorecard(25), contract_level="eselon-1"),
                  "iku-count-contract").empty
    with pytest.raises(InputError, match="contract_level"):
        lint_scorecard(_scorecard(5), contract_level="eselon-4")


def test_proportions_inside_guidance_do_not_warn():
    # 20 IKU: Keuangan 4, Pelanggan 4, PBI 8, PP 4 -> 20% / 20% / 40% / 20%, each within
    # 10 points of about 22% / 22% / 34-44% / 22%
    rows = _scorecard(20)
    assert _codes(lint_scorecard(rows), "perspective-share").empty


def test_exact_high_is_forbidden():
    rows = _scorecard(3)
    rows[0].update(type="Exact", controllability="High", validity_weight=0.5)
    forbidden = _codes(lint_scorecard(rows), "forbidden-combination")
    assert forbidden["subject"].tolist() == ["IKU0"]


def test_missing_targets_and_unknown_values():
    rows = _scorecard(4)
    rows[1]["target"] = None
    rows[2]["target"] = " "
    rows[3]["type"] = "Guess"
    findings = lint_scorecard(rows)
    assert sorted(_codes(findings, "missing-target")["subject"]) == ["IKU1", "IKU2"]
    assert _codes(findings, "type-unknown")["subject"].tolist() == ["IKU3"]


def test_weights_must_sum_to_one_overall_or_per_perspective():
    rows = _scorecard(4)  # perspectives: Keuangan, Pelanggan, PBI, PBI
    for row, weight in zip(rows, [0.3, 0.3, 0.2, 0.1], strict=True):
        row["weight"] = weight
    assert not _codes(lint_scorecard(rows), "weights-sum").empty  # 0.9 overall
    for row, weight in zip(rows, [1.0, 1.0, 0.5, 0.5], strict=True):
        row["weight"] = weight
    assert _codes(lint_scorecard(rows), "weights-sum").empty  # 1 in each perspective
    for row, weight in zip(rows, [25, 25, 30, 20], strict=True):
        row["weight"] = weight
    assert _codes(lint_scorecard(rows), "weights-sum").empty  # 100% overall
    rows[0]["weight"] = None
    assert _codes(lint_scorecard(rows), "missing-weight")["subject"].tolist() == ["IKU0"]


def test_perspective_weights_checked():
    findings = lint_scorecard(_scorecard(4), perspective_weights={"K": 0.3, "P": 0.3, "I": 0.3})
    assert _codes(findings, "weights-sum")["subject"].tolist() == ["perspectives"]


def test_indonesian_column_names_and_unknown_perspectives():
    rows = [{"Perspektif": "Inovasi", "Sasaran Strategis": "SS1", "IKU": "A",
             "Jenis": "Proxy", "Controllability": "Low", "Bobot Validity": 0.35, "Target": 1}]
    findings = lint_scorecard(rows)
    assert _codes(findings, "perspective-unknown")["subject"].tolist() == ["Inovasi"]
    assert _codes(findings, "missing-target").empty
    assert _codes(findings, "validity-weight-mismatch").empty


def test_lint_input_errors():
    with pytest.raises(InputError, match="empty"):
        lint_scorecard([])
    with pytest.raises(InputError, match="'iku' column"):
        lint_scorecard([{"perspective": "Keuangan"}])
    with pytest.raises(InputError, match="DataFrame or a list"):
        lint_scorecard("not a table")


def test_unreadable_numbers_are_findings_not_crashes():
    rows = _scorecard(3)
    rows[0]["validity_weight"] = "0,35"  # comma decimal, as the paper prints it
    rows[1]["validity_weight"] = "n/a"
    for row in rows:
        row["weight"] = "x" if row is rows[2] else 0.5
    findings = lint_scorecard(rows)
    assert _codes(findings, "validity-weight-mismatch").empty  # "0,35" read as 0.35
    assert _codes(findings, "validity-weight-invalid")["subject"].tolist() == ["IKU1"]
    assert _codes(findings, "weight-invalid")["subject"].tolist() == ["IKU2"]


def test_e10_findings_name_type_and_controllability_in_the_document_language(e10):
    from surveyq.messages import translate

    forbidden = _codes(lint_scorecard(e10), "forbidden-combination")["message"].item()
    assert str(forbidden).startswith("type activity with controllability low")
    assert translate(forbidden, "id").startswith("jenis activity dengan tingkat kendali rendah")
