"""Shared fixtures: small hand-checkable scenarios built from plain dicts.

Test modules anywhere under ``tests/`` import this module's helpers as ``from conftest import
DATA``; see ``pytest_plugin_registered`` for why that keeps working beside the conftest.py files
of subfolders.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dispatch.model import Scenario
from dispatch.scenario.gate import parse_scenario

_THIS = sys.modules[__name__]


def pytest_plugin_registered(plugin: object) -> None:
    """Keep ``conftest`` naming this module when pytest loads a subfolder's conftest.py.

    pytest imports every conftest.py outside a package under the one module name ``conftest``,
    each replacing the last in ``sys.modules``; without this, ``from conftest import DATA`` in a
    test module collected after ``tests/service/conftest.py`` would find that file instead.
    """
    sys.modules["conftest"] = _THIS


DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

# 0.0045° of latitude is about 500 m.
CANTEEN = {"lat": 22.5700, "lon": 113.1000}


def north_m(metres: float) -> dict[str, float]:
    """A WGS-84 point ``metres`` north of the canteen (1° lat ≈ 110.75 km here)."""
    return {"lat": CANTEEN["lat"] + metres / 110_750, "lon": CANTEEN["lon"]}


def base_document() -> dict[str, Any]:
    return {
        "name": "unit",
        "date": "2026-11-24",
        "canteen": {
            "id": "c",
            "name": "测试饭堂",
            "location": dict(CANTEEN),
            "meals_ready": "10:40",
        },
        "couriers": [
            {"id": "r1", "mode": "ebike", "capacity": 10, "shift": ["10:30", "13:00"]},
        ],
        "clients": [],
        "settings": {"time_limit_s": 1},
    }


def client(cid: str, metres_north: float, **fields: Any) -> dict[str, Any]:
    return {"id": cid, "location": north_m(metres_north), "meals": {"regular": 1}, **fields}


@pytest.fixture
def make_scenario() -> Callable[..., Scenario]:
    """Build a scenario from the base document with clients, couriers and settings changed."""

    def build(
        clients: list[dict[str, Any]],
        couriers: list[dict[str, Any]] | None = None,
        **settings: Any,
    ) -> Scenario:
        doc = copy.deepcopy(base_document())
        doc["clients"] = clients
        if couriers is not None:
            doc["couriers"] = couriers
        doc["settings"].update(settings)
        return parse_scenario(doc)

    return build


def error_of(response: Any) -> dict[str, str]:
    """The ``error`` object of an HTTP API response, checked to have exactly its four keys."""
    body = response.get_json()
    assert set(body["error"]) == {"type", "message", "message_zh", "field"}
    return dict(body["error"])
