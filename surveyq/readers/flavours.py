"""Export flavours recognised from the header: Google Forms, KoboToolbox/ODK, LimeSurvey.

* **Google Forms**: the first column is the submission time, named in the form owner's
  language ("Timestamp", "Stempel waktu", "Marca temporal"...). It is kept and reported as
  :attr:`RawTable.timestamp_column`; grid questions ("Kepuasan [Kebersihan]") stay as written.
* **KoboToolbox / ODK**: recognised by two or more of Kobo's system columns (``_id``,
  ``_uuid``, ``_submission_time``, ``_index`` ...) or by ODK's ``meta/instanceID``. System and
  device columns are dropped (one META_COLUMN entry each) except one timestamp kept:
  ``_submission_time`` (set by the server, in every Kobo export, and the order of repeated
  submissions), else ``SubmissionDate``, else ``end``, else ``start`` (device clocks).
  Group prefixes are removed when the header is an XML path of XLSForm names
  (``grp_a/grp_b/q1`` -> ``q1``; a select_multiple option ``grp/q5/opt`` -> ``q5/opt``)
  and Kobo's generated ``group_xxx.`` dot prefixes likewise; headers exported as labels
  (with spaces) keep their path. Names that would collide keep their full path.
* **LimeSurvey**: ``id`` plus three of ``submitdate``, ``lastpage``, ``startlanguage``,
  ``seed``, ``startdate``, ``datestamp``. Meta columns are dropped except ``id``, the
  respondent id; answer codes (``A1``) are left as text for the cleaner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from surveyq.log import Reason
from surveyq.messages import msg

TIMESTAMP_HEADERS = frozenset({
    "timestamp", "stempel waktu", "cap waktu", "cap masa", "marca temporal", "marca de tiempo",
    "carimbo de data/hora", "horodateur", "horodatage", "zeitstempel",
    "informazioni cronologiche", "tijdstempel", "sygnatura czasowa", "zaman damgası",
    "dấu thời gian", "отметка времени", "časová značka", "tidsstempel", "tidsstämpel",
    "aikaleima", "ประทับเวลา", "タイムスタンプ", "时间戳", "時間戳記", "타임스탬프",
})
_KOBO_MARKERS = frozenset({
    "_id", "_uuid", "_submission_time", "_index", "_validation_status", "__version__",
    "_version_", "_submitted_by", "_status", "_notes", "_tags", "_xform_id_string",
})
_ODK_MARKERS = frozenset({"meta/instanceid", "meta-instanceid", "meta:instanceid",
                          "meta.instanceid", "formhub/uuid"})
_KOBO_META = frozenset({
    "start", "end", "today", "deviceid", "simserial", "phonenumber", "subscriberid",
    "username", "audit", "starttime", "endtime", "instanceid", "instancename",
    "submissiondate", "key", "submitterid", "submittername", "attachmentspresent",
    "attachmentsexpected", "reviewstate", "formversion",
})
_KOBO_TIMESTAMPS = ("_submission_time", "SubmissionDate", "end", "start")
_LIME_META = frozenset({"submitdate", "lastpage", "startlanguage", "seed", "startdate",
                        "datestamp", "ipaddr", "refurl", "token", "interviewtime"})
_LIME_MARKERS = frozenset({"submitdate", "lastpage", "startlanguage", "seed", "startdate",
                           "datestamp"})
_XML_PATH = re.compile(r"[A-Za-z_][\w.\-]*(?:/[A-Za-z_][\w.\-]*)+")
_DOT_GROUPS = re.compile(r"(?:group_[A-Za-z0-9_\-]+\.)+(?P<rest>[A-Za-z_].*)")
_LIME_GROUP_TIME = re.compile(r"grouptime\d+", re.IGNORECASE)


@dataclass
class ColumnPlan:
    """What a flavour does to the columns: renames, drops (with why) and notes."""

    flavour: str
    rename: dict[str, str] = field(default_factory=dict)
    drop: dict[str, str] = field(default_factory=dict)          # column -> message
    notes: list[tuple[str | None, Reason, str]] = field(default_factory=list)
    timestamp_column: str | None = None


def detect_flavour(names: list[str]) -> str | None:
    """"limesurvey", "kobo", "gforms" or None, from the header texts."""
    lowered = {name.strip().lower() for name in names}
    if "id" in lowered and len(lowered & _LIME_MARKERS) >= 3:
        return "limesurvey"
    if len(lowered & _KOBO_MARKERS) >= 2 or lowered & _ODK_MARKERS:
        return "kobo"
    if names and names[0].strip().lower() in TIMESTAMP_HEADERS:
        return "gforms"
    return None


def plan_columns(flavour: str, names: list[str]) -> ColumnPlan:
    """The column plan of ``flavour`` for a header ``names``."""
    if flavour == "gforms":
        return _gforms(names)
    if flavour == "kobo":
        return _kobo(names)
    return _limesurvey(names)


def _gforms(names: list[str]) -> ColumnPlan:
    plan = ColumnPlan("gforms", timestamp_column=names[0] if names else None)
    plan.notes.append((plan.timestamp_column, Reason.FORMAT,
                       msg("log.gforms", column=repr(plan.timestamp_column))))
    return plan


def _kobo(names: list[str]) -> ColumnPlan:
    plan = ColumnPlan("kobo")
    present = set(names)
    plan.timestamp_column = next((name for name in _KOBO_TIMESTAMPS if name in present), None)
    for name in names:
        if name != plan.timestamp_column and _is_kobo_meta(name):
            plan.drop[name] = msg("log.kobo_meta_dropped", column=repr(name))
    kept = [name for name in names if name not in plan.drop]
    plan.rename = _strip_groups(kept, plan)
    plan.notes.append((None, Reason.FORMAT, msg(
        "log.kobo_timestamp" if plan.timestamp_column else "log.kobo",
        renamed=len(plan.rename), dropped=len(plan.drop), column=repr(plan.timestamp_column))))
    return plan


def _is_kobo_meta(name: str) -> bool:
    lowered = name.strip().lower()
    return (lowered.startswith("_") or lowered in _KOBO_META or lowered in _ODK_MARKERS
            or lowered.startswith(("meta/", "meta-", "meta:", "meta.", "formhub/")))


def _strip_groups(names: list[str], plan: ColumnPlan) -> dict[str, str]:
    """Short names for group paths; colliding short names keep their full path (logged)."""
    present = set(names)
    short = {name: _short_name(name, present) for name in names}
    counts: dict[str, int] = {}
    for name in names:
        counts[short[name]] = counts.get(short[name], 0) + 1
    rename = {}
    for name in names:
        if short[name] == name:
            continue
        if counts[short[name]] > 1:
            plan.notes.append((name, Reason.AMBIGUOUS_COLUMN,
                               msg("log.kobo_short_name_clash", short=repr(short[name]),
                                   column=repr(name))))
        else:
            rename[name] = short[name]
    return rename


def _short_name(name: str, present: set[str]) -> str:
    dotted = _DOT_GROUPS.fullmatch(name)
    if dotted:
        return dotted.group("rest")
    if not _XML_PATH.fullmatch(name):
        return name
    parts = name.split("/")
    for cut in range(len(parts) - 1, 0, -1):   # longest parent that is itself a column
        parent = "/".join(parts[:cut])
        if parent in present:                  # a select_multiple option column
            return _short_name(parent, present) + "/" + "/".join(parts[cut:])
    return parts[-1]


def _limesurvey(names: list[str]) -> ColumnPlan:
    plan = ColumnPlan("limesurvey")
    for name in names:
        lowered = name.strip().lower()
        if lowered in _LIME_META or _LIME_GROUP_TIME.fullmatch(lowered):
            plan.drop[name] = msg("log.lime_meta_dropped", column=repr(name))
    respondent_id = next((name for name in names if name.strip().lower() == "id"), None)
    plan.notes.append((respondent_id, Reason.FORMAT,
                       msg("log.limesurvey", column=repr(respondent_id),
                           dropped=len(plan.drop))))
    return plan
