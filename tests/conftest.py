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

import numpy as np
import osmium
import pytest
import yaml

from dispatch.errors import ScenarioError
from dispatch.model import Location, Scenario
from dispatch.scenario import parse_scenario
from dispatch.scenario.changes import apply_changes
from dispatch.travel.roads import RoadNetwork, load_network

_THIS = sys.modules[__name__]


def pytest_plugin_registered(plugin: object) -> None:
    """Keep ``conftest`` naming this module when pytest loads a subfolder's conftest.py.

    pytest imports every conftest.py outside a package under the one module name ``conftest``,
    each replacing the last in ``sys.modules``; without this, ``from conftest import DATA`` in a
    test module collected after ``tests/service/conftest.py`` would find that file instead.
    """
    sys.modules["conftest"] = _THIS


DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny.yaml"
REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
ROADNETS = SHARED / "roadnets"
METRES_PER_DEGREE_LAT = 111_000.0  # only to place test points roughly; distances use geodesics

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
        # Plans in tests stop after a number of iterations, not on the clock: the same plan on
        # a fast or a busy machine.
        "settings": {"time_limit_s": 1, "iterations": 200},
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


def extract(name: str) -> Path:
    """A shared OSM extract from ``../shared/roadnets``; skips the test when it is absent."""
    path = ROADNETS / name
    if not path.exists():
        pytest.skip(f"shared road-network extract {path} is not available")
    return path


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One road-network cache directory per test module."""
    return tmp_path_factory.mktemp("networks")


@pytest.fixture(scope="module")
def city(cache_dir: Path) -> RoadNetwork:
    """Aguascalientes: a small real street grid (about 2,000 nodes)."""
    return load_network(extract("aguascalientes.osm.pbf"), cache_dir=cache_dir)


def city_points(network: RoadNetwork, count: int, seed: int = 7) -> list[Location]:
    rng = np.random.default_rng(seed)
    lat = rng.uniform(*np.percentile(network.lat, [10, 90]), count)
    lon = rng.uniform(*np.percentile(network.lon, [10, 90]), count)
    return [Location(lat=float(a), lon=float(b)) for a, b in zip(lat, lon, strict=True)]


def node_location(network: RoadNetwork, node: int) -> Location:
    return Location(lat=float(network.lat[node]), lon=float(network.lon[node]))


def one_way_segment(network: RoadNetwork) -> tuple[int, int]:
    """First segment of a ``oneway=yes`` residential street inside the car's main component."""
    main = set(network.main_component("car").tolist())
    for way in osmium.FileProcessor(str(extract("aguascalientes.osm.pbf")), osmium.osm.WAY):
        tags = dict(way.tags)
        if tags.get("highway") == "residential" and tags.get("oneway") == "yes":
            u, v = np.searchsorted(network.osm_id, [way.nodes[0].ref, way.nodes[1].ref])
            if {int(u), int(v)} <= main:
                return int(u), int(v)
    pytest.fail("no one-way residential street in the extract")


def write_osm(path: Path, ways: dict[int, str]) -> Path:
    """A three-node OSM XML file with one way per entry (way id → highway value)."""
    nodes = "".join(
        f'<node id="{i}" version="1" lat="21.87{i}" lon="-102.27{i}"/>' for i in (1, 2, 3)
    )
    body = "".join(
        f'<way id="{w}" version="1"><nd ref="1"/><nd ref="2"/><nd ref="3"/>'
        f'<tag k="highway" v="{highway}"/></way>'
        for w, highway in ways.items()
    )
    path.write_text(f'<?xml version="1.0"?><osm version="0.6">{nodes}{body}</osm>')
    return path


def error_of(response: Any) -> dict[str, str]:
    """The ``error`` object of an HTTP API response, checked to have exactly its four keys."""
    body = response.get_json()
    assert set(body["error"]) == {"type", "message", "message_zh", "field"}
    return dict(body["error"])
