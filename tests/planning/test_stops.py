"""Clients into building stops: one stop a building while windows and loads allow."""

from __future__ import annotations

from conftest import client

from dispatch.planning.stops import build_stops
from dispatch.rules import building_sites


def stops_of(scenario, max_meals=10):
    return build_stops(scenario.clients, max_meals, building_sites(scenario.clients))


def test_clients_in_one_building_become_one_stop(make_scenario):
    scenario = make_scenario(
        [client("a", 500, building="b1", floor=2), client("b", 500, building="b1", floor=6)]
    )
    stops = stops_of(scenario)
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
    stops = stops_of(scenario)
    assert sorted(s.id for s in stops) == ["b1#1", "b1#2"]


def test_building_splits_when_meals_exceed_the_largest_courier(make_scenario):
    big = {"regular": 6}
    scenario = make_scenario(
        [client("a", 500, building="b1", meals=big), client("b", 500, building="b1", meals=big)]
    )
    assert len(stops_of(scenario)) == 2


def test_overlapping_windows_merge_to_their_intersection(make_scenario):
    scenario = make_scenario(
        [
            client("a", 500, building="b1", window=["11:00", "12:00"]),
            client("b", 500, building="b1", window=["11:30", "12:30"]),
        ]
    )
    (stop,) = stops_of(scenario)
    assert (stop.window.start_s, stop.window.end_s) == (11.5 * 3600, 12 * 3600)
