"""surveyq: Likert questionnaire data to validity, reliability, SERVQUAL, IKM/SKM and BSC results.

The data flow one way (../shared/spec/design.md): raw export -> :func:`read_responses`
(item matrix plus cleaning log) -> statistics (validity, reliability, SERVQUAL, IKM, ...)
-> perspective scores -> scorecard -> rendered documents.
"""

__version__ = "0.1.0"

# Public API: re-exported from the modules that own each name. Note that ``surveyq.ikm``,
# ``surveyq.omega``, ``surveyq.regression`` and
# ``surveyq.servqual`` are the functions; import from the modules for everything else.
from surveyq.assumptions import Normality, normality  # noqa: E402
from surveyq.bands import BANDS, Band, BandTable, band_table, classify, round_half_up  # noqa: E402
from surveyq.clean import Responses, clean, read_responses  # noqa: E402
from surveyq.descriptives import MeanInterpretation, interpret_mean  # noqa: E402
from surveyq.errors import AnalysisError, InputError, SurveyqError  # noqa: E402
from surveyq.factor import (  # noqa: E402
    Bartlett,
    FactorAnalysis,
    Kmo,
    Omega,
    bartlett_sphericity,
    factor_analysis,
    kmo,
    omega,
)
from surveyq.finance import growth, productivity, value_for_money  # noqa: E402
from surveyq.groups import GroupComparison, compare_groups  # noqa: E402
from surveyq.ikm import Ikm, ikm, ikm_by, ikm_from_nrr, ikm_trend, sample_adequate, sample_size  # noqa: E402
from surveyq.io import RawTable, read_raw  # noqa: E402
from surveyq.lint import lint_scorecard  # noqa: E402
from surveyq.log import CleaningLog, LogEntry  # noqa: E402
from surveyq.moments import Moments  # noqa: E402
from surveyq.pipeline import run_project  # noqa: E402
from surveyq.questionnaire import Questionnaire, Scale, load_questionnaire  # noqa: E402
from surveyq.regression import Regression, regression  # noqa: E402
from surveyq.reliability import Reliability, cronbach_alpha  # noqa: E402
from surveyq.scorecard import (  # noqa: E402
    Scorecard,
    ScorecardResult,
    evaluate_project_scorecard,
    load_scorecard,
)
from surveyq.scorecard_math import (  # noqa: E402
    company_score_band,
    composite_index,
    consolidate,
    ici_colour,
    iku_index,
    nko,
    perspective_value,
    weighted_score,
)
from surveyq.servqual import (  # noqa: E402
    Csi,
    Servqual,
    csi,
    ipa,
    servqual,
    servqual_by,
    servqual_from_moments,
)
from surveyq.strategy import ahp_weights, group_ahp, ie_matrix, ife_efe, qspm  # noqa: E402
from surveyq.uncertainty import IkmInterval, ikm_ci  # noqa: E402
from surveyq.validity import item_validity, r_table  # noqa: E402

__all__ = [
    "__version__",
    "ahp_weights",
    "AnalysisError",
    "Band",
    "band_table",
    "BANDS",
    "BandTable",
    "classify",
    "clean",
    "CleaningLog",
    "company_score_band",
    "composite_index",
    "consolidate",
    "cronbach_alpha",
    "Csi",
    "csi",
    "evaluate_project_scorecard",
    "group_ahp",
    "growth",
    "ici_colour",
    "ie_matrix",
    "ife_efe",
    "ikm",
    "Ikm",
    "ikm_by",
    "ikm_ci",
    "ikm_from_nrr",
    "ikm_trend",
    "IkmInterval",
    "iku_index",
    "InputError",
    "ipa",
    "item_validity",
    "lint_scorecard",
    "load_questionnaire",
    "load_scorecard",
    "LogEntry",
    "Moments",
    "nko",
    "perspective_value",
    "productivity",
    "qspm",
    "Questionnaire",
    "r_table",
    "RawTable",
    "read_raw",
    "read_responses",
    "Reliability",
    "Responses",
    "round_half_up",
    "run_project",
    "sample_adequate",
    "sample_size",
    "Scale",
    "Scorecard",
    "ScorecardResult",
    "Servqual",
    "servqual",
    "servqual_by",
    "servqual_from_moments",
    "SurveyqError",
    "value_for_money",
    "weighted_score",
    # Issue 18: a thesis's chapter 4.
    "bartlett_sphericity",
    "Bartlett",
    "compare_groups",
    "factor_analysis",
    "FactorAnalysis",
    "GroupComparison",
    "interpret_mean",
    "kmo",
    "Kmo",
    "MeanInterpretation",
    "normality",
    "Normality",
    "omega",
    "Omega",
    "regression",
    "Regression",
]
