"""OSM extract → per-mode road graphs, snapping, fast many-to-many travel matrices, leg geometry.

``load_network(path)`` reads ``.osm``, ``.osm.bz2`` or ``.osm.pbf`` (ways with ``highway=*``)
and builds one directed graph per travel mode (``ebike``, ``walk``, ``car``) over the full,
unsimplified OSM node set, renumbered ``0..n-1``. Access rules and speeds per road class are
the module-level tables below (documented in docs/network.md). Each mode's graph is a CSR
adjacency with per-edge travel time in whole milliseconds and length in whole decimetres;
keeping both as integers lets one Dijkstra over the combined weight
``time_ms * scale + length_dm`` give the time-shortest time *and* the length of that very
path, exactly. Built networks are cached on disk as ``.npz``, keyed by the SHA-256 of the
extract and ``NETWORK_VERSION``.

Outputs follow the package conventions: integer seconds and metres, coordinates as
:class:`~dispatch.model.Location` (``lat``/``lon``, WGS-84).
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import tempfile
import warnings
import zipfile
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import MappingProxyType

import networkx as nx
import numpy as np
import osmium
from osmium.filter import EntityFilter, KeyFilter
from pyproj import Geod
from scipy.sparse import csr_array
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from dispatch.errors import NotFoundError, RoadNetworkError
from dispatch.messages import text
from dispatch.model import DEFAULT_SPEED_KPH, MODES, Closure, Location, Mode
from dispatch.travel.geo import distance_matrix_m
from dispatch.travel.matrix import TravelMatrix

NETWORK_VERSION = 1
"""Bump whenever the access rules, speeds or array layout change: it invalidates the cache."""

SNAP_LIMIT_M = 250.0
"""A point farther than this from every usable road of a mode is ``estimated``."""

FALLBACK_DETOUR = 1.3
"""Road distance ≈ geodesic × this, for ``estimated`` points (as ``Settings.detour_factor``)."""

SUFFIXES: tuple[str, ...] = (".osm", ".osm.bz2", ".osm.pbf")

_WALK_KPH = 4.3
_STEPS_KPH = 2.0

_TRUNK = ("trunk", "trunk_link")
_LINKED = ("primary", "secondary", "tertiary")
_STREETS = (*_LINKED, *(f"{c}_link" for c in _LINKED), "unclassified", "residential", "road")
_MINOR = ("living_street", "service")
_PATHS = ("pedestrian", "footway", "path", "track", "cycleway", "bridleway", "corridor")

SPEED_KPH: Mapping[Mode, Mapping[str, float]] = MappingProxyType(
    {
        "car": MappingProxyType(
            {
                "motorway": 80.0,
                "motorway_link": 40.0,
                "trunk": 60.0,
                "trunk_link": 40.0,
                "primary": 45.0,
                "primary_link": 30.0,
                "secondary": 40.0,
                "secondary_link": 30.0,
                "tertiary": 35.0,
                "tertiary_link": 25.0,
                "unclassified": 25.0,
                "residential": 20.0,
                "road": 20.0,
                "living_street": 15.0,
                "service": 15.0,
            }
        ),
        "ebike": MappingProxyType(
            {
                **dict.fromkeys((*_TRUNK, *_STREETS, "cycleway"), 15.0),
                **dict.fromkeys((*_MINOR, "track", "path"), 10.0),
                **dict.fromkeys(("footway", "pedestrian", "bridleway"), 8.0),
                "corridor": 5.0,
                "steps": _STEPS_KPH,
            }
        ),
        "walk": MappingProxyType(
            {
                **dict.fromkeys((*_TRUNK, *_STREETS, *_MINOR, *_PATHS), _WALK_KPH),
                "steps": _STEPS_KPH,
            }
        ),
    }
)
"""Speed by ``highway`` class for every class a mode may ever use (absent: never usable)."""

BY_PERMISSION: Mapping[Mode, frozenset[str]] = MappingProxyType(
    {
        "car": frozenset(),
        "ebike": frozenset({"footway", "pedestrian", "bridleway", "corridor", "steps"}),
        "walk": frozenset({"trunk", "trunk_link"}),
    }
)
"""Classes a mode uses only when a tag allows it (``bicycle=yes``, ``foot=yes``…)."""

ACCESS_KEYS: Mapping[Mode, tuple[str, ...]] = MappingProxyType(
    {
        "car": ("motorcar", "motor_vehicle", "vehicle", "access"),
        "ebike": ("bicycle", "vehicle", "access"),
        "walk": ("foot", "access"),
    }
)
"""Access tags per mode, most specific first; the first one with a known value decides."""

_ALLOWED = frozenset(
    {"yes", "designated", "permissive", "destination", "delivery", "private", "customers"}
)
_DENIED = frozenset({"no", "use_sidepath", "agricultural", "forestry", "emergency"})
_FORWARD = frozenset({"yes", "true", "1"})
_BACKWARD = frozenset({"-1", "reverse"})
_CYCLEWAY_KEYS = ("cycleway", "cycleway:left", "cycleway:right", "cycleway:both")
_MAXSPEED = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(km/h|kmh|kph|mph)?\s*$")
_MPH_KPH = 1.609344

_MODE_ZH: Mapping[str, str] = MappingProxyType({"ebike": "电动车", "walk": "步行", "car": "汽车"})

_WGS84_A_M = 6_378_137.0
_WGS84_E2 = 6.69437999014e-3
_SAMPLE_SPACING_M = 20.0
_BATCH_CELLS = 1 << 23
_MATRIX_CACHE_SIZE = 8
_PATH_CACHE_SIZE = 16
_CLOSED_CACHE_SIZE = 4
_WGS84 = Geod(ellps="WGS84")


# --- access rules -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Rule:
    """How one mode may use one way: directions and speed."""

    forward: bool
    backward: bool
    speed_kph: float


def _access(tags: Mapping[str, str], mode: Mode) -> str | None:
    """``"yes"``, ``"no"`` or ``"dismount"`` from the most specific access tag, else None."""
    for key in ACCESS_KEYS[mode]:
        value = tags.get(key, "").split(";")[0].strip().lower()
        if value in _DENIED:
            return "no"
        if value == "dismount":
            return "dismount" if mode == "ebike" else "yes"
        if value in _ALLOWED:
            return "yes"
    return None


def parse_maxspeed_kph(value: str | None) -> float | None:
    """A ``maxspeed`` tag in km/h (``"50"``, ``"30 mph"``, ``"60;40"``), None if unusable."""
    if not value:
        return None
    match = _MAXSPEED.match(value.split(";")[0])
    if match is None or float(match.group(1)) <= 0:
        return None
    speed = float(match.group(1))
    return speed * _MPH_KPH if match.group(2) == "mph" else speed


def _speed_kph(tags: Mapping[str, str], mode: Mode, highway: str, access: str | None) -> float:
    if access == "dismount":
        return _WALK_KPH
    if mode == "car":
        return parse_maxspeed_kph(tags.get("maxspeed")) or SPEED_KPH[mode][highway]
    return SPEED_KPH[mode][highway]


def _oneway_value(tags: Mapping[str, str], mode: Mode, highway: str) -> str:
    """The effective ``oneway`` value for ``mode``, including implied one-way roads."""
    if mode == "ebike":
        if "oneway:bicycle" in tags:
            return tags["oneway:bicycle"].lower()
        if any(tags.get(key, "").startswith("opposite") for key in _CYCLEWAY_KEYS):
            return "no"
    if "oneway" in tags:
        return tags["oneway"].lower()
    implied = tags.get("junction") in ("roundabout", "circular") or highway == "motorway"
    return "yes" if implied else "no"


def _directions(tags: Mapping[str, str], mode: Mode, highway: str) -> tuple[bool, bool]:
    """(forward, backward) usable; walking ignores one-way rules."""
    if mode == "walk":
        return True, True
    value = _oneway_value(tags, mode, highway)
    if value in _FORWARD:
        return True, False
    if value in _BACKWARD:
        return False, True
    return True, True


def way_rule(tags: Mapping[str, str], mode: Mode) -> _Rule | None:
    """How ``mode`` may use a way with these tags, or None if it may not."""
    highway = tags.get("highway", "")
    if highway not in SPEED_KPH[mode] or tags.get("area") == "yes":
        return None
    if mode != "car" and tags.get("motorroad") == "yes":
        return None
    access = _access(tags, mode)
    if access == "no" or (access is None and highway in BY_PERMISSION[mode]):
        return None
    forward, backward = _directions(tags, mode, highway)
    return _Rule(forward, backward, _speed_kph(tags, mode, highway, access))


# --- reading the extract -------------------------------------------------------------------


@dataclass(frozen=True)
class _Ways:
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


def _read_ways(path: Path) -> _Ways:
    """Every way with ``highway=*`` that some mode may use; osmium errors become ours."""
    refs: list[tuple[int, float, float, int]] = []
    rules: list[list[_Rule | None]] = []
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


def _ways_arrays(
    refs: list[tuple[int, float, float, int]], rules: list[list[_Rule | None]]
) -> _Ways:
    table = np.array(refs, dtype=float).reshape(-1, 4)
    ids = np.array([r[0] for r in refs], dtype=np.int64)  # float would round large OSM ids

    def column(attr: str) -> np.ndarray:
        return np.array(
            [[getattr(r, attr) if r else 0 for r in rule] for rule in rules], dtype=float
        ).reshape(-1, len(MODES))

    return _Ways(
        ref=ids,
        lat=table[:, 1],
        lon=table[:, 2],
        way=table[:, 3].astype(np.int64),
        forward=column("forward").astype(bool),
        backward=column("backward").astype(bool),
        speed_kph=column("speed_kph"),
    )


# --- building the graphs ---------------------------------------------------------------------


@dataclass(frozen=True)
class _ModeGraph:
    """One mode's directed graph: CSR adjacency, integer ms and dm per edge, main component."""

    indptr: np.ndarray
    indices: np.ndarray
    time_ms: np.ndarray
    length_dm: np.ndarray
    main: np.ndarray  # bool per node: in the largest strongly connected component

    @property
    def node_count(self) -> int:
        return int(self.indptr.size - 1)

    @cached_property
    def tails(self) -> np.ndarray:
        return np.repeat(np.arange(self.node_count), np.diff(self.indptr))

    @cached_property
    def scale(self) -> int:
        """Power of two ``S`` with ``time_ms * S + length_dm`` exact and lexicographic.

        Every path has ``length_dm <= v * time_ms`` with ``v`` the fastest edge's dm/ms,
        so ``S ** 2 >= v * 2**53`` keeps ``length_dm < S`` for every path whose combined
        weight is below 2**53, where float64 is exact. With ordinary data that is any trip
        under 37 h by car or 149 h on foot; longer ones are only approximate.
        """
        if self.time_ms.size == 0:
            return 1
        ratio = float(np.max(self.length_dm / self.time_ms))
        return 1 << max(1, math.ceil((math.log2(max(ratio, 1e-9)) + 53) / 2))

    @cached_property
    def main_edges(self) -> np.ndarray:
        return self.main[self.tails] & self.main[self.indices]

    @cached_property
    def weight(self) -> np.ndarray:
        """Combined integer weight ``time_ms * scale + length_dm`` of each edge."""
        return self.time_ms.astype(np.int64) * self.scale + self.length_dm

    @cached_property
    def routing_csr(self) -> csr_array:
        """Combined weights restricted to the main component (float64, exact integers)."""
        keep = self.main_edges
        n = self.node_count
        shape = (n, n)
        return csr_array(
            (self.weight[keep].astype(float), (self.tails[keep], self.indices[keep])), shape=shape
        )

    @cached_property
    def chains(self) -> _Chains:
        return _chains(self)


def _mode_edges(
    seg_u: np.ndarray,
    seg_v: np.ndarray,
    length_m: np.ndarray,
    forward: np.ndarray,
    backward: np.ndarray,
    speed_kph: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Directed edges (tail, head, time_ms, length_dm) of one mode from way segments."""
    tail = np.concatenate([seg_u[forward], seg_v[backward]])
    head = np.concatenate([seg_v[forward], seg_u[backward]])
    metres = np.concatenate([length_m[forward], length_m[backward]])
    kph = np.concatenate([speed_kph[forward], speed_kph[backward]])
    keep = tail != head
    time_ms = np.maximum(1, np.rint(metres[keep] * 3600.0 / kph[keep])).astype(np.int64)
    length_dm = np.rint(metres[keep] * 10.0).astype(np.int64)
    return tail[keep], head[keep], time_ms, length_dm


def _mode_graph(
    tail: np.ndarray, head: np.ndarray, time_ms: np.ndarray, length_dm: np.ndarray, n: int
) -> _ModeGraph:
    """CSR graph keeping the quickest of parallel edges, with its main component marked."""
    order = np.lexsort((length_dm, time_ms, head, tail))
    tail, head, time_ms, length_dm = tail[order], head[order], time_ms[order], length_dm[order]
    first = np.ones(tail.size, dtype=bool)
    first[1:] = (tail[1:] != tail[:-1]) | (head[1:] != head[:-1])
    tail, head, time_ms, length_dm = tail[first], head[first], time_ms[first], length_dm[first]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(tail, minlength=n))]).astype(np.int64)
    return _ModeGraph(indptr, head.astype(np.int64), time_ms, length_dm, _main(indptr, head, n))


def _main(indptr: np.ndarray, head: np.ndarray, n: int) -> np.ndarray:
    """Nodes of the largest strongly connected component (all False without a cycle)."""
    if head.size == 0:
        return np.zeros(n, dtype=bool)
    adjacency = csr_array((np.ones(head.size), head, indptr), shape=(n, n))
    _, labels = connected_components(adjacency, directed=True, connection="strong")
    sizes = np.bincount(labels)
    if sizes.max() < 2:
        return np.zeros(n, dtype=bool)
    return labels == np.argmax(sizes)


def _build(path: Path, key: str) -> RoadNetwork:
    ways = _read_ways(path)
    valid = ~np.isnan(ways.lat)
    osm_id, first, inverse = np.unique(ways.ref[valid], return_index=True, return_inverse=True)
    node = np.full(ways.ref.size, -1, dtype=np.int64)
    node[valid] = inverse
    lat, lon = ways.lat[valid][first], ways.lon[valid][first]
    pair = np.flatnonzero((ways.way[:-1] == ways.way[1:]) & (node[:-1] >= 0) & (node[1:] >= 0))
    seg_u, seg_v, seg_way = node[pair], node[pair + 1], ways.way[pair]
    _, _, length_m = _WGS84.inv(lon[seg_u], lat[seg_u], lon[seg_v], lat[seg_v])
    graphs = {}
    for m, mode in enumerate(MODES):
        edges = _mode_edges(
            seg_u,
            seg_v,
            np.asarray(length_m, dtype=float),
            ways.forward[seg_way, m],
            ways.backward[seg_way, m],
            ways.speed_kph[seg_way, m],
        )
        graphs[mode] = _mode_graph(*edges, n=osm_id.size)
    if not any(g.indices.size for g in graphs.values()):
        raise RoadNetworkError(str(path), text("network_empty"))
    return RoadNetwork(key, str(path), osm_id, lat, lon, graphs)


# --- chain contraction (for many-to-many matrices) -----------------------------------------


@dataclass(frozen=True)
class _Chains:
    """The main component as a list of edges, with degree-2 pass-through nodes marked.

    ``next_edge[e]`` continues edge ``e`` through its head when the head is a pass-through
    node (one in, one out to another node; or two-way to exactly two neighbours), else -1.
    """

    tail: np.ndarray
    head: np.ndarray
    weight: np.ndarray
    next_edge: np.ndarray
    junction: np.ndarray  # bool per node: in the main component and not pass-through


def _chains(graph: _ModeGraph) -> _Chains:
    keep = graph.main_edges
    tail, head, weight = graph.tails[keep], graph.indices[keep], graph.weight[keep]
    n = graph.node_count
    out_deg = np.bincount(tail, minlength=n)
    in_deg = np.bincount(head, minlength=n)
    out_at = np.concatenate([[0], np.cumsum(out_deg)])
    by_head = np.lexsort((tail, head))
    in_at = np.concatenate([[0], np.cumsum(in_deg)])

    def out_nb(k: int) -> np.ndarray:
        return head[np.minimum(out_at[:-1] + k, head.size - 1)]

    def in_nb(k: int) -> np.ndarray:
        return tail[by_head[np.minimum(in_at[:-1] + k, head.size - 1)]]

    one_way = (out_deg == 1) & (in_deg == 1) & (out_nb(0) != in_nb(0))
    two_way = (out_deg == 2) & (in_deg == 2) & (out_nb(0) == in_nb(0)) & (out_nb(1) == in_nb(1))
    passing = one_way | two_way
    first_out = out_at[head]
    turn_back = (out_deg[head] == 2) & (head[np.minimum(first_out, head.size - 1)] == tail)
    next_edge = np.where(passing[head], first_out + turn_back, -1)
    return _Chains(tail, head, weight, next_edge, graph.main & ~passing)


def _follow_chains(
    next_edge: np.ndarray, weight: np.ndarray, head: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Weight from each edge's tail to its chain's end node, and that node (-1: a loop).

    Pointer jumping: each round doubles the stretch every edge has summed up.
    """
    total = weight.copy()
    end = np.where(next_edge < 0, head, -1)
    nxt = next_edge.copy()
    active = np.flatnonzero(nxt >= 0)
    for _ in range(int(math.log2(max(weight.size, 2))) + 2):
        if active.size == 0:
            break
        hop = nxt[active]
        total[active] = total[active] + total[hop]
        end[active] = end[hop]
        nxt[active] = nxt[hop]
        active = active[nxt[active] >= 0]
    end[active] = -1  # closed loops of pass-through nodes: no junction, never routed
    return total, end


def _contract(graph: _ModeGraph, terminals: np.ndarray) -> tuple[csr_array, np.ndarray]:
    """Core graph over junctions and ``terminals``; returns it and the terminals' core ids."""
    chains = graph.chains
    keeper = chains.junction.copy()
    keeper[terminals] = True
    nxt = np.where(keeper[chains.head], -1, chains.next_edge)
    total, end = _follow_chains(nxt, chains.weight, chains.head)
    start = keeper[chains.tail] & (end >= 0) & (end != chains.tail)
    tail, head, weight = chains.tail[start], end[start], total[start]
    order = np.lexsort((weight, head, tail))
    tail, head, weight = tail[order], head[order], weight[order]
    first = np.ones(tail.size, dtype=bool)
    first[1:] = (tail[1:] != tail[:-1]) | (head[1:] != head[:-1])
    core_id = np.cumsum(keeper) - 1
    size = int(keeper.sum())
    core = csr_array(
        (weight[first].astype(float), (core_id[tail[first]], core_id[head[first]])),
        shape=(size, size),
    )
    return core, core_id[terminals]


def _road_matrix(graph: _ModeGraph, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Milliseconds and decimetres of the time-shortest paths between all ``nodes``."""
    core, ids = _contract(graph, nodes)
    batch = max(1, _BATCH_CELLS // max(core.shape[0], 1))
    combined = np.empty((nodes.size, nodes.size))
    for start in range(0, nodes.size, batch):
        rows = dijkstra(core, directed=True, indices=ids[start : start + batch])
        combined[start : start + batch] = rows[:, ids]
    if not np.isfinite(combined).all():
        raise RuntimeError("unreachable pair inside a strongly connected component")
    time_ms = np.floor(combined / graph.scale)  # exact: the scale is a power of two
    return time_ms.astype(np.int64), (combined - time_ms * graph.scale).astype(np.int64)


# --- snapping ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Snap:
    """Where one point joins one mode's road graph.

    Routes start and end at ``node``; the access leg from the point is ``offset_m`` (the
    point to the nearest usable road) plus ``along_m`` (along that road to ``node``).
    """

    index: int  # position of the point in the list given to ``snap``
    node: int  # graph node 0..n-1, in the mode's largest strongly connected component
    offset_m: int
    along_m: int
    estimated: bool  # farther than SNAP_LIMIT_M from any usable road: no road routing
    point: Location
    road: Location  # nearest point on the road

    @property
    def access_m(self) -> int:
        return self.offset_m + self.along_m


@dataclass(frozen=True)
class _SnapIndex:
    """A KD-tree over points every ≤ 20 m along the main component's roads (3-D, metres)."""

    tree: cKDTree
    sample_road: np.ndarray
    end_a: np.ndarray
    end_b: np.ndarray
    xyz_a: np.ndarray
    xyz_b: np.ndarray


def _xyz_m(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Earth-centred x/y/z in metres on the WGS-84 ellipsoid: chords = distances at street scale."""
    phi, lam = np.radians(lat), np.radians(lon)
    radius_m = _WGS84_A_M / np.sqrt(1.0 - _WGS84_E2 * np.sin(phi) ** 2)
    return np.column_stack(
        [
            radius_m * np.cos(phi) * np.cos(lam),
            radius_m * np.cos(phi) * np.sin(lam),
            radius_m * (1.0 - _WGS84_E2) * np.sin(phi),
        ]
    )


def _snap_index(graph: _ModeGraph, xyz: np.ndarray) -> _SnapIndex:
    keep = graph.main_edges
    return _segment_index(graph.tails[keep], graph.indices[keep], graph.node_count, xyz)


def _segment_index(tail: np.ndarray, head: np.ndarray, n: int, xyz: np.ndarray) -> _SnapIndex:
    """Samples along the undirected segments of the edges ``tail → head`` (each once)."""
    a, b = np.minimum(tail, head), np.maximum(tail, head)
    _, first = np.unique(a * n + b, return_index=True)
    a, b = a[first], b[first]
    xyz_a, xyz_b = xyz[a], xyz[b]
    steps = np.maximum(1, np.ceil(np.linalg.norm(xyz_b - xyz_a, axis=1) / _SAMPLE_SPACING_M))
    counts = steps.astype(np.int64) + 1
    road = np.repeat(np.arange(a.size), counts)
    fraction = (np.arange(road.size) - np.repeat(np.cumsum(counts) - counts, counts)) / steps[road]
    samples = xyz_a[road] + fraction[:, None] * (xyz_b[road] - xyz_a[road])
    return _SnapIndex(cKDTree(samples), road, a, b, xyz_a, xyz_b)


def _nearest_roads(index: _SnapIndex, xyz: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each point: the nearest road, the fraction along it, and the distance in metres.

    Any road within d of a point has a sample within d + spacing/2, so every candidate
    sample lies in that ball around the nearest sample's distance.
    """
    nearest_m, _ = index.tree.query(xyz)
    balls = index.tree.query_ball_point(xyz, nearest_m + _SAMPLE_SPACING_M / 2 + 1e-6)
    point = np.repeat(np.arange(len(balls)), [len(ball) for ball in balls])
    road = index.sample_road[np.concatenate(balls).astype(np.int64)]
    pairs = np.unique(point * index.end_a.size + road)
    point, road = pairs // index.end_a.size, pairs % index.end_a.size
    a, ab = index.xyz_a[road], index.xyz_b[road] - index.xyz_a[road]
    along = np.einsum("ij,ij->i", xyz[point] - a, ab) / np.maximum(
        np.einsum("ij,ij->i", ab, ab), 1e-12
    )
    fraction = np.clip(along, 0.0, 1.0)
    distance = np.linalg.norm(xyz[point] - (a + fraction[:, None] * ab), axis=1)
    order = np.lexsort((distance, point))
    best = order[np.r_[True, point[order][1:] != point[order][:-1]]]
    return road[best], fraction[best], distance[best]


def _segments_near(index: _SnapIndex, xyz: np.ndarray, radius_m: np.ndarray) -> np.ndarray:
    """Indexes of the index's segments passing within ``radius_m[i]`` of point ``xyz[i]``.

    A segment within r of a point has a sample within r + spacing/2 of it: candidates come
    from the KD-tree, then the exact point–segment distance decides.
    """
    balls = index.tree.query_ball_point(xyz, radius_m + _SAMPLE_SPACING_M / 2 + 1e-6)
    point = np.repeat(np.arange(len(balls)), [len(ball) for ball in balls])
    if point.size == 0:
        return np.zeros(0, dtype=np.int64)
    road = index.sample_road[np.concatenate(balls).astype(np.int64)]
    a, ab = index.xyz_a[road], index.xyz_b[road] - index.xyz_a[road]
    along = np.einsum("ij,ij->i", xyz[point] - a, ab) / np.maximum(
        np.einsum("ij,ij->i", ab, ab), 1e-12
    )
    foot = a + np.clip(along, 0.0, 1.0)[:, None] * ab
    near = np.linalg.norm(xyz[point] - foot, axis=1) <= radius_m[point]
    return np.unique(road[near])


def _without(graph: _ModeGraph, closed: np.ndarray) -> _ModeGraph:
    """``graph`` minus the edges on the undirected segments ``closed`` (keys ``a * n + b``)."""
    n = graph.node_count
    tail, head = graph.tails, graph.indices
    shut = np.isin(np.minimum(tail, head) * n + np.maximum(tail, head), closed)
    if not shut.any():
        return graph
    keep = ~shut
    return _mode_graph(tail[keep], head[keep], graph.time_ms[keep], graph.length_dm[keep], n)


# --- the network ---------------------------------------------------------------------------------


class RoadNetwork:
    """Per-mode road graphs over one OSM extract; build with :func:`load_network`.

    Node ``i`` is OSM node ``osm_id[i]`` at ``lat[i]``, ``lon[i]`` (``osm_id`` is sorted).
    """

    def __init__(
        self,
        key: str,
        source: str,
        osm_id: np.ndarray,
        lat: np.ndarray,
        lon: np.ndarray,
        graphs: Mapping[Mode, _ModeGraph],
    ) -> None:
        self.key = key
        self.source = source
        self.osm_id = osm_id
        self.lat = lat
        self.lon = lon
        self._graphs = dict(graphs)
        self._snap_indexes: dict[Mode, _SnapIndex] = {}
        self._matrices: OrderedDict[tuple[object, ...], tuple[TravelMatrix, list[Snap]]] = (
            OrderedDict()
        )
        self._predecessors: OrderedDict[tuple[Mode, int], np.ndarray] = OrderedDict()
        self._segments: _SnapIndex | None = None
        self._closed: OrderedDict[tuple[Closure, ...], RoadNetwork] = OrderedDict()

    @property
    def node_count(self) -> int:
        return int(self.osm_id.size)

    def edge_count(self, mode: Mode) -> int:
        """Directed edges of ``mode`` (a two-way street segment counts twice)."""
        return int(self._graphs[mode].indices.size)

    def main_component(self, mode: Mode) -> np.ndarray:
        """Nodes of the mode's largest strongly connected component (the only ones snapped to)."""
        return np.flatnonzero(self._graphs[mode].main)

    def time_csr(self, mode: Mode) -> csr_array:
        """Edge travel times in seconds (float), ``n × n``."""
        graph = self._graphs[mode]
        return csr_array((graph.time_ms / 1000.0, graph.indices, graph.indptr), shape=self._shape)

    def length_csr(self, mode: Mode) -> csr_array:
        """Edge lengths in metres (float), ``n × n``, parallel to :meth:`time_csr`."""
        graph = self._graphs[mode]
        return csr_array((graph.length_dm / 10.0, graph.indices, graph.indptr), shape=self._shape)

    @property
    def _shape(self) -> tuple[int, int]:
        return self.node_count, self.node_count

    def to_networkx(self, mode: Mode) -> nx.DiGraph:
        """The mode's graph as a DiGraph: nodes 0..n-1 with ``osm_id``, ``lat``, ``lon``;
        edges with ``length_m`` and ``travel_time_s`` (the values the matrices use)."""
        graph = self._graphs[mode]
        result = nx.DiGraph(mode=mode)
        used = np.unique(np.concatenate([graph.tails, graph.indices]))
        result.add_nodes_from(
            (
                int(i),
                {
                    "osm_id": int(self.osm_id[i]),
                    "lat": float(self.lat[i]),
                    "lon": float(self.lon[i]),
                },
            )
            for i in used
        )
        result.add_edges_from(
            (int(u), int(v), {"length_m": dm / 10.0, "travel_time_s": ms / 1000.0})
            for u, v, ms, dm in zip(
                graph.tails.tolist(),
                graph.indices.tolist(),
                graph.time_ms.tolist(),
                graph.length_dm.tolist(),
                strict=True,
            )
        )
        return result

    def closed(self, closures: Sequence[Closure]) -> RoadNetwork:
        """This network with every segment near a closure removed, for every mode.

        A segment (either direction) is closed when any point of it lies within
        ``radius_m`` of a closure. Main components, snapping and matrices are those of the
        remaining roads. This network is unchanged (its disk cache stays valid); the
        closed variant is kept in memory, keyed by ``closures``.
        """
        key = tuple(closures)
        if not key:
            return self
        if key not in self._closed:
            shut = self._closed_segments(key)
            graphs = {mode: _without(graph, shut) for mode, graph in self._graphs.items()}
            digest = hashlib.sha256(repr(key).encode()).hexdigest()[:16]
            self._closed[key] = RoadNetwork(
                f"{self.key}-closed-{digest}", self.source, self.osm_id, self.lat, self.lon, graphs
            )
            if len(self._closed) > _CLOSED_CACHE_SIZE:
                self._closed.popitem(last=False)
        self._closed.move_to_end(key)
        return self._closed[key]

    def _closed_segments(self, closures: tuple[Closure, ...]) -> np.ndarray:
        """Keys ``a * n + b`` (``a < b``) of the segments of any mode near the closures."""
        xyz = _xyz_m(self.lat, self.lon)
        if self._segments is None:
            graphs = self._graphs.values()
            tail = np.concatenate([g.tails for g in graphs])
            head = np.concatenate([g.indices for g in graphs])
            self._segments = _segment_index(tail, head, self.node_count, xyz)
        index = self._segments
        lat = np.array([c.location.lat for c in closures], dtype=float)
        lon = np.array([c.location.lon for c in closures], dtype=float)
        radius_m = np.array([c.radius_m for c in closures], dtype=float)
        road = _segments_near(index, _xyz_m(lat, lon), radius_m)
        return np.asarray(index.end_a[road] * self.node_count + index.end_b[road])

    def _usable(self, mode: Mode) -> _ModeGraph:
        graph = self._graphs[mode]
        if not graph.main.any():
            reason = text("network_no_roads", mode=mode, mode_zh=_MODE_ZH[mode])
            raise RoadNetworkError(self.source, reason)
        return graph

    def snap(self, points: Sequence[Location], mode: Mode) -> list[Snap]:
        """The nearest usable road of ``mode`` for each point (main component only).

        The point is projected onto the nearest road segment and routed from the nearer
        end of that segment. Points over ``SNAP_LIMIT_M`` from any road are ``estimated``.
        """
        graph = self._usable(mode)
        if not points:
            return []
        if mode not in self._snap_indexes:
            self._snap_indexes[mode] = _snap_index(graph, _xyz_m(self.lat, self.lon))
        index = self._snap_indexes[mode]
        lat = np.array([p.lat for p in points], dtype=float)
        lon = np.array([p.lon for p in points], dtype=float)
        road, fraction, offset_m = _nearest_roads(index, _xyz_m(lat, lon))
        return [
            self._snap_one(i, point, index, int(road[i]), float(fraction[i]), float(offset_m[i]))
            for i, point in enumerate(points)
        ]

    def _snap_one(
        self,
        i: int,
        point: Location,
        index: _SnapIndex,
        road: int,
        fraction: float,
        offset_m: float,
    ) -> Snap:
        a, b = int(index.end_a[road]), int(index.end_b[road])
        length_m = float(np.linalg.norm(index.xyz_b[road] - index.xyz_a[road]))
        foot = Location(
            lat=float(self.lat[a] + fraction * (self.lat[b] - self.lat[a])),
            lon=float(self.lon[a] + fraction * (self.lon[b] - self.lon[a])),
        )
        return Snap(
            index=i,
            node=a if fraction <= 0.5 else b,
            offset_m=round(offset_m),
            along_m=round(min(fraction, 1.0 - fraction) * length_m),
            estimated=offset_m > SNAP_LIMIT_M,
            point=point,
            road=foot,
        )

    def matrix(
        self, points: Sequence[Location], mode: Mode, speed_factor: float = 1.0
    ) -> tuple[TravelMatrix, list[Snap]]:
        """Travel time and distance between all ``points`` for ``mode`` (with their snaps).

        Time is the time-shortest road path between the snapped nodes plus the access legs
        at both ends at the mode's default speed (``model.DEFAULT_SPEED_KPH``); distance is
        the length of that same path plus the access legs. ``speed_factor`` scales every
        speed (0.8: everything takes 25 % longer). Rows and columns of ``estimated`` points
        use the geodesic × ``FALLBACK_DETOUR`` at the mode's default speed instead. Integer
        seconds and metres, 0 between identical points (the diagonal too); results are
        cached (read-only arrays).
        """
        if speed_factor <= 0:
            raise ValueError(f"speed_factor must be positive, got {speed_factor}")
        key = (tuple(points), mode, float(speed_factor))
        if key not in self._matrices:
            snaps = self.snap(points, mode)
            matrix = _travel_matrix(self._usable(mode), points, snaps, mode, speed_factor)
            self._matrices[key] = matrix, snaps
            if len(self._matrices) > _MATRIX_CACHE_SIZE:
                self._matrices.popitem(last=False)
        self._matrices.move_to_end(key)
        matrix, snaps = self._matrices[key]
        return matrix, list(snaps)

    def leg_path(self, a: Snap, b: Snap, mode: Mode) -> list[Location]:
        """The street polyline of the time-shortest path from ``a`` to ``b``.

        Starts at ``a.road`` and ends at ``b.road`` (the points on the road); a straight
        line between the points themselves when either is ``estimated``.
        """
        if a.estimated or b.estimated:
            return [a.point, b.point]
        predecessors = self._predecessor_row(mode, a.node)
        nodes = [b.node]
        while nodes[-1] != a.node:
            nodes.append(int(predecessors[nodes[-1]]))
            if nodes[-1] < 0:
                raise ValueError(f"no {mode} path between the snaps (snapped for another mode?)")
        stops = [
            a.road,
            *(Location(float(self.lat[n]), float(self.lon[n])) for n in reversed(nodes)),
            b.road,
        ]
        return [p for k, p in enumerate(stops) if k == 0 or p != stops[k - 1]]

    def _predecessor_row(self, mode: Mode, source: int) -> np.ndarray:
        key = (mode, source)
        if key not in self._predecessors:
            graph = self._usable(mode)
            _, row = dijkstra(graph.routing_csr, indices=source, return_predecessors=True)
            self._predecessors[key] = row
            if len(self._predecessors) > _PATH_CACHE_SIZE:
                self._predecessors.popitem(last=False)
        self._predecessors.move_to_end(key)
        return self._predecessors[key]


def _travel_matrix(
    graph: _ModeGraph,
    points: Sequence[Location],
    snaps: Sequence[Snap],
    mode: Mode,
    speed_factor: float,
) -> TravelMatrix:
    n = len(snaps)
    speed_mps = DEFAULT_SPEED_KPH[mode] / 3.6
    routed = np.array([i for i, s in enumerate(snaps) if not s.estimated], dtype=np.int64)
    time_s = np.zeros((n, n))
    distance_m = np.zeros((n, n))
    if routed.size:
        nodes = np.array([snaps[i].node for i in routed], dtype=np.int64)
        unique, position = np.unique(nodes, return_inverse=True)
        road_ms, road_dm = _road_matrix(graph, unique)
        access_m = np.array([snaps[i].access_m for i in routed], dtype=float)
        leg_m = road_dm[np.ix_(position, position)] / 10.0
        leg_s = road_ms[np.ix_(position, position)] / 1000.0
        both = access_m[:, None] + access_m[None, :]
        distance_m[np.ix_(routed, routed)] = leg_m + both
        time_s[np.ix_(routed, routed)] = leg_s + both / speed_mps
    estimated = np.array([s.estimated for s in snaps], dtype=bool)
    if estimated.any():
        fallback_m = distance_matrix_m(points) * FALLBACK_DETOUR
        rows = estimated[:, None] | estimated[None, :]
        distance_m[rows] = fallback_m[rows]
        time_s[rows] = fallback_m[rows] / speed_mps
    same = _same_place(points)
    time_s[same] = 0.0
    distance_m[same] = 0.0
    return _frozen_matrix(time_s / speed_factor, distance_m)


def _same_place(points: Sequence[Location]) -> np.ndarray:
    """Pairs of identical points (the diagonal, and neighbours in one building): 0 apart."""
    coordinates = np.array([[p.lat, p.lon] for p in points], dtype=float).reshape(-1, 2)
    _, place = np.unique(coordinates, axis=0, return_inverse=True)
    place = place.reshape(-1)
    return place[:, None] == place[None, :]


def _frozen_matrix(time_s: np.ndarray, distance_m: np.ndarray) -> TravelMatrix:
    result = TravelMatrix(
        time_s=np.rint(time_s).astype(np.int64), distance_m=np.rint(distance_m).astype(np.int64)
    )
    result.time_s.flags.writeable = False
    result.distance_m.flags.writeable = False
    return result


# --- loading and the disk cache -----------------------------------------------------------------


def default_cache_dir() -> Path:
    """``$DISPATCH_CACHE_DIR``, else ``~/.cache/nuanliu-dispatch/networks``."""
    configured = os.environ.get("DISPATCH_CACHE_DIR")
    if configured:
        return Path(configured)
    return Path.home() / ".cache" / "nuanliu-dispatch" / "networks"


def _check_source(path: Path) -> None:
    if not path.exists():
        raise NotFoundError(str(path), text("file_missing", path=str(path)))
    if not path.name.lower().endswith(SUFFIXES):
        raise RoadNetworkError(str(path), text("network_format", name=path.name))


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as err:
        raise RoadNetworkError(str(path), text("file_unreadable", detail=err.strerror)) from err
    return digest.hexdigest()


_GRAPH_FIELDS = ("indptr", "indices", "time_ms", "length_dm", "main")


def _arrays(network: RoadNetwork) -> dict[str, np.ndarray]:
    arrays = {"osm_id": network.osm_id, "lat": network.lat, "lon": network.lon}
    for mode, graph in network._graphs.items():
        for name in _GRAPH_FIELDS:
            arrays[f"{mode}.{name}"] = getattr(graph, name)
    return arrays


def _write_cache(network: RoadNetwork, target: Path) -> None:
    """Store the arrays atomically (temp file + rename); failing only costs time later."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    except OSError as err:
        warnings.warn(f"road-network cache not written to {target}: {err}", stacklevel=3)
        return
    try:
        with os.fdopen(handle, "wb") as stream:
            np.savez(stream, allow_pickle=False, **_arrays(network))
        os.replace(temporary, target)
    except OSError as err:
        Path(temporary).unlink(missing_ok=True)
        warnings.warn(f"road-network cache not written to {target}: {err}", stacklevel=3)


def _read_cache(source: Path, target: Path, key: str) -> RoadNetwork | None:
    """The cached network, or None when absent or unreadable (then it is rebuilt)."""
    try:
        with np.load(target, allow_pickle=False) as data:
            graphs = {
                mode: _ModeGraph(*(data[f"{mode}.{name}"] for name in _GRAPH_FIELDS))
                for mode in MODES
            }
            return RoadNetwork(key, str(source), data["osm_id"], data["lat"], data["lon"], graphs)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return None


def load_network(
    path: str | os.PathLike[str], *, cache_dir: str | os.PathLike[str] | None = None
) -> RoadNetwork:
    """Read an OSM extract (``.osm``, ``.osm.bz2``, ``.osm.pbf``) into per-mode road graphs.

    The built arrays are cached in ``cache_dir`` (default :func:`default_cache_dir`) under
    the SHA-256 of the file and ``NETWORK_VERSION``, so a second load skips the parsing.

    Raises
    ------
    NotFoundError
        The file does not exist.
    RoadNetworkError
        The file is unreadable, not an OSM extract, or has no usable roads at all.
    """
    source = Path(path)
    _check_source(source)
    key = f"{_file_digest(source)}-v{NETWORK_VERSION}"
    target = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    target = target / f"{key}.npz"
    cached = _read_cache(source, target, key)
    if cached is not None:
        return cached
    network = _build(source, key)
    _write_cache(network, target)
    return network
