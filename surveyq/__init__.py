"""surveyq: Likert questionnaire data to validity, reliability, SERVQUAL, IKM/SKM and BSC results.

The data flow one way (docs/methods.md): raw export -> :func:`read_responses`
(item matrix plus cleaning log) -> statistics (validity, reliability, SERVQUAL, IKM, ...)
-> perspective scores -> scorecard -> rendered documents.
"""

import importlib
import sys
import types
from typing import Any

__version__ = "0.1.0"

# Public API: re-exported from the modules that own each name, imported on first use (PEP 562)
# so that ``surveyq --help`` and ``surveyq check`` do not load scipy, pandas or the report stack.
# Note that ``surveyq.ikm``, ``clean``, ``servqual`` and ``regression`` are the functions;
# import from the modules for everything else. Add a name here and to ``__all__``.
_EXPORTS: dict[str, tuple[str, ...]] = {
    "assumptions": ("Normality", "normality"),
    "bands": ("BANDS", "Band", "BandTable", "band_table", "classify", "round_half_up"),
    "clean": ("Responses", "clean", "read_responses"),
    "descriptives": ("MeanInterpretation", "interpret_mean"),
    "errors": ("AnalysisError", "InputError", "SurveyqError"),
    "factor": (
        "Bartlett",
        "FactorAnalysis",
        "Kmo",
        "Omega",
        "bartlett_sphericity",
        "factor_analysis",
        "kmo",
        "omega",
    ),
    "finance": ("growth", "productivity", "value_for_money"),
    "groups": ("GroupComparison", "compare_groups"),
    "infer": ("Proposal", "propose"),
    "ikm": ("Ikm", "ikm", "ikm_by", "ikm_from_nrr", "ikm_trend", "sample_adequate", "sample_size"),
    "io": ("RawTable", "read_raw"),
    "lint": ("lint_scorecard",),
    "log": ("CleaningLog", "LogEntry"),
    "moments": ("Moments",),
    "pipeline": ("run_project",),
    "questionnaire": ("Questionnaire", "Scale", "load_questionnaire"),
    "regression": ("Regression", "regression"),
    "reliability": ("Reliability", "cronbach_alpha"),
    "scorecard": ("Scorecard", "ScorecardResult", "evaluate_project_scorecard", "load_scorecard"),
    "scorecard_math": (
        "company_score_band",
        "composite_index",
        "consolidate",
        "ici_colour",
        "iku_index",
        "nko",
        "perspective_value",
        "weighted_score",
    ),
    "servqual": (
        "Csi",
        "Servqual",
        "csi",
        "ipa",
        "servqual",
        "servqual_by",
        "servqual_from_moments",
    ),
    "strategy": ("ahp_weights", "group_ahp", "ie_matrix", "ife_efe", "qspm"),
    "uncertainty": ("IkmInterval", "ikm_ci"),
    "units": ("IkmUnits", "ikm_units", "units_change"),
    "validity": ("item_validity", "r_table"),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'surveyq' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"surveyq.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """Keeps ``surveyq.ikm`` (``clean``, ``servqual``) the function when the import system
    binds the submodule of the same name to the package."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _MODULE_OF and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

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
    "IkmUnits",
    "ikm_units",
    "units_change",
    "iku_index",
    "InputError",
    "ipa",
    "item_validity",
    "lint_scorecard",
    "Proposal",
    "propose",
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
