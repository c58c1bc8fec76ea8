"""A request of a household (送医送药, 代购代办, …) as the request board takes it: the street
document's ``request`` entry (``schema/street.schema.json``), with what the board needs to
order it, a deadline ``by`` (ISO 8601 with an offset) and where it came from (``source``).

Field paths in the errors are relative to the request; references (the household, the
pickup station) are the register's to check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from dispatch.errors import ScenarioError
from dispatch.messages import text
from dispatch.scenario.json_schema import _is_clock, _translate
from dispatch.scenario.street_records import street_schema

if TYPE_CHECKING:
    import jsonschema

REQUEST_KINDS = (
    "medicine",
    "errand",
    "care",
    "talk",
    "inform",
    "gift_pack",
    "hazard_check",
    "repair",
    "visit",
)
SOURCES = ("visit", "phone", "wechat", "welfare_case")
# The board orders and escalates by these, so a request given to it always has them.
BOARD_REQUIRED = ("needed", "by", "source")


@cache
def _validator() -> jsonschema.protocols.Validator:
    import jsonschema

    schema = street_schema()
    entry = {"$defs": schema["$defs"], **schema["$defs"]["request"]}
    checker = jsonschema.FormatChecker(formats=())
    checker.checks("clock")(lambda value: not isinstance(value, str) or _is_clock(value))
    cls = jsonschema.validators.validator_for(schema)
    return cast(jsonschema.protocols.Validator, cls(entry, format_checker=checker))


def deadline(value: str, field: str = "by") -> dt.datetime:
    """``by`` as an aware moment: ISO 8601 with a UTC offset (``2026-12-07T12:00+08:00``)."""
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ScenarioError(field, text("request_bad_deadline", got=value))
    return moment


def validate_request(data: Any) -> dict[str, Any]:
    """The request as the board keeps it, or its first error (a typo before a missing field)."""
    if not isinstance(data, Mapping):
        raise ScenarioError("", text("not_mapping"))
    errors = list(_validator().iter_errors(dict(data)))
    errors.sort(key=lambda e: (e.validator != "additionalProperties", list(e.absolute_path)))
    if errors:
        error = errors[0]
        if error.validator == "oneOf" and error.context:
            error = next(e for e in error.context if e.validator_value != "null")
        raise ScenarioError(*_translate(error))
    for name in BOARD_REQUIRED:
        if name not in data:
            raise ScenarioError(name, text("missing_field", name=name))
    if not str(data["needed"]).strip():
        raise ScenarioError("needed", text("request_needed_empty"))
    deadline(str(data["by"]))
    window = data.get("window")
    if window is not None and window["end"] <= window["start"]:
        raise ScenarioError("window.end", text("request_window_order"))
    return dict(data)
