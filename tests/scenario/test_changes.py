"""Applying what-if changes: every change on a small base, and errors naming the change."""

from __future__ import annotations

import pytest
from conftest import REPO, SHARED, apply_to_base, change_error, client

from dispatch.errors import ScenarioError
from dispatch.planning.day import plan_day
from dispatch.scenario import parse_scenario
from dispatch.scenario.changes import apply_changes
from dispatch.scenario.whatif import read_base
from dispatch.travel import matrices as travel

ROAD_DEMO = REPO / "scenarios" / "aguascalientes-roads.yaml"
ROAD_EXTRACT = SHARED / "roadnets" / "aguascalientes.osm.pbf"


def test_weather_change_sets_the_level():
    (part,) = apply_to_base({"weather": "rain"})
    assert parse_scenario(part).weather == "rain"


def test_unknown_weather_level_names_the_change():
    assert change_error({"weather": "snow"}).field == "changes[0].weather"


def test_courier_off_removes_one_or_a_list_of_couriers():
    (part,) = apply_to_base({"courier_off": "r2"})
    assert [c["id"] for c in part["couriers"]] == ["r1"]
    (part,) = apply_to_base({"courier_off": ["r2"]}, {"weather": "rain"})
    assert [c["id"] for c in part["couriers"]] == ["r1"]


def test_unknown_courier_names_the_change_and_the_item():
    err = change_error(
        {"weather": "rain"}, {"set": {"settings.seed": 3}}, {"courier_off": ["r1", "r9"]}
    )
    assert err.field == "changes[2].courier_off[1]"
    assert "r9" in err.reason.en


def test_the_last_courier_off_is_an_error_of_that_change():
    err = change_error({"courier_off": ["r1", "r2"]})
    assert err.field == "changes[0].courier_off"


def test_remove_clients_drops_them_and_unknown_clients_are_errors():
    (part,) = apply_to_base({"remove_clients": ["a", "c"]})
    assert [c["id"] for c in part["clients"]] == ["b"]
    assert change_error({"remove_clients": "zz"}).field == "changes[0].remove_clients"


def test_add_clients_inline_validates_like_scenario_clients():
    (part,) = apply_to_base({"add_clients": [client("d", 300)]})
    assert [c["id"] for c in part["clients"]][-1] == "d"
    err = change_error({"add_clients": [client("d", 300), client("e", 300, floor=0)]})
    assert err.field == "changes[0].add_clients[1].floor"


def test_add_clients_from_a_csv_file_is_refused_without_a_folder():
    """Over HTTP there is no folder, so a CSV name cannot be read."""
    assert change_error({"add_clients": "new.csv"}).field == "changes[0].add_clients"


def test_shift_windows_moves_client_windows_only():
    (part,) = apply_to_base({"shift_windows": "-30min"})
    assert part["clients"][0]["window"] == ["10:30", "12:00"]
    assert "window" not in part["clients"][1]
    assert part["canteen"]["meals_ready"] == "10:40"


def test_shift_windows_mapping_also_moves_meals_ready_and_shifts():
    (part,) = apply_to_base(
        {"shift_windows": {"clients": -60, "meals_ready": "-30min", "shifts": "-15min"}}
    )
    assert part["clients"][2]["window"] == ["10:00", "11:00"]
    assert part["canteen"]["meals_ready"] == "10:10"
    assert part["couriers"][0]["shift"] == ["10:15", "12:45"]


def test_shift_windows_rejects_bad_offsets_and_leaving_the_day():
    assert change_error({"shift_windows": "half an hour"}).field == "changes[0].shift_windows"
    err = change_error({"shift_windows": "-700min"})
    assert err.field.startswith("changes[0].shift_windows: clients[0].window")


def test_set_writes_dotted_paths_and_items_by_id():
    (part,) = apply_to_base(
        {"set": {"settings.max_door_to_door_min": 45, "couriers.r2.capacity": 3}}
    )
    scenario = parse_scenario(part)
    assert scenario.settings.max_door_to_door_s == 45 * 60
    assert scenario.couriers[1].capacity == 3


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("settings.max_door_to_door_mins", 45),
        ("settings.max_door_to_door_min", 4500),
        ("couriers.r7.capacity", 3),
    ],
    ids=["unknown-field", "bad-value", "unknown-id"],
)
def test_set_unknown_path_and_bad_value_name_the_path(path, value):
    assert change_error({"set": {path: value}}).field == f"changes[0].set.{path}"


def test_relay_points_and_walkers_can_be_added_for_a_rainstorm():
    point = {
        "id": "rp",
        "location": {"lat": 22.575, "lon": 113.1},
        "open": ["10:30", "13:00"],
        "capacity": 10,
    }
    walker = {"id": "g1", "relay_point": "rp", "capacity": 5, "shift": ["10:45", "13:00"]}
    (part,) = apply_to_base(
        {"weather": "rainstorm_orange"}, {"add_relay_point": point}, {"add_walkers": [walker]}
    )
    scenario = parse_scenario(part)
    assert [w.id for w in scenario.walkers] == ["g1"]
    err = change_error({"add_walkers": [dict(walker, relay_point="nowhere")]})
    assert err.field == "changes[0].add_walkers[0].relay_point"


def test_add_canteen_splits_clients_to_the_nearest_canteen():
    south = {"id": "c2", "location": {"lat": 22.5646, "lon": 113.1}, "meals_ready": "10:40"}
    main_part, second = apply_to_base({"add_canteen": {"canteen": south, "couriers": ["r2"]}})
    assert [c["id"] for c in main_part["clients"]] == ["a", "b"]
    assert [c["id"] for c in second["clients"]] == ["c"]
    assert [c["id"] for c in second["couriers"]] == ["r2"]
    assert [c["id"] for c in main_part["couriers"]] == ["r1"]


def test_add_canteen_with_an_unknown_courier_names_it():
    south = {"id": "c2", "location": {"lat": 22.5646, "lon": 113.1}, "meals_ready": "10:40"}
    err = change_error({"add_canteen": {"canteen": south, "couriers": ["r2", "r8"]}})
    assert err.field == "changes[0].add_canteen.couriers[1]"


def test_close_roads_is_refused_without_a_road_network():
    err = change_error({"close_roads": [{"lat": 22.57, "lon": 113.1}]})
    assert err.field == "changes[0].close_roads"
    assert "network" in err.reason.en


@pytest.mark.skipif(not ROAD_EXTRACT.is_file(), reason="../shared/roadnets is not beside the repo")
def test_close_roads_on_the_road_demo_plans_around_the_closure():
    base = read_base(ROAD_DEMO)
    spot = {"lat": 21.8685, "lon": -102.2715, "radius_m": 40}
    (part,) = apply_changes(base, [{"close_roads": [spot]}, {"close_roads": spot}])
    scenario = parse_scenario(part)
    network = scenario.network
    assert len(scenario.closed_roads) == 2 and scenario.closed_roads[0].radius_m == 40
    assert network is not None
    open_edges = travel.road_network(network).edge_count("ebike")
    closed_edges = travel.TravelModel.of(scenario).roads().edge_count("ebike")
    assert closed_edges < open_edges
    plan = plan_day(scenario, time_limit_s=1)
    assert plan.violations == () and plan.unassigned == ()
    err_spot = {**spot, "radius_m": 0}
    with pytest.raises(ScenarioError) as caught:
        apply_changes(base, [{"close_roads": [spot, err_spot]}])
    assert caught.value.field == "changes[0].close_roads[1].radius_m"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ([{"weather": "rain"}, {"fire_drill": True}], "changes[1]"),
        ([{"weather": "rain", "courier_off": "r1"}], "changes[0]"),
    ],
    ids=["unknown", "two-keys"],
)
def test_unknown_change_and_malformed_change_name_their_index(changes, field):
    assert change_error(*changes).field == field
