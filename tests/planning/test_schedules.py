"""Who is planned on a date (weekdays, pauses) and who keeps their courier (usual, earlier plan)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from conftest import client

from dispatch.planning.day import plan_day
from dispatch.report.context import PlanContext
from dispatch.report.kpi import summary
from dispatch.verify import verify

TUESDAY, WEDNESDAY = dt.date(2026, 11, 24), dt.date(2026, 11, 25)  # the base document's date
R = {"mode": "ebike", "capacity": 3, "shift": ["10:30", "13:00"]}


def served_by(plan) -> dict[str, str]:
    return {c: r.courier for r in plan.routes for s in r.deliveries for c in s.clients}


def schedule_day(make_scenario):
    return make_scenario(
        [
            client("every-day", 300),
            client("mwf", 500, days=["mon", "wed", "fri"]),
            client("in-hospital", 700, paused=[{"from": "2026-11-20", "to": "2026-11-30"}]),
            client(
                "away",
                900,
                paused=[{"from": "2026-11-23", "to": "2026-11-24", "reason": "住院 hospital"}],
            ),
            client("left", 400, active={"to": "2026-11-15"}),
        ]
    )


def test_a_mon_wed_fri_client_on_a_tuesday_is_not_planned_and_listed_as_not_scheduled(
    make_scenario,
):
    scenario = schedule_day(make_scenario)
    assert scenario.date == TUESDAY
    plan = plan_day(scenario)
    assert set(served_by(plan)) == {"every-day"}
    assert plan.unassigned == ()  # not "should have been served"
    assert plan.violations == ()
    listed = {n.client: n for n in plan.not_scheduled}
    assert set(listed) == {"mwf", "in-hospital", "away"}  # "left" is inactive: not listed
    mwf = listed["mwf"]
    assert mwf.code == "not_scheduled"
    assert mwf.reason_en == "not scheduled on Tuesdays (served on Monday, Wednesday, Friday)"
    assert mwf.reason_zh == "周二不在送餐日（送餐日：周一、周三、周五）"


def test_a_paused_client_is_listed_with_the_pause_and_its_reason(make_scenario):
    plan = plan_day(schedule_day(make_scenario))
    listed = {n.client: n for n in plan.not_scheduled}
    assert listed["in-hospital"].code == listed["away"].code == "paused"
    assert listed["in-hospital"].reason_en == "paused from 2026-11-20 to 2026-11-30"
    assert listed["away"].reason_en == "paused from 2026-11-23 to 2026-11-24: 住院 hospital"
    assert listed["away"].reason_zh == "暂停送餐：2026-11-23 至 2026-11-24，住院 hospital"


def test_on_a_wednesday_the_mon_wed_fri_client_and_the_one_back_from_hospital_are_served(
    make_scenario,
):
    scenario = replace(schedule_day(make_scenario), date=WEDNESDAY)
    plan = plan_day(scenario)
    assert set(served_by(plan)) == {"every-day", "mwf", "away"}
    assert [n.client for n in plan.not_scheduled] == ["in-hospital"]
    figures = summary(PlanContext.of(scenario, plan))
    assert (figures["clients"], figures["served"], figures["not_scheduled"]) == (3, 3, 1)


def test_the_verifier_flags_a_served_client_who_is_not_due_today(make_scenario):
    wednesday = replace(schedule_day(make_scenario), date=WEDNESDAY)
    plan = plan_day(wednesday)  # serves "mwf"
    tuesday = replace(wednesday, date=TUESDAY)
    found = {(v.rule, v.client) for v in verify(tuesday, plan)}
    assert ("inactive", "mwf") in found
    assert ("inactive", "away") in found  # paused on the Tuesday


# Usual couriers. Two couriers of 3 meals each, 5 meals: both ride. N1, N2 are 1500 m north,
# S1, S2 1500 m south; their usual couriers are r1 (north) and r2 (south). "x" is r2's too.
# Routes are open (they end at the last door), e-bike 15 km/h on straight line × 1.3:
# - x 100 m north: r2 rides canteen → x → south, 2 × 100 m × 1.3 = 260 m more than
#   canteen → south, 62 s; r1 would take x for nothing (on its way). 62 s < 600 s: kept.
# - x 1500 m north (beside N1, N2): r2 would ride 2 × 1500 m × 1.3 = 3900 m more, 936 s;
#   r1 takes x for nothing. 936 s > 600 s (keep_courier_s): x moves to r1; with
#   keep_courier_s 1000 it stays with r2.
def usual_day(make_scenario, x_north_m: float, **settings):
    clients = [
        client("n1", 1500, usual_courier="r1"),
        client("n2", 1500, usual_courier="r1"),
        client("s1", -1500, usual_courier="r2"),
        client("s2", -1500, usual_courier="r2"),
        client("x", x_north_m, usual_courier="r2"),
    ]
    couriers = [{"id": "r1", **R}, {"id": "r2", **R}]
    return make_scenario(clients, couriers=couriers, **settings)


def kept(scenario, plan) -> tuple[int, int]:
    figures = summary(PlanContext.of(scenario, plan))
    return figures["kept_courier"], figures["kept_courier_of"]


def test_the_usual_courier_is_kept_when_it_costs_less_than_keep_courier_s(make_scenario):
    scenario = usual_day(make_scenario, 100)
    plan = plan_day(scenario)
    assert plan.violations == ()
    assert served_by(plan) == {"n1": "r1", "n2": "r1", "s1": "r2", "s2": "r2", "x": "r2"}
    assert kept(scenario, plan) == (5, 5)


def test_the_usual_courier_gives_way_when_keeping_costs_more_than_keep_courier_s(
    make_scenario,
):
    scenario = usual_day(make_scenario, 1500)
    plan = plan_day(scenario)
    assert plan.violations == ()
    assert served_by(plan) == {"n1": "r1", "n2": "r1", "s1": "r2", "s2": "r2", "x": "r1"}
    assert kept(scenario, plan) == (4, 5)
    dearer = usual_day(make_scenario, 1500, keep_courier_s=1000)
    assert served_by(plan_day(dearer))["x"] == "r2"


def test_the_usual_courier_comes_before_the_earlier_plan_and_the_earlier_plan_fills_in(
    make_scenario,
):
    scenario = usual_day(make_scenario, 100)
    earlier = {"n1": "r2", "n2": "r2", "s1": "r1", "s2": "r1", "x": "r1"}
    both = replace(scenario, keep=earlier)
    assert dict(both.preferred_couriers()) == {
        "n1": "r1",
        "n2": "r1",
        "s1": "r2",
        "s2": "r2",
        "x": "r2",
    }
    off_sick = replace(both, couriers=both.couriers[:1])  # r2 is not working today
    assert set(off_sick.preferred_couriers().items()) == {(c, "r1") for c in earlier}


def test_the_verifier_flags_a_due_client_listed_as_not_scheduled(make_scenario):
    tuesday = schedule_day(make_scenario)
    wednesday_plan = plan_day(replace(tuesday, date=WEDNESDAY))  # lists "in-hospital"
    listed = replace(wednesday_plan, not_scheduled=plan_day(tuesday).not_scheduled)
    found = {(v.rule, v.client) for v in verify(replace(tuesday, date=WEDNESDAY), listed)}
    assert ("not_scheduled_but_due", "mwf") in found  # due on Wednesdays
    assert ("not_scheduled_but_due", "in-hospital") not in found  # still paused
