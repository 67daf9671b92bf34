"""From a raw export to a questionnaire and project proposal: :func:`propose`.

``propose(paths)`` reads each export with :func:`surveyq.io.read_raw` and infers what a
person would otherwise write in YAML: which columns are items and on which scale, which are
respondent fields, expectation/perception or importance/performance pairs, the standard
SKM/IKM questionnaire when the questions are its elements, reverse keying where the file or a
codebook gives evidence, and the analyses that fit. Every choice a person should check is a
:class:`Decision` with its evidence. ``surveyq init`` writes the proposal as commented YAML
(:mod:`surveyq.infer_write`); ``surveyq run EXPORT`` runs it directly.

Example
-------
>>> from surveyq.infer import propose
>>> proposal = propose(["tests/fixtures/limesurvey.csv"])          # doctest: +SKIP
>>> proposal.to_frame()[["topic", "choice"]].iloc[0].tolist()     # doctest: +SKIP
['codes', 'answer codes A1-A5 read as points 1-5 in code order']
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from surveyq.coding import ItemRule, code_column
from surveyq.errors import InputError
from surveyq.infer_scales import CODE_LABELS, ScaleFit, answer_code, match_labels
from surveyq.infer_standards import StandardMatch, recognise_standard
from surveyq.io import RawTable, read_raw
from surveyq.messages import Message, joined, msg, translate
from surveyq.project import ProjectSpec, SurveySpec, UnitsSpec
from surveyq.questionnaire import (
    Group,
    Item,
    Questionnaire,
    RespondentField,
    Scale,
    Text,
    load_questionnaire,
    normalise_label,
)


@dataclass(frozen=True)
class Decision:
    """One inference a person should confirm: what was decided, on what evidence.

    ``topic`` is one of: scale, item, reverse, standard, pair, codes, field, period,
    population, codebook, kind.
    """

    survey: str
    topic: str
    subject: str
    choice: str
    evidence: str

    def line(self, lang: str = "en") -> str:
        """``survey: topic subject: choice (evidence)`` in ``lang``."""
        return translate(self.message(), lang)

    def message(self) -> Message:
        """The decision as one Message (its topic word, choice and evidence translated)."""
        return msg("init.decision", survey=self.survey, topic=msg(f"init.topic_{self.topic}"),
                   subject=self.subject, choice=self.choice, evidence=self.evidence)


@dataclass
class SurveyProposal:
    """One export's inferred questionnaire and survey entry."""

    name: str
    file: str
    questionnaire: Questionnaire
    spec: SurveySpec
    decisions: list[Decision] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=dict)   # item/field id -> comments
    based_on: str | None = None
    period: str | None = None
    units: list[str] = field(default_factory=list)   # service units found (a unit field)


@dataclass
class Proposal:
    """The whole proposal: the project and each survey's questionnaire, with the decisions."""

    project: ProjectSpec
    surveys: dict[str, SurveyProposal]

    @property
    def decisions(self) -> list[Decision]:
        return [d for survey in self.surveys.values() for d in survey.decisions]

    def questionnaires(self) -> dict[str, Questionnaire]:
        return {name: s.questionnaire for name, s in self.surveys.items()}

    def to_frame(self) -> pd.DataFrame:
        """The decisions as a table: survey, topic, subject, choice, evidence."""
        return pd.DataFrame([vars(d) for d in self.decisions],
                            columns=["survey", "topic", "subject", "choice", "evidence"])


# ------------------------------------------------------------------ respondent fields by header

# (kind, field id, header phrases). Phrases match whole tokens of the folded header; a phrase
# in a non-Latin script matches as a substring (Korean particles attach to the word).
_FIELD_RULES: list[tuple[str, str, tuple[str, ...]]] = [
    ("other", "timestamp", ("timestamp", "stempel waktu", "cap waktu", "tanggal isi",
                            "tanggal", "date", "submitdate", "submission time",
                            "waktu pengisian", "tgl")),
    ("service_type", "service_type", ("jenis layanan", "jenis pelayanan", "layanan",
                                      "nama layanan", "service", "service type",
                                      "layanan yang diterima")),
    ("unit", "unit", ("unit", "unit layanan", "unit kerja", "unit pelayanan", "satker",
                      "satuan kerja", "loket", "bagian", "nama unit", "nama opd", "opd",
                      "nama instansi", "instansi", "perangkat daerah", "nama perangkat daerah",
                      "puskesmas", "kecamatan", "kelurahan")),
    ("name", "name", ("nama", "name", "nama responden", "inisial")),
    ("other", "contact", ("email", "alamat email", "e mail", "surel", "no hp", "nomor hp",
                          "no telp", "no telepon", "nomor telepon", "telepon", "whatsapp",
                          "no wa", "phone", "alamat")),
    ("gender", "gender", ("jenis kelamin", "kelamin", "jk", "gender", "sex", "l p", "성별")),
    ("age_band", "age", ("usia", "umur", "age", "kelompok usia", "kelompok umur", "나이",
                         "연령", "agegp3", "agegp5", "binage")),
    ("education", "education", ("pendidikan", "pendidikan terakhir", "education", "educ",
                                "educrec", "학력")),
    ("occupation", "occupation", ("pekerjaan", "pekerjaan utama", "occupation", "profesi",
                                  "job")),
    ("suggestion", "suggestion", ("saran", "kritik", "kritik dan saran", "saran dan masukan",
                                  "masukan", "komentar", "comment", "comments", "suggestion",
                                  "suggestions", "feedback", "catatan", "usulan")),
    ("id", "respondent_id", ("id", "id responden", "no responden", "nomor responden",
                             "kode responden", "kode peserta", "respondent", "respondent id",
                             "responden", "kode")),
    ("other", "no", ("no", "nomor", "no urut", "nomor urut")),
]
_FIELD_TEXT = {
    "timestamp": ("Waktu pengisian", "Time of response"), "name": ("Nama", "Name"),
    "contact": ("Kontak", "Contact"), "gender": ("Jenis kelamin", "Gender"),
    "age": ("Usia", "Age"), "education": ("Pendidikan", "Education"),
    "occupation": ("Pekerjaan", "Occupation"), "service_type": ("Jenis layanan", "Service"),
    "unit": ("Unit layanan", "Service unit"), "suggestion": ("Saran", "Suggestions"),
    "respondent_id": ("ID responden", "Respondent ID"), "no": ("Nomor urut", "Row number"),
}
_EDUCATION_ORDER = ["tidak sekolah", "sd", "sltp", "smp", "slta", "sma", "smk", "d1", "d2",
                    "d3", "diploma", "d4", "s1", "sarjana", "s2", "magister", "s3", "doktor"]
_GENDER = {"l": ("Laki-laki", "Male"), "p": ("Perempuan", "Female"),
           "laki laki": ("Laki-laki", "Male"), "perempuan": ("Perempuan", "Female"),
           "pria": ("Pria", "Male"), "wanita": ("Wanita", "Female"),
           "male": ("Laki-laki", "Male"), "female": ("Perempuan", "Female"),
           "여": ("Perempuan", "Female"), "남": ("Laki-laki", "Male")}


def _tokens_match(header: str, phrase: str) -> bool:
    if not phrase.isascii():
        return phrase in header
    folded = normalise_label(header.replace("_", " "))
    return re.search(rf"(?:^| ){re.escape(phrase)}(?: |$)", folded) is not None


def field_rule(header: str) -> tuple[str, str] | None:
    """(kind, id) of a respondent field recognised by its header, else None.

    A header matches when it starts with one of the kind's words ("Jenis layanan yang Anda
    terima", "Kritik dan saran"), so "Penanganan pengaduan, saran dan masukan" (an SKM
    element) is no suggestion field.

    >>> field_rule("Jenis Kelamin"), field_rule("masa_kerja")
    (('gender', 'gender'), None)
    """
    folded = normalise_label(str(header).replace("_", " "))
    for kind, ident, phrases in _FIELD_RULES:
        for phrase in phrases:
            if (phrase in folded) if not phrase.isascii() else (
                    folded == phrase or folded.startswith(phrase + " ")):
                return kind, ident
    return None


# ------------------------------------------------------------------ columns


@dataclass
class _Column:
    header: str
    values: list[Any]                 # non-blank cells as read
    texts: list[str]                  # the same, as stripped text
    numbers: list[float] | None       # every value as a number, or None
    label: str | None = None          # SPSS variable label or codebook text
    value_labels: dict[Any, str] = field(default_factory=dict)

    @property
    def distinct(self) -> list[str]:
        return list(dict.fromkeys(self.texts))


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value) if math.isfinite(float(value)) else None
    text = str(value).strip()
    if re.fullmatch(r"[+-]?\d+(?:[.,]\d+)?", text):
        return float(text.replace(",", "."))
    return None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (
        isinstance(value, str) and not value.strip())


def _columns(raw: RawTable) -> list[_Column]:
    """Each column's non-blank cells, their text and their numbers.

    A column holds few distinct answers, so each distinct cell is parsed once and the result
    mapped back (a city-wide export has hundreds of thousands of rows).
    """
    columns = []
    for header in raw.frame.columns:
        series = raw.frame[header]
        keys = series.astype(str)
        first = ~keys.duplicated()
        distinct = list(zip(keys[first], series[first], strict=True))
        blank = {key: _blank(value) for key, value in distinct}
        kept = ~keys.map(blank).astype(bool)
        values = series[kept].tolist()
        texts = keys[kept].map({key: " ".join(str(v).split()) for key, v in distinct}).tolist()
        numbers = keys[kept].map({key: _as_number(v) for key, v in distinct}).tolist()
        columns.append(_Column(
            str(header), values, texts,
            None if not values or any(n is None for n in numbers) else
            [float(n) for n in numbers],
            raw.column_labels.get(str(header)), raw.value_labels.get(str(header), {})))
    return columns


def _integer_codes(column: _Column, missing: Sequence[Any] = (),
                   distinct: int = 2) -> list[int] | None:
    """The column's values as small whole codes (0-11), or None."""
    if column.numbers is None:
        return None
    declared = {float(m) for m in missing if _as_number(m) is not None}
    kept = [n for n in column.numbers if n not in declared]
    if not kept or any(n != int(n) for n in kept):
        return None
    codes = [int(n) for n in kept]
    if min(codes) < 0 or max(codes) > 11 or len(set(codes)) < distinct:
        return None
    return codes


_STEM = re.compile(r"^(?P<stem>[A-Za-z][A-Za-z_]*?(?:\d+[._])?)[._\-\s]?(?P<n>\d+)"
                   r"(?:\[[^\]]*\])?$")
_GRID = re.compile(r"^(?P<title>[^\[]+?)\s*\[(?P<row>[^\]]+)\]\s*$")


def stem_of(header: str) -> str | None:
    """The group of a coded header: ``op3`` -> ``op``, ``X1.2`` -> ``X1``, else None.

    >>> stem_of("pss10"), stem_of("X2.7"), stem_of("Y4"), stem_of("Jenis Kelamin")
    ('pss', 'X2', 'Y', None)
    """
    text = str(header).strip()
    if len(text) > 16 or " " in text:
        return None
    match = _STEM.match(text)
    if not match:
        return None
    return match.group("stem").rstrip("._")


# ------------------------------------------------------------------ roles and pairs

_ROLE_MARKERS: list[tuple[str, tuple[str, ...]]] = [
    ("expectation", ("harapan", "expectation", "expectations", "expected", "ekspektasi",
                     "기대")),
    ("perception", ("kenyataan", "persepsi", "perception", "perceptions", "realita",
                    "인지")),
    ("importance", ("kepentingan", "importance", "tingkat kepentingan")),
    ("performance", ("kinerja", "performance", "tingkat kinerja")),
]


def role_of(header: str) -> tuple[str, str] | None:
    """("expectation" | "perception" | "importance" | "performance", marker) or None.

    >>> role_of("Harapan [Kebersihan ruang tunggu]")
    ('expectation', 'harapan')
    >>> role_of("Performance - staff are polite")
    ('performance', 'performance')
    """
    folded = normalise_label(header)
    for role, markers in _ROLE_MARKERS:
        for marker in markers:
            if (marker in folded) if not marker.isascii() else _tokens_match(header, marker):
                return role, marker
    return None


def _is_satisfaction(header: str) -> bool:
    """A header of an overall-satisfaction rating ("Kepuasan [...]", "Overall satisfaction")."""
    return any(_tokens_match(header, word) for word in (
        "kepuasan", "satisfaction", "overall satisfaction", "kepuasan keseluruhan"))


def _pair_key(header: str, marker: str) -> str:
    """What is left of a header once its role marker is removed: the attribute rated."""
    text = str(header)
    number = re.match(r"^\s*(\d+)\s*[-.)]", text)
    if number:
        return f"#{int(number.group(1))}"
    folded = normalise_label(text)
    if marker.isascii():
        folded = re.sub(rf"(?:^| ){re.escape(marker)}(?: |$)", " ", folded)
    else:
        folded = folded.replace(marker, " ")
    return " ".join(folded.split())


def _pairs(headers: list[str]) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """header -> (role, pair key) for the headers carrying a role marker; unmatched headers."""
    marked = {h: role_of(h) for h in headers}
    keyed = {h: (m[0], _pair_key(h, m[1])) for h, m in marked.items() if m}
    by_key: dict[str, set[str]] = {}
    for role, key in keyed.values():
        by_key.setdefault(key, set()).add(role)
    partners = {"expectation": "perception", "perception": "expectation",
                "importance": "performance", "performance": "importance"}
    paired = {h: rk for h, rk in keyed.items() if partners[rk[0]] in by_key[rk[1]]}
    unpaired = [h for h in keyed if h not in paired]
    return paired, unpaired


# ------------------------------------------------------------------ reverse wording

_NEGATORS = {"tidak", "tak", "belum", "bukan", "jarang", "kurang", "not", "never", "no",
             "hardly", "rarely", "seldom", "cannot", "dont", "doesnt", "isnt", "arent", "wont",
             "nor", "neither"}
_NEGATIVE_WORDS = {"terlambat", "lambat", "celah", "teguran", "ditegur", "lupa", "sulit",
                   "rumit", "berbelit", "lalai", "wrong", "late", "difficult", "upset",
                   "nervous", "stressed", "angry", "angered", "unable", "worried", "anxious",
                   "hopeless", "useless", "failure", "kesal", "marah", "gugup", "tertekan",
                   "cemas", "khawatir"}


def negative_wording(text: str) -> list[str]:
    """The words that make a statement negatively worded ([] when positive).

    Each negator or negative word flips the polarity, so "tidak lupa" (not forgetting) reads
    as positive; a statement is negative when the flips are odd.

    >>> negative_wording("Reward tidak sebanding dengan usaha saya")
    ['tidak']
    >>> negative_wording("Sanksi membuat saya berhati-hati untuk tidak lupa ceklok")
    []
    """
    words = normalise_label(str(text).replace("'", "")).split()
    found = [w for w in words if w in _NEGATORS or w in _NEGATIVE_WORDS or w.endswith("nt")
             and w[:-2] in {"don", "doesn", "isn", "aren", "won", "can"}]
    return found if len(found) % 2 == 1 else []


# ------------------------------------------------------------------ codebook


@dataclass
class Codebook:
    """Item texts, reverse keying and dimensions by item code, read from a codebook file."""

    texts: dict[str, str] = field(default_factory=dict)
    reverse: dict[str, bool] = field(default_factory=dict)
    dimensions: dict[str, str] = field(default_factory=dict)
    file: str = ""


_REVERSE_HEADERS = ("reverse", "reversed", "reverse keyed", "balik", "dibalik", "negatif",
                    "negative", "unfavorable", "unfavourable", "kunci terbalik", "arah")
_DIMENSION_HEADERS = ("dimensi", "dimension", "variabel", "variable", "aspek", "indikator",
                      "subscale", "faktor", "factor", "konstruk", "construct")
_TEXT_HEADERS = ("pertanyaan", "pernyataan", "question", "statement", "item", "teks", "text",
                 "butir", "label")
_TRUE = {"1", "ya", "yes", "y", "true", "benar", "r", "reverse", "negatif", "negative", "-",
         "unfavorable", "unfavourable"}


def read_codebook(path: str | Path, headers: Sequence[str] = ()) -> Codebook:
    """Read a codebook: one row per item, a code column naming the export's column.

    The code column is the one whose values name most of the export's headers; the text
    column is a question/statement header, else the column with the longest texts; reverse
    keying and dimensions come from columns so named (``reverse``, ``dimensi`` ...).
    A leading number on the text ("1. Sistem ...") is dropped.
    """
    raw = read_raw(path)
    frame = raw.frame.astype(object).where(raw.frame.notna(), None)
    names = [str(c) for c in frame.columns]
    folded_headers = {normalise_label(h) for h in headers}
    code_column = max(names, key=lambda c: sum(
        normalise_label(v) in folded_headers for v in frame[c].dropna().astype(str)))
    if folded_headers and not any(normalise_label(v) in folded_headers
                                  for v in frame[code_column].dropna().astype(str)):
        raise InputError(msg("error.codebook_no_columns"), str(path))
    book = Codebook(file=str(path))
    others = [c for c in names if c != code_column]

    def named(options: tuple[str, ...]) -> str | None:
        return next((c for c in others if normalise_label(c) in options), None)

    text_column = named(_TEXT_HEADERS) or max(others, key=lambda c: frame[c].dropna().astype(
        str).str.len().mean() if frame[c].notna().any() else 0, default=None)
    reverse_column, dimension_column = named(_REVERSE_HEADERS), named(_DIMENSION_HEADERS)
    for _, row in frame.iterrows():
        code = row[code_column]
        if code is None:
            continue
        key = normalise_label(code)
        if text_column and row[text_column] is not None:
            book.texts[key] = re.sub(r"^\s*\d+\s*[.)]\s*", "", str(row[text_column])).strip()
        if reverse_column and row[reverse_column] is not None:
            book.reverse[key] = normalise_label(row[reverse_column]) in _TRUE
        if dimension_column and row[dimension_column] is not None:
            book.dimensions[key] = str(row[dimension_column]).strip()
    return book


# ------------------------------------------------------------------ the inference


@dataclass
class _ItemDraft:
    header: str
    scale_key: str
    text: str
    role: str = "item"
    pair: str | None = None
    dimension: str | None = None
    reverse: bool = False
    element: str | None = None
    notes: list[str] = field(default_factory=list)


class _Survey:
    """The inference for one export (one questionnaire)."""

    def __init__(self, name: str, raw: RawTable, codebook: Codebook | None):
        self.name = name
        self.raw = raw
        self.codebook = codebook
        self.columns = {c.header: c for c in _columns(raw)}
        self.decisions: list[Decision] = []
        self.notes: dict[str, list[str]] = {}
        self.scales: dict[str, Scale] = {}
        self.items: dict[str, _ItemDraft] = {}
        self.fields: dict[str, tuple[str, str]] = {}     # header -> (kind, id)
        self.unmapped: set[str] = set()     # rating columns left out of the items
        self.fits: dict[str, ScaleFit] = {}   # label columns -> the scale their labels fit

    def decide(self, topic: str, subject: str, choice: str, evidence: str) -> None:
        self.decisions.append(Decision(self.name, topic, subject, choice, evidence))

    # -- classification --------------------------------------------------------------------

    def classify(self) -> None:
        numeric: dict[str, list[int]] = {}
        labelled: dict[str, ScaleFit] = {}
        answer_codes: dict[str, dict[str, int]] = {}
        twice = self._repeated_headers()
        for header, column in self.columns.items():
            if header in twice:
                self.fields[header] = ("other", "")
                self.unmapped.add(header)
                continue
            rule = field_rule(header)
            if header == self.raw.timestamp_column:
                rule = ("other", "timestamp")
            if rule or not column.values:
                self.fields[header] = rule or ("other", "")
                continue
            missing = self.raw.declared_missing.get(header, [])
            codes = _integer_codes(column, missing, distinct=1 if stem_of(header) else 2)
            if codes is not None and not self._labelled_category(column, missing):
                numeric[header] = codes
                continue
            lime = [answer_code(t) for t in column.distinct]
            if column.numbers is None and all(c is not None for c in lime):
                answer_codes[header] = dict(zip(column.distinct, lime, strict=True))
                continue
            fit = match_labels(column.distinct) if column.numbers is None else None
            if fit is not None:
                labelled[header] = fit
            else:
                self.fields[header] = ("other", "")
        self._numeric_items(numeric)
        self._label_items(labelled)
        self._answer_code_items(answer_codes)

    def _repeated_headers(self) -> set[str]:
        """A header written twice (read as "U2" and "U2 (2)"): which copy holds the item's
        answers only a person can say, so neither is proposed as an item."""
        copies = {h for h in self.columns
                  if (m := re.fullmatch(r"(.+) \(\d+\)", h)) and m.group(1) in self.columns}
        twice = copies | {re.sub(r" \(\d+\)$", "", h) for h in copies}
        if twice:
            self.decide("item", ", ".join(sorted(twice)), msg("init.twice_choice"),
                        msg("init.twice_evidence"))
        return twice

    @staticmethod
    def _labelled_category(column: _Column, missing: Sequence[Any]) -> bool:
        """SPSS value labels on codes that are not all declared missing: a category."""
        declared = {float(m) for m in missing if _as_number(m) is not None}
        return any(_as_number(code) not in declared for code in column.value_labels)

    def _numeric_items(self, numeric: dict[str, list[int]]) -> None:
        derived = self._derived_copies(numeric)
        groups: dict[str, list[str]] = {}
        for header in numeric:
            if header not in derived:
                groups.setdefault(stem_of(header) or "", []).append(header)
        grouped = {stem: hs for stem, hs in groups.items() if stem and len(hs) >= 2
                   and any(len(set(numeric[h])) > 1 for h in hs)}
        for stem, headers in groups.items():
            if stem not in grouped:
                for header in [h for h in headers if len(set(numeric[h])) < 2]:
                    headers.remove(header)
                    self.fields[header] = ("other", "")
        loose = groups.get("", []) + [h for s, hs in groups.items()
                                      if s and len(hs) < 2 for h in hs]
        totals = [h for h in loose if _is_total(h, self._text_of(h))]
        for header in totals:
            self.fields[header] = ("other", "")
            self.unmapped.add(header)
        loose = [h for h in loose if h not in totals]
        statements = [h for h in loose if len(normalise_label(h).split()) >= 4 or role_of(h)]
        if not grouped and not statements:
            statements = loose
        for header in [h for hs in groups.values() for h in hs]:
            if header not in loose and header not in statements and not any(
                    header in hs for hs in grouped.values()):
                self.fields[header] = ("other", "")
        for header in loose:
            if header not in statements:
                self.fields[header] = ("other", "")
                self.decide("field", header, msg("init.lone_codes_choice"),
                            msg("init.lone_codes_evidence", low=min(numeric[header]),
                                high=max(numeric[header])))
        for stem, headers in [*grouped.items(), ("", statements)]:
            if headers:
                self._code_scale(stem, headers, numeric)

    def _derived_copies(self, numeric: dict[str, list[int]]) -> set[str]:
        """Columns that are another item reversed (SPSS ``Rop2``) or copied: not items."""
        derived = set()
        frame = self.raw.frame
        for header in numeric:
            for base in numeric:
                if base == header or not header.lower().endswith(base.lower()):
                    continue
                pair = frame[[header, base]].apply(pd.to_numeric, errors="coerce").dropna()
                if pair.empty:
                    continue
                total = pair[header] + pair[base]
                if total.nunique() == 1:
                    derived.add(header)
                    self.reversed_by_file = getattr(self, "reversed_by_file", {})
                    self.reversed_by_file[base] = (header, int(total.iloc[0]))
                elif (pair[header] == pair[base]).all():
                    derived.add(header)
        for header in sorted(derived):
            self.fields[header] = ("other", "")
            self.unmapped.add(header)
        if derived:
            self.decide("item", ", ".join(sorted(derived)), msg("init.derived_choice"),
                        msg("init.derived_evidence"))
        return derived

    def _code_scale(self, stem: str, headers: list[str], numeric: dict[str, list[int]]) -> None:
        codes = [c for h in headers for c in numeric[h]]
        low = 0 if min(codes) == 0 else 1
        high = max(codes)
        counts = pd.Series(codes).value_counts()
        for end in ("high", "low"):
            value = high if end == "high" else low
            # only when dropping it turns an unusual length (1-6, 0-5) into a usual one
            usual = high - low + 1 not in (4, 5, 7, 10, 11) and high - low in (4, 5, 7)
            if usual and value in counts and counts[value] <= max(2, len(codes) // 1000) and \
                    len(codes) >= 50 and (value - 1 if end == "high" else value + 1) in counts:
                # an extreme code seen once or twice in many answers is a typing slip
                self.decide("scale", msg("init.code", value=value), msg("init.slip_choice"),
                            msg("init.slip_evidence", count=counts[value], total=len(codes),
                                headers=", ".join(headers[:3]) + (" ..." if len(headers) > 3
                                                                  else "")))
                if end == "high":
                    high -= 1
                else:
                    low += 1
        below = [c for c in set(codes) if c < high]
        if high == 9 and below and max(below) <= 7:
            # 9 after a gap is the usual "no answer" code of a 1-5 or 1-7 scale
            high = max(below)
            self.decide("scale", msg("init.code", value=9), msg("init.nine_choice"),
                        msg("init.nine_evidence", high=high, headers=list(headers)))
        points = list(range(low, high + 1))
        key = f"codes{low}_{high}" if low == 0 else f"codes{high}"
        if key not in self.scales:
            labels = CODE_LABELS.get(len(points), {}) if low == 1 else {}
            if points == [0, 1]:
                labels = {"id": ["Tidak", "Ya"], "en": ["No", "Yes"]}
            self.scales[key] = Scale(points=points, labels=labels)
            seen = sorted(set(codes))
            evidence = [msg("init.codes_seen_in", first=seen[0], last=seen[-1], stem=stem)
                        if stem else msg("init.codes_seen", first=seen[0], last=seen[-1])]
            if labels and points != [0, 1]:
                evidence.append(msg("init.usual_labels"))
            if high < 4:
                evidence.append(msg("init.unchosen_points"))
            self.decide("scale", key, msg("init.points", low=low, high=high), joined(evidence))
        for header in headers:
            self.items[header] = _ItemDraft(header, key, self._text_of(header),
                                            dimension=stem or None)

    def _label_items(self, labelled: dict[str, ScaleFit]) -> None:
        # Columns of one family share their labels: a label no one chose in one column may
        # be chosen in another. A pair of only "Setuju"/"Tidak setuju" stays on its own.
        pools: dict[str, list[str]] = {}
        for header, fit in labelled.items():
            pools.setdefault(fit.family if fit.layout != "2" else f"{fit.family}/2",
                             []).append(header)
        for headers in pools.values():
            fit = match_labels([t for h in headers for t in self.columns[h].distinct])
            if fit is None:
                continue
            key = f"{fit.family or 'scale'}{len(fit.points)}"
            self.scales[key] = Scale(points=fit.points, labels=fit.labels, aliases=fit.aliases)
            answered = sorted({t for h in headers for t in self.columns[h].distinct},
                              key=lambda t: fit.code_of.get(t, 0))
            evidence = [msg("init.answers_seen",
                            answers=[f"{t}={fit.code_of[t]}" for t in answered])]
            if fit.ambiguous:
                evidence.append(msg("init.ambiguous_layout", layout=fit.ambiguous))
            if fit.corrected:
                evidence.append(msg("init.misspellings", words=list(fit.corrected)))
            if fit.layout == "2":
                evidence.append(msg("init.two_answers"))
            self.decide("scale", key, msg("init.points_layout", points=len(fit.points),
                                          layout=fit.layout), joined(evidence))
            for header in headers:
                grid = _GRID.match(header)
                self.fits[header] = fit
                self.items[header] = _ItemDraft(header, key, self._text_of(header),
                                                dimension=grid.group("title") if grid else None)

    def _answer_code_items(self, answer_codes: dict[str, dict[str, int]]) -> None:
        if not answer_codes:
            return
        spellings = {text: code for codes in answer_codes.values() for text, code in codes.items()}
        points = list(range(1, max(max(spellings.values()), 2) + 1))
        key = f"codes{len(points)}"
        # Every spelling seen ("a05" beside "A5") becomes an alias, so the run codes the cells
        # by the scale exactly as init read them.
        aliases = {p: [f"A{p}"] for p in points}
        for text, code in sorted(spellings.items()):
            if normalise_label(text) not in map(normalise_label, aliases[code]):
                aliases[code].append(text)
        self.scales[key] = Scale(points=points, labels=CODE_LABELS.get(len(points), {}),
                                 aliases=aliases)
        self.decide("codes", key, msg("init.answer_codes", high=points[-1]),
                    msg("init.answer_codes_evidence"))
        for header in answer_codes:
            self.items[header] = _ItemDraft(header, key, self._text_of(header),
                                            dimension=stem_of(header))

    def _text_of(self, header: str) -> str:
        key = normalise_label(header)
        if self.codebook and key in self.codebook.texts:
            return self.codebook.texts[key]
        label = self.columns[header].label if header in self.columns else None
        return label or header

    # -- roles, dimensions, reverse keying -----------------------------------------------------

    def roles(self) -> str | None:
        paired, _ = _pairs(list(self.items))
        if not paired:
            paired = self._letter_pairs()
        if not paired:
            return None
        role_names = {"performance": "perception"}
        keys = sorted({key for _, key in paired.values()},
                      key=lambda k: int(k[1:]) if k.startswith("#") else 10**6)
        ids = {key: f"A{index:02d}" for index, key in enumerate(keys, start=1)}
        for header, (role, key) in paired.items():
            item = self.items[header]
            item.role, item.pair = role_names.get(role, role), ids[key]
            if item.dimension and role_of(item.dimension):
                item.dimension = None      # the grid title "Harapan [...]" is the role
        kinds = {role for role, _ in paired.values()}
        satisfied = [h for h in self.items if h not in paired and _is_satisfaction(h)]
        for header in satisfied:    # "Kepuasan [...]": overall satisfaction beside the pairs
            self.items[header].role, self.items[header].dimension = "satisfaction", None
        if satisfied:
            self.decide("item", msg("init.satisfaction_items", count=len(satisfied)),
                        msg("init.satisfaction_choice"), msg("init.satisfaction_evidence"))
        dropped = [h for h in self.items if h not in paired and h not in satisfied]
        for header in dropped:
            self.fields[header] = ("other", "")
            self.unmapped.add(header)
            del self.items[header]
        self.decide("pair", msg("init.pairs", count=len(ids)),
                    msg("init.pairs_choice", kinds=[msg(f"init.role_{k}") for k in sorted(kinds)]),
                    msg("init.pairs_evidence", dropped=len(dropped)))
        return "ipa" if "importance" in kinds else "servqual"

    def reverse_keying(self) -> None:
        file_reversed = getattr(self, "reversed_by_file", {})
        codebook = self.codebook.reverse if self.codebook else {}
        for header, item in self.items.items():
            key = normalise_label(header)
            if key in codebook:
                item.reverse = codebook[key]
                if item.reverse:
                    self.decide("reverse", header, msg("init.reversed"),
                                msg("init.reversed_codebook"))
                continue
            if header in file_reversed:
                copy, total = file_reversed[header]
                item.reverse = True
                self.decide("reverse", header, msg("init.reversed"),
                            msg("init.reversed_copy", copy=copy, total=total, header=header))
                continue
            words = negative_wording(item.text) if item.text != header else []
            if words:
                item.reverse = True
                item.notes.append(msg("init.note_negative", words=list(words)))
                self.decide("reverse", header, msg("init.reversed_confirm"),
                            msg("init.negative_wording", words=list(words),
                                text=_shorten(item.text), rest=self._rest_correlation(header)))
        self._flag_negative_correlations()

    def _letter_pairs(self) -> dict[str, tuple[str, str]]:
        """Coded pairs: H1..Hk (harapan) with P1..Pk (persepsi), E with P, I (importance) with
        P (performance), when both groups hold the same numbers."""
        groups: dict[str, dict[str, str]] = {}
        for header, item in self.items.items():
            match = re.fullmatch(r"([A-Za-z])[._]?0*(\d+)", header.strip())
            if match and item.dimension:
                groups.setdefault(match.group(1).upper(), {})[match.group(2)] = header
        for first, second, role in (("H", "P", "expectation"), ("E", "P", "expectation"),
                                    ("I", "P", "importance")):
            if first in groups and second in groups and set(groups[first]) == set(
                    groups[second]) and len(groups[first]) >= 2:
                paired = {}
                for number, header in groups[first].items():
                    paired[header] = (role, f"#{number}")
                    paired[groups[second][number]] = (
                        "perception" if role == "expectation" else "performance", f"#{number}")
                for header in paired:
                    self.items[header].dimension = None
                partner = "perception" if role == "expectation" else "performance"
                self.decide("pair", f"{first}*/{second}*",
                            msg("init.letters_choice", first=first, second=second,
                                role=msg(f"init.role_{role}"),
                                partner=msg(f"init.role_{partner}")),
                            msg("init.letters_evidence", first=first, second=second,
                                n1=len(groups[first]), n2=len(groups[second])))
                return paired
        return {}

    def _rest_correlation(self, header: str) -> str:
        r = self._item_rest(header)
        return "" if r is None else msg("init.rest_as_written", r=r)

    def _item_rest(self, header: str) -> float | None:
        item = self.items[header]
        same = [h for h, i in self.items.items() if h != header and i.scale_key == item.scale_key
                and i.role == item.role and i.dimension == item.dimension]
        if len(same) < 2:
            return None
        scale = self.scales[item.scale_key]
        frame = pd.DataFrame({h: self._codes(h, scale) for h in [header, *same]})
        rest = frame[same].sum(axis=1, min_count=len(same))
        complete = frame[header].notna() & rest.notna()
        if complete.sum() < 5 or frame.loc[complete, header].std() == 0:
            return None
        return float(np.corrcoef(frame.loc[complete, header], rest[complete])[0, 1])

    def _codes(self, header: str, scale: Scale) -> pd.Series:
        """The column's answers as points (NaN when not a point), computed once per column."""
        cache: dict[str, pd.Series] = self.__dict__.setdefault("_coded", {})
        if header not in cache:
            cache[header] = self._code_column(header, scale)
        return cache[header]

    def _code_column(self, header: str, scale: Scale) -> pd.Series:
        """The run's coder (:func:`surveyq.coding.code_column`) with the drafted scale, so the
        evidence init gives is computed from the codes ``surveyq run`` will use."""
        missing = tuple(float(v) for v in self.raw.declared_missing.get(header, [])
                        if _as_number(v) is not None)
        rule = ItemRule(header, header, "draft", scale, False, missing)
        coded = code_column(rule, *self.raw.distinct_values(header))
        return pd.Series(coded.answers(), index=self.raw.frame.index)

    def _flag_negative_correlations(self) -> None:
        for header, item in self.items.items():
            if item.reverse:
                continue
            r = self._item_rest(header)
            if r is not None and r < -0.2:
                item.notes.append(msg("init.note_negative_r", r=r))
                self.decide("reverse", header, msg("init.not_reversed"),
                            msg("init.not_reversed_evidence", r=r))

    # -- respondent fields ------------------------------------------------------------------

    def respondent_fields(self) -> list[RespondentField]:
        """Fields for the recognised kinds and for columns with few categories.

        A timestamp (kept for the period), an e-mail address, and any other column with
        many different values (totals, scores, ids, diagnostics) is left unmapped: the cleaner
        logs it as ignored, and tabulating it as a respondent profile would say nothing.
        """
        result, used, unused = [], set(), []
        questions = [h for h, (kind, ident) in self.fields.items() if kind == "other"
                     and not ident and len(normalise_label(h).split()) >= 6]
        for header, (kind, ident) in self.fields.items():
            column = self.columns[header]
            kind = self._refine_kind(kind, column, header)
            if kind == "other" and (ident in ("timestamp", "contact") or header in self.unmapped
                                    or (len(set(column.texts)) > 12 and not column.value_labels)
                                    or (len(questions) > 10 and header in questions)):
                unused.append(header)
                continue
            ident = ident or _slug(header)
            base, number = ident, 2
            while ident in used:
                ident, number = f"{base}_{number}", number + 1
            used.add(ident)
            text_id, text_en = _FIELD_TEXT.get(base, (self._text_of(header),) * 2)
            result.append(RespondentField(
                id=ident, kind=kind, text=Text(id=text_id, en=text_en), column=header,
                categories=self._categories(kind, column)))
        if unused:
            shown = ", ".join(_shorten(h, 40) for h in unused[:8])
            more = msg("init.and_more", count=len(unused) - 8) if len(unused) > 8 else ""
            self.decide("field", msg("init.columns", count=len(unused)),
                        msg("init.unmapped_choice", shown=shown, more=more),
                        msg("init.unmapped_evidence"))
        return result

    def _refine_kind(self, kind: str, column: _Column, header: str) -> str:
        if kind == "age_band" and column.numbers is not None and not column.value_labels \
                and max(column.numbers) > 12:
            return "age"     # years, not band codes
        if kind == "id":
            distinct = len(set(column.texts))
            if distinct < len(column.texts):
                if self._repeats_are_resubmissions(header):
                    self.decide("field", header, msg("init.id_choice"),
                                msg("init.id_evidence", count=len(column.texts) - distinct))
                    return "id"
                self.decide("field", header, msg("init.not_id_choice"),
                            msg("init.not_id_evidence", count=len(column.texts) - distinct))
                return "other"
        if kind == "other" and column.numbers is None and column.texts:
            lengths = [len(t) for t in column.texts]
            if sum(lengths) / len(lengths) > 40 and len(set(column.texts)) > 0.8 * len(
                    column.texts) and header not in self.items:
                self.decide("field", header, msg("init.free_text_choice"),
                            msg("init.free_text_evidence"))
                return "suggestion"
        return kind

    def _repeats_are_resubmissions(self, header: str) -> bool:
        """Every repeated id has the same answers in the profile columns (gender, age ...)."""
        profile = [h for h, (kind, _) in self.fields.items()
                   if kind in ("gender", "age_band", "education", "occupation", "unit")]
        if not profile:
            return False
        frame = self.raw.frame[[header, *profile]].astype(str)
        repeated = frame[frame[header].duplicated(keep=False)]
        return bool(len(repeated)) and all(
            group[profile].nunique().max() == 1 for _, group in repeated.groupby(header))

    def _categories(self, kind: str, column: _Column) -> dict[str, Text]:
        distinct = column.distinct
        if column.value_labels or not distinct or len(distinct) > 12:
            return {}
        if kind == "gender" and all(normalise_label(v) in _GENDER for v in distinct):
            return {v: Text(id=_GENDER[normalise_label(v)][0], en=_GENDER[normalise_label(v)][1])
                    for v in sorted(distinct, key=lambda v: _GENDER[normalise_label(v)][1] !=
                                    "Male")}
        order = _natural_order(distinct, kind)
        if order is None:
            return {}
        return {v: Text(id=v, en=_english_category(v)) for v in order}


_TOTAL_WORDS = {"total", "jumlah", "skor", "score", "sum", "rata", "mean", "average", "nrr",
                "ikm", "indeks", "index"}


def _is_total(header: str, text: str) -> bool:
    """A computed column (total, mean, index) rather than a question."""
    words = set(normalise_label(f"{header} {text}").split())
    return bool(words & _TOTAL_WORDS)


def _natural_order(values: list[str], kind: str) -> list[str] | None:
    """Ordinal categories lowest first (age bands, schooling, years of service), else None."""
    if kind == "education":
        def rank(value: str) -> int:
            folded = normalise_label(value)
            hits = [i for i, level in enumerate(_EDUCATION_ORDER)
                    if re.search(rf"\b{level}\b", folded)]
            return max(hits) if hits else len(_EDUCATION_ORDER)
        return sorted(values, key=rank)
    numbers = [re.search(r"\d+", v) for v in values]
    if not all(numbers) or len(values) < 2:
        return None

    def key(value: str) -> tuple[float, int]:
        first = float(re.search(r"\d+", value).group())  # type: ignore[union-attr]
        below = value.strip().startswith("<")
        above = value.strip().startswith(">")
        return (first - 0.5 if below else first + 0.5 if above else first, 0)

    return sorted(values, key=key)


def _english_category(value: str) -> str:
    return re.sub(r"\btahun\b", "years", value, flags=re.IGNORECASE)


def _shorten(text: str, width: int = 80) -> str:
    return text if len(text) <= width else text[:width].rsplit(" ", 1)[0] + " ..."


def _slug(text: str) -> str:
    words = normalise_label(text).split()
    slug = "_".join(words[:4]) or "field"
    return slug if slug[0].isalpha() else f"f_{slug}"


# ------------------------------------------------------------------ assembling


def _infer_period(raw: RawTable, survey: _Survey) -> str | None:
    header = raw.timestamp_column or next(
        (h for h, (_, ident) in survey.fields.items() if ident == "timestamp"), None)
    if header is None:
        return None
    text = raw.frame[header].dropna().astype(str).str.replace(r"\s*GMT[+-]\d+$", "", regex=True)
    stamps = pd.to_datetime(text, errors="coerce", format="mixed")
    stamps = stamps.dropna()
    if stamps.empty:
        return None
    first, last = stamps.min(), stamps.max()
    period = str(first.year) if first.year == last.year else f"{first.year}-{last.year}"
    survey.decide("period", period, msg("init.period", period=period),
                  msg("init.period_evidence", first=f"{first:%Y-%m-%d}", last=f"{last:%Y-%m-%d}",
                      header=repr(header)))
    return period


def _survey_name(path: Path, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "survey"
    if base == "project":   # its questionnaire file <name>.yaml would overwrite project.yaml
        base = "project-export"
    name, number = base, 2
    while name in taken:
        name, number = f"{base}-{number}", number + 1
    return name


def _questionnaire(survey: _Survey, name: str, standard: StandardMatch | None,
                   kind: str) -> tuple[Questionnaire, str | None]:
    fields = survey.respondent_fields()
    title = Text(id=f"Kuesioner {name}", en=f"Questionnaire {name}")
    if standard is not None:
        shipped = load_questionnaire(standard.questionnaire)
        items = [item.model_copy(update={"column": standard.elements[item.element or item.id],
                                         "columns": [], "column_pattern": None})
                 for item in shipped.items if (item.element or item.id) in standard.elements]
        scales = _standard_aliases(survey, shipped, standard)
        q = shipped.model_copy(update={"id": name, "items": items, "fields": fields,
                                       "scales": scales, "path": None})
        return Questionnaire.model_validate(q.model_dump()), standard.questionnaire
    items, dimensions = [], {}
    ids = _item_ids(survey)
    _servqual_dimensions(survey)
    for header, draft in survey.items.items():
        if draft.dimension and len({d.dimension for d in survey.items.values()}) > 1:
            dimensions.setdefault(_slug(draft.dimension),
                                  Group(text=Text(id=draft.dimension, en=draft.dimension)))
        dimension = _slug(draft.dimension) if draft.dimension and dimensions else None
        if survey.codebook and normalise_label(header) in survey.codebook.dimensions:
            label = survey.codebook.dimensions[normalise_label(header)]
            dimension = _slug(label)
            dimensions.setdefault(dimension, Group(text=Text(id=label, en=label)))
        items.append(Item(id=ids[header], text=Text(id=draft.text, en=draft.text),
                          scale=draft.scale_key, column=header, reverse=draft.reverse,
                          role=draft.role, pair=draft.pair, dimension=dimension))
        if draft.notes:
            survey.notes[ids[header]] = draft.notes
    scales = {key: scale for key, scale in survey.scales.items()
              if any(i.scale == key for i in items)}
    q = Questionnaire(id=name, title=title, kind=kind, scales=scales,  # type: ignore[arg-type]
                      dimensions=dimensions, items=items, fields=fields)
    return q, None


def _standard_aliases(survey: _Survey, shipped: Questionnaire,
                      standard: StandardMatch) -> dict[str, Scale]:
    """The standard's scales, with the export's own spellings of their answers as aliases.

    An office form may word the options its own way ("Tidak Baik" ... "Sangat Baik" for every
    element, Kobo's ``sangat_sesuai``): a label read at the same point of a scale of the same
    length becomes an alias, unless that spelling already means another point.
    """
    scales = {key: scale.model_dump() for key, scale in shipped.scales.items()}
    added: dict[str, list[str]] = {}
    for item in shipped.items:
        header = standard.elements.get(item.element or item.id)
        fit = survey.fits.get(header) if header else None
        if fit is None:
            continue
        scale = shipped.scales[item.scale]
        if len(fit.points) != len(scale.points):
            survey.decide("scale", header, msg("init.standard_points", points=len(fit.points),
                                               scale=item.scale, standard=len(scale.points)),
                          msg("init.standard_points_evidence"))
            continue
        lookup = Scale.model_validate(scales[item.scale]).lookup()
        for label, code in fit.code_of.items():
            point = scale.points[code - 1]
            folded = normalise_label(label)
            if scale.code_for(label) is None and folded not in lookup:
                scales[item.scale]["aliases"].setdefault(point, []).append(label)
                lookup[folded] = point
                added.setdefault(item.scale, []).append(f"{label}={point}")
    for key, labels in added.items():
        survey.decide("scale", key, msg("init.aliases_added"), ", ".join(labels))
    return {key: Scale.model_validate(value) for key, value in scales.items()}


_SERVQUAL_DIMENSIONS = {
    "Tangibles": ("bukti fisik", "bukti langsung", "tangible", "tangibles", "berwujud"),
    "Reliability": ("keandalan", "kehandalan", "reliabilitas", "reliability"),
    "Responsiveness": ("daya tanggap", "ketanggapan", "responsiveness", "responsivitas"),
    "Assurance": ("jaminan", "assurance"),
    "Empathy": ("empati", "empathy", "kepedulian"),
}


def _servqual_dimensions(survey: _Survey) -> None:
    """A SERVQUAL dimension named in the header ("Harapan - Bukti fisik: ...") is kept."""
    found = {}
    for header in survey.items:
        folded = normalise_label(header)
        for dimension, words in _SERVQUAL_DIMENSIONS.items():
            if any(re.search(rf"\b{word}\b", folded) for word in words):
                found[header] = dimension
                break
    if len(set(found.values())) >= 2:
        for header, dimension in found.items():
            survey.items[header].dimension = dimension
        survey.decide("item", msg("init.dimensions"),
                      msg("init.dimensions_choice", dimensions=sorted(set(found.values()))),
                      msg("init.dimensions_evidence", found=len(found), total=len(survey.items)))


def _item_ids(survey: _Survey) -> dict[str, str]:
    """Short item ids: the header when it is a code (op1, X1.2), else E01/P01 or Q01."""
    ids: dict[str, str] = {}
    prefix = {"expectation": "E", "perception": "P", "importance": "I"}
    for number, (header, draft) in enumerate(survey.items.items(), start=1):
        if draft.pair:
            ident = prefix.get(draft.role, "Q") + draft.pair[1:]
        elif stem_of(header) and re.fullmatch(r"[\w.\-]+", header):
            ident = header
        else:
            ident = f"Q{number:02d}"
        while ident in ids.values() or ident in {f.id for f in []}:
            ident += "_"
        ids[header] = ident
    return ids


def _has(column: Any) -> Message:
    return msg("init.has_column" if column else "init.no_column")


def _survey_proposal(path: Path, name: str, codebook_path: str | None) -> SurveyProposal:
    raw = read_raw(path)
    headers = [str(h) for h in raw.frame.columns]
    codebook = None
    if codebook_path:
        try:
            codebook = read_codebook(codebook_path, headers)
        except InputError:
            codebook = None      # a codebook for another of the exports
    survey = _Survey(name, raw, codebook)
    survey.classify()
    if codebook_path and codebook is None:
        survey.decide("codebook", Path(codebook_path).name, msg("init.codebook_unused"),
                      msg("init.codebook_unused_evidence"))
    if codebook:
        matched = [h for h in survey.items if normalise_label(h) in codebook.texts]
        survey.decide("codebook", Path(codebook.file).name,
                      msg("init.codebook_texts", matched=len(matched), total=len(survey.items)),
                      msg("init.codebook_columns", reverse=_has(codebook.reverse),
                          dimension=_has(codebook.dimensions)))
    if not survey.items:
        raise InputError(msg("error.no_rating_items"), str(path))
    pair_kind = survey.roles()
    categorical = [h for h, (kind, ident) in survey.fields.items()
                   if kind == "other" and not ident and survey.columns[h].numbers is None
                   and 2 <= len(survey.columns[h].distinct) <= 6]
    standard = None if pair_kind else recognise_standard(list(survey.items), categorical)
    if standard:
        for header in standard.elements.values():
            survey.fields.pop(header, None)
        for header in survey.items:
            if header not in standard.elements.values():
                survey.fields[header] = ("other", "")
        survey.decide("standard", standard.questionnaire,
                      msg("init.standard_elements", count=len(standard.elements),
                          standard=standard.questionnaire),
                      joined([msg("init.element_match", code=code, header=repr(header),
                                  how=standard.how[code])
                              for code, header in standard.elements.items()]))
        kind, analyses = standard.standard, ["validity", "reliability", "ikm"]
    else:
        survey.reverse_keying()
        if pair_kind == "servqual":
            kind, analyses = "servqual", ["validity", "reliability", "servqual"]
            if any(i.role == "expectation" for i in survey.items.values()):
                analyses.append("ipa")
        elif pair_kind == "ipa":
            kind, analyses = "servqual", ["validity", "reliability", "ipa"]
        else:
            kind, analyses = "generic", ["validity", "reliability"]
    labels = [msg(f"problem.analysis_{analysis}") for analysis in analyses]
    survey.decide("kind", name, msg("init.kind", kind=kind, analyses=labels),
                  msg("init.kind_standard" if standard else
                      "init.kind_servqual" if pair_kind == "servqual" else
                      "init.kind_ipa" if pair_kind == "ipa" else "init.kind_generic"))
    period = _infer_period(raw, survey)
    q, based_on = _questionnaire(survey, name, standard, kind)
    survey.decide("population", name, msg("init.population"),
                  msg("init.population_evidence"))
    spec = SurveySpec(questionnaire=f"{name}.yaml", responses=str(path), analyses=analyses,
                      title=q.title)
    units = _units(survey, q, spec) if "ikm" in analyses else []
    return SurveyProposal(name, str(path), q, spec, survey.decisions, survey.notes, based_on,
                          period, units)


#: Units with fewer respondents are marked in a city-wide survey init proposes: the normal
#: (delta-method) interval of a unit's index rests on the central limit theorem, for which
#: about 30 respondents is the usual rule of thumb. The office may change it.
UNITS_MIN_N = 30


def _units(survey: _Survey, q: Questionnaire, spec: SurveySpec) -> list[str]:
    """The service units in the export's unit field (kind ``unit``), and the survey's
    ``units:`` section set up for them (issue 16); [] without a unit field."""
    unit = next((f for f in q.fields if f.kind == "unit"), None)
    if unit is None or unit.column not in survey.columns:
        return []
    names = survey.columns[unit.column].distinct
    spec.units = UnitsSpec(min_n=UNITS_MIN_N)
    survey.decide("units", unit.column,
                  msg("init.units", count=len(names), column=repr(unit.column)),
                  msg("init.units_evidence", min_n=UNITS_MIN_N,
                      examples=", ".join(names[:3]) + (", ..." if len(names) > 3 else "")))
    return names


def propose(paths: Sequence[str | Path], codebook: str | Path | None = None,
            organisation: str | None = None, language: str = "id") -> Proposal:
    """Infer a project proposal from raw exports: one survey and questionnaire per export.

    Parameters
    ----------
    paths : sequence of path
        Exports readable by :func:`surveyq.io.read_raw`.
    codebook : path, optional
        A codebook for the exports (one row per item: its column, text, and optionally
        reverse keying and dimension); used for every export whose columns it names.
    organisation : str, optional
        The organisation's name; a marked placeholder when not given.
    language : {"id", "en"}
        The project's report language.

    Returns
    -------
    Proposal
        ``project`` (a :class:`~surveyq.project.ProjectSpec` whose questionnaire paths are
        ``<survey>.yaml``), ``surveys`` with each questionnaire, and ``decisions``.

    Raises
    ------
    InputError
        An export cannot be read, or holds no rating items.
    """
    if not paths:
        raise InputError(msg("error.no_exports"))
    surveys: dict[str, SurveyProposal] = {}
    for path in paths:
        name = _survey_name(Path(path), set(surveys))
        surveys[name] = _survey_proposal(Path(path), name, str(codebook) if codebook else None)
    periods = sorted({s.period for s in surveys.values() if s.period})
    project = ProjectSpec(
        organisation=organisation or Text(id="TODO: nama instansi", en="TODO: organisation"),
        period=periods[-1] if periods else None, language=language,  # type: ignore[arg-type]
        surveys={name: s.spec for name, s in surveys.items()})
    return Proposal(project, surveys)
