"""How sure is the printed IKM/SKM band? Confidence intervals for the converted index.

Offices publish a letter (A-D) with no error bar. :func:`ikm_ci` adds a confidence
interval for the converted index, from a seeded bootstrap over respondents or from the
analytic (delta-method) variance, and the probability that the true index lies in the band
the point estimate is printed in. This is surveyq's own addition
(../shared/spec/formulas.md section 6, "Uncertainty").
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from surveyq.bands import band_table
from surveyq.errors import AnalysisError, InputError
from surveyq.ikm import CONVERSION, Ikm, _check_codes, ikm

__all__ = ["IkmInterval", "ikm_ci"]

_METHODS = ("bootstrap", "analytic")
#: Resample counts held at once (replicates x respondents), to bound memory on large surveys.
_CELLS_PER_BATCH = 2_000_000


@dataclass(frozen=True, kw_only=True, eq=False)
class IkmInterval:
    """Result of :func:`ikm_ci`.

    Attributes
    ----------
    ikm : Ikm
        The point estimate (as :func:`surveyq.ikm` gives it).
    converted : float
        Point estimate of the converted index (``ikm.converted``).
    low, high : float
        Confidence limits of the converted index.
    se : float
        Standard error of the converted index (bootstrap SD, or the analytic SE).
    level : float
        Confidence level.
    method : str
        ``"bootstrap"`` (percentile interval) or ``"analytic"`` (delta method, normal).
    band : str
        The band the point estimate is printed in.
    p_in_band : float
        Probability that the true converted index lies in ``band``: the share of bootstrap
        replicates that the band table puts in it, or the normal probability of the band's
        unrounded range for the analytic method.
    n : int
        Respondents with at least one answer.
    n_boot : int or None
        Bootstrap replicates used (replicates in which an element had no answers are
        dropped and counted in the notes); None for the analytic method.
    seed : int or None
        The seed of the bootstrap generator (drawn and recorded when none was given).
    notes : tuple of str
    """

    ikm: Ikm
    converted: float
    low: float
    high: float
    se: float
    level: float
    method: str
    band: str
    p_in_band: float
    n: int
    n_boot: int | None
    seed: int | None
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """One row: converted, low, high, se, level, method, band, p_in_band, n, n_boot, seed."""
        fields = (
            "converted",
            "low",
            "high",
            "se",
            "level",
            "method",
            "band",
            "p_in_band",
            "n",
            "n_boot",
            "seed",
        )
        return pd.DataFrame([{name: getattr(self, name) for name in fields}])

    def _repr_html_(self) -> str:
        notes = "".join(f"<li>{html.escape(note)}</li>" for note in self.notes)
        return (
            f"<h4>Converted index {self.converted:.2f}, {self.level:.0%} CI "
            f"[{self.low:.2f}, {self.high:.2f}] ({html.escape(self.method)})</h4>"
            + self.to_frame().to_html(index=False)
            + (f"<ul>{notes}</ul>" if notes else "")
        )


def ikm_ci(
    items: pd.DataFrame,
    standard: str = "permenpanrb-14-2017",
    weight_mode: str | None = None,
    force: bool = False,
    *,
    method: str = "bootstrap",
    n_boot: int = 2000,
    seed: int | None = None,
    level: float = 0.95,
) -> IkmInterval:
    """Confidence interval for the converted IKM/SKM and the chance its band is right.

    Parameters
    ----------
    items, standard, weight_mode, force
        As in :func:`surveyq.ikm`.
    method : {"bootstrap", "analytic"}
        ``"bootstrap"``: resample respondents with replacement ``n_boot`` times and take
        the percentile interval. ``"analytic"``: delta-method standard error and a normal
        interval.
    n_boot : int, default 2000
        Bootstrap replicates.
    seed : int, optional
        Seed of numpy's default generator; when omitted one is drawn and recorded in the
        result, so every interval can be reproduced.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    IkmInterval

    Raises
    ------
    InputError
        Bad options, or the errors :func:`surveyq.ikm` raises.
    AnalysisError
        Fewer than 2 respondents, or every bootstrap replicate undefined.

    Notes
    -----
    The converted index is a weighted sum of element means,
    :math:`C = 25 \\sum_u w \\bar x_u`, so (delta method, exact for a linear function)

    .. math:: \\operatorname{Var}(C) = 25^2 \\sum_u \\sum_v w^2
              \\operatorname{Cov}(\\bar x_u, \\bar x_v), \\quad
              \\operatorname{Cov}(\\bar x_u, \\bar x_v) = \\frac{n_{uv} s_{uv}}{n_u n_v}

    where n_u respondents answered element u, n_uv answered both u and v, and s_uv is the
    sample covariance (ddof 1) over those n_uv respondents (s_uu the variance of element
    u). With complete answers this is the familiar S / n; with missing answers each pair
    uses every respondent who answered both, assuming answers are missing at random. Pairs
    answered together by fewer than 2 respondents contribute nothing (noted). The interval
    is C +- z SE with the normal quantile z.

    The bootstrap resamples whole respondents, so the correlation between elements and the
    pattern of missing answers are kept; each replicate recomputes every NRR from the
    answers present, then the index with the same weights. The interval is the percentile
    interval of the replicates.

    ``p_in_band`` reads the band as a range of unrounded values (the band table's values
    round half-up to 2 decimals first, so SKM 2017's B is [76.605, 88.305)): the share of
    replicates in that range, or the normal probability of it around C with the analytic
    SE. It treats the bootstrap (or normal) distribution as the uncertainty about the
    true index: an approximation, worth reporting beside the letter, not a posterior.

    References
    ----------
    .. [1] Efron, B. & Tibshirani, R. J. (1993). An Introduction to the Bootstrap.
       Chapman & Hall.
    .. [2] ../shared/spec/formulas.md section 6 ("Uncertainty").

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> answers = pd.DataFrame(rng.integers(2, 5, size=(120, 9)),
    ...                        columns=[f"U{i}" for i in range(1, 10)])
    >>> interval = ikm_ci(answers, method="analytic")
    >>> bool(interval.low < interval.converted < interval.high)
    True
    >>> boot = ikm_ci(answers, n_boot=500, seed=7)
    >>> boot.band, 0 <= boot.p_in_band <= 1
    ('C', True)
    """
    _check_ci_options(method, n_boot, level)
    values = _check_codes(items)
    point = ikm(values, standard, weight_mode, force)
    if point.n < 2:
        raise AnalysisError(
            f"an interval needs at least 2 respondents with answers; there are {point.n}"
        )
    answers = values.loc[values.notna().any(axis=1)].to_numpy()
    bands = band_table(point.band_table)
    band_range = bands.interval(point.band)
    if method == "analytic":
        se, notes = _analytic_se(answers, point.weight)
        return _normal_interval(point, se, level, band_range, notes)
    seed = int(np.random.SeedSequence().entropy) if seed is None else seed
    replicates, notes = _bootstrap(answers, point.weight, n_boot, np.random.default_rng(seed))
    return _percentile_interval(point, replicates, level, band_range, seed, notes)


def _check_ci_options(method: str, n_boot: int, level: float) -> None:
    if method not in _METHODS:
        raise InputError(f"method must be one of {_METHODS}, got {method!r}")
    if not 0 < level < 1:
        raise InputError(f"level must be between 0 and 1 (e.g. 0.95), got {level!r}")
    if method == "bootstrap" and (not isinstance(n_boot, int) or n_boot < 100):
        raise InputError(f"n_boot must be a whole number of at least 100, got {n_boot!r}")


def _analytic_se(answers: np.ndarray, weight: float) -> tuple[float, list[str]]:
    """Delta-method SE of the converted index, pairwise over missing answers."""
    answered = ~np.isnan(answers)
    filled = np.where(answered, answers, 0.0)
    present = answered.astype(float)
    n_uv = present.T @ present  # respondents answering both u and v
    cross = filled.T @ filled  # sum of x_u x_v over them
    sums = filled.T @ present  # [u, v]: sum of x_u over respondents answering u and v
    with np.errstate(divide="ignore", invalid="ignore"):
        covariance = (cross - sums * sums.T / n_uv) / (n_uv - 1)
    too_few = n_uv < 2
    covariance[too_few] = 0.0
    n_u = np.diag(n_uv)
    covariance_of_means = n_uv * covariance / np.outer(n_u, n_u)
    variance = CONVERSION**2 * weight**2 * covariance_of_means.sum()
    return float(np.sqrt(max(variance, 0.0))), _sparse_answer_notes(too_few)


def _sparse_answer_notes(too_few: np.ndarray) -> list[str]:
    notes = []
    single = int(np.diag(too_few).sum())
    pairs = int((too_few.sum() - single) // 2)
    if single:
        notes.append(
            f"{single} element(s) answered by fewer than 2 respondents: their variance is "
            "unknown and counted as 0, so the interval is too narrow"
        )
    if pairs:
        notes.append(
            f"{pairs} element pair(s) answered together by fewer than 2 respondents "
            "contribute no covariance"
        )
    return notes


def _bootstrap(
    answers: np.ndarray, weight: float, n_boot: int, rng: np.random.Generator
) -> tuple[np.ndarray, list[str]]:
    """Converted index of ``n_boot`` resamples of respondents (NaN-free), with notes."""
    answered = ~np.isnan(answers)
    filled = np.where(answered, answers, 0.0)
    present = answered.astype(float)
    n = answers.shape[0]
    replicates = []
    batch = max(1, _CELLS_PER_BATCH // n)
    for start in range(0, n_boot, batch):
        size = min(batch, n_boot - start)
        counts = rng.multinomial(n, np.full(n, 1.0 / n), size=size).astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            nrr = (counts @ filled) / (counts @ present)
        replicates.append(CONVERSION * weight * nrr.sum(axis=1))
    values = np.concatenate(replicates)
    undefined = int(np.isnan(values).sum())
    if undefined == n_boot:
        raise AnalysisError("every bootstrap replicate left some element without answers")
    notes = []
    if undefined:
        notes.append(
            f"{undefined} of {n_boot} bootstrap replicates left an element without answers "
            "and were dropped"
        )
    return values[~np.isnan(values)], notes


def _normal_interval(
    point: Ikm, se: float, level: float, band_range: tuple[float, float], notes: list[str]
) -> IkmInterval:
    z = stats.norm.ppf(0.5 + level / 2)
    low_edge, high_edge = band_range
    if se > 0:
        p_in_band = stats.norm.cdf(high_edge, point.converted, se) - stats.norm.cdf(
            low_edge, point.converted, se
        )
    else:
        p_in_band = 1.0
    return IkmInterval(
        ikm=point,
        converted=point.converted,
        low=point.converted - z * se,
        high=point.converted + z * se,
        se=se,
        level=level,
        method="analytic",
        band=point.band,
        p_in_band=float(p_in_band),
        n=point.n,
        n_boot=None,
        seed=None,
        notes=tuple(notes),
    )


def _percentile_interval(
    point: Ikm,
    replicates: np.ndarray,
    level: float,
    band_range: tuple[float, float],
    seed: int,
    notes: list[str],
) -> IkmInterval:
    low, high = np.quantile(replicates, [0.5 - level / 2, 0.5 + level / 2])
    low_edge, high_edge = band_range
    in_band = (replicates >= low_edge) & (replicates < high_edge)
    return IkmInterval(
        ikm=point,
        converted=point.converted,
        low=float(low),
        high=float(high),
        se=float(replicates.std(ddof=1)),
        level=level,
        method="bootstrap",
        band=point.band,
        p_in_band=float(in_band.mean()),
        n=point.n,
        n_boot=int(replicates.size),
        seed=seed,
        notes=tuple(notes),
    )
