"""The HTML report: both languages, number format, escaping, no network, every section.

The demo project's results are computed once per test session (``demo_results``) and the
report rendered once per language (``rendered``); tests/test_report_browser.py reuses them.
A hand-made scorecard of the shape the scorecard engineer's results will have is injected so
the scorecard section has data.
"""

from __future__ import annotations

import copy
import re
import warnings
from functools import cache
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import pytest
import yaml

from surveyq.report import build_report, render_html
from surveyq.report.build import SECTION_IDS, ChartWarning, check_svg
from surveyq.report.render import render_model

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "questionnaires" / "demo" / "project.yaml"
XSS_SUGGESTION = "<script>alert(1)</script>"
XSS_INDICATOR = "<img src=x onerror=alert(1)>"
XSS_PERSPECTIVE = '<svg onload="alert(2)">Pelanggan'


def scorecard() -> dict[str, Any]:
    """A hand-made ``results["scorecard"]`` (Kemenkeu NKO scheme, four perspectives)."""
    def name(id_: str, en: str) -> dict[str, str]:
        return {"id": id_, "en": en}

    perspectives = [
        ("stakeholder", name("Perspektif Stakeholder", "Stakeholder perspective"), 25, 104.2),
        ("customer", name("Perspektif Pelanggan", "Customer perspective"), 25, 96.5),
        ("process", name("Perspektif Proses Bisnis Internal", "Internal process perspective"),
         30, 88.0),
        ("learning", name("Perspektif Pembelajaran dan Pertumbuhan", "Learning and growth"),
         20, 71.3),
    ]
    indicator = {"target_low": None, "target_high": None, "consolidation": "last",
                 "source": "actuals", "weight": 50, "unit": "%", "polarity": "max"}
    return {
        "scheme": "kemenkeu-nko",
        "title": name("Kontrak Kinerja KPPT Kota Contoh 2025", "KPPT performance contract 2025"),
        "period": "2025",
        "score": 91.23456,
        "predicate": {"code": "baik", "label": name("Baik", "Good"), "table": "nko-kemenkeu-lakin",
                      "source": "LAKIN KPPBC TMP Merak (Hartini & Habibi (2023))"},
        "normalised": False,
        "notes": ["IKU P-2 uses the SKM converted index of the skm survey."],
        "lint": [{"code": "target-below-baseline", "severity": "warning",
                  "message": "IKU L-1: the 2025 target is below the 2024 realisation."},
                 {"code": "weights-sum", "severity": "error",
                  "message": "Objective SS-4 indicator weights add up to 90, not 100."}],
        "perspectives": [{"id": pid, "name": pname, "weight": weight, "value": value,
                          "contribution": weight * value / 100}
                         for pid, pname, weight, value in perspectives],
        "objectives": [
            {"id": "SS-1", "name": name("Layanan perizinan yang andal", "Reliable licensing"),
             "perspective": "customer", "value": 96.5},
            {"id": "SS-2", "name": name("Proses yang cepat", "Fast processes"),
             "perspective": "process", "value": 88.0},
        ],
        "indicators": [
            {**indicator, "id": "P-1", "name": name("Indeks Kepuasan Masyarakat", "IKM"),
             "perspective": "customer", "objective": "SS-1", "target": 85, "realisation": 82.09,
             "ici": 96.58, "colour": "yellow", "source": "survey: skm, value: ikm.converted"},
            {**indicator, "id": "P-2", "name": name("Izin terbit tepat waktu", "Licences on time"),
             "perspective": "process", "objective": "SS-2", "target": 90, "realisation": 93.5,
             "ici": 103.89, "colour": "green"},
            {**indicator, "id": "P-3", "name": name("Rasio pengaduan", "Complaint ratio"),
             "perspective": "process", "objective": "SS-2", "target": None, "target_low": 1.0,
             "target_high": 2.5, "realisation": 3.4, "polarity": "stabilize", "ici": 64.0,
             "colour": "red"},
        ],
    }


@cache
def demo_run() -> dict[str, Any]:
    """The demo project's results as the pipeline gives them (computed once)."""
    from surveyq.pipeline import run_project

    return run_project(DEMO).results


@cache
def demo_results() -> dict[str, Any]:
    """The demo project's results with the hand-made scorecard."""
    results = copy.deepcopy(demo_run())
    results["scorecard"] = scorecard()
    return results


@cache
def rendered(lang: str) -> str:
    """The demo report in ``lang``; chart failures raise (strict)."""
    return render_html(demo_results(), lang=lang, strict=True)


@cache
def injected() -> str:
    """The Indonesian report with hostile text in a suggestion, an indicator and a perspective."""
    results = copy.deepcopy(demo_results())
    results["surveys"]["skm"]["free_text"].insert(0, {"field": "suggestion", "row": 7,
                                                      "text": XSS_SUGGESTION})
    card = results["scorecard"]
    card["indicators"][0]["name"] = {"id": XSS_INDICATOR, "en": XSS_INDICATOR}
    card["perspectives"][1]["name"] = {"id": XSS_PERSPECTIVE, "en": XSS_PERSPECTIVE}
    return render_html(results, lang="id", strict=True)


class _Elements(HTMLParser):
    """Every element's tag and attributes, and the text of the whole page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser


CHARTS = ("likert_bars", "gap_bars", "ipa_scatter", "nrr_bars", "profile_bars",
          "perspective_bars", "trend_line")


def no_charts_but(monkeypatch: pytest.MonkeyPatch, name: str, draw: Any) -> None:
    """Replace one chart function by ``draw`` and the others by "no data" (quick builds)."""
    from surveyq.report import charts

    for other in CHARTS:
        monkeypatch.setattr(charts, other, lambda *args, **kwargs: "")
    monkeypatch.setattr(charts, name, draw)


@pytest.fixture
def no_charts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Charts say "no data": for tests of the model's structure, which charts only slow."""
    from surveyq.report import charts

    for name in CHARTS:
        monkeypatch.setattr(charts, name, lambda *args, **kwargs: "")


def skm_converted() -> float:
    return demo_results()["surveys"]["skm"]["analyses"]["ikm"]["summary"]["converted"]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_both_languages_render_every_section(lang: str) -> None:
    html = rendered(lang)
    ids = [attrs.get("id") for tag, attrs in parse(html).tags if tag == "section"]
    assert ids == list(SECTION_IDS)
    assert f'<html lang="{lang}">' in html


def test_languages_differ_where_they_should() -> None:
    assert "Ringkasan hasil" in rendered("id")
    assert "Summary of results" in rendered("en")
    assert "Summary of results" not in rendered("id")


def test_indonesian_and_english_number_format() -> None:
    expected = f"{skm_converted():.2f}"
    assert expected.replace(".", ",") in rendered("id")
    assert expected in rendered("en")
    population = demo_results()["surveys"]["skm"]["population"]
    assert f"{population:,}".replace(",", ".") in rendered("id")
    assert f"{population:,}" in rendered("en")


def test_printed_value_rounds_half_up_like_the_band(no_charts: None) -> None:
    results = copy.deepcopy(demo_results())
    summary = results["surveys"]["skm"]["analyses"]["ikm"]["summary"]
    summary.update(converted=88.305, band="A", label="Sangat baik", label_en="Very good")
    model = build_report(results, "id")
    tiles = [tile for section in model["sections"] for block in section["blocks"]
             if block["kind"] == "tiles" for tile in block["tiles"]]
    assert any(tile["value"] == "88,31" for tile in tiles)  # Python's f"{88.305:.2f}" is 88.30


def test_respondent_and_indicator_text_is_escaped() -> None:
    html = injected()
    page = parse(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert XSS_SUGGESTION not in html and XSS_INDICATOR not in html
    tags = {tag for tag, _ in page.tags}
    assert not tags & {"script", "img", "iframe", "object", "embed", "link", "image"}
    handlers = [(tag, name) for tag, attrs in page.tags for name in attrs if name.startswith("on")]
    assert handlers == []
    assert XSS_SUGGESTION in "".join(page.text)  # shown to the reader as text


def test_only_chart_svg_is_marked_safe() -> None:
    templates = resources.files("surveyq.report").joinpath("templates")
    sources = [entry.read_text("utf-8") for entry in templates.iterdir()
               if entry.name.endswith(".html")]
    expressions = [e.replace(" ", "") for text in sources for e in re.findall(r"{{.*?}}", text)]
    # report.html and skm-publication.html each inline checked chart SVG, and nothing else
    assert {e for e in expressions if "safe" in e} == {"{{block.svg|safe}}"}
    assert not any("autoescape" in tag for text in sources for tag in re.findall(r"{%.*?%}", text))


@pytest.mark.parametrize("lang", ["id", "en"])
def test_nothing_points_outside_the_file(lang: str) -> None:
    html = rendered(lang)
    without_namespaces = re.sub(r'xmlns(:\w+)?="[^"]*"', "", html)
    assert "http://" not in without_namespaces and "https://" not in without_namespaces
    page = parse(html)
    assert not {tag for tag, _ in page.tags} & {"script", "link", "img", "iframe", "base"}
    urls = [value for _, attrs in page.tags for name, value in attrs.items()
            if name in ("src", "href", "xlink:href", "action") and value]
    assert all(url.startswith("#") for url in urls), urls
    csp = [attrs["content"] for tag, attrs in page.tags
           if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0]


def test_print_css_is_a4_with_page_breaks() -> None:
    html = rendered("id")
    assert re.search(r"@page\s*{[^}]*size:\s*A4", html)
    assert "break-before: page" in html and "break-inside: avoid" in html


def test_sections_only_for_what_was_asked(no_charts: None) -> None:
    # issue 12 item 6: a section the project did not ask for is left out (it used to print a
    # "not requested" placeholder), and the sections left are numbered 1, 2, 3 ...
    results = copy.deepcopy(demo_results())
    for project_section in ("scorecard", "finance", "strategy"):  # the demo has all three
        results.pop(project_section, None)
    for survey in results["surveys"].values():
        survey["free_text"] = []
        survey["requested"] = ["validity", "reliability"]
        survey["analyses"] = {k: v for k, v in survey["analyses"].items()
                              if k in survey["requested"]}
    model = build_report(results, "id")
    ids = [section["id"] for section in model["sections"]]
    assert ids == ["summary", "profile", "data-quality", "validity", "reliability",
                   "frequencies", "methods"]
    assert [section["number"] for section in model["sections"]] == ["1", "2", "3", "4", "5",
                                                                     "6", "7"]
    html = render_model(model)
    assert "tidak diminta" not in html and "Balanced Scorecard" not in html
    assert html.count("<li><a href=") == 7  # the contents list the same seven


def test_requested_analysis_that_failed_says_why(no_charts: None) -> None:
    results = copy.deepcopy(demo_results())
    skm = results["surveys"]["skm"]
    del skm["analyses"]["ikm"]
    skm["problems"] = ["ikm: no item carries an element"]
    model = build_report(results, "en")
    (ikm,) = [section for section in model["sections"] if section["id"] == "ikm"]
    entries = [entry for block in ikm["blocks"] if block["kind"] == "list"
               for entry in block["entries"]]
    assert entries == ["ikm: no item carries an element"]


def test_model_is_strings_ready_to_print(no_charts: None) -> None:
    def leaves(value: Any) -> list[Any]:
        if isinstance(value, dict):
            return [leaf for item in value.values() for leaf in leaves(item)]
        if isinstance(value, list):
            return [leaf for item in value for leaf in leaves(item)]
        return [value]

    odd = [leaf for leaf in leaves(build_report(demo_results(), "id")) if not isinstance(leaf, str)]
    assert odd == [1] * len(odd)  # only the header cells' colspan


def test_strict_undefined_raises_on_a_missing_key(no_charts: None) -> None:
    model = build_report(demo_results(), "en")
    del model["title"]
    with pytest.raises(jinja2.UndefinedError):
        render_model(model)
    model = build_report(demo_results(), "en")
    del model["sections"][0]["blocks"][0]["caption"]
    with pytest.raises(jinja2.UndefinedError):
        render_model(model)


def test_missing_results_key_raises(no_charts: None) -> None:
    results = copy.deepcopy(demo_results())
    del results["surveys"]["skm"]["analyses"]["ikm"]["summary"]["converted"]
    with pytest.raises(KeyError):
        build_report(results, "id")


def test_report_content_follows_the_results() -> None:
    html = rendered("id")
    card = demo_results()["scorecard"]
    assert "91,23" in html and "Baik" in html  # NKO rounded, predicate from the results
    assert 'class="light red"' in html and "Merah" in html
    assert "weights-sum" in html
    ipa = demo_results()["surveys"]["customer"]["analyses"]["ipa"]
    assert ipa["items"][0]["label_id"] in html  # quadrant names come from the results
    assert card["lint"][0]["message"] in html
    for survey in demo_results()["surveys"].values():
        assert survey["title"]["id"] in html


def test_follow_up_lists_lowest_elements_and_worst_gaps_sorted(no_charts: None) -> None:
    model = build_report(demo_results(), "en")
    follow = next(s for s in model["sections"] if s["id"] == "follow-up")
    tables = [b for b in follow["blocks"] if b["kind"] == "table"]
    elements = demo_results()["surveys"]["skm"]["analyses"]["ikm"]["elements"]
    lowest = min(elements, key=lambda e: e["nrr"])["element"]
    ikm_table = next(t for t in tables if "lowest" in t["caption"])
    assert ikm_table["rows"][0]["cells"][1]["text"].startswith(lowest)
    items = demo_results()["surveys"]["customer"]["analyses"]["servqual"]["items"]
    worst = min(items, key=lambda r: r["gap"])["item"]
    gap_table = next(t for t in tables if "negative" in t["caption"])
    assert gap_table["rows"][0]["cells"][1]["text"].startswith(worst)


def test_the_pipeline_scorecard_renders() -> None:
    """The scorecard the pipeline computes (when the demo has one) renders, chart included."""
    card = demo_run().get("scorecard")
    if card is None:
        pytest.skip("the demo project has no scorecard")
    html = render_html({**demo_run(), "surveys": {}}, "en", strict=True)
    # without surveys there is no follow-up section (issue 12 item 6): methods comes next
    section = html[html.index('<section id="scorecard"'):html.index('<section id="methods"')]
    assert card["title"]["en"] in section and "<svg" in section
    assert all(indicator["id"] in section for indicator in card["indicators"])


def test_chart_failure_is_visible_or_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("boom")

    no_charts_but(monkeypatch, "ipa_scatter", broken)
    results = {**demo_results(), "surveys": {"customer": demo_results()["surveys"]["customer"]}}
    with pytest.raises(RuntimeError, match="boom"):
        build_report(results, "en", strict=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        html = render_html(results, "en")
    assert any(issubclass(w.category, ChartWarning) for w in caught)
    assert "could not be drawn" in html


def test_unsafe_chart_svg_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    no_charts_but(monkeypatch, "nrr_bars", lambda *a, **k: "<svg><script>1</script></svg>")
    results = {**demo_results(), "surveys": {"skm": demo_results()["surveys"]["skm"]}}
    with pytest.raises(ValueError, match="unsafe SVG"):
        build_report(results, "id", strict=True)


@pytest.mark.parametrize("svg, problem", [
    ('<svg><foreignObject><div>x</div></foreignObject></svg>', "element <foreignobject>"),
    ('<svg><a href="https://x.example">x</a></svg>', "element <a>"),
    ('<svg><rect onclick="alert(1)"/></svg>', "event handler onclick"),
    ('<svg><use href="http://x.example/s.svg#a"/></svg>', "link href"),
    ("<div>not svg</div>", "not a single <svg> element"),
    ('<svg><rect style="fill:url(http://x.example/a)"/></svg>', "an address other"),
    ("<svg><style>rect{fill:url(https://x.example/p)}</style></svg>", "an address other"),
])
def test_check_svg(svg: str, problem: str) -> None:
    assert any(p.startswith(problem) for p in check_svg(svg))


def _parser_only(svg: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What html.parser finds in ``svg`` (check_svg without its fast path)."""
    from surveyq.report import build

    with monkeypatch.context() as patched:
        patched.setattr(build, "_plainly_safe", lambda markup: False)
        return check_svg(svg)


@pytest.mark.parametrize("svg", [
    '<svg><rect style="fill:url(http&#58;//x.example/a)"/></svg>',  # an escaped colon
    '<svg><rect ONCLICK="alert(1)"/></svg>',
    '<svg><rect\xa0onclick="alert(1)"/></svg>',  # not an ASCII space
    "<svg><rect style='fill:url(http://x.example/a)'/></svg>",  # single quotes
    '<svg><use xlink:href="http://x.example/s.svg#a"/></svg>',
    '<svg><use href="#a"/></svg>',  # safe, yet a link: left to the parser
    "<svg><!-- a comment --><script>1</script></svg>",
    '<svg><g><clipPath id="c"/></g></svg>',  # an element's name in capitals
    "<svg><text>a < b</text></svg>",
    "<svg><style>rect{fill:red}</style></svg>",
])
def test_markup_svgchart_does_not_write_goes_to_the_parser(
        svg: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from surveyq.report.build import _plainly_safe

    assert not _plainly_safe(svg)
    assert check_svg(svg) == _parser_only(svg, monkeypatch)


def test_the_demo_charts_take_the_fast_path_and_are_safe(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Every chart of the demo report is markup the fast path reads, and html.parser finds
    nothing in it either."""
    from surveyq.report.build import _plainly_safe

    svgs = re.findall(r"<svg.*?</svg>", rendered("id"), re.S)
    assert len(svgs) > 10
    for svg in svgs:
        assert _plainly_safe(svg)
        assert _parser_only(svg, monkeypatch) == []


def test_a_web_address_written_by_a_respondent_is_drawn() -> None:
    """A profile answer "http://..." is text in the chart, not a link: the chart is kept."""
    from surveyq.report.charts import profile_bars

    svg = profile_bars([{"category": "http://kantor.example/form", "count": 3},
                        {"category": "Lainnya", "count": 1}], "Sumber")
    assert "http://kantor.example/form" in svg
    assert check_svg(svg) == []


def test_both_languages_have_the_same_strings() -> None:
    def leaves(value: Any, prefix: str = "") -> dict[str, Any]:
        if not isinstance(value, dict):
            return {prefix: value}
        return {k: v for name, item in value.items()
                for k, v in leaves(item, f"{prefix}.{name}").items()}

    folder = resources.files("surveyq.report").joinpath("i18n")
    loaded = {lang: leaves(yaml.safe_load(folder.joinpath(f"{lang}.yaml").read_text("utf-8")))
              for lang in ("id", "en")}
    assert loaded["id"].keys() == loaded["en"].keys()
    # YAML 1.1 reads yes/no/No as booleans: every string must stay a string
    odd = {k: v for strings in loaded.values() for k, v in strings.items()
           if not isinstance(v, str)}
    assert odd == {}
