"""Field helpers shared by the gate, the what-if readers and the CSV import."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from dispatch.errors import ScenarioError
from dispatch.messages import Text, text

# Maps an error path inside the scenario to the change's own field, or None.
Locate = Callable[[str], str | None]

# Fields whose values are a person's own: an error names their type, never their value
# (a pause's ``reason`` may say why someone is in hospital).
PERSONAL_FIELDS = frozenset({"name", "phone", "address", "notes", "group", "reason", "age"})
# A string is quoted back only when it looks like a code, a time or a date, not a phone.
_QUOTABLE = re.compile(r"^[A-Za-z0-9_.:+-]{1,32}$")
_PHONE_LIKE = re.compile(r"[0-9]{7}")
_FIELD_NAME = re.compile(r"[A-Za-z_]+")


def fail(where: str, code: str, **params: object) -> ScenarioError:
    """The ``ScenarioError`` at ``where`` with the message ``code`` (to raise)."""
    return ScenarioError(where, text(code, **params))


def got(value: Any, where: str) -> str | Text:
    """The value at field ``where`` as an error message may show it: the one place that decides.

    Booleans, nulls, numbers and code-like strings are quoted (JSON); the values of personal
    fields, other strings and every list or mapping are described by their type only.
    """
    names = _FIELD_NAME.findall(where)
    personal = bool(names) and names[-1] in PERSONAL_FIELDS
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int | float) and not personal:
        return json.dumps(value, default=str)
    if isinstance(value, str) and not personal and _quotable(value):
        return json.dumps(value)
    return _kind(value)


def _quotable(value: str) -> bool:
    return bool(_QUOTABLE.match(value)) and not _PHONE_LIKE.search(value)


def _kind(value: Any) -> Text:
    if isinstance(value, str):
        return text("kind_text", count=len(value))
    if isinstance(value, Mapping):
        return text("kind_mapping", count=len(value))
    if isinstance(value, list):
        return text("kind_list", count=len(value))
    if isinstance(value, int | float):
        return text("kind_number")
    return text("kind_other", type_name=type(value).__name__)


def expect(value: Any, kind: type | tuple[type, ...], where: str, en: str, zh: str) -> Any:
    """``value`` if it is a ``kind`` (a bool is no number), else a ``wrong_type`` error."""
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise fail(where, "wrong_type", expected=en, expected_zh=zh, got=got(value, where))
    return value


def check_fields(data: Mapping[str, Any], known: Sequence[str], where: str) -> None:
    """Refuse the first key of ``data`` that is not in ``known``, named ``<where><key>``."""
    extra = next((k for k in data if k not in known), None)
    if extra is not None:
        raise fail(f"{where}{extra}", "unknown_field", name=extra)
