"""Planning on a real road network: street legs, snapping flags, bad network input."""

from __future__ import annotations

import dataclasses
import itertools
import json

import pytest
import yaml
from conftest import REPO, SHARED, base_document

from dispatch.cli import main
from dispatch.errors import DispatchError, NotFoundError, ScenarioError
from dispatch.model import Closure, Location
from dispatch.planning.day import plan_day
from dispatch.report.context import PlanContext
from dispatch.report.geojson import routes_geojson
from dispatch.scenario import load_scenario, parse_scenario, read_document
from dispatch.travel.matrices import TravelModel

DEMO = REPO / "scenarios" / "aguascalientes-roads.yaml"
EXTRACT = SHARED / "roadnets" / "aguascalientes.osm.pbf"
pytestmark = pytest.mark.skipif(
    not EXTRACT.is_file(), reason="../shared/roadnets is not beside the repo"
)


@pytest.fixture(scope="module")
def demo():
    scenario = load_scenario(DEMO)
    return scenario, plan_day(scenario, time_limit_s=1)


def write_variant(tmp_path, edit):
    doc = read_document(DEMO)
    doc["network"] = str(EXTRACT)
    edit(doc)
    path = tmp_path / "day.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def test_road_demo_plans_every_client_and_the_verifier_agrees(demo):
    scenario, plan = demo
    assert scenario.network is not None
    assert plan.violations == () and plan.unassigned == ()


def test_legs_follow_the_streets_in_geojson(demo):
    scenario, plan = demo
    lines = [
        f
        for f in routes_geojson(PlanContext.of(scenario, plan))["features"]
        if f["geometry"]["type"] == "LineString"
    ]
    assert lines and all(f["properties"]["geometry"] == "streets" for f in lines)
    for line, route in zip(lines, plan.routes, strict=True):
        assert len(line["geometry"]["coordinates"]) > 3 * len(route.deliveries)


def test_street_times_differ_from_the_straight_line_model(demo):
    scenario, _ = demo
    points = [scenario.canteen.location] + [c.location for c in scenario.clients[:8]]
    profile = [("ebike", scenario.settings.speed_kph["ebike"])]
    roads = TravelModel.of(scenario).matrices(points, profile)[profile[0]].time_s
    straight = TravelModel.of(dataclasses.replace(scenario, network=None)).matrices(points, profile)
    assert (roads != straight[profile[0]].time_s).sum() > 0.9 * (len(points) ** 2 - len(points))


def test_one_way_streets_make_travel_asymmetric(demo):
    scenario, _ = demo
    points = [scenario.canteen.location] + [c.location for c in scenario.clients]
    profile = ("ebike", scenario.settings.speed_kph["ebike"])
    time_s = TravelModel.of(scenario).matrices(points, [profile])[profile].time_s
    assert (time_s != time_s.T).any()


def test_a_stop_far_from_any_road_is_flagged_estimated(tmp_path):
    def far_client(doc):
        doc["clients"][0]["location"] = {"lat": 21.8690, "lon": -102.2500}  # ~1.4 km east

    path = write_variant(tmp_path, far_client)
    out = tmp_path / "out"
    assert main(["plan", str(path), "--out", str(out), "--time-limit", "1"]) == 0
    steps = [s for r in json.loads((out / "plan.json").read_text())["routes"] for s in r["steps"]]
    flagged = [s for s in steps if s.get("estimated")]
    assert [s["clients"] for s in flagged] == [["ag-001"]] and flagged[0]["snap_m"] > 250
    assert "≈" in "".join(p.read_text(encoding="utf-8") for p in (out / "sheets").iterdir())


def test_points_all_outside_the_extract_are_one_clear_error(tmp_path, capsys):
    def move_to_jiangmen(doc):
        doc["canteen"]["location"] = {"lat": 22.57, "lon": 113.11}
        for k, c in enumerate(doc["clients"]):
            c["location"] = {"lat": 22.57 + k * 1e-3, "lon": 113.11}

    path = write_variant(tmp_path, move_to_jiangmen)
    out = tmp_path / "out"
    assert main(["plan", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "network" in err and not out.exists()


def test_missing_network_file_names_the_field(tmp_path):
    path = write_variant(tmp_path, lambda doc: doc.update(network="nowhere.osm.pbf"))
    with pytest.raises(NotFoundError) as caught:
        load_scenario(path)
    assert caught.value.field == "network"


def test_corrupt_network_file_is_a_clear_error_and_nothing_is_written(tmp_path, capsys):
    broken = tmp_path / "broken.osm.pbf"
    broken.write_bytes(b"not a protobuf at all" * 50)
    path = write_variant(tmp_path, lambda doc: doc.update(network=str(broken)))
    out = tmp_path / "out"
    assert main(["plan", str(path), "--out", str(out)]) == 2
    assert "Traceback" not in capsys.readouterr().err and not out.exists()
    with pytest.raises(DispatchError):
        plan_day(load_scenario(path), time_limit_s=1)


def closure_on_first_leg(scenario, to=None):
    """The midpoint of a segment in the middle of the canteen → ``to`` (ag-001) street path."""
    roads = TravelModel.of(scenario).roads()
    points = [scenario.canteen.location, to or scenario.clients[0].location]
    snaps = roads.snap(points, "ebike")
    path = roads.leg_path(snaps[0], snaps[1], "ebike")
    a, b = path[len(path) // 2], path[len(path) // 2 + 1]
    middle = Location((a.lat + b.lat) / 2, (a.lon + b.lon) / 2)
    return (a, b), Closure(middle, radius_m=10)


def test_closing_a_road_on_the_shortest_path_makes_the_trip_longer_and_avoid_it(demo):
    scenario, _ = demo
    (a, b), closure = closure_on_first_leg(scenario)
    closed = dataclasses.replace(scenario, closed_roads=(closure,))
    points = [scenario.canteen.location, scenario.clients[0].location]
    profile = ("ebike", scenario.settings.speed_kph["ebike"])
    before = TravelModel.of(scenario).matrices(points, [profile])[profile].time_s[0, 1]
    after = TravelModel.of(closed).matrices(points, [profile])[profile].time_s[0, 1]
    assert after > before
    (path,) = TravelModel.of(closed).leg_paths("ebike", points)
    assert not any({p, q} == {a, b} for p, q in itertools.pairwise(path))


def test_closed_network_is_a_cached_variant_and_the_base_is_untouched(demo):
    scenario, _ = demo
    _, closure = closure_on_first_leg(scenario)
    roads = TravelModel.of(scenario).roads()
    edges = {mode: roads.edge_count(mode) for mode in ("ebike", "walk", "car")}
    closed = roads.closed([closure])
    assert closed is roads.closed((closure,)) and roads.closed([]) is roads
    assert all(closed.edge_count(m) < n for m, n in edges.items())
    assert edges == {mode: roads.edge_count(mode) for mode in edges}


def test_plan_around_a_closed_road_still_verifies(demo):
    scenario, plan = demo
    first_stop = plan.routes[0].deliveries[0].location
    _, closure = closure_on_first_leg(scenario, to=first_stop)
    closed_plan = plan_day(dataclasses.replace(scenario, closed_roads=(closure,)), time_limit_s=1)
    assert closed_plan.violations == () and closed_plan.unassigned == ()
    assert closed_plan.routes != plan.routes


def test_closed_roads_from_the_scenario_file(tmp_path):
    path = write_variant(
        tmp_path, lambda doc: doc.update(closed_roads=[{"lat": 21.87, "lon": -102.27}])
    )
    (closure,) = load_scenario(path).closed_roads
    assert closure == Closure(Location(21.87, -102.27), radius_m=30)


def test_closed_roads_without_a_network_name_the_field():
    document = base_document()
    document["closed_roads"] = [{"lat": 22.57, "lon": 113.1, "radius_m": 50}]
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(document)
    assert caught.value.field == "closed_roads" and "network" in caught.value.reason.en


def test_closure_radius_is_bounded(tmp_path):
    path = write_variant(
        tmp_path,
        lambda doc: doc.update(closed_roads=[{"lat": 21.87, "lon": -102.27, "radius_m": 5000}]),
    )
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert caught.value.field == "closed_roads[0].radius_m"
