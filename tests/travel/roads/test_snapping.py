"""Snapping points onto the nearest usable road of a mode."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import METRES_PER_DEGREE_LAT, node_location

from dispatch.model import Location
from dispatch.travel.geo import distance_m
from dispatch.travel.roads import SNAP_LIMIT_M, RoadNetwork


def test_point_on_a_node_snaps_to_it_with_no_offset(city: RoadNetwork) -> None:
    node = int(city.main_component("car")[100])
    (snap,) = city.snap([node_location(city, node)], "car")
    assert (snap.node, snap.offset_m, snap.along_m, snap.estimated) == (node, 0, 0, False)


def test_point_beyond_the_network_reports_its_distance_and_far_points_are_estimated(
    city: RoadNetwork,
) -> None:
    main = city.main_component("walk")
    top = int(main[np.argmax(city.lat[main])])  # nothing usable lies north of this node
    near = Location(lat=city.lat[top] + 100 / METRES_PER_DEGREE_LAT, lon=float(city.lon[top]))
    far = Location(lat=city.lat[top] + 400 / METRES_PER_DEGREE_LAT, lon=float(city.lon[top]))
    snaps = city.snap([near, far], "walk")
    assert snaps[0].offset_m == pytest.approx(distance_m(near, node_location(city, top)), abs=1)
    assert not snaps[0].estimated
    assert snaps[1].offset_m > SNAP_LIMIT_M and snaps[1].estimated


def test_point_beside_a_long_segment_is_projected_onto_it(city: RoadNetwork) -> None:
    graph = city.to_networkx("car").subgraph(city.main_component("car"))
    u, v, length_m = max(graph.edges(data="length_m"), key=lambda edge: edge[2])
    a, b = node_location(city, u), node_location(city, v)
    middle = Location(lat=(a.lat + b.lat) / 2, lon=(a.lon + b.lon) / 2)
    (snap,) = city.snap([middle], "car")
    assert snap.node in (u, v)
    assert snap.offset_m <= 1
    assert snap.along_m == pytest.approx(length_m / 2, abs=2)
