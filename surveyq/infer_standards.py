"""Recognise the standard public-service questionnaires from their question texts.

Two standards are recognised: the 9 elements (unsur) of PermenPAN-RB 14/2017 (SKM) and the
14 of KEP/25/M.PAN/2/2004 (IKM). Offices reword the questions ("Bagaimana pendapat Saudara
tentang kesesuaian persyaratan ...", "Persyaratan pelayanan mudah dipenuhi", "U1"), so a
header is matched by meaning: keyword rules on the folded text, where an Indonesian word
matches with its usual affixes (*ke-sesuai-an*, *per-syarat-an*, *ke-cepat-an*) and the
element named first wins, and failing a keyword, the :func:`difflib.SequenceMatcher` ratio
against the shipped questionnaire's question and element texts. The rules are checked against
question wordings collected from published SKM/IKM forms (tests/data/standard-wordings.csv).

Example
-------
>>> element_of("Bagaimana pendapat Saudara tentang kecepatan waktu pelayanan?", "skm")
('U3', 'keyword')
>>> element_of("Kenyamanan lingkungan unit pelayanan", "ikm")
('U13', 'keyword')
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from surveyq.messages import msg
from surveyq.questionnaire import Questionnaire, load_questionnaire, normalise_label

#: Shipped questionnaire id of each recognised standard.
STANDARDS = {"skm": "skm-permenpanrb-14-2017", "ikm": "ikm-kep25-2004"}

# Each element: alternatives, each a list of stems that must all occur (affixes allowed).
_RULES: dict[str, dict[str, list[list[str]]]] = {
    "skm": {
        "U1": [["syarat"]],
        "U2": [["prosedur"], ["mekanisme"], ["alur"], ["tata", "cara"]],
        "U3": [["waktu"], ["cepat"], ["lama", "selesai"]],
        "U4": [["biaya"], ["tarif"]],
        "U5": [["produk"], ["spesifikasi"], ["hasil", "layan"]],
        "U6": [["kompeten"], ["kompetensi"], ["mampu"], ["keahlian"], ["terampil"]],
        "U7": [["perilaku"], ["sopan"], ["ramah"], ["sikap", "petugas"]],
        "U8": [["pengaduan"], ["aduan"], ["saran"], ["masukan"], ["keluhan"]],
        "U9": [["sarana"], ["prasarana"], ["fasilitas"]],
    },
    "ikm": {
        "U1": [["prosedur"], ["alur"], ["tahapan"]],
        "U2": [["syarat"]],
        "U3": [["jelas", "petugas"], ["kepastian", "petugas"], ["keberadaan", "petugas"]],
        "U4": [["disiplin"]],
        "U5": [["tanggung", "jawab"], ["tanggungjawab"]],
        "U6": [["mampu"], ["kemampuan"], ["keahlian"], ["terampil"]],
        "U7": [["cepat"], ["kecepatan"]],
        "U8": [["adil"], ["keadilan"], ["diskriminasi"], ["membedakan"]],
        "U9": [["sopan"], ["ramah"]],
        "U10": [["wajar", "biaya"], ["kewajaran"], ["wajar"]],
        "U11": [["biaya", "dibayar"], ["kepastian", "biaya"], ["biaya", "ditetapkan"],
                ["sesuai", "biaya"]],
        "U12": [["jadwal"]],
        "U13": [["nyaman"], ["kenyamanan"], ["bersih", "lingkungan"], ["lingkungan"]],
        "U14": [["aman"], ["keamanan"]],
    },
}
# Elements whose rules overlap: a more specific element wins when both match.
_PRECEDENCE = {"ikm": ["U11", "U10", "U3", "U12", "U9", "U8", "U5", "U13", "U14", "U1", "U2",
                       "U4", "U6", "U7"],
               "skm": ["U8", "U9", "U4", "U1", "U2", "U5", "U6", "U7", "U3"]}
_PREFIXES = "(?:ke|pe|per|pen|pem|peng|ber|me|mem|men|meng|di|ter)?"
_SUFFIXES = "(?:an|nya|kan|i|annya)?"
FUZZY_CUTOFF = 0.75


@dataclass(frozen=True)
class StandardMatch:
    """Columns matched to a standard's elements, and how well the standard fits."""

    standard: str                    # "skm" or "ikm"
    questionnaire: str               # shipped id
    elements: dict[str, str]         # element code -> column header
    how: dict[str, str]              # element code -> "header code", "keyword" or "similar 0.82"
    coverage: float                  # elements matched / elements of the standard


def _stem_at(text: str, stem: str) -> int | None:
    match = re.search(rf"\b{_PREFIXES}{re.escape(stem)}{_SUFFIXES}\b", text)
    return match.start() if match else None


def _rule_at(text: str, rule: list[str]) -> int | None:
    """Where a rule is complete in the text (its last stem), or None."""
    places = [_stem_at(text, stem) for stem in rule]
    return None if any(p is None for p in places) else max(p for p in places if p is not None)


@lru_cache(maxsize=4)
def _shipped(standard: str) -> Questionnaire:
    return load_questionnaire(STANDARDS[standard])


def _references(standard: str) -> dict[str, list[str]]:
    q = _shipped(standard)
    refs: dict[str, list[str]] = {}
    for item in q.items:
        texts = [item.text.id, q.elements[item.element or item.id].text.id,
                 *[c for c in item.columns if not c.lower().startswith("unsur")]]
        refs[item.element or item.id] = [normalise_label(t) for t in texts]
    return refs


def header_code(header: str) -> str | None:
    """``"U3"``, ``"Unsur 3"``, ``"U 3"``, ``"U03"`` -> ``"U3"``; else None."""
    match = re.fullmatch(r"\s*(?:u|unsur)\s*0*(\d{1,2})\s*", str(header), re.IGNORECASE)
    return f"U{int(match.group(1))}" if match else None


def element_of(text: str, standard: str) -> tuple[str | None, str]:
    """The element a question text measures under ``standard``, and how it was decided."""
    folded = normalise_label(text)
    hits = []
    for rank, code in enumerate(_PRECEDENCE[standard]):
        places = [p for rule in _RULES[standard][code] if (p := _rule_at(folded, rule)) is not None]
        if places:
            hits.append((min(places), rank, code))
    if hits:
        # the element named first wins ("Keamanan pelayanan, yaitu ... lingkungan"); on a
        # tie, the more specific element
        return min(hits)[2], msg("init.how_keyword")
    best, score = None, 0.0
    for code, refs in _references(standard).items():
        for ref in refs:
            ratio = difflib.SequenceMatcher(None, folded, ref).ratio()
            if ratio > score:
                best, score = code, ratio
    if score >= FUZZY_CUTOFF:
        return best, msg("init.how_similar", score=score)
    return None, msg("init.how_none", best=best, score=score)


def match_standard(headers: list[str], standard: str) -> StandardMatch:
    """Assign rating-column headers to the elements of ``standard`` (each at most once)."""
    elements: dict[str, str] = {}
    how: dict[str, str] = {}
    element_codes = {item.element or item.id for item in _shipped(standard).items}
    worded = []
    for header in headers:      # coded headers first: "U3" is element U3 whatever else is there
        code = header_code(header)
        if code in element_codes and code not in elements:
            elements[code], how[code] = header, msg("init.how_header_code")
        elif code is None:
            worded.append(header)
    for header in worded:
        code, reason = element_of(header, standard)
        if code and code not in elements:
            elements[code], how[code] = header, reason
    return StandardMatch(standard, STANDARDS[standard], elements, how,
                         len(elements) / len(element_codes))


def recognise_standard(headers: list[str], extra: Sequence[str] = ()) -> StandardMatch | None:
    """The standard the rating columns follow, or None.

    A standard is recognised when at least 7 of its elements are found and the number of
    rating columns is within two of its element count; the closer count wins a tie
    (``U1``..``U14`` also holds ``U1``..``U9``). ``extra`` are answer columns whose labels
    are no Likert family (the SKM cost options "Sangat mahal ... Gratis"): they count when
    their question names an element.
    """
    fits = []
    for standard in STANDARDS:
        match = match_standard([*headers, *extra], standard)
        size = len(_RULES[standard])
        rating = len(headers) + sum(h in match.elements.values() for h in extra)
        if len(match.elements) >= 7 and abs(rating - size) <= 2:
            fits.append((match.coverage - abs(len(headers) - size) / size, match))
    if not fits:
        return None
    return max(fits, key=lambda fit: fit[0])[1]
