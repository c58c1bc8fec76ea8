"""The independent verifier catches every broken rule in hand-made plans."""

from __future__ import annotations

import pytest
from conftest import client

from dispatch.errors import PlanFormatError
from dispatch.planning.day import plan_day
from dispatch.report.context import PlanContext
from dispatch.report.plan_json import plan_from_dict, plan_to_dict
from dispatch.verify import verify


def hand_plan(*routes, unassigned=()):
    return plan_from_dict(
        {
            "routes": [
                {
                    "courier": courier,
                    "steps": [{"type": "start"}]
                    + [{"type": "delivery", "clients": list(s)} for s in stops]
                    + [{"type": "end"}],
                }
                for courier, stops in routes
            ],
            "unassigned": [{"client": c} for c in unassigned],
        }
    )


def rules(scenario, plan) -> list[str]:
    return sorted(v.rule for v in verify(scenario, plan))


@pytest.fixture
def three(make_scenario):
    return make_scenario([client("a", 300), client("b", 600), client("c", 900)])


def test_a_valid_hand_made_plan_has_no_violations(three):
    assert rules(three, hand_plan(("r1", [["a"], ["b"], ["c"]]))) == []


def test_missing_client_is_reported(three):
    assert rules(three, hand_plan(("r1", [["a"], ["b"]]))) == ["missing"]


def test_client_reported_unassigned_is_not_missing_but_servable(three):
    # r1 has room and time for c: leaving c out is a finding, not a missing client.
    assert rules(three, hand_plan(("r1", [["a"], ["b"]]), unassigned=["c"])) == [
        "servable_unassigned"
    ]


def test_client_served_twice_is_reported(three):
    plan = hand_plan(("r1", [["a"], ["b"], ["c"], ["a"]]))
    assert rules(three, plan) == ["served_twice"]


def test_unknown_courier_and_client_are_reported(three):
    plan = hand_plan(("zz", [["a"]]), ("r1", [["b"], ["c"], ["nobody"]]))
    assert rules(three, plan) == ["unknown_client", "unknown_courier"]


def test_capacity_is_checked(make_scenario):
    scenario = make_scenario(
        [client("a", 300, meals={"regular": 6}), client("b", 600, meals={"soft": 5})]
    )
    assert rules(scenario, hand_plan(("r1", [["a"], ["b"]]))) == ["capacity"]


def test_climbing_above_the_couriers_limit_is_reported(make_scenario):
    scenario = make_scenario(
        [client("a", 300, floor=8)],
        couriers=[
            {
                "id": "r1",
                "mode": "ebike",
                "capacity": 5,
                "shift": ["10:30", "13:00"],
                "max_floor_no_lift": 5,
            }
        ],
    )
    assert rules(scenario, hand_plan(("r1", [["a"]]))) == ["climbing"]


def test_stop_mixing_buildings_is_reported(three):
    assert "mixed_stop" in rules(three, hand_plan(("r1", [["a", "b"], ["c"]])))


def test_window_miss_is_reported(make_scenario):
    scenario = make_scenario([client("a", 300, window=["10:45", "10:46"]), client("b", 5_000)])
    # Serving b first makes a late for its window.
    assert rules(scenario, hand_plan(("r1", [["b"], ["a"]]))) == ["window"]


def test_food_safety_limit_is_checked_across_the_route(make_scenario):
    north = [client(f"n{i}", 2_000 + 30 * i) for i in range(2)]
    south = [client(f"s{i}", -2_000 - 30 * i) for i in range(2)]
    scenario = make_scenario(north + south, max_door_to_door_min=20)
    plan = hand_plan(("r1", [["n0"], ["n1"], ["s0"], ["s1"]]))
    assert set(rules(scenario, plan)) == {"food_safety"}


def test_departure_before_meals_are_ready_is_reported(three):
    data = plan_to_dict(PlanContext.of(three, plan_day(three)))
    data["routes"][0]["steps"][0]["departure_s"] = 10 * 3600
    assert "meals_ready" in rules(three, plan_from_dict(data))


def test_claimed_arrival_that_does_not_match_the_travel_model_is_reported(three):
    data = plan_to_dict(PlanContext.of(three, plan_day(three)))
    data["routes"][0]["steps"][1]["arrival_s"] -= 120
    assert "time_mismatch" in rules(three, plan_from_dict(data))


def test_solver_plan_survives_a_json_round_trip_unchanged(three):
    plan = plan_day(three)
    assert verify(three, plan_from_dict(plan_to_dict(PlanContext.of(three, plan)))) == []


def test_hand_made_plan_without_times_leaves_as_late_as_useful(make_scenario):
    # Leaving at 10:40 would hold the meal until the 12:00 window: 80 min > 60 min.
    scenario = make_scenario([client("a", 300, window=["12:00", "12:30"])])
    assert rules(scenario, hand_plan(("r1", [["a"]]))) == []


def test_malformed_plan_names_the_field():
    with pytest.raises(PlanFormatError) as caught:
        plan_from_dict({"routes": [{"courier": "r1", "steps": [{"type": "fly"}]}]})
    assert caught.value.field == "routes[0].steps[0].type"
