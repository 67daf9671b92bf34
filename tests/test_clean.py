"""The cleaner: column matching, label coding, reverse keying, exclusions and the log."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveyq.clean import clean
from surveyq.io import RawTable
from surveyq.log import CleaningLog
from surveyq.questionnaire import parse_questionnaire

LIKERT5 = {
    "points": [1, 2, 3, 4, 5],
    "labels": {
        "id": ["Sangat tidak setuju", "Tidak setuju", "Netral", "Setuju", "Sangat setuju"],
        "en": ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"],
    },
    "aliases": {1: ["STS"], 2: ["TS"], 3: ["N", "RR"], 4: ["S"], 5: ["SS"]},
    "missing": ["Tidak tahu"],
}


def questionnaire(reverse_q3: bool = True, with_id: bool = False):
    items = [
        {
            "id": f"Q{j}",
            "text": {"id": f"B{j}", "en": f"I{j}"},
            "scale": "likert5",
            "column": f"Pertanyaan {j}",
            "reverse": reverse_q3 and j == 3,
        }
        for j in (1, 2, 3)
    ]
    fields = [
        {
            "id": "gender",
            "kind": "gender",
            "text": {"id": "JK", "en": "Gender"},
            "column": "Jenis Kelamin",
        }
    ]
    if with_id:
        fields.append({"id": "rid", "kind": "id", "text": {"id": "ID", "en": "ID"}, "column": "ID"})
    return parse_questionnaire(
        {
            "id": "t",
            "title": {"id": "T", "en": "T"},
            "scales": {"likert5": LIKERT5},
            "items": items,
            "fields": fields,
        },
        "t.yaml",
    )


def raw_table(records: list[dict], file: str = "responses.csv") -> RawTable:
    frame = pd.DataFrame(records, dtype=object)
    frame = frame.astype(object).where(frame.notna(), None)
    return RawTable(
        frame=frame,
        rows=list(range(2, len(records) + 2)),
        file=file,
        format="csv",
        rows_in_file=len(records),
        log=CleaningLog(),
    )


def row(q1, q2, q3, gender="P", **extra):
    return {
        "Pertanyaan 1": q1,
        "Pertanyaan 2": q2,
        "Pertanyaan 3": q3,
        "Jenis Kelamin": gender,
        **extra,
    }


def entries(resp, reason):
    frame = resp.log.to_frame()
    return frame[frame["reason"] == reason]


def test_labels_aliases_and_codes_become_codes_and_reverse_keying_uses_scale_ends():
    resp = clean(
        raw_table([row("Sangat Setuju", "S", "2"), row("4 (Setuju)", 3, "STS")]), questionnaire()
    )
    # Q3 is reverse-worded on 1..5: x' = (1 + 5) - x, so 2 -> 4 and 1 (STS) -> 5.
    expected = pd.DataFrame(
        {"Q1": [5.0, 4.0], "Q2": [4.0, 3.0], "Q3": [4.0, 5.0]}, index=pd.Index([2, 3], name="row")
    )
    pd.testing.assert_frame_equal(resp.items, expected)
    reversed_entry = entries(resp, "reverse_keyed")
    assert reversed_entry["column"].tolist() == ["Pertanyaan 3"]
    assert "2 answers recoded as 6 - x" in reversed_entry["message"].iloc[0]


def test_unknown_label_names_file_row_column_and_the_fix():
    resp = clean(
        raw_table([row("SS", "S", "S"), row("Sangat setuju sekali", "S", "S")]), questionnaire()
    )
    entry = entries(resp, "unknown_label").iloc[0]
    assert (entry["file"], entry["row"], entry["column"]) == ("responses.csv", 3, "Pertanyaan 1")
    assert entry["raw_value"] == "Sangat setuju sekali"
    assert "'Sangat setuju sekali' is not a label of scale likert5" in entry["message"]
    assert "add it under scales.likert5.aliases" in entry["message"]
    assert math.isnan(resp.items.loc[3, "Q1"])


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("6", "out_of_range"),
        (0, "out_of_range"),
        ("3,5", "non_integer"),
        (2.5, "non_integer"),
        ("Tidak tahu", "declared_missing"),
        ("", "missing_answer"),
        (None, "missing_answer"),
        ("1e400", "non_integer"),
    ],
)
def test_bad_cells_become_missing_with_their_reason(value, reason):
    resp = clean(raw_table([row(value, "S", "S"), row("S", "S", "S")]), questionnaire())
    assert math.isnan(resp.items.loc[2, "Q1"])
    logged = entries(resp, reason)
    assert logged["row"].tolist() == [2] and logged["column"].tolist() == ["Pertanyaan 1"]


def test_missing_item_column_is_fatal_and_extra_column_is_reported():
    records = [{"Pertanyaan 1": "S", "Pertanyaan 2": "S", "Jenis Kelamin": "L", "Catatan": "x"}]
    resp = clean(raw_table(records), questionnaire())
    fatal = resp.log.fatal
    assert len(fatal) == 1 and fatal[0].reason.value == "missing_column"
    assert "item Q3: no column 'Pertanyaan 3'" in fatal[0].message
    assert entries(resp, "extra_column")["column"].tolist() == ["Catatan"]


def test_column_matched_by_two_items_is_fatal():
    q = questionnaire()
    doc = q.model_dump(exclude={"path"})
    doc["items"][1]["column"] = "Pertanyaan 1"
    resp = clean(raw_table([row("S", "S", "S")]), parse_questionnaire(doc, "t.yaml"))
    assert [e.reason.value for e in resp.log.fatal] == ["ambiguous_column"]


def test_rows_without_answers_duplicates_and_ids_are_excluded_and_accounted_for():
    records = [
        row("S", "S", "S", ID="A1"),
        row(None, None, None, ID="A2"),  # profile only: no item answered
        row("S", "S", "S", ID="A1"),  # exact copy of row 2
        row("SS", "TS", "N", ID="A1"),  # same respondent id, other answers
        row("TS", "TS", "TS", ID="A5"),
    ]
    resp = clean(raw_table(records), questionnaire(with_id=True))
    assert resp.items.index.tolist() == [2, 6]
    assert entries(resp, "no_answers")["row"].tolist() == [3]
    duplicate = entries(resp, "duplicate_row")
    assert (
        duplicate["row"].tolist() == [4] and "exact copy of row 2" in duplicate["message"].iloc[0]
    )
    assert entries(resp, "duplicate_id")["row"].tolist() == [5]
    accounting = resp.log.row_accounting().iloc[0]
    excluded = accounting[
        ["blank_row", "summary_row", "duplicate_id", "duplicate_row", "no_answers"]
    ]
    assert accounting["rows_in_file"] == 5 and accounting["rows_kept"] == 2
    assert excluded.sum() + accounting["rows_kept"] == accounting["rows_in_file"]


def test_identical_rows_are_kept_when_the_file_has_only_item_columns():
    records = [{"Pertanyaan 1": "S", "Pertanyaan 2": "S", "Pertanyaan 3": "S"}] * 2
    q = questionnaire()
    doc = q.model_dump(exclude={"path"})
    doc["fields"] = []
    resp = clean(raw_table(records), parse_questionnaire(doc, "t.yaml"))
    assert resp.n == 2
    # Issue 11 point 1: identical answers are counted under their own reason, since they
    # are never a duplicate submission by themselves (was a duplicate_row note).
    assert (
        "cannot be told from double submissions"
        in entries(resp, "identical_answers")["message"].iloc[0]
    )


def test_fields_are_trimmed_text_and_questions_match_ignoring_spacing_and_case():
    records = [
        {
            "  pertanyaan 1 ": "S",
            "PERTANYAAN  2": "S",
            "Pertanyaan 3.": "S",
            "Jenis Kelamin": "  Perempuan  ",
        }
    ]
    resp = clean(raw_table(records), questionnaire())
    assert resp.fields["gender"].tolist() == ["Perempuan"]
    assert resp.log.fatal == []



def test_field_codes_are_the_factorized_field_and_follow_a_changed_column():
    # the breakdowns take a field's codes from the reader's distinct values instead of
    # factorizing the kept labels again; they must be what pandas.factorize gives
    records = [
        row("S", "S", "S", gender=" Perempuan "),
        row(None, None, None, gender="Laki-laki"),  # excluded: the only row of its value
        row("TS", "S", "N", gender=None),
        row("SS", "TS", "N", gender="Ä"),
        row("N", "N", "N", gender="Perempuan"),
        row("S", "N", "S", gender="laki"),
    ]
    resp = clean(raw_table(records), questionnaire(with_id=False))
    codes, uniques = resp.field_codes("gender")
    expected, found = pd.factorize(resp.fields["gender"], sort=True)
    assert np.array_equal(codes, expected) and uniques == list(found)
    assert "Laki-laki" not in uniques and codes.tolist().count(-1) == 1
    assert codes is resp._codes["gender"][2]  # from clean, not factorized again
    resp.fields.loc[resp.fields.index[0], "gender"] = "Zz"  # in place: the codes follow
    codes, uniques = resp.field_codes("gender")
    expected, found = pd.factorize(resp.fields["gender"], sort=True)
    assert np.array_equal(codes, expected) and uniques == list(found) and "Zz" in uniques


cells = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["SS", "S", "N", "TS", "STS", "3,0"]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(cells, cells, cells), min_size=1, max_size=8))
def test_any_cell_is_coded_or_logged_never_a_traceback(table):
    records = [row(a, b, c, gender="L", ID=str(i)) for i, (a, b, c) in enumerate(table)]
    resp = clean(raw_table(records), questionnaire(reverse_q3=False, with_id=True))
    coded = resp.items.to_numpy()
    assert np.isin(coded[~np.isnan(coded)], [1, 2, 3, 4, 5]).all()
    frame = resp.log.to_frame()
    cell_entries = frame[frame["action"].isin(["cell_missing", "cell_set_missing"])]
    kept_rows = set(resp.items.index)
    logged_kept = cell_entries[cell_entries["row"].isin(kept_rows)]
    # every missing cell of a kept respondent is explained by exactly one log entry
    assert len(logged_kept) == int(np.isnan(coded).sum())
    accounting = resp.log.row_accounting().iloc[0]
    assert accounting["rows_kept"] + frame["action"].eq("row_excluded").sum() == len(table)



def test_item_moments_from_the_kernel_codes_equal_the_frame_s():
    """Responses.item_moments reads clean's int8 codes: every sum equals from_frame's, with
    reverse keying, blank and refused cells and an excluded row; a new frame is read itself."""
    import dataclasses

    from surveyq.moments import Moments

    answers = [("4", "2", "5"), ("5", None, "1"), (None, None, None), ("3", "x", "TS"),
               ("2", "Tidak tahu", "3")]
    responses = clean(raw_table([{"Jenis Kelamin": "L", **{f"Pertanyaan {j + 1}": a[j]
                                                           for j in range(3)}}
                                 for a in answers]), questionnaire())
    assert responses._kernel is not None and responses.n == 4  # the blank row excluded
    # by hand: Q3 reverse keyed (6 - x) over its answers 5, 1, 2 ("TS"), 3 -> 1, 5, 4, 3
    assert responses.item_moments(["Q3"], pairwise=False).means().tolist() == [13 / 4]
    for items in (["Q1", "Q2", "Q3"], ["Q3", "Q1"], ["Q2"]):
        for pairwise in (False, True):
            fast = responses.item_moments(items, pairwise=pairwise)
            plain = Moments.from_frame(responses.items[items], pairwise=pairwise)
            for name in (f.name for f in dataclasses.fields(Moments)):
                left, right = getattr(fast, name), getattr(plain, name)
                assert (left is None and right is None) or np.array_equal(left, right), name
    responses.items = responses.items * 0 + 1
    assert responses.item_moments(["Q1"], pairwise=False).means().tolist() == [1.0]
