"""Descriptive tables on the demo SKM survey, checked by counting the cleaned answers by hand."""

from __future__ import annotations

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
