"""The verifier checks each reason a client is left out, and that nobody servable is left out.

Rides here: 1 m north costs 1.3 m × 0.24 s/m = 0.312 s at 15 km/h; a ground-floor stop
takes 180 s. Meals are ready at 10:40; courier r1 carries 10 meals, shift 10:30–13:00.
"""

from __future__ import annotations

import pytest
from conftest import client

from dispatch.planning.day import plan_day
from dispatch.report.plan_json import plan_from_dict
from dispatch.verify import verify

R1 = {"id": "r1", "mode": "ebike", "capacity": 10, "shift": ["10:30", "13:00"]}


def courier(cid: str, **fields):
    return {**R1, "id": cid, **fields}


def plan_of(routes, left, departures=None):
    """A hand-made plan: ``routes`` courier → stops (lists of client ids), ``left`` client →
    reason code, ``departures`` courier → stated departure (seconds)."""
    departures = departures or {}
    start = {courier: {"type": "start"} for courier in routes}
    for courier, seconds in departures.items():
        start[courier]["departure_s"] = seconds
    return plan_from_dict(
        {
            "routes": [
                {
                    "courier": courier,
                    "steps": [start[courier]]
                    + [{"type": "delivery", "clients": list(s)} for s in stops]
                    + [{"type": "end"}],
                }
                for courier, stops in routes.items()
            ],
            "unassigned": [
                {"client": c, "code": code, "reason": "…", "reason_zh": "…"}
                for c, code in left.items()
            ],
        }
    )


def found(scenario, plan):
    violations = verify(scenario, plan)
    assert all(v.message and v.message_zh for v in violations)
    return [(v.rule, v.client) for v in violations]


def test_nobody_climbs_that_high_is_false_when_a_courier_does(make_scenario):
    scenario = make_scenario([client("a", 300, floor=8)], couriers=[courier("r1")])
    (violation,) = verify(scenario, plan_of({}, {"a": "no_climber"}))
    assert (violation.rule, violation.client) == ("reason_false", "a")
    assert "r1 climbs to floor 8" in violation.message and "8 楼" in violation.message_zh


def test_nobody_climbs_that_high_holds_when_nobody_does(make_scenario):
    scenario = make_scenario(
        [client("a", 300, floor=8)], couriers=[courier("r1", max_floor_no_lift=5)]
    )
    assert found(scenario, plan_of({}, {"a": "no_climber"})) == []


def test_more_meals_than_anyone_carries_is_false_for_three_meals(make_scenario):
    scenario = make_scenario([client("a", 300, meals={"regular": 3})])
    assert found(scenario, plan_of({}, {"a": "over_capacity"})) == [("reason_false", "a")]


def test_too_far_holds_beyond_the_door_to_door_limit_and_is_false_inside_it(make_scenario):
    # 12 km: 3,744 s + 180 s > 60 min. 300 m: under 5 min.
    scenario = make_scenario([client("far", 12_000), client("near", 300)])
    left = {"far": "too_far", "near": "too_far"}
    assert found(scenario, plan_of({}, left)) == [("reason_false", "near")]


def test_a_missed_window_is_false_when_a_direct_trip_arrives_in_time(make_scenario):
    scenario = make_scenario(
        [
            client("early", 300, window=["10:00", "10:30"]),
            client("open", 300, window=["11:00", "12:00"]),
            client("none", 600),
        ]
    )
    left = {
        "early": "window_unreachable",
        "open": "window_unreachable",
        "none": "window_unreachable",
    }
    assert found(scenario, plan_of({}, left)) == [
        ("reason_false", "open"),
        ("reason_false", "none"),
    ]


def test_the_cooked_limit_is_checked_against_the_earliest_hand_over(make_scenario):
    # 5 km: the hand-over ends 11:09 at the earliest, past 10:40 + 20 min; 300 m: 10:45.
    scenario = make_scenario([client("far", 5_000), client("near", 300)], max_cooked_to_door_min=20)
    left = {"far": "cooked_limit", "near": "cooked_limit"}
    assert found(scenario, plan_of({}, left)) == [("reason_false", "near")]


def test_shift_over_is_false_when_a_shift_leaves_time(make_scenario):
    short = courier("r1", shift=["10:30", "10:45"])
    scenario = make_scenario([client("far", 2_000), client("near", 300)], couriers=[short])
    left = {"far": "shift_over", "near": "shift_over"}
    # near: done 10:44:34, inside the shift; far: done 10:53:24, after it.
    assert found(scenario, plan_of({}, left)) == [("reason_false", "near")]


def test_a_client_who_fits_into_a_route_is_servable_unassigned(make_scenario):
    scenario = make_scenario([client("a", 300), client("b", 600)])
    (violation,) = verify(scenario, plan_of({"r1": [["a"]]}, {"b": "no_time"}))
    assert (violation.rule, violation.courier, violation.client) == (
        "servable_unassigned",
        "r1",
        "b",
    )
    assert "r1 can take it as stop 1" in violation.message and "第 1 站" in violation.message_zh


def test_a_client_who_fits_into_a_stop_in_the_same_building_is_servable(make_scenario):
    scenario = make_scenario([client("a", 300, building="b1"), client("b", 300, building="b1")])
    (violation,) = verify(scenario, plan_of({"r1": [["a"]]}, {"b": "no_capacity"}))
    assert violation.rule == "servable_unassigned" and "same building" in violation.message


def test_an_idle_courier_makes_a_client_left_out_for_capacity_servable(make_scenario):
    scenario = make_scenario(
        [client("a", 300, meals={"regular": 2}), client("b", 600)],
        couriers=[courier("r1", capacity=2), courier("r2", capacity=2)],
    )
    (violation,) = verify(scenario, plan_of({"r1": [["a"]]}, {"b": "no_capacity"}))
    assert violation.rule == "servable_unassigned"
    assert "r2, who has no route" in violation.message


def test_a_full_courier_and_no_other_leave_no_capacity_true(make_scenario):
    scenario = make_scenario(
        [client("a", 300, meals={"regular": 2}), client("b", 600)],
        couriers=[courier("r1", capacity=2)],
    )
    assert found(scenario, plan_of({"r1": [["a"]]}, {"b": "no_capacity"})) == []


def test_insertion_may_retime_the_route_to_keep_the_door_to_door_limit(make_scenario):
    # The route leaves at 10:40; b's window opens at 11:45, so with a first and b second
    # the meal for b waits: 10:40 → 11:48 breaks 60 min, leaving at 11:00 keeps it.
    scenario = make_scenario([client("a", 300), client("b", 600, window=["11:45", "12:30"])])
    plan = plan_of({"r1": [["a"]]}, {"b": "no_time"}, departures={"r1": 10 * 3600 + 40 * 60})
    assert found(scenario, plan) == [("servable_unassigned", "b")]


@pytest.mark.parametrize("code", ["no_time", "no_capacity", ""])
def test_time_and_capacity_reasons_hold_when_no_position_keeps_every_rule(make_scenario, code):
    # Two tight windows 6 km apart: whoever serves one cannot reach the other in time.
    scenario = make_scenario(
        [
            client("n", 3_000, window=["11:00", "11:05"]),
            client("s", -3_000, window=["11:00", "11:05"]),
        ]
    )
    assert found(scenario, plan_of({"r1": [["n"]]}, {"s": code})) == []


def test_the_planners_leftovers_pass_the_insertion_check(make_scenario):
    scenario = make_scenario(
        [
            client("n", 3_000, window=["11:00", "11:05"]),
            client("s", -3_000, window=["11:00", "11:05"]),
            client("x", 300, meals={"regular": 9}),
        ]
    )
    plan = plan_day(scenario)
    assert {u.code for u in plan.unassigned} <= {"no_time", "no_capacity"} and plan.unassigned
    assert plan.violations == ()


def test_a_hand_made_plan_without_times_leaves_when_the_fewest_rules_break(make_scenario):
    # b must be served by 10:50; a and c not before 12:00. Leaving at 10:40 serves b but
    # holds a's and c's meals over 60 min (two breaks); leaving at 11:07 keeps them and
    # misses b's window (one break). The old rule (as late as no window end is missed)
    # left at 10:48 and broke two.
    scenario = make_scenario(
        [
            client("b", 200, window=["10:40", "10:50"]),
            client("a", 300, window=["12:00", "12:30"]),
            client("c", 400, window=["12:00", "12:30"]),
        ]
    )
    assert found(scenario, plan_of({"r1": [["b"], ["a"], ["c"]]}, {})) == [("window", "b")]


def test_a_buildings_clients_left_out_for_time_are_tried_together_as_one_stop(make_scenario):
    # r1 works 10:30–10:50; "solo" alone fits, but with "late" (window from 11:30) the stop
    # does not: the building is one stop, so leaving both out holds.
    early = courier("r1", shift=["10:30", "10:50"])
    scenario = make_scenario(
        [
            client("solo", 300, building="b1"),
            client("late", 300, building="b1", window=["11:30", "12:00"]),
        ],
        couriers=[early],
    )
    assert found(scenario, plan_of({}, {"solo": "no_time", "late": "no_time"})) == []
    # With "late" left out for its own fact (its window opens after r1's shift), "solo" is
    # tried alone, and fits.
    (violation,) = verify(scenario, plan_of({}, {"solo": "no_time", "late": "shift_over"}))
    assert (violation.rule, violation.client) == ("servable_unassigned", "solo")
