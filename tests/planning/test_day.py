"""The morning run: rules the planned routes must keep, and reasons for the unserved."""

from __future__ import annotations

from conftest import client

from dispatch.planning.day import plan_day
from dispatch.verify import verify

R1 = {"id": "r1", "mode": "ebike", "capacity": 10, "shift": ["10:30", "13:00"]}


def courier(cid: str, **fields):
    return {**R1, "id": cid, **fields}


def served_by(plan) -> dict[str, str]:
    return {c: r.courier for r in plan.routes for s in r.deliveries for c in s.clients}


def test_plan_serves_everyone_and_passes_the_verifier(make_scenario):
    scenario = make_scenario([client("a", 300), client("b", 600, floor=3), client("c", 900)])
    plan = plan_day(scenario)
    assert set(served_by(plan)) == {"a", "b", "c"}
    assert plan.unassigned == ()
    assert plan.violations == ()
    assert verify(scenario, plan) == []


def test_fewest_couriers_are_used(make_scenario):
    scenario = make_scenario(
        [client(k, 200 * (i + 1)) for i, k in enumerate("abcd")],
        couriers=[courier("r1"), courier("r2"), courier("r3")],
    )
    assert len(plan_day(scenario).routes) == 1


def test_client_above_every_climber_is_reported_with_the_floor(make_scenario):
    scenario = make_scenario(
        [client("a", 300), client("high", 500, floor=9)],
        couriers=[courier("r1", max_floor_no_lift=6)],
    )
    plan = plan_day(scenario)
    (missing,) = plan.unassigned
    assert (missing.client, missing.code) == ("high", "no_climber")
    assert "floor 9" in missing.reason_en and "9 楼" in missing.reason_zh
    assert plan.violations == ()


def test_high_floor_without_lift_goes_to_the_courier_who_climbs(make_scenario):
    scenario = make_scenario(
        [client("high", 500, floor=7), client("low", 520)],
        couriers=[courier("r1", max_floor_no_lift=3, capacity=2), courier("r2", capacity=2)],
    )
    assert served_by(plan_day(scenario))["high"] == "r2"


def test_lift_building_needs_no_climber(make_scenario):
    scenario = make_scenario(
        [client("tower", 500, floor=12, lift=True)],
        couriers=[courier("r1", max_floor_no_lift=3)],
    )
    assert served_by(plan_day(scenario)) == {"tower": "r1"}


def test_client_beyond_the_food_safety_limit_is_too_far(make_scenario):
    # 20 km × 1.3 detour at 15 km/h is 104 min, over the 60 min limit.
    scenario = make_scenario([client("far", 20_000), client("near", 300)])
    plan = plan_day(scenario)
    (missing,) = plan.unassigned
    assert (missing.client, missing.code) == ("far", "too_far")
    assert "60 min" in missing.reason_en


def test_food_safety_limit_splits_routes_in_opposite_directions(make_scenario):
    north = [client(f"n{i}", 2_000 + 20 * i) for i in range(3)]
    south = [client(f"s{i}", -2_000 - 20 * i) for i in range(3)]
    scenario = make_scenario(
        north + south,
        couriers=[courier("r1"), courier("r2")],
        max_door_to_door_min=20,
    )
    plan = plan_day(scenario)
    assert plan.unassigned == () and plan.violations == ()
    for route in plan.routes:
        departure = route.steps[0].departure_s
        assert all(s.departure_s - departure <= 20 * 60 for s in route.deliveries)
        assert len({c[0] for s in route.deliveries for c in s.clients}) == 1


def test_window_that_ends_before_meals_are_ready_is_unreachable(make_scenario):
    scenario = make_scenario([client("early", 300, window=["10:00", "10:30"])])
    (missing,) = plan_day(scenario).unassigned
    assert missing.code == "window_unreachable"
    assert "10:30" in missing.reason_en


def test_capacity_shortage_is_reported(make_scenario):
    scenario = make_scenario(
        [client(k, 300 + 100 * i) for i, k in enumerate("abc")],
        couriers=[courier("r1", capacity=2)],
    )
    plan = plan_day(scenario)
    assert [u.code for u in plan.unassigned] == ["no_capacity"]
    assert len(served_by(plan)) == 2


def test_two_tight_windows_far_apart_leave_one_client_without_time(make_scenario):
    scenario = make_scenario(
        [
            client("n", 3_000, window=["11:00", "11:05"]),
            client("s", -3_000, window=["11:00", "11:05"]),
        ]
    )
    plan = plan_day(scenario)
    assert [u.code for u in plan.unassigned] == ["no_time"]
    assert plan.violations == ()


def test_arrival_falls_inside_the_window(make_scenario):
    scenario = make_scenario([client("a", 300, window=["11:30", "11:40"])])
    (step,) = plan_day(scenario).routes[0].deliveries
    assert 11.5 * 3600 <= step.arrival_s <= 11 * 3600 + 40 * 60


def test_no_departure_before_meals_are_ready(make_scenario):
    scenario = make_scenario([client("a", 300)], couriers=[courier("r1", shift=["09:00", "13:00"])])
    route = plan_day(scenario).routes[0]
    assert route.steps[0].departure_s >= 10 * 3600 + 40 * 60


def test_courier_leaves_late_enough_to_keep_food_fresh(make_scenario):
    # The window opens at 12:00; leaving at 10:40 would hold the meal 80 min.
    scenario = make_scenario([client("a", 300, window=["12:00", "12:30"])])
    route = plan_day(scenario).routes[0]
    assert route.deliveries[0].departure_s - route.steps[0].departure_s < 10 * 60


def test_inactive_client_is_neither_planned_nor_reported(make_scenario):
    scenario = make_scenario([client("a", 300), client("gone", 400, active={"to": "2026-11-15"})])
    plan = plan_day(scenario)
    assert set(served_by(plan)) == {"a"}
    assert plan.unassigned == ()


def test_replanning_keeps_clients_with_their_couriers_when_it_can(make_scenario):
    couriers = [courier("r1", capacity=2), courier("r2", capacity=2)]
    scenario = make_scenario(
        [client("a", 500), client("b", 520), client("c", -500), client("d", -520)],
        couriers=couriers,
    )
    # Unusual but feasible: each courier had one client on each side of the canteen.
    keep = {"a": "r1", "c": "r1", "b": "r2", "d": "r2"}
    assert served_by(plan_day(scenario, keep=keep)) == keep
    assert plan_day(scenario, keep=keep).violations == ()
