"""A survey too large for memory, read by ``surveyq run`` batch by batch into Moments.

``surveyq run`` streams a CSV or Parquet export when the file is larger than the project's
``streaming.threshold_mb`` (64 MiB by default), or when its survey says ``stream: true``.
The header is read and matched to the questionnaire exactly as in memory
(:func:`surveyq.readers.read_raw` on the file's first lines, then
:func:`surveyq.clean.match_columns`), so column problems read the same. Then one pass over
the file reads only the item columns and, batch by batch:

* codes every cell with the read engine the in-memory run uses
  (:class:`surveyq.engine.BatchCoder`: labels, aliases, "4 (Baik)", decimal commas,
  declared-missing answers), once per distinct raw value of a column, and applies reverse
  keying;
* counts every cell set missing, per column, reason and raw value, with its first rows:
  the cleaning log gets one entry per (column, reason, value) whose ``count`` says how
  many cells it stands for, so nothing is dropped silently;
* drops the rows without any valid answer (``no_answers``, counted, as in memory);
* folds the int8 codes into the exact integer sums of every item set the analyses need
  (each role's scale and each of its dimensions, listwise; the IKM elements over the rows
  answering one of them) with the kernel of :mod:`surveyq.moments`, and counts each answer
  point per item for the frequency table.

Validity, reliability, IKM (index, elements, band, trend) and the item frequencies follow
from those sums and equal the in-memory results (``tests/test_streaming_pipeline.py``).
What needs the rows is left out and named in ``results.json`` (``streaming.omitted``) and
in the report: respondent profile, free text, the duplicate-submission checks, SERVQUAL /
IPA / CSI, the IKM's bootstrap interval (the analytic one follows from the sums) and the
breakdowns by respondent group. Set ``stream: false`` on the survey to read it in memory
instead.

With ``streaming.dask_scheduler`` the file is read by ``dask.dataframe`` and each
partition is coded and summed on that scheduler (a ``dask.distributed`` address such as
``tcp://10.0.0.5:8786``, or one of Dask's local schedulers ``threads`` / ``processes`` /
``synchronous``); the partial sums are added with ``+`` (methods.md "Computation", approach (f)).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa

from surveyq.clean import Responses, match_columns, note_identical
from surveyq.coding import (  # noqa: F401 - ItemRule is imported from here too
    ItemRule,
    distinct_values,
)
from surveyq.engine import (  # noqa: F401 - the tallies' names are imported from here too
    SAMPLE_ROWS,
    BatchCoder,
    CellCount,
    Patterns,
    column_distinct,
    row_hashes,
)
from surveyq.errors import InputError
from surveyq.log import Action, CleaningLog, Reason
from surveyq.messages import joined as join_messages
from surveyq.messages import msg
from surveyq.moments import (
    Moments,
    _BlockWorker,
    _IntegerSums,
    block_rows_for,
    thread_count,
)
from surveyq.project import (  # noqa: F401 - STREAMABLE and should_stream are imported from here too
    SCHEDULER_ADDRESS,
    STREAMABLE,
    Project,
    SurveySpec,
    duplicate_options,
    should_stream,
    stream_format,
)
from surveyq.questionnaire import Questionnaire
from surveyq.readers import log_repairs
from surveyq.readers.blocks import OpenQuote, ReadFacts, record_blocks, serial_batches
from surveyq.readers.flavours import plan_columns
from surveyq.readers.repair import repair_utf8
from surveyq.readers.text import arrow_csv_options
from surveyq.streaming import DEFAULT_CHUNKSIZE, _finish, _run_pipeline

if TYPE_CHECKING:  # units loads the statistics stack (ikm, uncertainty): check does not
    from surveyq.units import UnitMoments, UnitSums

#: The analyses that follow from Moments; every other one needs the rows in memory.
STREAMED_ANALYSES = ("validity", "reliability", "ikm")
#: Parts of a survey's results that need the rows, always left out when streamed.
OMITTED_ALWAYS = ("profile", "free_text", "data_matrix")
#: Parts of an analysis that need the rows (the rest of the analysis is computed).
OMITTED_PARTS = {"ikm": ("ikm_bootstrap", "ikm_by")}
#: The first bytes of a CSV read in memory to find its encoding, separator and header.
HEAD_BYTES = 1 << 18
#: Bytes of CSV text parsed per batch.
BLOCK_BYTES = 4 << 20
_INTEGER = re.compile(r"[+-]?\d+")
RowProgress = Callable[[int, float | None], None]  # (rows read, fraction of the file or None)


# ---- the plan: which columns, how to code them, which sums -------------------------------------


@dataclasses.dataclass(frozen=True)
class ItemSet:
    """Items summed together; ``own_rows``: over the rows answering one of them (IKM)."""

    items: tuple[str, ...]
    own_rows: bool = False


@dataclasses.dataclass(frozen=True)
class StreamPlan:
    """Everything a worker needs to code and sum a batch (picklable, for Dask workers)."""

    path: Path
    format: str
    rules: tuple[ItemRule, ...]
    sets: tuple[ItemSet, ...]
    pairwise: bool = False
    delimiter: str = ","
    encoding: str = "utf8"
    chunk_rows: int = DEFAULT_CHUNKSIZE
    scheduler: str | None = None
    scheduler_timeout: float = 30.0
    text_items: bool = False  # item cells are labels, not numeric codes
    unit_column: str | None = None  # each respondent's service unit (per-unit IKM sums)
    unit_value: str | None = None  # one export per unit: every row's unit (units.files)

    @property
    def columns(self) -> list[str]:
        return [rule.column for rule in self.rules]

    @property
    def read_columns(self) -> list[str]:
        """The item columns and, when the IKM is grouped by unit, the unit column."""
        extra = [self.unit_column] if self.unit_column not in (None, *self.columns) else []
        return self.columns + extra

    def pairwise_for(self, item_set: ItemSet) -> bool:
        """Pairwise sums for this set: when the options ask for them, and always for the IKM
        elements, whose analytic interval needs them under missing answers (k is small)."""
        return self.pairwise or item_set.own_rows

    @property
    def first_row(self) -> int:
        """The row number a person sees for the first record (a CSV's header is row 1)."""
        return 2 if self.format == "csv" else 1


def item_sets(q: Questionnaire) -> tuple[ItemSet, ...]:
    """The scales validity and reliability use, and the IKM elements."""
    from surveyq.analyses import questionnaire_scales

    sets = {tuple(spec.items): ItemSet(tuple(spec.items)) for spec in questionnaire_scales(q)}
    elements = tuple(item.id for item in q.items if item.element)
    if elements:
        sets[("ikm",) + elements] = ItemSet(elements, own_rows=True)
    return tuple(sets.values())


# ---- tallies ------------------------------------------------------------------------------------


@dataclasses.dataclass
class StreamTally:
    """What one pass over (part of) the file found; parts add up with :meth:`merge`."""

    parts: list[list[Moments]]  # per item set
    frequencies: np.ndarray  # items x (largest code + 1): answers per kernel code
    cells: dict[tuple[int, str, str], CellCount]
    blank_rows: CellCount
    batch_rows: dict[int, int]
    patterns: Patterns = dataclasses.field(default_factory=lambda: Patterns())
    units: UnitSums | None = None  # per-unit sums of the IKM elements

    def merge(self, other: StreamTally) -> StreamTally:
        for mine, theirs in zip(self.parts, other.parts, strict=True):
            mine.extend(theirs)
        self.frequencies += other.frequencies
        for key, cell in other.cells.items():
            if key in self.cells:
                self.cells[key].merge(cell)
            else:
                self.cells[key] = cell
        self.blank_rows.merge(other.blank_rows)
        self.batch_rows.update(other.batch_rows)
        self.patterns.merge(other.patterns)
        if other.units is not None:
            self.units = other.units if self.units is None else self.units.merge(other.units)
        return self

    @property
    def rows_read(self) -> int:
        return sum(self.batch_rows.values())


class _Coder:
    """One thread's (or Dask task's) sums: codes each batch with the read engine
    (:class:`surveyq.engine.BatchCoder`) and folds its kept rows into every set."""

    def __init__(self, plan: StreamPlan, progress: _Progress | None = None) -> None:
        self.plan, self.progress = plan, progress
        self.coder = BatchCoder(plan.rules)
        position = {rule.item: j for j, rule in enumerate(plan.rules)}
        self.set_rows = [np.array([position[item] for item in s.items]) for s in plan.sets]
        everything = list(range(len(plan.rules)))
        self.whole = [rows.tolist() == everything for rows in self.set_rows]
        self.largest = max(rule.largest for rule in plan.rules)
        self.block_rows = block_rows_for(self.largest)
        self.sums = [_IntegerSums(len(s.items), plan.pairwise_for(s)) for s in plan.sets]
        self.workers = [_BlockWorker(len(s.items), self.block_rows, plan.pairwise_for(s))
                        for s in plan.sets]
        self.frequencies = np.zeros((len(plan.rules), self.largest + 1), np.int64)
        from surveyq.units import unit_sums_for

        self.units = unit_sums_for(plan)

    def add(self, job: tuple[int, Any, int]) -> None:
        """Fold one batch: ``(sequence number, batch or parser, bytes of text)``."""
        sequence, batch, size = job
        if callable(batch):
            batch = batch()
        drop = None
        if isinstance(batch, tuple):  # (batch, rows excluded as duplicate submissions)
            batch, drop = batch
        columns = [column_distinct(_plain(batch.column(rule.column))) for rule in self.plan.rules]
        coded = self.coder.code(sequence, columns, batch.num_rows)
        keep = coded.answered if drop is None or not drop.any() else coded.answered & ~drop
        codes = coded.codes if keep.all() else np.compress(keep, coded.codes, axis=1)
        self.coder.patterns.count(codes)
        if self.units is not None:
            self.units.add_batch(self.plan, batch, keep, codes)
        for j in range(len(self.plan.rules)):
            self.frequencies[j] += np.bincount(codes[j], minlength=self.largest + 1)
        for item_set, rows, whole, sums, worker in zip(self.plan.sets, self.set_rows,
                                                       self.whole, self.sums, self.workers,
                                                       strict=True):
            subset = codes if whole else np.take(codes, rows, axis=0)
            self._fold(subset, item_set, sums, worker)
        if self.progress:
            self.progress.add(batch.num_rows, size)

    def _fold(self, subset: np.ndarray, item_set: ItemSet, sums: _IntegerSums,
              worker: _BlockWorker) -> None:
        if item_set.own_rows:
            mine = subset.any(axis=0)
            if not mine.all():
                subset = np.compress(mine, subset, axis=1)
        for first in range(0, subset.shape[1], self.block_rows):
            worker.add(subset[:, first:first + self.block_rows], sums)

    def tally(self) -> StreamTally:
        parts = []
        for item_set, rows, sums in zip(self.plan.sets, self.set_rows, self.sums, strict=True):
            offsets = np.array([self.plan.rules[r].offset for r in rows], np.int64)
            parts.append([sums.to_moments(item_set.items, offsets)] if sums.rows else [])
        coder = self.coder
        return StreamTally(parts, self.frequencies, coder.cells, coder.blank_rows,
                           coder.batch_rows, coder.patterns, self.units)


def _plain(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    if pa.types.is_dictionary(column.type) and not pa.types.is_integer(column.type.index_type):
        column = column.dictionary_decode()
    if pa.types.is_null(column.type):
        column = column.cast(pa.int8())
    return column


# ---- reading the file in batches ----------------------------------------------------------------


class _Progress:
    """Rows and bytes folded so far, reported to the caller from whichever thread folds."""

    def __init__(self, callback: RowProgress | None, total_bytes: int | None = None,
                 total_rows: int | None = None) -> None:
        self.callback, self.total_bytes, self.total_rows = callback, total_bytes, total_rows
        self.rows, self.bytes = 0, 0
        self.lock = threading.Lock()

    def add(self, rows: int, size: int) -> None:
        with self.lock:  # reported under the lock, so the caller sees rows only grow
            self.rows += rows
            self.bytes += size
            if self.callback:
                self.callback(self.rows, self._fraction())

    def _fraction(self) -> float | None:
        if self.total_bytes:
            return min(1.0, self.bytes / self.total_bytes)
        if self.total_rows:
            return min(1.0, self.rows / self.total_rows)
        return None


@dataclasses.dataclass(frozen=True)
class TextLayout:
    """How a CSV export is laid out: encoding, separator, header and where the data start."""

    encoding: str
    delimiter: str
    header: list[str]
    header_bytes: bytes  # the header record as bytes (UTF-8 files), prepended to each block
    data_start: int  # byte offset of the first data record
    skip_lines: int  # lines before the header (Excel's "sep=;" hint)
    notes: list[str]
    sample: list[list[str]] = dataclasses.field(default_factory=list)  # records after it

    def textual(self, columns: list[str]) -> bool:
        """Whether a sampled cell of these columns is not a plain integer (a label, "2,5")."""
        positions = [self.header.index(column) for column in columns]
        return any(
            position < len(record) and record[position]
            and not _INTEGER.fullmatch(record[position])
            for record in self.sample for position in positions
        )

    @property
    def splittable(self) -> bool:
        """UTF-8 text can be cut at line ends and parsed on several threads."""
        return self.encoding.replace("-", "").lower() in ("utf8", "utf8sig", "ascii")


def text_layout(path: Path, encoding: str | None, delimiter: str | None) -> TextLayout:
    """Read the file's first lines as :func:`surveyq.readers.read_raw` would."""
    from surveyq.files import check_regular_file
    from surveyq.readers.text import read_text

    check_regular_file(path)
    with open(path, "rb") as source:
        head = source.read(HEAD_BYTES)
    whole = len(head) < HEAD_BYTES
    cut = len(head) if whole else head.rfind(b"\n") + 1
    parsed = read_text(head[:cut] or head, str(path), encoding, delimiter, whole=whole)
    if not parsed.records or not any(cell.strip() for cell in parsed.records[0]):
        raise InputError(msg("error.stream_no_header"), str(path))
    body = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    skip = 1 if body[:4].lower() == b"sep=" else 0
    start = len(head) - len(body) + (body.find(b"\n") + 1 if skip else 0)
    end = _record_end(head, start)
    header_bytes = head[:end] if not skip else head[start:end]
    if parsed.encoding.startswith("utf-8"):
        header_bytes = repair_utf8(header_bytes) or header_bytes
    return TextLayout(parsed.encoding, parsed.delimiter, [str(c) for c in parsed.records[0]],
                      header_bytes, end, skip, parsed.notes, parsed.records[1:])


def _record_end(data: bytes, start: int) -> int:
    """Offset after the record starting at ``start`` (a quoted field may hold line breaks)."""
    position = start
    while True:
        newline = data.find(b"\n", position)
        if newline < 0:
            return len(data)
        if data.count(b'"', start, newline) % 2 == 0:
            return newline + 1
        position = newline + 1


def _csv_options(plan: StreamPlan, layout: TextLayout) -> tuple[Any, Any]:
    kind = pa.dictionary(pa.int32(), pa.string()) if plan.text_items else pa.int16()
    text = [column for column in plan.read_columns if column not in plan.columns]
    return arrow_csv_options(layout.delimiter, plan.columns, kind, text=text)


def _csv_jobs(plan: StreamPlan, layout: TextLayout,
              facts: ReadFacts | None = None) -> Iterator[tuple[int, Any, int]]:
    """Blocks of whole records (cut at a line end outside quotes), parsed by the workers,
    cells that are not clean UTF-8 repaired and noted in ``facts``
    (:func:`surveyq.readers.blocks.record_blocks`)."""
    parse, convert = _csv_options(plan, layout)
    facts = facts if facts is not None else ReadFacts()
    with open(plan.path, "rb") as source:
        facts.lines = source.read(layout.data_start).count(b"\n")
        yield from record_blocks(source, layout.header_bytes, parse, convert,
                                 block_bytes=BLOCK_BYTES, facts=facts,
                                 delimiter=layout.delimiter)


def _count_lines(path: Path) -> int:
    """Line ends in a file (plus one for a last line without one), read in blocks."""
    lines, last = 0, b"\n"
    with open(path, "rb") as source:
        while chunk := source.read(BLOCK_BYTES):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (last != b"\n")


def _check_quotes(plan: StreamPlan, layout: TextLayout, rows_read: int,
                  facts: ReadFacts) -> None:
    """Refuse a file whose quoted field swallowed records (pyarrow reads it silently).

    Only when the file has more lines than records (some record spans lines) is it read
    again, by the in-memory reader's scanner (:mod:`surveyq.readers.quotes`).
    """
    lines = facts.lines if facts.counted else _count_lines(plan.path)
    header_lines = max(layout.header_bytes.count(b"\n"), 1)
    if lines > rows_read + header_lines + layout.skip_lines:
        error = _quote_error(plan, layout)
        if error is not None:
            raise error


def _quote_error(plan: StreamPlan, layout: TextLayout) -> InputError | None:
    """The in-memory reader's error for a quote that never closes or swallows records."""
    from surveyq.readers.quotes import scan

    with open(plan.path, encoding=layout.encoding, errors="surrogateescape",
              newline="") as text:
        for _ in range(layout.skip_lines):
            text.readline()
        problem = scan(text, layout.delimiter, first_line=1 + layout.skip_lines)
    return problem.error(str(plan.path)) if problem is not None else None


def _csv_serial_jobs(plan: StreamPlan, layout: TextLayout) -> Iterator[tuple[int, Any, int]]:
    """pyarrow's streaming reader (any encoding; parses on one thread)."""
    parse, convert = _csv_options(plan, layout)
    batches = serial_batches(plan.path, parse, convert, encoding=layout.encoding,
                             block_bytes=BLOCK_BYTES, skip_rows=layout.skip_lines)
    for sequence, batch in enumerate(batches):
        yield sequence, batch, 0


def _parquet_jobs(plan: StreamPlan) -> Iterator[tuple[int, Any, int]]:
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(plan.path)
    batches = parquet.iter_batches(batch_size=plan.chunk_rows, columns=plan.read_columns)
    for sequence, batch in enumerate(batches):
        yield sequence, batch, 0


def _local_tally(plan: StreamPlan, layout: TextLayout | None,
                 callback: RowProgress | None, facts: ReadFacts | None = None,
                 drop: np.ndarray | None = None) -> tuple[StreamTally, StreamPlan]:
    """One pass over the file with the reader / kernel threads of :mod:`surveyq.streaming`.

    Numeric item cells are parsed as int16; if a cell holds text (a label), the pass starts
    again reading the item columns as text. A quote left open across a block sends the
    pass to pyarrow's one-thread reader.
    """
    serial = layout is not None and not layout.splittable
    facts = facts if facts is not None else ReadFacts()
    while True:
        size = (plan.path.stat().st_size - layout.data_start
                if layout is not None and not serial else None)
        progress = _Progress(callback, total_bytes=size, total_rows=_parquet_rows(plan))
        if plan.format == "parquet":
            jobs = _parquet_jobs(plan)
        else:
            facts.repairs.clear()
            facts.counted = False
            jobs = _csv_serial_jobs(plan, layout) if serial else _csv_jobs(plan, layout, facts)
        if drop is not None and len(drop):
            jobs = _with_drops(jobs, drop)
        try:
            states = _run_pipeline(jobs, functools.partial(_Coder, plan, progress),
                                   thread_count())
        except OpenQuote:
            serial = True
            continue
        except pa.ArrowInvalid as error:
            if "conversion error" in str(error) and not plan.text_items:
                plan = dataclasses.replace(plan, text_items=True)
                continue
            quote = _quote_error(plan, layout) if layout is not None else None
            if quote is not None:
                raise quote from None
            raise InputError(msg("error.stream_unreadable", reason=str(error)),
                             str(plan.path)) from None
        return _merge_tallies([state.tally() for state in states]), plan


def _with_drops(jobs: Iterator[tuple[int, Any, int]],
                drop: np.ndarray) -> Iterator[tuple[int, Any, int]]:
    """Each batch (parsed here, in file order) with the mask of its rows to exclude."""
    start = 0
    for sequence, batch, size in jobs:
        if callable(batch):
            batch = batch()
        rows = batch.num_rows
        low, high = np.searchsorted(drop, [start, start + rows])
        mask = np.zeros(rows, bool)
        mask[drop[low:high] - start] = True
        yield sequence, (batch, mask), size
        start += rows


def _parquet_rows(plan: StreamPlan) -> int | None:
    if plan.format != "parquet":
        return None
    import pyarrow.parquet as pq

    return pq.ParquetFile(plan.path).metadata.num_rows


# ---- Dask ---------------------------------------------------------------------------------------


def _dask_tally(plan: StreamPlan, layout: TextLayout | None, callback: RowProgress | None,
                drop: np.ndarray | None = None) -> StreamTally:
    """Each partition coded and summed on the named scheduler; the tallies added in a tree."""
    try:
        import dask
        import dask.dataframe as dd
    except ImportError:
        raise InputError(msg("error.needs_dask"), str(plan.path)) from None
    if plan.format == "parquet":
        frame = dd.read_parquet(plan.path, columns=plan.read_columns, split_row_groups=True)
    else:
        frame = dd.read_csv(plan.path, usecols=plan.read_columns, dtype=str, na_filter=False,
                            keep_default_na=False, sep=layout.delimiter,
                            encoding=layout.encoding, skiprows=layout.skip_lines,
                            encoding_errors="replace",  # a stray byte: U+FFFD, not a crash
                            blocksize=64 << 20)
    with _scheduler(plan.scheduler, plan.scheduler_timeout):
        masks = _partition_drops(dask, frame, drop)
        parts = [dask.delayed(_partition_tally)(part, plan, sequence, masks[sequence])
                 for sequence, part in enumerate(frame.to_delayed())]
        while len(parts) > 1:
            parts = [dask.delayed(_merge_tallies)(parts[start:start + 8])
                     for start in range(0, len(parts), 8)]
        (tally,) = dask.compute(parts[0])
    if callback:
        callback(tally.rows_read, 1.0)
    return tally


def _partition_drops(dask: Any, frame: Any, drop: np.ndarray | None) -> list[Any]:
    """Per partition, the rows to exclude (positions within it), from the partitions' lengths."""
    if drop is None or not len(drop):
        return [None] * frame.npartitions
    (lengths,) = dask.compute(frame.map_partitions(len))
    masks, start = [], 0
    for rows in list(lengths):
        low, high = np.searchsorted(drop, [start, start + rows])
        mask = np.zeros(rows, bool)
        mask[drop[low:high] - start] = True
        masks.append(mask)
        start += rows
    return masks


def _partition_tally(frame: pd.DataFrame, plan: StreamPlan, sequence: int,
                     drop: np.ndarray | None = None) -> StreamTally:
    coder = _Coder(plan)
    batch = pa.Table.from_pandas(frame, preserve_index=False)
    coder.add((sequence, batch if drop is None else (batch, drop), 0))
    return coder.tally()


def _merge_tallies(tallies: list[StreamTally]) -> StreamTally:
    total = tallies[0]
    for tally in tallies[1:]:
        total.merge(tally)
    return total


@contextlib.contextmanager
def _scheduler(address: str, timeout: float = 30.0) -> Iterator[None]:
    """Dask's local scheduler by name, or a ``dask.distributed`` scheduler by address.

    Connecting and waiting for a first worker are bounded by ``timeout`` seconds
    (``streaming.scheduler_timeout``): an address that does not answer, or is not a Dask
    scheduler, is an input error naming ``streaming.dask_scheduler``, never a hang.
    """
    import dask

    if address in ("threads", "processes", "synchronous", "single-threaded", "sync"):
        with dask.config.set(scheduler=address):
            yield
        return
    try:
        from dask.distributed import Client
    except ImportError:
        raise InputError(msg("error.needs_distributed", address=repr(address))) from None
    fix = msg("error.dask_fix")
    client = _connect(Client, address, timeout, fix)
    with client:
        try:
            client.wait_for_workers(1, timeout=timeout)
        except Exception:  # noqa: BLE001 - a timeout, or the scheduler went away
            raise InputError(msg("error.dask_no_worker", address=address, timeout=timeout,
                                 fix=fix)) from None
        with dask.config.set(scheduler=client):
            yield


def _connect(client_class: Any, address: str, timeout: float, fix: str) -> Any:
    """``Client(address)`` bounded by ``timeout``: its own timeout does not cover a peer that
    accepts the connection and never answers the handshake, so it runs on a daemon thread."""
    match = SCHEDULER_ADDRESS.fullmatch(address.strip())
    if not match:
        raise InputError(msg("error.dask_address", address=repr(address), fix=fix))
    outcome: dict[str, Any] = {}

    def connect() -> None:
        try:
            outcome["client"] = client_class(address, timeout=timeout, set_as_default=False)
        except Exception as error:  # noqa: BLE001 - any failure to connect is the address's
            outcome["error"] = error

    thread = threading.Thread(target=connect, name="surveyq-dask-connect", daemon=True)
    thread.start()
    thread.join(timeout + 1)
    if "client" in outcome:
        return outcome["client"]
    _quiet_client_cleanup()
    error = outcome.get("error")
    reason = (str(error).splitlines()[0] or type(error).__name__) if error else \
        msg("error.no_reply")
    raise InputError(msg("error.dask_no_answer", address=repr(address), timeout=timeout,
                         reason=reason, fix=fix))


def _quiet_client_cleanup() -> None:
    """A half-made Client complains from its finaliser at exit; the error already said why."""
    import sys

    previous = sys.unraisablehook

    def hook(unraisable: Any) -> None:
        if "distributed" not in getattr(type(unraisable.object), "__module__", "") and \
                "Client" not in repr(unraisable.object):
            previous(unraisable)

    sys.unraisablehook = hook


# ---- duplicate submissions ----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class DuplicateScan:
    """The duplicate submissions of a streamed file, found as in memory.

    ``positions``: data rows (0-based, sorted) that repeat an earlier submission; ``kinds``:
    1 exact copy with the same id, 2 same id, 3 same answers and fields within the window
    (:func:`surveyq.clean.duplicate_decisions`).
    """

    evidence: list[str]
    positions: np.ndarray
    kinds: np.ndarray
    unreadable: int


def scan_duplicates(path: Path, fmt: str, layout: TextLayout | None, q: Questionnaire,
                    mapping: dict[str, str], original: dict[str, str], stamp: str | None,
                    rules: tuple[ItemRule, ...], window: float) -> DuplicateScan | None:
    """One ordered pass over the file keeping a few hashes per row, never the rows.

    Without a respondent id column or a submission time there is no evidence: None.
    """
    from surveyq.clean import duplicate_decisions, submission_seconds, text_hashes

    id_columns = [original[mapping[f.id]] for f in q.fields if f.kind == "id" and f.id in mapping]
    if not id_columns and not stamp:
        return None
    kept = [name for name in original.values()]
    parts: dict[str, list[np.ndarray]] = {"ids": [], "whole": [], "pattern": [], "seconds": [],
                                          "answered": []}
    coder = BatchCoder(rules)  # its tallies are the main pass's to make, not this one's
    dayfirst = None
    for frame in _text_batches(path, fmt, layout, kept):
        if id_columns:
            id_text = frame[id_columns].apply(lambda column: column.str.strip())
            parts["ids"].append(np.where((id_text != "").any(axis=1).to_numpy(),
                                         text_hashes(id_text), 0))
            parts["whole"].append(text_hashes(frame))  # exact copy or resubmission
        if stamp:
            if dayfirst is None:
                dayfirst = _dayfirst(frame[stamp])
            parts["pattern"].append(text_hashes(frame.drop(columns=[stamp])))
            parts["seconds"].append(submission_seconds(frame[stamp], dayfirst))
        parts["answered"].append(_answered(frame, coder))
    joined = {key: np.concatenate(value) if value else None for key, value in parts.items()}
    answered = joined["answered"] if joined["answered"] is not None else np.zeros(0, bool)
    kind, _, _ = duplicate_decisions(
        joined["ids"] if id_columns else None,
        joined["whole"] if joined["whole"] is not None else np.zeros(0, np.uint64),
        joined["pattern"] if stamp else None, joined["seconds"] if stamp else None,
        answered, window)
    seconds = joined["seconds"]
    evidence = ([msg("log.evidence_id", columns=list(id_columns))] if id_columns else []) + \
        ([msg("log.evidence_time", column=stamp, window=window)] if stamp else [])
    positions = np.flatnonzero(kind)
    return DuplicateScan(evidence, positions, kind[positions],
                         int((answered & ~np.isfinite(seconds)).sum()) if stamp else 0)


def _dayfirst(stamps: pd.Series) -> bool:
    from surveyq.clean import submission_seconds

    return bool(np.isfinite(submission_seconds(stamps, True)).sum()
                >= np.isfinite(submission_seconds(stamps, False)).sum())


def _answered(frame: pd.DataFrame, coder: BatchCoder) -> np.ndarray:
    """Rows with at least one valid answer, by the read engine's coder."""
    columns = [distinct_values(frame[rule.column]) for rule in coder.rules]
    return coder.code(0, columns, len(frame)).answered


def _text_batches(path: Path, fmt: str, layout: TextLayout | None,
                  columns: list[str]) -> Iterator[pd.DataFrame]:
    """The file's columns as text, batch by batch in file order (blank cells as "")."""
    if fmt == "parquet":
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(path).iter_batches(columns=columns):
            yield batch.to_pandas().astype("string").fillna("")
        return
    parse, convert = arrow_csv_options(layout.delimiter, columns, pa.string())
    try:
        for batch in serial_batches(path, parse, convert, encoding=layout.encoding,
                                    block_bytes=BLOCK_BYTES, skip_rows=layout.skip_lines):
            yield batch.to_pandas().astype("string").fillna("")
    except pa.ArrowInvalid as error:
        raise InputError(msg("error.stream_duplicates_unreadable", reason=str(error)),
                         str(path)) from None


# ---- the streamed survey ------------------------------------------------------------------------


@dataclasses.dataclass
class StreamedSurvey:
    """A survey read batch by batch: no rows in memory, only their sums and counts.

    Attributes
    ----------
    responses : Responses
        Without rows: the questionnaire, the column matching and the cleaning log (cells
        set missing per column, reason and value with their count; rows without answers).
    moments_by_set : dict
        Item ids -> :class:`Moments` for each scale and (keyed ``("ikm", ...)``) the IKM
        elements.
    frequencies : DataFrame
        :func:`surveyq.describe.item_frequencies` of the whole file.
    n : int
        Rows kept (with at least one valid answer).
    settings : dict
        The ``streaming`` block of ``results.json``.
    """

    responses: Responses
    moments_by_set: dict[tuple[str, ...], Moments]
    frequencies: pd.DataFrame
    n: int
    settings: dict[str, Any]
    unit_moments: UnitMoments | None = None  # per-unit sums of the IKM elements

    @property
    def file(self) -> str:
        return self.responses.file

    @property
    def log(self) -> CleaningLog:
        return self.responses.log

    def moments(self, items: list[str] | tuple[str, ...]) -> Moments:
        """Listwise sums of one scale's items (computed in the pass)."""
        try:
            return self.moments_by_set[tuple(items)]
        except KeyError:
            raise KeyError(f"no streamed sums for items {list(items)}") from None

    def element_moments(self) -> Moments:
        """The IKM elements' sums over the rows answering one of them, keyed by element code."""
        q = self.responses.questionnaire
        rated = [item for item in q.items if item.element]
        moments = self.moments_by_set[("ikm", *(item.id for item in rated))]
        return dataclasses.replace(moments, items=tuple(item.element for item in rated))


def stream_survey(project: Project, name: str, progress: RowProgress | None = None,
                  file: str | None = None, requested: bool = False,
                  unit: str | None = None) -> StreamedSurvey:
    """Read one survey of a project in a single streamed pass.

    Parameters
    ----------
    project : Project
    name : str
        The survey.
    progress : callable, optional
        Called as batches are folded with (rows read so far, fraction of the file or None).
    file : str, optional
        Another file of the survey (an earlier period's), default its ``responses``.
    requested : bool
        Whether the survey asked for streaming (``stream: true``) rather than its size.
    unit : str, optional
        The service unit of every row (a file of ``units.files``): the per-unit sums take it
        as a constant instead of a column (:func:`surveyq.units.stream_unit_files`).

    Raises
    ------
    InputError
        An item's column is missing or matched twice (as in memory), the header is not on
        the first line, or the file cannot be parsed.
    """
    from surveyq.units import unit_column

    spec, q = project.spec.surveys[name], project.questionnaires[name]
    settings = project.spec.streaming
    path = project.resolve(file or spec.responses)
    fmt = stream_format(path, spec) or "csv"
    layout = text_layout(path, spec.read.encoding, spec.read.delimiter) if fmt == "csv" \
        else None
    log = CleaningLog()
    header = layout.header if layout else _parquet_header(path)
    mapping, original, stamp = _match(path, fmt, header, q, log, spec.read.format)
    rules = _rules(q, mapping, original, path)
    settings_dup = _duplicate_settings(project, name)
    try:
        scan = scan_duplicates(path, fmt, layout, q, mapping, original, stamp, rules,
                               settings_dup["window_seconds"])
    except InputError as error:  # the sums can still be made: say what was not checked
        scan = None
        log.add(str(path), None, None, None, Action.NOTED, Reason.FORMAT,
                msg("log.duplicates_not_checked", error=error.args[0]))
    plan = StreamPlan(path=path, format=fmt, rules=rules, sets=item_sets(q),
                      pairwise=_pairwise(project, spec),
                      delimiter=layout.delimiter if layout else ",",
                      encoding=layout.encoding if layout else "utf8",
                      chunk_rows=settings.chunk_rows or DEFAULT_CHUNKSIZE,
                      scheduler=settings.dask_scheduler,
                      scheduler_timeout=settings.scheduler_timeout,
                      text_items=bool(layout and layout.textual([r.column for r in rules])),
                      unit_column=None if unit is not None else unit_column(
                          spec.units and spec.units.field, q, mapping, original),
                      unit_value=unit)
    facts = ReadFacts()
    drop = scan.positions if scan and settings_dup["policy"] == "exclude" else None
    if plan.scheduler:
        tally = _dask_tally(plan, layout, progress, drop)
    else:
        tally, plan = _local_tally(plan, layout, progress, facts, drop)
    if layout is not None:
        _check_quotes(plan, layout, tally.rows_read, facts)
    responses = Responses(pd.DataFrame(columns=[item.id for item in q.items], dtype=float),
                          pd.DataFrame(), log, q, str(path), None, mapping)
    _log_layout(log, str(path), layout, plan)
    if facts.repairs:
        rows_at = _row_numbers(plan, tally)
        log_repairs(log, str(path), [dataclasses.replace(repair, record=rows_at((seq, index)))
                                     for seq, index, repair in facts.repairs],
                    layout.header if layout else [], lambda row: row)
    kept = _log_tally(log, str(path), plan, tally, q, scan, settings_dup["policy"])
    responses.duplicates = {
        **settings_dup, "evidence": scan.evidence if scan else [],
        "found": len(scan.positions) if scan else 0,
        "excluded": len(scan.positions) if scan and drop is not None else 0,
        "unreadable_times": scan.unreadable if scan else 0, **tally.patterns.summary()}
    note_identical(log, str(path), responses.duplicates)
    moments = {
        (("ikm",) if item_set.own_rows else ()) + item_set.items:
            _finish(item_set.items, parts, plan.pairwise_for(item_set), None)
        for item_set, parts in zip(plan.sets, tally.parts, strict=True)
    }
    size = path.stat().st_size
    return StreamedSurvey(responses, moments, _frequencies(q, plan, tally, kept), kept, {
        "reason": "requested" if requested else "size",
        "file_mb": size / 2**20,
        "threshold_mb": settings.threshold_mb,
        "scheduler": plan.scheduler,
        "rows_read": tally.rows_read,
        "item_cells": "labels" if plan.text_items else "codes",
        "omitted": [],
    }, tally.units.result() if tally.units is not None else None)


def _duplicate_settings(project: Project, name: str) -> dict[str, Any]:
    options = duplicate_options(project, name)
    return {"policy": options["duplicates"], "window_seconds": float(options["duplicate_window"])}


def _parquet_header(path: Path) -> list[str]:
    import pyarrow.parquet as pq

    try:
        return list(pq.ParquetFile(path).schema_arrow.names)
    except (OSError, pa.ArrowException) as error:
        raise InputError(msg("error.parquet_unreadable", reason=str(error)), str(path)) from None


def _match(path: Path, fmt: str, header: list[str], q: Questionnaire, log: CleaningLog,
           declared: str | None) -> tuple[dict[str, str], dict[str, str], str | None]:
    """Item id -> header as matching sees it, that header -> the file's column name, and the
    file's submission-time column (a form export's), if any."""
    from surveyq.readers import _apply_flavour
    from surveyq.readers.flavours import detect_flavour
    from surveyq.readers.table import RawTable

    flavour = None
    if fmt == "csv":
        flavour = declared if declared in ("gforms", "kobo", "limesurvey") else \
            detect_flavour([name for name in header if name.strip()])
    raw = RawTable(pd.DataFrame(columns=header), [], str(path), fmt, 0, log)
    original = {name: name for name in header}
    if flavour:
        plan = plan_columns(flavour, header)
        original = {plan.rename.get(name, name): name for name in header
                    if name not in plan.drop}
        raw = _apply_flavour(raw, flavour)
    mapping = match_columns(raw, q, log)
    if log.fatal:
        raise InputError(join_messages([entry.message for entry in log.fatal]), str(path))
    stamp = original.get(raw.timestamp_column) if raw.timestamp_column else None
    return mapping, original, stamp


def _rules(q: Questionnaire, mapping: dict[str, str], original: dict[str, str],
           path: Path) -> tuple[ItemRule, ...]:
    rules = []
    columns = [original[mapping[item.id]] for item in q.items]
    repeated = {column for column in columns if columns.count(column) > 1}
    for item, column in zip(q.items, columns, strict=True):
        scale = q.scale_of(item)
        if scale.high - scale.low + 1 > 127:
            raise InputError(msg("error.stream_scale_too_wide", item=item.id, scale=item.scale),
                             str(path))
        if column in repeated:
            raise InputError(msg("error.stream_repeated_column", column=repr(column)), str(path))
        rules.append(ItemRule(item.id, column, item.scale, scale, item.reverse))
    return tuple(rules)


def _pairwise(project: Project, spec: SurveySpec) -> bool:
    options = {**project.spec.options, **spec.options}
    return options.get("missing") == "pairwise"


def _log_layout(log: CleaningLog, file: str, layout: TextLayout | None,
                plan: StreamPlan) -> None:
    from surveyq.readers import separator_name
    from surveyq.readers.text import encoding_label

    if layout is not None:
        log.add(file, None, None, None, Action.NOTED, Reason.ENCODING,
                msg("log.read_as", encoding=encoding_label(layout.encoding),
                    separator=separator_name(layout.delimiter)))
    log.add(file, None, None, None, Action.NOTED, Reason.FORMAT,
            msg("log.streamed_dask" if plan.scheduler else "log.streamed",
                scheduler=plan.scheduler, items=len(plan.rules)))


def _log_tally(log: CleaningLog, file: str, plan: StreamPlan, tally: StreamTally,
               q: Questionnaire, scan: DuplicateScan | None = None,
               policy: str = "exclude") -> int:
    """Log every cell set missing, rows without answers and duplicate submissions; returns
    the rows kept."""
    rows_at = _row_numbers(plan, tally)
    for cell in sorted(tally.cells.values(), key=lambda c: (c.item, -c.count)):
        rule = plan.rules[cell.item]
        rows = [rows_at(sample) for sample in cell.samples]
        blank = cell.coded.reason is Reason.MISSING_ANSWER
        log.add(file, rows[0] if rows else None, rule.column, cell.raw,
                Action.CELL_MISSING if blank else Action.CELL_SET_MISSING, cell.coded.reason,
                msg("log.item_cell_rows", item=rule.item, detail=cell.coded.detail,
                    rows=_rows_text(cell.count, rows)),
                cell.count)
    for j, rule in enumerate(plan.rules):
        if rule.reverse:
            answered = int(tally.frequencies[j, 1:].sum())
            log.add(file, None, rule.column, None, Action.RECODED, Reason.REVERSE_KEYED,
                    msg("log.reverse_keyed", item=rule.item, answered=answered,
                        sum=rule.scale.low + rule.scale.high))
    blank = tally.blank_rows
    if blank.count:
        rows = [rows_at(sample) for sample in blank.samples]
        log.add(file, rows[0], None, None, Action.ROW_EXCLUDED, Reason.NO_ANSWERS,
                msg("log.no_answers_rows", questionnaire=q.title.en, questionnaire_id=q.title.id,
                    rows=_rows_text(blank.count, rows)),
                blank.count)
    excluded = _log_duplicates(log, file, plan, scan, policy) if scan else 0
    kept = tally.rows_read - blank.count - excluded
    log.files[file] = {"rows_in_file": tally.rows_read, "rows_kept": kept}
    return kept


_KIND_TEXT = {1: (Reason.DUPLICATE_ROW, "log.duplicate_kind_copy"),
              2: (Reason.DUPLICATE_ID, "log.duplicate_kind_id"),
              3: (Reason.DUPLICATE_ROW, "log.duplicate_kind_timed")}


def _log_duplicates(log: CleaningLog, file: str, plan: StreamPlan, scan: DuplicateScan,
                    policy: str) -> int:
    """One entry per kind of duplicate submission, counting its rows; returns rows excluded."""
    if policy == "keep":
        if len(scan.positions):
            log.add(file, int(scan.positions[0]) + plan.first_row, None, None, Action.NOTED,
                    Reason.DUPLICATE_ROW,
                    msg("log.duplicates_kept_streamed", count=len(scan.positions)),
                    len(scan.positions))
        return 0
    for kind, (reason, what) in _KIND_TEXT.items():
        rows = scan.positions[scan.kinds == kind] + plan.first_row
        if not len(rows):
            continue
        action = Action.ROW_EXCLUDED if policy == "exclude" else Action.NOTED
        log.add(file, int(rows[0]), None, None, action, reason,
                msg(f"log.duplicates_streamed_{policy}", what=msg(what),
                    rows=_rows_text(len(rows), [int(r) for r in rows[:SAMPLE_ROWS]])),
                len(rows))
    return len(scan.positions) if policy == "exclude" else 0


def _row_numbers(plan: StreamPlan, tally: StreamTally) -> Callable[[tuple[int, int]], int]:
    """(batch, index) -> the row number a person sees."""
    starts, row = {}, plan.first_row
    for sequence in sorted(tally.batch_rows):
        starts[sequence] = row
        row += tally.batch_rows[sequence]
    return lambda sample: starts[sample[0]] + sample[1]


def _rows_text(count: int, rows: list[int]) -> str:
    listed = ", ".join(str(row) for row in rows)
    if count == 1:
        return msg("log.one_row", rows=listed)
    more = ", ..." if count > len(rows) else ""
    return msg("log.many_rows", count=count, rows=listed + more)


def _frequencies(q: Questionnaire, plan: StreamPlan, tally: StreamTally,
                 kept: int) -> pd.DataFrame:
    """The item frequency table from the counts of each kernel code."""
    from surveyq.describe import frequency_table

    counts = {
        rule.item: {code + rule.offset: int(tally.frequencies[j, code])
                    for code in range(1, rule.largest + 1)}
        for j, rule in enumerate(plan.rules)
    }
    return frequency_table(q, counts, kept)


def omitted_parts(analyses: list[str]) -> list[str]:
    """What a streamed survey's results leave out, given the analyses it asked for."""
    parts = list(OMITTED_ALWAYS)
    for analysis in analyses:
        if analysis in STREAMED_ANALYSES:
            parts += OMITTED_PARTS.get(analysis, ())
        else:
            parts.append(analysis)
    return parts
