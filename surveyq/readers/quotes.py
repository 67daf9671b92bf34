"""Quotes that never close: tell a broken CSV from legitimate multi-line answers.

A quoted field may hold line breaks (a free-text answer of several lines, with commas and
quotes inside). A stray quote at the start of a field looks the same to a CSV parser: the
field then swallows the following lines, whole respondents with them, until the next quote.
Python's ``csv`` module and pyarrow both read such a file without complaint, so the
respondents vanish into one cell. A record is refused when

* a quote is still open at the end of the file, or
* its multi-line quoted field holds whole lines that parse, by themselves, as records of
  the file's usual width whose cells look like the cells of the other records (the same
  shape -- digits, letters and punctuation -- as seen in that column), and these lines are
  at least half of the lines inside the field. When no record but the header sits on one
  line (the quote opened on the first respondent), at least two lines and three quarters
  of them must have the file's width; or
* its multi-line quoted field is closed by a quote followed by more text (a well-formed
  closing quote is followed by the separator or the line end) on a line that, read alone,
  has the file's width: the quote of the next record's first field closed it. This is how
  a missing quote shows where every field is quoted.

Free text seldom has exactly the file's number of separators per line, and then its pieces
do not look like the file's answers; a swallowed respondent does both. The file needs at
least three columns for the second test (with fewer there is no telling prose from data), so
narrower files are only checked for the quote open at the end.

:class:`QuoteScanner` is used by the in-memory reader (:func:`surveyq.readers.text.parse`)
and by the streamed reader (:mod:`surveyq.streamed`), so both refuse the same files with the
same message.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from surveyq.errors import InputError
from surveyq.messages import msg

#: Single-line records kept to learn the file's width and the shapes of its cells.
SAMPLE_RECORDS = 2000
#: Multi-line records kept for checking (a file with more keeps reading; the first are checked).
MAX_CANDIDATES = 10_000
_NEWLINE = re.compile(r"\r\n|\r|\n")
_DIGITS = re.compile(r"\d+")
_LETTERS = re.compile(r"[^\W\d_]+")
_SHAPE_LENGTH = 40


def _no_field_limit() -> None:
    """Free-text answers of any length: lift csv's 128 KiB field limit (process-wide)."""
    limit = 2**31 - 1
    if csv.field_size_limit() < limit:
        csv.field_size_limit(limit)


_no_field_limit()


def shape(cell: str) -> str:
    """A cell's look: digit runs -> 9, letter runs -> a, punctuation kept; long text -> "~"."""
    cell = cell.strip()
    if len(cell) > _SHAPE_LENGTH:
        return "~"
    return _LETTERS.sub("a", _DIGITS.sub("9", cell))


def quoted_fields(raw: str, delimiter: str) -> list[tuple[int, int | None]]:
    """(offset of the opening quote, offset of the closing quote or None) of each quoted field.

    Follows the rules of Python's csv module (``doublequote``, not strict): a quote opens a
    field only as its first character; ``""`` inside is a quote; after the closing quote
    the field runs on to the next separator.
    """
    spans: list[tuple[int, int | None]] = []
    position, end, field_start = 0, len(raw), True
    while position < end:
        char = raw[position]
        if field_start and char == '"':
            close = _closing_quote(raw, position + 1)
            spans.append((position, close))
            if close is None:
                return spans
            position, field_start = close + 1, False
            continue
        field_start = char in (delimiter, "\n", "\r")
        position += 1
    return spans


def _closing_quote(raw: str, start: int) -> int | None:
    while True:
        found = raw.find('"', start)
        if found < 0:
            return None
        if raw.startswith('"', found + 1):
            start = found + 2
            continue
        return found


def _lines_before(raw: str, offset: int) -> int:
    return len(_NEWLINE.findall(raw, 0, offset))


@dataclass
class QuoteProblem:
    """Where a quote opened and what it swallowed."""

    line: int
    last_line: int
    swallowed: int = 0  # lines inside it that read as records
    at_end: bool = False

    def error(self, file: str) -> InputError:
        if self.at_end:
            what = msg("error.quote_never_closes", line=self.line, last=self.last_line)
        else:
            what = msg("error.quote_swallows", line=self.line, last=self.last_line,
                       swallowed=self.swallowed)
        return InputError(msg("error.quote_fix", what=what, line=self.line), file,
                          msg("error.where_line", line=self.line))


@dataclass
class QuoteScanner:
    """Reads records and finds a quote that never closes (see the module doc).

    :meth:`read_text` reads text in memory; :meth:`records` a stream of lines (a file, read
    in constant memory but for the records kept for checking). Then :meth:`problem` says
    what is wrong, if anything.
    """

    delimiter: str
    first_line: int = 1  # the file's line number of the first line given
    sample: list[list[str]] = field(default_factory=list)
    candidates: list[tuple[str, int, list[str]]] = field(default_factory=list)
    open_at_end: QuoteProblem | None = None

    def records(self, lines: Iterable[str]) -> Iterator[tuple[list[str], int, int]]:
        """Each record with its first and last line numbers; then the end is checked."""
        taken: list[str] = []   # the lines of the record being read

        def source() -> Iterator[str]:
            for line in lines:
                taken.append(line)
                yield line

        reader = csv.reader(source(), delimiter=self.delimiter)
        last_line, first = 0, self.first_line
        for record in reader:
            span = reader.line_num - last_line
            first = self.first_line + last_line
            del taken[:-span]
            if span > 1:
                if len(self.candidates) < MAX_CANDIDATES:
                    self.candidates.append(("".join(taken), first, record))
            elif record and len(self.sample) < SAMPLE_RECORDS:
                self.sample.append(record)
            last_line = reader.line_num
            yield record, first, first + span - 1
        if taken:
            self.finish("".join(taken), first)

    def read_text(self, text: str) -> tuple[list[list[str]], list[tuple[int, int, int]]]:
        """Every record of text in memory, and (record number, first line, last line) of
        each that spans lines. As :meth:`records`, but the raw lines are cut from ``text``
        after the pass, only for the records that need them (no per-line bookkeeping)."""
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter)
        records: list[list[str]] = []
        spanning: list[tuple[int, int, int]] = []
        spans: list[tuple[int, int, list[str]]] = []
        last_line, first, span = 0, self.first_line, 0
        sample, wanted = self.sample, SAMPLE_RECORDS
        for record in reader:
            records.append(record)
            span = reader.line_num - last_line
            if span > 1:
                first = self.first_line + last_line
                spanning.append((len(records), first, first + span - 1))
                if len(spans) < MAX_CANDIDATES:
                    spans.append((first, span, record))
            elif len(sample) < wanted and record:
                sample.append(record)
            last_line = reader.line_num
        first = self.first_line + last_line - span
        if last_line:
            self._cut(text, spans, first, span)
        return records, spanning

    def _cut(self, text: str, spans: list[tuple[int, int, list[str]]], first: int,
             span: int) -> None:
        """Keep the raw text of the multi-line records and check the last record's end."""
        if spans or span > 1:
            starts = [0, *(match.end() for match in _NEWLINE.finditer(text)), len(text)]

            def cut(line: int, count: int) -> str:
                index = line - self.first_line
                return text[starts[index]:starts[min(index + count, len(starts) - 1)]]

            self.candidates = [(cut(line, count), line, record)
                               for line, count, record in spans]
            self.finish(cut(first, span), first)
        else:
            body = text[:-2] if text.endswith("\r\n") else text[:-1] \
                if text.endswith(("\n", "\r")) else text
            self.finish(text[max(body.rfind("\n"), body.rfind("\r")) + 1:], first)

    def problem(self) -> QuoteProblem | None:
        if self.open_at_end is not None:
            return self.open_at_end
        if not self.candidates:
            return None
        width, seen = self._learn()
        if width < 3:
            return None
        for raw, first, _record in self.candidates:
            found = self._swallowed(raw, first, width, seen)
            if found is not None:
                return found
        return None

    def finish(self, last_raw: str, first: int) -> None:
        """Check the file's last record for a quote still open at its end."""
        for opened, closed in quoted_fields(last_raw, self.delimiter):
            if closed is None:
                line = first + _lines_before(last_raw, opened)
                self.open_at_end = QuoteProblem(line, first + _lines_before(
                    last_raw, len(last_raw.rstrip("\r\n"))), at_end=True)
                return

    def _learn(self) -> tuple[int, list[set[str]]]:
        """The usual record width, and the shapes each column shows in single-line records."""
        widths = Counter(len(record) for record in self.sample)
        if not widths:
            return 0, []
        width = widths.most_common(1)[0][0]
        usual = [record for record in self.sample if len(record) == width][1:]  # not the header
        seen: list[set[str]] = [set() for _ in range(width)]
        for record in usual:
            for column, cell in enumerate(record):
                seen[column].add(shape(cell))
        return width, seen if usual else []

    def _swallowed(self, raw: str, first: int, width: int,
                   seen: list[set[str]]) -> QuoteProblem | None:
        for opened, closed in quoted_fields(raw, self.delimiter):
            inside = raw[opened + 1:closed]
            if not _NEWLINE.search(inside):
                continue
            lines = [line for line in _NEWLINE.split(inside)[1:-1] if line.strip()]
            hits = sum(self._record_like(line, width, seen) for line in lines)
            # Without other records to compare shapes with, only the width tells: ask more.
            enough = 2 * hits >= len(lines) if seen else hits >= 2 and 4 * hits >= 3 * len(lines)
            if not (hits and enough):
                hits = 0
            hits += self._closed_inside_a_record(raw, closed, width)
            if hits:
                line = first + _lines_before(raw, opened)
                return QuoteProblem(line, line + _lines_before(inside, len(inside)), hits)
        return None

    def _closed_inside_a_record(self, raw: str, closed: int | None, width: int) -> bool:
        """A multi-line field whose closing quote is followed by more text (``"d"...``) closed
        on the quote that opens the next record's field: that line is a whole record.

        Where every field is quoted, a missing closing quote swallows just one line break,
        and the next respondent's first quote closes the field. A well-formed closing quote
        is always followed by the separator or the end of the line.
        """
        if closed is None or raw[closed + 1:closed + 2] in ("", self.delimiter, "\r", "\n"):
            return False
        start = max(raw.rfind("\n", 0, closed), raw.rfind("\r", 0, closed)) + 1
        end = _NEWLINE.search(raw, closed)
        return self._record_like(raw[start:end.start() if end else len(raw)], width, [])

    def _record_like(self, line: str, width: int, seen: list[set[str]]) -> bool:
        try:
            cells = next(csv.reader([line], delimiter=self.delimiter), [])
        except csv.Error:
            return False
        if len(cells) != width:
            return False
        if not seen:
            return True
        alike = sum(shape(cell) in shapes for cell, shapes in zip(cells, seen, strict=True))
        return alike >= 0.75 * width


def scan(lines: Iterable[str], delimiter: str, first_line: int = 1) -> QuoteProblem | None:
    """The first quote problem in a stream of lines (records are read and discarded)."""
    scanner = QuoteScanner(delimiter, first_line)
    for _ in scanner.records(lines):
        pass
    return scanner.problem()

