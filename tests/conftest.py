"""Shared fixtures: small hand-checkable scenarios built from plain dicts."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from dispatch.errors import ScenarioError
from dispatch.model import Scenario
from dispatch.scenario import parse_scenario
from dispatch.scenario.changes import apply_changes

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny.yaml"
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


# What-ifs: the base document they change, and the files that name them.
CSV_HEADER = "id,name,lat,lon,floor,lift,window_start,window_end,meals\n"


def whatif_base() -> dict[str, Any]:
    """The base document with a second courier and three clients (two with windows)."""
    document = base_document()
    document["couriers"].append(
        {"id": "r2", "mode": "ebike", "capacity": 10, "shift": ["10:30", "13:00"]}
    )
    document["clients"] = [
        client("a", 500, window=["11:00", "12:30"]),
        client("b", 800),
        client("c", -600, window=["11:00", "12:00"]),
    ]
    return document


def apply_to_base(*changes: Any, folder: Path | None = None) -> list[dict[str, Any]]:
    """``changes`` applied to ``whatif_base()``: one document per canteen."""
    return apply_changes(whatif_base(), list(changes), folder=folder)


def change_error(*changes: Any, folder: Path | None = None) -> ScenarioError:
    """The ``ScenarioError`` that applying ``changes`` to ``whatif_base()`` raises."""
    with pytest.raises(ScenarioError) as caught:
        apply_to_base(*changes, folder=folder)
    return caught.value


def write_whatif(folder: Path, body: dict[str, Any], name: str = "w.yaml") -> Path:
    """``body`` as a YAML what-if file in ``folder``."""
    path = folder / name
    path.write_text(yaml.safe_dump(body, allow_unicode=True), encoding="utf-8")
    return path


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
