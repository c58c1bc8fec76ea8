"""Many-to-many road matrices over the contracted graph, checked against networkx."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from conftest import city_points

from dispatch.model import DEFAULT_SPEED_KPH, MODES, Mode
from dispatch.travel.roads import RoadNetwork


@pytest.mark.parametrize("mode", MODES)
def test_matrix_equals_networkx_shortest_paths_plus_access_legs(
    city: RoadNetwork, mode: Mode
) -> None:
    """Contraction loses nothing: time-shortest paths, and the length of that very path."""
    points = city_points(city, 6)
    matrix, snaps = city.matrix(points, mode)
    graph = city.to_networkx(mode)
    speed_mps = DEFAULT_SPEED_KPH[mode] / 3.6
    assert not any(s.estimated for s in snaps)
    for i, a in enumerate(snaps):
        for j, b in enumerate(snaps):
            if i == j:
                continue
            path = nx.shortest_path(graph, a.node, b.node, weight="travel_time_s")
            road_s = nx.shortest_path_length(graph, a.node, b.node, weight="travel_time_s")
            road_m = nx.path_weight(graph, path, weight="length_m")
            access_m = a.access_m + b.access_m
            assert abs(matrix.time_s[i, j] - (road_s + access_m / speed_mps)) <= 0.5 + 1e-6
            assert abs(matrix.distance_m[i, j] - (road_m + access_m)) <= 0.5 + 1e-6
    assert matrix.time_s.dtype == np.int64 and not matrix.time_s.diagonal().any()
