"""Descriptive tables on the demo SKM survey, checked by counting the cleaned answers by hand."""

from __future__ import annotations

import numpy as np
import pytest

from surveyq.demo import demo_project_path
from surveyq.describe import free_text, item_frequencies, profile
from surveyq.pipeline import load_project, read_survey


@pytest.fixture(scope="module")
def skm():
    return read_survey(load_project(demo_project_path()), "skm")


def test_frequencies_keep_every_scale_point_and_add_up_to_n(skm):
    table = item_frequencies(skm)
    counts = table[["count_1", "count_2", "count_3", "count_4"]].astype(int)
    assert (counts.sum(axis=1) == table["n"]).all()
    assert (table["n"] + table["missing"] == skm.n).all()
    # U3 on row 88 held the out-of-range 5: it is missing, not counted anywhere.
    assert table.loc["U3", "missing"] >= 1
    assert "count_5" not in table.columns


def test_profile_counts_add_up_to_n_per_field(skm):
    table = profile(skm)
    assert set(table["field"]) >= {"gender", "age_band", "education", "occupation", "service_type"}
    assert (table.groupby("field")["count"].sum() == skm.n).all()
    assert table.groupby("field")["percent"].sum().round(9).eq(100).all()


def test_free_text_keeps_only_answered_suggestions(skm):
    texts = free_text(skm)
    answered = skm.fields["suggestion"].dropna().map(str.strip)
    assert len(texts) == int((answered != "").sum())
    assert set(texts["row"]) <= set(skm.items.index)


def test_ordinal_fields_follow_the_questionnaire_and_the_bands(skm):
    # issue 12 item 6: "SD ke bawah" used to come after "Doktor", "< 25" after "35-44"
    table = profile(skm)
    education = table.loc[table["field"] == "education", "category"].tolist()
    # the questionnaire's own order of its declared categories (SD ... S3)
    assert education == ["SD", "SMP", "SMA", "D1-D3", "D4/S1", "S2", "S3"]
    ages = table.loc[table["field"] == "age_band", "category"].tolist()
    assert ages == ["17-25 tahun", "26-35 tahun", "36-45 tahun", "46-55 tahun", "> 55 tahun"]


def test_undeclared_categories_order_by_band_or_school_level():
    import pandas as pd

    from surveyq.describe import category_order
    from surveyq.questionnaire import RespondentField

    def field(kind):
        return RespondentField(id="f", kind=kind, text={"id": "F", "en": "F"})

    tenure = pd.Series({"11-20 tahun": 20, "5-10 tahun": 18, "< 5 tahun": 12, "> 20 tahun": 10})
    assert category_order(field("other"), tenure) == [
        "< 5 tahun", "5-10 tahun", "11-20 tahun", "> 20 tahun"]
    school = pd.Series({"Doktor (S3)": 1, "SD ke bawah": 2, "Magister (S2)": 3, "SMP": 9})
    assert category_order(field("education"), school) == [
        "SD ke bawah", "SMP", "Magister (S2)", "Doktor (S3)"]
    # a nominal field keeps the largest group first
    jobs = pd.Series({"PNS": 3, "Swasta": 9, "Lainnya": 1})
    assert category_order(field("occupation"), jobs) == ["Swasta", "PNS", "Lainnya"]


def test_profile_and_frequencies_from_clean_s_codes_equal_the_frames(skm):
    """profile and item_frequencies read the codes clean kept (fields' codes, items' int8
    answers); the same tables come from the frames themselves (a copy clean did not build),
    ties in count kept in the order the categories first appear."""
    import dataclasses

    import pandas as pd

    assert skm.known_field_codes("gender") is not None and skm.item_codes("U1") is not None
    plain = dataclasses.replace(skm, items=skm.items.copy(), _codes={})
    assert plain.known_field_codes("gender") is None and plain.item_codes("U1") is None
    pd.testing.assert_frame_equal(profile(skm), profile(plain))
    pd.testing.assert_frame_equal(item_frequencies(skm), item_frequencies(plain))
    # by hand: ties (two categories of 2) stay in the order they first appear
    fields = pd.DataFrame({"occupation": pd.Series(["b", None, "a", "b", "a", "c"],
                                                   dtype="str")})
    tied = dataclasses.replace(skm, fields=fields, items=skm.items.iloc[:6], _codes={})
    from surveyq.clean import _field_codes

    column = tied.fields["occupation"]
    codes = _field_codes(np.array([1, 3, 0, 1, 0, 2]), ["a", "b", "c", None])
    tied._codes["occupation"] = (column.array, column.array.__arrow_array__(), *codes)
    assert tied.known_field_codes("occupation") is not None
    rows = profile(tied).query("field == 'occupation'")
    assert rows["category"].tolist()[:3] == ["b", "a", "c"] and rows["category"].isna().iloc[3]
    assert rows["count"].tolist() == [2, 2, 1, 1]
    pd.testing.assert_frame_equal(profile(tied), profile(dataclasses.replace(tied, _codes={})))
