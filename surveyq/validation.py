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

from surveyq.messages import Message, joined, msg


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
    return ".".join(parts) or msg("validation.top_level")


def _found(value: Any) -> Message:
    """What the file holds at the key, as the error names it ("the text 'ikm'")."""
    if isinstance(value, dict):
        return msg("validation.found_mapping" if value else "validation.found_empty_mapping")
    if isinstance(value, list):
        return msg("validation.found_list")
    if value is None:
        return msg("validation.found_nothing")
    if isinstance(value, bool):
        return msg("validation.found_bool", value=str(value).lower())
    if isinstance(value, (int, float)):
        return msg("validation.found_number", value=str(value))  # as the YAML holds it
    text = str(value)
    return msg("validation.found_text", value=repr(text[:60])) if text.strip() else \
        msg("validation.found_empty_text")


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
                   model: type[BaseModel] | None = None) -> Message:
    """One pydantic error as ``path: found; expected and the fix`` (a Message)."""
    path = prefix + _key_path(error["loc"], raw)
    key = _last_key(path)
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    found = _found(value)
    if kind == "missing":
        return msg("validation.missing", path=path, key=key)
    if kind == "extra_forbidden":
        known = [k for k in _known_keys(tuple(error["loc"]), model) if k != "path"]
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = msg("validation.did_you_mean", key=close[0]) if close else \
            msg("validation.remove_it")
        listing = msg("validation.known_keys", keys=known) if known else ""
        return msg("validation.unknown_key", path=path, hint=hint, listing=listing)
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        if "instance of Text" in error["msg"]:
            return msg("validation.text_expected", path=path, found=found, key=key)
        if isinstance(value, str):
            return msg("validation.plain_text_for_mapping", path=path, key=key)
        return msg("validation.mapping_expected", path=path, found=found, key=key)
    if kind == "list_type":
        example = f"[{value}]" if isinstance(value, (str, int, float)) else "[...]"
        return msg("validation.list_expected", path=path, found=found, key=key, example=example)
    if kind == "literal_error":
        expected = [e.strip(" '\"") for e in
                    str(ctx.get("expected", "")).replace(" or ", ",").split(",") if e.strip()]
        close = difflib.get_close_matches(str(value), expected, n=1)
        hint = msg("validation.did_you_mean_value", value=close[0]) if close else ""
        return msg("validation.one_of", path=path, found=found,
                   expected=[repr(e) for e in expected], hint=hint)
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return msg("validation.whole_number", path=path, found=found, key=key)
    if kind in ("float_parsing", "float_type"):
        return msg("validation.number", path=path, found=found, key=key)
    if kind in ("string_type",):
        return msg("validation.text", path=path, found=found, key=key, value=str(value))
    if kind in ("bool_type", "bool_parsing"):
        return msg("validation.bool", path=path, found=found)
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        limit = next(iter(ctx.values()), "")
        return msg(f"validation.{kind}", path=path, found=found, limit=str(limit))
    if kind == "string_too_short":
        return msg("validation.text_too_short", path=path, found=found,
                   least=str(ctx.get("min_length", 1)))
    if kind == "too_short":
        return msg("validation.too_short", path=path, found=found,
                   least=str(ctx.get("min_length", 1)))
    if kind == "value_error":
        error_value = ctx.get("error")
        detail = error_value.args[0] if isinstance(error_value, Exception) and \
            error_value.args else str(error_value or error["msg"])
        return msg("validation.value_error", path=path, detail=detail)
    return msg("validation.other", path=path, found=found, detail=error["msg"].lower())


def describe_errors(exc: ValidationError, raw: Any, prefix: str = "",
                    model: type[BaseModel] | None = None) -> Message:
    """Every error of ``exc``, one line each, joined with "; " into one message.

    A value that fits none of a union's forms (a text or a mapping) gives one line naming
    every form, not one line per form.
    """
    by_path: dict[str, list[dict[str, Any]]] = {}
    for error in exc.errors(include_url=False):
        by_path.setdefault(prefix + _key_path(error["loc"], raw), []).append(error)
    lines: list[Message] = []
    for path, errors in by_path.items():
        kinds = {e["type"] for e in errors}
        if len(errors) > 1 and kinds <= set(_FORM_ERRORS):
            forms = list(dict.fromkeys(_FORM_ERRORS[k] for k in sorted(kinds)))
            lines.append(msg("validation.forms", path=path, found=_found(errors[0].get("input")),
                             forms=_either([msg(f"validation.form_{form}") for form in forms])))
        else:
            lines += [describe_error(e, raw, prefix, model) for e in errors]
    unique = {str(line): line for line in lines}
    return joined(list(unique.values()))


def _either(forms: list[Message]) -> Message:
    """"a text or a mapping", each form translated."""
    if len(forms) == 1:
        return forms[0]
    return msg("validation.or", first=forms[0], rest=_either(forms[1:]))


_FORM_ERRORS = {"string_type": "text", "model_type": "text_mapping",
                "dict_type": "mapping", "model_attributes_type": "mapping",
                "int_type": "whole", "int_parsing": "whole",
                "float_type": "number", "list_type": "list", "bool_type": "bool"}
