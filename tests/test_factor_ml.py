"""omega's one-factor maximum-likelihood fit (surveyq.factor._ml_uniquenesses) against
scipy.optimize's L-BFGS-B, the method R's factanal uses on the same objective, and against
hand calculations.

The objective, its gradient and the reference fit are written here from factanal's source
(FAfn, FAgr, optim(method = "L-BFGS-B", lower = 0.005, upper = 1)), not taken from the
module. Agreement with factanal itself on psychTools::bfi, ability and attitude is in
tests/test_thesis_stats.py (test_omega_cr_ave_match_psych_and_factanal).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from surveyq.factor import _ml_discrepancy, _ml_one_factor, _ml_uniquenesses

LOWER, UPPER = 0.005, 1.0


def objective(matrix: np.ndarray, psi: np.ndarray) -> float:
    """factanal's FAfn for one factor: sum over e_k, k > 1, of e_k - ln e_k - 1.

    Summed as tr S - ln det S less the largest eigenvalue's term, ln det R by slogdet: the
    small eigenvalues of a near-singular R from eigh alone are off by ~1e-10 relative.
    """
    scaled = matrix / np.sqrt(np.outer(psi, psi))
    top = np.linalg.eigvalsh(scaled)[-1]
    log_det = np.linalg.slogdet(matrix)[1] - np.log(psi).sum()
    return float(np.trace(scaled) - log_det - (top - np.log(top)) - (len(psi) - 1))


def gradient(matrix: np.ndarray, psi: np.ndarray) -> np.ndarray:
    """factanal's FAgr: (Lambda Lambda' + Psi - R)_ii / psi_i^2."""
    values, vectors = np.linalg.eigh(matrix / np.sqrt(np.outer(psi, psi)))
    loading = np.sqrt(psi) * vectors[:, -1] * np.sqrt(max(values[-1] - 1, 0.0))
    return (loading**2 + psi - np.diag(matrix)) / psi**2


def lbfgsb(matrix: np.ndarray) -> np.ndarray:
    """The uniquenesses as factanal finds them, by scipy's L-BFGS-B from factanal's start."""
    from scipy import optimize

    start = (1 - 0.5 / len(matrix)) / np.diag(np.linalg.inv(matrix))
    found = optimize.minimize(lambda psi: objective(matrix, psi), start,
                              jac=lambda psi: gradient(matrix, psi), method="L-BFGS-B",
                              bounds=[(LOWER, UPPER)] * len(matrix),
                              options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 10_000})
    return found.x


def loadings_of(matrix: np.ndarray, psi: np.ndarray) -> np.ndarray:
    values, vectors = np.linalg.eigh(matrix / np.sqrt(np.outer(psi, psi)))
    loading = np.sqrt(psi) * vectors[:, -1] * np.sqrt(max(values[-1] - 1, 0.0))
    return loading if loading.sum() >= 0 else -loading


def one_factor_sample(rng: np.random.Generator, p: int, n: int,
                      duplicate: bool) -> np.ndarray:
    """The correlation matrix of n answers to p items that share one factor.

    With ``duplicate`` the second item is the first plus noise of sd 1e-3: R is close to
    singular and the ML solution a Heywood case, its uniqueness held at the 0.005 bound.
    """
    load = rng.uniform(0.3, 0.95, p) * rng.choice([-1, 1], p)
    data = (rng.standard_normal((n, 1)) * load
            + rng.standard_normal((n, p)) * np.sqrt(1 - load**2))
    if duplicate:
        data[:, 1] = data[:, 0] + 1e-3 * rng.standard_normal(n)
    return np.corrcoef(data, rowvar=False)


def random_cases(seed: int, count: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    cases = []
    for index in range(count):
        p = int(rng.integers(3, 25))
        n = max(int(rng.choice([10, 30, 100, 1000])), p + 5)
        cases.append(one_factor_sample(rng, p, n, duplicate=index % 4 == 0))
    return cases


def is_bounded_minimum(matrix: np.ndarray, psi: np.ndarray) -> bool:
    """Karush-Kuhn-Tucker: within the bounds, the gradient zero where no bound holds psi."""
    slope = gradient(matrix, psi) * psi**2  # (LL' + Psi - R)_ii, free of the 1/psi^2 scale
    held = ((psi <= LOWER) & (slope >= 0)) | ((psi >= UPPER) & (slope <= 0))
    inside = bool(((psi >= LOWER) & (psi <= UPPER)).all())
    return inside and bool(np.all(np.abs(slope[~held]) < 1e-8))


@pytest.mark.parametrize("seed", range(3))
def test_the_fit_reaches_lbfgsbs_minimum_or_a_lower_one(seed):
    heywood = 0
    for matrix in random_cases(seed, 32):
        psi, reference = _ml_uniquenesses(matrix), lbfgsb(matrix)
        assert ((psi >= LOWER) & (psi <= UPPER)).all()
        ours, theirs = objective(matrix, psi), objective(matrix, reference)
        assert ours <= theirs + 1e-12 * (1 + abs(theirs))
        assert is_bounded_minimum(matrix, psi)
        heywood += bool((psi == LOWER).any())
        if ours > theirs - 1e-9 * (1 + abs(theirs)):  # the same minimum
            np.testing.assert_allclose(loadings_of(matrix, psi),
                                       loadings_of(matrix, reference), atol=1e-6)
        np.testing.assert_allclose(np.abs(_ml_one_factor(matrix)),
                                   np.abs(loadings_of(matrix, psi)), atol=1e-12)
    assert heywood >= 4  # the bound is exercised


def test_the_same_minimum_as_lbfgsb_on_most_samples():
    # Where the objective has several minima (a duplicated item), the two methods may stop
    # at different ones; above, ours is never the higher. Most samples have one minimum.
    cases = random_cases(10, 32)
    same = sum(np.allclose(loadings_of(m, _ml_uniquenesses(m)), loadings_of(m, lbfgsb(m)),
                           atol=1e-6) for m in cases)
    assert same >= 29


def test_three_items_are_fitted_exactly_by_hand():
    # Three items identify one factor exactly: l1^2 = r12 r13 / r23 and so on, psi = 1 - l^2,
    # and the objective is zero (three indicators identify one factor; Lawley & Maxwell 1971).
    rng = np.random.default_rng(3)
    for _ in range(20):
        load = rng.uniform(0.3, 0.9, 3)
        matrix = np.outer(load, load)
        np.fill_diagonal(matrix, 1)
        psi = _ml_uniquenesses(matrix)
        np.testing.assert_allclose(psi, 1 - load**2, atol=1e-9)
        np.testing.assert_allclose(_ml_one_factor(matrix) * np.sign(_ml_one_factor(matrix)),
                                   load, atol=1e-9)
        assert objective(matrix, psi) == pytest.approx(0, abs=1e-12)


def test_a_heywood_case_holds_the_uniqueness_at_its_bound():
    # r12 r13 / r23 = .8 x .7 / .5 = 1.12 > 1: the exact fit would need psi_1 = -0.12.
    matrix = np.array([[1.0, 0.8, 0.7], [0.8, 1.0, 0.5], [0.7, 0.5, 1.0]])
    psi = _ml_uniquenesses(matrix)
    assert psi[0] == LOWER and (psi[1:] > LOWER).all()
    reference = lbfgsb(matrix)
    # equal to rounding (the objective's terms are about 200 here): at psi the gradient's
    # free components are exactly zero, at L-BFGS-B's point 2e-8
    assert objective(matrix, psi) <= objective(matrix, reference) + 1e-12
    np.testing.assert_allclose(psi, reference, atol=1e-7)
    assert is_bounded_minimum(matrix, psi)


def test_the_line_search_keeps_newton_from_overshooting():
    # From factanal's start the full Newton step sends psi_1 and psi_4 to 0.011 and a
    # minimum of 28.7; the Armijo search along the projection arc reaches L-BFGS-B's 0.134.
    matrix = np.array([[1.0, -0.179, -0.047, 0.631], [-0.179, 1.0, -0.334, -0.398],
                       [-0.047, -0.334, 1.0, 0.162], [0.631, -0.398, 0.162, 1.0]])
    psi, reference = _ml_uniquenesses(matrix), lbfgsb(matrix)
    assert objective(matrix, psi) == pytest.approx(0.1341113478704, abs=1e-12)
    assert objective(matrix, psi) <= objective(matrix, reference) + 1e-12
    np.testing.assert_allclose(psi, reference, atol=1e-6)
    assert psi[3] == LOWER and is_bounded_minimum(matrix, psi)


def test_gradient_and_hessian_are_the_objectives_derivatives():
    # Central differences (step h: error of order h^2) of the objective and of the gradient.
    rng = np.random.default_rng(5)
    for matrix in random_cases(5, 8):
        psi = rng.uniform(0.2, 1.0, len(matrix))
        value, slope, hessian, _ = _ml_discrepancy(matrix, psi)
        # ln det of a near-singular R (Cholesky there, LU here) agrees to about cond(R) eps
        assert value == pytest.approx(objective(matrix, psi), rel=1e-10, abs=1e-12)
        np.testing.assert_allclose(slope, gradient(matrix, psi), rtol=1e-10, atol=1e-10)
        h = 1e-5
        steps = h * np.eye(len(psi))
        numeric = np.array([(_ml_discrepancy(matrix, psi + s)[1]
                             - _ml_discrepancy(matrix, psi - s)[1]) / (2 * h) for s in steps])
        np.testing.assert_allclose(hessian, numeric, rtol=1e-5,
                                   atol=1e-5 * np.abs(hessian).max())


def test_a_fit_stopped_before_it_converged_says_so(monkeypatch):
    # Nothing invented: a fit cut off after one Newton step is not presented as the ML
    # solution without a word (factanal warns in the same case); a converged fit adds none.
    import functools

    from surveyq import factor
    from surveyq.messages import msg

    matrix = random_cases(1, 2)[1]
    notes: list[str] = []
    _ml_uniquenesses(matrix, max_iter=1, notes=notes)
    assert notes == [msg("factor.ml_not_converged")]
    converged: list[str] = []
    _ml_uniquenesses(matrix, notes=converged)
    assert converged == []
    rng = np.random.default_rng(5)
    answers = pd.DataFrame(rng.integers(1, 6, (40, 4)) + rng.integers(0, 2, (40, 1)),
                           columns=["Q1", "Q2", "Q3", "Q4"])
    assert msg("factor.ml_not_converged") not in factor.omega(answers).notes
    monkeypatch.setattr(factor, "_ml_uniquenesses",
                        functools.partial(factor._ml_uniquenesses, max_iter=1))
    assert msg("factor.ml_not_converged") in factor.omega(answers).notes
