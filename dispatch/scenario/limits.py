"""Bounds every document keeps (size, depth, values) and text every output can carry."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from typing import Any

from dispatch.errors import ScenarioError
from dispatch.messages import Text, text
from dispatch.scenario.json_schema import field_path

MAX_FILE_MB = 5
MAX_FILE_BYTES = MAX_FILE_MB * 1024 * 1024
MAX_DEPTH = 32  # nested mappings and lists; the scenario format needs six
MAX_YAML_NODES = 250_000  # keys, values and items; 62 clients take about 2,000

Parts = list[str | int]

# NUL breaks PostgreSQL text; an unpaired surrogate cannot be written as UTF-8 anywhere.
_BAD_CHAR = re.compile("[\x00\ud800-\udfff]")


def walk(document: Any, start: Parts | None = None) -> Iterator[tuple[Parts, Any]]:
    """Every value of ``document`` with its path, in document order, without recursion.

    A mapping or list nested deeper than ``MAX_DEPTH`` is refused before it is entered.
    """
    stack: list[tuple[Parts, Any]] = [(list(start or []), document)]
    depth_of_start = len(start or [])
    while stack:
        path, value = stack.pop()
        yield path, value
        if isinstance(value, Mapping):
            children: list[tuple[Parts, Any]] = [([*path, str(k)], v) for k, v in value.items()]
        elif isinstance(value, list):
            children = [([*path, k], v) for k, v in enumerate(value)]
        else:
            continue
        if len(path) - depth_of_start >= MAX_DEPTH:
            raise ScenarioError(field_path(path), text("too_deep", limit=MAX_DEPTH))
        stack.extend(reversed(children))


def check_text(path: Parts, value: Any) -> None:
    """Refuse NUL and unpaired surrogates in a string, or in the field names of a mapping."""
    if isinstance(value, str):
        bad = _BAD_CHAR.search(value)
        if bad is not None:
            reason = text("bad_char", char=_char(bad.group()), at=bad.start() + 1)
            raise ScenarioError(field_path(path), reason)
    elif isinstance(value, Mapping):
        for key in value:
            bad = _BAD_CHAR.search(key) if isinstance(key, str) else None
            if bad is not None:
                raise ScenarioError(field_path(path), text("bad_char_key", char=_char(bad.group())))


def check_document(document: Any, start: Parts | None = None) -> None:
    """Depth and text of a decoded document (a file's, or a request body's part)."""
    for path, value in walk(document, start):
        check_text(path, value)


def check_scenario_values(document: Any) -> None:
    """Depth and text, and no NaN or infinity, which pass every range check of a schema."""
    for path, value in walk(document):
        check_text(path, value)
        if isinstance(value, float) and not math.isfinite(value):
            raise ScenarioError(field_path(path), text("not_finite", got=value))


def _char(char: str) -> Text:
    code = f"U+{ord(char):04X}"
    if char == "\x00":
        return text("char_nul", unicode=code)
    return text("char_surrogate", unicode=code)
