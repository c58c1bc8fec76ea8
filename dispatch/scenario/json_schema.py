"""The JSON Schema of the scenario format, its validators and its errors in our words.

A document is checked by ``jsonschema_rs`` (compiled, about fifty times faster on a district's
canteen of 200 clients); only a document it refuses goes to ``jsonschema``, which finds the
error to report with its field path, and which has the last word. Both check the same
formats with the same functions (``clock``, ``date``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, cast

import jsonschema_rs

from dispatch.errors import ScenarioError
from dispatch.messages import Text, text
from dispatch.scenario.fields import got as shown

if TYPE_CHECKING:  # imported when a document is refused: most never are
    import jsonschema

_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")  # not ISO week dates such as 2026-W48-2
_TYPE_ZH = {
    "string": "字符串",
    "integer": "整数",
    "number": "数字",
    "boolean": "布尔值（true/false）",
    "object": "字段映射",
    "array": "列表",
}


def field_path(parts: Iterable[str | int]) -> str:
    """``["clients", 3, "floor"]`` → ``clients[3].floor``."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@cache
def scenario_schema() -> dict[str, Any]:
    """The JSON Schema of the scenario format (shipped with the package)."""
    source = resources.files("dispatch.scenario").joinpath("schema/scenario.schema.json")
    return cast(dict[str, Any], json.loads(source.read_text(encoding="utf-8")))


@cache
def _fast_validator() -> jsonschema_rs.Validator:
    formats = {"clock": _is_clock, "date": is_date}
    return jsonschema_rs.validator_for(scenario_schema(), formats=formats, validate_formats=True)


@cache
def _validator() -> jsonschema.protocols.Validator:
    import jsonschema

    checker = jsonschema.FormatChecker(formats=())
    checker.checks("clock")(lambda value: not isinstance(value, str) or _is_clock(value))
    checker.checks("date")(lambda value: not isinstance(value, str) or is_date(value))
    cls = jsonschema.validators.validator_for(scenario_schema())
    return cast(jsonschema.protocols.Validator, cls(scenario_schema(), format_checker=checker))


@cache
def _client_validator() -> jsonschema.protocols.Validator:
    """The validator of one client mapping (the schema's ``clients`` item, its ``$defs``)."""
    import jsonschema

    schema = scenario_schema()
    client = {"$defs": schema["$defs"], **schema["properties"]["clients"]["items"]}
    cls = type(_validator())
    return cast(
        jsonschema.protocols.Validator, cls(client, format_checker=_validator().format_checker)
    )


def client_errors(client: Mapping[str, Any]) -> list[tuple[str, Text]]:
    """Every schema error of one client mapping: (path inside the client, reason)."""
    return [_translate(error) for error in _client_validator().iter_errors(client)]


def _fast(data: Mapping[str, Any]) -> bool:
    """Whether the compiled validator passes ``data`` (a value JSON has not, such as a date
    from a YAML tag, is left to the reference)."""
    try:
        return bool(_fast_validator().is_valid(data))
    except ValueError:
        return False


def _is_clock(value: str) -> bool:
    """``HH:MM`` on a 24-hour clock."""
    return bool(_CLOCK.match(value))


def is_date(value: str) -> bool:
    """``YYYY-MM-DD`` and a day that exists; every other ISO 8601 form is refused."""
    if not _DATE.match(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def check_schema(data: Mapping[str, Any]) -> None:
    """Raise the first schema error as a ``ScenarioError`` (a typo before a missing field)."""
    if _fast(data):
        return
    errors = list(_validator().iter_errors(data))
    # A typo ("capcity") is both an unknown field and a missing one: name the typo.
    errors.sort(key=lambda e: e.validator != "additionalProperties")
    error = errors[0] if errors else None
    if error is not None:
        field, reason = _translate(error)
        raise ScenarioError(field, reason)


def _translate(error: jsonschema.ValidationError) -> tuple[str, Text]:
    """A jsonschema error → (field path, bilingual reason)."""
    path = list(error.absolute_path)
    got = shown(error.instance, field_path(path))
    kind, limit = error.validator, error.validator_value
    if kind == "required":
        missing = next(name for name in limit if name not in error.instance)
        return field_path([*path, missing]), text("missing_field", name=missing)
    if kind == "additionalProperties":
        known = error.schema.get("properties", {})
        extra = next(name for name in error.instance if name not in known)
        return field_path([*path, extra]), text("unknown_field", name=extra)
    if kind == "type":
        expected_zh = _TYPE_ZH.get(str(limit), str(limit))
        article = "an" if str(limit)[:1] in "aeiou" else "a"
        reason = text("wrong_type", expected=f"{article} {limit}", expected_zh=expected_zh, got=got)
        return field_path(path), reason
    if kind == "enum":
        return field_path(path), text("not_one_of", allowed=", ".join(limit), got=got)
    if kind in ("minimum", "minLength"):
        return field_path(path), text("too_small", limit=limit, got=got)
    if kind in ("maximum", "maxLength"):
        return field_path(path), text("too_large", limit=limit, got=got)
    if kind == "exclusiveMinimum":
        return field_path(path), text("must_exceed", limit=limit, got=got)
    if kind == "exclusiveMaximum":
        return field_path(path), text("must_be_below", limit=limit, got=got)
    if kind == "format":
        code = "bad_time" if limit == "clock" else "bad_date"
        return field_path(path), text(code, got=got)
    if kind in ("minItems", "maxItems"):
        if error.schema.get("minItems") == error.schema.get("maxItems"):
            return field_path(path), text("bad_length", n=limit, got=len(error.instance))
        return field_path(path), text("too_few" if kind == "minItems" else "too_many", n=limit)
    if kind == "minProperties":
        return field_path(path), text("no_meals")
    if kind == "uniqueItems":
        return field_path(path), text("repeated_item")
    if kind == "pattern":
        return field_path(path), text("bad_pattern", pattern=limit, got=got)
    return field_path(path), text("schema_rule", keyword=kind)


TRANSLATED = frozenset(
    {
        "required",
        "additionalProperties",
        "type",
        "enum",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "format",
        "minItems",
        "maxItems",
        "minProperties",
        "pattern",
        "uniqueItems",
    }
)
"""The validator keywords with a sentence of their own; any other gets ``schema_rule``."""
