"""Snapping points onto roads: a KD-tree of samples along segments, exact projection."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from dispatch.model import Location
from dispatch.travel.roads.graph import ModeGraph

_WGS84_A_M = 6_378_137.0
_WGS84_E2 = 6.69437999014e-3
_SAMPLE_SPACING_M = 20.0


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
class SnapIndex:
    """A KD-tree over points every ≤ 20 m along the main component's roads (3-D, metres)."""

    tree: cKDTree
    sample_road: np.ndarray
    end_a: np.ndarray
    end_b: np.ndarray
    xyz_a: np.ndarray
    xyz_b: np.ndarray


def xyz_m(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
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


def snap_index(graph: ModeGraph, xyz: np.ndarray) -> SnapIndex:
    keep = graph.main_edges
    return segment_index(graph.tails[keep], graph.indices[keep], graph.node_count, xyz)


def segment_index(tail: np.ndarray, head: np.ndarray, n: int, xyz: np.ndarray) -> SnapIndex:
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
    return SnapIndex(cKDTree(samples), road, a, b, xyz_a, xyz_b)


def nearest_roads(index: SnapIndex, xyz: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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


def segments_near(index: SnapIndex, xyz: np.ndarray, radius_m: np.ndarray) -> np.ndarray:
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
