"""RoadNetwork: travel matrices (fallback, speed factor, cache) and leg geometry."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pytest
from conftest import city_points, node_location, one_way_segment, write_osm

from dispatch.errors import RoadNetworkError
from dispatch.model import DEFAULT_SPEED_KPH, Location
from dispatch.travel.geo import distance_m
from dispatch.travel.roads import FALLBACK_DETOUR, RoadNetwork, load_network


def test_mode_without_usable_roads_raises_when_used(tmp_path: Path) -> None:
    network = load_network(write_osm(tmp_path / "path.osm", {10: "footway"}), cache_dir=tmp_path)
    point = node_location(network, 0)
    assert network.snap([point], "walk")[0].offset_m == 0
    with pytest.raises(RoadNetworkError, match="usable by car"):
        network.matrix([point], "car")


def test_against_a_one_way_street_cars_go_round_the_block_but_walking_does_not(
    city: RoadNetwork,
) -> None:
    u, v = one_way_segment(city)
    points = [node_location(city, u), node_location(city, v)]
    car, _ = city.matrix(points, "car")
    walk, _ = city.matrix(points, "walk")
    assert car.time_s[0, 1] < car.time_s[1, 0]
    assert walk.time_s[0, 1] == walk.time_s[1, 0]


def test_estimated_points_use_the_geodesic_fallback(city: RoadNetwork) -> None:
    inside = city_points(city, 1)[0]
    main = city.main_component("ebike")
    top = int(main[np.argmax(city.lat[main])])
    far = Location(lat=city.lat[top] + 0.02, lon=float(city.lon[top]))
    matrix, snaps = city.matrix([inside, far], "ebike")
    assert [s.estimated for s in snaps] == [False, True]
    expected_m = distance_m(inside, far) * FALLBACK_DETOUR
    assert matrix.distance_m[0, 1] == round(expected_m)
    assert matrix.time_s[1, 0] == round(expected_m / (DEFAULT_SPEED_KPH["ebike"] / 3.6))


def test_speed_factor_scales_times_but_not_distances(city: RoadNetwork) -> None:
    points = city_points(city, 4)
    normal, _ = city.matrix(points, "ebike")
    rain, _ = city.matrix(points, "ebike", speed_factor=0.5)
    np.testing.assert_array_equal(rain.distance_m, normal.distance_m)
    assert np.abs(rain.time_s - 2 * normal.time_s).max() <= 1


def test_matrices_are_cached_and_read_only(city: RoadNetwork) -> None:
    points = city_points(city, 3)
    first, _ = city.matrix(points, "walk")
    assert city.matrix(points, "walk")[0] is first
    with pytest.raises(ValueError, match="read-only"):
        first.time_s[0, 1] = 0


def test_leg_path_runs_from_road_to_road_along_graph_edges(city: RoadNetwork) -> None:
    start, end = city_points(city, 2, seed=3)
    matrix, (a, b) = city.matrix([start, end], "car")
    path = city.leg_path(a, b, "car")
    assert path[0] == a.road and path[-1] == b.road
    assert distance_m(start, path[0]) == pytest.approx(a.offset_m, abs=1)
    assert distance_m(end, path[-1]) == pytest.approx(b.offset_m, abs=1)
    node_at = {(city.lat[n], city.lon[n]): int(n) for n in city.main_component("car")}
    nodes = [node_at[(p.lat, p.lon)] for p in path if (p.lat, p.lon) in node_at]
    assert nodes[0] == a.node and nodes[-1] == b.node
    graph = city.to_networkx("car")
    assert all(graph.has_edge(x, y) for x, y in itertools.pairwise(nodes))
    road_m = sum(distance_m(p, q) for p, q in itertools.pairwise(path))
    assert math.isclose(road_m, matrix.distance_m[0, 1] - a.offset_m - b.offset_m, abs_tol=3)


def test_leg_path_of_an_estimated_point_is_a_straight_line(city: RoadNetwork) -> None:
    near = city_points(city, 1)[0]
    far = Location(lat=near.lat + 0.05, lon=near.lon)
    a, b = city.snap([near, far], "walk")
    assert city.leg_path(a, b, "walk") == [near, far]
