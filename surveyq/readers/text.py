"""Text exports (CSV, TSV, Google Forms, Kobo, LimeSurvey): bytes -> text -> records.

Encoding (real-data README: Windows-1252 Excel re-saves, CP949 Korean Excel re-saves), tried
in this order, each as a strict decode:

1. ``encoding=`` when given (always wins);
2. a byte-order mark: UTF-8, UTF-16 or UTF-32;
3. UTF-8;
4. CP949, accepted only when most non-ASCII characters come out as Hangul (Western bytes
   seldom decode strictly as CP949, and when they do they give scattered Hanja/Hangul);
5. UTF-8 with a few invalid bytes (a Windows-1252 character typed into a UTF-8 file): at
   least as many valid multi-byte UTF-8 characters as invalid byte runs. The file is read as
   UTF-8 and only the cells holding invalid bytes are repaired, each read as Windows-1252 and
   logged with its row and column (:func:`repair_cells`). A file wholly in a legacy encoding
   has almost no valid multi-byte sequences, so it goes on to
6. Windows-1252 (every Excel "CSV" saved on an Indonesian or Western Windows);
7. charset-normalizer's best guess, when that package is installed.

A UTF-8 file with a byte-order mark and a few invalid bytes is repaired the same way. NUL
bytes mean UTF-16 without a BOM, or a binary file (more than 8 control bytes and 0.5 % of
the bytes), which is refused; a few stray NULs are removed from their cells and logged.

Nothing else is guessed: a file that fails them all is an error naming the encodings tried.
Separator: comma, semicolon, tab or pipe, whichever splits the header record into the most
fields while splitting the next records into the same number (``csv.Sniffer`` is fooled by
commas inside quoted header sentences). Decimal mark: see :func:`decimal_mark`.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import numpy as np

from surveyq.errors import InputError
from surveyq.messages import msg
from surveyq.readers.blocks import OpenQuote, count_byte, parsed_blocks, record_blocks
from surveyq.readers.quotes import QuoteScanner
from surveyq.readers.repair import (  # noqa: F401 - repair_utf8 kept importable from here
    SURROGATES,
    CellRepair,
    has_surrogates,
    repair_cells,
    repair_utf8,
)
from surveyq.readers.table import ARROW_VALUES, ArrowCells, TextValues, own_arrow

SEPARATORS = (",", ";", "\t", "|")
_SNIFF_RECORDS = 50
_LABELS = {
    "utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "utf-16": "UTF-16", "utf-32": "UTF-32",
    "utf-16-le": "UTF-16 LE", "utf-16-be": "UTF-16 BE", "cp949": "CP949 (Korean)",
    "cp1252": "Windows-1252",
}
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
_EXCEL_SEPARATOR_HINT = re.compile(r"sep=([^\r\n\"])(?:\r\n|\n|\r)")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
_DECIMAL_POINT = re.compile(r"[+-]?\d+\.\d+")
_CONTROL_BYTES = bytes([*range(0, 9), 11, 14, *range(16, 26), *range(28, 32)])


@dataclass
class TextRecords:
    """A decoded, parsed text file: every record, and how the file was read."""

    records: list[list[str]]
    encoding: str
    delimiter: str
    notes: list[str] = field(default_factory=list)   # facts for the log (multi-line records)
    repairs: list[CellRepair] = field(default_factory=list)


def encoding_label(codec: str) -> str:
    if codec in ("utf-8-sig", "cp949"):  # labels with words are messages (either language)
        return msg(f"log.encoding_{codec.replace('-', '_')}")
    return _LABELS.get(codec, codec)


def decode(data: bytes, encoding: str | None, file: str) -> tuple[str, str]:
    """Return ``(text, codec)`` following the order in the module docstring."""
    if encoding is not None:
        return _decode_as(data, encoding, file), _canonical(encoding, data)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            if codec == "utf-8-sig" and _try_strict(data, codec) is None:
                return data.decode(codec, "surrogateescape"), codec   # cells repaired later
            return _decode_as(data, codec, file), codec
    if b"\x00" in data:
        wide = _decode_nul_bytes(data, file)
        if wide is not None:
            return wide
    tried = ["UTF-8"]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    korean = _try_strict(data, "cp949")
    if korean is not None and _looks_korean(korean):
        return korean, "cp949"
    tried.append("CP949")
    mostly = _mostly_utf8(data)
    if mostly is not None:
        return mostly, "utf-8"
    western = _try_strict(data, "cp1252")
    if western is not None:
        return western, "cp1252"
    tried.append("Windows-1252")
    guessed = _charset_normalizer_guess(data)
    if guessed is not None:
        return guessed
    raise InputError(msg("error.encoding_unknown_text", tried=list(tried)), file)


def _canonical(encoding: str, data: bytes) -> str:
    codec = codecs.lookup(encoding).name
    return "utf-8-sig" if codec == "utf-8" and data.startswith(codecs.BOM_UTF8) else codec


def _decode_as(data: bytes, encoding: str, file: str) -> str:
    try:
        codec = _canonical(encoding, data)
    except LookupError:
        raise InputError(msg("error.encoding_unknown", value=repr(encoding)), file) from None
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        raise InputError(msg("error.encoding_invalid_bytes", offset=error.start,
                             encoding=encoding_label(codec)), file) from None


def _try_strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _looks_korean(text: str) -> bool:
    """Most non-ASCII characters are Hangul syllables or jamo."""
    non_ascii = [ch for ch in text if ord(ch) > 127]
    hangul = sum(1 for ch in non_ascii if "\uac00" <= ch <= "\ud7a3" or "\u3131" <= ch <= "\u318e")
    return bool(non_ascii) and hangul >= 0.6 * len(non_ascii)


def _decode_nul_bytes(data: bytes, file: str) -> tuple[str, str] | None:
    """NUL bytes mean UTF-16 without a BOM (Excel "Unicode text"), a binary file, or (a few
    of them) stray NULs in a text file, removed cell by cell later (None is returned)."""
    sample = data[:4096]
    half = max(len(sample) // 2, 1)
    for codec, zeros in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
        if zeros.count(0) >= 0.9 * half:
            text = _try_strict(data, codec)
            if text is not None:
                return text, codec
    if _binary(data):
        raise InputError(msg("error.binary_file"), file)
    return None


def _binary(data: bytes) -> bool:
    """More control bytes than a text file holds by accident (8, or 0.5 % of the bytes).

    NULs padding the end of a file (a copy cut to a block size) do not count.
    """
    data = data.rstrip(b"\x00")
    controls = sum(data.count(bytes([byte])) for byte in _CONTROL_BYTES)
    return controls > max(8, len(data) // 200)


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 text with a few invalid bytes, which stay as surrogate escapes for
    :func:`repair_cells`: at least as many valid multi-byte characters as invalid runs. A
    file wholly in a legacy encoding has (almost) no valid multi-byte UTF-8 sequences."""
    text = data.decode("utf-8", "surrogateescape")
    runs = SURROGATES.findall(text)
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    valid = non_ascii - sum(len(run) for run in runs)
    return text if valid >= max(len(runs), 1) else None


def _charset_normalizer_guess(data: bytes) -> tuple[str, str] | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:
        return None
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        return None
    return str(best), best.encoding


def sniff_delimiter(text: str) -> str:
    """The separator that splits the header into most fields, consistently with later records."""
    best, best_key = ",", (False, False, 1)   # one column: comma
    for separator in SEPARATORS:
        try:
            records = head_records(text, separator, _SNIFF_RECORDS)
        except csv.Error:
            continue
        filled = [record for record in records if any(cell.strip() for cell in record)]
        if not filled:
            continue
        width = len(filled[0])
        rest = filled[1:]
        consistent = sum(len(record) == width for record in rest) >= 0.8 * len(rest)
        key = (width > 1, consistent, width)
        if width > 1 and key > best_key:
            best, best_key = separator, key
    return best


def _reader(text: str, delimiter: str):
    # newline="" keeps quoted line breaks inside fields and accepts LF, CRLF and CR rows.
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


#: Characters of a text's start in which :func:`head_records` looks first: this many, or
#: :data:`_RECORD_CHARS` per record asked for when more (then 4x more each time).
_SHORT_CHARS = 1 << 14
_RECORD_CHARS = 64


def head_records(text: str, delimiter: str, count: int) -> list[list[str]]:
    """``list(islice(_reader(text, delimiter), count))``, the first ``count`` records, read
    from a short start of ``text`` when that holds them (``_reader`` would copy the whole
    text, 1 MiB, for 50 records); the same csv.Error raised."""
    size = max(_SHORT_CHARS, count * _RECORD_CHARS)
    while size < len(text):
        records = _sure_records(text[:size], delimiter, count)
        if records is not None:
            return records
        size *= 4
    return list(islice(_reader(text, delimiter), count))


def _sure_records(start: str, delimiter: str, count: int) -> list[list[str]] | None:
    """The first ``count`` records of a text that begins with ``start``, or None when
    ``start`` does not decide them. Split into lines as ``_reader`` splits (LF, CRLF, CR),
    every line of ``start`` but its last is a line of the whole text too (its line end is
    followed by a character of ``start``, so a CR is not the first half of a CRLF), so the
    records and errors read before the last line are the whole text's."""
    lines = io.StringIO(start, newline="").readlines()
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        records = list(islice(reader, count))
    except csv.Error:
        if reader.line_num < len(lines):
            raise
        return None
    return records if len(records) == count and reader.line_num < len(lines) else None


def parse(text: str, delimiter: str, file: str, whole: bool = True,
          first_line: int = 1) -> tuple[list[list[str]], list[str]]:
    """All records, plus a note when some records span several physical lines.

    A quote that never closes, or one that swallows whole records, is an InputError naming
    the line where it opened (:mod:`surveyq.readers.quotes`). ``whole=False``: the text is
    the head of a longer file, so a quote open at its end may close further on.
    """
    scanner = QuoteScanner(delimiter, first_line)
    try:
        records, spanning = scanner.read_text(text)
    except csv.Error as error:
        raise InputError(msg("error.cannot_split", reason=str(error)), file) from None
    if not whole:
        scanner.open_at_end = None
    problem = scanner.problem()
    if problem is not None:
        raise problem.error(file)
    notes = []
    if spanning:
        row, first, last = spanning[0]
        notes.append(msg("log.quoted_line_breaks", count=len(spanning), row=row, first=first,
                         last=last))
    return records, notes


def decimal_mark(records: list[list[str]], delimiter: str, excel_locale: bool = True) -> str:
    """``","`` when the data write decimals with a comma.

    A comma-separated file cannot hold bare decimal commas, so it is ``"."``. Otherwise the
    more frequent of ``3,5`` and ``3.5`` cells decides; with no decimals at all a semicolon
    file is ``","`` when ``excel_locale`` (a plain CSV): Excel writes semicolons exactly in the
    locales (Indonesian among them) whose decimal mark is the comma. Machine exports (Kobo's
    semicolon CSV) write ``"."``.
    """
    if delimiter == ",":
        return "."
    commas = points = 0
    for record in records:
        for cell in record:
            if _DECIMAL_COMMA.fullmatch(cell):
                commas += 1
            elif _DECIMAL_POINT.fullmatch(cell):
                points += 1
    return _decimal_decision(commas, points, delimiter, excel_locale)


def decimal_mark_columns(columns: list[tuple[np.ndarray, list]], delimiter: str,
                         excel_locale: bool = True) -> str:
    """:func:`decimal_mark` of records held as columns of distinct values (each distinct
    cell tested once, weighted by its cells)."""
    if delimiter == ",":
        return "."
    commas = points = 0
    for indices, uniques in columns:
        counts = np.bincount(indices, minlength=len(uniques)).tolist()
        for position in _with_mark(uniques):
            value, count = uniques[position], counts[position]
            if not count or not isinstance(value, str):
                continue
            if _DECIMAL_COMMA.fullmatch(value):
                commas += count
            elif _DECIMAL_POINT.fullmatch(value):
                points += count
    return _decimal_decision(commas, points, delimiter, excel_locale)


def _with_mark(uniques: list) -> Iterable[int]:
    """Positions of the values that may be a decimal: every one, or of many values pyarrow
    read (an id column's million, :class:`TextValues`) those holding a comma or a point
    (a decimal holds one), found in C++ rather than by a regular expression per value."""
    arrow = own_arrow(uniques) if len(uniques) >= ARROW_VALUES else None
    if arrow is None:
        return range(len(uniques))
    import pyarrow.compute as pc

    marked = pc.or_(pc.match_substring(arrow, ","), pc.match_substring(arrow, "."))
    return np.flatnonzero(marked.fill_null(False).to_numpy(zero_copy_only=False)).tolist()


def _decimal_decision(commas: int, points: int, delimiter: str, excel_locale: bool) -> str:
    if commas != points:
        return "," if commas > points else "."
    return "," if delimiter == ";" and excel_locale else "."


def read_text(data: bytes, file: str, encoding: str | None, delimiter: str | None,
              whole: bool = True) -> TextRecords:
    """Decode ``data`` and split it into records (``whole=False``: the head of a file)."""
    text, codec = decode(data, encoding, file)
    hint = _EXCEL_SEPARATOR_HINT.match(text)
    if hint:                 # Excel reads "sep=;" as an instruction and shows no such row
        text = text[hint.end():]
        delimiter = delimiter or hint.group(1)
    if delimiter is None:
        delimiter = sniff_delimiter(text)
    records, notes = parse(text, delimiter, file, whole, first_line=2 if hint else 1)
    repairs = repair_cells(records) if "\x00" in text or has_surrogates(text) else []
    if hint:
        notes.insert(0, msg("log.excel_separator_hint", line=repr(hint.group(0).strip())))
    return TextRecords(records, codec, delimiter, notes, repairs)


def arrow_csv_options(delimiter: str, columns: list[str], kind: Any, *,
                      text: list[str] | tuple[str, ...] = (),
                      blank_lines: bool = False) -> tuple[Any, Any]:
    """How every pyarrow read of a CSV splits and types it (in memory and streamed).

    Quoted values may hold line breaks; ``columns`` are read as ``kind`` (text, dictionary
    text, or int16 codes), then the ``text`` columns as text, and nothing else; text cells
    stay text (an empty cell is ``""``), while an empty numeric cell is null.
    ``blank_lines``: a blank line is a record (so record numbers stay those of the careful
    reader) rather than skipped.
    """
    import pyarrow as pa
    import pyarrow.csv as csv

    numeric = pa.types.is_integer(kind) or pa.types.is_floating(kind)
    parse = csv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                             ignore_empty_lines=not blank_lines)
    convert = csv.ConvertOptions(include_columns=[*columns, *text],
                                 column_types={**dict.fromkeys(text, pa.string()),
                                               **dict.fromkeys(columns, kind)},
                                 null_values=[""] if numeric else [],
                                 strings_can_be_null=False, quoted_strings_can_be_null=numeric)
    return parse, convert


@dataclass
class TextColumns:
    """A text export parsed by pyarrow: its first records as lists (to find the header and
    the export flavour), every record after the first as columns of distinct values."""

    head: list[list[str]]
    columns: list[tuple[np.ndarray, list]]  # per column (indices, uniques), first record left out
    rows: int                               # records after the first
    encoding: str
    delimiter: str


#: Characters of a text file's start in which its separator and first record are read.
_HEAD_CHARS = 1 << 20
#: Bytes of a plain export parsed per block (pyarrow's read_csv took 8 MiB blocks too).
_BLOCK_BYTES = 8 << 20
#: A smaller file is cut into one block per core, but none smaller than this.
_MIN_BLOCK_BYTES = 1 << 20
#: Records handed to the header search (:func:`surveyq.readers.grid.find_header` scans 50).
HEAD_RECORDS = 50


def read_text_columns(data: bytes, file: str, encoding: str | None,
                      delimiter: str | None) -> TextColumns | None:
    """Parse a plain text export with pyarrow's CSV reader (C++, several threads), into
    columns of distinct values; None when the file needs the careful reader.

    The careful reader (:func:`read_text`) parses in Python record by record, which is most
    of an in-memory run of a large file. Whatever it would have to say something about goes
    to it: an Excel ``sep=`` line, NUL or invalid bytes (cells to repair), a record with
    more or fewer fields than the first, a blank line, a quoted line break (a file whose
    records are not exactly its lines), an odd number of quotes or a quote on the last line
    (one that may never close). What is left are the plain exports, which both
    readers split into the same cells.
    """
    import pyarrow as pa

    text, codec = _ascii_or_decoded(data, encoding, file)
    head = text[:_HEAD_CHARS] if isinstance(text, str) else text[:_HEAD_CHARS].decode("ascii")
    if _EXCEL_SEPARATOR_HINT.match(head) or (isinstance(text, str) and (
            "\x00" in text or has_surrogates(text))):
        return None
    delimiter = delimiter or sniff_delimiter(head)
    try:
        first = next(iter(head_records(head, delimiter, 1)), None)
    except csv.Error:
        return None
    if not first:
        return None
    if ('"' if isinstance(text, str) else b'"') in text[_last_line_start(text):]:
        return None  # a quote that may never close: the careful reader says where it opened
    if codec == "utf-8":
        body = data
    elif codec == "utf-8-sig":
        body = data[len(codecs.BOM_UTF8):]
    else:
        body = text.encode("utf-8")
    del text
    quotes = count_byte(body, b'"')  # in UTF-8 the byte is the character, and only it
    if quotes % 2:
        return None
    names = [f"c{position}" for position in range(len(first))]
    kind = pa.dictionary(pa.int32(), pa.string())
    several = _nearly_unique_columns(head, delimiter, len(names))
    parse, convert = arrow_csv_options(
        delimiter, [name for j, name in enumerate(names) if j not in several], kind,
        text=[names[j] for j in sorted(several)], blank_lines=True)
    blocks = record_blocks(io.BytesIO(body), b"", parse, convert,
                           block_bytes=_block_bytes(len(body), pa.cpu_count()),
                           quoted_breaks=bool(quotes),  # without quotes, every line a record
                           column_names=names)
    try:
        table = parsed_blocks(blocks)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeError, OpenQuote):
        return None
    lines = count_byte(body, b"\n") + (not body.endswith(b"\n"))
    if table.num_rows != lines or (b"\r" in body and count_byte(body, b"\r") not in (
            0, lines - (not body.endswith(b"\n")))):  # "in": no count of a file without one
        return None  # a quoted line break, or lone carriage returns: the careful reader
    table = table.select(names)  # the file's order (the plain-text columns were read last)
    head = [list(record.values()) for record in table.slice(0, HEAD_RECORDS).to_pylist()]
    columns = []
    for name in names:
        column = table.column(name).combine_chunks()
        if pa.types.is_dictionary(column.type):
            indices = column.indices.to_numpy(zero_copy_only=False)[1:]  # int32: half the memory
            columns.append((indices, TextValues(column.dictionary)))
        else:  # each cell its own value (text cells are never null here), kept in Arrow
            cells = column.slice(1)
            columns.append((np.arange(len(cells), dtype=np.int32), ArrowCells(cells)))
    return TextColumns(head, columns, table.num_rows - 1, codec, delimiter)


def _ascii_or_decoded(data: bytes, encoding: str | None, file: str) -> tuple[str | bytes, str]:
    """:func:`decode` of ``data``, but an ASCII file without NULs, which it reads as UTF-8
    character for character, is left as bytes (the checks read them as they would the text):
    decoding 31 MB at 10^6 respondents costs 15-20 ms of a first read."""
    if encoding is None and data.isascii() and b"\x00" not in data:
        return data, "utf-8"
    return decode(data, encoding, file)


def _block_bytes(size: int, cores: int) -> int:
    """Bytes per parsed block: :data:`_BLOCK_BYTES`, or for a file of a few MiB (10^5
    respondents) a share per core so that it too parses on every core, never less than
    :data:`_MIN_BLOCK_BYTES`. The blocks end at record ends, so the cells are the same."""
    return min(_BLOCK_BYTES, max(_MIN_BLOCK_BYTES, -(-size // max(cores, 1))))


def _last_line_start(text: str | bytes) -> int:
    """Where the last line that is not empty starts (``text.rstrip("\\r\\n")`` would copy
    the whole text to find it)."""
    breaks = "\r\n" if isinstance(text, str) else b"\r\n"
    end = len(text)
    while end and text[end - 1:end] in breaks:
        end -= 1
    return text.rfind(breaks[1:], 0, end) + 1


#: Records of a file's start that decide which columns are read as plain text.
_SAMPLE_RECORDS = 1000
#: Share of different values among them above which a column is read as plain text.
_DIFFERENT_SHARE = 0.9


def _nearly_unique_columns(head: str, delimiter: str, width: int) -> set[int]:
    """Positions of the columns whose first records are nearly all different (a respondent
    id, a submission time, free text), in a file of at least ``_SAMPLE_RECORDS`` records.

    pyarrow reads them as plain text and each cell is taken as its own distinct value:
    hashing a million different ids into a dictionary costs about 0.3 CPU s and finds
    nothing. Every other column is read into a dictionary of its distinct values. A column
    with repeated values read this way still gives every reader the same cells (its list of
    values then holds repeats); only the choice of the faster read depends on the sample.
    """
    try:
        records = head_records(head, delimiter, _SAMPLE_RECORDS + 1)[1:]
    except csv.Error:
        return set()
    if len(records) < _SAMPLE_RECORDS:
        return set()
    # zip stops at the shortest record: a ragged file goes to the careful reader anyway
    columns = list(zip(*records, strict=False))[:width]
    return {j for j, values in enumerate(columns)
            if len(set(values)) >= _DIFFERENT_SHARE * len(records)}
