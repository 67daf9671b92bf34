"""Sufficient statistics of an item matrix, built in one pass and mergeable.

Validity, reliability and item means all follow from a few sums over respondents (see
docs/methods.md section 3, last point): the number of respondents, the sum of
each item and the cross-products of the items. :class:`Moments` holds them, so the same
numbers come from a DataFrame in memory, from chunks of a file or from partitions summed on a
cluster: ``Moments.from_frame(a) + Moments.from_frame(b)`` equals
``Moments.from_frame(pd.concat([a, b]))``.

Listwise statistics come from the (k + 1) x (k + 1) augmented Gram matrix ``Z'Z`` of the
complete rows, ``Z = [1, X - shift]``: its corner is n, its first row the item sums and the
rest the cross-products. Every listwise statistic is then O(k^2) arithmetic on that matrix.
Pairwise deletion needs, for every pair of items (i, j), the rows where both were answered:
their count, the sum and the sum of squares of item i over them, and the cross-product.

Numerical stability: every value is centred by a fixed provisional ``shift`` stored in the
object (by default each item's mean in the first data seen, rounded to an integer). Centring
keeps the sums small, so variances do not come from the difference of two huge numbers; with
integer codes and an integer shift every sum is an integer below 2**53 and therefore exact in
float64 for any realistic n (10 million respondents on a 1-5 scale give sums below 10**9).
Merging two objects with different shifts re-centres the right operand on the left one's
shift, which is again exact for integer shifts.

Speed (methods.md "Computation", approach (c)): integer codes take an integer
kernel. Blocks of :data:`KERNEL_BLOCK_ROWS` rows become int8 (0 = missing, answers shifted
into 1..127); per block the incomplete rows are dropped, the rest copied to float32
``Z = [1, Y]`` and ``Z'Z`` added in float64 (one BLAS product); counts, sums and sums of
squares come from the int8 block. Every block entry stays below 2**24, so n, the sums and
``X'X`` are exact and equal the float64 path bit for bit. Row ranges run on
:data:`KERNEL_THREADS` threads with BLAS pinned to one thread (threadpoolctl). Other data
(non-integer values, codes spanning more than 127 values) take the float64 path.

Constructors: :meth:`Moments.from_frame` (DataFrame), :meth:`Moments.from_array` (numpy,
fastest for an int8 matrix), and, in batches with bounded memory, :meth:`Moments.from_csv`,
:meth:`Moments.from_parquet` and :meth:`Moments.from_dask` (see :mod:`surveyq.streaming`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from surveyq.errors import AnalysisError, InputError
from surveyq.messages import msg

__all__ = ["KERNEL_BLOCK_ROWS", "KERNEL_THREADS", "Moments"]

MISSING_RULES = ("listwise", "pairwise")
MEAN_RULES = ("available", "listwise", "pairwise")
# An item counts as constant when its variance is below this fraction of max(1, mean**2).
CONSTANT_TOLERANCE = 1e-12


@dataclass(frozen=True, eq=False)
class Moments:
    """Counts, sums and cross-products of an item matrix, centred by a fixed shift.

    Build it with :meth:`from_frame`; add two with ``+`` (or ``sum([...])``) to get the
    moments of the concatenated rows.

    Attributes
    ----------
    items : tuple of str
        Item names in column order.
    shift : ndarray, shape (k,)
        The provisional centre subtracted from every answer before summing.
    n_rows : int
        Rows seen, including rows with missing answers.
    gram : ndarray, shape (k + 1, k + 1)
        ``Z'Z`` for the complete rows, ``Z = [1, X - shift]``: ``gram[0, 0]`` is the number
        of complete rows, ``gram[0, 1:]`` the centred item sums over them and
        ``gram[1:, 1:]`` their centred cross-products.
    item_count, item_sum, item_sumsq : ndarray, shape (k,)
        Per item, over every available answer: the number of answers, the sum of
        ``x - shift`` and the sum of ``(x - shift) ** 2``.
    pair_count : ndarray of int, shape (k, k), or None
        ``pair_count[i, j]``: rows where items i and j were both answered.
    pair_sum, pair_sumsq : ndarray, shape (k, k), or None
        ``pair_sum[i, j]`` (``pair_sumsq[i, j]``): sum of ``x_i - shift_i`` (of its square)
        over the rows where i and j were both answered.
    pair_cross : ndarray, shape (k, k), or None
        ``pair_cross[i, j]``: sum of ``(x_i - shift_i) (x_j - shift_j)`` over those rows.

    The ``pair_*`` fields are None when the object was built with ``pairwise=False``.
    """

    items: tuple[str, ...]
    shift: np.ndarray
    n_rows: int
    gram: np.ndarray
    item_count: np.ndarray
    item_sum: np.ndarray
    item_sumsq: np.ndarray
    pair_count: np.ndarray | None = None
    pair_sum: np.ndarray | None = None
    pair_sumsq: np.ndarray | None = None
    pair_cross: np.ndarray | None = None

    def __post_init__(self) -> None:
        k = len(self.items)
        if len(set(self.items)) != k:
            raise InputError(f"item names must be unique, got {list(self.items)}")
        shapes = {"shift": (k,), "gram": (k + 1, k + 1), "item_count": (k,),
                  "item_sum": (k,), "item_sumsq": (k,)}
        if self.has_pairwise:
            shapes.update(dict.fromkeys(("pair_count", "pair_sum", "pair_sumsq", "pair_cross"),
                                        (k, k)))
        for name, shape in shapes.items():
            value = np.array(getattr(self, name), copy=True)
            if value.shape != shape:
                raise InputError(f"Moments.{name} must have shape {shape}, got {value.shape}")
            value.flags.writeable = False
            object.__setattr__(self, name, value)

    # ---- construction --------------------------------------------------------------------

    @classmethod
    def from_frame(
        cls,
        data: pd.DataFrame,
        *,
        shift: float | Sequence[float] | np.ndarray | None = None,
        pairwise: bool = True,
        missing_codes: Sequence[float] = (),
    ) -> Moments:
        r"""Compute the moments of a respondents x items DataFrame in one pass.

        Parameters
        ----------
        data : pandas.DataFrame
            One row per respondent, one numeric column per item (after reverse keying);
            NaN (or ``pd.NA``) marks a missing answer. Column order is kept.
        shift : float or sequence of float, optional
            The provisional centre, one value per item or one for all (e.g. the scale
            midpoint). Default: each item's mean in ``data`` rounded to an integer (0 for an
            item with no answers).
        pairwise : bool, default True
            Also accumulate what pairwise deletion needs. Set False when only listwise
            statistics are wanted: it saves four k x k products over all rows.
        missing_codes : sequence of float, optional
            Codes that mean "no answer" (e.g. ``(0, 9)``); treated like NaN.

        Returns
        -------
        Moments

        Raises
        ------
        InputError
            A column that is not numeric (map answer labels to codes first), duplicate
            column names, an infinite value or a non-finite shift.

        Notes
        -----
        With :math:`c` the shift, :math:`y_{ij} = x_{ij} - c_j` and :math:`Z` the complete
        rows of :math:`[\mathbf{1}, Y]`, the listwise moments are :math:`G = Z'Z`. The
        listwise covariance is then

        .. math:: S = \frac{n P - s s'}{n (n - 1)}, \qquad
                  n = G_{00},\; s = G_{0,1:},\; P = G_{1:,1:}

        (exact up to the final division for integer codes). Pairwise sums use the answered
        indicator :math:`M` (1 where answered) with :math:`Y` set to 0 where missing:
        ``pair_count = M'M``, ``pair_sum = Y'M``, ``pair_sumsq = (Y*Y)'M``,
        ``pair_cross = Y'Y``. Merging with a different shift uses
        :math:`G' = A'GA`, :math:`A = [[1, -\delta'], [0, I]]`, :math:`\delta` the change of
        shift, and the matching identities for the pairwise sums.

        Integer codes (any integer dtype, or floats that are all whole numbers) spanning at
        most 127 values per item take the integer kernel of ``methods.md "Computation"``
        (approach (c)): blocks of :data:`KERNEL_BLOCK_ROWS` rows as int8 with 0 = missing,
        incomplete rows dropped per block, one float32 product ``Z'Z`` per block added in
        float64, row ranges on :data:`KERNEL_THREADS` threads with BLAS pinned to one
        thread. Every block entry stays below 2**24, so n, the sums and ``X'X`` are exact and
        the result equals the float64 path bit for bit. Other data take the float64 path.

        References
        ----------
        .. [1] docs/methods.md, section 1 (missing values) and section 3 (all
           statistics follow from the moment matrix).
        .. [2] Chan, T. F., Golub, G. H. & LeVeque, R. J. (1983). Algorithms for computing
           the sample variance: analysis and recommendations. *The American Statistician*,
           37(3), 242-247 (shifted sums; merging partial results).

        Examples
        --------
        >>> import pandas as pd
        >>> from surveyq.moments import Moments
        >>> df = pd.DataFrame({"Q1": [4, 5, 3, None], "Q2": [4, 4, 2, 5]})
        >>> m = Moments.from_frame(df)
        >>> m.n_rows, m.n_complete
        (4, 3)
        >>> m.means().tolist()
        [4.0, 3.75]
        >>> (Moments.from_frame(df.iloc[:2]) + Moments.from_frame(df.iloc[2:])).n_complete
        3
        """
        items, values = _item_matrix(data)
        return _matrix_moments(items, values, shift=shift, pairwise=pairwise,
                               rules=_CodeRules.of(missing_codes))

    @classmethod
    def from_array(
        cls,
        values: np.ndarray,
        items: Sequence[str] | None = None,
        *,
        shift: float | Sequence[float] | np.ndarray | None = None,
        pairwise: bool = False,
        missing_codes: Sequence[float] = (),
        valid_codes: Sequence[float] | None = None,
    ) -> Moments:
        """Moments of a respondents x items numpy array (the fastest in-memory entry).

        Parameters
        ----------
        values : ndarray, shape (n, k)
            Numeric codes; NaN (float arrays) and ``missing_codes`` mark missing answers.
            An int8 array whose codes are 1..127 with ``missing_codes=(0,)`` is used without
            copying when it is column-major (``np.asfortranarray``, or ``df.to_numpy()`` of
            a frame read from Arrow); a row-major one is transposed block by block.
        items : sequence of str, optional
            Item names, one per column (default ``"0"``, ``"1"``, ...).
        shift, missing_codes
            As in :meth:`from_frame`.
        pairwise : bool, default False
            Also accumulate the pairwise sums (about three times the time of the listwise
            kernel at 10^6 x 30, benchmarks/README.md; off by default here).
        valid_codes : sequence of float, optional
            The answer codes; any other value is treated as missing.

        Returns
        -------
        Moments

        Notes
        -----
        See :meth:`from_frame` for the kernel (``methods.md "Computation"``, approach (c)).

        Examples
        --------
        >>> import numpy as np
        >>> codes = np.array([[4, 4], [5, 0], [3, 2]], dtype=np.int8)  # 0 = no answer
        >>> m = Moments.from_array(codes, ["Q1", "Q2"], missing_codes=[0])
        >>> m.n_rows, m.n_complete, m.means().tolist()
        (3, 2, [4.0, 3.0])
        """
        matrix = np.asarray(values)
        if matrix.ndim != 2:
            raise InputError(f"values must be a 2-D array (respondents x items), got "
                             f"{matrix.ndim} dimension(s)")
        names = tuple(str(j) for j in range(matrix.shape[1])) if items is None else tuple(
            str(item) for item in items)
        if len(names) != matrix.shape[1]:
            raise InputError(f"{len(names)} item name(s) for {matrix.shape[1]} column(s)")
        if len(set(names)) != len(names):
            raise InputError(f"duplicate item name(s) in {list(names)}")
        if matrix.dtype.kind not in "biuf":
            raise InputError(f"values must be numeric codes, got dtype {matrix.dtype}")
        return _matrix_moments(names, matrix, shift=shift, pairwise=pairwise,
                               rules=_CodeRules.of(missing_codes, valid_codes))

    @classmethod
    def from_csv(cls, path: str | os.PathLike, items: Sequence[str], **options) -> Moments:
        """Moments of the item columns of a CSV file, read in batches.

        Peak memory is bounded by the batch size, not by the file. See
        :func:`surveyq.streaming.moments_from_csv` for the options (``chunksize``,
        ``block_size``, ``missing_codes``, ``valid_codes``, ``pairwise``, ``delimiter``...).

        Examples
        --------
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "answers.csv"
        >>> _ = path.write_text("Q1,Q2,name\\n4,4,a\\n5,,b\\n3,2,c\\n")
        >>> Moments.from_csv(path, ["Q1", "Q2"]).means().tolist()
        [4.0, 3.0]
        """
        from surveyq.streaming import moments_from_csv

        return moments_from_csv(path, items, **options)

    @classmethod
    def from_parquet(cls, path: str | os.PathLike, items: Sequence[str], **options) -> Moments:
        """Moments of the item columns of a Parquet file, read batch by batch.

        See :func:`surveyq.streaming.moments_from_parquet` for the options.
        """
        from surveyq.streaming import moments_from_parquet

        return moments_from_parquet(path, items, **options)

    @classmethod
    def from_dask(cls, ddf: Any, items: Sequence[str], **options) -> Moments:
        """Moments of the item columns of a Dask DataFrame: per partition, summed with ``+``.

        Runs on whatever scheduler is active (local threads, or a ``dask.distributed``
        Client). See :func:`surveyq.streaming.moments_from_dask`; needs ``surveyq[dask]``.
        """
        from surveyq.streaming import moments_from_dask

        return moments_from_dask(ddf, items, **options)

    # ---- basic facts ---------------------------------------------------------------------

    @property
    def k(self) -> int:
        """Number of items."""
        return len(self.items)

    @property
    def n_complete(self) -> int:
        """Number of rows with every item answered (the listwise n)."""
        return int(round(self.gram[0, 0]))

    @property
    def has_pairwise(self) -> bool:
        """True when the pairwise sums were accumulated (``pairwise=True``)."""
        return self.pair_count is not None

    def __repr__(self) -> str:
        return (f"Moments(k={self.k}, n_rows={self.n_rows}, n_complete={self.n_complete}, "
                f"pairwise={self.has_pairwise}, items={list(self.items)})")

    # ---- merging -------------------------------------------------------------------------

    def with_shift(self, shift: float | Sequence[float] | np.ndarray) -> Moments:
        """The same moments re-centred on another shift (exact for integer shifts and codes).

        Examples
        --------
        >>> import pandas as pd
        >>> from surveyq.moments import Moments
        >>> m = Moments.from_frame(pd.DataFrame({"Q1": [1, 2, 4], "Q2": [2, 2, 5]}))
        >>> m.with_shift(3).item_sum.tolist()
        [-2.0, 0.0]
        """
        new_shift = _shift_array(shift, self.items)
        delta = new_shift - self.shift
        if not delta.any():
            return self
        n, sums, cross = self.gram[0, 0], self.gram[0, 1:], self.gram[1:, 1:]
        gram = np.empty_like(self.gram)
        gram[0, 0] = n
        gram[0, 1:] = gram[1:, 0] = sums - n * delta
        gram[1:, 1:] = (cross - np.outer(sums, delta) - np.outer(delta, sums)
                        + n * np.outer(delta, delta))
        fields = {
            "items": self.items,
            "shift": new_shift,
            "n_rows": self.n_rows,
            "gram": gram,
            "item_count": self.item_count,
            "item_sum": self.item_sum - delta * self.item_count,
            "item_sumsq": (self.item_sumsq - 2 * delta * self.item_sum
                           + delta**2 * self.item_count),
        }
        if self.has_pairwise:
            fields.update(self._reshifted_pairwise(delta))
        return Moments(**fields)

    def _reshifted_pairwise(self, delta: np.ndarray) -> dict[str, np.ndarray]:
        count, sums = self.pair_count, self.pair_sum
        row_delta, col_delta = delta[:, None], delta[None, :]
        return {
            "pair_count": count,
            "pair_sum": sums - row_delta * count,
            "pair_sumsq": self.pair_sumsq - 2 * row_delta * sums + row_delta**2 * count,
            "pair_cross": (self.pair_cross - col_delta * sums - row_delta * sums.T
                           + np.outer(delta, delta) * count),
        }

    def __add__(self, other: Moments) -> Moments:
        if not isinstance(other, Moments):
            return NotImplemented
        if other.items != self.items:
            raise InputError(_item_mismatch_message(self.items, other.items))
        other = other.with_shift(self.shift)
        fields = {
            "items": self.items,
            "shift": self.shift,
            "n_rows": self.n_rows + other.n_rows,
            "gram": self.gram + other.gram,
            "item_count": self.item_count + other.item_count,
            "item_sum": self.item_sum + other.item_sum,
            "item_sumsq": self.item_sumsq + other.item_sumsq,
        }
        if self.has_pairwise and other.has_pairwise:
            for name in ("pair_count", "pair_sum", "pair_sumsq", "pair_cross"):
                fields[name] = getattr(self, name) + getattr(other, name)
        return Moments(**fields)

    def __radd__(self, other: object) -> Moments:
        # Lets sum(list_of_moments) start from 0.
        if isinstance(other, int) and other == 0:
            return self
        return NotImplemented

    # ---- descriptive statistics ----------------------------------------------------------

    def counts(self, missing: str = "available") -> pd.Series:
        """Respondents behind each item mean: answers per item, or the complete rows."""
        rule = _check_rule(missing, MEAN_RULES, "missing")
        values = np.full(self.k, self.n_complete) if rule == "listwise" else self.item_count
        return pd.Series(values, index=list(self.items), name="n", dtype="int64")

    def means(self, missing: str = "available") -> pd.Series:
        """Item means.

        Parameters
        ----------
        missing : {"available", "listwise", "pairwise"}
            ``"available"`` (default; ``"pairwise"`` is a synonym) uses every answer given to
            the item, n_j per item, as docs/methods.md section 1 prescribes for descriptive means
            and as psych::alpha reports them; ``"listwise"`` uses the complete rows only, as
            SPSS RELIABILITY's Item Statistics do.

        Examples
        --------
        >>> import pandas as pd
        >>> from surveyq.moments import Moments
        >>> m = Moments.from_frame(pd.DataFrame({"Q1": [4, 5, None], "Q2": [3, 4, 5]}))
        >>> m.means().tolist(), m.means("listwise").tolist()
        ([4.5, 4.0], [4.5, 3.5])
        """
        rule = _check_rule(missing, MEAN_RULES, "missing")
        if rule == "listwise":
            count, sums = np.full(self.k, self.gram[0, 0]), self.gram[0, 1:]
        else:
            count, sums = self.item_count.astype(float), self.item_sum
        with np.errstate(invalid="ignore", divide="ignore"):
            values = np.where(count > 0, self.shift + sums / count, np.nan)
        return pd.Series(values, index=list(self.items), name="mean")

    def covariance(self, missing: str = "listwise") -> pd.DataFrame:
        """Sample covariance matrix (ddof = 1).

        ``"listwise"`` uses the complete rows. ``"pairwise"`` computes each entry on the rows
        where both items were answered, with means over those rows, as R's
        ``cov(x, use = "pairwise.complete.obs")`` and psych::alpha do; a pair with fewer than
        two such rows gives NaN.
        """
        rule = _check_rule(missing, MISSING_RULES, "missing")
        matrix = self._listwise_covariance() if rule == "listwise" else self._pairwise_covariance()
        return pd.DataFrame(matrix, index=list(self.items), columns=list(self.items))

    def correlation(self, missing: str = "listwise") -> pd.DataFrame:
        """Pearson correlation matrix.

        ``"pairwise"`` matches R's ``cor(x, use = "pairwise.complete.obs")``: means and
        standard deviations are taken over the rows where both items were answered. (psych's
        alpha instead rescales the pairwise covariance matrix by the item variances over all
        answers, ``cov2cor``; :func:`surveyq.reliability.cronbach_alpha` does the same.)

        Examples
        --------
        >>> import pandas as pd
        >>> from surveyq.moments import Moments
        >>> m = Moments.from_frame(pd.DataFrame({"Q1": [1, 2, 3, 4], "Q2": [2, 4, 6, 9]}))
        >>> round(float(m.correlation().loc["Q1", "Q2"]), 4)
        0.9944
        """
        rule = _check_rule(missing, MISSING_RULES, "missing")
        if rule == "listwise":
            matrix = cov_to_cor(self._listwise_covariance())
        else:
            matrix = self._pairwise_correlation()
        return pd.DataFrame(matrix, index=list(self.items), columns=list(self.items))

    def pairwise_counts(self) -> pd.DataFrame:
        """Rows where both items of each pair were answered (k x k)."""
        self._require_pairwise()
        return pd.DataFrame(self.pair_count, index=list(self.items), columns=list(self.items))

    # ---- internals shared with validity and reliability ----------------------------------

    def _listwise_covariance(self) -> np.ndarray:
        n = self.gram[0, 0]
        if n < 2:
            raise AnalysisError(
                msg("error.covariance_n", n=self.n_complete))
        sums = self.gram[0, 1:]
        # n * cross - sums sums' is exact for integer codes and shift; divide once at the end.
        return (n * self.gram[1:, 1:] - np.outer(sums, sums)) / (n * (n - 1))

    def _pairwise_covariance(self) -> np.ndarray:
        self._require_pairwise()
        count = self.pair_count.astype(float)
        sum_i, sum_j = self.pair_sum, self.pair_sum.T
        with np.errstate(invalid="ignore", divide="ignore"):
            cov = (count * self.pair_cross - sum_i * sum_j) / (count * (count - 1))
        return np.where(count >= 2, cov, np.nan)

    def _pairwise_correlation(self) -> np.ndarray:
        self._require_pairwise()
        count = self.pair_count.astype(float)
        sum_i, sum_j = self.pair_sum, self.pair_sum.T
        ss_i = count * self.pair_sumsq - sum_i**2
        ss_j = count * self.pair_sumsq.T - sum_j**2
        with np.errstate(invalid="ignore", divide="ignore"):
            cor = (count * self.pair_cross - sum_i * sum_j) / np.sqrt(ss_i * ss_j)
        return np.where(count >= 2, cor, np.nan)

    def _require_pairwise(self) -> None:
        if not self.has_pairwise:
            raise InputError(
                "these Moments were built without pairwise sums; rebuild them with "
                "Moments.from_frame(data, pairwise=True) to use missing='pairwise'")


# ---- helpers used by validity and reliability ------------------------------------------------


def as_moments(items: pd.DataFrame | Moments, missing: str) -> Moments:
    """``items`` itself if it is a Moments, else its moments (pairwise sums only if needed)."""
    if isinstance(items, Moments):
        return items
    if isinstance(items, pd.DataFrame):
        return Moments.from_frame(items, pairwise=(missing == "pairwise"))
    raise InputError(
        f"items must be a pandas DataFrame (respondents x items) or a surveyq Moments, "
        f"got {type(items).__name__}")


def analysis_covariance(moments: Moments, missing: str) -> tuple[np.ndarray, np.ndarray]:
    """Covariance matrix and n per item for validity and reliability, after checking the data.

    Raises :class:`~surveyq.errors.AnalysisError` for fewer than 2 items, an item nobody
    answered, fewer than 3 respondents behind any covariance, or a constant item.
    n per item is the complete-row count (listwise) or the smallest count of rows where the
    item and another item were both answered (pairwise).
    """
    rule = _check_rule(missing, MISSING_RULES, "missing")
    _check_items(moments)
    if rule == "listwise":
        _check_listwise_n(moments)
        cov = moments._listwise_covariance()
        n_per_item = np.full(moments.k, moments.n_complete)
    else:
        moments._require_pairwise()
        _check_pairwise_n(moments)
        cov = moments._pairwise_covariance()
        n_per_item = moments.pair_count.min(axis=1)
    _check_not_constant(moments, cov, rule)
    return cov, n_per_item.astype("int64")


def _check_items(moments: Moments) -> None:
    if moments.k < 2:
        raise AnalysisError(
            msg("error.two_items", k=moments.k, items=str(list(moments.items))))
    empty = [item for item, n in zip(moments.items, moments.item_count, strict=True) if n == 0]
    if empty:
        raise AnalysisError(
            msg("error.unanswered_items", items=str(empty)))


def _check_listwise_n(moments: Moments) -> None:
    if moments.n_complete >= 3:
        return
    fewest = moments.items[int(np.argmin(moments.item_count))]
    raise AnalysisError(
        msg("error.listwise_n", n=moments.n_complete, item=repr(fewest),
            answered=int(moments.item_count.min()), rows=moments.n_rows))


def _check_pairwise_n(moments: Moments) -> None:
    count = moments.pair_count
    if count.min() >= 3:
        return
    i, j = np.unravel_index(int(np.argmin(count)), count.shape)
    raise AnalysisError(
        msg("error.pairwise_n", n=int(count[i, j]), first=repr(moments.items[i]),
            second=repr(moments.items[j])))


def _check_not_constant(moments: Moments, cov: np.ndarray, rule: str) -> None:
    means = moments.means("listwise" if rule == "listwise" else "available").to_numpy()
    variance = np.diag(cov)
    constant = variance <= CONSTANT_TOLERANCE * np.maximum(1.0, means**2)
    if not constant.any():
        return
    constant_items = [item for item, flag in zip(moments.items, constant, strict=True) if flag]
    described = [msg("error.constant_item", item=repr(item), value=float(mean))
                 for item, mean in zip(constant_items, means[constant], strict=True)]
    raise AnalysisError(msg("error.constant_items", items=described))


# ---- private helpers -------------------------------------------------------------------------


def _check_rule(value: str, options: tuple[str, ...], name: str) -> str:
    if value not in options:
        raise InputError(f"{name} must be one of {', '.join(map(repr, options))}, got {value!r}")
    return value


def _item_names(data: pd.DataFrame) -> tuple[str, ...]:
    items = tuple(str(column) for column in data.columns)
    if len(set(items)) != len(items):
        duplicated = sorted({item for item in items if items.count(item) > 1})
        raise InputError(f"duplicate item column(s) {duplicated}; give every item its own name")
    return items


def _numeric_matrix(data: pd.DataFrame) -> tuple[tuple[str, ...], np.ndarray]:
    """Names and the float64 matrix (NaN = missing) of a frame of numeric columns.

    Infinite values are rejected later, by the range pass of :func:`_code_plan`.
    """
    items = _item_names(data)
    for column in data.columns:
        if not pd.api.types.is_numeric_dtype(data[column]):
            raise InputError(
                f"item column {str(column)!r} is not numeric (dtype {data[column].dtype}); "
                "map the answer labels to codes first", location=f"column {column}")
    return items, data.to_numpy(dtype=np.float64, na_value=np.nan)


def _default_shift(values: np.ndarray, observed: np.ndarray) -> np.ndarray:
    count = observed.sum(axis=0)
    total = np.where(observed, values, 0.0).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, np.round(total / count), 0.0)


def _shift_array(shift: float | Sequence[float] | np.ndarray,
                 items: tuple[str, ...]) -> np.ndarray:
    array = np.broadcast_to(np.asarray(shift, dtype=np.float64), (len(items),)).copy()
    if not np.isfinite(array).all():
        raise InputError(f"shift must be finite, got {array.tolist()}")
    return array


def _augmented_gram(rows: np.ndarray) -> np.ndarray:
    augmented = np.empty((rows.shape[0], rows.shape[1] + 1))
    augmented[:, 0] = 1.0
    augmented[:, 1:] = rows
    return augmented.T @ augmented


def _pairwise_sums(centred: np.ndarray, observed: np.ndarray, complete: np.ndarray,
                   gram: np.ndarray) -> dict[str, np.ndarray]:
    k = centred.shape[1]
    if complete.all():
        # No missing answers: every pair was answered by every row, so the pairwise sums
        # are the listwise ones (saves four k x k products).
        sums, cross = gram[0, 1:], gram[1:, 1:]
        return {
            "pair_count": np.full((k, k), centred.shape[0], dtype="int64"),
            "pair_sum": np.repeat(sums[:, None], k, axis=1),
            "pair_sumsq": np.repeat(np.diag(cross)[:, None], k, axis=1),
            "pair_cross": cross,
        }
    answered = observed.astype(np.float64)
    stacked = np.hstack([answered, centred, centred * centred]).T @ answered
    return {
        "pair_count": np.rint(stacked[:k]).astype("int64"),
        "pair_sum": stacked[k:2 * k],
        "pair_sumsq": stacked[2 * k:],
        "pair_cross": centred.T @ centred,
    }


def cov_to_cor(cov: np.ndarray) -> np.ndarray:
    """Scale a covariance matrix by its diagonal (R's cov2cor, as psych::alpha uses)."""
    scale = np.sqrt(np.diag(cov))
    with np.errstate(invalid="ignore", divide="ignore"):
        return cov / np.outer(scale, scale)


def _item_mismatch_message(left: tuple[str, ...], right: tuple[str, ...]) -> str:
    if set(left) == set(right):
        return (f"cannot add Moments whose items are in a different order: {list(left)} "
                f"vs {list(right)}; build both from frames with the same column order")
    only_left = [item for item in left if item not in right]
    only_right = [item for item in right if item not in left]
    return (f"cannot add Moments of different items: only in the left {only_left}, only in "
            f"the right {only_right}; select the same item columns before merging")


# ---- in-memory matrices: integer kernel or float64 path ---------------------------------------

#: Rows per block of the integer kernel. methods.md "Computation" ("Gram kernel"): ~16k rows keep
#: a block's float32 copy in cache; the exactness bound below may lower it for wide codes.
KERNEL_BLOCK_ROWS = 16384
#: Threads of the integer kernel over row ranges (BLAS pinned to 1 thread meanwhile); None =
#: the CPUs this process may use, at most 8. One thread when threadpoolctl is not installed.
KERNEL_THREADS: int | None = None
# float32 holds every integer below 2**24 exactly, so a block's sums are exact while
# rows x largest code**2 stays below it.
_FLOAT32_EXACT = 2**24
# Kernel codes are int8: 0 = missing, answers shifted into 1..127.
_LARGEST_CODE = 127


class _NotIntegerCodes(Exception):
    """Raised inside the kernel when a block holds a value that is not a whole number."""


@dataclass(frozen=True)
class _CodeRules:
    """Which values are missing: NaN always, plus ``missing`` codes and, when ``valid`` is
    given, every value not in it."""

    missing: tuple[float, ...] = ()
    valid: tuple[float, ...] | None = None

    @classmethod
    def of(cls, missing_codes: Sequence[float] = (),
           valid_codes: Sequence[float] | None = None) -> _CodeRules:
        missing = tuple(float(code) for code in np.atleast_1d(np.asarray(missing_codes, float)))
        valid = (None if valid_codes is None
                 else tuple(float(code) for code in np.atleast_1d(np.asarray(valid_codes, float))))
        if valid is not None and not valid:
            raise InputError("valid_codes is empty; give the answer codes, e.g. [1, 2, 3, 4, 5]")
        return cls(missing, valid)

    @property
    def plain(self) -> bool:
        return not self.missing and self.valid is None

    def missing_mask(self, values: np.ndarray) -> np.ndarray:
        """True where ``values`` counts as missing (NaN, a missing code, not a valid code)."""
        mask = np.isnan(values) if values.dtype.kind == "f" else np.zeros(values.shape, bool)
        if self.missing:
            mask |= np.isin(values, self.missing)
        if self.valid is not None:
            mask |= ~np.isin(values, self.valid)
        return mask

    def as_nan(self, values: np.ndarray) -> np.ndarray:
        """``values`` as float64 with every missing value NaN (a copy if anything changes)."""
        floats = values.astype(np.float64, copy=False)
        if self.plain:
            return floats
        return np.where(self.missing_mask(values), np.nan, floats)


def _item_matrix(data: pd.DataFrame) -> tuple[tuple[str, ...], np.ndarray]:
    """Item names and an n x k array of the frame: its own dtype when every column shares
    one numpy integer dtype (no copy for a frame read from Arrow), float64 with NaN else."""
    if not isinstance(data, pd.DataFrame):
        raise InputError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    dtypes = set(data.dtypes)
    if len(dtypes) == 1:
        (dtype,) = dtypes
        if isinstance(dtype, np.dtype) and dtype.kind in "biu":
            return _item_names(data), data.to_numpy()
    return _numeric_matrix(data)


def _matrix_moments(items: tuple[str, ...], values: np.ndarray, *,
                    shift: float | Sequence[float] | np.ndarray | None, pairwise: bool,
                    rules: _CodeRules, threads: int | None = None) -> Moments:
    """Moments of an n x k array: integer kernel when the codes allow it, else float64."""
    if values.dtype.kind == "b":
        values = values.view(np.int8)
    target = None if shift is None else _shift_array(shift, items)
    plan = _code_plan(items, values.T, rules)
    moments = None
    if plan is not None:
        try:
            moments = _kernel_moments(items, plan, values.shape[0], pairwise, threads)
        except _NotIntegerCodes:
            moments = None
    if moments is None:
        return _float_moments(items, rules.as_nan(values), target, pairwise)
    if target is None:
        target = _rounded_means(moments)
    return moments.with_shift(target)


def _rounded_means(moments: Moments) -> np.ndarray:
    """from_frame's default shift: each item's mean over its answers rounded (0 if none)."""
    count = moments.item_count.astype(np.float64)
    total = moments.item_sum + moments.shift * count
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, np.round(total / count), 0.0)


def _float_moments(items: tuple[str, ...], values: np.ndarray, shift: np.ndarray | None,
                   pairwise: bool) -> Moments:
    """The float64 path (any real data): one pass over the whole matrix."""
    observed = ~np.isnan(values)
    centre = _default_shift(values, observed) if shift is None else shift
    centred = np.where(observed, values - centre, 0.0)
    complete = observed.all(axis=1)
    fields = {
        "items": items,
        "shift": centre,
        "n_rows": values.shape[0],
        "gram": _augmented_gram(centred[complete]),
        "item_count": observed.sum(axis=0),
        "item_sum": centred.sum(axis=0),
        "item_sumsq": np.einsum("ij,ij->j", centred, centred),
    }
    if pairwise:
        fields.update(_pairwise_sums(centred, observed, complete, fields["gram"]))
    return Moments(**fields)


# ---- the plan: how to turn a k x n block of codes into int8 ----------------------------------


BlockReader = Callable[[int, int, "_BlockWorker"], np.ndarray]


@dataclass(frozen=True)
class _CodePlan:
    """How to read int8 kernel codes ``y = x - offset`` (0 = missing) from k x n ``values``."""

    values: np.ndarray
    offset: np.ndarray
    largest: int
    rules: _CodeRules
    as_is: bool

    @property
    def block_rows(self) -> int:
        return block_rows_for(self.largest)

    def read(self, start: int, stop: int, worker: _BlockWorker) -> np.ndarray:
        """The k x (stop - start) int8 block of rows start:stop, rows contiguous in memory."""
        block = self.values[:, start:stop]
        out = worker.scratch[:block.size].reshape(block.shape)
        if self.as_is:
            if block.shape[1] <= 1 or block.strides[1] == 1:
                return block
            np.copyto(out, block)
            return out
        if block.dtype.kind == "f":
            self._convert_floats(block, out, worker.floats(block.shape))
        else:
            np.subtract(block, self.offset[:, None], out=out, casting="unsafe")
        if not self.rules.plain:
            np.multiply(out, ~self.rules.missing_mask(block), out=out, casting="unsafe")
        return out

    def _convert_floats(self, block: np.ndarray, out: np.ndarray, work: np.ndarray) -> None:
        """``block - offset`` into int8 ``out``, NaN as 0; _NotIntegerCodes for a fraction.

        Whole passes only (boolean indexing and masked copies cost several times more): a
        value is a whole number when trunc(x) == x, which fails for NaN too, so the blocks
        are integer codes when the failures are exactly the NaNs. fmax(x, offset) turns NaN
        into the offset (answers are above it), so subtracting the offset gives 0 there.
        """
        offset = self.offset[:, None].astype(np.float64)
        np.trunc(block, out=work)
        failures = np.count_nonzero(np.not_equal(work, block))
        if failures and failures != np.count_nonzero(np.isnan(block)):
            raise _NotIntegerCodes
        np.fmax(block, offset, out=work)
        np.subtract(work, offset, out=work)
        if not self.rules.plain:  # missing codes may lie outside int8; zeroed afterwards
            np.clip(work, 0, _LARGEST_CODE, out=work)
        np.copyto(out, work, casting="unsafe")


def _code_plan(items: tuple[str, ...], values: np.ndarray, rules: _CodeRules) -> _CodePlan | None:
    """A plan for the integer kernel, or None when the data are not integer codes that span
    at most 127 values per item. ``values`` is k x n."""
    k, n = values.shape
    if n == 0:
        return _CodePlan(values, np.zeros(k, np.int64), 1, rules, as_is=False)
    low, high = _item_range(items, values)
    if values.dtype == np.int8 and _usable_as_is(low, high, rules):
        return _CodePlan(values, np.zeros(k, np.int64), int(high.max()), rules, as_is=True)
    if not rules.plain or (low < 1).any() or (high > _LARGEST_CODE).any():
        low, high = _answer_range(values, rules)
    offset = code_offset(low, high)
    if offset is None:
        return None
    return _CodePlan(values, offset, largest_code(low, high, offset), rules, as_is=False)


def code_offset(low: np.ndarray, high: np.ndarray) -> np.ndarray | None:
    """Per-item integer offset putting every answer into 1..127 (0 where the codes already
    are), or None when a bound is not a whole number or an item spans more than 127 codes.
    ``low`` / ``high``: each item's smallest / largest answer, +inf / -inf if none."""
    answered = np.isfinite(low)
    low, high = np.where(answered, low, 1.0), np.where(answered, high, 1.0)
    if not (np.array_equal(low, np.trunc(low)) and np.array_equal(high, np.trunc(high))):
        return None
    fits = (low >= 1) & (high <= _LARGEST_CODE)
    offset = np.where(fits, 0.0, low - 1)
    if (high - offset).max() > _LARGEST_CODE:
        return None
    return offset.astype(np.int64)


def offset_fits(offset: np.ndarray, low: np.ndarray, high: np.ndarray) -> bool:
    """True when every answer between ``low`` and ``high`` lands in 1..127 under ``offset``."""
    answered = np.isfinite(low)
    return bool(((low - offset >= 1) & (high - offset <= _LARGEST_CODE) | ~answered).all())


def largest_code(low: np.ndarray, high: np.ndarray, offset: np.ndarray) -> int:
    """The largest kernel code ``x - offset`` of any answer (1 if there is none)."""
    answered = np.isfinite(high)
    return int(max(1, (high - offset)[answered].max(initial=1)))


def block_rows_for(largest: int) -> int:
    """Rows per kernel block: at most KERNEL_BLOCK_ROWS, and rows x largest**2 < 2**24."""
    return max(1, min(KERNEL_BLOCK_ROWS, (_FLOAT32_EXACT - 1) // max(1, largest) ** 2))


def _item_range(items: tuple[str, ...], values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Smallest and largest value per item (NaN ignored; +inf / -inf for an empty item)."""
    if values.dtype.kind != "f":
        return values.min(axis=1).astype(np.float64), values.max(axis=1).astype(np.float64)
    with np.errstate(invalid="ignore"):
        low = np.fmin.reduce(values, axis=1)
        high = np.fmax.reduce(values, axis=1)
    infinite = np.isinf(low) | np.isinf(high)
    if infinite.any():
        column = items[int(np.flatnonzero(infinite)[0])]
        raise InputError(f"item column {column!r} holds an infinite value",
                         location=f"column {column}")
    empty = np.isnan(low)
    return np.where(empty, np.inf, low), np.where(empty, -np.inf, high)


def _usable_as_is(low: np.ndarray, high: np.ndarray, rules: _CodeRules) -> bool:
    """int8 codes already in kernel form: answers 1..127, 0 (if any) a missing code."""
    if rules.valid is not None or low.min() < 0 or high.max() > _LARGEST_CODE:
        return False
    if low.min() == 0 and 0.0 not in rules.missing:
        return False
    other_missing = [code for code in rules.missing if code != 0]
    return all(code < 1 or code > high.max() for code in other_missing)


def _answer_range(values: np.ndarray, rules: _CodeRules) -> tuple[np.ndarray, np.ndarray]:
    """Smallest and largest answer per item once missing codes are set aside."""
    missing = rules.missing_mask(values)
    floats = values.astype(np.float64, copy=False)
    low = np.where(missing, np.inf, floats).min(axis=1)
    high = np.where(missing, -np.inf, floats).max(axis=1)
    return low, high


# ---- the kernel -----------------------------------------------------------------------------


class _IntegerSums:
    """Exact sums of int8 kernel codes (0 = missing) over the blocks seen so far."""

    def __init__(self, k: int, pairwise: bool) -> None:
        self.rows = 0
        self.gram = np.zeros((k + 1, k + 1))
        self.count = np.zeros(k, np.int64)
        self.total = np.zeros(k, np.int64)
        self.total_sq = np.zeros(k, np.int64)
        # pair count, pair sum, pair sum of squares, cross-products (see Moments)
        self.pairs = np.zeros((4, k, k)) if pairwise else None

    def add(self, other: _IntegerSums) -> None:
        self.rows += other.rows
        self.gram += other.gram
        self.count += other.count
        self.total += other.total
        self.total_sq += other.total_sq
        if self.pairs is not None:
            self.pairs += other.pairs

    def to_moments(self, items: tuple[str, ...], offset: np.ndarray) -> Moments:
        fields = {
            "items": items,
            "shift": offset.astype(np.float64),
            "n_rows": self.rows,
            "gram": self.gram,
            "item_count": self.count,
            "item_sum": self.total.astype(np.float64),
            "item_sumsq": self.total_sq.astype(np.float64),
        }
        if self.pairs is not None:
            fields.update(pair_count=np.rint(self.pairs[0]).astype(np.int64),
                          pair_sum=self.pairs[1], pair_sumsq=self.pairs[2],
                          pair_cross=self.pairs[3])
        return Moments(**fields)


class _BlockWorker:
    """One thread's buffers; :meth:`add` folds a k x w int8 block into an _IntegerSums.

    methods.md "Computation", approach (c): drop the incomplete rows of the block, copy the
    rest to float32 ``Z = [1, Y]`` and add ``Z'Z`` (one sgemm / ssyrk) in float64. The
    per-item answer counts, sums and sums of squares come from the int8 block itself (0 adds
    nothing). With ``pairwise``, ``[M, Y]'[M, Y]`` and ``(Y*Y)'M`` over all rows give the
    pairwise sums (M the answered indicator). Buffers are reused: allocating per block costs
    more than the arithmetic.
    """

    def __init__(self, k: int, block_rows: int, pairwise: bool) -> None:
        size = k * block_rows
        self.k, self.pairwise = k, pairwise
        self.scratch = np.empty(size, np.int8)
        self.answered = np.empty(size, bool)
        self.complete = np.empty(block_rows, bool)
        self.selected = np.empty(size, np.int8)
        self.squares = np.empty(size, np.int16)
        self.augmented = np.empty(size + block_rows, np.float32)
        self.indicator = np.empty(2 * size if pairwise else 0, np.float32)
        self._floats = np.empty(0)

    def floats(self, shape: tuple[int, int]) -> np.ndarray:
        """A reused float64 work array of this shape (for converting float input)."""
        size = shape[0] * shape[1]
        if self._floats.size < size:
            self._floats = np.empty(size)
        return self._floats[:size].reshape(shape)

    def add(self, block: np.ndarray, sums: _IntegerSums) -> None:
        k, width = block.shape
        answered = self.answered[:k * width].reshape(k, width)
        np.not_equal(block, 0, out=answered)
        complete = self.complete[:width]
        np.logical_and.reduce(answered, axis=0, out=complete)
        sums.rows += width
        sums.count += answered.view(np.uint8).sum(axis=1, dtype=np.int32)
        sums.total += block.sum(axis=1, dtype=np.int32)
        squares = self.squares[:k * width].reshape(k, width)
        np.multiply(block, block, out=squares, dtype=np.int16)
        sums.total_sq += squares.sum(axis=1, dtype=np.int32)
        n_complete = int(np.count_nonzero(complete))
        gram = self._complete_gram(block, complete, n_complete)
        sums.gram += gram
        if sums.pairs is None:
            return
        if n_complete == width:
            _add_complete_pairs(sums.pairs, gram, width)
        else:
            self._add_pairs(block, answered, sums.pairs)

    def _complete_gram(self, block: np.ndarray, complete: np.ndarray,
                       n_complete: int) -> np.ndarray:
        k = self.k
        if n_complete == block.shape[1]:
            selected = block
        else:
            selected = self.selected[:k * n_complete].reshape(k, n_complete)
            np.compress(complete, block, axis=1, out=selected)
        augmented = self.augmented[:(k + 1) * n_complete].reshape(k + 1, n_complete)
        augmented[0] = 1.0
        np.copyto(augmented[1:], selected)
        return augmented @ augmented.T

    def _add_pairs(self, block: np.ndarray, answered: np.ndarray, pairs: np.ndarray) -> None:
        k, width = block.shape
        stacked = self.indicator[:2 * k * width].reshape(2 * k, width)
        np.copyto(stacked[:k], answered)
        np.copyto(stacked[k:], block)
        products = stacked @ stacked.T
        pairs[0] += products[:k, :k]
        pairs[1] += products[k:, :k]
        pairs[3] += products[k:, k:]
        squares = stacked[k:] * stacked[k:]
        pairs[2] += squares @ stacked[:k].T


def _add_complete_pairs(pairs: np.ndarray, gram: np.ndarray, rows: int) -> None:
    """Pairwise sums of a block without missing answers: the listwise ones, broadcast."""
    pairs[0] += rows
    pairs[1] += gram[1:, 0][:, None]
    pairs[2] += np.diag(gram)[1:][:, None]
    pairs[3] += gram[1:, 1:]


def _sum_rows(read: BlockReader, start: int, stop: int, k: int, block_rows: int,
              pairwise: bool) -> _IntegerSums:
    """Kernel sums of rows start:stop, block by block, in the calling thread."""
    worker = _BlockWorker(k, block_rows, pairwise)
    sums = _IntegerSums(k, pairwise)
    for first in range(start, stop, block_rows):
        last = min(first + block_rows, stop)
        worker.add(read(first, last, worker), sums)
    return sums


def integer_sums(read: BlockReader, n_rows: int, k: int, block_rows: int, pairwise: bool,
                 threads: int | None = None) -> _IntegerSums:
    """Kernel sums of rows 0:n_rows, split into contiguous row ranges over threads."""
    ranges = _row_ranges(n_rows, block_rows, thread_count(threads))
    with blas_single_threaded():  # small products: threaded BLAS only adds overhead
        if len(ranges) <= 1:
            return _sum_rows(read, 0, n_rows, k, block_rows, pairwise)
        pool = _pool(len(ranges))
        futures = [pool.submit(_sum_rows, read, start, stop, k, block_rows, pairwise)
                   for start, stop in ranges]
        parts = [future.result() for future in futures]
    total = parts[0]
    for part in parts[1:]:
        total.add(part)
    return total


def _kernel_moments(items: tuple[str, ...], plan: _CodePlan, n_rows: int, pairwise: bool,
                    threads: int | None) -> Moments:
    sums = integer_sums(plan.read, n_rows, len(items), plan.block_rows, pairwise, threads)
    return sums.to_moments(items, plan.offset)


def _row_ranges(n_rows: int, block_rows: int, threads: int) -> list[tuple[int, int]]:
    """Up to ``threads`` contiguous ranges of whole blocks (at least two blocks each)."""
    n_blocks = -(-n_rows // block_rows)
    parts = max(1, min(threads, n_blocks // 2))
    edges = [round(part * n_blocks / parts) * block_rows for part in range(parts + 1)]
    edges[-1] = n_rows
    return [(start, stop) for start, stop in zip(edges[:-1], edges[1:], strict=True)
            if stop > start]


def thread_count(threads: int | None = None) -> int:
    """Threads the kernel uses: ``threads``, else KERNEL_THREADS, else the usable CPUs (at
    most 8); 1 without threadpoolctl, which is needed to keep BLAS from oversubscribing."""
    if threads is None:
        threads = KERNEL_THREADS
    if threads is None:
        try:
            threads = len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            threads = os.cpu_count() or 1
        threads = min(threads, 8)
    if _blas_controller() is None:
        return 1
    return max(1, int(threads))


_POOLS: dict[int, ThreadPoolExecutor] = {}
_POOL_LOCK = threading.Lock()


def _pool(size: int) -> ThreadPoolExecutor:
    with _POOL_LOCK:
        if size not in _POOLS:
            _POOLS[size] = ThreadPoolExecutor(size, thread_name_prefix="surveyq-kernel")
        return _POOLS[size]


_CONTROLLER: list[Any] = []


def _blas_controller() -> Any:
    """A cached threadpoolctl controller, or None when threadpoolctl is missing."""
    if not _CONTROLLER:
        try:
            from threadpoolctl import ThreadpoolController
            _CONTROLLER.append(ThreadpoolController())
        except ImportError:
            _CONTROLLER.append(None)
    return _CONTROLLER[0]


_PIN_LOCK = threading.Lock()
_PIN_STATE: dict[str, Any] = {"users": 0, "limiter": None}


@contextmanager
def blas_single_threaded() -> Iterator[None]:
    """BLAS on one thread while our own threads split the rows (no oversubscription).

    Reference-counted, so overlapping uses from several threads (Dask tasks) restore the
    BLAS thread count only when the last one ends.
    """
    controller = _blas_controller()
    if controller is None:
        yield
        return
    with _PIN_LOCK:
        if _PIN_STATE["users"] == 0:
            _PIN_STATE["limiter"] = controller.limit(limits=1, user_api="blas")
        _PIN_STATE["users"] += 1
    try:
        yield
    finally:
        with _PIN_LOCK:
            _PIN_STATE["users"] -= 1
            if _PIN_STATE["users"] == 0:
                _PIN_STATE["limiter"].restore_original_limits()
                _PIN_STATE["limiter"] = None
