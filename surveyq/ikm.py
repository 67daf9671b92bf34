"""Community satisfaction index: IKM (KEP/25/M.PAN/2/2004) and SKM (PermenPAN-RB 14/2017).

``ikm`` turns a respondents x elements matrix of 1-4 codes into the per-element mean
(NRR), the weighted index, the converted 25-100 value and its band; ``ikm_from_nrr`` does
the same from per-element NRRs; ``ikm_by`` and ``ikm_trend`` break results down by group
and period; ``sample_size`` gives the Krejcie & Morgan sample size. The formulas and their
conventions are in docs/methods.md section 6.
"""

from __future__ import annotations

import html
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pandas as pd

from surveyq.bands import BandTable, band_table, classify
from surveyq.errors import InputError, NoDataError
from surveyq.messages import msg
from surveyq.moments import Moments

__all__ = [
    "IKM_STANDARDS",
    "Ikm",
    "IkmStandard",
    "IkmTrend",
    "IKM_WEIGHT_MODES",
    "ikm",
    "ikm_by",
    "ikm_from_nrr",
    "ikm_trend",
    "sample_adequate",
    "sample_size",
]

#: The regulation's answer scale: every element is answered 1 (worst) to 4 (best).
SCALE_MIN, SCALE_MAX = 1, 4
#: converted = index * CONVERSION (the 1-4 index on a 25-100 scale).
CONVERSION = 25

#: Fixed-decimal weight modes: mode -> (weight multiplied, number of elements it fits).
IKM_WEIGHT_MODES: dict[str, tuple[float, int]] = {
    "0.071": (0.071, 14),  # KEP/25/2004 prints 1/14 as 0.071
    "0.111": (0.111, 9),  # offices print 1/9 as 0.111
    "0.11": (0.11, 9),  # ... or as 0.11
}
_EXACT = "exact"


@dataclass(frozen=True, kw_only=True)
class IkmStandard:
    """A regulation's IKM/SKM rules, held as data.

    Attributes
    ----------
    name, citation : str
        Registry key and the regulation it follows.
    band_table : str
        Name of the band table (in :data:`surveyq.bands.BANDS`) for the index and elements.
    default_weight_mode : str
        The weight mode used when none is given.
    elements_id, elements_en : tuple of str
        The regulation's elements, in its order (questionnaires key elements by their own
        codes and may substitute elements; this list is for reference and presets).
    min_respondents : int or None
        Guidance on the minimum number of respondents, when one is quoted.
    min_respondents_note : str
        Where that guidance comes from and how sure it is.
    """

    name: str
    citation: str
    band_table: str
    default_weight_mode: str
    elements_id: tuple[str, ...]
    elements_en: tuple[str, ...]
    min_respondents: int | None = None
    min_respondents_note: str = ""


IKM_STANDARDS: dict[str, IkmStandard] = {
    "kep25-2004": IkmStandard(
        name="kep25-2004",
        citation=(
            "Keputusan MenPAN Nomor KEP/25/M.PAN/2/2004 tentang Pedoman Umum Penyusunan "
            "Indeks Kepuasan Masyarakat Unit Pelayanan Instansi Pemerintah"
        ),
        band_table="ikm-2004",
        default_weight_mode="0.071",
        elements_id=(
            "Prosedur pelayanan",
            "Persyaratan pelayanan",
            "Kejelasan petugas pelayanan",
            "Kedisiplinan petugas pelayanan",
            "Tanggung jawab petugas pelayanan",
            "Kemampuan petugas pelayanan",
            "Kecepatan pelayanan",
            "Keadilan mendapatkan pelayanan",
            "Kesopanan dan keramahan petugas",
            "Kewajaran biaya pelayanan",
            "Kepastian biaya pelayanan",
            "Kepastian jadwal pelayanan",
            "Kenyamanan lingkungan",
            "Keamanan pelayanan",
        ),
        elements_en=(
            "Service procedure",
            "Service requirements",
            "Clarity of service staff",
            "Discipline of service staff",
            "Responsibility of service staff",
            "Competence of service staff",
            "Speed of service",
            "Fairness of service",
            "Courtesy and friendliness of staff",
            "Reasonableness of fees",
            "Certainty of fees",
            "Certainty of schedule",
            "Comfort of the environment",
            "Security of service",
        ),
        min_respondents=150,
        min_respondents_note=(
            "(14 + 1) x 10 = 150 is widely quoted for KEP/25/2004 but not confirmed in a "
            "source we could read: guidance only"
        ),
    ),
    "permenpanrb-14-2017": IkmStandard(
        name="permenpanrb-14-2017",
        citation=(
            "Peraturan Menteri PAN-RB Nomor 14 Tahun 2017 tentang Pedoman Penyusunan Survei "
            "Kepuasan Masyarakat Unit Penyelenggara Pelayanan Publik"
        ),
        band_table="skm-2017",
        default_weight_mode=_EXACT,
        elements_id=(
            "Persyaratan",
            "Sistem, mekanisme, dan prosedur",
            "Waktu penyelesaian",
            "Biaya/tarif",
            "Produk spesifikasi jenis pelayanan",
            "Kompetensi pelaksana",
            "Perilaku pelaksana",
            "Penanganan pengaduan, saran dan masukan",
            "Sarana dan prasarana",
        ),
        elements_en=(
            "Requirements",
            "Systems, mechanisms and procedures",
            "Completion time",
            "Cost/tariff",
            "Service product specification",
            "Staff competence",
            "Staff conduct",
            "Handling of complaints, suggestions and feedback",
            "Facilities and infrastructure",
        ),
        min_respondents=None,
        min_respondents_note="Sample size from the Krejcie & Morgan (1970) table (sample_size)",
    ),
}


@dataclass(frozen=True, kw_only=True, eq=False)
class Ikm:
    """Result of :func:`ikm` / :func:`ikm_from_nrr`.

    Attributes
    ----------
    elements : DataFrame
        Indexed by the questionnaire's element codes: ``nrr`` (mean answer), ``n`` (answers
        used; NaN when built from NRRs without counts), ``weight`` (the weight actually
        multiplied), ``weighted_nrr``, ``converted`` (NRR x 25), ``band``, ``label``,
        ``label_en`` (each element graded with the standard's table).
    index : float
        Sum of weighted NRRs (1-4 scale with exact weights).
    converted : float
        ``index * 25``.
    band, label, label_en : str
        Band of ``converted`` after rounding it half-up to 2 decimals.
    weight_mode : str
        ``"exact"``, ``"0.071"``, ``"0.111"`` or ``"0.11"``.
    weight : float
        The weight per element.
    standard : str
        ``"kep25-2004"`` or ``"permenpanrb-14-2017"``.
    band_table : str
        Name of the band table used.
    n : int or None
        Respondents with at least one answer (None when built from NRRs).
    forced : bool
        True if a fixed-decimal weight was used with an element count it does not fit.
    notes : tuple of str
        Anything the reader of the result should know.
    """

    elements: pd.DataFrame
    index: float
    converted: float
    band: str
    label: str
    label_en: str
    weight_mode: str
    weight: float
    standard: str
    band_table: str
    n: int | None
    forced: bool = False
    notes: tuple[str, ...] = ()

    def summary(self) -> pd.DataFrame:
        """One row: standard, weight_mode, weight, n, index, converted, band, labels."""
        fields = (
            "standard",
            "weight_mode",
            "weight",
            "n",
            "index",
            "converted",
            "band",
            "label",
            "label_en",
        )
        return pd.DataFrame([{name: getattr(self, name) for name in fields}])

    def to_frame(self) -> pd.DataFrame:
        """The per-element table (a copy of :attr:`elements`)."""
        return self.elements.copy()

    def _repr_html_(self) -> str:
        return _result_html("IKM / SKM", self.summary(), self.elements, self.notes)


def _result_html(title: str, summary: pd.DataFrame, table: pd.DataFrame, notes) -> str:
    notes_html = "".join(f"<li>{html.escape(note)}</li>" for note in notes)
    return (
        f"<h4>{html.escape(title)}</h4>"
        + summary.to_html(index=False)
        + table.to_html()
        + (f"<ul>{notes_html}</ul>" if notes_html else "")
    )


def _standard(name: str) -> IkmStandard:
    try:
        return IKM_STANDARDS[name]
    except (KeyError, TypeError):
        raise InputError(
            f"unknown IKM standard {name!r}; use one of {sorted(IKM_STANDARDS)}"
        ) from None


def _resolve_weight(
    n_elements: int, standard: IkmStandard, weight_mode: str | None, force: bool
) -> tuple[str, float, bool, list[str]]:
    """(mode, weight, forced, notes) for this many elements."""
    mode = standard.default_weight_mode if weight_mode is None else str(weight_mode)
    if mode == _EXACT:
        return mode, 1.0 / n_elements, False, []
    if mode not in IKM_WEIGHT_MODES:
        raise InputError(
            f"unknown weight_mode {weight_mode!r}; use None (the standard's default), "
            f"'exact' or one of {list(IKM_WEIGHT_MODES)}"
        )
    weight, fits = IKM_WEIGHT_MODES[mode]
    if n_elements == fits:
        return mode, weight, False, []
    message = (
        f"weight mode {mode!r} is a printed 1/{fits} and fits {fits} elements, but there are "
        f"{n_elements}"
    )
    if not force:
        raise InputError(
            f"{message}; use weight_mode='exact' (1/{n_elements}) or pass force=True to "
            "multiply by it anyway"
        )
    return mode, weight, True, [msg("ikm.weight_forced", mode=repr(mode), fits=fits,
                                    n=n_elements)]


def _numeric_answers(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """``frame`` (respondents x items) as floats, or an InputError saying what to fix."""
    if not isinstance(frame, pd.DataFrame):
        raise InputError(
            f"{name} must be a DataFrame (respondents x items), got {type(frame).__name__}"
        )
    if frame.shape[1] == 0:
        raise InputError(f"{name} has no item columns; give one column per item or element")
    if frame.columns.has_duplicates:
        duplicated = list(frame.columns[frame.columns.duplicated()])
        raise InputError(f"{name}: column names must be unique; repeated: {duplicated}")
    if all(dtype == np.float64 for dtype in frame.dtypes):  # nothing to convert (read only)
        return frame
    if all(pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
           for dtype in frame.dtypes):  # one block copy, not a conversion per column
        return pd.DataFrame(frame.to_numpy(dtype=float, na_value=np.nan), index=frame.index,
                            columns=frame.columns)
    try:
        return frame.apply(pd.to_numeric, errors="raise").astype(float)
    except (ValueError, TypeError):
        raise InputError(
            f"{name} must hold numeric answer codes (NaN for missing); map answer labels to "
            "codes first (surveyq.read_responses does this from the questionnaire)"
        ) from None


def _check_codes(items: pd.DataFrame) -> pd.DataFrame:
    return _checked_answers(items)[0]


def _checked_answers(items: pd.DataFrame, answers: AnswerArrays | None = None
                     ) -> tuple[pd.DataFrame, AnswerArrays]:
    """``items`` as floats and their :class:`AnswerArrays` (``answers`` when the caller
    has them, e.g. :meth:`AnswerArrays.of_codes`), or an InputError naming the element
    with answers that are not codes 1-4."""
    values = _numeric_answers(items, "items")
    if answers is None:
        answers = AnswerArrays.of(values)
    if not answers.within(SCALE_MIN, SCALE_MAX):
        _check_range(values)  # finds the element and its bad answers, and says so
    return values, answers


def _check_range(values: pd.DataFrame) -> None:
    array = values.to_numpy()
    valid = np.isnan(array)
    for code in range(SCALE_MIN, SCALE_MAX + 1):  # four comparisons beat round() and isin()
        valid |= array == code
    if not valid.all():
        bad = pd.DataFrame(~valid, index=values.index, columns=values.columns)
        column = bad.any().idxmax()
        examples = values.loc[bad[column], column].unique()[:3].tolist()
        raise InputError(
            f"element {column!r} has {int(bad[column].sum())} answer(s) that are not codes "
            f"{SCALE_MIN}-{SCALE_MAX} (e.g. {examples}); recode them or set them to missing"
        )


def _nrr_table(columns: pd.Index, answers: AnswerArrays) -> pd.DataFrame:
    counts = pd.Series(answers.counts(), index=columns)
    empty = list(counts.index[counts == 0])
    if empty:
        raise NoDataError(msg("error.elements_unanswered", elements=str(empty)))
    # sums of whole codes are exact in any order, so this equals DataFrame.mean()
    return pd.DataFrame({"nrr": answers.sums() / counts.to_numpy(), "n": counts.astype(int)})


def ikm(
    items: pd.DataFrame | Moments,
    standard: str = "permenpanrb-14-2017",
    weight_mode: str | None = None,
    force: bool = False,
) -> Ikm:
    """Community satisfaction index (IKM / SKM) from answers coded 1-4.

    Parameters
    ----------
    items : DataFrame or Moments
        Respondents x elements, codes 1-4, NaN for a missing answer. Columns are the
        questionnaire's element codes (``"U1"``...); any number of elements works with
        ``weight_mode="exact"``. Or their :class:`~surveyq.moments.Moments` (e.g. from
        ``Moments.from_csv(path, elements, valid_codes=[1, 2, 3, 4])`` for millions of
        rows): NRR_u and n_u are the available-answer means and counts it holds, so the
        elements table is the same; see Notes for ``n``.
    standard : {"permenpanrb-14-2017", "kep25-2004"}
        The regulation: it sets the band table and the default weight mode.
    weight_mode : {None, "exact", "0.071", "0.111", "0.11"}
        None takes the standard's default ("exact" for 2017, "0.071" for 2004). "exact" is
        1 / number of elements; the others multiply by the printed decimal.
    force : bool, default False
        Allow a fixed-decimal mode with an element count it does not fit (0.071 needs 14
        elements, 0.111 and 0.11 need 9); noted in the result.

    Returns
    -------
    Ikm

    Raises
    ------
    InputError
        Codes outside 1-4, an element with no answers, an unknown standard or weight mode,
        or a fixed-decimal mode that does not fit the element count (unless ``force``).

    Notes
    -----
    For each element u, with n_u the respondents who answered it:

    .. math:: NRR_u = \\frac{\\sum_i x_{iu}}{n_u}, \\quad
              IKM = \\sum_u w \\, NRR_u, \\quad IKM_{konversi} = 25 \\, IKM

    Missing answers are left out of their element's NRR only. The converted value is
    classified after rounding half-up to 2 decimals (KEP/25/2004: A >= 81.26, B >= 62.51,
    C >= 43.76, else D; PermenPAN-RB 14/2017: A >= 88.31, B >= 76.61, C >= 65.00, else D).
    Each element is graded with the same table on NRR x 25. With fixed-decimal weights the
    range is not 25-100 (0.071 x 14 reaches 99.40 at most); the weight multiplied is the
    one shown, never mixed with another.

    From a Moments, ``n`` (respondents who answered at least one element) is exact when
    some element was answered on every row; otherwise Moments cannot tell a row with no
    answer at all, ``n`` counts every row read and a note gives the bounds. Codes cannot be
    checked one by one: the means must lie in 1-4 and the sums of squares must be those of
    values in [1, 4]; read with ``valid_codes=[1, 2, 3, 4]`` to drop anything else.

    References
    ----------
    .. [1] Keputusan MenPAN KEP/25/M.PAN/2/2004, Pedoman Umum Penyusunan IKM.
    .. [2] Peraturan MenPAN-RB No. 14 Tahun 2017, Pedoman Penyusunan SKM.
    .. [3] docs/methods.md section 6.
    .. [4] Nugrahini et al., BSC assessment of BPMPD Kabupaten Tabanan (Tabel 8).

    Examples
    --------
    >>> import pandas as pd
    >>> answers = pd.DataFrame({"U1": [4, 3, 3, 4], "U2": [3, 3, 2, None], "U3": [4, 4, 3, 3]})
    >>> result = ikm(answers)            # PermenPAN-RB 14/2017, exact weights 1/3
    >>> result.elements["nrr"].round(4).tolist()
    [3.5, 2.6667, 3.5]
    >>> round(result.converted, 4), result.band, result.label
    (80.5556, 'B', 'Baik')
    """
    if isinstance(items, Moments):
        table, respondents, notes = _nrr_from_moments(items)
        return _build_ikm(table, standard, weight_mode, force, respondents, notes=notes)
    return _ikm_answers(items, standard, weight_mode, force)[0]


def _ikm_answers(items: pd.DataFrame, standard: str = "permenpanrb-14-2017",
                 weight_mode: str | None = None, force: bool = False,
                 answers: AnswerArrays | None = None) -> tuple[Ikm, AnswerArrays]:
    """:func:`ikm` of a frame, and the :class:`AnswerArrays` it was computed from (for
    breakdowns of the same answers). ``answers``: those of ``items`` when the caller has
    them (:meth:`AnswerArrays.of_codes`), so the frame is not turned into codes again."""
    values, answers = _checked_answers(items, answers)
    table = _nrr_table(values.columns, answers)
    respondents = int(np.count_nonzero(answers.any_answered))
    return _build_ikm(table, standard, weight_mode, force, respondents, notes=[]), answers


def _nrr_from_moments(moments: Moments) -> tuple[pd.DataFrame, int, list[str]]:
    """(NRR table, respondents, notes) from the available-answer sums of a Moments."""
    counts = moments.counts("available")
    empty = list(counts.index[counts == 0])
    if empty:
        raise NoDataError(msg("error.elements_unanswered", elements=str(empty)))
    _check_moment_range(moments)
    table = pd.DataFrame({"nrr": moments.means("available"), "n": counts.astype(int)})
    table.index.name = None
    most_answered = int(counts.max())
    if most_answered == moments.n_rows:
        return table, moments.n_rows, []
    note = msg("ikm.moments_n_rows", n=moments.n_rows, most=most_answered)
    return table, moments.n_rows, [note]


def _check_moment_range(moments: Moments) -> None:
    """Means in 1-4 and sum((x - 1)(4 - x)) >= 0 per element: necessary for codes 1-4."""
    count = moments.item_count.astype(float)
    total = moments.item_sum + moments.shift * count
    total_sq = moments.item_sumsq + 2 * moments.shift * moments.item_sum + moments.shift**2 * count
    inside = -total_sq + (SCALE_MIN + SCALE_MAX) * total - SCALE_MIN * SCALE_MAX * count
    tolerance = 1e-9 * np.maximum(1.0, total_sq)
    bad = (inside < -tolerance) | (total < SCALE_MIN * count) | (total > SCALE_MAX * count)
    if bad.any():
        element = moments.items[int(np.flatnonzero(bad)[0])]
        raise InputError(
            f"element {element!r} has answers outside {SCALE_MIN}-{SCALE_MAX} (its sums "
            "cannot come from codes 1-4); rebuild the Moments with valid_codes=[1, 2, 3, 4] "
            "or recode the data"
        )


def ikm_from_nrr(
    nrr: Mapping[Hashable, float] | pd.Series,
    standard: str = "permenpanrb-14-2017",
    weight_mode: str | None = None,
    force: bool = False,
    n: Mapping[Hashable, int] | pd.Series | None = None,
) -> Ikm:
    """The index from per-element NRRs (as papers print them, or from a streaming pass).

    Parameters
    ----------
    nrr : Mapping or Series
        Element code -> NRR (mean answer, 1-4), in questionnaire order.
    standard, weight_mode, force
        As in :func:`ikm`.
    n : Mapping or Series, optional
        Element code -> number of answers, carried into ``elements["n"]`` (NaN otherwise).

    Returns
    -------
    Ikm
        As from :func:`ikm`, with ``n=None``.

    Notes
    -----
    Same formula as :func:`ikm` from NRR_u onward (docs/methods.md section 6).

    Examples
    --------
    Nugrahini et al., Tabel 8, KEP/25/2004 with its printed weight 0.071:

    >>> nrr = [3.23, 3.14, 3.15, 3.22, 3.18, 3.16, 3.09, 3.09, 3.15, 3.16, 2.69, 2.33,
    ...        2.87, 3.02]
    >>> result = ikm_from_nrr(dict(enumerate(nrr, start=1)), standard="kep25-2004")
    >>> round(result.index, 5), round(result.converted, 3), result.band, result.label
    (3.01608, 75.402, 'B', 'Baik')
    >>> result.elements.loc[12, ["band", "label"]].tolist()
    ['C', 'Kurang baik']
    """
    values = pd.Series(nrr, dtype=float) if not isinstance(nrr, pd.Series) else nrr.astype(float)
    if values.empty:
        raise InputError("nrr is empty; give one NRR per service element")
    if values.index.has_duplicates:
        repeated = list(values.index[values.index.duplicated()])
        raise InputError(f"element codes must be unique; repeated: {repeated}")
    outside = values[~values.between(SCALE_MIN, SCALE_MAX)]
    if not outside.empty:
        raise InputError(
            f"NRR must lie in {SCALE_MIN}-{SCALE_MAX} (a mean of 1-4 codes); got "
            f"{outside.to_dict()}"
        )
    counts = (
        pd.Series(np.nan, index=values.index) if n is None else pd.Series(n).reindex(values.index)
    )
    table = pd.DataFrame({"nrr": values, "n": counts})
    return _build_ikm(table, standard, weight_mode, force, respondents=None, notes=[])


def _build_ikm(
    table: pd.DataFrame,
    standard: str,
    weight_mode: str | None,
    force: bool,
    respondents: int | None,
    notes: list[str],
) -> Ikm:
    rules = _standard(standard)
    bands = band_table(rules.band_table)
    mode, weight, forced, weight_notes = _resolve_weight(len(table), rules, weight_mode, force)
    nrr = table["nrr"]
    weighted, graded = nrr * weight, nrr * CONVERSION
    # one frame built at once: six columns added one by one took most of a small table's time
    elements = pd.DataFrame({**{name: table[name] for name in table.columns},
                             "weight": weight, "weighted_nrr": weighted, "converted": graded,
                             **_bands_of(graded, bands)}, index=table.index)
    index = float(weighted.sum())
    converted = index * CONVERSION
    band = classify(converted, bands)
    return Ikm(
        elements=elements,
        index=index,
        converted=converted,
        band=band.code,
        label=band.label_id,
        label_en=band.label_en,
        weight_mode=mode,
        weight=weight,
        standard=rules.name,
        band_table=bands.name,
        n=respondents,
        forced=forced,
        notes=tuple(notes + weight_notes),
    )


def _bands_of(values: pd.Series, table: BandTable) -> dict[str, list[str]]:
    """Each value's band: ``band``, ``label`` and ``label_en`` columns."""
    graded = [classify(value, table) for value in values]
    return {"band": [band.code for band in graded],
            "label": [band.label_id for band in graded],
            "label_en": [band.label_en for band in graded]}


def sample_size(population: int, chi2: float = 3.841, p: float = 0.5, d: float = 0.05) -> int:
    """Krejcie & Morgan (1970) sample size for a finite population.

    Parameters
    ----------
    population : int
        Population size N (e.g. service users in the survey period), at least 1.
    chi2 : float, default 3.841
        Chi-square for 1 degree of freedom at the confidence level (3.841 for 95%).
    p : float, default 0.5
        Population proportion (0.5 gives the largest sample).
    d : float, default 0.05
        Degree of accuracy (margin of error) as a proportion.

    Returns
    -------
    int

    Notes
    -----
    .. math:: s = \\frac{\\chi^2 N P (1 - P)}{d^2 (N - 1) + \\chi^2 P (1 - P)}

    rounded to the nearest integer, halves up. This reproduces every entry of the
    published table (N = 100 -> 80, 1,000 -> 278, 1,000,000 -> 384); rounding up (ceil)
    does not. SKM guidance and reports use this table.

    References
    ----------
    .. [1] Krejcie, R. V. & Morgan, D. W. (1970). Determining sample size for research
       activities. Educational and Psychological Measurement, 30, 607-610.
    .. [2] docs/methods.md section 6.

    Examples
    --------
    >>> sample_size(100), sample_size(1000), sample_size(1_000_000)
    (80, 278, 384)
    """
    if isinstance(population, bool) or not float(population).is_integer() or population < 1:
        raise InputError(f"population must be a whole number of at least 1, got {population!r}")
    if not 0 < p < 1:
        raise InputError(f"p must be a proportion strictly between 0 and 1, got {p!r}")
    if not d > 0 or not chi2 > 0:
        raise InputError(f"d and chi2 must be positive, got d={d!r}, chi2={chi2!r}")
    spread = chi2 * p * (1 - p)
    size = spread * population / (d**2 * (population - 1) + spread)
    return int(Decimal(repr(size)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def sample_adequate(n: int, population: int, **sample_size_kwargs: float) -> bool:
    """Whether ``n`` respondents reach the Krejcie & Morgan size for ``population``.

    Parameters
    ----------
    n : int
        Respondents collected.
    population : int
        Population size.
    **sample_size_kwargs
        ``chi2``, ``p``, ``d`` as in :func:`sample_size`.

    Examples
    --------
    >>> sample_adequate(80, 100), sample_adequate(79, 100)
    (True, False)
    """
    if n < 0:
        raise InputError(f"n must be a count of respondents (0 or more), got {n!r}")
    return n >= sample_size(population, **sample_size_kwargs)


def ikm_by(items: pd.DataFrame, groups: pd.Series, **ikm_kwargs) -> pd.DataFrame:
    """The index per group of respondents (service type, office, gender...).

    Parameters
    ----------
    items : DataFrame
        As in :func:`ikm`.
    groups : Series
        Group of each respondent, aligned with ``items`` by index; rows whose group is
        missing are left out (their count is in ``attrs["ungrouped"]``).
    **ikm_kwargs
        ``standard``, ``weight_mode``, ``force``, passed to :func:`ikm` for every group.

    Returns
    -------
    DataFrame
        One row per group (sorted). Columns are two-level: ``("summary", name)`` for
        ``n``, ``index``, ``converted``, ``band``, ``label``, and ``("nrr", element)`` for
        each element's NRR.

    Raises
    ------
    InputError
        As :func:`ikm` raises, naming the group (an element nobody in a group answered).

    Examples
    --------
    >>> import pandas as pd
    >>> answers = pd.DataFrame({"U1": [4, 3, 2, 2], "U2": [4, 4, 3, 2]})
    >>> office = pd.Series(["north", "north", "south", "south"])
    >>> table = ikm_by(answers, office)
    >>> table[("summary", "converted")].tolist()
    [93.75, 56.25]
    """
    aligned = _aligned_groups(items, groups)
    return _group_frame(items, aligned, ikm_kwargs)


def ikm_by_sums(found: GroupSums, elements: pd.Index, groups: pd.Series,
                **ikm_kwargs: Any) -> pd.DataFrame:
    """:func:`ikm_by` from the :class:`GroupSums` of valid codes by ``groups`` (every group
    answered every element), without another pass over the rows."""
    return _sums_frame(found, elements, ikm_kwargs, groups)


#: The summary columns of :func:`ikm_by`, in order.
_BY_SUMMARY = ("n", "index", "converted", "band", "label")


def _by_frame(keys: list[Hashable], summary: dict[str, list], nrr: dict[Hashable, Any],
              name: Hashable, ungrouped: int) -> pd.DataFrame:
    """The :func:`ikm_by` table from its columns: ``summary`` (name -> one value per group,
    :data:`_BY_SUMMARY`) and ``nrr`` (element -> one NRR per group), built at once; the
    index is named ``name`` and ``attrs["ungrouped"]`` counts the rows without a group."""
    columns = {("summary", column): summary[column] for column in _BY_SUMMARY}
    columns.update({("nrr", code): values for code, values in nrr.items()})
    frame = pd.DataFrame(columns, index=pd.Index(keys, name=name))
    frame.attrs["ungrouped"] = ungrouped
    return frame


def _aligned_groups(frame: pd.DataFrame, groups: pd.Series) -> pd.Series:
    if not isinstance(groups, pd.Series):
        raise InputError(
            f"groups must be a Series aligned with the rows, got {type(groups).__name__}"
        )
    missing = frame.index.difference(groups.index)
    if len(missing) > 0:
        raise InputError(
            f"groups has no entry for {len(missing)} respondent(s) (e.g. index {missing[0]!r}); "
            "give groups the same index as the answers"
        )
    return groups.reindex(frame.index)


@dataclass(frozen=True)
class GroupSums:
    """Per group of respondents (in ``groupby(sort=True)`` order), the answered count and the
    sum of every element, and the respondents with at least one answer."""

    keys: list[Hashable]
    counts: np.ndarray       # groups x elements
    sums: np.ndarray         # groups x elements (whole codes: exact in any order)
    respondents: np.ndarray  # groups
    ungrouped: int = 0       # rows without a group (left out)


#: Whole answers 0 to this are counted code by code (:class:`AnswerArrays`, int8 codes).
_MAX_WHOLE = 126


@dataclass(frozen=True)
class AnswerArrays:
    """The answers (a frame of numbers, NaN for missing) as :func:`group_sums` and
    :func:`ikm` count them, built once for several groupings of the same answers.

    When every answer is a whole number 0 to ``_MAX_WHOLE`` (answer codes), ``codes``
    holds answer + 1 as int8 (0 for a missing answer) and ``tally`` each element's count of
    every code: a group's counts and sums then follow exactly from one unweighted count of
    (group, code) per element. Otherwise ``filled`` (0 for a missing answer) and
    ``answered`` (1.0 for an answer) are the float arrays of a weighted count. Column-major,
    so each element's answers are contiguous.
    """

    any_answered: np.ndarray             # rows: True for a row with an answer
    codes: np.ndarray | None = None      # rows x elements, int8 answer + 1, 0 missing
    tally: np.ndarray | None = None      # elements x codes 0..width - 1
    filled: np.ndarray | None = None     # rows x elements, 0 for a missing answer
    answered: np.ndarray | None = None   # rows x elements, 1.0 for an answer, else 0.0

    @classmethod
    def of(cls, items: pd.DataFrame) -> AnswerArrays:
        array = items.to_numpy(dtype=float, na_value=np.nan)
        found = _whole_codes(array)
        if found is not None:
            codes, tally = found
            return cls(codes.any(axis=1), codes=codes, tally=tally)
        answered = ~np.isnan(array)
        return cls(answered.any(axis=1),
                   filled=np.asfortranarray(np.where(answered, array, 0.0)),
                   answered=np.asfortranarray(answered, dtype=float))

    @classmethod
    def of_codes(cls, columns: list[np.ndarray]) -> AnswerArrays | None:
        """:meth:`of` the frame whose columns are ``columns``: each element's answers as
        int8 codes that are the answers themselves, 0 for no answer (the codes
        :func:`surveyq.clean.clean` keeps, :meth:`Responses.item_codes`), without turning
        floats back into codes. None when a code is not an answer 1 to ``_MAX_WHOLE``
        (then :meth:`of` the frame instead).

        The same codes (answer + 1), tally and width as :meth:`of`: every count and sum
        built from them is the same.
        """
        rows = len(columns[0]) if columns else 0
        if any(column.dtype != np.int8 or len(column) != rows for column in columns):
            return None
        if rows and any(column.min() < 0 or column.max() > _MAX_WHOLE for column in columns):
            return None
        codes = np.empty((rows, len(columns)), dtype=np.int8, order="F")
        for j, column in enumerate(columns):  # answer + 1 where answered, 0 where not
            np.add(column, column.astype(bool), out=codes[:, j])
        top = int(codes.max()) if codes.size else 0
        views = [codes[:, j].view(np.uint8) for j in range(len(columns))]
        tally = _code_tallies(views, None, 1, top + 1)[:, 0]
        return cls(codes.any(axis=1), codes=codes, tally=tally)

    @property
    def width(self) -> int:
        """Codes 0 to ``width - 1`` occur (whole answers up to ``width - 2``)."""
        return self.tally.shape[1]

    def within(self, low: int, high: int) -> bool:
        """Whether every answer is a whole number from ``low`` to ``high``."""
        if self.tally is None:
            return False
        outside = np.ones(self.width, dtype=bool)
        outside[0] = False  # missing
        outside[low + 1:high + 2] = False
        return not self.tally[:, outside].any()

    def counts(self) -> np.ndarray:
        """Answers per element (int64)."""
        if self.tally is None:
            return np.rint(self.answered.sum(axis=0)).astype(np.int64)
        return self.tally[:, 1:].sum(axis=1)

    def sums(self) -> np.ndarray:
        """Sum of each element's answers (float; whole numbers, exact in any order)."""
        if self.tally is None:
            return self.filled.sum(axis=0)
        return _code_totals(self.tally)


def _code_totals(tally: np.ndarray) -> np.ndarray:
    """Sum of the answers from counts of codes (answer + 1) along the last axis."""
    return (tally[..., 1:] * np.arange(tally.shape[-1] - 1)).sum(axis=-1).astype(float)


def _whole_codes(array: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(codes, tally) of :class:`AnswerArrays` when every answer in ``array`` (rows x
    elements, NaN for missing) is a whole number 0 to ``_MAX_WHOLE``, else None.

    Per element: the int8 cast (NaN and values out of range cast to anything), compared
    with the answers, marks the whole ones; the element qualifies when every answer is
    whole and its code (answer + 1) neither wrapped past 127 nor fell to 0 (answer -1).
    """
    rows, k = array.shape
    codes = np.empty((rows, k), dtype=np.int8, order="F")
    top = 0
    for j in range(k):
        column = array[:, j]
        with np.errstate(invalid="ignore"):
            whole = column.astype(np.int8)
        exact = whole == column  # False where missing
        answered = rows - np.count_nonzero(np.isnan(column))
        code = np.multiply(np.add(whole, 1, out=whole), exact, out=codes[:, j])
        if (np.count_nonzero(exact) != answered or np.count_nonzero(code) != answered
                or (rows and code.min() < 0)):
            return None
        top = max(top, int(code.max()) if rows else 0)
    columns = [codes[:, j].view(np.uint8) for j in range(k)]
    return codes, _code_tallies(columns, None, 1, top + 1)[:, 0]


#: Keys of one count (groups x codes of several elements) are kept to uint16.
_PACKED_BINS = 1 << 16


def _code_tallies(columns: list[np.ndarray], where: np.ndarray | None, groups: int,
                  width: int) -> np.ndarray:
    """columns x groups x codes: how often each column (uint8 codes 0 to ``width - 1``)
    has each code in each of ``groups`` (``where``: each row's, 0 to groups - 1; None for
    one group).

    Several columns share one unweighted count of (group, code, code, ...) keys while
    those fit in uint16 (a count reads its keys once, whatever their range); each
    column's table is that count summed over the others.
    """
    k = len(columns)
    per = 1
    while per < k and groups * width ** (per + 1) <= _PACKED_BINS:
        per += 1
    tallies = np.empty((k, groups, width), dtype=np.int64)
    for start in range(0, k, per):
        block = range(start, min(start + per, k))
        shape = (groups,) + (width,) * len(block)
        bins = int(np.prod(shape))
        dtype = _key_type(bins)
        rows = len(columns[start])
        key = (np.zeros(rows, dtype) if where is None
               else where.astype(dtype, copy=False) * dtype(bins // groups))
        scaled = np.empty(rows, dtype)
        for place, j in enumerate(block):
            step = width ** (len(block) - 1 - place)
            key += columns[j] if step == 1 else np.multiply(columns[j], dtype(step), out=scaled)
        tally = np.bincount(key, minlength=bins).reshape(shape)
        for place, j in enumerate(block):
            others = tuple(axis for axis in range(1, len(block) + 1) if axis != place + 1)
            tallies[j] = tally.sum(axis=others)
    return tallies


def group_sums(items: pd.DataFrame, groups: pd.Series, *,
               codes: tuple[np.ndarray, list[Hashable]] | None = None,
               answers: AnswerArrays | None = None) -> GroupSums:
    """:class:`GroupSums` of answers (numbers, NaN for missing) by ``groups`` (aligned with
    ``items``; rows whose group is missing are left out), in one pass over the rows rather
    than one frame per group.

    ``codes``: ``pandas.factorize(groups, sort=True)`` when the caller has it, and
    ``answers``: :meth:`AnswerArrays.of` ``items``, so several groupings share them.
    """
    codes, keys = codes if codes is not None else _sorted_codes(groups)
    found = answers if answers is not None else AnswerArrays.of(items)
    return _bincount_sums(found, np.asarray(codes), keys)


def _sorted_codes(groups: pd.Series) -> tuple[np.ndarray, list[Hashable]]:
    codes, uniques = pd.factorize(groups, sort=True)  # groupby's keys and order
    return codes, list(uniques)


def _bincount_sums(found: AnswerArrays, codes: np.ndarray, keys: list[Hashable]) -> GroupSums:
    """Counts per group, rows without a group (code -1) in a last bin that is dropped:
    whole numbers add up exactly in any order. A product with a group-membership matrix
    was no faster on an idle machine, and took several times as long on a busy one (BLAS
    threads waiting for a core)."""
    n_groups = len(keys)
    where = _group_index(codes, n_groups)
    if found.codes is not None:
        counts, sums, respondents = _code_group_sums(found, where, n_groups)
    else:
        counts, sums, respondents = _weighted_group_sums(found, where, n_groups)
    return GroupSums(keys, counts, sums, respondents, int(np.count_nonzero(codes < 0)))


def _key_type(bins: int) -> type[np.unsignedinteger] | type[np.intp]:
    """The smallest unsigned type holding keys 0 to ``bins - 1`` (a count reads less)."""
    return next((t for t in (np.uint8, np.uint16) if bins <= np.iinfo(t).max + 1), np.intp)


def _group_index(codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Each row's group, ``n_groups`` for a row without one (code -1), in a small type."""
    dtype = _key_type(n_groups + 2)
    if dtype is np.intp:
        return np.where(codes < 0, n_groups, codes).astype(np.intp, copy=False)
    where = codes.astype(dtype)  # -1 wraps to the type's largest value ...
    return np.minimum(where, n_groups, out=where)  # ... and becomes n_groups


def _code_group_sums(found: AnswerArrays, where: np.ndarray,
                     n_groups: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Counts of (group, code) per element, and of (group, answered at all) beside them
    in the same counts: answer counts, sums and respondents follow exactly."""
    k = found.codes.shape[1]
    columns = [found.codes[:, j].view(np.uint8) for j in range(k)]
    columns.append(found.any_answered.view(np.uint8))
    tally = _code_tallies(columns, where, n_groups + 1, max(found.width, 2))[:, :n_groups]
    elements = tally[:k, :, :found.width]
    return (elements[..., 1:].sum(axis=2).T.copy(), _code_totals(elements).T.copy(),
            tally[k, :, 1].copy())


def _weighted_group_sums(found: AnswerArrays, where: np.ndarray,
                         n_groups: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One weighted count per element column (answers that are not whole codes)."""
    def per_group(weights: np.ndarray) -> np.ndarray:
        return np.bincount(where, weights=weights, minlength=n_groups + 1)[:n_groups]

    counts = np.zeros((n_groups, found.filled.shape[1]))
    sums = np.zeros_like(counts)
    for j in range(found.filled.shape[1]):
        counts[:, j] = per_group(found.answered[:, j])
        sums[:, j] = per_group(found.filled[:, j])
    respondents = np.bincount(where[found.any_answered], minlength=n_groups + 1)[:n_groups]
    return np.rint(counts).astype(np.int64), sums, respondents.astype(np.int64)


def _group_frame(items: pd.DataFrame, aligned: pd.Series, ikm_kwargs: dict) -> pd.DataFrame:
    """The :func:`ikm_by` table. From :func:`group_sums` when every code is valid and every
    group answered every element; otherwise group by group, so an error names its group."""
    found = None
    if set(ikm_kwargs) <= {"standard", "weight_mode", "force"} and not isinstance(
            aligned.dtype, pd.CategoricalDtype):
        try:
            values, answers = _checked_answers(items)
            found = group_sums(values, aligned, answers=answers)
        except InputError:
            found = None
    if found is not None and not (found.counts == 0).any():
        return _sums_frame(found, values.columns, ikm_kwargs, aligned)
    results = [(group, _ikm_for_group(members, group, ikm_kwargs))
               for group, members in items.groupby(aligned, sort=True)]
    summary = {name: [getattr(result, name) for _, result in results]
               for name in _BY_SUMMARY}
    nrr = {code: [result.elements["nrr"][code] for _, result in results]
           for code in items.columns}
    return _by_frame([group for group, _ in results], summary, nrr, aligned.name,
                     int(aligned.isna().sum()))


def _sums_frame(found: GroupSums, elements: pd.Index, ikm_kwargs: dict,
                aligned: pd.Series) -> pd.DataFrame:
    """The :func:`ikm_by` table from the group sums: each group's figures as
    :func:`_build_ikm` computes them (the same operations on the same numbers: NRR = sum /
    count, the weighted NRRs summed as one row), without a result per group."""
    options = {"standard": "permenpanrb-14-2017", "weight_mode": None, "force": False,
               **ikm_kwargs}
    try:
        rules = _standard(options["standard"])
        weight = _resolve_weight(len(elements), rules, options["weight_mode"],
                                 options["force"])[1]
    except InputError as error:  # the first group is the first to be computed
        if not found.keys:
            raise
        raise _in_group(found.keys[0], error) from error
    bands = band_table(rules.band_table)
    nrr = found.sums / found.counts
    index = [float(row.sum()) for row in nrr * weight]
    converted = [value * CONVERSION for value in index]
    graded = [classify(value, bands) for value in converted]
    summary = {"n": [int(n) for n in found.respondents], "index": index,
               "converted": converted, "band": [band.code for band in graded],
               "label": [band.label_id for band in graded]}
    return _by_frame(found.keys, summary, dict(zip(elements, nrr.T, strict=True)),
                     aligned.name, found.ungrouped)


def _ikm_for_group(members: pd.DataFrame, group: Hashable, ikm_kwargs: dict) -> Ikm:
    try:
        return ikm(members, **ikm_kwargs)
    except InputError as error:
        raise _in_group(group, error) from error


def _in_group(group: Hashable, error: InputError) -> InputError:
    """``error`` of one group's rows, naming the group (its detail keeps its translation)."""
    return InputError(msg("error.group_detail", group=repr(group), detail=error.args[0]))


@dataclass(frozen=True, kw_only=True, eq=False)
class IkmTrend:
    """Result of :func:`ikm_trend`.

    Attributes
    ----------
    summary : DataFrame
        Indexed by period: ``standard``, ``weight_mode``, ``n``, ``index``, ``converted``,
        ``converted_change`` (vs the previous period), ``band``, ``label``.
    nrr : DataFrame
        Elements x periods: each element's NRR (NaN where a period lacks the element).
    change : DataFrame
        Elements x periods: NRR minus the previous period's (NaN for the first period).
    notes : tuple of str
        E.g. periods computed under different standards or weight modes.
    """

    summary: pd.DataFrame
    nrr: pd.DataFrame
    change: pd.DataFrame
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """Long table: one row per (period, element) with ``nrr`` and ``change``."""
        per_period = {
            period: pd.DataFrame({"nrr": self.nrr[period], "change": self.change[period]})
            for period in self.nrr.columns
        }
        frame = pd.concat(per_period, names=["period", "element"])
        return frame

    def _repr_html_(self) -> str:
        return _result_html("IKM / SKM trend", self.summary.reset_index(), self.nrr, self.notes)


def ikm_trend(results: Mapping[Hashable, Ikm]) -> IkmTrend:
    """Per-element NRR and the index across periods, with the change from the period before.

    Parameters
    ----------
    results : Mapping
        Period -> :class:`Ikm`, in chronological order (the mapping's order is used; the
        "previous period" is the entry before).

    Returns
    -------
    IkmTrend

    Notes
    -----
    change_{u,t} = NRR_{u,t} - NRR_{u,t-1}; converted_change_t = converted_t -
    converted_{t-1}. Elements are matched by code; an element missing in a period gives
    NaN there. Periods under different standards or weight modes are compared anyway and
    a note says so (their bands come from different tables).

    Examples
    --------
    >>> r2023 = ikm_from_nrr({"U1": 3.0, "U2": 3.2})
    >>> r2024 = ikm_from_nrr({"U1": 3.1, "U2": 3.6})
    >>> trend = ikm_trend({2023: r2023, 2024: r2024})
    >>> trend.change[2024].round(2).tolist()
    [0.1, 0.4]
    >>> trend.summary["converted_change"].round(2).tolist()
    [nan, 6.25]
    """
    if not results:
        raise InputError("results is empty; give at least one period -> Ikm")
    not_ikm = [period for period, result in results.items() if not isinstance(result, Ikm)]
    if not_ikm:
        raise InputError(f"every value must be an Ikm result; not so for period(s) {not_ikm}")
    periods = list(results)
    nrr = pd.concat({period: results[period].elements["nrr"] for period in periods}, axis=1)
    summary = pd.DataFrame(
        {
            "standard": [results[p].standard for p in periods],
            "weight_mode": [results[p].weight_mode for p in periods],
            "n": [results[p].n for p in periods],
            "index": [results[p].index for p in periods],
            "converted": [results[p].converted for p in periods],
            "band": [results[p].band for p in periods],
            "label": [results[p].label for p in periods],
        },
        index=pd.Index(periods, name="period"),
    )
    summary.insert(5, "converted_change", summary["converted"].diff())
    return IkmTrend(
        summary=summary,
        nrr=nrr,
        change=nrr.T.diff().T,
        notes=tuple(_trend_notes(summary)),
    )


def _trend_notes(summary: pd.DataFrame) -> list[str]:
    notes = []
    for column in ("standard", "weight_mode"):
        used = summary[column].unique().tolist()
        if len(used) > 1:
            notes.append(msg(f"ikm.trend_mixed_{column}", used=str(used)))
    return notes
