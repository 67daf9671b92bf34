"""The YAML formats, documented from their pydantic models: reference pages and JSON Schema.

``python -m surveyq.formats`` rewrites docs/questionnaire-format.md, docs/project-format.md
and docs/scorecard-reference.md from the models (a test regenerates them and compares, so the
docs cannot drift from the code); ``surveyq schema NAME`` prints :func:`json_schema`.
A key's description is its pydantic ``description`` when it has one, else the entry in
:data:`DESCRIPTIONS` below.
"""

from __future__ import annotations

import json
import types
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from surveyq.project import ProjectSpec
from surveyq.questionnaire import Questionnaire

#: Keys that are set by surveyq, not written by people.
INTERNAL = {("Questionnaire", "path")}

DESCRIPTIONS: dict[str, str] = {
    # questionnaire
    "Questionnaire.id": "Short name of the questionnaire, used in messages and results.",
    "Questionnaire.title": "Title shown in reports.",
    "Questionnaire.source": "Where the questions come from (regulation, paper, form); cited in "
    "the report.",
    "Questionnaire.kind": "What the survey measures; decides the default analyses: skm/ikm -> "
    "validity, reliability, ikm; servqual -> validity, reliability, servqual, ipa; employee -> "
    "validity, reliability, servqual; generic -> validity, reliability.",
    "Questionnaire.standard": "The standard followed (permenpanrb-14-2017, kep25-2004), if any.",
    "Questionnaire.scales": "Answer scales by name; each item names one.",
    "Questionnaire.dimensions": "Dimension codes (SERVQUAL or research sub-scales) and their "
    "labels; reliability is also computed per dimension.",
    "Questionnaire.elements": "Service elements (unsur) of an SKM/IKM questionnaire and their "
    "labels.",
    "Questionnaire.items": "The rating items, in the order they are reported.",
    "Questionnaire.fields": "Respondent characteristics and free text (gender, age band, "
    "suggestions ...).",
    "Scale.points": "The codes, lowest first (distinct, ascending).",
    "Scale.labels": "Per language (id, en), one label per point, lowest first. Answers equal "
    "to a label (ignoring case, spacing and punctuation) read as its point.",
    "Scale.aliases": "Further spellings per point (abbreviations, letters with labels). "
    "'4 (Baik)' and '4. Baik' are read without an alias.",
    "Scale.missing": "Answers that mean no answer (e.g. 'Tidak tahu'); set missing and logged.",
    "Item.id": "Item id, unique in the questionnaire (results and tables use it).",
    "Item.text": "The statement or question.",
    "Item.scale": "Name of its scale under `scales`.",
    "Item.column": "Header of its answers in the export (case, spacing and punctuation "
    "ignored; a Google Forms header is the whole question).",
    "Item.columns": "Alternative headers.",
    "Item.column_pattern": "A regular expression searched in the header, when the header "
    "varies.",
    "Item.reverse": "Reverse-worded: answers are recoded as (lowest + highest) - x before "
    "any statistic.",
    "Item.role": "perception, expectation, importance, satisfaction or item (plain).",
    "Item.dimension": "Dimension code (see `dimensions`).",
    "Item.element": "Service element code (see `elements`), for IKM/SKM.",
    "Item.pair": "The attribute an expectation/perception/importance item rates; items with "
    "the same pair are compared in SERVQUAL and IPA.",
    "RespondentField.id": "Field id, unique among items and fields.",
    "RespondentField.kind": "What it holds: id (duplicates excluded), name, gender, age_band, "
    "age, education, occupation, service_type, suggestion (free text), unit, period, other.",
    "RespondentField.text": "Its label in reports.",
    "RespondentField.column": "Header in the export.",
    "RespondentField.columns": "Alternative headers.",
    "RespondentField.column_pattern": "A regular expression searched in the header.",
    "RespondentField.required": "A missing column stops the run (otherwise it is noted).",
    "RespondentField.categories": "Answer codes and their labels, in their natural order "
    "(answers equal to a code or a label read as the code).",
    "Group.text": "Its label.",
    "Text.id": "Indonesian.",
    "Text.en": "English.",
    # project
    "ProjectSpec.organisation": "The organisation, as a plain text or per language.",
    "ProjectSpec.period": "The period reported (e.g. \"2025\").",
    "ProjectSpec.language": "Default report language (id or en); `--lang` overrides it.",
    "ProjectSpec.surveys": "The surveys by name.",
    "ProjectSpec.scorecard": "A Balanced Scorecard YAML fed by the surveys (see "
    "scorecard-format.md).",
    "ProjectSpec.actuals": "CSV/XLSX of IKU realisations for the scorecard.",
    "ProjectSpec.options": "Analysis options for every survey (corrected, missing, alpha, "
    "tail, threshold, ci).",
    "ProjectSpec.streaming": "When large files are streamed instead of read in memory.",
    "SurveySpec.questionnaire": "A questionnaire YAML (relative to the project file) or a "
    "shipped id such as skm-permenpanrb-14-2017.",
    "SurveySpec.responses": "The export file, relative to the project file (or, instead, "
    "`units.files`: one export per service unit).",
    "SurveySpec.title": "Title of this survey in the report (default: the questionnaire's).",
    "SurveySpec.population": "People served (or staff) in the period, for the sample-size "
    "check.",
    "SurveySpec.analyses": "validity, reliability, servqual, ipa, csi, ikm; default: what the "
    "questionnaire's kind calls for.",
    "SurveySpec.previous": "Earlier periods' exports by period, for trends; a period may "
    "instead map unit names to files (one export per unit, as `units.files`).",
    "SurveySpec.options": "Analysis options for this survey (override the project's).",
    "SurveySpec.read": "How to read the export when detection needs help.",
    "SurveySpec.stream": "true/false forces streaming on or off; default by file size.",
    "ReadOptions.encoding": "Text encoding, e.g. cp1252.",
    "ReadOptions.delimiter": "Field separator, e.g. ';'.",
    "ReadOptions.sheet": "Worksheet name or 0-based position.",
    "ReadOptions.header_row": "Row number of the header (1 = first row).",
    "ReadOptions.format": "Force a reader: csv, gforms, kobo, limesurvey, xlsx, xls, ods, sav, "
    "dta, parquet.",
    "StreamingOptions.threshold_mb": "CSV/Parquet files larger than this (MiB) are streamed.",
    "StreamingOptions.dask_scheduler": "A dask.distributed address or threads/processes/"
    "synchronous.",
    "StreamingOptions.chunk_rows": "Rows per batch.",
    # scorecard
    "Scorecard.scheme": "Scoring scheme: kemenkeu-nko, composite or weighted-score.",
    "Scorecard.title": "Title shown in reports.",
    "Scorecard.source": "Where the scorecard comes from (contract, LAKIN).",
    "Scorecard.predicate": "Predicate table for the final score (default by scheme).",
    "Scorecard.normalise_weights": "Rescale weights that do not add up to 100%.",
    "Scorecard.ici": "How an achievement becomes the index scored.",
    "Scorecard.scale_max": "Top of the survey scale used when rescaling survey indices.",
    "Scorecard.lint": "Options of the scorecard checks.",
    "Scorecard.perspectives": "BSC perspectives and their weights.",
    "Scorecard.objectives": "Strategic objectives, each in one perspective.",
    "Scorecard.indicators": "The IKU: target, polarity, weight and source.",
    "Perspective.id": "Perspective id.",
    "Perspective.name": "Its name.",
    "Perspective.weight": "Weight in the score (fractions or percentages).",
    "Objective.id": "Objective id.",
    "Objective.name": "Its name.",
    "Objective.perspective": "The perspective it belongs to.",
    "Indicator.id": "IKU code.",
    "Indicator.name": "Its name.",
    "Indicator.objective": "The objective it measures.",
    "Indicator.perspective": "Its perspective (when no objective is given).",
    "Indicator.target": "Target: a number, or a range [low, high] for stabilize.",
    "Indicator.unit": "Unit of the realisation (%, days ...); a text or {id, en}.",
    "Indicator.polarity": "max (higher is better), min or stabilize.",
    "Indicator.consolidation": "How periods combine: sum, average or last.",
    "Indicator.weight": "Weight within its perspective.",
    "Indicator.iku_type": "exact, proxy, activity or project.",
    "Indicator.controllability": "high, moderate or low.",
    "Indicator.validity_weight": "Weight by IKU type (0-1), where the scheme uses it.",
    "Indicator.controllability_weight": "Weight by controllability (0-1).",
    "Indicator.cap": "Cap on this IKU's index.",
    "Indicator.source": "Where its realisation comes from (default: the actuals file).",
    "Source.actuals": "Indicator code in the actuals file.",
    "Source.survey": "Survey name in the project.",
    "Source.value": "Dotted path of a number in that survey's results.",
    "Source.transform": "none, rescale or servqual-conformity.",
    "Source.scale_to": "Rescale to this maximum.",
    "Source.scale_max": "The maximum of the value being rescaled.",
    "IciOptions.cap": "Highest index scored.",
    "IciOptions.floor": "Lowest index scored.",
    "IciOptions.rule": "kemenkeu or permenpanrb-110.",
    "IciOptions.stabilize": "How a stabilize IKU outside its band is scored.",
    "IciOptions.colours": "Colour band table for the index.",
    "LintOptions.contract_level": "Level of the performance contract, for its checks.",
    "LintOptions.strategy_map_owner": "This unit owns a strategy map.",
    # keys added by the thesis, finance/strategy and scorecard work
    "ProjectSpec.finance": "Financial figures per period: value for money, growth, "
    "productivity.",
    "ProjectSpec.strategy": "Strategy section: key factors (IFE/EFE), strategies (QSPM) and "
    "paired comparisons (AHP).",
    "SurveySpec.variables": "Thesis variables by name: a score per respondent from a set of "
    "items.",
    "SurveySpec.regression": "A multiple regression of one variable on others.",
    "SurveySpec.group_differences": "Variables compared across respondent groups.",
    "SurveySpec.units": "Service units of a city- or ministry-wide survey: per-unit IKM, "
    "ranking and the organisation's aggregate (default: when the questionnaire has a field "
    "of kind unit).",
    "UnitsSpec.field": "The respondent field holding the unit (default: the questionnaire's "
    "field of kind unit).",
    "UnitsSpec.population": "Service users per unit, for Krejcie-Morgan adequacy and the "
    "population-weighted aggregate.",
    "UnitsSpec.aggregate": "How the organisation's index combines units: pooled respondents "
    "(default), mean of unit indices, weighted by respondents or by population.",
    "UnitsSpec.min_n": "Units with fewer respondents are marked in every table (never "
    "hidden).",
    "UnitsSpec.lowest": "How many lowest elements are listed per unit.",
    "UnitsSpec.pairs": "Also compare every pair of units (Holm-corrected); only when asked.",
    "UnitsSpec.follow_up": "Each unit's own follow-up plan (rencana tindak lanjut) for its "
    "lowest elements: unit -> element code -> action, when, who; elements a unit does not "
    "plan take the survey's `follow_up`.",
    "UnitsSpec.files": "One export per service unit (unit name -> file, relative to the "
    "project file), read with the same questionnaire, instead of `responses`; streamed, "
    "file by file, like one large export.",
    "FinanceSpec.title": "Title of the finance section in the report.",
    "FinanceSpec.note": "A note shown under the finance section.",
    "FinanceSpec.value_for_money": "Spending and revenue per period for the value-for-money "
    "ratios.",
    "FinanceSpec.growth": "Quantities per period whose year-on-year growth is reported, by id.",
    "FinanceSpec.productivity": "Output and employees per period.",
    "StrategySpec.title": "Title of the strategy section in the report.",
    "StrategySpec.note": "A note shown under the strategy section.",
    "StrategySpec.internal": "Internal key factors (strengths, weaknesses) for the IFE matrix.",
    "StrategySpec.external": "External key factors (opportunities, threats) for the EFE "
    "matrix.",
    "StrategySpec.strategies": "Candidate strategies with their attractiveness per factor "
    "(QSPM).",
    "StrategySpec.comparisons": "Paired comparisons (AHP) by id.",
    "Variable.label": "The variable's name in tables.",
    "Variable.items": "Item ids whose answers make the score.",
    "Variable.role": "Or: every item of this role (perception, expectation, ...).",
    "Variable.dimension": "With `role`: only the items of this dimension.",
    "Variable.score": "mean (default) or sum of the items.",
    "Variable.gap": "Score perception minus expectation (the paired items' means).",
    "RegressionSpec.y": "The dependent variable.",
    "RegressionSpec.x": "The independent variables.",
    "GroupDifferencesSpec.variables": "Variables compared (default: all).",
    "GroupDifferencesSpec.by": "Respondent fields whose groups are compared (default: all).",
    "VfmSpec.budgeted_spending": "Budgeted spending per period.",
    "VfmSpec.realised_spending": "Realised spending per period.",
    "VfmSpec.direct_spending": "Spending directly on the outputs, per period.",
    "VfmSpec.realised_revenue": "Realised revenue (or outcome) per period; also "
    "`realised_outcome`.",
    "VfmSpec.target_revenue": "Target revenue (or outcome) per period; also `target_outcome`.",
    "VfmSpec.revenue_for_effectiveness": "Revenue used for effectiveness when it differs.",
    "VfmSpec.effectiveness": "realised/target (default) or target/realised.",
    "VfmSpec.effectiveness_criteria": "Name of the band table for effectiveness.",
    "GrowthSpec.name": "What is counted.",
    "GrowthSpec.unit": "Its unit (a text or {id, en}).",
    "GrowthSpec.values": "The value per period.",
    "ProductivitySpec.output_name": "What the output is (permits, documents ...).",
    "ProductivitySpec.output": "Output per period.",
    "ProductivitySpec.employees": "Employees per period.",
    "Factor.id": "Factor id.",
    "Factor.name": "Its statement.",
    "Factor.kind": "strength, weakness, opportunity or threat.",
    "Factor.weight": "Weight (0-1); weights of the internal (or external) factors add to 1.",
    "Factor.rating": "Rating 1-4, or one rating per rater.",
    "Factor.qspm_weight": "Weight used in the QSPM when it differs from `weight`.",
    "StrategyOption.id": "Strategy id.",
    "StrategyOption.name": "Its statement.",
    "StrategyOption.type": "Its TOWS cell: SO, WO, ST or WT.",
    "StrategyOption.attractiveness": "Attractiveness score (0-4) per factor id, or one per "
    "rater.",
    "Comparison.title": "Title of the comparison.",
    "Comparison.items": "The ids compared (perspectives or IKU), in matrix order.",
    "Comparison.raters": "Each rater's matrix.",
    "Comparison.random_index": "Matrix order -> random index RI, for a table other than "
    "Saaty's (default).",
    "Rater.name": "The rater.",
    "Rater.matrix": "Paired-comparison judgments, rows and columns in `items` order.",
    "Rater.weight": "Weight of this rater in the group judgment.",
    "Scorecard.weights_from": "Perspective or IKU weights taken from a comparison of the "
    "project's strategy section.",
    "Scorecard.trend": "Scores over several periods.",
    "Scorecard.score_tables": "Achievement-to-score tables by id.",
    "Scorecard.score_table": "The score table every IKU uses unless it names its own.",
    "LintOptions.iku_manual": "Check that every IKU has its manual fields (description, "
    "formula, data source, responsible, reporting period).",
    "Objective.supports": "Objectives this one supports (arrows of the strategy map).",
    "Indicator.description": "What the IKU measures (IKU manual).",
    "Indicator.formula": "How it is computed (IKU manual).",
    "Indicator.data_source": "Where its data come from (IKU manual).",
    "Indicator.responsible": "Who reports it (IKU manual).",
    "Indicator.reporting_period": "monthly, quarterly, semester or annual.",
    "Indicator.score_table": "The score table of this IKU (see `score_tables`).",
    "TrendOptions.by": "year, period or to-date.",
    "TrendOptions.periods": "The periods shown (default: all in the actuals).",
    "TrendOptions.note": "A note shown under the trend.",
    "ScoreTable.title": "Its title.",
    "ScoreTable.source": "Where the table comes from.",
    "ScoreTable.scale_max": "The highest score.",
    "ScoreTable.rules": "Achievement thresholds and their scores, highest first.",
    "Source.finance": "A figure of the project's finance section (dotted path).",
    "ScoreRule.min": "Lowest achievement (percent) for this score; none for the last rule.",
    "ScoreRule.score": "The score.",
}

EXAMPLES = {
    "questionnaire": """\
id: kepuasan-layanan
title: {id: Survei kepuasan layanan, en: Service satisfaction survey}
kind: generic
scales:
  setuju5:
    points: [1, 2, 3, 4, 5]
    labels:
      id: [Sangat Tidak Setuju, Tidak Setuju, Netral, Setuju, Sangat Setuju]
      en: [Strongly disagree, Disagree, Neutral, Agree, Strongly agree]
    aliases: {1: [STS], 2: [TS], 3: [N], 4: [S], 5: [SS]}
dimensions:
  staff: {text: {id: Petugas, en: Staff}}
items:
  - id: Q1
    dimension: staff
    scale: setuju5
    text: {id: Petugas melayani dengan ramah, en: Staff are friendly}
    column: Petugas melayani dengan ramah
  - id: Q2
    dimension: staff
    scale: setuju5
    reverse: true
    text: Petugas sering terlambat datang     # one language is enough
    column: Q2
fields:
  - id: gender
    kind: gender
    text: {id: Jenis kelamin, en: Gender}
    column: Jenis Kelamin
    categories:
      L: {id: Laki-laki, en: Male}
      P: {id: Perempuan, en: Female}
""",
    "project": """\
organisation: Dinas Contoh Kota Contoh        # or {id: ..., en: ...}
period: "2025"
language: id
surveys:
  skm:
    title: Survei Kepuasan Masyarakat 2025
    questionnaire: skm-permenpanrb-14-2017    # shipped id, or a YAML file beside this one
    responses: skm-2025.xlsx
    population: 15000
    analyses: [validity, reliability, ikm]
    previous: {"2024": skm-2024.xlsx}
  skripsi:
    questionnaire: kepuasan-layanan.yaml
    responses: jawaban.csv
    read: {delimiter: ";", encoding: cp1252}
""",
    "scorecard": """\
scheme: kemenkeu-nko
title: {id: Kartu Kinerja Dinas Contoh 2025, en: "Performance scorecard of Dinas Contoh, 2025"}
perspectives:
  - {id: customer, name: {id: Pelanggan, en: Customer}, weight: 40}
  - {id: internal, name: {id: Proses Bisnis Internal, en: Internal Process}, weight: 60}
objectives:
  - {id: SS1, perspective: customer, name: Layanan yang memuaskan}
  - {id: SS2, perspective: internal, name: Proses perizinan yang cepat}
indicators:
  - id: IKU1
    objective: SS1
    name: {id: Indeks Kepuasan Masyarakat, en: Community satisfaction index}
    target: 80
    polarity: max
    source: {survey: skm, value: analyses.ikm.summary.converted}
  - id: IKU2
    objective: SS2
    name: Rata-rata hari penyelesaian izin
    target: 5
    unit: hari
    polarity: min
    consolidation: average
""",
}

#: A second example per format, with the keys the first one leaves out (used for the
#: example column; checked like the first).
MORE_EXAMPLES = {
    "questionnaire": """\
id: skm-kantor-contoh
title: SKM Kantor Contoh
source: PermenPAN-RB 14/2017, Lampiran
kind: skm
standard: permenpanrb-14-2017
scales:
  sesuai:
    points: [1, 2, 3, 4]
    labels:
      id: [Tidak sesuai, Kurang sesuai, Sesuai, Sangat sesuai]
      en: [Not appropriate, Less appropriate, Appropriate, Very appropriate]
    missing: [Tidak tahu]
elements:
  U1: {text: {id: Persyaratan, en: Requirements}}
items:
  - id: U1
    element: U1
    role: perception
    pair: A01
    scale: sesuai
    text: Kesesuaian persyaratan pelayanan dengan jenis pelayanannya
    column: U1
    columns: [Unsur 1, Persyaratan]
    column_pattern: '^U0?1\\b'
fields:
  - id: participant
    kind: id
    text: Kode responden
    column: Kode Responden
    columns: [No. Responden]
    column_pattern: '^Kode'
    required: true
""",
    "project": """\
organisation: {id: Dinas Contoh, en: Example Agency}
scorecard: scorecard.yaml
actuals: actuals.csv
options: {alpha: 0.05, corrected: true}
streaming: {threshold_mb: 64, dask_scheduler: threads, chunk_rows: 200000,
            scheduler_timeout: 60}
surveys:
  pegawai:
    questionnaire: employee-satisfaction
    responses: pegawai.csv
    options: {missing: pairwise}
    read: {encoding: cp1252, delimiter: ";", sheet: 0, header_row: 5, format: csv}
    stream: false
    variables:
      kepuasan: {label: Kepuasan kerja, items: [P1, P2, P3], score: sum}
      kesenjangan: {role: perception, gap: true}
    units: {field: unit, population: {Kecamatan A: 1200, Kecamatan B: 800},
            aggregate: pooled, min_n: 30, lowest: 3, pairs: false}
  puskesmas:  # one export per service unit instead of `responses`
    questionnaire: skm-permenpanrb-14-2017
    units:
      files: {Puskesmas Kota: puskesmas-kota.xlsx, Puskesmas Utara: utara.xlsx}
      follow_up:
        Puskesmas Utara:
          U5: {action: {id: Pelatihan petugas loket, en: Counter staff training},
               when: Triwulan II, who: Kepala Puskesmas}
finance:
  value_for_money:
    budgeted_spending: {"2025": 1200}
    realised_spending: {"2025": 1100}
    direct_spending: {"2025": 900}
    realised_revenue: {"2025": 950}
    target_revenue: {"2025": 1000}
    effectiveness_criteria: vfm-effectiveness
strategy:
  comparisons:
    bobot:
      items: [customer, internal]
      raters:
        - {name: Kepala kantor, matrix: [[1, 3], [0.3333, 1]], weight: 2}
      random_index: {3: 0.5247}
""",
    "scorecard": """\
scheme: kemenkeu-nko
title: Kartu Kinerja 2025
source: Perjanjian Kinerja 2025
predicate: kemenkeu-lakin
normalise_weights: true
ici: {cap: 120, floor: 0, rule: kemenkeu, stabilize: nearest-bound, colours: ici-colour}
scale_max: 3
lint: {contract_level: eselon-3, strategy_map_owner: false, iku_manual: false}
trend: {by: period, periods: [2025-Q1, 2025-Q2]}
score_tables:
  capaian4:
    scale_max: 4
    rules: [{min: 100, score: 4}, {min: 80, score: 3}, {min: 60, score: 2}, {score: 1}]
perspectives:
  - {id: customer, name: Pelanggan, weight: 100}
indicators:
  - id: IKU1
    perspective: customer
    name: Indeks kepuasan pengguna layanan
    target: 3.5
    unit: skala 1-4
    polarity: max
    weight: 60
    iku_type: proxy
    controllability: moderate
    validity_weight: 0.8
    controllability_weight: 0.9
    cap: 110
    source: {survey: skm, value: analyses.ikm.summary.unit, transform: rescale, scale_to: 4,
             scale_max: 4}
  - id: IKU2
    perspective: customer
    name: Pengaduan terselesaikan
    target: [90, 100]
    polarity: stabilize
    weight: 40
    score_table: capaian4
    source: {actuals: IKU2}
""",
}

PAGES = {
    "questionnaire": ("questionnaire-format.md", "The questionnaire format",
                      "A questionnaire YAML says what no export records: which columns are "
                      "items, on which scale, which are reverse-worded, and which respondent "
                      "fields there are. `surveyq init EXPORT` writes one for you to review."),
    "project": ("project-format.md", "The project format",
                "A project YAML names each survey's questionnaire and export and what to "
                "compute. Paths are relative to the project file."),
    "scorecard": ("scorecard-reference.md", "The scorecard format: every key",
                  "Every key of the scorecard YAML, generated from the models; "
                  "scorecard-format.md explains the scoring with a worked example."),
}


def models() -> dict[str, type[BaseModel]]:
    """The model of each YAML format."""
    from surveyq.scorecard import Scorecard

    return {"questionnaire": Questionnaire, "project": ProjectSpec, "scorecard": Scorecard}


def json_schema(name: str) -> dict[str, Any]:
    """JSON Schema of a YAML format; a bilingual text also accepts a plain string."""
    schema = models()[name].model_json_schema()
    for model, key in INTERNAL:
        if schema.get("title") == model:
            schema["properties"].pop(key, None)
    text = schema.get("$defs", {}).get("Text")
    if text is not None:
        schema["$defs"]["Text"] = {"anyOf": [text, {"type": "string"}],
                                   "description": "A text per language, or one plain text "
                                   "used for both."}
    for definition in [schema, *schema.get("$defs", {}).values()]:
        for key, prop in definition.get("properties", {}).items():
            described = DESCRIPTIONS.get(f"{definition.get('title')}.{key}")
            if described and "description" not in prop:
                prop["description"] = described
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(a) for a in args if a is not type(None)) + (
            " (optional)" if type(None) in args else "")
    if origin is typing.Literal:
        return "one of " + ", ".join(f"`{a}`" for a in args)
    if origin in (list, tuple):
        return f"list of {_type_name(args[0])}" if args else "list"
    if origin is dict:
        if not args:
            return "mapping"
        value = _type_name(args[1])
        if typing.get_origin(args[1]) in (typing.Union, types.UnionType):
            value = f"({value})"  # "mapping text -> (text or mapping text -> text)"
        return f"mapping {_type_name(args[0])} -> {value}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
    if annotation is Any:
        return "any"
    return {str: "text", int: "whole number", float: "number", bool: "true/false"}.get(
        annotation, getattr(annotation, "__name__", str(annotation)))


def _default(info: FieldInfo) -> str:
    if info.is_required():
        return "required"
    if info.default_factory is not None:
        value = info.default_factory()  # type: ignore[call-arg]
        if isinstance(value, BaseModel):
            return "(its defaults)"
        return f"`{json.dumps(value, ensure_ascii=False, default=str)}`"
    if info.default is PydanticUndefined:
        return "required"
    default = info.default
    if isinstance(default, BaseModel):
        default = default.model_dump(mode="json")
    return f"`{json.dumps(default, ensure_ascii=False, default=str)}`"


def _nested(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _nested(arg)]


def _examples_of(model: type[BaseModel], data: Any,
                 found: dict[tuple[str, str], Any]) -> None:
    """Walk an example alongside its model: (model name, key) -> the example's value."""
    if not isinstance(data, dict):
        return
    for key, info in model.model_fields.items():
        if key not in data:
            continue
        found.setdefault((model.__name__, key), data[key])
        nested = _nested(info.annotation)
        value = data[key]
        if not nested:
            continue
        origin = typing.get_origin(info.annotation)
        members = value if isinstance(value, list) else (
            list(value.values()) if isinstance(value, dict) and origin is dict else [value])
        for member in members:
            _examples_of(nested[0], member, found)


def _example_texts(name: str) -> list[str]:
    """The example files of a format: the two above, then the shipped demo and the
    worked-example projects of the repository (which their own tests check)."""
    texts = [source[name] for source in (EXAMPLES, MORE_EXAMPLES) if name in source]
    root = DOCS.parent
    patterns = {"questionnaire": ["questionnaires/demo/*-demo.yaml"],
                "project": ["questionnaires/demo/project.yaml", "tests/projects/*/project.yaml"],
                "scorecard": ["questionnaires/demo/scorecard.yaml",
                              "tests/projects/*/scorecard.yaml"]}[name]
    for pattern in patterns:
        texts += [path.read_text(encoding="utf-8") for path in sorted(root.glob(pattern))]
    return texts


def _example_cell(key: str, value: Any) -> str:
    text = yaml.safe_dump({key: value}, allow_unicode=True, default_flow_style=True,
                          sort_keys=False, width=10_000).strip()[1:-1]
    text = text if len(text) <= 70 else text[:67] + "..."
    return f"`{text}`".replace("|", "\\|")


def reference(name: str) -> str:
    """The Markdown reference page of a YAML format."""
    file, title, intro = PAGES[name]
    lines = [f"# {title}", "",
             "<!-- generated by `python -m surveyq.formats` from the pydantic models; "
             "do not edit -->", "", intro, "",
             f"JSON Schema for editors: `surveyq schema {name}`.", ""]
    if name in EXAMPLES:
        yaml.safe_load(EXAMPLES[name])   # the example must stay valid YAML
        lines += ["## Example", "", "```yaml", EXAMPLES[name].rstrip(), "```", ""]
    lines += ["A text in two languages (`{id: ..., en: ...}`) may be written as one plain "
              "text, used for both.", ""]
    examples: dict[tuple[str, str], Any] = {}
    for text in _example_texts(name):
        _examples_of(models()[name], yaml.safe_load(text), examples)
    seen: list[type[BaseModel]] = []
    queue = [models()[name]]
    while queue:
        model = queue.pop(0)
        if model in seen:
            continue
        seen.append(model)
        lines += [f"## {model.__name__}", "", _first_line(model.__doc__), "",
                  "| key | type | default | meaning | example |",
                  "| --- | --- | --- | --- | --- |"]
        for key, info in model.model_fields.items():
            if (model.__name__, key) in INTERNAL:
                continue
            description = (info.description or DESCRIPTIONS.get(f"{model.__name__}.{key}")
                           or _documented_attributes(model).get(key, ""))
            example = examples.get((model.__name__, key))
            shown = _example_cell(key, example) if (model.__name__, key) in examples else ""
            lines.append(f"| `{key}` | {_type_name(info.annotation)} | {_default(info)} | "
                         f"{description} | {shown} |")
            queue += [m for m in _nested(info.annotation) if m not in seen]
        lines.append("")
    return "\n".join(lines)


def _documented_attributes(model: type[BaseModel]) -> dict[str, str]:
    """``name : type`` entries of the numpy-style "Attributes" section of a model's docstring."""
    import inspect
    import re

    doc = inspect.cleandoc(model.__doc__ or "")
    section = re.split(r"\nAttributes\n-+\n", doc)
    if len(section) < 2:
        return {}
    found: dict[str, str] = {}
    current = None
    for line in section[1].split("\n\n\n")[0].splitlines():
        header = re.match(r"^(\w+) :", line)
        if header:
            current = header.group(1)
            found[current] = ""
        elif current and line.startswith("    "):
            found[current] = (found[current] + " " + line.strip()).strip()
    return found


def _first_line(doc: str | None) -> str:
    return (doc or "").strip().split("\n\n")[0].replace("\n", " ")


DOCS = Path(__file__).resolve().parents[1] / "docs"


def write_docs(folder: str | Path = DOCS) -> list[Path]:
    """Regenerate the reference pages in ``folder``."""
    written = []
    for name, (file, _, _) in PAGES.items():
        path = Path(folder) / file
        path.write_text(reference(name), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover
    for page in write_docs():
        print(f"wrote {page}")
