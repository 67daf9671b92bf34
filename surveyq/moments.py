"""Sufficient statistics of an item matrix, built in one pass and mergeable.

Validity, reliability and item means all follow from a few sums over respondents (see
``../shared/spec/formulas.md`` section 3, last point): the number of respondents, the sum of
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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from surveyq.errors import AnalysisError, InputError

__all__ = ["Moments"]

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

        References
        ----------
        .. [1] ``../shared/spec/formulas.md``, section 1 (missing values) and section 3 (all
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
        items, values = _numeric_matrix(data)
        observed = ~np.isnan(values)
        centre = _default_shift(values, observed) if shift is None else _shift_array(shift, items)
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
        return cls(**fields)

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
            the item, n_j per item, as formulas.md section 1 prescribes for descriptive means
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
                f"{self.n_complete} complete respondent(s): a covariance needs at least 2")
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
            f"at least 2 items are needed, got {moments.k} ({list(moments.items)}); "
            "pass every item of the scale")
    empty = [item for item, n in zip(moments.items, moments.item_count, strict=True) if n == 0]
    if empty:
        raise AnalysisError(
            f"no respondent answered item(s) {empty}; drop them or check the column mapping")


def _check_listwise_n(moments: Moments) -> None:
    if moments.n_complete >= 3:
        return
    fewest = moments.items[int(np.argmin(moments.item_count))]
    raise AnalysisError(
        f"only {moments.n_complete} respondent(s) answered every item; at least 3 complete "
        f"respondents are needed. The item answered least is {fewest!r} "
        f"({int(moments.item_count.min())} of {moments.n_rows} rows): drop it, or use "
        "missing='pairwise'")


def _check_pairwise_n(moments: Moments) -> None:
    count = moments.pair_count
    if count.min() >= 3:
        return
    i, j = np.unravel_index(int(np.argmin(count)), count.shape)
    raise AnalysisError(
        f"only {int(count[i, j])} respondent(s) answered both {moments.items[i]!r} and "
        f"{moments.items[j]!r}; every pair of items needs at least 3. Drop one of them")


def _check_not_constant(moments: Moments, cov: np.ndarray, rule: str) -> None:
    means = moments.means("listwise" if rule == "listwise" else "available").to_numpy()
    variance = np.diag(cov)
    constant = variance <= CONSTANT_TOLERANCE * np.maximum(1.0, means**2)
    if not constant.any():
        return
    constant_items = [item for item, flag in zip(moments.items, constant, strict=True) if flag]
    described = ", ".join(f"{item!r} (every analysed answer is {mean:g})"
                          for item, mean in zip(constant_items, means[constant], strict=True))
    raise AnalysisError(
        f"constant item(s): {described}. A correlation with an item that does not vary is "
        "undefined: drop the item from this scale, or check the answer coding")


# ---- private helpers -------------------------------------------------------------------------


def _check_rule(value: str, options: tuple[str, ...], name: str) -> str:
    if value not in options:
        raise InputError(f"{name} must be one of {', '.join(map(repr, options))}, got {value!r}")
    return value


def _numeric_matrix(data: pd.DataFrame) -> tuple[tuple[str, ...], np.ndarray]:
    if not isinstance(data, pd.DataFrame):
        raise InputError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    items = tuple(str(column) for column in data.columns)
    if len(set(items)) != len(items):
        duplicated = sorted({item for item in items if items.count(item) > 1})
        raise InputError(f"duplicate item column(s) {duplicated}; give every item its own name")
    for column in data.columns:
        if not pd.api.types.is_numeric_dtype(data[column]):
            raise InputError(
                f"item column {str(column)!r} is not numeric (dtype {data[column].dtype}); "
                "map the answer labels to codes first", location=f"column {column}")
    values = data.to_numpy(dtype=np.float64, na_value=np.nan)
    if np.isinf(values).any():
        column = items[int(np.nonzero(np.isinf(values).any(axis=0))[0][0])]
        raise InputError(f"item column {column!r} holds an infinite value",
                         location=f"column {column}")
    return items, values


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
