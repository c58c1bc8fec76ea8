"""The objective past the couriers: lunch soon after cooking, preferred times, priorities."""

from __future__ import annotations

from dataclasses import replace

from conftest import REPO, client

from dispatch.model import Client, Location
from dispatch.planning.day import plan_day
from dispatch.planning.objective import drop_weights, priority
from dispatch.report.context import PlanContext
from dispatch.report.kpi import summary
from dispatch.scenario import parse_scenario
from dispatch.scenario.whatif import read_whatif
from dispatch.verify import verify

NOON_S = 12 * 3600
READY_S = 10 * 3600 + 45 * 60


def late_courier(**fields):
    """A rider free from 12:00 only, long after the meals are ready at 10:45."""
    return {"id": "r1", "mode": "ebike", "capacity": 10, "shift": ["12:00", "13:30"], **fields}


def ready_at_1045(scenario):
    return replace(scenario, canteen=replace(scenario.canteen, meals_ready_s=READY_S))


def only_delivery(plan):
    (route,) = plan.routes
    (step,) = route.deliveries
    return route, step


def test_window_less_client_gets_lunch_right_after_departure_not_at_the_limit(make_scenario):
    # Cooked at 10:45, the limit is 12:45 (120 min); the rider is free at 12:00.
    scenario = ready_at_1045(make_scenario([client("a", 500)], couriers=[late_courier()]))
    plan = plan_day(scenario)
    route, step = only_delivery(plan)
    assert route.steps[0].departure_s == NOON_S
    # 500 m × 1.3 detour at 15 km/h is 156 s; 60 s to park and 120 s to hand over.
    assert (step.travel_s, step.arrival_s) == (156, NOON_S + 156)
    assert step.departure_s == NOON_S + 156 + 180  # 12:05:36, not at the 12:45 limit
    assert verify(scenario, plan) == []


def test_without_the_lunch_term_the_courier_leaves_as_late_as_allowed(make_scenario):
    scenario = ready_at_1045(
        make_scenario([client("a", 500)], couriers=[late_courier()], cooked_to_door_s_per_min=0)
    )
    _, step = only_delivery(plan_day(scenario))
    assert step.departure_s == READY_S + 120 * 60  # the old rule: the meal lands at 12:45


def test_preferred_time_is_honoured_when_free(make_scenario):
    scenario = make_scenario(
        [client("a", 500, preferred_time="11:30"), client("b", 520)],
    )
    plan = plan_day(scenario)
    arrival = {c: s.arrival_s for r in plan.routes for s in r.deliveries for c in s.clients}
    assert arrival["a"] == 11 * 3600 + 30 * 60
    assert verify(scenario, plan) == []


def test_summary_reports_mean_and_max_cooked_to_door(make_scenario):
    scenario = make_scenario([client("a", 500), client("b", 2500)])
    plan = plan_day(scenario)
    ready = scenario.canteen.meals_ready_s
    done = [s.departure_s - ready for r in plan.routes for s in r.deliveries]
    figures = summary(PlanContext.of(scenario, plan))
    assert figures["cooked_to_door_max_s"] == max(done)
    assert figures["cooked_to_door_mean_s"] == round(sum(done) / len(done))


def test_one_seat_short_the_priority_one_client_is_served(make_scenario):
    # Two seats, three clients: the far severely disabled client costs the most riding,
    # the near temporary client (priority 3) gives way, with the priority reason.
    scenario = make_scenario(
        [
            client("sd", 2500, group="severely_disabled"),
            client("alone", 300, group="living_alone"),
            client("temp", 320, group="temporary"),
        ],
        couriers=[{"id": "r1", "mode": "ebike", "capacity": 2, "shift": ["10:30", "13:00"]}],
    )
    plan = plan_day(scenario)
    served = {c for r in plan.routes for s in r.deliveries for c in s.clients}
    assert served == {"sd", "alone"}
    (left,) = plan.unassigned
    assert (left.client, left.code) == ("temp", "higher_priority")
    assert "priority 1 served" in left.reason_en and "priority 3" in left.reason_en
    assert "优先级更高" in left.reason_zh
    assert verify(scenario, plan) == []


def test_a_top_priority_client_dropped_keeps_the_capacity_reason(make_scenario):
    scenario = make_scenario(
        [client("sd1", 300, group="severely_disabled"), client("sd2", 320, priority=1)],
        couriers=[{"id": "r1", "mode": "ebike", "capacity": 1, "shift": ["10:30", "13:00"]}],
    )
    (left,) = plan_day(scenario).unassigned
    assert left.code == "no_capacity"


def test_priority_defaults_from_group_and_age():
    assert priority(person(group="severely_disabled")) == 1
    assert priority(person(group="living_alone", age=85)) == 1
    assert priority(person(group="living_alone", age=79)) == 2
    assert priority(person(group="low_income_disabled")) == 2
    assert priority(person(group="temporary")) == 3
    assert priority(person()) == 3
    assert priority(person(group="severely_disabled", priority=2)) == 2


def test_one_priority_one_client_outweighs_every_lower_one_together():
    clients = [person(priority=p) for p in (1, *[2] * 4, *[3] * 7)]
    weights = drop_weights(clients)
    assert weights == {3: 1, 2: 8, 1: 1 + 7 + 4 * 8}
    assert weights[1] > 4 * weights[2] + 7 * weights[3]


def person(**fields) -> Client:
    base = {"id": "x", "name": "", "location": Location(0, 0), "address": "", "building": "b"}
    return Client(**base, floor=1, lift=False, meals={"regular": 1}, **fields)


def test_thirty_more_clients_leave_no_severely_disabled_client_unserved():
    # The +30-clients what-if: 101 meals for 81 seats. Before priorities 3 of the 17
    # severely disabled clients were left out; now only lower priorities give way.
    (document,) = read_whatif(REPO / "scenarios" / "whatif" / "growth.yaml").parts
    document["settings"]["iterations"] = 100
    scenario = parse_scenario(document)
    plan = plan_day(scenario)
    group = {c.id: c.group for c in scenario.clients}
    assert plan.unassigned
    assert all(group[u.client] != "severely_disabled" for u in plan.unassigned)
    assert {u.code for u in plan.unassigned} == {"higher_priority"}
    assert plan.violations == ()
