"""The local web page of ``surveyq serve`` (issue 15); nothing is imported here."""
