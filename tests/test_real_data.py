"""Reader + cleaner on the real third-party exports in ../shared/real-data.

Expected facts come from ../shared/real-data/README.md (what nobody on the project wrote) and
from values the files carry themselves (the SPSS file's own reversed copies and totals).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import surveyq as sq

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real-data"
QUESTIONNAIRES = Path(__file__).resolve().parent / "questionnaires"

pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason=f"real exports not found at {REAL}")


def read(data: str, questionnaire: str) -> sq.Responses:
    """Read a real export with a test questionnaire (a .yaml here) or a shipped one (an id)."""
    if questionnaire.endswith(".yaml"):
        questionnaire = str(QUESTIONNAIRES / questionnaire)
    return sq.read_responses(REAL / data, questionnaire)


def reasons(resp: sq.Responses) -> dict[str, int]:
    return resp.log.to_frame()["reason"].value_counts().to_dict()


def accounting_adds_up(resp: sq.Responses) -> bool:
    record = resp.log.row_accounting().iloc[0]
    excluded = record.drop(["file", "rows_in_file", "rows_kept"]).sum()
    return record["rows_in_file"] == record["rows_kept"] + excluded


def test_google_forms_indonesian_labels_without_neutral_option():
    resp = read("gforms-id-qris-likert.csv", "gforms-qris.yaml")
    # README: 55 responses, every field quoted, no empty cells; the agreement answers are
    # Sangat Setuju / Setuju / Tidak Setuju / Sangat Tidak Setuju: all labels, none unknown.
    assert resp.n == 55 and accounting_adds_up(resp)
    assert "unknown_label" not in reasons(resp) and "missing_answer" not in reasons(resp)
    assert resp.items.notna().all().all()
    assert resp.timestamps.iloc[0] == "2023/09/26 3:12:17 PM GMT+7"


def test_korean_servqual_in_cp949_drops_the_four_profile_only_rows():
    resp = read("servqual-kiosk-ko-cp949.csv", "kiosk-servqual-ko.yaml")
    # README: 211 rows; four rows are blank except 5 profile columns; 24 E and 24 P items 1-7.
    assert reasons(resp)["no_answers"] == 4 and resp.n == 207 and accounting_adds_up(resp)
    assert resp.items.shape[1] == 48
    codes = resp.items.to_numpy()
    assert np.isin(codes[~np.isnan(codes)], np.arange(1, 8)).all()
    assert set(resp.fields["gender"].dropna()) == {"여", "남"}


def test_excel_semicolon_cp1252_resave():
    resp = read("excel-semicolon-cp1252-navigation.csv", "navigation-cp1252.yaml")
    # README: 33 respondents, 9 items on 1-5, en dashes as byte 0x96 in the age bands.
    assert resp.log.row_accounting().iloc[0]["rows_in_file"] == 33 and accounting_adds_up(resp)
    assert resp.items.shape[1] == 9
    assert any("–" in str(v) for v in resp.fields.iloc[:, 0])


def test_employee_survey_reverse_keys_the_negatively_worded_items():
    resp = read("employee-ceklok-kuisioner.csv", "ceklok-employee.yaml")
    raw = sq.read_raw(REAL / "employee-ceklok-kuisioner.csv").frame
    # README: 52 respondents, 1-5, X1.4 is negatively worded: x' = 6 - x.
    assert resp.n == 52 and accounting_adds_up(resp)
    assert resp.questionnaire.item("X1.4").reverse
    np.testing.assert_array_equal(
        resp.items["X1.4"].to_numpy(), 6 - raw["X1.4"].astype(float).to_numpy()
    )
    # Rows Y and Z have identical answers but are different people (initials differ): both kept.
    assert "duplicate_row" not in reasons(resp)


@pytest.mark.parametrize(
    ("questionnaire", "reversed_items"),
    [
        ("pallant-optimism.yaml", ["op2", "op4", "op6"]),
        ("pallant-stress.yaml", ["pss4", "pss5", "pss7", "pss8"]),
    ],
)
def test_spss_reverse_keying_matches_the_files_own_reversed_copies(questionnaire, reversed_items):
    resp = read("spss-pallant-survey.sav", questionnaire)
    raw = sq.read_raw(REAL / "spss-pallant-survey.sav").frame.set_axis(range(1, 440), axis=0)
    assert accounting_adds_up(resp) and resp.log.row_accounting().iloc[0]["rows_in_file"] == 439
    for name in reversed_items:
        item = next(i.id for i in resp.questionnaire.items if name in i.header_candidates)
        spss_reversed = raw.loc[resp.items.index, f"R{name}"].astype(float)
        np.testing.assert_array_equal(resp.items[item].to_numpy(), spss_reversed.to_numpy())


def test_spss_optimism_items_sum_to_the_files_total():
    resp = read("spss-pallant-survey.sav", "pallant-optimism.yaml")
    raw = sq.read_raw(REAL / "spss-pallant-survey.sav").frame.set_axis(range(1, 440), axis=0)
    complete = resp.items.dropna()
    # toptim is Pallant's total optimism, computed in SPSS from op1, Rop2, op3, Rop4, op5, Rop6.
    np.testing.assert_allclose(
        complete.sum(axis=1), raw.loc[complete.index, "toptim"].astype(float)
    )
    # Every missing answer of a kept respondent is one log entry (README: 3-6 missing per item).
    log = resp.log.to_frame()
    kept = log[log["reason"].eq("missing_answer") & log["row"].isin(resp.items.index)]
    assert len(kept) == int(resp.items.isna().sum().sum())


def test_office_tabulation_with_summary_rows_reads_five_respondents():
    resp = read("skm-14unsur-tabulation-TESTDATA.xlsx", "ikm-kep25-2004")
    # README: 5 respondent rows (6-10), summary rows 13-16 (Keterangan, Semua Nilai Unsur,
    # NRR / Unsur, NRR Tertimbang / Unsur) whose No column holds 4, 3, 2, 1.
    assert resp.items.index.tolist() == [6, 7, 8, 9, 10]
    log = resp.log.to_frame()
    summary_rows = set(log.loc[log["reason"] == "summary_row", "row"])
    assert {13, 14, 15, 16} <= summary_rows
    assert accounting_adds_up(resp)
    assert resp.items.shape[1] == 14
