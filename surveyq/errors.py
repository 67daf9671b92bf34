"""Exceptions raised by surveyq.

Every error a user can cause is a :class:`SurveyqError`. Its message is one readable
line that names the file, the place in it (row and column, or a YAML key path) and the
fix, so the CLI can print it as ``Error: ...`` without a traceback.
"""

from __future__ import annotations


class SurveyqError(Exception):
    """Base class of the errors surveyq raises on purpose."""


class InputError(SurveyqError, ValueError):
    """A file or argument the user supplied cannot be used as it is.

    Parameters
    ----------
    message : str
        What is wrong and how to fix it.
    file : str, optional
        The file's name as the user wrote it.
    location : str, optional
        Where in the file: ``"row 17, column Q3"`` or a YAML key path ``"items[3].scale"``.
    """

    def __init__(self, message: str, file: str | None = None, location: str | None = None):
        self.file = file
        self.location = location
        self.detail = message
        where = ", ".join(part for part in (file, location) if part)
        super().__init__(f"{where}: {message}" if where else message)


class AnalysisError(SurveyqError, ValueError):
    """The data cannot support the statistic asked for (too few respondents, a constant item...)."""


class NoDataError(InputError, AnalysisError):
    """A statistic's input column has no answers at all: no number, this stated reason instead.

    Raised by the statistics (CSI, IPA, SERVQUAL, IKM...) instead of returning a number that
    no data supports. A run records it as a survey problem (exit 1), not an input error.
    """
