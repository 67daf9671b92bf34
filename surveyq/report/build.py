"""Build the report model: the only place that rounds numbers and translates labels.

Following great_tables' build-then-render: the
model is plain data, strings ready to print, and the templates hold nothing but loops and
simple ifs. Locale facts (decimal and group marks) and every visible string are data in
i18n/*.yaml; band labels and quadrant names come from the results themselves.

The model
---------
``build_report`` returns ``{"lang", "t", "title", "organisation", "period", "generated",
"sections"}``. Each section is ``{"id", "number", "title", "intro", "empty", "blocks"}``;
a section without blocks prints its ``empty`` sentence. A block is a dict with a ``kind``:

* ``heading`` / ``subheading``: ``text`` (a survey's title, a part of it);
* ``text`` / ``note``: ``text``;
* ``list``: ``entries`` (strings);
* ``tiles``: ``tiles`` (``label``, ``value``, ``detail``, ``cls``), the headline figures;
* ``table``: ``caption``, ``head`` (rows of ``text``/``cls``/``colspan`` cells), ``rows``
  (``cells`` of ``text``/``cls``, and a row ``cls``), ``note`` and ``cls`` (``keep``: short
  enough to keep on one page; ``compact``: few columns, not stretched to full width);
* ``chart``: ``svg`` (from :mod:`surveyq.report.charts`, checked by :func:`check_svg`) and
  ``caption``.

Numbers are rounded half-up (as a spreadsheet's ROUND and as the band tables do, so a
printed value and its band agree) and then formatted by
:func:`surveyq.report.i18n.format_number`.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import PurePath
from typing import Any

from surveyq.bands import BANDS, BandTable, round_half_up
from surveyq.ikm import IKM_STANDARDS
from surveyq.messages import localise_results, translate
from surveyq.report import charts
from surveyq.report.i18n import format_number, labels

__all__ = ["SECTION_IDS", "ChartWarning", "build_report", "check_svg", "chart_images"]

#: Sections of the report, in order (each becomes ``<section id="...">``).
SECTION_IDS = (
    "summary", "profile", "data-quality", "validity", "reliability", "frequencies", "thesis",
    "servqual", "ipa", "ikm", "finance", "strategy", "scorecard", "follow-up", "suggestions",
    "methods",
)
#: Sections printed whatever the results; the others only when they have something to show
#: or (analysis sections) when the project asked for the analysis.
ALWAYS_SECTIONS = ("summary", "data-quality", "methods")
#: The analyses (``requested`` in the results) each analysis section reports.
SECTION_ANALYSES = {"validity": ("validity",), "reliability": ("reliability",),
                    "servqual": ("servqual",), "ipa": ("ipa", "csi"), "ikm": ("ikm",)}
#: Rows of the follow-up plan: the lowest IKM elements and the most negative SERVQUAL gaps.
FOLLOW_UP_ELEMENTS = 3
FOLLOW_UP_GAPS = 5
#: Decimals printed, by kind of number (SPSS prints correlations and alphas to 3).
DECIMALS = {"r": 3, "p": 3, "alpha": 3, "mean": 2, "gap": 2, "nrr": 2, "weighted_nrr": 3,
            "index": 3, "converted": 2, "weight": 3, "percent": 1, "score": 2,
            "stat": 3}
#: Tables this short are kept on one printed page; tables this narrow are not stretched.
KEEP_TOGETHER = 25
COMPACT_COLUMNS = 3
_QUADRANTS = ("I", "II", "III", "IV")

Block = dict[str, Any]
Cell = dict[str, Any]


class ChartWarning(UserWarning):
    """A chart could not be drawn; the page says so where the chart would have been."""


# --------------------------------------------------------------------------- context


@dataclass
class _Context:
    """Language, strings and the running table and figure numbers of one build."""

    lang: str
    t: dict[str, Any]
    strict: bool
    tables: int = 0
    figures: int = 0
    chart_format: str = "svg"

    def num(self, value: Any, kind: str = "mean") -> str:
        """A number rounded half-up to the decimals of ``kind``, in the language's format."""
        decimals = DECIMALS[kind]
        if not _finite(value):
            return self.t["dash"]
        return format_number(round_half_up(float(value), decimals), decimals, self.lang)

    def int(self, value: Any) -> str:
        """A count (1.234 under id)."""
        return format_number(int(value), 0, self.lang) if _finite(value) else self.t["dash"]

    def pct(self, value: Any, kind: str = "percent") -> str:
        """A percentage value (already in percent) with its sign."""
        if not _finite(value):
            return self.t["dash"]
        return self.t["percent"].format(value=self.num(value, kind))

    def p(self, value: Any) -> str:
        """A p-value to three decimals, ``< 0,001`` below that."""
        if _finite(value) and float(value) < 0.0005:
            return self.t["p_below"].format(value=format_number(0.001, 3, self.lang))
        return self.num(value, "p")

    def text(self, value: Any) -> str:
        """A bilingual ``{"id", "en"}`` mapping in this language (Indonesian as fallback)."""
        if isinstance(value, dict):
            return str(value.get(self.lang) or value.get("id") or "")
        return "" if value is None else str(value)

    def caption(self, kind: str, text: str) -> str:
        """``Tabel 3. text`` / ``Figure 2. text``, numbered in order of appearance."""
        if kind == "table":
            self.tables += 1
            return f"{self.t['table'].format(number=self.tables)} {text}"
        self.figures += 1
        return f"{self.t['figure'].format(number=self.figures)} {text}"


def _finite(value: Any) -> bool:
    if value is None or isinstance(value, bool | str):
        return False
    try:
        number = float(value)
    except (TypeError, ValueError):
        return False
    return number == number and abs(number) != float("inf")


# --------------------------------------------------------------------------- blocks


def _cell(text: Any, cls: str = "") -> Cell:
    return {"text": "" if text is None else str(text), "cls": cls}


def _row(cells: Iterable[Any], cls: str = "") -> dict[str, Any]:
    return {"cells": list(cells), "cls": cls}


def _table(ctx: _Context, caption: str, columns: list[tuple[str, str]],
           rows: Iterable[Any], note: str = "") -> Block:
    """A table block: ``columns`` are (label, cell class); rows are lists or ``_row`` dicts.

    A row's plain strings take their column's class (``num`` aligns right); a ``_cell``
    keeps its own class added to the column's.
    """
    body = []
    for row in rows:
        record = row if isinstance(row, dict) else _row(row)
        cells = []
        for value, (_, cls) in zip(record["cells"], columns, strict=True):
            cell = value if isinstance(value, dict) else _cell(value)
            cells.append({"text": cell["text"], "cls": f"{cls} {cell['cls']}".strip()})
        body.append({"cells": cells, "cls": record["cls"]})
    head = [[{"text": label, "cls": cls, "colspan": 1} for label, cls in columns]]
    classes = ["keep"] if len(body) <= KEEP_TOGETHER else []
    classes += ["compact"] if len(columns) <= COMPACT_COLUMNS else []
    return {"kind": "table", "caption": ctx.caption("table", caption), "head": head,
            "rows": body, "note": note, "cls": " ".join(classes)}


def _heading(text: str) -> Block:
    return {"kind": "heading", "text": text}


def _subheading(text: str) -> Block:
    return {"kind": "subheading", "text": text}


def _text(text: str) -> Block:
    return {"kind": "text", "text": text}


def _note(text: str) -> Block:
    return {"kind": "note", "text": text}


def _list(items: Iterable[Any]) -> Block:
    return {"kind": "list", "entries": [str(item) for item in items]}


def _notes(notes: Iterable[Any] | None) -> list[Block]:
    """Notes the analyses attached (their own words), as one list block when any."""
    items = [str(note) for note in notes or []]
    return [_list(items)] if items else []


# --------------------------------------------------------------------------- charts


_SVG_TAGS = frozenset({
    "svg", "g", "defs", "style", "title", "desc", "path", "rect", "line", "polyline",
    "polygon", "circle", "ellipse", "text", "tspan", "clippath", "mask", "lineargradient",
    "radialgradient", "stop", "pattern", "marker", "symbol", "use", "metadata",
})


class _SvgCheck(HTMLParser):
    """Collects what an inline SVG must not hold: foreign elements, handlers, outside links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.in_style = False
        self.addressable: list[str] = []  # attribute values and style sheets, where a URL loads

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _SVG_TAGS:
            self.problems.append(f"element <{tag}>")
        self.in_style = tag == "style"
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}")
            if name.endswith("href") and not (value or "").startswith("#"):
                self.problems.append(f"link {name}={value!r}")
            if not name.startswith("xmlns"):
                self.addressable.append(value or "")

    def handle_endtag(self, tag: str) -> None:
        self.in_style = False

    def handle_data(self, data: str) -> None:
        # Text drawn in a chart (a respondent's answer such as "http://x") loads nothing;
        # only style sheets can.
        if self.in_style:
            self.addressable.append(data)


#: The markup :mod:`surveyq.report.svgchart` writes, token by token: a start tag (lower-case
#: name, ASCII spaces, double-quoted attribute values without ``<`` or ``&``), an end tag,
#: text, or one of XML's escapes.
_SVG_TOKEN = re.compile(r'<([a-z]+)((?:[ \t\n\r]+[A-Za-z_:][-\w:.]*="[^"<&]*")*)[ \t\n\r]*/?>'
                        r"|</([a-z]+)>|[^<&]+|&(?:amp|lt|gt|quot|apos|#[0-9]+);")
_SVG_ATTRIBUTE = re.compile(r'([A-Za-z_:][-\w:.]*)="([^"<&]*)"')


def _plainly_safe(svg: str) -> bool:
    """``svg`` is made only of :data:`_SVG_TOKEN` and holds nothing :class:`_SvgCheck`
    looks for: drawing elements, no style sheet, no handler, no link, no address but
    the namespaces'. Such markup parses to the same tags and attributes in any HTML parser,
    so it is safe without one (html.parser took a sixth of report.html's time); anything
    else, safe or not, goes to the parser, which says what is wrong."""
    position = 0
    for token in _SVG_TOKEN.finditer(svg):
        if token.start() != position:
            return False
        position = token.end()
        tag = token.group(1)
        if tag is None:
            continue
        if tag not in _SVG_TAGS or tag == "style":
            return False
        for name, value in _SVG_ATTRIBUTE.findall(token.group(2)):
            name = name.lower()
            if name.startswith("on") or name.endswith("href") or (
                    "://" in value and not name.startswith("xmlns")):
                return False
    return position == len(svg)


def check_svg(svg: str) -> list[str]:
    """What makes ``svg`` unsafe to inline unescaped (empty when it is safe).

    The report inserts chart SVG with jinja2's ``|safe``, the one place autoescaping is
    bypassed, so the string must be a single ``<svg>`` element made only of drawing
    elements, with no event handlers, no links outside itself and no address but the
    SVG namespace declarations.

    >>> check_svg('<svg xmlns="http://www.w3.org/2000/svg"><text>&lt;b&gt;</text></svg>')
    []
    >>> check_svg('<svg><text>http://a.b</text><style>a{fill:url(http://x)}</style></svg>')
    ['an address other than the SVG namespace']
    >>> check_svg('<svg><image href="http://x/y"/><script>1</script></svg>')
    ... # doctest: +NORMALIZE_WHITESPACE
    ['element <image>', "link href='http://x/y'", 'element <script>',
     'an address other than the SVG namespace']
    """
    stripped = svg.strip()
    if not (stripped.startswith("<svg") and stripped.endswith("</svg>")):
        return ["not a single <svg> element"]
    if _plainly_safe(stripped):
        return []
    parser = _SvgCheck()
    parser.feed(stripped)
    parser.close()
    if any("://" in value for value in parser.addressable):
        parser.problems.append("an address other than the SVG namespace")
    return parser.problems


def _chart(ctx: _Context, title: str, draw: Callable[..., str], *args: Any,
           **kwargs: Any) -> list[Block]:
    """A chart block, or a visible note (and a :class:`ChartWarning`) when drawing fails.

    With ``ctx.strict`` (tests) the exception propagates instead. An empty drawing (no data)
    gives no block.
    """
    if ctx.chart_format == "png":  # the Word appendix: no SVG check needed for pixels
        png = charts.render_png(draw, *args, **kwargs)
        return [{"kind": "chart", "png": png, "title": title,
                 "caption": ctx.caption("figure", title)}] if png else []
    try:
        svg = draw(*args, **kwargs)
        problems = check_svg(svg) if svg else []
        if problems:
            raise ValueError(f"{draw.__name__} returned unsafe SVG: {'; '.join(problems)}")
    except Exception as exc:
        if ctx.strict:
            raise
        warnings.warn(f"chart {title!r} failed: {exc!r}", ChartWarning, stacklevel=2)
        return [_note(ctx.t["chart_failed"].format(title=title, error=type(exc).__name__))]
    if not svg:
        return []
    return [{"kind": "chart", "svg": svg, "title": title, "caption": ctx.caption("figure", title)}]


# --------------------------------------------------------------------------- survey helpers


def _surveys(results: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    yield from results["surveys"].items()


def _analysis(survey: dict[str, Any], name: str) -> dict[str, Any] | None:
    return survey["analyses"].get(name)


def _ipa_of(survey: dict[str, Any]) -> dict[str, Any] | None:
    """IPA and CSI results, asked for as ``ipa`` or as ``csi`` (the same analysis)."""
    return _analysis(survey, "ipa") or _analysis(survey, "csi")


def _group(ctx: _Context, survey: dict[str, Any], code: Any) -> str:
    """A dimension's or element's name (from the questionnaire), else its code."""
    if code is None:
        return ""
    return ctx.text(survey["groups"].get(code)) or str(code)


def _scale_name(ctx: _Context, survey: dict[str, Any], record: dict[str, Any]) -> str:
    if record["role"] == "item" and not record.get("dimension"):  # one scale: the survey's
        return ctx.text(survey["title"])
    role = ctx.t["roles"].get(record["role"], record["role"])
    if not record.get("dimension"):
        return role
    return ctx.t["scale_name"].format(role=role, dimension=_group(ctx, survey, record["dimension"]))


def _item_texts(ctx: _Context, survey: dict[str, Any]) -> dict[str, str]:
    return {item["item"]: item.get(f"text_{ctx.lang}") or item.get("text_id") or ""
            for item in survey["items"]}


def _pair_texts(ctx: _Context, survey: dict[str, Any], rows: list[dict[str, Any]]
                ) -> dict[str, str]:
    """Statement of each SERVQUAL/IPA attribute (keyed by pair code) from its perception item.

    Items carry ``pair`` when the results give it; otherwise, when every perception item is
    paired, attributes follow the perception items' order (how the analysis pairs them).
    """
    perception = [item for item in survey["items"] if item["role"] == "perception"]
    text_key = f"text_{ctx.lang}"
    if all("pair" in item for item in perception):
        return {item["pair"] or item["item"]: item[text_key] or "" for item in perception}
    if len(perception) != len(rows):
        return {}
    return {row["item"]: item[text_key] or "" for row, item in zip(rows, perception, strict=True)}


def _field_names(ctx: _Context, survey: dict[str, Any]) -> dict[str, str]:
    names = dict(ctx.t["fields"])
    for row in survey["profile"]:
        names[row["field"]] = row.get(f"field_{ctx.lang}") or row.get("field_id") or row["field"]
    return names


def _category_names(ctx: _Context, survey: dict[str, Any]) -> dict[tuple[str, Any], str]:
    return {(row["field"], row["category"]): _category(ctx, row) for row in survey["profile"]}


def _category(ctx: _Context, row: dict[str, Any]) -> str:
    if row["category"] is None:
        return ctx.t["profile"]["blank"]
    return row.get(f"category_{ctx.lang}") or row.get("category_id") or str(row["category"])


def _band_names(ctx: _Context, records: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Band code -> label in this language, from records carrying ``label``/``label_en``."""
    key = "label_en" if ctx.lang == "en" else "label"
    return {str(r["band"]): str(r[key]) for r in records if r.get("band") and r.get(key)}


def _band(ctx: _Context, code: Any, names: dict[str, str], fallback: Any = None) -> str:
    label = names.get(str(code)) or fallback
    return ctx.t["band_label"].format(code=code, label=label) if label else str(code)


def _range(ctx: _Context, low: str, high: str) -> str:
    return low if low == high else ctx.t["range"].format(low=low, high=high)


def _n_range(ctx: _Context, values: Iterable[Any]) -> str:
    """The smallest and largest n (one number when they agree)."""
    finite = [int(v) for v in values if _finite(v)]
    if not finite:
        return ctx.t["dash"]
    return _range(ctx, ctx.int(min(finite)), ctx.int(max(finite)))


def _level(ctx: _Context, level: Any) -> str:
    """A confidence level (0.95) as a percentage number (95)."""
    return format_number(round_half_up(float(level) * 100, 0), 0, ctx.lang)


# --------------------------------------------------------------------------- summary


def _summary(ctx: _Context, results: dict[str, Any]) -> list[Block]:
    # a project may hold only a scorecard, finance or strategy: no empty survey table then
    blocks = [_surveys_table(ctx, results)] if results.get("surveys") else []
    card_tiles = _scorecard_tiles(ctx, results.get("scorecard"))
    if card_tiles:
        blocks += [_heading(ctx.text(results["scorecard"]["title"])),
                   {"kind": "tiles", "tiles": card_tiles}]
    blocks += _bsc_summary(ctx, results)
    for _, survey in _surveys(results):
        tiles = _survey_tiles(ctx, survey)
        if tiles:
            blocks += [_heading(ctx.text(survey["title"])), {"kind": "tiles", "tiles": tiles}]
            blocks += _ikm_sentence(ctx, survey)
    return blocks


def _surveys_table(ctx: _Context, results: dict[str, Any]) -> Block:
    t = ctx.t["summary"]
    columns = [(t["survey"], ""), (t["questionnaire"], ""), (t["respondents"], "num"),
               (t["items"], "num"), (t["population"], "num"), (t["analyses"], "")]
    rows = [[ctx.text(s["title"]), ctx.text(s["questionnaire"]["title"]), ctx.int(s["n"]),
             ctx.int(s["k"]), ctx.int(s["population"]),
             ", ".join(ctx.t["analyses"].get(a, a) for a in s["analyses"])]
            for _, s in _surveys(results)]
    return _table(ctx, t["surveys"], columns, rows)


def _tile(label: str, value: str, detail: str = "", cls: str = "") -> dict[str, str]:
    return {"label": label, "value": value, "detail": detail, "cls": cls}


def _survey_tiles(ctx: _Context, survey: dict[str, Any]) -> list[dict[str, str]]:
    t, tiles = ctx.t["summary"], []
    if ikm := _analysis(survey, "ikm"):
        s = ikm["summary"]
        band = _band(ctx, s["band"], _band_names(ctx, [s]))
        tiles.append(_tile(t["ikm_tile"], ctx.num(s["converted"], "converted"),
                           t["ikm_detail"].format(band=band), f"band-{s['band']}"))
    if ipa := _ipa_of(survey):
        csi = ipa["csi"]
        tiles.append(_tile(t["csi_tile"], ctx.pct(csi["value"], "score"), _csi_label(ctx, csi)))
    if servqual := _analysis(survey, "servqual"):
        overall = servqual["overall"]
        detail = t["gap_detail"].format(item_mean_gap=ctx.num(overall["item_mean_gap"], "gap"))
        tiles.append(_tile(t["gap_tile"], ctx.num(overall["unweighted"], "gap"), detail))
    return tiles + _quality_tiles(ctx, survey)


def _quality_tiles(ctx: _Context, survey: dict[str, Any]) -> list[dict[str, str]]:
    t, tiles = ctx.t["summary"], []
    if validity := _analysis(survey, "validity"):
        rows = [row for scale in validity["scales"] if not scale.get("dimension")
                for row in scale.get("table", [])]
        count = sum(1 for row in rows if row["valid"])
        tiles.append(_tile(t["valid_tile"],
                           t["of"].format(count=ctx.int(count), total=ctx.int(len(rows)))))
    if reliability := _analysis(survey, "reliability"):
        scales = [s for s in reliability["scales"] if "alpha" in s]
        count = sum(1 for s in scales if s["reliable"])
        lowest = min((s["alpha"] for s in scales if _finite(s["alpha"])), default=None)
        tiles.append(_tile(t["reliable_tile"],
                           t["of"].format(count=ctx.int(count), total=ctx.int(len(scales))),
                           t["reliable_detail"].format(alpha=ctx.num(lowest, "alpha"))))
    return tiles


def _csi_label(ctx: _Context, csi: dict[str, Any]) -> str:
    return str(csi.get("label_en") if ctx.lang == "en" else csi.get("label") or csi["band"])


def _interval(ikm: dict[str, Any]) -> dict[str, Any] | None:
    """The bootstrap interval when there is one, else the first."""
    intervals = ikm.get("intervals") or []
    boot = [i for i in intervals if i.get("method") == "bootstrap"]
    return (boot or intervals or [None])[0]


def _ikm_sentence(ctx: _Context, survey: dict[str, Any]) -> list[Block]:
    ikm = _analysis(survey, "ikm")
    interval = _interval(ikm) if ikm else None
    if ikm and not interval and ikm.get("interval_missing"):
        s = ikm["summary"]
        return [_text(ctx.t["summary"]["ikm_sentence_no_interval"].format(
            survey=ctx.text(survey["title"]), converted=ctx.num(s["converted"], "converted"),
            band=_band(ctx, s["band"], _band_names(ctx, [s])), n=ctx.int(s["n"]),
            reason=ikm["interval_missing"]))]
    if not ikm or not interval:
        return []
    s = ikm["summary"]
    return [_text(ctx.t["summary"]["ikm_sentence"].format(
        survey=ctx.text(survey["title"]), converted=ctx.num(s["converted"], "converted"),
        band=_band(ctx, s["band"], _band_names(ctx, [s])), n=ctx.int(s["n"]),
        level=_level(ctx, interval["level"]),
        method=ctx.t["ikm"].get(interval["method"], interval["method"]),
        low=ctx.num(interval["low"], "converted"), high=ctx.num(interval["high"], "converted"),
        code=interval["band"], p_in_band=ctx.pct(_as_percent(interval["p_in_band"]), "percent"),
    ))]


def _as_percent(share: Any) -> Any:
    """A share (0-1) shown as a percentage: a change of unit for printing, not a statistic."""
    return float(share) * 100 if _finite(share) else None


def _bsc_summary(ctx: _Context, results: dict[str, Any]) -> list[Block]:
    """Headline tiles of the finance and strategy sections (surveyq.report.bsc_sections)."""
    from surveyq.report.bsc_sections import summary_blocks

    return summary_blocks(ctx, results)


def _scorecard_tiles(ctx: _Context, card: dict[str, Any] | None) -> list[dict[str, str]]:
    if not card:
        return []
    t = ctx.t["summary"]
    scheme = ctx.t["scorecard"]["schemes"].get(card["scheme"], card["scheme"])
    if card.get("predicate") is None:  # a design without realisations: no score
        return [_tile(t["nko_tile"].format(scheme=scheme), ctx.t["dash"],
                      ctx.t["scorecard"]["not_computed"], "predicate-none")]
    predicate = ctx.text(card["predicate"]["label"])
    return [_tile(t["nko_tile"].format(scheme=scheme), ctx.num(card["score"], "score"),
                  t["nko_detail"].format(predicate=predicate),
                  f"predicate-{card['predicate']['code']}")]


# --------------------------------------------------------------------------- profile


def _profile(ctx: _Context, results: dict[str, Any]) -> list[Block]:
    blocks = []
    for _, survey in _surveys(results):
        if survey["profile"]:
            blocks += [_heading(ctx.text(survey["title"]))] + _profile_fields(ctx, survey)
    return blocks


def _profile_fields(ctx: _Context, survey: dict[str, Any]) -> list[Block]:
    t, title = ctx.t["profile"], ctx.text(survey["title"])
    fields: dict[str, list[dict[str, Any]]] = {}
    for row in survey["profile"]:
        fields.setdefault(row["field"], []).append({**row, "label": _category(ctx, row)})
    names = _field_names(ctx, survey)
    blocks = []
    for field, rows in fields.items():
        name = f"{names[field]} — {title}"
        columns = [(t["category"], ""), (t["count"], "num"), (t["percent"], "num")]
        body = [[row["label"], ctx.int(row["count"]), ctx.pct(row["percent"])] for row in rows]
        blocks.append(_table(ctx, name, columns, body))
        blocks += _chart(ctx, name, charts.profile_bars, rows, label_key="label",
                         lang=ctx.lang)
    return blocks


# --------------------------------------------------------------------------- data quality


_ACCOUNTING_KEYS = ("file", "rows_in_file", "rows_kept")


def _data_quality(ctx: _Context, results: dict[str, Any]) -> list[Block]:
    blocks = []
    for _, survey in _surveys(results):
        title = ctx.text(survey["title"])
        blocks += [_heading(title), *_streamed(ctx, survey),
                   _accounting(ctx, survey, title, results["project"].get("period")),
                   *_duplicates(ctx, survey), _log(ctx, survey, title), _n_used(ctx, survey, title)]
        if survey["problems"]:
            blocks += [_subheading(ctx.t["data_quality"]["problems"]), _list(survey["problems"])]
    return blocks


def _streamed(ctx: _Context, survey: dict[str, Any]) -> list[Block]:
    """For a streamed survey: how it was read, and every table left out because of it."""
    streaming = survey.get("streaming")
    if not streaming:
        return []
    t = ctx.t["streaming"]
    where = (t["on_dask"].format(scheduler=streaming["scheduler"]) if streaming["scheduler"]
             else t["in_batches"])
    why = (t["requested"] if streaming["reason"] == "requested" else
           t["size"].format(size=ctx.num(streaming["file_mb"], "percent"),
                            threshold=ctx.num(streaming["threshold_mb"], "percent")))
    omitted = [t["omitted_parts"].get(part, part) for part in streaming["omitted"]]
    return [_note(t["notice"].format(rows=ctx.int(streaming["rows_read"]), where=where,
                                     why=why)),
            _subheading(t["omitted"]), _list(omitted), _text(t["how"])]


def _accounting(ctx: _Context, survey: dict[str, Any], title: str,
                period: Any = None) -> Block:
    t = ctx.t["data_quality"]
    periods = [(ctx.text(period) or t["current"], survey["row_accounting"])]
    periods += [(period, p["row_accounting"]) for period, p in survey["previous"].items()]
    rows = [[period, record["file"], ctx.int(record["rows_in_file"]),
             _exclusions(ctx, record), ctx.int(record["rows_kept"])]
            for period, records in periods for record in records]
    columns = [(t["period"], ""), (t["file"], "file"), (t["rows_in_file"], "num"),
               (t["excluded"], ""), (t["rows_kept"], "num")]
    return _table(ctx, t["accounting"].format(survey=title), columns, rows)


def _exclusions(ctx: _Context, record: dict[str, Any]) -> str:
    parts = [f"{ctx.t['reasons'].get(key, key)}: {ctx.int(value)}"
             for key, value in record.items() if key not in _ACCOUNTING_KEYS and value]
    return "; ".join(parts) or ctx.t["none"]


def _duplicates(ctx: _Context, survey: dict[str, Any]) -> list[Block]:
    """How duplicate submissions were judged, and how many identical answer patterns there are."""
    found = survey.get("duplicates")
    if not found:
        return []
    t = ctx.t["data_quality"]
    evidence = (t["duplicates_evidence"].format(evidence="; ".join(found["evidence"]))
                if found["evidence"] else t["duplicates_no_evidence"])
    policy = t["duplicates_policy"].get(found["policy"], found["policy"])
    sentences = [evidence]
    if found["evidence"]:
        sentences.append(t["duplicates_found"].format(found=ctx.int(found["found"]),
                                                      policy=policy))
    if found["identical_answer_rows"]:
        sentences.append(t["identical"].format(
            rows=ctx.int(found["identical_answer_rows"]),
            patterns=ctx.int(found["identical_answer_patterns"]),
            largest=ctx.int(found["largest_pattern"])))
    else:
        sentences.append(t["identical_none"])
    return [_text(" ".join(sentences))]


def _log(ctx: _Context, survey: dict[str, Any], title: str) -> Block:
    t = ctx.t["data_quality"]
    rows = [[ctx.t["reasons"].get(r["reason"], r["reason"]),
             ctx.t["actions"].get(r["action"], r["action"]), ctx.int(r["count"])]
            for r in survey["log_summary"]]
    columns = [(t["reason"], ""), (t["action"], ""), (t["count"], "num")]
    return _table(ctx, t["log"].format(survey=title), columns, rows)


def _n_used(ctx: _Context, survey: dict[str, Any], title: str) -> Block:
    t = ctx.t["data_quality"]
    rows = []
    for name, analysis in survey["analyses"].items():
        label = ctx.t["analyses"].get(name, name)
        rows += [[label, part, n] for part, n in _n_parts(ctx, survey, name, analysis)]
    columns = [(t["analysis"], ""), (t["part"], ""), (t["n"], "num")]
    return _table(ctx, t["n_used"].format(survey=title), columns, rows)


def _n_parts(ctx: _Context, survey: dict[str, Any], name: str, analysis: dict[str, Any]
             ) -> list[tuple[str, str]]:
    """(part, n) pairs saying how many respondents each part of an analysis used."""
    t = ctx.t["data_quality"]
    if name in ("validity", "reliability"):
        return [(_scale_name(ctx, survey, scale), _scale_n(ctx, scale, name))
                for scale in analysis["scales"]]
    if name == "servqual":
        return [(t["items_each"], _n_range(ctx, (r["n"] for r in analysis["items"]))),
                (t["overall"], _n_range(ctx, (r["n"] for r in analysis["dimensions"])))]
    if name in ("ipa", "csi"):
        counts = [r[k] for r in analysis["items"] for k in ("n_x", "n_y")]
        return [(t["items_each"], _n_range(ctx, counts))]
    if name == "ikm":
        return [(t["ikm_index"], ctx.int(analysis["summary"]["n"])),
                (t["ikm_elements"], _n_range(ctx, (e["n"] for e in analysis["elements"])))]
    if name in ("descriptives", "normality", "construct_validity", "omega"):
        return [(_variable_name(ctx, r), ctx.int(r["n"]) if "n" in r else r.get("error", ""))
                for r in analysis["variables"]]
    if name == "regression":
        return [(ctx.t["thesis"]["regression_heading"].format(
            y=analysis["y"], x=", ".join(analysis["x"])), ctx.int(analysis["summary"]["n"]))]
    return []


def _scale_n(ctx: _Context, scale: dict[str, Any], name: str) -> str:
    if "error" in scale:
        return ctx.t["data_quality"]["error"].format(error=scale["error"])
    if name == "reliability":
        return ctx.int(scale["n"])
    return _n_range(ctx, (row["n"] for row in scale["table"]))


# --------------------------------------------------------------------------- validity


def _yes_no(ctx: _Context, value: Any, key: str) -> str:
    return ctx.t["methods"]["values"][key if value else f"un{key}"]


def _validity(ctx: _Context, results: dict[str, Any]) -> list[Block]:
    blocks = []
    for _, survey in _surveys(results):
        if validity := _analysis(survey, "validity"):
            blocks += [_heading(ctx.text(survey["title"])),
                       _note(_validity_conventions(ctx, validity["conventions"]))]
            for scale in validity["scales"]:
                blocks += _validity_scale(ctx, survey, scale)
    return blocks


def _validity_conventions(ctx: _Context, conventions: dict[str, Any]) -> str:
    values = ctx.t["methods"]["values"]
    return ctx.t["validity"]["conventions"].format(
        corrected=_yes_no(ctx, conventions["corrected"], "corrected"),
        alpha=format_number(conventions["alpha"], 2, ctx.lang),
        tail=values.get(conventions["tail"], conventions["tail"]),
        missing=values.get(conventions["missing"], conventions["missing"]))


def _validity_scale(ctx: _Context, survey: dict[str, Any], scale: dict[str, Any]
                    ) -> list[Block]:
    t, name = ctx.t["validity"], _scale_name(ctx, survey, scale)
    if "error" in scale:
        return [_note(t["error"].format(scale=name, error=scale["error"]))]
    texts = _item_texts(ctx, survey)
    rows = [_row([ctx.int(i), row["item"], texts.get(row["item"], ""), ctx.int(row["n"]),
                  ctx.num(row["r"], "r"), ctx.num(row["r_table"], "r"), ctx.p(row["p_value"]),
                  t["valid"] if row["valid"] else t["invalid"]], "" if row["valid"] else "bad")
            for i, row in enumerate(scale["table"], start=1)]
    columns = [(t["number"], "num"), (t["item"], ""), (t["text"], "text"), (t["n"], "num"),
               (t["r"], "num"), (t["r_table"], "num"), (t["p"], "num"), (t["result"], "")]
    caption = t["caption"].format(scale=name, survey=ctx.text(survey["title"]))
    return [_table(ctx, caption, columns, rows)] + _notes(scale.get("notes"))


# --------------------------------------------------------------------------- reliability


def _reliability(ctx: _Context, results: dict[str, Any]) -> list[Block]:
    blocks = []
    for _, survey in _surveys(results):
        if reliability := _analysis(survey, "reliability"):
            blocks += [_heading(ctx.text(survey["title"])),
                       _note(_reliability_conventions(ctx, reliability["conventions"])),
                       _alpha_table(ctx, survey, reliability["scales"])]
            for scale in reliability["scales"]:
                blocks += _item_total(ctx, survey, scale)
    return blocks


def _reliability_conventions(ctx: _Context, conventions: dict[str, Any]) -> str:
    values = ctx.t["methods"]["values"]
    return ctx.t["reliability"]["conventions"].format(
        missing=values.get(conventions["missing"], conventions["missing"]),
        threshold=format_number(conventions["threshold"], 2, ctx.lang))


def _alpha_table(ctx: _Context, survey: dict[str, Any], scales: list[dict[str, Any]]) -> Block:
    t = ctx.t["reliability"]
    level = next((s["ci_level"] for s in scales if "ci_level" in s), 0.95)
    rows = []
    for scale in scales:
        name = _scale_name(ctx, survey, scale)
        if "error" in scale:
            rows.append(_row([name] + [ctx.t["dash"]] * 6 + [scale["error"]], "bad"))
            continue
        ci = _ci(ctx, scale, "alpha")
        rows.append(_row([name, ctx.int(scale["k"]), ctx.int(scale["n"]),
                          ctx.num(scale["alpha"], "alpha"), ctx.num(scale["std_alpha"], "alpha"),
                          ci, ctx.num(scale["threshold"], "mean"),
                          t["reliable"] if scale["reliable"] else t["unreliable"]],
                         "" if scale["reliable"] else "bad"))
    columns = [(t["scale"], ""), (t["k"], "num"), (t["n"], "num"), (t["alpha"], "num"),
               (t["std_alpha"], "num"), (t["ci"].format(level=_level(ctx, level)), "num"),
               (t["threshold"], "num"), (t["result"], "")]
    return _table(ctx, t["caption"].format(survey=ctx.text(survey["title"])), columns, rows)


def _item_total(ctx: _Context, survey: dict[str, Any], scale: dict[str, Any]) -> list[Block]:
    if "error" in scale:
        return []
    t = ctx.t["reliability"]
    rows = [[f"{row['item']}*" if row["possibly_reverse_keyed"] else row["item"],
             ctx.num(row["scale_mean_if_deleted"], "alpha"),
             ctx.num(row["scale_var_if_deleted"], "alpha"),
             ctx.num(row["corrected_item_total_r"], "r"),
             ctx.num(row["squared_multiple_r"], "r"),
             ctx.num(row["alpha_if_deleted"], "alpha")] for row in scale["item_total"]]
    columns = [(t["item"], ""), (t["mean_if_deleted"], "num"), (t["var_if_deleted"], "num"),
               (t["corrected_r"], "num"), (t["smc"], "num"), (t["alpha_if_deleted"], "num")]
    notes = []
    if any(row["possibly_reverse_keyed"] for row in scale["item_total"]):
        notes.append(t["reverse_flag"])
    if scale.get("reverse_keyed"):
        notes.append(t["reverse_keyed"].format(items=", ".join(scale["reverse_keyed"])))
    caption = t["item_total"].format(scale=_scale_name(ctx, survey, scale),
                                     survey=ctx.text(survey["title"]))
    return [_table(ctx, caption, columns, rows, " ".join(notes))] + _notes(scale.get("notes"))


# --------------------------------------------------------------------------- frequencies


def _frequencies(ctx: _Context, results: dict[str, Any]) -> list[Block]:
    blocks = []
    for _, survey in _surveys(results):
        groups = _frequency_groups(survey)
        if groups:
            blocks.append(_heading(ctx.text(survey["title"])))
        for (role, points), items in groups.items():
            name = (ctx.t["roles"].get(role, role) if len(groups) > 1
                    else ctx.t["frequencies"]["all_items"])
            blocks += _frequency_group(ctx, survey, name, list(points), items)
    return blocks


def _frequency_groups(survey: dict[str, Any]) -> dict[tuple[str, tuple[str, ...]], list[dict]]:
    """Items sharing a role and the same scale points, in questionnaire order."""
    groups: dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]] = {}
    for item in survey["items"]:
        points = tuple(survey["scales"][item["scale"]]["points"])
        groups.setdefault((item["role"], points), []).append(item)
    return groups


def _frequency_group(ctx: _Context, survey: dict[str, Any], name: str, points: list[str],
                     items: list[dict[str, Any]]) -> list[Block]:
    t, title = ctx.t["frequencies"], ctx.text(survey["title"])
    texts = _item_texts(ctx, survey)
    rows = [[ctx.int(i), item["item"], texts[item["item"]]]
            + [ctx.int(item.get(f"count_{p}")) for p in points]
            + [ctx.int(item["n"]), ctx.int(item["missing"]), ctx.num(item["mean"]),
               ctx.num(item["sd"])] for i, item in enumerate(items, start=1)]
    columns = ([(t["number"], "num"), (t["item"], ""), (t["text"], "text")]
               + [(p, "num") for p in points]
               + [(t["n"], "num"), (t["missing"], "num"), (t["mean"], "num"), (t["sd"], "num")])
    scales = list(dict.fromkeys(item["scale"] for item in items))
    note = " ".join(_scale_note(ctx, survey, scale, items if len(scales) > 1 else None)
                    for scale in scales)
    blocks = [_table(ctx, t["caption"].format(group=name, survey=title), columns, rows, note)]
    chart_items = [{**item, "label": _likert_label(ctx, survey, item, texts)} for item in items]
    blocks += _chart(ctx, t["chart"].format(group=name, survey=title), charts.likert_bars,
                     chart_items, survey["scales"][scales[0]],
                     _point_labels(ctx, survey, scales, points), text_key="label",
                     axis_label=t["axis"])
    return blocks


def _likert_label(ctx: _Context, survey: dict[str, Any], item: dict[str, Any],
                  texts: dict[str, str]) -> str:
    """An IKM element's short name when the item has one, else the statement."""
    return _group(ctx, survey, item["element"]) if item.get("element") else texts[item["item"]]


def _scale_note(ctx: _Context, survey: dict[str, Any], scale: str,
                items: list[dict[str, Any]] | None = None) -> str:
    """A scale's point labels, named by the items using it when a group mixes scales (the
    scale's key in the questionnaire is an internal name, never printed)."""
    t, entry = ctx.t["frequencies"], survey["scales"][scale]
    names = entry.get(ctx.lang) or entry["id"]
    pairs = ", ".join(t["point_label"].format(point=p, label=label)
                      for p, label in zip(entry["points"], names, strict=True))
    if items is None:
        return t["scale_note_answers"].format(labels=pairs)
    used = ", ".join(item["item"] for item in items if item["scale"] == scale)
    return t["scale_note_items"].format(items=used, labels=pairs)


def _point_labels(ctx: _Context, survey: dict[str, Any], scales: list[str], points: list[str]
                  ) -> list[str]:
    """The scale's own labels; with several scales in a group, numbers marked low/high."""
    if len(scales) == 1:
        entry = survey["scales"][scales[0]]
        return list(entry.get(ctx.lang) or entry["id"])
    t = ctx.t["frequencies"]
    return ([t["lowest"].format(point=points[0])] + list(points[1:-1])
            + [t["highest"].format(point=points[-1])])


# --------------------------------------------------------------------------- SERVQUAL


def _servqual(ctx: _Context, results: dict[str, Any]) -> list[Block]:
    blocks = []
    for _, survey in _surveys(results):
        if servqual := _analysis(survey, "servqual"):
            blocks += ([_heading(ctx.text(survey["title"])),
                        _note(_servqual_conventions(ctx, servqual["conventions"]))]
                       + _servqual_dimensions(ctx, survey, servqual)
                       + _servqual_items(ctx, survey, servqual)
                       + [_servqual_overall(ctx, survey, servqual["overall"])]
                       + _servqual_by(ctx, survey, servqual["by"])
                       + _notes(servqual.get("notes")))
    return blocks


def _servqual_conventions(ctx: _Context, conventions: dict[str, Any]) -> str:
    values = ctx.t["methods"]["values"]
    return ctx.t["servqual"]["conventions"].format(
        model=values.get(conventions["model"], conventions["model"]),
        zero_method=values.get(conventions["zero_method"], conventions["zero_method"]),
        wilcoxon_method=values.get(conventions["wilcoxon_method"], conventions["wilcoxon_method"]),
        level=_level(ctx, conventions["level"]),
        matched_by=values.get(conventions["matched_by"], conventions["matched_by"]))


def _gap_cell(ctx: _Context, gap: Any) -> Cell:
    return _cell(ctx.num(gap, "gap"), "neg" if _finite(gap) and float(gap) < 0 else "")


def _ci(ctx: _Context, row: dict[str, Any], kind: str = "gap") -> str:
    """A confidence interval as ``[-0,43; -0,13]`` (``[-0.43, -0.13]`` in English)."""
    return ctx.t["interval"].format(low=ctx.num(row["ci_low"], kind),
                                    high=ctx.num(row["ci_high"], kind))


def _gap_labels(ctx: _Context) -> dict[str, str]:
    t = ctx.t["servqual"]
    return {"perception": t["perception"], "expectation": t["expectation"], "gap": t["gap_short"]}


def _servqual_dimensions(ctx: _Context, survey: dict[str, Any], servqual: dict[str, Any]
                         ) -> list[Block]:
    t, title = ctx.t["servqual"], ctx.text(survey["title"])
    rows = [{**row, "label": _group(ctx, survey, row["dimension"])}
            for row in servqual["dimensions"]]
    if not rows:
        return []
    level = _level(ctx, servqual["conventions"]["level"])
    body = [[row["label"], ctx.int(row["k"]), ctx.int(row["n"]), ctx.num(row["p_mean"]),
             ctx.num(row["e_mean"]), _gap_cell(ctx, row["gap"]), _ci(ctx, row),
             ctx.p(row["p_holm"]), ctx.p(row["wilcoxon_p_holm"]), ctx.pct(row["conformity"])]
            for row in rows]
    columns = [(t["dimension"], ""), (t["k"], "num"), (t["n"], "num"), (t["p_mean"], "num"),
               (t["e_mean"], "num"), (t["gap"], "num"), (t["ci"].format(level=level), "num"),
               (t["p_holm"], "num"), (t["wilcoxon"], "num"), (t["conformity"], "num")]
    return ([_table(ctx, t["dimensions_caption"].format(survey=title), columns, body)]
            + _chart(ctx, t["chart_dimensions"].format(survey=title), charts.gap_bars, rows,
                     "label", _gap_labels(ctx), lang=ctx.lang))


def _servqual_items(ctx: _Context, survey: dict[str, Any], servqual: dict[str, Any]
                    ) -> list[Block]:
    t, title = ctx.t["servqual"], ctx.text(survey["title"])
    texts = _pair_texts(ctx, survey, servqual["items"])
    level = _level(ctx, servqual["conventions"]["level"])
    body = [[ctx.int(i), row["item"], texts.get(row["item"], ""),
             _group(ctx, survey, row.get("dimension")), ctx.num(row["p_mean"]),
             ctx.num(row["e_mean"]), _gap_cell(ctx, row["gap"]), _ci(ctx, row),
             ctx.p(row["p_holm"]), ctx.p(row["wilcoxon_p_holm"])]
            for i, row in enumerate(servqual["items"], start=1)]
    columns = [(t["number"], "num"), (t["item"], ""), (t["text"], "text"), (t["dimension"], ""),
               (t["p_mean"], "num"), (t["e_mean"], "num"), (t["gap"], "num"),
               (t["ci"].format(level=level), "num"), (t["p_holm"], "num"),
               (t["wilcoxon"], "num")]
    rows = [{**row, "label": f"{row['item']} {texts.get(row['item'], '')}".strip()}
            for row in servqual["items"]]
    return ([_table(ctx, t["items_caption"].format(survey=title), columns, body)]
            + _chart(ctx, t["chart_items"].format(survey=title), charts.gap_bars, rows,
                     "label", _gap_labels(ctx), lang=ctx.lang))


def _servqual_overall(ctx: _Context, survey: dict[str, Any], overall: dict[str, Any]) -> Block:
    t = ctx.t["servqual"]
    rows = [[t["p_mean"], ctx.num(overall["p_mean"])], [t["e_mean"], ctx.num(overall["e_mean"])],
            [t["unweighted"], _gap_cell(ctx, overall["unweighted"])],
            [t["item_mean_gap"], _gap_cell(ctx, overall["item_mean_gap"])]]
    if overall.get("weighted") is not None:
        rows.append([t["weighted"], _gap_cell(ctx, overall["weighted"])])
    caption = t["overall_caption"].format(survey=ctx.text(survey["title"]))
    return _table(ctx, caption, [(t["measure"], ""), (t["value"], "num")], rows)


def _servqual_by(ctx: _Context, survey: dict[str, Any], by: dict[str, Any]) -> list[Block]:
    t, title = ctx.t["servqual"], ctx.text(survey["title"])
    fields, categories = _field_names(ctx, survey), _category_names(ctx, survey)
    blocks = []
    for field, rows in by.items():
        name = fields.get(field, field)
        if isinstance(rows, dict):
            blocks.append(_note(t["error"].format(field=name, error=rows.get("error", ""))))
            continue
        body = [[categories.get((field, row[field]), row[field]), ctx.int(row["summary.n"]),
                 ctx.num(row["summary.p_mean"]), ctx.num(row["summary.e_mean"]),
                 _gap_cell(ctx, row["summary.unweighted"]),
                 _gap_cell(ctx, row["summary.item_mean_gap"])] for row in rows]
        columns = [(t["category"], ""), (t["n"], "num"), (t["p_mean"], "num"),
                   (t["e_mean"], "num"), (t["unweighted"], "num"), (t["item_mean_gap"], "num")]
        blocks.append(_table(ctx, t["by_caption"].format(field=name, survey=title), columns, body))
    return blocks


# --------------------------------------------------------------------------- IPA and CSI


def _ipa(ctx: _Context, results: dict[str, Any]) -> list[Block]:
    blocks = []
    for _, survey in _surveys(results):
        if ipa := _ipa_of(survey):
            blocks += ([_heading(ctx.text(survey["title"]))] + _ipa_diagram(ctx, survey, ipa)
                       + [_ipa_items(ctx, survey, ipa)] + _csi(ctx, survey, ipa["csi"]))
    return blocks


def _quadrant_names(ctx: _Context, items: list[dict[str, Any]]) -> dict[str, str]:
    """Quadrant number -> name, from the results' items (in this language)."""
    key = "label_en" if ctx.lang == "en" else "label_id"
    return {row["quadrant_number"]: row[key] for row in items if row.get(key)}


def _ipa_diagram(ctx: _Context, survey: dict[str, Any], ipa: dict[str, Any]) -> list[Block]:
    t, title = ctx.t["ipa"], ctx.text(survey["title"])
    names = _quadrant_names(ctx, ipa["items"])
    labels = {**names, "x": t["x_axis"], "y": t["y_axis"]}
    blocks = _chart(ctx, t["chart"].format(survey=title), charts.ipa_scatter, ipa["items"],
                    ipa["crosshair"], labels, lang=ctx.lang)
    rows = [[q, names.get(q, ""),
             ", ".join(r["item"] for r in ipa["items"] if r["quadrant_number"] == q)
             or t["no_items"]] for q in _QUADRANTS]
    columns = [(t["quadrant"], ""), (t["name"], ""), (t["items"], "")]
    crosshair = ipa["crosshair"]
    note = t["crosshair"].format(x=ctx.num(crosshair["x"]), y=ctx.num(crosshair["y"]))
    return blocks + [_table(ctx, t["quadrants_caption"].format(survey=title), columns, rows, note)]


def _ipa_items(ctx: _Context, survey: dict[str, Any], ipa: dict[str, Any]) -> Block:
    t = ctx.t["ipa"]
    texts = _pair_texts(ctx, survey, ipa["items"])
    names = _quadrant_names(ctx, ipa["items"])
    rows = [[ctx.int(i), row["item"], texts.get(row["item"], ""), ctx.num(row["x"]),
             ctx.num(row["y"]), ctx.pct(row["conformity"]),
             f"{row['quadrant_number']} {names.get(row['quadrant_number'], '')}".strip()]
            for i, row in enumerate(ipa["items"], start=1)]
    columns = [(ctx.t["servqual"]["number"], "num"), (t["item"], ""), (t["text"], "text"),
               (t["x"], "num"), (t["y"], "num"), (t["conformity"], "num"), (t["quadrant"], "")]
    return _table(ctx, t["items_caption"].format(survey=ctx.text(survey["title"])), columns, rows)


def _csi(ctx: _Context, survey: dict[str, Any], csi: dict[str, Any]) -> list[Block]:
    t = ctx.t["ipa"]
    rows = [[row["item"], ctx.num(row["mis"]), ctx.num(row["mss"]),
             ctx.num(row["wf"], "weighted_nrr"), ctx.num(row["ws"], "weighted_nrr")]
            for row in csi["items"]]
    columns = [(t["item"], ""), (t["mis"], "num"), (t["mss"], "num"), (t["wf"], "num"),
               (t["ws"], "num")]
    note = t["csi_sentence"].format(value=ctx.pct(csi["value"], "score"), band=_csi_label(ctx, csi))
    caption = t["csi_caption"].format(survey=ctx.text(survey["title"]))
    return [_table(ctx, caption, columns, rows, note)] + _notes(csi.get("notes"))


# --------------------------------------------------------------------------- IKM


def _ikm(ctx: _Context, results: dict[str, Any]) -> list[Block]:
    blocks = []
    for _, survey in _surveys(results):
        if ikm := _analysis(survey, "ikm"):
            bands = {**_standard_bands(ctx, ikm["summary"]["standard"]),
                     **_band_names(ctx, [ikm["summary"], *ikm["elements"]])}
            blocks += ([_heading(ctx.text(survey["title"]))]
                       + _ikm_elements(ctx, survey, ikm, bands)
                       + [_ikm_intervals(ctx, survey, ikm["intervals"], bands)]
                       + _ikm_sample(ctx, survey, ikm.get("sample"))
                       + _ikm_by(ctx, survey, _without_unit_field(ikm), bands)
                       + _ikm_units(ctx, survey, ikm.get("units"), bands)
                       + _ikm_trend(ctx, survey, ikm.get("trend"), bands)
                       + _notes(ikm.get("notes")))
    return blocks


def _standard_bands(ctx: _Context, standard: str) -> dict[str, str]:
    """Every band's label in the standard's table (for legends that list absent bands too)."""
    rules = IKM_STANDARDS.get(standard)
    table = BANDS.get(rules.band_table) if rules else None
    key = "label_en" if ctx.lang == "en" else "label_id"
    return {band.code: getattr(band, key) for band in table.bands} if table else {}


def _ikm_elements(ctx: _Context, survey: dict[str, Any], ikm: dict[str, Any],
                  bands: dict[str, str]) -> list[Block]:
    t, title, s = ctx.t["ikm"], ctx.text(survey["title"]), ikm["summary"]
    rows = [[e["element"], _group(ctx, survey, e["element"]), ctx.int(e["n"]),
             ctx.num(e["nrr"], "nrr"), ctx.num(e["weight"], "weight"),
             ctx.num(e["weighted_nrr"], "weighted_nrr"), ctx.num(e["converted"], "converted"),
             _band(ctx, e["band"], bands)] for e in ikm["elements"]]
    rows.append(_row([t["total"], "", ctx.int(s["n"]), "", "", ctx.num(s["index"], "index"),
                      ctx.num(s["converted"], "converted"), _band(ctx, s["band"], bands)], "total"))
    columns = [(t["code"], "code"), (t["element"], "text"), (t["n"], "num"), (t["nrr"], "num"),
               (t["weight"], "num"), (t["weighted_nrr"], "num"), (t["converted"], "num"),
               (t["band"], "")]
    names = {e["element"]: _group(ctx, survey, e["element"]) for e in ikm["elements"]}
    return ([_table(ctx, t["elements_caption"].format(survey=title), columns, rows)]
            + _chart(ctx, t["chart"].format(survey=title), charts.nrr_bars, ikm["elements"],
                     names, band_labels=bands, lang=ctx.lang))


def _ikm_intervals(ctx: _Context, survey: dict[str, Any], intervals: list[dict[str, Any]],
                   bands: dict[str, str]) -> Block:
    t = ctx.t["ikm"]
    rows = [[t.get(i["method"], i["method"]),
             ctx.t["percent"].format(value=_level(ctx, i["level"])),
             ctx.num(i["converted"], "converted"), ctx.num(i["low"], "converted"),
             ctx.num(i["high"], "converted"), _band(ctx, i["band"], bands),
             ctx.pct(_as_percent(i["p_in_band"])), ctx.int(i.get("n_boot")),
             "" if i.get("seed") is None else str(i["seed"])] for i in intervals]
    columns = [(t["method"], ""), (t["level"], "num"), (t["converted"], "num"), (t["low"], "num"),
               (t["high"], "num"), (t["band"], ""), (t["p_in_band"], "num"),
               (t["n_boot"], "num"), (t["seed"], "num")]
    caption = t["intervals_caption"].format(survey=ctx.text(survey["title"]))
    return _table(ctx, caption, columns, rows)


def _ikm_sample(ctx: _Context, survey: dict[str, Any], sample: dict[str, Any] | None
                ) -> list[Block]:
    if not sample or sample.get("population") is None:
        return []
    t = ctx.t["ikm"]
    rows = [[ctx.int(sample["population"]), ctx.int(sample["required"]), ctx.int(sample["n"]),
             t["adequate_yes"] if sample["adequate"] else t["adequate_no"], sample["rule"]]]
    columns = [(t["population"], "num"), (t["required"], "num"), (t["respondents"], "num"),
               (t["adequate"], ""), (t["rule"], "")]
    caption = t["sample_caption"].format(survey=ctx.text(survey["title"]))
    return [_table(ctx, caption, columns, rows)]


def _ikm_by(ctx: _Context, survey: dict[str, Any], by: dict[str, Any], bands: dict[str, str]
            ) -> list[Block]:
    t, title = ctx.t["ikm"], ctx.text(survey["title"])
    fields, categories = _field_names(ctx, survey), _category_names(ctx, survey)
    blocks = []
    for field, rows in by.items():
        name = fields.get(field, field)
        if isinstance(rows, dict):
            blocks.append(_note(ctx.t["servqual"]["error"].format(field=name,
                                                                  error=rows.get("error", ""))))
            continue
        body = [[categories.get((field, row[field]), row[field]), ctx.int(row["summary.n"]),
                 ctx.num(row["summary.index"], "index"),
                 ctx.num(row["summary.converted"], "converted"),
                 _band(ctx, row["summary.band"], bands, row.get("summary.label"))]
                for row in rows]
        columns = [(t["category"], ""), (t["n"], "num"), (t["index"], "num"),
                   (t["converted"], "num"), (t["band"], "")]
        blocks.append(_table(ctx, t["by_caption"].format(field=name, survey=title), columns, body))
    return blocks


def _without_unit_field(ikm: dict[str, Any]) -> dict[str, Any]:
    """The breakdowns, less the unit field when the service-units block reports it."""
    units = ikm.get("units") or {}
    skip = None if units.get("error") else units.get("field")
    return {field: rows for field, rows in ikm["by"].items() if field != skip}


def _ikm_units(ctx: _Context, survey: dict[str, Any], block: dict[str, Any] | None,
               bands: dict[str, str]) -> list[Block]:
    """Service units (issue 16): the organisation's figure, ranking, NRR heat map, per unit."""
    if not block:
        return []
    t, title = ctx.t["units"], ctx.text(survey["title"])
    if block.get("error"):
        return [_subheading(t["heading"]), _note(t["error"].format(error=block["error"]))]
    units = block["units"]
    method = block["aggregate"]["method"]
    return ([_subheading(t["heading"]), _units_aggregate(ctx, block, bands),
             _note(t["method_note"][method]), _units_ranking(ctx, survey, block, bands)]
            + _units_chart(ctx, survey, block, bands)
            + ([_note(t["min_n_note"].format(min_n=ctx.int(block["min_n"])))]
               if block.get("min_n") else [])
            + [_text(t["heat_note"].format(title=title)), _units_heat(ctx, survey, block)]
            + [_units_change(ctx, survey, block, period, rows)
               for period, rows in (block.get("change") or {}).items()]
            + _units_pairs(ctx, survey, block)
            + [block_ for row in units for block_ in _unit_block(ctx, survey, row, block, bands)]
            + _notes(block.get("notes")))


def _unit_name(ctx: _Context, survey: dict[str, Any], field: str, value: Any) -> str:
    return _category_names(ctx, survey).get((field, value), str(value))


def _units_aggregate(ctx: _Context, block: dict[str, Any], bands: dict[str, str]) -> Block:
    t, a = ctx.t["units"], block["aggregate"]
    return _text(t["aggregate"].format(
        method=t["methods"].get(a["method"], a["method"]), converted=ctx.num(a["converted"],
                                                                              "converted"),
        band=_band(ctx, a["band"], bands), low=ctx.num(a["low"], "converted"),
        high=ctx.num(a["high"], "converted"), level=_level(ctx, block["level"]),
        n=ctx.int(a["n"]), units=ctx.int(a["units"])))


def _units_ranking(ctx: _Context, survey: dict[str, Any], block: dict[str, Any],
                   bands: dict[str, str]) -> Block:
    t, field = ctx.t["units"], block["field"]
    rows = []
    for u in block["units"]:
        name = _unit_name(ctx, survey, field, u["unit"]) + (" †" if u["below_min_n"] else "")
        adequate = "" if u["adequate"] is None else t["yes"] if u["adequate"] else t["no"]
        rows.append(_row([
            ctx.int(u["rank"]), name, ctx.int(u["n"]), ctx.int(u["sample_needed"]), adequate,
            ctx.num(u["converted"], "converted"),
            _ci(ctx, {"ci_low": u["low"], "ci_high": u["high"]}, "converted"),
            _cell(_band(ctx, u["band"], bands), f"heat-{u['band']}" if u["band"] else ""),
            ctx.pct(_as_percent(u["p_in_band"])), _gap_cell(ctx, u["diff"]),
            t["differs"].get(str(u["differs"]), ctx.t["dash"])],
            "small" if u["below_min_n"] else ""))
    columns = [(t["rank"], "num"), (t["unit"], "text"), (ctx.t["ikm"]["n"], "num"),
               (t["needed"], "num"), (ctx.t["ikm"]["adequate"], ""),
               (ctx.t["ikm"]["converted"], "num"), (t["interval"], "num"),
               (ctx.t["ikm"]["band"], ""), (ctx.t["ikm"]["p_in_band"], "num"),
               (t["diff"], "num"), (t["verdict"], "")]
    caption = t["ranking_caption"].format(survey=ctx.text(survey["title"]))
    return _table(ctx, caption, columns, rows)


def _units_chart(ctx: _Context, survey: dict[str, Any], block: dict[str, Any],
                 bands: dict[str, str]) -> list[Block]:
    """The ranking as bars coloured by band (units without an index are in the table only)."""
    ranked = [u for u in block["units"] if u["converted"] is not None]
    bars = [{"element": f"{int(u['rank'])}.", "converted": u["converted"], "band": u["band"]}
            for u in ranked]
    names = {f"{int(u['rank'])}.": _unit_name(ctx, survey, block["field"], u["unit"])
             + (" †" if u["below_min_n"] else "") for u in ranked}
    title = ctx.t["units"]["chart"].format(survey=ctx.text(survey["title"]))
    return _chart(ctx, title, charts.nrr_bars, bars, names, band_labels=bands, lang=ctx.lang)


def _units_heat(ctx: _Context, survey: dict[str, Any], block: dict[str, Any]) -> Block:
    t, field = ctx.t["units"], block["field"]
    bands = {row["unit"]: row for row in block["nrr_band"]}
    elements = [key for key in block["nrr"][0] if key != "unit"] if block["nrr"] else []
    rows = []
    for row in block["nrr"]:
        band_row = bands.get(row["unit"], {})
        cells = [_cell(f"{ctx.num(row[e], 'nrr')} {band_row.get(e) or ''}".strip(),
                       f"heat-{band_row[e]}" if band_row.get(e) else "") for e in elements]
        rows.append([_unit_name(ctx, survey, field, row["unit"]), *cells])
    columns = [(t["unit"], "text")] + [(str(e), "num heat") for e in elements]
    caption = t["heat_caption"].format(survey=ctx.text(survey["title"]))
    return _table(ctx, caption, columns, rows)


def _units_change(ctx: _Context, survey: dict[str, Any], block: dict[str, Any], period: str,
                  rows: list[dict[str, Any]]) -> Block:
    t, field = ctx.t["units"], block["field"]
    current = {u["unit"]: u for u in block["units"]}
    body = [[_unit_name(ctx, survey, field, r["unit"]), ctx.num(r["previous"], "converted"),
             ctx.num(current.get(r["unit"], {}).get("converted"), "converted"),
             _gap_cell(ctx, r["change"]),
             _ci(ctx, {"ci_low": r["change_low"], "ci_high": r["change_high"]}, "converted"),
             t["changed"].get(str(r["changed"]), ctx.t["dash"])] for r in rows]
    columns = [(t["unit"], "text"), (t["previous"].format(period=period), "num"),
               (ctx.t["ikm"]["converted"], "num"), (ctx.t["ikm"]["change"], "num"),
               (t["interval"], "num"), (t["verdict_change"], "")]
    caption = t["change_caption"].format(period=period, survey=ctx.text(survey["title"]))
    return _table(ctx, caption, columns, body)


def _units_pairs(ctx: _Context, survey: dict[str, Any], block: dict[str, Any]) -> list[Block]:
    """Pairs of units that differ after the Holm correction (all pairs are in results.json)."""
    pairs = block.get("pairs")
    if pairs is None:
        return []
    t, field = ctx.t["units"], block["field"]
    differing = [p for p in pairs if p["differs"]]
    intro = _text(t["pairs_note"].format(pairs=ctx.int(len(pairs)),
                                         differing=ctx.int(len(differing))))
    if not differing:
        return [intro]
    rows = [[_unit_name(ctx, survey, field, p["unit_a"]),
             _unit_name(ctx, survey, field, p["unit_b"]), _gap_cell(ctx, p["diff"]),
             ctx.p(p["p"]), ctx.p(p["p_adjusted"])] for p in differing]
    columns = [(t["unit_a"], "text"), (t["unit_b"], "text"), (t["diff_pair"], "num"),
               (t["p"], "num"), (t["p_holm"], "num")]
    caption = t["pairs_caption"].format(survey=ctx.text(survey["title"]))
    return [intro, _table(ctx, caption, columns, rows)]


def _unit_block(ctx: _Context, survey: dict[str, Any], u: dict[str, Any],
                block: dict[str, Any], bands: dict[str, str]) -> list[Block]:
    t = ctx.t["units"]
    name = _unit_name(ctx, survey, block["field"], u["unit"])
    if u["converted"] is None:
        return [_subheading(name), _note(t["no_index"].format(error=u.get("error") or ""))]
    nrr = next((r for r in block["nrr"] if r["unit"] == u["unit"]), {})
    lowest = ", ".join(f"{code} {_group(ctx, survey, code)} ({ctx.num(nrr.get(code), 'nrr')})"
                       for code in u["lowest_elements"])
    parts = [t["unit_line"].format(
        converted=ctx.num(u["converted"], "converted"), band=_band(ctx, u["band"], bands),
        n=ctx.int(u["n"]), rank=ctx.int(u["rank"]), of=ctx.int(len(block["units"])),
        lowest=lowest)]
    if u["differs"] in ("higher", "lower"):
        parts.append(t["unit_" + u["differs"]].format(
            diff=ctx.num(abs(u["diff"]), "converted"), low=ctx.num(u["diff_low"], "converted"),
            high=ctx.num(u["diff_high"], "converted")))
    elif u["differs"] == "no":
        parts.append(t["unit_same"])
    if u["below_min_n"]:
        parts.append(t["unit_small"].format(min_n=ctx.int(block["min_n"])))
    if u.get("no_spread"):
        parts.append(t["unit_flat"])
    if u["adequate"] is False:
        parts.append(t["unit_inadequate"].format(needed=ctx.int(u["sample_needed"])))
    parts += _unit_changes(ctx, block, u["unit"])
    return [_unit_page([_subheading(name), _text(" ".join(parts)),
                        _unit_elements(ctx, survey, u, block, bands, name),
                        _unit_plan(ctx, survey, u, block, bands, name)])]


def _unit_page(blocks: list[Block]) -> Block:
    """One unit's page: printed on a page of its own."""
    return {"kind": "page", "blocks": blocks}


def _unit_changes(ctx: _Context, block: dict[str, Any], unit: Any) -> list[str]:
    """The unit against each earlier period, one sentence each."""
    t, lines = ctx.t["units"], []
    for period, rows in (block.get("change") or {}).items():
        row = next((r for r in rows if r["unit"] == unit), None)
        if row is None or row["previous"] is None:
            continue
        lines.append(t["unit_change"].format(
            period=period, previous=ctx.num(row["previous"], "converted"),
            change=_signed(ctx, row["change"]),
            verdict=t["changed"].get(str(row["changed"]), ctx.t["dash"])))
    return lines


def _signed(ctx: _Context, value: float) -> str:
    text = ctx.num(abs(value), "converted")
    return f"+{text}" if value > 0 else f"−{text}" if value < 0 else text


def _unit_element_rows(block: dict[str, Any], unit: Any) -> tuple[dict, dict, dict]:
    """The unit's rows of the results' per-element tables: NRR, converted value, band."""
    return tuple(next((r for r in block[key] if r["unit"] == unit), {})  # type: ignore[return-value]
                 for key in ("nrr", "nrr_converted", "nrr_band"))


def _unit_elements(ctx: _Context, survey: dict[str, Any], u: dict[str, Any],
                   block: dict[str, Any], bands: dict[str, str], name: str) -> Block:
    """The unit's NRR, converted value and band per element; its lowest marked."""
    t = ctx.t["units"]
    nrr, converted, graded = _unit_element_rows(block, u["unit"])
    lowest = set(u["lowest_elements"])
    rows = [_row([f"{code} {_group(ctx, survey, code)}", ctx.num(value, "nrr"),
                  ctx.num(converted.get(code), "converted"),
                  _cell(_band(ctx, graded.get(code), bands),
                        f"heat-{graded[code]}" if graded.get(code) else ""),
                  t["lowest_mark"] if code in lowest else ""])
            for code, value in nrr.items() if code != "unit"]
    columns = [(ctx.t["ikm"]["element"], "text"), (ctx.t["ikm"]["nrr"], "num"),
               (ctx.t["ikm"]["converted"], "num"), (ctx.t["ikm"]["band"], ""),
               (t["lowest"], "")]
    return _table(ctx, t["unit_caption"].format(unit=name), columns, rows)


def _unit_plan(ctx: _Context, survey: dict[str, Any], u: dict[str, Any],
               block: dict[str, Any], bands: dict[str, str], name: str) -> Block:
    """The unit's follow-up plan (rencana tindak lanjut, PermenPAN-RB 14/2017): its lowest
    elements with their planned action, time and person (blank cells to fill)."""
    t = ctx.t["follow_up"]
    nrr, converted, graded = _unit_element_rows(block, u["unit"])
    rows = [[ctx.int(i), f"{code} {_group(ctx, survey, code)}", ctx.num(nrr.get(code), "nrr"),
             ctx.num(converted.get(code), "converted"), _band(ctx, graded.get(code), bands),
             *_plan(ctx, survey, code, u["unit"])]
            for i, code in enumerate(u["lowest_elements"], start=1)]
    columns = [(t["number"], "num"), (t["element"], "text"), (t["nrr"], "num"),
               (t["converted"], "num"), (t["band"], "")] + _plan_columns(ctx)
    return _table(ctx, ctx.t["units"]["plan_caption"].format(unit=name), columns, rows)


def _thresholds(ctx: _Context, survey: dict[str, Any]) -> list[tuple[float, str]]:
    """Lower bounds of the IKM standard's bands (converted scale), labelled by code."""
    rules = IKM_STANDARDS.get(survey["analyses"]["ikm"]["summary"]["standard"])
    table = BANDS.get(rules.band_table) if rules else None
    if table is None:
        return []
    return [(float(band.lower), f"{band.code} {_condition(ctx, table, band)}")
            for band in table.bands if band.lower is not None]


def _ikm_trend(ctx: _Context, survey: dict[str, Any], trend: dict[str, Any] | None,
               bands: dict[str, str]) -> list[Block]:
    if not trend:
        return []
    t, title = ctx.t["ikm"], ctx.text(survey["title"])
    rows = [[str(p["period"]), ctx.int(p["n"]), ctx.num(p["index"], "index"),
             ctx.num(p["converted"], "converted"), _gap_cell(ctx, p["converted_change"]),
             _band(ctx, p["band"], bands, p.get("label"))] for p in trend["summary"]]
    columns = [(t["period"], ""), (t["n"], "num"), (t["index"], "num"), (t["converted"], "num"),
               (t["change"], "num"), (t["band"], "")]
    blocks = [_table(ctx, t["trend_caption"].format(survey=title), columns, rows)]
    blocks += _chart(ctx, t["trend_chart"].format(survey=title), charts.trend_line,
                     trend["summary"], thresholds=_thresholds(ctx, survey), y_label=t["converted"],
                     lang=ctx.lang)
    periods = [str(p["period"]) for p in trend["summary"]]
    changes = {row["index"]: row.get(periods[-1]) for row in trend["change"]}
    body = [[row["index"], _group(ctx, survey, row["index"])]
            + [ctx.num(row.get(p), "nrr") for p in periods]
            + [_gap_cell(ctx, changes.get(row["index"]))] for row in trend["nrr"]]
    columns = ([(t["code"], ""), (t["element"], "text")] + [(p, "num") for p in periods]
               + [(t["change"], "num")])
    blocks.append(_table(ctx, t["trend_nrr_caption"].format(survey=title), columns, body))
    return blocks + _notes(trend.get("notes"))


# --------------------------------------------------------------------------- scorecard


def _scorecard(ctx: _Context, results: dict[str, Any]) -> list[Block]:
    card = results.get("scorecard")
    if not card:
        return []
    title = ctx.text(card["title"])
    perspectives = {p["id"]: ctx.text(p["name"]) for p in card["perspectives"]}
    scored = card.get("predicate") is not None  # else a design: nothing to weigh
    return ([_scorecard_summary(ctx, card, title)]
            + (_perspectives(ctx, card, title) if scored else [])
            + _objectives(ctx, card, title, perspectives)
            + ([_indicators(ctx, card, title)] if scored else _design(ctx, card, title))
            + _notes(card.get("notes"))
            + _scorecard_extras(ctx, results, title)
            + _lint(ctx, card, title))


def _design(ctx: _Context, card: dict[str, Any], title: str) -> list[Block]:
    """The indicators as designed, for a scorecard that is not scored."""
    from surveyq.report.bsc_sections import design_table

    return design_table(ctx, card, title)


def _scorecard_extras(ctx: _Context, results: dict[str, Any], title: str) -> list[Block]:
    """Trend, strategy map, score tables (surveyq.report.bsc_sections)."""
    from surveyq.report.bsc_sections import scorecard_blocks

    return scorecard_blocks(ctx, results, title)


def _finance(ctx: _Context, results: dict[str, Any]) -> list[Block]:
    from surveyq.report.bsc_sections import finance_blocks

    return finance_blocks(ctx, results)


def _strategy(ctx: _Context, results: dict[str, Any]) -> list[Block]:
    from surveyq.report.bsc_sections import strategy_blocks

    return strategy_blocks(ctx, results)


def _predicate_table(ctx: _Context, predicate: dict[str, Any]) -> str:
    """The predicate table as a reader names it (its title, then its source), not its key."""
    name = str(predicate.get("table") or "")
    title = ctx.t["band_tables"].get(name, name)
    return f"{title} — {predicate.get('source')}" if predicate.get("source") else title


def _scorecard_summary(ctx: _Context, card: dict[str, Any], title: str) -> Block:
    t, predicate = ctx.t["scorecard"], card["predicate"]
    if predicate is None:  # not computed: the reason instead of a score
        rows = [[t["scheme"], t["schemes"].get(card["scheme"], card["scheme"])],
                [t["period"], str(card.get("period") or ctx.t["dash"])],
                [t["score"], _cell(t["not_computed"], "")],
                [t["reason"], str(card.get("not_computed") or "")]]
        return _table(ctx, t["summary_caption"].format(title=title),
                      [(t["measure"], ""), (t["value"], "")], rows)
    rows = [[t["scheme"], t["schemes"].get(card["scheme"], card["scheme"])],
            [t["period"], str(card.get("period") or ctx.t["dash"])],
            [t["score"], _cell(ctx.num(card["score"], "score"), "num")],
            [t["predicate"], ctx.text(predicate["label"])],
            [t["predicate_table"], _predicate_table(ctx, predicate)],
            [t["normalised"], ctx.t["yes_word"] if card.get("normalised") else ctx.t["no_word"]]]
    return _table(ctx, t["summary_caption"].format(title=title),
                  [(t["measure"], ""), (t["value"], "")], rows)


def _perspectives(ctx: _Context, card: dict[str, Any], title: str) -> list[Block]:
    t = ctx.t["scorecard"]
    rows = [[ctx.text(p["name"]), ctx.num(p["weight"], "score"), ctx.num(p["value"], "score"),
             ctx.num(p["contribution"], "score")] for p in card["perspectives"]]
    rows.append(_row([ctx.t["scorecard"]["score"], "", "", ctx.num(card["score"], "score")],
                     "total"))
    columns = [(t["perspective"], ""), (t["weight"], "num"), (t["value"], "num"),
               (t["contribution"], "num")]
    return ([_table(ctx, t["perspectives_caption"].format(title=title), columns, rows)]
            + _chart(ctx, t["chart"].format(title=title), charts.perspective_bars,
                     card["perspectives"], name_key=ctx.lang,
                     colour_labels=_colour_legend(ctx, card), lang=ctx.lang))


def _colour_legend(ctx: _Context, card: dict[str, Any]) -> dict[str, str]:
    """Traffic-light legend: the translated colour names with the ICI table's conditions."""
    table = BANDS.get("ici-colour")
    conditions = {band.code: _condition(ctx, table, band) for band in table.bands} if table else {}
    return {code: f"{name} {conditions.get(code, '')}".strip()
            for code, name in ctx.t["scorecard"]["colours"].items()}


def _objectives(ctx: _Context, card: dict[str, Any], title: str, perspectives: dict[str, str]
                ) -> list[Block]:
    if not card["objectives"]:
        return []
    t = ctx.t["scorecard"]
    rows = [[o["id"], ctx.text(o["name"]), perspectives.get(o["perspective"], o["perspective"]),
             ctx.num(o["value"], "score")] for o in card["objectives"]]
    columns = [(t["code"], "code"), (t["objective"], "text"), (t["perspective"], ""),
               (t["value"], "num")]
    if card.get("predicate") is None:  # not scored: no values to show
        rows, columns = [row[:3] for row in rows], columns[:3]
    return [_table(ctx, t["objectives_caption"].format(title=title), columns, rows)]


def _target(ctx: _Context, indicator: dict[str, Any]) -> str:
    if indicator.get("target_low") is not None and indicator.get("target_high") is not None:
        return _range(ctx, ctx.num(indicator["target_low"], "score"),
                      ctx.num(indicator["target_high"], "score"))
    return ctx.num(indicator.get("target"), "score")


def _indicators(ctx: _Context, card: dict[str, Any], title: str) -> Block:
    """Traffic lights per IKU; objectives by code (their names are in the table before)."""
    t = ctx.t["scorecard"]
    rows = []
    for i in card["indicators"]:
        colour = str(i.get("colour") or "")
        rows.append([i["id"], ctx.text(i["name"]), i["objective"],
                     _target(ctx, i), ctx.num(i["realisation"], "score"), ctx.text(i.get("unit")),
                     t["polarities"].get(i["polarity"], i["polarity"]),
                     ctx.num(i["weight"], "score"), ctx.num(i["ici"], "score"),
                     _cell(t["colours"].get(colour, colour), f"light {colour}")])
    columns = [(t["code"], "code"), (t["indicator"], "text"), (t["objective"], "code"),
               (t["target"], "num"), (t["realisation"], "num"), (t["unit"], ""),
               (t["polarity"], ""), (t["weight"], "num"), (t["ici"], "num"), (t["status"], "")]
    return _table(ctx, t["indicators_caption"].format(title=title), columns, rows)


def _lint(ctx: _Context, card: dict[str, Any], title: str) -> list[Block]:
    if not card.get("lint"):
        return []
    t = ctx.t["scorecard"]
    from surveyq.report.bsc_sections import lint_message

    rows = [_row([t["severities"].get(f["severity"], f["severity"]), f["code"],
                  lint_message(ctx, f)], f"severity-{f['severity']}") for f in card["lint"]]
    columns = [(t["severity"], ""), (t["code"], ""), (t["message"], "text")]
    return [_table(ctx, t["lint_caption"].format(title=title), columns, rows)]


# --------------------------------------------------------------------------- thesis chapter 4


def _thesis(ctx: _Context, results: dict[str, Any]) -> list[Block]:
    """Descriptives, normality, construct validity, omega, regression and group comparisons."""
    blocks = []
    for _, survey in _surveys(results):
        parts = []
        for name, build in _THESIS_PARTS:
            if analysis := _analysis(survey, name):
                parts += build(ctx, survey, analysis)
        if parts:
            blocks += [_heading(ctx.text(survey["title"])), *parts]
    return blocks


def _variable_name(ctx: _Context, record: dict[str, Any]) -> str:
    return ctx.text(record.get("label")) or str(record["variable"])


def _scores_text(ctx: _Context, records: Iterable[dict[str, Any]]) -> str:
    t = ctx.t["thesis"]
    scores = {record["variable"]: record["score"] for record in records}
    if len(set(scores.values())) == 1:
        return t["score_all"].format(score=t["score"][next(iter(scores.values()))])
    return "; ".join(t["score_of"].format(variable=name, score=t["score"][score])
                     for name, score in scores.items())


def _thesis_errors(ctx: _Context, records: Iterable[dict[str, Any]]) -> list[Block]:
    return [_note(ctx.t["thesis"]["error"].format(variable=_variable_name(ctx, r),
                                                  error=r["error"]))
            for r in records if "error" in r]


def _ok(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [record for record in records if "error" not in record]


def _category_label(ctx: _Context, record: dict[str, Any]) -> str:
    return str(record.get(f"label_{ctx.lang}") or record.get("label_id") or ctx.t["dash"])


def _thesis_descriptives(ctx: _Context, survey: dict[str, Any], analysis: dict[str, Any]
                         ) -> list[Block]:
    t, title = ctx.t["thesis"], ctx.text(survey["title"])
    records = _ok(analysis["variables"])
    rows = [[_variable_name(ctx, r), ctx.int(r["n"]), ctx.num(r["min"], "mean"),
             ctx.num(r["max"], "mean"), ctx.num(r["mean"], "mean"), ctx.num(r["sd"], "mean"),
             _category_label(ctx, r)] for r in records]
    columns = [(t["variable"], ""), (t["n"], "num"), (t["minimum"], "num"), (t["maximum"], "num"),
               (t["mean"], "num"), (t["sd"], "num"), (t["category"], "")]
    blocks = [_table(ctx, t["descriptives_caption"].format(survey=title), columns, rows,
                     _descriptives_note(ctx, records))] if records else []
    texts = _item_texts(ctx, survey)
    item_rows = [[r["variable"], r["item"], texts.get(r["item"], ""), ctx.int(r["n"]),
                  ctx.num(r["mean"], "mean"), ctx.num(r["sd"], "mean"), _category_label(ctx, r)]
                 for r in analysis["items"]]
    item_columns = [(t["variable"], ""), (t["item"], ""), (t["statement"], "text"),
                    (t["n"], "num"), (t["mean"], "num"), (t["sd"], "num"), (t["category"], "")]
    if item_rows:
        blocks.append(_table(ctx, t["items_caption"].format(survey=title), item_columns,
                             item_rows))
    return blocks + _thesis_errors(ctx, analysis["variables"])


def _descriptives_note(ctx: _Context, records: list[dict[str, Any]]) -> str:
    t = ctx.t["thesis"]
    sample = next((r for r in records if r.get("classes")), None)
    scores = _scores_text(ctx, records)
    if sample is None:
        return scores
    classes = ", ".join(
        f"{_range(ctx, ctx.num(c['printed_lower'], 'mean'), ctx.num(c['upper'], 'mean'))} "
        f"{c.get(f'label_{ctx.lang}') or c['label_id']}" for c in sample["classes"])
    return t["descriptives_note"].format(scores=scores, k=len(sample["classes"]),
                                         width=ctx.num(sample["width"], "mean"), classes=classes)


def _ks_p(ctx: _Context, value: Any) -> str:
    """Lilliefors p as SPSS prints it: the table's end (.200) with * above it."""
    if _finite(value) and float(value) > 0.2:
        return f"{ctx.num(0.2, 'p')}*"
    return ctx.p(value)


def _thesis_normality(ctx: _Context, survey: dict[str, Any], analysis: dict[str, Any]
                      ) -> list[Block]:
    t, title = ctx.t["thesis"], ctx.text(survey["title"])
    records = _ok(analysis["variables"])
    alpha = format_number(analysis["conventions"]["alpha"], 2, ctx.lang)
    rows = [_row([_variable_name(ctx, r), ctx.num(r["ks_statistic"], "r"), ctx.int(r["ks_df"]),
                  _ks_p(ctx, r["ks_p_value"]), ctx.num(r["sw_statistic"], "r"),
                  ctx.int(r["sw_df"]), ctx.p(r["sw_p_value"]),
                  ctx.t["yes_word"] if r["normal"] else ctx.t["no_word"]])
            for r in records]
    columns = [(t["variable"], ""), (t["ks"], "num"), (t["ks_df"], "num"), (t["ks_p"], "num"),
               (t["sw"], "num"), (t["sw_df"], "num"), (t["sw_p"], "num"),
               (t["normal"].format(alpha=alpha), "")]
    note = t["normality_note"].format(scores=_scores_text(ctx, records))
    blocks = [_table(ctx, t["normality_caption"].format(survey=title), columns, rows, note)]
    return (blocks if records else []) + _thesis_errors(ctx, analysis["variables"])


def _thesis_construct(ctx: _Context, survey: dict[str, Any], analysis: dict[str, Any]
                      ) -> list[Block]:
    t, title = ctx.t["thesis"], ctx.text(survey["title"])
    conventions, records = analysis["conventions"], _ok(analysis["variables"])
    rows = [[_variable_name(ctx, r), ctx.int(r["n"]), ctx.num(r["kmo"], "r"),
             ctx.num(r["bartlett_chi2"], "stat"), ctx.int(r["bartlett_df"]),
             ctx.p(r["bartlett_p"]), ctx.int(r["n_factors"]),
             ctx.pct(r["variance"][r["n_factors"] - 1]["cumulative_pct"], "percent")]
            for r in records]
    columns = [(t["variable"], ""), (t["n"], "num"), (t["kmo"], "num"), (t["chi2"], "num"),
               (t["df"], "num"), (t["sig"], "num"), (t["components"], "num"),
               (t["explained"], "num")]
    note = t["kmo_note"].format(kmo=format_number(conventions["kmo_threshold"], 2, ctx.lang),
                                alpha=format_number(0.05, 2, ctx.lang))
    blocks = [_table(ctx, t["kmo_caption"].format(survey=title), columns, rows, note)] \
        if records else []
    single = [r for r in records if r["n_factors"] == 1]
    if single:
        blocks.append(_single_component_table(ctx, survey, single,
                                              conventions["loading_threshold"]))
    for record in records:
        if record["n_factors"] > 1:
            blocks.append(_loadings_table(ctx, survey, record, conventions["loading_threshold"]))
    return blocks + _thesis_errors(ctx, analysis["variables"])


def _single_component_table(ctx: _Context, survey: dict[str, Any],
                            records: list[dict[str, Any]], threshold: float) -> Block:
    """Variables whose items form one component: their loadings in one Component Matrix."""
    t = ctx.t["thesis"]
    rows = []
    for record in records:
        msa = {row["item"]: row["msa"] for row in record["msa"]}
        rows += [[record["variable"], row["item"],
                  _cell(ctx.num(row["C1"], "r"), "strong" if abs(row["C1"]) >= threshold else ""),
                  ctx.num(row["communality"], "r"), ctx.num(msa.get(row["item"]), "r")]
                 for row in record["loadings"]]
    columns = [(t["variable"], ""), (t["item"], ""), ("C1", "num"), (t["communality"], "num"),
               (t["msa"], "num")]
    caption = t["single_caption"].format(survey=ctx.text(survey["title"]))
    note = t["single_note"].format(threshold=format_number(threshold, 2, ctx.lang))
    return _table(ctx, caption, columns, rows, note)


def _loadings_table(ctx: _Context, survey: dict[str, Any], record: dict[str, Any],
                    threshold: float) -> Block:
    t = ctx.t["thesis"]
    components = [f"C{j}" for j in range(1, record["n_factors"] + 1)]
    msa = {row["item"]: row["msa"] for row in record["msa"]}
    rows = []
    joint = bool(record.get("joint"))
    for row in record["loadings"]:
        cells = [_cell(ctx.num(row[c], "r"), "strong" if abs(row[c]) >= threshold else "")
                 for c in components]
        rows.append([*([row["variable"]] if joint else []), row["item"], *cells,
                     ctx.num(row["communality"], "r"), ctx.num(msa.get(row["item"]), "r")])
    columns = [*([(t["variable"], "")] if joint else []), (t["item"], ""),
               *[(c, "num") for c in components], (t["communality"], "num"),
               (t["msa"], "num")]
    key = "loadings_caption" if len(components) > 1 else "component_caption"
    caption = t[key].format(variable=_variable_name(ctx, record),
                            survey=ctx.text(survey["title"]))
    note = t["loadings_note"].format(threshold=format_number(threshold, 2, ctx.lang))
    return _table(ctx, caption, columns, rows, note if len(components) > 1 else "")


def _thesis_omega(ctx: _Context, survey: dict[str, Any], analysis: dict[str, Any]
                  ) -> list[Block]:
    t, records = ctx.t["thesis"], _ok(analysis["variables"])
    rows = [[_variable_name(ctx, r), ctx.int(r["k"]), ctx.int(r["n"]),
             ctx.num(r["omega_total"], "alpha"), ctx.num(r["composite_reliability"], "alpha"),
             ctx.num(r["ave"], "alpha"), ctx.num(r["sqrt_ave"], "alpha")] for r in records]
    columns = [(t["variable"], ""), (t["k"], "num"), (t["n"], "num"), (t["omega"], "num"),
               (t["cr"], "num"), (t["ave"], "num"), (t["sqrt_ave"], "num")]
    caption = t["omega_caption"].format(survey=ctx.text(survey["title"]))
    blocks = [_table(ctx, caption, columns, rows, t["omega_note"])] if records else []
    return blocks + _thesis_errors(ctx, analysis["variables"])


def _thesis_regression(ctx: _Context, survey: dict[str, Any], analysis: dict[str, Any]
                       ) -> list[Block]:
    t, title = ctx.t["thesis"], ctx.text(survey["title"])
    name = {key: ctx.text(label) or key for key, label in analysis["labels"].items()}
    summary = analysis["summary"]
    heading = t["regression_heading"].format(y=name[analysis["y"]],
                                             x=", ".join(name[x] for x in analysis["x"]))
    blocks = [_subheading(heading), _table(
        ctx, t["summary_caption"].format(survey=title),
        [(t["n"], "num"), (t["r"], "num"), (t["r2"], "num"), (t["adj_r2"], "num"),
         (t["se_estimate"], "num"), (t["durbin_watson"], "num")],
        [[ctx.int(summary["n"]), ctx.num(summary["r"], "r"), ctx.num(summary["r2"], "r"),
          ctx.num(summary["adj_r2"], "r"), ctx.num(summary["se_estimate"], "stat"),
          ctx.num(summary["durbin_watson"], "stat")]])]
    def blank(value: Any, text: str) -> str:  # SPSS leaves cells without a value empty
        return text if _finite(value) else ""

    rows = [[t["sources"][r["source"]], ctx.num(r["ss"], "stat"), ctx.int(r["df"]),
             blank(r["ms"], ctx.num(r["ms"], "stat")), blank(r["f"], ctx.num(r["f"], "stat")),
             blank(r["p_value"], ctx.p(r["p_value"]))] for r in analysis["anova"]]
    blocks.append(_table(ctx, t["anova_caption"].format(survey=title),
                         [(t["source"], ""), (t["ss"], "num"), (t["df"], "num"),
                          (t["ms"], "num"), (t["f"], "num"), (t["sig"], "num")], rows))
    blocks += _coefficients(ctx, survey, analysis, name)
    return blocks


def _coefficients(ctx: _Context, survey: dict[str, Any], analysis: dict[str, Any],
                  name: dict[str, str]) -> list[Block]:
    t, title = ctx.t["thesis"], ctx.text(survey["title"])
    alpha = format_number(0.05, 2, ctx.lang)

    def term(key: str) -> str:
        return t["constant"] if key == "const" else name.get(key, key)

    rows = [[term(r["term"]), ctx.num(r["B"], "stat"), ctx.num(r["se"], "stat"),
             ctx.num(r["beta"], "stat"), ctx.num(r["t"], "stat"), ctx.p(r["p_value"]),
             ctx.num(r["tolerance"], "stat"), ctx.num(r["vif"], "stat")]
            for r in analysis["coefficients"]]
    columns = [(t["term"], ""), (t["b"], "num"), (t["se"], "num"), (t["beta"], "num"),
               (t["t"], "num"), (t["sig"], "num"), (t["tolerance"], "num"), (t["vif"], "num")]
    scores = _scores_text(ctx, [{"variable": name[k], "score": v}
                                for k, v in analysis["score"].items()])
    note = " ".join([t["coefficients_note"].format(y=name[analysis["y"]]),
                     t["regression_scores"].format(scores=scores)])
    blocks = [_table(ctx, t["coefficients_caption"].format(survey=title), columns, rows, note)]
    glejser = [[term(r["term"]), ctx.num(r["B"], "stat"), ctx.num(r["t"], "stat"),
                ctx.p(r["p_value"])] for r in analysis["glejser"]]
    blocks.append(_table(ctx, t["glejser_caption"].format(survey=title),
                         [(t["term"], ""), (t["b"], "num"), (t["t"], "num"), (t["sig"], "num")],
                         glejser, t["glejser_note"].format(alpha=alpha)))
    if normal := analysis.get("residual_normality"):
        blocks.append(_table(
            ctx, t["residuals_caption"].format(survey=title),
            [("", ""), (t["ks"], "num"), (t["ks_df"], "num"), (t["ks_p"], "num"),
             (t["sw"], "num"), (t["sw_df"], "num"), (t["sw_p"], "num")],
            [[t["residuals_row"], ctx.num(normal["ks_statistic"], "r"), ctx.int(normal["ks_df"]),
              _ks_p(ctx, normal["ks_p_value"]), ctx.num(normal["sw_statistic"], "r"),
              ctx.int(normal["sw_df"]), ctx.p(normal["sw_p_value"])]],
            t["normality_note"].format(scores=scores)))
    return blocks + _notes(analysis.get("notes"))


def _thesis_groups(ctx: _Context, survey: dict[str, Any], analysis: dict[str, Any]
                   ) -> list[Block]:
    t, title = ctx.t["thesis"], ctx.text(survey["title"])
    fields, categories = _field_names(ctx, survey), _category_names(ctx, survey)
    blocks = []
    for record in analysis["comparisons"]:
        variable, by = _variable_name(ctx, record), fields.get(record["by"], record["by"])
        if "error" in record:
            blocks.append(_note(t["error"].format(variable=f"{variable} / {by}",
                                                  error=record["error"])))
            continue
        rows = [[categories.get((record["by"], _group_value(g["group"])), str(g["group"])),
                 ctx.int(g["n"]), ctx.num(g["mean"], "mean"), ctx.num(g["sd"], "mean"),
                 ctx.num(g["mean_rank"], "mean")] for g in record["groups"]]
        blocks.append(_table(ctx, t["groups_caption"].format(variable=variable, by=by,
                                                             survey=title),
                             [(t["group"], ""), (t["n"], "num"), (t["mean"], "num"),
                              (t["sd"], "num"), (t["mean_rank"], "num")], rows))
        blocks.append(_group_tests(ctx, record, variable, by, title))
    return blocks


def _group_value(value: Any) -> Any:
    """Group labels are strings in the results; profile categories may be numbers."""
    try:
        return int(value) if str(value).lstrip("-").isdigit() else value
    except ValueError:
        return value


def _group_tests(ctx: _Context, record: dict[str, Any], variable: str, by: str,
                 title: str) -> Block:
    t = ctx.t["thesis"]
    levene, note = record["levene"], ""
    rows = [[t["tests"]["levene"], ctx.num(levene["f"], "stat"),
             f"{ctx.int(levene['df1'])}; {ctx.int(levene['df2'])}", ctx.p(levene["p_value"])]]
    note = t["groups_note"]
    if record.get("t_test"):
        for key in ("t_test", "welch"):
            test = record[key]
            df = ctx.int(test["df"]) if key == "t_test" else ctx.num(test["df"], "stat")
            rows.append([t["tests"][key], ctx.num(test["t"], "stat"), df, ctx.p(test["p_value"])])
        mw = record["mann_whitney"]
        rows.append([t["tests"]["mann_whitney"], ctx.num(mw["z"], "stat"), "",
                     ctx.p(mw["p_value"])])
        note = t["groups_note_two"].format(u=ctx.num(mw["u"], "mean"))
    else:
        anova, kruskal = record["anova"], record["kruskal"]
        rows += [[t["tests"]["anova"], ctx.num(anova["f"], "stat"),
                  f"{ctx.int(anova['df1'])}; {ctx.int(anova['df2'])}", ctx.p(anova["p_value"])],
                 [t["tests"]["kruskal"], ctx.num(kruskal["h"], "stat"), ctx.int(kruskal["df"]),
                  ctx.p(kruskal["p_value"])]]
        note = t["groups_note"]
    columns = [(t["test"], ""), (t["statistic"], "num"), (t["df"], "num"), (t["sig"], "num")]
    return _table(ctx, t["tests_caption"].format(variable=variable, by=by, survey=title),
                  columns, rows, note)


_THESIS_PARTS: tuple[tuple[str, Callable[..., list[Block]]], ...] = (
    ("descriptives", _thesis_descriptives), ("normality", _thesis_normality),
    ("construct_validity", _thesis_construct), ("omega", _thesis_omega),
    ("regression", _thesis_regression), ("group_differences", _thesis_groups),
)


# --------------------------------------------------------------------------- follow-up


def _follow_up(ctx: _Context, results: dict[str, Any]) -> list[Block]:
    blocks = []
    for _, survey in _surveys(results):
        parts = (_lowest_elements(ctx, survey) + _largest_gaps(ctx, survey)
                 + _quadrant_one(ctx, survey))
        if parts:
            blocks += [_heading(ctx.text(survey["title"]))] + parts
    return blocks


def _plan_columns(ctx: _Context) -> list[tuple[str, str]]:
    t = ctx.t["follow_up"]
    return [(t["program"], "fill"), (t["when"], "fill"), (t["who"], "fill")]


def lowest_elements(ikm: dict[str, Any], count: int = FOLLOW_UP_ELEMENTS
                    ) -> list[dict[str, Any]]:
    """The ``count`` elements with the lowest NRR (elements without one left out)."""
    rated = [e for e in ikm["elements"] if _finite(e["nrr"])]
    return sorted(rated, key=lambda e: e["nrr"])[:count]


def _plan(ctx: _Context, survey: dict[str, Any], code: str, unit: Any = None) -> list[str]:
    """The project's planned action, time and person for an element (for a service unit:
    its own plan from ``units.follow_up``, else the survey's); blanks to fill."""
    units = ((survey.get("analyses") or {}).get("ikm") or {}).get("units") or {}
    own = (units.get("follow_up") or {}).get(str(unit), {}) if unit is not None else {}
    plan = own.get(code) or (survey.get("follow_up") or {}).get(code) or {}
    return [ctx.text(plan.get(key)) for key in ("action", "when", "who")]


def _lowest_elements(ctx: _Context, survey: dict[str, Any]) -> list[Block]:
    ikm = _analysis(survey, "ikm")
    if not ikm:
        return []
    t, bands = ctx.t["follow_up"], _band_names(ctx, ikm["elements"])
    rows = [[ctx.int(i), f"{e['element']} {_group(ctx, survey, e['element'])}",
             ctx.num(e["nrr"], "nrr"), ctx.num(e["converted"], "converted"),
             _band(ctx, e["band"], bands), *_plan(ctx, survey, e["element"])]
            for i, e in enumerate(lowest_elements(ikm), start=1)]
    columns = [(t["number"], "num"), (t["element"], "text"), (t["nrr"], "num"),
               (t["converted"], "num"), (t["band"], "")] + _plan_columns(ctx)
    caption = t["ikm_caption"].format(survey=ctx.text(survey["title"]))
    return [_table(ctx, caption, columns, rows)] if rows else []


def _largest_gaps(ctx: _Context, survey: dict[str, Any]) -> list[Block]:
    servqual = _analysis(survey, "servqual")
    if not servqual:
        return []
    t = ctx.t["follow_up"]
    texts = _pair_texts(ctx, survey, servqual["items"])
    negative = sorted((r for r in servqual["items"] if _finite(r["gap"]) and r["gap"] < 0),
                      key=lambda r: r["gap"])
    rows = [[ctx.int(i), f"{r['item']} {texts.get(r['item'], '')}".strip(),
             _group(ctx, survey, r.get("dimension")), _gap_cell(ctx, r["gap"]), "", "", ""]
            for i, r in enumerate(negative[:FOLLOW_UP_GAPS], start=1)]
    columns = [(t["number"], "num"), (t["attribute"], "text"), (t["dimension"], ""),
               (t["gap"], "num")] + _plan_columns(ctx)
    caption = t["gap_caption"].format(survey=ctx.text(survey["title"]))
    return [_table(ctx, caption, columns, rows)] if rows else []


def _quadrant_one(ctx: _Context, survey: dict[str, Any]) -> list[Block]:
    ipa = _ipa_of(survey)
    if not ipa:
        return []
    t = ctx.t["follow_up"]
    texts = _pair_texts(ctx, survey, ipa["items"])
    first = sorted((r for r in ipa["items"] if r["quadrant_number"] == "I"),
                   key=lambda r: (r["x"], -r["y"]))
    rows = [[ctx.int(i), f"{r['item']} {texts.get(r['item'], '')}".strip(), ctx.num(r["x"]),
             ctx.num(r["y"]), "", "", ""] for i, r in enumerate(first, start=1)]
    columns = [(t["number"], "num"), (t["attribute"], "text"), (t["x"], "num"),
               (t["y"], "num")] + _plan_columns(ctx)
    caption = t["quadrant_caption"].format(survey=ctx.text(survey["title"]))
    return [_table(ctx, caption, columns, rows)] if rows else []


# --------------------------------------------------------------------------- suggestions


def _suggestions(ctx: _Context, results: dict[str, Any]) -> list[Block]:
    blocks = []
    for _, survey in _surveys(results):
        answers = [a for a in survey["free_text"] if str(a.get("text") or "").strip()]
        if not answers:
            continue
        t, title = ctx.t["suggestions"], ctx.text(survey["title"])
        blocks += [_heading(title),
                   _note(t["total"].format(count=ctx.int(len(answers)), n=ctx.int(survey["n"])))]
        fields = _field_names(ctx, survey)
        for field in dict.fromkeys(a["field"] for a in answers):
            merged = _merge_answers(a for a in answers if a["field"] == field)
            rows = [[ctx.int(i), text, ctx.int(len(rows_)), ", ".join(rows_)]
                    for i, (text, rows_) in enumerate(merged, start=1)]
            columns = [(t["number"], "num"), (t["text"], "text"), (t["count"], "num"),
                       (t["rows"], "")]
            caption = t["caption"].format(field=fields.get(field, field), survey=title)
            blocks.append(_table(ctx, caption, columns, rows))
    return blocks


def _merge_answers(answers: Iterable[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    """Identical answers (ignoring surrounding spaces) once, most frequent first."""
    merged: dict[str, list[str]] = {}
    for answer in answers:
        merged.setdefault(str(answer["text"]).strip(), []).append(str(answer["row"]))
    return sorted(merged.items(), key=lambda pair: -len(pair[1]))


# --------------------------------------------------------------------------- methods


def _methods(ctx: _Context, results: dict[str, Any]) -> list[Block]:
    blocks = []
    for _, survey in _surveys(results):
        rows = _convention_rows(ctx, survey)
        if rows:
            caption = ctx.t["methods"]["conventions_caption"].format(
                survey=ctx.text(survey["title"]))
            blocks.append(_table(ctx, caption, _setting_columns(ctx), rows))
    for table, source in _band_tables(results):
        blocks.append(_band_table(ctx, table, source))
    return blocks + [_software(ctx, results)]


def _setting_columns(ctx: _Context) -> list[tuple[str, str]]:
    return [(ctx.t["methods"]["setting"], ""), (ctx.t["methods"]["value"], "")]


def _value(ctx: _Context, value: Any) -> str:
    values = ctx.t["methods"]["values"]
    return values.get(value, str(value)) if isinstance(value, str) else str(value)


def _convention_rows(ctx: _Context, survey: dict[str, Any]) -> list[list[str]]:
    s, rows = ctx.t["methods"]["settings"], []
    if validity := _analysis(survey, "validity"):
        c = validity["conventions"]
        rows += [[s["validity_r"], _yes_no(ctx, c["corrected"], "corrected")],
                 [s["validity_alpha"], format_number(c["alpha"], 2, ctx.lang)],
                 [s["validity_tail"], _value(ctx, c["tail"])],
                 [s["validity_missing"], _value(ctx, c["missing"])]]
    if reliability := _analysis(survey, "reliability"):
        c = reliability["conventions"]
        rows += [[s["reliability_missing"], _value(ctx, c["missing"])],
                 [s["reliability_threshold"], format_number(c["threshold"], 2, ctx.lang)],
                 [s["reliability_ci"], ctx.t["percent"].format(value=_level(ctx, c["ci"]))]]
    if servqual := _analysis(survey, "servqual"):
        c = servqual["conventions"]
        rows += [[s["servqual_model"], _value(ctx, c["model"])],
                 [s["servqual_zero"], _value(ctx, c["zero_method"])],
                 [s["servqual_wilcoxon"], _value(ctx, c["wilcoxon_method"])],
                 [s["servqual_level"], ctx.t["percent"].format(value=_level(ctx, c["level"]))],
                 [s["servqual_matched"], _value(ctx, c["matched_by"])]]
    if ipa := _ipa_of(survey):
        c = ipa["conventions"]
        rows += [[s["ipa_importance"], _value(ctx, c["importance_from"])],
                 [s["ipa_crosshair"], _value(ctx, c["crosshair"])]]
    return rows + _ikm_conventions(ctx, _analysis(survey, "ikm")) + _thesis_conventions(ctx, survey)


def _thesis_conventions(ctx: _Context, survey: dict[str, Any]) -> list[list[str]]:
    s, values, rows = ctx.t["methods"]["settings"], ctx.t["methods"]["thesis_values"], []
    if descriptives := _analysis(survey, "descriptives"):
        rows += [[s["thesis_scores"], _scores_text(ctx, descriptives["variables"])],
                 [s["thesis_labels"], ", ".join(_category_label(ctx, c) for c in next(
                     (r["classes"] for r in descriptives["variables"] if r.get("classes")),
                     []))]]
    for name, key in (("normality", "normality"), ("construct_validity", "factor"),
                      ("group_differences", "groups")):
        if _analysis(survey, name):
            rows.append([s[f"thesis_{key}"], values[key]])
    return rows


def _ikm_conventions(ctx: _Context, ikm: dict[str, Any] | None) -> list[list[str]]:
    if not ikm:
        return []
    s, values, summary = ctx.t["methods"]["settings"], ctx.t["methods"]["values"], ikm["summary"]
    standard = IKM_STANDARDS.get(summary["standard"])
    mode = summary["weight_mode"]
    rows = [[s["ikm_standard"], standard.citation if standard else summary["standard"]],
            [s["ikm_weight_mode"], values["weight_exact"] if mode == "exact"
             else values["weight_fixed"].format(mode=mode)],
            [s["ikm_weight"], format_number(summary["weight"], 4, ctx.lang)]]
    boot = _interval(ikm)
    if boot and boot["method"] == "analytic":  # above the bootstrap's limit, or streamed
        rows.append([s["ikm_interval"], values["interval_analytic"].format(
            level=_level(ctx, boot["level"]),
            limit=ctx.int((ikm.get("interval_rule") or {}).get("bootstrap_max_n")))])
    elif boot:
        rows.append([s["ikm_interval"], values["interval"].format(
            level=_level(ctx, boot["level"]), n_boot=ctx.int(boot.get("n_boot")))])
        rows.append([s["ikm_seed"], "" if boot.get("seed") is None else str(boot["seed"])])
    if (ikm.get("sample") or {}).get("rule"):
        rows.append([s["ikm_sample"], ikm["sample"]["rule"]])
    return rows


def _band_tables(results: dict[str, Any]) -> list[tuple[BandTable | None, str]]:
    """The band tables the results were graded with, and where each is published."""
    names: dict[str, str] = {}
    for _, survey in _surveys(results):
        if ikm := _analysis(survey, "ikm"):
            standard = IKM_STANDARDS.get(ikm["summary"]["standard"])
            if standard:
                names.setdefault(standard.band_table, "")
        if _ipa_of(survey):
            names.setdefault("csi", "")
    card = results.get("scorecard")
    if card and card.get("predicate"):
        names.setdefault(str(card["predicate"].get("table")), str(card["predicate"].get("source")))
        names.setdefault("ici-colour", "")
    vfm = (results.get("finance") or {}).get("value_for_money") or {}
    for mean in (vfm.get("means") or {}).values():  # the value-for-money criteria
        names.setdefault(str(mean["table"]), "")
    return [(BANDS.get(name), source or (BANDS[name].source if name in BANDS else name))
            for name, source in names.items()]  # a registered table's source is a message


def _condition(ctx: _Context, table: BandTable, band: Any) -> str:
    """A band's rule as printed: ``≥ 88,31``, ``> 100,00``, and ``< 65,00`` for the last."""
    if band.lower is not None:
        sign = "≥" if band.inclusive else ">"
        return f"{sign} {format_number(band.lower, table.decimals, ctx.lang)}"
    above = [b for b in table.bands if b.lower is not None]
    if not above:
        return ctx.t["methods"]["otherwise"]
    sign = "<" if above[-1].inclusive else "≤"
    return f"{sign} {format_number(above[-1].lower, table.decimals, ctx.lang)}"


def _band_table(ctx: _Context, table: BandTable | None, source: str) -> Block:
    """A band table: condition and label per band (and the code when it is a short grade)."""
    t = ctx.t["methods"]
    if table is None:
        return _note(t["source"].format(source=translate(source, ctx.lang)))
    key = "label_en" if ctx.lang == "en" else "label_id"
    graded = all(len(band.code) <= 2 for band in table.bands)
    columns = [(t["condition"], "num"), (t["label"], "")]
    rows = [[_condition(ctx, table, band), getattr(band, key)] for band in table.bands]
    if graded:
        columns.insert(0, (t["code"], ""))
        rows = [[band.code, *row] for band, row in zip(table.bands, rows, strict=True)]
    source, table_note = translate(source, ctx.lang), translate(table.note, ctx.lang)
    note = " ".join(part for part in (t["source"].format(source=source), table_note) if part)
    title = ctx.t["band_tables"].get(table.name, table.title)
    return _table(ctx, t["bands_caption"].format(title=title), columns, rows, note)


def _timestamp(value: str) -> str:
    """An ISO 8601 time as ``2025-01-31 14:05 UTC`` (as given when it does not parse)."""
    try:
        moment = datetime.fromisoformat(value).astimezone(timezone.utc)
    except (TypeError, ValueError):
        return str(value)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _software(ctx: _Context, results: dict[str, Any]) -> Block:
    t = ctx.t["methods"]
    rows = [[t["version"], results["surveyq_version"]],
            [t["generated_at"], results["generated_at"]],
            [t["schema"], results["schema"]],
            [t["project_file"], PurePath(str(results["project"]["file"])).name],
            [t["language"], ctx.lang]]
    return _table(ctx, t["software_caption"], _setting_columns(ctx), rows)


# --------------------------------------------------------------------------- the report

_BUILDERS: dict[str, Callable[[_Context, dict[str, Any]], list[Block]]] = {
    "summary": _summary, "profile": _profile, "data-quality": _data_quality,
    "validity": _validity, "reliability": _reliability, "frequencies": _frequencies,
    "thesis": _thesis,
    "servqual": _servqual, "ipa": _ipa, "ikm": _ikm, "finance": _finance,
    "strategy": _strategy, "scorecard": _scorecard,
    "follow-up": _follow_up, "suggestions": _suggestions, "methods": _methods,
}


def _requested(survey: dict[str, Any]) -> list[str]:
    """The analyses the project asked of a survey (what it computed, for older results)."""
    return list(survey.get("requested") or survey["analyses"])


def _not_computed(ctx: _Context, results: dict[str, Any], section_id: str) -> list[Block]:
    """For an analysis asked for but not computed: the reasons, from the survey's problems."""
    wanted = SECTION_ANALYSES.get(section_id, ())
    blocks = []
    for _, survey in _surveys(results):
        names = [name for name in wanted if name in _requested(survey)]
        if not names:
            continue
        reasons = [p for p in survey["problems"] if p.split(":", 1)[0].strip() in names]
        blocks += [_heading(ctx.text(survey["title"])), _note(ctx.t["not_computed"]),
                   _list(reasons)]
    return blocks


def build_report(results: dict[str, Any], lang: str = "id", *, strict: bool = False,
                 chart_format: str = "svg") -> dict[str, Any]:
    """Turn a results mapping into the report model for ``lang``.

    Parameters
    ----------
    results : dict
        The results mapping (schema ``surveyq-results/1``, docs/results-schema.md), with an
        optional ``scorecard`` entry.
    lang : {"id", "en"}, default "id"
        Language of every string and of the number format (1.234,56 or 1,234.56).
    strict : bool, default False
        Raise when a chart cannot be drawn (tests). Otherwise the page prints a note where
        the chart would be and a :class:`ChartWarning` is issued.
    chart_format : {"svg", "png"}, default "svg"
        ``"png"``: chart blocks carry ``png`` bytes instead of ``svg`` (for the Word
        appendix's figures).

    Returns
    -------
    dict
        The report model described in the module docstring: strings only, ready to print.

    Raises
    ------
    KeyError
        When the results lack a key the report needs (the schema is checked by use).
    """
    t = labels(lang)
    ctx = _Context(lang=lang, t=t, strict=strict, chart_format=chart_format)
    results = localise_results(results, lang)  # every message in the report's language
    sections = []
    for section_id in SECTION_IDS:
        text = t["sections"][section_id]
        blocks = _BUILDERS[section_id](ctx, results) or _not_computed(ctx, results, section_id)
        if not blocks and section_id not in ALWAYS_SECTIONS:
            continue  # not asked for, or nothing to show: no section, no contents entry
        sections.append({"id": section_id, "number": str(len(sections) + 1),
                         "title": text["title"], "intro": text["intro"], "empty": text["empty"],
                         "blocks": blocks, "cls": "" if blocks else "empty"})
    return {
        "lang": lang,
        "t": {"contents": t["contents"]},
        "title": t["report_title"],
        "organisation": ctx.text(results["project"]["organisation"]),
        "period": t["period"].format(period=results["project"].get("period") or t["dash"]),
        "generated": t["generated"].format(version=results["surveyq_version"],
                                           when=_timestamp(results["generated_at"])),
        "sections": sections,
    }


#: Sections whose charts the Word appendix prints as figures (profile charts repeat tables).
FIGURE_SECTIONS = ("frequencies", "servqual", "ipa", "ikm", "scorecard")


def chart_images(results: dict[str, Any], lang: str = "id") -> list[dict[str, Any]]:
    """The report's charts as PNG images with their titles, for the Word appendix.

    Returns
    -------
    list of dict
        ``{"title": str, "png": bytes}`` in report order, for the sections in
        :data:`FIGURE_SECTIONS` (the same drawing code and labels as the HTML report).
    """
    ctx = _Context(lang=lang, t=labels(lang), strict=False, chart_format="png")
    return [{"title": block["title"], "png": block["png"]}
            for section in FIGURE_SECTIONS for block in _BUILDERS[section](ctx, results)
            if block["kind"] == "chart"]
