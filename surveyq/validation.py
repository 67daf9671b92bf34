"""Pydantic validation errors as one line each: key path, what was found, what to write.

``project.yaml: surveys.skripsi.population: -5 was given; write a whole number above 0,
e.g. population: 1200``. The key path names list entries by their id where they have one
(``items[3] (id P04).scale``).

Example
-------
>>> from pydantic import ValidationError
>>> from surveyq.project import SurveySpec
>>> try:
...     SurveySpec.model_validate({"questionnaire": "q.yaml", "responses": "a.csv",
...                                "analyses": "ikm"})
... except ValidationError as exc:
...     print(describe_errors(exc, {"analyses": "ikm"}, "surveys.skm."))
surveys.skm.analyses: the text 'ikm' was given; write a list, e.g. analyses: [ikm]
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ValidationError


def _key_path(loc: Iterable[Any], raw: Any) -> str:
    parts: list[str] = []
    node: Any = raw
    for key in loc:
        if isinstance(key, int):
            ident = node[key].get("id") if isinstance(node, list) and key < len(node) and \
                isinstance(node[key], dict) else None
            if parts:
                parts[-1] += f"[{key}]" + (f" (id {ident})" if ident else "")
            else:
                parts.append(f"[{key}]")
        elif key in ("str", "int", "float", "bool") or str(key).startswith(
                ("function-", "constrained-", "literal[", "list[", "dict[")) or (
                str(key)[:1].isupper() and not (isinstance(node, dict) and key in node)):
            continue     # a union member's name, not a key of the file
        else:
            parts.append(str(key))
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            node = None
    return ".".join(parts) or "(top level)"


def _found(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping" if value else "an empty mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    text = str(value)
    return f"the text {text[:60]!r}" if text.strip() else "an empty text"


def _last_key(path: str) -> str:
    return path.rsplit(".", 1)[-1].split("[")[0]


def _known_keys(loc: tuple[Any, ...], model: type[BaseModel] | None) -> list[str]:
    """The keys the mapping holding ``loc[-1]`` accepts."""
    if model is None:
        return []
    current: Any = model
    for key in loc[:-1]:
        if isinstance(key, int) or current is None:
            continue
        fields = getattr(current, "model_fields", {})
        if key in fields:
            current = _model_in(fields[key].annotation)
    return list(getattr(current, "model_fields", {}) or [])


def _model_in(annotation: Any) -> type[BaseModel] | None:
    import typing

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def describe_error(error: dict[str, Any], raw: Any, prefix: str = "",
                   model: type[BaseModel] | None = None) -> str:
    """One pydantic error as ``path: found; expected and the fix``."""
    path = prefix + _key_path(error["loc"], raw)
    key = _last_key(path)
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return f"{path}: missing; add `{key}:`"
    if kind == "extra_forbidden":
        known = [k for k in _known_keys(tuple(error["loc"]), model) if k != "path"]
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f"did you mean `{close[0]}`?" if close else "remove it"
        listing = f" (known keys: {', '.join(known)})" if known else ""
        return f"{path}: unknown key; {hint}{listing}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        if "instance of Text" in error["msg"]:
            return (f"{path}: {_found(value)} was given; write {key}: {{id: \"...\", "
                    "en: \"...\"} or just the text in one language")
        if isinstance(value, str):
            return (f"{path}: a plain text was given where a mapping is expected; write "
                    f"{key}: {{...}} with its keys")
        return f"{path}: {_found(value)} was given; write a mapping ({key}: {{...}})"
    if kind == "list_type":
        example = f"[{value}]" if isinstance(value, (str, int, float)) else "[...]"
        return f"{path}: {_found(value)} was given; write a list, e.g. {key}: {example}"
    if kind == "literal_error":
        expected = ctx.get("expected", "")
        close = difflib.get_close_matches(str(value), [e.strip(" '\"") for e in
                                          str(expected).replace(" or ", ",").split(",")], n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        return f"{path}: {_found(value)} was given; use one of {expected}{hint}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{path}: {_found(value)} was given; write a whole number, e.g. {key}: 100"
    if kind in ("float_parsing", "float_type"):
        return f"{path}: {_found(value)} was given; write a number, e.g. {key}: 0.5"
    if kind in ("string_type",):
        return (f"{path}: {_found(value)} was given; write a text (put numbers and yes/no "
                f"in quotes: {key}: \"{value}\")")
    if kind in ("bool_type", "bool_parsing"):
        return f"{path}: {_found(value)} was given; write true or false"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        bound = {"greater_than": "above", "greater_than_equal": "at least",
                 "less_than": "below", "less_than_equal": "at most"}[kind]
        limit = next(iter(ctx.values()), "")
        return f"{path}: {_found(value)} was given; write a number {bound} {limit}"
    if kind == "too_short":
        return f"{path}: {_found(value)} was given; give at least {ctx.get('min_length', 1)}"
    if kind == "value_error":
        message = str(ctx.get("error", error["msg"]))
        return f"{path}: {message}"
    return f"{path}: {_found(value)} was given; {error['msg'].lower()}"


def describe_errors(exc: ValidationError, raw: Any, prefix: str = "",
                    model: type[BaseModel] | None = None) -> str:
    """Every error of ``exc``, one line each, joined with "; " into one message.

    A value that fits none of a union's forms (a text or a mapping) gives one line naming
    every form, not one line per form.
    """
    by_path: dict[str, list[dict[str, Any]]] = {}
    for error in exc.errors(include_url=False):
        by_path.setdefault(prefix + _key_path(error["loc"], raw), []).append(error)
    lines = []
    for path, errors in by_path.items():
        kinds = {e["type"] for e in errors}
        if len(errors) > 1 and kinds <= set(_FORM_ERRORS):
            forms = " or ".join(dict.fromkeys(_FORM_ERRORS[k] for k in kinds))
            lines.append(f"{path}: {_found(errors[0].get('input'))} was given; write {forms}")
        else:
            lines += [describe_error(e, raw, prefix, model) for e in errors]
    return "; ".join(dict.fromkeys(lines))


_FORM_ERRORS = {"string_type": "a text", "model_type": "a mapping such as {id: ..., en: ...}",
                "dict_type": "a mapping", "model_attributes_type": "a mapping",
                "int_type": "a whole number", "int_parsing": "a whole number",
                "float_type": "a number", "list_type": "a list", "bool_type": "true or false"}
