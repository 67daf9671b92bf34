"""One language per document (issue 12): the Indonesian demo documents hold no English sentence.

The detector is general, not a list of today's strings: a sentence is English when enough of
its words are English function words ("the", "of", "is", "with"...) or carry English-only
spelling (-tion, -ness, -ly, -ed, "th", "wh"...), which Indonesian words do not. Terms a reader
expects in English (SPSS's table headers, method names, a journal's title) are allowed.
The detector is checked on the English report first, so a silent detector cannot pass.
"""

from __future__ import annotations

import json
import re
import string
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
import yaml
from docx import Document

from surveyq.demo import demo_project_path
from surveyq.pipeline import run_project
from surveyq.report import render_html

I18N = Path(__file__).resolve().parents[1] / "surveyq" / "report" / "i18n"

#: English function words (closed classes), none of which is an Indonesian word.
_FUNCTION_WORDS = """
the of and to in is are was were be been being with for on by as at from that this these those
it its an or not has have had which when where than then there their they we you your can may
must should will would if each every all any only more less below above between into over under
after before here does do did but so such because while also other same how what who whose why
about against during without within across among through he she his her our us them one two
three four five first second could shall yet both either neither nor per cent
"""
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())
#: Spellings English words have and Indonesian words do not (Indonesian writes -si, -if, -itas).
ENGLISH_SPELLING = re.compile(
    r"(?:tion|sion|ness|ment|ship|ity|ous|ive|able|ible|ful|less|ly|ed|ies|ce)$|th|wh|ph|ck|sh")
#: Terms a reader of an Indonesian report expects in English.
ALLOWED = (
    "Cronbach's Alpha if Item Deleted", "Cronbach's Alpha Based on Standardized Items",
    "Corrected Item-Total Correlation", "Squared Multiple Correlation",
    "Scale Mean if Item Deleted", "Scale Variance if Item Deleted", "Item-Total Statistics",
    "Reliability Statistics", "Cronbach's alpha", "Cronbach's Alpha", "N of Items",
    "Importance-Performance Analysis", "Customer Satisfaction Index", "SERVQUAL", "SERVPERF",
    "Balanced Scorecard", "Indo-Fintech Intellectuals: Journal of Economics and Business",
    "Front Office", "Back Office", "psych::alpha", "listwise", "pairwise", "bootstrap",
    "Google Forms", "Wilcoxon signed-rank", "Feldt", "Krejcie & Morgan", "UTF-8", "surveyq",
    # SPSS's own table headers (Factor Analysis, Regression), test names and SMART-C criteria.
    "Rotation Sums of Squared Loadings", "Extraction Sums of Squared Loadings",
    "Total Variance Explained", "Initial Eigenvalues", "% of Variance", "Cumulative %",
    "Std. Error of the Estimate", "Error of the Estimate", "Shapiro-Wilk", "shapiro.test",
    "Mann-Whitney", "koreksi ties", "SMART-C Specific", "SMART-C Measurable",
    "SMART-C Achievable", "SMART-C Relevant", "SMART-C Time-bound",
    # Kementerian Keuangan names its scorecard perspectives in English, and offices print them.
    "Learning and Growth", "Internal Process",
)
WORD = re.compile(r"(?<![\w'])[A-Za-z][A-Za-z']*(?![\w])")
SENTENCE_END = re.compile(r"(?<=[.;:!?])\s+|\n")


def without_allowed(text: str) -> str:
    for term in ALLOWED:
        text = re.sub(re.escape(term), " ", text, flags=re.IGNORECASE)
    return text


def english_words(sentence: str) -> tuple[int, int]:
    """(English-looking words, all words) of a sentence, allowed terms removed."""
    sentence = without_allowed(sentence)
    words = [w.lower().strip("'") for w in WORD.findall(sentence)]
    words = [w for w in words if len(w) > 1 or w == "a"]
    english = sum(w in FUNCTION_WORDS or bool(ENGLISH_SPELLING.search(w)) for w in words)
    return english, len(words)


def is_english(sentence: str) -> bool:
    """At least two English-looking words making up at least a third of the sentence."""
    english, total = english_words(sentence)
    return english >= 2 and english >= total / 3


def english_sentences(texts: list[str]) -> list[str]:
    found = []
    for text in texts:
        for sentence in SENTENCE_END.split(without_allowed(text)):
            if is_english(sentence.strip()):
                found.append(sentence.strip())
    return list(dict.fromkeys(found))


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.hidden += tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self.hidden and data.strip():
            self.parts.append(data.strip())


def html_texts(path: Path) -> list[str]:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.parts


def docx_texts(path: Path) -> list[str]:
    document = Document(str(path))
    texts = [p.text for p in document.paragraphs if p.text.strip()]
    for table in document.tables:
        texts += [cell.text for row in table.rows for cell in row.cells if cell.text.strip()]
    return texts


def xlsx_texts(path: Path) -> list[str]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    texts = list(workbook.sheetnames)
    for sheet in workbook:
        for row in sheet.iter_rows(values_only=True):
            texts += [v for v in row if isinstance(v, str) and v.strip()]
    return texts


@cache
def demo_documents(lang: str, folder: str) -> dict[str, list[str]]:
    out = Path(folder) / lang
    run_project(demo_project_path(), out=out, lang=lang)
    return {"report.html": html_texts(out / "report.html"),
            "appendix.docx": docx_texts(out / "appendix.docx"),
            "appendix.xlsx": xlsx_texts(out / "appendix.xlsx"),
            "cleaning-log.csv": (out / "cleaning-log.csv").read_text("utf-8").splitlines()[1:]}


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("language"))


def test_detector_finds_english_and_passes_indonesian():
    assert is_english("alpha if item deleted is undefined with 2 items (one item has no alpha)")
    assert is_english("Common practice; configurable.")
    assert is_english("Perspective weights summed to 1.2 and were normalised.")
    assert not is_english("Nilai IKM Survei Kepuasan Masyarakat adalah 82,09, mutu pelayanan B.")
    assert not is_english("Corrected Item-Total Correlation dan Cronbach's Alpha if Item Deleted")
    assert not is_english("Masing-masing unsur dinilai oleh responden yang menjawab")


def test_the_english_report_is_found_english(folder):
    """The detector is not silent: many sentences of the English documents are caught (titles
    and labels without function words are not, which is why the threshold is 40%)."""
    documents = demo_documents("en", folder)
    for name in ("report.html", "appendix.docx"):
        sentences = [s for t in documents[name] for s in SENTENCE_END.split(t)
                     if english_words(s)[1] >= 6]
        assert len(english_sentences(sentences)) > 0.4 * len(sentences), name


@pytest.mark.parametrize("name", ["report.html", "appendix.docx", "appendix.xlsx",
                                  "cleaning-log.csv"])
def test_indonesian_demo_documents_hold_no_english_sentence(folder, name):
    assert english_sentences(demo_documents("id", folder)[name]) == []


def _catalogue(lang: str) -> dict[str, str]:
    tree = yaml.safe_load((I18N / f"messages.{lang}.yaml").read_text("utf-8"))

    def flatten(node: dict, prefix: str = "") -> dict[str, str]:
        out = {}
        for key, value in node.items():
            out |= flatten(value, f"{prefix}{key}.") if isinstance(value, dict) \
                else {f"{prefix}{key}": value}
        return out
    return flatten(tree)


def test_catalogues_hold_the_same_codes_and_placeholders():
    english, indonesian = _catalogue("en"), _catalogue("id")
    assert english.keys() == indonesian.keys()
    fields = string.Formatter()
    for code, template in english.items():
        names = {f for _, f, _, _ in fields.parse(template) if f}
        # Indonesian may use a parameter's Indonesian twin (name -> name_id).
        twins = {f"{name}_id" for name in names}
        assert {f for _, f, _, _ in fields.parse(indonesian[code]) if f} <= names | twins, code


def test_catalogue_braces_are_placeholders_or_escaped():
    """A brace in a text (a YAML example such as `units: {files: ...}`) must be doubled:
    unescaped, str.format reads it as a placeholder and the message crashes at run time."""
    fields = string.Formatter()
    for lang in ("en", "id"):
        for code, template in _catalogue(lang).items():
            for _, name, spec, _ in fields.parse(template):
                if name is None:
                    continue
                assert name.isidentifier(), (lang, code, name)
                assert re.fullmatch(r"[<>=^+\-#0-9,._a-z%]*", spec or ""), (lang, code, spec)


def test_every_message_code_in_the_code_is_catalogued():
    """Every literal msg("...") code used under surveyq/ has an English template."""
    codes = set(_catalogue("en"))
    root = Path(__file__).resolve().parents[1] / "surveyq"
    used = {m for path in root.rglob("*.py")
            for m in re.findall(r"msg\(\"([a-z_.\-0-9]+)\"", path.read_text("utf-8"))}
    assert used - codes == set()


def test_results_json_read_back_renders_the_same_indonesian_report(folder):
    """results.json keeps English text plus message codes; a report rendered from the file
    read back is the one rendered from the run (the codes carry the translation)."""
    demo_documents("id", folder)  # writes the outputs
    out = Path(folder) / "id"
    results = json.loads((out / "results.json").read_text("utf-8"))
    assert render_html(results, "id") == (out / "report.html").read_text("utf-8")


def test_package_catalogues_parse_as_safe_load_does():
    """The catalogues are read with libyaml's parser when there is one; every file gives the
    same data, types and order as PyYAML's pure-Python safe_load."""
    from importlib import resources

    from surveyq.messages import load_package_yaml

    folder = resources.files("surveyq.report").joinpath("i18n")
    files = sorted(entry for entry in folder.iterdir() if entry.name.endswith(".yaml"))
    assert len(files) >= 8
    for entry in files:
        text = entry.read_text("utf-8")
        assert repr(load_package_yaml(text)) == repr(yaml.safe_load(text)), entry.name


def test_results_are_localised_once_per_language():
    # the report and the appendix tables are given one localised copy: localising it again
    # in its own language returns it as it is; another language walks the original again
    from surveyq.messages import localise_results, msg, translate

    results = {"note": msg("factor.ml_not_converged"), "rows": [{"why": msg("log.none")}]}
    indonesian = localise_results(results, "id")
    assert indonesian == {"note": "estimasi maximum likelihood tidak konvergen; reliabilitas "
                                  "komposit dan AVE hanya perkiraan",
                          "rows": [{"why": translate(msg("log.none"), "id")}]}
    assert localise_results(indonesian, "id") is indonesian
    english = localise_results(results, "en")
    assert english["note"].startswith("the maximum-likelihood fit did not converge")
    assert localise_results(english, "id") is not english
