"""surveyq: Likert questionnaire data to validity, reliability, SERVQUAL, IKM/SKM and Balanced Scorecard results."""

__version__ = "0.1.0"

from surveyq.errors import AnalysisError, InputError, SurveyqError  # noqa: E402

__all__ = ["AnalysisError", "InputError", "SurveyqError", "__version__"]
