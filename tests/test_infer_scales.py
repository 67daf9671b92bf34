"""The answer-scale matcher on label sets in Indonesian and English, with typos and mixed case.

Expected points are the published scales: the SKM answer options of PermenPAN-RB 14/2017
(Lampiran: a. Tidak sesuai ... d. Sangat sesuai, worst = 1), the 5-point Likert agreement
scale SS = 5 ... STS = 1 used in Indonesian theses, and the English Likert wordings.
"""

from __future__ import annotations

import pytest

from surveyq.infer_scales import answer_code, match_labels, read_label


@pytest.mark.parametrize(
    ("labels", "family", "expected"),
    [
        # Indonesian 5-point agreement, full set
        (["Sangat Setuju", "Setuju", "Netral", "Tidak Setuju", "Sangat Tidak Setuju"], "setuju",
         {"Sangat Tidak Setuju": 1, "Tidak Setuju": 2, "Netral": 3, "Setuju": 4,
          "Sangat Setuju": 5}),
        # the same with abbreviations as printed on forms
        (["SS", "S", "RR", "TS", "STS"], "setuju",
         {"STS": 1, "TS": 2, "RR": 3, "S": 4, "SS": 5}),
        # SKM layout: Tidak, Kurang, (adjective), Sangat
        (["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"], "sesuai",
         {"Tidak sesuai": 1, "Kurang sesuai": 2, "Sesuai": 3, "Sangat sesuai": 4}),
        (["tidak mudah", "KURANG MUDAH", "Mudah", "sangat  mudah"], "mudah",
         {"tidak mudah": 1, "KURANG MUDAH": 2, "Mudah": 3, "sangat  mudah": 4}),
        (["Sangat cepat", "Cepat", "Kurang cepat", "Tidak cepat"], "cepat",
         {"Tidak cepat": 1, "Kurang cepat": 2, "Cepat": 3, "Sangat cepat": 4}),
        # satisfaction and importance, 5-point with "cukup" in the middle
        (["Sangat Tidak Puas", "Tidak Puas", "Cukup Puas", "Puas", "Sangat Puas"], "puas",
         {"Sangat Tidak Puas": 1, "Tidak Puas": 2, "Cukup Puas": 3, "Puas": 4,
          "Sangat Puas": 5}),
        (["Tidak penting", "Kurang penting", "Cukup penting", "Penting", "Sangat penting"],
         "penting", {"Tidak penting": 1, "Kurang penting": 2, "Cukup penting": 3,
                     "Penting": 4, "Sangat penting": 5}),
        # the SKM facilities scale: Buruk, Cukup, Baik, Sangat baik
        (["Buruk", "Cukup", "Baik", "Sangat Baik"], "baik",
         {"Buruk": 1, "Cukup": 2, "Baik": 3, "Sangat Baik": 4}),
        # a 4-point satisfaction scale without "Tidak puas"
        (["Kurang Puas", "Cukup Puas", "Puas", "Sangat Puas"], "puas",
         {"Kurang Puas": 1, "Cukup Puas": 2, "Puas": 3, "Sangat Puas": 4}),
        (["Sangat Tidak Puas", "Tidak Puas", "Puas", "Sangat Puas"], "puas",
         {"Sangat Tidak Puas": 1, "Tidak Puas": 2, "Puas": 3, "Sangat Puas": 4}),
        # English
        (["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree",
          "Strongly agree"], "setuju",
         {"Strongly disagree": 1, "Disagree": 2, "Neither agree nor disagree": 3, "Agree": 4,
          "Strongly agree": 5}),
        (["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"], "puas",
         {"Very dissatisfied": 1, "Dissatisfied": 2, "Neutral": 3, "Satisfied": 4,
          "Very satisfied": 5}),
        (["Not at all important", "Not important", "Moderately important", "Important",
          "Very important"], "penting",
         {"Not at all important": 1, "Not important": 2, "Moderately important": 3,
          "Important": 4, "Very important": 5}),
        # 7-point agreement
        (["Sangat tidak setuju", "Tidak setuju", "Agak tidak setuju", "Netral", "Agak setuju",
          "Setuju", "Sangat setuju"], "setuju",
         {"Sangat tidak setuju": 1, "Tidak setuju": 2, "Agak tidak setuju": 3, "Netral": 4,
          "Agak setuju": 5, "Setuju": 6, "Sangat setuju": 7}),
        # frequency
        (["Tidak pernah", "Jarang", "Kadang-kadang", "Sering", "Selalu"], "frequency",
         {"Tidak pernah": 1, "Jarang": 2, "Kadang-kadang": 3, "Sering": 4, "Selalu": 5}),
    ],
)
def test_label_sets_map_to_their_published_points(labels, family, expected):
    fit = match_labels(labels)
    assert fit is not None and fit.family == family
    assert fit.code_of == expected
    assert fit.points == list(range(1, len(expected) + 1))


@pytest.mark.parametrize(
    ("typo", "meant", "point"),
    [("Sangat Stuju", "Sangat Setuju", 5), ("sangt setuju", "Sangat Setuju", 5),
     ("Tdk Setuju", "Tidak Setuju", 2), ("TIDAK  setuju!", "Tidak Setuju", 2),
     ("netral", "Netral", 3), ("sangat tidak setju", "Sangat Tidak Setuju", 1)],
)
def test_typos_and_mixed_case_read_as_the_label_meant(typo, meant, point):
    labels = ["Sangat Setuju", "Setuju", "Netral", "Tidak Setuju", "Sangat Tidak Setuju"]
    fit = match_labels([*labels, typo])
    assert fit is not None
    assert fit.code_of[typo] == point == fit.code_of[meant]


def test_a_corrected_misspelling_becomes_an_alias_not_a_label():
    fit = match_labels(["Sangat penting", "Penting", "Kurang penting", "Tidak pentng"])
    assert fit is not None and fit.code_of["Tidak pentng"] == 1
    assert "Tidak pentng" in fit.aliases[1] and "Tidak pentng" in fit.corrected


def test_unobserved_labels_keep_their_points():
    # No one chose "Sangat Tidak Setuju": the three labels still sit on a 4-point scale
    # (no neutral option was chosen or offered), and the rival 4-point layout is reported.
    fit = match_labels(["Sangat Setuju", "Setuju", "Tidak Setuju"])
    assert fit is not None and fit.points == [1, 2, 3, 4]
    assert fit.code_of == {"Tidak Setuju": 2, "Setuju": 3, "Sangat Setuju": 4}
    assert fit.ambiguous == "4-kurang"


def test_a_middle_answer_with_few_others_reads_as_five_points():
    # "Cukup penting" among only three different answers: a 5-point form (Tidak penting,
    # Kurang penting, Cukup penting, Penting, Sangat penting) whose low end nobody chose
    fit = match_labels(["Cukup Penting", "Penting", "Sangat Penting"])
    assert fit is not None and fit.points == [1, 2, 3, 4, 5]
    assert fit.code_of == {"Cukup Penting": 3, "Penting": 4, "Sangat Penting": 5}
    assert fit.ambiguous is not None


def test_two_plain_answers_are_a_two_point_scale():
    fit = match_labels(["Setuju", "Tidak Setuju"])
    assert fit is not None and fit.points == [1, 2] and fit.layout == "2"


@pytest.mark.parametrize(
    "labels",
    [["Laki-laki", "Perempuan"], ["Ya", "Tidak"], ["Pernah", "Terkadang", "Tidak Pernah"],
     ["Sistem QRIS", "Sistem Tunai"], ["Sesuai jadwal", "Tidak sesuai jadwal"], ["Setuju"],
     ["Sangat setuju", "Puas"]],
)
def test_categories_and_sentences_are_not_scales(labels):
    assert match_labels(labels) is None


def test_kobo_choice_names_with_underscores():
    fit = match_labels(["puas", "tidak_puas", "sangat_puas"])
    assert fit is not None and fit.code_of == {"tidak_puas": 1, "puas": 3, "sangat_puas": 4}


def test_labels_read_one_by_one():
    assert read_label("Sangat Tidak Puas").intensity == -3
    assert read_label("strongly AGREE").intensity == 3
    assert read_label("Kurang baik").intensity == -1
    assert read_label("Merah") is None


def test_limesurvey_answer_codes():
    assert [answer_code(v) for v in ["A1", "a2", "A05", "A", "B1", "1"]] == [1, 2, 5, None,
                                                                             None, None]
