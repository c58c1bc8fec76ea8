"""Workers who cannot work today are left out and said so; everyone else is planned."""

from __future__ import annotations

from conftest import client
from test_relay import relay_document

from dispatch.planning.day import plan_day
from dispatch.report.context import PlanContext
from dispatch.report.plan_json import plan_from_dict, plan_to_dict
from dispatch.scenario import parse_scenario

EARLY = {"id": "early", "mode": "ebike", "capacity": 10, "shift": ["08:00", "10:30"]}
R1 = {"id": "r1", "mode": "ebike", "capacity": 1, "shift": ["10:30", "13:00"]}


def not_used(plan):
    return {n.courier: n.code for n in plan.not_used}


def test_a_courier_whose_shift_ends_before_meals_are_ready_is_not_used(make_scenario):
    scenario = make_scenario([client("a", 300), client("b", 600)], couriers=[R1, EARLY])
    plan = plan_day(scenario, time_limit_s=0.3)
    assert not_used(plan) == {"early": "shift_before_meals"}
    assert {r.courier for r in plan.routes} == {"r1"} and plan.violations == ()
    assert [u.client for u in plan.unassigned] == ["b"]  # r1 carries one meal
    (reason,) = plan.not_used
    assert "10:30" in reason.reason_en and "10:40" in reason.reason_en
    assert "10:30" in reason.reason_zh and "出餐" in reason.reason_zh


def test_couriers_not_used_are_in_plan_json_and_read_back(make_scenario):
    scenario = make_scenario([client("a", 300)], couriers=[R1, EARLY])
    document = plan_to_dict(PlanContext.of(scenario, plan_day(scenario, time_limit_s=0.3)))
    (entry,) = document["couriers_not_used"]
    assert entry["courier"] == "early" and entry["code"] == "shift_before_meals"
    assert entry["reason"] and entry["reason_zh"]
    assert plan_from_dict(document).not_used[0].code == "shift_before_meals"


def test_with_every_shift_over_each_client_has_that_reason(make_scenario):
    scenario = make_scenario([client("a", 300)], couriers=[EARLY])
    plan = plan_day(scenario, time_limit_s=0.3)
    assert plan.routes == () and plan.violations == ()
    assert [(u.client, u.code) for u in plan.unassigned] == [("a", "no_courier_on_shift")]


def test_riders_are_not_used_on_a_walk_only_day(make_scenario):
    walker = {"id": "w1", "mode": "walk", "capacity": 4, "shift": ["10:30", "13:00"]}
    rider = {**R1, "capacity": 4}
    scenario = parse_scenario(
        {
            **relay_document(),
            "weather": "typhoon_red",
            "couriers": [rider, walker],
            "clients": [client("a", 300)],
        }
    )
    plan = plan_day(scenario, time_limit_s=0.3)
    assert not_used(plan) == {"r1": "no_riding_today"}
    assert {r.courier for r in plan.routes} == {"w1"} and plan.violations == ()


def test_a_relay_day_with_a_rider_off_shift_is_planned_by_the_others():
    doc = relay_document()
    doc["couriers"].append(EARLY)
    plan = plan_day(parse_scenario(doc), time_limit_s=0.3)
    assert not_used(plan) == {"early": "shift_before_meals"}
    assert plan.unassigned == () and plan.violations == ()


def test_a_grid_worker_whose_relay_point_is_closed_all_shift_is_not_used():
    doc = relay_document()
    doc["relay_points"][0]["open"] = ["10:30", "12:00"]
    doc["walkers"].append(
        {"id": "late", "relay_point": "rp1", "capacity": 6, "shift": ["12:30", "14:00"]}
    )
    plan = plan_day(parse_scenario(doc), time_limit_s=0.3)
    assert not_used(plan) == {"late": "relay_closed_in_shift"}
    assert plan.violations == () and plan.unassigned == ()


def test_a_near_stop_only_a_grid_worker_climbs_to_has_a_reason():
    doc = relay_document()
    doc["couriers"][0]["max_floor_no_lift"] = 3
    doc["walkers"][0]["max_floor_no_lift"] = 9
    doc["clients"] = [client("near", 300, floor=8), client("far", 1_800)]
    plan = plan_day(parse_scenario(doc), time_limit_s=0.3)
    assert [(u.client, u.code) for u in plan.unassigned] == [("near", "no_climber")]
    assert "floor 8" in plan.unassigned[0].reason_en and "3" in plan.unassigned[0].reason_en
    assert plan.violations == ()


def test_a_grid_worker_gone_before_the_meals_reach_the_point_leaves_it_to_the_others():
    doc = relay_document()
    doc["walkers"].append(
        {"id": "g0", "relay_point": "rp1", "capacity": 6, "shift": ["10:00", "10:45"]}
    )
    plan = plan_day(parse_scenario(doc), time_limit_s=0.3)
    assert {r.courier for r in plan.routes} == {"r1", "g1"}
    assert plan.unassigned == () and plan.violations == ()


def test_a_stop_reachable_in_its_window_but_after_every_shift_is_shift_over(make_scenario):
    # 2 km × 1.3 at 15 km/h is 624 s, service 180 s: leaving 10:40, done 10:53:24.
    short = {**R1, "shift": ["10:30", "10:45"]}
    plan = plan_day(make_scenario([client("a", 2_000)], couriers=[short]), time_limit_s=0.3)
    assert [(u.client, u.code) for u in plan.unassigned] == [("a", "shift_over")]
    assert "10:54" in plan.unassigned[0].reason_en and "10:45" in plan.unassigned[0].reason_en
