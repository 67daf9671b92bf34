"""Many service units: per-unit IKM/SKM, a ranking and the organisation's aggregate.

A regional government (Pemda) or a ministry runs the SKM in many service units (dinas,
puskesmas, kecamatan, KPP...). :func:`ikm_units` gives every unit its index, band,
interval, sample adequacy and weakest elements, ranks the units, combines them into one
figure for the organisation by a stated method, and tells which units differ from the
rest of the organisation beyond sampling error.
"""

from __future__ import annotations

import html
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from surveyq.bands import band_table, classify
from surveyq.distributions import norm_cdf, norm_ppf, norm_sf
from surveyq.errors import AnalysisError, InputError, SurveyqError, error_message
from surveyq.ikm import CONVERSION, IKM_STANDARDS, _check_codes, ikm, sample_size
from surveyq.messages import joined, msg
from surveyq.moments import Moments
from surveyq.uncertainty import _analytic_se, ikm_ci

__all__ = ["AGGREGATE_METHODS", "IkmUnits", "UnitMoments", "UnitSums", "ikm_units",
           "units_change", "units_pairs"]

#: How the organisation's figure combines its units (see :func:`ikm_units`, Notes).
AGGREGATE_METHODS = ("pooled", "mean", "respondents", "population")


@dataclass(frozen=True, kw_only=True, eq=False)
class IkmUnits:
    """Result of :func:`ikm_units`.

    Attributes
    ----------
    units : DataFrame
        One row per unit (in ranking order, units without an index last): ``n``,
        ``population``, ``sample_needed`` (Krejcie & Morgan), ``adequate``, ``below_min_n``,
        ``index``, ``converted``, ``band``, ``label``, ``label_en``, ``low``, ``high``,
        ``se``, ``p_in_band``, ``rank``, ``rest_converted``, ``diff``, ``diff_low``,
        ``diff_high``, ``differs`` (``"higher"``, ``"lower"`` or ``"no"``),
        ``lowest_elements`` (codes, weakest first), ``no_spread`` (every respondent gave the
        same answers: ``se`` is 0 and ``low``, ``high``, ``p_in_band`` are not estimated)
        and ``error`` (why a unit has no index or no interval).
    nrr : DataFrame
        Units x elements: each unit's NRR per element.
    nrr_band : DataFrame
        Units x elements: the band of each NRR (graded on NRR x 25, as elements are).
    aggregate : dict
        The organisation's figure: ``method``, ``n``, ``units``, ``index``, ``converted``,
        ``band``, ``label``, ``label_en``, ``se``, ``low``, ``high``, ``p_in_band``.
    standard, weight_mode : str
        As in :func:`surveyq.ikm`.
    level : float
        Confidence level of every interval.
    min_n : int or None
        Units with fewer respondents are marked ``below_min_n``.
    notes : tuple of str
    """

    units: pd.DataFrame
    nrr: pd.DataFrame
    nrr_band: pd.DataFrame
    aggregate: dict[str, Any]
    standard: str
    weight_mode: str
    level: float
    min_n: int | None
    notes: tuple[str, ...] = ()

    @property
    def nrr_converted(self) -> pd.DataFrame:
        """Units x elements: each NRR on the 25-100 scale (NRR x 25), as elements are graded."""
        return self.nrr * CONVERSION

    def to_frame(self) -> pd.DataFrame:
        """The per-unit table (a copy of :attr:`units`)."""
        return self.units.copy()

    def _repr_html_(self) -> str:
        notes = "".join(f"<li>{html.escape(note)}</li>" for note in self.notes)
        head = (f"<h4>IKM per unit; organisation ({html.escape(self.aggregate['method'])}): "
                f"{self.aggregate['converted']:.2f} {html.escape(self.aggregate['band'])}</h4>")
        return head + self.units.to_html() + (f"<ul>{notes}</ul>" if notes else "")


@dataclass(frozen=True, eq=False)
class UnitMoments:
    """Each unit's :class:`~surveyq.moments.Moments` of the IKM elements, from one pass.

    Attributes
    ----------
    moments : dict
        Unit -> Moments over its respondents (rows with at least one answer), units in the
        order they first appear; a unit whose rows answered nothing has ``n_rows == 0``.
    unassigned : int
        Respondents without a unit (left out of every unit and of the aggregate).
    """

    moments: dict[Hashable, Moments]
    unassigned: int = 0

    @classmethod
    def from_frame(cls, elements: pd.DataFrame, units: pd.Series) -> UnitMoments:
        """Group a respondents x elements frame (whole-number codes) by ``units``.

        Examples
        --------
        >>> import pandas as pd
        >>> answers = pd.DataFrame({"U1": [4, 3, 2], "U2": [4, None, 2]})
        >>> grouped = UnitMoments.from_frame(answers, pd.Series(["a", "a", "b"]))
        >>> grouped.moments["a"].means().tolist(), grouped.moments["b"].n_rows
        ([3.5, 4.0], 1)
        """
        aligned = _aligned_units(elements, units)
        values = elements.to_numpy(dtype=float)
        answered = ~np.isnan(values)
        if answered.any() and not np.all(np.mod(values[answered], 1) == 0):
            raise InputError("per-unit sums need whole-number answer codes")
        low = int(values[answered].min()) if answered.any() else 1
        high = int(values[answered].max()) if answered.any() else 1
        if high - low + 1 > 127:
            raise InputError("per-unit sums need answer codes spanning at most 127 values")
        offset = low - 1  # kernel code = answer - offset, 0 = no answer
        codes = np.where(answered, values - offset, 0).astype(np.int8).T
        sums = UnitSums(tuple(str(c) for c in elements.columns), high - offset,
                        np.full(elements.shape[1], offset))
        sums.add(aligned.to_numpy(dtype=object), codes)
        return sums.result()

    def total(self) -> Moments:
        """The moments of every unit's respondents together."""
        return sum(self.moments.values())


class UnitSums:
    """Grouped accumulator: per-unit moments of kernel codes, batch by batch, mergeable.

    For every pair of items (i <= j) it counts, per unit and per "row complete" flag, how
    often each pair of codes (a, b) occurred: a joint frequency table with
    ``(largest + 1)**2`` cells. One ``np.bincount`` over the rows per pair does a batch, and
    every count, sum, sum of squares and cross-product a :class:`Moments` holds (pairwise
    and listwise) follows exactly from those integer tables (``sum a b count(a, b)``...).
    Memory is units x pairs x 2 x (largest + 1)**2 integers, whatever the number of rows
    (500 units, 9 elements, codes 1-4: 9 MB).

    Parameters
    ----------
    items : tuple of str
    largest : int
        The largest kernel code (codes run 1..largest, 0 = missing).
    offset : array of int, optional
        Answer = kernel code + offset, per item (0 by default).
    """

    def __init__(self, items: tuple[str, ...], largest: int,
                 offset: np.ndarray | None = None, positions: np.ndarray | None = None) -> None:
        k = len(items)
        self.items, self.base = items, largest + 1
        self.positions = positions  # rows of a wider codes matrix that hold these items
        self.offset = np.zeros(k, np.int64) if offset is None else np.asarray(offset, np.int64)
        self.pairs = [(i, j) for i in range(k) for j in range(i, k)]
        self.labels: dict[Hashable, int] = {}
        self.joint = np.zeros((0, len(self.pairs), 2, self.base, self.base), np.int64)
        self.rows = np.zeros(0, np.int64)
        self.unassigned = 0

    def add(self, labels: np.ndarray, codes: np.ndarray) -> None:
        """Fold a batch: each row's unit (None, NaN or blank: no unit) and its codes.

        ``codes`` is items x rows of kernel codes (0 = missing); rows without an answer
        count for no unit but still make their unit known (a unit is never hidden).
        """
        local, names = pd.factorize(pd.Series(labels, dtype=object))
        index = [-1 if (label := _unit_label(name)) is None else self._unit(label)
                 for name in names]
        unit = np.array(index + [-1], np.int64)[local]  # factorize's -1 (no unit) stays -1
        answered = codes.any(axis=0)
        self.unassigned += int((answered & (unit < 0)).sum())
        keep = answered & (unit >= 0)
        if not keep.all():
            unit, codes = unit[keep], np.compress(keep, codes, axis=1)
        units, cells = len(self.labels), self.base * self.base
        self.rows[:units] += np.bincount(unit, minlength=units)
        complete = codes.all(axis=0)
        key = unit * (2 * cells) + complete * cells
        wide = codes.astype(np.int64)
        for p, (i, j) in enumerate(self.pairs):
            counts = np.bincount(key + wide[i] * self.base + wide[j], minlength=units * 2 * cells)
            self.joint[:units, p] += counts.reshape(units, 2, self.base, self.base)

    def add_arrow(self, column: Any, keep: np.ndarray, codes: np.ndarray) -> None:
        """Fold a streamed batch: its unit column (Arrow), the rows kept and their codes
        (every item of the pass; ``positions`` picks these items)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if isinstance(column, pa.ChunkedArray):
            column = column.combine_chunks()
        if pa.types.is_dictionary(column.type):
            column = column.dictionary_decode()
        if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
            column = pc.cast(column, pa.string())
        labels = column.to_numpy(zero_copy_only=False)
        if not keep.all():
            labels = labels[keep]
        self.add(labels, codes if self.positions is None else np.take(codes, self.positions,
                                                                      axis=0))

    def add_batch(self, plan: Any, batch: Any, keep: np.ndarray, codes: np.ndarray) -> None:
        """Fold a streamed batch of a :class:`surveyq.streamed.StreamPlan`: its rows' units
        from the plan's unit column, or the plan's one unit (a file of ``units.files``)."""
        if plan.unit_value is None:
            self.add_arrow(batch.column(plan.unit_column), keep, codes)
            return
        labels = np.full(codes.shape[1], plan.unit_value, dtype=object)
        self.add(labels, codes if self.positions is None else np.take(codes, self.positions,
                                                                      axis=0))

    def _unit(self, name: Hashable) -> int:
        """The unit's row in the tables; a new unit gets one (capacity grows by doubling)."""
        if name not in self.labels:
            self.labels[name] = len(self.labels)
            if len(self.labels) > len(self.rows):
                grown = max(16, 2 * len(self.rows))
                self.joint = np.concatenate([self.joint, np.zeros(
                    (grown - len(self.rows), *self.joint.shape[1:]), np.int64)])
                self.rows = np.concatenate([self.rows, np.zeros(grown - len(self.rows),
                                                                np.int64)])
        return self.labels[name]

    def merge(self, other: UnitSums) -> UnitSums:
        """Add another accumulator's units (matched by name; new ones appended)."""
        if other.items != self.items or other.base != self.base:
            raise InputError("per-unit sums of different items or scales cannot be merged")
        for name, j in other.labels.items():
            u = self._unit(name)
            self.joint[u] += other.joint[j]
            self.rows[u] += other.rows[j]
        self.unassigned += other.unassigned
        return self

    def result(self) -> UnitMoments:
        """Every unit's Moments (exact: integer sums of kernel codes, shifted by the offset)."""
        return UnitMoments({name: self._moments(u) for name, u in self.labels.items()},
                           self.unassigned)

    def _moments(self, u: int) -> Moments:
        k, codes = len(self.items), np.arange(1, self.base)
        table = self.joint[u][:, :, 1:, 1:]  # both answered: pairs x flag x a x b
        a, b = np.meshgrid(codes, codes, indexing="ij")

        def total(weight: np.ndarray) -> np.ndarray:  # sum of weight(a, b) x count: pairs x flag
            return (table * weight).sum(axis=(-2, -1))

        count, sum_a, sum_b = total(np.ones_like(a)), total(a), total(b)
        sq_a, sq_b, cross = total(a * a), total(b * b), total(a * b)
        pair = {name: np.zeros((k, k), np.int64) for name in
                ("count", "sum", "sumsq", "cross")}
        gram = np.zeros((k + 1, k + 1))
        for p, (i, j) in enumerate(self.pairs):
            pair["count"][i, j] = pair["count"][j, i] = count[p].sum()
            pair["sum"][i, j], pair["sum"][j, i] = sum_a[p].sum(), sum_b[p].sum()
            pair["sumsq"][i, j], pair["sumsq"][j, i] = sq_a[p].sum(), sq_b[p].sum()
            pair["cross"][i, j] = pair["cross"][j, i] = cross[p].sum()
            gram[1 + i, 1 + j] = gram[1 + j, 1 + i] = cross[p, 1]  # complete rows only
            if i == j:
                gram[0, 1 + i] = gram[1 + i, 0] = sum_a[p, 1]
                gram[0, 0] = count[p, 1]
        diagonal = np.arange(k)
        return Moments(
            items=self.items, shift=self.offset.astype(float), n_rows=int(self.rows[u]),
            gram=gram, item_count=pair["count"][diagonal, diagonal],
            item_sum=pair["sum"][diagonal, diagonal].astype(float),
            item_sumsq=pair["sumsq"][diagonal, diagonal].astype(float),
            pair_count=pair["count"], pair_sum=pair["sum"].astype(float),
            pair_sumsq=pair["sumsq"].astype(float), pair_cross=pair["cross"].astype(float))


def read_unit_files(project: Any, name: str, strict: bool = True,
                    period: str | None = None) -> Any:
    """A survey (or its earlier ``period``) given as one export per service unit
    (``units.files``, or a mapping under ``previous``), read in memory as one.

    Each file is read and cleaned on its own with the survey's questionnaire (so the
    cleaning log names each file and its rows, and each file has its own row accounting);
    the answers are then stacked and every row gets its file's unit in the unit field
    (``units.field``, default ``unit``).
    """
    from surveyq.clean import Responses, clean
    from surveyq.io import read_raw
    from surveyq.log import CleaningLog
    from surveyq.project import duplicate_options, unit_files

    spec = project.spec.surveys[name]
    q = project.questionnaires[name]
    field_id = unit_field_id(spec, q, per_unit=True)
    options = spec.read.model_dump(exclude_none=True)
    parts: list[Responses] = []
    for unit, file in unit_files(spec, period).items():
        raw = read_raw(project.resolve(file), **options)
        part = clean(raw, q, **duplicate_options(project, name))
        if strict and part.log.fatal:
            raise InputError(joined([e.message for e in part.log.fatal]), part.file)
        part.fields = part.fields.assign(**{field_id: unit})
        parts.append(part)
    log = CleaningLog()
    for part in parts:
        log.extend(part.log)
    stamps = [p.timestamps for p in parts if p.timestamps is not None]
    return Responses(
        items=pd.concat([p.items for p in parts], ignore_index=True),
        fields=pd.concat([p.fields for p in parts], ignore_index=True),
        log=log, questionnaire=q, file=", ".join(p.file for p in parts),
        timestamps=pd.concat(stamps, ignore_index=True) if len(stamps) == len(parts) else None,
        columns=parts[0].columns, duplicates=_summed(p.duplicates for p in parts))


def _summed(blocks: Any) -> dict[str, Any]:
    """Duplicate summaries of several files: counts added, evidence listed, settings kept."""
    total: dict[str, Any] = {}
    for block in blocks:
        for key, value in block.items():
            counted = isinstance(value, (int, list)) and not isinstance(value, bool)
            if key not in total:
                total[key] = list(value) if isinstance(value, list) else value
            elif key == "largest_pattern":
                total[key] = max(total[key], value)
            elif counted:
                total[key] += value
    return total


def unit_field_id(spec: Any, q: Any, per_unit: bool = False) -> str | None:
    """The respondent field naming each respondent's unit: ``units.field``, else the
    questionnaire's field of kind ``unit``, else ``unit`` when each unit has its own file
    (``units.files``, an earlier period given per unit, or ``per_unit``)."""
    units = spec.units
    if units is not None and units.field:
        return units.field
    found = next((f.id for f in q.fields if f.kind == "unit"), None)
    if found is None and (per_unit or (units is not None and units.files)
                          or any(isinstance(f, dict) for f in spec.previous.values())):
        return "unit"
    return found


def stream_unit_files(project: Any, name: str, period: str | None = None,
                      progress: Any = None, requested: bool = False) -> Any:
    """A survey (or its earlier ``period``) given as one export per unit, streamed: each
    file goes through the same streamed pass (:func:`surveyq.streamed.stream_survey`) with
    its unit as a constant, and the passes are added into one
    :class:`~surveyq.streamed.StreamedSurvey` (sums, counts, the per-unit sums and every
    file's cleaning log and row accounting). Memory is one file's batch plus the sums."""
    from surveyq.project import unit_files
    from surveyq.streamed import stream_survey

    parts = [stream_survey(project, name, progress, file=file, requested=requested, unit=unit)
             for unit, file in unit_files(project.spec.surveys[name], period).items()]
    return combined_streams(parts, project.questionnaires[name])


def combined_streams(parts: list[Any], q: Any) -> Any:
    """Several streamed passes of one questionnaire (one per unit file) as one."""
    from surveyq.clean import Responses
    from surveyq.describe import frequency_table
    from surveyq.log import CleaningLog
    from surveyq.streamed import StreamedSurvey
    from surveyq.streaming import _finish

    log = CleaningLog()
    for part in parts:
        log.extend(part.log)
    first = parts[0]
    moments = {key: _finish(value.items, [part.moments_by_set[key] for part in parts],
                            False, None)
               for key, value in first.moments_by_set.items()}
    n = sum(part.n for part in parts)
    counts = {item.id: {point: int(sum(part.frequencies.at[item.id, f"count_{point}"]
                                       for part in parts))
                        for point in q.scale_of(item).points} for item in q.items}
    responses = Responses(first.responses.items, pd.DataFrame(), log, q,
                          ", ".join(part.file for part in parts), None,
                          first.responses.columns,
                          _summed(part.responses.duplicates for part in parts))
    settings = {**first.settings,
                "file_mb": sum(part.settings["file_mb"] for part in parts),
                "rows_read": sum(part.settings["rows_read"] for part in parts),
                "item_cells": "labels" if any(part.settings["item_cells"] == "labels"
                                              for part in parts) else "codes"}
    grouped = [part.unit_moments for part in parts if part.unit_moments is not None]
    return StreamedSurvey(responses, moments, frequency_table(q, counts, n), n, settings,
                          _merged_units(grouped) if grouped else None)


def _merged_units(parts: list[UnitMoments]) -> UnitMoments:
    """Per-unit moments of several passes: a unit met in two passes has its sums added."""
    moments: dict[Hashable, Moments] = {}
    for part in parts:
        for name, m in part.moments.items():
            moments[name] = moments[name] + m if name in moments else m
    return UnitMoments(moments, sum(part.unassigned for part in parts))


def unit_column(unit_field: str | None, q: Any, mapping: Mapping[str, str],
                original: Mapping[str, str]) -> str | None:
    """The file's column holding each respondent's unit (None: the survey has no unit field,
    or the file lacks its column). ``unit_field`` is ``units.field`` of the project."""
    field_id = unit_field or next((f.id for f in q.fields if f.kind == "unit"), None)
    header = mapping.get(field_id) if field_id else None
    return original.get(header, header) if header else None


def unit_sums_for(plan: Any) -> UnitSums | None:
    """The streamed pass's per-unit sums of the IKM elements (None without a unit column)."""
    if getattr(plan, "unit_column", None) is None and getattr(plan, "unit_value", None) is None:
        return None
    elements = next((s for s in plan.sets if s.own_rows), None)
    if elements is None:
        return None
    position = {rule.item: j for j, rule in enumerate(plan.rules)}
    rows = np.array([position[item] for item in elements.items])
    rules = [plan.rules[j] for j in rows]
    return UnitSums(elements.items, max(rule.largest for rule in rules),
                    np.array([rule.offset for rule in rules]), positions=rows)


def _unit_label(value: Any) -> Any:
    """A unit's name (text stripped); None for no unit (missing or blank)."""
    if isinstance(value, str):
        return value.strip() or None
    return None if pd.isna(value) else value


def ikm_units(
    elements: pd.DataFrame | UnitMoments,
    units: pd.Series | None = None,
    population: Mapping[Hashable, int] | None = None,
    standard: str = "permenpanrb-14-2017",
    weight_mode: str | None = None,
    force: bool = False,
    *,
    aggregate: str = "pooled",
    min_n: int | None = None,
    lowest: int = 3,
    level: float = 0.95,
) -> IkmUnits:
    """IKM/SKM of every service unit, their ranking and the organisation's aggregate.

    Parameters
    ----------
    elements : DataFrame or UnitMoments
        Respondents x elements, codes 1-4 (as :func:`surveyq.ikm` takes them); or their
        sums grouped by unit (:class:`UnitMoments`, e.g. from a streamed or Dask pass),
        which give the same figures without the rows.
    units : Series
        Each respondent's unit, aligned with ``elements`` by index (not with
        :class:`UnitMoments`). Rows without a unit are left out and counted in the notes.
    population : Mapping, optional
        Unit -> service users in the period, for Krejcie & Morgan adequacy and the
        ``"population"`` aggregate. Units missing from it get no adequacy verdict.
    standard, weight_mode, force
        As in :func:`surveyq.ikm`, the same for every unit.
    aggregate : {"pooled", "mean", "respondents", "population"}
        How the organisation's figure combines the units (Notes).
    min_n : int, optional
        Units with fewer respondents are marked ``below_min_n`` (still shown and ranked).
    lowest : int, default 3
        How many of each unit's lowest-NRR elements to list.
    level : float, default 0.95
        Confidence level of the intervals.

    Returns
    -------
    IkmUnits

    Notes
    -----
    Each unit's index is :func:`surveyq.ikm` of its own rows, so it equals a separate run
    on them. Its interval and ``p_in_band`` are :func:`surveyq.ikm_ci` with
    ``method="analytic"`` (delta method; deterministic, so the table does not move between
    runs). A unit whose rows cannot give an index (an element nobody in it answered) keeps
    its row with the reason in ``error``; one with a single respondent has no interval.

    The organisation's figure C (converted, 25-100) for units j with converted C_j,
    standard error s_j and n_j respondents:

    - ``pooled`` (default): the regulation's formula on every respondent of the
      organisation together, :math:`C = 25 \\sum_u w \\, \\overline{x}_u` over all rows.
      With every element answered this equals ``respondents``. SE: the delta method on
      the pooled rows (treats them as one simple random sample).
    - ``mean``: :math:`C = \\frac{1}{k} \\sum_j C_j`, SE :math:`\\sqrt{\\sum_j s_j^2} / k`.
    - ``respondents``: :math:`C = \\sum_j n_j C_j / \\sum_j n_j`.
    - ``population``: :math:`C = \\sum_j N_j C_j / \\sum_j N_j` with the units' populations,
      the stratified estimate of the organisation's users.

    For the weighted forms :math:`SE = \\sqrt{\\sum_j a_j^2 s_j^2} / \\sum_j a_j` (units are
    independent samples). Only units with an index enter; units that have one but no SE
    (one respondent) make the aggregate SE undefined for the non-pooled methods (noted).

    Pooled is the default because PermenPAN-RB 14/2017 defines the index from the mean of
    each element over all respondents of the surveyed provider, and a published Pemda SKM
    that combines services does the same: Pemerintah Kabupaten Bantul's SKM portal gives its
    Dinas Pertanahan dan Tata Ruang 2023 index as 87.28, which is 25 x the mean of the
    office's nine element NRRs over all its respondents (3.31 ... 3.35, table "Nilai IKM
    ... 2023"), not the mean of its three services' indices (75.56, 86.29, 94.61; mean
    85.49). Offices that average their units' published indices get ``"mean"``; where units
    were sampled in very different proportions to their users, ``"population"`` is the
    design-consistent figure.

    Whether unit j differs from the rest of the organisation compares it with the
    aggregate of the *other* units (same method, unit j left out), never with a figure
    that contains it: :math:`D_j = C_j - C_{-j}`, SE :math:`\\sqrt{s_j^2 + s_{-j}^2}`
    (independent respondents), interval :math:`D_j \\pm z \\, SE`. ``differs`` is
    ``"higher"``/``"lower"`` when that interval excludes 0. With many units some will
    differ by chance (about 5% at 95%): a screen, not a verdict.

    References
    ----------
    .. [1] Peraturan MenPAN-RB No. 14 Tahun 2017, Pedoman Penyusunan Survei Kepuasan
       Masyarakat Unit Penyelenggara Pelayanan Publik.
    .. [2] Krejcie, R. V. & Morgan, D. W. (1970). Determining sample size for research
       activities. Educational and Psychological Measurement, 30, 607-610.
    .. [3] Cochran, W. G. (1977). Sampling Techniques, 3rd ed., ch. 5 (stratified means).
    .. [4] Pemerintah Kabupaten Bantul, Survei Kepuasan Masyarakat portal
       (skm.bantulkab.go.id), Dinas Pertanahan dan Tata Ruang, Nilai IKM 2023.

    Examples
    --------
    >>> import pandas as pd
    >>> answers = pd.DataFrame({"U1": [4, 4, 3, 3, 2, 2], "U2": [4, 3, 3, 3, 2, 1]})
    >>> office = pd.Series(["north", "north", "mid", "mid", "south", "south"])
    >>> result = ikm_units(answers, office)
    >>> result.units["converted"].round(2).to_dict()
    {'north': 93.75, 'mid': 75.0, 'south': 43.75}
    >>> round(result.aggregate["converted"], 2), result.aggregate["method"]
    (70.83, 'pooled')
    """
    if aggregate not in AGGREGATE_METHODS:
        raise InputError(f"aggregate must be one of {list(AGGREGATE_METHODS)}, got {aggregate!r}")
    if not 0 < level < 1:
        raise InputError(f"level must lie strictly between 0 and 1, got {level!r}")
    grouped = _grouped(elements, units)
    populations = dict(population or {})
    notes: list[Any] = []
    if grouped.unassigned:
        notes.append(msg("units.unassigned", n=grouped.unassigned))
    names = list(grouped.moments)
    if not names:
        raise InputError(msg("units.no_unit"))
    if aggregate == "population":
        missing = [name for name in names if name not in populations]
        if missing:
            raise InputError(msg("units.population_missing", units=missing[:5]))
    kwargs = {"standard": standard, "weight_mode": weight_mode, "force": force}
    total = grouped.total()
    point = ikm(total, **kwargs)  # the organisation's weight and band table (bad options raise)
    rows = {name: _unit_row(grouped.moments[name], populations.get(name), point, kwargs,
                            level, lowest) for name in names}
    table = pd.DataFrame.from_dict(rows, orient="index")
    # pandas would infer a column of texts as str and drop each Message's code
    table["error"] = pd.Series([row["error"] for row in rows.values()], index=table.index,
                               dtype=object)
    table.index.name = "unit"
    table["below_min_n"] = (table["n"] < min_n) if min_n is not None else False
    nrr = pd.DataFrame({name: row.pop("_nrr") for name, row in rows.items()}).T
    table = table.drop(columns="_nrr")
    overall = _aggregate(table, total, aggregate, kwargs, level, populations)
    _add_rest(table, grouped, total, aggregate, point.weight, level, populations)
    table["rank"] = table["converted"].rank(ascending=False, method="min")
    table = table.sort_values(["converted"], ascending=False, na_position="last")
    mode = next((r.get("_mode") for r in rows.values() if r.get("_mode")), None)
    table = table.drop(columns=["_mode"])
    notes += overall.pop("notes")
    flat = [str(name) for name in table.index[table["no_spread"]]]
    if flat:  # the delta method sees no spread: a zero-width interval understates uncertainty
        notes.append(msg("units.flat", units=", ".join(flat)))
    nrr = nrr.loc[table.index]
    return IkmUnits(units=table, nrr=nrr, nrr_band=_nrr_bands(nrr * CONVERSION, standard),
                    aggregate=overall,
                    standard=standard, weight_mode=mode or str(weight_mode), level=level,
                    min_n=min_n, notes=tuple(notes))


def _grouped(elements: pd.DataFrame | UnitMoments, units: pd.Series | None) -> UnitMoments:
    """Per-unit sums: given, or grouped from the rows in one pass."""
    if isinstance(elements, UnitMoments):
        if units is not None:
            raise InputError("units is given by the UnitMoments; pass units=None")
        return elements
    if units is None:
        raise InputError("units is required with a DataFrame of answers: each row's unit")
    _aligned_units(elements, units)
    return UnitMoments.from_frame(_check_codes(elements), units)


def _aligned_units(frame: pd.DataFrame, units: pd.Series) -> pd.Series:
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"elements must be a DataFrame, got {type(frame).__name__}")
    if not isinstance(units, pd.Series):
        raise InputError(f"units must be a Series aligned with the rows, got "
                         f"{type(units).__name__}")
    missing = frame.index.difference(units.index)
    if len(missing) > 0:
        raise InputError(f"units has no entry for {len(missing)} respondent(s) (e.g. index "
                         f"{missing[0]!r}); give units the same index as the answers")
    return units.reindex(frame.index)


def _unit_row(moments: Moments, population: int | None, point: Any, kwargs: dict,
              level: float, lowest: int) -> dict[str, Any]:
    """Every figure of one unit; a unit whose rows give no index keeps its reason.

    ``point`` is :func:`surveyq.ikm` of the whole organisation: every unit has the same
    elements, so the same weight and band table. The unit's index is the regulation's
    formula on its available-answer means, as :func:`surveyq.ikm` computes it from
    Moments (``sum_u NRR_u w`` x 25), and its interval :func:`surveyq.ikm_ci`'s analytic
    one (the same SE function); written out here because building an Ikm costs about 2.5 ms
    of pandas a unit (``tests/test_units.py`` checks every unit against a separate run).
    """
    n = int(moments.n_rows)
    needed = sample_size(int(population)) if population else None
    row: dict[str, Any] = {
        "n": n, "population": population, "sample_needed": needed,
        "adequate": (n >= needed) if needed is not None else None,
        "index": np.nan, "converted": np.nan, "band": None, "label": None, "label_en": None,
        "low": np.nan, "high": np.nan, "se": np.nan, "p_in_band": np.nan,
        "lowest_elements": [], "error": None, "no_spread": False,
        "_nrr": moments.means("available"), "_mode": None,
    }
    if (moments.item_count == 0).any():  # ikm() states which element has no answers
        try:
            ikm(moments, **kwargs)
        except SurveyqError as exc:
            row["error"] = error_message(exc)
            return row
    nrr = row["_nrr"]
    index = float((nrr * point.weight).sum())
    converted = index * CONVERSION
    band = classify(converted, band_table(point.band_table))
    row.update(index=index, converted=converted, band=band.code, label=band.label_id,
               label_en=band.label_en, _mode=point.weight_mode)
    row["lowest_elements"] = list(nrr.sort_values(kind="stable").index[:lowest])
    if n < 2:  # ikm_ci states why there is no interval
        reason = ikm_ci(moments, method="analytic", level=level, **kwargs).reason
        row["error"] = msg("units.no_interval", reason=reason)
        return row
    graded = _graded(converted, _analytic_se(moments, point.weight)[0], level,
                     kwargs["standard"])
    row.update({key: graded[key] for key in ("low", "high", "se", "p_in_band")})
    if graded["se"] == 0:  # identical answers: no spread to estimate an interval from
        row.update(low=np.nan, high=np.nan, p_in_band=np.nan, no_spread=True,
                   error=msg("units.no_interval", reason=msg("units.no_spread")))
    return row


def _nrr_bands(converted: pd.DataFrame, standard: str) -> pd.DataFrame:
    bands = band_table(IKM_STANDARDS[standard].band_table)
    return converted.apply(lambda column: [None if np.isnan(value) else
                                           classify(value, bands).code for value in column])


def _combine(converted: pd.Series, se: pd.Series, weights: pd.Series) -> tuple[float, float]:
    """Weighted mean of unit indices and its SE (independent units)."""
    total = float(weights.sum())
    value = float((weights * converted).sum() / total)
    spread = float(np.sqrt((weights**2 * se**2).sum()) / total) if se.notna().all() else np.nan
    return value, spread


def _weights(table: pd.DataFrame, method: str, populations: Mapping) -> pd.Series:
    if method == "mean":
        return pd.Series(1.0, index=table.index)
    if method == "respondents":
        return table["n"].astype(float)
    return pd.Series([float(populations[name]) for name in table.index], index=table.index)


def _aggregate(table: pd.DataFrame, total: Moments, method: str, kwargs: dict,
               level: float, populations: Mapping) -> dict[str, Any]:
    """The organisation's figure by ``method`` (its interval from the same machinery)."""
    scored = table[table["converted"].notna()]
    notes: list[Any] = []
    if method == "pooled":
        converted, se, n = _pooled(total, kwargs)
    else:
        if scored.empty:
            raise AnalysisError(msg("units.no_aggregate"))
        converted, se = _combine(scored["converted"], scored["se"],
                                 _weights(scored, method, populations))
        n = int(scored["n"].sum())
        if np.isnan(se):
            notes.append(msg("units.no_se"))
    left_out = [str(name) for name in table.index[table["converted"].isna()]]
    if left_out and method != "pooled":
        notes.append(msg("units.left_out", units=", ".join(left_out)))
    return {"method": method, "n": n, "units": int(len(scored)),
            **_graded(converted, se, level, kwargs["standard"]), "notes": notes}


def _pooled(moments: Moments, kwargs: dict) -> tuple[float, float, int]:
    """(converted, SE, n) of the respondents these sums cover, by the regulation's formula."""
    point = ikm(moments, **kwargs)
    se = ikm_ci(moments, method="analytic", **kwargs).se
    return point.converted, np.nan if se is None else float(se), int(point.n)


def _pooled_rest(moments: Moments, weight: float) -> tuple[float, float]:
    """(converted, SE) of the rest's sums: C = 25 w sum_u NRR_u and the delta-method SE of
    :func:`surveyq.ikm_ci`, without building an Ikm per unit (500 units: 500 rests)."""
    counts = moments.item_count
    if (counts == 0).any():  # an element nobody else answered: no NRR, no rest
        return np.nan, np.nan
    nrr = moments.item_sum / counts + moments.shift
    converted = float(CONVERSION * weight * nrr.sum())
    if moments.n_rows < 2:
        return converted, np.nan
    return converted, _analytic_se(moments, weight)[0]


def _graded(converted: float, se: float, level: float, standard: str) -> dict[str, Any]:
    """Band, interval and band probability of a converted value with a normal SE."""
    bands = band_table(IKM_STANDARDS[standard].band_table)
    band = classify(converted, bands)
    z = norm_ppf(0.5 + level / 2)
    lo_edge, hi_edge = bands.interval(band.code)
    if se > 0:
        p_band = float(norm_cdf(hi_edge, converted, se)
                       - norm_cdf(lo_edge, converted, se))
    else:  # as ikm_ci: no spread puts the whole chance in the printed band
        p_band = np.nan if np.isnan(se) else 1.0
    return {"index": converted / CONVERSION, "converted": converted, "band": band.code,
            "label": band.label_id, "label_en": band.label_en, "se": se,
            "low": converted - z * se, "high": converted + z * se, "p_in_band": p_band}


def _add_rest(table: pd.DataFrame, grouped: UnitMoments, total: Moments, method: str,
              weight: float, level: float, populations: Mapping) -> None:
    """Each unit against the aggregate of the other units (leave-one-out)."""
    z = norm_ppf(0.5 + level / 2)
    rest, diff, low, high, verdict = [], [], [], [], []
    for name in table.index:
        value, spread = _rest_of(name, table, grouped, total, method, weight, populations)
        d = table.at[name, "converted"] - value
        d = 0.0 if abs(d) < 1e-9 else d  # float rounding, as in _snapped
        d_se = float(np.hypot(table.at[name, "se"], spread))
        if table.at[name, "no_spread"]:  # the unit's own sampling error is unknown, not 0
            d_se = np.nan
        rest.append(value)
        diff.append(d)
        low.append(d - z * d_se)
        high.append(d + z * d_se)
        verdict.append(None if np.isnan(d_se) else
                       "higher" if d - z * d_se > 0 else "lower" if d + z * d_se < 0 else "no")
    table["rest_converted"] = rest
    table["diff"] = diff
    table["diff_low"] = low
    table["diff_high"] = high
    table["differs"] = verdict


def _rest_of(name: Hashable, table: pd.DataFrame, grouped: UnitMoments, total: Moments,
             method: str, weight: float, populations: Mapping) -> tuple[float, float]:
    """The aggregate without unit ``name``: pooled from the total sums minus the unit's
    (no second pass over the rows), else the combination of the other units' figures."""
    if np.isnan(table.at[name, "converted"]):
        return np.nan, np.nan
    try:
        if method == "pooled":
            return _pooled_rest(_without(total, grouped.moments[name]), weight)
        others = table.drop(index=name)
        scored = others[others["converted"].notna()]
        if scored.empty:
            return np.nan, np.nan
        return _combine(scored["converted"], scored["se"], _weights(scored, method, populations))
    except SurveyqError:
        return np.nan, np.nan


def _without(total: Moments, part: Moments) -> Moments:
    """The moments of ``total``'s rows minus ``part``'s (part's rows are among them).

    Every field is a sum over rows centred by the same shift, so subtracting is exact for
    integer codes (the sums are integers below 2**53).
    """
    part = part.with_shift(total.shift)
    fields = {name: getattr(total, name) - getattr(part, name)
              for name in ("n_rows", "gram", "item_count", "item_sum", "item_sumsq",
                           "pair_count", "pair_sum", "pair_sumsq", "pair_cross")}
    return Moments(items=total.items, shift=total.shift, **fields)


def units_change(current: IkmUnits, previous: IkmUnits) -> pd.DataFrame:
    """Each unit's converted index against its own previous period, with an interval.

    Parameters
    ----------
    current, previous : IkmUnits
        :func:`ikm_units` of the two periods (same standard; units matched by name).

    Returns
    -------
    DataFrame
        Indexed by the current units: ``previous`` (converted), ``change``, ``change_low``,
        ``change_high`` and ``changed`` (``"up"``, ``"down"``, ``"no"``; None when either
        period has no SE or no spread (identical answers), or the unit is new).

    Notes
    -----
    The two periods' respondents are independent samples, so
    :math:`SE(C_t - C_{t-1}) = \\sqrt{s_t^2 + s_{t-1}^2}` and the interval is
    :math:`C_t - C_{t-1} \\pm z \\, SE` at the current result's level.

    Examples
    --------
    >>> import pandas as pd
    >>> now = ikm_units(pd.DataFrame({"U1": [4, 3, 4, 4]}), pd.Series(["a", "a", "b", "b"]))
    >>> before = ikm_units(pd.DataFrame({"U1": [3, 3, 4, 4]}), pd.Series(["a", "a", "b", "b"]))
    >>> units_change(now, before)["change"].to_dict()
    {'b': 0.0, 'a': 12.5}
    """
    if current.standard != previous.standard:
        raise InputError(msg("units.standards_differ", before=previous.standard,
                             now=current.standard))
    z = norm_ppf(0.5 + current.level / 2)
    now = current.units
    before = previous.units.reindex(now.index)
    change = _snapped(now["converted"] - before["converted"])
    spread = np.sqrt(now["se"] ** 2 + before["se"] ** 2)
    flat = now["no_spread"].astype(bool) | before["no_spread"].fillna(False).astype(bool)
    spread = spread.where(~flat)  # a period without spread: its sampling error is unknown
    low, high = change - z * spread, change + z * spread
    changed = [None if np.isnan(lo) or np.isnan(hi) else "up" if lo > 0 else
               "down" if hi < 0 else "no" for lo, hi in zip(low, high, strict=True)]
    return pd.DataFrame({"previous": before["converted"], "change": change,
                         "change_low": low, "change_high": high, "changed": changed},
                        index=now.index)


def _snapped(values: pd.Series) -> pd.Series:
    """Differences of equal indices computed from differently centred sums differ from 0 by
    float rounding (1e-14); printed they would read -0.00. Below 1e-9 points they are 0."""
    return values.where(values.abs() >= 1e-9, 0.0)


def units_pairs(result: IkmUnits, adjust: str = "holm") -> pd.DataFrame:
    """Every pair of units compared, with a multiplicity correction (only when asked).

    Parameters
    ----------
    result : IkmUnits
        From :func:`ikm_units`.
    adjust : {"holm", "bonf", "fdr_bh", "none"}, default "holm"
        Correction of the p-values over all pairs (:func:`pingouin.multicomp`).

    Returns
    -------
    DataFrame
        One row per pair of units with an SE: ``unit_a``, ``unit_b``, ``diff`` (converted a
        minus b), ``se``, ``z``, ``p`` (two-sided, normal), ``p_adjusted``, ``differs``
        (``p_adjusted`` below 1 - level).

    Notes
    -----
    Units are independent samples: :math:`z = (C_a - C_b) / \\sqrt{s_a^2 + s_b^2}`. With k
    units there are k(k - 1)/2 pairs (435 for 30 units), so uncorrected p-values would flag
    about 22 pairs at 5% by chance alone; Holm (1979) controls the family-wise error and is
    never less powerful than Bonferroni. Pairs with a unit of identical answers (no spread,
    so no estimate of its sampling error) have no test and are left out.

    References
    ----------
    .. [1] Holm, S. (1979). A simple sequentially rejective multiple test procedure.
       Scandinavian Journal of Statistics, 6, 65-70.

    Examples
    --------
    >>> import pandas as pd
    >>> answers = pd.DataFrame({"U1": [4, 3, 4, 4, 2, 1, 2, 2, 3, 3, 4, 3]})
    >>> office = pd.Series(["a"] * 4 + ["b"] * 4 + ["c"] * 4)
    >>> pairs = units_pairs(ikm_units(answers, office))
    >>> pairs[["unit_a", "unit_b"]].values.tolist()
    [['a', 'c'], ['a', 'b'], ['c', 'b']]
    """
    import pingouin

    methods = ("holm", "bonf", "fdr_bh", "none")
    if adjust not in methods:
        raise InputError(f"adjust must be one of {list(methods)}, got {adjust!r}")
    table = result.units[result.units["se"].notna() & ~result.units["no_spread"].astype(bool)]
    names = list(table.index)
    rows = []
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            spread = float(np.hypot(table.at[a, "se"], table.at[b, "se"]))
            if spread == 0:
                continue
            diff = float(table.at[a, "converted"] - table.at[b, "converted"])
            z = diff / spread
            rows.append({"unit_a": a, "unit_b": b, "diff": diff, "se": spread, "z": z,
                         "p": float(2 * norm_sf(abs(z)))})
    frame = pd.DataFrame(rows, columns=["unit_a", "unit_b", "diff", "se", "z", "p"])
    if frame.empty:
        frame["p_adjusted"], frame["differs"] = [], []
        return frame
    alpha = 1 - result.level
    if adjust == "none":
        frame["p_adjusted"] = frame["p"]
    else:
        frame["p_adjusted"] = pingouin.multicomp(frame["p"].to_numpy(), alpha=alpha,
                                                 method=adjust)[1]
    frame["differs"] = frame["p_adjusted"] < alpha
    return frame
