"""Field helpers shared by the gate, the what-if readers and the CSV import."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from dispatch.errors import ScenarioError
from dispatch.messages import text

# Maps an error path inside the scenario to the change's own field, or None.
Locate = Callable[[str], str | None]


def fail(where: str, code: str, **params: object) -> ScenarioError:
    """The ``ScenarioError`` at ``where`` with the message ``code`` (to raise)."""
    return ScenarioError(where, text(code, **params))


def got(value: Any) -> str:
    """A value as an error message quotes it (JSON, Chinese kept as is)."""
    return json.dumps(value, ensure_ascii=False, default=str)


def expect(value: Any, kind: type | tuple[type, ...], where: str, en: str, zh: str) -> Any:
    """``value`` if it is a ``kind`` (a bool is no number), else a ``wrong_type`` error."""
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise fail(where, "wrong_type", expected=en, expected_zh=zh, got=got(value))
    return value


def check_fields(data: Mapping[str, Any], known: Sequence[str], where: str) -> None:
    """Refuse the first key of ``data`` that is not in ``known``, named ``<where><key>``."""
    extra = next((k for k in data if k not in known), None)
    if extra is not None:
        raise fail(f"{where}{extra}", "unknown_field", name=extra)
