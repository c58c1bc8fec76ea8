"""Road networks: access rules, cache, snapping, matrices against networkx, leg geometry."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import networkx as nx
import numpy as np
import osmium
import pytest

from dispatch.errors import InputError, NotFoundError, RoadNetworkError
from dispatch.model import DEFAULT_SPEED_KPH, MODES, Location, Mode
from dispatch.travel.geo import distance_m
from dispatch.travel.roads import network as network_module
from dispatch.travel.roads.network import (
    SNAP_LIMIT_M,
    RoadNetwork,
    load_network,
    parse_maxspeed_kph,
    way_rule,
)

ROADNETS = Path(__file__).resolve().parents[2] / "shared" / "roadnets"
METRES_PER_DEGREE_LAT = 111_000.0  # only to place test points roughly; distances use geodesics


def extract(name: str) -> Path:
    path = ROADNETS / name
    if not path.exists():
        pytest.skip(f"shared road-network extract {path} is not available")
    return path


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
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


# --- access rules and tags -------------------------------------------------------------------


def test_motorways_are_for_cars_only() -> None:
    tags = {"highway": "motorway"}
    assert way_rule(tags, "car") is not None
    assert way_rule(tags, "ebike") is None
    assert way_rule(tags, "walk") is None


def test_footway_needs_bicycle_permission_for_ebikes() -> None:
    assert way_rule({"highway": "footway"}, "ebike") is None
    rule = way_rule({"highway": "footway", "bicycle": "yes"}, "ebike")
    assert rule is not None and rule.speed_kph == 8.0


def test_foot_yes_overrides_access_no_for_walking_only() -> None:
    tags = {"highway": "residential", "access": "no", "foot": "yes"}
    assert way_rule(tags, "walk") is not None
    assert way_rule(tags, "car") is None


def test_private_compound_roads_are_usable_for_deliveries() -> None:
    assert way_rule({"highway": "service", "access": "private"}, "car") is not None


def test_one_way_tags_apply_to_vehicles_but_not_to_walking() -> None:
    tags = {"highway": "residential", "oneway": "yes"}
    rules = {mode: way_rule(tags, mode) for mode in MODES}
    assert [(r.forward, r.backward) for r in rules.values() if r] == [
        (True, False),  # ebike
        (True, True),  # walk
        (True, False),  # car
    ]


def test_oneway_bicycle_no_lets_ebikes_ride_both_ways() -> None:
    rule = way_rule({"highway": "residential", "oneway": "-1", "oneway:bicycle": "no"}, "ebike")
    assert rule is not None and (rule.forward, rule.backward) == (True, True)


def test_roundabouts_are_one_way_without_a_oneway_tag() -> None:
    rule = way_rule({"highway": "tertiary", "junction": "roundabout"}, "car")
    assert rule is not None and (rule.forward, rule.backward) == (True, False)


def test_car_speed_follows_a_parseable_maxspeed() -> None:
    slow = way_rule({"highway": "primary", "maxspeed": "30"}, "car")
    zone = way_rule({"highway": "primary", "maxspeed": "CN:urban"}, "car")
    assert slow is not None and slow.speed_kph == 30.0
    assert zone is not None and zone.speed_kph == 45.0


@pytest.mark.parametrize(
    ("value", "kph"),
    [("50", 50.0), ("50 km/h", 50.0), ("30 mph", 30 * 1.609344), ("60;40", 60.0), ("none", None)],
)
def test_maxspeed_is_parsed_to_kph(value: str, kph: float | None) -> None:
    assert parse_maxspeed_kph(value) == (pytest.approx(kph) if kph else None)


# --- loading, cache and errors ---------------------------------------------------------------


def test_bz2_and_pbf_of_the_same_extract_give_the_same_graphs(
    city: RoadNetwork, cache_dir: Path
) -> None:
    xml = load_network(extract("aguascalientes.osm.bz2"), cache_dir=cache_dir)
    assert xml.node_count == city.node_count
    for mode in MODES:
        assert xml.edge_count(mode) == city.edge_count(mode)
        assert (xml.time_csr(mode) != city.time_csr(mode)).nnz == 0


def test_second_load_comes_from_the_cache_with_identical_arrays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISPATCH_CACHE_DIR", str(tmp_path))
    path = extract("West-Oakland.osm.bz2")
    first = load_network(path)
    assert [p.suffix for p in tmp_path.iterdir()] == [".npz"]

    def no_rebuild(*_: object) -> None:
        raise AssertionError("rebuilt instead of reading the cache")

    monkeypatch.setattr(network_module, "_build", no_rebuild)
    second = load_network(path)
    assert second.key == first.key
    for name in ("osm_id", "lat", "lon"):
        np.testing.assert_array_equal(getattr(second, name), getattr(first, name))
    for mode in MODES:
        np.testing.assert_array_equal(second.main_component(mode), first.main_component(mode))
        assert (second.time_csr(mode) != first.time_csr(mode)).nnz == 0
        assert (second.length_csr(mode) != first.length_csr(mode)).nnz == 0


def test_a_damaged_cache_file_is_rebuilt(tmp_path: Path) -> None:
    path = extract("West-Oakland.osm.bz2")
    first = load_network(path, cache_dir=tmp_path)
    (cached,) = tmp_path.iterdir()
    cached.write_bytes(b"not a zip file")
    again = load_network(path, cache_dir=tmp_path)
    assert again.edge_count("walk") == first.edge_count("walk")


def test_missing_file_raises_not_found(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.osm.pbf"
    with pytest.raises(NotFoundError) as caught:
        load_network(missing, cache_dir=tmp_path)
    assert caught.value.field == str(missing)
    assert "file not found" in caught.value.reason.en
    assert isinstance(caught.value, LookupError)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("junk.osm.pbf", b"hello"),
        ("junk.osm", b"this is not xml"),
        ("cut.osm.bz2", None),  # a truncated copy of a real extract
    ],
)
def test_corrupt_file_raises_network_error(
    tmp_path: Path, name: str, content: bytes | None
) -> None:
    path = tmp_path / name
    real = extract("aguascalientes.osm.bz2").read_bytes()
    path.write_bytes(content if content is not None else real[:5000])
    with pytest.raises(RoadNetworkError) as caught:
        load_network(path, cache_dir=tmp_path)
    assert isinstance(caught.value, InputError) and isinstance(caught.value, ValueError)
    assert "OpenStreetMap" in caught.value.reason.en


def test_unsupported_file_type_raises_network_error(tmp_path: Path) -> None:
    path = tmp_path / "roads.txt"
    path.write_text("x")
    with pytest.raises(RoadNetworkError, match=r"expected \.osm"):
        load_network(path, cache_dir=tmp_path)


def test_extract_without_usable_roads_raises(tmp_path: Path) -> None:
    path = write_osm(tmp_path / "planned.osm", {10: "proposed"})
    with pytest.raises(RoadNetworkError, match="no streets or paths"):
        load_network(path, cache_dir=tmp_path)


def test_mode_without_usable_roads_raises_when_used(tmp_path: Path) -> None:
    network = load_network(write_osm(tmp_path / "path.osm", {10: "footway"}), cache_dir=tmp_path)
    point = node_location(network, 0)
    assert network.snap([point], "walk")[0].offset_m == 0
    with pytest.raises(RoadNetworkError, match="usable by car"):
        network.matrix([point], "car")


# --- snapping ----------------------------------------------------------------------------


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


# --- matrices ------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_matrix_equals_networkx_shortest_paths_plus_access_legs(
    city: RoadNetwork, mode: Mode
) -> None:
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


def test_one_way_street_is_one_way_for_ebike_and_car_but_not_walk(city: RoadNetwork) -> None:
    u, v = one_way_segment(city)
    graphs = {mode: city.to_networkx(mode) for mode in MODES}
    for mode in ("ebike", "car"):
        assert graphs[mode].has_edge(u, v) and not graphs[mode].has_edge(v, u)
    assert graphs["walk"].has_edge(u, v) and graphs["walk"].has_edge(v, u)
    points = [node_location(city, u), node_location(city, v)]
    car, _ = city.matrix(points, "car")
    walk, _ = city.matrix(points, "walk")
    assert car.time_s[0, 1] < car.time_s[1, 0]  # against the flow means going round the block
    assert walk.time_s[0, 1] == walk.time_s[1, 0]


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


def test_estimated_points_use_the_geodesic_fallback(city: RoadNetwork) -> None:
    inside = city_points(city, 1)[0]
    main = city.main_component("ebike")
    top = int(main[np.argmax(city.lat[main])])
    far = Location(lat=city.lat[top] + 0.02, lon=float(city.lon[top]))
    matrix, snaps = city.matrix([inside, far], "ebike")
    assert [s.estimated for s in snaps] == [False, True]
    expected_m = distance_m(inside, far) * network_module.FALLBACK_DETOUR
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


# --- leg geometry ----------------------------------------------------------------------------


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
