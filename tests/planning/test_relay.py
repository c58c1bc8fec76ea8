"""Relay delivery: riders hand over at relay points, grid workers walk the last leg."""

from __future__ import annotations

import copy

import pytest
from conftest import base_document, client, north_m

from dispatch.planning.day import plan_day
from dispatch.report.context import PlanContext
from dispatch.report.plan_json import plan_from_dict, plan_to_dict
from dispatch.scenario import parse_scenario
from dispatch.verify import verify


def relay_document(**settings):
    """Canteen; a relay point 1.5 km north with one grid worker; one rider.

    ``near`` lives 300 m north (inside the 600 m direct radius), ``far`` 1.8 km north,
    300 m beyond the relay point.
    """
    doc = base_document()
    doc["weather"] = "rainstorm_orange"
    doc["couriers"] = [{"id": "r1", "mode": "ebike", "capacity": 10, "shift": ["10:30", "13:00"]}]
    doc["relay_points"] = [
        {"id": "rp1", "location": north_m(1_500), "open": ["10:30", "13:00"], "capacity": 10}
    ]
    doc["walkers"] = [
        {"id": "g1", "relay_point": "rp1", "capacity": 6, "shift": ["10:45", "13:00"]}
    ]
    doc["clients"] = [client("near", 300), client("far", 1_800, floor=3)]
    doc["settings"].update(settings)
    return doc


@pytest.fixture
def relay_plan():
    scenario = parse_scenario(relay_document())
    return scenario, plan_day(scenario)


def route_of(plan, who):
    return next(r for r in plan.routes if r.courier == who)


def test_outlying_client_goes_through_the_relay_point(relay_plan):
    _, plan = relay_plan
    assert plan.unassigned == () and plan.violations == ()
    rider, walker = route_of(plan, "r1"), route_of(plan, "g1")
    assert [c for s in rider.deliveries for c in s.clients] == ["near"]
    (handover,) = rider.handovers
    assert (handover.relay_point, handover.partners, handover.meals) == ("rp1", ("g1",), 1)
    assert walker.steps[0].type == "handover" and walker.steps[0].partners == ("r1",)
    assert [c for s in walker.deliveries for c in s.clients] == ["far"]


def test_walker_leaves_after_the_rider_has_handed_over(relay_plan):
    _, plan = relay_plan
    handover = route_of(plan, "r1").handovers[0]
    pick_up = route_of(plan, "g1").steps[0]
    assert pick_up.arrival_s == handover.arrival_s
    assert pick_up.departure_s >= handover.departure_s


def test_food_safety_clock_runs_from_the_canteen_across_both_legs(relay_plan):
    scenario, plan = relay_plan
    left_canteen = route_of(plan, "r1").steps[0].departure_s
    (door,) = route_of(plan, "g1").deliveries
    assert door.departure_s - left_canteen <= scenario.settings.relay_max_door_to_door_s
    data = plan_to_dict(PlanContext.of(scenario, plan))
    walker = next(r for r in data["routes"] if r["courier"] == "g1")
    assert walker["role"] == "walker"
    assert walker["door_to_door_s"] == door.departure_s - left_canteen


def test_hand_over_takes_a_minute_plus_ten_seconds_a_meal(relay_plan):
    _, plan = relay_plan
    handover = route_of(plan, "r1").handovers[0]
    assert handover.service_s == 60 + 10 * 1


def test_relay_plan_survives_a_json_round_trip(relay_plan):
    scenario, plan = relay_plan
    assert verify(scenario, plan_from_dict(plan_to_dict(PlanContext.of(scenario, plan)))) == []


def broken(relay_plan, edit):
    scenario, plan = relay_plan
    data = copy.deepcopy(plan_to_dict(PlanContext.of(scenario, plan)))
    edit({r["courier"]: r for r in data["routes"]})
    return sorted({v.rule for v in verify(scenario, plan_from_dict(data))})


def test_verifier_catches_a_walker_leaving_before_the_hand_over(relay_plan):
    def edit(routes):
        pick_up = routes["g1"]["steps"][0]
        handover = next(s for s in routes["r1"]["steps"] if s["type"] == "handover")
        pick_up["departure_s"] = handover["arrival_s"]
        routes["g1"]["steps"][1].pop("arrival_s")

    assert "handover_order" in broken(relay_plan, edit)


def test_verifier_catches_a_hand_over_from_the_wrong_rider(relay_plan):
    def edit(routes):
        routes["g1"]["steps"][0]["rider"] = "nobody"

    # ... and r1's own hand-over then feeds nobody.
    assert broken(relay_plan, edit) == ["handover_mismatch", "handover_no_route", "relay_unused"]


def test_verifier_catches_an_overfull_relay_point():
    scenario = parse_scenario(
        {
            **relay_document(),
            "relay_points": [
                {"id": "rp1", "location": north_m(1_500), "open": ["10:30", "13:00"], "capacity": 0}
            ],
        }
    )
    plan = plan_day(scenario)
    # With room for nothing, the far client cannot be relayed: reported, not dropped.
    assert [(u.client, u.code) for u in plan.unassigned] == [("far", "no_relay")]
    assert plan.violations == ()


def test_relay_point_closed_when_the_meals_arrive_is_reported(relay_plan):
    _, plan = relay_plan
    closed = relay_document()
    closed["relay_points"][0]["open"] = ["10:30", "10:45"]
    assert "relay_closed" in {v.rule for v in verify(parse_scenario(closed), plan)}


def test_at_red_nobody_rides_and_grid_workers_walk_from_the_canteen():
    doc = relay_document()
    doc["weather"] = "typhoon_red"
    scenario = parse_scenario(doc)
    plan = plan_day(scenario)
    assert [r.courier for r in plan.routes] == ["g1"]
    assert route_of(plan, "g1").steps[0].type == "start"
    assert plan.violations == ()
    served = {c for r in plan.routes for s in r.deliveries for c in s.clients}
    assert served | {u.client for u in plan.unassigned} == {"near", "far"}
