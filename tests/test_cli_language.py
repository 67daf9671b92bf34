"""The terminal speaks the chosen language (issue 12 item 1).

The hostile inputs of tests/test_hostile_battery.py are run with ``--lang id`` and
``--lang en``: every ``Error:`` line, every line of ``surveyq check`` and every cleaning-log
message must read as Indonesian to the general English detector of tests/test_language.py
under ``id``, and the error lines as English under ``en`` (so a silent detector cannot pass).
``surveyq init --lang id`` prints its decisions and writes its YAML comments in Indonesian.
Nothing here lists today's sentences: the detector judges whatever the code prints.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from test_hostile_battery import CASES, cli_args, invoke
from test_language import english_sentences, is_english

from surveyq.messages import catalogue

FIXTURES = Path(__file__).parent / "fixtures"
#: What the operating system or a library says in its own words inside a line (an errno
#: text; a parser's message, which the Indonesian line marks "keterangan teknis"): not
#: surveyq's sentences, so not judged.
FOREIGN = re.compile(r"\[Errno \d+\][^;)]*|No such file or directory|Permission denied"
                     r"|Not a directory|Is a directory|keterangan teknis: .*?\)(?=;|\.|$)")


def _run(folder: Path, name: str, lang: str, command: str = "run") -> tuple[int, str]:
    spec = CASES[name]
    project, extra = cli_args(folder, spec.build(folder))
    if command == "run" and "--out" not in extra:
        extra = [*extra, "--out", str(folder / "out")]
    if command == "check":
        extra = []
    code, output = invoke([command, str(project), *extra, "--lang", lang])
    # paths of the temporary folder hold English-looking words (pytest-of-root): not text
    return code, FOREIGN.sub(" ", output.replace(str(folder), "<folder>"))


def _prose(line: str) -> str:
    """The line without its identifiers (paths, key paths, quoted values, `code`), which
    are neither language: what is left is the sentence the detector judges."""
    return re.sub(r"\S*[/._`'=\[\]{}<>]\S*", " ", line)


def _one_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    return lines[0]


EXIT_2 = sorted(name for name, case in CASES.items() if case.code == 2)
EXIT_0 = sorted(name for name, case in CASES.items() if case.code in (0, 1))


@pytest.mark.parametrize("name", EXIT_2)
def test_error_lines_speak_the_chosen_language(tmp_path, name):
    (tmp_path / "id").mkdir()
    (tmp_path / "en").mkdir()
    code, output = _run(tmp_path / "id", name, "id")
    assert code == 2, output
    line = _one_line(output)
    assert line.startswith("Kesalahan: ") and "Traceback" not in output, line
    assert english_sentences([_prose(line)]) == [], line
    code, output = _run(tmp_path / "en", name, "en")
    assert code == 2, output
    line = _one_line(output)
    assert line.startswith("Error: "), line


def test_english_error_lines_are_found_english(tmp_path):
    """The detector is not silent on these lines: most English Error lines are caught."""
    caught = []
    for name in EXIT_2:
        folder = tmp_path / name
        folder.mkdir()
        caught.append(is_english(_prose(_one_line(_run(folder, name, "en")[1]))))
    assert sum(caught) > 0.7 * len(caught), sum(caught)


@pytest.mark.parametrize("name", [n for n in EXIT_2 if CASES[n].check_code in (None, 2)])
def test_check_speaks_the_chosen_language(tmp_path, name):
    code, output = _run(tmp_path, name, "id", "check")
    assert code == 2, output
    assert english_sentences(output.splitlines()) == [], output


def test_cleaning_log_and_terminal_speak_indonesian(tmp_path):
    """Every exit-0/1 hostile input under --lang id: the terminal and each cleaning-log
    message hold no English sentence (reasons and actions are codes, not judged)."""
    found = {}
    for name in EXIT_0:
        folder = tmp_path / name
        folder.mkdir()
        _, output = _run(folder, name, "id")
        texts = [line for line in output.splitlines() if "│" not in line]  # not the table
        log = folder / "out" / "cleaning-log.csv"
        if log.is_file():
            with log.open(encoding="utf-8-sig", newline="") as handle:
                texts += [row["message"] for row in csv.DictReader(handle)]
        # a path the terminal wraps over two lines is no sentence: tokens with "/" go
        english = english_sentences([re.sub(r"\S*/\S*", " ", FOREIGN.sub(" ", t))
                                     for t in texts])
        if english:
            found[name] = english
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())


def test_init_prints_and_writes_indonesian(tmp_path):
    export = FIXTURES / "gforms_id.csv"
    code, output = invoke(["init", str(export), "--out", str(tmp_path / "id"), "--lang", "id"])
    assert code == 0, output
    assert "Keputusan yang perlu dipastikan" in output
    printed = [line for line in output.replace(str(tmp_path), "").splitlines()
               if "│" not in line]
    assert english_sentences(printed) == [], output
    comments = [line.lstrip(" #") for path in sorted((tmp_path / "id").glob("*.yaml"))
                for line in path.read_text(encoding="utf-8").splitlines()
                if line.lstrip().startswith("#") or "  # " in line]
    comments = [c.split("  # ", 1)[-1] for c in comments]
    assert len(comments) > 5
    assert english_sentences(comments) == [], comments
    code, output = invoke(["init", str(export), "--out", str(tmp_path / "en"), "--lang", "en"])
    english = [line.lstrip(" #") for line in
               (tmp_path / "en" / "gforms-id.yaml").read_text(encoding="utf-8").splitlines()
               if line.startswith("#")]
    assert english_sentences(english), english


def test_every_code_is_in_both_catalogues():
    """The parity test of tests/test_language.py, through the loader the code uses."""
    assert catalogue("id").keys() == catalogue("en").keys()


#: Codes the code builds from a name (msg(f"init.topic_{topic}")), which the literal-code
#: test of tests/test_language.py cannot see.
BUILT_CODES = [
    *(f"init.topic_{topic}" for topic in ("scale", "item", "reverse", "standard", "pair",
                                          "codes", "field", "period", "population",
                                          "codebook", "kind")),
    *(f"init.role_{role}" for role in ("expectation", "perception", "importance",
                                       "performance")),
    *(f"log.duplicates_streamed_{policy}" for policy in ("exclude", "flag")),
    *(f"error.pattern_too_slow_{kind}" for kind in ("item", "field")),
    *(f"log.repeated_header_{kind}" for kind in ("item", "field")),
    *(f"validation.{kind}" for kind in ("greater_than", "greater_than_equal", "less_than",
                                        "less_than_equal")),
    *(f"validation.form_{form}" for form in ("text", "text_mapping", "mapping", "whole",
                                             "number", "list", "bool")),
    *(f"error.what_{what}" for what in ("file", "project_file", "scorecard_file",
                                        "questionnaire_file")),
    *(f"error.special_{kind}" for kind in ("fifo", "device", "block", "socket")),
    *(f"error.fix_{kind}" for kind in ("sav", "dta", "parquet", "workbook")),
    *(f"problem.analysis_{analysis}" for analysis in ("validity", "reliability", "servqual",
                                                      "ipa", "ikm")),
    *(f"cli.init_column_{column}" for column in ("survey", "kind", "items", "scales",
                                                 "fields", "analyses")),
]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_built_codes_are_catalogued(lang):
    assert [code for code in BUILT_CODES if code not in catalogue(lang)] == []
