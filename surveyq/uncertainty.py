"""How sure is the printed IKM/SKM band? Confidence intervals for the converted index.

Offices publish a letter (A-D) with no error bar. :func:`ikm_ci` adds a confidence
interval for the converted index, from a seeded bootstrap over respondents or from the
analytic (delta-method) variance, and the probability that the true index lies in the band
the point estimate is printed in. This is surveyq's own addition; docs/ikm-interval.md derives
both methods and gives their cost.

Both run in time linear in the respondents: the bootstrap draws respondent indices and counts
them (``np.bincount``), then one matrix product gives every replicate's element sums; the
analytic interval needs only the counts, sums and cross-products of the element scores
(:class:`~surveyq.moments.Moments`), so a streamed survey gets it too.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import pandas as pd

from surveyq.bands import band_table
from surveyq.distributions import norm_cdf, norm_ppf
from surveyq.errors import AnalysisError, InputError
from surveyq.ikm import CONVERSION, SCALE_MAX, Ikm, _check_codes, ikm
from surveyq.messages import msg
from surveyq.moments import Moments, blas_single_threaded

__all__ = ["BOOTSTRAP_MAX_N", "IkmInterval", "ikm_ci"]

_METHODS = ("auto", "bootstrap", "analytic")
#: ``method="auto"`` bootstraps up to this many respondents and takes the analytic interval
#: above: there the two agree to within Monte Carlo error (docs/ikm-interval.md) and the
#: bootstrap's cost (replicates x respondents) buys nothing.
BOOTSTRAP_MAX_N = 20_000
#: Resample counts held at once (replicates x respondents), to bound memory on large surveys.
_CELLS_PER_BATCH = 2_000_000
#: float32 sums of counts x codes are exact below this (every partial sum is an integer).
_FLOAT32_EXACT = 2**24


@dataclass(frozen=True, kw_only=True, eq=False)
class IkmInterval:
    """Result of :func:`ikm_ci`.

    Attributes
    ----------
    ikm : Ikm
        The point estimate (as :func:`surveyq.ikm` gives it).
    converted : float
        Point estimate of the converted index (``ikm.converted``).
    low, high : float or None
        Confidence limits of the converted index (None when there is no interval: see
        ``reason``).
    se : float or None
        Standard error of the converted index (bootstrap SD, or the analytic SE).
    level : float
        Confidence level.
    method : str
        ``"bootstrap"`` (percentile interval) or ``"analytic"`` (delta method, normal).
    band : str
        The band the point estimate is printed in.
    p_in_band : float or None
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
    reason : str or None
        Why there is no interval (fewer than 2 respondents); None when there is one.
    notes : tuple of str
    """

    ikm: Ikm
    converted: float
    low: float | None
    high: float | None
    se: float | None
    level: float
    method: str
    band: str
    p_in_band: float | None
    n: int
    n_boot: int | None
    seed: int | None
    reason: str | None = None
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """One row: converted, low, high, se, level, method, band, p_in_band, n, n_boot, seed,
        reason."""
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
            "reason",
        )
        return pd.DataFrame([{name: getattr(self, name) for name in fields}])

    def _repr_html_(self) -> str:
        notes = "".join(f"<li>{html.escape(note)}</li>" for note in self.notes)
        if self.reason:
            title = (f"Converted index {self.converted:.2f}: no interval "
                     f"({html.escape(self.reason)})")
        else:
            title = (f"Converted index {self.converted:.2f}, {self.level:.0%} CI "
                     f"[{self.low:.2f}, {self.high:.2f}] ({html.escape(self.method)})")
        return (
            f"<h4>{title}</h4>"
            + self.to_frame().to_html(index=False)
            + (f"<ul>{notes}</ul>" if notes else "")
        )


def ikm_ci(
    items: pd.DataFrame | Moments,
    standard: str = "permenpanrb-14-2017",
    weight_mode: str | None = None,
    force: bool = False,
    *,
    method: str = "auto",
    n_boot: int = 2000,
    seed: int | None = None,
    level: float = 0.95,
    point: Ikm | None = None,
    moments: Moments | None = None,
) -> IkmInterval:
    r"""Confidence interval for the converted IKM/SKM and the chance its band is right.

    Parameters
    ----------
    items : DataFrame or Moments
        As in :func:`surveyq.ikm`: respondents x elements coded 1-4, or their
        :class:`~surveyq.moments.Moments` (analytic interval only; built with
        ``pairwise=True`` when answers are missing).
    standard, weight_mode, force
        As in :func:`surveyq.ikm`.
    method : {"auto", "bootstrap", "analytic"}
        ``"bootstrap"``: resample respondents with replacement ``n_boot`` times and take
        the percentile interval. ``"analytic"``: delta-method standard error and a normal
        interval. ``"auto"`` (default): the bootstrap for a DataFrame of at most
        :data:`BOOTSTRAP_MAX_N` respondents, else the analytic interval.
    n_boot : int, default 2000
        Bootstrap replicates.
    seed : int, optional
        Seed of numpy's default generator; when omitted one is drawn and recorded in the
        result, so every interval can be reproduced.
    level : float, default 0.95
        Confidence level.
    point : Ikm, optional
        ``ikm(items, standard, weight_mode, force)`` when the caller has computed it (the
        codes were checked then), so it is not computed again.
    moments : Moments, optional
        The pairwise Moments of ``items`` when the caller has them (an in-memory run
        shares one with validity and reliability), for the analytic interval.

    Returns
    -------
    IkmInterval
        With fewer than 2 respondents there is no interval: ``low``, ``high``, ``se`` and
        ``p_in_band`` are None and ``reason`` says why.

    Raises
    ------
    InputError
        Bad options, the bootstrap asked of Moments, Moments without the pairwise sums
        that missing answers need, or the errors :func:`surveyq.ikm` raises.
    AnalysisError
        Every bootstrap replicate undefined.

    Notes
    -----
    **Analytic (delta method).** With :math:`r_{iu} = 1` when respondent i answered element
    u, the element mean is a ratio :math:`\bar x_u = \sum_i r_{iu} x_{iu} / n_u` and the
    converted index is :math:`C = 25\, w \sum_u \bar x_u`. To first order,
    :math:`\bar x_u - \mu_u \approx n_u^{-1} \sum_i r_{iu} (x_{iu} - \mu_u)`; respondents
    are independent and answers missing at random, so

    .. math:: \operatorname{Cov}(\bar x_u, \bar x_v) \approx
              \frac{n_{uv}\, \sigma_{uv}}{n_u n_v}, \qquad
              \widehat{\operatorname{Var}}(C) = 25^2 w^2 \sum_u \sum_v
              \frac{n_{uv}\, s_{uv}}{n_u n_v}

    where n_uv respondents answered both u and v and s_uv is the sample covariance (ddof 1)
    over them (s_uu the variance of element u). From the moments, with :math:`S_{uv}` the
    sum of :math:`x_u` and :math:`P_{uv}` the sum of :math:`x_u x_v` over those n_uv rows,
    :math:`s_{uv} = (n_{uv} P_{uv} - S_{uv} S_{vu}) / (n_{uv}(n_{uv} - 1))`: one pass over
    the rows, then O(k^2). With complete answers the variance is
    :math:`s_c^2 / n`, :math:`s_c^2` the sample variance of the respondents' own converted
    scores :math:`c_i = 25 w \sum_u x_{iu}`. Pairs answered together by fewer than 2
    respondents contribute nothing (noted). The interval is C +- z SE with the normal
    quantile z.

    **Bootstrap.** Each replicate draws n respondent indices uniformly with replacement
    (``Generator.integers``) and counts them with ``np.bincount``: the counts follow the
    Multinomial(n, 1/n) law of resampling respondents. One matrix product of the counts
    with the answers (0 where missing) and with the answered indicators gives every
    replicate's element sums and answer counts, hence its NRRs and index with the same
    weights; whole respondents are resampled, so the correlation between elements and the
    pattern of missing answers are kept. The interval is the percentile interval. Cost:
    O(n_boot x n) for the draws and the product, in batches of at most
    ``_CELLS_PER_BATCH`` counts.

    ``p_in_band`` reads the band as a range of unrounded values (the band table's values
    round half-up to 2 decimals first, so SKM 2017's B is [76.605, 88.305)): the share of
    replicates in that range, or the normal probability of it around C with the analytic
    SE. It treats the bootstrap (or normal) distribution as the uncertainty about the
    true index: an approximation, worth reporting beside the letter, not a posterior.

    References
    ----------
    .. [1] Efron, B. & Tibshirani, R. J. (1993). An Introduction to the Bootstrap.
       Chapman & Hall.
    .. [2] Cochran, W. G. (1977). Sampling Techniques, 3rd ed., section 6.4 (variance of a
       ratio estimate to first order). Wiley.

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
    >>> boot.method, boot.band, 0 <= boot.p_in_band <= 1
    ('bootstrap', 'C', True)
    >>> ikm_ci(answers.iloc[:1]).reason
    'an interval needs at least 2 respondents with answers; there is 1'
    """
    _check_ci_options(method, n_boot, level)
    from_moments = isinstance(items, Moments)
    if from_moments and method == "bootstrap":
        raise InputError(msg("uncertainty.bootstrap_needs_rows"))
    values = None if from_moments or point is not None else _check_codes(items)
    if point is None:
        point = ikm(items if from_moments else values, standard, weight_mode, force)
    if method == "auto":
        bootstrap = not from_moments and point.n <= BOOTSTRAP_MAX_N
        method = "bootstrap" if bootstrap else "analytic"
    if point.n < 2:
        return _no_interval(point, level, method, seed)
    band_range = band_table(point.band_table).interval(point.band)
    if method == "analytic":
        if moments is None:
            moments = items if from_moments else Moments.from_frame(
                _check_codes(items) if values is None else values, pairwise=True)
        se, notes = _analytic_se(moments, point.weight)
        return _normal_interval(point, se, level, band_range, notes)
    values = _check_codes(items) if values is None else values
    answers = values.loc[values.notna().any(axis=1)].to_numpy()
    seed = int(np.random.SeedSequence().entropy) if seed is None else seed
    replicates, notes = _bootstrap(answers, point.weight, n_boot, np.random.default_rng(seed))
    return _percentile_interval(point, replicates, level, band_range, seed, notes)


def _check_ci_options(method: str, n_boot: int, level: float) -> None:
    if method not in _METHODS:
        raise InputError(msg("servqual.option", name="method", allowed=str(_METHODS),
                             value=repr(method)))
    if not 0 < level < 1:
        raise InputError(msg("servqual.level", value=repr(level)))
    if method != "analytic" and (not isinstance(n_boot, int) or n_boot < 100):
        raise InputError(msg("uncertainty.n_boot", value=repr(n_boot)))


def _no_interval(point: Ikm, level: float, method: str, seed: int | None) -> IkmInterval:
    return IkmInterval(
        ikm=point, converted=point.converted, low=None, high=None, se=None, level=level,
        method=method, band=point.band, p_in_band=None, n=point.n, n_boot=None,
        seed=seed if method == "bootstrap" else None,
        reason=msg("uncertainty.no_interval_one" if point.n == 1 else "uncertainty.no_interval",
                   n=point.n),
    )


def _analytic_se(moments: Moments, weight: float) -> tuple[float, list[str]]:
    """Delta-method SE of the converted index from the moments, pairwise over missing answers."""
    count, covariance = _pair_covariance(moments)
    too_few = count < 2
    covariance = np.where(too_few, 0.0, covariance)
    n_u = np.diag(count).astype(float)
    covariance_of_means = count * covariance / np.outer(n_u, n_u)
    variance = CONVERSION**2 * weight**2 * covariance_of_means.sum()
    return float(np.sqrt(max(variance, 0.0))), _sparse_answer_notes(too_few)


def _pair_covariance(moments: Moments) -> tuple[np.ndarray, np.ndarray]:
    """(n_uv, s_uv): respondents answering both elements and their covariance over them."""
    if moments.has_pairwise:
        return moments.pair_count, moments.covariance("pairwise").to_numpy()
    n = moments.n_complete
    if n == moments.n_rows and (moments.item_count == n).all():  # no missing answer
        count = np.full((moments.k, moments.k), n)
        if n < 2:
            return count, np.zeros((moments.k, moments.k))
        return count, moments.covariance("listwise").to_numpy()
    raise InputError(msg("uncertainty.moments_not_pairwise"))


def _sparse_answer_notes(too_few: np.ndarray) -> list[str]:
    notes = []
    single = int(np.diag(too_few).sum())
    pairs = int((too_few.sum() - single) // 2)
    if single:
        notes.append(msg("uncertainty.sparse_elements", count=single))
    if pairs:
        notes.append(msg("uncertainty.sparse_pairs", count=pairs))
    return notes


def _bootstrap(
    answers: np.ndarray, weight: float, n_boot: int, rng: np.random.Generator
) -> tuple[np.ndarray, list[str]]:
    """Converted index of ``n_boot`` resamples of respondents (NaN-free), with notes."""
    n, k = answers.shape
    answered = ~np.isnan(answers)
    # float32 is exact while every sum of counts x codes stays below 2**24
    dtype = np.float32 if n * SCALE_MAX < _FLOAT32_EXACT else np.float64
    table = np.concatenate([np.where(answered, answers, 0.0), answered], axis=1).astype(dtype)
    batch = max(1, _CELLS_PER_BATCH // n)
    replicates = []
    with blas_single_threaded():  # multithreaded BLAS is slower on these short, wide products
        for start in range(0, n_boot, batch):
            counts = _resample_counts(rng, n, min(batch, n_boot - start)).astype(dtype)
            sums = counts @ table  # per replicate: element sums, then element answer counts
            with np.errstate(divide="ignore", invalid="ignore"):
                nrr = sums[:, :k].astype(float) / sums[:, k:]
            replicates.append(CONVERSION * weight * nrr.sum(axis=1))
    values = np.concatenate(replicates)
    undefined = int(np.isnan(values).sum())
    if undefined == n_boot:
        raise AnalysisError(msg("error.bootstrap_empty"))
    notes = []
    if undefined:
        notes.append(msg("uncertainty.replicates_dropped", dropped=undefined, total=n_boot))
    return values[~np.isnan(values)], notes


def _resample_counts(rng: np.random.Generator, n: int, replicates: int) -> np.ndarray:
    """How often each of n respondents is drawn in each replicate (replicates x n)."""
    draws = rng.integers(0, n, size=(replicates, n))
    draws += (np.arange(replicates) * n)[:, None]  # replicate r counts into bins r*n ... r*n+n-1
    return np.bincount(draws.ravel(), minlength=replicates * n).reshape(replicates, n)


def _normal_interval(
    point: Ikm, se: float, level: float, band_range: tuple[float, float], notes: list[str]
) -> IkmInterval:
    z = norm_ppf(0.5 + level / 2)
    low_edge, high_edge = band_range
    if se > 0:
        p_in_band = norm_cdf(high_edge, point.converted, se) - norm_cdf(
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
