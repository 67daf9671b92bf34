"""Readers that feed :class:`~surveyq.moments.Moments` batch by batch.

National satisfaction surveys pool millions of responses; a laptop need not hold them. These
readers pass a file (CSV or Parquet, through pyarrow) or a Dask DataFrame to the integer
kernel of methods.md "Computation" (approach (c); (e) for the streamed CSV,
(f) for Dask) one batch at a time, so peak memory is set by the batch size, not the file
size. Each batch becomes int8 codes (0 = missing) and is folded into exact integer sums;
the result is the same :class:`Moments` that :meth:`Moments.from_frame` gives for the whole
file (bit for bit for integer codes, to rounding otherwise).

Listwise sums are the default here (``pairwise=False``): pairwise sums (two more products
over all rows) triple the kernel's time. Every statistic in docs/methods.md
sections 2-3 under listwise deletion, and every available-answer mean (IKM NRR, SERVQUAL P
and E means), needs only the listwise sums; ask for ``pairwise=True`` for psych-style
pairwise deletion or the SERVQUAL gaps under missing data.

Blank cells and the usual NA spellings are missing; so are ``missing_codes`` (e.g. 0 or 9
for "no answer") and, when ``valid_codes`` is given, every value outside it.
"""

from __future__ import annotations

import operator
import os
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from surveyq.errors import InputError
from surveyq.files import check_regular_file
from surveyq.messages import msg
from surveyq.moments import (
    _LARGEST_CODE,
    KERNEL_BLOCK_ROWS,
    Moments,
    _BlockWorker,
    _CodeRules,
    _float_moments,
    _IntegerSums,
    _item_matrix,
    _matrix_moments,
    _NotIntegerCodes,
    _rounded_means,
    _shift_array,
    blas_single_threaded,
    block_rows_for,
    code_offset,
    largest_code,
    offset_fits,
    thread_count,
)
from surveyq.readers.blocks import Block, record_blocks, serial_batches

__all__ = [
    "DEFAULT_BLOCK_SIZE",
    "DEFAULT_CHUNKSIZE",
    "moments_from_batches",
    "moments_from_csv",
    "moments_from_dask",
    "moments_from_parquet",
]

#: Rows handed to the kernel at a time (and the Parquet batch size).
DEFAULT_CHUNKSIZE = 65536
#: Largest CSV block pyarrow parses at a time (bytes). methods.md "Computation" (e) streamed
#: 1 MiB blocks; 4 MiB quarters the per-batch overhead and keeps peak memory near 300 MiB.
DEFAULT_BLOCK_SIZE = 4 << 20
# By default a file is cut into at least this many blocks, so small files still parse on
# every core, but blocks stay above _SMALL_BLOCK_SIZE bytes.
_BLOCKS_PER_FILE = 16
_SMALL_BLOCK_SIZE = 256 << 10
# pyarrow needs a whole header line in the first block.
_SMALLEST_BLOCK_SIZE = 1024
# Batches waiting between the reader and the kernel threads, per kernel thread.
_QUEUED_PER_THREAD = 2

ShiftLike = float | Sequence[float] | np.ndarray | None


# ---- public readers ---------------------------------------------------------------------------


def moments_from_csv(
    path: str | os.PathLike,
    items: Sequence[str],
    *,
    chunksize: int = DEFAULT_CHUNKSIZE,
    block_size: int | None = None,
    missing_codes: Sequence[float] = (),
    valid_codes: Sequence[float] | None = None,
    pairwise: bool = False,
    shift: ShiftLike = None,
    delimiter: str = ",",
    encoding: str = "utf8",
    null_values: Sequence[str] | None = None,
    newlines_in_values: bool = False,
    threads: int | None = None,
) -> Moments:
    """Moments of the item columns of a CSV file, read in blocks parsed by pyarrow.

    Parameters
    ----------
    path : str or path-like
        The CSV file (a UTF-8 byte-order mark and quoted fields are handled).
    items : sequence of str
        Item columns, in the order the Moments should hold them; other columns are skipped.
    chunksize : int, default 65536
        Most rows the kernel takes at a time.
    block_size : int, optional
        Bytes of text pyarrow parses per block (``ReadOptions(block_size)``); with the
        queue of parsed batches this bounds peak memory. Default: a sixteenth of the file,
        between 256 KiB and :data:`DEFAULT_BLOCK_SIZE` (4 MiB).
    missing_codes : sequence of float, optional
        Codes meaning "no answer" (e.g. ``(0, 9)``). Blank cells and NA spellings are
        always missing.
    valid_codes : sequence of float, optional
        The answer codes (e.g. ``range(1, 6)``); any other value is treated as missing.
    pairwise : bool, default False
        Also accumulate the pairwise sums (for ``missing="pairwise"`` and SERVQUAL gaps
        under missing data; about three times the kernel time).
    shift : float or sequence of float, optional
        As in :meth:`Moments.from_frame`; by default each item's mean over the whole file,
        rounded, so the result equals ``Moments.from_frame`` of the file.
    delimiter, encoding : str
        Passed to pyarrow (``ParseOptions``, ``ReadOptions``).
    null_values : sequence of str, optional
        Spellings of a missing cell; default pyarrow's ("", "NA", "N/A", "NaN", "null"...).
    newlines_in_values : bool, default False
        Whether a quoted value may hold a line break. False (pyarrow's default too) lets
        the file be cut at line ends and the blocks be parsed on several threads; True
        uses pyarrow's streaming reader, which parses on one thread.
    threads : int, optional
        Kernel threads (default: the usable CPUs, see :func:`surveyq.moments.thread_count`).

    Returns
    -------
    Moments

    Raises
    ------
    InputError
        The file or an item column is missing, or an item column holds text that is not a
        number or a null spelling (map answer labels to codes first).

    Notes
    -----
    A reader thread cuts the file into blocks at line ends (each prefixed with the header
    line); ``threads`` workers each parse a block with ``pyarrow.csv.read_csv`` (one
    thread each, item columns only), turn it into int8 codes (0 = missing) and fold it into
    exact sums with the kernel of :meth:`Moments.from_frame` (methods.md "Computation",
    approaches (c) and (e)). At most two blocks per worker wait in the queue, so memory
    stays bounded; pyarrow's own streaming reader (``open_csv``) parses on one thread only.
    Item columns are parsed as int16; if a value such as ``3.5`` does not parse, the file
    is read again as float64 and non-integer batches take the float64 path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "skm.csv"
    >>> _ = path.write_text('id,U1,U2\\n1,4,3\\n2,"3",NA\\n3,2,9\\n')
    >>> m = moments_from_csv(path, ["U1", "U2"], missing_codes=[9])
    >>> m.n_rows, m.n_complete, m.means().tolist()
    (3, 1, [3.0, 3.0])
    """
    names = _item_names(items)
    if os.path.lexists(path):  # a pipe or device would block; a missing file is said below
        check_regular_file(path)
    if block_size is None:
        block_size = _default_block_size(path)
    options = {"chunksize": chunksize, "missing_codes": missing_codes,
               "valid_codes": valid_codes, "pairwise": pairwise, "shift": shift,
               "threads": threads}
    reader = _csv_blocks if _splittable(encoding, newlines_in_values) else _csv_batches
    try:
        batches = reader(path, names, pa.int16(), block_size, delimiter, encoding, null_values)
        return moments_from_batches(batches, names, **options)
    except pa.ArrowInvalid as error:
        if "conversion error" not in str(error):
            raise _read_error(path, error) from None
    try:
        batches = reader(path, names, pa.float64(), block_size, delimiter, encoding,
                         null_values)
        return moments_from_batches(batches, names, **options)
    except pa.ArrowInvalid as error:
        raise _read_error(path, error) from None


def _read_error(path: str | os.PathLike, error: Exception) -> InputError:
    if "conversion error" in str(error):
        return InputError(msg("error.stream_text_in_item", path=repr(os.fspath(path)),
                              reason=str(error)))
    return InputError(msg("error.stream_read", path=repr(os.fspath(path)), reason=str(error)))


def moments_from_parquet(
    path: str | os.PathLike,
    items: Sequence[str],
    *,
    chunksize: int = DEFAULT_CHUNKSIZE,
    missing_codes: Sequence[float] = (),
    valid_codes: Sequence[float] | None = None,
    pairwise: bool = False,
    shift: ShiftLike = None,
    threads: int | None = None,
) -> Moments:
    """Moments of the item columns of a Parquet file, read with ``ParquetFile.iter_batches``.

    Parameters
    ----------
    path : str or path-like
        The Parquet file; only the item columns are decoded, one batch at a time, so peak
        memory follows the row-group and batch size.
    items : sequence of str
        Item columns (integer, float or boolean; text is an error).
    chunksize : int, default 65536
        Rows per batch (``iter_batches(batch_size=...)``).
    missing_codes, valid_codes, pairwise, shift, threads
        As in :func:`moments_from_csv`.

    Returns
    -------
    Moments

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import pyarrow as pa, pyarrow.parquet as pq
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "skm.parquet"
    >>> pq.write_table(pa.table({"U1": pa.array([4, 3, 2], pa.int8()),
    ...                          "U2": pa.array([3, None, 4], pa.int8())}), path)
    >>> moments_from_parquet(path, ["U1", "U2"]).means().tolist()
    [3.0, 3.5]
    """
    import pyarrow.parquet as pq

    names = _item_names(items)
    try:
        parquet = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as error:
        raise InputError(msg("error.parquet_open", path=repr(os.fspath(path)),
                             reason=str(error))) from None
    _check_columns(names, parquet.schema_arrow.names, os.fspath(path))
    workers = min(thread_count(threads), parquet.num_row_groups)
    if workers < 2:
        batches = parquet.iter_batches(batch_size=chunksize, columns=list(names))
        return moments_from_batches(batches, names, chunksize=chunksize,
                                    missing_codes=missing_codes, valid_codes=valid_codes,
                                    pairwise=pairwise, shift=shift, threads=threads)
    rules = _CodeRules.of(missing_codes, valid_codes)
    with blas_single_threaded(), ThreadPoolExecutor(workers) as pool:
        futures = [pool.submit(_read_row_groups, path, range(first, parquet.num_row_groups,
                                                             workers),
                               _BatchState(names, rules, pairwise, chunksize))
                   for first in range(workers)]
        states = [future.result() for future in futures]
    return _finish(names, [part for state in states for part in state.parts()], pairwise, shift)


def _read_row_groups(path: str | os.PathLike, row_groups: range,
                     state: _BatchState) -> _BatchState:
    """Decode and fold the given row groups in this thread (one decoder per thread).

    With several row groups, each thread decodes its own with pyarrow's single-threaded
    reader and feeds the kernel itself: no hand-over between threads, and the decode and
    the kernel of different row groups run side by side on the cores.
    """
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(path)
    for batch in parquet.iter_batches(batch_size=state.chunksize, row_groups=list(row_groups),
                                      columns=list(state.names), use_threads=False):
        state.add(batch)
    return state


def moments_from_batches(
    batches: Iterable[pa.RecordBatch | pa.Table],
    items: Sequence[str],
    *,
    chunksize: int = DEFAULT_CHUNKSIZE,
    missing_codes: Sequence[float] = (),
    valid_codes: Sequence[float] | None = None,
    pairwise: bool = False,
    shift: ShiftLike = None,
    threads: int | None = None,
) -> Moments:
    """Moments of any stream of Arrow record batches (or tables) holding the item columns.

    The general form of :func:`moments_from_csv` and :func:`moments_from_parquet`, e.g. for a
    ``pyarrow.dataset`` scanner's ``to_batches()``. Batches are pulled by one reader thread
    and folded by ``threads`` kernel threads; the parts are summed with ``+`` at the end.

    Examples
    --------
    >>> import pyarrow as pa
    >>> parts = [pa.record_batch({"Q1": [4, 5], "Q2": [4, None]}),
    ...          pa.record_batch({"Q1": [3], "Q2": [2]})]
    >>> moments_from_batches(parts, ["Q1", "Q2"]).n_complete
    2
    """
    names = _item_names(items)
    if chunksize < 1:
        raise InputError(msg("error.chunksize", value=repr(chunksize)))
    rules = _CodeRules.of(missing_codes, valid_codes)
    states = _run_pipeline(iter(batches), lambda: _BatchState(names, rules, pairwise, chunksize),
                           thread_count(threads))
    parts = [part for state in states for part in state.parts()]
    return _finish(names, parts, pairwise, shift)


def moments_from_dask(
    ddf: Any,
    items: Sequence[str],
    *,
    missing_codes: Sequence[float] = (),
    valid_codes: Sequence[float] | None = None,
    pairwise: bool = False,
    shift: ShiftLike = None,
    split_every: int = 8,
) -> Moments:
    """Moments of the item columns of a Dask DataFrame: one Moments per partition, summed.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
        Respondents x columns; only ``items`` are used.
    items : sequence of str
        Item columns.
    missing_codes, valid_codes, pairwise, shift
        As in :func:`moments_from_csv`.
    split_every : int, default 8
        Fan-in of the tree that adds the partitions' Moments.

    Returns
    -------
    Moments
        Equal to ``Moments.from_frame(ddf[items].compute())`` (bit for bit for integer codes).

    Notes
    -----
    methods.md "Computation", approach (f): each partition runs the integer kernel (one thread
    per task when there are at least as many partitions as cores, else the kernel's own
    threads) and the (k + 1)^2 sums are added in a tree of
    ``dask.delayed`` ``+``. Computed with the active scheduler: the local threaded one by
    default, or a ``dask.distributed`` Client (also one connected by address). Read Parquet
    with ``dd.read_parquet(path, split_row_groups=True)`` to get a partition per row group
    (Dask's default may put a whole file in one partition, as float64). Do not use
    Dask's own ``cov()``: methods.md "Computation" measured it 18-33x slower. Needs the optional
    extra ``surveyq[dask]`` (``dask[dataframe,distributed]``).
    """
    try:
        import dask
    except ImportError:
        raise InputError(msg("error.from_dask_needs_dask")) from None
    names = _item_names(items)
    _check_columns(names, [str(column) for column in ddf.columns], "the Dask DataFrame")
    rules = _CodeRules.of(missing_codes, valid_codes)
    selected = ddf[list(names)]
    # Fewer partitions than cores: let each partition's kernel use the cores itself.
    threads = 1 if selected.npartitions >= thread_count() else None
    parts = [dask.delayed(_partition_moments)(part, names, rules, pairwise, threads)
             for part in selected.to_delayed()]
    (total,) = dask.compute(_delayed_tree_sum(dask, parts, split_every))
    return _finish(names, [total], pairwise, shift)


# ---- CSV and column checks --------------------------------------------------------------------


def _item_names(items: Sequence[str]) -> tuple[str, ...]:
    if isinstance(items, str):
        raise InputError(msg("error.items_string", value=repr(items)))
    names = tuple(str(item) for item in items)
    if not names:
        raise InputError(msg("error.items_empty"))
    if len(set(names)) != len(names):
        raise InputError(msg("error.items_repeated", names=str(list(names))))
    return names


def _check_columns(names: tuple[str, ...], available: Sequence[str], source: str) -> None:
    absent = [name for name in names if name not in available]
    if absent:
        raise InputError(msg("error.items_absent", absent=str(absent), source=source,
                             columns=str(list(available))))


def _splittable(encoding: str, newlines_in_values: bool) -> bool:
    """Whether the file can be cut at line ends (UTF-8 or ASCII, no line breaks in values)."""
    return not newlines_in_values and encoding.replace("-", "").lower() in ("utf8", "ascii")


def _csv_options(names: tuple[str, ...], item_type: pa.DataType, delimiter: str,
                 null_values: Sequence[str] | None) -> tuple[Any, Any]:
    import pyarrow.csv as csv

    convert = {"include_columns": list(names), "column_types": dict.fromkeys(names, item_type)}
    if null_values is not None:
        convert["null_values"] = list(null_values)
    return csv.ParseOptions(delimiter=delimiter), csv.ConvertOptions(**convert)


def _csv_blocks(path: str | os.PathLike, names: tuple[str, ...], item_type: pa.DataType,
                block_size: int, delimiter: str, encoding: str,
                null_values: Sequence[str] | None) -> Iterator[Callable[[], pa.Table]]:
    """Blocks of whole lines, each a callable that parses it (header line prepended)."""
    import pyarrow.csv as csv

    parse, convert = _csv_options(names, item_type, delimiter, null_values)
    try:
        source = open(path, "rb")  # noqa: SIM115 - closed by the generator below
    except FileNotFoundError:
        raise InputError(msg("error.no_such_file", path=repr(os.fspath(path)))) from None
    header = source.readline()
    header_names = csv.read_csv(pa.py_buffer(header), parse_options=parse).column_names
    _check_columns(names, header_names, os.fspath(path))
    return _parsers(source, record_blocks(
        source, header, parse, convert, quoted_breaks=False,
        block_bytes=max(int(block_size), _SMALLEST_BLOCK_SIZE)))


def _parsers(source: Any, blocks: Iterator[Block]) -> Iterator[Callable[[], pa.Table]]:
    with source:
        for _, parse, _ in blocks:
            yield parse


def _csv_batches(path: str | os.PathLike, names: tuple[str, ...], item_type: pa.DataType,
                 block_size: int, delimiter: str, encoding: str,
                 null_values: Sequence[str] | None) -> Iterator[pa.RecordBatch]:
    """pyarrow's streaming CSV reader over the item columns, typed ``item_type``."""
    import pyarrow.csv as csv

    convert = {"include_columns": list(names), "column_types": dict.fromkeys(names, item_type)}
    if null_values is not None:
        convert["null_values"] = list(null_values)
    block_bytes = max(int(block_size), _SMALLEST_BLOCK_SIZE)
    try:
        return serial_batches(path, csv.ParseOptions(delimiter=delimiter,
                                                     newlines_in_values=True),
                              csv.ConvertOptions(**convert), encoding=encoding,
                              block_bytes=block_bytes)
    except FileNotFoundError:
        raise InputError(msg("error.no_such_file", path=repr(os.fspath(path)))) from None
    except KeyError:
        read_options = csv.ReadOptions(block_size=block_bytes, encoding=encoding)
        _check_columns(names, _csv_header(path, read_options, delimiter), os.fspath(path))
        raise


def _default_block_size(path: str | os.PathLike) -> int:
    try:
        size = os.path.getsize(path)
    except OSError:
        return DEFAULT_BLOCK_SIZE
    return int(min(DEFAULT_BLOCK_SIZE, max(_SMALL_BLOCK_SIZE, size // _BLOCKS_PER_FILE)))


def _csv_header(path: str | os.PathLike, read_options: Any, delimiter: str) -> list[str]:
    import pyarrow.csv as csv

    reader = csv.open_csv(path, read_options=read_options,
                          parse_options=csv.ParseOptions(delimiter=delimiter))
    return reader.schema.names


# ---- batches to kernel codes ------------------------------------------------------------------


class _BatchState:
    """One kernel thread's sums over the batches it was given.

    Integer batches whose answers fit the first batch's offset go into one exact sum; a
    batch with wider codes gets its own offset, and a batch with non-integer values takes
    the float64 path; those parts are added at the end.
    """

    def __init__(self, names: tuple[str, ...], rules: _CodeRules, pairwise: bool,
                 chunksize: int) -> None:
        self.names, self.rules, self.pairwise = names, rules, pairwise
        self.chunksize = chunksize
        self.offset: np.ndarray | None = None
        self.sums = _IntegerSums(len(names), pairwise)
        self.worker = _BlockWorker(len(names), KERNEL_BLOCK_ROWS, pairwise)
        self.codes = np.empty(0, np.int8)
        self.others: list[Moments] = []

    def add(self, batch: pa.RecordBatch | pa.Table | Callable[[], pa.Table]) -> None:
        if callable(batch):  # a CSV block parsed in this thread
            batch = batch()
        for start in range(0, batch.num_rows, self.chunksize):
            chunk = batch.slice(start, self.chunksize)
            columns = [_item_column(chunk, name, self.rules) for name in self.names]
            self._add_chunk(columns, chunk.num_rows)

    def parts(self) -> list[Moments]:
        own = [] if self.offset is None else [self.sums.to_moments(self.names, self.offset)]
        return own + self.others

    def _add_chunk(self, columns: list[pa.Array], n_rows: int) -> None:
        codes = self._buffer(len(columns), n_rows)
        if _codes_as_they_are(columns, codes):
            self._add_codes(codes, np.zeros(len(columns), np.int64), int(codes.max(initial=1)))
            return
        low, high = _column_ranges(columns)
        offset = code_offset(low, high)
        if offset is None:
            self.others.append(_float_chunk(self.names, columns, self.pairwise))
            return
        if self.offset is not None and offset_fits(self.offset, low, high):
            offset = self.offset
        try:
            for row, column, item_offset in zip(codes, columns, offset, strict=True):
                _fill_codes(row, column, int(item_offset))
        except _NotIntegerCodes:
            self.others.append(_float_chunk(self.names, columns, self.pairwise))
            return
        self._add_codes(codes, offset, largest_code(low, high, offset))

    def _add_codes(self, codes: np.ndarray, offset: np.ndarray, largest: int) -> None:
        """Fold k x n int8 kernel codes with this offset into the sums."""
        if self.offset is None:
            self.offset = offset
        own = np.array_equal(offset, self.offset)
        sums = self.sums if own else _IntegerSums(len(self.names), self.pairwise)
        block_rows = block_rows_for(largest)
        for first in range(0, codes.shape[1], block_rows):
            self.worker.add(codes[:, first:first + block_rows], sums)
        if not own:
            self.others.append(sums.to_moments(self.names, offset))

    def _buffer(self, k: int, n_rows: int) -> np.ndarray:
        """A reused k x n_rows int8 matrix for the chunk's kernel codes."""
        if self.codes.size < k * n_rows:
            self.codes = np.empty(k * n_rows, np.int8)
        return self.codes[:k * n_rows].reshape(k, n_rows)


def _item_column(chunk: pa.RecordBatch | pa.Table, name: str, rules: _CodeRules) -> pa.Array:
    """One item column as a numeric Arrow array with every missing value null."""
    column = chunk.column(name)
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode()
    if pa.types.is_boolean(column.type) or pa.types.is_null(column.type):
        column = column.cast(pa.int8())
    if not (pa.types.is_integer(column.type) or pa.types.is_floating(column.type)):
        raise InputError(msg("error.stream_item_type", column=repr(name), type=str(column.type)),
                         location=msg("error.where_column", column=name))
    if rules.missing:
        listed = _value_set(rules.missing, column.type)
        if len(listed):
            column = pc.if_else(pc.is_in(column, value_set=listed),
                                pa.scalar(None, column.type), column)
    if rules.valid is not None:
        column = pc.if_else(pc.is_in(column, value_set=_value_set(rules.valid, column.type)),
                            column, pa.scalar(None, column.type))
    return column


def _value_set(codes: tuple[float, ...], arrow_type: pa.DataType) -> pa.Array:
    """``codes`` that an Arrow column of ``arrow_type`` can hold, as an array of that type."""
    if pa.types.is_floating(arrow_type):
        return pa.array(codes, arrow_type)
    limits = np.iinfo(arrow_type.to_pandas_dtype())
    whole = [int(code) for code in codes
             if float(code).is_integer() and limits.min <= code <= limits.max]
    return pa.array(whole, arrow_type)


def _codes_as_they_are(columns: list[pa.Array], codes: np.ndarray) -> bool:
    """Copy integer columns whose answers are already 1..127 into ``codes`` (nulls 0).

    The fast path of every ordinary Likert file: no Arrow compute call, only a copy of each
    column's values and of its validity bitmap, then two passes over the int8 block to
    prove that every answer is in 1..127 (none negative, and as many non-zero codes as
    answers). False (``codes`` then undefined) sends the chunk to the general path.
    """
    answers = 0
    for row, column in zip(codes, columns, strict=True):
        values = _integer_values(column)
        if values is None:
            return False
        if values.dtype != np.int8 and (values.min(initial=0) < 0
                                        or values.max(initial=0) > _LARGEST_CODE):
            return False
        if column.null_count and values.dtype == np.int8:
            np.multiply(values, _answered(column), out=row)
        else:
            np.copyto(row, values, casting="unsafe")
            if column.null_count:
                np.multiply(row, _answered(column), out=row)
        answers += len(column) - column.null_count
    return codes.min(initial=0) >= 0 and np.count_nonzero(codes) == answers


def _integer_values(column: pa.Array) -> np.ndarray | None:
    """The data buffer of an integer Arrow array as numpy (no copy); None for other types."""
    if not pa.types.is_integer(column.type):
        return None
    data = column.buffers()[1]
    dtype = np.dtype(column.type.to_pandas_dtype())
    return np.frombuffer(data, dtype, count=column.offset + len(column))[column.offset:]


def _answered(column: pa.Array) -> np.ndarray:
    """int8 1 where ``column`` holds a value, 0 where it is null (its validity bitmap).

    Multiplying by it zeroes the nulls several times faster than a masked copy.
    """
    bitmap = np.frombuffer(column.buffers()[0], np.uint8)
    answered = np.unpackbits(bitmap, count=column.offset + len(column), bitorder="little")
    return answered[column.offset:].view(np.int8)


def _column_ranges(columns: list[pa.Array]) -> tuple[np.ndarray, np.ndarray]:
    """Smallest and largest answer per column (+inf / -inf for a column with no answer)."""
    low, high = np.full(len(columns), np.inf), np.full(len(columns), -np.inf)
    for j, column in enumerate(columns):
        if column.null_count == len(column):
            continue
        if pa.types.is_floating(column.type):
            values = column.to_numpy(zero_copy_only=False)
            low[j], high[j] = np.fmin.reduce(values), np.fmax.reduce(values)
            if np.isinf(low[j]) or np.isinf(high[j]):
                raise InputError(msg("error.infinite_value"))
            if np.isnan(low[j]):
                low[j], high[j] = np.inf, -np.inf
            continue
        bounds = pc.min_max(column)
        low[j], high[j] = bounds["min"].as_py(), bounds["max"].as_py()
    return low, high


def _fill_codes(row: np.ndarray, column: pa.Array, offset: int) -> None:
    """Write ``column - offset`` into the int8 ``row``, 0 where the answer is missing."""
    values = _integer_values(column)
    if values is not None:
        np.subtract(values, np.int64(offset), out=row, casting="unsafe")
        if column.null_count:
            np.multiply(row, _answered(column), out=row)
        return
    values = column.to_numpy(zero_copy_only=False)
    answered = ~np.isnan(values)
    shifted = values - offset
    if not np.array_equal(np.trunc(shifted[answered]), shifted[answered]):
        raise _NotIntegerCodes
    row.fill(0)
    np.copyto(row, shifted, casting="unsafe", where=answered)


def _float_chunk(names: tuple[str, ...], columns: list[pa.Array], pairwise: bool) -> Moments:
    """The float64 path for a chunk holding non-integer values."""
    values = np.column_stack([column.to_numpy(zero_copy_only=False).astype(np.float64)
                              for column in columns])
    if np.isinf(values).any():
        raise InputError(msg("error.infinite_value"))
    return _float_moments(names, values, None, pairwise)


# ---- the reader / kernel pipeline ---------------------------------------------------------------


class _Pipeline:
    """A reader thread filling a bounded queue, kernel threads emptying it."""

    _DONE = object()

    def __init__(self, batches: Iterator[Any], consumers: int) -> None:
        self.batches, self.consumers = batches, consumers
        self.queue: queue.Queue = queue.Queue(maxsize=_QUEUED_PER_THREAD * consumers)
        self.stop = threading.Event()
        self.errors: list[BaseException] = []

    def produce(self) -> None:
        try:
            for batch in self.batches:
                if not self._put(batch):
                    return
        except BaseException as error:  # noqa: BLE001 - re-raised in the calling thread
            self.errors.append(error)
            self.stop.set()
        finally:
            for _ in range(self.consumers):
                self._put(self._DONE, always=True)

    def consume(self, state: _BatchState) -> None:
        while True:
            batch = self.queue.get()
            if batch is self._DONE:
                return
            if self.stop.is_set():
                continue
            try:
                state.add(batch)
            except BaseException as error:  # noqa: BLE001 - re-raised in the calling thread
                self.errors.append(error)
                self.stop.set()

    def _put(self, item: object, always: bool = False) -> bool:
        while always or not self.stop.is_set():
            try:
                self.queue.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False


def _run_pipeline(batches: Iterator[Any], new_state: Callable[[], _BatchState],
                  consumers: int) -> list[_BatchState]:
    """Fold every batch into one of ``consumers`` states while the next batches are read."""
    pipeline = _Pipeline(batches, consumers)
    states = [new_state() for _ in range(consumers)]
    reader = threading.Thread(target=pipeline.produce, name="surveyq-reader", daemon=True)
    kernels = [threading.Thread(target=pipeline.consume, args=(state,), daemon=True,
                                name=f"surveyq-kernel-{number}")
               for number, state in enumerate(states[1:], start=1)]
    with blas_single_threaded():
        reader.start()
        for thread in kernels:
            thread.start()
        pipeline.consume(states[0])
        for thread in kernels:
            thread.join()
        reader.join()
    if pipeline.errors:
        raise pipeline.errors[0]
    return states


# ---- Dask -----------------------------------------------------------------------------------


def _partition_moments(frame: pd.DataFrame, names: tuple[str, ...], rules: _CodeRules,
                       pairwise: bool, threads: int | None) -> Moments:
    """One partition's Moments (kernel on one thread when Dask runs partitions in parallel)."""
    frame = frame.set_axis(list(names), axis=1)
    items, values = _item_matrix(frame)
    with blas_single_threaded():
        return _matrix_moments(items, values, shift=None, pairwise=pairwise, rules=rules,
                               threads=threads)


def _delayed_tree_sum(dask: Any, parts: list[Any], split_every: int) -> Any:
    """Sum delayed Moments in a tree of fan-in ``split_every``."""
    if not parts:
        raise InputError(msg("error.dask_no_partitions"))
    fan_in = max(2, int(split_every))
    while len(parts) > 1:
        parts = [dask.delayed(_sum_moments)(parts[start:start + fan_in])
                 for start in range(0, len(parts), fan_in)]
    return parts[0]


def _sum_moments(parts: list[Moments]) -> Moments:
    total = parts[0]
    for part in parts[1:]:
        total = operator.add(total, part)
    return total


# ---- result -----------------------------------------------------------------------------------


def _finish(names: tuple[str, ...], parts: list[Moments], pairwise: bool,
            shift: ShiftLike) -> Moments:
    """Sum the parts and centre on ``shift`` (default: the rounded item means, as
    :meth:`Moments.from_frame` does), with fresh read-only arrays."""
    total = sum(parts) if parts else _float_moments(names, np.empty((0, len(names))), None,
                                                   pairwise)
    target = _rounded_means(total) if shift is None else _shift_array(shift, names)
    centred = total.with_shift(target)
    return Moments(**{name: getattr(centred, name) for name in _FIELDS})


_FIELDS = ("items", "shift", "n_rows", "gram", "item_count", "item_sum", "item_sumsq",
           "pair_count", "pair_sum", "pair_sumsq", "pair_cross")
