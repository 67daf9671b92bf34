"""The cleaning log's row-level blocks (CellEntries) say exactly what one entry per cell says."""

import numpy as np
import pandas as pd

from surveyq.log import Action, CellEntries, CleaningLog, LogEntry, Reason, localised
from surveyq.messages import msg, translate

NO_ANSWER = (None, Action.CELL_MISSING, Reason.MISSING_ANSWER, msg("log.item_no_answer", item="U1"))
UNKNOWN = ("Bagus", Action.CELL_SET_MISSING, Reason.UNKNOWN_LABEL, "U1: 'Bagus' is no label")


def _logs() -> tuple[CleaningLog, CleaningLog]:
    """The same entries: cells 3, 5, 9 of column U1 as one block, and as one add() per cell."""
    blocked, plain = CleaningLog(), CleaningLog()
    for log in (blocked, plain):
        log.add("f.csv", None, None, None, Action.NOTED, Reason.ENCODING, "read as UTF-8")
    blocked.add_cells(CellEntries("f.csv", "U1", np.array([3, 5, 9]), np.array([0, 1, 0]),
                                  (NO_ANSWER, UNKNOWN)))
    for row, note in ((3, NO_ANSWER), (5, UNKNOWN), (9, NO_ANSWER)):
        plain.add("f.csv", row, "U1", *note)
    for log in (blocked, plain):
        log.add("f.csv", 7, None, None, Action.ROW_EXCLUDED, Reason.NO_ANSWERS, "no answers")
        log.files["f.csv"] = {"rows_in_file": 10, "rows_kept": 9}
    return blocked, plain


def test_a_block_is_the_entries_it_stands_for():
    blocked, plain = _logs()
    assert len(blocked) == len(plain) == 5
    pd.testing.assert_frame_equal(blocked.to_frame(), plain.to_frame())
    pd.testing.assert_frame_equal(blocked.summary(), plain.summary())
    pd.testing.assert_frame_equal(blocked.row_accounting(), plain.row_accounting())
    # counted by hand: two cells without an answer, one unknown label, one row excluded
    summary = blocked.summary().set_index(["reason", "action"])["count"]
    assert summary[("missing_answer", "cell_missing")] == 2
    assert summary[("unknown_label", "cell_set_missing")] == 1
    assert blocked.row_accounting()["no_answers"].tolist() == [1]
    assert blocked.fatal == []
    assert blocked.entries == plain.entries
    assert [entry.row for entry in blocked.entries] == [None, 3, 5, 9, 7]
    assert blocked.entries[2] == LogEntry("f.csv", 5, "U1", *UNKNOWN)


def test_extend_keeps_the_order_of_blocks_and_entries():
    blocked, plain = _logs()
    merged, expected = CleaningLog(), CleaningLog()
    merged.add("g.csv", None, None, None, Action.NOTED, Reason.FORMAT, "first")
    expected.add("g.csv", None, None, None, Action.NOTED, Reason.FORMAT, "first")
    merged.extend(blocked)
    expected.extend(plain)
    assert merged.entries == expected.entries
    assert merged.files == expected.files
    assert merged == expected


def test_localised_translates_each_message_as_itself():
    """Messages are translated once per object, yet an equal text of another kind (a plain
    string, a message of another code) keeps its own translation."""
    blocked, _ = _logs()
    frame = blocked.to_frame()
    note = NO_ANSWER[3]
    english = str(note)  # equal to the message, but plain text: never translated
    other = msg("log.no_answer")
    frame = pd.concat([frame, pd.DataFrame({"message": pd.Series([english, other], dtype=object)})],
                      ignore_index=True)
    texts = localised(frame, "id")["message"].tolist()
    assert texts == [translate(message, "id") for message in frame["message"]]
    assert texts[1] == texts[3] == "butir U1: tidak dijawab"
    assert texts[5] == english and texts[6] == "tidak dijawab"
