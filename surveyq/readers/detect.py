"""Which reader a file needs: its extension, checked against its first bytes.

A file's name can lie: web apps save HTML tables as ``.xls``, people rename workbooks to
``.csv``. The signature of the first bytes decides when it names a supported container; the
extension decides otherwise; an unknown extension is an error that lists what is supported.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from surveyq.errors import InputError
from surveyq.messages import msg
from surveyq.readers.table import FORMATS

#: Container kinds a reader exists for, by extension.
EXTENSIONS = {
    ".csv": "text", ".tsv": "text", ".txt": "text",
    ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".xls": "xls", ".ods": "ods",
    ".sav": "sav", ".zsav": "sav", ".dta": "dta",
    ".parquet": "parquet", ".pq": "parquet",
}
#: Flavours of a text or workbook export; the container still comes from the file.
FLAVOURS = ("gforms", "kobo", "limesurvey")
_FORMAT_CONTAINER = {"csv": "text", "xlsx": "xlsx", "xls": "xls", "ods": "ods",
                     "sav": "sav", "dta": "dta", "parquet": "parquet"}
_NAMES = {"text": "a text (CSV) file", "xlsx": "an Excel .xlsx workbook",
          "xls": "an Excel 97-2003 .xls workbook", "ods": "an OpenDocument spreadsheet",
          "sav": "an SPSS .sav file", "dta": "a Stata .dta file", "parquet": "a Parquet file"}
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


@dataclass(frozen=True)
class Detected:
    """The container to open, the flavour asked for (if any) and a note when the name lied."""

    container: str
    flavour: str | None   # "gforms"/"kobo"/"limesurvey" forced, "csv" = plain (no detection)
    note: str | None = None


def supported_list() -> str:
    return ", ".join(sorted(EXTENSIONS))


def signature(path: Path, head: bytes) -> str | None:
    """The container named by the first bytes, "html" for a web page, or None (plain text)."""
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    if head.startswith(_OLE2):
        return "xls"
    if head[:4] in (b"$FL2", b"$FL3"):
        return "sav"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"<stata_dta>"):
        return "dta"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<table")) or (
        start.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in head
    ):
        return "html"
    return None


def _zip_kind(path: Path) -> str | None:
    """A zip is a workbook only if it holds one: .docx and plain zips are not."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
                return "xlsx"
            if "mimetype" in names and archive.read("mimetype").startswith(_ODS_MIME):
                return "ods"
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, NotImplementedError):
        return "xlsx"   # a damaged workbook: let the xlsx reader report it with its fix
    return None


def detect(path: Path, head: bytes, file: str, format: str | None) -> Detected:
    """Choose the container and flavour for ``path`` from ``format=``, name and first bytes."""
    if format is not None and format not in FORMATS:
        raise InputError(msg("error.format_unknown", value=repr(format), formats=list(FORMATS)),
                         file)
    found = signature(path, head)
    if found == "html":
        raise InputError(msg("error.web_page"), file)
    if format in _FORMAT_CONTAINER:
        return Detected(_FORMAT_CONTAINER[format], "csv" if format == "csv" else None)
    by_name = EXTENSIONS.get(path.suffix.lower())
    flavour = format  # None or one of FLAVOURS
    if found is not None:
        note = None
        if by_name is not None and by_name != found:
            note = msg("log.misnamed_file", suffix=path.suffix, kind=msg(f"log.container_{found}"))
        return Detected(found, flavour, note)
    if flavour is not None:
        return Detected("text", flavour)
    if by_name is None:
        raise InputError(msg("error.file_type", suffix=repr(path.suffix) if path.suffix else
                             msg("error.no_extension"),
                             supported=supported_list(), formats=list(FORMATS)), file)
    if by_name in ("xlsx", "xls", "ods") and b"\x00" not in head:
        return Detected("text", None, msg("log.misnamed_file", suffix=path.suffix,
                                            kind=msg("log.container_text")))
    return Detected(by_name, None)
