"""Recognise the answer scale of a column from the labels respondents chose.

A label is read as an intensity on one adjective: ``"Sangat Tidak Setuju"`` is the adjective
*setuju* with the modifiers *sangat tidak*. Every Indonesian and English Likert family used in
questionnaires (setuju, puas, baik, penting, sesuai, mudah, cepat ...; agree, satisfied, good,
important ...) follows this pattern, so one reading serves them all::

    sangat tidak A / sangat B   -3      strongly disagree, very dissatisfied, very poor
    tidak A / B                 -2      disagree, dissatisfied, poor
    kurang A, agak tidak A      -1      somewhat disagree
    netral, ragu-ragu, cukup A   0      neutral, neither ... nor ..., fair
    agak A                      +1      somewhat agree
    A                           +2      agree, satisfied, good
    sangat A                    +3      strongly agree, very satisfied, very good

(A is the adjective, B its antonym: buruk for baik, sulit for mudah, lambat for cepat.)
The observed intensities are then fitted to the smallest standard layout that holds them
(4-point with or without "kurang", 5-point, 7-point, or a 2-point yes/no pair), so a label no
respondent chose still gets its point. Words are folded (case, accents, punctuation) and
misspellings are corrected against the known vocabulary with :func:`difflib.get_close_matches`
(ratio >= 0.8), so ``"sangat stuju"`` and ``"SANGAT  SETUJU"`` read as *sangat setuju*.

Example
-------
>>> fit = match_labels(["Sangat Setuju", "setuju", "Tidak setuju", "sangat tdk stuju"])
>>> fit.family, fit.points, fit.code_of["sangat tdk stuju"]
('setuju', [1, 2, 3, 4], 1)
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from surveyq.questionnaire import normalise_label

#: adjective -> (English adjective, antonyms that read as "tidak A").
ADJECTIVES: dict[str, tuple[str, tuple[str, ...]]] = {
    "setuju": ("agree", ()),
    "puas": ("satisfied", ()),
    "memuaskan": ("satisfactory", ()),
    "baik": ("good", ("buruk", "jelek")),
    "bagus": ("good", ("jelek",)),
    "penting": ("important", ()),
    "sesuai": ("appropriate", ()),
    "mudah": ("easy", ("sulit", "sukar")),
    "cepat": ("fast", ("lambat",)),
    "jelas": ("clear", ()),
    "nyaman": ("comfortable", ()),
    "aman": ("safe", ()),
    "mampu": ("capable", ()),
    "kompeten": ("competent", ()),
    "adil": ("fair", ()),
    "wajar": ("reasonable", ()),
    "disiplin": ("disciplined", ()),
    "tepat": ("on time", ()),
    "ramah": ("friendly", ()),
    "sopan": ("polite", ()),
    "bermanfaat": ("useful", ()),
    "efektif": ("effective", ()),
    "lengkap": ("complete", ()),
    "mengerti": ("understood", ()),
    "paham": ("understood", ()),
    "yakin": ("confident", ()),
    "suka": ("like", ()),
    "senang": ("pleased", ()),
    "tanggap": ("responsive", ()),
    "profesional": ("professional", ()),
    "responsif": ("responsive", ()),
    "transparan": ("transparent", ()),
    "terjangkau": ("affordable", ()),
    "bersih": ("clean", ("kotor",)),
    "setuju sekali": ("agree", ()),
}
#: English adjective -> (Indonesian adjective, antonyms read as "not A").
ENGLISH: dict[str, tuple[str, tuple[str, ...]]] = {
    "agree": ("setuju", ("disagree",)),
    "satisfied": ("puas", ("dissatisfied", "unsatisfied")),
    "good": ("baik", ("poor", "bad")),
    "important": ("penting", ("unimportant",)),
    "easy": ("mudah", ("difficult", "hard")),
    "fast": ("cepat", ("slow",)),
    "clear": ("jelas", ("unclear",)),
    "likely": ("mungkin", ("unlikely",)),
    "appropriate": ("sesuai", ("inappropriate",)),
    "useful": ("bermanfaat", ("useless",)),
    "comfortable": ("nyaman", ("uncomfortable",)),
    "safe": ("aman", ("unsafe",)),
    "helpful": ("membantu", ("unhelpful",)),
}
_ID_MODIFIERS = {"sangat": "very", "amat": "very", "sekali": "very", "tidak": "not", "tak": "not",
                 "kurang": "less", "agak": "somewhat", "cukup": "fairly", "sedikit": "somewhat"}
_EN_MODIFIERS = {"very": "very", "strongly": "very", "extremely": "very", "completely": "very",
                 "totally": "very", "not": "not", "somewhat": "somewhat", "slightly": "somewhat",
                 "moderately": "fairly", "fairly": "fairly", "quite": "fairly", "rather": "fairly",
                 "at": "", "all": "all"}
_ABBREVIATIONS = {"tdk": "tidak", "tdak": "tidak", "sgt": "sangat", "sngt": "sangat",
                  "sgat": "sangat", "krg": "kurang", "kurg": "kurang", "ckp": "cukup"}
#: Whole labels that mean the middle of a scale.
_NEUTRAL = {"netral", "ragu ragu", "ragu", "biasa", "biasa saja", "sedang", "cukup", "normal",
            "neutral", "neither agree nor disagree", "neither", "undecided", "not sure",
            "tidak tahu", "average", "fair", "moderate", "ok", "okay", "n", "rr", "rg", "ks",
            "kurang setuju", "cukup setuju", "antara setuju dan tidak setuju"}
#: Abbreviated agreement scales as printed on Indonesian forms (STS ... SS).
_AGREE_ABBREVIATIONS = {"sts": -3, "ts": -2, "n": 0, "rr": 0, "rg": 0, "ks": 0, "s": 2, "st": 2,
                        "ss": 3}
#: Frequency scales are ordered words, not an adjective with modifiers.
_FREQUENCY = {
    "tidak pernah": -3, "hampir tidak pernah": -2, "jarang": -2, "kadang kadang": 0,
    "kadang": 0, "terkadang": 0, "cukup sering": 1, "sering": 2, "sangat sering": 3, "selalu": 3,
    "never": -3, "almost never": -2, "rarely": -2, "seldom": -2, "sometimes": 0,
    "fairly often": 1, "often": 2, "very often": 3, "always": 3,
}
#: Layouts: intensities of each point, lowest first. Order = preference on ties.
LAYOUTS: dict[str, tuple[int, ...]] = {
    "2": (-2, 2),
    "4-kurang": (-2, -1, 2, 3),     # Tidak, Kurang, A, Sangat A (the SKM/IKM layout)
    "4": (-3, -2, 2, 3),            # Sangat tidak, Tidak, A, Sangat A (agreement without neutral)
    "4-cukup": (-2, 0, 2, 3),       # Buruk, Cukup, Baik, Sangat baik (SKM facilities)
    "4-kurang-cukup": (-1, 0, 2, 3),  # Kurang puas, Cukup puas, Puas, Sangat puas
    "5-kurang": (-2, -1, 0, 2, 3),
    "5": (-3, -2, 0, 2, 3),
    "7": (-3, -2, -1, 0, 1, 2, 3),
}
_ID_TEMPLATE = {-3: "Sangat tidak {a}", -2: "Tidak {a}", -1: "Kurang {a}", 0: "Cukup {a}",
                1: "Agak {a}", 2: "{A}", 3: "Sangat {a}"}
_EN_TEMPLATE = {-3: "Very {neg}", -2: "{Neg}", -1: "Less {a}", 0: "Neutral",
                1: "Somewhat {a}", 2: "{A}", 3: "Very {a}"}
_EN_AGREE = {-3: "Strongly disagree", -2: "Disagree", -1: "Somewhat disagree", 0: "Neutral",
             1: "Somewhat agree", 2: "Agree", 3: "Strongly agree"}
_ID_FREQ = {-3: "Tidak pernah", -2: "Jarang", -1: "Kadang-kadang", 0: "Kadang-kadang",
            1: "Cukup sering", 2: "Sering", 3: "Selalu"}
_EN_FREQ = {-3: "Never", -2: "Rarely", -1: "Sometimes", 0: "Sometimes", 1: "Fairly often",
            2: "Often", 3: "Always"}
_VOCABULARY = sorted({*ADJECTIVES, *(a for _, ants in ADJECTIVES.values() for a in ants),
                      *_ID_MODIFIERS, *ENGLISH, *(a for _, ants in ENGLISH.values() for a in ants),
                      *_EN_MODIFIERS, "pernah", "jarang", "sering", "selalu", "kadang",
                      "terkadang", "netral", "ragu", "biasa", "never", "rarely", "often",
                      "always", "sometimes", "neutral", "excellent", "poor", "fair"})


@dataclass(frozen=True)
class Reading:
    """One label read as an intensity on a family's adjective."""

    label: str
    family: str          # the Indonesian adjective ("setuju"), or "frequency"
    intensity: int       # -3 ... +3
    language: str        # "id" or "en"
    corrected: bool = False   # a misspelling was corrected


@dataclass(frozen=True)
class ScaleFit:
    """The scale a set of labels fits: points, labels per language, and what each label means.

    ``code_of`` maps every observed label (as written) to its point; ``layout`` names the
    layout (:data:`LAYOUTS`); ``ambiguous`` is set when another layout held the labels too.
    """

    family: str
    layout: str
    points: list[int]
    labels: dict[str, list[str]]
    code_of: dict[str, int]
    aliases: dict[int, list[str]] = field(default_factory=dict)
    ambiguous: str | None = None
    corrected: tuple[str, ...] = ()


def _fold(label: str) -> str:
    return normalise_label(str(label).replace("_", " "))


def _correct(token: str) -> tuple[str, bool]:
    if token in _ABBREVIATIONS:
        return _ABBREVIATIONS[token], False
    if token in _VOCABULARY or len(token) < 4:
        return token, False
    close = difflib.get_close_matches(token, _VOCABULARY, n=1, cutoff=0.8)
    return (close[0], True) if close else (token, False)


def read_label(label: str) -> Reading | None:
    """Read one answer label, or None when it is no Likert label.

    >>> read_label("Sangat Tidak Puas")
    Reading(label='Sangat Tidak Puas', family='puas', intensity=-3, language='id', corrected=False)
    >>> read_label("strongly DISAGREE").intensity
    -3
    >>> read_label("Laki-laki") is None
    True
    """
    folded = _fold(label)
    if not folded:
        return None
    if folded in _FREQUENCY:
        english = folded.split()[0] in {"never", "almost", "rarely", "seldom", "sometimes",
                                         "fairly", "often", "very", "always"}
        return Reading(label, "frequency", _FREQUENCY[folded], "en" if english else "id")
    corrected_any = False
    tokens = []
    for token in folded.split():
        fixed, corrected = _correct(token)
        corrected_any |= corrected
        tokens.append(fixed)
    text = " ".join(tokens)
    if text in _FREQUENCY:
        return Reading(label, "frequency", _FREQUENCY[text], "id", corrected_any)
    return _read_id(label, tokens, corrected_any) or _read_en(label, tokens, corrected_any)


def _read_id(label: str, tokens: list[str], corrected: bool) -> Reading | None:
    modifiers = [t for t in tokens if t in _ID_MODIFIERS]
    words = [t for t in tokens if t not in _ID_MODIFIERS and t not in {"dan", "&"}]
    family, negated = None, False
    for word in words:
        if word in ADJECTIVES:
            family = word
            break
        for adjective, (_, antonyms) in ADJECTIVES.items():
            if word in antonyms:
                family, negated = adjective, True
                break
        if family:
            break
    if family is None:
        if " ".join(tokens) in _NEUTRAL:
            return Reading(label, "", 0, "id", corrected)
        return None
    if any(w not in ADJECTIVES and not _is_antonym(w) for w in words):
        return None   # "sesuai jadwal", "puas dengan ..." are sentences, not scale labels
    very = "sangat" in modifiers or "amat" in modifiers or "sekali" in modifiers
    if negated or "tidak" in modifiers or "tak" in modifiers:
        intensity = -3 if very else (-1 if "agak" in modifiers else -2)
    elif "kurang" in modifiers:
        intensity = -1
    elif "cukup" in modifiers:
        intensity = 0
    elif "agak" in modifiers or "sedikit" in modifiers:
        intensity = 1
    else:
        intensity = 3 if very else 2
    return Reading(label, family, intensity, "id", corrected)


def _is_antonym(word: str) -> bool:
    return any(word in antonyms for _, antonyms in ADJECTIVES.values())


def _read_en(label: str, tokens: list[str], corrected: bool) -> Reading | None:
    text = " ".join(tokens)
    if text in _NEUTRAL:
        return Reading(label, "", 0, "en", corrected)
    if text == "excellent":
        return Reading(label, "baik", 3, "en", corrected)
    modifiers = [t for t in tokens if t in _EN_MODIFIERS]
    words = [t for t in tokens if t not in _EN_MODIFIERS]
    if len(words) != 1:
        return None
    word = words[0]
    family, negated = None, False
    for adjective, (indonesian, antonyms) in ENGLISH.items():
        if word == adjective:
            family = indonesian
        elif word in antonyms:
            family, negated = indonesian, True
        if family:
            break
    if family is None:
        return None
    very = "very" in [_EN_MODIFIERS[m] for m in modifiers]
    if "all" in modifiers and "not" in modifiers:
        intensity = -3
    elif negated or "not" in modifiers:
        intensity = -1 if "somewhat" in [_EN_MODIFIERS[m] for m in modifiers] else (
            -3 if very else -2)
    elif "fairly" in [_EN_MODIFIERS[m] for m in modifiers]:
        intensity = 0
    elif "somewhat" in [_EN_MODIFIERS[m] for m in modifiers]:
        intensity = 1
    else:
        intensity = 3 if very else 2
    return Reading(label, family, intensity, "en", corrected)


def read_labels(labels: Iterable[str]) -> list[Reading] | None:
    """Read every label of one column; None unless all are labels of one family."""
    values = [str(v) for v in labels]
    folded = {_fold(v) for v in values}
    if folded and folded <= set(_AGREE_ABBREVIATIONS) and len(folded) >= 2:
        return [Reading(v, "setuju", _AGREE_ABBREVIATIONS[_fold(v)], "id") for v in values]
    readings = [read_label(v) for v in values]
    if not readings or any(r is None for r in readings):
        return None
    families = {r.family for r in readings if r and r.family}
    if len(families) != 1:
        return None
    family = families.pop()
    return [Reading(r.label, family, r.intensity, r.language, r.corrected)
            for r in readings if r is not None]


def fit_layout(intensities: set[int], family: str) -> tuple[str, str | None]:
    """The smallest layout holding the intensities, and a rival layout that also held them.

    Agreement prefers the layout without "kurang" (Sangat tidak setuju ... Sangat setuju);
    the other families prefer the SKM layout (Tidak, Kurang, A, Sangat A). A middle answer
    ("Cukup penting", "Netral") seen with fewer than four different answers points to a
    5-point form whose lowest options nobody chose, so no 4-point layout is tried. The rival
    is a layout of the same length or one more point that also holds the answers.
    """
    if intensities == {-2, 2}:
        return "2", None
    order = ["4", "4-kurang", "5", "5-kurang", "7"] if family in ("setuju", "frequency") else [
        "4-kurang", "4", "4-cukup", "4-kurang-cukup", "5-kurang", "5", "7"]
    if 0 in intensities and len(intensities) < 4:
        order = [name for name in order if len(LAYOUTS[name]) > 4]
    fitting = [name for name in order if intensities <= set(LAYOUTS[name])]
    if not fitting:
        return "7", None
    best = fitting[0]
    rivals = [n for n in fitting[1:] if len(LAYOUTS[n]) in (len(LAYOUTS[best]),
                                                            len(LAYOUTS[best]) + 1)]
    return best, (rivals[0] if rivals else None)


def match_labels(labels: Iterable[str]) -> ScaleFit | None:
    """Fit the labels of one column (or of several pooled columns) to a scale.

    Returns None when the labels are not one Likert family (categories such as
    "Laki-laki"/"Perempuan", "Ya"/"Tidak", free text).
    """
    distinct = list(dict.fromkeys(str(v).strip() for v in labels if str(v).strip()))
    readings = read_labels(distinct)
    if not readings or len({r.intensity for r in readings}) < 2:
        return None
    family = readings[0].family
    layout, rival = fit_layout({r.intensity for r in readings}, family)
    intensities = LAYOUTS[layout]
    points = list(range(1, len(intensities) + 1))
    code_of = {r.label: intensities.index(r.intensity) + 1 for r in readings
               if r.intensity in intensities}
    language = "en" if sum(r.language == "en" for r in readings) > len(readings) / 2 else "id"
    labels_by_lang = _canonical_labels(family, intensities)
    chosen: dict[int, str] = {}
    aliases: dict[int, list[str]] = {}
    for reading in readings:
        point = code_of[reading.label]
        if point not in chosen and not reading.corrected:
            chosen[point] = reading.label
    for point, label in chosen.items():
        labels_by_lang[language][point - 1] = label
    used = {_fold(label) for lang in labels_by_lang.values() for label in lang}
    for reading in readings:
        if _fold(reading.label) not in used:
            aliases.setdefault(code_of[reading.label], []).append(reading.label)
            used.add(_fold(reading.label))
    return ScaleFit(family, layout, points, labels_by_lang, code_of, aliases,
                    ambiguous=rival,
                    corrected=tuple(r.label for r in readings if r.corrected))


def _canonical_labels(family: str, intensities: tuple[int, ...]) -> dict[str, list[str]]:
    if family == "frequency":
        return {"id": [_ID_FREQ[i] for i in intensities], "en": [_EN_FREQ[i] for i in intensities]}
    english = ADJECTIVES.get(family, (family, ()))[0]
    if family == "setuju":
        en = [_EN_AGREE[i] for i in intensities]
    else:
        negative = f"not {english}"
        en = [_EN_TEMPLATE[i].format(a=english, A=english.capitalize(), neg=negative,
                                     Neg=negative.capitalize()) for i in intensities]
        en = [label.replace("Very not", "Not at all") for label in en]
    indonesian = [_ID_TEMPLATE[i].format(a=family, A=family.capitalize()) for i in intensities]
    if family == "setuju":
        indonesian = [("Netral" if i == 0 else label) for i, label in zip(intensities, indonesian,
                                                                         strict=True)]
    if len(intensities) == 2:
        indonesian = [f"Tidak {family}", family.capitalize()]
        en = [f"Not {english}", english.capitalize()] if family != "setuju" else [
            "Disagree", "Agree"]
    return {"id": indonesian, "en": en}


#: Labels for numeric codes, by number of points (the usual agreement wording).
CODE_LABELS = {
    4: {"id": ["Sangat Tidak Setuju", "Tidak Setuju", "Setuju", "Sangat Setuju"],
        "en": ["Strongly disagree", "Disagree", "Agree", "Strongly agree"]},
    5: {"id": ["Sangat Tidak Setuju", "Tidak Setuju", "Netral", "Setuju", "Sangat Setuju"],
        "en": ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]},
    7: {"id": ["Sangat tidak setuju", "Tidak setuju", "Agak tidak setuju", "Netral",
               "Agak setuju", "Setuju", "Sangat setuju"],
        "en": ["Strongly disagree", "Disagree", "Somewhat disagree", "Neutral",
               "Somewhat agree", "Agree", "Strongly agree"]},
}

_ANSWER_CODE = re.compile(r"^\s*A0*(\d{1,2})\s*$", re.IGNORECASE)


def answer_code(value: str) -> int | None:
    """The number of a LimeSurvey answer code (``"A3"`` -> 3), else None.

    >>> answer_code("A3"), answer_code("a05"), answer_code("Ya")
    (3, 5, None)
    """
    match = _ANSWER_CODE.match(str(value))
    return int(match.group(1)) if match else None
