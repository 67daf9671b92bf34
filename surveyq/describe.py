"""Descriptive tables: answer frequencies per item, respondents' profile, free-text answers.

These are the counts a Laporan SKM and a thesis results chapter print before any index
(frequency distribution per item, karakteristik responden). Means use every available answer
per item (docs/methods.md section 1); every level of the scale is kept even when nobody chose it.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from surveyq.clean import Responses

if TYPE_CHECKING:
    from surveyq.questionnaire import Questionnaire, RespondentField

FREE_TEXT_KINDS = ("suggestion",)
ID_KINDS = ("id", "name")
#: Field kinds whose categories have a natural order (readers expect it, not counts).
ORDINAL_KINDS = ("age_band", "age", "education")
#: Levels of schooling in the order of UU No. 20 Tahun 2003 tentang Sistem Pendidikan
#: Nasional (articles 17-20: basic SD/SMP, secondary SMA/SMK, higher diploma, sarjana,
#: magister, doktor), as pattern -> rank; the first pattern found in a label decides.
EDUCATION_LEVELS: tuple[tuple[str, int], ...] = (
    (r"pasca|\bs2\b|magister|master", 5),
    (r"\bs3\b|doktor|doctor", 6),
    (r"\bd4\b|\bs1\b|sarjana|bachelor", 4),
    (r"\bd[123]\b|diploma", 3),
    (r"\bsma|\bsmk|\bslta|\bma\b|senior", 2),
    (r"\bsmp|\bsltp|\bmts\b|junior", 1),
    (r"\bsd\b|\bmi\b|primary|tidak sekolah|belum sekolah", 0),
)
_BAND = re.compile(r"^\s*(<=|>=|<|>|≤|≥)?\s*(\d+(?:[.,]\d+)?)")


def _band_key(label: str) -> float | None:
    """Where a numeric band starts: ``< 25`` before ``25-34`` before ``≥ 55`` (None if not)."""
    match = _BAND.match(label)
    if not match:
        return None
    number = float(match.group(2).replace(",", "."))
    shift = {"<": -0.5, "<=": -0.5, "≤": -0.5, ">": 0.5, ">=": 0.5, "≥": 0.5}
    return number + shift.get(match.group(1) or "", 0.0)


def _education_rank(label: str) -> int | None:
    text = label.casefold()
    return next((rank for pattern, rank in EDUCATION_LEVELS if re.search(pattern, text)), None)


def category_order(field: RespondentField, counts: pd.Series) -> list[str]:
    """The order a reader expects a field's categories in.

    Categories the questionnaire declares come first, in its order. The others follow: for
    an ordinal field (or any field whose every label is a numeric band such as ``< 5 tahun``,
    ``5-10 tahun``) by their band or school level (labels no school level matches after the
    known levels); otherwise by count, largest first.

    Parameters
    ----------
    field : RespondentField
        The questionnaire's field.
    counts : pandas.Series
        Respondents per category (index: the categories as found in the data).

    Examples
    --------
    >>> from surveyq.questionnaire import RespondentField
    >>> age = RespondentField(id="age", kind="age_band", text={"id": "Usia", "en": "Age"})
    >>> category_order(age, pd.Series({"25-34": 40, "< 25": 5, "≥ 55": 9, "35-44": 30}))
    ['< 25', '25-34', '35-44', '≥ 55']
    >>> school = RespondentField(id="edu", kind="education", text={"id": "P", "en": "E"})
    >>> category_order(school, pd.Series({"Sarjana (D4/S1)": 60, "SMA/SMK": 40,
    ...                                   "Pascasarjana (S2/S3)": 10, "Diploma (D1-D3)": 30}))
    ['SMA/SMK', 'Diploma (D1-D3)', 'Sarjana (D4/S1)', 'Pascasarjana (S2/S3)']
    >>> category_order(school, pd.Series({"S1": 60, "Lainnya": 3, "SD": 5, "Pesantren": 7}))
    ['SD', 'S1', 'Pesantren', 'Lainnya']
    """
    found = [str(category) for category in counts.index]
    return _ordered(field, found, lambda c: -int(counts[c]) if c in counts else 0)


def _ordered(field: RespondentField, found: list[str], by_count_key: Any) -> list[str]:
    """:func:`category_order` of the categories ``found``, ``by_count_key`` sorting the
    undeclared ones when they are neither bands nor school levels."""
    declared = [category for category in field.categories if category in found]
    rest = [category for category in found if category not in declared]
    by_count = sorted(rest, key=by_count_key)
    bands = {c: _band_key(c) for c in rest}
    if rest and all(key is not None for key in bands.values()):
        return declared + sorted(rest, key=lambda c: bands[c])  # type: ignore[arg-type,return-value]
    if field.kind == "education":
        # known school levels in order; a label no level matches ("Lainnya") follows them,
        # by count, instead of throwing the whole field back to count order
        ranks = {c: _education_rank(c) for c in rest}
        known = sorted((c for c in rest if ranks[c] is not None), key=lambda c: ranks[c])  # type: ignore[arg-type,return-value]
        return declared + known + [c for c in by_count if ranks[c] is None]
    return declared + by_count


def in_order(field: RespondentField, frame: pd.DataFrame) -> pd.DataFrame:
    """A breakdown frame (index: the field's categories) in :func:`category_order`."""
    order = category_order(field, pd.Series(1, index=frame.index.astype(str)))
    rank = {category: position for position, category in enumerate(order)}
    rows = sorted(range(len(frame)), key=lambda i: rank.get(str(frame.index[i]), len(order)))
    return frame.iloc[rows]


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
    counts = {}
    for item in q.items:  # numpy comparisons: a pandas one per point costs more than it counts
        values = responses.item_codes(item.id)  # the same answers as int8 (0: none), if kept
        if values is None:
            values = responses.items[item.id].to_numpy(dtype=float, na_value=np.nan)
        counts[item.id] = {point: int(np.count_nonzero(values == point))
                           for point in q.scale_of(item).points}
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
    its own category ``None`` (last) so the counts add up to n. Categories are in the order
    of :func:`category_order` (questionnaire order, bands and school levels ascending).
    """
    records = []
    for field in _profile_fields(responses):
        values = responses.fields[field.id]
        pairs = _known_counts(responses, field.id)
        if pairs is None:
            pairs = list(values.value_counts(dropna=False, sort=True).items())
        records += _profile_records(field, pairs, len(values))
    return pd.DataFrame(records)


#: Categories up to which :func:`_known_counts` finds each one's first row by a pass of its own.
_FIRST_ROW_PASSES = 64


def _known_counts(responses: Responses, field_id: str) -> list[tuple[Any, int]] | None:
    """``value_counts(dropna=False, sort=True)`` of a field as (category, count) pairs from
    the codes :func:`clean` kept (None for a blank): categories in the order they first
    appear, stably sorted by count, largest first. None when the codes are not at hand or
    the categories are many (a pass each to find where they first appear)."""
    known = responses.known_field_codes(field_id)
    if known is None or len(known[1]) >= _FIRST_ROW_PASSES:
        return None
    codes, values = known
    counts = np.bincount(codes + 1, minlength=len(values) + 1)  # None (-1) first
    held = np.flatnonzero(counts).tolist()
    first = {c: int(np.argmax(codes == c - 1)) for c in held}
    pairs = [(values[c - 1] if c else None, int(counts[c]))
             for c in sorted(held, key=first.__getitem__)]
    return sorted(pairs, key=lambda pair: -pair[1])  # stable, as pandas' "stable" sort


def profile_by(responses: Responses, groups: pd.Series, name: str = "group") -> pd.DataFrame:
    """:func:`profile` of each group's rows (e.g. each service unit's), with a ``name`` column.

    One grouped count per field over all rows, instead of selecting every group's rows and
    counting them again (with hundreds of units that loop dominated). Groups come in the
    order they first appear; rows without a group (None) are left out. Equal to
    ``profile`` of each group's rows: within a group, categories are counted in the order
    they first appear and sorted by count (stably), as ``value_counts`` does.

    Examples
    --------
    >>> from surveyq.clean import Responses
    >>> from surveyq.questionnaire import load_questionnaire
    >>> q = load_questionnaire("skm-permenpanrb-14-2017")
    >>> fields = pd.DataFrame({"gender": ["L", "P", "P", None]})
    >>> r = Responses(pd.DataFrame(index=range(4)), fields, None, q)
    >>> by = profile_by(r, pd.Series(["a", "a", "b", "b"]), "unit")
    >>> by[["unit", "category", "count"]].values.tolist()
    [['a', 'L', 1], ['a', 'P', 1], ['b', 'P', 1], ['b', nan, 1]]
    """
    import numpy as np

    keep = groups.notna().to_numpy()
    unit, names = pd.factorize(groups[keep].to_numpy(dtype=object))  # order of appearance
    sizes = np.bincount(unit, minlength=len(names)).tolist()
    records: list[list[dict[str, Any]]] = [[] for _ in names]
    for field in _profile_fields(responses):
        code, values = pd.factorize(responses.fields[field.id].to_numpy(dtype=object)[keep],
                                    use_na_sentinel=False)  # blanks: one code
        pair, first, counts = np.unique(unit.astype(np.int64) * len(values) + code,
                                        return_index=True, return_counts=True)
        found: dict[int, list[tuple[Any, int]]] = {}
        for j in np.argsort(first, kind="stable").tolist():  # (unit, value) as first met
            group, value = divmod(int(pair[j]), len(values))
            found.setdefault(group, []).append((values[value], int(counts[j])))
        for group, pairs in found.items():
            pairs.sort(key=lambda pair: -pair[1])  # stable: ties in order of appearance
            records[group] += [{**row, name: names[group]} for row in
                               _profile_records(field, pairs, sizes[group])]
    return pd.DataFrame([row for rows in records for row in rows])


def _profile_fields(responses: Responses) -> list[Any]:
    """The characteristic fields a profile counts (not free text or identifiers)."""
    return [field for field in responses.questionnaire.fields
            if field.kind not in FREE_TEXT_KINDS + ID_KINDS and field.id in responses.fields]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _profile_records(field: Any, pairs: list[tuple[Any, int]], n: int) -> list[dict[str, Any]]:
    """A field's rows of the profile from its (category, count) pairs, largest count first
    (blank answers as None/NaN: one category, last), out of ``n`` respondents."""
    known = {str(category): count for category, count in pairs if not _blank(category)}
    blank = [count for category, count in pairs if _blank(category)]
    order = _ordered(field, list(known), lambda c: -known[c])
    rows = [(category, known[category]) for category in order]
    rows += [(None, sum(blank))] if blank else []
    records = []
    for category, count in rows:
        label = field.categories.get(category) if category is not None else None
        records.append(
            {
                "field": field.id,
                "kind": field.kind,
                "field_id": field.text.id,
                "field_en": field.text.en,
                "category": category,
                "category_id": label.id if label else None,
                "category_en": label.en if label else None,
                "count": int(count),
                "percent": 100 * count / n if n else None,
            }
        )
    return records


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
