"""Confidence intervals for the converted IKM/SKM: hand calculations and coverage.

The analytic standard error is checked against arithmetic written out below; the bootstrap
and analytic intervals are checked for their nominal coverage in a seeded simulation whose
true index is known exactly.
"""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from surveyq import uncertainty
from surveyq.errors import InputError
from surveyq.moments import Moments
from surveyq.uncertainty import ikm_ci

# SKM 2017 band C is 65.00-76.60 as printed, so unrounded values in [64.995, 76.605).
C_LOW, C_HIGH = 64.995, 76.605


def test_analytic_se_by_hand_complete_answers():
    answers = pd.DataFrame({"U1": [4, 3, 3, 2], "U2": [4, 4, 2, 2]})
    result = ikm_ci(answers, method="analytic")
    # means 3 and 3 -> converted 25 x (3 + 3) / 2 = 75.0 (C)
    # var(U1) = (1 + 0 + 0 + 1) / 3 = 2/3; var(U2) = (1 + 1 + 1 + 1) / 3 = 4/3
    # cov = (1x1 + 0x1 + 0x(-1) + (-1)(-1)) / 3 = 2/3
    # Var(C) = 25^2 x (1/2)^2 x (2/3 + 4/3 + 2 x 2/3) / 4 = 156.25 x 10/12 = 130.2083
    se = np.sqrt(156.25 * 10 / 12)
    assert result.converted == 75.0
    assert result.se == pytest.approx(se, rel=1e-12)
    assert (result.low, result.high) == pytest.approx((75 - 1.959964 * se, 75 + 1.959964 * se))
    assert result.band == "C"
    expected_p = stats.norm.cdf((C_HIGH - 75) / se) - stats.norm.cdf((C_LOW - 75) / se)
    assert result.p_in_band == pytest.approx(expected_p, rel=1e-9)
    assert result.method == "analytic" and result.n_boot is None


def test_analytic_se_by_hand_with_missing_answers():
    answers = pd.DataFrame({"U1": [4, 3, np.nan, 2], "U2": [4, np.nan, 2, 2]})
    result = ikm_ci(answers, method="analytic")
    # U1: n 3, mean 3, var (1 + 0 + 1) / 2 = 1 -> Var(mean) = 1/3
    # U2: n 3, mean 8/3, var (16/9 + 4/9 + 4/9) / 2 = 4/3 -> Var(mean) = 4/9
    # both answered by rows 0 and 3: (4, 4), (2, 2): cov = (1x1 + (-1)(-1)) / 1 = 2
    # Cov(means) = n12 x cov / (n1 n2) = 2 x 2 / 9 = 4/9
    # Var(C) = 156.25 x (1/3 + 4/9 + 2 x 4/9) = 156.25 x 15/9
    assert result.converted == pytest.approx(25 * (3 + 8 / 3) / 2)
    assert result.se == pytest.approx(np.sqrt(156.25 * 15 / 9), rel=1e-12)


def test_fixed_decimal_weight_scales_the_analytic_se():
    rng = np.random.default_rng(5)
    answers = pd.DataFrame(rng.integers(1, 5, size=(50, 14)))
    exact = ikm_ci(answers, standard="kep25-2004", weight_mode="exact", method="analytic")
    printed = ikm_ci(answers, standard="kep25-2004", method="analytic")  # 0.071
    # C = 25 w sum(NRR): with w = 0.071 instead of 1/14 the SE scales by 0.071 x 14 = 0.994
    assert printed.se == pytest.approx(exact.se * 0.994, rel=1e-12)


def simulated_survey(rng: np.random.Generator, n: int, probabilities: np.ndarray) -> pd.DataFrame:
    """Two latent groups of respondents (half each) with their own answer probabilities.

    ``probabilities[g, u]`` are the chances of codes 1-4 on element u in group g; codes are
    drawn by inverting the cumulative probabilities.
    """
    group = (rng.random(n) < 0.5).astype(int)
    cumulative = probabilities.cumsum(axis=2)[group]  # respondents x elements x 4
    draws = rng.random((n, probabilities.shape[1], 1))
    answers = 1 + (draws > cumulative[:, :, :3]).sum(axis=2)
    return pd.DataFrame(
        answers.astype(float), columns=[f"U{i + 1}" for i in range(probabilities.shape[1])]
    )


def survey_design(k: int = 9) -> tuple[np.ndarray, float]:
    """Answer probabilities per (group, element) and the true converted index."""
    satisfied = np.array([0.05, 0.10, 0.45, 0.40])
    unsatisfied = np.array([0.15, 0.35, 0.40, 0.10])
    probabilities = np.array([[satisfied] * k, [unsatisfied] * k])
    codes = np.arange(1, 5)
    # true element mean = 0.5 x (0.05 + 0.2 + 1.35 + 1.6) + 0.5 x (0.15 + 0.7 + 1.2 + 0.4)
    #                   = 0.5 x 3.2 + 0.5 x 2.45 = 2.825 -> converted 25 x 2.825 = 70.625
    true_mean = 0.5 * (satisfied @ codes) + 0.5 * (unsatisfied @ codes)
    return probabilities, 25 * true_mean


def test_true_index_of_the_design():
    assert survey_design()[1] == pytest.approx(70.625)


@pytest.mark.parametrize("method", ["bootstrap", "analytic"])
def test_intervals_reach_nominal_coverage(method):
    probabilities, truth = survey_design()
    rng = np.random.default_rng(2024)
    covered = 0
    for replication in range(200):
        answers = simulated_survey(rng, n=60, probabilities=probabilities)
        result = ikm_ci(answers, method=method, n_boot=400, seed=replication, level=0.95)
        covered += result.low <= truth <= result.high
    assert covered >= 180  # at least 90% of 200 nominal-95% intervals cover the truth


def test_bootstrap_is_reproducible_and_records_its_seed():
    probabilities, _ = survey_design()
    answers = simulated_survey(np.random.default_rng(1), n=80, probabilities=probabilities)
    first = ikm_ci(answers, n_boot=500, seed=42)
    again = ikm_ci(answers, n_boot=500, seed=42)
    assert (first.low, first.high, first.p_in_band) == (again.low, again.high, again.p_in_band)
    unseeded = ikm_ci(answers, n_boot=500)
    replay = ikm_ci(answers, n_boot=500, seed=unseeded.seed)
    assert (unseeded.low, unseeded.high) == (replay.low, replay.high)


def test_bootstrap_and_analytic_se_agree_on_a_large_sample():
    probabilities, _ = survey_design()
    answers = simulated_survey(np.random.default_rng(8), n=400, probabilities=probabilities)
    answers = answers.mask(np.random.default_rng(9).random(answers.shape) < 0.1)
    boot = ikm_ci(answers, n_boot=2000, seed=3)
    analytic = ikm_ci(answers, method="analytic")
    assert boot.se == pytest.approx(analytic.se, rel=0.1)
    assert boot.converted == analytic.converted


def test_band_probability_near_and_far_from_an_edge():
    # every element's mean 3.5324 -> converted 88.31, exactly on SKM's A edge
    near = pd.DataFrame({"U1": [4] * 5324 + [3] * 4676, "U2": [4] * 5324 + [3] * 4676})
    on_edge = ikm_ci(near.sample(frac=1, random_state=0), n_boot=400, seed=1)
    assert on_edge.band == "A"
    assert 0.3 < on_edge.p_in_band < 0.7
    # converted 25 x 2.0 = 50, far inside D (below 64.995)
    far = pd.DataFrame({"U1": [1, 2, 3] * 20, "U2": [2] * 60})
    assert ikm_ci(far, n_boot=400, seed=1).p_in_band == 1.0


def test_replicates_without_an_element_are_dropped_and_noted():
    answers = pd.DataFrame({"U1": [3.0] * 30, "U2": [4.0] + [np.nan] * 29})
    result = ikm_ci(answers, n_boot=400, seed=0)
    # U2 has one answer: about (29/30)^30 = 36% of resamples miss it
    assert result.n_boot < 400
    assert any("dropped" in note for note in result.notes)


def test_analytic_notes_an_element_with_a_single_answer():
    answers = pd.DataFrame({"U1": [3.0, 4.0, 2.0, 3.0], "U2": [4.0] + [np.nan] * 3})
    result = ikm_ci(answers, method="analytic")
    # U1: mean 3, var (0 + 1 + 1 + 0) / 3 = 2/3 -> Var(mean) = 1/6; U2 (one answer): 0
    # Var(C) = 25^2 x (1/2)^2 x 1/6 = 26.0417
    assert result.se == pytest.approx(np.sqrt(156.25 / 6), rel=1e-12)
    assert any("fewer than 2 respondents" in note for note in result.notes)


def test_bad_options_and_too_few_respondents():
    answers = pd.DataFrame({"U1": [4, 3, 3], "U2": [3, 3, 2]})
    with pytest.raises(InputError, match="method"):
        ikm_ci(answers, method="jackknife")
    with pytest.raises(InputError, match="n_boot"):
        ikm_ci(answers, n_boot=10)
    with pytest.raises(InputError, match="level"):
        ikm_ci(answers, level=95)
    with pytest.raises(InputError, match="needs their rows"):
        ikm_ci(Moments.from_frame(answers), method="bootstrap")


@pytest.mark.parametrize("method", ["auto", "bootstrap", "analytic"])
def test_one_respondent_gives_no_interval_and_a_reason(method):
    # Issue 13 changed this from an AnalysisError to a result without numbers, so a run
    # of one respondent still reports its index and says why the interval is missing.
    one = pd.DataFrame({"U1": [4.0], "U2": [3.0]})
    result = ikm_ci(one, method=method, seed=1)
    assert (result.low, result.high, result.se, result.p_in_band) == (None,) * 4
    assert result.reason == "an interval needs at least 2 respondents with answers; there is 1"
    assert result.converted == 87.5 and result.n == 1
    assert result.to_frame().iloc[0]["reason"] == result.reason
    assert "no interval" in result._repr_html_()


def test_result_frame_and_html():
    answers = pd.DataFrame({"U1": [4, 3, 3, 2], "U2": [4, 4, 2, 2]})
    result = ikm_ci(answers, n_boot=200, seed=0)
    row = result.to_frame().iloc[0]
    assert row["method"] == "bootstrap" and row["seed"] == 0
    assert result.ikm.converted == result.converted
    assert "CI" in result._repr_html_()


def numpy_bootstrap(answers: np.ndarray, weight: float, n_boot: int, seed: int) -> np.ndarray:
    """An independent bootstrap in plain numpy: resample rows, then 25 w x sum of nanmeans."""
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, answers.shape[0], size=(n_boot, answers.shape[0]))
    means = np.nanmean(answers[rows], axis=1)  # replicates x elements
    return 25 * weight * means.sum(axis=1)


def test_analytic_se_is_the_sd_of_the_respondent_scores_over_root_n():
    # Complete answers: C = mean of the respondents' own converted scores c_i = 25 w sum_u x_iu,
    # so its SE is sd(c_i) / sqrt(n), computed here from the row sums alone.
    answers = pd.DataFrame(np.random.default_rng(3).integers(1, 5, size=(37, 5)).astype(float))
    scores = 25 * answers.sum(axis=1) / 5
    expected = scores.std(ddof=1) / np.sqrt(37)
    assert ikm_ci(answers, method="analytic").se == pytest.approx(expected, rel=1e-12)
    listwise = Moments.from_frame(answers, pairwise=False)
    assert ikm_ci(listwise, method="analytic").se == pytest.approx(expected, rel=1e-12)


def test_analytic_se_matches_a_large_plain_numpy_bootstrap():
    # The bootstrap's variance of a mean is the plug-in one, (n - 1) / n times the analytic
    # (ddof 1) variance; with 20,000 replicates its SD has a Monte Carlo error of about
    # 1 / sqrt(2 x 20000) = 0.5%, so 2% is four of those.
    rng = np.random.default_rng(11)
    answers = simulated_survey(rng, n=150, probabilities=survey_design(k=6)[0])
    n = len(answers)
    boot_se = numpy_bootstrap(answers.to_numpy(), 1 / 6, 20_000, seed=5).std(ddof=1)
    analytic = ikm_ci(answers, method="analytic")
    assert analytic.se * np.sqrt((n - 1) / n) == pytest.approx(boot_se, rel=0.02)
    # Missing answers: the NRRs become ratios; to first order the same variance (4%).
    holes = answers.mask(np.random.default_rng(12).random(answers.shape) < 0.15)
    boot_se = numpy_bootstrap(holes.to_numpy(), 1 / 6, 20_000, seed=6).std(ddof=1)
    assert ikm_ci(holes, method="analytic").se == pytest.approx(boot_se, rel=0.04)


def test_vectorised_bootstrap_matches_a_plain_numpy_bootstrap():
    rng = np.random.default_rng(21)
    answers = simulated_survey(rng, n=120, probabilities=survey_design(k=4)[0])
    answers = answers.mask(np.random.default_rng(22).random(answers.shape) < 0.1)
    reference = numpy_bootstrap(answers.to_numpy(), 1 / 4, 20_000, seed=9)
    result = ikm_ci(answers, method="bootstrap", n_boot=20_000, seed=10)
    sd = reference.std(ddof=1)
    # Monte Carlo error with 20,000 replicates: about 0.5% on the SD and 0.02 SD on the
    # 2.5% and 97.5% quantiles; tolerances are several times that.
    assert result.se == pytest.approx(sd, rel=0.03)
    low, high = np.quantile(reference, [0.025, 0.975])
    assert abs(result.low - low) < 0.1 * sd and abs(result.high - high) < 0.1 * sd
    assert result.n_boot == 20_000


def test_auto_bootstraps_small_surveys_and_takes_the_analytic_interval_above(monkeypatch):
    answers = pd.DataFrame(np.random.default_rng(4).integers(1, 5, size=(30, 3)).astype(float))
    assert ikm_ci(answers, seed=1).method == "bootstrap"
    monkeypatch.setattr(uncertainty, "BOOTSTRAP_MAX_N", 29)
    result = ikm_ci(answers, seed=1)
    assert result.method == "analytic" and result.n_boot is None and result.seed is None
    assert ikm_ci(Moments.from_frame(answers)).method == "analytic"


def test_moments_with_missing_answers_need_the_pairwise_sums():
    answers = pd.DataFrame({"U1": [4, 3, np.nan, 2], "U2": [4, np.nan, 2, 2]})
    with pytest.raises(InputError, match="pairwise=True"):
        ikm_ci(Moments.from_frame(answers, pairwise=False), method="analytic")
    # the hand calculation of test_analytic_se_by_hand_with_missing_answers, from sums
    pairwise = ikm_ci(Moments.from_frame(answers, pairwise=True), method="analytic")
    assert pairwise.se == pytest.approx(np.sqrt(156.25 * 15 / 9), rel=1e-12)
