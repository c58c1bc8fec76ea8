"""Unit costs for the cost per meal: ``Costs`` and its readers (a mapping, a file)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dispatch.scenario.documents import read_document
from dispatch.scenario.fields import check_fields, expect, fail, got


@dataclass(frozen=True, slots=True)
class Costs:
    """Unit costs for the cost per meal (currency units; hours are route hours)."""

    per_courier_hour: float = 0.0
    per_walker_hour: float = 0.0
    per_km: float = 0.0
    per_courier: float = 0.0
    currency: str = "CNY"


def read_costs(data: Any, where: str = "costs") -> Costs:
    """Unit costs from a mapping: numbers ≥ 0 and an optional ``currency`` label."""
    expect(data, Mapping, where, "a mapping", "字段映射")
    check_fields(data, [f.name for f in Costs.__dataclass_fields__.values()], f"{where}.")
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key == "currency":
            values[key] = expect(value, str, f"{where}.{key}", "a string", "字符串")
            continue
        number = expect(value, (int, float), f"{where}.{key}", "a number", "数字")
        if not math.isfinite(number) or number < 0:
            raise fail(f"{where}.{key}", "too_small", limit=0, got=got(number, f"{where}.{key}"))
        values[key] = float(number)
    return Costs(**values)


def read_costs_file(path: str | Path) -> Costs:
    """``--costs FILE``: a YAML or JSON mapping of unit costs."""
    return read_costs(read_document(path), f"{path}:costs")
