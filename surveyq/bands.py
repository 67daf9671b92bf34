"""Band tables: every published classification surveyq uses, held as named data.

A band table turns a number (a converted IKM, a CSI, an NKO, a composite index...) into a
band code and its Indonesian and English labels. Tables are data, not if-chains, so a new
regulation is a new :class:`BandTable` registered in :data:`BANDS` (see
docs/methods.md, "Band tables").

Rounding for bands
------------------
Every classification rounds the value half-up to the table's decimals (2 unless stated)
first, with :func:`round_half_up`, so a printed number and its band can never disagree:
88.305 prints as 88.31 and is graded A under PermenPAN-RB 14/2017.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from surveyq.errors import InputError
from surveyq.messages import msg

__all__ = [
    "BANDS",
    "Band",
    "BandTable",
    "band_table",
    "classify",
    "register_band_table",
    "round_half_up",
]

#: Significant digits a spreadsheet keeps; floats are read at this precision before rounding.
_SPREADSHEET_DIGITS = 15


def _to_decimal(value: float) -> Decimal:
    """The float as a spreadsheet shows it (15 significant digits), as a Decimal."""
    return Decimal(format(float(value), f".{_SPREADSHEET_DIGITS}g"))


def round_half_up(value: float, decimals: int = 2) -> float:
    """Round half away from zero, as a spreadsheet's ROUND does (not Python's ``round``).

    Parameters
    ----------
    value : float
        The number to round. NaN and infinities are returned unchanged.
    decimals : int, default 2
        Decimal places to keep.

    Returns
    -------
    float

    Notes
    -----
    The float is first read at 15 significant digits, as a spreadsheet holds it, so binary
    representation noise cannot flip a half: ``88.305`` is stored as 88.30499999999999971...
    but rounds to 88.31, as ROUND(88.305; 2) does in a spreadsheet. Then
    ``decimal.ROUND_HALF_UP`` is applied (halves go away from zero: -0.125 -> -0.13).
    Python's ``round`` rounds halves to even and works on the binary value, so
    ``round(2.675, 2)`` gives 2.67; this function gives 2.68.

    References
    ----------
    .. [1] docs/methods.md, "Rounding for bands".

    Examples
    --------
    >>> round_half_up(88.305)
    88.31
    >>> round(2.675, 2), round_half_up(2.675)
    (2.67, 2.68)
    >>> round_half_up(-0.125)
    -0.13
    """
    if not math.isfinite(value):
        return float(value)
    step = Decimal(1).scaleb(-decimals)
    return float(_to_decimal(value).quantize(step, rounding=ROUND_HALF_UP))


@dataclass(frozen=True, kw_only=True)
class Band:
    """One band of a :class:`BandTable`.

    Attributes
    ----------
    code : str
        Stable code (``"A"``, ``"very_satisfied"``...), used in results.json.
    lower : float or None
        The band's threshold; None for the last band, which takes everything below.
    inclusive : bool
        True: the band holds values ``>= lower``; False: values ``> lower``.
    label_id, label_en : str
        Indonesian and English labels.
    secondary_id, secondary_en : str or None
        A second label set some tables print beside the first (LAN 1999's level of success).
    """

    code: str
    lower: float | None
    inclusive: bool = True
    label_id: str
    label_en: str
    secondary_id: str | None = None
    secondary_en: str | None = None

    @property
    def condition(self) -> str:
        """The band's rule as text, e.g. ``">= 88.31"``, ``"> 100"`` or ``"otherwise"``."""
        if self.lower is None:
            return "otherwise"
        return f"{'>=' if self.inclusive else '>'} {self.lower:g}"


@dataclass(frozen=True, kw_only=True)
class BandTable:
    """A named, ordered classification table with its source.

    Attributes
    ----------
    name : str
        Registry key, e.g. ``"skm-2017"``.
    title : str
        What the table grades, in words.
    source : str
        Citation of where the table is published.
    bands : tuple of Band
        Highest band first; only the last band has ``lower=None``.
    decimals : int
        Values are rounded half-up to this many decimals before they are compared.
    note : str
        How sure the source is (secondary source, unconfirmed...), or "".
    secondary_title : str or None
        What the bands' secondary labels mean, when they have them.
    """

    name: str
    title: str
    source: str
    bands: tuple[Band, ...]
    decimals: int = 2
    note: str = ""
    secondary_title: str | None = None

    def __post_init__(self) -> None:
        _check_bands(self.name, self.bands)

    @property
    def codes(self) -> tuple[str, ...]:
        """Band codes, highest first."""
        return tuple(band.code for band in self.bands)

    def band(self, code: str) -> Band:
        """The band with this code."""
        for candidate in self.bands:
            if candidate.code == code:
                return candidate
        raise InputError(msg("bands.no_band", table=repr(self.name), code=repr(code),
                             codes=str(self.codes)))

    def classify(self, value: float) -> Band:
        """The band of ``value`` after rounding it half-up (see :func:`classify`)."""
        return classify(value, self)

    def interval(self, code: str) -> tuple[float, float]:
        """Unrounded values ``[low, high)`` that this table puts in band ``code``.

        Because values are rounded to ``decimals`` first, a ``>= 88.31`` band starts at
        88.305 and a ``> 100`` band at 100.005. The first band is open above (``inf``) and
        the last open below (``-inf``).
        """
        position = self.codes.index(self.band(code).code)
        low = self._lowest_unrounded(self.bands[position])
        high = math.inf if position == 0 else self._lowest_unrounded(self.bands[position - 1])
        return low, high

    def _lowest_unrounded(self, band: Band) -> float:
        if band.lower is None:
            return -math.inf
        half_step = 0.5 * 10.0**-self.decimals
        return band.lower - half_step if band.inclusive else band.lower + half_step

    def to_frame(self) -> pd.DataFrame:
        """One row per band: condition, label_id, label_en (and secondary labels if any)."""
        rows = [
            {
                "code": band.code,
                "condition": band.condition,
                "label_id": band.label_id,
                "label_en": band.label_en,
                "secondary_id": band.secondary_id,
                "secondary_en": band.secondary_en,
            }
            for band in self.bands
        ]
        frame = pd.DataFrame(rows).set_index("code")
        if self.secondary_title is None:
            frame = frame.drop(columns=["secondary_id", "secondary_en"])
        return frame

    def _repr_html_(self) -> str:
        heading = f"<p><b>{html.escape(self.title)}</b> ({html.escape(self.name)})<br>"
        source = f"Source: {html.escape(self.source)}</p>"
        return heading + source + self.to_frame().to_html()


def _check_bands(name: str, bands: tuple[Band, ...]) -> None:
    if not bands:
        raise InputError(msg("bands.table_empty", table=repr(name)))
    codes = [band.code for band in bands]
    if len(set(codes)) != len(codes):
        raise InputError(msg("bands.code_repeated", table=repr(name), codes=str(codes)))
    if bands[-1].lower is not None or any(band.lower is None for band in bands[:-1]):
        raise InputError(msg("bands.last_open", table=repr(name)))
    thresholds = [band.lower for band in bands[:-1]]
    if any(upper <= lower for upper, lower in zip(thresholds, thresholds[1:], strict=False)):
        raise InputError(msg("bands.thresholds_order", table=repr(name),
                             thresholds=str(thresholds)))


def _meets(rounded: Decimal, band: Band) -> bool:
    if band.lower is None:
        return True
    threshold = _to_decimal(band.lower)
    return rounded >= threshold if band.inclusive else rounded > threshold


def classify(value: float, table: BandTable | str) -> Band:
    """The band a value falls in, after rounding it half-up to the table's decimals.

    Parameters
    ----------
    value : float
        The value as computed (unrounded).
    table : BandTable or str
        A table, or the name of a registered one (see :data:`BANDS`).

    Returns
    -------
    Band
        The first band, highest first, whose threshold the rounded value meets.

    Raises
    ------
    InputError
        If ``value`` is NaN or infinite, or ``table`` is not a registered name.

    Notes
    -----
    The value is rounded with :func:`round_half_up` to ``table.decimals`` (2 for every
    shipped table) and then compared with each band's threshold, ``>=`` or ``>`` as the
    band says. The published tables list closed ranges with gaps (SKM 2017: 65.00-76.60 C,
    76.61-88.30 B); comparing the rounded value with the lower edges leaves no gaps.

    References
    ----------
    .. [1] docs/methods.md, "Rounding for bands" and "Band tables".

    Examples
    --------
    >>> classify(88.305, "skm-2017").code
    'A'
    >>> classify(88.304, "skm-2017").label_id
    'Baik'
    >>> classify(100.0, "nko-kemenkeu-lakin").label_id   # Istimewa needs > 100
    'Baik'
    """
    resolved = band_table(table)
    if not math.isfinite(value):
        raise InputError(msg("bands.not_finite", value=repr(value), table=repr(resolved.name)))
    rounded = _to_decimal(round_half_up(value, resolved.decimals))
    for band in resolved.bands:
        if _meets(rounded, band):
            return band
    raise AssertionError("unreachable: the last band has no threshold")  # pragma: no cover


def band_table(table: BandTable | str) -> BandTable:
    """Resolve a table given by name (a key of :data:`BANDS`) or as a :class:`BandTable`."""
    if isinstance(table, BandTable):
        return table
    try:
        return BANDS[table]
    except (KeyError, TypeError):
        raise InputError(msg("bands.table_unknown", table=repr(table),
                             known=str(sorted(BANDS)))) from None


def register_band_table(table: BandTable, replace: bool = False) -> BandTable:
    """Add a table to :data:`BANDS` under its name (a new regulation is a data change)."""
    if table.name in BANDS and not replace:
        raise InputError(msg("bands.table_registered", table=repr(table.name)))
    BANDS[table.name] = table
    return table


def _ikm_bands(a: float, b: float, c: float) -> tuple[Band, ...]:
    return (
        Band(code="A", lower=a, label_id="Sangat baik", label_en="Very good"),
        Band(code="B", lower=b, label_id="Baik", label_en="Good"),
        Band(code="C", lower=c, label_id="Kurang baik", label_en="Poor"),
        Band(code="D", lower=None, label_id="Tidak baik", label_en="Very poor"),
    )


IKM_2004 = BandTable(
    name="ikm-2004",
    title="IKM service quality (mutu pelayanan), converted index 25-100",
    source=msg("bands.source.ikm-2004"),
    bands=_ikm_bands(81.26, 62.51, 43.76),
)

SKM_2017 = BandTable(
    name="skm-2017",
    title="SKM service quality (mutu pelayanan), converted index 25-100",
    source=msg("bands.source.skm-2017"),
    bands=_ikm_bands(88.31, 76.61, 65.00),
)

CSI = BandTable(
    name="csi",
    title="Customer Satisfaction Index (percent)",
    source=msg("bands.source.csi"),
    note=msg("bands.note.csi"),
    bands=(
        Band(code="very_satisfied", lower=81, label_id="Sangat puas", label_en="Very satisfied"),
        Band(code="satisfied", lower=66, label_id="Puas", label_en="Satisfied"),
        Band(code="fairly_satisfied", lower=51, label_id="Cukup puas", label_en="Fairly satisfied"),
        Band(code="less_satisfied", lower=35, label_id="Kurang puas", label_en="Less satisfied"),
        Band(code="not_satisfied", lower=None, label_id="Tidak puas", label_en="Not satisfied"),
    ),
)

NKO_KEMENKEU_LAKIN = BandTable(
    name="nko-kemenkeu-lakin",
    title="Predikat Nilai Kinerja Organisasi (NKO)",
    source=msg("bands.source.nko-kemenkeu-lakin"),
    note=msg("bands.note.nko-kemenkeu-lakin"),
    bands=(
        Band(
            code="istimewa", lower=100, inclusive=False, label_id="Istimewa", label_en="Outstanding"
        ),
        Band(code="baik", lower=90, label_id="Baik", label_en="Good"),
        Band(
            code="butuh_perbaikan",
            lower=70,
            label_id="Butuh Perbaikan",
            label_en="Needs improvement",
        ),
        Band(code="kurang", lower=50, label_id="Kurang", label_en="Poor"),
        Band(code="sangat_kurang", lower=None, label_id="Sangat Kurang", label_en="Very poor"),
    ),
)

NKO_ALTERNATIVE = BandTable(
    name="nko-alternative",
    title="Predikat Nilai Kinerja Organisasi (NKO), circulating alternative",
    source=msg("bands.source.nko-alternative"),
    note=msg("bands.note.nko-alternative"),
    bands=(
        Band(code="sangat_baik", lower=110, label_id="Sangat Baik", label_en="Very good"),
        Band(code="baik", lower=100, inclusive=False, label_id="Baik", label_en="Good"),
        Band(code="cukup", lower=90, inclusive=False, label_id="Cukup", label_en="Fair"),
        Band(code="kurang", lower=80, inclusive=False, label_id="Kurang", label_en="Poor"),
        Band(code="buruk", lower=None, label_id="Buruk", label_en="Bad"),
    ),
)

LAN_1999 = BandTable(
    name="lan-1999",
    title="Composite index of government agency performance (kualifikasi)",
    source=msg("bands.source.lan-1999"),
    note=msg("bands.note.lan-1999"),
    secondary_title="Tingkat keberhasilan / level of success",
    bands=(
        Band(
            code="very_good",
            lower=85,
            label_id="Sangat baik",
            label_en="Very good",
            secondary_id="Sangat berhasil",
            secondary_en="Very successful",
        ),
        Band(
            code="good",
            lower=70,
            label_id="Baik",
            label_en="Good",
            secondary_id="Berhasil",
            secondary_en="Successful",
        ),
        Band(
            code="fair",
            lower=55,
            label_id="Sedang",
            label_en="Fair",
            secondary_id="Cukup berhasil",
            secondary_en="Fairly successful",
        ),
        Band(
            code="poor",
            lower=None,
            label_id="Kurang baik",
            label_en="Poor",
            secondary_id="Tidak berhasil",
            secondary_en="Not successful",
        ),
    ),
)

COMPANY_SCORE_HARUMANTAKA = BandTable(
    name="company-score-harumantaka",
    title="Final company score (0-1)",
    source=msg("bands.source.company-score-harumantaka"),
    note=msg("bands.note.company-score-harumantaka"),
    bands=(
        Band(code="istimewa", lower=0.90, label_id="Istimewa", label_en="Outstanding"),
        Band(code="baik_sekali", lower=0.70, label_id="Baik sekali", label_en="Very good"),
        Band(code="baik", lower=0.59, label_id="Baik", label_en="Good"),
        Band(code="cukup", lower=None, label_id="Cukup", label_en="Fair"),
    ),
)

VFM_ECONOMY = BandTable(
    name="vfm-economy",
    title="Value for money: economy ratio (realised / budgeted spending, percent)",
    source=msg("bands.source.vfm-economy"),
    bands=(
        Band(
            code="not_economical", lower=100, label_id="Tidak ekonomis", label_en="Not economical"
        ),
        Band(code="economical", lower=None, label_id="Ekonomis", label_en="Economical"),
    ),
)

VFM_EFFICIENCY = BandTable(
    name="vfm-efficiency",
    title="Value for money: efficiency ratio (cost of earning revenue / revenue, percent)",
    source=msg("bands.source.vfm-efficiency"),
    bands=(
        Band(code="not_efficient", lower=100, label_id="Tidak efisien", label_en="Not efficient"),
        Band(code="efficient", lower=None, label_id="Efisien", label_en="Efficient"),
    ),
)

VFM_EFFECTIVENESS = BandTable(
    name="vfm-effectiveness",
    title="Value for money: effectiveness ratio (realised / target revenue, percent)",
    source=msg("bands.source.vfm-effectiveness"),
    bands=(
        Band(code="effective", lower=100, label_id="Efektif", label_en="Effective"),
        Band(code="not_effective", lower=None, label_id="Tidak efektif", label_en="Not effective"),
    ),
)

VFM_EFFECTIVENESS_KEPMENDAGRI = BandTable(
    name="vfm-effectiveness-kepmendagri-1996",
    title="Value for money: effectiveness criteria (realised / target revenue, percent)",
    source=msg("bands.source.vfm-effectiveness-kepmendagri-1996"),
    note=msg("bands.note.vfm-effectiveness-kepmendagri-1996"),
    bands=(
        Band(
            code="very_effective",
            lower=100,
            inclusive=False,
            label_id="Sangat efektif",
            label_en="Very effective",
        ),
        Band(code="effective", lower=90, label_id="Efektif", label_en="Effective"),
        Band(
            code="fairly_effective", lower=80, label_id="Cukup efektif", label_en="Fairly effective"
        ),
        Band(code="less_effective", lower=60, label_id="Kurang efektif", label_en="Less effective"),
        Band(code="not_effective", lower=None, label_id="Tidak efektif", label_en="Not effective"),
    ),
)

VFM_EFFECTIVENESS_RECIPROCAL = BandTable(
    name="vfm-effectiveness-reciprocal-nugrahini",
    title=("Value for money: effectiveness as Nugrahini et al. compute it "
           "(target / realised, percent)"),
    source=msg("bands.source.vfm-effectiveness-reciprocal-nugrahini"),
    note=msg("bands.note.vfm-effectiveness-reciprocal-nugrahini"),
    bands=(
        Band(
            code="not_effective",
            lower=100,
            inclusive=False,
            label_id="Tidak efektif",
            label_en="Not effective",
        ),
        Band(code="effective", lower=None, label_id="Efektif", label_en="Effective"),
    ),
)

ICI_COLOUR = BandTable(
    name="ici-colour",
    title="IKU status colour from the achievement index (ICI)",
    source=msg("bands.source.ici-colour"),
    note=msg("bands.note.ici-colour"),
    bands=(
        Band(code="green", lower=100, label_id="Hijau", label_en="Green"),
        Band(code="yellow", lower=80, label_id="Kuning", label_en="Yellow"),
        Band(code="red", lower=None, label_id="Merah", label_en="Red"),
    ),
)

#: Registry of band tables by name. Add a table with :func:`register_band_table`.
BANDS: dict[str, BandTable] = {
    table.name: table
    for table in (
        IKM_2004,
        SKM_2017,
        CSI,
        NKO_KEMENKEU_LAKIN,
        NKO_ALTERNATIVE,
        LAN_1999,
        COMPANY_SCORE_HARUMANTAKA,
        VFM_ECONOMY,
        VFM_EFFICIENCY,
        VFM_EFFECTIVENESS,
        VFM_EFFECTIVENESS_KEPMENDAGRI,
        VFM_EFFECTIVENESS_RECIPROCAL,
        ICI_COLOUR,
    )
}
