"""RoadNetwork: per-mode road graphs of one extract with snapping, matrices and leg geometry."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from types import MappingProxyType

import networkx as nx
import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra

from dispatch.errors import RoadNetworkError
from dispatch.messages import text
from dispatch.model import DEFAULT_SPEED_KPH, Closure, Location, Mode
from dispatch.travel.geo import distance_matrix_m
from dispatch.travel.matrix import TravelMatrix
from dispatch.travel.roads.contraction import road_matrix
from dispatch.travel.roads.graph import ModeGraph, without_segments
from dispatch.travel.roads.snapping import (
    Snap,
    SnapIndex,
    nearest_roads,
    segment_index,
    segments_near,
    snap_index,
    xyz_m,
)

SNAP_LIMIT_M = 250.0
"""A point farther than this from every usable road of a mode is ``estimated``."""

FALLBACK_DETOUR = 1.3
"""Road distance ≈ geodesic × this, for ``estimated`` points (as ``Settings.detour_factor``)."""

_MODE_ZH: Mapping[str, str] = MappingProxyType({"ebike": "电动车", "walk": "步行", "car": "汽车"})

_MATRIX_CACHE_SIZE = 8
_PATH_CACHE_SIZE = 16
_CLOSED_CACHE_SIZE = 4


class RoadNetwork:
    """Per-mode road graphs over one OSM extract; build with :func:`load_network`.

    Node ``i`` is OSM node ``osm_id[i]`` at ``lat[i]``, ``lon[i]`` (``osm_id`` is sorted).
    Results follow the package conventions: integer seconds and metres, coordinates as
    :class:`~dispatch.model.Location` (``lat``/``lon``, WGS-84).
    """

    def __init__(
        self,
        key: str,
        source: str,
        osm_id: np.ndarray,
        lat: np.ndarray,
        lon: np.ndarray,
        graphs: Mapping[Mode, ModeGraph],
    ) -> None:
        self.key = key
        self.source = source
        self.osm_id = osm_id
        self.lat = lat
        self.lon = lon
        self._graphs = dict(graphs)
        self._snap_indexes: dict[Mode, SnapIndex] = {}
        self._matrices: OrderedDict[tuple[object, ...], tuple[TravelMatrix, list[Snap]]] = (
            OrderedDict()
        )
        self._predecessors: OrderedDict[tuple[Mode, int], np.ndarray] = OrderedDict()
        self._segments: SnapIndex | None = None
        self._closed: OrderedDict[tuple[Closure, ...], RoadNetwork] = OrderedDict()

    @property
    def node_count(self) -> int:
        return int(self.osm_id.size)

    @property
    def graphs(self) -> Mapping[Mode, ModeGraph]:
        """Each mode's graph (read-only view), as stored in the disk cache."""
        return MappingProxyType(self._graphs)

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
            graphs = {mode: without_segments(graph, shut) for mode, graph in self._graphs.items()}
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
        xyz = xyz_m(self.lat, self.lon)
        if self._segments is None:
            graphs = self._graphs.values()
            tail = np.concatenate([g.tails for g in graphs])
            head = np.concatenate([g.indices for g in graphs])
            self._segments = segment_index(tail, head, self.node_count, xyz)
        index = self._segments
        lat = np.array([c.location.lat for c in closures], dtype=float)
        lon = np.array([c.location.lon for c in closures], dtype=float)
        radius_m = np.array([c.radius_m for c in closures], dtype=float)
        road = segments_near(index, xyz_m(lat, lon), radius_m)
        return np.asarray(index.end_a[road] * self.node_count + index.end_b[road])

    def _usable(self, mode: Mode) -> ModeGraph:
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
            self._snap_indexes[mode] = snap_index(graph, xyz_m(self.lat, self.lon))
        index = self._snap_indexes[mode]
        lat = np.array([p.lat for p in points], dtype=float)
        lon = np.array([p.lon for p in points], dtype=float)
        road, fraction, offset_m = nearest_roads(index, xyz_m(lat, lon))
        return [
            self._snap_one(i, point, index, int(road[i]), float(fraction[i]), float(offset_m[i]))
            for i, point in enumerate(points)
        ]

    def _snap_one(
        self,
        i: int,
        point: Location,
        index: SnapIndex,
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
    graph: ModeGraph,
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
        road_ms, road_dm = road_matrix(graph.chains, graph.scale, unique)
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
