"""Reading the YAML files users write (questionnaires, projects, scorecards) with clear errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from surveyq.errors import InputError


def read_yaml(path: str | Path, what: str = "file") -> Any:
    """Parse a UTF-8 YAML file; a missing file, bad encoding or bad YAML is an InputError.

    ``what`` names the kind of file in the message ("project file not found: ...").
    YAML syntax errors carry the line and column where the parser stopped.
    """
    file = Path(path)
    try:
        return yaml.safe_load(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{what} not found: check the path", str(path)) from None
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text: save the YAML file as UTF-8", str(path)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        problem = getattr(exc, "problem", None) or exc
        raise InputError(f"not valid YAML ({problem})", str(path), where) from None
