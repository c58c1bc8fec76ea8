"""Per-mode road graphs: which ways become edges, in which directions."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import one_way_segment, write_osm

from dispatch.errors import RoadNetworkError
from dispatch.model import MODES
from dispatch.travel.roads import RoadNetwork, load_network


def test_extract_without_usable_roads_raises(tmp_path: Path) -> None:
    path = write_osm(tmp_path / "planned.osm", {10: "proposed"})
    with pytest.raises(RoadNetworkError, match="no streets or paths"):
        load_network(path, cache_dir=tmp_path)


def test_one_way_street_is_one_edge_for_ebike_and_car_but_both_ways_for_walk(
    city: RoadNetwork,
) -> None:
    u, v = one_way_segment(city)
    graphs = {mode: city.to_networkx(mode) for mode in MODES}
    for mode in ("ebike", "car"):
        assert graphs[mode].has_edge(u, v) and not graphs[mode].has_edge(v, u)
    assert graphs["walk"].has_edge(u, v) and graphs["walk"].has_edge(v, u)
