"""Band tables against the thresholds published in the regulations and papers.

Expected bands come from docs/methods.md sections 5-8 and the papers' printed
tables; boundaries are tested on both sides.
"""

import math

import pytest

from surveyq.bands import BANDS, Band, BandTable, band_table, classify, round_half_up
from surveyq.errors import InputError


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (88.305, 88.31),  # float 88.30499999...: a spreadsheet's ROUND gives 88.31
        (2.675, 2.68),  # Python's round() gives 2.67
        (0.125, 0.13),  # half goes up, not to even
        (-0.125, -0.13),  # half goes away from zero, as ROUND does
        (64.994999, 64.99),
        (64.995, 65.0),
        (75.402, 75.40),
    ],
)
def test_round_half_up_matches_spreadsheet_round(value, expected):
    assert round_half_up(value) == expected


def test_round_half_up_other_decimals_and_nan():
    assert round_half_up(3.0165, 3) == 3.017
    assert round_half_up(2.5, 0) == 3.0
    assert math.isnan(round_half_up(float("nan")))


@pytest.mark.parametrize(
    ("value", "code", "label"),
    [
        # PermenPAN-RB 14/2017: 25.00-64.99 D, 65.00-76.60 C, 76.61-88.30 B, 88.31-100 A
        (25.0, "D", "Tidak baik"),
        (64.99, "D", "Tidak baik"),
        (65.00, "C", "Kurang baik"),
        (76.60, "C", "Kurang baik"),
        (76.61, "B", "Baik"),
        (88.30, "B", "Baik"),
        (88.31, "A", "Sangat baik"),
        (88.305, "A", "Sangat baik"),  # prints as 88.31
        (88.3049, "B", "Baik"),  # prints as 88.30
        (64.995, "C", "Kurang baik"),  # prints as 65.00
        (100.0, "A", "Sangat baik"),
    ],
)
def test_skm_2017_boundaries(value, code, label):
    band = classify(value, "skm-2017")
    assert (band.code, band.label_id) == (code, label)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        # KEP/25/2004: 25-43.75 D, 43.76-62.50 C, 62.51-81.25 B, 81.26-100 A
        (43.75, "D"),
        (43.76, "C"),
        (62.50, "C"),
        (62.51, "B"),
        (81.25, "B"),
        (81.26, "A"),
        (24.85, "D"),  # the lowest value 0.071 x 14 weights reach
        (99.40, "A"),  # the highest
    ],
)
def test_ikm_2004_boundaries(value, code):
    assert classify(value, BANDS["ikm-2004"]).code == code


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (100.0, "Sangat puas"),
        (81.0, "Sangat puas"),
        (80.99, "Puas"),
        (66.0, "Puas"),
        (65.99, "Cukup puas"),
        (51.0, "Cukup puas"),
        (50.99, "Kurang puas"),
        (35.0, "Kurang puas"),
        (34.99, "Tidak puas"),
        (80.995, "Sangat puas"),  # prints as 81.00
    ],
)
def test_csi_bands(value, label):
    assert classify(value, "csi").label_id == label


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (114.5465, "Istimewa"),  # Hartini & Habibi (2023) NKO (E7)
        (100.01, "Istimewa"),
        (100.0, "Baik"),  # Istimewa needs > 100
        (100.004, "Baik"),  # prints as 100.00
        (90.0, "Baik"),
        (89.99, "Butuh Perbaikan"),
        (70.0, "Butuh Perbaikan"),
        (69.99, "Kurang"),
        (50.0, "Kurang"),
        (49.99, "Sangat Kurang"),
    ],
)
def test_nko_kemenkeu_lakin(value, label):
    assert classify(value, "nko-kemenkeu-lakin").label_id == label


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (110.0, "Sangat Baik"),
        (109.99, "Baik"),
        (100.01, "Baik"),
        (100.0, "Cukup"),
        (90.01, "Cukup"),
        (90.0, "Kurang"),
        (80.01, "Kurang"),
        (80.0, "Buruk"),
    ],
)
def test_nko_alternative(value, label):
    assert classify(value, "nko-alternative").label_id == label


@pytest.mark.parametrize(
    ("value", "label", "success"),
    [
        (59.40, "Sedang", "Cukup berhasil"),  # Nugrahini et al. composite (E4)
        (60.06, "Sedang", "Cukup berhasil"),  # E4 under the standard effectiveness convention
        (55.0, "Sedang", "Cukup berhasil"),
        (54.99, "Kurang baik", "Tidak berhasil"),
        (70.0, "Baik", "Berhasil"),
        (85.0, "Sangat baik", "Sangat berhasil"),
        (112.0, "Sangat baik", "Sangat berhasil"),
    ],
)
def test_lan_1999(value, label, success):
    band = classify(value, "lan-1999")
    assert (band.label_id, band.secondary_id) == (label, success)


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (1.0, "Istimewa"),
        (0.90, "Istimewa"),
        (0.895, "Istimewa"),
        (0.89, "Baik sekali"),
        (0.70, "Baik sekali"),
        (0.69, "Baik"),
        (0.59, "Baik"),
        (0.58, "Cukup"),
    ],
)
def test_company_score_harumantaka(value, label):
    assert classify(value, "company-score-harumantaka").label_id == label


def test_value_for_money_tables():
    # Nugrahini et al. (E5): economy 96.75% is economical; efficiency 17.55% efficient
    assert classify(96.75, "vfm-economy").label_id == "Ekonomis"
    assert classify(100.0, "vfm-economy").label_id == "Tidak ekonomis"
    assert classify(17.55, "vfm-efficiency").label_id == "Efisien"
    assert classify(100.0, "vfm-effectiveness").label_id == "Efektif"
    assert classify(99.99, "vfm-effectiveness").label_id == "Tidak efektif"
    kepmendagri = "vfm-effectiveness-kepmendagri-1996"
    assert classify(100.01, kepmendagri).label_id == "Sangat efektif"
    assert classify(100.0, kepmendagri).label_id == "Efektif"
    assert classify(90.0, kepmendagri).label_id == "Efektif"
    assert classify(89.99, kepmendagri).label_id == "Cukup efektif"
    assert classify(60.0, kepmendagri).label_id == "Kurang efektif"
    assert classify(59.99, kepmendagri).label_id == "Tidak efektif"
    # Nugrahini et al.'s reciprocal variant reads below 100% as effective
    reciprocal = "vfm-effectiveness-reciprocal-nugrahini"
    assert classify(93.60, reciprocal).label_id == "Efektif"
    assert classify(103.63, reciprocal).label_id == "Tidak efektif"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (120.0, "green"),
        (100.0, "green"),
        (99.99, "yellow"),
        (80.0, "yellow"),
        (79.99, "red"),
        (0.0, "red"),
    ],
)
def test_ici_colour(value, code):
    assert classify(value, "ici-colour").code == code


def test_interval_is_the_unrounded_range_of_a_band():
    skm = BANDS["skm-2017"]
    assert skm.interval("B") == pytest.approx((76.605, 88.305))
    assert skm.interval("A") == (pytest.approx(88.305), math.inf)
    assert skm.interval("D") == (-math.inf, pytest.approx(64.995))
    nko = BANDS["nko-kemenkeu-lakin"]
    assert nko.interval("istimewa")[0] == pytest.approx(100.005)  # "> 100"


def test_every_registered_table_is_well_formed_and_cited():
    for name, table in BANDS.items():
        assert table.name == name
        assert table.source
        assert table.bands[-1].lower is None
        frame = table.to_frame()
        assert list(frame.index) == list(table.codes)
        assert "<table" in table._repr_html_()


def test_unknown_table_and_nan_value_are_input_errors():
    with pytest.raises(InputError, match="unknown band table"):
        classify(70.0, "skm-2099")
    with pytest.raises(InputError, match="missing or infinite"):
        classify(float("nan"), "skm-2017")


def test_band_table_rejects_unordered_thresholds_and_gaps():
    low = Band(code="low", lower=None, label_id="Rendah", label_en="Low")
    with pytest.raises(InputError, match="decrease"):
        BandTable(
            name="bad",
            title="t",
            source="s",
            bands=(
                Band(code="a", lower=50, label_id="a", label_en="a"),
                Band(code="b", lower=60, label_id="b", label_en="b"),
                low,
            ),
        )
    with pytest.raises(InputError, match="only the last band"):
        BandTable(
            name="bad",
            title="t",
            source="s",
            bands=(low, low.__class__(code="x", lower=10, label_id="x", label_en="x")),
        )


def test_a_new_regulation_is_a_data_change():
    from surveyq.bands import register_band_table

    table = BandTable(
        name="test-new-regulation",
        title="t",
        source="a future regulation",
        bands=(
            Band(code="A", lower=90, label_id="Sangat baik", label_en="Very good"),
            Band(code="B", lower=None, label_id="Baik", label_en="Good"),
        ),
    )
    try:
        register_band_table(table)
        assert classify(89.995, "test-new-regulation").code == "A"
        assert band_table("test-new-regulation") is table
        with pytest.raises(InputError, match="already registered"):
            register_band_table(table)
    finally:
        BANDS.pop("test-new-regulation", None)
