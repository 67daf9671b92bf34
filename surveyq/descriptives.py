r"""Interpreting item and variable means on a scale range ("rentang skala").

A thesis reports the mean of each item and variable and names the class it falls in: the scale
from its lowest to its highest answer is cut into k classes of equal width.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from surveyq.errors import InputError
from surveyq.messages import msg
from surveyq.tables import html_block

__all__ = ["LABEL_SETS", "MeanInterpretation", "interpret_mean"]

#: Shipped label sets, lowest class first, per language.
LABEL_SETS: dict[str, dict[str, tuple[str, ...]]] = {
    "level": {
        "id": ("Sangat Rendah", "Rendah", "Sedang", "Tinggi", "Sangat Tinggi"),
        "en": ("Very Low", "Low", "Moderate", "High", "Very High"),
    },
    "agreement": {
        "id": ("Sangat Tidak Setuju", "Tidak Setuju", "Netral", "Setuju", "Sangat Setuju"),
        "en": ("Strongly Disagree", "Disagree", "Neutral", "Agree", "Strongly Agree"),
    },
    "quality": {
        "id": ("Sangat Tidak Baik", "Tidak Baik", "Cukup Baik", "Baik", "Sangat Baik"),
        "en": ("Very Poor", "Poor", "Fair", "Good", "Very Good"),
    },
    "satisfaction": {
        "id": ("Sangat Tidak Puas", "Tidak Puas", "Cukup Puas", "Puas", "Sangat Puas"),
        "en": ("Very Dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very Satisfied"),
    },
}

# Boundaries are compared after rounding to this many decimals, so 1 + 0.8 counts as 1.8.
_BOUNDARY_DECIMALS = 10


@dataclass(frozen=True, eq=False)
class MeanInterpretation:
    """Result of :func:`interpret_mean`.

    Attributes
    ----------
    scale_min, scale_max : float
        The lowest and highest possible answer.
    width : float
        Class width (scale_max - scale_min) / k.
    classes : DataFrame
        One row per class: ``class`` (1 = lowest), ``lower``, ``upper``, ``label`` and
        ``printed_lower``, the lower end as a thesis prints it for means given to two decimals
        (``lower + 0.01`` from the second class on: 1.00-1.80, 1.81-2.60, ...).
    means : DataFrame
        One row per mean: ``mean``, ``class``, ``label`` (NaN means get no class).
    notes : tuple of str
        The boundary rule and anything left without a class.
    """

    scale_min: float
    scale_max: float
    width: float
    classes: pd.DataFrame = field(repr=False)
    means: pd.DataFrame = field(repr=False)
    notes: tuple[str, ...] = ()

    @property
    def labels(self) -> pd.Series:
        """The label of each mean."""
        return self.means["label"]

    def to_frame(self) -> pd.DataFrame:
        """The means with their class and label."""
        return self.means.copy()

    def _repr_html_(self) -> str:
        return html_block("surveyq-interpret-mean", [
            (f"Scale range (class width {self.width:.2f})", self.classes),
            ("Interpretation of means", self.means)], self.notes, decimals=2)


def interpret_mean(
    means: float | Sequence[float] | pd.Series | Mapping[str, float],
    scale_min: float = 1,
    scale_max: float = 5,
    labels: Sequence[str] | str | None = None,
    lang: str = "id",
) -> MeanInterpretation:
    r"""The class and label of each mean on a scale cut into k classes of equal width.

    Parameters
    ----------
    means : float, sequence, Series or mapping
        Item or variable means (a Series or mapping keeps its names).
    scale_min, scale_max : float, default 1 and 5
        The lowest and highest possible answer (1 and 5 on a five-point Likert scale).
    labels : sequence of str, or the name of a shipped set, optional
        One label per class, lowest first; their number is k. A name picks a shipped set:
        ``"level"`` (default: Sangat Rendah ... Sangat Tinggi), ``"agreement"`` (Sangat Tidak
        Setuju ... Sangat Setuju), ``"quality"`` (Sangat Tidak Baik ... Sangat Baik) or
        ``"satisfaction"`` (Sangat Tidak Puas ... Sangat Puas).
    lang : {"id", "en"}
        Language of a shipped label set.

    Returns
    -------
    MeanInterpretation
        ``width``, ``classes`` (lower, upper, label), ``means`` (mean, class, label).

    Notes
    -----
    .. math:: w = \frac{\max - \min}{k}, \qquad
              \text{class}(m) = \max\left(1, \left\lceil \frac{m - \min}{w} \right\rceil\right)

    Class i spans :math:`(\min + (i-1)w, \min + iw]`; the first class also holds
    :math:`\min`. A mean on a boundary belongs to the lower class, which is how the printed
    ranges 1.00-1.80, 1.81-2.60, 2.61-3.40, 3.41-4.20, 4.21-5.00 read for a five-point
    scale with means given to two decimals. Boundaries are compared after rounding to 10
    decimals, so floating-point error does not move a mean such as 1.8 up a class.

    References
    ----------
    .. [1] Sudjana (2005). *Metoda Statistika*, 6th ed., Tarsito: class width = range /
       number of classes.
    .. [2] Sugiyono (2017). *Metode Penelitian Kuantitatif, Kualitatif dan R&D*, Alfabeta
       (interpretation of item means on a Likert scale).

    Examples
    --------
    >>> from surveyq.descriptives import interpret_mean
    >>> result = interpret_mean({"X1": 4.21, "X2": 4.20, "X3": 1.0, "Y": 3.05})
    >>> result.width
    0.8
    >>> result.means
        mean  class          label
    X1  4.21      5  Sangat Tinggi
    X2  4.20      4         Tinggi
    X3  1.00      1  Sangat Rendah
    Y   3.05      3         Sedang
    >>> interpret_mean(3.5, labels="agreement", lang="en").labels.tolist()
    ['Agree']
    """
    label_tuple = _labels(labels, lang)
    low, high = _bounds(scale_min, scale_max)
    k = len(label_tuple)
    width = (high - low) / k
    series = _means_series(means)
    outside = series[(series < low) | (series > high)]
    if not outside.empty:
        name, value = next(iter(outside.items()))
        raise InputError(msg("descriptives.mean_outside", value=repr(value), name=repr(name),
                             low=low, high=high))
    uppers = np.round(low + width * np.arange(1, k + 1), _BOUNDARY_DECIMALS)
    rounded = np.round(series.to_numpy(dtype=float), _BOUNDARY_DECIMALS)
    numbers = [None if np.isnan(m) else min(int(np.searchsorted(uppers, m)), k - 1) + 1
               for m in rounded]
    frame = pd.DataFrame({
        "mean": series.to_numpy(dtype=float),
        "class": pd.array(numbers, dtype="Int64"),
        "label": [None if c is None else label_tuple[c - 1] for c in numbers],
    }, index=series.index)
    class_table = pd.DataFrame({
        "class": np.arange(1, k + 1),
        "lower": low + width * np.arange(k),
        "upper": low + width * np.arange(1, k + 1),
        "label": label_tuple,
    })
    class_table["printed_lower"] = class_table["lower"] + np.where(class_table["class"] > 1,
                                                                   0.01, 0.0)
    notes = [msg("descriptives.class_width", high=high, low=low, k=k, width=width)]
    if None in numbers:
        notes.append(msg("descriptives.means_missing", count=numbers.count(None)))
    return MeanInterpretation(scale_min=low, scale_max=high, width=round(width, 12),
                              classes=class_table, means=frame, notes=tuple(notes))


def _labels(labels: Sequence[str] | str | None, lang: str) -> tuple[str, ...]:
    if lang not in ("id", "en"):
        raise InputError(msg("descriptives.lang_option", value=repr(lang)))
    if labels is None:
        labels = "level"
    if isinstance(labels, str):
        if labels not in LABEL_SETS:
            raise InputError(msg("descriptives.label_set_unknown", value=repr(labels),
                                 known=", ".join(LABEL_SETS)))
        return LABEL_SETS[labels][lang]
    result = tuple(str(label) for label in labels)
    if len(result) < 2:
        raise InputError(msg("descriptives.labels_two"))
    return result


def _bounds(scale_min: float, scale_max: float) -> tuple[float, float]:
    for name, value in (("scale_min", scale_min), ("scale_max", scale_max)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
            raise InputError(msg("scorecard.not_a_number", what=name, value=repr(value)))
    if not scale_max > scale_min:
        raise InputError(msg("descriptives.scale_order", scale_max=str(scale_max),
                             scale_min=str(scale_min)))
    return float(scale_min), float(scale_max)


def _means_series(means: float | Sequence[float] | pd.Series | Mapping[str, float]) -> pd.Series:
    if isinstance(means, pd.Series):
        series = means
    elif isinstance(means, Mapping):
        series = pd.Series(dict(means))
    elif np.isscalar(means):
        series = pd.Series([means])
    else:
        series = pd.Series(list(means))
    try:
        return pd.to_numeric(series, errors="raise").astype(float)
    except (TypeError, ValueError) as exc:
        raise InputError(msg("tables.values_not_numbers", what="means", reason=str(exc))) \
            from None
