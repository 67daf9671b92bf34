"""Descriptive tables: answer frequencies per item, respondents' profile, free-text answers.

These are the counts a Laporan SKM and a thesis results chapter print before any index
(frequency distribution per item, karakteristik responden). Means use every available answer
per item (formulas.md section 1); every level of the scale is kept even when nobody chose it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pandas as pd

from surveyq.clean import Responses

if TYPE_CHECKING:
    from surveyq.questionnaire import Questionnaire

FREE_TEXT_KINDS = ("suggestion",)
ID_KINDS = ("id", "name")


def item_frequencies(responses: Responses) -> pd.DataFrame:
    """One row per item: n, mean, sd, missing and the count of each scale point.

    Counts are taken after reverse keying, so for a reverse-worded item a count under point 5
    means the most favourable answer. Columns ``count_1`` ... ``count_<max>`` follow the
    item's own scale; points a scale lacks are left empty.

    >>> import pandas as pd
    >>> from surveyq.questionnaire import load_questionnaire
    >>> from surveyq.clean import Responses
    >>> from surveyq.log import CleaningLog
    >>> q = load_questionnaire("skm-permenpanrb-14-2017")
    >>> items = pd.DataFrame({i.id: [4.0, 3.0, None] for i in q.items})
    >>> fields = pd.DataFrame(index=items.index)
    >>> table = item_frequencies(Responses(items, fields, CleaningLog(), q))
    >>> [int(table.loc["U1", c]) for c in ["n", "missing", "count_1", "count_3", "count_4"]]
    [2, 1, 0, 1, 1]
    >>> float(table.loc["U1", "mean"])
    3.5
    """
    q = responses.questionnaire
    counts = {
        item.id: {
            point: int((responses.items[item.id] == point).sum())
            for point in q.scale_of(item).points
        }
        for item in q.items
    }
    return frequency_table(q, counts, responses.n)


def frequency_table(
    q: Questionnaire, counts: dict[str, dict[int, int]], n_rows: int
) -> pd.DataFrame:
    """The frequency table from each item's count per scale point (answers after reverse
    keying) and the number of respondents; mean and sd follow from the counts.

    >>> from surveyq.questionnaire import load_questionnaire
    >>> q = load_questionnaire("skm-permenpanrb-14-2017")
    >>> counts = {i.id: {1: 0, 2: 0, 3: 1, 4: 1} for i in q.items}
    >>> table = frequency_table(q, counts, 3)
    >>> int(table.loc["U1", "n"]), int(table.loc["U1", "missing"]), float(table.loc["U1", "mean"])
    (2, 1, 3.5)
    """
    points = sorted({p for item in q.items for p in q.scale_of(item).points})
    records = []
    for item in q.items:
        scale = q.scale_of(item)
        answered = sum(counts[item.id].values())
        record = {
            "item": item.id,
            "role": item.role,
            "dimension": item.dimension,
            "element": item.element,
            "pair": item.pair,
            "text_id": item.text.id,
            "text_en": item.text.en,
            "scale": item.scale,
            "reverse": item.reverse,
            "n": answered,
            "missing": n_rows - answered,
            **_mean_sd(counts[item.id]),
        }
        for point in points:
            record[f"count_{point}"] = (
                counts[item.id].get(point, 0) if point in scale.points else None
            )
        records.append(record)
    return pd.DataFrame(records).set_index("item")


def _mean_sd(counts: dict[int, int]) -> dict[str, float]:
    """Mean and sample sd (ddof 1) of answers given as point -> count; NaN when undefined."""
    n = sum(counts.values())
    if n == 0:
        return {"mean": float("nan"), "sd": float("nan")}
    mean = sum(point * count for point, count in counts.items()) / n
    if n == 1:
        return {"mean": mean, "sd": float("nan")}
    squares = sum(count * (point - mean) ** 2 for point, count in counts.items())
    return {"mean": mean, "sd": math.sqrt(squares / (n - 1))}


def scale_labels(responses: Responses) -> dict[str, dict[str, list[str]]]:
    """Each scale's point labels per language, for charts and tables."""
    q = responses.questionnaire
    return {
        name: {
            "points": [str(p) for p in scale.points],
            **{lang: [scale.label(p, lang) for p in scale.points] for lang in ("id", "en")},
        }
        for name, scale in q.scales.items()
    }


def profile(responses: Responses) -> pd.DataFrame:
    """Respondents per category of every characteristic field, with percentages.

    Free text and identifying fields (name, id) are left out; a blank answer is counted as
    its own category ``None`` so the counts add up to n.
    """
    q = responses.questionnaire
    records = []
    for field in q.fields:
        if field.kind in FREE_TEXT_KINDS + ID_KINDS or field.id not in responses.fields:
            continue
        values = responses.fields[field.id]
        counts = values.value_counts(dropna=False, sort=True)
        for category, count in counts.items():
            blank = category is None or (isinstance(category, float) and pd.isna(category))
            label = field.categories.get(category) if not blank else None
            records.append(
                {
                    "field": field.id,
                    "kind": field.kind,
                    "field_id": field.text.id,
                    "field_en": field.text.en,
                    "category": None if blank else str(category),
                    "category_id": label.id if label else None,
                    "category_en": label.en if label else None,
                    "count": int(count),
                    "percent": 100 * count / len(values) if len(values) else None,
                }
            )
    return pd.DataFrame(records)


def free_text(responses: Responses) -> pd.DataFrame:
    """Every non-blank free-text answer (suggestions), with the row it came from."""
    q = responses.questionnaire
    records = []
    for field in q.fields:
        if field.kind not in FREE_TEXT_KINDS or field.id not in responses.fields:
            continue
        for row, text in responses.fields[field.id].items():
            if isinstance(text, str) and text.strip():
                records.append({"field": field.id, "row": int(row), "text": text.strip()})
    return pd.DataFrame(records, columns=["field", "row", "text"])
