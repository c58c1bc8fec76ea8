"""Per-mode directed road graphs (CSR, integer ms and dm per edge), built from the ways."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
from pyproj import Geod
from scipy.sparse import csr_array
from scipy.sparse.csgraph import connected_components

from dispatch.errors import RoadNetworkError
from dispatch.messages import text
from dispatch.model import MODES, Mode
from dispatch.travel.roads.contraction import Chains, find_chains
from dispatch.travel.roads.osm import read_ways

_WGS84 = Geod(ellps="WGS84")


@dataclass(frozen=True)
class ModeGraph:
    """One mode's directed graph: CSR adjacency, integer ms and dm per edge, main component.

    Keeping time and length as integers lets one Dijkstra over :attr:`weight` give the least
    time *and* the length of that very path, exactly.
    """

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
    def chains(self) -> Chains:
        """The main component's edges with pass-through nodes marked, for contraction."""
        keep = self.main_edges
        return find_chains(self.tails[keep], self.indices[keep], self.weight[keep], self.main)


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
) -> ModeGraph:
    """CSR graph keeping the quickest of parallel edges, with its main component marked."""
    order = np.lexsort((length_dm, time_ms, head, tail))
    tail, head, time_ms, length_dm = tail[order], head[order], time_ms[order], length_dm[order]
    first = np.ones(tail.size, dtype=bool)
    first[1:] = (tail[1:] != tail[:-1]) | (head[1:] != head[:-1])
    tail, head, time_ms, length_dm = tail[first], head[first], time_ms[first], length_dm[first]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(tail, minlength=n))]).astype(np.int64)
    return ModeGraph(indptr, head.astype(np.int64), time_ms, length_dm, _main(indptr, head, n))


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


def build_graphs(
    path: Path,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[Mode, ModeGraph]]:
    """OSM ids, latitudes and longitudes of the nodes, and each mode's graph over them."""
    ways = read_ways(path)
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
    return osm_id, lat, lon, graphs


def without_segments(graph: ModeGraph, closed: np.ndarray) -> ModeGraph:
    """``graph`` minus the edges on the undirected segments ``closed`` (keys ``a * n + b``)."""
    n = graph.node_count
    tail, head = graph.tails, graph.indices
    shut = np.isin(np.minimum(tail, head) * n + np.maximum(tail, head), closed)
    if not shut.any():
        return graph
    keep = ~shut
    return _mode_graph(tail[keep], head[keep], graph.time_ms[keep], graph.length_dm[keep], n)
