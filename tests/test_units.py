"""Per-unit IKM (issue 16): a generated 30-unit city with planted, hand-computed units."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from surveyq import ikm
from surveyq.errors import InputError
from surveyq.uncertainty import ikm_ci
from surveyq.units import ikm_units, units_change

ELEMENTS = [f"U{i}" for i in range(1, 10)]



def planted_city(seed: int = 16) -> tuple[pd.DataFrame, pd.Series, dict[str, int]]:
    """30 units of unequal size; five planted units whose figures are known by hand."""
    rng = np.random.default_rng(seed)
    blocks, names = [], []
    # A: every answer 4 -> NRR 4 everywhere, converted 100 (band A).
    blocks.append(np.full((12, 9), 4.0))
    names += ["P-A"] * 12
    # B: 5 respondents answer all 4, 5 answer all 3 -> NRR 3.5, converted 87.5 (band B).
    blocks.append(np.vstack([np.full((5, 9), 4.0), np.full((5, 9), 3.0)]))
    names += ["P-B"] * 10
    # C: every answer 3 -> converted 75 (band C: 65.00 <= 75 < 76.61).
    blocks.append(np.full((40, 9), 3.0))
    names += ["P-C"] * 40
    # D: every answer 2 -> converted 50 (band D).
    blocks.append(np.full((25, 9), 2.0))
    names += ["P-D"] * 25
    # Weak U5: all 4 except U5 = 2 -> index (8*4 + 2)/9 = 34/9, converted 94.444 (A).
    weak = np.full((7, 9), 4.0)
    weak[:, 4] = 2.0
    blocks.append(weak)
    names += ["P-U5"] * 7
    for unit in range(25):  # unequal sizes and levels
        n = int(rng.integers(3, 160))
        low = int(rng.integers(1, 4))
        blocks.append(rng.integers(low, 5, size=(n, 9)).astype(float))
        names += [f"R{unit:02d}"] * n
    answers = pd.DataFrame(np.vstack(blocks), columns=ELEMENTS)
    units = pd.Series(names, index=answers.index, name="unit")
    populations = {name: 100 + 37 * i for i, name in enumerate(pd.unique(units))}
    return answers, units, populations


@pytest.fixture(scope="module")
def city():
    answers, units, populations = planted_city()
    return answers, units, populations, ikm_units(answers, units, populations, min_n=10)


def test_planted_units_by_hand(city):
    *_, result = city
    table = result.units
    assert table.loc["P-A", "converted"] == pytest.approx(100.0)
    assert table.loc["P-B", "converted"] == pytest.approx(87.5)
    assert table.loc["P-C", "converted"] == pytest.approx(75.0)
    assert table.loc["P-D", "converted"] == pytest.approx(50.0)
    assert table.loc["P-U5", "converted"] == pytest.approx(34 / 9 * 25)
    assert table.loc[["P-A", "P-B", "P-C", "P-D", "P-U5"], "band"].tolist() == list("ABCDA")
    assert set(table["band"]) == set("ABCD")
    assert result.nrr.loc["P-U5", "U5"] == 2.0
    assert result.nrr_converted.loc["P-U5", "U5"] == 50.0  # 2.0 x 25
    assert result.nrr_band.loc["P-U5", "U5"] == "D"  # 2.0 x 25 = 50 < 65.00
    assert result.nrr_band.loc["P-U5", "U1"] == "A"  # 4.0 x 25 = 100
    assert table.loc["P-U5", "lowest_elements"][0] == "U5"
    # P-B: per-respondent converted is 100 or 75 (5 each); SE of the mean by hand:
    # s = sqrt(10 * 12.5^2 / 9), SE = s / sqrt(10) = 12.5 / 3.
    assert table.loc["P-B", "se"] == pytest.approx(12.5 / 3)
    assert table.loc["P-B", "low"] == pytest.approx(87.5 - 1.959964 * 12.5 / 3, abs=1e-4)
    # Krejcie & Morgan: P-A has population 100 -> needs 80, has 12.
    assert table.loc["P-A", "sample_needed"] == 80 and not table.loc["P-A", "adequate"]
    # notes are message codes; their English text names the unit
    assert any("P-A" in str(note) and "zero width" in str(note) for note in result.notes)


def test_every_unit_equals_a_separate_run(city):
    answers, units, populations, result = city
    for name, row in result.units.iterrows():
        rows = answers[units == name]
        alone = ikm(rows)
        assert row["converted"] == pytest.approx(alone.converted)
        assert row["band"] == alone.band
        assert row["n"] == len(rows)
        pd.testing.assert_series_equal(result.nrr.loc[name], alone.elements["nrr"],
                                       check_names=False)
        if len(rows) > 1 and rows.nunique().max() > 1:
            interval = ikm_ci(rows, method="analytic")
            assert row["se"] == pytest.approx(interval.se)
            assert row["p_in_band"] == pytest.approx(interval.p_in_band)


def test_pooled_aggregate_by_hand(city):
    answers, units, _, result = city
    values = answers.to_numpy()
    nrr = values.sum(axis=0) / values.shape[0]  # every answer present
    assert result.aggregate["method"] == "pooled"
    assert result.aggregate["converted"] == pytest.approx(25 * nrr.sum() / 9)
    assert result.aggregate["n"] == len(answers)
    # With complete answers, pooled = respondent-weighted mean of unit indices.
    table = result.units
    weighted = (table["n"] * table["converted"]).sum() / table["n"].sum()
    assert result.aggregate["converted"] == pytest.approx(weighted)


def test_rest_of_organisation_leaves_the_unit_out(city):
    answers, units, _, result = city
    others = answers[units != "P-D"].to_numpy()
    rest = 25 * (others.sum(axis=0) / others.shape[0]).sum() / 9
    row = result.units.loc["P-D"]
    assert row["rest_converted"] == pytest.approx(rest)
    assert row["diff"] == pytest.approx(50.0 - rest)
    # P-D answered 2 throughout: no spread, so its own sampling error is unknown (not 0)
    # and no verdict is given (it was "lower", from the rest's error alone).
    assert row["no_spread"] and pd.isna(row["differs"]) and np.isnan(row["diff_low"])
    assert pd.isna(result.units.loc["P-A", "differs"])  # P-A too: every answer 4
    # P-B (SE 12.5/3 by hand): the rest's SE with complete answers is the SE of the mean of
    # each respondent's own converted score c_i = 25/9 sum_u x_iu (docs/ikm-interval.md);
    # the difference's interval is diff -+ 1.959964 x sqrt(SE_B^2 + SE_rest^2).
    others = answers[units != "P-B"].to_numpy()
    rest = 25 * (others.sum(axis=0) / others.shape[0]).sum() / 9
    scores = 25 / 9 * others.sum(axis=1)
    se_rest = scores.std(ddof=1) / math.sqrt(len(scores))
    half = 1.959964 * math.hypot(12.5 / 3, se_rest)
    row = result.units.loc["P-B"]
    assert row["diff"] == pytest.approx(87.5 - rest)
    assert row["diff_low"] == pytest.approx(87.5 - rest - half, abs=1e-5)
    assert row["diff_high"] == pytest.approx(87.5 - rest + half, abs=1e-5)
    assert row["differs"] == ("higher" if 87.5 - rest - half > 0 else "no")


def test_other_aggregates_by_hand(city):
    answers, units, populations, _ = city
    mean = ikm_units(answers, units, aggregate="mean")
    conv = mean.units["converted"]
    assert mean.aggregate["converted"] == pytest.approx(conv.mean())
    se = mean.units["se"]
    assert mean.aggregate["se"] == pytest.approx(math.sqrt((se**2).sum()) / len(se))
    # Leave-one-out: the rest of P-C is the mean of the other 29 indices.
    assert mean.units.loc["P-C", "rest_converted"] == pytest.approx(
        (conv.sum() - 75.0) / 29)
    by_pop = ikm_units(answers, units, populations, aggregate="population")
    pops = pd.Series(populations).loc[by_pop.units.index]
    assert by_pop.aggregate["converted"] == pytest.approx(
        (pops * by_pop.units["converted"]).sum() / pops.sum())


def test_ranking_and_small_units_marked(city):
    *_, result = city
    table = result.units
    assert table.index[0] == "P-A" and table.loc["P-A", "rank"] == 1
    assert table["converted"].is_monotonic_decreasing
    small = table[table["n"] < 10]
    assert small["below_min_n"].all() and not table.loc[table["n"] >= 10, "below_min_n"].any()
    assert len(table) == 30  # nothing hidden


def test_unit_without_an_element_keeps_its_row():
    answers = pd.DataFrame({"U1": [4, 3, 2, 3], "U2": [4, 3, None, None]})
    units = pd.Series(["a", "a", "b", "b"])
    result = ikm_units(answers, units)
    assert np.isnan(result.units.loc["b", "converted"])
    assert "no answers" in result.units.loc["b", "error"]
    assert result.units.loc["a", "converted"] == pytest.approx(25 * (3.5 + 3.5) / 2)


def test_bad_options():
    answers = pd.DataFrame({"U1": [4, 3]})
    with pytest.raises(InputError, match="aggregate"):
        ikm_units(answers, pd.Series(["a", "b"]), aggregate="median")
    with pytest.raises(InputError, match="population"):
        ikm_units(answers, pd.Series(["a", "b"]), {"a": 10}, aggregate="population")


# --------------------------------------------------------------------------- project run


def previous_city() -> tuple[pd.DataFrame, pd.Series]:
    """Last period: the same city, except every P-C answer was 2 (converted 50)."""
    answers, units, _ = planted_city()
    before = answers.copy()
    before.loc[units == "P-C", :] = 2.0
    return before, units


def test_change_against_previous_period_by_hand(city):
    answers, units, populations, result = city
    before, before_units = previous_city()
    change = units_change(result, ikm_units(before, before_units, populations, min_n=10))
    # P-C: 75 now, 50 before: +25. No spread in either period, so the change's sampling
    # error is unknown: no interval and no verdict (it used to read [25, 25], "up").
    assert change.loc["P-C", "previous"] == pytest.approx(50.0)
    assert change.loc["P-C", "change"] == pytest.approx(25.0)
    assert pd.isna(change.loc["P-C", "changed"]) and np.isnan(change.loc["P-C", "change_low"])
    # P-B unchanged: 0, SE sqrt(2) x 12.5/3 (two independent samples), no clear change.
    assert change.loc["P-B", "change"] == pytest.approx(0.0)
    half = 1.959964 * math.sqrt(2) * 12.5 / 3
    assert change.loc["P-B", "change_high"] == pytest.approx(half, abs=1e-4)
    assert change.loc["P-B", "changed"] == "no"


def write_city_project(folder, lang: str = "en", aggregate: str = "pooled",
                       previous: bool = False, survey: dict | None = None,
                       settings: dict | None = None):
    """A project whose SKM questionnaire has a field of kind `unit`, and a `units:` table."""
    import yaml

    from surveyq.questionnaire import resolve_questionnaire_path

    answers, units, populations = planted_city()
    shipped = yaml.safe_load(resolve_questionnaire_path("skm-permenpanrb-14-2017").read_text(
        encoding="utf-8"))
    shipped["id"] = "skm-city"
    shipped["fields"].append({"id": "unit", "kind": "unit", "column": "Unit Layanan",
                              "text": {"id": "Unit layanan", "en": "Service unit"}})
    (folder / "skm-city.yaml").write_text(yaml.safe_dump(shipped, allow_unicode=True),
                                          encoding="utf-8")
    frame = answers.astype(int)
    frame.insert(0, "Unit Layanan", units)
    frame.to_csv(folder / "city.csv", index=False)
    if previous:
        before, before_units = previous_city()
        old = before.astype(int)
        old.insert(0, "Unit Layanan", before_units)
        old.to_csv(folder / "city-2025.csv", index=False)
    project = {
        "organisation": {"id": "Pemerintah Kota Contoh", "en": "City of Contoh"},
        "period": "2026", "language": lang,
        "surveys": {"skm": {
            "questionnaire": "skm-city.yaml", "responses": "city.csv",
            "title": {"id": "SKM Kota Contoh", "en": "SKM City of Contoh"},
            "analyses": ["ikm"],
            **({"previous": {"2025": "city-2025.csv"}} if previous else {}),
            "units": {"aggregate": aggregate, "min_n": 10, "population": populations,
                      "pairs": previous}, **(survey or {})}},
        **(settings or {}),
    }
    (folder / "project.yaml").write_text(yaml.safe_dump(project, allow_unicode=True),
                                         encoding="utf-8")
    return folder / "project.yaml", answers, units


def test_project_run_holds_every_unit_figure(tmp_path):
    import json

    from surveyq.pipeline import run_project

    path, answers, units = write_city_project(tmp_path, previous=True)
    run_project(path, tmp_path / "out")
    results = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    block = results["surveys"]["skm"]["analyses"]["ikm"]["units"]
    assert block["field"] == "unit" and block["aggregate"]["method"] == "pooled"
    rows = {row["unit"]: row for row in block["units"]}
    assert len(rows) == 30
    assert rows["P-B"]["converted"] == pytest.approx(87.5)
    assert rows["P-U5"]["lowest_elements"][0] == "U5"
    assert rows["P-A"]["below_min_n"] is False and rows["P-U5"]["below_min_n"] is True
    nrr = {row["unit"]: row for row in block["nrr"]}
    assert nrr["P-U5"]["U5"] == 2.0
    values = answers.to_numpy()
    assert block["aggregate"]["converted"] == pytest.approx(
        25 * (values.sum(axis=0) / len(values)).sum() / 9)
    change = {row["unit"]: row for row in block["change"]["2025"]}
    assert change["P-C"]["change"] == pytest.approx(25.0) and change["P-C"]["changed"] is None
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "P-U5" in html and "heat-" in html and "2025" in html
    pairs = block["pairs"]
    assert len(pairs) <= 30 * 29 // 2 and all(0 <= p["p_adjusted"] <= 1 for p in pairs)
    assert all(p["p_adjusted"] >= p["p"] for p in pairs)


def test_appendix_tables_per_unit(tmp_path):
    from openpyxl import load_workbook

    from surveyq.pipeline import run_project

    path, *_ = write_city_project(tmp_path, lang="id")
    run_project(path, tmp_path / "out", lang="id")
    book = load_workbook(tmp_path / "out" / "appendix.xlsx", read_only=True)
    names = book.sheetnames
    per_unit = next(name for name in names if name.endswith("IKM per Unit"))
    assert any(name.endswith("IKM NRR per Unit") for name in names)
    cells = [c for row in book[per_unit].iter_rows(values_only=True) for c in row]
    assert "P-U5" in cells and "lebih rendah" in cells


def test_pairs_with_holm_by_hand():
    from surveyq.units import units_pairs

    # a: 4,3,4,4 -> 93.75; b: 2,1,2,2 -> 43.75; c: 3,3,4,3 -> 81.25. Each unit's answers
    # have SD 0.5, so the SE of its converted index is 25 x 0.5 / sqrt(4) = 6.25, and a
    # pair's SE is 6.25 x sqrt(2) = 8.8388.
    answers = pd.DataFrame({"U1": [4, 3, 4, 4, 2, 1, 2, 2, 3, 3, 4, 3]})
    office = pd.Series(["a"] * 4 + ["b"] * 4 + ["c"] * 4)
    pairs = units_pairs(ikm_units(answers, office)).set_index(["unit_a", "unit_b"])
    assert pairs.loc[("a", "c"), "se"] == pytest.approx(6.25 * math.sqrt(2))
    assert pairs.loc[("a", "c"), "z"] == pytest.approx(12.5 / (6.25 * math.sqrt(2)))
    # z = sqrt(2) -> two-sided p = 0.157299 (normal table); the largest p, Holm factor 1.
    assert pairs.loc[("a", "c"), "p"] == pytest.approx(0.157299, abs=1e-6)
    assert pairs.loc[("a", "c"), "p_adjusted"] == pytest.approx(0.157299, abs=1e-6)
    # c - b: z = 37.5 / 8.8388 = 4.2426, p = 2.2090e-5; second smallest, Holm factor 2.
    assert pairs.loc[("c", "b"), "p_adjusted"] == pytest.approx(2 * 2.2090e-5, rel=1e-3)
    assert pairs.loc[("c", "b"), "differs"] and not pairs.loc[("a", "c"), "differs"]


def test_project_with_a_missing_unit_field_keeps_the_pooled_index(tmp_path):
    import json

    import yaml

    from surveyq.pipeline import run_project

    path, answers, _ = write_city_project(tmp_path)
    project = yaml.safe_load(path.read_text(encoding="utf-8"))
    project["surveys"]["skm"]["units"]["field"] = "kecamatan"  # not a questionnaire field
    path.write_text(yaml.safe_dump(project), encoding="utf-8")
    run_project(path, tmp_path / "out")
    ikm_block = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8")
                           )["surveys"]["skm"]["analyses"]["ikm"]
    assert "kecamatan" in ikm_block["units"]["error"]
    values = answers.to_numpy()
    assert ikm_block["summary"]["converted"] == pytest.approx(
        25 * (values.sum(axis=0) / len(values)).sum() / 9)


def test_rows_without_a_unit_are_counted():
    answers = pd.DataFrame({"U1": [4, 3, 2, 3], "U2": [4, 3, 2, 2]})
    units = pd.Series(["a", "a", None, "b"])
    result = ikm_units(answers, units)
    assert "1 respondent(s) without a unit" in " ".join(map(str, result.notes))
    assert result.aggregate["n"] == 3  # pooled over the rows that have a unit


def test_cited_pemda_office_figure_pools_its_services():
    """The default's citation (docs/units.md): Kabupaten Bantul's SKM portal prints, for its
    Dinas Pertanahan dan Tata Ruang in 2023, nine element NRRs, the office index 87.28 and
    three service indices. The office index is the regulation's formula on the pooled
    element means, not the mean of the services' indices."""
    from surveyq.ikm import ikm_from_nrr

    published_nrr = [3.31, 3.35, 3.49, 3.93, 3.45, 3.39, 3.39, 3.76, 3.35]
    office = ikm_from_nrr(dict(zip(ELEMENTS, published_nrr, strict=True)))
    # by hand: sum = 31.42, / 9 = 3.49111, x 25 = 87.2778 -> printed 87.28
    assert round(office.converted, 2) == 87.28
    services = [75.56, 86.29, 94.61]
    assert round(sum(services) / 3, 2) == 85.49  # the mean of units would print 85.49


def write_per_unit_files(folder, lang: str = "en", previous: bool = False):
    """The 30-unit city as one export per unit (the unit is not a column of the files)."""
    import yaml

    path, answers, units = write_city_project(folder, lang=lang, previous=previous)
    project = yaml.safe_load(path.read_text(encoding="utf-8"))
    survey = project["surveys"]["skm"]
    del survey["responses"]
    files = {}
    (folder / "units").mkdir()
    for number, name in enumerate(pd.unique(units)):
        frame = answers[units == name].astype(int)
        files[name] = f"units/unit-{number:02d}.csv"
        frame.to_csv(folder / files[name], index=False)
    survey["units"]["files"] = files
    path.write_text(yaml.safe_dump(project, allow_unicode=True), encoding="utf-8")
    return path, answers, units


def test_one_file_per_unit_through_surveyq_run(tmp_path):
    import json

    from typer.testing import CliRunner

    from surveyq.cli import app

    single = tmp_path / "single"
    single.mkdir()
    path, *_ = write_city_project(single)
    CliRunner().invoke(app, ["run", str(path), "--out", str(single / "out")])
    split = tmp_path / "split"
    split.mkdir()
    path, answers, units = write_per_unit_files(split, previous=True)
    result = CliRunner().invoke(app, ["run", str(path), "--out", str(split / "out")])
    assert result.exit_code == 0, result.output

    def block(folder):
        results = json.loads((folder / "out" / "results.json").read_text(encoding="utf-8"))
        return results["surveys"]["skm"]

    one, many = block(single), block(split)
    assert many["n"] == one["n"] == len(answers)
    rows = {row["unit"]: row for row in many["analyses"]["ikm"]["units"]["units"]}
    assert len(rows) == 30
    # the planted units by hand, now each from its own file
    assert rows["P-B"]["converted"] == pytest.approx(87.5)
    assert rows["P-D"]["converted"] == pytest.approx(50.0)
    for row in one["analyses"]["ikm"]["units"]["units"]:
        assert rows[row["unit"]]["converted"] == pytest.approx(row["converted"])
        assert rows[row["unit"]]["rest_converted"] == pytest.approx(row["rest_converted"])
    # the earlier period is one file with the unit column: P-C was 50 then, 75 now
    change = {r["unit"]: r for r in many["analyses"]["ikm"]["units"]["change"]["2025"]}
    assert change["P-C"]["change"] == pytest.approx(25.0)
    # every file keeps its own row accounting in the cleaning log
    accounting = [row for row in many["row_accounting"] if "city-2025" not in row["file"]]
    assert len(accounting) == 30 and all("unit-" in row["file"] for row in accounting)
    assert sum(row["rows_kept"] for row in accounting) == len(answers)
    checked = CliRunner().invoke(app, ["check", str(path)])
    assert checked.exit_code == 0, checked.output


def test_neither_responses_nor_unit_files_is_one_line(tmp_path):
    import yaml
    from typer.testing import CliRunner

    from surveyq.cli import app

    path, *_ = write_city_project(tmp_path)
    project = yaml.safe_load(path.read_text(encoding="utf-8"))
    del project["surveys"]["skm"]["responses"]
    path.write_text(yaml.safe_dump(project), encoding="utf-8")
    result = CliRunner().invoke(app, ["run", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "units: {files:" in result.output and "Traceback" not in result.output


#: P-U5's own follow-up plan for its weakest element (U5), and a unit that does not exist.
UNIT_PLANS = {
    "P-U5": {"U5": {"action": {"id": "Pelatihan petugas loket", "en": "Counter staff training"},
                    "when": "Triwulan II", "who": "Kepala Puskesmas"}},
    "No Such Unit": {"U1": {"action": "Tidak dipakai"}},
}
#: The organisation's plan for U1: units whose lowest elements include U1 and that have no
#: plan of their own for it take this one.
ORGANISATION_PLAN = {"U1": {"action": {"id": "Kanal pengaduan daring", "en": "Online complaints"},
                            "when": "2027", "who": "Inspektorat"}}


@pytest.fixture(scope="module")
def city_outputs(tmp_path_factory):
    """The city with a previous period, run in both languages."""
    import yaml

    from surveyq.pipeline import run_project

    outputs = {}
    for lang in ("en", "id"):
        folder = tmp_path_factory.mktemp(f"city-{lang}")
        path, *_ = write_city_project(folder, lang=lang, previous=True)
        project = yaml.safe_load(path.read_text(encoding="utf-8"))
        project["surveys"]["skm"]["units"]["follow_up"] = UNIT_PLANS
        project["surveys"]["skm"]["follow_up"] = ORGANISATION_PLAN
        path.write_text(yaml.safe_dump(project, allow_unicode=True), encoding="utf-8")
        run_project(path, folder / "out", lang=lang)
        outputs[lang] = folder / "out"
    return outputs


def test_change_per_unit_in_the_appendix(city_outputs):
    from docx import Document
    from openpyxl import load_workbook

    out = city_outputs["en"]
    book = load_workbook(out / "appendix.xlsx", read_only=True)
    sheet = next(name for name in book.sheetnames if name.endswith("IKM Unit Change"))
    rows = [row for row in book[sheet].iter_rows(values_only=True)]
    p_c = next(row for row in rows if "P-C" in row)
    # P-C: 50 in 2025 (every answer 2), 75 now (every answer 3): +25; no spread in either
    # period, so no interval and no verdict
    assert [v for v in p_c if isinstance(v, (int, float))][:3] == pytest.approx(
        [50.0, 75.0, 25.0])
    assert "risen" not in p_c
    p_b = next(row for row in rows if "P-B" in row)
    assert "no clear change" in p_b  # unchanged, SE 12.5/3 in both periods
    text = "\n".join(cell.text for table in Document(out / "appendix.docx").tables
                     for row in table.rows for cell in row.cells)
    assert "Beyond sampling error" in text and "no clear change" in text
    book_id = load_workbook(city_outputs["id"] / "appendix.xlsx", read_only=True)
    assert any(name.endswith("IKM Perubahan Unit") for name in book_id.sheetnames)


def test_one_report_page_per_unit(city_outputs):
    html = (city_outputs["en"] / "report.html").read_text(encoding="utf-8")
    assert html.count('<div class="unit-page">') == 30
    page = html.split('<div class="unit-page">')[1:]
    p_c = next(part for part in page if "<h4>P-C</h4>" in part)
    assert "Against 2025: 50.00 then, a change of +25.00 (not estimable)." in p_c
    assert "with no spread in the sample its interval cannot be estimated" in p_c
    assert "NRR per element — P-C" in p_c
    p_u5 = next(part for part in page if "<h4>P-U5</h4>" in part)
    assert p_u5.count("▼ lowest") == 3  # units.lowest = 3; U5 (NRR 2) is among them
    html_id = (city_outputs["id"] / "report.html").read_text(encoding="utf-8")
    assert "Dibanding 2025: 50,00 saat itu, berubah +25,00 (tidak dapat ditaksir)." in html_id


def test_publication_sheet_per_unit(city_outputs):
    for lang, number in (("en", "87.50"), ("id", "87,50")):
        html = (city_outputs[lang] / "skm-publication-units.html").read_text(encoding="utf-8")
        assert html.count('<div class="page">') == 30  # one A4 page per unit
        pages = html.split('<div class="page">')[1:]
        p_b = next(page for page in pages if '<div class="unit">P-B</div>' in page)
        assert f'<div class="value">{number}</div>' in p_b
        # P-B has 10 respondents; its interval by hand: 87.5 -+ 1.959964 x 12.5/3
        assert ">10 <small>" in p_b
        low = f"{87.5 - 1.959964 * 12.5 / 3:.2f}"
        assert (low if lang == "en" else low.replace(".", ",")) in p_b
        p_a = next(page for page in pages if '<div class="unit">P-A</div>' in page)
        # P-A answered 4 throughout: 100, the highest a unit can reach
        assert ("Rank 1 of 30" if lang == "en" else "Peringkat 1 dari 30") in p_a
    assert (city_outputs["en"] / "skm-publication.html").is_file()  # the organisation's too


@pytest.mark.parametrize("stream", [False, True])
def test_previous_period_as_one_file_per_unit(tmp_path, stream):
    """An earlier period given as one export per unit (`previous: {2025: {unit: file}}`),
    read in memory and streamed: each unit is compared with its own file of that period."""
    import json

    import yaml

    from surveyq.pipeline import run_project

    path, answers, units = write_per_unit_files(tmp_path)
    before, before_units = previous_city()
    (tmp_path / "units-2025").mkdir()
    files = {}
    for number, name in enumerate(pd.unique(before_units)):
        if name == "P-D":  # no file for P-D in 2025: it has no change
            continue
        files[name] = f"units-2025/unit-{number:02d}.csv"
        before[before_units == name].astype(int).to_csv(tmp_path / files[name], index=False)
    project = yaml.safe_load(path.read_text(encoding="utf-8"))
    project["surveys"]["skm"]["previous"] = {"2025": files}
    project["surveys"]["skm"]["stream"] = stream
    path.write_text(yaml.safe_dump(project, allow_unicode=True), encoding="utf-8")
    run_project(path, tmp_path / "out")
    survey = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8")
                        )["surveys"]["skm"]
    assert survey["mode"] == ("streamed" if stream else "in-memory")
    change = {row["unit"]: row for row in survey["analyses"]["ikm"]["units"]["change"]["2025"]}
    # P-C: every answer 2 in 2025 (converted 50), 3 now (75): +25 (no spread: no verdict)
    assert change["P-C"]["previous"] == pytest.approx(50.0)
    assert change["P-C"]["change"] == pytest.approx(25.0) and change["P-C"]["changed"] is None
    # P-B answered the same in both periods: 87.5 then and now, no clear change
    assert change["P-B"]["previous"] == pytest.approx(87.5)
    assert change["P-B"]["change"] == pytest.approx(0.0) and change["P-B"]["changed"] == "no"
    assert change["P-D"]["previous"] is None and change["P-D"]["changed"] is None
    # the organisation's 2025 figure pools every 2025 file (P-D's rows are not among them)
    old = before[before_units != "P-D"].to_numpy()
    assert survey["previous"]["2025"]["n"] == len(old)


def test_follow_up_plan_per_unit(city_outputs):
    """Each unit's page and publication sheet list its own lowest elements with its own plan
    (units.follow_up), else the survey's plan for the element, else rows to fill."""
    import json

    for lang, caption, action in (
            ("en", "Follow-up plan for the lowest elements — P-U5", "Counter staff training"),
            ("id", "Rencana tindak lanjut unsur terendah — P-U5", "Pelatihan petugas loket")):
        html = (city_outputs[lang] / "report.html").read_text(encoding="utf-8")
        pages = html.split('<div class="unit-page">')[1:]
        p_u5 = next(part for part in pages if "<h4>P-U5</h4>" in part)
        plan = p_u5[p_u5.index(caption):]
        # P-U5's lowest element is U5 (NRR 2, the others 4): first row, with its own plan
        assert plan.index("U5 ") < plan.index(action) < plan.index("Triwulan II")
        p_b = next(part for part in pages if "<h4>P-B</h4>" in part)
        assert action not in p_b  # another unit's plan is not borrowed
        sheets = (city_outputs[lang] / "skm-publication-units.html").read_text(encoding="utf-8")
        sheet = next(page for page in sheets.split('<div class="page">')[1:]
                     if '<div class="unit">P-U5</div>' in page)
        assert action in sheet and "Kepala Puskesmas" in sheet
    results = json.loads((city_outputs["en"] / "results.json").read_text(encoding="utf-8"))
    block = results["surveys"]["skm"]["analyses"]["ikm"]["units"]
    assert block["follow_up"]["P-U5"]["U5"]["who"] == "Kepala Puskesmas"
    assert any("No Such Unit" in note for note in block["notes"])
    # P-A answered 4 throughout: its lowest are U1, U2, U3 (ties in element order); it has
    # no plan of its own, so U1 takes the organisation's and U2, U3 are left to fill
    html = (city_outputs["en"] / "report.html").read_text(encoding="utf-8")
    p_a = next(part for part in html.split('<div class="unit-page">')[1:]
               if "<h4>P-A</h4>" in part)
    plan = p_a[p_a.index("Follow-up plan for the lowest elements — P-A"):]
    assert plan.index("U1 ") < plan.index("Online complaints") < plan.index("U2 ")
    assert block["units"][0]["unit"] == "P-A"
    assert block["units"][0]["lowest_elements"] == ["U1", "U2", "U3"]


def test_unit_profiles_counted_at_once_equal_each_units_own_profile():
    """profile_by (one grouped count per field) equals profile() of each unit's rows (the
    per-unit loop it replaced), with blanks, undeclared categories and rows without a unit."""
    import dataclasses

    from surveyq.clean import Responses
    from surveyq.describe import profile, profile_by
    from surveyq.questionnaire import load_questionnaire

    q = load_questionnaire("skm-permenpanrb-14-2017")
    rng = np.random.default_rng(7)
    n = 3000
    fields = pd.DataFrame({
        "gender": rng.choice(["L", "P", None], size=n, p=[0.5, 0.45, 0.05]),
        "education": rng.choice(["SD", "SMP", "SMA", "S1", "S2", "Pesantren"], size=n),
        "occupation": rng.choice(["PNS", "Swasta", "Wiraswasta", "Lainnya", None], size=n),
    })
    fields = fields[[c for c in fields if c in {f.id for f in q.fields}]]
    units = pd.Series(rng.choice([f"Puskesmas {i}" for i in range(40)] + [None], size=n))
    responses = Responses(pd.DataFrame(index=range(n)), fields, None, q)
    by = profile_by(responses, units, "unit")
    expected = []
    for unit in pd.unique(units.dropna()):
        rows = (units == unit).to_numpy()
        part = dataclasses.replace(responses, items=responses.items[rows], fields=fields[rows])
        expected.append(profile(part).assign(unit=unit))
    pd.testing.assert_frame_equal(by, pd.concat(expected, ignore_index=True))
    # by hand for one unit and field: its rows counted directly
    one = units == "Puskesmas 3"
    mine = by[(by["unit"] == "Puskesmas 3") & (by["field"] == "gender")]
    for category in ("L", "P"):
        count = int((fields.loc[one, "gender"] == category).sum())
        row = mine[mine["category"] == category].iloc[0]
        assert row["count"] == count
        assert row["percent"] == pytest.approx(100 * count / one.sum())


def test_unit_names_are_the_cells_as_text_named_once_per_value():
    # 7.0 reads as "7" (as the units.population keys are written), spaces are trimmed, a
    # blank stays blank; True and 1 are different cells, named "True" and "1" (a lookup by
    # equality would give one of them the other's name)
    from surveyq.analyses import _unit_labels

    cells = pd.Series([" Kec. A", 7.0, None, True, 1, 7, "Kec. A", np.nan, 2.5],
                      index=range(10, 19), dtype=object, name="unit")
    named = _unit_labels(cells)
    assert named.tolist()[:2] == ["Kec. A", "7"] and pd.isna(named.iloc[2])
    assert named.tolist()[3:7] == ["True", "1", "7", "Kec. A"]
    assert pd.isna(named.iloc[7]) and named.iloc[8] == "2.5"
    assert named.index.tolist() == list(range(10, 19)) and named.name == "unit"
    arrow = _unit_labels(pd.Series(["B ", None, "B"], dtype="string[pyarrow]"))
    assert arrow.dtype == "string" and arrow.tolist()[::2] == ["B", "B"]
    assert arrow.isna().tolist() == [False, True, False]
