"""Charts draw Korean, Chinese and Japanese labels (Noto Sans CJK after DejaVu Sans), and
where no font can draw them say so once, not once per glyph and chart (issue 12 item 3)."""

from __future__ import annotations

import warnings

import pytest

from surveyq.report import charts

ROWS = [{"category": "매우 그렇다", "count": 40, "percent": 40},
        {"category": "그렇다", "count": 30, "percent": 30},
        {"category": "보통이다 (netral)", "count": 30, "percent": 30}]


def _draw_twice() -> list[warnings.WarningMessage]:
    with warnings.catch_warnings(record=True) as caught:  # the filters in force are kept
        for _ in range(2):
            charts.profile_bars(ROWS, "만족도")
            charts.render_png(charts.profile_bars, ROWS, "만족도")
    return caught


@pytest.fixture
def fresh(monkeypatch):
    monkeypatch.setattr(charts, "_WARNED", type(charts._WARNED)())


def test_korean_labels_draw_without_warnings_where_noto_cjk_is_installed(fresh):
    if len(charts._fonts()) < 2:
        pytest.skip("Noto Sans CJK is not installed (Debian: fonts-noto-cjk)")
    assert [str(w.message) for w in _draw_twice()] == []
    svg = charts.profile_bars(ROWS, "만족도")
    assert "그렇다" in svg and "Noto Sans CJK" in svg   # text stays text, with its font


def test_without_a_cjk_font_one_warning_is_given(fresh, monkeypatch):
    monkeypatch.setattr(charts, "_fonts", lambda: ("DejaVu Sans",))
    caught = _draw_twice()
    glyph = [w for w in caught if issubclass(w.category, charts.GlyphWarning)]
    assert len(glyph) == 1 and "fonts-noto-cjk" in str(glyph[0].message)
    assert not [w for w in caught if "missing from font" in str(w.message)]


def test_the_cjk_family_is_the_name_table_family_of_the_first_face():
    """The family Pillow (FreeType) reads is the one fontTools reads from the name table
    (name ID 1 of the collection's first face), the name browsers match in the SVG."""
    files = charts._cjk_files()
    if not files:
        pytest.skip("Noto Sans CJK is not installed (Debian: fonts-noto-cjk)")
    from fontTools.ttLib import TTCollection, TTFont

    first = files[0]
    font = TTCollection(first, lazy=True).fonts[0] if first.endswith(".ttc") else TTFont(
        first, lazy=True)
    assert charts._fonts() == ("DejaVu Sans", font["name"].getDebugName(1))
