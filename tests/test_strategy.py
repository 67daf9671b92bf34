"""Tests of surveyq.strategy against docs/methods.md example E9 (Harumantaka et al., BUMD ABC
Kota Bogor), David's IE matrix layout and published AHP examples.

Inputs are the paper's printed figures, verbatim; expected values are those written in
docs/methods.md (worked examples) or in the cited publications, or worked by hand in the comments.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from surveyq.errors import InputError
from surveyq.strategy import ahp_weights, ie_matrix, ife_efe, qspm

# --------------------------------------------------------------------------- E9 IFE / EFE

# Tabel 2 (Evaluasi faktor internal): factor: (nilai/rating, bobot/weight)
IFE = {
    "Satu-satunya BUMD Pasar Kota Bogor": (3.80, 0.11),
    "Kapasitas kelolaan pasar yang besar": (3.60, 0.10),
    "Manajemen profesional": (3.60, 0.10),
    "Kapasitas kios dan non-kios yang banyak": (3.60, 0.10),
    "Sebelas potensi pendapatan": (3.20, 0.09),
    "Compliance": (3.00, 0.08),
    "Fisik bangunan belum berstandar nasional": (2.00, 0.06),
    "Belum adanya sistem kontrol": (2.00, 0.06),
    "Lemahnya data pedagang": (1.80, 0.05),
    "Okupansi kios yang rendah": (1.80, 0.05),
    "Belum adanya standardisasi kebersihan": (1.80, 0.05),
    "Tarif pelayanan belum transparan": (1.80, 0.05),
    "Pelatihan yang kurang": (2.00, 0.06),
    "Belum adanya budaya perusahaan": (1.40, 0.04),
}
# Tabel 3 (Evaluasi faktor eksternal)
EFE = {
    "Pertumbuhan kota": (3.80, 0.14),
    "Pertumbuhan wisatawan": (3.00, 0.11),
    "Kebijakan pemerintah terkait investasi": (3.40, 0.12),
    "Peraturan daerah terkait BUMD": (3.60, 0.13),
    "Kondisi politik, ekonomi, dan keamanan": (2.80, 0.10),
    "Pesatnya pertumbuhan pasar modern": (2.80, 0.10),
    "Gangguan kamtib dan premanisme": (2.20, 0.08),
    "Gangguan pedagang dan pembeli": (2.40, 0.09),
    "Penurunan daya beli": (2.00, 0.07),
    "Kebakaran pasar": (2.00, 0.07),
}


def _split(table):
    return ({factor: rating for factor, (rating, _) in table.items()},
            {factor: weight for factor, (_, weight) in table.items()})


def test_e9_ife_total_without_warning():
    ratings, weights = _split(IFE)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = ife_efe(ratings, weights)
    assert res.total == pytest.approx(2.80, abs=0.005)  # E9: 2.80 from the printed weights
    assert res.weight_sum == pytest.approx(1.00)
    assert res.warning is None
    assert res.table.loc["Compliance", "score"] == pytest.approx(0.24)  # 3.00 x 0.08


def test_e9_efe_total_warns_on_weights_summing_to_1_01():
    ratings, weights = _split(EFE)
    with pytest.warns(UserWarning, match="1.01"):
        res = ife_efe(ratings, weights)
    assert res.total == pytest.approx(2.97, abs=0.005)
    assert res.weight_sum == pytest.approx(1.01)
    assert "1.01" in res.warning


def test_ife_ratings_averaged_over_raters():
    # two raters: factor A 4 and 3 -> 3.5; factor B 2 and 2 -> 2; total 0.6*3.5 + 0.4*2 = 2.9
    raters = pd.DataFrame({"r1": [4, 2], "r2": [3, 2]}, index=["A", "B"])
    res = ife_efe(raters, {"A": 0.6, "B": 0.4})
    assert res.total == pytest.approx(2.9)
    assert res.table.loc["A", "rating"] == pytest.approx(3.5)


def test_ife_efe_errors():
    with pytest.raises(InputError, match="between 1 and 4"):
        ife_efe({"A": 5}, {"A": 1})
    with pytest.raises(InputError, match="1-4"):
        ife_efe(pd.DataFrame({"r1": [0, 2]}, index=["A", "B"]), {"A": 0.5, "B": 0.5})
    with pytest.raises(InputError, match="keys must match"):
        ife_efe({"A": 3}, {"B": 1})
    with pytest.raises(InputError, match="negative"):
        ife_efe({"A": 3, "B": 2}, {"A": 1.5, "B": -0.5})


# --------------------------------------------------------------------------- IE matrix


def test_e9_ie_matrix_cell_v():
    res = ie_matrix(2.81, 2.94)  # the paper's totals
    assert res.cell == "V"
    assert res.strategy == "hold_and_maintain"
    assert res.strategy_en == "Hold and maintain"
    assert res.strategy_id == "Pertahankan dan pelihara"  # as Harumantaka et al. print it
    assert (res.ife_position.code, res.efe_position.code) == ("average", "medium")
    assert ie_matrix(2.80, 2.97).cell == "V"  # the totals recomputed from the printed weights


@pytest.mark.parametrize(
    ("ife", "efe", "cell", "strategy"),
    [
        # rows from the top: EFE high, medium, low; columns from the left: IFE strong, average, weak
        (3.5, 3.5, "I", "grow_and_build"),
        (2.5, 3.5, "II", "grow_and_build"),
        (1.5, 3.5, "III", "hold_and_maintain"),
        (3.5, 2.5, "IV", "grow_and_build"),
        (2.5, 2.5, "V", "hold_and_maintain"),
        (1.5, 2.5, "VI", "harvest_or_divest"),
        (3.5, 1.5, "VII", "hold_and_maintain"),
        (2.5, 1.5, "VIII", "harvest_or_divest"),
        (1.5, 1.5, "IX", "harvest_or_divest"),
    ],
)
def test_ie_matrix_nine_cells(ife, efe, cell, strategy):
    res = ie_matrix(ife, efe)
    assert (res.cell, res.strategy) == (cell, strategy)


@pytest.mark.parametrize(
    ("ife", "efe", "cell"),
    [(3.0, 3.0, "I"), (2.99, 2.99, "V"), (2.995, 2.0, "IV"), (2.0, 1.99, "VIII"),
     (1.0, 4.0, "III"), (1.994, 1.994, "IX")],
)
def test_ie_matrix_axis_boundaries(ife, efe, cell):
    # strong/high >= 3.00, average/medium >= 2.00, on the total rounded half-up to 2 decimals
    assert ie_matrix(ife, efe).cell == cell


def test_ie_matrix_rejects_totals_outside_1_to_4():
    with pytest.raises(InputError, match="between 1 and 4"):
        ie_matrix(0.9, 2.5)
    with pytest.raises(InputError, match="between 1 and 4"):
        ie_matrix(2.5, 4.2)


# --------------------------------------------------------------------------- E9 QSPM

STRATEGIES = ["Mengoptimalkan pendapatan", "Merevitalisasi pasar",
              "Bekerjasama dengan investor", "Membuat/ memperbaiki SOP"]
# Tabel 4 (Matriks QSPM): factor, block, weight, AS per strategy (TAS columns not needed)
QSPM_ROWS = [
    ("Pertumbuhan kota", "external", 0.14, 1.33, 2.67, 2.00, 0.67),
    ("Pertumbuhan wisatawan", "external", 0.11, 1.33, 2.67, 2.00, 0.67),
    ("Kebijakan pemerintah terkait investasi", "external", 0.12, 2.00, 4.00, 3.00, 1.00),
    ("Peraturan daerah terkait BUMD", "external", 0.13, 3.67, 2.00, 1.00, 3.33),
    ("Kondisi politik, ekonomi, dan keamanan", "external", 0.10, 4.00, 2.00, 1.00, 3.00),
    ("Pesatnya pertumbuhan pasar modern", "external", 0.10, 2.00, 4.00, 3.00, 1.00),
    ("Gangguan kamtib dan premanisme", "external", 0.08, 3.33, 2.00, 1.00, 3.67),
    ("Gangguan pedagang dan pembeli", "external", 0.09, 3.33, 2.00, 1.00, 3.67),
    ("Penurunan daya beli", "external", 0.07, 0.00, 0.00, 0.00, 0.00),
    ("Kebakaran pasar", "external", 0.07, 0.67, 2.00, 1.33, 2.67),
    ("Satu-satunya BUMD Pasar Kota Bogor", "internal", 0.10, 4.00, 2.00, 1.00, 3.00),
    ("Kapasitas kelolaan pasar yang besar", "internal", 0.10, 2.67, 1.33, 0.67, 2.00),
    ("Manajemen profesional", "internal", 0.10, 0.00, 0.00, 0.00, 0.00),
    ("Kapasitas kios dan non-kios yang banyak", "internal", 0.10, 4.00, 2.00, 1.00, 3.00),
    ("Sebelas potensi pendapatan", "internal", 0.09, 4.00, 2.00, 1.00, 3.00),
    ("Compliance", "internal", 0.08, 3.00, 2.00, 1.00, 4.00),
    ("Fisik bangunan belum berstandar nasional", "internal", 0.06, 2.00, 4.00, 3.00, 1.00),
    ("Belum adanya sistem kontrol", "internal", 0.05, 3.00, 2.00, 1.00, 4.00),
    ("Lemahnya data pedagang", "internal", 0.06, 3.33, 2.00, 1.00, 3.67),
    ("Okupansi kios yang rendah", "internal", 0.06, 4.00, 2.00, 1.00, 3.00),
    ("Belum adanya standardisasi kebersihan", "internal", 0.06, 0.00, 0.00, 0.00, 0.00),
    ("Tarif pelayanan belum transparan", "internal", 0.05, 4.00, 2.00, 1.00, 3.00),
    ("Pelatihan yang kurang", "internal", 0.06, 4.00, 2.00, 1.00, 3.00),
    ("Belum adanya budaya perusahaan.", "internal", 0.04, 0.00, 0.00, 0.00, 0.00),
]


def _qspm_inputs():
    weights = {row[0]: row[2] for row in QSPM_ROWS}
    groups = {row[0]: row[1] for row in QSPM_ROWS}
    attractiveness = pd.DataFrame([row[3:] for row in QSPM_ROWS],
                                  index=[row[0] for row in QSPM_ROWS], columns=STRATEGIES)
    return weights, attractiveness, groups


def test_e9_qspm_totals_choice_and_weight_warnings():
    weights, attractiveness, groups = _qspm_inputs()
    with pytest.warns(UserWarning, match="1.01") as caught:
        res = qspm(weights, attractiveness, groups=groups)
    assert len([w for w in caught if "1.01" in str(w.message)]) == 2  # both blocks
    assert res.totals.tolist() == pytest.approx([5.08, 4.16, 2.55, 4.31], abs=0.005)
    assert res.chosen == "Mengoptimalkan pendapatan"  # "optimise revenue"
    assert res.ties == ()
    assert res.weight_sums == pytest.approx({"external": 1.01, "internal": 1.01})
    assert len(res.warnings) == 2
    # one TAS by hand: Peraturan daerah terkait BUMD, 0.13 x 3.67 = 0.4771 (printed 0.47)
    assert res.tas.loc["Peraturan daerah terkait BUMD", STRATEGIES[0]] == pytest.approx(0.4771)
    assert res.to_frame().loc["total", STRATEGIES[0]] == pytest.approx(5.08, abs=0.005)


def test_qspm_from_mappings_and_a_tie():
    # both strategies total 0.5*2 + 0.5*2 = 2.0
    with pytest.warns(UserWarning, match="tie"):
        res = qspm({"a": 0.5, "b": 0.5}, {"s1": {"a": 2, "b": 2}, "s2": {"a": 1, "b": 3}})
    assert res.ties == ("s1", "s2")
    assert res.chosen == "s1"


def test_qspm_errors():
    with pytest.raises(InputError, match="0-4"):
        qspm({"a": 1.0}, {"s1": {"a": 5}})
    with pytest.raises(InputError, match="keys must match"):
        qspm({"a": 1.0}, {"s1": {"b": 2}})
    with pytest.raises(InputError, match="blanks"):
        qspm({"a": 0.5, "b": 0.5}, pd.DataFrame({"s1": [1, None]}, index=["a", "b"]))


# --------------------------------------------------------------------------- AHP


def test_ahp_saaty_2008_drinks_example():
    # Saaty, T. L. (2008), "Decision making with the analytic hierarchy process",
    # Int. J. Services Sciences 1(1), 83-98: "Which drink is consumed more in the U.S.?"
    # Printed derived scale: coffee .177, wine .019, tea .042, beer .116, sodas .190,
    # milk .129, water .327, C.R. .022. (Judgment matrix as transcribed in the AHPy test
    # suite, PhilipGriffith/AHPy tests/test_ahp.py, which checks the same printed values.)
    names = ["coffee", "wine", "tea", "beer", "sodas", "milk", "water"]
    matrix = pd.DataFrame(
        [[1, 9, 5, 2, 1, 1, 1 / 2],
         [1 / 9, 1, 1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9],
         [1 / 5, 3, 1, 1 / 3, 1 / 4, 1 / 3, 1 / 9],
         [1 / 2, 9, 3, 1, 1 / 2, 1, 1 / 3],
         [1, 9, 4, 2, 1, 2, 1 / 2],
         [1, 9, 3, 1, 1 / 2, 1, 1 / 3],
         [2, 9, 9, 3, 2, 3, 1]],
        index=names, columns=names,
    )
    res = ahp_weights(matrix)
    printed = {"coffee": 0.177, "wine": 0.019, "tea": 0.042, "beer": 0.116, "sodas": 0.190,
               "milk": 0.129, "water": 0.327}
    assert res.weights.to_dict() == pytest.approx(printed, abs=5e-4)
    assert res.cr == pytest.approx(0.022, abs=5e-4)
    assert res.ri == 1.32  # Saaty's random index for n = 7
    assert res.consistent


def test_ahp_3x3_closed_form_and_flag():
    # For a 3x3 reciprocal matrix a12 = 6, a13 = 8, a23 = 4 (Saaty's house-size example):
    # lambda_max = 1 + x + 1/x with x = (a12 a23 / a13)^(1/3) = 3^(1/3) = 1.44225,
    # so lambda_max = 1 + 1.44225 + 0.69336 = 3.13561; CI = 0.13561 / 2 = 0.06781;
    # CR = 0.06781 / 0.58 = 0.1169 > 0.10 -> flagged.
    # Weights (for n = 3 the row geometric means are the eigenvector):
    # (48)^(1/3) = 3.63424, (2/3)^(1/3) = 0.87358, (1/32)^(1/3) = 0.31498; sum 4.82280
    # -> 0.75355, 0.18113, 0.06531.
    res = ahp_weights([[1, 6, 8], [1 / 6, 1, 4], [1 / 8, 1 / 4, 1]])
    assert res.lambda_max == pytest.approx(3.13561, abs=1e-5)
    assert res.ci == pytest.approx(0.06781, abs=1e-5)
    assert res.cr == pytest.approx(0.1169, abs=1e-4)
    assert res.weights.tolist() == pytest.approx([0.75355, 0.18113, 0.06531], abs=1e-5)
    assert not res.consistent
    assert "0.117" in res.notes[0]


def test_ahp_consistent_matrix_recovers_the_weights():
    # a_ij = w_i / w_j with w = (0.4, 0.3, 0.2, 0.1): lambda_max = n = 4, CI = CR = 0
    w = np.array([0.4, 0.3, 0.2, 0.1])
    res = ahp_weights(pd.DataFrame(np.outer(w, 1 / w), index=list("abcd"), columns=list("abcd")))
    assert res.weights.to_dict() == pytest.approx({"a": 0.4, "b": 0.3, "c": 0.2, "d": 0.1})
    assert res.lambda_max == pytest.approx(4.0)
    assert res.cr == pytest.approx(0.0, abs=1e-12)
    assert res.consistent


def test_ahp_cyclic_judgments_are_flagged():
    # A 9x B, B 9x C, C 9x A: x = (9*9/(1/9))^(1/3) = 9, lambda_max = 1 + 9 + 1/9 = 10.111,
    # CI = 3.5556, CR = 6.13
    res = ahp_weights([[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]])
    assert res.lambda_max == pytest.approx(10.1111, abs=1e-4)
    assert res.cr == pytest.approx(6.1303, abs=1e-4)
    assert not res.consistent


def test_ahp_small_orders_and_typed_reciprocals():
    res = ahp_weights([[1, 3], [0.33, 1]])  # 0.33 typed for 1/3 is accepted
    assert res.cr == 0.0
    assert res.weights.iloc[0] == pytest.approx(0.75, abs=2e-3)  # 3 / (3 + 1)


def test_ahp_errors():
    with pytest.raises(InputError, match="reciprocal"):
        ahp_weights([[1, 3], [3, 1]])
    with pytest.raises(InputError, match="square"):
        ahp_weights([[1, 2, 3], [0.5, 1, 2]])
    with pytest.raises(InputError, match="positive"):
        ahp_weights([[1, -2], [-0.5, 1]])
    with pytest.raises(InputError, match="random index"):
        ahp_weights(np.ones((11, 11)))
    # an 11 x 11 matrix works with a random index supplied
    assert ahp_weights(np.ones((11, 11)), random_index={11: 1.51}).cr == pytest.approx(0.0)
