"""Exceptions raised by surveyq.

Every error a user can cause is a :class:`SurveyqError`. Its message is one readable
line that names the file, the place in it (row and column, or a YAML key path) and the
fix, so the CLI can print it as ``Error: ...`` without a traceback.

The library stays language-neutral: an error raised with a :class:`surveyq.messages.Message`
(``InputError(msg("error.file_empty"), file)``) keeps its code and parameters, its ``str`` is
the English text, and :func:`error_text` writes it in the user's language at the CLI.
"""

from __future__ import annotations

from typing import Any


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
        super().__init__(_located(message, file, location))


def _located(message: Any, file: str | None, location: str | None) -> Any:
    """``file, location: message`` as a Message, so each part keeps its translation."""
    from surveyq.messages import msg

    if file and location:
        return msg("error.at_file_location", file=file, location=location, detail=message)
    if file or location:
        return msg("error.at", where=file or location, detail=message)
    return message


def error_message(exc: BaseException) -> Any:
    """What the error says, as raised: a Message keeps its code (so results can carry it to
    any language); ``str(exc)`` would give only its English text."""
    return exc.args[0] if exc.args else str(exc)


def error_text(exc: BaseException, lang: str) -> str:
    """The error's message in ``lang`` (coded parts translated, other text as raised).

    >>> from surveyq.messages import msg
    >>> error_text(InputError(msg("error.file_empty"), "data.csv"), "id")
    'data.csv: berkas ini kosong (0 bita); ekspor ulang jawaban responden'
    """
    from surveyq.messages import translate

    return translate(error_message(exc), lang)


class AnalysisError(SurveyqError, ValueError):
    """The data cannot support the statistic asked for (too few respondents, a constant item...)."""


class NoDataError(InputError, AnalysisError):
    """A statistic's input column has no answers at all: no number, this stated reason instead.

    Raised by the statistics (CSI, IPA, SERVQUAL, IKM...) instead of returning a number that
    no data supports. A run records it as a survey problem (exit 1), not an input error.
    """
