"""Building stops and service times."""

from __future__ import annotations

from conftest import client

from dispatch.planning.stops import build_stops, service_s

# Defaults: setup 60 s, hand-over 120 s, stairs 15 s up + 10 s down per floor,
# lift 45 s wait + 3 s per floor each way.


def test_clients_in_one_building_become_one_stop(make_scenario):
    scenario = make_scenario(
        [client("a", 500, building="b1", floor=2), client("b", 500, building="b1", floor=6)]
    )
    stops = build_stops(scenario, scenario.clients, max_meals=10)
    assert len(stops) == 1
    assert {c.id for c in stops[0].clients} == {"a", "b"}
    assert stops[0].meals == 2


def test_building_splits_when_windows_do_not_overlap(make_scenario):
    scenario = make_scenario(
        [
            client("a", 500, building="b1", window=["11:00", "11:20"]),
            client("b", 500, building="b1", window=["11:40", "12:00"]),
        ]
    )
    stops = build_stops(scenario, scenario.clients, max_meals=10)
    assert sorted(s.id for s in stops) == ["b1#1", "b1#2"]


def test_building_splits_when_meals_exceed_the_largest_courier(make_scenario):
    big = {"regular": 6}
    scenario = make_scenario(
        [client("a", 500, building="b1", meals=big), client("b", 500, building="b1", meals=big)]
    )
    assert len(build_stops(scenario, scenario.clients, max_meals=10)) == 2


def test_overlapping_windows_merge_to_their_intersection(make_scenario):
    scenario = make_scenario(
        [
            client("a", 500, building="b1", window=["11:00", "12:00"]),
            client("b", 500, building="b1", window=["11:30", "12:30"]),
        ]
    )
    (stop,) = build_stops(scenario, scenario.clients, max_meals=10)
    assert (stop.window.start_s, stop.window.end_s) == (11.5 * 3600, 12 * 3600)


def test_service_time_on_sixth_floor_without_lift(make_scenario):
    scenario = make_scenario([client("a", 500, floor=6)])
    assert service_s(scenario.clients, scenario.settings) == 60 + 120 + 5 * (15 + 10)


def test_service_time_with_lift_is_wait_and_ride(make_scenario):
    scenario = make_scenario([client("a", 500, floor=12, lift=True)])
    assert service_s(scenario.clients, scenario.settings) == 60 + 120 + 45 + 2 * 11 * 3


def test_merged_stop_climbs_once_to_its_top_floor(make_scenario):
    scenario = make_scenario(
        [client("a", 500, building="b1", floor=2), client("b", 500, building="b1", floor=6)]
    )
    assert service_s(scenario.clients, scenario.settings) == 60 + 2 * 120 + 5 * 25


def test_ground_floor_has_no_vertical_time(make_scenario):
    scenario = make_scenario([client("a", 500)], climb_s_per_floor=99)
    assert service_s(scenario.clients, scenario.settings) == 60 + 120
