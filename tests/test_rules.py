"""Service-time and climbing rules shared by planner, verifier and key figures."""

from __future__ import annotations

from conftest import client

from dispatch.rules import may_serve, relay_handover_s, service_s

# Defaults: setup 60 s, hand-over 120 s, stairs 15 s up + 10 s down per floor,
# lift 45 s wait + 3 s per floor each way.


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


def test_relay_hand_over_takes_a_minute_plus_ten_seconds_a_meal(make_scenario):
    assert relay_handover_s(6, make_scenario([client("a", 500)]).settings) == 60 + 6 * 10


def test_only_a_courier_who_climbs_that_high_may_serve_a_walk_up(make_scenario):
    scenario = make_scenario(
        [client("a", 500, floor=6)],
        couriers=[
            {"id": "low", "mode": "ebike", "capacity": 4, "shift": ["10:30", "13:00"],
             "max_floor_no_lift": 4},
            {"id": "high", "mode": "ebike", "capacity": 4, "shift": ["10:30", "13:00"]},
        ],
    )  # fmt: skip
    low, high = scenario.couriers
    assert not may_serve(low, scenario.clients) and may_serve(high, scenario.clients)
