"""Reading an OSM extract with osmium into flat arrays of the highway ways some mode may use."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import osmium
from osmium.filter import EntityFilter, KeyFilter

from dispatch.errors import RoadNetworkError
from dispatch.messages import text
from dispatch.model import MODES
from dispatch.travel.roads.access import Rule, way_rule


@dataclass(frozen=True)
class Ways:
    """Usable highway ways as flat arrays: node refs in way order plus per-way mode rules."""

    ref: np.ndarray  # OSM node id of each way node
    lat: np.ndarray  # NaN where the extract lacks the node's location
    lon: np.ndarray
    way: np.ndarray  # index of the way each ref belongs to
    forward: np.ndarray  # (ways, modes) bool
    backward: np.ndarray  # (ways, modes) bool
    speed_kph: np.ndarray  # (ways, modes), 0 where the mode may not use the way


def _processor(path: Path) -> osmium.FileProcessor:
    return (
        osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
        .with_locations()
        .with_filter(EntityFilter(osmium.osm.WAY))
        .with_filter(KeyFilter("highway"))
    )


def read_ways(path: Path) -> Ways:
    """Every way with ``highway=*`` that some mode may use; osmium errors become ours."""
    refs: list[tuple[int, float, float, int]] = []
    rules: list[list[Rule | None]] = []
    try:
        for way in _processor(path):
            assert isinstance(way, osmium.osm.Way)  # the processor only passes ways
            rule = [way_rule(dict(way.tags), mode) for mode in MODES]
            if not any(rule):
                continue
            refs.extend(_node_refs(way, len(rules)))
            rules.append(rule)
    except RuntimeError as err:
        raise RoadNetworkError(str(path), text("network_corrupt", detail=str(err))) from err
    return _ways_arrays(refs, rules)


def _node_refs(way: osmium.osm.Way, index: int) -> list[tuple[int, float, float, int]]:
    nan = float("nan")
    return [
        (n.ref, n.location.lat, n.location.lon, index)
        if n.location.valid()
        else (n.ref, nan, nan, index)
        for n in way.nodes
    ]


def _ways_arrays(refs: list[tuple[int, float, float, int]], rules: list[list[Rule | None]]) -> Ways:
    table = np.array(refs, dtype=float).reshape(-1, 4)
    ids = np.array([r[0] for r in refs], dtype=np.int64)  # float would round large OSM ids

    def column(attr: str) -> np.ndarray:
        return np.array(
            [[getattr(r, attr) if r else 0 for r in rule] for rule in rules], dtype=float
        ).reshape(-1, len(MODES))

    return Ways(
        ref=ids,
        lat=table[:, 1],
        lon=table[:, 2],
        way=table[:, 3].astype(np.int64),
        forward=column("forward").astype(bool),
        backward=column("backward").astype(bool),
        speed_kph=column("speed_kph"),
    )


# --- Named main roads, for the maps of the papers (issue 15) ---

MAIN_ROADS = frozenset({"motorway", "trunk", "primary", "secondary", "tertiary"})
"""The road classes a map names and draws wider."""


@dataclass(frozen=True)
class Street:
    """A named main road of an extract: what a map draws wide and labels."""

    name: str
    highway: str
    lat: tuple[float, ...]
    lon: tuple[float, ...]


def read_main_streets(path: Path) -> list[Street]:
    """Every named way of a ``MAIN_ROADS`` class with its node locations, in file order."""
    streets: list[Street] = []
    try:
        for way in _processor(path):
            assert isinstance(way, osmium.osm.Way)  # the processor only passes ways
            tags = dict(way.tags)
            if tags.get("highway", "").removesuffix("_link") not in MAIN_ROADS:
                continue
            name = tags.get("name:zh") or tags.get("name")
            nodes = [n.location for n in way.nodes if n.location.valid()]
            if name and len(nodes) > 1:
                lat = tuple(n.lat for n in nodes)
                lon = tuple(n.lon for n in nodes)
                streets.append(Street(name, tags["highway"], lat, lon))
    except RuntimeError as err:
        raise RoadNetworkError(str(path), text("network_corrupt", detail=str(err))) from err
    return streets
