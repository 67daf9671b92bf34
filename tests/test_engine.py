"""The read engine: item columns coded batch by batch, and the log's tallies, counted by hand.

The in-memory run codes the reader's table as one batch, the streamed run codes the file
batch by batch; both must count the same cells and rows, so each case here is coded whole
and cut into batches, and both are checked against counts made by reading the table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from surveyq.clean import clean
from surveyq.coding import ItemRule, distinct_values
from surveyq.engine import BatchCoder
from surveyq.log import Reason
from surveyq.questionnaire import parse_questionnaire
from tests.test_clean import questionnaire, raw_table, row

# Pertanyaan 1..3 on the 1..5 Likert scale of tests/test_clean.py; Q3 is reverse keyed.
TABLE = [
    row("SS", "4", "2"),                      # row 2: 5, 4, 6 - 2 = 4
    row("", "", ""),                          # row 3: no answer at all
    row("9", "Tidak tahu", "x"),              # row 4: out of range, declared missing, unknown
    row("Setuju", "4", "4 (Setuju)"),         # row 5: 4, 4, 6 - 4 = 2
    row("SS", "4", "2"),                      # row 6: the answers of row 2 again
]
#: Kernel codes (1..5 after reverse keying, 0 for no answer), items x rows, read off TABLE.
CODES = np.array([[5, 0, 0, 4, 5], [4, 0, 0, 4, 4], [4, 0, 0, 2, 4]], np.int8)
#: (item position, reason, raw value) -> cells, and the (batch, index) of the first.
CELLS = {
    (0, "missing_answer", ""): 1, (1, "missing_answer", ""): 1, (2, "missing_answer", ""): 1,
    (0, "out_of_range", "9"): 1, (1, "declared_missing", "Tidak tahu"): 1,
    (2, "unknown_label", "x"): 1,
}


def _coder_and_columns(records: list[dict]) -> tuple[BatchCoder, list]:
    q = questionnaire()
    rules = [ItemRule(item.id, item.column, item.scale, q.scale_of(item), item.reverse)
             for item in q.items]
    frame = raw_table(records).frame
    return BatchCoder(rules), [frame[rule.column] for rule in rules]


@pytest.mark.parametrize("cut", [[5], [2, 3], [1, 1, 1, 1, 1]])
def test_batches_code_and_count_what_the_table_holds(cut: list[int]) -> None:
    coder, columns = _coder_and_columns(TABLE)
    start, codes = 0, []
    for sequence, size in enumerate(cut):
        batch = [distinct_values(column.iloc[start:start + size].reset_index(drop=True))
                 for column in columns]
        coded = coder.code(sequence, batch, size)
        codes.append(coded.codes)
        coder.patterns.count(coded.codes[:, coded.answered])
        start += size
    np.testing.assert_array_equal(np.concatenate(codes, axis=1), CODES)
    found = {(cell.item, cell.coded.reason.value, "" if cell.raw is None else str(cell.raw)):
             cell.count for cell in coder.cells.values()}
    assert found == CELLS
    # rows 3 and 4 (data rows 1 and 2) have no valid answer, wherever the cut falls
    first_rows = [sum(cut[:sequence]) + index for sequence, index in coder.blank_rows.samples]
    assert (coder.blank_rows.count, first_rows) == (2, [1, 2])
    # rows 2 and 6 give the same answers: one row repeats one pattern, which two rows share
    assert coder.patterns.summary() == {"identical_answer_rows": 1,
                                        "identical_answer_patterns": 1, "largest_pattern": 2}


def test_the_in_memory_run_logs_every_cell_the_engine_counts() -> None:
    resp = clean(raw_table(TABLE), questionnaire())
    log = resp.log.to_frame()
    cells = log[log["action"].isin(["cell_missing", "cell_set_missing"])]
    assert sorted(zip(cells["reason"], cells["row"], strict=True)) == sorted(
        [("missing_answer", 3)] * 3 + [("out_of_range", 4), ("declared_missing", 4),
                                       ("unknown_label", 4)])
    excluded = log[log["reason"] == Reason.NO_ANSWERS.value]
    assert excluded["row"].tolist() == [3, 4]
    expected = pd.DataFrame(CODES[:, [0, 3, 4]].T.astype(float), columns=["Q1", "Q2", "Q3"],
                            index=pd.Index([2, 5, 6], name="row"))
    pd.testing.assert_frame_equal(resp.items, expected)
    assert resp.duplicates["identical_answer_rows"] == 1


def test_a_scale_wider_than_int8_is_coded_in_memory() -> None:
    """A 0..200 scale (a thermometer rating) has 201 points: int8 kernel codes cannot hold
    them, so the engine codes it as int16; answers, reverse keying and patterns as usual."""
    q = parse_questionnaire({
        "id": "w", "title": {"id": "W", "en": "W"},
        "scales": {"wide": {"points": list(range(201))}},
        "items": [{"id": "T1", "text": {"id": "T1", "en": "T1"}, "scale": "wide",
                   "column": "T1"},
                  {"id": "T2", "text": {"id": "T2", "en": "T2"}, "scale": "wide",
                   "column": "T2", "reverse": True}],
    }, "w.yaml")
    records = [{"T1": "0", "T2": "0"}, {"T1": "200", "T2": "150"}, {"T1": "", "T2": "201"},
               {"T1": "0", "T2": "0"}]
    resp = clean(raw_table(records), q)
    # reverse keying on 0..200: x' = (0 + 200) - x; 201 is out of range; row 4 empty
    assert resp.items["T1"].tolist() == [0.0, 200.0, 0.0]
    assert resp.items["T2"].tolist() == [200.0, 50.0, 200.0]
    assert resp.items.index.tolist() == [2, 3, 5]
    assert resp.duplicates["identical_answer_rows"] == 1
