"""A CSV export read in batches by pyarrow: the one batch reader of every streamed read.

:func:`record_blocks` cuts the file into blocks of whole records, each parsed by
``pyarrow.csv.read_csv`` on the thread that takes it (so a large file parses on every
core); :func:`serial_batches` is pyarrow's own streaming reader (any encoding, one thread).
They serve :func:`surveyq.streaming.moments_from_csv` (``Moments.from_csv``), the
streamed survey of ``surveyq run`` (:mod:`surveyq.streamed`: its item pass and its
duplicate scan) and the in-memory read of a plain export
(:func:`surveyq.readers.text.read_text_columns`, which keeps the parsed blocks), so they
read a file the same way and nowhere else cuts one.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator
from typing import IO, Any

from surveyq.readers.repair import CellRepair, repair_cells, repair_utf8

#: A block in which a quote is still open after this many blocks' worth of bytes holds a
#: stray quote rather than a long quoted value: the file is parsed on one thread instead.
OPEN_QUOTE_BLOCKS = 16

Block = tuple[int, Callable[[], Any], int]  # (sequence, parse -> pa.Table, bytes)


class OpenQuote(Exception):
    """A quote stays open across many blocks: read with :func:`serial_batches` instead."""


@dataclasses.dataclass
class ReadFacts:
    """What the block reader saw besides the batches: lines, and cells it repaired."""

    lines: int = 0  # line ends in the file (plus one for a last line without one)
    repairs: list[tuple[int, int, CellRepair]] = dataclasses.field(default_factory=list)
    counted: bool = False  # whether ``lines`` covers the whole file


def record_blocks(source: IO[bytes], header: bytes, parse: Any, convert: Any, *,
                  block_bytes: int, quoted_breaks: bool = True,
                  facts: ReadFacts | None = None, delimiter: str = ",",
                  column_names: list[str] | None = None) -> Iterator[Block]:
    """The rest of ``source`` in blocks of whole records, each with ``header`` prepended.

    Each block comes as ``(sequence, parse, size)``: ``parse()`` runs pyarrow's
    ``read_csv`` with ``parse`` / ``convert`` options on one thread, wherever it is called.
    ``quoted_breaks``: a quoted value may hold a line break, so a block ends only at a
    line end outside quotes (an even count of quotes before it); a quote still open after
    :data:`OPEN_QUOTE_BLOCKS` blocks raises :class:`OpenQuote`. Otherwise every line is a
    record. ``facts``: count the lines into it, and repair a block that is not clean UTF-8
    (a stray Windows-1252 byte, a NUL) as the in-memory reader does, noting each repaired
    cell; without it the bytes go to pyarrow as they are. ``column_names``: the records
    are all data (``header`` empty), their columns named so.
    """

    def parser(records: bytes, sequence: int) -> Callable[[], Any]:
        import pyarrow as pa
        import pyarrow.csv as csv

        if facts is not None and (repaired := repair_utf8(records)) is not None:
            _note_repairs(records, delimiter, sequence, facts)
            records = repaired
        text = header + records
        read = csv.ReadOptions(use_threads=False, block_size=len(text) + 1,
                               column_names=column_names)
        return lambda: csv.read_csv(pa.py_buffer(text), read_options=read,
                                    parse_options=parse, convert_options=convert)

    rest, sequence, last = b"", 0, b"\n"
    while chunk := source.read(block_bytes):
        if facts is not None:
            facts.lines += count_byte(chunk, b"\n")
        last = chunk[-1:]
        data = rest + chunk
        end = data.rfind(b"\n") + 1
        if end and (not quoted_breaks or count_byte(data, b'"', end) % 2 == 0):
            yield sequence, parser(data[:end], sequence), end
            rest, sequence = data[end:], sequence + 1
        elif quoted_breaks and len(data) > OPEN_QUOTE_BLOCKS * block_bytes:
            raise OpenQuote
        else:
            rest = data
    if facts is not None:
        facts.lines += last != b"\n"
        facts.counted = True
    if rest.strip():
        yield sequence, parser(rest, sequence), len(rest)


#: Bytes compared at a time by :func:`count_byte` (a buffer that stays in the cache).
_COUNT_STEP = 1 << 18


def count_byte(data: bytes, byte: bytes, end: int | None = None) -> int:
    """``data.count(byte, 0, end)`` of a single byte, compared in numpy a quarter MiB at a
    time: ``bytes.count`` looks at every byte in a loop of its own, 2-3 times slower on the
    31 MB of a 10^6-respondent export."""
    import numpy as np

    view = np.frombuffer(data, np.uint8)[:end]
    found = np.empty(min(len(view), _COUNT_STEP), bool)
    total = 0
    for start in range(0, len(view), _COUNT_STEP):
        part = view[start:start + _COUNT_STEP]
        equal = found[:len(part)]
        np.equal(part, byte[0], out=equal)
        total += int(np.count_nonzero(equal))
    return total


def parsed_blocks(blocks: Iterator[Block]) -> Any:
    """Every block parsed, on pyarrow's CPU count of threads, as one table in file order."""
    from concurrent.futures import ThreadPoolExecutor

    import pyarrow as pa

    with ThreadPoolExecutor(max_workers=pa.cpu_count()) as pool:
        return pa.concat_tables(pool.map(lambda block: block[1](), blocks))


def _note_repairs(records: bytes, delimiter: str, sequence: int, facts: ReadFacts) -> None:
    """The cells of a block that :func:`repair_utf8` changes, by record and column."""
    import csv
    import io

    text = records.decode("utf-8", "surrogateescape")
    rows = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) if row]
    for repair in repair_cells(rows):
        facts.repairs.append((sequence, repair.record, repair))


def serial_batches(path: str | os.PathLike, parse: Any, convert: Any, *, encoding: str,
                   block_bytes: int, skip_rows: int = 0) -> Iterator[Any]:
    """pyarrow's streaming reader (``open_csv``, one parsing thread, any encoding).

    ``encoding`` as the readers name it ("utf-8-sig" is UTF-8 to pyarrow, which drops the
    byte-order mark itself); ``skip_rows`` lines before the header (Excel's "sep=;").
    """
    import pyarrow.csv as csv

    read = csv.ReadOptions(encoding=encoding.replace("utf-8-sig", "utf8"),
                           block_size=block_bytes, skip_rows=skip_rows)
    return iter(csv.open_csv(path, read_options=read, parse_options=parse,
                             convert_options=convert))
